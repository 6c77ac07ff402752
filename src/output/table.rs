//! The columns, cells and tables of `table` and `wide`, shared by `agent list`, `agent show`,
//! the views of `watch`, `top` and the simulate summary.

use super::options::OutputOptions;
use crate::api::Agent;
use crate::sanitize::sanitize;
use crate::status::AgentStatus;
use comfy_table::{Cell, ContentArrangement, Table};
use std::time::SystemTime;

/// A column of the agent tables. One list for `agent list`, `agent show` and the views of
/// `watch`, so they never disagree on names or order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Uuid,
    Name,
    Type,
    Status,
    Version,
    Region,
    LastHeartbeat,
    Endpoint,
    Platform,
    Labels,
    Created,
    LastOp,
}

/// The columns of `table`; `wide` adds [`WIDE_COLUMNS`].
pub const COLUMNS: [Column; 7] = [
    Column::Uuid,
    Column::Name,
    Column::Type,
    Column::Status,
    Column::Version,
    Column::Region,
    Column::LastHeartbeat,
];
pub const WIDE_COLUMNS: [Column; 5] = [
    Column::Endpoint,
    Column::Platform,
    Column::Labels,
    Column::Created,
    Column::LastOp,
];

/// The columns of a table, wide or not.
pub fn columns(wide: bool) -> Vec<Column> {
    let mut columns = COLUMNS.to_vec();
    if wide {
        columns.extend(WIDE_COLUMNS);
    }
    columns
}

impl Column {
    pub fn header(self) -> &'static str {
        match self {
            Column::Uuid => "UUID",
            Column::Name => "NAME",
            Column::Type => "TYPE",
            Column::Status => "STATUS",
            Column::Version => "VERSION",
            Column::Region => "REGION",
            Column::LastHeartbeat => "LAST HEARTBEAT",
            Column::Endpoint => "ENDPOINT",
            Column::Platform => "PLATFORM",
            Column::Labels => "LABELS",
            Column::Created => "CREATED",
            Column::LastOp => "LAST OP",
        }
    }

    /// The cell text for a record (sanitized; `-` when the field is missing).
    pub fn text(self, agent: Option<&Agent>, now: SystemTime) -> String {
        let Some(agent) = agent else {
            return "-".into();
        };
        let text = |field: &str| cell_text(agent.text(field));
        match self {
            Column::Uuid => text("uuid"),
            Column::Name => text("name"),
            Column::Type => text("type"),
            Column::Status => text("status"),
            Column::Version => text("version"),
            Column::Region => text("region"),
            Column::LastHeartbeat => relative_field(agent, "lastHeartbeatAt", now),
            Column::Endpoint => text("endpoint"),
            Column::Platform => text("platformId"),
            Column::Labels => agent
                .labels()
                .map(|pairs| {
                    pairs
                        .iter()
                        .map(|(k, v)| format!("{}={}", sanitize(k), sanitize(v)))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "-".into()),
            Column::Created => relative_field(agent, "createDate", now),
            Column::LastOp => relative_field(agent, "lastOpDate", now),
        }
    }

    /// The cell: the status colored when color is on, the others plain.
    pub fn cell(self, agent: Option<&Agent>, now: SystemTime, color: bool) -> Cell {
        match self {
            Column::Status => status_cell(agent.and_then(Agent::status).as_deref(), color),
            _ => Cell::new(self.text(agent, now)),
        }
    }
}

/// The table for `table` and `wide`: plain columns, every server string sanitized, trailing
/// blanks trimmed so rows are stable for `awk` and `cut`.
pub fn agents_table(agents: &[Agent], wide: bool, options: &OutputOptions) -> String {
    let mut table = plain_table(options.color);
    let columns = columns(wide);
    if options.headers {
        table.set_header(columns.iter().map(|c| c.header()).collect::<Vec<_>>());
    }
    for agent in agents {
        table.add_row(
            columns
                .iter()
                .map(|c| c.cell(Some(agent), options.now, options.color))
                .collect::<Vec<_>>(),
        );
    }
    render_table(&mut table)
}

