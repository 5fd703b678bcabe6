//! CDR import through the service, on each engine (SQLite, and PostgreSQL where a server
//! runs): every format, the messy rows found in the field, time zones, dedupe, bad rows,
//! unmatched calls, and the roll-up.

mod common;

use carrierdesk::cdr::Format;
use carrierdesk::cdr::sample::write_asterisk_sample;
use carrierdesk::domain::rating::{ChargedBy, CostBy};
use carrierdesk::domain::{Actor, Cdr, Traffic};
use carrierdesk::service::{ImportOptions, ImportReport, ServiceError};
use common::{Db, each_engine_empty, each_engine_prepared};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const NORDLINK: i64 = 1; // EUR, AC000001, 0.012 EUR a minute, 60/60
const BLUEWAVE: i64 = 2; // USD, AC000002, no rate
const ATLAS: i64 = 3; // EUR, no account code, SIP users 1001 and 1002, 0.006 EUR a minute, 6/6

struct Fixture {
    /// The files a test writes.
    dir: TempDir,
    db: Db,
}

/// The fixture on each engine: its customers in a new database.
fn fixtures() -> Vec<Fixture> {
    each_engine_empty().into_iter().map(Fixture::on).collect()
}

impl Fixture {
    /// The fixture's customers added to `db`, which may hold calls already.
    fn on(db: Db) -> Fixture {
        let f = Fixture {
            dir: tempfile::tempdir().unwrap(),
            db,
        };
        f.add_customer(
            NORDLINK,
            "Nordlink Telecom Ltd",
            "EUR",
            "AC000001",
            12_000,
            60,
        );
        f.add_customer(BLUEWAVE, "Bluewave Voice GmbH", "USD", "AC000002", 0, 60);
        f.add_customer(ATLAS, "Atlas Networks Inc", "EUR", "", 6_000, 6);
        f.sql(
            "INSERT INTO sip_users (customer_id, username, created_at, updated_at) VALUES
             (3, '1001', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
             (3, '1002', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        );
        f
    }

    fn add_customer(&self, id: i64, name: &str, currency: &str, code: &str, rate: i64, inc: u32) {
        self.sql(&format!(
            "INSERT INTO customers (id, name, status, currency, account_code, rate_micros,
                 bill_first_s, bill_next_s, created_at, updated_at)
             VALUES ({id}, '{name}', 'active', '{currency}', '{code}', {rate}, {inc}, {inc},
                 '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
        ));
    }

    /// Test setup and checks beside the service, on a connection of their own.
    fn sql(&self, sql: &str) {
        self.db.raw.execute(sql);
    }

    fn count(&self, sql: &str) -> i64 {
        self.db.raw.count(sql)
    }

    fn import(
        &mut self,
        files: &[PathBuf],
        options: &ImportOptions,
    ) -> Result<ImportReport, ServiceError> {
        self.db
            .service
            .import_cdrs(&actor(), files, options, &mut |_| {})
    }

    fn import_data(&mut self, names: &[&str]) -> ImportReport {
        let files: Vec<PathBuf> = names.iter().map(|n| data(n)).collect();
        self.import(&files, &ImportOptions::default()).unwrap()
    }

    fn calls(&self, customer: i64) -> Vec<Cdr<'static>> {
        common::calls(&self.db.service, customer)
    }

    fn call(&self, customer: i64, uid: &str) -> Cdr<'static> {
        common::call(&self.db.service, customer, uid)
    }

    /// The hourly summary as stored.
    fn hourly(&self, customer: i64) -> BTreeMap<i64, Traffic> {
        common::hourly(&self.db.service, customer)
    }

