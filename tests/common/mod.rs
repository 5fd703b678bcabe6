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

#[path = "http_recorder.rs"]
pub mod http_recorder;
#[path = "mail.rs"]
pub mod mail;
#[path = "pg.rs"]
pub mod pg;

use carrierdesk::store::sql::Value;
use carrierdesk::store::{Location, Store};
use std::cell::{RefCell, RefMut};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A demo database on one engine, and where it is (to open more connections to it).
pub struct Db {
    pub engine: &'static str,
    pub location: Location,
    pub service: Service,
    /// SQL beside the service, on a connection of the test's own (a field apart, so that
    /// it can be used while the service is borrowed or moved).
    pub raw: Raw,
    /// The SQLite file's folder, removed when the test ends.
    _dir: Option<TempDir>,
    /// Says which engine a failing test was on.
    _note: EngineNote,
}

impl Db {
    /// Another connection to the same database, as a second operator's console.
    pub fn open(&self) -> Service {
        Service::open_at(&self.location).unwrap()
    }

    pub fn is_pg(&self) -> bool {
        matches!(self.location, Location::Server(_))
    }
}

/// SQL run beside the service: to set up or break what the service would not, or to read
/// what it stored. The text goes to the engine as it is (no parameters).
pub struct Raw {
    engine: &'static str,
    location: Location,
    /// The PostgreSQL connection, once made (a connection takes a tenth of a second in a
    /// debug build, for the password exchange).
    pg: RefCell<Option<postgres::Client>>,
}

impl Raw {
    fn new(engine: &'static str, location: &Location) -> Raw {
        Raw {
            engine,
            location: location.clone(),
            pg: RefCell::new(None),
        }
    }

    /// Runs statements.
    pub fn execute(&self, sql: &str) {
        match &self.location {
            Location::File(path) => rusqlite::Connection::open(path)
                .unwrap()
                .execute_batch(sql)
                .unwrap_or_else(|e| panic!("SQLite: {sql}: {e}")),
            Location::Server(url) => self.pg(url).batch_execute(sql).unwrap_or_else(|e| {
                let message = e.as_db_error().map(|d| d.message().to_string());
                panic!("PostgreSQL: {sql}: {}", message.unwrap_or(e.to_string()))
            }),
        }
    }

    /// The rows of a query, each cell as the store's `Value` (integers, text, reals,
    /// NULL; on PostgreSQL cast other types to one of these in the SQL).
    pub fn query(&self, sql: &str) -> Vec<Vec<Value>> {
        match &self.location {
            Location::File(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                let mut stmt = conn
                    .prepare(sql)
                    .unwrap_or_else(|e| panic!("SQLite: {sql}: {e}"));
                let n = stmt.column_count();
                stmt.query_map([], |r| {
                    (0..n).map(|i| r.get_ref(i).map(sqlite_cell)).collect()
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
            }
            Location::Server(url) => self
                .pg(url)
                .query(sql, &[])
                .unwrap_or_else(|e| panic!("PostgreSQL: {sql}: {e}"))
                .iter()
                .map(|r| (0..r.len()).map(|i| pg_cell(r, i)).collect())
                .collect(),
        }
    }

    /// The integer a query returns (a count).
    pub fn count(&self, sql: &str) -> i64 {
        match self.query(sql).first().and_then(|r| r.first()) {
            Some(Value::Int(n)) => *n,
            other => panic!("{}: {sql} gave {other:?}, not an integer", self.engine),
        }
    }

    /// Makes every insert into the audit log fail with `message`, as a full disk or a
    /// broken trigger would: a write then fails after its other rows were written.
    pub fn fail_audit_inserts(&self, message: &str) {
        self.execute(&match self.location {
            Location::Server(_) => format!(
                "CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN RAISE EXCEPTION '{message}'; END $$;
                 CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log
                     FOR EACH ROW EXECUTE FUNCTION fail_audit();"
            ),
            Location::File(_) => format!(
                "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log
                 BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            ),
        })
    }

    fn pg(&self, url: &str) -> RefMut<'_, postgres::Client> {
        RefMut::map(self.pg.borrow_mut(), |pg| {
            pg.get_or_insert_with(|| postgres::Client::connect(url, postgres::NoTls).unwrap())
        })
    }
}

fn sqlite_cell(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) | ValueRef::Blob(t) => Value::Text(String::from_utf8_lossy(t).into()),
    }
}

fn pg_cell(row: &postgres::Row, i: usize) -> Value {
    use postgres::types::Type;
    fn cell<'a, T: postgres::types::FromSql<'a>>(
        row: &'a postgres::Row,
        i: usize,
        to: impl FnOnce(T) -> Value,
    ) -> Value {
        row.get::<_, Option<T>>(i).map_or(Value::Null, to)
    }
    let column = &row.columns()[i];
    match *column.type_() {
        Type::INT8 => cell(row, i, Value::Int),
        Type::INT4 => cell(row, i, |v: i32| Value::Int(v.into())),
        Type::INT2 => cell(row, i, |v: i16| Value::Int(v.into())),
        Type::BOOL => cell(row, i, |v: bool| Value::Int(v.into())),
        Type::FLOAT8 => cell(row, i, Value::Real),
        Type::FLOAT4 => cell(row, i, |v: f32| Value::Real(v.into())),
        Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR => cell(row, i, Value::Text),
        ref other => panic!(
            "column {} is {other}: cast it to bigint or text in the test's SQL",
            column.name()
        ),
    }
}

