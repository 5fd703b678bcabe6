//! Global contacts (palette: "Global contacts"): every contact of every customer, searched
//! as you type (names, emails, customers, phone numbers in any written form), sorted by a
//! column; Enter opens the customer's card on that contact. The list is read again when
//! contacts, customers or the settings change, here or in another console.

use super::card::CardScreen;
use super::card::view::list_table;
use crate::domain::Contact;
use crate::domain::change::{Changes, Topic};
use crate::domain::customer::name_order;
use crate::domain::search::Search;
use crate::text::printable;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{ContactEffect, ContactReply, Effect, Reply};
use crate::tui::screen::{Cx, Deferred, Flow, Screen, Ui};
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::list_cursor::ListCursor;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::Paragraph;
use std::cmp::Ordering;

/// The columns Ctrl-S sorts by, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Customer,
    Name,
    Email,
    Type,
}

impl SortBy {
    const ALL: [SortBy; 4] = [SortBy::Customer, SortBy::Name, SortBy::Email, SortBy::Type];

    fn label(self) -> &'static str {
        match self {
            SortBy::Customer => "customer",
            SortBy::Name => "name",
            SortBy::Email => "email",
            SortBy::Type => "type",
        }
    }

    fn compare(self, (a, of_a): &(Contact, String), (b, of_b): &(Contact, String)) -> Ordering {
        let folded = |x: &str, y: &str| x.to_lowercase().cmp(&y.to_lowercase());
        match self {
            // The board's order, in which the database lists them too.
            SortBy::Customer => name_order(of_a, of_b),
            SortBy::Name => folded(&a.spec.name, &b.spec.name),
            SortBy::Email => folded(&a.spec.email, &b.spec.email),
            SortBy::Type => folded(&a.spec.contact_type, &b.spec.contact_type),
        }
    }
}

pub struct GlobalContacts {
    /// Every contact with its customer's name; None until they arrive.
    pub rows: Option<Result<Vec<(Contact, String)>, String>>,
    /// What each row is searched in, lower-cased.
    haystack: Vec<String>,
    /// The `default_country` setting, for numbers searched in a national form.
    country: Option<String>,
    pub search: TextInput,
    /// Indexes of the rows shown, in the order shown.
    pub view: Vec<usize>,
    pub list: ListCursor,
    pub sort: (SortBy, bool),
    /// Changes committed while the card opened from here covered the list.
    pending: Deferred,
}

impl GlobalContacts {
    pub fn loading() -> GlobalContacts {
        GlobalContacts {
            rows: None,
            haystack: Vec::new(),
            country: None,
            search: TextInput::line(""),
            view: Vec::new(),
            list: ListCursor::default(),
            sort: (SortBy::Customer, false),
            pending: Deferred::default(),
        }
    }

    /// The contact under the cursor.
    fn selected(&self) -> Option<i64> {
        let &i = self.view.get(self.list.cursor)?;
        match &self.rows {
            Some(Ok(rows)) => rows.get(i).map(|(k, _)| k.id),
            _ => None,
        }
    }

    /// Reads every contact again when `changes` concern what the list shows: contacts,
    /// their customers' names, or the default country its search reads numbers with.
    fn reload(changes: &Changes, cx: &mut Cx) {
        let topics = [Topic::Contacts, Topic::Customers, Topic::Settings];
        if topics.iter().any(|t| changes.touches(*t)) {
            cx.run(Effect::Contact(ContactEffect::LoadAll));
        }
    }

    fn loaded(&mut self) -> &[(Contact, String)] {
        match &self.rows {
            Some(Ok(rows)) => rows,
            _ => &[],
        }
    }

    /// The rows shown after a new search or sort, the cursor back at the top.
    fn refilter(&mut self) {
        let search = Search::parse(&self.search.text(), self.country.as_deref());
        let (by, reverse) = self.sort;
        let rows = match &self.rows {
            Some(Ok(rows)) => rows,
            _ => return,
        };
        let mut view: Vec<usize> = (0..rows.len())
            .filter(|&i| search.matches(rows[i].0.customer_id, &self.haystack[i]))
            .collect();
        view.sort_by(|&a, &b| {
            let o = by.compare(&rows[a], &rows[b]);
            if reverse { o.reverse() } else { o }
        });
        self.view = view;
        self.list = ListCursor::default();
    }

    fn open_selected(&mut self, cx: &mut Cx) {
        let Some(&i) = self.view.get(self.list.cursor) else {
            return;
        };
        let (k, _) = &self.loaded()[i];
        let (customer, contact) = (k.customer_id, k.id);
        CardScreen::open_on_contact(customer, contact, cx);
    }
}

