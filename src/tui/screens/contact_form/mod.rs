//! The contact form (add or edit, from the card's Contacts tab): every field, checked as
//! typed; the portal password set with a new login; the save options; the service's
//! refusals shown on their field; and the conflict dialog when another operator saved the
//! contact first.

mod model;
mod view;

pub use model::{ContactField, ContactForm, Owner, PasswordMode};

use super::field_form::{FieldFormScreen, FieldModel};
use super::password::Holder;
use crate::domain::{Contact, FieldError};
use crate::tui::msg::{ContactEffect, ContactReply, Effect, NewPassword, Reply, Secret};
use crate::tui::screen::Cx;
use crate::tui::widgets::save_flow::SaveFlow;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

pub type ContactFormScreen = FieldFormScreen<ContactForm>;

impl FieldFormScreen<ContactForm> {
    pub fn add(owner: Owner) -> ContactFormScreen {
        FieldFormScreen::new(ContactForm::add(owner))
    }

    pub fn edit(owner: Owner, contact: &Contact) -> ContactFormScreen {
        FieldFormScreen::new(ContactForm::edit(owner, contact))
    }
}

impl FieldModel for ContactForm {
    type Field = ContactField;
    type Saved = Contact;

    fn fields(&self) -> &'static [ContactField] {
        ContactForm::fields(self)
    }

    fn name_of(field: ContactField) -> &'static str {
        field.name()
    }

    fn focus(&self) -> usize {
        self.focus
    }

    fn set_focus(&mut self, index: usize) {
        self.focus = index;
    }

    fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    fn errors_mut(&mut self) -> &mut Vec<FieldError> {
        &mut self.errors
    }

    fn flow(&self) -> &SaveFlow<Contact> {
        &self.flow
    }

    fn flow_mut(&mut self) -> &mut SaveFlow<Contact> {
        &mut self.flow
    }

    fn customer(&self) -> i64 {
        self.owner.customer
    }

    fn is_new(&self) -> bool {
        ContactForm::is_new(self)
    }

    fn is_dirty(&self) -> bool {
        ContactForm::is_dirty(self)
    }

    fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    fn typing(&self) -> bool {
        ContactForm::typing(self)
    }

    fn step(&mut self, forward: bool, key: KeyEvent) {
        ContactForm::step(self, forward, key);
    }

    fn key(&mut self, key: KeyEvent) {
        ContactForm::key(self, key);
    }

    fn paste(&mut self, text: &str) {
        ContactForm::paste(self, text);
    }

    fn toggle(&mut self) {
        ContactForm::toggle(self);
    }

    fn take_theirs(&mut self) {
        ContactForm::take_theirs(self);
    }

    fn ours_over_theirs(&mut self) {
        ContactForm::ours_over_theirs(self);
    }

    fn what(&self) -> String {
        format!("contact {}", self.draft.name.trim())
    }

    fn save_effect(&self, stay: bool) -> Effect {
        let password = match self.mode {
            _ if !self.is_new() => None,
            PasswordMode::None => None,
            PasswordMode::Generate => Some(NewPassword::Generate),
            PasswordMode::Typed => Some(NewPassword::Typed(Secret(self.password.text()))),
        };
        Effect::Contact(ContactEffect::Save {
            customer: self.owner.customer,
            edit: self.original.as_ref().map(|k| (k.id, k.version)),
            draft: Box::new(self.draft.clone()),
            password,
            stay,
        })
    }

    fn take_answer(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        let Reply::Contact(ContactReply::Saved { result, stay }) = reply else {
            return Some(reply);
        };
        self.flow.saving = false;
        let saved = match result {
            Ok(saved) => saved,
            Err(e) => {
                self.refused(e);
                return None;
            }
        };
        let k = &saved.contact;
        let primary = if k.is_primary && self.is_new() {
            ", the customer's primary contact"
        } else {
            ""
        };
        let line = format!("Saved contact {}{primary}", k.spec.name);
        if stay {
            self.stay_after(k);
        } else {
            cx.close();
        }
        if let Some(password) = &saved.generated {
            let holder = Holder::Contact {
                id: k.id,
                name: k.spec.name.clone(),
                email: k.spec.email.clone(),
                customer: self.owner.name.clone(),
            };
            cx.open(holder.window(password));
        }
        cx.info(line);
        None
    }

    fn unsaved_line(&self) -> &'static str {
        "The contact form has unsaved changes"
    }

    fn draw(&self, frame: &mut Frame, area: Rect) {
        view::draw(frame, area, self);
    }
}
