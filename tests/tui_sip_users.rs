//! Number blocks on the card's Main tab and the SIP users tab, driven with keys and drawn
//! into a TestBackend, their effects run against a real database file (as tests/tui.rs
//! does for the rest of the console).

mod common;
#[path = "common/tui_harness.rs"]
mod tui_harness;

use carrierdesk::domain::{Currency, Customer, NumberBlock, SipUser, SipUserDraft};
use carrierdesk::service::{Service, SettingChange};
use carrierdesk::tui::clock::Clock;
use carrierdesk::tui::screens::card::CardScreen;
use carrierdesk::tui::screens::field_form::FieldModel;
use carrierdesk::tui::screens::sip_user_form::SipUserFormScreen;
use crossterm::event::KeyCode;
use tui_harness::Harness;

/// A demo database (blocks handed out from 1000 by 1000, realm set) and one more customer
/// of its own, with 4 channels: (folder, path, service, customer id).
fn setup() -> (tempfile::TempDir, std::path::PathBuf, Service, i64) {
    let (dir, path, mut service) = common::demo_db(8, 0);
    let mut c = Customer::new(Currency::parse("EUR").unwrap());
    c.name = "Harbour Lines Ltd".into();
    c.channels = 4;
    let id = service
        .create_customer(&common::actor("setup"), &c)
        .unwrap()
        .id;
    (dir, path, service, id)
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

impl Harness {
    /// Opens Harbour Lines' card from the board and shows tab `tab` (1 Main, 5 SIP users).
    fn open_card(&mut self, tab: char) {
        self.key(KeyCode::Char('/')).keys("Harbour Lines");
        self.key(KeyCode::Enter).key(KeyCode::Enter);
        assert!(
            self.app.top_as::<CardScreen>().is_some(),
            "{}",
            self.screen()
        );
        self.key(KeyCode::Char(tab));
    }

    fn blocks(&self, customer: i64) -> Vec<NumberBlock> {
        self.db.service.number_blocks(Some(customer)).unwrap()
    }

    fn users(&self, customer: i64) -> Vec<SipUser> {
        self.db.service.sip_users(Some(customer)).unwrap()
    }

    /// The status line, and the hint line under it that a long message wraps into.
    fn status_line(&mut self) -> String {
        let screen = self.screen();
        let lines: Vec<&str> = screen.lines().collect();
        lines[lines.len() - 2..].join(" ")
    }

    /// Empties the focused text field and types `text`.
    fn retype(&mut self, text: &str) -> &mut Self {
        self.key(KeyCode::End);
        for _ in 0..40 {
            self.key(KeyCode::Backspace);
        }
        self.keys(text)
    }

    fn form(&self) -> Option<&SipUserFormScreen> {
        self.app.top_as::<SipUserFormScreen>()
    }
}

fn harness(service: Service) -> Harness {
    Harness::at(service, 100, 30, Clock::Fixed(common::NOW))
}

/// A SIP user added through the service, as another operator would.
fn add_user(service: &mut Service, customer: i64, username: &str, channels: &str) -> SipUser {
    let draft = SipUserDraft {
        username: username.into(),
        channels: channels.into(),
        ..SipUserDraft::default()
    };
    service
        .create_sip_user(&common::actor("bob"), customer, &draft, None)
        .unwrap()
        .user
}

#[test]
fn plus_on_the_main_tab_assigns_the_next_block_and_d_releases_it_after_asking() {
    let (_dir, path, service, id) = setup();
    let mut h = harness(service);
    h.open_card('1');
    assert!(
        h.screen()
            .contains("None yet: + assigns the next free one.")
    );

    h.key(KeyCode::Char('+'));
    let blocks = h.blocks(id);
    assert_eq!(blocks.len(), 1);
    let first = blocks[0];
    assert_eq!(
        first.last - first.first,
        999,
        "a block of block_size numbers"
    );
    let screen = h.screen();
    assert!(screen.contains(&first.range()), "shown at once: {screen}");
    assert!(
        screen.contains(&format!("Number block {} assigned", first.range())),
        "{screen}"
    );

    // Another console hands out one more: it shows after the database thread hears of it.
    let mut other = Service::open(&path).unwrap();
    let second = other.assign_block(&common::actor("bob"), id).unwrap();
    assert!(!h.screen().contains(&second.range()));
    h.poll();
    let screen = h.screen();
    assert!(
        screen.contains(&second.range()) && screen.contains("Internal Number Blocks (2)"),
        "{screen}"
    );

    // d asks, naming the range; n keeps the block.
    h.key(KeyCode::Char('j')).key(KeyCode::Char('d'));
    let screen = h.screen();
    assert!(
        screen.contains(&format!(
            "Release number block {} of Harbour Lines Ltd?",
            second.range()
        )),
        "{screen}"
    );
    h.key(KeyCode::Char('n'));
    assert_eq!(h.blocks(id).len(), 2);
    h.key(KeyCode::Char('d')).key(KeyCode::Char('y'));
    assert_eq!(h.blocks(id), vec![first]);
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Number block {} released", second.range()))
            && screen.contains("Internal Number Blocks (1)"),
        "{screen}"
    );

    // A block that holds a SIP user stays, and the refusal names the user.
    let ext = (first.first + 1).to_string();
    add_user(&mut other, id, &ext, "1");
    h.poll();
    h.key(KeyCode::Char('d')).key(KeyCode::Char('y'));
    assert_eq!(h.blocks(id), vec![first]);
    let status = h.status_line();
    assert!(
        status.contains("Not released") && status.contains(&ext),
        "{status}"
    );
}

