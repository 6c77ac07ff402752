//! The two ways a watch is shown: a line of JSON per change (pipes, `-o json`/`ndjson`), and a
//! live table redrawn in place at a terminal.

use super::poller::{Sink, View};
use super::state::{Change, FleetChange, Watched};
use crate::duration::format_duration;
use crate::error::Result;
use crate::output::{
    Column, OutputFormat, OutputOptions, columns, json_text, plain_table, print_json_text,
    relative_time, render_table, status_cell,
};
use crate::sanitize::sanitize;
use crate::status::{AgentStatus, StatusValue};
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
        if self.options.jq.is_some() {
            return self.ui.data(&json_text(&self.options, &change.to_json())?);
        }
        let mut line = change.to_json_line();
        line.push('\n');
        print_json_text(&self.ui, &self.options, &line)
    }

    fn fleet(&mut self, change: &FleetChange) -> Result<()> {
        if self.options.jq.is_some() {
            return self.ui.data(&json_text(&self.options, &change.to_json())?);
        }
        let mut line = change.to_json_line();
        line.push('\n');
        self.ui.data(&line)
    }

    fn warn(&mut self, line: &str) {
        self.ui.warn(line);
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

    fn fleet(&mut self, _change: &FleetChange) -> Result<()> {
        Ok(()) // the header line says since when the listing fails, and stops saying it
    }

    fn warn(&mut self, line: &str) {
        self.ui.warn(line);
    }

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

/// What the live table shows for an agent whose first poll has not answered yet.
const WAITING: &str = "waiting";

/// The status shown for a watched agent.
fn shown_status(watched: &Watched) -> &str {
    watched.status.as_ref().map_or(WAITING, StatusValue::as_str)
}

/// Where an agent sorts in the live table: problems first, then everything else by id.
fn rank(watched: &Watched) -> u8 {
    AgentStatus::problem_rank(watched.status.as_ref().and_then(StatusValue::known))
}

/// The lines of one frame: a summary line, then the table, problem agents first, cut to fit
/// `rows` terminal lines (one kept free so the frame never scrolls the screen) with a last
/// line that says how many rows are below the fold, by status. Only the rows shown are
/// rendered, however large the fleet.
pub fn frame_lines(
    view: &View<'_>,
    wide: bool,
    headers: bool,
    color: bool,
    rows: Option<usize>,
) -> Vec<String> {
    let mut lines = vec![summary(view)];
    let mut order: Vec<(u8, &Watched)> = view
        .agents
        .values()
        .map(|watched| (rank(watched), watched))
        .collect();
    let fixed = 1 + usize::from(headers);
    let room = rows.map(|rows| rows.saturating_sub(1).max(fixed + 2) - fixed);
    let shown = match room {
        Some(room) if order.len() > room => room - 1,
        _ => order.len(),
    };
    // Compared in place: a frame of a large fleet allocates nothing per agent.
    let by_rank = |a: &(u8, &Watched), b: &(u8, &Watched)| (a.0, &a.1.id).cmp(&(b.0, &b.1.id));
    if shown < order.len() {
        if shown > 0 {
            order.select_nth_unstable_by(shown - 1, by_rank);
        }
        order[..shown].sort_by(by_rank);
    } else {
        order.sort_by(by_rank);
    }
    let table = table_text(
        view,
        order[..shown].iter().map(|(_, w)| *w),
        wide,
        headers,
        color,
    );
    lines.extend(table.lines().map(str::to_owned));
    if shown < order.len() {
        let mut below: BTreeMap<u8, BTreeMap<&str, usize>> = BTreeMap::new();
        for (rank, watched) in &order[shown..] {
            *below
                .entry(*rank)
                .or_default()
                .entry(shown_status(watched))
                .or_default() += 1;
        }
        let counts: Vec<String> = below
            .values()
            .flat_map(|statuses| statuses.iter())
            .map(|(status, count)| format!("{count} {}", sanitize(status)))
            .collect();
        lines.push(format!(
            "… {} more below: {} (a taller terminal shows more; -o ndjson streams changes)",
            order.len() - shown,
            counts.join(", ")
        ));
    }
    lines
}

/// `3 agents · 2 online · 1 unreachable · every 5s · 01:23:45 UTC`
fn summary(view: &View<'_>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for watched in view.agents.values() {
        *counts.entry(shown_status(watched)).or_default() += 1;
    }
    let total = view.agents.len();
    let mut parts = vec![format!(
        "{total} agent{}",
        if total == 1 { "" } else { "s" }
    )];
    for status in AgentStatus::ALL.map(AgentStatus::as_str) {
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
        let since = view.list_down_since.map_or_else(String::new, |since| {
            let at = humantime::format_rfc3339_seconds(since).to_string();
            format!(" since {}", at.get(11..19).unwrap_or(&at))
        });
        let _ = write!(
            line,
            " · listing failed{since}: {}",
            cut(&sanitize(error), 80)
        );
    }
    line
}

/// The header of a watch table: the shared columns, then LAST SEEN (live) and NOTE.
fn watch_header(wide: bool, live: bool) -> Vec<&'static str> {
    let mut header: Vec<&str> = columns(wide).iter().map(|c| c.header()).collect();
    if live {
        header.push("LAST SEEN");
    }
    header.push("NOTE");
    header
}

/// What one row of a watch table shows.
struct RowOf<'a> {
    id: &'a str,
    status: &'a str,
    record: Option<&'a crate::api::Agent>,
    reason: Option<&'a str>,
    /// The LAST SEEN cell (live table only).
    last_seen: Option<String>,
}

