//! SIP users of customers: the web console's rules, checked in one transaction with the
//! change and its audit row, and passwords kept only as digests.

use super::{Result, Service, ServiceError, commit};
use crate::domain::audit::record_json;
use crate::domain::field_diff::audit_diff;
use crate::domain::number_block::{extension, outside_blocks};
use crate::domain::sip_export::{SwitchFormat, SwitchUser, render};
use crate::domain::sip_user::{
    DUPLICATE_USER, channel_capacity, check_username, ha1, ha1b, password_from, password_problem,
};
use crate::domain::{Actor, Change, Customer, SipUser, SipUserDraft, SipUserSpec, Topic, Verb};
use crate::store::{self, Digests, NewAudit, Tx};
use serde_json::{Value, json};

/// How a SIP user gets its password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChoice<'a> {
    /// From the operating system's random source, shown once to the operator.
    Generate,
    /// Typed by the operator: at least `MIN_PASSWORD` characters.
    Typed(&'a str),
}

/// A SIP user as saved, with the password when one was generated: it is shown once and
/// never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSipUser {
    pub user: SipUser,
    pub generated_password: Option<String>,
    /// The password was dropped: its digests include the username, which changed.
    pub password_cleared: bool,
}

impl Service {
    /// A customer's SIP users, or every customer's, by username.
    pub fn sip_users(&self, customer_id: Option<i64>) -> Result<Vec<SipUser>> {
        if let Some(id) = customer_id {
            self.customer(id)?;
        }
        Ok(self.store.sip_users(customer_id)?)
    }

    pub fn sip_user(&self, id: i64) -> Result<SipUser> {
        self.store.sip_user(id)?.ok_or(ServiceError::Missing {
            what: "SIP user",
            id,
        })
    }

    /// The SIP realm passwords are digested for, if set.
    pub fn sip_realm(&self) -> Result<Option<String>> {
        Ok(self.setting("sip_realm")?.value)
    }

    /// SIP users whose password was set for another realm than today's: each must be set
    /// again before its phones can register.
    pub fn sip_passwords_to_set_again(&self) -> Result<Vec<SipUser>> {
        let realm = self.sip_realm()?;
        Ok(self
            .sip_users(None)?
            .into_iter()
            .filter(|u| u.password_realm.is_some() && u.password_realm != realm)
            .collect())
    }

    /// What a change of setting `key` means beyond itself, for the operator who made it:
    /// after the SIP realm changed, the SIP passwords whose digests were made for another
    /// realm no longer let phones register, and each must be set again.
    pub fn setting_note(&self, key: &str) -> Result<Option<String>> {
        if key != "sip_realm" {
            return Ok(None);
        }
        let n = self.sip_passwords_to_set_again()?.len();
        let their = if n == 1 { "its" } else { "their" };
        Ok((n > 0).then(|| {
            format!(
                "{} must have {their} password set again: {their} digests were made for the old realm (p on a card's SIP users tab, or carrierdesk sip-users set-password ID --generate)",
                crate::domain::count(n, "SIP user")
            )
        }))
    }

