//! Contacts of customers: edits checked by the domain's rules, one primary per customer,
//! portal passwords kept only as argon2id hashes, and the portal as a contact sees it.
//! Each change is one transaction with its audit row, which never holds a password.

use super::outbox::{Courier, random_id};
use super::{PasswordChoice, Result, Service, ServiceError, commit};
use crate::domain::audit::record_json;
use crate::domain::contact::check_notes_against;
use crate::domain::field_diff::audit_diff;
use crate::domain::message::{Kind, Outcome, Outgoing, Status, message_id};
use crate::domain::summary::Period;
use crate::domain::{
    Actor, Change, Contact, ContactDraft, ContactSpec, Customer, FieldError, SummaryRow, Topic,
    Verb, portal_password,
};
use crate::store::{self, NewAudit, NewMessage, Tx};
use serde_json::{Value, json};

/// A contact as saved, with the portal password when one was generated: it is shown once
/// and never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedContact {
    pub contact: Contact,
    pub generated_password: Option<String>,
}

/// The customer portal as one contact sees it: what the customer may see, nothing staff
/// keep to themselves (no private notes, no other contact's login state).
#[derive(Debug, Clone, PartialEq)]
pub struct PortalView {
    /// The contact logged in as, private notes blanked.
    pub contact: Contact,
    pub customer: Customer,
    /// The customer's contacts, private notes blanked.
    pub contacts: Vec<Contact>,
    /// The last days' traffic, newest first.
    pub daily: Vec<SummaryRow>,
}

/// Days of traffic the portal view shows.
const PORTAL_DAYS: usize = 7;

impl Service {
    /// The setting phone numbers without a country code are read with.
    pub fn default_country(&self) -> Result<Option<String>> {
        Ok(self.setting("default_country")?.value)
    }

    pub fn contact(&self, id: i64) -> Result<Contact> {
        self.store.contact(id)?.ok_or(ServiceError::Missing {
            what: "contact",
            id,
        })
    }

    /// A customer's contacts, the primary first.
    pub fn contacts(&self, customer_id: i64) -> Result<Vec<Contact>> {
        self.customer(customer_id)?;
        Ok(self.store.contacts(customer_id)?)
    }

    /// Every contact of every customer with its customer's name (Global contacts).
    pub fn all_contacts(&self) -> Result<Vec<(Contact, String)>> {
        Ok(self.store.all_contacts()?)
    }

