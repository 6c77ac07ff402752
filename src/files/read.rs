//! Reading a file named by the operator (a flag, an argument, the config dir) without trusting
//! what is at its path: only a regular file is read, and at most a cap. It is opened
//! non-blocking, so a FIFO never blocks `open()` (a FIFO with no writer would block it for
//! ever, deaf to SIGTERM), and its type is checked on the open handle, so what is checked is
//! what is read. `/dev/zero` and other devices are refused before a byte is read.

use crate::error::{Error, ErrorKind};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// It could not be opened or read (it does not exist, permission, …).
    Io(io::Error),
    /// It is not a regular file: "a FIFO", "a device", "a directory", ….
    NotRegular(&'static str),
    /// It is larger than the cap (in bytes).
    TooLarge(u64),
}

impl ReadError {
    /// What happened, to follow "SUBJECT: ".
    pub(crate) fn reason(&self) -> String {
        match self {
            ReadError::Io(err) => err.to_string(),
            ReadError::NotRegular(what) => {
                format!("{what}, not a regular file; refusing to read it")
            }
            ReadError::TooLarge(cap) => {
                format!("larger than {}; refusing to read it", size_text(*cap))
            }
        }
    }

    /// The error the operator sees: "SUBJECT: REASON". A file that is not regular or too
    /// large is a usage error (exit 2); one that could not be read is of `io_kind`.
    pub(crate) fn into_error(self, subject: &str, io_kind: ErrorKind) -> Error {
        let message = format!("{subject}: {}", self.reason());
        match self {
            ReadError::Io(err) => Error::new(io_kind, message).with_cause(err),
            ReadError::NotRegular(_) => Error::usage(message)
                .with_hint("give a regular file (a pipe or a device is not read)"),
            ReadError::TooLarge(_) => Error::usage(message),
        }
    }
}

/// At most `cap` bytes of the regular file at `path`.
pub(crate) fn read_file(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let (file, _) = open_regular(path, true)?;
    read_capped(file, cap)
}

/// The regular file at `path`, opened for reading without blocking, and its metadata (from
/// the open handle). `follow`: false refuses a symbolic link at `path` itself (`ELOOP`).
pub(crate) fn open_regular(path: &Path, follow: bool) -> Result<(File, fs::Metadata), ReadError> {
    let file = open(path, follow).map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(file_type_name(&metadata)));
    }
    Ok((file, metadata))
}

/// All of an open file, refused when it is (or grows while read to be) larger than `cap`.
pub(crate) fn read_capped(file: File, cap: u64) -> Result<Vec<u8>, ReadError> {
    if file.metadata().map_err(ReadError::Io)?.len() > cap {
        return Err(ReadError::TooLarge(cap));
    }
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge(cap));
    }
    Ok(bytes)
}

fn open(path: &Path, follow: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = OFlags::NONBLOCK;
        if !follow {
            flags |= OFlags::NOFOLLOW;
        }
        options.custom_flags(flags.bits() as i32);
    }
    #[cfg(not(unix))]
    let _ = follow;
    options.open(path)
}

/// "a directory", "a FIFO", "a device", "a socket", or "a special file".
fn file_type_name(metadata: &fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// `1 MiB`, `64 KiB`, or bytes.
fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(all(test, unix))]
pub(crate) mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::time::{Duration, Instant};

    pub(crate) fn mkfifo(path: &Path) {
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            path,
            rustix::fs::Mode::from_raw_mode(0o600),
        )
        .unwrap();
    }

    #[test]
    fn a_regular_file_is_read_whole_up_to_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, "abcd").unwrap();
        assert_eq!(read_file(&path, 4).unwrap(), b"abcd");
        assert_eq!(read_file(&path, 100).unwrap(), b"abcd");
        let err = read_file(&path, 3).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge(3)), "{err:?}");
        assert_eq!(err.reason(), "larger than 3 bytes; refusing to read it");
        fs::write(&path, "").unwrap();
        assert_eq!(read_file(&path, 0).unwrap(), b"");
    }

    #[test]
    fn growing_past_the_cap_while_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, "ab").unwrap();
        let (file, _) = open_regular(&path, true).unwrap();
        fs::write(&path, "abcdef").unwrap();
        assert!(matches!(read_capped(file, 4), Err(ReadError::TooLarge(4))));
    }

    #[test]
    fn a_file_longer_than_its_size_says_is_refused_past_the_cap() {
        // /proc files say they are empty and are not: the cap holds on what is read.
        let (file, metadata) = open_regular(Path::new("/proc/self/status"), true).unwrap();
        assert_eq!(metadata.len(), 0);
        assert!(matches!(
            read_capped(file, 16),
            Err(ReadError::TooLarge(16))
        ));
        let (file, _) = open_regular(Path::new("/proc/self/status"), true).unwrap();
        assert!(read_capped(file, 1 << 20).unwrap().starts_with(b"Name:"));
    }

    #[test]
    fn a_fifo_is_refused_at_once_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fifo");
        mkfifo(&path);
        let started = Instant::now();
        let err = read_file(&path, 1024).unwrap_err();
        assert!(matches!(err, ReadError::NotRegular("a FIFO")), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        let err = err.into_error("--body fifo", ErrorKind::Other);
        assert_eq!(err.exit_code(), 2);
        assert_eq!(
            err.message,
            "--body fifo: a FIFO, not a regular file; refusing to read it"
        );
        assert!(err.hint.unwrap().contains("regular file"));
    }

    #[test]
    fn devices_directories_and_sockets_are_refused() {
        let err = read_file(Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(matches!(err, ReadError::NotRegular("a device")), "{err:?}");
        let dir = tempfile::tempdir().unwrap();
        let err = read_file(dir.path(), 1024).unwrap_err();
        assert!(
            matches!(err, ReadError::NotRegular("a directory")),
            "{err:?}"
        );
        let socket = dir.path().join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let err = read_file(&socket, 1024).unwrap_err();
        // A socket cannot be opened at all (ENXIO); either way it is not read.
        assert!(
            matches!(err, ReadError::NotRegular("a socket") | ReadError::Io(_)),
            "{err:?}"
        );
    }

    #[test]
    fn a_link_is_followed_unless_asked_not_to() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::write(&target, "x").unwrap();
        let link = dir.path().join("link");
        symlink(&target, &link).unwrap();
        assert!(open_regular(&link, true).is_ok());
        assert!(matches!(open_regular(&link, false), Err(ReadError::Io(_))));
        assert!(open_regular(&target, false).is_ok());
    }

    #[test]
    fn errors_say_what_and_pick_the_exit_code() {
        let missing = read_file(Path::new("/nonexistent/agentctl"), 10).unwrap_err();
        let ReadError::Io(err) = &missing else {
            panic!("{missing:?}")
        };
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        let err = missing.into_error("--seed x", ErrorKind::Other);
        assert_eq!(err.exit_code(), 1);
        assert!(err.message.starts_with("--seed x: "), "{}", err.message);
        let big = ReadError::TooLarge(1 << 20).into_error("s", ErrorKind::Other);
        assert_eq!(big.exit_code(), 2);
        assert_eq!(big.message, "s: larger than 1 MiB; refusing to read it");
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(size_text(1 << 20), "1 MiB");
        assert_eq!(size_text(16 << 20), "16 MiB");
        assert_eq!(size_text(64 << 10), "64 KiB");
        assert_eq!(size_text((1 << 20) + 1024), "1025 KiB");
        assert_eq!(size_text(1025), "1025 bytes");
        assert_eq!(size_text(1024), "1 KiB");
        assert_eq!(size_text(0), "0 bytes");
    }
}
