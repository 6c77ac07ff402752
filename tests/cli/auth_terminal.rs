//! `auth login` at a real terminal (a pseudo-terminal): the token is never echoed, and a signal
//! at a prompt leaves the terminal as it was found (echo on, not raw, the line ended) with exit
//! 128 + the signal.

#![cfg(unix)]

use crate::common::mock::*;
use crate::common::*;
use expectrl::process::Termios;
use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Session};
use std::fs;
use std::time::{Duration, Instant};

const LISTING: &str = r#"{"items":[],"total":0}"#;

/// The check of the token `auth login` makes (a one-record page), accepted.
fn accepting(server: &MockServer) -> Mock<'_> {
    server.mock(|when, then| {
        api_get(when, "/api/v1/agents?page=1&pageSize=1");
        then.respond_with(Answer::ok(LISTING).into_responder());
    })
}

/// A command with a clean environment around a private world.
pub(crate) fn command(world: &World, program: &str) -> std::process::Command {
    let mut command = std::process::Command::new(program);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .env("HOME", world.home())
        .env("AGENTCTL_CONFIG_DIR", world.config_dir());
    command
}

/// `agentctl ARGS` run by `sh` in a pseudo-terminal with echo on (a new pseudo-terminal starts
/// with it off), then in the same terminal `echo exit=$?`, whether the terminal's settings are
/// the ones agentctl started with (`terminal=same`), and `stty -a`. The shell lets Ctrl-C pass
/// (the trap), as an interactive shell does, so it outlives agentctl.
fn in_shell(world: &World, args: &[&str]) -> OsSession {
    in_shell_with(world, args, &[])
}

/// [`in_shell`] with `envs` set for agentctl as well.
pub(crate) fn in_shell_with(world: &World, args: &[&str], envs: &[(&str, &str)]) -> OsSession {
    let mut command = command(world, "/bin/sh");
    command.envs(envs.iter().copied());
    command
        .arg("-c")
        .arg(
            r#"stty echo; before=$(stty -g); trap : INT; "$0" "$@"; echo "exit=$?"
               if [ "$(stty -g)" = "$before" ]; then echo terminal=same; else echo terminal=changed; fi
               stty -a"#,
        )
        .arg(env!("CARGO_BIN_EXE_agentctl"))
        .args(args);
    let mut session = Session::spawn(command).expect("a pseudo-terminal");
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    session
}

/// Everything the terminal showed so far, kept by the test.
#[derive(Default)]
pub(crate) struct Screen(Vec<u8>);