    /// Adds a contact to a customer, with a portal password if one is chosen. A
    /// customer's first contact becomes its primary.
    pub fn create_contact(
        &mut self,
        actor: &Actor,
        customer_id: i64,
        draft: &ContactDraft,
        password: Option<PasswordChoice>,
    ) -> Result<SavedContact> {
        let country = self.default_country()?;
        let now = store::now_text();
        let tx = self.store.write()?;
        let customer =
            store::get_customer(&tx, customer_id)?.ok_or(ServiceError::NotFound(customer_id))?;
        let spec = checked(&tx, draft, country.as_deref(), None)?;
        let (hash, generated) = match password {
            Some(choice) => {
                let (hash, generated) = hashed(&spec, &customer, choice)?;
                (Some(hash), generated)
            }
            None => (None, None),
        };
        let first = store::get_contacts(&tx, customer_id)?.is_empty();
        let id = store::insert_contact(&tx, customer_id, &spec, first, &now)?;
        if let Some(hash) = &hash {
            store::set_password_hash(&tx, id, hash, &now)?;
        }
        let contact = stored(&tx, id)?;
        NewAudit {
            actor,
            verb: Verb::Post,
            table: "contacts",
            row_id: id,
            customer_id: Some(customer_id),
            message: &format!("Create contact {}", contact.spec.name),
            data: &audit_json(&contact),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [customer_id])])?;
        Ok(SavedContact {
            contact,
            generated_password: generated,
        })
    }

    /// Saves an edited contact. `version` is the one the operator started from: when
    /// another operator saved since, nothing is written and their row comes back in
    /// `ServiceError::ContactConflict`.
    pub fn update_contact(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
        draft: &ContactDraft,
    ) -> Result<Contact> {
        let country = self.default_country()?;
        let now = store::now_text();
        let tx = self.store.write()?;
        let current = stored(&tx, id)?;
        if current.version != version {
            return Err(ServiceError::ContactConflict(Box::new(current)));
        }
        let spec = checked(&tx, draft, country.as_deref(), Some(&current))?;
        if spec == current.spec {
            return Ok(current);
        }
        if !store::update_contact(&tx, id, version, &spec, &now)? {
            return Err(ServiceError::ContactConflict(Box::new(current)));
        }
        let contact = stored(&tx, id)?;
        NewAudit {
            actor,
            verb: Verb::Put,
            table: "contacts",
            row_id: id,
            customer_id: Some(contact.customer_id),
            message: &format!("Update contact {}", contact.spec.name),
            data: &audit_diff(&current, &contact, &NOT_AUDITED),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [contact.customer_id])])?;
        Ok(contact)
    }

    /// Makes a contact its customer's primary (the card header shows its email).
    pub fn become_primary(&mut self, actor: &Actor, id: i64) -> Result<Contact> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let contact = with_customer_locked(&tx, id)?;
        if contact.is_primary {
            return Ok(contact);
        }
        let before = store::get_contacts(&tx, contact.customer_id)?
            .into_iter()
            .find(|k| k.is_primary);
        store::set_primary(&tx, contact.customer_id, id, &now)?;
        let after = stored(&tx, id)?;
        let was = before.as_ref().map_or("none".to_string(), |k| {
            format!("{} (#{})", k.spec.name, k.id)
        });
        NewAudit {
            actor,
            verb: Verb::Put,
            table: "contacts",
            row_id: id,
            customer_id: Some(contact.customer_id),
            message: &format!("Contact {} becomes primary", contact.spec.name),
            data: &json!({
                "primary": {"old": false, "new": true},
                "previous_primary": was,
            }),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [contact.customer_id])])?;
        Ok(after)
    }

    /// Deletes a contact. Deleting the primary of a customer that keeps other contacts
    /// needs the contact that takes over (`new_primary`), moved in the same transaction.
    pub fn delete_contact(
        &mut self,
        actor: &Actor,
        id: i64,
        new_primary: Option<i64>,
    ) -> Result<Contact> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let contact = with_customer_locked(&tx, id)?;
        let others: Vec<Contact> = store::get_contacts(&tx, contact.customer_id)?
            .into_iter()
            .filter(|k| k.id != id)
            .collect();
        let successor =
            match (contact.is_primary, new_primary) {
                (true, _) if others.is_empty() => None,
                (true, None) => {
                    return Err(ServiceError::Invalid {
                        field: "new_primary",
                        message: format!(
                            "{} is the primary contact: say which contact takes over ({})",
                            contact.spec.name,
                            names(&others)
                        ),
                    });
                }
                (true, Some(next)) => {
                    Some(others.iter().find(|k| k.id == next).ok_or_else(|| {
                        ServiceError::Invalid {
                            field: "new_primary",
                            message: format!(
                                "contact {next} is not another contact of this customer ({})",
                                names(&others)
                            ),
                        }
                    })?)
                }
                (false, _) => None,
            };
        store::delete_contact(&tx, id)?;
        let mut data = audit_json(&contact);
        if let Some(next) = successor {
            store::set_primary(&tx, contact.customer_id, next.id, &now)?;
            data["new_primary"] = format!("{} (#{})", next.spec.name, next.id).into();
        }
        NewAudit {
            actor,
            verb: Verb::Delete,
            table: "contacts",
            row_id: id,
            customer_id: Some(contact.customer_id),
            message: &format!("Delete contact {}", contact.spec.name),
            data: &data,
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [contact.customer_id])])?;
        Ok(contact)
    }

    /// Sets a contact's portal password; returns it when it was generated, to be passed on
    /// once. The audit row says that it changed, never what it is.
    pub fn set_contact_password(
        &mut self,
        actor: &Actor,
        id: i64,
        choice: PasswordChoice,
    ) -> Result<Option<String>> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let contact = stored(&tx, id)?;
        let customer = store::get_customer(&tx, contact.customer_id)?
            .ok_or(ServiceError::NotFound(contact.customer_id))?;
        let (hash, generated) = hashed(&contact.spec, &customer, choice)?;
        store::set_password_hash(&tx, id, &hash, &now)?;
        NewAudit {
            actor,
            verb: Verb::Put,
            table: "contacts",
            row_id: id,
            customer_id: Some(contact.customer_id),
            message: &format!("Set portal password of {}", contact.spec.name),
            data: &json!({"portal_password": if contact.has_password { "changed" } else { "set" }}),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [contact.customer_id])])?;
        Ok(generated)
    }

    /// Generates a portal password and mails it to the contact at once, through `mail`,
    /// from this process: the password is set only when the mail server took the message,
    /// and is never stored, queued or audited. The outbox records the message, its
    /// recipient and its outcome, with a body that says what it was. When the mail cannot be
    /// delivered, the password is discarded and nothing changes but that record.
    pub fn mail_new_password(
        &mut self,
        actor: &Actor,
        id: i64,
        mail: &dyn Courier,
        now: i64,
    ) -> Result<Contact> {
        let contact = self.contact(id)?;
        let customer = self.customer(contact.customer_id)?;
        let password = portal_password::generate();
        let domain = self.message_domain()?;
        let message = NewMessage {
            kind: Kind::Email,
            customer_id: customer.id,
            contact_id: contact.id,
            recipient: contact.spec.email.clone(),
            subject: "Your password for the customer portal".into(),
            body: password_mail(&contact, &customer, &password),
            message_id: message_id(random_id(), &domain),
        };
        let outcome = mail.deliver(&Outgoing::direct(
            Kind::Email,
            &message.recipient,
            &message.subject,
            &message.body,
            &message.message_id,
        ));
        // What the outbox keeps of it: never the password.
        let kept = NewMessage {
            body: format!(
                "(A new portal password for {} (login {}), mailed at once and not kept.)",
                contact.spec.name, contact.spec.email
            ),
            ..message
        };
        let now_text = store::now_text();
        let tx = self.store.write()?;
        let (status, answer) = match &outcome {
            Outcome::Accepted(answer) => (Status::Sent, answer.as_str()),
            Outcome::Temporary(why) | Outcome::Permanent(why) => (Status::Failed, why.as_str()),
        };
        store::record_sent_now(&tx, &kept, (status, answer), &actor.name, now, &now_text)?;
        if status == Status::Failed {
            commit(tx, [Change::ids(Topic::Messages, [customer.id])])?;
            return Err(ServiceError::Invalid {
                field: "password",
                message: format!(
                    "the mail to {} was not delivered ({answer}): the password was discarded; generate another",
                    contact.spec.email
                ),
            });
        }
        let hash = portal_password::hash(&password);
        store::set_password_hash(&tx, id, &hash, &now_text)?;
        NewAudit {
            actor,
            verb: Verb::Put,
            table: "contacts",
            row_id: id,
            customer_id: Some(contact.customer_id),
            message: &format!(
                "Set portal password of {}, mailed to {}",
                contact.spec.name, contact.spec.email
            ),
            data: &json!({"portal_password": if contact.has_password { "changed" } else { "set" }, "mailed_to": contact.spec.email}),
        }
        .insert(&tx, &now_text)?;
        commit(
            tx,
            [
                Change::ids(Topic::Contacts, [contact.customer_id]),
                Change::ids(Topic::Messages, [contact.customer_id]),
            ],
        )?;
        self.contact(id)
    }

    /// Whether `password` is the contact's portal password (what the portal's login checks).
    pub fn check_contact_password(&self, id: i64, password: &str) -> Result<bool> {
        let tx = self.store.read()?;
        Ok(store::password_hash(&tx, id)?.is_some_and(|h| portal_password::verify(password, &h)))
    }

    /// The portal as this contact sees it, recorded as a LOGIN by the operator. Refused
    /// when the customer's portal access is off or the contact has no password to log in
    /// with.
    pub fn portal_login(&mut self, actor: &Actor, id: i64, now: i64) -> Result<PortalView> {
        let mut contact = self.contact(id)?;
        let customer = self.customer(contact.customer_id)?;
        let refuse = |message: String| ServiceError::Invalid {
            field: "portal",
            message,
        };
        if !customer.portal_access {
            return Err(refuse(format!(
                "{} has no portal access: turn Portal access on in the customer form first",
                customer.name
            )));
        }
        if !contact.has_password {
            return Err(refuse(format!(
                "{} has no portal login yet: set a password first (P)",
                contact.spec.name
            )));
        }
        // What the customer may see: staff's notes on nobody, and whether a contact has a
        // login only for the one logged in.
        contact.spec.private_notes.clear();
        let contacts = self
            .store
            .contacts(customer.id)?
            .into_iter()
            .map(|mut k| {
                k.spec.private_notes.clear();
                k.has_password &= k.id == id;
                k
            })
            .collect();
        let mut daily = self.summary(customer.id, Period::Daily, now)?;
        daily.truncate(PORTAL_DAYS);
        let stamp = store::now_text();
        let tx = self.store.write()?;
        NewAudit {
            actor,
            verb: Verb::Login,
            table: "contacts",
            row_id: id,
            customer_id: Some(customer.id),
            message: &format!("Portal login as {}", contact.spec.name),
            data: &json!({"contact": contact.spec.email}),
        }
        .insert(&tx, &stamp)?;
        commit(tx, [Change::ids(Topic::Contacts, [customer.id])])?;
        Ok(PortalView {
            contact,
            customer,
            contacts,
            daily,
        })
    }
}

