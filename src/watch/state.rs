//! What is known about each watched agent, and the changes between polls: pure bookkeeping,
//! no I/O and no clock of its own (the caller passes the time).

use crate::api::{Agent, AgentId};
use crate::status::{AgentStatus, StatusValue};
use serde_json::{Map, Value};
use std::time::SystemTime;

/// The status of a record that has none.
pub const UNKNOWN: &str = "unknown";

/// One status change, as streamed: `{"time","uuid","from","to","agent"[,"reason"]}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub time: SystemTime,
    pub uuid: String,
    pub from: Option<StatusValue>,
    pub to: StatusValue,
    /// The record the change was seen in (the last one known for `unreachable`/`gone`).
    pub agent: Option<Agent>,
    /// Why a poll failed (`unreachable` only), already sanitized.
    pub reason: Option<String>,
}

impl Change {
    /// The compact JSON line for this change (without the newline): the same object as
    /// [`to_json`](Self::to_json), written without building it; the record goes in as the
    /// server sent it.
    pub fn to_json_line(&self) -> String {
        let quote = |text: &str| serde_json::to_string(text).expect("strings serialize");
        let agent = self.agent.as_ref().map(Agent::compact_json);
        let mut line = String::with_capacity(96 + agent.as_ref().map_or(4, |a| a.len()));
        line.push_str("{\"time\":");
        line.push_str(&quote(
            &humantime::format_rfc3339_millis(self.time).to_string(),
        ));
        line.push_str(",\"uuid\":");
        line.push_str(&quote(&self.uuid));
        line.push_str(",\"from\":");
        line.push_str(
            &self
                .from
                .as_ref()
                .map_or_else(|| "null".to_owned(), |from| quote(from.as_str())),
        );
        line.push_str(",\"to\":");
        line.push_str(&quote(self.to.as_str()));
        line.push_str(",\"agent\":");
        line.push_str(agent.as_deref().unwrap_or("null"));
        if let Some(reason) = &self.reason {
            line.push_str(",\"reason\":");
            line.push_str(&quote(reason));
        }
        line.push('}');
        line
    }

    /// The event object: `{"time","uuid","from","to","agent"[,"reason"]}`.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert(
            "time".into(),
            Value::String(humantime::format_rfc3339_millis(self.time).to_string()),
        );
        object.insert("uuid".into(), Value::String(self.uuid.clone()));
        object.insert(
            "from".into(),
            self.from
                .as_ref()
                .map_or(Value::Null, |from| Value::String(from.to_string())),
        );
        object.insert("to".into(), Value::String(self.to.to_string()));
        object.insert(
            "agent".into(),
            self.agent.as_ref().map_or(Value::Null, Agent::to_value),
        );
        if let Some(reason) = &self.reason {
            object.insert("reason".into(), Value::String(reason.clone()));
        }
        Value::Object(object)
    }
}

/// The fleet's `to` once the listing answers again after failing (`watch --all`).
pub const REACHABLE: &str = "reachable";

/// The listing itself failed, or answers again (`watch --all`): one event for the whole
/// fleet, shaped as an agent's change with no agent:
/// `{"time","uuid":null,"from","to","agent":null[,"reason"]}`. `to` is `"unreachable"` (with
/// the `reason`, as an agent's failed poll) or `"reachable"`; `from` is the one before, `null`
/// when no walk had answered yet.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetChange {
    pub time: SystemTime,
    pub from: Option<&'static str>,
    pub to: &'static str,
    /// Why the walk failed (`unreachable` only), already sanitized.
    pub reason: Option<String>,
}

impl FleetChange {
    /// The listing failed with `reason`; `listed_before` says whether a walk answered before.
    pub fn unreachable(time: SystemTime, listed_before: bool, reason: String) -> FleetChange {
        FleetChange {
            time,
            from: listed_before.then_some(REACHABLE),
            to: AgentStatus::Unreachable.as_str(),
            reason: Some(reason),
        }
    }

    /// The listing answers again.
    pub fn reachable(time: SystemTime) -> FleetChange {
        FleetChange {
            time,
            from: Some(AgentStatus::Unreachable.as_str()),
            to: REACHABLE,
            reason: None,
        }
    }

