//! The app driven by key events and drawn into ratatui's TestBackend, with its effects
//! run against a real database file.

mod common;
#[path = "common/tui_harness.rs"]
mod tui_harness;

use carrierdesk::domain::summary::Period;
use carrierdesk::service::Service;
use carrierdesk::tui::clock::Clock;
use carrierdesk::tui::msg::{Effect, Event, Level, Reply};
use carrierdesk::tui::screens::board::{Board, BoardScreen};
use carrierdesk::tui::screens::card::CardScreen;
use carrierdesk::tui::screens::customer_form::{CustomerForm, CustomerFormScreen};
use carrierdesk::tui::screens::list::ListScreen;
use carrierdesk::tui::shell::App;
use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::Modifier;
use tui_harness::Harness;

impl Harness {
    fn form(&self) -> Option<&CustomerForm> {
        self.app.find::<CustomerFormScreen>().map(|s| &s.form)
    }

    fn board(&self) -> &Board {
        &self.app.find::<BoardScreen>().expect("the board").board
    }
}

#[test]
fn board_search_card_tabs_edit_and_audit() {
    let (_dir, _path, service) = common::demo_db(30, 2);
    let target = service.board(common::NOW).unwrap()[7].clone();
    let mut h = Harness::new(service, 100, 30);

    let screen = h.screen();
    assert!(screen.contains("Customers  30 of 30"), "{screen}");
    assert!(screen.contains("Balance") && screen.contains("ASR 24h"));

    // Live search narrows the board as each key is typed.
    h.key(KeyCode::Char('/')).keys(&target.name);
    let screen = h.screen();
    assert!(screen.contains("Customers  1 of 30"), "{screen}");
    assert!(screen.contains(&format!("/{}", target.name)));
    h.key(KeyCode::Enter);
    let (_, on_cursor) = h.line_with(&target.name[..10]).unwrap();
    assert!(on_cursor, "the only match is under the cursor");

    // Open the card: header and tabs.
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Customers › {} (#{})", target.name, target.id)),
        "{screen}"
    );
    assert!(screen.contains("1 Main") && screen.contains("4 Audit"));
    assert!(
        screen.contains("Status") && screen.contains("Debit Limit") && screen.contains("in use")
    );
    assert!(screen.contains("Contacts ("), "{screen}");

    h.key(KeyCode::Tab);
    assert!(h.screen().contains("Email"));
    h.key(KeyCode::Char('3'));
    assert!(h.screen().contains("Attempts"));
    h.key(KeyCode::BackTab);
    assert!(
        h.screen().contains("Ver e/m"),
        "Shift-Tab goes back to Contacts"
    );

    // Edit (from Main: on Contacts, e edits the contact): a bad channel count shows its
    // reason and is not saved.
    h.key(KeyCode::Char('1')).key(KeyCode::Char('e'));
    assert!(h.screen().contains(&format!("Edit {}", target.name)));
    h.key(KeyCode::Tab); // Status
    h.key(KeyCode::Right); // the next status
    for _ in 0..5 {
        h.key(KeyCode::Tab); // on to Channels
    }
    for _ in 0..6 {
        h.key(KeyCode::Backspace);
    }
    h.keys("4x");
    let screen = h.screen();
    assert!(
        screen.contains("'4x'"),
        "the reason shows beside the field: {screen}"
    );
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Fix the fields marked ✗ first"));
    assert!(h.form().is_some(), "an invalid form stays open");
    h.key(KeyCode::Backspace).keys("2");
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("Save and Continue"),
        "Enter offers the save options"
    );
    h.key(KeyCode::Enter);
    assert!(h.form().is_none());
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Saved {}", target.name)),
        "{screen}"
    );
    assert!(
        screen.contains("42 in use") || screen.contains("/ 42"),
        "{screen}"
    );

    // The change is in the Audit tab at once, newest first, with who and what.
    h.key(KeyCode::Char('4'));
    let screen = h.screen();
    let first_row = screen
        .lines()
        .skip_while(|l| !l.contains("Date/Time (UTC)"))
        .nth(1)
        .unwrap()
        .to_string();
    assert!(first_row.contains("tester"), "{first_row}");
    assert!(first_row.contains("PUT"), "{first_row}");
    assert!(
        first_row.contains(&format!("channels: {} → 42", target.channels)),
        "{first_row}"
    );
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("\"new\": 42"),
        "Enter shows the JSON difference"
    );
    h.key(KeyCode::Esc);

    // Esc goes back to the board, cursor still on the customer.
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("Customers  1 of 30"));
}

#[test]
fn help_lists_the_keys_of_the_current_context() {
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 90, 30);
    h.key(KeyCode::Char('?'));
    let screen = h.screen();
    assert!(
        screen.contains("search name, id, account code, contact email or phone"),
        "{screen}"
    );
    assert!(screen.contains("cycle the status filter"));
    h.key(KeyCode::Esc)
        .key(KeyCode::Enter)
        .key(KeyCode::Char('?'));
    let screen = h.screen();
    assert!(screen.contains("edit the customer"), "{screen}");
    assert!(!screen.contains("cycle the status filter"));
}

#[test]
fn status_filter_and_sort_show_in_the_title() {
    let (_dir, _path, service) = common::demo_db(30, 1);
    let active = service
        .board(common::NOW)
        .unwrap()
        .iter()
        .filter(|r| r.status == carrierdesk::domain::Status::Active)
        .count();
    let mut h = Harness::new(service, 100, 20);
    h.key(KeyCode::Char('f'));
    assert!(
        h.screen()
            .contains(&format!("{active} of 30 · status: Active"))
    );
    h.key(KeyCode::Char('s')).key(KeyCode::Char('s'));
    assert!(h.screen().contains("sort: Balance by currency ▲"));
    h.key(KeyCode::Char('S'));
    assert!(h.screen().contains("sort: Balance by currency ▼"));
}

#[test]
fn any_terminal_size_draws_without_panicking() {
    let (_dir, _path, service) = common::demo_db(5, 1);
    let mut h = Harness::new(service, 80, 24);
    h.key(KeyCode::Enter);
    for (w, hgt) in [
        (1, 1),
        (2, 3),
        (10, 4),
        (19, 5),
        (20, 6),
        (33, 7),
        (80, 24),
        (300, 80),
    ] {
        h.terminal.backend_mut().resize(w, hgt);
        h.terminal
            .resize(ratatui::layout::Rect::new(0, 0, w, hgt))
            .unwrap();
        for tab in ['1', '2', '3', '4'] {
            h.key(KeyCode::Char(tab));
            h.screen();
        }
    }
    let mut h2 = Harness::new(Service::open(&_path).unwrap(), 1, 1);
    h2.key(KeyCode::Char('?'));
    h2.screen();
}

#[test]
fn marks_survive_a_refresh_and_show_their_count() {
    let (_dir, path, service) = common::demo_db(20, 1);
    let mut h = Harness::new(service, 130, 24);
    h.key(KeyCode::Char(' ')).key(KeyCode::Char(' '));
    let screen = h.screen();
    assert!(screen.contains("· 2 marked"), "{screen}");
    let marked_name = h.board().window(0, 1).next().unwrap().name.clone();
    // Another operator changes a customer; the board reloads and keeps the marks.
    let mut other = Service::open(&path).unwrap();
    let mut c = other.customer(5).unwrap();
    c.channels += 1;
    other.update_customer(&common::actor("other"), &c).unwrap();
    h.poll();
    let (line, _) = h.line_with(&marked_name).unwrap();
    assert!(line.starts_with('●'), "{line}");
    assert!(h.screen().contains("· 2 marked"));
    h.key_with(KeyCode::Char('a'), KeyModifiers::CONTROL);
    assert!(h.screen().contains("· 20 marked"));
    h.key_with(KeyCode::Char('a'), KeyModifiers::CONTROL);
    assert!(!h.screen().contains("marked"));
}

#[test]
fn the_palette_finds_and_runs_an_action_by_name() {
    let (_dir, _path, service) = common::demo_db(10, 1);
    let mut h = Harness::new(service, 100, 30);
    h.key(KeyCode::Char(':')).keys("board col");
    let screen = h.screen();
    assert!(screen.contains(":board col"), "{screen}");
    assert!(screen.contains("Choose board columns"), "{screen}");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Board columns"), "{screen}");
    // Hide Status, move ID (the last) to the front, save.
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char('G'));
    for _ in 0..8 {
        h.key(KeyCode::Char('j'));
    }
    for _ in 0..8 {
        h.key(KeyCode::Char('K'));
    }
    h.key(KeyCode::Enter);
    let screen = h.screen();
    let header = screen
        .lines()
        .find(|l| l.contains("Name") && l.contains("Balance"))
        .unwrap();
    assert!(!header.contains("Status"), "{header}");
    let id = header.find(" ID ").expect(&screen);
    let balance = header.find("Balance").unwrap();
    assert!(id < balance, "{header}");
    assert!(screen.contains("Columns changed"), "{screen}");
}

/// Opens the card of the customer with the most traffic on its Summary tab.
fn summary_of_busiest(
    days: u32,
) -> (
    tempfile::TempDir,
    Harness,
    i64,
    Vec<carrierdesk::domain::SummaryRow>,
) {
    let now = chrono::Utc::now().timestamp();
    let (dir, _path, service) = common::demo_db_at(12, days, now);
    let busiest = service
        .board(now)
        .unwrap()
        .into_iter()
        .max_by_key(|r| service.summary(r.id, Period::Daily, now).unwrap().len())
        .unwrap();
    let rows = service.summary(busiest.id, Period::Daily, now).unwrap();
    assert!(
        rows.len() >= 3,
        "the demo gives some customer three days of traffic"
    );
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char('/')).keys(&busiest.name);
    h.key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Char('3'));
    (dir, h, busiest.id, rows)
}