impl Screen {
    pub(crate) fn keep(&mut self, captures: &expectrl::Captures) {
        self.0.extend_from_slice(captures.before());
        for matched in captures.matches() {
            self.0.extend_from_slice(matched);
        }
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The prompt turns echo off right after drawing itself (and flushes pending input when it
/// does): type only once the terminal says echo is off.
fn wait_for_echo_off<S: Termios>(session: &S) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while session.is_echo().unwrap() {
        assert!(Instant::now() < deadline, "echo was never turned off");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The local flags `stty -a` printed (`echo`, `-echo`, `icanon`, …).
fn stty_flags(screen: &str) -> Vec<String> {
    let stty = screen
        .rsplit_once("exit=")
        .map_or("", |(_, rest)| rest)
        .to_owned();
    stty.split(|c: char| c.is_whitespace() || c == ';')
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The pid of the only child of `parent` (agentctl under the shell).
pub(crate) fn child_of(parent: u32) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let children = fs::read_to_string(format!("/proc/{parent}/task/{parent}/children"))
            .unwrap_or_default();
        if let Some(pid) = children.split_whitespace().next() {
            return pid.parse().unwrap();
        }
        assert!(Instant::now() < deadline, "the shell started no child");
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub(crate) fn kill(signal: &str, pid: u32) {
    let killed = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
}

#[test]
fn interactive_login_hides_the_token_and_checks_it_before_saving() {
    let server = MockServer::start();
    let check = accepting(&server);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let mut session = in_shell(&world, &["auth", "login"]);
    let mut screen = Screen::default();

    screen.keep(&session.expect("Host").unwrap());
    session.send_line(server.base_url()).unwrap();
    screen.keep(
        &session
            .expect(format!("Token for {}", server.base_url()).as_str())
            .unwrap(),
    );
    wait_for_echo_off(&session);
    session.send_line(TOKEN).unwrap();
    screen.keep(&session.expect(Eof).unwrap());
    let seen = screen.text();

    assert!(!seen.contains(TOKEN), "the token was echoed:\n{seen}");
    assert!(
        seen.contains(&format!("Logged in to {}", server.base_url())),
        "{seen}"
    );
    assert!(seen.contains("exit=0"), "{seen}");
    assert!(seen.contains("terminal=same"), "{seen}");
    check.assert_calls(1);
    unexpected.assert_calls(0);

    let dir = world.config_dir();
    let credentials = fs::read_to_string(dir.join("credentials.toml")).unwrap();
    assert!(credentials.contains(&format!("token = \"{TOKEN}\"")));
    let config = fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        config.contains(&format!("host = \"{}\"", server.base_url())),
        "{config}"
    );
}

#[test]
fn with_token_at_a_terminal_the_token_is_not_echoed() {
    let server = MockServer::start();
    let check = accepting(&server);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let mut session = in_shell(
        &world,
        &[
            "auth",
            "login",
            "--with-token",
            "--host",
            &server.base_url(),
        ],
    );
    let mut screen = Screen::default();
    screen.keep(&session.expect("Token for").unwrap());
    wait_for_echo_off(&session);
    session.send_line(TOKEN).unwrap();
    screen.keep(&session.expect(Eof).unwrap());
    let seen = screen.text();
    assert!(!seen.contains(TOKEN), "the token was echoed:\n{seen}");
    assert!(seen.contains("exit=0"), "{seen}");
    assert!(seen.contains("terminal=same"), "{seen}");
    check.assert_calls(1);
    unexpected.assert_calls(0);
    let credentials = fs::read_to_string(world.config_dir().join("credentials.toml")).unwrap();
    assert!(credentials.contains(&format!("token = \"{TOKEN}\"")));
}

#[test]
fn ctrl_c_at_the_hidden_prompt_leaves_echo_on_and_exits_130() {
    let server = MockServer::start();
    let check = accepting(&server);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let mut session = in_shell(&world, &["auth", "login", "--host", &server.base_url()]);
    let mut screen = Screen::default();
    screen.keep(&session.expect("Token for").unwrap());
    wait_for_echo_off(&session);
    session.send("typed-but-not-sent").unwrap();
    session.send("\x03").unwrap();
    screen.keep(&session.expect("exit=").unwrap());
    screen.keep(&session.expect(Eof).unwrap());
    let seen = screen.text();

    assert!(seen.contains("exit=130"), "{seen}");
    assert!(seen.contains("terminal=same"), "{seen}");
    let flags = stty_flags(&seen);
    assert!(flags.iter().any(|f| f == "echo"), "echo is off:\n{seen}");
    assert!(flags.iter().any(|f| f == "icanon"), "{seen}");
    assert!(!seen.contains("typed-but-not-sent"), "{seen}");
    // The prompt's line is ended before the error is written.
    let (prompt, after) = seen.split_once("Token for").unwrap();
    assert!(!prompt.contains("error"), "{seen}");
    let (before_error, error) = after.split_once("error:").unwrap();
    assert!(error.starts_with("\x1b[0m interrupted"), "{seen:?}");
    assert!(
        before_error.contains('\n'),
        "the error follows the prompt on its line:\n{seen:?}"
    );
    check.assert_calls(0);
    unexpected.assert_calls(0);
    assert!(!world.config_dir().exists(), "nothing was saved");
}

#[test]
fn ctrl_c_at_the_host_prompt_leaves_the_terminal_cooked_and_exits_130() {
    let world = World::new();
    let mut session = in_shell(&world, &["auth", "login"]);
    let mut screen = Screen::default();
    screen.keep(&session.expect("Host").unwrap());
    // The prompt reads keys in raw mode and flushes what was typed before it got there.
    wait_for_echo_off(&session);
    session.send("https://half-typ").unwrap();
    session.send("\x03").unwrap();
    screen.keep(&session.expect("exit=").unwrap());
    screen.keep(&session.expect(Eof).unwrap());
    let seen = screen.text();
    assert!(seen.contains("exit=130"), "{seen}");
    assert!(seen.contains("terminal=same"), "{seen}");
    let flags = stty_flags(&seen);
    for flag in ["echo", "icanon", "isig"] {
        assert!(flags.iter().any(|f| f == flag), "{flag} is off:\n{seen}");
    }
    let after = seen.rsplit_once("half-typ").unwrap().1;
    let (before_error, error) = after.split_once("error:").unwrap();
    assert!(error.starts_with("\x1b[0m interrupted"), "{seen:?}");
    assert!(before_error.contains('\n'), "{seen:?}");
    assert!(!world.config_dir().exists());
}

#[test]
fn sigterm_and_sighup_at_the_hidden_prompt_leave_echo_on() {
    for (signal, code, message) in [
        ("-TERM", 143, "stopped by SIGTERM"),
        ("-HUP", 129, "stopped by SIGHUP"),
    ] {
        let server = MockServer::start();
        let check = accepting(&server);
        let unexpected = nothing_else(&server);
        let world = World::new();
        let mut session = in_shell(&world, &["auth", "login", "--host", &server.base_url()]);
        let mut screen = Screen::default();
        screen.keep(&session.expect("Token for").unwrap());
        wait_for_echo_off(&session);
        let agentctl = child_of(session.get_process().pid().as_raw() as u32);
        kill(signal, agentctl);
        screen.keep(&session.expect("exit=").unwrap());
        screen.keep(&session.expect(Eof).unwrap());
        let seen = screen.text();
        assert!(seen.contains(&format!("exit={code}")), "{signal}: {seen}");
        assert!(seen.contains(message), "{seen}");
        let after = seen.split_once("Token for").unwrap().1;
        assert!(
            after.split_once("error:").unwrap().0.contains('\n'),
            "{seen:?}"
        );
        assert!(seen.contains("terminal=same"), "{signal}: {seen}");
        let flags = stty_flags(&seen);
        assert!(
            flags.iter().any(|f| f == "echo"),
            "{signal}: echo is off:\n{seen}"
        );
        check.assert_calls(0);
        unexpected.assert_calls(0);
        assert!(!world.config_dir().exists());
    }
}
