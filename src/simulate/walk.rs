//! The metrics of one simulated agent: CPU and memory as bounded random walks, so a dashboard
//! fed by a simulation shows plausible, moving lines rather than noise or constants.

use crate::api::HeartbeatRequest;
use std::time::Duration;

/// The version simulated agents report.
pub const SIMULATED_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "-sim");

/// Largest CPU change between two beats, in percentage points.
const CPU_STEP: f64 = 5.0;
/// Largest memory change between two beats: memory moves slower than CPU.
const MEM_STEP: f64 = 1.5;

/// 24 bytes per agent (a million agents hold 24 MB of walks): the generator's state, the
/// uptime at the start in seconds, and the two metrics in single precision (they are sent
/// with one decimal).
pub struct AgentWalk {
    rng: fastrand::Rng,
    /// Uptime at the start of the simulation: agents were not all booted at once.
    uptime_at_start_secs: u32,
    cpu: f32,
    mem: f32,
}

impl AgentWalk {
    pub fn new(seed: u64) -> AgentWalk {
        let mut rng = fastrand::Rng::with_seed(seed);
        let uptime_at_start_secs = rng.u32(60..30 * 86_400);
        let cpu = 5.0 + 50.0 * rng.f32();
        let mem = 20.0 + 50.0 * rng.f32();
        AgentWalk {
            rng,
            uptime_at_start_secs,
            cpu,
            mem,
        }
    }

    /// The next heartbeat, `elapsed` into the simulation: each metric takes one bounded step.
    pub fn next_beat(&mut self, elapsed: Duration) -> HeartbeatRequest {
        let cpu = reflect(
            f64::from(self.cpu) + CPU_STEP * (2.0 * self.rng.f64() - 1.0),
            0.0,
            100.0,
        );
        let mem = reflect(
            f64::from(self.mem) + MEM_STEP * (2.0 * self.rng.f64() - 1.0),
            0.0,
            100.0,
        );
        (self.cpu, self.mem) = (cpu as f32, mem as f32);
        HeartbeatRequest {
            version: SIMULATED_VERSION.to_owned(),
            uptime: u64::from(self.uptime_at_start_secs) + elapsed.as_secs(),
            cpu_usage: one_decimal(cpu),
            mem_usage: one_decimal(mem),
        }
    }
}

/// Keeps a walk within [low, high] by bouncing off the bounds (clamping would make it stick).
fn reflect(value: f64, low: f64, high: f64) -> f64 {
    let bounced = if value < low {
        2.0 * low - value
    } else if value > high {
        2.0 * high - value
    } else {
        value
    };
    bounced.clamp(low, high)
}

fn one_decimal(value: f64) -> f64 {
    ((value * 10.0).round() / 10.0).clamp(0.0, 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_stay_in_range_and_move_by_bounded_steps() {
        let mut walk = AgentWalk::new(7);
        let mut previous = walk.next_beat(Duration::ZERO);
        for second in 1..10_000 {
            let beat = walk.next_beat(Duration::from_secs(second));
            beat.validate().unwrap();
            assert!((beat.cpu_usage - previous.cpu_usage).abs() <= CPU_STEP + 0.1);
            assert!((beat.mem_usage - previous.mem_usage).abs() <= MEM_STEP + 0.1);
            assert_eq!(beat.uptime, previous.uptime + 1);
            previous = beat;
        }
    }

    #[test]
    fn walks_differ_between_agents() {
        let a = AgentWalk::new(1).next_beat(Duration::ZERO);
        let b = AgentWalk::new(2).next_beat(Duration::ZERO);
        assert_ne!(
            (a.cpu_usage, a.mem_usage, a.uptime),
            (b.cpu_usage, b.mem_usage, b.uptime)
        );
    }

    #[test]
    fn a_walk_is_small() {
        assert!(std::mem::size_of::<AgentWalk>() <= 24);
    }

    #[test]
    fn reflection_bounces() {
        assert_eq!(reflect(-3.0, 0.0, 100.0), 3.0);
        assert_eq!(reflect(104.0, 0.0, 100.0), 96.0);
        assert_eq!(reflect(50.0, 0.0, 100.0), 50.0);
    }
}
