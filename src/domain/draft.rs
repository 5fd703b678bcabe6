//! A customer as a person types it (form, CSV row, command line), and the rules that turn
//! it into a `Customer`. Every way in goes through here, so the rules are the same everywhere.
//!
//! `FieldError::field` is the draft field's name (`Field::name`: "tax", "rate",
//! "billing_increment", ...), which is also the CSV column, the `--set` name and the form
//! field, never the database column ("tax_bp").

use super::customer::{
    MAX_CHANNELS, MAX_CPS, check_count, parse_channels, parse_count, parse_cps, set_not_add,
    split_tags, tax_percent,
};
use super::money::{Currency, MAX_DIGITS, parse_decimal, trimmed_decimal};
use super::{Customer, InvoiceSchedule, Status};
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

/// An editable field of a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Status,
    DebitLimit,
    MinimumPayment,
    Tax,
    Currency,
    Channels,
    Cps,
    PortalAccess,
    PaypalEmail,
    Website,
    Address,
    Tags,
    Vars,
    EmailVerification,
    MobileVerification,
    ApprovedClisOnly,
    InvoiceSchedule,
    InvoiceDueDays,
    AccountCode,
    Rate,
    BillingIncrement,
    TechPrefixes,
    RateCard,
}

impl Field {
    pub const ALL: [Field; 24] = [
        Field::Name,
        Field::Status,
        Field::DebitLimit,
        Field::MinimumPayment,
        Field::Tax,
        Field::Currency,
        Field::Channels,
        Field::Cps,
        Field::PortalAccess,
        Field::PaypalEmail,
        Field::Website,
        Field::Address,
        Field::Tags,
        Field::Vars,
        Field::EmailVerification,
        Field::MobileVerification,
        Field::ApprovedClisOnly,
        Field::InvoiceSchedule,
        Field::InvoiceDueDays,
        Field::AccountCode,
        Field::Rate,
        Field::BillingIncrement,
        Field::TechPrefixes,
        Field::RateCard,
    ];

    /// The field's name outside the code: form field, CSV column, `--set` and flag name.
    pub fn name(self) -> &'static str {
        NAMES[self as usize]
    }

    /// The label people see next to the value.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Name",
            Field::Status => "Status",
            Field::DebitLimit => "Debit limit",
            Field::MinimumPayment => "Minimum payment",
            Field::Tax => "Tax %",
            Field::Currency => "Currency",
            Field::Channels => "Channels",
            Field::Cps => "CPS",
            Field::PortalAccess => "Portal access",
            Field::PaypalEmail => "PayPal email",
            Field::Website => "Website",
            Field::Address => "Address",
            Field::Tags => "Tags",
            Field::Vars => "Vars (TOML)",
            Field::EmailVerification => "Email verification",
            Field::MobileVerification => "Mobile verification",
            Field::ApprovedClisOnly => "Approved CLIs only",
            Field::InvoiceSchedule => "Invoice schedule",
            Field::InvoiceDueDays => "Invoice due days",
            Field::AccountCode => "Account code",
            Field::Rate => "Rate per minute",
            Field::BillingIncrement => "Billing increment",
            Field::TechPrefixes => "Technical prefixes",
            Field::RateCard => "Rate card",
        }
    }

    /// What a value looks like, for help texts.
    pub fn example(self) -> &'static str {
        match self {
            Field::Name => "Atlas Voice Ltd",
            Field::Status => "active, inactive, pending or penalty",
            Field::DebitLimit | Field::MinimumPayment => "1500.00, in the customer's currency",
            Field::Tax => "20 or 8.15",
            Field::Currency => "EUR; only when creating",
            Field::Channels => "30",
            Field::Cps => "10; 0 is unlimited",
            Field::PortalAccess
            | Field::EmailVerification
            | Field::MobileVerification
            | Field::ApprovedClisOnly => "yes or no",
            Field::PaypalEmail => "billing@example.com",
            Field::Website => "https://www.example.com",
            Field::Address => "1 Main Street, London",
            Field::Tags => "wholesale,eu",
            Field::Vars => "max_call_minutes = 60",
            Field::InvoiceSchedule => "none, daily, weekly or monthly",
            Field::InvoiceDueDays => "14",
            Field::AccountCode => "AC000123",
            Field::Rate => "0.012, per minute",
            Field::BillingIncrement => "60/60, 30/6, 6/6 or 1/1",
            Field::TechPrefixes => "9#, taken off dialled numbers before rating",
            Field::RateCard => {
                "WHOLESALE-EUR, in the customer's currency: prices its calls from now on"
            }
        }
    }

    /// Finds a field by name, ignoring case; `-` or a space may stand for `_`.
    pub fn parse(name: &str) -> Option<Field> {
        let wanted = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Field::ALL.into_iter().find(|f| f.name() == wanted)
    }

    /// The keys this field sets in the customer's JSON: its name, except where the stored
    /// form differs from the typed one.
    pub fn json_keys(self) -> &'static [&'static str] {
        match self {
            Field::Tax => &["tax_bp"],
            Field::Rate => &["rate_micros"],
            Field::BillingIncrement => &["bill_first_s", "bill_next_s"],
            f => std::slice::from_ref(&NAMES[f as usize]),
        }
    }

    /// The field a key of the customer's JSON belongs to; `None` for what is not editable
    /// (id, balance, version, ...).
    pub fn from_json_key(key: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.json_keys().contains(&key))
    }
}

