//! The contact form's state: the fields as text (`ContactDraft`), checked as they are
//! typed by the domain's rules (the command line's words), with phone numbers read in the
//! default country; and, when adding, the portal password set with the login.

use super::view;
use crate::domain::contact::{Category, check_notes_against, field_label};
use crate::domain::{Contact, ContactDraft, ContactSpec, FieldError, phone, portal_password};
use crate::tui::msg::{ContactEffect, ContactReply, Effect, NewPassword, Reply, Secret};
use crate::tui::screen::Cx;
use crate::tui::screens::field_form::{FieldModel, FormCore};
use crate::tui::screens::password::Holder;
use crate::tui::widgets::input::TextInput;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactField {
    Name,
    Email,
    Phone,
    Mobile,
    Type,
    Messages,
    Whitelist,
    PublicNotes,
    PrivateNotes,
    EmailVerified,
    MobileVerified,
    /// Adding only: the portal password set with the login.
    Password,
}

impl ContactField {
    /// The name the rules give the field (`FieldError::field`).
    pub fn name(self) -> &'static str {
        match self {
            ContactField::Name => "name",
            ContactField::Email => "email",
            ContactField::Phone => "phone",
            ContactField::Mobile => "mobile",
            ContactField::Type => "type",
            ContactField::Messages => "categories",
            ContactField::Whitelist => "portal_whitelist",
            ContactField::PublicNotes => "public_notes",
            ContactField::PrivateNotes => "private_notes",
            ContactField::EmailVerified => "email_verified",
            ContactField::MobileVerified => "mobile_verified",
            ContactField::Password => "password",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactField::Password => "Portal password",
            f => field_label(f.name()),
        }
    }
}

const FIELDS: [ContactField; 12] = [
    ContactField::Name,
    ContactField::Email,
    ContactField::Phone,
    ContactField::Mobile,
    ContactField::Type,
    ContactField::Messages,
    ContactField::Whitelist,
    ContactField::PublicNotes,
    ContactField::PrivateNotes,
    ContactField::EmailVerified,
    ContactField::MobileVerified,
    ContactField::Password,
];

/// How a new contact's portal password is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordMode {
    /// No login yet (P on the Contacts tab sets one later).
    None,
    /// From the system's random source, shown once after the save.
    Generate,
    /// Typed here, masked.
    Typed,
}

impl PasswordMode {
    const ALL: [PasswordMode; 3] = [
        PasswordMode::None,
        PasswordMode::Generate,
        PasswordMode::Typed,
    ];
}

/// What the form needs to know of the customer: whose contact it is, and what its rules
/// depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub customer: i64,
    /// A typed portal password may not contain it.
    pub name: String,
    /// The `default_country` setting: national phone numbers are read as its.
    pub country: Option<String>,
}

pub struct ContactForm {
    pub owner: Owner,
    /// The contact as loaded (None when adding): its version is what the save checks.
    pub original: Option<Contact>,
    pub draft: ContactDraft,
    inputs: [TextInput; 8],
    pub password: TextInput,
    pub mode: PasswordMode,
    /// The category under the cursor on the Messages line, an index into `Category::ALL`.
    pub category: usize,
    /// The focus, the rules' verdicts and the save flow.
    pub core: FormCore<Contact>,
}

/// The fields typed as text, in the order of `ContactForm::inputs`.
const TEXT_FIELDS: [ContactField; 8] = [
    ContactField::Name,
    ContactField::Email,
    ContactField::Phone,
    ContactField::Mobile,
    ContactField::Type,
    ContactField::Whitelist,
    ContactField::PublicNotes,
    ContactField::PrivateNotes,
];

impl ContactForm {
    pub fn add(owner: Owner) -> ContactForm {
        ContactForm::with(owner, None, ContactDraft::default())
    }

    pub fn edit(owner: Owner, contact: &Contact) -> ContactForm {
        let draft = ContactDraft::from(&contact.spec);
        ContactForm::with(owner, Some(contact.clone()), draft)
    }

    fn with(owner: Owner, original: Option<Contact>, draft: ContactDraft) -> ContactForm {
        let mut d = draft.clone();
        let inputs =
            TEXT_FIELDS.map(|f| TextInput::line(d.text_mut(f.name()).map_or("", |t| t.as_str())));
        let mut form = ContactForm {
            owner,
            original,
            draft,
            inputs,
            password: TextInput::masked(),
            mode: PasswordMode::None,
            category: 0,
            core: FormCore::default(),
        };
        form.revalidate();
        form
    }

