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
