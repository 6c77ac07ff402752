//! The ages at which an agent's status changes (`--delayed-after`, `--offline-after`).

use std::time::Duration;

/// Default age after which an agent is `delayed`.
pub const DEFAULT_DELAYED_AFTER: Duration = Duration::from_secs(20);
/// Default age after which an agent is `offline`.
pub const DEFAULT_OFFLINE_AFTER: Duration = Duration::from_secs(50);

/// The ages at which an agent stops being `online` and then `delayed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub delayed_after: Duration,
    pub offline_after: Duration,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            delayed_after: DEFAULT_DELAYED_AFTER,
            offline_after: DEFAULT_OFFLINE_AFTER,
        }
    }
}

impl Thresholds {
    /// Refuses `offline_after` ≤ `delayed_after` (there would be no `delayed` state).
    pub fn new(delayed_after: Duration, offline_after: Duration) -> Result<Thresholds, String> {
        if offline_after <= delayed_after {
            return Err(format!(
                "--offline-after ({}) must be longer than --delayed-after ({})",
                crate::duration::format_duration(offline_after),
                crate::duration::format_duration(delayed_after)
            ));
        }
        Ok(Thresholds {
            delayed_after,
            offline_after,
        })
    }
}
