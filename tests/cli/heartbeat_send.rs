use crate::common::mock::*;
use crate::common::*;

fn send_args() -> Vec<&'static str> {
    vec![
        "heartbeat",
        "send",
        "agent-abc123-def456",
        "--version",
        "1.2.3",
        "--uptime",
        "86400",
        "--cpu",
        "12.5",
        "--mem",
        "35.2",
    ]
}

#[test]
fn sends_the_seed_request_exactly() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(PUT)
            .path("/api/v1/agents/agent-abc123-def456/heartbeat")
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .header(
                "user-agent",
                concat!("agentctl/", env!("CARGO_PKG_VERSION")),
            )
            .body(SEED_BODY);
        then.status(200)
            .header("content-type", "application/json")
            .body(SEED_RESPONSE);
    });
    let world = World::new();
    let ran = run(world.inproc_at(&server.base_url()).args(send_args()));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    mock.assert_calls(1);
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 0]
    ----- stdout -----
    UUID                  NAME            TYPE   STATUS   VERSION   REGION      LAST HEARTBEAT
    agent-abc123-def456   prod-agent-01   log    online   1.2.3     us-east-1   -
    ----- stderr -----
    ");
}

#[test]
fn uptime_takes_durations_and_aliases_work() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(PUT)
            .is_true(|req| req.uri().path() == "/gw/api/v1/agents/a%20b%3Fc%23d/heartbeat")
            .body(r#"{"version":"2.0.0","uptime":86400,"cpuUsage":0,"memUsage":100}"#);
        then.status(200).body(r#"{"uuid":"a b?c#d"}"#);
    });
    let world = World::new();
    let host = format!("{}/gw/", server.base_url());
    let ran = run(world.inproc_at(&host).args([
        "heartbeat",
        "send",
        "a b?c#d",
        "--agent-version",
        "2.0.0",
        "--uptime",
        "1d",
        "--cpu-usage",
        "0",
        "--mem-usage",
        "100",
        "-o",
        "json",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    mock.assert_calls(1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&ran.stdout).unwrap()["uuid"],
        "a b?c#d"
    );
}

#[test]
fn body_from_stdin_and_file() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(PUT)
            .path("/api/v1/agents/web-01/heartbeat")
            .body(SEED_BODY);
        then.status(200).body(seed_response_for("web-01"));
    });
    let world = World::new();
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["heartbeat", "send", "web-01", "--body", "-", "-q"])
        .write_stdin(
            "{\"version\":\"1.2.3\",\n \"uptime\":86400, \"cpuUsage\":12.5,\"memUsage\":35.2}",
        ));
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, "", "")
    );
    let file = world.home().join("beat.json");
    std::fs::write(&file, SEED_BODY).unwrap();
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["heartbeat", "send", "web-01", "--body"])
        .arg(&file));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    mock.assert_calls(2);
}

