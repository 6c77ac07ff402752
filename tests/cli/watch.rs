use crate::common::stub::{Answer, ScriptServer};
use crate::common::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

mod ends;

fn record(id: &str, status: &str) -> String {
    json!({"uuid": id, "name": format!("{id}-name"), "status": status, "futureField": [1]})
        .to_string()
}

/// The JSON events of a piped watch, one per line.
pub(crate) fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect()
}

/// `(uuid, from, to)` of each event.
pub(crate) fn moves(events: &[Value]) -> Vec<(String, Value, String)> {
    events
        .iter()
        .map(|e| {
            (
                e["uuid"].as_str().unwrap().to_owned(),
                e["from"].clone(),
                e["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn assert_agent_get(server: &ScriptServer, id: &str) {
    let path = format!("/api/v1/agents/{id}");
    let received = server.received_at(&path);
    assert!(!received.is_empty(), "no request for {path}");
    for request in received {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, path);
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(request.header("accept"), Some("application/json"));
        assert!(
            request
                .header("user-agent")
                .is_some_and(|ua| ua.starts_with("agentctl/"))
        );
        assert!(request.body.is_empty());
    }
}

#[test]
fn status_changes_stream_as_json_lines_until_offline() {
    let server = ScriptServer::start();
    let statuses = ["online", "online", "delayed", "delayed", "offline"];
    server.route(
        "GET",
        "/api/v1/agents/agent-1",
        statuses
            .iter()
            .map(|s| Answer::ok(record("agent-1", s)))
            .collect(),
    );
    let world = World::new();
    let ran = run(world.cmd_at(&server.url()).args([
        "watch",
        "agent-1",
        "--interval",
        "200ms",
        "--until",
        "offline",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let events = events(&ran.stdout);
    assert_eq!(
        moves(&events),
        [
            ("agent-1".into(), Value::Null, "online".into()),
            ("agent-1".into(), json!("online"), "delayed".into()),
            ("agent-1".into(), json!("delayed"), "offline".into()),
        ]
    );
    for (event, status) in events.iter().zip(["online", "delayed", "offline"]) {
        // The record exactly as the server sent it, unknown fields included.
        assert_eq!(
            event["agent"],
            serde_json::from_str::<Value>(&record("agent-1", status)).unwrap()
        );
        let time = event["time"].as_str().unwrap();
        assert!(
            time.ends_with('Z') && humantime::parse_rfc3339(time).is_ok(),
            "{time}"
        );
        let keys: Vec<&str> = event
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys, ["time", "uuid", "from", "to", "agent"]);
    }
    // Each line is one compact object.
    assert!(ran.stdout.lines().all(|l| l.starts_with("{\"time\":")));
    assert_eq!(server.received_at("/api/v1/agents/agent-1").len(), 5);
    assert_agent_get(&server, "agent-1");
    assert_eq!(ran.stderr, "");
}

#[test]
fn until_online_on_an_offline_agent_times_out_with_exit_7() {
    let server = ScriptServer::start();
    server.route(
        "GET",
        "/api/v1/agents/agent-1",
        vec![Answer::ok(record("agent-1", "offline"))],
    );
    let world = World::new();
    let started = Instant::now();
    let ran = run(world.cmd_at(&server.url()).args([
        "watch",
        "agent-1",
        "--interval",
        "500ms",
        "--until",
        "online",
        "--timeout",
        "3s",
    ]));
    let elapsed = started.elapsed();
    assert_eq!(ran.code, 7, "{}", ran.stderr);
    assert!(
        elapsed >= Duration::from_millis(2900) && elapsed < Duration::from_secs(10),
        "{elapsed:?}"
    );
    assert_eq!(
        moves(&events(&ran.stdout)),
        [("agent-1".into(), Value::Null, "offline".into())]
    );
    assert!(
        ran.stderr
            .contains("1 of 1 agents not online after 3s: agent-1"),
        "{}",
        ran.stderr
    );
    // About one poll per 500 ms over 3 s.
    let polls = server.received_at("/api/v1/agents/agent-1").len();
    assert!((4..=9).contains(&polls), "{polls}");
    assert_agent_get(&server, "agent-1");
}

#[test]
fn a_failing_agent_turns_unreachable_and_the_others_go_on() {
    let server = ScriptServer::start();
    server.route(
        "GET",
        "/api/v1/agents/bad",
        vec![
            Answer::json(500, r#"{"message":"db down \u001b[2J"}"#),
            Answer::json(500, r#"{"message":"db down"}"#),
            Answer::ok(record("bad", "online")),
        ],
    );
    server.route(
        "GET",
        "/api/v1/agents/good",
        vec![
            Answer::ok(record("good", "online")),
            Answer::ok(record("good", "online")),
            Answer::ok(record("good", "delayed")),
        ],
    );
    let world = World::new();
    let ran = run(world.cmd_at(&server.url()).args([
        "watch",
        "good",
        "bad",
        "--interval",
        "200ms",
        "--timeout",
        "3s",
    ]));
    // Without --until, --timeout just ends the watch.
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let events = events(&ran.stdout);
    let of = |id: &str| -> Vec<(String, Value, String)> {
        moves(&events).into_iter().filter(|m| m.0 == id).collect()
    };
    assert_eq!(
        of("good"),
        [
            ("good".into(), Value::Null, "online".into()),
            ("good".into(), json!("online"), "delayed".into()),
        ]
    );
    assert_eq!(
        of("bad"),
        [
            ("bad".into(), Value::Null, "unreachable".into()),
            ("bad".into(), json!("unreachable"), "online".into()),
        ]
    );
    let unreachable = events.iter().find(|e| e["to"] == "unreachable").unwrap();
    assert_eq!(
        unreachable["reason"],
        "HTTP 500 Internal Server Error: db down \\x1b[2J"
    );
    assert_eq!(unreachable["agent"], Value::Null);
    assert!(
        events
            .iter()
            .filter(|e| e["to"] != "unreachable")
            .all(|e| e.get("reason").is_none())
    );
    // The good agent kept its pace (~15 polls in 3 s) while the bad one backed off: after its
    // second failure it waited two intervals (400 ms ± jitter), not one.
    let good = server.received_at("/api/v1/agents/good").len();
    assert!(good >= 8, "good polled {good} times");
    let bad = server.received_at("/api/v1/agents/bad");
    assert!(bad.len() >= 3, "bad polled {} times", bad.len());
    let after_second_failure = bad[2].at - bad[1].at;
    assert!(
        after_second_failure >= std::time::Duration::from_millis(340),
        "bad was polled again {after_second_failure:?} after its second failure"
    );
    assert_agent_get(&server, "good");
    assert_agent_get(&server, "bad");
}

#[test]
fn two_hundred_agents_are_polled_in_parallel_once_per_round() {
    let server = ScriptServer::start();
    let ids: Vec<String> = (0..200).map(|n| format!("agent-{n:03}")).collect();
    for id in &ids {
        server.route(
            "GET",
            &format!("/api/v1/agents/{id}"),
            vec![Answer::ok(record(id, "online")).after(Duration::from_millis(200))],
        );
    }
    let world = World::new();
    let started = Instant::now();
    let mut cmd = world.cmd_at(&server.url());
    cmd.args(["watch", "--until", "online", "--concurrency", "200"])
        .args(&ids);
    let ran = run(&mut cmd);
    let elapsed = started.elapsed();
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(events(&ran.stdout).len(), 200);
    for id in &ids {
        assert_eq!(
            server.received_at(&format!("/api/v1/agents/{id}")).len(),
            1,
            "{id}"
        );
    }
    // Serially this would take 200 × 200 ms = 40 s; one parallel round takes about 200 ms.
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
    let first = server.received().iter().map(|r| r.at).min().unwrap();
    let last = server.received().iter().map(|r| r.at).max().unwrap();
    assert!(
        last - first < Duration::from_millis(1500),
        "requests spread over {:?}",
        last - first
    );
    assert!(server.max_in_flight() > 100, "{}", server.max_in_flight());
}

#[test]
fn never_more_than_concurrency_requests_in_flight() {
    let server = ScriptServer::start();
    let ids: Vec<String> = (0..60).map(|n| format!("a{n}")).collect();
    for id in &ids {
        server.route(
            "GET",
            &format!("/api/v1/agents/{id}"),
            vec![Answer::ok(record(id, "delayed")).after(Duration::from_millis(50))],
        );
    }
    let world = World::new();
    let mut cmd = world.cmd_at(&server.url());
    cmd.args(["watch", "--until", "delayed", "--concurrency", "8"])
        .args(&ids);
    let ran = run(&mut cmd);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(server.received().len(), 60);
    assert!(
        (2..=8).contains(&server.max_in_flight()),
        "{}",
        server.max_in_flight()
    );
}

#[test]
fn all_relists_new_agents_join_and_vanished_ones_are_gone() {
    // Listed records without a status: each such agent is fetched on its own.
    let server = ScriptServer::start();
    let list = |ids: &[&str]| {
        Answer::ok(
            json!({"items": ids.iter().map(|id| json!({"uuid": id})).collect::<Vec<_>>(),
                   "total": ids.len()})
            .to_string(),
        )
    };
    server.route(
        "GET",
        "/api/v1/agents",
        vec![list(&["a"]), list(&["a", "b"]), list(&["b"])],
    );
    server.route(
        "GET",
        "/api/v1/agents/a",
        vec![Answer::ok(record("a", "online"))],
    );
    server.route(
        "GET",
        "/api/v1/agents/b",
        vec![Answer::ok(record("b", "delayed"))],
    );
    let world = World::new();
    let ran = run(world.cmd_at(&server.url()).args([
        "watch",
        "--all",
        "--interval",
        "300ms",
        "--timeout",
        "2s",
        "-o",
        "ndjson",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let events = events(&ran.stdout);
    assert_eq!(
        moves(&events),
        [
            ("a".into(), Value::Null, "online".into()),
            ("b".into(), Value::Null, "delayed".into()),
            ("a".into(), json!("online"), "gone".into()),
        ]
    );
    assert_eq!(
        events[2]["agent"],
        serde_json::from_str::<Value>(&record("a", "online")).unwrap()
    );
    let lists = server.received_at("/api/v1/agents");
    assert!(lists.len() >= 4, "{}", lists.len());
    for request in lists {
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("GET", "/api/v1/agents?page=1&pageSize=500")
        );
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
    assert_agent_get(&server, "a");
    assert_agent_get(&server, "b");
}

#[test]
fn ctrl_c_stops_with_exit_130() {
    let server = ScriptServer::start();
    server.route(
        "GET",
        "/api/v1/agents/a",
        vec![Answer::ok(record("a", "online"))],
    );
    let world = World::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"))
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .env("AGENTCTL_HOST", server.url())
        .env("AGENTCTL_TOKEN", TOKEN)
        .args(["watch", "a", "--interval", "200ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains(r#""to":"online""#), "{first}");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("interrupted"), "{stderr}");
}

#[test]
fn usage_errors() {
    let world = World::new();
    for args in [
        vec!["watch"],
        vec!["watch", "a", "--all"],
        vec!["watch", "a", "--interval", "0"],
        vec!["watch", "a", "--concurrency", "0"],
        vec!["watch", "a", "--until", "sideways"],
    ] {
        let ran = run(world.cmd_at("http://127.0.0.1:9").args(&args));
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert_eq!(ran.stdout, "");
    }
}

/// The load figure of the issue: 1000 agents at `--interval 1s` for 20 s against a loopback
/// server, CPU seconds of agentctl (from /usr/bin/time) per 1000 polls. Not a pass/fail test:
/// run it by hand, with AGENTCTL_BIN pointing at a release build for the figure that matters:
///   cargo build --release && AGENTCTL_BIN=target/release/agentctl \
///     cargo test --test cli watch_load -- --ignored --nocapture
#[test]
#[ignore = "a ~20 s load run; prints figures, asserts only that polls were made"]
fn watch_load_1000_agents_for_20s() {
    let agents: usize = std::env::var("LOAD_AGENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let server = ScriptServer::counting();
    let ids: Vec<String> = (0..agents).map(|n| format!("agent-{n:04}")).collect();
    for id in &ids {
        let body = json!({
            "uuid": id, "name": format!("{id}-name"), "type": "log", "version": "1.2.3",
            "status": "online", "endpoint": "http://192.168.1.10:7890", "platformId": "plat-001-abc",
            "region": "us-east-1", "labels": "{\"env\":\"prod\",\"team\":\"ops\"}",
            "lastHeartbeatAt": "2026-01-15T08:00:00Z", "createDate": "2026-01-15T08:00:00Z",
            "lastOpDate": "2026-01-15T08:00:00Z"
        });
        server.route(
            "GET",
            &format!("/api/v1/agents/{id}"),
            vec![Answer::ok(body.to_string())],
        );
    }
    let bin =
        std::env::var("AGENTCTL_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_agentctl").to_owned());
    let world = World::new();
    let timeout = format!("{seconds}s");
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%U %S %e"])
        .arg(&bin)
        .args([
            "watch",
            "--interval",
            "1s",
            "--timeout",
            &timeout,
            "-o",
            "ndjson",
        ])
        .args(&ids)
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .env("AGENTCTL_HOST", server.url())
        .env("AGENTCTL_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let figures: Vec<f64> = stderr
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .map(|f| f.parse().unwrap())
        .collect();
    let (user, system, wall) = (figures[0], figures[1], figures[2]);
    let polls = server.served();
    let events = String::from_utf8_lossy(&output.stdout).lines().count();
    let cpu = user + system;
    let report = format!(
        "{bin}: {agents} agents, {wall:.1} s wall, {polls} polls ({:.0}/s), {events} events, \
         CPU {user:.2} s user + {system:.2} s sys = {cpu:.2} s → {:.3} CPU-s per 1000 polls, \
         {:.1}% of one core",
        polls as f64 / wall,
        cpu / polls as f64 * 1000.0,
        cpu / wall * 100.0,
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{report}\n").as_bytes());
    assert_eq!(events, agents);
    assert!(polls >= agents * (seconds as usize) / 2, "{report}");
}

#[test]
fn a_refused_token_ends_the_watch_with_exit_3() {
    let server = ScriptServer::start();
    server.route(
        "GET",
        "/api/v1/agents/a",
        vec![Answer::json(401, r#"{"message":"token expired"}"#)],
    );
    let world = World::new();
    let ran = run(world.cmd_at(&server.url()).args([
        "watch",
        "a",
        "--until",
        "online",
        "--timeout",
        "30s",
    ]));
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    assert!(
        ran.stderr.contains("HTTP 401 Unauthorized: token expired")
            && ran.stderr.contains("agentctl auth login"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.received_at("/api/v1/agents/a").len(), 1);
}
