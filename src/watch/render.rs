//! The two ways a watch is shown: a line of JSON per change (pipes, `-o json`/`ndjson`), and a
//! live table redrawn in place at a terminal.

use super::poller::{Sink, View};
use super::state::{Change, UNREACHABLE};
use crate::duration::format_duration;
use crate::error::Result;
use crate::output::{
    OutputFormat, OutputOptions, json_text, plain_table, relative_time, render_table, status_cell,
};
use crate::sanitize::sanitize;
use crate::ui::Ui;
use comfy_table::Cell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

/// One compact JSON object per change, flushed per line (through `--jq` when given).
pub struct JsonLines {
    ui: Arc<Ui>,
    options: OutputOptions,
}

impl JsonLines {
    pub fn new(ui: Arc<Ui>, mut options: OutputOptions) -> JsonLines {
        // Events are a stream: always one compact line each, whatever -o says.
        options.format = OutputFormat::Ndjson;
        JsonLines { ui, options }
    }
}

impl Sink for JsonLines {
    fn change(&mut self, change: &Change) -> Result<()> {
        self.ui.data(&json_text(&self.options, &change.to_json())?)
    }

    fn frame(&mut self, _view: &View<'_>) -> Result<()> {
        Ok(())
    }

    fn frame_every(&self) -> Option<Duration> {
        None
    }

    fn list_failed(&mut self, reason: &str) {
        self.ui
            .warn(&format!("could not list agents (watching on): {reason}"));
    }

    fn finish(&mut self, _view: &View<'_>) -> Result<()> {
        Ok(())
    }
}

const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";
/// Long lines are cut at the right edge instead of wrapping, so every row stays one line and
/// the redraw knows how far up to go.
const NO_WRAP: &str = "\x1b[?7l";
const WRAP: &str = "\x1b[?7h";
const CLEAR_TO_EOL: &str = "\x1b[K";
const CLEAR_BELOW: &str = "\x1b[J";

/// The live table: drawn below the prompt, then redrawn over itself (cursor up, each line
/// overwritten and cleared to its end), with the cursor hidden while it runs.
pub struct LiveTable {
    ui: Arc<Ui>,
    wide: bool,
    headers: bool,
    color: bool,
    /// Lines of the last frame, to move back over them.
    drawn: usize,
    cursor_hidden: bool,
    /// Terminal rows, asked each frame (None: not known, draw everything).
    rows: fn() -> Option<usize>,
}

impl LiveTable {
    pub fn new(ui: Arc<Ui>, wide: bool, headers: bool) -> LiveTable {
        let color = ui.color;
        LiveTable {
            ui,
            wide,
            headers,
            color,
            drawn: 0,
            cursor_hidden: false,
            rows: terminal_rows,
        }
    }

    fn draw(&mut self, view: &View<'_>) -> Result<()> {
        let lines = frame_lines(view, self.wide, self.headers, self.color, (self.rows)());
        let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 4).sum::<usize>() + 32);
        if !self.cursor_hidden {
            out.push_str(HIDE_CURSOR);
            self.cursor_hidden = true;
        }
        if self.drawn > 0 {
            let _ = write!(out, "\r\x1b[{}A", self.drawn);
        }
        out.push_str(NO_WRAP);
        for line in &lines {
            out.push_str(line);
            out.push_str(CLEAR_TO_EOL);
            out.push('\n');
        }
        out.push_str(CLEAR_BELOW);
        out.push_str(WRAP);
        self.drawn = lines.len();
        self.ui.data(&out)
    }

    fn restore(&mut self) -> Result<()> {
        if std::mem::take(&mut self.cursor_hidden) {
            self.ui.data(SHOW_CURSOR)?;
        }
        Ok(())
    }
}

impl Sink for LiveTable {
    fn change(&mut self, _change: &Change) -> Result<()> {
        Ok(()) // the next frame shows it
    }

    fn frame(&mut self, view: &View<'_>) -> Result<()> {
        self.draw(view)
    }