    /// The hourly summary computed straight from the stored calls.
    fn summed_from_calls(&self, customer: i64) -> BTreeMap<i64, Traffic> {
        common::hourly_from_calls(&self.db.service, customer)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn actor() -> Actor {
    Actor {
        name: "tester".into(),
        ip: "local".into(),
        role: "operator".into(),
    }
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cdrs")
        .join(name)
}

/// Unix seconds of a UTC time written `YYYY-MM-DD HH:MM:SS`.
fn utc(text: &str) -> i64 {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .unwrap()
        .and_utc()
        .timestamp()
}

fn ids(list: &[carrierdesk::service::CustomerRef]) -> Vec<i64> {
    list.iter().map(|c| c.id).collect()
}

fn traffic(attempts: i64, connected: i64, duration_s: i64, billed_s: i64, charge: i64) -> Traffic {
    Traffic {
        attempts,
        connected,
        duration_s,
        billed_s,
        charge,
        cost: 0,
    }
}

#[test]
fn asterisk_master_csv_is_guessed_matched_and_rated() {
    for mut f in fixtures() {
        let report = f.import_data(&["asterisk_master.csv"]);
        assert_eq!(report.files[0].format, Some(Format::Asterisk));
        assert!(report.files[0].guessed);
        assert_eq!(
            (
                report.rows,
                report.inserted,
                report.duplicates,
                report.unmatched,
                report.rejected
            ),
            (8, 8, 0, 1, 0)
        );
        assert_eq!(ids(&report.rated), [NORDLINK, ATLAS]);
        assert_eq!(ids(&report.no_rate), [BLUEWAVE]);
        assert_eq!(report.zone, "UTC");

        // 120 s at 0.012 EUR a minute is 2.4 cents, kept exactly: 0.024 EUR.
        let first = f.call(NORDLINK, "1793614500.1");
        assert_eq!(first.start_at, utc("2026-11-02 10:15:00"));
        assert!(first.answered);
        assert_eq!(
            (first.duration_s, first.billed_s, first.charge, first.cost),
            (120, 120, 24_000, 0)
        );
        assert_eq!(first.account_code, "AC000001");
        // The account code "1" is customer 1's id; 61 s bill as 120 s under 60/60.
        let by_id = f.call(NORDLINK, "1793616300.4");
        assert_eq!(
            (by_id.duration_s, by_id.billed_s, by_id.charge),
            (61, 120, 24_000)
        );
        // Bluewave has no rate: billed in its increments, charged nothing.
        let unrated = f.call(BLUEWAVE, "1793617500.6");
        assert_eq!((unrated.billed_s, unrated.charge), (60, 0));
        assert_eq!(
            f.hourly(NORDLINK),
            BTreeMap::from([
                (utc("2026-11-02 10:00:00"), traffic(3, 2, 181, 240, 48_000)),
                (utc("2026-11-02 11:00:00"), traffic(1, 0, 0, 0, 0)),
            ])
        );
    }
}

#[test]
fn an_unanswered_asterisk_call_with_an_empty_answer_time_counts_as_an_attempt() {
    for mut f in fixtures() {
        f.import_data(&["asterisk_master.csv"]);
        let missed = f.call(NORDLINK, "1793614800.3");
        assert!(!missed.answered);
        assert_eq!(missed.disposition, "NO ANSWER");
        assert_eq!(
            (missed.duration_s, missed.billed_s, missed.charge),
            (0, 0, 0)
        );
    }
}

#[test]
fn the_sip_user_in_the_channel_name_finds_the_customer() {
    for mut f in fixtures() {
        f.import_data(&["asterisk_master.csv"]);
        let calls = f.calls(ATLAS);
        let channels: Vec<&str> = calls.iter().map(|c| c.channel.as_ref()).collect();
        assert_eq!(channels, ["SIP/1001-0000abcd", "PJSIP/1002-00000012"]);
        // 61 s under 6/6 bill as 66 s; at 0.006 EUR a minute that is 0.66 cents, exactly.
        assert_eq!((calls[0].billed_s, calls[0].charge), (66, 6_600));
        assert!(!calls[1].answered);
    }
}

#[test]
fn unmatched_rows_are_counted_listed_and_claimed_once_their_customer_exists() {
    for mut f in fixtures() {
        let report = f.import_data(&["asterisk_master.csv"]);
        assert_eq!(report.unmatched, 1);
        let (count, unmatched) = f.db.service.unmatched_cdrs(100).unwrap();
        assert_eq!(count, 1);
        assert_eq!(unmatched[0].account_code, "AC999999");
        assert_eq!(unmatched[0].customer_id, None);

        // The operator adds the missing account code and imports the same file again.
        f.add_customer(4, "Meridian Calling AB", "EUR", "AC999999", 60_000, 1);
        let again = f.import_data(&["asterisk_master.csv"]);
        assert_eq!(
            (
                again.inserted,
                again.claimed,
                again.duplicates,
                again.unmatched
            ),
            (0, 1, 7, 0)
        );
        assert_eq!(f.db.service.unmatched_cdrs(100).unwrap().0, 0);
        // 45 s at 0.06 EUR a minute, per second: 4.5 cents, kept exactly.
        assert_eq!(
            f.hourly(4),
            BTreeMap::from([(utc("2026-11-02 11:00:00"), traffic(1, 1, 45, 45, 45_000))])
        );
    }
}

#[test]
fn importing_the_same_file_twice_adds_nothing() {
    for mut f in fixtures() {
        f.import_data(&["asterisk_master.csv", "asterisk_16.csv", "native.csv"]);
        let summary = [NORDLINK, BLUEWAVE, ATLAS].map(|c| f.hourly(c));
        let again = f.import_data(&["asterisk_master.csv", "asterisk_16.csv", "native.csv"]);
        assert_eq!(
            (again.inserted, again.claimed, again.duplicates),
            (0, 0, 13)
        );
        assert_eq!([NORDLINK, BLUEWAVE, ATLAS].map(|c| f.hourly(c)), summary);
        assert_eq!(f.count("SELECT count(*) FROM cdrs"), 13);
        // Each import leaves one audit row, whatever it added.
        assert_eq!(
            f.count("SELECT count(*) FROM audit_log WHERE table_name = 'cdrs' AND action = 'POST'"),
            2
        );
    }
}

/// A database on each engine at the first schema with `rows` in it (the same SQL on both),
/// then migrated and opened as carrierdesk does.
fn at_the_first_schema(rows: &'static str) -> Vec<Db> {
    let sqlite = |path: &Path| {
        let old = rusqlite::Connection::open(path).unwrap();
        old.execute_batch(include_str!("../src/store/schema.sql"))
            .unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        old.execute_batch(rows).unwrap();
    };
    // The version as `db migrate` records it on PostgreSQL.
    let pg = |url: &str| {
        let mut old = postgres::Client::connect(url, postgres::NoTls).unwrap();
        old.batch_execute(include_str!("../src/store/pg/v1_schema.sql"))
            .unwrap();
        old.batch_execute(
            "CREATE TABLE schema_version (version BIGINT NOT NULL);
             INSERT INTO schema_version (version) VALUES (1);",
        )
        .unwrap();
        old.batch_execute(rows).unwrap();
    };
    each_engine_prepared(sqlite, pg)
}

/// Customers in EUR (cents), JPY (no minor unit) and BHD (fils), with a call and an hour
/// each, as schema 11 stored them: in minor units.
const OLD_MONEY: &str = "
    INSERT INTO customers (id, name, status, currency, created_at, updated_at) VALUES
        (11, 'Euro Ltd', 'active', 'EUR', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'),
        (12, 'Yen KK', 'active', 'JPY', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'),
        (13, 'Dinar WLL', 'active', 'BHD', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
    INSERT INTO cdrs (uid, customer_id, start_at, answered, duration_s, billed_s, charge, cost)
    VALUES ('e', 11, 1793614500, 1, 60, 60, 125, 100),
           ('y', 12, 1793614500, 1, 60, 60, 7, 5),
           ('b', 13, 1793614500, 1, 60, 60, 1234, 1000),
           ('u', NULL, 1793614500, 1, 60, 0, 0, 0);
    INSERT INTO summary_hourly (customer_id, hour, attempts, connected, duration_s, billed_s, charge, cost)
    VALUES (11, 1793613600, 1, 1, 60, 60, 125, 100),
           (12, 1793613600, 1, 1, 60, 60, 7, 5),
           (13, 1793613600, 1, 1, 60, 60, 1234, 1000);";

#[test]
fn money_stored_in_minor_units_is_converted_to_millionths_by_the_migration() {
    for db in at_the_first_schema(OLD_MONEY) {
        let f = Fixture::on(db);
        // 1.25 EUR, 7 JPY and 1.234 BHD, in millionths; a call of nobody stays at zero.
        for (uid, charge, cost) in [
            ("e", 1_250_000, 1_000_000),
            ("y", 7_000_000, 5_000_000),
            ("b", 1_234_000, 1_000_000),
            ("u", 0, 0),
        ] {
            assert_eq!(
                f.count(&format!("SELECT charge FROM cdrs WHERE uid = '{uid}'")),
                charge
            );
            assert_eq!(
                f.count(&format!("SELECT cost FROM cdrs WHERE uid = '{uid}'")),
                cost
            );
        }
        assert_eq!(f.hourly(11).values().next().unwrap().charge, 1_250_000);
        assert_eq!(f.hourly(12).values().next().unwrap().cost, 5_000_000);
        assert_eq!(f.hourly(13).values().next().unwrap().charge, 1_234_000);
    }
}

/// The first call of asterisk_master.csv, imported before its customer existed, as the
/// first schema stored it (the same text on both engines).
const OLD_CALL: &str =
    "INSERT INTO cdrs (uid, customer_id, start_at, answered, duration_s, billed_s,
                          src, dst, disposition, channel, account_code)
    VALUES ('1793614500.1', NULL, 1793614500, 1, 120, 0, '4930111222', '441632960001',
            'ANSWERED', 'SIP/gw1-00000001', 'AC000001')";

#[test]
fn calls_stored_under_the_first_schema_are_still_known_after_the_migration() {
    for db in at_the_first_schema(OLD_CALL) {
        let version = if db.is_pg() {
            "SELECT version FROM schema_version"
        } else {
            "PRAGMA user_version"
        };
        let mut f = Fixture::on(db);
        assert_eq!(f.count(version), carrierdesk::store::SCHEMA_VERSION);
        let first = f.import_data(&["asterisk_master.csv"]);
        assert_eq!((first.inserted, first.claimed, first.duplicates), (7, 1, 0));
        assert_eq!(f.call(NORDLINK, "1793614500.1").charge, 24_000);
        let again = f.import_data(&["asterisk_master.csv"]);
        assert_eq!((again.inserted, again.claimed, again.duplicates), (0, 0, 8));
        assert_eq!(f.count("SELECT count(*) FROM cdrs"), 8);
        assert_eq!(f.hourly(NORDLINK), f.summed_from_calls(NORDLINK));
    }
}

#[test]
fn windows_line_endings_import_and_are_the_same_calls_as_unix_ones() {
    for mut f in fixtures() {
        let report = f.import_data(&["asterisk_messy.csv"]);
        assert_eq!((report.inserted, report.rejected), (2, 0));
        assert!(f.calls(NORDLINK).iter().all(|c| !c.uid.contains('\r')));

        // 16-field rows are known by a hash of their fields: CRLF must not change it.
        f.import_data(&["asterisk_16.csv"]);
        let crlf = f.path("asterisk_16_crlf.csv");
        let unix = std::fs::read(data("asterisk_16.csv")).unwrap();
        std::fs::write(
            &crlf,
            String::from_utf8(unix).unwrap().replace('\n', "\r\n"),
        )
        .unwrap();
        let again = f.import(&[crlf], &ImportOptions::default()).unwrap();
        assert_eq!((again.inserted, again.duplicates), (0, 2));
    }
}

#[test]
fn a_caller_name_that_is_not_utf8_imports() {
    for mut f in fixtures() {
        f.import_data(&["asterisk_messy.csv"]);
        // The clid of this call is Latin-1 ("René Müller"); the row imports all the same.
        let call = f.call(NORDLINK, "1793696400.20");
        assert_eq!(call.start_at, utc("2026-11-03 09:00:00"));
        assert_eq!((call.duration_s, call.billed_s), (90, 120));
    }
}

#[test]
fn quoted_commas_and_doubled_quotes_stay_inside_their_field() {
    for mut f in fixtures() {
        f.import_data(&["asterisk_messy.csv"]);
        // clid is `"Smith, John ""JJ""" <...>` and lastdata holds commas: had either split, the
        // fields after them would be off by one and the row refused.
        let call = f.call(NORDLINK, "1793696700.22");
        assert_eq!(call.dst, "441632960011");
        assert_eq!(call.start_at, utc("2026-11-03 09:05:00"));
        assert_eq!(call.disposition, "NO ANSWER");
    }
}

#[test]
fn sixteen_field_rows_are_told_apart_by_a_hash() {
    for mut f in fixtures() {
        let report = f.import_data(&["asterisk_16.csv"]);
        assert_eq!(report.files[0].format, Some(Format::Asterisk));
        assert_eq!(report.inserted, 2);
        assert!(
            f.calls(NORDLINK)
                .iter()
                .all(|c| c.uid.starts_with("sha256:"))
        );
    }
}

#[test]
fn twenty_one_fields_keep_both_cdrs_of_a_transferred_call() {
    for mut f in fixtures() {
        let report = f.import_data(&["asterisk_21.csv"]);
        assert_eq!(report.inserted, 2);
        let uids: Vec<String> = f
            .calls(NORDLINK)
            .iter()
            .map(|c| c.uid.to_string())
            .collect();
        assert_eq!(uids, ["1793887200.40#41", "1793887200.40#42"]);
    }
}

#[test]
fn asterisk_cdr_custom_puts_the_account_code_after_amaflags() {
    for mut f in fixtures() {
        let report = f.import_data(&["asterisk_custom.csv"]);
        assert_eq!(report.files[0].format, Some(Format::AsteriskCustom));
        let call = f.call(NORDLINK, "1793980800.50#50");
        assert_eq!(
            (call.duration_s, call.billed_s, call.charge),
            (180, 180, 36_000)
        );
        // No account code: the SIP user 1001 in the channel name belongs to Atlas.
        let missed = f.call(ATLAS, "1793981100.52#52");
        assert!(!missed.answered);
    }
}

#[test]
fn freeswitch_local_times_become_utc_with_the_file_zone() {
    for mut f in fixtures() {
        let options = ImportOptions {
            zone: "Europe/Berlin".parse().unwrap(),
            ..ImportOptions::default()
        };
        let report = f.import(&[data("freeswitch_13.csv")], &options).unwrap();
        assert_eq!(report.files[0].format, Some(Format::FreeSwitch));
        assert_eq!(report.zone, "Europe/Berlin");
        let calls = f.calls(NORDLINK);
        // July is summer time in Berlin (UTC+2), November is not (UTC+1).
        assert_eq!(calls[0].start_at, utc("2026-07-01 10:00:00"));
        assert!(!calls[0].answered, "no answer_stamp");
        assert_eq!(calls[1].start_at, utc("2026-11-07 10:15:00"));
        assert!(calls[1].answered);
        assert_eq!(calls[1].uid, "5b2a9c1e-0c57-4d8e-9f3a-6f0e2d1c0a01");
    }
}

#[test]
fn a_fixed_offset_zone_shifts_every_time_alike() {
    for mut f in fixtures() {
        let options = ImportOptions {
            zone: "-05:00".parse().unwrap(),
            ..ImportOptions::default()
        };
        let report = f.import(&[data("freeswitch_15.csv")], &options).unwrap();
        assert_eq!(report.files[0].format, Some(Format::FreeSwitch));
        let call = &f.calls(BLUEWAVE)[0];
        assert_eq!(call.start_at, utc("2026-11-08 14:30:00"));
        assert_eq!((call.duration_s, call.billed_s, call.charge), (300, 300, 0));
        assert_eq!(ids(&report.no_rate), [BLUEWAVE]);
    }
}

#[test]
fn native_rows_carry_their_own_price() {
    for mut f in fixtures() {
        let report = f.import_data(&["native.csv"]);
        assert_eq!(report.files[0].format, Some(Format::Native));
        assert_eq!(ids(&report.priced_by_file), [NORDLINK, BLUEWAVE]);
        assert!(report.rated.is_empty() && report.no_rate.is_empty());
        let call = f.call(NORDLINK, "n-1");
        assert_eq!(
            (call.duration_s, call.billed_s, call.charge, call.cost),
            (95, 120, 50_000, 30_000)
        );
        assert_eq!(f.call(NORDLINK, "n-2").start_at, utc("2026-11-09 10:30:00"));
        let call = f.call(BLUEWAVE, "n-3");
        assert_eq!((call.charge, call.cost), (1_200_000, 850_000));
    }
}

#[test]
fn a_native_row_priced_in_another_currency_than_its_customer_is_refused() {
    for mut f in fixtures() {
        let file = f.path("usd.csv");
        std::fs::write(
            &file,
            "start,account_code,answered,duration,billed,charge,cost,currency\n\
         2026-11-09 10:00:00,AC000001,1,60,60,0.10,0.05,USD\n",
        )
        .unwrap();
        let err = f.import(&[file], &ImportOptions::default()).unwrap_err();
        assert!(
            err.to_string().ends_with(
                "usd.csv line 2, field currency (column 8): the call is priced in USD, \
             but customer 1 (Nordlink Telecom Ltd) is billed in EUR"
            ),
            "{err}"
        );
    }
}

#[test]
fn a_bad_row_stops_the_import_and_nothing_is_written() {
    for mut f in fixtures() {
        let files = [data("asterisk_master.csv"), data("asterisk_bad.csv")];
        let err = f.import(&files, &ImportOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{} line 2, field start (column 10): '2026-11-31 10:00:00' is not a time like \
             YYYY-MM-DD HH:MM:SS",
                data("asterisk_bad.csv").display()
            )
        );
        assert_eq!(f.count("SELECT count(*) FROM cdrs"), 0);
        assert_eq!(f.count("SELECT count(*) FROM summary_hourly"), 0);
        assert_eq!(f.count("SELECT count(*) FROM audit_log"), 0);
    }
}

#[test]
fn skip_bad_imports_the_rest_and_writes_the_rejected_lines_with_reasons() {
    for mut f in fixtures() {
        let rejects = f.path("rejected.csv");
        let options = ImportOptions {
            rejects: Some(rejects.clone()),
            ..ImportOptions::default()
        };
        let report = f.import(&[data("asterisk_bad.csv")], &options).unwrap();
        assert_eq!((report.rows, report.inserted, report.rejected), (5, 2, 3));
        assert_eq!(report.reject_file.as_deref(), Some(rejects.as_path()));

        let mut reader = csv::Reader::from_path(&rejects).unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let lines: Vec<&str> = rows.iter().map(|r| &r[1]).collect();
        assert_eq!(lines, ["2", "3", "4"]);
        assert!(rows[0][2].starts_with("field start (column 10): '2026-11-31 10:00:00'"));
        assert_eq!(
            &rows[1][2],
            "field billsec (column 14): '-5' is negative; a duration cannot be"
        );
        assert_eq!(
            &rows[2][2],
            "the row has 4 fields, but Asterisk cdr_csv (Master.csv) rows have 16 to 21"
        );
        // The row is kept field for field, so that it can be fixed and imported again.
        let original = std::fs::read_to_string(data("asterisk_bad.csv")).unwrap();
        let fields = |line: &str| -> Vec<String> {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes());
            r.records()
                .next()
                .unwrap()
                .unwrap()
                .iter()
                .map(String::from)
                .collect()
        };
        for (row, line) in rows.iter().zip([1, 2, 3]) {
            assert_eq!(fields(&row[3]), fields(original.lines().nth(line).unwrap()));
        }
    }
}

#[test]
fn a_clean_import_with_skip_bad_writes_no_reject_file() {
    for mut f in fixtures() {
        let rejects = f.path("rejected.csv");
        let options = ImportOptions {
            rejects: Some(rejects.clone()),
            ..ImportOptions::default()
        };
        let report = f.import(&[data("asterisk_master.csv")], &options).unwrap();
        assert_eq!(report.reject_file, None);
        assert!(!rejects.exists());
    }
}

#[test]
fn a_format_given_explicitly_is_held_to() {
    for mut f in fixtures() {
        let options = ImportOptions {
            format: Some(Format::Asterisk),
            ..ImportOptions::default()
        };
        let err = f
            .import(&[data("freeswitch_13.csv")], &options)
            .unwrap_err();
        assert!(
        err.to_string().ends_with(
            "freeswitch_13.csv line 1: the row has 13 fields, but Asterisk cdr_csv (Master.csv) rows have 16 to 21"
        ),
        "{err}"
    );
        let options = ImportOptions {
            format: Some(Format::FreeSwitch),
            ..ImportOptions::default()
        };
        let report = f.import(&[data("freeswitch_13.csv")], &options).unwrap();
        assert!(!report.files[0].guessed);
    }
}

#[test]
fn a_file_of_no_known_format_is_refused_with_the_formats_listed() {
    for mut f in fixtures() {
        let file = f.path("notes.csv");
        std::fs::write(&file, "hello,world\n").unwrap();
        let err = f.import(&[file], &ImportOptions::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains("notes.csv: its first row (2 fields) is none of the formats known"),
            "{err}"
        );
    }
}

#[test]
fn the_roll_up_equals_a_direct_sum_over_the_calls() {
    for mut f in fixtures() {
        f.import_data(&[
            "asterisk_master.csv",
            "asterisk_messy.csv",
            "asterisk_16.csv",
            "asterisk_21.csv",
            "asterisk_custom.csv",
            "freeswitch_13.csv",
            "freeswitch_15.csv",
            "native.csv",
        ]);
        for customer in [NORDLINK, BLUEWAVE, ATLAS] {
            assert_eq!(
                f.hourly(customer),
                f.summed_from_calls(customer),
                "customer {customer}"
            );
        }
    }
}

#[test]
fn the_roll_up_of_a_generated_day_equals_a_direct_sum_and_adds_up_across_imports() {
    for mut f in fixtures() {
        for id in 4..=20 {
            f.add_customer(
                id,
                &format!("Customer {id}"),
                "GBP",
                &format!("AC{id:06}"),
                9_000 + id * 100,
                30,
            );
        }
        let until = utc("2026-11-20 00:00:00");
        let (first, second) = (f.path("first.csv"), f.path("second.csv"));
        write_asterisk_sample(&first, 3_000, 20, 11, until).unwrap();
        // A second now later: the uniqueids of a sample are its calls' start and sequence, so
        // two samples up to the same second both start with a call "until - 7 days".0, each a
        // different call, which is a bad row now rather than a silent duplicate.
        write_asterisk_sample(&second, 2_000, 20, 12, until + 1).unwrap();
        let mut last = None;
        let report =
            f.db.service
                .import_cdrs(&actor(), &[first], &ImportOptions::default(), &mut |p| {
                    last = Some(p)
                })
                .unwrap();
        let last = last.unwrap();
        assert_eq!((last.rows, last.bytes_done), (3_000, last.bytes_total));
        assert_eq!(report.inserted, 3_000);
        assert!(report.unmatched > 0);
        // A second import adds to the hours the first one wrote.
        f.import(&[second], &ImportOptions::default()).unwrap();
        for customer in 1..=20 {
            let hourly = f.hourly(customer);
            assert!(!hourly.is_empty());
            assert_eq!(hourly, f.summed_from_calls(customer), "customer {customer}");
        }
    }
}

#[test]
fn the_cdr_report_is_utc_csv_that_imports_back_unchanged() {
    // A second database on the same engine to import the report into.
    for (mut f, mut other) in fixtures().into_iter().zip(fixtures()) {
        f.import_data(&["asterisk_master.csv"]);
        let report = f.path("nordlink.csv");
        let n =
            f.db.service
                .export_cdrs(
                    NORDLINK,
                    utc("2026-11-02 00:00:00"),
                    utc("2026-11-03 00:00:00"),
                    &report,
                )
                .unwrap();
        assert_eq!(n, 4);
        let text = std::fs::read_to_string(&report).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(
                "uid,account_code,src,dst,channel,provider,start,answered,duration,billed,disposition,charge,cost,currency"
            )
        );
        assert_eq!(
            lines.next(),
            Some(
                "1793614500.1,AC000001,4930111222,441632960001,SIP/gw1-00000001,carrier,2026-11-02T10:15:00Z,1,120,120,ANSWERED,0.024,0.00,EUR"
            )
        );

        let back = other.import(&[report], &ImportOptions::default()).unwrap();
        assert_eq!(back.files[0].format, Some(Format::Native));
        assert_eq!(other.hourly(NORDLINK), f.hourly(NORDLINK));
        // The same calls, now priced by the file rather than rated.
        let by_file = |calls: Vec<Cdr<'static>>| {
            calls
                .into_iter()
                .map(|c| Cdr {
                    charged_by: ChargedBy::File,
                    cost_by: CostBy::File,
                    ..c
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(other.calls(NORDLINK), by_file(f.calls(NORDLINK)));
    }
}

#[test]
fn the_cdr_report_neutralises_formulas_and_imports_them_back_unchanged() {
    for (mut f, mut other) in fixtures().into_iter().zip(fixtures()) {
        let calls = f.path("formulas.csv");
        std::fs::write(
            &calls,
            "uid,account_code,src,dst,channel,start,answered,duration,billed,disposition,charge,cost,currency\n\
             =1+1,AC000001,+442079460000,\"=HYPERLINK(\"\"http://x.example\"\",\"\"pay\"\")\",@SUM(A1),2026-11-09 10:00:00,1,60,60,-x,0.10,0.05,EUR\n\
             ''=kept,AC000001,-5,'plain,SIP/1001-1,2026-11-09 10:05:00,1,60,60,ANSWERED,0.10,0.05,EUR\n",
        )
        .unwrap();
        f.import(&[calls], &ImportOptions::default()).unwrap();
        let stored = f.call(NORDLINK, "=1+1");
        assert_eq!(
            (
                stored.src.as_ref(),
                stored.dst.as_ref(),
                stored.channel.as_ref()
            ),
            (
                "+442079460000",
                "=HYPERLINK(\"http://x.example\",\"pay\")",
                "@SUM(A1)"
            )
        );
        let report = f.path("report.csv");
        f.db.service
            .export_cdrs(NORDLINK, i64::MIN, i64::MAX, &report)
            .unwrap();
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(
            text.contains(
                "'=1+1,AC000001,+442079460000,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"pay\"\")\",'@SUM(A1),,2026-11-09T10:00:00Z,1,60,60,'-x,0.10,0.05,EUR"
            ),
            "{text}"
        );
        assert!(text.contains("''=kept,AC000001,-5,'plain,"), "{text}");

        other.import(&[report], &ImportOptions::default()).unwrap();
        assert_eq!(other.calls(NORDLINK), f.calls(NORDLINK));
        assert_eq!(other.call(NORDLINK, "'=kept").dst, "'plain");
    }
}

#[test]
fn a_call_charged_below_zero_or_above_the_most_one_call_may_is_refused_by_its_line() {
    for mut f in fixtures() {
        let header = "uid,start,account_code,answered,duration,billed,charge,cost,currency\n";
        let good = "u-1,2026-11-09 10:00:00,AC000001,1,60,60,1000000.00,0.05,EUR\n";
        for (row, field, message) in [
            (
                "u-2,2026-11-09 10:01:00,AC000001,1,60,60,92233720368547758.07,0,EUR\n",
                "charge (column 7)",
                "",
            ),
            (
                "u-2,2026-11-09 10:01:00,AC000001,1,60,60,-1,0,EUR\n",
                "charge (column 7)",
                "-1.00 is negative",
            ),
            (
                "u-2,2026-11-09 10:01:00,AC000001,1,60,60,0.10,1000000.01,EUR\n",
                "cost (column 8)",
                "1000000.01 EUR is more than one call may come to (1000000.00 EUR)",
            ),
        ] {
            let file = f.path("big.csv");
            std::fs::write(&file, format!("{header}{good}{row}")).unwrap();
            let err = f.import(&[file], &ImportOptions::default()).unwrap_err();
            let err = err.to_string();
            assert!(
                err.contains(&format!("big.csv line 3, field {field}: {message}")),
                "{err}"
            );
            assert_eq!(f.count("SELECT count(*) FROM cdrs"), 0);
        }
        // The most one call may come to is stored, and summed.
        let file = f.path("max.csv");
        std::fs::write(&file, format!("{header}{good}")).unwrap();
        f.import(&[file], &ImportOptions::default()).unwrap();
        let hours = f.hourly(NORDLINK);
        assert_eq!(
            hours.values().map(|t| t.charge).sum::<i64>(),
            1_000_000_000_000
        );
    }
}

#[test]
fn an_hourly_total_that_would_overflow_refuses_the_import_and_keeps_the_summary_readable() {
    for mut f in fixtures() {
        let hour = utc("2026-11-09 10:00:00");
        let header = "uid,start,account_code,answered,duration,billed,charge,cost,currency\n";
        let file = f.path("hour.csv");
        std::fs::write(
            &file,
            format!("{header}u-1,2026-11-09 10:05:00,AC000001,1,60,60,0.05,0.01,EUR\n"),
        )
        .unwrap();
        // Totals stored by earlier imports, one figure at a time at the most it can hold.
        for column in ["attempts", "charge", "cost", "duration_s"] {
            let stored = Traffic {
                attempts: 1,
                connected: 1,
                duration_s: 60,
                billed_s: 60,
                charge: 5,
                cost: 1,
            };
            f.sql("DELETE FROM summary_hourly");
            f.sql(&format!(
                "INSERT INTO summary_hourly (customer_id, hour, attempts, connected, duration_s,
                     billed_s, charge, cost)
                 VALUES ({NORDLINK}, {hour}, 1, 1, 60, 60, 5, 1)"
            ));
            f.sql(&format!(
                "UPDATE summary_hourly SET {column} = {}",
                i64::MAX
            ));
            let err = f
                .import(std::slice::from_ref(&file), &ImportOptions::default())
                .unwrap_err();
            assert!(err.is_refusal(), "{column}: {err}");
            assert_eq!(
                err.to_string(),
                "hourly summary: a customer's total for an hour would overflow with these calls \
                 added to the calls stored before; nothing was imported",
                "{column}"
            );
            assert_eq!(f.count("SELECT count(*) FROM cdrs"), 0, "{column}");
            let hours = f.hourly(NORDLINK);
            let mut expected = stored;
            match column {
                "attempts" => expected.attempts = i64::MAX,
                "charge" => expected.charge = i64::MAX,
                "cost" => expected.cost = i64::MAX,
                _ => expected.duration_s = i64::MAX,
            }
            assert_eq!(hours, BTreeMap::from([(hour, expected)]), "{column}");
        }
    }
}

#[test]
fn the_report_of_an_unknown_customer_is_an_error() {
    for f in fixtures() {
        let err =
            f.db.service
                .export_cdrs(99, 0, i64::MAX, &f.path("x.csv"))
                .unwrap_err();
        assert_eq!(err.to_string(), "customer 99 does not exist");
    }
}

#[test]
fn a_bad_row_deep_in_a_large_file_is_found_by_its_line_and_an_early_one_stops_at_once() {
    for mut f in fixtures() {
        let until = utc("2026-11-20 00:00:00");
        let good = f.path("good.csv");
        write_asterisk_sample(&good, 5_000, 3, 5, until).unwrap();
        let text = std::fs::read_to_string(&good).unwrap();
        let bad_row = format!("{},\"x\",\"x\",\"x\",\"x\"", text.lines().next().unwrap());

        // Past the first few thousand rows: the message still names the line.
        let late = f.path("late.csv");
        std::fs::write(&late, format!("{text}{bad_row}\n")).unwrap();
        let err = f.import(&[late], &ImportOptions::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains("late.csv line 5001: the row has 22 fields"),
            "{err}"
        );

        // On line 2 the import stops there, however much of the file is still unread.
        let early = f.path("early.csv");
        let (first, rest) = text.split_once('\n').unwrap();
        std::fs::write(&early, format!("{first}\n{bad_row}\n{rest}")).unwrap();
        let err = f.import(&[early], &ImportOptions::default()).unwrap_err();
        assert!(err.to_string().contains("early.csv line 2:"), "{err}");
        assert_eq!(f.count("SELECT count(*) FROM cdrs"), 0);
    }
}

#[test]
fn a_large_file_of_new_stored_repeated_and_claimed_calls_stores_each_call_once() {
    // Several thousand rows, so that SQLite stores them many calls a statement: calls stored
    // by an earlier import, new ones, calls this import stored a few thousand rows before or
    // on the line before, and calls stored without a customer that one added since claims,
    // mixed across the batches and statements calls are stored in.
    for mut f in fixtures() {
        let until = utc("2026-11-20 00:00:00");
        let all = f.path("all.csv");
        // Customer 4 does not exist yet: its calls are stored without a customer at first.
        write_asterisk_sample(&all, 3_000, 4, 7, until).unwrap();
        let text = std::fs::read_to_string(&all).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let earlier = f.path("earlier.csv");
        std::fs::write(&earlier, lines[..1_500].join("\n") + "\n").unwrap();
        let first = f.import(&[earlier], &ImportOptions::default()).unwrap();
        assert_eq!(first.inserted, 1_500);
        let to_claim = f.count(
            "SELECT count(*) FROM cdrs
             WHERE customer_id IS NULL AND account_code IN ('AC000004', '4')",
        ) as u64;
        assert!(to_claim > 0);
        f.add_customer(4, "Meridian Calling AB", "EUR", "AC000004", 60_000, 1);

        // Every line, every seventh one twice in a row, then 500 of them again.
        let mut mixed_text = String::new();
        for (n, line) in lines.iter().enumerate() {
            for _ in 0..if n % 7 == 0 { 2 } else { 1 } {
                mixed_text.push_str(line);
                mixed_text.push('\n');
            }
        }
        mixed_text.push_str(&(lines[2_000..2_500].join("\n") + "\n"));
        let mixed = f.path("mixed.csv");
        std::fs::write(&mixed, &mixed_text).unwrap();
        let report = f.import(&[mixed], &ImportOptions::default()).unwrap();
        let rows = mixed_text.lines().count() as u64;
        assert_eq!(
            (
                report.inserted,
                report.claimed,
                report.duplicates,
                report.rejected
            ),
            (1_500, to_claim, rows - 1_500 - to_claim, 0),
            "{}",
            f.db.engine
        );
        assert_eq!(f.count("SELECT count(*) FROM cdrs"), 3_000);
        assert_eq!(
            f.count(
                "SELECT count(*) FROM cdrs
                 WHERE customer_id IS NULL AND account_code IN ('AC000004', '4')"
            ),
            0
        );
        for customer in 1..=4 {
            assert_eq!(f.hourly(customer), f.summed_from_calls(customer));
        }
    }
}

/// The first call of asterisk_master.csv (uniqueid 1793614500.1), as another PBX that
/// numbers its calls alike wrote a different call: another time, caller and callee.
const OTHER_PBX_CALL: &str = "\"AC000001\",\"4930999888\",\"441632960099\",\"from-customer\",\
    \"\"\"Eve\"\" <4930999888>\",\"SIP/gw9-00000001\",\"SIP/carrier-00000002\",\"Dial\",\
    \"SIP/carrier/441632960099,60,tT\",\"2026-11-05 08:00:00\",\"2026-11-05 08:00:05\",\
    \"2026-11-05 08:02:05\",125,120,\"ANSWERED\",\"DOCUMENTATION\",\"1793614500.1\",\"\"";

/// A new call of the same file's layout, with a uid nobody has.
const NEW_CALL: &str = "\"AC000001\",\"4930111222\",\"441632960098\",\"from-customer\",\
    \"\"\"Anna Berg\"\" <4930111222>\",\"SIP/gw1-00000098\",\"\",\"Dial\",\
    \"SIP/carrier/441632960098,60,tT\",\"2026-11-05 09:00:00\",\"\",\"2026-11-05 09:00:10\",\
    10,0,\"NO ANSWER\",\"DOCUMENTATION\",\"1793955600.98\",\"\"";

#[test]
fn a_different_call_with_the_uid_of_a_stored_one_is_a_bad_row() {
    for mut f in fixtures() {
        f.import_data(&["asterisk_master.csv"]);
        let before = f.hourly(NORDLINK);
        let other = f.path("other_pbx.csv");
        std::fs::write(&other, format!("{NEW_CALL}\n{OTHER_PBX_CALL}\n")).unwrap();
        let err = f
            .import(std::slice::from_ref(&other), &ImportOptions::default())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{} line 2, field uniqueid (column 17): a different call with this id is stored \
             already (started 2026-11-02T10:15:00Z, account AC000001)",
                other.display()
            )
        );
        // Nothing of that import, and the stored call as it was.
        assert_eq!(f.count("SELECT count(*) FROM cdrs"), 8);
        assert_eq!(f.call(NORDLINK, "1793614500.1").dst, "441632960001");
        assert_eq!(f.hourly(NORDLINK), before);

        // With --skip-bad the row is rejected with its reason, and the rest imports.
        let rejects = f.path("rejected.csv");
        let options = ImportOptions {
            rejects: Some(rejects.clone()),
            ..ImportOptions::default()
        };
        let report = f.import(&[other], &options).unwrap();
        assert_eq!(
            (report.inserted, report.duplicates, report.rejected),
            (1, 0, 1)
        );
        let mut reader = csv::Reader::from_path(&rejects).unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][1], "2");
        assert!(
            rows[0][2].starts_with("field uniqueid (column 17): a different call with this id"),
            "{:?}",
            &rows[0][2]
        );
        assert_eq!(f.hourly(NORDLINK), f.summed_from_calls(NORDLINK));

        // The same file again is still only duplicates.
        let again = f.import_data(&["asterisk_master.csv"]);
        assert_eq!((again.inserted, again.duplicates), (0, 8));
    }
}

