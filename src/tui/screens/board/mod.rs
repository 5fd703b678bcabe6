//! The customers board: the screen at the bottom of the stack, where Esc ends.

mod model;
mod view;

pub use model::Board;

use super::bulk_form::BulkFormScreen;
use super::card::CardScreen;
use super::columns::ColumnChooser;
use super::customer_form::CustomerFormScreen;
use super::list::ListScreen;
use super::prompt::{Prompt, Purpose};
use super::send_form::SendForm;
use crate::domain::board_columns::ColumnId;
use crate::domain::change::{Changes, Topic};
use crate::domain::filter;
use crate::domain::message::Kind;
use crate::domain::search::Search;
use crate::domain::summary::Period;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply};
use crate::tui::screen::{Cx, Deferred, Flow, Screen, Ui};
use crate::tui::widgets::history::{Line as HistoryLine, Recall};
use crate::tui::widgets::input::TextInput;
use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::collections::{HashMap, HashSet};

/// What the keys type into, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typing {
    Nothing,
    Search,
    Filter,
}

pub struct BoardScreen {
    pub board: Board,
    /// The columns after Name, in order.
    pub columns: Vec<ColumnId>,
    typing: Typing,
    search: TextInput,
    filter: TextInput,
    /// Rows the last frame had room for (PgUp/PgDn).
    page: usize,
    /// Screen row of the first customer in the last frame, for clicks.
    top: u16,
    /// The first of `columns` shown: `<` and `>` scroll sideways.
    first_column: usize,
    /// The range of `columns` the last frame had room for (`s` sorts by those).
    on_screen: std::ops::Range<usize>,
    /// Summary rows ticked on cards closed since, by customer: reopening one keeps them.
    ticks: HashMap<i64, HashSet<(Period, i64)>>,
    /// Changes committed while a card covered the board: reloaded when it shows again.
    pending: Deferred,
    /// Esc was pressed with more marks than a screen shows: a second Esc drops them.
    confirm_unmark: bool,
    /// What the last Tab in the filter line could complete to, until the next key.
    choices: Vec<String>,
    /// Ctrl-P and Ctrl-N through the searches and the filters entered before.
    recall: Recall,
    /// The search whose contacts are being looked up: one question at a time, so fast
    /// typing does not queue a scan of every contact per key.
    asking: Option<Search>,
    /// A contact changed while that question was out: its answer may predate the change
    /// (on PostgreSQL, changes are heard apart from the answers), so it is asked again.
    changed_while_asking: bool,
}

impl Default for BoardScreen {
    fn default() -> Self {
        BoardScreen::new(ColumnId::ALL.to_vec())
    }
}

impl BoardScreen {
    pub fn new(columns: Vec<ColumnId>) -> BoardScreen {
        BoardScreen {
            board: Board::default(),
            columns,
            typing: Typing::Nothing,
            search: TextInput::default(),
            filter: TextInput::default(),
            page: 10,
            top: 0,
            first_column: 0,
            on_screen: 0..usize::MAX,
            ticks: HashMap::new(),
            pending: Deferred::default(),
            confirm_unmark: false,
            choices: Vec::new(),
            recall: Recall::default(),
            asking: None,
            changed_while_asking: false,
        }
    }

    /// The search as typed now, on the board at once; its contacts are asked after.
    fn searched(&mut self, cx: &mut Cx) {
        self.board.set_search(self.search.text());
        self.ask_contacts(cx);
    }

    /// Asks the database which customers' contacts hold the search's words, unless a
    /// question is out already: its answer asks again for a search typed meanwhile.
    fn ask_contacts(&mut self, cx: &mut Cx) {
        if self.asking.is_none()
            && let Some(search) = self.board.contacts_to_find()
        {
            self.asking = Some(search.clone());
            cx.run(Effect::FindInContacts(search));
        }
    }

    /// Whether what the search finds in contacts is still to come (the view says so).
    fn finding_contacts(&self) -> bool {
        self.asking.is_some() || self.board.contacts_to_find().is_some()
    }

