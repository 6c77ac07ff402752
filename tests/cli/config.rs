//! `config path | list | get | set | use`: checked values, clear errors, and settings that the
//! other commands then use.

use crate::common::*;
use httpmock::prelude::*;
use std::fs;

fn config(world: &World, args: &[&str]) -> Ran {
    run(world.cmd().arg("config").args(args))
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
    let ran = config(&world, &["list"]);
    assert_eq!((ran.code, ran.stdout.as_str()), (0, ""));
    assert!(ran.stderr.contains("agentctl auth login"), "{}", ran.stderr);

    // Unset keys read as their defaults; a host has none.
    assert_eq!(config(&world, &["get", "output"]).stdout, "table\n");
    assert_eq!(config(&world, &["get", "request_timeout"]).stdout, "10s\n");
    assert_eq!(config(&world, &["get", "retries"]).stdout, "2\n");
    let ran = config(&world, &["get", "host"]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr.contains("host is not set in profile 'default'"),
        "{}",
        ran.stderr
    );

    let ran = config(&world, &["set", "host", "https://agents.example.com"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("in profile 'default' (new profile), now the current profile"),
        "{}",
        ran.stderr
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
    let ran = config(
        &world,
        &[
            "set",
            "host",
            "https://staging.example.com",
            "--profile",
            "staging",
        ],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stderr.contains("current"), "{}", ran.stderr);

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

    let ran = config(&world, &["use", "staging"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("Switched to profile 'staging'"),
        "{}",
        ran.stderr
    );
    assert_eq!(
        config(&world, &["get", "host"]).stdout,
        "https://staging.example.com\n"
    );
    assert_eq!(config(&world, &["get", "output"]).stdout, "table\n");
    assert_eq!(
        config(&world, &["get", "output", "--profile", "default"]).stdout,
        "json\n"
    );

    let ran = config(&world, &["use", "prod"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("unknown profile 'prod'")
            && ran.stderr.contains("known profiles: default, staging"),
        "{}",
        ran.stderr
    );
    let ran = config(&world, &["get", "host", "--profile", "prod"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
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
    let ran = config(&world, &["set", "colour", "blue"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr
            .contains("unknown config key 'colour'; valid keys: host, output, request_timeout, retries, cacert"),
        "{}",
        ran.stderr
    );
    let ran = config(&world, &["get", "colour"]);
    assert_eq!(ran.code, 2);
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
        let ran = config(&world, &["set", key, value]);
        assert_eq!(ran.code, 2, "{key}={value}: {}", ran.stderr);
        assert!(
            ran.stderr.contains(&format!("invalid value for {key}")) && ran.stderr.contains(expect),
            "{key}={value}: {}",
            ran.stderr
        );
    }
    let ran = config(&world, &["set", "token", "abc"]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("agentctl auth login"), "{}", ran.stderr);
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
