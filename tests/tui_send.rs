//! Messages to contacts in the console, driven with keys and drawn into a TestBackend, their
//! effects run against a real database file: the send form (from the board's marks and
//! from a card), the Email log, the Settings screen's test email, and a portal password
//! mailed from a contact's password prompt. Mail goes to a real aiosmtpd on loopback
//! (tests/common/mail.rs). The harness does not start the console's background sender:
//! the tests deliver with the service and the couriers the settings make, as that sender
//! does.

mod common;
#[path = "common/tui_harness.rs"]
mod tui_harness;

use carrierdesk::config::Config;
use carrierdesk::domain::contact::Category;
use carrierdesk::domain::message::{Kind, Outgoing, Status, Template};
use carrierdesk::domain::{Contact, ContactDraft, Currency, Customer};
use carrierdesk::service::{Service, SettingChange};
use carrierdesk::tui::msg::{Effect, Event, Level, MailEffect};
use carrierdesk::tui::screens::board::{Board, BoardScreen};
use carrierdesk::tui::screens::card::CardScreen;
use carrierdesk::tui::screens::email_log::EmailLog;
use carrierdesk::tui::screens::password::PasswordScreen;
use carrierdesk::tui::screens::prompt::Prompt;
use carrierdesk::tui::screens::send_form::{SendForm, Stage};
use carrierdesk::tui::screens::settings::SettingsScreen;
use common::mail::{self, SmtpServer};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tui_harness::Harness;

/// The characters a generated portal password is made of.
const GENERATED: &str = "bcdfghjkmnpqrstvwxyzBCDFGHJKLMNPQRSTVWXYZ23456789-_.!@#%+=";

/// The address tests/fixtures/smtp_refusing.py refuses for good (550).
const REFUSED: &str = "nobody@refused.example";

fn set(service: &mut Service, key: &str, value: Option<&str>) {
    let change = SettingChange {
        key,
        value,
        expect: None,
    };
    service
        .change_setting(&common::actor("setup"), &change)
        .unwrap();
}

/// The settings that send mail through `address` (host:port), unencrypted, as from the NOC.
fn mail_settings(service: &mut Service, address: &str) {
    set(service, "from_address", Some("noc@carrier.example"));
    set(service, "smtp_server", Some(address));
    set(service, "smtp_tls", Some("none"));
}

/// A customer of the test's own, with the contacts given as (name, email, mobile,
/// categories): the first is its primary.
fn customer_with(
    service: &mut Service,
    name: &str,
    contacts: &[(&str, &str, &str, &str)],
) -> (i64, Vec<Contact>) {
    let mut c = Customer::new(Currency::parse("EUR").unwrap());
    c.name = name.into();
    c.channels = 4;
    c.balance = 123_456;
    let id = service
        .create_customer(&common::actor("setup"), &c)
        .unwrap()
        .id;
    let added = contacts
        .iter()
        .map(|(name, email, mobile, categories)| {
            let draft = ContactDraft {
                name: (*name).into(),
                email: (*email).into(),
                mobile: (*mobile).into(),
                categories: (*categories).into(),
                ..ContactDraft::default()
            };
            service
                .create_contact(&common::actor("setup"), id, &draft, None)
                .unwrap()
                .contact
        })
        .collect();
    (id, added)
}

/// The folder of the test's SMTP handlers.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The screen with the frames' edges taken out and its lines joined by one space: a
/// sentence wrapped inside a box reads as one.
fn flat(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| "│║".contains(c) || c.is_whitespace()))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the box titled `title` holds, its lines joined as `flat` joins them: for a window
/// drawn over others, whose lines the screen's other frames share.
fn inside(screen: &str, title: &str) -> String {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let (top, line) = lines
        .iter()
        .enumerate()
        .find(|(_, l)| l.iter().collect::<String>().contains(title))
        .unwrap_or_else(|| panic!("no box {title}: {screen}"));
    let start = line.iter().position(|c| *c == '┌').expect("a box's corner");
    let end = start
        + line[start..]
            .iter()
            .position(|c| *c == '┐')
            .expect("its other corner");
    let inner: Vec<String> = lines[top + 1..]
        .iter()
        .take_while(|l| l.get(start) != Some(&'└'))
        .map(|l| l[start + 1..end.min(l.len())].iter().collect())
        .collect();
    flat(&inner.join("\n"))
}

