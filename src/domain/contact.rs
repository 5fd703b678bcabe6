//! Contacts of a customer: who they are, how to reach them, which messages they get, and
//! their login to the customer portal (the email, with a password kept only as a hash).

use super::draft::is_email;
use super::text_rule::text_problem;
use super::{FieldError, ip_list, notes_guard, phone};
use ipnet::IpNet;
use serde::{Serialize, Serializer};

/// Which messages a contact receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Maintenance notices, news: messages to every customer.
    General,
    /// Invoices, low credit, payments.
    Financial,
}

impl Category {
    pub const ALL: [Category; 2] = [Category::General, Category::Financial];

    pub fn key(self) -> &'static str {
        match self {
            Category::General => "general",
            Category::Financial => "financial",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::General => "General",
            Category::Financial => "Financial",
        }
    }

    /// `general,financial`, `financial`, or `none` (also empty) for no messages at all.
    pub fn parse_list(text: &str) -> Result<Vec<Category>, String> {
        let mut out = Vec::new();
        for word in text
            .split([',', ' '])
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            if word.eq_ignore_ascii_case("none") {
                continue;
            }
            let c = Category::ALL
                .into_iter()
                .find(|c| c.key().eq_ignore_ascii_case(word))
                .ok_or_else(|| {
                    format!("unknown messaging category '{word}': general, financial or none")
                })?;
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out.sort_by_key(|c| Category::ALL.iter().position(|a| a == c));
        Ok(out)
    }

    /// The form and the command line's text: `general,financial`, or `none`.
    pub fn list_text(list: &[Category]) -> String {
        if list.is_empty() {
            return "none".into();
        }
        list.iter().map(|c| c.key()).collect::<Vec<_>>().join(",")
    }
}

/// What an operator edits of a contact; the JSON keys are the command line's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactSpec {
    pub name: String,
    /// Also the portal login: unique across all customers, ignoring case.
    pub email: String,
    /// E.164 (`+496598336393`), or empty.
    pub phone: String,
    pub mobile: String,
    /// Informational only (Billing, NOC, ...).
    #[serde(rename = "type")]
    pub contact_type: String,
    /// As the command line takes them: `general,financial`, or `none`.
    #[serde(serialize_with = "categories_text")]
    pub categories: Vec<Category>,
    /// Addresses the contact may log in to the portal from; empty allows any.
    #[serde(serialize_with = "whitelist_text")]
    pub portal_whitelist: Vec<IpNet>,
    /// Shown to the customer in the portal.
    pub public_notes: String,
    /// Staff only.
    pub private_notes: String,
    pub email_verified: bool,
    pub mobile_verified: bool,
}

fn categories_text<S: Serializer>(list: &[Category], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&Category::list_text(list))
}

fn whitelist_text<S: Serializer>(nets: &[IpNet], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&ip_list::format(nets))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub id: i64,
    pub customer_id: i64,
    #[serde(flatten)]
    pub spec: ContactSpec,
    /// Exactly one contact per customer is primary; its email shows in the card header.
    #[serde(rename = "primary")]
    pub is_primary: bool,
    /// A portal password is set (its hash never leaves the store).
    #[serde(rename = "portal_password")]
    pub has_password: bool,
    pub version: i64,
}

impl Contact {
    /// Every field, a line each, for a support agent reading it out.
    pub fn describe(&self) -> String {
        let s = &self.spec;
        let or_none = |s: &str| {
            if s.trim().is_empty() {
                "-".to_string()
            } else {
                s.to_string()
            }
        };
        // An address or number with whether it is verified; nothing to verify without one.
        let checked = |s: &str, verified: bool| match (s.trim().is_empty(), verified) {
            (true, _) => "-".to_string(),
            (false, true) => format!("{s} (verified)"),
            (false, false) => format!("{s} (not verified)"),
        };
        let primary = if self.is_primary { " (primary)" } else { "" };
        let whitelist = if s.portal_whitelist.is_empty() {
            "any address".to_string()
        } else {
            ip_list::format(&s.portal_whitelist)
        };
        let password = if self.has_password { "set" } else { "not set" };
        [
            format!("Name           {}{primary}", s.name),
            format!("Type           {}", or_none(&s.contact_type)),
            format!("Email          {}", checked(&s.email, s.email_verified)),
            format!("Phone          {}", or_none(&s.phone)),
            format!("Mobile         {}", checked(&s.mobile, s.mobile_verified)),
            format!("Messages       {}", Category::list_text(&s.categories)),
            format!("Portal from    {whitelist}"),
            format!("Portal password {password}"),
            format!("Public notes   {}", or_none(&s.public_notes)),
            format!("Private notes  {}", or_none(&s.private_notes)),
        ]
        .join("\n")
    }

