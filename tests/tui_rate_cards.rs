//! The Rate cards screens driven with keys and drawn into a TestBackend, their effects run
//! against a real database file: the list of cards, a card's rows searched as typed, the
//! price line answering as a number is typed, and another console's import shown.

mod common;
#[path = "common/tui_harness.rs"]
mod tui_harness;

use carrierdesk::service::{CardImport, Service};
use carrierdesk::tui::clock::Clock;
use carrierdesk::tui::keymap::Context;
use carrierdesk::tui::screens::rate_cards::{RateCardScreen, RateCardsScreen};
use crossterm::event::KeyCode;
use tui_harness::Harness;

const CARD: &str = "prefix,description,rate,connection_fee,first_increment,next_increment\n\
                    44,UK landline,0.0042,0,60,60\n\
                    447,UK mobile,0.012,0.001,30,6\n\
                    4479,UK mobile Vodafone,0.0135,0,1,1\n\
                    33,France,0.008,0,60,60\n\
                    ,Rest of world,0.25,0,60,60\n";

fn import(service: &mut Service, dir: &std::path::Path, text: &str, effective: i64) {
    let path = dir.join(format!("card-{effective}.csv"));
    std::fs::write(&path, text).unwrap();
    service
        .import_rate_card(
            &common::actor("alice"),
            &CardImport {
                card: "wholesale",
                path: &path,
                currency: Some("EUR"),
                effective_from: Some(effective),
                dry_run: false,
            },
        )
        .unwrap();
}

/// The console on a demo database with one card in force (and a version to come).
fn console() -> (tempfile::TempDir, std::path::PathBuf, Harness) {
    let (dir, path, mut service) = common::demo_db(3, 1);
    import(&mut service, dir.path(), CARD, common::NOW - 86_400);
    import(
        &mut service,
        dir.path(),
        "prefix,rate\n44,0.005\n",
        common::NOW + 86_400,
    );
    let h = Harness::at(service, 120, 30, Clock::Fixed(common::NOW));
    (dir, path, h)
}

fn open_card(h: &mut Harness) {
    h.key(KeyCode::Char(':')).keys("rate cards");
    assert!(h.screen().contains("Rate cards: what destinations cost"));
    h.key(KeyCode::Enter);
    assert!(h.app.top_as::<RateCardsScreen>().is_some());
    h.key(KeyCode::Enter);
    assert!(h.app.top_as::<RateCardScreen>().is_some());
}

#[test]
fn the_list_shows_each_card_and_enter_opens_its_rows_in_force() {
    let (_dir, _path, mut h) = console();
    h.key(KeyCode::Char(':'))
        .keys("rate cards")
        .key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Rate cards (times in UTC) · 1 card"),
        "{screen}"
    );
    let line = screen.lines().find(|l| l.contains("wholesale")).unwrap();
    for cell in [
        "EUR",
        " 5 ",
        "2026-11-19T12:00:00Z",
        " 2 ",
        "2026-11-21T12:00:00Z",
    ] {
        assert!(line.contains(cell), "{cell} in {line}");
    }
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains(
            "Rate card wholesale · EUR · version in force since 2026-11-19T12:00:00Z · 5 of 5 rows"
        ),
        "{screen}"
    );
    assert!(screen.contains("Rest of world") && screen.contains("UK mobile Vodafone"));
    assert!(screen.contains("0.0042"), "six decimals, trimmed: {screen}");
    // Esc goes back to the list, and again closes it.
    h.key(KeyCode::Esc);
    assert!(h.app.top_as::<RateCardsScreen>().is_some());
    h.key(KeyCode::Esc);
    assert!(h.app.top_as::<RateCardsScreen>().is_none());
}

#[test]
fn slash_searches_prefixes_and_descriptions_as_typed() {
    let (_dir, _path, mut h) = console();
    open_card(&mut h);
    h.key(KeyCode::Char('/'));
    assert_eq!(h.app.top().context(), Context::RateCardInput);
    h.keys("mob");
    let screen = h.screen();
    assert!(screen.contains("2 of 5 rows"), "{screen}");
    assert!(!screen.contains("France"), "{screen}");
    // Digits search prefixes: 33 is France's.
    h.key_with(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
    h.keys("33");
    let screen = h.screen();
    assert!(
        screen.contains("1 of 5 rows") && screen.contains("France"),
        "{screen}"
    );
    // Enter keeps the search; Esc on the rows clears it before it closes anything.
    h.key(KeyCode::Enter);
    assert_eq!(h.app.top().context(), Context::RateCard);
    assert!(h.screen().contains("1 of 5 rows"));
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("5 of 5 rows"));
    assert!(h.app.top_as::<RateCardScreen>().is_some());
}

#[test]
fn the_price_line_answers_as_a_number_is_typed() {
    let (_dir, _path, mut h) = console();
    open_card(&mut h);
    h.key(KeyCode::Char('p'));
    assert_eq!(h.app.top().context(), Context::RateCardInput);
    h.keys("+44 7");
    assert!(
        h.screen()
            .contains("447 → 447 UK mobile · 0.012 a minute · connection 0.001 · 30/6 s")
    );
    h.keys("9");
    assert!(
        h.screen()
            .contains("4479 → 4479 UK mobile Vodafone · 0.0135 a minute")
    );
    h.key(KeyCode::Backspace)
        .key(KeyCode::Backspace)
        .keys("20 7946 0018");
    assert!(
        h.screen()
            .contains("442079460018 → 44 UK landline · 0.0042 a minute")
    );
    // The catch-all answers for the rest; letters are not a number.
    h.key(KeyCode::Esc).key(KeyCode::Char('p')).keys("1212");
    assert!(
        h.screen()
            .contains("1212 → * Rest of world · 0.25 a minute")
    );
    h.keys("x");
    assert!(h.screen().contains("not a number"));
    // Searching is another field: the price line keeps its number.
    h.key(KeyCode::Enter).key(KeyCode::Char('/')).keys("France");
    assert!(h.screen().contains("not a number") && h.screen().contains("1 of 5 rows"));
}

#[test]
fn another_consoles_import_shows_on_the_open_card() {
    let (dir, path, mut h) = console();
    open_card(&mut h);
    assert!(h.screen().contains("5 of 5 rows"));
    let mut other = Service::open(&path).unwrap();
    import(
        &mut other,
        dir.path(),
        "prefix,rate\n49,0.01\n44,0.003\n33,0.007\n",
        common::NOW - 60,
    );
    h.poll();
    let screen = h.screen();
    assert!(
        screen.contains("version in force since 2026-11-20T11:59:00Z · 3 of 3 rows"),
        "{screen}"
    );
    h.key(KeyCode::Esc);
    let screen = h.screen();
    let line = screen.lines().find(|l| l.contains("wholesale")).unwrap();
    assert!(
        line.contains(" 3 ") && line.contains("2026-11-20T11:59:00Z"),
        "{line}"
    );
}
