//! Scheduled changes: stored, listed, and claimed once each.

use crate::domain::{ScheduleState, ScheduledChange};
use rusqlite::types::{FromSqlError, Type};
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLUMNS: &str = "s.id, s.customer_id, c.name, s.due_at, s.fields, s.author, s.author_ip, \
    s.state, s.result, s.version, s.created_at, s.updated_at";
const FROM: &str = "scheduled_changes s LEFT JOIN customers c ON c.id = s.customer_id";

fn scheduled_change(row: &Row) -> rusqlite::Result<ScheduledChange> {
    let fields: String = row.get(4)?;
    let state: String = row.get(7)?;
    let bad = |col: usize, e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(col, Type::Text, e)
    };
    Ok(ScheduledChange {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        customer_name: row.get(2)?,
        due_at: row.get(3)?,
        fields: serde_json::from_str(&fields).map_err(|e| bad(4, Box::new(e)))?,
        // Filled in by the service, which knows the customer's currency.
        summary: String::new(),
        author: row.get(5)?,
        author_ip: row.get(6)?,
        state: ScheduleState::parse(&state).ok_or_else(|| {
            bad(
                7,
                Box::new(FromSqlError::Other(
                    format!("unknown state '{state}'").into(),
                )),
            )
        })?,
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

pub fn insert_scheduled(conn: &Connection, s: &NewScheduled, now: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO scheduled_changes (customer_id, due_at, fields, author, author_ip, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![
        s.customer_id,
        s.due_at,
        s.fields.to_string(),
        s.author,
        s.author_ip,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn get_scheduled(conn: &Connection, id: i64) -> rusqlite::Result<Option<ScheduledChange>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE s.id = ?1"))?
        .query_row([id], scheduled_change)
        .optional()
}

/// By due time; only those that need someone's attention (pending, or failed when due)
/// unless `include_done` adds the applied and cancelled ones.
pub fn list_scheduled(
    conn: &Connection,
    customer: Option<i64>,
    include_done: bool,
) -> rusqlite::Result<Vec<ScheduledChange>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE (?1 IS NULL OR s.customer_id = ?1) AND (?2 OR s.state IN ('pending', 'failed'))
         ORDER BY s.due_at, s.id"
    ))?;
    let rows = stmt.query_map(params![customer, include_done], scheduled_change)?;
    rows.collect()
}

/// The pending change due first, at or before `now` (RFC 3339 UTC, as stored).
pub fn next_due(conn: &Connection, now: &str) -> rusqlite::Result<Option<ScheduledChange>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE s.state = 'pending' AND s.due_at <= ?1 ORDER BY s.due_at, s.id LIMIT 1"
    ))?
    .query_row([now], scheduled_change)
    .optional()
}

/// Moves a pending change at `version` to `state`. False when it is no longer pending at
/// that version: another process applied or cancelled it first.
pub fn finish_scheduled(
    conn: &Connection,
    id: i64,
    version: i64,
    state: ScheduleState,
    result: &str,
    now: &str,
) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE scheduled_changes SET state = ?1, result = ?2, version = version + 1, updated_at = ?3
             WHERE id = ?4 AND version = ?5 AND state = 'pending'",
        )?
        .execute(params![state.key(), result, now, id, version])?
        == 1)
}

/// Cancels a customer's pending changes (when it is deleted); returns how many.
pub fn cancel_pending_for(
    conn: &Connection,
    customer_id: i64,
    result: &str,
    now: &str,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "UPDATE scheduled_changes SET state = 'cancelled', result = ?1, version = version + 1, updated_at = ?2
         WHERE customer_id = ?3 AND state = 'pending'",
    )?
    .execute(params![result, now, customer_id])
}
