//! The Contacts tab: the customer's contacts as a table; Enter shows one in full.

use super::CardTab;
use crate::service::CardData;
use crate::tui::keymap::Action;
use crate::tui::screen::{Cx, Flow, Ui};
use crate::tui::screens::card::view::{FULL_WIDTH, list_table};
use crate::tui::screens::window::Window;
use crate::tui::widgets::list_cursor::ListCursor;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};

#[derive(Default)]
pub struct ContactsTab {
    list: ListCursor,
}

impl CardTab for ContactsTab {
    fn title(&self) -> &'static str {
        "Contacts"
    }

    fn on_action(&mut self, action: Action, data: &CardData, cx: &mut Cx) -> Flow {
        if self.list.act(action, data.contacts.len()) {
            return Flow::Done;
        }
        match action {
            // A contact in full: the table has no room for its mobile, type and notes.
            Action::Open => {
                if let Some(k) = data.contacts.get(self.list.cursor) {
                    cx.open(Window::detail(
                        format!("Contact: {} (Esc closes)", k.spec.name),
                        k.describe(),
                    ));
                }
                Flow::Done
            }
            _ => Flow::Pass,
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, data: &CardData, _ui: &Ui) {
        self.list.clamp(data.contacts.len());
        let height = usize::from(area.height.saturating_sub(1));
        self.list.fit(height, data.contacts.len());
        draw_contacts(frame, area, data, &self.list);
    }
}

fn draw_contacts(frame: &mut Frame, area: Rect, data: &CardData, list: &ListCursor) {
    let full = area.width >= FULL_WIDTH;
    // Fixed columns as wide as an E.164 number; name and email share the rest, so the
    // layout has one answer at any width (minimum widths that cannot all be met do not).
    let mut columns = vec![
        ("P", Constraint::Length(1)),
        ("Name", Constraint::Fill(2)),
        ("Email", Constraint::Fill(3)),
        ("Phone", Constraint::Length(13)),
    ];
    if full {
        columns.extend([
            ("Mobile", Constraint::Length(13)),
            ("Type", Constraint::Length(10)),
        ]);
    }
    columns.push(("Ver e/m", Constraint::Length(7)));
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    let table = list_table(
        area,
        &columns,
        &data.contacts,
        (list.cursor, list.offset),
        |k| {
            let mut cells = vec![
                if k.is_primary {
                    "★".into()
                } else {
                    String::new()
                },
                k.spec.name.clone(),
                k.spec.email.clone(),
                k.spec.phone.clone(),
            ];
            if full {
                cells.extend([k.spec.mobile.clone(), k.spec.contact_type.clone()]);
            }
            cells.push(format!(
                "{}/{}",
                yes(k.spec.email_verified),
                yes(k.spec.mobile_verified)
            ));
            cells
        },
    );
    frame.render_widget(table, area);
}
