//! The SIP user form's state: the web console's fields as text (`SipUserDraft`), checked
//! as they are typed by the domain's `validate`, the same rules and words as the command
//! line.

use super::view;
use crate::domain::sip_user::{Codec, NatPing, Protocol};
use crate::domain::{SipUser, SipUserDraft};
use crate::tui::msg::{Effect, Reply, SipEffect, SipReply};
use crate::tui::screen::Cx;
use crate::tui::screens::field_form::{FieldModel, FormCore};
use crate::tui::screens::password::Holder;
use crate::tui::widgets::input::TextInput;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SipField {
    Username,
    Channels,
    Cps,
    Protocol,
    Whitelist,
    NatPing,
    Codecs,
    /// Adding only: whether a password is generated with it.
    Password,
}

impl SipField {
    /// The name the rules give the field (`FieldError::field`).
    pub fn name(self) -> &'static str {
        match self {
            SipField::Username => "username",
            SipField::Channels => "channels",
            SipField::Cps => "cps",
            SipField::Protocol => "protocol",
            SipField::Whitelist => "ip_whitelist",
            SipField::NatPing => "nat_ping",
            SipField::Codecs => "codecs",
            SipField::Password => "password",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SipField::Username => "Username",
            SipField::Channels => "Channels",
            SipField::Cps => "Flow speed (CPS)",
            SipField::Protocol => "Protocol",
            SipField::Whitelist => "IP whitelist",
            SipField::NatPing => "NAT ping",
            SipField::Codecs => "Codecs",
            SipField::Password => "Password",
        }
    }

    /// The field's text in a draft (None for the password choice, which is no text).
    fn text(self, draft: &SipUserDraft) -> Option<&String> {
        Some(match self {
            SipField::Username => &draft.username,
            SipField::Channels => &draft.channels,
            SipField::Cps => &draft.cps,
            SipField::Protocol => &draft.protocol,
            SipField::Whitelist => &draft.whitelist,
            SipField::NatPing => &draft.nat_ping,
            SipField::Codecs => &draft.codecs,
            SipField::Password => return None,
        })
    }

    fn text_mut(self, draft: &mut SipUserDraft) -> Option<&mut String> {
        Some(match self {
            SipField::Username => &mut draft.username,
            SipField::Channels => &mut draft.channels,
            SipField::Cps => &mut draft.cps,
            SipField::Protocol => &mut draft.protocol,
            SipField::Whitelist => &mut draft.whitelist,
            SipField::NatPing => &mut draft.nat_ping,
            SipField::Codecs => &mut draft.codecs,
            SipField::Password => return None,
        })
    }
}

const FIELDS: [SipField; 8] = [
    SipField::Username,
    SipField::Channels,
    SipField::Cps,
    SipField::Protocol,
    SipField::Whitelist,
    SipField::NatPing,
    SipField::Codecs,
    SipField::Password,
];

/// The NAT ping's three settings; the seconds are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PingMode {
    Disabled,
    Enabled,
    Every,
}

pub struct SipUserForm {
    pub customer: i64,
    /// The SIP user as loaded (None when adding): its version is what the save checks.
    pub original: Option<SipUser>,
    pub draft: SipUserDraft,
    username: TextInput,
    channels: TextInput,
    cps: TextInput,
    whitelist: TextInput,
    /// The NAT ping's seconds, kept while another mode is chosen.
    seconds: TextInput,
    pub ping: PingMode,
    /// Adding: a password is generated with the SIP user and shown once.
    pub generate: bool,
    /// The codec under the cursor on the Codecs line, an index into `Codec::ALL`.
    pub codec: usize,
    /// The focus, the rules' verdicts and the save flow.
    pub core: FormCore<SipUser>,
}

impl SipUserForm {
    /// A new SIP user of `customer`; `generate` is where the password choice starts.
    pub fn add(customer: i64, generate: bool) -> SipUserForm {
        SipUserForm::with(customer, None, SipUserDraft::default(), generate)
    }

    pub fn edit(user: &SipUser) -> SipUserForm {
        let draft = SipUserDraft::from(&user.spec);
        SipUserForm::with(user.customer_id, Some(user.clone()), draft, false)
    }

