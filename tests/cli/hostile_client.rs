//! A server that sends more than agentctl asked for, or what no honest server sends: pages
//! longer than `pageSize`, a `total` that never ends, records nested past any parser's limit,
//! a token hidden behind escapes. Refused or bounded, never a panic, never the token printed.

use crate::common::mock::*;
use crate::common::*;
use serde_json::json;

/// A listing answering every page with `body`.
fn every_page(server: &MockServer, body: String) -> Seen {
    let seen = Seen::new();
    server.mock(|when, then| {
        api_list(when);
        then.respond_with(seen.answer(move |_, _| json_response(200, body.clone())));
    });
    seen
}

#[test]
fn a_page_longer_than_the_page_size_asked_for_is_refused_as_malformed() {
    let server = MockServer::start();
    let records: Vec<_> = (0..3).map(|n| json!({"uuid": format!("a{n}")})).collect();
    let seen = every_page(&server, json!({"items": records, "total": 3}).to_string());
    let world = World::new();
    for format in ["table", "ndjson", "json"] {
        let ran = run(world.cmd_at(&server.base_url()).args([
            "agent",
            "list",
            "--page-size",
            "2",
            "-o",
            format,
        ]));
        assert_eq!(ran.code, 5, "{format}: {}", ran.stderr);
        assert_eq!(ran.stdout, "", "{format}: nothing printed");
        assert!(
            ran.stderr.contains(
                "the page holds more than the 2 agents asked for (pageSize=2); a server that \
                 ignores pageSize cannot be walked safely"
            ),
            "{format}: {}",
            ran.stderr
        );
    }
    assert_eq!(seen.len(), 3, "one request a run");
    // Exactly as many as asked for is a page like any other.
    let ran = run(world.cmd_at(&server.base_url()).args([
        "agent",
        "list",
        "--page-size",
        "3",
        "-o",
        "ndjson",
    ]));
    assert_eq!(
        (ran.code, ran.stdout.lines().count()),
        (0, 3),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_total_that_never_ends_stops_the_walk_after_the_pages_the_first_page_implies() {
    // Every page brings two new agents and says 2^63 more: agentctl lists at most ten
    // million in one walk (5,000,000 pages of 2 plus slack would take hours, so the
    // server's first page says 6: three pages, plus a slack of two).
    let server = MockServer::start();
    let seen = Seen::new();
    server.mock(|when, then| {
        api_list(when);
        then.respond_with(seen.answer(|_, req| {
            let page: u64 = query_param(req.uri_str(), "page").unwrap().parse().unwrap();
            let total: u64 = if page == 1 { 6 } else { 1 << 63 };
            let items: Vec<_> = (0..2)
                .map(|n| json!({"uuid": format!("p{page}-{n}"), "status": "online"}))
                .collect();
            json_response(200, json!({"items": items, "total": total}).to_string())
        }));
    });
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "agent",
        "list",
        "--page-size",
        "2",
        "-o",
        "ndjson",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout.lines().count(), 10);
    assert_eq!(seen.len(), 5);
    insta::assert_snapshot!(ran.stderr, @"warning: stopped the listing after 5 pages (10 agents): the first page's total of 6 agents at 2 a page implies 3 pages; the listing may be incomplete (--limit N takes the first N agents, the filters narrow the listing)");
}

/// A record whose labels nest `depth` arrays, with `extra` fields.
fn deep_record(depth: usize, extra: &str) -> String {
    format!(
        r#"{{"uuid":"deep","status":"online"{extra},"labels":{}1{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

#[test]
fn a_record_nested_200_deep_is_malformed_in_every_command_and_a_warning_in_watch() {
    let server = MockServer::start();
    // \u0064 is 'd': an escape sends every record down the redaction path too.
    let escaped = deep_record(200, r#","name":"\u0064""#);
    let plain = deep_record(200, "");
    for (path, body) in [
        ("/api/v1/agents/deep", &plain),
        ("/api/v1/agents/esc", &escaped),
    ] {
        let body = body.clone();
        server.mock(|when, then| {
            api_get(when, path);
            then.respond_with(move |_| json_response(200, body.clone()));
        });
    }
    let list_body = format!("[{escaped}]");
    server.mock(|when, then| {
        api_list(when).query_param("status", "offline");
        then.respond_with(move |_| json_response(200, list_body.clone()));
    });
    let plain_list = format!("[{plain}]");
    every_page(&server, plain_list);
    let world = World::new();
    let runs: [&[&str]; 8] = [
        &["agent", "list", "-o", "json"],
        &["agent", "list", "-o", "json", "--jq", ".[].uuid"],
        &["agent", "list", "-o", "ndjson"],
        &["agent", "list", "--status", "offline"],
        &["agent", "show", "deep", "-o", "json"],
        &["agent", "show", "esc"],
        &["agent", "show", "deep", "--jq", ".uuid"],
        &["watch", "deep", "--until-jq", ".uuid", "--timeout", "1s"],
    ];
    for args in runs {
        let ran = run(world.cmd_at(&server.base_url()).args(args));
        // watch reports the failed poll as an "unreachable" event, with the reason.
        let said = format!("{}{}", ran.stdout, ran.stderr);
        assert!(
            said.contains("nested deeper than 100 levels"),
            "{args:?}: {said}"
        );
        if args[0] != "watch" {
            assert_eq!(ran.code, 5, "{args:?}: {}", ran.stderr);
            assert_eq!(ran.stdout, "", "{args:?}");
        }
    }
    // watch --all: the failed walk is a warning, and the watch goes on to its timeout.
    let ran = run(world.cmd_at(&server.base_url()).args([
        "watch",
        "--all",
        "--status",
        "offline",
        "--interval",
        "100ms",
        "--timeout",
        "1s",
        "-o",
        "ndjson",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("nested deeper than 100 levels"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_token_escaped_inside_the_labels_string_is_redacted_in_the_labels_column() {
    let server = MockServer::start();
    // The labels string holds {"k":"\u0074ok-…"}: decoded, the value is the token.
    let escaped = TOKEN.replacen('t', "\\\\u0074", 1);
    let record = format!(
        r#"{{"uuid":"a","status":"online","labels":"{{\"k\":\"{escaped}\",\"team\":\"ops\"}}"}}"#
    );
    every_page(&server, format!("[{record}]"));
    let world = World::new();
    for format in ["wide", "json", "ndjson"] {
        let ran = run(world
            .cmd_at(&server.base_url())
            .args(["agent", "list", "-o", format]));
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert!(
            ran.stdout.contains("[REDACTED]"),
            "{format}: {}",
            ran.stdout
        );
        assert!(!ran.stdout.contains("5ecr3t"), "{format}: {}", ran.stdout);
    }
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "list", "-o", "wide"]));
    assert!(ran.stdout.contains("k=[REDACTED]"), "{}", ran.stdout);
}

#[test]
fn broken_framing_from_the_server_is_a_malformed_answer_not_the_network() {
    let world = World::new();
    for (wire, says) in [
        (
            &b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n"[..],
            "a bad chunk size",
        ),
        (
            &b"HTTP/1.1 200 OK\r\ncontent-length: +2\r\n\r\n{}"[..],
            "a content-length that is not a number",
        ),
    ] {
        let stub = crate::common::stub::Stub::start(move |_| {
            crate::common::stub::Reply::Raw(wire.to_vec())
        });
        let ran = simulate_one(&world, &stub.url(), &["--beats", "1"]);
        assert_eq!(ran.code, 5, "{}", ran.stderr);
        let summary: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
        assert_eq!(summary["failed"], json!({"malformed": 1}), "{summary}");
        assert!(
            ran.stderr
                .contains(&format!("the server's response is not valid: {says}")),
            "{}",
            ran.stderr
        );
    }
}

#[test]
fn beats_due_but_never_sent_before_the_duration_ended_are_counted_unsent() {
    // A server that never answers: the two beats --concurrency lets out wait on it, and the
    // other 48 of the 50 due in the second (one every 20 ms) never go out.
    let silent = crate::common::stub::Silent::start();
    let world = World::new();
    // The two runs are independent (a silent server answers no one): side by side.
    let (ran, table) = std::thread::scope(|scope| {
        let table = scope.spawn(|| {
            let mut cmd = world.cmd_at(&silent.url());
            cmd.args([
                "heartbeat",
                "simulate",
                "--agents",
                "1",
                "--interval",
                "20ms",
                "--retries",
                "0",
                "--duration",
                "200ms",
                "--concurrency",
                "1",
                "--request-timeout",
                "1s",
            ]);
            run(&mut cmd)
        });
        let ran = simulate_one(
            &world,
            &silent.url(),
            &[
                "--duration",
                "1s",
                "--concurrency",
                "2",
                "--request-timeout",
                "2s",
                "--fail-if",
                "errors>50%",
            ],
        );
        (ran, table.join().unwrap())
    });
    assert_ne!(ran.code, 0, "{}", ran.stderr);
    let summary: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        (&summary["sent"], &summary["unsent"], &summary["failed"]),
        (&json!(2), &json!(48), &json!({"timeout": 2})),
        "{summary}"
    );
    assert_eq!(summary["thresholds"][0]["value"], 100.0, "{summary}");
    assert_eq!(summary["thresholds"][0]["crossed"], true, "{summary}");
    assert!(
        table
            .stdout
            .lines()
            .any(|line| line.starts_with("unsent") && line.trim_end().ends_with(" 9")),
        "{}",
        table.stdout
    );
}
