//! The dev server as a process: its banner, SIGTERM, and settings refused before it listens.

use crate::common::dev_binary::DevServer;
use crate::common::*;

#[test]
fn the_binary_announces_itself_serves_the_cli_and_stops_on_sigterm() {
    let world = World::new();
    let server = DevServer::spawn(&world, &["--no-save-profile", "-v"], &[]);
    // The first line said where (the harness read "listening on URL"), the second how.
    let port: u16 = server
        .url
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("first line: listening on {}", server.url))
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let host = format!("http://127.0.0.1:{port}");
    let rest = server
        .export
        .strip_prefix(&format!("export AGENTCTL_HOST={host} AGENTCTL_TOKEN="))
        .unwrap_or_else(|| panic!("second line: {}", server.export));
    let token = rest.to_owned();
    assert!(token.starts_with("dev_") && token.len() == 68, "{token}");

    let mut cmd = world.cmd();
    cmd.env("AGENTCTL_HOST", &host)
        .env("AGENTCTL_TOKEN", &token);
    let ran = run(cmd.args([
        "heartbeat",
        "send",
        "web-01",
        "--version",
        "1.2.3",
        "--uptime",
        "90",
        "--cpu",
        "5",
        "--mem",
        "6",
        "-o",
        "json",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stdout.contains(&token) && !ran.stderr.contains(&token));
    let mut cmd = world.cmd();
    cmd.env("AGENTCTL_HOST", &host)
        .env("AGENTCTL_TOKEN", &token);
    let ran = run(cmd.args(["agent", "show", "web-01", "--no-headers"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.starts_with("web-01"), "{}", ran.stdout);
    assert!(ran.stdout.contains("online"), "{}", ran.stdout);

    let (status, stderr) = server.stop();
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert!(
        stderr.contains("online < 20s ≤ delayed < 50s ≤ offline"),
        "{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(
        !world.config_dir().exists(),
        "--no-save-profile wrote config"
    );
}

#[test]
fn sigterm_right_after_the_banner_is_a_clean_stop_with_a_chosen_token_and_seed() {
    let world = World::new();
    let seed = world.home().join("seed.json");
    std::fs::write(&seed, r#"[{"uuid":"a"},{"uuid":"b","type":"log"}]"#).unwrap();
    let server = DevServer::spawn(
        &world,
        &[
            "--no-save-profile",
            "--token",
            "it's$-0123456789abcdef",
            "--seed",
            seed.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        server
            .export
            .ends_with(r#" AGENTCTL_TOKEN='it'\''s$-0123456789abcdef'"#),
        "{}",
        server.export
    );
    let (status, stderr) = server.stop();
    assert_eq!(status.code(), Some(0));
    assert!(stderr.contains("2 agents from the seed"), "{stderr}");
}

#[test]
fn bad_settings_are_usage_errors() {
    let world = World::new();
    let ran = run(world.cmd().args([
        "dev-server",
        "--listen",
        "127.0.0.1:0",
        "--delayed-after",
        "30s",
        "--offline-after",
        "30s",
    ]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("--offline-after (30s) must be longer than --delayed-after (30s)"),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stdout, "");

    let bad_seed = world.home().join("agents.json");
    std::fs::write(&bad_seed, r#"[{"uuid":"a"},{"name":"no id"}]"#).unwrap();
    for (file, needle) in [
        (bad_seed.clone(), "record 2: uuid is missing"),
        (world.home().join("missing.json"), "No such file"),
    ] {
        let ran = run(world
            .cmd()
            .args(["dev-server", "--listen", "127.0.0.1:0", "--seed"])
            .arg(&file));
        assert_eq!(ran.code, 2, "{}", ran.stderr);
        assert!(
            ran.stderr.contains(&format!("--seed {}", file.display()))
                && ran.stderr.contains(needle),
            "{}",
            ran.stderr
        );
        assert_eq!(ran.stdout, "");
    }

    // A port that is taken (held by a socket of the test's): exit 1 with a hint to take any
    // free one.
    let taken = ClosedPort::new();
    let addr = format!("127.0.0.1:{}", taken.port());
    let ran = run(world.cmd().args(["dev-server", "--listen", &addr]));
    insta::assert_snapshot!(ran.transcript_with(&[(&addr, "127.0.0.1:PORT")]), @"
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: cannot listen on 127.0.0.1:PORT: Address already in use (os error 98)
    hint: another server holds that port; pass --listen 127.0.0.1:0 to take any free one
    ");
}
