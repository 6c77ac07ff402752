//! Writing the pair: [`ConfigFiles::update`], a read-modify-write of both files under an
//! exclusive lock held across it, so two logins at once never lose each other's token. Every
//! write is atomic (a temp file in the same dir, fsync, rename, fsync of the dir; see
//! `crate::files`, whose failure injection the tests below drive through every step), and a
//! failed update puts back what it had replaced. A file that does not parse is never rewritten.

use super::docs::{ConfigDoc, Credentials};
use super::edit::edited_text;
use super::files::{CONFIG_FILE, CREDENTIALS_FILE, ConfigFiles};
use super::safe_read::{Which, check_dir, io_error, read_text};
use crate::error::{Error, Result};
use crate::secret::Secret;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// A profile whose token this update replaces by one for another origin keeps the one its
/// host on disk goes with (`previous_token`) until config.toml is written too: a crash between
/// the two renames then leaves the old profile whole.
fn keep_replaced_tokens(
    original: &Credentials,
    credentials: &mut Credentials,
    kept: Vec<(String, Option<(Secret, String)>)>,
) {
    let text = |token: Option<Secret>| token.map(|t| t.expose().to_owned());
    for (name, kept) in kept {
        let new = text(credentials.token(&name));
        if new.is_none() || new == text(original.token(&name)) {
            continue;
        }
        match kept {
            Some((token, origin))
                if credentials.token_origin(&name).as_deref() != Some(&origin) =>
            {
                credentials.set_previous(&name, &token, &origin)
            }
            _ => {
                credentials.clear_previous(&name);
            }
        }
    }
}

/// Held (`flock`) by every writer for the whole read-modify-write; never holds data.
const LOCK_FILE: &str = ".lock";

const CONFIG_HEADER: &str = "# agentctl configuration: edit by hand or with `agentctl config set`. Tokens live in credentials.toml.\n";
const CREDENTIALS_HEADER: &str =
    "# agentctl credentials: one token per profile. Keep this file private (chmod 600).\n";

impl ConfigFiles {
    /// Read-modify-write of both files under the exclusive lock. Only a file whose content
    /// changed is written, and only after `edit` succeeded.
    ///
    /// The two files are one change: `credentials.toml` is written first, holding the new
    /// token with its origin and the token it replaced with that one's origin, and `config.toml`
    /// last, so a crash between them leaves the old host with its old token (a token goes only
    /// to its own origin), and a crash can never leave a new host with the old token; once
    /// `config.toml` is written, the replaced token is dropped.
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
        // The token each profile's host on disk goes with, before the edit.
        let kept: Vec<(String, Option<(Secret, String)>)> = original_credentials
            .profile_names()
            .into_iter()
            .map(|name| {
                let kept = original_config
                    .host_origin(&name)
                    .and_then(|origin| original_credentials.token_for_origin(&name, &origin));
                (name, kept)
            })
            .collect();
        let outcome = edit(&mut config, &mut credentials)?;
        keep_replaced_tokens(&original_credentials, &mut credentials, kept);
        // A previous token whose login reached config.toml is dropped: the files agree.
        credentials.forget_previous(&original_config);
        // Edited in place (comments kept), with the file's own mode; credentials first.
        let mut writes = Vec::new();
        if credentials != original_credentials {
            let text = edited_text(
                credentials_text.as_deref(),
                CREDENTIALS_HEADER,
                credentials.table(),
            );
            let mode = existing_mode(&credentials_path).map_or(0o600, |mode| mode & 0o700);
            writes.push((credentials_path, credentials_text, text, mode));
        }
        if config != original_config {
            let text = edited_text(config_text.as_deref(), CONFIG_HEADER, config.table());
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
        // Both halves are on disk: the token a login replaced is no longer needed. Written at
        // once when it can be; when it cannot, the next update drops it (above).
        let mut settled = credentials.clone();
        if settled.forget_previous(&config) {
            let credentials_path = self.credentials_path();
            let text = edited_text(
                read_text(&credentials_path, Which::Credentials)
                    .ok()
                    .flatten()
                    .as_deref(),
                CREDENTIALS_HEADER,
                settled.table(),
            );
            let mode = existing_mode(&credentials_path).map_or(0o600, |mode| mode & 0o700);
            let _ = crate::files::write_atomic(&credentials_path, text.as_bytes(), mode);
        }
        Ok(outcome)
    }

