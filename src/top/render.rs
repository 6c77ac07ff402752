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
mod tests {
    use super::*;
    use crate::api::Agent;
    use crate::top::state::{Key, handle};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use serde_json::json;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    fn stamp(secs: u64) -> String {
        humantime::format_rfc3339_seconds(at(secs)).to_string()
    }

    fn screen() -> Screen {
        Screen {
            host: "https://agents.example.com".into(),
            profile: Some("prod".into()),
            interval: Duration::from_secs(5),
            color: true,
        }
    }

    fn record(uuid: &str, name: &str, status: &str, region: &str, beat: u64) -> Agent {
        Agent::from_value(json!({
            "uuid": uuid, "name": name, "type": "log", "status": status, "version": "1.4.2",
            "region": region, "lastHeartbeatAt": stamp(beat), "endpoint": "10.0.0.1:9000",
            "platformId": "linux", "labels": "{\"team\":\"ops\",\"env\":\"prod\"}",
            "createDate": stamp(0), "lastOpDate": stamp(beat),
        }))
        .unwrap()
    }

    fn fleet() -> Top {
        let mut top = Top::new();
        top.walk_started();
        top.page(
            vec![
                record(
                    "0b1c7e52-0001-4000-8000-000000000001",
                    "web-01",
                    "online",
                    "eu-west-1",
                    995,
                ),
                record(
                    "0b1c7e52-0002-4000-8000-000000000002",
                    "web-02",
                    "delayed",
                    "eu-west-1",
                    940,
                ),
                record(
                    "0b1c7e52-0003-4000-8000-000000000003",
                    "db-01",
                    "offline",
                    "us-east-1",
                    400,
                ),
                record(
                    "0b1c7e52-0004-4000-8000-000000000004",
                    "db-02",
                    "online",
                    "us-east-1",
                    998,
                ),
            ],
            at(999),
        );
        top.walk_done(Ok(()), Duration::from_millis(42), at(999));
        top
    }

    /// The frame `top` draws at `width`x`height`, as text.
    fn frame(top: &mut Top, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        top.set_page(body_rows(top, height));
        terminal
            .draw(|frame| draw(frame, top, &screen(), at(1_000)))
            .unwrap();
        buffer_text(terminal.backend().buffer())
    }

    #[test]
    fn a_fleet_of_each_status_problems_first() {
        let mut top = fleet();
        insta::assert_snapshot!(frame(&mut top, 120, 12));
    }

    #[test]
    fn a_status_change_is_marked_and_the_error_line_keeps_the_old_data() {
        let mut top = fleet();
        top.walk_started();
        top.page(
            vec![record(
                "0b1c7e52-0001-4000-8000-000000000001",
                "web-01",
                "offline",
                "eu-west-1",
                995,
            )],
            at(1_000),
        );
        top.walk_done(
            Err("could not connect to agents.example.com".into()),
            Duration::ZERO,
            at(1_000),
        );
        insta::assert_snapshot!(frame(&mut top, 100, 12));
    }

    #[test]
    fn the_detail_view() {
        let mut top = fleet();
        handle(&mut top, Key::Enter, at(1_000));
        insta::assert_snapshot!(frame(&mut top, 80, 24));
    }

    #[test]
    fn the_filter_prompt() {
        let mut top = fleet();
        for key in [Key::Char('/'), Key::Char('e'), Key::Char('u')] {
            handle(&mut top, key, at(1_000));
        }
        insta::assert_snapshot!(frame(&mut top, 100, 10));
    }

    #[test]
    fn the_help() {
        let mut top = fleet();
        handle(&mut top, Key::Char('?'), at(1_000));
        insta::assert_snapshot!(frame(&mut top, 90, 18));
    }

    #[test]
    fn a_narrowed_view_says_how_many_it_shows_before_anything_else() {
        let mut top = fleet();
        for key in "3/us-east-1".chars() {
            handle(&mut top, Key::Char(key), at(1_000));
        }
        handle(&mut top, Key::Enter, at(1_000));
        let text = frame(&mut top, 60, 10);
        let second = text.lines().nth(1).unwrap();
        assert!(
            second.starts_with("only offline · filter \"us-east-1\" · 1 of 4 shown"),
            "{text}"
        );
    }

    #[test]
    fn a_terminal_too_small_says_so() {
        let mut top = fleet();
        insta::assert_snapshot!(frame(&mut top, 40, 6));
    }

    #[test]
    fn a_hostile_record_cannot_reach_the_terminal() {
        let mut top = Top::new();
        top.walk_started();
        let hostile = Agent::from_value(json!({
            "uuid": "evil\u{1b}]0;owned\u{7}",
            "name": "\u{1b}[2J\u{1b}[Hwiped",
            "status": "offline\u{9b}31m",
            "region": "\u{202e}su",
            "labels": {"k\u{1b}[1m": "v\r\n"},
        }))
        .unwrap();
        top.page(vec![hostile], at(999));
        top.walk_done(Ok(()), Duration::from_millis(1), at(999));
        let text = frame(&mut top, 120, 10);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        insta::assert_snapshot!(text);
        handle(&mut top, Key::Enter, at(1_000));
        let detail = frame(&mut top, 120, 20);
        assert!(
            !detail.chars().any(|c| c.is_control() && c != '\n'),
            "{detail:?}"
        );
        assert!(detail.contains(r"k\x1b[1m=v\r\n"), "{detail}");
    }

    #[test]
    fn statuses_are_coloured_unless_colour_is_off() {
        let mut top = fleet();
        let style_of = |top: &mut Top, color: bool, word: &str| {
            let mut terminal = Terminal::new(TestBackend::new(120, 12)).unwrap();
            top.set_page(body_rows(top, 12));
            let screen = Screen { color, ..screen() };
            terminal
                .draw(|frame| draw(frame, top, &screen, at(1_000)))
                .unwrap();
            let buffer = terminal.backend().buffer().clone();
            let text = buffer_text(&buffer);
            let (y, line) = text
                .lines()
                .enumerate()
                .skip(3)
                .find(|(_, l)| l.contains(word))
                .unwrap();
            let x = line.find(word).unwrap();
            buffer[(x as u16, y as u16)].fg
        };
        assert_eq!(style_of(&mut top, true, "offline"), Color::Red);
        assert_eq!(style_of(&mut top, true, "delayed"), Color::Yellow);
        assert_eq!(style_of(&mut top, false, "offline"), Color::Reset);
    }

    #[test]
    fn a_frame_of_a_large_fleet_reads_only_the_rows_shown() {
        let mut top = Top::new();
        top.walk_started();
        let records: Vec<Agent> = (0..100_000)
            .map(|n| {
                record(
                    &format!("agent-{n:06}"),
                    "n",
                    if n % 7 == 0 { "offline" } else { "online" },
                    "eu",
                    500,
                )
            })
            .collect();
        top.page(records, at(999));
        top.walk_done(Ok(()), Duration::from_secs(1), at(999));
        handle(&mut top, Key::End, at(1_000));
        let text = frame(&mut top, 100, 10);
        assert!(text.contains("agent-099999"), "{text}");
        assert!(text.contains("100000 agents"), "{text}");
        // A full screen of rows still leaves the footer its line.
        handle(&mut top, Key::Home, at(1_000));
        let text = frame(&mut top, 100, 10);
        assert_eq!(text.lines().count(), 10, "{text}");
        assert!(text.lines().last().unwrap().ends_with("q quit"), "{text}");
    }
}
