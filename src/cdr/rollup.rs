//! Rolling imported calls up per customer and UTC hour, in memory, so that the hourly
//! summary is written once per hour touched rather than once per call.

use crate::domain::{Cdr, Period, Traffic};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Debug, Default)]
pub struct Totals {
    hourly: HashMap<(i64, i64), Traffic, BuildHasherDefault<KeyHasher>>,
    last_call: HashMap<i64, i64, BuildHasherDefault<KeyHasher>>,
}

/// Hashes customer ids and hours: integers from our own database and clock, not from
/// someone who could pick colliding keys, so a multiply-xorshift mix does where SipHash
/// cost as much as the adding up itself.
#[derive(Debug, Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }

    /// SplitMix64's finaliser: every bit of the keys reaches the bits the table uses.
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl Totals {
    /// Counts a stored call; calls of no customer are not summed. An error says which
    /// total would overflow (and nothing is counted).
    pub fn add(&mut self, cdr: &Cdr) -> Result<(), String> {
        let Some(customer) = cdr.customer_id else {
            return Ok(());
        };
        let hour = Period::Hourly.start_of(cdr.start_at);
        let total = self.hourly.entry((customer, hour)).or_default();
        *total = total.checked_add(&cdr.traffic()).ok_or_else(|| {
            format!(
                "customer {customer}'s total for the hour would overflow with this call; nothing was imported"
            )
        })?;
        let last = self.last_call.entry(customer).or_insert(cdr.start_at);
        *last = (*last).max(cdr.start_at);
        Ok(())
    }

    /// (customer, hour, traffic), in key order: the order of the summary's primary key.
    pub fn hours(&self) -> Vec<(i64, i64, Traffic)> {
        let mut hours: Vec<_> = self.hourly.iter().map(|(&(c, h), t)| (c, h, *t)).collect();
        hours.sort_unstable_by_key(|&(c, h, _)| (c, h));
        hours
    }

    /// (customer, start of its latest call).
    pub fn last_calls(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.last_call.iter().map(|(&c, &t)| (c, t))
    }
}
