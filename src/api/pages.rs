//! The paged walk of the listing (contract §1): `page=1&pageSize=N`, then the next page while
//! there is more (fewer records than `total`, or, with no `total`, each page as long as the
//! first one), an empty page ends it, a record whose `uuid` was already listed is dropped, and
//! a server that ignores `page` is caught (a page that repeats the previous one, or holds
//! nothing new) and ends the walk with a warning instead of a loop.
//!
//! The walk (`ApiClient::walk`; its bookkeeping is here) hands out one page at a time, so a
//! caller that streams (`agent list -o ndjson`) holds one page, plus one 8-byte fingerprint
//! per agent for the de-duplication.

use super::decode::Page;
use super::record::Agent;
use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

/// The page size the client asks the server for when `--page-size` is not given (the
/// server may serve fewer: the dev server caps pages at 1000).
pub const DEFAULT_REQUESTED_PAGE_SIZE: u32 = 500;

/// The most agents one walk lists: a `total` above it is not believed (a server that says
/// 2^63 would be walked for ever), and a walk without `total` stops there too.
pub const MAX_WALK_AGENTS: u64 = 10_000_000;

/// The pages a walk may take beyond those its first page implies: the fleet may grow while
/// it is walked, and offset paging over a changing fleet repeats records.
fn slack(pages: u64) -> u64 {
    pages / 10 + 2
}

/// What to list: the page size asked for and the filters sent as query parameters.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub page_size: u32,
    /// `(parameter, value)`, sent after `page` and `pageSize`.
    pub filters: Vec<(&'static str, String)>,
}

impl Default for ListRequest {
    fn default() -> ListRequest {
        ListRequest {
            page_size: DEFAULT_REQUESTED_PAGE_SIZE,
            filters: Vec::new(),
        }
    }
}

/// The bookkeeping of a walk, without I/O: which page comes next, and what a page that came
/// back means.
#[derive(Debug)]
pub struct WalkState {
    next: u64,
    finished: bool,
    first_len: Option<usize>,
    total: Option<u64>,
    /// The last page the walk asks for, set by the first page: the pages its `total` (at
    /// most [`MAX_WALK_AGENTS`]) implies at its length, plus [`slack`].
    last_page: u64,
    /// The first page's `total`, which set `last_page`.
    first_total: Option<u64>,
    /// [`MAX_WALK_AGENTS`] (smaller in tests).
    most_agents: u64,
    /// Fingerprints of the uuids listed so far. 64 bits from a per-process random key: a
    /// collision (about 3 in 10^8 for a million agents) costs one record, never a loop.
    seen: HashSet<u64>,
    distinct: u64,
    /// The fingerprints of the previous page, in order (to catch a server that ignores `page`).
    previous: Vec<u64>,
    hasher: RandomState,
}

impl Default for WalkState {
    fn default() -> WalkState {
        WalkState::new()
    }
}

impl WalkState {
    pub fn new() -> WalkState {
        WalkState {
            next: 1,
            finished: false,
            first_len: None,
            total: None,
            last_page: u64::MAX,
            first_total: None,
            most_agents: MAX_WALK_AGENTS,
            seen: HashSet::new(),
            distinct: 0,
            previous: Vec::new(),
            hasher: RandomState::new(),
        }
    }

    /// The page to ask for next, or `None` when the walk is over.
    pub fn next_page(&self) -> Option<u64> {
        (!self.finished).then_some(self.next)
    }

    /// The records listed so far, after de-duplication.
    #[cfg(test)]
    pub fn distinct(&self) -> u64 {
        self.distinct
    }

