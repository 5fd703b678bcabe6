//! A one-line question with a text field: a file path to import, a name to confirm.

use ratatui_textarea::TextArea;

/// What the answer is for; decides what Enter does with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Import the CDR files at the typed path(s), separated by spaces.
    ImportCdrs,
    /// The UTC time at which the open form's change applies (Delay and Save).
    DelayUntil,
    /// Delete these customers once the answer is `expected` (a name, or their count).
    ConfirmDelete { ids: Vec<i64>, expected: String },
    /// Check a customers CSV file (then offer to create them).
    BulkUpload,
}

impl Purpose {
    /// What an empty answer is missing.
    pub fn expects(&self) -> &'static str {
        match self {
            Purpose::ImportCdrs | Purpose::BulkUpload => "Type a file path first",
            Purpose::DelayUntil => "Type a date and time first",
            Purpose::ConfirmDelete { .. } => "Type the name (or the count) to confirm",
        }
    }
}

pub struct Prompt {
    pub purpose: Purpose,
    pub title: String,
    /// A line under the field saying what is expected.
    pub hint: String,
    pub input: TextArea<'static>,
    /// Why the last answer was refused.
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(purpose: Purpose, title: &str, hint: &str) -> Prompt {
        Prompt {
            purpose,
            title: title.to_string(),
            hint: hint.to_string(),
            input: TextArea::default(),
            error: None,
        }
    }

    pub fn answer(&self) -> String {
        self.input.lines().join(" ").trim().to_string()
    }
}
