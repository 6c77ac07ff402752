//! agentctl: send and simulate agent heartbeats, look at agents, and watch them go online,
//! delayed and offline.
//!
//! `run` executes one invocation in-process, so tests can drive every command without a
//! subprocess; `main.rs` only adds the real terminal, the runtime and the exit code.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod api;
pub mod assets;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod dev_server;
pub mod duration;
pub mod error;
pub mod host_metrics;
pub mod jq;
pub mod output;
pub mod sanitize;
pub mod secret;
pub mod simulate;
pub mod ui;
pub mod watch;

use clap::{CommandFactory, FromArgMatches};
use cli::{Cli, Command};
use config::{ArgSources, Settings, Source};
use context::Context;
use error::Result;
use std::ffi::OsString;
use std::sync::Arc;
use ui::Ui;

/// A parsed command line.
#[derive(Debug)]
pub struct Invocation {
    pub cli: Cli,
    pub sources: ArgSources,
}

/// Parses argv; a clap error carries its own message and exit code (0 for `--help`).
pub fn parse_args<I, T>(args: I) -> std::result::Result<Invocation, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut command = Cli::command();
    // `export AGENTCTL_OUTPUT=` means "not set", as it does for NO_COLOR: an empty variable
    // must not become an empty --output, --host, --profile or --config-dir.
    for (id, var) in [
        ("host", "AGENTCTL_HOST"),
        ("output", "AGENTCTL_OUTPUT"),
        ("profile", "AGENTCTL_PROFILE"),
        ("config_dir", "AGENTCTL_CONFIG_DIR"),
    ] {
        if std::env::var_os(var).is_some_and(|value| value.is_empty()) {
            command = command.mut_arg(id, |arg| arg.env(None::<&str>));
        }
    }
    let matches = command.try_get_matches_from(args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    let source = |id: &str| Source::from_clap(matches.value_source(id));
    let sources = ArgSources {
        host: source("host"),
        output: source("output"),
        config_dir: source("config_dir"),
        profile: source("profile"),
    };
    Ok(Invocation { cli, sources })
}

impl Invocation {
    /// Whether the command wants more than one thread. Only the dev server does: it serves
    /// many clients at once. Client commands, even `heartbeat simulate` and `watch` with
    /// hundreds of requests in flight, are I/O-bound, and one thread spends less CPU per request
    /// (measured for simulate: 35 µs against 52 µs on the multi-thread runtime, with a higher
    /// rate, since the server under test keeps the other core).
    pub fn wants_multi_thread(&self) -> bool {
        matches!(self.cli.command, Command::DevServer(_))
    }
}

/// Runs one invocation against the given `Ui`, with the process environment.
pub async fn run(invocation: Invocation, ui: Arc<Ui>) -> Result<()> {
    let env = |name: &str| std::env::var(name).ok();
    run_with_env(invocation, ui, &env).await
}

/// Runs one invocation with an explicit environment lookup (tests).
pub async fn run_with_env(
    invocation: Invocation,
    ui: Arc<Ui>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<()> {
    let Invocation { cli, sources } = invocation;
    let files_use = commands::files_use(&cli.command);
    let settings = Settings::resolve_with(&cli.global, &sources, env, files_use)?;
    let ctx = Context { settings, ui };
    dispatch(&ctx, cli.command).await
}

async fn dispatch(ctx: &Context, command: Command) -> Result<()> {
    commands::dispatch(ctx, command).await
}
