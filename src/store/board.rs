//! The customers board: one row per customer with its live and last-24-hour figures.

use super::Location;
use super::Store;
use super::recent_traffic::{Difference, Figures, kept_since};
use super::rows::{currency, status};
use super::sql::{Conn, Dialect, Result, Row, Tx, Value};
use crate::domain::BoardRow;
use crate::domain::customer::{folded_name, split_tags};
use crate::domain::search::holds_any;
use crate::vals;
use chrono::DateTime;
use rusqlite::OpenFlags;
use std::path::Path;

impl Store {
    /// Board rows ordered by name: all of them, or the first `limit` (a quick first screen).
    /// `since` is the unix second from which the ASR and ACD columns count (24 hours ago).
    pub fn board_rows(&self, since: i64, limit: Option<usize>) -> Result<Vec<BoardRow>> {
        let whole = limit.is_none();
        // The whole board moves the window; a first screen must not wait for that.
        if whole {
            self.slide_recent_window(since)?;
        }
        // One read transaction: a consistent snapshot, and one lock instead of one per query.
        let tx = self.read()?;
        let limit = limit.map_or_else(String::new, |l| format!("LIMIT {l}"));
        let by_name = tx.pick(BY_NAME);
        let difference = Difference::of(&tx, since)?;
        let mut rows = match (whole, &self.location) {
            (true, Location::File(path)) => whole_board(&tx, path)?,
            // The server's sort of every customer spilled to disk at the default work_mem;
            // sorted here instead, in the same order.
            (true, Location::Server(_)) => {
                let sql = format!(
                    "SELECT {BOARD_COLUMNS} FROM customers c
                     LEFT JOIN recent_traffic t ON t.customer_id = c.id"
                );
                in_name_order(tx.query(&sql, &[], board_row)?)
            }
            (false, _) => {
                let sql = format!(
                    "SELECT {BOARD_COLUMNS} FROM customers c
                     LEFT JOIN recent_traffic t ON t.customer_id = c.id
                     ORDER BY {by_name} {limit}"
                );
                tx.query(&sql, &[], board_row)?
            }
        };
        if whole {
            let differences = difference.of_all(&tx)?;
            for row in &mut rows {
                if let Some(d) = differences.get(&row.id) {
                    add_figures(row, *d);
                }
            }
        } else {
            // A few hundred rows: each customer's own hours, however far the window is behind.
            for row in &mut rows {
                add_figures(row, difference.of_one(&tx, row.id)?);
            }
        }
        Ok(rows)
    }

    /// The board rows of these customers, by name; a deleted one is not there.
    pub fn board_rows_of(&self, ids: &[i64], since: i64) -> Result<Vec<BoardRow>> {
        let tx = self.read()?;
        let difference = Difference::of(&tx, since)?;
        let sql = format!(
            "SELECT {BOARD_COLUMNS} FROM customers c
             LEFT JOIN recent_traffic t ON t.customer_id = c.id WHERE c.id = ?1"
        );
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(mut row) = tx.query_opt(&sql, &vals![*id], board_row)? {
                add_figures(&mut row, difference.of_one(&tx, *id)?);
                rows.push(row);
            }
        }
        Ok(rows)
    }

    /// For each word of a board search (its forms: any one will do), the customers with a
    /// contact whose email, phone or mobile holds it in any case, each customer once.
    pub fn customers_by_contacts(&self, words: &[&[String]]) -> Result<Vec<Vec<i64>>> {
        let tx = self.read()?;
        if tx.is_pg() {
            // Over a network only the matches come back.
            return words
                .iter()
                .map(|forms| {
                    let holds = (1..=forms.len())
                        .map(|k| {
                            format!(
                                "strpos(lower(email || ' ' || phone || ' ' || mobile), ?{k}) > 0"
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(" OR ");
                    let params: Vec<Value> = forms.iter().map(Value::from).collect();
                    tx.query(
                        &format!("SELECT DISTINCT customer_id FROM contacts WHERE {holds}"),
                        &params,
                        |r| r.get(0),
                    )
                })
                .collect();
        }
        // SQLite's lower() folds ASCII letters only: the contacts are read in storage order,
        // one reused row, and matched here in any case as names are.
        let mut found = vec![Vec::new(); words.len()];
        tx.each(
            "SELECT customer_id, email, phone, mobile FROM contacts",
            &[],
            |r| {
                let texts = [r.text(1)?, r.text(2)?, r.text(3)?];
                for (ids, forms) in found.iter_mut().zip(words) {
                    if texts.iter().any(|t| holds_any(t, forms)) {
                        ids.push(r.get(0)?);
                    }
                }
                Ok(())
            },
        )?;
        for ids in &mut found {
            ids.sort_unstable();
            ids.dedup();
        }
        Ok(found)
    }
}

/// The board's order (`board_order`, in which the board puts a changed row back in place):
/// by name, ASCII letters folded, then by bytes, then by id. The column is NOCASE on
/// SQLite; on PostgreSQL lower() under "C" folds ASCII letters only, and schema 19 indexes
/// it.
pub(super) const BY_NAME: Dialect = Dialect {
    sqlite: "c.name, c.id",
    pg: "lower(c.name COLLATE \"C\"), c.id",
};

/// The customer's columns, then its kept 24-hour sums (`recent_traffic` joined as `t`).
const BOARD_COLUMNS: &str =
    "c.id, c.name, c.status, c.balance, c.debit_limit, c.currency, c.channels,
    c.channels_in_use, c.cps, c.last_call_at, c.tags, c.account_code,
    coalesce(t.attempts, 0), coalesce(t.connected, 0), coalesce(t.duration_s, 0)";

/// A board row as read with BOARD_COLUMNS.
fn board_row(r: &Row) -> Result<BoardRow> {
    // Texts parsed here are borrowed, not copied: the whole board reads 100,000 rows.
    let last = r.text_opt(9)?;
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
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.timestamp()),
        attempts_24h: r.get(12)?,
        connected_24h: r.get(13)?,
        duration_24h: r.get(14)?,
        tags: split_tags(r.text(10)?),
        account_code: r.get(11)?,
    })
}

