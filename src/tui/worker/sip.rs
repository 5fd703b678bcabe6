//! Number blocks and SIP users on the database thread: each effect run and its answer worded.

use crate::domain::{Actor, FieldError};
use crate::service::{PasswordChoice, Service, ServiceError};
use crate::text::printable;
use crate::tui::msg::{Level, Reply, Secret, SipEffect, SipReply, SipSaveError, SipSaved};

pub(super) fn perform(service: &mut Service, actor: &Actor, effect: SipEffect) -> Reply {
    match effect {
        SipEffect::AssignBlock(customer) => notice(
            service
                .assign_block(actor, customer)
                .map(|b| format!("Number block {} assigned", b.range())),
            "No number block assigned",
        ),
        SipEffect::ReleaseBlock(id) => notice(
            service.release_block(actor, id).map(|b| {
                format!(
                    "Number block {} released: it is handed out again before new numbers",
                    b.range()
                )
            }),
            "Not released",
        ),
        SipEffect::LoadRealm => Reply::Sip(SipReply::Realm(
            service.sip_realm().map_err(|e| e.to_string()),
        )),
        SipEffect::Save {
            customer,
            edit,
            draft,
            generate,
            stay,
        } => {
            let saved = match edit {
                None => {
                    let password = generate.then_some(PasswordChoice::Generate);
                    service.create_sip_user(actor, customer, &draft, password)
                }
                Some((id, version)) => service.update_sip_user(actor, id, version, &draft),
            };
            let result = saved
                .map(|s| SipSaved {
                    user: s.user,
                    generated: s.generated_password.map(Secret),
                    password_cleared: s.password_cleared,
                })
                .map_err(|e| match e {
                    ServiceError::SipUserConflict(theirs) => SipSaveError::Conflict(theirs),
                    ServiceError::Invalid { field, message } => {
                        SipSaveError::Fields(vec![FieldError { field, message }])
                    }
                    ServiceError::InvalidFields(errors) => SipSaveError::Fields(errors),
                    // The one setting a save needs is the realm, for a generated password.
                    ServiceError::Setting(message) => SipSaveError::Fields(vec![FieldError {
                        field: "password",
                        message,
                    }]),
                    other => SipSaveError::Failed(other.to_string()),
                });
            Reply::Sip(SipReply::Saved { result, stay })
        }
        SipEffect::Delete(id) => notice(
            service.delete_sip_user(actor, id).map(|u| {
                format!(
                    "Deleted SIP user {}; the audit log keeps its row",
                    u.spec.username
                )
            }),
            "Not deleted",
        ),
        SipEffect::SetPassword { id, typed } => {
            let choice = typed
                .as_ref()
                .map_or(PasswordChoice::Generate, |t| PasswordChoice::Typed(&t.0));
            let result = service
                .set_sip_password(actor, id, choice)
                .map(|generated| generated.map(Secret))
                .map_err(said);
            Reply::Sip(SipReply::PasswordSet { id, result })
        }
    }
}

/// A line for the status bar: what was done, or `refused` and why.
pub(super) fn notice(result: Result<String, ServiceError>, refused: &str) -> Reply {
    match result {
        Ok(line) => Reply::Notice(Level::Info, printable(&line).into_owned()),
        Err(e) => Reply::Notice(Level::Error, format!("{refused}: {}", said(e))),
    }
}

/// The service's refusal as a sentence: a rule's message without its field's key in front
/// (the message names what it is about), stored text escaped.
pub(super) fn said(e: ServiceError) -> String {
    let text = match e {
        ServiceError::Invalid { message, .. } => message,
        other => other.to_string(),
    };
    printable(&text).replace('\n', " · ")
}
