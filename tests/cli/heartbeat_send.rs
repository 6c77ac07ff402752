use crate::common::*;
use httpmock::prelude::*;

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
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", ran.stdout);
    assert!(lines[0].starts_with("UUID") && lines[0].contains("LAST HEARTBEAT"));
    assert!(
        lines[1].starts_with("agent-abc123-def456")
            && lines[1].contains("prod-agent-01")
            && lines[1].contains("online")
    );
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
    for (args, flag) in cases {
        let ran = run(world
            .inproc_at(&server.base_url())
            .args(["heartbeat", "send"])
            .args(&args));
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
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
        assert_eq!(ran.stdout, "");
    }
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
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("--body") && ran.stderr.contains("cpuUsage"),
        "{}",
        ran.stderr
    );
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
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let expected_url = format!(
        "{}/api/v1/agents/agent-abc123-def456/heartbeat",
        server.base_url()
    );
    assert!(
        ran.stdout.starts_with(&format!("PUT {expected_url}\n")),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("Authorization: Bearer [REDACTED]"));
    assert!(ran.stdout.trim_end().ends_with(SEED_BODY), "{}", ran.stdout);
    args.extend(["-o", "json"]);
    let ran = run(world.inproc_at(&server.base_url()).args(&args));
    let request: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(request["method"], "PUT");
    assert_eq!(request["url"], expected_url);
    assert_eq!(request["body"]["uptime"], 86400);
    any.assert_calls(0);
}

#[test]
fn quiet_prints_nothing_and_very_verbose_never_shows_the_token() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(PUT);
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
    let server = crate::common::stub::ScriptServer::start();
    server.route(
        "PUT",
        path,
        vec![crate::common::stub::Answer::ok(SEED_RESPONSE)],
    );
    let world = World::new();
    let mut args = send_args();
    args.push("-vv");
    let sent = run(world.inproc_at(&server.url()).args(&args));
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    let received = server.received();
    assert_eq!(received.len(), 1);
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
