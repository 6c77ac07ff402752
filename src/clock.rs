//! What time it is, for everything that prints a time or measures one: the time of day
//! (stamps, "12s ago", `--start-at`) and the monotonic time (latencies, uptimes, when the
//! next poll or beat is due). The system clock in a run (gh's `Now`); a frozen one in tests,
//! so a rendered age or stamp is the same on every run.
//!
//! The monotonic time is always tokio's (`tokio::time::Instant::now()`): the instants handed
//! to timers and the readings compared with them must come from one clock, or a loop that
//! sleeps until a deadline would never see it pass. A test that wants monotonic time to
//! stand still pauses tokio's clock (`tokio::time::pause`), which moves timers with it.
//! Without tokio's `test-util` feature (any build but the tests) that is
//! `std::time::Instant::now()`, at no extra cost.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// The clock of a run; cheap to clone and to read.
#[derive(Clone, Debug)]
pub struct Clock(Wall);

#[derive(Clone, Debug)]
enum Wall {
    System,
    Frozen(Arc<SystemTime>),
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock(Wall::System)
    }

    /// A clock whose time of day stands still at `at` (its monotonic time is tokio's).
    pub fn frozen_at(at: SystemTime) -> Clock {
        Clock(Wall::Frozen(Arc::new(at)))
    }

    /// The time of day.
    pub fn now(&self) -> SystemTime {
        match &self.0 {
            Wall::System => SystemTime::now(),
            Wall::Frozen(at) => **at,
        }
    }

    /// The monotonic time, as tokio's timers count it.
    pub fn instant(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }

    /// How long ago `earlier` was (zero if it is not in the past).
    pub fn since(&self, earlier: Instant) -> std::time::Duration {
        self.instant().saturating_duration_since(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_frozen_clock_stands_still() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let clock = Clock::frozen_at(at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.clone().now(), at);
        let system = Clock::system().now();
        assert!(system > at - Duration::from_secs(1_000_000_000));
    }

    #[tokio::test(start_paused = true)]
    async fn monotonic_time_is_tokios() {
        let clock = Clock::frozen_at(SystemTime::UNIX_EPOCH);
        let start = clock.instant();
        tokio::time::sleep(Duration::from_secs(90)).await;
        assert_eq!(clock.since(start), Duration::from_secs(90));
        assert_eq!(clock.since(start + Duration::from_secs(91)), Duration::ZERO);
    }
}
