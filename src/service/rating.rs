//! Who pays what: a customer's selling rate card, rating stored calls again after a card
//! changed, and the calls rating could not price.

use super::{Result, Service, ServiceError, commit};
use crate::domain::rate_card::Card;
use crate::domain::rater::CallToRate;
use crate::domain::rating::ChargedBy;
use crate::domain::{Actor, Cdr, Change, Period, Topic, Traffic, Verb};
use crate::store::{self, HourlyWriter, NewAudit};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// What a re-rating changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RerateReport {
    /// Calls of the customer in the period.
    pub calls: u64,
    /// Calls whose price or cost changed.
    pub changed: u64,
    /// Calls priced in their file: kept as they are.
    pub priced_by_file: u64,
    pub unrated: u64,
    pub cost_unknown: u64,
    /// Totals of the period before and after, in millionths.
    pub charge_before: i64,
    pub charge_after: i64,
    pub cost_before: i64,
    pub cost_after: i64,
}

/// The card `name` names, if it may sell to `customer`: it exists and is in the customer's
/// currency. The inner error says why not, for the caller to report as its own refusal.
pub(super) fn selling_card(
    tx: &store::Tx,
    customer: &crate::domain::Customer,
    name: &str,
) -> Result<std::result::Result<Card, String>> {
    Ok(match store::card_named(tx, name)? {
        None => Err(format!(
            "there is no rate card '{name}' (`carrierdesk rates list` shows them)"
        )),
        Some(card) if card.currency != customer.currency => Err(format!(
            "rate card {} is in {}, but the customer is billed in {}",
            card.name, card.currency, customer.currency
        )),
        Some(card) => Ok(card),
    })
}

