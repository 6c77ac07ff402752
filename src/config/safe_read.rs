//! Reading the config dir's files without trusting what is at their paths: through the one
//! guarded reader (`crate::files`: only regular files, a FIFO or a device never read), at most
//! 1 MiB, owned by the user and not writable by others, and the credentials file private and
//! never followed through a symbolic link.

use crate::error::{Error, Result};
use crate::files::{ReadError, open_regular, read_capped};
use std::fs;
use std::io;
use std::path::Path;

/// A config file larger than this is refused: they hold a few profiles.
pub(super) const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Which of the two files is read: the credentials file is private and not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    Config,
    Credentials,
}

/// A file's text, or `None` when it does not exist. Opened and read by the one guarded
/// reader (`crate::files`), with the config dir's own checks of owner and mode in between.
pub(super) fn read_text(path: &Path, which: Which) -> Result<Option<String>> {
    let (file, metadata) = match open_regular(path, which == Which::Config) {
        Ok(opened) => opened,
        Err(ReadError::Io(err)) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(ReadError::Io(err))
            if which == Which::Credentials && is_symlink_refusal(&err, path) =>
        {
            return Err(Error::other(format!(
                "{} is a symbolic link; the credentials file is not followed through a link",
                path.display()
            ))
            .with_hint(format!(
                "replace the link with the file itself (for example `mv` the target to {})",
                crate::sanitize::shell_quote(&path.to_string_lossy())
            )));
        }
        Err(err) => return Err(read_error(path, err)),
    };
    check_owner(path, &metadata)?;
    match which {
        Which::Credentials => check_private(path, &metadata)?,
        Which::Config => check_not_writable_by_others(path, &metadata, "file")?,
    }
    let bytes = read_capped(file, MAX_FILE_BYTES).map_err(|err| read_error(path, err))?;
    String::from_utf8(bytes).map(Some).map_err(|err| {
        Error::other(format!(
            "could not read {}: not UTF-8 text (invalid byte at offset {})",
            path.display(),
            err.utf8_error().valid_up_to()
        ))
        .with_hint(
            "fix or remove the file by hand; agentctl does not rewrite a file it cannot read",
        )
    })
}

/// The config files' wording of the reader's refusals (exit 1, as the other config checks).
fn read_error(path: &Path, err: ReadError) -> Error {
    match err {
        ReadError::Io(err) => io_error("could not read", path, &err),
        ReadError::NotRegular(what) => Error::other(format!(
            "{} is {what}, not a regular file; refusing to read it",
            path.display()
        ))
        .with_hint("replace it with a regular file (or remove it)"),
        ReadError::TooLarge(_) => too_large(path),
    }
}

/// `O_NOFOLLOW` on a link fails with `ELOOP`; checked against the path itself, so a real
/// loop elsewhere is not called a link.
fn is_symlink_refusal(err: &io::Error, path: &Path) -> bool {
    #[cfg(unix)]
    {
        err.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
            && fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
    }
    #[cfg(not(unix))]
    {
        let _ = (err, path);
        false
    }
}

fn too_large(path: &Path) -> Error {
    Error::other(format!(
        "{} is larger than {} MiB; refusing to read it",
        path.display(),
        MAX_FILE_BYTES / (1024 * 1024)
    ))
    .with_hint("a config file holds a few profiles; fix or remove it by hand")
}

/// The config dir decides, through `config.toml`, where the token goes: like ssh's
/// StrictModes, it is refused when it is not a directory owned by the user (or root), or
/// when group or others may write to it. A dir that does not exist yet is fine.
pub(super) fn check_dir(dir: &Path) -> Result<()> {
    let metadata = match fs::metadata(dir) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(io_error("could not read the config dir", dir, &err)),
    };
    if !metadata.is_dir() {
        return Err(Error::other(format!(
            "the config dir {} is not a directory",
            dir.display()
        )));
    }
    check_owner(dir, &metadata)?;
    check_not_writable_by_others(dir, &metadata, "dir")
}

