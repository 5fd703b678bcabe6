//! Rolling imported calls up per customer and UTC hour, in memory, so that the hourly
//! summary is written once per hour touched rather than once per call.

use crate::domain::{Cdr, Period, Traffic};
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Totals {
    hourly: HashMap<(i64, i64), Traffic>,
    last_call: HashMap<i64, i64>,
}

impl Totals {
    /// Counts a stored call; calls of no customer are not summed.
    pub fn add(&mut self, cdr: &Cdr) {
        let Some(customer) = cdr.customer_id else {
            return;
        };
        let hour = Period::Hourly.start_of(cdr.start_at);
        self.hourly
            .entry((customer, hour))
            .or_default()
            .add(&cdr.traffic());
        let last = self.last_call.entry(customer).or_insert(cdr.start_at);
        *last = (*last).max(cdr.start_at);
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
