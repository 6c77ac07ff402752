//! Questions asked at a terminal. Commands ask through the [`Prompter`] on their `Context`:
//! dialoguer behind it for a person, a scripted one in tests.

use std::collections::VecDeque;
use std::io;
use std::sync::Mutex;

/// Checks an answer; the error is shown and the question asked again.
pub type Validator<'a> = &'a (dyn Fn(&str) -> Result<(), String> + Sync);

pub trait Prompter: Send + Sync {
    /// A line of text, echoed as typed; `default` is offered and taken on an empty answer.
    fn input(
        &self,
        prompt: &str,
        default: Option<&str>,
        validate: Validator<'_>,
    ) -> io::Result<String>;

    /// A secret: nothing typed is echoed.
    fn password(&self, prompt: &str, validate: Validator<'_>) -> io::Result<String>;

    /// Puts the terminal back as it was before a prompt that did not finish (the shutdown
    /// path runs this: a signal does not interrupt a prompt's blocking read, and the prompt
    /// would otherwise leave echo off or the terminal raw). Returns whether a prompt was cut
    /// short, so that the caller ends its line.
    fn restore_terminal(&self) -> bool {
        false
    }
}

/// The real terminal, through dialoguer (on stderr, so stdout stays data). The terminal's
/// settings are saved before each prompt and put back after it, and by the shutdown path when
/// the process is stopped while one waits (dialoguer only restores them when a prompt ends).
///
/// A line prompt reads one key at a time, switching the terminal to raw mode for each key and
/// back between keys. A Ctrl-C typed between two keys would raise SIGINT from the terminal
/// while the prompt thread goes on to switch raw mode on again, after the shutdown path has
/// restored the terminal: the process would exit leaving it raw. So while a line prompt runs,
/// the terminal does not turn keys into signals: Ctrl-C always reaches the prompt as a key,
/// and the prompt raises SIGINT itself after putting the terminal back, the last thing it
/// does to it.
#[derive(Default)]
pub struct TerminalPrompter {
    state: Mutex<PromptState>,
}

#[derive(Default)]
struct PromptState {
    /// The settings from before the prompt in progress, or of one that did not finish.
    saved: Option<terminal::Saved>,
    /// Set by the shutdown path: no prompt starts after it.
    stopping: bool,
}

impl TerminalPrompter {
    pub fn new() -> TerminalPrompter {
        TerminalPrompter::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, PromptState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Saves the terminal's settings for the prompt about to run (and, for a line prompt,
    /// stops the terminal from turning keys into signals). Refused once the process is
    /// stopping, so that a prompt cannot change the terminal after it was restored.
    fn guard(&self, keys_as_signals: bool) -> io::Result<PromptGuard<'_>> {
        let mut state = self.state();
        if state.stopping {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "stopping"));
        }
        state.saved = terminal::Saved::now();
        if !keys_as_signals && let Some(saved) = &state.saved {
            saved.without_signal_keys();
        }
        Ok(PromptGuard {
            prompter: self,
            finished: false,
        })
    }
}

/// Held while a prompt runs; puts the saved settings back when it ends. A prompt that
/// finishes forgets them; one that fails keeps them, so that the shutdown path still knows
/// that a line was left open.
struct PromptGuard<'a> {
    prompter: &'a TerminalPrompter,
    finished: bool,
}

impl PromptGuard<'_> {
    fn finish<T>(mut self, outcome: io::Result<T>) -> io::Result<T> {
        self.finished = outcome.is_ok();
        outcome
    }
}

impl Drop for PromptGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.prompter.state();
        if let Some(saved) = state.saved.as_ref() {
            saved.restore();
        }
        if self.finished {
            state.saved = None;
        }
    }
}

impl Prompter for TerminalPrompter {
    fn input(
        &self,
        prompt: &str,
        default: Option<&str>,
        validate: Validator<'_>,
    ) -> io::Result<String> {
        let guard = self.guard(false)?;
        let mut input = dialoguer::Input::<String>::new()
            .with_prompt(prompt)
            .validate_with(|text: &String| validate(text));
        if let Some(default) = default {
            input = input.default(default.to_owned());
        }
        guard.finish(input.interact_text().map_err(into_io))
    }

    fn password(&self, prompt: &str, validate: Validator<'_>) -> io::Result<String> {
        // A hidden prompt reads a whole line in canonical mode, changing the terminal once
        // before and once after: Ctrl-C is the terminal's signal, and the read never returns.
        let guard = self.guard(true)?;
        guard.finish(
            dialoguer::Password::new()
                .with_prompt(prompt)
                .validate_with(|text: &String| validate(text))
                .interact()
                .map_err(into_io),
        )
    }

