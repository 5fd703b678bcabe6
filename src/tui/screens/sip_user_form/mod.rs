//! The SIP user form (add or edit, from the card's SIP users tab): every field of the web
//! console, checked as typed; the save options; the service's refusals shown on their
//! field; and the conflict dialog when another operator saved the SIP user first.

mod model;
mod view;

pub use model::{PingMode, SipField, SipUserForm};

use super::sip_password::password_window;
use crate::domain::SipUser;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply, SipEffect, SipReply, SipSaveError, SipSaved};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::widgets::save_flow::{SaveOption, Step};
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

    /// Carries out a save option.
    fn save_with(&mut self, option: SaveOption, cx: &mut Cx) {
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
        form.flow.saving = false;
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
            Err(SipSaveError::Conflict(theirs)) => form.flow.conflict = Some(theirs),
            Err(SipSaveError::Fields(errors)) => {
                if let Some(first) = errors.first() {
                    form.flow.save_error = Some(format!("Not saved: {}", first.message));
                    // To the field to fix.
                    form.focus_on(first.field);
                }
                // Shown beside their fields until the next change checks again.
                form.errors.extend(errors);
            }
            Err(SipSaveError::Failed(e)) => form.flow.save_error = Some(format!("Not saved: {e}")),
        }
    }

    fn is_of(&self, customer: i64) -> bool {
        self.form.customer == customer
    }
}

/// Sends the form's SIP user to be saved; the form waits for the answer.
fn save(form: &mut SipUserForm, stay: bool, cx: &mut Cx) {
    form.flow.start_save();
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
        self.form
            .flow
            .context(Context::SipForm, Context::SipSaveMenu)
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
        self.form.flow.confirm_discard = false;
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
        let form = &mut self.form;
        let dirty = form.is_dirty();
        match form.flow.on_action(action, SaveOption::NOW, dirty) {
            Step::Done => {}
            Step::Close => cx.close(),
            Step::Save(option) => self.save_with(option, cx),
            Step::TakeTheirs => {
                form.take_theirs();
                cx.info("Their version is loaded; your changes were dropped.");
            }
            Step::Overwrite => {
                form.ours_over_theirs();
                save(form, false, cx);
            }
            Step::Fields(Action::NextField) => form.next_field(1),
            Step::Fields(Action::PrevField) => form.next_field(-1),
            Step::Fields(Action::Toggle) => form.toggle(),
            // An invalid form stays open; its fields already say why.
            Step::Fields(Action::Submit) => form.flow.submit(form.draft.validate().is_ok()),
            Step::Fields(_) => {}
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::Sip(SipReply::Saved { result, stay }) if self.form.flow.saving => {
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
