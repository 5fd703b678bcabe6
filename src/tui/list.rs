//! A list in a pop-up that something can be done to: a bulk edit's preview, a bulk upload's
//! check, the scheduled changes, the calls that matched no customer.

use crate::domain::summary::hms;
use crate::domain::{BulkChange, BulkEdit, Cdr, ScheduleState, ScheduledChange, count};
use crate::service::CustomerImportReport;
use std::path::PathBuf;

/// What the list is, and so what Enter and x do.
pub enum ListKind {
    /// Enter applies the edit to these customers.
    BulkPreview {
        changes: Vec<BulkChange>,
        edit: BulkEdit,
    },
    /// Enter creates the file's customers (when it had no problem).
    Upload { path: PathBuf, ready: bool },
    /// x cancels the scheduled change under the cursor; `ids` line up with the lines.
    Scheduled {
        customer: Option<i64>,
        ids: Vec<i64>,
        /// Whether each is still pending (failed ones are listed too, and cannot be cancelled).
        pending: Vec<bool>,
        /// The change a first x asked about; a second x cancels it.
        armed: Option<i64>,
    },
    /// Lines to read, nothing to do (calls that matched no customer, why an edit was refused).
    Info,
}

pub struct ListView {
    pub title: String,
    pub lines: Vec<String>,
    /// What Enter or x will do, for the bottom line.
    pub footer: String,
    pub cursor: usize,
    pub kind: ListKind,
}

impl ListView {
    pub fn move_cursor(&mut self, delta: isize) {
        self.cursor = self
            .cursor
            .saturating_add_signed(delta)
            .min(self.lines.len().saturating_sub(1));
    }
}

pub const SCHEDULED_FOOTER: &str =
    "x cancels the change under the cursor (asks first) · Esc closes";

impl ListView {
    /// A bulk upload's check: the customers it would create, or every problem.
    pub fn upload(path: PathBuf, report: &CustomerImportReport) -> ListView {
        let ready = report.problems.is_empty() && !report.customers.is_empty();
        let lines = if report.problems.is_empty() {
            report
                .customers
                .iter()
                .map(|c| {
                    format!(
                        "line {}: {} ({})",
                        c.line,
                        c.customer.name,
                        c.customer.currency.code()
                    )
                })
                .collect()
        } else {
            report.problems.iter().map(|p| p.to_string()).collect()
        };
        let (title, footer) = if ready {
            (
                format!(
                    "Bulk upload: {} to create",
                    count(report.customers.len(), "customer")
                ),
                "Enter creates them all in one transaction · Esc cancels".to_string(),
            )
        } else if report.problems.is_empty() {
            (
                "Bulk upload: the file has no customers".into(),
                "Esc closes".into(),
            )
        } else {
            (
                format!(
                    "Bulk upload: {}, nothing created",
                    count(report.problems.len(), "problem")
                ),
                "Fix the file and upload it again · Esc closes".to_string(),
            )
        };
        ListView {
            title,
            lines,
            footer,
            cursor: 0,
            kind: ListKind::Upload { path, ready },
        }
    }

    /// The calls that matched no customer, oldest first: what to add as an account code or a
    /// SIP user before importing the file again, which then claims them.
    pub fn unmatched(count: i64, calls: &[Cdr]) -> ListView {
        let lines = calls
            .iter()
            .map(|c| {
                let account = if c.account_code.is_empty() {
                    "-"
                } else {
                    &c.account_code
                };
                format!(
                    "{} UTC  account {account}  {}  {} → {}  {}  {}",
                    chrono::DateTime::from_timestamp(c.start_at, 0).map_or_else(
                        || c.start_at.to_string(),
                        |t| t.format("%Y-%m-%d %H:%M:%S").to_string()
                    ),
                    c.channel,
                    c.src,
                    c.dst,
                    c.disposition,
                    hms(c.duration_s),
                )
            })
            .collect::<Vec<_>>();
        let more = count - calls.len() as i64;
        ListView {
            title: format!("Unmatched CDRs ({count})"),
            footer: if count == 0 {
                "Every imported call has its customer · Esc closes".into()
            } else if more > 0 {
                format!(
                    "The oldest {} shown; `carrierdesk import cdrs --unmatched` lists more · Esc closes",
                    calls.len()
                )
            } else {
                "Give a customer the calls' account code (e, Config tab), then import the file again · Esc closes".into()
            },
            lines,
            cursor: 0,
            kind: ListKind::Info,
        }
    }

    /// Pending changes, and failed ones with their reason until they are dealt with.
    pub fn scheduled(customer: Option<i64>, changes: &[ScheduledChange]) -> ListView {
        let lines = changes
            .iter()
            .map(|c| {
                let outcome = c.outcome().map_or_else(String::new, |o| format!("  {o}"));
                format!(
                    "{} UTC  {}  {}  by {}{outcome}",
                    c.due_at.replace('T', " ").trim_end_matches('Z'),
                    c.customer_name.as_deref().unwrap_or("(deleted)"),
                    c.summary,
                    c.author
                )
            })
            .collect::<Vec<_>>();
        let failed = changes
            .iter()
            .filter(|c| c.state == ScheduleState::Failed)
            .count();
        let pending = changes.len() - failed;
        ListView {
            title: match failed {
                0 => format!("Scheduled changes ({pending} pending)"),
                _ => format!("Scheduled changes ({pending} pending, {failed} failed)"),
            },
            footer: if changes.is_empty() {
                "Nothing is scheduled · Esc closes".into()
            } else {
                SCHEDULED_FOOTER.into()
            },
            lines,
            cursor: 0,
            kind: ListKind::Scheduled {
                customer,
                ids: changes.iter().map(|c| c.id).collect(),
                pending: changes
                    .iter()
                    .map(|c| c.state == ScheduleState::Pending)
                    .collect(),
                armed: None,
            },
        }
    }
}
