//! `config path | list | get | set | use`: checked values, clear errors, and settings that the
//! other commands then use.

use crate::common::*;
use httpmock::prelude::*;
use std::fs;

fn config(world: &World, args: &[&str]) -> Ran {
    run(world.cmd().arg("config").args(args))
}

/// The transcript of `config ARGS`, the world's config dir written `[CONFIG]`, after a line
/// naming the command.
fn config_transcript(world: &World, args: &[&str]) -> String {
    let ran = config(world, args);
    let dir = world.config_dir().display().to_string();
    format!(
        "$ agentctl config {}\n{}",
        args.join(" "),
        ran.transcript_with(&[(&dir, "[CONFIG]")])
    )
}

#[test]
fn path_names_the_config_file_in_the_chosen_dir() {
    let world = World::new();
    let ran = config(&world, &["path"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stdout,
        format!("{}\n", world.config_dir().join("config.toml").display())
    );
    let elsewhere = world.home().join("elsewhere");
    let ran = run(world
        .cmd()
        .args(["config", "path", "--config-dir"])
        .arg(&elsewhere)
        .args(["-o", "json"]));
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["config_dir"], elsewhere.to_str().unwrap());
    assert_eq!(
        json["credentials_file"],
        elsewhere.join("credentials.toml").to_str().unwrap()
    );
    assert!(!world.config_dir().exists() && !elsewhere.exists());
}