/// `Field::name()` by discriminant; a static array so that `json_keys` can lend a slice of it.
const NAMES: [&str; 24] = [
    "name",
    "status",
    "debit_limit",
    "minimum_payment",
    "tax",
    "currency",
    "channels",
    "cps",
    "portal_access",
    "paypal_email",
    "website",
    "address",
    "tags",
    "vars",
    "email_verification",
    "mobile_verification",
    "approved_clis_only",
    "invoice_schedule",
    "invoice_due_days",
    "account_code",
    "rate",
    "billing_increment",
    "tech_prefixes",
    "rate_card",
];

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a field's value was refused. The message is a sentence that names the field in
/// words, so it reads the same beside the field in a form and on its own on stderr.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// `Field::name()`, or "fields" for a scheduled change's JSON that names no field.
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: Field, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.name(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// Every editable field of a customer as typed: text, or the typed value for choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerDraft {
    pub name: String,
    pub status: Status,
    /// Decimal in the customer's currency ("1500.00"); negative for prepaid with a buffer.
    pub debit_limit: String,
    pub minimum_payment: String,
    /// Percent with up to two decimals ("20", "8.15").
    pub tax: String,
    /// ISO 4217 code; only read when creating.
    pub currency: String,
    pub channels: String,
    pub cps: String,
    pub portal_access: bool,
    pub paypal_email: String,
    pub website: String,
    pub address: String,
    /// Comma separated.
    pub tags: String,
    /// TOML.
    pub vars: String,
    pub email_verification: bool,
    pub mobile_verification: bool,
    pub approved_clis_only: bool,
    pub invoice_schedule: InvoiceSchedule,
    pub invoice_due_days: String,
    pub account_code: String,
    /// Price per minute as a decimal of the currency's major unit ("0.012").
    pub rate: String,
    /// "first/next" seconds: "60/60", "30/6", "6/6", "1/1".
    pub billing_increment: String,
    /// Comma separated ("9#, 8#").
    pub tech_prefixes: String,
    /// The name of the rate card that prices its calls from now on; empty for none.
    pub rate_card: String,
}

/// Most invoice terms are 7 to 90 days; a year is the outer bound of a sane one.
const MAX_DUE_DAYS: u32 = 365;
/// A billing increment longer than an hour is a typing mistake.
const MAX_INCREMENT_S: u32 = 3600;
const MAX_NAME_CHARS: usize = 100;
/// The most characters of the other text fields (a tag counts alone, and a customer has at
/// most `MAX_TAGS`): room for any real value, and a bound on what one field can make every
/// operator's board and card carry.
const MAX_EMAIL_CHARS: usize = 254;
const MAX_WEBSITE_CHARS: usize = 500;
const MAX_ADDRESS_CHARS: usize = 500;
const MAX_TAG_CHARS: usize = 50;
const MAX_TAGS: usize = 50;
const MAX_VARS_CHARS: usize = 10_000;
const MAX_ACCOUNT_CODE_CHARS: usize = 64;
const MAX_TECH_PREFIX_CHARS: usize = 10;
const MAX_TECH_PREFIXES: usize = 10;

/// The text of a text field as (text, multi-line, most characters): what `text_rule`
/// checks before the field's own rule, so that no message quotes a value it refuses.
fn texts(c: &Customer, f: Field) -> Vec<(&str, bool, usize)> {
    match f {
        Field::Name => vec![(c.name.as_str(), false, MAX_NAME_CHARS)],
        Field::PaypalEmail => vec![(c.paypal_email.as_str(), false, MAX_EMAIL_CHARS)],
        Field::Website => vec![(c.website.as_str(), false, MAX_WEBSITE_CHARS)],
        Field::Address => vec![(c.address.as_str(), false, MAX_ADDRESS_CHARS)],
        Field::Tags => c
            .tags
            .iter()
            .map(|t| (t.as_str(), false, MAX_TAG_CHARS))
            .collect(),
        Field::Vars => vec![(c.vars.as_str(), true, MAX_VARS_CHARS)],
        Field::AccountCode => vec![(c.account_code.as_str(), false, MAX_ACCOUNT_CODE_CHARS)],
        Field::RateCard => vec![(c.rate_card.as_str(), false, super::rate_card::MAX_NAME)],
        Field::TechPrefixes => c
            .tech_prefixes
            .iter()
            .map(|p| (p.as_str(), false, MAX_TECH_PREFIX_CHARS))
            .collect(),
        _ => Vec::new(),
    }
}

/// The rules every text field keeps: no control characters (line breaks and tabs in
/// multi-line ones), nothing that reorders text, and a most length.
fn text_rules(c: &Customer, f: Field) -> Result<(), String> {
    let label = f.label();
    if f == Field::Tags && c.tags.len() > MAX_TAGS {
        return Err(format!("{label}: at most {MAX_TAGS} tags"));
    }
    if f == Field::TechPrefixes && c.tech_prefixes.len() > MAX_TECH_PREFIXES {
        return Err(format!("{label}: at most {MAX_TECH_PREFIXES}"));
    }
    for (text, multi_line, max) in texts(c, f) {
        if let Some(problem) = super::text_rule::text_problem(text, multi_line) {
            return Err(format!("{label} {problem}"));
        }
        if text.chars().count() > max {
            return Err(format!("{label} has at most {max} characters"));
        }
    }
    Ok(())
}

impl CustomerDraft {
    /// A new customer's form: the schema's defaults, no currency chosen yet.
    pub fn blank() -> CustomerDraft {
        CustomerDraft {
            name: String::new(),
            status: Status::Active,
            debit_limit: "0".into(),
            minimum_payment: "0".into(),
            tax: "0".into(),
            currency: String::new(),
            channels: "0".into(),
            cps: "0".into(),
            portal_access: true,
            paypal_email: String::new(),
            website: String::new(),
            address: String::new(),
            tags: String::new(),
            vars: String::new(),
            email_verification: false,
            mobile_verification: false,
            approved_clis_only: false,
            invoice_schedule: InvoiceSchedule::None,
            invoice_due_days: "0".into(),
            account_code: String::new(),
            rate: "0".into(),
            billing_increment: "60/60".into(),
            tech_prefixes: String::new(),
            rate_card: String::new(),
        }
    }

