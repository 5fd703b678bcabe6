//! Pop-ups: the help overlay (generated from the keymap) and an audit row's difference.

use super::centered;
use crate::tui::app::Popup;
use crate::tui::keymap::{self, Context};
use crate::tui::prompt::Prompt;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Color;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Draws a popup; a scroll past the end is brought back to where the last line shows.
pub fn draw(frame: &mut Frame, area: Rect, popup: &mut Popup, below: Context) {
    let (title, lines) = match popup {
        Popup::Help { .. } => (
            " Keys (↑↓ scroll, Esc closes) ".to_string(),
            help_lines(below),
        ),
        Popup::Detail { title, body, .. } => (
            format!(" {title} "),
            body.lines().map(|l| Line::from(l.to_string())).collect(),
        ),
    };
    // Help that does not fit in one column is laid out in two, side by side. A report
    // takes the width it is given, up to what reads comfortably.
    let two = matches!(popup, Popup::Help { .. })
        && lines.len() + 2 > usize::from(area.height)
        && area.width >= 120;
    let width = match popup {
        _ if two => 152,
        Popup::Help { .. } => 76,
        Popup::Detail { .. } => 110,
    };
    // Rows as drawn, long lines wrapped.
    let inner_width = usize::from(width.min(area.width).saturating_sub(2).max(1));
    let rows = if two {
        lines.len().div_ceil(2)
    } else {
        wrapped_rows(&lines, inner_width)
    };
    let height = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if two {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(inner);
        let mut lines = lines;
        let second = lines.split_off(rows);
        let wrap = Wrap { trim: false };
        frame.render_widget(Paragraph::new(lines).wrap(wrap), left);
        frame.render_widget(Paragraph::new(second).wrap(wrap), right);
    } else {
        let (Popup::Detail { scroll, .. } | Popup::Help { scroll }) = popup;
        let rows = wrapped_rows(&lines, usize::from(inner.width.max(1)));
        let last = rows.saturating_sub(usize::from(inner.height));
        *scroll = (*scroll).min(u16::try_from(last).unwrap_or(u16::MAX));
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((*scroll, 0)),
            inner,
        );
    }
}

/// How many rows `lines` take wrapped at `width`, with a row to spare for each wrapped
/// line (words carried down whole take some room of their own).
fn wrapped_rows(lines: &[Line], width: usize) -> usize {
    lines
        .iter()
        .map(|l| match l.width().max(1).div_ceil(width) {
            1 => 1,
            n => n + 1,
        })
        .sum()
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

/// A question with a text field.
pub fn draw_prompt(frame: &mut Frame, area: Rect, prompt: &Prompt) {
    const WIDTH: u16 = 76;
    // As many lines as the hint takes when wrapped (a word moved down costs one more), so
    // that its end (say, "type 18 to confirm") is never cut off.
    let inner_width = usize::from(WIDTH.min(area.width).saturating_sub(2).max(1));
    let hint_rows = (prompt.hint.chars().count() / inner_width + 2) as u16;
    let rect = centered(area, WIDTH, hint_rows + 4);
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(format!(" {} ", prompt.title));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [field, hint, error] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(&prompt.input, field);
    frame.render_widget(
        Paragraph::new(prompt.hint.as_str())
            .wrap(Wrap { trim: true })
            .style(Style::new().fg(Color::DarkGray)),
        hint,
    );
    if let Some(e) = &prompt.error {
        frame.render_widget(
            Paragraph::new(e.as_str()).style(Style::new().fg(Color::Red)),
            error,
        );
    }
}
