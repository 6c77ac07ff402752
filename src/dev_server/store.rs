//! The in-memory agent store: records by id in a fixed set of shards, each behind its own
//! `RwLock` held only for a map operation (never across an await), so concurrent heartbeats
//! for different agents rarely touch the same lock.
//!
//! Beside the records, a sorted index of the ids serves the paged listing: a page of the
//! whole fleet is a slice of the index (no sorting, no copy of the store per request). Ids
//! registered since the last listing wait in a short unsorted list and are merged in by the
//! next listing (two sorted runs: one linear merge). Agents are never removed.

use super::thresholds::Thresholds;
use crate::clock::Clock;
use crate::status::AgentStatus;
use serde::Serialize;
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

const SHARDS: usize = 16;

/// The default bound on the number of agents (`--max-agents`).
pub const DEFAULT_MAX_AGENTS: usize = 100_000;

/// A heartbeat that would register one agent more than the store may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreFull {
    pub max_agents: usize,
}

/// A validated heartbeat body.
#[derive(Debug, Clone, PartialEq)]
pub struct Heartbeat {
    pub version: String,
    pub uptime: u64,
    pub cpu_usage: f64,
    pub mem_usage: f64,
}

/// One agent as the dev server keeps it. `status` is not stored: it is computed from
/// `last_heartbeat_at` whenever the record is read.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentRecord {
    /// Shared with the map key and the sorted index (one allocation per id).
    pub uuid: Arc<str>,
    pub name: String,
    pub agent_type: Option<String>,
    pub version: Option<String>,
    pub endpoint: Option<String>,
    pub platform_id: Option<String>,
    pub region: Option<String>,
    /// A JSON string holding an object, as in the seed (`{"env":"prod","team":"ops"}`).
    pub labels: String,
    pub last_heartbeat_at: Option<SystemTime>,
    /// When the last heartbeat was heard on the store's status clock (`Store::status_time`),
    /// which only the monotonic clock moves: what `status` is computed from, so a wall clock
    /// stepped back or forward changes no agent's status. Set by the store.
    pub(super) heard_at: Option<SystemTime>,
    pub create_date: SystemTime,
    pub last_op_date: SystemTime,
    pub uptime: Option<u64>,
    pub cpu_usage: Option<f64>,
    pub mem_usage: Option<f64>,
}

impl AgentRecord {
    /// A record for an id first seen in a heartbeat: name = id, created now.
    pub fn registered(uuid: &str, now: SystemTime) -> AgentRecord {
        AgentRecord {
            uuid: Arc::from(uuid),
            name: uuid.to_owned(),
            agent_type: None,
            version: None,
            endpoint: None,
            platform_id: None,
            region: None,
            labels: "{}".to_owned(),
            last_heartbeat_at: None,
            heard_at: None,
            create_date: now,
            last_op_date: now,
            uptime: None,
            cpu_usage: None,
            mem_usage: None,
        }
    }

    /// `online` while the last heartbeat is younger than `delayed_after`, `delayed` until
    /// `offline_after`, then `offline`; an agent that never sent one is `offline`. `now` is on
    /// the status clock (`Store::status_time`), as `heard_at` is.
    pub fn status(&self, now: SystemTime, thresholds: &Thresholds) -> AgentStatus {
        let Some(last) = self.heard_at else {
            return AgentStatus::Offline;
        };
        let age = now.duration_since(last).unwrap_or_default();
        if age < thresholds.delayed_after {
            AgentStatus::Online
        } else if age < thresholds.offline_after {
            AgentStatus::Delayed
        } else {
            AgentStatus::Offline
        }
    }

    fn apply(&mut self, heartbeat: &Heartbeat, now: SystemTime, heard_at: SystemTime) {
        if self.version.as_deref() != Some(heartbeat.version.as_str()) {
            self.version = Some(heartbeat.version.clone());
        }
        self.uptime = Some(heartbeat.uptime);
        self.cpu_usage = Some(heartbeat.cpu_usage);
        self.mem_usage = Some(heartbeat.mem_usage);
        self.last_heartbeat_at = Some(now);
        self.heard_at = Some(heard_at);
        self.last_op_date = now;
    }

    /// The record as the API returns it, with its status at `now` (on the status clock).
    pub fn view(&self, now: SystemTime, thresholds: &Thresholds) -> AgentView<'_> {
        AgentView {
            uuid: &self.uuid,
            name: &self.name,
            agent_type: self.agent_type.as_deref(),
            version: self.version.as_deref(),
            status: self.status(now, thresholds).as_str(),
            endpoint: self.endpoint.as_deref(),
            platform_id: self.platform_id.as_deref(),
            region: self.region.as_deref(),
            labels: &self.labels,
            last_heartbeat_at: self.last_heartbeat_at.map(Timestamp),
            create_date: Timestamp(self.create_date),
            last_op_date: Timestamp(self.last_op_date),
            uptime: self.uptime,
            cpu_usage: self.cpu_usage,
            mem_usage: self.mem_usage,
        }
    }
}

