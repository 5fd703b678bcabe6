//! The long writes running now (CDR imports, re-ratings), as each recorded itself: the
//! database cannot say who holds its write lock, so a writer kept waiting reads here whose
//! job it waits for.

use super::sql::{Conn, Result, Tx};
use super::{Store, audit::host};
use crate::vals;
use chrono::{DateTime, Local};

/// One job, as it recorded itself before taking the write lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningJob {
    pub operator: String,
    /// What it is, as a waiting writer names it: "import", "re-rating".
    pub job: String,
    pub host: String,
    pub pid: i64,
    /// RFC 3339 UTC.
    pub started_at: String,
}

impl RunningJob {
    /// Whether its process still runs. Only a process of this host can be looked at; one
    /// elsewhere is taken to run.
    fn alive(&self) -> bool {
        if self.host != host() {
            return true;
        }
        #[cfg(target_os = "linux")]
        {
            std::path::Path::new(&format!("/proc/{}", self.pid)).exists()
        }
        #[cfg(not(target_os = "linux"))]
        {
            true
        }
    }
}

impl std::fmt::Display for RunningJob {
    /// "alice's import (since 14:02)", its host named when it is another, its day when it
    /// is not today; the time is this host's local time.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let printable = crate::text::printable;
        write!(
            f,
            "{}'s {}",
            printable(&self.operator),
            printable(&self.job)
        )?;
        if self.host != host() {
            write!(f, " on {}", printable(&self.host))?;
        }
        match DateTime::parse_from_rfc3339(&self.started_at) {
            Ok(at) => {
                let at = at.with_timezone(&Local);
                let format = if at.date_naive() == Local::now().date_naive() {
                    "%H:%M"
                } else {
                    "%-d %b %H:%M"
                };
                write!(f, " (since {})", at.format(format))
            }
            Err(_) => Ok(()),
        }
    }
}

const COLUMNS: &str = "operator, job, host, pid, started_at";

fn running_job(row: &super::sql::Row) -> Result<RunningJob> {
    Ok(RunningJob {
        operator: row.get(0)?,
        job: row.get(1)?,
        host: row.get(2)?,
        pid: row.get(3)?,
        started_at: row.get(4)?,
    })
}

/// The jobs whose process still runs, oldest first.
pub(super) fn live(conn: &Conn) -> Result<Vec<RunningJob>> {
    let tx = conn.read()?;
    let all = tx.query(
        &format!("SELECT {COLUMNS} FROM running_jobs ORDER BY id"),
        &[],
        running_job,
    )?;
    Ok(all.into_iter().filter(RunningJob::alive).collect())
}

/// Removes a job's record inside its own transaction: gone when it commits.
pub fn finish_job(tx: &Tx, id: i64) -> Result<()> {
    tx.execute("DELETE FROM running_jobs WHERE id = ?1", &vals![id])?;
    Ok(())
}

impl Store {
    /// Records a `job` by `operator` in this process, committed at once, before the job
    /// takes the write lock; the records of this host's jobs whose process has gone go
    /// first. Returns its id, for `finish_job` in the job's transaction.
    pub fn start_job(&mut self, operator: &str, job: &str, now: &str) -> Result<i64> {
        let tx = self.write()?;
        let here = tx.query(
            &format!("SELECT {COLUMNS}, id FROM running_jobs WHERE host = ?1"),
            &vals![host()],
            |row| Ok((row.get::<i64>(5)?, running_job(row)?)),
        )?;
        for (id, job) in here {
            if !job.alive() {
                finish_job(&tx, id)?;
            }
        }
        let id = tx.query_one(
            "INSERT INTO running_jobs (operator, job, host, pid, started_at)
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
            &vals![operator, job, host(), i64::from(std::process::id()), now],
            |row| row.get(0),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Removes a job's record after the job failed (its transaction, which would have
    /// removed it, rolled back).
    pub fn end_job(&mut self, id: i64) -> Result<()> {
        let tx = self.write()?;
        finish_job(&tx, id)?;
        tx.commit()
    }

    /// The jobs running now, oldest first.
    pub fn running_jobs(&self) -> Result<Vec<RunningJob>> {
        live(&self.conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_of_another_host_or_day_says_so_and_its_names_are_printable() {
        let import = RunningJob {
            operator: "al\u{1b}]0;x\u{7}ice".into(),
            job: "import".into(),
            host: "noc9.elsewhere.invalid".into(),
            pid: 1,
            started_at: "2026-01-05T12:00:00Z".into(),
        };
        let line = import.to_string();
        assert!(
            line.starts_with(
                "al\\u{1b}]0;x\\u{7}ice's import on noc9.elsewhere.invalid (since 5 Jan "
            ),
            "{line}"
        );
        assert!(import.alive(), "a process elsewhere cannot be looked at");
    }
}
