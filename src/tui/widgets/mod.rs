//! Reusable widgets.

pub mod form_status;
pub mod grid;
pub mod input;
pub mod list_cursor;
pub mod summary_grid;
