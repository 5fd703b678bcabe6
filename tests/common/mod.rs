//! Helpers shared by the integration tests: temporary databases with demo data.
#![allow(dead_code)] // each test file uses its own subset

use carrierdesk::domain::Actor;
use carrierdesk::service::Service;
use carrierdesk::service::demo::{DemoSpec, generate};
use std::path::PathBuf;
use tempfile::TempDir;

/// A fixed "now" so generated data and assertions agree: 2026-11-20 12:00 UTC.
pub const NOW: i64 = 1_795_176_000;

pub fn actor(name: &str) -> Actor {
    Actor {
        name: name.into(),
        ip: "192.0.2.10".into(),
        role: "operator".into(),
    }
}

/// A database file in a fresh temporary folder, filled with a small demo up to `NOW`.
pub fn demo_db(customers: usize, days: u32) -> (TempDir, PathBuf, Service) {
    demo_db_at(customers, days, NOW)
}

/// The same with traffic up to `now`: for views that count back from the real clock.
pub fn demo_db_at(customers: usize, days: u32, now: i64) -> (TempDir, PathBuf, Service) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.db");
    let mut service = Service::open(&path).unwrap();
    let spec = DemoSpec {
        customers,
        days,
        seed: 11,
        now,
    };
    generate(&mut service, spec, &mut |_, _| {}).unwrap();
    (dir, path, service)
}
