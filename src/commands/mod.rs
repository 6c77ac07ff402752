//! One module per noun, one file per verb. A noun's `mod.rs` only dispatches.

pub mod agent;
pub mod auth;
pub mod completions;
pub mod config;
pub mod demo;
pub mod dev_server;
pub mod heartbeat;
pub mod top;
pub mod watch;

use crate::config::FilesUse;
use crate::context::Context;
use crate::error::Result;
use auth::AuthCommand;
use clap::Subcommand;
use config::ConfigCommand;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send and simulate heartbeats
    #[command(subcommand)]
    Heartbeat(heartbeat::HeartbeatCommand),
    /// Look at agents
    #[command(subcommand)]
    Agent(agent::AgentCommand),
    Watch(watch::WatchArgs),
    Top(top::TopArgs),
    /// Log in and out, and see which host and token are used
    #[command(subcommand)]
    Auth(auth::AuthCommand),
    /// Read and edit the config file
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Run a local, in-memory Agents API to try commands and scripts on
    DevServer(dev_server::DevServerArgs),
    Demo(demo::DemoArgs),
    Completions(completions::CompletionsArgs),
}

pub async fn dispatch(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::Heartbeat(command) => heartbeat::run(ctx, command).await,
        Command::Agent(command) => agent::run(ctx, command).await,
        Command::DevServer(args) => dev_server::run(ctx, args).await,
        Command::Demo(args) => demo::run(ctx, args).await,
        Command::Watch(args) => watch::run(ctx, args).await,
        Command::Top(args) => top::run(ctx, args).await,
        Command::Completions(args) => completions::run(ctx, args).await,
        Command::Auth(command) => auth::run(ctx, command).await,
        Command::Config(command) => config::run(ctx, command).await,
    }
}

/// How a command uses the config files: commands that create or fix profiles resolve
/// leniently, every other command strictly.
pub fn files_use(command: &Command) -> FilesUse {
    match command {
        Command::Auth(AuthCommand::Login(_) | AuthCommand::Logout(_)) => FilesUse::Edit,
        Command::Config(ConfigCommand::Path(_))
        | Command::Completions(_)
        | Command::DevServer(_)
        | Command::Demo(_) => FilesUse::Skip,
        Command::Config(_) => FilesUse::Edit,
        _ => FilesUse::Read,
    }
}

/// Whether the command waits on the shutdown signal itself, to stop cleanly (finish the beat
/// in flight, print a summary, restore the terminal). The others are stopped by `run`.
pub fn handles_signals(command: &Command) -> bool {
    match command {
        Command::Heartbeat(heartbeat::HeartbeatCommand::Send(args)) => args.every.is_some(),
        // `--once` is stopped like any other command; the live view restores the terminal.
        Command::Top(args) => !args.once,
        Command::Heartbeat(heartbeat::HeartbeatCommand::Simulate(_))
        | Command::Watch(_)
        | Command::DevServer(_) => true,
        _ => false,
    }
}