    fn frame_every(&self) -> Option<Duration> {
        Some(Duration::from_secs(1))
    }

    fn list_failed(&mut self, _reason: &str) {} // shown in the header line

    fn finish(&mut self, view: &View<'_>) -> Result<()> {
        let drawn = self.draw(view);
        let restored = self.restore();
        drawn.and(restored)
    }
}

impl Drop for LiveTable {
    /// The cursor comes back even when the watch ends by an error or a panic.
    fn drop(&mut self) {
        let _ = self.restore();
    }
}

fn terminal_rows() -> Option<usize> {
    crossterm::terminal::size()
        .ok()
        .map(|(_, rows)| rows as usize)
        .filter(|&rows| rows > 0)
}

/// The lines of one frame: a summary line, then the table, cut to fit `rows` terminal lines
/// (one kept free so the frame never scrolls the screen).
pub fn frame_lines(
    view: &View<'_>,
    wide: bool,
    headers: bool,
    color: bool,
    rows: Option<usize>,
) -> Vec<String> {
    let mut lines = vec![summary(view)];
    let table = table_text(view, wide, headers, color);
    lines.extend(table.lines().map(str::to_owned));
    if let Some(rows) = rows {
        let room = rows.saturating_sub(1).max(3);
        if lines.len() > room {
            let hidden = lines.len() - (room - 1);
            lines.truncate(room - 1);
            lines.push(format!(
                "… {hidden} more rows below (a taller terminal shows them; -o ndjson streams changes)"
            ));
        }
    }
    lines
}

/// `3 agents · 2 online · 1 unreachable · every 5s · 01:23:45 UTC`
fn summary(view: &View<'_>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for watched in view.agents.values() {
        *counts
            .entry(watched.status.as_deref().unwrap_or("waiting"))
            .or_default() += 1;
    }
    let total = view.agents.len();
    let mut parts = vec![format!(
        "{total} agent{}",
        if total == 1 { "" } else { "s" }
    )];
    for status in ["online", "delayed", "offline", UNREACHABLE] {
        if let Some(count) = counts.remove(status) {
            parts.push(format!("{count} {status}"));
        }
    }
    parts.extend(
        counts
            .into_iter()
            .map(|(status, count)| format!("{count} {}", sanitize(status))),
    );
    parts.push(format!("every {}", format_duration(view.interval)));
    let clock = humantime::format_rfc3339_seconds(view.now).to_string();
    parts.push(format!("{} UTC", clock.get(11..19).unwrap_or(&clock)));
    let mut line = parts.join(" · ");
    if let Some(error) = view.list_error {
        let _ = write!(line, " · listing failed: {}", cut(&sanitize(error), 80));
    }
    line
}

