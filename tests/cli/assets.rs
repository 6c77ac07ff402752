//! Completions and man pages are generated and committed; these tests fail, with the command
//! that fixes it, when a committed file no longer matches what the CLI generates.

use crate::common::*;
use agentctl::assets;

const FIX: &str = "regenerate them with: cargo run --example generate-assets";

fn committed(path: &str) -> Option<Vec<u8>> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).ok()
}

fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    for (index, (want, have)) in expected.lines().zip(actual.lines()).enumerate() {
        if want != have {
            return format!("line {}:\n- {have}\n+ {want}", index + 1);
        }
    }
    format!(
        "the files differ in length ({} lines generated, {} committed)",
        expected.lines().count(),
        actual.lines().count()
    )
}

#[test]
fn committed_completions_and_man_pages_are_current() {
    let mut stale = Vec::new();
    for asset in assets::all(&agentctl::cli::command()) {
        match committed(&asset.path) {
            Some(bytes) if bytes == asset.contents => {}
            Some(bytes) => stale.push(format!(
                "{} is stale, {}",
                asset.path,
                first_difference(&asset.contents, &bytes)
            )),
            None => stale.push(format!("{} is missing", asset.path)),
        }
    }
    let generated: Vec<String> = assets::all(&agentctl::cli::command())
        .into_iter()
        .map(|a| a.path)
        .collect();
    for dir in ["completions", "man"] {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for entry in std::fs::read_dir(root).unwrap() {
            let path = format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy());
            if !generated.contains(&path) {
                stale.push(format!("{path} is no longer generated; delete it"));
            }
        }
    }
    assert!(stale.is_empty(), "{}\n{FIX}", stale.join("\n"));
}

#[test]
fn the_completions_command_prints_the_committed_scripts() {
    let world = World::new();
    for (shell, file) in [
        ("bash", "agentctl.bash"),
        ("zsh", "_agentctl"),
        ("fish", "agentctl.fish"),
        ("powershell", "_agentctl.ps1"),
        ("elvish", "agentctl.elv"),
    ] {
        let ran = run(world.cmd().args(["completions", shell]));
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        let expected = committed(&format!("completions/{file}")).expect("committed script");
        assert_eq!(ran.stdout.as_bytes(), expected.as_slice(), "{shell}; {FIX}");
        // The script registers the binary as its completer; the values come from it live.
        assert!(ran.stdout.contains("COMPLETE"), "{shell}");
    }
}

#[test]
fn man_renders_the_root_page_with_exit_codes_and_environment() {
    let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man/agentctl.1");
    let text = render_man(&page);
    for needle in [
        "EXIT STATUS",
        "not found (HTTP 404)",
        "ended by SIGTERM",
        "a --fail-if threshold was crossed",
        "AGENTCTL_HOST",
        "AGENTCTL_TOKEN",
        "credentials.toml",
        "EXAMPLES",
    ] {
        assert!(text.contains(needle), "man page lacks {needle}:\n{text}");
    }
}

