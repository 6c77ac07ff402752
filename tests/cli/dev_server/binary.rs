//! The dev server as a process: its banner, SIGTERM, and settings refused before it listens.

use super::*;

/// Reads the first two stdout lines of a started `agentctl dev-server`.
pub(super) fn read_banner(child: &mut Child) -> (String, String) {
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines_tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let first = lines_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("a first line");
    let second = lines_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("an export line");
    (first, second)
}

pub(super) fn wait_with_timeout(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("agentctl dev-server did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_binary_announces_itself_serves_the_cli_and_stops_on_sigterm() {
    let world = World::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"))
        .args([
            "dev-server",
            "--listen",
            "127.0.0.1:0",
            "--no-save-profile",
            "-v",
        ])
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (first, second) = read_banner(&mut child);
    let port: u16 = first
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let host = format!("http://127.0.0.1:{port}");
    let rest = second
        .strip_prefix(&format!("export AGENTCTL_HOST={host} AGENTCTL_TOKEN="))
        .unwrap_or_else(|| panic!("second line: {second}"));
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

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "{status:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
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
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"))
        .args([
            "dev-server",
            "--listen",
            "127.0.0.1:0",
            "--no-save-profile",
            "--token",
            "it's$-0123456789abcdef",
        ])
        .arg("--seed")
        .arg(&seed)
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (_, export) = read_banner(&mut child);
    assert!(
        export.ends_with(r#" AGENTCTL_TOKEN='it'\''s$-0123456789abcdef'"#),
        "{export}"
    );
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = wait_with_timeout(&mut child, Duration::from_secs(15));
    assert_eq!(status.code(), Some(0));
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
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

    // A port that is taken: exit 1 with a hint to take any free one.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let ran = run(world.cmd().args(["dev-server", "--listen", &addr]));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(ran.stderr.contains("127.0.0.1:0"), "{}", ran.stderr);
}
