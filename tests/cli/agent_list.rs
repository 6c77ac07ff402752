use crate::common::*;
use httpmock::prelude::*;
use serde_json::{Value, json};

fn three() -> Value {
    json!([
        {"uuid": "a", "name": "alpha", "type": "log", "status": "online", "region": "us-east-1", "futureField": 1},
        {"uuid": "b", "name": "beta", "type": "metric", "status": "OFFLINE", "region": "us-east-1"},
        {"uuid": "c", "name": "gamma", "type": "log", "status": "offline", "region": "eu-west-1"}
    ])
}

fn uuids(stdout: &str) -> Vec<String> {
    let array: Vec<Value> = serde_json::from_str(stdout).expect("a JSON array");
    array
        .iter()
        .map(|a| a["uuid"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_bare_array_and_every_envelope_are_read() {
    let mut bodies = vec![three()];
    for key in ["items", "list", "data", "agents", "records", "rows"] {
        bodies.push(json!({"total": 3, key: three()}));
    }
    let world = World::new();
    for body in bodies {
        let server = MockServer::start();
        let mock = server.mock(|when, then| {
            when.method(GET)
                .path("/api/v1/agents")
                .query_param("page", "1")
                .query_param("pageSize", "500")
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("accept", "application/json");
            then.status(200).json_body(body.clone());
        });
        // Without a total, a full first page means there may be more: page 2 is asked for.
        let rest = server.mock(|when, then| {
            when.method(GET)
                .path("/api/v1/agents")
                .query_param("page", "2");
            then.status(200).json_body(json!([]));
        });
        let ran = run(world
            .cmd_at(&server.base_url())
            .args(["agent", "list", "-o", "json"]));
        assert_eq!(ran.code, 0, "{body}: {}", ran.stderr);
        assert_eq!(uuids(&ran.stdout), ["a", "b", "c"], "{body}");
        let array: Vec<Value> = serde_json::from_str(&ran.stdout).unwrap();
        assert_eq!(array[0]["futureField"], 1, "unknown fields pass through");
        mock.assert_calls(1);
        rest.assert_calls(usize::from(body.is_array()));
    }
}

#[test]
fn filters_reach_the_query_string_and_are_applied_here_too() {
    let server = MockServer::start();
    // A server that ignores the filters and answers with everything.
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents")
            .query_param("page", "1")
            .query_param("status", "offline")
            .query_param("region", "us-east-1")
            .query_param("type", "metric")
            .header("authorization", format!("Bearer {TOKEN}"))
            .header_missing("content-type");
        then.status(200)
            .json_body(json!({"total": 3, "items": three()}));
    });
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "agent",
        "list",
        "--status",
        "offline",
        "--type",
        "Metric",
        "--region",
        "us-east-1",
        "-o",
        "json",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        uuids(&ran.stdout),
        ["b"],
        "case-insensitive match of OFFLINE"
    );
    mock.assert_calls(1);
}

#[test]
fn one_filter_in_a_table_and_ndjson() {
    let server = MockServer::start();
    // Sent lowercased: the API's values are lowercase.
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents")
            .query_param("status", "offline")
            .query_param_missing("type")
            .query_param_missing("region");
        then.status(200)
            .json_body(json!({"data": three(), "total": 3}));
    });
    let world = World::new();
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "list", "--status", "Offline"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", ran.stdout);
    assert!(lines[0].starts_with("UUID"));
    assert!(lines[1].starts_with("b ") && lines[1].contains("OFFLINE"));
    assert!(lines[2].starts_with("c ") && lines[2].contains("gamma"));

    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "list", "--status", "Offline", "-o", "ndjson"]));
    let ids: Vec<String> = ran
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["uuid"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids, ["b", "c"]);
    mock.assert_calls(2);
}

#[test]
fn an_empty_list_is_an_empty_array_and_a_wrong_shape_is_exit_5() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents")
            .query_param("region", "mars");
        then.status(200).json_body(json!({"items": []}));
    });
    server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents")
            .query_param_missing("region");
        then.status(200).json_body(json!({"agentz": three()}));
    });
    let world = World::new();
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "list", "--region", "mars", "-o", "json"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout.trim(), "[]");

    let ran = run(world.cmd_at(&server.base_url()).args(["agent", "list"]));
    assert_eq!(ran.code, 5);
    assert!(
        ran.stderr
            .contains("items, list, data, agents, records, rows"),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stdout, "");
}

#[test]
fn an_unknown_sort_field_is_exit_2_naming_the_known_ones_before_any_request() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(three());
    });
    let world = World::new();
    for field in ["nmae", "-cpuUsage", "labels"] {
        let ran = run(world.cmd_at(&server.base_url()).args([
            "agent",
            "list",
            &format!("--sort-by={field}"),
        ]));
        assert_eq!(ran.code, 2, "{field}: {}", ran.stderr);
        assert!(ran.stderr.contains("--sort-by"), "{}", ran.stderr);
        assert!(
            ran.stderr
                .contains("fields: uuid, name, type, status, version, region, lastHeartbeatAt,"),
            "{}",
            ran.stderr
        );
        assert_eq!(ran.stdout, "");
    }
    assert_eq!(any.calls(), 0);
    // A known field sorts (kubectl's `.name` form too).
    let ran = run(world.cmd_at(&server.base_url()).args([
        "agent",
        "list",
        "--sort-by",
        ".name",
        "-o",
        "json",
    ]));
    assert_eq!(uuids(&ran.stdout), ["a", "b", "c"], "{}", ran.stderr);
}
