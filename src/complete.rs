//! Values the shell completions ask the binary for while the user types (jj's dynamic
//! completions, through clap_complete's `COMPLETE=<shell> agentctl`): profile names from
//! config.toml, and config keys. The committed scripts only register the binary as the
//! completer, so they never go stale against the profiles a user has.

use crate::config::{ConfigFiles, ConfigKey, default_config_dir};
use crate::output::OutputFormat;
use clap::ValueEnum;
use clap_complete::engine::CompletionCandidate;
use std::ffi::OsStr;
use std::path::PathBuf;

/// The profiles in config.toml (AGENTCTL_CONFIG_DIR, else the platform config dir). A missing
/// or unreadable file completes nothing rather than printing an error into the prompt.
pub fn profiles() -> Vec<CompletionCandidate> {
    let dir = std::env::var_os("AGENTCTL_CONFIG_DIR")
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

/// `agent list --sort-by`.
pub fn sort_fields() -> Vec<CompletionCandidate> {
    candidates(crate::commands::agent::list::SORT_FIELDS)
}

/// `config set KEY <VALUE>`: the values of the key typed before it, where they are few
/// (`output`). The completer is given only the word being completed, so the key is read from
/// the words the shell passed after `--` (`_CLAP_COMPLETE_INDEX` says which word that is).
pub fn config_values(current: &OsStr) -> Vec<CompletionCandidate> {
    let words: Vec<String> = std::env::args()
        .skip_while(|word| word != "--")
        .skip(1)
        .collect();
    let index = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
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

fn candidates<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<CompletionCandidate> {
    values.into_iter().map(CompletionCandidate::new).collect()
}

/// The command tree completions are answered from: the parser's, with the copies of the
/// global options that each subcommand holds for its help's one-line summary made visible.
/// Completion then offers them after a subcommand, and a word left empty after a positional
/// (`agent show <Tab>`) lists every option instead of inserting the only visible one, `--help`.
pub fn command() -> clap::Command {
    show_globals(crate::cli::command(), true)
}

fn show_globals(mut command: clap::Command, root: bool) -> clap::Command {
    if !root {
        let copies: Vec<clap::Id> = command
            .get_arguments()
            .filter(|arg| arg.is_global_set() && arg.is_hide_set())
            .map(|arg| arg.get_id().clone())
            .collect();
        for id in copies {
            command = command.mut_arg(id, |arg| arg.hide(false));
        }
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| show_globals(sub, false));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

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
