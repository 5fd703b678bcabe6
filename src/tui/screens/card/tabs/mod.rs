//! The card's tabs. Each is a module implementing `CardTab`; `all` lists them in order,
//! and the tab bar, the number keys and the help follow that list. A new tab is a new
//! file here and one line in `all`.

mod audit;
mod contacts;
mod main;
mod sip_users;
mod summary;

use crate::domain::change::Changes;
use crate::domain::summary::Period;
use crate::service::CardData;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::Reply;
use crate::tui::screen::{Cx, Flow, Ui};
use crossterm::event::MouseEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::collections::HashSet;

pub trait CardTab {
    fn title(&self) -> &'static str;

    /// What keys mean on this tab (the Summary grid has its own).
    fn context(&self) -> Context {
        Context::Card
    }

    /// Asks for the tab's own data, when it has any beyond the card's (the first time it
    /// shows, and when it shows again after a change made it stale).
    fn load(&mut self, _customer: i64, _cx: &mut Cx) {}

    /// Whether `changes` make the tab's own data of `customer` stale.
    fn stale_after(&self, _changes: &Changes, _customer: i64) -> bool {
        false
    }

    /// The tab's keys; `Pass` leaves the action to the card (tabs, edit, back).
    fn on_action(&mut self, _action: Action, _data: &CardData, _cx: &mut Cx) -> Flow {
        Flow::Pass
    }

    fn on_reply(&mut self, reply: Reply, _customer: i64, _cx: &mut Cx) -> Option<Reply> {
        Some(reply)
    }

    fn on_mouse(&mut self, _event: MouseEvent) {}

    /// Puts the cursor on contact `id` if the tab lists contacts; false if it does not.
    fn show_contact(&mut self, _id: i64) -> bool {
        false
    }

    /// The card is closing: the tab may leave a note for the board (ticked rows).
    fn closing(&mut self, _customer: i64, _cx: &mut Cx) {}

    /// Draws the tab under the card's header; like `Screen::draw`, it writes nothing but
    /// view geometry (its page height and scroll offset).
    fn draw(&mut self, frame: &mut Frame, area: Rect, data: &CardData, ui: &Ui);
}

/// The tabs of a card, in order; `ticked` are the Summary rows ticked when this customer's
/// card was last open.
pub fn all(ticked: HashSet<(Period, i64)>) -> Vec<Box<dyn CardTab>> {
    vec![
        Box::new(main::MainTab::default()),
        Box::new(contacts::ContactsTab::default()),
        Box::new(summary::SummaryTab::new(Period::Daily, ticked)),
        Box::new(audit::AuditTab::default()),
        // After Audit, so that the numbers of the first four tabs stay as operators know them.
        Box::new(sip_users::SipUsersTab::default()),
    ]
}
