use crate::common::mock::*;
use crate::common::*;
use serde_json::{Value, json};

#[test]
fn one_agent_renders_as_table_and_wide_from_the_seed_example() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        api_get(when, "/api/v1/agents/agent-abc123-def456");
        then.status(200).body(SEED_RESPONSE);
    });
    let world = World::new();
    let ran =
        run(world
            .inproc_at(&server.base_url())
            .args(["agent", "show", "agent-abc123-def456"]));
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 0]
    ----- stdout -----
    UUID                  NAME            TYPE   STATUS   VERSION   REGION      LAST HEARTBEAT
    agent-abc123-def456   prod-agent-01   log    online   1.2.3     us-east-1   -
    ----- stderr -----
    ");

    let ran = run(world.inproc_at(&server.base_url()).args([
        "agent",
        "show",
        "agent-abc123-def456",
        "-o",
        "wide",
    ]));
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 0]
    ----- stdout -----
    UUID                  NAME            TYPE   STATUS   VERSION   REGION      LAST HEARTBEAT   ENDPOINT                   PLATFORM       LABELS   CREATED   LAST OP
    agent-abc123-def456   prod-agent-01   log    online   1.2.3     us-east-1   -                http://192.168.1.10:7890   plat-001-abc   -        -         -
    ----- stderr -----
    ");
    mock.assert_calls(2);
}

#[test]
fn several_ids_give_an_array_in_argument_order_and_ndjson_a_line_each() {
    let server = MockServer::start();
    let mocks: Vec<Mock> = ["a", "b", "c"]
        .into_iter()
        .map(|id| {
            server.mock(|when, then| {
                api_get(when, &format!("/api/v1/agents/{id}"));
                then.status(200).json_body(
                    json!({"uuid": id, "status": "online", "futureField": {"x": [1, 2]}}),
                );
            })
        })
        .collect();
    let world = World::new();
    // In argument order, unknown fields passed through.
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "c", "a", "b", "-o", "json"]));
    insta::assert_snapshot!(ran.transcript(), @r#"
    [exit status: 0]
    ----- stdout -----
    [
      {
        "uuid": "c",
        "status": "online",
        "futureField": {
          "x": [
            1,
            2
          ]
        }
      },
      {
        "uuid": "a",
        "status": "online",
        "futureField": {
          "x": [
            1,
            2
          ]
        }
      },
      {
        "uuid": "b",
        "status": "online",
        "futureField": {
          "x": [
            1,
            2
          ]
        }
      }
    ]
    ----- stderr -----
    "#);

    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "a", "b", "-o", "ndjson"]));
    insta::assert_snapshot!(ran.transcript(), @r#"
    [exit status: 0]
    ----- stdout -----
    {"uuid":"a","status":"online","futureField":{"x":[1,2]}}
    {"uuid":"b","status":"online","futureField":{"x":[1,2]}}
    ----- stderr -----
    "#);

    // One id gives an object.
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "a", "-o", "json"]));
    insta::assert_snapshot!(ran.transcript(), @r#"
    [exit status: 0]
    ----- stdout -----
    {
      "uuid": "a",
      "status": "online",
      "futureField": {
        "x": [
          1,
          2
        ]
      }
    }
    ----- stderr -----
    "#);
    for (mock, calls) in mocks.iter().zip([3, 2, 1]) {
        mock.assert_calls(calls);
    }
}

