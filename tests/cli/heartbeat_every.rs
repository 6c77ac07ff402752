//! `heartbeat send --every/--count` and `--from-host`.

use crate::common::*;
use httpmock::prelude::*;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A mock that answers every heartbeat PUT for `id` and keeps the bodies it received.
fn recording_mock<'a>(
    server: &'a MockServer,
    id: &str,
    status: u16,
) -> (httpmock::Mock<'a>, Arc<Mutex<Vec<Value>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&bodies);
    let mock = server.mock(|when, then| {
        when.method(PUT)
            .path(format!("/api/v1/agents/{id}/heartbeat"))
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", "application/json")
            .is_true(move |req| {
                let body = serde_json::from_slice(req.body_ref()).unwrap_or(Value::Null);
                seen.lock().unwrap().push(body);
                true
            });
        then.status(status)
            .header("content-type", "application/json")
            .body(if status == 200 {
                r#"{"uuid":"web-01","status":"online"}"#
            } else {
                r#"{"message":"try later"}"#
            });
    });
    (mock, bodies)
}

#[test]
fn every_second_three_times_sends_three_beats_about_a_second_apart() {
    let server = MockServer::start();
    let (mock, bodies) = recording_mock(&server, "web-01", 200);
    let world = World::new();
    let started = Instant::now();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "send",
        "web-01",
        "--version",
        "1.2.3",
        "--uptime",
        "100",
        "--cpu",
        "12.5",
        "--mem",
        "35.2",
        "--every",
        "1s",
        "--count",
        "3",
    ]));
    let elapsed = started.elapsed();
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    mock.assert_calls(3);
    // Two gaps of 1 s ± 10%, plus process start: generous bounds.
    assert!(
        elapsed >= Duration::from_millis(1500) && elapsed <= Duration::from_secs(6),
        "{elapsed:?}"
    );
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", ran.stdout);
    for line in &lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert!(
            fields[0].starts_with("20") && fields[0].ends_with('Z'),
            "{line}"
        );
        assert_eq!(fields[1], "ok", "{line}");
        assert_eq!(fields[3], "ms", "{line}");
        assert!(line.ends_with("status online"), "{line}");
    }
    let bodies = bodies.lock().unwrap();
    assert_eq!(bodies.len(), 3);
    for body in bodies.iter() {
        assert_eq!(body["version"], "1.2.3");
        assert_eq!(body["cpuUsage"], 12.5);
        assert_eq!(body["memUsage"], 35.2);
    }
    // A running agent's uptime grows with the time it has been beating.
    let last = bodies[2]["uptime"].as_u64().unwrap();
    assert!((101..=106).contains(&last), "{last}");
    assert_eq!(ran.stderr, "");
}

#[test]
fn failures_back_off_and_the_exit_code_is_the_last_beats() {
    let server = MockServer::start();
    let (mock, _) = recording_mock(&server, "web-01", 503);
    let world = World::new();
    let started = Instant::now();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "send",
        "web-01",
        "--version",
        "1.2.3",
        "--uptime",
        "1",
        "--cpu",
        "1",
        "--mem",
        "1",
        "--every",
        "1h",
        "--count",
        "3",
        "-o",
        "ndjson",
    ]));
    // Retries inside the client are off: one request per beat. The schedule is an hour, so
    // finishing quickly shows the backoff (≤ 0.5 s, then ≤ 1 s) took over after a failure.
    mock.assert_calls(3);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    let lines: Vec<Value> = ran
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{}", ran.stdout);
    for (n, line) in lines.iter().enumerate() {
        assert_eq!(line["ok"], false);
        assert_eq!(line["class"], "503");
        assert!(line["latency_ms"].is_f64());
        assert!(line["time"].as_str().unwrap().ends_with('Z'));
        assert!(line["error"].as_str().unwrap().contains("HTTP 503"));
        // The last beat schedules no retry.
        assert_eq!(line.get("retry_in_ms").is_some(), n < 2, "{line}");
    }
    assert!(
        ran.stderr
            .contains("error: the last heartbeat failed: heartbeat for web-01: HTTP 503"),
        "{}",
        ran.stderr
    );
}

