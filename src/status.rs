//! An agent's status: the one vocabulary of `agent list --status`, `watch --until`, the
//! STATUS column, the watch's events and live table, and the dev server's computed status.
//!
//! Three statuses are what a server reports: `online`, `delayed`, `offline`. Three more are
//! what the client says when the server gives no status for an agent: `unreachable` (the
//! last poll failed), `absent` (the server does not know the agent: a 404, no first
//! heartbeat yet) and `gone` (it left the listing of `watch --all`).
//!
//! `unreachable` belongs here rather than to the watch alone: it is a value of the same field
//! as the others (an event's `from`/`to`, the STATUS cell), it is coloured like them, and the
//! problem-first order puts it between `offline` and `absent`, which one ordering over one
//! type can say and two types cannot. What it says about the agent is "not known right now",
//! which is why it is client-side, like `absent` and `gone`, and why no flag accepts it.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use comfy_table::Color;
use std::ffi::OsStr;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgentStatus {
    Online,
    Delayed,
    Offline,
    /// The last poll failed (the reason goes with it): the status is not known right now.
    Unreachable,
    /// The server does not know the agent (404): it has not sent its first heartbeat yet.
    Absent,
    /// The agent left the listing (`watch --all`).
    Gone,
}

impl AgentStatus {
    /// Every status, in the order counts are shown (`2 online · 1 delayed · …`).
    pub const ALL: [AgentStatus; 6] = [
        AgentStatus::Online,
        AgentStatus::Delayed,
        AgentStatus::Offline,
        AgentStatus::Unreachable,
        AgentStatus::Absent,
        AgentStatus::Gone,
    ];

    /// The statuses a server reports: what `--status` and `--until` accept.
    pub const REPORTED: [AgentStatus; 3] = [
        AgentStatus::Online,
        AgentStatus::Delayed,
        AgentStatus::Offline,
    ];

    /// The name, as the API, the JSON events and the tables write it.
    pub const fn as_str(self) -> &'static str {
        match self {
            AgentStatus::Online => "online",
            AgentStatus::Delayed => "delayed",
            AgentStatus::Offline => "offline",
            AgentStatus::Unreachable => "unreachable",
            AgentStatus::Absent => "absent",
            AgentStatus::Gone => "gone",
        }
    }

    /// Whether a server reports this status (the client-side ones it never does).
    pub fn is_reported(self) -> bool {
        Self::REPORTED.contains(&self)
    }

    /// The status a text names, ignoring case and surrounding blanks (`Online ` is online),
    /// as the contract's filters compare values. `None` for anything else.
    pub fn parse(text: &str) -> Option<AgentStatus> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(text))
    }

    /// A reported status named exactly as the API writes it (lowercase, no blanks). The dev
    /// server reads `?status=` this way: it answers as the API does, so a client that forgot
    /// to lowercase its filter is caught by its tests instead of served.
    pub fn from_api(name: &str) -> Option<AgentStatus> {
        Self::REPORTED
            .into_iter()
            .find(|status| status.as_str() == name)
    }

    /// The colour of a status in a table or a live view: green when well, yellow when late
    /// or not there yet, red when down or out of reach.
    pub fn color(self) -> Color {
        match self {
            AgentStatus::Online => Color::Green,
            AgentStatus::Delayed | AgentStatus::Absent => Color::Yellow,
            AgentStatus::Offline | AgentStatus::Unreachable | AgentStatus::Gone => Color::Red,
        }
    }

    /// Where a status sorts when problems come first: offline, unreachable, gone, absent,
    /// delayed, then online. No status (not known yet, or a value agentctl does not know)
    /// sorts with online: last, where the caller orders by id.
    pub fn problem_rank(status: Option<AgentStatus>) -> u8 {
        match status {
            Some(AgentStatus::Offline) => 0,
            Some(AgentStatus::Unreachable) => 1,
            Some(AgentStatus::Gone) => 2,
            Some(AgentStatus::Absent) => 3,
            Some(AgentStatus::Delayed) => 4,
            Some(AgentStatus::Online) | None => 5,
        }
    }
}

impl fmt::Display for AgentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status as a record or a watch event holds it: one agentctl knows, or any other value a
/// server sent (trimmed and lowercased, so `Maintenance ` and `maintenance` are one value),
/// kept to be shown as it is and never interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusValue {
    Known(AgentStatus),
    Other(String),
}

