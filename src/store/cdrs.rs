//! Call detail records: storing an import without doubles, and reading calls back.

use super::rows::currency;
use super::sql::{Dialect, Result, Row, Tx};
use super::{Store, time_text};
use crate::domain::customer::split_tags;
use crate::domain::rating::{ChargedBy, CostBy};
use crate::domain::{Cdr, CdrCustomer, Tariff};
use crate::vals;
use rusqlite::{CachedStatement, Connection, params};
use std::borrow::Cow;
use std::collections::HashMap;

/// What storing one call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// A new call.
    Inserted,
    /// The call was stored before without a customer, and now has one.
    Claimed,
    /// The call is stored already: nothing changed.
    Duplicate,
    /// A different call is stored under this uid (two switches can number their calls
    /// alike): nothing changed. The stored call's start and account code, to tell it by.
    Taken { start_at: i64, account_code: String },
}

/// The page cache of an import, in KiB: enough for the pages a million calls fill. With
/// less, SQLite spills dirty pages into the WAL half way through the transaction and writes
/// many of them again at commit; that cost about 0.5 s of a million-row import at 64 MiB.
const IMPORT_CACHE_KIB: i64 = 256 * 1024;

/// A call's columns, in the order every statement of calls reads or writes them (`cdr`
/// reads them, SQLite's insert binds them, PostgreSQL's COPY sends them); a macro, so that
/// `concat!` can build on it.
macro_rules! cdr_columns {
    () => {
        "uid, customer_id, start_at, answered, duration_s, billed_s, charge, cost, src, dst, \
         disposition, channel, account_code, provider, charged_by, cost_by"
    };
}

/// A call's values for `cdr_columns!`, in its order, as references either engine's driver
/// binds (the array's element type is the caller's).
macro_rules! call_values {
    ($c:expr) => {
        [
            &$c.uid.as_ref(),
            &$c.customer_id,
            &$c.start_at,
            &i64::from($c.answered),
            &$c.duration_s,
            &$c.billed_s,
            &$c.charge,
            &$c.cost,
            &$c.src.as_ref(),
            &$c.dst.as_ref(),
            &$c.disposition.as_ref(),
            &$c.channel.as_ref(),
            &$c.account_code.as_ref(),
            &$c.provider.as_ref(),
            &$c.charged_by.name(),
            &$c.cost_by.name(),
        ]
    };
}

pub(super) const CDR_COLUMNS: &str = cdr_columns!();

/// How many columns `cdr_columns!` names: the values `bind_call` binds per call.
const COLUMNS_PER_CALL: usize = {
    let (names, mut i, mut commas) = (CDR_COLUMNS.as_bytes(), 0, 0);
    while i < names.len() {
        commas += (names[i] == b',') as usize;
        i += 1;
    }
    commas + 1
};

/// The insert of `calls` calls on SQLite, each a row of COLUMNS_PER_CALL parameters.
///
/// OR FAIL: a column's check (which a parsed call never fails) would stop the statement
/// where it is rather than undo the calls it stored before. An ABORT must be able to undo
/// them, so SQLite would copy every page a statement of many calls touches into a statement
/// journal first; measured, that journal grew until SQLite gave up with "database or disk is
/// full" on a million random uids at 256 calls a statement. Any error ends the import, and
/// its transaction is rolled back whole.
fn insert_sql(calls: usize) -> String {
    let rows: Vec<String> = (0..calls)
        .map(|n| {
            let cells: Vec<String> = (1..=COLUMNS_PER_CALL)
                .map(|c| format!("?{}", n * COLUMNS_PER_CALL + c))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    format!(
        concat!(
            "INSERT OR FAIL INTO cdrs (",
            cdr_columns!(),
            ") VALUES {} ON CONFLICT (uid) DO NOTHING"
        ),
        rows.join(", ")
    )
}

/// Calls per insert statement on SQLite once a batch has that many: one statement keeps the
/// table's and the indexes' cursors open from one call to the next, so a call that goes
/// after the last one stored (a time-ordered file) does not descend each B-tree from its
/// root again, and the statement's setup is paid once for all of them. Measured against 256
/// a statement: time-ordered alike, shuffled files faster.
const CALLS_PER_INSERT: usize = 64;

const STORED_CDR: &str =
    "SELECT customer_id, start_at, answered, duration_s, src, dst, channel, account_code, rowid
     FROM cdrs WHERE uid = ?1";
const CLAIM_CDR: &str = "UPDATE cdrs SET customer_id = ?2, billed_s = ?3, charge = ?4, cost = ?5,
                                 charged_by = ?6, cost_by = ?7
     WHERE uid = ?1 AND customer_id IS NULL";

/// Stores calls inside the caller's transaction. On SQLite its statements are prepared once
/// for all and the connection keeps a larger page cache while it lives.
pub struct CdrWriter<'c, 'a> {
    tx: &'c Tx<'a>,
    sqlite: Option<SqliteStatements<'c>>,
}

struct SqliteStatements<'c> {
    conn: &'c Connection,
    cache_size: i64,
    insert: CachedStatement<'c>,
    /// The insert of CALLS_PER_INSERT calls at once.
    insert_many: CachedStatement<'c>,
    claim: CachedStatement<'c>,
}

/// What tells one stored call from another: read back from the database, or a call of
/// the batch being stored (borrowed from it).
struct StoredCall<'s> {
    customer_id: Option<i64>,
    start_at: i64,
    answered: bool,
    duration_s: i64,
    src: Cow<'s, str>,
    dst: Cow<'s, str>,
    channel: Cow<'s, str>,
    account_code: Cow<'s, str>,
}