/// What a contact is found by: its customer's number and name, its name, email, numbers
/// and type.
fn haystack((k, customer): &(Contact, String)) -> String {
    let s = &k.spec;
    format!(
        "{} {customer} {} {} {} {} {}",
        k.customer_id, s.name, s.email, s.phone, s.mobile, s.contact_type
    )
    .to_lowercase()
}

impl Screen for GlobalContacts {
    fn context(&self) -> Context {
        Context::ContactList
    }

    fn covers(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        if self.search.key(key) {
            self.refilter();
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        if self.search.paste(text) {
            self.refilter();
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        if self.list.act(action, self.view.len()) {
            return Flow::Done;
        }
        match action {
            Action::Back => cx.close(),
            Action::Open => self.open_selected(cx),
            Action::SortNext => {
                let all = SortBy::ALL;
                let i = all.iter().position(|s| *s == self.sort.0).unwrap_or(0);
                self.sort = (all[(i + 1) % all.len()], false);
                self.refilter();
            }
            Action::SortReverse => {
                self.sort.1 = !self.sort.1;
                self.refilter();
            }
            _ => return Flow::Pass,
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, _cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::Contact(ContactReply::AllLoaded { result, country }) => {
                // A reload keeps the search, the order and the contact under the cursor.
                let selected = self.selected();
                self.haystack = match &result {
                    Ok(rows) => rows.iter().map(haystack).collect(),
                    Err(_) => Vec::new(),
                };
                self.country = country;
                self.rows = Some(result);
                self.refilter();
                if let Some(rows) = self.rows.as_ref().and_then(|r| r.as_ref().ok())
                    && let Some(at) = self
                        .view
                        .iter()
                        .position(|&i| Some(rows[i].0.id) == selected)
                {
                    self.list.cursor = at;
                }
                None
            }
            other => Some(other),
        }
    }

    fn on_changes(&mut self, changes: &Changes, showing: bool, cx: &mut Cx) {
        if let Some(changes) = self.pending.now_or_later(changes, showing) {
            GlobalContacts::reload(&changes, cx);
        }
    }

    fn on_show(&mut self, cx: &mut Cx) {
        if let Some(changes) = self.pending.take() {
            GlobalContacts::reload(&changes, cx);
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        let [title, search, table, hint] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let (by, reverse) = self.sort;
        let order = if reverse { "descending" } else { "ascending" };
        let count = match &self.rows {
            None => "loading…".to_string(),
            Some(Err(e)) => format!("cannot be read: {}", printable(e)),
            Some(Ok(rows)) => format!("{} of {}", self.view.len(), rows.len()),
        };
        frame.render_widget(
            Paragraph::new(format!(
                " Global contacts · {count} · by {} {order}",
                by.label()
            )),
            title,
        );
        let [label, field] =
            Layout::horizontal([Constraint::Length(9), Constraint::Min(1)]).areas(search);
        frame.render_widget(Paragraph::new(" Search "), label);
        self.search.draw(frame, field, Style::new(), true);
        let height = usize::from(table.height.saturating_sub(1));
        self.list.fit(height, self.view.len());
        let rows = match &self.rows {
            Some(Ok(rows)) => rows.as_slice(),
            _ => &[],
        };
        let shown: Vec<&(Contact, String)> = self.view.iter().map(|&i| &rows[i]).collect();
        let columns = [
            ("P", Constraint::Length(1)),
            ("Customer", Constraint::Fill(2)),
            ("Name", Constraint::Fill(2)),
            ("Email", Constraint::Fill(3)),
            ("Phone", Constraint::Length(13)),
            ("Mobile", Constraint::Length(13)),
            ("Type", Constraint::Length(10)),
        ];
        let widget = list_table(
            table,
            &columns,
            &shown,
            (self.list.cursor, self.list.offset),
            |(k, customer)| {
                let s = &k.spec;
                vec![
                    if k.is_primary {
                        "★".into()
                    } else {
                        String::new()
                    },
                    format!("{customer} (#{})", k.customer_id),
                    s.name.clone(),
                    s.email.clone(),
                    s.phone.clone(),
                    s.mobile.clone(),
                    s.contact_type.clone(),
                ]
            },
        );
        frame.render_widget(widget, table);
        frame.render_widget(
            Paragraph::new(
                " type to search (a phone number in any form) · Enter open the card on the contact · Ctrl-S sort · Ctrl-R reverse · Esc close",
            )
            .style(Style::new().fg(Color::DarkGray)),
            hint,
        );
    }
}
