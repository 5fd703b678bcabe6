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

#[path = "pg.rs"]
pub mod pg;

use carrierdesk::store::{Location, Store};

/// A demo database on one engine, and where it is (to open more connections to it).
pub struct Db {
    pub engine: &'static str,
    pub location: Location,
    pub service: Service,
    /// The SQLite file's folder, removed when the test ends.
    _dir: Option<TempDir>,
}

impl Db {
    /// Another connection to the same database, as a second operator's console.
    pub fn open(&self) -> Service {
        Service::open_at(&self.location).unwrap()
    }
}

/// The same demo database on each engine the machine has: SQLite always, PostgreSQL when
/// a server can be started (always in CI, where a missing one fails the test).
pub fn each_engine(customers: usize, days: u32) -> Vec<Db> {
    let spec = || DemoSpec {
        customers,
        days,
        seed: 11,
        now: NOW,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.db");
    let mut sqlite = Service::open(&path).unwrap();
    generate(&mut sqlite, spec(), &mut |_, _| {}).unwrap();
    let mut all = vec![Db {
        engine: "SQLite",
        location: Location::File(path),
        service: sqlite,
        _dir: Some(dir),
    }];
    if let Some(url) = pg::fresh_database() {
        Store::migrate(&url).unwrap();
        let location = Location::Server(url);
        let mut service = Service::open_at(&location).unwrap();
        generate(&mut service, spec(), &mut |_, _| {}).unwrap();
        all.push(Db {
            engine: "PostgreSQL",
            location,
            service,
            _dir: None,
        });
    }
    all
}
