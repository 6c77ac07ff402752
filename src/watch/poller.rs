//! The poll loop: one task that schedules every agent's next poll on a timer heap, keeps at
//! most `concurrency` requests in flight, turns answers into changes, re-lists for `--all`,
//! and stops on `--until`, `--timeout` or the stop signal (Ctrl-C).
//!
//! Time comes from `tokio::time` (so tests can pause and advance it) and wall-clock stamps
//! from `SystemTime`; the HTTP side is the `Fetch` trait, so the loop runs in-process against
//! a scripted fake.

use super::state::{Change, Watched};
use crate::api::{Agent, AgentId, ApiClient, ApiError};
use crate::backoff::{Backoff, spread};
use crate::error::{Error, ErrorKind, Result};
use crate::sanitize::sanitize;
use crate::shutdown::Signal;
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::future::Future;
use std::pin::pin;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// The shortest gap between two redraws of a live view caused by changes.
const FRAME_MIN_GAP: Duration = Duration::from_millis(100);

/// Where polls go: the API client, or a fake in tests.
pub trait Fetch {
    fn get_agent(&self, id: &AgentId) -> impl Future<Output = Result<Agent, ApiError>>;
    fn list_agents(&self) -> impl Future<Output = Result<Vec<Agent>, ApiError>>;
}

impl Fetch for ApiClient {
    fn get_agent(&self, id: &AgentId) -> impl Future<Output = Result<Agent, ApiError>> {
        ApiClient::get_agent(self, id)
    }

    fn list_agents(&self) -> impl Future<Output = Result<Vec<Agent>, ApiError>> {
        ApiClient::list_agents(self, &[])
    }
}