#[test]
fn without_the_range_settings_plus_says_which_one_to_set() {
    let (_dir, _path, mut service, id) = setup();
    set(&mut service, "block_size", None);
    let mut h = harness(service);
    h.open_card('1');
    h.key(KeyCode::Char('+'));
    assert!(h.blocks(id).is_empty());
    let screen = h.screen();
    assert!(
        screen.contains("No number block assigned") && screen.contains("block_size"),
        "{screen}"
    );
    // The customer is not deleted by d on the Main tab: with no block, it says where.
    h.key(KeyCode::Char('d'));
    assert!(h.screen().contains("No number block to release"));
}

#[test]
fn a_sip_user_is_added_with_every_field_and_its_generated_password_shows_once() {
    let (_dir, _path, mut service, id) = setup();
    let block = service.assign_block(&common::actor("setup"), id).unwrap();
    let ext = (block.first + 1).to_string();
    let mut h = harness(service);
    h.open_card('5');
    let screen = h.screen();
    assert!(
        screen.contains("5 SIP users") && screen.contains("SIP realm sip.demo.example"),
        "{screen}"
    );
    assert!(screen.contains("no SIP users: a adds one"), "{screen}");

    h.key(KeyCode::Char('a'));
    assert!(h.screen().contains("Add SIP user"));
    h.keys(&ext);
    h.key(KeyCode::Tab).retype("2"); // channels
    h.key(KeyCode::Tab).retype("5"); // CPS
    h.key(KeyCode::Tab).key(KeyCode::Right).key(KeyCode::Right); // protocol: TLS
    h.key(KeyCode::Tab).keys("10.0.0.0/24 203.0.113.9"); // whitelist, a space in it
    h.key(KeyCode::Tab).key(KeyCode::Left).retype("45"); // NAT ping every 45 s
    h.key(KeyCode::Tab); // codecs: a-law off, Opus on
    h.key(KeyCode::Char(' '));
    for _ in 0..4 {
        h.key(KeyCode::Right);
    }
    h.key(KeyCode::Char(' '));
    let screen = h.screen();
    assert!(
        screen.contains("[ ] G.711 a-law") && screen.contains("[x] Opus"),
        "{screen}"
    );
    assert!(screen.contains("[x] generate one, shown once"), "{screen}");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Save and Continue"));
    h.key(KeyCode::Char('c'));

    let users = h.users(id);
    assert_eq!(users.len(), 1, "{}", h.screen());
    let u = &users[0];
    let draft = SipUserDraft::from(&u.spec);
    assert_eq!(
        (
            draft.username.as_str(),
            draft.channels.as_str(),
            draft.cps.as_str(),
            draft.protocol.as_str(),
            draft.whitelist.as_str(),
            draft.nat_ping.as_str(),
            draft.codecs.as_str()
        ),
        (
            ext.as_str(),
            "2",
            "5",
            "tls",
            "10.0.0.0/24, 203.0.113.9",
            "45",
            "ulaw,opus"
        )
    );
    assert_eq!(u.password_realm.as_deref(), Some("sip.demo.example"));

    // The password, once, in a window that says so.
    let screen = h.screen();
    assert!(screen.contains("cannot be shown again"), "{screen}");
    let password = screen
        .lines()
        .find_map(|l| {
            let inner = l.trim_matches(|c: char| c == '│' || c.is_whitespace());
            (inner.len() == 20 && inner.chars().all(|c| c.is_ascii_alphanumeric()))
                .then(|| inner.to_string())
        })
        .unwrap_or_else(|| panic!("no password shown: {screen}"));
    assert!(
        !h.status_line().contains(&password),
        "never on the status line"
    );
    h.key(KeyCode::Esc);
    let screen = h.screen();
    assert!(!screen.contains(&password), "gone once closed: {screen}");
    let row = screen.lines().find(|l| l.starts_with(&ext)).unwrap();
    for cell in ["TLS", "10.0.0.0/24", "45 s", "ulaw,opus", "set"] {
        assert!(row.contains(cell), "{cell}: {row}");
    }
    assert!(screen.contains("1 SIP user"), "{screen}");
}

