//! Contacts of a customer.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub mobile: String,
    pub contact_type: String,
    pub public_notes: String,
    pub private_notes: String,
    pub email_verified: bool,
    pub mobile_verified: bool,
    /// Exactly one contact per customer is primary; its email shows in the card header.
    pub is_primary: bool,
}

impl Contact {
    /// Every field, a line each, for a support agent reading it out.
    pub fn describe(&self) -> String {
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
        [
            format!("Name           {}{primary}", self.name),
            format!("Type           {}", or_none(&self.contact_type)),
            format!(
                "Email          {}",
                checked(&self.email, self.email_verified)
            ),
            format!("Phone          {}", or_none(&self.phone)),
            format!(
                "Mobile         {}",
                checked(&self.mobile, self.mobile_verified)
            ),
            format!("Public notes   {}", or_none(&self.public_notes)),
            format!("Private notes  {}", or_none(&self.private_notes)),
        ]
        .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::Contact;

    #[test]
    fn a_contact_reads_out_whole_and_says_what_is_verified() {
        let k = Contact {
            id: 1,
            customer_id: 2,
            name: "Ana Berg".into(),
            email: "ana@example.com".into(),
            phone: "+4930111222".into(),
            mobile: String::new(),
            contact_type: "NOC".into(),
            public_notes: String::new(),
            private_notes: "escalate to NOC line".into(),
            email_verified: true,
            mobile_verified: true,
            is_primary: true,
        };
        let text = k.describe();
        assert!(text.contains("Ana Berg (primary)"), "{text}");
        assert!(text.contains("ana@example.com (verified)"), "{text}");
        assert!(
            text.contains("Mobile         -\n"),
            "no mobile, nothing verified: {text}"
        );
        assert!(
            text.contains("Private notes  escalate to NOC line"),
            "{text}"
        );
    }
}
