//! `auth login` checks the token with the server before saving it, saves only to the profile
//! it was pointed at, and `auth status` asks the server whether it accepts the token in use.

use crate::common::mock::*;
use crate::common::*;
use std::fs;
use std::path::Path;

const LISTING: &str = r#"{"items":[],"total":0}"#;

/// The one check the client makes, answered with `status` and `body`: the first page of the
/// listing, one record, with `token`, as agentctl sends every GET (see [`api_get`]).
fn token_check<'a>(server: &'a MockServer, token: &str, status: u16, body: &str) -> Mock<'a> {
    let (bearer, answer) = (format!("Bearer {token}"), Answer::json(status, body));
    server.mock(|when, then| {
        target(when.method(GET), "/api/v1/agents?page=1&pageSize=1")
            .header("authorization", bearer)
            .header("accept", "application/json")
            .header_prefix("user-agent", "agentctl/")
            .is_true(|req| req.body_ref().is_empty());
        then.respond_with(answer.into_responder());
    })
}

/// `printf TOKEN | agentctl auth login --with-token …`.
fn login(world: &World, token: &str, extra: &[&str]) -> Ran {
    run(world
        .cmd()
        .args(["auth", "login", "--with-token"])
        .args(extra)
        .write_stdin(token.to_owned()))
}

/// The check was made once, and nothing else was asked.
fn assert_one_check(check: &Mock, unexpected: &Mock) {
    check.assert_calls(1);
    unexpected.assert_calls(0);
}

/// The transcript, the world's config dir written [CONFIG] and `url` written
/// http://127.0.0.1:PORT (the port of `url`, too, where it is quoted alone).
fn pinned(ran: &Ran, world: &World, url: &str) -> String {
    let dir = world.config_dir().display().to_string();
    let host_port = url.trim_start_matches("http://");
    ran.transcript_with(&[
        (&dir, "[CONFIG]"),
        (url, "http://127.0.0.1:PORT"),
        (host_port, "127.0.0.1:PORT"),
    ])
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn toml_file(path: &Path) -> toml::Table {
    read(path).parse().unwrap()
}

/// A config dir as the dev server leaves it since it stopped making its profile current: one
/// profile, `dev`, marked as the dev server's, and no current profile.
fn dev_server_leftovers(world: &World) -> (String, String) {
    let dir = world.config_dir();
    fs::create_dir_all(&dir).unwrap();
    let config = "[profiles.dev]\nhost = \"http://127.0.0.1:7878\"\ncreated_by = \"dev-server\"\n";
    let credentials = "[profiles.dev]\ntoken = \"dev_0123456789abcdef\"\n";
    fs::write(dir.join("config.toml"), config).unwrap();
    fs::write(dir.join("credentials.toml"), credentials).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        fs::set_permissions(
            dir.join("credentials.toml"),
            fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    (config.to_owned(), credentials.to_owned())
}

fn profile<'a>(table: &'a toml::Table, name: &str) -> &'a toml::Table {
    table["profiles"][name]
        .as_table()
        .unwrap_or_else(|| panic!("no profile {name}: {table:?}"))
}

