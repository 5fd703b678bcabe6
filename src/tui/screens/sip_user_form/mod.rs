//! The SIP user form (add or edit, from the card's SIP users tab): every field of the web
//! console, checked as typed; the save options; the service's refusals shown on their
//! field; and the conflict dialog when another operator saved the SIP user first.

mod model;
mod view;

pub use model::{PingMode, SipField, SipUserForm};

use super::field_form::{FieldFormScreen, FieldModel};
use super::password::Holder;
use crate::domain::{FieldError, SipUser};
use crate::tui::msg::{Effect, Reply, SipEffect, SipReply};
use crate::tui::screen::Cx;
use crate::tui::widgets::save_flow::SaveFlow;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

pub type SipUserFormScreen = FieldFormScreen<SipUserForm>;

impl FieldFormScreen<SipUserForm> {
    pub fn add(customer: i64, generate: bool) -> SipUserFormScreen {
        FieldFormScreen::new(SipUserForm::add(customer, generate))
    }

    pub fn edit(user: &SipUser) -> SipUserFormScreen {
        FieldFormScreen::new(SipUserForm::edit(user))
    }
}

impl FieldModel for SipUserForm {
    type Field = SipField;
    type Saved = SipUser;

    fn fields(&self) -> &'static [SipField] {
        SipUserForm::fields(self)
    }

    fn name_of(field: SipField) -> &'static str {
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

    fn flow(&self) -> &SaveFlow<SipUser> {
        &self.flow
    }

    fn flow_mut(&mut self) -> &mut SaveFlow<SipUser> {
        &mut self.flow
    }

    fn customer(&self) -> i64 {
        self.customer
    }

    fn is_new(&self) -> bool {
        SipUserForm::is_new(self)
    }

    fn is_dirty(&self) -> bool {
        SipUserForm::is_dirty(self)
    }

    fn is_valid(&self) -> bool {
        self.draft.validate().is_ok()
    }

    fn typing(&self) -> bool {
        SipUserForm::typing(self)
    }

    fn step(&mut self, forward: bool, key: KeyEvent) {
        SipUserForm::step(self, forward, key);
    }

    fn key(&mut self, key: KeyEvent) {
        SipUserForm::key(self, key);
    }

    fn paste(&mut self, text: &str) {
        SipUserForm::paste(self, text);
    }

    fn toggle(&mut self) {
        SipUserForm::toggle(self);
    }

    fn take_theirs(&mut self) {
        SipUserForm::take_theirs(self);
    }

    fn ours_over_theirs(&mut self) {
        SipUserForm::ours_over_theirs(self);
    }

    fn what(&self) -> String {
        format!("SIP user {}", self.draft.username.trim())
    }

    fn save_effect(&self, stay: bool) -> Effect {
        Effect::Sip(SipEffect::Save {
            customer: self.customer,
            edit: self.original.as_ref().map(|u| (u.id, u.version)),
            draft: self.draft.clone(),
            generate: self.is_new() && self.generate,
            stay,
        })
    }

    fn take_answer(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        let Reply::Sip(SipReply::Saved { result, stay }) = reply else {
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
        let user = &saved.user;
        let cleared = if saved.password_cleared {
            "; its password was cleared, as the username changed: p sets a new one"
        } else {
            ""
        };
        let line = format!("Saved SIP user {}{cleared}", user.spec.username);
        if stay {
            self.stay_after(user);
        } else {
            cx.close();
        }
        if let Some(password) = &saved.generated {
            let holder = Holder::Sip {
                id: user.id,
                username: user.spec.username.clone(),
            };
            cx.open(holder.window(password));
        }
        cx.info(line);
        None
    }

    fn unsaved_line(&self) -> &'static str {
        "The SIP user form has unsaved changes"
    }

    fn draw(&self, frame: &mut Frame, area: Rect) {
        view::draw(frame, area, self);
    }
}
