//! `auth token` and what follows it.

use super::*;

#[test]
fn auth_token_prints_the_raw_token_alone() {
    let world = World::new();
    let token = "tok-for-scripts-123456";
    assert_eq!(
        login(
            &world,
            &format!("  {token}  "),
            &["--host", "https://h.example.com"]
        )
        .code,
        0
    );
    let ran = run(world.cmd().args(["auth", "token"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, format!("{token}\n"));
    assert_eq!(ran.stderr, "");
    let ran = run(world
        .cmd()
        .env("AGENTCTL_TOKEN", "tok-from-env-000")
        .args(["auth", "token"]));
    assert_eq!(ran.stdout, "tok-from-env-000\n");
}

#[test]
fn a_stored_token_is_not_sent_to_a_host_given_by_flag_or_env_of_another_origin() {
    let home = MockServer::start();
    let other = MockServer::start();
    let home_calls = home.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents/a1")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).body(seed_response_for("a1"));
    });
    let other_calls = other.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents/a1")
            .header_missing("authorization");
        then.status(401)
            .json_body(serde_json::json!({"message": "who are you"}));
    });
    let world = World::new();
    assert_eq!(login(&world, TOKEN, &["--host", &home.base_url()]).code, 0);

    let ran = show(&world, &["--host", &other.base_url()]);
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "warning: not sending the token of profile 'default' to {} (--host): it belongs to {}",
            other.base_url(),
            home.base_url()
        )),
        "{}",
        ran.stderr
    );
    let ran = run(world
        .cmd()
        .env("AGENTCTL_HOST", other.base_url())
        .args(["auth", "status"]));
    assert_eq!(ran.code, 3);
    assert!(
        ran.stdout.contains("Token:        (not used: not sending"),
        "{}",
        ran.stdout
    );
    other_calls.assert_calls(1);

    // The same origin, spelled with a trailing slash, is the profile's own host.
    let ran = show(&world, &["--host", &format!("{}/", home.base_url())]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stderr.contains("warning"), "{}", ran.stderr);
    home_calls.assert_calls(1);
}
