//! Rating a call: the seconds billed under an increment, and the charge at a per-minute price.

use super::money::Currency;

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

    /// The charge for `billed_s` seconds in minor units of `currency`, rounded half up
    /// once per call, as an invoice line for that call would be.
    pub fn charge(&self, billed_s: i64, currency: Currency) -> i64 {
        let micros_per_minor = 10i128.pow(6 - u32::from(currency.digits().min(6)));
        let numerator = i128::from(billed_s) * i128::from(self.rate_micros);
        let denominator = 60 * micros_per_minor;
        let minor = (numerator + denominator / 2).div_euclid(denominator);
        i64::try_from(minor).unwrap_or(i64::MAX)
    }
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
    fn charge_is_per_call_and_rounds_half_up() {
        let eur = Currency::parse("EUR").unwrap();
        // 0.012 EUR a minute: 120 s cost 0.024 EUR, which is 2 cents; 150 s cost 0.03 EUR.
        let t = Tariff {
            rate_micros: 12_000,
            first_s: 60,
            next_s: 60,
        };
        assert_eq!(t.charge(120, eur), 2);
        assert_eq!(t.charge(150, eur), 3);
        assert_eq!(t.charge(0, eur), 0);
        // 1.5 yen a minute: one minute rounds up to 2 yen.
        let jpy = Currency::parse("JPY").unwrap();
        let yen = Tariff {
            rate_micros: 1_500_000,
            ..t
        };
        assert_eq!(yen.charge(60, jpy), 2);
        assert!(
            !Tariff {
                rate_micros: 0,
                ..t
            }
            .is_priced()
        );
    }
}
