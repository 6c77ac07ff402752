use crate::api::Agent;
use crate::context::Context;
use crate::error::Result;
use crate::output::{Shape, print_agents};
use clap::Args;

/// List agents
///
/// The filters go to the server as query parameters and are applied again here
/// (case-insensitively), so a server that ignores them still gives the right rows.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl agent list
  agentctl agent list --status offline --region us-east-1
  agentctl agent list --type log -o json | jq -r '.[].uuid'")]
pub struct AgentListArgs {
    /// Only agents with this status (online, delayed, offline)
    #[arg(long, value_name = "S")]
    pub status: Option<String>,

    /// Only agents of this type (e.g. log, metric, trace)
    #[arg(long = "type", value_name = "T")]
    pub agent_type: Option<String>,

    /// Only agents in this region
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
}

impl AgentListArgs {
    /// The filters as `(field, wanted)` pairs; the field names are the record's and the
    /// query parameter names alike.
    fn filters(&self) -> Vec<(&'static str, &str)> {
        [
            ("status", &self.status),
            ("type", &self.agent_type),
            ("region", &self.region),
        ]
        .into_iter()
        .filter_map(|(field, wanted)| wanted.as_deref().map(|w| (field, w)))
        .collect()
    }
}

pub async fn run(ctx: &Context, args: AgentListArgs) -> Result<()> {
    let client = ctx.api()?;
    let filters = args.filters();
    let agents = client.list_agents(&filters).await?;
    let agents: Vec<Agent> = agents
        .into_iter()
        .filter(|agent| matches_filters(agent, &filters))
        .collect();
    print_agents(&ctx.ui, &ctx.output_options(), &agents, Shape::Many)
}

/// Whether a record has every wanted field value (ignoring case and surrounding blanks).
fn matches_filters(agent: &Agent, filters: &[(&str, &str)]) -> bool {
    filters.iter().all(|(field, wanted)| {
        agent
            .text(field)
            .is_some_and(|value| value.trim().eq_ignore_ascii_case(wanted.trim()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_ignore_case_and_need_the_field() {
        let agent = Agent::from_value(json!({"uuid":"a","status":"Online","type":"log"})).unwrap();
        assert!(matches_filters(&agent, &[]));
        assert!(matches_filters(&agent, &[("status", "online")]));
        assert!(matches_filters(
            &agent,
            &[("status", "ONLINE"), ("type", "log")]
        ));
        assert!(!matches_filters(&agent, &[("status", "offline")]));
        assert!(!matches_filters(&agent, &[("region", "eu")]));
    }
}
