//! The SIP user form, drawn over the card.

use super::model::{PingMode, SipField, SipUserForm};
use crate::domain::SipUser;
use crate::domain::sip_user::{Codec, Protocol};
use crate::text::printable;
use crate::tui::chrome::centered;
use crate::tui::screens::field_form::FieldModel;
use crate::tui::widgets::save_flow::SaveOption;
use crate::tui::widgets::{field_rows, form_status};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
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
    let status_line = status_line(form);
    let rows = form_status::rows(&status_line, inner.width);
    let [body, status] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(rows)]).areas(inner);
    match &form.core.flow.conflict {
        Some(theirs) => draw_conflict(frame, body, form, theirs),
        None => draw_fields(frame, body, form),
    }
    frame.render_widget(
        Paragraph::new(status_line).wrap(Wrap { trim: true }),
        status,
    );
}

fn draw_fields(frame: &mut Frame, area: Rect, form: &SipUserForm) {
    let focused = form.focused();
    for (i, &f) in form.fields().iter().enumerate() {
        let Some(row) = field_rows::row(area, i, LABEL, VALUE) else {
            break;
        };
        let on = f == focused;
        field_rows::label(frame, row.label, f.label(), on);
        // The codecs take the width of value and reason together; their reason shows on
        // the status line.
        if f == SipField::Codecs {
            let allowed = form.codecs();
            let items: Vec<(&str, bool)> = Codec::ALL
                .iter()
                .map(|c| (c.label(), allowed.contains(c)))
                .collect();
            let broken = form.error(f).is_some();
            field_rows::ticks(frame, row.wide, &items, on.then_some(form.codec), broken);
            continue;
        }
        draw_value(frame, row.value, form, f, on);
        field_rows::beside(frame, row.beside, form.error(f), hint(f));
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
    let focus = field_rows::focus_style(on);
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
                field_rows::text(frame, area, input, on);
            }
        }
    }
}

fn draw_conflict(frame: &mut Frame, area: Rect, form: &SipUserForm, theirs: &SipUser) {
    let rows: Vec<(&str, String, String)> = form
        .conflicting(theirs)
        .into_iter()
        .map(|(f, mine, their)| (f.label(), mine, their))
        .collect();
    field_rows::conflict(frame, area, "SIP user", &rows);
}

fn status_line(form: &SipUserForm) -> Line<'static> {
    let labels: Vec<&str> = SaveOption::NOW.iter().map(|o| o.label()).collect();
    let status = form.core.flow.status(
        &labels,
        form.error(form.focused()),
        form.core.errors.len(),
        "Enter: save options · Tab next field · ← → choose · Space tick · Esc cancel",
    );
    status.line()
}