/// The wire form of a record: the seed's response fields in the seed's order, then the
/// heartbeat's metrics. Fields the server does not know are `null`, never left out.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentView<'a> {
    pub uuid: &'a str,
    pub name: &'a str,
    #[serde(rename = "type")]
    pub agent_type: Option<&'a str>,
    pub version: Option<&'a str>,
    pub status: &'static str,
    pub endpoint: Option<&'a str>,
    pub platform_id: Option<&'a str>,
    pub region: Option<&'a str>,
    pub labels: &'a str,
    pub last_heartbeat_at: Option<Timestamp>,
    pub create_date: Timestamp,
    pub last_op_date: Timestamp,
    pub uptime: Option<u64>,
    pub cpu_usage: Option<f64>,
    pub mem_usage: Option<f64>,
}

/// A time written as the seed writes it: RFC 3339 in UTC, whole seconds (`2026-01-15T08:00:00Z`).
#[derive(Debug, Clone, Copy)]
pub struct Timestamp(pub SystemTime);

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&humantime::format_rfc3339_seconds(self.0))
    }
}

/// Filters of `GET /api/v1/agents`; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    pub status: Option<AgentStatus>,
    pub agent_type: Option<String>,
    pub region: Option<String>,
}

impl ListFilter {
    pub fn is_empty(&self) -> bool {
        self == &ListFilter::default()
    }

    fn matches(&self, record: &AgentRecord, now: SystemTime, thresholds: &Thresholds) -> bool {
        self.status
            .is_none_or(|status| record.status(now, thresholds) == status)
            && self
                .agent_type
                .as_deref()
                .is_none_or(|t| record.agent_type.as_deref() == Some(t))
            && self
                .region
                .as_deref()
                .is_none_or(|r| record.region.as_deref() == Some(r))
    }
}

/// One agent: its id (fixed, so the index sorts without locking) and its record.
struct Entry {
    uuid: Arc<str>,
    record: Mutex<AgentRecord>,
}

