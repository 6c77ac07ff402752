//! What a simulation measured: counts, failures by class, late sends and an HDR histogram of
//! latency; the summary made of them; and the merge of several runs' summaries (the shards
//! of one distributed run) into the summary one run holding all their samples would give.

use super::shard::Shard;
use super::threshold::{Measured, Threshold, Verdict};
use crate::api::ApiError;
use crate::timestamp::{MissingOffset, parse_rfc3339};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

pub use super::histogram_check::{HIGHEST_MICROS, latency_histogram};

/// The counts of a run (or of several runs added together).
pub struct Stats {
    latency_micros: Histogram<u64>,
    /// How long after its due time each beat of an open-model run was sent (the sender's own
    /// lateness, apart from the server's latency).
    behind_micros: Histogram<u64>,
    ok: u64,
    failed: BTreeMap<String, u64>,
    late: u64,
    /// Beats due before the run ended that never went out.
    unsent: u64,
    last_error: Option<ApiError>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            latency_micros: latency_histogram(),
            behind_micros: Histogram::new_with_bounds(1, HIGHEST_MICROS, 2)
                .expect("constant histogram bounds are valid"),
            ok: 0,
            failed: BTreeMap::new(),
            late: 0,
            unsent: 0,
            last_error: None,
        }
    }
}

