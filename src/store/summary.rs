//! Hourly traffic per customer, and the views computed from it.

use super::Store;
use super::sql::Result;
use crate::domain::{SummaryRow, Traffic};
use crate::vals;
use rusqlite::{Connection, params};

/// Adds traffic to the hourly summary, inside the caller's SQLite transaction (prepared once
/// for the millions of rows of an import or a demo). Adding (rather than replacing) is what
/// lets each import roll up incrementally.
pub struct HourlyWriter<'c> {
    stmt: rusqlite::CachedStatement<'c>,
}

impl<'c> HourlyWriter<'c> {
    pub fn new(conn: &'c Connection) -> rusqlite::Result<Self> {
        let stmt = conn.prepare_cached(
            "INSERT INTO summary_hourly (customer_id, hour, attempts, connected, duration_s, billed_s, charge, cost)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (customer_id, hour) DO UPDATE SET
                attempts = attempts + excluded.attempts,
                connected = connected + excluded.connected,
                duration_s = duration_s + excluded.duration_s,
                billed_s = billed_s + excluded.billed_s,
                charge = charge + excluded.charge,
                cost = cost + excluded.cost",
        )?;
        Ok(HourlyWriter { stmt })
    }

    pub fn add(&mut self, customer_id: i64, hour: i64, t: &Traffic) -> rusqlite::Result<()> {
        self.stmt.execute(params![
            customer_id,
            hour,
            t.attempts,
            t.connected,
            t.duration_s,
            t.billed_s,
            t.charge,
            t.cost
        ])?;
        Ok(())
    }
}

impl Store {
    /// Hourly rows of one customer with `from <= hour < to`, oldest first.
    pub fn hourly(&self, customer_id: i64, from: i64, to: i64) -> Result<Vec<SummaryRow>> {
        self.read()?.query(
            "SELECT hour, attempts, connected, duration_s, billed_s, charge, cost
             FROM summary_hourly WHERE customer_id = ?1 AND hour >= ?2 AND hour < ?3 ORDER BY hour",
            &vals![customer_id, from, to],
            |r| {
                Ok(SummaryRow {
                    start: r.get(0)?,
                    traffic: Traffic {
                        attempts: r.get(1)?,
                        connected: r.get(2)?,
                        duration_s: r.get(3)?,
                        billed_s: r.get(4)?,
                        charge: r.get(5)?,
                        cost: r.get(6)?,
                    },
                })
            },
        )
    }
}
