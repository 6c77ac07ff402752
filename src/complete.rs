//! Values the shell completions ask the binary for while the user types (jj's dynamic
//! completions, through clap_complete's `COMPLETE=<shell> agentctl`): profile names from
//! config.toml, and config keys. The committed scripts only register the binary as the
//! completer, so they never go stale against the profiles a user has.

use crate::config::{ConfigFiles, ConfigKey, default_config_dir};
use crate::env::Env;
use clap_complete::engine::CompletionCandidate;
use std::path::PathBuf;

/// The profiles in config.toml (AGENTCTL_CONFIG_DIR, else the platform config dir). A missing
/// or unreadable file completes nothing rather than printing an error into the prompt. The
/// shell asks through `COMPLETE=<shell> agentctl`, which `main` answers before any run: the
/// environment is the process's.
pub fn profiles() -> Vec<CompletionCandidate> {
    profiles_in(&Env::process())
}

fn profiles_in(env: &Env) -> Vec<CompletionCandidate> {
    let dir = env
        .var_os("AGENTCTL_CONFIG_DIR")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(default_config_dir);
    let Some(dir) = dir else {
        return Vec::new();
    };
    ConfigFiles::new(&dir)
        .read_config()
        .map(|config| config.profile_names())
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

/// The keys `config get` and `config set` take.
pub fn config_keys() -> Vec<CompletionCandidate> {
    ConfigKey::ALL
        .iter()
        .map(|key| CompletionCandidate::new(key.name()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_come_from_the_config_dir_the_environment_names() {
        let dir = tempfile::tempdir().unwrap();
        crate::config::ConfigFiles::new(dir.path())
            .update(|config, _| {
                config.profile_mut("prod");
                config.profile_mut("dev");
                Ok(())
            })
            .unwrap();
        let names = |env: &Env| -> Vec<String> {
            profiles_in(env)
                .iter()
                .map(|c| c.get_value().to_string_lossy().into_owned())
                .collect()
        };
        let env = Env::from_pairs([("AGENTCTL_CONFIG_DIR", dir.path())]);
        assert_eq!(names(&env), ["dev", "prod"]);
        let missing = Env::from_pairs([("AGENTCTL_CONFIG_DIR", dir.path().join("none"))]);
        assert!(names(&missing).is_empty());
    }

    #[test]
    fn every_config_key_is_offered() {
        let keys: Vec<String> = config_keys()
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            keys,
            ["host", "output", "request_timeout", "retries", "cacert"]
        );
    }
}
