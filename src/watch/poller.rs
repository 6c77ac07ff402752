//! The poll loop: one task that schedules polls on a timer heap, keeps at most
//! `concurrency` requests in flight, turns answers into changes, and stops on `--until`,
//! `--until-jq`, `--timeout` or the stop signal (Ctrl-C).
//!
//! Explicit ids are polled one by one, each every interval. With `--all` the listing is the
//! poll: one walk of its pages per interval, statuses taken from the listed records; an agent
//! is fetched on its own only when its listed record has no `status` (contract §7).
//!
//! Time comes from the run's `Clock`: its monotonic time is tokio's (so tests can pause and
//! advance it, timers included) and its time of day stamps the changes (frozen in tests); the
//! HTTP side is the `Fetch` trait, so the loop runs in-process against a scripted fake.

use super::state::Watched;
pub use super::state::{Change, FleetChange};
use crate::api::{Agent, AgentId, ApiError};
use crate::backoff::{Backoff, spread};
use crate::clock::Clock;
use crate::error::{Error, ErrorKind, Result};
use crate::jq::JqFilter;
use crate::sanitize::sanitize;
use crate::shutdown::Signal;
use crate::status::{AgentStatus, StatusValue};
use futures_util::stream::{FuturesUnordered, Stream, StreamExt};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::future::Future;
use std::pin::{Pin, pin};
use std::time::{Duration, Instant, SystemTime};

/// The shortest gap between two redraws of a live view caused by changes.
const FRAME_MIN_GAP: Duration = Duration::from_millis(100);

/// One walk of the listing: its pages in order (each page's new records), ending after the
/// last page or the first error.
pub type Listing<'a> = Pin<Box<dyn Stream<Item = Result<Vec<Agent>, ApiError>> + 'a>>;

/// Where polls go: the API client, or a fake in tests.
pub trait Fetch {
    fn get_agent(&self, id: &AgentId) -> impl Future<Output = Result<Agent, ApiError>>;
    /// Starts one walk of the listing (already filtered as `--all`'s filters say).
    fn list(&self) -> Listing<'_>;
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
    /// The listing became unreachable, or answers again (`--all`): once per outage each way.
    fn fleet(&mut self, change: &FleetChange) -> Result<()>;
    /// Something the operator should know that is not a change (on stderr).
    fn warn(&mut self, line: &str);
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
    /// When the listing began failing, while it keeps failing (`--all`).
    pub list_down_since: Option<SystemTime>,
}

/// Which agents to watch.
#[derive(Debug, Clone)]
pub enum Targets {
    Ids(Vec<AgentId>),
    /// Everything the listing returns, re-listed every interval.
    All,
}

/// When a watch is done.
#[derive(Debug, Clone)]
pub enum Until {
    /// Every watched agent has this status.
    Status(AgentStatus),
    /// The expression is true for every watched record (`--until-jq`).
    Jq(JqFilter),
}

/// A validated watch request.
#[derive(Debug, Clone)]
pub struct Plan {
    pub targets: Targets,
    pub interval: Duration,
    pub concurrency: usize,
    /// Stop with success once this holds for every watched agent.
    pub until: Option<Until>,
    /// Stop after this long: exit 7 with `until`, success without.
    pub timeout: Option<Duration>,
}

struct Done {
    id: AgentId,
    launched: Instant,
    outcome: Result<Agent, ApiError>,
}