impl<'s> StoredCall<'s> {
    fn of(cdr: &'s Cdr) -> Self {
        StoredCall {
            customer_id: cdr.customer_id,
            start_at: cdr.start_at,
            answered: cdr.answered,
            duration_s: cdr.duration_s,
            src: Cow::Borrowed(&cdr.src),
            dst: Cow::Borrowed(&cdr.dst),
            channel: Cow::Borrowed(&cdr.channel),
            account_code: Cow::Borrowed(&cdr.account_code),
        }
    }

    /// What becomes of `cdr`, whose uid is this stored call's: the same call (to be claimed
    /// when it had no customer and now has one), or a different one.
    fn outcome(&self, cdr: &Cdr) -> Stored {
        // What tells one call from another: not the customer or the price, which a later
        // import may find where an earlier one found none, nor the disposition text.
        let same = self.start_at == cdr.start_at
            && self.answered == cdr.answered
            && self.duration_s == cdr.duration_s
            && self.src == cdr.src
            && self.dst == cdr.dst
            && self.channel == cdr.channel
            && self.account_code == cdr.account_code;
        if !same {
            return Stored::Taken {
                start_at: self.start_at,
                account_code: self.account_code.to_string(),
            };
        }
        match (self.customer_id, cdr.customer_id) {
            (None, Some(_)) => Stored::Claimed,
            _ => Stored::Duplicate,
        }
    }
}

/// What storing a batch of calls on PostgreSQL takes, planned on the client.
struct Batch<'b> {
    /// The calls to insert: the first of each uid not stored yet.
    fresh: Vec<&'b Cdr<'b>>,
    /// The calls that claim one stored without a customer.
    claims: Vec<&'b Cdr<'b>>,
    /// What becomes of each call, in order.
    outcomes: Vec<Stored>,
}

impl<'b> Batch<'b> {
    /// Plans a batch against the calls stored under its uids. Each call is compared with
    /// what is stored when its turn comes, as it would be one at a time: an earlier call of
    /// the batch counts as stored.
    fn plan(cdrs: &[&'b Cdr<'b>], mut stored: HashMap<Cow<'b, str>, StoredCall<'b>>) -> Self {
        let mut batch = Batch {
            fresh: Vec::new(),
            claims: Vec::new(),
            outcomes: Vec::with_capacity(cdrs.len()),
        };
        for &cdr in cdrs {
            let outcome = match stored.get_mut(cdr.uid.as_ref()) {
                None => {
                    stored.insert(Cow::Borrowed(cdr.uid.as_ref()), StoredCall::of(cdr));
                    batch.fresh.push(cdr);
                    Stored::Inserted
                }
                Some(call) => {
                    let outcome = call.outcome(cdr);
                    if outcome == Stored::Claimed {
                        call.customer_id = cdr.customer_id;
                        batch.claims.push(cdr);
                    }
                    outcome
                }
            };
            batch.outcomes.push(outcome);
        }
        batch
    }
}

/// Any number, the same in every carrierdesk: imports into one PostgreSQL database take
/// this lock in turn, so that two never store the same new call at once (the second would
/// fail on the uid's key instead of finding the call stored).
const PG_IMPORT_LOCK: i64 = 0x0063_6472_5f69_6d70;

/// The COPY of new calls on PostgreSQL, and the types of its columns in order.
const COPY_CDRS: &str = concat!(
    "COPY cdrs (",
    cdr_columns!(),
    ") FROM STDIN (FORMAT binary)"
);