#[test]
fn a_selected_block_shows_sum_mean_and_weighted_figures_and_copies_with_headers() {
    let (_dir, mut h, _id, rows) = summary_of_busiest(5);
    let screen = h.screen();
    assert!(
        screen.contains("Quality") && screen.contains("Traffic"),
        "{screen}"
    );
    assert!(screen.contains("Daily"), "{screen}");

    // Attempts is the seventh column: select it over the three newest days.
    for _ in 0..6 {
        h.key(KeyCode::Char('l'));
    }
    h.key_with(KeyCode::Down, KeyModifiers::SHIFT)
        .key_with(KeyCode::Down, KeyModifiers::SHIFT);
    let attempts: Vec<i64> = rows[..3].iter().map(|r| r.traffic.attempts).collect();
    let sum: i64 = attempts.iter().sum();
    let screen = h.screen();
    assert!(
        screen.contains(&format!("3 cells · sum {sum} · avg ")),
        "{}",
        screen.lines().rev().take(8).collect::<Vec<_>>().join("\n")
    );

    // The selected cells are highlighted, the ones below are not.
    let (first_line, _) = h.line_with(&Period::Daily.label(rows[0].start)).unwrap();
    let y = h.screen().lines().position(|l| l == first_line).unwrap() as u16;
    let buffer = h.terminal.backend().buffer().clone();
    let styled = |y: u16| {
        (0..buffer.area.width)
            .filter(|x| buffer[(*x, y)].bg != ratatui::style::Color::Reset)
            .count()
    };
    assert!(styled(y + 1) > 0, "the second selected row is highlighted");
    assert!(styled(y + 3) == 0, "the row below the selection is not");

    // Y copies the block with its header line, numbers plain.
    h.key(KeyCode::Char('Y'));
    let expected = std::iter::once("Attempts".to_string())
        .chain(attempts.iter().map(|a| a.to_string()))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(h.copied.last().unwrap(), &expected);

    // ASR: the plain mean of the cells and the weighted figure, each labelled.
    h.key(KeyCode::Esc).key(KeyCode::Char('g'));
    for _ in 0..5 {
        h.key(KeyCode::Char('h'));
    }
    h.key_with(KeyCode::Down, KeyModifiers::SHIFT)
        .key_with(KeyCode::Down, KeyModifiers::SHIFT);
    let asr: Vec<f64> = rows[..3].iter().map(|r| r.traffic.asr().unwrap()).collect();
    let mean = asr.iter().sum::<f64>() / 3.0;
    let connected: i64 = rows[..3].iter().map(|r| r.traffic.connected).sum();
    let weighted = connected as f64 * 100.0 / sum as f64;
    let screen = h.screen();
    assert!(screen.contains(&format!("avg {mean:.1}%")), "{screen}");
    assert!(
        screen.contains(&format!("weighted ASR {weighted:.1}%")),
        "{screen}"
    );
}

#[test]
fn summary_views_switch_and_rows_can_be_ticked() {
    let (_dir, mut h, _id, rows) = summary_of_busiest(16);
    h.key(KeyCode::Char(' '));
    assert!(h.screen().contains("[x]"));
    h.key(KeyCode::Char(']'));
    let screen = h.screen();
    let week = Period::Weekly.label(Period::Weekly.start_of(rows[0].start));
    assert!(screen.contains(&week), "{screen}");
    h.key(KeyCode::Char(']'));
    let month = Period::Monthly.label(rows[0].start);
    assert!(h.screen().contains(&month));
    h.key(KeyCode::Char('['))
        .key(KeyCode::Char('['))
        .key(KeyCode::Char('['));
    let screen = h.screen();
    assert!(
        screen.contains(":00"),
        "the 24 Hours view lists hours: {screen}"
    );
    assert!(
        !screen.contains("[x]"),
        "ticks belong to their view: {screen}"
    );

    // Back in Daily, and after closing and reopening the card, the tick is still there.
    h.key(KeyCode::Char(']'));
    assert_eq!(h.screen().matches("[x]").count(), 1, "{}", h.screen());
    h.key(KeyCode::Esc)
        .key(KeyCode::Enter)
        .key(KeyCode::Char('3'));
    assert_eq!(h.screen().matches("[x]").count(), 1, "{}", h.screen());
}

#[test]
fn cdrs_import_from_the_palette_and_a_row_downloads_its_cdrs() {
    let (dir, _path, service) = common::demo_db(3, 1);
    let export_dir = dir.path().join("exports");
    let mut h = Harness::new(service, 120, 40);
    h.db.session.export_dir = export_dir.clone();
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cdrs/asterisk_16.csv");

    h.key(KeyCode::Char(':')).keys("import cdr");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Import CDRs"));
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("Type a file path first"),
        "an empty answer is refused"
    );
    h.keys(file.to_str().unwrap());
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Imported 2 new calls from 2 rows (Asterisk"),
        "{screen}"
    );
    // The whole report opens in a window.
    assert!(screen.contains("CDR import (Esc closes)"), "{screen}");
    // (Its lines wrap where the file's path ends, which depends on the checkout.)
    assert!(screen.contains("new calls            2"), "{screen}");
    h.key(KeyCode::Esc);

    // Importing the same file again adds nothing.
    h.key(KeyCode::Char(':')).keys("import cdr");
    h.key(KeyCode::Enter).keys(file.to_str().unwrap());
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("Imported 0 new calls from 2 rows"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Esc);

    // Customer 1 (account code AC000001) has them in its Daily view of 2026-11-04.
    let name = h.db.service.customer(1).unwrap().name;
    h.key(KeyCode::Char('/')).keys(&name);
    h.key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Char('3'));
    let day = h
        .screen()
        .lines()
        .position(|l| l.contains("2026-11-04"))
        .expect("the imported day is listed");
    let newest = h
        .screen()
        .lines()
        .position(|l| l.contains("Act Date"))
        .unwrap()
        + 1;
    for _ in newest..day {
        h.key(KeyCode::Char('j'));
    }
    h.key(KeyCode::Char('D'));
    let report = export_dir.join("cdrs-1-2026-11-04.csv");
    let screen = h.screen();
    assert!(screen.contains("2 calls (UTC) written to"), "{screen}");
    let text = std::fs::read_to_string(report).unwrap();
    assert_eq!(text.lines().count(), 3, "a header and two calls: {text}");
}

#[test]
fn no_color_draws_without_colours_but_keeps_the_selection_visible() {
    let (_dir, mut h, _id, _rows) = summary_of_busiest(3);
    h.app.no_color = true;
    h.key_with(KeyCode::Down, KeyModifiers::SHIFT);
    h.screen();
    let buffer = h.terminal.backend().buffer();
    assert!(
        buffer
            .content
            .iter()
            .all(|c| c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset)
    );
    assert!(
        buffer
            .content
            .iter()
            .any(|c| c.modifier.contains(Modifier::REVERSED)),
        "the selection still shows"
    );
}

/// Fills the focused text field of the customer form with `text`, replacing what is there.
fn retype(h: &mut Harness, text: &str) {
    for _ in 0..40 {
        h.key(KeyCode::Backspace);
    }
    h.keys(text);
}

#[test]
fn adding_a_customer_checks_every_field_and_saves_with_an_audit_row() {
    let (_dir, _path, service) = common::demo_db(5, 1);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char('a'));
    let screen = h.screen();
    assert!(screen.contains("Add customer"), "{screen}");
    assert!(
        screen.contains("Basic (2)"),
        "name and currency are missing: {screen}"
    );
    h.keys("Zephyr Telecom");
    for _ in 0..4 {
        h.key(KeyCode::Tab); // Tax
    }
    retype(&mut h, "20.555");
    assert!(
        h.screen().contains("at most 2 decimal places"),
        "{}",
        h.screen()
    );
    // Marked in a symbol and words, not only red: with NO_COLOR it still differs from a hint.
    h.app.no_color = true;
    let screen = h.screen();
    assert!(screen.contains("✗ tax: a percentage"), "{screen}");
    h.app.no_color = false;
    retype(&mut h, "20.5");
    h.key(KeyCode::Tab); // Currency
    h.keys("EUX");
    assert!(h.screen().contains("EUX"), "{}", h.screen());
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Fix the fields marked ✗ first"));
    h.key(KeyCode::Backspace).keys("R");
    h.key(KeyCode::PageDown); // Config
    h.key(KeyCode::Tab); // Website
    h.keys("not a url");
    assert!(h.screen().contains("Config (1)"), "{}", h.screen());
    retype(&mut h, "https://zephyr.example");
    h.key(KeyCode::Enter);
    // A new customer is saved now: Delay and Save is not offered, and d does nothing.
    let screen = h.screen();
    assert!(screen.contains("Save and Stay"), "{screen}");
    assert!(!screen.contains("Delay and Save"), "{screen}");
    h.key(KeyCode::Char('d'));
    assert!(h.screen().contains("Save and Stay"), "the menu stays");
    h.key(KeyCode::Char('c')); // Save and Continue
    let screen = h.screen();
    assert!(screen.contains("Saved Zephyr Telecom"), "{screen}");
    assert!(screen.contains("Customers  6 of 6"), "{screen}");
    let board = h.db.service.board(common::NOW).unwrap();
    let new = board.iter().find(|r| r.name == "Zephyr Telecom").unwrap();
    let card = h.db.service.card(new.id, common::NOW).unwrap();
    assert_eq!(card.customer.tax_bp, 2050);
    assert_eq!(card.customer.website, "https://zephyr.example");
    assert_eq!(h.db.service.audit(new.id).unwrap()[0].action, "POST");
}

