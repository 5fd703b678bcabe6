//! Contacts on the database thread: each effect run and its answer worded.

use super::sip::{notice, said};
use crate::config::Config;
use crate::domain::{Actor, FieldError};
use crate::service::{PasswordChoice, Service, ServiceError};
use crate::tui::msg::{
    ContactEffect, ContactReply, ContactSaveError, ContactSaved, NewPassword, Reply, Secret,
};

pub(super) fn perform(
    service: &mut Service,
    actor: &Actor,
    config: &Config,
    now: i64,
    effect: ContactEffect,
) -> Reply {
    match effect {
        ContactEffect::Save {
            customer,
            edit,
            draft,
            password,
            stay,
        } => {
            let saved = match edit {
                None => {
                    service.create_contact(actor, customer, &draft, password.as_ref().map(choice))
                }
                Some((id, version)) => {
                    service
                        .update_contact(actor, id, version, &draft)
                        .map(|contact| crate::service::SavedContact {
                            contact,
                            generated_password: None,
                        })
                }
            };
            let result = saved
                .map(|s| ContactSaved {
                    contact: Box::new(s.contact),
                    generated: s.generated_password.map(Secret),
                })
                .map_err(|e| match e {
                    ServiceError::ContactConflict(theirs) => ContactSaveError::Conflict(theirs),
                    ServiceError::Invalid { field, message } => {
                        ContactSaveError::Fields(vec![FieldError { field, message }])
                    }
                    ServiceError::InvalidFields(errors) => ContactSaveError::Fields(errors),
                    other => ContactSaveError::Failed(said(other)),
                });
            Reply::Contact(ContactReply::Saved { result, stay })
        }
        ContactEffect::Delete { id, new_primary } => notice(
            service.delete_contact(actor, id, new_primary).map(|k| {
                format!(
                    "Deleted contact {}; the audit log keeps its row",
                    k.spec.name
                )
            }),
            "Not deleted",
        ),
        ContactEffect::BecomePrimary(id) => notice(
            service
                .become_primary(actor, id)
                .map(|k| format!("{} is now the primary contact", k.spec.name)),
            "Not changed",
        ),
        ContactEffect::MailPassword(id) => {
            let result = service
                .couriers(config)
                .map_err(said)
                .and_then(|c| match &c.email {
                    Ok(mail) => service
                        .mail_new_password(actor, id, mail, now)
                        .map(|_| None)
                        .map_err(said),
                    Err(why) => Err(format!("no email can be sent from here: {why}")),
                });
            Reply::Contact(ContactReply::PasswordSet { id, result })
        }
        ContactEffect::SetPassword { id, password } => {
            let result = service
                .set_contact_password(actor, id, choice(&password))
                .map(|generated| generated.map(Secret))
                .map_err(said);
            Reply::Contact(ContactReply::PasswordSet { id, result })
        }
        ContactEffect::PortalLogin(id) => Reply::Contact(ContactReply::Portal(
            service
                .portal_login(actor, id, now)
                .map(Box::new)
                .map_err(said),
        )),
        ContactEffect::LoadAll => Reply::Contact(ContactReply::AllLoaded {
            result: service.all_contacts().map_err(|e| e.to_string()),
            country: service.default_country().unwrap_or_default(),
        }),
    }
}

fn choice(password: &NewPassword) -> PasswordChoice<'_> {
    match password {
        NewPassword::Generate => PasswordChoice::Generate,
        NewPassword::Typed(secret) => PasswordChoice::Typed(&secret.0),
    }
}