    /// The form for editing an existing customer.
    pub fn from_customer(c: &Customer) -> CustomerDraft {
        CustomerDraft {
            name: c.name.clone(),
            status: c.status,
            debit_limit: c.currency.plain(c.debit_limit),
            minimum_payment: c.currency.plain(c.minimum_payment),
            tax: tax_percent(c.tax_bp),
            currency: c.currency.code().to_string(),
            channels: c.channels.to_string(),
            cps: c.cps.to_string(),
            portal_access: c.portal_access,
            paypal_email: c.paypal_email.clone(),
            website: c.website.clone(),
            address: c.address.clone(),
            tags: c.tags.join(", "),
            vars: c.vars.clone(),
            email_verification: c.email_verification,
            mobile_verification: c.mobile_verification,
            approved_clis_only: c.approved_clis_only,
            invoice_schedule: c.invoice_schedule,
            invoice_due_days: c.invoice_due_days.to_string(),
            account_code: c.account_code.clone(),
            rate: trimmed_decimal(c.rate_micros, RATE_DIGITS),
            billing_increment: format!("{}/{}", c.bill_first_s, c.bill_next_s),
            tech_prefixes: c.tech_prefixes.join(", "),
            rate_card: c.rate_card.clone(),
        }
    }

    /// A field's value as text: what `set` accepts back.
    pub fn text(&self, f: Field) -> String {
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
        match f {
            Field::Name => self.name.clone(),
            Field::Status => self.status.key().to_string(),
            Field::DebitLimit => self.debit_limit.clone(),
            Field::MinimumPayment => self.minimum_payment.clone(),
            Field::Tax => self.tax.clone(),
            Field::Currency => self.currency.clone(),
            Field::Channels => self.channels.clone(),
            Field::Cps => self.cps.clone(),
            Field::PortalAccess => yes_no(self.portal_access),
            Field::PaypalEmail => self.paypal_email.clone(),
            Field::Website => self.website.clone(),
            Field::Address => self.address.clone(),
            Field::Tags => self.tags.clone(),
            Field::Vars => self.vars.clone(),
            Field::EmailVerification => yes_no(self.email_verification),
            Field::MobileVerification => yes_no(self.mobile_verification),
            Field::ApprovedClisOnly => yes_no(self.approved_clis_only),
            Field::InvoiceSchedule => self.invoice_schedule.key().to_string(),
            Field::InvoiceDueDays => self.invoice_due_days.clone(),
            Field::AccountCode => self.account_code.clone(),
            Field::Rate => self.rate.clone(),
            Field::BillingIncrement => self.billing_increment.clone(),
            Field::TechPrefixes => self.tech_prefixes.clone(),
            Field::RateCard => self.rate_card.clone(),
        }
    }

    /// Sets a field from text (a CSV cell, a command-line value). Choices and yes/no are
    /// read here; everything else is kept as typed and checked by `validate`.
    pub fn set(&mut self, f: Field, text: &str) -> Result<(), FieldError> {
        let err = |message: String| FieldError::new(f, message);
        let flag = || {
            parse_bool(text)
                .ok_or_else(|| err(format!("{} is yes or no, not '{}'", f.label(), text.trim())))
        };
        match f {
            Field::Name => self.name = text.to_string(),
            Field::Status => {
                self.status = Status::parse(text).ok_or_else(|| {
                    err(format!(
                        "'{}' is not a status: use active, inactive, pending or penalty",
                        text.trim()
                    ))
                })?
            }
            Field::DebitLimit => self.debit_limit = text.to_string(),
            Field::MinimumPayment => self.minimum_payment = text.to_string(),
            Field::Tax => self.tax = text.to_string(),
            Field::Currency => self.currency = text.to_string(),
            Field::Channels => self.channels = text.to_string(),
            Field::Cps => self.cps = text.to_string(),
            Field::PortalAccess => self.portal_access = flag()?,
            Field::PaypalEmail => self.paypal_email = text.to_string(),
            Field::Website => self.website = text.to_string(),
            Field::Address => self.address = text.to_string(),
            Field::Tags => self.tags = text.to_string(),
            Field::Vars => self.vars = text.to_string(),
            Field::EmailVerification => self.email_verification = flag()?,
            Field::MobileVerification => self.mobile_verification = flag()?,
            Field::ApprovedClisOnly => self.approved_clis_only = flag()?,
            Field::InvoiceSchedule => {
                self.invoice_schedule = InvoiceSchedule::parse(text).ok_or_else(|| {
                    err(format!(
                        "'{}' is not an invoice schedule: use none, daily, weekly or monthly",
                        text.trim()
                    ))
                })?
            }
            Field::InvoiceDueDays => self.invoice_due_days = text.to_string(),
            Field::AccountCode => self.account_code = text.to_string(),
            Field::Rate => self.rate = text.to_string(),
            Field::BillingIncrement => self.billing_increment = text.to_string(),
            Field::TechPrefixes => self.tech_prefixes = text.to_string(),
            Field::RateCard => self.rate_card = text.to_string(),
        }
        Ok(())
    }

    /// Checks every field and builds the customer: a new one (`existing` is `None`), or
    /// `existing` with the draft's values (its id, balance and version are kept, and its
    /// currency may not change). Returns every field's problem, not only the first.
    /// Whether the name is free is the service's question: it needs the database.
    pub fn validate(&self, existing: Option<&Customer>) -> Result<Customer, Vec<FieldError>> {
        match existing {
            Some(c) => self.build(c.clone(), &Field::ALL, true),
            None => {
                let Some(cur) = Currency::parse(&self.currency) else {
                    return Err(self.errors_without_currency());
                };
                self.build(Customer::new(cur), &Field::ALL, false)
            }
        }
    }

