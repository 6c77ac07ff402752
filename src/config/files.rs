//! The two files of the config dir and how they are read and written.
//!
//! `config.toml` holds the profiles (host, output, …) and `current_profile`; `credentials.toml`
//! holds tokens only and is kept `0600` in a `0700` dir. Every write is atomic (a temp file in
//! the same dir, fsync, rename, fsync of the dir) and happens under an exclusive lock held across
//! read-modify-write, so two logins at once never lose each other's token. A file that does not
//! parse is an error naming the file and line, and is never rewritten.

use super::edit::edited_text;
use super::profile_name::is_valid_profile_name;
use super::safe_read::{Which, check_dir, io_error, read_text};
use crate::error::{Error, Result};
use crate::sanitize::sanitize;
use crate::secret::Secret;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "config.toml";
pub const CREDENTIALS_FILE: &str = "credentials.toml";
/// Held (`flock`) by every writer for the whole read-modify-write; never holds data.
const LOCK_FILE: &str = ".lock";

const CONFIG_HEADER: &str = "# agentctl configuration: edit by hand or with `agentctl config set`. Tokens live in credentials.toml.\n";
const CREDENTIALS_HEADER: &str =
    "# agentctl credentials: one token per profile. Keep this file private (chmod 600).\n";

/// The config dir and the paths of its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFiles {
    dir: PathBuf,
}

