//! Issue 19, client side: where the token may go (proxies, userinfo, other origins) and where
//! it must never show (cut quotes, echoed records); records that are not what was asked for.

use crate::common::mock::*;
use crate::common::stub::{LoggingProxy, Silent};
use crate::common::*;

/// The token's first characters: no output may hold even these.
const TOKEN_HEAD: &str = "tok-5ecr";

fn assert_no_fragment(ran: &Ran) {
    for (name, text) in [("stdout", &ran.stdout), ("stderr", &ran.stderr)] {
        assert!(
            !text.contains(TOKEN_HEAD),
            "a token fragment reached {name}:\n{text}"
        );
    }
}

#[test]
fn a_token_cut_by_the_200_character_quote_is_still_redacted() {
    // The audit's reproduction: the token after 185 characters of filler.
    let message = format!("{}{TOKEN} was refused", "x".repeat(185));
    let body = serde_json::json!({ "message": message }).to_string();
    let server = MockServer::start();
    let show = server.mock(|when, then| {
        api_get(when, "/api/v1/agents/a1");
        then.respond_with(Answer::json(500, body.clone()).into_responder());
    });
    let beat = server.mock(|when, then| {
        api_put(when, "/api/v1/agents/a1/heartbeat", MINIMAL_BODY);
        then.respond_with(Answer::json(500, body.clone()).into_responder());
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "show", "a1", "--retries", "0"]));
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(ran.stderr.contains(&"x".repeat(185)), "{}", ran.stderr);
    assert!(ran.stderr.contains("[REDACTED]"), "{}", ran.stderr);
    assert_no_fragment(&ran);
    show.assert_calls(1);

    // The same quote in --every's JSON lines.
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["heartbeat", "send", "a1", "--every", "1s", "--count", "1"])
        .args(MINIMAL_BEAT)
        .args(["-o", "json"]));
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(ran.stdout.contains("[REDACTED]"), "{}", ran.stdout);
    assert_no_fragment(&ran);
    beat.assert_calls(1);
    unexpected.assert_calls(0);
}

/// A record that echoes the token: in a field, inside labels, in a key of its own.
fn echoing_record(uuid: &str) -> String {
    serde_json::json!({
        "uuid": uuid, "name": format!("agent of {TOKEN}"), "status": "online",
        "region": TOKEN, "labels": {"token": TOKEN}, "debug": {TOKEN: [TOKEN]},
    })
    .to_string()
}

#[test]
fn a_token_echoed_in_a_record_is_redacted_in_every_output() {
    let server = MockServer::start();
    let show = get_route(
        &server,
        "/api/v1/agents/a1",
        vec![Answer::ok(echoing_record("a1"))],
    );
    // Without a total, a short page may be a server's cap: page 2 is asked for, and is the
    // same as page 1, so the walk stops there.
    let list = route(
        &server,
        api_list,
        vec![Answer::ok(format!("[{}]", echoing_record("a1")))],
    );
    let beat = server.mock(|when, then| {
        api_put(when, "/api/v1/agents/a1/heartbeat", MINIMAL_BODY);
        then.respond_with(Answer::ok(echoing_record("a1")).into_responder());
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    for format in ["table", "wide", "json", "ndjson"] {
        for command in [&["agent", "show", "a1"][..], &["agent", "list"][..]] {
            let ran = run(world
                .cmd_at(&server.base_url())
                .args(command)
                .args(["-o", format]));
            assert_eq!(ran.code, 0, "{}", ran.stderr);
            assert!(
                ran.stdout.contains("[REDACTED]"),
                "{format}: {}",
                ran.stdout
            );
        }
    }
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "show", "a1", "-o", "json"]));
    let agent: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(agent["name"], "agent of [REDACTED]");
    assert_eq!(agent["labels"]["token"], "[REDACTED]");
    assert_eq!(agent["debug"]["[REDACTED]"][0], "[REDACTED]");

    // Watch events carry the record too.
    let ran = run(world.cmd_at(&server.base_url()).args([
        "watch",
        "a1",
        "--interval",
        "200ms",
        "--until",
        "online",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("agent of [REDACTED]"), "{}", ran.stdout);

    // The heartbeat's answer is a record as well.
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["heartbeat", "send", "a1", "-o", "json"])
        .args(MINIMAL_BEAT));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("agent of [REDACTED]"), "{}", ran.stdout);

    // Four shows, one more in JSON, and the one poll of the watch (online at once).
    show.mock.assert_calls(6);
    let walk = [
        "/api/v1/agents?page=1&pageSize=500",
        "/api/v1/agents?page=2&pageSize=500",
    ];
    assert_eq!(list.seen.targets(), walk.repeat(4));
    beat.assert_calls(1);
    unexpected.assert_calls(0);
}

