//! `--jq EXPR`: jq filtering of JSON output, in-process (the jaq crates), so scripts need no
//! `jq` binary. One compiled filter per invocation, applied by the output layer.
//!
//! jaq's definitions and native filters (jaq-core, jaq-std, jaq-json, all at their newest
//! release) cover most of what scripts use from jq 1.7. What they lack is added here, as jq 1.7
//! behaves:
//! - `@csv` and `@tsv`: jq's row formats (jaq has them only in the jaq-fmts crate, whose
//!   messages differ from jq's and whose `@tsv` also escapes NUL; jq's rules are a few lines);
//! - `@sh`: jaq-std's gives jq's output but not jq's error for a nested array or object;
//! - `$ENV` and `env`: the run's environment, given by `with_env` (jaq-std's `env` would read
//!   the process's);
//! - `input`: fails with "No more inputs" when there is none (jaq's yields nothing); `inputs` is
//!   jaq-std's.
//!
//! `input` and `inputs` read the documents that follow in the same stream, as jq reads the
//! following values of its input: with `-o ndjson` each record of one listing is an input
//! ([`JqFilter::apply_all`]). A single JSON document (`-o json`), and each event or beat printed
//! as it happens, is a stream of one: `input` fails with "No more inputs", `[inputs]` is `[]`.
//!
//! A runtime error is exit 1 with jq's message; every value the message quotes is cut to
//! [`QUOTE_MAX`] characters (jaq quotes whole values, which for a listing is kilobytes).

use crate::error::{Error, Result};
use jaq_core::box_iter::box_once;
use jaq_core::data::HasLut;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::native::{self, v};
use jaq_core::{Compiler, Ctx, DataT, Exn, Lut, RunPtr, Vars, unwrap_valr};
use jaq_json::Val;
use jaq_std::input::{HasInputs, Inputs, RcIter};
use std::sync::Arc;

/// At most this many characters of a value are quoted in a runtime error.
pub const QUOTE_MAX: usize = 200;
/// At most this many characters of an error's own text (`error("…")`, jaq's messages).
const TEXT_MAX: usize = 400;

/// The data filters run on: jaq's JSON values, with the rest of the input stream for
/// `input`/`inputs`.
struct Kind;

impl DataT for Kind {
    type V<'a> = Val;
    type Data<'a> = &'a Globals<'a>;
}

struct Globals<'a> {
    lut: &'a Lut<Kind>,
    inputs: Inputs<'a, Val>,
}

impl<'a> HasLut<'a, Kind> for &'a Globals<'a> {
    fn lut(&self) -> &'a Lut<Kind> {
        self.lut
    }
}

impl<'a> HasInputs<'a, Val> for &'a Globals<'a> {
    fn inputs(&self) -> Inputs<'a, Val> {
        self.inputs
    }
}

/// A compiled jq filter.
#[derive(Clone)]
pub struct JqFilter {
    filter: Arc<jaq_core::Filter<Kind>>,
    /// `$ENV`.
    env: Val,
    expression: String,
}

impl std::fmt::Debug for JqFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JqFilter({:?})", self.expression)
    }
}

