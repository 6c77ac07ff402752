//! The one shutdown signal of a run: SIGINT, SIGTERM and SIGHUP end every command the same
//! way (contract §6). Handlers are installed once, at start-up; commands get a cloneable
//! [`Shutdown`] from their `Context` and wait on it where they can stop cleanly (finish the
//! request in flight, print a summary, restore the terminal). Commands that do not wait on it
//! are stopped by `run` when it fires.

use tokio::sync::watch;

/// The signals that end a command, each with its exit code of 128 + its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGHUP: the terminal or the SSH session went away.
    Hangup,
    /// SIGINT: Ctrl-C.
    Interrupt,
    /// SIGTERM: `kill`, `timeout`, a CI runner or Kubernetes stopping the process.
    Terminate,
}

impl Signal {
    pub fn number(self) -> u8 {
        match self {
            Signal::Hangup => 1,
            Signal::Interrupt => 2,
            Signal::Terminate => 15,
        }
    }

    /// 128 + the signal's number, as a shell reports a process killed by it.
    pub fn exit_code(self) -> u8 {
        128 + self.number()
    }

    pub fn name(self) -> &'static str {
        match self {
            Signal::Hangup => "SIGHUP",
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }
}

/// A cloneable future-maker that resolves once a stop signal has arrived, and says which.
#[derive(Clone)]
pub struct Shutdown {
    received: watch::Receiver<Option<Signal>>,
}

/// The sending side, for tests and for the signal listener.
pub struct ShutdownTrigger {
    sender: watch::Sender<Option<Signal>>,
}

impl ShutdownTrigger {
    /// Fires the shutdown (the first signal wins; later ones are ignored).
    pub fn fire(&self, signal: Signal) {
        self.sender.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(signal);
                true
            } else {
                false
            }
        });
    }
}

impl Shutdown {
    /// A shutdown that only fires when the returned trigger says so (tests, the demo).
    pub fn manual() -> (ShutdownTrigger, Shutdown) {
        let (sender, received) = watch::channel(None);
        (ShutdownTrigger { sender }, Shutdown { received })
    }

    /// A shutdown that never fires.
    pub fn never() -> Shutdown {
        let (trigger, shutdown) = Shutdown::manual();
        // Keep the sender alive for the life of the process, so `wait` pends forever.
        std::mem::forget(trigger);
        shutdown
    }

    /// Listens for SIGINT, SIGTERM and SIGHUP from now on. Must be called inside a tokio
    /// runtime; the handlers replace the default "die at once", so every command ends through
    /// this value. Where a handler cannot be installed, that signal keeps its default action.
    pub fn from_process() -> Shutdown {
        let (trigger, shutdown) = Shutdown::manual();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                (SignalKind::interrupt(), Signal::Interrupt),
                (SignalKind::terminate(), Signal::Terminate),
                (SignalKind::hangup(), Signal::Hangup),
            ];
            let mut streams = Vec::new();
            for (kind, which) in kinds {
                if let Ok(stream) = signal(kind) {
                    streams.push((stream, which));
                }
            }
            tokio::spawn(async move {
                let waits = streams.iter_mut().map(|(stream, which)| {
                    let which = *which;
                    Box::pin(async move {
                        stream.recv().await;
                        which
                    })
                });
                let (which, _, _) = futures_util::future::select_all(waits).await;
                trigger.fire(which);
                // Hold the streams: a second signal must not fall back to the default action
                // while the command is still cleaning up.
                std::future::pending::<()>().await;
            });
        }
        #[cfg(not(unix))]
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                trigger.fire(Signal::Interrupt);
            }
            std::future::pending::<()>().await;
        });
        shutdown
    }

    /// The signal, if one has arrived.
    pub fn received(&self) -> Option<Signal> {
        *self.received.borrow()
    }

    /// Resolves when a stop signal arrives (at once if one already has).
    pub async fn wait(&self) -> Signal {
        let mut received = self.received.clone();
        loop {
            if let Some(signal) = *received.borrow_and_update() {
                return signal;
            }
            if received.changed().await.is_err() {
                // The trigger is gone: no signal can come any more.
                return std::future::pending().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_128_plus_the_signal() {
        assert_eq!(Signal::Hangup.exit_code(), 129);
        assert_eq!(Signal::Interrupt.exit_code(), 130);
        assert_eq!(Signal::Terminate.exit_code(), 143);
    }

    #[tokio::test]
    async fn the_first_signal_wins_and_every_clone_sees_it() {
        let (trigger, shutdown) = Shutdown::manual();
        let other = shutdown.clone();
        assert_eq!(shutdown.received(), None);
        let waiting = tokio::spawn(async move { other.wait().await });
        trigger.fire(Signal::Terminate);
        trigger.fire(Signal::Interrupt);
        assert_eq!(waiting.await.unwrap(), Signal::Terminate);
        assert_eq!(shutdown.wait().await, Signal::Terminate);
        assert_eq!(shutdown.received(), Some(Signal::Terminate));
    }

    #[tokio::test]
    async fn a_dropped_trigger_never_fires() {
        let (trigger, shutdown) = Shutdown::manual();
        drop(trigger);
        let waited =
            tokio::time::timeout(std::time::Duration::from_millis(20), shutdown.wait()).await;
        assert!(waited.is_err());
    }
}
