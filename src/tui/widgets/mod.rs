//! Reusable widgets.

pub mod field_rows;
pub mod form_status;
pub mod grid;
pub mod history;
pub mod input;
pub mod list_cursor;
pub mod save_flow;
pub mod summary_grid;
