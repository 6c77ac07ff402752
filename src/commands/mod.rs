//! One module per noun, one file per verb. A noun's `mod.rs` only dispatches.

pub mod agent;
pub mod completions;
pub mod generate_assets;
pub mod heartbeat;

use crate::cli::Command;
use crate::context::Context;
use crate::error::Result;

pub async fn dispatch(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::Heartbeat(command) => heartbeat::run(ctx, command).await,
        Command::Agent(command) => agent::run(ctx, command).await,
        Command::Completions(args) => completions::run(ctx, args).await,
        Command::GenerateAssets(args) => generate_assets::run(ctx, args).await,
    }
}
