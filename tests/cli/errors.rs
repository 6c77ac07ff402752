//! Every way a call can fail maps to the contract's exit code and says what happened.

use crate::common::*;
use httpmock::prelude::*;
use std::time::{Duration, Instant};

fn show(world: &World, host: &str, extra: &[&str]) -> Ran {
    run(world
        .inproc_at(host)
        .args(["agent", "show", "a1"])
        .args(extra))
}

#[test]
fn auth_failures_exit_3_with_the_servers_message() {
    for (status, message) in [
        (401, "token expired"),
        (403, "not allowed on this platform"),
    ] {
        let server = MockServer::start();
        let mock = server.mock(|when, then| {
            when.method(GET).path("/api/v1/agents/a1");
            then.status(status)
                .json_body(serde_json::json!({"message": message}));
        });
        let world = World::new();
        let ran = show(&world, &server.base_url(), &[]);
        assert_eq!(ran.code, 3, "{}", ran.stderr);
        assert!(ran.stderr.contains(message), "{}", ran.stderr);
        assert!(ran.stderr.contains("agentctl auth login"), "{}", ran.stderr);
        mock.assert_calls(1);
    }
}

#[test]
fn not_found_exits_4_and_server_errors_5_without_retrying_500() {
    let server = MockServer::start();
    let missing = server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents/a1");
        then.status(404).body("no such agent");
    });
    let world = World::new();
    let ran = show(&world, &server.base_url(), &[]);
    assert_eq!(ran.code, 4);
    assert!(
        ran.stderr.contains("HTTP 404") && ran.stderr.contains("no such agent"),
        "{}",
        ran.stderr
    );
    missing.assert_calls(1);

    let server = MockServer::start();
    let broken = server.mock(|when, then| {
        when.method(PUT);
        then.status(500)
            .json_body(serde_json::json!({"error": "database on fire"}));
    });
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["heartbeat", "send", "a1"])
        .args(MINIMAL_BEAT));
    assert_eq!(ran.code, 5);
    assert!(
        ran.stderr.contains("HTTP 500") && ran.stderr.contains("database on fire"),
        "{}",
        ran.stderr
    );
    broken.assert_calls(1);
}

#[test]
fn malformed_success_bodies_exit_5_quoting_the_body() {
    let cases: [(&[u8], &str); 5] = [
        (b"<html><body>Bad Gateway</body></html>", "<html>"),
        (br#"{"uuid":"a1","na"#, "not JSON"),
        (br#"[{"uuid":"a1"}]"#, "an array"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"", "empty body"),
    ];
    for (body, expect) in cases {
        let server = MockServer::start();
        server.mock(|when, then| {
            when.method(GET);
            then.status(200).body(body);
        });
        let world = World::new();
        let ran = show(&world, &server.base_url(), &[]);
        assert_eq!(ran.code, 5, "{body:?}: {}", ran.stderr);
        assert!(ran.stderr.contains(expect), "{body:?}: {}", ran.stderr);
        assert!(!ran.stderr.contains('\u{0}'));
    }
}

#[test]
fn connection_refused_exits_6_within_seconds() {
    let world = World::new();
    let closed = ClosedPort::new();
    let started = Instant::now();
    let ran = show(&world, &closed.url(), &["--retries", "0"]);
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(ran.stderr.contains("agent a1"), "{}", ran.stderr);
}

#[test]
fn retry_after_is_honored_then_success() {
    let server = MockServer::start();
    let unavailable = server.mock(|when, then| {
        when.method(PUT);
        then.status(503).header("retry-after", "1").body("busy");
    });
    unavailable.up_to_n_times(1);
    let ok = server.mock(|when, then| {
        when.method(PUT);
        then.status(200).body(seed_response_for("a1"));
    });
    let world = World::new();
    let started = Instant::now();
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["heartbeat", "send", "a1"])
        .args(MINIMAL_BEAT));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the second request waited for Retry-After"
    );
    unavailable.assert_calls(1);
    ok.assert_calls(1);
}

#[test]
fn unavailable_forever_is_three_requests_with_two_retries() {
    let server = MockServer::start();
    let unavailable = server.mock(|when, then| {
        when.method(GET);
        then.status(503)
            .header("retry-after", "0")
            .json_body(serde_json::json!({"msg": "maintenance"}));
    });
    let world = World::new();
    let ran = show(&world, &server.base_url(), &["--retries", "2"]);
    assert_eq!(ran.code, 5);
    assert!(ran.stderr.contains("maintenance"), "{}", ran.stderr);
    unavailable.assert_calls(3);
}

#[test]
fn no_host_names_login_and_dev_server() {
    let world = World::new();
    let ran = run(world.cmd().args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("agentctl auth login") && ran.stderr.contains("agentctl dev-server"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_bad_host_is_a_usage_error_naming_its_source() {
    let world = World::new();
    let ran = run(world
        .cmd()
        .env("AGENTCTL_HOST", "agents.example.com")
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("AGENTCTL_HOST") && ran.stderr.contains("https://agents.example.com"),
        "{}",
        ran.stderr
    );
}

#[test]
fn empty_environment_variables_count_as_unset() {
    let world = World::new();
    let ran = run(world
        .cmd()
        .env("AGENTCTL_HOST", "")
        .env("AGENTCTL_OUTPUT", "")
        .env("AGENTCTL_PROFILE", "")
        .env("AGENTCTL_TOKEN", "")
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("no host configured"), "{}", ran.stderr);

    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents/a1");
        then.status(200).body(r#"{"uuid":"a1","status":"online"}"#);
    });
    let ran = run(world
        .cmd_at(&server.base_url())
        .env("AGENTCTL_OUTPUT", "")
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.starts_with("UUID"),
        "the default table: {}",
        ran.stdout
    );
}
