//! Scheduled changes: stored, listed, and claimed once each.

use super::sql::{Dialect, Error, Result, Row, Tx};
use crate::domain::{ScheduleState, ScheduledChange};
use crate::vals;

const COLUMNS: &str = "s.id, s.customer_id, c.name, s.due_at, s.fields, s.author, s.author_ip, \
    s.state, s.result, s.version, s.created_at, s.updated_at";
const FROM: &str = "scheduled_changes s LEFT JOIN customers c ON c.id = s.customer_id";

fn scheduled_change(row: &Row) -> Result<ScheduledChange> {
    let fields: String = row.get(4)?;
    let state: String = row.get(7)?;
    Ok(ScheduledChange {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        customer_name: row.get(2)?,
        due_at: row.get(3)?,
        fields: serde_json::from_str(&fields).map_err(|e| Error::column(4, e.to_string()))?,
        // Filled in by the service, which knows the customer's currency.
        summary: String::new(),
        author: row.get(5)?,
        author_ip: row.get(6)?,
        state: ScheduleState::parse(&state)
            .ok_or_else(|| Error::column(7, format!("unknown state '{state}'")))?,
        result: row.get(8)?,
        version: row.get(9)?,
        created_at: row.get(10)?,
        updated_at: row.get(11)?,
    })
}

pub struct NewScheduled<'a> {
    pub customer_id: i64,
    pub due_at: &'a str,
    pub fields: &'a serde_json::Value,
    pub author: &'a str,
    pub author_ip: &'a str,
}

pub fn insert_scheduled(tx: &Tx, s: &NewScheduled, now: &str) -> Result<i64> {
    tx.query_one(
        "INSERT INTO scheduled_changes (customer_id, due_at, fields, author, author_ip, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         RETURNING id",
        &vals![
            s.customer_id,
            s.due_at,
            s.fields.to_string(),
            s.author,
            s.author_ip,
            now
        ],
        |r| r.get(0),
    )
}

pub fn get_scheduled(tx: &Tx, id: i64) -> Result<Option<ScheduledChange>> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE s.id = ?1");
    tx.query_opt(&sql, &vals![id], scheduled_change)
}

/// By due time; only those that need someone's attention (pending, or failed when due)
/// unless `include_done` adds the applied and cancelled ones.
pub fn list_scheduled(
    tx: &Tx,
    customer: Option<i64>,
    include_done: bool,
) -> Result<Vec<ScheduledChange>> {
    // The customer as -1 for all of them: one parameter type on both engines.
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE (?1 = -1 OR s.customer_id = ?1) AND (?2 = 1 OR s.state IN ('pending', 'failed'))
         ORDER BY s.due_at, s.id"
    );
    tx.query(
        &sql,
        &vals![customer.unwrap_or(-1), i64::from(include_done)],
        scheduled_change,
    )
}

/// The pending change due first, at or before `now` (RFC 3339 UTC, as stored), claimed for
/// this transaction. On SQLite the write lock already keeps other writers out; on
/// PostgreSQL the row is locked, and a change another host is applying is skipped rather
/// than waited for (and then found applied).
pub fn next_due(tx: &Tx, now: &str) -> Result<Option<ScheduledChange>> {
    let claim = tx.pick(Dialect {
        sqlite: "",
        pg: "FOR UPDATE OF s SKIP LOCKED",
    });
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE s.state = 'pending' AND s.due_at <= ?1 ORDER BY s.due_at, s.id LIMIT 1 {claim}"
    );
    tx.query_opt(&sql, &vals![now], scheduled_change)
}

/// Moves a pending change (or a failed one, dismissed) at `version` to `state`. False when
/// it is no longer at that version: another process applied or cancelled it first.
pub fn finish_scheduled(
    tx: &Tx,
    id: i64,
    version: i64,
    state: ScheduleState,
    result: &str,
    now: &str,
) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE scheduled_changes SET state = ?1, result = ?2, version = version + 1, updated_at = ?3
         WHERE id = ?4 AND version = ?5 AND state IN ('pending', 'failed')",
        &vals![state.key(), result, now, id, version],
    )? == 1)
}

/// Moves a failed change at `version` back to pending, due at `due`: tried again. False
/// when it is no longer failed at that version.
pub fn retry_scheduled(tx: &Tx, id: i64, version: i64, due: &str, now: &str) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE scheduled_changes SET state = 'pending', result = '', due_at = ?1,
                version = version + 1, updated_at = ?2
         WHERE id = ?3 AND version = ?4 AND state = 'failed'",
        &vals![due, now, id, version],
    )? == 1)
}

/// Cancels a customer's pending changes (when it is deleted); returns how many.
pub fn cancel_pending_for(tx: &Tx, customer_id: i64, result: &str, now: &str) -> Result<u64> {
    tx.execute(
        "UPDATE scheduled_changes SET state = 'cancelled', result = ?1, version = version + 1, updated_at = ?2
         WHERE customer_id = ?3 AND state = 'pending'",
        &vals![result, now, customer_id],
    )
}