/// Adds the difference between the kept sums and the hours asked for (see `Difference`).
fn add_figures(row: &mut BoardRow, (attempts, connected, duration): Figures) {
    row.attempts_24h += attempts;
    row.connected_24h += connected;
    row.duration_24h += duration;
}

/// Every board row on SQLite, the table read in the order it is stored: walking the name
/// index instead costs a seek into the table per customer. The newer half of the
/// customers is read on a second connection, on a thread of its own: reading and building
/// 100,000 rows is most of the load, and the machine has a core to spare for it. They are
/// put in name order here (`in_name_order`), as on PostgreSQL: as fast as walking the name
/// index for the order and looking each id up (`benches/board_load.rs`).
///
/// The two halves may come from two snapshots, if another operator commits between their
/// starts. A commit to customers or their traffic is reported by the change log after the
/// load, and its rows are loaded again then, as for any commit after a load. A move of the
/// kept sums' window is not, and the figures are corrected against the first snapshot's
/// window: when the second saw another, this connection reads that half itself.
fn whole_board(tx: &Tx, path: &Path) -> Result<Vec<BoardRow>> {
    let (first, last): (i64, i64) = tx.query_one(
        "SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM customers",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let half = first + (last - first) / 2;
    let window = kept_since(tx, "")?;
    let (lower, upper) = std::thread::scope(|s| {
        let upper = s.spawn(move || -> Result<(i64, Vec<BoardRow>)> {
            let conn = rusqlite::Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            // One walk of the table: a page cache would hold pages never read again.
            conn.pragma_update(None, "cache_size", -256)?;
            let conn = Conn::Sqlite(conn);
            let tx = conn.read()?;
            Ok((
                kept_since(&tx, "")?,
                customers_between(&tx, half, i64::MAX)?,
            ))
        });
        (customers_between(tx, i64::MIN, half), upper.join())
    });
    let mut by_id = lower?;
    match upper {
        Ok(Ok((since, rows))) if since == window => by_id.extend(rows),
        // Another window, or whatever kept the second connection from reading.
        other => {
            let why = match other {
                Ok(Ok(_)) => "it saw the window moved".to_string(),
                Ok(Err(e)) => e.to_string(),
                Err(_) => "its thread panicked".to_string(),
            };
            tracing::warn!("the board's second reader's half read again: {why}");
            by_id.extend(customers_between(tx, half, i64::MAX)?);
        }
    }
    Ok(in_name_order(by_id))
}

/// Rows put in the board's order (`board_order`). Each name is folded once, into one
/// buffer, so that a comparison is one memcmp of two slices rather than a walk of two
/// names folding byte by byte; and rows of 200 bytes are moved once, not at every step.
fn in_name_order(rows: Vec<BoardRow>) -> Vec<BoardRow> {
    let mut folded = Vec::with_capacity(rows.iter().map(|row| row.name.len()).sum());
    let mut order = Vec::with_capacity(rows.len());
    for (at, row) in rows.iter().enumerate() {
        let start = folded.len();
        folded.extend(folded_name(&row.name));
        order.push((start..folded.len(), at));
    }
    // Then by id, as `board_order`.
    order.sort_unstable_by(|(a, at_a), (b, at_b)| {
        (folded[a.clone()].cmp(&folded[b.clone()])).then(rows[*at_a].id.cmp(&rows[*at_b].id))
    });
    let mut rows: Vec<Option<BoardRow>> = rows.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, at)| rows[at].take())
        .collect()
}

/// The board rows of the customers with ids in `after + 1 ..= upto`, in id order.
fn customers_between(tx: &Tx, after: i64, upto: i64) -> Result<Vec<BoardRow>> {
    tx.query(
        &format!(
            "SELECT {BOARD_COLUMNS} FROM customers c
             LEFT JOIN recent_traffic t ON t.customer_id = c.id
             WHERE c.id > ?1 AND c.id <= ?2 ORDER BY c.id"
        ),
        &vals![after, upto],
        board_row,
    )
}
