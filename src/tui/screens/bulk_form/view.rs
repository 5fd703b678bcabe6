//! The bulk-edit form, drawn over the board.

use super::model::{BulkField, BulkForm};
use crate::domain::count;
use crate::text::printable;
use crate::tui::chrome::{ERROR_MARK, centered, cursor_style};
use crate::tui::widgets::{field_rows, form_status};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn draw_bulk(frame: &mut Frame, area: Rect, form: &BulkForm) {
    let rect = centered(area, 80, 19);
    frame.render_widget(Clear, rect);
    let hidden = match form.hidden {
        0 => String::new(),
        n => format!(", {n} of them not shown by the search or filters"),
    };
    let block = Block::bordered().title(format!(
        " Bulk edit of {} marked customers{hidden} ",
        form.ids.len()
    ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let status = if form.waiting {
        Line::from("Preparing the preview…")
    } else if form.confirm_discard {
        Line::from("Esc again discards what you set; any other key keeps editing")
            .style(Style::new().fg(Color::Yellow))
    } else if let Some(e) = form.error.as_deref().or(form.broken(form.focused())) {
        // The focused field's reason in full, however narrow the room beside it.
        Line::from(printable(e).into_owned()).style(Style::new().fg(Color::Red))
    } else if !form.broken.is_empty() {
        Line::from(format!(
            "{ERROR_MARK}{} to fix before the preview",
            count(form.broken.len(), "field")
        ))
        .style(Style::new().fg(Color::Red))
    } else {
        Line::from("Enter previews every change before anything is saved · Esc cancels")
    };
    // The line under the fields grows to hold a long reason whole.
    let footer = form_status::rows(&status, inner.width);
    let mut y = inner.y;
    frame.render_widget(
        Paragraph::new("Empty and (unchanged) fields stay as they are on each customer.")
            .style(Style::new().fg(Color::DarkGray)),
        Rect {
            y,
            height: 1,
            ..inner
        },
    );
    y += 2;
    for (i, f) in BulkField::ALL.iter().enumerate() {
        if y >= inner.bottom().saturating_sub(footer) {
            break;
        }
        let row = Rect {
            y,
            height: 1,
            ..inner
        };
        let [label, value, beside] = Layout::horizontal([
            Constraint::Length(20),
            Constraint::Length(28),
            Constraint::Min(0),
        ])
        .areas(row);
        let focused = i == form.focus;
        let label_style = if focused {
            cursor_style().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        frame.render_widget(Paragraph::new(f.label()).style(label_style), label);
        if f.is_choice() {
            frame.render_widget(
                Paragraph::new(format!("‹ {} ›", form.choice_text(*f))),
                value,
            );
        } else {
            form.input(*f).draw(frame, value, Style::new(), focused);
        }
        field_rows::beside(frame, beside, form.broken(*f), None);
        y += 1;
    }
    frame.render_widget(
        Paragraph::new(status).wrap(Wrap { trim: true }),
        Rect {
            y: inner.bottom().saturating_sub(footer),
            height: footer,
            ..inner
        },
    );
}