impl ConfigFiles {
    pub fn new(dir: impl Into<PathBuf>) -> ConfigFiles {
        ConfigFiles { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.join(CONFIG_FILE)
    }

    pub fn credentials_path(&self) -> PathBuf {
        self.dir.join(CREDENTIALS_FILE)
    }

    /// `config.toml`, or an empty one when it does not exist yet.
    pub fn read_config(&self) -> Result<ConfigDoc> {
        check_dir(&self.dir)?;
        let path = self.config_path();
        match read_text(&path, Which::Config)? {
            Some(text) => ConfigDoc::parse(&text, &path),
            None => Ok(ConfigDoc::default()),
        }
    }

    /// `credentials.toml`, or an empty one when it does not exist yet. Refused when group or
    /// others may read it.
    pub fn read_credentials(&self) -> Result<Credentials> {
        check_dir(&self.dir)?;
        let path = self.credentials_path();
        match read_text(&path, Which::Credentials)? {
            Some(text) => Credentials::parse(&text, &path),
            None => Ok(Credentials::default()),
        }
    }

    /// Read-modify-write of both files under the exclusive lock. Only a file whose content
    /// changed is written, and only after `edit` succeeded.
    ///
    /// The two files are one change: `credentials.toml` is written first and `config.toml`
    /// last, so a crash between them leaves the old host with the new token, which is saved
    /// with the origin it belongs to and so is never sent to the old host (contract: a token
    /// goes only to its own origin); a crash can never leave a new host with the old token.
    /// When a write fails, each file already replaced is put back as it was, so a failed
    /// update changes nothing.
    pub fn update<R>(
        &self,
        edit: impl FnOnce(&mut ConfigDoc, &mut Credentials) -> Result<R>,
    ) -> Result<R> {
        let _lock = self.lock()?;
        self.remove_stale_temp_files();
        let (config_path, credentials_path) = (self.config_path(), self.credentials_path());
        let config_text = read_text(&config_path, Which::Config)?;
        let credentials_text = read_text(&credentials_path, Which::Credentials)?;
        let original_config = match &config_text {
            Some(text) => ConfigDoc::parse(text, &config_path)?,
            None => ConfigDoc::default(),
        };
        let original_credentials = match &credentials_text {
            Some(text) => Credentials::parse(text, &credentials_path)?,
            None => Credentials::default(),
        };
        let mut config = original_config.clone();
        let mut credentials = original_credentials.clone();
        let outcome = edit(&mut config, &mut credentials)?;
        // Edited in place (comments kept), with the file's own mode; credentials first.
        let mut writes = Vec::new();
        if credentials != original_credentials {
            let text = edited_text(
                credentials_text.as_deref(),
                CREDENTIALS_HEADER,
                &credentials.table,
            );
            let mode = existing_mode(&credentials_path).map_or(0o600, |mode| mode & 0o700);
            writes.push((credentials_path, credentials_text, text, mode));
        }
        if config != original_config {
            let text = edited_text(config_text.as_deref(), CONFIG_HEADER, &config.table);
            let mode = existing_mode(&config_path).map_or(0o644, |mode| mode & !0o022);
            writes.push((config_path, config_text, text, mode));
        }
        let mut replaced: Vec<(&Path, Option<&str>, u32)> = Vec::new();
        for (path, original, text, mode) in &writes {
            if let Err(err) = crate::files::write_atomic(path, text.as_bytes(), *mode) {
                if crate::files::replaced(&err) {
                    replaced.push((path, original.as_deref(), *mode));
                }
                let undone = put_back(&replaced);
                return Err(write_failed(path, &err, &replaced, undone));
            }
            replaced.push((path, original.as_deref(), *mode));
        }
        Ok(outcome)
    }

    /// Temp files left by a writer that died between writing and renaming (it held the lock,
    /// which is now ours, so no live writer owns them). One may hold a token.
    fn remove_stale_temp_files(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let ours = [CONFIG_FILE, CREDENTIALS_FILE]
                .iter()
                .any(|file| name.starts_with(&format!(".{file}.")));
            if ours && name.ends_with(".tmp") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Creates the dir (`0700`) and takes the exclusive lock; it is released when the returned
    /// file is dropped (or the process dies).
    fn lock(&self) -> Result<File> {
        create_private_dir(&self.dir)?;
        check_dir(&self.dir)?;
        let path = self.dir.join(LOCK_FILE);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(&path)
            .map_err(|err| io_error("could not open the lock file", &path, &err))?;
        file.lock()
            .map_err(|err| io_error("could not lock", &path, &err))?;
        Ok(file)
    }
}

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
    fn parse(text: &str, path: &Path) -> Result<ConfigDoc> {
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
}

impl Credentials {
    fn parse(text: &str, path: &Path) -> Result<Credentials> {
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
        if entry.is_empty() {
            profiles.remove(profile);
        }
        removed
    }

    pub fn profile_names(&self) -> Vec<String> {
        sorted_keys(self.profiles())
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

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|err| io_error("could not create the config dir", dir, &err))
}

/// Puts each replaced file back as it was (the last one first), removing one that did not
/// exist. Returns the files that could not be put back.
fn put_back(replaced: &[(&Path, Option<&str>, u32)]) -> Vec<PathBuf> {
    let mut failed = Vec::new();
    for (path, original, mode) in replaced.iter().rev() {
        let undone = match original {
            Some(text) => crate::files::write_atomic(path, text.as_bytes(), *mode),
            None => fs::remove_file(path).or_else(|err| match err.kind() {
                io::ErrorKind::NotFound => Ok(()),
                _ => Err(err),
            }),
        };
        if undone.is_err() {
            failed.push(path.to_path_buf());
        }
    }
    failed
}

/// "could not write FILE: ERROR", and what became of the files written before it.
fn write_failed(
    path: &Path,
    err: &io::Error,
    replaced: &[(&Path, Option<&str>, u32)],
    not_undone: Vec<PathBuf>,
) -> Error {
    let error = io_error("could not write", path, err);
    if not_undone.is_empty() {
        let restored: Vec<String> = replaced
            .iter()
            .map(|(path, _, _)| path.display().to_string())
            .collect();
        return match restored.is_empty() {
            true => error.with_hint("nothing was changed; fix the cause and run the command again"),
            false => error.with_hint(format!(
                "nothing was changed ({} put back as it was); fix the cause and run the command again",
                restored.join(" and ")
            )),
        };
    }
    let left: Vec<String> = not_undone
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    error.with_hint(format!(
        "{} could not be put back as it was and holds the new settings; a token in it is sent \
         only to the host it was saved for. Fix the cause and run the command again",
        left.join(" and ")
    ))
}

/// `dir/name` replaced atomically (see `crate::files`), an error naming the file.
#[cfg(test)]
fn write_atomic(dir: &Path, name: &str, contents: &[u8], mode: u32) -> Result<()> {
    let target = dir.join(name);
    crate::files::write_atomic(&target, contents, mode)
        .map_err(|err| io_error("could not write", &target, &err))
}

/// The permission bits of an existing file (it was just read, so it is a regular file).
#[cfg(unix)]
fn existing_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn existing_mode(_path: &Path) -> Option<u32> {
    None
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

    fn files() -> (tempfile::TempDir, ConfigFiles) {
        let dir = tempfile::tempdir().unwrap();
        let files = ConfigFiles::new(dir.path().join("agentctl"));
        (dir, files)
    }

    #[test]
    fn missing_files_read_as_empty_and_nothing_is_created() {
        let (_dir, files) = files();
        assert_eq!(files.read_config().unwrap(), ConfigDoc::default());
        assert!(files.read_credentials().unwrap().token("default").is_none());
        assert!(!files.dir().exists());
    }

    #[test]
    fn round_trip_keeps_unknown_keys_and_separates_tokens() {
        let (_dir, files) = files();
        fs::create_dir_all(files.dir()).unwrap();
        fs::write(
            files.config_path(),
            "future_setting = 1\n[profiles.prod]\nhost = \"https://h\"\ncolor = \"blue\"\n",
        )
        .unwrap();
        files
            .update(|config, credentials| {
                config.set_current_profile("prod");
                config
                    .profile_mut("staging")
                    .insert("host".into(), "https://s".into());
                credentials.set_token("prod", &Secret::new("tok-prod"));
                Ok(())
            })
            .unwrap();
        let config = files.read_config().unwrap();
        assert_eq!(config.current_profile(), Some("prod"));
        assert_eq!(config.profile_names(), ["prod", "staging"]);
        let prod = config.profile("prod").unwrap();
        assert_eq!(prod["color"].as_str(), Some("blue"));
        let text = fs::read_to_string(files.config_path()).unwrap();
        assert!(text.contains("future_setting = 1"), "{text}");
        assert!(!text.contains("tok-prod"));
        let credentials = files.read_credentials().unwrap();
        assert_eq!(credentials.token("prod").unwrap().expose(), "tok-prod");
        assert!(!format!("{credentials:?}").contains("tok-prod"));
    }

    #[cfg(unix)]
    #[test]
    fn modes_are_private_and_a_readable_credentials_file_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, files) = files();
        files
            .update(|_, credentials| {
                credentials.set_token("default", &Secret::new("tok"));
                Ok(())
            })
            .unwrap();
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(files.dir()), 0o700);
        assert_eq!(mode(&files.credentials_path()), 0o600);
        fs::set_permissions(files.credentials_path(), fs::Permissions::from_mode(0o640)).unwrap();
        let err = files.read_credentials().unwrap_err();
        let fix = format!("chmod 600 {}", files.credentials_path().display());
        assert!(err.hint.unwrap().contains(&fix));
        assert!(files.update(|_, _| Ok(())).is_err());
    }

    #[test]
    fn a_corrupt_file_names_the_line_and_is_not_rewritten() {
        let (_dir, files) = files();
        fs::create_dir_all(files.dir()).unwrap();
        let text = "current_profile = \"a\"\n[profiles.a]\nhost = \"https://h\"\nretries = \n";
        fs::write(files.config_path(), text).unwrap();
        let err = files.read_config().unwrap_err();
        assert!(
            err.message.contains("config.toml at line 4"),
            "{}",
            err.message
        );
        assert!(
            files
                .update(|config, _| {
                    config.set_current_profile("b");
                    Ok(())
                })
                .is_err()
        );
        assert_eq!(fs::read_to_string(files.config_path()).unwrap(), text);

        let wrong_type = "current_profile = 5\n";
        fs::write(files.config_path(), wrong_type).unwrap();
        let err = files.read_config().unwrap_err();
        assert!(err.message.contains("line 1"), "{}", err.message);
    }

    #[test]
    fn credentials_parse_errors_do_not_quote_the_file() {
        let (_dir, files) = files();
        fs::create_dir_all(files.dir()).unwrap();
        let text = "[profiles.a]\ntoken = 12345678901\n";
        write_atomic(files.dir(), CREDENTIALS_FILE, text.as_bytes(), 0o600).unwrap();
        let err = files.read_credentials().unwrap_err();
        assert!(err.message.contains("line 2"), "{}", err.message);
        assert!(!err.message.contains("12345678901"), "{}", err.message);
    }

    #[test]
    fn a_dead_writers_temp_file_is_removed_by_the_next_writer() {
        let (_dir, files) = files();
        fs::create_dir_all(files.dir()).unwrap();
        let stale = files
            .dir()
            .join(".credentials.toml.4242.00000000000000ff.tmp");
        fs::write(&stale, "[profiles.a]\ntoken = \"half-writ").unwrap();
        let unrelated = files.dir().join("notes.tmp");
        fs::write(&unrelated, "mine").unwrap();
        files.update(|_, _| Ok(())).unwrap();
        assert!(!stale.exists());
        assert!(unrelated.exists());
    }

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

    /// prod's host, token and the token's origin, as the files hold them.
    fn prod(files: &ConfigFiles) -> (Option<String>, Option<String>, Option<String>) {
        let config = files.read_config().unwrap();
        let credentials = files.read_credentials().unwrap();
        let host = config
            .profile("prod")
            .and_then(|p| p.get("host"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let token = credentials.token("prod").map(|t| t.expose().to_owned());
        (host, token, credentials.token_origin("prod"))
    }

    /// What `auth login` writes: a host in config.toml, its token in credentials.toml.
    fn login(files: &ConfigFiles, host: &str, token: &str) -> Result<()> {
        files.update(|config, credentials| {
            config
                .profile_mut("prod")
                .insert("host".into(), host.into());
            config.set_current_profile("prod");
            let url = url::Url::parse(host).unwrap();
            credentials.set_token_for("prod", &Secret::new(token), &url);
            Ok(())
        })
    }

    fn some(host: &str, token: &str) -> (Option<String>, Option<String>, Option<String>) {
        let origin = url::Url::parse(host)
            .unwrap()
            .origin()
            .ascii_serialization();
        (Some(host.into()), Some(token.into()), Some(origin))
    }

    /// Every step of both writes is made to fail in turn. As an error (`crash` false: later
    /// steps work, so what was replaced is put back) the files hold the old profile or, on
    /// success, the new one. As a crash (every later step fails too: nothing more reaches
    /// the disk) they may also hold the old host with the new token, saved for the new
    /// host's origin and so never sent to the old host; never the new host with the old token.
    #[test]
    fn every_failure_and_crash_point_of_a_pair_leaves_the_old_profile_or_the_new_one() {
        let (old_host, new_host) = ("https://old.example.com", "https://new.example.com");
        for prior in [true, false] {
            for crash in [false, true] {
                let mut points = 0;
                for after in 0.. {
                    let (_dir, files) = files();
                    let old = if prior {
                        login(&files, old_host, "tok-old").unwrap();
                        some(old_host, "tok-old")
                    } else {
                        (None, None, None)
                    };
                    let config_before = fs::read(files.config_path()).ok();
                    let result = {
                        let _failing = crate::files::inject::fail_after(after, crash);
                        login(&files, new_host, "tok-new")
                    };
                    let now = prod(&files);
                    let new = some(new_host, "tok-new");
                    let case = format!("prior {prior}, crash {crash}, step {after}: {now:?}");
                    if result.is_ok() {
                        assert_eq!(now, new, "{case}");
                        break;
                    }
                    points += 1;
                    let hint = result.unwrap_err().hint.unwrap_or_default();
                    if crash {
                        let between = (old.0.clone(), new.1.clone(), new.2.clone());
                        assert!(now == old || now == new || now == between, "{case}");
                        assert!(!(now.0 == new.0 && now.1 == old.1), "{case}");
                    } else {
                        assert_eq!(now, old, "{case}");
                        assert!(hint.starts_with("nothing was changed"), "{case}: {hint}");
                        assert_eq!(fs::read(files.config_path()).ok(), config_before, "{case}");
                        if !prior {
                            assert!(!files.credentials_path().exists(), "{case}");
                        }
                    }
                }
                // Five steps for each of the two files.
                assert_eq!(points, 10, "prior {prior}, crash {crash}");
            }
        }
    }

    #[test]
    fn credentials_are_written_before_config() {
        let (_dir, files) = files();
        login(&files, "https://old.example.com", "tok-old").unwrap();
        // A crash right after the first rename (steps: create, write, sync, rename, sync of
        // the dir): the first file replaced must be credentials.toml.
        let _crash = crate::files::inject::fail_after(4, true);
        login(&files, "https://new.example.com", "tok-new").unwrap_err();
        let (host, token, origin) = prod(&files);
        assert_eq!(host.as_deref(), Some("https://old.example.com"));
        assert_eq!(token.as_deref(), Some("tok-new"));
        assert_eq!(origin.as_deref(), Some("https://new.example.com"));
    }

    #[test]
    fn lines_columns_and_quoting() {
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("é\nx", 1), (1, 1));
    }
}
