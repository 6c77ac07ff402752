//! The README's scripting section as one script, run by `bash` against the dev server on
//! loopback, with its output checked line by line and each branch of its exit-code snippet
//! taken (`readme.rs` runs every example and checks that it succeeds).

#![cfg(unix)]

use crate::common::dev_binary::DevServer;
use crate::common::*;
use std::path::Path;

/// The first ```sh block after the "## Scripting" heading of README.md.
fn scripting_block() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let section = readme
        .split_once("\n## Scripting\n")
        .expect("a Scripting section")
        .1;
    let block = section
        .split_once("```sh\n")
        .expect("a sh block in the Scripting section")
        .1;
    block
        .split_once("\n```")
        .expect("the end of the block")
        .0
        .to_owned()
}

/// `bash -c BLOCK` with `agentctl` on PATH, pointed at `host` with the test token.
fn bash(world: &World, block: &str, host: &str) -> Ran {
    let bin = world.home().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let link = bin.join("agentctl");
    if !link.exists() {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_agentctl"), &link).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = std::process::Command::new("bash")
        .args(["-c", block])
        .env_clear()
        .env("PATH", path)
        .env("HOME", world.home())
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("AGENTCTL_HOST", host)
        .env("AGENTCTL_TOKEN", TOKEN)
        .output()
        .expect("bash runs");
    let ran = Ran {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_clean(&ran);
    ran
}

#[test]
fn the_scripting_section_runs_as_written_in_bash() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        return;
    }
    let block = scripting_block();
    assert!(block.contains("agentctl agent show web-01 -q"), "{block}");
    let world = World::new();
    // Statuses must not move while the script runs, however slow the machine.
    let server = DevServer::start(&world, &["--delayed-after", "1h", "--offline-after", "2h"]);

    // Nothing registered yet: every show fails with exit 4, and the exit-code snippet says so.
    let ran = bash(&world, &block, &server.url);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stdout.lines().last(),
        Some("web-01 is not registered"),
        "{}",
        ran.stdout
    );

    for agent in ["web-01", "web-02"] {
        let ran = run(world
            .cmd_at(&server.url)
            .args(["heartbeat", "send", agent])
            .args(MINIMAL_BEAT));
        assert_eq!(ran.code, 0, "{}", ran.stderr);
    }
    let ran = bash(&world, &block, &server.url);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stderr, "");
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 8, "{}", ran.stdout);
    // `--jq .status`; then `-r --jq '… select(.status != "online") …'`, which prints nothing.
    assert_eq!(lines[0], "\"online\"");
    // `agent list -o ndjson -r --jq '[.uuid, .name, .status] | @tsv'`.
    assert_eq!(
        lines[1..3],
        ["web-01\tweb-01\tonline", "web-02\tweb-02\tonline"]
    );
    // `-o ndjson`: one compact object per line.
    for (line, uuid) in lines[3..5].iter().zip(["web-01", "web-02"]) {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["uuid"], uuid);
        assert_eq!(record["status"], "online");
    }
    // `--no-headers | awk '{print $1, $4}'`: UUID and STATUS.
    assert_eq!(lines[5..7], ["web-01 online", "web-02 online"]);
    assert_eq!(lines[7], "web-01 is registered");

    // The server gone: the snippet's network branch. Retrying the refused connections
    // would only delay each command's exit 6 (retries have their own tests in errors.rs).
    let ran = run(world.cmd().args(["config", "set", "retries", "0"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let closed = ClosedPort::new();
    let ran = bash(&world, &block, &closed.url());
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stdout.lines().last(),
        Some("platform unreachable"),
        "{}",
        ran.stdout
    );
}
