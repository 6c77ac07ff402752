//! How a watch ends: no listing, a refused token, Ctrl-C, and the live table at a terminal.

use super::*;
use crate::common::stub::{Reply, Stub, response};
use std::sync::{Arc, Mutex};

#[test]
fn a_server_without_a_listing_ends_watch_all_with_exit_4() {
    let server = MockServer::start();
    let listing = get_route(
        &server,
        "/api/v1/agents?page=1&pageSize=500",
        vec![Answer::json(404, r#"{"message":"no such route"}"#)],
    );
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args(["watch", "--all"]));
    assert_eq!(ran.code, 4, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("agent list: HTTP 404"),
        "{}",
        ran.stderr
    );
    listing.mock.assert_calls(1);
    unexpected.assert_calls(0);
}

#[test]
fn a_listing_that_fails_later_is_a_warning_and_the_watch_goes_on() {
    let server = MockServer::start();
    let listing = route(
        &server,
        api_list,
        vec![
            Answer::ok(r#"[{"uuid":"a"}]"#),
            Answer::json(500, r#"{"error":"list broke"}"#),
            Answer::ok(r#"[]"#),
        ],
    );
    let a = agent_route(&server, "a", vec![Answer::ok(record("a", "online"))]);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "watch",
        "--all",
        "--interval",
        "200ms",
        "--timeout",
        "1s",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let events = events(&ran.stdout);
    // The failed walk is one event for the fleet, and its recovery one more.
    let (fleet, agents): (Vec<Value>, Vec<Value>) =
        events.into_iter().partition(|e| e["uuid"].is_null());
    assert_eq!(
        moves(&agents),
        [
            ("a".into(), Value::Null, "online".into()),
            ("a".into(), json!("online"), "gone".into()),
        ]
    );
    let fleet: Vec<Value> = fleet
        .into_iter()
        .map(|mut e| {
            e.as_object_mut().unwrap().remove("time").unwrap();
            e
        })
        .collect();
    assert_eq!(
        fleet,
        [
            json!({"uuid": null, "from": "reachable", "to": "unreachable", "agent": null,
                   "reason": "HTTP 500 Internal Server Error: list broke"}),
            json!({"uuid": null, "from": "unreachable", "to": "reachable", "agent": null}),
        ]
    );
    assert_eq!(
        ran.stderr,
        "warning: could not list agents (watching on): agent list: HTTP 500 Internal Server Error: list broke\n"
    );
    // The first walk: page 1, then page 2 (a short page without a total may be a server's
    // cap), which fails; then every walk ends at its empty page 1.
    let targets = listing.seen.targets();
    assert!(targets.len() >= 3, "{targets:?}");
    assert_eq!(
        targets[..2],
        [
            "/api/v1/agents?page=1&pageSize=500",
            "/api/v1/agents?page=2&pageSize=500"
        ]
    );
    assert!(
        targets[2..]
            .iter()
            .all(|t| t == "/api/v1/agents?page=1&pageSize=500"),
        "{targets:?}"
    );
    assert!(a.mock.calls() >= 1);
    unexpected.assert_calls(0);
}

/// The live table through a real pseudo-terminal (util-linux `script`; skipped without it).
#[test]
fn at_a_terminal_the_table_is_drawn_in_place_and_the_cursor_restored() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        return;
    }
    let server = MockServer::start();
    let b = agent_route(
        &server,
        "b",
        vec![
            Answer::ok(record("b", "online")),
            Answer::ok(record("b", "delayed")),
        ],
    );
    let a = agent_route(
        &server,
        "a",
        vec![Answer::json(500, r#"{"message":"db down"}"#)],
    );
    let unexpected = nothing_else(&server);
    let world = World::new();
    let inner = format!(
        "stty cols 200 rows 40; {} watch b a --interval 300ms --timeout 1500ms",
        env!("CARGO_BIN_EXE_agentctl")
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .env("AGENTCTL_HOST", server.base_url())
        .env("AGENTCTL_TOKEN", TOKEN)
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("AGENTCTL_OUTPUT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_clean(&Ran {
        code: output.status.code().unwrap_or(-1),
        stdout: screen.clone(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    });
    assert_eq!(output.status.code(), Some(0), "{screen:?}");
    // Cursor hidden first and shown last; no JSON; each later frame moves back over the last
    // (summary + header + 2 rows = 4 lines) instead of scrolling.
    assert!(screen.starts_with("\x1b[?25l"), "{screen:?}");
    assert!(screen.trim_end().ends_with("\x1b[?25h"), "{screen:?}");
    assert!(!screen.contains("{\"time\""), "{screen:?}");
    assert!(screen.matches("\r\x1b[4A").count() >= 2, "{screen:?}");
    let last = screen.rsplit("\x1b[4A").next().unwrap();
    let rows: Vec<&str> = last.split("\r\n").collect();
    assert!(
        rows[0].contains("2 agents · 1 delayed · 1 unreachable · every 300ms"),
        "{last:?}"
    );
    assert!(
        rows[1].starts_with("UUID") && rows[1].contains("LAST SEEN"),
        "{last:?}"
    );
    assert!(
        rows[2].starts_with("a ") && rows[2].contains("HTTP 500 Internal Server Error: db down"),
        "{last:?}"
    );
    assert!(
        rows[3].starts_with("b ") && rows[3].contains("delayed") && rows[3].contains("s ago"),
        "{last:?}"
    );
    assert!(a.mock.calls() >= 1 && b.mock.calls() >= 2);
    unexpected.assert_calls(0);
}

#[test]
fn a_listing_cut_off_then_back_is_one_fleet_event_each_way_and_seen_within_an_interval() {
    // The first three walks meet a connection reset (the server going down); then the server
    // answers again. Each walk after a failed one comes within the interval (300ms), not
    // after a backoff.
    let times = Arc::new(Mutex::new(Vec::new()));
    let seen = times.clone();
    let stub = Stub::start(move |_| {
        let mut times = seen.lock().unwrap();
        times.push(Instant::now());
        if times.len() <= 3 {
            Reply::Reset
        } else {
            Reply::Raw(response(
                200,
                br#"{"items":[{"uuid":"a","status":"online"}],"total":1}"#,
                "",
            ))
        }
    });
    let world = World::new();
    let ran = run(world.cmd_at(&stub.url()).args([
        "watch",
        "--all",
        "--interval",
        "300ms",
        "--retries",
        "0",
        "--until",
        "online",
        "--timeout",
        "20s",
        "-o",
        "ndjson",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let events: Vec<Value> = events(&ran.stdout)
        .into_iter()
        .map(|mut e| {
            assert!(e.as_object_mut().unwrap().remove("time").is_some());
            e
        })
        .collect();
    assert_eq!(
        events,
        [
            json!({"uuid": null, "from": null, "to": "unreachable", "agent": null,
                   "reason": "the connection was cut before a complete answer: connection reset by peer"}),
            json!({"uuid": null, "from": "unreachable", "to": "reachable", "agent": null}),
            json!({"uuid": "a", "from": null, "to": "online",
                   "agent": {"uuid": "a", "status": "online"}}),
        ]
    );
    // A warning per failed walk, as before.
    assert_eq!(
        ran.stderr
            .matches("warning: could not list agents (watching on)")
            .count(),
        3,
        "{}",
        ran.stderr
    );
    let times = times.lock().unwrap();
    assert_eq!(times.len(), 4, "{}", stub.requests().len());
    let gaps: Vec<Duration> = times.windows(2).map(|pair| pair[1] - pair[0]).collect();
    assert!(
        gaps.iter().all(|gap| *gap < Duration::from_millis(500)),
        "walks after failed ones: {gaps:?}"
    );
}
