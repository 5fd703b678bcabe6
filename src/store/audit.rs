//! The append-only audit log.

use super::Store;
use super::rows::{AUDIT_COLUMNS, audit_entry};
use crate::domain::{Actor, AuditEntry, Verb};
use rusqlite::{Connection, params};

/// An audit row to write inside the transaction of the change it records.
pub struct NewAudit<'a> {
    pub actor: &'a Actor,
    pub verb: Verb,
    pub table: &'a str,
    pub row_id: i64,
    pub customer_id: Option<i64>,
    pub message: &'a str,
    pub data: &'a serde_json::Value,
}

impl NewAudit<'_> {
    /// Writes the row on `conn`, which the caller has inside its write transaction.
    pub fn insert(&self, conn: &Connection, at: &str) -> rusqlite::Result<i64> {
        conn.prepare_cached(
            "INSERT INTO audit_log (at, operator, ip, action, table_name, row_id, customer_id, message, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            at,
            self.actor.name,
            self.actor.ip,
            self.verb.key(),
            self.table,
            self.row_id,
            self.customer_id,
            self.message,
            self.data.to_string(),
        ])?;
        Ok(conn.last_insert_rowid())
    }
}

impl Store {
    /// A customer's audit rows, newest first.
    pub fn audit_for_customer(
        &self,
        customer_id: i64,
        limit: usize,
    ) -> rusqlite::Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE customer_id = ?1 ORDER BY id DESC LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![customer_id, limit as i64], audit_entry)?;
        rows.collect()
    }

    pub fn audit_count(&self) -> rusqlite::Result<i64> {
        self.conn
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
    }
}
