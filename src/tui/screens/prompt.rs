//! A one-line question with a text field: a file path to import, a name to confirm, the
//! time a Delay-and-Save change applies.

use super::list::ListScreen;
use crate::cdr::request;
use crate::domain::filter::saved_name_problem;
use crate::domain::message::Kind;
use crate::domain::when::{next_midnight, parse_when, span};
use crate::tui::chrome::{centered, wrapped_rows};
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, MailEffect, Reply};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::widgets::history::{Line as HistoryLine, Recall};
use crate::tui::widgets::input::TextInput;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// What the answer is for; decides what Enter does with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Import the CDR files at the typed path(s), separated by spaces.
    ImportCdrs,
    /// The UTC time at which the open form's change applies (Delay and Save).
    DelayUntil,
    /// Delete these customers once the answer is `expected` (a name, or their count).
    ConfirmDelete { ids: Vec<i64>, expected: String },
    /// Check a customers CSV file (then offer to create them).
    BulkUpload,
    /// Send a test message of this kind to the address or number typed.
    TestMessage(Kind),
    /// Keep this filter line under the name typed.
    SaveFilter { line: String },
}

impl Purpose {
    /// What an empty answer is missing.
    pub fn expects(&self) -> &'static str {
        match self {
            Purpose::ImportCdrs | Purpose::BulkUpload => "Type a file path first",
            Purpose::DelayUntil => "Type a date and time first",
            Purpose::ConfirmDelete { .. } => "Type the name (or the count) to confirm",
            Purpose::TestMessage(Kind::Email) => "Type an email address first",
            Purpose::TestMessage(Kind::Sms) => "Type a mobile number first",
            Purpose::SaveFilter { .. } => "Type a name first",
        }
    }
}

pub struct Prompt {
    pub purpose: Purpose,
    pub title: String,
    /// A line under the field saying what is expected.
    pub hint: String,
    pub input: TextInput,
    /// Why the last answer was refused.
    pub error: Option<String>,
    /// The file names Tab found that fit, shown instead of the hint until the next key.
    choices: Option<String>,
    /// Ctrl-P and Ctrl-N through the paths entered before (file prompts only).
    recall: Recall,
}

impl Prompt {
    pub fn new(purpose: Purpose, title: &str, hint: &str) -> Prompt {
        Prompt {
            purpose,
            title: title.to_string(),
            hint: hint.to_string(),
            input: TextInput::default(),
            error: None,
            choices: None,
            recall: Recall::default(),
        }
    }

    /// Whether the answer is a file path, which Tab completes and the history keeps.
    fn takes_a_path(&self) -> bool {
        matches!(self.purpose, Purpose::ImportCdrs | Purpose::BulkUpload)
    }

    /// Delay and Save's question: when the change applies, prefilled with the next midnight
    /// UTC, the time read back as it is typed.
    pub fn delay_until(now: i64) -> Prompt {
        let now = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
        let mut prompt = Prompt::new(
            Purpose::DelayUntil,
            "Delay and Save: apply the change at (UTC)",
            "tomorrow, tomorrow 06:00, +2h, +30m, 2026-12-03 or 2026-12-03 14:00, in UTC. Whichever console is running then applies it, or `carrierdesk apply-due` from cron.",
        );
        prompt
            .input
            .set_text(&next_midnight(now).format("%Y-%m-%d %H:%M").to_string());
        prompt
    }

    /// For Delay and Save: the typed time as read, or why it cannot be, shown as it is typed.
    fn reading(&self, now: i64) -> Option<String> {
        if self.purpose != Purpose::DelayUntil || self.input.is_empty() {
            return None;
        }
        let now_utc = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
        Some(match parse_when(&self.answer(), now_utc) {
            Ok(due) if due.timestamp() <= now => format!(
                "{} UTC has passed: choose a time to come",
                due.format("%Y-%m-%d %H:%M")
            ),
            Ok(due) => format!(
                "→ {} UTC, in {}",
                due.format("%a %Y-%m-%d %H:%M"),
                span(due.timestamp() - now)
            ),
            Err(e) => e,
        })
    }

