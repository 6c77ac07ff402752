pub mod send;
pub mod simulate;
pub mod summary;

use crate::context::Context;
use crate::error::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum HeartbeatCommand {
    Send(send::HeartbeatSendArgs),
    Simulate(simulate::HeartbeatSimulateArgs),
    Summary(summary::HeartbeatSummaryArgs),
}

pub async fn run(ctx: &Context, command: HeartbeatCommand) -> Result<()> {
    match command {
        HeartbeatCommand::Send(args) => send::run(ctx, args).await,
        HeartbeatCommand::Simulate(args) => simulate::run(ctx, args).await,
        HeartbeatCommand::Summary(args) => summary::run(ctx, args).await,
    }
}
