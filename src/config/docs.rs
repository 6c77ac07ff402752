//! The two documents of the config dir, as read: `config.toml` ([`ConfigDoc`]: the profiles
//! and `current_profile`) and `credentials.toml` ([`Credentials`]: one token per profile and the
//! origin it was saved for). Each keeps its whole table, so keys this version does not know
//! survive a rewrite. Its shape is checked when it is read: a mistake is an error naming the file,
//! line and column, and never quotes a credentials file.

use super::profile_name::is_valid_profile_name;
use crate::error::{Error, Result};
use crate::sanitize::sanitize;
use crate::secret::Secret;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// `config.toml`: the whole table is kept, so keys this version does not know survive a rewrite.
/// Its shape (types) was checked when it was read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigDoc {
    table: toml::Table,
}

/// The types `config.toml` must have; checked on read so a mistake gets a line number.
#[derive(Deserialize)]
#[allow(dead_code)] // only the checking matters; the values are read from the table
struct ConfigShape {
    current_profile: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, toml::Table>,
}

impl ConfigDoc {
    pub(super) fn parse(text: &str, path: &Path) -> Result<ConfigDoc> {
        toml::from_str::<ConfigShape>(text).map_err(|err| parse_error(path, text, &err, true))?;
        let table = toml::from_str(text).map_err(|err| parse_error(path, text, &err, true))?;
        Ok(ConfigDoc { table })
    }

    pub fn current_profile(&self) -> Option<&str> {
        self.table.get("current_profile").and_then(|v| v.as_str())
    }

    pub fn set_current_profile(&mut self, name: &str) {
        self.table
            .insert("current_profile".into(), toml::Value::String(name.into()));
    }

    /// The names of the profiles agentctl can select, sorted. A table under a name that is
    /// not a valid profile name (`config.toml` edited by hand: `*`, blanks, quotes, `$(…)`) is
    /// left out, so it never reaches a completion, a hint or a shell unquoted: see
    /// [`invalid_profile_names`](Self::invalid_profile_names).
    pub fn profile_names(&self) -> Vec<String> {
        let mut names = sorted_keys(self.profiles());
        names.retain(|name| is_valid_profile_name(name));
        names
    }

    /// The profile tables under names that are not valid profile names, sorted.
    pub fn invalid_profile_names(&self) -> Vec<String> {
        let mut names = sorted_keys(self.profiles());
        names.retain(|name| !is_valid_profile_name(name));
        names
    }

    pub fn has_profile(&self, name: &str) -> bool {
        self.profile(name).is_some()
    }

    /// A profile's settings, as stored.
    pub fn profile(&self, name: &str) -> Option<&toml::Table> {
        self.profiles()?.get(name)?.as_table()
    }

    /// A profile's settings, created empty if needed.
    pub fn profile_mut(&mut self, name: &str) -> &mut toml::Table {
        subtable(subtable(&mut self.table, "profiles"), name)
    }

    /// The whole table, as the writer puts it back into the file's text.
    /// The origin of a profile's `host`, when it has one that parses.
    pub(super) fn host_origin(&self, name: &str) -> Option<String> {
        let host = self.profile(name)?.get("host")?.as_str()?;
        Some(url::Url::parse(host).ok()?.origin().ascii_serialization())
    }

    pub(super) fn table(&self) -> &toml::Table {
        &self.table
    }

    fn profiles(&self) -> Option<&toml::Table> {
        self.table.get("profiles")?.as_table()
    }
}

/// `credentials.toml`: `[profiles.NAME] token = "…"`, `origin = "https://host[:port]"` (the
/// origin the token was saved for; files from before it was stored have none). `Debug` never shows a token.
#[derive(Clone, Default, PartialEq)]
pub struct Credentials {
    table: toml::Table,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("profiles", &self.profile_names())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
#[allow(dead_code)] // only the checking matters; the values are read from the table
struct CredentialsShape {
    #[serde(default)]
    profiles: BTreeMap<String, CredentialShape>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct CredentialShape {
    token: Option<String>,
    origin: Option<String>,
    previous_token: Option<String>,
    previous_origin: Option<String>,
}

impl Credentials {
    pub(super) fn parse(text: &str, path: &Path) -> Result<Credentials> {
        // The error messages of a credentials file are not shown: they may quote a token.
        toml::from_str::<CredentialsShape>(text)
            .map_err(|err| parse_error(path, text, &err, false))?;
        let table = toml::from_str(text).map_err(|err| parse_error(path, text, &err, false))?;
        Ok(Credentials { table })
    }

    pub fn token(&self, profile: &str) -> Option<Secret> {
        let token = self
            .profiles()?
            .get(profile)?
            .get("token")?
            .as_str()?
            .trim();
        (!token.is_empty()).then(|| Secret::new(token))
    }

    /// The origin (`https://host[:port]`) a profile's token was saved for; `None` in a file
    /// written before origins were stored.
    pub fn token_origin(&self, profile: &str) -> Option<String> {
        let origin = self
            .profiles()?
            .get(profile)?
            .get("origin")?
            .as_str()?
            .trim();
        (!origin.is_empty()).then(|| origin.to_owned())
    }

    /// Stores a token with the origin it belongs to: it is never sent anywhere else, whatever
    /// config.toml says later (a crash between the two files' renames, a hand edit).
    pub fn set_token_for(&mut self, profile: &str, token: &Secret, host: &url::Url) {
        self.set_token(profile, token);
        subtable(subtable(&mut self.table, "profiles"), profile).insert(
            "origin".into(),
            toml::Value::String(host.origin().ascii_serialization()),
        );
    }

