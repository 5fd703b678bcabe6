//! The contact form, drawn over the card.

use super::model::{ContactField, ContactForm, PasswordMode};
use crate::domain::contact::Category;
use crate::text::printable;
use crate::tui::chrome::centered;
use crate::tui::screens::field_form::FieldModel;
use crate::tui::widgets::save_flow::SaveOption;
use crate::tui::widgets::{field_rows, form_status};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

const LABEL: u16 = 20;
/// Room for the value; the reason or hint beside it takes the rest.
const VALUE: u16 = 36;

pub fn draw(frame: &mut Frame, area: Rect, form: &ContactForm) {
    let rect = centered(area, 110, 20);
    frame.render_widget(Clear, rect);
    let title = match &form.original {
        Some(k) => format!(" Edit contact {} (#{}) ", printable(&k.spec.name), k.id),
        None => format!(" Add contact to {} ", printable(&form.owner.name)),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let labels: Vec<&str> = SaveOption::NOW.iter().map(|o| o.label()).collect();
    let line = form.core.flow.status(
        &labels,
        form.error(form.focused()),
        form.core.errors.len(),
        "Enter: save options · Tab next field · ← → choose · Space tick · Esc cancel · never put passwords in notes",
    ).line();
    let rows = form_status::rows(&line, inner.width);
    let [body, status] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(rows)]).areas(inner);
    match &form.core.flow.conflict {
        Some(theirs) => {
            field_rows::conflict(frame, body, "contact", &form.conflicting(theirs));
        }
        None => draw_fields(frame, body, form),
    }
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), status);
}

fn draw_fields(frame: &mut Frame, area: Rect, form: &ContactForm) {
    let focused = form.focused();
    for (i, &f) in form.fields().iter().enumerate() {
        let Some(row) = field_rows::row(area, i, LABEL, VALUE) else {
            break;
        };
        let on = f == focused;
        field_rows::label(frame, row.label, f.label(), on);
        let focus = field_rows::focus_style(on);
        match f {
            ContactField::Messages => {
                let ticked = form.categories();
                let items: Vec<(&str, bool)> = Category::ALL
                    .iter()
                    .map(|c| (c.label(), ticked.contains(c)))
                    .collect();
                field_rows::ticks(
                    frame,
                    row.value,
                    &items,
                    on.then_some(form.category),
                    form.error(f).is_some(),
                );
            }
            ContactField::EmailVerified | ContactField::MobileVerified => {
                let yes = if f == ContactField::EmailVerified {
                    form.draft.email_verified
                } else {
                    form.draft.mobile_verified
                };
                let text = if yes { "[x] yes" } else { "[ ] no" };
                frame.render_widget(Paragraph::new(text).style(focus), row.value);
            }
            ContactField::Password if form.mode != PasswordMode::Typed => {
                let text = match form.mode {
                    PasswordMode::None => "‹ none yet (P sets one later) ›",
                    _ => "‹ generate one, shown once ›",
                };
                frame.render_widget(Paragraph::new(text).style(focus), row.value);
            }
            // A typed password is drawn by its own input, which masks it, focused or not
            // (a field's plain text is what the others show once the focus leaves them).
            ContactField::Password => {
                if let Some(input) = form.input(f) {
                    input.draw(frame, row.value, focus, on);
                }
            }
            _ => {
                if let Some(input) = form.input(f) {
                    field_rows::text(frame, row.value, input, on);
                }
            }
        }
        let stored = form.stored_as(f).map(|e164| format!("stored as {e164}"));
        let hint = stored.as_deref().or(hint(f, form));
        field_rows::beside(frame, row.beside, form.error(f), hint);
    }
}

/// A few words beside a field whose meaning is not plain from its value.
fn hint(f: ContactField, form: &ContactForm) -> Option<&'static str> {
    match f {
        ContactField::Email => Some("also the portal login"),
        ContactField::Phone | ContactField::Mobile => match form.owner.country {
            Some(_) => Some("any form; national: default country"),
            None => Some("with country code: +44 …"),
        },
        ContactField::Messages => Some("which messages they get"),
        ContactField::Whitelist => Some("portal from: addresses or CIDR; empty: any"),
        ContactField::PublicNotes => Some("the customer sees these"),
        ContactField::PrivateNotes => Some("staff only"),
        ContactField::Password => Some("← → none, generate, type"),
        _ => None,
    }
}