impl JqFilter {
    /// Compiles an expression; a syntax error or an unknown name is a usage error that says
    /// where in the expression it is.
    pub fn compile(expression: &str) -> Result<JqFilter> {
        // jaq-std's `@sh` is replaced by jq's (below): same output, jq's error for a nested
        // array or object where jaq's says "cannot use … as string".
        // jaq-std's native `env` reads the process's environment; jq's `env` is `$ENV`, which
        // is the run's (`with_env`).
        let env_def = jaq_core::load::parse("def env: $ENV;", |p| p.defs())
            .expect("the definition of env parses");
        let defs = jaq_core::defs()
            .chain(jaq_std::defs().filter(|def| def.name != "@sh"))
            .chain(jaq_json::defs())
            .chain(env_def);
        let inputs = jaq_std::input::funs::<Kind>()
            .into_vec()
            .into_iter()
            .filter(|(name, _, _)| *name != "input");
        let funs = jaq_core::funs::<Kind>()
            .chain(jaq_std::funs::<Kind>().filter(|(name, _, _)| *name != "env"))
            .chain(jaq_json::funs::<Kind>())
            .chain(inputs.chain(jq_funs().into_vec()).map(native::run::<Kind>));
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
            .with_global_vars(["$ENV"])
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
            expression: expression.to_owned(),
        })
    }

    /// The filter with `$ENV` (and `env`) holding these variables; `{}` until then.
    pub fn with_env(mut self, vars: impl IntoIterator<Item = (String, String)>) -> JqFilter {
        self.env = Val::obj(
            vars.into_iter()
                .map(|(name, value)| (Val::from(name), Val::from(value)))
                .collect(),
        );
        self
    }

    /// Runs the filter on one JSON document (a stream of one); returns each output as compact
    /// JSON text, or, with `raw`, strings without quotes (like `jq -r`).
    pub fn apply(&self, input: &serde_json::Value, raw: bool) -> Result<Vec<String>> {
        self.apply_all(std::slice::from_ref(input), raw)
    }

    /// Runs the filter on a stream of documents as jq runs on its inputs: on each document in
    /// turn, except those that `input`/`inputs` took. Stops at the first runtime error.
    pub fn apply_all(&self, documents: &[serde_json::Value], raw: bool) -> Result<Vec<String>> {
        let stream = documents.iter().map(|document| {
            let text = serde_json::to_vec(document).expect("JSON values always serialize");
            jaq_json::read::parse_single(&text)
                .map_err(|err| format!("could not read the input: {err}"))
        });
        let inputs = &RcIter::new(stream);
        let globals = Globals {
            lut: &self.filter.lut,
            inputs,
        };
        let ctx = Ctx::<Kind>::new(&globals, Vars::new([self.env.clone()]));
        let mut outputs = Vec::new();
        // Each turn takes the next document not yet taken by `input`/`inputs`.
        for document in globals.inputs {
            let document = document.map_err(|err| self.runtime_error(err))?;
            for output in self.filter.id.run((ctx.clone(), document)).map(unwrap_valr) {
                let value = output.map_err(|err| self.runtime_error(jq_message(err)))?;
                outputs.push(match (&value, raw) {
                    (Val::TStr(bytes), true) => String::from_utf8_lossy(bytes).into_owned(),
                    _ => value.to_string(),
                });
            }
        }
        Ok(outputs)
    }

    fn runtime_error(&self, message: String) -> Error {
        Error::other(format!("--jq '{}': {message}", self.expression))
    }
}

/// The native filters jq 1.7 has and jaq's crates do not.
fn jq_funs() -> Box<[native::Filter<RunPtr<Kind>>]> {
    Box::new([
        ("@csv", v(0), |cv| {
            native::bome(table_row(&cv.1, Table::Csv))
        }),
        ("@tsv", v(0), |cv| {
            native::bome(table_row(&cv.1, Table::Tsv))
        }),
        ("@sh", v(0), |cv| native::bome(shell_words(&cv.1))),
        ("input", v(0), |cv| {
            let next = cv.0.data().inputs().next();
            box_once(match next {
                Some(Ok(value)) => Ok(value),
                Some(Err(err)) => Err(Exn::from(jaq_core::Error::str(err))),
                None => Err(Exn::from(jaq_core::Error::str("No more inputs"))),
            })
        }),
    ])
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    Csv,
    Tsv,
}

