//! The customers board: one row per customer with its live and last-24-hour figures.

use super::Store;
use super::rows::{currency, status};
use crate::domain::BoardRow;
use chrono::DateTime;

impl Store {
    /// Every customer as a board row, ordered by name. `since` is the unix second from which
    /// the ASR and ACD columns count (24 hours before now).
    pub fn board_rows(&self, since: i64) -> rusqlite::Result<Vec<BoardRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.name, c.status, c.balance, c.debit_limit, c.currency, c.channels,
                    c.channels_in_use, c.cps, c.last_call_at,
                    coalesce(s.attempts, 0), coalesce(s.connected, 0), coalesce(s.duration, 0),
                    coalesce(k.text, '')
             FROM customers c
             LEFT JOIN (SELECT customer_id, sum(attempts) AS attempts, sum(connected) AS connected,
                               sum(duration_s) AS duration
                        FROM summary_hourly WHERE hour >= ?1 GROUP BY customer_id) s
                    ON s.customer_id = c.id
             LEFT JOIN (SELECT customer_id,
                               group_concat(email || ' ' || phone || ' ' || mobile, ' ') AS text
                        FROM contacts GROUP BY customer_id) k
                    ON k.customer_id = c.id
             ORDER BY c.name",
        )?;
        let rows = stmt.query_map([since], |r| {
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
                attempts_24h: r.get(10)?,
                connected_24h: r.get(11)?,
                duration_24h: r.get(12)?,
                contact_text: r.get(13)?,
            })
        })?;
        rows.collect()
    }
}