/// What the committed scripts ask on <Tab>: `COMPLETE=bash agentctl -- <words>`, answered
/// with live values (the profiles of this config dir) and the fixed ones (statuses, formats).
#[test]
fn completions_offer_profiles_keys_statuses_and_formats() {
    let world = World::new();
    let dir = world.config_dir();
    std::fs::create_dir_all(&dir).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    std::fs::write(
        dir.join("config.toml"),
        "[profiles.prod]\nhost = \"https://p.example.com\"\n[profiles.staging]\nhost = \"https://s.example.com\"\n",
    )
    .unwrap();
    let complete = |words: &[&str]| -> Vec<String> {
        let ran = run(world
            .cmd()
            .env("COMPLETE", "bash")
            .env("_CLAP_IFS", "\n")
            .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
            .arg("--")
            .args(words));
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        ran.stdout.lines().map(str::to_owned).collect()
    };
    let profiles = complete(&["agentctl", "config", "use", ""]);
    assert!(
        profiles.starts_with(&["prod".to_owned(), "staging".to_owned()]),
        "{profiles:?}"
    );
    assert_eq!(complete(&["agentctl", "--profile", "st"]), ["staging"]);
    let keys = complete(&["agentctl", "config", "set", ""]);
    for key in ["host", "output", "request_timeout", "retries", "cacert"] {
        assert!(keys.contains(&key.to_owned()), "{keys:?}");
    }
    assert_eq!(
        complete(&["agentctl", "watch", "--until", ""]),
        ["online", "delayed", "offline"]
    );
    assert_eq!(
        complete(&["agentctl", "-o", ""]),
        ["table", "wide", "json", "ndjson"]
    );
    assert_eq!(
        complete(&["agentctl", "agent", "list", "--status", ""]),
        ["online", "delayed", "offline"]
    );
    assert_eq!(
        complete(&["agentctl", "watch", "--all", "--status", "d"]),
        ["delayed"]
    );
    assert_eq!(
        complete(&["agentctl", "agent", "list", "--type", ""]),
        ["log", "metric", "trace"]
    );
    let fields = complete(&["agentctl", "agent", "list", "--sort-by", ""]);
    for field in ["name", "status", "lastHeartbeatAt", "cpuUsage"] {
        assert!(fields.contains(&field.to_owned()), "{fields:?}");
    }
    assert_eq!(
        complete(&["agentctl", "agent", "list", "--sort-by", "last"]),
        ["lastHeartbeatAt", "lastOpDate"]
    );
    let values = complete(&["agentctl", "config", "set", "output", ""]);
    assert_eq!(
        values[..4],
        ["table", "wide", "json", "ndjson"],
        "{values:?}"
    );
    assert_eq!(
        complete(&["agentctl", "config", "set", "output", "w"]),
        ["wide"]
    );
    // An id has nothing to offer, and a lone `--help` would be inserted by bash: the options
    // are listed instead.
    let after_show = complete(&["agentctl", "agent", "show", ""]);
    assert!(after_show.len() > 1, "{after_show:?}");
    assert!(after_show.contains(&"--jq".to_owned()), "{after_show:?}");
    let after_id = complete(&["agentctl", "agent", "show", "a1", ""]);
    assert!(after_id.len() > 1, "{after_id:?}");
    // The maintainers' asset generator is not a command: never offered.
    assert!(complete(&["agentctl", "gen"]).is_empty());
    let all = complete(&["agentctl", ""]);
    assert!(all.contains(&"agent".to_owned()), "{all:?}");
    assert!(!all.iter().any(|c| c.contains("generate")), "{all:?}");
}

#[test]
fn a_mistyped_command_is_never_pointed_at_a_hidden_one() {
    let world = World::new();
    for typo in ["generate-asset", "generate", "assets"] {
        let ran = run(world.cmd().arg(typo));
        assert_eq!(ran.code, 2, "{}", ran.stderr);
        assert!(
            ran.stderr.contains("unrecognized subcommand"),
            "{}",
            ran.stderr
        );
        assert!(!ran.stderr.contains("generate-assets"), "{}", ran.stderr);
    }
}

/// The committed bash script, sourced by a real bash, completes profile names by asking the
/// binary on PATH.
#[test]
fn bash_sources_the_script_and_completes_profiles() {
    let world = World::new();
    let dir = world.config_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[profiles.prod]\nhost = \"https://p.example.com\"\n",
    )
    .unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/agentctl.bash");
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_agentctl"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = std::process::Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(format!(
            "source '{}'; COMP_WORDS=(agentctl config use pr); COMP_CWORD=3; COMP_TYPE=9; \
             _clap_complete_agentctl agentctl pr use; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        ))
        .env("PATH", path)
        .env("AGENTCTL_CONFIG_DIR", &dir)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.trim(), "prod", "{stdout}");
}
