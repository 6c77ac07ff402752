//! agentctl: send and simulate agent heartbeats, look at agents, and watch them go online,
//! delayed and offline.
//!
//! `run` executes one invocation in-process, so tests can drive every command without a
//! subprocess; `main.rs` only adds the real terminal, the runtime and the exit code.

#![forbid(unsafe_code)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod api;
pub mod assets;
pub mod backoff;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod config;
pub mod context;
pub mod dev_server;
pub mod duration;
pub mod error;
pub mod host_metrics;
pub mod jq;
pub mod output;
pub mod prompt;
pub mod sanitize;
pub mod secret;
pub mod shutdown;
pub mod simulate;
pub mod status;
pub mod timestamp;
pub mod ui;
pub mod watch;

use clap::FromArgMatches;
use cli::Cli;
use commands::Command;
use config::{ArgSources, Settings, Source};
use context::{Context, Stdin};
use error::{ErrorKind, Result};
use prompt::{Prompter, TerminalPrompter};
use shutdown::Shutdown;
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
    let command = cli::command();
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

/// The doors to the world other than output: standard input, the prompter and the shutdown
/// signal. `Io::from_process` for the real process; tests build their own.
pub struct Io {
    pub stdin: Stdin,
    pub prompter: Arc<dyn Prompter>,
    pub shutdown: Shutdown,
}

impl Io {
    /// The process's stdin, the terminal's prompts, and SIGINT/SIGTERM/SIGHUP (from now on:
    /// call it inside the runtime).
    pub fn from_process() -> Io {
        Io {
            stdin: Stdin::from_process(),
            prompter: Arc::new(TerminalPrompter::new()),
            shutdown: Shutdown::from_process(),
        }
    }
}

/// The exit code of an outcome, reporting the error through `ui` (the one place errors are
/// printed, for `main` and for in-process tests alike). A closed stdout is not an error.
pub fn exit_code(outcome: Result<()>, ui: &Ui) -> u8 {
    match outcome {
        Ok(()) => 0,
        Err(err) if err.is_broken_pipe() => 0,
        Err(err) => {
            ui.error(&err);
            err.exit_code()
        }
    }
}

/// Runs one invocation against the given `Ui`, with the process's environment, stdin,
/// terminal and signals.
pub async fn run(invocation: Invocation, ui: Arc<Ui>) -> Result<()> {
    let env = |name: &str| std::env::var(name).ok();
    run_with(invocation, ui, &env, Io::from_process()).await
}

/// Runs one invocation with an explicit environment lookup and I/O (tests).
pub async fn run_with(
    invocation: Invocation,
    ui: Arc<Ui>,
    env: &dyn Fn(&str) -> Option<String>,
    io: Io,
) -> Result<()> {
    let Invocation { cli, sources } = invocation;
    let files_use = commands::files_use(&cli.command);
    let settings = Settings::resolve_with(&cli.global, &sources, env, files_use)?;
    let handles_signals = commands::handles_signals(&cli.command);
    let shutdown = io.shutdown.clone();
    let prompter = io.prompter.clone();
    let ui_for_signal = ui.clone();
    let ctx = Context {
        settings,
        ui,
        stdin: io.stdin,
        prompter: io.prompter,
        shutdown: io.shutdown,
    };
    let command = commands::dispatch(&ctx, cli.command);
    let outcome = if handles_signals {
        command.await
    } else {
        // A command that does not wait on the shutdown signal itself is stopped here: the
        // request in flight is abandoned, and the exit code says which signal ended it. The
        // signal goes first when both are ready (a prompt cut short by Ctrl-C fails too).
        tokio::select! {
            biased;
            signal = shutdown.wait() => Err(signal.into()),
            outcome = command => outcome,
        }
    };
    if let Err(err) = &outcome
        && matches!(err.kind, ErrorKind::Signal(_))
    {
        // Every command ends alike on a signal: the terminal as it was found. A prompt that
        // was waiting left echo off (or the terminal raw) and its line open.
        if prompter.restore_terminal() {
            ui_for_signal.stderr_raw("\n");
        }
    }
    outcome
}
