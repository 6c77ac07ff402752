pub mod send;
pub mod simulate;

use crate::cli::HeartbeatCommand;
use crate::context::Context;
use crate::error::Result;

pub async fn run(ctx: &Context, command: HeartbeatCommand) -> Result<()> {
    match command {
        HeartbeatCommand::Send(args) => send::run(ctx, args).await,
        HeartbeatCommand::Simulate(args) => simulate::run(ctx, args).await,
    }
}
