//! Reading and changing customers.

use super::{KeptCustomer, Result, Service, ServiceError, commit};
use crate::domain::audit::record_json;
use crate::domain::draft::{FieldError, changed_fields, check_customer, with_fields};
use crate::domain::field_diff::audit_diff;
use crate::domain::search::{ContactMatches, Search};
use crate::domain::sip_user::NO_CHANNEL_CAPACITY;
use crate::domain::summary::{Period, roll_up};
use crate::domain::{
    Actor, AuditEntry, BoardRow, Change, Contact, Customer, NumberBlock, SipUser, SummaryRow,
    Topic, Verb,
};
use crate::store::Tx;
use crate::store::{self, NewAudit};
use serde_json::{Value, json};

/// Everything the customer card shows, loaded in one go off the UI thread.
#[derive(Debug, Clone)]
pub struct CardData {
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    pub blocks: Vec<NumberBlock>,
    pub sip_users: Vec<SipUser>,
    /// Daily rows, newest first; days without traffic have none.
    pub daily: Vec<SummaryRow>,
    /// The start of the UTC day the card was read on (unix seconds).
    pub today: i64,
    /// Pending Delay-and-Save changes, soonest first.
    pub scheduled: Vec<crate::domain::ScheduledChange>,
    /// The `default_country` setting, for phone numbers typed in a national form.
    pub country: Option<String>,
}

/// How far back the card's Daily view reaches.
const CARD_DAYS: i64 = 90;
/// How many audit rows the card's Audit tab loads.
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

    /// Fresh board rows of these customers (those deleted are missing): for a refresh after
    /// a few customers changed, instead of the whole board.
    pub fn board_rows(&self, ids: &[i64], now: i64) -> Result<Vec<BoardRow>> {
        Ok(self.store.board_rows_of(ids, now - 24 * 3600)?)
    }

    /// Which customers' contacts hold each word of a board search: the board keeps no
    /// contact text in memory.
    pub fn contact_matches(&self, search: &Search) -> Result<ContactMatches> {
        let by_word = self.store.customers_by_contacts(&search.words())?;
        Ok(ContactMatches::new(search.clone(), by_word))
    }

    /// A customer's audit rows, newest first (the most recent ones).
    pub fn audit(&self, id: i64) -> Result<Vec<AuditEntry>> {
        Ok(self.store.audit_for_customer(id, CARD_AUDIT_ROWS)?)
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
            blocks: self.store.number_blocks(Some(id))?,
            sip_users: self.store.sip_users(Some(id))?,
            daily: roll_up(&hourly, Period::Daily),
            today: Period::Daily.start_of(now),
            scheduled: self.scheduled_changes(Some(id), false)?,
            country: self.default_country()?,
            customer,
        })
    }

    /// Saves an edited customer. `edited.version` must be the version the operator started
    /// from: if someone else saved since, nothing is written and the current row comes back
    /// in `ServiceError::Conflict`. Only the editable fields that differ are written and
    /// checked (their rules, a name free of others, the currency kept); the audit row, with
    /// their old and new values, is written in the same transaction.
    pub fn update_customer(&mut self, actor: &Actor, edited: &Customer) -> Result<Customer> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let current =
            store::get_customer(&tx, edited.id)?.ok_or(ServiceError::NotFound(edited.id))?;
        if current.version != edited.version {
            return Err(ServiceError::Conflict(Box::new(current)));
        }
        let fields = changed_fields(&current, edited);
        let Some(saved) = write_fields(&tx, actor, &current, &fields, "Update customer", &now)?
        else {
            return Ok(current);
        };
        commit(tx, [Change::ids(Topic::Customers, [saved.id])])?;
        Ok(saved)
    }

    /// Creates a customer checked by every rule (`CustomerDraft::validate` builds one), with
    /// a name no other customer has, ignoring case. The audit row keeps the whole new row.
    pub fn create_customer(&mut self, actor: &Actor, c: &Customer) -> Result<Customer> {
        check_customer(c).map_err(ServiceError::InvalidFields)?;
        let now = store::now_text();
        let tx = self.store.write()?;
        let saved = insert_new(&tx, actor, c, "Create customer", &now)?;
        commit(tx, [Change::ids(Topic::Customers, [saved.id])])?;
        Ok(saved)
    }

    /// Deletes customers, all or none. One with invoices, calls or child accounts on record
    /// is kept (`ServiceError::Kept` names every such one) and then nothing is deleted.
    /// Each DELETE audit row keeps the whole previous row with its contacts, number blocks
    /// and SIP users; the customer's pending scheduled changes are cancelled.
    pub fn delete_customers(&mut self, actor: &Actor, ids: &[i64]) -> Result<usize> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let mut doomed = Vec::with_capacity(ids.len());
        let mut kept = Vec::new();
        for &id in ids {
            if doomed.iter().any(|c: &Customer| c.id == id) {
                continue;
            }
            let c = store::get_customer(&tx, id)?.ok_or(ServiceError::NotFound(id))?;
            let (invoices, calls, children) = store::customer_ties(&tx, id)?;
            let reasons: Vec<String> = [
                (invoices, "invoice", "invoices"),
                (calls, "call", "calls"),
                (children, "child account", "child accounts"),
            ]
            .into_iter()
            .filter(|(n, ..)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
            .collect();
            if reasons.is_empty() {
                doomed.push(c);
            } else {
                kept.push(KeptCustomer {
                    id,
                    name: c.name,
                    reason: reasons.join(", "),
                });
            }
        }
        if !kept.is_empty() {
            return Err(ServiceError::Kept(kept));
        }
        for c in &doomed {
            let mut data = record_json(c, &[]);
            if let Some(map) = data.as_object_mut() {
                map.insert("contacts".into(), json!(store::get_contacts(&tx, c.id)?));
                map.insert(
                    "number_blocks".into(),
                    json!(store::get_number_blocks(&tx, c.id)?),
                );
                map.insert("sip_users".into(), json!(store::get_sip_users(&tx, c.id)?));
            }
            store::cancel_pending_for(&tx, c.id, "the customer was deleted", &now)?;
            store::delete_customer(&tx, c.id)?;
            NewAudit {
                actor,
                verb: Verb::Delete,
                table: "customers",
                row_id: c.id,
                customer_id: Some(c.id),
                message: &format!("Delete customer {}", c.name),
                data: &data,
            }
            .insert(&tx, &now)?;
        }
        // Contacts and summary rows go too (ON DELETE CASCADE); pending changes are cancelled.
        let topics = [
            Topic::Customers,
            Topic::Contacts,
            Topic::Scheduled,
            Topic::Summaries,
        ];
        commit(
            tx,
            topics.map(|t| Change::ids(t, doomed.iter().map(|c| c.id))),
        )?;
        Ok(doomed.len())
    }
}

