//! The real binary as scripts and cron use it: output, stderr and exit codes, on a demo
//! database it builds itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_carrierdesk");

struct Db {
    _dir: TempDir,
    path: PathBuf,
}

impl Db {
    fn demo() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cli.db");
        let out = Command::new(BIN)
            .args(["demo", "--db"])
            .arg(&path)
            .args(["--customers", "30", "--days", "1"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        Db { _dir: dir, path }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--db")
            .arg(&self.path)
            .args(args)
            .env("USER", "scripted")
            .env_remove("SSH_CONNECTION")
            .env_remove("SSH_CLIENT")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        Run(self.command(args).output().unwrap())
    }

    fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).unwrap()
    }

    fn count(&self, sql: &str) -> i64 {
        self.sql().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path.with_file_name(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

struct Run(Output);

impl Run {
    fn code(&self) -> i32 {
        self.0.status.code().unwrap()
    }
    fn stdout(&self) -> String {
        text(&self.0.stdout)
    }
    fn stderr(&self) -> String {
        text(&self.0.stderr)
    }
    /// Asserts the exit code, showing both streams when it differs.
    fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

fn show_json(db: &Db, id: i64) -> serde_json::Value {
    let out = db
        .run(&["customers", "show", &id.to_string(), "--json"])
        .expect(0);
    serde_json::from_str(&out.stdout()).unwrap()
}

/// The operator the audit names: the OS account the tests run as. `Db::command` sets $USER
/// to "scripted", which the audit must not believe (it falls back to $USER only when the
/// password database has no name).
fn operator() -> String {
    whoami::username()
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "scripted".into())
}

fn path_arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn show_prints_every_field_for_people_and_for_scripts() {
    let db = Db::demo();
    let json = show_json(&db, 3);
    assert_eq!(json["id"], 3);
    for key in [
        "name",
        "status",
        "debit_limit",
        "tax",
        "currency",
        "channels",
        "rate",
        "billing_increment",
        "tech_prefixes",
        "rate_card",
        "balance",
        "version",
    ] {
        assert!(json.get(key).is_some(), "{key} missing from {json}");
    }
    let out = db.run(&["customers", "show", "3"]).expect(0);
    let shown = out.stdout();
    assert!(shown.starts_with(&format!("Customer 3: {}\n", json["name"].as_str().unwrap())));
    assert!(shown.contains("  Billing increment    "), "{shown}");
    assert!(shown.lines().all(|l| l == l.trim_end()), "{shown:?}");

    let missing = db.run(&["customers", "show", "999"]).expect(1);
    assert_eq!(
        missing.stderr(),
        "carrierdesk: customer 999 does not exist\n"
    );
}

#[test]
fn update_changes_what_it_names_and_says_so() {
    let db = Db::demo();
    let before = show_json(&db, 4);
    let out = db
        .run(&[
            "customers",
            "update",
            "4",
            "--channels",
            "41",
            "--debit-limit",
            "-20",
            "--tags",
            "a, b",
        ])
        .expect(0);
    assert!(out.stdout().contains("Channels "), "{}", out.stdout());
    let after = show_json(&db, 4);
    assert_eq!(
        (after["channels"].as_u64(), after["tags"].as_str()),
        (Some(41), Some("a, b"))
    );
    assert!(after["debit_limit"].as_str().unwrap().starts_with("-20"));
    assert_eq!(after["status"], before["status"]);
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) FROM audit_log WHERE operator = '{}' AND action = 'PUT' AND row_id = 4",
            operator()
        )),
        1
    );
}

#[test]
fn broken_rules_exit_3_with_every_reason_and_change_nothing() {
    let db = Db::demo();
    let before = show_json(&db, 5);
    let out = db
        .run(&[
            "customers",
            "update",
            "5",
            "--channels",
            "-4",
            "--tax",
            "101",
            "--website",
            "www.x",
            "--debit-limit",
            "1,000",
        ])
        .expect(3);
    let lines: Vec<String> = out.stderr().lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines.iter().all(|l| l.starts_with("carrierdesk: ")));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("channels cannot be negative"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("tax must be between 0 and 100 %"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("'www.x' is not a web address"))
    );
    assert!(lines.iter().any(|l| l.contains("'1,000' has a comma")));
    assert_eq!(show_json(&db, 5), before);

    let currency = db
        .run(&["customers", "update", "5", "--currency", "XXX"])
        .expect(3);
    assert!(
        currency
            .stderr()
            .contains("cannot change once the customer exists")
    );
    let taken = before["name"].as_str().unwrap().to_uppercase();
    let name = db
        .run(&["customers", "update", "6", "--name", &taken])
        .expect(3);
    assert!(name.stderr().contains("names are unique ignoring case"));
}

#[test]
fn usage_mistakes_exit_2() {
    let db = Db::demo();
    db.run(&["customers", "update", "5"]).expect(2);
    db.run(&["customers", "update", "5", "--colour", "red"])
        .expect(2);
    let when = db
        .run(&["customers", "update", "5", "--cps", "1", "--at", "soon"])
        .expect(2);
    assert!(
        when.stderr().contains("type tomorrow, tomorrow 06:00, +2h"),
        "{}",
        when.stderr()
    );
    let filter = db
        .run(&[
            "customers",
            "bulk-update",
            "--filter",
            "colour:red",
            "--set",
            "cps=1",
        ])
        .expect(2);
    assert!(
        filter.stderr().contains("'colour' is not a field"),
        "{}",
        filter.stderr()
    );
    let set = db
        .run(&["customers", "bulk-update", "--all", "--set", "name=x"])
        .expect(2);
    assert!(
        set.stderr().contains("one customer at a time"),
        "{}",
        set.stderr()
    );
}

#[test]
fn bulk_update_previews_then_applies_in_one_go() {
    let db = Db::demo();
    let matching = |db: &Db| {
        db.run(&["customers", "list", "--json", "--filter", "tag:promo"])
            .expect(0)
            .stdout()
    };
    let filter = "status:active channels>=50";
    let dry = db
        .run(&[
            "customers",
            "bulk-update",
            "--filter",
            filter,
            "--set",
            "tags+=promo",
            "--set",
            "cps=12",
            "--dry-run",
        ])
        .expect(0);
    assert!(
        dry.stdout().contains("(dry run: nothing changed)"),
        "{}",
        dry.stdout()
    );
    assert_eq!(matching(&db), "[]\n");
    let audit = db.count("SELECT count(*) FROM audit_log");

    let real = db
        .run(&[
            "customers",
            "bulk-update",
            "--filter",
            filter,
            "--set",
            "tags+=promo",
            "--set",
            "cps=12",
        ])
        .expect(0);
    let changed = real
        .stdout()
        .lines()
        .filter(|l| l.contains("Tags "))
        .count() as i64;
    assert!(changed > 0);
    assert!(
        real.stdout()
            .contains(&format!("changed {changed} customers")),
        "{}",
        real.stdout()
    );
    assert_eq!(db.count("SELECT count(*) FROM audit_log"), audit + changed);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&matching(&db)).unwrap();
    assert_eq!(listed.len() as i64, changed);
    assert!(listed.iter().all(|c| c["cps"] == 12));
}

