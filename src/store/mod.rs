//! The only code that writes SQL, for SQLite and PostgreSQL behind one interface
//! (`sql.rs`): opening the database, migrations, typed queries, copies between engines.

mod audit;
mod audit_chain;
mod board;
mod call_precision;
mod cdrs;
mod change_log;
mod contacts;
pub mod copy;
mod customers;
pub mod listen;
mod migrations;
mod number_blocks;
mod outbox;
pub mod pg_config;
mod rate_cards;
mod rating;
mod recent_traffic;
mod rows;
mod running_jobs;
mod schedule;
mod settings;
mod sip_users;
pub mod sql;
mod summary;
mod waits;

pub use audit::NewAudit;
pub use migrations::KNOWN as SCHEMA_VERSION;
pub use migrations::sqlite_update_due;
pub use running_jobs::{RunningJob, finish_job};
pub use sql::{Error, Tx};
pub use waits::Patience;

use rusqlite::{Connection, ErrorCode, OpenFlags};
use sql::Conn;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

/// Changed pages a write transaction keeps in memory before it spills them to the file:
/// 256 MiB of 16 KiB pages, as much as an import's cache.
const SPILL_PAGES: i64 = 16_384;

/// Why a database could not be opened, worded for the person who typed the path.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the directory {0} does not exist")]
    NoDirectory(PathBuf),
    #[error("{0} is not a carrierdesk database (the file is not an SQLite database)")]
    NotADatabase(PathBuf),
    #[error("{0} is a directory, not a database file")]
    IsADirectory(PathBuf),
    #[error(
        "{0} is another program's SQLite database (it has tables, none of carrierdesk's): carrierdesk leaves it alone"
    )]
    Foreign(PathBuf),
    #[error(
        "{0} is read-only for you, and carrierdesk writes (the audit log, at least): ask for write access to the file and its folder"
    )]
    ReadOnly(PathBuf),
    #[error(
        "{path} was written by a newer carrierdesk (schema {found}, this one knows up to {known}); upgrade carrierdesk"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    // The inner errors are part of the message, not a `source`, so that printing the
    // error chain does not say the same thing twice.
    #[error("cannot open {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot open {path}: {error}")]
    Sqlite {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error("{url}: {message}")]
    Server { url: String, message: String },
    #[error(
        "{url} has schema {found} and this carrierdesk needs {known}: run `carrierdesk db migrate --db URL` as the schema's owner first"
    )]
    NotMigrated { url: String, found: i64, known: i64 },
    #[error(
        "{url} has schema {found}, newer than this carrierdesk knows ({known}): upgrade carrierdesk on this host"
    )]
    ServerTooNew { url: String, found: i64, known: i64 },
}

/// Connects to a PostgreSQL server as libpq would (password from the URL, PGPASSWORD or
/// ~/.pgpass; sslmode and sslrootcert over rustls).
fn connect(url: &str) -> Result<postgres::Client, OpenError> {
    let fail = |message: String| OpenError::Server {
        url: redacted(url),
        message,
    };
    let settings = pg_config::PgSettings::parse(url).map_err(|e| fail(e.to_string()))?;
    settings.connect().map_err(|e| fail(e.to_string()))
}

fn server(url: &str, e: &postgres::Error) -> OpenError {
    OpenError::Server {
        url: redacted(url),
        message: sql::pg_message(e),
    }
}

/// Where the shared database is: an SQLite file, or a PostgreSQL database named by a
/// `postgres://` (or `postgresql://`) URL, as `--db` and `CARRIERDESK_DB` give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Server(String),
}

impl std::str::FromStr for Location {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Location, Self::Err> {
        Ok(if pg_config::is_pg_url(text) {
            Location::Server(text.to_string())
        } else {
            Location::File(PathBuf::from(text))
        })
    }
}

impl std::fmt::Display for Location {
    /// A file's path; a server's URL without its password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Server(url) => f.write_str(&redacted(url)),
        }
    }
}

/// A URL without its password, for messages and logs.
pub fn redacted(url: &str) -> String {
    let bare = pg_config::Environment::default();
    pg_config::PgSettings::parse_with(url, &bare)
        .map(|settings| settings.redacted())
        .unwrap_or_else(|e| format!("a PostgreSQL URL that does not parse ({e})"))
}

