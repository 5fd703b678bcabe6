//! The email log (palette: "Email log"): the outbox's queue and its last 24 hours, newest
//! first, emails and SMS alike, with each one's state and the server's answer. `f` shows
//! one state only; Enter shows a message in full. It follows the outbox as senders work.

use super::card::view::list_table;
use super::window::Window;
use crate::domain::change::{Changes, Topic};
use crate::domain::message::{Kind, Outgoing, Status};
use crate::text::printable;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, MailEffect, MailReply, Reply};
use crate::tui::screen::{Cx, Deferred, Flow, Screen, Ui};
use crate::tui::widgets::list_cursor::ListCursor;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::Paragraph;

pub struct EmailLog {
    /// The messages, newest first; None until they arrive.
    pub rows: Option<Result<Vec<Outgoing>, String>>,
    /// Only messages in this state, when set.
    pub status: Option<Status>,
    /// Only messages of this kind, when set.
    pub kind: Option<Kind>,
    list: ListCursor,
    /// Changes made while a window covered the log.
    pending: Deferred,
}

impl EmailLog {
    /// The log, its messages on their way (`MailEffect::LoadLog`).
    pub fn loading() -> EmailLog {
        EmailLog {
            rows: None,
            status: None,
            kind: None,
            list: ListCursor::default(),
            pending: Deferred::default(),
        }
    }

    /// The messages shown, with the state filter applied.
    pub fn shown(&self) -> Vec<&Outgoing> {
        shown(&self.rows, self.status, self.kind)
    }
}

fn shown(
    rows: &Option<Result<Vec<Outgoing>, String>>,
    status: Option<Status>,
    kind: Option<Kind>,
) -> Vec<&Outgoing> {
    match rows {
        Some(Ok(rows)) => rows
            .iter()
            .filter(|m| status.is_none_or(|s| m.status == s))
            .filter(|m| kind.is_none_or(|k| m.kind == k))
            .collect(),
        _ => Vec::new(),
    }
}

impl Screen for EmailLog {
    fn context(&self) -> Context {
        Context::EmailLog
    }

    fn covers(&self) -> bool {
        true
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        let n = self.shown().len();
        if self.list.act(action, n) {
            return Flow::Done;
        }
        match action {
            Action::Back => cx.close(),
            Action::StatusFilter => {
                let all = Status::ALL;
                self.status = match self.status {
                    None => Some(all[0]),
                    Some(s) => all.iter().skip_while(|x| **x != s).nth(1).copied(),
                };
                self.list = ListCursor::default();
            }
            Action::NextView => {
                self.kind = match self.kind {
                    None => Some(Kind::Email),
                    Some(Kind::Email) => Some(Kind::Sms),
                    Some(Kind::Sms) => None,
                };
                self.list = ListCursor::default();
            }
            Action::Open => {
                if let Some(m) = self.shown().get(self.list.cursor) {
                    cx.open(Window::detail(
                        format!("{} {} (Esc closes)", m.kind.label(), m.message_id),
                        describe(m),
                    ));
                }
            }
            Action::Refresh => cx.run(Effect::Mail(MailEffect::LoadLog)),
            _ => return Flow::Pass,
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, _cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::Mail(MailReply::LogLoaded(rows)) => {
                self.rows = Some(rows);
                None
            }
            other => Some(other),
        }
    }

    fn on_changes(&mut self, changes: &Changes, showing: bool, cx: &mut Cx) {
        if let Some(changes) = self.pending.now_or_later(changes, showing)
            && changes.touches(Topic::Messages)
        {
            cx.run(Effect::Mail(MailEffect::LoadLog));
        }
    }

    fn on_show(&mut self, cx: &mut Cx) {
        if self
            .pending
            .take()
            .is_some_and(|c| c.touches(Topic::Messages))
        {
            cx.run(Effect::Mail(MailEffect::LoadLog));
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        let [title, table, hint] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let shown = shown(&self.rows, self.status, self.kind);
        let what = match &self.rows {
            None => "loading…".to_string(),
            Some(Err(e)) => format!("cannot be read: {}", printable(e)),
            Some(Ok(rows)) => {
                let waiting = rows
                    .iter()
                    .filter(|m| matches!(m.status, Status::Queued | Status::Sending))
                    .count();
                let failed = rows.iter().filter(|m| m.status == Status::Failed).count();
                format!(
                    "{} shown · {waiting} waiting · {failed} failed · {} · {}",
                    shown.len(),
                    self.status.map_or("all states", |s| s.key()),
                    self.kind.map_or("email and SMS", |k| k.label())
                )
            }
        };
        frame.render_widget(
            Paragraph::new(format!(
                " Email log (queue and last 24 hours, UTC) · {what}"
            )),
            title,
        );
        self.list.clamp(shown.len());
        let height = usize::from(table.height.saturating_sub(1));
        self.list.fit(height, shown.len());
        let columns = [
            ("Created", Constraint::Length(20)),
            ("Kind", Constraint::Length(5)),
            ("State", Constraint::Length(8)),
            ("To", Constraint::Fill(2)),
            ("Subject", Constraint::Fill(2)),
            ("Try", Constraint::Length(3)),
            ("Server's answer", Constraint::Fill(3)),
        ];
        let widget = list_table(
            table,
            &columns,
            &shown,
            (self.list.cursor, self.list.offset),
            |m| {
                vec![
                    m.created_at.clone(),
                    m.kind.key().to_string(),
                    m.status.key().to_string(),
                    m.recipient.clone(),
                    m.subject.clone(),
                    m.attempts.to_string(),
                    m.reason.clone(),
                ]
            },
        );
        frame.render_widget(widget, table);
        frame.render_widget(
            Paragraph::new(
                " Enter the message in full · f one state · ] email, SMS or both · Ctrl-R reload · Esc close",
            )
                .style(Style::new().fg(Color::DarkGray)),
            hint,
        );
    }
}

/// A message in full, for the window Enter opens.
fn describe(m: &Outgoing) -> String {
    let mut lines = vec![
        format!("To           {}", m.recipient),
        format!("State        {} after {} tries", m.status.key(), m.attempts),
        format!(
            "Answer       {}",
            if m.reason.is_empty() { "-" } else { &m.reason }
        ),
        format!("Message-ID   {}", m.message_id),
        format!("Queued       {} by {}", m.created_at, m.queued_by),
        format!("Sent         {}", m.sent_at.as_deref().unwrap_or("-")),
    ];
    if !m.subject.is_empty() {
        lines.push(format!("Subject      {}", m.subject));
    }
    lines.push(String::new());
    lines.extend(m.body.lines().map(str::to_string));
    lines.join("\n")
}
