//! Snapshot tests: stdout, stderr and the exit status together (jj's style), for the help of
//! every command, the table renderings, and the main error messages. After an intended
//! change, review and accept with `INSTA_UPDATE=always cargo test --test cli snapshots` (or
//! `cargo insta review`), and commit the `.snap` files with the change.

use crate::common::{ClosedPort, World, render_man, transcript};
use agentctl::api::Agent;
use agentctl::output::{OutputFormat, OutputOptions, Shape, print_agents};
use agentctl::ui::Ui;
use std::time::{Duration, SystemTime};

/// Every command path: `[]`, `["agent"]`, `["agent", "list"]`, …; hidden ones left out.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(prefix.clone());
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_name() == "help" {
                continue;
            }
            let mut path = prefix.clone();
            path.push(sub.get_name().to_owned());
            walk(sub, path, out);
        }
    }
    let mut root = agentctl::cli::command();
    root.build();
    let mut paths = Vec::new();
    walk(&root, Vec::new(), &mut paths);
    paths
}

#[test]
fn help_of_every_command() {
    let paths = command_paths();
    assert!(paths.len() > 15, "{paths:?}");
    for path in paths {
        let mut argv = vec!["agentctl".to_owned()];
        argv.extend(path.iter().cloned());
        argv.push("--help".into());
        // The width is fixed so the snapshot does not depend on the terminal running the test.
        let err = agentctl::cli::command()
            .term_width(100)
            .try_get_matches_from(&argv)
            .expect_err("--help ends parsing");
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp, "{argv:?}");
        let name = if path.is_empty() {
            "help".to_owned()
        } else {
            format!("help-{}", path.join("-"))
        };
        insta::assert_snapshot!(name, transcript(0, &err.render().to_string(), ""));
    }
}

fn agents() -> Vec<Agent> {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let at =
        |ago: u64| humantime::format_rfc3339_millis(now - Duration::from_secs(ago)).to_string();
    [
        serde_json::json!({
            "uuid": "agent-abc123-def456", "name": "prod-agent-01", "type": "log",
            "version": "1.2.3", "status": "online", "region": "us-east-1",
            "endpoint": "http://192.168.1.10:7890", "platformId": "plat-001-abc",
            "labels": "{\"team\":\"ops\",\"env\":\"prod\"}",
            "lastHeartbeatAt": at(12), "createDate": at(86_400), "lastOpDate": at(12)
        }),
        serde_json::json!({
            "uuid": "metric-7", "name": "edge \u{1b}[31mred\u{1b}[0m", "type": "metric",
            "version": "2.0.0", "status": "delayed", "region": "eu-west-1",
            "lastHeartbeatAt": at(95)
        }),
        serde_json::json!({"uuid": "trace-01", "status": "offline"}),
    ]
    .into_iter()
    .map(|value| Agent::from_value(value).unwrap())
    .collect()
}

fn rendered(format: OutputFormat, headers: bool) -> String {
    let (ui, captured) = Ui::captured(false);
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let options = OutputOptions {
        headers,
        ..OutputOptions::new(format, now)
    };
    print_agents(&ui, &options, &agents(), Shape::Many).unwrap();
    transcript(0, &captured.stdout(), &captured.stderr())
}

#[test]
fn tables() {
    insta::assert_snapshot!("table", rendered(OutputFormat::Table, true));
    insta::assert_snapshot!("table-no-headers", rendered(OutputFormat::Table, false));
    insta::assert_snapshot!("wide", rendered(OutputFormat::Wide, true));
    insta::assert_snapshot!("ndjson", rendered(OutputFormat::Ndjson, true));
}

#[test]
fn main_error_messages() {
    let world = World::new();
    let closed_port = ClosedPort::new();
    let closed = closed_port.url();
    let cases: Vec<(&str, Vec<&str>, Option<&str>)> = vec![
        ("error-no-host", vec!["agent", "show", "a"], None),
        (
            "error-bad-flag",
            vec!["heartbeat", "send", "a", "--cpu", "150"],
            None,
        ),
        ("error-bad-id", vec!["agent", "show", ".."], None),
        (
            "error-unknown-profile",
            vec!["--profile", "nope", "agent", "show", "a"],
            None,
        ),
        (
            "error-refused-connection",
            vec!["agent", "show", "a", "--retries", "0"],
            Some(&closed),
        ),
        (
            "error-insecure-http",
            vec!["agent", "show", "a"],
            Some("http://agents.invalid"),
        ),
    ];
    for (name, args, host) in cases {
        let mut cmd = match host {
            Some(host) => world.cmd_at(host),
            None => world.cmd(),
        };
        let ran = crate::common::run(cmd.args(&args));
        let port = closed.rsplit(':').next().unwrap();
        let text = transcript(ran.code, &ran.stdout, &ran.stderr)
            .replace(&format!("127.0.0.1:{port}"), "127.0.0.1:PORT");
        insta::assert_snapshot!(name, text);
    }
}

/// Every man page as `man` renders it (width fixed), so a change to a page is read as text.
#[test]
fn man_pages_rendered() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "1"))
        .collect();
    pages.sort();
    assert!(pages.len() > 15, "{pages:?}");
    for page in pages {
        let text = render_man(&page);
        let name = page.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("man-{name}"), text);
    }
}

/// `watch --help` fits a screen (at most 70 lines at the snapshots' width), watch's own
/// options ahead of --all and the listing filters, and keeps its examples.
#[test]
fn watch_help_fits_a_screen() {
    let err = agentctl::cli::command()
        .term_width(100)
        .try_get_matches_from(["agentctl", "watch", "--help"])
        .expect_err("--help ends parsing");
    let help = err.render().to_string();
    let lines = help.lines().count();
    assert!(lines <= 70, "{lines} lines:\n{help}");
    let at = |needle: &str| {
        help.find(needle)
            .unwrap_or_else(|| panic!("{needle}:\n{help}"))
    };
    assert!(at("--interval <DUR>") < at("--all "), "{help}");
    assert!(at("--exec-timeout <DUR>") < at("--status <S>"), "{help}");
    assert!(at("Ids are polled one by one") < at("Examples:"), "{help}");
    assert!(
        help.contains("agentctl watch --all -o ndjson | jq -c"),
        "{help}"
    );
}
