//! Redaction never rewrites data: only a record that echoes the token whole is changed, and a
//! token short enough to be found inside ordinary words is refused by the dev server.

use crate::common::mock::*;
use crate::common::*;

/// 16 characters, the shortest token agentctl calls safe, whose text is also inside the field
/// names and strings of the records below.
const FIELD_TOKEN: &str = "agentFleetRegion";

/// Records that hold `FIELD_TOKEN`'s text only inside longer strings: field names, a label
/// key, a sentence. The spacing is the server's own, kept to compare bytes.
const INSIDE: [&str; 2] = [
    r#"{"uuid": "a1", "name": "edge-1", "status": "online", "type": "log", "agentFleetRegionCode": "eu-1", "labels": {"agentFleetRegionTier": "gold"}, "note": "set by agentFleetRegion-sync", "uptime": 3600}"#,
    r#"{"uuid":"a2","name":"edge-2","status":"offline","type":"log","agentFleetRegionCode":"us-2","cpuUsage":12.5}"#,
];

/// A record that sends the token back whole, in a field and composed into a sentence.
const ECHO: &str = r#"{"uuid":"a3","name":"agent of agentFleetRegion","status":"online","region":"agentFleetRegion"}"#;

/// The records' API, as an echoing server would answer it, for requests that carry
/// `FIELD_TOKEN` as agentctl sends it: the listing (any page query) and each record by id.
fn serving(server: &MockServer, records: &'static [&'static str]) {
    let authorized = |when: When| {
        when.header("authorization", format!("Bearer {FIELD_TOKEN}"))
            .header("accept", "application/json")
            .header_prefix("user-agent", "agentctl/")
            .is_true(|req| req.body_ref().is_empty())
    };
    server.mock(|when, then| {
        authorized(when.method(GET).path("/api/v1/agents"));
        then.respond_with(Answer::ok(format!("[{}]", records.join(","))).into_responder());
    });
    for record in records {
        let id = serde_json::from_str::<serde_json::Value>(record).unwrap()["uuid"]
            .as_str()
            .unwrap()
            .to_owned();
        server.mock(|when, then| {
            authorized(when.method(GET).path(format!("/api/v1/agents/{id}")));
            then.respond_with(Answer::ok(*record).into_responder());
        });
    }
}

fn agentctl(world: &World, server: &MockServer, args: &[&str]) -> Ran {
    let mut cmd = world.cmd();
    cmd.env("AGENTCTL_HOST", server.base_url())
        .env("AGENTCTL_TOKEN", FIELD_TOKEN)
        .args(args);
    let ran = run(&mut cmd);
    assert_eq!(ran.code, 0, "{args:?}: {}", ran.stderr);
    ran
}

fn compact(record: &str) -> String {
    serde_json::from_str::<serde_json::Value>(record)
        .unwrap()
        .to_string()
}

#[test]
fn a_token_inside_field_names_leaves_every_record_as_the_server_sent_it() {
    let server = MockServer::start();
    serving(&server, &INSIDE);
    let unmatched = nothing_else(&server);
    let world = World::new();
    // ndjson: each line is the server's record without its blanks, byte for byte.
    let ran = agentctl(&world, &server, &["agent", "list", "-o", "ndjson"]);
    let expected: String = INSIDE.iter().map(|r| compact(r) + "\n").collect();
    assert_eq!(ran.stdout, expected);
    // json: the records themselves, pretty-printed.
    let ran = agentctl(&world, &server, &["agent", "list", "-o", "json"]);
    let listed: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let sent: serde_json::Value = serde_json::from_str(&format!("[{}]", INSIDE.join(","))).unwrap();
    assert_eq!(listed, sent);
    let ran = agentctl(&world, &server, &["agent", "show", "a1", "-o", "json"]);
    assert_eq!(
        ran.stdout,
        serde_json::to_string_pretty(&sent[0]).unwrap() + "\n"
    );
    // --jq sees the fields under their names.
    let ran = agentctl(
        &world,
        &server,
        &[
            "agent",
            "list",
            "-o",
            "ndjson",
            "-r",
            "--jq",
            r#"[.status, .agentFleetRegionCode, (.labels.agentFleetRegionTier // "-")] | @tsv"#,
        ],
    );
    assert_eq!(ran.stdout, "online\teu-1\tgold\noffline\tus-2\t-\n");
    // The table reads status and type; a status filter finds the agent.
    let ran = agentctl(&world, &server, &["agent", "list", "--no-headers"]);
    let rows: Vec<Vec<&str>> = ran
        .stdout
        .lines()
        .map(|line| line.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0][..4],
        ["a1", "edge-1", "log", "online"],
        "{}",
        ran.stdout
    );
    assert_eq!(
        rows[1][..4],
        ["a2", "edge-2", "log", "offline"],
        "{}",
        ran.stdout
    );
    let ran = agentctl(
        &world,
        &server,
        &[
            "agent", "list", "--status", "online", "-o", "ndjson", "-r", "--jq", ".uuid",
        ],
    );
    assert_eq!(ran.stdout, "a1\n");
    assert!(!ran.stderr.contains("[REDACTED]"), "{}", ran.stderr);
    unmatched.assert_calls(0);
}