/// One connection to the shared database: an SQLite file, or a PostgreSQL server.
pub struct Store {
    conn: Conn,
    location: Location,
    /// What its writers do when another operator's long job (an import) holds the write lock.
    patience: Patience,
    /// The job a write last gave up on (`Patience::Defer`), until taken.
    deferred: std::cell::Cell<Option<RunningJob>>,
    /// Write transactions begun: whether an operation wrote before a write gave up.
    writes: std::cell::Cell<u64>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// A new file is created readable and writable by its owner only.
    pub fn open(path: &Path) -> Result<Store, OpenError> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(dir) = dir
            && !dir.is_dir()
        {
            return Err(OpenError::NoDirectory(dir.to_path_buf()));
        }
        if path.is_dir() {
            return Err(OpenError::IsADirectory(path.to_path_buf()));
        }
        create_private(path).map_err(|error| OpenError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        let sqlite = |source: rusqlite::Error| classify(path, source);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sqlite)?;
        conn.busy_timeout(waits::TRY).map_err(sqlite)?;
        // SQLite quietly opens a file it may not write read-only; the first save would fail.
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(sqlite)? {
            return Err(OpenError::ReadOnly(path.to_path_buf()));
        }
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(sqlite)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sqlite)?;
        // SQLite's own 2 MB page cache, and no memory map of the file: a mapped page counts
        // in the console's resident memory, and the kernel maps the neighbours of each page
        // read too (in a file whose tables interleave, most of the file after one board
        // load). A large write keeps its changed pages in memory rather than spill them into
        // the WAL half way and write them again at commit; they are let go after it.
        conn.pragma_update(None, "cache_spill", SPILL_PAGES)
            .map_err(sqlite)?;
        let mut conn = conn;
        migrations::set_up(&mut conn, path)?;
        Ok(Store::new(
            Conn::Sqlite(conn),
            Location::File(path.to_path_buf()),
        ))
    }

    /// Opens the database at `location`. A PostgreSQL database must have been migrated
    /// (`carrierdesk db migrate`) to the schema this build knows.
    pub fn open_at(location: &Location) -> Result<Store, OpenError> {
        let url = match location {
            Location::File(path) => return Store::open(path),
            Location::Server(url) => url,
        };
        let mut client = connect(url)?;
        let found = migrations::pg_version(&mut client).map_err(|e| server(url, &e))?;
        if found > migrations::KNOWN {
            return Err(OpenError::ServerTooNew {
                url: redacted(url),
                found,
                known: migrations::KNOWN,
            });
        }
        if found < migrations::KNOWN {
            return Err(OpenError::NotMigrated {
                url: redacted(url),
                found,
                known: migrations::KNOWN,
            });
        }
        Ok(Store::new(
            Conn::Pg(Box::new(std::cell::RefCell::new(sql::PgConn::new(client)))),
            location.clone(),
        ))
    }

    /// Brings a PostgreSQL database's schema up to date: run by its owner role, never by
    /// consoles. Returns the versions before and after.
    pub fn migrate(url: &str) -> Result<(i64, i64), OpenError> {
        let mut client = connect(url)?;
        migrations::migrate_pg(&mut client).map_err(|e| OpenError::Server {
            url: redacted(url),
            message: e.to_string(),
        })
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// How this console hears other connections' commits: None where it polls the change
    /// log (SQLite, told by `data_version` that something changed); a listener where the
    /// server notifies them, in commit order (PostgreSQL).
    pub fn listener(&self) -> Option<listen::Listener> {
        match &self.location {
            Location::File(_) => None,
            Location::Server(url) => Some(listen::Listener::new(url)),
        }
    }

    /// Whether the server tells of commits itself (`listener`), so that the change log
    /// need not be polled.
    pub fn notifies(&self) -> bool {
        matches!(self.location, Location::Server(_))
    }

    /// The server's connection is gone (it restarted, the network went): open anew.
    pub fn is_lost(&self) -> bool {
        match &self.conn {
            Conn::Sqlite(_) => false,
            Conn::Pg(conn) => conn.try_borrow().is_ok_and(|c| c.client.is_closed()),
        }
    }

    fn new(conn: Conn, location: Location) -> Store {
        Store {
            conn,
            location,
            patience: Patience::default(),
            deferred: std::cell::Cell::new(None),
            writes: std::cell::Cell::new(0),
        }
    }

    /// Every write goes through here: it waits for the write lock as `patience` says.
    pub(crate) fn write(&mut self) -> sql::Result<Tx<'_>> {
        let tx = waits::write(&self.conn, &mut self.patience);
        match &tx {
            Ok(_) => self.writes.set(self.writes.get() + 1),
            Err(Error::JobRunning(job)) => self.deferred.set(Some(job.clone())),
            Err(_) => {}
        }
        tx
    }

    /// How many write transactions this connection has begun.
    pub fn writes_begun(&self) -> u64 {
        self.writes.get()
    }

    /// What writers do when another operator's long job (an import) holds the write lock.
    pub fn set_patience(&mut self, patience: Patience) {
        self.patience = patience;
    }

    /// The job a write gave up on since the last call (`Patience::Defer`), if any.
    pub fn take_deferred(&self) -> Option<RunningJob> {
        self.deferred.take()
    }

    /// A read transaction: the queries on it see one consistent snapshot.
    pub(crate) fn read(&self) -> sql::Result<Tx<'_>> {
        self.conn.read()
    }

    /// A number that changes whenever another connection commits (PRAGMA data_version).
    /// None on PostgreSQL, which tells of commits by notification instead.
    pub fn data_version(&self) -> sql::Result<Option<i64>> {
        match &self.conn {
            Conn::Sqlite(c) => Ok(Some(c.query_row("PRAGMA data_version", [], |r| r.get(0))?)),
            Conn::Pg(_) => Ok(None),
        }
    }

    /// The role stored for an operator, if the operators table names them.
    pub fn operator_role(&self, name: &str) -> sql::Result<Option<String>> {
        self.read()?.query_opt(
            "SELECT role FROM operators WHERE name = ?1",
            &crate::vals![name],
            |r| r.get(0),
        )
    }
}

