//! Setting a database file up and its schema migrations, under a file lock so that two
//! consoles starting together do not both try to.

use super::{OpenError, classify};
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};
use std::fs::OpenOptions;
use std::path::Path;

/// In order; a database records how many it has run in `user_version`. A change to the
/// schema is a new migration at the end, never an edit of one that has shipped.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("schema.sql")),
    M::up(include_str!("cdrs_v2.sql")),
    M::up(include_str!("cdrs_v3.sql")),
    M::up(include_str!("change_log_v4.sql")),
];

/// The page size of a new database file, in bytes.
const PAGE_SIZE: i64 = 16 * 1024;

/// Sets the file up (page size, WAL) and runs the migrations it lacks, under a file lock:
/// consoles starting together on a new file would otherwise switch it to WAL and create
/// the schema at the same moment, and one of them could see "database is locked" at once.
pub fn set_up(conn: &mut Connection, path: &Path) -> Result<(), OpenError> {
    let lock_path = path.with_extension("migrate-lock");
    let io = |error| OpenError::Io {
        path: lock_path.clone(),
        error,
    };
    // Another operator may have created the lock file without giving us write access to
    // it; a lock needs none, so opening it to read does.
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .or_else(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied => OpenOptions::new().read(true).open(&lock_path),
            _ => Err(e),
        })
        .map_err(io)?;
    lock.lock().map_err(io)?;

    let sqlite = |e| classify(path, e);
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sqlite)?;
    // A file with tables but no migration run is some other program's: don't add ours.
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .map_err(sqlite)?;
    if found == 0 && tables > 0 {
        return Err(OpenError::Foreign(path.to_path_buf()));
    }
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(OpenError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    // Takes effect on a new, empty file only (before WAL mode and the first table): an
    // import of a million calls into 16 KiB pages writes a quarter as many pages, twice
    // over (WAL, then checkpoint), and took about a quarter less time in SQLite.
    conn.pragma_update(None, "page_size", PAGE_SIZE)
        .map_err(sqlite)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(sqlite)?;
    let result = Migrations::from_slice(MIGRATIONS)
        .to_latest(conn)
        .map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => classify(path, err),
            other => OpenError::Io {
                path: path.to_path_buf(),
                error: std::io::Error::other(other.to_string()),
            },
        });
    // The lock file is released when `lock` drops; it stays on disk, which is harmless.
    drop(lock);
    result
}
