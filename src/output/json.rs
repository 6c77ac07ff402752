//! The one path of JSON text to stdout: every document and line a JSON writer prints goes
//! through [`for_stdout`], so what a terminal is shown never depends on which command wrote it.

use super::options::OutputOptions;

/// JSON escapes only C0 controls: at a terminal, C1 and bidi controls are escaped too
/// (`\u009b`); a pipe gets the bytes exactly.
pub fn for_stdout<'a>(options: &OutputOptions, json: &'a str) -> std::borrow::Cow<'a, str> {
    if options.terminal {
        crate::sanitize::escape_json_for_terminal(json)
    } else {
        std::borrow::Cow::Borrowed(json)
    }
}
