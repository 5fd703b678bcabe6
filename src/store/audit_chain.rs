//! The audit log's hash chain on both engines (the chain itself is domain/audit_chain.rs):
//! linking each new row to the last, walking the chain, and chaining the rows written before
//! schema 8.

use super::Store;
use super::sql::{self, Dialect, Result, Row, Tx};
use crate::domain::audit_chain::{Anchor, Break, ChainRow, Check, link};
use crate::vals;
use std::borrow::Cow;

/// The columns of a chained row, in `ChainRow`'s order, then its hash.
const CHAIN_COLUMNS: &str = "action, at, customer_id, data, db_role, host, id, ip, message, \
    operator, prev_hash, row_id, table_name, hash";

/// Any number, the same in every carrierdesk: on PostgreSQL, a transaction that appends to
/// the audit log holds this lock until it commits, so that two never link to the same last
/// row, and the chain's order is the order of commits. SQLite's write lock does as much.
const PG_AUDIT_LOCK: i64 = 0x0061_7564_6974_6c6f;

/// A chained row as read, its text borrowed from the row, and its stored hash.
fn chain_row(r: &Row) -> Result<(ChainRow<'_>, &str)> {
    let text = |col| r.text(col).map(Cow::Borrowed);
    Ok((
        ChainRow {
            action: text(0)?,
            at: text(1)?,
            customer_id: r.get(2)?,
            data: text(3)?,
            db_role: text(4)?,
            host: text(5)?,
            id: r.get(6)?,
            ip: text(7)?,
            message: text(8)?,
            operator: text(9)?,
            prev_hash: text(10)?,
            row_id: r.get(11)?,
            table_name: text(12)?,
        },
        r.text(13)?,
    ))
}

/// Where a new row goes: the database role it is written as (PostgreSQL's `current_user`,
/// which a client cannot claim falsely; empty on SQLite), and the last row's id and hash.
#[derive(Debug, Clone)]
pub(super) struct ChainHead {
    pub db_role: String,
    pub last: Option<(i64, String)>,
}

/// The chain's head. On PostgreSQL it first takes the chain's lock, held until the
/// transaction ends. Read once a transaction; `advance` keeps it current as it appends.
pub(super) fn head(tx: &Tx) -> Result<ChainHead> {
    if let Some(known) = tx.audit_head.borrow().clone() {
        return Ok(known);
    }
    if tx.is_pg() {
        tx.execute("SELECT pg_advisory_xact_lock(?1)", &vals![PG_AUDIT_LOCK])?;
    }
    let sql = tx.pick(Dialect {
        sqlite: "SELECT '', id, hash FROM (SELECT 1) LEFT JOIN
                 (SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1) ON true",
        pg: "SELECT current_user::text, id, hash FROM (SELECT 1) one LEFT JOIN
             (SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1) last ON true",
    });
    tx.query_one(sql, &[], |r| {
        let id: Option<i64> = r.get(1)?;
        let hash: Option<String> = r.get(2)?;
        Ok(ChainHead {
            db_role: r.get(0)?,
            last: id.zip(hash),
        })
    })
}

/// The chain's new last row, after this transaction appended it.
pub(super) fn advance(tx: &Tx, db_role: String, id: i64, hash: String) {
    *tx.audit_head.borrow_mut() = Some(ChainHead {
        db_role,
        last: Some((id, hash)),
    });
}

impl Store {
    /// The last audit row as an anchor (`ID:HASH`); None while the log is empty.
    pub fn audit_head(&self) -> Result<Option<Anchor>> {
        let tx = self.read()?;
        tx.query_opt(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            &[],
            |r| {
                Ok(Anchor {
                    id: r.get(0)?,
                    hash: r.get(1)?,
                })
            },
        )
    }

    /// Walks the whole chain in one read transaction (a snapshot: writers go on meanwhile)
    /// and says how many rows it read and where it breaks first. Rows are read on this
    /// thread and hashed on another, in batches: reading and hashing take about as long as
    /// each other, and so the walk takes about as long as one of them.
    pub fn verify_audit(&self, anchor: Option<Anchor>) -> Result<(u64, Option<Break>)> {
        let tx = self.read()?;
        let (send, receive) = std::sync::mpsc::sync_channel::<Packed>(4);
        std::thread::scope(|scope| {
            let checker = scope.spawn(move || {
                let mut check = Check::new(anchor);
                for batch in receive {
                    batch.each(|row, hash| check.row(row, hash));
                }
                check.finish()
            });
            let mut batch = Packed::default();
            let read = tx.each(
                &format!("SELECT {CHAIN_COLUMNS} FROM audit_log ORDER BY id"),
                &[],
                |r| {
                    let (row, hash) = chain_row(r)?;
                    batch.push(&row, hash);
                    if batch.rows.len() == PACKED_ROWS {
                        // The checker only stops once this side hangs up.
                        let _ = send.send(std::mem::take(&mut batch));
                    }
                    Ok(())
                },
            );
            let _ = send.send(batch);
            drop(send);
            let checked = checker
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            read.map(|()| checked)
        })
    }
}

