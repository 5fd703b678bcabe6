//! The small edit form on the card: status and channels. Values are checked with the
//! domain's rules as they are typed, and the reason shows next to the field.

use crate::domain::customer::parse_channels;
use crate::domain::{Customer, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Status,
    Channels,
}

#[derive(Debug, Clone)]
pub struct StatusForm {
    /// The customer as loaded: its version is what the save checks against.
    pub original: Customer,
    pub status: Status,
    pub channels: String,
    pub focus: Field,
    /// A save-time error (the field errors come from `channels_error`).
    pub error: Option<String>,
    pub saving: bool,
}

impl StatusForm {
    pub fn new(c: &Customer) -> StatusForm {
        StatusForm {
            original: c.clone(),
            status: c.status,
            channels: c.channels.to_string(),
            focus: Field::Status,
            error: None,
            saving: false,
        }
    }

    pub fn channels_error(&self) -> Option<String> {
        parse_channels(&self.channels).err()
    }

    /// The customer with the form's values, or the first field's reason why not.
    pub fn edited(&self) -> Result<Customer, String> {
        let channels = parse_channels(&self.channels)?;
        Ok(Customer {
            status: self.status,
            channels,
            ..self.original.clone()
        })
    }

    pub fn next_field(&mut self) {
        self.focus = match self.focus {
            Field::Status => Field::Channels,
            Field::Channels => Field::Status,
        };
    }

    pub fn prev_field(&mut self) {
        self.next_field();
    }

    pub fn left(&mut self) {
        if self.focus == Field::Status {
            self.status = self.status.prev();
        }
    }

    pub fn right(&mut self) {
        if self.focus == Field::Status {
            self.status = self.status.next();
        }
    }

    /// Typed or pasted text goes to the channels field; on the status field a letter picks
    /// the status that starts with it.
    pub fn insert(&mut self, text: &str) {
        self.error = None;
        match self.focus {
            Field::Channels => self.channels.push_str(text),
            Field::Status => {
                if let Some(s) = text.chars().next().and_then(|c| {
                    Status::ALL
                        .into_iter()
                        .find(|s| s.label().starts_with(c.to_ascii_uppercase()))
                }) {
                    self.status = s;
                }
            }
        }
    }

    pub fn backspace(&mut self) {
        self.error = None;
        if self.focus == Field::Channels {
            self.channels.pop();
        }
    }
}
