//! The append-only audit log.

use super::Store;
use super::rows::{AUDIT_COLUMNS, audit_entry};
use super::sql::{Dialect, Result, Tx};
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
    /// Writes the row inside the caller's write transaction, with the host it runs on and,
    /// on PostgreSQL, the database role the server knows the connection by.
    pub fn insert(&self, tx: &Tx, at: &str) -> Result<i64> {
        let role = tx.pick(Dialect {
            sqlite: "''",
            pg: "current_user",
        });
        tx.query_one(
            &format!(
                "INSERT INTO audit_log (at, operator, ip, action, table_name, row_id, customer_id, message, data, host, db_role)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, {role})
                 RETURNING id"
            ),
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
                host(),
            ],
            |r| r.get(0),
        )
    }
}

/// The name of the host this process runs on, read once.
fn host() -> &'static str {
    static HOST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HOST.get_or_init(|| whoami::hostname().unwrap_or_default())
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
