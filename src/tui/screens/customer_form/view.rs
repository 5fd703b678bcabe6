//! The customer form, drawn over the board or the card.

use super::model::{CustomerForm, FormTab, Kind, shown};
use crate::domain::draft::field_changes;
use crate::domain::{CustomerDraft, Field};
use crate::text::fit;
use crate::tui::chrome::{ERROR_MARK, centered};
use crate::tui::widgets::form_status;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

const LABEL: u16 = 20;
/// Room kept for the reason or hint beside a field.
const REASON: u16 = 34;

pub fn draw(frame: &mut Frame, area: Rect, form: &CustomerForm) {
    // As wide as the screen allows, up to where a line of fields stops being easy to follow:
    // a long name or address reads whole on a wide terminal.
    let rect = centered(area, 140, 24);
    frame.render_widget(Clear, rect);
    let title = match &form.original {
        Some(c) => format!(" Edit {} (#{}) ", c.name, c.id),
        None => " Add customer ".to_string(),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    // The line under the fields grows to hold the focused field's reason whole.
    let status_line = status_line(form);
    let status_rows = form_status::rows(&status_line, inner.width);
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(status_rows),
    ])
    .areas(inner);
    draw_tabs(frame, tabs, form);
    if let Some(theirs) = &form.core.flow.conflict {
        draw_conflict(frame, body, form, theirs);
    } else {
        draw_fields(frame, body, form);
    }
    frame.render_widget(
        Paragraph::new(status_line).wrap(Wrap { trim: true }),
        status,
    );
}

