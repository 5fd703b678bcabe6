//! Reading and changing the shared settings: checked by domain/settings.rs, audited with
//! their previous and new value, and guarded by their version like every other edit.

use super::{Result, Service, ServiceError, commit};
use crate::domain::settings::{self, Key, Resolved, Rule};
use crate::domain::{Actor, Change, Topic, Verb};
use crate::store::{self, NewAudit, StoredSetting};

/// A setting as the command and the Settings screen show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: String,
    pub value: Option<String>,
    /// 0 for a key never set: what a change must expect (`SettingChange::expect`).
    pub version: i64,
    pub updated_at: String,
    pub updated_by: String,
    pub spec: &'static Key,
}

impl Setting {
    fn new(resolved: Resolved, stored: Option<StoredSetting>) -> Setting {
        let stored = stored.unwrap_or(StoredSetting {
            key: resolved.name.clone(),
            value: None,
            version: 0,
            updated_at: String::new(),
            updated_by: String::new(),
        });
        Setting {
            key: resolved.name,
            value: stored.value,
            version: stored.version,
            updated_at: stored.updated_at,
            updated_by: stored.updated_by,
            spec: resolved.key,
        }
    }
}

/// A change to one setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingChange<'a> {
    pub key: &'a str,
    /// None unsets it.
    pub value: Option<&'a str>,
    /// The version the operator saw (0: not set yet); None takes whatever is stored, as a
    /// command that reads and writes in one go does.
    pub expect: Option<i64>,
}

impl Service {
    /// Every known setting, set or not, in the order of `settings::KEYS`; a family's keys
    /// (`fx.USD.EUR`) where the family stands, those set only.
    pub fn settings(&self) -> Result<Vec<Setting>> {
        let mut stored = self.store.stored_settings()?;
        let mut all = Vec::new();
        for key in settings::KEYS {
            if settings::is_family(key) {
                let mut members: Vec<Setting> = Vec::new();
                stored.retain(|s| match settings::resolve(&s.key) {
                    Ok(r) if std::ptr::eq(r.key, key) && s.value.is_some() => {
                        members.push(Setting::new(r, Some(s.clone())));
                        false
                    }
                    _ => true,
                });
                if members.is_empty() {
                    // The family's place, to show it exists: `fx.FROM.TO` with no value.
                    members.push(Setting::new(
                        Resolved {
                            key,
                            name: key.name.to_string(),
                        },
                        None,
                    ));
                }
                all.extend(members);
            } else {
                let found = stored.iter().position(|s| s.key == key.name);
                let resolved = settings::resolve(key.name).map_err(refused)?;
                all.push(Setting::new(resolved, found.map(|i| stored.remove(i))));
            }
        }
        Ok(all)
    }

    /// One setting; an unknown key is refused with the known ones listed.
    pub fn setting(&self, key: &str) -> Result<Setting> {
        let resolved = settings::resolve(key).map_err(refused)?;
        let tx = self.store.read()?;
        let stored = store::setting_for_update(&tx, &resolved.name)?;
        Ok(Setting::new(resolved, stored))
    }

    /// Sets or unsets a setting in one transaction with its audit row; refused when the
    /// value breaks its rule, or when another operator changed it since `expect`.
    pub fn change_setting(&mut self, actor: &Actor, change: &SettingChange) -> Result<Setting> {
        let resolved = settings::resolve(change.key).map_err(refused)?;
        let value = match change.value {
            Some(v) => Some(settings::check(&resolved, v).map_err(refused)?),
            None => None,
        };
        let now = store::now_text();
        let tx = self.store.write()?;
        let before = Setting::new(
            resolved.clone(),
            store::setting_for_update(&tx, &resolved.name)?,
        );
        if change.expect.is_some_and(|v| v != before.version) {
            return Err(ServiceError::SettingConflict(Box::new(before)));
        }
        // A card setting names a card that exists, as the card spells its name.
        let value = match value {
            Some(name) if resolved.key.rule == Rule::CardName => {
                let card = store::card_named(&tx, &name)?.ok_or_else(|| {
                    ServiceError::Setting(format!(
                        "{}: there is no rate card named {name} (carrierdesk rates list shows them)",
                        resolved.name
                    ))
                })?;
                Some(card.name)
            }
            other => other,
        };
        if before.value == value {
            return Ok(before);
        }
        let version =
            store::write_setting(&tx, &resolved.name, value.as_deref(), &now, &actor.name)?;
        let message = match &value {
            Some(v) => format!("Setting {} set to {v}", resolved.name),
            None => format!("Setting {} unset", resolved.name),
        };
        NewAudit {
            actor,
            verb: if value.is_some() {
                Verb::Put
            } else {
                Verb::Delete
            },
            table: "settings",
            // Settings are keyed by name: the key is in the message and the data.
            row_id: 0,
            customer_id: None,
            message: &message,
            data: &serde_json::json!({
                "key": resolved.name,
                "old": before.value,
                "new": value,
            }),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::many(Topic::Settings)])?;
        Ok(Setting {
            value,
            version,
            updated_at: now,
            updated_by: actor.name.clone(),
            ..before
        })
    }
}

fn refused(e: settings::SettingError) -> ServiceError {
    ServiceError::Setting(e.0)
}
