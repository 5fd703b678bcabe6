//! Another operator's long job, as the tests play it: a connection of the test's own that
//! records a running job (as a CDR import or a re-rating does) and then holds the write
//! lock. Used through `#[path]` by suites that do not take the whole of `common`.
#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;

pub struct JobLock {
    conn: rusqlite::Connection,
    /// When the job says it started, as a waiting writer shows it ("14:02").
    pub since: String,
}

impl JobLock {
    /// `operator`'s `job` ("import", "re-rating") of a process that runs (this test's),
    /// on this host, holding the write lock of the database at `path`.
    pub fn take(path: &Path, operator: &str, job: &str) -> JobLock {
        let conn = rusqlite::Connection::open(path).unwrap();
        let started = chrono::Utc::now();
        conn.execute(
            "INSERT INTO running_jobs (operator, job, host, pid, started_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![
                operator,
                job,
                whoami::hostname().unwrap(),
                std::process::id(),
                started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ],
        )
        .unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        let since = started
            .with_timezone(&chrono::Local)
            .format("%H:%M")
            .to_string();
        JobLock { conn, since }
    }

    /// The write lock alone, with no job recorded: a holder nobody owns up to.
    pub fn unrecorded(path: &Path) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        conn
    }

    /// The job ends as a real one does: its record goes in its commit.
    pub fn release(self) {
        self.conn
            .execute_batch("DELETE FROM running_jobs; COMMIT")
            .unwrap();
    }
}