    pub fn receives(&self, category: Category) -> bool {
        self.spec.categories.contains(&category)
    }
}

pub const MAX_NAME: usize = 100;
pub const MAX_EMAIL: usize = 254;
pub const MAX_TYPE: usize = 40;
pub const MAX_NOTES: usize = 4000;

/// The fields by the names the rules, the command line and the JSON use.
pub const FIELDS: [&str; 11] = [
    "name",
    "email",
    "phone",
    "mobile",
    "type",
    "categories",
    "portal_whitelist",
    "public_notes",
    "private_notes",
    "email_verified",
    "mobile_verified",
];

/// How a field is named to the operator.
pub fn field_label(field: &str) -> &str {
    match field {
        "name" => "Name",
        "email" => "Email",
        "phone" => "Phone",
        "mobile" => "Mobile",
        "type" => "Type",
        "categories" => "Messages",
        "portal_whitelist" => "Portal IP whitelist",
        "public_notes" => "Public notes",
        "private_notes" => "Private notes",
        "email_verified" => "Email verified",
        "mobile_verified" => "Mobile verified",
        "password" => "Password",
        other => other,
    }
}

/// A contact as typed in the form or given on the command line: text, checked by
/// `validate` into a `ContactSpec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDraft {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub mobile: String,
    pub contact_type: String,
    pub categories: String,
    pub portal_whitelist: String,
    pub public_notes: String,
    pub private_notes: String,
    pub email_verified: bool,
    pub mobile_verified: bool,
}

impl Default for ContactDraft {
    /// A new contact gets every kind of message until told otherwise.
    fn default() -> Self {
        ContactDraft {
            name: String::new(),
            email: String::new(),
            phone: String::new(),
            mobile: String::new(),
            contact_type: String::new(),
            categories: Category::list_text(&Category::ALL),
            portal_whitelist: String::new(),
            public_notes: String::new(),
            private_notes: String::new(),
            email_verified: false,
            mobile_verified: false,
        }
    }
}

impl From<&ContactSpec> for ContactDraft {
    fn from(s: &ContactSpec) -> Self {
        ContactDraft {
            name: s.name.clone(),
            email: s.email.clone(),
            phone: s.phone.clone(),
            mobile: s.mobile.clone(),
            contact_type: s.contact_type.clone(),
            categories: Category::list_text(&s.categories),
            portal_whitelist: ip_list::format(&s.portal_whitelist),
            public_notes: s.public_notes.clone(),
            private_notes: s.private_notes.clone(),
            email_verified: s.email_verified,
            mobile_verified: s.mobile_verified,
        }
    }
}