#[test]
fn a_bulk_edit_is_previewed_then_applied_to_every_marked_customer() {
    let (_dir, _path, service) = common::demo_db(12, 1);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char(' '))
        .key(KeyCode::Char(' '))
        .key(KeyCode::Char(' '));
    let marked = h.board().marked_ids();
    h.key(KeyCode::Char('e'));
    assert!(h.screen().contains("Bulk edit of 3 marked customers"));
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Set at least one field"));
    h.key(KeyCode::Tab).keys("77x"); // Channels, with a typo
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Tab).key(KeyCode::Tab); // Portal access
    h.key(KeyCode::Right).key(KeyCode::Right); // (unchanged) → yes → no
    assert!(h.screen().contains("‹ no ›"), "{}", h.screen());
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Bulk edit of 3 customers: preview"),
        "{screen}"
    );
    let before: Vec<u32> = marked
        .iter()
        .map(|id| h.db.service.customer(*id).unwrap().channels)
        .collect();
    for (id, old) in marked.iter().zip(&before) {
        assert!(
            screen.contains(&format!("(#{id}): Channels {old} → 77")),
            "{screen}"
        );
    }
    assert!(
        before.iter().all(|c| *c != 77),
        "the preview saved nothing yet"
    );
    assert!(
        marked
            .iter()
            .all(|id| h.db.service.customer(*id).unwrap().channels != 77)
    );
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("Bulk edit saved: 3 customers changed"),
        "{}",
        h.screen()
    );
    for id in &marked {
        assert_eq!(h.db.service.customer(*id).unwrap().channels, 77);
    }
    // The edit is done with its customers: the marks go, and the line says so.
    assert!(h.screen().contains("3 marks cleared"), "{}", h.screen());
    assert!(h.board().marked_ids().is_empty());
}

#[test]
fn esc_asks_before_dropping_more_marks_than_a_screen_shows() {
    let (_dir, _path, service) = common::demo_db(40, 1);
    let mut h = Harness::new(service, 100, 16);
    for _ in 0..20 {
        h.key(KeyCode::Char(' '));
    }
    assert_eq!(h.board().marked_ids().len(), 20);
    h.key(KeyCode::Esc);
    assert!(
        h.screen().contains("Esc again drops all 20 marks"),
        "{}",
        h.screen()
    );
    assert_eq!(h.board().marked_ids().len(), 20, "the first Esc only asks");
    h.key(KeyCode::Down).key(KeyCode::Esc);
    assert_eq!(
        h.board().marked_ids().len(),
        20,
        "another key took the question back"
    );
    h.key(KeyCode::Esc);
    assert!(
        h.board().marked_ids().is_empty(),
        "Esc right after Esc drops them"
    );
}

#[test]
fn the_filter_line_narrows_the_board_and_names_what_it_does_not_understand() {
    let (_dir, _path, service) = common::demo_db(30, 1);
    let expected = service
        .board(common::NOW)
        .unwrap()
        .iter()
        .filter(|r| r.channels >= 100)
        .count();
    let mut h = Harness::new(service, 120, 30);
    h.key(KeyCode::Char('F')).keys("channels>=100 colour:blue");
    let screen = h.screen();
    assert!(
        screen.contains("colour"),
        "the unknown word is named: {screen}"
    );
    for _ in 0..12 {
        h.key(KeyCode::Backspace);
    }
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains(&format!("Customers  {expected} of 30")),
        "{}",
        h.screen()
    );
}

#[test]
fn deleting_asks_for_the_name_and_another_save_conflicts() {
    let (_dir, path, mut service) = common::demo_db(4, 0);
    let mut fresh =
        carrierdesk::domain::Customer::new(carrierdesk::domain::Currency::parse("USD").unwrap());
    fresh.name = "Quiet Line Inc".into();
    service
        .create_customer(&common::actor("setup"), &fresh)
        .unwrap();
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char('/')).keys("Quiet Line");
    h.key(KeyCode::Enter);

    // Someone else changes it while we edit: our save shows both versions.
    h.key(KeyCode::Char('e'));
    for _ in 0..6 {
        h.key(KeyCode::Tab);
    }
    retype(&mut h, "44");
    let mut other = Service::open(&path).unwrap();
    let id = h.form().unwrap().original.as_ref().unwrap().id;
    let mut theirs = other.customer(id).unwrap();
    theirs.cps = 9;
    other
        .update_customer(&common::actor("bob"), &theirs)
        .unwrap();
    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    let screen = h.screen();
    assert!(
        screen.contains("Another operator saved this customer"),
        "{screen}"
    );
    assert!(screen.contains("Theirs (saved)"));
    // Esc in the dialog asks before it drops what was typed; another key takes it back.
    h.key(KeyCode::Esc);
    assert!(
        h.screen().contains("Esc again discards them"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Char('x')).key(KeyCode::Esc);
    assert!(
        h.form().is_some_and(|f| f.core.flow.conflict.is_some()),
        "still in the dialog"
    );
    assert!(
        h.screen().contains("Esc again discards them"),
        "asked again"
    );
    let screen = h.screen();
    // Each side's untouched value is marked, so neither reads as a change.
    let line = |label: &str| {
        let row = format!("│{label} ");
        screen
            .lines()
            .find(|l| l.contains(&row))
            .unwrap()
            .to_string()
    };
    assert!(
        line("Channels").contains("44") && line("Channels").contains("(as before)"),
        "{screen}"
    );
    assert!(line("CPS").contains("9") && line("CPS").contains("(as before)"));
    h.key(KeyCode::Char('o')); // ours on top of theirs
    let saved = h.db.service.customer(id).unwrap();
    assert_eq!(
        (saved.channels, saved.cps),
        (44, 9),
        "both changes are kept"
    );

    h.key(KeyCode::Char('d'));
    assert!(h.screen().contains("Type its name to confirm"));
    h.keys("Quiet");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("nothing deleted"));
    h.keys(" Line Inc");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Deleted 1 customer"), "{}", h.screen());
    assert!(h.db.service.customer(id).is_err());
}

#[test]
fn delay_and_save_schedules_the_change_and_it_can_be_cancelled() {
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char('e'));
    let id = h.form().unwrap().original.as_ref().unwrap().id;
    let before = h.db.service.customer(id).unwrap();
    h.key(KeyCode::Tab).key(KeyCode::Right); // the next status
    h.key(KeyCode::Enter).key(KeyCode::Char('d'));
    assert!(
        h.screen()
            .contains("Delay and Save: apply the change at (UTC)")
    );
    h.key_with(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.keys("2020-01-01 00:00");
    h.key(KeyCode::Enter);
    // Said in the prompt, which stays open with the time to correct.
    let screen = h.screen();
    assert!(
        screen.contains("has passed: choose a time to come"),
        "{screen}"
    );
    assert!(
        screen.contains("Delay and Save: apply the change at (UTC)"),
        "{screen}"
    );
    h.key_with(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.keys("2099-12-31 23:00");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Scheduled change #"), "{}", h.screen());
    assert_eq!(
        h.db.service.customer(id).unwrap().status,
        before.status,
        "nothing applied yet"
    );
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("Scheduled (1): cancel from :"),
        "the card lists it: {}",
        h.screen()
    );

    h.key(KeyCode::Char(':')).keys("scheduled");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Scheduled changes (1 pending)"), "{screen}");
    assert!(screen.contains("2099-12-31 23:00"), "{screen}");
    // x asks first; another key takes the question back; x twice cancels.
    h.key(KeyCode::Char('x'));
    assert!(h.screen().contains("x again cancels it"), "{}", h.screen());
    h.key(KeyCode::Down).key(KeyCode::Char('x'));
    assert!(h.screen().contains("Scheduled changes (1 pending)"));
    h.key(KeyCode::Char('x'));
    let screen = h.screen();
    assert!(screen.contains("Scheduled changes (0 pending)"), "{screen}");
    assert!(screen.contains("cancelled"), "{screen}");
}

#[test]
fn a_scheduled_change_that_failed_stays_listed_with_its_reason() {
    let (_dir, _path, mut service) = common::demo_db(3, 0);
    let customers = service.board(common::NOW).unwrap();
    let (first, second) = (&customers[0], &customers[1]);
    let due = chrono::Utc::now() + chrono::Duration::seconds(1);
    let fields = serde_json::json!({ "name": second.name.to_uppercase() });
    service
        .schedule_change(&common::actor("ann"), first.id, fields, due)
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    service.apply_due(chrono::Utc::now()).unwrap();

    let mut h = Harness::new(service, 160, 30);
    h.key(KeyCode::Char(':')).keys("scheduled");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Scheduled changes (0 pending, 1 failed)"),
        "{screen}"
    );
    assert!(screen.contains("FAILED: "), "{screen}");
    // x offers to dismiss it (a second x would).
    h.key(KeyCode::Char('x'));
    assert!(
        h.screen().contains("x again dismisses it"),
        "{}",
        h.screen()
    );
    // Enter shows the row in full, its whole reason.
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("(Esc closes)"), "{screen}");
    assert!(
        screen.contains("names are unique ignoring case"),
        "{screen}"
    );
}

fn mouse(h: &mut Harness, kind: crossterm::event::MouseEventKind, column: u16, row: u16) {
    let event = crossterm::event::MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    let effects = h.app.handle(Event::Mouse(event));
    h.run(effects);
}

