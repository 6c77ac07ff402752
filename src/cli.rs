//! The command-line surface: clap types and their value parsers, nothing else.
//! Each leaf command's `Args` struct lives beside its `run` in `commands/`.

use crate::api::AgentId;
use crate::api::models::validate_percent;
use crate::commands::{
    agent, auth, completions, config, demo, dev_server, generate_assets, heartbeat, watch,
};
use crate::output::OutputFormat;
use clap::{ArgAction, Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

/// What `agentctl --version` says after the name: the crate version, and the commit and its
/// date when built from a git checkout (`build.rs`).
pub const VERSION: &str = env!("AGENTCTL_VERSION");

const AFTER_HELP: &str = "\
Exit status:
  0    success
  1    any other error (I/O, config)
  2    usage: bad flags or values, missing host
  3    authentication or permission (HTTP 401, 403)
  4    not found (HTTP 404)
  5    API error: other 4xx, 5xx, a malformed response
  6    network: connect, DNS, TLS, timeout
  7    watch --until not reached before --timeout
  130  interrupted (Ctrl-C)

Environment:
  AGENTCTL_HOST        API base URL (like --host)
  AGENTCTL_TOKEN       bearer token (there is no flag: a secret on the command line lands in shell history)
  AGENTCTL_PROFILE     profile from the config file (like --profile)
  AGENTCTL_OUTPUT      output format (like --output)
  AGENTCTL_CONFIG_DIR  configuration directory (like --config-dir)
  NO_COLOR             turn color off; CLICOLOR_FORCE=1 forces it on";

/// Send and simulate agent heartbeats, look at agents, and watch them go online, delayed and
/// offline.
#[derive(Debug, Parser)]
#[command(name = "agentctl", version = VERSION, after_help = AFTER_HELP, max_term_width = 100)]
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
        value_name = "URL",
        help_heading = "Global options"
    )]
    pub host: Option<String>,

    /// Profile from the config file [default: the current profile]
    #[arg(
        long,
        global = true,
        env = "AGENTCTL_PROFILE",
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
        value_enum,
        value_name = "FMT",
        help_heading = "Global options"
    )]
    pub output: Option<OutputFormat>,

    /// Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it
    /// runs on each record)
    #[arg(
        long,
        global = true,
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

    /// Tables without the header row, for awk and cut
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_headers: bool,

    /// Time limit per request [default: 10s]
    #[arg(long, global = true, value_name = "DUR", value_parser = parse_positive_duration, help_heading = "Global options")]
    pub request_timeout: Option<Duration>,

    /// Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]
    #[arg(long, global = true, value_name = "N", help_heading = "Global options")]
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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send and simulate heartbeats
    #[command(subcommand)]
    Heartbeat(HeartbeatCommand),
    /// Look at agents
    #[command(subcommand)]
    Agent(AgentCommand),
    Watch(watch::WatchArgs),
    /// Log in and out, and see which host and token are used
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Read and edit the config file
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Run a local, in-memory Agents API to try commands and scripts on
    DevServer(dev_server::DevServerArgs),
    Demo(demo::DemoArgs),
    Completions(completions::CompletionsArgs),
    #[command(hide = true)]
    GenerateAssets(generate_assets::GenerateAssetsArgs),
}

#[derive(Debug, Subcommand)]
pub enum HeartbeatCommand {
    Send(heartbeat::send::HeartbeatSendArgs),
    Simulate(heartbeat::simulate::HeartbeatSimulateArgs),
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    Show(agent::show::AgentShowArgs),
    List(agent::list::AgentListArgs),
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    Login(auth::login::AuthLoginArgs),
    Logout(auth::logout::AuthLogoutArgs),
    Status(auth::status::AuthStatusArgs),
    Token(auth::token::AuthTokenArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    Path(config::path::ConfigPathArgs),
    List(config::list::ConfigListArgs),
    Get(config::get::ConfigGetArgs),
    Set(config::set::ConfigSetArgs),
    Use(config::use_profile::ConfigUseArgs),
}

/// A duration flag: `90`, `90s`, `5m`, `1h30m`, `2d`.
pub fn parse_duration_arg(text: &str) -> Result<Duration, String> {
    crate::duration::parse_duration(text)
}

/// A duration flag that must be more than zero (`--interval`).
pub fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    let duration = crate::duration::parse_duration(text)?;
    if duration.is_zero() {
        return Err("must be more than 0 (examples: 500ms, 5s, 1m)".into());
    }
    Ok(duration)
}

/// A usage percentage flag: a finite number within 0–100.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number (0–100)"))?;
    validate_percent(value)
}

/// An agent id argument, refused before any request if it cannot be one path segment.
pub fn parse_agent_id(text: &str) -> Result<AgentId, String> {
    AgentId::parse(text)
}

/// An agent version flag.
pub fn parse_version(text: &str) -> Result<String, String> {
    crate::api::models::validate_version(text)?;
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_is_consistent() {
        Cli::command().debug_assert();
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

    #[test]
    fn percent_and_version_parsers() {
        assert_eq!(parse_percent("12.5"), Ok(12.5));
        for bad in ["150", "-1", "NaN", "inf", "x"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
        assert!(parse_version("").is_err());
        assert!(parse_version("1.2\n").is_err());
    }
}