/// What the loop reports to: a JSON line writer or a live table.
pub trait Sink {
    /// A status change.
    fn change(&mut self, change: &Change) -> Result<()>;
    /// The whole picture, for views that redraw; `None` from `frame_every` means never asked.
    fn frame(&mut self, view: &View<'_>) -> Result<()>;
    fn frame_every(&self) -> Option<Duration>;
    /// The listing failed (`--all`); the watch goes on with the agents already known.
    fn list_failed(&mut self, reason: &str);
    /// The watch ends (also on Ctrl-C): leave the terminal as it was found.
    fn finish(&mut self, view: &View<'_>) -> Result<()>;
}

/// The state a live view draws.
pub struct View<'a> {
    pub agents: &'a BTreeMap<AgentId, Watched>,
    pub interval: Duration,
    pub now: SystemTime,
    /// Why the last listing failed, while it keeps failing (`--all`).
    pub list_error: Option<&'a str>,
}

/// Which agents to watch.
#[derive(Debug, Clone)]
pub enum Targets {
    Ids(Vec<AgentId>),
    /// Everything the listing returns, re-listed every interval.
    All,
}

/// A validated watch request.
#[derive(Debug, Clone)]
pub struct Plan {
    pub targets: Targets,
    pub interval: Duration,
    pub concurrency: usize,
    /// Stop with success once every watched agent has this status.
    pub until: Option<String>,
    /// Stop after this long: exit 7 with `until`, success without.
    pub timeout: Option<Duration>,
}

enum Done {
    Poll {
        id: AgentId,
        launched: Instant,
        outcome: Result<Agent, ApiError>,
    },
    List {
        launched: Instant,
        outcome: Result<Vec<Agent>, ApiError>,
    },
}

/// Runs the watch until `--until` is met (Ok), `--timeout` runs out (Ok without `until`,
/// `UntilTimeout` with it), or `stop` completes (the signal's exit code). A poll refused for the token
/// (401/403) ends it with that error (exit 3), as does a first listing that answers 404.
pub async fn watch<F: Fetch, S: Sink>(
    fetch: &F,
    sink: &mut S,
    plan: &Plan,
    stop: impl Future<Output = Signal>,
) -> Result<()> {
    let mut stop = pin!(stop);
    let start = Instant::now();
    let deadline = plan.timeout.map(|t| start + t);
    let listing = matches!(plan.targets, Targets::All);
    let mut agents: BTreeMap<AgentId, Watched> = BTreeMap::new();
    // Due polls, earliest first. An agent is in the heap at most once, and never while its
    // poll is in flight: the next one is scheduled when the answer arrives.
    let mut due: BinaryHeap<Reverse<(Instant, AgentId)>> = BinaryHeap::new();
    if let Targets::Ids(ids) = &plan.targets {
        for id in ids {
            if !agents.contains_key(id) {
                agents.insert(id.clone(), Watched::new(id.clone()));
                due.push(Reverse((start, id.clone())));
            }
        }
    }
    let mut next_list = listing.then_some(start);
    let mut list_failures: u32 = 0;
    let mut listed_once = false;
    let mut list_error: Option<String> = None;
    let mut in_flight = FuturesUnordered::new();
    let frame_every = sink.frame_every();
    // The first frame waits a moment, so that a fast first round shows statuses rather than
    // a table of agents still waiting for their first answer.
    let mut next_frame = frame_every.map(|_| start + FRAME_MIN_GAP);
    let mut last_frame = start;
    // Polls due within this slack of one another go out together: fewer timer wake-ups.
    let slack = (plan.interval / 100).min(Duration::from_millis(10));
    let mut timer = pin!(tokio::time::sleep_until(start));

    let outcome = loop {
        let now = Instant::now();
        if let Some(at) = next_list
            && at <= now
            && in_flight.len() < plan.concurrency
        {
            next_list = None;
            in_flight.push(boxed_list(fetch, now));
        }
        while in_flight.len() < plan.concurrency {
            match due.peek() {
                Some(Reverse((at, _))) if *at <= now + slack => {}
                _ => break,
            }
            let Some(Reverse((_, id))) = due.pop() else {
                break;
            };
            // An agent removed from the listing may still have an entry here.
            if agents.contains_key(&id) {
                in_flight.push(boxed_poll(fetch, id, now));
            }
        }
        if let (Some(every), Some(at)) = (frame_every, next_frame)
            && at <= now
        {
            let view = view(&agents, plan, list_error.as_deref());
            if let Err(err) = sink.frame(&view) {
                break Err(err);
            }
            last_frame = now;
            next_frame = Some(now + every);
        }
        if let Some(deadline) = deadline
            && deadline <= now
        {
            break match &plan.until {
                Some(status) => Err(until_timeout(&agents, status, plan)),
                None => Ok(()),
            };
        }

        let has_room = in_flight.len() < plan.concurrency;
        let wake = [
            due.peek().filter(|_| has_room).map(|Reverse((at, _))| *at),
            next_list.filter(|_| has_room),
            deadline,
            next_frame,
        ]
        .into_iter()
        .flatten()
        .min();
        if let Some(wake) = wake {
            timer.as_mut().reset(wake);
        }

        tokio::select! {
            biased;
            signal = &mut stop => {
                break Err(signal.into());
            }
            Some(done) = in_flight.next(), if !in_flight.is_empty() => {
                let wall = SystemTime::now();
                let now = Instant::now();
                let mut changes: Vec<Change> = Vec::new();
                match done {
                    Done::Poll { id, launched, outcome } => {
                        let Some(watched) = agents.get_mut(&id) else {
                            continue; // gone from the listing while in flight
                        };
                        let change = match outcome {
                            Ok(agent) => watched.answered(agent, wall),
                            // A refused token fails every poll alike: say so and stop,
                            // rather than mark the whole fleet unreachable.
                            Err(err) if err.kind() == ErrorKind::Auth => break Err(err.into()),
                            Err(err) => watched.failed(sanitize(&err.detail).into_owned(), wall),
                        };
                        changes.extend(change);
                        let wait = poll_delay(plan.interval, watched.failures);
                        due.push(Reverse(((launched + spread(wait)).max(now), id)));
                    }
                    Done::List { launched, outcome } => {
                        match outcome {
                            Ok(listed) => {
                                listed_once = true;
                                list_failures = 0;
                                list_error = None;
                                changes.extend(apply_listing(&mut agents, &mut due, listed, now, wall));
                            }
                            // A refused token, or a server that has no listing at all
                            // (404 before any listing worked): nothing to wait for.
                            Err(err)
                                if err.kind() == ErrorKind::Auth
                                    || (err.kind() == ErrorKind::NotFound && !listed_once) =>
                            {
                                break Err(err.into());
                            }
                            Err(err) => {
                                list_failures = list_failures.saturating_add(1);
                                let why = sanitize(&err.to_string()).into_owned();
                                sink.list_failed(&why);
                                list_error = Some(why);
                            }
                        }
                        let wait = poll_delay(plan.interval, list_failures);
                        next_list = Some((launched + spread(wait)).max(now));
                    }
                }
                if changes.is_empty() {
                    continue;
                }
                if let Some(err) = changes.iter().find_map(|change| sink.change(change).err()) {
                    break Err(err);
                }
                if frame_every.is_some() {
                    let soonest = last_frame + FRAME_MIN_GAP;
                    next_frame = Some(next_frame.map_or(soonest, |at| at.min(soonest)));
                }
                if let Some(status) = &plan.until
                    && reached(&agents, status)
                {
                    break Ok(());
                }
            }
            () = &mut timer, if wake.is_some() => {}
        }
    };
    let view = view(&agents, plan, list_error.as_deref());
    let finished = sink.finish(&view);
    outcome.and(finished)
}

fn boxed_poll<'a, F: Fetch>(
    fetch: &'a F,
    id: AgentId,
    launched: Instant,
) -> std::pin::Pin<Box<dyn Future<Output = Done> + 'a>> {
    Box::pin(async move {
        let outcome = fetch.get_agent(&id).await;
        Done::Poll {
            id,
            launched,
            outcome,
        }
    })
}