    /// Every problem of a new customer whose currency is not valid. The amounts cannot be
    /// read to the currency's decimals without it, but how they are written can be checked
    /// (a comma, an exponent, a plus sign), so that one pass lists everything to fix.
    fn errors_without_currency(&self) -> Vec<FieldError> {
        let others: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| !matches!(f, Field::DebitLimit | Field::MinimumPayment))
            .collect();
        let mut errors = self
            .build(Customer::new(any_currency()), &others, false)
            .err()
            .unwrap_or_default();
        for (f, text, what) in [
            (Field::DebitLimit, &self.debit_limit, "debit limit"),
            (
                Field::MinimumPayment,
                &self.minimum_payment,
                "minimum payment",
            ),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            let written = set_not_add(text, what).and_then(|()| {
                parse_decimal(text, MAX_DIGITS, "an amount")
                    .map(|_| ())
                    .map_err(|e| format!("{what}: {e}"))
            });
            if let Err(message) = written {
                errors.push(FieldError::new(f, message));
            }
        }
        errors
    }

    /// `base` with only the listed fields taken from the draft and checked: an edit that
    /// touches some fields (bulk edit, command line) is not refused for an old value in a
    /// field it leaves alone.
    pub fn apply_to(&self, base: &Customer, fields: &[Field]) -> Result<Customer, Vec<FieldError>> {
        self.build(base.clone(), fields, true)
    }

    fn build(
        &self,
        mut c: Customer,
        fields: &[Field],
        existing: bool,
    ) -> Result<Customer, Vec<FieldError>> {
        let before = c.currency;
        // The currency first: the amounts are read in it.
        let ordered = fields
            .iter()
            .filter(|f| **f == Field::Currency)
            .chain(fields.iter().filter(|f| **f != Field::Currency));
        let mut errors = Vec::new();
        for &f in ordered {
            let result = if f == Field::Currency && existing {
                currency_unchanged(before, &self.currency)
            } else {
                self.read_into(&mut c, f).and_then(|()| rule(&c, f))
            };
            if let Err(message) = result {
                errors.push(FieldError::new(f, message));
            }
        }
        if errors.is_empty() {
            Ok(c)
        } else {
            Err(errors)
        }
    }

    /// Reads one field's text into `c`: syntax only; `rule` checks the value.
    fn read_into(&self, c: &mut Customer, f: Field) -> Result<(), String> {
        let money = |text: &str, what: &str| {
            set_not_add(text, what)?;
            c.currency
                .parse_amount(text)
                .map_err(|e| format!("{what}: {e}"))
        };
        match f {
            Field::Name => c.name = self.name.trim().to_string(),
            Field::Status => c.status = self.status,
            Field::DebitLimit => c.debit_limit = money(&self.debit_limit, "debit limit")?,
            Field::MinimumPayment => {
                c.minimum_payment = money(&self.minimum_payment, "minimum payment")?
            }
            Field::Tax => {
                set_not_add(&self.tax, "tax")?;
                let t = self.tax.trim();
                let bp = parse_decimal(t.strip_suffix('%').unwrap_or(t), 2, "a percentage")
                    .map_err(|e| format!("tax: {e}"))?;
                c.tax_bp = check_tax(bp)?;
            }
            Field::Currency => {
                c.currency =
                    Currency::parse(&self.currency).ok_or_else(|| match self.currency.trim() {
                        "" => "a currency is required (an ISO 4217 code like EUR)".to_string(),
                        t => format!("'{t}' is not an ISO 4217 currency code (like EUR, USD, GBP)"),
                    })?
            }
            Field::Channels => c.channels = parse_channels(&self.channels)?,
            Field::Cps => c.cps = parse_cps(&self.cps)?,
            Field::PortalAccess => c.portal_access = self.portal_access,
            Field::PaypalEmail => c.paypal_email = self.paypal_email.trim().to_string(),
            Field::Website => c.website = self.website.trim().to_string(),
            Field::Address => c.address = self.address.trim().to_string(),
            Field::Tags => {
                let mut tags = split_tags(&self.tags);
                dedup_ignoring_case(&mut tags);
                c.tags = tags;
            }
            Field::Vars => c.vars = self.vars.clone(),
            Field::EmailVerification => c.email_verification = self.email_verification,
            Field::MobileVerification => c.mobile_verification = self.mobile_verification,
            Field::ApprovedClisOnly => c.approved_clis_only = self.approved_clis_only,
            Field::InvoiceSchedule => c.invoice_schedule = self.invoice_schedule,
            Field::InvoiceDueDays => {
                c.invoice_due_days =
                    parse_count(&self.invoice_due_days, "invoice due days", MAX_DUE_DAYS)?
            }
            Field::AccountCode => c.account_code = self.account_code.trim().to_string(),
            Field::Rate => {
                set_not_add(&self.rate, "rate")?;
                c.rate_micros = parse_decimal(&self.rate, RATE_DIGITS, "a price per minute")
                    .map_err(|e| format!("rate: {e}"))?
            }
            Field::BillingIncrement => {
                (c.bill_first_s, c.bill_next_s) = parse_increment(&self.billing_increment)?
            }
            Field::TechPrefixes => {
                let mut prefixes = split_tags(&self.tech_prefixes);
                dedup_ignoring_case(&mut prefixes);
                c.tech_prefixes = prefixes;
            }
            Field::RateCard => c.rate_card = self.rate_card.trim().to_string(),
        }
        Ok(())
    }
}

/// Rates are stored in millionths of the currency's major unit.
const RATE_DIGITS: u8 = 6;

/// A currency for a throwaway customer whose amounts are not read (no currency chosen
/// yet, or a check of what does not depend on it).
pub(super) fn any_currency() -> Currency {
    Currency::parse("EUR").expect("EUR is an ISO 4217 code")
}

