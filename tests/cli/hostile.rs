//! agentctl pointed at a server it should not trust: it never crashes, never leaks the token,
//! never lets the server's bytes take over the terminal, and never waits or buffers forever.

use crate::common::mock::*;
use crate::common::stub::{Reply, Stub};
use crate::common::*;

fn hostile_agent() -> String {
    let labels = serde_json::json!({"k\u{1b}[1m": "v\r\n"}).to_string();
    serde_json::json!({
        "uuid": "evil", "name": "x\u{1b}]0;pwned\u{7}y", "type": "log\u{1b}[2J", "status": "online\r",
        "version": "\u{9b}31m1", "region": "\u{202e}us", "labels": labels,
    })
    .to_string()
}

fn assert_no_raw_controls(ran: &Ran) {
    for (name, text) in [("stdout", &ran.stdout), ("stderr", &ran.stderr)] {
        for bad in ['\u{1b}', '\u{7}', '\r', '\u{9b}', '\u{202e}'] {
            assert!(!text.contains(bad), "{bad:?} reached {name} raw: {text:?}");
        }
    }
}

#[test]
fn escapes_in_records_and_errors_never_reach_the_terminal_raw() {
    let server = MockServer::start();
    let evil = get_route(
        &server,
        "/api/v1/agents/evil",
        vec![Answer::ok(hostile_agent())],
    );
    let bad = server.mock(|when, then| {
        api_get(when, "/api/v1/agents/bad");
        then.status(500)
            .header("content-type", "application/json")
            .header("x-evil", "a\tb")
            .body(r#"{"message":"boom\u001b]0;owned\u0007\u001b[2J\r"}"#);
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    for format in ["table", "wide"] {
        let ran = run(world
            .cmd_at(&server.base_url())
            .args(["agent", "show", "evil", "-o", format]));
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert_no_raw_controls(&ran);
        assert!(
            ran.stdout.contains("x\\x1b]0;pwned\\x07y"),
            "{}",
            ran.stdout
        );
    }
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "show", "evil", "-o", "wide"]));
    assert!(
        ran.stdout.contains("k\\x1b[1m=v\\r\\n"),
        "labels are sanitized: {}",
        ran.stdout
    );
    let ran = run(world.cmd_at(&server.base_url()).args([
        "agent",
        "show",
        "bad",
        "-vv",
        "--retries",
        "0",
    ]));
    assert_eq!(ran.code, 5);
    assert_no_raw_controls(&ran);
    assert!(ran.stderr.contains("boom\\x1b]0;owned"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("x-evil: a\\tb"),
        "verbose headers are sanitized: {}",
        ran.stderr
    );
    // JSON output stays valid JSON carrying the exact strings.
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "show", "evil", "-o", "json"]));
    let agent: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(agent["name"], "x\u{1b}]0;pwned\u{7}y");
    assert!(!ran.stdout.contains('\u{1b}'));
    evil.mock.assert_calls(4);
    bad.assert_calls(1);
    unexpected.assert_calls(0);
}

#[test]
fn a_redirect_to_another_origin_is_not_followed_and_the_token_stays_home() {
    let elsewhere = MockServer::start();
    let reached = nothing_else(&elsewhere);
    for location in [
        format!("http://localhost:{}/api/v1/agents/a1", elsewhere.port()),
        format!("{}/api/v1/agents/a1", elsewhere.base_url()),
    ] {
        let origin = MockServer::start();
        let redirect = origin.mock(|when, then| {
            api_get(when, "/api/v1/agents/a1");
            then.status(307).header("location", location);
        });
        let unexpected = nothing_else(&origin);
        let world = World::new();
        let ran = run(world
            .cmd_at(&origin.base_url())
            .args(["agent", "show", "a1"]));
        assert_eq!(ran.code, 5, "{}", ran.stderr);
        assert!(
            ran.stderr.contains("307") && ran.stderr.contains("not followed"),
            "{}",
            ran.stderr
        );
        // Asked once, with the token.
        redirect.assert_calls(1);
        unexpected.assert_calls(0);
    }
    // Nothing reached the other origin.
    reached.assert_calls(0);
}

