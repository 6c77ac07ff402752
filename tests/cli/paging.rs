//! The paged listing of contract §1 through `agent list`: servers that cap the page size,
//! omit `total`, ignore `page`, or change between pages; filters and selectors.

use crate::common::stub::{Recorded, Reply, Stub};
use crate::common::*;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

fn agent(id: &str) -> Value {
    json!({"uuid": id, "name": format!("{id}-name"), "status": "online", "type": "log",
           "region": "us-east-1", "futureField": [1]})
}

fn fleet(count: usize) -> Vec<Value> {
    (0..count)
        .map(|n| agent(&format!("agent-{n:03}")))
        .collect()
}

/// A server that serves `records` at most `cap` a page, whatever was asked, with `total`
/// or without.
fn capped(records: Vec<Value>, cap: usize, with_total: bool) -> Stub {
    Stub::start(move |req: &Recorded| {
        let page: usize = query_param(&req.path, "page").unwrap().parse().unwrap();
        let asked: usize = query_param(&req.path, "pageSize").unwrap().parse().unwrap();
        let size = asked.min(cap);
        let slice: Vec<Value> = records
            .iter()
            .skip((page - 1) * size)
            .take(size)
            .cloned()
            .collect();
        let body = if with_total {
            json!({"items": slice, "total": records.len()})
        } else {
            json!({"items": slice})
        };
        Reply::Json(200, body.to_string())
    })
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect()
}

fn ids(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["uuid"].as_str().unwrap().to_owned())
        .collect()
}

fn targets(stub: &Stub) -> Vec<String> {
    stub.requests().into_iter().map(|r| r.path).collect()
}

fn assert_listing_requests(stub: &Stub) {
    for request in stub.requests() {
        assert_eq!(request.method, "GET");
        assert!(
            request.path.starts_with("/api/v1/agents?page="),
            "{}",
            request.path
        );
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(request.header("accept"), Some("application/json"));
        assert!(request.body.is_empty());
    }
}

