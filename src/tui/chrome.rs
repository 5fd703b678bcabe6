//! What frames every screen: the status line (the last message, a job's progress) and the
//! hint bar generated from the keymap. The screens get the rest of the window, and always
//! the same rest: a long message takes the hint bar's row, never a row of the screen.

use super::keymap;
use super::msg::Level;
use super::shell::App;
use crate::text::printable;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The screens' area, or None (and a note saying so) when the window is too small.
pub fn layout(frame: &mut Frame) -> Option<Rect> {
    let area = frame.area();
    if area.width < 20 || area.height < 6 {
        let note = Paragraph::new("carrierdesk: window too small (q quits)");
        frame.render_widget(note.wrap(Wrap { trim: true }), area);
        return None;
    }
    Some(Rect {
        height: area.height - 2,
        ..area
    })
}

/// Draws the status line and the hints under the screens; with NO_COLOR, drops colour.
pub fn finish(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let bottom = Rect {
        y: area.y + area.height - 2,
        height: 2,
        ..area
    };
    let status = status_spans(app);
    let width = Line::from(status.clone()).width();
    if width > usize::from(area.width) {
        // Two rows for the message; `?` still lists the keys.
        frame.render_widget(
            Paragraph::new(Line::from(status)).wrap(Wrap { trim: true }),
            bottom,
        );
    } else {
        let [message, hints] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(bottom);
        frame.render_widget(Paragraph::new(Line::from(status)), message);
        draw_hints(frame, hints, app);
    }
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
    if let Some(message) = app.message() {
        let style = match message.level {
            Level::Info => Style::new().fg(Color::Green),
            Level::Error => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        };
        spans.push(Span::styled(
            format!("{}  ", printable(&message.text)),
            style,
        ));
    }
    if let Some(line) = &app.progress {
        spans.push(Span::styled(line.clone(), Style::new().fg(Color::Yellow)));
    }
    spans
}

/// The keys of the screen on top, from the keymap, as many as fit; the key to the help
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
    let (help, others): (Vec<_>, Vec<_>) = keymap::bindings_for(app.top().context())
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
/// What marks a field's error beside it, in words and a symbol as well as colour: with
/// NO_COLOR, or for a reader who cannot tell red from grey, it still differs from a hint.
pub const ERROR_MARK: &str = "✗ ";

/// The message telling why a form was not saved while fields are wrong.
pub const FIX_FIELDS: &str = "Fix the fields marked ✗ first.";

pub fn cursor_style() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// A rectangle of at most `width` × `height` in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// How many rows `lines` take wrapped at `width`, with a row to spare for each wrapped
/// line (words carried down whole take some room of their own).
pub fn wrapped_rows(lines: &[Line], width: usize) -> usize {
    lines
        .iter()
        .map(|l| match l.width().max(1).div_ceil(width) {
            1 => 1,
            n => n + 1,
        })
        .sum()
}
