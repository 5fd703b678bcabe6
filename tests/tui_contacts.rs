//! Contacts on the card's Contacts tab, in Global contacts and through the board's phone
//! search, driven with keys and drawn into a TestBackend, their effects run against a real
//! database file (as tests/tui.rs does for the rest of the console).

mod common;
#[path = "common/tui_harness.rs"]
mod tui_harness;

use carrierdesk::domain::{AuditEntry, Contact, ContactDraft, Currency, Customer};
use carrierdesk::domain::{Change, Changes, Topic};
use carrierdesk::service::{PasswordChoice, Service, SettingChange};
use carrierdesk::tui::clock::Clock;
use carrierdesk::tui::msg::{Effect, Event, Reply};
use carrierdesk::tui::screens::card::CardScreen;
use carrierdesk::tui::screens::contact_delete::ContactDelete;
use carrierdesk::tui::screens::contact_form::ContactFormScreen;
use carrierdesk::tui::screens::field_form::FieldModel;
use carrierdesk::tui::screens::global_contacts::GlobalContacts;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Modifier;
use tui_harness::Harness;

/// The characters a generated portal password is made of.
const GENERATED: &str = "bcdfghjkmnpqrstvwxyzBCDFGHJKLMNPQRSTVWXYZ23456789-_.!@#%+=";

/// A demo database and two customers of its own, with no contacts yet: (folder, path,
/// service, Harbour Lines' id, Quayside Freight's id).
fn setup() -> (tempfile::TempDir, std::path::PathBuf, Service, i64, i64) {
    let (dir, path, mut service) = common::demo_db(8, 0);
    let mut ids = [0; 2];
    for (id, (name, balance)) in ids
        .iter_mut()
        .zip([("Harbour Lines Ltd", 123_456), ("Quayside Freight", -2_500)])
    {
        let mut c = Customer::new(Currency::parse("EUR").unwrap());
        c.name = name.into();
        c.channels = 4;
        c.balance = balance;
        *id = service
            .create_customer(&common::actor("setup"), &c)
            .unwrap()
            .id;
    }
    (dir, path, service, ids[0], ids[1])
}

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

/// A contact added through the service, as another operator would.
fn add(service: &mut Service, customer: i64, name: &str, email: &str, phone: &str) -> Contact {
    let draft = ContactDraft {
        name: name.into(),
        email: email.into(),
        phone: phone.into(),
        ..ContactDraft::default()
    };
    service
        .create_contact(&common::actor("bob"), customer, &draft, None)
        .unwrap()
        .contact
}