#[test]
fn a_bulk_update_that_breaks_a_rule_for_one_changes_none() {
    let db = Db::demo();
    let yen = db.file("yen.csv", "name,currency\nYen Co,JPY\n");
    db.run(&["customers", "import", path_arg(&yen)]).expect(0);
    let audit = db.count("SELECT count(*) FROM audit_log");
    // 1.5 fits every currency but the yen: no customer changes at all.
    let out = db
        .run(&[
            "customers",
            "bulk-update",
            "--all",
            "--set",
            "debit_limit=1.5",
            "--set",
            "channels=3",
        ])
        .expect(3);
    // Every yen customer is named (the demo may hold some besides Yen Co), nobody else.
    let err = out.stderr();
    assert!(
        err.contains("carrierdesk: Yen Co (#31): debit limit: JPY has no decimal places: write '1' without '.5'\n"),
        "{err}"
    );
    assert!(
        err.lines()
            .all(|l| l.ends_with("debit limit: JPY has no decimal places: write '1' without '.5'")),
        "{err}"
    );
    assert_eq!(db.count("SELECT count(*) FROM audit_log"), audit);
    assert_eq!(
        db.count("SELECT count(*) FROM customers WHERE channels = 3"),
        0
    );
    let bad = db
        .run(&[
            "customers",
            "bulk-update",
            "--filter",
            "status:active",
            "--set",
            "tax=101",
        ])
        .expect(3);
    assert_eq!(
        bad.stderr(),
        "carrierdesk: tax must be between 0 and 100 %\n"
    );
    assert_eq!(db.count("SELECT count(*) FROM audit_log"), audit);
}

#[test]
fn delete_needs_yes_off_a_terminal_and_keeps_customers_with_calls() {
    let db = Db::demo();
    let refused = db.run(&["customers", "delete", "3"]).expect(2);
    assert!(refused.stderr().contains("--yes"), "{}", refused.stderr());
    let with_calls = db.count(
        "SELECT customer_id FROM summary_hourly GROUP BY customer_id HAVING sum(attempts) > 0 LIMIT 1",
    );
    let kept = db
        .run(&["customers", "delete", &with_calls.to_string(), "--yes"])
        .expect(3);
    assert!(
        kept.stderr().contains("set them Inactive instead"),
        "{}",
        kept.stderr()
    );
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) FROM customers WHERE id = {with_calls}"
        )),
        1
    );

    let csv = db.file("one.csv", "name,currency\nShort Lived,EUR\n");
    db.run(&["customers", "import", path_arg(&csv)]).expect(0);
    let id = db.count("SELECT id FROM customers WHERE name = 'Short Lived'");
    let out = db
        .run(&["customers", "delete", &id.to_string(), "--yes"])
        .expect(0);
    assert_eq!(out.stdout(), format!("deleted 1: Short Lived (#{id})\n"));
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'DELETE' AND row_id = {id}"
        )),
        1
    );
}

#[test]
fn import_reports_every_problem_with_its_line_and_creates_nothing() {
    let db = Db::demo();
    let customers = db.count("SELECT count(*) FROM customers");
    let bad = db.file(
        "bad.csv",
        "name,currency,channels,debit_limit,colour\nA,EUR,1,1,red\n",
    );
    let header = db.run(&["customers", "import", path_arg(&bad)]).expect(3);
    assert!(
        header
            .stderr()
            .contains("line 1, header: unknown columns: colour"),
        "{}",
        header.stderr()
    );

    let bad = db.file(
        "bad.csv",
        "name,currency,channels,debit_limit\nFine Co,EUR,1,1\nNeg Co,EUR,-1,1\nSci Co,USD,2,1e3\nFine co,EUR,1,1\n",
    );
    for args in [vec!["--dry-run"], vec![]] {
        let mut full = vec!["customers", "import", path_arg(&bad)];
        full.extend(args);
        let out = db.run(&full).expect(3);
        let stderr = out.stderr();
        assert!(
            stderr.contains("line 3, channels: channels cannot be negative"),
            "{stderr}"
        );
        assert!(
            stderr.contains("line 4, debit_limit: debit limit: '1e3' is in scientific notation"),
            "{stderr}"
        );
        assert!(
            stderr.contains("line 5, name: 'Fine co' is also on line 2"),
            "{stderr}"
        );
        assert!(
            stderr.contains("3 problems in ") && stderr.ends_with("; nothing created\n"),
            "{stderr}"
        );
        assert_eq!(db.count("SELECT count(*) FROM customers"), customers);
    }

    let good = db.file(
        "good.csv",
        "name,currency,tax,rate\nFresh One,EUR,8.15,0.012\nFresh Two,KWD,0,0.5\n",
    );
    let dry = db
        .run(&["customers", "import", path_arg(&good), "--dry-run"])
        .expect(0);
    assert!(
        dry.stdout()
            .contains("line 3: would create: Fresh Two (KWD)"),
        "{}",
        dry.stdout()
    );
    assert_eq!(db.count("SELECT count(*) FROM customers"), customers);
    db.run(&["customers", "import", path_arg(&good)]).expect(0);
    assert_eq!(db.count("SELECT count(*) FROM customers"), customers + 2);
    assert_eq!(
        db.count("SELECT tax_bp FROM customers WHERE name = 'Fresh One'"),
        815
    );
}