#[test]
fn a_stored_call_without_customer_is_claimed_only_by_the_same_call() {
    for mut f in fixtures() {
        f.import_data(&["asterisk_master.csv"]);
        let unmatched = f.db.service.unmatched_cdrs(10).unwrap().1.remove(0);
        f.add_customer(4, "Meridian Calling AB", "EUR", "AC999999", 60_000, 1);

        // Another PBX's call under the unmatched call's uid, which would match customer 4.
        let master = std::fs::read_to_string(data("asterisk_master.csv")).unwrap();
        let line = master
            .lines()
            .find(|l| l.contains(unmatched.uid.as_ref()))
            .unwrap();
        let other = f.path("other_pbx.csv");
        std::fs::write(
            &other,
            line.replace("2026-11-02 11:", "2026-11-04 11:") + "\n",
        )
        .unwrap();
        let err = f.import(&[other], &ImportOptions::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains("line 1, field uniqueid (column 17): a different call with this id"),
            "{err}"
        );
        assert_eq!(f.db.service.unmatched_cdrs(10).unwrap().0, 1);

        // The call itself claims it.
        let again = f.import_data(&["asterisk_master.csv"]);
        assert_eq!((again.claimed, again.duplicates), (1, 7));
        assert_eq!(f.db.service.unmatched_cdrs(10).unwrap().0, 0);
    }
}