    fn with(
        customer: i64,
        original: Option<SipUser>,
        draft: SipUserDraft,
        generate: bool,
    ) -> SipUserForm {
        let (ping, seconds) = match NatPing::parse(&draft.nat_ping) {
            Ok(NatPing::Disabled) => (PingMode::Disabled, "30".to_string()),
            Ok(NatPing::Enabled) => (PingMode::Enabled, "30".to_string()),
            _ => (PingMode::Every, draft.nat_ping.clone()),
        };
        let mut form = SipUserForm {
            customer,
            original,
            username: TextInput::line(&draft.username),
            channels: TextInput::line(&draft.channels),
            cps: TextInput::line(&draft.cps),
            whitelist: TextInput::line(&draft.whitelist),
            seconds: TextInput::line(&seconds),
            draft,
            ping,
            generate,
            codec: 0,
            core: FormCore::default(),
        };
        form.revalidate();
        form
    }

    /// The codecs allowed now, in order of preference.
    pub fn codecs(&self) -> Vec<Codec> {
        Codec::parse_list(&self.draft.codecs).unwrap_or_default()
    }

    fn changed(&mut self) {
        self.core.flow.edited();
        self.revalidate();
    }

    fn revalidate(&mut self) {
        self.core.errors = self.draft.validate().err().unwrap_or_default();
    }

    /// After "Save and Stay": a fresh form when adding (the password choice kept), the
    /// saved SIP user when editing, at the same field.
    pub fn stay_after(&mut self, saved: &SipUser) {
        let focus = self.core.focus;
        *self = if self.is_new() {
            SipUserForm::add(self.customer, self.generate)
        } else {
            SipUserForm::edit(saved)
        };
        self.core.focus = focus;
    }

    /// The fields each side changed from what was loaded: (field, yours, theirs).
    pub fn conflicting(&self, theirs: &SipUser) -> Vec<(SipField, String, String)> {
        let before = self
            .original
            .as_ref()
            .map_or_else(SipUserDraft::default, |u| SipUserDraft::from(&u.spec));
        let theirs = SipUserDraft::from(&theirs.spec);
        FIELDS
            .into_iter()
            .filter_map(|f| {
                let (mine, then, their) =
                    (f.text(&self.draft)?, f.text(&before)?, f.text(&theirs)?);
                (mine != then || their != then).then(|| (f, mine.clone(), their.clone()))
            })
            .collect()
    }
}

impl FieldModel for SipUserForm {
    type Field = SipField;
    type Saved = SipUser;

    fn core(&self) -> &FormCore<SipUser> {
        &self.core
    }

    fn core_mut(&mut self) -> &mut FormCore<SipUser> {
        &mut self.core
    }

    const FIELDS: &'static [SipField] = &FIELDS;

    fn original(&self) -> Option<&SipUser> {
        self.original.as_ref()
    }

