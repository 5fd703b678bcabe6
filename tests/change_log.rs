//! What one operator's commit tells another operator's console, on each engine: which
//! customers changed, one change per topic, nothing for what did not commit. On SQLite a
//! console reads the change log when PRAGMA data_version moves; on PostgreSQL it LISTENs
//! (store/listen.rs). The log's rows themselves are written on both, and pruned on both;
//! reading it by its sequence (a reader the log was pruned past) is SQLite's alone.

mod common;

use carrierdesk::domain::change::MAX_IDS;
use carrierdesk::domain::{BulkEdit, Change, Changes, CustomerDraft, Topic};
use carrierdesk::service::{ImportOptions, Service, ServiceError};
use carrierdesk::store::Location;
use carrierdesk::store::listen::{Heard, Listener};
use carrierdesk::store::sql::Value;
use chrono::{Duration, Utc};
use common::{Db, Raw, actor, demo_db, each_engine};
use std::path::Path;
use std::time::{Duration as Wait, Instant};

/// The change-log rows after `seq`, as (at, payload), read beside the services.
fn rows_after(raw: &Raw, seq: i64) -> Vec<(String, String)> {
    raw.query(&format!(
        "SELECT at, payload FROM change_log WHERE seq > {seq} ORDER BY seq"
    ))
    .into_iter()
    .map(|row| match <[Value; 2]>::try_from(row) {
        Ok([Value::Text(at), Value::Text(payload)]) => (at, payload),
        other => panic!("a change-log row {other:?}"),
    })
    .collect()
}

fn payloads_after(raw: &Raw, seq: i64) -> Vec<String> {
    rows_after(raw, seq).into_iter().map(|r| r.1).collect()
}

/// The NOTIFY channel of store/change_log.rs (private there: a rename fails these tests).
const CHANNEL: &str = "carrierdesk_changes";
/// The longest wait for a commit to be heard.
const PATIENCE: Wait = Wait::from_secs(10);

/// Operator B's console, learning of other connections' commits the way the console does
/// on its engine (tui/worker.rs): from the change log on SQLite, whose one writer at a time
/// commits the log's seqs in order; by LISTEN on PostgreSQL, where they promise no order.
enum Watch {
    Log {
        b: Service,
        seen: i64,
    },
    Listen {
        listener: Box<Listener>,
        /// A connection of its own, to send markers on.
        sender: postgres::Client,
    },
}

impl Watch {
    /// Watching from now on.
    fn new(db: &Db) -> Watch {
        match &db.location {
            Location::File(_) => {
                let b = db.open();
                let seen = b.change_seq().unwrap();
                assert_eq!(b.changes_since(seen).unwrap(), (seen, Changes::new()));
                Watch::Log { b, seen }
            }
            Location::Server(url) => {
                let mut listener = Listener::new(url);
                // The first wait connects and LISTENs, and has heard nothing yet.
                assert_eq!(listener.wait(Wait::from_secs(5)), Some(Heard::Listening));
                Watch::Listen {
                    listener: Box::new(listener),
                    sender: postgres::Client::connect(url, postgres::NoTls).unwrap(),
                }
            }
        }
    }

    /// What B learns of the commits since it last looked (on SQLite, asking again from
    /// where that left it finds nothing more).
    fn learn(&mut self) -> Changes {
        match self {
            Watch::Log { b, seen } => {
                let (next, changes) = b.changes_since(*seen).unwrap();
                assert_eq!(b.changes_since(next).unwrap(), (next, Changes::new()));
                *seen = next;
                changes
            }
            Watch::Listen { listener, sender } => {
                // Notifications arrive in commit order: once a marker sent now is heard,
                // every commit before it has been heard too.
                let marker = Change::ids(Topic::Settings, [-1]);
                let text = Changes::from_iter([marker.clone()]).to_notification();
                sender
                    .execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &text])
                    .unwrap();
                let deadline = Instant::now() + PATIENCE;
                let mut heard = Changes::new();
                while !heard.concerns(Topic::Settings, -1) {
                    let left = deadline.saturating_duration_since(Instant::now());
                    match listener.wait(left) {
                        Some(Heard::Changes(changes)) => heard.union(changes),
                        None if left.is_zero() => {
                            panic!("PostgreSQL: the marker was not heard within {PATIENCE:?}")
                        }
                        None => {}
                        Some(other) => panic!("PostgreSQL: the listener heard {other:?}"),
                    }
                }
                if heard.is_everything() {
                    return heard;
                }
                heard
                    .to_changes()
                    .into_iter()
                    .filter(|c| *c != marker)
                    .collect()
            }
        }
    }
}

