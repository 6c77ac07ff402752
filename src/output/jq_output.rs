//! `--jq` in the output layer: the filter's results on stdout (compact for ndjson and `-c`,
//! pretty otherwise, as jq), what it says on stderr, and its errors as they happen.

use super::json::for_stdout;
use super::options::{OutputFormat, OutputOptions};
use crate::error::Result;
use crate::jq::{Event, JqFilter};
use crate::sanitize::sanitize;
use crate::ui::Ui;

/// The text of `--jq` on one document, for `json_text`.
pub(super) fn text(
    options: &OutputOptions,
    jq: &JqFilter,
    value: &serde_json::Value,
) -> Result<String> {
    let run = jq.run(
        &[(value.clone(), stream_lines(options, value))],
        options.raw,
        jq_compact(options, jq),
    );
    let mut text = String::new();
    for event in run.events {
        match event {
            Event::Output(line) => push_jq_line(options, &mut text, &line),
            Event::Said(_) => {}
            Event::Failed(err) => return Err(err),
        }
    }
    match run.halted {
        Some((code, message)) if code != 0 => Err(jq.halt_error(message.as_deref())),
        _ => Ok(text),
    }
}

/// Runs `--jq` over a stream of documents and prints what it prints, in order: results on
/// stdout, what `debug`/`stderr` say on stderr, and each run-time error as it happens (the
/// filter goes on with the next document, as jq does); the last error, or `halt_error` with
/// a status other than 0, is the command's (exit 1).
pub(super) fn print(
    ui: &Ui,
    options: &OutputOptions,
    jq: &JqFilter,
    documents: &[(serde_json::Value, usize)],
) -> Result<()> {
    let run = jq.run(documents, options.raw, jq_compact(options, jq));
    let mut text = String::new();
    let mut failed: Option<crate::error::Error> = None;
    let flush = |text: &mut String| -> Result<()> {
        if !text.is_empty() {
            ui.data(text)?;
            text.clear();
        }
        Ok(())
    };
    for event in run.events {
        match event {
            Event::Output(line) => push_jq_line(options, &mut text, &line),
            Event::Said(said) => {
                flush(&mut text)?;
                ui.stderr_raw(&sanitized_lines(&said));
            }
            Event::Failed(err) => {
                flush(&mut text)?;
                if let Some(earlier) = failed.replace(err) {
                    ui.error(&earlier);
                }
            }
        }
    }
    flush(&mut text)?;
    if let Some((code, message)) = run.halted {
        if let Some(earlier) = failed.take() {
            ui.error(&earlier);
        }
        if code != 0 {
            return Err(jq.halt_error(message.as_deref()));
        }
        if let Some(message) = message {
            ui.stderr_raw(&sanitized_lines(&message));
        }
    }
    failed.map_or(Ok(()), Err)
}

/// `-o ndjson` prints one compact line per result, `-o json` pretty ones unless `-c`.
fn jq_compact(options: &OutputOptions, jq: &JqFilter) -> bool {
    options.format == OutputFormat::Ndjson || jq.is_compact()
}

/// How many lines a document takes in the stream `--jq` reads (`input_line_number`): one
/// for ndjson, the lines of its pretty form for json.
pub(super) fn stream_lines(options: &OutputOptions, value: &serde_json::Value) -> usize {
    fn lines(value: &serde_json::Value) -> usize {
        match value {
            serde_json::Value::Array(items) if !items.is_empty() => {
                2 + items.iter().map(lines).sum::<usize>()
            }
            serde_json::Value::Object(map) if !map.is_empty() => {
                2 + map.values().map(lines).sum::<usize>()
            }
            _ => 1,
        }
    }
    if options.format == OutputFormat::Ndjson {
        1
    } else {
        lines(value)
    }
}

/// One `--jq` result and its newline. Raw strings are the server's own bytes: escaped before
/// they reach a terminal (JSON results are escaped by JSON itself).
fn push_jq_line(options: &OutputOptions, text: &mut String, line: &str) {
    if options.raw && options.terminal {
        text.push_str(&sanitize(line));
    } else {
        text.push_str(&for_stdout(options, line));
    }
    text.push('\n');
}

/// Text a filter wrote to stderr, each line sanitized (the lines kept).
fn sanitized_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.strip_suffix('\n') {
            Some(line) => format!("{}\n", sanitize(line)),
            None => sanitize(line).into_owned(),
        })
        .collect()
}