/// `n` of `what`, as the console counts: "1 contact", "3 contacts".
fn counted(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Every message in the outbox, newest first.
fn outbox(service: &Service) -> Vec<Outgoing> {
    service.outbox(None, "", 1_000).unwrap()
}

/// Every row of `table`, one line each, its cells as text: where a secret must not be.
fn dump(path: &Path, table: &str) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
    let n = stmt.column_count();
    let rows: Vec<String> = stmt
        .query_map([], |r| {
            (0..n)
                .map(|i| {
                    r.get_ref(i).map(|v| match v {
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                        other => format!("{other:?}"),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|cells| cells.join("\t"))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.join("\n")
}

impl Harness {
    fn board(&self) -> &Board {
        &self.app.find::<BoardScreen>().expect("the board").board
    }

    fn form(&self) -> Option<&SendForm> {
        self.app.top_as::<SendForm>()
    }

    fn ctrl(&mut self, c: char) -> &mut Self {
        self.key_with(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    /// Runs the palette command `name`, found by typing `query`.
    fn palette(&mut self, query: &str, name: &str) {
        self.key(KeyCode::Char(':')).keys(query);
        let screen = self.screen();
        let first = screen
            .lines()
            .skip_while(|l| !l.contains(&format!(":{query}")))
            .nth(2)
            .unwrap_or_default();
        assert!(first.contains(name), "{name} is not first: {screen}");
        self.key(KeyCode::Enter);
    }

    /// Opens the card of the customer called `name` from the board.
    fn open_card(&mut self, name: &str) {
        self.key(KeyCode::Char('/')).keys(name);
        self.key(KeyCode::Enter).key(KeyCode::Enter);
        assert!(
            self.app.top_as::<CardScreen>().is_some(),
            "{}",
            self.screen()
        );
    }

    /// The status line's message: its level and text.
    fn said(&self) -> (Level, String) {
        let m = self.app.message().expect("a message on the status line");
        (m.level, m.text.clone())
    }

    /// The lines of the Email log's table that show `text`.
    fn log_lines(&mut self, text: &str) -> Vec<String> {
        self.screen()
            .lines()
            .filter(|l| l.contains(text))
            .map(str::to_string)
            .collect()
    }
}

/// The contacts of `customers` that get a message of `kind` in `category`.
fn recipients(service: &Service, customers: &[i64], kind: Kind, category: Category) -> Vec<String> {
    customers
        .iter()
        .flat_map(|id| service.contacts(*id).unwrap())
        .filter(|k| k.receives(category))
        .map(|k| match kind {
            Kind::Email => k.spec.email,
            Kind::Sms => k.spec.mobile,
        })
        .filter(|to| !to.is_empty())
        .collect()
}

#[test]
fn an_email_to_the_marked_customers_is_checked_previewed_and_queued_one_per_contact() {
    let (_dir, _path, mut service) = common::demo_db(8, 0);
    set(&mut service, "from_address", Some("noc@carrier.example"));
    let mut h = Harness::new(service, 130, 40);
    h.key(KeyCode::Char(' ')).key(KeyCode::Char(' '));
    let marked = h.board().marked_ids();
    assert_eq!(marked.len(), 2);

    h.palette(
        "send email",
        "Send email to the contacts of the marked customers",
    );
    let form = h.form().expect("the send form");
    assert_eq!((form.kind, form.category), (Kind::Email, Category::General));
    let screen = h.screen();
    assert!(
        screen.contains("Send email to the contacts of 2 marked customers"),
        "{screen}"
    );

    // Nothing written: the reason, and the form stays.
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        screen.contains("subject: an email has a subject"),
        "{screen}"
    );
    assert!(matches!(h.form().unwrap().stage, Stage::Writing));

    // A misspelt placeholder is refused by name.
    h.keys("Maintenance tonight for {customer}");
    h.key(KeyCode::Tab).keys("Dear {contcat},");
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        flat(&screen).contains("body: unknown placeholder {contcat}: use {customer}"),
        "{screen}"
    );
    assert!(matches!(h.form().unwrap().stage, Stage::Writing));
    for _ in "{contcat},".chars() {
        h.key(KeyCode::Backspace);
    }
    h.keys("{contact},");
    h.key(KeyCode::Enter)
        .keys("your balance is {balance} {currency}.");
    assert!(
        !h.screen().contains("unknown placeholder"),
        "typing takes the refusal away"
    );

    // The preview: how many contacts of how many customers, as the database has them.
    h.ctrl('s');
    let expected = recipients(&h.db.service, &marked, Kind::Email, Category::General);
    assert!(!expected.is_empty());
    let screen = h.screen();
    assert!(matches!(h.form().unwrap().stage, Stage::Preview(_)));
    assert!(
        flat(&screen).contains(&format!(
            "{} of 2 customers get it, each a message of their own.",
            counted(expected.len(), "contact")
        )),
        "{screen}"
    );
    // The first message as it will read, placeholders filled.
    let customer = h.db.service.customer(marked[0]).unwrap();
    let first =
        h.db.service
            .contacts(marked[0])
            .unwrap()
            .into_iter()
            .find(|k| k.receives(Category::General))
            .unwrap();
    assert!(
        screen.contains(&format!("The first, to {}:", first.spec.email)),
        "{screen}"
    );
    assert!(
        screen.contains(&format!(
            "Subject: Maintenance tonight for {}",
            customer.name
        )),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("Dear {},", first.spec.name)),
        "{screen}"
    );
    assert!(
        screen.contains(&format!(
            "your balance is {} {}.",
            customer.currency.display(customer.balance),
            customer.currency.code()
        )),
        "{screen}"
    );
    assert!(!screen.contains("{contact}"), "{screen}");
    assert!(outbox(&h.db.service).is_empty(), "a preview queues nothing");

    // Esc goes back to the message as written.
    h.key(KeyCode::Esc);
    let screen = h.screen();
    assert!(h.form().is_some(), "{screen}");
    assert!(matches!(h.form().unwrap().stage, Stage::Writing));
    assert!(
        screen.contains("Maintenance tonight for {customer}"),
        "{screen}"
    );
    assert!(screen.contains("Dear {contact},"), "{screen}");
    assert!(
        screen.contains("your balance is {balance} {currency}."),
        "{screen}"
    );

    // Ctrl-S twice queues it: one message per contact, a SEND audit row per customer.
    h.ctrl('s').ctrl('s');
    assert!(h.form().is_none(), "{}", h.screen());
    let queued = outbox(&h.db.service);
    assert_eq!(queued.len(), expected.len());
    let to: BTreeSet<&str> = queued.iter().map(|m| m.recipient.as_str()).collect();
    let want: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    assert_eq!(to, want, "one message to each contact, no other");
    for m in &queued {
        assert_eq!((m.kind, m.status), (Kind::Email, Status::Queued));
        assert!(marked.contains(&m.customer_id.unwrap()));
        let c = h.db.service.customer(m.customer_id.unwrap()).unwrap();
        let k =
            h.db.service
                .contacts(c.id)
                .unwrap()
                .into_iter()
                .find(|k| Some(k.id) == m.contact_id)
                .unwrap();
        assert_eq!(k.spec.email, m.recipient);
        assert_eq!(m.subject, format!("Maintenance tonight for {}", c.name));
        assert!(
            m.body.starts_with(&format!("Dear {},\n", k.spec.name)),
            "{m:?}"
        );
        assert_eq!(m.queued_by, "tester");
        assert!(m.message_id.ends_with("@carrier.example>"), "{m:?}");
    }
    for id in &marked {
        let sends: Vec<_> =
            h.db.service
                .audit(*id)
                .unwrap()
                .into_iter()
                .filter(|e| e.action == "SEND")
                .collect();
        assert_eq!(sends.len(), 1, "{sends:?}");
        let mine = queued.iter().filter(|m| m.customer_id == Some(*id)).count();
        assert_eq!(sends[0].table, "outbox");
        assert_eq!(
            sends[0].message,
            format!("Send email to {}", counted(mine, "contact"))
        );
        assert_eq!(sends[0].operator, "tester");
    }
    let (level, text) = h.said();
    assert_eq!(level, Level::Info);
    assert_eq!(
        text,
        format!(
            "Queued {}: the outbox delivers them (palette: Email log)",
            counted(expected.len(), "message")
        )
    );
    assert!(h.screen().contains(&text));
}

#[test]
fn an_sms_from_a_card_goes_to_the_category_chosen_and_says_who_has_no_mobile() {
    let (_dir, _path, mut service) = common::demo_db(4, 0);
    let (harbour, contacts) = customer_with(
        &mut service,
        "Harbour Lines Ltd",
        &[
            (
                "Ada Brennan",
                "ada@harbour.example",
                "+447911123401",
                "general,financial",
            ),
            (
                "Bo Lindqvist",
                "bo@harbour.example",
                "+447911123402",
                "general",
            ),
            ("Cy Okafor", "cy@harbour.example", "", "general,financial"),
            (
                "Di Moreau",
                "di@harbour.example",
                "+447911123404",
                "financial",
            ),
            ("Ed Novak", "ed@harbour.example", "", "financial"),
            (
                "Flo Sato",
                "flo@harbour.example",
                "+447911123406",
                "general",
            ),
            ("Gil Ortiz", "gil@harbour.example", "+447911123407", "none"),
        ],
    );
    let mut h = Harness::new(service, 130, 40);
    h.open_card("Harbour Lines");
    h.palette("send sms", "Send SMS to this customer's contacts");
    let form = h.form().expect("the send form");
    assert_eq!((form.kind, form.category), (Kind::Sms, Category::General));
    let screen = h.screen();
    assert!(
        screen.contains("Send SMS to the contacts of Harbour Lines Ltd"),
        "{screen}"
    );
    assert!(!screen.contains("Subject"), "an SMS has none: {screen}");

    h.keys("Hello {contact}, works on {customer} tonight.");
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        inside(&screen, "Send SMS to").contains(
            "3 contacts of 1 customer get it, each a message of their own; \
             1 contact without a mobile left out."
        ),
        "{screen}"
    );
    assert!(screen.contains("The first, to +447911123401:"), "{screen}");
    assert!(
        screen.contains("Hello Ada Brennan, works on Harbour Lines Ltd tonight."),
        "{screen}"
    );

    // Back, to the first field: → makes it financial, and others get it.
    h.key(KeyCode::Esc);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Right);
    assert_eq!(h.form().unwrap().category, Category::Financial);
    assert!(
        h.screen()
            .contains("Hello {contact}, works on {customer} tonight.")
    );
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        inside(&screen, "Send SMS to").contains(
            "2 contacts of 1 customer get it, each a message of their own; \
             2 contacts without a mobile left out."
        ),
        "{screen}"
    );
    h.ctrl('s');
    assert!(h.form().is_none(), "{}", h.screen());
    let queued = outbox(&h.db.service);
    let to: BTreeSet<&str> = queued.iter().map(|m| m.recipient.as_str()).collect();
    assert_eq!(to, BTreeSet::from(["+447911123401", "+447911123404"]));
    let by_contact: BTreeSet<i64> = queued.iter().filter_map(|m| m.contact_id).collect();
    assert_eq!(by_contact, BTreeSet::from([contacts[0].id, contacts[3].id]));
    for m in &queued {
        assert_eq!(m.kind, Kind::Sms);
        assert_eq!(m.customer_id, Some(harbour));
        assert_eq!(m.subject, "");
    }
    assert_eq!(
        h.said().1,
        "Queued 2 messages: the outbox delivers them (palette: Email log)"
    );
    let sends: Vec<_> =
        h.db.service
            .audit(harbour)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "SEND")
            .collect();
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].message, "Send SMS to 2 contacts");
}