/// `@csv` / `@tsv` as jq 1.7 defines them: an array of scalars; null is an empty field, NaN
/// too; strings quoted with `""` for a quote (CSV) or with `\t \r \n \\` escaped (TSV).
fn table_row(row: &Val, table: Table) -> std::result::Result<Val, jaq_core::Error<Val>> {
    let (name, separator) = match table {
        Table::Csv => ("csv", ","),
        Table::Tsv => ("tsv", "\t"),
    };
    let Val::Arr(fields) = row else {
        return Err(jaq_core::Error::str(format!(
            "{} cannot be {name}-formatted, only an array can be",
            typed(row)
        )));
    };
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push_str(separator);
        }
        match field {
            Val::Null => {}
            Val::Num(jaq_json::Num::Float(x)) if x.is_nan() => {}
            Val::Bool(_) | Val::Num(_) => line.push_str(&field.to_string()),
            Val::TStr(bytes) => {
                let text = String::from_utf8_lossy(bytes);
                match table {
                    Table::Csv => {
                        line.push('"');
                        line.push_str(&text.replace('"', "\"\""));
                        line.push('"');
                    }
                    Table::Tsv => {
                        for c in text.chars() {
                            match c {
                                '\t' => line.push_str("\\t"),
                                '\r' => line.push_str("\\r"),
                                '\n' => line.push_str("\\n"),
                                '\\' => line.push_str("\\\\"),
                                c => line.push(c),
                            }
                        }
                    }
                }
            }
            // jq says "csv row" for `@tsv` too.
            _ => {
                return Err(jaq_core::Error::str(format!(
                    "{} is not valid in a csv row",
                    typed(field)
                )));
            }
        }
    }
    Ok(Val::utf8_str(line))
}

/// `@sh` as jq 1.7 defines it: a string single-quoted (`'` as `'\''`), a number, boolean or
/// null as JSON; an array is its elements so written, space-separated.
fn shell_words(input: &Val) -> std::result::Result<Val, jaq_core::Error<Val>> {
    let words = match input {
        Val::Arr(items) => items.iter().collect(),
        one => vec![one],
    };
    let mut line = String::new();
    for (i, word) in words.into_iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        match word {
            Val::TStr(bytes) => {
                line.push('\'');
                line.push_str(&String::from_utf8_lossy(bytes).replace('\'', "'\\''"));
                line.push('\'');
            }
            Val::Null | Val::Bool(_) | Val::Num(_) => line.push_str(&word.to_string()),
            _ => {
                return Err(jaq_core::Error::str(format!(
                    "{} can not be escaped for shell",
                    typed(word)
                )));
            }
        }
    }
    Ok(Val::utf8_str(line))
}

/// jq's "kind (value)", the value cut to `QUOTE_MAX` characters.
fn typed(value: &Val) -> String {
    let kind = match value {
        Val::Null => "null",
        Val::Bool(_) => "boolean",
        Val::Num(_) => "number",
        Val::TStr(_) | Val::BStr(_) => "string",
        Val::Arr(_) => "array",
        Val::Obj(_) => "object",
    };
    format!("{kind} ({})", cut(&value.to_string(), QUOTE_MAX))
}

/// jq's message for a runtime error. jaq builds its own messages from parts it does not expose
/// ("cannot index V with V", …); those are read back and said with jq's words, each quoted
/// value cut to `QUOTE_MAX` characters. `error(x)` is jq's: a string as it is, another value
/// after "(not a string)".
fn jq_message(err: jaq_core::Error<Val>) -> String {
    let shown = err.to_string();
    match err.into_val() {
        // `into_val` gives jaq's own message text for a message built from parts, and the
        // value itself for `error(x)`, whose string would be shown quoted.
        Val::TStr(text) if *text == shown.as_bytes() => {
            jaq_words(&shown).unwrap_or_else(|| cut(&shown, TEXT_MAX))
        }
        Val::TStr(text) => cut(&String::from_utf8_lossy(&text), TEXT_MAX),
        other => format!("(not a string): {}", cut(&other.to_string(), QUOTE_MAX)),
    }
}

