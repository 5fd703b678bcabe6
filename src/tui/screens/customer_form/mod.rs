//! The customer form (add or edit), its save options, Delay and Save, and the conflict
//! dialog when another operator saved first.

mod model;
mod view;

pub use model::{CustomerForm, FormTab, Kind};

use super::prompt::Prompt;
use crate::domain::Customer;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply, SaveError};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::widgets::save_flow::{SaveOption, Step};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

pub struct CustomerFormScreen {
    pub form: CustomerForm,
}

impl CustomerFormScreen {
    pub fn add() -> CustomerFormScreen {
        CustomerFormScreen {
            form: CustomerForm::add(),
        }
    }

    pub fn edit(customer: &Customer) -> CustomerFormScreen {
        CustomerFormScreen {
            form: CustomerForm::edit(customer),
        }
    }

    /// Carries out a save option.
    fn save_with(&mut self, option: SaveOption, cx: &mut Cx) {
        let form = &mut self.form;
        let Ok(customer) = form.customer() else {
            return;
        };
        // An edit that changes nothing writes nothing (and no audit row) and says so.
        if !form.is_new() && !form.is_dirty() && option != SaveOption::Delay {
            if option == SaveOption::Continue {
                cx.close();
            }
            cx.info(format!("Nothing changed: {} is as it was", customer.name));
            return;
        }
        match option {
            SaveOption::Continue => save(form, customer, false, cx),
            SaveOption::Stay => save(form, customer, true, cx),
            SaveOption::Delay => cx.open(Prompt::delay_until(cx.now())),
        }
    }

    fn schedule(&mut self, due: chrono::DateTime<chrono::Utc>, cx: &mut Cx) {
        let form = &mut self.form;
        let (Some(original), Ok(edited)) = (&form.original, form.customer()) else {
            return;
        };
        let fields = crate::domain::draft::changed_fields(original, &edited);
        if fields.as_object().is_none_or(|m| m.is_empty()) {
            form.core.flow.save_error =
                Some("Nothing changed: there is nothing to schedule.".into());
            return;
        }
        form.core.flow.saving = true;
        cx.run(Effect::Schedule {
            customer: original.id,
            fields,
            due,
        });
    }

    fn saved(&mut self, result: Result<Customer, SaveError>, stay: bool, cx: &mut Cx) {
        let form = &mut self.form;
        form.core.flow.saving = false;
        match result {
            Ok(customer) if stay => {
                let next = if form.is_new() {
                    "; ready for the next one"
                } else {
                    ""
                };
                form.stay_after(&customer);
                cx.info(format!("Saved {} (#{}){next}", customer.name, customer.id));
            }
            Ok(customer) => {
                cx.close();
                cx.info(format!("Saved {} (#{})", customer.name, customer.id));
            }
            Err(SaveError::Conflict(theirs)) => form.core.flow.conflict = Some(theirs),
            Err(SaveError::Field(error)) => {
                form.core.flow.save_error = Some(format!("Not saved: {error}"));
                // To the field to fix.
                form.focus_on(error.field);
                form.core.errors.push(error);
            }
            Err(SaveError::Failed(e)) => form.core.flow.save_error = Some(e),
        }
    }

    fn is_of(&self, id: i64) -> bool {
        self.form.original.as_ref().is_some_and(|c| c.id == id)
    }
}

/// Sends the form's customer to be saved; the form waits for the answer.
fn save(form: &mut CustomerForm, customer: Customer, stay: bool, cx: &mut Cx) {
    form.core.flow.start_save();
    cx.run(Effect::SaveCustomer {
        customer: Box::new(customer),
        stay,
    });
}

impl Screen for CustomerFormScreen {
    fn context(&self) -> Context {
        self.form
            .core
            .flow
            .context(Context::Form, Context::SaveMenu)
    }

    /// ← → edit inside text (or cycle a choice); Enter is a new line in the TOML vars, and
    /// ↑ ↓ move between its lines until past the first or last.
    fn wants_key(&self, key: &KeyEvent) -> bool {
        if self.context() != Context::Form {
            return false;
        }
        let form = &self.form;
        let lines = form.kind(form.focused()) == Kind::Lines;
        let input = form.input(form.focused());
        match key.code {
            KeyCode::Left | KeyCode::Right => true,
            KeyCode::Enter => lines,
            KeyCode::Up => lines && input.is_some_and(|i| i.can_move(true)),
            KeyCode::Down => lines && input.is_some_and(|i| i.can_move(false)),
            _ => false,
        }
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        // Any key but Esc takes back the question a first Esc asked, a cursor move too.
        self.form.core.flow.confirm_discard = false;
        // Under the save menu or the conflict dialog, the fields take no typing.
        if self.context() != Context::Form {
            return;
        }
        match key.code {
            KeyCode::Left | KeyCode::Right => self.form.step(key.code == KeyCode::Right, key),
            _ => self.form.key(key),
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        if self.context() == Context::Form {
            self.form.paste(text);
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        let form = &mut self.form;
        let dirty = form.is_dirty();
        match form.core.flow.on_action(action, form.save_options(), dirty) {
            Step::Done => {}
            Step::Close => cx.close(),
            Step::Save(option) => self.save_with(option, cx),
            Step::TakeTheirs => {
                form.take_theirs();
                cx.info("Their version is loaded; your changes were dropped.");
            }
            Step::Overwrite => match form.ours_over_theirs() {
                Ok(customer) => save(form, customer, false, cx),
                Err(errors) => {
                    form.core.flow.save_error = errors.first().map(|e| e.message.clone())
                }
            },
            Step::Fields(Action::NextField) => form.next_field(1),
            Step::Fields(Action::PrevField) => form.next_field(-1),
            Step::Fields(Action::NextFormTab) => form.next_tab(1),
            Step::Fields(Action::PrevFormTab) => form.next_tab(-1),
            // An invalid form stays open; its fields already show why.
            Step::Fields(Action::Submit) => form.core.flow.submit(form.customer().is_ok()),
            Step::Fields(_) => {}
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::Saved { result, stay } if self.form.core.flow.saving => {
                self.saved(result, stay, cx)
            }
            Reply::Scheduled(result) if self.form.core.flow.saving => match result {
                Ok(line) => {
                    cx.close();
                    cx.info(line);
                }
                Err(e) => {
                    self.form.core.flow.saving = false;
                    self.form.core.flow.save_error = Some(e);
                }
            },
            Reply::DelayChosen(due) => self.schedule(due, cx),
            // Deleted, here or elsewhere: nothing left to save.
            Reply::CustomerGone(id) if self.is_of(id) => cx.close(),
            Reply::Deleted(Ok((ids, _))) if ids.iter().any(|id| self.is_of(*id)) => cx.close(),
            other => return Some(other),
        }
        None
    }

    fn unsaved(&self) -> Option<&'static str> {
        self.form
            .is_dirty()
            .then_some("The form has unsaved changes")
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        view::draw(frame, area, &self.form);
    }
}
