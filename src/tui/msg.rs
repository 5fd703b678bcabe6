//! What flows through the console: input events, the effects screens ask for, and the
//! replies that come back. A leaf: it imports nothing else of tui/, so every screen and
//! the database thread can use it without a cycle, and nothing outside tui/ imports it.

mod queue;
pub use queue::merge_loads;

use crate::cdr::request::{Completion, ImportRequest};
use crate::domain::board_columns::ColumnId;
use crate::domain::change::Changes;
use crate::domain::contact::Category;
use crate::domain::message::{Kind, Outgoing, Template};
use crate::domain::rate_card::{Card, PrefixTable, Version};
use crate::domain::search::{ContactMatches, Search};
use crate::domain::summary::Period;
use crate::domain::{
    AuditEntry, BoardRow, BulkChange, BulkEdit, Cdr, Contact, ContactDraft, Customer, FieldError,
    ScheduledChange, SipUser, SipUserDraft, SummaryRow,
};
use crate::service::{CardData, CardSummary, CustomerImportReport, PortalView, SendPlan, Setting};
use crossterm::event::{KeyEvent, MouseEvent};
use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;

/// Something that happened: input from the terminal, or a reply.
#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    /// The terminal's new size, in columns and rows.
    Resize(u16, u16),
    /// Boxed: a reply can be large (a customer, a card) and input events are small.
    Reply(Box<Reply>),
}