impl Service {
    /// Gives a customer a selling rate card from `from` (unix seconds): its calls from then
    /// on are priced by the card, earlier ones by what was in force before. The card must
    /// be in the customer's currency. Audited; calls stored already keep their price until
    /// `rerate` prices them again.
    pub fn assign_rate_card(
        &mut self,
        actor: &Actor,
        customer_id: i64,
        card_name: &str,
        from: i64,
    ) -> Result<()> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let customer =
            store::get_customer(&tx, customer_id)?.ok_or(ServiceError::NotFound(customer_id))?;
        let card =
            selling_card(&tx, &customer, card_name)?.map_err(|message| ServiceError::Invalid {
                field: "rate card",
                message,
            })?;
        let replaced = store::assign_card(&tx, customer_id, card.id, from, &now, &actor.name)?;
        let since = crate::cdr::time::utc_text(from);
        NewAudit {
            actor,
            verb: Verb::Put,
            table: "customer_rate_cards",
            row_id: customer_id,
            customer_id: Some(customer_id),
            message: &format!("Rate card of {} from {since}: {}", customer.name, card.name),
            data: &json!({ "card": card.name, "from": since, "replaced_card_id": replaced }),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Customers, [customer_id])])?;
        Ok(())
    }

    /// A customer's selling cards: (in force from, card name), by time.
    pub fn customer_rate_cards(&self, customer_id: i64) -> Result<Vec<(i64, String)>> {
        let tx = self.store.read()?;
        Ok(store::customer_cards(&tx, customer_id)?)
    }

    /// Rates a customer's calls with `from <= start < to` again, with the cards, rates and
    /// settings in force now, in one transaction: each changed call, the hourly summary by
    /// the difference, and an audit row. Calls priced in their file keep that price.
    /// Running it twice changes nothing the second time. It is recorded as running
    /// (`Service::recorded`): a month of a busy customer's calls takes a while.
    pub fn rerate(
        &mut self,
        actor: &Actor,
        customer_id: i64,
        from: i64,
        to: i64,
    ) -> Result<RerateReport> {
        if from >= to {
            return Err(ServiceError::Invalid {
                field: "period",
                message: "--from must be before --to".into(),
            });
        }
        self.recorded(actor, "re-rating", |service, record| {
            service.rerate_recorded(record, actor, customer_id, from, to)
        })
    }

    fn rerate_recorded(
        &mut self,
        record: i64,
        actor: &Actor,
        customer_id: i64,
        from: i64,
        to: i64,
    ) -> Result<RerateReport> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let customer = store::cdr_customers(&tx)?
            .into_iter()
            .find(|c| c.id == customer_id)
            .ok_or(ServiceError::NotFound(customer_id))?;
        let rater = store::rater(&tx)?;
        let calls = store::calls_between(&tx, customer_id, from, to)?;
        let mut report = RerateReport::default();
        let mut changed: Vec<Cdr> = Vec::new();
        let mut deltas: BTreeMap<i64, Traffic> = BTreeMap::new();
        for old in &calls {
            report.calls += 1;
            report.charge_before = report.charge_before.saturating_add(old.charge);
            report.cost_before = report.cost_before.saturating_add(old.cost);
            let new = if old.charged_by == ChargedBy::File {
                report.priced_by_file += 1;
                old.clone()
            } else {
                let call = CallToRate {
                    dst: &old.dst,
                    start_at: old.start_at,
                    answered: old.answered,
                    talk_s: old.duration_s,
                    provider: &old.provider,
                };
                let rated =
                    rater
                        .rate(&customer, &call)
                        .map_err(|message| ServiceError::Invalid {
                            field: "call",
                            message: format!("call {}: {message}", old.uid),
                        })?;
                Cdr {
                    billed_s: rated.billed_s,
                    charge: rated.charge,
                    cost: rated.cost,
                    charged_by: rated.charged_by,
                    cost_by: rated.cost_by,
                    ..old.clone()
                }
            };
            report.unrated += u64::from(new.charged_by == ChargedBy::Unrated);
            report.cost_unknown += u64::from(new.cost_by == crate::domain::rating::CostBy::Unknown);
            report.charge_after = report.charge_after.saturating_add(new.charge);
            report.cost_after = report.cost_after.saturating_add(new.cost);
            if new != *old {
                let delta = deltas
                    .entry(Period::Hourly.start_of(new.start_at))
                    .or_default();
                let overflow = || ServiceError::Invalid {
                    field: "hourly summary",
                    message: "an hour's total would overflow; nothing was changed".into(),
                };
                delta.billed_s += new.billed_s - old.billed_s;
                delta.charge = delta
                    .charge
                    .checked_add(new.charge - old.charge)
                    .ok_or_else(overflow)?;
                delta.cost = delta
                    .cost
                    .checked_add(new.cost - old.cost)
                    .ok_or_else(overflow)?;
                changed.push(new);
            }
        }
        report.changed = changed.len() as u64;
        if !changed.is_empty() {
            store::reprice_calls(&tx, &changed.iter().collect::<Vec<_>>())?;
            let mut hourly = HourlyWriter::new(&tx)?;
            for (hour, delta) in &deltas {
                hourly
                    .add(customer_id, *hour, delta)
                    .map_err(super::import::summary_error)?;
            }
            hourly.finish().map_err(super::import::summary_error)?;
        }
        let period = format!(
            "{} to {}",
            crate::cdr::time::utc_text(from),
            crate::cdr::time::utc_text(to)
        );
        NewAudit {
            actor,
            verb: Verb::Put,
            table: "cdrs",
            row_id: 0,
            customer_id: Some(customer_id),
            message: &format!(
                "Re-rate the calls of {} from {period}: {} of {} changed",
                customer.name, report.changed, report.calls
            ),
            data: &serde_json::to_value(&report).unwrap_or_default(),
        }
        .insert(&tx, &now)?;
        store::finish_job(&tx, record)?;
        let changes = [Topic::Calls, Topic::Summaries].map(|t| Change::ids(t, [customer_id]));
        commit(tx, changes)?;
        Ok(report)
    }

    /// Calls rating could not price (no row of the customer's card covers the number) or
    /// cost, newest first, at most `limit`; and how many there are in all.
    pub fn not_rated_cdrs(&self, limit: usize) -> Result<(i64, Vec<Cdr<'static>>)> {
        Ok(self.store.not_rated_cdrs(limit)?)
    }
}
