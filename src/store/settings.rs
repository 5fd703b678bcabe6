//! The shared settings table: one row per key, with a version that every change bumps.

use super::Store;
use super::sql::{Result, Row, Tx};
use crate::vals;

/// A setting as stored. An unset setting keeps its row, with no value, so that its
/// version goes on counting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSetting {
    pub key: String,
    pub value: Option<String>,
    /// 0 for a key never set.
    pub version: i64,
    pub updated_at: String,
    pub updated_by: String,
}

const COLUMNS: &str = "key, value, version, updated_at, updated_by";

fn stored(r: &Row) -> Result<StoredSetting> {
    Ok(StoredSetting {
        key: r.get(0)?,
        value: r.get(1)?,
        version: r.get(2)?,
        updated_at: r.get(3)?,
        updated_by: r.get(4)?,
    })
}

/// One setting, read to be changed: locked on PostgreSQL until the transaction ends.
pub fn setting_for_update(tx: &Tx, key: &str) -> Result<Option<StoredSetting>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM settings WHERE key = ?1{}",
        tx.for_update()
    );
    tx.query_opt(&sql, &vals![key], stored)
}

/// Sets (`Some`) or unsets (`None`) a setting, bumping its version; returns the new one.
pub fn write_setting(tx: &Tx, key: &str, value: Option<&str>, now: &str, by: &str) -> Result<i64> {
    tx.query_one(
        "INSERT INTO settings (key, value, version, updated_at, updated_by)
         VALUES (?1, ?2, 1, ?3, ?4)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value,
             version = settings.version + 1, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by
         RETURNING version",
        &vals![key, value, now, by],
        |r| r.get(0),
    )
}

impl Store {
    /// Every stored setting, set or unset, by key.
    pub fn stored_settings(&self) -> Result<Vec<StoredSetting>> {
        self.read()?.query(
            &format!("SELECT {COLUMNS} FROM settings ORDER BY key"),
            &[],
            stored,
        )
    }
}
