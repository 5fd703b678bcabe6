//! Drawing: `draw` reads the state and paints a frame. Nothing here changes state except
//! the page height the app uses for PgUp/PgDn.

mod board;
mod bulk;
mod card;
mod form;
mod palette;
mod popup;

use super::app::{App, Level};
use super::keymap;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, app: &mut App) {
    let area = frame.area();
    if area.width < 20 || area.height < 6 {
        frame.render_widget(Paragraph::new("carrierdesk: window too small"), area);
        return;
    }
    // A message longer than the screen is wide takes up to three lines rather than lose
    // its end (a path, or the key that confirms); a longer error opens in a window too.
    let status = status_spans(app);
    let needed = Line::from(status.clone())
        .width()
        .div_ceil(usize::from(area.width));
    let status_rows = needed.clamp(1, 3) as u16;
    let [body, message, hints] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    app.page = match app.card.as_mut() {
        Some(card) => card::draw(frame, body, card, app.no_color),
        None => board::draw(frame, body, app),
    };
    if let Some(form) = &app.form {
        form::draw(frame, body, form);
    }
    if let Some(bulk_form) = &app.bulk {
        bulk::draw_bulk(frame, body, bulk_form);
    }
    if let Some(list) = &app.list {
        bulk::draw_list(frame, body, list);
    }
    if let Some(chooser) = &app.chooser {
        palette::draw_chooser(frame, body, chooser, app.columns_on_screen);
    }
    if let Some(prompt) = &app.prompt {
        popup::draw_prompt(frame, body, prompt);
    }
    if let Some(p) = &app.palette {
        palette::draw_palette(frame, body, p);
    }
    let below = app.context_below_popup();
    if let Some(popup) = &mut app.popup {
        popup::draw(frame, body, popup, below);
    }
    frame.render_widget(
        Paragraph::new(Line::from(status)).wrap(Wrap { trim: true }),
        message,
    );
    draw_hints(frame, hints, app);
    if app.no_color {
        // NO_COLOR: drop every colour at once; what matters is also bold or reversed.
        for cell in frame.buffer_mut().content.iter_mut() {
            cell.set_fg(Color::Reset).set_bg(Color::Reset);
        }
    }
}

/// The last message, then a running job's progress. A job clears the message as it starts,
/// so a message shown beside its progress answers something done while it runs.
fn status_spans(app: &App) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    if let Some((level, text)) = &app.message {
        let style = match level {
            Level::Info => Style::new().fg(Color::Green),
            Level::Error => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        };
        spans.push(Span::styled(format!("{text}  "), style));
    }
    if let Some(line) = &app.progress {
        spans.push(Span::styled(line.clone(), Style::new().fg(Color::Yellow)));
    }
    spans
}

/// The keys of the current context, from the keymap, as many as fit; the key to the help
/// that lists them all is always there.
fn draw_hints(frame: &mut Frame, area: Rect, app: &App) {
    let key = Style::new().add_modifier(Modifier::REVERSED);
    let hint = |b: &keymap::Binding| {
        [
            Span::styled(format!(" {} ", b.label), key),
            Span::raw(format!(" {}  ", b.hint)),
        ]
    };
    let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    let (help, others): (Vec<_>, Vec<_>) = keymap::bindings_for(app.context())
        .filter(|b| !b.hint.is_empty())
        .partition(|b| b.action == keymap::Action::Help);
    let help: Vec<Span> = help.iter().flat_map(|b| hint(b)).collect();
    let room = usize::from(area.width).saturating_sub(width(&help));
    let mut spans = Vec::new();
    for b in others {
        let more = hint(b);
        if width(&spans) + width(&more) > room {
            break;
        }
        spans.extend(more);
    }
    spans.extend(help);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Style of the row under the cursor.
pub(crate) fn cursor_style() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// A unix time relative to now, compactly: "now", "5m ago", "3h ago", "12d ago".
pub(crate) fn relative(t: Option<i64>, now: i64) -> String {
    let Some(t) = t else { return "never".into() };
    let s = (now - t).max(0);
    match s {
        0..60 => "now".into(),
        60..3600 => format!("{}m ago", s / 60),
        3600..86_400 => format!("{}h ago", s / 3600),
        86_400..31_536_000 => format!("{}d ago", s / 86_400),
        _ => format!("{}y ago", s / 31_536_000),
    }
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

/// Keeps `cursor` in a window of `height` rows that starts at `offset`, and the window
/// full when the list of `len` rows allows: a search that leaves five matches shows all five,
/// not the last two with the others above the top.
pub(crate) fn scroll(offset: usize, cursor: usize, height: usize, len: usize) -> usize {
    let offset = if height == 0 {
        0
    } else if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    };
    offset.min(len.saturating_sub(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative(None, 100), "never");
        assert_eq!(relative(Some(100), 130), "now");
        assert_eq!(relative(Some(0), 7200), "2h ago");
        assert_eq!(relative(Some(0), 3 * 86_400), "3d ago");
    }

    #[test]
    fn scrolling_follows_the_cursor() {
        assert_eq!(scroll(0, 5, 10, 100), 0);
        assert_eq!(scroll(0, 15, 10, 100), 6);
        assert_eq!(scroll(8, 3, 10, 100), 3);
        // The list shrank under the window (a narrower search): it slides back to fill it.
        assert_eq!(scroll(40, 44, 10, 5), 0);
        assert_eq!(scroll(40, 44, 10, 45), 35);
    }
}