#[test]
fn a_freeswitch_or_native_uid_of_another_call_names_its_own_field() {
    for mut f in fixtures() {
        f.import_data(&["freeswitch_13.csv", "native.csv"]);
        let fs = f.path("fs.csv");
        let text = std::fs::read_to_string(data("freeswitch_13.csv")).unwrap();
        std::fs::write(&fs, text.replace("441632960050", "441632960057")).unwrap();
        let err = f.import(&[fs], &ImportOptions::default()).unwrap_err();
        assert!(
            err.to_string().ends_with(
                "fs.csv line 1, field uuid (column 11): a different call with this id is stored \
             already (started 2026-11-07T11:15:00Z, account AC000001)"
            ),
            "{err}"
        );
        let native = f.path("native2.csv");
        std::fs::write(
            &native,
            "uid,start,answered,duration,billed,charge,cost,currency\n\
         n-3,2026-11-09 11:00:00,1,600,600,1.20,0.85,USD\n\
         n-2,2026-11-10 11:00:00,1,600,600,1.20,0.85,USD\n",
        )
        .unwrap();
        let err = f.import(&[native], &ImportOptions::default()).unwrap_err();
        assert!(
        err.to_string()
            .ends_with("native2.csv line 2, field uid (column 1): a different call with this id is stored already (started 2026-11-09T11:00:00Z, account AC000002)"),
        "{err}"
    );
    }
}

