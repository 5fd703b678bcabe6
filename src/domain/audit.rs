//! Audit entries and the JSON difference they carry.

use super::money::{Currency, trimmed_decimal};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// HTTP-like verbs, as the web console names actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verb {
    /// Create.
    Post,
    /// Update.
    Put,
    Delete,
    Generate,
    Send,
    /// Staff saw the customer portal as a contact (Portal Login).
    Login,
}

impl Verb {
    pub fn key(self) -> &'static str {
        match self {
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
            Verb::Generate => "GENERATE",
            Verb::Send => "SEND",
            Verb::Login => "LOGIN",
        }
    }
}

/// Who made a change and from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub name: String,
    /// Client IP of the SSH session, or "local".
    pub ip: String,
    pub role: String,
}

/// One row of the audit log as shown on the card's Audit tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub operator: String,
    pub ip: String,
    pub action: String,
    pub table: String,
    pub row_id: i64,
    pub message: String,
    /// JSON: `{"field": {"old": .., "new": ..}}` for an update, the whole row for create/delete.
    pub data: String,
    /// The host the console or command ran on; empty for rows older than schema 5.
    pub host: String,
    /// The PostgreSQL role the change was made as (empty on SQLite).
    pub db_role: String,
}

/// Field names whose values never go into an audit diff.
pub(crate) const SECRET_FIELDS: &[&str] = &["password", "password_hash", "secret", "secret_hash"];

/// The fields that differ between two JSON objects, as `{"field": {"old": a, "new": b}}`.
/// Secret fields are recorded as changed without their values.
pub fn diff(old: &Value, new: &Value) -> Value {
    let empty = Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    for (key, new_value) in new {
        let old_value = old.get(key).unwrap_or(&Value::Null);
        if old_value != new_value {
            let entry = if SECRET_FIELDS.contains(&key.as_str()) {
                json!({"changed": true})
            } else {
                json!({"old": old_value, "new": new_value})
            };
            out.insert(key.clone(), entry);
        }
    }
    Value::Object(out)
}

/// A whole row for a create or delete entry, with secrets removed.
/// Audit data as people read it: money in the currency's decimals, tax in percent, the
/// per-minute rate in the currency, under the names the form and the command line use.
/// The log itself keeps what the database holds (minor units, basis points).
pub fn readable(data: &Value, currency: Currency) -> Value {
    let Value::Object(map) = data else {
        return data.clone();
    };
    let convert = |key: &str, v: &Value| -> Value {
        let Some(n) = v.as_i64() else {
            return v.clone();
        };
        match key {
            "balance" | "debit_limit" | "minimum_payment" => currency.plain(n).into(),
            "tax_bp" => trimmed_decimal(n, 2).into(),
            "rate_micros" => trimmed_decimal(n, 6).into(),
            _ => v.clone(),
        }
    };
    let name = |key: &str| -> String {
        match key {
            "tax_bp" => "tax",
            "rate_micros" => "rate",
            other => other,
        }
        .to_string()
    };
    let out: Map<String, Value> = map
        .iter()
        .map(|(k, v)| {
            let value = match v {
                // An update's {"old": .., "new": ..}.
                Value::Object(o) if o.contains_key("old") && o.contains_key("new") => {
                    json!({"old": convert(k, &o["old"]), "new": convert(k, &o["new"])})
                }
                other => convert(k, other),
            };
            (name(k), value)
        })
        .collect();
    Value::Object(out)
}

/// A record as its audit rows keep it: its serde form without secrets and without the
/// `skipped` keys (bookkeeping that changes on every save, ids the row names already).
pub fn record_json<T: Serialize>(record: &T, skipped: &[&str]) -> Value {
    let mut v = snapshot(serde_json::to_value(record).unwrap_or_default());
    if let Some(map) = v.as_object_mut() {
        map.retain(|k, _| !skipped.contains(&k.as_str()));
    }
    v
}

pub fn snapshot(mut row: Value) -> Value {
    // In place: an edit of many rows takes two of these a row.
    if let Value::Object(map) = &mut row {
        map.retain(|k, _| !SECRET_FIELDS.contains(&k.as_str()));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_data_reads_in_the_units_people_use() {
        let eur = Currency::parse("EUR").unwrap();
        let update = json!({
            "tax_bp": {"old": 1000, "new": 1234},
            "debit_limit": {"old": -1500, "new": 250_050},
            "channels": {"old": 30, "new": 40},
        });
        assert_eq!(
            readable(&update, eur),
            json!({
                "tax": {"old": "10", "new": "12.34"},
                "debit_limit": {"old": "-15.00", "new": "2500.50"},
                "channels": {"old": 30, "new": 40},
            })
        );
        let jpy = Currency::parse("JPY").unwrap();
        let created = json!({"balance": 187_272, "rate_micros": 5_607_900, "name": "Yen Co"});
        assert_eq!(
            readable(&created, jpy),
            json!({"balance": "187272", "rate": "5.6079", "name": "Yen Co"})
        );
    }

    #[test]
    fn diff_keeps_only_changed_fields() {
        let d = diff(
            &json!({"status": "active", "channels": 30, "name": "A"}),
            &json!({"status": "inactive", "channels": 30, "name": "A"}),
        );
        assert_eq!(d, json!({"status": {"old": "active", "new": "inactive"}}));
    }

    #[test]
    fn secrets_never_reach_the_log() {
        let d = diff(
            &json!({"password_hash": "x"}),
            &json!({"password_hash": "y"}),
        );
        assert_eq!(d, json!({"password_hash": {"changed": true}}));
        assert_eq!(snapshot(json!({"a": 1, "secret": "s"})), json!({"a": 1}));
    }
}