impl<'c, 'a> CdrWriter<'c, 'a> {
    pub fn new(tx: &'c Tx<'a>) -> Result<Self> {
        let sqlite = match tx.sqlite() {
            Some(conn) => {
                let cache_size = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
                conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
                // DO NOTHING rather than an upsert: an upsert's DO UPDATE branch makes SQLite
                // keep a statement journal for every insert, which costs more than the insert.
                Some(SqliteStatements {
                    conn,
                    cache_size,
                    insert: conn.prepare_cached(&insert_sql(1))?,
                    insert_many: conn.prepare_cached(&insert_sql(CALLS_PER_INSERT))?,
                    claim: conn.prepare_cached(CLAIM_CDR)?,
                })
            }
            None => {
                // SQLite's write lock already keeps a second import out.
                tx.execute("SELECT pg_advisory_xact_lock(?1)", &vals![PG_IMPORT_LOCK])?;
                None
            }
        };
        Ok(CdrWriter { tx, sqlite })
    }

    /// Stores calls in order unless their uid is stored already, and says what became of
    /// each. The same call stored earlier without a customer takes this one's customer and
    /// price: fixing an account code or a SIP user and importing the file again claims the
    /// calls that matched nobody, while importing the same file twice still adds nothing. A
    /// different call under the same uid is `Stored::Taken`.
    ///
    /// On SQLite CALLS_PER_INSERT calls are one insert (the rest of a batch one each), and
    /// only a statement that met a uid stored already costs a read of each of its calls. On
    /// PostgreSQL a batch of new calls is one COPY whatever its size; a batch that meets
    /// calls stored already costs one read of them more, and one update if it claims any.
    ///
    /// SQLite stores the calls of a batch in the order of their uid, which is its index's:
    /// calls that come in another order (several switches' files put together, random
    /// UUIDs) then go into neighbouring pages of the index one after the other rather than
    /// all over it. The sort is stable, so a uid twice in a batch is decided in file order.
    pub fn write_all(&mut self, cdrs: &[&Cdr]) -> Result<Vec<Stored>> {
        match &mut self.sqlite {
            Some(s) => {
                let mut order: Vec<usize> = (0..cdrs.len()).collect();
                order.sort_by(|&a, &b| cdrs[a].uid.cmp(&cdrs[b].uid));
                let mut stored = vec![Stored::Duplicate; cdrs.len()];
                let mut chunks = order.chunks_exact(CALLS_PER_INSERT);
                for chunk in &mut chunks {
                    let calls: Vec<&Cdr> = chunk.iter().map(|&i| cdrs[i]).collect();
                    for (&i, outcome) in chunk.iter().zip(s.write_many(self.tx, &calls)?) {
                        stored[i] = outcome;
                    }
                }
                for &i in chunks.remainder() {
                    stored[i] = s.write(self.tx, cdrs[i])?;
                }
                Ok(stored)
            }
            None if cdrs.is_empty() => Ok(Vec::new()),
            None => self.write_all_pg(cdrs),
        }
    }

    fn write_all_pg(&self, cdrs: &[&Cdr]) -> Result<Vec<Stored>> {
        // Most batches of an import are new calls only: they go in with one COPY and no read
        // first. Should a call of the batch be stored already, the COPY fails on the uid's
        // key and is undone to the savepoint; then the calls stored under the batch's uids
        // are read, and the batch stored against them.
        self.tx.execute("SAVEPOINT cdr_batch", &[])?;
        let new = Batch::plan(cdrs, HashMap::new());
        match self.copy_pg(&new.fresh) {
            Ok(()) => {
                self.tx.execute("RELEASE SAVEPOINT cdr_batch", &[])?;
                self.claim_pg(&new.claims)?;
                return Ok(new.outcomes);
            }
            Err(e) if e.is_unique_violation() => {
                self.tx.execute("ROLLBACK TO SAVEPOINT cdr_batch", &[])?;
                self.tx.execute("RELEASE SAVEPOINT cdr_batch", &[])?;
            }
            Err(e) => return Err(e),
        }
        let uids: Vec<&str> = cdrs.iter().map(|c| c.uid.as_ref()).collect();
        let batch = Batch::plan(cdrs, self.stored_pg(&uids)?);
        self.copy_pg(&batch.fresh)?;
        self.claim_pg(&batch.claims)?;
        Ok(batch.outcomes)
    }

