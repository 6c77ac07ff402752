//! The one backoff of agentctl: exponential with a cap, full jitter where many clients retry
//! together, ±10% spread for schedules, and the server's `Retry-After`. Each user keeps its
//! own documented constants:
//!
//! - the client's retries: [`CLIENT_RETRY`] (250 ms doubling up to 8 s, full jitter, or the
//!   server's `Retry-After` up to [`MAX_RETRY_AFTER`]);
//! - `heartbeat send --every` after a failed beat: [`EVERY_FAILURE`] (500 ms doubling up to 8 s,
//!   full jitter);
//! - `watch`, per agent after failed polls: [`Backoff::for_watch`] (the interval doubling from
//!   the second failure up to a minute, or the interval if longer, ±10%).

use std::time::{Duration, SystemTime};

/// Exponential growth from `base`, doubling per attempt, never above `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

/// Retries inside the API client.
pub const CLIENT_RETRY: Backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(8));

/// `heartbeat send --every` after a failed beat.
pub const EVERY_FAILURE: Backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(8));

/// The longest `Retry-After` honored; a server asking for more gets its error reported instead.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The longest wait between two polls of a failing agent in `watch`, unless the interval is
/// longer.
const WATCH_CAP: Duration = Duration::from_secs(60);

impl Backoff {
    pub const fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff { base, cap }
    }

    /// `watch`: polls at the interval, backing off up to a minute (or the interval).
    pub fn for_watch(interval: Duration) -> Backoff {
        Backoff::new(interval, interval.max(WATCH_CAP))
    }

    /// The longest wait after failure number `attempt + 1`: `min(cap, base · 2^attempt)`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        self.base
            .saturating_mul(1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX))
            .min(self.cap)
    }

    /// Full jitter: uniform in `0..ceiling(attempt)`, so clients that failed together do not
    /// retry together.
    pub fn full_jitter(&self, attempt: u32) -> Duration {
        self.ceiling(attempt).mul_f64(fastrand::f64())
    }
}

/// ±10%: schedules started together (agents, polls) drift apart instead of moving in lockstep.
pub fn spread(wait: Duration) -> Duration {
    wait.mul_f64(0.9 + 0.2 * fastrand::f64())
}

/// `Retry-After: 3` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait before a retry: the server's `Retry-After` when it sent a usable one (a date is
/// read against `now`), else full jitter. `None` when the server asks for longer than
/// [`MAX_RETRY_AFTER`]: its error is reported instead of blocking.
pub fn retry_wait(
    backoff: &Backoff,
    attempt: u32,
    retry_after: Option<&str>,
    now: SystemTime,
) -> Option<Duration> {
    match retry_after.and_then(|value| parse_retry_after(value, now)) {
        Some(wait) if wait > MAX_RETRY_AFTER => None,
        Some(wait) => Some(wait),
        None => Some(backoff.full_jitter(attempt)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_and_stop_at_the_cap() {
        let ms = Duration::from_millis;
        assert_eq!(CLIENT_RETRY.ceiling(0), ms(250));
        assert_eq!(CLIENT_RETRY.ceiling(1), ms(500));
        assert_eq!(CLIENT_RETRY.ceiling(5), Duration::from_secs(8));
        assert_eq!(CLIENT_RETRY.ceiling(u32::MAX), Duration::from_secs(8));
        assert_eq!(EVERY_FAILURE.ceiling(0), ms(500));
        assert_eq!(EVERY_FAILURE.ceiling(2), Duration::from_secs(2));
        let watch = Backoff::for_watch(Duration::from_secs(5));
        assert_eq!(watch.ceiling(0), Duration::from_secs(5));
        assert_eq!(watch.ceiling(1), Duration::from_secs(10));
        assert_eq!(watch.ceiling(40), Duration::from_secs(60));
        let slow = Backoff::for_watch(Duration::from_secs(90));
        assert_eq!(slow.ceiling(3), Duration::from_secs(90));
    }

    #[test]
    fn full_jitter_spans_the_range_below_the_ceiling() {
        let waits: Vec<Duration> = (0..200).map(|_| EVERY_FAILURE.full_jitter(4)).collect();
        assert!(waits.iter().all(|w| *w <= Duration::from_secs(8)));
        assert!(waits.iter().any(|w| *w < Duration::from_secs(2)));
        assert!(waits.iter().any(|w| *w > Duration::from_secs(6)));
    }

    #[test]
    fn spread_stays_within_ten_percent() {
        for _ in 0..200 {
            let wait = spread(Duration::from_secs(10));
            assert!(wait >= Duration::from_secs(9) && wait <= Duration::from_secs(11));
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            retry_wait(&CLIENT_RETRY, 0, Some("2"), now),
            Some(Duration::from_secs(2))
        );
        // A date is as far off as `now` says.
        assert_eq!(
            retry_wait(&CLIENT_RETRY, 0, Some(&later), now),
            Some(Duration::from_secs(30))
        );
        let far = httpdate::fmt_http_date(now + Duration::from_secs(61));
        assert_eq!(retry_wait(&CLIENT_RETRY, 0, Some(&far), now), None);
        assert_eq!(retry_wait(&CLIENT_RETRY, 0, Some("61"), now), None);
        let jitter = |value| retry_wait(&CLIENT_RETRY, 0, value, now).unwrap();
        assert!(jitter(Some("x")) <= Duration::from_millis(250));
        assert!(jitter(None) <= Duration::from_millis(250));
    }
}