/// A reply from the database thread, or a note one screen leaves for those below it.
/// Replies are offered to the screens from the top; one that no screen takes is stale
/// (its screen closed meanwhile) and is dropped.
#[derive(Debug)]
pub enum Reply {
    /// Board rows; `complete` is false for the quick first screen sent before the rest.
    BoardLoaded {
        rows: Result<Vec<BoardRow>, String>,
        complete: bool,
        /// The `default_country` setting: a phone number searched for in a national form
        /// is read as one of this country.
        country: Option<String>,
    },
    /// Fresh rows of some customers; `gone` were deleted.
    BoardRowsLoaded {
        rows: Result<Vec<BoardRow>, String>,
        gone: Vec<i64>,
    },
    /// The customers whose contacts hold a board search's words.
    ContactMatches(Result<ContactMatches, String>),
    CardLoaded(i64, Result<CardData, String>),
    AuditLoaded(i64, Result<Vec<AuditEntry>, String>),
    SummaryLoaded {
        customer: i64,
        period: Period,
        rows: Result<Vec<SummaryRow>, String>,
    },
    Saved {
        result: Result<Customer, SaveError>,
        /// The form stays open ("Save and Stay").
        stay: bool,
    },
    /// What other operators (or this console) committed since the last look.
    Changed(Changes),
    /// A line for the status bar.
    Notice(Level, String),
    /// Every rate card, with its versions in force now and next.
    RateCardsLoaded(Result<Vec<CardSummary>, String>),
    /// A card's rows in force now, in a table that prices numbers.
    RateCardLoaded {
        name: String,
        result: Result<Box<LoadedCard>, String>,
    },
    /// Delay and Save stored the change (a line saying when and what), or why not.
    Scheduled(Result<String, String>),
    /// A long job's progress, as a line to show.
    Progress(String),
    /// A job ended (a delete, a bulk edit, an upload): its report or why it failed.
    Finished(Level, String),
    /// A bulk edit was saved: its report. The board clears its marks, then it ends the job
    /// as `Finished` does.
    BulkApplied(String),
    /// The customer to edit, loaded.
    EditReady(Result<Customer, String>),
    /// Every setting, in `settings::KEYS` order.
    SettingsLoaded(Result<Vec<Setting>, String>),
    /// A setting saved or unset (`key` as sent), or why not.
    SettingChanged {
        key: String,
        result: Result<Setting, SettingRefusal>,
        /// What the change means beyond itself (`Service::setting_note`).
        note: Option<String>,
    },
    BulkPreviewed(Result<Vec<BulkChange>, String>),
    /// A bulk upload's dry run: what it would create, or every problem.
    UploadChecked {
        path: PathBuf,
        result: Result<CustomerImportReport, String>,
    },
    ScheduledLoaded {
        customer: Option<i64>,
        result: Result<Vec<ScheduledChange>, String>,
    },
    /// A delete ended: these customers are gone (their card and forms close) and a line
    /// saying so, or why nothing was deleted.
    Deleted(Result<(Vec<i64>, String), String>),
    /// The customer a card or form was loading no longer exists.
    CustomerGone(i64),
    /// A CDR import ended: its one line and its details, or why nothing was imported.
    Imported(Result<(String, String), String>),
    /// How many calls a list of calls holds, and the first of them.
    CallsLoaded(CallList, Result<(i64, Vec<Cdr<'static>>), String>),
    /// Notes between screens, never from the database:
    /// the column chooser's choice, for the board.
    ColumnsChosen(Vec<ColumnId>),
    /// The Delay-and-Save prompt's time, for the form below it.
    DelayChosen(chrono::DateTime<chrono::Utc>),
    /// The palette's `set FIELD VALUE`, for the board: a bulk edit of the marked customers.
    SetFields(crate::domain::BulkEdit),
    /// A filter line saved under a name, for the board.
    FilterSaved {
        name: String,
        line: String,
    },
    /// A previewed bulk edit went to be applied: its form closes.
    BulkSent,
    /// A card closed with these Summary rows ticked: reopening it keeps them.
    CardClosed {
        id: i64,
        ticked: HashSet<(Period, i64)>,
    },
    /// Number blocks and SIP users.
    Sip(SipReply),
    Contact(ContactReply),
    Mail(MailReply),
    /// What Tab made of `typed` in a prompt, or why nothing fits.
    PathCompleted {
        typed: String,
        result: Result<Completion, String>,
    },
}

/// Answers about SIP users (a block assigned or released, a SIP user deleted, come back as
/// a `Notice`, and the change that follows reloads the card).
#[derive(Debug)]
pub enum SipReply {
    /// The SIP realm passwords are digested for, if set.
    Realm(Result<Option<String>, String>),
    Saved {
        result: Result<SipSaved, SipSaveError>,
        /// The form stays open ("Save and Stay").
        stay: bool,
    },
    /// A password was set: the generated one, to show once; None when it was typed.
    PasswordSet {
        id: i64,
        result: Result<Option<Secret>, String>,
    },
}

/// Answers about contacts (a delete or a new primary come back as a `Notice`, and the
/// change that follows reloads the card).
#[derive(Debug)]
pub enum ContactReply {
    Saved {
        result: Result<ContactSaved, ContactSaveError>,
        /// The form stays open ("Save and Stay").
        stay: bool,
    },
    /// A portal password was set: the generated one, to show once; None when typed.
    PasswordSet {
        id: i64,
        result: Result<Option<Secret>, String>,
    },
    /// The portal as a contact sees it, or why it was refused.
    Portal(Result<Box<PortalView>, String>),
    /// Every contact with its customer's name (Global contacts), and the
    /// `default_country` setting its search reads phone numbers with.
    AllLoaded {
        result: Result<Vec<(Contact, String)>, String>,
        country: Option<String>,
    },
}

/// Answers about messages to contacts.
#[derive(Debug)]
pub enum MailReply {
    /// What a send would do, or why it cannot be sent.
    Planned(Result<Box<SendPlan>, String>),
    /// The line saying what was queued, or why nothing was.
    Queued(Result<String, String>),
    /// The outbox: the queue and the last 24 hours, newest first.
    LogLoaded(Result<Vec<Outgoing>, String>),
}

/// A rate card as its screen shows it: the version in force now and its rows.
#[derive(Debug)]
pub struct LoadedCard {
    pub card: Card,
    /// None when no version is in force yet (the table is then empty).
    pub version: Option<Version>,
    pub table: PrefixTable,
}

/// A contact as saved.
#[derive(Debug)]
pub struct ContactSaved {
    pub contact: Box<Contact>,
    /// The portal password generated with it, shown once and never stored.
    pub generated: Option<Secret>,
}

/// A SIP user as saved.
#[derive(Debug)]
pub struct SipSaved {
    pub user: SipUser,
    /// The password generated with it, shown once and never stored.
    pub generated: Option<Secret>,
    /// Its password was dropped: the digests include the username, which changed.
    pub password_cleared: bool,
}

/// Why a form's save did not happen; `T` is what the form edits.
#[derive(Debug, Clone)]
pub enum FormSaveError<T> {
    /// Someone saved first; their version.
    Conflict(Box<T>),
    /// Rules refused, each on its field ("username", "email", "password" ...).
    Fields(Vec<FieldError>),
    Failed(String),
}

pub type SipSaveError = FormSaveError<SipUser>;
pub type ContactSaveError = FormSaveError<Contact>;

/// A password on its way to or from the database thread: its `Debug` never shows it, so
/// no log line or test failure prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Clone)]
pub enum SaveError {
    /// Someone saved first; their version of the customer.
    Conflict(Box<Customer>),
    /// A rule the database checks (a name or account code taken), on this field
    /// (`Field::name()`): shown beside it.
    Field(FieldError),
    Failed(String),
}

/// Why a setting was not changed.
#[derive(Debug, Clone)]
pub enum SettingRefusal {
    /// Another operator changed it since it was read; the setting as they left it.
    Conflict(Box<Setting>),
    /// A rule, or the database, in one line.
    Refused(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// Work for the database thread (or, for `Copy`, the terminal's thread).
/// The lists of calls that need an operator: those that matched no customer, and those
/// rating could not price or cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallList {
    Unmatched,
    Unrated,
}

impl CallList {
    pub fn title(self) -> &'static str {
        match self {
            CallList::Unmatched => "Unmatched CDRs",
            CallList::Unrated => "Unrated CDRs",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The first screenful of the board, fast, before the full load.
    LoadBoardFirst,
    LoadBoard,
    /// Only these customers' board rows: one changed, the other 999,999 did not.
    LoadBoardRows(Vec<i64>),
    /// The customers whose contacts hold this search's words (the board's `/`).
    FindInContacts(Search),
    LoadCard(i64),
    LoadAudit(i64),
    /// Create (no id yet) or update a customer; `stay` is carried back to the form.
    SaveCustomer {
        customer: Box<Customer>,
        stay: bool,
    },
    /// Delay and Save: store `fields` to apply to the customer at `due`.
    Schedule {
        customer: i64,
        fields: serde_json::Value,
        due: chrono::DateTime<chrono::Utc>,
    },
    /// Remember the board's columns in the config file.
    SaveColumns(Vec<ColumnId>),
    /// Keep a filter line under a name in the config file (`@name` on the board).
    SaveFilter {
        name: String,
        line: String,
    },
    LoadSummary {
        customer: i64,
        period: Period,
    },
    /// Put text on the operator's clipboard. Runs on the terminal's thread, between frames,
    /// because OSC 52 is written to the terminal itself.
    Copy {
        text: String,
        /// What was copied, for the status line ("12 cells").
        what: String,
    },
    /// Load a customer into the edit form.
    LoadForEdit(i64),
    Delete(Vec<i64>),
    BulkPreview {
        ids: Vec<i64>,
        edit: BulkEdit,
    },
    /// Apply a previewed bulk edit; the preview's versions tell who changed since.
    BulkApply {
        changes: Vec<BulkChange>,
        edit: BulkEdit,
    },
    BulkUpload {
        path: PathBuf,
        dry_run: bool,
    },
    LoadScheduled {
        customer: Option<i64>,
    },
    LoadCalls(CallList),
    CancelScheduled {
        id: i64,
        customer: Option<i64>,
    },
    /// Try a failed scheduled change again, now.
    RetryScheduled {
        id: i64,
        customer: Option<i64>,
    },
    /// Import CDR files on a thread of their own; progress and the report come back.
    ImportCdrs(ImportRequest),
    /// Write a customer's calls from `from` to `to` (unix seconds) as CSV, named `name`.
    CdrReport {
        customer: i64,
        from: i64,
        to: i64,
        name: String,
    },
    /// Write a file in the exports folder and say where.
    Export {
        name: String,
        contents: String,
    },
    LoadSettings,
    LoadRateCards,
    /// A card's rows in force now, by the card's name.
    LoadRateCard(String),
    /// Set (or, with no value, unset) a setting that was at version `expect` when read.
    ChangeSetting {
        key: String,
        value: Option<String>,
        expect: i64,
    },
    /// Number blocks and SIP users.
    Sip(SipEffect),
    Contact(ContactEffect),
    Mail(MailEffect),
    /// Complete the file name at the end of `typed` (a prompt's text before its cursor).
    CompletePath {
        typed: String,
        home: Option<PathBuf>,
    },
}

/// Work on number blocks and SIP users.
#[derive(Debug, Clone, PartialEq)]
pub enum SipEffect {
    /// Give the customer the next free number block.
    AssignBlock(i64),
    /// Take a block back by its id.
    ReleaseBlock(i64),
    LoadRealm,
    /// Create a SIP user of `customer` (no `edit`), or update the one `edit` names by its
    /// id and the version the form started from.
    Save {
        customer: i64,
        edit: Option<(i64, i64)>,
        draft: SipUserDraft,
        /// A new SIP user gets a generated password.
        generate: bool,
        stay: bool,
    },
    Delete(i64),
    /// Set a SIP user's password: the one typed, or a generated one when None.
    SetPassword {
        id: i64,
        typed: Option<Secret>,
    },
}

/// Work on messages to contacts.
#[derive(Debug, Clone, PartialEq)]
pub enum MailEffect {
    /// Render `template` for the contacts of `customers` who receive `category`.
    Plan {
        customers: Vec<i64>,
        template: Template,
        category: Category,
    },
    /// Queue a plan the operator saw.
    Queue(Box<SendPlan>),
    LoadLog,
    /// Send a test message at once; the answer comes back as a notice.
    Test {
        kind: Kind,
        to: String,
    },
}

impl MailEffect {
    fn label(&self) -> &'static str {
        match self {
            MailEffect::Plan { .. } => "plan a send",
            MailEffect::Queue(_) => "queue messages",
            MailEffect::LoadLog => "load the email log",
            MailEffect::Test { .. } => "send a test message",
        }
    }
}

/// How a new contact or a password change gets its portal password.
#[derive(Debug, Clone, PartialEq)]
pub enum NewPassword {
    /// From the operating system's random source, shown once.
    Generate,
    Typed(Secret),
}

/// Work on contacts.
#[derive(Debug, Clone, PartialEq)]
pub enum ContactEffect {
    /// Create a contact of `customer` (no `edit`), or update the one `edit` names by its
    /// id and the version the form started from.
    Save {
        customer: i64,
        edit: Option<(i64, i64)>,
        draft: Box<ContactDraft>,
        /// A new contact's portal password, if one is set with it.
        password: Option<NewPassword>,
        stay: bool,
    },
    /// Delete a contact; a primary one hands over to `new_primary`.
    Delete {
        id: i64,
        new_primary: Option<i64>,
    },
    BecomePrimary(i64),
    SetPassword {
        id: i64,
        password: NewPassword,
    },
    /// Generate a portal password and mail it to the contact at once.
    MailPassword(i64),
    /// The portal as the contact sees it (audited as a LOGIN).
    PortalLogin(i64),
    LoadAll,
}

impl ContactEffect {
    fn label(&self) -> &'static str {
        match self {
            ContactEffect::Save { .. } => "save contact",
            ContactEffect::Delete { .. } => "delete contact",
            ContactEffect::BecomePrimary(_) => "make contact primary",
            ContactEffect::SetPassword { .. } => "set portal password",
            ContactEffect::MailPassword(_) => "mail a portal password",
            ContactEffect::PortalLogin(_) => "portal login",
            ContactEffect::LoadAll => "load all contacts",
        }
    }
}

impl SipEffect {
    fn label(&self) -> &'static str {
        match self {
            SipEffect::AssignBlock(_) => "assign number block",
            SipEffect::ReleaseBlock(_) => "release number block",
            SipEffect::LoadRealm => "load SIP realm",
            SipEffect::Save { .. } => "save SIP user",
            SipEffect::Delete(_) => "delete SIP user",
            SipEffect::SetPassword { .. } => "set SIP password",
        }
    }
}
