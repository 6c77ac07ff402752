//! `agentctl top` in a pseudo-terminal against the dev server: the screen shows the fleet's
//! counts, and every way out leaves the terminal as it was found (`stty -g` unchanged) with
//! the contract's exit code (`q` 0, SIGTERM 143, SIGHUP 129); `y` then `q` prints the picked
//! uuid; a resize redraws at the new size.

#![cfg(unix)]

use crate::auth_terminal::{Screen, child_of, in_shell_with, kill};
use crate::common::dev_binary::DevServer;
use crate::common::*;
use expectrl::session::OsSession;
use expectrl::{Eof, Expect};
use std::time::{Duration, Instant, SystemTime};

const OFFLINE: &str = "0f0f0f0f-0000-4000-8000-00000000000f";
const ONLINE: &str = "0a0a0a0a-0000-4000-8000-00000000000a";

/// A dev server holding one online, one delayed and one offline agent.
fn server(world: &World) -> DevServer {
    let stamp = |ago: u64| {
        humantime::format_rfc3339_seconds(SystemTime::now() - Duration::from_secs(ago)).to_string()
    };
    let seed = world.home().join("seed.json");
    let records = serde_json::json!([
        {"uuid": ONLINE, "name": "web-01", "lastHeartbeatAt": stamp(0)},
        {"uuid": "0d0d0d0d-0000-4000-8000-00000000000d", "name": "web-02", "lastHeartbeatAt": stamp(30)},
        {"uuid": OFFLINE, "name": "db-01", "lastHeartbeatAt": stamp(3600)},
    ]);
    std::fs::write(&seed, records.to_string()).unwrap();
    DevServer::start(world, &["--seed", seed.to_str().unwrap()])
}

/// `agentctl top` in a 120x30 pseudo-terminal, under a shell that reports its exit code and
/// whether the terminal's settings came back.
fn top(world: &World, server: &DevServer) -> OsSession {
    let mut session = in_shell_with(
        world,
        &["top", "--interval", "1s"],
        &[("AGENTCTL_HOST", &server.url), ("AGENTCTL_TOKEN", TOKEN)],
    );
    session.get_process_mut().set_window_size(120, 30).unwrap();
    session
}

/// The screen's text without escape sequences.
fn plain(text: &str) -> String {
    let escapes = regex::Regex::new(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78])").unwrap();
    escapes.replace_all(text, "").into_owned()
}

/// What a terminal of `rows` x `cols` shows after the bytes seen so far. ratatui writes only
/// the cells that changed between frames, so the counts (`0 agents` before the first walk,
/// `3 agents` after it) are read off an emulated screen, never off the byte stream.
fn shown(bytes: &[u8], rows: u16, cols: u16) -> String {
    let mut terminal = vt100::Parser::new(rows, cols, 0);
    terminal.process(bytes);
    terminal.screen().contents()
}

/// Waits until a `rows` x `cols` screen shows the three statuses counted; `screen` holds
/// what was read since the terminal last took this size.
fn wait_for_counts(session: &mut OsSession, screen: &mut Screen, rows: u16, cols: u16) {
    wait_for(session, screen, rows, cols, &[COUNTED]);
}

const COUNTED: &str = "3 agents · 1 online · 1 delayed · 1 offline";

/// Waits until a `rows` x `cols` screen shows every one of `wanted`.
fn wait_for(session: &mut OsSession, screen: &mut Screen, rows: u16, cols: u16, wanted: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    session.set_expect_timeout(Some(Duration::from_millis(500)));
    let all_shown = |screen: &Screen| {
        let text = shown(screen.bytes(), rows, cols);
        wanted.iter().all(|wanted| text.contains(wanted))
    };
    while !all_shown(screen) {
        assert!(
            Instant::now() < deadline,
            "{wanted:?} not on screen:\n{}",
            shown(screen.bytes(), rows, cols)
        );
        // Whatever has arrived, however little.
        if let Ok(found) = session.expect(expectrl::Regex("(?s).+")) {
            screen.keep(&found);
        }
    }
    session.set_expect_timeout(Some(Duration::from_secs(30)));
}