#[test]
fn the_mouse_selects_rows_and_drags_a_block_of_cells() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let (_dir, mut h, _id, rows) = summary_of_busiest(4);
    let screen = h.screen();
    let y = screen
        .lines()
        .position(|l| l.contains(&Period::Daily.label(rows[0].start)))
        .unwrap() as u16;
    mouse(&mut h, MouseEventKind::Down(MouseButton::Left), 6, y);
    mouse(&mut h, MouseEventKind::Drag(MouseButton::Left), 6, y + 2);
    assert!(h.screen().contains("3 cells"), "{}", h.screen());

    h.key(KeyCode::Esc).key(KeyCode::Esc).key(KeyCode::Esc); // selection, card, search
    // The first customer's row is under the header line.
    let header = |l: &&str| l.trim_start().starts_with("Name");
    let top = h.screen().lines().position(|l| header(&l)).unwrap() as u16 + 1;
    mouse(&mut h, MouseEventKind::Down(MouseButton::Left), 4, top + 3);
    assert_eq!(h.board().cursor, 3);
    mouse(&mut h, MouseEventKind::ScrollDown, 4, top + 3);
    assert_eq!(h.board().cursor, 4);
}

#[test]
fn q_during_an_import_asks_for_a_second_q() {
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 80, 24);
    h.reply(Reply::Progress(
        "Importing CDRs: 40% · 4000 rows read".into(),
    ));

    h.key(KeyCode::Char('q'));
    assert!(!h.app.quit);
    // Longer than the screen is wide: it takes two lines and keeps its end.
    let screen = h.screen().replace('\n', " ");
    assert!(screen.contains("press q again to quit"), "{screen}");
    assert!(screen.contains("nothing of it is saved"), "{screen}");
    // Any other key in between takes the question back.
    h.key(KeyCode::Down).key(KeyCode::Char('q'));
    assert!(!h.app.quit);
    h.key(KeyCode::Char('q'));
    assert!(h.app.quit);
}

#[test]
fn q_quits_at_once_when_nothing_runs() {
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 120, 30);
    h.key(KeyCode::Char('q'));
    assert!(h.app.quit);
}

#[test]
fn the_calls_that_matched_no_customer_are_listed_from_the_palette() {
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 140, 40);
    h.key(KeyCode::Char(':')).keys("unmatched");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Unmatched CDRs (0)"), "{}", h.screen());
    assert!(h.screen().contains("Every imported call has its customer"));
    h.key(KeyCode::Esc);

    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cdrs/asterisk_master.csv");
    h.key(KeyCode::Char(':')).keys("import cdr");
    h.key(KeyCode::Enter).keys(file.to_str().unwrap());
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("matched no customer"), "{}", h.screen());
    h.key(KeyCode::Esc);

    h.key(KeyCode::Char(':')).keys("unmatched");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    let listed = screen
        .lines()
        .find(|l| l.contains("account AC999999"))
        .unwrap_or_else(|| panic!("the unknown account is listed:\n{screen}"));
    assert!(listed.contains(" UTC "), "{listed}");
    assert!(
        screen.contains("Give a customer the calls' account code"),
        "{screen}"
    );
}

/// Whole screens at 80x24, the smallest size the console is made for, with "now" fixed.
/// `cargo insta review` (or INSTA_UPDATE=always) accepts an intended change.
#[test]
fn whole_screens_at_80_by_24() {
    let (_dir, _path, service) = common::demo_db(40, 8);
    let mut h = Harness::at(service, 80, 24, Clock::Fixed(common::NOW));
    insta::assert_snapshot!("board", h.screen());

    h.key(KeyCode::Char('?'));
    insta::assert_snapshot!("board_help", h.screen());
    h.key(KeyCode::Esc);

    // The second customer has traffic.
    h.key(KeyCode::Down).key(KeyCode::Enter);
    insta::assert_snapshot!("card_main", h.screen());

    h.key(KeyCode::Char('2'));
    insta::assert_snapshot!("card_contacts", h.screen());

    // The Daily view with a block of ASR, ACD and Profit over three days selected.
    h.key(KeyCode::Char('3')).key(KeyCode::Char('l'));
    for _ in 0..2 {
        h.key_with(KeyCode::Down, KeyModifiers::SHIFT);
    }
    for _ in 0..2 {
        h.key_with(KeyCode::Right, KeyModifiers::SHIFT);
    }
    insta::assert_snapshot!("card_summary_selection", h.screen());

    // Everything selected: the figures take two lines rather than lose their end.
    h.key_with(KeyCode::Char('a'), KeyModifiers::CONTROL);
    let screen = h.screen();
    assert!(screen.contains("weighted Profit %"), "{screen}");

    h.key(KeyCode::Esc).key(KeyCode::Char('e'));
    insta::assert_snapshot!("edit_form", h.screen());
}

#[test]
fn help_scrolls_to_its_last_keys_on_a_small_screen() {
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 80, 24);
    h.key(KeyCode::Char('?'));
    assert!(!h.screen().contains("command palette"), "{}", h.screen());
    h.key(KeyCode::PageDown).key(KeyCode::PageDown);
    let screen = h.screen();
    assert!(screen.contains("command palette"), "{screen}");
    assert!(screen.contains("quit"), "{screen}");
    h.key(KeyCode::Home);
    assert!(!h.screen().contains("command palette"), "back to the top");
    h.key(KeyCode::End);
    assert!(h.screen().contains("command palette"), "to the end");
}

#[test]
fn the_import_prompt_takes_quoted_paths_and_the_command_line_options() {
    let (dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 160, 40);
    h.db.session.export_dir = dir.path().join("exports");
    let spaced = dir.path().join("field files");
    std::fs::create_dir(&spaced).unwrap();
    let file = spaced.join("bad rows.csv");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cdrs");
    std::fs::copy(data.join("asterisk_bad.csv"), &file).unwrap();

    h.key(KeyCode::Char(':')).keys("import cdr");
    h.key(KeyCode::Enter);
    h.keys(&format!("'{}' --format excel", file.display()));
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("--format excel: use auto, native"),
        "a mistake keeps the prompt open and says why: {}",
        h.screen()
    );

    for _ in 0.." --format excel".len() {
        h.key(KeyCode::Backspace);
    }
    h.keys(" --format asterisk --skip-bad");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("rejected"), "{screen}");
    let rejects = dir.path().join("exports/bad rows.csv.rejected.csv");
    assert!(screen.contains("rejected rows in"), "{screen}");
    assert!(std::fs::read_to_string(rejects).unwrap().contains("line"));
}

#[test]
fn s_sorts_by_the_columns_on_screen_in_their_order() {
    use carrierdesk::domain::board_columns::ColumnId;
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 120, 30);
    h.app.find_mut::<BoardScreen>().unwrap().columns = vec![ColumnId::Channels, ColumnId::Balance];
    let mut seen = Vec::new();
    for _ in 0..3 {
        h.key(KeyCode::Char('s'));
        let screen = h.screen();
        let title = screen.lines().next().unwrap().to_string();
        seen.push(title.split("sort: ").nth(1).unwrap().to_string());
    }
    assert_eq!(seen, ["Channels ▲", "Balance by currency ▲", "Name ▲"]);

    // At 80 columns the default columns do not all fit: s skips those left off.
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 80, 24);
    let header = h.screen().lines().nth(1).unwrap().to_string();
    let mut seen = Vec::new();
    for _ in 0..20 {
        h.key(KeyCode::Char('s'));
        let title = h.screen().lines().next().unwrap().to_string();
        // The title goes on past the arrow (how many columns are out of view).
        let key = title
            .split("sort: ")
            .nth(1)
            .and_then(|t| t.split(" ▲").next())
            .unwrap()
            .to_string();
        if key == "Name" {
            break;
        }
        seen.push(key);
    }
    assert!(seen.len() < 20, "s comes back round to Name: {seen:?}");
    assert!(seen.len() >= 3, "{seen:?}");
    for key in &seen {
        let shown = key.split(' ').next().unwrap();
        assert!(header.contains(shown), "{key} is not on screen: {header}");
    }
}

#[test]
fn saving_an_unchanged_form_writes_nothing_and_says_so() {
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 120, 30);
    let before = h.db.service.store().audit_count().unwrap();
    h.key(KeyCode::Char('e'));
    assert!(h.screen().contains("Edit "), "{}", h.screen());
    h.key(KeyCode::Enter).key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Nothing changed:"), "{screen}");
    assert!(!screen.contains("Edit "), "the form closed: {screen}");
    assert_eq!(h.db.service.store().audit_count().unwrap(), before);
}

#[test]
fn arrows_move_between_the_lines_of_the_vars_and_then_leave_them() {
    use carrierdesk::domain::Field;
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char('a')).key(KeyCode::PageDown);
    while h.form().unwrap().focused() != Field::Vars {
        h.key(KeyCode::Tab);
    }
    h.keys("a = 1");
    h.key(KeyCode::Enter).keys("b = 2");
    h.key(KeyCode::Up).keys("0");
    let vars = |h: &Harness| h.form().unwrap().draft.text(Field::Vars);
    assert_eq!(vars(&h), "a = 10\nb = 2", "↑ moved to the first line");
    assert_eq!(h.form().unwrap().focused(), Field::Vars);
    // From the first line, ↑ goes to the field above.
    h.key(KeyCode::Up);
    assert_eq!(h.form().unwrap().focused(), Field::Tags);
}

