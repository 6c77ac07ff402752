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

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// The clock of a run; cheap to clone and to read.
#[derive(Clone, Debug)]
pub struct Clock(Wall);

#[derive(Clone, Debug)]
enum Wall {
    System,
    /// Shared by the clones, so a test moves the clock it handed out.
    Frozen(Arc<Mutex<Frozen>>),
}

/// A test clock: the time of day it shows, and how far its monotonic time is ahead of tokio's.
#[derive(Debug)]
struct Frozen {
    wall: SystemTime,
    ahead: Duration,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock(Wall::System)
    }

    /// A clock whose time of day stands still at `at` (its monotonic time is tokio's).
    pub fn frozen_at(at: SystemTime) -> Clock {
        Clock(Wall::Frozen(Arc::new(Mutex::new(Frozen {
            wall: at,
            ahead: Duration::ZERO,
        }))))
    }

    fn frozen(&self) -> Option<std::sync::MutexGuard<'_, Frozen>> {
        match &self.0 {
            Wall::System => None,
            Wall::Frozen(frozen) => Some(frozen.lock().unwrap_or_else(|e| e.into_inner())),
        }
    }

    /// The time of day.
    pub fn now(&self) -> SystemTime {
        match self.frozen() {
            None => SystemTime::now(),
            Some(frozen) => frozen.wall,
        }
    }

    /// The monotonic time, as tokio's timers count it (plus what `advance` added, on a frozen
    /// clock: timers do not see that part).
    pub fn instant(&self) -> Instant {
        let now = tokio::time::Instant::now().into_std();
        match self.frozen() {
            None => now,
            Some(frozen) => now + frozen.ahead,
        }
    }

    /// A frozen clock: lets `by` pass, on the time of day and the monotonic time alike (and on
    /// every clone). The system clock is not moved.
    pub fn advance(&self, by: Duration) {
        if let Some(mut frozen) = self.frozen() {
            frozen.wall += by;
            frozen.ahead += by;
        }
    }

    /// A frozen clock: sets the time of day to `at`, as an operator or NTP stepping the
    /// system clock does; the monotonic time does not move. The system clock is not moved.
    pub fn set_time_of_day(&self, at: SystemTime) {
        if let Some(mut frozen) = self.frozen() {
            frozen.wall = at;
        }
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

    #[test]
    fn a_frozen_clock_moves_when_told_and_its_clones_with_it() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let clock = Clock::frozen_at(at);
        let clone = clock.clone();
        let start = clock.instant();
        clock.advance(Duration::from_secs(90));
        assert_eq!(clone.now(), at + Duration::from_secs(90));
        assert!(clone.since(start) >= Duration::from_secs(90));
        clone.set_time_of_day(at - Duration::from_secs(3600));
        assert_eq!(clock.now(), at - Duration::from_secs(3600));
        assert!(
            clock.since(start) >= Duration::from_secs(90),
            "monotonic time kept"
        );
        let system = Clock::system();
        system.advance(Duration::from_secs(1_000_000_000));
        assert!(system.now() < at + Duration::from_secs(1_000_000_000));
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
