//! The SIP user form (add or edit, from the card's SIP users tab): every field of the web
//! console, checked as typed; the save options; the service's refusals shown on their
//! field; and the conflict dialog when another operator saved the SIP user first.

mod model;
mod view;

pub use model::{PingMode, SaveOption, SipField, SipUserForm};

use super::sip_password::password_window;
use crate::domain::SipUser;
use crate::tui::chrome::FIX_FIELDS;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply, SipEffect, SipReply, SipSaveError, SipSaved};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

pub struct SipUserFormScreen {
    pub form: SipUserForm,
}

impl SipUserFormScreen {
    pub fn add(customer: i64, generate: bool) -> SipUserFormScreen {
        SipUserFormScreen {
            form: SipUserForm::add(customer, generate),
        }
    }

    pub fn edit(user: &SipUser) -> SipUserFormScreen {
        SipUserFormScreen {
            form: SipUserForm::edit(user),
        }
    }

    fn conflict(&mut self, action: Action, cx: &mut Cx) {
        let form = &mut self.form;
        // Cancelling drops what the operator typed: only Esc right after Esc does.
        let asked = std::mem::take(&mut form.confirm_discard);
        match action {
            Action::TakeTheirs => {
                form.take_theirs();
                cx.info("Their version is loaded; your changes were dropped.");
            }
            Action::Overwrite => {
                form.ours_over_theirs();
                save(form, false, cx);
            }
            Action::Back if !asked => form.confirm_discard = true,
            Action::Back => cx.close(),
            _ => {}
        }
    }

    fn menu(&mut self, cursor: usize, action: Action, cx: &mut Cx) {
        let n = SaveOption::ALL.len();
        let chosen = match action {
            Action::Back => None,
            Action::Left => {
                self.form.menu = Some((cursor + n - 1) % n);
                return;
            }
            Action::Right => {
                self.form.menu = Some((cursor + 1) % n);
                return;
            }
            Action::Submit => Some(SaveOption::ALL[cursor]),
            Action::SaveContinue => Some(SaveOption::Continue),
            Action::SaveStay => Some(SaveOption::Stay),
            _ => return,
        };
        self.form.menu = None;
        let Some(option) = chosen else { return };
        let form = &mut self.form;
        // An edit that changes nothing writes nothing (and no audit row) and says so.
        if !form.is_new() && !form.is_dirty() {
            if option == SaveOption::Continue {
                cx.close();
            }
            cx.info(format!(
                "Nothing changed: SIP user {} is as it was",
                form.draft.username.trim()
            ));
            return;
        }
        save(form, option == SaveOption::Stay, cx);
    }

    fn saved(&mut self, result: Result<SipSaved, SipSaveError>, stay: bool, cx: &mut Cx) {
        let form = &mut self.form;
        form.saving = false;
        match result {
            Ok(saved) => {
                let user = &saved.user;
                let cleared = if saved.password_cleared {
                    "; its password was cleared, as the username changed: p sets a new one"
                } else {
                    ""
                };
                let line = format!("Saved SIP user {}{cleared}", user.spec.username);
                if stay {
                    form.stay_after(user);
                } else {
                    cx.close();
                }
                if let Some(password) = &saved.generated {
                    cx.open(password_window(&user.spec.username, password));
                }
                cx.info(line);
            }
            Err(SipSaveError::Conflict(theirs)) => form.conflict = Some(theirs),
            Err(SipSaveError::Fields(errors)) => {
                if let Some(first) = errors.first() {
                    form.save_error = Some(format!("Not saved: {}", first.message));
                    // To the field to fix.
                    form.focus_on(first.field);
                }
                // Shown beside their fields until the next change checks again.
                form.errors.extend(errors);
            }
            Err(SipSaveError::Failed(e)) => form.save_error = Some(format!("Not saved: {e}")),
        }
    }

    fn is_of(&self, customer: i64) -> bool {
        self.form.customer == customer
    }
}

/// Sends the form's SIP user to be saved; the form waits for the answer.
fn save(form: &mut SipUserForm, stay: bool, cx: &mut Cx) {
    form.saving = true;
    form.save_error = None;
    cx.run(Effect::Sip(SipEffect::Save {
        customer: form.customer,
        edit: form.original.as_ref().map(|u| (u.id, u.version)),
        draft: form.draft.clone(),
        generate: form.is_new() && form.generate,
        stay,
    }));
}

impl Screen for SipUserFormScreen {
    fn context(&self) -> Context {
        if self.form.conflict.is_some() {
            Context::Conflict
        } else if self.form.menu.is_some() {
            Context::SipSaveMenu
        } else {
            Context::SipForm
        }
    }

    /// ← → move inside text; Space is a space there.
    fn wants_key(&self, key: &KeyEvent) -> bool {
        self.context() == Context::SipForm
            && match key.code {
                KeyCode::Left | KeyCode::Right => true,
                KeyCode::Char(' ') => self.form.typing(),
                _ => false,
            }
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        // Any key but Esc takes back the question a first Esc asked.
        self.form.confirm_discard = false;
        if self.context() != Context::SipForm {
            return;
        }
        match key.code {
            KeyCode::Left | KeyCode::Right => self.form.step(key.code == KeyCode::Right, key),
            _ => self.form.key(key),
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        if self.context() == Context::SipForm {
            self.form.paste(text);
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        // One save at a time: the answer to the first decides what comes next.
        if self.form.saving {
            return Flow::Done;
        }
        if self.form.conflict.is_some() {
            self.conflict(action, cx);
            return Flow::Done;
        }
        if let Some(cursor) = self.form.menu {
            self.menu(cursor, action, cx);
            return Flow::Done;
        }
        let form = &mut self.form;
        let asked = std::mem::take(&mut form.confirm_discard);
        match action {
            Action::Back if form.is_dirty() && !asked => form.confirm_discard = true,
            Action::Back => cx.close(),
            Action::NextField => form.next_field(1),
            Action::PrevField => form.next_field(-1),
            Action::Toggle => form.toggle(),
            Action::Submit => {
                // An invalid form stays open; its fields already say why.
                if form.draft.validate().is_ok() {
                    form.menu = Some(0);
                } else {
                    form.save_error = Some(FIX_FIELDS.into());
                }
            }
            _ => {}
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::Sip(SipReply::Saved { result, stay }) if self.form.saving => {
                self.saved(result, stay, cx);
            }
            // The customer deleted, here or elsewhere: nothing left to save.
            Reply::CustomerGone(id) if self.is_of(id) => cx.close(),
            Reply::Deleted(Ok((ids, _))) if ids.iter().any(|id| self.is_of(*id)) => cx.close(),
            other => return Some(other),
        }
        None
    }

    fn unsaved(&self) -> Option<&'static str> {
        self.form
            .is_dirty()
            .then_some("The SIP user form has unsaved changes")
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        view::draw(frame, area, &self.form);
    }
}