/// jaq's composite messages in jq's words; `None` when the text has another shape.
fn jaq_words(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("cannot index ") {
        let (container, rest) = json_prefix(rest)?;
        let key = serde_json::from_str::<serde_json::Value>(rest.strip_prefix(" with ")?).ok()?;
        return Some(match &key {
            serde_json::Value::String(key) => {
                format!("Cannot index {} with \"{key}\"", kind(&container))
            }
            key => format!("Cannot index {} with {}", kind(&container), kind(key)),
        });
    }
    if let Some(rest) = message.strip_prefix("cannot use ") {
        let (value, rest) = json_prefix(rest)?;
        let what = rest.strip_prefix(" as ")?;
        return Some(if what.starts_with("iterable") {
            format!("Cannot iterate over {}", quoted(&value))
        } else {
            format!("{} cannot be used as {what}", quoted(&value))
        });
    }
    if let Some(rest) = message.strip_prefix("cannot calculate ") {
        let (left, rest) = json_prefix(rest)?;
        let rest = rest.strip_prefix(' ')?;
        let (op, rest) = rest.split_once(' ')?;
        let right = serde_json::from_str::<serde_json::Value>(rest).ok()?;
        let verb = match op {
            "+" => "added",
            "-" => "subtracted",
            "*" => "multiplied",
            "/" | "%" => "divided",
            _ => return None,
        };
        let zero = matches!(op, "/" | "%") && right.as_f64() == Some(0.0);
        return Some(format!(
            "{} and {} cannot be {verb}{}",
            quoted(&left),
            quoted(&right),
            if zero {
                " because the divisor is zero"
            } else {
                ""
            }
        ));
    }
    if let Some(rest) = message.strip_prefix("invalid path expression with input ") {
        let value = serde_json::from_str::<serde_json::Value>(rest).ok()?;
        return Some(format!(
            "Invalid path expression with result {}",
            cut(&value.to_string(), QUOTE_MAX)
        ));
    }
    None
}

/// The JSON value at the start of `text`, and what follows it.
fn json_prefix(text: &str) -> Option<(serde_json::Value, &str)> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    let value = values.next()?.ok()?;
    Some((value, &text[values.byte_offset()..]))
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// jq's "kind (value)" for a value read back from a jaq message.
fn quoted(value: &serde_json::Value) -> String {
    format!("{} ({})", kind(value), cut(&value.to_string(), QUOTE_MAX))
}

/// `text` cut to `max` characters, the last three of them "..." when it was longer (as jq
/// cuts the values it quotes).
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max - 3).collect();
    short.push_str("...");
    short
}

