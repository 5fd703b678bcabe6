//! The bulk-edit form: fields to set on every marked customer, then a preview (a list)
//! before anything is saved.

mod model;
mod view;

pub use model::{BulkField, BulkForm};

use super::list::ListScreen;
use crate::domain::count;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

pub struct BulkFormScreen {
    pub form: BulkForm,
}

impl BulkFormScreen {
    pub fn new(ids: Vec<i64>, hidden: usize) -> BulkFormScreen {
        BulkFormScreen {
            form: BulkForm::new(ids, hidden),
        }
    }

    /// The form filled in with `edit` and its preview asked for at once: the palette's
    /// `set status inactive` goes through the same preview as the form.
    pub fn previewing(
        ids: Vec<i64>,
        hidden: usize,
        edit: &crate::domain::BulkEdit,
        cx: &mut Cx,
    ) -> BulkFormScreen {
        let mut screen = BulkFormScreen {
            form: BulkForm::with_edit(ids, hidden, edit),
        };
        screen.submit(cx);
        screen
    }

    /// Enter: the preview, once the fields read right.
    fn submit(&mut self, cx: &mut Cx) {
        let form = &mut self.form;
        let edit = form.edit();
        if edit.is_empty() {
            form.error = Some("Set at least one field; empty ones stay as they are.".into());
        } else if !form.broken.is_empty() {
            form.error = Some(format!(
                "Fix the fields marked {}first: {}",
                crate::tui::chrome::ERROR_MARK,
                form.broken
                    .iter()
                    .map(|(f, e)| format!("{}: {e}", f.label()))
                    .collect::<Vec<_>>()
                    .join(" · ")
            ));
        } else {
            form.waiting = true;
            cx.run(Effect::BulkPreview {
                ids: form.ids.clone(),
                edit,
            });
        }
    }

    fn previewed(&mut self, result: Result<Vec<crate::domain::BulkChange>, String>, cx: &mut Cx) {
        let form = &mut self.form;
        form.waiting = false;
        match result {
            // One line per customer that breaks a rule: too many for the form's status line.
            Err(e) if e.lines().count() > 1 => {
                let lines: Vec<String> = e.lines().map(str::to_string).collect();
                let n = count(lines.len(), "customer");
                form.error = Some(format!("{n} break a rule: nothing was changed"));
                cx.open(ListScreen::refused(n, lines));
            }
            Err(e) => form.error = Some(e),
            Ok(changes) => cx.open(ListScreen::bulk_preview(changes, form.edit())),
        }
    }
}

impl Screen for BulkFormScreen {
    fn context(&self) -> Context {
        Context::BulkForm
    }

    /// ← → cycle a choice or move in the text being typed.
    fn wants_key(&self, key: &KeyEvent) -> bool {
        matches!(key.code, KeyCode::Left | KeyCode::Right)
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        // Any key but Esc takes back the question a first Esc asked, a cursor move too.
        self.form.confirm_discard = false;
        match key.code {
            KeyCode::Left | KeyCode::Right => self.form.step(key.code == KeyCode::Right, key),
            _ => self.form.key(key),
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        self.form.paste(text);
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        let form = &mut self.form;
        // Only Esc right after Esc discards: any other key takes the question back.
        let asked = std::mem::take(&mut form.confirm_discard);
        match action {
            Action::Back if !form.edit().is_empty() && !asked => form.confirm_discard = true,
            Action::Back => cx.close(),
            Action::NextField => form.next_field(1),
            Action::PrevField => form.next_field(-1),
            Action::Submit if form.waiting => {}
            Action::Submit => self.submit(cx),
            _ => {}
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::BulkPreviewed(result) if self.form.waiting => self.previewed(result, cx),
            Reply::BulkSent => cx.close(),
            other => return Some(other),
        }
        None
    }

    fn unsaved(&self) -> Option<&'static str> {
        (!self.form.edit().is_empty()).then_some("The bulk edit has fields set")
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        view::draw_bulk(frame, area, &self.form);
    }
}