fn draw_tabs(frame: &mut Frame, area: Rect, form: &CustomerForm) {
    let mut spans = Vec::new();
    for tab in FormTab::ALL {
        let errors = form.errors_in(tab);
        let text = match errors {
            0 => format!(" {} ", tab.title()),
            n => format!(" {} ({n}) ", tab.title()),
        };
        let mut style = if errors > 0 {
            Style::new().fg(Color::Red)
        } else {
            Style::new()
        };
        if tab == form.tab {
            style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        "PgUp/PgDn switch",
        Style::new().fg(Color::DarkGray),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_fields(frame: &mut Frame, area: Rect, form: &CustomerForm) {
    let mut y = area.y;
    let bottom = area.bottom();
    if form.tab == FormTab::Basic
        && let Some(c) = &form.original
    {
        let line = format!(
            "{:<w$}{} {} ({}; read-only: payments change it)",
            "Balance",
            c.currency.display(c.balance),
            c.currency.code(),
            c.standing(),
            w = usize::from(LABEL)
        );
        frame.render_widget(
            Paragraph::new(line).style(Style::new().fg(Color::DarkGray)),
            Rect {
                y,
                height: 1,
                ..area
            },
        );
        y += 1;
    }
    for (i, &f) in form.tab.fields().iter().enumerate() {
        let kind = form.kind(f);
        let height = if kind == Kind::Lines { 4 } else { 1 };
        if y + height > bottom {
            break;
        }
        let focused = i == form.core.focus.min(form.tab.fields().len() - 1);
        let row = Rect { y, height, ..area };
        // Values take what the reasons beside them leave: an email or a URL reads whole on
        // a wide screen.
        let value_width = area.width.saturating_sub(LABEL + REASON).max(28);
        let [label, value, error] = Layout::horizontal([
            Constraint::Length(LABEL),
            Constraint::Length(value_width),
            Constraint::Min(10),
        ])
        .areas(row);
        let label_style = if focused {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::new()
        };
        frame.render_widget(Paragraph::new(f.label()).style(label_style), label);
        draw_value(frame, value, form, f, kind, focused);
        // A reason longer than the room beside the field ends in "…": the focused field's
        // reads whole under the form.
        if let Some(e) = form.error(f) {
            let text = fit(&format!("{ERROR_MARK}{e}"), usize::from(error.width));
            frame.render_widget(
                Paragraph::new(text).style(Style::new().fg(Color::Red)),
                error,
            );
        } else if let Some(hint) = hint(f, kind) {
            frame.render_widget(
                Paragraph::new(hint).style(Style::new().fg(Color::DarkGray)),
                error,
            );
        }
        y += height;
    }
}

/// A few words beside a field whose meaning is not plain from its value (at 80 columns
/// about 30 characters fit).
fn hint(f: Field, kind: Kind) -> Option<&'static str> {
    match f {
        _ if kind == Kind::Fixed => Some("fixed once the customer exists"),
        Field::DebitLimit => Some("how far below zero it may go"),
        Field::Cps => Some("calls per second; 0 = no limit"),
        Field::Tags => Some("separated by commas"),
        Field::Rate => Some("per minute, for CDR rating"),
        Field::BillingIncrement => Some("first/next seconds: 60/60, 6/6"),
        _ => None,
    }
}

fn draw_value(
    frame: &mut Frame,
    area: Rect,
    form: &CustomerForm,
    f: Field,
    kind: Kind,
    focused: bool,
) {
    let focus = if focused {
        Style::new().add_modifier(Modifier::UNDERLINED)
    } else {
        Style::new()
    };
    match (kind, form.input(f)) {
        // The focused field edits in place; the others show their text from its start.
        (Kind::Text | Kind::Lines, Some(input)) if focused => input.draw(frame, area, focus, true),
        (Kind::Toggle, _) => {
            let on = form.draft.text(f) == "yes";
            let text = format!(
                "[{}] {}",
                if on { "x" } else { " " },
                if on { "yes" } else { "no" }
            );
            frame.render_widget(Paragraph::new(text).style(focus), area);
        }
        (Kind::Choice, _) => {
            frame.render_widget(
                Paragraph::new(format!("‹ {} ›", shown(&form.draft, f))).style(focus),
                area,
            );
        }
        _ => frame.render_widget(Paragraph::new(form.draft.text(f)), area),
    }
}

fn draw_conflict(
    frame: &mut Frame,
    area: Rect,
    form: &CustomerForm,
    theirs: &crate::domain::Customer,
) {
    let mine = form.customer().ok();
    let original = form.original.as_ref();
    let mut lines = vec![
        Line::from(Span::styled(
            "Another operator saved this customer while you were editing. Nothing of yours is saved yet.",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        )),
        Line::from(""),
        Line::from(Span::styled(
            format!("{:<20}{:<30}{:<30}", "Field", "Yours", "Theirs (saved)"),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )),
    ];
    let yours = mine.as_ref().map(CustomerDraft::from_customer);
    let their_draft = CustomerDraft::from_customer(theirs);
    // Which fields each side changed: a value the side left alone reads "as before", so
    // that nobody takes it for a change of theirs.
    let (mut by_you, mut by_them): (Vec<&'static str>, Vec<&'static str>) = (vec![], vec![]);
    if let (Some(o), Some(m)) = (original, &mine) {
        by_you.extend(field_changes(o, m).iter().map(|c| c.label));
        by_them.extend(field_changes(o, theirs).iter().map(|c| c.label));
    }
    let shown = |changed: &[&str], f: Field, value: String| {
        if changed.contains(&f.label()) {
            value
        } else {
            format!("{value} (as before)")
        }
    };
    for f in Field::ALL
        .into_iter()
        .filter(|f| by_you.contains(&f.label()) || by_them.contains(&f.label()))
    {
        let (y, t) = (
            yours.as_ref().map(|d| d.text(f)).unwrap_or_default(),
            their_draft.text(f),
        );
        // Both changed it, to different values: the one to decide on.
        let style = if by_you.contains(&f.label()) && by_them.contains(&f.label()) && y != t {
            Style::new().fg(Color::Yellow)
        } else {
            Style::new()
        };
        let (y, t) = (shown(&by_you, f, y), shown(&by_them, f, t));
        lines.push(Line::from(Span::styled(
            format!("{:<20}{:<30}{:<30}", f.label(), y, t),
            style,
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        "r reload (take theirs) · o overwrite (yours on top of theirs) · Esc cancel",
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn status_line(form: &CustomerForm) -> Line<'static> {
    let labels: Vec<&str> = form.save_options().iter().map(|o| o.label()).collect();
    let status = form.core.flow.status(
        &labels,
        form.error(form.focused()),
        form.core.errors.len(),
        "Enter: save options · Tab next field · ← → choose · Esc cancel",
    );
    status.line()
}