impl Entry {
    fn new(record: AgentRecord) -> Arc<Entry> {
        Arc::new(Entry {
            uuid: record.uuid.clone(),
            record: Mutex::new(record),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, AgentRecord> {
        self.record.lock().unwrap_or_else(|e| e.into_inner())
    }
}

type Shard = RwLock<HashMap<Arc<str>, Arc<Entry>>>;

/// All agents, by id, and the same agents in id order.
pub struct Store {
    shards: Box<[Shard]>,
    hasher: RandomState,
    index: Mutex<Index>,
    count: AtomicUsize,
    max_agents: usize,
    pub thresholds: Thresholds,
    clock: Clock,
    /// Where the status clock starts: the monotonic time and the time of day when the store
    /// was made.
    started: (std::time::Instant, SystemTime),
}

/// The agents in id order (`sorted`, shared with listings in flight) and those registered
/// since the last listing (`pending`, unsorted).
#[derive(Default)]
struct Index {
    sorted: Arc<Vec<Arc<Entry>>>,
    pending: Vec<Arc<Entry>>,
}

impl Store {
    /// A store for at most `DEFAULT_MAX_AGENTS` agents.
    pub fn new(thresholds: Thresholds, clock: Clock) -> Store {
        Store::with_max_agents(thresholds, clock, DEFAULT_MAX_AGENTS)
    }

    pub fn with_max_agents(thresholds: Thresholds, clock: Clock, max_agents: usize) -> Store {
        Store {
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
            hasher: RandomState::new(),
            index: Mutex::default(),
            count: AtomicUsize::new(0),
            max_agents,
            thresholds,
            started: (clock.instant(), clock.now()),
            clock,
        }
    }

    /// The time of day on the store's clock: what `createDate`, `lastHeartbeatAt` and
    /// `lastOpDate` say.
    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// The time on the status clock: the time of day when the store was made, moved on by the
    /// monotonic clock since. A wall clock stepped (by hand, by NTP) does not move it, so
    /// statuses, which are ages on this clock, do not jump with it.
    pub fn status_time(&self) -> SystemTime {
        self.started.1 + self.clock.since(self.started.0)
    }

    /// Where a heartbeat stamped `last` (time of day) falls on the status clock: as long ago
    /// as it is now by the time of day; one stamped in the future counts as just now.
    fn heard_at(&self, last: SystemTime) -> SystemTime {
        let now = self.status_time();
        match self.now().duration_since(last) {
            Ok(age) => now.checked_sub(age).unwrap_or(std::time::UNIX_EPOCH),
            Err(_) => now,
        }
    }

    pub fn max_agents(&self) -> usize {
        self.max_agents
    }

    fn shard(&self, id: &str) -> &Shard {
        &self.shards[self.hasher.hash_one(id) as usize % self.shards.len()]
    }

    fn entry(&self, id: &str) -> Option<Arc<Entry>> {
        let shard = self.shard(id).read().unwrap_or_else(|e| e.into_inner());
        shard.get(id).cloned()
    }

    /// Takes one of the free places, or says there is none.
    fn reserve(&self) -> Result<(), StoreFull> {
        self.count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |count| {
                (count < self.max_agents).then_some(count + 1)
            })
            .map(|_| ())
            .map_err(|_| StoreFull {
                max_agents: self.max_agents,
            })
    }

    /// The entry for `id`, created from `make` (taking a free place) if there is none;
    /// `Ok(false)` with the entry when it was already there.
    fn entry_or_insert(
        &self,
        id: &str,
        make: impl FnOnce() -> AgentRecord,
    ) -> Result<(Arc<Entry>, bool), StoreFull> {
        if let Some(entry) = self.entry(id) {
            return Ok((entry, false));
        }
        let mut shard = self.shard(id).write().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = shard.get(id) {
            return Ok((entry.clone(), false));
        }
        self.reserve()?;
        let entry = Entry::new(make());
        shard.insert(entry.uuid.clone(), entry.clone());
        self.index
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pending
            .push(entry.clone());
        Ok((entry, true))
    }

    /// Adds or replaces a record (seeding); a new id needs a free place like a heartbeat does.
    /// Its `lastHeartbeatAt` is placed on the status clock as of now.
    pub fn insert(&self, mut record: AgentRecord) -> Result<(), StoreFull> {
        record.heard_at = record.last_heartbeat_at.map(|last| self.heard_at(last));
        let id = record.uuid.clone();
        let mut record = Some(record);
        let (entry, created) = self.entry_or_insert(&id, || record.take().expect("once"))?;
        if !created {
            *entry.lock() = record.take().expect("not used");
        }
        Ok(())
    }

    /// Applies a heartbeat, registering the agent if it is new; returns the updated record.
    /// The clock is read under the record's lock, so a record's timestamps never go backwards
    /// between two heartbeats for the same agent.
    pub fn heartbeat(&self, id: &str, heartbeat: &Heartbeat) -> Result<AgentRecord, StoreFull> {
        self.heartbeat_with(id, heartbeat, |record, _| record.clone())
    }

    /// `heartbeat`, handing the updated record and the status clock's time (for its status)
    /// to `render` while the record is still locked (keep `render` short). A new agent beyond `max_agents` is refused and
    /// nothing changes; known agents are always updated.
    pub fn heartbeat_with<R>(
        &self,
        id: &str,
        heartbeat: &Heartbeat,
        render: impl FnOnce(&AgentRecord, SystemTime) -> R,
    ) -> Result<R, StoreFull> {
        let (entry, created) =
            self.entry_or_insert(id, || AgentRecord::registered(id, self.now()))?;
        let mut record = entry.lock();
        // A new agent's first heartbeat is at its creation time; after that, the clock (never
        // before the last heartbeat, should another one have come in between).
        let now = if created {
            record.create_date
        } else {
            self.now()
        }
        .max(record.last_heartbeat_at.unwrap_or(std::time::UNIX_EPOCH));
        let heard_at = self.status_time();
        record.apply(heartbeat, now, heard_at);
        Ok(render(&record, heard_at))
    }

    pub fn get(&self, id: &str) -> Option<AgentRecord> {
        self.entry(id).map(|entry| entry.lock().clone())
    }

    /// The agents in id order, with those registered since the last call merged in.
    fn sorted(&self) -> Arc<Vec<Arc<Entry>>> {
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        if !index.pending.is_empty() {
            let pending = std::mem::take(&mut index.pending);
            // A copy only when a listing still reads the old order; then two sorted runs,
            // which the stable sort merges in one linear pass.
            let sorted = Arc::make_mut(&mut index.sorted);
            let old = sorted.len();
            sorted.extend(pending);
            sorted[old..].sort_unstable_by(|a, b| a.uuid.cmp(&b.uuid));
            sorted.sort_by(|a, b| a.uuid.cmp(&b.uuid));
        }
        index.sorted.clone()
    }

    /// One page of the agents that match `filter` at `now`, in id order: skips `offset`
    /// matches, hands up to `limit` records to `visit`, and returns how many match in all.
    /// Without a filter a page costs O(limit); with one, a pass over the agents in order.
    pub fn page(
        &self,
        filter: &ListFilter,
        now: SystemTime,
        offset: usize,
        limit: usize,
        mut visit: impl FnMut(&AgentRecord),
    ) -> usize {
        let sorted = self.sorted();
        if filter.is_empty() {
            let start = offset.min(sorted.len());
            let end = start.saturating_add(limit).min(sorted.len());
            for entry in &sorted[start..end] {
                visit(&entry.lock());
            }
            return sorted.len();
        }
        let mut matched = 0usize;
        for entry in sorted.iter() {
            let record = entry.lock();
            if filter.matches(&record, now, &self.thresholds) {
                if matched >= offset && matched - offset < limit {
                    visit(&record);
                }
                matched += 1;
            }
        }
        matched
    }

    /// The agents that match `filter` at `now`, sorted by id (every page at once).
    pub fn list(&self, filter: &ListFilter, now: SystemTime) -> Vec<AgentRecord> {
        let mut records = Vec::new();
        self.page(filter, now, 0, usize::MAX, |record| {
            records.push(record.clone())
        });
        records
    }

    pub fn len(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
