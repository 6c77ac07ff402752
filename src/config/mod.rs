//! Configuration: the files in the config dir and how they are read (`files`), the documents
//! they hold (`docs`) and how both are written as one change (`update`), the keys a profile
//! holds (`keys`), the settings every command is handed (`settings`), and how they are
//! resolved from flags, environment, the selected profile and defaults (`resolve`).

mod docs;
mod edit;
mod files;
mod keys;
mod profile_name;
mod resolve;
mod safe_read;
mod settings;
mod update;

pub use docs::ConfigDoc;
pub use files::ConfigFiles;
pub use keys::{ConfigKey, display_value, parse_retries};
pub use profile_name::{is_valid_profile_name, validate_profile_name, validate_profile_name_in};
pub use resolve::unknown_profile;
pub use settings::*;

use crate::error::Result;
use crate::secret::Secret;
use std::path::Path;

/// What `save_profile` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavedProfile {
    /// The profile became the current one.
    pub made_current: bool,
    /// A token was already stored for it (and was replaced).
    pub replaced_token: bool,
}

/// The key in a profile's table of `config.toml` that says which command created it, and
/// the value `dev-server` writes. `dev-server` rewrites only a profile that carries its mark
/// (contract §3); saving a profile here (`auth login`) takes the mark away, so the profile
/// is the user's from then on.
pub const CREATED_BY_KEY: &str = "created_by";
pub const CREATED_BY_DEV_SERVER: &str = "dev-server";

/// Saves `host` and `token` as profile `name` in the config dir `config_dir` (created `0700`;
/// the token goes to `credentials.toml`, `0600`), atomically and under the config lock, leaving
/// every other profile as it was. With `make_current_if_none`, the profile becomes current
/// when no profile is current yet. The host must be an http(s) URL and the name a valid profile
/// name (usage errors otherwise).
///
/// `auth login` saves through this, and so can any command that creates a profile (the dev
/// server saves `dev` this way).
pub fn save_profile(
    config_dir: &Path,
    name: &str,
    host: &str,
    token: &Secret,
    make_current_if_none: bool,
) -> Result<SavedProfile> {
    validate_profile_name(name)?;
    let host_value = ConfigKey::Host.parse_value(host)?;
    let host_url = keys::read_host(&host_value).map_err(crate::error::Error::usage)?;
    let token = token.expose().trim();
    crate::secret::check_token(token).map_err(crate::error::Error::usage)?;
    let token = Secret::new(token);
    ConfigFiles::new(config_dir).update(|config, credentials| {
        let profile = config.profile_mut(name);
        profile.insert(ConfigKey::Host.name().into(), host_value);
        profile.remove(CREATED_BY_KEY);
        let replaced_token = credentials.token(name).is_some();
        credentials.set_token_for(name, &token, &host_url);
        let made_current = make_current_if_none && become_current_if_none(config, name);
        Ok(SavedProfile {
            made_current,
            replaced_token,
        })
    })
}

