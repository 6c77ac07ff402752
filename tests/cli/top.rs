//! `agentctl top` (contract §2): one frame with `--once` (the listing walked with the filters
//! of `agent list`), and the refusal without a terminal.

use crate::common::mock::*;
use crate::common::*;
use agentctl::clock::Clock;
use agentctl::context::ClientFactory;
use serde_json::json;
use std::time::{Duration, SystemTime};

fn frozen() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

fn stamp(ago: u64) -> String {
    humantime::format_rfc3339_seconds(frozen() - Duration::from_secs(ago)).to_string()
}

/// A listing of four agents, one page, every request recorded.
fn fleet(server: &MockServer) -> Seen {
    let seen = Seen::new();
    let records = json!({"items": [
        {"uuid": "web-01", "name": "web", "status": "online", "region": "eu-west-1",
         "lastHeartbeatAt": stamp(3), "labels": "{\"team\":\"ops\"}"},
        {"uuid": "web-02", "name": "web", "status": "delayed", "region": "eu-west-1",
         "lastHeartbeatAt": stamp(70)},
        {"uuid": "db-01", "name": "db\u{1b}]0;pwned\u{7}", "status": "offline",
         "region": "eu-west-1", "lastHeartbeatAt": stamp(900)},
        {"uuid": "db-02", "name": "db", "status": "online", "region": "us-east-1",
         "lastHeartbeatAt": stamp(1)},
    ], "total": 4})
    .to_string();
    server.mock(|when, then| {
        api_list(when);
        then.respond_with(seen.answer(move |_, _| json_response(200, records.clone())));
    });
    seen
}

fn top(server: &MockServer, args: &[&str], terminal: bool) -> Ran {
    let world = World::new();
    let mut cmd = world.inproc_at("https://agents.example.com");
    cmd.clients(ClientFactory::pointed_at(
        server.base_url().parse().unwrap(),
    ))
    .clock(Clock::frozen_at(frozen()))
    .arg("top")
    .args(args);
    if terminal {
        cmd.terminal();
    }
    run(&mut cmd)
}

#[test]
fn once_draws_one_frame_of_the_filtered_listing_problems_first() {
    let server = MockServer::start();
    let seen = fleet(&server);
    let ran = top(
        &server,
        &[
            "--once",
            "--width",
            "100",
            "--height",
            "10",
            "--region",
            "EU-West-1",
        ],
        false,
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    // One walk, the filter sent lowercased, and applied again to what came back.
    let targets = seen.targets();
    assert_eq!(targets.len(), 1, "{targets:?}");
    assert_eq!(
        query_param(&targets[0], "region").as_deref(),
        Some("eu-west-1")
    );
    assert!(!ran.stdout.contains("db-02"), "{}", ran.stdout);
    assert!(!ran.stdout.contains('\u{1b}'), "{:?}", ran.stdout);
    // How long the walk took is real time.
    let took = regex::Regex::new(r"took \d+ms").unwrap();
    insta::assert_snapshot!(took.replace(&ran.transcript(), "took [T]ms"));
}

#[test]
fn once_at_a_narrow_width_keeps_the_counts_and_the_first_columns() {
    let server = MockServer::start();
    fleet(&server);
    let ran = top(&server, &["--once", "--width", "60", "--height", "8"], true);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 8, "{}", ran.stdout);
    assert!(
        lines.iter().all(|l| l.chars().count() <= 60),
        "{}",
        ran.stdout
    );
    assert!(
        lines[0].contains("4 agents · 2 online · 1 delayed · 1 offline"),
        "{}",
        lines[0]
    );
}

#[test]
fn without_a_terminal_top_exits_2_naming_watch_all() {
    let server = MockServer::start();
    let unexpected = nothing_else(&server);
    let ran = top(&server, &[], false);
    assert_eq!(ran.code, 2);
    insta::assert_snapshot!(ran.transcript());
    unexpected.assert_calls(0);
}

#[test]
fn width_and_height_belong_to_once() {
    let server = MockServer::start();
    let ran = top(&server, &["--width", "100"], true);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("--once"), "{}", ran.stderr);
    let ran = top(&server, &["--once", "--height", "3"], false);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("--height"), "{}", ran.stderr);
}
