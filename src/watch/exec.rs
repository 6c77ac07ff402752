//! `watch --exec CMD`: a handler run for each change, as Consul's watch handlers are.
//!
//! Each change runs `sh -c CMD` with the event's JSON line on stdin and
//! `AGENTCTL_EVENT_UUID`, `AGENTCTL_EVENT_FROM` (empty for the first event) and
//! `AGENTCTL_EVENT_TO` in its environment, and without `AGENTCTL_TOKEN` and
//! `AGENTCTL_DEV_TOKEN` (a handler is any command, and the token is not its to see: one that
//! needs the API reads a token file). The changes of one agent are handled in order, one
//! at a time; at most `concurrency` handlers run at once; each is killed after `timeout`. A
//! handler that fails, hangs or cannot start is reported on stderr and never stops the watch.
//! Its output is not shown (it would tear a live table or a JSON stream apart); a failure is
//! reported with the last line it wrote to stderr.
//!
//! The handlers run on tasks of their own, fed from a bounded queue
//! ([`HandlerQueue`](super::handler_queue::HandlerQueue)): the poll loop never waits for
//! them. When handlers fall behind (a slow handler, a flapping fleet), the waiting changes of
//! each agent are folded into its latest one, `from` what its handler last saw, with a
//! `"coalesced":N` field on the event line counting the changes folded in; how many were
//! folded is said on stderr at most once per interval, and in all when the watch ends. When
//! the watch ends, [`Handlers::finish`] lets the queued and running handlers finish within
//! one more `timeout`, then stops what is left.

use super::handler_queue::{HandlerQueue, Pending};
use super::state::Change;
use crate::sanitize::sanitize;
use crate::shutdown::Shutdown;
use crate::ui::Ui;
use std::pin::Pin;
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;
use tokio::task::JoinSet;

/// The most of a handler's stderr kept for its failure report.
const STDERR_KEPT: usize = 4096;

/// The variables a handler's environment never holds: the tokens agentctl itself may have
/// been given.
pub const WITHHELD_VARS: [&str; 2] = ["AGENTCTL_TOKEN", "AGENTCTL_DEV_TOKEN"];

/// How handlers are run.
#[derive(Debug, Clone)]
pub struct ExecConfig {
    pub command: String,
    pub concurrency: usize,
    pub timeout: Duration,
    /// The most changes waiting for handlers before they are folded per agent
    /// ([`QUEUE_CAPACITY`](super::handler_queue::QUEUE_CAPACITY)).
    pub capacity: usize,
    /// The shortest time between two reports of folded changes (the watch's interval).
    pub report_every: Duration,
}

/// One change for a handler: who, from what, to what, and the event line.
#[derive(Debug, Clone)]
struct Event {
    uuid: String,
    from: Option<String>,
    to: String,
    line: String,
}

impl Event {
    fn of(pending: &Pending) -> Event {
        let change = &pending.change;
        let mut line = change.to_json_line();
        if pending.coalesced > 0 {
            // The line is one object: the count goes in before its closing brace.
            line.pop();
            line.push_str(&format!(",\"coalesced\":{}}}", pending.coalesced));
        }
        Event {
            uuid: change.uuid.clone(),
            from: change.from.as_ref().map(ToString::to_string),
            to: change.to.to_string(),
            line,
        }
    }
}

/// What the watch and the dispatcher share: the queue, and whether the watch is over.
struct Shared {
    queue: HandlerQueue,
    closed: bool,
    /// Changes folded since the watch began.
    folded_total: u64,
}

type SharedQueue = Arc<Mutex<Shared>>;

fn lock(shared: &SharedQueue) -> std::sync::MutexGuard<'_, Shared> {
    // A panic elsewhere leaves the queue consistent (every change to it is one call).
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The handle the watch holds: changes go in, [`finish`](Self::finish) waits at the end.
pub struct Handlers {
    shared: SharedQueue,
    wake: Arc<Notify>,
    dispatcher: tokio::task::JoinHandle<()>,
    timeout: Duration,
    ui: Arc<Ui>,
}

impl Handlers {
    /// Starts the dispatcher (call inside the runtime). Once `shutdown` has fired, no handler
    /// is started: a signal ends the watch, and the handlers it killed (they share the
    /// terminal's process group) must not be followed by the ones queued behind them.
    pub fn start(config: ExecConfig, ui: Arc<Ui>, shutdown: Shutdown) -> Handlers {
        let shared = Arc::new(Mutex::new(Shared {
            queue: HandlerQueue::new(config.capacity),
            closed: false,
            folded_total: 0,
        }));
        let wake = Arc::new(Notify::new());
        let timeout = config.timeout;
        let dispatcher = tokio::spawn(dispatch(
            config,
            shared.clone(),
            wake.clone(),
            ui.clone(),
            shutdown,
        ));
        Handlers {
            shared,
            wake,
            dispatcher,
            timeout,
            ui,
        }
    }

