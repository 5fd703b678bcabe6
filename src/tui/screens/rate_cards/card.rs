//! A rate card's rows in force now, by prefix. `/` searches them as typed (a prefix's first
//! digits, or words of the description); `p` opens the price line, which says as a number
//! is typed which row prices it, from the card's lookup table loaded with its rows (built
//! on the database thread), so a keystroke costs a walk of the number's digits.

use super::since;
use crate::domain::change::{Changes, Topic};
use crate::domain::rate_card::{RateRow, money_text, number_digits};
use crate::text::printable;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, LoadedCard, Reply};
use crate::tui::screen::{Cx, Deferred, Flow, Screen, Ui};
use crate::tui::screens::card::view::list_table;
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::list_cursor::ListCursor;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::Paragraph;

/// The field being typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    Search,
    Number,
}

pub struct RateCardScreen {
    pub name: String,
    /// The card and its rows in force; None until they arrive.
    pub loaded: Option<Result<Box<LoadedCard>, String>>,
    /// Each row's description in lower case, for the search.
    descriptions: Vec<String>,
    /// Indexes of the rows the search keeps, by prefix.
    pub view: Vec<usize>,
    pub search: TextInput,
    pub number: TextInput,
    pub typing: Option<Typing>,
    /// What the price line says about the number typed.
    pub priced: String,
    list: ListCursor,
    pending: Deferred,
}

impl RateCardScreen {
    /// The card's screen, its rows on their way (`Effect::LoadRateCard`).
    pub fn loading(name: &str) -> RateCardScreen {
        RateCardScreen {
            name: name.to_string(),
            loaded: None,
            descriptions: Vec::new(),
            view: Vec::new(),
            search: TextInput::line(""),
            number: TextInput::line(""),
            typing: None,
            priced: String::new(),
            list: ListCursor::default(),
            pending: Deferred::default(),
        }
    }

    fn rows(&self) -> &[RateRow] {
        match &self.loaded {
            Some(Ok(card)) => card.table.rows(),
            _ => &[],
        }
    }

    /// The rows shown after the search changed, the cursor back at the top.
    fn refilter(&mut self) {
        let query = self.search.text().trim().to_lowercase();
        let digits = !query.is_empty() && query.bytes().all(|b| b.is_ascii_digit());
        let rows = self.rows();
        self.view = (0..rows.len())
            .filter(|&i| {
                query.is_empty()
                    || (digits && rows[i].prefix.starts_with(&query))
                    || self.descriptions[i].contains(&query)
            })
            .collect();
        self.list = ListCursor::default();
    }

    /// Which row prices the number typed, in words.
    fn reprice(&mut self) {
        let typed = self.number.text();
        self.priced = if typed.trim().is_empty() {
            String::new()
        } else {
            match (number_digits(&typed), &self.loaded) {
                (None, _) => "not a number: digits, with + spaces and - if you like".into(),
                (Some(_), None | Some(Err(_))) => "the card has not loaded".into(),
                (Some(digits), Some(Ok(card))) => match card.table.find(&digits) {
                    Some(r) => format!(
                        "{digits} → {} {} · {} a minute · connection {} · {}/{} s",
                        r.shown_prefix(),
                        r.description,
                        money_text(r.rate),
                        money_text(r.connection_fee),
                        r.first_increment,
                        r.next_increment
                    ),
                    None => {
                        format!("{digits}: no row prices it (no matching prefix, no catch-all)")
                    }
                },
            }
        };
    }

    fn input(&mut self) -> Option<&mut TextInput> {
        match self.typing? {
            Typing::Search => Some(&mut self.search),
            Typing::Number => Some(&mut self.number),
        }
    }

    /// After what is typed changed.
    fn typed(&mut self) {
        match self.typing {
            Some(Typing::Search) => self.refilter(),
            Some(Typing::Number) => self.reprice(),
            None => {}
        }
    }
}

impl Screen for RateCardScreen {
    fn context(&self) -> Context {
        if self.typing.is_some() {
            Context::RateCardInput
        } else {
            Context::RateCard
        }
    }

