//! The one text field of the console: the search and filter lines, the palette's query,
//! prompts, and every field of the customer and bulk forms. Its editing keys are those of
//! ratatui-textarea (← → Home End, Ctrl-A/E, Ctrl-W and Alt-Backspace, Ctrl-K, undo with
//! Ctrl-U); a one-line field refuses new lines, and pasted lines join with spaces.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui_textarea::{CursorMove, TextArea};

#[derive(Debug, Clone)]
pub struct TextInput {
    area: TextArea<'static>,
    multi_line: bool,
}

impl Default for TextInput {
    fn default() -> Self {
        TextInput::line("")
    }
}

impl TextInput {
    /// A one-line field holding `text`, the cursor at its end.
    pub fn line(text: &str) -> TextInput {
        TextInput::with(text, false)
    }

    /// A field of several lines (Enter starts a new one).
    pub fn lines(text: &str) -> TextInput {
        TextInput::with(text, true)
    }

    /// An empty one-line field that shows every character as •: a password.
    pub fn masked() -> TextInput {
        let mut input = TextInput::line("");
        input.area.set_mask_char('•');
        input
    }

    fn with(text: &str, multi_line: bool) -> TextInput {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut area = TextArea::new(if lines.is_empty() {
            vec![String::new()]
        } else {
            lines
        });
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        area.set_cursor_line_style(Style::new());
        TextInput { area, multi_line }
    }

    /// An editing key; true when the text changed.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let new_line = key.code == KeyCode::Enter
            || (key.modifiers.contains(KeyModifiers::CONTROL)
                && matches!(key.code, KeyCode::Char('m' | 'j')));
        if new_line && !self.multi_line {
            return false;
        }
        self.area.input(key)
    }

    /// Inserts pasted text at the cursor; true when the text changed.
    pub fn paste(&mut self, text: &str) -> bool {
        let text = if self.multi_line {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.replace("\r\n", " ").replace(['\r', '\n'], " ")
        };
        self.area.insert_str(text)
    }

    /// The text, lines joined with '\n'.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.area.lines().iter().all(String::is_empty)
    }

    /// Replaces the text, the cursor at its end.
    pub fn set_text(&mut self, text: &str) {
        let mask = self.area.mask_char();
        *self = TextInput::with(text, self.multi_line);
        if let Some(mask) = mask {
            self.area.set_mask_char(mask);
        }
    }

    /// Whether ↑ (or ↓) still moves inside the text rather than leaving the field.
    pub fn can_move(&self, up: bool) -> bool {
        let row = self.area.cursor().0;
        if up {
            row > 0
        } else {
            row + 1 < self.area.lines().len()
        }
    }

    /// Draws the field; the cursor shows only where it has the focus.
    pub fn draw(&self, frame: &mut Frame, area: Rect, style: Style, focused: bool) {
        let mut shown = self.area.clone();
        shown.set_style(style);
        if !focused {
            shown.set_cursor_style(Style::new());
        }
        frame.render_widget(&shown, area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut TextInput, code: KeyCode) {
        input.key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    #[test]
    fn a_line_edits_in_the_middle_and_refuses_new_lines() {
        let mut input = TextInput::line("acme");
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Char('X'));
        press(&mut input, KeyCode::Enter);
        assert_eq!(input.text(), "acXme");
        input.paste("a\nb");
        assert_eq!(input.text(), "acXa bme");
        press(&mut input, KeyCode::End);
        press(&mut input, KeyCode::Backspace);
        assert_eq!(input.text(), "acXa bm");
    }

    #[test]
    fn a_masked_field_keeps_its_text_and_shows_dots() {
        let mut input = TextInput::masked();
        input.paste("s3cret pass");
        assert_eq!(input.text(), "s3cret pass");
        input.set_text("another one");
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(20, 1)).unwrap();
        terminal
            .draw(|f| input.draw(f, f.area(), Style::new(), true))
            .unwrap();
        let shown: String = terminal
            .backend()
            .buffer()
            .content
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(shown.starts_with("•••••••••••"), "{shown}");
        assert!(!shown.contains("another"), "{shown}");
    }

    #[test]
    fn lines_keep_their_breaks_and_say_where_the_cursor_can_go() {
        let mut input = TextInput::lines("a = 1\nb = 2");
        assert!(input.can_move(true));
        assert!(!input.can_move(false));
        press(&mut input, KeyCode::Enter);
        input.paste("c = 3");
        assert_eq!(input.text(), "a = 1\nb = 2\nc = 3");
    }
}