impl StatusValue {
    /// The value a record's status text stands for.
    pub fn of_text(text: &str) -> StatusValue {
        match AgentStatus::parse(text) {
            Some(status) => StatusValue::Known(status),
            None => StatusValue::Other(text.trim().to_ascii_lowercase()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            StatusValue::Known(status) => status.as_str(),
            StatusValue::Other(text) => text,
        }
    }

    /// The known status, if it is one.
    pub fn known(&self) -> Option<AgentStatus> {
        match self {
            StatusValue::Known(status) => Some(*status),
            StatusValue::Other(_) => None,
        }
    }
}

impl From<AgentStatus> for StatusValue {
    fn from(status: AgentStatus) -> StatusValue {
        StatusValue::Known(status)
    }
}

impl fmt::Display for StatusValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The reported status closest to a mistyped one, by the measure clap uses for its own
/// suggestions (Jaro similarity above 0.7), so both read alike. A client-side status is not
/// a typo, and gets no suggestion (`gone` is not a misspelt `online`).
fn closest_reported(text: &str) -> Option<AgentStatus> {
    if AgentStatus::parse(text).is_some() {
        return None;
    }
    let text = text.trim().to_ascii_lowercase();
    AgentStatus::REPORTED
        .into_iter()
        .map(|status| (strsim::jaro(&text, status.as_str()), status))
        .filter(|(similarity, _)| *similarity > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, status)| status)
}

/// The clap value parser of every flag that takes a status from the operator (`--status`,
/// `--until`): a reported status in any case; anything else is a usage error (exit 2) that
/// lists the valid values and suggests the closest one, in clap's own words
/// (`tip: a similar value exists: 'online'`), before any request is made.
#[derive(Debug, Clone, Copy)]
pub struct StatusFlag {
    /// Whether `--help` and shell completion list the values.
    listed: bool,
}

impl StatusFlag {
    /// A flag whose help and completion list the reported statuses.
    pub const LISTED: StatusFlag = StatusFlag { listed: true };
    /// A flag whose help names the statuses in its own words.
    pub const UNLISTED: StatusFlag = StatusFlag { listed: false };
}