/// The contact, read after its customer's row is locked (on PostgreSQL): changes to who is
/// primary queue up behind each other, as adding a customer's first contact does, and the
/// customer comes first as it does when the customer is deleted.
fn with_customer_locked(tx: &Tx, id: i64) -> Result<Contact> {
    let customer = store::contact_owner(tx, id)?.ok_or(ServiceError::Missing {
        what: "contact",
        id,
    })?;
    store::get_customer(tx, customer)?;
    stored(tx, id)
}

fn stored(tx: &Tx, id: i64) -> Result<Contact> {
    store::get_contact(tx, id)?.ok_or(ServiceError::Missing {
        what: "contact",
        id,
    })
}

/// Every rule of a contact: a portal login taken by another contact anywhere is refused
/// first (the email is a login, unique across all customers), then each field's rule.
fn checked(
    tx: &Tx,
    draft: &ContactDraft,
    country: Option<&str>,
    edited: Option<&Contact>,
) -> Result<ContactSpec> {
    let email = draft.email.trim();
    if !email.is_empty()
        && let Some((id, customer, name)) =
            store::contact_email_holder(tx, email, edited.map(|k| k.id))?
    {
        return Err(ServiceError::InvalidFields(vec![FieldError {
            field: "email",
            message: format!(
                "Email: {email} is already the portal login of contact {id} of {name} (#{customer})"
            ),
        }]));
    }
    match edited {
        Some(k) => draft.validate_edit(country, &k.spec),
        None => draft.validate(country),
    }
    .map_err(ServiceError::InvalidFields)
}

