//! The board's last-24-hour figures (attempts, connected calls, connected seconds), kept per
//! customer as the summary changes and as the 24 hours slide, on each engine: whatever the
//! clock says and whoever wrote the summary, they equal the hourly rows summed afresh.

mod common;

use carrierdesk::cdr::sample::write_asterisk_sample;
use carrierdesk::domain::BoardRow;
use carrierdesk::service::ImportOptions;
use carrierdesk::store::Location;
use carrierdesk::store::sql::Value;
use common::{Db, NOW, each_engine};
use std::collections::BTreeMap;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

type Figures = BTreeMap<i64, (i64, i64, i64)>;

/// Every customer's figures since `now - 24 h`, summed from the hourly rows.
fn summed(db: &Db, now: i64) -> Figures {
    let mut figures: Figures = db
        .raw
        .query("SELECT id FROM customers")
        .iter()
        .map(|r| (int(&r[0]), (0, 0, 0)))
        .collect();
    let since = now - DAY;
    for r in db.raw.query(&format!(
        "SELECT customer_id, CAST(sum(attempts) AS BIGINT), CAST(sum(connected) AS BIGINT),
                CAST(sum(duration_s) AS BIGINT)
         FROM summary_hourly WHERE hour >= {since} GROUP BY customer_id"
    )) {
        figures.insert(int(&r[0]), (int(&r[1]), int(&r[2]), int(&r[3])));
    }
    figures
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        other => panic!("not a number: {other:?}"),
    }
}

fn of(rows: &[BoardRow]) -> Figures {
    rows.iter()
        .map(|r| (r.id, (r.attempts_24h, r.connected_24h, r.duration_24h)))
        .collect()
}

/// A first screen, a few rows and the whole board, as the console loads them at `now`.
fn check(db: &Db, now: i64, when: &str) {
    let want = summed(db, now);
    assert!(
        want.values().any(|f| f.0 > 0),
        "{}: {when}: the test needs traffic in the window",
        db.engine
    );
    // A first screen and a few rows first: they are read against the window as the last
    // whole load left it.
    let first = db.service.board_first(now, 5).unwrap();
    assert_eq!(first.len(), 5);
    let first_want: Figures = first.iter().map(|r| (r.id, want[&r.id])).collect();
    assert_eq!(
        of(&first),
        first_want,
        "{}: first screen, {when}",
        db.engine
    );
    let ids: Vec<i64> = want.keys().copied().step_by(3).collect();
    let some = db.service.board_rows(&ids, now).unwrap();
    let some_want: Figures = want
        .iter()
        .filter(|(id, _)| ids.contains(id))
        .map(|(id, f)| (*id, *f))
        .collect();
    assert_eq!(of(&some), some_want, "{}: some rows, {when}", db.engine);
    let board = db.service.board(now).unwrap();
    assert_eq!(of(&board), want, "{}: whole board, {when}", db.engine);
}

/// Puts the kept sums as a migration at `at` would have left them: the demo's traffic ends
/// at NOW, days before the real clock under which the schema was made.
fn migrated_at(db: &Db, at: i64) {
    let since = (at / HOUR - 23) * HOUR;
    db.raw.execute(&format!(
        "UPDATE recent_window SET since = {since};
         DELETE FROM recent_traffic;
         INSERT INTO recent_traffic (customer_id, attempts, connected, duration_s)
         SELECT customer_id, sum(attempts), sum(connected), sum(duration_s)
         FROM summary_hourly WHERE hour >= {since} GROUP BY customer_id"
    ));
}

/// Where the load left the start of the kept sums.
fn window(db: &Db) -> i64 {
    db.raw.count("SELECT since FROM recent_window")
}