    /// A phone number as it will be stored, when it reads as one and differs from what is
    /// typed: the operator sees the country it was read in.
    pub fn stored_as(&self, f: ContactField) -> Option<String> {
        let typed = match f {
            ContactField::Phone => &self.draft.phone,
            ContactField::Mobile => &self.draft.mobile,
            _ => return None,
        };
        let e164 = phone::normalize(typed, self.owner.country.as_deref()).ok()?;
        (!e164.is_empty() && e164 != typed.trim()).then_some(e164)
    }

    pub fn categories(&self) -> Vec<Category> {
        Category::parse_list(&self.draft.categories).unwrap_or_default()
    }

    fn cycle_mode(&mut self, forward: bool) {
        let all = PasswordMode::ALL;
        let i = all.iter().position(|m| *m == self.mode).unwrap_or(0);
        let n = all.len();
        self.mode = all[(i + if forward { 1 } else { n - 1 }) % n];
        self.changed();
    }

    fn changed(&mut self) {
        self.core.flow.edited();
        self.revalidate();
    }

    /// The password typed for a new contact, when Typed is chosen.
    pub fn typed_password(&self) -> Option<String> {
        (self.is_new() && self.mode == PasswordMode::Typed).then(|| self.password.text())
    }

    /// The rules' verdict on `draft`, as the service will check it: an edit keeps a stored
    /// number nobody touched even if it does not read as one.
    fn checked(&self, draft: &ContactDraft) -> Result<ContactSpec, Vec<FieldError>> {
        let country = self.owner.country.as_deref();
        match &self.original {
            Some(k) => draft.validate_edit(country, &k.spec),
            None => draft.validate(country),
        }
    }

    fn revalidate(&mut self) {
        let (mut errors, spec) = match self.checked(&self.draft) {
            Ok(spec) => (Vec::new(), Some(spec)),
            Err(errors) => (errors, None),
        };
        if let Some(typed) = self.typed_password() {
            let why = if typed.is_empty() {
                Some("type it, or choose Generate or None".to_string())
            } else {
                portal_password::problem(&typed, &self.draft.email, &self.owner.name)
            };
            match why {
                Some(why) => errors.push(FieldError {
                    field: "password",
                    message: format!("Portal password: {why}"),
                }),
                None => {
                    if let Some(e) = spec.and_then(|s| check_notes_against(&s, &typed).err()) {
                        errors.push(e);
                    }
                }
            }
        }
        self.core.errors = errors;
    }

    /// After "Save and Stay": a fresh form when adding, the saved contact when editing, at
    /// the same field.
    pub fn stay_after(&mut self, saved: &Contact) {
        let focus = self.core.focus;
        let owner = self.owner.clone();
        *self = if self.is_new() {
            ContactForm::add(owner)
        } else {
            ContactForm::edit(owner, saved)
        };
        self.core.focus = focus;
    }

    /// The fields each side changed from what was loaded: (label, yours, theirs).
    pub fn conflicting(&self, theirs: &Contact) -> Vec<(&'static str, String, String)> {
        let before = self
            .original
            .as_ref()
            .map_or_else(ContactDraft::default, |k| ContactDraft::from(&k.spec));
        let theirs = ContactDraft::from(&theirs.spec);
        crate::domain::contact::FIELDS
            .into_iter()
            .filter_map(|name| {
                let (mine, then, their) =
                    (self.draft.text(name), before.text(name), theirs.text(name));
                (mine != then || their != then).then(|| (field_label(name), mine, their))
            })
            .collect()
    }
}

impl FieldModel for ContactForm {
    type Field = ContactField;
    type Saved = Contact;

    fn core(&self) -> &FormCore<Contact> {
        &self.core
    }

    fn core_mut(&mut self) -> &mut FormCore<Contact> {
        &mut self.core
    }

    const FIELDS: &'static [ContactField] = &FIELDS;

    fn original(&self) -> Option<&Contact> {
        self.original.as_ref()
    }