/// Inserts a new customer and its POST audit row inside the caller's transaction.
pub(super) fn insert_new(
    tx: &Tx,
    actor: &Actor,
    c: &Customer,
    message: &str,
    now: &str,
) -> Result<Customer> {
    name_free(tx, &c.name, None)?;
    account_code_free(tx, &c.account_code, None)?;
    let row = Customer {
        id: 0,
        version: 1,
        created_at: now.to_string(),
        updated_at: now.to_string(),
        ..c.clone()
    };
    let id = store::insert_customer(tx, &row)?;
    if !row.rate_card.is_empty() {
        assign_named_card(tx, actor, &Customer { id, ..row.clone() }, "", now)?;
    }
    let saved = store::get_customer(tx, id)?.ok_or(ServiceError::NotFound(id))?;
    NewAudit {
        actor,
        verb: Verb::Post,
        table: "customers",
        row_id: id,
        customer_id: Some(id),
        message,
        data: &record_json(&saved, &[]),
    }
    .insert(tx, now)?;
    Ok(saved)
}

/// Sets `fields` (editable keys of the customer's JSON) on `current`, the row as read in
/// this transaction, and writes it with its PUT audit row (`write_row`). Checks the rules of
/// the fields set and the currency kept. `None` when nothing would change. The form and
/// scheduled changes come here; bulk edit builds its rows itself.
pub(super) fn write_fields(
    tx: &Tx,
    actor: &Actor,
    current: &Customer,
    fields: &Value,
    message: &str,
    now: &str,
) -> Result<Option<Customer>> {
    if fields.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(None);
    }
    let row = with_fields(current, fields).map_err(ServiceError::InvalidFields)?;
    write_row(tx, actor, current, row, message, now)
}

