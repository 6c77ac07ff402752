//! One module per noun, one file per verb. A noun's `mod.rs` only dispatches.

pub mod agent;
pub mod dev_server;
pub mod heartbeat;

use crate::cli::Command;
use crate::context::Context;
use crate::error::Result;

pub async fn dispatch(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::Heartbeat(command) => heartbeat::run(ctx, command).await,
        Command::Agent(command) => agent::run(ctx, command).await,
        Command::DevServer(args) => dev_server::run(ctx, args).await,
    }
}