    fn name_of(field: ContactField) -> &'static str {
        field.name()
    }

    fn customer(&self) -> i64 {
        self.owner.customer
    }

    fn is_valid(&self) -> bool {
        self.core.errors.is_empty()
    }

    /// The text field of `f`, if it is typed in (the password, when typed).
    fn input(&self, f: ContactField) -> Option<&TextInput> {
        match f {
            ContactField::Password if self.mode == PasswordMode::Typed => Some(&self.password),
            f => TEXT_FIELDS
                .iter()
                .position(|t| *t == f)
                .map(|i| &self.inputs[i]),
        }
    }

    fn input_mut(&mut self, f: ContactField) -> Option<&mut TextInput> {
        match f {
            ContactField::Password if self.mode == PasswordMode::Typed => Some(&mut self.password),
            f => TEXT_FIELDS
                .iter()
                .position(|t| *t == f)
                .map(|i| &mut self.inputs[i]),
        }
    }

    /// The focused input's text into the draft (the password stays in its input).
    fn typed(&mut self, f: ContactField) {
        if f != ContactField::Password
            && let Some(text) = self.input(f).map(TextInput::text)
            && let Some(field) = self.draft.text_mut(f.name())
        {
            *field = text;
        }
        self.changed();
    }

    /// ← → on the focused field: the next category or password mode, flip a yes/no, or
    /// move in text.
    fn step(&mut self, forward: bool, key: KeyEvent) {
        match self.focused() {
            ContactField::Messages => {
                let n = Category::ALL.len();
                self.category = (self.category + if forward { 1 } else { n - 1 }) % n;
            }
            ContactField::EmailVerified | ContactField::MobileVerified => self.toggle(),
            // Typed text takes the arrows once there is some.
            ContactField::Password
                if self.mode != PasswordMode::Typed || self.password.is_empty() =>
            {
                self.cycle_mode(forward);
            }
            _ => self.key(key),
        }
    }

    /// Space: tick or untick the category under the cursor, or flip a yes/no.
    fn toggle(&mut self) {
        match self.focused() {
            ContactField::Messages => {
                let c = Category::ALL[self.category];
                let mut list = self.categories();
                match list.iter().position(|x| *x == c) {
                    Some(i) => {
                        list.remove(i);
                    }
                    None => list.push(c),
                }
                list.sort_by_key(|x| Category::ALL.iter().position(|a| a == x));
                self.draft.categories = Category::list_text(&list);
            }
            ContactField::EmailVerified => self.draft.email_verified = !self.draft.email_verified,
            ContactField::MobileVerified => {
                self.draft.mobile_verified = !self.draft.mobile_verified;
            }
            _ => return,
        }
        self.changed();
    }

    /// Whether anything differs from what was loaded (or from a blank form).
    fn is_dirty(&self) -> bool {
        let before = self
            .original
            .as_ref()
            .map_or_else(ContactDraft::default, |k| ContactDraft::from(&k.spec));
        let fields = match (self.checked(&self.draft), self.checked(&before)) {
            // Checked values compare what they mean: "+44 20 7946 0018" is what is stored.
            (Ok(now), Ok(then)) => now != then,
            _ => self.draft != before,
        };
        fields || (self.is_new() && self.mode != PasswordMode::None)
    }

    /// "Reload" in a conflict: their version, our edits dropped.
    fn take_theirs(&mut self) {
        if let Some(theirs) = self.core.flow.conflict.take() {
            let focus = self.core.focus;
            *self = ContactForm::edit(self.owner.clone(), &theirs);
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
        let before = ContactDraft::from(&original.spec);
        let mut merged = ContactDraft::from(&theirs.spec);
        for name in crate::domain::contact::FIELDS {
            let (mine, then) = (self.draft.text(name), before.text(name));
            if mine != then {
                // The text as ours has it: set can only fail for an unknown name.
                let _ = merged.set(name, &mine);
            }
        }
        let focus = self.core.focus;
        *self = ContactForm::with(self.owner.clone(), Some(*theirs), merged);
        self.core.focus = focus;
    }

    fn what(&self) -> String {
        format!("contact {}", self.draft.name.trim())
    }

    fn save_effect(&self, stay: bool) -> Effect {
        let password = match self.mode {
            _ if !self.is_new() => None,
            PasswordMode::None => None,
            PasswordMode::Generate => Some(NewPassword::Generate),
            PasswordMode::Typed => Some(NewPassword::Typed(Secret(self.password.text()))),
        };
        Effect::Contact(ContactEffect::Save {
            customer: self.owner.customer,
            edit: self.original.as_ref().map(|k| (k.id, k.version)),
            draft: Box::new(self.draft.clone()),
            password,
            stay,
        })
    }

    fn take_answer(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        let Reply::Contact(ContactReply::Saved { result, stay }) = reply else {
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
        let k = &saved.contact;
        let primary = if k.is_primary && self.is_new() {
            ", the customer's primary contact"
        } else {
            ""
        };
        let line = format!("Saved contact {}{primary}", k.spec.name);
        if stay {
            self.stay_after(k);
        } else {
            cx.close();
        }
        if let Some(password) = &saved.generated {
            let holder = Holder::Contact {
                id: k.id,
                name: k.spec.name.clone(),
                email: k.spec.email.clone(),
                customer: self.owner.name.clone(),
            };
            cx.open(holder.window(password));
        }
        cx.info(line);
        None
    }

    fn unsaved_line(&self) -> &'static str {
        "The contact form has unsaved changes"
    }

    fn draw(&self, frame: &mut Frame, area: Rect) {
        view::draw(frame, area, self);
    }
}