#[test]
fn count_needs_every_and_every_has_a_floor() {
    let world = World::new();
    let closed = ClosedPort::new();
    let mut transcripts = String::new();
    for extra in [
        &["--count", "2"][..],
        &["--every", "10ms"],
        &["--every", "1s", "--count", "0"],
    ] {
        let ran = run(world
            .cmd_at(&closed.url())
            .args(["heartbeat", "send", "a"])
            .args(MINIMAL_BEAT)
            .args(extra));
        transcripts.push_str(&format!("$ heartbeat send a … {}\n", extra.join(" ")));
        transcripts.push_str(&ran.transcript());
    }
    insta::assert_snapshot!(transcripts, @"
    $ heartbeat send a … --count 2
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: the following required arguments were not provided:
      --every <DUR>

    Usage: agentctl heartbeat send --every <DUR> --version <V> --uptime <DUR> --cpu <PCT> --mem <PCT> --count <N> <UUID>

    For more information, try '--help'.
    $ heartbeat send a … --every 10ms
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value '10ms' for '--every <DUR>': '10ms' is too short; beat at most every 100ms (use `heartbeat simulate` for load)

    For more information, try '--help'.
    $ heartbeat send a … --every 1s --count 0
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value '0' for '--count <N>': 0 is not in 1..18446744073709551615

    For more information, try '--help'.
    ");
}

fn proc_uptime() -> f64 {
    let text = std::fs::read_to_string("/proc/uptime").unwrap();
    text.split_whitespace().next().unwrap().parse().unwrap()
}

/// Memory in use as `free` counts it: (MemTotal − MemAvailable) / MemTotal.
fn proc_mem_percent() -> f64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap();
    let field = |name: &str| -> f64 {
        text.lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .unwrap()
            .parse()
            .unwrap()
    };
    let total = field("MemTotal:");
    (total - field("MemAvailable:")) * 100.0 / total
}

#[test]
fn from_host_sends_this_machines_uptime_and_memory() {
    let server = MockServer::start();
    let (mock, bodies) = recording_mock(&server, "web-01", 200);
    let world = World::new();
    let before = proc_uptime();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "send",
        "web-01",
        "--version",
        "1.2.3",
        "--from-host",
        "-q",
    ]));
    let after = proc_uptime();
    let mem = proc_mem_percent();
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    mock.assert_calls(1);
    let body = bodies.lock().unwrap()[0].clone();
    let object = body.as_object().unwrap();
    assert_eq!(object.len(), 4, "{body}");
    assert_eq!(body["version"], "1.2.3");
    let uptime = body["uptime"].as_u64().expect("uptime is an integer") as f64;
    assert!(
        uptime >= before - 2.0 && uptime <= after + 2.0,
        "{uptime} vs {before}..{after}"
    );
    let cpu = body["cpuUsage"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&cpu), "{cpu}");
    let sent_mem = body["memUsage"].as_f64().unwrap();
    assert!(
        (sent_mem - mem).abs() < 5.0,
        "sent {sent_mem}, /proc/meminfo says {mem}"
    );
}

#[test]
fn explicit_flags_win_over_measured_values() {
    let server = MockServer::start();
    let (mock, bodies) = recording_mock(&server, "web-01", 200);
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "send",
        "web-01",
        "--version",
        "1.2.3",
        "--from-host",
        "--uptime",
        "5m",
        "--cpu",
        "7",
        "-q",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    mock.assert_calls(1);
    let body = bodies.lock().unwrap()[0].clone();
    assert_eq!(body["uptime"], 300);
    assert_eq!(body["cpuUsage"], 7);
    assert!((body["memUsage"].as_f64().unwrap() - proc_mem_percent()).abs() < 5.0);
    // --from-host and --body do not mix.
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "send",
        "web-01",
        "--from-host",
        "--body",
        "-",
    ]));
    assert_eq!(ran.code, 2);
    mock.assert_calls(1);
}

#[test]
fn quiet_reports_only_failed_beats() {
    let server = MockServer::start();
    let (ok, _) = recording_mock(&server, "web-01", 200);
    let (failing, _) = recording_mock(&server, "web-02", 503);
    let world = World::new();
    let args = |id: &'static str| {
        [
            "heartbeat",
            "send",
            id,
            "--version",
            "1",
            "--uptime",
            "1",
            "--cpu",
            "1",
            "--mem",
            "1",
            "--every",
            "100ms",
            "--count",
            "2",
            "-q",
        ]
    };
    let ran = run(world.cmd_at(&server.base_url()).args(args("web-01")));
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, "", "")
    );
    ok.assert_calls(2);
    let ran = run(world.cmd_at(&server.base_url()).args(args("web-02")));
    assert_eq!(ran.code, 5);
    assert_eq!(ran.stdout, "");
    failing.assert_calls(2);
    let warnings = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .count();
    assert_eq!(warnings, 2, "{}", ran.stderr);
}

#[test]
fn a_body_from_stdin_is_read_once_and_sent_every_beat() {
    let server = MockServer::start();
    let beats = server.mock(|when, then| {
        when.method(PUT)
            .path("/api/v1/agents/b1/heartbeat")
            .is_true(|req| {
                let body: serde_json::Value = serde_json::from_slice(req.body_ref()).unwrap();
                body["version"] == "9.9.9"
                    && body["uptime"]
                        .as_u64()
                        .is_some_and(|u| (100..=110).contains(&u))
            });
        then.status(200)
            .json_body(serde_json::json!({"uuid": "b1", "status": "online"}));
    });
    let world = World::new();
    let ran = run(world
        .cmd_at(&server.base_url())
        .args([
            "heartbeat",
            "send",
            "b1",
            "--body",
            "-",
            "--every",
            "200ms",
            "--count",
            "3",
        ])
        .write_stdin(r#"{"version":"9.9.9","uptime":100,"cpuUsage":1,"memUsage":2}"#));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout.lines().count(), 3, "{}", ran.stdout);
    beats.assert_calls(3);
}