    /// Adds a SIP user to a customer, with a password if one is chosen.
    pub fn create_sip_user(
        &mut self,
        actor: &Actor,
        customer_id: i64,
        draft: &SipUserDraft,
        password: Option<PasswordChoice>,
    ) -> Result<SavedSipUser> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let customer =
            store::get_customer(&tx, customer_id)?.ok_or(ServiceError::NotFound(customer_id))?;
        let spec = checked(&tx, &customer, draft, None)?;
        let digests = match password {
            Some(choice) => Some(digests_for(&tx, &spec.username, choice)?),
            None => None,
        };
        let id = store::insert_sip_user(&tx, customer_id, &spec, &now)?;
        if let Some((d, _)) = &digests {
            store::set_sip_digests(&tx, id, d, &now)?;
        }
        let user = stored(&tx, id)?;
        NewAudit {
            actor,
            verb: Verb::Post,
            table: "sip_users",
            row_id: id,
            customer_id: Some(customer_id),
            message: &format!("Create SIP user {}", user.spec.username),
            data: &audit_json(&user),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [customer_id])])?;
        Ok(SavedSipUser {
            user,
            generated_password: digests.and_then(|(_, generated)| generated),
            password_cleared: false,
        })
    }

    /// Saves an edited SIP user. `version` is the one the operator started from: when
    /// another operator saved since, nothing is written and their row comes back in
    /// `ServiceError::SipUserConflict`. A new username drops the password, whose digests
    /// include the username.
    pub fn update_sip_user(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
        draft: &SipUserDraft,
    ) -> Result<SavedSipUser> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let current = stored(&tx, id)?;
        if current.version != version {
            return Err(ServiceError::SipUserConflict(Box::new(current)));
        }
        let customer = store::get_customer(&tx, current.customer_id)?
            .ok_or(ServiceError::NotFound(current.customer_id))?;
        let spec = checked(&tx, &customer, draft, Some(&current))?;
        if spec == current.spec {
            return Ok(SavedSipUser {
                user: current,
                generated_password: None,
                password_cleared: false,
            });
        }
        if !store::update_sip_user(&tx, id, version, &spec, &now)? {
            return Err(ServiceError::SipUserConflict(Box::new(current)));
        }
        let password_cleared =
            current.password_realm.is_some() && spec.username != current.spec.username;
        if password_cleared {
            store::clear_sip_digests(&tx, id)?;
        }
        let user = stored(&tx, id)?;
        NewAudit {
            actor,
            verb: Verb::Put,
            table: "sip_users",
            row_id: id,
            customer_id: Some(user.customer_id),
            message: &format!("Update SIP user {}", user.spec.username),
            data: &audit_diff(&current, &user, &NOT_AUDITED),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [user.customer_id])])?;
        Ok(SavedSipUser {
            user,
            generated_password: None,
            password_cleared,
        })
    }

    pub fn delete_sip_user(&mut self, actor: &Actor, id: i64) -> Result<SipUser> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let user = stored(&tx, id)?;
        store::delete_sip_user(&tx, id)?;
        NewAudit {
            actor,
            verb: Verb::Delete,
            table: "sip_users",
            row_id: id,
            customer_id: Some(user.customer_id),
            message: &format!("Delete SIP user {}", user.spec.username),
            data: &audit_json(&user),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [user.customer_id])])?;
        Ok(user)
    }

    /// Sets a SIP user's password, kept as its digests for today's realm; returns the
    /// password when it was generated, to be shown once.
    pub fn set_sip_password(
        &mut self,
        actor: &Actor,
        id: i64,
        choice: PasswordChoice,
    ) -> Result<Option<String>> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let user = stored(&tx, id)?;
        let (digests, generated) = digests_for(&tx, &user.spec.username, choice)?;
        store::set_sip_digests(&tx, id, &digests, &now)?;
        NewAudit {
            actor,
            verb: Verb::Put,
            table: "sip_users",
            row_id: id,
            customer_id: Some(user.customer_id),
            message: &format!("Set the password of SIP user {}", user.spec.username),
            // That it changed and for which realm; never the password or its digests.
            data: &json!({
                "password": { "changed": true },
                "password_realm": { "old": user.password_realm, "new": digests.realm },
            }),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [user.customer_id])])?;
        Ok(generated)
    }
}

/// The SIP user `id` as stored, locked on PostgreSQL until the transaction ends.
fn stored(tx: &Tx, id: i64) -> Result<SipUser> {
    store::get_sip_user(tx, id)?.ok_or(ServiceError::Missing {
        what: "SIP user",
        id,
    })
}

/// Every rule of a SIP user of `customer`, in the web console's order: a username taken
/// anywhere on the account is refused first, whatever else is wrong; then each field's
/// rule, the number blocks and the customer's channels. `edited` is the SIP user as stored,
/// when one is edited: a username it keeps is not held to blocks assigned since.
fn checked(
    tx: &Tx,
    customer: &Customer,
    draft: &SipUserDraft,
    edited: Option<&SipUser>,
) -> Result<SipUserSpec> {
    let own = edited.map(|u| u.id);
    if let Ok(username) = check_username(&draft.username)
        && let Some((_, holder_id, holder)) = store::sip_username_holder(tx, &username, own)?
    {
        return Err(ServiceError::Invalid {
            field: "username",
            message: format!(
                "{DUPLICATE_USER}: {username} is already a SIP user of {holder} (#{holder_id})"
            ),
        });
    }
    let spec = draft.validate().map_err(ServiceError::InvalidFields)?;
    if edited.is_none_or(|u| u.spec.username != spec.username) {
        in_the_right_block(tx, customer, &spec.username)?;
    }
    let others: u64 = store::get_sip_users(tx, customer.id)?
        .iter()
        .filter(|u| Some(u.id) != own)
        .map(|u| u64::from(u.spec.channels))
        .sum();
    channel_capacity(customer.channels, others, spec.channels).map_err(|message| {
        ServiceError::Invalid {
            field: "channels",
            message,
        }
    })?;
    Ok(spec)
}

