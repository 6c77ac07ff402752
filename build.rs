//! `agentctl --version`: `agentctl <version> (<commit> <date>)` when built from a git checkout,
//! as `rg --version` and `uv --version` say it; plain `agentctl <version>` otherwise (a crates.io
//! tarball, a source archive, no git installed). Asking git never fails the build.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let version = env!("CARGO_PKG_VERSION");
    let full = match commit() {
        Some((commit, date)) => format!("{version} ({commit} {date})"),
        None => version.to_owned(),
    };
    println!("cargo:rustc-env=AGENTCTL_VERSION={full}");
}

/// The short hash and date of the checked-out commit, only when this crate's own directory is
/// the top of a git checkout (an archive unpacked inside some other repository is not).
fn commit() -> Option<(String, String)> {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    // `.git` is a directory in a clone and a file in a worktree.
    if !root.join(".git").exists() {
        return None;
    }
    // Rebuild when the checked-out commit changes: HEAD moves to another branch or commit, or
    // the branch it names moves (its loose ref, or packed-refs once git has packed it).
    let mut watched = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
    watched.extend(git(&root, &["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        let path = root.join(git(&root, &["rev-parse", "--git-path", &name])?);
        // A path that does not exist would rerun this script on every build; a branch whose
        // ref is only packed gets its loose file in this directory on the next commit.
        let path = if path.exists() || name == "packed-refs" {
            path
        } else {
            path.parent()?.to_owned()
        };
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    let line = git(
        &root,
        &["log", "-1", "--date=short", "--format=%h %cd", "HEAD"],
    )?;
    let (commit, date) = line.split_once(' ')?;
    Some((commit.to_owned(), date.to_owned()))
}

/// git's answer, trimmed; `None` when git is missing, fails or says nothing.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_owned())
}
