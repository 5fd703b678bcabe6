//! Rating a call at import: what the customer is charged (its rate card in force at the
//! call's start, or its flat per-minute rate) and what the call costs the carrier (the
//! provider's cost card, or the default cost card), at call precision.

use super::cdr::{CdrCustomer, check_call_amount};
use super::money::{Currency, MICROS, div_half_even};
use super::rate_card::{RateCard, RateRow, number_digits};
use super::rating::{ChargedBy, CostBy, billed_seconds, price_micros};
use std::borrow::Cow;
use std::collections::HashMap;

/// A call as the rater sees it.
#[derive(Debug, Clone, Copy)]
pub struct CallToRate<'a> {
    pub dst: &'a str,
    pub start_at: i64,
    pub answered: bool,
    pub talk_s: i64,
    /// The provider the call went out through; "" when the file does not say.
    pub provider: &'a str,
}

/// A call's price and cost, in millionths of the customer's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rated {
    pub billed_s: i64,
    pub charge: i64,
    pub charged_by: ChargedBy,
    pub cost: i64,
    pub cost_by: CostBy,
}

/// Everything rating needs, read once an import: the cards with their versions, which card
/// sells to which customer from when, which card each provider costs by, exchange rates.
#[derive(Debug, Default)]
pub struct Rater {
    cards: HashMap<i64, (Currency, RateCard)>,
    /// Per customer: (in force from, card id), by time.
    selling: HashMap<i64, Vec<(i64, i64)>>,
    /// Provider name as the switch names it → card id.
    providers: HashMap<String, i64>,
    default_cost: Option<i64>,
    /// (from, to) → millionths of `to` one `from` buys (settings `fx.FROM.TO`).
    fx: HashMap<(Currency, Currency), i64>,
}

impl Rater {
    pub fn new(
        cards: HashMap<i64, (Currency, RateCard)>,
        assignments: impl IntoIterator<Item = (i64, i64, i64)>,
        providers: HashMap<String, i64>,
        default_cost: Option<i64>,
        fx: HashMap<(Currency, Currency), i64>,
    ) -> Rater {
        let mut selling: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
        for (customer, from, card) in assignments {
            selling.entry(customer).or_default().push((from, card));
        }
        for list in selling.values_mut() {
            list.sort_unstable();
        }
        Rater {
            cards,
            selling,
            providers,
            default_cost,
            fx,
        }
    }

    /// The card that sells to `customer` at `at`, if one was assigned by then.
    pub fn selling_card(&self, customer: i64, at: i64) -> Option<i64> {
        let list = self.selling.get(&customer)?;
        let i = list
            .partition_point(|(from, _)| *from <= at)
            .checked_sub(1)?;
        Some(list[i].1)
    }

    /// The cost card of calls through `provider`: its own, else the default one.
    pub fn cost_card(&self, provider: &str) -> Option<i64> {
        self.providers.get(provider).copied().or(self.default_cost)
    }

    /// Prices one call of `customer`. Err is a call whose price passes what one call may
    /// come to (the talk time is what is wrong).
    pub fn rate(&self, customer: &CdrCustomer, call: &CallToRate) -> Result<Rated, String> {
        // The number is read only for an answered call that a card prices or costs: most
        // calls of a flat-rate customer never need it.
        let selling = self.selling_card(customer.id, call.start_at);
        let costing = self.cost_card(call.provider);
        let digits = (call.answered && (selling.is_some() || costing.is_some()))
            .then(|| normalise(call.dst, &customer.tech_prefixes))
            .flatten();
        let (billed_s, charge, charged_by) = match selling {
            // Nobody answered: nothing to charge, whatever the card says.
            Some(_) if !call.answered => (0, 0, ChargedBy::Card),
            Some(card) => match self.row(card, digits.as_deref(), call.start_at) {
                Some(row) => {
                    let (billed, charge) = row_price(row, call);
                    (billed, charge, ChargedBy::Card)
                }
                None => (0, 0, ChargedBy::Unrated),
            },
            None => {
                let t = customer.tariff;
                let billed = if call.answered {
                    t.billed_seconds(call.talk_s)
                } else {
                    0
                };
                (billed, t.charge(billed), ChargedBy::Flat)
            }
        };
        check_call_amount(charge, customer.currency)
            .map_err(|m| format!("rated at the customer's rate, {m}"))?;
        let (cost, cost_by) = self.cost(costing, customer.currency, digits.as_deref(), call);
        check_call_amount(cost, customer.currency)
            .map_err(|m| format!("costed at the provider's rate, {m}"))?;
        Ok(Rated {
            billed_s,
            charge,
            charged_by,
            cost,
            cost_by,
        })
    }

