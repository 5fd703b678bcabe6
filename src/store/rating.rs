//! What rating calls reads: the cards customers and providers use, with every version's
//! rows; which card sells to whom from when; the settings that name cost cards and
//! exchange rates. And the assignment of a selling card to a customer.

use super::cdrs::{CDR_COLUMNS, cdr};
use super::rate_cards::{all_versions, list_cards, version_rows};
use super::sql::{Result, Tx};
use crate::domain::money::parse_decimal;
use crate::domain::rate_card::{PrefixTable, RateCard};
use crate::domain::rater::Rater;
use crate::domain::{Cdr, Currency};
use crate::vals;
use std::collections::{HashMap, HashSet};

/// The rater of an import or a re-rating, read inside its transaction.
pub fn rater(tx: &Tx) -> Result<Rater> {
    let assignments: Vec<(i64, i64, i64)> = tx.query(
        "SELECT customer_id, effective_from, card_id FROM customer_rate_cards",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let settings: Vec<(String, String)> = tx.query(
        "SELECT key, value FROM settings WHERE value IS NOT NULL
         AND (key = 'default_cost_card' OR key LIKE 'provider_card.%' OR key LIKE 'fx.%')",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let cards = list_cards(tx)?;
    let id_of = |name: &str| {
        cards
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| c.id)
    };
    let (mut providers, mut default_cost, mut fx) = (HashMap::new(), None, HashMap::new());
    for (key, value) in &settings {
        if key == "default_cost_card" {
            default_cost = id_of(value);
        } else if let Some(provider) = key.strip_prefix("provider_card.") {
            if let Some(card) = id_of(value) {
                providers.insert(provider.to_string(), card);
            }
        } else if let Some((from, to)) = key.strip_prefix("fx.").and_then(|p| p.split_once('.'))
            && let (Some(from), Some(to)) = (Currency::parse(from), Currency::parse(to))
            && let Ok(rate) = parse_decimal(value, 6, "an exchange rate")
        {
            fx.insert((from, to), rate);
        }
    }
    // Only the cards in use are read, with every version: an import may hold calls of any
    // month.
    let used: HashSet<i64> = assignments
        .iter()
        .map(|a| a.2)
        .chain(providers.values().copied())
        .chain(default_cost)
        .collect();
    let mut versions: HashMap<i64, Vec<_>> = HashMap::new();
    for (card, version) in all_versions(tx)? {
        if used.contains(&card) {
            let table = PrefixTable::new(version_rows(tx, version.id)?);
            versions.entry(card).or_default().push((version, table));
        }
    }
    let cards = cards
        .into_iter()
        .filter(|c| used.contains(&c.id))
        .map(|c| {
            let card = RateCard::new(versions.remove(&c.id).unwrap_or_default());
            (c.id, (c.currency, card))
        })
        .collect();
    Ok(Rater::new(cards, assignments, providers, default_cost, fx))
}

/// Gives a customer a selling card from `effective_from` (unix seconds); an assignment from
/// the same moment is replaced. Returns the card it replaced there, if any.
pub fn assign_card(
    tx: &Tx,
    customer_id: i64,
    card_id: i64,
    effective_from: i64,
    now: &str,
    by: &str,
) -> Result<Option<i64>> {
    let before = tx.query_opt(
        "SELECT card_id FROM customer_rate_cards WHERE customer_id = ?1 AND effective_from = ?2",
        &vals![customer_id, effective_from],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO customer_rate_cards (customer_id, card_id, effective_from, assigned_at, assigned_by)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (customer_id, effective_from) DO UPDATE SET card_id = excluded.card_id,
             assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by",
        &vals![customer_id, card_id, effective_from, now, by],
    )?;
    Ok(before)
}

/// A customer's selling cards: (in force from, card name), by time.
pub fn customer_cards(tx: &Tx, customer_id: i64) -> Result<Vec<(i64, String)>> {
    tx.query(
        "SELECT a.effective_from, c.name FROM customer_rate_cards a
         JOIN rate_cards c ON c.id = a.card_id
         WHERE a.customer_id = ?1 ORDER BY a.effective_from",
        &vals![customer_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// A customer's calls with `from <= start < to`, to be rated again, oldest first.
pub fn calls_between(tx: &Tx, customer_id: i64, from: i64, to: i64) -> Result<Vec<Cdr<'static>>> {
    let sql = format!(
        "SELECT {CDR_COLUMNS} FROM cdrs
         WHERE customer_id = ?1 AND start_at >= ?2 AND start_at < ?3
         ORDER BY start_at, uid{}",
        tx.for_update()
    );
    tx.query(&sql, &vals![customer_id, from, to], cdr)
}

/// Stores new prices of calls rated again: one prepared statement on SQLite, batches of one
/// statement each on PostgreSQL.
pub fn reprice_calls(tx: &Tx, calls: &[&Cdr]) -> Result<()> {
    const REPRICE: &str = "UPDATE cdrs SET billed_s = ?2, charge = ?3, cost = ?4, charged_by = ?5,
                                           cost_by = ?6
                           WHERE uid = ?1";
    if !tx.is_pg() {
        for c in calls {
            tx.execute(
                REPRICE,
                &vals![
                    c.uid.as_ref(),
                    c.billed_s,
                    c.charge,
                    c.cost,
                    c.charged_by.name(),
                    c.cost_by.name()
                ],
            )?;
        }
        return Ok(());
    }
    for chunk in calls.chunks(10_000) {
        let text = |f: for<'c> fn(&'c Cdr<'c>) -> &'c str| {
            chunk.iter().map(|c| f(c)).collect::<Vec<&str>>()
        };
        let int = |f: fn(&Cdr) -> i64| chunk.iter().map(|c| f(c)).collect::<Vec<i64>>();
        let (uid, charged_by, cost_by) = (
            text(|c| c.uid.as_ref()),
            text(|c| c.charged_by.name()),
            text(|c| c.cost_by.name()),
        );
        let (billed, charge, cost) = (int(|c| c.billed_s), int(|c| c.charge), int(|c| c.cost));
        tx.pg_query(
            "UPDATE cdrs SET billed_s = u.billed_s, charge = u.charge, cost = u.cost,
                             charged_by = u.charged_by, cost_by = u.cost_by
             FROM unnest(?1::text[], ?2::bigint[], ?3::bigint[], ?4::bigint[], ?5::text[],
                         ?6::text[]) AS u (uid, billed_s, charge, cost, charged_by, cost_by)
             WHERE cdrs.uid = u.uid",
            &[&uid, &billed, &charge, &cost, &charged_by, &cost_by],
        )
        .expect("a PostgreSQL transaction")?;
    }
    Ok(())
}
