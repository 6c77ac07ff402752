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
