//! The outbox through the service, on each engine, against real servers on loopback: the
//! messages a send makes (one per contact of the category, rendered for each recipient),
//! queued in one transaction with their SEND audit rows, and delivered by senders that
//! claim them under a lease: to aiosmtpd (tests/common/mail.rs, and the refusing handler of
//! tests/fixtures/smtp_refusing.py) and to a recording Twilio-like HTTP server
//! (tests/common/http_recorder.rs). Each message reaches its recipient once, also with
//! several senders at work and when a sender's lease runs out.

mod common;

use carrierdesk::config::Config;
use carrierdesk::domain::message::{
    Kind, LEASE_SECONDS, MAX_ATTEMPTS, Outcome, Outgoing, Status, Template, backoff,
};
use carrierdesk::domain::{Category, ContactDraft, CustomerDraft};
use carrierdesk::service::{Courier, Couriers, Delivered, Service, ServiceError, SettingChange};
use carrierdesk::store::sql::Value;
use common::http_recorder::{Answer, Recorder};
use common::mail::{self, SmtpServer};
use common::{Db, NOW, Raw, actor, each_engine_empty};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};

fn customer(s: &mut Service, name: &str, currency: &str, debit_limit: &str) -> i64 {
    let c = CustomerDraft {
        name: name.into(),
        currency: currency.into(),
        channels: "10".into(),
        debit_limit: debit_limit.into(),
        ..CustomerDraft::blank()
    }
    .validate(None)
    .unwrap();
    s.create_customer(&actor("alice"), &c).unwrap().id
}

/// A contact with `email`, `mobile` (may be empty) and the categories it receives
/// (`general,financial`, `financial`, `none`).
fn contact(
    s: &mut Service,
    customer_id: i64,
    name: &str,
    email: &str,
    mobile: &str,
    categories: &str,
) -> i64 {
    let draft = ContactDraft {
        name: name.into(),
        email: email.into(),
        mobile: mobile.into(),
        categories: categories.into(),
        ..ContactDraft::default()
    };
    s.create_contact(&actor("alice"), customer_id, &draft, None)
        .unwrap()
        .contact
        .id
}

fn set(s: &mut Service, key: &str, value: &str) {
    let change = SettingChange {
        key,
        value: Some(value),
        expect: None,
    };
    s.change_setting(&actor("alice"), &change).unwrap();
}

/// Mail from noc@carrier.example to the server at `address`, unencrypted.
fn mail_settings(s: &mut Service, address: &str) {
    set(s, "from_address", "noc@carrier.example");
    set(s, "from_name", "Carrier NOC");
    set(s, "smtp_server", address);
    set(s, "smtp_tls", "none");
}

/// The gateway at `base_url`, as account AC0123abc sending from +15005550006.
fn sms_settings(s: &mut Service, base_url: &str) {
    set(s, "sms_base_url", base_url);
    set(s, "sms_account_sid", "AC0123abc");
    set(s, "sms_from", "+15005550006");
}

/// The couriers the settings make with this host's config file, which holds `sms_token`
/// when given (and no SMTP password).
fn couriers(s: &Service, sms_token: Option<&str>) -> Couriers {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let text = sms_token.map_or(String::new(), |t| format!("sms_token = \"{t}\"\n"));
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    s.couriers(&Config::load(Some(&path)).unwrap()).unwrap()
}

fn email(subject: &str, body: &str) -> Template {
    Template {
        kind: Kind::Email,
        subject: subject.into(),
        body: body.into(),
    }
}

fn sms(body: &str) -> Template {
    Template {
        kind: Kind::Sms,
        subject: String::new(),
        body: body.into(),
    }
}

/// Plans `template` for `customers` and queues it at `now` as alice; the outbox ids.
fn queue(
    s: &mut Service,
    customers: &[i64],
    template: &Template,
    category: Category,
    now: i64,
) -> Vec<i64> {
    let plan = s.plan_send(customers, template, category).unwrap();
    s.queue(&actor("alice"), &plan, now).unwrap()
}

/// Every message of the outbox, oldest first.
fn rows(s: &Service) -> Vec<Outgoing> {
    let mut all = s.outbox(None, "", 100_000).unwrap();
    all.reverse();
    all
}

fn row(s: &Service, id: i64) -> Outgoing {
    rows(s)
        .into_iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no outbox row {id}"))
}

