//! The error kinds of agentctl and the one table that maps them to exit codes (contract §6).
//!
//! An [`Error`] is what reaches the user: a kind (the exit code), one line saying what happened
//! to what, an optional hint saying what to do next, and the cause behind it as an
//! `anyhow::Error` chain (shown with `-v`), as cargo's `CliError` carries one.

use crate::shutdown::Signal;
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
    /// A `--fail-if` threshold was crossed.
    Threshold,
    /// Ended by SIGHUP, SIGINT (Ctrl-C) or SIGTERM.
    Signal(Signal),
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
            ErrorKind::Threshold => 8,
            ErrorKind::Signal(signal) => signal.exit_code(),
        }
    }

    /// What the exit code means, for `--help` and the man page (generated from this table, so
    /// the two cannot drift).
    pub fn meaning(self) -> &'static str {
        match self {
            ErrorKind::BrokenPipe => "stdout closed by its reader (not an error)",
            ErrorKind::Other => "any other error (I/O, config)",
            ErrorKind::Usage => "usage: bad flags or values, missing host",
            ErrorKind::Auth => "authentication or permission (HTTP 401, 403)",
            ErrorKind::NotFound => "not found (HTTP 404)",
            ErrorKind::Api => "API error: other 4xx, 5xx, a malformed response",
            ErrorKind::Network => "network: connect, DNS, TLS, timeout",
            ErrorKind::UntilTimeout => "watch --until not reached before --timeout",
            ErrorKind::Threshold => "a --fail-if threshold was crossed (simulate, summary)",
            ErrorKind::Signal(Signal::Hangup) => "ended by SIGHUP (the terminal went away)",
            ErrorKind::Signal(Signal::Interrupt) => "ended by SIGINT (Ctrl-C)",
            ErrorKind::Signal(Signal::Terminate) => "ended by SIGTERM",
        }
    }

    /// Every kind a user can see, in exit-code order.
    pub const ALL: [ErrorKind; 11] = [
        ErrorKind::Other,
        ErrorKind::Usage,
        ErrorKind::Auth,
        ErrorKind::NotFound,
        ErrorKind::Api,
        ErrorKind::Network,
        ErrorKind::UntilTimeout,
        ErrorKind::Threshold,
        ErrorKind::Signal(Signal::Hangup),
        ErrorKind::Signal(Signal::Interrupt),
        ErrorKind::Signal(Signal::Terminate),
    ];
}

/// The exit-status table as text: `  2    usage: …`, one line per code (success first).
pub fn exit_status_table() -> String {
    let mut text = String::from("  0    success\n");
    for kind in ErrorKind::ALL {
        text.push_str(&format!("  {:<4} {}\n", kind.exit_code(), kind.meaning()));
    }
    text
}

/// An error that reaches the user: what happened, optionally what to do next, and the chain
/// of causes behind it.
#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
    /// What lies behind the message (an I/O error, a TLS failure, …), shown with `-v`.
    pub cause: Option<anyhow::Error>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            cause: None,
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

    /// Keeps `cause` behind this error, for `-v`.
    pub fn with_cause(mut self, cause: impl Into<anyhow::Error>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    /// The causes behind the message, outermost first, each line once (a wrapped error often
    /// repeats its source's text).
    pub fn causes(&self) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        if let Some(cause) = &self.cause {
            for link in cause.chain() {
                let text = link.to_string();
                if !text.is_empty() && !self.message.contains(&text) && !lines.contains(&text) {
                    lines.push(text);
                }
            }
        }
        lines
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

/// A run ended by a signal: `interrupted` for Ctrl-C, `stopped by SIGTERM` for the others,
/// with the signal's exit code.
impl From<Signal> for Error {
    fn from(signal: Signal) -> Error {
        let what = match signal {
            Signal::Interrupt => "interrupted".to_owned(),
            other => format!("stopped by {}", other.name()),
        };
        Error::new(ErrorKind::Signal(signal), what)
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            Error::new(ErrorKind::BrokenPipe, "broken pipe")
        } else {
            Error::other(err.to_string()).with_cause(err)
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
            (ErrorKind::Threshold, 8),
            (ErrorKind::Signal(Signal::Hangup), 129),
            (ErrorKind::Signal(Signal::Interrupt), 130),
            (ErrorKind::Signal(Signal::Terminate), 143),
            (ErrorKind::BrokenPipe, 0),
        ];
        for (kind, code) in table {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
        }
    }

    #[test]
    fn the_exit_status_table_lists_every_code_once() {
        let table = exit_status_table();
        for code in [
            "0", "1", "2", "3", "4", "5", "6", "7", "8", "129", "130", "143",
        ] {
            let lines = table
                .lines()
                .filter(|line| line.split_whitespace().next() == Some(code))
                .count();
            assert_eq!(lines, 1, "exit code {code} in:\n{table}");
        }
        assert!(table.contains("  8    a --fail-if threshold was crossed"));
    }

    #[test]
    fn causes_skip_what_the_message_already_says() {
        let io = std::io::Error::other("disk on fire");
        let err = Error::other("could not write config.toml: disk on fire")
            .with_cause(anyhow::Error::new(io).context("writing the temp file"));
        assert_eq!(err.causes(), vec!["writing the temp file".to_owned()]);
        assert!(Error::usage("x").causes().is_empty());
    }

    #[test]
    fn a_signal_ends_a_run_with_its_exit_code() {
        assert_eq!(Error::from(Signal::Terminate).exit_code(), 143);
        assert_eq!(Error::from(Signal::Interrupt).message, "interrupted");
        assert_eq!(Error::from(Signal::Hangup).message, "stopped by SIGHUP");
    }

    #[test]
    fn broken_pipe_io_errors_are_not_failures() {
        let err: Error = std::io::Error::from(std::io::ErrorKind::BrokenPipe).into();
        assert!(err.is_broken_pipe());
        assert_eq!(err.exit_code(), 0);
    }
}
