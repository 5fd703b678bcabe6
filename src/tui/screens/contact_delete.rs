//! Deleting a contact (d on the Contacts tab): confirmed by typing its name; a primary
//! contact of a customer that keeps others is deleted only together with the choice of
//! the contact that takes over (↑ ↓), in one transaction.

use super::prompt::draw_question;
use crate::domain::Contact;
use crate::text::printable;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{ContactEffect, Effect};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::widgets::input::TextInput;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

pub struct ContactDelete {
    pub contact: Contact,
    /// The customer's other contacts when this one is the primary: one of them takes over.
    pub successors: Vec<Contact>,
    /// The successor chosen, an index into `successors`.
    pub chosen: usize,
    input: TextInput,
    pub error: Option<String>,
}

impl ContactDelete {
    /// Asks before deleting `contact`, one of `all` (the customer's contacts).
    pub fn new(contact: &Contact, all: &[Contact]) -> ContactDelete {
        let successors = if contact.is_primary {
            all.iter().filter(|k| k.id != contact.id).cloned().collect()
        } else {
            Vec::new()
        };
        ContactDelete {
            contact: contact.clone(),
            successors,
            chosen: 0,
            input: TextInput::line(""),
            error: None,
        }
    }

    fn successor(&self) -> Option<&Contact> {
        self.successors.get(self.chosen)
    }

    fn submit(&mut self, cx: &mut Cx) {
        let name = self.contact.spec.name.trim();
        if self.input.text().trim() != name {
            self.error = Some(format!(
                "Type the contact's name, {}, to confirm, or Esc to cancel",
                printable(name)
            ));
            return;
        }
        cx.run(Effect::Contact(ContactEffect::Delete {
            id: self.contact.id,
            new_primary: self.successor().map(|k| k.id),
        }));
        cx.close();
    }
}

impl Screen for ContactDelete {
    fn context(&self) -> Context {
        Context::Prompt
    }

    /// ↑ ↓ choose who takes over from a primary.
    fn wants_key(&self, key: &KeyEvent) -> bool {
        !self.successors.is_empty() && matches!(key.code, KeyCode::Up | KeyCode::Down)
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        let n = self.successors.len();
        match key.code {
            KeyCode::Up if n > 0 => self.chosen = (self.chosen + n - 1) % n,
            KeyCode::Down if n > 0 => self.chosen = (self.chosen + 1) % n,
            _ => {
                if self.input.key(key) {
                    self.error = None;
                }
            }
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        self.input.paste(text);
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        match action {
            Action::Back => cx.close(),
            Action::Submit => self.submit(cx),
            _ => {}
        }
        Flow::Done
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        let k = &self.contact;
        let name = printable(&k.spec.name);
        let takes_over = match self.successor() {
            Some(next) => format!(
                " It is the primary contact: {} becomes primary (↑ ↓ choose another of {}).",
                printable(&next.spec.name),
                self.successors.len()
            ),
            None => String::new(),
        };
        let hint = format!(
            "Delete contact {name} <{}>? Its portal login goes with it.{takes_over} Type its name to confirm; the audit log keeps its row. Esc cancels.",
            printable(&k.spec.email)
        );
        draw_question(
            frame,
            area,
            "Delete contact",
            &self.input,
            &hint,
            self.error.as_deref(),
        );
    }
}
