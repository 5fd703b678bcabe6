//! How a writer waits for SQLite's write lock. Most holders keep it for milliseconds; a
//! long job (a CDR import, a re-rating) keeps it for as long as its work takes, and records
//! itself (`running_jobs`) so that the writer can say whose job it waits for, and wait for
//! it to end rather than fail after a few seconds. PostgreSQL has no such lock: writers
//! wait only on the rows they share, and not here.

use super::RunningJob;
use super::running_jobs::live;
use super::sql::{Conn, Error, Result, Tx};
use std::time::{Duration, Instant};

/// How long one try for the lock waits before the writer looks at who holds it.
pub(super) const TRY: Duration = Duration::from_secs(1);
/// How long a writer waits for a holder that is not a recorded job.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a writer waits for a recorded job: longer than an import of a month of a busy
/// carrier's calls takes.
pub const JOB_WAIT: Duration = Duration::from_secs(30 * 60);

/// What a writer does when a recorded job holds the write lock.
pub enum Patience {
    /// Waits for it to end (up to `JOB_WAIT`), telling `tell` once whose job it is:
    /// the command line (a line on stderr) and threads of their own.
    Wait(Box<dyn FnMut(&RunningJob) + Send>),
    /// Gives up at once with `Error::JobRunning`: the console's database thread, which
    /// hands the write to a thread that waits, and goes on loading cards and views.
    Defer,
}

impl Default for Patience {
    fn default() -> Patience {
        Patience::Wait(Box::new(|_| {}))
    }
}

/// A write transaction on `conn`, once the lock is free (see `Patience`). A holder that
/// is no recorded job is waited for up to `BUSY_TIMEOUT`, then `Error::Busy`.
pub(super) fn write<'c>(conn: &'c Conn, patience: &mut Patience) -> Result<Tx<'c>> {
    if !matches!(conn, Conn::Sqlite(_)) {
        return conn.write();
    }
    // The console's thread must not wait even one try for a job it can see.
    if matches!(patience, Patience::Defer)
        && let Some(job) = live(conn)?.into_iter().next()
    {
        return match write_now(conn)? {
            None => Err(Error::JobRunning(job)),
            // Its record outlived it, or it has not taken the lock yet.
            Some(tx) => Ok(tx),
        };
    }
    let mut unknown_since = Instant::now();
    let mut told: Option<Instant> = None;
    loop {
        match conn.write() {
            Err(e) if e.is_busy() => {}
            other => return other,
        }
        match (live(conn)?.into_iter().next(), &mut *patience) {
            (Some(job), Patience::Defer) => return Err(Error::JobRunning(job)),
            (Some(job), Patience::Wait(tell)) => {
                let since = *told.get_or_insert_with(|| {
                    tell(&job);
                    Instant::now()
                });
                if since.elapsed() >= JOB_WAIT {
                    return Err(Error::JobTooLong(job));
                }
                unknown_since = Instant::now();
            }
            (None, _) if unknown_since.elapsed() >= BUSY_TIMEOUT => return Err(Error::Busy),
            (None, _) => {}
        }
    }
}

/// A write transaction if the lock is free this moment, None if another writer holds it:
/// for housekeeping that can be left for later rather than waited for.
pub(super) fn write_now(conn: &Conn) -> Result<Option<Tx<'_>>> {
    let Conn::Sqlite(sqlite) = conn else {
        return conn.write().map(Some);
    };
    sqlite.busy_timeout(Duration::ZERO)?;
    let tried = conn.write();
    sqlite.busy_timeout(TRY)?;
    match tried {
        Err(e) if e.is_busy() => Ok(None),
        other => other.map(Some),
    }
}
