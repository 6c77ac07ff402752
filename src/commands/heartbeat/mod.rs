pub mod send;
pub mod simulate;

use crate::context::Context;
use crate::error::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum HeartbeatCommand {
    Send(send::HeartbeatSendArgs),
    Simulate(simulate::HeartbeatSimulateArgs),
}

pub async fn run(ctx: &Context, command: HeartbeatCommand) -> Result<()> {
    match command {
        HeartbeatCommand::Send(args) => send::run(ctx, args).await,
        HeartbeatCommand::Simulate(args) => simulate::run(ctx, args).await,
    }
}