    /// Queues the handler run for one change.
    pub fn change(&self, change: &Change) {
        lock(&self.shared).queue.push(change.clone());
        self.wake.notify_one();
    }

    /// The watch is over: no new events. Queued handlers still run unless `interrupted` (a
    /// signal: only the running ones are waited for). Everything is bounded by one more
    /// `--exec-timeout`; what is still running then is killed and reported.
    pub async fn finish(self, interrupted: bool) {
        {
            let mut shared = lock(&self.shared);
            if interrupted {
                shared.queue.clear();
            }
            shared.closed = true;
        }
        self.wake.notify_one();
        let mut dispatcher = self.dispatcher;
        if tokio::time::timeout(self.timeout, &mut dispatcher)
            .await
            .is_err()
        {
            dispatcher.abort();
            // Aborting drops the running children, which kills them (kill_on_drop).
            let _ = dispatcher.await;
            self.ui.warn(&format!(
                "--exec: handlers still running {} after the watch ended were stopped",
                crate::duration::format_duration(self.timeout)
            ));
        }
        let folded = folded_in_all(&self.shared);
        if folded > 0 {
            self.ui.warn(&format!(
                "--exec: {folded} change{} in all {} folded into a later change of the same agent \
                 (the handlers fell behind)",
                plural(folded),
                if folded == 1 { "was" } else { "were" }
            ));
        }
    }
}

