//! Setting a password: a SIP user's (p on the SIP users tab) or a contact's portal login
//! (P on the Contacts tab). Typed, masked and checked as it is typed, or generated from the
//! system's random source when the field is left empty. A generated password is shown
//! once, in a window of its own: only its digests or its hash are kept.

use super::prompt::draw_question;
use super::window::Window;
use crate::domain::{portal_password, sip_user};
use crate::text::printable;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{
    ContactEffect, ContactReply, Effect, NewPassword, Reply, Secret, SipEffect, SipReply,
};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::widgets::input::TextInput;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

/// Whose password is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    Sip {
        id: i64,
        username: String,
    },
    /// A contact's portal login: the typed password may contain neither the email's
    /// local part nor the customer's name.
    Contact {
        id: i64,
        name: String,
        email: String,
        customer: String,
    },
}

impl Holder {
    fn title(&self) -> String {
        match self {
            Holder::Sip { username, .. } => {
                format!("Password of SIP user {}", printable(username))
            }
            Holder::Contact { name, email, .. } => format!(
                "Portal password of {} (login {})",
                printable(name),
                printable(email)
            ),
        }
    }

    /// Why a typed password will not do, or None.
    fn problem(&self, typed: &str) -> Option<String> {
        match self {
            Holder::Sip { .. } => sip_user::password_problem(typed),
            Holder::Contact {
                email, customer, ..
            } => portal_password::problem(typed, email, customer),
        }
    }

    fn lengths(&self) -> (usize, usize) {
        match self {
            Holder::Sip { .. } => (sip_user::MIN_PASSWORD, sip_user::GENERATED_LENGTH),
            Holder::Contact { .. } => (
                portal_password::MIN_LENGTH,
                portal_password::GENERATED_LENGTH,
            ),
        }
    }

    fn effect(&self, typed: Option<Secret>) -> Effect {
        match self {
            Holder::Sip { id, .. } => Effect::Sip(SipEffect::SetPassword { id: *id, typed }),
            Holder::Contact { id, .. } => Effect::Contact(ContactEffect::SetPassword {
                id: *id,
                password: typed.map_or(NewPassword::Generate, NewPassword::Typed),
            }),
        }
    }

    /// The window that shows a generated password, the one time it can be seen.
    pub fn window(&self, password: &Secret) -> Window {
        let (title, text) = match self {
            Holder::Sip { username, .. } => (
                format!("Password of SIP user {} (Esc closes)", printable(username)),
                "Copy it into the phone or send it to the customer now: it is kept only as its digests, so it cannot be shown again. p on the SIP users tab sets a new one.",
            ),
            Holder::Contact { name, email, .. } => (
                format!(
                    "Portal password of {} (login {}) (Esc closes)",
                    printable(name),
                    printable(email)
                ),
                "Read it out to the contact now: it is kept only as its hash, so it cannot be shown again. P on the Contacts tab sets a new one.",
            ),
        };
        Window::detail(title, format!("{}\n\n{text}", password.0))
    }
}

pub struct PasswordScreen {
    pub holder: Holder,
    input: TextInput,
    /// Why the typed password will not do, or why the last save failed.
    pub error: Option<String>,
    /// Sent; the answer decides whether the screen closes.
    saving: bool,
    /// What was sent is a mailed password (the status line says so).
    mailed: bool,
}

impl PasswordScreen {
    pub fn new(holder: Holder) -> PasswordScreen {
        PasswordScreen {
            holder,
            input: TextInput::masked(),
            error: None,
            saving: false,
            mailed: false,
        }
    }

    fn problem(&self) -> Option<String> {
        let text = self.input.text();
        (!text.is_empty())
            .then(|| self.holder.problem(&text))
            .flatten()
    }

    /// A contact's password generated and mailed to it, never shown here.
    fn mail(&mut self, cx: &mut Cx) {
        let Holder::Contact { id, .. } = &self.holder else {
            return;
        };
        self.saving = true;
        self.mailed = true;
        self.error = None;
        cx.run(Effect::Contact(ContactEffect::MailPassword(*id)));
    }

    fn submit(&mut self, cx: &mut Cx) {
        if let Some(why) = self.problem() {
            self.error = Some(why);
            return;
        }
        let text = self.input.text();
        self.saving = true;
        self.mailed = false;
        self.error = None;
        cx.run(
            self.holder
                .effect((!text.is_empty()).then_some(Secret(text))),
        );
    }
}

impl Screen for PasswordScreen {
    fn context(&self) -> Context {
        Context::Prompt
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        if !self.saving && self.input.key(key) {
            self.error = self.problem();
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        if !self.saving && self.input.paste(text) {
            self.error = self.problem();
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        match action {
            // The answer is on its way: it closes the screen or says why not.
            _ if self.saving => {}
            Action::Back => cx.close(),
            Action::Submit => self.submit(cx),
            Action::MailPassword => self.mail(cx),
            _ => {}
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        // Only the answer to this holder's save.
        let result = match (&self.holder, reply) {
            (Holder::Sip { id: mine, .. }, Reply::Sip(SipReply::PasswordSet { id, result }))
            | (
                Holder::Contact { id: mine, .. },
                Reply::Contact(ContactReply::PasswordSet { id, result }),
            ) if id == *mine => result,
            (_, other) => return Some(other),
        };
        self.saving = false;
        match result {
            Ok(generated) => {
                cx.close();
                if let Some(password) = generated {
                    cx.open(self.holder.window(&password));
                }
                let how = if self.mailed {
                    ", and mailed to the contact"
                } else {
                    ""
                };
                cx.info(format!("{} set{how}", self.holder.title()));
            }
            Err(why) => self.error = Some(format!("Not set: {why}")),
        }
        None
    }

    fn unsaved(&self) -> Option<&'static str> {
        (!self.input.is_empty()).then_some("A typed password is not saved")
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        let hint = if self.saving {
            "Saving…".to_string()
        } else {
            let (min, generated) = self.holder.lengths();
            let mail = match self.holder {
                Holder::Contact { .. } => {
                    " Ctrl-G generates one and mails it to the contact instead."
                }
                Holder::Sip { .. } => "",
            };
            format!(
                "Type a password of at least {min} characters, or leave the field empty: Enter then generates one of {generated}, shown once.{mail} Esc cancels."
            )
        };
        let error = self.error.as_deref();
        draw_question(frame, area, &self.holder.title(), &self.input, &hint, error);
    }
}