    /// Temp files left by a writer that died between writing and renaming (it held the lock,
    /// which is now ours, so no live writer owns them). One may hold a token.
    fn remove_stale_temp_files(&self) {
        let Ok(entries) = fs::read_dir(self.dir()) else {
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
        create_private_dir(self.dir())?;
        check_dir(self.dir())?;
        let path = self.dir().join(LOCK_FILE);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> (tempfile::TempDir, ConfigFiles) {
        let dir = tempfile::tempdir().unwrap();
        let files = ConfigFiles::new(dir.path().join("agentctl"));
        (dir, files)
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

    /// prod's host, the token kept for that host and its origin, as the files hold them.
    fn prod(files: &ConfigFiles) -> (Option<String>, Option<String>, Option<String>) {
        let config = files.read_config().unwrap();
        let credentials = files.read_credentials().unwrap();
        let host = config
            .profile("prod")
            .and_then(|p| p.get("host"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        // The token that goes to that host, as resolving the profile picks it.
        let origin = host
            .as_deref()
            .map(|h| url::Url::parse(h).unwrap().origin().ascii_serialization());
        match origin.and_then(|o| credentials.token_for_origin("prod", &o)) {
            Some((token, origin)) => (host, Some(token.expose().to_owned()), Some(origin)),
            None => (host, None, None),
        }
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
    /// the disk) they hold the old profile or the new one too: between the two renames, the
    /// old host with its old token.
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
                        assert!(now == old || now == new, "{case}");
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
        let credentials = files.read_credentials().unwrap();
        assert_eq!(
            credentials.token("prod").map(|t| t.expose().to_owned()),
            Some("tok-new".to_owned())
        );
        assert_eq!(
            credentials.token_origin("prod").as_deref(),
            Some("https://new.example.com")
        );
        // The old host keeps its own token: the profile is the old one.
        let (host, token, origin) = prod(&files);
        assert_eq!(host.as_deref(), Some("https://old.example.com"));
        assert_eq!(token.as_deref(), Some("tok-old"));
        assert_eq!(origin.as_deref(), Some("https://old.example.com"));
    }

    #[test]
    fn the_replaced_token_is_dropped_once_config_names_the_new_host() {
        let (_dir, files) = files();
        login(&files, "https://old.example.com", "tok-old").unwrap();
        login(&files, "https://new.example.com", "tok-new").unwrap();
        let text = fs::read_to_string(files.credentials_path()).unwrap();
        assert!(!text.contains("tok-old"), "{text}");
        assert!(!text.contains("previous"), "{text}");
        // After a crash between the renames, the next update (whatever it is) settles it.
        login(&files, "https://old.example.com", "tok-old").unwrap();
        {
            let _crash = crate::files::inject::fail_after(4, true);
            login(&files, "https://new.example.com", "tok-new").unwrap_err();
        }
        assert!(
            fs::read_to_string(files.credentials_path())
                .unwrap()
                .contains("tok-old")
        );
        files.update(|_, _| Ok(())).unwrap();
        assert_eq!(prod(&files), some("https://old.example.com", "tok-old"));
        login(&files, "https://new.example.com", "tok-new").unwrap();
        let text = fs::read_to_string(files.credentials_path()).unwrap();
        assert!(!text.contains("tok-old"), "{text}");
        assert_eq!(prod(&files), some("https://new.example.com", "tok-new"));
    }
}
