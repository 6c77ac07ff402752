//! `auth login/logout/status/token`: where tokens are stored, that they are used, never shown,
//! never lost, and that precedence and profiles work as the contract says.

use crate::common::mock::*;
use crate::common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

mod precedence;
mod token;

/// `auth login --with-token --no-verify` with the token on stdin (the check with the server is
/// tested in `auth_login.rs`; these tests are about what is stored, some for hosts that do not
/// exist).
fn login(world: &World, token: &str, extra: &[&str]) -> Ran {
    run(world
        .cmd()
        .args(["auth", "login", "--with-token", "--no-verify"])
        .args(extra)
        .write_stdin(format!("{token}\n")))
}

fn show(world: &World, extra: &[&str]) -> Ran {
    run(world.cmd().args(["agent", "show", "a1"]).args(extra))
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn login_with_token_stores_it_privately_and_calls_use_it() {
    let server = MockServer::start();
    let heartbeat = server.mock(|when, then| {
        when.method(PUT)
            .path("/api/v1/agents/a1/heartbeat")
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("accept", "application/json")
            .body(SEED_BODY);
        then.status(200).body(seed_response_for("a1"));
    });
    let world = World::new();
    let ran = login(&world, TOKEN, &["--host", &server.base_url()]);
    let config_dir = world.config_dir().display().to_string();
    let url = server.base_url();
    insta::assert_snapshot!(
        ran.transcript_with(&[(&config_dir, "[CONFIG]"), (&url, "http://127.0.0.1:PORT")]),
        @"
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    Not checking the token with http://127.0.0.1:PORT (--no-verify).
    Logged in to http://127.0.0.1:PORT as profile 'default' (now the current profile).
    Token saved to [CONFIG]/credentials.toml.
    "
    );

    // No AGENTCTL_HOST, no AGENTCTL_TOKEN: both come from the profile.
    let ran = run(world.cmd().args([
        "heartbeat",
        "send",
        "a1",
        "--version",
        "1.2.3",
        "--uptime",
        "86400",
        "--cpu",
        "12.5",
        "--mem",
        "35.2",
        "-o",
        "json",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("\"prod-agent-01\""), "{}", ran.stdout);
    heartbeat.assert_calls(1);

    let dir = world.config_dir();
    let credentials = dir.join("credentials.toml");
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&credentials), 0o600);
    }
    let holding_token: Vec<PathBuf> = files_under(&dir)
        .into_iter()
        .filter(|path| fs::read_to_string(path).unwrap().contains(TOKEN))
        .collect();
    assert_eq!(holding_token, [credentials]);
    let config = fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(config.contains("current_profile = \"default\""), "{config}");
    assert!(
        config.contains(&format!("host = \"{}\"", server.base_url())),
        "{config}"
    );
}

#[test]
fn parallel_logins_to_different_profiles_keep_every_token() {
    let world = World::new();
    let token = |n: usize| format!("tok-parallel-{n:02}-0123456789");
    let children: Vec<_> = (0..24)
        .map(|n| {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"));
            command
                .args([
                    "auth",
                    "login",
                    "--with-token",
                    "--no-verify",
                    "--profile",
                    &format!("p{n}"),
                ])
                .args(["--host", &format!("https://p{n}.example.com")])
                .env_remove("AGENTCTL_TOKEN")
                .env_remove("AGENTCTL_HOST")
                .env_remove("AGENTCTL_PROFILE")
                .env("AGENTCTL_CONFIG_DIR", world.config_dir())
                .env("HOME", world.home())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = command.spawn().unwrap();
            let mut stdin = child.stdin.take().unwrap();
            std::io::Write::write_all(&mut stdin, token(n).as_bytes()).unwrap();
            drop(stdin);
            child
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for n in 0..24 {
        let ran = run(world
            .cmd()
            .args(["auth", "token", "--profile", &format!("p{n}")]));
        assert_eq!(ran.code, 0, "p{n}: {}", ran.stderr);
        assert_eq!(ran.stdout, format!("{}\n", token(n)));
    }
    let list = run(world.cmd().args(["config", "list"]));
    for n in 0..24 {
        assert!(
            list.stdout
                .contains(&format!("p{n}.host=https://p{n}.example.com\n")),
            "{}",
            list.stdout
        );
    }
    // Exactly one of them became current, and no temp file was left behind.
    assert_eq!(list.stdout.matches("current_profile=").count(), 1);
    let mut names: Vec<String> = files_under(&world.config_dir())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".lock", "config.toml", "credentials.toml"]);
}

