//! Which token, host and profile a call uses: the environment over what is stored, the flag
//! over the variable, and `auth status` saying where each came from.

use super::*;

#[test]
fn precedence_env_token_over_stored_and_profile_selection() {
    let prod = MockServer::start();
    let staging = MockServer::start();
    fn answer<'a>(server: &'a MockServer, token: &str) -> httpmock::Mock<'a> {
        server.mock(|when, then| {
            when.method(GET)
                .path("/api/v1/agents/a1")
                .header("authorization", format!("Bearer {token}"));
            then.status(200).body(seed_response_for("a1"));
        })
    }
    let prod_stored = answer(&prod, "tok-prod-stored-0001");
    let prod_env = answer(&prod, TOKEN);
    let staging_stored = answer(&staging, "tok-staging-stored-02");
    // prod has no listing, so `auth status` cannot check a token there.
    let no_listing = prod.mock(|when, then| {
        target(when.method(GET), "/api/v1/agents?page=1&pageSize=1")
            .header("authorization", "Bearer tok-prod-stored-0001");
        then.status(404)
            .header("content-type", "application/json")
            .body(r#"{"message":"no listing here"}"#);
    });

    let world = World::new();
    assert_eq!(
        login(
            &world,
            "tok-prod-stored-0001",
            &["--host", &prod.base_url()]
        )
        .code,
        0
    );
    let ran = login(
        &world,
        "tok-staging-stored-02",
        &["--host", &staging.base_url(), "--profile", "staging"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stderr.contains("current profile"), "{}", ran.stderr);

    // The current profile (the first one logged in).
    assert_eq!(show(&world, &[]).code, 0);
    prod_stored.assert_calls(1);
    // The environment's token wins over the stored one.
    assert_eq!(show(&world, &[]).code, 0);
    let ran = run(world
        .cmd()
        .env("AGENTCTL_TOKEN", TOKEN)
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    prod_env.assert_calls(1);
    prod_stored.assert_calls(2);
    // --profile and AGENTCTL_PROFILE select a profile; the flag wins over the variable.
    assert_eq!(show(&world, &["--profile", "staging"]).code, 0);
    let ran = run(world
        .cmd()
        .env("AGENTCTL_PROFILE", "staging")
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    staging_stored.assert_calls(2);
    let ran = run(world.cmd().env("AGENTCTL_PROFILE", "staging").args([
        "agent",
        "show",
        "a1",
        "--profile",
        "default",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    prod_stored.assert_calls(3);

    // auth status: where each value came from, the token masked.
    let ran = run(world.cmd().args(["auth", "status"]));
    let config_dir = world.config_dir().display().to_string();
    let prod_url = prod.base_url();
    let pinned = [
        (config_dir.as_str(), "[CONFIG]"),
        (prod_url.as_str(), "http://127.0.0.1:PORT"),
    ];
    insta::assert_snapshot!(ran.transcript_with(&pinned), @"
    [exit status: 0]
    ----- stdout -----
    Profile:      default  (current_profile in config.toml)
    Host:         http://127.0.0.1:PORT  (profile default)
    Token:        tok-…0001  (profile default)
    Server:       token not checked: the server has no agent listing to check the token with (HTTP 404 Not Found: no listing here)
    Config dir:   [CONFIG]  (env AGENTCTL_CONFIG_DIR)
    Config file:  [CONFIG]/config.toml
    Credentials:  [CONFIG]/credentials.toml
    ----- stderr -----
    ");
    no_listing.assert_calls(1);
    assert!(
        !ran.stdout.contains("tok-prod-stored-0001"),
        "{}",
        ran.stdout
    );

    let ran = run(world
        .cmd()
        .env("AGENTCTL_PROFILE", "staging")
        .env("AGENTCTL_TOKEN", TOKEN)
        .args([
            "auth",
            "status",
            "--offline",
            "--host",
            "https://flag.example.com",
        ]));
    insta::assert_snapshot!(ran.transcript_with(&pinned), @"
    [exit status: 0]
    ----- stdout -----
    Profile:      staging  (env AGENTCTL_PROFILE)
    Host:         https://flag.example.com  (flag --host)
    Token:        tok-…5b4a  (env AGENTCTL_TOKEN)
    Server:       not asked (--offline)
    Config dir:   [CONFIG]  (env AGENTCTL_CONFIG_DIR)
    Config file:  [CONFIG]/config.toml
    Credentials:  [CONFIG]/credentials.toml
    ----- stderr -----
    ");

    let ran = run(world
        .cmd()
        .args(["auth", "status", "--profile", "staging", "-o", "json"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        json["profile"],
        serde_json::json!({"value": "staging", "source": "flag"})
    );
    assert_eq!(
        json["token"],
        serde_json::json!({"value": "tok-…d-02", "source": "profile"})
    );
    assert_eq!(json["host"]["source"], "profile");
    assert_eq!(json["logged_in"], true);
    assert!(!ran.stdout.contains("tok-staging-stored-02"));

    // An unknown profile is a usage error listing the known ones.
    let flag = show(&world, &["--profile", "nope"]);
    let variable = run(world
        .cmd()
        .env("AGENTCTL_PROFILE", "nope")
        .args(["auth", "status"]));
    insta::assert_snapshot!(flag.transcript() + &variable.transcript(), @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: unknown profile 'nope'
    hint: known profiles: default, staging; create a new one with `agentctl auth login --profile nope`
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: unknown profile 'nope'
    hint: known profiles: default, staging; create a new one with `agentctl auth login --profile nope`
    ");
}