impl ContactDraft {
    /// The text of a field by its name (None for the two yes/no fields and unknown names).
    pub fn text_mut(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "name" => &mut self.name,
            "email" => &mut self.email,
            "phone" => &mut self.phone,
            "mobile" => &mut self.mobile,
            "type" => &mut self.contact_type,
            "categories" => &mut self.categories,
            "portal_whitelist" => &mut self.portal_whitelist,
            "public_notes" => &mut self.public_notes,
            "private_notes" => &mut self.private_notes,
            _ => return None,
        })
    }

    /// A field's value as text by its name, the yes/no ones as `yes` or `no`.
    pub fn text(&self, field: &str) -> String {
        let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
        match field {
            "email_verified" => yes(self.email_verified),
            "mobile_verified" => yes(self.mobile_verified),
            _ => self.clone().text_mut(field).cloned().unwrap_or_default(),
        }
    }

    /// Sets a field from text as the command line gives it (`yes`/`no` for the flags).
    pub fn set(&mut self, field: &str, value: &str) -> Result<(), FieldError> {
        let flag = |v: &str| match v.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" => Ok(true),
            "no" | "false" | "0" => Ok(false),
            _ => Err(format!("{}: yes or no, not '{v}'", field_label(field))),
        };
        let result = match field {
            "email_verified" => flag(value).map(|b| self.email_verified = b),
            "mobile_verified" => flag(value).map(|b| self.mobile_verified = b),
            _ => match self.text_mut(field) {
                Some(text) => {
                    *text = value.to_string();
                    Ok(())
                }
                None => Err(format!("no contact field '{field}'")),
            },
        };
        result.map_err(|message| FieldError {
            field: field_name(field),
            message,
        })
    }

    /// Every field's rule, each broken one named by its field; phone numbers written
    /// without a country code are read as numbers of `country` (the `default_country`
    /// setting).
    pub fn validate(&self, country: Option<&str>) -> Result<ContactSpec, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &'static str, r: Result<(), String>| {
            if let Err(message) = r {
                let label = field_label(field);
                let message = if message.starts_with(label) {
                    message
                } else {
                    format!("{label}: {message}")
                };
                errors.push(FieldError { field, message });
            }
        };
        let name = self.name.trim();
        check(
            "name",
            if name.is_empty() {
                Err("a contact has a name".into())
            } else {
                one_line(name, MAX_NAME)
            },
        );
        let email = self.email.trim();
        check(
            "email",
            if email.is_empty() {
                Err("required: it is also the contact's portal login".into())
            } else if email.chars().count() > MAX_EMAIL || !is_email(email) {
                Err(format!(
                    "'{email}' is not an email address (like ana@example.com)"
                ))
            } else {
                Ok(())
            },
        );
        let phone = phone::normalize(&self.phone, country);
        check("phone", phone.as_ref().map(|_| ()).map_err(Clone::clone));
        let mobile = phone::normalize(&self.mobile, country);
        check("mobile", mobile.as_ref().map(|_| ()).map_err(Clone::clone));
        let contact_type = self.contact_type.trim();
        check("type", one_line(contact_type, MAX_TYPE));
        let categories = Category::parse_list(&self.categories);
        check(
            "categories",
            categories.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let whitelist = ip_list::parse(&self.portal_whitelist);
        check(
            "portal_whitelist",
            whitelist.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check("public_notes", notes(&self.public_notes, None));
        check("private_notes", notes(&self.private_notes, None));
        match (phone, mobile, categories, whitelist) {
            (Ok(phone), Ok(mobile), Ok(categories), Ok(portal_whitelist)) if errors.is_empty() => {
                Ok(ContactSpec {
                    name: name.to_string(),
                    email: email.to_string(),
                    phone,
                    mobile,
                    contact_type: contact_type.to_string(),
                    categories,
                    portal_whitelist,
                    public_notes: self.public_notes.trim_end().to_string(),
                    private_notes: self.private_notes.trim_end().to_string(),
                    email_verified: self.email_verified,
                    mobile_verified: self.mobile_verified,
                })
            }
            _ => Err(errors),
        }
    }

    /// `validate` for an edit of `stored`. A phone or mobile number left as it is stored
    /// but no longer read as a number (one kept from before numbers were checked, or made
    /// up by the demo) stays as it is, so that an edit of another field is not refused over
    /// a number nobody touched; one that reads is stored in E.164 as any other.
    pub fn validate_edit(
        &self,
        country: Option<&str>,
        stored: &ContactSpec,
    ) -> Result<ContactSpec, Vec<FieldError>> {
        let kept = |typed: &str, stored: &str| {
            (typed.trim() == stored.trim() && phone::normalize(typed, country).is_err())
                .then(|| stored.to_string())
        };
        let kept_phone = kept(&self.phone, &stored.phone);
        let kept_mobile = kept(&self.mobile, &stored.mobile);
        let mut probe = self.clone();
        if kept_phone.is_some() {
            probe.phone.clear();
        }
        if kept_mobile.is_some() {
            probe.mobile.clear();
        }
        let mut spec = probe.validate(country)?;
        if let Some(p) = kept_phone {
            spec.phone = p;
        }
        if let Some(m) = kept_mobile {
            spec.mobile = m;
        }
        Ok(spec)
    }
}

/// The `'static` name of a field given by the command line.
fn field_name(field: &str) -> &'static str {
    FIELDS.into_iter().find(|f| *f == field).unwrap_or("fields")
}

fn one_line(text: &str, max: usize) -> Result<(), String> {
    if text.chars().count() > max {
        return Err(format!("at most {max} characters"));
    }
    text_problem(text, false).map_or(Ok(()), |p| Err(p.to_string()))
}

/// The notes' rules: bounded, no terminal controls, and never a credential (the web
/// console only warns; here there is no override, the operator rephrases).
pub fn notes(text: &str, password: Option<&str>) -> Result<(), String> {
    if text.chars().count() > MAX_NOTES {
        return Err(format!("at most {MAX_NOTES} characters"));
    }
    if let Some(p) = text_problem(text, true) {
        return Err(p.to_string());
    }
    match notes_guard::credential_in(text, password) {
        Some(why) => Err(format!("never put passwords in notes: {why}")),
        None => Ok(()),
    }
}