/// Writes `row`, `current` (the row as read in this transaction) with some fields edited,
/// with its PUT audit row of the fields that differ. The edited fields must have passed
/// their rules already (`draft::check_edit`, or a draft's `apply_to`, which runs the same);
/// here come the checks against other rows: a name and an account code free, room left for
/// the SIP users' channels, a rate card that exists. `None` when nothing differs. Every
/// edit ends here: the form, bulk edit and scheduled changes.
pub(super) fn write_row(
    tx: &Tx,
    actor: &Actor,
    current: &Customer,
    mut row: Customer,
    message: &str,
    now: &str,
) -> Result<Option<Customer>> {
    if row.rate_card != current.rate_card {
        // As the card is named, whatever case it was typed in.
        row.rate_card = assign_named_card(tx, actor, &row, &current.rate_card, now)?;
    }
    let changes = audit_diff(current, &row, &BOOKKEEPING);
    let Some(changed) = changes.as_object().filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    if changed.contains_key("name") {
        name_free(tx, &row.name, Some(row.id))?;
    }
    if changed.contains_key("account_code") {
        account_code_free(tx, &row.account_code, Some(row.id))?;
    }
    // Only fewer channels can leave the SIP users without room.
    if row.channels < current.channels {
        room_for_sip_users(tx, &row)?;
    }
    if !store::update_customer(tx, &row, changed.keys().map(String::as_str), now)? {
        return Err(ServiceError::Conflict(Box::new(current.clone())));
    }
    NewAudit {
        actor,
        verb: Verb::Put,
        table: "customers",
        row_id: row.id,
        customer_id: Some(row.id),
        message,
        data: &changes,
    }
    .insert(tx, now)?;
    Ok(Some(Customer {
        version: current.version + 1,
        updated_at: now.to_string(),
        ..row
    }))
}

/// Gives `c` the rate card its `rate_card` names, from now on: an existing card, in the
/// customer's currency; returns the card's name as stored. A card cannot be taken away
/// (calls must be priced by something from then on), only replaced.
fn assign_named_card(
    tx: &Tx,
    actor: &Actor,
    c: &Customer,
    before: &str,
    now: &str,
) -> Result<String> {
    let refuse = |message: String| {
        ServiceError::InvalidFields(vec![FieldError {
            field: "rate_card",
            message,
        }])
    };
    if c.rate_card.is_empty() {
        return Err(refuse(format!(
            "the rate card {before} cannot be removed, only replaced by another card"
        )));
    }
    let card = super::rating::selling_card(tx, c, &c.rate_card)?.map_err(refuse)?;
    let at = chrono::DateTime::parse_from_rfc3339(now).map_or(0, |t| t.timestamp());
    store::assign_card(tx, c.id, card.id, at, now, &actor.name)?;
    Ok(card.name)
}

/// Names are unique ignoring case; `own` is the customer being renamed, if any.
fn name_free(tx: &Tx, name: &str, own: Option<i64>) -> Result<()> {
    match store::customer_named(tx, name)? {
        Some((id, stored)) if Some(id) != own => Err(ServiceError::Invalid {
            field: "name",
            message: format!(
                "another customer is already called '{stored}' (#{id}); names are unique ignoring case"
            ),
        }),
        _ => Ok(()),
    }
}

/// The customer's channels cover those of its SIP users: lowering them below the sum is
/// refused, naming the SIP users (the same rule that refuses a SIP user past them).
pub(super) fn room_for_sip_users(tx: &Tx, c: &Customer) -> Result<()> {
    // The sum first: one indexed read, for bulk edits of many customers without SIP users.
    let sum = store::sip_channel_sum(tx, c.id)?;
    if sum <= u64::from(c.channels) {
        return Ok(());
    }
    let users = store::get_sip_users(tx, c.id)?;
    let named: Vec<String> = users
        .iter()
        .filter(|u| u.spec.channels > 0)
        .map(|u| format!("{} ({})", u.spec.username, u.spec.channels))
        .collect();
    Err(ServiceError::InvalidFields(vec![FieldError {
        field: "channels",
        message: format!(
            "{NO_CHANNEL_CAPACITY} Its SIP users {} have {}; {} is too few",
            named.join(", "),
            crate::domain::count(sum, "channel"),
            c.channels
        ),
    }]))
}

/// An account code names one customer: no other has it, nor has it as its id.
fn account_code_free(tx: &Tx, code: &str, own: Option<i64>) -> Result<()> {
    if code.trim().is_empty() {
        return Ok(());
    }
    match store::account_code_holder(tx, code, own)? {
        Some((id, name)) => Err(ServiceError::Invalid {
            field: "account_code",
            message: format!(
                "'{}' already names {name} (#{id}), by its account code or its id; CDRs would match either",
                code.trim()
            ),
        }),
        None => Ok(()),
    }
}

/// The columns that change on every save: never in an audit diff.
const BOOKKEEPING: [&str; 3] = ["version", "updated_at", "created_at"];
