//! The imports running now, as each recorded itself: the database cannot say who holds
//! its write lock, so a writer kept waiting reads here whose import it waits for.

use super::sql::{Conn, Result, Tx};
use super::{Store, audit::host};
use crate::vals;
use chrono::{DateTime, Local};

/// One import, as it recorded itself before taking the write lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningImport {
    pub operator: String,
    pub host: String,
    pub pid: i64,
    /// RFC 3339 UTC.
    pub started_at: String,
}

impl RunningImport {
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

impl std::fmt::Display for RunningImport {
    /// "alice's import (since 14:02)", its host named when it is another, its day when it
    /// is not today; the time is this host's local time.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}'s import", crate::text::printable(&self.operator))?;
        if self.host != host() {
            write!(f, " on {}", crate::text::printable(&self.host))?;
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

const COLUMNS: &str = "operator, host, pid, started_at";

fn running_import(row: &super::sql::Row) -> Result<RunningImport> {
    Ok(RunningImport {
        operator: row.get(0)?,
        host: row.get(1)?,
        pid: row.get(2)?,
        started_at: row.get(3)?,
    })
}

/// The imports whose process still runs, oldest first.
pub(super) fn live(conn: &Conn) -> Result<Vec<RunningImport>> {
    let tx = conn.read()?;
    let all = tx.query(
        &format!("SELECT {COLUMNS} FROM running_imports ORDER BY id"),
        &[],
        running_import,
    )?;
    Ok(all.into_iter().filter(RunningImport::alive).collect())
}

/// Removes an import's record inside its own transaction: gone when it commits.
pub fn finish_import(tx: &Tx, id: i64) -> Result<()> {
    tx.execute("DELETE FROM running_imports WHERE id = ?1", &vals![id])?;
    Ok(())
}

impl Store {
    /// Records an import by `operator` in this process, committed at once, before the
    /// import takes the write lock; the records of this host's imports whose process has
    /// gone go first. Returns its id, for `finish_import` in the import's transaction.
    pub fn start_import(&mut self, operator: &str, now: &str) -> Result<i64> {
        let tx = self.write()?;
        let here = tx.query(
            &format!("SELECT {COLUMNS}, id FROM running_imports WHERE host = ?1"),
            &vals![host()],
            |row| Ok((row.get::<i64>(4)?, running_import(row)?)),
        )?;
        for (id, import) in here {
            if !import.alive() {
                finish_import(&tx, id)?;
            }
        }
        let id = tx.query_one(
            "INSERT INTO running_imports (operator, host, pid, started_at)
             VALUES (?1, ?2, ?3, ?4) RETURNING id",
            &vals![operator, host(), i64::from(std::process::id()), now],
            |row| row.get(0),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Removes an import's record after the import failed (its transaction, which would
    /// have removed it, rolled back).
    pub fn end_import(&mut self, id: i64) -> Result<()> {
        let tx = self.write()?;
        finish_import(&tx, id)?;
        tx.commit()
    }

    /// The imports running now, oldest first.
    pub fn running_imports(&self) -> Result<Vec<RunningImport>> {
        live(&self.conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_of_another_host_or_day_says_so_and_its_names_are_printable() {
        let import = RunningImport {
            operator: "al\u{1b}]0;x\u{7}ice".into(),
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
