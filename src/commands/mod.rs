//! One module per noun, one file per verb. A noun's `mod.rs` only dispatches.

pub mod agent;
pub mod heartbeat;
pub mod watch;

use crate::cli::Command;
use crate::context::Context;
use crate::error::Result;

pub async fn dispatch(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::Heartbeat(command) => heartbeat::run(ctx, command).await,
        Command::Agent(command) => agent::run(ctx, command).await,
        Command::Watch(args) => watch::run(ctx, args).await,
    }
}