#[cfg(unix)]
#[test]
fn group_readable_credentials_are_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let world = World::new();
    assert_eq!(
        login(&world, TOKEN, &["--host", "https://h.example.com"]).code,
        0
    );
    let credentials = world.config_dir().join("credentials.toml");
    fs::set_permissions(&credentials, fs::Permissions::from_mode(0o640)).unwrap();
    let before = fs::read(&credentials).unwrap();

    let fix = format!("chmod 600 {}", credentials.display());
    let config_dir = world.config_dir().display().to_string();
    let mut transcripts = String::new();
    for args in [
        &["auth", "status"][..],
        &["auth", "token"],
        &["agent", "show", "a1"],
    ] {
        let ran = run(world.cmd().args(args));
        assert!(ran.stderr.contains(&fix), "{args:?}: {}", ran.stderr);
        transcripts.push_str(&format!("$ agentctl {}\n", args.join(" ")));
        transcripts.push_str(&ran.transcript_with(&[(&config_dir, "[CONFIG]")]));
    }
    let ran = login(
        &world,
        "tok-other-0123456789",
        &["--host", "https://h.example.com"],
    );
    assert!(ran.stderr.contains(&fix), "{}", ran.stderr);
    transcripts.push_str("$ agentctl auth login --with-token --no-verify\n");
    transcripts.push_str(&ran.transcript_with(&[(&config_dir, "[CONFIG]")]));
    insta::assert_snapshot!(transcripts, @"
    $ agentctl auth status
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: [CONFIG]/credentials.toml is accessible by group or others (mode 640); refusing to use the tokens in it
    hint: run `chmod 600 [CONFIG]/credentials.toml` (and consider replacing the tokens it holds)
    $ agentctl auth token
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: [CONFIG]/credentials.toml is accessible by group or others (mode 640); refusing to use the tokens in it
    hint: run `chmod 600 [CONFIG]/credentials.toml` (and consider replacing the tokens it holds)
    $ agentctl agent show a1
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: [CONFIG]/credentials.toml is accessible by group or others (mode 640); refusing to use the tokens in it
    hint: run `chmod 600 [CONFIG]/credentials.toml` (and consider replacing the tokens it holds)
    $ agentctl auth login --with-token --no-verify
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: [CONFIG]/credentials.toml is accessible by group or others (mode 640); refusing to use the tokens in it
    hint: run `chmod 600 [CONFIG]/credentials.toml` (and consider replacing the tokens it holds)
    ");
    assert_eq!(fs::read(&credentials).unwrap(), before);
    assert_eq!(
        mode(&credentials),
        0o640,
        "the mode is the operator's to fix"
    );

    fs::set_permissions(&credentials, fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(
        run(world.cmd().args(["auth", "status", "--offline"])).code,
        0
    );
}

#[test]
fn a_corrupt_config_file_is_named_with_its_line_and_left_alone() {
    let world = World::new();
    let dir = world.config_dir();
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    let corrupt = b"current_profile = \"default\"\n\n[profiles.default\nhost = \"https://h\"\n";
    fs::write(&path, corrupt).unwrap();

    let attempts: [&[&str]; 4] = [
        &["auth", "status"],
        &["agent", "show", "a1"],
        &["config", "set", "output", "json"],
        &["config", "use", "default"],
    ];
    let config_dir = dir.display().to_string();
    let mut transcripts = String::new();
    for args in attempts {
        let ran = run(world.cmd().args(args));
        assert!(
            ran.stderr
                .contains(&format!("could not parse {} at line 3", path.display())),
            "{args:?}: {}",
            ran.stderr
        );
        transcripts.push_str(&format!("$ agentctl {}\n", args.join(" ")));
        transcripts.push_str(&ran.transcript_with(&[(&config_dir, "[CONFIG]")]));
    }
    let ran = login(&world, TOKEN, &["--host", "https://h.example.com"]);
    transcripts.push_str("$ agentctl auth login --with-token --no-verify\n");
    transcripts.push_str(&ran.transcript_with(&[(&config_dir, "[CONFIG]")]));
    insta::assert_snapshot!(transcripts, @"
    $ agentctl auth status
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: could not parse [CONFIG]/config.toml at line 3, column 18: unclosed table, expected `]`
    hint: fix the file by hand; agentctl does not rewrite a file it cannot read
    $ agentctl agent show a1
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: could not parse [CONFIG]/config.toml at line 3, column 18: unclosed table, expected `]`
    hint: fix the file by hand; agentctl does not rewrite a file it cannot read
    $ agentctl config set output json
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: could not parse [CONFIG]/config.toml at line 3, column 18: unclosed table, expected `]`
    hint: fix the file by hand; agentctl does not rewrite a file it cannot read
    $ agentctl config use default
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: could not parse [CONFIG]/config.toml at line 3, column 18: unclosed table, expected `]`
    hint: fix the file by hand; agentctl does not rewrite a file it cannot read
    $ agentctl auth login --with-token --no-verify
    [exit status: 1]
    ----- stdout -----
    ----- stderr -----
    error: could not parse [CONFIG]/config.toml at line 3, column 18: unclosed table, expected `]`
    hint: fix the file by hand; agentctl does not rewrite a file it cannot read
    ");
    assert_eq!(fs::read(&path).unwrap(), corrupt);
    assert!(!dir.join("credentials.toml").exists());

    // `config path` does not read the files, so it still says where to look.
    let ran = run(world.cmd().args(["config", "path"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, format!("{}\n", path.display()));
}

#[test]
fn logout_removes_only_the_token_and_calls_then_go_unauthenticated() {
    let server = MockServer::start();
    let without_token = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents/a1")
            .header_missing("authorization");
        then.status(401)
            .json_body(serde_json::json!({"message": "missing bearer token"}));
    });
    let with_token = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/agents/a1")
            .header_exists("authorization");
        then.status(200).body(seed_response_for("a1"));
    });
    let world = World::new();
    assert_eq!(
        login(&world, TOKEN, &["--host", &server.base_url()]).code,
        0
    );
    assert_eq!(
        login(
            &world,
            "tok-other-profile-99",
            &["--host", &server.base_url(), "--profile", "other"]
        )
        .code,
        0
    );
    assert_eq!(show(&world, &[]).code, 0);
    with_token.assert_calls(1);

    let ran = run(world.cmd().args(["auth", "logout"]));
    let config_dir = world.config_dir().display().to_string();
    insta::assert_snapshot!(ran.transcript_with(&[(&config_dir, "[CONFIG]")]), @"
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    Removed the token of profile 'default' from [CONFIG]/credentials.toml.
    ");
    let credentials = fs::read_to_string(world.config_dir().join("credentials.toml")).unwrap();
    assert!(!credentials.contains(TOKEN));
    assert!(
        credentials.contains("tok-other-profile-99"),
        "other profiles keep theirs"
    );
    let config = fs::read_to_string(world.config_dir().join("config.toml")).unwrap();
    assert!(
        config.contains(&server.base_url()),
        "the host stays: {config}"
    );

    let ran = show(&world, &[]);
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 3]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: HTTP 401 Unauthorized: missing bearer token
    hint: check the token: run `agentctl auth login`, or set AGENTCTL_TOKEN
    ");
    without_token.assert_calls(1);
    with_token.assert_calls(1);

    let url = server.base_url();
    let pinned = [
        (config_dir.as_str(), "[CONFIG]"),
        (url.as_str(), "http://127.0.0.1:PORT"),
    ];
    let status = run(world.cmd().args(["auth", "status"]));
    let token = run(world.cmd().args(["auth", "token"]));
    let logout = run(world.cmd().args(["auth", "logout"]));
    insta::assert_snapshot!(
        [status, token, logout].map(|ran| ran.transcript_with(&pinned)).concat(),
        @"
    [exit status: 3]
    ----- stdout -----
    Profile:      default  (current_profile in config.toml)
    Host:         http://127.0.0.1:PORT  (profile default)
    Token:        (not set)
    Config dir:   [CONFIG]  (env AGENTCTL_CONFIG_DIR)
    Config file:  [CONFIG]/config.toml
    Credentials:  [CONFIG]/credentials.toml
    ----- stderr -----
    error: not logged in: no token for profile 'default'
    hint: run `agentctl auth login` (or set AGENTCTL_HOST and AGENTCTL_TOKEN); for a local server to try things on, run `agentctl dev-server`
    [exit status: 3]
    ----- stdout -----
    ----- stderr -----
    error: no token for profile 'default'
    hint: run `agentctl auth login` (or set AGENTCTL_TOKEN)
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    Profile 'default' had no stored token.
    "
    );
}