/// The one rule for the current profile when a profile is created or written: it becomes
/// the current one when no profile is current (none is named, or the one named is gone).
/// Returns whether it did.
pub fn become_current_if_none(config: &mut ConfigDoc, name: &str) -> bool {
    let has_current = config
        .current_profile()
        .is_some_and(|current| is_valid_profile_name(current) && config.has_profile(current));
    if !has_current {
        config.set_current_profile(name);
    }
    !has_current
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputFormat;
    use std::time::Duration;

    #[test]
    fn a_profile_becomes_current_only_when_none_is() {
        let mut config = ConfigDoc::default();
        config.profile_mut("a");
        assert!(become_current_if_none(&mut config, "a"));
        assert_eq!(config.current_profile(), Some("a"));
        config.profile_mut("b");
        assert!(!become_current_if_none(&mut config, "b"));
        assert_eq!(config.current_profile(), Some("a"));
        // The current profile names one that is gone: the next one written takes its place.
        config.set_current_profile("removed");
        assert!(become_current_if_none(&mut config, "b"));
        assert_eq!(config.current_profile(), Some("b"));
        // One whose name is not valid (config.toml edited by hand) is never selected: taken too.
        config.profile_mut("bad*");
        config.set_current_profile("bad*");
        assert!(become_current_if_none(&mut config, "a"));
        assert_eq!(config.current_profile(), Some("a"));
    }

    #[test]
    fn saving_a_profile_takes_the_dev_server_mark_away() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().join("cfg");
        ConfigFiles::new(&dir)
            .update(|config, _| {
                config.profile_mut("dev").insert(
                    CREATED_BY_KEY.into(),
                    toml::Value::String(CREATED_BY_DEV_SERVER.into()),
                );
                Ok(())
            })
            .unwrap();
        save_profile(&dir, "dev", "http://127.0.0.1:9", &Secret::new("t1"), false).unwrap();
        let config = ConfigFiles::new(&dir).read_config().unwrap();
        let profile = config.profile("dev").unwrap();
        assert_eq!(profile.get(CREATED_BY_KEY), None);
        assert_eq!(profile["host"].as_str(), Some("http://127.0.0.1:9"));
    }

    #[test]
    fn save_profile_keeps_the_current_one_and_other_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().join("cfg");
        let first = save_profile(
            &dir,
            "prod",
            "https://prod.example.com",
            &Secret::new("t1"),
            true,
        )
        .unwrap();
        assert!(first.made_current && !first.replaced_token);
        let dev = save_profile(
            &dir,
            "dev",
            "http://127.0.0.1:7878",
            &Secret::new("t2"),
            true,
        )
        .unwrap();
        assert!(!dev.made_current);
        let again = save_profile(
            &dir,
            "dev",
            "http://127.0.0.1:7879",
            &Secret::new("t3"),
            true,
        )
        .unwrap();
        assert!(again.replaced_token);

        let files = ConfigFiles::new(&dir);
        let config = files.read_config().unwrap();
        assert_eq!(config.current_profile(), Some("prod"));
        assert_eq!(
            config.profile("dev").unwrap()["host"].as_str(),
            Some("http://127.0.0.1:7879")
        );
        let credentials = files.read_credentials().unwrap();
        assert_eq!(credentials.token("prod").unwrap().expose(), "t1");
        assert_eq!(credentials.token("dev").unwrap().expose(), "t3");

        assert!(save_profile(&dir, "a b", "https://h", &Secret::new("t"), true).is_err());
        assert!(save_profile(&dir, "x", "not a url", &Secret::new("t"), true).is_err());
        assert!(save_profile(&dir, "x", "https://h", &Secret::new("  "), true).is_err());
    }

    /// A config dir with two profiles: `prod` (current) and `staging`.
    fn world() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let prod = Secret::new("tok-prod");
        let staging = Secret::new("tok-staging");
        crate::config::save_profile(dir.path(), "prod", "https://prod.example.com", &prod, true)
            .unwrap();
        crate::config::save_profile(
            dir.path(),
            "staging",
            "https://s.example.com",
            &staging,
            true,
        )
        .unwrap();
        ConfigFiles::new(dir.path())
            .update(|config, _| {
                let staging = config.profile_mut("staging");
                staging.insert("output".into(), "json".into());
                staging.insert("retries".into(), toml::Value::Integer(5));
                staging.insert("request_timeout".into(), "1m".into());
                Ok(())
            })
            .unwrap();
        dir
    }

    fn resolve_in(
        dir: &std::path::Path,
        args: &[&str],
        env: &[(&str, &str)],
        files_use: FilesUse,
    ) -> Result<Settings> {
        let mut argv = vec!["agentctl".to_owned(), "--config-dir".to_owned()];
        argv.push(dir.to_string_lossy().into_owned());
        argv.extend(args.iter().map(|a| a.to_string()));
        argv.extend(["agent", "show", "a1"].map(String::from));
        let invocation = crate::parse_args(argv).unwrap();
        let env = crate::env::Env::from_pairs(env.iter().copied());
        Settings::resolve_with(&invocation.flags, &env, files_use)
    }

    #[test]
    fn the_current_profile_supplies_what_flags_and_env_do_not() {
        let dir = world();
        let settings = resolve_in(dir.path(), &[], &[], FilesUse::Read).unwrap();
        assert_eq!(
            settings.profile,
            Resolved::new("prod".into(), Source::Profile)
        );
        let host = settings.host.unwrap();
        assert_eq!(
            (host.value.as_str(), host.source),
            ("https://prod.example.com/", Source::Profile)
        );
        let token = settings.token.unwrap();
        assert_eq!(
            (token.value.expose(), token.source),
            ("tok-prod", Source::Profile)
        );
        assert_eq!(
            settings.output,
            Resolved::new(OutputFormat::Table, Source::Default)
        );
        assert_eq!(settings.retries, DEFAULT_RETRIES);
    }

    #[test]
    fn flag_over_env_over_profile_over_default() {
        let dir = world();
        let settings =
            resolve_in(dir.path(), &["--profile", "staging"], &[], FilesUse::Read).unwrap();
        assert_eq!(settings.profile.source, Source::Flag);
        assert_eq!(
            settings.output,
            Resolved::new(OutputFormat::Json, Source::Profile)
        );
        assert_eq!(settings.retries, 5);
        assert_eq!(settings.request_timeout, Duration::from_secs(60));
        assert_eq!(settings.token.unwrap().value.expose(), "tok-staging");

        // clap reads AGENTCTL_PROFILE, AGENTCTL_HOST and AGENTCTL_OUTPUT from the process
        // environment: those are exercised through the binary in tests/cli.
        let env = [("AGENTCTL_TOKEN", "tok-env")];
        let settings = resolve_in(
            dir.path(),
            &[
                "--retries",
                "0",
                "-o",
                "ndjson",
                "--host",
                "https://flag.example.com",
            ],
            &env,
            FilesUse::Read,
        )
        .unwrap();
        assert_eq!(
            settings.token.unwrap(),
            Resolved::new(Secret::new("tok-env"), Source::Env)
        );
        assert_eq!(settings.retries, 0);
        assert_eq!(
            settings.output,
            Resolved::new(OutputFormat::Ndjson, Source::Flag)
        );
        assert_eq!(settings.host.unwrap().source, Source::Flag);
    }

    #[test]
    fn unknown_profiles_are_refused_when_reading_and_welcome_when_editing() {
        let dir = world();
        let err = resolve_in(dir.path(), &["--profile", "qa"], &[], FilesUse::Read).unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Usage);
        assert!(err.hint.unwrap().contains("known profiles: prod, staging"));
        let settings = resolve_in(dir.path(), &["--profile", "qa"], &[], FilesUse::Edit).unwrap();
        assert!(!settings.known_profiles.contains(&settings.profile.value));
        assert!(settings.host.is_none() && settings.token.is_none());
        assert!(settings.require_known_profile().is_err());
        let err = resolve_in(dir.path(), &["--profile", "a/b"], &[], FilesUse::Edit).unwrap_err();
        assert!(
            err.message.contains("not a valid profile name"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_bad_stored_value_stops_readers_but_not_editors() {
        let dir = world();
        ConfigFiles::new(dir.path())
            .update(|config, _| {
                config
                    .profile_mut("prod")
                    .insert("output".into(), "xml".into());
                Ok(())
            })
            .unwrap();
        let err = resolve_in(dir.path(), &[], &[], FilesUse::Read).unwrap_err();
        assert!(
            err.message.contains("profile 'prod': output"),
            "{}",
            err.message
        );
        assert!(resolve_in(dir.path(), &["-o", "json"], &[], FilesUse::Read).is_ok());
        let settings = resolve_in(dir.path(), &[], &[], FilesUse::Edit).unwrap();
        assert_eq!(settings.output.source, Source::Default);
    }

    #[test]
    fn without_files_everything_is_default_and_nothing_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let config_dir = dir.path().join("absent");
        let settings = resolve_in(&config_dir, &[], &[], FilesUse::Read).unwrap();
        assert_eq!(
            settings.profile,
            Resolved::new("default".into(), Source::Default)
        );
        assert!(settings.host.is_none() && settings.token.is_none());
        assert!(!config_dir.exists());
    }

    #[test]
    fn a_token_is_sent_only_to_the_origin_it_was_saved_for_whatever_config_toml_says() {
        let dir = world();
        let credentials = ConfigFiles::new(dir.path()).read_credentials().unwrap();
        assert_eq!(
            credentials.token_origin("prod").as_deref(),
            Some("https://prod.example.com")
        );
        // A crash between the renames (or a hand edit) left prod pointing at another host.
        ConfigFiles::new(dir.path())
            .update(|config, _| {
                config
                    .profile_mut("prod")
                    .insert("host".into(), "https://b.example.com".into());
                Ok(())
            })
            .unwrap();
        let settings = resolve_in(dir.path(), &[], &[], FilesUse::Read).unwrap();
        assert!(settings.token.is_none());
        let reason = settings.withheld_token.unwrap();
        assert!(
            reason.contains("belongs to https://prod.example.com")
                && reason.contains("b.example.com"),
            "{reason}"
        );
        // --host back at the token's own origin: it goes along.
        let settings = resolve_in(
            dir.path(),
            &["--host", "https://prod.example.com/gw"],
            &[],
            FilesUse::Read,
        )
        .unwrap();
        assert_eq!(settings.token.unwrap().source, Source::Profile);
    }

    #[test]
    fn a_login_cut_between_the_renames_leaves_the_old_host_with_its_own_token() {
        let dir = world();
        let files = ConfigFiles::new(dir.path());
        {
            // Credentials reach the disk, config.toml does not.
            let _crash = crate::files::inject::fail_after(4, true);
            files
                .update(|config, credentials| {
                    let host = url::Url::parse("https://new.example.com").unwrap();
                    config
                        .profile_mut("prod")
                        .insert("host".into(), host.as_str().into());
                    credentials.set_token_for("prod", &Secret::new("tok-new"), &host);
                    Ok(())
                })
                .unwrap_err();
        }
        let settings = resolve_in(dir.path(), &["--profile", "prod"], &[], FilesUse::Read).unwrap();
        assert_eq!(
            settings.host.unwrap().value.as_str(),
            "https://prod.example.com/"
        );
        let token = settings.token.unwrap();
        assert_eq!(token.source, Source::Profile);
        assert_eq!(token.value.expose(), "tok-prod");
        assert!(settings.withheld_token.is_none());
        // --host at the new origin gets the new token, saved for it.
        let settings = resolve_in(
            dir.path(),
            &["--profile", "prod", "--host", "https://new.example.com"],
            &[],
            FilesUse::Read,
        )
        .unwrap();
        assert_eq!(settings.token.unwrap().value.expose(), "tok-new");
    }

    #[test]
    fn an_old_credentials_file_without_origins_trusts_the_profiles_host() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "current_profile = \"p\"\n[profiles.p]\nhost = \"https://a.example.com\"\n",
        )
        .unwrap();
        let credentials = dir.path().join("credentials.toml");
        std::fs::write(&credentials, "[profiles.p]\ntoken = \"tok-old\"\n").unwrap();
        #[cfg(unix)]
        std::fs::set_permissions(
            &credentials,
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .unwrap();
        let settings = resolve_in(dir.path(), &[], &[], FilesUse::Read).unwrap();
        assert_eq!(settings.token.unwrap().value.expose(), "tok-old");
        let settings = resolve_in(
            dir.path(),
            &["--host", "https://b.example.com"],
            &[],
            FilesUse::Read,
        )
        .unwrap();
        assert!(settings.token.is_none() && settings.withheld_token.is_some());
    }

    #[test]
    fn a_stored_token_is_not_sent_to_a_host_of_another_origin() {
        let dir = world();
        let settings = resolve_in(
            dir.path(),
            &["--host", "https://evil.example.com"],
            &[],
            FilesUse::Read,
        )
        .unwrap();
        assert!(settings.token.is_none());
        let reason = settings.withheld_token.unwrap();
        assert!(
            reason.contains("profile 'prod'")
                && reason.contains("belongs to https://prod.example.com"),
            "{reason}"
        );
        // Same origin (another path prefix): the token goes along.
        let settings = resolve_in(
            dir.path(),
            &["--host", "https://prod.example.com/gw"],
            &[],
            FilesUse::Read,
        )
        .unwrap();
        assert_eq!(settings.token.unwrap().source, Source::Profile);
        assert!(settings.withheld_token.is_none());
        // A token from the environment goes wherever the host says.
        let env = [("AGENTCTL_TOKEN", "tok-env")];
        let settings = resolve_in(
            dir.path(),
            &["--host", "https://evil.example.com"],
            &env,
            FilesUse::Read,
        )
        .unwrap();
        assert_eq!(settings.token.unwrap().source, Source::Env);
    }
}
