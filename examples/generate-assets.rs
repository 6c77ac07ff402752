//! Writes the shell completions and man pages into `completions/` and `man/` of the directory
//! given (default: the current one), for maintainers after a change to the command line:
//!
//!     cargo run --example generate-assets
//!
//! An example rather than a subcommand of agentctl, so the binary never offers it (in
//! completions, or in "did you mean" for a mistyped command).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = PathBuf::from(std::env::args_os().nth(1).unwrap_or_else(|| ".".into()));
    for asset in agentctl::assets::all(&agentctl::cli::command()) {
        let path = dir.join(&asset.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &asset.contents));
        if let Err(err) = written {
            eprintln!("error: {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