/// Creates the file with mode 0600 if it does not exist yet, so that SQLite (which copies
/// the database file's mode to its -wal and -shm files) never makes it world-readable.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn classify(path: &Path, error: rusqlite::Error) -> OpenError {
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => OpenError::NotADatabase(path.to_path_buf()),
        Some(ErrorCode::ReadOnly) => OpenError::ReadOnly(path.to_path_buf()),
        _ => OpenError::Sqlite {
            path: path.to_path_buf(),
            error,
        },
    }
}

/// Now, as stored: RFC 3339 UTC with seconds.
pub fn now_text() -> String {
    time_text(chrono::Utc::now())
}

pub use crate::domain::utc_text as time_text;

pub use cdrs::{CdrWriter, Stored, cdr_customers, note_last_call, sip_users};
pub use change_log::record_changes;
pub use contacts::{
    all_contacts, contact_email_holder, contact_owner, delete_contact, get_contact, get_contacts,
    insert_contact, password_hash, set_password_hash, set_primary, update_contact,
};
pub use customers::{
    account_code_holder, customer_named, customer_ties, delete_customer, get_customer,
    get_customers, insert_customer, update_customer,
};
pub use number_blocks::{
    block_holding, blocks_for_assignment, delete_block, get_block, get_number_blocks,
    insert_number_block, list_blocks,
};
pub use outbox::{
    Finish, NewMessage, claim as claim_outbox, enqueue, finish as finish_outbox, record_sent_now,
};
pub use rate_cards::{
    all_versions, card_named, card_versions, customers_of_card, delete_card, insert_card,
    insert_version, list_cards, rows_with_prefixes, settings_naming_card, version_rows,
};
pub use rating::{assign_card, calls_between, customer_cards, rater, reprice_calls};
pub use schedule::{
    NewScheduled, cancel_pending_for, finish_scheduled, get_scheduled, insert_scheduled,
    list_scheduled, next_due, retry_scheduled,
};
pub use settings::{StoredSetting, setting_for_update, write_setting};
pub use sip_users::{
    Digests, clear_sip_digests, delete_sip_user, get_sip_user, get_sip_users, insert_sip_user,
    list_sip_users, set_sip_digests, sip_channel_sum, sip_username_holder, sip_users_for_switch,
    update_sip_user,
};
pub use summary::HourlyWriter;
