//! The pieces a one-page form is drawn from, a field a row: its label, its value, and
//! beside it the rule it breaks or a hint; ticked lists (codecs, messaging categories);
//! and the conflict table. The SIP user and contact forms share them.

use super::input::TextInput;
use crate::text::{fit, printable};
use crate::tui::chrome::ERROR_MARK;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The areas of one field's row: label, value, and what is said beside it.
pub struct FieldRow {
    pub label: Rect,
    pub value: Rect,
    pub beside: Rect,
    /// Value and beside together, for a value wider than the value column.
    pub wide: Rect,
}

/// Row `row` of `area` cut into columns `label` and `value` wide, or None past its end.
pub fn row(area: Rect, row: usize, label: u16, value: u16) -> Option<FieldRow> {
    let y = area.y.checked_add(u16::try_from(row).ok()?)?;
    if y >= area.bottom() {
        return None;
    }
    let line = Rect {
        y,
        height: 1,
        ..area
    };
    let [l, v, b] = Layout::horizontal([
        Constraint::Length(label),
        Constraint::Length(value),
        Constraint::Min(0),
    ])
    .areas(line);
    let [_, wide] = Layout::horizontal([Constraint::Length(label), Constraint::Min(0)]).areas(line);
    Some(FieldRow {
        label: l,
        value: v,
        beside: b,
        wide,
    })
}

/// The label, reversed on the focused field.
pub fn label(frame: &mut Frame, area: Rect, text: &str, on: bool) {
    let style = if on {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        Style::new()
    };
    frame.render_widget(Paragraph::new(text.to_string()).style(style), area);
}

/// How the focused field's value is drawn.
pub fn focus_style(on: bool) -> Style {
    if on {
        Style::new().add_modifier(Modifier::UNDERLINED)
    } else {
        Style::new()
    }
}

/// A typed value: the input with its cursor when focused, else the text escaped and cut.
pub fn text(frame: &mut Frame, area: Rect, input: &TextInput, on: bool) {
    if on {
        input.draw(frame, area, focus_style(true), true);
    } else {
        let text = printable(&input.text()).into_owned();
        frame.render_widget(Paragraph::new(fit(&text, usize::from(area.width))), area);
    }
}

/// Beside a field: the rule it breaks (marked, not only red), or else a grey hint.
pub fn beside(frame: &mut Frame, area: Rect, error: Option<&str>, hint: Option<&str>) {
    if let Some(e) = error {
        let text = fit(&format!("{ERROR_MARK}{e}"), usize::from(area.width));
        frame.render_widget(
            Paragraph::new(printable(&text).into_owned()).style(Style::new().fg(Color::Red)),
            area,
        );
    } else if let Some(hint) = hint {
        let text = fit(&printable(hint), usize::from(area.width));
        frame.render_widget(
            Paragraph::new(text).style(Style::new().fg(Color::DarkGray)),
            area,
        );
    }
}

/// A fixed list of choices, each ticked when on; the one under `cursor` marked while the
/// field is focused; red when the field breaks a rule.
pub fn ticks(
    frame: &mut Frame,
    area: Rect,
    items: &[(&str, bool)],
    cursor: Option<usize>,
    broken: bool,
) {
    let mut spans = Vec::new();
    for (i, (name, on)) in items.iter().enumerate() {
        let tick = if *on { "x" } else { " " };
        let style = if cursor == Some(i) {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        spans.push(Span::styled(format!("[{tick}] {name}"), style));
        spans.push(Span::raw(" "));
    }
    let style = if broken {
        Style::new().fg(Color::Red)
    } else {
        Style::new()
    };
    frame.render_widget(Paragraph::new(Line::from(spans)).style(style), area);
}

/// The conflict dialog: what another operator saved while this form was open, field by
/// field beside ours, and the three ways on.
pub fn conflict(frame: &mut Frame, area: Rect, what: &str, rows: &[(&str, String, String)]) {
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "Another operator saved this {what} while you were editing. Nothing of yours is saved yet."
            ),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        )),
        Line::from(Span::styled(
            format!("{:<20}{:<30}{:<30}", "Field", "Yours", "Theirs (saved)"),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )),
    ];
    for (label, mine, their) in rows {
        lines.push(Line::from(format!(
            "{:<20}{:<30}{:<30}",
            label,
            fit(&printable(mine), 29),
            fit(&printable(their), 29)
        )));
    }
    lines.push(Line::from(
        "r reload (take theirs) · o overwrite (yours on top of theirs) · Esc cancel",
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