    /// Keeps `token`, saved for `origin`, beside the profile's new one until config.toml names
    /// the new host ([`ConfigFiles::update`](super::ConfigFiles::update) does this).
    pub(super) fn set_previous(&mut self, profile: &str, token: &Secret, origin: &str) {
        let entry = subtable(subtable(&mut self.table, "profiles"), profile);
        entry.insert(
            "previous_token".into(),
            toml::Value::String(token.expose().to_owned()),
        );
        entry.insert(
            "previous_origin".into(),
            toml::Value::String(origin.to_owned()),
        );
    }

    pub(super) fn clear_previous(&mut self, profile: &str) -> bool {
        let Some(entry) = self
            .table
            .get_mut("profiles")
            .and_then(|p| p.as_table_mut())
            .and_then(|p| p.get_mut(profile))
            .and_then(|e| e.as_table_mut())
        else {
            return false;
        };
        entry.remove("previous_origin");
        entry.remove("previous_token").is_some()
    }

    /// The token a profile holds for `origin`: its own, or the one it held before a login to
    /// another host whose config.toml half may not have reached the disk.
    pub fn token_for_origin(&self, profile: &str, origin: &str) -> Option<(Secret, String)> {
        if self.token_origin(profile).as_deref() == Some(origin) {
            return self.token(profile).map(|t| (t, origin.to_owned()));
        }
        let entry = self.profiles()?.get(profile)?;
        let previous_origin = entry.get("previous_origin")?.as_str()?.trim();
        let previous = entry.get("previous_token")?.as_str()?.trim();
        (previous_origin == origin && !previous.is_empty())
            .then(|| (Secret::new(previous), origin.to_owned()))
    }

    /// Drops the previous tokens of the profiles whose host in `config` is their token's own
    /// origin: the login that replaced them is complete. Returns whether any was dropped.
    pub(super) fn forget_previous(&mut self, config: &ConfigDoc) -> bool {
        let mut dropped = false;
        for name in self.profile_names() {
            let host_origin = config.host_origin(&name);
            if host_origin.is_some() && host_origin == self.token_origin(&name) {
                dropped |= self.clear_previous(&name);
            }
        }
        dropped
    }

    pub fn set_token(&mut self, profile: &str, token: &Secret) {
        subtable(subtable(&mut self.table, "profiles"), profile).insert(
            "token".into(),
            toml::Value::String(token.expose().to_owned()),
        );
    }

    /// Removes a profile's token (and its entry when nothing else is left in it). Returns
    /// whether there was one.
    pub fn remove_token(&mut self, profile: &str) -> bool {
        let Some(profiles) = self
            .table
            .get_mut("profiles")
            .and_then(|p| p.as_table_mut())
        else {
            return false;
        };
        let Some(entry) = profiles.get_mut(profile).and_then(|e| e.as_table_mut()) else {
            return false;
        };
        let removed = entry.remove("token").is_some();
        entry.remove("origin");
        entry.remove("previous_token");
        entry.remove("previous_origin");
        if entry.is_empty() {
            profiles.remove(profile);
        }
        removed
    }

    pub fn profile_names(&self) -> Vec<String> {
        sorted_keys(self.profiles())
    }

    /// The whole table, as the writer puts it back into the file's text.
    pub(super) fn table(&self) -> &toml::Table {
        &self.table
    }

    fn profiles(&self) -> Option<&toml::Table> {
        self.table.get("profiles")?.as_table()
    }
}

/// "could not parse FILE: line L, column C: MESSAGE". `show_message`: false for credentials,
/// whose parser messages may quote a token.
fn parse_error(path: &Path, text: &str, err: &toml::de::Error, show_message: bool) -> Error {
    let location = err
        .span()
        .map(|span| {
            let (line, column) = line_and_column(text, span.start);
            format!(" at line {line}, column {column}")
        })
        .unwrap_or_default();
    let detail = if show_message {
        format!(": {}", sanitize(err.message().trim()))
    } else {
        " (the content is not shown: it may hold a token)".into()
    };
    Error::other(format!(
        "could not parse {}{location}{detail}",
        path.display()
    ))
    .with_hint("fix the file by hand; agentctl does not rewrite a file it cannot read")
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A table's keys, sorted (none for no table).
fn sorted_keys(table: Option<&toml::Table>) -> Vec<String> {
    let mut keys: Vec<String> = table
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// The table under `key`, created (or put in place of a value that is not a table) if needed.
fn subtable<'a>(table: &'a mut toml::Table, key: &str) -> &'a mut toml::Table {
    let entry = table
        .entry(key)
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if !entry.is_table() {
        *entry = toml::Value::Table(toml::Table::new());
    }
    entry.as_table_mut().expect("a table was just put there")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_token_leaves_other_profiles() {
        let mut credentials = Credentials::default();
        credentials.set_token("a", &Secret::new("ta"));
        credentials.set_token("b", &Secret::new("tb"));
        assert!(credentials.remove_token("a"));
        assert!(!credentials.remove_token("a"));
        assert!(credentials.token("a").is_none());
        assert_eq!(credentials.token("b").unwrap().expose(), "tb");
        assert_eq!(credentials.profile_names(), ["b"]);
    }

    #[test]
    fn lines_columns_and_quoting() {
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("é\nx", 1), (1, 1));
    }
}
