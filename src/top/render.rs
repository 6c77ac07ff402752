//! One frame of `top`, drawn with ratatui: the header (host, counts, last refresh, the last
//! error), the rows the screen has room for (and only those: a frame of 100,000 agents reads
//! a screenful of records), the footer; or one agent's detail, or the help. Every string from
//! the server is shown through the one sanitizer.

use super::fleet::Row;
use super::state::{Mode, Top};
use crate::duration::format_duration;
use crate::output::{Column, relative_time};
use crate::sanitize::sanitize;
use crate::status::StatusValue;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::time::{Duration, SystemTime};

/// The smallest screen `top` draws on; a smaller one is told so.
pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 8;

/// The widest a column gets (longer values are cut with `…`).
const MAX_CELL: usize = 40;

/// The columns of the body: `-o wide`'s, with the status change after STATUS.
const BODY: [Cell; 13] = [
    Cell::Column(Column::Uuid),
    Cell::Column(Column::Name),
    Cell::Column(Column::Type),
    Cell::Column(Column::Status),
    Cell::Change,
    Cell::Column(Column::Version),
    Cell::Column(Column::Region),
    Cell::Column(Column::LastHeartbeat),
    Cell::Column(Column::Endpoint),
    Cell::Column(Column::Platform),
    Cell::Column(Column::Labels),
    Cell::Column(Column::Created),
    Cell::Column(Column::LastOp),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    Column(Column),
    Change,
}

impl Cell {
    fn header(self) -> &'static str {
        match self {
            Cell::Column(column) => column.header(),
            Cell::Change => "CHANGE",
        }
    }

    fn text(self, row: &Row, now: SystemTime) -> String {
        match self {
            Cell::Column(Column::Uuid) => sanitize(&row.uuid).into_owned(),
            Cell::Column(Column::Status) => sanitize(row.status.as_str()).into_owned(),
            Cell::Column(column) => column.text(Some(&row.agent), now),
            Cell::Change => row.mark.as_ref().map_or_else(String::new, |(from, to, _)| {
                format!("{}→{}", sanitize(from.as_str()), sanitize(to.as_str()))
            }),
        }
    }
}

/// What the frame says about the run, besides the fleet.
#[derive(Debug, Clone)]
pub struct Screen {
    /// The API host, without any user or password in it.
    pub host: String,
    pub profile: Option<String>,
    pub interval: Duration,
    pub color: bool,
}

/// The colour of a status when colour is on.
fn status_style(status: &StatusValue, color: bool) -> Style {
    let Some(known) = status.known().filter(|_| color) else {
        return Style::default();
    };
    let color = match known.color() {
        comfy_table::Color::Green => Color::Green,
        comfy_table::Color::Yellow => Color::Yellow,
        _ => Color::Red,
    };
    Style::default().fg(color)
}

/// Lines above the body: host and counts, refresh and view, and the error while there is one.
fn header_lines(top: &Top) -> u16 {
    2 + u16::from(top.refresh.error.is_some())
}

/// How many body rows a screen of `height` lines has room for (the header, the column
/// names and the footer take the rest).
pub fn body_rows(top: &Top, height: u16) -> usize {
    usize::from(height.saturating_sub(header_lines(top) + 2))
}

fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Draws one frame of `top` over the whole of `frame`.
pub fn draw(frame: &mut Frame<'_>, top: &Top, screen: &Screen, now: SystemTime) {
    let area = frame.area();
    if too_small(area) {
        let text = vec![
            Line::from(format!(
                "terminal too small: {}x{}",
                area.width, area.height
            )),
            Line::from(format!("top needs {MIN_WIDTH}x{MIN_HEIGHT}; q quits")),
        ];
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    let mut lines: Vec<Line<'_>> = header(top, screen, now);
    let height = usize::from(area.height);
    let body = height - lines.len() - 1;
    match top.mode {
        Mode::Detail(at) => match top.row(at) {
            Some(row) => lines.extend(detail(top, row, screen, now).into_iter().take(body)),
            None => lines.push(Line::from("(that agent has left the listing)")),
        },
        Mode::Help => lines.extend(help().into_iter().take(body)),
        Mode::List | Mode::Filter => lines.extend(table(top, screen, now, area.width, body)),
    }
    while lines.len() < height - 1 {
        lines.push(Line::default());
    }
    lines.push(footer(top));
    frame.render_widget(Paragraph::new(lines), area);
}

fn header(top: &Top, screen: &Screen, now: SystemTime) -> Vec<Line<'static>> {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let profile = screen
        .profile
        .as_deref()
        .map(|p| format!(" (profile {})", sanitize(p)))
        .unwrap_or_default();
    let total = top.rows().len();
    // The counts first: they are what a narrow terminal must still show.
    let mut first = vec![
        Span::styled("agentctl top", bold),
        Span::raw(" · "),
        Span::styled(
            format!("{total} agent{}", if total == 1 { "" } else { "s" }),
            bold,
        ),
    ];
    for (status, count) in top.counts() {
        first.push(Span::raw(" · "));
        let style = status_style(&StatusValue::of_text(status), screen.color);
        first.push(Span::styled(format!("{count} {}", sanitize(status)), style));
    }
    first.push(Span::raw(format!("   {}{profile}", sanitize(&screen.host))));
    // The view first when it narrows the rows: how many it shows is the answer an operator
    // filtering for (say) the offline agents of one region looks for, and the end of a long
    // line is where a narrow terminal cuts it.
    let mut second = Vec::new();
    if let Some(status) = top.only {
        second.push(format!("only {status}"));
    }
    if !top.filter.is_empty() {
        second.push(format!("filter \"{}\"", sanitize(&top.filter)));
    }
    if top.only.is_some() || !top.filter.is_empty() {
        second.push(format!("{} of {total} shown", top.shown()));
    }
    match top.refresh.last_ok {
        Some((at, took)) => second.push(format!(
            "refreshed {} ({}, took {})",
            clock_time(at),
            relative_time(at, now),
            format_took(took)
        )),
        None if top.refresh.walking => second.push("listing agents…".to_owned()),
        None => second.push("not listed yet".to_owned()),
    }
    second.push(format!("every {}", format_duration(screen.interval)));
    let reverse = if top.reverse { " reversed" } else { "" };
    second.push(format!("sort {}{reverse}", top.sort.name()));
    let mut lines = vec![Line::from(first), Line::from(second.join(" · "))];
    if let Some((reason, at)) = &top.refresh.error {
        let kept = match top.refresh.last_ok {
            Some((ok, _)) => format!(
                "showing the data of {}, {}",
                clock_time(ok),
                relative_time(ok, now)
            ),
            None => "nothing listed yet".to_owned(),
        };
        let style = if screen.color {
            Style::default().fg(Color::Red)
        } else {
            Style::default()
        };
        lines.push(Line::styled(
            format!(
                "listing failed at {} ({kept}): {}",
                clock_time(*at),
                cut(&sanitize(reason), 200)
            ),
            style,
        ));
    }
    lines
}

fn table(
    top: &Top,
    screen: &Screen,
    now: SystemTime,
    width: u16,
    body: usize,
) -> Vec<Line<'static>> {
    // `body` lines in all: the column names, then the rows.
    let rows: Vec<&Row> = top.visible(top.offset, body.saturating_sub(1)).collect();
    // Each visible row's cells, read once.
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            BODY.iter()
                .map(|cell| cut(&cell.text(row, now), MAX_CELL))
                .collect()
        })
        .collect();
    // Columns as wide as their widest shown value, kept from the left while they fit.
    let mut widths = Vec::new();
    let mut used = 2usize;
    for (at, cell) in BODY.iter().enumerate() {
        let widest = cells
            .iter()
            .map(|row| text_width(&row[at]))
            .max()
            .unwrap_or(0)
            .max(cell.header().len());
        let gap = if at == 0 { 0 } else { 2 };
        if used + gap + widest > usize::from(width) {
            break;
        }
        used += gap + widest;
        widths.push(widest);
    }
    let line = |texts: &[String], styles: &[Style]| {
        let mut spans = Vec::with_capacity(widths.len() * 2 + 1);
        for (at, width) in widths.iter().enumerate() {
            if at > 0 {
                spans.push(Span::raw("  "));
            }
            let text = &texts[at];
            let pad = width.saturating_sub(text_width(text));
            spans.push(Span::styled(
                format!("{text}{}", " ".repeat(pad)),
                styles[at],
            ));
        }
        spans
    };
    let headers: Vec<String> = BODY.iter().map(|c| c.header().to_owned()).collect();
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::raw("  ")];
    spans.extend(line(&headers, &[bold; BODY.len()]));
    let mut lines = vec![Line::from(spans)];
    if rows.is_empty() {
        let why = if top.rows().is_empty() {
            if top.refresh.walking || top.refresh.last_ok.is_none() {
                "  (listing agents…)"
            } else {
                "  (the listing is empty)"
            }
        } else {
            "  (no agent matches; Esc clears the filter, 0 shows every status)"
        };
        lines.push(Line::from(why));
        return lines;
    }
    for (at, (row, texts)) in rows.iter().zip(&cells).enumerate() {
        let selected = top.offset + at == top.selected;
        let styles: Vec<Style> = BODY
            .iter()
            .map(|cell| match cell {
                Cell::Column(Column::Status) => status_style(&row.status, screen.color),
                Cell::Change => {
                    status_style(&row.status, screen.color).add_modifier(Modifier::BOLD)
                }
                _ => Style::default(),
            })
            .collect();
        let mut spans = vec![Span::raw(if selected { "> " } else { "  " })];
        spans.extend(line(texts, &styles));
        let mut line = Line::from(spans);
        if selected {
            line = line.style(Style::default().add_modifier(Modifier::REVERSED));
        }
        lines.push(line);
    }
    lines
}