    pub fn answer(&self) -> String {
        self.input.text().trim().to_string()
    }

    /// Asks for the name (one customer) or the count (several) before deleting; None when
    /// there is nothing to delete.
    pub fn confirm_delete(ids: Vec<i64>, names: Vec<String>) -> Option<Prompt> {
        let (expected, what) = match names.as_slice() {
            [] => return None,
            [one] => (
                one.clone(),
                format!("Delete {one}? Type its name to confirm."),
            ),
            many => {
                let shown: Vec<&str> = many.iter().take(5).map(String::as_str).collect();
                let more = if many.len() > 5 {
                    format!(" and {} more", many.len() - 5)
                } else {
                    String::new()
                };
                (
                    many.len().to_string(),
                    format!(
                        "Delete {} customers: {}{more}? Type {} to confirm.",
                        many.len(),
                        shown.join(", "),
                        many.len()
                    ),
                )
            }
        };
        Some(Prompt::new(
            Purpose::ConfirmDelete { ids, expected },
            "Delete",
            &format!(
                "{what} The audit log keeps every deleted row. Customers with invoices or calls are kept: set them Inactive instead."
            ),
        ))
    }

    /// Carries out the answer, or says what is wrong with it and stays open.
    fn submit(&mut self, cx: &mut Cx) -> Result<(), String> {
        let answer = self.answer();
        if answer.is_empty() {
            return Err(format!("{}, or Esc to cancel", self.purpose.expects()));
        }
        let home = cx.home.clone();
        match &self.purpose {
            Purpose::ConfirmDelete { ids, expected } => {
                if !answer.eq_ignore_ascii_case(expected) {
                    return Err(format!(
                        "That is not '{expected}'; nothing deleted. Esc cancels."
                    ));
                }
                cx.run(Effect::Delete(ids.clone()));
            }
            Purpose::BulkUpload => {
                let path = request::one_path(&answer, home.as_deref())?;
                cx.open(ListScreen::loading("Bulk upload: checking the file"));
                cx.run(Effect::BulkUpload {
                    path,
                    dry_run: true,
                });
            }
            Purpose::DelayUntil => {
                let now = chrono::DateTime::from_timestamp(cx.now(), 0).unwrap_or_default();
                let due = parse_when(&answer, now)?;
                // Said here, with the time still there to correct; the service checks
                // again when it stores the change.
                if due.timestamp() <= cx.now() {
                    return Err(format!(
                        "{} UTC has passed: choose a time to come",
                        due.format("%Y-%m-%d %H:%M")
                    ));
                }
                cx.post(Reply::DelayChosen(due));
            }
            Purpose::TestMessage(kind) => {
                cx.info(format!("Sending a test {} to {answer}…", kind.label()));
                cx.run(Effect::Mail(MailEffect::Test {
                    kind: *kind,
                    to: answer,
                }));
            }
            Purpose::SaveFilter { line } => {
                let name = answer.strip_prefix('@').unwrap_or(&answer).to_string();
                if let Some(problem) = saved_name_problem(&name) {
                    return Err(problem);
                }
                cx.post(Reply::FilterSaved {
                    name: name.clone(),
                    line: line.clone(),
                });
                cx.run(Effect::SaveFilter {
                    name,
                    line: line.clone(),
                });
            }
            Purpose::ImportCdrs => {
                let request = request::parse(&answer, home.as_deref())?;
                cx.start_job("Import starting…");
                cx.run(Effect::ImportCdrs(request));
            }
        }
        Ok(())
    }
}

