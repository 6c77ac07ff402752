//! Rendering agent records: `table`, `wide`, `json`, `ndjson` (contract §4). The one output
//! layer every command that prints records goes through.
//!
//! A front of re-exports over files that each have one job, so none of them needs this one:
//! - `options`: the formats and options of an invocation;
//! - `json`: the one path of JSON text to stdout (the terminal's escaping);
//! - `jq_output`: `--jq`'s results and what it says on stderr;
//! - `table`: columns, cells and tables;
//! - `print`: records and documents in the chosen format, what commands call.

mod jq_output;
mod json;
mod options;
mod print;
mod table;

pub use json::print_json_text;
pub use options::{OutputFormat, OutputOptions, Shape};
pub use print::{ListPrinter, json_text, print_agents, print_json};
pub use table::{
    COLUMNS, Column, WIDE_COLUMNS, agents_table, cell_text, columns, plain_table, relative_time,
    render_table, status_cell,
};
