//! What `heartbeat simulate` puts on the wire: its own lean HTTP/1.1 connections send exactly
//! the request of the contract, reuse their connections, and keep the client's safety rules
//! (redaction, TLS, and the client itself when a proxy applies).

use crate::common::mock::*;
use crate::common::stub::{KeepAlive, Leaf, Reply, Stub, TlsStub, WhenIdle};
use crate::common::*;
use serde_json::Value;

const PATH: &str = "/api/v1/agents/sim-0001/heartbeat";

/// The heartbeat of `sim-0001` as agentctl sends it: a body with the seed's four fields.
fn sim_beat(when: When) -> When {
    api_headers(target(when.method(PUT), PATH))
        .header("content-type", "application/json")
        .is_true(|req| {
            let body: Value = serde_json::from_slice(req.body_ref()).unwrap_or_default();
            body.as_object().is_some_and(|fields| {
                fields
                    .keys()
                    .eq(["version", "uptime", "cpuUsage", "memUsage"])
            })
        })
}

#[test]
fn every_beat_is_the_contract_request_byte_for_byte_on_one_kept_alive_connection() {
    let server = KeepAlive::start(200, r#"{"uuid":"sim-0001"}"#);
    let world = World::new();
    // One request in flight at a time, so that however slow this machine is, a beat never
    // finds the connection busy.
    let ran = simulate_one(
        &world,
        &server.url(),
        &["--beats", "3", "--concurrency", "1"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(summary["ok"], 3, "{summary}");

    let received = server.received();
    assert_eq!(received.len(), 3);
    let port = server.url().rsplit(':').next().unwrap().to_owned();
    for request in &received {
        assert_eq!(request.connection, 0, "every beat on the first connection");
        let raw = String::from_utf8(request.raw.clone()).unwrap();
        let (_, body) = raw.split_once("\r\n\r\n").unwrap();
        // The body: the seed's four fields in its order, compact, the usages with one decimal
        // at most, the version of a simulated agent.
        let value: Value = serde_json::from_str(body).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["version", "uptime", "cpuUsage", "memUsage"],
            "{body}"
        );
        assert_eq!(serde_json::to_string(&value).unwrap(), body, "compact JSON");
        assert_eq!(
            value["version"],
            format!("{}-sim", env!("CARGO_PKG_VERSION"))
        );
        assert!(value["uptime"].is_u64(), "{body}");
        for usage in ["cpuUsage", "memUsage"] {
            let n = value[usage].as_f64().unwrap();
            assert!((0.0..=100.0).contains(&n), "{body}");
            assert!(((n * 10.0).round() - n * 10.0).abs() < 1e-9, "{body}");
        }
        let expected = format!(
            "PUT {PATH} HTTP/1.1\r\n\
             host: 127.0.0.1:{port}\r\n\
             user-agent: agentctl/{}\r\n\
             accept: application/json\r\n\
             authorization: Bearer {TOKEN}\r\n\
             content-type: application/json\r\n\
             content-length: {}\r\n\r\n{body}",
            env!("CARGO_PKG_VERSION"),
            body.len()
        );
        assert_eq!(raw, expected);
    }
}

#[test]
fn an_idle_connection_the_server_closed_is_replaced_without_losing_the_beat() {
    // Answers without `connection: close`, then closes: the next beat finds the connection
    // gone and goes out on a new one.
    let stub =
        Stub::start(|_| Reply::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".to_vec()));
    let world = World::new();
    let ran = simulate_one(&world, &stub.url(), &["--beats", "3"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(summary["ok"], 3, "{summary}");
    assert_eq!(summary["failed"], serde_json::json!({}), "{summary}");
    assert_eq!(stub.requests().len(), 3);
}

/// Four beats, one at a time, 100 ms apart: each finds the connection the last one used idle
/// (and the server's unasked bytes there), and the summary's counts are compared with what the
/// server received.
fn idle_beats(server: &KeepAlive) -> (Value, usize) {
    let world = World::new();
    let mut cmd = world.cmd_at(&server.url());
    cmd.args([
        "heartbeat",
        "simulate",
        "--agents",
        "1",
        "--interval",
        "100ms",
        "--beats",
        "4",
        "--concurrency",
        "1",
        "--retries",
        "0",
        "-o",
        "json",
    ]);
    let ran = run(&mut cmd);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    (summary, server.received().len())
}

#[test]
fn an_idle_connection_the_server_closed_with_a_408_is_not_used_and_no_beat_is_lost() {
    // The server's idle timeout: a 408 nobody asked for, then the connection closed. Before
    // the check the next beat read that 408 as its answer: counted as failed, never received.
    let server = KeepAlive::start_idle(
        200,
        r#"{"uuid":"sim-0001"}"#,
        WhenIdle::SendAndClose(
            b"HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
        ),
    );
    let (summary, received) = idle_beats(&server);
    assert_eq!(received, 4, "{summary}");
    assert_eq!(summary["sent"], 4, "{summary}");
    assert_eq!(summary["ok"], 4, "{summary}");
    assert_eq!(summary["failed"], serde_json::json!({}), "{summary}");
}

#[test]
fn a_stale_answer_sent_while_idle_is_not_counted_against_the_next_beat() {
    // A 500 nobody asked for, on a connection kept open: before the check the next beat took
    // it as its own answer, and each later beat the answer meant for the one before.
    let server = KeepAlive::start_idle(
        200,
        r#"{"uuid":"sim-0001"}"#,
        WhenIdle::Send(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 2\r\n\r\n{}"),
    );
    let (summary, received) = idle_beats(&server);
    assert_eq!(received, 4, "{summary}");
    assert_eq!(summary["sent"], 4, "{summary}");
    assert_eq!(summary["ok"], 4, "{summary}");
    assert_eq!(summary["failed"], serde_json::json!({}), "{summary}");
    let connections: std::collections::BTreeSet<usize> =
        server.received().iter().map(|r| r.connection).collect();
    assert_eq!(connections.len(), 4, "each beat on a connection of its own");
}

#[test]
fn a_token_echoed_by_the_server_is_redacted_from_every_failure() {
    for (status, body) in [
        (500, format!(r#"{{"message":"token {TOKEN} is broken"}}"#)),
        (200, format!("<html>{TOKEN}</html>")),
    ] {
        let server = MockServer::start();
        let beats = route(&server, sim_beat, vec![Answer::json(status, body.clone())]);
        let unexpected = nothing_else(&server);
        let world = World::new();
        let ran = simulate_one(&world, &server.base_url(), &["--beats", "2"]);
        assert_eq!(ran.code, 5, "{status}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("[REDACTED]"),
            "{status}: {}",
            ran.stderr
        );
        assert!(!ran.stdout.contains(TOKEN) && !ran.stderr.contains(TOKEN));
        beats.mock.assert_calls(2);
        unexpected.assert_calls(0);
    }
}

#[test]
fn https_uses_the_same_tls_rules_as_every_other_command() {
    let stub = TlsStub::start(Leaf::Good, r#"{"uuid":"sim-0001"}"#);
    let world = World::new();
    let ran = simulate_one(&world, &stub.url("localhost"), &["--beats", "2"]);
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    assert!(ran.stderr.contains("unknown issuer"), "{}", ran.stderr);
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        summary["failed"],
        serde_json::json!({"tls": 2}),
        "{summary}"
    );

    let ca = world.home().join("ca.pem");
    std::fs::write(&ca, &stub.ca_pem).unwrap();
    let ca = ca.to_str().unwrap();
    let ran = simulate_one(
        &world,
        &stub.url("localhost"),
        &["--beats", "2", "--cacert", ca],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(summary["ok"], 2, "{summary}");

    let expired = TlsStub::start(Leaf::Expired, "{}");
    std::fs::write(world.home().join("ca2.pem"), &expired.ca_pem).unwrap();
    let ca2 = world.home().join("ca2.pem");
    let ran = simulate_one(
        &world,
        &expired.url("localhost"),
        &["--beats", "1", "--cacert", ca2.to_str().unwrap()],
    );
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    assert!(ran.stderr.contains("expired"), "{}", ran.stderr);
}

#[test]
fn a_token_over_plain_http_to_another_machine_is_refused_before_anything_is_sent() {
    let world = World::new();
    let ran = simulate_one(&world, "http://agents.invalid", &["--beats", "1"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("plain http://"), "{}", ran.stderr);
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
}

#[test]
fn verbose_logs_each_request_and_answer_with_the_token_redacted() {
    let server = MockServer::start();
    let beat = route(
        &server,
        sim_beat,
        vec![Answer::ok(r#"{"uuid":"sim-0001"}"#)],
    );
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = simulate_one(&world, &server.base_url(), &["--beats", "1", "-vv"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let url = format!("{}{PATH}", server.base_url());
    for line in [
        format!("> PUT {url}"),
        "> authorization: Bearer [REDACTED]".to_owned(),
        "> content-type: application/json".to_owned(),
        format!("< PUT {url} 200 OK"),
        "< content-type: application/json".to_owned(),
    ] {
        assert!(
            ran.stderr.contains(&line),
            "{line:?} missing:\n{}",
            ran.stderr
        );
    }
    assert!(!ran.stderr.contains(TOKEN));
    beat.mock.assert_calls(1);
    unexpected.assert_calls(0);
}

#[test]
fn a_stalled_or_oversized_answer_is_a_counted_failure_not_a_hang() {
    // The server waits for the client to hang up: only --request-timeout ends the beat, and
    // the message names the flag's value.
    let stalled = Stub::start(|_| Reply::Stall {
        head_and_start: b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"uu".to_vec(),
    });
    let world = World::new();
    let ran = simulate_one(
        &world,
        &stalled.url(),
        &["--beats", "1", "--request-timeout", "300ms"],
    );
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("no complete answer within 300ms (--request-timeout)"),
        "{}",
        ran.stderr
    );
    assert_eq!(stalled.requests().len(), 1);
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        summary["failed"],
        serde_json::json!({"timeout": 1}),
        "{summary}"
    );
    assert!(ran.stderr.contains("--request-timeout"), "{}", ran.stderr);

    let huge = Stub::start(|_| {
        Reply::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 999999999999\r\n\r\n{}".to_vec())
    });
    let ran = simulate_one(&world, &huge.url(), &["--beats", "1"]);
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        summary["failed"],
        serde_json::json!({"malformed": 1}),
        "{summary}"
    );
    assert!(ran.stderr.contains("larger than 16 MiB"), "{}", ran.stderr);
}
