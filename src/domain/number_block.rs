//! Internal number blocks: ranges of extensions handed to one customer, and where the next
//! one goes.

use serde::Serialize;

/// A range of internal numbers (extensions) handed to one customer, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NumberBlock {
    pub id: i64,
    pub customer_id: i64,
    pub first: i64,
    pub last: i64,
}

impl NumberBlock {
    pub fn contains(&self, n: i64) -> bool {
        (self.first..=self.last).contains(&n)
    }

    /// "1000–1999".
    pub fn range(&self) -> String {
        format!("{}–{}", self.first, self.last)
    }
}

/// The highest extension a block may reach: ten digits, what every switch dials.
pub const MAX_EXTENSION: i64 = 9_999_999_999;

/// The lowest free block of `size` numbers on the grid that starts at `start`: a block
/// released earlier is handed out again before new numbers are. `taken` is every block of
/// every customer, in any order; blocks handed out under other settings keep their ranges
/// and the new block overlaps none of them.
pub fn next_free(start: i64, size: i64, taken: &[NumberBlock]) -> Result<(i64, i64), String> {
    let mut taken: Vec<(i64, i64)> = taken.iter().map(|b| (b.first, b.last)).collect();
    taken.sort_unstable();
    let mut first = start;
    loop {
        let last = first + size - 1;
        if last > MAX_EXTENSION {
            return Err(format!(
                "no free block of {size} numbers from {start} up to {MAX_EXTENSION}"
            ));
        }
        // The first taken block this candidate overlaps, if any: skip past it, to the next
        // place on the grid.
        match taken.iter().find(|&&(f, l)| f <= last && l >= first) {
            None => return Ok((first, last)),
            Some(&(_, l)) => first = start + ((l - start) / size + 1) * size,
        }
    }
}

/// The extension `username` is as a number, if it is written as one (digits, no leading
/// zero): what blocks hold.
pub fn extension(username: &str) -> Option<i64> {
    (username.bytes().all(|b| b.is_ascii_digit()) && !username.starts_with('0'))
        .then(|| username.parse().ok())
        .flatten()
}

/// Why `username` may not be a SIP user of a customer with these blocks, or None: once a
/// customer has blocks, its extensions come from them.
pub fn outside_blocks(username: &str, blocks: &[NumberBlock]) -> Option<String> {
    if blocks.is_empty() {
        return None;
    }
    // Written as a number is (no leading zero): 01005 and 1005 would be one extension to
    // the blocks and two usernames to everything else.
    let inside = extension(username).is_some_and(|n| blocks.iter().any(|b| b.contains(n)));
    let ranges: Vec<String> = blocks.iter().map(NumberBlock::range).collect();
    (!inside).then(|| {
        format!(
            "'{username}' is not in the customer's number blocks ({}); choose an extension from them",
            ranges.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(first: i64, last: i64) -> NumberBlock {
        NumberBlock {
            id: 0,
            customer_id: 1,
            first,
            last,
        }
    }

    #[test]
    fn blocks_follow_each_other_from_the_range_start() {
        assert_eq!(next_free(1000, 1000, &[]), Ok((1000, 1999)));
        assert_eq!(
            next_free(1000, 1000, &[block(1000, 1999)]),
            Ok((2000, 2999))
        );
        // A released block is handed out again, lowest first.
        let taken = [block(1000, 1999), block(3000, 3999)];
        assert_eq!(next_free(1000, 1000, &taken), Ok((2000, 2999)));
    }

    #[test]
    fn changed_settings_never_overlap_older_blocks() {
        // Blocks of 1000 handed out, then the size changed to 500 and the start to 1200.
        let taken = [block(1000, 1999), block(2000, 2999)];
        assert_eq!(next_free(1000, 500, &taken), Ok((3000, 3499)));
        assert_eq!(next_free(1200, 500, &taken), Ok((3200, 3699)));
        // A block of 100 fits in a gap the older blocks left.
        let taken = [block(1000, 1099), block(1300, 1399)];
        assert_eq!(next_free(1000, 100, &taken), Ok((1100, 1199)));
        assert_eq!(next_free(1000, 300, &taken), Ok((1600, 1899)));
    }

    #[test]
    fn the_range_has_an_end() {
        let err = next_free(MAX_EXTENSION - 10, 100, &[]).unwrap_err();
        assert!(err.contains("no free block of 100 numbers"), "{err}");
    }

    #[test]
    fn usernames_must_lie_in_a_block_once_there_is_one() {
        assert_eq!(outside_blocks("office", &[]), None);
        let blocks = [block(2000, 2999), block(5000, 5999)];
        assert_eq!(outside_blocks("2001", &blocks), None);
        assert_eq!(outside_blocks("5999", &blocks), None);
        let err = outside_blocks("1001", &blocks).unwrap();
        assert!(err.contains("2000–2999, 5000–5999"), "{err}");
        assert!(outside_blocks("office", &blocks).is_some());
        assert!(outside_blocks("+2001", &blocks).is_some());
        assert!(
            outside_blocks("02001", &blocks).is_some(),
            "one extension, one spelling"
        );
    }
}