#[test]
fn lines_are_those_an_editor_shows_with_windows_or_old_mac_line_ends_and_blank_lines() {
    for mut f in fixtures() {
        let bad = std::fs::read_to_string(data("asterisk_bad.csv")).unwrap();
        let rows: Vec<&str> = bad.lines().collect();
        // Line 1 a good row, line 2 blank, line 3 the bad start time, lines 4 and 5 blank,
        // line 6 the negative billsec, line 7 the short row, line 8 the good last row.
        for (name, end) in [("crlf.csv", "\r\n"), ("cr.csv", "\r")] {
            let file = f.path(name);
            let text = [rows[0], "", rows[1], "", "", rows[2], rows[3], rows[4], ""].join(end);
            std::fs::write(&file, text).unwrap();
            let err = f
                .import(std::slice::from_ref(&file), &ImportOptions::default())
                .unwrap_err();
            assert!(
                err.to_string()
                    .contains(&format!("{name} line 3, field start (column 10)")),
                "{err}"
            );

            let rejects = f.path("rejected.csv");
            let options = ImportOptions {
                rejects: Some(rejects.clone()),
                ..ImportOptions::default()
            };
            let report = f.import(&[file], &options).unwrap();
            assert_eq!(report.rejected, 3);
            let mut reader = csv::Reader::from_path(&rejects).unwrap();
            let lines: Vec<String> = reader
                .records()
                .map(|r| r.unwrap()[1].to_string())
                .collect();
            assert_eq!(lines, ["3", "6", "7"], "{name}");
        }
    }
}

