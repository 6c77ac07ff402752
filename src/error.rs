//! The error kinds of agentctl and the one table that maps them to exit codes (contract §6).

use std::fmt;

/// What went wrong, as far as the exit code is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Any other error: I/O, config files.
    Other,
    /// Bad flags or values, a missing host.
    Usage,
    /// HTTP 401 or 403, or no credentials where they are required.
    Auth,
    /// HTTP 404.
    NotFound,
    /// Other 4xx, 5xx, a malformed response.
    Api,
    /// Connect, DNS, TLS, timeout.
    Network,
    /// `watch --until` not reached before `--timeout`.
    UntilTimeout,
    /// Ctrl-C.
    Interrupted,
    /// stdout was closed by the reader (`agentctl … | head -1`): not an error.
    BrokenPipe,
}

impl ErrorKind {
    /// The exit code of the contract (§6) for this kind.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::BrokenPipe => 0,
            ErrorKind::Other => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Auth => 3,
            ErrorKind::NotFound => 4,
            ErrorKind::Api => 5,
            ErrorKind::Network => 6,
            ErrorKind::UntilTimeout => 7,
            ErrorKind::Interrupted => 130,
        }
    }
}

/// An error that reaches the user: what happened, and optionally what to do next.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
    /// A short, stable label of what failed, for counting failures by kind: the HTTP status
    /// (`"503"`), `"timeout"`, `"network"` or `"malformed"`; `None` for errors outside HTTP.
    pub class: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            class: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    pub fn other(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Other, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_class(mut self, class: impl Into<String>) -> Self {
        self.class = Some(class.into());
        self
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }

    /// Whether this error means stdout went away and the program should stop quietly.
    pub fn is_broken_pipe(&self) -> bool {
        self.kind == ErrorKind::BrokenPipe
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            Error::new(ErrorKind::BrokenPipe, "broken pipe")
        } else {
            Error::other(err.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        let table = [
            (ErrorKind::Other, 1),
            (ErrorKind::Usage, 2),
            (ErrorKind::Auth, 3),
            (ErrorKind::NotFound, 4),
            (ErrorKind::Api, 5),
            (ErrorKind::Network, 6),
            (ErrorKind::UntilTimeout, 7),
            (ErrorKind::Interrupted, 130),
            (ErrorKind::BrokenPipe, 0),
        ];
        for (kind, code) in table {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
        }
    }

    #[test]
    fn broken_pipe_io_errors_are_not_failures() {
        let err: Error = std::io::Error::from(std::io::ErrorKind::BrokenPipe).into();
        assert!(err.is_broken_pipe());
        assert_eq!(err.exit_code(), 0);
    }
}
