//! Hourly traffic per customer, and the views computed from it.

use super::Store;
use super::sql::{Result, Tx};
use crate::domain::{SummaryRow, Traffic};
use crate::vals;

const ADD_HOUR: &str = "INSERT INTO summary_hourly (customer_id, hour, attempts, connected, duration_s, billed_s, charge, cost)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (customer_id, hour) DO UPDATE SET
        attempts = summary_hourly.attempts + excluded.attempts,
        connected = summary_hourly.connected + excluded.connected,
        duration_s = summary_hourly.duration_s + excluded.duration_s,
        billed_s = summary_hourly.billed_s + excluded.billed_s,
        charge = summary_hourly.charge + excluded.charge,
        cost = summary_hourly.cost + excluded.cost";

/// Adds traffic to the hourly summary, inside the caller's transaction. Adding (rather than
/// replacing) is what lets each import roll up incrementally. On SQLite the statement is
/// prepared once for the millions of rows of an import or a demo.
pub struct HourlyWriter<'c, 'a> {
    tx: &'c Tx<'a>,
    sqlite: Option<rusqlite::CachedStatement<'c>>,
}

impl<'c, 'a> HourlyWriter<'c, 'a> {
    pub fn new(tx: &'c Tx<'a>) -> Result<Self> {
        let sqlite = tx
            .sqlite()
            .map(|c| c.prepare_cached(ADD_HOUR))
            .transpose()?;
        Ok(HourlyWriter { tx, sqlite })
    }

    pub fn add(&mut self, customer_id: i64, hour: i64, t: &Traffic) -> Result<()> {
        let values = vals![
            customer_id,
            hour,
            t.attempts,
            t.connected,
            t.duration_s,
            t.billed_s,
            t.charge,
            t.cost
        ];
        match &mut self.sqlite {
            Some(stmt) => {
                stmt.execute(rusqlite::params_from_iter(values.iter()))?;
            }
            None => {
                self.tx.execute(ADD_HOUR, &values)?;
            }
        }
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
