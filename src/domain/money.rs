//! Money as integer minor units of an ISO 4217 currency. No floats anywhere.

use std::fmt;

/// ISO 4217 codes with their number of minor-unit digits.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("UZS", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// A validated ISO 4217 currency code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    digits: u8,
}

impl Currency {
    /// Looks a code up, ignoring case. `None` when it is not an ISO 4217 code.
    pub fn parse(code: &str) -> Option<Currency> {
        let upper = code.trim().to_ascii_uppercase();
        Currency::stored(&upper)
    }

    /// A code as stored (upper case, no spaces), found without a copy: the board reads
    /// one per customer. CURRENCIES is in code order.
    pub fn stored(code: &str) -> Option<Currency> {
        let i = CURRENCIES.binary_search_by(|(c, _)| (*c).cmp(code)).ok()?;
        let (code, digits) = CURRENCIES[i];
        Some(Currency { code, digits })
    }

    pub fn code(self) -> &'static str {
        self.code
    }

    /// Digits after the decimal point (2 for EUR, 0 for JPY, 3 for KWD).
    pub fn digits(self) -> u8 {
        self.digits
    }

    fn scale(self) -> i64 {
        10i64.pow(u32::from(self.digits))
    }

    /// Parses a decimal amount typed by a person ("12.5", "-3", "1000.00") into minor
    /// units, exactly. Rejects more decimals than the currency has, exponents and
    /// thousands separators, so nothing is rounded or guessed.
    pub fn parse_amount(self, text: &str) -> Result<i64, String> {
        parse_decimal(text, self.digits, self.code)
    }

    /// Millionths of the major unit in one minor unit (10,000 for EUR, 1,000,000 for JPY).
    pub fn micros_per_minor(self) -> i64 {
        MICROS / self.scale()
    }

    /// Minor units as millionths: exact, or None past what an i64 holds.
    pub fn micros_of_minor(self, minor: i64) -> Option<i64> {
        minor.checked_mul(self.micros_per_minor())
    }

    /// Millionths rounded, half to even, to the currency's minor unit. Money is held at
    /// call precision and rounded here, once, where it leaves call level (an invoice line,
    /// a balance debit, a figure on screen); never per call.
    pub fn minor_of_micros(self, micros: i64) -> i64 {
        div_half_even(i128::from(micros), i128::from(self.micros_per_minor())) as i64
    }

    /// Parses a decimal amount at call precision ("0.0042", "12.5") into millionths:
    /// up to six decimals, whatever the currency's minor unit.
    pub fn parse_micros(self, text: &str) -> Result<i64, String> {
        parse_decimal(text, MICROS_DIGITS, self.code)
    }

    /// Millionths as the shortest exact plain decimal, keeping at least the currency's own
    /// decimals: 0.012 EUR is "0.012", 12 EUR "12.00", 5 JPY "5". What copies, exports and
    /// the CDR report carry, so that a spreadsheet adds up exactly what the database holds.
    pub fn exact(self, micros: i64) -> String {
        let text = trimmed_decimal(micros, MICROS_DIGITS);
        let decimals = text.split_once('.').map_or(0, |(_, f)| f.len());
        let want = usize::from(self.digits);
        match (decimals, want) {
            (d, w) if d >= w => text,
            (0, w) => format!("{text}.{:0w$}", 0),
            (d, w) => format!("{text}{:0>pad$}", "", pad = w - d),
        }
    }

    /// Millionths for a person, rounded half to even to `decimals` places (the currency's
    /// own when None) and grouped: "1,234.57".
    pub fn show(self, micros: i64, decimals: Option<u8>) -> String {
        let decimals = decimals.unwrap_or(self.digits).min(MICROS_DIGITS);
        let step = 10i64.pow(u32::from(MICROS_DIGITS - decimals));
        let rounded = div_half_even(i128::from(micros), i128::from(step)) as i64;
        let as_minor = Currency {
            code: self.code,
            digits: decimals,
        };
        as_minor.display(rounded)
    }

    /// Minor units as a plain decimal: "-1234.50". No symbol, no separators:
    /// what spreadsheets and scripts read as a number.
    pub fn plain(self, minor: i64) -> String {
        if self.digits == 0 {
            return minor.to_string();
        }
        let scale = self.scale();
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        format!(
            "{sign}{}.{:0width$}",
            abs / scale as u64,
            abs % scale as u64,
            width = usize::from(self.digits)
        )
    }

    /// Minor units for a person: thousands separated, e.g. "-1,234.50".
    pub fn display(self, minor: i64) -> String {
        let plain = self.plain(minor);
        let (sign, rest) = plain
            .strip_prefix('-')
            .map_or(("", plain.as_str()), |r| ("-", r));
        let (int, frac) = rest
            .split_once('.')
            .map_or((rest, None), |(i, f)| (i, Some(f)));
        let mut grouped = String::with_capacity(int.len() + int.len() / 3);
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        match frac {
            Some(f) => format!("{sign}{grouped}.{f}"),
            None => format!("{sign}{grouped}"),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

/// An amount with its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.currency.display(self.minor),
            self.currency.code
        )
    }
}