fn harness(service: Service) -> Harness {
    Harness::at(service, 130, 36, Clock::Fixed(common::NOW))
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

/// The generated password a window shows: the text between two edges of a frame that is
/// 20 of the generator's characters and nothing else.
fn shown_password(screen: &str) -> Option<String> {
    screen.lines().find_map(|l| {
        l.split('│').map(str::trim).find_map(|inner| {
            (inner.chars().count() == 20 && inner.chars().all(|c| GENERATED.contains(c)))
                .then(|| inner.to_string())
        })
    })
}

impl Harness {
    /// Opens the card of the customer called `name` from the board, on its Contacts tab.
    fn open_contacts(&mut self, name: &str) {
        self.key(KeyCode::Char('/')).keys(name);
        self.key(KeyCode::Enter).key(KeyCode::Enter);
        assert!(
            self.app.top_as::<CardScreen>().is_some(),
            "{}",
            self.screen()
        );
        self.key(KeyCode::Char('2'));
        assert!(self.screen().contains("Ver e/m"), "{}", self.screen());
    }

    fn contacts(&self, customer: i64) -> Vec<Contact> {
        self.db.service.contacts(customer).unwrap()
    }

    fn form(&self) -> Option<&ContactFormScreen> {
        self.app.top_as::<ContactFormScreen>()
    }

    /// Tab to the form field the rules call `name`.
    fn focus_field(&mut self, name: &str) -> &mut Self {
        for _ in 0..12 {
            let form = &self.form().expect("the contact form").form;
            if form.focused().name() == name {
                return self;
            }
            self.key(KeyCode::Tab);
        }
        panic!("no field {name} in the contact form");
    }

    /// Empties the focused text field and types `text`.
    fn retype(&mut self, text: &str) -> &mut Self {
        self.key(KeyCode::End);
        for _ in 0..60 {
            self.key(KeyCode::Backspace);
        }
        self.keys(text)
    }

    /// The status line, and the hint line under it that a long message wraps into.
    fn status_line(&mut self) -> String {
        let screen = self.screen();
        let lines: Vec<&str> = screen.lines().collect();
        lines[lines.len() - 2..].join(" ")
    }

    /// The screen line the cursor is on: the one drawn reversed below the card's header
    /// (or Global contacts' title), in the table.
    fn cursor_row(&mut self) -> Option<String> {
        let screen = self.screen();
        let buffer = self.terminal.backend().buffer();
        screen.lines().enumerate().find_map(|(y, line)| {
            let x = line.find(|c: char| c.is_alphanumeric())?;
            let x = line[..x].chars().count() as u16;
            let reversed = buffer[(x, y as u16)].modifier.contains(Modifier::REVERSED);
            // The tab bar shows the tab in reverse too: it is not a row.
            (reversed && !line.contains("1 Main")).then(|| line.to_string())
        })
    }

    /// Moves the cursor down to the row that shows `text`.
    fn cursor_to(&mut self, text: &str) {
        for _ in 0..10 {
            if self.cursor_row().is_some_and(|r| r.contains(text)) {
                return;
            }
            self.key(KeyCode::Down);
        }
        panic!("no row with {text}: {}", self.screen());
    }

    /// The line of the card's header that names the primary contact.
    fn primary_line(&mut self) -> String {
        let screen = self.screen();
        screen
            .lines()
            .find(|l| l.contains("Primary "))
            .unwrap_or_else(|| panic!("no primary in the header: {screen}"))
            .to_string()
    }

    /// The newest audit row of contact `id` of `customer`.
    fn last_audit(&self, customer: i64, id: i64) -> AuditEntry {
        self.db
            .service
            .audit(customer)
            .unwrap()
            .into_iter()
            .filter(|e| e.table == "contacts" && e.row_id == id)
            .max_by_key(|e| e.id)
            .unwrap_or_else(|| panic!("no audit row of contact {id}"))
    }
}

#[test]
fn the_form_shows_each_refusal_on_its_field_and_writes_nothing_until_all_pass() {
    let (_dir, _path, service, harbour, _) = setup();
    // A login another customer's contact holds.
    let taken = service.all_contacts().unwrap()[0].0.clone();
    assert_ne!(taken.customer_id, harbour);
    let before = service.all_contacts().unwrap().len();
    let mut h = harness(service);
    h.open_contacts("Harbour Lines");
    assert!(h.screen().contains("Primary no primary contact"));
    h.key(KeyCode::Char('a'));
    assert!(
        h.screen().contains("Add contact to Harbour Lines Ltd"),
        "{}",
        h.screen()
    );

    // A bad email: its reason beside the field, and Enter does not offer to save.
    h.keys("Mireille Osei");
    h.key(KeyCode::Tab).keys("mireille.osei@@harbour");
    let screen = h.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("Email") && l.contains("mireille.osei@@harbour"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains("✗ Email: 'mireille.osei@@harbour'"), "{row}");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Fix the fields marked ✗ first."));
    assert!(h.form().unwrap().form.core.flow.menu.is_none());
    assert!(!h.screen().contains("Save and Continue"));

    // Another customer's contact's login, in other case: refused by the service on save,
    // its reason shown, nothing written.
    let upper = taken.spec.email.to_uppercase();
    h.retype(&upper);
    assert!(!h.screen().contains("✗ Email"), "{}", h.screen());
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Save and Continue"), "{}", h.screen());
    h.key(KeyCode::Char('c'));
    let screen = flat(&h.screen());
    assert!(
        screen.contains(&format!(
            "Not saved: Email: {upper} is already the portal login of contact {}",
            taken.id
        )),
        "{screen}"
    );
    let form = &h.form().expect("the form stays open").form;
    assert_eq!(form.focused().name(), "email");
    assert!(h.contacts(harbour).is_empty());
    assert_eq!(h.db.service.all_contacts().unwrap().len(), before);

    // A credential in the public notes marks the field and blocks the save.
    h.retype("mireille.osei@harbour.example");
    h.focus_field("public_notes").keys("pwd: hunter22");
    let screen = h.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("Public notes"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains("✗ Public notes"), "{row}");
    assert!(
        flat(&screen).contains("never put passwords in notes: reads as a credential: \"pwd\""),
        "{screen}"
    );
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Fix the fields marked ✗ first."));
    assert!(h.form().unwrap().form.core.flow.menu.is_none());
    assert!(h.contacts(harbour).is_empty());

    // Rephrased, it saves, and the first contact is the primary one.
    h.retype("Call before 10:00");
    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    assert!(h.form().is_none(), "{}", h.screen());
    let saved = h.contacts(harbour);
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].spec.email, "mireille.osei@harbour.example");
    assert_eq!(saved[0].spec.public_notes, "Call before 10:00");
    assert!(saved[0].is_primary);
    let screen = h.screen();
    assert!(
        screen.contains("Saved contact Mireille Osei, the customer's primary contact"),
        "{screen}"
    );
    assert!(
        screen.contains("Primary mireille.osei@harbour.example"),
        "{screen}"
    );
}