impl Screen for Prompt {
    fn context(&self) -> Context {
        Context::Prompt
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        if self.input.key(key) {
            self.error = None;
            self.choices = None;
            self.recall.reset();
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        if self.input.paste(text) {
            self.error = None;
            self.choices = None;
        }
    }

    fn on_reply(&mut self, reply: Reply, _cx: &mut Cx) -> Option<Reply> {
        match reply {
            // Only while the text is as it was sent: typing meanwhile wins.
            Reply::PathCompleted { typed, result } if typed == self.input.before_cursor() => {
                match result {
                    Ok(completion) => {
                        self.input.set_before_cursor(&completion.before);
                        self.choices = shown_choices(&completion.choices);
                        self.error = None;
                    }
                    Err(e) => self.error = Some(e),
                }
                None
            }
            other => Some(other),
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        match action {
            Action::Complete if self.takes_a_path() => {
                cx.run(Effect::CompletePath {
                    typed: self.input.before_cursor(),
                    home: cx.home.clone(),
                });
            }
            Action::Back => cx.close(),
            Action::Older | Action::Newer if self.takes_a_path() => {
                let older = action == Action::Older;
                if cx.recall(&mut self.recall, HistoryLine::Path, older, &mut self.input) {
                    self.error = None;
                    self.choices = None;
                }
            }
            Action::Submit => match self.submit(cx) {
                // Closed before what it opens, so the list lands on top.
                Ok(()) => {
                    if self.takes_a_path() {
                        cx.remember(HistoryLine::Path, &self.input.text());
                    }
                    cx.close();
                }
                Err(e) => self.error = Some(e),
            },
            _ => {}
        }
        Flow::Done
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, ui: &Ui) {
        draw_prompt(frame, area, self, ui.now);
    }
}

/// The names that fit, as many as a prompt has room for, and how many more there are.
fn shown_choices(choices: &[String]) -> Option<String> {
    const SHOWN: usize = 30;
    let more = choices.len().saturating_sub(SHOWN);
    let mut line = choices[..choices.len().min(SHOWN)].join("  ");
    if more > 0 {
        line.push_str(&format!("  … and {more} more"));
    }
    (!choices.is_empty()).then_some(line)
}

/// A question with a text field.
fn draw_prompt(frame: &mut Frame, area: Rect, prompt: &Prompt, now: i64) {
    let reading = prompt.reading(now);
    let hint = match (&prompt.choices, &reading) {
        (Some(choices), _) => choices.clone(),
        (None, Some(reading)) => format!("{reading} · {}", prompt.hint),
        (None, None) => prompt.hint.clone(),
    };
    draw_question(
        frame,
        area,
        &prompt.title,
        &prompt.input,
        &hint,
        prompt.error.as_deref(),
    );
}

/// A box titled `title` with a text field, a hint under it and the reason the answer is
/// refused, if it is: prompts and the SIP password's question.
pub fn draw_question(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    input: &TextInput,
    hint: &str,
    error: Option<&str>,
) {
    const WIDTH: u16 = 76;
    // As many lines as the hint takes when wrapped (a word moved down costs one more), so
    // that its end (say, "type 18 to confirm") is never cut off.
    let inner_width = usize::from(WIDTH.min(area.width).saturating_sub(2).max(1));
    let hint_rows = (hint.chars().count() / inner_width + 2) as u16;
    // The reason too is wrapped, whole: its end (say, that nothing was kept) matters as
    // much as its start.
    let error_rows = error.map_or(1, |e| {
        u16::try_from(wrapped_rows(&[Line::from(e)], inner_width)).unwrap_or(u16::MAX)
    });
    let rect = centered(
        area,
        WIDTH,
        hint_rows.saturating_add(error_rows).saturating_add(3),
    );
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(format!(" {title} "));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [field, hint_area, error_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(error_rows),
    ])
    .areas(inner);
    input.draw(frame, field, Style::new(), true);
    frame.render_widget(
        Paragraph::new(hint)
            .wrap(Wrap { trim: true })
            .style(Style::new().fg(Color::DarkGray)),
        hint_area,
    );
    if let Some(e) = error {
        frame.render_widget(
            Paragraph::new(e)
                .wrap(Wrap { trim: true })
                .style(Style::new().fg(Color::Red)),
            error_area,
        );
    }
}