/// Rows a batch carries to the checking thread: about a megabyte of demo rows.
const PACKED_ROWS: usize = 1024;

/// Chain rows packed for the checking thread, their text in one string (one allocation a
/// batch rather than eleven a row).
#[derive(Default)]
struct Packed {
    text: String,
    rows: Vec<PackedRow>,
}

struct PackedRow {
    id: i64,
    row_id: i64,
    customer_id: Option<i64>,
    /// Where each text ends in `text`: action, at, data, db_role, host, ip, message,
    /// operator, prev_hash, table_name, then the stored hash.
    ends: [usize; 11],
}

impl Packed {
    fn push(&mut self, row: &ChainRow, hash: &str) {
        let texts = [
            &row.action,
            &row.at,
            &row.data,
            &row.db_role,
            &row.host,
            &row.ip,
            &row.message,
            &row.operator,
            &row.prev_hash,
            &row.table_name,
        ];
        let mut ends = [0; 11];
        for (end, t) in ends
            .iter_mut()
            .zip(texts.into_iter().map(|t| t.as_ref()).chain([hash]))
        {
            self.text.push_str(t);
            *end = self.text.len();
        }
        self.rows.push(PackedRow {
            id: row.id,
            row_id: row.row_id,
            customer_id: row.customer_id,
            ends,
        });
    }

    /// Each row in order, with its stored hash.
    fn each(&self, mut f: impl FnMut(&ChainRow, &str)) {
        let mut start = 0;
        for p in &self.rows {
            let mut texts = [""; 11];
            for (t, &end) in texts.iter_mut().zip(&p.ends) {
                *t = &self.text[start..end];
                start = end;
            }
            let [
                action,
                at,
                data,
                db_role,
                host,
                ip,
                message,
                operator,
                prev_hash,
                table_name,
                hash,
            ] = texts;
            let row = ChainRow {
                action: action.into(),
                at: at.into(),
                customer_id: p.customer_id,
                data: data.into(),
                db_role: db_role.into(),
                host: host.into(),
                id: p.id,
                ip: ip.into(),
                message: message.into(),
                operator: operator.into(),
                prev_hash: prev_hash.into(),
                row_id: p.row_id,
                table_name: table_name.into(),
            };
            f(&row, hash);
        }
    }
}

/// The rows written before schema 8, to be chained.
const UNCHAINED: &str = "SELECT action, at, customer_id, data, db_role, host, id, ip, message, \
    operator, prev_hash, row_id, table_name, hash FROM audit_log ORDER BY id";

/// Links rows read by `UNCHAINED`: each one's previous hash and its own.
fn linked(rows: &[Row]) -> Result<(Vec<ChainRow<'_>>, Vec<String>)> {
    let mut rows = rows
        .iter()
        .map(|r| chain_row(r).map(|(row, _)| row))
        .collect::<Result<Vec<_>>>()?;
    let hashes = link(&mut rows);
    Ok((rows, hashes))
}

/// Schema 8 on SQLite: chains the rows written before it, past the trigger that keeps
/// rows from changing (put back at once).
pub(super) fn chain_existing_sqlite(tx: &rusqlite::Transaction) -> Result<()> {
    let read = sql::sqlite_rows(tx, UNCHAINED)?;
    let (rows, hashes) = linked(&read)?;
    let trigger: String = tx.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_log_no_update'",
        [],
        |r| r.get(0),
    )?;
    tx.execute_batch("DROP TRIGGER audit_log_no_update")?;
    let mut update = tx.prepare("UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE id = ?1")?;
    for (row, hash) in rows.iter().zip(&hashes) {
        update.execute(rusqlite::params![row.id, row.prev_hash, hash])?;
    }
    Ok(tx.execute_batch(&trigger)?)
}

/// Schema 8 on PostgreSQL, as on SQLite; run by `db migrate` as the schema's owner.
pub(super) fn chain_existing_pg(tx: &mut postgres::Transaction) -> Result<()> {
    let read = sql::pg_rows(tx, UNCHAINED)?;
    let (rows, hashes) = linked(&read)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let prev: Vec<&str> = rows.iter().map(|r| r.prev_hash.as_ref()).collect();
    tx.batch_execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")?;
    tx.execute(
        "UPDATE audit_log SET prev_hash = u.prev_hash, hash = u.hash
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u (id, prev_hash, hash)
         WHERE audit_log.id = u.id",
        &[&ids, &prev, &hashes],
    )?;
    Ok(tx.batch_execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update")?)
}