    /// Stores new calls with one binary COPY.
    fn copy_pg(&self, cdrs: &[&Cdr]) -> Result<()> {
        if cdrs.is_empty() {
            return Ok(());
        }
        use postgres::types::Type;
        let (text, int) = (Type::TEXT, Type::INT8);
        let types = [
            text.clone(),
            int.clone(),
            int.clone(),
            int.clone(),
            int.clone(),
            int.clone(),
            int.clone(),
            int,
            text.clone(),
            text.clone(),
            text.clone(),
            text.clone(),
            text.clone(),
            text.clone(),
            text.clone(),
            text,
        ];
        self.tx
            .pg_copy_in(COPY_CDRS, &types, |out| {
                for c in cdrs {
                    out.write(&call_values!(c))?;
                }
                Ok(())
            })
            .expect("a PostgreSQL transaction")?;
        Ok(())
    }

    /// Gives calls stored without a customer theirs, with one statement.
    fn claim_pg(&self, cdrs: &[&Cdr]) -> Result<()> {
        if cdrs.is_empty() {
            return Ok(());
        }
        let uid: Vec<&str> = cdrs.iter().map(|c| c.uid.as_ref()).collect();
        let customer: Vec<Option<i64>> = cdrs.iter().map(|c| c.customer_id).collect();
        let int = |f: fn(&Cdr) -> i64| cdrs.iter().map(|c| f(c)).collect::<Vec<_>>();
        let (billed, charge, cost) = (int(|c| c.billed_s), int(|c| c.charge), int(|c| c.cost));
        let charged_by: Vec<&str> = cdrs.iter().map(|c| c.charged_by.name()).collect();
        let cost_by: Vec<&str> = cdrs.iter().map(|c| c.cost_by.name()).collect();
        self.tx
            .pg_query(
                "UPDATE cdrs SET customer_id = u.customer_id, billed_s = u.billed_s,
                                 charge = u.charge, cost = u.cost, charged_by = u.charged_by,
                                 cost_by = u.cost_by
                 FROM unnest(?1::text[], ?2::bigint[], ?3::bigint[], ?4::bigint[], ?5::bigint[],
                             ?6::text[], ?7::text[])
                      AS u (uid, customer_id, billed_s, charge, cost, charged_by, cost_by)
                 WHERE cdrs.uid = u.uid AND cdrs.customer_id IS NULL",
                &[
                    &uid,
                    &customer,
                    &billed,
                    &charge,
                    &cost,
                    &charged_by,
                    &cost_by,
                ],
            )
            .expect("a PostgreSQL transaction")?;
        Ok(())
    }

    /// The calls stored under these uids, read in one statement.
    fn stored_pg<'s>(&self, uids: &[&str]) -> Result<HashMap<Cow<'s, str>, StoredCall<'s>>> {
        let rows = self
            .tx
            .pg_query(
                "SELECT uid, customer_id, start_at, answered, duration_s, src, dst, channel,
                        account_code
                 FROM cdrs WHERE uid = ANY(?1::text[])",
                &[&uids],
            )
            .expect("a PostgreSQL transaction")?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    Cow::Owned(r.get(0)),
                    StoredCall {
                        customer_id: r.get(1),
                        start_at: r.get(2),
                        answered: r.get::<_, i64>(3) != 0,
                        duration_s: r.get(4),
                        src: Cow::Owned(r.get(5)),
                        dst: Cow::Owned(r.get(6)),
                        channel: Cow::Owned(r.get(7)),
                        account_code: Cow::Owned(r.get(8)),
                    },
                )
            })
            .collect())
    }
}

