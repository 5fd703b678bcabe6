//! The SIP user form, drawn over the card.

use super::model::{PingMode, SipField, SipUserForm};
use crate::domain::SipUser;
use crate::domain::sip_user::{Codec, Protocol};
use crate::text::{fit, printable};
use crate::tui::chrome::{ERROR_MARK, centered};
use crate::tui::widgets::save_flow::SaveOption;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

const LABEL: u16 = 18;
/// Room for the value; the reason or hint beside it takes the rest.
const VALUE: u16 = 30;

pub fn draw(frame: &mut Frame, area: Rect, form: &SipUserForm) {
    let rect = centered(area, 96, 16);
    frame.render_widget(Clear, rect);
    let title = match &form.original {
        Some(u) => format!(
            " Edit SIP user {} (#{}) ",
            printable(&u.spec.username),
            u.id
        ),
        None => " Add SIP user ".to_string(),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [body, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(inner);
    match &form.flow.conflict {
        Some(theirs) => draw_conflict(frame, body, form, theirs),
        None => draw_fields(frame, body, form),
    }
    draw_status(frame, status, form);
}

fn draw_fields(frame: &mut Frame, area: Rect, form: &SipUserForm) {
    let focused = form.focused();
    for (row, &f) in form.fields().iter().enumerate() {
        let y = area.y + row as u16;
        if y >= area.bottom() {
            break;
        }
        let line = Rect {
            y,
            height: 1,
            ..area
        };
        let [label, value, reason] = Layout::horizontal([
            Constraint::Length(LABEL),
            Constraint::Length(VALUE),
            Constraint::Min(0),
        ])
        .areas(line);
        let on = f == focused;
        let label_style = if on {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::new()
        };
        frame.render_widget(Paragraph::new(f.label()).style(label_style), label);
        // The codecs take the width of value and reason together; their reason shows on
        // the status line.
        if f == SipField::Codecs {
            let [_, wide] =
                Layout::horizontal([Constraint::Length(LABEL), Constraint::Min(0)]).areas(line);
            draw_codecs(frame, wide, form, on);
            continue;
        }
        draw_value(frame, value, form, f, on);
        if let Some(e) = form.error(f) {
            let text = fit(&format!("{ERROR_MARK}{e}"), usize::from(reason.width));
            frame.render_widget(
                Paragraph::new(text).style(Style::new().fg(Color::Red)),
                reason,
            );
        } else if let Some(hint) = hint(f) {
            frame.render_widget(
                Paragraph::new(hint).style(Style::new().fg(Color::DarkGray)),
                reason,
            );
        }
    }
}

/// A few words beside a field whose meaning is not plain from its value.
fn hint(f: SipField) -> Option<&'static str> {
    match f {
        SipField::Username => Some("the extension, from the blocks"),
        SipField::Channels => Some("within the customer's channels"),
        SipField::Cps => Some("calls per second; 0 = no limit"),
        SipField::Whitelist => Some("addresses or CIDR; empty: any"),
        _ => None,
    }
}

fn draw_value(frame: &mut Frame, area: Rect, form: &SipUserForm, f: SipField, on: bool) {
    let focus = if on {
        Style::new().add_modifier(Modifier::UNDERLINED)
    } else {
        Style::new()
    };
    let choice = |text: String| Paragraph::new(format!("‹ {text} ›")).style(focus);
    match f {
        SipField::Protocol => {
            let shown = Protocol::parse(&form.draft.protocol)
                .map_or_else(|_| form.draft.protocol.clone(), |p| p.label().into());
            frame.render_widget(choice(shown), area);
        }
        SipField::NatPing if form.ping == PingMode::Every => {
            // "‹ every [30] seconds ›", the seconds typed in place.
            let [before, seconds, after] = Layout::horizontal([
                Constraint::Length(8),
                // Room for any value typed, not only a valid one: a mistake shows whole
                // beside the error that names it.
                Constraint::Length(10),
                Constraint::Min(0),
            ])
            .areas(area);
            frame.render_widget(Paragraph::new("‹ every ").style(focus), before);
            if let Some(input) = form.input(f) {
                input.draw(frame, seconds, focus, on);
            }
            frame.render_widget(Paragraph::new(" seconds ›").style(focus), after);
        }
        SipField::NatPing => {
            let shown = match form.ping {
                PingMode::Disabled => "disabled",
                _ => "enabled (switch default)",
            };
            frame.render_widget(choice(shown.into()), area);
        }
        SipField::Password => {
            let text = if form.generate {
                "[x] generate one, shown once"
            } else {
                "[ ] none yet (p sets one)"
            };
            frame.render_widget(Paragraph::new(text).style(focus), area);
        }
        _ => {
            if let Some(input) = form.input(f) {
                if on {
                    input.draw(frame, area, focus, true);
                } else {
                    let text = printable(&input.text()).into_owned();
                    frame.render_widget(Paragraph::new(fit(&text, usize::from(area.width))), area);
                }
            }
        }
    }
}

/// The fixed list of codecs, each ticked when allowed; the one under the cursor marked.
fn draw_codecs(frame: &mut Frame, area: Rect, form: &SipUserForm, on: bool) {
    let allowed = form.codecs();
    let mut spans = Vec::new();
    for (i, codec) in Codec::ALL.iter().enumerate() {
        let tick = if allowed.contains(codec) { "x" } else { " " };
        let style = if on && i == form.codec {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        spans.push(Span::styled(format!("[{tick}] {}", codec.label()), style));
        spans.push(Span::raw(" "));
    }
    let style = if form.error(SipField::Codecs).is_some() {
        Style::new().fg(Color::Red)
    } else {
        Style::new()
    };
    frame.render_widget(Paragraph::new(Line::from(spans)).style(style), area);
}

fn draw_conflict(frame: &mut Frame, area: Rect, form: &SipUserForm, theirs: &SipUser) {
    let mut lines = vec![
        Line::from(Span::styled(
            "Another operator saved this SIP user while you were editing. Nothing of yours is saved yet.",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        )),
        Line::from(Span::styled(
            format!("{:<20}{:<30}{:<30}", "Field", "Yours", "Theirs (saved)"),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )),
    ];
    for (f, mine, their) in form.conflicting(theirs) {
        lines.push(Line::from(format!(
            "{:<20}{:<30}{:<30}",
            f.label(),
            fit(&printable(&mine), 29),
            fit(&printable(&their), 29)
        )));
    }
    lines.push(Line::from(
        "r reload (take theirs) · o overwrite (yours on top of theirs) · Esc cancel",
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn draw_status(frame: &mut Frame, area: Rect, form: &SipUserForm) {
    let labels: Vec<&str> = SaveOption::NOW.iter().map(|o| o.label()).collect();
    let status = form.flow.status(
        &labels,
        form.error(form.focused()),
        form.errors.len(),
        "Enter: save options · Tab next field · ← → choose · Space tick · Esc cancel",
    );
    frame.render_widget(
        Paragraph::new(status.line()).wrap(Wrap { trim: true }),
        area,
    );
}