#[test]
fn set_get_list_and_use() {
    let world = World::new();
    insta::assert_snapshot!(config_transcript(&world, &["list"]), @"
    $ agentctl config list
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    No profiles yet: run `agentctl auth login` to create one.
    ");

    // Unset keys read as their defaults; a host has none.
    assert_eq!(config(&world, &["get", "output"]).stdout, "table\n");
    assert_eq!(config(&world, &["get", "request_timeout"]).stdout, "10s\n");
    assert_eq!(config(&world, &["get", "retries"]).stdout, "2\n");
    insta::assert_snapshot!(
        config_transcript(&world, &["get", "host"])
            + &config_transcript(&world, &["set", "host", "https://agents.example.com"]),
        @"
    $ agentctl config get host
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: host is not set in profile 'default'
    hint: set it with `agentctl config set host <VALUE>`
    $ agentctl config set host https://agents.example.com
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    Set host = https://agents.example.com in profile 'default' (new profile), now the current profile.
    "
    );
    for (key, value) in [
        ("output", "JSON"),
        ("request-timeout", "1m30s"),
        ("retries", "0"),
    ] {
        let ran = config(&world, &["set", key, value]);
        assert_eq!(ran.code, 0, "{key}: {}", ran.stderr);
    }
    assert_eq!(config(&world, &["get", "output"]).stdout, "json\n");
    assert_eq!(
        config(&world, &["get", "host"]).stdout,
        "https://agents.example.com\n"
    );
    insta::assert_snapshot!(
        config_transcript(
            &world,
            &[
                "set",
                "host",
                "https://staging.example.com",
                "--profile",
                "staging",
            ],
        ),
        @"
    $ agentctl config set host https://staging.example.com --profile staging
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    Set host = https://staging.example.com in profile 'staging' (new profile).
    "
    );

    // The profile's own output=json applies to `config list` too; -o table gives lines.
    let ran = config(&world, &["list", "-o", "table"]);
    assert_eq!(
        ran.stdout,
        "current_profile=default\n\
         default.host=https://agents.example.com\n\
         default.output=json\n\
         default.request_timeout=1m30s\n\
         default.retries=0\n\
         staging.host=https://staging.example.com\n"
    );
    let ran = config(&world, &["list", "-o", "json"]);
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["current_profile"], "default");
    assert_eq!(json["profiles"]["default"]["retries"], 0);
    assert_eq!(
        json["profiles"]["staging"]["host"],
        "https://staging.example.com"
    );

    insta::assert_snapshot!(config_transcript(&world, &["use", "staging"]), @"
    $ agentctl config use staging
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    Switched to profile 'staging'.
    ");
    assert_eq!(
        config(&world, &["get", "host"]).stdout,
        "https://staging.example.com\n"
    );
    assert_eq!(config(&world, &["get", "output"]).stdout, "table\n");
    assert_eq!(
        config(&world, &["get", "output", "--profile", "default"]).stdout,
        "json\n"
    );

    insta::assert_snapshot!(
        config_transcript(&world, &["use", "prod"])
            + &config_transcript(&world, &["get", "host", "--profile", "prod"]),
        @"
    $ agentctl config use prod
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: unknown profile 'prod'
    hint: known profiles: default, staging; create a new one with `agentctl auth login --profile prod`
    $ agentctl config get host --profile prod
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: unknown profile 'prod'
    hint: known profiles: default, staging; create a new one with `agentctl auth login --profile prod`
    "
    );
    assert!(
        !fs::read_to_string(world.config_dir().join("config.toml"))
            .unwrap()
            .contains("prod")
    );
}

#[test]
fn unknown_keys_and_bad_values_are_usage_errors_that_change_nothing() {
    let world = World::new();
    assert_eq!(config(&world, &["set", "output", "wide"]).code, 0);
    let path = world.config_dir().join("config.toml");
    let before = fs::read(&path).unwrap();
    let mut transcripts = config_transcript(&world, &["set", "colour", "blue"]);
    transcripts.push_str(&config_transcript(&world, &["get", "colour"]));
    for (key, value, expect) in [
        ("output", "xml", "expected one of table, wide, json, ndjson"),
        ("host", "not-a-url", "did you mean https://not-a-url"),
        (
            "host",
            "ftp://h.example.com",
            "not an http:// or https:// URL",
        ),
        ("request_timeout", "soon", "examples: 90, 90s, 5m"),
        ("request_timeout", "0", "must be more than 0"),
        ("request_timeout", "0ms", "must be more than 0"),
        ("retries", "many", "whole number"),
        ("cacert", "/no/such/ca.pem", "is not a file"),
    ] {
        let transcript = config_transcript(&world, &["set", key, value]);
        assert!(
            transcript.contains(&format!("invalid value for {key}")) && transcript.contains(expect),
            "{key}={value}: {transcript}"
        );
        transcripts.push_str(&transcript);
    }
    transcripts.push_str(&config_transcript(&world, &["set", "token", "abc"]));
    insta::assert_snapshot!(transcripts, @"
    $ agentctl config set colour blue
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: unknown config key 'colour'; valid keys: host, output, request_timeout, retries, cacert
    $ agentctl config get colour
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: unknown config key 'colour'; valid keys: host, output, request_timeout, retries, cacert
    $ agentctl config set output xml
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value for output: 'xml' (expected one of table, wide, json, ndjson)
    $ agentctl config set host not-a-url
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value for host: 'not-a-url' is not a URL (relative URL without a base)
    hint: did you mean https://not-a-url ?
    $ agentctl config set host ftp://h.example.com
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value for host: 'ftp://h.example.com' is not an http:// or https:// URL
    $ agentctl config set request_timeout soon
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value for request_timeout: 'soon' is not a duration (expected number at 0); examples: 90, 90s, 5m, 1h30m, 2d
    $ agentctl config set request_timeout 0
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value for request_timeout: must be more than 0 (examples: 500ms, 5s, 1m)
    $ agentctl config set request_timeout 0ms
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value for request_timeout: must be more than 0 (examples: 500ms, 5s, 1m)
    $ agentctl config set retries many
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value for retries: 'many' is not a whole number of retries (e.g. 0, 2, 5)
    $ agentctl config set cacert /no/such/ca.pem
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value for cacert: /no/such/ca.pem is not a file
    $ agentctl config set token abc
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: the token is not a config key
    hint: a token on the command line lands in shell history; store it with `agentctl auth login` (or pipe it to `agentctl auth login --with-token`)
    ");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn profile_settings_apply_below_flags_and_environment() {
    let server = MockServer::start();
    let unavailable = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents/a1")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).body(seed_response_for("a1"));
    });
    let world = World::new();
    let ran = run(world
        .cmd()
        .args([
            "auth",
            "login",
            "--with-token",
            "--host",
            &server.base_url(),
        ])
        .write_stdin(TOKEN));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(config(&world, &["set", "output", "json"]).code, 0);

    // The profile's output applies...
    let ran = run(world.cmd().args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["name"], "prod-agent-01");
    // ...below the environment and the flag.
    let ran = run(world
        .cmd()
        .env("AGENTCTL_OUTPUT", "ndjson")
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.stdout.lines().count(), 1, "{}", ran.stdout);
    let ran = run(world.cmd().args(["agent", "show", "a1", "-o", "table"]));
    assert!(
        ran.stdout.contains("prod-agent-01") && !ran.stdout.contains('{'),
        "{}",
        ran.stdout
    );
    unavailable.assert_calls(3);
}