impl SqliteStatements<'_> {
    /// Stores one call: an insert that does nothing for a uid stored already, and only then
    /// a read of the stored call, so a fresh import never pays for it.
    fn write(&mut self, tx: &Tx, cdr: &Cdr) -> Result<Stored> {
        bind_call(&mut self.insert, 0, cdr)?;
        if self.insert.raw_execute()? > 0 {
            return Ok(Stored::Inserted);
        }
        let (stored, _) = stored_call(tx, cdr)?;
        self.settle(&stored, cdr)
    }

    /// Stores CALLS_PER_INSERT calls, in order, with one statement. When every one of them
    /// went in (a fresh import), that is all. Otherwise each is looked up in turn. The
    /// statement's new rows took the rowids after the table's last, one after the other, so
    /// they are the `inserted` rowids up to the connection's last insert: a call stored
    /// under one of them is the one the statement inserted, for the first call of the chunk
    /// with its uid. Any other is settled against the stored call as `write` settles it, in
    /// order, so that an earlier claim counts for a later call.
    fn write_many(&mut self, tx: &Tx, cdrs: &[&Cdr]) -> Result<Vec<Stored>> {
        for (n, cdr) in cdrs.iter().enumerate() {
            bind_call(&mut self.insert_many, n * COLUMNS_PER_CALL, cdr)?;
        }
        let inserted = self.insert_many.raw_execute()?;
        if inserted == cdrs.len() {
            return Ok(vec![Stored::Inserted; cdrs.len()]);
        }
        // Rowids above this one are the statement's (none when it inserted nothing).
        let before = match inserted {
            0 => i64::MAX,
            n => self.conn.last_insert_rowid() - n as i64,
        };
        let mut first_of_uid = std::collections::HashSet::new();
        let mut outcomes = Vec::with_capacity(cdrs.len());
        for cdr in cdrs {
            let (stored, rowid) = stored_call(tx, cdr)?;
            outcomes.push(if rowid > before && first_of_uid.insert(cdr.uid.as_ref()) {
                Stored::Inserted
            } else {
                self.settle(&stored, cdr)?
            });
        }
        Ok(outcomes)
    }

    /// What becomes of `cdr` against the call stored under its uid; a claim is made here.
    fn settle(&mut self, stored: &StoredCall, cdr: &Cdr) -> Result<Stored> {
        let outcome = stored.outcome(cdr);
        if outcome == Stored::Claimed {
            self.claim.execute(params![
                cdr.uid,
                cdr.customer_id,
                cdr.billed_s,
                cdr.charge,
                cdr.cost,
                cdr.charged_by.name(),
                cdr.cost_by.name()
            ])?;
        }
        Ok(outcome)
    }
}

/// Binds a call's COLUMNS_PER_CALL values, in `cdr_columns!` order, from parameter `first + 1` on.
fn bind_call(stmt: &mut CachedStatement, first: usize, cdr: &Cdr) -> Result<()> {
    let values: [&dyn rusqlite::ToSql; COLUMNS_PER_CALL] = call_values!(cdr);
    for (n, value) in values.into_iter().enumerate() {
        stmt.raw_bind_parameter(first + n + 1, value)?;
    }
    Ok(())
}

/// The call stored under `cdr`'s uid, and its rowid.
fn stored_call(tx: &Tx, cdr: &Cdr) -> Result<(StoredCall<'static>, i64)> {
    tx.query_one(STORED_CDR, &vals![cdr.uid.as_ref()], |r| {
        Ok((
            StoredCall {
                customer_id: r.get(0)?,
                start_at: r.get(1)?,
                answered: r.get(2)?,
                duration_s: r.get(3)?,
                src: Cow::Owned(r.get(4)?),
                dst: Cow::Owned(r.get(5)?),
                channel: Cow::Owned(r.get(6)?),
                account_code: Cow::Owned(r.get(7)?),
            },
            r.get(8)?,
        ))
    })
}

impl Drop for CdrWriter<'_, '_> {
    fn drop(&mut self) {
        // Only a cache size: should this fail, the connection is merely faster than before.
        if let Some(s) = &self.sqlite {
            let _ = s.conn.pragma_update(None, "cache_size", s.cache_size);
        }
    }
}

/// Every customer with what an import needs to match and price its calls.
pub fn cdr_customers(tx: &Tx) -> Result<Vec<CdrCustomer>> {
    tx.query(
        "SELECT id, name, account_code, currency, rate_micros, bill_first_s, bill_next_s,
                tech_prefixes
         FROM customers ORDER BY id",
        &[],
        |r| {
            Ok(CdrCustomer {
                id: r.get(0)?,
                name: r.get(1)?,
                account_code: r.get(2)?,
                currency: currency(r, 3)?,
                tariff: Tariff {
                    rate_micros: r.get(4)?,
                    first_s: r.get(5)?,
                    next_s: r.get(6)?,
                },
                tech_prefixes: split_tags(r.text(7)?),
            })
        },
    )
}

