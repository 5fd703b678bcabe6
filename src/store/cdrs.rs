//! Call detail records: storing an import without doubles, and reading calls back.

use super::rows::currency;
use super::sql::{Dialect, Result, Row, Tx};
use super::{Store, time_text};
use crate::domain::{Cdr, CdrCustomer, Tariff};
use crate::vals;
use rusqlite::{CachedStatement, Connection, params};
use std::borrow::Cow;

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

const INSERT_CDR: &str =
    "INSERT INTO cdrs (uid, customer_id, start_at, answered, duration_s, billed_s, charge,
                               cost, src, dst, disposition, channel, account_code)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
     ON CONFLICT (uid) DO NOTHING";
const STORED_CDR: &str =
    "SELECT customer_id, start_at, answered, duration_s, src, dst, channel, account_code
     FROM cdrs WHERE uid = ?1";
const CLAIM_CDR: &str = "UPDATE cdrs SET customer_id = ?2, billed_s = ?3, charge = ?4, cost = ?5
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
    claim: CachedStatement<'c>,
}

/// What tells one stored call from another.
struct StoredCall {
    customer_id: Option<i64>,
    start_at: i64,
    answered: bool,
    duration_s: i64,
    src: String,
    dst: String,
    channel: String,
    account_code: String,
}

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
                    insert: conn.prepare_cached(INSERT_CDR)?,
                    claim: conn.prepare_cached(CLAIM_CDR)?,
                })
            }
            None => None,
        };
        Ok(CdrWriter { tx, sqlite })
    }

    /// Stores a call unless its uid is stored already. The same call stored earlier without
    /// a customer takes this one's customer and price: fixing an account code or a SIP user
    /// and importing the file again claims the calls that matched nobody, while importing
    /// the same file twice still adds nothing. A different call under the same uid is
    /// `Stored::Taken`. Only a uid stored already costs a read: a fresh import pays nothing.
    pub fn write(&mut self, cdr: &Cdr) -> Result<Stored> {
        let inserted = match &mut self.sqlite {
            Some(s) => s.insert.execute(params![
                cdr.uid,
                cdr.customer_id,
                cdr.start_at,
                cdr.answered,
                cdr.duration_s,
                cdr.billed_s,
                cdr.charge,
                cdr.cost,
                cdr.src,
                cdr.dst,
                cdr.disposition,
                cdr.channel,
                cdr.account_code,
            ])? as u64,
            None => self.tx.execute(
                INSERT_CDR,
                &vals![
                    cdr.uid.as_ref(),
                    cdr.customer_id,
                    cdr.start_at,
                    cdr.answered,
                    cdr.duration_s,
                    cdr.billed_s,
                    cdr.charge,
                    cdr.cost,
                    cdr.src.as_ref(),
                    cdr.dst.as_ref(),
                    cdr.disposition.as_ref(),
                    cdr.channel.as_ref(),
                    cdr.account_code.as_ref(),
                ],
            )?,
        };
        if inserted > 0 {
            return Ok(Stored::Inserted);
        }
        let stored = self.stored(&cdr.uid)?;
        self.outcome(cdr, &stored)
    }

    /// What becomes of a call whose uid is stored already as `stored`: the same call
    /// (claimed when it had no customer and now has one), or a different one.
    fn outcome(&mut self, cdr: &Cdr, stored: &StoredCall) -> Result<Stored> {
        // What tells one call from another: not the customer or the price, which a later
        // import may find where an earlier one found none, nor the disposition text.
        let same = stored.start_at == cdr.start_at
            && stored.answered == cdr.answered
            && stored.duration_s == cdr.duration_s
            && stored.src == cdr.src
            && stored.dst == cdr.dst
            && stored.channel == cdr.channel
            && stored.account_code == cdr.account_code;
        if !same {
            return Ok(Stored::Taken {
                start_at: stored.start_at,
                account_code: stored.account_code.clone(),
            });
        }
        let (None, Some(customer_id)) = (stored.customer_id, cdr.customer_id) else {
            return Ok(Stored::Duplicate);
        };
        let claimed = match &mut self.sqlite {
            Some(s) => s.claim.execute(params![
                cdr.uid,
                customer_id,
                cdr.billed_s,
                cdr.charge,
                cdr.cost
            ])? as u64,
            None => self.tx.execute(
                CLAIM_CDR,
                &vals![
                    cdr.uid.as_ref(),
                    customer_id,
                    cdr.billed_s,
                    cdr.charge,
                    cdr.cost
                ],
            )?,
        };
        Ok(if claimed > 0 {
            Stored::Claimed
        } else {
            Stored::Duplicate
        })
    }

    /// Stores calls as `write` does each, in order, and says what became of each. On
    /// PostgreSQL the new ones go in with one statement and the calls already stored are
    /// read with one more, instead of a round trip per call.
    pub fn write_all(&mut self, cdrs: &[&Cdr]) -> Result<Vec<Stored>> {
        if self.sqlite.is_some() || cdrs.is_empty() {
            return cdrs.iter().map(|cdr| self.write(cdr)).collect();
        }
        // The first call of each uid goes in; later ones of the batch are compared with
        // what is stored then, as they would be one at a time.
        let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, cdr) in cdrs.iter().enumerate() {
            first.entry(cdr.uid.as_ref()).or_insert(i);
        }
        let fresh: Vec<&Cdr> = cdrs
            .iter()
            .enumerate()
            .filter(|(i, cdr)| first.get(cdr.uid.as_ref()) == Some(i))
            .map(|(_, cdr)| *cdr)
            .collect();
        let inserted = self.insert_pg(&fresh)?;
        let others: Vec<&str> = cdrs
            .iter()
            .map(|c| c.uid.as_ref())
            .filter(|uid| !inserted.contains(*uid))
            .collect();
        let mut stored = self.stored_pg(&others)?;
        let mut outcomes = Vec::with_capacity(cdrs.len());
        for (i, cdr) in cdrs.iter().enumerate() {
            let uid = cdr.uid.as_ref();
            if first.get(uid) == Some(&i) && inserted.contains(uid) {
                outcomes.push(Stored::Inserted);
                continue;
            }
            let call = stored
                .get_mut(uid)
                .ok_or_else(|| super::sql::Error::column(0, format!("call {uid} vanished")))?;
            let outcome = self.outcome(cdr, call)?;
            if outcome == Stored::Claimed {
                call.customer_id = cdr.customer_id;
            }
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Inserts calls in one statement; the uids that went in (the others were stored).
    fn insert_pg(&self, cdrs: &[&Cdr]) -> Result<std::collections::HashSet<String>> {
        let text = |f: for<'x> fn(&'x Cdr<'x>) -> &'x str| {
            cdrs.iter().map(|c| f(c).to_string()).collect::<Vec<_>>()
        };
        let int = |f: fn(&Cdr) -> i64| cdrs.iter().map(|c| f(c)).collect::<Vec<_>>();
        let uid = text(|c| &c.uid);
        let customer: Vec<Option<i64>> = cdrs.iter().map(|c| c.customer_id).collect();
        let start = int(|c| c.start_at);
        let answered = int(|c| i64::from(c.answered));
        let duration = int(|c| c.duration_s);
        let billed = int(|c| c.billed_s);
        let charge = int(|c| c.charge);
        let cost = int(|c| c.cost);
        let src = text(|c| &c.src);
        let dst = text(|c| &c.dst);
        let disposition = text(|c| &c.disposition);
        let channel = text(|c| &c.channel);
        let account = text(|c| &c.account_code);
        let rows = self
            .tx
            .pg_query(
                "INSERT INTO cdrs (uid, customer_id, start_at, answered, duration_s, billed_s, charge,
                                   cost, src, dst, disposition, channel, account_code)
                 SELECT * FROM unnest(?1::text[], ?2::bigint[], ?3::bigint[], ?4::bigint[],
                                      ?5::bigint[], ?6::bigint[], ?7::bigint[], ?8::bigint[],
                                      ?9::text[], ?10::text[], ?11::text[], ?12::text[], ?13::text[])
                 ON CONFLICT (uid) DO NOTHING
                 RETURNING uid",
                &[
                    &uid,
                    &customer,
                    &start,
                    &answered,
                    &duration,
                    &billed,
                    &charge,
                    &cost,
                    &src,
                    &dst,
                    &disposition,
                    &channel,
                    &account,
                ],
            )
            .expect("a PostgreSQL transaction")?;
        Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
    }

    /// The calls stored under these uids, read in one statement.
    fn stored_pg(&self, uids: &[&str]) -> Result<std::collections::HashMap<String, StoredCall>> {
        if uids.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
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
                    r.get(0),
                    StoredCall {
                        customer_id: r.get(1),
                        start_at: r.get(2),
                        answered: r.get::<_, i64>(3) != 0,
                        duration_s: r.get(4),
                        src: r.get(5),
                        dst: r.get(6),
                        channel: r.get(7),
                        account_code: r.get(8),
                    },
                )
            })
            .collect())
    }

    /// The call stored under `uid`: read only for a uid stored already, so a fresh
    /// import never pays for it.
    fn stored(&mut self, uid: &str) -> Result<StoredCall> {
        self.tx.query_one(STORED_CDR, &vals![uid], |r| {
            Ok(StoredCall {
                customer_id: r.get(0)?,
                start_at: r.get(1)?,
                answered: r.get(2)?,
                duration_s: r.get(3)?,
                src: r.get(4)?,
                dst: r.get(5)?,
                channel: r.get(6)?,
                account_code: r.get(7)?,
            })
        })
    }
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
        "SELECT id, name, account_code, currency, rate_micros, bill_first_s, bill_next_s
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

const CDR_COLUMNS: &str = "uid, customer_id, start_at, answered, duration_s, billed_s, charge, \
    cost, src, dst, disposition, channel, account_code";

/// A stored call.
fn cdr(r: &Row) -> Result<Cdr<'static>> {
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
