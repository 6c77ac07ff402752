//! `agentctl --version`: the crate version, and the commit with its date when built from a
//! git checkout (`build.rs`), as `rg --version` and `uv --version` say it.

use crate::common::*;
use std::path::Path;
use std::process::Command;

#[test]
fn version_names_the_commit_when_built_from_a_checkout() {
    let ran = run(World::new().cmd().arg("--version"));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let line = ran.stdout.strip_suffix('\n').expect("one line");
    let rest = line
        .strip_prefix(&format!("agentctl {}", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{line}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let head = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["log", "-1", "--date=short", "--format=%h %cd"])
        .output()
        .ok()
        .filter(|out| out.status.success() && root.join(".git").exists());
    match head {
        Some(out) => {
            let head = String::from_utf8(out.stdout).unwrap();
            assert_eq!(rest, format!(" ({})", head.trim()), "{line}");
        }
        // A source archive without git: the version alone.
        None => assert_eq!(rest, "", "{line}"),
    }
    let short = run(World::new().cmd().arg("-V"));
    assert_eq!(short.stdout, ran.stdout);
}
