//! `--jq EXPR`: jq filtering of JSON output, in-process, so scripts need no `jq` binary. One
//! compiled filter per invocation, applied by the output layer.
//!
//! The reference is jq 1.7.1, byte for byte in what it prints (tests/cli/jq_parity.rs holds
//! the comparison and the list of intentional differences). jaq-core parses and runs the
//! language; the values are agentctl's own ([`value::Val`]), in jq's data model: numbers are
//! doubles that keep the text they were written with until computed on, printed as jq prints
//! them (`10/2` is `5`, `nan` is `null`). jq's builtins come from jq itself: the ones jq writes
//! in jq (defs.jq, from jq 1.7.1's builtin.jq) and the ones it writes in C ([`funs`]), over
//! jaq-std's generic ones (math, time, sorting).
//!
//! `input` and `inputs` read the documents that follow in the same stream, as jq reads the
//! following values of its input: with `-o ndjson` each record of one listing is an input
//! ([`JqFilter::run`]). A single JSON document (`-o json`), and each event or beat printed as
//! it happens, is a stream of one.
//!
//! A run-time error ends the filter on that document, as in jq: the results before it are
//! printed, then the error, and the next document is filtered. A failed filter is exit 1
//! (contract §4): jq's own status for it, 5, is agentctl's status for an API error.

mod data;
mod funs;
mod number;
mod ops;
mod paths;
mod regex;
mod value;
mod write;

use crate::error::{Error, Result};
use data::{Globals, Kind};
use jaq_core::load::{Arena, File, Loader};
use jaq_core::native;
use jaq_core::{Compiler, Ctx, Vars};
use std::cell::{Cell, RefCell};
use std::sync::Arc;
pub use value::Val;

/// A compiled jq filter.
#[derive(Clone)]
pub struct JqFilter {
    filter: Arc<jaq_core::Filter<Kind>>,
    /// `$ENV`.
    env: Val,
    /// `$__loc__`.
    location: Val,
    expression: String,
    /// `-c`: one compact line per result under `-o json` too (`-o ndjson` always is).
    compact: bool,
}

impl std::fmt::Debug for JqFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JqFilter({:?})", self.expression)
    }
}

/// What a run printed, in order.
#[derive(Debug)]
pub enum Event {
    /// One result, as text for stdout (no newline).
    Output(String),
    /// What `debug` or `stderr` wrote, for stderr.
    Said(String),
    /// A run-time error that ended the filter on one document.
    Failed(Error),
}

/// A filter's run over a stream of documents.
#[derive(Debug)]
pub struct Run {
    pub events: Vec<Event>,
    /// `halt`/`halt_error` stopped it: the exit status asked for, and the message.
    pub halted: Option<(i32, Option<String>)>,
}

impl JqFilter {
    /// Compiles an expression; a syntax error or an unknown name is a usage error that says
    /// where in the expression it is.
    pub fn compile(expression: &str) -> Result<JqFilter> {
        let ours = own_defs();
        let natives = funs::natives();
        let defined = |name: &str, arity: usize| {
            ours.iter().any(|d| d.name == name && d.args.len() == arity)
                || natives
                    .iter()
                    .any(|(n, args, _)| *n == name && args.len() == arity)
        };
        // A definition sees the ones before it: jaq-core's (the language's basics), then jq's,
        // then jaq-std's that jq's do not replace.
        let defs = jaq_core::defs()
            .filter(|def| !defined(def.name, def.args.len()))
            .chain(ours.iter().cloned())
            .chain(jaq_std::defs().filter(|def| !defined(def.name, def.args.len())))
            .collect::<Vec<_>>();
        let theirs = jaq_core::funs::<Kind>()
            .chain(jaq_std::funs::<Kind>())
            .filter(|(name, args, _)| !defined(name, args.len()))
            .collect::<Vec<_>>();
        let funs = theirs
            .into_iter()
            .chain(natives.into_vec().into_iter().map(native::run::<Kind>));
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let program = File {
            code: expression,
            path: (),
        };
        let modules = loader.load(&arena, program).map_err(|errors| {
            let mut problems = Vec::new();
            for (_, error) in errors {
                match error {
                    jaq_core::load::Error::Io(items) => {
                        problems.extend(items.into_iter().map(|(_, msg)| msg));
                    }
                    jaq_core::load::Error::Lex(items) => {
                        problems.extend(items.into_iter().map(|(expect, at)| {
                            describe(expression, at, &format!("expected {}", expect.as_str()))
                        }));
                    }
                    jaq_core::load::Error::Parse(items) => {
                        problems.extend(items.into_iter().map(|(expect, at)| {
                            describe(expression, at, &format!("expected {}", expect.as_str()))
                        }));
                    }
                }
            }
            usage(expression, problems)
        })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .with_global_vars(["$ENV", "$__loc__"])
            .compile(modules)
            .map_err(|errors| {
                let problems = errors
                    .into_iter()
                    .flat_map(|(_, errs)| errs)
                    .map(|(name, undefined)| {
                        describe(
                            expression,
                            name,
                            &format!("unknown {} '{name}'", undefined.as_str()),
                        )
                    })
                    .collect();
                usage(expression, problems)
            })?;
        Ok(JqFilter {
            filter: Arc::new(filter),
            env: Val::obj(Default::default()),
            location: funs::location(expression),
            expression: expression.to_owned(),
            compact: false,
        })
    }