#[test]
fn esc_asks_before_dropping_a_written_message_and_nothing_is_queued() {
    let (_dir, _path, service) = common::demo_db(4, 0);
    let mut h = Harness::new(service, 130, 40);
    let customer = h.board().selected().unwrap().id;

    // Nothing written: Esc closes at once.
    h.palette(
        "send email",
        "Send email to the contacts of the marked customers",
    );
    assert!(h.form().is_some());
    h.key(KeyCode::Esc);
    assert!(h.form().is_none(), "{}", h.screen());

    h.palette(
        "send email",
        "Send email to the contacts of the marked customers",
    );
    h.keys("Price list");
    h.key(KeyCode::Esc);
    let screen = h.screen();
    assert!(h.form().is_some(), "{screen}");
    assert!(
        screen.contains("Esc again drops what you wrote; any other key goes on writing."),
        "{screen}"
    );
    // Any other key takes the question back and goes on writing.
    h.keys(" 2027");
    let screen = h.screen();
    assert!(!screen.contains("Esc again drops"), "{screen}");
    assert!(screen.contains("Price list 2027"), "{screen}");
    h.key(KeyCode::Esc);
    assert!(h.form().is_some());
    h.key(KeyCode::Esc);
    assert!(h.form().is_none(), "{}", h.screen());
    assert!(h.app.top_as::<BoardScreen>().is_some());
    assert!(outbox(&h.db.service).is_empty());
    assert!(
        h.db.service
            .audit(customer)
            .unwrap()
            .iter()
            .all(|e| e.action != "SEND")
    );
}

