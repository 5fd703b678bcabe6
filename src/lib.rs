//! carrierdesk: a terminal console for a VoIP carrier's NOC.
//!
//! Layers (see the README's design section): `domain` (pure types and rules) ← `store`
//! (SQLite or PostgreSQL, the only SQL) ← `service` (operations, each one transaction with
//! its audit row)
//! ← `tui` and `cli` (front ends). `delivery` (mail and SMS to a server, no database) sits
//! beside `service`.

pub mod cdr;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod csv_input;
pub mod delivery;
pub mod domain;
pub mod private;
pub mod service;
pub mod spreadsheet;
pub mod store;
pub mod text;
pub mod tui;
