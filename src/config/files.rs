//! The config dir and its two files: where they are and how they are read.
//!
//! `config.toml` holds the profiles (host, output, …) and `current_profile`; `credentials.toml`
//! holds tokens only and is kept `0600` in a `0700` dir. A file that does not exist yet reads as
//! empty and nothing is created; one that does not parse is an error naming the file and line.
//! Writing both is `ConfigFiles::update` (in `update`).

use super::docs::{ConfigDoc, Credentials};
use super::safe_read::{Which, check_dir, read_text};
use crate::error::Result;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "config.toml";
pub const CREDENTIALS_FILE: &str = "credentials.toml";

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::safe_read::io_error;
    use crate::secret::Secret;
    use std::fs;

    /// `dir/name` replaced atomically (see `crate::files`), an error naming the file.
    fn write_atomic(dir: &Path, name: &str, contents: &[u8], mode: u32) -> Result<()> {
        let target = dir.join(name);
        crate::files::write_atomic(&target, contents, mode)
            .map_err(|err| io_error("could not write", &target, &err))
    }

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
}
