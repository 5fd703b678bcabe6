//! Service operations on a real database, each test on both engines (SQLite, and
//! PostgreSQL where a server runs): audit rows, atomicity, conflicts.

mod common;

use carrierdesk::domain::Status;
use carrierdesk::service::{Service, ServiceError};
use common::{actor, demo_db, each_engine};

#[test]
fn an_update_writes_its_audit_row_with_old_and_new_values() {
    for db in each_engine(5, 1) {
        update_writes_its_audit_row(db.service);
    }
}

fn update_writes_its_audit_row(mut service: Service) {
    let before = service.customer(2).unwrap();
    let audit_before = service.store().audit_count().unwrap();
    let mut edited = before.clone();
    edited.status = Status::Penalty;
    edited.channels = before.channels + 7;
    let saved = service.update_customer(&actor("bob"), &edited).unwrap();
    assert_eq!(saved.status, Status::Penalty);
    assert_eq!(saved.version, before.version + 1);

    assert_eq!(service.store().audit_count().unwrap(), audit_before + 1);
    let entry = &service.audit(2).unwrap()[0];
    assert_eq!(
        (
            entry.operator.as_str(),
            entry.ip.as_str(),
            entry.action.as_str()
        ),
        ("bob", "192.0.2.10", "PUT")
    );
    assert_eq!(entry.table, "customers");
    assert_eq!(entry.row_id, 2);
    assert!(!entry.host.is_empty(), "the host the change was made on");
    let data: serde_json::Value = serde_json::from_str(&entry.data).unwrap();
    assert_eq!(data["channels"]["old"], before.channels);
    assert_eq!(data["channels"]["new"], before.channels + 7);
    assert_eq!(data["status"]["new"], "penalty");
    assert!(
        data.get("name").is_none(),
        "unchanged fields stay out: {data}"
    );
}

#[test]
fn a_failing_write_leaves_neither_the_change_nor_its_audit_row() {
    let (_dir, path, mut service) = demo_db(3, 1);
    // Make the audit insert fail, as a full disk or a broken trigger would.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;",
        )
        .unwrap();
    let before = service.customer(1).unwrap();
    let audit_before = service.store().audit_count().unwrap();
    let mut edited = before.clone();
    edited.channels += 1;
    let err = service.update_customer(&actor("bob"), &edited).unwrap_err();
    assert!(err.to_string().contains("audit unavailable"), "{err}");
    assert_eq!(service.customer(1).unwrap(), before);
    assert_eq!(service.store().audit_count().unwrap(), audit_before);
}

#[test]
fn the_second_of_two_operators_gets_a_conflict_and_nothing_is_lost() {
    for db in each_engine(3, 1) {
        let mut bob = db.open();
        second_operator_gets_a_conflict(db.service, &mut bob);
    }
}

