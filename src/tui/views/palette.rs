//! The command palette and the board's column chooser.

use super::centered;
use super::cursor_style;
use crate::tui::columns::ColumnChooser;
use crate::tui::palette::Palette;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn draw_palette(frame: &mut Frame, area: Rect, palette: &Palette) {
    let rect = centered(area, 64, 16);
    frame.render_widget(Clear, rect);
    let mut lines = vec![
        Line::from(Span::styled(
            format!(":{}▏", palette.query),
            Style::new().fg(Color::Cyan),
        )),
        Line::from(""),
    ];
    let room = usize::from(rect.height.saturating_sub(4));
    let first = palette.cursor.saturating_sub(room.saturating_sub(1));
    for (i, command) in palette.shown().enumerate().skip(first).take(room) {
        let text = format!("{:<48}{:>10}", command.name, command.key);
        let style = if i == palette.cursor {
            cursor_style()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    if palette.shown.is_empty() {
        lines.push(Line::from("No command matches."));
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Command palette ")),
        rect,
    );
}

/// The column chooser; `on_screen` is how many of the shown columns the board has room
/// for at this width, so that the others are marked as off screen.
pub fn draw_chooser(frame: &mut Frame, area: Rect, chooser: &ColumnChooser, on_screen: usize) {
    let height = chooser.entries.len() as u16 + 5;
    let rect = centered(area, 60, height);
    frame.render_widget(Clear, rect);
    let mut lines = vec![Line::from(Span::styled(
        "Name is always first. Top to bottom = left to right.",
        Style::new().fg(Color::DarkGray),
    ))];
    for (i, (column, shown)) in chooser.entries.iter().enumerate() {
        let off = if *shown && i >= on_screen {
            "  (no room at this width)"
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
