//! Messages to customers' contacts: a subject and body with placeholders, rendered for each
//! recipient; their states in the outbox; when a temporary failure is tried again.

use super::text_rule::text_problem;
use serde::Serialize;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Email,
    Sms,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "email" => Some(Kind::Email),
            "sms" => Some(Kind::Sms),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Sms => "SMS",
        }
    }
}

/// Where a message is in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for a sender (again, after a temporary failure, from `next_at`).
    Queued,
    /// Claimed by a sender, whose lease says until when.
    Sending,
    /// The server accepted it.
    Sent,
    /// Refused for good, or tried `MAX_ATTEMPTS` times; the reason says why.
    Failed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Queued,
        Status::Sending,
        Status::Sent,
        Status::Failed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.key() == text)
    }
}

/// Tries before a message that keeps failing for a temporary reason is given up.
pub const MAX_ATTEMPTS: i64 = 6;

/// Seconds to wait before try `attempts + 1`, after `attempts` failed: one minute, then
/// five, fifteen, and an hour.
pub fn backoff(attempts: i64) -> i64 {
    match attempts {
        ..=1 => 60,
        2 => 300,
        3 => 900,
        _ => 3600,
    }
}

/// How long a claimed message is a sender's own: past it, another sender may take it (the
/// first one died). Longer than any one delivery takes.
pub const LEASE_SECONDS: i64 = 300;

pub const MAX_SUBJECT: usize = 200;
pub const MAX_EMAIL_BODY: usize = 20_000;
/// Ten SMS segments of 160 characters.
pub const MAX_SMS_BODY: usize = 1_600;

/// What a placeholder stands for, for one recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    pub customer: String,
    pub contact: String,
    /// In the customer's currency, as the card shows it.
    pub balance: String,
    pub available: String,
    pub currency: String,
}

/// The placeholders a subject or body may hold.
pub const PLACEHOLDERS: [&str; 5] = ["customer", "contact", "balance", "available", "currency"];

/// A message as the operator wrote it, before it is rendered for each recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub kind: Kind,
    /// Empty for an SMS.
    pub subject: String,
    pub body: String,
}

impl Template {
    /// Why the message cannot be sent as written, naming the field, or None.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let subject = self.subject.trim();
        match self.kind {
            Kind::Email if subject.is_empty() => {
                return Some(("subject", "an email has a subject".into()));
            }
            Kind::Sms if !subject.is_empty() => {
                return Some(("subject", "an SMS has no subject".into()));
            }
            _ => {}
        }
        if subject.chars().count() > MAX_SUBJECT {
            return Some(("subject", format!("at most {MAX_SUBJECT} characters")));
        }
        if let Some(p) = text_problem(subject, false) {
            return Some(("subject", p.into()));
        }
        let max = match self.kind {
            Kind::Email => MAX_EMAIL_BODY,
            Kind::Sms => MAX_SMS_BODY,
        };
        let body = self.body.trim();
        if body.is_empty() {
            return Some(("body", "the message has no text".into()));
        }
        if body.chars().count() > max {
            return Some(("body", format!("at most {max} characters")));
        }
        if let Some(p) = text_problem(body, true) {
            return Some(("body", p.into()));
        }
        for (field, text) in [("subject", subject), ("body", body)] {
            if let Some(unknown) = unknown_placeholder(text) {
                return Some((
                    field,
                    format!(
                        "unknown placeholder {{{unknown}}}: use {}",
                        PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                    ),
                ));
            }
        }
        None
    }

    /// The subject and body for one recipient.
    pub fn render(&self, values: &Values) -> (String, String) {
        (
            fill(self.subject.trim(), values),
            fill(self.body.trim(), values),
        )
    }
}

/// Each `{name}` in `text` whose name is letters, digits and `_`: where it is (the braces
/// included) and the name. Other braces are text, and a brace left open hides no
/// placeholder after it.
fn placeholders(text: &str) -> impl Iterator<Item = (std::ops::Range<usize>, &str)> {
    text.match_indices('{').filter_map(move |(open, _)| {
        let after = &text[open + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        (len > 0 && after[len..].starts_with('}')).then(|| (open..open + len + 2, &after[..len]))
    })
}

/// The first `{name}` in `text` that is not a placeholder.
fn unknown_placeholder(text: &str) -> Option<String> {
    placeholders(text)
        .map(|(_, name)| name)
        .find(|name| !PLACEHOLDERS.contains(name))
        .map(str::to_string)
}

/// `text` with each placeholder replaced by its value, in one pass: a value that holds
/// `{contact}` (a customer's name, say) is kept as it is, not filled in turn.
fn fill(text: &str, v: &Values) -> String {
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (at, name) in placeholders(text) {
        let value = match name {
            "customer" => &v.customer,
            "contact" => &v.contact,
            "balance" => &v.balance,
            "available" => &v.available,
            "currency" => &v.currency,
            _ => continue,
        };
        out.push_str(&text[done..at.start]);
        out.push_str(value);
        done = at.end;
    }
    out.push_str(&text[done..]);
    out
}

/// A message in the outbox, as the email log and `outbox list --json` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outgoing {
    pub id: i64,
    pub kind: Kind,
    pub customer_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    pub status: Status,
    /// The server's answer: why it failed, or what it said when it accepted.
    pub reason: String,
    pub attempts: i64,
    /// When it may be tried (again), unix seconds.
    pub next_at: i64,
    pub queued_by: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}