/// The end-of-run report. Field names are part of `-o json` output: keep them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Agents this run simulated (its shard's slice; all shards' for a merged summary).
    pub agents: u64,
    pub sent: u64,
    pub ok: u64,
    /// Failed beats by class: HTTP status ("503"), "timeout", "network", "malformed".
    pub failed: BTreeMap<String, u64>,
    /// Beats due before the run ended (`--duration`, a stop) that never went out: a full
    /// `--concurrency` of beats waiting on a server that stopped answering. Not in `sent`;
    /// errors for `--fail-if errors…`.
    pub unsent: u64,
    pub rate_per_sec: f64,
    pub latency_ms: LatencySummary,
    pub late: u64,
    /// How late beats were sent after their due time (an open-model run of one process): the
    /// sender keeping its schedule, apart from the server's latency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_lateness_ms: Option<LatencySummary>,
    pub duration_sec: f64,
    /// RFC 3339, UTC: the start of the run's schedule and its end.
    pub started_at: String,
    pub ended_at: String,
    /// The shard this run was; `null` in a merged summary, which lists its shards in `merged`.
    pub shard: Option<Shard>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged: Option<Vec<Shard>>,
    pub thresholds: Vec<Verdict>,
    /// The latency histogram (µs, 1 µs to 1 h, 3 significant digits) in HdrHistogram's V2
    /// deflate encoding, base64: what `heartbeat summary` merges.
    pub histogram: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencySummary {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

impl LatencySummary {
    /// Percentiles of a histogram of microseconds, in milliseconds (all 0 when empty).
    fn of(histogram: &Histogram<u64>) -> LatencySummary {
        let ms = |micros: u64| round3(micros as f64 / 1000.0);
        let quantile = |q: f64| {
            if histogram.is_empty() {
                0.0
            } else {
                ms(histogram.value_at_quantile(q))
            }
        };
        LatencySummary {
            p50: quantile(0.50),
            p90: quantile(0.90),
            p99: quantile(0.99),
            p999: quantile(0.999),
            max: if histogram.is_empty() {
                0.0
            } else {
                ms(histogram.max())
            },
        }
    }
}

impl Summary {
    #[cfg(test)]
    pub fn failed_total(&self) -> u64 {
        self.failed.values().sum()
    }

    pub fn crossed(&self) -> Vec<&Verdict> {
        self.thresholds.iter().filter(|v| v.crossed).collect()
    }
}

/// Where a summary's window lies and whose it is.
pub struct Window {
    pub agents: u64,
    pub started_at: SystemTime,
    pub duration: Duration,
    pub shard: Option<Shard>,
    pub merged: Option<Vec<Shard>>,
}

impl Stats {
    /// A beat of an open-model run goes out `behind` its due time.
    pub fn record_send(&mut self, behind: Duration) {
        let micros = u64::try_from(behind.as_micros()).unwrap_or(u64::MAX).max(1);
        self.behind_micros.saturating_record(micros);
    }

    /// One finished beat: its latency (from the intended send time), outcome and lateness.
    pub fn record(&mut self, latency: Duration, outcome: Result<(), ApiError>, late: bool) {
        let micros = u64::try_from(latency.as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        self.latency_micros.saturating_record(micros);
        match outcome {
            Ok(()) => self.ok += 1,
            Err(err) => {
                *self.failed.entry(err.class()).or_default() += 1;
                self.last_error = Some(err);
            }
        }
        if late {
            self.late += 1;
        }
    }

    /// Beats that were due but never sent before the run ended.
    pub fn record_unsent(&mut self, beats: u64) {
        self.unsent = self.unsent.saturating_add(beats);
    }

    pub fn sent(&self) -> u64 {
        self.latency_micros.len()
    }

    pub fn ok(&self) -> u64 {
        self.ok
    }

    pub fn last_error(&self) -> Option<&ApiError> {
        self.last_error.as_ref()
    }

    /// The 99th percentile latency, for a progress line.
    pub fn p99(&self) -> Duration {
        Duration::from_micros(self.latency_micros.value_at_quantile(0.99))
    }

    fn failed_total(&self) -> u64 {
        self.failed.values().sum()
    }

    pub fn summary(&self, window: Window, thresholds: &[Threshold]) -> Summary {
        let histogram = &self.latency_micros;
        let seconds = window.duration.as_secs_f64();
        let rate_per_sec = if seconds > 0.0 {
            round3(self.sent() as f64 / seconds)
        } else {
            0.0
        };
        let measured = Measured {
            latency_micros: histogram,
            sent: self.sent(),
            failed: self.failed_total(),
            unsent: self.unsent,
            rate_per_sec,
        };
        let mut encoded = Vec::new();
        V2DeflateSerializer::new()
            .serialize(histogram, &mut encoded)
            .expect("a histogram serializes into memory");
        Summary {
            agents: window.agents,
            sent: self.sent(),
            ok: self.ok,
            failed: self.failed.clone(),
            unsent: self.unsent,
            rate_per_sec,
            latency_ms: LatencySummary::of(histogram),
            late: self.late,
            send_lateness_ms: (!self.behind_micros.is_empty())
                .then(|| LatencySummary::of(&self.behind_micros)),
            duration_sec: round3(seconds),
            started_at: rfc3339(window.started_at),
            ended_at: rfc3339(window.started_at + window.duration),
            shard: window.shard,
            merged: window.merged,
            thresholds: thresholds.iter().map(|t| t.check(&measured)).collect(),
            histogram: BASE64.encode(&encoded),
        }
    }
}

/// A summary as `heartbeat summary` reads it back: the fields a merge needs.
#[derive(Debug, Deserialize)]
pub struct RunRecord {
    pub agents: u64,
    pub sent: u64,
    pub ok: u64,
    pub failed: BTreeMap<String, u64>,
    /// Absent from summaries written before it was counted.
    #[serde(default)]
    pub unsent: u64,
    pub late: u64,
    pub started_at: String,
    pub ended_at: String,
    pub shard: Option<Shard>,
    #[serde(default)]
    pub merged: Option<Vec<Shard>>,
    pub histogram: String,
    /// Where it was read from (a file's name, `stdin`), for the errors about it.
    #[serde(skip)]
    pub source: String,
}

/// Several runs added together, as one run holding all their samples would have counted them.
pub struct Merged {
    pub stats: Stats,
    pub window: Window,
}

/// Adds runs: counts summed, histograms added, the window from the earliest start to the
/// latest end (the rate is over that common window).
pub fn merge(runs: &[RunRecord]) -> Result<Merged, String> {
    let mut stats = Stats::default();
    let mut agents = 0;
    let mut shards = Vec::new();
    let mut window: Option<(SystemTime, SystemTime)> = None;
    let mut sent: u64 = 0;
    for (n, run) in runs.iter().enumerate() {
        let which = |what: String| {
            if run.source.is_empty() {
                format!("summary {}: {what}", n + 1)
            } else {
                format!("{}: {what}", run.source)
            }
        };
        let bytes = BASE64
            .decode(run.histogram.trim())
            .map_err(|err| which(format!("the histogram is not base64 ({err})")))?;
        let histogram = super::histogram_check::decode(&bytes)
            .map_err(|err| which(format!("the histogram is refused: {err}")))?;
        check_counts(run, histogram.len()).map_err(which)?;
        let past = |what: &str| {
            which(format!(
                "{what} adds up past {} with the summaries before it",
                u64::MAX
            ))
        };
        sent = sent.checked_add(run.sent).ok_or_else(|| past("sent"))?;
        stats
            .latency_micros
            .add(&histogram)
            .map_err(|err| which(format!("the histogram does not fit ({err:?})")))?;
        stats.ok = stats.ok.checked_add(run.ok).ok_or_else(|| past("ok"))?;
        for (class, count) in &run.failed {
            let total = stats.failed.entry(class.clone()).or_default();
            *total = total
                .checked_add(*count)
                .ok_or_else(|| past(&format!("failed \"{class}\"")))?;
        }
        stats.late = stats
            .late
            .checked_add(run.late)
            .ok_or_else(|| past("late"))?;
        stats.unsent = stats
            .unsent
            .checked_add(run.unsent)
            .ok_or_else(|| past("unsent"))?;
        agents = u64::checked_add(agents, run.agents).ok_or_else(|| past("agents"))?;
        match (&run.merged, run.shard) {
            (Some(merged), _) => shards.extend(merged.iter().copied()),
            (None, Some(shard)) => shards.push(shard),
            (None, None) => {}
        }
        let time = |text: &str| parse_rfc3339(text, MissingOffset::Refused);
        let started = time(&run.started_at).map_err(|err| which(format!("started_at: {err}")))?;
        let ended = time(&run.ended_at).map_err(|err| which(format!("ended_at: {err}")))?;
        window = Some(match window {
            None => (started, ended),
            Some((first, last)) => (first.min(started), last.max(ended)),
        });
    }
    let (first, last) = window.ok_or("no summaries to merge")?;
    shards.sort();
    Ok(Merged {
        stats,
        window: Window {
            agents,
            started_at: first,
            duration: last.duration_since(first).unwrap_or_default(),
            shard: None,
            merged: Some(shards),
        },
    })
}

/// The counts of one summary agree with each other and with its histogram: the histogram
/// holds `sent` beats, each of them `ok` or failed (`ok + failed == sent`, added without
/// overflow), and no more of them late than were sent.
fn check_counts(run: &RunRecord, in_histogram: u64) -> Result<(), String> {
    if in_histogram != run.sent {
        return Err(format!(
            "the histogram holds {in_histogram} beats but sent says {}",
            run.sent
        ));
    }
    let failed = run
        .failed
        .values()
        .try_fold(0u64, |total, count| total.checked_add(*count))
        .ok_or_else(|| format!("its failed counts add up past {}", u64::MAX))?;
    let answered = run
        .ok
        .checked_add(failed)
        .ok_or_else(|| format!("ok + failed adds up past {}", u64::MAX))?;
    if answered != run.sent {
        return Err(format!(
            "ok ({}) + failed ({failed}) is {answered}, not sent ({})",
            run.ok, run.sent
        ));
    }
    if run.late > run.sent {
        return Err(format!(
            "late ({}) is more than sent ({})",
            run.late, run.sent
        ));
    }
    Ok(())
}

/// What is odd about a set of merged shards: duplicates (counted twice), missing ones, or
/// shards of differently split runs. Empty when they are exactly the N shards of one run.
pub fn shard_warnings(shards: &[Shard]) -> Vec<String> {
    let mut warnings = Vec::new();
    let counts: std::collections::BTreeSet<u64> = shards.iter().map(|s| s.count).collect();
    if counts.len() > 1 {
        warnings.push(format!(
            "the summaries come from runs split into different numbers of shards ({}); \
             they are added up all the same",
            counts
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return warnings;
    }
    let Some(&count) = counts.first() else {
        return warnings;
    };
    let mut seen = std::collections::BTreeMap::<u64, u64>::new();
    for shard in shards {
        *seen.entry(shard.index).or_default() += 1;
    }
    let twice: Vec<String> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(index, _)| format!("{index}/{count}"))
        .collect();
    if !twice.is_empty() {
        warnings.push(format!(
            "shard {} appears more than once: its beats are counted more than once",
            twice.join(", ")
        ));
    }
    let missing: Vec<String> = (0..count)
        .filter(|index| !seen.contains_key(index))
        .map(|index| format!("{index}/{count}"))
        .collect();
    if !missing.is_empty() && count > 1 {
        warnings.push(format!(
            "missing shard {}: the summary covers {} of {count} shards",
            missing.join(", "),
            count - missing.len() as u64
        ));
    }
    warnings
}

/// RFC 3339 in UTC with microseconds: `2026-11-29T08:39:49.123456Z`.
pub fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_micros(time).to_string()
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
