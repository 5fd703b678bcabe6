//! Rating a call: the seconds billed under an increment, and the charge at a per-minute price.

use super::money::div_half_even;
use serde::Serialize;

/// Seconds billed for a call of `d` seconds under a first/next increment (60/60, 6/6 ...):
/// the first increment is charged whole, then every started `next` seconds.
pub fn billed_seconds(d: i64, first: u32, next: u32) -> i64 {
    let (first, next) = (i64::from(first), i64::from(next.max(1)));
    if d <= 0 {
        0
    } else if d <= first {
        first
    } else {
        first + (d - first + next - 1) / next * next
    }
}

/// How a call's charge was found. Stored with the call, so that a list of unrated calls and
/// a later re-rating know which calls a card priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChargedBy {
    /// A call of no customer (yet): nothing to charge.
    #[default]
    Nobody,
    /// A native file carried the price.
    File,
    /// The customer's rate card, at the row of the number's longest prefix.
    Card,
    /// The customer's flat per-minute rate (customers without a card).
    Flat,
    /// The customer has a card and no row of it covers the number: charged nothing, listed.
    Unrated,
}

/// How a call's cost to the carrier was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CostBy {
    /// Nothing to cost: a call of no customer (yet), or one nobody answered.
    #[default]
    Nobody,
    File,
    /// The provider's cost card (or the default cost card), converted where needed.
    Card,
    /// No cost card covers the call, or no exchange rate converts it: stored as 0 and
    /// listed, never taken for a real cost of 0.
    Unknown,
}

macro_rules! stored_names {
    ($t:ty { $($v:ident => $name:literal),* $(,)? }) => {
        impl $t {
            /// The name stored in the database and shown in lists.
            pub fn name(self) -> &'static str {
                match self { $(Self::$v => $name),* }
            }

            pub fn parse(name: &str) -> Option<Self> {
                match name { $($name => Some(Self::$v),)* _ => None }
            }
        }
    };
}

stored_names!(ChargedBy { Nobody => "", File => "file", Card => "card", Flat => "flat", Unrated => "unrated" });
stored_names!(CostBy { Nobody => "", File => "file", Card => "card", Unknown => "unknown" });

/// A customer's price for calls: per minute, in millionths of the currency's major unit,
/// billed in first/next second increments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tariff {
    pub rate_micros: i64,
    pub first_s: u32,
    pub next_s: u32,
}

impl Tariff {
    /// A customer without a price: calls are still timed in their increments, but cost nothing.
    pub fn is_priced(&self) -> bool {
        self.rate_micros > 0
    }

    pub fn billed_seconds(&self, talk_s: i64) -> i64 {
        billed_seconds(talk_s, self.first_s, self.next_s)
    }

    /// The charge for `billed_s` seconds, in millionths of the currency's major unit.
    pub fn charge(&self, billed_s: i64) -> i64 {
        price_micros(billed_s, self.rate_micros)
    }
}

/// `billed_s` seconds at `rate_micros` a minute, in millionths, exactly and then rounded
/// half to even to the millionth: 7 s at 0.012345 a minute is 1,440.25 millionths, 1,440.
/// Rounding to the currency's minor unit waits until money leaves call level.
pub fn price_micros(billed_s: i64, rate_micros: i64) -> i64 {
    let exact = i128::from(billed_s) * i128::from(rate_micros);
    i64::try_from(div_half_even(exact, 60)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_increments_round_up() {
        assert_eq!(billed_seconds(1, 60, 60), 60);
        assert_eq!(billed_seconds(61, 60, 60), 120);
        assert_eq!(billed_seconds(61, 6, 6), 66);
        assert_eq!(billed_seconds(61, 1, 1), 61);
        assert_eq!(billed_seconds(0, 60, 60), 0);
        assert_eq!(billed_seconds(31, 30, 6), 36);
    }

    #[test]
    fn charges_are_exact_to_the_millionth() {
        let t = Tariff {
            rate_micros: 10_000,
            first_s: 30,
            next_s: 6,
        };
        // The worked example: 20 s and 37 s on 30/6 at 0.0100 a minute are 0.005 and 0.007.
        assert_eq!(t.charge(t.billed_seconds(20)), 5_000);
        assert_eq!(t.charge(t.billed_seconds(37)), 7_000);
        // 6 s at 0.0042 a minute is 0.00042: not nothing.
        assert_eq!(price_micros(6, 4_200), 420);
        // 7 s at 0.012345 a minute is 1,440.25 millionths; half to even at .5.
        assert_eq!(price_micros(7, 12_345), 1_440);
        assert_eq!(price_micros(1, 30), 0);
        assert_eq!(price_micros(1, 90), 2);
        assert_eq!(price_micros(0, 12_345), 0);
        assert!(
            !Tariff {
                rate_micros: 0,
                ..t
            }
            .is_priced()
        );
    }
}