#[test]
fn a_host_with_a_user_and_password_is_refused_without_printing_the_password() {
    let server = MockServer::start();
    let unexpected = nothing_else(&server);
    let world = World::new();
    let host = format!("http://admin:hunter2pw@127.0.0.1:{}", server.port());
    for args in [
        &["agent", "show", "a1"][..],
        &["auth", "status"][..],
        &["heartbeat", "send", "a1", "--dry-run"][..],
    ] {
        let mut cmd = world.cmd_at(&host);
        cmd.args(args);
        if args[0] == "heartbeat" {
            cmd.args(MINIMAL_BEAT);
        }
        let ran = run(&mut cmd);
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(
            !ran.stdout.contains("hunter2pw") && !ran.stderr.contains("hunter2pw"),
            "{}{}",
            ran.stdout,
            ran.stderr
        );
        assert!(
            ran.stderr.contains("user name or password"),
            "{}",
            ran.stderr
        );
    }
    // Also when the URL does not parse: the password is not quoted.
    let ran = run(world
        .cmd_at("http://admin:hunter2pw@[bad")
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(!ran.stderr.contains("hunter2pw"), "{}", ran.stderr);
    unexpected.assert_calls(0);
}

#[test]
fn a_record_for_another_uuid_is_an_api_error() {
    let someone_else = Answer::ok(r#"{"uuid":"SOMEONE-ELSE","status":"online"}"#);
    let server = MockServer::start();
    let show = get_route(&server, "/api/v1/agents/a1", vec![someone_else.clone()]);
    let beat = server.mock(|when, then| {
        api_put(when, "/api/v1/agents/a1/heartbeat", MINIMAL_BODY);
        then.respond_with(someone_else.into_responder());
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(!ran.stdout.contains("SOMEONE-ELSE"), "{}", ran.stdout);
    assert!(
        ran.stderr.contains("SOMEONE-ELSE") && ran.stderr.contains("a1"),
        "{}",
        ran.stderr
    );
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["heartbeat", "send", "a1"])
        .args(MINIMAL_BEAT));
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    show.mock.assert_calls(1);
    beat.assert_calls(1);
    unexpected.assert_calls(0);
}

#[test]
fn a_redirect_loop_is_an_api_error() {
    let server = MockServer::start();
    let redirect = server.mock(|when, then| {
        api_get(when, "/api/v1/agents/a1");
        then.status(302).header("location", "/api/v1/agents/a1");
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["agent", "show", "a1", "--retries", "0"]));
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(ran.stderr.contains("redirect"), "{}", ran.stderr);
    // The first request and the four redirects followed, each with the token; the fifth is
    // refused.
    redirect.assert_calls(5);
    unexpected.assert_calls(0);
}

#[test]
fn duplicate_keys_in_a_heartbeat_body_are_refused() {
    let server = MockServer::start();
    let unexpected = nothing_else(&server);
    let world = World::new();
    let body = r#"{"version":"1.2.3","uptime":1,"cpuUsage":1,"memUsage":2,"version":"6.6.6"}"#;
    let ran = run(world
        .cmd_at(&server.base_url())
        .args(["heartbeat", "send", "a1", "--body", "-"])
        .write_stdin(body));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("version") && ran.stderr.contains("twice"),
        "{}",
        ran.stderr
    );
    unexpected.assert_calls(0);
}

#[test]
fn core_dumps_are_off() {
    // A listener that accepts and never answers: the client waits, and its limits can be read.
    let silent = Silent::start();
    let world = World::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"))
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .env("AGENTCTL_TOKEN", TOKEN)
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .args(["--host", &silent.url()])
        .args(["agent", "show", "a1", "--request-timeout", "30s"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let _connection = silent.accept();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let numbers: Vec<&str> = core.split_whitespace().skip(4).take(2).collect();
    assert_eq!(numbers, ["0", "0"], "{core}");
}

#[test]
fn a_loopback_host_is_never_reached_through_a_proxy() {
    let server = MockServer::start();
    let show = get_route(
        &server,
        "/api/v1/agents/a1",
        vec![Answer::ok(r#"{"uuid":"a1","status":"online"}"#)],
    );
    let unexpected = nothing_else(&server);
    let proxy = LoggingProxy::start();
    let world = World::new();
    for variable in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        let ran = run(world
            .cmd_at(&server.base_url())
            .env(variable, &proxy.url)
            .args(["agent", "show", "a1", "-v"]));
        assert_eq!(ran.code, 0, "{variable}: {}", ran.stderr);
        assert!(!ran.stderr.contains("proxy"), "{}", ran.stderr);
    }
    show.mock.assert_calls(4);
    unexpected.assert_calls(0);
    assert_eq!(proxy.heads(), Vec::<String>::new());
}

#[test]
fn a_proxy_is_honoured_and_named_by_verbose_and_the_tunnel_carries_no_token() {
    // An https host through a loopback proxy: the client asks for a tunnel, which this proxy
    // refuses, so nothing leaves the machine; -v says which proxy was used.
    let proxy = LoggingProxy::start();
    let world = World::new();
    let ran = run(world
        .cmd_at("https://agents.invalid")
        .env("HTTPS_PROXY", &proxy.url)
        .args(["agent", "show", "a1", "-v", "--retries", "0"])
        .args(["--request-timeout", "1s"]));
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains(&format!("proxy: {}/ (from HTTPS_PROXY)", proxy.url)),
        "{}",
        ran.stderr
    );
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with("CONNECT agents.invalid:443 "),
        "{heads:?}"
    );
    assert!(
        !heads[0].to_ascii_lowercase().contains("authorization"),
        "{heads:?}"
    );

    // NO_PROXY sends it direct (and *.invalid never resolves: a network error, no proxy).
    let ran = run(world
        .cmd_at("https://agents.invalid")
        .env("HTTPS_PROXY", &proxy.url)
        .env("NO_PROXY", ".invalid")
        .args(["agent", "show", "a1", "-v", "--retries", "0"]));
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    assert!(!ran.stderr.contains("proxy:"), "{}", ran.stderr);
    assert!(proxy.heads().len() == 1);
}

#[test]
fn simulate_reaches_a_proxied_host_through_the_proxy_too() {
    // simulate's own connections are used only where no proxy applies: here the client sends,
    // through the proxy, as every other command does.
    let proxy = LoggingProxy::start();
    let world = World::new();
    let ran = run(world
        .cmd_at("https://agents.invalid")
        .env("HTTPS_PROXY", &proxy.url)
        .args(["heartbeat", "simulate", "--agents", "1", "--beats", "1"])
        .args([
            "--interval",
            "1s",
            "--retries",
            "0",
            "--request-timeout",
            "1s",
        ])
        .args(["-o", "json"]));
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with("CONNECT agents.invalid:443 "),
        "{heads:?}"
    );
}

#[test]
fn a_token_over_plain_http_through_a_proxy_is_refused_before_connecting() {
    let world = World::new();
    // RFC 6761: .invalid never resolves, so even a bug could not send anything anywhere.
    let ran = run(world
        .cmd_at("http://agents.invalid")
        .env("HTTP_PROXY", "http://proxy.invalid:3128")
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("plain http://")
            && ran.stderr.contains("proxy.invalid:3128")
            && ran.stderr.contains("--allow-insecure-http"),
        "{}",
        ran.stderr
    );
    // A proxy variable that is not a usable URL is named, not silently skipped.
    let ran = run(world
        .cmd_at("https://agents.invalid")
        .env("ALL_PROXY", "socks5://proxy.invalid:1080")
        .args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("ALL_PROXY"), "{}", ran.stderr);
}

#[test]
fn a_stored_token_never_goes_to_another_origin_than_the_one_it_was_saved_for() {
    // A answers only with the token, B only without it.
    let (a, b) = (MockServer::start(), MockServer::start());
    let with_token = get_route(
        &a,
        "/api/v1/agents/a1",
        vec![Answer::ok(r#"{"uuid":"a1"}"#)],
    );
    let without_token = route(
        &b,
        |when| {
            target(when.method(GET), "/api/v1/agents/a1")
                .header_missing("authorization")
                .header("accept", "application/json")
                .header_prefix("user-agent", "agentctl/")
        },
        vec![Answer::ok(r#"{"uuid":"a1"}"#)],
    );
    let (unexpected_a, unexpected_b) = (nothing_else(&a), nothing_else(&b));
    let world = World::new();
    // A login to A was cut short between the two renames: config.toml already says B.
    let dir = world.config_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "current_profile = \"p\"\n[profiles.p]\nhost = \"{}\"\n",
            b.base_url()
        ),
    )
    .unwrap();
    let credentials = dir.join("credentials.toml");
    std::fs::write(
        &credentials,
        format!(
            "[profiles.p]\ntoken = \"{TOKEN}\"\norigin = \"{}\"\n",
            a.base_url()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &credentials,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let ran = run(world.cmd().args(["agent", "show", "a1"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("not sending the token of profile 'p'")
            && ran.stderr.contains(&format!("belongs to {}", a.base_url())),
        "{}",
        ran.stderr
    );
    without_token.mock.assert_calls(1);
    unexpected_b.assert_calls(0);
    // --host at the token's own origin: it goes along.
    let ran = run(world
        .cmd()
        .args(["--host", &a.base_url(), "agent", "show", "a1"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    with_token.mock.assert_calls(1);
    unexpected_a.assert_calls(0);
}