#[test]
fn a_name_taken_in_the_database_is_shown_beside_the_name() {
    let (_dir, _path, service) = common::demo_db(3, 0);
    let taken = service.customer(1).unwrap().name;
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char('a')).keys(&taken.to_uppercase());
    for _ in 0..5 {
        h.key(KeyCode::Tab); // Currency
    }
    h.keys("EUR");
    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    let screen = h.screen();
    let name_line = screen
        .lines()
        .find(|l| l.contains(&taken.to_uppercase()))
        .unwrap_or_else(|| panic!("the form stays open: {screen}"));
    assert!(name_line.contains("another customer is"), "{screen}");
    assert!(screen.contains("Basic (1)"), "{screen}");
    assert_eq!(
        h.form().unwrap().focused(),
        carrierdesk::domain::Field::Name,
        "the cursor goes to the field to fix"
    );
}

#[test]
fn a_bulk_upload_that_fails_at_the_last_moment_lists_why() {
    let (dir, path, service) = common::demo_db(3, 0);
    let csv = dir.path().join("new.csv");
    std::fs::write(&csv, "name,currency\nRace One,EUR\nRace Two,EUR\n").unwrap();
    let mut h = Harness::new(service, 140, 40);
    h.key(KeyCode::Char(':')).keys("bulk upload");
    h.key(KeyCode::Enter).keys(csv.to_str().unwrap());
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("2 customers to create"),
        "{}",
        h.screen()
    );

    // Another operator creates one of them before we confirm.
    let mut other = Service::open(&path).unwrap();
    let mut race =
        carrierdesk::domain::Customer::new(carrierdesk::domain::Currency::parse("EUR").unwrap());
    race.name = "race two".into();
    other.create_customer(&common::actor("bob"), &race).unwrap();

    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("1 problem, nothing created"), "{screen}");
    assert!(screen.contains("line 3, name:"), "{screen}");
    let board = h.db.service.board(common::NOW).unwrap();
    assert!(
        !board.iter().any(|r| r.name == "Race One"),
        "all or nothing"
    );
}

#[test]
fn an_empty_summary_says_there_is_nothing_to_copy() {
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 120, 30);
    // The inactive customer has had no calls.
    h.key(KeyCode::Char('/')).keys("Nordlink");
    h.key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Char('3'));
    assert!(
        h.screen().contains("No traffic in this view."),
        "{}",
        h.screen()
    );
    for key in ['y', 'Y', 'D', ' '] {
        h.key(KeyCode::Char(key));
        assert!(
            h.screen().contains("This view has no traffic"),
            "{key}: {}",
            h.screen()
        );
    }
    assert!(h.copied.is_empty());
}

#[test]
fn an_import_refused_for_a_bad_row_says_which_in_full() {
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 100, 30);
    let bad =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cdrs/asterisk_bad.csv");
    h.key(KeyCode::Char(':')).keys("import cdr");
    h.key(KeyCode::Enter).keys(bad.to_str().unwrap());
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("CDR import: nothing imported"), "{screen}");
    assert!(screen.contains("Not imported, nothing changed"), "{screen}");
    // The window wraps the whole reason, however long the path before it: read as one
    // text, borders and the wrapping left out.
    let words: Vec<&str> = screen
        .lines()
        .flat_map(|l| l.split(|c: char| c == '│' || c.is_whitespace()))
        .filter(|w| !w.is_empty())
        .collect();
    let window = words.join(" ");
    assert!(window.contains("field start (column 10)"), "{screen}");
}

#[test]
fn a_bulk_edit_refused_for_many_customers_lists_every_one() {
    let (_dir, _path, service) = common::demo_db(12, 0);
    let mut h = Harness::new(service, 120, 40);
    h.key_with(KeyCode::Char('a'), KeyModifiers::CONTROL);
    h.key(KeyCode::Char('e'));
    for _ in 0..4 {
        h.key(KeyCode::Tab); // Debit limit
    }
    // Three decimals: too many for every two-decimal currency among them.
    h.keys("100.125");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Bulk edit refused: "), "{screen}");
    let listed = screen.lines().filter(|l| l.contains("debit limit")).count();
    assert!(listed > 1, "one line per customer: {screen}");
    // Esc goes back to the form, which says nothing changed.
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("nothing was changed"), "{}", h.screen());
}

#[test]
fn a_footer_sum_wider_than_its_column_is_shown_whole() {
    let (_dir, mut h, _id, rows) = summary_of_busiest(60);
    // ASR and ACD of every day (two columns give the footer): thirty-odd percentages add
    // up to four digits before the point.
    h.key(KeyCode::Char('l')).key(KeyCode::Char('C'));
    h.key_with(KeyCode::Right, KeyModifiers::SHIFT);
    let asr_sum: f64 = rows.iter().filter_map(|r| r.traffic.asr()).sum();
    assert!(
        asr_sum >= 1000.0,
        "the test needs a four-digit sum: {asr_sum}"
    );
    let screen = h.screen();
    let sum_line = screen
        .lines()
        .find(|l| l.trim_start().starts_with("sum"))
        .unwrap_or_else(|| panic!("a footer: {screen}"));
    assert!(!sum_line.contains('…'), "{sum_line}");
    assert!(
        sum_line.contains(&format!("{asr_sum:.1}%")),
        "{sum_line}\n{screen}"
    );
}

#[test]
fn a_message_leaves_the_status_line_when_its_time_is_up() {
    let mut app = App::default();
    app.handle(Event::Reply(Box::new(Reply::Notice(
        Level::Info,
        "4 cells copied".into(),
    ))));
    let until = app.message_until().expect("a message has its time");
    app.expire_message(until - std::time::Duration::from_millis(1));
    assert!(app.message().is_some(), "not yet");
    app.expire_message(until);
    assert!(app.message().is_none());
    assert_eq!(app.message_until(), None);
}

#[test]
fn a_search_that_leaves_few_rows_shows_them_all() {
    let (_dir, _path, service) = common::demo_db(200, 0);
    let mut names: Vec<String> = service
        .board(common::NOW)
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    names.sort_by_key(|n| n.to_lowercase());
    // The last first word that several customers share: far down the list.
    let word = |n: &String| n.split(' ').next().unwrap().to_string();
    let group: Vec<String> = names
        .iter()
        .rev()
        .map(word)
        .find(|w| names.iter().filter(|n| word(n) == *w).count() >= 3)
        .map(|w| names.iter().filter(|n| word(n) == w).cloned().collect())
        .expect("the demo repeats first words");
    let mut h = Harness::new(service, 140, 24);
    // One of them found by its whole name, the search cleared (the cursor stays on it, far
    // down the full list), then all of them by their first word.
    let last = group.last().unwrap();
    h.key(KeyCode::Char('/')).keys(last);
    h.key(KeyCode::Enter).key(KeyCode::Esc);
    h.screen(); // a frame scrolls the full list down to it
    h.key(KeyCode::Char('/')).keys(&word(last));
    let screen = h.screen();
    for name in &group {
        assert!(screen.contains(name.as_str()), "{name} is shown:\n{screen}");
    }
}

#[test]
fn the_main_tab_lists_each_of_the_last_seven_days_quiet_ones_too() {
    let (_dir, _path, service) = common::demo_db(40, 8);
    // A customer in penalty: its calls stopped a few days ago.
    let quiet = service
        .board(common::NOW)
        .unwrap()
        .into_iter()
        .find(|r| {
            r.last_call
                .is_some_and(|t| common::NOW - t > 2 * 86_400 && common::NOW - t < 6 * 86_400)
        })
        .expect("the demo has a customer whose calls stopped days ago");
    let mut h = Harness::at(service, 120, 40, Clock::Fixed(common::NOW));
    h.key(KeyCode::Char('/')).keys(&quiet.name);
    h.key(KeyCode::Enter).key(KeyCode::Enter);
    let screen = h.screen();
    let today = Period::Daily.label(common::NOW);
    let line = screen
        .lines()
        .find(|l| l.contains(&today))
        .unwrap_or_else(|| panic!("today is listed:\n{screen}"));
    assert!(line.contains(&format!("{today}            0")), "{line}");
    let days = (0..7)
        .filter(|d| screen.contains(&Period::Daily.label(common::NOW - d * 86_400)))
        .count();
    assert_eq!(days, 7, "{screen}");
}

#[test]
fn an_open_list_of_scheduled_changes_follows_their_application() {
    let (_dir, path, mut service) = common::demo_db(3, 0);
    let id = service.board(common::NOW).unwrap()[0].id;
    let due = chrono::Utc::now() + chrono::Duration::seconds(1);
    service
        .schedule_change(
            &common::actor("ann"),
            id,
            serde_json::json!({ "cps": 7 }),
            due,
        )
        .unwrap();
    let mut h = Harness::new(service, 160, 30);
    h.key(KeyCode::Char(':')).keys("scheduled");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("(1 pending)"), "{}", h.screen());

    // The change comes due and is applied (here by another process; this console says so
    // with the same event when it applies one itself).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut other = Service::open(&path).unwrap();
    other.apply_due(chrono::Utc::now()).unwrap();
    h.poll();
    assert!(h.screen().contains("(0 pending)"), "{}", h.screen());
}