/// The hash of the chosen password, and the password itself when it was generated. A
/// typed one is held to the rules; the notes may not contain either.
fn hashed(
    spec: &ContactSpec,
    customer: &Customer,
    choice: PasswordChoice,
) -> Result<(String, Option<String>)> {
    let (password, generated) = match choice {
        PasswordChoice::Generate => {
            let p = portal_password::generate();
            (p.clone(), Some(p))
        }
        PasswordChoice::Typed(p) => {
            if let Some(why) = portal_password::problem(p, &spec.email, &customer.name) {
                return Err(ServiceError::InvalidFields(vec![FieldError {
                    field: "password",
                    message: format!("Password: {why}"),
                }]));
            }
            (p.to_string(), None)
        }
    };
    check_notes_against(spec, &password).map_err(|e| ServiceError::InvalidFields(vec![e]))?;
    Ok((portal_password::hash(&password), generated))
}

/// The mail that carries a new portal password, which stands on a line of its own.
fn password_mail(k: &Contact, c: &Customer, password: &str) -> String {
    format!(
        "Dear {},\n\nhere is your new password for the customer portal of {} (login {}):\n\n{password}\n\nIt is shown to nobody else and cannot be looked up: keep it safe. Reply to this mail if you did not ask for it.\n",
        k.spec.name, c.name, k.spec.email
    )
}

fn names(contacts: &[Contact]) -> String {
    contacts
        .iter()
        .map(|k| format!("{} is #{}", k.spec.name, k.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A contact as its audit rows keep it: the fields and whether it is primary and has a
/// password (never the hash).
fn audit_json(contact: &Contact) -> Value {
    record_json(contact, &NOT_AUDITED)
}

/// A contact's fields its audit rows leave out: bookkeeping, and ids the row names.
const NOT_AUDITED: [&str; 3] = ["version", "id", "customer_id"];
