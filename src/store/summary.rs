//! Hourly traffic per customer, and the views computed from it.

use super::Store;
use super::sql::{Error, Result, Tx};
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
        cost = summary_hourly.cost + excluded.cost
     RETURNING typeof(attempts) = 'integer' AND typeof(connected) = 'integer'
        AND typeof(duration_s) = 'integer' AND typeof(billed_s) = 'integer'
        AND typeof(charge) = 'integer' AND typeof(cost) = 'integer'";

/// Adds traffic to the hourly summary, inside the caller's transaction. Adding (rather than
/// replacing) is what lets each import roll up incrementally. On SQLite the statement is
/// prepared once for the millions of rows of an import or a demo.
pub struct HourlyWriter<'c, 'a> {
    tx: &'c Tx<'a>,
    sqlite: Option<rusqlite::CachedStatement<'c>>,
    /// On PostgreSQL, rows waiting to go in together (`finish` sends the last of them).
    pending: Vec<(i64, i64, Traffic)>,
}

/// Rows sent to PostgreSQL in one statement.
const PG_BATCH: usize = 10_000;

impl<'c, 'a> HourlyWriter<'c, 'a> {
    pub fn new(tx: &'c Tx<'a>) -> Result<Self> {
        let sqlite = tx
            .sqlite()
            .map(|c| c.prepare_cached(ADD_HOUR))
            .transpose()?;
        Ok(HourlyWriter {
            tx,
            sqlite,
            pending: Vec::new(),
        })
    }

    pub fn add(&mut self, customer_id: i64, hour: i64, t: &Traffic) -> Result<()> {
        if self.sqlite.is_none() {
            self.pending.push((customer_id, hour, *t));
            if self.pending.len() >= PG_BATCH {
                self.flush()?;
            }
            return Ok(());
        }
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
        if let Some(stmt) = &mut self.sqlite {
            // SQLite turns an integer sum that overflows into a REAL rather than fail.
            let integers = stmt.query_row(rusqlite::params_from_iter(values.iter()), |r| {
                r.get::<_, bool>(0)
            })?;
            if !integers {
                return Err(Error::Overflow);
            }
        }
        Ok(())
    }

    /// Writes what is still waiting; the summary is complete after it.
    pub fn finish(mut self) -> Result<()> {
        self.flush()
    }

    /// The waiting rows in one statement (PostgreSQL): summed per customer and hour first,
    /// as one upsert may not touch a row twice.
    fn flush(&mut self) -> Result<()> {
        let mut sums: std::collections::BTreeMap<(i64, i64), Traffic> = Default::default();
        for (customer, hour, t) in self.pending.drain(..) {
            let sum = sums.entry((customer, hour)).or_default();
            *sum = sum.checked_add(&t).ok_or(Error::Overflow)?;
        }
        if sums.is_empty() {
            return Ok(());
        }
        let column = |f: fn(&(i64, i64), &Traffic) -> i64| {
            sums.iter().map(|(k, t)| f(k, t)).collect::<Vec<i64>>()
        };
        let (customer, hour) = (column(|k, _| k.0), column(|k, _| k.1));
        let attempts = column(|_, t| t.attempts);
        let connected = column(|_, t| t.connected);
        let duration = column(|_, t| t.duration_s);
        let billed = column(|_, t| t.billed_s);
        let charge = column(|_, t| t.charge);
        let cost = column(|_, t| t.cost);
        self.tx
            .pg_query(
                "INSERT INTO summary_hourly (customer_id, hour, attempts, connected, duration_s, billed_s, charge, cost)
                 SELECT * FROM unnest(?1::bigint[], ?2::bigint[], ?3::bigint[], ?4::bigint[],
                                      ?5::bigint[], ?6::bigint[], ?7::bigint[], ?8::bigint[])
                 ON CONFLICT (customer_id, hour) DO UPDATE SET
                    attempts = summary_hourly.attempts + excluded.attempts,
                    connected = summary_hourly.connected + excluded.connected,
                    duration_s = summary_hourly.duration_s + excluded.duration_s,
                    billed_s = summary_hourly.billed_s + excluded.billed_s,
                    charge = summary_hourly.charge + excluded.charge,
                    cost = summary_hourly.cost + excluded.cost",
                &[
                    &customer, &hour, &attempts, &connected, &duration, &billed, &charge, &cost,
                ],
            )
            .expect("rows wait only on PostgreSQL")
            .map_err(Error::overflowed)?;
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