#[test]
fn two_apply_due_processes_at_once_apply_a_change_exactly_once() {
    let db = Db::demo();
    let out = db
        .run(&[
            "customers",
            "update",
            "7",
            "--status",
            "penalty",
            "--cps",
            "3",
            "--at",
            "2099-01-01T00:00:00Z",
        ])
        .expect(0);
    assert!(
        out.stdout()
            .contains("scheduled change #1 for 2099-01-01T00:00:00Z"),
        "{}",
        out.stdout()
    );
    assert_ne!(show_json(&db, 7)["cps"], 3, "not before it is due");
    let scheduled = show_json(&db, 7)["scheduled"].clone();
    assert_eq!(scheduled[0]["author"], operator().as_str());

    // Make it due now, as the clock would.
    db.sql()
        .execute(
            "UPDATE scheduled_changes SET due_at = '2000-01-01T00:00:00Z'",
            [],
        )
        .unwrap();
    let racers: Vec<_> = (0..2)
        .map(|_| {
            db.command(&["apply-due"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Run> = racers
        .into_iter()
        .map(|c| Run(c.wait_with_output().unwrap()))
        .collect();
    let mut printed = String::new();
    for out in outputs {
        printed.push_str(&out.expect(0).stdout());
    }
    assert_eq!(
        printed.matches("applied scheduled change #1").count(),
        1,
        "{printed}"
    );
    assert_eq!(
        db.count("SELECT count(*) FROM audit_log WHERE message LIKE 'Scheduled change #1 %' AND table_name = 'customers'"),
        1
    );
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) FROM audit_log WHERE operator = '{}' AND row_id = 7 AND action = 'PUT'",
            operator()
        )),
        1
    );
    let after = show_json(&db, 7);
    assert_eq!(
        (after["status"].as_str(), after["cps"].as_u64()),
        (Some("penalty"), Some(3))
    );
    assert_eq!(after["scheduled"], serde_json::json!([]));
    // Nothing left to do: silent, success.
    let again = db.run(&["apply-due"]).expect(0);
    assert_eq!(
        (again.stdout(), again.stderr()),
        (String::new(), String::new())
    );
}

#[test]
fn a_scheduled_change_that_fails_exits_3_for_cron() {
    let db = Db::demo();
    let taken = show_json(&db, 2)["name"].as_str().unwrap().to_string();
    db.run(&[
        "customers",
        "update",
        "8",
        "--name",
        "Later Name",
        "--at",
        "2099-01-01T00:00:00Z",
    ])
    .expect(0);
    db.run(&["customers", "update", "2", "--name", "later name"])
        .expect(0);
    db.sql()
        .execute(
            "UPDATE scheduled_changes SET due_at = '2000-01-01T00:00:00Z'",
            [],
        )
        .unwrap();
    let out = db.run(&["apply-due"]).expect(3);
    assert!(
        out.stderr()
            .starts_with("carrierdesk: failed scheduled change #1"),
        "{}",
        out.stderr()
    );
    assert!(
        out.stderr().contains("already called 'later name'"),
        "{}",
        out.stderr()
    );
    assert_ne!(taken, "later name");
}

#[test]
fn bulk_update_refuses_an_empty_filter_unless_all_is_given() {
    let db = Db::demo();
    let audit = db.count("SELECT count(*) FROM audit_log");
    let customers = db.count("SELECT count(*) FROM customers");
    for filter in ["", "   "] {
        for dry_run in [false, true] {
            let mut args = vec!["customers", "bulk-update", "--filter", filter];
            args.extend(["--set", "channels=3"]);
            if dry_run {
                args.push("--dry-run");
            }
            let out = db.run(&args).expect(2);
            assert_eq!(out.stdout(), "", "{filter:?}");
            assert_eq!(
                out.stderr(),
                "carrierdesk: the --filter is empty and would change every customer; \
                 give --all instead of --filter if that is what you mean\n"
            );
        }
    }
    assert_eq!(db.count("SELECT count(*) FROM audit_log"), audit);
    assert_eq!(
        db.count("SELECT count(*) FROM customers WHERE channels = 3"),
        0
    );

    // --all and --filter exclude each other, and one of them is needed.
    db.run(&[
        "customers",
        "bulk-update",
        "--all",
        "--filter",
        "status:active",
        "--set",
        "channels=3",
    ])
    .expect(2);
    db.run(&["customers", "bulk-update", "--set", "channels=3"])
        .expect(2);
    let help = db
        .run(&["customers", "bulk-update", "--help"])
        .expect(0)
        .stdout();
    assert!(help.contains("--all"), "{help}");

    let all = db
        .run(&["customers", "bulk-update", "--all", "--set", "channels=3"])
        .expect(0);
    assert!(
        all.stdout().contains(" already had these values"),
        "{}",
        all.stdout()
    );
    assert_eq!(
        db.count("SELECT count(*) FROM customers WHERE channels = 3"),
        customers
    );
}

#[test]
fn delete_names_a_repeated_id_once() {
    let db = Db::demo();
    let csv = db.file("twice.csv", "name,currency\nAaa First One,EUR\n");
    db.run(&["customers", "import", path_arg(&csv)]).expect(0);
    let id = db
        .count("SELECT id FROM customers WHERE name = 'Aaa First One'")
        .to_string();
    let out = db
        .run(&["customers", "delete", &id, &id, "--yes"])
        .expect(0);
    assert_eq!(out.stdout(), format!("deleted 1: Aaa First One (#{id})\n"));
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'DELETE' AND row_id = {id}"
        )),
        1
    );

    // A refusal names a repeated customer once too.
    let with_calls = db
        .count(
            "SELECT customer_id FROM summary_hourly GROUP BY customer_id HAVING sum(attempts) > 0 LIMIT 1",
        )
        .to_string();
    let kept = db
        .run(&["customers", "delete", &with_calls, &with_calls, "--yes"])
        .expect(3);
    let named = kept
        .stderr()
        .lines()
        .filter(|l| l.contains(&format!("(#{with_calls})")))
        .count();
    assert_eq!(named, 1, "{}", kept.stderr());
}

