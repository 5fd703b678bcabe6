//! The contact form's state: the fields as text (`ContactDraft`), checked as they are
//! typed by the domain's rules (the command line's words), with phone numbers read in the
//! default country; and, when adding, the portal password set with the login.

use crate::domain::contact::{Category, check_notes_against, field_label};
use crate::domain::{Contact, ContactDraft, FieldError, phone, portal_password};
use crate::tui::screens::field_form::FieldModel;
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::save_flow::SaveFlow;
use crossterm::event::{KeyCode, KeyEvent};

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
    /// Index of the focused field in `fields()`.
    pub focus: usize,
    /// The category under the cursor on the Messages line, an index into `Category::ALL`.
    pub category: usize,
    /// The rules' verdict on what is typed now, and the service's refusals.
    pub errors: Vec<FieldError>,
    pub flow: SaveFlow<Contact>,
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
            focus: 0,
            category: 0,
            errors: Vec::new(),
            flow: SaveFlow::default(),
        };
        form.revalidate();
        form
    }

    pub fn is_new(&self) -> bool {
        self.original.is_none()
    }

    /// The fields shown: the password only when adding (an existing contact's is changed
    /// with P on the tab).
    pub fn fields(&self) -> &'static [ContactField] {
        if self.is_new() {
            &FIELDS
        } else {
            &FIELDS[..FIELDS.len() - 1]
        }
    }

    /// The text field of `f`, if it is typed in (the password, when typed).
    pub fn input(&self, f: ContactField) -> Option<&TextInput> {
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

    /// Whether the focused field takes typed text (a space too).
    pub fn typing(&self) -> bool {
        self.input(self.focused()).is_some()
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

    /// ← → on the focused field: the next category or password mode, flip a yes/no, or
    /// move in text.
    pub fn step(&mut self, forward: bool, key: KeyEvent) {
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

    fn cycle_mode(&mut self, forward: bool) {
        let all = PasswordMode::ALL;
        let i = all.iter().position(|m| *m == self.mode).unwrap_or(0);
        let n = all.len();
        self.mode = all[(i + if forward { 1 } else { n - 1 }) % n];
        self.changed();
    }

    /// Space: tick or untick the category under the cursor, or flip a yes/no.
    pub fn toggle(&mut self) {
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

    /// A key for the focused text field; Space elsewhere toggles.
    pub fn key(&mut self, key: KeyEvent) {
        let f = self.focused();
        let Some(input) = self.input_mut(f) else {
            if key.code == KeyCode::Char(' ') {
                self.toggle();
            }
            return;
        };
        if input.key(key) {
            self.take_text(f);
        }
    }

    pub fn paste(&mut self, text: &str) {
        let f = self.focused();
        if let Some(input) = self.input_mut(f)
            && input.paste(text)
        {
            self.take_text(f);
        }
    }

    /// The focused input's text into the draft (the password stays in its input).
    fn take_text(&mut self, f: ContactField) {
        if f != ContactField::Password
            && let Some(text) = self.input(f).map(TextInput::text)
            && let Some(field) = self.draft.text_mut(f.name())
        {
            *field = text;
        }
        self.changed();
    }

    fn changed(&mut self) {
        self.flow.edited();
        self.revalidate();
    }

    /// The password typed for a new contact, when Typed is chosen.
    pub fn typed_password(&self) -> Option<String> {
        (self.is_new() && self.mode == PasswordMode::Typed).then(|| self.password.text())
    }

    fn revalidate(&mut self) {
        let country = self.owner.country.as_deref();
        let (mut errors, spec) = match self.draft.validate(country) {
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
        self.errors = errors;
    }

    /// Whether anything differs from what was loaded (or from a blank form).
    pub fn is_dirty(&self) -> bool {
        let before = self
            .original
            .as_ref()
            .map_or_else(ContactDraft::default, |k| ContactDraft::from(&k.spec));
        let country = self.owner.country.as_deref();
        let fields = match (self.draft.validate(country), before.validate(country)) {
            // Checked values compare what they mean: "+44 20 7946 0018" is what is stored.
            (Ok(now), Ok(then)) => now != then,
            _ => self.draft != before,
        };
        fields || (self.is_new() && self.mode != PasswordMode::None)
    }

    /// After "Save and Stay": a fresh form when adding, the saved contact when editing, at
    /// the same field.
    pub fn stay_after(&mut self, saved: &Contact) {
        let focus = self.focus;
        let owner = self.owner.clone();
        *self = if self.is_new() {
            ContactForm::add(owner)
        } else {
            ContactForm::edit(owner, saved)
        };
        self.focus = focus;
    }

    /// "Reload" in a conflict: their version, our edits dropped.
    pub fn take_theirs(&mut self) {
        if let Some(theirs) = self.flow.conflict.take() {
            let focus = self.focus;
            *self = ContactForm::edit(self.owner.clone(), &theirs);
            self.focus = focus;
        }
    }

    /// "Overwrite" in a conflict: the fields we changed on top of their version, so that
    /// a field only they changed keeps their value; the next save expects their version.
    pub fn ours_over_theirs(&mut self) {
        let (Some(original), Some(theirs)) = (self.original.take(), self.flow.conflict.take())
        else {
            return;
        };
        let before = ContactDraft::from(&original.spec);
        let mut merged = ContactDraft::from(&theirs.spec);
        for name in crate::domain::contact::FIELDS {
            let (mine, then) = (field_text(&self.draft, name), field_text(&before, name));
            if mine != then {
                // The text as ours has it: set can only fail for an unknown name.
                let _ = merged.set(name, &mine);
            }
        }
        let focus = self.focus;
        *self = ContactForm::with(self.owner.clone(), Some(*theirs), merged);
        self.focus = focus;
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
                let (mine, then, their) = (
                    field_text(&self.draft, name),
                    field_text(&before, name),
                    field_text(&theirs, name),
                );
                (mine != then || their != then).then(|| (field_label(name), mine, their))
            })
            .collect()
    }
}

/// A field of a draft as text, the yes/no ones as `yes` or `no`.
fn field_text(draft: &ContactDraft, name: &str) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    match name {
        "email_verified" => yes(draft.email_verified),
        "mobile_verified" => yes(draft.mobile_verified),
        _ => draft.clone().text_mut(name).cloned().unwrap_or_default(),
    }
}
