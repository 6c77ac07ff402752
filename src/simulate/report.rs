//! How the summary of a run is shown: `heartbeat simulate` prints its own run's, `heartbeat
//! summary` the one it merged from several; both end with the same exit status for crossed
//! `--fail-if` thresholds.

use super::stats::Summary;
use crate::error::{Error, ErrorKind, Result};
use crate::output::{OutputOptions, plain_table, print_json, render_table};
use crate::sanitize::sanitize;
use crate::ui::Ui;

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

/// The summary on stdout (data: `-q` silences it, the exit code tells): JSON with `-o json`
/// or `ndjson` (through `--jq`), else a table.
pub fn print_summary(ui: &Ui, options: &OutputOptions, summary: &Summary) -> Result<()> {
    if options.format.is_json() {
        let value = serde_json::to_value(summary).expect("a summary always serializes");
        return print_json(ui, options, &value);
    }
    ui.data(&summary_table(summary, options.headers))
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
        ("unsent", summary.unsent.to_string()),
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
            unsent: 0,
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
        assert_eq!(lines.len(), 17, "{text}");
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
        assert_eq!(row(&text, "unsent"), "0");
        assert_eq!(summary_table(&summary(), false).lines().count(), 16);
        let mut clean = summary();
        clean.failed.clear();
        assert_eq!(row(&summary_table(&clean, false), "failed"), "none");
        let error = threshold_outcome(&summary()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Threshold);
        assert_eq!(error.message, "threshold crossed: p99>2ms (measured 3 ms)");
        clean.thresholds[0].crossed = false;
        assert!(threshold_outcome(&clean).is_ok());
    }
}