/// An extension inside another customer's block is that customer's to hand out; once a
/// customer has blocks, its own extensions come from them.
fn in_the_right_block(tx: &Tx, customer: &Customer, username: &str) -> Result<()> {
    let refused = |message| ServiceError::Invalid {
        field: "username",
        message,
    };
    if let Some(n) = extension(username)
        && let Some((block, holder)) = store::block_holding(tx, n)?
        && block.customer_id != customer.id
    {
        return Err(refused(format!(
            "'{username}' lies in number block {} of {holder} (#{}): its extensions are that customer's",
            block.range(),
            block.customer_id
        )));
    }
    let blocks = store::get_number_blocks(tx, customer.id)?;
    match outside_blocks(username, &blocks) {
        Some(message) => Err(refused(message)),
        None => Ok(()),
    }
}

/// The digests of a password for the realm in the settings, and the password itself when
/// it was generated.
fn digests_for(
    tx: &Tx,
    username: &str,
    choice: PasswordChoice,
) -> Result<(Digests, Option<String>)> {
    let realm = store::setting_for_update(tx, "sip_realm")?
        .and_then(|s| s.value)
        .ok_or_else(|| {
            ServiceError::Setting(
                "a SIP password needs the SIP realm, which its digests include: set sip_realm first, on the Settings screen or with `carrierdesk settings set sip_realm sip.example.com`".into(),
            )
        })?;
    let (password, generated) = match choice {
        PasswordChoice::Typed(p) => {
            if let Some(message) = password_problem(p) {
                return Err(ServiceError::Invalid {
                    field: "password",
                    message,
                });
            }
            (p.to_string(), None)
        }
        PasswordChoice::Generate => {
            let p = generate_password()?;
            (p.clone(), Some(p))
        }
    };
    let digests = Digests {
        ha1: ha1(username, &realm, &password),
        // The realm is the SIP domain too: one name for both, as the settings have it.
        ha1b: ha1b(username, &realm, &realm, &password),
        realm,
    };
    Ok((digests, generated))
}

/// A password from the operating system's random source.
fn generate_password() -> Result<String> {
    loop {
        let mut bytes = [0u8; 64];
        getrandom::fill(&mut bytes).map_err(|e| ServiceError::Invalid {
            field: "password",
            message: format!("the system's random source failed: {e}"),
        })?;
        // 64 bytes almost always give 20 usable ones; if not, draw again.
        if let Some(p) = password_from(&bytes) {
            return Ok(p);
        }
    }
}

/// A SIP user as its audit rows keep it: every field, whether it has a password and for
/// which realm; never the password nor its digests (the type does not carry them).
fn audit_json(user: &SipUser) -> Value {
    record_json(user, &NOT_AUDITED)
}

/// A SIP user's fields its audit rows leave out: bookkeeping, and ids the row names.
const NOT_AUDITED: [&str; 5] = ["version", "updated_at", "created_at", "id", "customer_id"];

/// A switch file and the SIP users left out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchExport {
    pub text: String,
    pub exported: usize,
    /// "1002 (no password)": SIP users of Active customers a switch could not authenticate.
    pub skipped: Vec<String>,
}

impl Service {
    /// The SIP users of Active customers for a switch. Those without a password for today's
    /// realm are left out and named: their digests would not match what phones send.
    pub fn export_sip_users(&self, format: SwitchFormat) -> Result<SwitchExport> {
        let realm = self.sip_realm()?.ok_or_else(|| {
            ServiceError::Setting(
                "the export needs the SIP realm: set sip_realm first, on the Settings screen or with `carrierdesk settings set sip_realm sip.example.com`".into(),
            )
        })?;
        let mut users = Vec::new();
        let mut skipped = Vec::new();
        for (user, customer_name, digests) in store::sip_users_for_switch(&self.store.read()?)? {
            match digests {
                Some(d) if d.realm == realm => users.push(SwitchUser {
                    user,
                    customer_name,
                    ha1: d.ha1,
                    ha1b: d.ha1b,
                }),
                Some(_) => skipped.push(format!(
                    "{} (password set for another realm: set it again)",
                    user.spec.username
                )),
                None => skipped.push(format!("{} (no password)", user.spec.username)),
            }
        }
        if users.is_empty() && !skipped.is_empty() {
            // A switch that loads an empty list in place of the last one drops every user.
            return Err(ServiceError::Invalid {
                field: "export",
                message: format!(
                    "no SIP user of an Active customer has a password for realm {realm}, so nothing was exported (skipped: {}); set their passwords first",
                    skipped.join(", ")
                ),
            });
        }
        Ok(SwitchExport {
            text: render(format, &realm, &users),
            exported: users.len(),
            skipped,
        })
    }
}