    /// The event object, fields in the order of an agent's change.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert(
            "time".into(),
            Value::String(humantime::format_rfc3339_millis(self.time).to_string()),
        );
        object.insert("uuid".into(), Value::Null);
        object.insert(
            "from".into(),
            self.from
                .map_or(Value::Null, |from| Value::String(from.into())),
        );
        object.insert("to".into(), Value::String(self.to.into()));
        object.insert("agent".into(), Value::Null);
        if let Some(reason) = &self.reason {
            object.insert("reason".into(), Value::String(reason.clone()));
        }
        Value::Object(object)
    }

    /// The compact JSON line (without the newline).
    pub fn to_json_line(&self) -> String {
        self.to_json().to_string()
    }
}

/// The status a record reports, normalized for comparison (`Online ` → `online`).
pub fn status_of(agent: &Agent) -> StatusValue {
    match agent.status() {
        Some(text) if !text.trim().is_empty() => StatusValue::of_text(&text),
        _ => StatusValue::Other(UNKNOWN.to_owned()),
    }
}

/// Everything known about one watched agent.
#[derive(Debug, Clone)]
pub struct Watched {
    pub id: AgentId,
    /// `None` until the first poll answers (or fails).
    pub status: Option<StatusValue>,
    /// The last record received.
    pub record: Option<Agent>,
    /// When the last successful poll answered.
    pub last_seen: Option<SystemTime>,
    /// Why the last poll failed, while `unreachable`.
    pub reason: Option<String>,
    /// Failed polls in a row, for backoff.
    pub failures: u32,
    /// `--until-jq` holds for the last record.
    pub jq_ok: bool,
    /// The walk of the listing that last listed this agent (`--all`).
    pub listed_in: u64,
    /// A GET of this agent is due or in flight (`--all`, a listed record without status).
    pub fetching: bool,
}

impl Watched {
    pub fn new(id: AgentId) -> Watched {
        Watched {
            id,
            status: None,
            record: None,
            last_seen: None,
            reason: None,
            failures: 0,
            jq_ok: false,
            listed_in: 0,
            fetching: false,
        }
    }

    /// A poll answered with `agent`; returns the change, if the status moved.
    pub fn answered(&mut self, agent: Agent, now: SystemTime) -> Option<Change> {
        let to = status_of(&agent);
        self.failures = 0;
        self.reason = None;
        self.last_seen = Some(now);
        self.record = Some(agent);
        self.moved_to(to, now)
    }

    /// A poll failed with `reason`; returns the change, if the agent was not already
    /// unreachable.
    pub fn failed(&mut self, reason: String, now: SystemTime) -> Option<Change> {
        self.failures = self.failures.saturating_add(1);
        self.reason = Some(reason);
        self.jq_ok = false;
        self.moved_to(AgentStatus::Unreachable.into(), now)
    }

    /// The server does not know the agent (404): `absent`, without a failure counted.
    pub fn absent(&mut self, now: SystemTime) -> Option<Change> {
        self.failures = 0;
        self.reason = None;
        self.jq_ok = false;
        self.last_seen = Some(now);
        self.moved_to(AgentStatus::Absent.into(), now)
    }

    /// The agent left the listing.
    pub fn vanished(self, now: SystemTime) -> Change {
        Change {
            time: now,
            uuid: self.id.as_str().to_owned(),
            from: self.status,
            to: AgentStatus::Gone.into(),
            agent: self.record,
            reason: None,
        }
    }

