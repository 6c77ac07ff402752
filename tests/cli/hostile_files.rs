//! Files named on the command line that are not regular files: a FIFO (no writer: opening it
//! for reading would block for ever) or /dev/zero (endless). Each is refused at once, exit 2,
//! naming the flag and the file; a regular file is read as before.

use crate::common::{World, mkfifo, run};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Runs `args` with `{}` replaced by `path`, killed (and the test failed) after 10 s; the
/// transcript with the path as `[FILE]`.
fn transcript(world: &World, args: &[&str], path: &Path) -> String {
    let path_text = path.display().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("{}", &path_text)).collect();
    let mut cmd = world.cmd();
    cmd.env("AGENTCTL_TOKEN", crate::common::TOKEN)
        .args(&args)
        .timeout(Duration::from_secs(10));
    let ran = run(&mut cmd);
    assert_ne!(ran.code, -1, "{args:?} did not end within 10 s");
    ran.transcript_with(&[(path_text.as_str(), "[FILE]")])
}

fn fifo(world: &World) -> PathBuf {
    let path = world.home().join("fifo");
    mkfifo(&path);
    path
}

/// A FIFO and /dev/zero are both refused, with `what` they are and `hint`.
fn refuses_both(args: &[&str], subject: &str, hint: &str) {
    let world = World::new();
    for (path, what) in [(fifo(&world), "a FIFO"), ("/dev/zero".into(), "a device")] {
        let expected = format!(
            "[exit status: 2]\n----- stdout -----\n----- stderr -----\n\
             error: {subject}: {what}, not a regular file; refusing to read it\nhint: {hint}\n"
        );
        assert_eq!(transcript(&world, args, &path), expected, "{args:?}");
    }
}

const ANY_FILE: &str = "give a regular file (a pipe or a device is not read)";

#[test]
fn cacert_refuses_a_fifo_and_dev_zero() {
    refuses_both(
        &[
            "--host",
            "https://127.0.0.1:1",
            "--cacert",
            "{}",
            "agent",
            "show",
            "a",
        ],
        "--cacert [FILE]",
        ANY_FILE,
    );
}

#[test]
fn heartbeat_send_body_refuses_a_fifo_and_dev_zero() {
    let mut args = vec!["--host", "http://127.0.0.1:1", "heartbeat", "send", "a"];
    args.extend(["--body", "{}"]);
    refuses_both(
        &args,
        "--body [FILE]",
        "give a regular file, or `--body -` and the body on stdin",
    );
}

#[test]
fn heartbeat_summary_refuses_a_fifo_and_dev_zero() {
    refuses_both(
        &["heartbeat", "summary", "{}"],
        "[FILE]",
        "give a regular file, or `-` and the summary on stdin",
    );
}

#[test]
fn dev_server_seed_refuses_a_fifo_and_dev_zero() {
    refuses_both(
        &[
            "dev-server",
            "--listen",
            "127.0.0.1:0",
            "--no-save-profile",
            "--seed",
            "{}",
        ],
        "--seed [FILE]",
        ANY_FILE,
    );
}

#[test]
fn dev_server_token_file_refuses_a_fifo_and_dev_zero() {
    let mut args = vec!["dev-server", "--listen", "127.0.0.1:0", "--no-save-profile"];
    args.extend(["--token-file", "{}"]);
    refuses_both(&args, "--token-file [FILE]", ANY_FILE);
}
