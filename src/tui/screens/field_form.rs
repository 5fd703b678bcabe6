//! The screen of a one-page form of fields (a SIP user, a contact), over the card: keys to
//! its fields, the save options and the conflict dialog (`SaveFlow`), one save at a time,
//! the service's refusals shown on their fields. What differs between forms (the fields,
//! what a save sends and what its answer opens) is the model's, behind `FieldModel`.

use crate::domain::FieldError;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, FormSaveError, Reply};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::save_flow::{SaveFlow, SaveOption, Step};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

/// What every form keeps beside its fields.
pub struct FormCore<T> {
    /// The focused field, an index into the form's fields.
    pub focus: usize,
    /// The rules' verdict on what is typed now, and the service's refusals, each named by
    /// its field.
    pub errors: Vec<FieldError>,
    /// The save options, the save under way, a conflict, Esc's question.
    pub flow: SaveFlow<T>,
}

impl<T> Default for FormCore<T> {
    fn default() -> Self {
        FormCore {
            focus: 0,
            errors: Vec::new(),
            flow: SaveFlow::default(),
        }
    }
}

impl<T> FormCore<T> {
    /// The first rule the field called `name` breaks now, if any.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.as_str())
    }
}

/// What the screen needs of a form's model.
pub trait FieldModel {
    /// A field of the form.
    type Field: Copy + PartialEq + 'static;
    /// What the form saves (its version comes back in a conflict).
    type Saved;

    /// Every field in order; the last is shown only when adding (the password set with a
    /// new row; an existing row's is set from its tab).
    const FIELDS: &'static [Self::Field];
    /// The name the rules give a field (`FieldError::field`).
    fn name_of(field: Self::Field) -> &'static str;
    /// The focus, the errors and the save flow.
    fn core(&self) -> &FormCore<Self::Saved>;
    fn core_mut(&mut self) -> &mut FormCore<Self::Saved>;

    /// The customer whose card the form is over.
    fn customer(&self) -> i64;
    /// The row as loaded, None when adding: its version is what the save checks.
    fn original(&self) -> Option<&Self::Saved>;
    /// Whether anything differs from what was loaded (or from a blank form).
    fn is_dirty(&self) -> bool;
    /// Whether the fields can be saved as they stand.
    fn is_valid(&self) -> bool;
    /// The text input of a field typed in, None for one that is chosen or ticked.
    fn input(&self, field: Self::Field) -> Option<&TextInput>;
    fn input_mut(&mut self, field: Self::Field) -> Option<&mut TextInput>;
    /// The input of `field` changed: its text goes into the draft, checked again.
    fn typed(&mut self, field: Self::Field);
    /// ← → on the focused field.
    fn step(&mut self, forward: bool, key: KeyEvent);
    /// Space on a field that is not text.
    fn toggle(&mut self);
    /// "Reload" in a conflict: their version, our edits dropped.
    fn take_theirs(&mut self);
    /// "Overwrite" in a conflict: our changed fields on top of their version.
    fn ours_over_theirs(&mut self);

    /// What the form saves, in words: "SIP user 1001".
    fn what(&self) -> String;
    /// The effect that saves the form; `stay` keeps it open after.
    fn save_effect(&self, stay: bool) -> Effect;
    /// The answer to this form's save, if `reply` is it (the rest is given back): the
    /// saved row goes to `saved`, a refusal to `refused`.
    fn take_answer(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply>;
    /// The line `unsaved` gives when the form has changes.
    fn unsaved_line(&self) -> &'static str;
    fn draw(&self, frame: &mut Frame, area: Rect);

    fn flow(&self) -> &SaveFlow<Self::Saved> {
        &self.core().flow
    }

    fn flow_mut(&mut self) -> &mut SaveFlow<Self::Saved> {
        &mut self.core_mut().flow
    }

    fn is_new(&self) -> bool {
        self.original().is_none()
    }

    /// The fields shown, in order.
    fn fields(&self) -> &'static [Self::Field] {
        let all = Self::FIELDS;
        if self.is_new() {
            all
        } else {
            &all[..all.len() - 1]
        }
    }

    /// Whether the focused field takes typed text (a space too).
    fn typing(&self) -> bool {
        self.input(self.focused()).is_some()
    }

    /// A key for the focused text field; Space elsewhere toggles.
    fn key(&mut self, key: KeyEvent) {
        let f = self.focused();
        let changed = match self.input_mut(f) {
            Some(input) => input.key(key),
            None => {
                if key.code == KeyCode::Char(' ') {
                    self.toggle();
                }
                false
            }
        };
        if changed {
            self.typed(f);
        }
    }