#[test]
fn a_native_file_counts_its_header_and_blank_lines_too() {
    for mut f in fixtures() {
        let file = f.path("native_crlf.csv");
        std::fs::write(
            &file,
            "\r\nstart,account_code,answered,duration,billed,charge,cost,currency\r\n\
         2026-11-09 10:00:00,AC000001,1,60,60,0.10,0.05,EUR\r\n\r\n\r\n\
         2026-11-09 10:05:00,AC000001,1,60,60,0.10,0.05,USD\r\n",
        )
        .unwrap();
        let err = f.import(&[file], &ImportOptions::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains("native_crlf.csv line 6, field currency (column 8)"),
            "{err}"
        );
    }
}

#[test]
fn a_native_row_not_answered_has_no_talk_or_billed_time() {
    for mut f in fixtures() {
        let file = f.path("unanswered.csv");
        let header = "uid,start,account_code,answered,duration,billed,charge,cost,currency\n";
        std::fs::write(
            &file,
            format!("{header}u-1,2026-11-09 10:00:00,AC000001,0,45,0,0,0,EUR\n"),
        )
        .unwrap();
        let err = f
            .import(std::slice::from_ref(&file), &ImportOptions::default())
            .unwrap_err();
        assert!(
        err.to_string().ends_with(
            "unanswered.csv line 2, field duration (column 5): an unanswered call has no talk time"
        ),
        "{err}"
    );
        std::fs::write(
            &file,
            format!("{header}u-1,2026-11-09 10:00:00,AC000001,no,0,60,0.01,0,EUR\n"),
        )
        .unwrap();
        let err = f
            .import(std::slice::from_ref(&file), &ImportOptions::default())
            .unwrap_err();
        assert!(
        err.to_string().ends_with(
            "unanswered.csv line 2, field billed (column 6): an unanswered call has no billed time"
        ),
        "{err}"
    );
        assert_eq!(f.count("SELECT count(*) FROM cdrs"), 0);
        // Not answered, no time: an attempt like any other.
        std::fs::write(
            &file,
            format!("{header}u-1,2026-11-09 10:00:00,AC000001,0,0,0,0,0,EUR\n"),
        )
        .unwrap();
        let report = f.import(&[file], &ImportOptions::default()).unwrap();
        assert_eq!(report.inserted, 1);
        assert_eq!(
            f.hourly(NORDLINK),
            BTreeMap::from([(utc("2026-11-09 10:00:00"), traffic(1, 0, 0, 0, 0))])
        );
    }
}

