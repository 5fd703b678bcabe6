//! Reading and changing customers.

use super::{Result, Service, ServiceError};
use crate::domain::audit::{diff, snapshot};
use crate::domain::summary::{Period, roll_up};
use crate::domain::{
    Actor, AuditEntry, BoardRow, Contact, Customer, NumberBlock, SummaryRow, Verb,
};
use crate::store::{self, NewAudit};

/// Everything the customer card shows, loaded in one go off the UI thread.
#[derive(Debug, Clone)]
pub struct CardData {
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    pub blocks: Vec<NumberBlock>,
    /// Daily rows, newest first.
    pub daily: Vec<SummaryRow>,
    /// Newest first.
    pub audit: Vec<AuditEntry>,
}

/// How far back the card's Daily view reaches.
const CARD_DAYS: i64 = 90;
/// How many audit rows the card loads.
const CARD_AUDIT_ROWS: usize = 500;

impl Service {
    /// The customers board, with ASR and ACD over the 24 hours before `now` (unix seconds).
    pub fn board(&self, now: i64) -> Result<Vec<BoardRow>> {
        Ok(self.store.board_rows(now - 24 * 3600, None)?)
    }

    /// The first `rows` customers by name: enough for a first screen while the rest load.
    pub fn board_first(&self, now: i64, rows: usize) -> Result<Vec<BoardRow>> {
        Ok(self.store.board_rows(now - 24 * 3600, Some(rows))?)
    }

    pub fn customer(&self, id: i64) -> Result<Customer> {
        self.store.customer(id)?.ok_or(ServiceError::NotFound(id))
    }

    pub fn card(&self, id: i64, now: i64) -> Result<CardData> {
        let customer = self.customer(id)?;
        let from = Period::Daily.start_of(now) - (CARD_DAYS - 1) * 86_400;
        let hourly = self.store.hourly(id, from, now + 3600)?;
        Ok(CardData {
            contacts: self.store.contacts(id)?,
            blocks: self.store.number_blocks(id)?,
            daily: roll_up(&hourly, Period::Daily),
            audit: self.store.audit_for_customer(id, CARD_AUDIT_ROWS)?,
            customer,
        })
    }

    /// Saves an edited customer. `edited.version` must be the version the operator started
    /// from: if someone else saved since, nothing is written and the current row comes back
    /// in `ServiceError::Conflict`. The audit row, with the changed fields' old and new
    /// values, is written in the same transaction.
    pub fn update_customer(&mut self, actor: &Actor, edited: &Customer) -> Result<Customer> {
        if edited.name.trim().is_empty() {
            return Err(ServiceError::Invalid {
                field: "name",
                message: "a name is required".into(),
            });
        }
        let now = store::now_text();
        let tx = self.store.write()?;
        let current =
            store::get_customer(&tx, edited.id)?.ok_or(ServiceError::NotFound(edited.id))?;
        if current.version != edited.version {
            return Err(ServiceError::Conflict(Box::new(current)));
        }
        let changes = diff(&to_json(&current), &to_json(edited));
        if changes.as_object().is_none_or(|m| m.is_empty()) {
            return Ok(current);
        }
        if !store::update_customer(&tx, edited, &now)? {
            return Err(ServiceError::Conflict(Box::new(current)));
        }
        NewAudit {
            actor,
            verb: Verb::Put,
            table: "customers",
            row_id: edited.id,
            customer_id: Some(edited.id),
            message: "Update customer",
            data: &changes,
        }
        .insert(&tx, &now)?;
        let saved =
            store::get_customer(&tx, edited.id)?.ok_or(ServiceError::NotFound(edited.id))?;
        tx.commit()?;
        Ok(saved)
    }
}

/// The customer as audit JSON, without the bookkeeping columns that change on every save.
pub(crate) fn to_json(c: &Customer) -> serde_json::Value {
    let mut v = snapshot(&serde_json::to_value(c).unwrap_or_default());
    if let Some(map) = v.as_object_mut() {
        for k in ["version", "updated_at", "created_at"] {
            map.remove(k);
        }
    }
    v
}
