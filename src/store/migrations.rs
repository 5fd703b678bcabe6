//! The schema's migrations, one list with each one's SQLite and PostgreSQL text. An SQLite
//! file is set up at start-up under a file lock, so that two consoles starting together do
//! not both try; a PostgreSQL database is migrated by `carrierdesk db migrate`, as the
//! schema's owner, under an advisory lock, and consoles only check its version.

use super::sql;
use super::{OpenError, classify};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{HookError, M, Migrations};
use std::fs::{File, OpenOptions};
use std::path::Path;

/// One change to the schema, in each engine's dialect.
struct Migration {
    sqlite: &'static str,
    pg: &'static str,
    /// Work on the rows past the SQL, in the same transaction: what SQL cannot compute.
    step: Option<Step>,
}

/// A migration's work in Rust, on each engine.
struct Step {
    sqlite: fn(&rusqlite::Transaction) -> sql::Result<()>,
    pg: fn(&mut postgres::Transaction) -> sql::Result<()>,
}

/// In order; a database records how many it has run (`user_version` on SQLite, the
/// `schema_version` table on PostgreSQL). A change to the schema is a new migration at the
/// end, never an edit of one that has shipped.
const MIGRATIONS: &[Migration] = &[
    Migration {
        sqlite: include_str!("schema.sql"),
        pg: include_str!("pg/v1_schema.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("cdrs_v2.sql"),
        pg: include_str!("pg/v2_cdrs.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("cdrs_v3.sql"),
        pg: include_str!("pg/v3_cdrs.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("change_log_v4.sql"),
        pg: include_str!("pg/v4_change_log.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("audit_host_v5.sql"),
        pg: include_str!("pg/v5_audit_host.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("cdrs_uid_bytes_v6.sql"),
        pg: include_str!("pg/v6_cdrs_uid_bytes.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("settings_v7.sql"),
        pg: include_str!("pg/v7_settings.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("audit_chain_v8.sql"),
        pg: include_str!("pg/v8_audit_chain.sql"),
        step: Some(Step {
            sqlite: super::audit_chain::chain_existing_sqlite,
            pg: super::audit_chain::chain_existing_pg,
        }),
    },
    Migration {
        sqlite: include_str!("sip_users_v9.sql"),
        pg: include_str!("pg/v9_sip_users.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("contacts_v10.sql"),
        pg: include_str!("pg/v10_contacts.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("outbox_v11.sql"),
        pg: include_str!("pg/v11_outbox.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("call_precision_v12.sql"),
        pg: include_str!("pg/v12_call_precision.sql"),
        step: Some(Step {
            sqlite: super::call_precision::to_micros_sqlite,
            pg: super::call_precision::to_micros_pg,
        }),
    },
    Migration {
        sqlite: include_str!("rate_cards_v13.sql"),
        pg: include_str!("pg/v13_rate_cards.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("cdr_rating_v14.sql"),
        pg: include_str!("pg/v14_cdr_rating.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("running_jobs_v15.sql"),
        pg: include_str!("pg/v15_running_jobs.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("recent_traffic_v16.sql"),
        pg: include_str!("pg/v16_recent_traffic.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("cdrs_rowid_v17.sql"),
        pg: include_str!("pg/v17_cdrs_rowid.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("audit_fail_v18.sql"),
        pg: include_str!("pg/v18_audit_fail.sql"),
        step: None,
    },
    Migration {
        sqlite: include_str!("board_order_v19.sql"),
        pg: include_str!("pg/v19_board_order.sql"),
        step: None,
    },
];

/// The schema version this build knows.
pub const KNOWN: i64 = MIGRATIONS.len() as i64;

/// The versions an existing SQLite file goes from and to when it is next opened, if it is
/// behind this build: a step once, which takes a while on a large file (version 17 rebuilds
/// the calls table, about 5 s a million calls), so the command line says so first.
pub fn sqlite_update_due(path: &Path) -> Option<(i64, i64)> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).ok()?;
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .ok()?;
    (found > 0 && found < KNOWN).then_some((found, KNOWN))
}

/// Any number, the same in every carrierdesk: consoles and `db migrate` on several hosts
/// take this lock so that only one of them migrates.
const PG_MIGRATE_LOCK: i64 = 0x0063_6172_7269_6572;

/// The schema version of a PostgreSQL database: 0 when it has none yet.
pub fn pg_version(client: &mut postgres::Client) -> Result<i64, postgres::Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let row = client.query_opt("SELECT version FROM schema_version", &[])?;
    Ok(row.map_or(0, |r| r.get(0)))
}

/// Runs the migrations a PostgreSQL database lacks, in one transaction under an advisory
/// lock; returns the versions before and after. A schema newer than this build is refused.
pub fn migrate_pg(client: &mut postgres::Client) -> Result<(i64, i64), PgMigrateError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PG_MIGRATE_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
    let found = tx
        .query_opt("SELECT version FROM schema_version", &[])?
        .map_or(0, |r| r.get::<_, i64>(0));
    if found > KNOWN {
        return Err(PgMigrateError::TooNew { found });
    }
    for migration in &MIGRATIONS[found as usize..] {
        tx.batch_execute(migration.pg)?;
        if let Some(step) = &migration.step {
            (step.pg)(&mut tx).map_err(PgMigrateError::Step)?;
        }
    }
    tx.execute("DELETE FROM schema_version", &[])?;
    tx.execute(
        "INSERT INTO schema_version (version) VALUES ($1)",
        &[&KNOWN],
    )?;
    tx.commit()?;
    Ok((found, KNOWN))
}

#[derive(Debug, thiserror::Error)]
pub enum PgMigrateError {
    #[error(
        "the database has schema {found}, newer than this carrierdesk knows ({KNOWN}): upgrade carrierdesk"
    )]
    TooNew { found: i64 },
    #[error("{}", super::sql::pg_message(.0))]
    Pg(#[from] postgres::Error),
    #[error("{0}")]
    Step(sql::Error),
}

/// A migration as rusqlite_migration runs it, its step as the hook after the SQL.
fn sqlite_migration(m: &Migration) -> M<'static> {
    let Some(step) = &m.step else {
        return M::up(m.sqlite);
    };
    let run = step.sqlite;
    M::up_with_hook(m.sqlite, move |tx: &rusqlite::Transaction| {
        run(tx).map_err(|e| match e {
            sql::Error::Sqlite(e) => HookError::RusqliteError(e),
            other => HookError::Hook(other.to_string()),
        })
    })
}

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
    let lock = open_lock(&lock_path, path).map_err(io)?;
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
    let known = KNOWN;
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
    let result = Migrations::new(MIGRATIONS.iter().map(sqlite_migration).collect())
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

/// Opens the migrate-lock beside the database, creating it if need be. It holds nothing,
/// and every operator of a shared database must be able to open it (a lock they cannot open
/// would stop their consoles): it is created readable by the database file's group and by
/// no one else, and opened to read only, which is all a lock needs.
fn open_lock(lock_path: &Path, db_path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o640);
    match options.open(lock_path) {
        Ok(lock) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::{MetadataExt, PermissionsExt};
                // Set, not left to the umask, which could take the group's read away.
                lock.set_permissions(std::fs::Permissions::from_mode(0o640))?;
                // The database's group is the one its operators share; only a member may
                // give a file to a group, and a folder with the setgid bit gives it already.
                if let Ok(db) = std::fs::metadata(db_path) {
                    let _ = std::os::unix::fs::fchown(&lock, None, Some(db.gid()));
                }
            }
            Ok(lock)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let lock = File::open(lock_path)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                // One made world-writable by an older version loses that where it is ours.
                let mode = lock.metadata()?.permissions().mode();
                if mode & 0o002 != 0 {
                    let _ = lock.set_permissions(std::fs::Permissions::from_mode(mode & 0o775));
                }
            }
            Ok(lock)
        }
        Err(e) => Err(e),
    }
}
