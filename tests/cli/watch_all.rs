//! `watch --all` driven by the listing (contract §2, §7): the request count per interval,
//! and the filters of `agent list`.

use crate::common::mock::*;
use crate::common::*;
use crate::watch::{events, moves};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn each_interval_is_one_walk_of_the_pages_and_no_agent_is_fetched_alone() {
    // Seven agents, three a page (the server caps pageSize), total given: three requests a
    // walk. The fleet is delayed for two walks and online from the third, so the watch ends
    // after exactly three walks.
    let walks = Arc::new(AtomicUsize::new(0));
    let seen = walks.clone();
    let server = MockServer::start();
    let listing = Seen::new();
    server.mock(|when, then| {
        api_list(when);
        then.respond_with(listing.answer(move |_, req| {
            let page: usize = query_param(req.uri_str(), "page").unwrap().parse().unwrap();
            if page == 1 {
                seen.fetch_add(1, Ordering::SeqCst);
            }
            let status = if seen.load(Ordering::SeqCst) >= 3 {
                "online"
            } else {
                "delayed"
            };
            let records: Vec<Value> = (0..7)
                .skip((page - 1) * 3)
                .take(3)
                .map(|n| json!({"uuid": format!("agent-{n}"), "status": status}))
                .collect();
            json_response(200, json!({"items": records, "total": 7}).to_string())
        }));
    });
    // No agent is fetched on its own.
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(
        &world,
        &server.base_url(),
        &[
            "watch",
            "--all",
            "--interval",
            "300ms",
            "--until",
            "online",
            "--timeout",
            "30s",
            "-o",
            "ndjson",
        ],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let walk: Vec<String> = (1..=3)
        .map(|p| format!("/api/v1/agents?page={p}&pageSize=500"))
        .collect();
    assert_eq!(
        listing.targets(),
        [walk.clone(), walk.clone(), walk].concat()
    );
    unexpected.assert_calls(0);
    let events = events(&ran.stdout);
    assert_eq!(events.len(), 14, "7 joins as delayed, 7 moves to online");
    assert!(
        events[..7]
            .iter()
            .all(|e| e["from"].is_null() && e["to"] == "delayed")
    );
    assert!(
        events[7..]
            .iter()
            .all(|e| e["from"] == "delayed" && e["to"] == "online")
    );
    assert_eq!(
        events[0]["agent"],
        json!({"uuid": "agent-0", "status": "delayed"}),
        "the listed record, as sent"
    );
}

#[test]
fn the_filters_of_agent_list_apply_to_watch_all() {
    // A server that ignores every filter.
    let server = MockServer::start();
    let listing = route(
        &server,
        api_list,
        vec![Answer::ok(
            json!({"total": 4, "agents": [
                {"uuid": "a", "status": "Online", "region": "US-East-1", "labels": "{\"team\":\"ops\"}"},
                {"uuid": "b", "status": "online", "region": "us-east-1", "labels": "{\"team\":\"web\"}"},
                {"uuid": "c", "status": "offline", "region": "eu-west-1", "labels": "{\"team\":\"ops\"}"},
                {"uuid": "d", "status": "ONLINE", "region": "us-east-1", "labels": {"team": "ops"}}
            ]})
            .to_string(),
        )],
    );
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(
        &world,
        &server.base_url(),
        &[
            "watch",
            "--all",
            "--region",
            "US-EAST-1",
            "--status",
            "Online",
            "-l",
            "team=ops",
            "--page-size",
            "50",
            "--until",
            "online",
            "-o",
            "ndjson",
        ],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        moves(&events(&ran.stdout)),
        [
            ("a".into(), Value::Null, "online".into()),
            ("d".into(), Value::Null, "online".into()),
        ]
    );
    assert_eq!(
        listing.seen.targets(),
        ["/api/v1/agents?page=1&pageSize=50&status=online&region=us-east-1"]
    );

    let ran = in_process(
        &world,
        &server.base_url(),
        &["watch", "a", "--status", "online"],
        false,
    );
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("apply to --all only"), "{}", ran.stderr);
    listing.mock.assert_calls(1);
    unexpected.assert_calls(0);
}

#[test]
fn a_slow_handler_over_a_flapping_fleet_gets_the_latest_change_and_stderr_counts_the_folded() {
    // 300 agents that all flip between online and offline on every walk (every 100ms), and a
    // handler that takes a second: thousands of changes for the few handlers that can run.
    // The waiting ones are folded per agent once 1024 wait, and stderr says how many.
    let server = MockServer::start();
    let listing = Seen::new();
    server.mock(|when, then| {
        api_list(when);
        then.respond_with(listing.answer(move |n, _| {
            let status = if n % 2 == 0 { "online" } else { "offline" };
            let records: Vec<Value> = (0..300)
                .map(|a| json!({"uuid": format!("agent-{a:03}"), "status": status}))
                .collect();
            json_response(200, json!({"items": records, "total": 300}).to_string())
        }));
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    let log = world.home().join("handled");
    let handler = format!("cat >> '{}'; sleep 1", log.display());
    let ran = run(world.cmd_at(&server.base_url()).args([
        "watch",
        "--all",
        "--interval",
        "100ms",
        "--timeout",
        "2s",
        "--exec",
        &handler,
        "--exec-concurrency",
        "1",
        "--exec-timeout",
        "1500ms",
        "-o",
        "ndjson",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    unexpected.assert_calls(0);
    let walks = listing.len();
    assert!(walks >= 5, "{walks} walks");
    // Every change is still printed: the folding is the handlers' alone.
    assert!(events(&ran.stdout).len() >= 300 * 5);
    let number = |line: &str, before: &str| -> u64 {
        let (head, _) = line.split_once(before).unwrap();
        head.rsplit(' ').next().unwrap().parse().unwrap()
    };
    let lines: Vec<&str> = ran.stderr.lines().collect();
    let behind: Vec<u64> = lines
        .iter()
        .filter(|l| l.starts_with("warning: --exec: handlers are behind: "))
        .map(|l| number(l, " changes folded"))
        .collect();
    let in_all: Vec<u64> = lines
        .iter()
        .filter(|l| l.contains(" changes in all were folded into a later change of the same agent"))
        .map(|l| number(l, " changes in all"))
        .collect();
    assert_eq!(in_all.len(), 1, "{}", ran.stderr);
    // Reported at most once an interval, not once a change.
    assert!(!behind.is_empty() && behind.len() <= 35, "{}", ran.stderr);
    assert!(behind.iter().sum::<u64>() <= in_all[0]);
    assert!(
        in_all[0] >= 300 * (walks as u64 - 5),
        "{} folded in {walks} walks",
        in_all[0]
    );
    // The first handler saw the first change; a later one got an agent's latest change,
    // from what its handler last saw (nothing: null), with the count folded into it.
    let handled: Vec<Value> = events(&std::fs::read_to_string(&log).unwrap());
    assert!(handled.len() >= 2, "{handled:?}");
    assert_eq!(
        (
            &handled[0]["uuid"],
            &handled[0]["from"],
            handled[0].get("coalesced")
        ),
        (&json!("agent-000"), &Value::Null, None)
    );
    assert_eq!(handled[1]["uuid"], "agent-001");
    assert_eq!(handled[1]["from"], Value::Null);
    assert!(
        handled[1]["coalesced"].as_u64().unwrap() >= 1,
        "{:?}",
        handled[1]
    );
}