/// "at column N: problem", from the slice of the expression where the problem starts.
fn describe(expression: &str, at: &str, problem: &str) -> String {
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
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_records() {
        let agent = json!({"uuid": "a1", "status": "online", "labels": {"env": "prod"}});
        assert_eq!(
            JqFilter::compile(".status")
                .unwrap()
                .apply(&agent, false)
                .unwrap(),
            ["\"online\""]
        );
        assert_eq!(
            JqFilter::compile(".status")
                .unwrap()
                .apply(&agent, true)
                .unwrap(),
            ["online"]
        );
        let list = json!([{"uuid": "a", "status": "offline"}, {"uuid": "b", "status": "online"}]);
        let offline = JqFilter::compile(r#".[] | select(.status == "offline") | .uuid"#).unwrap();
        assert_eq!(offline.apply(&list, true).unwrap(), ["a"]);
        assert_eq!(
            JqFilter::compile("length")
                .unwrap()
                .apply(&list, false)
                .unwrap(),
            ["2"]
        );
        assert_eq!(
            JqFilter::compile("map(.uuid)")
                .unwrap()
                .apply(&list, false)
                .unwrap(),
            [r#"["a","b"]"#]
        );
    }

    #[test]
    fn syntax_errors_are_usage_errors_with_a_position() {
        let err = JqFilter::compile(".status |").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message.contains("column"), "{}", err.message);
        let err = JqFilter::compile(".[").unwrap_err();
        assert!(err.message.contains("column"), "{}", err.message);
        let err = JqFilter::compile("nosuchfunction").unwrap_err();
        assert!(
            err.message.contains("column 1") && err.message.contains("unknown"),
            "{}",
            err.message
        );
    }

    fn fails(expression: &str, input: serde_json::Value) -> String {
        let err = JqFilter::compile(expression)
            .unwrap()
            .apply(&input, false)
            .unwrap_err();
        assert_eq!(err.exit_code(), 1, "{}", err.message);
        err.message
    }

    #[test]
    fn runtime_errors_are_exit_1_in_jq_words() {
        assert_eq!(
            fails(".a.b", json!({"a": 1})),
            r#"--jq '.a.b': Cannot index number with "b""#
        );
        assert_eq!(
            fails(".[0]", json!("s")),
            "--jq '.[0]': Cannot index string with number"
        );
        assert_eq!(
            fails(".[]", json!(1)),
            "--jq '.[]': Cannot iterate over number (1)"
        );
        assert_eq!(
            fails(". + 1", json!({"a": "x"})),
            r#"--jq '. + 1': object ({"a":"x"}) and number (1) cannot be added"#
        );
        assert_eq!(
            fails(". % 0", json!(1)),
            "--jq '. % 0': number (1) and number (0) cannot be divided because the divisor is zero"
        );
        assert_eq!(
            fails(r#"error("boom")"#, json!(1)),
            r#"--jq 'error("boom")': boom"#
        );
        assert_eq!(
            fails("error({a: 1})", json!(1)),
            r#"--jq 'error({a: 1})': (not a string): {"a":1}"#
        );
        assert_eq!(
            fails("@csv", json!({"a": 1})),
            r#"--jq '@csv': object ({"a":1}) cannot be csv-formatted, only an array can be"#
        );
        assert_eq!(
            fails("@tsv", json!([[1]])),
            "--jq '@tsv': array ([1]) is not valid in a csv row"
        );
        assert_eq!(fails("input", json!(1)), "--jq 'input': No more inputs");
        assert_eq!(
            fails("@sh", json!([1, [2]])),
            "--jq '@sh': array ([2]) can not be escaped for shell"
        );
    }

    #[test]
    fn a_quoted_value_is_cut_to_200_characters() {
        let long = "x".repeat(5000);
        let message = fails(".[]", json!(long));
        let quoted = message
            .strip_prefix("--jq '.[]': Cannot iterate over string (")
            .and_then(|rest| rest.strip_suffix(')'))
            .unwrap_or_else(|| panic!("{message}"));
        assert_eq!(quoted.chars().count(), QUOTE_MAX);
        assert_eq!(quoted, format!("\"{}...", "x".repeat(QUOTE_MAX - 4)));
        let message = fails(". - 1", json!({"a": [long.clone(), long]}));
        assert!(message.len() < 2 * QUOTE_MAX, "{message}");
        assert!(
            message.ends_with("and number (1) cannot be subtracted"),
            "{message}"
        );
        assert_eq!(cut("ab", 2), "ab");
        assert_eq!(cut("abcdéfgh", 6), "abc...");
    }

    #[test]
    fn input_reads_the_following_documents_of_the_stream() {
        let documents: Vec<serde_json::Value> = (1..=4).map(|i| json!(i)).collect();
        let pairs = JqFilter::compile("[., input]").unwrap();
        assert_eq!(
            pairs.apply_all(&documents, false).unwrap(),
            ["[1,2]", "[3,4]"]
        );
        let rest = JqFilter::compile("[., inputs]").unwrap();
        assert_eq!(rest.apply_all(&documents, false).unwrap(), ["[1,2,3,4]"]);
        assert_eq!(rest.apply(&json!(1), false).unwrap(), ["[1]"]);
        let err = pairs.apply_all(&documents[..3], false).unwrap_err();
        assert_eq!(err.message, "--jq '[., input]': No more inputs");
    }
}
