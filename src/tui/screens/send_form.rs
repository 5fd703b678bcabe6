//! Writing to contacts (palette: "Send email", "Send SMS"), from the board's marked
//! customers or a card: the messaging category, a subject (email), a body with
//! placeholders. Ctrl-S shows the preview (how many contacts get it, the first message as
//! it will read); Ctrl-S again queues it in the outbox, one message per contact.

use crate::domain::contact::Category;
use crate::domain::count;
use crate::domain::message::{Kind, PLACEHOLDERS, Template};
use crate::service::SendPlan;
use crate::text::printable;
use crate::tui::chrome::centered;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, MailEffect, MailReply, Reply};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::widgets::field_rows;
use crate::tui::widgets::input::TextInput;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Where the screen is: writing, waiting for the database, or showing the preview.
#[derive(Debug)]
pub enum Stage {
    Writing,
    Planning,
    Preview(Box<SendPlan>),
    Queuing,
}

pub struct SendForm {
    pub kind: Kind,
    customers: Vec<i64>,
    /// Who it goes to, in words: "8 marked customers", "Atlas Networks".
    to: String,
    pub category: Category,
    subject: TextInput,
    body: TextInput,
    /// 0 category, 1 subject (email), 2 body.
    focus: usize,
    pub stage: Stage,
    pub error: Option<String>,
    /// Esc was pressed with something written: a second Esc drops it.
    confirm_discard: bool,
}

impl SendForm {
    pub fn new(kind: Kind, customers: Vec<i64>, to: String) -> SendForm {
        SendForm {
            kind,
            customers,
            to,
            category: Category::General,
            subject: TextInput::line(""),
            body: TextInput::lines(""),
            focus: if kind == Kind::Email { 1 } else { 2 },
            stage: Stage::Writing,
            error: None,
            confirm_discard: false,
        }
    }

    fn fields(&self) -> &'static [usize] {
        match self.kind {
            Kind::Email => &[0, 1, 2],
            Kind::Sms => &[0, 2],
        }
    }

    fn input(&mut self) -> Option<&mut TextInput> {
        match self.focus {
            1 => Some(&mut self.subject),
            2 => Some(&mut self.body),
            _ => None,
        }
    }

    fn template(&self) -> Template {
        Template {
            kind: self.kind,
            subject: self.subject.text(),
            body: self.body.text(),
        }
    }

    fn written(&self) -> bool {
        !self.subject.is_empty() || !self.body.is_empty()
    }

    fn next_field(&mut self, step: isize) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = fields.len() as isize;
        self.focus = fields[(at + step).rem_euclid(n) as usize];
    }

    fn submit(&mut self, cx: &mut Cx) {
        match std::mem::replace(&mut self.stage, Stage::Writing) {
            Stage::Writing => {
                if let Some((field, why)) = self.template().problem() {
                    self.error = Some(format!("{field}: {why}"));
                    return;
                }
                self.error = None;
                self.stage = Stage::Planning;
                cx.run(Effect::Mail(MailEffect::Plan {
                    customers: self.customers.clone(),
                    template: self.template(),
                    category: self.category,
                }));
            }
            Stage::Preview(plan) if plan.messages.is_empty() => {
                self.stage = Stage::Preview(plan);
            }
            Stage::Preview(plan) => {
                self.stage = Stage::Queuing;
                cx.run(Effect::Mail(MailEffect::Queue(plan)));
            }
            waiting => self.stage = waiting,
        }
    }
}

impl Screen for SendForm {
    fn context(&self) -> Context {
        Context::SendForm
    }