fn detail(top: &Top, row: &Row, screen: &Screen, now: SystemTime) -> Vec<Line<'static>> {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("agent {}", sanitize(&row.uuid)), bold),
        Span::raw("  "),
        Span::styled(
            sanitize(row.status.as_str()).into_owned(),
            status_style(&row.status, screen.color),
        ),
    ])];
    let heartbeat = row
        .agent
        .time("lastHeartbeatAt")
        .map_or_else(|| "never".to_owned(), |t| relative_time(t, now));
    lines.push(Line::from(format!("heartbeat age: {heartbeat}")));
    lines.push(Line::default());
    if let serde_json::Value::Object(fields) = row.agent.to_value() {
        let key_width = fields.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        for (key, value) in &fields {
            if key == "labels" {
                continue;
            }
            let value = match value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            lines.push(Line::from(format!(
                "{:key_width$}  {}",
                sanitize(key),
                cut(&sanitize(&value), 200)
            )));
        }
    }
    let labels = row.agent.labels().unwrap_or_default();
    lines.push(Line::default());
    lines.push(Line::styled(format!("labels ({})", labels.len()), bold));
    for (key, value) in labels {
        lines.push(Line::from(format!(
            "  {}={}",
            sanitize(&key),
            sanitize(&value)
        )));
    }
    lines.push(Line::default());
    let seen: Vec<_> = top.history(&row.uuid).collect();
    lines.push(Line::styled(
        format!("status changes seen ({})", seen.len()),
        bold,
    ));
    for change in seen {
        lines.push(Line::from(format!(
            "  {}  {} → {}  ({})",
            clock_time(change.time),
            sanitize(change.from.as_str()),
            sanitize(change.to.as_str()),
            relative_time(change.time, now)
        )));
    }
    lines
}

/// The keys, as `?` shows them.
pub const KEYS: [(&str, &str); 13] = [
    ("↑ ↓  j k", "move the selection"),
    ("PgUp PgDn", "move a page"),
    ("Home End  g G", "first and last agent"),
    (
        "/",
        "filter by uuid, name, region or label as you type; Enter keeps it",
    ),
    ("Esc", "clear the filter; leave the detail view"),
    ("s  S", "sort by the next column; reverse the order"),
    (
        "1 2 3  0",
        "only online, delayed, offline agents; all of them",
    ),
    (
        "Enter",
        "the selected agent's record, labels and status changes",
    ),
    (
        "y",
        "pick the selected agent: its uuid is printed when top ends",
    ),
    ("r", "list the agents again now"),
    ("?", "this help (any key leaves it)"),
    ("q", "quit"),
    ("Ctrl-C", "quit (exit 130)"),
];

fn help() -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        "keys",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    lines.extend(
        KEYS.iter()
            .map(|(keys, what)| Line::from(format!("  {keys:<14} {what}"))),
    );
    lines
}

fn footer(top: &Top) -> Line<'static> {
    let mut text = match top.mode {
        Mode::Filter => format!("/{}▏  Enter keeps the filter, Esc clears it", sanitize(&top.filter)),
        Mode::Detail(_) => "Esc back  ↑↓ next agent  y pick  r refresh  q quit".to_owned(),
        Mode::Help => "any key goes back".to_owned(),
        Mode::List => {
            "↑↓ move  / filter  s S sort  1 2 3 0 status  Enter detail  y pick  r refresh  ? help  q quit"
                .to_owned()
        }
    };
    if let Some(picked) = &top.picked {
        text = format!("picked {} · {text}", sanitize(picked));
    }
    Line::styled(text, Style::default().add_modifier(Modifier::DIM))
}

/// `09:12:03 UTC`
fn clock_time(at: SystemTime) -> String {
    let stamp = humantime::format_rfc3339_seconds(at).to_string();
    format!("{} UTC", stamp.get(11..19).unwrap_or(&stamp))
}

/// A walk's time: `40ms`, `1.2s`.
fn format_took(took: Duration) -> String {
    if took < Duration::from_secs(1) {
        format!("{}ms", took.as_millis())
    } else {
        format!("{:.1}s", took.as_secs_f64())
    }
}

fn text_width(text: &str) -> usize {
    Span::raw(text).width()
}

/// At most `max` characters, the last one `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A drawn buffer as text: one line per row, trailing blanks trimmed (`top --once`, tests).
pub fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in area.left()..area.right() {
            let symbol = buffer[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(symbol);
            skip = text_width(symbol).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