/// The rule of one field on a typed value. Parsing from text has already run when the
/// value came from a draft; values from a scheduled change's JSON come here directly.
fn rule(c: &Customer, f: Field) -> Result<(), String> {
    let ok = |good: bool, message: &dyn Fn() -> String| if good { Ok(()) } else { Err(message()) };
    text_rules(c, f)?;
    match f {
        Field::Name => ok(!c.name.trim().is_empty(), &|| "a name is required".into()),
        Field::MinimumPayment => ok(c.minimum_payment >= 0, &|| {
            "minimum payment cannot be negative".into()
        }),
        Field::Tax => check_tax(i64::from(c.tax_bp)).map(drop),
        Field::Channels => check_count(c.channels, "channels", MAX_CHANNELS).map(drop),
        Field::Cps => check_count(c.cps, "CPS", MAX_CPS).map(drop),
        Field::PaypalEmail => ok(
            c.paypal_email.is_empty() || is_email(&c.paypal_email),
            &|| {
                format!(
                    "PayPal email '{}' is not an email address (like billing@example.com)",
                    c.paypal_email
                )
            },
        ),
        Field::Website => ok(c.website.is_empty() || is_web_address(&c.website), &|| {
            format!(
                "website '{}' is not a web address: it starts with http:// or https://, like https://www.example.com",
                c.website
            )
        }),
        Field::Tags => ok(
            c.tags
                .iter()
                .all(|t| !t.trim().is_empty() && !t.contains(',')),
            &|| "a tag cannot be empty or contain a comma".into(),
        ),
        Field::Vars => check_toml(&c.vars),
        Field::InvoiceDueDays => {
            check_count(c.invoice_due_days, "invoice due days", MAX_DUE_DAYS).map(drop)
        }
        Field::AccountCode => ok(!c.account_code.chars().any(char::is_whitespace), &|| {
            "account code cannot contain spaces (it is matched against CDR account codes)".into()
        }),
        Field::Rate => ok(c.rate_micros >= 0, &|| "rate cannot be negative".into()),
        Field::BillingIncrement => check_increment(c.bill_first_s, c.bill_next_s),
        Field::TechPrefixes => ok(
            c.tech_prefixes.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|ch| ch.is_ascii_digit() || ch == '#' || ch == '*')
            }),
            &|| "technical prefixes are digits, # and * (like 9#), separated by commas".into(),
        ),
        Field::RateCard => match super::rate_card::name_problem(&c.rate_card) {
            Some(problem) if !c.rate_card.is_empty() => Err(problem),
            _ => Ok(()),
        },
        Field::Status
        | Field::DebitLimit
        | Field::Currency
        | Field::PortalAccess
        | Field::Address
        | Field::EmailVerification
        | Field::MobileVerification
        | Field::ApprovedClisOnly
        | Field::InvoiceSchedule => Ok(()),
    }
}

/// Checks an edit of the listed fields: each field's rule on `after`, and the currency
/// kept from `before`. What the service runs before any write, whatever built `after`.
pub fn check_edit(
    before: &Customer,
    after: &Customer,
    fields: &[Field],
) -> Result<(), Vec<FieldError>> {
    let errors: Vec<FieldError> = fields
        .iter()
        .filter_map(|&f| {
            let result = if f == Field::Currency {
                currency_unchanged(before.currency, after.currency.code())
            } else {
                rule(after, f)
            };
            result.err().map(|m| FieldError::new(f, m))
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Every rule, for a customer about to be created.
pub fn check_customer(c: &Customer) -> Result<(), Vec<FieldError>> {
    check_edit(c, c, &Field::ALL)
}

/// An existing customer's currency, typed again in any case, is fine; anything else is not.
fn currency_unchanged(before: Currency, typed: &str) -> Result<(), String> {
    if Currency::parse(typed) == Some(before) {
        Ok(())
    } else {
        Err(format!(
            "the currency cannot change once the customer exists (its balance and invoices are in {before}); create a new customer for another currency"
        ))
    }
}

fn check_tax(bp: i64) -> Result<u32, String> {
    u32::try_from(bp)
        .ok()
        .filter(|bp| *bp <= 10_000)
        .ok_or_else(|| "tax must be between 0 and 100 %".into())
}

fn parse_increment(text: &str) -> Result<(u32, u32), String> {
    let t = text.trim();
    let shape =
        || format!("billing increment is first/next seconds, like 60/60, 30/6 or 1/1, not '{t}'");
    let (first, next) = t.split_once('/').ok_or_else(shape)?;
    let first: u32 = first.trim().parse().map_err(|_| shape())?;
    let next: u32 = next.trim().parse().map_err(|_| shape())?;
    check_increment(first, next)?;
    Ok((first, next))
}

fn check_increment(first: u32, next: u32) -> Result<(), String> {
    if (1..=MAX_INCREMENT_S).contains(&first) && (1..=MAX_INCREMENT_S).contains(&next) {
        Ok(())
    } else {
        Err(format!(
            "billing increment seconds must be between 1 and {MAX_INCREMENT_S}, not {first}/{next}"
        ))
    }
}

/// Where TOML fails, as the parser says it, with the line and column people look for.
fn check_toml(text: &str) -> Result<(), String> {
    match text.parse::<toml::Table>() {
        Ok(_) => Ok(()),
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start).min(text.len());
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            Err(format!(
                "vars is not valid TOML: line {line}, column {column}: {}",
                e.message().trim_end()
            ))
        }
    }
}

/// yes/no as people and spreadsheets write it.
fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "on" => Some(true),
        "no" | "n" | "false" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// Keeps the first of tags that differ only in case.
pub fn dedup_ignoring_case(tags: &mut Vec<String>) {
    let mut seen: Vec<String> = Vec::with_capacity(tags.len());
    tags.retain(|t| {
        let lower = t.to_lowercase();
        let new = !seen.contains(&lower);
        seen.push(lower);
        new
    });
}

/// A small, sane check: one @, something before it, a host name after it, no spaces.
pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, host)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>()[];:,\"\\".contains(c))
        && is_host(host)
}

/// http(s)://host[:port][/path...], host with a dot in it.
pub(crate) fn is_web_address(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme).map(|_| &s[scheme.len()..]))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    !s.chars().any(|c| c.is_whitespace() || c.is_control()) && is_host(host)
}

pub(crate) fn is_host(h: &str) -> bool {
    h.len() <= 253
        && h.contains('.')
        && h.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// The editable fields that differ between two versions of a customer, as the customer's
/// JSON with the new values: what a scheduled change stores.
pub fn changed_fields(before: &Customer, after: &Customer) -> Value {
    let old = serde_json::to_value(before).unwrap_or_default();
    let new = serde_json::to_value(after).unwrap_or_default();
    let differing: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| f.json_keys().iter().any(|k| old.get(k) != new.get(k)))
        .collect();
    select(&new, &differing)
}

/// The listed fields of `c` as keys of its JSON, whether or not they differ from anything:
/// a scheduled change that sets exactly these.
pub fn fields_json(c: &Customer, fields: &[Field]) -> Value {
    select(&serde_json::to_value(c).unwrap_or_default(), fields)
}

