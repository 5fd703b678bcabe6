//! Support-call tasks in the keys a practised operator presses, counted as the README
//! counts them: every key but the literal values typed (a channel count, a tag, a path).

mod common;
#[path = "common/tui_harness.rs"]
mod tui_harness;

use carrierdesk::domain::Status;
use crossterm::event::{KeyCode, KeyModifiers};
use tui_harness::Harness;

/// The harness, counting the keys pressed through it (literal values go through `value`).
struct Counted {
    h: Harness,
    keys: usize,
}

impl Counted {
    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.keys += 1;
        self.h.key(code);
        self
    }

    fn ctrl(&mut self, c: char) -> &mut Self {
        self.keys += 1;
        self.h.key_with(KeyCode::Char(c), KeyModifiers::CONTROL);
        self
    }

    /// Keys that are not a literal value: a field's name, an operator, a space.
    fn typed(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    /// A literal value, not counted.
    fn value(&mut self, text: &str) -> &mut Self {
        self.h.keys(text);
        self
    }
}

/// Every Active customer with fewer than 30 channels and the tag wholesale set to
/// Inactive, through the preview: f (status filter: Active), F, `ch<` 30 ` t:` wholesale,
/// Enter, Ctrl-A (mark them), e, i (Status: Inactive), Enter (preview), Enter (apply).
#[test]
fn a_bulk_status_change_of_a_filtered_set_takes_fourteen_keys() {
    let (_dir, _path, service) = common::demo_db(300, 0);
    let now = chrono::Utc::now().timestamp();
    let before = service.board(now).unwrap();
    let wanted = |r: &carrierdesk::domain::BoardRow| {
        r.status == Status::Active
            && r.channels < 30
            && r.tags.iter().any(|t| t.eq_ignore_ascii_case("wholesale"))
    };
    let targets: Vec<i64> = before.iter().filter(|r| wanted(r)).map(|r| r.id).collect();
    assert!(targets.len() >= 2, "the demo has such customers");

    let mut c = Counted {
        h: Harness::new(service, 120, 40),
        keys: 0,
    };
    c.typed("f")
        .typed("F")
        .typed("ch<")
        .value("30")
        .typed(" t:");
    c.value("wholesale").key(KeyCode::Enter);
    let title = c.h.first_line_with("Customers").unwrap().0;
    assert!(
        title.contains(&format!("{} of 300", targets.len())),
        "{title}"
    );
    c.ctrl('a').typed("e").typed("i").key(KeyCode::Enter);
    let screen = c.h.screen();
    assert!(
        screen.contains(&format!(
            "Bulk edit of {} customers: preview",
            targets.len()
        )),
        "{screen}"
    );
    c.key(KeyCode::Enter);
    assert_eq!(c.keys, 14);

    let after = c.h.db.service.board(now).unwrap();
    for r in &after {
        let was = before.iter().find(|b| b.id == r.id).unwrap();
        if targets.contains(&r.id) {
            assert_eq!(r.status, Status::Inactive, "{}", r.name);
        } else {
            assert_eq!(r.status, was.status, "{} is left alone", r.name);
        }
    }
}

/// A CDR file imported from the console: `:`, `imp`, Enter, the folder typed and the
/// file's name completed with Tab, Enter: seven keys.
#[test]
fn an_import_from_the_console_takes_seven_keys() {
    let (dir, _path, service) = common::demo_db(3, 1);
    let folder = dir.path().join("switch");
    std::fs::create_dir(&folder).unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cdrs");
    std::fs::copy(
        data.join("asterisk_16.csv"),
        folder.join("Master-2026-11.csv"),
    )
    .unwrap();
    let mut h = Harness::new(service, 120, 40);
    h.db.session.export_dir = dir.path().join("exports");
    let mut c = Counted { h, keys: 0 };

    c.typed(":imp").key(KeyCode::Enter);
    assert!(c.h.screen().contains("Import CDRs"), "{}", c.h.screen());
    c.value(&format!("{}/", folder.display()));
    c.key(KeyCode::Tab);
    assert!(
        c.h.screen().contains("Master-2026-11.csv"),
        "{}",
        c.h.screen()
    );
    c.key(KeyCode::Enter);
    let screen = c.h.screen();
    assert!(
        screen.contains("Imported 2 new calls from 2 rows"),
        "{screen}"
    );
    assert_eq!(c.keys, 7);
}

#[test]
fn tab_in_the_filter_line_completes_field_names_and_the_tags_customers_have() {
    let (_dir, _path, service) = common::demo_db(40, 0);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char('F')).keys("st");
    h.key(KeyCode::Tab);
    h.keys("ac");
    h.key(KeyCode::Tab);
    h.keys("ta");
    h.key(KeyCode::Tab);
    h.keys("whole");
    h.key(KeyCode::Tab);
    let line = h.first_line_with("filter:").unwrap().0;
    assert!(
        line.contains("status:active tag:wholesale"),
        "field names, a status and a tag completed: {line}"
    );
    // Several fit: the line goes as far as they agree, and they are listed under it.
    h.keys("c");
    h.key(KeyCode::Tab);
    let screen = h.screen();
    assert!(
        screen.contains("currency  channels  cps"),
        "the fields that fit are listed: {screen}"
    );
    h.keys("h<30");
    assert!(
        !h.screen().contains("currency  channels  cps"),
        "the list goes with the next key"
    );
    let line = h.first_line_with("filter:").unwrap().0;
    assert!(line.contains("status:active tag:wholesale ch<30"), "{line}");
    h.key(KeyCode::Enter);
    let title = h.first_line_with("Customers").unwrap().0;
    assert!(!title.contains(" 40 of 40"), "the filter applies: {title}");
}