#[test]
fn esc_while_it_is_being_queued_waits_for_the_answer() {
    let (_dir, _path, service) = common::demo_db(4, 0);
    let mut h = Harness::new(service, 130, 40);
    let customer = h.board().selected().unwrap().clone();
    let expected = recipients(
        &h.db.service,
        &[customer.id],
        Kind::Email,
        Category::General,
    );
    h.palette(
        "send email",
        "Send email to the contacts of the marked customers",
    );
    assert!(
        h.screen()
            .contains(&format!("Send email to the contacts of {}", customer.name)),
        "{}",
        h.screen()
    );
    h.keys("Price list");
    h.key(KeyCode::Tab).keys("New prices from January.");
    h.ctrl('s');
    assert!(matches!(h.form().unwrap().stage, Stage::Preview(_)));

    // Ctrl-S sends the messages to the database thread; its answer has not come yet.
    let key = |code, modifiers| Event::Key(KeyEvent::new(code, modifiers));
    let pending = h.app.handle(key(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(
        matches!(pending.as_slice(), [Effect::Mail(MailEffect::Queue(_))]),
        "{pending:?}"
    );
    assert!(matches!(h.form().unwrap().stage, Stage::Queuing));
    assert!(h.screen().contains("Queuing…"), "{}", h.screen());
    // Esc cannot take them back: the form waits for the answer rather than hide it.
    for _ in 0..2 {
        let effects = h.app.handle(key(KeyCode::Esc, KeyModifiers::NONE));
        assert!(effects.is_empty(), "{effects:?}");
        assert!(h.form().is_some(), "{}", h.screen());
    }
    h.run(pending);
    assert!(h.form().is_none(), "{}", h.screen());
    assert_eq!(
        h.said().1,
        format!(
            "Queued {}: the outbox delivers them (palette: Email log)",
            counted(expected.len(), "message")
        )
    );
    assert_eq!(outbox(&h.db.service).len(), expected.len());
}

#[test]
fn the_email_log_follows_delivery_filters_by_state_and_opens_a_message() {
    let Some(server) = SmtpServer::start_with("smtp_refusing.Refusing", Some(&fixtures())) else {
        return;
    };
    let (_dir, path, mut service) = common::demo_db(4, 0);
    mail_settings(&mut service, &server.address());
    let (harbour, _) = customer_with(
        &mut service,
        "Harbour Lines Ltd",
        &[
            ("Ada Brennan", "ada@harbour.example", "", "general"),
            ("Bo Lindqvist", "bo@harbour.example", "", "general"),
        ],
    );
    let (quayside, _) = customer_with(
        &mut service,
        "Quayside Freight",
        &[
            ("Cy Okafor", "cy@quayside.example", "", "general"),
            ("Nobody", REFUSED, "", "general"),
        ],
    );
    let template = Template {
        kind: Kind::Email,
        subject: "Works tonight at {customer}".into(),
        body: "Dear {contact},\nworks tonight.".into(),
    };
    let plan = service
        .plan_send(&[harbour, quayside], &template, Category::General)
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    service.queue(&common::actor("alice"), &plan, now).unwrap();
    let all = [
        "ada@harbour.example",
        "bo@harbour.example",
        "cy@quayside.example",
        REFUSED,
    ];

    let mut h = Harness::new(service, 170, 40);
    h.palette(
        "email log",
        "Email log: the outbox, what was sent and what failed",
    );
    assert!(h.app.top_as::<EmailLog>().is_some());
    let screen = h.screen();
    assert!(
        screen.contains(
            "Email log (queue and last 24 hours, UTC) · 4 shown · 4 waiting · 0 failed · all states"
        ),
        "{screen}"
    );
    for to in all {
        let lines = h.log_lines(to);
        assert_eq!(lines.len(), 1, "{screen}");
        assert!(lines[0].contains(" queued "), "{}", lines[0]);
    }

    // A queued message in full; the log follows delivery under its window.
    h.key(KeyCode::Enter);
    assert!(
        flat(&h.screen()).contains("State queued after 0 tries"),
        "{}",
        h.screen()
    );

    // Delivered by another connection, as a sender does; the change notice reloads the log.
    let mut sender = Service::open(&path).unwrap();
    let couriers = sender.couriers(&Config::defaults()).unwrap();
    let done = sender
        .deliver(&couriers.ready(), "sender-test", now, 100)
        .unwrap();
    assert_eq!((done.sent, done.failed), (3, 1), "{done:?}");
    h.poll();
    h.key(KeyCode::Esc);
    assert!(h.app.top_as::<EmailLog>().is_some());
    let screen = h.screen();
    assert!(
        screen.contains("4 shown · 0 waiting · 1 failed · all states"),
        "{screen}"
    );
    for to in &all[..3] {
        let lines = h.log_lines(to);
        assert_eq!(lines.len(), 1, "{screen}");
        assert!(
            lines[0].contains(" sent ") && lines[0].contains(" 250 "),
            "{}",
            lines[0]
        );
    }
    let lines = h.log_lines(REFUSED);
    assert!(
        lines[0].contains(" failed ") && lines[0].contains("550 5.1.1 mailbox unavailable"),
        "{}",
        lines[0]
    );
    let got: BTreeSet<String> = server
        .messages()
        .iter()
        .map(|m| m.header("X-RcptTo").to_string())
        .collect();
    assert_eq!(got, all[..3].iter().map(|s| s.to_string()).collect());

    // f cycles through the states: queued, sending, sent, failed, then all again.
    for (state, shown) in [("queued", 0), ("sending", 0), ("sent", 3), ("failed", 1)] {
        h.key(KeyCode::Char('f'));
        let screen = h.screen();
        assert!(
            screen.contains(&format!("{shown} shown · 0 waiting · 1 failed · {state}")),
            "{screen}"
        );
        assert_eq!(
            h.app.top_as::<EmailLog>().unwrap().status.unwrap().key(),
            state
        );
    }
    let screen = h.screen();
    assert!(screen.contains(REFUSED), "{screen}");
    assert!(!screen.contains("ada@harbour.example"), "{screen}");

    // Enter: the failed message in full.
    h.key(KeyCode::Enter);
    let failed = outbox(&h.db.service)
        .into_iter()
        .find(|m| m.recipient == REFUSED)
        .unwrap();
    let screen = h.screen();
    let text = flat(&screen);
    assert!(
        text.contains(&format!("email {} (Esc closes)", failed.message_id)),
        "{screen}"
    );
    assert!(text.contains(&format!("To {REFUSED}")), "{screen}");
    assert!(text.contains("State failed after 1 tries"), "{screen}");
    assert!(
        text.contains("Answer 550 5.1.1 mailbox unavailable"),
        "{screen}"
    );
    assert!(
        text.contains(&format!("Message-ID {}", failed.message_id)),
        "{screen}"
    );
    assert!(
        text.contains("Queued") && text.contains("by alice"),
        "{screen}"
    );
    assert!(
        text.contains("Subject Works tonight at Quayside Freight"),
        "{screen}"
    );
    assert!(text.contains("Dear Nobody, works tonight."), "{screen}");
    h.key(KeyCode::Esc);

    // Back to all states, a sent message in full, as the server took it.
    h.key(KeyCode::Char('f'));
    assert!(
        h.screen()
            .contains("4 shown · 0 waiting · 1 failed · all states")
    );
    let sent = outbox(&h.db.service)
        .into_iter()
        .find(|m| m.recipient == "cy@quayside.example")
        .unwrap();
    let rows: Vec<String> = h
        .app
        .top_as::<EmailLog>()
        .unwrap()
        .shown()
        .iter()
        .map(|m| m.recipient.clone())
        .collect();
    let at = rows.iter().position(|r| *r == sent.recipient).unwrap();
    for _ in 0..at {
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Enter);
    let screen = h.screen();
    let text = flat(&screen);
    assert!(
        text.contains(&format!("Message-ID {}", sent.message_id)),
        "{screen}"
    );
    assert!(text.contains("State sent after 1 tries"), "{screen}");
    assert!(
        text.contains(&format!("Answer {}", sent.reason)),
        "{screen}"
    );
    assert!(sent.reason.starts_with("250 "), "{sent:?}");
    assert!(text.contains("Dear Cy Okafor, works tonight."), "{screen}");
    let delivered = server.message(&sent.message_id);
    assert_eq!(delivered.header("X-RcptTo"), "cy@quayside.example");
    assert_eq!(
        delivered.body.replace("\r\n", "\n").trim_end(),
        "Dear Cy Okafor,\nworks tonight."
    );
}

#[test]
fn send_test_email_on_the_settings_screen_says_what_the_server_answered() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let (_dir, _path, mut service) = common::demo_db(4, 0);
    mail_settings(&mut service, &server.address());
    let mut h = Harness::new(service, 130, 40);
    h.palette("settings", "Settings shared by every operator");
    assert!(h.app.top_as::<SettingsScreen>().is_some());

    h.palette(
        "send test email",
        "Send test email: what the mail server answers",
    );
    assert!(h.app.top_as::<Prompt>().is_some(), "{}", h.screen());
    let screen = h.screen();
    assert!(screen.contains("Send a test email"), "{screen}");
    assert!(flat(&screen).contains("To which address?"), "{screen}");
    // Enter with nothing typed says what is missing.
    h.key(KeyCode::Enter);
    assert!(
        h.screen()
            .contains("Type an email address first, or Esc to cancel"),
        "{}",
        h.screen()
    );
    h.keys("ops@customer.example");
    h.key(KeyCode::Enter);
    assert!(h.app.top_as::<SettingsScreen>().is_some(), "{}", h.screen());
    let (level, text) = h.said();
    assert_eq!(level, Level::Info, "{text}");
    assert!(
        text.starts_with("Test email to ops@customer.example: accepted: 250 "),
        "{text}"
    );
    assert!(h.screen().contains(&text), "{}", h.screen());
    let got = server.messages();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].header("X-RcptTo"), "ops@customer.example");
    assert_eq!(got[0].header("Subject"), "carrierdesk test message");
    assert!(outbox(&h.db.service).is_empty(), "a test is not queued");

    // Without a mail server, the error names the setting.
    set(&mut h.db.service, "smtp_server", None);
    h.poll();
    h.palette(
        "send test email",
        "Send test email: what the mail server answers",
    );
    h.keys("ops@customer.example");
    h.key(KeyCode::Enter);
    let (level, text) = h.said();
    assert_eq!(level, Level::Error, "{text}");
    assert!(
        text.starts_with(
            "Test email to ops@customer.example: no email can be sent from here: \
             smtp_server is not set"
        ),
        "{text}"
    );
    assert!(
        flat(&h.screen()).contains("smtp_server is not set"),
        "{}",
        h.screen()
    );
    assert_eq!(server.messages().len(), 1, "nothing more sent");
}

