//! A list in a pop-up that something can be done to: a bulk edit's preview, a bulk upload's
//! check, the scheduled changes, the calls that matched no customer.

use crate::domain::BulkChange;
use crate::domain::BulkEdit;
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