    /// Loads what `changes` touch: the changed customers' rows, or all of them when too
    /// many changed to name.
    fn reload(&mut self, changes: &Changes, cx: &mut Cx) {
        if changes.touches(Topic::Contacts) {
            self.board.contacts_changed();
            self.changed_while_asking = self.asking.is_some();
            self.ask_contacts(cx);
        }
        // The rows hold no contact: a contact's change reloads none.
        let topics = [Topic::Customers, Topic::Summaries];
        match changes.customers_in(&topics) {
            None => cx.run(Effect::LoadBoard),
            Some(ids) if ids.is_empty() => {}
            Some(ids) => cx.run(Effect::LoadBoardRows(ids)),
        }
    }

    /// The marked customers, or else the one under the cursor.
    fn chosen(&self) -> Vec<i64> {
        let marked = self.board.marked_ids();
        if marked.is_empty() {
            self.board.selected().map(|r| r.id).into_iter().collect()
        } else {
            marked
        }
    }

    /// Writing to the contacts of the chosen customers.
    fn send(&self, kind: Kind, cx: &mut Cx) {
        let ids = self.chosen();
        let to = match ids.as_slice() {
            [] => return cx.info("No customer to write to"),
            [one] => self
                .board
                .row(*one)
                .map_or_else(|| format!("customer #{one}"), |r| r.name.clone()),
            many => format!("{} marked customers", many.len()),
        };
        cx.open(SendForm::new(kind, ids, to));
    }

    /// Asks for a name to keep the filter line under; what is kept is the line with any
    /// `@name` in it spelled out, so that a saved filter never depends on another.
    fn save_filter(&self, cx: &mut Cx) {
        let board = &self.board;
        if board.filter_text.trim().is_empty() {
            return cx.info("The filter line is empty: F, type a filter, Enter, then save it");
        }
        if board.filter_error.is_some() {
            return cx.error("The filter line has problems (shown under it): fix them first");
        }
        let Ok(line) = filter::expand(&board.filter_text, &board.saved_filters) else {
            return;
        };
        cx.open(Prompt::new(
            Purpose::SaveFilter { line: line.clone() },
            "Save the filter line as",
            &format!("A name for '{line}': letters, digits, - and _. F @name then filters by it, Tab completes it; the same name again replaces it."),
        ));
    }

    fn delete(&self, cx: &mut Cx) {
        let ids = self.chosen();
        // Only customers still on the board: the prompt names exactly what goes.
        let (ids, names): (Vec<i64>, Vec<String>) = ids
            .iter()
            .filter_map(|id| self.board.row(*id).map(|r| (*id, r.name.clone())))
            .unzip();
        if let Some(prompt) = Prompt::confirm_delete(ids, names) {
            cx.open(prompt);
        }
    }
}

impl Screen for BoardScreen {
    fn context(&self) -> Context {
        match self.typing {
            Typing::Nothing => Context::Board,
            Typing::Search => Context::Search,
            Typing::Filter => Context::FilterLine,
        }
    }

