//! Where output goes: data to stdout, status, warnings and errors to stderr, and the facts
//! about the terminal that decide how it looks (TTY, color, quiet, verbosity).
//!
//! Commands never print directly; they go through a `Ui`, so tests can run a command
//! in-process with captured buffers and either TTY setting.

use crate::env::Env;
use crate::error::{Error, Result};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

type Sink = Box<dyn Write + Send>;

pub struct Ui {
    out: Mutex<Sink>,
    err: Mutex<Sink>,
    /// stdout is a terminal: tables get headers sized to it, progress and live views are allowed.
    pub stdout_is_terminal: bool,
    /// stderr is a terminal: progress lines may be drawn there.
    pub stderr_is_terminal: bool,
    /// ANSI color on stdout.
    pub color: bool,
    /// `-q`: nothing on stderr but errors and warnings.
    pub quiet: bool,
    /// `-v` count.
    pub verbosity: u8,
}

/// How color was asked for, from flags and the environment.
#[derive(Debug, Clone, Default)]
pub struct ColorChoice {
    pub no_color_flag: bool,
    pub no_color_env: bool,
    pub force_env: bool,
    pub term_dumb: bool,
}

impl ColorChoice {
    /// `--no-color`, and NO_COLOR, CLICOLOR_FORCE and TERM as `env` has them.
    pub fn from_env(no_color_flag: bool, env: &Env) -> Self {
        ColorChoice {
            no_color_flag,
            no_color_env: env.is_set("NO_COLOR"),
            force_env: env.is_set("CLICOLOR_FORCE")
                && env.var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0"),
            term_dumb: env.var_os("TERM").is_some_and(|v| v == "dumb"),
        }
    }

    /// `--no-color` and `NO_COLOR` always win; `CLICOLOR_FORCE` turns color on even in a pipe;
    /// otherwise color only on a terminal that is not `TERM=dumb`.
    pub fn enabled(&self, stdout_is_terminal: bool) -> bool {
        if self.no_color_flag || self.no_color_env {
            return false;
        }
        if self.force_env {
            return true;
        }
        stdout_is_terminal && !self.term_dumb
    }
}

/// Where a run's output goes: stdout and stderr, and whether each is a terminal. The
/// process's (`Terminal::process`), or buffers (`Terminal::captured`, for tests).
pub struct Terminal {
    out: Sink,
    err: Sink,
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
    process: bool,
}

impl Terminal {
    /// The process's stdout and stderr.
    pub fn process() -> Terminal {
        Terminal {
            out: Box::new(std::io::stdout()),
            err: Box::new(std::io::stderr()),
            stdout_is_terminal: std::io::stdout().is_terminal(),
            stderr_is_terminal: std::io::stderr().is_terminal(),
            process: true,
        }
    }

    /// Buffers that look like a terminal (both) or like pipes (both).
    pub fn captured(is_terminal: bool) -> (Terminal, Captured) {
        let captured = Captured::default();
        let terminal = Terminal {
            out: Box::new(SharedBuf(captured.stdout.clone())),
            err: Box::new(SharedBuf(captured.stderr.clone())),
            stdout_is_terminal: is_terminal,
            stderr_is_terminal: is_terminal,
            process: false,
        };
        (terminal, captured)
    }

    /// Prints what clap has to say about the command line: a usage error on stderr, `--help`
    /// and `--version` on stdout. On the process's terminal clap prints it itself (in its
    /// colors, when they apply); into buffers, as plain text.
    pub fn clap_message(mut self, err: &clap::Error) {
        if self.process {
            let _ = err.print();
            return;
        }
        let text = err.render().to_string();
        let sink = if err.use_stderr() {
            &mut self.err
        } else {
            &mut self.out
        };
        let _ = sink.write_all(text.as_bytes());
        let _ = sink.flush();
    }
}

impl Ui {
    /// Output to `terminal`, in color if `color` says so for it.
    pub fn new(terminal: Terminal, color: &ColorChoice, quiet: bool, verbosity: u8) -> Ui {
        Ui {
            out: Mutex::new(terminal.out),
            err: Mutex::new(terminal.err),
            stdout_is_terminal: terminal.stdout_is_terminal,
            stderr_is_terminal: terminal.stderr_is_terminal,
            color: color.enabled(terminal.stdout_is_terminal),
            quiet,
            verbosity,
        }
    }

    /// A Ui writing into buffers, without color, for in-process tests.
    pub fn captured(stdout_is_terminal: bool) -> (Ui, Captured) {
        let (terminal, captured) = Terminal::captured(stdout_is_terminal);
        let no_color = ColorChoice {
            no_color_flag: true,
            ..ColorChoice::default()
        };
        (Ui::new(terminal, &no_color, false, 0), captured)
    }

