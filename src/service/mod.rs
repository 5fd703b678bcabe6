//! The operations users perform. Each validates with domain/, runs one IMMEDIATE
//! transaction, writes its audit row in that same transaction, and commits with the
//! change-log rows of what it changed (`commit`).
//! The TUI and the CLI both call these: one code path for a change.

mod actor;
mod bulk;
pub mod bulk_upload;
mod contacts;
mod couriers;
mod customers;
pub mod demo;
pub mod import;
mod number_blocks;
mod outbox;
mod rate_cards;
mod rating;
mod schedule;
mod settings;
mod sip_users;
mod summary;

pub use actor::actor_from_env;
pub use bulk::BulkReport;
pub use bulk_upload::{CustomerImportReport, ImportProblem, ImportedCustomer};
pub use contacts::{PortalView, SavedContact};
pub use couriers::Couriers;
pub use customers::CardData;
pub use import::{CustomerRef, FileReport, ImportOptions, ImportProgress, ImportReport};
pub use outbox::{Courier, Delivered, SendPlan, sender_name};
pub use rate_cards::{CardImport, CardImportReport, CardRows, CardSummary, Priced};
pub use rating::RerateReport;
pub use schedule::ApplyReport;
pub use settings::{Setting, SettingChange};
pub use sip_users::{PasswordChoice, SavedSipUser, SwitchExport};

use crate::cdr::RowError;
use crate::domain::audit_chain::{Anchor, Break};
use crate::domain::{Actor, Change, Changes, Customer, FieldError};
use crate::store::{self, OpenError, Store, Tx};
use std::fmt;
use std::path::{Path, PathBuf};

/// Why an operation did not happen, worded for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// Fields that break the rules, each message naming its field.
    #[error("{}", lines(.0))]
    InvalidFields(Vec<FieldError>),
    /// A change to many customers that breaks the rules for some of them; nothing was written.
    #[error("{}", lines(.0))]
    InvalidCustomers(Vec<CustomerError>),
    #[error("customer {0} does not exist")]
    NotFound(i64),
    #[error("scheduled change {0} does not exist")]
    ScheduledNotFound(i64),
    /// A row other than a customer that does not exist: "SIP user 7 does not exist".
    #[error("{what} {id} does not exist")]
    Missing { what: &'static str, id: i64 },
    #[error("another operator saved customer {} first; reload to see their change", .0.id)]
    Conflict(Box<Customer>),
    /// A setting or a value the settings refuse, in one line that names the key.
    #[error("{0}")]
    Setting(String),
    #[error(
        "another operator changed {} first (now {}); reload to see their change",
        .0.key,
        .0.value.as_deref().unwrap_or("unset")
    )]
    SettingConflict(Box<Setting>),
    #[error(
        "another operator changed SIP user {} first; reload to see their change",
        .0.spec.username
    )]
    SipUserConflict(Box<crate::domain::SipUser>),
    #[error(
        "another operator changed contact {} first; reload to see their change",
        .0.spec.name
    )]
    ContactConflict(Box<crate::domain::Contact>),
    /// A row of an import file that cannot be understood: `calls.csv line 12, field ...`.
    #[error("{} {error}", path.display())]
    BadRow { path: PathBuf, error: RowError },
    /// Problems in a rate-card file, each with its line and field; nothing was imported.
    #[error("{}: nothing imported, {}:\n{}", path.display(), crate::domain::count(.problems.len(), "problem"), lines(.problems))]
    CardProblems {
        path: PathBuf,
        problems: Vec<crate::domain::rate_card::CardProblem>,
    },
    #[error("there is no rate card named {0} (carrierdesk rates list shows them)")]
    NoCard(String),
    /// A file that cannot be read or written, or whose format is not known.
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    /// Customers that must be kept; nothing was deleted.
    #[error(
        "nothing deleted: customers with invoices or calls on record are kept for billing; set them Inactive instead\n{}",
        lines(.0)
    )]
    Kept(Vec<KeptCustomer>),
    /// A wait for the write lock that ended says so in its own words; anything else is
    /// the database's.
    #[error("{}", if .0.is_busy() { .0.to_string() } else { format!("database: {}", .0) })]
    Db(store::Error),
}

impl ServiceError {
    /// True when another connection held the write lock past the busy timeout: worth
    /// trying again later, nothing to tell the operator about.
    pub fn is_busy(&self) -> bool {
        matches!(self, ServiceError::Db(e) if e.is_busy())
    }

