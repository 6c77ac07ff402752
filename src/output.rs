//! Rendering agent records: `table`, `wide`, `json`, `ndjson` (contract §4). The one output
//! layer every command that prints records goes through.

use crate::api::Agent;
use crate::error::Result;
use crate::jq::JqFilter;
use crate::sanitize::sanitize;
use crate::ui::Ui;
use comfy_table::{Cell, Color, ContentArrangement, Table};
use serde::Serialize;
use std::time::SystemTime;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Aligned columns, for people (agents: one row each)
    #[default]
    Table,
    /// The table with more columns (agents: endpoint, platform, labels, created, last op)
    Wide,
    /// JSON, pretty-printed (records exactly as the server sent them)
    Json,
    /// One compact JSON value per line, for scripts and streams
    Ndjson,
}

impl OutputFormat {
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Wide => "wide",
            OutputFormat::Json => "json",
            OutputFormat::Ndjson => "ndjson",
        }
    }

    pub fn is_json(self) -> bool {
        matches!(self, OutputFormat::Json | OutputFormat::Ndjson)
    }
}

/// How records are printed for this invocation.
#[derive(Debug, Clone)]
pub struct OutputOptions {
    pub format: OutputFormat,
    pub headers: bool,
    pub color: bool,
    pub now: SystemTime,
    /// `--jq`: applied to whatever JSON is printed.
    pub jq: Option<JqFilter>,
    /// `-r` with `--jq`.
    pub raw: bool,
    /// stdout is a terminal: raw `--jq` strings are sanitized like every other server string.
    pub terminal: bool,
}

impl OutputOptions {
    pub fn new(format: OutputFormat) -> OutputOptions {
        OutputOptions {
            format,
            headers: true,
            color: false,
            now: SystemTime::now(),
            jq: None,
            raw: false,
            terminal: false,
        }
    }
}

/// Whether one record or a collection was asked for: `json` prints an object for one, an
/// array for several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    One,
    Many,
}

/// Prints records to stdout in the chosen format.
/// With `-q` nothing is printed (`Ui::data`): success is the exit code.
pub fn print_agents(
    ui: &Ui,
    options: &OutputOptions,
    agents: &[Agent],
    shape: Shape,
) -> Result<()> {
    match options.format {
        OutputFormat::Json => {
            let value = match (shape, agents) {
                (Shape::One, [agent]) => serde_json::Value::Object(agent.0.clone()),
                _ => serde_json::to_value(agents).expect("JSON values always serialize"),
            };
            print_json(ui, options, &value)
        }
        OutputFormat::Ndjson => {
            if let Some(jq) = &options.jq {
                // The records are the filter's stream of inputs: `input`/`inputs` read the
                // records that follow, as `… -o ndjson | jq` would.
                let records: Vec<serde_json::Value> = agents
                    .iter()
                    .map(|agent| serde_json::Value::Object(agent.0.clone()))
                    .collect();
                return ui.data(&jq_text(options, jq.apply_all(&records, options.raw)?));
            }
            let mut text = String::new();
            for agent in agents {
                text.push_str(&json_text(
                    options,
                    &serde_json::Value::Object(agent.0.clone()),
                )?);
            }
            ui.data(&text)
        }
        OutputFormat::Table | OutputFormat::Wide => {
            if agents.is_empty() {
                return Ok(());
            }
            let wide = options.format == OutputFormat::Wide;
            ui.data(&agents_table(agents, wide, options))
        }
    }
}

/// Prints one JSON document: pretty for `json`, compact for `ndjson`, or through `--jq`.
/// Every command that prints JSON (records, events, summaries) goes through here.
pub fn print_json(ui: &Ui, options: &OutputOptions, value: &serde_json::Value) -> Result<()> {
    ui.data(&json_text(options, value)?)
}

/// The text `print_json` writes, newline-terminated.
pub fn json_text(options: &OutputOptions, value: &serde_json::Value) -> Result<String> {
    if let Some(jq) = &options.jq {
        return Ok(jq_text(options, jq.apply(value, options.raw)?));
    }
    let text = if options.format == OutputFormat::Ndjson {
        serde_json::to_string(value)
    } else {
        serde_json::to_string_pretty(value)
    };
    Ok(format!("{}\n", text.expect("JSON values always serialize")))
}

/// `--jq` results, one a line.
fn jq_text(options: &OutputOptions, lines: Vec<String>) -> String {
    let mut text = String::new();
    for line in lines {
        // Raw strings are the server's own bytes: escaped before they reach a terminal
        // (JSON results are escaped by JSON itself).
        if options.raw && options.terminal {
            text.push_str(&sanitize(&line));
        } else {
            text.push_str(&line);
        }
        text.push('\n');
    }
    text
}

