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