    fn moved_to(&mut self, to: StatusValue, now: SystemTime) -> Option<Change> {
        if self.status.as_ref() == Some(&to) {
            return None;
        }
        let from = self.status.replace(to.clone());
        Some(Change {
            time: now,
            uuid: self.id.as_str().to_owned(),
            from,
            to,
            agent: self.record.clone(),
            reason: self.reason.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::{Duration, UNIX_EPOCH};

    fn agent(status: &str) -> Agent {
        Agent::from_value(json!({"uuid": "a", "status": status, "extra": 1})).unwrap()
    }

    #[test]
    fn only_status_moves_are_changes() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut watched = Watched::new(AgentId::parse("a").unwrap());
        let first = watched.answered(agent("online"), now).unwrap();
        assert_eq!((first.from, first.to.as_str()), (None, "online"));
        assert!(watched.answered(agent("Online"), now).is_none());
        let down = watched.failed("HTTP 500".into(), now).unwrap();
        assert_eq!(
            (
                down.from.as_ref().map(StatusValue::as_str),
                down.to.as_str()
            ),
            (Some("online"), "unreachable")
        );
        assert_eq!(down.reason.as_deref(), Some("HTTP 500"));
        assert!(watched.failed("timeout".into(), now).is_none());
        assert_eq!(watched.failures, 2);
        let back = watched.answered(agent("delayed"), now).unwrap();
        assert_eq!(back.from, Some(AgentStatus::Unreachable.into()));
        assert_eq!((watched.failures, watched.reason.clone()), (0, None));
        let missing = watched.absent(now).unwrap();
        assert_eq!(missing.to, StatusValue::Known(AgentStatus::Absent));
        assert!(watched.absent(now).is_none());
        watched.answered(agent("delayed"), now).unwrap();
        let gone = watched.vanished(now);
        assert_eq!(
            (gone.from, gone.to),
            (Some(AgentStatus::Delayed.into()), AgentStatus::Gone.into())
        );
    }

    #[test]
    fn json_lines_keep_the_record_and_field_order() {
        let now = UNIX_EPOCH + Duration::from_millis(1_800_000_000_123);
        let mut watched = Watched::new(AgentId::parse("a").unwrap());
        let line = watched
            .answered(agent("online"), now)
            .unwrap()
            .to_json_line();
        assert_eq!(
            line,
            r#"{"time":"2027-01-15T08:00:00.123Z","uuid":"a","from":null,"to":"online","agent":{"uuid":"a","status":"online","extra":1}}"#
        );
        let change = watched.failed("boom".into(), now).unwrap();
        assert_eq!(change.to_json_line(), change.to_json().to_string());
        let line = change.to_json_line();
        assert!(line.ends_with(r#""reason":"boom"}"#), "{line}");
        let missing = Agent::from_value(json!({"uuid": "a"})).unwrap();
        assert_eq!(status_of(&missing).as_str(), UNKNOWN);
        let blank = Agent::from_value(json!({"uuid": "a", "status": " "})).unwrap();
        assert_eq!(status_of(&blank).as_str(), UNKNOWN);
    }

    #[test]
    fn a_status_agentctl_does_not_know_is_kept_lowercased() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut watched = Watched::new(AgentId::parse("a").unwrap());
        let change = watched.answered(agent(" Maintenance"), now).unwrap();
        assert_eq!(change.to, StatusValue::Other("maintenance".into()));
        assert!(watched.answered(agent("MAINTENANCE"), now).is_none());
        let line = change.to_json_line();
        assert!(line.contains(r#""to":"maintenance""#), "{line}");
        assert_eq!(line, change.to_json().to_string());
        let back = watched.answered(agent("online"), now).unwrap();
        assert_eq!(back.to_json()["from"], "maintenance");
    }

    #[test]
    fn fleet_events_are_shaped_as_an_agents_change_without_the_agent() {
        let now = UNIX_EPOCH + Duration::from_millis(1_800_000_000_123);
        let first = FleetChange::unreachable(now, false, "connection refused".into());
        assert_eq!(
            first.to_json_line(),
            r#"{"time":"2027-01-15T08:00:00.123Z","uuid":null,"from":null,"to":"unreachable","agent":null,"reason":"connection refused"}"#
        );
        let later = FleetChange::unreachable(now, true, "HTTP 503".into());
        assert_eq!(later.to_json()["from"], "reachable");
        assert_eq!(
            FleetChange::reachable(now).to_json_line(),
            r#"{"time":"2027-01-15T08:00:00.123Z","uuid":null,"from":"unreachable","to":"reachable","agent":null}"#
        );
    }
}
