//! `heartbeat summary`: merges the JSON summaries of several `heartbeat simulate` runs (the
//! shards of one distributed run), and the summary printing both commands share.

use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::output::{plain_table, print_json, render_table};
use crate::sanitize::sanitize;
use crate::simulate::stats::{RunRecord, Summary, merge, shard_warnings};
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
        runs.extend(found);
    }
    let merged = merge(&runs).map_err(Error::other)?;
    if let Some(shards) = &merged.window.merged {
        for warning in shard_warnings(shards) {
            ctx.ui.warn(&warning);
        }
    }
    let summary = merged.stats.summary(merged.window, &args.fail_if);
    print_summary(ctx, &summary)?;
    threshold_outcome(&summary)
}

fn read_file(file: &std::path::Path, name: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let opened = std::fs::File::open(file)
        .map_err(|err| Error::other(format!("could not open {name}: {err}")).with_cause(err))?;
    let mut bytes = Vec::new();
    opened
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| Error::other(format!("could not read {name}: {err}")).with_cause(err))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::other(format!(
            "{name} is larger than {} MiB",
            MAX_INPUT_BYTES >> 20
        )));
    }
    Ok(bytes)
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

/// Exit 8 when a threshold was crossed, naming each one and its value.
pub fn threshold_outcome(summary: &Summary) -> Result<()> {
    let crossed = summary.crossed();
    if crossed.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = crossed
        .iter()
        .map(|verdict| format!("{} (measured {})", verdict.expression, verdict.measured()))
        .collect();
    Err(Error::new(
        ErrorKind::Threshold,
        format!("threshold crossed: {}", names.join(", ")),
    ))
}

/// The summary on stdout (data: `-q` silences it, the exit code tells).
pub fn print_summary(ctx: &Context, summary: &Summary) -> Result<()> {
    if ctx.settings.output.value.is_json() {
        let value = serde_json::to_value(summary).expect("a summary always serializes");
        return print_json(&ctx.ui, &ctx.output_options(), &value);
    }
    ctx.ui
        .data(&summary_table(summary, !ctx.settings.no_headers))
}

/// The summary as a two-column table. `failed` shows the same counts by class as the JSON
/// `failed` object (`503: 2, timeout: 1`, or `none`); the total is sent − ok.
pub fn summary_table(summary: &Summary, headers: bool) -> String {
    let failed = if summary.failed.is_empty() {
        "none".to_owned()
    } else {
        summary
            .failed
            .iter()
            .map(|(class, count)| format!("{}: {count}", sanitize(class)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let ms = |value: f64| format!("{value:.1} ms");
    let mut table = plain_table(false);
    if headers {
        table.set_header(["METRIC", "VALUE"]);
    }
    let shard = match (&summary.shard, &summary.merged) {
        (Some(shard), _) => shard.to_string(),
        (None, Some(shards)) => format!(
            "{} merged",
            shards
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (None, None) => "-".to_owned(),
    };
    let mut rows = vec![
        ("agents", summary.agents.to_string()),
        ("shard", shard),
        ("sent", summary.sent.to_string()),
        ("ok", summary.ok.to_string()),
        ("failed", failed),
        ("rate", format!("{:.1}/s", summary.rate_per_sec)),
        ("latency p50", ms(summary.latency_ms.p50)),
        ("latency p90", ms(summary.latency_ms.p90)),
        ("latency p99", ms(summary.latency_ms.p99)),
        ("latency p999", ms(summary.latency_ms.p999)),
        ("latency max", ms(summary.latency_ms.max)),
        ("late", summary.late.to_string()),
    ];
    if let Some(lateness) = &summary.send_lateness_ms {
        rows.push(("send lateness p99", ms(lateness.p99)));
        rows.push(("send lateness max", ms(lateness.max)));
    }
    rows.extend([
        ("duration", format!("{:.1}s", summary.duration_sec)),
        ("started", summary.started_at.clone()),
    ]);
    for verdict in &summary.thresholds {
        rows.push((
            "fail-if",
            format!(
                "{} {} (measured {})",
                verdict.expression,
                if verdict.crossed {
                    "CROSSED"
                } else {
                    "not crossed"
                },
                verdict.measured()
            ),
        ));
    }
    for (name, value) in rows {
        table.add_row([name.to_owned(), value]);
    }
    render_table(&mut table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::shard::Shard;
    use crate::simulate::stats::LatencySummary;
    use crate::simulate::threshold::Verdict;
    use std::collections::BTreeMap;

    fn summary() -> Summary {
        Summary {
            agents: 2,
            sent: 10,
            ok: 7,
            failed: BTreeMap::from([("503".to_owned(), 2), ("timeout".to_owned(), 1)]),
            rate_per_sec: 5.0,
            latency_ms: LatencySummary {
                p50: 1.25,
                p90: 2.0,
                p99: 3.0,
                p999: 3.5,
                max: 4.0,
            },
            late: 1,
            send_lateness_ms: None,
            duration_sec: 2.0,
            started_at: "2026-03-01T12:00:00.000000Z".into(),
            ended_at: "2026-03-01T12:00:02.000000Z".into(),
            shard: Some(Shard { index: 1, count: 4 }),
            merged: None,
            thresholds: vec![Verdict {
                expression: "p99>2ms".into(),
                value: 3.0,
                unit: "ms".into(),
                crossed: true,
            }],
            histogram: String::new(),
        }
    }

    #[test]
    fn the_summary_table() {
        let text = summary_table(&summary(), true);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 16, "{text}");
        assert!(lines[0].contains("METRIC"));
        let row = |text: &str, name: &str| -> String {
            text.lines()
                .find(|line| line.starts_with(&format!("{name}  ")))
                .map(|line| line[name.len()..].trim().to_owned())
                .unwrap_or_else(|| panic!("no {name} row in {text}"))
        };
        assert_eq!(row(&text, "shard"), "1/4");
        assert_eq!(row(&text, "failed"), "503: 2, timeout: 1");
        assert_eq!(row(&text, "latency p50"), "1.2 ms");
        assert_eq!(row(&text, "fail-if"), "p99>2ms CROSSED (measured 3 ms)");
        assert_eq!(summary_table(&summary(), false).lines().count(), 15);
        let mut clean = summary();
        clean.failed.clear();
        assert_eq!(row(&summary_table(&clean, false), "failed"), "none");
        let error = threshold_outcome(&summary()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Threshold);
        assert_eq!(error.message, "threshold crossed: p99>2ms (measured 3 ms)");
        clean.thresholds[0].crossed = false;
        assert!(threshold_outcome(&clean).is_ok());
    }

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