/// Who holds message `id`, and until when (the columns `Outgoing` does not show).
fn claim_of(raw: &Raw, id: i64) -> (String, Option<i64>) {
    let r = raw.query(&format!(
        "SELECT sender, lease_until FROM outbox WHERE id = {id}"
    ));
    let sender = match &r[0][0] {
        Value::Text(t) => t.clone(),
        other => panic!("{other:?}"),
    };
    let lease = match r[0][1] {
        Value::Int(n) => Some(n),
        Value::Null => None,
        ref other => panic!("{other:?}"),
    };
    (sender, lease)
}

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn delivered(sent: usize, retried: usize, failed: usize, lost: usize) -> Delivered {
    Delivered {
        sent,
        retried,
        failed,
        lost,
    }
}

/// A Message-ID of 32 hex digits at `domain`, in angle brackets.
fn assert_message_id(id: &str, domain: &str) {
    let inner = id
        .strip_prefix('<')
        .and_then(|i| i.strip_suffix(&format!("@{domain}>")))
        .unwrap_or_else(|| panic!("{id} is not <…@{domain}>"));
    assert!(
        inner.len() == 32 && inner.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
}

/// Atlas (EUR, balance -1,234.50, debit limit 1,500.00) with Ana (general and financial,
/// a mobile), Bob (general, no mobile), Carla (financial, a mobile) and Dan (no messages);
/// Bluewave (USD, 50,000.00) with Eve (general, a mobile); Cobalt with no contact; Delta
/// whose one contact receives nothing.
struct People {
    atlas: i64,
    blue: i64,
    cobalt: i64,
    delta: i64,
    ana: i64,
    bob: i64,
    carla: i64,
    eve: i64,
}

fn people(db: &mut Db) -> People {
    let s = &mut db.service;
    let atlas = customer(s, "Atlas Networks", "EUR", "1500.00");
    let blue = customer(s, "Bluewave Voice", "USD", "0");
    let cobalt = customer(s, "Cobalt Trunks", "EUR", "0");
    let delta = customer(s, "Delta Lines", "EUR", "0");
    let all = "general,financial";
    let ana = contact(s, atlas, "Ana", "ana@atlas.example", "+4915112345671", all);
    let bob = contact(s, atlas, "Bob", "bob@atlas.example", "", "general");
    let carla = contact(
        s,
        atlas,
        "Carla",
        "carla@atlas.example",
        "+4915112345672",
        "financial",
    );
    contact(s, atlas, "Dan", "dan@atlas.example", "", "none");
    let eve = contact(
        s,
        blue,
        "Eve",
        "eve@blue.example",
        "+4915112345673",
        "general",
    );
    contact(
        s,
        delta,
        "Fay",
        "fay@delta.example",
        "+4915112345674",
        "none",
    );
    db.raw.execute(&format!(
        "UPDATE customers SET balance = -123450 WHERE id = {atlas};
         UPDATE customers SET balance = 5000000 WHERE id = {blue};"
    ));
    People {
        atlas,
        blue,
        cobalt,
        delta,
        ana,
        bob,
        carla,
        eve,
    }
}

const SUBJECT: &str = "Notice for {customer}";
const BODY: &str =
    "Dear {contact} of {customer}: your balance is {balance} {currency}, {available} available.";

#[test]
fn a_plan_has_one_message_per_contact_of_the_category_rendered_for_each() {
    for mut db in each_engine_empty() {
        let p = people(&mut db);
        let s = &mut db.service;
        let everyone = [p.atlas, p.blue, p.cobalt, p.delta];
        // (customer, contact, recipient) of each message.
        let to = |plan: &carrierdesk::service::SendPlan| -> Vec<(i64, i64, String)> {
            let mut v: Vec<_> = plan
                .messages
                .iter()
                .map(|m| (m.customer_id, m.contact_id, m.recipient.clone()))
                .collect();
            v.sort();
            v
        };

        // Without from_address the Message-IDs still have a domain.
        let plan = s
            .plan_send(&everyone, &email(SUBJECT, BODY), Category::General)
            .unwrap();
        assert_message_id(&plan.messages[0].message_id, "carrierdesk.invalid");
        set(s, "from_address", "noc@carrier.example");

        let general = s
            .plan_send(&everyone, &email(SUBJECT, BODY), Category::General)
            .unwrap();
        assert_eq!(
            to(&general),
            [
                (p.atlas, p.ana, "ana@atlas.example".to_string()),
                (p.atlas, p.bob, "bob@atlas.example".to_string()),
                (p.blue, p.eve, "eve@blue.example".to_string()),
            ],
            "{}",
            db.engine
        );
        // Cobalt (no contact) and Delta (nobody receiving) are no customers of the send.
        assert_eq!((general.customers, general.without_address), (2, 0));
        let ana = general
            .messages
            .iter()
            .find(|m| m.contact_id == p.ana)
            .unwrap();
        assert_eq!(ana.kind, Kind::Email);
        assert_eq!(ana.subject, "Notice for Atlas Networks");
        assert_eq!(
            ana.body,
            "Dear Ana of Atlas Networks: your balance is -1,234.50 EUR, 265.50 available."
        );
        let eve = general
            .messages
            .iter()
            .find(|m| m.contact_id == p.eve)
            .unwrap();
        assert_eq!(eve.subject, "Notice for Bluewave Voice");
        assert_eq!(
            eve.body,
            "Dear Eve of Bluewave Voice: your balance is 50,000.00 USD, 50,000.00 available."
        );
        let ids: BTreeSet<&str> = general
            .messages
            .iter()
            .map(|m| m.message_id.as_str())
            .collect();
        assert_eq!(ids.len(), 3, "each message its own Message-ID");
        for id in ids {
            assert_message_id(id, "carrier.example");
        }
        // The first message, as a dry run shows it.
        let first = general.first().unwrap();
        assert_eq!(
            (first.0, first.1),
            (
                general.messages[0].recipient.as_str(),
                general.messages[0].subject.as_str()
            )
        );

        let financial = s
            .plan_send(&everyone, &email(SUBJECT, BODY), Category::Financial)
            .unwrap();
        assert_eq!(
            to(&financial),
            [
                (p.atlas, p.ana, "ana@atlas.example".to_string()),
                (p.atlas, p.carla, "carla@atlas.example".to_string()),
            ]
        );
        assert_eq!((financial.customers, financial.without_address), (1, 0));

        // An SMS goes to the mobile; Bob has none and is counted, Dan receives nothing and
        // is not.
        let text = sms("{contact}: {available} {currency} left at {customer}");
        let general_sms = s.plan_send(&everyone, &text, Category::General).unwrap();
        assert_eq!(
            to(&general_sms),
            [
                (p.atlas, p.ana, "+4915112345671".to_string()),
                (p.blue, p.eve, "+4915112345673".to_string()),
            ]
        );
        assert_eq!((general_sms.customers, general_sms.without_address), (2, 1));
        let ana_sms = &general_sms.messages[0];
        assert_eq!(ana_sms.kind, Kind::Sms);
        assert_eq!(ana_sms.subject, "");
        assert_eq!(ana_sms.body, "Ana: 265.50 EUR left at Atlas Networks");
        let financial_sms = s.plan_send(&everyone, &text, Category::Financial).unwrap();
        assert_eq!(
            to(&financial_sms),
            [
                (p.atlas, p.ana, "+4915112345671".to_string()),
                (p.atlas, p.carla, "+4915112345672".to_string()),
            ]
        );
        assert_eq!(
            (financial_sms.customers, financial_sms.without_address),
            (1, 0)
        );
        // Only the customers asked for: Atlas alone is Ana's mobile, Bob left out.
        let atlas_only = s.plan_send(&[p.atlas], &text, Category::General).unwrap();
        assert_eq!(
            (
                atlas_only.messages.len(),
                atlas_only.customers,
                atlas_only.without_address
            ),
            (1, 1, 1)
        );
        let none = s.plan_send(&[p.cobalt, p.delta], &text, Category::General);
        let none = none.unwrap();
        assert!(none.messages.is_empty() && none.customers == 0 && none.without_address == 0);

        // A placeholder that is none is refused, naming the field and the placeholder.
        for (template, field, name) in [
            (email(SUBJECT, "Dear {contcat}"), "body", "{contcat}"),
            (email("For {customr}", BODY), "subject", "{customr}"),
            (sms("{balanse} left"), "body", "{balanse}"),
            // A brace left open before it hides nothing.
            (
                email(SUBJECT, "Dear {contact, you have {balanse} left"),
                "body",
                "{balanse}",
            ),
            (email("Urgent :-{ {customr}", BODY), "subject", "{customr}"),
        ] {
            match s.plan_send(&everyone, &template, Category::General) {
                Err(ServiceError::Invalid { field: f, message }) => {
                    assert_eq!(f, field, "{message}");
                    assert!(message.contains(name), "{message}");
                }
                other => panic!("{template:?}: {other:?}"),
            }
        }
        // Planning writes nothing.
        assert_eq!(db.raw.count("SELECT count(*) FROM outbox"), 0);
        assert_eq!(
            db.raw
                .count("SELECT count(*) FROM audit_log WHERE action = 'SEND'"),
            0
        );
    }
}

#[test]
fn a_name_that_looks_like_a_placeholder_is_sent_as_it_is_written() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let odd = customer(s, "Braces {contact} Ltd", "EUR", "10.00");
        let k = contact(s, odd, "Zed {balance}", "zed@braces.example", "", "general");
        let plan = s
            .plan_send(
                &[odd],
                &email("{customer}", "{contact}: {available} {currency}"),
                Category::General,
            )
            .unwrap();
        let m = &plan.messages[0];
        assert_eq!(m.contact_id, k);
        assert_eq!(m.subject, "Braces {contact} Ltd", "{}", db.engine);
        assert_eq!(m.body, "Zed {balance}: 10.00 EUR");
    }
}

