//! The command-line surface: clap types and their value parsers, nothing else.
//! Each leaf command's `Args` struct lives beside its `run` in `commands/`, the noun enums in
//! `commands/<noun>/mod.rs`, the global options here, and value parsers beside the types they
//! parse. What the global options ask for is handed to `config` as plain `GlobalFlags`.

use crate::commands::Command;
use crate::config::{GlobalFlags, Resolved, Source};
use crate::duration::parse_positive_duration;
use crate::env::Env;
use crate::output::OutputFormat;
use clap::parser::ValueSource;
use clap::{ArgAction, Args, Parser};
use std::path::PathBuf;
use std::time::Duration;

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

/// The clap command as documented (the man pages and the completion engine use it).
pub fn command() -> clap::Command {
    command_for(&Env::empty())
}

/// The clap command with its generated parts: the exit-status table comes from
/// `ErrorKind`, so `--help`, the man page and the code cannot disagree; subcommands show
/// their own options first and the global ones as a summary. An option whose variable is
/// set but empty in `env` does not read it.
pub fn command_for(env: &Env) -> clap::Command {
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
        if env.var_os(var).is_some_and(|value| value.is_empty()) {
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

/// The command tree completions are answered from: the parser's, with the copies of the
/// global options that each subcommand holds for its help's one-line summary made visible.
/// Completion then offers them after a subcommand, and a word left empty after a positional
/// (`agent show <Tab>`) lists every option instead of inserting the only visible one, `--help`.
pub fn completion_command_for(env: &Env) -> clap::Command {
    show_globals(command_for(env), true)
}

fn show_globals(mut command: clap::Command, root: bool) -> clap::Command {
    if !root {
        let copies: Vec<clap::Id> = command
            .get_arguments()
            .filter(|arg| arg.is_global_set() && arg.is_hide_set())
            .map(|arg| arg.get_id().clone())
            .collect();
        for id in copies {
            command = command.mut_arg(id, |arg| arg.hide(false));
        }
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| show_globals(sub, false));
    }
    command
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

/// Options accepted before or after any subcommand.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// API base URL, e.g. https://agents.example.com (a path prefix is allowed)
    #[arg(
        long,
        global = true,
        env = "AGENTCTL_HOST",
        hide_env_values = true,
        value_name = "URL",
        help_heading = "Global options"
    )]
    pub host: Option<String>,

    /// Profile from the config file [default: the current profile]
    #[arg(
        long,
        global = true,
        env = "AGENTCTL_PROFILE",
        add = clap_complete::ArgValueCandidates::new(crate::complete::profiles),
        hide_env_values = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub profile: Option<String>,

    /// Output format
    #[arg(
        short = 'o',
        long,
        global = true,
        env = "AGENTCTL_OUTPUT",
        hide_env_values = true,
        value_enum,
        ignore_case = true,
        value_name = "FMT",
        help_heading = "Global options"
    )]
    pub output: Option<OutputFormat>,

    /// Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it
    /// runs on each record)
    #[arg(
        long,
        global = true,
        allow_hyphen_values = true,
        value_name = "EXPR",
        help_heading = "Global options"
    )]
    pub jq: Option<String>,

    /// With --jq: print strings without quotes, like jq -r
    #[arg(
        short = 'r',
        long,
        global = true,
        requires = "jq",
        help_heading = "Global options"
    )]
    pub raw_output: bool,

    /// With --jq and -o json: each result on one line, like jq -c (-o ndjson always is)
    #[arg(
        short = 'c',
        long,
        global = true,
        requires = "jq",
        help_heading = "Global options"
    )]
    pub compact_output: bool,

    /// Tables without the header row, for awk and cut
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_headers: bool,

    /// Time limit per request [default: 10s]
    #[arg(long, global = true, value_name = "DUR", value_parser = parse_positive_duration, allow_hyphen_values = true, help_heading = "Global options")]
    pub request_timeout: Option<Duration>,

    /// Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]
    #[arg(long, global = true, value_name = "N", value_parser = crate::config::parse_retries, allow_negative_numbers = true, help_heading = "Global options")]
    pub retries: Option<u32>,

    /// Add a PEM CA certificate to the trusted roots
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help_heading = "Global options"
    )]
    pub cacert: Option<PathBuf>,

    /// Allow sending the token over plain http:// to a host that is not loopback
    #[arg(long, global = true, help_heading = "Global options")]
    pub allow_insecure_http: bool,

    /// Configuration directory [default: ~/.config/agentctl on Linux]
    #[arg(
        long,
        global = true,
        env = "AGENTCTL_CONFIG_DIR",
        hide_env_values = true,
        value_name = "DIR",
        help_heading = "Global options"
    )]
    pub config_dir: Option<PathBuf>,

    /// No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_color: bool,

    /// Never prompt; fail with a usage error where input is missing
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_input: bool,

    /// Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)
    #[arg(short, long, global = true, action = ArgAction::Count, help_heading = "Global options")]
    pub verbose: u8,

    /// Print nothing on success
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    pub quiet: bool,
}

impl GlobalArgs {
    /// What these options ask for, each value with where clap found it (`matches` is the
    /// parse they came from): the flag, or its variable.
    pub fn flags(&self, matches: &clap::ArgMatches) -> GlobalFlags {
        fn given<T: Clone>(
            value: &Option<T>,
            id: &str,
            matches: &clap::ArgMatches,
        ) -> Option<Resolved<T>> {
            let source = match matches.value_source(id) {
                Some(ValueSource::EnvVariable) => Source::Env,
                _ => Source::Flag,
            };
            value.clone().map(|value| Resolved::new(value, source))
        }
        GlobalFlags {
            host: given(&self.host, "host", matches),
            profile: given(&self.profile, "profile", matches),
            output: given(&self.output, "output", matches),
            config_dir: given(&self.config_dir, "config_dir", matches),
            jq: self.jq.clone(),
            raw_output: self.raw_output,
            compact_output: self.compact_output,
            no_headers: self.no_headers,
            request_timeout: self.request_timeout,
            retries: self.retries,
            cacert: self.cacert.clone(),
            allow_insecure_http: self.allow_insecure_http,
            no_input: self.no_input,
        }
    }
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