#[test]
fn ctrl_c_in_a_changed_form_asks_before_quitting() {
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 120, 30);
    h.key(KeyCode::Char('e'));
    h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(h.app.quit, "nothing changed yet: Ctrl-C quits at once");

    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 120, 30);
    h.key(KeyCode::Char('e')).keys("x");
    h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(!h.app.quit);
    assert!(
        h.screen().contains("unsaved changes. Press Ctrl-C again"),
        "{}",
        h.screen()
    );
    h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(h.app.quit);

    // Typing after the question takes it back: the next Ctrl-C asks again.
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 120, 30);
    h.key(KeyCode::Char('e')).keys("x");
    h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    h.keys("yz");
    assert!(!h.screen().contains("Press Ctrl-C again"), "{}", h.screen());
    h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(!h.app.quit, "asked again");
}

#[test]
fn a_long_filter_line_shows_its_end_and_its_error_below() {
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 80, 24);
    h.key(KeyCode::Char('F'))
        .keys("status:active channels>=30 currency:EUR balance<0 tag:wholesale cps>=5 bogus");
    let screen = h.screen();
    let line = screen.lines().find(|l| l.starts_with("filter: ")).unwrap();
    // The field scrolls to keep the cursor, at the end, in view.
    assert!(
        line.starts_with("filter: ") && line.ends_with("bogus"),
        "{line}"
    );
    assert!(!line.contains("status:active"), "{line}");
    let next = screen
        .lines()
        .skip_while(|l| !l.starts_with("filter: "))
        .nth(1)
        .unwrap();
    assert!(
        next.contains("'bogus'"),
        "the error has a line of its own: {screen}"
    );
}

#[test]
fn a_long_refusal_opens_in_full_in_a_window() {
    let (_dir, _path, service) = common::demo_db(12, 2);
    let mut h = Harness::new(service, 80, 24);
    h.key_with(KeyCode::Char('a'), KeyModifiers::CONTROL);
    h.key(KeyCode::Char('d')).keys("12");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Not done (Esc closes)"), "{screen}");
    // One customer a line, each with its reason.
    let kept = screen.lines().filter(|l| l.contains("(#")).count();
    assert!(kept >= 3, "{screen}");
    h.key(KeyCode::Esc);
    assert!(!h.screen().contains("Not done (Esc closes)"));
}

#[test]
fn the_column_chooser_says_which_columns_have_no_room() {
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 80, 24);
    h.screen(); // a frame: the board measures what fits
    h.key(KeyCode::Char(':')).keys("board col");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    let off: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("(off screen: < > scroll the board)"))
        .collect();
    assert!(off.iter().any(|l| l.contains("[x] ID")), "{screen}");
    assert!(!off.iter().any(|l| l.contains("[x] Status")), "{screen}");
    assert!(screen.contains("left to right."), "{screen}");
}

#[test]
fn a_bulk_edit_says_how_many_marked_customers_are_hidden() {
    let (_dir, _path, service) = common::demo_db(12, 0);
    let mut h = Harness::new(service, 140, 40);
    h.key_with(KeyCode::Char('a'), KeyModifiers::CONTROL);
    h.key(KeyCode::Char('F')).keys("status:active");
    h.key(KeyCode::Enter);
    let hidden = h.board().marked_hidden();
    assert!(hidden > 0, "some marked customers are not active");
    h.key(KeyCode::Char('e'));
    let screen = h.screen();
    assert!(
        screen.contains(&format!(
            "Bulk edit of 12 marked customers, {hidden} of them not shown"
        )),
        "{screen}"
    );
}

#[test]
fn enter_on_a_contact_shows_it_in_full_with_its_notes() {
    let (_dir, _path, service) = common::demo_db(12, 0);
    let id = service.board(common::NOW).unwrap()[0].id;
    let contacts = service.card(id, common::NOW).unwrap().contacts;
    let mut h = Harness::new(service, 80, 24);
    h.key(KeyCode::Enter)
        .key(KeyCode::Char('2'))
        .key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Contact: {}", contacts[0].spec.name)),
        "{screen}"
    );
    assert!(screen.contains("Private notes"), "{screen}");
    assert!(
        screen.contains(&contacts[0].spec.email),
        "the whole address: {screen}"
    );
}

#[test]
fn the_search_finds_a_customer_by_account_code() {
    let (_dir, _path, service) = common::demo_db(12, 0);
    let customer = service.customer(5).unwrap();
    assert!(!customer.account_code.is_empty());
    let mut h = Harness::new(service, 140, 30);
    h.key(KeyCode::Char('/')).keys(&customer.account_code);
    assert_eq!(h.board().shown(), 1, "{}", h.screen());
    assert_eq!(h.board().selected().unwrap().id, 5);
}

#[test]
fn a_value_too_wide_for_its_column_shows_as_hashes_not_cut() {
    let (_dir, _path, mut service) = common::demo_db(3, 0);
    let mut c = service.customer(1).unwrap();
    c.debit_limit = -1_234_567_890_123; // -12,345,678,901.23 in a two-decimal currency
    service.update_customer(&common::actor("ann"), &c).unwrap();
    let mut h = Harness::new(service, 160, 20);
    let (line, _) = h.line_with(&c.name).unwrap();
    assert!(line.contains("##############"), "{line}");
    assert!(
        !line.contains("345,678,901"),
        "no digits cut off the front: {line}"
    );
}

#[test]
fn a_card_whose_customer_is_deleted_elsewhere_goes_back_to_the_board() {
    let (_dir, path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 120, 30);
    h.key(KeyCode::Enter).key(KeyCode::Char('e'));
    let id = h.app.find::<CardScreen>().unwrap().id;
    assert!(h.form().is_some());
    let mut other = Service::open(&path).unwrap();
    other
        .delete_customers(&common::actor("bob"), &[id])
        .unwrap();
    h.poll();
    assert!(h.app.find::<CardScreen>().is_none() && h.form().is_none());
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Customer #{id} was deleted meanwhile")),
        "{screen}"
    );
    assert!(screen.contains("Customers  2 of 2"), "{screen}");
}

#[test]
fn a_bulk_edit_refuses_a_tag_both_added_and_removed() {
    let (_dir, _path, service) = common::demo_db(4, 0);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char(' ')).key(KeyCode::Char('e'));
    for _ in 0..6 {
        h.key(KeyCode::Tab); // Tags to add
    }
    h.keys("promo");
    h.key(KeyCode::Tab).keys("PROMO"); // Tags to remove
    let screen = h.screen();
    let beside = screen.lines().find(|l| l.contains("Add tags")).unwrap();
    assert!(beside.contains("✗"), "said as it is typed: {screen}");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    // The refusal wraps inside the form's border: read it as one line.
    let text: Vec<&str> = screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '│'))
        .collect();
    assert!(
        text.join(" ")
            .contains("the tag 'promo' is both added and removed"),
        "{screen}"
    );
    assert!(h.app.find::<ListScreen>().is_none(), "no preview");
}

#[test]
fn only_esc_right_after_esc_discards_a_changed_form() {
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char('a')).keys("Unsaved Telecom");
    h.key(KeyCode::Esc);
    assert!(
        h.screen().contains("Esc again discards them"),
        "{}",
        h.screen()
    );
    // A key in between takes the question back: the next Esc asks again.
    h.key(KeyCode::Tab).key(KeyCode::Esc);
    assert!(h.form().is_some(), "Esc, Tab, Esc closed a changed form");
    assert!(h.screen().contains("Esc again discards them"));
    // A cursor move inside the text too.
    h.key(KeyCode::Left).key(KeyCode::Esc);
    assert!(h.form().is_some(), "Esc, Left, Esc closed a changed form");
    assert!(h.screen().contains("Esc again discards them"));
    h.key(KeyCode::Esc);
    assert!(h.form().is_none());

    // The bulk form asks too once a field is set.
    h.key(KeyCode::Char(' '))
        .key(KeyCode::Char(' '))
        .key(KeyCode::Char('e'));
    h.key(KeyCode::Tab).keys("40"); // channels
    h.key(KeyCode::Esc);
    let screen = h.screen();
    assert!(
        screen.contains("Esc again discards what you set"),
        "{screen}"
    );
    h.key(KeyCode::Esc);
    assert!(!h.screen().contains("Bulk edit of"), "{}", h.screen());
}

#[test]
fn a_window_too_small_takes_no_key_but_quit() {
    let (_dir, _path, service) = common::demo_db(8, 0);
    let mut h = Harness::new(service, 100, 30);
    assert!(h.screen().contains("status: All"));
    h.terminal.backend_mut().resize(20, 5);
    assert!(h.screen().contains("too small"));
    h.key(KeyCode::Char('f'))
        .key(KeyCode::Enter)
        .key(KeyCode::Char('a'));
    h.terminal.backend_mut().resize(100, 30);
    let screen = h.screen();
    assert!(screen.contains("status: All"), "f acted unseen: {screen}");
    assert!(screen.contains("Customers  8 of 8") && h.form().is_none());
    h.terminal.backend_mut().resize(20, 5);
    h.screen();
    h.key(KeyCode::Char('q'));
    assert!(h.app.quit);
}

#[test]
fn a_message_stays_on_the_screen_it_is_about() {
    // Customers with traffic cannot be deleted: the refusal is about this card.
    let (_dir, _path, service) = common::demo_db(4, 2);
    let mut h = Harness::new(service, 120, 30);
    let first = h.board().selected().unwrap().name.clone();
    // From the Audit tab: on Main, d releases a number block, on Contacts it deletes a
    // contact.
    h.key(KeyCode::Enter)
        .key(KeyCode::Char('4'))
        .key(KeyCode::Char('d'))
        .keys(&first);
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("nothing deleted"), "{screen}");
    assert!(
        screen.contains(&format!("Customers › {first}")),
        "the card stays"
    );
    h.key(KeyCode::Esc).key(KeyCode::Down).key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        !screen.contains(&format!("Customers › {first}")),
        "{screen}"
    );
    assert!(!screen.contains("nothing deleted"), "{screen}");
}

