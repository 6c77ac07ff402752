//! The options accepted before or after any subcommand (contract §2), as clap parses them.
//! `Settings` resolves them with the environment and the config files.

use crate::duration::parse_positive_duration;
use crate::output::OutputFormat;
use clap::{ArgAction, Args};
use std::path::PathBuf;
use std::time::Duration;

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
    #[arg(long, global = true, value_name = "DUR", value_parser = parse_positive_duration, help_heading = "Global options")]
    pub request_timeout: Option<Duration>,

    /// Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]
    #[arg(long, global = true, value_name = "N", value_parser = parse_retries, help_heading = "Global options")]
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

/// `--retries`, and `config set retries`: a whole number, 0 or more.
pub fn parse_retries(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .map_err(|_| format!("'{text}' is not a whole number of retries (e.g. 0, 2, 5)"))
}
