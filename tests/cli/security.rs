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
