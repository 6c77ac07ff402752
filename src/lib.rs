//! agentctl: send and simulate agent heartbeats, look at agents, and watch them go online,
//! delayed and offline.
//!
//! `main_with` is the one entry point: the binary calls it with the process's doors
//! (`Io::from_process`), the in-process tests with captured output, fixed variables, a frozen
//! clock or a client factory pointed at a stub. `main.rs` keeps only what only a process has.

#![forbid(unsafe_code)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

// Public: what `main.rs` and the test crate (tests/cli, fuzz/) use. Every other module is the
// crate's own, so the compiler reports what nothing uses.
pub mod api;
pub mod assets;
pub(crate) mod backoff;
pub mod cli;
pub mod clock;
pub mod commands;
pub(crate) mod complete;
pub(crate) mod config;
pub mod context;
pub mod dev_server;
pub(crate) mod duration;
pub mod env;
pub mod error;
pub(crate) mod files;
pub(crate) mod host_metrics;
pub(crate) mod jq;
pub(crate) mod number;
pub mod output;
pub(crate) mod prompt;
pub(crate) mod sanitize;
pub mod secret;
pub(crate) mod shutdown;
pub mod simulate;
pub mod status;
pub mod timestamp;
pub(crate) mod top;
pub mod ui;
pub(crate) mod watch;

#[cfg(test)]
mod import_graph;

use clap::FromArgMatches;
use cli::Cli;
use commands::Command;
use config::GlobalFlags;
use context::{Context, Doors, Program, Running};
use env::Env;
use error::{Error, ErrorKind, Result};
use std::ffi::OsString;
use std::sync::Arc;
use ui::{ColorChoice, Terminal, Ui};

/// A parsed command line.
#[derive(Debug)]
pub struct Invocation {
    pub cli: Cli,
    /// The global options as `Settings` are resolved from them.
    pub flags: GlobalFlags,
}

/// Parses argv, as the documented tree does (no variable set empty).
pub fn parse_args<I, T>(args: I) -> std::result::Result<Invocation, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    parse_args_in(args, &Env::empty())
}

/// Parses argv with `env`'s empty variables left unread; a clap error carries its own
/// message and exit code (0 for `--help`).
fn parse_args_in<I, T>(args: I, env: &Env) -> std::result::Result<Invocation, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = cli::command_for(env).try_get_matches_from(args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    let flags = cli.global.flags(&matches);
    Ok(Invocation { cli, flags })
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

/// Everything a run is handed: where its output goes, and the other doors.
pub struct Io {
    pub terminal: Terminal,
    pub doors: Doors,
}

impl Io {
    /// The process's terminal, stdin, prompts, signals, environment and clock, and real
    /// HTTP clients.
    pub fn from_process() -> Io {
        Io {
            terminal: Terminal::process(),
            doors: Doors::from_process(),
        }
    }
}

/// The clap tree the completion engine answers from (`COMPLETE=bash agentctl …`), with the
/// process's environment: completion runs before any invocation exists.
pub fn completion_command() -> clap::Command {
    cli::completion_command_for(&env::Env::process())
}

/// Runs one command line and returns its exit code: for the binary (`main.rs`) and for
/// in-process tests alike. Parses argv (clap's usage errors exit 2, `--help` 0), sets up
/// the `Ui` from `-q`, `-v`, `--no-color` and the color variables, runs the command on its
/// runtime and reports its error once.
pub fn main_with<I, T>(argv: I, io: Io) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let Io { terminal, doors } = io;
    if !doors.env.is_process() {
        refuse_clap_variables(&doors.env);
    }
    let invocation = match parse_args_in(argv, &doors.env) {
        Ok(invocation) => invocation,
        Err(err) => {
            terminal.clap_message(&err);
            return if err.use_stderr() { 2 } else { 0 };
        }
    };
    let global = &invocation.cli.global;
    let ui = Arc::new(Ui::new(
        terminal,
        &ColorChoice::from_env(global.no_color, &doors.env),
        global.quiet,
        global.verbose,
    ));
    let runtime = if invocation.wants_multi_thread() {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(err) => {
            ui.error(&Error::other(format!(
                "could not start the async runtime: {err}"
            )));
            return 1;
        }
    };
    let outcome = runtime.block_on(run(invocation, ui.clone(), doors));
    // Do not wait for idle keep-alive connections or stray tasks on the way out.
    runtime.shutdown_background();
    exit_code(outcome, &ui)
}

/// A fixed environment cannot hold the variables clap reads from the process itself
/// (`env::Env` says why): a test that sets one would silently not get it.
fn refuse_clap_variables(env: &Env) {
    fn read_by_clap(command: &clap::Command, names: &mut Vec<String>) {
        for arg in command.get_arguments() {
            if let Some(name) = arg.get_env() {
                names.push(name.to_string_lossy().into_owned());
            }
        }
        for sub in command.get_subcommands() {
            read_by_clap(sub, names);
        }
    }
    let mut names = Vec::new();
    read_by_clap(&cli::command(), &mut names);
    for name in names {
        assert!(
            env.var_os(&name).is_none(),
            "{name} is read by clap from the process environment, not from `Env`: \
             pass its flag instead"
        );
    }
}

/// The exit code of an outcome, reporting the error through `ui` (the one place errors are
/// printed). A closed stdout is not an error.
fn exit_code(outcome: Result<()>, ui: &Ui) -> u8 {
    match outcome {
        Ok(()) => 0,
        Err(err) if err.is_broken_pipe() => 0,
        Err(err) => {
            ui.error(&err);
            err.exit_code()
        }
    }
}

/// The program as commands see it (`Context::program`).
const PROGRAM: Program = Program {
    command: cli::command,
    run: run_argv,
};

/// Runs a command line inside a run that is already going (the demo's steps): parsed as
/// documented, with this `Ui` and these doors; a line that does not parse is an error.
fn run_argv(argv: Vec<OsString>, ui: Arc<Ui>, doors: Doors) -> Running {
    Box::pin(async move {
        let invocation = parse_args(argv)
            .map_err(|err| Error::other(format!("the command line does not parse: {err}")))?;
        run(invocation, ui, doors).await
    })
}

/// Runs one parsed invocation: the context made once, the command dispatched, and the
/// shutdown signal handled for the commands that do not wait on it themselves.
async fn run(invocation: Invocation, ui: Arc<Ui>, doors: Doors) -> Result<()> {
    let Invocation { cli, flags } = invocation;
    let files_use = commands::files_use(&cli.command);
    let handles_signals = commands::handles_signals(&cli.command);
    let ctx = Context::new(&flags, files_use, ui, doors, PROGRAM)?;
    let shutdown = ctx.shutdown.clone();
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
        if ctx.prompter.restore_terminal() {
            ctx.ui.stderr_raw("\n");
        }
    }
    outcome
}