/// The most decimal places any currency has (BHD, KWD, ... have 3).
pub const MAX_DIGITS: u8 = 3;

/// Call precision: amounts of calls, rates and fees are millionths of the major unit.
pub const MICROS_DIGITS: u8 = 6;
pub const MICROS: i64 = 1_000_000;

/// `n / d` rounded to the nearest integer, a tie to the even one (banker's rounding), so
/// that rounding many amounts does not drift upwards. `d` is positive.
pub fn div_half_even(n: i128, d: i128) -> i128 {
    let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    }
}

/// An integer scaled by `digits` as the shortest exact decimal: (815, 2) → "8.15",
/// (2000, 2) → "20", (12_000, 6) → "0.012".
pub fn trimmed_decimal(value: i64, digits: u8) -> String {
    let scale = 10u64.pow(u32::from(digits));
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let frac = format!("{:0width$}", abs % scale, width = usize::from(digits));
    match frac.trim_end_matches('0') {
        "" => format!("{sign}{}", abs / scale),
        f => format!("{sign}{}.{f}", abs / scale),
    }
}

/// A number with a unit typed before or after it ("5EUR", "€ 12", "20 pct"): the number
/// and the unit, which the field does not take.
fn number_and_unit(text: &str) -> Option<(&str, &str)> {
    let is_number = |c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | '+');
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let end = text[start..]
        .find(|c: char| !is_number(c))
        .map_or(text.len(), |e| start + e);
    let (before, number, after) = (text[..start].trim(), &text[start..end], text[end..].trim());
    let plain = |s: &str| !s.is_empty() && !s.contains(|c: char| c.is_ascii_digit() || c == ',');
    match (before.is_empty(), after.is_empty()) {
        (true, false) if plain(after) => Some((number, after)),
        (false, true) if plain(before) => Some((number, before)),
        _ => None,
    }
}

/// Parses a plain decimal ("12.5", "-3", "+0.07") into an integer scaled by `digits`
/// decimal places, exactly: "12.5" with 2 digits is 1250. `what` names the unit in the
/// message when there are too many decimals ("EUR", "tax"). Scientific notation and
/// thousands or decimal commas are refused with a reason, since either would be a guess.
/// "1e3", "2.5E-4": a decimal, an e, a whole exponent; not any text with an e in it
/// ("0eur" is a typo, not a number in scientific notation).
fn is_scientific(body: &str) -> bool {
    let Some((mantissa, exponent)) = body.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !int.is_empty() && digits(int) && digits(frac) && !exponent.is_empty() && digits(exponent)
}

