//! A signal ends `watch`'s live table as it ends every command (contract §6): the cursor shown
//! again, the line ended, exit 128 + the signal. Through a pseudo-terminal, against the dev
//! server binary on loopback.

#![cfg(unix)]

use crate::common::dev_binary::DevServer;
use crate::common::*;
use expectrl::process::unix::WaitStatus;
use expectrl::{Eof, Expect, Session};
use std::time::Duration;

const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";

/// `text` without its ANSI escape sequences (`ESC [ … letter`).
fn without_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn sigterm_and_sighup_end_the_live_watch_with_the_cursor_shown() {
    let world = World::new();
    let server = DevServer::start(&world, &[]);
    for agent in ["web-01", "web-02"] {
        let ran = run(world
            .cmd_at(&server.url)
            .args(["heartbeat", "send", agent])
            .args(MINIMAL_BEAT));
        assert_eq!(ran.code, 0, "{}", ran.stderr);
    }

    for (signal, code, message) in [
        ("-TERM", 143, "stopped by SIGTERM"),
        ("-HUP", 129, "stopped by SIGHUP"),
        ("-INT", 130, "interrupted"),
    ] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"));
        command
            .args(["watch", "--all", "--interval", "1s"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm")
            .env("HOME", world.home())
            .env("AGENTCTL_CONFIG_DIR", world.config_dir())
            .env("AGENTCTL_HOST", &server.url)
            .env("AGENTCTL_TOKEN", TOKEN);
        let mut session = Session::spawn(command).expect("a pseudo-terminal");
        session.set_expect_timeout(Some(Duration::from_secs(30)));
        let mut seen = Vec::new();
        let mut keep = |captures: &expectrl::Captures| {
            seen.extend_from_slice(captures.before());
            for matched in captures.matches() {
                seen.extend_from_slice(matched);
            }
        };
        // The table is up, with both agents, and the cursor hidden.
        keep(&session.expect("web-02").unwrap());
        let pid = session.get_process().pid().as_raw().to_string();
        let killed = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        keep(&session.expect(Eof).unwrap());
        let screen = String::from_utf8_lossy(&seen).into_owned();

        let status = session.get_process().wait().unwrap();
        assert!(
            matches!(status, WaitStatus::Exited(_, exit) if exit == code),
            "{signal}: {status:?}\n{screen:?}"
        );
        let hidden = screen.find(HIDE_CURSOR).expect("the cursor was hidden");
        let shown = screen
            .rfind(SHOW_CURSOR)
            .unwrap_or_else(|| panic!("{signal}: the cursor was not shown again:\n{screen:?}"));
        assert!(hidden < shown, "{screen:?}");
        assert_eq!(
            screen.rfind(HIDE_CURSOR),
            Some(hidden),
            "hidden only once: {screen:?}"
        );
        // The error comes after the cursor is back, at the start of a line.
        let after = &screen[shown + SHOW_CURSOR.len()..];
        let (before_error, error) = after
            .split_once("error:")
            .unwrap_or_else(|| panic!("{signal}: no error line: {screen:?}"));
        assert!(error.contains(message), "{signal}: {screen:?}");
        let line_so_far = screen[..shown].rsplit('\n').next().unwrap();
        assert_eq!(
            without_escapes(&format!("{line_so_far}{before_error}")),
            "",
            "{signal}: the error does not start a line: {screen:?}"
        );
        assert!(!screen.contains(TOKEN));
    }
}
