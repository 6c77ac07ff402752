//! Every way a call can fail maps to the contract's exit code and says what happened.

use crate::common::mock::*;
use crate::common::*;
use std::time::{Duration, Instant};

fn show(world: &World, host: &str, extra: &[&str]) -> Ran {
    run(world
        .inproc_at(host)
        .args(["agent", "show", "a1"])
        .args(extra))
}

#[test]
fn auth_failures_exit_3_with_the_servers_message() {
    let mut transcripts = String::new();
    for (status, message) in [
        (401, "token expired"),
        (403, "not allowed on this platform"),
    ] {
        let server = MockServer::start();
        let mock = server.mock(|when, then| {
            api_get(when, "/api/v1/agents/a1");
            then.status(status)
                .json_body(serde_json::json!({"message": message}));
        });
        let world = World::new();
        let ran = show(&world, &server.base_url(), &[]);
        transcripts.push_str(&ran.transcript());
        mock.assert_calls(1);
    }
    insta::assert_snapshot!(transcripts, @"
    [exit status: 3]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: HTTP 401 Unauthorized: token expired
    hint: check the token: run `agentctl auth login`, or set AGENTCTL_TOKEN
    [exit status: 3]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: HTTP 403 Forbidden: not allowed on this platform
    hint: the token is valid but not allowed to do this; run `agentctl auth login` with another token
    ");
}

#[test]
fn not_found_exits_4_and_server_errors_5_without_retrying_500() {
    let server = MockServer::start();
    let missing = server.mock(|when, then| {
        api_get(when, "/api/v1/agents/a1");
        then.status(404).body("no such agent");
    });
    let world = World::new();
    let ran = show(&world, &server.base_url(), &[]);
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 4]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: HTTP 404 Not Found: no such agent
    ");
    missing.assert_calls(1);

    let server = MockServer::start();
    let broken = server.mock(|when, then| {
        api_put(when, "/api/v1/agents/a1/heartbeat", MINIMAL_BODY);
        then.status(500)
            .json_body(serde_json::json!({"error": "database on fire"}));
    });
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["heartbeat", "send", "a1"])
        .args(MINIMAL_BEAT));
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 5]
    ----- stdout -----
    ----- stderr -----
    error: heartbeat for a1: HTTP 500 Internal Server Error: database on fire
    ");
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
    let mut transcripts = String::new();
    for (body, expect) in cases {
        let server = MockServer::start();
        let mock = server.mock(|when, then| {
            api_get(when, "/api/v1/agents/a1");
            then.status(200).body(body);
        });
        let world = World::new();
        let ran = show(&world, &server.base_url(), &[]);
        assert!(ran.stderr.contains(expect), "{body:?}: {}", ran.stderr);
        assert!(!ran.stderr.contains('\u{0}'), "a NUL reached the terminal");
        transcripts.push_str(&ran.transcript());
        mock.assert_calls(1);
    }
    insta::assert_snapshot!(transcripts, @r#"
    [exit status: 5]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: the server's response is not valid: not JSON (expected value at line 1 column 1); it began: <html><body>Bad Gateway</body></html>
    [exit status: 5]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: the server's response is not valid: not JSON (EOF while parsing a string at line 1 column 16); it began: {"uuid":"a1","na
    [exit status: 5]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: the server's response is not valid: expected an agent object, got an array; it began: [{"uuid":"a1"}]
    [exit status: 5]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: the server's response is not valid: not JSON (expected value at line 1 column 1); it began: ��\x00garbage
    [exit status: 5]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: the server's response is not valid: not JSON (EOF while parsing a value at line 1 column 0) (empty body)
    "#);
}