#[test]
fn login_without_a_terminal_or_with_no_input_says_how_to_pass_the_token() {
    let world = World::new();
    let mut transcripts = String::new();
    for extra in [&[][..], &["--no-input"]] {
        let ran = run(world
            .cmd()
            .args(["auth", "login", "--host", "https://h.example.com"])
            .args(extra)
            .write_stdin(""));
        transcripts.push_str(&ran.transcript());
    }
    for (stdin, expect) in [
        ("", "the token is empty"),
        ("two words", "spaces"),
        ("line1\nline2", "a line break"),
        ("t\u{f8}ken", "not plain ASCII"),
    ] {
        let ran = run(world
            .cmd()
            .args([
                "auth",
                "login",
                "--with-token",
                "--host",
                "https://h.example.com",
            ])
            .write_stdin(stdin));
        assert!(ran.stderr.contains(expect), "{}", ran.stderr);
        transcripts.push_str(&ran.transcript());
    }
    let ran = login(&world, TOKEN, &["--host", "agents.example.com"]);
    transcripts.push_str(&ran.transcript());
    let ran = login(&world, TOKEN, &[]);
    transcripts.push_str(&ran.transcript());
    insta::assert_snapshot!(transcripts, @r#"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: not a terminal: cannot prompt for the token
    hint: pipe the token to `agentctl auth login --with-token`, e.g. printf '%s' "$TOKEN" | agentctl auth login --with-token --host https://agents.example.com
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: --no-input: cannot prompt for the token
    hint: pipe the token to `agentctl auth login --with-token`, e.g. printf '%s' "$TOKEN" | agentctl auth login --with-token --host https://agents.example.com
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: the token is empty
    hint: pipe the token to `agentctl auth login --with-token`, e.g. printf '%s' "$TOKEN" | agentctl auth login --with-token --host https://agents.example.com
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: the token holds a space; a bearer token is visible ASCII without spaces
    hint: pipe the token to `agentctl auth login --with-token`, e.g. printf '%s' "$TOKEN" | agentctl auth login --with-token --host https://agents.example.com
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: the token holds a line break; a bearer token is visible ASCII without spaces
    hint: pipe the token to `agentctl auth login --with-token`, e.g. printf '%s' "$TOKEN" | agentctl auth login --with-token --host https://agents.example.com
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: the token holds a character that is not plain ASCII; a bearer token is visible ASCII without spaces
    hint: pipe the token to `agentctl auth login --with-token`, e.g. printf '%s' "$TOKEN" | agentctl auth login --with-token --host https://agents.example.com
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: --host: 'agents.example.com' is not a URL (relative URL without a base)
    hint: did you mean https://agents.example.com ?
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: no host to log in to for profile 'default'
    hint: pass --host https://agents.example.com (or set AGENTCTL_HOST)
    "#);
    assert!(!world.config_dir().exists(), "nothing was written");
}
