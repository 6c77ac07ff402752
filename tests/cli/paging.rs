//! The paged listing of contract §1 through `agent list`: servers that cap the page size,
//! omit `total`, ignore `page`, or change between pages; filters and selectors.

use crate::common::mock::*;
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

/// A listing that serves `records` at most `cap` a page, whatever was asked, with `total`
/// or without.
fn capped(server: &MockServer, records: Vec<Value>, cap: usize, with_total: bool) -> Route<'_> {
    listing(server, move |target| {
        let page: usize = query_param(target, "page").unwrap().parse().unwrap();
        let asked: usize = query_param(target, "pageSize").unwrap().parse().unwrap();
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
        body.to_string()
    })
}

/// The listing route, answering 200 with `page(target)`; the requests it answered are in
/// its `seen`, and whatever agentctl sends must be a listing GET as it sends them (or it is
/// not answered: see [`nothing_else`]).
fn listing(
    server: &MockServer,
    page: impl Fn(&str) -> String + Send + Sync + 'static,
) -> Route<'_> {
    let seen = Seen::new();
    let mock = server.mock(|when, then| {
        api_list(when);
        then.respond_with(seen.answer(move |_, req| json_response(200, page(req.uri_str()))));
    });
    Route { mock, seen }
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

#[test]
fn a_server_that_caps_the_page_size_is_walked_to_the_end() {
    let server = MockServer::start();
    let listing = capped(&server, fleet(23), 5, false);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(
        &world,
        &server.base_url(),
        &["agent", "list", "-o", "ndjson"],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let records = lines(&ran.stdout);
    assert_eq!(ids(&records), ids(&fleet(23)));
    assert_eq!(records[0], agent("agent-000"), "the record as sent");
    // Five a page although 500 were asked: pages 1-4 full, page 5 short, then stop.
    assert_eq!(
        listing.seen.targets(),
        (1..=5)
            .map(|p| format!("/api/v1/agents?page={p}&pageSize=500"))
            .collect::<Vec<_>>()
    );
    unexpected.assert_calls(0);
    assert_eq!(ran.stderr, "");
}

#[test]
fn without_total_an_exact_multiple_ends_at_an_empty_page() {
    let server = MockServer::start();
    let listing = capped(&server, fleet(10), 1000, false);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(
        &world,
        &server.base_url(),
        &["agent", "list", "--page-size", "5", "-o", "json"],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let array: Vec<Value> = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(ids(&array), ids(&fleet(10)));
    assert_eq!(
        listing.seen.targets(),
        [
            "/api/v1/agents?page=1&pageSize=5",
            "/api/v1/agents?page=2&pageSize=5",
            "/api/v1/agents?page=3&pageSize=5",
        ]
    );
    unexpected.assert_calls(0);
}

#[test]
fn total_ends_the_walk_without_an_extra_request() {
    let server = MockServer::start();
    let listing = capped(&server, fleet(10), 1000, true);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(
        &world,
        &server.base_url(),
        &["agent", "list", "--page-size", "5", "-o", "ndjson"],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(lines(&ran.stdout).len(), 10);
    assert_eq!(
        listing.seen.targets(),
        [
            "/api/v1/agents?page=1&pageSize=5",
            "/api/v1/agents?page=2&pageSize=5"
        ]
    );
    unexpected.assert_calls(0);
}

#[test]
fn a_server_that_ignores_page_ends_with_a_warning() {
    // Two records and "total": 500 on every page, whatever the page: the issue's example.
    let server = MockServer::start();
    let listing = listing(&server, |_| {
        json!({"total": 500, "data": [agent("a"), agent("b")]}).to_string()
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "list", "-o", "ndjson"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ids(&lines(&ran.stdout)), ["a", "b"]);
    assert_eq!(
        listing.seen.targets(),
        [
            "/api/v1/agents?page=1&pageSize=500",
            "/api/v1/agents?page=2&pageSize=500"
        ],
        "page 2 repeats page 1: stop"
    );
    unexpected.assert_calls(0);
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
    let server = MockServer::start();
    let listing = listing(&server, move |target| {
        let page: usize = query_param(target, "page").unwrap().parse().unwrap();
        let size: usize = query_param(target, "pageSize").unwrap().parse().unwrap();
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
        json!({"total": records.len(), "agents": slice}).to_string()
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(
        &world,
        &server.base_url(),
        &["agent", "list", "--page-size", "5", "-o", "ndjson"],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    // 14 records by the end, two of page 2 seen on page 1 already: after page 3 only 12
    // distinct of the 14, so page 4 is asked for too (and is empty).
    assert_eq!(
        listing.seen.targets(),
        (1..=4)
            .map(|p| format!("/api/v1/agents?page={p}&pageSize=5"))
            .collect::<Vec<_>>()
    );
    unexpected.assert_calls(0);
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
    let server = MockServer::start();
    let listing = listing(&server, |target| {
        if query_param(target, "page").as_deref() != Some("1") {
            return "[]".into();
        }
        json!([
            {"uuid": "a", "status": "Offline", "region": "US-East-1", "type": "LOG"},
            {"uuid": "b", "status": "online", "region": "us-east-1", "type": "log"},
            {"uuid": "c", "status": "OFFLINE", "region": "eu-west-1", "type": "log"}
        ])
        .to_string()
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(
        &world,
        &server.base_url(),
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
        listing.seen.targets(),
        [
            "/api/v1/agents?page=1&pageSize=500&status=offline&type=log&region=us-east-1",
            "/api/v1/agents?page=2&pageSize=500&status=offline&type=log&region=us-east-1"
        ]
    );
    unexpected.assert_calls(0);
}

#[test]
fn an_unknown_status_is_exit_2_before_any_request() {
    let server = MockServer::start();
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "list", "--status", "down"]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("online, delayed, offline"),
        "{}",
        ran.stderr
    );
    unexpected.assert_calls(0);
}

#[test]
fn a_label_selector_picks_agents_client_side() {
    let server = MockServer::start();
    let listing = listing(&server, |_| {
        json!({"items": [
                {"uuid": "a", "labels": "{\"team\":\"ops\",\"env\":\"prod\"}"},
                {"uuid": "b", "labels": {"team": "ops", "env": "dev"}},
                {"uuid": "c", "labels": "{\"team\":\"web\"}"},
                {"uuid": "d"}
            ], "total": 4})
        .to_string()
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    for (selector, expected) in [
        ("team=ops,env!=dev", vec!["a"]),
        ("team in (ops,web)", vec!["a", "b", "c"]),
        ("!env", vec!["c", "d"]),
        ("env", vec!["a", "b"]),
    ] {
        let ran = in_process(
            &world,
            &server.base_url(),
            &["agent", "list", "-l", selector, "-o", "ndjson"],
            false,
        );
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert_eq!(ids(&lines(&ran.stdout)), expected, "{selector}");
    }
    // Labels are not sent: the API has no label filter.
    assert_eq!(
        listing.seen.targets(),
        ["/api/v1/agents?page=1&pageSize=500"; 4]
    );
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "list", "-l", "team in (ops"]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    listing.mock.assert_calls(4);
    unexpected.assert_calls(0);
}

#[test]
fn limit_stops_reading_pages_and_sort_by_reads_them_all() {
    let server = MockServer::start();
    let listing = capped(&server, fleet(30), 5, true);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(
        &world,
        &server.base_url(),
        &["agent", "list", "--limit", "7", "-o", "ndjson"],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ids(&lines(&ran.stdout)), ids(&fleet(7)));
    assert_eq!(
        listing.seen.targets(),
        [
            "/api/v1/agents?page=1&pageSize=7",
            "/api/v1/agents?page=2&pageSize=7"
        ]
    );
    unexpected.assert_calls(0);

    let server = MockServer::start();
    let listing = capped(&server, fleet(12), 5, true);
    let unexpected = nothing_else(&server);
    let ran = in_process(
        &world,
        &server.base_url(),
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
    assert_eq!(
        listing.seen.targets(),
        (1..=3)
            .map(|p| format!("/api/v1/agents?page={p}&pageSize=500"))
            .collect::<Vec<_>>()
    );
    unexpected.assert_calls(0);
}

#[test]
fn an_empty_result_is_said_at_a_terminal_and_silent_in_a_pipe() {
    let server = MockServer::start();
    let listing = listing(&server, |_| r#"{"items":[],"total":0}"#.into());
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = in_process(&world, &server.base_url(), &["agent", "list"], true);
    assert_eq!((ran.code, ran.stdout.as_str()), (0, ""));
    assert_eq!(ran.stderr, "No agents match.\n");
    let ran = in_process(&world, &server.base_url(), &["agent", "list"], false);
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, "", "")
    );
    let ran = in_process(
        &world,
        &server.base_url(),
        &["agent", "list", "-o", "json"],
        false,
    );
    assert_eq!(ran.stdout, "[]\n");
    assert_eq!(
        listing.seen.targets(),
        ["/api/v1/agents?page=1&pageSize=500"; 3]
    );
    unexpected.assert_calls(0);
}

#[test]
fn a_walk_cut_off_on_page_2_says_what_was_printed_and_that_the_list_is_incomplete() {
    // Page 1 (two of four agents) answers; every request for page 2 is met with a TCP reset,
    // as a server killed mid-walk.
    use crate::common::stub::{Reply, Stub, response};
    let stub = Stub::start(|request| {
        if request.path.contains("page=1&") {
            let body = json!({"items": [{"uuid": "a1"}, {"uuid": "a2"}], "total": 4});
            Reply::Raw(response(200, body.to_string().as_bytes(), ""))
        } else {
            Reply::Reset
        }
    });
    let world = World::new();
    let listed = |format: &str| {
        run(world
            .cmd_at(&stub.url())
            .args(["agent", "list", "-o", format, "--retries", "0"]))
    };
    insta::assert_snapshot!(listed("ndjson").transcript(), @r#"
    [exit status: 6]
    ----- stdout -----
    {"uuid":"a1"}
    {"uuid":"a2"}
    ----- stderr -----
    error: agent list is incomplete: 2 agents printed, then page 2 failed: the connection was cut before a complete answer: connection reset by peer
    hint: the server closed or reset the connection; run the command again (-v shows the cause in full)
    "#);
    // -o json: the array is left open, so no reader takes it for the whole list.
    let json = listed("json");
    assert_eq!(json.code, 6);
    assert!(
        json.stdout
            .starts_with("[\n  {\n    \"uuid\": \"a1\"\n  },\n  {"),
        "{}",
        json.stdout
    );
    assert!(!json.stdout.trim_end().ends_with(']'), "{}", json.stdout);
    assert!(
        json.stderr
            .starts_with("error: agent list is incomplete: 2 agents printed, then page 2 failed: "),
        "{}",
        json.stderr
    );
    // A table is printed at the end only: nothing was.
    let table = listed("table");
    assert_eq!((table.code, table.stdout.as_str()), (6, ""));
    assert!(
        table.stderr.starts_with(
            "error: agent list is incomplete: nothing printed (2 agents read), page 2 failed: the connection was cut"
        ),
        "{}",
        table.stderr
    );
    let pages: Vec<String> = stub.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(pages.len(), 6, "{pages:?}");
    assert!(pages[1].starts_with("/api/v1/agents?page=2&"), "{pages:?}");
}