#[test]
fn show_json_gives_counts_as_numbers_and_decimals_as_exact_strings() {
    let db = Db::demo();
    db.run(&[
        "customers",
        "update",
        "2",
        "--channels",
        "60",
        "--cps",
        "7",
        "--invoice-due-days",
        "14",
        "--tax",
        "8.15",
        "--debit-limit",
        "-20",
    ])
    .expect(0);
    let json = show_json(&db, 2);
    for (key, n) in [("channels", 60), ("cps", 7), ("invoice_due_days", 14)] {
        assert_eq!(json[key].as_u64(), Some(n), "{key} in {json}");
    }
    assert!(json["channels_in_use"].is_u64(), "{json}");
    assert!(json["version"].is_i64(), "{json}");
    assert!(json["portal_access"].is_boolean(), "{json}");
    // The contacts, primary first, under the names `contacts list --json` gives them.
    let contacts = json["contacts"].as_array().unwrap();
    assert!(!contacts.is_empty(), "{json}");
    assert_eq!(contacts[0]["primary"], true);
    for key in [
        "id",
        "customer_id",
        "name",
        "email",
        "phone",
        "type",
        "categories",
    ] {
        assert!(contacts[0].get(key).is_some(), "{key} in {json}");
    }
    assert!(contacts[0].get("password_hash").is_none());
    assert_eq!(json["tax"], "8.15");
    assert!(json["debit_limit"].as_str().unwrap().starts_with("-20"));
    for key in ["balance", "minimum_payment", "rate", "billing_increment"] {
        assert!(json[key].is_string(), "{key} in {json}");
    }
    // The keys and their order: the editable fields as `update` takes them, then what is
    // read-only.
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let text = db
        .run(&["customers", "show", "2", "--json"])
        .expect(0)
        .stdout();
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| text.find(&format!("\n  \"{k}\": ")).unwrap())
        .collect();
    let expected = [
        "id",
        "name",
        "status",
        "debit_limit",
        "minimum_payment",
        "tax",
        "currency",
        "channels",
        "cps",
        "portal_access",
        "paypal_email",
        "website",
        "address",
        "tags",
        "vars",
        "email_verification",
        "mobile_verification",
        "approved_clis_only",
        "invoice_schedule",
        "invoice_due_days",
        "account_code",
        "rate",
        "billing_increment",
        "tech_prefixes",
        "rate_card",
        "balance",
        "channels_in_use",
        "parent_id",
        "last_call_at",
        "version",
        "created_at",
        "updated_at",
        "scheduled",
        "contacts",
    ];
    let mut in_order: Vec<(usize, &str)> = positions.into_iter().zip(keys).collect();
    in_order.sort();
    let in_order: Vec<&str> = in_order.into_iter().map(|(_, k)| k).collect();
    assert_eq!(in_order, expected);

    let help = db.run(&["customers", "show", "--help"]).expect(0).stdout();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("tax and rate are strings because they are exact decimals"),
        "{help}"
    );
}

/// Runs a command whose stdout is a pipe nobody reads any more, as `| head -1` leaves it.
fn run_into_closed_pipe(db: &Db, args: &[&str]) -> Run {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Run(db.command(args).stdout(writer).output().unwrap())
}

#[test]
fn a_reader_that_leaves_early_ends_every_command_quietly() {
    let db = Db::demo();
    for args in [
        vec!["customers", "show", "1", "--json"],
        vec!["customers", "show", "1"],
        vec!["customers", "list"],
        vec!["customers", "list", "--json"],
        vec!["customers", "list", "--csv"],
        vec![
            "customers",
            "bulk-update",
            "--all",
            "--set",
            "cps=9",
            "--dry-run",
        ],
        vec!["summary", "--customer", "1", "--period", "daily", "--json"],
        vec!["summary", "--customer", "1", "--period", "daily"],
    ] {
        let out = run_into_closed_pipe(&db, &args);
        assert_eq!(
            (out.code(), out.stderr()),
            (0, String::new()),
            "carrierdesk {}",
            args.join(" ")
        );
    }

    // A change that was made is kept, and its report's lost reader is no error either.
    let csv = db.file("gone.csv", "name,currency\nGone Reader,EUR\n");
    let out = run_into_closed_pipe(&db, &["customers", "import", path_arg(&csv)]);
    assert_eq!((out.code(), out.stderr()), (0, String::new()));
    let id = db
        .count("SELECT id FROM customers WHERE name = 'Gone Reader'")
        .to_string();
    let out = run_into_closed_pipe(&db, &["customers", "delete", &id, "--yes"]);
    assert_eq!((out.code(), out.stderr()), (0, String::new()));
    assert_eq!(
        db.count("SELECT count(*) FROM customers WHERE name = 'Gone Reader'"),
        0
    );
}

#[test]
fn counts_in_messages_agree_with_their_nouns() {
    let db = Db::demo();
    let one_bad = db.file("one_bad.csv", "name,currency,channels\nSolo,EUR,-1\n");
    let out = db
        .run(&["customers", "import", path_arg(&one_bad)])
        .expect(3);
    assert!(
        out.stderr().ends_with(&format!(
            "carrierdesk: 1 problem in {}; nothing created\n",
            path_arg(&one_bad)
        )),
        "{}",
        out.stderr()
    );
    let one_good = db.file("one_good.csv", "name,currency\nSolo,EUR\n");
    let out = db
        .run(&["customers", "import", path_arg(&one_good), "--dry-run"])
        .expect(0);
    assert_eq!(
        out.stdout(),
        "line 2: would create: Solo (EUR)\n1 customer would be created (dry run: nothing created)\n"
    );
    let two_good = db.file("two_good.csv", "name,currency\nDuo A,EUR\nDuo B,EUR\n");
    let out = db
        .run(&["customers", "import", path_arg(&two_good), "--dry-run"])
        .expect(0);
    assert!(
        out.stdout()
            .ends_with("\n2 customers would be created (dry run: nothing created)\n"),
        "{}",
        out.stdout()
    );

    let one = ["customers", "bulk-update", "--filter", "id:5"];
    let out = db
        .run(&[&one[..], &["--set", "cps=77", "--dry-run"]].concat())
        .expect(0);
    assert!(
        out.stdout()
            .ends_with("\n1 of 1 matching customer would change (dry run: nothing changed)\n"),
        "{}",
        out.stdout()
    );
    let out = db.run(&[&one[..], &["--set", "cps=77"]].concat()).expect(0);
    assert!(
        out.stdout()
            .ends_with("\nchanged 1 customer; 0 already had these values\n"),
        "{}",
        out.stdout()
    );
    let out = db
        .run(&[
            "customers",
            "bulk-update",
            "--filter",
            "id<=2",
            "--set",
            "cps=78",
        ])
        .expect(0);
    assert!(
        out.stdout()
            .ends_with("\nchanged 2 customers; 0 already had these values\n"),
        "{}",
        out.stdout()
    );
}

#[test]
fn an_import_lists_as_would_create_only_the_lines_without_problems() {
    let db = Db::demo();
    let taken = show_json(&db, 3)["name"].as_str().unwrap().to_uppercase();
    let csv = db.file(
        "mixed.csv",
        &format!("name,currency,channels\nClean Co,EUR,1\nNeg Co,EUR,-1\n{taken},EUR,2\n"),
    );
    let dry = db
        .run(&["customers", "import", path_arg(&csv), "--dry-run"])
        .expect(3);
    // With problems elsewhere nothing would be created: the good line is only ready.
    assert_eq!(
        dry.stdout(),
        "line 2: ready once the problems are fixed: Clean Co (EUR)\n"
    );
    let err = dry.stderr();
    assert!(err.contains("carrierdesk: line 3, channels: "), "{err}");
    assert!(
        err.contains("carrierdesk: line 4, name: customer 3 is already called"),
        "{err}"
    );
    assert!(err.contains("carrierdesk: 2 problems in "), "{err}");

    // The real import that fails says only what is wrong, and that nothing was created.
    let customers = db.count("SELECT count(*) FROM customers");
    let real = db.run(&["customers", "import", path_arg(&csv)]).expect(3);
    assert_eq!(real.stdout(), "");
    assert_eq!(real.stderr(), err);
    assert!(
        real.stderr().ends_with("; nothing created\n"),
        "{}",
        real.stderr()
    );
    assert_eq!(db.count("SELECT count(*) FROM customers"), customers);
}

