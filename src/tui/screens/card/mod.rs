//! The customer card: a header every tab shares, and the tabs (see `tabs`), each loaded
//! the first time it shows and again when a change concerns it.

pub mod tabs;
pub mod view;

use super::customer_form::CustomerFormScreen;
use super::list::ListScreen;
use super::prompt::Prompt;
use super::send_form::SendForm;
use crate::domain::change::{Changes, Topic};
use crate::domain::message::Kind;
use crate::domain::search::Search;
use crate::domain::summary::Period;
use crate::service::CardData;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply};
use crate::tui::screen::{Cx, Deferred, Flow, Screen, Ui};
use crossterm::event::MouseEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::collections::HashSet;
use tabs::CardTab;

pub struct CardScreen {
    pub id: i64,
    /// The customer, contacts, blocks and scheduled changes: the header and the Main and
    /// Contacts tabs. None until it arrives.
    pub data: Option<CardData>,
    /// Why the customer could not be read, shown in place of "loading…".
    pub failed: Option<String>,
    tabs: Vec<Box<dyn CardTab>>,
    /// The tab shown, an index into `tabs`.
    tab: usize,
    /// Whether each tab's own data is up to date (loaded, and no change since).
    fresh: Vec<bool>,
    /// Changes committed while another full-screen view covered the card.
    pending: Deferred,
    /// The contact to show once the card has loaded.
    pick: Option<ContactPick>,
}

/// Which contact a card opens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactPick {
    /// This one (from Global contacts).
    Id(i64),
    /// The one the board's search found the customer through, if it was a contact's
    /// email or number rather than the customer's own name, number or account code.
    Found(Search),
}

impl CardScreen {
    /// Opens a card on its Contacts tab, at `contact`.
    pub fn open_on_contact(id: i64, contact: i64, cx: &mut Cx) {
        CardScreen::open_with(id, HashSet::new(), Some(ContactPick::Id(contact)), cx);
    }

    /// Opens customer `id`'s card, found by `search` on the board: on the contact it was
    /// found through, if any. `ticked` are its Summary rows ticked when it was last open.
    pub fn open_found(id: i64, ticked: HashSet<(Period, i64)>, search: Search, cx: &mut Cx) {
        let pick = (!search.is_empty()).then_some(ContactPick::Found(search));
        CardScreen::open_with(id, ticked, pick, cx);
    }

    fn open_with(id: i64, ticked: HashSet<(Period, i64)>, pick: Option<ContactPick>, cx: &mut Cx) {
        let mut card = CardScreen::with_tabs(id, tabs::all(ticked));
        card.pick = pick;
        cx.run(Effect::LoadCard(id));
        cx.open(card);
    }

    /// Shows the contact the card was opened on, now that the contacts are there.
    fn show_pick(&mut self, cx: &mut Cx) {
        let (Some(pick), Some(data)) = (self.pick.take(), &self.data) else {
            return;
        };
        let c = &data.customer;
        let contact = match pick {
            ContactPick::Id(id) => Some(id),
            ContactPick::Found(search) => {
                let own = format!("{} {} {}", c.id, c.name, c.account_code).to_lowercase();
                if search.matches(c.id, &own) {
                    None
                } else {
                    data.contacts
                        .iter()
                        .find(|k| {
                            let s = &k.spec;
                            search.finds_in(&format!("{} {} {}", s.email, s.phone, s.mobile))
                        })
                        .map(|k| k.id)
                }
            }
        };
        let Some(contact) = contact else { return };
        if let Some(tab) = self.tabs.iter_mut().position(|t| t.show_contact(contact)) {
            self.switch(tab, cx);
        }
    }

    pub fn with_tabs(id: i64, tabs: Vec<Box<dyn CardTab>>) -> CardScreen {
        let fresh = vec![false; tabs.len()];
        CardScreen {
            id,
            data: None,
            failed: None,
            tabs,
            tab: 0,
            fresh,
            pending: Deferred::default(),
            pick: None,
        }
    }

