//! The board's column chooser: every column with a tick, in the order they will show.

use crate::domain::board_columns::ColumnId;
use crate::tui::chrome::{centered, cursor_style};
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::Reply;
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnChooser {
    pub entries: Vec<(ColumnId, bool)>,
    pub cursor: usize,
    /// Which of the shown columns the board had room for, so that the others are marked
    /// as off screen.
    on_screen: std::ops::Range<usize>,
}

impl ColumnChooser {
    pub fn new(shown: &[ColumnId], on_screen: std::ops::Range<usize>) -> ColumnChooser {
        let mut entries: Vec<(ColumnId, bool)> = shown.iter().map(|c| (*c, true)).collect();
        entries.extend(
            ColumnId::ALL
                .into_iter()
                .filter(|c| !shown.contains(c))
                .map(|c| (c, false)),
        );
        ColumnChooser {
            entries,
            cursor: 0,
            on_screen,
        }
    }

    pub fn toggle(&mut self) {
        if let Some(e) = self.entries.get_mut(self.cursor) {
            e.1 = !e.1;
        }
    }

    pub fn move_cursor(&mut self, delta: isize) {
        self.cursor = self
            .cursor
            .saturating_add_signed(delta)
            .min(self.entries.len() - 1);
    }

    /// Moves the entry under the cursor up or down, taking the cursor with it.
    pub fn shift(&mut self, delta: isize) {
        let to = self
            .cursor
            .saturating_add_signed(delta)
            .min(self.entries.len() - 1);
        self.entries.swap(self.cursor, to);
        self.cursor = to;
    }

    pub fn chosen(&self) -> Vec<ColumnId> {
        self.entries.iter().filter(|e| e.1).map(|e| e.0).collect()
    }
}

impl Screen for ColumnChooser {
    fn context(&self) -> Context {
        Context::Columns
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        match action {
            Action::Back => cx.close(),
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::Top => self.move_cursor(isize::MIN / 2),
            Action::Bottom => self.move_cursor(isize::MAX / 2),
            Action::ShiftUp => self.shift(-1),
            Action::ShiftDown => self.shift(1),
            Action::Toggle => self.toggle(),
            Action::Submit => {
                cx.close();
                cx.post(Reply::ColumnsChosen(self.chosen()));
            }
            _ => {}
        }
        Flow::Done
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        draw_chooser(frame, area, self);
    }
}

/// The column chooser; `on_screen` is which of the shown columns the board has room for
/// at this width and scroll, so that the others are marked as off screen.
fn draw_chooser(frame: &mut Frame, area: Rect, chooser: &ColumnChooser) {
    let on_screen = &chooser.on_screen;
    let height = chooser.entries.len() as u16 + 5;
    let rect = centered(area, 60, height);
    frame.render_widget(Clear, rect);
    let mut lines = vec![Line::from(Span::styled(
        "Name is always first. Top to bottom = left to right.",
        Style::new().fg(Color::DarkGray),
    ))];
    for (i, (column, shown)) in chooser.entries.iter().enumerate() {
        let off = if *shown && !on_screen.contains(&i) {
            "  (off screen: < > scroll the board)"
        } else {
            ""
        };
        let text = format!(
            "[{}] {}{off}",
            if *shown { "x" } else { " " },
            column.header()
        );
        let style = if i == chooser.cursor {
            cursor_style()
        } else if *shown {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        "Space show/hide · Shift-↑↓ or K/J move · Enter save",
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Board columns ")),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chooser_hides_and_reorders() {
        let mut c = ColumnChooser::new(&[ColumnId::Status, ColumnId::Balance, ColumnId::Cps], 0..3);
        assert_eq!(c.entries.len(), ColumnId::ALL.len());
        c.toggle(); // hide Status
        c.move_cursor(2); // Cps
        c.shift(-2); // to the top
        assert_eq!(c.chosen(), [ColumnId::Cps, ColumnId::Balance]);
    }
}