#[test]
fn a_national_number_is_stored_in_the_default_country_and_a_generated_password_shows_once() {
    let (_dir, _path, mut service, harbour, _) = setup();
    set(&mut service, "default_country", Some("DE"));
    let mut h = harness(service);
    h.open_contacts("Harbour Lines");
    h.key(KeyCode::Char('a'));
    h.keys("Mireille Osei");
    h.key(KeyCode::Tab).keys("mireille.osei@harbour.example");
    h.key(KeyCode::Tab).keys("06598 336393");
    let screen = h.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("06598 336393"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains("stored as +496598336393"), "{row}");

    // ← → on the portal password choose how it is set.
    h.focus_field("password");
    assert!(h.screen().contains("‹ none yet (P sets one later) ›"));
    h.key(KeyCode::Right);
    assert!(
        h.screen().contains("‹ generate one, shown once ›"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Save and Continue"), "{}", h.screen());
    h.key(KeyCode::Char('c'));

    let saved = h.contacts(harbour);
    assert_eq!(saved.len(), 1, "{}", h.screen());
    let k = &saved[0];
    assert_eq!(k.spec.phone, "+496598336393");
    assert!(k.has_password, "the contact has a login");

    // The password, once, in a window that says so; never on the status line.
    let screen = h.screen();
    assert!(
        flat(&screen)
            .contains("Portal password of Mireille Osei (login mireille.osei@harbour.example)"),
        "{screen}"
    );
    assert!(flat(&screen).contains("cannot be shown again"), "{screen}");
    let password = shown_password(&screen).unwrap_or_else(|| panic!("no password: {screen}"));
    assert!(
        h.db.service
            .check_contact_password(k.id, &password)
            .unwrap()
    );
    assert!(!h.status_line().contains(&password));
    let audit = h.db.service.audit(harbour).unwrap();
    assert!(audit.iter().all(|e| !e.data.contains(&password)));

    h.key(KeyCode::Esc);
    let screen = h.screen();
    assert!(!screen.contains(&password), "gone once closed: {screen}");
    assert!(shown_password(&screen).is_none(), "{screen}");
    let row = screen
        .lines()
        .find(|l| l.contains("Mireille Osei"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        row.contains("+496598336393") && row.contains("login"),
        "{row}"
    );
}

#[test]
fn p_moves_the_primary_and_deleting_the_primary_asks_who_takes_over() {
    let (_dir, _path, mut service, harbour, _) = setup();
    let ada = add(
        &mut service,
        harbour,
        "Ada Brennan",
        "ada@harbour.example",
        "",
    );
    let tobias = add(
        &mut service,
        harbour,
        "Tobias Ekdahl",
        "tobias@harbour.example",
        "",
    );
    let saoirse = add(
        &mut service,
        harbour,
        "Saoirse Lindqvist",
        "saoirse@harbour.example",
        "",
    );
    assert!(ada.is_primary);
    let mut h = harness(service);
    h.open_contacts("Harbour Lines");
    assert!(h.primary_line().contains("Primary ada@harbour.example"));
    assert!(h.cursor_row().unwrap().contains("Ada Brennan"));

    // p on the primary says so and changes nothing.
    h.key(KeyCode::Char('p'));
    assert!(
        h.status_line()
            .contains("Ada Brennan is already the primary contact"),
        "{}",
        h.screen()
    );

    // p on another makes it primary: the header follows, the cursor stays on it.
    h.cursor_to("Tobias Ekdahl");
    h.key(KeyCode::Char('p'));
    let primaries: Vec<i64> = h
        .contacts(harbour)
        .iter()
        .filter(|k| k.is_primary)
        .map(|k| k.id)
        .collect();
    assert_eq!(primaries, vec![tobias.id]);
    assert!(
        h.primary_line().contains("Primary tobias@harbour.example"),
        "{}",
        h.screen()
    );
    assert!(
        h.status_line()
            .contains("Tobias Ekdahl is now the primary contact")
    );
    let row = h.cursor_row().unwrap();
    assert!(row.contains("Tobias Ekdahl") && row.contains('★'), "{row}");

    // d on the primary: who takes over is asked, ↓ chooses another.
    h.key(KeyCode::Char('d'));
    let screen = flat(&h.screen());
    assert!(
        screen.contains("Delete contact Tobias Ekdahl <tobias@harbour.example>?"),
        "{screen}"
    );
    let first = h.app.top_as::<ContactDelete>().unwrap().successors[0]
        .spec
        .name
        .clone();
    let other = if first == "Ada Brennan" {
        "Saoirse Lindqvist"
    } else {
        "Ada Brennan"
    };
    assert!(
        screen.contains(&format!(
            "It is the primary contact: {first} becomes primary (↑ ↓ choose another of 2)"
        )),
        "{screen}"
    );
    h.key(KeyCode::Down);
    let screen = flat(&h.screen());
    assert!(
        screen.contains(&format!("{other} becomes primary")),
        "{screen}"
    );

    // A wrong name deletes nothing.
    h.keys("Tobias").key(KeyCode::Enter);
    assert!(
        flat(&h.screen()).contains("Type the contact's name, Tobias Ekdahl, to confirm"),
        "{}",
        h.screen()
    );
    assert_eq!(h.contacts(harbour).len(), 3);
    h.keys(" Ekdahl").key(KeyCode::Enter);

    let left = h.contacts(harbour);
    assert_eq!(left.len(), 2, "{}", h.screen());
    assert!(left.iter().all(|k| k.id != tobias.id));
    let chosen = if other == "Saoirse Lindqvist" {
        saoirse.id
    } else {
        ada.id
    };
    let primary: Vec<i64> = left.iter().filter(|k| k.is_primary).map(|k| k.id).collect();
    assert_eq!(primary, vec![chosen]);
    let email = if other == "Saoirse Lindqvist" {
        "saoirse@harbour.example"
    } else {
        "ada@harbour.example"
    };
    assert!(
        h.primary_line().contains(&format!("Primary {email}")),
        "{}",
        h.screen()
    );
    let screen = h.screen();
    assert!(!screen.contains("Tobias Ekdahl <"), "{screen}");
    assert!(
        screen.contains("Deleted contact Tobias Ekdahl; the audit log keeps its row"),
        "{screen}"
    );
    let audit = h.last_audit(harbour, tobias.id);
    assert_eq!(audit.action, "DELETE");
    assert!(
        audit.data.contains(&format!("{other} (#{chosen})")),
        "{}",
        audit.data
    );
}

#[test]
fn an_edit_audits_only_the_changed_field_and_a_concurrent_save_gives_the_conflict_dialog() {
    let (_dir, path, mut service, harbour, _) = setup();
    set(&mut service, "default_country", Some("DE"));
    let ada = add(
        &mut service,
        harbour,
        "Ada Brennan",
        "ada@harbour.example",
        "+496598336393",
    );
    let mut h = harness(service);
    h.open_contacts("Harbour Lines");

    h.key(KeyCode::Char('e'));
    assert!(
        h.screen()
            .contains(&format!("Edit contact Ada Brennan (#{})", ada.id)),
        "{}",
        h.screen()
    );
    assert!(
        !h.screen().contains("Portal password"),
        "set with P on the tab, not in an edit"
    );
    h.focus_field("type").retype("Billing");
    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    assert!(h.form().is_none(), "{}", h.screen());
    assert!(h.status_line().contains("Saved contact Ada Brennan"));
    let saved = h.db.service.contact(ada.id).unwrap();
    assert_eq!(saved.spec.contact_type, "Billing");
    assert_eq!(saved.version, ada.version + 1);
    let audit = h.last_audit(harbour, ada.id);
    assert_eq!(audit.action, "PUT");
    let data: serde_json::Value = serde_json::from_str(&audit.data).unwrap();
    let fields: Vec<&String> = data.as_object().unwrap().keys().collect();
    assert_eq!(fields, vec!["type"], "{}", audit.data);
    assert_eq!(data["type"]["new"], "Billing");

    // Another console saves the contact while the form is open: the save shows both.
    h.key(KeyCode::Char('e'));
    h.focus_field("type").retype("NOC");
    let mut other = Service::open(&path).unwrap();
    let mut theirs = ContactDraft::from(&saved.spec);
    theirs.name = "Ada Brennan-Lund".into();
    other
        .update_contact(&common::actor("bob"), ada.id, saved.version, &theirs)
        .unwrap();
    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    let screen = h.screen();
    assert!(
        screen.contains("Another operator saved this contact while you were editing"),
        "{screen}"
    );
    let line = |label: &str| {
        screen
            .lines()
            .find(|l| l.contains(&format!("│{label:<20}")))
            .unwrap_or_else(|| panic!("no {label} row: {screen}"))
            .to_string()
    };
    let row = line("Type");
    assert!(row.contains("NOC") && row.contains("Billing"), "{row}");
    assert!(line("Name").contains("Ada Brennan-Lund"), "{screen}");
    assert_eq!(
        h.db.service.contact(ada.id).unwrap().spec.contact_type,
        "Billing",
        "nothing of ours saved yet"
    );

    // Overwrite: our field on top of theirs.
    h.key(KeyCode::Char('o'));
    let k = h.db.service.contact(ada.id).unwrap();
    assert_eq!(
        (k.spec.name.as_str(), k.spec.contact_type.as_str()),
        ("Ada Brennan-Lund", "NOC")
    );
    assert!(h.form().is_none(), "{}", h.screen());
}

#[test]
fn global_contacts_lists_searches_sorts_and_opens_the_card_on_the_contact() {
    let (_dir, _path, mut service, harbour, quayside) = setup();
    set(&mut service, "default_country", Some("DE"));
    add(
        &mut service,
        harbour,
        "Ada Brennan",
        "ada@harbour.example",
        "",
    );
    let mireille = add(
        &mut service,
        harbour,
        "Mireille Osei",
        "mireille.osei@harbour.example",
        "+496598336393",
    );
    add(
        &mut service,
        quayside,
        "Tobias Ekdahl",
        "tobias@quayside.example",
        "",
    );
    let all = service.all_contacts().unwrap();
    let total = all.len();
    let mut h = harness(service);

    h.key(KeyCode::Char(':')).keys("global contacts");
    assert!(h.screen().contains("Global contacts"), "{}", h.screen());
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains(&format!(
            "Global contacts · {total} of {total} · by customer ascending"
        )),
        "{screen}"
    );
    // Every contact is listed, in order of its customer.
    let g = h.app.top_as::<GlobalContacts>().unwrap();
    assert_eq!(g.view.len(), total);
    let customers: Vec<String> = g
        .view
        .iter()
        .map(|&i| {
            g.rows.as_ref().unwrap().as_ref().unwrap()[i]
                .1
                .to_lowercase()
        })
        .collect();
    assert!(customers.is_sorted(), "{customers:?}");
    assert!(screen.contains("Harbour Lines Ltd (#"), "{screen}");

    // A name.
    h.keys("ekdahl");
    let screen = h.screen();
    assert!(screen.contains(&format!("1 of {total}")), "{screen}");
    assert!(screen.contains("tobias@quayside.example"), "{screen}");
    assert!(!screen.contains("mireille.osei@harbour.example"));

    // A number in its German national form finds the one stored in E.164.
    for _ in 0.."ekdahl".len() {
        h.key(KeyCode::Backspace);
    }
    assert!(h.screen().contains(&format!("{total} of {total}")));
    h.keys("06598 336393");
    let screen = h.screen();
    assert!(screen.contains(&format!("1 of {total}")), "{screen}");
    let row = h.cursor_row().unwrap();
    assert!(
        row.contains("Mireille Osei") && row.contains("+496598336393"),
        "{row}"
    );
    for _ in 0.."06598 336393".len() {
        h.key(KeyCode::Backspace);
    }

    // Ctrl-S sorts by the next column, Ctrl-R reverses it.
    h.key_with(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(h.screen().contains("by name ascending"), "{}", h.screen());
    let mut names: Vec<String> = all.iter().map(|(k, _)| k.spec.name.clone()).collect();
    names.sort_by_key(|n| n.to_lowercase());
    let row = h.cursor_row().unwrap();
    assert!(row.contains(&names[0]), "{row}");
    h.key_with(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert!(h.screen().contains("by name descending"));
    let row = h.cursor_row().unwrap();
    assert!(row.contains(names.last().unwrap()), "{row}");

    // Enter opens the card on the Contacts tab, with the contact under the cursor.
    h.keys("mireille");
    h.key(KeyCode::Enter);
    let card = h.app.top_as::<CardScreen>().expect("the card");
    assert_eq!(card.id, harbour);
    assert_eq!(card.tab_title(), "Contacts");
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Harbour Lines Ltd (#{harbour})")),
        "{screen}"
    );
    let row = h.cursor_row().unwrap();
    assert!(
        row.contains("Mireille Osei") && row.contains(&mireille.spec.email),
        "{row}"
    );
}

#[test]
fn the_boards_phone_search_reads_national_numbers_and_opens_the_card_at_the_contact() {
    let (_dir, _path, mut service, harbour, quayside) = setup();
    set(&mut service, "default_country", Some("DE"));
    // Each found contact is the customer's second: not where a card opens by itself.
    add(
        &mut service,
        harbour,
        "Ada Brennan",
        "ada@harbour.example",
        "",
    );
    add(
        &mut service,
        harbour,
        "Mireille Osei",
        "mireille.osei@harbour.example",
        "+496598336393",
    );
    add(
        &mut service,
        quayside,
        "Tobias Ekdahl",
        "tobias@quayside.example",
        "",
    );
    add(
        &mut service,
        quayside,
        "Saoirse Lindqvist",
        "saoirse@quayside.example",
        "+13682366454",
    );
    let mut h = harness(service);
    for (typed, customer, contact) in [
        ("06598 336393", harbour, "Mireille Osei"),
        ("0049 6598 336393", harbour, "Mireille Osei"),
        ("+1 368 236 6454", quayside, "Saoirse Lindqvist"),
        ("(368) 236-6454", quayside, "Saoirse Lindqvist"),
    ] {
        h.key(KeyCode::Char('/')).keys(typed);
        let screen = h.screen();
        assert!(screen.contains("Customers  1 of 10"), "{typed}: {screen}");
        h.key(KeyCode::Enter).key(KeyCode::Enter);
        let card = h
            .app
            .top_as::<CardScreen>()
            .unwrap_or_else(|| panic!("{typed}: no card"));
        assert_eq!(card.id, customer, "{typed}");
        assert_eq!(card.tab_title(), "Contacts", "{typed}");
        let row = h
            .cursor_row()
            .unwrap_or_else(|| panic!("{typed}: no cursor"));
        assert!(row.contains(contact), "{typed}: {row}");
        // Back to the board, the search cleared.
        h.key(KeyCode::Esc).key(KeyCode::Esc);
        assert!(h.screen().contains("Customers  10 of 10"), "{}", h.screen());
    }

    // Found by the customer's own name, the card opens on its Main tab as ever.
    h.key(KeyCode::Char('/')).keys("Quayside");
    h.key(KeyCode::Enter).key(KeyCode::Enter);
    assert_eq!(h.app.top_as::<CardScreen>().unwrap().tab_title(), "Main");
}

/// The board with its search line open, and Harbour Lines with one contact, Mireille Osei,
/// whose email no customer's name or account code holds: (folder, path, harness, Harbour
/// Lines' id, the contact).
fn searching_for_a_contact() -> (tempfile::TempDir, std::path::PathBuf, Harness, i64, Contact) {
    let (dir, path, mut service, harbour, _) = setup();
    let mireille = add(
        &mut service,
        harbour,
        "Mireille Osei",
        "mireille.osei@harbour.example",
        "",
    );
    let mut h = harness(service);
    h.key(KeyCode::Char('/'));
    (dir, path, h, harbour, mireille)
}

#[test]
fn the_board_finds_by_contact_when_the_database_answers_asking_one_search_at_a_time() {
    let (_dir, path, mut h, _, mireille) = searching_for_a_contact();
    // Typed while the database is busy: the keys are handled, their effects wait.
    let mut waiting = Vec::new();
    for c in "osei".chars() {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        waiting.extend(h.app.handle(Event::Key(key)));
    }
    let asked = waiting
        .iter()
        .filter(|e| matches!(e, Effect::FindInContacts(_)))
        .count();
    assert_eq!(asked, 1, "one question out at a time: {waiting:?}");
    let screen = h.screen();
    assert!(
        screen.contains("Customers  0 of 10") && screen.contains("searching contacts…"),
        "{screen}"
    );
    // The answer for "o" asks again for "osei", and that answer finds Harbour Lines.
    h.run(waiting);
    let screen = h.screen();
    assert!(screen.contains("Customers  1 of 10"), "{screen}");
    assert!(screen.contains("Harbour Lines Ltd"), "{screen}");
    assert!(!screen.contains("searching contacts"), "{screen}");

    // A contact changed by another operator: the search is asked again, and the
    // customer it no longer finds leaves the board.
    let mut other = Service::open(&path).unwrap();
    let mut draft = ContactDraft::from(&mireille.spec);
    draft.email = "m.o@harbour.example".into();
    other
        .update_contact(&common::actor("bob"), mireille.id, mireille.version, &draft)
        .unwrap();
    h.poll();
    let screen = h.screen();
    assert!(screen.contains("Customers  0 of 10"), "{screen}");
}

#[test]
fn a_contact_changed_while_the_search_is_out_is_searched_again_when_the_answer_comes() {
    let (_dir, _path, mut h, harbour, _) = searching_for_a_contact();
    let key = KeyEvent::new(KeyCode::Char('o'), KeyModifiers::NONE);
    let asked = h.app.handle(Event::Key(key));
    let [Effect::FindInContacts(_)] = asked.as_slice() else {
        panic!("one question: {asked:?}")
    };
    // On PostgreSQL a change is heard apart from the answers: here, before the answer.
    let mut changes = Changes::new();
    changes.merge(Change::ids(Topic::Contacts, [harbour]));
    let meanwhile = h
        .app
        .handle(Event::Reply(Box::new(Reply::Changed(changes))));
    assert!(
        !meanwhile
            .iter()
            .any(|e| matches!(e, Effect::FindInContacts(_))),
        "still one question at a time: {meanwhile:?}"
    );
    // The answer may predate the change: the search is asked again.
    let mut again = Vec::new();
    for effect in asked {
        for reply in h.db.run(effect) {
            again.extend(h.app.handle(Event::Reply(Box::new(reply))));
        }
    }
    assert!(
        again.iter().any(|e| matches!(e, Effect::FindInContacts(_))),
        "{again:?}"
    );
}

#[test]
fn the_portal_view_needs_a_login_and_shows_what_the_customer_sees_audited() {
    let (_dir, _path, mut service, harbour, _) = setup();
    let draft = ContactDraft {
        name: "Ada Brennan".into(),
        email: "ada@harbour.example".into(),
        public_notes: "Invoices go to the accounts desk".into(),
        private_notes: "Slow payer, chase on the 5th".into(),
        ..ContactDraft::default()
    };
    let ada = service
        .create_contact(&common::actor("bob"), harbour, &draft, None)
        .unwrap()
        .contact;
    let mireille = add(
        &mut service,
        harbour,
        "Mireille Osei",
        "mireille.osei@harbour.example",
        "",
    );
    let mut h = harness(service);
    h.open_contacts("Harbour Lines");
    let logins = |h: &Harness| {
        h.db.service
            .audit(harbour)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "LOGIN")
            .count()
    };

    // No login yet: the status line says why, and nothing is recorded.
    h.key(KeyCode::Char('L'));
    let status = h.status_line();
    assert!(
        status.contains("No portal view")
            && status.contains("Ada Brennan has no portal login yet: set a password first (P)"),
        "{}",
        h.screen()
    );
    assert!(!h.screen().contains("CUSTOMER PORTAL PREVIEW"));
    assert_eq!(logins(&h), 0);

    // A password from the tab (P, typed), then L shows the portal as Ada sees it.
    h.key(KeyCode::Char('P')).keys("Tide-Marker-2041");
    h.key(KeyCode::Enter);
    assert!(h.db.service.contact(ada.id).unwrap().has_password);
    assert!(
        h.status_line()
            .contains("Portal password of Ada Brennan (login ada@harbour.example) set"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Char('L'));
    let screen = h.screen();
    let text = flat(&screen);
    assert!(text.contains("CUSTOMER PORTAL PREVIEW"), "{screen}");
    assert!(
        text.contains("Portal as Ada Brennan <ada@harbour.example> sees it"),
        "{screen}"
    );
    assert!(text.contains("Balance 1,234.56 EUR"), "{screen}");
    assert!(
        text.contains("Ada Brennan (primary) ada@harbour.example"),
        "{screen}"
    );
    assert!(
        text.contains("Mireille Osei mireille.osei@harbour.example"),
        "{screen}"
    );
    assert!(
        text.contains("Invoices go to the accounts desk"),
        "{screen}"
    );
    assert!(!text.contains("Slow payer"), "no private notes: {screen}");
    assert!(!text.contains("Tide-Marker"), "{screen}");
    // Framed apart: a double border, not the staff's plain one.
    assert!(screen.contains('║'), "{screen}");
    assert_eq!(logins(&h), 1);
    let audit = h.last_audit(harbour, ada.id);
    assert_eq!(audit.action, "LOGIN");
    assert!(audit.message.contains("Portal login as Ada Brennan"));

    // Mireille has no login: refused, not recorded.
    h.key(KeyCode::Esc);
    assert!(!h.screen().contains("CUSTOMER PORTAL PREVIEW"));
    h.cursor_to("Mireille Osei");
    h.key(KeyCode::Char('L'));
    assert!(
        h.status_line()
            .contains("Mireille Osei has no portal login yet"),
        "{}",
        h.screen()
    );
    assert_eq!(logins(&h), 1);
    assert!(!h.db.service.contact(mireille.id).unwrap().has_password);
}

#[test]
fn the_portal_view_is_refused_while_the_customers_portal_access_is_off() {
    let (_dir, _path, mut service, harbour, _) = setup();
    let ada = add(
        &mut service,
        harbour,
        "Ada Brennan",
        "ada@harbour.example",
        "",
    );
    service
        .set_contact_password(
            &common::actor("bob"),
            ada.id,
            PasswordChoice::Typed("Tide-Marker-2041"),
        )
        .unwrap();
    let mut c = service.customer(harbour).unwrap();
    c.portal_access = false;
    service.update_customer(&common::actor("bob"), &c).unwrap();
    let mut h = harness(service);
    h.open_contacts("Harbour Lines");
    h.key(KeyCode::Char('L'));
    assert!(
        h.status_line().contains("has no portal access"),
        "{}",
        h.screen()
    );
    assert!(!h.screen().contains("CUSTOMER PORTAL PREVIEW"));
    let audit = h.db.service.audit(harbour).unwrap();
    assert!(audit.iter().all(|e| e.action != "LOGIN"));
}

#[test]
fn global_contacts_follows_changes_made_from_it_and_by_other_consoles() {
    let (_dir, path, mut service, harbour, quayside) = setup();
    add(
        &mut service,
        harbour,
        "Ada Brennan",
        "ada@harbour.example",
        "",
    );
    add(
        &mut service,
        quayside,
        "Tobias Ekdahl",
        "tobias@quayside.example",
        "",
    );
    add(
        &mut service,
        quayside,
        "Saoirse Lindqvist",
        "saoirse@quayside.example",
        "",
    );
    let total = service.all_contacts().unwrap().len();
    let mut h = harness(service);
    h.key(KeyCode::Char(':')).keys("global contacts");
    h.key(KeyCode::Enter);
    h.keys("quayside");
    assert!(
        h.screen().contains(&format!("2 of {total}")),
        "{}",
        h.screen()
    );

    // Deleted on the card Enter opened: gone from the list once the card closes.
    h.key(KeyCode::Down);
    let row = h.cursor_row().unwrap();
    let name = if row.contains("Tobias Ekdahl") {
        "Tobias Ekdahl"
    } else {
        "Saoirse Lindqvist"
    };
    h.key(KeyCode::Enter);
    assert!(h.cursor_row().unwrap().contains(name), "{}", h.screen());
    h.key(KeyCode::Char('d')).keys(name).key(KeyCode::Enter);
    assert_eq!(h.contacts(quayside).len(), 1, "{}", h.screen());
    h.key(KeyCode::Esc);
    let screen = h.screen();
    assert!(screen.contains("Global contacts"), "{screen}");
    assert!(
        screen.contains(&format!("1 of {}", total - 1)),
        "the deleted contact is not listed: {screen}"
    );
    assert!(!screen.contains(name), "{screen}");
    assert!(
        h.screen().contains("Search  quayside"),
        "the search is kept"
    );

    // Added by another console: listed once the database thread hears of it.
    let mut other = Service::open(&path).unwrap();
    add(
        &mut other,
        quayside,
        "Mireille Osei",
        "mireille.osei@quayside.example",
        "",
    );
    h.poll();
    let screen = h.screen();
    assert!(screen.contains(&format!("2 of {total}")), "{screen}");
    assert!(screen.contains("Mireille Osei"), "{screen}");
    let kept = if name == "Tobias Ekdahl" {
        "Saoirse Lindqvist"
    } else {
        "Tobias Ekdahl"
    };
    let row = h.cursor_row().unwrap();
    assert!(row.contains(kept), "the cursor stays on its contact: {row}");
}

#[test]
fn a_typed_portal_password_is_checked_as_typed_and_never_shown() {
    let (_dir, _path, service, harbour, _) = setup();
    let mut h = harness(service);
    h.open_contacts("Harbour Lines");
    h.key(KeyCode::Char('a')).keys("Ada Brennan");
    h.key(KeyCode::Tab).keys("ada.brennan@harbour.example");
    h.focus_field("password");
    h.key(KeyCode::Right).key(KeyCode::Right);
    assert!(
        flat(&h.screen()).contains("Portal password: type it, or choose Generate or None"),
        "{}",
        h.screen()
    );

    // The rules of the P prompt, as typed.
    h.keys("xx-ada.brennan-2041");
    let screen = h.screen();
    assert!(
        flat(&screen).contains("must not contain the email's local part"),
        "{screen}"
    );
    assert!(!screen.contains("ada.brennan-2041"), "{screen}");
    h.retype("Harbour Lines Ltd 2041");
    assert!(flat(&h.screen()).contains("must not contain the customer's name"));
    h.retype("Tide-Marker-2041");
    let screen = h.screen();
    assert!(!screen.contains("✗ Portal password"), "{screen}");
    let row = screen
        .lines()
        .find(|l| l.contains("Portal password"))
        .unwrap();
    assert!(row.contains("••••••••••••••••"), "masked: {row}");

    // Masked still once the focus has left it; in the notes it is refused.
    h.focus_field("private_notes")
        .keys("gate code Tide-Marker-2041");
    let screen = h.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("Portal password"))
        .unwrap();
    assert!(
        !row.contains("Tide-Marker") && row.contains("••••"),
        "the password in clear: {row}"
    );
    assert!(
        flat(&screen).contains("never put passwords in notes: contains the contact's password"),
        "{screen}"
    );
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Fix the fields marked ✗ first."));
    assert!(h.contacts(harbour).is_empty());

    // Without it in the notes, it saves; a typed password opens no window.
    h.retype("gate code on file");
    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    let saved = h.contacts(harbour);
    assert_eq!(saved.len(), 1, "{}", h.screen());
    assert!(saved[0].has_password);
    assert!(
        h.db.service
            .check_contact_password(saved[0].id, "Tide-Marker-2041")
            .unwrap()
    );
    let screen = h.screen();
    assert!(h.form().is_none(), "{screen}");
    assert!(!screen.contains("cannot be shown again"), "{screen}");
    assert!(!screen.contains("Tide-Marker"), "{screen}");
    let audit = h.db.service.audit(harbour).unwrap();
    assert!(audit.iter().all(|e| !e.data.contains("Tide-Marker")));
}
