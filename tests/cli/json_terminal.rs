//! JSON at a terminal, whichever command writes it: the C1 and bidi controls a server puts in
//! a record (U+0085, U+202E) are shown escaped (`\u0085`, `\u202e`), which is still the same
//! JSON; through a pipe the records are the server's bytes exactly.

#![cfg(unix)]

use crate::auth_terminal::{Screen, command};
use crate::common::mock::*;
use crate::common::*;
use expectrl::{Eof, Expect, Session};
use std::time::Duration;

/// One record holding a next-line control and a right-to-left override, raw in the body.
const RECORD: &str =
    "{\"uuid\":\"agent-1\",\"name\":\"a\u{85}b\",\"region\":\"\u{202e}us\",\"status\":\"online\"}";

fn listing(server: &MockServer) -> Mock<'_> {
    server.mock(|when, then| {
        api_list(when);
        then.respond_with(
            Answer::ok(format!("{{\"items\":[{RECORD}],\"total\":1}}")).into_responder(),
        );
    })
}

/// `agentctl ARGS` with its stdout and stderr on a pseudo-terminal, then `[exit status: N]`:
/// what the terminal showed, its line ends as written (`\r\n` made `\n` again).
fn at_a_terminal(world: &World, server: &MockServer, args: &[&str]) -> String {
    let mut command = command(world, "/bin/sh");
    command
        .env("AGENTCTL_HOST", server.base_url())
        .env("AGENTCTL_TOKEN", TOKEN)
        .arg("-c")
        .arg(r#""$0" "$@"; echo "[exit status: $?]""#)
        .arg(env!("CARGO_BIN_EXE_agentctl"))
        .args(args);
    let mut session = Session::spawn(command).expect("a pseudo-terminal");
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    let mut screen = Screen::default();
    screen.keep(&session.expect(Eof).unwrap());
    let text = screen.text().replace("\r\n", "\n");
    for raw in ['\u{85}', '\u{202e}'] {
        assert!(
            !text.contains(raw),
            "{raw:?} reached the terminal raw: {text:?}"
        );
    }
    text
}

/// A watch event's time, which a snapshot cannot pin.
fn without_times(text: &str) -> String {
    let time = regex::Regex::new(r#""time":"[^"]+""#).unwrap();
    time.replace_all(text, r#""time":"TIME""#).into_owned()
}

#[test]
fn agent_list_json_and_ndjson_escape_c1_and_bidi_controls_at_a_terminal() {
    let server = MockServer::start();
    let list = listing(&server);
    let world = World::new();
    insta::assert_snapshot!(at_a_terminal(&world, &server, &["agent", "list", "-o", "json"]), @r#"
    [
      {
        "uuid": "agent-1",
        "name": "a\u0085b",
        "region": "\u202eus",
        "status": "online"
      }
    ]
    [exit status: 0]
    "#);
    insta::assert_snapshot!(at_a_terminal(&world, &server, &["agent", "list", "-o", "ndjson"]), @r#"
    {"uuid":"agent-1","name":"a\u0085b","region":"\u202eus","status":"online"}
    [exit status: 0]
    "#);
    // --jq's JSON results too, and its raw strings are sanitized like any server string.
    insta::assert_snapshot!(at_a_terminal(&world, &server, &["agent", "list", "--jq", ".[0].name"]), @r#"
    "a\u0085b"
    [exit status: 0]
    "#);
    insta::assert_snapshot!(at_a_terminal(&world, &server, &["agent", "list", "--jq", ".[0].region", "-r"]), @r"
    \u{202e}us
    [exit status: 0]
    ");
    list.assert_calls(4);
}

#[test]
fn watch_all_ndjson_escapes_c1_and_bidi_controls_at_a_terminal() {
    let server = MockServer::start();
    let list = listing(&server);
    let world = World::new();
    let args = [
        "watch",
        "--all",
        "--until",
        "online",
        "--timeout",
        "30s",
        "-o",
        "ndjson",
    ];
    insta::assert_snapshot!(without_times(&at_a_terminal(&world, &server, &args)), @r#"
    {"time":"TIME","uuid":"agent-1","from":null,"to":"online","agent":{"uuid":"agent-1","name":"a\u0085b","region":"\u202eus","status":"online"}}
    [exit status: 0]
    "#);
    list.assert_calls(1);
}

#[test]
fn through_a_pipe_the_records_are_the_servers_bytes() {
    let server = MockServer::start();
    let _list = listing(&server);
    let world = World::new();
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "list", "-o", "ndjson"]));
    assert_eq!(ran.transcript(), transcript(0, &format!("{RECORD}\n"), ""));
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "list", "-o", "json"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.contains("\"a\u{85}b\"") && ran.stdout.contains("\"\u{202e}us\""),
        "{}",
        ran.stdout
    );
    let ran = run(world.cmd_at(&server.base_url()).args([
        "watch",
        "--all",
        "--until",
        "online",
        "--timeout",
        "30s",
        "-o",
        "ndjson",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.ends_with(&format!(",\"agent\":{RECORD}}}\n")),
        "{}",
        ran.stdout
    );
}