fn select(json: &Value, fields: &[Field]) -> Value {
    let mut out = Map::new();
    for key in fields.iter().flat_map(|f| f.json_keys()) {
        if let Some(v) = json.get(key) {
            out.insert((*key).to_string(), v.clone());
        }
    }
    Value::Object(out)
}

/// `c` with `fields` (some editable keys of the customer's JSON) applied, checked by the
/// rules of the fields it sets; the others are left as they are.
pub fn with_fields(c: &Customer, fields: &Value) -> Result<Customer, Vec<FieldError>> {
    let (merged, touched) = merge_fields(c, fields)?;
    check_edit(c, &merged, &touched)?;
    Ok(merged)
}

fn merge_fields(c: &Customer, fields: &Value) -> Result<(Customer, Vec<Field>), Vec<FieldError>> {
    let json_error = |message: String| {
        vec![FieldError {
            field: "fields",
            message,
        }]
    };
    let Some(set) = fields.as_object().filter(|m| !m.is_empty()) else {
        return Err(json_error(
            "a change needs a JSON object with at least one customer field".into(),
        ));
    };
    let mut touched = Vec::new();
    let mut unknown = Vec::new();
    for key in set.keys() {
        match Field::from_json_key(key) {
            Some(f) if !touched.contains(&f) => touched.push(f),
            Some(_) => {}
            None => unknown.push(key.as_str()),
        }
    }
    touched.sort_by_key(|f| *f as usize);
    if !unknown.is_empty() {
        return Err(json_error(format!(
            "not editable customer fields: {}",
            unknown.join(", ")
        )));
    }
    let mut row = serde_json::to_value(c).unwrap_or_default();
    if let Some(map) = row.as_object_mut() {
        map.extend(set.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let merged: Customer = serde_json::from_value(row)
        .map_err(|e| json_error(format!("the values do not fit the customer's fields: {e}")))?;
    Ok((merged, touched))
}

/// What a change sets, for people: "Status inactive, Channels 40". Amounts are shown in
/// `c`'s currency; a change that does not fit `c` is shown as its raw JSON.
pub fn describe_fields(c: &Customer, fields: &Value) -> String {
    match merge_fields(c, fields) {
        Ok((merged, touched)) => {
            let draft = CustomerDraft::from_customer(&merged);
            touched
                .iter()
                .map(|f| format!("{} {}", f.label(), shown(&draft.text(*f))))
                .collect::<Vec<_>>()
                .join(", ")
        }
        Err(_) => fields.to_string(),
    }
}

/// One field's old and new value, as text for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub label: &'static str,
    pub old: String,
    pub new: String,
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} → {}",
            self.label,
            shown(&self.old),
            shown(&self.new)
        )
    }
}

fn shown(text: &str) -> &str {
    if text.is_empty() { "(empty)" } else { text }
}