    /// Ends the walk (a failed request, or a caller that has enough).
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// Takes the page that came back for [`next_page`](Self::next_page): returns its records
    /// not listed before, and a warning when the walk stopped because the server does not
    /// page as it should.
    pub fn accept(&mut self, page: Page) -> (Vec<Agent>, Option<String>) {
        let number = self.next;
        let count = page.records.len();
        if page.total.is_some() {
            self.total = page.total;
        }
        if count == 0 {
            self.finished = true;
            return (Vec::new(), None);
        }
        let prints: Vec<(u64, bool)> = page
            .records
            .iter()
            .map(|record| match record.text_ref("uuid") {
                Some(uuid) => (self.hasher.hash_one((0u8, uuid.as_ref())), true),
                None => (self.hasher.hash_one((1u8, record.json())), false),
            })
            .collect();
        if prints.iter().map(|p| p.0).eq(self.previous.iter().copied()) {
            self.finished = true;
            return (
                Vec::new(),
                Some(format!(
                    "the server answered page {number} with the same agents as page {}: it \
                     seems to ignore `page`; stopped with {} agents, the listing may be incomplete",
                    number - 1,
                    self.distinct
                )),
            );
        }
        let mut fresh = Vec::with_capacity(count);
        for (record, (print, has_uuid)) in page.records.into_iter().zip(&prints) {
            if !has_uuid || self.seen.insert(*print) {
                fresh.push(record);
            }
        }
        self.distinct += fresh.len() as u64;
        if fresh.is_empty() {
            self.finished = true;
            return (
                fresh,
                Some(format!(
                    "page {number} of the listing held only agents already listed: the server \
                     may ignore `page`; stopped with {} agents, the listing may be incomplete",
                    self.distinct
                )),
            );
        }
        let first_len = *self.first_len.get_or_insert(count);
        if number == 1 {
            self.first_total = self.total;
            let agents = self.total.unwrap_or(u64::MAX).min(self.most_agents);
            let pages = agents.div_ceil(first_len as u64).max(1);
            self.last_page = pages + slack(pages);
        }
        let more = match self.total {
            Some(total) => self.distinct < total,
            None => count >= first_len,
        };
        self.previous = prints.into_iter().map(|p| p.0).collect();
        self.next += 1;
        self.finished = !more;
        if more && number >= self.last_page {
            self.finished = true;
            let most = self.most_agents;
            let why = match self.first_total {
                Some(total) if total > most => format!(
                    "the server's total of {total} agents is more than agentctl lists in one \
                     walk ({most})"
                ),
                Some(total) => format!(
                    "the first page's total of {total} agents at {first_len} a page implies {} \
                     pages",
                    total.div_ceil(first_len as u64)
                ),
                None => format!(
                    "the server gives no total and {number} pages of {first_len} reach the \
                     most agentctl lists in one walk ({most})"
                ),
            };
            return (
                fresh,
                Some(format!(
                    "stopped the listing after {number} pages ({} agents): {why}; the listing \
                     may be incomplete (--limit N takes the first N agents, the filters narrow \
                     the listing)",
                    self.distinct
                )),
            );
        }
        (fresh, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(ids: &[&str], total: Option<u64>) -> Page {
        Page {
            records: ids
                .iter()
                .map(|id| Agent::from_value(json!({"uuid": id})).unwrap())
                .collect(),
            total,
        }
    }

    fn uuids(records: &[Agent]) -> Vec<String> {
        records.iter().map(|r| r.uuid().unwrap()).collect()
    }

    #[test]
    fn a_capped_page_size_is_followed_to_a_short_page() {
        let mut walk = WalkState::new();
        assert_eq!(walk.next_page(), Some(1));
        // Asked for 500, got 2 a page (no total): a full page means more.
        assert_eq!(uuids(&walk.accept(page(&["a", "b"], None)).0), ["a", "b"]);
        assert_eq!(walk.next_page(), Some(2));
        assert_eq!(uuids(&walk.accept(page(&["c", "d"], None)).0), ["c", "d"]);
        assert_eq!(uuids(&walk.accept(page(&["e"], None)).0), ["e"]);
        assert_eq!(walk.next_page(), None);
    }

    #[test]
    fn total_decides_and_an_empty_page_ends() {
        let mut walk = WalkState::new();
        walk.accept(page(&["a", "b"], Some(3)));
        walk.accept(page(&["c", "d"], Some(3)));
        assert_eq!(walk.next_page(), None, "3 of 3 listed (plus one joiner)");
        let mut walk = WalkState::new();
        walk.accept(page(&["a", "b"], Some(5)));
        let (records, warning) = walk.accept(page(&[], Some(5)));
        assert!(records.is_empty() && warning.is_none());
        assert_eq!(walk.next_page(), None);
    }

    #[test]
    fn a_walk_stops_at_the_pages_its_first_total_implies_plus_slack() {
        // 4 agents at 2 a page: 2 pages, plus a slack of 2. A server whose total then grows
        // and that keeps sending new agents is stopped after page 4.
        let mut walk = WalkState::new();
        assert_eq!(walk.accept(page(&["a", "b"], Some(4))).1, None);
        assert_eq!(walk.accept(page(&["c", "d"], Some(1_000))).1, None);
        assert_eq!(walk.accept(page(&["e", "f"], Some(1_000))).1, None);
        let (records, warning) = walk.accept(page(&["g", "h"], Some(1_000)));
        assert_eq!(uuids(&records), ["g", "h"]);
        assert_eq!(
            warning.as_deref(),
            Some(
                "stopped the listing after 4 pages (8 agents): the first page's total of 4 \
                 agents at 2 a page implies 2 pages; the listing may be incomplete (--limit N \
                 takes the first N agents, the filters narrow the listing)"
            )
        );
        assert_eq!(walk.next_page(), None);
    }

    #[test]
    fn an_absurd_total_or_none_is_walked_to_the_most_agents_one_walk_lists() {
        let full = |walk: &mut WalkState, n: u64, total: Option<u64>| {
            let ids: Vec<String> = (0..2).map(|i| format!("p{n}-{i}")).collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            walk.accept(page(&ids, total))
        };
        for total in [Some(1u64 << 63), None] {
            let mut walk = WalkState::new();
            walk.most_agents = 20;
            // 20 agents at 2 a page: 10 pages, plus a slack of 3.
            for n in 1..13 {
                assert_eq!(full(&mut walk, n, total).1, None);
            }
            let warning = full(&mut walk, 13, total).1.unwrap();
            assert!(warning.contains("after 13 pages (26 agents)"), "{warning}");
            assert!(
                warning.contains("in one walk (20)") && warning.contains("--limit N"),
                "{warning}"
            );
            assert_eq!(walk.next_page(), None);
        }
    }

    #[test]
    fn repeats_are_dropped_and_a_server_ignoring_page_is_caught() {
        let mut walk = WalkState::new();
        walk.accept(page(&["a", "b"], None));
        // The fleet changed between pages: offset paging repeats "b".
        assert_eq!(uuids(&walk.accept(page(&["b", "c"], None)).0), ["c"]);
        assert_eq!(walk.distinct(), 3);
        let (records, warning) = walk.accept(page(&["b", "c"], None));
        assert!(records.is_empty());
        assert!(
            warning
                .unwrap()
                .contains("page 3 with the same agents as page 2")
        );
        assert_eq!(walk.next_page(), None);

        let mut walk = WalkState::new();
        walk.accept(page(&["a", "b"], Some(500)));
        let (_, warning) = walk.accept(page(&["b", "a"], Some(500)));
        assert!(warning.unwrap().contains("only agents already listed"));
        assert_eq!(walk.next_page(), None);
    }
}