#[test]
fn a_login_with_no_current_profile_writes_default_and_leaves_the_dev_profile_alone() {
    // The scenario that lost production credentials: `dev` exists (not current), and a login
    // to production names no profile. The literal command of the report, whose host cannot be
    // reached from a test, with --no-verify; then the same with the check, against loopback.
    let world = World::new();
    let (dev_config, dev_credentials) = dev_server_leftovers(&world);
    let dev_config: toml::Table = dev_config.parse().unwrap();
    let dev_credentials: toml::Table = dev_credentials.parse().unwrap();
    let dir = world.config_dir();

    let ran = login(
        &world,
        TOKEN,
        &["--host", "https://agents.example.com", "--no-verify"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(
            "Logged in to https://agents.example.com as profile 'default' (now the current profile)."
        ),
        "{}",
        ran.stderr
    );
    let config = toml_file(&dir.join("config.toml"));
    assert_eq!(config["current_profile"].as_str(), Some("default"));
    assert_eq!(
        profile(&config, "default")["host"].as_str(),
        Some("https://agents.example.com")
    );
    assert_eq!(profile(&config, "dev"), profile(&dev_config, "dev"));
    let credentials = toml_file(&dir.join("credentials.toml"));
    assert_eq!(
        profile(&credentials, "default")["token"].as_str(),
        Some(TOKEN)
    );
    assert_eq!(
        profile(&credentials, "dev"),
        profile(&dev_credentials, "dev")
    );

    // Checked against a server this time: `default` is current now and gets the new host and
    // token; `dev` still has its own.
    let server = MockServer::start();
    let second = "tok-second-login-0123456";
    let check = token_check(&server, second, 200, LISTING);
    let unexpected = nothing_else(&server);
    let ran = login(&world, second, &["--host", &server.base_url()]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_one_check(&check, &unexpected);
    assert!(
        ran.stderr.contains("as profile 'default'.\nToken saved to"),
        "{}",
        ran.stderr
    );
    let config = toml_file(&dir.join("config.toml"));
    assert_eq!(
        profile(&config, "default")["host"].as_str(),
        Some(server.base_url().as_str())
    );
    assert_eq!(profile(&config, "dev"), profile(&dev_config, "dev"));
    let credentials = toml_file(&dir.join("credentials.toml"));
    assert_eq!(
        profile(&credentials, "default")["token"].as_str(),
        Some(second)
    );
    assert_eq!(
        profile(&credentials, "dev"),
        profile(&dev_credentials, "dev")
    );

    // `config set` and `auth logout` change the profile they are pointed at, and no other.
    let ran = run(world.cmd().args(["config", "set", "output", "json"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let ran = run(world.cmd().args(["auth", "logout"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let config = toml_file(&dir.join("config.toml"));
    assert_eq!(profile(&config, "default")["output"].as_str(), Some("json"));
    assert_eq!(profile(&config, "dev"), profile(&dev_config, "dev"));
    let credentials = toml_file(&dir.join("credentials.toml"));
    assert!(credentials["profiles"].get("default").is_none());
    assert_eq!(
        profile(&credentials, "dev"),
        profile(&dev_credentials, "dev")
    );
}

#[test]
fn a_login_checks_the_token_with_one_listing_request_before_saving() {
    let server = MockServer::start();
    let check = token_check(
        &server,
        TOKEN,
        200,
        r#"{"items":[{"uuid":"a1","status":"online"}],"total":7}"#,
    );
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = login(
        &world,
        &format!("  {TOKEN}\n"),
        &["--host", &server.base_url()],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    assert!(!ran.stderr.contains("warning"), "{}", ran.stderr);
    assert_one_check(&check, &unexpected);
    let credentials = read(&world.config_dir().join("credentials.toml"));
    assert!(credentials.contains(&format!("token = \"{TOKEN}\"")));
}

#[test]
fn a_refused_token_is_not_saved_and_exits_3() {
    let mut transcripts = String::new();
    for status in [401, 403] {
        // The server echoes the token back: it is not printed (the harness checks every run).
        let body = format!(r#"{{"message":"token {TOKEN} is not valid here"}}"#);
        let server = MockServer::start();
        let check = token_check(&server, TOKEN, status, &body);
        let unexpected = nothing_else(&server);
        let world = World::new();
        let ran = login(&world, TOKEN, &["--host", &server.base_url()]);
        transcripts.push_str(&pinned(&ran, &world, &server.base_url()));
        assert_one_check(&check, &unexpected);
        assert!(!world.config_dir().exists(), "nothing was written");
    }
    insta::assert_snapshot!(transcripts, @"
    [exit status: 3]
    ----- stdout -----
    ----- stderr -----
    error: http://127.0.0.1:PORT refused the token (HTTP 401 Unauthorized: token [REDACTED] is not valid here); nothing was saved
    hint: check that the token is for this server and has not expired or been revoked
    [exit status: 3]
    ----- stdout -----
    ----- stderr -----
    error: http://127.0.0.1:PORT refused the token (HTTP 403 Forbidden: token [REDACTED] is not valid here); nothing was saved
    hint: check that the token is for this server and has not expired or been revoked
    ");

    // Over an existing login, the refused token leaves the stored one in place, byte for byte.
    let good = MockServer::start();
    let good_check = token_check(&good, TOKEN, 200, LISTING);
    let world = World::new();
    assert_eq!(login(&world, TOKEN, &["--host", &good.base_url()]).code, 0);
    good_check.assert_calls(1);
    let dir = world.config_dir();
    let before = (
        fs::read(dir.join("config.toml")).unwrap(),
        fs::read(dir.join("credentials.toml")).unwrap(),
    );
    let refusing = MockServer::start();
    let refused = token_check(
        &refusing,
        "tok-expired-000000000",
        401,
        r#"{"message":"expired"}"#,
    );
    let ran = login(
        &world,
        "tok-expired-000000000",
        &["--host", &refusing.base_url()],
    );
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    refused.assert_calls(1);
    assert!(ran.stderr.contains("expired"), "{}", ran.stderr);
    let after = (
        fs::read(dir.join("config.toml")).unwrap(),
        fs::read(dir.join("credentials.toml")).unwrap(),
    );
    assert_eq!(before, after);
}

#[test]
fn a_server_without_a_listing_gets_the_token_saved_with_a_warning() {
    let mut transcripts = String::new();
    for status in [404, 405] {
        let server = MockServer::start();
        let check = token_check(&server, TOKEN, status, r#"{"message":"no such route"}"#);
        let unexpected = nothing_else(&server);
        let world = World::new();
        let ran = login(&world, TOKEN, &["--host", &server.base_url()]);
        transcripts.push_str(&pinned(&ran, &world, &server.base_url()));
        assert_one_check(&check, &unexpected);
        let credentials = read(&world.config_dir().join("credentials.toml"));
        assert!(credentials.contains(TOKEN));
    }
    insta::assert_snapshot!(transcripts, @"
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    warning: could not check the token: the server has no agent listing to check the token with (HTTP 404 Not Found: no such route); saving it unchecked
    Logged in to http://127.0.0.1:PORT as profile 'default' (now the current profile).
    Token saved to [CONFIG]/credentials.toml.
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    warning: could not check the token: the server has no agent listing to check the token with (HTTP 405 Method Not Allowed: no such route); saving it unchecked
    Logged in to http://127.0.0.1:PORT as profile 'default' (now the current profile).
    Token saved to [CONFIG]/credentials.toml.
    ");
}

#[test]
fn an_unreachable_server_is_exit_6_unless_no_verify() {
    let world = World::new();
    let closed_port = ClosedPort::new();
    let closed = closed_port.url();
    let ran = login(&world, TOKEN, &["--host", &closed, "--retries", "0"]);
    insta::assert_snapshot!(pinned(&ran, &world, &closed), @"
    [exit status: 6]
    ----- stdout -----
    ----- stderr -----
    error: could not check the token with http://127.0.0.1:PORT (could not connect to 127.0.0.1:PORT: Connection refused (os error 111)); nothing was saved
    hint: is the host right and the server running? Check --host / AGENTCTL_HOST; or pass --no-verify to save it unchecked
    ");
    assert!(!world.config_dir().exists());

    // --no-verify: saved without a request.
    let ran = login(&world, TOKEN, &["--host", &closed, "--no-verify"]);
    insta::assert_snapshot!(pinned(&ran, &world, &closed), @"
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    Not checking the token with http://127.0.0.1:PORT (--no-verify).
    Logged in to http://127.0.0.1:PORT as profile 'default' (now the current profile).
    Token saved to [CONFIG]/credentials.toml.
    ");
    let config = read(&world.config_dir().join("config.toml"));
    assert!(config.contains(&format!("host = \"{closed}\"")), "{config}");
    let server = MockServer::start();
    let unexpected = nothing_else(&server);
    let ran = login(
        &world,
        TOKEN,
        &[
            "--host",
            &server.base_url(),
            "--no-verify",
            "--profile",
            "other",
        ],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    unexpected.assert_calls(0);

    // A server error is not an answer about the token either: nothing saved, exit 5.
    let failing = MockServer::start();
    let check = token_check(&failing, TOKEN, 500, r#"{"message":"db down"}"#);
    let unexpected = nothing_else(&failing);
    let world = World::new();
    let ran = login(
        &world,
        TOKEN,
        &["--host", &failing.base_url(), "--retries", "0"],
    );
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(ran.stderr.contains("db down"), "{}", ran.stderr);
    assert!(!world.config_dir().exists());
    assert_one_check(&check, &unexpected);
}

#[test]
fn auth_status_asks_the_server_whether_it_accepts_the_token() {
    let world = World::new();
    let accepting = MockServer::start();
    let accepted = token_check(&accepting, TOKEN, 200, LISTING);
    let accepting_else = nothing_else(&accepting);
    let ran = run(world.cmd_at(&accepting.base_url()).args(["auth", "status"]));
    insta::assert_snapshot!(pinned(&ran, &world, &accepting.base_url()), @"
    [exit status: 0]
    ----- stdout -----
    Profile:      default  (default)
    Host:         http://127.0.0.1:PORT  (env AGENTCTL_HOST)
    Token:        tok-…5b4a  (env AGENTCTL_TOKEN)
    Server:       token accepted by the server
    Config dir:   [CONFIG]  (env AGENTCTL_CONFIG_DIR)
    Config file:  [CONFIG]/config.toml  (not created yet)
    Credentials:  [CONFIG]/credentials.toml  (not created yet)
    ----- stderr -----
    ");
    assert_one_check(&accepted, &accepting_else);

    let ran = run(world
        .cmd_at(&accepting.base_url())
        .args(["auth", "status", "-o", "json"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        json["token_check"],
        serde_json::json!({"result": "accepted", "accepted": true, "detail": "accepted by the server"})
    );

    let refusing = MockServer::start();
    let refused = token_check(&refusing, TOKEN, 401, r#"{"message":"token revoked"}"#);
    let refusing_else = nothing_else(&refusing);
    let ran = run(world.cmd_at(&refusing.base_url()).args(["auth", "status"]));
    insta::assert_snapshot!(pinned(&ran, &world, &refusing.base_url()), @"
    [exit status: 3]
    ----- stdout -----
    Profile:      default  (default)
    Host:         http://127.0.0.1:PORT  (env AGENTCTL_HOST)
    Token:        tok-…5b4a  (env AGENTCTL_TOKEN)
    Server:       token refused by the server (HTTP 401 Unauthorized: token revoked)
    Config dir:   [CONFIG]  (env AGENTCTL_CONFIG_DIR)
    Config file:  [CONFIG]/config.toml  (not created yet)
    Credentials:  [CONFIG]/credentials.toml  (not created yet)
    ----- stderr -----
    error: http://127.0.0.1:PORT refused the token (HTTP 401 Unauthorized: token revoked)
    hint: check AGENTCTL_TOKEN, or unset it to use the stored one
    ");
    assert_one_check(&refused, &refusing_else);
    let ran = run(world
        .cmd_at(&refusing.base_url())
        .args(["auth", "status", "-o", "json"]));
    assert_eq!(ran.code, 3);
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["token_check"]["result"], "refused");
    assert_eq!(json["token_check"]["accepted"], false);

    // --offline: no request, the report alone.
    let ran = run(world
        .cmd_at(&refusing.base_url())
        .args(["auth", "status", "--offline"]));
    insta::assert_snapshot!(pinned(&ran, &world, &refusing.base_url()), @"
    [exit status: 0]
    ----- stdout -----
    Profile:      default  (default)
    Host:         http://127.0.0.1:PORT  (env AGENTCTL_HOST)
    Token:        tok-…5b4a  (env AGENTCTL_TOKEN)
    Server:       not asked (--offline)
    Config dir:   [CONFIG]  (env AGENTCTL_CONFIG_DIR)
    Config file:  [CONFIG]/config.toml  (not created yet)
    Credentials:  [CONFIG]/credentials.toml  (not created yet)
    ----- stderr -----
    ");
    let ran =
        run(world
            .cmd_at(&refusing.base_url())
            .args(["auth", "status", "--offline", "-o", "json"]));
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        json["token_check"],
        serde_json::json!({"result": "skipped", "accepted": null, "detail": "--offline"})
    );
    refused.assert_calls(2);
    refusing_else.assert_calls(0);

    // A server that cannot tell (no listing) is reported, and is not a failure.
    let unlisted = MockServer::start();
    let unlisted_check = token_check(&unlisted, TOKEN, 404, r#"{"message":"no route"}"#);
    let unlisted_else = nothing_else(&unlisted);
    let ran = run(world.cmd_at(&unlisted.base_url()).args(["auth", "status"]));
    insta::assert_snapshot!(pinned(&ran, &world, &unlisted.base_url()), @"
    [exit status: 0]
    ----- stdout -----
    Profile:      default  (default)
    Host:         http://127.0.0.1:PORT  (env AGENTCTL_HOST)
    Token:        tok-…5b4a  (env AGENTCTL_TOKEN)
    Server:       token not checked: the server has no agent listing to check the token with (HTTP 404 Not Found: no route)
    Config dir:   [CONFIG]  (env AGENTCTL_CONFIG_DIR)
    Config file:  [CONFIG]/config.toml  (not created yet)
    Credentials:  [CONFIG]/credentials.toml  (not created yet)
    ----- stderr -----
    ");
    assert_one_check(&unlisted_check, &unlisted_else);

    // No server at all: the report, then exit 6.
    let closed_port = ClosedPort::new();
    let closed = closed_port.url();
    let ran = run(world
        .cmd_at(&closed)
        .args(["auth", "status", "--retries", "0"]));
    insta::assert_snapshot!(pinned(&ran, &world, &closed), @"
    [exit status: 6]
    ----- stdout -----
    Profile:      default  (default)
    Host:         http://127.0.0.1:PORT  (env AGENTCTL_HOST)
    Token:        tok-…5b4a  (env AGENTCTL_TOKEN)
    Server:       token not checked: could not connect to 127.0.0.1:PORT: Connection refused (os error 111)
    Config dir:   [CONFIG]  (env AGENTCTL_CONFIG_DIR)
    Config file:  [CONFIG]/config.toml  (not created yet)
    Credentials:  [CONFIG]/credentials.toml  (not created yet)
    ----- stderr -----
    error: could not check the token with http://127.0.0.1:PORT (could not connect to 127.0.0.1:PORT: Connection refused (os error 111))
    hint: is the host right and the server running? Check --host / AGENTCTL_HOST; or pass --offline to skip the check
    ");

    // Not logged in: no request, exit 3 as before.
    let ran = run(world
        .cmd()
        .env("AGENTCTL_HOST", accepting.base_url())
        .args(["auth", "status"]));
    insta::assert_snapshot!(pinned(&ran, &world, &accepting.base_url()), @"
    [exit status: 3]
    ----- stdout -----
    Profile:      default  (default)
    Host:         http://127.0.0.1:PORT  (env AGENTCTL_HOST)
    Token:        (not set)
    Config dir:   [CONFIG]  (env AGENTCTL_CONFIG_DIR)
    Config file:  [CONFIG]/config.toml  (not created yet)
    Credentials:  [CONFIG]/credentials.toml  (not created yet)
    ----- stderr -----
    error: not logged in: no token for profile 'default'
    hint: run `agentctl auth login` (or set AGENTCTL_HOST and AGENTCTL_TOKEN); for a local server to try things on, run `agentctl dev-server`
    ");
    accepted.assert_calls(2);
    accepting_else.assert_calls(0);
}