const COLUMNS: [&str; 7] = [
    "UUID",
    "NAME",
    "TYPE",
    "STATUS",
    "VERSION",
    "REGION",
    "LAST HEARTBEAT",
];
const WIDE_COLUMNS: [&str; 5] = ["ENDPOINT", "PLATFORM", "LABELS", "CREATED", "LAST OP"];

/// The table for `table` and `wide`: plain columns, every server string sanitized, trailing
/// blanks trimmed so rows are stable for `awk` and `cut`.
pub fn agents_table(agents: &[Agent], wide: bool, options: &OutputOptions) -> String {
    let mut table = plain_table(options.color);
    if options.headers {
        let mut header: Vec<&str> = COLUMNS.to_vec();
        if wide {
            header.extend(WIDE_COLUMNS);
        }
        table.set_header(header);
    }
    for agent in agents {
        let text = |field: &str| cell_text(agent.text(field));
        let status = agent.status();
        let mut row = vec![
            Cell::new(text("uuid")),
            Cell::new(text("name")),
            Cell::new(text("type")),
            status_cell(status.as_deref(), options.color),
            Cell::new(text("version")),
            Cell::new(text("region")),
            Cell::new(relative_field(agent, "lastHeartbeatAt", options.now)),
        ];
        if wide {
            let labels = agent
                .labels()
                .map(|pairs| {
                    pairs
                        .iter()
                        .map(|(k, v)| format!("{}={}", sanitize(k), sanitize(v)))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "-".into());
            row.extend([
                Cell::new(text("endpoint")),
                Cell::new(text("platformId")),
                Cell::new(labels),
                Cell::new(relative_field(agent, "createDate", options.now)),
                Cell::new(relative_field(agent, "lastOpDate", options.now)),
            ]);
        }
        table.add_row(row);
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

/// A status cell: online green, delayed yellow, offline red, anything else plain.
pub fn status_cell(status: Option<&str>, color: bool) -> Cell {
    let text = cell_text(status.map(str::to_owned));
    let cell = Cell::new(&text);
    if !color {
        return cell;
    }
    match status.map(str::to_ascii_lowercase).as_deref() {
        Some("online") => cell.fg(Color::Green),
        Some("delayed") => cell.fg(Color::Yellow),
        Some("offline") | Some("unreachable") | Some("gone") => cell.fg(Color::Red),
        _ => cell,
    }
}

fn cell_text(value: Option<String>) -> String {
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
    use serde_json::json;
    use std::time::Duration;

    fn options(format: OutputFormat, now: SystemTime) -> OutputOptions {
        OutputOptions {
            now,
            ..OutputOptions::new(format)
        }
    }

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
    fn raw_jq_strings_are_sanitized_only_for_a_terminal() {
        let value = json!({"name": "x\u{1b}]0;pwned\u{7}"});
        let mut options = OutputOptions::new(OutputFormat::Json);
        options.jq = Some(JqFilter::compile(".name").unwrap());
        options.raw = true;
        assert_eq!(
            json_text(&options, &value).unwrap(),
            "x\u{1b}]0;pwned\u{7}\n"
        );
        options.terminal = true;
        assert_eq!(
            json_text(&options, &value).unwrap(),
            "x\\x1b]0;pwned\\x07\n"
        );
        options.raw = false;
        assert_eq!(
            json_text(&options, &value).unwrap(),
            "\"x\\u001b]0;pwned\\u0007\"\n"
        );
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
        let now = SystemTime::now();
        let mut opts = options(OutputFormat::Table, now);
        assert!(!agents_table(&[seed_agent()], false, &opts).contains('\x1b'));
        opts.color = true;
        assert!(agents_table(&[seed_agent()], false, &opts).contains("\x1b["));
    }

    #[test]
    fn server_strings_are_sanitized_in_cells() {
        let agent = Agent::from_value(
            json!({"uuid":"a","name":"x\u{1b}]0;pwned\u{7}","labels":{"k\u{1b}[2J":"v\r"}}),
        )
        .unwrap();
        let wide = agents_table(
            &[agent],
            true,
            &options(OutputFormat::Wide, SystemTime::now()),
        );
        assert!(
            !wide.contains('\x1b') && !wide.contains('\r') && !wide.contains('\x07'),
            "{wide:?}"
        );
        assert!(wide.contains("x\\x1b]0;pwned\\x07"));
    }
}