#[test]
fn numbers_sent_as_strings_and_strings_as_numbers_render() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents/7");
        then.status(200).body(r#"{"uuid":7,"name":"n7","version":2,"cpuUsage":"12.5","labels":"{\"env\":\"prod\"}","lastHeartbeatAt":"2020-01-01T00:00:00Z"}"#);
    });
    let world = World::new();
    let ran = run(world.inproc_at(&server.base_url()).args([
        "agent",
        "show",
        "7",
        "-o",
        "wide",
        "--no-headers",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let row: Vec<&str> = ran.stdout.split_whitespace().collect();
    assert_eq!(&row[..2], ["7", "n7"]);
    assert!(row.contains(&"2") && row.contains(&"env=prod"), "{row:?}");
    assert!(ran.stdout.contains("d ago"), "{}", ran.stdout);
    assert_eq!(ran.stdout.lines().count(), 1, "no header row");
}

#[test]
fn a_missing_agent_among_several_goes_to_stderr_and_sets_the_exit_code() {
    let server = MockServer::start();
    let here = server.mock(|when, then| {
        api_get(when, "/api/v1/agents/here");
        then.status(200).body(r#"{"uuid":"here"}"#);
    });
    let gone = server.mock(|when, then| {
        api_get(when, "/api/v1/agents/gone");
        then.status(404)
            .body(r#"{"message":"agent gone does not exist"}"#);
    });
    let world = World::new();
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "gone", "here", "-o", "ndjson"]));
    insta::assert_snapshot!(ran.transcript(), @r#"
    [exit status: 4]
    ----- stdout -----
    {"uuid":"here"}
    ----- stderr -----
    error: agent gone: HTTP 404 Not Found: agent gone does not exist
    error: 1 of 2 agents could not be shown
    "#);
    here.assert_calls(1);
    gone.assert_calls(1);
}

#[test]
fn closed_stdout_is_not_an_error() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET);
        then.status(200).body(r#"{"name":"x"}"#);
    });
    let world = World::new();
    let ids: Vec<String> = (0..200).map(|i| format!("agent-{i}")).collect();
    // `head -c 0` closes the pipe at once; agentctl must notice and exit quietly with 0.
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' agent show {} -o ndjson | head -c 0",
            env!("CARGO_BIN_EXE_agentctl"),
            ids.join(" ")
        ))
        .env("AGENTCTL_HOST", server.base_url())
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env_remove("AGENTCTL_TOKEN")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("error") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn dash_reads_ids_from_stdin_one_get_per_line() {
    let server = MockServer::start();
    let mocks: Vec<_> = ["s1", "s2", "s3"]
        .iter()
        .map(|id| {
            server.mock(|when, then| {
                when.method(GET)
                    .path(format!("/api/v1/agents/{id}"))
                    .header("authorization", format!("Bearer {TOKEN}"));
                then.status(200)
                    .json_body(json!({"uuid": id, "status": "offline"}));
            })
        })
        .collect();
    let list = server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents").query_param("status", "offline");
        then.status(200).json_body(json!({"items": [{"uuid": "s1", "status": "offline"}, {"uuid": "s2", "status": "offline"}], "total": 2}));
    });
    let world = World::new();
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "-", "-o", "ndjson"])
        .write_stdin("s1\n\ns3\n"));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
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
    assert_eq!(ids, ["s1", "s3"]);
    mocks[0].assert_calls(1);
    mocks[1].assert_calls(0);
    mocks[2].assert_calls(1);

    // The pipeline of the help text, through a real shell pipe.
    let bin = env!("CARGO_BIN_EXE_agentctl");
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("set -o pipefail; '{bin}' agent list --status offline -o ndjson -r --jq .uuid | '{bin}' agent show - --no-headers"))
        .env("AGENTCTL_HOST", server.base_url())
        .env("AGENTCTL_TOKEN", TOKEN)
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<&str> = stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(rows, ["s1", "s2"]);
    list.assert_calls(1);
    mocks[1].assert_calls(1);

    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "-"])
        .write_stdin("ok\n../x\n"));
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: stdin line 2: '../x' contains '/', which an agent id cannot
    ");
}

#[test]
fn json_output_keeps_numbers_exactly_as_sent() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents/n1");
        then.status(200).body(r#"{"uuid":"n1","big":123456789012345678901234567890,"neg0":-0,"exp":1e2,"cpuUsage":12.50}"#);
    });
    let world = World::new();
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "n1", "-o", "ndjson"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    // The record's own text: digits as sent (no rounding to f64, no 12.5 for 12.50, no -0.0,
    // no 1e+2 for 1e2).
    assert_eq!(
        ran.stdout,
        "{\"uuid\":\"n1\",\"big\":123456789012345678901234567890,\"neg0\":-0,\"exp\":1e2,\"cpuUsage\":12.50}\n"
    );
}

#[test]
fn at_a_terminal_status_is_colored_and_in_a_pipe_it_is_not() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents/a");
        then.status(200)
            .json_body(json!({"uuid": "a", "status": "offline"}));
    });
    let world = World::new();
    let tty = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "a"])
        .terminal());
    assert_eq!(tty.code, 0, "{}", tty.stderr);
    // Red for offline (comfy-table's 256-color code 9), reset after the cell.
    assert!(
        tty.stdout.contains("\u{1b}[38;5;9moffline"),
        "{:?}",
        tty.stdout
    );
    let piped = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "a"]));
    assert!(!piped.stdout.contains('\u{1b}'), "{:?}", piped.stdout);
    assert!(piped.stdout.contains("offline"));
    let no_color = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "a", "--no-color"])
        .terminal());
    assert!(!no_color.stdout.contains('\u{1b}'), "{:?}", no_color.stdout);
}