/// Folded changes counted by the dispatcher, plus any it did not get to count.
fn folded_in_all(shared: &SharedQueue) -> u64 {
    let mut shared = lock(shared);
    let late = shared.queue.take_coalesced();
    shared.folded_total += late;
    shared.folded_total
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Starts a handler for an agent when it has a change waiting, none of its own running, and
/// a slot is free; says how many changes were folded, at most once per `report_every`.
async fn dispatch(
    config: ExecConfig,
    shared: SharedQueue,
    wake: Arc<Notify>,
    ui: Arc<Ui>,
    shutdown: Shutdown,
) {
    let config = Arc::new(config);
    let mut running: JoinSet<String> = JoinSet::new();
    // Folded since the last report, and the timer of the next report.
    let mut unreported: u64 = 0;
    let mut report: Option<Pin<Box<tokio::time::Sleep>>> = None;
    loop {
        let over = {
            let mut shared = lock(&shared);
            if shutdown.received().is_some() {
                shared.queue.clear();
            }
            while running.len() < config.concurrency
                && let Some(pending) = shared.queue.next()
            {
                let event = Event::of(&pending);
                let config = config.clone();
                let ui = ui.clone();
                running.spawn(async move {
                    if let Err(problem) = run_handler(&config, &event).await {
                        ui.warn(&format!(
                            "--exec handler for {} ({} → {}) {problem}",
                            sanitize(&event.uuid),
                            sanitize(event.from.as_deref().unwrap_or("null")),
                            sanitize(&event.to)
                        ));
                    }
                    event.uuid
                });
            }
            let folded = shared.queue.take_coalesced();
            shared.folded_total += folded;
            unreported += folded;
            shared.closed && shared.queue.is_empty()
        };
        if unreported > 0 && report.is_none() {
            report = Some(Box::pin(tokio::time::sleep(config.report_every)));
        }
        if over && running.is_empty() {
            return;
        }
        tokio::select! {
            () = wake.notified() => {}
            Some(done) = running.join_next(), if !running.is_empty() => {
                if let Ok(uuid) = done {
                    lock(&shared).queue.done(&uuid);
                }
            }
            () = async { report.as_mut().expect("armed").await }, if report.is_some() => {
                report = None;
                ui.warn(&format!(
                    "--exec: handlers are behind: {unreported} change{} folded into a later \
                     change of the same agent in the last {}",
                    plural(unreported),
                    crate::duration::format_duration(config.report_every)
                ));
                unreported = 0;
            }
        }
    }
}

/// Runs one handler to its end or its timeout; `Err` says what went wrong.
async fn run_handler(config: &ExecConfig, event: &Event) -> Result<(), String> {
    let mut command = tokio::process::Command::new("sh");
    for var in WITHHELD_VARS {
        command.env_remove(var);
    }
    let mut child = command
        .arg("-c")
        .arg(&config.command)
        .env("AGENTCTL_EVENT_UUID", &event.uuid)
        .env("AGENTCTL_EVENT_FROM", event.from.as_deref().unwrap_or(""))
        .env("AGENTCTL_EVENT_TO", &event.to)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|err| format!("could not start `sh`: {err}"))?;
    let stdin = child.stdin.take();
    let mut stderr = child.stderr.take();
    let line = format!("{}\n", event.line);
    let work = async {
        let feed = async {
            if let Some(mut stdin) = stdin {
                // A handler that does not read its stdin is not an error.
                let _ = stdin.write_all(line.as_bytes()).await;
            }
        };
        let collect = async {
            let mut kept = Vec::new();
            if let Some(stderr) = stderr.as_mut() {
                let mut buffer = [0u8; 1024];
                loop {
                    match tokio::io::AsyncReadExt::read(stderr, &mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            kept.extend_from_slice(&buffer[..n]);
                            if kept.len() > STDERR_KEPT {
                                kept.drain(..kept.len() - STDERR_KEPT);
                            }
                        }
                    }
                }
            }
            kept
        };
        let ((), kept, status) = tokio::join!(feed, collect, child.wait());
        (kept, status)
    };
    match tokio::time::timeout(config.timeout, work).await {
        Err(_) => {
            let _ = child.kill().await;
            Err(format!(
                "did not finish within {}: killed",
                crate::duration::format_duration(config.timeout)
            ))
        }
        Ok((_, Err(err))) => Err(format!("could not be waited for: {err}")),
        Ok((kept, Ok(status))) if !status.success() => {
            let said = String::from_utf8_lossy(&kept);
            let last = said
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            let how = match status.code() {
                Some(code) => format!("exited with status {code}"),
                None => "was killed by a signal".to_owned(),
            };
            if last.is_empty() {
                Err(how)
            } else {
                let last: String = last.chars().take(200).collect();
                Err(format!("{how}: {}", sanitize(&last)))
            }
        }
        Ok(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::handler_queue::tests::change;

    #[tokio::test]
    async fn handlers_run_in_order_per_agent_and_failures_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let command = format!(
            "read line; echo \"$AGENTCTL_EVENT_UUID $AGENTCTL_EVENT_FROM>$AGENTCTL_EVENT_TO\" >> '{}'; \
             [ \"$AGENTCTL_EVENT_TO\" != offline ] || {{ echo 'disk full' >&2; exit 3; }}",
            log.display()
        );
        let (ui, captured) = Ui::captured(false);
        let handlers = Handlers::start(
            ExecConfig {
                command,
                concurrency: 1,
                timeout: Duration::from_secs(10),
                capacity: 16,
                report_every: Duration::from_secs(5),
            },
            Arc::new(ui),
            Shutdown::never(),
        );
        handlers.change(&change("a", None, "online"));
        handlers.change(&change("a", Some("online"), "delayed"));
        handlers.change(&change("a", Some("delayed"), "offline"));
        handlers.finish(false).await;
        let written = std::fs::read_to_string(&log).unwrap();
        assert_eq!(written, "a >online\na online>delayed\na delayed>offline\n");
        assert_eq!(
            captured.stderr(),
            "warning: --exec handler for a (delayed → offline) exited with status 3: disk full\n"
        );
    }

    #[tokio::test]
    async fn a_full_queue_hands_the_latest_change_and_counts_what_was_folded() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let command = format!(
            "read line; echo \"[$AGENTCTL_EVENT_FROM>$AGENTCTL_EVENT_TO] $line\" >> '{}'",
            log.display()
        );
        let (ui, captured) = Ui::captured(false);
        let handlers = Handlers::start(
            ExecConfig {
                command,
                concurrency: 1,
                timeout: Duration::from_secs(10),
                capacity: 2,
                report_every: Duration::from_secs(5),
            },
            Arc::new(ui),
            Shutdown::never(),
        );
        // Nothing yields between these: the dispatcher sees them all at once, past capacity.
        let statuses = ["online", "offline"];
        handlers.change(&change("a", None, "online"));
        for n in 0..9 {
            handlers.change(&change("a", Some(statuses[n % 2]), statuses[(n + 1) % 2]));
        }
        handlers.change(&change("b", None, "delayed"));
        handlers.finish(false).await;
        let written = std::fs::read_to_string(&log).unwrap();
        assert_eq!(
            written,
            "[>offline] {\"time\":\"1970-01-01T00:00:00.000Z\",\"uuid\":\"a\",\"from\":null,\
             \"to\":\"offline\",\"agent\":null,\"coalesced\":9}\n\
             [>delayed] {\"time\":\"1970-01-01T00:00:00.000Z\",\"uuid\":\"b\",\"from\":null,\
             \"to\":\"delayed\",\"agent\":null}\n"
        );
        assert_eq!(
            captured.stderr(),
            "warning: --exec: 9 changes in all were folded into a later change of the same \
             agent (the handlers fell behind)\n"
        );
    }

    #[tokio::test]
    async fn after_a_signal_no_queued_handler_starts() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let (ui, _) = Ui::captured(false);
        let (trigger, shutdown) = Shutdown::manual();
        let handlers = Handlers::start(
            ExecConfig {
                command: format!("echo \"$AGENTCTL_EVENT_UUID\" >> '{}'", log.display()),
                concurrency: 1,
                timeout: Duration::from_secs(10),
                capacity: 16,
                report_every: Duration::from_secs(5),
            },
            Arc::new(ui),
            shutdown,
        );
        trigger.fire(crate::shutdown::Signal::Terminate);
        handlers.change(&change("a", None, "online"));
        // The dispatcher runs before the watch gets to `finish`.
        tokio::task::yield_now().await;
        handlers.finish(true).await;
        assert!(!log.exists(), "{:?}", std::fs::read_to_string(&log));
    }
}