    /// True when the operation was refused by a rule and nothing changed, as opposed to
    /// a failure of the database or the file system.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            ServiceError::Invalid { .. }
                | ServiceError::InvalidFields(_)
                | ServiceError::InvalidCustomers(_)
                | ServiceError::Kept(_)
                | ServiceError::BadRow { .. }
                | ServiceError::CardProblems { .. }
                | ServiceError::Setting(_)
        )
    }
}

fn lines<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A rule broken by one customer of a bulk change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerError {
    pub id: i64,
    pub name: String,
    pub error: FieldError,
}

impl fmt::Display for CustomerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (#{}): {}", self.name, self.id, self.error)
    }
}

/// A customer that cannot be deleted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptCustomer {
    pub id: i64,
    pub name: String,
    /// "3 invoices, 1204 calls".
    pub reason: String,
}

impl fmt::Display for KeptCustomer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (#{}): {}", self.name, self.id, self.reason)
    }
}

// By hand rather than `#[from]`, which would also make the inner error a `source` and
// print its text twice in an error chain.
impl From<store::Error> for ServiceError {
    fn from(e: store::Error) -> Self {
        // SQLite's own "database is locked", from a write outside `Store::write`'s waits,
        // in the words of those waits.
        ServiceError::Db(match e {
            store::Error::Sqlite(_) if e.is_busy() => store::Error::Busy,
            other => other,
        })
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;

/// The operations, over one connection to the shared database.
pub struct Service {
    store: Store,
}

impl Service {
    pub fn open(path: &Path) -> std::result::Result<Service, OpenError> {
        Ok(Service {
            store: Store::open(path)?,
        })
    }

    /// Opens the database at a file path or a PostgreSQL URL.
    pub fn open_at(location: &store::Location) -> std::result::Result<Service, OpenError> {
        Ok(Service {
            store: Store::open_at(location)?,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What writes do when another operator's import holds the write lock.
    pub fn set_patience(&mut self, patience: store::Patience) {
        self.store.set_patience(patience);
    }

    /// Runs `work`, a long write (`job` says what it is: "import"), recorded as running
    /// (`store::RunningJob`) from before it takes the write lock until it commits, so
    /// that writers it keeps waiting can say whose it is and wait for it. `work` gets the
    /// record's id and removes the record in its own transaction (`store::finish_job`),
    /// which commits or rolls back with it; a failed job's record is removed here.
    fn recorded<T>(
        &mut self,
        actor: &Actor,
        job: &str,
        work: impl FnOnce(&mut Service, i64) -> Result<T>,
    ) -> Result<T> {
        let record = self.store.start_job(&actor.name, job, &store::now_text())?;
        let done = work(self, record);
        if done.is_err()
            && let Err(e) = self.store.end_job(record)
        {
            tracing::warn!("the record of a failed {job} stays: {e}");
        }
        done
    }

    /// Changes when any connection commits; polled to notice other operators' work.
    pub fn data_version(&self) -> Result<Option<i64>> {
        Ok(self.store.data_version()?)
    }

    /// Walks the audit log's hash chain: how many rows, and the first break if any. It reads
    /// one snapshot and writers go on meanwhile.
    pub fn verify_audit(&self, anchor: Option<Anchor>) -> Result<(u64, Option<Break>)> {
        Ok(self.store.verify_audit(anchor)?)
    }

    /// The last audit row as `ID:HASH`, to keep outside the database; None while empty.
    pub fn audit_head(&self) -> Result<Option<Anchor>> {
        Ok(self.store.audit_head()?)
    }

    /// Where the change log is now; read before loading, then pass to `changes_since`.
    pub fn change_seq(&self) -> Result<i64> {
        Ok(self.store.latest_change_seq()?)
    }

    /// What other commits since `seq` changed (this connection's own included), and the
    /// seq to ask from next; `Changes::everything()` when that is no longer known.
    pub fn changes_since(&self, seq: i64) -> Result<(i64, Changes)> {
        Ok(self.store.changes_since(seq)?)
    }
}

/// Commits an operation's transaction with a change-log row per topic it changed, so
/// that other consoles reload just that: every write ends here, not in `tx.commit()`.
/// The log's clock is the wall clock, whatever time the operation itself was given.
fn commit(tx: Tx<'_>, changes: impl IntoIterator<Item = Change>) -> Result<()> {
    store::record_changes(&tx, &changes.into_iter().collect(), chrono::Utc::now())?;
    tx.commit()?;
    Ok(())
}
