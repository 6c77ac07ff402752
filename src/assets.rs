//! Generated files shipped in the repository: shell completions (`completions/`) and man pages
//! (`man/`). One generator writes both (`cargo run --example generate-assets`), and a test
//! regenerates them in memory and fails when a committed file is stale.

mod man;

use clap_complete::Shell;

/// One generated file: its path relative to the repository root, and its bytes.
pub struct Asset {
    pub path: String,
    pub contents: Vec<u8>,
}

/// The shells completions are generated for, and the file each goes into.
pub const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "agentctl.bash"),
    (Shell::Zsh, "_agentctl"),
    (Shell::Fish, "agentctl.fish"),
    (Shell::PowerShell, "_agentctl.ps1"),
    (Shell::Elvish, "agentctl.elv"),
];

/// The completion script for one shell: it registers `agentctl` itself as the completer
/// (`COMPLETE=<shell> agentctl …`), which answers from the clap tree and live values such as
/// the profiles in config.toml. The same text as `COMPLETE=<shell> agentctl` prints.
pub fn completion(shell: Shell) -> Vec<u8> {
    let name = match shell {
        Shell::Bash => "bash",
        Shell::Zsh => "zsh",
        Shell::Fish => "fish",
        Shell::PowerShell => "powershell",
        Shell::Elvish => "elvish",
        _ => "bash",
    };
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells.completer(name).expect("a built-in shell");
    let mut out = Vec::new();
    completer
        .write_registration("COMPLETE", "agentctl", "agentctl", "agentctl", &mut out)
        .expect("writing to memory");
    out
}

/// Every generated file for the clap tree `command`, in a stable order.
pub fn all(command: &clap::Command) -> Vec<Asset> {
    let mut assets: Vec<Asset> = SHELLS
        .iter()
        .map(|(shell, file)| Asset {
            path: format!("completions/{file}"),
            contents: completion(*shell),
        })
        .collect();
    assets.extend(man::pages(command).into_iter().map(|page| Asset {
        path: format!("man/{}", page.file),
        contents: page.contents,
    }));
    assets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_and_page_is_generated() {
        let assets = all(&crate::cli::command());
        for (_, file) in SHELLS {
            assert!(
                assets
                    .iter()
                    .any(|a| a.path == format!("completions/{file}"))
            );
        }
        let root = assets.iter().find(|a| a.path == "man/agentctl.1").unwrap();
        let text = String::from_utf8_lossy(&root.contents);
        assert!(text.contains("EXIT STATUS") && text.contains("AGENTCTL_HOST"));
        assert!(
            assets
                .iter()
                .any(|a| a.path == "man/agentctl-heartbeat-send.1")
        );
    }
}