#[test]
fn a_long_message_never_takes_rows_from_the_screen() {
    let (_dir, _path, service) = common::demo_db(3, 0);
    let due = chrono::Utc::now() + chrono::Duration::days(3);
    let mut other = service;
    let id = other.board(common::NOW).unwrap()[0].id;
    other
        .schedule_change(
            &common::actor("bob"),
            id,
            serde_json::json!({"channels": 5}),
            due,
        )
        .unwrap();
    let mut h = Harness::new(other, 80, 24);
    h.key(KeyCode::Enter);
    let before = h.screen();
    assert!(before.contains("Scheduled (1)"), "{before}");
    h.reply(Reply::Notice(
        Level::Info,
        "A message longer than the window is wide, which the status line has to wrap onto a second row".into(),
    ));
    let screen = h.screen();
    assert!(screen.contains("Scheduled (1)"), "{screen}");
    assert!(
        screen.contains("second row"),
        "the message keeps its end: {screen}"
    );
    let rows = |s: &str| s.lines().take(22).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(rows(&before), rows(&screen), "the card kept every row");
}

/// A tab that shows a line: what a new tab needs, in a few lines.
struct NotesTab;

impl carrierdesk::tui::screens::card::tabs::CardTab for NotesTab {
    fn title(&self) -> &'static str {
        "Notes"
    }

    fn draw(
        &mut self,
        frame: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        data: &carrierdesk::service::CardData,
        _ui: &carrierdesk::tui::screen::Ui,
    ) {
        let text = format!("Notes of {}", data.customer.name);
        frame.render_widget(ratatui::widgets::Paragraph::new(text), area);
    }
}

#[test]
fn a_new_card_tab_is_one_type_and_one_line_in_the_list() {
    use carrierdesk::tui::screens::card::tabs;
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 120, 30);
    let row = h.board().selected().unwrap().clone();
    let mut list = tabs::all(Default::default());
    list.push(Box::new(NotesTab));
    let n = list.len();
    let card = CardScreen::with_tabs(row.id, list);
    h.app.push(Box::new(card));
    h.run(vec![Effect::LoadCard(row.id)]);
    let screen = h.screen();
    assert!(
        screen.contains(&format!("{n} Notes")),
        "the tab bar lists it: {screen}"
    );
    h.key(KeyCode::Char(char::from_digit(n as u32, 10).unwrap()));
    assert!(h.screen().contains(&format!("Notes of {}", row.name)));
    h.key(KeyCode::Char('?'));
    let help = h.screen();
    assert!(help.contains(&format!("{n}  Notes tab")), "{help}");
    h.key(KeyCode::Esc).key(KeyCode::Tab);
    assert!(
        h.screen().contains("Contact"),
        "Tab wraps to Main after the last tab"
    );
}

#[test]
fn a_setting_refused_after_its_screen_closed_still_says_so() {
    // The Settings screen sent a save and was closed before the answer came.
    let mut app = App::default();
    app.handle(Event::Reply(Box::new(Reply::SettingChanged {
        key: "block_size".into(),
        result: Err(carrierdesk::tui::msg::SettingRefusal::Refused(
            "block_size: must be a whole number from 1 to 1000000".into(),
        )),
        note: None,
    })));
    let message = app.message().expect("a message");
    assert_eq!(message.level, Level::Error);
    assert_eq!(
        message.text,
        "Setting not saved: block_size: must be a whole number from 1 to 1000000"
    );
}

#[test]
fn stored_control_and_bidi_characters_are_drawn_escaped() {
    let (_dir, path, service) = common::demo_db(3, 0);
    // Written past the console's rules, as an attacker with the database file could.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE customers SET name = 'Evil' || char(27) || ']2;X' || char(7) || ' Co',
             tags = 'a' || char(8238) || 'b' WHERE id = 1",
        [],
    )
    .unwrap();
    raw.execute(
        "UPDATE contacts SET email = 'x' || char(27) || '[2J@example.com' WHERE customer_id = 1 AND is_primary",
        [],
    )
    .unwrap();
    let mut h = Harness::new(service, 120, 30);
    let name = "Evil\\u{1b}]2;X\\u{7} Co";
    let screen = h.screen();
    assert!(screen.contains(name), "{screen}");
    h.key(KeyCode::Char('/')).keys("Evil");
    h.key(KeyCode::Enter).key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Customers › {name} (#1)")),
        "{screen}"
    );
    assert!(screen.contains("x\\u{1b}[2J@example.com"), "{screen}");
    assert!(screen.contains("a\\u{202e}b"), "{screen}");
}

#[test]
fn a_value_the_card_cannot_read_is_shown_as_an_error_not_loading_forever() {
    let (_dir, path, service) = common::demo_db(5, 2);
    // What an overflowing sum left behind before sums were checked: a REAL in an
    // integer column.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute("UPDATE summary_hourly SET charge = 9.3e18", [])
        .unwrap();
    let id: i64 = raw
        .query_row("SELECT customer_id FROM summary_hourly LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let name = service.customer(id).unwrap().name;
    let mut h = Harness::at(service, 120, 30, Clock::Fixed(common::NOW));
    h.key(KeyCode::Char('/')).keys(&name);
    h.key(KeyCode::Enter).key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains(&format!(
            "Customer #{id} cannot be shown: database: column 5:"
        )),
        "{screen}"
    );
    assert!(!screen.to_lowercase().contains("loading…"), "{screen}");
}

fn ctrl(h: &mut Harness, c: char) {
    h.key_with(KeyCode::Char(c), KeyModifiers::CONTROL);
}

#[test]
fn the_search_line_edits_like_a_shell_line() {
    let (_dir, _path, service) = common::demo_db(5, 1);
    let target = service.board(common::NOW).unwrap()[2].name.clone();
    let mut h = Harness::new(service, 100, 30);
    h.key(KeyCode::Char('/')).keys("acme wrong");
    // Ctrl-W takes the last word, Ctrl-U the rest before the cursor.
    ctrl(&mut h, 'w');
    assert_eq!(h.board().search, "acme ");
    h.key(KeyCode::Left).key(KeyCode::Left).keys("X");
    assert_eq!(h.board().search, "acmXe ");
    h.key(KeyCode::Home).keys("Y");
    assert_eq!(h.board().search, "YacmXe ");
    ctrl(&mut h, 'e');
    ctrl(&mut h, 'u');
    assert_eq!(h.board().search, "");
    h.keys(&target);
    assert!(h.screen().contains("Customers  1 of 5"), "{}", h.screen());
}

#[test]
fn the_filter_line_edits_like_a_shell_line() {
    let (_dir, _path, service) = common::demo_db(30, 1);
    let all = service.board(common::NOW).unwrap();
    let wide = all.iter().filter(|r| r.channels >= 100).count();
    let mut h = Harness::new(service, 120, 30);
    h.key(KeyCode::Char('F')).keys("channels>=100 colour:blue");
    ctrl(&mut h, 'w');
    assert!(
        h.screen().contains(&format!("Customers  {wide} of 30")),
        "Ctrl-W took colour:blue whole: {}",
        h.screen()
    );
    // "status:active " typed in front of what is there, then taken back with Ctrl-U.
    h.key(KeyCode::Home).keys("status:active ");
    assert_eq!(h.board().filter_text, "status:active channels>=100 ");
    ctrl(&mut h, 'u');
    assert_eq!(h.board().filter_text, "channels>=100 ");
    ctrl(&mut h, 'e');
    h.key(KeyCode::Left)
        .key(KeyCode::Left)
        .key(KeyCode::Backspace)
        .keys("2");
    assert_eq!(h.board().filter_text, "channels>=120 ");
}

#[test]
fn a_form_field_edits_like_a_shell_line() {
    use carrierdesk::domain::Field;
    let (_dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char('a')).keys("Zephyr Telecom Ltd");
    ctrl(&mut h, 'w');
    assert_eq!(h.form().unwrap().draft.text(Field::Name), "Zephyr Telecom ");
    h.key(KeyCode::Home).keys("The ");
    h.key(KeyCode::End).key(KeyCode::Left).keys(" GmbH");
    assert_eq!(
        h.form().unwrap().draft.text(Field::Name),
        "The Zephyr Telecom GmbH "
    );
    // Ctrl-U deletes everything before the cursor, not one character.
    h.key(KeyCode::Left)
        .key(KeyCode::Left)
        .key(KeyCode::Left)
        .key(KeyCode::Left);
    ctrl(&mut h, 'u');
    assert_eq!(h.form().unwrap().draft.text(Field::Name), "GmbH ");
    assert!(h.screen().contains("GmbH"), "{}", h.screen());
}

