//! `heartbeat summary`: merges the JSON summaries of several `heartbeat simulate` runs (the
//! shards of one distributed run) and prints the merged one as simulate prints its own.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::sanitize::sanitize;
use crate::simulate::report::{print_summary, threshold_outcome};
use crate::simulate::stats::{RunRecord, merge, shard_warnings};
use crate::simulate::threshold::Threshold;
use clap::Args;
use std::path::PathBuf;

/// The most a summary file (or stdin) may hold: a summary is a few KiB, a pod log somewhat more.
const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Merge the JSON summaries of several simulation runs into one
///
/// Reads summaries written by `heartbeat simulate -o json` (or ndjson) from files, or from
/// stdin with `-`; one input may hold several, one after another, as `kubectl logs` of a
/// job's pods gives them, and lines that are not JSON (log lines) are skipped. Counts are
/// added, the rate is taken over the common window (the earliest start to the latest end),
/// and percentiles come from the merged latency histograms: the numbers one run holding all
/// the samples would give. A warning names shards that are missing or appear twice.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl heartbeat summary shard-*.json
  kubectl logs -l job-name=agentctl-simulate --tail=-1 | agentctl heartbeat summary - --fail-if 'p99>200ms'")]
pub struct HeartbeatSummaryArgs {
    /// Summary files; `-` reads stdin
    #[arg(value_name = "FILE|-", required = true)]
    pub files: Vec<PathBuf>,

    /// Fail (exit 8) when the merged run crosses this threshold: p50|p90|p99|p999|max
    /// <|<=|>|>= DUR, errors <|> N% (failed ÷ sent), rate <|> N (per second); repeatable
    #[arg(long, value_name = "EXPR", value_parser = Threshold::parse)]
    pub fail_if: Vec<Threshold>,
}

pub async fn run(ctx: &Context, args: HeartbeatSummaryArgs) -> Result<()> {
    let mut runs = Vec::new();
    for file in &args.files {
        let (name, bytes) = if file.as_os_str() == "-" {
            (
                "stdin".to_owned(),
                ctx.stdin.read_to_end(MAX_INPUT_BYTES, "stdin").await?,
            )
        } else {
            let name = sanitize(&file.display().to_string()).into_owned();
            let bytes = read_file(file, &name)?;
            (name, bytes)
        };
        let (found, skipped) = read_summaries(&bytes).map_err(|err| {
            Error::other(format!("{name}: {err}"))
                .with_hint("give the output of `agentctl heartbeat simulate -o json`")
        })?;
        if found.is_empty() {
            return Err(Error::other(format!("{name}: no simulation summary found"))
                .with_hint("give the output of `agentctl heartbeat simulate -o json`"));
        }
        if skipped > 0 {
            ctx.ui.warn(&format!(
                "{name}: skipped {skipped} line{} that {} not part of a summary",
                if skipped == 1 { "" } else { "s" },
                if skipped == 1 { "is" } else { "are" }
            ));
        }
        let several = found.len() > 1;
        runs.extend(found.into_iter().enumerate().map(|(n, mut run)| {
            run.source = if several {
                format!("{name} (summary {})", n + 1)
            } else {
                name.clone()
            };
            run
        }));
    }
    // A summary whose histogram or counts do not hold together is a bad input (exit 2), as a
    // bad flag value is: nothing was measured wrongly, the file is not what it claims.
    let merged = merge(&runs).map_err(|err| {
        Error::usage(err)
            .with_hint("give summaries as `agentctl heartbeat simulate -o json` wrote them")
    })?;
    if let Some(shards) = &merged.window.merged {
        for warning in shard_warnings(shards) {
            ctx.ui.warn(&warning);
        }
    }
    let summary = merged.stats.summary(merged.window, &args.fail_if);
    print_summary(&ctx.ui, &ctx.output_options(), &summary)?;
    threshold_outcome(&summary)
}

/// A summary file, through the guarded reader: a FIFO or a device is refused (exit 2), as is
/// a file over the cap; one that cannot be read is exit 1.
fn read_file(file: &std::path::Path, name: &str) -> Result<Vec<u8>> {
    crate::files::read_file(file, MAX_INPUT_BYTES).map_err(|err| match err {
        crate::files::ReadError::Io(err) => {
            Error::other(format!("could not read {name}: {err}")).with_cause(err)
        }
        err @ crate::files::ReadError::NotRegular(_) => err
            .into_error(name, crate::error::ErrorKind::Other)
            .with_hint("give a regular file, or `-` and the summary on stdin"),
        err => err.into_error(name, crate::error::ErrorKind::Other),
    })
}

/// The summaries in one input: JSON objects one after another (pretty or one per line),
/// with any lines that do not start a JSON object skipped (log lines around them). Returns
/// the summaries and how many lines were skipped.
fn read_summaries(bytes: &[u8]) -> std::result::Result<(Vec<RunRecord>, usize), String> {
    let mut runs = Vec::new();
    let mut skipped = 0;
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let blank = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        at += blank;
        if at >= bytes.len() {
            break;
        }
        if bytes[at] != b'{' {
            // Not a summary: skip to the end of the line.
            let line = bytes[at..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(bytes.len(), |end| at + end + 1);
            at = line;
            skipped += 1;
            continue;
        }
        let mut stream =
            serde_json::Deserializer::from_slice(&bytes[at..]).into_iter::<serde_json::Value>();
        let value = match stream.next() {
            Some(Ok(value)) => value,
            Some(Err(err)) => return Err(format!("a JSON document does not parse: {err}")),
            None => break,
        };
        at += stream.byte_offset();
        let run: RunRecord = serde_json::from_value(value).map_err(|err| {
            format!("a JSON document is not a summary of `heartbeat simulate -o json`: {err}")
        })?;
        runs.push(run);
    }
    Ok((runs, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::shard::Shard;

    #[test]
    fn summaries_are_found_among_log_lines() {
        let mut stats = crate::simulate::stats::Stats::default();
        stats.record(std::time::Duration::from_millis(3), Ok(()), false);
        let window = |index| crate::simulate::stats::Window {
            agents: 5,
            started_at: std::time::SystemTime::UNIX_EPOCH,
            duration: std::time::Duration::from_secs(1),
            shard: Some(Shard { index, count: 2 }),
            merged: None,
        };
        let pretty = serde_json::to_string_pretty(&stats.summary(window(0), &[])).unwrap();
        let compact = serde_json::to_string(&stats.summary(window(1), &[])).unwrap();
        let input = format!("starting\n{pretty}\nwarning: something\n{compact}\n\n");
        let (runs, skipped) = read_summaries(input.as_bytes()).unwrap();
        assert_eq!((runs.len(), skipped), (2, 2));
        assert_eq!(runs[1].shard, Some(Shard { index: 1, count: 2 }));
        assert!(read_summaries(b"{\"agents\": 1}").is_err());
        assert!(read_summaries(b"{not json").is_err());
        assert_eq!(read_summaries(b"").unwrap().0.len(), 0);
    }
}
