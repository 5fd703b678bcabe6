//! The command palette (`:`): every action of the current screen by name, fuzzy matched.

use crate::domain::BulkEdit;
use crate::tui::chrome::{centered, cursor_style};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::msg::Reply;
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::widgets::history::{Line as HistoryLine, Recall};
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::list_cursor::ListCursor;
use crossterm::event::KeyEvent;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Actions that have no key of their own and are reached through the palette only.
#[rustfmt::skip]
pub const PALETTE_ONLY: &[(Context, &str, Action)] = &[
    (Context::Board, "Choose board columns", Action::Columns),
    (Context::Board, "Save the filter line as… (then F @name uses it)", Action::SaveFilter),
    (Context::Board, "Import CDRs", Action::ImportCdrs),
    (Context::Board, "Bulk upload customers from a CSV file", Action::BulkUpload),
    (Context::Board, "Scheduled changes (Delay and Save)", Action::ScheduledChanges),
    (Context::Board, "Unmatched CDRs: calls that matched no customer", Action::UnmatchedCdrs),
    (Context::Board, "Unrated CDRs: calls no rate card priced, or of unknown cost", Action::UnratedCdrs),
    (Context::Board, "Settings shared by every operator", Action::Settings),
    (Context::Board, "Global contacts: every contact of every customer", Action::GlobalContacts),
    (Context::Board, "Send email to the contacts of the marked customers", Action::SendEmail),
    (Context::Board, "Send SMS to the contacts of the marked customers", Action::SendSms),
    (Context::Board, "Email log: the outbox, what was sent and what failed", Action::EmailLog),
    (Context::Board, "Rate cards: what destinations cost, by prefix; price a number", Action::RateCards),
    (Context::Card, "Scheduled changes of this customer", Action::ScheduledChanges),
    (Context::Card, "Import CDRs", Action::ImportCdrs),
    (Context::Card, "Unmatched CDRs: calls that matched no customer", Action::UnmatchedCdrs),
    (Context::Card, "Unrated CDRs: calls no rate card priced, or of unknown cost", Action::UnratedCdrs),
    (Context::Card, "Settings shared by every operator", Action::Settings),
    (Context::Card, "Global contacts: every contact of every customer", Action::GlobalContacts),
    (Context::Card, "Send email to this customer's contacts", Action::SendEmail),
    (Context::Card, "Send SMS to this customer's contacts", Action::SendSms),
    (Context::Card, "Email log: the outbox, what was sent and what failed", Action::EmailLog),
    (Context::Card, "Rate cards: what destinations cost, by prefix; price a number", Action::RateCards),
    (Context::Settings, "Send test email: what the mail server answers", Action::TestEmail),
    (Context::Settings, "Send test SMS: what the SMS gateway answers", Action::TestSms),
    (Context::Grid, "Copy with group headers", Action::CopyGroups),
    (Context::Grid, "Export the selection (or the whole view) to CSV", Action::Export),
];

/// One line of the palette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: String,
    /// The key that does the same, shown beside the name so people learn it.
    pub key: &'static str,
    pub action: Action,
}

/// `set FIELD VALUE` (or `set FIELD=VALUE`, `set tags+=a,b`) read as a bulk edit; None when
/// the query is not a set command.
fn set_command(query: &str) -> Option<Result<BulkEdit, String>> {
    let rest = query.trim_start().strip_prefix("set ")?.trim();
    let usage = "set FIELD VALUE: set status inactive, set channels 40, set tags+=wholesale";
    if rest.is_empty() {
        return Some(Err(usage.into()));
    }
    let (field, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let assignment = if field.contains('=') {
        rest.to_string()
    } else {
        format!("{field}={}", value.trim())
    };
    let mut edit = BulkEdit::default();
    Some(match edit.parse_assignment(&assignment) {
        Ok(()) if edit.is_empty() => Err(usage.into()),
        Ok(()) => Ok(edit),
        Err(e) => Err(e.message),
    })
}

/// Whether an action is worth offering by name (moving the cursor is not).
fn nameable(action: Action) -> bool {
    !matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Left
            | Action::Right
            | Action::Palette
            | Action::Back
    )
}