fn boxed_list<F: Fetch>(
    fetch: &F,
    launched: Instant,
) -> std::pin::Pin<Box<dyn Future<Output = Done> + '_>> {
    Box::pin(async move {
        let outcome = fetch.list_agents().await;
        Done::List { launched, outcome }
    })
}

fn view<'a>(
    agents: &'a BTreeMap<AgentId, Watched>,
    plan: &Plan,
    list_error: Option<&'a str>,
) -> View<'a> {
    View {
        agents,
        interval: plan.interval,
        now: SystemTime::now(),
        list_error,
    }
}

/// New agents join (polled at once), vanished ones leave with a `gone` change.
fn apply_listing(
    agents: &mut BTreeMap<AgentId, Watched>,
    due: &mut BinaryHeap<Reverse<(Instant, AgentId)>>,
    listed: Vec<Agent>,
    now: Instant,
    wall: SystemTime,
) -> Vec<Change> {
    let mut present: BTreeMap<AgentId, ()> = BTreeMap::new();
    for agent in listed {
        // A record without a usable id cannot be polled on its own; it is skipped.
        if let Some(id) = agent.uuid().and_then(|uuid| AgentId::parse(&uuid).ok()) {
            present.insert(id, ());
        }
    }
    let vanished: Vec<AgentId> = agents
        .keys()
        .filter(|id| !present.contains_key(*id))
        .cloned()
        .collect();
    let mut changes = Vec::new();
    for id in vanished {
        if let Some(watched) = agents.remove(&id) {
            changes.push(watched.vanished(wall));
        }
    }
    for id in present.into_keys() {
        if !agents.contains_key(&id) {
            agents.insert(id.clone(), Watched::new(id.clone()));
            due.push(Reverse((now, id)));
        }
    }
    changes
}

/// Whether every watched agent (at least one) has `status`.
pub fn reached(agents: &BTreeMap<AgentId, Watched>, status: &str) -> bool {
    !agents.is_empty()
        && agents
            .values()
            .all(|watched| watched.status.as_deref() == Some(status))
}

fn until_timeout(agents: &BTreeMap<AgentId, Watched>, status: &str, plan: &Plan) -> Error {
    let missing: Vec<&str> = agents
        .values()
        .filter(|watched| watched.status.as_deref() != Some(status))
        .map(|watched| watched.id.as_str())
        .collect();
    let timeout = crate::duration::format_duration(plan.timeout.unwrap_or_default());
    let message = if agents.is_empty() {
        format!("no agents to wait for became {status} within {timeout}")
    } else {
        let shown: Vec<String> = missing
            .iter()
            .take(5)
            .map(|id| sanitize(id).into_owned())
            .collect();
        let more = if missing.len() > 5 {
            format!(" and {} more", missing.len() - 5)
        } else {
            String::new()
        };
        format!(
            "{} of {} agents not {status} after {timeout}: {}{more}",
            missing.len(),
            agents.len(),
            shown.join(", ")
        )
    };
    Error::new(ErrorKind::UntilTimeout, message)
}

/// The wait before the next poll: the interval, doubling with each failure in a row (from the
/// second), up to a minute (or the interval, if that is longer).
pub fn poll_delay(interval: Duration, failures: u32) -> Duration {
    Backoff::for_watch(interval).ceiling(failures.saturating_sub(1))
}

#[cfg(test)]
#[path = "poller_tests.rs"]
mod tests;