#[test]
fn a_record_that_echoes_the_token_whole_is_still_redacted() {
    static BOTH: [&str; 2] = [INSIDE[1], ECHO];
    let server = MockServer::start();
    serving(&server, &BOTH);
    let unmatched = nothing_else(&server);
    let world = World::new();
    let ran = agentctl(&world, &server, &["agent", "list", "-o", "ndjson"]);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(
        lines[0],
        compact(INSIDE[1]),
        "the other record is untouched"
    );
    assert_eq!(
        lines[1],
        r#"{"uuid":"a3","name":"agent of [REDACTED]","status":"online","region":"[REDACTED]"}"#
    );
    for format in ["json", "table", "wide"] {
        let ran = agentctl(&world, &server, &["agent", "show", "a3", "-o", format]);
        assert!(
            ran.stdout.contains("[REDACTED]"),
            "{format}: {}",
            ran.stdout
        );
        assert!(
            !ran.stdout.contains(FIELD_TOKEN),
            "{format}: {}",
            ran.stdout
        );
    }
    let ran = agentctl(
        &world,
        &server,
        &["agent", "show", "a3", "-r", "--jq", ".region"],
    );
    assert_eq!(ran.stdout, "[REDACTED]\n");
    unmatched.assert_calls(0);
}

#[test]
fn errors_and_verbose_lines_that_hold_the_token_are_still_redacted() {
    let server = MockServer::start();
    let refused = server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents/a1");
        then.respond_with(|req: &HttpMockRequest| {
            let auth = req
                .headers_vec()
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
                .map(|(_, value)| value.clone())
                .unwrap_or_default();
            json_response(
                401,
                serde_json::json!({"message": format!("bad credentials: {auth}")}).to_string(),
            )
        });
    });
    let world = World::new();
    let mut cmd = world.cmd();
    cmd.env("AGENTCTL_HOST", server.base_url())
        .env("AGENTCTL_TOKEN", FIELD_TOKEN)
        .args(["agent", "show", "a1", "-vv", "--retries", "0"]);
    let ran = run(&mut cmd);
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("bad credentials: Bearer [REDACTED]"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains(FIELD_TOKEN), "{}", ran.stderr);
    refused.assert_calls(1);
}

#[test]
fn the_dev_server_refuses_a_token_under_16_characters_naming_where_it_came_from() {
    let world = World::new();
    let short = world.home().join("short-token");
    std::fs::write(&short, "tok\n").unwrap();
    let cases: [(&[&str], Option<&str>, &str); 3] = [
        (&["--token", "t"], None, "--token: "),
        (
            &["--token-file", short.to_str().unwrap()],
            None,
            "--token-file",
        ),
        (&[], Some("0123456789abcde"), "AGENTCTL_DEV_TOKEN"),
    ];
    for (args, variable, named) in cases {
        let mut cmd = world.cmd();
        cmd.args(["dev-server", "--listen", "127.0.0.1:0", "--no-save-profile"])
            .args(args);
        match variable {
            Some(token) => cmd.env("AGENTCTL_DEV_TOKEN", token),
            None => cmd.env_remove("AGENTCTL_DEV_TOKEN"),
        };
        let ran = run(&mut cmd);
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains(named), "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("a safe token has at least 16"),
            "{args:?}: {}",
            ran.stderr
        );
        assert_eq!(ran.stdout, "", "nothing listened");
    }
}

#[test]
fn auth_login_warns_about_a_short_token_and_saves_it() {
    let server = MockServer::start();
    let check = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents")
            .query_param("pageSize", "1")
            .header("authorization", "Bearer tok-short");
        then.respond_with(Answer::ok("[]").into_responder());
    });
    let world = World::new();
    let mut cmd = world.cmd();
    cmd.args([
        "auth",
        "login",
        "--with-token",
        "--host",
        &server.base_url(),
    ])
    .write_stdin("tok-short\n");
    let ran = run(&mut cmd);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(
            "warning: the token is 9 characters long; a safe token has at least 16: it is \
             quick to guess"
        ),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("tok-short"), "{}", ran.stderr);
    let credentials = std::fs::read_to_string(world.config_dir().join("credentials.toml")).unwrap();
    assert!(credentials.contains("tok-short"), "{credentials}");
    check.assert_calls(1);
}

/// clap quotes a refused value ("invalid value 'x' for '--token <T>'", "unexpected argument
/// '-x'"): a refused `dev-server --token` is checked by agentctl instead, and named, never
/// quoted.
#[test]
fn a_refused_dev_server_token_never_reaches_the_output() {
    let world = World::new();
    for token in ["Zq7", "Zq7 Wv9", "-Zq7Wv9", "Zq7\u{7f}Wv9", "Zq7Wv9é"] {
        let mut cmd = world.cmd();
        cmd.args(["dev-server", "--listen", "127.0.0.1:0", "--no-save-profile"])
            .args(["--token", token])
            .env_remove("AGENTCTL_DEV_TOKEN");
        let ran = run(&mut cmd);
        assert_eq!(ran.code, 2, "{token:?}: {}", ran.stderr);
        assert!(
            ran.stderr.starts_with("error: --token: "),
            "{token:?}: {}",
            ran.stderr
        );
        for (name, text) in [("stdout", &ran.stdout), ("stderr", &ran.stderr)] {
            for part in token.split(' ') {
                assert!(!text.contains(part), "{token:?} in {name}: {text}");
            }
            assert!(!text.contains("Zq7"), "{token:?} in {name}: {text}");
        }
    }
}
