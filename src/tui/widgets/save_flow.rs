//! What every edit form does around its fields, whatever it edits: the save options, one
//! save at a time, the conflict dialog when another operator saved first, and Esc asking
//! before changes are dropped. The customer, SIP user and contact forms share it; each
//! keeps its fields and what a save means.

use super::form_status::FormStatus;
use crate::tui::keymap::{Action, Context};

/// The save options of the web console; a form offers those that fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOption {
    /// Save and go back where the form was opened from.
    Continue,
    /// Save and keep the form open (a fresh one when adding).
    Stay,
    /// Store the change to apply at a chosen time.
    Delay,
}

impl SaveOption {
    pub const ALL: [SaveOption; 3] = [SaveOption::Continue, SaveOption::Stay, SaveOption::Delay];
    /// What a form offers that saves now and only now.
    pub const NOW: &[SaveOption] = &[SaveOption::Continue, SaveOption::Stay];

    pub fn label(self) -> &'static str {
        match self {
            SaveOption::Continue => "Save and Continue",
            SaveOption::Stay => "Save and Stay",
            SaveOption::Delay => "Delay and Save…",
        }
    }

    /// The menu's key for the option.
    fn shortcut(self) -> Action {
        match self {
            SaveOption::Continue => Action::SaveContinue,
            SaveOption::Stay => Action::SaveStay,
            SaveOption::Delay => Action::SaveDelay,
        }
    }
}

/// What an action comes to once the flow has taken its part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing more to do.
    Done,
    /// Close the form: nothing changed, or the operator confirmed dropping the changes.
    Close,
    /// Carry out this save option.
    Save(SaveOption),
    /// Conflict: load their version, dropping ours.
    TakeTheirs,
    /// Conflict: our changes on top of their version, saved.
    Overwrite,
    /// Not the flow's: the form's own key (a field, Submit).
    Fields(Action),
}

/// The state a form keeps around its fields; `T` is what it edits (their version comes
/// back in a conflict).
pub struct SaveFlow<T> {
    /// A save is on its way: the answer decides what comes next.
    pub saving: bool,
    /// Why the last save failed.
    pub save_error: Option<String>,
    /// The save options, open with their cursor.
    pub menu: Option<usize>,
    /// Another operator saved first: their version.
    pub conflict: Option<Box<T>>,
    /// Esc was pressed with unsaved changes: a second Esc discards them.
    pub confirm_discard: bool,
}

impl<T> Default for SaveFlow<T> {
    fn default() -> Self {
        SaveFlow {
            saving: false,
            save_error: None,
            menu: None,
            conflict: None,
            confirm_discard: false,
        }
    }
}

impl<T> SaveFlow<T> {
    /// Where keys go: the conflict dialog, the save options, or the fields (`fields`).
    pub fn context(&self, fields: Context, menu: Context) -> Context {
        if self.conflict.is_some() {
            Context::Conflict
        } else if self.menu.is_some() {
            menu
        } else {
            fields
        }
    }

    /// Takes the flow's part of `action`: nothing while saving, the dialog's keys in a
    /// conflict, the menu's while it is open (from `options`), and Esc, which asks first
    /// when the form is `dirty`. Anything else is the form's (`Step::Fields`).
    pub fn on_action(&mut self, action: Action, options: &[SaveOption], dirty: bool) -> Step {
        if self.saving {
            return Step::Done;
        }
        // Only Esc right after Esc discards: any other key takes the question back.
        let asked = std::mem::take(&mut self.confirm_discard);
        if self.conflict.is_some() {
            return match action {
                Action::TakeTheirs => Step::TakeTheirs,
                Action::Overwrite => Step::Overwrite,
                // Cancelling drops what the operator typed.
                Action::Back if !asked => {
                    self.confirm_discard = true;
                    Step::Done
                }
                Action::Back => Step::Close,
                _ => Step::Done,
            };
        }
        if let Some(cursor) = self.menu {
            let n = options.len().max(1);
            let chosen = match action {
                Action::Back => None,
                Action::Left => {
                    self.menu = Some((cursor + n - 1) % n);
                    return Step::Done;
                }
                Action::Right => {
                    self.menu = Some((cursor + 1) % n);
                    return Step::Done;
                }
                Action::Submit => options.get(cursor).copied(),
                other => match options.iter().find(|o| o.shortcut() == other) {
                    Some(o) => Some(*o),
                    None => return Step::Done,
                },
            };
            self.menu = None;
            return chosen.map_or(Step::Done, Step::Save);
        }
        match action {
            Action::Back if dirty && !asked => {
                self.confirm_discard = true;
                Step::Done
            }
            Action::Back => Step::Close,
            other => Step::Fields(other),
        }
    }