fn ended(session: &mut OsSession, screen: &mut Screen) -> String {
    screen.keep(&session.expect(Eof).unwrap());
    plain(&screen.text())
}

#[test]
fn the_screen_counts_the_fleet_and_q_exits_0_with_the_terminal_restored() {
    let world = World::new();
    let server = server(&world);
    let mut session = top(&world, &server);
    let mut screen = Screen::default();
    // The offline agent's row comes with them.
    wait_for(
        &mut session,
        &mut screen,
        30,
        120,
        &[COUNTED, OFFLINE, ONLINE],
    );
    let text = shown(screen.bytes(), 30, 120);
    assert!(
        text.find(OFFLINE) < text.find(ONLINE),
        "problems first:\n{text}"
    );
    assert!(screen.text().contains("\x1b[?1049h"), "no alternate screen");
    session.send("q").unwrap();
    let seen = ended(&mut session, &mut screen);
    assert!(seen.contains("exit=0"), "{seen}");
    assert!(seen.contains("terminal=same"), "{seen}");
    assert!(
        screen.text().contains("\x1b[?1049l"),
        "the alternate screen was not left"
    );
    assert!(!seen.contains(TOKEN));
}

/// Sends `signal` to a running top: it exits with `code`, the terminal's settings are back
/// and the alternate screen was left (its last ESC[?1049l after its last ESC[?1049h).
fn a_signal_restores_the_terminal(signal: &str, code: u32) {
    let world = World::new();
    let server = server(&world);
    let mut session = top(&world, &server);
    let mut screen = Screen::default();
    wait_for_counts(&mut session, &mut screen, 30, 120);
    let agentctl = child_of(session.get_process().pid().as_raw() as u32);
    kill(signal, agentctl);
    let seen = ended(&mut session, &mut screen);
    assert!(seen.contains(&format!("exit={code}")), "{seen}");
    assert!(seen.contains("terminal=same"), "{seen}");
    let left = screen.text().rfind("\x1b[?1049l");
    assert!(
        left > screen.text().rfind("\x1b[?1049h"),
        "the alternate screen was not left"
    );
}

#[test]
fn sigterm_exits_143_with_the_terminal_restored() {
    a_signal_restores_the_terminal("-TERM", 143);
}

#[test]
fn sighup_exits_129_with_the_terminal_restored() {
    a_signal_restores_the_terminal("-HUP", 129);
}

#[test]
fn a_resize_redraws_at_the_new_size() {
    let world = World::new();
    let server = server(&world);
    let mut session = top(&world, &server);
    let mut screen = Screen::default();
    wait_for_counts(&mut session, &mut screen, 30, 120);
    session.get_process_mut().set_window_size(40, 6).unwrap();
    let mut small = Screen::default();
    small.keep(&session.expect("40x6").unwrap());
    let said: String = plain(&small.text()).chars().filter(|c| *c != ' ').collect();
    assert!(said.contains("terminaltoosmall:40x6"), "{said}");
    // Large enough again: the fleet is drawn anew, counts first.
    session.get_process_mut().set_window_size(100, 20).unwrap();
    let mut again = Screen::default();
    wait_for_counts(&mut session, &mut again, 20, 100);
    session.send("q").unwrap();
    let seen = ended(&mut session, &mut screen);
    assert!(seen.contains("exit=0"), "{seen}");
    assert!(seen.contains("terminal=same"), "{seen}");
}

#[test]
fn y_then_q_prints_the_picked_uuid() {
    let world = World::new();
    let server = server(&world);
    let mut session = top(&world, &server);
    let mut screen = Screen::default();
    wait_for_counts(&mut session, &mut screen, 30, 120);
    // Problems first: the offline agent is selected.
    session.send("y").unwrap();
    screen.keep(&session.expect("picked").unwrap());
    session.send("q").unwrap();
    let seen = ended(&mut session, &mut screen);
    let after = seen.rsplit_once("picked").unwrap().1;
    assert!(after.contains(&format!("{OFFLINE}\r\nexit=0")), "{after}");
    assert!(seen.contains("terminal=same"), "{seen}");
}
