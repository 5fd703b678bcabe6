//! `db copy` between the engines: an SQLite database to PostgreSQL and back, every table
//! of the schema with every row, audit rows unchanged; a target that is not empty refused.

mod common;

use carrierdesk::domain::summary::Period;
use carrierdesk::service::Service;
use carrierdesk::store::Location;
use carrierdesk::store::copy::{CopyError, copy};

/// Every table of an SQLite file and its rows, counted with plain SQL.
fn sqlite_counts(path: &std::path::Path) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    names
        .into_iter()
        .map(|t| {
            let n = conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect()
}

/// The same for a PostgreSQL database.
fn pg_counts(url: &str) -> Vec<(String, i64)> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let names: Vec<String> = client
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_version' ORDER BY tablename",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    names
        .into_iter()
        .map(|t| {
            let n: i64 = client
                .query_one(&format!("SELECT count(*) FROM {t}"), &[])
                .unwrap()
                .get(0);
            (t, n)
        })
        .collect()
}

/// What an operator sees of every customer: the same on both sides of a copy.
fn assert_same(a: &Service, b: &Service) {
    let board = a.board(common::NOW).unwrap();
    assert_eq!(board, b.board(common::NOW).unwrap());
    for row in &board {
        assert_eq!(a.customer(row.id).unwrap(), b.customer(row.id).unwrap());
        assert_eq!(a.audit(row.id).unwrap(), b.audit(row.id).unwrap());
        assert_eq!(
            a.summary(row.id, Period::Daily, common::NOW).unwrap(),
            b.summary(row.id, Period::Daily, common::NOW).unwrap()
        );
    }
}

#[test]
fn a_database_goes_to_postgresql_and_back_with_every_table_and_row() {
    let Some(url) = common::pg::fresh_database() else {
        return;
    };
    // Traffic up to the real clock, so that the board's kept 24-hour sums hold rows.
    let now = chrono::Utc::now().timestamp();
    let (dir, path, sqlite) = common::demo_db_at(20, 2, now);
    // An import running on the source does not run on the copy: its record stays behind.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO running_jobs (operator, job, host, pid, started_at)
             VALUES ('alice', 'import', 'noc1', 4242, '2026-12-01T09:00:00Z')",
            [],
        )
        .unwrap();
    let server = Location::Server(url.clone());
    let mut seen = Vec::new();
    let copied = copy(
        &Location::File(path.clone()),
        &server,
        &mut |table, _, _| {
            seen.push(table.to_string());
        },
    )
    .unwrap();
    // Every table the schema has, with as many rows as the source: counted apart from the
    // copy, so that a table it leaves out (a later migration's) fails here.
    let running = ("running_jobs".to_string(), 0);
    let mut source = sqlite_counts(&path);
    let record = source.iter().position(|(t, _)| t == "running_jobs");
    assert_eq!(source.remove(record.unwrap()).1, 1);
    let mut target = pg_counts(&url);
    target.retain(|t| *t != running);
    assert_eq!(target, source);
    assert!(source.iter().any(|(t, n)| t == "audit_log" && *n > 0));
    assert!(source.iter().any(|(t, n)| t == "recent_traffic" && *n > 0));
    // The kept sums are not copied: the target's triggers sum them as the hours go in.
    let mut copied_tables = copied.tables.clone();
    copied_tables.sort();
    let derived = ["recent_traffic", "recent_window"];
    let mut copied_source = source.clone();
    copied_source.retain(|(t, _)| !derived.contains(&t.as_str()));
    assert_eq!(copied_tables, copied_source);
    assert!(seen.contains(&"audit_log".to_string()), "progress heard");

    let pg = Service::open_at(&server).unwrap();
    assert_same(&sqlite, &pg);
    assert_eq!(sqlite.board(now).unwrap(), pg.board(now).unwrap());

    // The laptop copy: back into a new file.
    let back = dir.path().join("back.db");
    copy(&server, &Location::File(back.clone()), &mut |_, _, _| {}).unwrap();
    let mut laptop = sqlite_counts(&back);
    laptop.retain(|t| *t != running);
    assert_eq!(laptop, source);
    let laptop = Service::open(&back).unwrap();
    assert_same(&sqlite, &laptop);
    assert_eq!(sqlite.board(now).unwrap(), laptop.board(now).unwrap());

    // The server numbers new rows past the copied ids.
    let mut pg = pg;
    let mut c =
        carrierdesk::domain::Customer::new(carrierdesk::domain::Currency::parse("EUR").unwrap());
    c.name = "After The Copy".into();
    let saved = pg.create_customer(&common::actor("amy"), &c).unwrap();
    assert!(saved.id > 20, "{}", saved.id);
}

#[test]
fn a_target_that_is_not_empty_is_refused_and_left_as_it_was() {
    let (dir, path, _service) = common::demo_db(3, 0);
    let (_dir2, other, _) = common::demo_db(2, 0);
    let before = sqlite_counts(&other);
    let err = copy(
        &Location::File(path),
        &Location::File(other.clone()),
        &mut |_, _, _| {},
    )
    .unwrap_err();
    assert!(matches!(err, CopyError::NotEmpty { .. }), "{err}");
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(sqlite_counts(&other), before);
    let missing = copy(
        &Location::File(dir.path().join("missing.db")),
        &Location::File(dir.path().join("new.db")),
        &mut |_, _, _| {},
    )
    .unwrap_err();
    assert!(missing.to_string().contains("does not exist"), "{missing}");
}

#[test]
fn the_command_line_refuses_a_full_target_with_exit_3() {
    let (_dir, path, _service) = common::demo_db(2, 0);
    let (_dir2, other, _) = common::demo_db(1, 0);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carrierdesk"))
        .args(["db", "copy", "--from"])
        .arg(&path)
        .arg("--to")
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "refused, nothing written");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not empty"), "{err}");
}
