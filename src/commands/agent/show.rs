use crate::api::AgentId;
use crate::cli::parse_agent_id;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{Shape, print_agents};
use clap::Args;
use futures_util::{StreamExt, stream};

/// How many agents are fetched at once.
const CONCURRENCY: usize = 16;

/// Show one or more agents
///
/// Several ids are fetched concurrently; the ones found print in argument order, each failure
/// goes to stderr, and the exit code is the first failure's.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl agent show agent-abc123-def456
  agentctl agent show web-01 web-02 web-03 -o wide
  agentctl agent show web-01 -o json")]
pub struct AgentShowArgs {
    /// Agent ids
    #[arg(value_name = "UUID", required = true, value_parser = parse_agent_id)]
    pub uuids: Vec<AgentId>,
}

pub async fn run(ctx: &Context, args: AgentShowArgs) -> Result<()> {
    let client = ctx.client()?;
    let results: Vec<Result<_>> = stream::iter(args.uuids.iter())
        .map(|id| client.get_agent(id))
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let shape = if args.uuids.len() == 1 {
        Shape::One
    } else {
        Shape::Many
    };
    let total = results.len();
    let mut found = Vec::with_capacity(total);
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(agent) => found.push(agent),
            Err(err) => failures.push(err),
        }
    }
    if total == 1
        && let Some(err) = failures.pop()
    {
        return Err(err);
    }
    print_agents(&ctx.ui, &ctx.output_options(), &found, shape)?;
    let Some(first) = failures.first() else {
        return Ok(());
    };
    for err in &failures {
        ctx.ui.stderr_line(&format!("error: {}", err.message));
    }
    Err(Error::new(
        first.kind,
        format!("{} of {total} agents could not be shown", failures.len()),
    ))
}
