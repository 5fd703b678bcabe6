//! Types and rules with no I/O. Everything above builds on these.

pub mod audit;
pub mod audit_chain;
pub mod board_columns;
pub mod bulk;
pub mod cdr;
pub mod change;
pub mod completion;
pub mod contact;
pub mod customer;
pub mod draft;
pub mod field_diff;
pub mod filter;
pub mod ip_list;
mod json_text;
pub mod message;
pub mod money;
pub mod notes_guard;
pub mod number_block;
pub mod phone;
pub mod portal_password;
pub mod rate_card;
pub mod rater;
pub mod rating;
pub mod schedule;
pub mod search;
pub mod selection;
pub mod settings;
pub mod sip_export;
pub mod sip_user;
pub mod summary;
pub mod summary_table;
pub mod text_rule;
pub mod when;

pub use audit::{Actor, AuditEntry, Verb};
pub use bulk::{BulkChange, BulkEdit};
pub use cdr::{Cdr, CdrCustomer};
pub use change::{Change, Changes, Scope, Topic};
pub use contact::{Category, Contact, ContactDraft, ContactSpec};
pub use customer::{BoardRow, Customer, InvoiceSchedule, Status};
pub use draft::{CustomerDraft, Field, FieldChange, FieldError};
pub use filter::{Filter, FilterError};
pub use money::{Currency, Money};
pub use number_block::NumberBlock;
pub use rating::Tariff;
pub use schedule::{ScheduleState, ScheduledChange};
pub use selection::{Aggregate, Cell, ColumnFigures, Metric, Selection};
pub use sip_user::{SipUser, SipUserDraft, SipUserSpec};
pub use summary::{Period, SummaryRow, Traffic};

/// "1 problem", "2 problems", "0 problems": a count and its noun, agreeing.
pub fn count<N>(n: N, noun: &str) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    if n == N::from(1) {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A UTC time as carrierdesk stores and prints it: RFC 3339 with seconds and a Z.
pub fn utc_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
