//! `heartbeat simulate`: the requests a simulated fleet sends and the summary it prints.

use crate::common::*;
use httpmock::prelude::*;
use serde_json::Value;

/// The body every simulated beat must have: exactly the seed's four fields, typed as in its
/// example, usages within 0–100.
fn is_valid_heartbeat(body: &[u8]) -> bool {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let percent = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_f64)
            .is_some_and(|n| (0.0..=100.0).contains(&n))
    };
    object.len() == 4
        && object
            .get("version")
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty())
        && object.get("uptime").is_some_and(Value::is_u64)
        && percent("cpuUsage")
        && percent("memUsage")
}

/// One mock per agent id, answering `status`; anything else falls to a catch-all 418.
fn fleet_mocks<'a>(
    server: &'a MockServer,
    ids: &[String],
    status: impl Fn(&str) -> u16,
) -> (Vec<httpmock::Mock<'a>>, httpmock::Mock<'a>) {
    let mocks = ids
        .iter()
        .map(|id| {
            let code = status(id);
            server.mock(|when, then| {
                when.method(PUT)
                    .path(format!("/api/v1/agents/{id}/heartbeat"))
                    .header("authorization", format!("Bearer {TOKEN}"))
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .is_true(|req| is_valid_heartbeat(req.body_ref()));
                then.status(code)
                    .header("content-type", "application/json")
                    .body(format!(r#"{{"uuid":"{id}","status":"online"}}"#));
            })
        })
        .collect();
    let stray = server.mock(|when, then| {
        when.any_request();
        then.status(418);
    });
    (mocks, stray)
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}{i:04}")).collect()
}

#[test]
fn twenty_agents_two_beats_each() {
    let server = MockServer::start();
    let ids = ids("sim-", 20);
    let (mocks, stray) = fleet_mocks(&server, &ids, |_| 200);
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "simulate",
        "--agents",
        "20",
        "--interval",
        "1s",
        "--beats",
        "2",
        "-o",
        "json",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for mock in &mocks {
        mock.assert_calls(2);
    }
    stray.assert_calls(0);
    // Not a terminal: no progress line, nothing at all on stderr.
    assert_eq!(ran.stderr, "");
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(summary["agents"], 20);
    assert_eq!(summary["sent"], 40);
    assert_eq!(summary["ok"], 40);
    assert_eq!(summary["failed"], serde_json::json!({}));
    // Lateness depends on how loaded this machine is: only its type and range are certain.
    assert!(summary["late"].as_u64().is_some_and(|late| late <= 40));
    for key in ["p50", "p90", "p99", "max"] {
        assert!(summary["latency_ms"][key].as_f64().unwrap() > 0.0, "{key}");
    }
    assert!(summary["latency_ms"]["p50"].as_f64() <= summary["latency_ms"]["p99"].as_f64());
    // How late the sends went out after their due times, as percentiles.
    let lateness = &summary["send_lateness_ms"];
    let values: Vec<f64> = ["p50", "p90", "p99", "p999", "max"]
        .iter()
        .map(|key| lateness[key].as_f64().unwrap())
        .collect();
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "{summary}");
    assert!(values[0] >= 0.0, "{summary}");
    // Starts spread over the first second, second beats one interval later.
    let duration = summary["duration_sec"].as_f64().unwrap();
    assert!((1.5..10.0).contains(&duration), "{duration}");
    assert!(summary["rate_per_sec"].as_f64().unwrap() > 0.0);
}

#[test]
fn failures_are_counted_by_class_and_the_run_goes_on() {
    let server = MockServer::start();
    let ids = ids("load-", 10);
    let failing = ["load-0002", "load-0005", "load-0009"];
    let (mocks, stray) = fleet_mocks(
        &server,
        &ids,
        |id| {
            if failing.contains(&id) { 503 } else { 200 }
        },
    );
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "simulate",
        "--agents",
        "10",
        "--prefix",
        "load-",
        "--interval",
        "300ms",
        "--beats",
        "3",
        "--retries",
        "0",
        "-o",
        "ndjson",
    ]));
    assert_eq!(
        ran.code, 0,
        "failures are measured, not fatal: {}",
        ran.stderr
    );
    for mock in &mocks {
        mock.assert_calls(3);
    }
    stray.assert_calls(0);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", ran.stdout);
    let summary: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(summary["sent"], 30);
    assert_eq!(summary["ok"], 21);
    assert_eq!(summary["failed"], serde_json::json!({"503": 9}));
}

