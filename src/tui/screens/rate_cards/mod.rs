//! Rate cards (palette: "Rate cards"): every card with its currency, rows in force and
//! since when; Enter opens a card's rows (`card.rs`), searchable, with a line that prices a
//! number as it is typed. Both follow other consoles' imports and deletes.

mod card;

pub use card::RateCardScreen;

use super::card::view::list_table;
use crate::cdr::time::utc_text;
use crate::domain::change::{Changes, Topic};
use crate::service::CardSummary;
use crate::text::printable;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply};
use crate::tui::screen::{Cx, Deferred, Flow, Screen, Ui};
use crate::tui::widgets::list_cursor::ListCursor;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::Paragraph;

pub struct RateCardsScreen {
    /// The cards by name; None until they arrive.
    pub cards: Option<Result<Vec<CardSummary>, String>>,
    list: ListCursor,
    /// Changes committed while a card's rows covered the list.
    pending: Deferred,
}

impl RateCardsScreen {
    /// The list, its cards on their way (`Effect::LoadRateCards`).
    pub fn loading() -> RateCardsScreen {
        RateCardsScreen {
            cards: None,
            list: ListCursor::default(),
            pending: Deferred::default(),
        }
    }

    fn shown(&self) -> &[CardSummary] {
        match &self.cards {
            Some(Ok(cards)) => cards,
            _ => &[],
        }
    }
}

/// Unix seconds as the console prints times; "-" for none.
pub(super) fn since(at: Option<i64>) -> String {
    at.map_or_else(|| "-".to_string(), utc_text)
}

fn reload(changes: &Changes, cx: &mut Cx) {
    if changes.touches(Topic::RateCards) {
        cx.run(Effect::LoadRateCards);
    }
}

impl Screen for RateCardsScreen {
    fn context(&self) -> Context {
        Context::RateCards
    }

    fn covers(&self) -> bool {
        true
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        if self.list.act(action, self.shown().len()) {
            return Flow::Done;
        }
        match action {
            Action::Back => cx.close(),
            Action::Open => {
                if let Some(c) = self.shown().get(self.list.cursor) {
                    let name = c.card.name.clone();
                    cx.open(RateCardScreen::loading(&name));
                    cx.run(Effect::LoadRateCard(name));
                }
            }
            Action::Refresh => cx.run(Effect::LoadRateCards),
            _ => return Flow::Pass,
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, _cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::RateCardsLoaded(cards) => {
                self.cards = Some(cards);
                self.list.clamp(self.shown().len());
                None
            }
            other => Some(other),
        }
    }

    fn on_changes(&mut self, changes: &Changes, showing: bool, cx: &mut Cx) {
        if let Some(changes) = self.pending.now_or_later(changes, showing) {
            reload(&changes, cx);
        }
    }

    fn on_show(&mut self, cx: &mut Cx) {
        if let Some(changes) = self.pending.take() {
            reload(&changes, cx);
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        let [title, table, hint] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let what = match &self.cards {
            None => "loading…".to_string(),
            Some(Err(e)) => format!("cannot be read: {}", printable(e)),
            Some(Ok(cards)) if cards.is_empty() => {
                "none yet: carrierdesk rates import CARD FILE.csv --currency EUR".to_string()
            }
            Some(Ok(cards)) => crate::domain::count(cards.len(), "card"),
        };
        frame.render_widget(
            Paragraph::new(format!(" Rate cards (times in UTC) · {what}")),
            title,
        );
        let height = usize::from(table.height.saturating_sub(1));
        let len = self.shown().len();
        self.list.fit(height, len);
        let shown = self.shown();
        let columns = [
            ("Card", Constraint::Fill(2)),
            ("Currency", Constraint::Length(8)),
            ("Rows", Constraint::Length(8)),
            ("In force since", Constraint::Length(20)),
            ("Versions", Constraint::Length(8)),
            ("Next version from", Constraint::Length(20)),
        ];
        let widget = list_table(
            table,
            &columns,
            shown,
            (self.list.cursor, self.list.offset),
            |c| {
                vec![
                    c.card.name.clone(),
                    c.card.currency.code().to_string(),
                    c.current.as_ref().map_or(0, |v| v.row_count).to_string(),
                    since(c.current.as_ref().map(|v| v.effective_from)),
                    c.versions.to_string(),
                    since(c.next.as_ref().map(|v| v.effective_from)),
                ]
            },
        );
        frame.render_widget(widget, table);
        frame.render_widget(
            Paragraph::new(" Enter the card's rows in force now · Ctrl-R reload · Esc close")
                .style(Style::new().fg(Color::DarkGray)),
            hint,
        );
    }
}