#[test]
fn the_figures_follow_the_clock_forward_and_back() {
    for db in each_engine(12, 4) {
        migrated_at(&db, NOW - 3 * DAY);
        // Each load moves the kept window forward to its clock; an earlier clock adds back.
        for (now, when) in [
            (NOW - 2 * DAY, "two days before the demo's end"),
            (NOW - 2 * DAY + 1, "a second later"),
            (NOW - 2 * DAY + HOUR - 1, "within the same hour"),
            (NOW - 40 * HOUR, "eight hours on"),
            (NOW - 30 * HOUR + 1800, "ten and a half hours on"),
            (NOW - 3 * DAY, "a clock a day and a half behind"),
            (NOW, "at the demo's end, over a day on"),
            (NOW - 5 * HOUR, "a clock five hours behind"),
            (NOW + 20 * HOUR, "twenty hours after the last traffic"),
        ] {
            check(&db, now, when);
        }
    }
}

#[test]
fn every_write_to_the_summary_is_counted() {
    for mut db in each_engine(6, 2) {
        migrated_at(&db, NOW - DAY);
        let now = NOW - 6 * HOUR;
        check(&db, now, "before any write");
        let (inside, outside) = (now - 2 * HOUR, now - 2 * DAY);
        let hour = |t: i64| t / HOUR * HOUR;
        // A new hour, inside the window and before it.
        db.raw.execute(&format!(
            "DELETE FROM summary_hourly WHERE customer_id = 2 AND hour IN ({}, {});
             INSERT INTO summary_hourly (customer_id, hour, attempts, connected, duration_s)
             VALUES (2, {}, 500, 200, 9000), (2, {}, 7, 7, 7)",
            hour(inside),
            hour(outside),
            hour(inside),
            hour(outside)
        ));
        check(&db, now, "after rows were added");
        // An hour changed, as an import adds to it.
        db.raw.execute(&format!(
            "UPDATE summary_hourly SET attempts = attempts + 11, connected = connected + 3,
                    duration_s = duration_s + 100
             WHERE hour >= {}",
            now - 5 * HOUR
        ));
        check(&db, now, "after hours were added to");
        // Hours deleted, and a customer's traffic all gone.
        db.raw.execute(&format!(
            "DELETE FROM summary_hourly WHERE customer_id = 3 AND hour >= {}",
            now - 3 * HOUR
        ));
        db.raw
            .execute("DELETE FROM summary_hourly WHERE customer_id = 4");
        check(&db, now, "after rows were deleted");
        // Traffic written where it arrives in practice: an import through the service, of
        // a week of calls up to `now`.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Master.csv");
        write_asterisk_sample(&path, 2_000, 6, 3, now).unwrap();
        db.service
            .import_cdrs(
                &common::actor("alice"),
                &[path],
                &ImportOptions::default(),
                &mut |_| {},
            )
            .unwrap();
        check(&db, now, "after an import");
        check(&db, now + 7 * HOUR, "after an import, seven hours on");
    }
}

#[test]
fn a_load_that_cannot_move_the_window_counts_right_and_waits_for_nobody() {
    for db in each_engine(8, 3) {
        migrated_at(&db, NOW - 3 * DAY);
        check(&db, NOW - 2 * DAY, "first");
        let kept = window(&db);
        // Another writer holds what moving the window needs: SQLite's write lock, or on
        // PostgreSQL the window's row, as an import adding to the summary holds it.
        let held = Holder::take(&db);
        for hours in [3, 9, 30] {
            check(
                &db,
                NOW - 2 * DAY + hours * HOUR,
                &format!("{hours} hours on, window held"),
            );
            assert_eq!(window(&db), kept, "{}: the window stayed", db.engine);
        }
        drop(held);
        check(&db, NOW, "window free again");
        assert!(
            window(&db) > kept,
            "{}: the window moved on from {kept} to {}",
            db.engine,
            window(&db)
        );
    }
}

/// An open transaction of another connection, holding the lock a slide of the window needs.
#[allow(dead_code)] // held for its open transaction, never read
enum Holder {
    Sqlite(rusqlite::Connection),
    Pg(postgres::Client),
}

impl Holder {
    fn take(db: &Db) -> Holder {
        match &db.location {
            Location::File(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.execute_batch("BEGIN IMMEDIATE").unwrap();
                Holder::Sqlite(conn)
            }
            Location::Server(url) => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
                client
                    .batch_execute("BEGIN; SELECT since FROM recent_window FOR SHARE")
                    .unwrap();
                Holder::Pg(client)
            }
        }
    }
}