fn second_operator_gets_a_conflict(mut alice: Service, bob: &mut Service) {
    let seen_by_both = alice.customer(1).unwrap();

    let mut a = seen_by_both.clone();
    a.channels = 77;
    alice.update_customer(&actor("alice"), &a).unwrap();

    let mut b = seen_by_both.clone();
    b.status = Status::Inactive;
    match bob.update_customer(&actor("bob"), &b) {
        Err(ServiceError::Conflict(current)) => assert_eq!(current.channels, 77),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let now = bob.customer(1).unwrap();
    assert_eq!(now.channels, 77);
    assert_eq!(now.status, seen_by_both.status);
}

#[test]
fn writers_on_two_connections_both_land() {
    for db in each_engine(4, 1) {
        writers_all_land(&db);
    }
}

fn writers_all_land(db: &common::Db) {
    let handles: Vec<_> = [1i64, 2, 3, 4]
        .into_iter()
        .map(|id| {
            let location = db.location.clone();
            std::thread::spawn(move || {
                let mut s = Service::open_at(&location).unwrap();
                for n in 0..10u32 {
                    let mut c = s.customer(id).unwrap();
                    c.channels = 1000 + n;
                    s.update_customer(&actor("racer"), &c).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let s = db.open();
    for id in 1..=4 {
        assert_eq!(s.customer(id).unwrap().channels, 1009, "{}", db.engine);
    }
}

#[test]
fn other_operators_commits_change_the_data_version() {
    let (_dir, path, service) = demo_db(2, 1);
    let v1 = service.data_version().unwrap();
    let mut other = Service::open(&path).unwrap();
    let mut c = other.customer(1).unwrap();
    c.cps += 1;
    other.update_customer(&actor("eve"), &c).unwrap();
    assert_ne!(service.data_version().unwrap(), v1);
}

#[test]
fn the_demo_is_deterministic_and_believable() {
    let (_d1, _p1, one) = demo_db(40, 3);
    let (_d2, _p2, two) = demo_db(40, 3);
    let rows = one.board(common::NOW).unwrap();
    assert_eq!(rows, two.board(common::NOW).unwrap());
    assert_eq!(rows.len(), 40);
    for status in Status::ALL {
        assert!(
            rows.iter().any(|r| r.status == status),
            "no {status} customer"
        );
    }
    let currencies: std::collections::HashSet<_> = rows.iter().map(|r| r.currency.code()).collect();
    assert!(currencies.len() >= 3, "{currencies:?}");
    let card = one.card(rows[0].id, common::NOW).unwrap();
    assert_eq!(card.contacts.iter().filter(|c| c.is_primary).count(), 1);
    let active_with_traffic = rows.iter().filter(|r| r.attempts_24h > 0).count();
    assert!(active_with_traffic > 10);
    for r in rows.iter().filter(|r| r.attempts_24h > 0) {
        let asr = r.asr_24h().unwrap();
        assert!((20.0..=80.0).contains(&asr), "{} has ASR {asr}", r.name);
    }
}

#[test]
fn the_same_demo_reads_the_same_on_both_engines() {
    use carrierdesk::domain::summary::Period;
    let dbs = each_engine(25, 3);
    let [sqlite, pg] = dbs.as_slice() else {
        return; // no PostgreSQL here: each_engine has said so
    };
    let (a, b) = (&sqlite.service, &pg.service);
    let board = a.board(common::NOW).unwrap();
    assert_eq!(board, b.board(common::NOW).unwrap());
    for row in &board {
        let (ca, cb) = (
            a.card(row.id, common::NOW).unwrap(),
            b.card(row.id, common::NOW).unwrap(),
        );
        assert_eq!(ca.customer, cb.customer);
        assert_eq!(ca.contacts, cb.contacts);
        assert_eq!(ca.daily, cb.daily);
        // The same rows, but for the database role PostgreSQL records (SQLite has none).
        let roles = |s: &Service| {
            let mut entries = s.audit(row.id).unwrap();
            entries.iter_mut().for_each(|e| e.db_role.clear());
            entries
        };
        assert_eq!(roles(a), roles(b));
        assert!(
            b.audit(row.id)
                .unwrap()
                .iter()
                .all(|e| !e.db_role.is_empty())
        );
        for period in Period::ALL {
            assert_eq!(
                a.summary(row.id, period, common::NOW).unwrap(),
                b.summary(row.id, period, common::NOW).unwrap(),
                "{} {period:?}",
                row.name
            );
        }
    }
    let ids: Vec<i64> = board.iter().map(|r| r.id).take(5).collect();
    assert_eq!(
        a.board_rows(&ids, common::NOW).unwrap(),
        b.board_rows(&ids, common::NOW).unwrap()
    );
}

#[test]
fn the_demo_history_adds_up_to_the_rows_as_they_are() {
    for db in each_engine(30, 0) {
        demo_history_adds_up(&db.service);
    }
}

fn demo_history_adds_up(service: &Service) {
    for row in service.board(common::NOW).unwrap() {
        let card = service.card(row.id, common::NOW).unwrap();
        let audit = service.audit(row.id).unwrap();
        // Oldest first: the created row, then each change on top of it.
        let mut channels = None;
        for entry in audit.iter().rev().filter(|e| e.table == "customers") {
            let data: serde_json::Value = serde_json::from_str(&entry.data).unwrap();
            match entry.action.as_str() {
                "POST" => channels = data["channels"].as_u64(),
                _ => {
                    if let Some(change) = data.get("channels") {
                        assert_eq!(change["old"].as_u64(), channels, "{}", entry.data);
                        channels = change["new"].as_u64();
                    }
                }
            }
        }
        assert_eq!(
            channels,
            Some(u64::from(card.customer.channels)),
            "{}",
            row.name
        );
        let created_contacts = audit
            .iter()
            .filter(|e| e.table == "contacts" && e.action == "POST")
            .count();
        assert_eq!(created_contacts, card.contacts.len(), "{}", row.name);
    }
}

#[test]
fn due_changes_are_applied_once_each_by_racing_appliers() {
    for db in each_engine(6, 0) {
        let mut scheduler = db.open();
        let due = chrono::Utc::now() + chrono::Duration::seconds(1);
        for id in 1..=6 {
            scheduler
                .schedule_change(&actor("dora"), id, serde_json::json!({"cps": 40 + id}), due)
                .unwrap();
        }
        let at = due + chrono::Duration::seconds(5);
        let appliers: Vec<_> = (0..4)
            .map(|_| {
                let location = db.location.clone();
                std::thread::spawn(move || {
                    let mut s = Service::open_at(&location).unwrap();
                    s.apply_due(at).unwrap()
                })
            })
            .collect();
        let reports: Vec<_> = appliers.into_iter().map(|h| h.join().unwrap()).collect();
        let applied: usize = reports.iter().map(|r| r.applied.len()).sum();
        assert_eq!(applied, 6, "{}: each change once", db.engine);
        assert!(reports.iter().all(|r| r.failed.is_empty()), "{}", db.engine);
        let s = db.open();
        for id in 1..=6 {
            assert_eq!(s.customer(id).unwrap().cps, 40 + id as u32, "{}", db.engine);
        }
    }
}
