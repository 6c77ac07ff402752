//! What a simulation measured: counts, failures by class, late sends and an HDR histogram of
//! latency; the summary made of them; and the merge of several runs' summaries (the shards
//! of one distributed run) into the summary one run holding all their samples would give.

use super::shard::Shard;
use super::threshold::{Measured, Threshold, Verdict};
use crate::api::ApiError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// Latencies are recorded in microseconds, up to an hour, to 3 significant digits.
const HIGHEST_MICROS: u64 = 3_600_000_000;

/// The histogram every run records into and every merge adds into.
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_MICROS, 3).expect("constant histogram bounds are valid")
}

/// The counts of a run (or of several runs added together).
pub struct Stats {
    latency_micros: Histogram<u64>,
    ok: u64,
    failed: BTreeMap<String, u64>,
    late: u64,
    last_error: Option<ApiError>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            latency_micros: latency_histogram(),
            ok: 0,
            failed: BTreeMap::new(),
            late: 0,
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
    pub rate_per_sec: f64,
    pub latency_ms: LatencySummary,
    pub late: u64,
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

impl Summary {
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

    pub fn sent(&self) -> u64 {
        self.latency_micros.len()
    }

    pub fn ok(&self) -> u64 {
        self.ok
    }

    pub fn last_error(&self) -> Option<&ApiError> {
        self.last_error.as_ref()
    }

