use crate::common::*;
use httpmock::prelude::*;

fn server_with_agents() -> MockServer {
    let server = MockServer::start();
    for (id, status) in [("a1", "online"), ("a2", "offline")] {
        server.mock(|when, then| {
            when.method(GET).path(format!("/api/v1/agents/{id}"));
            then.status(200).json_body(
                serde_json::json!({"uuid": id, "status": status, "labels": "{\"env\":\"prod\"}"}),
            );
        });
    }
    server
}

#[test]
fn jq_filters_one_record_and_raw_prints_strings_bare() {
    let server = server_with_agents();
    let world = World::new();
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "a1", "--jq", ".status"]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "\"online\"\n"),
        "{}",
        ran.stderr
    );
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "a1", "--jq", ".status", "-r"]));
    assert_eq!(ran.stdout, "online\n");
    // The label string is JSON inside JSON; jq's fromjson reads it.
    let ran = run(world.inproc_at(&server.base_url()).args([
        "agent",
        "show",
        "a1",
        "-r",
        "--jq",
        ".labels | fromjson | .env",
    ]));
    assert_eq!(ran.stdout, "prod\n", "{}", ran.stderr);
}

#[test]
fn jq_on_several_records_and_per_record_with_ndjson() {
    let server = server_with_agents();
    let world = World::new();
    let ran = run(world.inproc_at(&server.base_url()).args([
        "agent",
        "show",
        "a1",
        "a2",
        "-r",
        "--jq",
        r#".[] | select(.status == "offline") | .uuid"#,
    ]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "a2\n"),
        "{}",
        ran.stderr
    );
    let ran = run(world.inproc_at(&server.base_url()).args([
        "agent", "show", "a1", "a2", "-o", "ndjson", "-r", "--jq", ".uuid",
    ]));
    assert_eq!(ran.stdout, "a1\na2\n");
}

#[test]
fn a_bad_expression_is_exit_2_with_its_position_and_sends_nothing() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200).body("{}");
    });
    let world = World::new();
    let ran =
        run(world
            .inproc_at(&server.base_url())
            .args(["agent", "show", "a1", "--jq", ".status |"]));
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("--jq") && ran.stderr.contains("column 10"),
        "{}",
        ran.stderr
    );
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "a1", "--jq", ".", "-o", "table"]));
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("-o table"), "{}", ran.stderr);
    any.assert_calls(0);
}

#[test]
fn jq_applies_to_watch_events() {
    let server = server_with_agents();
    let world = World::new();
    let ran = run(world.inproc_at(&server.base_url()).args([
        "watch",
        "a1",
        "--interval",
        "1s",
        "--until",
        "online",
        "-r",
        "--jq",
        r#""\(.uuid) \(.from) -> \(.to)""#,
    ]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "a1 null -> online\n"),
        "{}",
        ran.stderr
    );
}

#[test]
fn jq_applies_to_beats_and_simulation_summaries() {
    let server = MockServer::start();
    let beats = server.mock(|when, then| {
        when.method(PUT);
        then.status(200)
            .json_body(serde_json::json!({"uuid": "x", "status": "online"}));
    });
    let world = World::new();
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["heartbeat", "send", "a1"])
        .args(MINIMAL_BEAT)
        .args([
            "--every", "100ms", "--count", "2", "-o", "ndjson", "-r", "--jq", ".status",
        ]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "online\nonline\n"),
        "{}",
        ran.stderr
    );
    let ran = run(world.inproc_at(&server.base_url()).args([
        "heartbeat",
        "simulate",
        "--agents",
        "3",
        "--interval",
        "1s",
        "--beats",
        "1",
        "--jq",
        ".ok",
    ]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "3\n"),
        "{}",
        ran.stderr
    );
    beats.assert_calls(5);
}

#[test]
fn jq_applies_to_auth_status_and_config_list() {
    let world = World::new();
    let ran = run(world
        .cmd()
        .args([
            "auth",
            "login",
            "--host",
            "https://agents.example.com",
            "--with-token",
        ])
        .write_stdin("tok-abcdefghijklmnopqrstuvwxyz"));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let ran = run(world
        .cmd()
        .args(["auth", "status", "-r", "--jq", ".host.value"]));
    assert!(
        ran.stdout.starts_with("https://agents.example.com"),
        "{}",
        ran.stdout
    );
    assert_eq!(ran.stdout.lines().count(), 1, "{}", ran.stdout);
    let ran = run(world
        .cmd()
        .args(["config", "list", "-r", "--jq", ".current_profile"]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "default\n"),
        "{}",
        ran.stderr
    );
}
