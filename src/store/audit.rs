//! The append-only audit log.

use super::Store;
use super::rows::{AUDIT_COLUMNS, audit_entry};
use super::sql::{Result, Tx};
use crate::domain::{Actor, AuditEntry, Verb};
use crate::vals;

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
    /// Writes the row inside the caller's write transaction.
    pub fn insert(&self, tx: &Tx, at: &str) -> Result<i64> {
        tx.query_one(
            "INSERT INTO audit_log (at, operator, ip, action, table_name, row_id, customer_id, message, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             RETURNING id",
            &vals![
                at,
                self.actor.name,
                self.actor.ip,
                self.verb.key(),
                self.table,
                self.row_id,
                self.customer_id,
                self.message,
                self.data.to_string(),
            ],
            |r| r.get(0),
        )
    }
}

impl Store {
    /// A customer's audit rows, newest first.
    pub fn audit_for_customer(&self, customer_id: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE customer_id = ?1 ORDER BY id DESC LIMIT ?2"
        );
        self.read()?
            .query(&sql, &vals![customer_id, limit as i64], audit_entry)
    }

    pub fn audit_count(&self) -> Result<i64> {
        self.read()?
            .query_one("SELECT count(*) FROM audit_log", &[], |r| r.get(0))
    }
}
