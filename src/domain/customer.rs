//! The customer: the subject of the card, and its rules.

use super::money::Currency;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a customer may pass calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Inactive,
    Pending,
    Penalty,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Active,
        Status::Inactive,
        Status::Pending,
        Status::Penalty,
    ];

    /// The value stored in the database and accepted on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Inactive => "inactive",
            Status::Pending => "pending",
            Status::Penalty => "penalty",
        }
    }

    /// The label people see.
    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Inactive => "Inactive",
            Status::Pending => "Pending Approval",
            Status::Penalty => "Penalty",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        let t = text
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '_', '-'], "");
        match t.as_str() {
            "active" => Some(Status::Active),
            "inactive" => Some(Status::Inactive),
            "pending" | "pendingapproval" => Some(Status::Pending),
            "penalty" => Some(Status::Penalty),
            _ => None,
        }
    }

    /// Cycles through the statuses, for a selector in a form.
    pub fn next(self) -> Status {
        let i = Status::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Status::ALL[(i + 1) % Status::ALL.len()]
    }

    pub fn prev(self) -> Status {
        let i = Status::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Status::ALL[(i + Status::ALL.len() - 1) % Status::ALL.len()]
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How often invoices are generated for a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceSchedule {
    None,
    Daily,
    Weekly,
    Monthly,
}

impl InvoiceSchedule {
    pub fn key(self) -> &'static str {
        match self {
            InvoiceSchedule::None => "none",
            InvoiceSchedule::Daily => "daily",
            InvoiceSchedule::Weekly => "weekly",
            InvoiceSchedule::Monthly => "monthly",
        }
    }

    pub const ALL: [InvoiceSchedule; 4] = [
        InvoiceSchedule::None,
        InvoiceSchedule::Daily,
        InvoiceSchedule::Weekly,
        InvoiceSchedule::Monthly,
    ];

    pub fn parse(text: &str) -> Option<InvoiceSchedule> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" | "" => Some(InvoiceSchedule::None),
            "daily" => Some(InvoiceSchedule::Daily),
            "weekly" => Some(InvoiceSchedule::Weekly),
            "monthly" => Some(InvoiceSchedule::Monthly),
            _ => None,
        }
    }
}

/// A customer's full record, as on the card. Money fields are minor units of `currency`.
/// Its JSON (serde) is what the audit log and scheduled changes carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub status: Status,
    /// Positive means the customer has credit with us.
    pub balance: i64,
    /// How far the balance may go below zero.
    pub debit_limit: i64,
    pub minimum_payment: i64,
    /// Tax in basis points: 2000 is 20.00 %.
    pub tax_bp: u32,
    #[serde(
        serialize_with = "currency_code",
        deserialize_with = "currency_from_code"
    )]
    pub currency: Currency,
    pub channels: u32,
    pub channels_in_use: u32,
    /// Calls per second allowed; 0 means unlimited.
    pub cps: u32,
    pub portal_access: bool,
    pub paypal_email: String,
    pub website: String,
    pub address: String,
    pub tags: Vec<String>,
    /// Free configuration as TOML.
    pub vars: String,
    pub email_verification: bool,
    pub mobile_verification: bool,
    pub approved_clis_only: bool,
    pub invoice_schedule: InvoiceSchedule,
    pub invoice_due_days: u32,
    pub account_code: String,
    /// Price per minute in millionths of the currency's major unit.
    pub rate_micros: i64,
    /// Billing increment "first/next" in seconds, e.g. 60/60, 6/6, 1/1.
    pub bill_first_s: u32,
    pub bill_next_s: u32,
    /// Taken off a dialled number before it is rated ("9#"), the longest that matches.
    #[serde(default)]
    pub tech_prefixes: Vec<String>,
    /// The rate card assigned last (its name), which prices its calls from then on; empty
    /// while it has none. Its assignments with their dates are kept apart.
    #[serde(default)]
    pub rate_card: String,
    pub parent_id: Option<i64>,
    /// RFC 3339 UTC.
    pub last_call_at: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

fn currency_code<S: serde::Serializer>(c: &Currency, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.code())
}

fn currency_from_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Currency, D::Error> {
    let code = String::deserialize(d)?;
    Currency::parse(&code).ok_or_else(|| {
        serde::de::Error::custom(format!("'{code}' is not an ISO 4217 currency code"))
    })
}

impl Customer {
    /// The balance in words, from the carrier's side: a positive balance is the customer's
    /// credit, a negative one is owed to us.
    pub fn standing(&self) -> &'static str {
        match self.balance {
            b if b > 0 => "in credit",
            b if b < 0 => "owes us",
            _ => "even",
        }
    }

    /// A customer not yet saved (id 0), with the schema's defaults.
    pub fn new(currency: Currency) -> Customer {
        Customer {
            id: 0,
            name: String::new(),
            status: Status::Active,
            balance: 0,
            debit_limit: 0,
            minimum_payment: 0,
            tax_bp: 0,
            currency,
            channels: 0,
            channels_in_use: 0,
            cps: 0,
            portal_access: true,
            paypal_email: String::new(),
            website: String::new(),
            address: String::new(),
            tags: Vec::new(),
            vars: String::new(),
            email_verification: false,
            mobile_verification: false,
            approved_clis_only: false,
            invoice_schedule: InvoiceSchedule::None,
            invoice_due_days: 0,
            account_code: String::new(),
            rate_micros: 0,
            bill_first_s: 60,
            bill_next_s: 60,
            tech_prefixes: Vec::new(),
            rate_card: String::new(),
            parent_id: None,
            last_call_at: None,
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    /// Balance plus debit limit: what the customer may still spend.
    pub fn available(&self) -> i64 {
        self.balance.saturating_add(self.debit_limit)
    }

    /// The customer's rules allow calls only while Active with money left to spend.
    pub fn can_call(&self) -> bool {
        self.status == Status::Active && self.available() > 0
    }
}

/// Formats tax basis points as a percentage with up to two decimals: 2000 → "20", 815 → "8.15".
pub fn tax_percent(bp: u32) -> String {
    super::money::trimmed_decimal(i64::from(bp), 2)
}

/// One line of the customers board: what the list shows and searches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardRow {
    pub id: i64,
    pub name: String,
    pub status: Status,
    pub balance: i64,
    pub debit_limit: i64,
    #[serde(serialize_with = "currency_code")]
    pub currency: Currency,
    pub channels: u32,
    pub channels_in_use: u32,
    pub cps: u32,
    /// Unix seconds of the last call, if any.
    pub last_call: Option<i64>,
    /// Attempts, connected calls and connected seconds over the last 24 hours.
    pub attempts_24h: i64,
    pub connected_24h: i64,
    pub duration_24h: i64,
    /// Free labels, for the filter line (`tag:wholesale`).
    pub tags: Vec<String>,
    /// For search (the contacts are searched in the database: `search::ContactMatches`).
    #[serde(skip)]
    pub account_code: String,
}

