//! Writers on the command line kept waiting by another operator: they say whose import
//! they wait for, wait for it to end, and print what they changed only once it is
//! committed; a lock nobody owns up to ends in a plain sentence, never SQLite's words.
//! "Another operator" is a connection of the test's own, holding the write lock as an
//! import does. Every wait is bounded, and none is timed.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use tempfile::TempDir;

#[path = "common/job_lock.rs"]
mod job_lock;

use job_lock::JobLock;

const BIN: &str = env!("CARGO_BIN_EXE_carrierdesk");
/// The longest any awaited line or exit may take: generous, for a busy host.
const PATIENCE: Duration = Duration::from_secs(60);

fn demo() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waits.db");
    let out = Command::new(BIN)
        .args(["demo", "--db"])
        .arg(&path)
        .args(["--customers", "5", "--days", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, path)
}

/// A command started with its output read line by line as it comes.
struct Running {
    child: Child,
    stderr: mpsc::Receiver<String>,
    stdout: mpsc::Receiver<String>,
}

impl Running {
    fn start(db: &Path, args: &[&str]) -> Running {
        let mut child = Command::new(BIN)
            .arg("--db")
            .arg(db)
            .args(args)
            .env("USER", "bob")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = |from: Box<dyn Read + Send>| {
            let (send, receive) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(from).lines() {
                    if send.send(line.unwrap()).is_err() {
                        return;
                    }
                }
            });
            receive
        };
        let stderr = lines(Box::new(child.stderr.take().unwrap()));
        let stdout = lines(Box::new(child.stdout.take().unwrap()));
        Running {
            child,
            stderr,
            stdout,
        }
    }

    /// The next line on stderr.
    fn stderr_line(&self) -> String {
        self.stderr
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|e| panic!("no line on stderr within {PATIENCE:?}: {e}"))
    }

    /// The exit code, then everything left on stdout and stderr.
    fn finish(mut self) -> (i32, String, String) {
        let status = self.child.wait().unwrap();
        let rest = |from: &mpsc::Receiver<String>| {
            let mut text = String::new();
            while let Ok(line) = from.recv_timeout(PATIENCE) {
                text.push_str(&line);
                text.push('\n');
            }
            text
        };
        (
            status.code().unwrap(),
            rest(&self.stdout),
            rest(&self.stderr),
        )
    }
}

fn cps(db: &Path, id: i64) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT cps FROM customers WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn an_update_waits_for_alices_import_saying_so_once_then_prints_its_change_after_the_commit() {
    let (_dir, db) = demo();
    let holder = JobLock::take(&db, "alice", "import");
    let since = holder.since.clone();
    let update = Running::start(&db, &["customers", "update", "3", "--cps", "55"]);

    assert_eq!(
        update.stderr_line(),
        format!("carrierdesk: waiting for alice's import (since {since}) to finish…")
    );
    // Still waiting: nothing printed, nothing changed.
    assert!(
        update.stdout.try_recv().is_err(),
        "printed before the commit"
    );
    assert_ne!(cps(&db, 3), 55);

    holder.release();
    let (code, stdout, stderr) = update.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("→ 55"), "{stdout}");
    assert_eq!(stderr, "", "one line on stderr, said once");
    assert_eq!(cps(&db, 3), 55);
}

#[test]
fn a_bulk_update_waits_for_alices_import_and_prints_only_after_its_commit() {
    let (_dir, db) = demo();
    let holder = JobLock::take(&db, "alice", "import");
    let since = holder.since.clone();
    let bulk = Running::start(
        &db,
        &["customers", "bulk-update", "--all", "--set", "cps=44"],
    );
    assert_eq!(
        bulk.stderr_line(),
        format!("carrierdesk: waiting for alice's import (since {since}) to finish…")
    );
    assert!(bulk.stdout.try_recv().is_err(), "printed before the commit");

    holder.release();
    let (code, stdout, stderr) = bulk.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("→ 44"), "{stdout}");
    assert_eq!(cps(&db, 1), 44);
}

#[test]
fn a_lock_no_import_owns_up_to_ends_in_a_plain_sentence_with_nothing_printed_or_changed() {
    let (_dir, db) = demo();
    let lock = JobLock::unrecorded(&db);
    let bulk = Running::start(
        &db,
        &["customers", "bulk-update", "--all", "--set", "cps=44"],
    );
    let (code, stdout, stderr) = bulk.finish();
    lock.execute_batch("ROLLBACK").unwrap();
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "carrierdesk: another operator's change kept the database locked for more than 5 s; \
         nothing was changed, try again\n"
    );
    assert_ne!(cps(&db, 1), 44);
}

