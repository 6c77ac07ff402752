//! The changes waiting for their `--exec` handler: a pure structure, no I/O, no clock.
//!
//! The changes of one agent are handed out in order, one at a time (the next only once the
//! handler of the last is [`done`](HandlerQueue::done)). What waits is bounded: once
//! `capacity` changes are queued in all, each agent's waiting changes are folded into its
//! latest one, and from then on a new change of an agent that already has one waiting
//! replaces it. A folded change goes *from* the status of the first change it replaced
//! (what the agent's handler last saw, or is seeing now) *to* the latest status, with the
//! latest record, and counts the changes folded into it. So memory holds at most
//! `capacity` changes, or one per agent that has a change waiting when the fleet is larger
//! than that; a slow handler over a flapping fleet is handed the latest news, not a backlog.

use super::state::Change;
use std::collections::{HashMap, HashSet, VecDeque};

/// How many changes wait for handlers, in all, before they are folded per agent.
pub const QUEUE_CAPACITY: usize = 1024;

/// One change handed to a handler, and how many earlier changes of the same agent were
/// folded into it (0 for a change delivered as it came).
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub change: Change,
    pub coalesced: u64,
}

impl Pending {
    /// Folds `later` into this change: its status, record and reason, this change's `from`.
    fn absorb(&mut self, later: Pending) {
        let from = self.change.from.take();
        self.coalesced += 1 + later.coalesced;
        self.change = later.change;
        self.change.from = from;
    }
}

#[derive(Debug)]
pub struct HandlerQueue {
    capacity: usize,
    waiting: HashMap<String, VecDeque<Pending>>,
    /// Agents with a change waiting and no handler running, oldest first.
    ready: VecDeque<String>,
    /// Agents whose handler is running.
    busy: HashSet<String>,
    /// Changes waiting, in all.
    queued: usize,
    /// Changes folded into a later one since the last [`take_coalesced`](Self::take_coalesced).
    coalesced: u64,
}

impl HandlerQueue {
    pub fn new(capacity: usize) -> HandlerQueue {
        HandlerQueue {
            capacity: capacity.max(1),
            waiting: HashMap::new(),
            ready: VecDeque::new(),
            busy: HashSet::new(),
            queued: 0,
            coalesced: 0,
        }
    }

    /// Queues a change; when the queue is full, folds instead of growing.
    pub fn push(&mut self, change: Change) {
        let pending = Pending {
            change,
            coalesced: 0,
        };
        if self.queued >= self.capacity {
            self.fold_all();
            if let Some(latest) = self
                .waiting
                .get_mut(&pending.change.uuid)
                .and_then(VecDeque::back_mut)
            {
                latest.absorb(pending);
                self.coalesced += 1;
                return;
            }
        }
        let uuid = pending.change.uuid.clone();
        let queue = self.waiting.entry(uuid.clone()).or_default();
        queue.push_back(pending);
        self.queued += 1;
        if queue.len() == 1 && !self.busy.contains(&uuid) {
            self.ready.push_back(uuid);
        }
    }

    /// Folds the waiting changes of every agent into its latest one.
    fn fold_all(&mut self) {
        if self.queued == self.waiting.len() {
            return; // one each already
        }
        for queue in self.waiting.values_mut() {
            if queue.len() < 2 {
                continue;
            }
            self.coalesced += queue.len() as u64 - 1;
            let mut drained = queue.drain(..);
            let mut folded = drained.next().expect("two or more");
            for later in drained {
                folded.absorb(later);
            }
            queue.push_back(folded);
        }
        self.queued = self.waiting.len();
    }

    /// The next change to hand to a handler (its agent is then busy until
    /// [`done`](Self::done)); `None` when every agent with a change waiting is busy.
    pub fn next(&mut self) -> Option<Pending> {
        while let Some(uuid) = self.ready.pop_front() {
            let Some(queue) = self.waiting.get_mut(&uuid) else {
                continue;
            };
            let Some(pending) = queue.pop_front() else {
                continue;
            };
            if queue.is_empty() {
                self.waiting.remove(&uuid);
            }
            self.queued -= 1;
            self.busy.insert(uuid);
            return Some(pending);
        }
        None
    }

    /// The handler of `uuid` has finished: its next change, if any, may go.
    pub fn done(&mut self, uuid: &str) {
        if self.busy.remove(uuid) && self.waiting.contains_key(uuid) {
            self.ready.push_back(uuid.to_owned());
        }
    }

    /// Drops every change not handed out yet (the watch was interrupted).
    pub fn clear(&mut self) {
        self.waiting.clear();
        self.ready.clear();
        self.queued = 0;
    }

    /// Changes waiting, in all.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.queued
    }

    pub fn is_empty(&self) -> bool {
        self.queued == 0
    }

    /// How many changes were folded into a later one since the last call.
    pub fn take_coalesced(&mut self) -> u64 {
        std::mem::take(&mut self.coalesced)
    }
}

#[cfg(test)]
pub(in crate::watch) mod tests {
    use super::*;
    use crate::status::StatusValue;
    use std::time::SystemTime;

