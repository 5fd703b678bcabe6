//! The append-only audit log.

use super::Store;
use super::audit_chain::{ChainHead, advance, head};
use super::rows::{AUDIT_COLUMNS, audit_entry};
use super::sql::{Dialect, Result, Tx};
use crate::domain::audit_chain::ChainRow;
use crate::domain::{Actor, AuditEntry, Verb};
use crate::vals;

/// An audit row's insert after its verb. SQLite's is INSERT OR FAIL: its guard trigger
/// refuses a row out of place before anything is written, so the statement needs no
/// journal of pages to undo (schema version 18).
macro_rules! audit_insert_tail {
    () => {
        " INTO audit_log (id, at, operator, ip, action, table_name, row_id, customer_id,
                          message, data, host, db_role, prev_hash, hash)
          VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    };
}

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
    /// Writes the row inside the caller's write transaction, linked to the last row of the
    /// chain, with the host it runs on and, on PostgreSQL, the database role the server
    /// knows the connection by. Returns its id.
    pub fn insert(&self, tx: &Tx, at: &str) -> Result<i64> {
        let ChainHead { db_role, last } = head(tx)?;
        let (id, prev_hash) = match last {
            Some((id, hash)) => (id + 1, hash),
            None => (1, String::new()),
        };
        let row = ChainRow {
            action: self.verb.key().into(),
            at: at.into(),
            customer_id: self.customer_id,
            data: self.data.to_string().into(),
            db_role: db_role.into(),
            host: host().into(),
            id,
            ip: self.actor.ip.as_str().into(),
            message: self.message.into(),
            operator: self.actor.name.as_str().into(),
            prev_hash: prev_hash.into(),
            row_id: self.row_id,
            table_name: self.table.into(),
        };
        let hash = row.hash();
        tx.execute(
            tx.pick(Dialect {
                sqlite: concat!("INSERT OR FAIL", audit_insert_tail!()),
                pg: concat!("INSERT", audit_insert_tail!()),
            }),
            &vals![
                row.id,
                row.at.as_ref(),
                row.operator.as_ref(),
                row.ip.as_ref(),
                row.action.as_ref(),
                row.table_name.as_ref(),
                row.row_id,
                row.customer_id,
                row.message.as_ref(),
                row.data.as_ref(),
                row.host.as_ref(),
                row.db_role.as_ref(),
                row.prev_hash.as_ref(),
                hash,
            ],
        )?;
        advance(tx, row.db_role.into_owned(), id, hash);
        Ok(id)
    }
}

/// The name of the host this process runs on, read once.
pub(super) fn host() -> &'static str {
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
