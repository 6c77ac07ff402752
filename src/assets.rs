//! Generated files shipped in the repository: shell completions (`completions/`) and man pages
//! (`man/`). One generator writes both (`agentctl generate-assets`), and a test regenerates
//! them in memory and fails when a committed file is stale.

use clap_complete::Shell;
use std::io::Write;

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

/// The completion script for one shell.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut command = crate::cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "agentctl", &mut out);
    out
}

/// Every generated file, in a stable order.
pub fn all() -> Vec<Asset> {
    let mut assets: Vec<Asset> = SHELLS
        .iter()
        .map(|(shell, file)| Asset {
            path: format!("completions/{file}"),
            contents: completion(*shell),
        })
        .collect();
    assets.extend(man_pages());
    assets
}

/// `agentctl.1` and one page per subcommand (`agentctl-heartbeat-send.1`, …).
fn man_pages() -> Vec<Asset> {
    // The pages say the crate version, not the commit `--version` adds: they are committed.
    let mut root = crate::cli::command()
        .disable_help_subcommand(true)
        .version(env!("CARGO_PKG_VERSION"));
    root.build();
    let mut pages = vec![Asset {
        path: "man/agentctl.1".into(),
        contents: root_page(&root),
    }];
    fn walk(command: &clap::Command, pages: &mut Vec<Asset>) {
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            let man = clap_mangen::Man::new(sub.clone());
            pages.push(Asset {
                path: format!("man/{}", man.get_filename()),
                contents: sub_page(&man, sub),
            });
            walk(sub, pages);
        }
    }
    walk(&root, &mut pages);
    pages
}

fn sub_page(man: &clap_mangen::Man, command: &clap::Command) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        let _ = man.render_options_section(&mut out);
    }
    if command.has_subcommands() {
        let _ = man.render_subcommands_section(&mut out);
    }
    if command.get_after_help().is_some() {
        let mut extra = Vec::new();
        let _ = man.render_extra_section(&mut extra);
        let extra = String::from_utf8_lossy(&extra).replacen(".SH EXTRA", ".SH EXAMPLES", 1);
        out.extend_from_slice(extra.as_bytes());
    }
    out
}

fn root_page(root: &clap::Command) -> Vec<u8> {
    let man = clap_mangen::Man::new(root.clone());
    let mut out = Vec::new();
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);
    let _ = man.render_subcommands_section(&mut out);
    let _ = out.write_all(exit_status_section().as_bytes());
    let _ = out.write_all(ROOT_SECTIONS.as_bytes());
    out
}

/// EXIT STATUS, from the one table of `ErrorKind`.
fn exit_status_section() -> String {
    let roff = |text: &str| text.replace('-', "\\-");
    let mut section = String::from(".SH \"EXIT STATUS\"\n.TP\n\\fB0\\fR\nsuccess\n");
    for kind in crate::error::ErrorKind::ALL {
        section.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            kind.exit_code(),
            roff(kind.meaning())
        ));
    }
    section
}

/// The sections of `agentctl.1` that clap does not know about.
const ROOT_SECTIONS: &str = r#".SH ENVIRONMENT
.TP
\fBAGENTCTL_HOST\fR
API base URL, like \fB\-\-host\fR.
.TP
\fBAGENTCTL_TOKEN\fR
Bearer token. There is no flag for it: a secret on the command line lands in shell history and \fBps\fR.
.TP
\fBAGENTCTL_PROFILE\fR
Profile from the config file, like \fB\-\-profile\fR.
.TP
\fBAGENTCTL_OUTPUT\fR
Output format, like \fB\-o\fR.
.TP
\fBAGENTCTL_CONFIG_DIR\fR
Configuration directory, like \fB\-\-config\-dir\fR.
.TP
\fBNO_COLOR\fR
Turns color off. \fBCLICOLOR_FORCE=1\fR forces it on.
.SH FILES
.TP
\fI~/.config/agentctl/config.toml\fR
Profiles and settings (not secrets).
.TP
\fI~/.config/agentctl/credentials.toml\fR
Tokens, one per profile; mode 0600.
.SH EXAMPLES
.nf
agentctl heartbeat send agent\-abc123\-def456 \-\-version 1.2.3 \-\-uptime 1d \-\-cpu 12.5 \-\-mem 35.2
agentctl agent show web\-01 web\-02 \-o wide
agentctl agent show web\-01 \-\-jq .status \-r
.fi
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_and_page_is_generated() {
        let assets = all();
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