fn table_text(view: &View<'_>, wide: bool, headers: bool, color: bool) -> String {
    let mut table = plain_table(color);
    if headers {
        let mut header = vec![
            "UUID",
            "NAME",
            "TYPE",
            "STATUS",
            "VERSION",
            "REGION",
            "LAST HEARTBEAT",
            "LAST SEEN",
        ];
        if wide {
            header.extend(["ENDPOINT", "PLATFORM"]);
        }
        header.push("NOTE");
        table.set_header(header);
    }
    for watched in view.agents.values() {
        let field = |name: &str| {
            watched
                .record
                .as_ref()
                .and_then(|record| record.text(name))
                .filter(|text| !text.is_empty())
                .map_or_else(|| "-".to_owned(), |text| sanitize(&text).into_owned())
        };
        let last_heartbeat = watched
            .record
            .as_ref()
            .and_then(|record| record.time("lastHeartbeatAt"))
            .map_or_else(|| field("lastHeartbeatAt"), |t| relative_time(t, view.now));
        let last_seen = watched
            .last_seen
            .map_or_else(|| "never".to_owned(), |t| relative_time(t, view.now));
        let status = watched.status.as_deref().unwrap_or("waiting");
        let mut row = vec![
            Cell::new(sanitize(watched.id.as_str())),
            Cell::new(field("name")),
            Cell::new(field("type")),
            status_cell(Some(status), color),
            Cell::new(field("version")),
            Cell::new(field("region")),
            Cell::new(last_heartbeat),
            Cell::new(last_seen),
        ];
        if wide {
            row.extend([Cell::new(field("endpoint")), Cell::new(field("platformId"))]);
        }
        let note = watched
            .reason
            .as_deref()
            .map(|reason| cut(&sanitize(reason), 60))
            .unwrap_or_default();
        row.push(Cell::new(note));
        table.add_row(row);
    }
    render_table(&mut table)
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Agent, AgentId};
    use crate::watch::state::Watched;
    use serde_json::json;
    use std::time::{SystemTime, UNIX_EPOCH};

    fn agents(now: SystemTime) -> BTreeMap<AgentId, Watched> {
        let mut agents = BTreeMap::new();
        for (id, status) in [("b", Some("delayed")), ("a", Some("online")), ("c", None)] {
            let mut watched = Watched::new(AgentId::parse(id).unwrap());
            match status {
                Some(status) => {
                    let record = Agent::from_value(json!({
                        "uuid": id, "name": format!("n\u{1b}[2J{id}"), "status": status,
                        "lastHeartbeatAt": humantime::format_rfc3339(now - Duration::from_secs(30)).to_string()
                    }))
                    .unwrap();
                    watched.answered(record, now - Duration::from_secs(12));
                }
                None => {
                    watched.failed("HTTP 500 Internal Server Error".into(), now);
                }
            }
            agents.insert(watched.id.clone(), watched);
        }
        agents
    }

    #[test]
    fn frames_are_sorted_counted_sanitized_and_fit_the_terminal() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let agents = agents(now);
        let view = View {
            agents: &agents,
            interval: Duration::from_secs(5),
            now,
            list_error: None,
        };
        let lines = frame_lines(&view, false, true, false, None);
        assert_eq!(
            lines[0],
            "3 agents · 1 online · 1 delayed · 1 unreachable · every 5s · 08:00:00 UTC"
        );
        assert!(lines[1].starts_with("UUID") && lines[1].contains("LAST SEEN"));
        assert!(
            lines[2].starts_with("a ") && lines[2].contains("12s ago"),
            "{}",
            lines[2]
        );
        assert!(lines[2].contains("30s ago"), "{}", lines[2]);
        assert!(lines[3].starts_with("b "));
        assert!(lines[4].starts_with("c ") && lines[4].contains("never"));
        assert!(lines[4].contains("HTTP 500"));
        assert!(lines.iter().all(|l| !l.contains('\x1b')), "{lines:?}");

        let short = frame_lines(&view, false, true, false, Some(5));
        assert_eq!(short.len(), 4);
        assert!(short[3].starts_with("… 2 more rows"), "{short:?}");
    }

    #[test]
    fn redraws_move_up_over_the_last_frame_and_restore_the_cursor() {
        let (ui, captured) = Ui::captured(true);
        let now = SystemTime::now();
        let agents = agents(now);
        let view = View {
            agents: &agents,
            interval: Duration::from_secs(1),
            now,
            list_error: Some("HTTP 503"),
        };
        let mut live = LiveTable::new(Arc::new(ui), false, true);
        live.rows = || Some(40);
        live.frame(&view).unwrap();
        live.frame(&view).unwrap();
        live.finish(&view).unwrap();
        drop(live);
        let out = captured.stdout();
        assert!(out.starts_with(HIDE_CURSOR), "{out:?}");
        assert_eq!(out.matches("\r\x1b[5A").count(), 2, "{out:?}");
        assert!(out.ends_with(SHOW_CURSOR));
        assert_eq!(out.matches(SHOW_CURSOR).count(), 1);
        assert!(out.contains("listing failed: HTTP 503"));
    }
}
