//! The terminal front end.

pub mod widgets;
