//! Reusable widgets.

pub mod grid;
pub mod summary_grid;