    /// The filter with `$ENV` (and `env`) holding these variables; `{}` until then.
    pub fn with_env(mut self, vars: impl IntoIterator<Item = (String, String)>) -> JqFilter {
        self.env = Val::obj(
            vars.into_iter()
                .map(|(name, value)| (Arc::from(name.as_str()), Val::from(value)))
                .collect(),
        );
        self
    }

    /// With `-c`: every result on one line.
    pub fn with_compact(mut self, compact: bool) -> JqFilter {
        self.compact = compact;
        self
    }

    pub fn is_compact(&self) -> bool {
        self.compact
    }

    /// Runs the filter on one JSON document (a stream of one); returns each output as compact
    /// JSON text, or, with `raw`, strings without quotes (like `jq -r`). The first run-time
    /// error is the error.
    pub fn apply(&self, input: &serde_json::Value, raw: bool) -> Result<Vec<String>> {
        let run = self.run(&[(input.clone(), 1)], raw, true);
        let mut outputs = Vec::new();
        for event in run.events {
            match event {
                Event::Output(text) => outputs.push(text),
                Event::Said(_) => {}
                Event::Failed(err) => return Err(err),
            }
        }
        Ok(outputs)
    }

    /// Runs the filter on a stream of documents (each with the lines it takes: 1 for a line of
    /// ndjson) as jq runs on its inputs: on each document in turn, except those that
    /// `input`/`inputs` took. An error ends the filter on its document only; `halt` and
    /// `halt_error` end the run.
    pub fn run(&self, documents: &[(serde_json::Value, usize)], raw: bool, compact: bool) -> Run {
        let documents: Vec<(Val, usize)> = documents
            .iter()
            .map(|(document, lines)| (Val::from_json(document), *lines))
            .collect();
        let globals = Globals {
            lut: &self.filter.lut,
            inputs: RefCell::new(documents.iter()),
            lines: Cell::new(0),
            said: RefCell::new(Vec::new()),
            halt_message: RefCell::new(None),
        };
        let ctx = Ctx::<Kind>::new(
            &globals,
            Vars::new([self.env.clone(), self.location.clone()]),
        );
        let mut events = Vec::new();
        let said = |events: &mut Vec<Event>| {
            events.extend(globals.said.borrow_mut().drain(..).map(Event::Said));
        };
        while let Some(document) = globals.next_input() {
            for output in self.filter.id.run((ctx.clone(), document)) {
                said(&mut events);
                match output {
                    Ok(value) => events.push(Event::Output(text_of(&value, raw, compact))),
                    Err(exn) => match exn.get_err() {
                        Ok(err) => {
                            events.push(Event::Failed(self.runtime_error(jq_message(err))));
                            break;
                        }
                        Err(exn) => {
                            let code = exn.get_halt().unwrap_or(5);
                            let message = globals.halt_message.borrow_mut().take();
                            return Run {
                                events,
                                halted: Some((code, message)),
                            };
                        }
                    },
                }
            }
            said(&mut events);
        }
        Run {
            events,
            halted: None,
        }
    }

