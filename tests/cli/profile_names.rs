//! Profile names read back from a `config.toml` edited by hand are held to the rule
//! `--profile` follows: a name with `*`, blanks, quotes, `$(…)` or an escape is never offered
//! by the completions, `config list` names it (sanitized) in a warning instead of listing it,
//! and the valid profiles beside it keep working.

use crate::common::*;

/// A config dir whose `config.toml` holds one valid profile among invalid ones.
fn world_with_bad_names() -> World {
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
        r#"current_profile = "prod"

[profiles.prod]
host = "https://p.example.com"

[profiles."bad*"]
host = "https://b.example.com"

[profiles."two words"]
host = "https://t.example.com"

[profiles."$(touch pwned)"]
host = "https://x.example.com"

[profiles."it's"]
host = "https://q.example.com"

[profiles."esc\u001b[2J"]
host = "https://e.example.com"
"#,
    )
    .unwrap();
    world
}

/// What the committed scripts ask on <Tab> (`COMPLETE=bash agentctl -- WORDS`).
fn complete(world: &World, words: &[&str]) -> Ran {
    run(world
        .cmd()
        .env("COMPLETE", "bash")
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .arg("--")
        .args(words))
}

#[test]
fn completions_offer_only_the_valid_profile_names_and_print_nothing_else() {
    let world = world_with_bad_names();
    // `config use <Tab>` offers the profiles, then the options.
    let ran = complete(&world, &["agentctl", "config", "use", ""]);
    let profiles: Vec<&str> = ran.stdout.lines().filter(|c| !c.starts_with('-')).collect();
    assert_eq!(
        (ran.code, profiles, ran.stderr.as_str()),
        (0, vec!["prod"], "")
    );
    for word in ["", "b", "t", "$", "i", "e"] {
        let ran = complete(&world, &["agentctl", "--profile", word]);
        let expected = if word.is_empty() { "prod" } else { "" };
        assert_eq!(ran.transcript(), transcript(0, expected, ""), "{word:?}");
    }
}

