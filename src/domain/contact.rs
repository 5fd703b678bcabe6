//! Contacts of a customer and the customer's internal number blocks.

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
        let yes = |b: bool| if b { "verified" } else { "not verified" };
        let or_none = |s: &str| {
            if s.trim().is_empty() {
                "-".to_string()
            } else {
                s.to_string()
            }
        };
        [
            format!(
                "Name           {}{}",
                self.name,
                if self.is_primary { " (primary)" } else { "" }
            ),
            format!("Type           {}", or_none(&self.contact_type)),
            format!(
                "Email          {} ({})",
                or_none(&self.email),
                yes(self.email_verified)
            ),
            format!("Phone          {}", or_none(&self.phone)),
            format!(
                "Mobile         {} ({})",
                or_none(&self.mobile),
                yes(self.mobile_verified)
            ),
            format!("Public notes   {}", or_none(&self.public_notes)),
            format!("Private notes  {}", or_none(&self.private_notes)),
        ]
        .join("\n")
    }
}

/// A range of internal numbers (extensions) handed to one customer, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NumberBlock {
    pub id: i64,
    pub customer_id: i64,
    pub first: i64,
    pub last: i64,
}

/// A SIP user (extension) of a customer. Its secret never leaves the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SipUser {
    pub id: i64,
    pub customer_id: i64,
    pub username: String,
    pub channels: u32,
}