    pub fn latency_micros(&self) -> &Histogram<u64> {
        &self.latency_micros
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
        let ms = |micros: u64| round3(micros as f64 / 1000.0);
        let quantile = |q: f64| {
            if histogram.is_empty() {
                0.0
            } else {
                ms(histogram.value_at_quantile(q))
            }
        };
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
            rate_per_sec,
            latency_ms: LatencySummary {
                p50: quantile(0.50),
                p90: quantile(0.90),
                p99: quantile(0.99),
                p999: quantile(0.999),
                max: if histogram.is_empty() {
                    0.0
                } else {
                    ms(histogram.max())
                },
            },
            late: self.late,
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
    pub late: u64,
    pub started_at: String,
    pub ended_at: String,
    pub shard: Option<Shard>,
    #[serde(default)]
    pub merged: Option<Vec<Shard>>,
    pub histogram: String,
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
    for (n, run) in runs.iter().enumerate() {
        let which = |what: String| format!("summary {}: {what}", n + 1);
        let bytes = BASE64
            .decode(run.histogram.trim())
            .map_err(|err| which(format!("the histogram is not base64 ({err})")))?;
        let histogram: Histogram<u64> = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .map_err(|err| which(format!("the histogram does not decode ({err:?})")))?;
        if histogram.len() != run.sent {
            return Err(which(format!(
                "the histogram holds {} beats but sent says {}",
                histogram.len(),
                run.sent
            )));
        }
        stats
            .latency_micros
            .add(&histogram)
            .map_err(|err| which(format!("the histogram does not fit ({err:?})")))?;
        stats.ok += run.ok;
        for (class, count) in &run.failed {
            *stats.failed.entry(class.clone()).or_default() += count;
        }
        stats.late += run.late;
        agents += run.agents;
        match (&run.merged, run.shard) {
            (Some(merged), _) => shards.extend(merged.iter().copied()),
            (None, Some(shard)) => shards.push(shard),
            (None, None) => {}
        }
        let started =
            parse_rfc3339(&run.started_at).map_err(|err| which(format!("started_at: {err}")))?;
        let ended =
            parse_rfc3339(&run.ended_at).map_err(|err| which(format!("ended_at: {err}")))?;
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

/// RFC 3339 with `Z` or a numeric offset (`+02:00`), with or without a fraction.
pub fn parse_rfc3339(text: &str) -> Result<SystemTime, String> {
    let original = text.trim();
    let invalid =
        || format!("'{original}' is not an RFC 3339 time (example: 2026-03-01T12:00:00Z)");
    // RFC 3339 allows lowercase `t` and `z`; humantime wants them uppercase.
    let text = original.to_ascii_uppercase();
    let text = text.as_str();
    if let Some(utc) = text.strip_suffix('Z') {
        return humantime::parse_rfc3339(&format!("{utc}Z")).map_err(|_| invalid());
    }
    // A numeric offset: ±HH:MM after the seconds.
    let split = text.len().checked_sub(6).ok_or_else(invalid)?;
    let (local, offset) = text.split_at_checked(split).ok_or_else(invalid)?;
    let bytes = offset.as_bytes();
    let sign = match bytes[0] {
        b'+' => 1i64,
        b'-' => -1,
        _ => return Err(invalid()),
    };
    if bytes[3] != b':' || !local.contains('T') {
        return Err(invalid());
    }
    let hours: u64 = offset[1..3].parse().map_err(|_| invalid())?;
    let minutes: u64 = offset[4..6].parse().map_err(|_| invalid())?;
    if hours > 23 || minutes > 59 {
        return Err(invalid());
    }
    let as_if_utc = humantime::parse_rfc3339(&format!("{local}Z")).map_err(|_| invalid())?;
    let shift = Duration::from_secs(hours * 3600 + minutes * 60);
    // Local time = UTC + offset, so UTC = local − offset.
    let utc = if sign > 0 {
        as_if_utc.checked_sub(shift)
    } else {
        as_if_utc.checked_add(shift)
    };
    utc.ok_or_else(invalid)
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Failure;

    fn window(agents: u64, seconds: u64) -> Window {
        Window {
            agents,
            started_at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
            duration: Duration::from_secs(seconds),
            shard: Some(Shard::WHOLE),
            merged: None,
        }
    }

    #[test]
    fn counts_and_percentiles() {
        let mut stats = Stats::default();
        for ms in 1..=100 {
            stats.record(Duration::from_millis(ms), Ok(()), false);
        }
        let status = || ApiError::new("heartbeat for a", Failure::Status(503), "HTTP 503");
        stats.record(Duration::from_millis(5), Err(status()), true);
        stats.record(Duration::from_millis(5), Err(status()), false);
        stats.record(
            Duration::from_millis(5),
            Err(ApiError::new(
                "heartbeat for a",
                Failure::Network,
                "refused",
            )),
            false,
        );
        let summary = stats.summary(window(10, 2), &[]);
        assert_eq!((summary.sent, summary.ok, summary.late), (103, 100, 1));
        assert_eq!(summary.failed_total(), 3);
        assert_eq!(
            summary.failed,
            BTreeMap::from([("503".to_owned(), 2), ("network".to_owned(), 1)])
        );
        assert_eq!(summary.rate_per_sec, 51.5);
        assert!((summary.latency_ms.p50 - 49.0).abs() < 1.0, "{summary:?}");
        assert!((summary.latency_ms.p99 - 99.0).abs() < 1.0, "{summary:?}");
        assert!((summary.latency_ms.max - 100.0).abs() < 0.1, "{summary:?}");
        assert_eq!(summary.started_at, "2027-01-15T08:00:00.000000Z");
        assert_eq!(summary.ended_at, "2027-01-15T08:00:02.000000Z");
        assert_eq!(stats.last_error().unwrap().detail, "refused");
    }

    #[test]
    fn an_empty_run_summarizes_to_zeros() {
        let summary = Stats::default().summary(window(3, 0), &[]);
        assert_eq!(
            (summary.sent, summary.rate_per_sec, summary.latency_ms.p99),
            (0, 0.0, 0.0)
        );
        let json = serde_json::to_value(&summary).unwrap();
        for key in [
            "agents",
            "sent",
            "ok",
            "failed",
            "rate_per_sec",
            "latency_ms",
            "late",
            "duration_sec",
            "started_at",
            "ended_at",
            "shard",
            "thresholds",
            "histogram",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        assert!(json.get("merged").is_none());
        assert_eq!(json["shard"], serde_json::json!({"index": 0, "count": 1}));
    }

    /// A run's summary, read back as `heartbeat summary` reads it.
    fn record(stats: &Stats, shard: Shard, start_secs: u64, seconds: u64) -> RunRecord {
        let summary = stats.summary(
            Window {
                agents: 10,
                started_at: SystemTime::UNIX_EPOCH + Duration::from_secs(start_secs),
                duration: Duration::from_secs(seconds),
                shard: Some(shard),
                merged: None,
            },
            &[],
        );
        serde_json::from_value(serde_json::to_value(&summary).unwrap()).unwrap()
    }

    #[test]
    fn merging_shards_gives_what_one_run_with_all_samples_gives() {
        // Four shards with different latency distributions; one run records them all.
        let mut all = Stats::default();
        let mut shards = Vec::new();
        let mut rng = fastrand::Rng::with_seed(42);
        for index in 0..4u64 {
            let mut stats = Stats::default();
            for n in 0..5_000 {
                let micros =
                    rng.u64(100..2_000) * (index + 1) + if n % 97 == 0 { 90_000 } else { 0 };
                let outcome = || {
                    if n % 50 == 0 {
                        Err(ApiError::new("h", Failure::Status(503), "x"))
                    } else {
                        Ok(())
                    }
                };
                let late = n % 1000 == 0;
                stats.record(Duration::from_micros(micros), outcome(), late);
                all.record(Duration::from_micros(micros), outcome(), late);
            }
            shards.push(record(&stats, Shard { index, count: 4 }, 1000 + index, 60));
        }
        let merged = merge(&shards).unwrap();
        let thresholds = [Threshold::parse("p99>5ms").unwrap()];
        let from_shards = merged.stats.summary(merged.window, &thresholds);
        let from_all = all.summary(
            Window {
                agents: 40,
                started_at: SystemTime::UNIX_EPOCH + Duration::from_secs(1000),
                duration: Duration::from_secs(63),
                shard: None,
                merged: Some((0..4).map(|index| Shard { index, count: 4 }).collect()),
            },
            &thresholds,
        );
        assert_eq!(from_shards, from_all);
        assert_eq!(from_shards.sent, 20_000);
        assert_eq!(
            from_shards.failed,
            BTreeMap::from([("503".to_owned(), 400)])
        );
        assert_eq!(from_shards.late, 20);
        // The rate is over the common window: the first start to the last end.
        assert_eq!(from_shards.duration_sec, 63.0);
        assert_eq!(from_shards.rate_per_sec, round3(20_000.0 / 63.0));
        // The p99 is the raw samples' p99 (within the histogram's 3 significant digits).
        let mut raw: Vec<u64> = Vec::new();
        let mut rng = fastrand::Rng::with_seed(42);
        for index in 0..4u64 {
            for n in 0..5_000 {
                raw.push(rng.u64(100..2_000) * (index + 1) + if n % 97 == 0 { 90_000 } else { 0 });
            }
        }
        raw.sort_unstable();
        let exact = raw[(raw.len() as f64 * 0.99).ceil() as usize - 1] as f64 / 1000.0;
        let p99 = from_shards.latency_ms.p99;
        assert!(
            (p99 - exact).abs() <= exact * 0.001 + 0.001,
            "{p99} vs {exact}"
        );
        // A merged summary merges again, shards and all.
        let twice =
            merge(&[serde_json::from_value(serde_json::to_value(&from_shards).unwrap()).unwrap()])
                .unwrap();
        assert_eq!(twice.stats.summary(twice.window, &thresholds), from_shards);
    }

    #[test]
    fn a_histogram_that_does_not_match_its_counts_is_refused() {
        let mut stats = Stats::default();
        stats.record(Duration::from_millis(1), Ok(()), false);
        let mut run = record(&stats, Shard::WHOLE, 0, 1);
        run.sent = 2;
        assert!(merge(&[run]).err().unwrap().contains("holds 1 beats"));
        let mut run = record(&stats, Shard::WHOLE, 0, 1);
        run.histogram = "not base64!".into();
        assert!(merge(&[run]).is_err());
        assert!(merge(&[]).is_err());
    }

    #[test]
    fn odd_shard_sets_are_named() {
        let shard = |index, count| Shard { index, count };
        assert!(shard_warnings(&[shard(0, 2), shard(1, 2)]).is_empty());
        assert!(shard_warnings(&[shard(0, 1)]).is_empty());
        assert_eq!(
            shard_warnings(&[shard(0, 4), shard(1, 4), shard(1, 4)]),
            [
                "shard 1/4 appears more than once: its beats are counted more than once",
                "missing shard 2/4, 3/4: the summary covers 2 of 4 shards"
            ]
        );
        assert_eq!(shard_warnings(&[shard(0, 2), shard(0, 3)]).len(), 1);
    }

    #[test]
    fn rfc3339_times() {
        let noon = SystemTime::UNIX_EPOCH + Duration::from_secs(1_772_366_400);
        assert_eq!(rfc3339(noon), "2026-03-01T12:00:00.000000Z");
        for text in [
            "2026-03-01T12:00:00Z",
            "2026-03-01T12:00:00.000Z",
            "2026-03-01T14:00:00+02:00",
            "2026-03-01T09:30:00-02:30",
            "2026-03-01t12:00:00z",
        ] {
            assert_eq!(parse_rfc3339(text), Ok(noon), "{text}");
        }
        for bad in [
            "",
            "2026-03-01",
            "12:00",
            "2026-03-01T12:00:00+2",
            "2026-03-01T12:00:00+25:00",
            "tomorrow",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }
}
