//! The Settings screen driven with keys and drawn into a TestBackend, its effects run
//! against a real database file (as tests/tui.rs does for the rest of the console).

mod common;
#[path = "common/tui_harness.rs"]
mod tui_harness;

use carrierdesk::service::{Service, SettingChange};
use carrierdesk::tui::clock::Clock;
use carrierdesk::tui::screens::settings::SettingsScreen;
use crossterm::event::KeyCode;
use tui_harness::Harness;

/// The console at a fixed "now" (relative times on screen do not move), 100 × 34.
fn harness(service: Service) -> Harness {
    Harness::at(service, 100, 34, Clock::Fixed(common::NOW))
}

impl Harness {
    /// Opens Settings through the palette and waits on its rows.
    fn open_settings(&mut self) {
        self.key(KeyCode::Char(':')).keys("settings");
        assert!(self.screen().contains("Settings shared by every operator"));
        self.key(KeyCode::Enter);
        assert!(self.app.top_as::<SettingsScreen>().is_some());
    }

    /// Moves the cursor to `key`, told by the line under the list that names it.
    fn select(&mut self, key: &str) {
        self.key(KeyCode::Char('g'));
        for _ in 0..30 {
            if self.screen().contains(&format!("{key}: ")) {
                let (line, on_cursor) = self.first_line_with(&format!("  {key} ")).unwrap();
                assert!(on_cursor, "{line}");
                return;
            }
            self.key(KeyCode::Char('j'));
        }
        panic!("{key} not found:\n{}", self.screen());
    }

    fn value(&self, key: &str) -> Option<String> {
        self.db.service.setting(key).unwrap().value
    }
}

fn set(service: &mut Service, who: &str, key: &str, value: Option<&str>) {
    let change = SettingChange {
        key,
        value,
        expect: None,
    };
    service
        .change_setting(&common::actor(who), &change)
        .unwrap();
}

#[test]
fn settings_show_their_sections_and_refuse_a_bad_value_as_it_is_typed() {
    let (_dir, _path, mut service) = common::demo_db(5, 1);
    set(
        &mut service,
        "alice",
        "from_address",
        Some("noc@carrier.example"),
    );
    let mut h = harness(service);
    h.open_settings();
    let screen = h.screen();
    for section in [
        "Company and mail",
        "SMS",
        "Phone numbers",
        "Number blocks and SIP",
        "Rating",
    ] {
        assert!(screen.contains(section), "{section}: {screen}");
    }
    let (line, on_cursor) = h.first_line_with("from_address").unwrap();
    assert!(line.contains("noc@carrier.example") && on_cursor, "{line}");
    assert!(
        h.first_line_with("from_name")
            .unwrap()
            .0
            .contains("not set")
    );
    assert!(
        h.first_line_with("fx.FROM.TO")
            .unwrap()
            .0
            .contains("not set")
    );
    // The selected row's rule, help, and who changed it last.
    assert!(
        screen.contains("from_address: an email address"),
        "{screen}"
    );
    assert!(screen.contains("The address mail to customers comes from."));
    assert!(screen.contains("Last changed by alice"), "{screen}");
    assert!(
        screen.contains(" edit ") && screen.contains(" unset "),
        "hints: {screen}"
    );

    h.select("block_size");
    let before = h.db.service.setting("block_size").unwrap();
    h.key(KeyCode::Char('e'));
    for _ in 0..4 {
        h.key(KeyCode::Backspace);
    }
    h.keys("0");
    let reason = "block_size: must be a whole number from 1 to 1000000";
    let screen = h.screen();
    let (line, _) = h.first_line_with(reason).expect(&screen);
    assert!(line.starts_with("  "), "under the field: {screen}");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        h.first_line_with(reason).unwrap().0.starts_with("  "),
        "Enter keeps the edit: {screen}"
    );
    assert!(screen.contains("Not saved"), "{screen}");
    assert_eq!(h.db.service.setting("block_size").unwrap(), before);

    h.key(KeyCode::Backspace).keys("250");
    let screen = h.screen();
    let under_field = |s: &str| s.lines().any(|l| l.trim_start().starts_with(reason));
    assert!(!under_field(&screen), "{screen}");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("block_size set to 250"), "{screen}");
    let saved = h.db.service.setting("block_size").unwrap();
    assert_eq!(saved.value.as_deref(), Some("250"));
    assert_eq!(
        (saved.updated_by.as_str(), saved.version),
        ("tester", before.version + 1)
    );
    assert!(
        h.first_line_with("  block_size ")
            .unwrap()
            .0
            .contains("250")
    );
    assert!(screen.contains("Last changed by tester"), "{screen}");

    // Esc cancels an edit, then goes back to the board.
    h.key(KeyCode::Char('e')).keys("9").key(KeyCode::Esc);
    assert_eq!(h.value("block_size").as_deref(), Some("250"));
    h.key(KeyCode::Esc);
    assert!(h.app.top_as::<SettingsScreen>().is_none());
}

