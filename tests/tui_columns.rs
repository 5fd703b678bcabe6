//! Columns at any width: the board says how many are hidden and scrolls sideways, its name
//! column stops growing, and the Summary grid spells its headers out where they fit.

mod common;
#[path = "common/tui_harness.rs"]
mod tui_harness;

use crossterm::event::KeyCode;
use tui_harness::Harness;

/// The board's title line.
fn title(h: &mut Harness) -> String {
    h.first_line_with("Customers")
        .expect("the board has a title")
        .0
}

/// The board's header line (the one naming the Name column).
fn header(h: &mut Harness) -> String {
    let screen = h.screen();
    screen
        .lines()
        .find(|l| l.contains("Name") && !l.contains("Customers"))
        .unwrap_or_else(|| panic!("the board has a header: {screen}"))
        .to_string()
}

#[test]
fn at_80_columns_the_board_says_how_many_columns_are_hidden_and_scrolls_to_them() {
    let (_dir, _path, service) = common::demo_db(5, 0);
    let mut h = Harness::new(service, 80, 24);
    let first = header(&mut h);
    let top = title(&mut h);
    let hidden: usize = top
        .trim_end()
        .strip_suffix(" ›")
        .and_then(|rest| rest.rsplit("columns +").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a sign such as 'columns +3 ›' ends the title: {top}"));
    assert!(hidden >= 2, "{top}");
    assert!(!first.contains(" ID"), "{first}");

    // Each > shows one more column at the right end, until none is hidden.
    for _ in 0..hidden {
        h.key(KeyCode::Char('>'));
    }
    let last = header(&mut h);
    assert!(last.contains(" ID"), "{last}");
    let top = title(&mut h);
    assert!(!top.contains('›'), "nothing is hidden on the right: {top}");
    let left: usize = top
        .trim_end()
        .strip_suffix(" columns")
        .and_then(|rest| rest.rsplit("‹ +").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the ones scrolled past are counted: {top}"));
    // Columns differ in width, so as many need not go out on the left as came in.
    assert!((1..=hidden).contains(&left), "{top}");
    assert!(!last.contains("Status"), "{last}");
    h.key(KeyCode::Char('>'));
    assert_eq!(header(&mut h), last, "> at the end stays put");

    // s sorts by the columns in view, so ID can be reached now.
    let mut sorted_by_id = false;
    for _ in 0..12 {
        h.key(KeyCode::Char('s'));
        if h.screen().contains("sort: ID") {
            sorted_by_id = true;
            break;
        }
    }
    assert!(sorted_by_id, "{}", h.screen());

    // < (or ←) goes back to the first columns.
    for _ in 0..hidden {
        h.key(KeyCode::Left);
    }
    assert_eq!(header(&mut h), first);
}

#[test]
fn at_200_columns_the_name_column_is_capped_and_every_column_shows() {
    let (_dir, _path, service) = common::demo_db(5, 0);
    let mut h = Harness::new(service, 200, 30);
    let line = header(&mut h);
    let name = line.find("Name").unwrap();
    let status = line.find("Status").unwrap();
    assert!(status - name <= 41, "Name is at most 40 wide: {line}");
    assert!(line.contains(" ID"), "{line}");
    let top = title(&mut h);
    assert!(
        !top.contains("columns"),
        "no sign when nothing is hidden: {top}"
    );
}

#[test]
fn the_summary_spells_out_billed_duration_where_it_fits() {
    let now = chrono::Utc::now().timestamp();
    let (_dir, path, service) = common::demo_db_at(6, 3, now);
    let name = service.board(now).unwrap()[0].name.clone();
    for (width, full) in [(200, true), (90, false)] {
        let service = carrierdesk::service::Service::open(&path).unwrap();
        let mut h = Harness::new(service, width, 30);
        h.key(KeyCode::Char('/')).keys(&name);
        h.key(KeyCode::Enter)
            .key(KeyCode::Enter)
            .key(KeyCode::Char('3'));
        let screen = h.screen();
        assert!(screen.contains("Attempts"), "{screen}");
        assert_eq!(
            screen.contains("Billed Duration") && screen.contains("Customer Charge"),
            full,
            "at {width} columns: {screen}"
        );
    }
}
