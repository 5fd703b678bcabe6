//! The customers board: one row per customer with its live and last-24-hour figures.

use super::Store;
use super::recent_traffic::{Difference, Figures};
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
        let mut rows = if !whole {
            let sql = format!(
                "SELECT {BOARD_COLUMNS} FROM customers c
                 LEFT JOIN recent_traffic t ON t.customer_id = c.id
                 ORDER BY {by_name} {limit}"
            );
            let mut rows = tx.query(&sql, &[], board_row)?;
            fill_contacts(&tx, &mut rows)?;
            rows
        } else if tx.is_pg() {
            // Over a network each query costs a round trip: the contacts in the same query,
            // gathered set-wise, rather than a query per customer.
            let sql = format!(
                "SELECT {BOARD_COLUMNS}, coalesce(k.text, '')
                 FROM customers c LEFT JOIN recent_traffic t ON t.customer_id = c.id
                 LEFT JOIN (SELECT customer_id,
                                   string_agg(email || ' ' || phone || ' ' || mobile, ' ') AS text
                            FROM contacts GROUP BY customer_id) k
                        ON k.customer_id = c.id
                 ORDER BY {by_name}"
            );
            tx.query(&sql, &[], |r| {
                let mut row = board_row(r)?;
                push_contacts(&mut row, &r.get::<String>(15)?);
                Ok(row)
            })?
        } else {
            whole_board(&tx)?
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
        fill_contacts(&tx, &mut rows)?;
        Ok(rows)
    }
}

/// The board's order: by name, letters folded (the column is NOCASE on SQLite, which folds
/// ASCII letters; the board sorts the same way when it puts a changed row back in place).
const BY_NAME: Dialect = Dialect {
    sqlite: "c.name",
    pg: "lower(c.name) COLLATE \"C\"",
};

/// The customer's columns, then its kept 24-hour sums (`recent_traffic` joined as `t`).
const BOARD_COLUMNS: &str =
    "c.id, c.name, c.status, c.balance, c.debit_limit, c.currency, c.channels,
    c.channels_in_use, c.cps, c.last_call_at, c.tags, c.account_code,
    coalesce(t.attempts, 0), coalesce(t.connected, 0), coalesce(t.duration_s, 0)";

/// A board row as read with BOARD_COLUMNS; its contacts come after.
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
        // The account code, then the contacts' (push_contacts adds them).
        contact_text: r.get(11)?,
    })
}

/// Adds the difference between the kept sums and the hours asked for (see `Difference`).
fn add_figures(row: &mut BoardRow, (attempts, connected, duration): Figures) {
    row.attempts_24h += attempts;
    row.connected_24h += connected;
    row.duration_24h += duration;
}

/// Adds a contact's text to what the board searches, lower-cased as the search is.
fn push_contacts(row: &mut BoardRow, text: &str) {
    row.contact_text.push(' ');
    row.contact_text.push_str(text);
    lower_in_place(&mut row.contact_text);
}

/// Lower-cases search text, in place where it is ASCII (as nearly all of it is).
fn lower_in_place(text: &mut String) {
    if text.is_ascii() {
        text.make_ascii_lowercase();
    } else {
        *text = text.to_lowercase();
    }
}

/// Every board row on SQLite, each table read once in the order it is stored: walking the
/// name index instead costs a seek into the table per customer, and another per customer
/// for its contacts. The order by name comes from the name index alone (no table read, no
/// sort here), and each row's search text is put together in one allocation: for 100,000
/// customers, growing 100,000 strings contact by contact cost more than reading them.
fn whole_board(tx: &Tx) -> Result<Vec<BoardRow>> {
    let by_id = tx.query(
        &format!(
            "SELECT {BOARD_COLUMNS} FROM customers c
             LEFT JOIN recent_traffic t ON t.customer_id = c.id ORDER BY c.id"
        ),
        &[],
        board_row,
    )?;
    // Looked up in the ids alone: a row is 176 bytes, an id 8.
    let ids: Vec<i64> = by_id.iter().map(|row| row.id).collect();
    let at = |id: i64| ids.binary_search(&id).ok();
    // The contacts' text in one buffer, each piece with the row it belongs to.
    let mut text = String::new();
    let mut pieces: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    tx.each(
        "SELECT customer_id, email, phone, mobile FROM contacts",
        &[],
        |r| {
            if let Some(i) = at(r.get(0)?) {
                for column in 1..4 {
                    let start = text.len();
                    text.push_str(r.text(column)?);
                    pieces.push((i, start..text.len()));
                }
            }
            Ok(())
        },
    )?;
    // Stable: a customer's contacts keep their order.
    pieces.sort_by_key(|(i, _)| *i);
    let mut by_id: Vec<Option<BoardRow>> = by_id.into_iter().map(Some).collect();
    let mut pieces = pieces.as_slice();
    for (i, slot) in by_id.iter_mut().enumerate() {
        let Some(row) = slot else { continue };
        let own = pieces.iter().take_while(|(of, _)| *of == i).count();
        let search = &mut row.contact_text;
        search.reserve_exact(own + pieces[..own].iter().map(|(_, r)| r.len()).sum::<usize>());
        for (_, range) in &pieces[..own] {
            search.push(' ');
            search.push_str(&text[range.clone()]);
        }
        lower_in_place(search);
        pieces = &pieces[own..];
    }
    let order = tx.query("SELECT id FROM customers c ORDER BY c.name", &[], |r| {
        r.get::<i64>(0)
    })?;
    let mut rows = Vec::with_capacity(order.len());
    for id in order {
        if let Ok(i) = ids.binary_search(&id) {
            rows.extend(by_id[i].take());
        }
    }
    Ok(rows)
}

/// The contacts' text of each row, by a short index walk per customer: measured faster than
/// one GROUP BY over every contact, and just as good for a first screen of a few hundred
/// rows as for all of them.
fn fill_contacts(tx: &Tx, rows: &mut [BoardRow]) -> Result<()> {
    let contacts = tx.pick(Dialect {
        sqlite: "SELECT coalesce(group_concat(email || ' ' || phone || ' ' || mobile, ' '), '')
             FROM contacts WHERE customer_id = ?1",
        pg: "SELECT coalesce(string_agg(email || ' ' || phone || ' ' || mobile, ' '), '')
             FROM contacts WHERE customer_id = ?1",
    });
    for row in rows {
        let text: String = tx.query_one(contacts, &vals![row.id], |r| r.get(0))?;
        push_contacts(row, &text);
    }
    Ok(())
}
