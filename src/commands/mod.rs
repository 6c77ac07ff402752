//! One module per noun, one file per verb. A noun's `mod.rs` only dispatches.

pub mod agent;
pub mod auth;
pub mod completions;
pub mod config;
pub mod demo;
pub mod dev_server;
pub mod generate_assets;
pub mod heartbeat;
pub mod watch;

use crate::cli::{AuthCommand, Command, ConfigCommand};
use crate::config::FilesUse;
use crate::context::Context;
use crate::error::Result;

pub async fn dispatch(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::Heartbeat(command) => heartbeat::run(ctx, command).await,
        Command::Agent(command) => agent::run(ctx, command).await,
        Command::DevServer(args) => dev_server::run(ctx, args).await,
        Command::Demo(args) => demo::run(ctx, args).await,
        Command::Watch(args) => watch::run(ctx, args).await,
        Command::Completions(args) => completions::run(ctx, args).await,
        Command::GenerateAssets(args) => generate_assets::run(ctx, args).await,
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
        | Command::GenerateAssets(_)
        | Command::DevServer(_)
        | Command::Demo(_) => FilesUse::Skip,
        Command::Config(_) => FilesUse::Edit,
        _ => FilesUse::Read,
    }
}
