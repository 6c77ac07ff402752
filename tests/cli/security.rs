//! Issue 19, client side: where the token may go (proxies, userinfo, other origins) and where
//! it must never show (cut quotes, echoed records); records that are not what was asked for.

use crate::common::stub::{Reply, Stub, response};
use crate::common::*;

/// The token's first characters: no output may hold even these.
const TOKEN_HEAD: &str = "tok-5ecr";

fn assert_no_fragment(ran: &Ran) {
    for (name, text) in [("stdout", &ran.stdout), ("stderr", &ran.stderr)] {
        assert!(
            !text.contains(TOKEN_HEAD),
            "a token fragment reached {name}:\n{text}"
        );
    }
}

#[test]
fn a_token_cut_by_the_200_character_quote_is_still_redacted() {
    // The audit's reproduction: the token after 185 characters of filler.
    let message = format!("{}{TOKEN} was refused", "x".repeat(185));
    let body = serde_json::json!({ "message": message }).to_string();
    let stub = Stub::start(move |_| Reply::Json(500, body.clone()));
    let world = World::new();
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["agent", "show", "a1", "--retries", "0"]));
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(ran.stderr.contains(&"x".repeat(185)), "{}", ran.stderr);
    assert!(ran.stderr.contains("[REDACTED]"), "{}", ran.stderr);
    assert_no_fragment(&ran);

    // The same quote in --every's JSON lines.
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["heartbeat", "send", "a1", "--every", "1s", "--count", "1"])
        .args(MINIMAL_BEAT)
        .args(["-o", "json"]));
    assert!(ran.stdout.contains("[REDACTED]"), "{}", ran.stdout);
    assert_no_fragment(&ran);
}

/// A record that echoes the token: in a field, inside labels, in a key of its own.
fn echoing_record(uuid: &str) -> String {
    serde_json::json!({
        "uuid": uuid, "name": format!("agent of {TOKEN}"), "status": "online",
        "region": TOKEN, "labels": {"token": TOKEN}, "debug": {TOKEN: [TOKEN]},
    })
    .to_string()
}

#[test]
fn a_token_echoed_in_a_record_is_redacted_in_every_output() {
    let stub = Stub::start(|req| {
        if req.path.starts_with("/api/v1/agents?") || req.path == "/api/v1/agents" {
            Reply::Json(200, format!("[{}]", echoing_record("a1")))
        } else {
            Reply::Json(200, echoing_record("a1"))
        }
    });
    let world = World::new();
    for format in ["table", "wide", "json", "ndjson"] {
        for command in [&["agent", "show", "a1"][..], &["agent", "list"][..]] {
            let ran = run(world.cmd_at(&stub.url()).args(command).args(["-o", format]));
            assert_eq!(ran.code, 0, "{}", ran.stderr);
            assert!(
                ran.stdout.contains("[REDACTED]"),
                "{format}: {}",
                ran.stdout
            );
        }
    }
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["agent", "show", "a1", "-o", "json"]));
    let agent: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(agent["name"], "agent of [REDACTED]");
    assert_eq!(agent["labels"]["token"], "[REDACTED]");
    assert_eq!(agent["debug"]["[REDACTED]"][0], "[REDACTED]");

    // Watch events carry the record too.
    let ran = run(world.cmd_at(&stub.url()).args([
        "watch",
        "a1",
        "--interval",
        "200ms",
        "--until",
        "online",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("agent of [REDACTED]"), "{}", ran.stdout);

    // The heartbeat's answer is a record as well.
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["heartbeat", "send", "a1", "-o", "json"])
        .args(MINIMAL_BEAT));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("agent of [REDACTED]"), "{}", ran.stdout);
}

#[test]
fn a_host_with_a_user_and_password_is_refused_without_printing_the_password() {
    let stub = Stub::start(|_| Reply::Json(200, echoing_record("a1")));
    let world = World::new();
    let host = format!("http://admin:hunter2pw@127.0.0.1:{}", stub.port());
    for args in [
        &["agent", "show", "a1"][..],
        &["auth", "status"][..],
        &["heartbeat", "send", "a1", "--dry-run"][..],
    ] {
        let mut cmd = world.cmd_at(&host);
        cmd.args(args);
        if args[0] == "heartbeat" {
            cmd.args(MINIMAL_BEAT);
        }
        let ran = run(&mut cmd);
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(
            !ran.stdout.contains("hunter2pw") && !ran.stderr.contains("hunter2pw"),
            "{}{}",
            ran.stdout,
            ran.stderr
        );
        assert!(
            ran.stderr.contains("user name or password"),
            "{}",
            ran.stderr
        );
    }
    // Also when the URL does not parse: the password is not quoted.
    let ran = run(world
        .cmd_at("http://admin:hunter2pw@[bad")
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(!ran.stderr.contains("hunter2pw"), "{}", ran.stderr);
    assert!(stub.requests().is_empty());
}

#[test]
fn a_record_for_another_uuid_is_an_api_error() {
    let stub =
        Stub::start(|_| Reply::Json(200, r#"{"uuid":"SOMEONE-ELSE","status":"online"}"#.into()));
    let world = World::new();
    let ran = run(world.cmd_at(&stub.url()).args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(!ran.stdout.contains("SOMEONE-ELSE"), "{}", ran.stdout);
    assert!(
        ran.stderr.contains("SOMEONE-ELSE") && ran.stderr.contains("a1"),
        "{}",
        ran.stderr
    );
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["heartbeat", "send", "a1"])
        .args(MINIMAL_BEAT));
    assert_eq!(ran.code, 5, "{}", ran.stderr);
}

#[test]
fn a_redirect_loop_is_an_api_error() {
    let stub =
        Stub::start(|req| Reply::Raw(response(302, b"", &format!("location: {}\r\n", req.path))));
    let world = World::new();
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["agent", "show", "a1", "--retries", "0"]));
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(ran.stderr.contains("redirect"), "{}", ran.stderr);
}

#[test]
fn duplicate_keys_in_a_heartbeat_body_are_refused() {
    let stub = Stub::start(|_| Reply::Json(200, echoing_record("a1")));
    let world = World::new();
    let body = r#"{"version":"1.2.3","uptime":1,"cpuUsage":1,"memUsage":2,"version":"6.6.6"}"#;
    let ran = run(world
        .cmd_at(&stub.url())
        .args(["heartbeat", "send", "a1", "--body", "-"])
        .write_stdin(body));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("version") && ran.stderr.contains("twice"),
        "{}",
        ran.stderr
    );
    assert!(stub.requests().is_empty());
}

#[test]
fn core_dumps_are_off() {
    // A listener that accepts and never answers: the client waits, and its limits can be read.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let world = World::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"))
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .env("AGENTCTL_TOKEN", TOKEN)
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .args(["--host", &format!("http://127.0.0.1:{port}")])
        .args(["agent", "show", "a1", "--request-timeout", "30s"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (_connection, _) = listener.accept().unwrap();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let numbers: Vec<&str> = core.split_whitespace().skip(4).take(2).collect();
    assert_eq!(numbers, ["0", "0"], "{core}");
}
