//! Setting a SIP user's password (p on the SIP users tab): typed, masked and checked as it
//! is typed, or generated from the system's random source when the field is left empty.
//! A generated password is shown once, in a window of its own: only its digests are kept.

use super::prompt::draw_question;
use super::window::Window;
use crate::domain::sip_user::{GENERATED_LENGTH, MIN_PASSWORD, password_problem};
use crate::text::printable;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply, Secret, SipEffect, SipReply};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::widgets::input::TextInput;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

/// The window that shows a generated password, the one time it can be seen.
pub fn password_window(username: &str, password: &Secret) -> Window {
    Window::detail(
        format!("Password of SIP user {} (Esc closes)", printable(username)),
        format!(
            "{}\n\nCopy it into the phone or send it to the customer now: it is kept only as its digests, so it cannot be shown again. p on the SIP users tab sets a new one.",
            password.0
        ),
    )
}

pub struct SipPasswordScreen {
    pub id: i64,
    username: String,
    input: TextInput,
    /// Why the typed password will not do, or why the last save failed.
    pub error: Option<String>,
    /// Sent; the answer decides whether the screen closes.
    saving: bool,
}

impl SipPasswordScreen {
    pub fn new(id: i64, username: &str) -> SipPasswordScreen {
        SipPasswordScreen {
            id,
            username: username.to_string(),
            input: TextInput::masked(),
            error: None,
            saving: false,
        }
    }

    fn typed(&mut self, changed: bool) {
        if changed {
            let text = self.input.text();
            self.error = (!text.is_empty())
                .then(|| password_problem(&text))
                .flatten();
        }
    }

    fn submit(&mut self, cx: &mut Cx) {
        let text = self.input.text();
        if let Some(why) = (!text.is_empty())
            .then(|| password_problem(&text))
            .flatten()
        {
            self.error = Some(why);
            return;
        }
        self.saving = true;
        self.error = None;
        cx.run(Effect::Sip(SipEffect::SetPassword {
            id: self.id,
            typed: (!text.is_empty()).then_some(Secret(text)),
        }));
    }
}

impl Screen for SipPasswordScreen {
    fn context(&self) -> Context {
        Context::Prompt
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        if !self.saving {
            let changed = self.input.key(key);
            self.typed(changed);
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        if !self.saving {
            let changed = self.input.paste(text);
            self.typed(changed);
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        match action {
            // The answer is on its way: it closes the screen or says why not.
            _ if self.saving => {}
            Action::Back => cx.close(),
            Action::Submit => self.submit(cx),
            _ => {}
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::Sip(SipReply::PasswordSet { id, result }) if id == self.id => {
                self.saving = false;
                match result {
                    Ok(generated) => {
                        cx.close();
                        if let Some(password) = generated {
                            cx.open(password_window(&self.username, &password));
                        }
                        cx.info(format!(
                            "Password of SIP user {} set",
                            printable(&self.username)
                        ));
                    }
                    Err(why) => self.error = Some(format!("Not set: {why}")),
                }
                None
            }
            other => Some(other),
        }
    }

    fn unsaved(&self) -> Option<&'static str> {
        (!self.input.is_empty()).then_some("A typed SIP password is not saved")
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        let title = format!("Password of SIP user {}", printable(&self.username));
        let hint = if self.saving {
            "Saving…".to_string()
        } else {
            format!(
                "Type a password of at least {MIN_PASSWORD} characters, or leave the field empty: Enter then generates one of {GENERATED_LENGTH}, shown once. Esc cancels."
            )
        };
        let error = self.error.as_deref();
        draw_question(frame, area, &title, &self.input, &hint, error);
    }
}
