//! Waking at each beat's due time, to within a fraction of a millisecond.
//!
//! tokio's timer is a wheel of 1 ms slots that rounds every deadline up to the next slot, so
//! a beat woken by it leaves up to a millisecond after it was due; latency is measured from
//! the due time (coordinated omission), so that delay would be counted as the server's. A
//! pacer thread sleeps to each due time with the OS's own sleep (a high-resolution timer on
//! Linux, tens of µs of slack) and hands the beat to the runtime, which never sleeps on a
//! beat itself. No spinning: the CPU it costs is one wake-up per beat.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The longest a pacer sleeps at once, so that it notices a stop within this long.
const STOP_CHECK: Duration = Duration::from_millis(20);

/// Beats due, in order, as `(beat number, due time)`; ends when the schedule does.
pub struct Pacer {
    receiver: mpsc::Receiver<(u64, Instant)>,
    stop: Arc<AtomicBool>,
}

impl Pacer {
    /// Starts a thread that sends beat `n` at `due(n)`, for n = 0, 1, … until `due` returns
    /// None. At most `backlog` beats wait for the runtime; beyond that the thread waits too
    /// (the beats are then late, and counted so, as they would be anyway).
    pub fn start(due: impl Fn(u64) -> Option<Instant> + Send + 'static, backlog: usize) -> Pacer {
        let (sender, receiver) = mpsc::channel(backlog.max(1));
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("agentctl-pacer".into())
            .spawn(move || {
                for beat in 0.. {
                    let Some(due) = due(beat) else { return };
                    loop {
                        if stopped.load(Ordering::Relaxed) {
                            return;
                        }
                        let now = Instant::now();
                        if now >= due {
                            break;
                        }
                        std::thread::sleep((due - now).min(STOP_CHECK));
                    }
                    if sender.blocking_send((beat, due)).is_err() {
                        return;
                    }
                }
            })
            .expect("a thread can be started");
        Pacer { receiver, stop }
    }

    /// The next beat that is due, once it is; None when the schedule has ended.
    pub async fn next(&mut self) -> Option<(u64, Instant)> {
        self.receiver.recv().await
    }
}

impl Drop for Pacer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // A thread blocked on a full channel wakes up when the receiver goes.
        self.receiver.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn beats_come_in_order_at_their_time_and_the_schedule_ends() {
        let start = Instant::now() + Duration::from_millis(5);
        let mut pacer = Pacer::start(
            move |beat| (beat < 20).then(|| start + Duration::from_micros(500 * beat)),
            4,
        );
        let mut seen = Vec::new();
        while let Some((beat, due)) = pacer.next().await {
            assert!(Instant::now() >= due, "beat {beat} came early");
            seen.push(beat);
        }
        assert_eq!(seen, (0..20).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn dropping_it_stops_the_thread() {
        let far = Instant::now() + Duration::from_secs(3600);
        let pacer = Pacer::start(move |_| Some(far), 1);
        drop(pacer);
        // Nothing to observe but that this returns: the thread checks for a stop every
        // STOP_CHECK and never sends.
    }
}