/// The notes guard against a password typed or generated with the contact: the notes of
/// `spec` must not contain it. Each refusal names its field.
pub fn check_notes_against(spec: &ContactSpec, password: &str) -> Result<(), FieldError> {
    for (field, text) in [
        ("public_notes", &spec.public_notes),
        ("private_notes", &spec.private_notes),
    ] {
        if let Err(why) = notes(text, Some(password)) {
            return Err(FieldError {
                field,
                message: format!("{}: {why}", field_label(field)),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> Contact {
        Contact {
            id: 1,
            customer_id: 2,
            spec: ContactSpec {
                name: "Ana Berg".into(),
                email: "ana@example.com".into(),
                phone: "+4930111222".into(),
                mobile: String::new(),
                contact_type: "NOC".into(),
                categories: vec![Category::Financial],
                portal_whitelist: Vec::new(),
                public_notes: String::new(),
                private_notes: "escalate to NOC line".into(),
                email_verified: true,
                mobile_verified: true,
            },
            is_primary: true,
            has_password: false,
            version: 1,
        }
    }

    #[test]
    fn a_contact_reads_out_whole_and_says_what_is_verified() {
        let text = ana().describe();
        assert!(text.contains("Ana Berg (primary)"), "{text}");
        assert!(text.contains("ana@example.com (verified)"), "{text}");
        assert!(
            text.contains("Mobile         -\n"),
            "no mobile, nothing verified: {text}"
        );
        assert!(text.contains("Messages       financial"), "{text}");
        assert!(text.contains("Portal from    any address"), "{text}");
        assert!(
            text.contains("Private notes  escalate to NOC line"),
            "{text}"
        );
    }

    #[test]
    fn json_keys_are_the_field_names_and_hold_no_secret() {
        let json = serde_json::to_value(ana()).unwrap();
        for key in [
            "id",
            "customer_id",
            "name",
            "email",
            "phone",
            "mobile",
            "type",
            "categories",
            "primary",
            "portal_whitelist",
            "portal_password",
        ] {
            assert!(json.get(key).is_some(), "{key} missing: {json}");
        }
        assert_eq!(json["categories"], "financial");
        assert!(json.get("password_hash").is_none());
    }

    #[test]
    fn categories_parse_in_any_order_and_none_means_no_messages() {
        assert_eq!(
            Category::parse_list("financial, General").unwrap(),
            [Category::General, Category::Financial]
        );
        assert_eq!(Category::parse_list("none").unwrap(), []);
        assert_eq!(Category::list_text(&[]), "none");
        let e = Category::parse_list("general,sms").unwrap_err();
        assert!(e.contains("'sms'"), "{e}");
    }

    #[test]
    fn a_draft_names_each_broken_field() {
        let draft = ContactDraft {
            name: " ".into(),
            email: "not-an-address".into(),
            categories: "weekly".into(),
            portal_whitelist: "10.0.0.0/33".into(),
            ..ContactDraft::default()
        };
        let errors = draft.validate(Some("GB")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["name", "email", "categories", "portal_whitelist"],
            "{errors:?}"
        );
        assert!(errors[1].message.contains("'not-an-address'"), "{errors:?}");
    }

    #[test]
    fn a_valid_draft_becomes_a_spec_with_every_category_by_default() {
        let draft = ContactDraft {
            name: " Ana Berg ".into(),
            email: "ana@example.com".into(),
            ..ContactDraft::default()
        };
        let spec = draft.validate(None).unwrap();
        assert_eq!(spec.name, "Ana Berg");
        assert_eq!(spec.categories, Category::ALL);
        assert_eq!(ContactDraft::from(&spec).validate(None).unwrap(), spec);
    }

    #[test]
    fn fields_are_set_by_name_as_the_command_line_gives_them() {
        let mut draft = ContactDraft::default();
        draft.set("type", "Billing").unwrap();
        draft.set("email_verified", "yes").unwrap();
        assert_eq!(draft.contact_type, "Billing");
        assert!(draft.email_verified);
        let e = draft.set("mobile_verified", "maybe").unwrap_err();
        assert_eq!(e.field, "mobile_verified");
        assert!(draft.set("colour", "red").is_err());
    }

    #[test]
    fn notes_with_control_characters_or_too_long_are_refused() {
        assert!(notes("line one\nline two\ttabbed", None).is_ok());
        assert!(notes("bell\u{7}", None).is_err());
        assert!(notes(&"x".repeat(MAX_NOTES + 1), None).is_err());
    }
}
