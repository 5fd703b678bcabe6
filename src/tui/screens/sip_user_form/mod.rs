//! The SIP user form (add or edit, from the card's SIP users tab): every field of the web
//! console, checked as typed; the save options; the service's refusals shown on their
//! field; and the conflict dialog when another operator saved the SIP user first.

mod model;
mod view;

pub use model::{PingMode, SipField, SipUserForm};

use super::field_form::FieldFormScreen;
use crate::domain::SipUser;

pub type SipUserFormScreen = FieldFormScreen<SipUserForm>;

impl FieldFormScreen<SipUserForm> {
    pub fn add(customer: i64, generate: bool) -> SipUserFormScreen {
        FieldFormScreen::new(SipUserForm::add(customer, generate))
    }

    pub fn edit(user: &SipUser) -> SipUserFormScreen {
        FieldFormScreen::new(SipUserForm::edit(user))
    }
}
