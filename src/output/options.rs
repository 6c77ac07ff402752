//! What `-o`, `--no-headers`, `--color`, `--jq` and `-r` ask of the output layer.

use crate::jq::JqFilter;
use serde::Serialize;
use std::time::SystemTime;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Aligned columns, for people (agents: one row each)
    #[default]
    Table,
    /// The table with more columns (agents: endpoint, platform, labels, created, last op)
    Wide,
    /// JSON, pretty-printed (records exactly as the server sent them)
    Json,
    /// One compact JSON value per line, for scripts and streams
    Ndjson,
}

impl OutputFormat {
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Wide => "wide",
            OutputFormat::Json => "json",
            OutputFormat::Ndjson => "ndjson",
        }
    }

    pub fn is_json(self) -> bool {
        matches!(self, OutputFormat::Json | OutputFormat::Ndjson)
    }
}

/// How records are printed for this invocation.
#[derive(Debug, Clone)]
pub struct OutputOptions {
    pub format: OutputFormat,
    pub headers: bool,
    pub color: bool,
    pub now: SystemTime,
    /// `--jq`: applied to whatever JSON is printed.
    pub jq: Option<JqFilter>,
    /// `-r` with `--jq`.
    pub raw: bool,
    /// stdout is a terminal: raw `--jq` strings are sanitized like every other server string.
    pub terminal: bool,
}

impl OutputOptions {
    /// Plain output in `format`, with ages counted back from `now`.
    pub fn new(format: OutputFormat, now: SystemTime) -> OutputOptions {
        OutputOptions {
            format,
            headers: true,
            color: false,
            now,
            jq: None,
            raw: false,
            terminal: false,
        }
    }
}

/// Whether one record or a collection was asked for: `json` prints an object for one, an
/// array for several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    One,
    Many,
}
