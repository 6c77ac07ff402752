//! Statuses and times as the operator types them and as servers send them: a mistyped
//! status is refused before any request with the valid values and a suggestion, a status in
//! any case is taken, and a record's time with an offset written without its colon is read.

use crate::common::*;
use httpmock::prelude::*;
use serde_json::json;

#[test]
fn a_mistyped_status_is_exit_2_with_a_suggestion_and_no_request() {
    let world = World::new();
    for (args, flag) in [
        (vec!["agent", "list", "--status", "onlin"], "--status <S>"),
        (vec!["watch", "--all", "--status", "onlin"], "--status <S>"),
        (
            vec!["watch", "--all", "--until", "onlin"],
            "--until <STATUS>",
        ),
        (
            vec!["watch", "web-01", "--until", "onlin"],
            "--until <STATUS>",
        ),
    ] {
        // A server that answers anything: a request made is a request counted.
        let server = MockServer::start();
        let any = server.mock(|when, then| {
            when.any_request();
            then.status(200).json_body(json!([]));
        });
        let ran = run(world.cmd_at(&server.base_url()).args(&args));
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert_eq!(ran.stdout, "", "{args:?}");
        assert_eq!(
            ran.stderr,
            format!(
                "error: invalid value 'onlin' for '{flag}'\n  \
                 [possible values: online, delayed, offline]\n\n  \
                 tip: a similar value exists: 'online'\n\n\
                 For more information, try '--help'.\n"
            ),
            "{args:?}"
        );
        assert_eq!(any.calls(), 0, "{args:?}: a request was made");
    }
}

#[test]
fn a_status_that_is_no_typo_lists_the_valid_values_without_a_guess() {
    let world = World::new();
    for value in ["gone", "unreachable", "sideways"] {
        let server = MockServer::start();
        let any = server.mock(|when, then| {
            when.any_request();
            then.status(200).json_body(json!([]));
        });
        let ran = run(world
            .cmd_at(&server.base_url())
            .args(["agent", "list", "--status", value]));
        assert_eq!(ran.code, 2, "{value}: {}", ran.stderr);
        assert_eq!(
            ran.stderr,
            format!(
                "error: invalid value '{value}' for '--status <S>'\n  \
                 [possible values: online, delayed, offline]\n\n\
                 For more information, try '--help'.\n"
            )
        );
        assert_eq!(any.calls(), 0, "{value}: a request was made");
    }
}

#[test]
fn until_takes_a_status_in_any_case() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents/web-01")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200)
            .json_body(json!({"uuid": "web-01", "status": "Online"}));
    });
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "watch",
        "web-01",
        "--until",
        " ONLINE",
        "--timeout",
        "30s",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stderr, "");
    let event: serde_json::Value = serde_json::from_str(ran.stdout.trim()).unwrap();
    assert_eq!(
        (&event["from"], &event["to"]),
        (&json!(null), &json!("online"))
    );
    mock.assert_calls(1);
}

#[test]
fn a_record_time_with_an_offset_without_its_colon_is_an_age() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents");
        then.status(200).json_body(json!({"total": 2, "items": [
            {"uuid": "a", "status": "online", "lastHeartbeatAt": "2020-01-15T02:30:00-0530"},
            {"uuid": "b", "status": "online", "lastHeartbeatAt": "2020-01-15T02:30:00-05:30"}
        ]}));
    });
    let world = World::new();
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "list", "--no-headers"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let ages: Vec<&str> = ran
        .stdout
        .lines()
        .map(|line| line.rsplit("   ").next().unwrap())
        .collect();
    assert_eq!(ages.len(), 2, "{}", ran.stdout);
    assert!(ages[0].ends_with("d ago"), "{}", ran.stdout);
    assert_eq!(ages[0], ages[1], "{}", ran.stdout);
    mock.assert_calls(1);
}
