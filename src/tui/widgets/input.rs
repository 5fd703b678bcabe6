//! The one text field of the console: the search and filter lines, the palette's query,
//! prompts, and every field of the customer and bulk forms. It edits like a shell line:
//! ← → Home End, Ctrl-A/E, Alt-B/F (a word), Ctrl-U (to the start), Ctrl-W (back to a
//! space), Alt-Backspace (a word), Ctrl-K (to the end), Ctrl-Y (what those deleted),
//! Ctrl-Z (undo). ratatui-textarea does the rest; a one-line field refuses new lines and
//! tabs, and pasted lines join with spaces.

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
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let new_line =
            key.code == KeyCode::Enter || (ctrl && matches!(key.code, KeyCode::Char('m' | 'j')));
        if (new_line || key.code == KeyCode::Tab) && !self.multi_line {
            return false;
        }
        // Where a shell line and ratatui-textarea differ, the shell wins: operators bring
        // its habits (the textarea undoes on Ctrl-U and deletes a punctuated word on Ctrl-W).
        match key.code {
            KeyCode::Char('u') if ctrl => self.area.delete_line_by_head(),
            KeyCode::Char('w') if ctrl => self.delete_to_space(),
            KeyCode::Char('z') if ctrl => self.area.undo(),
            _ => self.area.input(key),
        }
    }

    /// Deletes back to the start of the word before the cursor, words being what spaces
    /// separate (`channels>=30` goes whole), as Ctrl-W does in a shell.
    fn delete_to_space(&mut self) -> bool {
        let (row, col) = (self.area.cursor().0, self.area.cursor().1);
        let before: Vec<char> = self.area.lines()[row].chars().take(col).collect();
        let spaces = before
            .iter()
            .rev()
            .take_while(|c| c.is_whitespace())
            .count();
        let word = before[..col - spaces]
            .iter()
            .rev()
            .take_while(|c| !c.is_whitespace())
            .count();
        let start = col - spaces - word;
        if start == col {
            return false;
        }
        self.area
            .move_cursor(CursorMove::Jump(row as u16, start as u16));
        self.area.delete_str(col - start)
    }

    /// The text before the cursor on its line (what Tab completes).
    pub fn before_cursor(&self) -> String {
        let (row, col) = (self.area.cursor().0, self.area.cursor().1);
        self.area.lines()[row].chars().take(col).collect()
    }

    /// Replaces the text before the cursor on a one-line field, the cursor after it.
    pub fn set_before_cursor(&mut self, before: &str) {
        let (row, col) = (self.area.cursor().0, self.area.cursor().1);
        let after: String = self.area.lines()[row].chars().skip(col).collect();
        self.set_text(&format!("{before}{after}"));
        let col = before.chars().count();
        self.area
            .move_cursor(CursorMove::Jump(row as u16, col as u16));
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

    fn ctrl(input: &mut TextInput, c: char) -> bool {
        input.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    fn alt(input: &mut TextInput, c: char) {
        input.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
    }

    #[test]
    fn the_cursor_moves_like_a_shell_line() {
        let mut input = TextInput::line("status:active tag:wholesale");
        press(&mut input, KeyCode::Home);
        press(&mut input, KeyCode::Char('>'));
        ctrl(&mut input, 'a');
        press(&mut input, KeyCode::Right);
        press(&mut input, KeyCode::Char('^'));
        alt(&mut input, 'b');
        press(&mut input, KeyCode::Char('-'));
        assert_eq!(input.text(), "->^status:active tag:wholesale");
        ctrl(&mut input, 'e');
        alt(&mut input, 'b');
        press(&mut input, KeyCode::Char('_'));
        assert_eq!(input.before_cursor(), "->^status:active tag:_");
        alt(&mut input, 'f');
        press(&mut input, KeyCode::Char('!'));
        press(&mut input, KeyCode::End);
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Char('S'));
        assert_eq!(input.text(), "->^status:active tag:_wholesaleS!");
    }

    #[test]
    fn ctrl_u_deletes_to_the_start_and_ctrl_w_back_to_a_space() {
        let mut input = TextInput::line("status:active channels>=30  ");
        assert!(ctrl(&mut input, 'w'));
        assert_eq!(input.text(), "status:active ");
        assert!(ctrl(&mut input, 'w'));
        assert_eq!(input.text(), "");
        assert!(!ctrl(&mut input, 'w'), "nothing left to delete");

        let mut input = TextInput::line("old words new");
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Left);
        assert!(ctrl(&mut input, 'u'));
        assert_eq!(input.text(), "new");
        assert_eq!(input.before_cursor(), "");
        // What Ctrl-U took comes back with Ctrl-Y, as in a shell; Ctrl-Z undoes.
        ctrl(&mut input, 'y');
        assert_eq!(input.text(), "old words new");
        ctrl(&mut input, 'z');
        assert_eq!(input.text(), "new");
    }

    #[test]
    fn a_line_refuses_a_tab_and_takes_a_paste_at_the_cursor() {
        let mut input = TextInput::line("/tmp/a.csv");
        assert!(!input.key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
        press(&mut input, KeyCode::Home);
        input.paste("~/");
        assert_eq!(input.text(), "~//tmp/a.csv");
        input.set_before_cursor("/srv/");
        assert_eq!(input.text(), "/srv//tmp/a.csv");
        assert_eq!(input.before_cursor(), "/srv/");
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