/// The commands of a context: its bindings, then the palette-only actions.
pub fn commands(context: Context) -> Vec<Command> {
    let mut out: Vec<Command> = keymap::bindings_for(context)
        .filter(|b| nameable(b.action))
        .map(|b| Command {
            name: capitalized(b.help),
            key: b.label,
            action: b.action,
        })
        .collect();
    out.extend(
        PALETTE_ONLY
            .iter()
            .filter(|(ctx, _, _)| keymap::chain(context).contains(ctx))
            .map(|(_, name, action)| Command {
                name: (*name).to_string(),
                key: "",
                action: *action,
            }),
    );
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub struct PaletteScreen {
    query: TextInput,
    all: Vec<Command>,
    /// Indices into `all`, best match first.
    shown: Vec<usize>,
    list: ListCursor,
    /// Ctrl-P and Ctrl-N through the commands typed before.
    recall: Recall,
    /// On the board, `set FIELD VALUE` typed: the edit it reads as, or why it does not.
    set: Option<Result<BulkEdit, String>>,
    context: Context,
}

impl PaletteScreen {
    /// The palette of the screen on top, whose context is `context`.
    pub fn open(context: Context) -> PaletteScreen {
        let all = commands(context);
        let shown = (0..all.len()).collect();
        PaletteScreen {
            query: TextInput::default(),
            all,
            shown,
            list: ListCursor::default(),
            recall: Recall::default(),
            set: None,
            context,
        }
    }

    fn requery(&mut self) {
        let query = self.query.text();
        self.set = (self.context == Context::Board)
            .then(|| set_command(&query))
            .flatten();
        if self.set.is_some() {
            self.shown.clear();
            return;
        }
        let pattern = Pattern::parse(&query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let names: Vec<&str> = self.all.iter().map(|c| c.name.as_str()).collect();
        let ranked = pattern.match_list(names.iter().copied(), &mut matcher);
        self.shown = ranked
            .into_iter()
            .filter_map(|(name, _)| names.iter().position(|n| *n == name))
            .collect();
        self.list = ListCursor::default();
    }

    pub fn shown(&self) -> impl Iterator<Item = &Command> {
        self.shown.iter().map(|&i| &self.all[i])
    }

    pub fn selected(&self) -> Option<&Command> {
        self.shown.get(self.list.cursor).map(|&i| &self.all[i])
    }
}

impl Screen for PaletteScreen {
    fn context(&self) -> Context {
        Context::Palette
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        if self.query.key(key) {
            self.recall.reset();
            self.requery();
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        if self.query.paste(text) {
            self.requery();
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        match action {
            Action::Back => cx.close(),
            Action::Up | Action::Down => {
                self.list.act(action, self.shown.len());
            }
            // Closed first, so the command acts on the screen it was chosen for.
            // `set status inactive`: the board opens the bulk edit on it, preview first.
            Action::Submit if matches!(self.set, Some(Ok(_))) => {
                cx.remember(HistoryLine::Palette, &self.query.text());
                if let Some(Ok(edit)) = self.set.take() {
                    cx.close();
                    cx.post(Reply::SetFields(edit));
                }
            }
            Action::Submit if self.set.is_some() => {}
            Action::Submit => {
                cx.close();
                if let Some(command) = self.selected() {
                    cx.then(command.action);
                    cx.remember(HistoryLine::Palette, &self.query.text());
                }
            }
            Action::Older | Action::Newer => {
                let older = action == Action::Older;
                if cx.recall(
                    &mut self.recall,
                    HistoryLine::Palette,
                    older,
                    &mut self.query,
                ) {
                    self.requery();
                }
            }
            _ => {}
        }
        Flow::Done
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        let rect = centered(area, 64, 16);
        frame.render_widget(Clear, rect);
        let block = Block::bordered().title(" Command palette ");
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let [query, _, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(inner);
        let [colon, field] =
            Layout::horizontal([Constraint::Length(1), Constraint::Min(1)]).areas(query);
        let cyan = Style::new().fg(Color::Cyan);
        frame.render_widget(Paragraph::new(":").style(cyan), colon);
        self.query.draw(frame, field, cyan, true);
        let first = self.list.fit(usize::from(body.height), self.shown.len());
        let mut lines = Vec::new();
        for (i, command) in self
            .shown()
            .enumerate()
            .skip(first)
            .take(usize::from(body.height))
        {
            let text = format!("{:<48}{:>10}", command.name, command.key);
            let style = if i == self.list.cursor {
                cursor_style()
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
        match &self.set {
            Some(Ok(edit)) => lines.push(Line::from(format!(
                "Enter: set {} on the marked customers (or the one under the cursor), with a preview first",
                edit.describe()
            ))),
            Some(Err(e)) => lines.push(Line::styled(e.clone(), Style::new().fg(Color::Red))),
            None if self.shown.is_empty() => lines.push(Line::from("No command matches.")),
            None => {}
        }
        frame.render_widget(Paragraph::new(lines), body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_query_finds_the_command() {
        let mut p = PaletteScreen::open(Context::Board);
        let query = |p: &mut PaletteScreen, text: &str| {
            p.query.set_text(text);
            p.requery();
        };
        assert!(p.shown().any(|c| c.name == "Choose board columns"));
        assert!(
            !p.shown().any(|c| c.action == Action::Up),
            "movement is not offered"
        );
        query(&mut p, "colmns");
        assert_eq!(p.selected().unwrap().action, Action::Columns);
        query(&mut p, "stat filt");
        assert_eq!(p.selected().unwrap().action, Action::StatusFilter);
        query(&mut p, "zzzz");
        assert!(p.selected().is_none());
    }
}
