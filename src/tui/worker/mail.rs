//! Messages to contacts on the database thread: a send planned and queued, the email log.

use super::sip::said;
use crate::config::Config;
use crate::domain::{Actor, count};
use crate::service::Service;
use crate::text::printable;
use crate::tui::msg::{Level, MailEffect, MailReply, Reply};

pub(super) fn perform(
    service: &mut Service,
    actor: &Actor,
    config: &Config,
    now: i64,
    effect: MailEffect,
) -> Reply {
    Reply::Mail(match effect {
        MailEffect::Test { kind, to } => {
            let answer = service
                .couriers(config)
                .map_err(|e| e.to_string())
                .and_then(|c| c.send_test(kind, &to));
            return match answer {
                Ok(line) => Reply::Notice(
                    Level::Info,
                    printable(&format!("Test {} to {to}: {line}", kind.label())).into_owned(),
                ),
                Err(why) => Reply::Notice(
                    Level::Error,
                    printable(&format!("Test {} to {to}: {why}", kind.label())).into_owned(),
                ),
            };
        }
        MailEffect::Plan {
            customers,
            template,
            category,
        } => MailReply::Planned(
            service
                .plan_send(&customers, &template, category)
                .map(Box::new)
                .map_err(said),
        ),
        MailEffect::Queue(plan) => MailReply::Queued(
            service
                .queue(actor, &plan, now)
                .map(|ids| {
                    format!(
                        "Queued {}: the outbox delivers them (palette: Email log)",
                        count(ids.len(), "message")
                    )
                })
                .map_err(said),
        ),
        MailEffect::LoadLog => {
            let since = crate::store::time_text(
                chrono::DateTime::from_timestamp(now - 24 * 3600, 0).unwrap_or_default(),
            );
            MailReply::LogLoaded(
                service
                    .outbox(None, &since, LOG_ROWS)
                    .map_err(|e| e.to_string()),
            )
        }
    })
}

/// How many messages the email log loads at most.
const LOG_ROWS: usize = 100_000;
