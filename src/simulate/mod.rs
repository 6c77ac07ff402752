//! The fleet simulation behind `heartbeat simulate`.
//!
//! Open model (an interval): beat number `j` of the whole fleet is due at
//! `start + j · interval / agents` and belongs to agent `j mod agents`, so first beats spread
//! evenly over one interval and each agent then beats once per interval on its own phase.
//! A beat is sent at its due time whether or not earlier ones have answered (up to
//! `concurrency` in flight), and its latency is measured from the due time: a slow server
//! shows up as latency instead of silently slowing the schedule (coordinated omission).
//!
//! Closed model (interval 0): `concurrency` workers each send the next beat as soon as their
//! previous one has answered; latency is then the plain request time.

mod histogram_check;
pub(crate) mod pacer;
pub mod report;
pub mod shard;
pub(crate) mod stats;
pub(crate) mod threshold;
pub(crate) mod walk;

use crate::api::{AgentId, ApiClient, HeartbeatSender, HeartbeatTarget};
use crate::clock::Clock;
use pacer::Pacer;
use shard::Shard;
use stats::{Stats, Summary, Window};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use threshold::Threshold;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use walk::AgentWalk;

/// Up to this many agents, each one's URL is built once; above it, per beat (a URL costs
/// ~200 bytes, which a million agents cannot each keep under the memory budget).
const CACHED_TARGETS: u64 = 10_000;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The whole fleet, all shards together.
    pub agents: u64,
    /// This process's slice of it.
    pub shard: Shard,
    /// Zero: closed loop, back to back.
    pub interval: Duration,
    /// Stop sending this long after the start.
    pub duration: Option<Duration>,
    /// Stop after this many beats per agent.
    pub beats: Option<u64>,
    pub prefix: String,
    pub concurrency: usize,
}

impl Plan {
    /// A send that starts later than this after its due time is counted as late: 10% of the
    /// interval, but at least 50 ms (timer and scheduling noise is not lateness).
    pub fn late_after(&self) -> Duration {
        (self.interval / 10).max(Duration::from_millis(50))
    }

    /// The agent numbers (0-based, in the whole fleet) this process runs.
    pub fn agent_range(&self) -> Range<u64> {
        self.shard.range(self.agents)
    }

    /// How many agents this process runs.
    pub fn shard_agents(&self) -> u64 {
        let range = self.agent_range();
        range.end - range.start
    }

    /// The id of agent `number` (0-based) of the fleet: `<prefix>0001` … , numbered from 1,
    /// zero-padded to the width of the whole fleet's count (at least 4 digits), so every
    /// shard names its agents as one unsharded run would.
    pub fn agent_name(&self, number: u64) -> String {
        let width = self.agents.to_string().len().max(4);
        format!("{}{:0width$}", self.prefix, number + 1)
    }

    /// Whether the prefix makes valid ids (the longest id is the last one).
    pub fn check_prefix(&self) -> Result<(), String> {
        AgentId::parse(&self.agent_name(0))?;
        AgentId::parse(&self.agent_name(self.agents.saturating_sub(1)))?;
        Ok(())
    }