#[test]
fn the_forms_rules_show_as_typed_and_the_services_refusals_on_their_field() {
    let (_dir, _path, mut service, id) = setup();
    let block = service.assign_block(&common::actor("setup"), id).unwrap();
    // A username another customer holds.
    let taken = service
        .sip_users(None)
        .unwrap()
        .into_iter()
        .find(|u| u.customer_id != id)
        .expect("the demo has SIP users");
    let mut h = harness(service);
    h.open_card('5');
    h.key(KeyCode::Char('a'));

    // Checked as typed, in the command line's words.
    h.keys("10;01");
    assert!(h.screen().contains("';' cannot be in a SIP username"));
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Fix the fields marked ✗ first."));
    assert!(h.form().unwrap().form.core.flow.menu.is_none());

    // Outside the customer's blocks: the service's refusal, on the username.
    h.retype("99");
    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    let screen = h.screen();
    assert!(
        screen.contains("is not in the customer's number blocks")
            && screen.contains(&block.range()),
        "{screen}"
    );
    assert_eq!(h.form().unwrap().form.focused().name(), "username");

    // Taken anywhere on the account: said first, in the web console's words.
    h.retype(&taken.spec.username);
    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    assert!(
        h.screen().contains("Duplicate User Detected"),
        "{}",
        h.screen()
    );

    // More channels than the customer has: on the channels field.
    h.retype(&(block.first + 7).to_string());
    h.key(KeyCode::Tab).retype("5");
    h.key(KeyCode::Tab); // away from the field: the refusal still shows
    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    let screen = h.screen();
    assert!(
        screen.contains("No channel capacity available for your account."),
        "{screen}"
    );
    assert_eq!(h.form().unwrap().form.focused().name(), "channels");
    assert!(h.users(id).is_empty());

    // Fixed, it saves; Esc before would have asked first.
    h.retype("4");
    h.key(KeyCode::Enter).key(KeyCode::Char('s'));
    assert_eq!(h.users(id).len(), 1, "{}", h.screen());
    // Its generated password over the form, which stays open and fresh.
    assert!(h.screen().contains("cannot be shown again"));
    h.key(KeyCode::Esc);
    assert!(
        h.form().is_some_and(|f| f.form.is_new()),
        "Save and Stay: a fresh form"
    );
    h.keys("x").key(KeyCode::Esc);
    assert!(h.screen().contains("Esc again discards them"));
    h.key(KeyCode::Esc);
    assert!(h.form().is_none());
}

#[test]
fn an_edit_saves_and_a_conflict_shows_both_versions_then_overwrites() {
    let (_dir, path, mut service, id) = setup();
    let block = service.assign_block(&common::actor("setup"), id).unwrap();
    let ext = (block.first + 2).to_string();
    let user = add_user(&mut service, id, &ext, "1");
    let mut h = harness(service);
    h.open_card('5');
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains(&format!("Edit SIP user {ext}")),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Tab).retype("3");

    let mut other = Service::open(&path).unwrap();
    let mut theirs = SipUserDraft::from(&user.spec);
    theirs.cps = "9".into();
    other
        .update_sip_user(&common::actor("bob"), user.id, user.version, &theirs)
        .unwrap();

    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    let screen = h.screen();
    assert!(
        screen.contains("Another operator saved this SIP user"),
        "{screen}"
    );
    // Each changed field: yours, then theirs.
    let line = |label: &str| {
        let row = format!("{label:<20}");
        screen
            .lines()
            .find(|l| l.contains(&row))
            .unwrap()
            .to_string()
    };
    let channels = line("Channels");
    assert!(channels.contains("3") && channels.contains("1"), "{screen}");
    assert!(line("Flow speed (CPS)").contains('9'), "{screen}");
    h.key(KeyCode::Char('o'));
    let saved = h.db.service.sip_user(user.id).unwrap();
    assert_eq!((saved.spec.channels, saved.spec.cps), (3, 9), "both kept");
    assert!(h.form().is_none());
    assert!(h.screen().contains(&format!("Saved SIP user {ext}")));
}

