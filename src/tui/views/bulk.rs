//! The bulk-edit form and the pop-up lists (a preview, an upload's check, scheduled changes).

use super::{centered, cursor_style};
use crate::tui::bulk_form::{BulkField, BulkForm};
use crate::tui::list::ListView;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn draw_bulk(frame: &mut Frame, area: Rect, form: &BulkForm) {
    let rect = centered(area, 80, 16);
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
        if y >= inner.bottom().saturating_sub(2) {
            break;
        }
        let row = Rect {
            y,
            height: 1,
            ..inner
        };
        let [label, value] =
            Layout::horizontal([Constraint::Length(20), Constraint::Min(10)]).areas(row);
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
            let mut input = form.input(*f).clone();
            input.set_cursor_line_style(Style::new());
            if !focused {
                input.set_cursor_style(Style::new());
            }
            frame.render_widget(&input, value);
        }
        y += 1;
    }
    let status = if form.waiting {
        Line::from("Preparing the preview…")
    } else if let Some(e) = &form.error {
        Line::from(e.as_str()).style(Style::new().fg(Color::Red))
    } else {
        Line::from("Enter previews every change before anything is saved · Esc cancels")
    };
    frame.render_widget(
        Paragraph::new(status).wrap(Wrap { trim: true }),
        Rect {
            y: inner.bottom().saturating_sub(2),
            height: 2,
            ..inner
        },
    );
}

pub fn draw_list(frame: &mut Frame, area: Rect, list: &ListView) {
    let rect = centered(
        area,
        area.width.saturating_sub(4).max(20),
        area.height.saturating_sub(2).max(5),
    );
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(format!(" {} ", list.title));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    // A long footer (the question x asks) takes a second line rather than lose its end.
    let footer_rows = if list.footer.chars().count() > usize::from(inner.width) {
        2
    } else {
        1
    };
    let [body, footer] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(footer_rows)]).areas(inner);
    let height = usize::from(body.height);
    let first = list.cursor.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = list
        .lines
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, l)| {
            let line = Line::from(l.as_str());
            if i == list.cursor {
                line.style(cursor_style())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    frame.render_widget(
        Paragraph::new(list.footer.as_str())
            .style(Style::new().fg(Color::Cyan))
            .wrap(Wrap { trim: true }),
        footer,
    );
}
