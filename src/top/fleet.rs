//! The fleet as the last walks of the listing left it: one row per agent, held once (a walk
//! updates rows in place, marks the status changes it sees and drops the agents it no longer
//! lists), its counts by status, and the filtering and sorting of rows into a view (a list
//! of row numbers). No I/O and no clock of its own: the caller passes the time.

use crate::api::Agent;
use crate::status::{AgentStatus, StatusValue};
use crate::watch::state::status_of;
use std::cell::OnceCell;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

/// How many refreshes a status change stays marked on its row.
pub const MARK_REFRESHES: u8 = 3;
/// How many status changes of one agent the detail view keeps.
const HISTORY_KEPT: usize = 5;

/// The column rows are ordered by (`s` cycles, `S` reverses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// Problems first (offline, delayed, online), then the oldest heartbeat.
    Status,
    Name,
    Uuid,
    Type,
    Region,
    Version,
    Heartbeat,
}

impl SortBy {
    const CYCLE: [SortBy; 7] = [
        SortBy::Status,
        SortBy::Name,
        SortBy::Uuid,
        SortBy::Type,
        SortBy::Region,
        SortBy::Version,
        SortBy::Heartbeat,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SortBy::Status => "status",
            SortBy::Name => "name",
            SortBy::Uuid => "uuid",
            SortBy::Type => "type",
            SortBy::Region => "region",
            SortBy::Version => "version",
            SortBy::Heartbeat => "heartbeat",
        }
    }

    pub(super) fn next(self) -> SortBy {
        let at = Self::CYCLE.iter().position(|s| *s == self).unwrap_or(0);
        Self::CYCLE[(at + 1) % Self::CYCLE.len()]
    }
}

/// A status change seen between two walks.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub time: SystemTime,
    pub from: StatusValue,
    pub to: StatusValue,
}

/// One agent of the fleet.
#[derive(Debug)]
pub struct Row {
    pub uuid: String,
    pub agent: Agent,
    pub status: StatusValue,
    rank: u8,
    heartbeat: Option<SystemTime>,
    /// uuid, name, region and labels (`k=v`), lowercased, for `/`.
    search: String,
    /// The last change, while it is still marked: from, to, refreshes left.
    pub mark: Option<(StatusValue, StatusValue, u8)>,
    listed_in: u64,
}

impl Row {
    fn new(uuid: String, agent: Agent) -> Row {
        let mut row = Row {
            uuid,
            status: status_of(&agent),
            agent,
            rank: 0,
            heartbeat: None,
            search: String::new(),
            mark: None,
            listed_in: 0,
        };
        row.derive();
        row
    }

    /// The fields read from the record, worked out once per record.
    fn derive(&mut self) {
        self.status = status_of(&self.agent);
        self.rank = status_rank(&self.status);
        self.heartbeat = self.agent.time("lastHeartbeatAt");
        let mut search = self.uuid.to_lowercase();
        for field in ["name", "region"] {
            if let Some(text) = self.agent.text_ref(field) {
                search.push('\n');
                search.push_str(&text.to_lowercase());
            }
        }
        for (key, value) in self.agent.labels().unwrap_or_default() {
            search.push('\n');
            search.push_str(&key.to_lowercase());
            search.push('=');
            search.push_str(&value.to_lowercase());
        }
        self.search = search;
    }
}

/// offline, delayed, online; then what agentctl does not know.
fn status_rank(status: &StatusValue) -> u8 {
    match status.known() {
        Some(AgentStatus::Offline) => 0,
        Some(AgentStatus::Delayed) => 1,
        Some(AgentStatus::Online) => 2,
        Some(other) => AgentStatus::problem_rank(Some(other)).min(2),
        None => 3,
    }
}

/// How the last walks went.
#[derive(Debug, Clone, Default)]
pub struct Refresh {
    /// When the last walk that worked ended, and how long it took.
    pub last_ok: Option<(SystemTime, Duration)>,
    /// Why the last walk failed, and when (cleared by one that works).
    pub error: Option<(String, SystemTime)>,
    /// A walk is running.
    pub walking: bool,
}

/// Which rows a view shows, and in which order.
#[derive(Debug, Clone, Copy)]
pub struct Arrange<'a> {
    /// Only this status.
    pub only: Option<AgentStatus>,
    /// Rows whose uuid, name, region or labels contain this (lowercased).
    pub needle: &'a str,
    pub sort: SortBy,
    pub reverse: bool,
}

/// Every agent the walks listed, and how the walks went.
#[derive(Debug, Default)]
pub struct Fleet {
    rows: Vec<Row>,
    index: HashMap<String, usize>,
    history: HashMap<String, VecDeque<Seen>>,
    generation: u64,
    /// The counts by status, worked out on the first frame after a change (not on every
    /// frame: a key's redraw reads a screenful of rows, not the whole fleet).
    counts: OnceCell<Vec<(String, usize)>>,
}

impl Fleet {
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The number of the row of `uuid`.
    pub fn position(&self, uuid: &str) -> Option<usize> {
        self.index.get(uuid).copied()
    }

    /// The changes seen of one agent in this session, oldest first.
    pub fn history(&self, uuid: &str) -> impl Iterator<Item = &Seen> {
        self.history.get(uuid).into_iter().flatten()
    }