#[test]
fn a_record_left_by_an_import_that_was_killed_is_not_waited_for_and_goes_with_the_next_import() {
    let (_dir, db) = demo();
    let conn = rusqlite::Connection::open(&db).unwrap();
    // A process of this host that has ended: its import was killed mid-way.
    let mut ended = Command::new("true").spawn().unwrap();
    let pid = ended.id();
    ended.wait().unwrap();
    conn.execute(
        "INSERT INTO running_jobs (operator, job, host, pid, started_at) VALUES ('carol', 'import', ?1, ?2, '2026-12-01T09:00:00Z')",
        rusqlite::params![whoami::hostname().unwrap(), pid],
    )
    .unwrap();

    // Nobody holds the lock: the update goes straight through, saying nothing of carol.
    let update = Running::start(&db, &["customers", "update", "2", "--cps", "21"]);
    let (code, _, stderr) = update.finish();
    assert_eq!((code, stderr.as_str()), (0, ""));

    let cdrs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cdrs/asterisk_16.csv");
    let import = Running::start(&db, &["import", "cdrs", cdrs.to_str().unwrap()]);
    let (code, _, stderr) = import.finish();
    assert_eq!(code, 0, "{stderr}");
    let left = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM running_jobs", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        left(&conn),
        0,
        "the dead import's record and the new one's are gone"
    );

    // A re-rating records itself too, and its record goes with its commit.
    let rerate = Running::start(
        &db,
        &[
            "rerate",
            "--customer",
            "1",
            "--from",
            "2026-11-01",
            "--to",
            "2026-12-31",
        ],
    );
    let (code, _, stderr) = rerate.finish();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(left(&conn), 0);
}

#[test]
fn a_writer_kept_waiting_by_a_re_rating_names_it() {
    let (_dir, db) = demo();
    let holder = JobLock::take(&db, "bob", "re-rating");
    let update = Running::start(&db, &["customers", "update", "2", "--cps", "9"]);
    assert_eq!(
        update.stderr_line(),
        format!(
            "carrierdesk: waiting for bob's re-rating (since {}) to finish…",
            holder.since
        )
    );
    holder.release();
    let (code, _, stderr) = update.finish();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(cps(&db, 2), 9);
}

/// The account commands run as: the operator an import records.
fn operator() -> String {
    whoami::username()
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "scripted".into())
}

#[test]
fn a_real_import_reading_a_pipe_keeps_an_update_waiting_and_the_update_says_whose() {
    let (dir, db) = demo();
    // The import holds the write lock while it waits for its file: a pipe nobody writes yet.
    let pipe = dir.path().join("calls.pipe");
    let made = Command::new("mkfifo").arg(&pipe).status().unwrap();
    assert!(made.success());
    let import = Running::start(&db, &["import", "cdrs", pipe.to_str().unwrap()]);
    let probe = rusqlite::Connection::open(&db).unwrap();
    probe.busy_timeout(Duration::ZERO).unwrap();
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        assert!(
            std::time::Instant::now() < deadline,
            "the import did not take the lock"
        );
        match probe.execute_batch("BEGIN IMMEDIATE") {
            Ok(()) => probe.execute_batch("ROLLBACK").unwrap(),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => break,
            Err(e) => panic!("{e}"),
        }
        std::thread::sleep(Duration::from_millis(20));
    }

    let update = Running::start(&db, &["customers", "update", "3", "--cps", "55"]);
    let line = update.stderr_line();
    let waiting = format!("carrierdesk: waiting for {}'s import (since ", operator());
    assert!(
        line.starts_with(&waiting) && line.ends_with(") to finish…"),
        "{line}"
    );

    let cdrs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cdrs/asterisk_16.csv");
    std::fs::write(&pipe, std::fs::read(cdrs).unwrap()).unwrap();
    let (code, stdout, stderr) = import.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2 rows"), "{stdout}");
    let (code, stdout, stderr) = update.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("→ 55"), "{stdout}");
    assert_eq!(cps(&db, 3), 55);
}