fn add_channel(service: &mut Service, id: i64) {
    let mut c = service.customer(id).unwrap();
    c.channels += 1;
    service.update_customer(&actor("alice"), &c).unwrap();
}

#[test]
fn an_edit_by_one_operator_tells_the_other_which_customer_changed() {
    for db in each_engine(10, 1) {
        let mut watch = Watch::new(&db);
        let mut a = db.service;
        let seen = a.change_seq().unwrap();
        assert_eq!(watch.learn(), Changes::new());

        add_channel(&mut a, 7);
        let changes = watch.learn();
        assert!(changes.concerns(Topic::Customers, 7));
        assert!(!changes.concerns(Topic::Customers, 8));
        assert!(!changes.touches(Topic::Summaries) && !changes.is_everything());
        assert_eq!(
            payloads_after(&db.raw, seen),
            [r#"{"topic":"customers","ids":[7]}"#]
        );
        assert_eq!(a.change_seq().unwrap(), seen + 1);
    }
}

#[test]
fn a_bulk_edit_of_many_customers_is_one_row_saying_many() {
    let n = MAX_IDS as i64 + 20;
    for db in each_engine(n as usize, 0) {
        let mut watch = Watch::new(&db);
        let mut a = db.service;
        let seen = a.change_seq().unwrap();
        let mut edit = BulkEdit::default();
        edit.parse_assignment("cps=7").unwrap();
        let ids: Vec<i64> = (1..=n).collect();
        let report = a.bulk_apply(&actor("carol"), &ids, &edit).unwrap();
        assert!(report.changed > MAX_IDS, "{report:?}");

        assert_eq!(
            payloads_after(&db.raw, seen),
            [r#"{"topic":"customers","many":true}"#]
        );
        let changes = watch.learn();
        assert!(changes.concerns(Topic::Customers, 1) && changes.concerns(Topic::Customers, n));
        assert!(!changes.touches(Topic::Summaries));

        // A few customers are named; those the edit left as they were are not.
        let seen = a.change_seq().unwrap();
        edit.parse_assignment("channels=3").unwrap();
        let report = a.bulk_apply(&actor("carol"), &[1, 2], &edit).unwrap();
        assert_eq!(report.changed, 2);
        a.bulk_apply(&actor("carol"), &[1, 2], &edit).unwrap();
        assert_eq!(
            payloads_after(&db.raw, seen),
            [r#"{"topic":"customers","ids":[1,2]}"#]
        );
        let changes = watch.learn();
        assert_eq!(changes.customers_in(&[Topic::Customers]), Some(vec![1, 2]));
    }
}

#[test]
fn a_cdr_import_names_the_customers_whose_calls_and_summaries_changed() {
    for db in each_engine(5, 1) {
        let dir = tempfile::tempdir().unwrap();
        let mut watch = Watch::new(&db);
        let mut a = db.service;
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

        let report = import(&mut a, &calls);
        assert_eq!((report.inserted, report.unmatched), (2, 0));
        let changes = watch.learn();
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
        assert_eq!(watch.learn(), Changes::new());

        // A call of no customer: the calls of any customer may be meant.
        let stray = dir.path().join("stray.csv");
        std::fs::write(&stray, row("NOBODY", "9.3")).unwrap();
        assert_eq!(import(&mut a, &stray).unmatched, 1);
        let changes = watch.learn();
        assert!(changes.concerns(Topic::Calls, 3));
        assert!(!changes.touches(Topic::Summaries));
    }
}

#[test]
fn what_is_refused_or_rolled_back_leaves_no_change() {
    for db in each_engine(3, 0) {
        let mut watch = Watch::new(&db);
        let mut b = db.open();
        let mut a = db.service;
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
        watch.learn();
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
        db.raw.fail_audit_inserts("no");
        let mut c = a.customer(2).unwrap();
        c.channels += 1;
        assert!(a.update_customer(&actor("alice"), &c).is_err());

        assert_eq!(b.change_seq().unwrap(), seen_after_a);
        let changes = watch.learn();
        assert!(changes.concerns(Topic::Customers, 1));
        assert!(!changes.concerns(Topic::Customers, euro.id));
        assert!(!changes.concerns(Topic::Customers, 2));
    }
}

#[test]
fn scheduled_changes_and_deletes_say_what_they_touch_on_the_wall_clock() {
    for db in each_engine(3, 0) {
        let mut watch = Watch::new(&db);
        let mut a = db.service;
        let due = Utc::now() + Duration::hours(1);
        let id = a
            .schedule_change(&actor("bob"), 2, serde_json::json!({"channels": 5}), due)
            .unwrap();
        let changes = watch.learn();
        assert!(changes.concerns(Topic::Scheduled, 2) && !changes.touches(Topic::Customers));

        // Applied as if a day later: the log keeps the real time, or the next write would
        // prune rows that readers have not seen yet.
        let seen = a.change_seq().unwrap();
        let report = a.apply_due(due + Duration::days(1)).unwrap();
        assert_eq!(report.applied[0].id, id);
        let changes = watch.learn();
        assert!(changes.concerns(Topic::Scheduled, 2) && changes.concerns(Topic::Customers, 2));
        assert!(!changes.concerns(Topic::Customers, 1));
        let later = carrierdesk::store::time_text(Utc::now() + Duration::minutes(1));
        let rows = rows_after(&db.raw, seen);
        assert!(!rows.is_empty() && rows.iter().all(|(at, _)| *at < later));

        assert_eq!(a.delete_customers(&actor("bob"), &[3]).unwrap(), 1);
        let changes = watch.learn();
        for topic in [Topic::Customers, Topic::Contacts, Topic::Summaries] {
            assert!(
                changes.concerns(topic, 3) && !changes.concerns(topic, 2),
                "{topic:?}"
            );
        }
    }
}

#[test]
fn rows_older_than_the_log_keeps_go_with_the_next_write() {
    for db in each_engine(3, 0) {
        let mut a = db.service;
        add_channel(&mut a, 1);
        add_channel(&mut a, 2);
        assert!(rows_after(&db.raw, 0).len() >= 2);
        // Time passes: the rows so far are older than the log keeps.
        db.raw
            .execute("UPDATE change_log SET at = '2000-01-01T00:00:00Z'");
        add_channel(&mut a, 3);
        assert_eq!(
            payloads_after(&db.raw, 0),
            [r#"{"topic":"customers","ids":[3]}"#],
            "pruned in the same write"
        );
    }
}

// SQLite only: a reader that tells pruned rows by a gap in the seqs relies on SQLite's one
// writer at a time; on PostgreSQL consoles LISTEN instead (pg/v4_change_log.sql).
#[test]
fn a_reader_the_log_was_pruned_past_reloads_everything() {
    let (_dir, path, mut a) = demo_db(3, 0);
    let sql = |sql: &str| {
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(sql)
            .unwrap()
    };
    let b = Service::open(&path).unwrap();
    let learn = |seq: i64| {
        let (next, changes) = b.changes_since(seq).unwrap();
        assert_eq!(b.changes_since(next).unwrap(), (next, Changes::new()));
        (next, changes)
    };
    let behind = b.change_seq().unwrap();
    add_channel(&mut a, 1);
    let up_to_date = b.change_seq().unwrap();
    assert_eq!(up_to_date, behind + 1);
    // Time passes: the rows so far are older than the log keeps.
    sql("UPDATE change_log SET at = '2000-01-01T00:00:00Z'");
    add_channel(&mut a, 2);

    // The change to customer 1 is gone: B cannot know what it missed.
    let (next, changes) = learn(behind);
    assert!(changes.is_everything() && changes.concerns(Topic::Settings, 99));
    assert_eq!(next, up_to_date + 1);
    // A reader that had seen it misses nothing.
    let (_, changes) = learn(up_to_date);
    assert!(!changes.is_everything());
    assert!(changes.concerns(Topic::Customers, 2) && !changes.concerns(Topic::Customers, 1));

    // A seq this log never reached (a restored file), or a topic a newer version wrote.
    assert!(b.changes_since(next + 5).unwrap().1.is_everything());
    sql(
        "INSERT INTO change_log (at, payload) VALUES ('2099-01-01T00:00:00Z', '{\"topic\":\"invoices\",\"ids\":[1]}')",
    );
    assert!(b.changes_since(next).unwrap().1.is_everything());
}
