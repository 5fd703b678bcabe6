//! The customers board: one row per customer with its live and last-24-hour figures.

use super::Store;
use super::rows::{currency, status};
use super::sql::{Dialect, Result, Row, Tx};
use crate::domain::BoardRow;
use crate::domain::customer::split_tags;
use crate::vals;
use chrono::DateTime;

impl Store {
    /// Board rows ordered by name: all of them, or the first `limit` (a quick first screen).
    /// `since` is the unix second from which the ASR and ACD columns count (24 hours ago).
    pub fn board_rows(&self, since: i64, limit: Option<usize>) -> Result<Vec<BoardRow>> {
        // One read transaction: a consistent snapshot, and one lock instead of one per query.
        let tx = self.read()?;
        let whole = limit.is_none();
        let limit = limit.map_or_else(String::new, |l| format!("LIMIT {l}"));
        let by_name = tx.pick(BY_NAME);
        if tx.is_pg() && whole {
            // Over a network each query costs a round trip: for the whole board, the details
            // in the same query, summed set-wise, rather than two small queries per customer
            // (a first screen of a few hundred keeps those: it need not sum every customer).
            let sql = format!(
                "SELECT {BOARD_COLUMNS}, coalesce(t.attempts, 0), coalesce(t.connected, 0),
                        coalesce(t.duration_s, 0), coalesce(k.text, '')
                 FROM customers c
                 LEFT JOIN (SELECT customer_id, sum(attempts) AS attempts,
                                   sum(connected) AS connected, sum(duration_s) AS duration_s
                            FROM summary_hourly WHERE hour >= ?1 GROUP BY customer_id) t
                        ON t.customer_id = c.id
                 LEFT JOIN (SELECT customer_id,
                                   string_agg(email || ' ' || phone || ' ' || mobile, ' ') AS text
                            FROM contacts GROUP BY customer_id) k
                        ON k.customer_id = c.id
                 ORDER BY {by_name} {limit}"
            );
            return tx.query(&sql, &vals![since], |r| {
                let mut row = board_row(r)?;
                row.attempts_24h = r.get(12)?;
                row.connected_24h = r.get(13)?;
                row.duration_24h = r.get(14)?;
                row.contact_text = format!("{} {}", row.contact_text, r.get::<String>(15)?);
                Ok(row)
            });
        }
        let sql = format!("SELECT {BOARD_COLUMNS} FROM customers c ORDER BY {by_name} {limit}");
        let mut rows = tx.query(&sql, &[], board_row)?;
        fill_details(&tx, &mut rows, since)?;
        Ok(rows)
    }

    /// The board rows of these customers, by name; a deleted one is not there.
    pub fn board_rows_of(&self, ids: &[i64], since: i64) -> Result<Vec<BoardRow>> {
        let tx = self.read()?;
        let sql = format!("SELECT {BOARD_COLUMNS} FROM customers c WHERE c.id = ?1");
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            rows.extend(tx.query_opt(&sql, &vals![*id], board_row)?);
        }
        fill_details(&tx, &mut rows, since)?;
        Ok(rows)
    }
}

/// The board's order: by name, letters folded (the column is NOCASE on SQLite, which folds
/// ASCII letters; the board sorts the same way when it puts a changed row back in place).
const BY_NAME: Dialect = Dialect {
    sqlite: "c.name",
    pg: "lower(c.name) COLLATE \"C\"",
};

const BOARD_COLUMNS: &str =
    "c.id, c.name, c.status, c.balance, c.debit_limit, c.currency, c.channels,
    c.channels_in_use, c.cps, c.last_call_at, c.tags, c.account_code";

/// A board row as read with BOARD_COLUMNS; its traffic and contacts come after.
fn board_row(r: &Row) -> Result<BoardRow> {
    let last: Option<String> = r.get(9)?;
    Ok(BoardRow {
        id: r.get(0)?,
        name: r.get(1)?,
        status: status(r, 2)?,
        balance: r.get(3)?,
        debit_limit: r.get(4)?,
        currency: currency(r, 5)?,
        channels: r.get(6)?,
        channels_in_use: r.get(7)?,
        cps: r.get(8)?,
        last_call: last
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.timestamp()),
        attempts_24h: 0,
        connected_24h: 0,
        duration_24h: 0,
        tags: split_tags(&r.get::<String>(10)?),
        // The account code, then the contacts' (fill_details adds them).
        contact_text: r.get(11)?,
    })
}

/// Last-day traffic and contact text, by short index walks per customer: measured faster
/// than one GROUP BY over the day's hours of every customer, and just as good for a first
/// screen of a few hundred rows as for all of them.
fn fill_details(tx: &Tx, rows: &mut [BoardRow], since: i64) -> Result<()> {
    let stats = "SELECT coalesce(sum(attempts), 0), coalesce(sum(connected), 0), coalesce(sum(duration_s), 0)
         FROM summary_hourly WHERE customer_id = ?1 AND hour >= ?2";
    let contacts = tx.pick(Dialect {
        sqlite: "SELECT coalesce(group_concat(email || ' ' || phone || ' ' || mobile, ' '), '')
             FROM contacts WHERE customer_id = ?1",
        pg: "SELECT coalesce(string_agg(email || ' ' || phone || ' ' || mobile, ' '), '')
             FROM contacts WHERE customer_id = ?1",
    });
    for row in rows {
        (row.attempts_24h, row.connected_24h, row.duration_24h) =
            tx.query_one(stats, &vals![row.id, since], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let text: String = tx.query_one(contacts, &vals![row.id], |r| r.get(0))?;
        row.contact_text = format!("{} {text}", row.contact_text);
    }
    Ok(())
}