#[test]
fn config_list_names_invalid_profiles_sanitized_in_a_warning_and_lists_the_valid_ones() {
    let world = world_with_bad_names();
    insta::assert_snapshot!(run(world.cmd().args(["config", "list"])).transcript(), @r"
    [exit status: 0]
    ----- stdout -----
    current_profile=prod
    prod.host=https://p.example.com
    ----- stderr -----
    warning: profile '$(touch pwned)' in config.toml is ignored: not a valid profile name (letters, digits, '-' and '_'); rename or remove its table in the file `agentctl config path` shows
    warning: profile 'bad*' in config.toml is ignored: not a valid profile name (letters, digits, '-' and '_'); rename or remove its table in the file `agentctl config path` shows
    warning: profile 'esc\x1b[2J' in config.toml is ignored: not a valid profile name (letters, digits, '-' and '_'); rename or remove its table in the file `agentctl config path` shows
    warning: profile 'it's' in config.toml is ignored: not a valid profile name (letters, digits, '-' and '_'); rename or remove its table in the file `agentctl config path` shows
    warning: profile 'two words' in config.toml is ignored: not a valid profile name (letters, digits, '-' and '_'); rename or remove its table in the file `agentctl config path` shows
    ");
    insta::assert_snapshot!(run(world.cmd().args(["config", "list", "-o", "json"])).transcript(), @r#"
    [exit status: 0]
    ----- stdout -----
    {
      "current_profile": "prod",
      "profiles": {
        "prod": {
          "host": "https://p.example.com"
        }
      },
      "invalid_profiles": [
        "$(touch pwned)",
        "bad*",
        "esc\u001b[2J",
        "it's",
        "two words"
      ]
    }
    ----- stderr -----
    warning: profile '$(touch pwned)' in config.toml is ignored: not a valid profile name (letters, digits, '-' and '_'); rename or remove its table in the file `agentctl config path` shows
    warning: profile 'bad*' in config.toml is ignored: not a valid profile name (letters, digits, '-' and '_'); rename or remove its table in the file `agentctl config path` shows
    warning: profile 'esc\x1b[2J' in config.toml is ignored: not a valid profile name (letters, digits, '-' and '_'); rename or remove its table in the file `agentctl config path` shows
    warning: profile 'it's' in config.toml is ignored: not a valid profile name (letters, digits, '-' and '_'); rename or remove its table in the file `agentctl config path` shows
    warning: profile 'two words' in config.toml is ignored: not a valid profile name (letters, digits, '-' and '_'); rename or remove its table in the file `agentctl config path` shows
    "#);
}

#[test]
fn a_valid_profile_beside_invalid_ones_works_and_an_invalid_one_is_refused_by_name() {
    let world = world_with_bad_names();
    insta::assert_snapshot!(run(world.cmd().args(["config", "get", "host"])).transcript(), @"
    [exit status: 0]
    ----- stdout -----
    https://p.example.com
    ----- stderr -----
    ");
    insta::assert_snapshot!(
        run(world.cmd().args(["config", "get", "host", "--profile", "prod"])).transcript(), @"
    [exit status: 0]
    ----- stdout -----
    https://p.example.com
    ----- stderr -----
    ");
    insta::assert_snapshot!(
        run(world.cmd().args(["config", "get", "host", "--profile", "bad*"])).transcript(), @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: --profile: 'bad*' is not a valid profile name
    hint: use letters, digits, '-' and '_' (at most 64 characters)
    ");
    // The known profiles a hint lists are the valid ones.
    insta::assert_snapshot!(
        run(world.cmd().args(["config", "get", "host", "--profile", "nope"])).transcript(), @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: unknown profile 'nope'
    hint: known profiles: prod; create a new one with `agentctl auth login --profile nope`
    ");
    // `config use PROFILE` refuses it too, naming its own argument.
    insta::assert_snapshot!(run(world.cmd().args(["config", "use", "$(touch pwned)"])).transcript(), @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: <PROFILE>: '$(touch pwned)' is not a valid profile name
    hint: use letters, digits, '-' and '_' (at most 64 characters)
    ");
    assert!(!world.home().join("pwned").exists());
}

/// `config use`'s argument is its own: an invalid name is refused naming `<PROFILE>`, not the
/// global `--profile`, and `--profile` beside it is still the global option.
#[test]
fn config_use_names_its_own_argument_when_the_name_is_invalid() {
    let world = world_with_bad_names();
    let config = world.config_dir().join("config.toml");
    let before = std::fs::read(&config).unwrap();
    let transcripts = [
        &["config", "use", "bad*"][..],
        &["config", "use", "prod", "--profile", "bad*"],
    ]
    .map(|args| run(world.cmd().args(args)).transcript())
    .join("");
    insta::assert_snapshot!(transcripts, @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: <PROFILE>: 'bad*' is not a valid profile name
    hint: use letters, digits, '-' and '_' (at most 64 characters)
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: --profile: 'bad*' is not a valid profile name
    hint: use letters, digits, '-' and '_' (at most 64 characters)
    ");
    assert_eq!(std::fs::read(&config).unwrap(), before);
}

/// With its own argument, `config use` sees `AGENTCTL_PROFILE` as the global setting it is and
/// warns that it outranks the profile just made current.
#[test]
fn config_use_warns_that_agentctl_profile_outranks_it() {
    let world = world_with_bad_names();
    let ran = run(world
        .cmd()
        .env("AGENTCTL_PROFILE", "prod")
        .args(["config", "use", "prod"]));
    insta::assert_snapshot!(ran.transcript(), @"
    [exit status: 0]
    ----- stdout -----
    ----- stderr -----
    Switched to profile 'prod'.
    warning: AGENTCTL_PROFILE=prod is set and takes precedence over the current profile
    ");
}
