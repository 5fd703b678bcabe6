//! The application state and its one update function. `App` does no I/O: it turns events
//! into state changes and effects, which the runtime carries out off the UI thread.

use super::board::Board;
use super::bulk_form::BulkForm;
use super::clock::Clock;
use super::columns::{ColumnChooser, ColumnId};
use super::customer_form::{CustomerForm, Kind, SaveOption};
use super::import_request::{self, ImportRequest};
use super::keymap::{self, Action, Context};
use super::list::{ListKind, ListView, SCHEDULED_FOOTER};
use super::palette::Palette;
use super::prompt::{Prompt, Purpose};
use super::summary::SummaryView;
use super::widgets::grid::Move;
use crate::domain::summary::Period;
use crate::domain::{
    BoardRow, BulkChange, BulkEdit, Cdr, Customer, FieldError, ScheduledChange, SummaryRow, count,
};
use crate::service::CardData;
use crate::service::CustomerImportReport;
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Something that happened: a key, or a result coming back from the database task.
#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize,
    /// Board rows; `complete` is false for the quick first screen sent before the rest.
    BoardLoaded {
        rows: Result<Vec<BoardRow>, String>,
        complete: bool,
    },
    CardLoaded(i64, Result<CardData, String>),
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
    /// Another operator committed: reload what is on screen.
    DataChanged,
    /// A line for the status bar.
    Notice(Level, String),
    /// Delay and Save stored the change (a line saying when and what), or why not.
    Scheduled(Result<String, String>),
    /// A long job's progress, as a line to show.
    Progress(String),
    /// A job ended (an import, a delete, a bulk edit, an upload): its report or why it
    /// failed. Views reload either way.
    Finished(Level, String),
    /// The customer to edit, loaded.
    EditReady(Result<Customer, String>),
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
    /// The customer a card was loading no longer exists.
    CustomerGone(i64),
    /// A CDR import ended: its one line and its details, or why nothing was imported. Both
    /// open in a popup, whatever the operator is doing meanwhile.
    Imported(Result<(String, String), String>),
    /// How many calls matched no customer, and the oldest of them.
    UnmatchedLoaded(Result<(i64, Vec<Cdr<'static>>), String>),
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

/// Work for the database task.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The first screenful of the board, fast, before the full load.
    LoadBoardFirst,
    LoadBoard,
    LoadCard(i64),
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
    LoadUnmatched,
    CancelScheduled {
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Main,
    Contacts,
    Summary,
    Audit,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Main, Tab::Contacts, Tab::Summary, Tab::Audit];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Main => "Main",
            Tab::Contacts => "Contacts",
            Tab::Summary => "Summary",
            Tab::Audit => "Audit",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

pub struct Card {
    pub id: i64,
    pub data: Option<CardData>,
    pub tab: Tab,
    /// Cursor in the current tab's list.
    pub cursor: usize,
    /// First row shown of that list; kept by the view so the cursor stays visible.
    pub offset: usize,
    pub summary: SummaryView,
}

impl Card {
    pub fn rows_in_tab(&self) -> usize {
        let Some(d) = &self.data else { return 0 };
        match self.tab {
            Tab::Main => 0,
            Tab::Contacts => d.contacts.len(),
            Tab::Summary => self.summary.rows.as_ref().map_or(0, Vec::len),
            Tab::Audit => d.audit.len(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    /// The keys of the context below, from the keymap; `scroll` is the first line shown.
    Help { scroll: u16 },
    /// An audit row's data, pretty-printed.
    Detail {
        title: String,
        body: String,
        /// First line shown: a deleted customer's row is longer than a screen.
        scroll: u16,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

pub struct App {
    pub board: Board,
    pub searching: bool,
    /// Typing the filter line.
    pub filtering: bool,
    pub bulk: Option<BulkForm>,
    pub list: Option<ListView>,
    pub card: Option<Card>,
    pub form: Option<CustomerForm>,
    pub popup: Option<Popup>,
    pub palette: Option<Palette>,
    pub prompt: Option<Prompt>,
    /// A long job's progress line (an import), shown until it ends.
    pub progress: Option<String>,
    pub chooser: Option<ColumnChooser>,
    /// The board's columns after Name, in order.
    pub columns: Vec<ColumnId>,
    pub message: Option<(Level, String)>,
    /// When `message` goes.
    message_until: Option<Instant>,
    pub quit: bool,
    /// What "now" is for relative times ("5m ago").
    pub clock: Clock,
    /// The operator's home folder, for `~` in typed paths.
    pub home: Option<PathBuf>,
    /// Summary rows ticked on the cards closed since, by customer: reopening one keeps them.
    ticks: HashMap<i64, HashSet<(Period, i64)>>,
    /// The last key was a q refused because a job runs; another q quits.
    quit_asked: bool,
    /// Rows that fit on the screen, set by the view; used for paging.
    pub page: usize,
    /// Set when state changed and a frame is due.
    pub dirty: bool,
    /// NO_COLOR is set: meaning is carried by modifiers (bold, reverse), not colours.
    pub no_color: bool,
    /// Screen row of the board's first customer in the last frame, for mouse clicks.
    pub board_top: u16,
    /// How many of `columns` the last frame had room for (`s` sorts by those).
    pub columns_on_screen: usize,
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl App {
    pub fn new() -> App {
        App {
            board: Board::default(),
            searching: false,
            filtering: false,
            bulk: None,
            list: None,
            card: None,
            form: None,
            popup: None,
            palette: None,
            prompt: None,
            progress: None,
            chooser: None,
            columns: ColumnId::ALL.to_vec(),
            message: None,
            message_until: None,
            quit: false,
            quit_asked: false,
            clock: Clock::System,
            ticks: HashMap::new(),
            home: directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()),
            page: 10,
            dirty: true,
            no_color: false,
            board_top: 0,
            columns_on_screen: usize::MAX,
        }
    }

    /// The effects to run at start-up.
    pub fn start(&self) -> Vec<Effect> {
        vec![Effect::LoadBoardFirst, Effect::LoadBoard]
    }

    pub fn context(&self) -> Context {
        if self.popup.is_some() {
            Context::Popup
        } else {
            self.context_below_popup()
        }
    }

    /// The context a pop-up opened over; help lists its keys.
    pub fn context_below_popup(&self) -> Context {
        if self.palette.is_some() {
            Context::Palette
        } else if self.prompt.is_some() {
            Context::Prompt
        } else if self.list.is_some() {
            Context::List
        } else if self.bulk.is_some() {
            Context::BulkForm
        } else if self.chooser.is_some() {
            Context::Columns
        } else if let Some(form) = &self.form {
            if form.conflict.is_some() {
                Context::Conflict
            } else if form.menu.is_some() {
                Context::SaveMenu
            } else {
                Context::Form
            }
        } else if let Some(card) = &self.card {
            if card.tab == Tab::Summary {
                Context::Grid
            } else {
                Context::Card
            }
        } else if self.searching {
            Context::Search
        } else if self.filtering {
            Context::FilterLine
        } else {
            Context::Board
        }
    }

    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        self.dirty = true;
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.key(key),
            Event::Key(_) | Event::Resize => vec![],
            Event::Mouse(m) => self.mouse(m),
            Event::Paste(text) => {
                self.type_text(&text);
                vec![]
            }
            Event::BoardLoaded {
                rows: Ok(rows),
                complete,
            } => {
                // A late first screen must not replace a full load that beat it.
                if complete || !self.board.complete {
                    self.board.set_rows(rows, complete);
                }
                vec![]
            }
            Event::CardLoaded(_, Err(e)) => {
                self.error(e);
                vec![]
            }
            // Deleted (by another operator): its card and any form of it have nothing left
            // to show or save; back to the board.
            Event::CustomerGone(id) => {
                if self.card.as_ref().is_some_and(|c| c.id == id) {
                    self.card = None;
                }
                if self
                    .form
                    .as_ref()
                    .and_then(|f| f.original.as_ref())
                    .is_some_and(|c| c.id == id)
                {
                    self.form = None;
                }
                self.error(format!(
                    "Customer #{id} was deleted meanwhile: back to the board"
                ));
                vec![Effect::LoadBoard]
            }
            Event::BoardLoaded { rows: Err(e), .. } => {
                self.error(e);
                vec![]
            }
            Event::SummaryLoaded {
                customer,
                period,
                rows,
            } => {
                match (self.card.as_mut(), rows) {
                    (Some(card), Ok(rows))
                        if card.id == customer && card.summary.period == period =>
                    {
                        card.summary.set_rows(rows);
                    }
                    (_, Err(e)) => self.error(e),
                    _ => {}
                }
                vec![]
            }
            Event::CardLoaded(id, Ok(data)) => {
                if let Some(card) = self.card.as_mut().filter(|c| c.id == id) {
                    card.data = Some(data);
                    card.cursor = card.cursor.min(card.rows_in_tab().saturating_sub(1));
                }
                vec![]
            }
            Event::Saved { result, stay } => self.saved(result, stay),
            Event::DataChanged => self.reload(),
            Event::Notice(level, text) => {
                self.say(level, text);
                vec![]
            }
            Event::Scheduled(Ok(line)) => {
                self.form = None;
                self.info(line);
                // Our own commits do not move data_version on our connection: reload here.
                self.reload()
            }
            Event::Scheduled(Err(e)) => {
                match self.form.as_mut() {
                    Some(form) => {
                        form.saving = false;
                        form.save_error = Some(e);
                    }
                    None => self.error(e),
                }
                vec![]
            }
            Event::Progress(line) => {
                self.progress = Some(line);
                vec![]
            }
            Event::EditReady(Ok(customer)) => {
                self.form = Some(CustomerForm::edit(&customer));
                vec![]
            }
            Event::EditReady(Err(e)) => {
                self.error(e);
                vec![]
            }
            Event::BulkPreviewed(result) => {
                self.preview(result);
                vec![]
            }
            Event::UploadChecked { path, result } => {
                match result {
                    Ok(report) => self.list = Some(ListView::upload(path, &report)),
                    Err(e) => self.error(e),
                }
                vec![]
            }
            Event::ScheduledLoaded { customer, result } => {
                match result {
                    Ok(changes) => {
                        // A refresh of the open list keeps its cursor.
                        let cursor = match &self.list {
                            Some(l) if matches!(l.kind, ListKind::Scheduled { .. }) => l.cursor,
                            _ => 0,
                        };
                        let mut list = ListView::scheduled(customer, &changes);
                        list.cursor = cursor.min(list.lines.len().saturating_sub(1));
                        self.list = Some(list);
                    }
                    Err(e) => self.error(e),
                }
                // The card lists its pending changes too; a cancel must show there.
                if self.card.is_some() {
                    self.reload_views()
                } else {
                    vec![]
                }
            }
            Event::Imported(result) => {
                self.progress = None;
                let (title, body) = match result {
                    Ok((line, details)) => {
                        self.info(line);
                        ("CDR import", details)
                    }
                    Err(e) => {
                        self.error("Not imported, nothing changed: the window says why".into());
                        ("CDR import: nothing imported", e)
                    }
                };
                self.popup = Some(Popup::Detail {
                    title: format!("{title} (Esc closes)"),
                    body,
                    scroll: 0,
                });
                self.reload()
            }
            Event::UnmatchedLoaded(result) => {
                match result {
                    Ok((count, calls)) => self.list = Some(ListView::unmatched(count, &calls)),
                    Err(e) => self.error(e),
                }
                vec![]
            }
            Event::Finished(level, text) => {
                self.progress = None;
                self.say(level, text);
                self.reload()
            }
        }
    }

    fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // Ctrl-C quits from anywhere, a field being typed in too; what would be lost is
        // asked about first.
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            let asked = std::mem::take(&mut self.quit_asked);
            self.quit_or_ask(asked, "Ctrl-C");
            return vec![];
        }
        let context = self.context();
        // Any other key than a q that quits takes the question back (typed text too), and
        // the question leaves the status line.
        if self.quit_asked && keymap::lookup(context, &key) != Some(Action::Quit) {
            self.quit_asked = false;
            self.message = None;
        }
        if context == Context::BulkForm
            && let Some(bulk) = self.bulk.as_mut()
        {
            return match keymap::lookup(context, &key) {
                // ← → cycle a choice or move in the text being typed.
                Some(a @ (Action::Left | Action::Right)) => {
                    bulk.step(a == Action::Right, key);
                    vec![]
                }
                Some(a) => self.update(a),
                None => {
                    bulk.key(key);
                    vec![]
                }
            };
        }
        if context == Context::Form
            && let Some(form) = self.form.as_mut()
        {
            let action = keymap::lookup(context, &key);
            let kind = form.kind(form.focused());
            match action {
                // ← → edit inside text; Enter is a new line in the TOML vars.
                Some(Action::Left | Action::Right) => {
                    form.step(action == Some(Action::Right), key);
                    return vec![];
                }
                Some(Action::Submit) if kind == Kind::Lines && key.code == KeyCode::Enter => {
                    form.key(key);
                    return vec![];
                }
                // ↑ ↓ move between the lines of the vars; past the first or last, to the
                // next field.
                Some(Action::PrevField | Action::NextField)
                    if kind == Kind::Lines
                        && matches!(key.code, KeyCode::Up | KeyCode::Down)
                        && form.input(form.focused()).is_some_and(|input| {
                            let row = input.cursor().0;
                            if key.code == KeyCode::Up {
                                row > 0
                            } else {
                                row + 1 < input.lines().len()
                            }
                        }) =>
                {
                    form.key(key);
                    return vec![];
                }
                Some(a) => return self.update(a),
                None => {
                    form.key(key);
                    return vec![];
                }
            }
        }
        // A text field takes every key its context does not bind (editing, cursor moves).
        if context == Context::Prompt
            && keymap::lookup(context, &key).is_none()
            && let Some(prompt) = self.prompt.as_mut()
        {
            prompt.input.input(key);
            prompt.error = None;
            return vec![];
        }
        match keymap::lookup(context, &key) {
            Some(action) => self.update(action),
            None => {
                if let KeyCode::Char(c) = key.code
                    && !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                {
                    self.type_text(&c.to_string());
                } else if key.code == KeyCode::Backspace {
                    self.backspace();
                }
                vec![]
            }
        }
    }

    /// Carries out one action.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        // A quit asked for while a job runs waits for a second q, and only the very next key.
        let quit_asked = std::mem::take(&mut self.quit_asked);
        let below = self.context_below_popup();
        if let Some(popup) = self.popup.as_mut() {
            let page = self.page.max(1) as i32;
            let delta = match action {
                Action::Back => {
                    self.popup = None;
                    return vec![];
                }
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -page,
                Action::PageDown => page,
                // The view stops a scroll past the end where the last line shows.
                Action::Top => i32::MIN / 2,
                Action::Bottom => i32::MAX / 2,
                _ => 0,
            };
            let (lines, scroll) = match popup {
                Popup::Detail { body, scroll, .. } => (body.lines().count(), scroll),
                Popup::Help { scroll } => (keymap::bindings_for(below).count(), scroll),
            };
            // The view stops it earlier, once the last line is at the bottom.
            let last = lines.saturating_sub(1) as i32;
            *scroll = (i32::from(*scroll) + delta).clamp(0, last) as u16;
            return vec![];
        }
        // `?` opens the help of whatever is on screen, from any context that binds it.
        if action == Action::Help {
            self.popup = Some(Popup::Help { scroll: 0 });
            return vec![];
        }
        if self.palette.is_some() {
            return self.palette_action(action);
        }
        if self.prompt.is_some() {
            return self.prompt_action(action);
        }
        if self.list.is_some() {
            return self.list_action(action);
        }
        if self.bulk.is_some() {
            return self.bulk_action(action);
        }
        if self.chooser.is_some() {
            return self.chooser_action(action);
        }
        if self.form.is_some() {
            return self.form_action(action);
        }
        match action {
            Action::Quit => self.quit_or_ask(quit_asked, "q"),
            Action::Palette => self.palette = Some(Palette::open(self.context())),
            Action::ImportCdrs => {
                self.prompt = Some(Prompt::new(
                    Purpose::ImportCdrs,
                    "Import CDRs",
                    "Files (quote paths with spaces), then if needed: --tz ZONE (default UTC), --format NAME (default: guessed), --skip-bad.",
                ))
            }
            Action::Refresh => return self.reload(),
            Action::UnmatchedCdrs => return vec![Effect::LoadUnmatched],
            _ if self.card.is_some() => return self.card_action(action),
            _ => return self.board_action(action),
        }
        vec![]
    }

    fn board_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.page.max(1) as isize;
        match action {
            Action::Up => self.board.move_by(-1),
            Action::Down => self.board.move_by(1),
            Action::PageUp => self.board.move_by(-page),
            Action::PageDown => self.board.move_by(page),
            Action::Top => self.board.move_to(0),
            Action::Bottom => self.board.move_to(usize::MAX),
            Action::Search => self.searching = true,
            Action::FilterLine => self.filtering = true,
            Action::SearchDone => {
                self.searching = false;
                self.filtering = false;
            }
            Action::Back if self.filtering => {
                self.filtering = false;
                self.board.set_filter(String::new());
            }
            Action::Back if self.searching || !self.board.search.is_empty() => {
                self.searching = false;
                self.board.set_search(String::new());
            }
            Action::Back => self.board.marks.clear(),
            Action::Add => self.form = Some(CustomerForm::add()),
            Action::Edit => {
                let marked = self.board.marked_ids();
                if !marked.is_empty() {
                    self.bulk = Some(BulkForm::new(marked, self.board.marked_hidden()));
                } else if let Some(row) = self.board.selected() {
                    return vec![Effect::LoadForEdit(row.id)];
                }
            }
            Action::Delete => {
                let marked = self.board.marked_ids();
                let ids = if marked.is_empty() {
                    self.board.selected().map(|r| r.id).into_iter().collect()
                } else {
                    marked
                };
                // Only customers still on the board: the prompt names exactly what goes.
                let (ids, names): (Vec<i64>, Vec<String>) = ids
                    .iter()
                    .filter_map(|id| self.board.row(*id).map(|r| (*id, r.name.clone())))
                    .unzip();
                self.confirm_delete(ids, names);
            }
            Action::BulkUpload => {
                self.prompt = Some(Prompt::new(
                    Purpose::BulkUpload,
                    "Bulk upload customers",
                    "A CSV file with a header row: name and currency required, any other field by its name (status, channels, cps, debit_limit, tax, tags, ...). It is checked first; nothing is created until you confirm.",
                ))
            }
            Action::ScheduledChanges => return vec![Effect::LoadScheduled { customer: None }],
            Action::StatusFilter => self.board.cycle_status_filter(),
            Action::Mark => {
                self.board.toggle_mark();
                self.board.move_by(1);
            }
            Action::MarkAll => self.board.toggle_mark_all(),
            Action::Columns => self.chooser = Some(ColumnChooser::new(&self.columns)),
            Action::SortNext => {
                let on_screen = self.columns_on_screen.min(self.columns.len());
                self.board.sort_next(&self.columns[..on_screen]);
            }
            Action::SortReverse => self.board.sort_reverse(),
            Action::Open => {
                if let Some(row) = self.board.selected() {
                    let id = row.id;
                    self.card = Some(Card {
                        id,
                        data: None,
                        tab: Tab::Main,
                        cursor: 0,
                        offset: 0,
                        summary: SummaryView::new(
                            Period::Daily,
                            self.ticks.remove(&id).unwrap_or_default(),
                        ),
                    });
                    return vec![Effect::LoadCard(id)];
                }
            }
            _ => {}
        }
        vec![]
    }

    fn card_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.page.max(1);
        let Some(card) = self.card.as_mut() else {
            return vec![];
        };
        let takes_rows = matches!(
            action,
            Action::Copy
                | Action::CopyHeaders
                | Action::CopyGroups
                | Action::CdrReport
                | Action::Export
                | Action::TickRow
        );
        if card.tab == Tab::Summary
            && takes_rows
            && card.summary.rows.as_ref().is_some_and(Vec::is_empty)
        {
            self.info("This view has no traffic: there is nothing to copy, tick or export.".into());
            return vec![];
        }
        // Until the card loads, keys are the card's (Tab, Esc) rather than the grid's.
        if card.tab == Tab::Summary
            && let Some(currency) = card.data.as_ref().map(|d| d.customer.currency)
            && let Some(effects) = card.summary.act(card.id, currency, action)
        {
            return effects;
        }
        let last = card.rows_in_tab().saturating_sub(1);
        let switch = |card: &mut Card, tab: Tab| {
            card.tab = tab;
            card.cursor = 0;
            card.offset = 0;
            // The Summary view's rows load the first time the tab is shown.
            match (tab, &card.summary.rows) {
                (Tab::Summary, None) => vec![Effect::LoadSummary {
                    customer: card.id,
                    period: card.summary.period,
                }],
                _ => vec![],
            }
        };
        match action {
            Action::Back => {
                if let Some(card) = self.card.take() {
                    self.ticks.insert(card.id, card.summary.ticked);
                }
                // The board may be stale after edits made on the card.
                return vec![Effect::LoadBoard];
            }
            Action::NextTab => return switch(card, Tab::ALL[(card.tab.index() + 1) % 4]),
            Action::PrevTab => return switch(card, Tab::ALL[(card.tab.index() + 3) % 4]),
            Action::Tab(n) => return switch(card, Tab::ALL[usize::from(n).min(3)]),
            Action::Up => card.cursor = card.cursor.saturating_sub(1),
            Action::Down => card.cursor = (card.cursor + 1).min(last),
            Action::PageUp => card.cursor = card.cursor.saturating_sub(page),
            Action::PageDown => card.cursor = (card.cursor + page).min(last),
            Action::Top => card.cursor = 0,
            Action::Bottom => card.cursor = last,
            Action::Edit => {
                if let Some(data) = &card.data {
                    self.form = Some(CustomerForm::edit(&data.customer));
                }
            }
            Action::Delete => {
                if let Some(data) = &card.data {
                    let (id, name) = (data.customer.id, data.customer.name.clone());
                    self.confirm_delete(vec![id], vec![name]);
                }
            }
            Action::ScheduledChanges => {
                return vec![Effect::LoadScheduled {
                    customer: Some(card.id),
                }];
            }
            // A contact in full: the table has no room for its mobile, type and notes.
            Action::Open if card.tab == Tab::Contacts => {
                if let Some(k) = card.data.as_ref().and_then(|d| d.contacts.get(card.cursor)) {
                    self.popup = Some(Popup::Detail {
                        title: format!("Contact: {} (Esc closes)", k.name),
                        body: k.describe(),
                        scroll: 0,
                    });
                }
            }
            Action::Open => {
                let entry = card
                    .data
                    .as_ref()
                    .filter(|_| card.tab == Tab::Audit)
                    .and_then(|d| d.audit.get(card.cursor));
                let currency = card.data.as_ref().map(|d| d.customer.currency);
                if let (Some(e), Some(currency)) = (entry, currency) {
                    let body = serde_json::from_str::<serde_json::Value>(&e.data)
                        .and_then(|v| {
                            serde_json::to_string_pretty(&crate::domain::audit::readable(
                                &v, currency,
                            ))
                        })
                        .unwrap_or_else(|_| e.data.clone());
                    self.popup = Some(Popup::Detail {
                        title: format!(
                            "{} {} #{} by {} at {}",
                            e.action, e.table, e.row_id, e.operator, e.at
                        ),
                        body,
                        scroll: 0,
                    });
                }
            }
            _ => {}
        }
        vec![]
    }

    /// Reloads what is on screen: the views, and an open list of scheduled changes (a
    /// console, this one or another, may have applied one).
    fn reload(&mut self) -> Vec<Effect> {
        let mut effects = self.reload_views();
        if let Some(ListKind::Scheduled { customer, .. }) = self.list.as_ref().map(|l| &l.kind) {
            effects.push(Effect::LoadScheduled {
                customer: *customer,
            });
        }
        effects
    }

    /// Reloads the board, or the card and its summary view.
    fn reload_views(&mut self) -> Vec<Effect> {
        match &self.card {
            Some(card) if card.tab == Tab::Summary => vec![
                Effect::LoadCard(card.id),
                Effect::LoadSummary {
                    customer: card.id,
                    period: card.summary.period,
                },
            ],
            Some(card) => vec![Effect::LoadCard(card.id)],
            None => vec![Effect::LoadBoard],
        }
    }

    fn palette_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(palette) = self.palette.as_mut() else {
            return vec![];
        };
        match action {
            Action::Back => self.palette = None,
            Action::Up => palette.move_cursor(-1),
            Action::Down => palette.move_cursor(1),
            Action::Submit => {
                let chosen = palette.selected().map(|c| c.action);
                self.palette = None;
                if let Some(action) = chosen {
                    return self.update(action);
                }
            }
            _ => {}
        }
        vec![]
    }

    fn prompt_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(prompt) = self.prompt.as_mut() else {
            return vec![];
        };
        match action {
            Action::Back => self.prompt = None,
            Action::Submit => {
                let answer = prompt.answer();
                if answer.is_empty() {
                    prompt.error = Some(format!("{}, or Esc to cancel", prompt.purpose.expects()));
                    return vec![];
                }
                match prompt.purpose.clone() {
                    Purpose::ConfirmDelete { ids, expected } => {
                        if !answer.eq_ignore_ascii_case(&expected) {
                            prompt.error = Some(format!(
                                "That is not '{expected}'; nothing deleted. Esc cancels."
                            ));
                            return vec![];
                        }
                        self.prompt = None;
                        // The card of a deleted customer has nothing left to show.
                        if self.card.as_ref().is_some_and(|c| ids.contains(&c.id)) {
                            self.card = None;
                        }
                        return vec![Effect::Delete(ids)];
                    }
                    Purpose::BulkUpload => {
                        let path = match import_request::one_path(&answer, self.home.as_deref()) {
                            Ok(path) => path,
                            Err(e) => {
                                prompt.error = Some(e);
                                return vec![];
                            }
                        };
                        self.prompt = None;
                        return vec![Effect::BulkUpload {
                            path,
                            dry_run: true,
                        }];
                    }
                    Purpose::DelayUntil => {
                        let due = match parse_utc(&answer) {
                            // Said here, with the time still there to correct; the service
                            // checks again when it stores the change.
                            Ok(due)
                                if due
                                    <= chrono::DateTime::from_timestamp(self.clock.now(), 0)
                                        .unwrap_or_default() =>
                            {
                                prompt.error = Some(format!(
                                    "{} UTC has passed: choose a time to come",
                                    due.format("%Y-%m-%d %H:%M")
                                ));
                                return vec![];
                            }
                            Ok(due) => due,
                            Err(e) => {
                                prompt.error = Some(e);
                                return vec![];
                            }
                        };
                        self.prompt = None;
                        let Some(form) = self.form.as_mut() else {
                            return vec![];
                        };
                        let (Some(original), Ok(edited)) = (&form.original, form.customer()) else {
                            return vec![];
                        };
                        let fields = crate::domain::draft::changed_fields(original, &edited);
                        if fields.as_object().is_none_or(|m| m.is_empty()) {
                            form.save_error =
                                Some("Nothing changed: there is nothing to schedule.".into());
                            return vec![];
                        }
                        form.saving = true;
                        return vec![Effect::Schedule {
                            customer: original.id,
                            fields,
                            due,
                        }];
                    }
                    Purpose::ImportCdrs => {
                        let request = match import_request::parse(&answer, self.home.as_deref()) {
                            Ok(request) => request,
                            Err(e) => {
                                prompt.error = Some(e);
                                return vec![];
                            }
                        };
                        self.prompt = None;
                        self.start_job("Import starting…");
                        return vec![Effect::ImportCdrs(request)];
                    }
                }
            }
            _ => {}
        }
        vec![]
    }

    fn chooser_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(chooser) = self.chooser.as_mut() else {
            return vec![];
        };
        match action {
            Action::Back => self.chooser = None,
            Action::Up => chooser.move_cursor(-1),
            Action::Down => chooser.move_cursor(1),
            Action::Top => chooser.move_cursor(isize::MIN / 2),
            Action::Bottom => chooser.move_cursor(isize::MAX / 2),
            Action::ShiftUp => chooser.shift(-1),
            Action::ShiftDown => chooser.shift(1),
            Action::Toggle => chooser.toggle(),
            Action::Submit => {
                self.columns = chooser.chosen();
                self.chooser = None;
                return vec![Effect::SaveColumns(self.columns.clone())];
            }
            _ => {}
        }
        vec![]
    }

    fn form_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return vec![];
        };
        // One save at a time: the answer to the first decides what comes next.
        if form.saving {
            return vec![];
        }
        if form.conflict.is_some() {
            return match action {
                Action::Reload => {
                    form.take_theirs();
                    self.info("Their version is loaded; your changes were dropped.".into());
                    vec![]
                }
                Action::Overwrite => match form.ours_over_theirs() {
                    Ok(customer) => save(form, customer, false),
                    Err(errors) => {
                        form.save_error = errors.first().map(|e| e.message.clone());
                        vec![]
                    }
                },
                Action::Back => {
                    self.form = None;
                    self.reload()
                }
                _ => vec![],
            };
        }
        if let Some(cursor) = form.menu {
            let n = SaveOption::ALL.len();
            let choose = |form: &mut CustomerForm, option: SaveOption| -> Option<SaveOption> {
                form.menu = None;
                Some(option)
            };
            let chosen = match action {
                Action::Back => {
                    form.menu = None;
                    None
                }
                Action::Left | Action::PrevField => {
                    form.menu = Some((cursor + n - 1) % n);
                    None
                }
                Action::Right | Action::NextField => {
                    form.menu = Some((cursor + 1) % n);
                    None
                }
                Action::Submit => choose(form, SaveOption::ALL[cursor]),
                Action::SaveContinue => choose(form, SaveOption::Continue),
                Action::SaveStay => choose(form, SaveOption::Stay),
                Action::SaveDelay => choose(form, SaveOption::Delay),
                _ => None,
            };
            return match chosen {
                Some(option) => self.save_with(option),
                None => vec![],
            };
        }
        match action {
            Action::Back if form.is_dirty() && !form.confirm_discard => {
                form.confirm_discard = true;
            }
            Action::Back => self.form = None,
            Action::NextField => form.next_field(1),
            Action::PrevField => form.next_field(-1),
            Action::NextFormTab => form.next_tab(1),
            Action::PrevFormTab => form.next_tab(-1),
            Action::Submit => {
                // An invalid form stays open; its fields already show why.
                if form.customer().is_ok() {
                    form.menu = Some(0);
                } else {
                    form.save_error = Some("Fix the fields marked in red first.".into());
                }
            }
            _ => {}
        }
        vec![]
    }

    /// Carries out a save option on the open form.
    fn save_with(&mut self, option: SaveOption) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return vec![];
        };
        let Ok(customer) = form.customer() else {
            return vec![];
        };
        // An edit that changes nothing writes nothing (and no audit row) and says so.
        if !form.is_new() && !form.is_dirty() && option != SaveOption::Delay {
            let text = format!("Nothing changed: {} is as it was", customer.name);
            if option == SaveOption::Continue {
                self.form = None;
            }
            self.info(text);
            return vec![];
        }
        match option {
            SaveOption::Continue => save(form, customer, false),
            SaveOption::Stay => save(form, customer, true),
            SaveOption::Delay if form.is_new() => {
                form.save_error = Some(
                    "Delay and Save changes an existing customer; save a new one now, then schedule changes to it."
                        .into(),
                );
                vec![]
            }
            SaveOption::Delay => {
                self.prompt = Some(Prompt::new(
                    Purpose::DelayUntil,
                    "Delay and Save: apply the change at (UTC)",
                    "A UTC date and time, e.g. 2026-12-01 00:00. Whichever console is running then applies it, or `carrierdesk apply-due` from cron.",
                ));
                vec![]
            }
        }
    }

    fn type_text(&mut self, text: &str) {
        if let Some(prompt) = self.prompt.as_mut() {
            prompt.input.insert_str(text);
            prompt.error = None;
        } else if let Some(palette) = self.palette.as_mut() {
            let query = format!("{}{text}", palette.query);
            palette.set_query(query);
        } else if let Some(form) = self.form.as_mut() {
            form.paste(text);
        } else if let Some(bulk) = self.bulk.as_mut() {
            bulk.paste(text);
        } else if self.filtering && self.card.is_none() {
            let s = format!("{}{text}", self.board.filter_text);
            self.board.set_filter(s);
        } else if self.searching && self.card.is_none() {
            let mut s = self.board.search.clone();
            s.push_str(text);
            self.board.set_search(s);
        }
    }

    fn backspace(&mut self) {
        if let Some(palette) = self.palette.as_mut() {
            let mut query = palette.query.clone();
            query.pop();
            palette.set_query(query);
        } else if self.filtering && self.card.is_none() {
            let mut s = self.board.filter_text.clone();
            s.pop();
            self.board.set_filter(s);
        } else if self.searching && self.card.is_none() {
            let mut s = self.board.search.clone();
            s.pop();
            self.board.set_search(s);
        }
    }

    /// Click selects, drag extends a grid selection, the wheel scrolls; only where no
    /// dialog is open, so a stray click never acts on what is hidden behind one.
    fn mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        let wheel = match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::ScrollUp => Some(Action::Up),
            _ => None,
        };
        match self.context() {
            Context::Board | Context::Card | Context::Popup | Context::List => {
                if let Some(action) = wheel {
                    return self.update(action);
                }
                if self.card.is_none()
                    && m.kind == MouseEventKind::Down(MouseButton::Left)
                    && m.row >= self.board_top
                {
                    let row = self.board.offset + usize::from(m.row - self.board_top);
                    if row < self.board.shown() {
                        self.board.move_to(row);
                    }
                }
            }
            Context::Grid => {
                let Some(card) = self.card.as_mut() else {
                    return vec![];
                };
                let grid = &mut card.summary.grid;
                match m.kind {
                    MouseEventKind::Down(MouseButton::Left) => {
                        if let Some(cell) = grid.cell_at(m.column, m.row) {
                            grid.set_cursor(cell);
                        }
                    }
                    MouseEventKind::Drag(MouseButton::Left) => {
                        if let Some(cell) = grid.cell_at(m.column, m.row) {
                            grid.extend_to(cell);
                        }
                    }
                    MouseEventKind::ScrollDown => grid.move_cursor(Move::Down),
                    MouseEventKind::ScrollUp => grid.move_cursor(Move::Up),
                    _ => {}
                }
            }
            _ => {}
        }
        vec![]
    }

    /// Asks for the name (one customer) or the count (several) before deleting.
    fn confirm_delete(&mut self, ids: Vec<i64>, names: Vec<String>) {
        let (expected, what) = match names.as_slice() {
            [] => return,
            [one] => (
                one.clone(),
                format!("Delete {one}? Type its name to confirm."),
            ),
            many => {
                let shown: Vec<&str> = many.iter().take(5).map(String::as_str).collect();
                let more = if many.len() > 5 {
                    format!(" and {} more", many.len() - 5)
                } else {
                    String::new()
                };
                (
                    many.len().to_string(),
                    format!(
                        "Delete {} customers: {}{more}? Type {} to confirm.",
                        many.len(),
                        shown.join(", "),
                        many.len()
                    ),
                )
            }
        };
        self.prompt = Some(Prompt::new(
            Purpose::ConfirmDelete { ids, expected },
            "Delete",
            &format!(
                "{what} The audit log keeps every deleted row. Customers with invoices or calls are kept: set them Inactive instead."
            ),
        ));
    }

    fn bulk_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(bulk) = self.bulk.as_mut() else {
            return vec![];
        };
        match action {
            Action::Back => self.bulk = None,
            Action::NextField => bulk.next_field(1),
            Action::PrevField => bulk.next_field(-1),
            Action::Submit => {
                let edit = bulk.edit();
                if edit.is_empty() {
                    bulk.error =
                        Some("Set at least one field; empty ones stay as they are.".into());
                } else if let Err(e) = edit.tags_both_ways() {
                    bulk.error = Some(e.message);
                } else {
                    bulk.waiting = true;
                    return vec![Effect::BulkPreview {
                        ids: bulk.ids.clone(),
                        edit,
                    }];
                }
            }
            _ => {}
        }
        vec![]
    }

    fn list_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.page.max(1) as isize;
        let Some(list) = self.list.as_mut() else {
            return vec![];
        };
        if action != Action::CancelItem
            && let ListKind::Scheduled { armed, .. } = &mut list.kind
            && armed.take().is_some()
        {
            list.footer = SCHEDULED_FOOTER.into();
        }
        match action {
            Action::Back => self.list = None,
            Action::Up => list.move_cursor(-1),
            Action::Down => list.move_cursor(1),
            Action::PageUp => list.move_cursor(-page),
            Action::PageDown => list.move_cursor(page),
            Action::Submit => match &list.kind {
                ListKind::BulkPreview { changes, edit } => {
                    let effect = Effect::BulkApply {
                        changes: changes.clone(),
                        edit: edit.clone(),
                    };
                    self.list = None;
                    self.bulk = None;
                    self.start_job("Applying the bulk edit…");
                    return vec![effect];
                }
                ListKind::Upload { path, ready: true } => {
                    let effect = Effect::BulkUpload {
                        path: path.clone(),
                        dry_run: false,
                    };
                    self.list = None;
                    return vec![effect];
                }
                // Nothing to go ahead with: the line under the cursor, in full.
                _ => {
                    if let Some(line) = list.lines.get(list.cursor) {
                        self.popup = Some(Popup::Detail {
                            title: format!("{} (Esc closes)", list.title),
                            body: line.clone(),
                            scroll: 0,
                        });
                    }
                }
            },
            // The first x asks, naming the change; a second x on it cancels it.
            Action::CancelItem => {
                if let ListKind::Scheduled {
                    customer,
                    ids,
                    pending,
                    armed,
                } = &mut list.kind
                    && let Some(&id) = ids.get(list.cursor)
                {
                    if !pending.get(list.cursor).copied().unwrap_or(false) {
                        list.footer = format!(
                            "#{id} is not pending: only a pending change can be cancelled · Esc closes"
                        );
                    } else if *armed == Some(id) {
                        let effect = Effect::CancelScheduled {
                            id,
                            customer: *customer,
                        };
                        self.info(format!("Scheduled change #{id} cancelled"));
                        return vec![effect];
                    } else {
                        *armed = Some(id);
                        let line = list.lines.get(list.cursor).map_or("", |l| l.trim());
                        list.footer = format!(
                            "Cancel #{id}, {line}? x again cancels it; any other key keeps it"
                        );
                    }
                }
            }
            _ => {}
        }
        vec![]
    }

    fn saved(&mut self, result: Result<Customer, SaveError>, stay: bool) -> Vec<Effect> {
        match result {
            Ok(customer) => {
                match self.form.as_mut() {
                    Some(form) if stay => {
                        let next = if form.is_new() {
                            "; ready for the next one"
                        } else {
                            ""
                        };
                        form.stay_after(&customer);
                        self.info(format!("Saved {} (#{}){next}", customer.name, customer.id));
                    }
                    _ => {
                        self.form = None;
                        self.info(format!("Saved {} (#{})", customer.name, customer.id));
                    }
                }
                self.reload()
            }
            Err(SaveError::Conflict(theirs)) => {
                if let Some(form) = self.form.as_mut() {
                    form.saving = false;
                    form.conflict = Some(theirs);
                }
                vec![]
            }
            Err(SaveError::Field(error)) => {
                match self.form.as_mut() {
                    Some(form) => {
                        form.saving = false;
                        form.save_error = Some(format!("Not saved: {error}"));
                        // To the field to fix.
                        form.focus_on(error.field);
                        form.errors.push(error);
                    }
                    None => self.error(error.to_string()),
                }
                vec![]
            }
            Err(SaveError::Failed(e)) => {
                if let Some(form) = self.form.as_mut() {
                    form.saving = false;
                    form.save_error = Some(e);
                } else {
                    self.error(e);
                }
                vec![]
            }
        }
    }

    fn preview(&mut self, result: Result<Vec<BulkChange>, String>) {
        let Some(bulk) = self.bulk.as_mut() else {
            return;
        };
        bulk.waiting = false;
        match result {
            // One line per customer that breaks a rule: too many for the form's status line.
            Err(e) if e.lines().count() > 1 => {
                let lines: Vec<String> = e.lines().map(str::to_string).collect();
                bulk.error = Some(format!(
                    "{} break a rule: nothing was changed",
                    count(lines.len(), "customer")
                ));
                self.list = Some(ListView {
                    title: format!(
                        "Bulk edit refused: {} break a rule",
                        count(lines.len(), "customer")
                    ),
                    footer: "Nothing was changed · Esc goes back to the form".into(),
                    lines,
                    cursor: 0,
                    kind: ListKind::Info,
                });
            }
            Err(e) => bulk.error = Some(e),
            Ok(changes) => {
                let edit = bulk.edit();
                let mut lines = Vec::new();
                let mut unchanged = 0;
                for c in &changes {
                    let fields = c.changes();
                    if fields.is_empty() {
                        unchanged += 1;
                        continue;
                    }
                    let what: Vec<String> = fields
                        .iter()
                        .map(|f| format!("{} {} → {}", f.label, f.old, f.new))
                        .collect();
                    lines.push(format!(
                        "{} (#{}): {}",
                        c.before.name,
                        c.before.id,
                        what.join(", ")
                    ));
                }
                if unchanged > 0 {
                    lines.push(format!(
                        "{} already {} these values.",
                        count(unchanged, "customer"),
                        if unchanged == 1 { "has" } else { "have" }
                    ));
                }
                self.list = Some(ListView {
                    title: format!(
                        "Bulk edit of {}: preview",
                        count(changes.len(), "customer")
                    ),
                    footer: "Enter applies every change in one transaction (one audit row per customer) · Esc goes back".into(),
                    lines,
                    cursor: 0,
                    kind: ListKind::BulkPreview { changes, edit },
                });
            }
        }
    }

    /// Quits, unless that would lose something (a running job, a changed form) and the
    /// operator has not been asked yet: then asks, and the same key again quits.
    fn quit_or_ask(&mut self, asked: bool, key: &str) {
        let at_stake = match (&self.progress, &self.form) {
            // The job's progress is on the same line, beside the question.
            (Some(_), _) => Some(format!(
                "A job is still running: press {key} again to quit and abandon it; nothing of it is saved."
            )),
            (None, Some(form)) if form.is_dirty() => Some(format!(
                "The form has unsaved changes. Press {key} again to quit without saving them."
            )),
            _ => None,
        };
        match at_stake {
            Some(question) if !asked => {
                self.error(question);
                self.quit_asked = true;
            }
            _ => self.quit = true,
        }
    }

    /// Shows a long job's first progress line in place of the last message.
    fn start_job(&mut self, line: &str) {
        self.message = None;
        self.progress = Some(line.into());
    }

    fn info(&mut self, text: String) {
        self.say(Level::Info, text);
    }

    fn error(&mut self, text: String) {
        self.say(Level::Error, text);
    }

    /// Shows a message on the status line until it grows stale: an answer to something
    /// done a minute ago only misleads.
    fn say(&mut self, level: Level, text: String) {
        let lasts = match level {
            Level::Info => INFO_LASTS,
            Level::Error => ERROR_LASTS,
        };
        // More than the status line holds (a refusal naming many customers): in full in
        // a window as well.
        if level == Level::Error && text.chars().count() > LONG_ERROR && self.popup.is_none() {
            self.popup = Some(Popup::Detail {
                title: "Not done (Esc closes)".into(),
                body: text.replace(" · ", "\n"),
                scroll: 0,
            });
        }
        self.message = Some((level, text));
        self.message_until = Some(Instant::now() + lasts);
    }

    /// When the message on the status line is due to go, if there is one.
    pub fn message_until(&self) -> Option<Instant> {
        self.message.as_ref().and(self.message_until)
    }

    /// Takes the message away once its time is up.
    pub fn expire_message(&mut self, now: Instant) {
        if self.message_until.is_some_and(|until| until <= now) {
            self.message = None;
            self.message_until = None;
            self.dirty = true;
        }
    }
}

/// Characters beyond which an error also opens in a window.
const LONG_ERROR: usize = 200;

/// How long a message stays on the status line.
const INFO_LASTS: Duration = Duration::from_secs(10);
const ERROR_LASTS: Duration = Duration::from_secs(30);

/// Sends the form's customer to be saved; the form waits for the answer.
fn save(form: &mut CustomerForm, customer: Customer, stay: bool) -> Vec<Effect> {
    form.saving = true;
    form.save_error = None;
    vec![Effect::SaveCustomer {
        customer: Box::new(customer),
        stay,
    }]
}

/// A UTC time typed by a person: "2026-12-01 00:00", "2026-12-01T00:00", with seconds, or
/// RFC 3339 with an offset.
fn parse_utc(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let t = text.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&chrono::Utc));
    }
    [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(t, f).ok())
    .map(|n| n.and_utc())
    .ok_or_else(|| format!("'{t}' is not a date and time like 2026-12-01 00:00 (UTC)"))
}
