//! The line under a form's fields: its save options while they are open, or else what the
//! operator most needs to know now. The customer form and the SIP user form share it.

use crate::text::printable;
use crate::tui::chrome::wrapped_rows;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

pub struct FormStatus<'a> {
    /// The save options' labels and the highlighted one, while they are open.
    pub menu: Option<(&'a [&'static str], usize)>,
    pub saving: bool,
    /// A first Esc asked whether to drop the changes.
    pub confirm_discard: bool,
    /// Why the last save failed.
    pub save_error: Option<&'a str>,
    /// The focused field's reason, in full however narrow the column beside the field.
    pub field_error: Option<&'a str>,
    /// How many fields break a rule.
    pub errors: usize,
    /// The keys, when all is well.
    pub hint: &'a str,
}

impl FormStatus<'_> {
    pub fn line(&self) -> Line<'static> {
        let red = |text: &str| {
            Line::from(Span::styled(
                printable(text).into_owned(),
                Style::new().fg(Color::Red),
            ))
        };
        if let Some((labels, cursor)) = self.menu {
            let mut spans = vec![Span::raw("Save: ")];
            for (i, label) in labels.iter().enumerate() {
                let style = if i == cursor {
                    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
                } else {
                    Style::new()
                };
                spans.push(Span::styled(format!(" {label} "), style));
                spans.push(Span::raw("  "));
            }
            Line::from(spans)
        } else if self.saving {
            Line::from("Saving…")
        } else if self.confirm_discard {
            // Before a save's error: this is what the next Esc does.
            Line::from(Span::styled(
                "You have unsaved changes: Esc again discards them, any other key goes on editing.",
                Style::new().fg(Color::Yellow),
            ))
        } else if let Some(e) = self.save_error.or(self.field_error) {
            red(e)
        } else if self.errors == 0 {
            Line::from(self.hint.to_string())
        } else {
            red(&format!("{} field(s) to fix before saving", self.errors))
        }
    }
}

/// How many rows the line takes at `width`, wrapped: at least two, so the fields above do
/// not jump as short messages come and go, and up to five, so a long reason reads whole.
pub fn rows(line: &Line, width: u16) -> u16 {
    wrapped_rows(std::slice::from_ref(line), usize::from(width.max(1))).clamp(2, 5) as u16
}
