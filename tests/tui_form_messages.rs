//! A field's reason reads whole, whatever the width: never cut off beside the field or in
//! the line under the form.

mod common;
#[path = "common/tui_harness.rs"]
mod tui_harness;

use crossterm::event::KeyCode;
use tui_harness::Harness;

/// The screen's lines trimmed and joined with spaces, so a wrapped message reads as one.
fn joined(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '│'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_long_reason_reads_whole_at_80_and_at_200_columns() {
    for (width, height) in [(80, 24), (200, 40)] {
        let (_dir, _path, service) = common::demo_db(3, 0);
        let mut h = Harness::new(service, width, height);
        h.key(KeyCode::Char('e'));
        // Name, Status, then Debit Limit.
        h.key(KeyCode::Tab).key(KeyCode::Tab);
        h.key_with(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
        h.keys("1,000");
        let screen = h.screen();
        let text = joined(&screen);
        assert!(
            text.contains(
                "'1,000' has a comma: write numbers without thousands separators and with a point for decimals, like 1234.50"
            ),
            "at {width} columns: {screen}"
        );
    }
}

#[test]
fn a_reason_names_what_is_wrong_with_a_tax_typed_with_its_currency() {
    let (_dir, _path, service) = common::demo_db(3, 0);
    let mut h = Harness::new(service, 120, 30);
    h.key(KeyCode::Char('e'));
    for _ in 0..4 {
        h.key(KeyCode::Tab);
    }
    h.key_with(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
    h.keys("5EUR");
    let text = joined(&h.screen());
    assert!(!text.contains("scientific"), "{text}");
}

#[test]
fn the_bulk_form_checks_its_fields_as_they_are_typed() {
    let (_dir, _path, service) = common::demo_db(6, 0);
    let mut h = Harness::new(service, 100, 30);
    h.key_with(KeyCode::Char('a'), crossterm::event::KeyModifiers::CONTROL);
    h.key(KeyCode::Char('e'));
    // Status, then Channels.
    h.key(KeyCode::Tab);
    h.keys("lots");
    let screen = h.screen();
    let channels = screen
        .lines()
        .find(|l| l.contains("Channels") && l.contains("lots"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(channels.contains("✗"), "marked beside the field: {screen}");
    assert!(
        joined(&screen).contains("'lots'"),
        "the reason names the value: {screen}"
    );

    // A tax in the wrong shape is caught as well, and Enter refuses with both.
    h.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab);
    h.keys("5EUR");
    h.key(KeyCode::Enter);
    let text = joined(&h.screen());
    assert!(text.contains("Fix the fields marked"), "{text}");
    assert!(
        text.contains("Channels:") && text.contains("Tax %:"),
        "{text}"
    );
    assert!(!text.contains("Preview"), "no preview opened: {text}");

    // Fixed, the marks go and Enter previews.
    h.key_with(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
    for _ in 0..4 {
        h.key(KeyCode::BackTab);
    }
    h.key_with(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
    h.keys("40");
    let screen = h.screen();
    assert!(!screen.contains("✗"), "{screen}");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(!screen.contains("Fix the fields"), "{screen}");
    assert!(
        screen.contains("Bulk edit of 6 customers: preview"),
        "{screen}"
    );
    assert!(
        screen.contains("Channels") && screen.contains("→ 40"),
        "{screen}"
    );
}
