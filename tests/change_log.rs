//! The change log on a real database file, seen from a second connection: what another
//! operator's commit changed, one row per topic, nothing for what did not commit, and a
//! full reload when the log was pruned past a reader.

mod common;

use carrierdesk::domain::change::MAX_IDS;
use carrierdesk::domain::{BulkEdit, Changes, CustomerDraft, Topic};
use carrierdesk::service::{ImportOptions, Service, ServiceError};
use chrono::{Duration, Utc};
use common::{actor, demo_db};
use std::path::Path;

/// The change-log rows after `seq`, as (at, payload), read beside both services.
fn rows_after(path: &Path, seq: i64) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT at, payload FROM change_log WHERE seq > ?1 ORDER BY seq")
        .unwrap();
    stmt.query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn sql(path: &Path, sql: &str) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(sql)
        .unwrap();
}

/// What B learns since `seq`; asking again from the seq it got finds nothing more.
fn learn(b: &Service, seq: i64) -> (i64, Changes) {
    let (next, changes) = b.changes_since(seq).unwrap();
    assert_eq!(b.changes_since(next).unwrap(), (next, Changes::new()));
    (next, changes)
}

fn add_channel(service: &mut Service, id: i64) {
    let mut c = service.customer(id).unwrap();
    c.channels += 1;
    service.update_customer(&actor("alice"), &c).unwrap();
}

#[test]
fn an_edit_by_one_operator_tells_the_other_which_customer_changed() {
    let (_dir, path, mut a) = demo_db(10, 1);
    let b = Service::open(&path).unwrap();
    let seen = b.change_seq().unwrap();
    assert_eq!(b.changes_since(seen).unwrap(), (seen, Changes::new()));

    add_channel(&mut a, 7);
    let (next, changes) = learn(&b, seen);
    assert_eq!(next, seen + 1);
    assert!(changes.concerns(Topic::Customers, 7));
    assert!(!changes.concerns(Topic::Customers, 8));
    assert!(!changes.touches(Topic::Summaries) && !changes.is_everything());
    assert_eq!(
        rows_after(&path, seen)[0].1,
        r#"{"topic":"customers","ids":[7]}"#
    );
}

