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
}

/// The real terminal, through dialoguer (on stderr, so stdout stays data).
pub struct TerminalPrompter;

impl Prompter for TerminalPrompter {
    fn input(
        &self,
        prompt: &str,
        default: Option<&str>,
        validate: Validator<'_>,
    ) -> io::Result<String> {
        let mut input = dialoguer::Input::<String>::new()
            .with_prompt(prompt)
            .validate_with(|text: &String| validate(text));
        if let Some(default) = default {
            input = input.default(default.to_owned());
        }
        input.interact_text().map_err(into_io)
    }

    fn password(&self, prompt: &str, validate: Validator<'_>) -> io::Result<String> {
        dialoguer::Password::new()
            .with_prompt(prompt)
            .validate_with(|text: &String| validate(text))
            .interact()
            .map_err(into_io)
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
