//! The filters of `agent list`, shared with `watch --all`: what goes to the server as query
//! parameters (lowercased: the API's values are lowercase) and what is checked again here,
//! case-insensitively, so a server that ignores a filter gives the same answer.

use super::selector::Selector;
use crate::api::{Agent, DEFAULT_REQUESTED_PAGE_SIZE, ListRequest};
use crate::number::whole_number;
use crate::status::{AgentStatus, StatusFlag};
use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct ListFilters {
    /// Only agents with this status: online, delayed or offline (any case)
    #[arg(long, value_name = "S", value_parser = StatusFlag::UNLISTED,
          add = clap_complete::ArgValueCandidates::new(crate::complete::statuses))]
    pub status: Option<AgentStatus>,

    /// Only agents of this type (e.g. log, metric, trace; any case)
    #[arg(long = "type", value_name = "T",
          add = clap_complete::ArgValueCandidates::new(crate::complete::agent_types))]
    pub agent_type: Option<String>,

    /// Only agents in this region (any case)
    #[arg(long, value_name = "R")]
    pub region: Option<String>,

    /// Only agents whose labels match, kubectl's syntax: team=ops,env!=dev, key, !key,
    /// 'key in (a,b)', 'key notin (a,b)'
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR", value_parser = Selector::parse)]
    pub selector: Option<Selector>,

    /// Records asked for per request (the server may send fewer)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REQUESTED_PAGE_SIZE,
          value_parser = whole_number::<u32>(1, Some(1_000_000)), allow_negative_numbers = true)]
    pub page_size: u32,
}

impl ListFilters {
    /// The field filters as `(field, wanted)`: the record's field names and the query
    /// parameter names alike.
    fn fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("status", self.status.map(AgentStatus::as_str)),
            ("type", self.agent_type.as_deref()),
            ("region", self.region.as_deref()),
        ]
        .into_iter()
        .filter_map(|(field, wanted)| wanted.map(|w| (field, w.trim())))
    }

    /// Whether any filter was given.
    pub fn any(&self) -> bool {
        self.fields().next().is_some() || self.selector.is_some()
    }

    /// The listing request: the page size and the field filters, lowercased.
    pub fn request(&self) -> ListRequest {
        ListRequest {
            page_size: self.page_size,
            filters: self
                .fields()
                .map(|(field, wanted)| (field, wanted.to_lowercase()))
                .collect(),
        }
    }

    /// Whether a record passes every filter (fields ignoring case and surrounding blanks).
    pub fn matches(&self, agent: &Agent) -> bool {
        self.fields().all(|(field, wanted)| {
            agent.text_ref(field).is_some_and(|value| {
                let value = value.trim();
                value.eq_ignore_ascii_case(wanted) || value.to_lowercase() == wanted.to_lowercase()
            })
        }) && self.selector.as_ref().is_none_or(|s| s.matches(agent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filters(
        status: Option<AgentStatus>,
        agent_type: Option<&str>,
        region: Option<&str>,
    ) -> ListFilters {
        ListFilters {
            status,
            agent_type: agent_type.map(str::to_owned),
            region: region.map(str::to_owned),
            selector: None,
            page_size: 7,
        }
    }

    #[test]
    fn values_go_out_lowercased_and_match_in_any_case() {
        let agent = Agent::from_value(
            json!({"uuid":"a","status":"Online","type":"log","region":"US-East-1"}),
        )
        .unwrap();
        assert!(filters(None, None, None).matches(&agent));
        assert!(filters(Some(AgentStatus::Online), None, Some("us-east-1")).matches(&agent));
        assert!(filters(Some(AgentStatus::Online), Some("LOG"), None).matches(&agent));
        assert!(!filters(Some(AgentStatus::Offline), None, None).matches(&agent));
        assert!(!filters(None, None, Some("eu")).matches(&agent));
        let request = filters(Some(AgentStatus::Online), Some("LOG"), Some("US-EAST-1")).request();
        assert_eq!(request.page_size, 7);
        assert_eq!(
            request.filters,
            [
                ("status", "online".to_owned()),
                ("type", "log".to_owned()),
                ("region", "us-east-1".to_owned())
            ]
        );
    }
}