    /// Writes data to stdout and flushes it (a pipe reader sees each record as it is written);
    /// `-q` silences it, as success is then told by the exit code alone.
    /// A closed pipe comes back as a `BrokenPipe` error, which `main` turns into a quiet exit 0.
    pub fn data(&self, text: &str) -> Result<()> {
        if self.quiet {
            return Ok(());
        }
        self.answer(text)
    }

    /// Writes to stdout what the user asked to see (`auth token`, `config get`, `--dry-run`,
    /// a completion script): printed even with `-q`, since it is the command's whole point.
    pub fn answer(&self, text: &str) -> Result<()> {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        out.write_all(text.as_bytes())?;
        out.flush()?;
        Ok(())
    }

    /// A status line on stderr (silenced by `-q`).
    pub fn status(&self, line: &str) {
        if !self.quiet {
            self.stderr_line(line);
        }
    }

    /// A warning on stderr (shown even with `-q`).
    pub fn warn(&self, line: &str) {
        self.stderr_line(&format!("warning: {line}"));
    }

    /// An error report: `error: …`, the hint, and with `-v` the causes behind it. The one
    /// place errors are worded, for `main` and for per-item failures (`agent show a b`).
    pub fn error(&self, err: &Error) {
        let color = self.color && self.stderr_is_terminal;
        let (red, bold, reset) = if color {
            ("\x1b[31;1m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        self.stderr_line(&format!("{red}error:{reset} {}", err.message));
        if self.verbosity >= 1 {
            for cause in err.causes() {
                self.stderr_line(&format!(
                    "  caused by: {}",
                    crate::sanitize::sanitize(&cause)
                ));
            }
        }
        if let Some(hint) = &err.hint {
            self.stderr_line(&format!("{bold}hint:{reset} {hint}"));
        }
    }

    /// A line on stderr when `-v` was given at least `level` times.
    pub fn verbose(&self, level: u8, line: &str) {
        if self.verbosity >= level {
            self.stderr_line(line);
        }
    }

    /// Raw text on stderr, for error reports and progress lines.
    pub fn stderr_line(&self, line: &str) {
        let mut err = self.err.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(err, "{line}");
        let _ = err.flush();
    }

    /// Raw bytes on stderr without a newline (progress redraws).
    pub fn stderr_raw(&self, text: &str) {
        let mut err = self.err.lock().unwrap_or_else(|e| e.into_inner());
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
    }
}

/// The buffers behind a captured `Ui`.
#[derive(Clone, Default)]
pub struct Captured {
    pub stdout: Arc<Mutex<Vec<u8>>>,
    pub stderr: Arc<Mutex<Vec<u8>>>,
}

impl Captured {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }
}

struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_rules() {
        let tty = true;
        assert!(ColorChoice::default().enabled(tty));
        assert!(!ColorChoice::default().enabled(!tty));
        let forced = ColorChoice {
            force_env: true,
            ..Default::default()
        };
        assert!(forced.enabled(!tty));
        let no_color = ColorChoice {
            no_color_env: true,
            force_env: true,
            ..Default::default()
        };
        assert!(!no_color.enabled(tty));
        let flag = ColorChoice {
            no_color_flag: true,
            ..Default::default()
        };
        assert!(!flag.enabled(tty));
        let dumb = ColorChoice {
            term_dumb: true,
            ..Default::default()
        };
        assert!(!dumb.enabled(tty));
    }

    #[test]
    fn quiet_silences_status_and_data_not_answers_or_warnings() {
        let (mut ui, captured) = Ui::captured(false);
        ui.quiet = true;
        ui.status("working");
        ui.warn("careful");
        ui.data("record\n").unwrap();
        ui.answer("token\n").unwrap();
        ui.error(&Error::usage("bad").with_hint("fix it"));
        assert_eq!(captured.stdout(), "token\n");
        assert_eq!(
            captured.stderr(),
            "warning: careful\nerror: bad\nhint: fix it\n"
        );
    }

    #[test]
    fn causes_only_with_verbose() {
        let err = Error::other("could not save").with_cause(std::io::Error::other("disk full"));
        let (ui, captured) = Ui::captured(false);
        ui.error(&err);
        assert_eq!(captured.stderr(), "error: could not save\n");
        let (mut ui, captured) = Ui::captured(false);
        ui.verbosity = 1;
        ui.error(&err);
        assert_eq!(
            captured.stderr(),
            "error: could not save\n  caused by: disk full\n"
        );
    }
}
