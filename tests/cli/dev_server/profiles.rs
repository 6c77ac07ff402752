//! What `agentctl dev-server` writes outside itself: the profile it created (and no other),
//! never the current profile; `--env-file`; and where its token comes from.

use crate::common::dev_binary::DevServer;
use crate::common::*;
use std::path::Path;

/// `agentctl dev-server --listen 127.0.0.1:0 ARGS`, started the way these tests start it.
fn start(world: &World, args: &[&str], envs: &[(&str, &str)]) -> DevServer {
    DevServer::spawn(world, args, envs)
}

/// SIGTERM, a clean exit, and what it said on stderr.
fn stop(server: DevServer) -> String {
    let (status, stderr) = server.stop();
    assert_eq!(status.code(), Some(0), "{stderr}");
    stderr
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The scenario of issue 16: a dev server saves `dev`, never current; a `dev` profile the
/// user made is never overwritten by a later dev server.
#[test]
fn the_dev_server_writes_only_the_profile_it_created_and_never_makes_it_current() {
    let world = World::new();
    let config_path = world.config_dir().join("config.toml");
    let credentials_path = world.config_dir().join("credentials.toml");

    // Empty config: `dev` is created, marked, and not made current.
    let first = start(&world, &["--token", "dev-token-one-123456"], &[]);
    let config = read(&config_path);
    assert!(config.contains("[profiles.dev]"), "{config}");
    assert!(
        config.contains(&format!("host = \"{}\"", first.url)),
        "{config}"
    );
    assert!(config.contains("created_by = \"dev-server\""), "{config}");
    assert!(!config.contains("current_profile"), "{config}");
    assert!(read(&credentials_path).contains("dev-token-one-123456"));
    // Usable by name, and only by name: with no current profile there is no host.
    let ran = run(world
        .cmd()
        .args(["--profile", "dev", "heartbeat", "send", "w1"])
        .args(MINIMAL_BEAT));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let ran = run(world.cmd().args(["agent", "show", "w1"]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    let said = stop(first);
    assert!(said.contains("saved profile 'dev'"), "{said}");
    assert!(said.contains("not made current"), "{said}");

    // Its own profile it rewrites (a new port, a new token), still not current.
    let second = start(&world, &["--token", "dev-token-two-123456"], &[]);
    let config = read(&config_path);
    assert!(
        config.contains(&format!("host = \"{}\"", second.url)),
        "{config}"
    );
    assert!(!config.contains("current_profile"), "{config}");
    assert!(read(&credentials_path).contains("dev-token-two-123456"));
    stop(second);

    // The user makes `dev` theirs with `config set`: a later dev server leaves it alone.
    let ran = run(world.cmd().args([
        "--profile",
        "dev",
        "config",
        "set",
        "host",
        "https://agents.example.com",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let config_before = read(&config_path);
    let credentials_before = read(&credentials_path);
    let third = start(&world, &["--token", "dev-token-three-123456"], &[]);
    assert_eq!(read(&config_path), config_before);
    assert_eq!(read(&credentials_path), credentials_before);
    let said = stop(third);
    assert!(
        said.contains("profile 'dev'") && said.contains("not created by dev-server"),
        "{said}"
    );
    assert!(
        said.contains("--profile NAME") && said.contains("--no-save-profile"),
        "{said}"
    );
    assert!(!said.contains("saved profile"), "{said}");

    // Pointed at another name with --profile, it saves there, and still not current.
    let fourth = start(&world, &["--token", "dev-token-four-123456"], &[]);
    stop(fourth);
    let named = start(
        &world,
        &["--profile", "local", "--token", "dev-token-five-123456"],
        &[],
    );
    let config = read(&config_path);
    assert!(config.contains("[profiles.local]"), "{config}");
    assert!(
        config.contains(&format!("host = \"{}\"", named.url)),
        "{config}"
    );
    assert!(
        config.contains("host = \"https://agents.example.com\""),
        "{config}"
    );
    assert_eq!(
        config.matches("current_profile").count(),
        1,
        "only the one config set made: {config}"
    );
    assert!(config.contains("current_profile = \"dev\""), "{config}");
    stop(named);
}

/// A `dev` profile written by hand (no mark, a loopback host like the dev server's) is the
/// user's: nothing is saved, byte for byte.
#[test]
fn a_hand_written_dev_profile_is_never_overwritten() {
    let world = World::new();
    std::fs::create_dir_all(world.config_dir()).unwrap();
    let config = "# mine\n[profiles.dev]\nhost = \"http://127.0.0.1:9\"\n";
    let credentials = "[profiles.dev]\ntoken = \"my-own-token-1234\"\n";
    let config_path = world.config_dir().join("config.toml");
    let credentials_path = world.config_dir().join("credentials.toml");
    std::fs::write(&config_path, config).unwrap();
    std::fs::write(&credentials_path, credentials).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&credentials_path, std::fs::Permissions::from_mode(0o600))
            .unwrap();
        std::fs::set_permissions(world.config_dir(), std::fs::Permissions::from_mode(0o700))
            .unwrap();
    }
    let started = start(&world, &["--token", "dev-token-one-123456"], &[]);
    let said = stop(started);
    assert_eq!(read(&config_path), config);
    assert_eq!(read(&credentials_path), credentials);
    assert!(said.contains("not created by dev-server"), "{said}");
}

#[test]
fn the_env_file_is_private_complete_and_sourced_by_sh() {
    let world = World::new();
    let env_file = world.dir.path().join("dev.env");
    // A token with characters the shell would otherwise take apart.
    let token = "tok$en'with;quote-1234";
    let started = start(
        &world,
        &[
            "--no-save-profile",
            "--env-file",
            env_file.to_str().unwrap(),
            "--token",
            token,
        ],
        &[],
    );
    // Written before the banner: whoever read the banner finds the file.
    let text = read(&env_file);
    assert!(text.starts_with("AGENTCTL_HOST="), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&env_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let leftovers: Vec<String> = std::fs::read_dir(world.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let sourced = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"set -a; . "$1"; set +a; echo "$AGENTCTL_HOST"; echo "$AGENTCTL_TOKEN"; env | grep -c '^AGENTCTL_'"#)
        .arg("sh")
        .arg(&env_file)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .unwrap();
    let out = String::from_utf8(sourced.stdout).unwrap();
    assert_eq!(out, format!("{}\n{token}\n2\n", started.url));
    // What the file says works: the CLI reaches the server with it.
    let ran = run(world
        .cmd()
        .env("AGENTCTL_HOST", &started.url)
        .env("AGENTCTL_TOKEN", token)
        .args(["heartbeat", "send", "e1"])
        .args(MINIMAL_BEAT));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let said = stop(started);
    assert!(said.contains("set -a; ."), "{said}");
    assert!(!world.config_dir().join("config.toml").exists());
}

#[test]
fn the_token_comes_from_a_file_or_the_environment_and_stays_out_of_ps() {
    let world = World::new();
    let token_file = world.dir.path().join("token");
    std::fs::write(&token_file, "from-a-file-123456\nignored second line\n").unwrap();
    for (args, envs, token) in [
        (
            vec!["--token-file", token_file.to_str().unwrap()],
            vec![],
            "from-a-file-123456",
        ),
        (
            vec![],
            vec![("AGENTCTL_DEV_TOKEN", "from-the-env-123456")],
            "from-the-env-123456",
        ),
    ] {
        let mut all = vec!["--no-save-profile"];
        all.extend(args);
        let started = start(&world, &all, &envs);
        assert!(started.export.ends_with(&format!("AGENTCTL_TOKEN={token}")));
        #[cfg(target_os = "linux")]
        {
            let cmdline = std::fs::read(format!("/proc/{}/cmdline", started.pid())).unwrap();
            assert!(!String::from_utf8_lossy(&cmdline).contains(token));
        }
        let ran = run(world
            .cmd()
            .env("AGENTCTL_HOST", &started.url)
            .env("AGENTCTL_TOKEN", token)
            .args(["heartbeat", "send", "t1"])
            .args(MINIMAL_BEAT));
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        stop(started);
    }
    // An empty file, a missing one, and --token with --token-file are usage errors.
    std::fs::write(&token_file, "\n").unwrap();
    let missing = world.dir.path().join("missing");
    for args in [
        vec!["--token-file", token_file.to_str().unwrap()],
        vec!["--token-file", missing.to_str().unwrap()],
        vec![
            "--token",
            "a-token-123456",
            "--token-file",
            missing.to_str().unwrap(),
        ],
    ] {
        let ran = run(world
            .cmd()
            .args(["dev-server", "--listen", "127.0.0.1:0", "--no-save-profile"])
            .args(&args));
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("token"), "{}", ran.stderr);
    }
}