#[test]
fn a_cdr_file_with_a_bad_row_is_refused_with_exit_code_3() {
    let db = Db::demo();
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cdrs/asterisk_bad.csv");
    let run = db.run(&["import", "cdrs", path_arg(&bad)]).expect(3);
    assert!(run.stderr().contains("line "), "{}", run.stderr());
}

#[test]
fn list_json_gives_traffic_figures_as_numbers() {
    let db = Db::demo();
    let out = db.run(&["customers", "list", "--json"]).expect(0).stdout();
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let busy = rows
        .iter()
        .find(|r| !r["asr_24h"].is_null())
        .expect("some customer has traffic in the last 24 hours");
    assert!(busy["asr_24h"].is_f64(), "{busy}");
    assert!(busy["acd_24h_s"].is_f64(), "{busy}");
    assert!(
        busy["balance"].is_string(),
        "money stays an exact decimal string"
    );
}

#[test]
fn list_csv_keeps_its_header_when_nothing_matches() {
    let db = Db::demo();
    let all = db.run(&["customers", "list", "--csv"]).expect(0).stdout();
    let none = db
        .run(&["customers", "list", "--csv", "--filter", "name:zzzz"])
        .expect(0)
        .stdout();
    assert_eq!(
        none.lines().collect::<Vec<_>>(),
        [all.lines().next().unwrap()]
    );
}

#[test]
fn demo_works_with_a_command_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["--demo", "customers", "list", "--csv"])
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env_remove("CARRIERDESK_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).lines().count() > 100,
        "the demo's customers"
    );
}

/// What an attacker could store to take over an operator's terminal: set the clipboard
/// (OSC 52), retitle the window, clear the screen.
const ESCAPES: &str = "A\u{1b}]52;c;QUREUkVTUw==\u{7}\u{1b}]0;owned\u{7}\u{1b}[2JA";

#[test]
fn escape_sequences_are_refused_on_the_way_in_and_shown_escaped_on_the_way_out() {
    let db = Db::demo();
    let run = db
        .run(&["customers", "update", "7", "--address", ESCAPES])
        .expect(3);
    assert_eq!(
        run.stderr(),
        "carrierdesk: Address cannot contain control characters\n"
    );
    let run = db
        .run(&[
            "customers",
            "update",
            "7",
            "--website",
            "https://a.example/\u{202E}fdp",
        ])
        .expect(3);
    assert!(
        run.stderr()
            .contains("Website cannot contain characters that reorder text")
    );

    // Written straight into the database, past the rules: shown, never obeyed.
    db.sql()
        .execute(
            "UPDATE customers SET address = ?1, name = ?1 WHERE id = 7",
            [ESCAPES],
        )
        .unwrap();
    for args in [
        &["customers", "show", "7"][..],
        &["customers", "list"],
        &["customers", "update", "7", "--channels", "31"],
        &[
            "customers",
            "bulk-update",
            "--filter",
            "id:7",
            "--set",
            "cps=9",
            "--dry-run",
        ],
    ] {
        let run = db.run(args).expect(0);
        let out = run.stdout();
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{args:?}: {out:?}"
        );
        assert!(
            out.contains("A\\u{1b}]52;c;QUREUkVTUw==\\u{7}"),
            "{args:?}: {out}"
        );
    }
    // JSON keeps its own escapes, and reads back as the stored text.
    let json: serde_json::Value = serde_json::from_str(
        &db.run(&["customers", "show", "7", "--json"])
            .expect(0)
            .stdout(),
    )
    .unwrap();
    assert_eq!(json["address"], ESCAPES);
}

#[test]
fn imports_number_the_lines_of_a_file_with_cr_line_ends() {
    let db = Db::demo();
    let csv = db.file(
        "cr.csv",
        "name,currency\rFirst Co,EUR\rSecond Co,EUR\r\rThird Co,EUR\r",
    );
    let out = db
        .run(&["customers", "import", path_arg(&csv), "--dry-run"])
        .expect(0);
    for line in [
        "line 2: would create: First Co",
        "line 3: would create: Second Co",
        "line 5: would create: Third Co",
    ] {
        assert!(out.stdout().contains(line), "{}", out.stdout());
    }
    let bad = db.file("bad.csv", "name,currency\rFirst Co,EUR\rSecond Co,XXX\r");
    let out = db.run(&["customers", "import", path_arg(&bad)]).expect(3);
    assert!(
        out.stderr().contains("line 3, currency:"),
        "{}",
        out.stderr()
    );

    let good = "2026-11-09 10:00:00,,1,60,60,0.10,0.05,EUR";
    let cdrs = db.file(
        "cr_cdrs.csv",
        &[
            "start,account_code,answered,duration,billed,charge,cost,currency",
            good,
            &good.replace(":00:00", ":01:00"),
            "2026-13-09 10:02:00,,1,60,60,0.10,0.05,EUR",
            "",
        ]
        .join("\r"),
    );
    let out = db.run(&["import", "cdrs", path_arg(&cdrs)]).expect(3);
    assert!(
        out.stderr().contains("cr_cdrs.csv line 4, field start"),
        "{}",
        out.stderr()
    );
}