/// The console's order of customer names: SQLite's NOCASE order (ASCII letters folded,
/// then bytes), PostgreSQL's `lower(name COLLATE "C")`. The board is loaded in it, puts a
/// changed row back by it, and sorts by Name with it; global contacts list customers by it.
pub fn name_order(a: &str, b: &str) -> std::cmp::Ordering {
    folded_name(a).cmp(folded_name(b))
}

/// The board's order of its rows: by `name_order`, then by id, so that it is one order even
/// where a PostgreSQL locale lets two names differ only in the case of an ASCII letter
/// (its unique index folds with the locale's lower(), Turkish "I" to "ı").
pub fn board_order(a: &BoardRow, b: &BoardRow) -> std::cmp::Ordering {
    name_order(&a.name, &b.name).then(a.id.cmp(&b.id))
}

/// A name's bytes as `name_order` compares them.
pub fn folded_name(name: &str) -> impl Iterator<Item = u8> + '_ {
    name.bytes().map(|c| c.to_ascii_lowercase())
}

impl BoardRow {
    pub fn asr_24h(&self) -> Option<f64> {
        super::summary::asr(self.attempts_24h, self.connected_24h)
    }

    pub fn acd_24h(&self) -> Option<f64> {
        super::summary::acd(self.connected_24h, self.duration_24h)
    }
}

/// Tags as stored and typed: comma separated, trimmed, empty ones dropped.
pub fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

pub const MAX_CHANNELS: u32 = 100_000;
pub const MAX_CPS: u32 = 10_000;

/// Channel limit as typed in a form: a whole number, not negative, within reason.
pub fn parse_channels(text: &str) -> Result<u32, String> {
    parse_count(text, "channels", MAX_CHANNELS)
}

/// Calls per second as typed in a form; 0 means unlimited.
pub fn parse_cps(text: &str) -> Result<u32, String> {
    parse_count(text, "CPS", MAX_CPS)
}

/// Refuses a value typed with a plus sign: "+10" reads as 10, but whoever types it means
/// "ten more", which no edit does.
pub fn set_not_add(text: &str, what: &str) -> Result<(), String> {
    match text.trim().strip_prefix('+') {
        Some(n) => Err(format!(
            "{what}: '+{n}' would set {n}, not add {n}; type the new value itself"
        )),
        None => Ok(()),
    }
}

/// A whole number from 0 to `max`; `what` names it in the reason.
pub fn parse_count(text: &str, what: &str, max: u32) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("{what} is required"));
    }
    if t.starts_with('-') {
        return Err(format!("{what} cannot be negative"));
    }
    set_not_add(t, what)?;
    // Read wide, so that a number past u32 is "too large" rather than "not a number".
    match t.parse::<u64>() {
        Ok(n) => check_count(u32::try_from(n).unwrap_or(u32::MAX), what, max),
        Err(_) => Err(format!("{what} must be a whole number, not '{t}'")),
    }
}

/// The upper bound of a count, for values that arrive already typed (scheduled changes).
pub fn check_count(n: u32, what: &str, max: u32) -> Result<u32, String> {
    if n <= max {
        Ok(n)
    } else {
        Err(format!("{what} must be at most {max}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trips_and_cycles() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.key()), Some(s));
            assert_eq!(Status::parse(s.label()), Some(s));
            assert_eq!(s.next().prev(), s);
        }
        assert_eq!(Status::parse("Pending Approval"), Some(Status::Pending));
        assert_eq!(Status::parse("gone"), None);
    }

    #[test]
    fn channels_are_validated_with_reasons() {
        assert_eq!(parse_channels(" 30 "), Ok(30));
        assert_eq!(
            parse_channels("-1").unwrap_err(),
            "channels cannot be negative"
        );
        assert!(parse_channels("ten").unwrap_err().contains("whole number"));
        assert!(
            parse_channels("+10")
                .unwrap_err()
                .contains("would set 10, not add 10")
        );
        assert!(parse_channels("").unwrap_err().contains("required"));
        assert!(parse_channels("1000000").unwrap_err().contains("at most"));
        assert!(
            parse_channels("4294967296")
                .unwrap_err()
                .contains("at most")
        );
    }

    #[test]
    fn tax_shows_up_to_two_decimals() {
        assert_eq!(tax_percent(2000), "20");
        assert_eq!(tax_percent(810), "8.1");
        assert_eq!(tax_percent(815), "8.15");
        assert_eq!(tax_percent(5), "0.05");
    }
}
