//! `config.toml` and `credentials.toml` change together or not at all: when writing one of
//! them fails (here: a file-size limit the other fits under), `auth login` exits 1, says
//! which file and that nothing was changed, and both files hold what they held before.

use crate::common::mock::*;
use crate::common::*;
use std::fs;

const OLD_CONFIG: &str =
    "current_profile = \"prod\"\n\n[profiles.prod]\nhost = \"https://old.example.com\"\n";
const OLD_CREDENTIALS: &str =
    "[profiles.prod]\ntoken = \"tok-old-0123456789\"\norigin = \"https://old.example.com\"\n";

/// The two files, one of them padded past 512 bytes with a comment (kept on rewrite).
fn setup(world: &World, big: &str) -> (String, String) {
    let pad = format!("# {}\n", "x".repeat(1024));
    let (config, credentials) = match big {
        "config.toml" => (format!("{pad}{OLD_CONFIG}"), OLD_CREDENTIALS.to_owned()),
        _ => (OLD_CONFIG.to_owned(), format!("{pad}{OLD_CREDENTIALS}")),
    };
    let dir = world.config_dir();
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("config.toml"), &config).unwrap();
    fs::write(dir.join("credentials.toml"), &credentials).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    let private = fs::Permissions::from_mode(0o600);
    fs::set_permissions(dir.join("credentials.toml"), private).unwrap();
    (config, credentials)
}

/// `auth login` of prod to `host` with a new token, under `ulimit -f 1` (512 bytes; SIGXFSZ
/// ignored, so a write past it fails with EFBIG instead of killing the process).
fn login_limited(world: &World, host: &str) -> Ran {
    let mut shell = assert_cmd::Command::new("sh");
    shell
        .arg("-c")
        .arg("ulimit -f 1; trap '' XFSZ; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_agentctl"))
        .args(["--profile", "prod", "auth", "login", "--with-token"])
        .args(["--host", host]);
    for var in [
        "AGENTCTL_HOST",
        "AGENTCTL_TOKEN",
        "AGENTCTL_PROFILE",
        "AGENTCTL_OUTPUT",
    ] {
        shell.env_remove(var);
    }
    shell
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .write_stdin(TOKEN)
        .timeout(std::time::Duration::from_secs(60));
    run(&mut shell)
}

fn check(world: &World, big: &str) {
    let server = MockServer::start();
    let listing = server.mock(|when, then| {
        api_list(when);
        then.respond_with(Answer::ok(r#"{"items":[],"total":0}"#).into_responder());
    });
    let (config, credentials) = setup(world, big);
    let ran = login_limited(world, &server.base_url());
    let dir = world.config_dir().display().to_string();
    insta::assert_snapshot!(
        big.replace('.', "-"),
        ran.transcript_with(&[(&dir, "[CONFIG]"), (&server.base_url(), "[HOST]")])
    );
    assert_eq!(ran.code, 1);
    listing.assert_calls(1);
    let read = |name: &str| fs::read_to_string(world.config_dir().join(name)).unwrap();
    assert_eq!(read("config.toml"), config, "config.toml changed");
    assert_eq!(
        read("credentials.toml"),
        credentials,
        "credentials.toml changed"
    );
    let left: Vec<_> = fs::read_dir(world.config_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_failed_credentials_write_changes_neither_file() {
    check(&World::new(), "credentials.toml");
}

#[test]
fn a_failed_config_write_puts_credentials_back_and_changes_neither_file() {
    check(&World::new(), "config.toml");
}
