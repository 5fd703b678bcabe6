//! The audit log's hash chain on both engines: `audit verify` through the real binary
//! catches each kind of tampering done with plain SQL, an anchor catches a recomputed
//! chain, rows written before the chain are chained by the migration, concurrent writers
//! on PostgreSQL leave one chain, and a copy verifies on the other engine.

mod common;

use carrierdesk::domain::BulkEdit;
use carrierdesk::domain::audit_chain::{ChainRow, link};
use carrierdesk::service::SettingChange;
use carrierdesk::store::Location;
use carrierdesk::store::copy::copy;
use carrierdesk::store::sql::Value;
use common::{Db, actor, each_engine, each_engine_prepared};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_carrierdesk");

fn target(location: &Location) -> String {
    match location {
        Location::File(path) => path.display().to_string(),
        Location::Server(url) => url.clone(),
    }
}

fn run(location: &Location, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("CARRIERDESK_DB", target(location))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `audit verify`: None when whole (exit 0), else the one line of stderr (exit 3).
fn verify(db: &Db, args: &[&str]) -> Option<String> {
    let mut all = vec!["audit", "verify"];
    all.extend_from_slice(args);
    let out = run(&db.location, &all);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    match out.status.code() {
        Some(0) => {
            assert!(String::from_utf8_lossy(&out.stdout).starts_with("the audit log is whole: "));
            None
        }
        Some(3) => Some(stderr),
        other => panic!("{}: exit {other:?}: {stderr}", db.engine),
    }
}

fn head(db: &Db) -> String {
    let out = run(&db.location, &["audit", "head"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Lets plain SQL change audit rows, as someone with the file or the owner role can.
fn unguard(db: &Db) {
    db.raw.execute(if db.is_pg() {
        "ALTER TABLE audit_log DISABLE TRIGGER USER"
    } else {
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         DROP TRIGGER audit_log_append_only_at_head"
    });
}

const CHAIN_COLUMNS: &str = "action, at, customer_id, data, db_role, host, id, ip, message, \
    operator, prev_hash, row_id, table_name";

/// The rows as stored, to recompute their chain the way an attacker with the code would.
fn rows(db: &Db) -> Vec<ChainRow<'static>> {
    let text = |v: &Value| match v {
        Value::Text(t) => t.clone(),
        other => panic!("{other:?}"),
    };
    let int = |v: &Value| match v {
        Value::Int(i) => *i,
        other => panic!("{other:?}"),
    };
    db.raw
        .query(&format!(
            "SELECT {CHAIN_COLUMNS} FROM audit_log ORDER BY id"
        ))
        .iter()
        .map(|r| ChainRow {
            action: text(&r[0]).into(),
            at: text(&r[1]).into(),
            customer_id: match &r[2] {
                Value::Null => None,
                v => Some(int(v)),
            },
            data: text(&r[3]).into(),
            db_role: text(&r[4]).into(),
            host: text(&r[5]).into(),
            id: int(&r[6]),
            ip: text(&r[7]).into(),
            message: text(&r[8]).into(),
            operator: text(&r[9]).into(),
            prev_hash: text(&r[10]).into(),
            row_id: int(&r[11]),
            table_name: text(&r[12]).into(),
        })
        .collect()
}

/// Writes every row's links and hash back, as a full recomputation of the chain would.
fn rewrite_chain(db: &Db) {
    let mut all = rows(db);
    let hashes = link(&mut all);
    for (r, h) in all.iter().zip(&hashes) {
        db.raw.execute(&format!(
            "UPDATE audit_log SET prev_hash = '{}', hash = '{h}' WHERE id = {}",
            r.prev_hash, r.id
        ));
    }
}

#[test]
fn an_untouched_log_verifies_and_its_head_is_an_anchor() {
    for db in each_engine(20, 1) {
        assert_eq!(verify(&db, &[]), None, "{}", db.engine);
        let anchor = head(&db);
        let (id, hash) = anchor.split_once(':').unwrap();
        assert_eq!(hash.len(), 64);
        assert_eq!(
            db.raw.count("SELECT max(id) FROM audit_log").to_string(),
            id
        );
        assert_eq!(verify(&db, &["--anchor", &anchor]), None);
    }
}

#[test]
fn a_bulk_edit_chains_one_audit_row_a_customer_in_their_order() {
    for mut db in each_engine(150, 0) {
        let engine = db.engine;
        let before = db.raw.count("SELECT max(id) FROM audit_log");
        let ids: Vec<i64> = (1..=150).collect();
        let edit = BulkEdit {
            channels: Some("77".into()),
            ..BulkEdit::default()
        };
        let report = db.service.bulk_apply(&actor("bob"), &ids, &edit).unwrap();
        assert_eq!(report.changed, 150, "{engine}");
        let written = db.raw.query(&format!(
            "SELECT id, row_id, operator, data FROM audit_log WHERE id > {before} ORDER BY id"
        ));
        assert_eq!(written.len(), 150, "{engine}");
        for (n, row) in written.iter().enumerate() {
            // In the customers' order, ids following on from the chain's last.
            assert_eq!(row[0], Value::Int(before + 1 + n as i64), "{engine}");
            assert_eq!(row[1], Value::Int(ids[n]), "{engine}");
            assert_eq!(row[2], Value::Text("bob".into()), "{engine}");
            let Value::Text(data) = &row[3] else {
                panic!("{engine}: {row:?}")
            };
            assert!(data.contains(r#""new":77"#), "{engine}: {data}");
        }
        // The chain is whole, and the next single edit links on.
        assert_eq!(verify(&db, &[]), None, "{engine}");
        let one = BulkEdit {
            cps: Some("9".into()),
            ..BulkEdit::default()
        };
        db.service.bulk_apply(&actor("ann"), &[3], &one).unwrap();
        assert_eq!(verify(&db, &[]), None, "{engine}");
    }
}

#[test]
fn each_kind_of_tampering_is_named_by_its_row() {
    type Tamper = (&'static str, &'static str, &'static str);
    let cases: &[Tamper] = &[
        (
            "an edited row",
            "UPDATE audit_log SET message = 'nothing happened' WHERE id = 7",
            "row 7 was changed after it was written",
        ),
        (
            "a deleted row",
            "DELETE FROM audit_log WHERE id = 7",
            "row 8 does not link to row 6: a row between them was deleted",
        ),
        (
            "a row replaced by another with the old one's links",
            "DELETE FROM audit_log WHERE id = 7;
             INSERT INTO audit_log (id, at, operator, ip, action, table_name, row_id, message,
                                    prev_hash, hash)
             SELECT 7, at, 'mallory', ip, action, table_name, row_id, message, prev_hash, hash
             FROM audit_log WHERE id = 6",
            "row 7 was changed after it was written",
        ),
        (
            "two rows swapped",
            "UPDATE audit_log SET id = -1 WHERE id = 7; UPDATE audit_log SET id = 7 WHERE id = 8;
             UPDATE audit_log SET id = 8 WHERE id = -1",
            "row 7 was changed after it was written",
        ),
    ];
    for &(what, sql, expected) in cases {
        for db in each_engine(5, 0) {
            assert_eq!(verify(&db, &[]), None, "{what}: before, on {}", db.engine);
            unguard(&db);
            db.raw.execute(sql);
            let err = verify(&db, &[]).unwrap_or_else(|| panic!("{what} passed on {}", db.engine));
            assert!(
                err.starts_with("carrierdesk: the audit log was tampered with: ")
                    && err.contains(expected),
                "{what} on {}: {err}",
                db.engine
            );
        }
    }
}

#[test]
fn a_forged_row_with_a_hash_of_its_own_breaks_the_link_after_it() {
    for db in each_engine(5, 0) {
        unguard(&db);
        let mut all = rows(&db);
        // Row 7 rewritten with a valid hash of its own, linked to row 6.
        all[6].message = "Customer 3 paid in full".into();
        let hash = all[6].hash();
        db.raw.execute(&format!(
            "UPDATE audit_log SET message = 'Customer 3 paid in full', hash = '{hash}' WHERE id = 7"
        ));
        let err = verify(&db, &[]).unwrap();
        assert!(
            err.contains("row 8 does not link to row 7"),
            "{}: {err}",
            db.engine
        );
    }
}

#[test]
fn a_chain_recomputed_after_an_edit_passes_alone_and_fails_its_anchor() {
    for db in each_engine(5, 0) {
        let anchor = head(&db);
        unguard(&db);
        db.raw
            .execute("UPDATE audit_log SET operator = 'nobody' WHERE id = 3");
        rewrite_chain(&db);
        assert_eq!(
            verify(&db, &[]),
            None,
            "a recomputed chain is whole by itself"
        );
        let err = verify(&db, &["--anchor", &anchor]).unwrap();
        let id = anchor.split_once(':').unwrap().0;
        assert!(
            err.contains(&format!("row {id} is not the row of the anchor")),
            "{}: {err}",
            db.engine
        );
    }
}

#[test]
fn a_row_cannot_be_slipped_in_below_the_last_one() {
    for db in each_engine(3, 0) {
        let max = db.raw.count("SELECT max(id) FROM audit_log");
        // With the no-delete guard lifted too, so that SQLite's REPLACE would go through.
        db.raw.execute(if db.is_pg() {
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete"
        } else {
            "DROP TRIGGER audit_log_no_delete"
        });
        let statement = if db.is_pg() {
            "DELETE FROM audit_log WHERE id = 2;
             INSERT INTO audit_log (id, at, operator, ip, action, table_name, row_id, message)
             VALUES (2, 't', 'mallory', '', 'PUT', 'customers', 1, 'forged')"
        } else {
            "REPLACE INTO audit_log (id, at, operator, ip, action, table_name, row_id, message)
             VALUES (2, 't', 'mallory', '', 'PUT', 'customers', 1, 'forged')"
        };
        let refused =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| db.raw.execute(statement)));
        let message = refused
            .expect_err("refused")
            .downcast::<String>()
            .map(|s| *s)
            .unwrap_or_default();
        assert!(message.contains("append-only"), "{}: {message}", db.engine);
        assert_eq!(db.raw.count("SELECT max(id) FROM audit_log"), max);
        assert_eq!(verify(&db, &[]), None);

        // One statement with a row at the head and one below it: nothing is written below
        // the head. SQLite's guard refuses with FAIL (schema 18), so that an audit insert
        // needs no statement journal, and keeps the row the statement wrote before, at the
        // head; PostgreSQL undoes the whole statement.
        let two_rows = format!(
            "INSERT INTO audit_log (id, at, operator, ip, action, table_name, row_id, message)
             VALUES ({}, 't', 'mallory', '', 'PUT', 'customers', 1, 'forged'),
                    (1, 't', 'mallory', '', 'PUT', 'customers', 1, 'forged')",
            max + 1
        );
        let refused =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| db.raw.execute(&two_rows)));
        assert!(refused.is_err(), "{}: refused", db.engine);
        assert_eq!(
            db.raw.count(&format!(
                "SELECT count(*) FROM audit_log WHERE id <= {max} AND operator = 'mallory'"
            )),
            0,
            "{}",
            db.engine
        );
        let kept_at_head = if db.is_pg() { 0 } else { 1 };
        assert_eq!(
            db.raw.count(&format!(
                "SELECT count(*) FROM audit_log WHERE id = {} AND operator = 'mallory'",
                max + 1
            )),
            kept_at_head,
            "{}",
            db.engine
        );
    }
}

/// The SQLite and PostgreSQL texts of the migrations before the chain (schema 7).
fn schema_7(engine_files: &[&str]) -> Vec<String> {
    let store = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    engine_files
        .iter()
        .map(|f| std::fs::read_to_string(store.join(f)).unwrap())
        .collect()
}

const OLD_ROWS: &str = "INSERT INTO audit_log (id, at, operator, ip, action, table_name, row_id,
                                           customer_id, message, data)
    VALUES (1, '2026-11-01T09:00:00Z', 'alice', '192.0.2.1', 'POST', 'customers', 1, 1, 'Created', '{}'),
           (2, '2026-11-01T09:05:00Z', 'bob', '192.0.2.2', 'PUT', 'customers', 1, 1, 'Edited',
            '{\"channels\":{\"old\":10,\"new\":20}}')";

#[test]
fn rows_written_before_the_chain_are_chained_by_the_migration() {
    let sqlite_files = [
        "schema.sql",
        "cdrs_v2.sql",
        "cdrs_v3.sql",
        "change_log_v4.sql",
        "audit_host_v5.sql",
        "cdrs_uid_bytes_v6.sql",
        "settings_v7.sql",
    ];
    let pg_files = [
        "pg/v1_schema.sql",
        "pg/v2_cdrs.sql",
        "pg/v3_cdrs.sql",
        "pg/v4_change_log.sql",
        "pg/v5_audit_host.sql",
        "pg/v6_cdrs_uid_bytes.sql",
        "pg/v7_settings.sql",
    ];
    let all = each_engine_prepared(
        |path| {
            let conn = rusqlite::Connection::open(path).unwrap();
            for sql in schema_7(&sqlite_files) {
                conn.execute_batch(&sql).unwrap();
            }
            conn.execute_batch(OLD_ROWS).unwrap();
            conn.pragma_update(None, "user_version", 7).unwrap();
        },
        |url| {
            let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
            for sql in schema_7(&pg_files) {
                client.batch_execute(&sql).unwrap();
            }
            client.batch_execute(OLD_ROWS).unwrap();
            client
                .batch_execute(
                    "CREATE TABLE schema_version (version BIGINT NOT NULL);
                     INSERT INTO schema_version VALUES (7)",
                )
                .unwrap();
        },
    );
    for mut db in all {
        assert_eq!(
            db.raw
                .count("SELECT count(*) FROM audit_log WHERE hash = ''"),
            0
        );
        assert_eq!(verify(&db, &[]), None, "{}", db.engine);
        // New rows go on from the chained ones.
        db.service
            .change_setting(
                &actor("carol"),
                &SettingChange {
                    key: "block_size",
                    value: Some("1000"),
                    expect: None,
                },
            )
            .unwrap();
        assert!(head(&db).starts_with("3:"));
        assert_eq!(verify(&db, &[]), None, "{}", db.engine);
    }
}

#[test]
fn writers_on_several_connections_at_once_leave_one_chain() {
    for db in each_engine(10, 0) {
        let before = db.raw.count("SELECT count(*) FROM audit_log");
        let location = &db.location;
        let engine = db.engine;
        std::thread::scope(|s| {
            for writer in 0..4 {
                s.spawn(move || {
                    let mut service = carrierdesk::service::Service::open_at(location).unwrap();
                    for i in 0..15 {
                        let value = (writer * 100 + i + 1).to_string();
                        let change = SettingChange {
                            key: "block_size",
                            value: Some(&value),
                            expect: None,
                        };
                        // SQLite's writers wait on its lock; a busy one tries again.
                        loop {
                            match service.change_setting(&actor(&format!("w{writer}")), &change) {
                                Ok(_) => break,
                                Err(e) if e.is_busy() => continue,
                                Err(e) => panic!("{engine}: {e}"),
                            }
                        }
                    }
                });
            }
        });
        assert_eq!(db.raw.count("SELECT count(*) FROM audit_log"), before + 60);
        assert_eq!(verify(&db, &[]), None, "{}", db.engine);
    }
}

#[test]
fn a_copied_database_verifies_on_the_other_engine() {
    let all = each_engine(10, 1);
    let [sqlite, pg] = &all[..] else {
        // Without a PostgreSQL server there is no other engine (CI always has one).
        return;
    };
    let back = tempfile::tempdir().unwrap();
    let back = Location::File(back.path().join("back.db"));
    for (from, to) in [(&sqlite.location, &pg.location), (&pg.location, &back)] {
        let to = if to == &pg.location {
            // A fresh database on the same server for the copy.
            Location::Server(common::pg::fresh_database().unwrap())
        } else {
            to.clone()
        };
        copy(from, &to, &mut |_, _, _| {}).unwrap();
        let out = run(&to, &["audit", "verify"]);
        assert!(
            out.status.success(),
            "{from} → {to}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_log_of_a_hundred_thousand_rows_verifies() {
    for db in each_engine(1, 0) {
        // Rows appended past the demo's, chained as carrierdesk chains them.
        let mut all = rows(&db);
        let first = all.len() as i64 + 1;
        for id in first..first + 100_000 {
            let mut row = all[0].clone();
            row.id = id;
            row.customer_id = None;
            row.message = format!("bulk change {id}").into();
            all.push(row);
        }
        let hashes = link(&mut all);
        let values: Vec<String> = all[first as usize - 1..]
            .iter()
            .zip(&hashes[first as usize - 1..])
            .map(|(r, h)| {
                format!(
                    "({}, '{}', '{}', '{}', '{}', '{}', {}, NULL, '{}', '{}', '{}', '{}', '{}', '{h}')",
                    r.id, r.at, r.operator, r.ip, r.action, r.table_name, r.row_id, r.message,
                    r.data.replace('\'', "''"), r.host, r.db_role, r.prev_hash
                )
            })
            .collect();
        for chunk in values.chunks(5_000) {
            db.raw.execute(&format!(
                "INSERT INTO audit_log (id, at, operator, ip, action, table_name, row_id,
                     customer_id, message, data, host, db_role, prev_hash, hash) VALUES {}",
                chunk.join(",")
            ));
        }
        let out = run(&db.location, &["audit", "verify"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {}",
            db.engine,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(&format!("{} rows", first - 1 + 100_000)),
            "{stdout}"
        );
    }
}
