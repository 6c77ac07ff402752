//! Printing records and JSON documents in the chosen format: what commands call.

use super::jq_output;
use super::json::{document_text, print_json_text};
use super::options::{OutputFormat, OutputOptions, Shape};
use super::table::agents_table;
use crate::api::Agent;
use crate::error::Result;
use crate::ui::Ui;

/// Prints records to stdout in the chosen format.
/// With `-q` nothing is printed (`Ui::data`): success is the exit code.
pub fn print_agents(
    ui: &Ui,
    options: &OutputOptions,
    agents: &[Agent],
    shape: Shape,
) -> Result<()> {
    if let (OutputFormat::Json, Shape::One, [agent]) = (options.format, shape, agents) {
        return print_json(ui, options, &agent.to_value());
    }
    let mut printer = ListPrinter::new(ui, options.clone());
    printer.page(agents)?;
    printer.end()
}

/// Prints a collection that arrives page by page. `ndjson` and `json` are written as the
/// pages come (memory flat in the number of pages); a table needs every row for its column
/// widths, and `--jq` over `json` needs the whole array, so those are held until `end`.
pub struct ListPrinter<'a> {
    ui: &'a Ui,
    options: OutputOptions,
    /// Records printed or held so far.
    count: usize,
    rows: Vec<Agent>,
    values: Vec<serde_json::Value>,
}

impl<'a> ListPrinter<'a> {
    pub fn new(ui: &'a Ui, options: OutputOptions) -> ListPrinter<'a> {
        ListPrinter {
            ui,
            options,
            count: 0,
            rows: Vec::new(),
            values: Vec::new(),
        }
    }

    /// How many records were given so far.
    pub fn count(&self) -> usize {
        self.count
    }

    pub fn page(&mut self, agents: &[Agent]) -> Result<()> {
        let first = self.count == 0;
        self.count += agents.len();
        match (self.options.format, self.options.jq.is_some()) {
            (OutputFormat::Ndjson, false) => {
                let mut text =
                    String::with_capacity(agents.iter().map(|a| a.json().len() + 1).sum());
                for agent in agents {
                    text.push_str(&agent.compact_json());
                    text.push('\n');
                }
                self.write(&text)
            }
            // With --jq the records are the filter's stream of inputs (`input` and `inputs`
            // read the ones that follow, as `… -o ndjson | jq` would): held to the end.
            (OutputFormat::Ndjson, true) | (OutputFormat::Json, true) => {
                self.values.extend(agents.iter().map(Agent::to_value));
                Ok(())
            }
            (OutputFormat::Json, false) => {
                let mut text = String::new();
                for (index, agent) in agents.iter().enumerate() {
                    text.push_str(if first && index == 0 { "[\n" } else { ",\n" });
                    let pretty = serde_json::to_string_pretty(&agent.to_value())
                        .expect("JSON values always serialize");
                    for (line_number, line) in pretty.lines().enumerate() {
                        if line_number > 0 {
                            text.push('\n');
                        }
                        text.push_str("  ");
                        text.push_str(line);
                    }
                }
                self.write(&text)
            }
            (OutputFormat::Table | OutputFormat::Wide, _) => {
                self.rows.extend_from_slice(agents);
                Ok(())
            }
        }
    }

    /// Writes what was held, and closes a JSON array.
    pub fn end(self) -> Result<()> {
        match (self.options.format, &self.options.jq) {
            (OutputFormat::Ndjson, Some(jq)) => {
                let documents: Vec<(serde_json::Value, usize)> =
                    self.values.into_iter().map(|value| (value, 1)).collect();
                jq_output::print(self.ui, &self.options, jq, &documents)
            }
            (OutputFormat::Ndjson, None) => Ok(()),
            (OutputFormat::Json, None) => {
                self.write(if self.count == 0 { "[]\n" } else { "\n]\n" })
            }
            (OutputFormat::Json, Some(_)) => print_json(
                self.ui,
                &self.options,
                &serde_json::Value::Array(self.values),
            ),
            (OutputFormat::Table | OutputFormat::Wide, _) => {
                if self.rows.is_empty() {
                    return Ok(());
                }
                let wide = self.options.format == OutputFormat::Wide;
                self.ui.data(&agents_table(&self.rows, wide, &self.options))
            }
        }
    }

    /// JSON as it is written, page by page: through the one path of JSON to stdout.
    fn write(&self, json: &str) -> Result<()> {
        print_json_text(self.ui, &self.options, json)
    }
}

/// Prints one JSON document: pretty for `json`, compact for `ndjson`, or through `--jq`.
/// Every command that prints JSON (records, events, summaries) goes through here.
pub fn print_json(ui: &Ui, options: &OutputOptions, value: &serde_json::Value) -> Result<()> {
    if let Some(jq) = &options.jq {
        let lines = jq_output::stream_lines(options, value);
        return jq_output::print(ui, options, jq, &[(value.clone(), lines)]);
    }
    ui.data(&json_text(options, value)?)
}

/// The text `print_json` writes, newline-terminated. Through `--jq`, a run-time error is the
/// error (what the filter printed before it, and what it said on stderr, are not kept:
/// [`print_json`] prints them).
pub fn json_text(options: &OutputOptions, value: &serde_json::Value) -> Result<String> {
    if let Some(jq) = &options.jq {
        return jq_output::text(options, jq, value);
    }
    Ok(document_text(options, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jq::JqFilter;
    use serde_json::json;
    use std::time::SystemTime;

    /// A time of day for the tests that need one but do not look at ages.
    const ANY_TIME: SystemTime = SystemTime::UNIX_EPOCH;

    #[test]
    fn raw_jq_strings_are_sanitized_only_for_a_terminal() {
        let value = json!({"name": "x\u{1b}]0;pwned\u{7}"});
        let mut options = OutputOptions::new(OutputFormat::Json, ANY_TIME);
        options.jq = Some(JqFilter::compile(".name").unwrap());
        options.raw = true;
        assert_eq!(
            json_text(&options, &value).unwrap(),
            "x\u{1b}]0;pwned\u{7}\n"
        );
        options.terminal = true;
        assert_eq!(
            json_text(&options, &value).unwrap(),
            "x\\x1b]0;pwned\\x07\n"
        );
        options.raw = false;
        assert_eq!(
            json_text(&options, &value).unwrap(),
            "\"x\\u001b]0;pwned\\u0007\"\n"
        );
    }

    #[test]
    fn json_at_a_terminal_escapes_c1_and_bidi_controls_and_a_pipe_gets_the_bytes() {
        let value = json!({"name": "a\u{9b}31m\u{202e}b\u{2066}c"});
        for format in [OutputFormat::Json, OutputFormat::Ndjson] {
            let mut options = OutputOptions::new(format, ANY_TIME);
            let piped = json_text(&options, &value).unwrap();
            assert!(piped.contains("a\u{9b}31m\u{202e}b\u{2066}c"), "{piped}");
            options.terminal = true;
            let shown = json_text(&options, &value).unwrap();
            assert!(shown.contains(r"a\u009b31m\u202eb\u2066c"), "{shown}");
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&shown).unwrap(),
                value
            );
            options.jq = Some(JqFilter::compile(".").unwrap());
            let shown = json_text(&options, &value).unwrap();
            assert!(
                shown.contains(r"\u009b") && !shown.contains('\u{9b}'),
                "{shown}"
            );
        }
    }
}