#[test]
fn a_header_row_on_an_asterisk_or_freeswitch_file_is_named_as_such() {
    for mut f in fixtures() {
        let hint = "line 1 looks like a header row: remove it, or use --format native for \
                carrierdesk's own CSV";
        let asterisk = f.path("with_header.csv");
        let header = "accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,\
                  answer,end,duration,billsec,disposition,amaflags,uniqueid,userfield\r\n";
        let master = std::fs::read_to_string(data("asterisk_master.csv")).unwrap();
        std::fs::write(&asterisk, format!("{header}{master}")).unwrap();
        let err = f
            .import(&[asterisk], &ImportOptions::default())
            .unwrap_err();
        assert!(
            err.to_string().ends_with(&format!(
                "with_header.csv line 1, field start (column 10): 'start' is not a time like \
             YYYY-MM-DD HH:MM:SS; {hint}"
            )),
            "{err}"
        );

        let freeswitch = f.path("fs_header.csv");
        let header = "caller_id_name,caller_id_number,destination_number,context,start_stamp,\
                  answer_stamp,end_stamp,duration,billsec,hangup_cause,uuid,bleg_uuid,accountcode\n";
        let calls = std::fs::read_to_string(data("freeswitch_13.csv")).unwrap();
        std::fs::write(&freeswitch, format!("{header}{calls}")).unwrap();
        let err = f
            .import(&[freeswitch], &ImportOptions::default())
            .unwrap_err();
        assert!(err.to_string().ends_with(hint), "{err}");

        // A bad first row that is a call gets no such hint.
        let err = f
            .import(
                &[data("freeswitch_13.csv")],
                &ImportOptions {
                    format: Some(Format::Asterisk),
                    ..ImportOptions::default()
                },
            )
            .unwrap_err();
        assert!(!err.to_string().contains("header"), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn the_cdr_report_and_the_rejects_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    for mut f in fixtures() {
        f.import_data(&["asterisk_master.csv"]);
        let report = f.path("nordlink.csv");
        f.db.service
            .export_cdrs(NORDLINK, 0, i64::MAX, &report)
            .unwrap();
        assert_eq!(mode(&report), 0o600);
        // A report written over an older, world-readable one.
        std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o644)).unwrap();
        let n =
            f.db.service
                .export_cdrs(NORDLINK, 0, i64::MAX, &report)
                .unwrap();
        assert_eq!(n, 4);
        assert_eq!(mode(&report), 0o600);

        let rejects = f.path("rejected.csv");
        let options = ImportOptions {
            rejects: Some(rejects.clone()),
            ..ImportOptions::default()
        };
        f.import(&[data("asterisk_bad.csv")], &options).unwrap();
        assert_eq!(mode(&rejects), 0o600);
    }
}

#[test]
fn importing_a_file_again_counts_no_unmatched_calls() {
    for mut f in fixtures() {
        let first = f.import_data(&["asterisk_master.csv"]);
        assert_eq!(first.unmatched, 1);
        let again = f.import_data(&["asterisk_master.csv"]);
        assert_eq!(
            (again.inserted, again.unmatched),
            (0, 0),
            "nothing new was stored"
        );
        assert_eq!(f.db.service.unmatched_cdrs(10).unwrap().0, 1);
    }
}
