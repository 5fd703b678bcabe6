//! The database file: creation, migrations, and the errors a person sees.

use carrierdesk::store::{OpenError, Store};
use std::os::unix::fs::PermissionsExt;

#[test]
fn migrations_build_the_whole_schema_on_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    std::fs::write(&path, b"").unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.customer_count().unwrap(), 0);
    let check = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = check
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for t in [
        "audit_log",
        "cdrs",
        "contacts",
        "customers",
        "invoice_lines",
        "invoices",
        "number_blocks",
        "operators",
        "outbox",
        "scheduled_changes",
        "settings",
        "sip_users",
        "summary_hourly",
    ] {
        assert!(
            tables.contains(&t.to_string()),
            "missing table {t}: {tables:?}"
        );
    }
    let mode: String = check
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let page_size: i64 = check
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    assert_eq!(page_size, 16 * 1024);
    drop(store);
    // Opening again is a no-op.
    Store::open(&path).unwrap();
}

#[test]
fn a_new_database_is_readable_by_its_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("private.db");
    Store::open(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn processes_starting_together_do_not_race_on_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.db");
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || Store::open(&path).map(|_| ()))
        })
        .collect();
    for h in handles {
        h.join().unwrap().expect("every opener succeeds");
    }
}

#[test]
fn errors_say_what_is_wrong_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("x.db");
    let err = Store::open(&missing).err().unwrap();
    assert!(matches!(err, OpenError::NoDirectory(_)));
    assert!(err.to_string().contains("does not exist"));

    let junk = dir.path().join("notes.txt");
    std::fs::write(
        &junk,
        "these are not the pages you are looking for".repeat(200),
    )
    .unwrap();
    let err = Store::open(&junk).err().unwrap();
    assert!(matches!(err, OpenError::NotADatabase(_)), "{err}");

    let newer = dir.path().join("newer.db");
    Store::open(&newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Store::open(&newer).err().unwrap();
    assert!(err.to_string().contains("newer carrierdesk"), "{err}");
}

#[test]
fn the_audit_log_refuses_edits_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.db");
    Store::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO audit_log (at, operator, ip, action, table_name, row_id, message) VALUES ('t', 'o', 'i', 'PUT', 'customers', 1, 'm')",
        [],
    )
    .unwrap();
    assert!(
        conn.execute("UPDATE audit_log SET message = 'x'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
}

#[test]
fn another_programs_database_and_a_directory_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE foo (x); INSERT INTO foo VALUES (1);")
        .unwrap();
    drop(conn);
    let err = Store::open(&other).err().unwrap();
    assert!(matches!(err, OpenError::Foreign(_)), "{err}");
    let conn = rusqlite::Connection::open(&other).unwrap();
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!((tables, mode.as_str()), (1, "delete"), "left as it was");

    let err = Store::open(dir.path()).err().unwrap();
    assert!(
        err.to_string()
            .ends_with("is a directory, not a database file"),
        "{err}"
    );
}