/// Runs the watch until `until` holds (Ok), `--timeout` runs out (Ok without `until`,
/// `UntilTimeout` with it), or `stop` completes (the signal's exit code). A poll refused for
/// the token (401/403) ends it with that error (exit 3), as does a first listing that answers
/// 404.
pub async fn watch<F: Fetch, S: Sink>(
    fetch: &F,
    sink: &mut S,
    plan: &Plan,
    clock: &Clock,
    stop: impl Future<Output = Signal>,
) -> Result<()> {
    let mut stop = pin!(stop);
    let start = clock.instant();
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
    // The walk in progress (`--all`), when it started, and its number.
    let mut walk: Option<Listing<'_>> = None;
    let mut walk_started = start;
    let mut generation: u64 = 0;
    let mut next_list = listing.then_some(start);
    let mut listed_once = false;
    let mut list_error: Option<String> = None;
    // Whether the listing answered its last request: `None` before the first answer.
    let mut fleet_reachable: Option<bool> = None;
    let mut list_down_since: Option<SystemTime> = None;
    let mut fleet_changes: Vec<FleetChange> = Vec::new();
    let mut jq_failed = false;
    let mut in_flight = FuturesUnordered::new();
    let frame_every = sink.frame_every();
    // The first frame waits a moment, so that a fast first round shows statuses rather than
    // a table of agents still waiting for their first answer.
    let mut next_frame = frame_every.map(|_| start + FRAME_MIN_GAP);
    let mut last_frame = start;
    // Polls due within this slack of one another go out together: fewer timer wake-ups.
    let slack = (plan.interval / 100).min(Duration::from_millis(10));
    let mut timer = pin!(tokio::time::sleep_until(start.into()));

    let outcome = loop {
        let now = clock.instant();
        if walk.is_none()
            && let Some(at) = next_list
            && at <= now
        {
            next_list = None;
            generation += 1;
            walk_started = now;
            walk = Some(fetch.list());
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
            let view = view(&agents, plan, clock, list_error.as_deref(), list_down_since);
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
                Some(until) => Err(until_timeout(&agents, until, plan)),
                None => Ok(()),
            };
        }

        let has_room = in_flight.len() < plan.concurrency;
        let wake = [
            due.peek().filter(|_| has_room).map(|Reverse((at, _))| *at),
            next_list.filter(|_| walk.is_none()),
            deadline,
            next_frame,
        ]
        .into_iter()
        .flatten()
        .min();
        if let Some(wake) = wake {
            timer.as_mut().reset(wake.into());
        }

        let mut changes: Vec<Change> = Vec::new();
        // Whether `until` may be judged now: never halfway through a walk of the listing,
        // where the agents of the pages still to come are not known yet.
        let mut judge = false;
        tokio::select! {
            biased;
            signal = &mut stop => {
                break Err(signal.into());
            }
            Some(done) = in_flight.next(), if !in_flight.is_empty() => {
                let Done { id, launched, outcome } = done;
                let wall = clock.now();
                let now = clock.instant();
                let Some(watched) = agents.get_mut(&id) else {
                    continue; // gone from the listing while in flight
                };
                watched.fetching = false;
                let change = match outcome {
                    Ok(agent) => answer(watched, agent, wall, plan, &mut jq_failed, sink),
                    // A refused token fails every poll alike: say so and stop, rather than
                    // mark the whole fleet unreachable.
                    Err(err) if err.kind() == ErrorKind::Auth => break Err(err.into()),
                    // Not known to the server (yet): absent, polled at the normal pace.
                    Err(err) if err.status() == Some(404) => watched.absent(wall),
                    Err(err) => watched.failed(sanitize(&err.detail).into_owned(), wall),
                };
                changes.extend(change);
                if !listing {
                    let wait = poll_delay(plan.interval, watched.failures);
                    due.push(Reverse(((launched + spread(wait)).max(now), id)));
                }
                judge = walk.is_none();
            }
            page = next_page(&mut walk) => {
                let wall = clock.now();
                let now = clock.instant();
                match page {
                    Some(Ok(records)) => {
                        if fleet_reachable.replace(true) == Some(false) {
                            fleet_changes.push(FleetChange::reachable(wall));
                            list_down_since = None;
                        }
                        for record in records {
                            // A record without a usable id cannot be told apart; skipped.
                            let Some(id) = record.text_ref("uuid").and_then(|u| AgentId::parse(&u).ok()) else {
                                continue;
                            };
                            let watched = agents
                                .entry(id.clone())
                                .or_insert_with(|| Watched::new(id.clone()));
                            watched.listed_in = generation;
                            if record.text_ref("status").is_some_and(|s| !s.trim().is_empty()) {
                                changes.extend(answer(watched, record, wall, plan, &mut jq_failed, sink));
                            } else if !watched.fetching {
                                // No status in the listing: this one agent is asked on its own.
                                watched.fetching = true;
                                due.push(Reverse((now, id)));
                            }
                        }
                    }
                    None => {
                        // The walk is over: whoever it did not list has gone.
                        walk = None;
                        listed_once = true;
                        list_error = None;
                        let vanished: Vec<AgentId> = agents
                            .iter()
                            .filter(|(_, watched)| watched.listed_in != generation)
                            .map(|(id, _)| id.clone())
                            .collect();
                        for id in vanished {
                            if let Some(watched) = agents.remove(&id) {
                                changes.push(watched.vanished(wall));
                            }
                        }
                        next_list = Some((walk_started + spread(plan.interval)).max(now));
                        judge = true;
                    }
                    Some(Err(err)) => {
                        walk = None;
                        // A refused token, or a server that has no listing at all (404
                        // before any listing worked): nothing to wait for.
                        if err.kind() == ErrorKind::Auth
                            || (err.kind() == ErrorKind::NotFound && !listed_once)
                        {
                            break Err(err.into());
                        }
                        let why = sanitize(&err.to_string()).into_owned();
                        sink.list_failed(&why);
                        list_error = Some(why);
                        let before = fleet_reachable.replace(false);
                        if before != Some(false) {
                            let reason = sanitize(&err.detail).into_owned();
                            fleet_changes.push(FleetChange::unreachable(
                                wall,
                                before == Some(true),
                                reason,
                            ));
                            list_down_since = Some(wall);
                        }
                        // No backoff: a walk is what every interval costs anyway, and a
                        // fleet back up is seen within one interval (never later: the spread
                        // is below it only).
                        next_list =
                            Some((walk_started + spread(plan.interval).min(plan.interval)).max(now));
                    }
                }
            }
            () = &mut timer, if wake.is_some() => {}
        }
        if let Some(err) = fleet_changes
            .drain(..)
            .find_map(|change| sink.fleet(&change).err())
        {
            break Err(err);
        }
        if let Some(err) = changes.iter().find_map(|change| sink.change(change).err()) {
            break Err(err);
        }
        if !changes.is_empty() && frame_every.is_some() {
            let soonest = last_frame + FRAME_MIN_GAP;
            next_frame = Some(next_frame.map_or(soonest, |at| at.min(soonest)));
        }
        if judge
            && let Some(until) = &plan.until
            && reached(&agents, until)
        {
            break Ok(());
        }
    };
    let view = view(&agents, plan, clock, list_error.as_deref(), list_down_since);
    let finished = sink.finish(&view);
    outcome.and(finished)
}

