//! Replacing a file atomically, and private temp dirs.
//!
//! A write goes to a temp file in the target's own dir (`.NAME.XXXXXX.tmp`, so a reader never
//! sees it as the file and the rename stays on one file system), with exactly the mode asked
//! for, is fsynced, renamed over the target, and the dir is fsynced so the rename itself
//! survives a crash. A reader, or a crash at any point, sees the old file or the new one,
//! never a part of either. The temp file is removed when any step fails.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// The steps of one atomic write, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The temp file is created.
    Create,
    /// The contents are written to it.
    Write,
    /// It is fsynced.
    Sync,
    /// It is renamed over the target: from here on the new file is in place.
    Rename,
    /// The dir is fsynced.
    SyncDir,
}

/// Replaces `path` with `contents`, the new file having exactly `mode` (on Unix; `0o600` for
/// a file that holds a secret). The temp file's name starts with `.NAME.` and ends with
/// `.tmp`, for a cleaner of stale ones.
pub(crate) fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file")
    })?;
    inject::check(Step::Create)?;
    let prefix = format!(".{}.", name.to_string_lossy());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(mode));
    #[cfg(not(unix))]
    let _ = mode;
    // tempfile's own error names the random temp path: said here without it.
    let mut temp = builder.tempfile_in(dir).map_err(|err| {
        let kind = err.kind();
        io::Error::new(
            kind,
            format!("could not create a temp file beside it: {kind}"),
        )
    })?;
    // Exactly `mode`, whatever the umask took away at creation.
    #[cfg(unix)]
    temp.as_file()
        .set_permissions(std::os::unix::fs::PermissionsExt::from_mode(mode))?;
    inject::check(Step::Write)?;
    temp.as_file_mut().write_all(contents)?;
    inject::check(Step::Sync)?;
    temp.as_file().sync_all()?;
    inject::check(Step::Rename)?;
    // On failure the temp file comes back in the error and is removed when it is dropped.
    temp.persist(path).map_err(|err| err.error)?;
    inject::check(Step::SyncDir)
        .and_then(|()| sync_dir(dir))
        .map_err(|err| io::Error::new(err.kind(), AfterRename(err)))
}

/// A failure after the rename: the new file is in place (it may not survive a crash).
#[derive(Debug)]
struct AfterRename(io::Error);

impl std::fmt::Display for AfterRename {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (after the new file was put in place)", self.0)
    }
}

impl std::error::Error for AfterRename {}

/// Whether a failed `write_atomic` had already put the new file in place.
pub(crate) fn replaced(err: &io::Error) -> bool {
    err.get_ref().is_some_and(|inner| inner.is::<AfterRename>())
}

/// Makes a rename in `dir` durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// A new private (`0700`) dir under the system's temp dir, named `PREFIX` and a random
/// suffix, removed with everything in it when the returned value is dropped.
pub(crate) fn temp_dir(prefix: &str) -> io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    builder.tempdir()
}

/// Failure injection for tests: the write steps of this thread fail from a chosen one on.
/// Outside tests `check` is nothing.
pub(crate) mod inject {
    #[cfg(not(test))]
    use super::Step;
    #[cfg(not(test))]
    use std::io;

    #[cfg(not(test))]
    #[inline(always)]
    pub(crate) fn check(_step: Step) -> io::Result<()> {
        Ok(())
    }

    #[cfg(test)]
    pub(crate) use plan::*;

    #[cfg(test)]
    mod plan {
        use super::super::Step;
        use std::cell::Cell;
        use std::io;

        /// How many steps are left to succeed, and whether the one that fails stops every
        /// later step too (a crash: nothing more reaches the disk) or only itself (an error
        /// the caller may recover from).
        #[derive(Clone, Copy)]
        struct Plan {
            left: usize,
            crash: bool,
            failed: bool,
        }

        thread_local! {
            static PLAN: Cell<Option<Plan>> = const { Cell::new(None) };
            static TAKEN: Cell<usize> = const { Cell::new(0) };
        }

        /// While the guard lives, the `after`-th step from now (0: the next one) fails, with
        /// every later one too when `crash`.
        pub(crate) fn fail_after(after: usize, crash: bool) -> Guard {
            PLAN.set(Some(Plan {
                left: after,
                crash,
                failed: false,
            }));
            TAKEN.set(0);
            Guard
        }

        /// The steps taken (attempted) since `fail_after`.
        pub(crate) fn steps_taken() -> usize {
            TAKEN.get()
        }

        pub(crate) struct Guard;

        impl Drop for Guard {
            fn drop(&mut self) {
                PLAN.set(None);
            }
        }

        pub(crate) fn check(step: Step) -> io::Result<()> {
            TAKEN.set(TAKEN.get() + 1);
            let Some(mut plan) = PLAN.get() else {
                return Ok(());
            };
            let fail = if plan.failed {
                plan.crash
            } else if plan.left == 0 {
                plan.failed = true;
                true
            } else {
                plan.left -= 1;
                false
            };
            PLAN.set(Some(plan));
            if fail {
                Err(io::Error::other(format!("injected failure at {step:?}")))
            } else {
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_file_with_exactly_the_mode_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.env");
        fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new", 0o600).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(names(dir.path()), ["secret.env"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            write_atomic(&path, b"public", 0o644).unwrap();
            assert_eq!(mode(&path), 0o644);
        }
    }

    #[test]
    fn a_failure_at_any_step_leaves_the_old_file_or_the_new_one_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        for after in 0..5 {
            fs::write(&path, "old").unwrap();
            let _guard = inject::fail_after(after, false);
            let err = write_atomic(&path, b"new", 0o600).unwrap_err();
            assert!(err.to_string().contains("injected"), "{err}");
            assert_eq!(replaced(&err), after == 4, "step {after}");
            let text = fs::read_to_string(&path).unwrap();
            // Up to the rename the old file stays; a failure after it leaves the new one.
            assert_eq!(text, if after < 4 { "old" } else { "new" }, "step {after}");
            assert_eq!(names(dir.path()), ["f"], "step {after}");
        }
        let _guard = inject::fail_after(5, false);
        write_atomic(&path, b"all", 0o600).unwrap();
        assert_eq!(inject::steps_taken(), 5);
    }

    #[test]
    fn a_path_without_a_dir_is_written_in_the_current_one_and_a_dir_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(dir.path(), b"x", 0o600).unwrap_err();
        assert!(err.to_string().len() > 1);
        assert!(write_atomic(Path::new("/"), b"x", 0o600).is_err());
    }

    #[test]
    fn temp_dirs_are_private_and_removed_when_dropped() {
        let dir = temp_dir("agentctl-test-").unwrap();
        let path = dir.path().to_owned();
        assert!(
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("agentctl-test-")
        );
        fs::write(path.join("x"), "y").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700);
        }
        drop(dir);
        assert!(!path.exists());
    }
}