    /// What the call costs the carrier, in `currency`; unknown without a cost card that
    /// covers it, or without an exchange rate to `currency`.
    fn cost(
        &self,
        card: Option<i64>,
        currency: Currency,
        digits: Option<&str>,
        call: &CallToRate,
    ) -> (i64, CostBy) {
        if !call.answered {
            return (0, CostBy::Nobody);
        }
        let Some(card) = card else {
            return (0, CostBy::Unknown);
        };
        let Some(row) = self.row(card, digits, call.start_at) else {
            return (0, CostBy::Unknown);
        };
        let (_, cost) = row_price(row, call);
        let from = self.cards[&card].0;
        if from == currency {
            return (cost, CostBy::Card);
        }
        match self.fx.get(&(from, currency)) {
            Some(&rate) => {
                let converted = div_half_even(i128::from(cost) * i128::from(rate), MICROS.into());
                (i64::try_from(converted).unwrap_or(i64::MAX), CostBy::Card)
            }
            None => (0, CostBy::Unknown),
        }
    }

    fn row(&self, card: i64, digits: Option<&str>, at: i64) -> Option<&RateRow> {
        let (_, card) = self.cards.get(&card)?;
        card.row_at(digits?, at).map(|(_, row)| row)
    }
}

/// Billed seconds and price of a call under a card's row: the connection fee for an
/// answered call (alone for one of 0 seconds), plus the billed seconds at the row's rate.
fn row_price(row: &RateRow, call: &CallToRate) -> (i64, i64) {
    if !call.answered {
        return (0, 0);
    }
    let first = u32::try_from(row.first_increment).unwrap_or(u32::MAX);
    let next = u32::try_from(row.next_increment).unwrap_or(u32::MAX);
    let billed = billed_seconds(call.talk_s, first, next);
    let price = price_micros(billed, row.rate);
    (billed, row.connection_fee.saturating_add(price))
}