/// Runs the binary as `Db::command` does, with umask 000: what stays private then does
/// so by its own mode, not the operator's umask.
fn run_under_umask_000(db: &Db, args: &[&str]) -> Run {
    let inner = db.command(args);
    let mut c = Command::new("sh");
    c.args(["-c", "umask 000 && exec \"$0\" \"$@\""])
        .arg(inner.get_program())
        .args(inner.get_args())
        .env("USER", "scripted")
        .env_remove("SSH_CONNECTION")
        .env_remove("SSH_CLIENT")
        .stdin(Stdio::null());
    Run(c.output().unwrap())
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn files_with_customer_data_are_the_owners_alone_whatever_the_umask_and_folder() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let db = Db::demo();
    let dir = db.path.parent().unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let cdrs = db.file(
        "calls.csv",
        "start,account_code,answered,duration,billed,charge,cost,currency\n\
         2026-11-09 10:00:00,1,1,60,60,0.10,0.05,EUR\n\
         2026-13-09 10:00:00,1,1,60,60,0.10,0.05,EUR\n",
    );
    // A rejects file left world-readable by some earlier run is made private too.
    let rejects = db.file("rejects.csv", "");
    std::fs::set_permissions(&rejects, std::fs::Permissions::from_mode(0o666)).unwrap();
    run_under_umask_000(
        &db,
        &[
            "import",
            "cdrs",
            path_arg(&cdrs),
            "--skip-bad",
            "--rejects",
            path_arg(&rejects),
        ],
    )
    .expect(0);
    let export = dir.join("export.csv");
    run_under_umask_000(
        &db,
        &[
            "export",
            "cdrs",
            "--customer",
            "1",
            "--from",
            "2026-11-09",
            "--to",
            "2026-11-10",
            "--out",
            path_arg(&export),
        ],
    )
    .expect(0);
    assert_eq!((mode(&rejects), mode(&export)), (0o600, 0o600));
    assert!(
        std::fs::read_to_string(&rejects)
            .unwrap()
            .contains("calls.csv")
    );

    // A new database is its owner's alone; its migrate-lock holds nothing and stays
    // readable by the database's group, so that the operators who share it can start.
    let fresh = Db {
        _dir: tempfile::tempdir().unwrap(),
        path: dir.join("fresh.db"),
    };
    run_under_umask_000(&fresh, &["customers", "list"]).expect(0);
    let fresh = fresh.path;
    let lock = fresh.with_extension("migrate-lock");
    assert_eq!((mode(&fresh), mode(&lock)), (0o600, 0o640));
    assert_eq!(
        std::fs::metadata(&lock).unwrap().gid(),
        std::fs::metadata(&fresh).unwrap().gid()
    );
}

#[test]
fn csv_output_neutralises_formulas_and_keeps_numbers_as_they_are() {
    let db = Db::demo();
    // A customer billed in a currency with cents (the demo's currencies depend on the
    // hour it is made at).
    let list = db.run(&["customers", "list", "--json"]).expect(0).stdout();
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["currency"] == "EUR")
        .expect("a EUR customer in the demo")["id"]
        .to_string();
    let formula = "=HYPERLINK(\"http://x.example\",\"pay\")";
    db.run(&[
        "customers",
        "update",
        &id,
        "--name",
        formula,
        "--debit-limit",
        "-1234.50",
    ])
    .expect(0);
    let out = db.run(&["customers", "list", "--csv"]).expect(0);
    let stdout = out.stdout();
    let mut rows = csv::Reader::from_reader(stdout.as_bytes());
    let row = rows
        .records()
        .map(Result::unwrap)
        .find(|r| r[0] == *id)
        .unwrap();
    assert_eq!(&row[1], format!("'{formula}"));
    assert_eq!(&row[5], "-1234.50");
    // JSON is read by programs, not spreadsheets: it keeps the name as it is.
    assert_eq!(show_json(&db, id.parse().unwrap())["name"], formula);
}

#[test]
fn import_cdrs_reads_a_pipe_as_operators_give_compressed_files() {
    let db = Db::demo();
    let master = db.file(
        "Master.csv",
        "\"1\",\"4930111222\",\"441632960001\",\"default\",\"\",\"SIP/gw1-00000001\",\"\",\"Dial\",\"\",\"2026-11-02 10:15:00\",\"2026-11-02 10:15:05\",\"2026-11-02 10:17:05\",\"125\",\"120\",\"ANSWERED\",\"DOCUMENTATION\",\"1793614500.1\",\"\"\n",
    );
    let inner = db.command(&["import", "cdrs"]);
    let out = Command::new("bash")
        .args(["-c", "\"$0\" \"$@\" <(cat \"$MASTER\")"])
        .arg(inner.get_program())
        .args(inner.get_args())
        .env("MASTER", &master)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let run = Run(out).expect(0);
    assert!(
        run.stdout()
            .contains("Asterisk cdr_csv (Master.csv), guessed"),
        "{}",
        run.stdout()
    );
    assert_eq!(
        db.count("SELECT count(*) FROM cdrs WHERE uid = '1793614500.1'"),
        1
    );
}

/// An Asterisk Master.csv row of one answered call with this uniqueid and caller.
fn master_row(uid: &str, src: &str) -> String {
    format!(
        "\"1\",\"{src}\",\"441632960001\",\"default\",\"\",\"SIP/gw1-00000001\",\"\",\"Dial\",\"\",\"2026-11-02 10:15:00\",\"2026-11-02 10:15:05\",\"2026-11-02 10:17:05\",\"125\",\"120\",\"ANSWERED\",\"DOCUMENTATION\",\"{uid}\",\"\"\n"
    )
}