#[test]
fn a_bulk_edit_of_many_customers_is_one_row_saying_many() {
    let n = MAX_IDS as i64 + 20;
    let (_dir, path, mut a) = demo_db(n as usize, 0);
    let b = Service::open(&path).unwrap();
    let seen = b.change_seq().unwrap();
    let mut edit = BulkEdit::default();
    edit.parse_assignment("cps=7").unwrap();
    let ids: Vec<i64> = (1..=n).collect();
    let report = a.bulk_apply(&actor("carol"), &ids, &edit).unwrap();
    assert!(report.changed > MAX_IDS, "{report:?}");

    let rows: Vec<String> = rows_after(&path, seen).into_iter().map(|r| r.1).collect();
    assert_eq!(rows, [r#"{"topic":"customers","many":true}"#]);
    let (_, changes) = learn(&b, seen);
    assert!(changes.concerns(Topic::Customers, 1) && changes.concerns(Topic::Customers, n));
    assert!(!changes.touches(Topic::Summaries));

    // A few customers are named; those the edit left as they were are not.
    let seen = b.change_seq().unwrap();
    edit.parse_assignment("channels=3").unwrap();
    let report = a.bulk_apply(&actor("carol"), &[1, 2], &edit).unwrap();
    assert_eq!(report.changed, 2);
    a.bulk_apply(&actor("carol"), &[1, 2], &edit).unwrap();
    let rows: Vec<String> = rows_after(&path, seen).into_iter().map(|r| r.1).collect();
    assert_eq!(rows, [r#"{"topic":"customers","ids":[1,2]}"#]);
}

#[test]
fn a_cdr_import_names_the_customers_whose_calls_and_summaries_changed() {
    let (dir, path, mut a) = demo_db(5, 1);
    let b = Service::open(&path).unwrap();
    // Two calls of customers 1 and 2 (demo account codes), in Asterisk's Master.csv.
    let calls = dir.path().join("Master.csv");
    let row = |code: &str, uid: &str| {
        format!(
            "\"{code}\",\"100\",\"200\",\"ctx\",\"\",\"SIP/a-1\",\"SIP/b-1\",\"Dial\",\"\",\
             \"2026-11-19 10:00:00\",\"2026-11-19 10:00:05\",\"2026-11-19 10:01:05\",65,60,\
             \"ANSWERED\",\"DOCUMENTATION\",\"{uid}\",\"\"\n"
        )
    };
    std::fs::write(&calls, row("AC000001", "9.1") + &row("AC000002", "9.2")).unwrap();
    let import = |a: &mut Service, file: &Path| {
        a.import_cdrs(
            &actor("dave"),
            &[file.to_path_buf()],
            &ImportOptions::default(),
            &mut |_| {},
        )
        .unwrap()
    };

    let seen = b.change_seq().unwrap();
    let report = import(&mut a, &calls);
    assert_eq!((report.inserted, report.unmatched), (2, 0));
    let (seen, changes) = learn(&b, seen);
    for topic in [Topic::Summaries, Topic::Calls, Topic::Customers] {
        assert!(
            changes.concerns(topic, 1) && changes.concerns(topic, 2),
            "{topic:?}"
        );
        assert!(!changes.concerns(topic, 3), "{topic:?}");
    }
    assert!(!changes.touches(Topic::Scheduled));

    // The same file again stores nothing, and says so.
    assert_eq!(import(&mut a, &calls).duplicates, 2);
    assert_eq!(learn(&b, seen), (seen, Changes::new()));

    // A call of no customer: the calls of any customer may be meant.
    let stray = dir.path().join("stray.csv");
    std::fs::write(&stray, row("NOBODY", "9.3")).unwrap();
    assert_eq!(import(&mut a, &stray).unmatched, 1);
    let (_, changes) = learn(&b, seen);
    assert!(changes.concerns(Topic::Calls, 3));
    assert!(!changes.touches(Topic::Summaries));
}

#[test]
fn what_is_refused_or_rolled_back_leaves_no_change() {
    let (_dir, path, mut a) = demo_db(3, 0);
    let mut b = Service::open(&path).unwrap();
    let mut create = |currency: &str, name: &str| {
        let draft = CustomerDraft {
            name: name.into(),
            currency: currency.into(),
            ..CustomerDraft::blank()
        };
        a.create_customer(&actor("alice"), &draft.validate(None).unwrap())
            .unwrap()
    };
    let (euro, yen) = (create("EUR", "Euro Ltd"), create("JPY", "Yen KK"));
    let seen = b.change_seq().unwrap();

    // The euro customer is written before the yen one breaks the rule; all is undone.
    let mut edit = BulkEdit::default();
    edit.parse_assignment("debit_limit=100.5").unwrap();
    let refused = a.bulk_apply(&actor("carol"), &[euro.id, yen.id], &edit);
    assert!(matches!(refused, Err(ServiceError::InvalidCustomers(_))));
    // B edits a customer A has changed since B read it.
    let mut stale = b.customer(1).unwrap();
    add_channel(&mut a, 1);
    let seen_after_a = b.change_seq().unwrap();
    assert_eq!(seen_after_a, seen + 1);
    stale.cps += 1;
    assert!(matches!(
        b.update_customer(&actor("bob"), &stale),
        Err(ServiceError::Conflict(_))
    ));
    // A failure after the customer row was written, as a full disk would be.
    sql(
        &path,
        "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'no'); END;",
    );
    let mut c = a.customer(2).unwrap();
    c.channels += 1;
    assert!(a.update_customer(&actor("alice"), &c).is_err());

    assert_eq!(b.change_seq().unwrap(), seen_after_a);
    let (_, changes) = learn(&b, seen);
    assert!(changes.concerns(Topic::Customers, 1));
    assert!(!changes.concerns(Topic::Customers, euro.id));
    assert!(!changes.concerns(Topic::Customers, 2));
}

#[test]
fn scheduled_changes_and_deletes_say_what_they_touch_on_the_wall_clock() {
    let (_dir, path, mut a) = demo_db(3, 0);
    let b = Service::open(&path).unwrap();
    let seen = b.change_seq().unwrap();
    let due = Utc::now() + Duration::hours(1);
    let id = a
        .schedule_change(&actor("bob"), 2, serde_json::json!({"channels": 5}), due)
        .unwrap();
    let (seen, changes) = learn(&b, seen);
    assert!(changes.concerns(Topic::Scheduled, 2) && !changes.touches(Topic::Customers));

    // Applied as if a day later: the log keeps the real time, or the next write would
    // prune rows that readers have not seen yet.
    let report = a.apply_due(due + Duration::days(1)).unwrap();
    assert_eq!(report.applied[0].id, id);
    let (seen_applied, changes) = learn(&b, seen);
    assert!(changes.concerns(Topic::Scheduled, 2) && changes.concerns(Topic::Customers, 2));
    assert!(!changes.concerns(Topic::Customers, 1));
    let later = carrierdesk::store::time_text(Utc::now() + Duration::minutes(1));
    assert!(rows_after(&path, seen).iter().all(|(at, _)| *at < later));

    assert_eq!(a.delete_customers(&actor("bob"), &[3]).unwrap(), 1);
    let (_, changes) = learn(&b, seen_applied);
    for topic in [Topic::Customers, Topic::Contacts, Topic::Summaries] {
        assert!(
            changes.concerns(topic, 3) && !changes.concerns(topic, 2),
            "{topic:?}"
        );
    }
}

#[test]
fn a_reader_the_log_was_pruned_past_reloads_everything() {
    let (_dir, path, mut a) = demo_db(3, 0);
    let b = Service::open(&path).unwrap();
    let behind = b.change_seq().unwrap();
    add_channel(&mut a, 1);
    let up_to_date = b.change_seq().unwrap();
    assert_eq!(up_to_date, behind + 1);
    // Time passes: the rows so far are older than the log keeps.
    sql(&path, "UPDATE change_log SET at = '2000-01-01T00:00:00Z'");
    add_channel(&mut a, 2);
    assert_eq!(rows_after(&path, 0).len(), 1, "pruned in the same write");

    // The change to customer 1 is gone: B cannot know what it missed.
    let (next, changes) = learn(&b, behind);
    assert!(changes.is_everything() && changes.concerns(Topic::Settings, 99));
    assert_eq!(next, up_to_date + 1);
    // A reader that had seen it misses nothing.
    let (_, changes) = learn(&b, up_to_date);
    assert!(!changes.is_everything());
    assert!(changes.concerns(Topic::Customers, 2) && !changes.concerns(Topic::Customers, 1));

    // A seq this log never reached (a restored file), or a topic a newer version wrote.
    assert!(b.changes_since(next + 5).unwrap().1.is_everything());
    sql(
        &path,
        "INSERT INTO change_log (at, payload) VALUES ('2099-01-01T00:00:00Z', '{\"topic\":\"invoices\",\"ids\":[1]}')",
    );
    assert!(b.changes_since(next).unwrap().1.is_everything());
}