/// The password alone on a line of a mailed body: 20 of the generator's characters.
fn mailed_password(body: &str) -> Option<String> {
    body.lines().map(str::trim).find_map(|l| {
        (l.chars().count() == 20 && l.chars().all(|c| GENERATED.contains(c))).then(|| l.to_string())
    })
}

impl Harness {
    /// The password prompt of the customer's only contact, from its card's Contacts tab.
    fn password_prompt(&mut self, customer: &str) {
        self.open_card(customer);
        self.key(KeyCode::Char('2'));
        assert!(self.screen().contains("Ver e/m"), "{}", self.screen());
        self.key(KeyCode::Char('P'));
        assert!(
            self.app.top_as::<PasswordScreen>().is_some(),
            "{}",
            self.screen()
        );
        assert!(
            flat(&self.screen()).contains("Ctrl-G generates one and mails it to the contact"),
            "{}",
            self.screen()
        );
    }
}

#[test]
fn ctrl_g_mails_a_generated_portal_password_that_is_shown_and_kept_nowhere() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let (_dir, path, mut service) = common::demo_db(4, 0);
    mail_settings(&mut service, &server.address());
    let (harbour, contacts) = customer_with(
        &mut service,
        "Harbour Lines Ltd",
        &[("Ada Brennan", "ada.brennan@harbour.example", "", "general")],
    );
    let ada = &contacts[0];
    assert!(!ada.has_password);
    let mut h = Harness::new(service, 130, 40);
    h.password_prompt("Harbour Lines");
    h.ctrl('g');
    let screen = h.screen();
    assert!(h.app.top_as::<PasswordScreen>().is_none(), "{screen}");
    assert_eq!(
        h.said(),
        (
            Level::Info,
            "Portal password of Ada Brennan (login ada.brennan@harbour.example) set, and \
             mailed to the contact"
                .to_string()
        )
    );
    let k = h.db.service.contacts(harbour).unwrap().remove(0);
    assert!(k.has_password, "the contact has a login");

    let got = server.messages();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].header("X-RcptTo"), "ada.brennan@harbour.example");
    assert_eq!(got[0].header("To"), "ada.brennan@harbour.example");
    let password =
        mailed_password(&got[0].body).unwrap_or_else(|| panic!("no password in {}", got[0].body));
    assert!(
        h.db.service
            .check_contact_password(k.id, &password)
            .unwrap()
    );

    // Nowhere else: the screen, the audit log, the outbox.
    assert!(!screen.contains(&password), "{screen}");
    assert!(!h.screen().contains(&password));
    let audit = dump(&path, "audit_log");
    assert!(
        audit.contains("Set portal password of Ada Brennan, mailed to"),
        "{audit}"
    );
    assert!(!audit.contains(&password));
    let kept = dump(&path, "outbox");
    assert!(kept.contains("ada.brennan@harbour.example"), "{kept}");
    assert!(!kept.contains(&password), "{kept}");
    let rows = outbox(&h.db.service);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].status, Status::Sent);
    assert!(rows[0].reason.starts_with("250 "), "{rows:?}");
    assert_eq!(rows[0].message_id, got[0].header("Message-ID"));
}