    /// When this process's beat number `beat` is due, after the start. In one unsharded run,
    /// beat `j` of the fleet is due at `j · interval / agents`; a shard sends the beats of its
    /// own agents at exactly those times: round `r` of fleet agent `g` at
    /// `(r · agents + g) · interval / agents`.
    pub fn due_offset(&self, beat: u64) -> Duration {
        let shard_agents = self.shard_agents().max(1);
        let (round, local) = (beat / shard_agents, beat % shard_agents);
        let fleet_beat = u128::from(round) * u128::from(self.agents)
            + u128::from(self.agent_range().start + local);
        let nanos = fleet_beat * self.interval.as_nanos() / u128::from(self.agents);
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

impl Plan {
    /// How many of this shard's beats (of an open-model run) are due before `elapsed` after
    /// the start, `--beats` counted.
    pub fn beats_due_before(&self, elapsed: Duration) -> u64 {
        let total = self
            .beats
            .map_or(u64::MAX, |beats| beats.saturating_mul(self.shard_agents()));
        let due = |beat: u64| self.due_offset(beat) < elapsed;
        // The first beat not due: found by doubling, then halving.
        let mut high = 1u64;
        while high < total && due(high) {
            high = high.saturating_mul(2);
        }
        let (mut low, mut high) = (0u64, high.min(total));
        while low < high {
            let middle = low + (high - low) / 2;
            if due(middle) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }
}

/// The URL and error wording of each agent: built once for a small fleet, per beat for a
/// large one.
enum Targets {
    Cached(Vec<HeartbeatTarget>),
    PerBeat,
}

/// A running (or finished) simulation; its stats may be read while it runs.
pub struct Simulation {
    plan: Plan,
    sender: HeartbeatSender,
    targets: Targets,
    /// One walk per agent of this shard, behind one lock (a lock per agent would cost more
    /// than the walk).
    walks: Mutex<Vec<AgentWalk>>,
    stats: Mutex<Stats>,
    /// Latencies, the run's length and the walks' uptimes are read on it.
    clock: Clock,
    /// The start of the schedule: beat offsets count from here.
    origin: Instant,
    origin_wall: SystemTime,
    finished: Mutex<Option<Instant>>,
}

impl Simulation {
    /// A simulation whose schedule starts at `origin` (now or later on `clock`), which is
    /// `origin_wall` on the wall clock.
    pub fn new(
        plan: Plan,
        client: ApiClient,
        clock: Clock,
        origin: Instant,
        origin_wall: SystemTime,
    ) -> Result<Arc<Simulation>, String> {
        plan.check_prefix()?;
        let range = plan.agent_range();
        let targets = if plan.shard_agents() <= CACHED_TARGETS {
            let targets = range
                .clone()
                .map(|number| {
                    AgentId::parse(&plan.agent_name(number)).map(|id| client.heartbeat_target(&id))
                })
                .collect::<Result<_, _>>()?;
            Targets::Cached(targets)
        } else {
            Targets::PerBeat
        };
        let seed = fastrand::u64(..);
        let walks = range
            .map(|number| AgentWalk::new(seed.wrapping_add(number)))
            .collect();
        Ok(Arc::new(Simulation {
            plan,
            sender: HeartbeatSender::new(client),
            targets,
            walks: Mutex::new(walks),
            stats: Mutex::new(Stats::default()),
            clock,
            origin,
            origin_wall,
            finished: Mutex::new(None),
        }))
    }

    /// Runs until the plan is done or `stop` turns true; beats in flight are always awaited.
    pub async fn run(self: &Arc<Self>, mut stop: watch::Receiver<bool>) {
        let started = tokio::select! {
            biased;
            _ = stop.wait_for(|stop| *stop) => false,
            () = tokio::time::sleep_until(self.origin.into()) => true,
        };
        if started && self.plan.shard_agents() > 0 {
            if self.plan.interval.is_zero() {
                self.run_closed(stop.clone()).await;
            } else {
                self.run_open(stop.clone()).await;
            }
        }
        // A run with --duration lasts that long, though its last beat may be due earlier
        // (shard 0 of 4 sends nothing in the last three quarters of an interval): so every
        // shard's window, and rate, is the run's.
        if started && let Some(deadline) = self.deadline() {
            tokio::select! {
                biased;
                _ = stop.wait_for(|stop| *stop) => {}
                () = tokio::time::sleep_until(deadline.into()) => {}
            }
        }
        *lock(&self.finished) = Some(self.clock.instant().max(self.origin));
    }

    /// The summary so far (final once `run` has returned), with `thresholds` checked.
    pub fn summary(&self, thresholds: &[Threshold]) -> Summary {
        let end = lock(&self.finished).unwrap_or_else(|| self.clock.instant());
        let window = Window {
            agents: self.plan.shard_agents(),
            started_at: self.origin_wall,
            duration: end.saturating_duration_since(self.origin),
            shard: Some(self.plan.shard),
            merged: None,
        };
        lock(&self.stats).summary(window, thresholds)
    }

    /// Reads the stats under their lock.
    pub fn with_stats<T>(&self, read: impl FnOnce(&Stats) -> T) -> T {
        read(&lock(&self.stats))
    }

    /// How long until the start (zero once started).
    pub fn until_start(&self) -> Duration {
        self.origin.saturating_duration_since(self.clock.instant())
    }

    /// The clock the run is timed on.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    fn total_beats(&self) -> Option<u64> {
        self.plan
            .beats
            .map(|beats| beats.saturating_mul(self.plan.shard_agents()))
    }

    fn deadline(&self) -> Option<Instant> {
        self.plan.duration.map(|duration| self.origin + duration)
    }

    async fn run_open(self: &Arc<Self>, mut stop: watch::Receiver<bool>) {
        let in_flight = Arc::new(Semaphore::new(self.plan.concurrency));
        let deadline = self.deadline();
        let shard_agents = self.plan.shard_agents();
        let mut pacer = {
            let (plan, origin, total) = (self.plan.clone(), self.origin, self.total_beats());
            Pacer::start(
                move |beat| {
                    if total.is_some_and(|total| beat >= total) {
                        return None;
                    }
                    let due = origin + plan.due_offset(beat);
                    deadline
                        .is_none_or(|deadline| due < deadline)
                        .then_some(due)
                },
                self.plan.concurrency.max(64),
            )
        };
        let mut tasks = JoinSet::new();
        let mut spawned: u64 = 0;
        loop {
            let next = tokio::select! {
                biased;
                _ = stop.wait_for(|stop| *stop) => break,
                // The deadline is a wall-clock bound: a schedule that has fallen behind (a
                // full --concurrency, a slow server) stops at it too, rather than catching up
                // on beats that were due before it.
                () = sleep_until_deadline(deadline) => break,
                next = async {
                    let (beat, due) = pacer.next().await?;
                    let permit = in_flight.clone().acquire_owned().await;
                    Some((beat, due, permit.expect("the semaphore is never closed")))
                } => next,
            };
            let Some((beat, due, permit)) = next else {
                break;
            };
            let simulation = Arc::clone(self);
            let agent = (beat % shard_agents) as usize;
            spawned += 1;
            tasks.spawn(async move {
                let behind = simulation.clock.since(due);
                simulation.beat(agent, due, Some(behind)).await;
                drop(permit);
            });
            while tasks.try_join_next().is_some() {}
        }
        drop(pacer);
        // The beats due before the run ended that never went out (waiting for a slot of
        // --concurrency while the server stopped answering): counted, not forgotten.
        let ended = self.clock.instant();
        let due_by = deadline.map_or(ended, |deadline| deadline.min(ended));
        let elapsed = due_by.saturating_duration_since(self.origin);
        let unsent = self.plan.beats_due_before(elapsed).saturating_sub(spawned);
        if unsent > 0 {
            lock(&self.stats).record_unsent(unsent);
        }
        while tasks.join_next().await.is_some() {}
    }

    async fn run_closed(self: &Arc<Self>, mut stop: watch::Receiver<bool>) {
        let next_beat = Arc::new(AtomicU64::new(0));
        let stopping = Arc::new(AtomicBool::new(false));
        let mut workers = JoinSet::new();
        for _ in 0..self.plan.concurrency {
            let simulation = Arc::clone(self);
            let next_beat = Arc::clone(&next_beat);
            let stopping = Arc::clone(&stopping);
            workers.spawn(async move {
                let total = simulation.total_beats();
                let deadline = simulation.deadline();
                let shard_agents = simulation.plan.shard_agents();
                while !stopping.load(Ordering::Relaxed) {
                    let beat = next_beat.fetch_add(1, Ordering::Relaxed);
                    let now = simulation.clock.instant();
                    if total.is_some_and(|total| beat >= total)
                        || deadline.is_some_and(|deadline| now >= deadline)
                    {
                        break;
                    }
                    let agent = (beat % shard_agents) as usize;
                    simulation.beat(agent, now, None).await;
                }
            });
        }
        tokio::select! {
            _ = async { while workers.join_next().await.is_some() {} } => return,
            _ = stop.wait_for(|stop| *stop) => stopping.store(true, Ordering::Relaxed),
        }
        while workers.join_next().await.is_some() {}
    }

    /// Sends one beat of this shard's agent number `agent`, due at `due` and sent `behind` it
    /// (an open-model run), and records it.
    async fn beat(&self, agent: usize, due: Instant, behind: Option<Duration>) {
        let payload = {
            let elapsed = self.clock.since(self.origin);
            lock(&self.walks)[agent].next_beat(elapsed).to_json_bytes()
        };
        let outcome = match &self.targets {
            Targets::Cached(targets) => self.sender.send(&targets[agent], payload).await,
            Targets::PerBeat => {
                let name = self
                    .plan
                    .agent_name(self.plan.agent_range().start + agent as u64);
                let id = AgentId::parse(&name).expect("the prefix was checked with the longest id");
                let target = self.sender.client().heartbeat_target(&id);
                self.sender.send(&target, payload).await
            }
        };
        let latency = self.clock.since(due);
        let late = behind.is_some_and(|behind| behind > self.plan.late_after());
        let mut stats = lock(&self.stats);
        if let Some(behind) = behind {
            stats.record_send(behind);
        }
        stats.record(latency, outcome, late);
    }
}

async fn sleep_until_deadline(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

/// A poisoned lock only means another beat panicked; the counts are still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|err| err.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn plan(agents: u64, prefix: &str) -> Plan {
        Plan {
            agents,
            shard: Shard::WHOLE,
            interval: Duration::from_secs(10),
            duration: None,
            beats: None,
            prefix: prefix.to_owned(),
            concurrency: 8,
        }
    }

    #[test]
    fn ids_are_numbered_and_padded() {
        let three = plan(3, "sim-");
        let ids: Vec<String> = (0..3).map(|n| three.agent_name(n)).collect();
        assert_eq!(ids, ["sim-0001", "sim-0002", "sim-0003"]);
        let many = plan(12_345, "x");
        assert_eq!(many.agent_name(0), "x00001");
        assert_eq!(many.agent_name(12_344), "x12345");
        assert!(plan(1, "a/b-").check_prefix().is_err());
        assert!(plan(1, &"p".repeat(252)).check_prefix().is_ok());
        assert!(plan(1, &"p".repeat(253)).check_prefix().is_err());
        // A shard names its agents as the whole fleet does.
        let mut shard = plan(12_345, "x");
        shard.shard = Shard { index: 3, count: 4 };
        assert_eq!(shard.agent_name(shard.agent_range().start), "x09259");
    }

    #[test]
    fn beats_due_before_a_time_follow_the_schedule() {
        let mut plan = plan(4, "s");
        plan.interval = Duration::from_millis(100);
        // Beats every 25 ms: 0, 25, 50, … ms.
        let ms = Duration::from_millis;
        assert_eq!(plan.beats_due_before(ms(0)), 0);
        assert_eq!(plan.beats_due_before(ms(1)), 1);
        assert_eq!(plan.beats_due_before(ms(1000)), 40);
        assert_eq!(plan.beats_due_before(ms(1001)), 41);
        plan.beats = Some(2);
        assert_eq!(plan.beats_due_before(ms(60_000)), 8);
        plan.shard = Shard { index: 1, count: 2 };
        assert_eq!(plan.beats_due_before(ms(60_000)), 4);
    }

    #[test]
    fn lateness_threshold() {
        assert_eq!(plan(1, "s").late_after(), Duration::from_secs(1));
        let mut fast = plan(1, "s");
        fast.interval = Duration::from_millis(100);
        assert_eq!(fast.late_after(), Duration::from_millis(50));
    }

    /// Every (due time, agent) pair of `rounds` rounds of one plan.
    fn schedule(plan: &Plan, rounds: u64) -> Vec<(Duration, String)> {
        let range = plan.agent_range();
        (0..rounds * plan.shard_agents())
            .map(|beat| {
                let agent = range.start + beat % plan.shard_agents();
                (plan.due_offset(beat), plan.agent_name(agent))
            })
            .collect()
    }

    #[test]
    fn the_shards_together_keep_the_unsharded_schedule() {
        for (agents, count) in [(10, 4), (7, 7), (3, 4), (1000, 3), (1, 1)] {
            let mut whole = plan(agents, "sim-");
            whole.interval = Duration::from_millis(1234);
            let one_run: Vec<(Duration, String)> = schedule(&whole, 3);
            let mut shards: Vec<(Duration, String)> = (0..count)
                .flat_map(|index| {
                    let mut part = whole.clone();
                    part.shard = Shard { index, count };
                    let beats = schedule(&part, 3);
                    // Each shard's own beats come in time order.
                    assert!(beats.windows(2).all(|w| w[0].0 <= w[1].0));
                    beats
                })
                .collect();
            shards.sort();
            let mut one_run_sorted = one_run.clone();
            one_run_sorted.sort();
            assert_eq!(shards, one_run_sorted, "{agents} agents, {count} shards");
            // The unsharded run spreads the first beats evenly over one interval.
            assert_eq!(one_run[0].0, Duration::ZERO);
            assert_eq!(
                one_run[agents as usize].0, whole.interval,
                "{agents} agents"
            );
            let names: BTreeSet<&String> = one_run.iter().map(|(_, n)| n).collect();
            assert_eq!(names.len() as u64, agents);
        }
    }
}