#[test]
fn d_deletes_a_sip_user_after_asking_and_p_sets_its_password() {
    let (_dir, _path, mut service, id) = setup();
    let block = service.assign_block(&common::actor("setup"), id).unwrap();
    let ext = (block.first + 3).to_string();
    let user = add_user(&mut service, id, &ext, "1");
    let mut h = harness(service);
    h.open_card('5');
    let row = |h: &mut Harness| {
        let screen = h.screen();
        screen
            .lines()
            .find(|l| l.starts_with(&ext))
            .map(str::to_string)
    };
    assert!(row(&mut h).unwrap().contains("none"));

    // A typed password: masked, checked as typed.
    h.key(KeyCode::Char('p')).keys("short");
    let screen = h.screen();
    assert!(
        screen.contains("at least 12 characters") && !screen.contains("short"),
        "{screen}"
    );
    h.keys(" but now long enough").key(KeyCode::Enter);
    assert!(
        h.screen()
            .contains(&format!("Password of SIP user {ext} set"))
    );
    assert!(row(&mut h).unwrap().contains("set"));
    let audit = h.db.service.audit(id).unwrap();
    assert!(!audit.iter().any(|e| e.data.contains("long enough")));

    // Generated: Enter on the empty field, shown once.
    h.key(KeyCode::Char('p')).key(KeyCode::Enter);
    assert!(h.screen().contains("cannot be shown again"));
    h.key(KeyCode::Esc);

    // The realm changes: the password must be set again, and the tab says so.
    let mut other = Service::open(&_path).unwrap();
    set(&mut other, "sip_realm", Some("sip.new.example"));
    h.poll();
    assert!(row(&mut h).unwrap().contains("set again"), "{}", h.screen());

    h.key(KeyCode::Char('d'));
    assert!(
        h.screen()
            .contains(&format!("Delete SIP user {ext} of Harbour Lines Ltd?"))
    );
    h.key(KeyCode::Esc);
    assert_eq!(h.users(id).len(), 1);
    h.key(KeyCode::Char('d')).key(KeyCode::Char('y'));
    assert!(h.users(id).is_empty());
    assert!(h.db.service.sip_user(user.id).is_err());
    assert!(row(&mut h).is_none());
    assert!(h.screen().contains(&format!("Deleted SIP user {ext}")));
}

#[test]
fn without_a_realm_no_password_is_offered_and_p_says_what_to_set() {
    let (_dir, _path, mut service, id) = setup();
    set(&mut service, "sip_realm", None);
    let block = service.assign_block(&common::actor("setup"), id).unwrap();
    add_user(&mut service, id, &block.first.to_string(), "1");
    let mut h = harness(service);
    h.open_card('5');
    let screen = h.screen();
    assert!(screen.contains("No SIP realm set"), "{screen}");
    h.key(KeyCode::Char('p'));
    assert!(
        h.status_line()
            .contains("set sip_realm on the Settings screen"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Char('a'));
    assert!(
        h.screen().contains("[ ] none yet"),
        "no password by default: {}",
        h.screen()
    );
}

#[test]
fn the_customer_form_cannot_cut_channels_below_the_sip_users() {
    let (_dir, _path, mut service, harbour) = setup();
    add_user(&mut service, harbour, "desk-1", "3");
    let mut h = harness(service);
    h.open_card('1');
    h.key(KeyCode::Char('e'));
    assert!(
        h.screen().contains("Edit Harbour Lines Ltd"),
        "{}",
        h.screen()
    );
    for _ in 0..6 {
        h.key(KeyCode::Tab); // on to Channels
    }
    h.retype("2");
    h.key(KeyCode::Enter).key(KeyCode::Enter); // the save menu, Save and Continue
    let screen = h.screen();
    assert!(
        screen.contains("No channel capacity available for your account."),
        "{screen}"
    );
    assert!(
        screen.contains("desk-1 (3)"),
        "the SIP users are named: {screen}"
    );
    assert_eq!(h.db.service.customer(harbour).unwrap().channels, 4);
}