/// The editable fields that differ, in form order, with their values as a person types them.
pub fn field_changes(before: &Customer, after: &Customer) -> Vec<FieldChange> {
    let old = CustomerDraft::from_customer(before);
    let new = CustomerDraft::from_customer(after);
    Field::ALL
        .into_iter()
        .filter_map(|f| {
            let (o, n) = (old.text(f), new.text(f));
            (o != n).then(|| FieldChange {
                field: f.name(),
                label: f.label(),
                old: o,
                new: n,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn valid() -> CustomerDraft {
        CustomerDraft {
            name: " Atlas Voice ".into(),
            currency: "eur".into(),
            debit_limit: "1500.50".into(),
            minimum_payment: "25".into(),
            tax: "8.15".into(),
            channels: "30".into(),
            cps: "10".into(),
            paypal_email: "billing@atlas.example".into(),
            website: "https://www.atlas.example/noc".into(),
            tags: "wholesale, eu, Wholesale,".into(),
            vars: "max_call_minutes = 60\n".into(),
            invoice_due_days: "14".into(),
            account_code: "AC000001".into(),
            rate: "0.012".into(),
            billing_increment: "30/6".into(),
            ..CustomerDraft::blank()
        }
    }

    /// The messages of the draft's errors for one field.
    fn errors_for(draft: &CustomerDraft, field: Field) -> Vec<String> {
        match draft.validate(None) {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .into_iter()
                .filter(|e| e.field == field.name())
                .map(|e| e.message)
                .collect(),
        }
    }

    fn with(field: Field, text: &str) -> CustomerDraft {
        let mut d = valid();
        d.set(field, text).unwrap();
        d
    }

    fn refused(field: Field, text: &str) -> String {
        let errors = errors_for(&with(field, text), field);
        assert_eq!(errors.len(), 1, "{field}='{text}' gave {errors:?}");
        errors[0].clone()
    }

    #[test]
    fn a_valid_draft_becomes_an_exact_customer() {
        let c = valid().validate(None).unwrap();
        assert_eq!(c.name, "Atlas Voice");
        assert_eq!(c.currency, eur());
        assert_eq!(c.debit_limit, 150_050);
        assert_eq!(c.minimum_payment, 2_500);
        assert_eq!(c.tax_bp, 815);
        assert_eq!((c.channels, c.cps), (30, 10));
        assert_eq!(c.tags, ["wholesale", "eu"]);
        assert_eq!(c.rate_micros, 12_000);
        assert_eq!((c.bill_first_s, c.bill_next_s), (30, 6));
        assert_eq!((c.id, c.balance), (0, 0));
    }

    #[test]
    fn drafts_round_trip_through_customers() {
        let c = valid().validate(None).unwrap();
        let again = CustomerDraft::from_customer(&c).validate(Some(&c)).unwrap();
        assert_eq!(again, c);
        assert_eq!(CustomerDraft::from_customer(&c).tax, "8.15");
        assert_eq!(CustomerDraft::from_customer(&c).rate, "0.012");
    }

    #[test]
    fn every_error_is_reported_not_only_the_first() {
        let mut d = valid();
        d.name = "  ".into();
        d.channels = "-1".into();
        d.tax = "101".into();
        let fields: Vec<&str> = d
            .validate(None)
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "tax", "channels"]);
    }

    #[test]
    fn name_is_required_and_sane() {
        assert_eq!(refused(Field::Name, "   "), "a name is required");
        assert!(refused(Field::Name, &"x".repeat(101)).contains("at most 100"));
        assert!(refused(Field::Name, "a\tb").contains("control"));
    }

    #[test]
    fn every_text_field_refuses_escapes_and_reordering_naming_itself() {
        let osc52 = "A\u{1b}]52;c;QUREUkVTUw==\u{7}A";
        for (field, label) in [
            (Field::Name, "Name"),
            (Field::PaypalEmail, "PayPal email"),
            (Field::Website, "Website"),
            (Field::Address, "Address"),
            (Field::Tags, "Tags"),
            (Field::Vars, "Vars (TOML)"),
            (Field::AccountCode, "Account code"),
        ] {
            let why = refused(field, osc52);
            assert_eq!(why, format!("{label} cannot contain control characters"));
            assert!(refused(field, "x\u{202E}y").contains("reorder"), "{field}");
            assert!(
                refused(field, "\u{FEFF}x").contains("byte order mark"),
                "{field}"
            );
        }
        assert!(refused(Field::Address, &"x".repeat(501)).contains("at most 500"));
        assert!(refused(Field::AccountCode, &"A".repeat(65)).contains("at most 64"));
        // Multi-line vars keep their line breaks and tabs.
        assert!(errors_for(&with(Field::Vars, "a = 1\n\tb = 2\n"), Field::Vars).is_empty());
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(
            refused(Field::Channels, "-1"),
            "channels cannot be negative"
        );
        assert!(refused(Field::Channels, "1.5").contains("whole number"));
        // A plus sign reads as "more", which an edit never does: refused, not taken as 10.
        for f in [Field::Channels, Field::DebitLimit, Field::Tax, Field::Rate] {
            assert!(
                refused(f, "+10").contains("'+10' would set 10, not add 10"),
                "{f}"
            );
        }
        assert!(refused(Field::Cps, "-3").contains("cannot be negative"));
        assert!(refused(Field::Cps, "20000").contains("at most 10000"));
        assert!(refused(Field::InvoiceDueDays, "400").contains("at most 365"));
        assert_eq!(with(Field::Cps, "0").validate(None).unwrap().cps, 0);
    }

    #[test]
    fn a_bad_currency_does_not_hide_how_the_amounts_are_written() {
        let mut d = CustomerDraft::blank();
        d.name = "Qa Five".into();
        d.currency = "EURO".into();
        d.debit_limit = "1,000.00".into();
        d.minimum_payment = "12.345".into(); // decimals: only the currency can tell
        let errors = d.validate(None).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["currency", "debit_limit"], "{errors:?}");
        assert!(errors[1].message.contains("comma"), "{errors:?}");
    }

    #[test]
    fn money_is_exact_in_the_currency() {
        assert_eq!(
            refused(Field::MinimumPayment, "-5"),
            "minimum payment cannot be negative"
        );
        assert!(refused(Field::DebitLimit, "1e3").contains("scientific notation"));
        assert!(refused(Field::DebitLimit, "1,000").contains("comma"));
        assert!(refused(Field::DebitLimit, "1.000,50").contains("comma"));
        assert!(refused(Field::DebitLimit, "1.005").contains("EUR takes at most 2 decimal places"));
        // Prepaid with a buffer: a negative limit is allowed.
        assert_eq!(
            with(Field::DebitLimit, "-20")
                .validate(None)
                .unwrap()
                .debit_limit,
            -2000
        );
        let mut yen = with(Field::DebitLimit, "1500");
        yen.currency = "JPY".into();
        assert_eq!(yen.validate(None).unwrap().debit_limit, 1500);
    }

    #[test]
    fn tax_is_a_percentage_with_two_decimals() {
        assert_eq!(with(Field::Tax, "20").validate(None).unwrap().tax_bp, 2000);
        assert_eq!(with(Field::Tax, "20%").validate(None).unwrap().tax_bp, 2000);
        assert_eq!(
            with(Field::Tax, "100").validate(None).unwrap().tax_bp,
            10_000
        );
        assert_eq!(
            refused(Field::Tax, "100.01"),
            "tax must be between 0 and 100 %"
        );
        assert_eq!(refused(Field::Tax, "-1"), "tax must be between 0 and 100 %");
        assert!(refused(Field::Tax, "8.155").contains("at most 2 decimal places"));
    }

    #[test]
    fn currency_comes_from_iso_4217_and_never_changes() {
        assert!(refused(Field::Currency, "EURO").contains("not an ISO 4217"));
        assert!(refused(Field::Currency, "").contains("required"));
        // Unknown currency: the amounts wait for it rather than piling up errors.
        assert_eq!(
            with(Field::Currency, "XYZ")
                .validate(None)
                .unwrap_err()
                .len(),
            1
        );

        let c = valid().validate(None).unwrap();
        let mut usd = CustomerDraft::from_customer(&c);
        usd.currency = "USD".into();
        let errors = usd.validate(Some(&c)).unwrap_err();
        assert_eq!(errors[0].field, "currency");
        assert!(
            errors[0]
                .message
                .contains("cannot change once the customer exists")
        );
        usd.currency = "EURO".into();
        assert!(
            usd.validate(Some(&c)).unwrap_err()[0]
                .message
                .contains("cannot change")
        );
        let mut same = CustomerDraft::from_customer(&c);
        same.currency = "eur".into();
        assert!(same.validate(Some(&c)).is_ok());
    }

    #[test]
    fn emails_and_web_addresses_are_well_formed() {
        for good in ["a@b.example", "first.last+noc@mail.example.co.uk"] {
            assert!(
                with(Field::PaypalEmail, good).validate(None).is_ok(),
                "{good}"
            );
        }
        for bad in [
            "billing",
            "a@b",
            "a@@b.example",
            "a b@c.example",
            "@c.example",
            "a@.example",
        ] {
            assert!(
                refused(Field::PaypalEmail, bad).contains("not an email address"),
                "{bad}"
            );
        }
        assert!(with(Field::PaypalEmail, "").validate(None).is_ok());
        for good in [
            "http://atlas.example",
            "https://www.atlas.example:8443/a?b=c",
            "HTTPS://x.example",
        ] {
            assert!(with(Field::Website, good).validate(None).is_ok(), "{good}");
        }
        for bad in [
            "www.atlas.example",
            "ftp://atlas.example",
            "https://",
            "https://exa mple.com",
            "https://localhost",
        ] {
            assert!(
                refused(Field::Website, bad).contains("not a web address"),
                "{bad}"
            );
        }
    }

    #[test]
    fn toml_errors_give_line_and_column() {
        assert!(with(Field::Vars, "").validate(None).is_ok());
        let message = refused(Field::Vars, "a = 1\nb = = 2\n");
        assert!(
            message.starts_with("vars is not valid TOML: line 2, column 5:"),
            "{message}"
        );
    }

    #[test]
    fn rate_and_billing_increment() {
        assert_eq!(
            with(Field::Rate, "1.5").validate(None).unwrap().rate_micros,
            1_500_000
        );
        assert_eq!(refused(Field::Rate, "-0.01"), "rate cannot be negative");
        assert!(refused(Field::Rate, "0.0000001").contains("at most 6 decimal places"));
        assert!(refused(Field::BillingIncrement, "60").contains("first/next"));
        assert!(refused(Field::BillingIncrement, "0/6").contains("between 1 and 3600"));
        assert_eq!(
            with(Field::BillingIncrement, " 1 / 1 ")
                .validate(None)
                .unwrap()
                .bill_next_s,
            1
        );
    }

    #[test]
    fn account_code_and_tags() {
        assert!(refused(Field::AccountCode, "AC 1").contains("cannot contain spaces"));
        assert_eq!(
            with(Field::Tags, " , ,").validate(None).unwrap().tags,
            Vec::<String>::new()
        );
    }

    #[test]
    fn set_reads_choices_and_flags() {
        let mut d = CustomerDraft::blank();
        d.set(Field::Status, "Pending Approval").unwrap();
        d.set(Field::PortalAccess, "no").unwrap();
        d.set(Field::InvoiceSchedule, "Monthly").unwrap();
        assert_eq!(d.status, Status::Pending);
        assert!(!d.portal_access);
        assert_eq!(d.invoice_schedule, InvoiceSchedule::Monthly);
        let e = d.set(Field::Status, "gone").unwrap_err();
        assert_eq!(e.field, "status");
        assert!(
            d.set(Field::ApprovedClisOnly, "maybe")
                .unwrap_err()
                .message
                .contains("yes or no")
        );
        for f in Field::ALL {
            assert_eq!(Field::parse(f.name()), Some(f));
            let mut again = CustomerDraft::from_customer(&valid().validate(None).unwrap());
            let text = again.text(f);
            again.set(f, &text).unwrap();
        }
        assert_eq!(Field::parse("Debit-Limit"), Some(Field::DebitLimit));
        assert_eq!(Field::BillingIncrement.name(), "billing_increment");
        assert!(Field::ALL.iter().enumerate().all(|(i, f)| *f as usize == i));
    }

    #[test]
    fn apply_to_checks_only_the_fields_it_sets() {
        let mut c = valid().validate(None).unwrap();
        c.website = "legacy-without-scheme".into();
        let mut d = CustomerDraft::from_customer(&c);
        d.channels = "45".into();
        let edited = d.apply_to(&c, &[Field::Channels]).unwrap();
        assert_eq!(edited.channels, 45);
        assert_eq!(edited.website, "legacy-without-scheme");
        assert!(d.validate(Some(&c)).is_err(), "the whole form is checked");
    }

    #[test]
    fn json_fields_apply_only_what_they_set() {
        let c = valid().validate(None).unwrap();
        let mut after = c.clone();
        after.status = Status::Inactive;
        after.tax_bp = 2000;
        let fields = changed_fields(&c, &after);
        assert_eq!(
            fields,
            serde_json::json!({"status": "inactive", "tax_bp": 2000})
        );

        let mut meanwhile = c.clone();
        meanwhile.channels = 99;
        let applied = with_fields(&meanwhile, &fields).unwrap();
        assert_eq!(
            (applied.status, applied.tax_bp, applied.channels),
            (Status::Inactive, 2000, 99)
        );
        assert_eq!(describe_fields(&c, &fields), "Status inactive, Tax % 20");

        let bad = with_fields(&c, &serde_json::json!({"tax_bp": 20_000})).unwrap_err();
        assert_eq!(bad[0].field, "tax");
        let locked = with_fields(&c, &serde_json::json!({"balance": 5, "id": 3})).unwrap_err();
        assert!(locked[0].message.contains("balance, id"), "{locked:?}");
        let currency = with_fields(&c, &serde_json::json!({"currency": "USD"})).unwrap_err();
        assert!(currency[0].message.contains("cannot change"));
        let typed = with_fields(&c, &serde_json::json!({"channels": "many"})).unwrap_err();
        assert!(typed[0].message.contains("do not fit"));
        assert!(with_fields(&c, &serde_json::json!({})).is_err());
    }

    #[test]
    fn field_changes_read_like_the_form() {
        let c = valid().validate(None).unwrap();
        let mut after = c.clone();
        after.debit_limit = 200_000;
        after.paypal_email.clear();
        let changes: Vec<String> = field_changes(&c, &after)
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            changes,
            [
                "Debit limit 1500.50 → 2000.00",
                "PayPal email billing@atlas.example → (empty)"
            ]
        );
    }

    #[test]
    fn every_json_key_of_an_editable_field_is_a_customer_key() {
        let json = serde_json::to_value(Customer::new(eur())).unwrap();
        for f in Field::ALL {
            for key in f.json_keys() {
                assert!(json.get(key).is_some(), "{key}");
                assert_eq!(Field::from_json_key(key), Some(f));
            }
        }
        assert_eq!(Field::from_json_key("balance"), None);
    }
}
