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

pub mod stats;
pub mod walk;

use crate::api::{AgentId, ApiClient, HeartbeatTarget};
use stats::{Stats, Summary};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use walk::AgentWalk;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Plan {
    pub agents: u64,
    /// Zero: closed loop, back to back.
    pub interval: Duration,
    /// Stop scheduling beats due this long after the start.
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

    /// `<prefix>0001` … : numbered from 1, zero-padded to at least 4 digits.
    pub fn agent_ids(&self) -> Result<Vec<AgentId>, String> {
        let width = self.agents.to_string().len().max(4);
        (1..=self.agents)
            .map(|n| AgentId::parse(&format!("{}{n:0width$}", self.prefix)))
            .collect()
    }
}

/// A running (or finished) simulation; `progress` may be read while it runs.
pub struct Simulation {
    plan: Plan,
    client: ApiClient,
    targets: Vec<HeartbeatTarget>,
    walks: Vec<Mutex<AgentWalk>>,
    stats: Mutex<Stats>,
    started: Instant,
    finished: Mutex<Option<Instant>>,
}

impl Simulation {
    pub fn new(plan: Plan, client: ApiClient) -> Result<Arc<Simulation>, String> {
        let targets = plan
            .agent_ids()?
            .iter()
            .map(|id| client.heartbeat_target(id))
            .collect();
        let seed = fastrand::u64(..);
        let walks = (0..plan.agents)
            .map(|n| Mutex::new(AgentWalk::new(seed.wrapping_add(n))))
            .collect();
        Ok(Arc::new(Simulation {
            plan,
            client,
            targets,
            walks,
            stats: Mutex::new(Stats::default()),
            started: Instant::now(),
            finished: Mutex::new(None),
        }))
    }

    /// Runs until the plan is done or `stop` turns true; beats in flight are always awaited.
    pub async fn run(self: &Arc<Self>, stop: watch::Receiver<bool>) {
        if self.plan.interval.is_zero() {
            self.run_closed(stop).await;
        } else {
            self.run_open(stop).await;
        }
        *lock(&self.finished) = Some(Instant::now());
    }

    /// The summary so far (final once `run` has returned).
    pub fn summary(&self) -> Summary {
        let end = lock(&self.finished).unwrap_or_else(Instant::now);
        lock(&self.stats).summary(self.plan.agents, end - self.started)
    }

    /// Reads the stats under their lock.
    pub fn with_stats<T>(&self, read: impl FnOnce(&Stats) -> T) -> T {
        read(&lock(&self.stats))
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    fn total_beats(&self) -> Option<u64> {
        self.plan
            .beats
            .map(|beats| beats.saturating_mul(self.plan.agents))
    }

    fn deadline(&self) -> Option<Instant> {
        self.plan.duration.map(|duration| self.started + duration)
    }

    async fn run_open(self: &Arc<Self>, mut stop: watch::Receiver<bool>) {
        let in_flight = Arc::new(Semaphore::new(self.plan.concurrency));
        let interval_nanos = self.plan.interval.as_nanos();
        let late_after = self.plan.late_after();
        let mut tasks = JoinSet::new();
        for beat in 0.. {
            if self.total_beats().is_some_and(|total| beat >= total) {
                break;
            }
            let offset = interval_nanos * u128::from(beat) / u128::from(self.plan.agents);
            let due =
                self.started + Duration::from_nanos(u64::try_from(offset).unwrap_or(u64::MAX));
            if self.deadline().is_some_and(|deadline| due >= deadline) {
                break;
            }
            let permit = tokio::select! {
                biased;
                _ = stop.wait_for(|stop| *stop) => break,
                permit = async {
                    // Behind schedule (a burst of beats due within one timer tick, or a full
                    // --concurrency): send at once rather than round-trip through the timer.
                    if due > Instant::now() {
                        tokio::time::sleep_until(due.into()).await;
                    }
                    in_flight.clone().acquire_owned().await
                } => permit.expect("the semaphore is never closed"),
            };
            let simulation = Arc::clone(self);
            let agent = (beat % self.plan.agents) as usize;
            tasks.spawn(async move {
                let late = due.elapsed() > late_after;
                simulation.beat(agent, due, late).await;
                drop(permit);
            });
            while tasks.try_join_next().is_some() {}
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
                while !stopping.load(Ordering::Relaxed) {
                    let beat = next_beat.fetch_add(1, Ordering::Relaxed);
                    let now = Instant::now();
                    if total.is_some_and(|total| beat >= total)
                        || deadline.is_some_and(|deadline| now >= deadline)
                    {
                        break;
                    }
                    let agent = (beat % simulation.plan.agents) as usize;
                    simulation.beat(agent, now, false).await;
                }
            });
        }
        tokio::select! {
            _ = async { while workers.join_next().await.is_some() {} } => return,
            _ = stop.wait_for(|stop| *stop) => stopping.store(true, Ordering::Relaxed),
        }
        while workers.join_next().await.is_some() {}
    }

    /// Sends one beat of `agent`, due at `due`, and records it.
    async fn beat(&self, agent: usize, due: Instant, late: bool) {
        let payload = {
            let body = lock(&self.walks[agent]).next_beat(self.started.elapsed());
            body.to_json_bytes()
        };
        let outcome = self
            .client
            .heartbeat_ack(&self.targets[agent], payload)
            .await;
        let latency = due.elapsed();
        lock(&self.stats).record(latency, outcome, late);
    }
}

/// A poisoned lock only means another beat panicked; the counts are still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|err| err.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(agents: u64, prefix: &str) -> Plan {
        Plan {
            agents,
            interval: Duration::from_secs(10),
            duration: None,
            beats: None,
            prefix: prefix.to_owned(),
            concurrency: 8,
        }
    }

    #[test]
    fn ids_are_numbered_and_padded() {
        let ids = plan(3, "sim-").agent_ids().unwrap();
        let ids: Vec<&str> = ids.iter().map(|id| id.as_str()).collect();
        assert_eq!(ids, ["sim-0001", "sim-0002", "sim-0003"]);
        let ids = plan(12_345, "x").agent_ids().unwrap();
        assert_eq!(ids[0].as_str(), "x00001");
        assert_eq!(ids[12_344].as_str(), "x12345");
        assert!(plan(1, "a/b-").agent_ids().is_err());
    }

    #[test]
    fn lateness_threshold() {
        assert_eq!(plan(1, "s").late_after(), Duration::from_secs(1));
        let mut fast = plan(1, "s");
        fast.interval = Duration::from_millis(100);
        assert_eq!(fast.late_after(), Duration::from_millis(50));
    }
}