    fn paste(&mut self, text: &str) {
        let f = self.focused();
        if self.input_mut(f).is_some_and(|input| input.paste(text)) {
            self.typed(f);
        }
    }

    fn focused(&self) -> Self::Field {
        let fields = self.fields();
        fields[self.core().focus.min(fields.len() - 1)]
    }

    /// The first rule a field breaks now, if any.
    fn error(&self, field: Self::Field) -> Option<&str> {
        self.core().error(Self::name_of(field))
    }

    /// Moves to the field called `name`.
    fn focus_on(&mut self, name: &str) {
        if let Some(i) = self.fields().iter().position(|f| Self::name_of(*f) == name) {
            self.core_mut().focus = i;
        }
    }

    fn next_field(&mut self, step: isize) {
        let n = self.fields().len() as isize;
        let core = self.core_mut();
        core.focus = (core.focus as isize + step).rem_euclid(n) as usize;
    }

    /// A save refused: their version for the conflict dialog, or the reasons shown on
    /// their fields (the first one focused), or the failure on the status line.
    fn refused(&mut self, error: FormSaveError<Self::Saved>) {
        match error {
            FormSaveError::Conflict(theirs) => self.flow_mut().conflict = Some(theirs),
            FormSaveError::Fields(errors) => {
                if let Some(first) = errors.first() {
                    self.flow_mut().save_error = Some(format!("Not saved: {}", first.message));
                    // To the field to fix.
                    self.focus_on(first.field);
                }
                // Shown beside their fields until the next change checks again.
                self.core_mut().errors.extend(errors);
            }
            FormSaveError::Failed(e) => {
                self.flow_mut().save_error = Some(format!("Not saved: {e}"))
            }
        }
    }
}

pub struct FieldFormScreen<M> {
    pub form: M,
}

impl<M: FieldModel> FieldFormScreen<M> {
    pub fn new(form: M) -> FieldFormScreen<M> {
        FieldFormScreen { form }
    }

    /// Carries out a save option.
    fn save_with(&mut self, option: SaveOption, cx: &mut Cx) {
        let form = &mut self.form;
        // An edit that changes nothing writes nothing (and no audit row) and says so.
        if !form.is_new() && !form.is_dirty() {
            if option == SaveOption::Continue {
                cx.close();
            }
            cx.info(format!("Nothing changed: {} is as it was", form.what()));
            return;
        }
        save(form, option == SaveOption::Stay, cx);
    }
}

/// Sends the form to be saved; the form waits for the answer.
fn save<M: FieldModel>(form: &mut M, stay: bool, cx: &mut Cx) {
    form.flow_mut().start_save();
    cx.run(form.save_effect(stay));
}

impl<M: FieldModel + 'static> Screen for FieldFormScreen<M> {
    fn context(&self) -> Context {
        self.form
            .flow()
            .context(Context::FieldForm, Context::FieldSaveMenu)
    }

    /// ← → move inside text; Space is a space there.
    fn wants_key(&self, key: &KeyEvent) -> bool {
        self.context() == Context::FieldForm
            && match key.code {
                KeyCode::Left | KeyCode::Right => true,
                KeyCode::Char(' ') => self.form.typing(),
                _ => false,
            }
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        // Any key but Esc takes back the question a first Esc asked.
        self.form.flow_mut().confirm_discard = false;
        if self.context() != Context::FieldForm {
            return;
        }
        match key.code {
            KeyCode::Left | KeyCode::Right => self.form.step(key.code == KeyCode::Right, key),
            _ => self.form.key(key),
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        if self.context() == Context::FieldForm {
            self.form.paste(text);
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        let form = &mut self.form;
        let dirty = form.is_dirty();
        match form.flow_mut().on_action(action, SaveOption::NOW, dirty) {
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
            Step::Fields(Action::Submit) => {
                let valid = form.is_valid();
                form.flow_mut().submit(valid);
            }
            Step::Fields(_) => {}
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        let customer = self.form.customer();
        match reply {
            // The customer deleted, here or elsewhere: nothing left to save.
            Reply::CustomerGone(id) if id == customer => cx.close(),
            Reply::Deleted(Ok((ids, _))) if ids.contains(&customer) => cx.close(),
            other if self.form.flow().saving => return self.form.take_answer(other, cx),
            other => return Some(other),
        }
        None
    }

    fn unsaved(&self) -> Option<&'static str> {
        self.form.is_dirty().then(|| self.form.unsaved_line())
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        self.form.draw(frame, area);
    }
}
