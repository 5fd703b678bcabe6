//! Types and rules with no I/O. Everything above builds on these.

pub mod audit;
pub mod cdr;
pub mod contact;
pub mod customer;
pub mod money;
pub mod rating;
pub mod selection;
pub mod summary;
pub mod summary_table;

pub use audit::{Actor, AuditEntry, Verb};
pub use cdr::{Cdr, CdrCustomer};
pub use contact::{Contact, NumberBlock};
pub use customer::{BoardRow, Customer, InvoiceSchedule, Status};
pub use money::{Currency, Money};
pub use rating::Tariff;
pub use selection::{Aggregate, Cell, ColumnFigures, Metric, Selection};
pub use summary::{Period, SummaryRow, Traffic};