#[test]
fn the_summary_table() {
    let server = MockServer::start();
    let ids = ids("sim-", 3);
    let (mocks, _) = fleet_mocks(&server, &ids, |id| if id == "sim-0003" { 500 } else { 200 });
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "simulate",
        "--agents",
        "3",
        "--interval",
        "100ms",
        "--beats",
        "1",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for mock in &mocks {
        mock.assert_calls(1);
    }
    let rows: Vec<Vec<&str>> = ran
        .stdout
        .lines()
        .map(|line| line.split_whitespace().collect())
        .collect();
    let names: Vec<String> = rows
        .iter()
        .map(|row| row[..row.len().min(2)].join(" "))
        .collect();
    assert_eq!(rows[0], ["METRIC", "VALUE"]);
    assert_eq!(rows[1], ["agents", "3"]);
    assert_eq!(rows[2], ["shard", "0/1"]);
    assert_eq!(rows[3], ["sent", "3"]);
    assert_eq!(rows[4], ["ok", "2"]);
    // The same counts by class as the JSON `failed` object.
    assert_eq!(rows[5], ["failed", "500:", "1"]);
    // Beats due before the end that never went out.
    assert_eq!(rows[6], ["unsent", "0"]);
    for (n, name) in [
        "latency p50",
        "latency p90",
        "latency p99",
        "latency p999",
        "latency max",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(&names[8 + n], name);
        assert_eq!(rows[8 + n][3], "ms");
    }
    assert_eq!(rows[13][0], "late");
    // The sender's own lateness (an open-model run), apart from the server's latency.
    assert_eq!(names[14], "send lateness");
    assert_eq!(rows[14][2], "p99");
    assert_eq!(rows[15][2], "max");
    assert_eq!(rows[17][0], "started");
    assert_eq!(rows.len(), 18, "{}", ran.stdout);
}

#[test]
fn back_to_back_stress_mode() {
    let server = MockServer::start();
    let ids = ids("s-", 4);
    let (mocks, stray) = fleet_mocks(&server, &ids, |_| 200);
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "simulate",
        "--agents",
        "4",
        "--prefix",
        "s-",
        "--interval",
        "0",
        "--beats",
        "5",
        "--concurrency",
        "2",
        "-o",
        "json",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for mock in &mocks {
        mock.assert_calls(5);
    }
    stray.assert_calls(0);
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        (summary["sent"].as_u64(), summary["ok"].as_u64()),
        (Some(20), Some(20))
    );
    // Back to back there is no schedule to be late for.
    assert!(summary.get("send_lateness_ms").is_none(), "{summary}");
}

#[test]
fn when_nothing_succeeds_the_exit_code_says_why() {
    let world = World::new();
    let closed = ClosedPort::new();
    let ran = run(world.cmd_at(&closed.url()).args([
        "heartbeat",
        "simulate",
        "--agents",
        "2",
        "--interval",
        "100ms",
        "--beats",
        "1",
        "--retries",
        "0",
        "-o",
        "json",
    ]));
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(summary["failed"], serde_json::json!({"network": 2}));
    assert!(
        ran.stderr
            .contains("error: none of the 2 heartbeats succeeded"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("hint: is the host right"),
        "{}",
        ran.stderr
    );
}

#[test]
fn bad_values_are_usage_errors() {
    let world = World::new();
    let closed = ClosedPort::new();
    let host = closed.url();
    let mut transcripts = String::new();
    for args in [
        vec!["--agents", "0"],
        vec!["--agents", "2", "--prefix", "a/b"],
        vec!["--agents", "2", "--beats", "1", "--duration", "1s"],
        vec!["--agents", "2", "--concurrency", "0"],
    ] {
        let ran = run(world
            .cmd_at(&host)
            .args(["heartbeat", "simulate"])
            .args(&args));
        transcripts.push_str(&format!("$ heartbeat simulate {}\n", args.join(" ")));
        transcripts.push_str(&ran.transcript());
    }
    insta::assert_snapshot!(transcripts, @r#"
    $ heartbeat simulate --agents 0
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value '0' for '--agents <N>': 0 is not in 1..=1000000000

    For more information, try '--help'.
    $ heartbeat simulate --agents 2 --prefix a/b
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: --prefix "a/b": 'a/b0001' contains '/', which an agent id cannot
    $ heartbeat simulate --agents 2 --beats 1 --duration 1s
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: the argument '--beats <N>' cannot be used with '--duration <DUR>'

    Usage: agentctl heartbeat simulate --agents <N> --beats <N>

    For more information, try '--help'.
    $ heartbeat simulate --agents 2 --concurrency 0
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value '0' for '--concurrency <C>': 0 is not in 1..=65536

    For more information, try '--help'.
    "#);
}

#[test]
fn a_2xx_that_is_not_a_json_object_is_a_malformed_failure() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(PUT).path_prefix("/api/v1/agents/sim-");
        then.status(200).body("OK");
    });
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "simulate",
        "--agents",
        "2",
        "--interval",
        "100ms",
        "--beats",
        "2",
        "-o",
        "json",
    ]));
    mock.assert_calls(4);
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(summary["failed"], serde_json::json!({"malformed": 4}));
    assert!(ran.stderr.contains("began: OK"), "{}", ran.stderr);
}

#[test]
fn quiet_prints_no_summary() {
    let server = MockServer::start();
    let ids = ids("sim-", 2);
    let (mocks, _) = fleet_mocks(&server, &ids, |_| 200);
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "simulate",
        "--agents",
        "2",
        "--interval",
        "100ms",
        "--beats",
        "1",
        "-q",
    ]));
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, "", "")
    );
    for mock in &mocks {
        mock.assert_calls(1);
    }
}