pub fn parse_decimal(text: &str, digits: u8, what: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("a number is required".into());
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits_only(int) || !digits_only(frac) || body.ends_with('.') {
        return Err(if t.contains(',') {
            format!(
                "'{t}' has a comma: write numbers without thousands separators and with a point for decimals, like 1234.50"
            )
        } else if is_scientific(body) {
            format!("'{t}' is in scientific notation: write the number out, like 1500")
        } else if let Some((number, unit)) = number_and_unit(t) {
            format!("'{t}' has '{unit}' beside the number: type the number alone, like {number}")
        } else {
            format!("'{t}' is not a plain decimal number (like 1234.50)")
        });
    }
    if frac.len() > usize::from(digits) {
        return Err(match digits {
            0 => format!("{what} has no decimal places: write '{int}' without '.{frac}'"),
            1 => format!(
                "{what} takes at most 1 decimal place, '{t}' has {}",
                frac.len()
            ),
            _ => format!(
                "{what} takes at most {digits} decimal places, '{t}' has {}",
                frac.len()
            ),
        });
    }
    let too_large = || format!("'{t}' is too large");
    let whole: i64 = int.parse().map_err(|_| too_large())?;
    let mut scaled = whole
        .checked_mul(10i64.pow(u32::from(digits)))
        .ok_or_else(too_large)?;
    if !frac.is_empty() {
        let pad = 10i64.pow(u32::from(digits) - frac.len() as u32);
        let f: i64 = frac.parse().map_err(|_| too_large())?;
        scaled = scaled.checked_add(f * pad).ok_or_else(too_large)?;
    }
    Ok(if neg { -scaled } else { scaled })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("eur").unwrap()
    }

    #[test]
    fn parses_amounts_exactly() {
        assert_eq!(eur().parse_amount("12.5"), Ok(1250));
        assert_eq!(eur().parse_amount("-0.07"), Ok(-7));
        assert_eq!(eur().parse_amount("1000"), Ok(100_000));
        assert_eq!(
            Currency::parse("JPY").unwrap().parse_amount("1500"),
            Ok(1500)
        );
        assert_eq!(
            Currency::parse("KWD").unwrap().parse_amount("1.234"),
            Ok(1234)
        );
    }

    #[test]
    fn rejects_what_it_would_have_to_guess() {
        for bad in ["1e3", "1,000.00", "12.345", "", "abc", "1.", ".5", "--1"] {
            assert!(eur().parse_amount(bad).is_err(), "{bad} accepted");
        }
        assert!(Currency::parse("JPY").unwrap().parse_amount("1.5").is_err());
    }

    #[test]
    fn refusals_say_why() {
        assert!(
            eur()
                .parse_amount("1e3")
                .unwrap_err()
                .contains("scientific")
        );
        assert!(
            eur()
                .parse_amount("2.5E-2")
                .unwrap_err()
                .contains("scientific")
        );
        // A number with a unit is not scientific notation: the unit is named.
        let typo = eur().parse_amount("0eur").unwrap_err();
        assert_eq!(
            typo,
            "'0eur' has 'eur' beside the number: type the number alone, like 0"
        );
        let typo = eur().parse_amount("5EUR").unwrap_err();
        assert!(typo.contains("'EUR' beside the number"), "{typo}");
        let typo = eur().parse_amount("€ 12.5").unwrap_err();
        assert!(typo.contains("like 12.5"), "{typo}");
        let typo = eur().parse_amount("1.2.3").unwrap_err();
        assert!(typo.contains("not a plain decimal number"), "{typo}");
        assert!(eur().parse_amount("1,000").unwrap_err().contains("comma"));
        assert!(
            eur()
                .parse_amount("1.000,50")
                .unwrap_err()
                .contains("comma")
        );
        assert_eq!(
            eur().parse_amount("1.000").unwrap_err(),
            "EUR takes at most 2 decimal places, '1.000' has 3"
        );
        assert!(
            eur()
                .parse_amount("abc")
                .unwrap_err()
                .contains("plain decimal")
        );
        assert!(
            eur()
                .parse_amount("99999999999999999999")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn trimmed_decimals_are_exact_and_short() {
        assert_eq!(trimmed_decimal(815, 2), "8.15");
        assert_eq!(trimmed_decimal(810, 2), "8.1");
        assert_eq!(trimmed_decimal(2000, 2), "20");
        assert_eq!(trimmed_decimal(12_000, 6), "0.012");
        assert_eq!(trimmed_decimal(-5, 2), "-0.05");
        assert_eq!(trimmed_decimal(7, 0), "7");
    }

    #[test]
    fn decimals_scale_to_any_precision() {
        assert_eq!(parse_decimal("8.15", 2, "tax"), Ok(815));
        assert_eq!(parse_decimal("0.012", 6, "rate"), Ok(12_000));
        assert_eq!(parse_decimal("+3", 0, "x"), Ok(3));
        assert!(
            parse_decimal("8.155", 2, "tax")
                .unwrap_err()
                .starts_with("tax takes")
        );
    }

    #[test]
    fn formats_plain_and_for_people() {
        assert_eq!(eur().plain(-123_450), "-1234.50");
        assert_eq!(eur().display(-123_456_789), "-1,234,567.89");
        assert_eq!(eur().display(5), "0.05");
        assert_eq!(
            Currency::parse("JPY").unwrap().display(1_234_567),
            "1,234,567"
        );
    }

    #[test]
    fn half_to_even_rounds_ties_to_the_even_neighbour() {
        assert_eq!(div_half_even(5, 2), 2);
        assert_eq!(div_half_even(7, 2), 4);
        assert_eq!(div_half_even(-5, 2), -2);
        assert_eq!(div_half_even(-7, 2), -4);
        assert_eq!(div_half_even(6, 4), 2);
        assert_eq!(div_half_even(86_415, 60), 1440);
    }

    #[test]
    fn call_precision_is_kept_until_shown() {
        let (jpy, bhd) = (
            Currency::parse("JPY").unwrap(),
            Currency::parse("BHD").unwrap(),
        );
        assert_eq!(eur().exact(12_000), "0.012");
        assert_eq!(eur().exact(12_000_000), "12.00");
        assert_eq!(eur().exact(12_500_000), "12.50");
        assert_eq!(eur().exact(-1_234_500_000), "-1234.50");
        assert_eq!(jpy.exact(5_000_000), "5");
        assert_eq!(jpy.exact(5_500_000), "5.5");
        assert_eq!(bhd.exact(1_000), "0.001");
        assert_eq!(eur().show(12_000, None), "0.01");
        assert_eq!(eur().show(15_000, None), "0.02");
        assert_eq!(eur().show(25_000, None), "0.02");
        assert_eq!(eur().show(12_345, Some(4)), "0.0123");
        assert_eq!(eur().show(1_234_567_890_000, None), "1,234,567.89");
        assert_eq!(jpy.show(1_500_000, None), "2");
        assert_eq!(eur().minor_of_micros(12_000), 1);
        assert_eq!(eur().minor_of_micros(-5_000), 0);
        assert_eq!(eur().micros_of_minor(250), Some(2_500_000));
        assert_eq!(eur().parse_micros("0.0042"), Ok(4_200));
        assert!(
            eur()
                .parse_micros("0.0000001")
                .unwrap_err()
                .contains("at most 6 decimal places")
        );
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert!(Currency::parse("XYZ").is_none());
        assert!(Currency::parse("EURO").is_none());
    }
}
