pub mod list;
pub mod show;

use crate::cli::AgentCommand;
use crate::context::Context;
use crate::error::Result;

pub async fn run(ctx: &Context, command: AgentCommand) -> Result<()> {
    match command {
        AgentCommand::Show(args) => show::run(ctx, args).await,
        AgentCommand::List(args) => list::run(ctx, args).await,
    }
}
