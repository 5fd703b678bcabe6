//! The operations users perform. Each validates with domain/, runs one IMMEDIATE
//! transaction, writes its audit row in that same transaction, and commits.
//! The TUI and the CLI both call these: one code path for a change.

mod actor;
mod customers;
pub mod demo;
pub mod import;
mod summary;

pub use actor::actor_from_env;
pub use customers::CardData;
pub use import::{CustomerRef, FileReport, ImportOptions, ImportProgress, ImportReport};

use crate::cdr::RowError;
use crate::domain::Customer;
use crate::store::{OpenError, Store};
use std::path::{Path, PathBuf};

/// Why an operation did not happen, worded for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("customer {0} does not exist")]
    NotFound(i64),
    #[error("another operator saved customer {} first; reload to see their change", .0.id)]
    Conflict(Box<Customer>),
    /// A row of an import file that cannot be understood: `calls.csv line 12, field ...`.
    #[error("{} {error}", path.display())]
    BadRow { path: PathBuf, error: RowError },
    /// A file that cannot be read or written, or whose format is not known.
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    #[error("database: {0}")]
    Db(rusqlite::Error),
}

// By hand rather than `#[from]`, which would also make the inner error a `source` and
// print its text twice in an error chain.
impl From<rusqlite::Error> for ServiceError {
    fn from(e: rusqlite::Error) -> Self {
        ServiceError::Db(e)
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

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Changes when any connection commits; polled to notice other operators' work.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.store.data_version()?)
    }
}
