//! CDR files: the formats found in the field, reading and checking their rows, matching a
//! row to its customer, rating it, and rolling imported calls up per customer and hour.
//! No database here: the service hands the results to the store.

mod file;
mod layout;
mod matching;
pub mod native;
pub mod request;
mod rollup;
pub mod sample;
pub mod time;

pub use file::{Batch, CdrFile, Checked, CheckedRows, Record, RejectFile, Row, uid_taken};
pub use matching::Matcher;
pub use rollup::Totals;
pub use time::FileZone;

use std::fmt;

/// The CDR formats an import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// carrierdesk's own CSV, with a header row and the price of each call (see `native`).
    Native,
    /// Asterisk cdr_csv, Master.csv: accountcode first; 16 fields, up to 21 on newer versions.
    Asterisk,
    /// Asterisk cdr_custom with the mapping shipped in cdr_custom.conf.sample: clid first,
    /// accountcode after amaflags.
    AsteriskCustom,
    /// FreeSWITCH mod_cdr_csv: the 13-field default template, or the 15-field "example".
    FreeSwitch,
}

impl Format {
    pub const ALL: [Format; 4] = [
        Format::Native,
        Format::Asterisk,
        Format::AsteriskCustom,
        Format::FreeSwitch,
    ];

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Format::Native => "carrierdesk CSV",
            Format::Asterisk => "Asterisk cdr_csv (Master.csv)",
            Format::AsteriskCustom => "Asterisk cdr_custom",
            Format::FreeSwitch => "FreeSWITCH cdr_csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A column of a CDR format, named as the format's documentation names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    /// Zero-based position in the row.
    pub index: usize,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (column {})", self.name, self.index + 1)
    }
}

/// Why one row of a file cannot be imported: `line 12, field start (column 10): ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// One-based line of the file where the row starts, as an editor numbers it.
    pub line: u64,
    pub field: Option<Field>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}, field {field}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for RowError {}