#[test]
fn tab_completes_a_file_name_in_the_import_prompt() {
    let (dir, _path, service) = common::demo_db(3, 1);
    let mut h = Harness::new(service, 160, 40);
    h.db.session.export_dir = dir.path().join("exports");
    h.app.home = Some(dir.path().to_path_buf());
    let folder = dir.path().join("field cdrs");
    std::fs::create_dir(&folder).unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cdrs");
    std::fs::copy(
        data.join("asterisk_bad.csv"),
        folder.join("asterisk bad.csv"),
    )
    .unwrap();
    std::fs::write(folder.join("asterisk notes.txt"), "").unwrap();

    h.key(KeyCode::Char(':')).keys("import cdr");
    h.key(KeyCode::Enter);
    // ~ is the home folder; the space in the folder's name is kept with a backslash.
    h.keys("~/fie").key(KeyCode::Tab);
    assert!(h.screen().contains("~/field\\ cdrs/"), "{}", h.screen());
    // Two names fit: completed as far as they agree, and both listed.
    h.keys("a").key(KeyCode::Tab);
    let screen = h.screen();
    assert!(screen.contains("~/field\\ cdrs/asterisk\\ "), "{screen}");
    assert!(
        screen.contains("asterisk bad.csv  asterisk notes.txt"),
        "{screen}"
    );
    h.keys("b").key(KeyCode::Tab);
    assert!(
        h.screen().contains("~/field\\ cdrs/asterisk\\ bad.csv"),
        "{}",
        h.screen()
    );
    assert!(
        !h.screen().contains("notes.txt"),
        "the list goes once one fits"
    );
    h.keys("--format asterisk --skip-bad").key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("rejected rows in"),
        "the completed path imports: {screen}"
    );
}

#[test]
fn the_filter_line_names_every_word_it_does_not_understand() {
    let (_dir, _path, service) = common::demo_db(10, 0);
    let mut h = Harness::new(service, 80, 24);
    h.key(KeyCode::Char('F'))
        .keys("colour:blue status:active chanels>=3 atlas");
    let screen = h.screen();
    for named in [
        "'colour:blue'",
        "'chanels>=3'",
        "'atlas'",
        "fields are status",
    ] {
        assert!(screen.contains(named), "{named} is named: {screen}");
    }
    assert!(screen.contains("Name"), "the rows still show: {screen}");
}

#[test]
fn a_tax_typed_with_a_currency_says_what_is_wrong() {
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char('a')).keys("Zephyr Telecom");
    for _ in 0..4 {
        h.key(KeyCode::Tab); // Tax
    }
    retype(&mut h, "5EUR");
    let screen = h.screen();
    assert!(
        screen.contains("tax: '5EUR' has 'EUR' beside the number: type the number alone, like 5"),
        "{screen}"
    );
    assert!(!screen.contains("scientific"), "{screen}");
}

#[test]
fn a_bulk_upload_lists_every_problem_in_one_pass() {
    let (dir, _path, service) = common::demo_db(3, 0);
    let taken = service.board(common::NOW).unwrap()[0].name.clone();
    let csv = dir.path().join("new.csv");
    // Line 2 breaks a rule and has a name the database holds; line 4 repeats line 3's.
    std::fs::write(
        &csv,
        format!("name,currency,tax\n{taken},EUR,101\nNew One,EUR,5\nnew one,EUR,5\n"),
    )
    .unwrap();
    let mut h = Harness::new(service, 160, 40);
    h.key(KeyCode::Char(':')).keys("bulk upload");
    h.key(KeyCode::Enter).keys(csv.to_str().unwrap());
    h.key(KeyCode::Enter);
    let screen = h.screen();
    for said in [
        "line 2, tax:",
        "line 2, name: customer",
        "line 4, name: 'new one' is also on line 3",
    ] {
        assert!(screen.contains(said), "{said}: {screen}");
    }
}

#[test]
fn an_audit_row_window_shows_every_field_at_80_by_24() {
    let (_dir, _path, mut service) = common::demo_db(3, 0);
    let first = service.board(common::NOW).unwrap()[0].id;
    let mut customer = service.customer(first).unwrap();
    customer.channels += 1;
    service
        .update_customer(&common::actor("tester"), &customer)
        .unwrap();
    let message = service.audit(first).unwrap()[0].message.clone();
    let mut h = Harness::new(service, 80, 24);
    h.key(KeyCode::Enter)
        .key(KeyCode::Char('4'))
        .key(KeyCode::Enter);
    let screen = h.screen();
    for shown in [
        "192.0.2.10",
        "tester",
        "PUT customers",
        &message[..message.len().min(40)],
    ] {
        assert!(screen.contains(shown), "{shown}: {screen}");
    }
}

/// The support-call task of the issue: Delay and Save a status change for tomorrow 00:00 UTC.
/// The prompt comes with the next midnight in it and reads the time back as it is typed, so
/// it takes e, Tab, →, Enter, d, Enter: six keys.
#[test]
fn delay_and_save_for_tomorrow_midnight_takes_six_keys() {
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 160, 40);
    h.key(KeyCode::Char('e'));
    let id = h.form().unwrap().original.as_ref().unwrap().id;
    h.key(KeyCode::Tab).key(KeyCode::Right);
    h.key(KeyCode::Enter).key(KeyCode::Char('d'));
    let midnight = carrierdesk::domain::when::next_midnight(chrono::Utc::now());
    let screen = h.screen();
    assert!(
        screen.contains(&midnight.format("%Y-%m-%d 00:00").to_string()),
        "{screen}"
    );
    assert!(
        screen.contains(&format!(
            "→ {} UTC, in ",
            midnight.format("%a %Y-%m-%d 00:00")
        )),
        "{screen}"
    );
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Scheduled change #"), "{}", h.screen());
    let scheduled = h.db.service.scheduled_changes(Some(id), false).unwrap();
    assert_eq!(scheduled.len(), 1);
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&scheduled[0].due_at)
            .unwrap()
            .timestamp(),
        midnight.timestamp()
    );

    // Other ways of saying when, read back before Enter.
    h.key(KeyCode::Char('e'))
        .key(KeyCode::Tab)
        .key(KeyCode::Right);
    h.key(KeyCode::Enter).key(KeyCode::Char('d'));
    h.key_with(KeyCode::Char('u'), KeyModifiers::CONTROL)
        .keys("tomorrow 06:00");
    let six = midnight + chrono::Duration::hours(6);
    assert!(
        h.screen()
            .contains(&format!("→ {} UTC", six.format("%a %Y-%m-%d 06:00"))),
        "{}",
        h.screen()
    );
    h.key_with(KeyCode::Char('u'), KeyModifiers::CONTROL)
        .keys("soon");
    assert!(
        h.screen().contains("'soon' is not a time"),
        "{}",
        h.screen()
    );
}

/// Last week's or last month's rows, selected with one key and copied with their headers
/// with one more (the web console: about six clicks, counting the week's rows by hand).
#[test]
fn w_and_m_select_last_week_and_last_month_ready_for_y() {
    let (_dir, mut h, _id, rows) = summary_of_busiest(40);
    let now = chrono::Utc::now().timestamp();
    for (key, unit) in [('w', Period::Weekly), ('m', Period::Monthly)] {
        let (start, end) = unit.last_complete(now).unwrap();
        let days: Vec<String> = rows
            .iter()
            .filter(|r| r.start >= start && r.start < end)
            .map(|r| Period::Daily.label(r.start))
            .collect();
        assert!(
            days.len() >= 5,
            "the demo has traffic on most of those days"
        );
        h.key(KeyCode::Char(key)).key(KeyCode::Char('Y'));
        let copied = h.copied.last().unwrap().clone();
        let lines: Vec<&str> = copied.lines().collect();
        assert!(lines[0].starts_with("Date (UTC)\tASR (%)"), "{copied}");
        let copied_days: Vec<&str> = lines[1..]
            .iter()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert_eq!(copied_days, days, "{key}");
        h.key(KeyCode::Esc);
    }
}

/// A change that failed when due is listed with its reason; r tries it again at once, and x
/// (asked twice) dismisses it.
#[test]
fn a_failed_scheduled_change_is_tried_again_with_r_or_dismissed_with_x() {
    let (_dir, _path, mut service) = common::demo_db(3, 0);
    let due = chrono::Utc::now() + chrono::Duration::minutes(1);
    let taken = service.customer(2).unwrap().name;
    service
        .schedule_change(
            &common::actor("dora"),
            1,
            serde_json::json!({ "name": taken }),
            due,
        )
        .unwrap();
    assert_eq!(service.apply_due(due).unwrap().failed.len(), 1);
    let mut h = Harness::new(service, 160, 30);
    h.key(KeyCode::Char(':')).keys("scheduled");
    h.key(KeyCode::Enter);
    assert!(
        h.screen()
            .contains("Scheduled changes (0 pending, 1 failed)"),
        "{}",
        h.screen()
    );
    // Still taken: tried again, it fails again and stays listed.
    h.key(KeyCode::Char('r'));
    assert!(
        h.screen()
            .contains("Scheduled changes (0 pending, 1 failed)"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Char('x'));
    assert!(
        h.screen().contains("x again dismisses it"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Char('x'));
    assert!(
        h.screen().contains("Scheduled changes (0 pending)"),
        "{}",
        h.screen()
    );
}

#[test]
fn an_open_boards_24_hour_figures_move_on_with_the_clock_when_nothing_is_written() {
    let (_dir, _path, service) = common::demo_db_at(6, 2, common::NOW);
    let mut h = Harness::at(service, 160, 30, Clock::Fixed(common::NOW));
    let attempts = |h: &Harness| -> i64 {
        let board = &h.app.find::<BoardScreen>().unwrap().board;
        board.window(0, 10).map(|r| r.attempts_24h).sum()
    };
    assert!(attempts(&h) > 0, "the demo's last day has calls");
    assert!(h.db.hour_passed().is_none(), "the same hour");

    // Two days on, with no call since: the last 24 hours hold none.
    let later = Clock::Fixed(common::NOW + 2 * 24 * 3600);
    h.app.clock = later;
    h.db.session.clock = later;
    let reply = h.db.hour_passed().expect("an hour has passed");
    h.reply(reply);
    assert_eq!(attempts(&h), 0, "{}", h.screen());
    assert!(h.db.hour_passed().is_none(), "reported once an hour");
}
