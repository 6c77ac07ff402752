//! `--fail-if` budgets (k6's thresholds, written as the failure condition): `p99>200ms`,
//! `errors>1%`, `rate<900`. A run always completes; the summary says which held and which
//! were crossed, and a crossed one makes the exit status 8.

use crate::duration::parse_duration;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    P50,
    P90,
    P99,
    P999,
    Max,
    /// Failed ÷ sent, in percent.
    Errors,
    /// Beats per second over the run's window.
    Rate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Comparison {
    fn holds(self, value: f64, limit: f64) -> bool {
        match self {
            Comparison::Less => value < limit,
            Comparison::LessOrEqual => value <= limit,
            Comparison::Greater => value > limit,
            Comparison::GreaterOrEqual => value >= limit,
        }
    }
}

/// One parsed `--fail-if` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// As typed, without spaces: how the summary names it.
    pub expression: String,
    pub metric: Metric,
    pub comparison: Comparison,
    /// Microseconds for latencies, percent for errors, per second for rate.
    pub limit: f64,
}

/// What a run measured, as the thresholds read it.
pub struct Measured<'a> {
    pub latency_micros: &'a Histogram<u64>,
    pub sent: u64,
    pub failed: u64,
    /// Beats due before the run ended that were never sent: errors, as failed ones are.
    pub unsent: u64,
    pub rate_per_sec: f64,
}

/// A threshold checked against a run: `value` in the unit the summary shows (ms, %, /s).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Verdict {
    pub expression: String,
    pub value: f64,
    /// `ms`, `%` or `/s`.
    pub unit: String,
    pub crossed: bool,
}

impl Verdict {
    /// `250.1 ms`, `2%`, `950/s`.
    pub fn measured(&self) -> String {
        match self.unit.as_str() {
            "ms" => format!("{} ms", self.value),
            unit => format!("{}{unit}", self.value),
        }
    }
}

const FORMS: &str = "p50|p90|p99|p999|max <|<=|>|>= DURATION (p99>200ms), \
                     errors <|> PERCENT (errors>1%), rate <|> PER-SECOND (rate<900)";

impl Threshold {
    pub fn parse(text: &str) -> Result<Threshold, String> {
        let expression: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let split = expression
            .find(['<', '>'])
            .ok_or_else(|| format!("'{text}' has no comparison; expected {FORMS}"))?;
        let (name, rest) = expression.split_at(split);
        let (comparison, limit_text) = if let Some(limit) = rest.strip_prefix("<=") {
            (Comparison::LessOrEqual, limit)
        } else if let Some(limit) = rest.strip_prefix(">=") {
            (Comparison::GreaterOrEqual, limit)
        } else if let Some(limit) = rest.strip_prefix('<') {
            (Comparison::Less, limit)
        } else {
            (Comparison::Greater, &rest[1..])
        };
        let metric = match name.to_ascii_lowercase().as_str() {
            "p50" => Metric::P50,
            "p90" => Metric::P90,
            "p99" => Metric::P99,
            "p999" => Metric::P999,
            "max" => Metric::Max,
            "errors" => Metric::Errors,
            "rate" => Metric::Rate,
            other => {
                return Err(format!(
                    "'{text}': unknown metric '{other}'; expected {FORMS}"
                ));
            }
        };
        let limit = match metric {
            Metric::Errors => {
                let number = limit_text.strip_suffix('%').ok_or_else(|| {
                    format!("'{text}': errors take a percentage, such as errors>1%")
                })?;
                let percent = parse_number(number, text)?;
                if percent > 100.0 {
                    return Err(format!("'{text}': a percentage is at most 100"));
                }
                percent
            }
            Metric::Rate => parse_number(limit_text, text)?,
            _ => {
                if limit_text.bytes().all(|b| b.is_ascii_digit()) {
                    // A bare number is seconds elsewhere, but "p99>200" is too easily meant
                    // as milliseconds: ask for the unit.
                    return Err(format!(
                        "'{text}': give the latency with its unit, such as {name}{}200ms",
                        &rest[..rest.len() - limit_text.len()]
                    ));
                }
                let duration =
                    parse_duration(limit_text).map_err(|err| format!("'{text}': {err}"))?;
                duration.as_secs_f64() * 1e6
            }
        };
        Ok(Threshold {
            expression,
            metric,
            comparison,
            limit,
        })
    }

    /// Checks the threshold against what was measured.
    pub fn check(&self, measured: &Measured<'_>) -> Verdict {
        let histogram = measured.latency_micros;
        let quantile = |q: f64| {
            if histogram.is_empty() {
                0.0
            } else {
                histogram.value_at_quantile(q) as f64
            }
        };
        // Compared in the histogram's own unit (µs); shown in the summary's (ms).
        let (compared, shown, unit) = match self.metric {
            Metric::P50 | Metric::P90 | Metric::P99 | Metric::P999 | Metric::Max => {
                let micros = match self.metric {
                    Metric::P50 => quantile(0.50),
                    Metric::P90 => quantile(0.90),
                    Metric::P99 => quantile(0.99),
                    Metric::P999 => quantile(0.999),
                    _ => {
                        if histogram.is_empty() {
                            0.0
                        } else {
                            histogram.max() as f64
                        }
                    }
                };
                (micros, micros / 1000.0, "ms")
            }
            Metric::Errors => {
                // Of the beats due: those sent, and those due that never went out.
                let due = measured.sent.saturating_add(measured.unsent);
                let errors = measured.failed.saturating_add(measured.unsent);
                let percent = if due == 0 {
                    0.0
                } else {
                    100.0 * errors as f64 / due as f64
                };
                (percent, percent, "%")
            }
            Metric::Rate => (measured.rate_per_sec, measured.rate_per_sec, "/s"),
        };
        Verdict {
            expression: self.expression.clone(),
            value: (shown * 1000.0).round() / 1000.0,
            unit: unit.to_owned(),
            crossed: self.comparison.holds(compared, self.limit),
        }
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expression)
    }
}