/// Refused when owned by someone else than the user (root's files are trusted, as ssh does).
#[cfg(unix)]
fn check_owner(path: &Path, metadata: &fs::Metadata) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let owner = metadata.uid();
    if owner != me && owner != 0 {
        return Err(Error::other(format!(
            "{} is owned by another user (uid {owner}, not {me}); it decides where the token \
             goes, so agentctl refuses to use it",
            path.display()
        ))
        .with_hint(format!(
            "make it yours (`chown {me} {}`), or point --config-dir / AGENTCTL_CONFIG_DIR at a dir of your own",
            crate::sanitize::shell_quote(&path.to_string_lossy())
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner(_path: &Path, _metadata: &fs::Metadata) -> Result<()> {
    Ok(())
}

/// Refused when group or others may write to it: they could point the host elsewhere.
#[cfg(unix)]
fn check_not_writable_by_others(path: &Path, metadata: &fs::Metadata, what: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o022 != 0 {
        return Err(Error::other(format!(
            "the config {what} {} is writable by group or others (mode {mode:03o}); it decides \
             where the token goes, so agentctl refuses to use it",
            path.display()
        ))
        .with_hint(format!(
            "run `chmod go-w {}`",
            crate::sanitize::shell_quote(&path.to_string_lossy())
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_not_writable_by_others(_: &Path, _: &fs::Metadata, _: &str) -> Result<()> {
    Ok(())
}

/// The credentials file: refused when group or others may access it (checked on the open
/// handle of a regular file, never through a link, so the `chmod` hint is about the file).
#[cfg(unix)]
fn check_private(path: &Path, metadata: &fs::Metadata) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::other(format!(
            "{} is accessible by group or others (mode {mode:03o}); refusing to use the tokens in it",
            path.display()
        ))
        .with_hint(format!(
            "run `chmod 600 {}` (and consider replacing the tokens it holds)",
            crate::sanitize::shell_quote(&path.to_string_lossy())
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _metadata: &fs::Metadata) -> Result<()> {
    Ok(())
}

pub(super) fn io_error(what: &str, path: &Path, err: &io::Error) -> Error {
    Error::other(format!("{what} {}: {err}", path.display()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::config::ConfigFiles;
    use crate::files::mkfifo;
    use std::os::unix::fs::{PermissionsExt, symlink};
    use std::time::{Duration, Instant};

    fn dir() -> (tempfile::TempDir, ConfigFiles) {
        let dir = tempfile::tempdir().unwrap();
        let files = ConfigFiles::new(dir.path().join("agentctl"));
        fs::create_dir_all(files.dir()).unwrap();
        (dir, files)
    }

    #[test]
    fn a_fifo_is_refused_at_once_not_waited_on() {
        let (_dir, files) = dir();
        for path in [files.config_path(), files.credentials_path()] {
            mkfifo(&path);
        }
        let started = Instant::now();
        let err = files.read_config().unwrap_err();
        assert!(
            err.message.contains("a FIFO, not a regular file"),
            "{}",
            err.message
        );
        let err = files.read_credentials().unwrap_err();
        assert!(err.message.contains("a FIFO"), "{}", err.message);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn devices_directories_and_big_files_are_refused() {
        let (_dir, files) = dir();
        symlink("/dev/zero", files.config_path()).unwrap();
        let err = files.read_config().unwrap_err();
        assert!(err.message.contains("a device"), "{}", err.message);
        fs::remove_file(files.config_path()).unwrap();
        fs::create_dir(files.config_path()).unwrap();
        let err = files.read_config().unwrap_err();
        assert!(err.message.contains("a directory"), "{}", err.message);
        fs::remove_dir(files.config_path()).unwrap();
        let big = format!("# {}\n", "x".repeat(MAX_FILE_BYTES as usize));
        fs::write(files.config_path(), big).unwrap();
        let err = files.read_config().unwrap_err();
        assert!(err.message.contains("larger than 1 MiB"), "{}", err.message);
    }

    #[test]
    fn a_dir_or_config_file_others_may_write_is_refused_naming_the_fix() {
        let (_dir, files) = dir();
        fs::write(files.config_path(), "current_profile = \"a\"\n").unwrap();
        fs::set_permissions(files.dir(), fs::Permissions::from_mode(0o777)).unwrap();
        let err = files.read_config().unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(
            err.message
                .contains("writable by group or others (mode 777)"),
            "{}",
            err.message
        );
        assert!(err.hint.unwrap().contains("chmod go-w"));
        assert!(files.read_credentials().is_err());
        assert!(files.update(|_, _| Ok(())).is_err());
        fs::set_permissions(files.dir(), fs::Permissions::from_mode(0o755)).unwrap();
        assert!(files.read_config().is_ok());
        fs::set_permissions(files.config_path(), fs::Permissions::from_mode(0o664)).unwrap();
        let err = files.read_config().unwrap_err();
        assert!(err.message.contains("config file"), "{}", err.message);
        fs::set_permissions(files.config_path(), fs::Permissions::from_mode(0o644)).unwrap();
        assert!(files.read_config().is_ok());
    }

    #[test]
    fn files_of_another_user_are_refused() {
        // Only root can give a file away; elsewhere this is covered by the mode checks.
        if rustix::process::geteuid().as_raw() != 0 {
            return;
        }
        let (_dir, files) = dir();
        fs::write(files.config_path(), "current_profile = \"a\"\n").unwrap();
        let other = Some(rustix::process::Uid::from_raw(4242));
        rustix::fs::chown(files.config_path(), other, None).unwrap();
        let err = files.read_config().unwrap_err();
        assert!(
            err.message.contains("owned by another user (uid 4242"),
            "{}",
            err.message
        );
        rustix::fs::chown(files.config_path(), Some(rustix::process::Uid::ROOT), None).unwrap();
        rustix::fs::chown(files.dir(), other, None).unwrap();
        let err = files.read_config().unwrap_err();
        assert!(
            err.message.contains("owned by another user"),
            "{}",
            err.message
        );
    }

    #[test]
    fn the_credentials_file_is_not_followed_through_a_link_and_gets_no_chmod_hint() {
        let (dir, files) = dir();
        let target = dir.path().join("elsewhere.toml");
        fs::write(&target, "[profiles.a]\ntoken = \"t\"\n").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
        symlink(&target, files.credentials_path()).unwrap();
        let err = files.read_credentials().unwrap_err();
        assert!(err.message.contains("symbolic link"), "{}", err.message);
        assert!(!err.hint.unwrap_or_default().contains("chmod"));
        // The target's mode was not touched.
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        // config.toml may be a link (dotfile managers), to a regular file.
        let config = dir.path().join("config-elsewhere.toml");
        fs::write(&config, "current_profile = \"a\"\n").unwrap();
        symlink(&config, files.config_path()).unwrap();
        assert_eq!(files.read_config().unwrap().current_profile(), Some("a"));
    }
}
