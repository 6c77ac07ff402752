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
/// settings are saved before each prompt: dialoguer restores them itself when a prompt
/// finishes, but not when the process is stopped while one waits.
#[derive(Default)]
pub struct TerminalPrompter {
    /// The settings from before the prompt in progress, or of one that did not finish.
    saved: Mutex<Option<terminal::Saved>>,
}

impl TerminalPrompter {
    pub fn new() -> TerminalPrompter {
        TerminalPrompter::default()
    }

    /// Saves the terminal's settings for the prompt about to run.
    fn guard(&self) -> PromptGuard<'_> {
        *self.saved.lock().unwrap_or_else(|e| e.into_inner()) = terminal::Saved::now();
        PromptGuard {
            prompter: self,
            finished: false,
        }
    }
}

/// Held while a prompt runs. A prompt that finishes forgets the saved settings (dialoguer has
/// put them back); one that fails puts them back and keeps them, so the shutdown path still
/// knows that a line was left open.
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
        let mut saved = self
            .prompter
            .saved
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if self.finished {
            *saved = None;
        } else if let Some(state) = saved.as_ref() {
            state.restore();
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
        let guard = self.guard();
        let mut input = dialoguer::Input::<String>::new()
            .with_prompt(prompt)
            .validate_with(|text: &String| validate(text));
        if let Some(default) = default {
            input = input.default(default.to_owned());
        }
        guard.finish(input.interact_text().map_err(into_io))
    }

    fn password(&self, prompt: &str, validate: Validator<'_>) -> io::Result<String> {
        let guard = self.guard();
        guard.finish(
            dialoguer::Password::new()
                .with_prompt(prompt)
                .validate_with(|text: &String| validate(text))
                .interact()
                .map_err(into_io),
        )
    }

    fn restore_terminal(&self) -> bool {
        let saved = self.saved.lock().unwrap_or_else(|e| e.into_inner()).take();
        match saved {
            Some(state) => {
                state.restore();
                true
            }
            None => false,
        }
    }
}

/// The terminal's line settings (termios: echo, canonical mode, signals).
#[cfg(unix)]
mod terminal {
    use rustix::termios::{OptionalActions, Termios, isatty, tcgetattr, tcsetattr};
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
