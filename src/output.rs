//! Rendering agent records: `table`, `wide`, `json`, `ndjson` (contract §4). The one output
//! layer every command that prints records goes through.

use crate::api::Agent;
use crate::error::Result;
use crate::jq::JqFilter;

mod jq_output;
use crate::sanitize::sanitize;
use crate::status::AgentStatus;
use crate::ui::Ui;
use comfy_table::{Cell, ContentArrangement, Table};
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
    /// Plain output in `format`, with ages counted back from `now`.
    pub fn new(format: OutputFormat, now: SystemTime) -> OutputOptions {
        OutputOptions {
            format,
            headers: true,
            color: false,
            now,
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
    if let (OutputFormat::Json, Shape::One, [agent]) = (options.format, shape, agents) {
        return print_json(ui, options, &agent.to_value());
    }
    let mut printer = ListPrinter::new(ui, options.clone());
    printer.page(agents)?;
    printer.end()
}

/// Prints a collection that arrives page by page. `ndjson` and `json` are written as the
/// pages come (memory flat in the number of pages); a table needs every row for its column
/// widths, and `--jq` over `json` needs the whole array, so those are held until `end`.
pub struct ListPrinter<'a> {
    ui: &'a Ui,
    options: OutputOptions,
    /// Records printed or held so far.
    count: usize,
    rows: Vec<Agent>,
    values: Vec<serde_json::Value>,
}

impl<'a> ListPrinter<'a> {
    pub fn new(ui: &'a Ui, options: OutputOptions) -> ListPrinter<'a> {
        ListPrinter {
            ui,
            options,
            count: 0,
            rows: Vec::new(),
            values: Vec::new(),
        }
    }

    /// How many records were given so far.
    pub fn count(&self) -> usize {
        self.count
    }

    pub fn page(&mut self, agents: &[Agent]) -> Result<()> {
        let first = self.count == 0;
        self.count += agents.len();
        match (self.options.format, self.options.jq.is_some()) {
            (OutputFormat::Ndjson, false) => {
                let mut text =
                    String::with_capacity(agents.iter().map(|a| a.json().len() + 1).sum());
                for agent in agents {
                    text.push_str(&agent.compact_json());
                    text.push('\n');
                }
                self.write(&text)
            }
            // With --jq the records are the filter's stream of inputs (`input` and `inputs`
            // read the ones that follow, as `… -o ndjson | jq` would): held to the end.
            (OutputFormat::Ndjson, true) | (OutputFormat::Json, true) => {
                self.values.extend(agents.iter().map(Agent::to_value));
                Ok(())
            }
            (OutputFormat::Json, false) => {
                let mut text = String::new();
                for (index, agent) in agents.iter().enumerate() {
                    text.push_str(if first && index == 0 { "[\n" } else { ",\n" });
                    let pretty = serde_json::to_string_pretty(&agent.to_value())
                        .expect("JSON values always serialize");
                    for (line_number, line) in pretty.lines().enumerate() {
                        if line_number > 0 {
                            text.push('\n');
                        }
                        text.push_str("  ");
                        text.push_str(line);
                    }
                }
                self.write(&text)
            }
            (OutputFormat::Table | OutputFormat::Wide, _) => {
                self.rows.extend_from_slice(agents);
                Ok(())
            }
        }
    }

    /// Writes what was held, and closes a JSON array.
    pub fn end(self) -> Result<()> {
        match (self.options.format, &self.options.jq) {
            (OutputFormat::Ndjson, Some(jq)) => {
                let documents: Vec<(serde_json::Value, usize)> =
                    self.values.into_iter().map(|value| (value, 1)).collect();
                jq_output::print(self.ui, &self.options, jq, &documents)
            }
            (OutputFormat::Ndjson, None) => Ok(()),
            (OutputFormat::Json, None) => {
                self.write(if self.count == 0 { "[]\n" } else { "\n]\n" })
            }
            (OutputFormat::Json, Some(_)) => print_json(
                self.ui,
                &self.options,
                &serde_json::Value::Array(self.values),
            ),
            (OutputFormat::Table | OutputFormat::Wide, _) => {
                if self.rows.is_empty() {
                    return Ok(());
                }
                let wide = self.options.format == OutputFormat::Wide;
                self.ui.data(&agents_table(&self.rows, wide, &self.options))
            }
        }
    }

    fn write(&self, text: &str) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        self.ui.data(text)
    }
}

/// Prints one JSON document: pretty for `json`, compact for `ndjson`, or through `--jq`.
/// Every command that prints JSON (records, events, summaries) goes through here.
pub fn print_json(ui: &Ui, options: &OutputOptions, value: &serde_json::Value) -> Result<()> {
    if let Some(jq) = &options.jq {
        let lines = jq_output::stream_lines(options, value);
        return jq_output::print(ui, options, jq, &[(value.clone(), lines)]);
    }
    ui.data(&json_text(options, value)?)
}

/// The text `print_json` writes, newline-terminated. Through `--jq`, a run-time error is the
/// error (what the filter printed before it, and what it said on stderr, are not kept:
/// [`print_json`] prints them).
pub fn json_text(options: &OutputOptions, value: &serde_json::Value) -> Result<String> {
    if let Some(jq) = &options.jq {
        return jq_output::text(options, jq, value);
    }
    let text = if options.format == OutputFormat::Ndjson {
        serde_json::to_string(value)
    } else {
        serde_json::to_string_pretty(value)
    };
    let text = text.expect("JSON values always serialize");
    Ok(format!("{}\n", for_stdout(options, &text)))
}

/// JSON escapes only C0 controls: at a terminal, C1 and bidi controls are escaped too
/// (`\u009b`); a pipe gets the bytes exactly.
fn for_stdout<'a>(options: &OutputOptions, json: &'a str) -> std::borrow::Cow<'a, str> {
    if options.terminal {
        crate::sanitize::escape_json_for_terminal(json)
    } else {
        std::borrow::Cow::Borrowed(json)
    }
}

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
    fn raw_jq_strings_are_sanitized_only_for_a_terminal() {
        let value = json!({"name": "x\u{1b}]0;pwned\u{7}"});
        let mut options = OutputOptions::new(OutputFormat::Json, ANY_TIME);
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
    fn json_at_a_terminal_escapes_c1_and_bidi_controls_and_a_pipe_gets_the_bytes() {
        let value = json!({"name": "a\u{9b}31m\u{202e}b\u{2066}c"});
        for format in [OutputFormat::Json, OutputFormat::Ndjson] {
            let mut options = OutputOptions::new(format, ANY_TIME);
            let piped = json_text(&options, &value).unwrap();
            assert!(piped.contains("a\u{9b}31m\u{202e}b\u{2066}c"), "{piped}");
            options.terminal = true;
            let shown = json_text(&options, &value).unwrap();
            assert!(shown.contains(r"a\u009b31m\u202eb\u2066c"), "{shown}");
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&shown).unwrap(),
                value
            );
            options.jq = Some(JqFilter::compile(".").unwrap());
            let shown = json_text(&options, &value).unwrap();
            assert!(
                shown.contains(r"\u009b") && !shown.contains('\u{9b}'),
                "{shown}"
            );
        }
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