    fn runtime_error(&self, message: String) -> Error {
        Error::other(format!("--jq '{}': {message}", self.expression))
    }

    /// The error for `halt_error` with a status other than 0.
    pub fn halt_error(&self, message: Option<&str>) -> Error {
        let message = message.unwrap_or_default().trim_end_matches('\n');
        self.runtime_error(crate::sanitize::sanitize(message).into_owned())
    }
}

/// One result as jq prints it: JSON (compact, or pretty with two spaces), or with `raw` a
/// string's own text.
fn text_of(value: &Val, raw: bool, compact: bool) -> String {
    match value {
        Val::Str(text) if raw => text.to_string(),
        other => funs::output_text(other, compact),
    }
}

/// jq 1.7.1's definitions (defs.jq), parsed once per filter.
fn own_defs() -> Vec<jaq_core::load::parse::Def<&'static str>> {
    jaq_core::load::parse(include_str!("jq/defs.jq"), |p| p.defs()).expect("defs.jq parses")
}

/// jq's message for a run-time error. Errors agentctl's values raise carry jq's words
/// already; the few jaq raises itself ("cannot index V with V", …) are read back and said with
/// jq's. `error(x)` is jq's: a string as it is, another value after "(not a string)".
fn jq_message(err: jaq_core::Error<Val>) -> String {
    let shown = err.to_string();
    match err.into_val() {
        // `into_val` gives jaq's own message text for a message built from parts, and the
        // value itself for `error(x)`, whose string `Display` shows quoted.
        Val::Str(text) if *text == *shown => jaq_words(&shown).unwrap_or(shown),
        Val::Str(text) => text.to_string(),
        other => format!("(not a string): {}", other.to_json()),
    }
}

/// jaq's composite messages in jq's words; `None` when the text has another shape.
fn jaq_words(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("cannot use ") {
        let (value, rest) = json_prefix(rest)?;
        let what = rest.strip_prefix(" as ")?;
        return Some(if what.starts_with("iterable") {
            format!(
                "Cannot iterate over {} ({})",
                value.kind(),
                value::truncated(&value.to_json(), 15)
            )
        } else if what == "array" {
            format!(
                "{} cannot be sorted, as it is not an array",
                value::quoted(&value)
            )
        } else {
            format!("{} {what} required", value::quoted(&value))
        });
    }
    if let Some(rest) = message.strip_prefix("invalid path expression with input ") {
        let value = Val::parse(rest).ok()?;
        return Some(format!(
            "Invalid path expression with result {}",
            value::truncated(&value.to_json(), 30)
        ));
    }
    None
}

/// The JSON value at the start of `text`, and what follows it.
fn json_prefix(text: &str) -> Option<(Val, &str)> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    let value = values.next()?.ok()?;
    Some((Val::from_json(&value), &text[values.byte_offset()..]))
}

/// "at column N: problem", from the slice of the expression where the problem starts.
fn describe(expression: &str, at: &str, problem: &str) -> String {
    let inside = expression.as_ptr() as usize..=expression.as_ptr() as usize + expression.len();
    if !inside.contains(&(at.as_ptr() as usize)) {
        // In a definition of agentctl's own, not in the expression.
        return problem.to_owned();
    }
    let offset = jaq_core::load::span(expression, at).start;
    let column = expression[..offset.min(expression.len())].chars().count() + 1;
    let found = at.chars().take(10).collect::<String>();
    if found.is_empty() {
        format!("at column {column} (end of expression): {problem}")
    } else {
        format!("at column {column} ('{found}'): {problem}")
    }
}

fn usage(expression: &str, problems: Vec<String>) -> Error {
    let detail = if problems.is_empty() {
        "invalid expression".to_owned()
    } else {
        problems.join("; ")
    };
    Error::usage(format!("--jq '{expression}': {detail}"))
        .with_hint("examples: --jq '.status', --jq '.[] | select(.status == \"offline\") | .uuid'")
}

#[cfg(test)]
mod tests;
