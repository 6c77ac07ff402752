//! The README's examples, run as written: every command of its `sh` code blocks runs in bash
//! against a dev server on loopback (with `web-01`…`web-03` and the seed's agent registered),
//! with `agentctl` on PATH and a private HOME (so the completion examples write into the
//! test's own home) and config dir. A command that cannot run here
//! is skipped only for a reason listed in `SKIPS` (a real remote host, an install step, a
//! command that runs until stopped); each test prints what it skipped.
//!
//! One test per group of README sections (`GROUPS`), each with its own dev server and config
//! dir, the section's commands in the README's order, so the groups run side by side;
//! `every_readme_example_belongs_to_one_group` holds every section with an example to exactly
//! one group, so no example goes unrun.

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

/// The README's sections that hold examples, grouped: one test runs each group, on its own
/// dev server and config dir, its commands in the README's order. (test name, headings)
const GROUPS: &[(&str, &[&str])] = &[
    ("install_and_usage", &["Quick start", "Install", "Usage"]),
    (
        "simulating",
        &[
            "Simulating heartbeats",
            "Simulating a fleet across machines, on Kubernetes",
        ],
    ),
    ("listing_and_watching", &["Listing and watching agents"]),
    (
        "top_and_profiles",
        &[
            "`agentctl top`: a full-screen view",
            "Profiles and credentials",
        ],
    ),
    ("scripting", &["Scripting"]),
    ("recipes", &["Recipes"]),
    (
        "completions_and_dev_server",
        &["Shell completions and man pages", "Dev server"],
    ),
];

/// One command of a README sh/bash block, with the heading of the section it is under.
struct Example {
    section: String,
    command: String,
}

/// The commands of the README's sh/bash blocks: continuation lines joined, comments and blank
/// lines dropped; a block with `if`/`case`/`for` is kept whole.
fn readme_examples() -> Vec<Example> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let mut examples = Vec::new();
    let mut section = String::new();
    let mut block: Option<Vec<String>> = None;
    // Inside a code block of another language (its `#` lines are not headings).
    let mut other_block = false;
    for line in readme.lines() {
        let fence = line.trim_start().starts_with("```");
        if other_block {
            other_block = !fence;
            continue;
        }
        match (&mut block, fence) {
            (None, true) => {
                let lang = line.trim_start().trim_start_matches('`').trim();
                if lang == "sh" || lang == "bash" {
                    block = Some(Vec::new());
                } else {
                    other_block = true;
                }
            }
            (Some(lines), true) => {
                let lines = std::mem::take(lines);
                block = None;
                let mut push = |command: String| {
                    examples.push(Example {
                        section: section.clone(),
                        command,
                    })
                };
                let whole = lines.join("\n");
                if lines.iter().any(|l| {
                    let t = l.trim_start();
                    t.starts_with("if ") || t.starts_with("case ") || t.starts_with("for ")
                }) {
                    push(whole);
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
                    push(std::mem::take(&mut current));
                }
            }
            (Some(lines), false) => lines.push(line.to_owned()),
            (None, false) => {
                if line.starts_with('#') {
                    section = line.trim_start_matches('#').trim().to_owned();
                }
            }
        }
    }
    examples
}

/// Why `command` cannot run in a test, if it cannot.
fn skipped_because(command: &str) -> Option<&'static str> {
    SKIPS
        .iter()
        .find(|(piece, _)| command.contains(piece))
        .map(|(_, why)| *why)
}

#[test]
fn every_readme_example_belongs_to_one_group() {
    let examples = readme_examples();
    assert!(examples.len() > 30, "{} examples", examples.len());
    let mut sections: Vec<&str> = examples.iter().map(|e| e.section.as_str()).collect();
    sections.dedup();
    for section in &sections {
        let owners: Vec<&str> = GROUPS
            .iter()
            .filter(|(_, headings)| headings.contains(section))
            .map(|(name, _)| *name)
            .collect();
        assert_eq!(
            owners.len(),
            1,
            "the README section {section:?} has examples and must be in exactly one of GROUPS \
             (it is in {owners:?})"
        );
    }
    for (name, headings) in GROUPS {
        for heading in *headings {
            assert!(
                sections.contains(heading),
                "group {name}: no README section {heading:?} with examples"
            );
        }
    }
    let runnable = examples
        .iter()
        .filter(|e| skipped_because(&e.command).is_none())
        .count();
    assert!(runnable >= 20, "only {runnable} examples can run");
}

/// Runs the examples of group `name` as written, in order, against a fresh dev server.
fn group_runs_as_written(name: &str) {
    let (_, headings) = GROUPS
        .iter()
        .find(|(group, _)| *group == name)
        .unwrap_or_else(|| panic!("no group {name}"));
    let commands: Vec<String> = readme_examples()
        .into_iter()
        .filter(|e| headings.contains(&e.section.as_str()))
        .map(|e| e.command)
        .collect();
    assert!(!commands.is_empty(), "group {name}: no examples");
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

    let mut ran = 0;
    let mut skipped = Vec::new();
    for command in &commands {
        if let Some(why) = skipped_because(command) {
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
        "{name}: ran {ran} README examples; skipped:\n  {}",
        skipped.join("\n  ")
    );
}

#[test]
fn readme_install_and_usage_examples_run_as_written() {
    group_runs_as_written("install_and_usage");
}

#[test]
fn readme_simulating_examples_run_as_written() {
    group_runs_as_written("simulating");
}

#[test]
fn readme_listing_and_watching_examples_run_as_written() {
    group_runs_as_written("listing_and_watching");
}

#[test]
fn readme_top_and_profiles_examples_run_as_written() {
    group_runs_as_written("top_and_profiles");
}

#[test]
fn readme_scripting_examples_run_as_written() {
    group_runs_as_written("scripting");
}

#[test]
fn readme_recipes_examples_run_as_written() {
    group_runs_as_written("recipes");
}

#[test]
fn readme_completions_and_dev_server_examples_run_as_written() {
    group_runs_as_written("completions_and_dev_server");
}
