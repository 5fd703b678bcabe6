//! Pop-ups: the help overlay (generated from the keymap) and an audit row's difference.

use super::form::centered;
use crate::tui::app::Popup;
use crate::tui::keymap::{self, Context};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, popup: &Popup, below: Context) {
    let (title, lines) = match popup {
        Popup::Help => (" Keys (Esc closes) ".to_string(), help_lines(below)),
        Popup::Detail { title, body } => (
            format!(" {title} "),
            body.lines().map(|l| Line::from(l.to_string())).collect(),
        ),
    };
    let height = (lines.len() as u16).saturating_add(2);
    let rect = centered(area, 76, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(title)),
        rect,
    );
}

fn help_lines(context: Context) -> Vec<Line<'static>> {
    let key = Style::new().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = keymap::bindings_for(context)
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>12}  ", b.label), key),
                Span::raw(b.help),
            ])
        })
        .collect();
    if context == Context::Board {
        lines.push(Line::from(""));
        lines.push(Line::from(
            "Balance: positive means the customer is in credit; negative, that they owe.",
        ));
    }
    lines
}
