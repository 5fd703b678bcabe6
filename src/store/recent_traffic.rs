//! Each customer's traffic of the last 24 hours, for the board. Migration 16 keeps sums per
//! customer over the hours from a window's start on (`recent_traffic`, kept right by
//! triggers on the hourly summary whoever writes it). A reader asks for the figures since
//! some second: the kept sums, less the few hours between the window's start and that
//! second (or plus them, for a reader whose clock is behind). The board's loads move the
//! window forward as the hours pass, so those few hours stay few.

use super::Store;
use super::sql::{Error, Result, Tx};
use super::waits;
use crate::vals;
use std::collections::HashMap;

/// Attempts, connected calls and connected seconds.
pub(super) type Figures = (i64, i64, i64);

/// The first hour that counts in figures since `since`: an hour is stored by its start and
/// counts when it starts at or after `since`.
fn first_hour(since: i64) -> i64 {
    (since + 3599).div_euclid(3600) * 3600
}

/// How the kept sums differ from the figures since a second: the hours `from <= hour < to`
/// are in one and not the other, and `sign` says which way.
#[derive(Clone, Copy)]
pub(super) struct Difference {
    from: i64,
    to: i64,
    sign: i64,
}

impl Difference {
    /// Read in the reader's transaction, so that sums and window are of one snapshot.
    pub(super) fn of(tx: &Tx, since: i64) -> Result<Difference> {
        let kept = kept_since(tx, "")?;
        let wanted = first_hour(since);
        Ok(if wanted >= kept {
            Difference {
                from: kept,
                to: wanted,
                sign: -1,
            }
        } else {
            Difference {
                from: wanted,
                to: kept,
                sign: 1,
            }
        })
    }

    fn is_none(&self) -> bool {
        self.from == self.to
    }

    /// The difference for every customer with traffic in it, set-wise through the time
    /// index (which carries the figures): for a whole board.
    pub(super) fn of_all(&self, tx: &Tx) -> Result<HashMap<i64, Figures>> {
        if self.is_none() {
            return Ok(HashMap::new());
        }
        let mut by_customer = HashMap::new();
        tx.each(
            "SELECT customer_id, sum(attempts), sum(connected), sum(duration_s)
             FROM summary_hourly WHERE hour >= ?1 AND hour < ?2 GROUP BY customer_id",
            &vals![self.from, self.to],
            |r| {
                let figures = (r.get(1)?, r.get(2)?, r.get(3)?);
                by_customer.insert(r.get(0)?, self.signed(figures));
                Ok(())
            },
        )?;
        Ok(by_customer)
    }

    /// The difference for one customer, by its own hours: for a few board rows.
    pub(super) fn of_one(&self, tx: &Tx, customer_id: i64) -> Result<Figures> {
        if self.is_none() {
            return Ok((0, 0, 0));
        }
        let figures = tx.query_one(
            "SELECT coalesce(sum(attempts), 0), coalesce(sum(connected), 0),
                    coalesce(sum(duration_s), 0)
             FROM summary_hourly WHERE customer_id = ?1 AND hour >= ?2 AND hour < ?3",
            &vals![customer_id, self.from, self.to],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(self.signed(figures))
    }

    fn signed(&self, (a, c, d): Figures) -> Figures {
        (self.sign * a, self.sign * c, self.sign * d)
    }
}

impl Store {
    /// Moves the window of kept sums forward to the hours since `since`, taking off the
    /// hours that left it, when it is behind. Housekeeping that no reader needs in order to
    /// be right, so it never waits: when another writer holds the lock, it is left for the
    /// next load.
    pub(super) fn slide_recent_window(&self, since: i64) -> Result<()> {
        let wanted = first_hour(since);
        if kept_since(&self.read()?, "")? >= wanted {
            return Ok(());
        }
        let Some(tx) = waits::write_now(&self.conn)? else {
            return Ok(());
        };
        match slide(&tx, wanted) {
            Ok(()) => tx.commit(),
            Err(e) if is_lock_not_available(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// The slide itself, in a write transaction. On PostgreSQL the window's row is locked at
/// once or not at all: a summary writer holds it (FOR SHARE) until its commit.
fn slide(tx: &Tx, wanted: i64) -> Result<()> {
    let kept = kept_since(tx, if tx.is_pg() { " FOR UPDATE NOWAIT" } else { "" })?;
    if kept >= wanted {
        return Ok(());
    }
    if wanted - kept >= 24 * 3600 {
        // More hours to take off than the window holds: summing the window afresh reads less.
        tx.execute("DELETE FROM recent_traffic", &[])?;
        tx.execute(
            "INSERT INTO recent_traffic (customer_id, attempts, connected, duration_s)
             SELECT customer_id, sum(attempts), sum(connected), sum(duration_s)
             FROM summary_hourly WHERE hour >= ?1 GROUP BY customer_id",
            &vals![wanted],
        )?;
    } else {
        tx.execute(
            "UPDATE recent_traffic SET
                attempts = recent_traffic.attempts - gone.attempts,
                connected = recent_traffic.connected - gone.connected,
                duration_s = recent_traffic.duration_s - gone.duration_s
             FROM (SELECT customer_id, sum(attempts) AS attempts, sum(connected) AS connected,
                          sum(duration_s) AS duration_s
                   FROM summary_hourly WHERE hour >= ?1 AND hour < ?2
                   GROUP BY customer_id) gone
             WHERE recent_traffic.customer_id = gone.customer_id",
            &vals![kept, wanted],
        )?;
        tx.execute(
            "DELETE FROM recent_traffic WHERE attempts = 0 AND connected = 0 AND duration_s = 0",
            &[],
        )?;
    }
    tx.execute("UPDATE recent_window SET since = ?1", &vals![wanted])?;
    Ok(())
}

/// Where the kept sums start, read with `lock` (a locking clause, or none).
pub(super) fn kept_since(tx: &Tx, lock: &str) -> Result<i64> {
    tx.query_one(
        &format!("SELECT since FROM recent_window{lock}"),
        &[],
        |r| r.get(0),
    )
}

fn is_lock_not_available(e: &Error) -> bool {
    matches!(e, Error::Pg(e) if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE))
}

#[cfg(test)]
mod tests {
    use super::first_hour;

    #[test]
    fn an_hour_counts_when_it_starts_at_or_after_the_second_asked() {
        assert_eq!(first_hour(7200), 7200);
        assert_eq!(first_hour(7201), 10_800);
        assert_eq!(first_hour(10_799), 10_800);
        assert_eq!(first_hour(-1), 0);
        assert_eq!(first_hour(-3600), -3600);
    }
}
