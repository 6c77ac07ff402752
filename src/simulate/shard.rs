//! Splitting one fleet across processes (k6's execution segments): shard `I` of `N` runs the
//! contiguous slice of agent numbers `[I·A/N, (I+1)·A/N)`, on the schedule one unsharded run
//! would give those agents, so the shards together send exactly what one run would.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;

/// This process's part of the fleet; `0/1` is the whole fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// `I/N`, 0-based: `0/4` … `3/4`. `I ≥ N` and `N = 0` are refused.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let text = text.trim();
        let (index, count) = text
            .split_once('/')
            .ok_or_else(|| format!("'{text}' is not I/N (examples: 0/4, 3/4)"))?;
        let number = |part: &str, what: &str| {
            part.trim().parse::<u64>().map_err(|_| {
                format!("'{text}': {what} '{part}' is not a whole number (examples: 0/4, 3/4)")
            })
        };
        let index = number(index, "the index")?;
        let count = number(count, "the count")?;
        if count == 0 {
            return Err(format!("'{text}': the count of shards must be at least 1"));
        }
        if index >= count {
            return Err(format!(
                "'{text}': shards are numbered from 0, so the index must be below {count}"
            ));
        }
        Ok(Shard { index, count })
    }

    /// The agent numbers (0-based) this shard runs out of a fleet of `agents`.
    pub fn range(self, agents: u64) -> Range<u64> {
        let bound = |index: u64| {
            u64::try_from(u128::from(index) * u128::from(agents) / u128::from(self.count))
                .expect("I·A/N ≤ A fits")
        };
        bound(self.index)..bound(self.index + 1)
    }

    pub fn is_whole(self) -> bool {
        self.count == 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parsing() {
        assert_eq!(Shard::parse("0/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse(" 3/4 "), Ok(Shard { index: 3, count: 4 }));
        assert_eq!(Shard::parse("0/1"), Ok(Shard::WHOLE));
        for bad in [
            "4/4", "5/4", "0/0", "1", "a/4", "1/b", "-1/4", "", "/4", "1/",
        ] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert!(Shard::parse("4/4").unwrap_err().contains("below 4"));
        assert_eq!(Shard { index: 2, count: 8 }.to_string(), "2/8");
    }

    #[test]
    fn slices_of_a_small_fleet() {
        let ranges: Vec<Range<u64>> = (0..4)
            .map(|index| Shard { index, count: 4 }.range(10))
            .collect();
        assert_eq!(ranges, [0..2, 2..5, 5..7, 7..10]);
        // More shards than agents: some shards are empty, none overlap.
        let ranges: Vec<Range<u64>> = (0..4)
            .map(|index| Shard { index, count: 4 }.range(2))
            .collect();
        assert_eq!(ranges, [0..0, 0..1, 1..1, 1..2]);
        assert_eq!(Shard::WHOLE.range(1_000_000), 0..1_000_000);
    }

    proptest! {
        /// The shards of a fleet, in order, tile it: each starts where the previous one ended,
        /// the first at 0 and the last at A, so their union is the fleet and no agent is run twice;
        /// and no two shards differ in size by more than one agent.
        #[test]
        fn shards_tile_the_fleet(agents in 0u64..=2_000_000, count in 1u64..=512) {
            let mut next = 0;
            let (mut smallest, mut largest) = (u64::MAX, 0);
            for index in 0..count {
                let range = Shard { index, count }.range(agents);
                prop_assert_eq!(range.start, next);
                prop_assert!(range.start <= range.end);
                next = range.end;
                let size = range.end - range.start;
                smallest = smallest.min(size);
                largest = largest.max(size);
            }
            prop_assert_eq!(next, agents);
            prop_assert!(largest - smallest <= 1);
        }
    }
}