#[test]
fn a_redirect_within_the_origin_is_followed_with_the_token() {
    let server = MockServer::start();
    let old = server.mock(|when, then| {
        api_get(when, "/old/api/v1/agents/a1");
        then.status(308).header("location", "/new/api/v1/agents/a1");
    });
    let new = server.mock(|when, then| {
        api_get(when, "/new/api/v1/agents/a1");
        then.respond_with(Answer::ok(r#"{"uuid":"a1","status":"online"}"#).into_responder());
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = run(world
        .cmd_at(&format!("{}/old", server.base_url()))
        .args(["agent", "show", "a1", "-o", "json"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    // The redirect, then the new place, with the token.
    old.assert_calls(1);
    new.assert_calls(1);
    unexpected.assert_calls(0);
}

/// Runs agentctl to completion under GNU time and returns its exit code and its peak
/// resident set in KiB: the kernel's count for the process (`ru_maxrss`, as wait4 reports it
/// when the process is reaped), so a process that ends before anyone looks is measured too.
fn run_measuring_peak_rss(world: &World, host: &str, args: &[&str]) -> (i32, u64) {
    let report = world.home().join("peak-rss");
    let status = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_agentctl"))
        .args(args)
        .env("AGENTCTL_HOST", host)
        .env("AGENTCTL_TOKEN", TOKEN)
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("GNU time (/usr/bin/time, Debian package `time`) measures the peak memory");
    let text = std::fs::read_to_string(&report).unwrap();
    let peak_kib = text
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
        .unwrap_or_else(|| panic!("GNU time's report: {text:?}"));
    (status.code().unwrap_or(-1), peak_kib)
}

#[test]
fn huge_bodies_are_cut_off_with_bounded_memory() {
    const SIXTY_FOUR_MIB: u64 = 64 * 1024 * 1024;
    for content_length in [Some(SIXTY_FOUR_MIB), None] {
        let stub = Stub::start(move |_| Reply::Endless {
            content_length,
            total: SIXTY_FOUR_MIB,
        });
        let world = World::new();
        let ran = run(world.cmd_at(&stub.url()).args(["agent", "show", "a1"]));
        assert_eq!(ran.code, 5, "{}", ran.stderr);
        assert!(ran.stderr.contains("larger than 16 MiB"), "{}", ran.stderr);
        let (code, peak_kib) =
            run_measuring_peak_rss(&world, &stub.url(), &["agent", "show", "a1"]);
        assert_eq!(code, 5);
        // A measurement (any running agentctl holds a few MiB), and a bounded one.
        assert!(
            (1024..48 * 1024).contains(&peak_kib),
            "peak RSS {} MiB reading a 64 MiB body",
            peak_kib / 1024
        );
        assert_eq!(stub.requests().len(), 2);
    }
}

#[test]
fn a_stalled_body_times_out_within_the_request_timeout() {
    // The body stops after 8 of its 1000 bytes and the server waits for the client to hang
    // up: only --request-timeout ends the call (a client without it would be stopped by the
    // harness a minute later, failing the test). The message names the flag's value.
    let stub = Stub::start(|_| Reply::Stall {
        head_and_start: b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n{\"uuid\":".to_vec(),
    });
    let world = World::new();
    let ran =
        run(world
            .cmd_at(&stub.url())
            .args(["agent", "show", "a1", "--request-timeout", "1s"]));
    insta::assert_snapshot!(
        ran.transcript(),
        @"
    [exit status: 6]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: no complete answer within 1s (--request-timeout)
    hint: the server is slow or unreachable; raise --request-timeout if it is just slow
    "
    );
    assert_eq!(stub.requests().len(), 1, "a timeout is not retried");
}

#[test]
fn a_connection_reset_is_a_network_or_api_error() {
    let stub = Stub::start(|_| Reply::Reset);
    let world = World::new();
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["agent", "show", "a1", "--retries", "1"]));
    assert!(
        ran.code == 5 || ran.code == 6,
        "{}: {}",
        ran.code,
        ran.stderr
    );
}

#[test]
fn plain_http_with_a_token_to_a_remote_host_is_refused_before_connecting() {
    let world = World::new();
    // Refused as a usage error (exit 2) that names the flag; had it tried to connect first,
    // `.invalid` (which never resolves) would have made it a network error (exit 6).
    let ran = run(world
        .cmd_at("http://agents.invalid")
        .args(["agent", "show", "a1"]));
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: refusing to send the token over plain http:// to agents.invalid
    hint: use an https:// host, or pass --allow-insecure-http if this network is trusted
    ");
    // With the flag it proceeds to connect: `.invalid` never resolves, so that is a network error.
    let ran = run(world.cmd_at("http://agents.invalid").args([
        "agent",
        "show",
        "a1",
        "--allow-insecure-http",
        "--retries",
        "0",
    ]));
    assert_eq!(ran.code, 6, "{}", ran.stderr);
}

#[test]
fn a_server_that_echoes_the_token_does_not_get_it_printed() {
    // Echoes the Authorization header back in an error body and in a header.
    let echo = |req: &HttpMockRequest| {
        let auth = req
            .headers_vec()
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        let body = serde_json::json!({"message": format!("bad credentials: {auth}")});
        HttpMockResponse::builder()
            .status(401)
            .header("content-type", "application/json")
            .header("x-echo", auth)
            .body(body.to_string())
            .build()
    };
    let server = MockServer::start();
    let show = server.mock(|when, then| {
        api_get(when, "/api/v1/agents/nope");
        then.respond_with(echo);
    });
    let beat = server.mock(|when, then| {
        api_put(when, "/api/v1/agents/nope/heartbeat", MINIMAL_BODY);
        then.respond_with(echo);
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    // `run` fails the test if the token appears anywhere in stdout or stderr.
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "show", "nope", "-vv"]));
    assert_eq!(ran.code, 3);
    assert!(
        ran.stderr.contains("bad credentials: Bearer [REDACTED]"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("x-echo: Bearer [REDACTED]"),
        "{}",
        ran.stderr
    );
    let ran = run(world.cmd_at(&server.base_url()).args([
        "watch",
        "nope",
        "--interval",
        "1s",
        "--timeout",
        "1s",
        "-o",
        "ndjson",
    ]));
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["heartbeat", "send", "nope"])
        .args(MINIMAL_BEAT)
        .args(["--every", "1s", "--count", "1"]));
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    // The show and the watch's one poll (a refused token ends it); the one beat.
    show.assert_calls(2);
    beat.assert_calls(1);
    unexpected.assert_calls(0);
}
