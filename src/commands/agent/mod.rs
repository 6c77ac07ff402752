pub mod filters;
pub mod list;
pub mod selector;
pub mod show;

use crate::context::Context;
use crate::error::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    Show(show::AgentShowArgs),
    List(list::AgentListArgs),
}

pub async fn run(ctx: &Context, command: AgentCommand) -> Result<()> {
    match command {
        AgentCommand::Show(args) => show::run(ctx, args).await,
        AgentCommand::List(args) => list::run(ctx, args).await,
    }
}
