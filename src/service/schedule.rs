//! Scheduled changes ("Delay and Save"): stored now, applied once when due by whichever
//! console or `carrierdesk apply-due` gets there first.

use super::customers::{room_for_sip_users, write_fields};
use super::{Result, Service, ServiceError, commit};
use crate::domain::draft::{describe_fields, with_fields};
use crate::domain::{Actor, Change, Customer, ScheduleState, ScheduledChange, Topic, Verb};
use crate::store::Tx;
use crate::store::{self, NewAudit, NewScheduled};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// What one run of `apply_due` did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplyReport {
    /// Applied, with `result` saying when nothing needed to change.
    pub applied: Vec<ScheduledChange>,
    /// No longer valid when due; `result` says why. The customer was not changed.
    pub failed: Vec<ScheduledChange>,
}

impl Service {
    /// Stores a change of `fields` (editable keys of the customer's JSON, as
    /// `domain::draft::changed_fields` makes them) to apply at `due_at`. The fields are
    /// checked against the customer now, and again when due.
    pub fn schedule_change(
        &mut self,
        actor: &Actor,
        customer_id: i64,
        fields: Value,
        due_at: DateTime<Utc>,
    ) -> Result<i64> {
        let now = Utc::now();
        if due_at <= now {
            return Err(ServiceError::Invalid {
                field: "due time",
                message: format!(
                    "{} is not in the future; to change it now, save without a delay",
                    store::time_text(due_at)
                ),
            });
        }
        let (now, due) = (store::time_text(now), store::time_text(due_at));
        let tx = self.store.write()?;
        let current =
            store::get_customer(&tx, customer_id)?.ok_or(ServiceError::NotFound(customer_id))?;
        let after = with_fields(&current, &fields).map_err(ServiceError::InvalidFields)?;
        // Refused now rather than failing when due; checked again then, as SIP users change.
        room_for_sip_users(&tx, &after)?;
        let id = store::insert_scheduled(
            &tx,
            &NewScheduled {
                customer_id,
                due_at: &due,
                fields: &fields,
                author: &actor.name,
                author_ip: &actor.ip,
            },
            &now,
        )?;
        NewAudit {
            actor,
            verb: Verb::Post,
            table: "scheduled_changes",
            row_id: id,
            customer_id: Some(customer_id),
            message: &format!("Schedule for {due}: {}", describe_fields(&current, &fields)),
            data: &json!({"due_at": due, "fields": fields}),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Scheduled, [customer_id])])?;
        Ok(id)
    }

    /// Scheduled changes by due time, of one customer or all; pending ones only unless
    /// `include_done`.
    pub fn scheduled_changes(
        &self,
        customer: Option<i64>,
        include_done: bool,
    ) -> Result<Vec<ScheduledChange>> {
        let snapshot = self.store.read()?;
        let mut changes = store::list_scheduled(&snapshot, customer, include_done)?;
        let mut customers: HashMap<i64, Option<Customer>> = HashMap::new();
        for change in &mut changes {
            let customer = match customers.entry(change.customer_id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(slot) => {
                    slot.insert(store::get_customer(&snapshot, change.customer_id)?)
                }
            };
            summarise(change, customer.as_ref());
        }
        Ok(changes)
    }

    /// Cancels a pending change, or dismisses a failed one; one already applied or cancelled
    /// is refused.
    pub fn cancel_scheduled(&mut self, actor: &Actor, id: i64) -> Result<()> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let change = store::get_scheduled(&tx, id)?.ok_or(ServiceError::ScheduledNotFound(id))?;
        let result = match change.state {
            ScheduleState::Failed => format!("dismissed by {} ({})", actor.name, change.result),
            _ => format!("cancelled by {}", actor.name),
        };
        if !matches!(change.state, ScheduleState::Pending | ScheduleState::Failed)
            || !store::finish_scheduled(
                &tx,
                id,
                change.version,
                ScheduleState::Cancelled,
                &result,
                &now,
            )?
        {
            return Err(ServiceError::Invalid {
                field: "scheduled change",
                message: format!(
                    "#{id} is {} already; only a pending one can be cancelled, or a failed one dismissed",
                    change.state.key()
                ),
            });
        }
        audit_state(&tx, actor, &change, ScheduleState::Cancelled, &result, &now)?;
        commit(tx, [Change::ids(Topic::Scheduled, [change.customer_id])])?;
        Ok(())
    }

    /// Tries a failed change again: pending once more, due at `now`, for the next
    /// `apply_due` (the caller's, or any console's). Audited.
    pub fn retry_scheduled(&mut self, actor: &Actor, id: i64, now: DateTime<Utc>) -> Result<()> {
        let stamp = store::time_text(now);
        let tx = self.store.write()?;
        let change = store::get_scheduled(&tx, id)?.ok_or(ServiceError::ScheduledNotFound(id))?;
        if change.state != ScheduleState::Failed
            || !store::retry_scheduled(&tx, id, change.version, &stamp, &stamp)?
        {
            return Err(ServiceError::Invalid {
                field: "scheduled change",
                message: format!(
                    "#{id} is {}; only a failed change can be tried again",
                    change.state.key()
                ),
            });
        }
        let result = format!("tried again by {} after: {}", actor.name, change.result);
        audit_state(&tx, actor, &change, ScheduleState::Pending, &result, &stamp)?;
        commit(tx, [Change::ids(Topic::Scheduled, [change.customer_id])])?;
        Ok(())
    }

    /// Applies every pending change due at `now`, each exactly once even when several
    /// processes run this at the same time: each change is its own IMMEDIATE transaction
    /// in which the customer's write and the move from pending (at the version read)
    /// commit together. Only the fields a change sets are written, on the customer's
    /// current row, audited as an edit by the change's author. A change that no longer
    /// passes the rules is marked failed with the reason, and the customer is left alone.
    pub fn apply_due(&mut self, now: DateTime<Utc>) -> Result<ApplyReport> {
        let now = store::time_text(now);
        let mut report = ApplyReport::default();
        loop {
            let tx = self.store.write()?;
            let Some(mut change) = store::next_due(&tx, &now)? else {
                break;
            };
            let author = Actor {
                name: change.author.clone(),
                ip: change.author_ip.clone(),
                role: "operator".into(),
            };
            let current = store::get_customer(&tx, change.customer_id)?;
            let message = format!("Scheduled change #{} due {}", change.id, change.due_at);
            let outcome = match &current {
                None => Err(format!("customer {} no longer exists", change.customer_id)),
                Some(c) => match write_fields(&tx, &author, c, &change.fields, &message, &now) {
                    Ok(Some(_)) => Ok(String::new()),
                    Ok(None) => Ok("the customer already had these values".to_string()),
                    Err(e) if e.is_refusal() => Err(e.to_string().replace('\n', "; ")),
                    Err(e) => return Err(e),
                },
            };
            let (state, result) = match outcome {
                Ok(note) => (ScheduleState::Applied, note),
                Err(reason) => (ScheduleState::Failed, reason),
            };
            if !store::finish_scheduled(&tx, change.id, change.version, state, &result, &now)? {
                // Taken by another process; dropping `tx` undoes this one's write.
                continue;
            }
            // An applied change that wrote something was audited as the customer's edit;
            // one that failed, or found nothing to change, gets its own row.
            let wrote = state == ScheduleState::Applied && result.is_empty();
            if !wrote {
                audit_state(&tx, &author, &change, state, &result, &now)?;
            }
            let customer = change.customer_id;
            commit(
                tx,
                [
                    Change::ids(Topic::Scheduled, [customer]),
                    Change::ids(Topic::Customers, wrote.then_some(customer)),
                ],
            )?;
            summarise(&mut change, current.as_ref());
            change.state = state;
            change.result = result;
            change.version += 1;
            if state == ScheduleState::Applied {
                report.applied.push(change);
            } else {
                report.failed.push(change);
            }
        }
        Ok(report)
    }
}

fn summarise(change: &mut ScheduledChange, customer: Option<&Customer>) {
    change.summary = match customer {
        Some(c) => describe_fields(c, &change.fields),
        None => change.fields.to_string(),
    };
}

/// The audit row of a scheduled change moving out of pending without an edit of its own.
fn audit_state(
    tx: &Tx,
    actor: &Actor,
    change: &ScheduledChange,
    state: ScheduleState,
    result: &str,
    now: &str,
) -> Result<()> {
    NewAudit {
        actor,
        verb: Verb::Put,
        table: "scheduled_changes",
        row_id: change.id,
        customer_id: Some(change.customer_id),
        message: &format!("Scheduled change #{} {}: {result}", change.id, state.key()),
        data: &json!({
            "state": {"old": change.state.key(), "new": state.key()},
            "result": {"old": change.result, "new": result},
        }),
    }
    .insert(tx, now)?;
    Ok(())
}
