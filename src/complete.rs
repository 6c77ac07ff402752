//! Values the shell completions ask the binary for while the user types (jj's dynamic
//! completions, through clap_complete's `COMPLETE=<shell> agentctl`): profile names from
//! config.toml, and config keys. The committed scripts only register the binary as the
//! completer, so they never go stale against the profiles a user has.

use crate::config::{ConfigFiles, ConfigKey, default_config_dir};
use crate::env::Env;
use crate::output::OutputFormat;
use clap::ValueEnum;
use clap_complete::engine::CompletionCandidate;
use std::ffi::OsStr;
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

/// `agent list --status`, `watch --all --status`.
pub fn statuses() -> Vec<CompletionCandidate> {
    candidates(crate::status::AgentStatus::REPORTED.map(crate::status::AgentStatus::as_str))
}

/// `--type`: the API's agent types as its examples name them (the list is the server's, so
/// any other value is accepted too).
pub fn agent_types() -> Vec<CompletionCandidate> {
    candidates(["log", "metric", "trace"])
}

/// `config set KEY <VALUE>`: the values of the key typed before it, where they are few
/// (`output`). The completer is given only the word being completed, so the key is read from
/// the words the shell passed after `--` (`_CLAP_COMPLETE_INDEX` says which word that is).
pub fn config_values(current: &OsStr) -> Vec<CompletionCandidate> {
    let words: Vec<String> = std::env::args()
        .skip_while(|word| word != "--")
        .skip(1)
        .collect();
    let index = Env::process()
        .var("_CLAP_COMPLETE_INDEX")
        .and_then(|index| index.parse::<usize>().ok())
        .unwrap_or(words.len().saturating_sub(1));
    values_of_key(&words[..index.min(words.len())], current)
}

fn values_of_key(before: &[String], current: &OsStr) -> Vec<CompletionCandidate> {
    let key = before
        .iter()
        .rev()
        .find_map(|word| ConfigKey::ALL.into_iter().find(|key| key.name() == word));
    let values: Vec<&str> = match key {
        Some(ConfigKey::Output) => OutputFormat::value_variants()
            .iter()
            .map(|format| format.name())
            .collect(),
        _ => Vec::new(),
    };
    let current = current.to_string_lossy();
    candidates(
        values
            .into_iter()
            .filter(|value| value.starts_with(&*current)),
    )
}

pub fn candidates<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<CompletionCandidate> {
    values.into_iter().map(CompletionCandidate::new).collect()
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

    fn values(before: &[&str], current: &str) -> Vec<String> {
        let before: Vec<String> = before.iter().map(|w| (*w).to_owned()).collect();
        values_of_key(&before, OsStr::new(current))
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn config_set_offers_the_values_of_its_key() {
        let set = ["agentctl", "config", "set"];
        assert_eq!(
            values(&[&set[..], &["output"]].concat(), ""),
            ["table", "wide", "json", "ndjson"]
        );
        assert_eq!(
            values(&[&set[..], &["--profile", "p", "output"]].concat(), "n"),
            ["ndjson"]
        );
        assert!(values(&[&set[..], &["retries"]].concat(), "").is_empty());
        assert!(values(&set, "").is_empty());
    }
}