fn parse_number(number: &str, text: &str) -> Result<f64, String> {
    number
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .ok_or_else(|| format!("'{text}': '{number}' is not a number of 0 or more"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn histogram(micros: impl IntoIterator<Item = u64>) -> Histogram<u64> {
        let mut histogram = Histogram::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        for value in micros {
            histogram.record(value).unwrap();
        }
        histogram
    }

    fn check(expression: &str, histogram: &Histogram<u64>, sent: u64, failed: u64) -> Verdict {
        Threshold::parse(expression).unwrap().check(&Measured {
            latency_micros: histogram,
            sent,
            failed,
            unsent: 0,
            rate_per_sec: 950.0,
        })
    }

    #[test]
    fn beats_never_sent_count_as_errors() {
        let latencies = histogram([1000; 10]);
        let verdict = Threshold::parse("errors>10%").unwrap().check(&Measured {
            latency_micros: &latencies,
            sent: 10,
            failed: 0,
            unsent: 10,
            rate_per_sec: 1.0,
        });
        assert_eq!((verdict.value, verdict.crossed), (50.0, true));
    }

    #[test]
    fn parses_every_form() {
        let parsed = Threshold::parse(" p99 > 200ms ").unwrap();
        assert_eq!(parsed.expression, "p99>200ms");
        assert_eq!(
            (parsed.metric, parsed.comparison, parsed.limit),
            (Metric::P99, Comparison::Greater, 200_000.0)
        );
        let cases = [
            ("p50<=1ms", Metric::P50, Comparison::LessOrEqual, 1000.0),
            ("p90>=1.5s", Metric::P90, Comparison::GreaterOrEqual, 1.5e6),
            ("p999<2s", Metric::P999, Comparison::Less, 2e6),
            ("max>1m", Metric::Max, Comparison::Greater, 60e6),
            ("errors>1%", Metric::Errors, Comparison::Greater, 1.0),
            ("errors<0.5%", Metric::Errors, Comparison::Less, 0.5),
            ("rate<900", Metric::Rate, Comparison::Less, 900.0),
            ("RATE>12.5", Metric::Rate, Comparison::Greater, 12.5),
        ];
        for (text, metric, comparison, limit) in cases {
            let parsed = Threshold::parse(text).unwrap();
            assert_eq!(
                (parsed.metric, parsed.comparison, parsed.limit),
                (metric, comparison, limit),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_malformed_expressions() {
        for bad in [
            "",
            "p99",
            "p98>1ms",
            "p99>",
            "p99>200",
            "p99>abc",
            "p99=>1ms",
            "errors>1",
            "errors>x%",
            "errors>101%",
            "rate<",
            "rate<-1",
            "rate<nan",
            "latency>1ms",
            ">1ms",
        ] {
            assert!(Threshold::parse(bad).is_err(), "{bad}");
        }
        assert!(
            Threshold::parse("p99>200")
                .unwrap_err()
                .contains("p99>200ms")
        );
    }

    #[test]
    fn checks_latency_errors_and_rate() {
        let latencies = histogram((1..=1000).map(|ms| ms * 1000));
        assert!(check("p99>900ms", &latencies, 1000, 0).crossed);
        assert!(!check("p99>995ms", &latencies, 1000, 0).crossed);
        // Percentiles are the histogram's (within 0.1%): the 500th of 1000 values is 500.2 ms.
        assert!(check("p50<=501ms", &latencies, 1000, 0).crossed);
        assert!(!check("p50<=499ms", &latencies, 1000, 0).crossed);
        assert!(!check("p50<400ms", &latencies, 1000, 0).crossed);
        assert!(check("max>=1s", &latencies, 1000, 0).crossed);
        let p999 = check("p999>1ms", &latencies, 1000, 0);
        assert!((p999.value - 999.0).abs() < 1.0, "{p999:?}");
        let errors = check("errors>1%", &latencies, 1000, 20);
        assert_eq!((errors.value, errors.crossed), (2.0, true));
        assert_eq!(errors.measured(), "2%");
        assert_eq!(check("rate<1", &latencies, 1, 0).measured(), "950/s");
        assert_eq!(check("max<1s", &latencies, 1, 0).measured(), "1000.447 ms");
        assert!(!check("errors>1%", &latencies, 1000, 10).crossed);
        assert!(!check("errors>0%", &latencies, 0, 0).crossed);
        assert!(check("rate<1000", &latencies, 1000, 0).crossed);
        assert!(!check("rate>1000", &latencies, 1000, 0).crossed);
        // Nothing measured: latencies read as zero.
        let empty = histogram([]);
        assert!(!check("p99>1ms", &empty, 0, 0).crossed);
    }
}