impl TypedValueParser for StatusFlag {
    type Value = AgentStatus;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<AgentStatus, clap::Error> {
        let text = value.to_string_lossy();
        if let Some(status) = AgentStatus::parse(&text).filter(|status| status.is_reported()) {
            return Ok(status);
        }
        let suggestion = closest_reported(&text);
        let mut error = clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd);
        let arg = arg.map_or_else(|| "...".to_owned(), ToString::to_string);
        error.insert(ContextKind::InvalidArg, ContextValue::String(arg));
        error.insert(
            ContextKind::InvalidValue,
            ContextValue::String(text.into_owned()),
        );
        error.insert(
            ContextKind::ValidValue,
            ContextValue::Strings(
                AgentStatus::REPORTED
                    .map(|status| status.as_str().to_owned())
                    .into(),
            ),
        );
        if let Some(status) = suggestion {
            error.insert(
                ContextKind::SuggestedValue,
                ContextValue::String(status.as_str().to_owned()),
            );
        }
        Err(error)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        self.listed.then(|| {
            Box::new(
                AgentStatus::REPORTED
                    .into_iter()
                    .map(|s| PossibleValue::new(s.as_str())),
            ) as Box<dyn Iterator<Item = PossibleValue>>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_any_case_and_nothing_else_parses() {
        for status in AgentStatus::ALL {
            let name = status.as_str();
            assert_eq!(status.to_string(), name);
            assert_eq!(AgentStatus::parse(name), Some(status));
            assert_eq!(
                AgentStatus::parse(&format!(" {} ", name.to_uppercase())),
                Some(status)
            );
            assert_eq!(StatusValue::of_text(name), StatusValue::Known(status));
            assert_eq!(StatusValue::from(status).to_string(), name);
        }
        let names: Vec<&str> = AgentStatus::ALL.map(AgentStatus::as_str).into();
        assert_eq!(
            names,
            [
                "online",
                "delayed",
                "offline",
                "unreachable",
                "absent",
                "gone"
            ]
        );
        for other in ["", "onlin", "online!", "on line", "unknown", "maintenance"] {
            assert_eq!(AgentStatus::parse(other), None, "{other:?}");
        }
    }

    #[test]
    fn only_the_three_a_server_reports_are_reported() {
        let reported: Vec<AgentStatus> = AgentStatus::ALL
            .into_iter()
            .filter(|status| status.is_reported())
            .collect();
        assert_eq!(reported, AgentStatus::REPORTED);
        assert_eq!(
            AgentStatus::REPORTED.map(AgentStatus::as_str),
            ["online", "delayed", "offline"]
        );
    }

    #[test]
    fn the_api_form_is_exact_and_reported_only() {
        assert_eq!(AgentStatus::from_api("online"), Some(AgentStatus::Online));
        assert_eq!(AgentStatus::from_api("delayed"), Some(AgentStatus::Delayed));
        assert_eq!(AgentStatus::from_api("offline"), Some(AgentStatus::Offline));
        for refused in [
            "Online",
            " online",
            "OFFLINE",
            "absent",
            "gone",
            "unreachable",
            "",
        ] {
            assert_eq!(AgentStatus::from_api(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn colours_and_the_problem_first_order() {
        use AgentStatus::*;
        let colours = AgentStatus::ALL.map(AgentStatus::color);
        assert_eq!(
            colours,
            [
                Color::Green,
                Color::Yellow,
                Color::Red,
                Color::Red,
                Color::Yellow,
                Color::Red
            ]
        );
        let mut order: Vec<Option<AgentStatus>> = AgentStatus::ALL.map(Some).into();
        order.push(None);
        order.sort_by_key(|status| AgentStatus::problem_rank(*status));
        assert_eq!(
            order,
            [
                Some(Offline),
                Some(Unreachable),
                Some(Gone),
                Some(Absent),
                Some(Delayed),
                Some(Online),
                None
            ]
        );
        // Online and "no known status" tie: the caller orders them by id.
        assert_eq!(
            AgentStatus::problem_rank(Some(Online)),
            AgentStatus::problem_rank(None)
        );
        let ranks: Vec<u8> = order
            .iter()
            .map(|s| AgentStatus::problem_rank(*s))
            .collect();
        assert_eq!(ranks, [0, 1, 2, 3, 4, 5, 5]);
    }

    #[test]
    fn other_values_are_kept_trimmed_and_lowercased() {
        let other = StatusValue::of_text(" Maintenance ");
        assert_eq!(other, StatusValue::Other("maintenance".into()));
        assert_eq!(other.as_str(), "maintenance");
        assert_eq!(other.to_string(), "maintenance");
        assert_eq!(other.known(), None);
        assert_eq!(
            StatusValue::of_text("DELAYED").known(),
            Some(AgentStatus::Delayed)
        );
    }

    #[test]
    fn suggestions_are_the_closest_reported_status() {
        for (typed, wanted) in [
            ("onlin", Some(AgentStatus::Online)),
            ("ONLNE", Some(AgentStatus::Online)),
            ("ofline", Some(AgentStatus::Offline)),
            ("offlien", Some(AgentStatus::Offline)),
            ("delay", Some(AgentStatus::Delayed)),
            (" delayd ", Some(AgentStatus::Delayed)),
            ("x", None),
            ("up", None),
            ("", None),
            // A client-side status is no typo: nothing is suggested for it.
            ("absent", None),
            ("gone", None),
            (" Unreachable", None),
        ] {
            assert_eq!(closest_reported(typed), wanted, "{typed:?}");
        }
    }

    fn command(parser: StatusFlag) -> clap::Command {
        clap::Command::new("t").arg(
            clap::Arg::new("status")
                .long("status")
                .value_name("S")
                .value_parser(parser),
        )
    }

    fn parse(parser: StatusFlag, value: &str) -> Result<AgentStatus, clap::Error> {
        command(parser)
            .try_get_matches_from(["t", "--status", value])
            .map(|matches| *matches.get_one::<AgentStatus>("status").unwrap())
    }

    #[test]
    fn the_flag_takes_a_reported_status_in_any_case() {
        for parser in [StatusFlag::LISTED, StatusFlag::UNLISTED] {
            assert_eq!(parse(parser, "online").unwrap(), AgentStatus::Online);
            assert_eq!(parse(parser, " OFFLINE").unwrap(), AgentStatus::Offline);
            assert_eq!(parse(parser, "Delayed").unwrap(), AgentStatus::Delayed);
        }
    }

    #[test]
    fn a_wrong_status_is_a_usage_error_with_the_values_and_a_suggestion() {
        let error = parse(StatusFlag::UNLISTED, "onlin").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidValue);
        assert_eq!(error.exit_code(), 2);
        assert_eq!(
            error.render().to_string(),
            "error: invalid value 'onlin' for '--status <S>'\n  \
             [possible values: online, delayed, offline]\n\n  \
             tip: a similar value exists: 'online'\n\n\
             For more information, try '--help'.\n"
        );
        for client_side in ["absent", "gone", "unreachable", "down"] {
            let text = parse(StatusFlag::LISTED, client_side)
                .unwrap_err()
                .render()
                .to_string();
            assert!(
                text.contains("[possible values: online, delayed, offline]"),
                "{text}"
            );
            assert!(!text.contains("tip:"), "{text}");
        }
    }

    #[test]
    fn only_a_listed_flag_shows_its_values_in_help() {
        let values = |parser: StatusFlag| -> Vec<String> {
            parser
                .possible_values()
                .map(|values| values.map(|v| v.get_name().to_owned()).collect())
                .unwrap_or_default()
        };
        assert_eq!(values(StatusFlag::LISTED), ["online", "delayed", "offline"]);
        assert!(StatusFlag::UNLISTED.possible_values().is_none());
    }
}