#[test]
fn invalid_values_exit_2_naming_the_flag_and_send_nothing() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200).body(SEED_RESPONSE);
    });
    let world = World::new();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "a",
                "--version",
                "1",
                "--uptime",
                "1",
                "--cpu",
                "150",
                "--mem",
                "1",
            ],
            "--cpu",
        ),
        (
            vec![
                "a",
                "--version",
                "1",
                "--uptime",
                "1",
                "--cpu",
                "NaN",
                "--mem",
                "1",
            ],
            "--cpu",
        ),
        (
            vec![
                "a",
                "--version",
                "1",
                "--uptime",
                "1",
                "--cpu",
                "1",
                "--mem",
                "-1",
            ],
            "--mem",
        ),
        (
            vec![
                "a",
                "--version",
                "1",
                "--uptime",
                "-5",
                "--cpu",
                "1",
                "--mem",
                "1",
            ],
            "--uptime",
        ),
        (
            vec![
                "a",
                "--version",
                "",
                "--uptime",
                "1",
                "--cpu",
                "1",
                "--mem",
                "1",
            ],
            "--version",
        ),
        (
            vec![
                "..",
                "--version",
                "1",
                "--uptime",
                "1",
                "--cpu",
                "1",
                "--mem",
                "1",
            ],
            "UUID",
        ),
        (
            vec![
                "../../admin",
                "--version",
                "1",
                "--uptime",
                "1",
                "--cpu",
                "1",
                "--mem",
                "1",
            ],
            "UUID",
        ),
        (
            vec![
                "a/b",
                "--version",
                "1",
                "--uptime",
                "1",
                "--cpu",
                "1",
                "--mem",
                "1",
            ],
            "UUID",
        ),
        (
            vec![
                "a\u{1b}b",
                "--version",
                "1",
                "--uptime",
                "1",
                "--cpu",
                "1",
                "--mem",
                "1",
            ],
            "UUID",
        ),
        (
            vec!["a", "--version", "1", "--uptime", "1", "--cpu", "1"],
            "--mem",
        ),
    ];
    let mut transcripts = String::new();
    for (args, flag) in cases {
        let ran = run(world
            .inproc_at(&server.base_url())
            .args(["heartbeat", "send"])
            .args(&args));
        assert!(
            ran.stderr.contains(flag),
            "{args:?} should name {flag}: {}",
            ran.stderr
        );
        assert!(
            !ran.stderr.contains('\u{1b}'),
            "raw escape echoed: {:?}",
            ran.stderr
        );
        transcripts.push_str(&format!("$ heartbeat send {args:?}\n{}", ran.transcript()));
    }
    insta::assert_snapshot!(transcripts, @r#"
    $ heartbeat send ["a", "--version", "1", "--uptime", "1", "--cpu", "150", "--mem", "1"]
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value '150' for '--cpu <PCT>': 150 is outside 0–100

    For more information, try '--help'.
    $ heartbeat send ["a", "--version", "1", "--uptime", "1", "--cpu", "NaN", "--mem", "1"]
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value 'NaN' for '--cpu <PCT>': NaN is not a finite number (0–100)

    For more information, try '--help'.
    $ heartbeat send ["a", "--version", "1", "--uptime", "1", "--cpu", "1", "--mem", "-1"]
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value '-1' for '--mem <PCT>': -1 is outside 0–100

    For more information, try '--help'.
    $ heartbeat send ["a", "--version", "1", "--uptime", "-5", "--cpu", "1", "--mem", "1"]
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value '-5' for '--uptime <DUR>': '-5' is negative; a duration must be 0 or more

    For more information, try '--help'.
    $ heartbeat send ["a", "--version", "", "--uptime", "1", "--cpu", "1", "--mem", "1"]
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value '' for '--version <V>': must not be empty

    For more information, try '--help'.
    $ heartbeat send ["..", "--version", "1", "--uptime", "1", "--cpu", "1", "--mem", "1"]
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value '..' for '<UUID>': '..' is not an agent id (it would change the URL path)

    For more information, try '--help'.
    $ heartbeat send ["../../admin", "--version", "1", "--uptime", "1", "--cpu", "1", "--mem", "1"]
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value '../../admin' for '<UUID>': '../../admin' contains '/', which an agent id cannot

    For more information, try '--help'.
    $ heartbeat send ["a/b", "--version", "1", "--uptime", "1", "--cpu", "1", "--mem", "1"]
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value 'a/b' for '<UUID>': 'a/b' contains '/', which an agent id cannot

    For more information, try '--help'.
    $ heartbeat send ["a\u{1b}b", "--version", "1", "--uptime", "1", "--cpu", "1", "--mem", "1"]
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: invalid value 'a' for '<UUID>': 'a\x1bb' contains a control character

    For more information, try '--help'.
    $ heartbeat send ["a", "--version", "1", "--uptime", "1", "--cpu", "1"]
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: the following required arguments were not provided:
      --mem <PCT>

    Usage: agentctl heartbeat send --version <V> --uptime <DUR> --cpu <PCT> --mem <PCT> <UUID>

    For more information, try '--help'.
    "#);
    let bad_body = world.home().join("bad.json");
    std::fs::write(
        &bad_body,
        r#"{"version":"1","uptime":1,"cpuUsage":101,"memUsage":1}"#,
    )
    .unwrap();
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["heartbeat", "send", "a", "--body"])
        .arg(&bad_body));
    let home = world.home().display().to_string();
    insta::assert_snapshot!(ran.transcript_with(&[(&home, "[HOME]")]), @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: --body [HOME]/bad.json: cpuUsage 101 is outside 0–100
    ");
    any.assert_calls(0);
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let world = World::new();
    let mut args = send_args();
    args.push("--dry-run");
    let ran = run(world.inproc_at(&server.base_url()).args(&args));
    let expected_url = format!(
        "{}/api/v1/agents/agent-abc123-def456/heartbeat",
        server.base_url()
    );
    let host = server.base_url();
    let pinned = [
        (host.as_str(), "http://127.0.0.1:PORT"),
        (
            concat!("agentctl/", env!("CARGO_PKG_VERSION")),
            "agentctl/VERSION",
        ),
    ];
    insta::assert_snapshot!(ran.transcript_with(&pinned), @r#"
    [exit status: 0]
    ----- stdout -----
    PUT http://127.0.0.1:PORT/api/v1/agents/agent-abc123-def456/heartbeat
    Accept: application/json
    Authorization: Bearer [REDACTED]
    Content-Type: application/json
    User-Agent: agentctl/VERSION

    {"version":"1.2.3","uptime":86400,"cpuUsage":12.5,"memUsage":35.2}
    ----- stderr -----
    "#);
    args.extend(["-o", "json"]);
    let ran = run(world.inproc_at(&server.base_url()).args(&args));
    let request: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(request["url"], expected_url);
    insta::assert_snapshot!(ran.transcript_with(&pinned), @r#"
    [exit status: 0]
    ----- stdout -----
    {
      "method": "PUT",
      "url": "http://127.0.0.1:PORT/api/v1/agents/agent-abc123-def456/heartbeat",
      "headers": {
        "Accept": "application/json",
        "Authorization": "Bearer [REDACTED]",
        "Content-Type": "application/json",
        "User-Agent": "agentctl/VERSION"
      },
      "body": {
        "version": "1.2.3",
        "uptime": 86400,
        "cpuUsage": 12.5,
        "memUsage": 35.2
      }
    }
    ----- stderr -----
    "#);
    any.assert_calls(0);
}

#[test]
fn quiet_prints_nothing_and_very_verbose_never_shows_the_token() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        api_put(
            when,
            "/api/v1/agents/agent-abc123-def456/heartbeat",
            SEED_BODY,
        );
        then.status(200).body(SEED_RESPONSE);
    });
    let world = World::new();
    let mut args = send_args();
    args.push("-q");
    let ran = run(world.inproc_at(&server.base_url()).args(&args));
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, "", "")
    );
    let mut args = send_args();
    args.push("-vv");
    let ran = run(world.inproc_at(&server.base_url()).args(&args));
    assert_eq!(ran.code, 0);
    assert!(ran.stderr.contains("> PUT http://"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("< PUT http://") && ran.stderr.contains("/heartbeat 200 OK"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("authorization: Bearer [REDACTED]"),
        "{}",
        ran.stderr
    );
    mock.assert_calls(2);
}

/// `name: value` → (lower-case name, value with the token redacted), as `-vv` and `--dry-run`
/// show a header.
fn shown_header(line: &str) -> (String, String) {
    let (name, value) = line.split_once(": ").expect("a header line");
    (
        name.to_ascii_lowercase(),
        value.replace(TOKEN, "[REDACTED]"),
    )
}

fn sorted(mut headers: Vec<(String, String)>) -> Vec<(String, String)> {
    headers.sort();
    headers
}

#[test]
fn the_dry_run_and_the_verbose_log_show_the_request_the_server_receives() {
    let path = "/api/v1/agents/agent-abc123-def456/heartbeat";
    // The hand-written server: the request's raw bytes are what this test compares.
    let server = crate::common::stub::KeepAlive::start(200, SEED_RESPONSE);
    let world = World::new();
    let mut args = send_args();
    args.push("-vv");
    let sent = run(world.inproc_at(&server.url()).args(&args));
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        (received[0].method.as_str(), received[0].path.as_str()),
        ("PUT", path)
    );
    let raw = String::from_utf8(received[0].raw.clone()).unwrap();
    // Byte for byte, as reqwest writes it: the client's user agent after the request's own
    // headers, then the framing.
    assert_eq!(
        raw,
        format!(
            "PUT {path} HTTP/1.1\r\n\
             accept: application/json\r\n\
             authorization: Bearer {TOKEN}\r\n\
             content-type: application/json\r\n\
             user-agent: agentctl/{}\r\n\
             host: {}\r\n\
             content-length: {}\r\n\r\n{SEED_BODY}",
            env!("CARGO_PKG_VERSION"),
            server.url().trim_start_matches("http://"),
            SEED_BODY.len()
        )
    );
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let received_headers: Vec<(String, String)> =
        head.split("\r\n").skip(1).map(shown_header).collect();
    let without = |names: &[&str]| -> Vec<(String, String)> {
        received_headers
            .iter()
            .filter(|(name, _)| !names.contains(&name.as_str()))
            .cloned()
            .collect()
    };
    let url = format!("{}{path}", server.url());

    // -vv: the request line, and every header received but the host (written by the HTTP
    // stack once the connection is made).
    let logged: Vec<&str> = sent
        .stderr
        .lines()
        .filter_map(|line| line.strip_prefix("> "))
        .collect();
    assert_eq!(logged[0], format!("PUT {url}"), "{}", sent.stderr);
    assert_eq!(
        sorted(logged[1..].iter().map(|line| shown_header(line)).collect()),
        sorted(without(&["host"])),
        "{}",
        sent.stderr
    );

    // --dry-run: the same request line, the headers but the framing, and the same body.
    args.pop();
    args.push("--dry-run");
    let dry = run(world.inproc_at(&server.url()).args(&args));
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let (dry_head, dry_body) = dry.stdout.split_once("\n\n").unwrap();
    let mut dry_lines = dry_head.lines();
    assert_eq!(dry_lines.next(), Some(format!("PUT {url}").as_str()));
    assert_eq!(
        sorted(dry_lines.map(shown_header).collect()),
        sorted(without(&["host", "content-length"]))
    );
    assert_eq!(dry_body, format!("{body}\n"));

    args.extend(["-o", "json"]);
    let dry = run(world.inproc_at(&server.url()).args(&args));
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let shown: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
    assert_eq!(shown["method"], "PUT");
    assert_eq!(shown["url"], url);
    let json_headers: Vec<(String, String)> = shown["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| shown_header(&format!("{name}: {}", value.as_str().unwrap())))
        .collect();
    assert_eq!(
        sorted(json_headers),
        sorted(without(&["host", "content-length"]))
    );
    assert_eq!(
        shown["body"],
        serde_json::from_str::<serde_json::Value>(body).unwrap()
    );
    assert_eq!(server.received().len(), 1, "the dry runs sent nothing");
}
