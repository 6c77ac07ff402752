//! `watch` of explicit ids: absent against unreachable, `--until-jq`, `--exec` handlers, and
//! `-o table` in a pipe.

use crate::common::mock::*;
use crate::common::*;
use crate::watch::events;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn record(id: &str, status: &str, version: &str) -> String {
    json!({"uuid": id, "name": format!("{id}-name"), "status": status, "version": version,
           "region": "us-east-1"})
    .to_string()
}

#[test]
fn a_404_is_absent_and_a_failure_is_unreachable() {
    let server = MockServer::start();
    let new_route = get_route(
        &server,
        "/api/v1/agents/new",
        vec![
            Answer::json(404, r#"{"message":"no such agent"}"#),
            Answer::json(404, r#"{"message":"no such agent"}"#),
            Answer::ok(record("new", "online", "1.0")),
        ],
    );
    let bad_route = get_route(
        &server,
        "/api/v1/agents/bad",
        vec![Answer::json(500, r#"{"message":"db down"}"#)],
    );
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(
        &world,
        &server.base_url(),
        &[
            "watch",
            "new",
            "bad",
            "--interval",
            "200ms",
            "--timeout",
            "1500ms",
            "-o",
            "ndjson",
        ],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let events = events(&ran.stdout);
    let of = |id: &str| -> Vec<&Value> { events.iter().filter(|e| e["uuid"] == id).collect() };
    let new = of("new");
    assert_eq!(new.len(), 2, "{events:?}");
    assert_eq!(
        (&new[0]["from"], &new[0]["to"]),
        (&Value::Null, &json!("absent"))
    );
    assert!(new[0].get("reason").is_none() && new[0]["agent"].is_null());
    assert_eq!(
        (&new[1]["from"], &new[1]["to"]),
        (&json!("absent"), &json!("online"))
    );
    let bad = of("bad");
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0]["to"], "unreachable");
    assert_eq!(bad[0]["reason"], "HTTP 500 Internal Server Error: db down");
    // absent is polled at the interval; unreachable backs off (fewer polls).
    let polled_new = new_route.mock.calls();
    let polled_bad = bad_route.mock.calls();
    assert!(
        polled_new > polled_bad,
        "new {polled_new}, bad {polled_bad}"
    );
    unexpected.assert_calls(0);
}

#[test]
fn watching_a_new_agent_until_online_ends_within_an_interval_of_its_first_beat() {
    // The agent's first heartbeat lands 1.75 s in (three and a half intervals); until then
    // the server does not know it.
    let started = Instant::now();
    let beat_at = started + Duration::from_millis(1750);
    let server = MockServer::start();
    let seen = Seen::new();
    let agent = server.mock(|when, then| {
        api_get(when, "/api/v1/agents/new");
        then.respond_with(seen.answer(move |_, _| {
            if Instant::now() < beat_at {
                json_response(404, r#"{"message":"agent not found"}"#)
            } else {
                json_response(200, record("new", "online", "1.0"))
            }
        }));
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(
        &world,
        &server.base_url(),
        &[
            "watch",
            "new",
            "--until",
            "online",
            "--interval",
            "500ms",
            "--timeout",
            "30s",
            "-o",
            "ndjson",
        ],
        false,
    );
    let ended = Instant::now();
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    // Polled every 500 ms (±10%), never backed off: seen at most ~550 ms after the beat (a
    // backed-off poll would come at 3.5 s, 1.75 s after it, after a gap of two intervals).
    // Generous bounds for a loaded machine.
    let late = ended.saturating_duration_since(beat_at);
    assert!(
        late < Duration::from_millis(1250),
        "noticed {late:?} after the beat"
    );
    let gaps: Vec<Duration> = seen.times().windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.iter().all(|g| *g < Duration::from_millis(850)),
        "{gaps:?}"
    );
    assert!(agent.calls() >= 4, "polled {} times", agent.calls());
    unexpected.assert_calls(0);
}

#[test]
fn until_jq_waits_for_the_version_and_the_status_together() {
    let server = MockServer::start();
    let agent = get_route(
        &server,
        "/api/v1/agents/web-1",
        vec![
            Answer::ok(record("web-1", "online", "1.4.1")),
            Answer::ok(record("web-1", "delayed", "1.4.2")),
            Answer::ok(record("web-1", "online", "1.4.2")),
        ],
    );
    let world = World::new();
    let unexpected = nothing_else(&server);
    let expr = r#".status == "online" and .version == "1.4.2""#;
    let ran = run(world.cmd_at(&server.base_url()).args([
        "watch",
        "web-1",
        "--until-jq",
        expr,
        "--interval",
        "200ms",
        "--timeout",
        "20s",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    agent.mock.assert_calls(3);

    let ran = run(world.cmd_at(&server.base_url()).args([
        "watch",
        "web-1",
        "--until-jq",
        r#".version == "9""#,
        "--interval",
        "200ms",
        "--timeout",
        "1s",
        "-q",
    ]));
    assert_eq!(ran.code, 7, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("1 of 1 agents not matching --until-jq"),
        "{}",
        ran.stderr
    );

    let ran =
        run(world
            .cmd_at(&server.base_url())
            .args(["watch", "web-1", "--until-jq", ".status =="]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    unexpected.assert_calls(0);
}

#[test]
fn exec_handlers_get_the_event_and_a_failing_or_slow_one_never_stops_the_watch() {
    let server = MockServer::start();
    let a = get_route(
        &server,
        "/api/v1/agents/a",
        vec![
            Answer::ok(record("a", "online", "1")),
            Answer::ok(record("a", "online", "1")),
            Answer::ok(record("a", "delayed", "1")),
        ],
    );
    let slow = get_route(
        &server,
        "/api/v1/agents/slow",
        vec![Answer::ok(record("slow", "online", "1"))],
    );
    let unexpected = nothing_else(&server);
    let world = World::new();
    let log = world.home().join("handled");
    let handler = format!(
        "case $AGENTCTL_EVENT_UUID in \
           a) printf '%s|%s|%s|%s\\n' \"$AGENTCTL_EVENT_UUID\" \"$AGENTCTL_EVENT_FROM\" \"$AGENTCTL_EVENT_TO\" \"$(cat)\" >> '{}'; \
              echo 'pager unreachable' >&2; exit 3;; \
           slow) exec sleep 20;; \
         esac",
        log.display()
    );
    let started = Instant::now();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "watch",
        "a",
        "slow",
        "--interval",
        "200ms",
        "--timeout",
        "1500ms",
        "--exec",
        &handler,
        "--exec-timeout",
        "700ms",
        "-o",
        "ndjson",
    ]));
    let elapsed = started.elapsed();
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // The watch went on: every change was printed.
    assert_eq!(events(&ran.stdout).len(), 3);
    let handled = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = handled.lines().collect();
    assert_eq!(lines.len(), 2, "{handled}");
    let first: Vec<&str> = lines[0].splitn(4, '|').collect();
    assert_eq!(&first[..3], ["a", "", "online"]);
    let event: Value = serde_json::from_str(first[3]).unwrap();
    assert_eq!(event["to"], "online");
    assert_eq!(
        event["agent"],
        serde_json::from_str::<Value>(&record("a", "online", "1")).unwrap()
    );
    assert!(lines[1].starts_with("a|online|delayed|{"), "{}", lines[1]);
    assert!(
        ran.stderr.contains(
            "warning: --exec handler for a (null → online) exited with status 3: pager unreachable"
        ),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains(
            "warning: --exec handler for slow (null → online) did not finish within 700ms: killed"
        ),
        "{}",
        ran.stderr
    );
    assert!(a.mock.calls() >= 3 && slow.mock.calls() >= 1);
    unexpected.assert_calls(0);
}

#[test]
fn piped_with_an_explicit_table_there_is_one_row_per_change() {
    let server = MockServer::start();
    let a = get_route(
        &server,
        "/api/v1/agents/a",
        vec![
            Answer::ok(record("a", "online", "1.0")),
            Answer::ok(record("a", "delayed", "1.0")),
            Answer::ok(record("a", "offline", "1.0")),
        ],
    );
    let unexpected = nothing_else(&server);
    let world = World::new();
    let args = ["watch", "a", "--interval", "200ms", "--until", "offline"];
    let ran = in_process(
        &world,
        &server.base_url(),
        &[&args[..], &["-o", "table"]].concat(),
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", ran.stdout);
    let header: Vec<&str> = lines[0]
        .split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "UUID",
            "NAME",
            "TYPE",
            "STATUS",
            "VERSION",
            "REGION",
            "LAST HEARTBEAT",
            "NOTE"
        ]
    );
    let statuses: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().nth(3).unwrap())
        .collect();
    assert_eq!(statuses, ["online", "delayed", "offline"]);
    assert!(
        lines[1].starts_with("a   ") && lines[1].contains("a-name"),
        "{}",
        lines[1]
    );

    let ran = in_process(
        &world,
        &server.base_url(),
        &[
            "watch",
            "a",
            "--interval",
            "200ms",
            "--timeout",
            "300ms",
            "-o",
            "wide",
            "--no-headers",
        ],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        !ran.stdout.contains("UUID") && ran.stdout.starts_with("a "),
        "{}",
        ran.stdout
    );
    // Without -o a pipe gets JSON events.
    let ran = in_process(
        &world,
        &server.base_url(),
        &["watch", "a", "--timeout", "300ms"],
        false,
    );
    assert!(ran.stdout.starts_with("{\"time\":"), "{}", ran.stdout);
    assert!(a.mock.calls() >= 5);
    unexpected.assert_calls(0);
}

#[test]
fn exec_handlers_never_see_the_tokens() {
    let server = MockServer::start();
    let a = get_route(
        &server,
        "/api/v1/agents/a",
        vec![Answer::ok(record("a", "online", "1"))],
    );
    let unexpected = nothing_else(&server);
    let world = World::new();
    let seen = world.home().join("env");
    let handler = format!("env > '{}'", seen.display());
    let ran = run(world
        .cmd_at(&server.base_url())
        .env("AGENTCTL_DEV_TOKEN", "dev-token-0123456789abcdef")
        .env("HANDLER_SEES_THIS", "yes")
        .args([
            "watch",
            "a",
            "--interval",
            "200ms",
            "--timeout",
            "300ms",
            "--exec",
            &handler,
            "-o",
            "ndjson",
        ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let env = std::fs::read_to_string(&seen).unwrap();
    let names: Vec<&str> = env.lines().filter_map(|l| l.split('=').next()).collect();
    assert!(names.contains(&"HANDLER_SEES_THIS"), "{env}");
    assert!(names.contains(&"AGENTCTL_EVENT_UUID"), "{env}");
    assert!(!names.contains(&"AGENTCTL_TOKEN"), "{env}");
    assert!(!names.contains(&"AGENTCTL_DEV_TOKEN"), "{env}");
    assert!(
        !env.contains(TOKEN) && !env.contains("dev-token-0123"),
        "{env}"
    );
    assert!(a.mock.calls() >= 1);
    unexpected.assert_calls(0);
}