/// The dialled number as a card's prefixes read it: a customer's technical prefix (`9#`)
/// taken off, then a leading `+` or `00`; None when what is left is not a number. Borrowed
/// from `dst` when it is digits alone, as a switch writes it.
pub fn normalise<'a>(dst: &'a str, tech_prefixes: &[String]) -> Option<Cow<'a, str>> {
    let mut n = dst.trim();
    if let Some(p) = tech_prefixes
        .iter()
        .filter(|p| !p.is_empty() && n.starts_with(p.as_str()))
        .max_by_key(|p| p.len())
    {
        n = &n[p.len()..];
    }
    let n = n
        .strip_prefix('+')
        .or_else(|| n.strip_prefix("00"))
        .unwrap_or(n);
    if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Cow::Borrowed(n));
    }
    number_digits(n).map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rate_card::{PrefixTable, Version};
    use crate::domain::rating::Tariff;
    use proptest::prelude::*;

    const EUR: &str = "EUR";

    fn customer(currency: &str) -> CdrCustomer {
        CdrCustomer {
            id: 1,
            name: "Atlas".into(),
            account_code: String::new(),
            currency: Currency::parse(currency).unwrap(),
            tariff: Tariff {
                rate_micros: 10_000,
                first_s: 60,
                next_s: 60,
            },
            tech_prefixes: vec!["9#".into()],
        }
    }

    fn row(prefix: &str, rate: i64, fee: i64, first: i64, next: i64) -> RateRow {
        RateRow {
            prefix: prefix.into(),
            description: String::new(),
            rate,
            connection_fee: fee,
            first_increment: first,
            next_increment: next,
        }
    }

    fn version(id: i64, from: i64) -> Version {
        Version {
            id,
            effective_from: from,
            imported_at: String::new(),
            imported_by: String::new(),
            row_count: 0,
        }
    }

    /// A rater with one selling card (id 1, EUR, from t=1000) for customer 1, and cost
    /// cards: 2 for provider "carrierA" (EUR), 3 in USD as the default.
    fn rater(fx: Option<i64>) -> Rater {
        let eur = Currency::parse(EUR).unwrap();
        let usd = Currency::parse("USD").unwrap();
        let card =
            |rows: Vec<RateRow>| RateCard::new(vec![(version(1, 0), PrefixTable::new(rows))]);
        let cards = HashMap::from([
            (
                1,
                (
                    eur,
                    card(vec![
                        row("44", 4_200, 0, 60, 60),
                        row("447", 12_300, 5_000, 30, 6),
                    ]),
                ),
            ),
            (2, (eur, card(vec![row("44", 2_000, 0, 1, 1)]))),
            (3, (usd, card(vec![row("", 1_000, 0, 60, 60)]))),
        ]);
        let fx = fx.map(|r| ((usd, eur), r)).into_iter().collect();
        Rater::new(
            cards,
            [(1, 1_000, 1)],
            HashMap::from([("carrierA".to_string(), 2)]),
            Some(3),
            fx,
        )
    }

    fn call<'a>(dst: &'a str, start_at: i64, talk_s: i64, provider: &'a str) -> CallToRate<'a> {
        CallToRate {
            dst,
            start_at,
            answered: true,
            talk_s,
            provider,
        }
    }

    #[test]
    fn a_card_prices_by_the_longest_prefix_with_fee_and_increments() {
        let r = rater(None);
        // 447…, 30/6 at 0.0123 with a 0.005 fee: 37 s bill as 42 s, 8,610 + 5,000.
        let rated = r
            .rate(
                &customer(EUR),
                &call("+447700900123", 2_000, 37, "carrierA"),
            )
            .unwrap();
        assert_eq!(
            (rated.billed_s, rated.charge, rated.charged_by),
            (42, 13_610, ChargedBy::Card)
        );
        // The provider's card: 1/1 at 0.002 a minute, 37 s.
        assert_eq!((rated.cost, rated.cost_by), (1_233, CostBy::Card));
        // An answered call of 0 seconds costs the connection fee alone.
        let zero = r
            .rate(&customer(EUR), &call("447700900123", 2_000, 0, ""))
            .unwrap();
        assert_eq!((zero.billed_s, zero.charge), (0, 5_000));
        // The technical prefix comes off first.
        let tech = r
            .rate(&customer(EUR), &call("9#0044201234", 2_000, 60, ""))
            .unwrap();
        assert_eq!((tech.charge, tech.charged_by), (4_200, ChargedBy::Card));
    }

    #[test]
    fn calls_before_the_card_take_the_flat_rate_and_uncovered_ones_are_unrated() {
        let r = rater(None);
        let early = r
            .rate(&customer(EUR), &call("44201234", 999, 61, ""))
            .unwrap();
        assert_eq!(
            (early.billed_s, early.charge, early.charged_by),
            (120, 20_000, ChargedBy::Flat)
        );
        let uncovered = r
            .rate(&customer(EUR), &call("33123456", 2_000, 61, ""))
            .unwrap();
        assert_eq!(
            (uncovered.charge, uncovered.charged_by),
            (0, ChargedBy::Unrated)
        );
        // A number that is not one cannot be found on any card.
        let odd = r
            .rate(&customer(EUR), &call("sip:bob", 2_000, 61, ""))
            .unwrap();
        assert_eq!(odd.charged_by, ChargedBy::Unrated);
    }

    #[test]
    fn a_cost_in_another_currency_needs_an_exchange_rate() {
        // The default card is in USD: 0.001 USD a minute, 60 s.
        let without = rater(None)
            .rate(&customer(EUR), &call("44201234", 2_000, 60, ""))
            .unwrap();
        assert_eq!((without.cost, without.cost_by), (0, CostBy::Unknown));
        let with = rater(Some(920_000))
            .rate(&customer(EUR), &call("44201234", 2_000, 60, ""))
            .unwrap();
        assert_eq!((with.cost, with.cost_by), (920, CostBy::Card));
    }

    /// The price of a call computed another way: every prefix of every version compared,
    /// increments by repeated addition, and the half-to-even rounding by hand.
    fn by_hand(versions: &[(i64, Vec<RateRow>)], digits: &str, at: i64, talk: i64) -> Option<i64> {
        let (_, rows) = versions
            .iter()
            .filter(|(from, _)| *from <= at)
            .max_by_key(|(from, _)| *from)?;
        let row = rows
            .iter()
            .filter(|r| digits.starts_with(r.prefix.as_str()))
            .max_by_key(|r| r.prefix.len())?;
        let mut billed = 0;
        if talk > 0 {
            billed = row.first_increment;
            while billed < talk {
                billed += row.next_increment;
            }
        }
        let exact = i128::from(billed) * i128::from(row.rate);
        let (q, rem) = (exact / 60, exact % 60);
        let rounded = if rem * 2 > 60 || (rem * 2 == 60 && q % 2 == 1) {
            q + 1
        } else {
            q
        };
        Some(row.connection_fee + rounded as i64)
    }

    fn increments() -> impl Strategy<Value = (i64, i64)> {
        prop::sample::select(vec![(60, 60), (30, 6), (6, 6), (1, 1)])
    }

    fn card_rows() -> impl Strategy<Value = Vec<RateRow>> {
        prop::collection::btree_map(
            "[0-9]{0,4}",
            (0i64..50_000, 0i64..20_000, increments()),
            1..12,
        )
        .prop_map(|m| {
            m.into_iter()
                .map(|(prefix, (rate, fee, (first, next)))| row(&prefix, rate, fee, first, next))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn random_calls_on_random_cards_cost_what_a_hand_computation_says(
            versions in prop::collection::vec((0i64..10_000, card_rows()), 1..4),
            calls in prop::collection::vec(("[1-9][0-9]{0,7}", 0i64..12_000, 0i64..4_000), 1..40),
        ) {
            let mut versions = versions;
            versions.sort_by_key(|(from, _)| *from);
            versions.dedup_by_key(|(from, _)| *from);
            let eur = Currency::parse(EUR).unwrap();
            let card = RateCard::new(
                versions
                    .iter()
                    .enumerate()
                    .map(|(i, (from, rows))| (version(i as i64, *from), PrefixTable::new(rows.clone())))
                    .collect(),
            );
            let r = Rater::new(HashMap::from([(1, (eur, card))]), [(1, 0, 1)], HashMap::new(), None, HashMap::new());
            let mut c = customer(EUR);
            c.tech_prefixes.clear();
            for (digits, at, talk) in &calls {
                let rated = r.rate(&c, &call(digits, *at, *talk, "")).unwrap();
                match by_hand(&versions, digits, *at, *talk) {
                    Some(charge) => {
                        prop_assert_eq!(rated.charge, charge);
                        prop_assert_eq!(rated.charged_by, ChargedBy::Card);
                    }
                    None => prop_assert_eq!(rated.charged_by, ChargedBy::Unrated),
                }
            }
        }
    }

    #[test]
    fn numbers_lose_technical_prefixes_and_international_marks() {
        let tech = vec!["9#".to_string(), "9#1".to_string()];
        assert_eq!(
            normalise("+442079460000", &[]).as_deref(),
            Some("442079460000")
        );
        assert_eq!(
            normalise("00442079460000", &[]).as_deref(),
            Some("442079460000")
        );
        assert_eq!(normalise("9#00442079", &tech).as_deref(), Some("442079"));
        // The longest technical prefix wins.
        assert_eq!(normalise("9#1442079", &tech).as_deref(), Some("442079"));
        assert_eq!(normalise("9#442079", &[]), None);
        assert_eq!(normalise("", &[]), None);
    }
}