/// The next page of the walk in progress; never ready when there is none.
async fn next_page(walk: &mut Option<Listing<'_>>) -> Option<Result<Vec<Agent>, ApiError>> {
    match walk {
        Some(stream) => stream.next().await,
        None => std::future::pending().await,
    }
}

/// A record arrived for an agent: its status, and whether `--until-jq` holds for it (judged
/// again only when the record changed).
fn answer<S: Sink>(
    watched: &mut Watched,
    agent: Agent,
    wall: SystemTime,
    plan: &Plan,
    jq_failed: &mut bool,
    sink: &mut S,
) -> Option<Change> {
    if let Some(Until::Jq(filter)) = &plan.until {
        let same = watched.record.as_ref() == Some(&agent) && watched.reason.is_none();
        if !same || !watched.jq_ok {
            let holds = jq_holds(filter, &agent);
            if let Err(err) = &holds
                && !std::mem::replace(jq_failed, true)
            {
                sink.warn(&format!("--until-jq (taken as false): {}", err.message));
            }
            let change = watched.answered(agent, wall);
            watched.jq_ok = holds.unwrap_or(false);
            return change;
        }
    }
    watched.answered(agent, wall)
}

/// jq's `-e` rule: the expression holds when its last output is neither `false` nor `null`.
pub fn jq_holds(filter: &JqFilter, agent: &Agent) -> Result<bool> {
    let outputs = filter.apply(&agent.to_value(), false)?;
    Ok(outputs
        .last()
        .is_some_and(|last| last != "false" && last != "null"))
}

fn boxed_poll<'a, F: Fetch>(
    fetch: &'a F,
    id: AgentId,
    launched: Instant,
) -> Pin<Box<dyn Future<Output = Done> + 'a>> {
    Box::pin(async move {
        let outcome = fetch.get_agent(&id).await;
        Done {
            id,
            launched,
            outcome,
        }
    })
}

fn view<'a>(
    agents: &'a BTreeMap<AgentId, Watched>,
    plan: &Plan,
    clock: &Clock,
    list_error: Option<&'a str>,
    list_down_since: Option<SystemTime>,
) -> View<'a> {
    View {
        agents,
        interval: plan.interval,
        now: clock.now(),
        list_error,
        list_down_since,
    }
}

/// Whether `until` holds for every watched agent (at least one).
pub fn reached(agents: &BTreeMap<AgentId, Watched>, until: &Until) -> bool {
    !agents.is_empty() && agents.values().all(|watched| holds(watched, until))
}

fn holds(watched: &Watched, until: &Until) -> bool {
    match until {
        Until::Status(status) => {
            watched.status.as_ref().and_then(StatusValue::known) == Some(*status)
        }
        Until::Jq(_) => watched.jq_ok,
    }
}

fn until_timeout(agents: &BTreeMap<AgentId, Watched>, until: &Until, plan: &Plan) -> Error {
    let missing: Vec<&str> = agents
        .values()
        .filter(|watched| !holds(watched, until))
        .map(|watched| watched.id.as_str())
        .collect();
    let timeout = crate::duration::format_duration(plan.timeout.unwrap_or_default());
    let wanted = match until {
        Until::Status(status) => status.to_string(),
        Until::Jq(_) => "matching --until-jq".to_owned(),
    };
    let message = if agents.is_empty() {
        format!("no agents to wait for became {wanted} within {timeout}")
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
            "{} of {} agents not {wanted} after {timeout}: {}{more}",
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