/// One row of a watch table: the agent's id and watched status in place of the record's.
fn watch_row(row: RowOf<'_>, wide: bool, now: std::time::SystemTime, color: bool) -> Vec<Cell> {
    let mut cells: Vec<Cell> = columns(wide)
        .into_iter()
        .map(|column| match column {
            Column::Uuid => Cell::new(sanitize(row.id)),
            Column::Status => status_cell(Some(row.status), color),
            other => other.cell(row.record, now, color),
        })
        .collect();
    if let Some(last_seen) = row.last_seen {
        cells.push(Cell::new(last_seen));
    }
    cells.push(Cell::new(
        row.reason
            .map(|r| cut(&sanitize(r), 60))
            .unwrap_or_default(),
    ));
    cells
}

fn table_text<'a>(
    view: &View<'_>,
    shown: impl Iterator<Item = &'a Watched>,
    wide: bool,
    headers: bool,
    color: bool,
) -> String {
    let mut table = plain_table(color);
    if headers {
        table.set_header(watch_header(wide, true));
    }
    for watched in shown {
        let last_seen = watched
            .last_seen
            .map_or_else(|| "never".to_owned(), |t| relative_time(t, view.now));
        let row = RowOf {
            id: watched.id.as_str(),
            status: shown_status(watched),
            record: watched.record.as_ref(),
            reason: watched.reason.as_deref(),
            last_seen: Some(last_seen),
        };
        table.add_row(watch_row(row, wide, view.now, color));
    }
    render_table(&mut table)
}

/// Piped with an explicit `-o table` or `-o wide`: one row per change under one header, as
/// `kubectl get -w` prints them. Columns are as wide as the widest cell seen so far, so the
/// rows line up as long as later values are no longer than earlier ones.
pub struct ChangeRows {
    ui: Arc<Ui>,
    wide: bool,
    headers: bool,
    widths: Vec<usize>,
    started: bool,
}

impl ChangeRows {
    pub fn new(ui: Arc<Ui>, wide: bool, headers: bool) -> ChangeRows {
        ChangeRows {
            ui,
            wide,
            headers,
            widths: Vec::new(),
            started: false,
        }
    }

    fn line(&mut self, cells: &[String]) -> String {
        if self.widths.len() < cells.len() {
            self.widths.resize(cells.len(), 0);
        }
        let mut line = String::new();
        for (index, text) in cells.iter().enumerate() {
            let width = text.chars().count();
            self.widths[index] = self.widths[index].max(width);
            line.push_str(text);
            if index + 1 < cells.len() {
                line.extend(std::iter::repeat_n(' ', self.widths[index] - width + 3));
            }
        }
        let mut line = line.trim_end().to_owned();
        line.push('\n');
        line
    }
}

impl Sink for ChangeRows {
    fn change(&mut self, change: &Change) -> Result<()> {
        // Ages as of the poll that saw the change (its time is the run's clock's).
        let now = change.time;
        let row = RowOf {
            id: &change.uuid,
            status: change.to.as_str(),
            record: change.agent.as_ref(),
            reason: change.reason.as_deref(),
            last_seen: None,
        };
        let row = watch_row(row, self.wide, now, false);
        let cells: Vec<String> = row.iter().map(Cell::content).collect();
        let mut out = String::new();
        if !self.started {
            self.started = true;
            let header = watch_header(self.wide, false);
            // The header's columns are as wide as the wider of the header and the first row.
            self.widths = header
                .iter()
                .zip(&cells)
                .map(|(h, c)| h.len().max(c.chars().count()))
                .collect();
            if self.headers {
                let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
                out.push_str(&self.line(&header));
            }
        }
        out.push_str(&self.line(&cells));
        self.ui.data(&out)
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

    fn fleet(&mut self, change: &FleetChange) -> Result<()> {
        // A failure is warned of each time (list_failed); the end of an outage once.
        if change.reason.is_none() {
            self.ui.status("the listing answers again (watching on)");
        }
        Ok(())
    }

    fn warn(&mut self, line: &str) {
        self.ui.warn(line);
    }

    fn finish(&mut self, _view: &View<'_>) -> Result<()> {
        Ok(())
    }
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
            list_down_since: None,
        };
        let lines = frame_lines(&view, false, true, false, None);
        assert_eq!(
            lines[0],
            "3 agents · 1 online · 1 delayed · 1 unreachable · every 5s · 08:00:00 UTC"
        );
        assert!(lines[1].starts_with("UUID") && lines[1].contains("LAST SEEN"));
        // Problems first: unreachable, then delayed, then the rest.
        assert!(lines[2].starts_with("c ") && lines[2].contains("never"));
        assert!(lines[2].contains("HTTP 500"));
        assert!(lines[3].starts_with("b "));
        assert!(
            lines[4].starts_with("a ") && lines[4].contains("12s ago"),
            "{}",
            lines[4]
        );
        assert!(lines[4].contains("30s ago"), "{}", lines[4]);
        assert!(lines.iter().all(|l| !l.contains('\x1b')), "{lines:?}");

        let short = frame_lines(&view, false, true, false, Some(5));
        assert_eq!(short.len(), 4);
        assert!(short[2].starts_with("c "), "{short:?}");
        assert_eq!(
            short[3],
            "… 2 more below: 1 delayed, 1 online (a taller terminal shows more; -o ndjson streams changes)"
        );
    }

    #[test]
    fn redraws_move_up_over_the_last_frame_and_restore_the_cursor() {
        let (ui, captured) = Ui::captured(true);
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let agents = agents(now);
        let view = View {
            agents: &agents,
            interval: Duration::from_secs(1),
            now,
            list_error: Some("HTTP 503"),
            list_down_since: Some(now - Duration::from_secs(75)),
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
        assert!(
            out.contains("listing failed since 07:58:45: HTTP 503"),
            "{out:?}"
        );
    }
}
