//! The contact form (add or edit, from the card's Contacts tab): every field, checked as
//! typed; the portal password set with a new login; the save options; the service's
//! refusals shown on their field; and the conflict dialog when another operator saved the
//! contact first.

mod model;
mod view;

pub use model::{ContactField, ContactForm, Owner, PasswordMode};

use super::field_form::FieldFormScreen;
use crate::domain::Contact;

pub type ContactFormScreen = FieldFormScreen<ContactForm>;

impl FieldFormScreen<ContactForm> {
    pub fn add(owner: Owner) -> ContactFormScreen {
        FieldFormScreen::new(ContactForm::add(owner))
    }

    pub fn edit(owner: Owner, contact: &Contact) -> ContactFormScreen {
        FieldFormScreen::new(ContactForm::edit(owner, contact))
    }
}