#[test]
fn a_server_that_caps_the_page_size_is_walked_to_the_end() {
    let stub = capped(fleet(23), 5, false);
    let world = World::new();
    let ran = in_process(
        &world,
        &stub.url(),
        &["agent", "list", "-o", "ndjson"],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let records = lines(&ran.stdout);
    assert_eq!(ids(&records), ids(&fleet(23)));
    assert_eq!(records[0], agent("agent-000"), "the record as sent");
    // Five a page although 500 were asked: pages 1-4 full, page 5 short, then stop.
    assert_eq!(
        targets(&stub),
        (1..=5)
            .map(|p| format!("/api/v1/agents?page={p}&pageSize=500"))
            .collect::<Vec<_>>()
    );
    assert_listing_requests(&stub);
    assert_eq!(ran.stderr, "");
}

#[test]
fn without_total_an_exact_multiple_ends_at_an_empty_page() {
    let stub = capped(fleet(10), 1000, false);
    let world = World::new();
    let ran = in_process(
        &world,
        &stub.url(),
        &["agent", "list", "--page-size", "5", "-o", "json"],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let array: Vec<Value> = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(ids(&array), ids(&fleet(10)));
    assert_eq!(
        targets(&stub),
        [
            "/api/v1/agents?page=1&pageSize=5",
            "/api/v1/agents?page=2&pageSize=5",
            "/api/v1/agents?page=3&pageSize=5",
        ]
    );
}

#[test]
fn total_ends_the_walk_without_an_extra_request() {
    let stub = capped(fleet(10), 1000, true);
    let world = World::new();
    let ran = in_process(
        &world,
        &stub.url(),
        &["agent", "list", "--page-size", "5", "-o", "ndjson"],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(lines(&ran.stdout).len(), 10);
    assert_eq!(stub.requests().len(), 2);
}

#[test]
fn a_server_that_ignores_page_ends_with_a_warning() {
    // Two records and "total": 500 on every page, whatever the page: the issue's example.
    let stub = Stub::start(|_req: &Recorded| {
        Reply::Json(
            200,
            json!({"total": 500, "data": [agent("a"), agent("b")]}).to_string(),
        )
    });
    let world = World::new();
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["agent", "list", "-o", "ndjson"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ids(&lines(&ran.stdout)), ["a", "b"]);
    assert_eq!(stub.requests().len(), 2, "page 2 repeats page 1: stop");
    assert!(
        ran.stderr
            .starts_with("warning: the server answered page 2 with the same agents as page 1"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_fleet_that_changes_between_pages_gives_no_duplicates() {
    // Offset paging over a sorted fleet; before page 2 is served, two agents register at the
    // front, so page 2 starts two records earlier and repeats two of page 1.
    let records = Arc::new(Mutex::new(fleet(12)));
    let served = records.clone();
    let stub = Stub::start(move |req: &Recorded| {
        let page: usize = query_param(&req.path, "page").unwrap().parse().unwrap();
        let size: usize = query_param(&req.path, "pageSize").unwrap().parse().unwrap();
        let mut records = served.lock().unwrap();
        if page == 2 {
            records.insert(0, agent("aaa-1"));
            records.insert(0, agent("aaa-0"));
        }
        let slice: Vec<Value> = records
            .iter()
            .skip((page - 1) * size)
            .take(size)
            .cloned()
            .collect();
        Reply::Json(
            200,
            json!({"total": records.len(), "agents": slice}).to_string(),
        )
    });
    let world = World::new();
    let ran = in_process(
        &world,
        &stub.url(),
        &["agent", "list", "--page-size", "5", "-o", "ndjson"],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let listed = ids(&lines(&ran.stdout));
    let mut unique = listed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "duplicates in {listed:?}");
    for id in ids(&fleet(12)) {
        assert!(listed.contains(&id), "{id} missing from {listed:?}");
    }
    assert_eq!(ran.stderr, "");
}

#[test]
fn filters_go_out_lowercased_and_are_applied_case_insensitively() {
    // A server that ignores the filters and reports values in mixed case.
    let stub = Stub::start(|req: &Recorded| {
        if query_param(&req.path, "page").as_deref() != Some("1") {
            return Reply::Json(200, "[]".into());
        }
        Reply::Json(
            200,
            json!([
                {"uuid": "a", "status": "Offline", "region": "US-East-1", "type": "LOG"},
                {"uuid": "b", "status": "online", "region": "us-east-1", "type": "log"},
                {"uuid": "c", "status": "OFFLINE", "region": "eu-west-1", "type": "log"}
            ])
            .to_string(),
        )
    });
    let world = World::new();
    let ran = in_process(
        &world,
        &stub.url(),
        &[
            "agent",
            "list",
            "--status",
            "OFFLINE",
            "--region",
            "US-EAST-1",
            "--type",
            "Log",
            "-o",
            "ndjson",
        ],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ids(&lines(&ran.stdout)), ["a"]);
    // No total, and a first page of three: the walk asks for page 2, which is empty.
    assert_eq!(
        targets(&stub),
        [
            "/api/v1/agents?page=1&pageSize=500&status=offline&type=log&region=us-east-1",
            "/api/v1/agents?page=2&pageSize=500&status=offline&type=log&region=us-east-1"
        ]
    );
}

#[test]
fn an_unknown_status_is_exit_2_before_any_request() {
    let stub = capped(fleet(3), 100, true);
    let world = World::new();
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["agent", "list", "--status", "down"]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("online, delayed, offline"),
        "{}",
        ran.stderr
    );
    assert!(stub.requests().is_empty());
}

#[test]
fn a_label_selector_picks_agents_client_side() {
    let stub = Stub::start(|_req: &Recorded| {
        Reply::Json(
            200,
            json!({"items": [
                {"uuid": "a", "labels": "{\"team\":\"ops\",\"env\":\"prod\"}"},
                {"uuid": "b", "labels": {"team": "ops", "env": "dev"}},
                {"uuid": "c", "labels": "{\"team\":\"web\"}"},
                {"uuid": "d"}
            ], "total": 4})
            .to_string(),
        )
    });
    let world = World::new();
    for (selector, expected) in [
        ("team=ops,env!=dev", vec!["a"]),
        ("team in (ops,web)", vec!["a", "b", "c"]),
        ("!env", vec!["c", "d"]),
        ("env", vec!["a", "b"]),
    ] {
        let ran = in_process(
            &world,
            &stub.url(),
            &["agent", "list", "-l", selector, "-o", "ndjson"],
            false,
        );
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert_eq!(ids(&lines(&ran.stdout)), expected, "{selector}");
    }
    // Labels are not sent: the API has no label filter.
    assert!(
        targets(&stub)
            .iter()
            .all(|t| t == "/api/v1/agents?page=1&pageSize=500")
    );
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["agent", "list", "-l", "team in (ops"]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
}

#[test]
fn limit_stops_reading_pages_and_sort_by_reads_them_all() {
    let stub = capped(fleet(30), 5, true);
    let world = World::new();
    let ran = in_process(
        &world,
        &stub.url(),
        &["agent", "list", "--limit", "7", "-o", "ndjson"],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ids(&lines(&ran.stdout)), ids(&fleet(7)));
    assert_eq!(
        targets(&stub),
        [
            "/api/v1/agents?page=1&pageSize=7",
            "/api/v1/agents?page=2&pageSize=7"
        ]
    );

    let stub = capped(fleet(12), 5, true);
    let ran = in_process(
        &world,
        &stub.url(),
        &[
            "agent",
            "list",
            "--sort-by",
            "uuid",
            "--limit",
            "2",
            "-o",
            "ndjson",
        ],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ids(&lines(&ran.stdout)), ["agent-000", "agent-001"]);
    assert_eq!(stub.requests().len(), 3);
}

#[test]
fn an_empty_result_is_said_at_a_terminal_and_silent_in_a_pipe() {
    let stub = Stub::start(|_req: &Recorded| Reply::Json(200, r#"{"items":[],"total":0}"#.into()));
    let world = World::new();
    let ran = in_process(&world, &stub.url(), &["agent", "list"], true);
    assert_eq!((ran.code, ran.stdout.as_str()), (0, ""));
    assert_eq!(ran.stderr, "No agents match.\n");
    let ran = in_process(&world, &stub.url(), &["agent", "list"], false);
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, "", "")
    );
    let ran = in_process(&world, &stub.url(), &["agent", "list", "-o", "json"], false);
    assert_eq!(ran.stdout, "[]\n");
}
