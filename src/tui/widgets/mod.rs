//! Reusable widgets.

pub mod grid;
pub mod input;
pub mod list_cursor;
pub mod summary_grid;
