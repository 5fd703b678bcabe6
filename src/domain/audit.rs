//! Audit entries and the JSON difference they carry.

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
}

impl Verb {
    pub fn key(self) -> &'static str {
        match self {
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
            Verb::Generate => "GENERATE",
            Verb::Send => "SEND",
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
}

/// Field names whose values never go into an audit diff.
const SECRET_FIELDS: &[&str] = &["password", "password_hash", "secret", "secret_hash"];

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
pub fn snapshot(row: &Value) -> Value {
    match row {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !SECRET_FIELDS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(snapshot(&json!({"a": 1, "secret": "s"})), json!({"a": 1}));
    }
}