#[test]
fn ctrl_g_with_the_mail_server_down_discards_the_password_and_says_so() {
    let (_dir, path, mut service) = common::demo_db(4, 0);
    mail_settings(&mut service, &format!("127.0.0.1:{}", mail::closed_port()));
    let (harbour, _) = customer_with(
        &mut service,
        "Harbour Lines Ltd",
        &[("Ada Brennan", "ada.brennan@harbour.example", "", "general")],
    );
    let mut h = Harness::new(service, 130, 40);
    h.password_prompt("Harbour Lines");
    h.ctrl('g');
    let screen = h.screen();
    assert!(
        h.app.top_as::<PasswordScreen>().is_some(),
        "stays open: {screen}"
    );
    let error = h
        .app
        .top_as::<PasswordScreen>()
        .unwrap()
        .error
        .clone()
        .unwrap();
    assert!(
        error.starts_with("Not set: the mail to ada.brennan@harbour.example was not delivered"),
        "{error}"
    );
    assert!(
        error.ends_with("the password was discarded; generate another"),
        "{error}"
    );
    // All of it on screen, however long the server's words.
    assert!(
        flat(&screen).contains("the password was discarded; generate another"),
        "{screen}"
    );
    assert!(!h.db.service.contacts(harbour).unwrap()[0].has_password);
    let rows = outbox(&h.db.service);
    assert_eq!(rows.len(), 1, "the failed try is recorded: {rows:?}");
    assert_eq!(rows[0].status, Status::Failed);
    let audit = dump(&path, "audit_log");
    assert!(!audit.contains("Set portal password"), "{audit}");

    // Esc closes it; nothing is set.
    h.key(KeyCode::Esc);
    assert!(h.app.top_as::<PasswordScreen>().is_none());
}
