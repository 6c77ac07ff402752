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
  AGENTCTL_TOKEN       bearer token (no flag: a secret on the command line lands in shell history)
  AGENTCTL_PROFILE     profile from the config file (like --profile)
  AGENTCTL_OUTPUT      output format (like --output)
  AGENTCTL_CONFIG_DIR  configuration directory (like --config-dir)
  NO_COLOR             turn color off; CLICOLOR_FORCE=1 forces it on";

/// A subcommand's help: its own arguments and options first, then the global options in one
/// short block (they are described in full by `agentctl --help`), then its examples.
const SUBCOMMAND_HELP: &str = "\
{before-help}{about-with-newline}
{usage-heading} {usage}

{all-args}

Global options (before or after the subcommand; details in `agentctl --help`):
  --host <URL>  --profile <NAME>  -o, --output <FMT>  --jq <EXPR>  -r, --raw-output
  -c, --compact-output  --no-headers  --request-timeout <DUR>  --retries <N>  --cacert <FILE>
  --allow-insecure-http  --config-dir <DIR>  --no-color  --no-input  -v, --verbose  -q, --quiet{after-help}";

/// The clap command with its generated parts: the exit-status table comes from
/// `ErrorKind`, so `--help`, the man page and the code cannot disagree; subcommands show
/// their own options first and the global ones as a summary.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut root = Cli::command().after_help(format!(
        "Exit status:\n{}\n{ENVIRONMENT_HELP}",
        crate::error::exit_status_table()
    ));
    // `export AGENTCTL_OUTPUT=` means "not set", as it does for NO_COLOR: an empty variable
    // must not become an empty --output, --host, --profile or --config-dir.
    for (id, var) in [
        ("host", "AGENTCTL_HOST"),
        ("output", "AGENTCTL_OUTPUT"),
        ("profile", "AGENTCTL_PROFILE"),
        ("config_dir", "AGENTCTL_CONFIG_DIR"),
    ] {
        if std::env::var_os(var).is_some_and(|value| value.is_empty()) {
            root = root.mut_arg(id, |arg| arg.env(None::<&str>));
        }
    }
    let globals: Vec<clap::Arg> = root
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .cloned()
        .collect();
    summarize_globals(root, &globals, true)
}

/// Gives every subcommand a hidden copy of each global option before clap propagates them
/// (clap skips a global it finds already there): still accepted anywhere, still global, but
/// in a subcommand's help only summarized by the template.
fn summarize_globals(
    mut command: clap::Command,
    globals: &[clap::Arg],
    root: bool,
) -> clap::Command {
    if !root {
        for arg in globals {
            // A local argument of the same name (`config use <PROFILE>`) shadows the global,
            // as clap's own propagation does.
            if command.get_arguments().all(|a| a.get_id() != arg.get_id()) {
                command = command.arg(arg.clone().hide(true));
            }
        }
        command = command.help_template(SUBCOMMAND_HELP);
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| summarize_globals(sub, globals, false));
    }
    command
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
