//! Rating in the console: a day of two calls of 0.005 and 0.007 shows 0.01 on the Summary
//! tab and copies as 0.012; the calls no card priced are listed from the palette.

mod common;
#[path = "common/tui_harness.rs"]
mod tui_harness;

use carrierdesk::service::{CardImport, ImportOptions};
use crossterm::event::KeyCode;
use std::path::PathBuf;
use tui_harness::Harness;

/// A demo database, its first EUR customer on 30/6 at 0.01 a minute with account PREC1,
/// and a file of that customer's calls written beside it.
fn customer_with_calls(
    rows: &[(&str, &str, i64)],
) -> (
    tempfile::TempDir,
    carrierdesk::service::Service,
    i64,
    PathBuf,
) {
    let (dir, path, service) = common::demo_db(3, 1);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let id: i64 = raw
        .query_row(
            "SELECT min(id) FROM customers WHERE currency = 'EUR'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    raw.execute(
        "UPDATE customers SET rate_micros = 10000, bill_first_s = 30, bill_next_s = 6,
                account_code = 'PREC1' WHERE id = ?1",
        [id],
    )
    .unwrap();
    let text: String = rows
        .iter()
        .map(|(uid, dst, talk)| {
            format!(
                "\"PREC1\",\"4930111222\",\"{dst}\",\"from-customer\",\"\",\"SIP/gw1-1\",\"SIP/carrier-2\",\"Dial\",\"\",\"2026-11-02 10:15:00\",\"2026-11-02 10:15:02\",\"2026-11-02 10:16:00\",60,{talk},\"ANSWERED\",\"DOCUMENTATION\",\"{uid}\",\"\"\n"
            )
        })
        .collect();
    let file = dir.path().join("Master.csv");
    std::fs::write(&file, text).unwrap();
    (dir, service, id, file)
}

#[test]
fn a_day_of_sub_cent_calls_shows_in_cents_and_copies_exactly() {
    let (_dir, mut service, id, file) =
        customer_with_calls(&[("p.1", "441632960001", 20), ("p.2", "441632960002", 37)]);
    service
        .import_cdrs(
            &common::actor("alice"),
            &[file],
            &ImportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
    let name = service.customer(id).unwrap().name;
    let mut h = Harness::new(service, 160, 60);
    h.key(KeyCode::Char('/')).keys(&name);
    h.key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Char('3'));
    // The Daily view; the day of the two calls has no other traffic.
    let (day, _) = h.line_with("2026-11-02").expect("the day of the calls");
    assert!(day.contains(" 0.01 ") && !day.contains("0.012"), "{day}");
    // The cursor down to that day, then right to the Charge column, and the cell copied.
    for _ in 0..60 {
        if h.line_with("2026-11-02").is_some_and(|(_, cursor)| cursor) {
            break;
        }
        h.key(KeyCode::Char('j'));
    }
    for _ in 0..5 {
        h.key(KeyCode::Char('l'));
    }
    h.key(KeyCode::Char('y'));
    assert_eq!(h.copied.last().map(String::as_str), Some("0.012"));
}

#[test]
fn calls_no_card_prices_are_listed_from_the_palette() {
    let (dir, mut service, id, file) =
        customer_with_calls(&[("u.1", "441632960001", 60), ("u.2", "33612345678", 60)]);
    let card = dir.path().join("uk.csv");
    std::fs::write(&card, "prefix,rate\n44,0.0042\n").unwrap();
    let alice = common::actor("alice");
    service
        .import_rate_card(
            &alice,
            &CardImport {
                card: "UK",
                path: &card,
                currency: Some("EUR"),
                effective_from: Some(0),
                dry_run: false,
            },
        )
        .unwrap();
    service.assign_rate_card(&alice, id, "UK", 0).unwrap();
    service
        .import_cdrs(&alice, &[file], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    let mut h = Harness::new(service, 160, 40);
    h.key(KeyCode::Char(':')).keys("unrated");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    // Both calls have no cost card; the French one no selling row either.
    assert!(screen.contains("Unrated CDRs (2)"), "{screen}");
    assert!(
        screen.contains("→ 33612345678  via carrier  0:01:00  charge unrated  cost unknown"),
        "{screen}"
    );
    assert!(screen.contains("charge card  cost unknown"), "{screen}");
}