    fn name_of(field: SipField) -> &'static str {
        field.name()
    }

    fn customer(&self) -> i64 {
        self.customer
    }

    fn is_valid(&self) -> bool {
        self.draft.validate().is_ok()
    }

    /// The text field of `f`, if it is typed in (the NAT ping's seconds, when chosen).
    fn input(&self, f: SipField) -> Option<&TextInput> {
        match f {
            SipField::Username => Some(&self.username),
            SipField::Channels => Some(&self.channels),
            SipField::Cps => Some(&self.cps),
            SipField::Whitelist => Some(&self.whitelist),
            SipField::NatPing if self.ping == PingMode::Every => Some(&self.seconds),
            _ => None,
        }
    }

    fn input_mut(&mut self, f: SipField) -> Option<&mut TextInput> {
        match f {
            SipField::Username => Some(&mut self.username),
            SipField::Channels => Some(&mut self.channels),
            SipField::Cps => Some(&mut self.cps),
            SipField::Whitelist => Some(&mut self.whitelist),
            SipField::NatPing if self.ping == PingMode::Every => Some(&mut self.seconds),
            _ => None,
        }
    }

    fn typed(&mut self, f: SipField) {
        if let Some(text) = self.input(f).map(TextInput::text)
            && let Some(field) = f.text_mut(&mut self.draft)
        {
            *field = text;
        }
        self.changed();
    }

    /// ← → on the focused field: the next protocol, NAT ping mode or codec, flip the
    /// password choice, or move in text.
    fn step(&mut self, forward: bool, key: KeyEvent) {
        let cycle = |i: usize, n: usize| {
            if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }
        };
        match self.focused() {
            SipField::Protocol => {
                let all = Protocol::ALL;
                let i = Protocol::parse(&self.draft.protocol)
                    .ok()
                    .and_then(|p| all.iter().position(|x| *x == p))
                    .unwrap_or(0);
                self.draft.protocol = all[cycle(i, all.len())].key().into();
                self.changed();
            }
            SipField::NatPing => {
                let all = [PingMode::Disabled, PingMode::Enabled, PingMode::Every];
                let i = all.iter().position(|m| *m == self.ping).unwrap_or(0);
                self.ping = all[cycle(i, all.len())];
                self.draft.nat_ping = match self.ping {
                    PingMode::Disabled => NatPing::Disabled.text(),
                    PingMode::Enabled => NatPing::Enabled.text(),
                    PingMode::Every => self.seconds.text(),
                };
                self.changed();
            }
            SipField::Codecs => self.codec = cycle(self.codec, Codec::ALL.len()),
            SipField::Password => self.toggle(),
            _ => self.key(key),
        }
    }

    /// Space: allow or refuse the codec under the cursor (a newly allowed one is the last
    /// preferred), or flip the password choice.
    fn toggle(&mut self) {
        match self.focused() {
            SipField::Codecs => {
                let codec = Codec::ALL[self.codec];
                let mut codecs = self.codecs();
                match codecs.iter().position(|c| *c == codec) {
                    Some(i) => {
                        codecs.remove(i);
                    }
                    None => codecs.push(codec),
                }
                self.draft.codecs = Codec::list_text(&codecs);
                self.changed();
            }
            SipField::Password => {
                self.generate = !self.generate;
                self.changed();
            }
            _ => {}
        }
    }

    /// Whether anything differs from what was loaded (or from a blank form).
    fn is_dirty(&self) -> bool {
        let before = self
            .original
            .as_ref()
            .map_or_else(SipUserDraft::default, |u| SipUserDraft::from(&u.spec));
        match (self.draft.validate(), before.validate()) {
            // Checked values compare what they mean: "1, 2" and "1,2" are the same list.
            (Ok(now), Ok(then)) => now != then,
            _ => self.draft != before,
        }
    }

    /// "Reload" in a conflict: their version, our edits dropped.
    fn take_theirs(&mut self) {
        if let Some(theirs) = self.core.flow.conflict.take() {
            let focus = self.core.focus;
            *self = SipUserForm::edit(&theirs);
            self.core.focus = focus;
        }
    }

    /// "Overwrite" in a conflict: the fields we changed on top of their version, so that
    /// a field only they changed keeps their value; the next save expects their version.
    fn ours_over_theirs(&mut self) {
        let (Some(original), Some(theirs)) = (self.original.take(), self.core.flow.conflict.take())
        else {
            return;
        };
        let before = SipUserDraft::from(&original.spec);
        let mut merged = SipUserDraft::from(&theirs.spec);
        for f in FIELDS {
            if let (Some(mine), Some(then), Some(out)) = (
                f.text(&self.draft),
                f.text(&before),
                f.text_mut(&mut merged),
            ) && mine != then
            {
                out.clone_from(mine);
            }
        }
        let focus = self.core.focus;
        *self = SipUserForm::with(theirs.customer_id, Some(*theirs), merged, false);
        self.core.focus = focus;
    }

    fn what(&self) -> String {
        format!("SIP user {}", self.draft.username.trim())
    }

    fn save_effect(&self, stay: bool) -> Effect {
        Effect::Sip(SipEffect::Save {
            customer: self.customer,
            edit: self.original.as_ref().map(|u| (u.id, u.version)),
            draft: self.draft.clone(),
            generate: self.is_new() && self.generate,
            stay,
        })
    }

    fn take_answer(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        let Reply::Sip(SipReply::Saved { result, stay }) = reply else {
            return Some(reply);
        };
        self.core.flow.saving = false;
        let saved = match result {
            Ok(saved) => saved,
            Err(e) => {
                self.refused(e);
                return None;
            }
        };
        let user = &saved.user;
        let cleared = if saved.password_cleared {
            "; its password was cleared, as the username changed: p sets a new one"
        } else {
            ""
        };
        let line = format!("Saved SIP user {}{cleared}", user.spec.username);
        if stay {
            self.stay_after(user);
        } else {
            cx.close();
        }
        if let Some(password) = &saved.generated {
            let holder = Holder::Sip {
                id: user.id,
                username: user.spec.username.clone(),
            };
            cx.open(holder.window(password));
        }
        cx.info(line);
        None
    }

    fn unsaved_line(&self) -> &'static str {
        "The SIP user form has unsaved changes"
    }

    fn draw(&self, frame: &mut Frame, area: Rect) {
        view::draw(frame, area, self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyCode;
    use crossterm::event::KeyModifiers;

    fn press(form: &mut SipUserForm, code: KeyCode) {
        form.key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    #[test]
    fn every_field_edits_its_own_way_and_is_checked_as_typed() {
        let mut f = SipUserForm::add(1, true);
        assert!(
            f.error(SipField::Username).is_some(),
            "a username is required"
        );
        for c in "1001".chars() {
            press(&mut f, KeyCode::Char(c));
        }
        assert!(f.core.errors.is_empty(), "{:?}", f.core.errors);
        f.focus_on("protocol");
        let right = KeyEvent::new(KeyCode::Right, KeyModifiers::NONE);
        f.step(true, right);
        assert_eq!(f.draft.protocol, "tcp");
        f.focus_on("nat_ping");
        f.step(true, right);
        f.step(true, right);
        assert_eq!((f.ping, f.draft.nat_ping.as_str()), (PingMode::Every, "30"));
        press(&mut f, KeyCode::Backspace);
        press(&mut f, KeyCode::Backspace);
        press(&mut f, KeyCode::Char('0'));
        assert!(
            f.error(SipField::NatPing).is_some(),
            "0 seconds is no interval"
        );
        f.focus_on("codecs");
        f.toggle(); // a-law off
        f.step(true, right);
        f.toggle(); // u-law off: none left
        assert!(
            f.error(SipField::Codecs)
                .unwrap()
                .contains("at least one codec")
        );
        f.step(true, right);
        press(&mut f, KeyCode::Char(' ')); // G.729 on
        assert_eq!(f.draft.codecs, "g729");
        f.focus_on("password");
        press(&mut f, KeyCode::Char(' '));
        assert!(!f.generate);
    }

    #[test]
    fn overwrite_keeps_the_fields_only_they_changed() {
        let spec = SipUserDraft {
            username: "1001".into(),
            ..SipUserDraft::default()
        }
        .validate()
        .unwrap();
        let user = SipUser {
            id: 7,
            customer_id: 1,
            spec,
            password_realm: None,
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let mut f = SipUserForm::edit(&user);
        f.focus_on("channels");
        press(&mut f, KeyCode::Backspace);
        press(&mut f, KeyCode::Char('2'));
        let mut theirs = user.clone();
        theirs.spec.cps = 5;
        theirs.version = 2;
        f.core.flow.conflict = Some(Box::new(theirs));
        let shown = f.conflicting(f.core.flow.conflict.as_deref().unwrap());
        let names: Vec<&str> = shown.iter().map(|(field, ..)| field.name()).collect();
        assert_eq!(names, ["channels", "cps"]);
        f.ours_over_theirs();
        assert_eq!(
            (f.draft.channels.as_str(), f.draft.cps.as_str()),
            ("2", "5")
        );
        assert_eq!(f.original.as_ref().unwrap().version, 2);
        assert!(f.core.flow.conflict.is_none());
    }
}