#[test]
fn a_send_is_queued_whole_with_one_send_audit_row_per_customer_or_not_at_all() {
    for mut db in each_engine_empty() {
        let p = people(&mut db);
        set(&mut db.service, "from_address", "noc@carrier.example");
        let s = &mut db.service;
        let plan = s
            .plan_send(&[p.atlas, p.blue], &email(SUBJECT, BODY), Category::General)
            .unwrap();
        let ids = s.queue(&actor("alice"), &plan, NOW).unwrap();
        assert_eq!(ids.len(), 3, "{}", db.engine);
        let queued = rows(s);
        assert_eq!(queued.iter().map(|m| m.id).collect::<Vec<_>>(), ids);
        for (m, planned) in queued.iter().zip(&plan.messages) {
            assert_eq!(m.status, Status::Queued);
            assert_eq!(
                (m.kind, m.customer_id, m.contact_id),
                (
                    Kind::Email,
                    Some(planned.customer_id),
                    Some(planned.contact_id)
                )
            );
            assert_eq!(m.recipient, planned.recipient);
            assert_eq!((&m.subject, &m.body), (&planned.subject, &planned.body));
            assert_eq!(m.message_id, planned.message_id);
            assert_message_id(&m.message_id, "carrier.example");
            assert_eq!((m.attempts, m.next_at), (0, NOW), "due at once");
            assert_eq!((m.queued_by.as_str(), m.reason.as_str()), ("alice", ""));
            assert_eq!(m.sent_at, None);
        }
        let unique: BTreeSet<&str> = queued.iter().map(|m| m.message_id.as_str()).collect();
        assert_eq!(unique.len(), 3);

        // One SEND row per customer, naming its recipients.
        let audit: Vec<(i64, i64, String, serde_json::Value)> = db
            .raw
            .query(
                "SELECT row_id, customer_id, message, CAST(data AS TEXT) FROM audit_log \
                 WHERE action = 'SEND' AND table_name = 'outbox' ORDER BY id",
            )
            .into_iter()
            .map(|r| match r.as_slice() {
                [
                    Value::Int(row),
                    Value::Int(customer),
                    Value::Text(m),
                    Value::Text(d),
                ] => (*row, *customer, m.clone(), serde_json::from_str(d).unwrap()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(audit.len(), 2, "{audit:#?}");
        assert_eq!(
            (audit[0].0, audit[0].1, audit[0].2.as_str()),
            (p.atlas, p.atlas, "Send email to 2 contacts")
        );
        assert_eq!(
            audit[0].3,
            serde_json::json!({
                "kind": "email",
                "subject": "Notice for Atlas Networks",
                "recipients": ["ana@atlas.example", "bob@atlas.example"],
            })
        );
        assert_eq!(
            (audit[1].0, audit[1].1, audit[1].2.as_str()),
            (p.blue, p.blue, "Send email to 1 contact")
        );
        assert_eq!(
            audit[1].3["recipients"],
            serde_json::json!(["eve@blue.example"])
        );

        // When the audit row cannot be written, no message is queued either.
        db.raw.fail_audit_inserts("the audit disk is full");
        let s = &mut db.service;
        let plan = s
            .plan_send(&[p.atlas, p.blue], &sms(BODY), Category::Financial)
            .unwrap();
        assert_eq!(plan.messages.len(), 2);
        let err = s.queue(&actor("alice"), &plan, NOW).unwrap_err();
        assert!(err.to_string().contains("the audit disk is full"), "{err}");
        assert_eq!(
            rows(s).len(),
            3,
            "{}: nothing of the failed send",
            db.engine
        );
        assert_eq!(db.raw.count("SELECT count(*) FROM outbox"), 3);
    }
}

#[test]
fn each_message_reaches_its_recipient_once_and_is_recorded_as_sent() {
    for mut db in each_engine_empty() {
        let Some(server) = SmtpServer::start() else {
            return;
        };
        let p = people(&mut db);
        let s = &mut db.service;
        mail_settings(s, &server.address());
        let body = "Grüße, {contact}!\nMaintenance tonight 01:00–03:00 UTC.\n{balance} {currency}";
        let ids = queue(
            s,
            &[p.atlas, p.blue],
            &email("Wartung – {customer}", body),
            Category::General,
            NOW,
        );
        let c = couriers(s, None);
        let done = s.deliver(&c.ready(), "noc-1:100", NOW, 100).unwrap();
        assert_eq!(done, delivered(3, 0, 0, 0), "{}", db.engine);

        let kept = server.messages();
        assert_eq!(kept.len(), 3, "{kept:#?}");
        for id in &ids {
            let m = row(s, *id);
            assert_eq!(m.status, Status::Sent);
            assert!(m.reason.starts_with("250"), "the server's answer: {m:?}");
            assert!(m.sent_at.is_some() && m.attempts == 1, "{m:?}");
            assert_eq!(claim_of(&db.raw, *id), ("noc-1:100".to_string(), None));
            // Exactly one message with this Message-ID, to this recipient only.
            let mail = server.message(&m.message_id);
            assert_eq!(mail.header("X-RcptTo"), m.recipient);
            assert_eq!(mail.header("To"), m.recipient);
            assert_eq!(mail.header("From"), "Carrier NOC <noc@carrier.example>");
            assert_eq!(mail.header("Subject"), m.subject);
            assert_eq!(mail.body.replace("\r\n", "\n").trim_end(), m.body);
        }
        let ana = rows(s).into_iter().find(|m| m.contact_id == Some(p.ana));
        let ana = ana.unwrap();
        assert_eq!(ana.subject, "Wartung – Atlas Networks");
        assert_eq!(
            ana.body,
            "Grüße, Ana!\nMaintenance tonight 01:00–03:00 UTC.\n-1,234.50 EUR"
        );

        // Nothing is due any more, however late it is.
        let again = s.deliver(&c.ready(), "noc-2:200", NOW + 86_400, 100);
        assert_eq!(again.unwrap(), Delivered::default());
        assert_eq!(server.messages().len(), 3);
    }
}

#[test]
fn a_refused_recipient_fails_at_once_and_a_busy_one_backs_off_until_it_is_given_up() {
    for mut db in each_engine_empty() {
        let Some(server) = SmtpServer::start_with("smtp_refusing.Refusing", Some(fixtures()))
        else {
            return;
        };
        let s = &mut db.service;
        mail_settings(s, &server.address());
        let atlas = customer(s, "Atlas Networks", "EUR", "0");
        let good = contact(s, atlas, "Ana", "ana@atlas.example", "", "general");
        let refused = contact(s, atlas, "Nobody", "nobody@refused.example", "", "general");
        let busy = contact(s, atlas, "Busy", "busy@later.example", "", "general");
        queue(
            s,
            &[atlas],
            &email("Hi", "Hello {contact}"),
            Category::General,
            NOW,
        );
        let of = |s: &Service, contact: i64| {
            rows(s)
                .into_iter()
                .find(|m| m.contact_id == Some(contact))
                .unwrap()
        };
        let c = couriers(s, None);
        let done = s.deliver(&c.ready(), "noc-1:1", NOW, 100).unwrap();
        assert_eq!(done, delivered(1, 1, 1, 0), "{}", db.engine);
        assert_eq!(of(s, good).status, Status::Sent);
        let r = of(s, refused);
        assert_eq!(
            (r.status, r.reason.as_str(), r.attempts),
            (Status::Failed, "550 5.1.1 mailbox unavailable", 1)
        );
        assert_eq!(r.sent_at, None);
        let b = of(s, busy);
        assert_eq!(
            (b.status, b.reason.as_str(), b.attempts),
            (Status::Queued, "451 4.3.0 try later", 1)
        );
        assert_eq!(b.next_at, NOW + backoff(1));

        // Not before its time; then again each time after a longer wait, until the last try.
        let mut at = NOW;
        for attempt in 2..=MAX_ATTEMPTS {
            let due = of(s, busy).next_at;
            assert_eq!(due, at + backoff(attempt - 1), "after try {}", attempt - 1);
            assert_eq!(
                s.deliver(&c.ready(), "noc-1:1", due - 1, 100).unwrap(),
                Delivered::default(),
                "not due before {due}"
            );
            at = due;
            let done = s.deliver(&c.ready(), "noc-1:1", at, 100).unwrap();
            let b = of(s, busy);
            assert_eq!(b.attempts, attempt);
            if attempt < MAX_ATTEMPTS {
                assert_eq!(done, delivered(0, 1, 0, 0), "try {attempt}");
                assert_eq!(b.status, Status::Queued);
            } else {
                assert_eq!(done, delivered(0, 0, 1, 0), "the last try");
                assert_eq!(
                    (b.status, b.reason.as_str()),
                    (Status::Failed, "451 4.3.0 try later")
                );
            }
        }
        // Given up for good: never tried again.
        assert_eq!(
            s.deliver(&c.ready(), "noc-1:1", at + 30 * 86_400, 100)
                .unwrap(),
            Delivered::default()
        );
        let kept = server.messages();
        assert_eq!(kept.len(), 1, "{kept:#?}");
        assert_eq!(kept[0].header("X-RcptTo"), "ana@atlas.example");
    }
}

#[test]
fn a_mail_server_that_is_down_leaves_the_messages_queued_for_the_next_try() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let down = format!("127.0.0.1:{}", mail::closed_port());
        mail_settings(s, &down);
        let atlas = customer(s, "Atlas Networks", "EUR", "0");
        contact(s, atlas, "Ana", "ana@atlas.example", "", "general");
        contact(s, atlas, "Bob", "bob@atlas.example", "", "general");
        let ids = queue(s, &[atlas], &email("Hi", "Hello"), Category::General, NOW);
        let c = couriers(s, None);
        let done = s.deliver(&c.ready(), "noc-1:1", NOW, 100).unwrap();
        assert_eq!(done, delivered(0, 2, 0, 0), "{}", db.engine);
        for id in &ids {
            let m = row(s, *id);
            assert_eq!((m.status, m.attempts), (Status::Queued, 1), "{m:?}");
            assert!(m.reason.starts_with(&down), "{m:?}");
            assert_eq!(m.next_at, NOW + backoff(1));
            assert_eq!(claim_of(&db.raw, *id).1, None, "no lease left behind");
        }

        // The server is back: the next try delivers them.
        let Some(server) = SmtpServer::start() else {
            return;
        };
        set(s, "smtp_server", &server.address());
        let c = couriers(s, None);
        let done = s.deliver(&c.ready(), "noc-1:1", NOW + backoff(1), 100);
        assert_eq!(done.unwrap(), delivered(2, 0, 0, 0));
        for id in &ids {
            let m = row(s, *id);
            assert_eq!((m.status, m.attempts), (Status::Sent, 2), "{m:?}");
            assert_eq!(
                server.message(&m.message_id).header("X-RcptTo"),
                m.recipient
            );
        }
    }
}

#[test]
fn an_sms_is_posted_to_the_gateway_and_its_answer_decides_what_becomes_of_it() {
    for mut db in each_engine_empty() {
        let recorder = Recorder::start(|r| match r.field("To").as_str() {
            "+4915112345671" => Answer::Json(
                201,
                r#"{"sid":"SM0001","status":"queued","to":"+4915112345671"}"#.into(),
            ),
            "+4915112345672" => Answer::Json(
                400,
                r#"{"code":21211,"message":"The 'To' number is not valid.","status":400}"#.into(),
            ),
            _ => Answer::Json(503, r#"{"message":"Service Unavailable"}"#.into()),
        });
        let s = &mut db.service;
        sms_settings(s, &recorder.base_url());
        let atlas = customer(s, "Atlas Networks", "EUR", "20.00");
        let ok = contact(
            s,
            atlas,
            "Ana",
            "ana@atlas.example",
            "+4915112345671",
            "general",
        );
        let bad = contact(
            s,
            atlas,
            "Bob",
            "bob@atlas.example",
            "+4915112345672",
            "general",
        );
        let later = contact(
            s,
            atlas,
            "Eve",
            "eve@atlas.example",
            "+4915112345673",
            "general",
        );
        let body = "{contact}: {available} {currency} left & 100% fine";
        queue(s, &[atlas], &sms(body), Category::General, NOW);
        let c = couriers(s, Some("tok-s3cret"));
        assert!(c.email.is_err(), "no mail server is set");
        let done = s.deliver(&c.ready(), "noc-1:1", NOW, 100).unwrap();
        assert_eq!(done, delivered(1, 1, 1, 0), "{}", db.engine);

        let requests = recorder.requests();
        assert_eq!(requests.len(), 3);
        for r in &requests {
            assert_eq!(r.method, "POST");
            assert_eq!(r.path, "/2010-04-01/Accounts/AC0123abc/Messages.json");
            // base64 of "AC0123abc:tok-s3cret"
            assert_eq!(
                r.header("Authorization"),
                Some("Basic QUMwMTIzYWJjOnRvay1zM2NyZXQ=")
            );
            assert_eq!(r.field("From"), "+15005550006");
        }
        let to_ana = requests
            .iter()
            .find(|r| r.field("To") == "+4915112345671")
            .unwrap();
        assert_eq!(to_ana.field("Body"), "Ana: 20.00 EUR left & 100% fine");

        let of = |contact: i64| {
            rows(&db.service)
                .into_iter()
                .find(|m| m.contact_id == Some(contact))
                .unwrap()
        };
        let sent = of(ok);
        assert_eq!(
            (sent.status, sent.reason.as_str()),
            (Status::Sent, "sid SM0001 status queued")
        );
        let refused = of(bad);
        assert_eq!(
            (refused.status, refused.reason.as_str()),
            (
                Status::Failed,
                "HTTP 400: The 'To' number is not valid. (code 21211)"
            )
        );
        let retried = of(later);
        assert_eq!(
            (retried.status, retried.reason.as_str(), retried.next_at),
            (
                Status::Queued,
                "HTTP 503: Service Unavailable",
                NOW + backoff(1)
            )
        );
        // The token is in no row.
        assert!(!format!("{:?}", rows(&db.service)).contains("tok-s3cret"));
    }
}

#[test]
fn several_senders_at_once_deliver_each_message_exactly_once() {
    const CUSTOMERS: usize = 20;
    const EACH: usize = 10;
    for mut db in each_engine_empty() {
        let Some(server) = SmtpServer::start() else {
            return;
        };
        let s = &mut db.service;
        mail_settings(s, &server.address());
        let mut customers = Vec::new();
        for c in 0..CUSTOMERS {
            let id = customer(s, &format!("Customer {c:02}"), "EUR", "0");
            for k in 0..EACH {
                let address = format!("k{k}@c{c}.example");
                contact(s, id, &format!("Contact {k}"), &address, "", "general");
            }
            customers.push(id);
        }
        let ids = queue(
            s,
            &customers,
            &email("Notice", "Dear {contact}"),
            Category::General,
            NOW,
        );
        assert_eq!(ids.len(), CUSTOMERS * EACH);

        // Three consoles, each its own connection, start together and deliver rounds of ten
        // until a round finds nothing.
        let start = Arc::new(Barrier::new(3));
        let senders: Vec<_> = ["noc-a:1", "noc-b:2", "noc-c:3"]
            .into_iter()
            .map(|name| {
                let mut service = db.open();
                let start = start.clone();
                std::thread::spawn(move || {
                    let c = couriers(&service, None);
                    let ready = c.ready();
                    start.wait();
                    let mut total = Delivered::default();
                    loop {
                        let done = service.deliver(&ready, name, NOW, 10).unwrap();
                        if done.handled() == 0 {
                            break;
                        }
                        total.sent += done.sent;
                        total.retried += done.retried;
                        total.failed += done.failed;
                        total.lost += done.lost;
                    }
                    total
                })
            })
            .collect();
        let totals: Vec<Delivered> = senders.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(
            totals.iter().map(|t| t.sent).sum::<usize>(),
            ids.len(),
            "{}: {totals:?}",
            db.engine
        );
        assert!(
            totals.iter().all(|t| t.retried + t.failed + t.lost == 0),
            "{totals:?}"
        );

        // Each Message-ID arrived once, to its one recipient.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for m in server.messages() {
            assert_eq!(m.all("X-RcptTo").len(), 1, "{m:#?}");
            *seen.entry(m.header("Message-ID").to_string()).or_default() += 1;
        }
        let all = rows(&db.service);
        assert!(
            all.iter()
                .all(|m| m.status == Status::Sent && m.attempts == 1)
        );
        let expected: BTreeMap<String, usize> =
            all.iter().map(|m| (m.message_id.clone(), 1)).collect();
        assert_eq!(seen, expected);
        // They shared the work, each its own messages.
        let by_sender = db
            .raw
            .query("SELECT sender, count(*) FROM outbox GROUP BY sender ORDER BY sender");
        assert!(by_sender.len() >= 2, "one sender did all: {by_sender:?}");
    }
}

/// A courier that says which messages it is handed, holds the first one until told to go
/// on, and then says the server took each: a sender stalled past its lease.
struct Stalled {
    handed: mpsc::Sender<i64>,
    go_on: Mutex<Option<mpsc::Receiver<()>>>,
}

impl Courier for Stalled {
    fn kind(&self) -> Kind {
        Kind::Email
    }

    fn deliver(&self, message: &Outgoing) -> Outcome {
        self.handed.send(message.id).unwrap();
        if let Some(go_on) = self.go_on.lock().unwrap().take() {
            go_on.recv().unwrap();
        }
        Outcome::Accepted("250 accepted much later".into())
    }
}

#[test]
fn a_lease_that_ran_out_is_taken_over_and_the_late_sender_sends_and_records_nothing_more() {
    for mut db in each_engine_empty() {
        let Some(server) = SmtpServer::start() else {
            return;
        };
        let s = &mut db.service;
        mail_settings(s, &server.address());
        let atlas = customer(s, "Atlas Networks", "EUR", "0");
        for name in ["ana", "bob", "carla"] {
            contact(
                s,
                atlas,
                name,
                &format!("{name}@atlas.example"),
                "",
                "general",
            );
        }
        let ids = queue(s, &[atlas], &email("Hi", "Hello"), Category::General, NOW);
        assert_eq!(ids.len(), 3);

        // The first sender claims all three and stalls in the middle of delivering the first.
        let (handed_tx, handed) = mpsc::channel();
        let (go_on, go_on_rx) = mpsc::channel();
        let mut first = db.open();
        let stalled = std::thread::spawn(move || {
            let courier = Stalled {
                handed: handed_tx,
                go_on: Mutex::new(Some(go_on_rx)),
            };
            first.deliver(&[&courier], "noc-a:1", NOW, 10).unwrap()
        });
        let in_flight = handed
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap();
        assert_eq!(in_flight, ids[0]);
        for id in &ids {
            let m = row(&db.service, *id);
            assert_eq!((m.status, m.attempts), (Status::Sending, 1));
            let (sender, lease) = claim_of(&db.raw, *id);
            assert_eq!(sender, "noc-a:1");
            // From the round's start; the one being handed over from the moment it was.
            let lease = lease.unwrap();
            assert!(
                lease == NOW + LEASE_SECONDS || (*id == in_flight && lease > NOW + LEASE_SECONDS),
                "{id}: {lease}"
            );
        }

        // Another sender leaves them alone while the lease lasts, then takes them over.
        let s = &mut db.service;
        let c = couriers(s, None);
        for at in [NOW, NOW + LEASE_SECONDS] {
            let done = s.deliver(&c.ready(), "noc-b:2", at, 10).unwrap();
            assert_eq!(done, Delivered::default(), "{}: at {at}", db.engine);
        }
        let done = s
            .deliver(&c.ready(), "noc-b:2", NOW + LEASE_SECONDS + 30, 10)
            .unwrap();
        assert_eq!(done, delivered(3, 0, 0, 0));
        let taken: Vec<Outgoing> = ids.iter().map(|id| row(s, *id)).collect();
        for (id, m) in ids.iter().zip(&taken) {
            assert_eq!((m.status, m.attempts), (Status::Sent, 2));
            assert!(m.reason.starts_with("250"), "{m:?}");
            assert_eq!(claim_of(&db.raw, *id), ("noc-b:2".to_string(), None));
        }

        // The first sender wakes up: the one it was handing over may have gone twice (its
        // Message-ID tells), but it hands over none of the others, and records nothing.
        go_on.send(()).unwrap();
        let late = stalled.join().unwrap();
        assert_eq!(late, delivered(0, 0, 0, 3), "{}", db.engine);
        let more: Vec<i64> = handed.try_iter().collect();
        assert!(
            more.is_empty(),
            "{}: the late sender handed over messages taken from it: {more:?}",
            db.engine
        );
        let after: Vec<Outgoing> = ids.iter().map(|id| row(&db.service, *id)).collect();
        assert_eq!(after, taken, "the rows are as the second sender left them");
        assert_eq!(server.messages().len(), 3);
        for m in &taken {
            assert_eq!(
                server.message(&m.message_id).header("X-RcptTo"),
                m.recipient
            );
        }
    }
}

#[test]
fn a_kind_this_host_has_no_courier_for_stays_queued_for_another() {
    for mut db in each_engine_empty() {
        let Some(server) = SmtpServer::start() else {
            return;
        };
        let p = people(&mut db);
        let s = &mut db.service;
        mail_settings(s, &server.address());
        sms_settings(s, "http://127.0.0.1:9");
        let texts = queue(s, &[p.atlas, p.blue], &sms("Hi"), Category::General, NOW);
        let mails = queue(
            s,
            &[p.atlas, p.blue],
            &email("Hi", "Hello"),
            Category::General,
            NOW,
        );
        // No SMS token on this host: only the mailer is ready.
        let c = couriers(s, None);
        let missing = c.missing();
        assert_eq!(missing.len(), 1, "{:?}", missing);
        assert_eq!(missing[0].0, Kind::Sms);
        assert!(
            missing[0].1.contains("CARRIERDESK_SMS_TOKEN"),
            "{missing:?}"
        );
        let done = s.deliver(&c.ready(), "noc-1:1", NOW + 60, 100).unwrap();
        assert_eq!(done, delivered(mails.len(), 0, 0, 0), "{}", db.engine);
        for id in &texts {
            let m = row(s, *id);
            assert_eq!(
                (m.status, m.attempts, m.reason.as_str()),
                (Status::Queued, 0, "")
            );
            assert_eq!(
                claim_of(&db.raw, *id),
                (String::new(), None),
                "never claimed"
            );
        }
        assert_eq!(server.messages().len(), mails.len());
        // No courier at all claims nothing.
        assert_eq!(
            s.deliver(&[], "noc-1:1", NOW + 60, 100).unwrap(),
            Delivered::default()
        );
    }
}
