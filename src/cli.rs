//! The command-line surface: clap types and their value parsers, nothing else.
//! Each leaf command's `Args` struct lives beside its `run` in `commands/`, the noun enums in
//! `commands/<noun>/mod.rs`, the global options in `config::GlobalArgs`, and value parsers
//! beside the types they parse.

use crate::commands::Command;
use crate::config::GlobalArgs;
use clap::Parser;

/// What `agentctl --version` says after the name: the crate version, and the commit and its
/// date when built from a git checkout (`build.rs`).
pub const VERSION: &str = env!("AGENTCTL_VERSION");

const ENVIRONMENT_HELP: &str = "\
Environment:
  AGENTCTL_HOST        API base URL (like --host)
  AGENTCTL_TOKEN       bearer token (there is no flag: a secret on the command line lands in shell history)
  AGENTCTL_PROFILE     profile from the config file (like --profile)
  AGENTCTL_OUTPUT      output format (like --output)
  AGENTCTL_CONFIG_DIR  configuration directory (like --config-dir)
  NO_COLOR             turn color off; CLICOLOR_FORCE=1 forces it on";

/// The clap command with its generated parts: the exit-status table comes from
/// `ErrorKind`, so `--help`, the man page and the code cannot disagree.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().after_help(format!(
        "Exit status:\n{}\n{ENVIRONMENT_HELP}",
        crate::error::exit_status_table()
    ))
}

/// Send and simulate agent heartbeats, look at agents, and watch them go online, delayed and
/// offline.
#[derive(Debug, Parser)]
#[command(name = "agentctl", version = VERSION, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputFormat;

    #[test]
    fn the_cli_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn global_options_work_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "agentctl", "agent", "show", "a", "-o", "json", "--host", "http://h", "-vv",
        ])
        .unwrap();
        assert_eq!(cli.global.output, Some(OutputFormat::Json));
        assert_eq!(cli.global.host.as_deref(), Some("http://h"));
        assert_eq!(cli.global.verbose, 2);
    }
}