    fn covers(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        self.choices.clear();
        match self.typing {
            Typing::Search if self.search.key(key) => self.searched(cx),
            Typing::Filter if self.filter.key(key) => self.board.set_filter(self.filter.text()),
            _ => return,
        }
        self.recall.reset();
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx) {
        match self.typing {
            Typing::Search if self.search.paste(text) => self.searched(cx),
            Typing::Filter if self.filter.paste(text) => self.board.set_filter(self.filter.text()),
            _ => {}
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        let page = self.page.max(1) as isize;
        // Only Esc right after Esc drops many marks: any other key takes the question back.
        let asked = std::mem::take(&mut self.confirm_unmark);
        let board = &mut self.board;
        match action {
            Action::Up => board.move_by(-1),
            Action::Down => board.move_by(1),
            Action::PageUp => board.move_by(-page),
            Action::PageDown => board.move_by(page),
            Action::Top => board.move_to(0),
            Action::Bottom => board.move_to(usize::MAX),
            Action::Search => self.typing = Typing::Search,
            Action::FilterLine => self.typing = Typing::Filter,
            Action::SearchDone => {
                match self.typing {
                    Typing::Search => cx.remember(HistoryLine::Search, &self.search.text()),
                    Typing::Filter => cx.remember(HistoryLine::Filter, &self.filter.text()),
                    Typing::Nothing => {}
                }
                self.typing = Typing::Nothing;
                self.choices.clear();
                self.recall.reset();
            }
            Action::Older | Action::Newer if self.typing == Typing::Search => {
                let older = action == Action::Older;
                if cx.recall(&mut self.recall, HistoryLine::Search, older, &mut self.search) {
                    self.searched(cx);
                }
            }
            Action::Older | Action::Newer if self.typing == Typing::Filter => {
                let older = action == Action::Older;
                if cx.recall(&mut self.recall, HistoryLine::Filter, older, &mut self.filter) {
                    board.set_filter(self.filter.text());
                }
            }
            Action::Complete if self.typing == Typing::Filter => {
                let done = board.complete_filter(&self.filter.before_cursor());
                self.filter.set_before_cursor(&done.before);
                board.set_filter(self.filter.text());
                self.choices = done.choices;
            }
            Action::Back if self.typing == Typing::Filter => {
                self.typing = Typing::Nothing;
                self.choices.clear();
                self.filter.set_text("");
                board.set_filter(String::new());
            }
            Action::Back if self.typing == Typing::Search || !board.search.is_empty() => {
                self.typing = Typing::Nothing;
                self.search.set_text("");
                board.set_search(String::new());
            }
            // Marks past a screenful took work to make and cannot all be seen: ask first.
            Action::Back if board.marks.len() > page as usize && !asked => {
                self.confirm_unmark = true;
                cx.info(format!(
                    "Esc again drops all {} marks; any other key keeps them",
                    board.marks.len()
                ));
            }
            Action::Back => board.marks.clear(),
            Action::Add => cx.open(CustomerFormScreen::add()),
            Action::Edit => {
                let marked = board.marked_ids();
                if !marked.is_empty() {
                    cx.open(BulkFormScreen::new(marked, board.marked_hidden()));
                } else if let Some(row) = board.selected() {
                    cx.run(Effect::LoadForEdit(row.id));
                }
            }
            Action::Delete => self.delete(cx),
            Action::SendEmail => self.send(Kind::Email, cx),
            Action::SendSms => self.send(Kind::Sms, cx),
            Action::BulkUpload => cx.open(Prompt::new(
                Purpose::BulkUpload,
                "Bulk upload customers",
                "A CSV file (Tab completes its name) with a header row: name and currency required, any other field by its name (status, channels, cps, debit_limit, tax, tags, ...). It is checked first; nothing is created until you confirm.",
            )),
            Action::ScheduledChanges => {
                cx.open(ListScreen::loading("Scheduled changes"));
                cx.run(Effect::LoadScheduled { customer: None });
            }
            Action::StatusFilter => board.cycle_status_filter(),
            Action::Mark => {
                board.toggle_mark();
                board.move_by(1);
            }
            Action::MarkAll => board.toggle_mark_all(),
            Action::Columns => cx.open(ColumnChooser::new(&self.columns, self.on_screen.clone())),
            Action::SortNext => {
                let end = self.on_screen.end.min(self.columns.len());
                board.sort_next(&self.columns[self.on_screen.start.min(end)..end]);
            }
            // The view pulls back a scroll that went further than the columns need.
            Action::Left => self.first_column = self.first_column.saturating_sub(1),
            Action::Right => {
                self.first_column = (self.first_column + 1).min(self.columns.len());
            }
            Action::SortReverse => board.sort_reverse(),
            Action::Open => {
                if let Some(id) = board.selected().map(|r| r.id) {
                    let ticks = self.ticks.remove(&id).unwrap_or_default();
                    let search = Search::parse(&board.search, board.country.as_deref());
                    CardScreen::open_found(id, ticks, search, cx);
                }
            }
            Action::Refresh => cx.run(Effect::LoadBoard),
            Action::SaveFilter => self.save_filter(cx),
            _ => return Flow::Pass,
        }
        Flow::Done
    }

    fn on_mouse(&mut self, m: MouseEvent, _cx: &mut Cx) {
        match m.kind {
            MouseEventKind::ScrollDown => self.board.move_by(1),
            MouseEventKind::ScrollUp => self.board.move_by(-1),
            MouseEventKind::Down(MouseButton::Left) if m.row >= self.top => {
                let row = self.board.offset + usize::from(m.row - self.top);
                if row < self.board.shown() {
                    self.board.move_to(row);
                }
            }
            _ => {}
        }
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::BoardLoaded {
                rows,
                complete,
                country,
            } => match rows {
                // A late first screen must not replace a full load that beat it.
                Ok(rows) if complete || !self.board.complete => {
                    self.board.country = country;
                    self.board.set_rows(rows, complete);
                    // The country reads a phone number searched for.
                    self.ask_contacts(cx);
                }
                Ok(_) => {}
                Err(e) => cx.error(e),
            },
            Reply::BoardRowsLoaded { rows, gone } => match rows {
                Ok(rows) => self.board.patch(rows, &gone),
                Err(e) => cx.error(e),
            },
            Reply::ContactMatches(found) => {
                let asked = self.asking.take();
                match found {
                    Ok(found) => self.board.set_contact_matches(found),
                    Err(e) => {
                        cx.error(format!("Contacts not searched: {e}"));
                        self.board.contacts_failed(asked.unwrap_or_default());
                    }
                }
                if std::mem::take(&mut self.changed_while_asking) {
                    self.board.contacts_changed();
                }
                self.ask_contacts(cx);
            }
            Reply::EditReady(Ok(customer)) => cx.open(CustomerFormScreen::edit(&customer)),
            Reply::EditReady(Err(e)) => cx.error(e),
            Reply::ColumnsChosen(columns) => {
                self.columns = columns.clone();
                cx.run(Effect::SaveColumns(columns));
            }
            Reply::SetFields(edit) => {
                let ids = self.chosen();
                if ids.is_empty() {
                    cx.info("No customer to set: mark some, or put the cursor on one");
                } else {
                    let hidden = self.board.marked_hidden();
                    let form = BulkFormScreen::previewing(ids, hidden, &edit, cx);
                    cx.open(form);
                }
            }
            Reply::FilterSaved { name, line } => {
                self.board.saved_filters.insert(name, line);
                // A line that names it reads it now.
                self.board.set_filter(self.filter.text());
            }
            Reply::CardClosed { id, ticked } => {
                self.ticks.insert(id, ticked);
            }
            // The marked customers are done with: the marks go, so the next edit starts
            // afresh (the filter may hide some of them by now); the console ends the job.
            Reply::BulkApplied(text) => {
                let n = self.board.marks.len();
                self.board.marks.clear();
                let cleared = match n {
                    0 => String::new(),
                    n => format!(" · {} cleared", crate::domain::count(n, "mark")),
                };
                return Some(Reply::BulkApplied(format!("{text}{cleared}")));
            }
            other => return Some(other),
        }
        None
    }

    fn on_changes(&mut self, changes: &Changes, showing: bool, cx: &mut Cx) {
        if let Some(changes) = self.pending.now_or_later(changes, showing) {
            self.reload(&changes, cx);
        }
    }

    fn on_show(&mut self, cx: &mut Cx) {
        if let Some(changes) = self.pending.take() {
            self.reload(&changes, cx);
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, ui: &Ui) {
        view::draw(frame, area, self, ui);
    }
}
