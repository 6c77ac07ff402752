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
//! The handlers run on tasks of their own, fed through a channel: the poll loop never waits
//! for them. When the watch ends, [`Handlers::finish`] lets the queued and running handlers
//! finish within one more `timeout`, then stops what is left.

use super::state::Change;
use crate::sanitize::sanitize;
use crate::ui::Ui;
use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
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
}

/// One change for a handler: who, from what, to what, and the event line.
#[derive(Debug, Clone)]
struct Event {
    uuid: String,
    from: Option<String>,
    to: String,
    line: String,
}

enum Message {
    Event(Event),
    /// The watch was interrupted: run nothing more that has not started.
    DropQueued,
}

/// The handle the watch holds: changes go in, [`finish`](Self::finish) waits at the end.
pub struct Handlers {
    sender: mpsc::UnboundedSender<Message>,
    dispatcher: tokio::task::JoinHandle<()>,
    timeout: Duration,
    ui: Arc<Ui>,
}

impl Handlers {
    /// Starts the dispatcher (call inside the runtime).
    pub fn start(config: ExecConfig, ui: Arc<Ui>) -> Handlers {
        let (sender, receiver) = mpsc::unbounded_channel();
        let timeout = config.timeout;
        let dispatcher = tokio::spawn(dispatch(config, receiver, ui.clone()));
        Handlers {
            sender,
            dispatcher,
            timeout,
            ui,
        }
    }

    /// Queues the handler run for one change.
    pub fn change(&self, change: &Change) {
        let _ = self.sender.send(Message::Event(Event {
            uuid: change.uuid.clone(),
            from: change.from.as_ref().map(ToString::to_string),
            to: change.to.to_string(),
            line: change.to_json_line(),
        }));
    }

    /// The watch is over: no new events. Queued handlers still run unless `interrupted` (a
    /// signal: only the running ones are waited for). Everything is bounded by one more
    /// `--exec-timeout`; what is still running then is killed and reported.
    pub async fn finish(self, interrupted: bool) {
        if interrupted {
            let _ = self.sender.send(Message::DropQueued);
        }
        drop(self.sender);
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
    }
}

/// Owns the queues: starts a handler for an agent when it has an event waiting, none of its
/// own running, and a slot is free.
async fn dispatch(config: ExecConfig, mut receiver: mpsc::UnboundedReceiver<Message>, ui: Arc<Ui>) {
    let config = Arc::new(config);
    let mut queued: HashMap<String, VecDeque<Event>> = HashMap::new();
    // Agents with an event waiting and no handler running, oldest first.
    let mut ready: VecDeque<String> = VecDeque::new();
    let mut running: JoinSet<String> = JoinSet::new();
    let mut busy: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut open = true;
    loop {
        while running.len() < config.concurrency
            && let Some(uuid) = ready.pop_front()
        {
            let Some(event) = queued.get_mut(&uuid).and_then(VecDeque::pop_front) else {
                continue;
            };
            if queued.get(&uuid).is_some_and(VecDeque::is_empty) {
                queued.remove(&uuid);
            }
            busy.insert(uuid.clone());
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
        if !open && running.is_empty() && ready.is_empty() {
            return;
        }
        tokio::select! {
            message = receiver.recv(), if open => match message {
                Some(Message::Event(event)) => {
                    let uuid = event.uuid.clone();
                    let queue = queued.entry(uuid.clone()).or_default();
                    queue.push_back(event);
                    if queue.len() == 1 && !busy.contains(&uuid) {
                        ready.push_back(uuid);
                    }
                }
                Some(Message::DropQueued) => {
                    queued.clear();
                    ready.clear();
                }
                None => open = false,
            },
            Some(done) = running.join_next(), if !running.is_empty() => {
                if let Ok(uuid) = done {
                    busy.remove(&uuid);
                    if queued.contains_key(&uuid) {
                        ready.push_back(uuid);
                    }
                }
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
    use crate::status::StatusValue;
    use std::time::SystemTime;

    fn change(uuid: &str, from: Option<&str>, to: &str) -> Change {
        Change {
            time: SystemTime::UNIX_EPOCH,
            uuid: uuid.into(),
            from: from.map(StatusValue::of_text),
            to: StatusValue::of_text(to),
            agent: None,
            reason: None,
        }
    }

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
            },
            Arc::new(ui),
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
}