    fn restore_terminal(&self) -> bool {
        let mut state = self.state();
        state.stopping = true;
        match state.saved.take() {
            Some(saved) => {
                saved.restore();
                true
            }
            None => false,
        }
    }
}

/// The terminal's line settings (termios: echo, canonical mode, signals).
#[cfg(unix)]
mod terminal {
    use rustix::termios::{LocalModes, OptionalActions, Termios, isatty, tcgetattr, tcsetattr};
    use std::os::fd::{AsFd, OwnedFd};

    pub struct Saved {
        terminal: OwnedFd,
        settings: Termios,
    }

    impl Saved {
        /// The settings of the terminal a prompt reads from (standard input when it is one,
        /// else the controlling terminal, as dialoguer chooses), or `None` without one.
        pub fn now() -> Option<Saved> {
            let stdin = std::io::stdin();
            let terminal: OwnedFd = if isatty(stdin.as_fd()) {
                stdin.as_fd().try_clone_to_owned().ok()?
            } else {
                std::fs::File::open("/dev/tty").ok()?.into()
            };
            let settings = tcgetattr(&terminal).ok()?;
            Some(Saved { terminal, settings })
        }

        /// Ctrl-C, Ctrl-\ and Ctrl-Z arrive as keys instead of signals.
        pub fn without_signal_keys(&self) {
            let mut settings = self.settings.clone();
            settings.local_modes.remove(LocalModes::ISIG);
            let _ = tcsetattr(&self.terminal, OptionalActions::Now, &settings);
        }

        pub fn restore(&self) {
            let _ = tcsetattr(&self.terminal, OptionalActions::Now, &self.settings);
        }
    }
}

#[cfg(not(unix))]
mod terminal {
    pub struct Saved;

    impl Saved {
        pub fn now() -> Option<Saved> {
            None
        }

        pub fn without_signal_keys(&self) {}

        pub fn restore(&self) {}
    }
}

fn into_io(err: dialoguer::Error) -> io::Error {
    let dialoguer::Error::IO(err) = err;
    err
}

/// Answers given in advance, in order (tests). A question with no answer left fails as a
/// closed terminal would; every question asked is recorded.
#[derive(Default)]
pub struct ScriptedPrompter {
    answers: Mutex<VecDeque<String>>,
    pub asked: Mutex<Vec<String>>,
}

impl ScriptedPrompter {
    #[cfg(test)]
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(answers: I) -> Self {
        ScriptedPrompter {
            answers: Mutex::new(answers.into_iter().map(Into::into).collect()),
            asked: Mutex::default(),
        }
    }

    fn next(&self, prompt: &str, validate: Validator<'_>) -> io::Result<String> {
        self.asked.lock().unwrap().push(prompt.to_owned());
        loop {
            let Some(answer) = self.answers.lock().unwrap().pop_front() else {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "no answer left",
                ));
            };
            // Like the terminal: an answer that does not validate is asked again.
            if validate(&answer).is_ok() {
                return Ok(answer);
            }
        }
    }
}

impl Prompter for ScriptedPrompter {
    fn input(
        &self,
        prompt: &str,
        default: Option<&str>,
        validate: Validator<'_>,
    ) -> io::Result<String> {
        let answer = self.next(prompt, &|text| {
            if text.is_empty() && default.is_some() {
                Ok(())
            } else {
                validate(text)
            }
        })?;
        Ok(match default {
            Some(default) if answer.is_empty() => default.to_owned(),
            _ => answer,
        })
    }

    fn password(&self, prompt: &str, validate: Validator<'_>) -> io::Result<String> {
        self.next(prompt, validate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_answers_come_in_order_and_skip_invalid_ones() {
        let prompter = ScriptedPrompter::new(["", "bad", "good", "secret"]);
        let host = prompter
            .input("Host", Some("https://h"), &|_| Ok(()))
            .unwrap();
        assert_eq!(host, "https://h");
        let next = prompter
            .input("Again", None, &|t| {
                if t == "bad" { Err("no".into()) } else { Ok(()) }
            })
            .unwrap();
        assert_eq!(next, "good");
        assert_eq!(prompter.password("Token", &|_| Ok(())).unwrap(), "secret");
        assert!(prompter.password("More", &|_| Ok(())).is_err());
        assert_eq!(
            *prompter.asked.lock().unwrap(),
            ["Host", "Again", "Token", "More"]
        );
    }
}