impl Outgoing {
    /// A message handed to its server at once, never queued: as a courier takes it.
    pub fn direct(
        kind: Kind,
        recipient: &str,
        subject: &str,
        body: &str,
        message_id: &str,
    ) -> Outgoing {
        Outgoing {
            id: 0,
            kind,
            customer_id: None,
            contact_id: None,
            recipient: recipient.into(),
            subject: subject.into(),
            body: body.into(),
            message_id: message_id.into(),
            status: Status::Sending,
            reason: String::new(),
            attempts: 1,
            next_at: 0,
            queued_by: String::new(),
            created_at: String::new(),
            sent_at: None,
        }
    }
}

/// What became of one try of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server took it: its SMTP reply line, or the SMS's sid and status.
    Accepted(String),
    /// Try again later (after `backoff`): a 4xx SMTP reply, HTTP 429 or 5xx, a refused
    /// connection, a timeout.
    Temporary(String),
    /// Refused for good: a 5xx SMTP reply (550 …), an HTTP 4xx other than 429.
    Permanent(String),
}

impl Outcome {
    /// The server's words (or ours, when it never answered).
    pub fn text(&self) -> &str {
        match self {
            Outcome::Accepted(t) | Outcome::Temporary(t) | Outcome::Permanent(t) => t,
        }
    }
}

/// A Message-ID that stays with a message through every try, so that a receiver can tell
/// a repeat (a sender that died between the server's acceptance and recording it).
pub fn message_id(random: [u8; 16], domain: &str) -> String {
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let domain = if domain.is_empty() {
        "carrierdesk.invalid"
    } else {
        domain
    };
    format!("<{hex}@{domain}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(subject: &str, body: &str) -> Template {
        Template {
            kind: Kind::Email,
            subject: subject.into(),
            body: body.into(),
        }
    }

    #[test]
    fn placeholders_are_filled_for_each_recipient() {
        let t = email(
            "Maintenance tonight, {customer}",
            "Dear {contact},\nyour balance is {balance} {currency} ({available} available).",
        );
        assert_eq!(t.problem(), None);
        let (subject, body) = t.render(&Values {
            customer: "Atlas".into(),
            contact: "Ana".into(),
            balance: "12.50".into(),
            available: "32.50".into(),
            currency: "EUR".into(),
        });
        assert_eq!(subject, "Maintenance tonight, Atlas");
        assert_eq!(
            body,
            "Dear Ana,\nyour balance is 12.50 EUR (32.50 available)."
        );
    }

    #[test]
    fn a_misspelt_placeholder_is_refused_by_name() {
        let (field, why) = email("Hello", "Dear {contcat}").problem().unwrap();
        assert_eq!(field, "body");
        assert!(why.contains("{contcat}"), "{why}");
        assert!(
            email("Hi", "JSON {\"a\": 1} and {} stay")
                .problem()
                .is_none(),
            "braces that are no placeholder are text"
        );
    }

    #[test]
    fn a_brace_left_open_hides_no_misspelt_placeholder() {
        let (field, why) = email("Hi", "Dear {contact, you have {balanse} left")
            .problem()
            .unwrap();
        assert_eq!(field, "body");
        assert!(why.contains("{balanse}"), "{why}");
        assert_eq!(
            email("Hi :-{ {customr}", "x").problem().unwrap().0,
            "subject"
        );
    }

    #[test]
    fn values_are_not_read_as_placeholders() {
        let t = email("{customer}", "{{contact}} {contact}: {currency}");
        let (subject, body) = t.render(&Values {
            customer: "Braces {contact} Ltd".into(),
            contact: "Zed {currency}".into(),
            currency: "EUR".into(),
            ..Values::default()
        });
        assert_eq!(subject, "Braces {contact} Ltd");
        assert_eq!(body, "{Zed {currency}} Zed {currency}: EUR");
    }

    #[test]
    fn an_email_needs_a_subject_an_sms_has_none_and_both_are_bounded() {
        assert_eq!(email(" ", "x").problem().unwrap().0, "subject");
        let sms = Template {
            kind: Kind::Sms,
            subject: String::new(),
            body: "x".repeat(MAX_SMS_BODY + 1),
        };
        assert_eq!(sms.problem().unwrap().0, "body");
        assert_eq!(email("a\u{1b}]52", "x").problem().unwrap().0, "subject");
    }

    #[test]
    fn retries_wait_longer_each_time_and_ids_are_angle_bracketed() {
        let waits: Vec<i64> = (1..=5).map(backoff).collect();
        assert!(waits.windows(2).all(|w| w[0] <= w[1]), "{waits:?}");
        let id = message_id([0xab; 16], "carrier.example");
        assert_eq!(id, format!("<{}@carrier.example>", "ab".repeat(16)));
    }
}
