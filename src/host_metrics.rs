//! This machine's uptime, CPU and memory use, for `heartbeat send --from-host`.

use std::time::Duration;
use sysinfo::{MINIMUM_CPU_UPDATE_INTERVAL, System};

/// How long CPU use is sampled: a single reading of the counters says nothing, two readings
/// this far apart give the average use in between.
pub const CPU_SAMPLE: Duration = Duration::from_millis(250);

/// One measurement of this host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostMetrics {
    /// Time since boot.
    pub uptime: Duration,
    /// CPU use over the sample, all cores, 0–100.
    pub cpu_percent: f64,
    /// Memory in use as `free` counts it: (total − available) / total, 0–100.
    pub mem_percent: f64,
}

/// Measures this host; takes `CPU_SAMPLE` (the CPU counters are read twice).
pub async fn measure() -> HostMetrics {
    let mut system = System::new();
    system.refresh_cpu_usage();
    tokio::time::sleep(CPU_SAMPLE.max(MINIMUM_CPU_UPDATE_INTERVAL)).await;
    system.refresh_cpu_usage();
    system.refresh_memory();
    HostMetrics {
        uptime: Duration::from_secs(System::uptime()),
        cpu_percent: round_percent(f64::from(system.global_cpu_usage())),
        mem_percent: round_percent(used_percent(
            system.total_memory(),
            system.available_memory(),
        )),
    }
}

/// Memory in use, in percent of `total`; 0 when the total is unknown.
fn used_percent(total: u64, available: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    total.saturating_sub(available) as f64 * 100.0 / total as f64
}

/// One decimal, within 0–100 (a counter glitch must not produce an invalid heartbeat).
fn round_percent(value: f64) -> f64 {
    if !value.is_finite() {
        return 0.0;
    }
    ((value * 10.0).round() / 10.0).clamp(0.0, 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_counted_like_free() {
        assert_eq!(used_percent(1000, 250), 75.0);
        assert_eq!(used_percent(1000, 2000), 0.0);
        assert_eq!(used_percent(0, 0), 0.0);
    }

    #[test]
    fn percentages_stay_valid() {
        assert_eq!(round_percent(12.345), 12.3);
        assert_eq!(round_percent(100.04), 100.0);
        assert_eq!(round_percent(-0.01), 0.0);
        assert_eq!(round_percent(f64::NAN), 0.0);
    }

    #[tokio::test]
    async fn measures_this_host() {
        let metrics = measure().await;
        assert!(metrics.uptime > Duration::ZERO);
        assert!((0.0..=100.0).contains(&metrics.cpu_percent));
        assert!(metrics.mem_percent > 0.0 && metrics.mem_percent <= 100.0);
    }
}