    /// ← → move in text; Enter is a new line in the body.
    fn wants_key(&self, key: &KeyEvent) -> bool {
        let writing = matches!(self.stage, Stage::Writing);
        match key.code {
            KeyCode::Left | KeyCode::Right => writing && self.focus != 0,
            KeyCode::Enter | KeyCode::Up | KeyCode::Down => writing && self.focus == 2,
            _ => false,
        }
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        self.confirm_discard = false;
        if !matches!(self.stage, Stage::Writing) {
            return;
        }
        if let Some(input) = self.input()
            && input.key(key)
        {
            self.error = None;
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        if matches!(self.stage, Stage::Writing)
            && let Some(input) = self.input()
        {
            input.paste(text);
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        let asked = std::mem::take(&mut self.confirm_discard);
        match action {
            // The messages are on their way to the outbox: dropping the form now would not
            // stop them, and would hide the answer. It closes the form or says why not.
            _ if matches!(self.stage, Stage::Queuing) => {}
            Action::Back if matches!(self.stage, Stage::Preview(_)) => self.stage = Stage::Writing,
            Action::Back if self.written() && !asked => self.confirm_discard = true,
            Action::Back => cx.close(),
            _ if !matches!(self.stage, Stage::Writing | Stage::Preview(_)) => {}
            Action::Submit => self.submit(cx),
            Action::NextField => self.next_field(1),
            Action::PrevField => self.next_field(-1),
            Action::Left | Action::Right if self.focus == 0 => {
                self.category = match self.category {
                    Category::General => Category::Financial,
                    Category::Financial => Category::General,
                };
            }
            _ => {}
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::Mail(MailReply::Planned(result)) if matches!(self.stage, Stage::Planning) => {
                match result {
                    Ok(plan) => self.stage = Stage::Preview(plan),
                    Err(why) => {
                        self.stage = Stage::Writing;
                        self.error = Some(why);
                    }
                }
            }
            Reply::Mail(MailReply::Queued(result)) if matches!(self.stage, Stage::Queuing) => {
                match result {
                    Ok(line) => {
                        cx.close();
                        cx.info(line);
                    }
                    Err(why) => {
                        self.stage = Stage::Writing;
                        self.error = Some(format!("Nothing queued: {why}"));
                    }
                }
            }
            other => return Some(other),
        }
        None
    }

    fn unsaved(&self) -> Option<&'static str> {
        self.written()
            .then_some("A message is written but not sent")
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        let rect = centered(area, 100, 24);
        frame.render_widget(Clear, rect);
        let block = Block::bordered().title(format!(
            " Send {} to the contacts of {} ",
            self.kind.label(),
            printable(&self.to)
        ));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let [fields, status] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(2)]).areas(inner);
        match &self.stage {
            Stage::Preview(plan) => draw_preview(frame, fields, self.kind, plan),
            _ => self.draw_fields(frame, fields),
        }
        let line = match (&self.stage, &self.error) {
            (Stage::Planning, _) => Line::from("Working out who gets it…"),
            (Stage::Queuing, _) => Line::from("Queuing…"),
            (_, Some(e)) => Line::styled(printable(e).into_owned(), Style::new().fg(Color::Red)),
            _ if self.confirm_discard => Line::styled(
                "Esc again drops what you wrote; any other key goes on writing.",
                Style::new().fg(Color::Yellow),
            ),
            (Stage::Preview(plan), _) if plan.messages.is_empty() => {
                Line::from("Nobody would get it · Esc back to the message")
            }
            (Stage::Preview(_), _) => Line::from("Ctrl-S queues it · Esc back to the message"),
            _ => Line::from(format!(
                "Ctrl-S preview · Tab next field · placeholders {}",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ")
            )),
        };
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), status);
    }
}

impl SendForm {
    fn draw_fields(&self, frame: &mut Frame, area: Rect) {
        const LABEL: u16 = 10;
        let [category, subject, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(if self.kind == Kind::Email { 2 } else { 0 }),
            Constraint::Min(1),
        ])
        .areas(area);
        if let Some(row) = field_rows::row(category, 0, LABEL, 40) {
            field_rows::label(frame, row.label, "To", self.focus == 0);
            let items: Vec<(&str, bool)> = Category::ALL
                .iter()
                .map(|c| (c.label(), *c == self.category))
                .collect();
            field_rows::ticks(frame, row.value, &items, None, false);
            field_rows::beside(frame, row.beside, None, Some("contacts receiving these"));
        }
        if self.kind == Kind::Email
            && let Some(row) =
                field_rows::row(subject, 0, LABEL, subject.width.saturating_sub(LABEL))
        {
            field_rows::label(frame, row.label, "Subject", self.focus == 1);
            field_rows::text(frame, row.value, &self.subject, self.focus == 1);
        }
        let [label, text] =
            Layout::horizontal([Constraint::Length(LABEL), Constraint::Min(1)]).areas(body);
        field_rows::label(
            frame,
            Rect { height: 1, ..label },
            "Message",
            self.focus == 2,
        );
        self.body.draw(
            frame,
            text,
            field_rows::focus_style(self.focus == 2),
            self.focus == 2,
        );
    }
}

fn draw_preview(frame: &mut Frame, area: Rect, kind: Kind, plan: &SendPlan) {
    let mut lines = vec![Line::from(format!(
        "{} of {} get it, each a message of their own{}.",
        count(plan.messages.len(), "contact"),
        count(plan.customers, "customer"),
        match (plan.without_address, kind) {
            (0, _) => String::new(),
            (n, Kind::Email) => format!(
                "; {} without an email address left out",
                count(n, "contact")
            ),
            (n, Kind::Sms) => format!("; {} without a mobile left out", count(n, "contact")),
        }
    ))];
    if let Some((to, subject, body)) = plan.first() {
        lines.push(Line::from(""));
        lines.push(Line::from(format!("The first, to {}:", printable(to))));
        if !subject.is_empty() {
            lines.push(Line::from(format!("Subject: {}", printable(subject))));
        }
        lines.extend(body.lines().map(|l| Line::from(printable(l).into_owned())));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