#[test]
fn ctrl_p_and_ctrl_n_recall_what_was_entered_in_each_line() {
    let (_dir, _path, service) = common::demo_db(20, 0);
    let mut h = Harness::new(service, 120, 40);
    let ctrl = |h: &mut Harness, c: char| {
        h.key_with(KeyCode::Char(c), KeyModifiers::CONTROL);
    };
    h.key(KeyCode::Char('F')).keys("tag:wholesale");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('F'));
    ctrl(&mut h, 'u');
    h.keys("status:active");
    h.key(KeyCode::Enter);
    // A search has its own history.
    h.key(KeyCode::Char('/')).keys("atlas");
    h.key(KeyCode::Enter).key(KeyCode::Esc);

    h.key(KeyCode::Char('F'));
    ctrl(&mut h, 'u');
    h.keys("cps");
    ctrl(&mut h, 'p');
    assert!(
        h.screen().contains("filter: status:active"),
        "{}",
        h.screen()
    );
    ctrl(&mut h, 'p');
    assert!(
        h.screen().contains("filter: tag:wholesale"),
        "{}",
        h.screen()
    );
    ctrl(&mut h, 'n');
    ctrl(&mut h, 'n');
    assert!(h.screen().contains("filter: cps"), "back to what was typed");
    h.key(KeyCode::Esc);

    // The palette recalls the command typed; Esc there does not keep it.
    h.key(KeyCode::Char(':')).keys("bulk up");
    h.key(KeyCode::Enter).key(KeyCode::Esc);
    h.key(KeyCode::Char(':')).keys("never run");
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char(':'));
    ctrl(&mut h, 'p');
    assert!(h.screen().contains(":bulk up"), "{}", h.screen());
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("Bulk upload customers"),
        "{}",
        h.screen()
    );
    // A file prompt recalls the paths entered, with ↑ as well.
    h.keys("/no/such/customers.csv");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char(':'));
    ctrl(&mut h, 'p');
    h.key(KeyCode::Enter);
    h.key(KeyCode::Up);
    assert!(
        h.screen().contains("/no/such/customers.csv"),
        "{}",
        h.screen()
    );
}

#[test]
fn a_filter_saved_by_name_is_used_as_at_name_and_completed_with_tab() {
    let (_dir, _path, service) = common::demo_db(300, 0);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char(':')).keys("save filter");
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("The filter line is empty"),
        "{}",
        h.screen()
    );

    h.key(KeyCode::Char('F')).keys("ch<30 t:wholesale");
    h.key(KeyCode::Enter);
    let wanted = h.first_line_with("Customers").unwrap().0;
    let shown = wanted.split(" of 300").next().unwrap().to_string();
    h.key(KeyCode::Char(':')).keys("save filter");
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("Save the filter line as"),
        "{}",
        h.screen()
    );
    h.keys("small wholesale");
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains("cannot name a filter"),
        "{}",
        h.screen()
    );
    h.key_with(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.keys("small-wholesale");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("@small-wholesale"), "{}", h.screen());

    // Cleared, then typed back by its name.
    h.key(KeyCode::Char('F')).key(KeyCode::Esc);
    assert!(h.screen().contains("300 of 300"));
    h.key(KeyCode::Char('F')).keys("@sm");
    h.key(KeyCode::Tab);
    assert!(
        h.first_line_with("filter:")
            .unwrap()
            .0
            .contains("@small-wholesale"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Enter);
    let title = h.first_line_with("Customers").unwrap().0;
    assert!(title.starts_with(&shown), "{title} / {wanted}");

    // With a status word in front, and a name nothing was saved under.
    h.key(KeyCode::Char('F')).keys(" @nothing");
    let screen = h.screen();
    assert!(
        screen.contains("'@nothing': no filter is saved under that name; saved: @small-wholesale"),
        "{screen}"
    );
}

#[test]
fn set_in_the_palette_sets_a_field_on_the_marked_customers_through_the_preview() {
    let (_dir, _path, service) = common::demo_db(40, 0);
    let mut h = Harness::new(service, 120, 40);
    h.key(KeyCode::Char(':')).keys("set colour red");
    let screen = h.screen();
    assert!(
        screen.contains("'colour' is not a customer field"),
        "{screen}"
    );
    h.key(KeyCode::Enter);
    assert!(
        h.screen().contains(":set colour red"),
        "Enter does nothing then"
    );
    h.key(KeyCode::Esc);

    h.key(KeyCode::Char('F')).keys("s:active ch<40");
    h.key(KeyCode::Enter);
    let title = h.first_line_with("Customers").unwrap().0;
    let marked: usize = title
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(marked >= 2, "{title}");
    h.key_with(KeyCode::Char('a'), KeyModifiers::CONTROL);
    h.key(KeyCode::Char(':')).keys("set status inactive");
    assert!(
        h.screen()
            .contains("Enter: set Status Inactive on the marked customers"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Bulk edit of {marked} customers: preview")),
        "{screen}"
    );
    h.key(KeyCode::Enter);
    // Applied: the filter now shows nobody, and the marks are gone.
    let title = h.first_line_with("Customers").unwrap().0;
    assert!(title.contains(" 0 of 40"), "{title}");
    assert!(!title.contains("marked"), "{title}");
}
