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
        let more = match self.total {
            Some(total) => self.distinct < total,
            None => count >= first_len,
        };
        self.previous = prints.into_iter().map(|p| p.0).collect();
        self.next += 1;
        self.finished = !more;
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
