//! `--jq EXPR`: jq filtering of JSON output, in-process (the jaq crates), so scripts need no
//! `jq` binary. One compiled filter per invocation, applied by the output layer.

use crate::error::{Error, Result};
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;
use std::sync::Arc;

/// A compiled jq filter.
#[derive(Clone)]
pub struct JqFilter {
    filter: Arc<jaq_core::Filter<data::JustLut<Val>>>,
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
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
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
            expression: expression.to_owned(),
        })
    }

    /// Runs the filter on one JSON value; returns each output as compact JSON text, or, with
    /// `raw`, strings without quotes (like `jq -r`).
    pub fn apply(&self, input: &serde_json::Value, raw: bool) -> Result<Vec<String>> {
        let text = serde_json::to_vec(input).expect("JSON values always serialize");
        let value = jaq_json::read::parse_single(&text)
            .map_err(|err| Error::other(format!("--jq: could not read the input: {err}")))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut outputs = Vec::new();
        for output in self.filter.id.run((ctx, value)).map(unwrap_valr) {
            let value =
                output.map_err(|err| Error::usage(format!("--jq '{}': {err}", self.expression)))?;
            outputs.push(match (&value, raw) {
                (Val::TStr(bytes), true) => String::from_utf8_lossy(bytes).into_owned(),
                _ => value.to_string(),
            });
        }
        Ok(outputs)
    }
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

    #[test]
    fn runtime_errors_are_reported() {
        let filter = JqFilter::compile(".a.b").unwrap();
        assert!(filter.apply(&json!({"a": 1}), false).is_err());
    }
}