/// Kept by each database of a set made for one test. The first of them to close while
/// the test panics says which engine failed, when the others had closed before: a body
/// run on each engine in turn closes SQLite's database before PostgreSQL's is used, so a
/// failure on PostgreSQL is named, and one with no note was on SQLite (or in a test that
/// holds both engines' databases at once, comparing them).
struct EngineNote {
    engine: &'static str,
    set: Arc<NoteSet>,
}

#[derive(Default)]
struct NoteSet {
    open: AtomicUsize,
    panicked: AtomicBool,
}

impl Drop for EngineNote {
    fn drop(&mut self) {
        let others = self.set.open.fetch_sub(1, Ordering::SeqCst) - 1;
        if std::thread::panicking()
            && !self.set.panicked.swap(true, Ordering::SeqCst)
            && others == 0
        {
            eprintln!("note: this failure was on {}", self.engine);
        }
    }
}

/// The same demo database on each engine the machine has: SQLite always, PostgreSQL when
/// a server can be started (always in CI, where a missing one fails the test).
pub fn each_engine(customers: usize, days: u32) -> Vec<Db> {
    let mut all = each_engine_empty();
    for db in &mut all {
        let spec = DemoSpec {
            customers,
            days,
            seed: 11,
            now: NOW,
        };
        generate(&mut db.service, spec, &mut |_, _| {}).unwrap();
    }
    all
}

/// A new database with the schema and no rows, on each engine the machine has.
pub fn each_engine_empty() -> Vec<Db> {
    each_engine_prepared(|_| {}, |_| {})
}

/// A new database on each engine the machine has, first given to `sqlite` (the path of a
/// file not created yet) or `pg` (the URL of an empty database, not migrated), then
/// brought up to date and opened as carrierdesk does: for a database written by an older
/// carrierdesk, say.
pub fn each_engine_prepared(sqlite: impl FnOnce(&Path), pg: impl FnOnce(&str)) -> Vec<Db> {
    let set = Arc::new(NoteSet::default());
    let note = |engine| {
        set.open.fetch_add(1, Ordering::SeqCst);
        EngineNote {
            engine,
            set: set.clone(),
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.db");
    sqlite(&path);
    let location = Location::File(path);
    let mut all = vec![Db {
        engine: "SQLite",
        service: Service::open_at(&location).unwrap(),
        raw: Raw::new("SQLite", &location),
        location,
        _dir: Some(dir),
        _note: note("SQLite"),
    }];
    if let Some(url) = pg::fresh_database() {
        pg(&url);
        Store::migrate(&url).unwrap();
        let location = Location::Server(url);
        all.push(Db {
            engine: "PostgreSQL",
            service: Service::open_at(&location).unwrap(),
            raw: Raw::new("PostgreSQL", &location),
            location,
            _dir: None,
            _note: note("PostgreSQL"),
        });
    }
    all
}

/// A customer's stored calls, oldest first.
pub fn calls(service: &Service, customer: i64) -> Vec<carrierdesk::domain::Cdr<'static>> {
    let mut calls = Vec::new();
    service
        .store()
        .for_each_cdr(customer, i64::MIN, i64::MAX, |c| {
            calls.push(c.clone().into_owned());
            Ok::<_, carrierdesk::store::Error>(())
        })
        .unwrap();
    calls
}

/// A customer's call by its uid.
pub fn call(service: &Service, customer: i64, uid: &str) -> carrierdesk::domain::Cdr<'static> {
    calls(service, customer)
        .into_iter()
        .find(|c| c.uid == uid)
        .unwrap_or_else(|| panic!("no call {uid} for customer {customer}"))
}

/// A customer's hourly summary as stored, by hour.
pub fn hourly(
    service: &Service,
    customer: i64,
) -> std::collections::BTreeMap<i64, carrierdesk::domain::Traffic> {
    service
        .store()
        .hourly(customer, i64::MIN, i64::MAX)
        .unwrap()
        .into_iter()
        .map(|r| (r.start, r.traffic))
        .collect()
}

/// The same summary computed straight from the customer's stored calls.
pub fn hourly_from_calls(
    service: &Service,
    customer: i64,
) -> std::collections::BTreeMap<i64, carrierdesk::domain::Traffic> {
    let mut hours = std::collections::BTreeMap::new();
    for c in calls(service, customer) {
        hours
            .entry(c.start_at - c.start_at.rem_euclid(3600))
            .or_insert_with(carrierdesk::domain::Traffic::default)
            .add(&c.traffic());
    }
    hours
}