    /// The title of the tab shown.
    pub fn tab_title(&self) -> &'static str {
        self.tabs[self.tab].title()
    }

    fn switch(&mut self, tab: usize, cx: &mut Cx) {
        if tab < self.tabs.len() {
            self.tab = tab;
            self.load_shown(cx);
        }
    }

    /// Loads the shown tab's own data if it is not up to date.
    fn load_shown(&mut self, cx: &mut Cx) {
        if !self.fresh[self.tab] {
            self.fresh[self.tab] = true;
            self.tabs[self.tab].load(self.id, cx);
        }
    }

    fn reload(&mut self, changes: &Changes, cx: &mut Cx) {
        let topics = [Topic::Customers, Topic::Contacts, Topic::Scheduled];
        if topics.iter().any(|t| changes.concerns(*t, self.id)) {
            cx.run(Effect::LoadCard(self.id));
        }
        for (tab, fresh) in self.tabs.iter().zip(&mut self.fresh) {
            if tab.stale_after(changes, self.id) {
                *fresh = false;
            }
        }
        self.load_shown(cx);
    }

    fn close(&mut self, cx: &mut Cx) {
        for tab in &mut self.tabs {
            tab.closing(self.id, cx);
        }
        cx.close();
    }
}

impl Screen for CardScreen {
    fn context(&self) -> Context {
        self.tabs[self.tab].context()
    }

    fn covers(&self) -> bool {
        true
    }

    fn help_extra(&self) -> Vec<(String, String)> {
        self.tabs
            .iter()
            .enumerate()
            .map(|(i, t)| ((i + 1).to_string(), format!("{} tab", t.title())))
            .collect()
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        // Until the card loads, keys are the card's (Tab, Esc) rather than the tab's.
        if let Some(data) = &self.data
            && self.tabs[self.tab].on_action(action, data, cx) == Flow::Done
        {
            return Flow::Done;
        }
        let n = self.tabs.len();
        match action {
            Action::Back => self.close(cx),
            Action::NextTab => self.switch((self.tab + 1) % n, cx),
            Action::PrevTab => self.switch((self.tab + n - 1) % n, cx),
            Action::Tab(i) => self.switch(usize::from(i), cx),
            Action::Edit => {
                if let Some(data) = &self.data {
                    cx.open(CustomerFormScreen::edit(&data.customer));
                }
            }
            Action::Delete => {
                if let Some(c) = self.data.as_ref().map(|d| &d.customer)
                    && let Some(prompt) = Prompt::confirm_delete(vec![c.id], vec![c.name.clone()])
                {
                    cx.open(prompt);
                }
            }
            Action::SendEmail | Action::SendSms => {
                if let Some(c) = self.data.as_ref().map(|d| &d.customer) {
                    let kind = if action == Action::SendEmail {
                        Kind::Email
                    } else {
                        Kind::Sms
                    };
                    cx.open(SendForm::new(kind, vec![c.id], c.name.clone()));
                }
            }
            Action::ScheduledChanges => {
                cx.open(ListScreen::loading("Scheduled changes"));
                cx.run(Effect::LoadScheduled {
                    customer: Some(self.id),
                });
            }
            Action::Refresh => {
                self.reload(&Changes::everything(), cx);
            }
            // The console's own: the palette, quit, an import, the unmatched calls, the
            // settings.
            Action::Quit
            | Action::Palette
            | Action::ImportCdrs
            | Action::UnmatchedCdrs
            | Action::UnratedCdrs
            | Action::Settings
            | Action::GlobalContacts
            | Action::EmailLog
            | Action::RateCards => {
                return Flow::Pass;
            }
            // Anything else is the board's, which the card hides: it does nothing here.
            _ => {}
        }
        Flow::Done
    }

    fn on_mouse(&mut self, event: MouseEvent, _cx: &mut Cx) {
        self.tabs[self.tab].on_mouse(event);
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::CardLoaded(id, result) if id == self.id => match result {
                Ok(data) => {
                    self.failed = None;
                    let first = self.data.is_none();
                    self.data = Some(data);
                    if first {
                        self.load_shown(cx);
                        self.show_pick(cx);
                    }
                }
                Err(e) => {
                    self.failed = Some(e.clone());
                    cx.error(e);
                }
            },
            // Deleted, here or elsewhere: nothing left to show.
            Reply::CustomerGone(id) if id == self.id => self.close(cx),
            Reply::Deleted(Ok((ids, _))) if ids.contains(&self.id) => self.close(cx),
            other => {
                let mut rest = Some(other);
                for tab in &mut self.tabs {
                    if let Some(r) = rest.take() {
                        rest = tab.on_reply(r, self.id, cx);
                    }
                }
                return rest;
            }
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