#[test]
fn d_asks_then_y_unsets_a_value_and_n_keeps_it() {
    let (_dir, _path, service) = common::demo_db(5, 1);
    let mut h = harness(service);
    h.open_settings();
    h.select("number_range_start");
    h.key(KeyCode::Char('d'));
    assert!(h.screen().contains("Unset number_range_start (now 1000)?"));
    h.key(KeyCode::Char('n'));
    assert_eq!(h.value("number_range_start").as_deref(), Some("1000"));
    assert!(!h.screen().contains("Unset number_range_start"));

    h.key(KeyCode::Char('d')).key(KeyCode::Char('y'));
    assert_eq!(h.value("number_range_start"), None);
    let screen = h.screen();
    assert!(screen.contains("number_range_start unset"), "{screen}");
    let (line, _) = h.first_line_with("  number_range_start ").unwrap();
    assert!(line.contains("not set"), "{line}");
    // Nothing more to unset: it says so and asks nothing.
    h.key(KeyCode::Char('d'));
    assert!(h.screen().contains("number_range_start is not set"));
}

#[test]
fn a_rate_is_added_by_its_key_and_another_operators_changes_show() {
    let (_dir, path, service) = common::demo_db(5, 1);
    let mut h = harness(service);
    let mut other = Service::open(&path).unwrap();
    h.open_settings();
    h.select("fx.FROM.TO");
    h.key(KeyCode::Char('a')).keys("usd.xyz");
    let screen = h.screen();
    assert!(
        screen.contains("'xyz' is not a currency code"),
        "a key is checked as typed: {screen}"
    );
    for _ in 0..3 {
        h.key(KeyCode::Backspace);
    }
    h.keys("eur")
        .key(KeyCode::Enter)
        .keys("0.92")
        .key(KeyCode::Enter);
    assert_eq!(h.value("fx.USD.EUR").as_deref(), Some("0.92"));
    assert!(h.first_line_with("fx.USD.EUR").unwrap().0.contains("0.92"));

    // Another console's change shows once the database thread hears of it.
    set(
        &mut other,
        "alice",
        "sip_realm",
        Some("sip.carrier.example"),
    );
    h.poll();
    assert!(
        h.first_line_with("  sip_realm ")
            .unwrap()
            .0
            .contains("sip.carrier.example")
    );

    // Saved by someone else while it was being typed: said, and what was typed stays.
    h.select("block_size");
    h.key(KeyCode::Char('e')).key(KeyCode::Backspace).keys("5");
    set(&mut other, "alice", "block_size", Some("2000"));
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Another operator (alice) changed block_size first, now 2000"),
        "{screen}"
    );
    assert_eq!(h.value("block_size").as_deref(), Some("2000"));
    assert!(
        h.first_line_with("  block_size ")
            .unwrap()
            .0
            .contains("1005")
    );
    // Enter again, knowing: theirs is overwritten.
    h.key(KeyCode::Enter);
    assert_eq!(h.value("block_size").as_deref(), Some("1005"));
}

#[test]
fn the_help_lists_the_settings_keys() {
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = harness(service);
    h.open_settings();
    h.key(KeyCode::Char('?'));
    let screen = h.screen();
    for help in [
        "edit the value in place",
        "unset the setting (asks first)",
        "add a setting of a family",
    ] {
        assert!(screen.contains(help), "{help}: {screen}");
    }
}

#[test]
fn a_new_sip_realm_says_which_passwords_must_be_set_again() {
    use carrierdesk::domain::{CustomerDraft, SipUserDraft};
    use carrierdesk::service::PasswordChoice;
    let (_dir, _path, mut service) = common::demo_db(5, 1);
    let alice = common::actor("alice");
    let customer = CustomerDraft {
        name: "Realm Test Ltd".into(),
        currency: "EUR".into(),
        channels: "10".into(),
        ..CustomerDraft::blank()
    }
    .validate(None)
    .unwrap();
    let customer = service.create_customer(&alice, &customer).unwrap();
    let draft = SipUserDraft {
        username: "1500".into(),
        ..SipUserDraft::default()
    };
    service
        .create_sip_user(&alice, customer.id, &draft, Some(PasswordChoice::Generate))
        .unwrap();
    let mut h = harness(service);
    h.open_settings();
    h.select("sip_realm");
    h.key(KeyCode::Char('e'));
    for _ in 0..40 {
        h.key(KeyCode::Backspace);
    }
    h.keys("voice.example.net").key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("sip_realm set to voice.example.net"),
        "{screen}"
    );
    assert!(
        screen.contains("1 SIP user must have its password set again"),
        "{screen}"
    );
}