/// The one table style of agentctl, kubectl-like: no borders, no wrapping, ANSI styling only
/// when color is on.
pub fn plain_table(color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_preset(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

/// A `plain_table` as text: columns three spaces apart, trailing blanks trimmed so rows are
/// stable for `awk` and `cut`, a newline after every row.
pub fn render_table(table: &mut Table) -> String {
    for column in table.column_iter_mut() {
        column.set_padding((0, 3));
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A status cell, coloured as [`AgentStatus::color`] says when colour is on; a value
/// agentctl does not know is plain.
pub fn status_cell(status: Option<&str>, color: bool) -> Cell {
    let text = cell_text(status.map(str::to_owned));
    let cell = Cell::new(&text);
    match status.and_then(AgentStatus::parse) {
        Some(known) if color => cell.fg(known.color()),
        _ => cell,
    }
}

pub fn cell_text(value: Option<String>) -> String {
    match value {
        Some(text) if !text.is_empty() => sanitize(&text).into_owned(),
        _ => "-".into(),
    }
}

fn relative_field(agent: &Agent, field: &str, now: SystemTime) -> String {
    match agent.time(field) {
        Some(time) => relative_time(time, now),
        None => cell_text(agent.text(field)),
    }
}

/// `12s ago`, `5m ago`, `3h ago`, `2d ago`; a time in the future (clock skew) is `in 4s`.
pub fn relative_time(time: SystemTime, now: SystemTime) -> String {
    let (secs, future) = match now.duration_since(time) {
        Ok(age) => (age.as_secs(), false),
        Err(ahead) => (ahead.duration().as_secs(), true),
    };
    let amount = match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86_400 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    };
    if future && secs > 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputFormat;
    use comfy_table::Color;
    use serde_json::json;
    use std::time::Duration;

    fn options(format: OutputFormat, now: SystemTime) -> OutputOptions {
        OutputOptions::new(format, now)
    }

    /// A time of day for the tests that need one but do not look at ages.
    const ANY_TIME: SystemTime = SystemTime::UNIX_EPOCH;

    fn seed_agent() -> Agent {
        Agent::from_value(json!({
            "uuid": "agent-abc123-def456", "name": "prod-agent-01", "type": "log",
            "version": "1.2.3", "status": "online", "endpoint": "http://192.168.1.10:7890",
            "platformId": "plat-001-abc", "region": "us-east-1",
            "labels": "{\"env\":\"prod\",\"team\":\"ops\"}",
            "lastHeartbeatAt": "2026-01-15T08:00:00Z", "createDate": "2026-01-15T08:00:00Z",
            "lastOpDate": "2026-01-15T08:00:00Z"
        }))
        .unwrap()
    }

    #[test]
    fn relative_times() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let ago = |s| relative_time(now - Duration::from_secs(s), now);
        assert_eq!(ago(12), "12s ago");
        assert_eq!(ago(300), "5m ago");
        assert_eq!(ago(7200), "2h ago");
        assert_eq!(ago(3 * 86_400), "3d ago");
        assert_eq!(relative_time(now + Duration::from_secs(4), now), "in 4s");
    }

    #[test]
    fn table_and_wide() {
        let now = humantime::parse_rfc3339("2026-01-15T08:00:12Z").unwrap();
        let table = agents_table(&[seed_agent()], false, &options(OutputFormat::Table, now));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("UUID"), "{table}");
        assert!(lines[1].starts_with("agent-abc123-def456"));
        assert!(
            lines[1].contains("online") && lines[1].ends_with("12s ago"),
            "{table}"
        );
        let wide = agents_table(&[seed_agent()], true, &options(OutputFormat::Wide, now));
        assert!(
            wide.contains("LABELS") && wide.contains("env=prod,team=ops"),
            "{wide}"
        );
        assert!(wide.contains("plat-001-abc"));
    }

    #[test]
    fn color_only_when_on() {
        let mut opts = options(OutputFormat::Table, ANY_TIME);
        assert!(!agents_table(&[seed_agent()], false, &opts).contains('\x1b'));
        opts.color = true;
        assert!(agents_table(&[seed_agent()], false, &opts).contains("\x1b["));
    }

    #[test]
    fn status_cells_take_the_colour_of_their_status() {
        let rendered = |cell: Cell| {
            let mut table = plain_table(true);
            table.add_row([cell]);
            render_table(&mut table)
        };
        for (text, colour) in [
            ("online", Some(Color::Green)),
            ("Online ", Some(Color::Green)),
            ("DELAYED", Some(Color::Yellow)),
            ("absent", Some(Color::Yellow)),
            ("offline", Some(Color::Red)),
            ("unreachable", Some(Color::Red)),
            ("gone", Some(Color::Red)),
            ("maintenance", None),
        ] {
            let plain = Cell::new(text);
            let expected = rendered(colour.map_or(plain.clone(), |c| plain.fg(c)));
            assert_eq!(rendered(status_cell(Some(text), true)), expected, "{text}");
            assert_eq!(expected.contains('\x1b'), colour.is_some(), "{expected:?}");
            let uncoloured = rendered(status_cell(Some(text), false));
            assert!(!uncoloured.contains('\x1b'), "{uncoloured:?}");
        }
        assert_eq!(rendered(status_cell(None, true)), "-\n");
    }

    #[test]
    fn server_strings_are_sanitized_in_cells() {
        let agent = Agent::from_value(
            json!({"uuid":"a","name":"x\u{1b}]0;pwned\u{7}","labels":{"k\u{1b}[2J":"v\r"}}),
        )
        .unwrap();
        let wide = agents_table(&[agent], true, &options(OutputFormat::Wide, ANY_TIME));
        assert!(
            !wide.contains('\x1b') && !wide.contains('\r') && !wide.contains('\x07'),
            "{wide:?}"
        );
        assert!(wide.contains("x\\x1b]0;pwned\\x07"));
    }
}