#[test]
fn a_bad_stored_value_is_an_error_naming_file_and_key_and_config_set_fixes_it() {
    let server = MockServer::start();
    let ok = server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents/a1");
        then.status(200).body(seed_response_for("a1"));
    });
    let world = World::new();
    let dir = world.config_dir();
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    fs::write(
        &path,
        format!(
            "current_profile = \"default\"\n[profiles.default]\nhost = \"{}\"\noutput = \"xml\"\n",
            server.base_url()
        ),
    )
    .unwrap();
    let ran = run(world
        .cmd()
        .env("AGENTCTL_TOKEN", TOKEN)
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "{}: profile 'default': output: invalid value",
            path.display()
        )),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("agentctl config set output"),
        "{}",
        ran.stderr
    );
    // A flag makes the stored value irrelevant; `config set` replaces it.
    let ran = run(world
        .cmd()
        .env("AGENTCTL_TOKEN", TOKEN)
        .args(["agent", "show", "a1", "-o", "json"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(config(&world, &["set", "output", "wide"]).code, 0);
    let ran = run(world
        .cmd()
        .env("AGENTCTL_TOKEN", TOKEN)
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("ENDPOINT"), "{}", ran.stdout);
    ok.assert_calls(2);
}

#[test]
fn config_set_refuses_what_the_flag_refuses_and_for_the_same_reason() {
    let world = World::new();
    for (key, flag, value, reason) in [
        (
            "request_timeout",
            "--request-timeout",
            "0",
            "must be more than 0",
        ),
        ("retries", "--retries", "x", "not a whole number of retries"),
    ] {
        let by_flag = run(world
            .cmd()
            .args([&format!("{flag}={value}"), "config", "path"]));
        assert_eq!(by_flag.code, 2, "{}", by_flag.stderr);
        assert!(by_flag.stderr.contains(reason), "{}", by_flag.stderr);
        let by_set = config(&world, &["set", key, value]);
        assert_eq!(by_set.code, 2, "{}", by_set.stderr);
        assert!(by_set.stderr.contains(reason), "{}", by_set.stderr);
    }
    assert!(!world.config_dir().exists(), "nothing was written");

    // A zero timeout written by hand is refused when read, naming the file and the fix.
    let dir = world.config_dir();
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    fs::write(
        &path,
        "current_profile = \"default\"\n[profiles.default]\nhost = \"http://127.0.0.1:9\"\nrequest_timeout = 0\n",
    )
    .unwrap();
    let ran = run(world.cmd().args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "{}: profile 'default': request_timeout: must be more than 0",
            path.display()
        )),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("agentctl config set request_timeout <VALUE> --profile default"),
        "{}",
        ran.stderr
    );
    assert_eq!(config(&world, &["set", "request_timeout", "30s"]).code, 0);
    assert_eq!(config(&world, &["get", "request_timeout"]).stdout, "30s\n");
}