    /// Enter on a form whose fields are `valid`: the save options, or a line saying the
    /// fields must be fixed first.
    pub fn submit(&mut self, valid: bool) {
        if valid {
            self.menu = Some(0);
        } else {
            self.save_error = Some(crate::tui::chrome::FIX_FIELDS.into());
        }
    }

    /// A save went out: the form waits for its answer.
    pub fn start_save(&mut self) {
        self.saving = true;
        self.save_error = None;
    }

    /// A field changed: the last save's error and Esc's question no longer apply.
    pub fn edited(&mut self) {
        self.save_error = None;
        self.confirm_discard = false;
    }

    /// The line under the fields, with the menu's `options` while it is open.
    pub fn status<'a>(
        &'a self,
        labels: &'a [&'static str],
        field_error: Option<&'a str>,
        errors: usize,
        hint: &'a str,
    ) -> FormStatus<'a> {
        FormStatus {
            menu: self.menu.map(|cursor| (labels, cursor)),
            saving: self.saving,
            confirm_discard: self.confirm_discard,
            save_error: self.save_error.as_deref(),
            field_error,
            errors,
            hint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_asks_once_when_dirty_and_any_other_key_takes_the_question_back() {
        let mut flow = SaveFlow::<()>::default();
        assert_eq!(
            flow.on_action(Action::Back, SaveOption::NOW, true),
            Step::Done
        );
        assert!(flow.confirm_discard);
        assert_eq!(
            flow.on_action(Action::NextField, SaveOption::NOW, true),
            Step::Fields(Action::NextField)
        );
        assert!(!flow.confirm_discard);
        flow.on_action(Action::Back, SaveOption::NOW, true);
        assert_eq!(
            flow.on_action(Action::Back, SaveOption::NOW, true),
            Step::Close
        );
        assert_eq!(
            flow.on_action(Action::Back, SaveOption::NOW, false),
            Step::Close,
            "nothing to lose: Esc closes at once"
        );
    }

    #[test]
    fn the_menu_wraps_and_its_keys_pick_only_the_options_offered() {
        let mut flow = SaveFlow::<()>::default();
        flow.submit(true);
        flow.on_action(Action::Left, SaveOption::NOW, true);
        assert_eq!(flow.menu, Some(1));
        assert_eq!(
            flow.on_action(Action::SaveDelay, SaveOption::NOW, true),
            Step::Done,
            "Delay is not offered"
        );
        assert_eq!(
            flow.on_action(Action::Submit, SaveOption::NOW, true),
            Step::Save(SaveOption::Stay)
        );
        assert_eq!(flow.menu, None);
        flow.submit(true);
        assert_eq!(
            flow.on_action(Action::SaveDelay, &SaveOption::ALL, true),
            Step::Save(SaveOption::Delay)
        );
        flow.submit(false);
        assert_eq!(flow.menu, None);
        assert!(flow.save_error.is_some());
    }

    #[test]
    fn nothing_happens_while_saving_and_a_conflict_takes_its_own_keys() {
        let mut flow = SaveFlow::<u8>::default();
        flow.start_save();
        assert_eq!(
            flow.on_action(Action::Back, SaveOption::NOW, true),
            Step::Done
        );
        flow.saving = false;
        flow.conflict = Some(Box::new(2));
        assert_eq!(
            flow.on_action(Action::Overwrite, SaveOption::NOW, true),
            Step::Overwrite
        );
        assert_eq!(
            flow.on_action(Action::TakeTheirs, SaveOption::NOW, true),
            Step::TakeTheirs
        );
        flow.on_action(Action::Back, SaveOption::NOW, false);
        assert_eq!(
            flow.on_action(Action::Back, SaveOption::NOW, false),
            Step::Close,
            "cancelling a conflict asks even with nothing typed since"
        );
    }
}