/// Every SIP user as (username, customer id).
pub fn sip_users(tx: &Tx) -> Result<Vec<(String, i64)>> {
    tx.query("SELECT username, customer_id FROM sip_users", &[], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
}

/// Moves a customer's "last call" forward to `at` (unix seconds), never back. Not an edit
/// by an operator, so the row's version stays: nobody's open form goes stale over it.
pub fn note_last_call(tx: &Tx, customer_id: i64, at: i64) -> Result<()> {
    let Some(at) = chrono::DateTime::from_timestamp(at, 0).map(time_text) else {
        return Ok(());
    };
    tx.execute(
        "UPDATE customers SET last_call_at = ?2
         WHERE id = ?1 AND (last_call_at IS NULL OR last_call_at < ?2)",
        &vals![customer_id, at],
    )?;
    Ok(())
}

/// How a stored call was rated, as its column names it.
fn rated<T>(r: &Row, col: usize, parse: fn(&str) -> Option<T>) -> Result<T> {
    let name = r.text(col)?;
    parse(name).ok_or_else(|| super::sql::Error::Column {
        col,
        message: format!("'{name}' is not a way of rating a call"),
    })
}

/// A stored call.
pub(super) fn cdr(r: &Row) -> Result<Cdr<'static>> {
    let text = |i: usize| -> Result<Cow<'static, str>> { Ok(Cow::Owned(r.get(i)?)) };
    Ok(Cdr {
        uid: text(0)?,
        customer_id: r.get(1)?,
        start_at: r.get(2)?,
        answered: r.get(3)?,
        duration_s: r.get(4)?,
        billed_s: r.get(5)?,
        charge: r.get(6)?,
        cost: r.get(7)?,
        src: text(8)?,
        dst: text(9)?,
        disposition: text(10)?,
        channel: text(11)?,
        account_code: text(12)?,
        provider: text(13)?,
        charged_by: rated(r, 14, ChargedBy::parse)?,
        cost_by: rated(r, 15, CostBy::parse)?,
    })
}

impl Store {
    /// Hands a customer's calls with `from <= start < to` (unix seconds) to `each`, oldest
    /// first, one at a time, so that a report of millions of calls never sits in memory.
    /// Returns how many there were.
    pub fn for_each_cdr<E: From<super::Error>>(
        &self,
        customer_id: i64,
        from: i64,
        to: i64,
        mut each: impl FnMut(&Cdr) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let sql = format!(
            "SELECT {CDR_COLUMNS} FROM cdrs
             WHERE customer_id = ?1 AND start_at >= ?2 AND start_at < ?3 ORDER BY start_at, uid"
        );
        let mut n = 0;
        // The caller's error stops the walk; it is handed back once the rows are let go.
        let mut failed = None;
        self.read()?
            .each(&sql, &vals![customer_id, from, to], |row| {
                if failed.is_none() {
                    match each(&cdr(row)?) {
                        Ok(()) => n += 1,
                        Err(e) => failed = Some(e),
                    }
                }
                Ok(())
            })?;
        match failed {
            Some(e) => Err(e),
            None => Ok(n),
        }
    }

    /// Calls that matched no customer, oldest first, at most `limit`.
    pub fn unmatched_cdrs(&self, limit: usize) -> Result<Vec<Cdr<'static>>> {
        let sql = format!(
            "SELECT {CDR_COLUMNS} FROM cdrs WHERE customer_id IS NULL ORDER BY start_at, uid LIMIT ?1"
        );
        self.read()?.query(&sql, &vals![limit as i64], cdr)
    }

    /// Calls of a customer that rating could not price (no row of its card covers the
    /// number) or whose cost is unknown, newest first, at most `limit`; and how many there
    /// are in all.
    pub fn not_rated_cdrs(&self, limit: usize) -> Result<(i64, Vec<Cdr<'static>>)> {
        let tx = self.read()?;
        const NOT_RATED: &str = "(charged_by = 'unrated' OR cost_by = 'unknown')";
        let count = tx.query_one(
            &format!("SELECT count(*) FROM cdrs WHERE {NOT_RATED}"),
            &[],
            |r| r.get(0),
        )?;
        let sql = format!(
            "SELECT {CDR_COLUMNS} FROM cdrs WHERE {NOT_RATED} ORDER BY start_at DESC, uid LIMIT ?1"
        );
        Ok((count, tx.query(&sql, &vals![limit as i64], cdr)?))
    }

    /// How many calls matched no customer.
    pub fn unmatched_count(&self) -> Result<i64> {
        let tx = self.read()?;
        // Without statistics SQLite's planner would count through the whole time index.
        let sql = tx.pick(Dialect {
            sqlite: "SELECT count(*) FROM cdrs INDEXED BY cdrs_unmatched WHERE customer_id IS NULL",
            pg: "SELECT count(*) FROM cdrs WHERE customer_id IS NULL",
        });
        tx.query_one(sql, &[], |r| r.get(0))
    }
}