    /// The fleet's counts by status, in `AgentStatus::ALL` order, then other values.
    pub fn counts(&self) -> &[(String, usize)] {
        self.counts.get_or_init(|| self.count())
    }

    fn count(&self) -> Vec<(String, usize)> {
        let mut known = [0usize; AgentStatus::ALL.len()];
        let mut other: std::collections::BTreeMap<&str, usize> = Default::default();
        for row in &self.rows {
            match row.status.known() {
                Some(status) => {
                    let at = AgentStatus::ALL
                        .iter()
                        .position(|s| *s == status)
                        .unwrap_or(0);
                    known[at] += 1;
                }
                None => *other.entry(row.status.as_str()).or_default() += 1,
            }
        }
        let mut counts: Vec<(String, usize)> = AgentStatus::ALL
            .iter()
            .zip(known)
            .filter(|(status, count)| status.is_reported() || *count > 0)
            .map(|(status, count)| (status.as_str().to_owned(), count))
            .collect();
        counts.extend(other.into_iter().map(|(s, c)| (s.to_owned(), c)));
        counts
    }

    /// A walk of the listing begins.
    pub fn walk_started(&mut self) {
        self.generation += 1;
    }

    /// One page of the walk in progress: records are updated in place (a status that moved is
    /// marked and remembered), new agents added.
    pub fn page(&mut self, records: Vec<Agent>, now: SystemTime) {
        self.counts.take();
        for agent in records {
            let Some(uuid) = agent.uuid().filter(|u| !u.trim().is_empty()) else {
                continue; // a record without an id cannot be told apart
            };
            match self.index.get(&uuid) {
                Some(&at) => {
                    let row = &mut self.rows[at];
                    row.listed_in = self.generation;
                    if row.agent == agent {
                        continue;
                    }
                    let before = row.status.clone();
                    row.agent = agent;
                    row.derive();
                    if row.status != before {
                        row.mark = Some((before.clone(), row.status.clone(), MARK_REFRESHES));
                        let seen = self.history.entry(uuid).or_default();
                        if seen.len() == HISTORY_KEPT {
                            seen.pop_front();
                        }
                        seen.push_back(Seen {
                            time: now,
                            from: before,
                            to: row.status.clone(),
                        });
                    }
                }
                None => {
                    let mut row = Row::new(uuid.clone(), agent);
                    row.listed_in = self.generation;
                    self.index.insert(uuid, self.rows.len());
                    self.rows.push(row);
                }
            }
        }
    }

    /// The walk ended, after its last page (`listed_all`: agents it did not list have left)
    /// or on an error (the last good data stays). Marks age by one refresh either way.
    pub fn walk_done(&mut self, listed_all: bool) {
        self.counts.take();
        if listed_all {
            let generation = self.generation;
            self.rows.retain(|row| row.listed_in == generation);
            self.index = self
                .rows
                .iter()
                .enumerate()
                .map(|(at, row)| (row.uuid.clone(), at))
                .collect();
            let history = &mut self.history;
            let index = &self.index;
            history.retain(|uuid, _| index.contains_key(uuid));
        }
        for row in &mut self.rows {
            if let Some((_, _, left)) = &mut row.mark {
                *left -= 1;
                if *left == 0 {
                    row.mark = None;
                }
            }
        }
    }

    /// The rows `view` shows, in its order, into `order` (row numbers).
    pub fn arrange(&self, view: Arrange<'_>, order: &mut Vec<usize>) {
        let Arrange {
            only,
            needle,
            sort,
            reverse,
        } = view;
        let rows = &self.rows;
        order.clear();
        order.extend((0..rows.len()).filter(|&at| {
            let row = &rows[at];
            only.is_none_or(|s| row.status.known() == Some(s))
                && (needle.is_empty() || row.search.contains(needle))
        }));
        let text = |row: &Row, field: &str| row.agent.text_ref(field).map(|t| t.to_lowercase());
        let compare = |a: &usize, b: &usize| {
            let (a, b) = (&rows[*a], &rows[*b]);
            let by = match sort {
                // The oldest heartbeat first; none at all before any.
                SortBy::Status => (a.rank, a.heartbeat).cmp(&(b.rank, b.heartbeat)),
                SortBy::Heartbeat => a.heartbeat.cmp(&b.heartbeat),
                SortBy::Uuid => std::cmp::Ordering::Equal,
                SortBy::Name => text(a, "name").cmp(&text(b, "name")),
                SortBy::Type => text(a, "type").cmp(&text(b, "type")),
                SortBy::Region => text(a, "region").cmp(&text(b, "region")),
                SortBy::Version => text(a, "version").cmp(&text(b, "version")),
            };
            by.then_with(|| a.uuid.cmp(&b.uuid))
        };
        match sort {
            // Keyed sorts read each record's field once, not once per comparison.
            SortBy::Name | SortBy::Type | SortBy::Region | SortBy::Version => {
                let field = match sort {
                    SortBy::Name => "name",
                    SortBy::Type => "type",
                    SortBy::Region => "region",
                    _ => "version",
                };
                order.sort_by_cached_key(|&at| {
                    let row = &rows[at];
                    (text(row, field), row.uuid.clone())
                });
            }
            _ => order.sort_unstable_by(compare),
        }
        if reverse {
            order.reverse();
        }
    }
}