    fn covers(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        if self.input().is_some_and(|input| input.key(key)) {
            self.typed();
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        if self.input().is_some_and(|input| input.paste(text)) {
            self.typed();
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        if self.list.act(action, self.view.len()) {
            return Flow::Done;
        }
        match (self.typing, action) {
            (Some(_), Action::SearchDone) => self.typing = None,
            (Some(_), Action::Back) => {
                if let Some(input) = self.input() {
                    input.set_text("");
                }
                self.typed();
                self.typing = None;
            }
            (None, Action::Search) => self.typing = Some(Typing::Search),
            (None, Action::PriceNumber) => self.typing = Some(Typing::Number),
            (None, Action::Back) if !self.search.is_empty() => {
                self.search.set_text("");
                self.refilter();
            }
            (None, Action::Back) => cx.close(),
            (None, Action::Refresh) => cx.run(Effect::LoadRateCard(self.name.clone())),
            _ => return Flow::Pass,
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, _cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::RateCardLoaded { name, result } if name == self.name => {
                self.descriptions = match &result {
                    Ok(card) => card
                        .table
                        .rows()
                        .iter()
                        .map(|r| r.description.to_lowercase())
                        .collect(),
                    Err(_) => Vec::new(),
                };
                self.loaded = Some(result);
                self.refilter();
                self.reprice();
                None
            }
            other => Some(other),
        }
    }

    fn on_changes(&mut self, changes: &Changes, showing: bool, cx: &mut Cx) {
        if let Some(changes) = self.pending.now_or_later(changes, showing)
            && changes.touches(Topic::RateCards)
        {
            cx.run(Effect::LoadRateCard(self.name.clone()));
        }
    }

    fn on_show(&mut self, cx: &mut Cx) {
        if self
            .pending
            .take()
            .is_some_and(|c| c.touches(Topic::RateCards))
        {
            cx.run(Effect::LoadRateCard(self.name.clone()));
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        let [title, search, price, table, hint] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let what = match &self.loaded {
            None => "loading…".to_string(),
            Some(Err(e)) => format!("cannot be read: {}", printable(e)),
            Some(Ok(card)) => match &card.version {
                None => format!("{} · no version in force yet", card.card.currency),
                Some(v) => format!(
                    "{} · version in force since {} · {} of {} rows",
                    card.card.currency,
                    since(Some(v.effective_from)),
                    self.view.len(),
                    card.table.rows().len()
                ),
            },
        };
        frame.render_widget(
            Paragraph::new(format!(" Rate card {} · {what}", printable(&self.name))),
            title,
        );
        for (area, label, input, field) in [
            (search, " Search ", &self.search, Typing::Search),
            (price, " Price  ", &self.number, Typing::Number),
        ] {
            let [label_area, field_area, answer] = Layout::horizontal([
                Constraint::Length(8),
                Constraint::Length(24),
                Constraint::Min(0),
            ])
            .areas(area);
            frame.render_widget(Paragraph::new(label), label_area);
            input.draw(frame, field_area, Style::new(), self.typing == Some(field));
            if field == Typing::Number {
                frame.render_widget(
                    Paragraph::new(format!(" {}", printable(&self.priced))),
                    answer,
                );
            }
        }
        let height = usize::from(table.height.saturating_sub(1));
        self.list.clamp(self.view.len());
        self.list.fit(height, self.view.len());
        let rows = self.rows();
        let columns = [
            ("Prefix", Constraint::Length(15)),
            ("Description", Constraint::Fill(3)),
            ("Rate/min", Constraint::Length(12)),
            ("Connection", Constraint::Length(12)),
            ("First", Constraint::Length(5)),
            ("Next", Constraint::Length(5)),
        ];
        let widget = list_table(
            table,
            &columns,
            &self.view,
            (self.list.cursor, self.list.offset),
            |&i| {
                let r = &rows[i];
                vec![
                    r.shown_prefix().to_string(),
                    r.description.clone(),
                    money_text(r.rate),
                    money_text(r.connection_fee),
                    r.first_increment.to_string(),
                    r.next_increment.to_string(),
                ]
            },
        );
        frame.render_widget(widget, table);
        let keys = match self.typing {
            Some(_) => " Enter keep it · Esc clear it · ↑ ↓ move",
            None => " / search · p price a number · Ctrl-R reload · Esc back to the cards",
        };
        frame.render_widget(
            Paragraph::new(keys).style(Style::new().fg(Color::DarkGray)),
            hint,
        );
    }
}
