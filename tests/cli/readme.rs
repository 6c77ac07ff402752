//! The README's examples, run as written: every command of its `sh` code blocks runs in bash
//! against a dev server on loopback (with `web-01`…`web-03` and the seed's agent registered),
//! with `agentctl` on PATH and a private HOME (so the completion examples write into the
//! test's own home) and config dir. A command that cannot run here
//! is skipped only for a reason listed in `SKIPS` (a real remote host, an install step, a
//! command that runs until stopped); the test prints what it skipped.

use crate::common::dev_binary::DevServer;
use crate::common::*;
use std::process::{Command, Stdio};

/// (a piece of the command, why it cannot run in a test)
const SKIPS: &[(&str, &str)] = &[
    ("cargo ", "builds or installs agentctl itself"),
    ("sudo ", "installs into the system"),
    ("scripts/", "a release build of several minutes"),
    ("example.com", "needs a real remote host"),
    (
        "export AGENTCTL_",
        "sets the placeholder host and token the test replaces",
    ),
    ("--every", "beats until Ctrl-C"),
    ("dev-server", "runs until stopped (the test starts its own)"),
    (
        "dev.env",
        "reads the env file of the dev-server started in the background above",
    ),
    ("kubectl", "needs a Kubernetes cluster"),
    ("docker", "needs a container runtime"),
    ("powershell", "needs PowerShell"),
    ("--duration 10m", "runs ten minutes"),
    ("--duration 30s", "runs thirty seconds"),
    ("--duration 5m", "runs five minutes"),
    (
        "config use staging",
        "needs the staging profile of the remote-host example",
    ),
    ("auth login                ", "prompts at a terminal"),
    ("curl ", "a placeholder URL"),
];

/// `watch` examples that run until stopped get a bound, so the command runs as written and
/// is then ended the way an operator would end it.
const RUNS_UNTIL_STOPPED: &[&str] = &["watch --all", "watch web-01 web-02 |"];

/// The commands of the README's sh/bash blocks: continuation lines joined, comments and blank
/// lines dropped; a block with `if`/`case`/`for` is kept whole.
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let mut commands = Vec::new();
    let mut block: Option<Vec<String>> = None;
    for line in readme.lines() {
        let fence = line.trim_start().starts_with("```");
        match (&mut block, fence) {
            (None, true) => {
                let lang = line.trim_start().trim_start_matches('`').trim();
                if lang == "sh" || lang == "bash" {
                    block = Some(Vec::new());
                }
            }
            (Some(lines), true) => {
                let lines = std::mem::take(lines);
                block = None;
                let whole = lines.join("\n");
                if lines.iter().any(|l| {
                    let t = l.trim_start();
                    t.starts_with("if ") || t.starts_with("case ") || t.starts_with("for ")
                }) {
                    commands.push(whole);
                    continue;
                }
                let mut current = String::new();
                for line in lines {
                    let trimmed = line.trim();
                    if current.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
                        continue;
                    }
                    if let Some(head) = trimmed.strip_suffix('\\') {
                        current.push_str(head);
                        current.push(' ');
                        continue;
                    }
                    current.push_str(trimmed);
                    commands.push(std::mem::take(&mut current));
                }
            }
            (Some(lines), false) => lines.push(line.to_owned()),
            (None, false) => {}
        }
    }
    commands
}

#[test]
fn every_readme_example_runs_as_written() {
    let world = World::new();
    let server = DevServer::start(&world, &[]);
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_agentctl"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let bash = |script: &str| {
        Command::new("timeout")
            .args([
                "--signal=INT",
                "20",
                "bash",
                "--norc",
                "-o",
                "pipefail",
                "-c",
            ])
            .arg(script)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", world.home())
            .env("AGENTCTL_CONFIG_DIR", world.config_dir())
            .env("AGENTCTL_HOST", &server.url)
            .env("AGENTCTL_TOKEN", TOKEN)
            .env("TOKEN", TOKEN)
            .stdin(Stdio::null())
            .output()
            .expect("bash runs")
    };
    // The agents the examples name.
    let seeded = bash(
        "for id in web-01 web-02 web-03 agent-abc123-def456; do \
         agentctl heartbeat send $id --version 1.2.3 --uptime 60 --cpu 1 --mem 1 -q || exit 1; done",
    );
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );

    let commands = readme_commands();
    assert!(commands.len() > 30, "{commands:#?}");
    let mut ran = 0;
    let mut skipped = Vec::new();
    for command in &commands {
        if let Some((_, why)) = SKIPS.iter().find(|(piece, _)| command.contains(piece)) {
            skipped.push(format!("{command}  ({why})"));
            continue;
        }
        let bounded = RUNS_UNTIL_STOPPED
            .iter()
            .any(|piece| command.contains(piece));
        let script = if bounded {
            // Ended with Ctrl-C after two seconds, as an operator would, and it must end as
            // the contract says: exit 130. --preserve-status gives the watch's own status
            // (not timeout's 124, which only says the two seconds ran out), and a watch
            // that does not stop on Ctrl-C is killed five seconds later (137): a failure,
            // not a hang.
            format!(
                "timeout --preserve-status --signal=INT --kill-after=5 2 {command}; status=$?; \
                 [ $status = 130 ] || {{ echo \"exit status $status after Ctrl-C, not 130\" >&2; exit 1; }}"
            )
        } else {
            command.clone()
        };
        let output = bash(&script);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "README example failed ({:?}):\n{command}\n--- stdout\n{stdout}--- stderr\n{stderr}",
            output.status
        );
        assert_clean(&Ran {
            code: 0,
            stdout: stdout.into_owned(),
            stderr: stderr.into_owned(),
        });
        ran += 1;
    }
    eprintln!(
        "ran {ran} README examples; skipped:\n  {}",
        skipped.join("\n  ")
    );
    assert!(ran >= 20, "only {ran} examples ran");
}