    /// A change of `uuid` from `from` to `to`, for the tests of the queue and of its dispatcher.
    pub(in crate::watch) fn change(uuid: &str, from: Option<&str>, to: &str) -> Change {
        Change {
            time: SystemTime::UNIX_EPOCH,
            uuid: uuid.into(),
            from: from.map(StatusValue::of_text),
            to: StatusValue::of_text(to),
            agent: None,
            reason: None,
        }
    }

    /// `uuid from>to (coalesced)` of what `next` hands out.
    fn seen(pending: &Pending) -> String {
        let change = &pending.change;
        format!(
            "{} {}>{} ({})",
            change.uuid,
            change.from.as_ref().map_or("null", StatusValue::as_str),
            change.to.as_str(),
            pending.coalesced
        )
    }

    /// Flips `uuid` between online and offline `times` times, starting online → offline.
    fn flap(queue: &mut HandlerQueue, uuid: &str, times: usize) {
        let statuses = ["online", "offline"];
        for n in 0..times {
            let from = statuses[n % 2];
            let to = statuses[(n + 1) % 2];
            queue.push(change(uuid, Some(from), to));
        }
    }

    #[test]
    fn under_capacity_every_change_goes_in_order_one_at_a_time_per_agent() {
        let mut queue = HandlerQueue::new(8);
        queue.push(change("a", None, "online"));
        queue.push(change("b", None, "online"));
        queue.push(change("a", Some("online"), "delayed"));
        assert_eq!(queue.len(), 3);
        let first = queue.next().unwrap();
        assert_eq!(seen(&first), "a null>online (0)");
        assert_eq!(seen(&queue.next().unwrap()), "b null>online (0)");
        // a's handler is still running: its next change waits.
        assert_eq!(queue.next(), None);
        queue.done("a");
        assert_eq!(seen(&queue.next().unwrap()), "a online>delayed (0)");
        queue.done("a");
        queue.done("b");
        assert!(queue.next().is_none() && queue.is_empty());
        assert_eq!(queue.take_coalesced(), 0);
    }

    #[test]
    fn a_full_queue_folds_each_agent_into_its_latest_change_from_what_its_handler_saw() {
        let mut queue = HandlerQueue::new(4);
        queue.push(change("a", None, "online"));
        // a's first handler is running (it sees online); three more changes wait.
        assert_eq!(seen(&queue.next().unwrap()), "a null>online (0)");
        queue.push(change("a", Some("online"), "delayed"));
        queue.push(change("a", Some("delayed"), "offline"));
        queue.push(change("b", None, "online"));
        queue.push(change("a", Some("offline"), "online"));
        assert_eq!(queue.len(), 4);
        assert_eq!(queue.take_coalesced(), 0);
        // Full: the fifth folds a's three into one, and b's new one into b's.
        queue.push(change("b", Some("online"), "offline"));
        assert_eq!(queue.len(), 2);
        assert_eq!(queue.take_coalesced(), 3);
        assert_eq!(seen(&queue.next().unwrap()), "b null>offline (1)");
        queue.done("a");
        // a's handler last saw online: the folded change goes from there to the latest.
        assert_eq!(seen(&queue.next().unwrap()), "a online>online (2)");
    }

    #[test]
    fn a_flapping_fleet_holds_at_most_capacity_or_one_change_per_agent() {
        let mut queue = HandlerQueue::new(16);
        // Nothing is ever handed out (the handlers are slow): 100 agents flap 1000 times.
        for round in 0..1000 {
            for agent in 0..100 {
                flap(&mut queue, &format!("agent-{agent}"), 1 + round % 2);
            }
            assert!(queue.len() <= 100, "{}", queue.len());
        }
        assert_eq!(queue.len(), 100);
        let pushed: u64 = (0..1000u64).map(|round| 100 * (1 + round % 2)).sum();
        assert_eq!(queue.take_coalesced(), pushed - 100);
        // Under capacity, a few agents keep every change.
        let mut small = HandlerQueue::new(16);
        flap(&mut small, "a", 5);
        flap(&mut small, "b", 5);
        assert_eq!((small.len(), small.take_coalesced()), (10, 0));
        flap(&mut small, "a", 7);
        // The seventh found the queue full: a's eleven and b's five folded, then a's last
        // into a's.
        assert_eq!((small.len(), small.take_coalesced()), (2, 15));
        let mut handed = Vec::new();
        while let Some(pending) = small.next() {
            handed.push(seen(&pending));
            small.done(&pending.change.uuid.clone());
        }
        assert_eq!(handed, ["a online>offline (11)", "b online>offline (4)"]);
    }

    #[test]
    fn clear_drops_what_waits_and_done_of_an_idle_agent_is_harmless() {
        let mut queue = HandlerQueue::new(4);
        queue.push(change("a", None, "online"));
        queue.push(change("a", Some("online"), "offline"));
        let running = queue.next().unwrap();
        queue.clear();
        assert!(queue.is_empty());
        queue.done(&running.change.uuid);
        queue.done("nobody");
        assert_eq!(queue.next(), None);
        queue.push(change("a", Some("offline"), "online"));
        assert_eq!(seen(&queue.next().unwrap()), "a offline>online (0)");
    }
}
