//! How the Settings screen looks: the list by section, and the footer that shows the
//! selected setting's rule and help, the value being edited, or the question asked.

use super::{Mode, SettingsScreen};
use crate::domain::board_columns::relative;
use crate::text::{fit, padded, printable};
use crate::tui::chrome::cursor_style;
use crate::tui::screen::Ui;
use crate::tui::widgets::list_cursor::scroll;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().fg(Color::DarkGray).add_modifier(Modifier::DIM);

impl SettingsScreen {
    /// The screen: its title, the settings by section, and the footer.
    pub(super) fn render(&mut self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let [title, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        frame.render_widget(
            Paragraph::new(" Settings · shared by every operator; every change is audited")
                .style(Style::new().add_modifier(Modifier::BOLD)),
            title,
        );
        if self.rows.is_none() {
            let waiting = Paragraph::new(self.waiting.as_str()).wrap(Wrap { trim: true });
            frame.render_widget(waiting, rest);
            return;
        }
        let (footer, label) = self.footer(ui, usize::from(rest.width));
        let inner_width = usize::from(rest.width.max(1));
        let wanted = 1 + match label {
            Some(_) => footer.len(),
            None => footer
                .iter()
                .map(|l| l.width().max(1).div_ceil(inner_width))
                .sum(),
        };
        let height = u16::try_from(wanted)
            .unwrap_or(u16::MAX)
            .min(rest.height.saturating_sub(1));
        let [body, bottom] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(height)]).areas(rest);
        self.draw_rows(frame, body);
        let block = Block::new().borders(Borders::TOP);
        let inner = block.inner(bottom);
        frame.render_widget(block, bottom);
        let paragraph = Paragraph::new(footer);
        match (label, &self.mode) {
            // The key being added: typed on the footer's first line, after its label.
            (Some(label), Mode::AddKey { input, .. }) => {
                frame.render_widget(paragraph, inner);
                let x = label.min(inner.width);
                let rect = Rect {
                    x: inner.x + x,
                    width: inner.width - x,
                    height: inner.height.min(1),
                    ..inner
                };
                input.draw(
                    frame,
                    rect,
                    Style::new().add_modifier(Modifier::UNDERLINED),
                    true,
                );
            }
            _ => frame.render_widget(paragraph.wrap(Wrap { trim: false }), inner),
        }
    }

    /// The lines under the list: the question asked, the key being typed (with the column
    /// its field starts at), or what the selected setting is.
    fn footer(&self, ui: &Ui, width: usize) -> (Vec<Line<'static>>, Option<u16>) {
        let selected = self.selected();
        match &self.mode {
            Mode::Unset { key, .. } => {
                let now = selected.and_then(|r| r.value.as_deref()).unwrap_or("");
                let question = format!(
                    "Unset {} (now {})? y unsets it, n keeps it",
                    printable(key),
                    printable(now)
                );
                let style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
                (vec![Line::styled(question, style)], None)
            }
            Mode::AddKey { error, .. } => {
                let label = "Key of the setting to add: ";
                // One line each: the field is drawn over the first.
                let under = match error {
                    Some(e) => Line::styled(fit(&printable(e), width), ERROR),
                    None => Line::styled(
                        fit(
                            "A family's key, e.g. fx.USD.EUR; Enter goes on to its value",
                            width,
                        ),
                        DIM,
                    ),
                };
                (vec![Line::from(label), under], Some(label.width() as u16))
            }
            Mode::Browse | Mode::Edit(_) => {
                let Some(row) = selected else {
                    return (Vec::new(), None);
                };
                let mut lines = vec![
                    Line::from(vec![
                        Span::styled(
                            printable(&row.key).into_owned(),
                            Style::new().add_modifier(Modifier::BOLD),
                        ),
                        Span::raw(format!(": {}", row.spec.rule.describe())),
                    ]),
                    Line::from(row.spec.help),
                ];
                if !row.updated_by.is_empty() {
                    let at = chrono::DateTime::parse_from_rfc3339(&row.updated_at).map_or_else(
                        |_| printable(&row.updated_at).into_owned(),
                        |t| {
                            let ago = relative(Some(t.timestamp()), ui.now);
                            format!("{} UTC ({ago})", t.format("%Y-%m-%d %H:%M"))
                        },
                    );
                    let by = printable(&row.updated_by);
                    lines.push(Line::styled(format!("Last changed by {by}, {at}"), DIM));
                }
                (lines, None)
            }
        }
    }

    /// The sections and their settings, the cursor's row kept in view (with its section's
    /// title when it is the first), the value being edited in place.
    fn draw_rows(&mut self, frame: &mut Frame, body: Rect) {
        let Some(rows) = &self.rows else { return };
        let width = usize::from(body.width);
        let key_width = rows
            .iter()
            .map(|r| printable(&r.key).width())
            .max()
            .unwrap_or(0)
            .min(width / 2);
        let editing = match &self.mode {
            Mode::Edit(edit) => Some(edit),
            _ => None,
        };
        let mut lines: Vec<Line> = Vec::new();
        let mut owners: Vec<Option<usize>> = Vec::new();
        // The lines to keep in view: the selected row's first (its section's title when
        // it opens the section), the row itself, and its last (the reason under a field).
        let (mut first, mut cursor, mut last) = (0, 0, 0);
        let mut group = None;
        for (i, row) in rows.iter().enumerate() {
            let opens = group != Some(row.spec.group);
            if opens {
                if group.is_some() {
                    lines.push(Line::default());
                    owners.push(None);
                }
                group = Some(row.spec.group);
                let title = format!(" {}", row.spec.group.title());
                let style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
                lines.push(Line::styled(title, style));
                owners.push(None);
            }
            let selected = i == self.list.cursor;
            let prefix = format!("  {}  ", padded(&printable(&row.key), key_width));
            let room = width.saturating_sub(prefix.width());
            let value = match (&row.value, selected && editing.is_some()) {
                (_, true) => Span::raw(""),
                (Some(v), false) => Span::raw(fit(&printable(v), room)),
                (None, false) => Span::styled("not set", DIM),
            };
            if selected {
                first = if opens { lines.len() - 1 } else { lines.len() };
                cursor = lines.len();
            }
            let line = Line::from(vec![Span::raw(prefix.clone()), value]);
            // The row being edited is marked by its field; reversing it would hide that.
            lines.push(if !selected {
                line
            } else if editing.is_some() {
                line.style(Style::new().add_modifier(Modifier::BOLD))
            } else {
                line.style(cursor_style())
            });
            owners.push(Some(i));
            if selected && let Some(why) = editing.and_then(|e| e.error.as_deref()) {
                let indent = " ".repeat(prefix.width());
                lines.push(Line::styled(format!("{indent}{}", fit(why, room)), ERROR));
                owners.push(Some(i));
            }
            if selected {
                last = lines.len() - 1;
            }
        }
        let height = usize::from(body.height);
        self.list.page = height;
        for keep in [first, last, cursor] {
            self.offset = scroll(self.offset, keep, height, lines.len());
        }
        let shown: Vec<Line> = lines.into_iter().skip(self.offset).take(height).collect();
        self.top = body.y;
        self.drawn = owners.into_iter().skip(self.offset).take(height).collect();
        frame.render_widget(Paragraph::new(shown), body);
        if let Some(edit) = editing
            && (self.offset..self.offset + height).contains(&cursor)
        {
            let x = u16::try_from(key_width + 4)
                .unwrap_or(u16::MAX)
                .min(body.width);
            let rect = Rect {
                x: body.x + x,
                y: body.y + (cursor - self.offset) as u16,
                width: body.width - x,
                height: 1,
            };
            let style = Style::new().add_modifier(Modifier::UNDERLINED);
            edit.input.draw(frame, rect, style, true);
        }
    }
}
