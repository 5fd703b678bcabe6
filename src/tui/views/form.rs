//! The status-and-channels form, drawn over the card.

use crate::tui::form::{Field, StatusForm};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, form: &StatusForm) {
    let popup = centered(area, 64, 8);
    frame.render_widget(Clear, popup);
    let focus = |f: Field| {
        if form.focus == f {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        }
    };
    let error = Style::new().fg(Color::Red);
    let mut lines = vec![
        Line::from(vec![
            Span::raw("Status    "),
            Span::styled(format!("‹ {} ›", form.status.label()), focus(Field::Status)),
        ]),
        Line::from(vec![
            Span::raw("Channels  "),
            Span::styled(format!("{:<8}", form.channels), focus(Field::Channels)),
        ]),
        // The reason sits right under the field it is about.
        Line::from(Span::styled(
            format!("          {}", form.channels_error().unwrap_or_default()),
            error,
        )),
    ];
    if let Some(e) = &form.error {
        lines.push(Line::from(Span::styled(e.clone(), error)));
    }
    lines.push(Line::from(if form.saving {
        "Saving…"
    } else {
        "←/→ change status · Tab next field · Enter save · Esc cancel"
    }));
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(format!(
            " Edit {} (#{}) ",
            form.original.name, form.original.id
        ))),
        popup,
    );
}

/// A rectangle of at most `width` × `height` in the middle of `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
