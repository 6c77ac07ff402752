//! One module per noun, one file per verb. A noun's `mod.rs` only dispatches.

pub mod agent;
pub mod heartbeat;

use crate::cli::Command;
use crate::config::FilesUse;
use crate::context::Context;
use crate::error::Result;

pub async fn dispatch(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::Heartbeat(command) => heartbeat::run(ctx, command).await,
        Command::Agent(command) => agent::run(ctx, command).await,
    }
}

/// How a command uses the config files: commands that create or fix profiles resolve
/// leniently, every other command strictly.
pub fn files_use(_command: &Command) -> FilesUse {
    FilesUse::Read
}
