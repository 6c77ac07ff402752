//! What a simulation measured: counts, failures by class, late sends and an HDR histogram of
//! latency, and the summary made of them.

use crate::api::ApiError;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Latencies are recorded in microseconds, up to an hour, to 3 significant digits.
const HIGHEST_MICROS: u64 = 3_600_000_000;

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
            latency_micros: Histogram::new_with_bounds(1, HIGHEST_MICROS, 3)
                .expect("constant histogram bounds are valid"),
            ok: 0,
            failed: BTreeMap::new(),
            late: 0,
            last_error: None,
        }
    }
}

/// The end-of-run (or progress) report. Field names are part of `-o json` output: keep them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub agents: u64,
    pub sent: u64,
    pub ok: u64,
    /// Failed beats by class: HTTP status ("503"), "timeout", "network", "malformed".
    pub failed: BTreeMap<String, u64>,
    pub rate_per_sec: f64,
    pub latency_ms: LatencySummary,
    pub late: u64,
    pub duration_sec: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencySummary {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Summary {
    pub fn failed_total(&self) -> u64 {
        self.failed.values().sum()
    }
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

    /// The 99th percentile latency, for a progress line.
    pub fn p99(&self) -> Duration {
        Duration::from_micros(self.latency_micros.value_at_quantile(0.99))
    }

    pub fn summary(&self, agents: u64, elapsed: Duration) -> Summary {
        let quantile = |q: f64| {
            if self.latency_micros.is_empty() {
                0.0
            } else {
                self.latency_micros.value_at_quantile(q) as f64 / 1000.0
            }
        };
        let seconds = elapsed.as_secs_f64();
        Summary {
            agents,
            sent: self.sent(),
            ok: self.ok,
            failed: self.failed.clone(),
            rate_per_sec: if seconds > 0.0 {
                round3(self.sent() as f64 / seconds)
            } else {
                0.0
            },
            latency_ms: LatencySummary {
                p50: round3(quantile(0.50)),
                p90: round3(quantile(0.90)),
                p99: round3(quantile(0.99)),
                max: if self.latency_micros.is_empty() {
                    0.0
                } else {
                    round3(self.latency_micros.max() as f64 / 1000.0)
                },
            },
            late: self.late,
            duration_sec: round3(seconds),
        }
    }
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Failure;

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
        let summary = stats.summary(10, Duration::from_secs(2));
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
        assert_eq!(stats.last_error().unwrap().detail, "refused");
    }

    #[test]
    fn an_empty_run_summarizes_to_zeros() {
        let summary = Stats::default().summary(3, Duration::ZERO);
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
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
    }
}
