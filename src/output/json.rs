//! The one path of JSON text to stdout: every document and line a JSON writer prints (records
//! as the server sent them, pretty or compact documents, `--jq` results, watch events,
//! summaries, `--dry-run`) goes through [`for_stdout`], so what a terminal is shown never
//! depends on which command wrote it. Outside the output layer JSON reaches stdout only by
//! [`print_json_text`] or the printers built on this file.

use super::options::{OutputFormat, OutputOptions};
use crate::error::Result;
use crate::ui::Ui;
use std::borrow::Cow;

/// JSON escapes only C0 controls: at a terminal, C1 and bidi controls are escaped too
/// (`\u009b`); a pipe gets the bytes exactly.
pub(super) fn for_stdout<'a>(options: &OutputOptions, json: &'a str) -> Cow<'a, str> {
    if options.terminal {
        crate::sanitize::escape_json_for_terminal(json)
    } else {
        Cow::Borrowed(json)
    }
}

/// A document as `-o` asks for it (compact for `ndjson`, pretty otherwise), newline-terminated
/// and ready for stdout.
pub(super) fn document_text(options: &OutputOptions, value: &serde_json::Value) -> String {
    let text = if options.format == OutputFormat::Ndjson {
        serde_json::to_string(value)
    } else {
        serde_json::to_string_pretty(value)
    };
    let text = text.expect("JSON values always serialize");
    format!("{}\n", for_stdout(options, &text))
}

/// Prints JSON text that is already written out (records as the server sent them, event
/// lines): data on stdout (`-q` silences it), escaped for a terminal.
pub fn print_json_text(ui: &Ui, options: &OutputOptions, json: &str) -> Result<()> {
    if json.is_empty() {
        return Ok(());
    }
    ui.data(&for_stdout(options, json))
}
