//! Summary views of one customer's traffic, computed from the hourly rows.

use super::{Result, Service};
use crate::domain::SummaryRow;
use crate::domain::summary::{Period, roll_up};

impl Service {
    /// The rows of a summary view, newest first: the last 24 hours hour by hour, or every
    /// day, ISO week or month of the customer's history, in UTC. `now` is unix seconds.
    pub fn summary(&self, customer_id: i64, period: Period, now: i64) -> Result<Vec<SummaryRow>> {
        self.customer(customer_id)?;
        let (from, to) = match period {
            Period::Hourly => {
                let this_hour = Period::Hourly.start_of(now);
                (this_hour - 23 * 3600, this_hour + 3600)
            }
            _ => (i64::MIN, i64::MAX),
        };
        let hourly = self.store.hourly(customer_id, from, to)?;
        Ok(roll_up(&hourly, period))
    }
}