/// The command run under an address-space limit of 128 MiB: a read that grows with its
/// input fails instead of finishing.
fn in_little_memory(inner: Command, script: &str) -> Run {
    let out = Command::new("prlimit")
        .arg(format!("--as={}", 128 << 20))
        .args(["bash", "-c", script])
        .arg(inner.get_program())
        .args(inner.get_args())
        .current_dir(inner.get_current_dir().unwrap())
        .env_remove("SSH_CONNECTION")
        .env_remove("SSH_CLIENT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run(out)
}

#[test]
fn endless_or_binary_input_stops_at_once_with_a_clear_error_in_little_memory() {
    let db = Db::demo();
    let calls = db.count("SELECT count(*) FROM cdrs");
    for input in ["/dev/zero", "/dev/urandom", BIN] {
        for args in [
            &["import", "cdrs"][..],
            &["import", "cdrs", "--skip-bad", "--format", "asterisk"],
            &["customers", "import"],
        ] {
            let mut inner = db.command(args);
            inner.arg(input).current_dir(db.path.parent().unwrap());
            let run = in_little_memory(inner, "\"$0\" \"$@\"").expect(1);
            assert!(
                run.stderr().contains(": cannot read it: line ")
                    && run
                        .stderr()
                        .contains(" holds a NUL byte, which no CSV text does"),
                "{args:?} {input}: {}",
                run.stderr()
            );
        }
    }
    assert_eq!(db.count("SELECT count(*) FROM cdrs"), calls);
}

#[test]
fn text_that_never_ends_a_row_or_only_bad_rows_stops_too() {
    let db = Db::demo();
    let dir = db.path.parent().unwrap();
    let mut inner = db.command(&["import", "cdrs", "--skip-bad", "--format", "asterisk"]);
    inner.current_dir(dir);
    let run = in_little_memory(inner, "\"$0\" \"$@\" <(yes | tr -d '\\n')").expect(1);
    assert!(
        run.stderr()
            .contains(": cannot read it: line 1: a row runs on past 1 MiB without ending"),
        "{}",
        run.stderr()
    );
    // A good call, then rows of something else: --skip-bad gives up after 1,000 of them.
    let mut text = master_row("1793614500.1", "4930111222");
    text.push_str(&"not,a,call\n".repeat(1_200));
    let junk = db.file("junk.csv", &text);
    let mut inner = db.command(&["import", "cdrs", "--skip-bad", "--format", "asterisk"]);
    inner.arg(&junk).current_dir(dir);
    let run = in_little_memory(inner, "\"$0\" \"$@\"").expect(1);
    assert!(
        run.stderr()
            .contains("junk.csv: line 1001: 1000 bad rows in a row: stopped, nothing imported"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        db.count("SELECT count(*) FROM cdrs WHERE uid = '1793614500.1'"),
        0
    );
}

#[test]
fn a_row_or_field_too_long_is_a_bad_row_named_by_its_line() {
    let db = Db::demo();
    let dir = db.path.parent().unwrap();
    // Line 2 has a caller id of 5 KiB; the row of line 3 is 70 KiB over three lines, in
    // quotes; the calls before and after it import.
    let long_field = master_row("2.1", &"4".repeat(5 << 10));
    let long_row = master_row("3.1", &format!("a\n{}\nb", "5".repeat(70 << 10)));
    let text = [
        master_row("1.1", "4930111222"),
        long_field,
        long_row,
        master_row("6.1", "4930111222"),
    ]
    .concat();
    let cdrs = db.file("long.csv", &text);
    let run = db
        .command(&["import", "cdrs", "--format", "asterisk"])
        .arg(&cdrs)
        .current_dir(dir)
        .output()
        .unwrap();
    let run = Run(run).expect(3);
    assert!(
        run.stderr()
            .contains("long.csv line 2, field src (column 2): longer than 4 KiB"),
        "{}",
        run.stderr()
    );
    let run = db
        .command(&["import", "cdrs", "--format", "asterisk", "--skip-bad"])
        .arg(&cdrs)
        .current_dir(dir)
        .output()
        .unwrap();
    let run = Run(run).expect(0);
    assert!(
        run.stdout()
            .lines()
            .any(|l| l.split_whitespace().eq(["rejected", "2"])),
        "{}",
        run.stdout()
    );
    let rejects = std::fs::read_to_string(dir.join("long.csv.rejected.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(rejects.as_bytes());
    let reasons: Vec<(String, String)> = rows
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[1].to_string(), r[2].to_string()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("2".into(), "field src (column 2): longer than 4 KiB".into()),
            ("3".into(), "the row is longer than 64 KiB".into()),
        ]
    );
    assert_eq!(
        db.count("SELECT count(*) FROM cdrs WHERE uid IN ('1.1', '6.1')"),
        2
    );

    let customers = db.file(
        "long_customers.csv",
        &format!(
            "name,currency,address\nA,EUR,{}\n\"B\nB\",EUR,{}\nC,EUR,\n",
            "a".repeat(5 << 10),
            "b,".repeat(40 << 10)
        ),
    );
    let run = db
        .run(&["customers", "import", path_arg(&customers)])
        .expect(3);
    assert!(
        run.stderr().contains("line 2, address: longer than 4 KiB")
            && run
                .stderr()
                .contains("line 3, row: the row is longer than 64 KiB")
            && !run.stderr().contains("line 5"),
        "{}",
        run.stderr()
    );
}

/// The remote host logind registered for the login session this test runs in, if any:
/// a record the console prefers to the environment, as it should.
fn logind_remote_host() -> Option<String> {
    let id = std::fs::read_to_string("/proc/self/sessionid").ok()?;
    let session = std::fs::read_to_string(format!("/run/systemd/sessions/{}", id.trim())).ok()?;
    session
        .lines()
        .find_map(|l| l.strip_prefix("REMOTE_HOST="))
        .map(String::from)
}

#[test]
fn an_ssh_address_only_the_environment_claims_is_recorded_as_such() {
    let db = Db::demo();
    let run = db
        .command(&["customers", "update", "4", "--channels", "17"])
        .env("SSH_CONNECTION", "203.0.113.9 1 2 3")
        .output()
        .unwrap();
    Run(run).expect(0);
    let ip: String = db
        .sql()
        .query_row(
            "SELECT ip FROM audit_log WHERE row_id = 4 ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let expected = logind_remote_host().unwrap_or_else(|| "203.0.113.9 (from environment)".into());
    assert_eq!(ip, expected);
}

#[test]
fn bulk_update_says_what_it_changed_only_once_it_is_committed() {
    let db = Db::demo();
    let channels = || db.count("SELECT sum(channels) FROM customers");
    let before = channels();
    // The audit row cannot be written, as with a full disk: the change is rolled back.
    db.sql()
        .execute_batch(
            "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    let set = ["customers", "bulk-update", "--all", "--set", "channels=55"];
    let failed = db.run(&set).expect(1);
    assert_eq!(failed.stdout(), "");
    assert!(failed.stderr().contains("disk full"), "{}", failed.stderr());
    assert_eq!(channels(), before);
    db.sql().execute_batch("DROP TRIGGER fail_audit").unwrap();
    let done = db.run(&set).expect(0);
    assert!(
        done.stdout().contains(": Channels ")
            && done
                .stdout()
                .lines()
                .last()
                .unwrap()
                .starts_with("changed "),
        "{}",
        done.stdout()
    );
}

/// The worked example of rating at call precision: 20 s and 37 s on 30/6 at 0.0100 a minute
/// are 0.005 and 0.007. The day owes 0.012: the summary shows it in cents, rounded once, and
/// its CSV and JSON carry it exactly (per-call rounding would have made it 0.02).
#[test]
fn calls_are_charged_to_the_millionth_and_rounded_once_when_shown() {
    let db = Db::demo();
    let id = db
        .count("SELECT min(id) FROM customers WHERE currency = 'EUR'")
        .to_string();
    db.run(&[
        "customers",
        "update",
        &id,
        "--rate",
        "0.01",
        "--billing-increment",
        "30/6",
        "--account-code",
        "PREC1",
    ])
    .expect(0);
    let row = |uid: &str, start: &str, answer: &str, end: &str, talk: u32| {
        format!(
            "\"PREC1\",\"4930111222\",\"441632960001\",\"from-customer\",\"\",\"SIP/gw1-1\",\"SIP/carrier-2\",\"Dial\",\"\",\"{start}\",\"{answer}\",\"{end}\",{},{talk},\"ANSWERED\",\"DOCUMENTATION\",\"{uid}\",\"\"\n",
            talk + 2
        )
    };
    let file = db.file(
        "precision.csv",
        &(row(
            "p.1",
            "2026-11-02 10:15:00",
            "2026-11-02 10:15:02",
            "2026-11-02 10:15:22",
            20,
        ) + &row(
            "p.2",
            "2026-11-02 11:15:00",
            "2026-11-02 11:15:02",
            "2026-11-02 11:15:39",
            37,
        )),
    );
    db.run(&["import", "cdrs", file.to_str().unwrap()])
        .expect(0);
    assert_eq!(
        db.count("SELECT sum(charge) FROM cdrs WHERE account_code = 'PREC1'"),
        12_000
    );
    let csv = db
        .run(&["summary", "--customer", &id, "--period", "monthly", "--csv"])
        .expect(0)
        .stdout();
    let november = csv.lines().find(|l| l.starts_with("2026-11")).unwrap();
    assert!(november.contains(",0.012,"), "{csv}");
    let json = db
        .run(&[
            "summary",
            "--customer",
            &id,
            "--period",
            "monthly",
            "--json",
        ])
        .expect(0)
        .stdout();
    assert!(json.contains("\"charge\": \"0.012\""), "{json}");
    let table = db
        .run(&["summary", "--customer", &id, "--period", "monthly"])
        .expect(0)
        .stdout();
    let november = table.lines().find(|l| l.starts_with("2026-11")).unwrap();
    assert!(
        november.contains(" 0.01 ") && !november.contains("0.012"),
        "{table}"
    );
}

/// Rating through the binary: a card assigned from a date, a call no row covers listed by
/// `import cdrs --unrated`, then priced by `rerate` once the card covers it.
#[test]
fn unrated_calls_are_listed_and_priced_again_by_rerate() {
    let db = Db::demo();
    let id = db
        .count("SELECT min(id) FROM customers WHERE currency = 'EUR'")
        .to_string();
    let v1 = db.file("sell-v1.csv", "prefix,rate\n44,0.0042\n");
    let v2 = db.file("sell-v2.csv", "prefix,rate\n44,0.0042\n33,0.0100\n");
    let card = |file: &PathBuf, from: &str| {
        db.run(&[
            "rates",
            "import",
            "SELL",
            file.to_str().unwrap(),
            "--currency",
            "EUR",
            "--effective",
            from,
        ])
        .expect(0);
    };
    card(&v1, "2026-10-01");
    db.run(&[
        "customers",
        "update",
        &id,
        "--account-code",
        "RATE1",
        "--rate-card",
        "SELL",
        "--rate-card-from",
        "2026-10-01",
    ])
    .expect(0);
    let shown = db.run(&["customers", "show", &id]).expect(0).stdout();
    assert!(
        shown.contains("Rate card SELL from 2026-10-01T00:00:00Z"),
        "{shown}"
    );
    let row = |uid: &str, dst: &str| {
        format!(
            "\"RATE1\",\"4930111222\",\"{dst}\",\"from-customer\",\"\",\"SIP/gw1-1\",\"SIP/carrierA-2\",\"Dial\",\"\",\"2026-11-02 10:15:00\",\"2026-11-02 10:15:02\",\"2026-11-02 10:16:02\",62,60,\"ANSWERED\",\"DOCUMENTATION\",\"{uid}\",\"\"\n"
        )
    };
    let calls = db.file(
        "rated.csv",
        &(row("uk", "442079460000") + &row("fr", "33612345678")),
    );
    let report = db
        .run(&["import", "cdrs", calls.to_str().unwrap()])
        .expect(0)
        .stdout();
    let line =
        |text: &str, words: [&str; 2]| text.lines().any(|l| l.split_whitespace().take(2).eq(words));
    assert!(line(&report, ["unrated", "1"]), "{report}");
    let listed = db.run(&["import", "cdrs", "--unrated"]).expect(0).stdout();
    assert!(listed.contains("fr,2026-11-02T10:15:00Z"), "{listed}");
    assert!(
        listed.contains(",33612345678,carrierA,60,unrated,unknown"),
        "{listed}"
    );

    card(&v2, "2026-11-01");
    let rerate = || {
        db.run(&[
            "rerate",
            "--customer",
            &id,
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
        ])
        .expect(0)
        .stdout()
    };
    let rerated = rerate();
    assert!(rerated.contains("2 calls re-rated, 1 changed"), "{rerated}");
    assert!(
        rerated.contains("charge 0.0042 EUR → 0.0142 EUR"),
        "{rerated}"
    );
    let again = rerate();
    assert!(again.contains("0 changed"), "{again}");
    let listed = db.run(&["import", "cdrs", "--unrated"]).expect(0).stdout();
    assert!(
        !listed.contains(",unrated,") && listed.contains(",card,unknown"),
        "{listed}"
    );
}

/// `--at` takes a time as people say it: `tomorrow` is the next midnight UTC.
#[test]
fn a_change_for_tomorrow_is_scheduled_at_the_next_midnight() {
    let db = Db::demo();
    let out = db
        .run(&["customers", "update", "5", "--cps", "1", "--at", "tomorrow"])
        .expect(0)
        .stdout();
    let midnight = carrierdesk::domain::when::next_midnight(chrono::Utc::now());
    assert!(
        out.contains(&format!(
            "scheduled change #1 for {}",
            midnight.format("%Y-%m-%dT00:00:00Z")
        )),
        "{out}"
    );
}

#[test]
fn a_file_at_an_older_schema_is_updated_once_and_says_so_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let old = rusqlite::Connection::open(&path).unwrap();
    old.execute_batch(include_str!("../src/store/schema.sql"))
        .unwrap();
    old.pragma_update(None, "user_version", 1).unwrap();
    drop(old);
    let db = Db {
        _dir: dir,
        path: path.clone(),
    };
    let first = db.run(&["customers", "list"]);
    assert!(first.0.status.success(), "{}", text(&first.0.stderr));
    let said = text(&first.0.stderr);
    let expected = format!("from schema 1 to {}", carrierdesk::store::SCHEMA_VERSION);
    assert!(
        said.contains("Updating") && said.contains(&expected),
        "{said}"
    );
    let again = db.run(&["customers", "list"]);
    assert!(again.0.status.success());
    assert!(
        !text(&again.0.stderr).contains("Updating"),
        "said once only"
    );
}