#[test]
fn connection_refused_exits_6_within_seconds() {
    let world = World::new();
    let closed = ClosedPort::new();
    let started = Instant::now();
    let ran = show(&world, &closed.url(), &["--retries", "0"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    let port = format!("127.0.0.1:{}", closed.port());
    insta::assert_snapshot!(ran.transcript_with(&[(&port, "127.0.0.1:PORT")]), @"
    [exit status: 6]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: could not connect to 127.0.0.1:PORT: Connection refused (os error 111)
    hint: is the host right and the server running? Check --host / AGENTCTL_HOST
    ");
}

#[test]
fn retry_after_is_honored_then_success() {
    let server = MockServer::start();
    let unavailable = server.mock(|when, then| {
        api_put(when, "/api/v1/agents/a1/heartbeat", MINIMAL_BODY);
        then.status(503).header("retry-after", "1").body("busy");
    });
    unavailable.up_to_n_times(1);
    let ok = server.mock(|when, then| {
        api_put(when, "/api/v1/agents/a1/heartbeat", MINIMAL_BODY);
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
        api_get(when, "/api/v1/agents/a1");
        then.status(503)
            .header("retry-after", "0")
            .json_body(serde_json::json!({"msg": "maintenance"}));
    });
    let world = World::new();
    let ran = show(&world, &server.base_url(), &["--retries", "2"]);
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 5]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: HTTP 503 Service Unavailable: maintenance
    ");
    unavailable.assert_calls(3);
}

#[test]
fn no_host_names_login_and_dev_server() {
    let world = World::new();
    let ran = run(world.cmd().args(["agent", "show", "a1"]));
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: no host configured
    hint: run `agentctl auth login`, pass --host or set AGENTCTL_HOST; for a local server to try things on, run `agentctl dev-server`
    ");
}

#[test]
fn a_bad_host_is_a_usage_error_naming_its_source() {
    let world = World::new();
    let ran = run(world
        .cmd()
        .env("AGENTCTL_HOST", "agents.example.com")
        .args(["agent", "show", "a1"]));
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: AGENTCTL_HOST: 'agents.example.com' is not a URL (relative URL without a base)
    hint: did you mean https://agents.example.com ?
    ");
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
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: no host configured
    hint: run `agentctl auth login`, pass --host or set AGENTCTL_HOST; for a local server to try things on, run `agentctl dev-server`
    ");

    let server = MockServer::start();
    let shown = server.mock(|when, then| {
        api_get(when, "/api/v1/agents/a1");
        then.status(200).body(r#"{"uuid":"a1","status":"online"}"#);
    });
    let ran = run(world
        .cmd_at(&server.base_url())
        .env("AGENTCTL_OUTPUT", "")
        .args(["agent", "show", "a1"]));
    // The default table.
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 0]
    ----- stdout -----
    UUID   NAME   TYPE   STATUS   VERSION   REGION   LAST HEARTBEAT
    a1     -      -      online   -         -        -
    ----- stderr -----
    ");
    shown.assert_calls(1);
}

#[test]
fn a_negative_number_or_duration_is_refused_by_the_flags_name_not_taken_for_an_option() {
    // Before, clap took `-1` and `-5s` for options: "unexpected argument '-5' found".
    let world = World::new();
    let closed = ClosedPort::new();
    let mut transcripts = String::new();
    for args in [
        "--request-timeout -1s agent list",
        "--retries -1 agent list",
        "agent list --limit -1",
        "agent list --page-size -1",
        "heartbeat send a1 --uptime 1 --cpu 1 --mem 1 --every -1s",
        "heartbeat send a1 --uptime 1 --cpu 1 --mem 1 --every 1s --count -1",
        "heartbeat simulate --agents -1",
        "heartbeat simulate --agents 1 --interval -5s",
        "heartbeat simulate --agents 1 --duration -5s",
        "heartbeat simulate --agents 1 --beats -1",
        "heartbeat simulate --agents 1 --concurrency -1",
        "watch a1 --interval -5s",
        "watch a1 --concurrency -1",
        "watch a1 --timeout -1s",
        "watch a1 --exec true --exec-concurrency -1",
        "watch a1 --exec true --exec-timeout -1s",
        "watch --all --page-size -1",
        "top --interval -5s",
        "top --once --width -1",
        "top --once --height -1",
        "dev-server --delayed-after -1s",
        "dev-server --offline-after -1s",
        "dev-server --max-agents -1",
        "dev-server --max-connections -1",
        // The next option taken for the value is not called negative.
        "watch --all --timeout --exec true",
        // A zero timeout can never be waited for: refused, as the help says.
        "watch --all --timeout 0",
        "watch a1 --until online --timeout 0",
    ] {
        let ran = run(world.cmd_at(&closed.url()).args(args.split(' ')));
        transcripts.push_str(&format!("$ agentctl {args}\n"));
        transcripts.push_str(&ran.transcript());
    }
    insta::assert_snapshot!("negative-values", transcripts);
}
