//! One module per screen. A screen owns its state, its keys, the replies it takes, what
//! it reloads and how it draws; `Screen` (in ../screen.rs) is what they have in common.

pub mod board;
pub mod bulk_form;
pub mod card;
pub mod columns;
pub mod confirm;
pub mod contact_delete;
pub mod contact_form;
pub mod customer_form;
pub mod email_log;
pub mod field_form;
pub mod global_contacts;
pub mod list;
pub mod palette;
pub mod password;
pub mod portal_view;
pub mod prompt;
pub mod rate_cards;
pub mod send_form;
pub mod settings;
pub mod sip_user_form;
pub mod window;
