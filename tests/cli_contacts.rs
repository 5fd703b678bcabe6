//! `carrierdesk contacts` through the real binary, on each engine (SQLite, and PostgreSQL
//! where a server runs): what each command prints and exits with, the JSON and CSV that
//! scripts read, the primary contact handed on, portal passwords printed once and never
//! stored, and every refusal naming its field.

mod common;

use carrierdesk::store::Location;
use carrierdesk::store::sql::Value;
use common::{Db, each_engine_empty};
use std::io::Write;
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_carrierdesk");

/// Customers 1 and 2 are active, 3 is not.
const CUSTOMERS: &str = "name,currency,channels,status\n\
                         Atlas Networks,EUR,4,active\n\
                         Bluewave Voice,EUR,4,active\n\
                         Cobalt Trunks,EUR,2,inactive\n";

/// The columns of `contacts list --csv`, and the keys of each object of `--json`.
const COLUMNS: &str = "id,customer_id,name,email,phone,mobile,type,categories,primary,portal_password,portal_whitelist,public_notes,private_notes,email_verified,mobile_verified,version";

/// A database on one engine, with the folder a test writes its files in.
struct Account {
    db: Db,
    _dir: TempDir,
}

/// An account on each engine with the customers of `CUSTOMERS`, made by the binary.
fn accounts() -> Vec<Account> {
    each_engine_empty()
        .into_iter()
        .map(|db| {
            let dir = tempfile::tempdir().unwrap();
            let csv = dir.path().join("customers.csv");
            std::fs::write(&csv, CUSTOMERS).unwrap();
            let a = Account { db, _dir: dir };
            a.ok(&["customers", "import", csv.to_str().unwrap()]);
            a
        })
        .collect()
}

/// The database as CARRIERDESK_DB names it.
fn target(db: &Db) -> String {
    match &db.location {
        Location::File(path) => path.display().to_string(),
        Location::Server(url) => url.clone(),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Account {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env("CARRIERDESK_DB", target(&self.db))
            .env_remove("SSH_CONNECTION")
            .env_remove("SSH_CLIENT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// The binary with `input` on its stdin.
    fn run_with(&self, args: &[&str], input: &str) -> Output {
        let mut child = self.command(args).stdin(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
        drop(stdin);
        child.wait_with_output().unwrap()
    }

    /// Asserts the exit code; returns stdout and stderr.
    fn expect(&self, out: Output, code: i32, args: &[&str]) -> (String, String) {
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}: {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            self.db.engine
        );
        (stdout, stderr)
    }

    /// stdout of a command that must succeed.
    fn ok(&self, args: &[&str]) -> String {
        self.expect(self.run(args), 0, args).0
    }

    /// stderr of a command refused by a rule (exit 3), which printed nothing on stdout.
    fn refused(&self, args: &[&str]) -> String {
        let (out, err) = self.expect(self.run(args), 3, args);
        assert_eq!(out, "", "{args:?}");
        err
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// The contacts as `contacts list --json` gives them.
    fn contacts(&self) -> Vec<serde_json::Value> {
        self.json(&["contacts", "list", "--json"])
            .as_array()
            .unwrap()
            .clone()
    }

    /// Every stored byte that could hold a secret: the SQLite files (the WAL included), or
    /// on PostgreSQL every row of the tables that take operators' input, as text.
    fn stored_text(&self) -> String {
        match &self.db.location {
            Location::File(path) => {
                let folder = path.parent().unwrap();
                let mut all = String::new();
                for entry in std::fs::read_dir(folder).unwrap() {
                    all.push_str(&text(&std::fs::read(entry.unwrap().path()).unwrap()));
                }
                all
            }
            Location::Server(_) => ["contacts", "audit_log", "change_log", "outbox"]
                .iter()
                .flat_map(|t| {
                    self.db
                        .raw
                        .query(&format!("SELECT CAST(t AS TEXT) FROM {t} t"))
                })
                .map(|row| format!("{:?}\n", row[0]))
                .collect(),
        }
    }
}

/// `contacts add --customer CUSTOMER --name NAME --email EMAIL MORE...`
fn add<'a>(customer: &'a str, name: &'a str, email: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "contacts",
        "add",
        "--customer",
        customer,
        "--name",
        name,
        "--email",
        email,
    ];
    args.extend_from_slice(more);
    args
}

/// The keys of a JSON object, sorted.
fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

/// The columns of `COLUMNS`, sorted.
fn columns() -> Vec<String> {
    let mut c: Vec<String> = COLUMNS.split(',').map(String::from).collect();
    c.sort();
    c
}

#[test]
fn contacts_are_added_listed_shown_updated_and_deleted() {
    for a in accounts() {
        a.ok(&["settings", "set", "default_country", "DE"]);
        let out = a.ok(&add(
            "1",
            "Ana Berg",
            "ana@example.com",
            &["--phone", "06598 336393", "--type", "Billing"],
        ));
        assert_eq!(
            out, "created contact Ana Berg (#1) of Atlas Networks (#1), its primary\n",
            "{}",
            a.db.engine
        );
        let out = a.ok(&add(
            "1",
            "Bob",
            "bob@example.com",
            &["--mobile", "0049 6598 336394", "--mobile-verified", "yes"],
        ));
        assert_eq!(out, "created contact Bob (#2) of Atlas Networks (#1)\n");
        a.ok(&add(
            "2",
            "Carla",
            "carla@example.com",
            &["--categories", "none", "--private-notes", "Prefers email"],
        ));

        // What scripts read: the same keys for every contact, phone numbers in E.164.
        let listed = a.contacts();
        assert_eq!(listed.len(), 3);
        for k in &listed {
            assert_eq!(keys(k), columns(), "{k}");
        }
        let ana = &listed[0];
        assert_eq!(ana["id"], 1);
        assert_eq!(ana["customer_id"], 1);
        assert_eq!(ana["name"], "Ana Berg");
        assert_eq!(ana["email"], "ana@example.com");
        assert_eq!(ana["phone"], "+496598336393");
        assert_eq!(ana["mobile"], "");
        assert_eq!(ana["type"], "Billing");
        assert_eq!(ana["categories"], "general,financial");
        assert_eq!(ana["primary"], true);
        assert_eq!(ana["portal_password"], false);
        assert_eq!(ana["email_verified"], false);
        assert_eq!(listed[1]["mobile"], "+496598336394");
        assert_eq!(listed[1]["mobile_verified"], true);
        assert_eq!(listed[1]["primary"], false);
        assert_eq!(listed[2]["categories"], "none");
        assert_eq!(listed[2]["private_notes"], "Prefers email");
        assert_eq!(listed[2]["primary"], true, "Bluewave's first contact");

        let csv = a.ok(&["contacts", "list", "--csv"]);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(COLUMNS));
        assert_eq!(lines.count(), 3);
        assert!(
            csv.contains("\n1,1,Ana Berg,ana@example.com,+496598336393,,Billing,\"general,financial\",true,false,,,,false,false,1\n"),
            "{csv}"
        );

        // The plain list marks the primary contacts.
        let plain = a.ok(&["contacts", "list"]);
        let rows: Vec<&str> = plain.lines().collect();
        assert_eq!(rows.len(), 4, "{plain}");
        assert!(
            rows[0].contains("NAME") && rows[0].contains("EMAIL"),
            "{plain}"
        );
        assert!(rows[1].contains(" * Ana Berg"), "{plain}");
        assert!(rows[2].contains("   Bob "), "{plain}");

        let one = a.json(&["contacts", "list", "--customer", "1", "--json"]);
        let ids: Vec<i64> = one
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [1, 2]);

        let shown = a.ok(&["contacts", "show", "1"]);
        assert!(
            shown.starts_with("Contact #1 of Atlas Networks (#1)\n"),
            "{shown}"
        );
        for line in [
            "  Name           Ana Berg (primary)\n",
            "  Email          ana@example.com (not verified)\n",
            "  Phone          +496598336393\n",
            "  Type           Billing\n",
            "  Portal password not set\n",
        ] {
            assert!(shown.contains(line), "{line:?} in {shown}");
        }
        assert_eq!(a.json(&["contacts", "show", "1", "--json"]), listed[0]);

        // An update says what changed, old and new, in the words of the form.
        let out = a.ok(&[
            "contacts",
            "update",
            "2",
            "--phone",
            "06598 336393",
            "--categories",
            "financial",
        ]);
        assert_eq!(
            out,
            "contact Bob (#2): phone - → +496598336393; messages general,financial → financial\n"
        );
        let out = a.ok(&["contacts", "update", "2", "--categories", "financial"]);
        assert_eq!(
            out,
            "contact Bob (#2): unchanged (it already has these values)\n"
        );
        let (_, err) = a.expect(a.run(&["contacts", "update", "2"]), 2, &["update 2"]);
        assert!(err.contains("give at least one field to change"), "{err}");
        let err = a.refused(&["contacts", "update", "2", "--email", "ANA@example.COM"]);
        assert!(err.contains("Email: ANA@example.COM is already the portal login of contact 1 of Atlas Networks (#1)"), "{err}");

        // The primary moves in one step.
        assert_eq!(
            a.ok(&["contacts", "become-primary", "2"]),
            "Bob (#2) is the primary contact of Atlas Networks (#1)\n"
        );
        let one = a.json(&["contacts", "list", "--customer", "1", "--json"]);
        let order: Vec<(i64, bool)> = one
            .as_array()
            .unwrap()
            .iter()
            .map(|k| (k["id"].as_i64().unwrap(), k["primary"].as_bool().unwrap()))
            .collect();
        assert_eq!(order, [(2, true), (1, false)], "{}", a.db.engine);

        // The primary goes only with a successor of the same customer; until then nothing
        // is deleted.
        let err = a.refused(&["contacts", "delete", "2", "--yes"]);
        assert_eq!(
            err,
            "carrierdesk: contact Bob (#2) of Atlas Networks (#1) is the primary contact: give --new-primary ID, the contact that takes over (Ana Berg is #1)\n"
        );
        let err = a.refused(&["contacts", "delete", "2", "--new-primary", "3", "--yes"]);
        assert!(
            err.contains("contact 3 is not another contact of this customer"),
            "{err}"
        );
        let (_, err) = a.expect(
            a.run(&["contacts", "delete", "2", "--new-primary", "1"]),
            2,
            &["delete 2"],
        );
        assert!(err.contains("add --yes"), "{err}");
        assert_eq!(a.contacts().len(), 3, "{}: nothing deleted", a.db.engine);

        let out = a.ok(&["contacts", "delete", "2", "--new-primary", "1", "--yes"]);
        assert_eq!(
            out,
            "deleted contact Bob (#2) of Atlas Networks (#1)\nAna Berg (#1) is now the primary contact\n"
        );
        let (_, err) = a.expect(a.run(&["contacts", "show", "2"]), 1, &["show 2"]);
        assert_eq!(err, "carrierdesk: contact 2 does not exist\n");
        assert_eq!(
            a.json(&["contacts", "show", "1", "--json"])["primary"],
            true
        );
        // The only contact of a customer needs no successor.
        assert_eq!(
            a.ok(&["contacts", "delete", "1", "--yes"]),
            "deleted contact Ana Berg (#1) of Atlas Networks (#1)\n"
        );
        assert_eq!(
            a.json(&["contacts", "list", "--customer", "1", "--json"]),
            serde_json::json!([])
        );
        let (_, err) = a.expect(
            a.run(&add("9", "Zed", "zed@example.com", &[])),
            1,
            &["add to customer 9"],
        );
        assert_eq!(err, "carrierdesk: customer 9 does not exist\n");
    }
}

#[test]
fn a_filter_lists_the_contacts_of_the_customers_it_matches() {
    for a in accounts() {
        a.ok(&add("1", "Ana", "ana@example.com", &[]));
        a.ok(&add("3", "Cem", "cem@example.com", &[]));
        a.ok(&add("3", "Dora", "dora@example.com", &[]));
        let names = |filter: &str| -> Vec<String> {
            a.json(&["contacts", "list", "--filter", filter, "--json"])
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names("status:active"), ["Ana"], "{}", a.db.engine);
        assert_eq!(names("status:inactive"), ["Cem", "Dora"]);
        let csv = a.ok(&["contacts", "list", "--filter", "status:active", "--csv"]);
        assert_eq!(csv.lines().count(), 2, "{csv}");
        // A customer without contacts lists none; a header still heads the CSV.
        let empty = a.ok(&["contacts", "list", "--customer", "2", "--csv"]);
        assert_eq!(empty, format!("{COLUMNS}\n"));

        let args = ["contacts", "list", "--filter", "status:sleeping"];
        a.expect(a.run(&args), 2, &args);
        let args = [
            "contacts",
            "list",
            "--customer",
            "1",
            "--filter",
            "status:active",
        ];
        a.expect(a.run(&args), 2, &args);
        let (_, err) = a.expect(a.run(&["contacts", "list", "--customer", "9"]), 1, &[]);
        assert!(err.contains("customer 9 does not exist"), "{err}");

        // The customer's own JSON carries its contacts, the primary first.
        let c = a.json(&["customers", "show", "3", "--json"]);
        let contacts = c["contacts"].as_array().unwrap();
        let shown: Vec<(&str, bool)> = contacts
            .iter()
            .map(|k| (k["name"].as_str().unwrap(), k["primary"].as_bool().unwrap()))
            .collect();
        assert_eq!(shown, [("Cem", true), ("Dora", false)]);
        assert_eq!(contacts[0]["email"], "cem@example.com");
        assert_eq!(contacts[0]["portal_password"], false);
        assert_eq!(
            a.json(&["customers", "show", "2", "--json"])["contacts"],
            serde_json::json!([])
        );
        let text = a.ok(&["customers", "show", "1"]);
        assert!(
            text.contains("Contact #1: Ana (primary) <ana@example.com>"),
            "{text}"
        );
    }
}

#[test]
fn portal_passwords_are_printed_once_and_never_stored() {
    let typed = "Tr0ub4dor&3-horse";
    for a in accounts() {
        a.ok(&add("1", "Ana Berg", "ana@example.com", &[]));

        // Generated: the password alone on stdout, everything else on stderr.
        let set = ["contacts", "set-password", "1", "--generate"];
        let (out, err) = a.expect(a.run(&set), 0, &set);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{}: {out:?}", a.db.engine);
        assert!(out.ends_with('\n'));
        let generated = lines[0].to_string();
        assert_eq!(generated.chars().count(), 20, "{generated}");
        assert!(!generated.contains(char::is_whitespace), "{generated}");
        assert!(
            err.contains("portal password of Ana Berg (#1, login ana@example.com) set"),
            "{err}"
        );
        assert!(err.contains("cannot be shown again"), "{err}");
        assert!(!err.contains(&generated), "{err}");
        assert!(a.db.service.check_contact_password(1, &generated).unwrap());
        assert_eq!(
            a.json(&["contacts", "show", "1", "--json"])["portal_password"],
            true
        );

        // Typed on stdin: held to the rules, each refusal saying why and nothing changed.
        let set = ["contacts", "set-password", "1", "--stdin"];
        for (input, why) in [
            ("short\n", "carrierdesk: Password: at least 12 characters\n"),
            (
                "my-ana-password!\n",
                "carrierdesk: Password: must not contain the email's local part\n",
            ),
            (
                "atlas networks 2024\n",
                "carrierdesk: Password: must not contain the customer's name\n",
            ),
        ] {
            let (out, err) = a.expect(a.run_with(&set, input), 3, &set);
            assert_eq!((out.as_str(), err.as_str()), ("", why), "{input:?}");
        }
        assert!(a.db.service.check_contact_password(1, &generated).unwrap());
        let (out, err) = a.expect(a.run_with(&set, &format!("{typed}\r\n")), 0, &set);
        assert_eq!(out, "", "a typed password is not printed");
        assert!(err.contains("portal password of Ana Berg"), "{err}");
        assert!(a.db.service.check_contact_password(1, typed).unwrap());
        assert!(!a.db.service.check_contact_password(1, &generated).unwrap());

        let (_, err) = a.expect(a.run(&["contacts", "set-password", "1"]), 2, &[]);
        assert!(
            err.contains("--generate") && err.contains("--stdin"),
            "{err}"
        );
        let args = ["contacts", "set-password", "1", "--generate", "--stdin"];
        a.expect(a.run(&args), 2, &args);
        let (_, err) = a.expect(
            a.run(&["contacts", "set-password", "9", "--generate"]),
            1,
            &[],
        );
        assert_eq!(err, "carrierdesk: contact 9 does not exist\n");

        // With the contact: generated or typed.
        let args = add("1", "Bob", "bob@example.com", &["--generate-password"]);
        let (out, err) = a.expect(a.run(&args), 0, &args);
        assert_eq!(out.lines().count(), 1, "{out:?}");
        let bobs = out.trim_end().to_string();
        assert_eq!(bobs.chars().count(), 20);
        assert!(
            err.starts_with("created contact Bob (#2) of Atlas Networks (#1)\n"),
            "{err}"
        );
        let carla_password = "Seven gulls 4 the harbour";
        let args = add("2", "Carla", "carla@example.com", &["--password-stdin"]);
        let (out, _) = a.expect(a.run_with(&args, &format!("{carla_password}\n")), 0, &args);
        assert_eq!(
            out,
            "created contact Carla (#3) of Bluewave Voice (#2), its primary\n"
        );
        assert!(
            a.db.service
                .check_contact_password(3, carla_password)
                .unwrap()
        );
        // A short one adds no contact.
        let args = add("2", "Dora", "dora@example.com", &["--password-stdin"]);
        let (_, err) = a.expect(a.run_with(&args, "tiny\n"), 3, &args);
        assert!(err.contains("at least 12 characters"), "{err}");
        assert_eq!(a.contacts().len(), 3);

        // Nothing scripts read holds a password or a hash.
        let secrets = [typed, generated.as_str(), bobs.as_str(), carla_password];
        for args in [
            &["contacts", "list", "--json"][..],
            &["contacts", "list", "--csv"],
            &["contacts", "list"],
            &["contacts", "show", "1"],
            &["contacts", "show", "1", "--json"],
            &["customers", "show", "1", "--json"],
            &["customers", "show", "1"],
        ] {
            let out = a.ok(args);
            assert!(!out.contains("argon2"), "{args:?}: {out}");
            for secret in secrets {
                assert!(!out.contains(secret), "{args:?}: {out}");
            }
        }
        // Nor the database, in any table, file or old page; the audit log not even the hash.
        let stored = a.stored_text();
        assert!(stored.contains("carla@example.com"), "{}", a.db.engine);
        for secret in secrets {
            assert!(!stored.contains(secret), "{}: {secret}", a.db.engine);
        }
        let audit =
            a.db.raw
                .query("SELECT message || ' ' || CAST(data AS TEXT) FROM audit_log");
        assert!(audit.len() >= 6, "{audit:?}");
        for row in &audit {
            let Value::Text(t) = &row[0] else { panic!() };
            assert!(!t.contains("argon2"), "{t}");
            for secret in secrets {
                assert!(!t.contains(secret), "{t}");
            }
        }
    }
}

#[test]
fn every_refusal_names_its_field_and_adds_nothing() {
    for a in accounts() {
        let err = a.refused(&add("1", "Ana", "not-an-email", &[]));
        assert_eq!(
            err,
            "carrierdesk: Email: 'not-an-email' is not an email address (like ana@example.com)\n",
            "{}",
            a.db.engine
        );
        // Without default_country, a number needs its country code; letters never do.
        let err = a.refused(&add(
            "1",
            "Ana",
            "ana@example.com",
            &["--phone", "06598 336393", "--mobile", "call me"],
        ));
        assert_eq!(
            err,
            "carrierdesk: Phone: needs a country code such as +44, or the default_country setting\n\
             carrierdesk: Mobile: cannot contain letters\n"
        );
        let err = a.refused(&add("1", "Ana\u{1b}[31mBerg", "ana@example.com", &[]));
        assert_eq!(
            err,
            "carrierdesk: Name: cannot contain control characters\n"
        );
        let err = a.refused(&add("1", "Ana\u{202e}greB", "ana@example.com", &[]));
        assert!(
            err.starts_with("carrierdesk: Name: cannot contain characters that reorder"),
            "{err}"
        );
        let err = a.refused(&add(
            "1",
            "Ana",
            "ana@example.com",
            &["--public-notes", "pwd: hunter2x"],
        ));
        assert!(
            err.starts_with("carrierdesk: Public notes: never put passwords in notes")
                && err.contains("\"pwd\""),
            "{err}"
        );
        let err = a.refused(&add(
            "1",
            "Ana",
            "ana@example.com",
            &[
                "--categories",
                "marketing",
                "--portal-whitelist",
                "10.0.0.1/33",
            ],
        ));
        assert!(
            err.contains("unknown messaging category 'marketing'"),
            "{err}"
        );
        assert!(err.contains("Portal IP whitelist"), "{err}");
        let err = a.refused(&add(
            "1",
            "Ana",
            "ana@example.com",
            &["--email-verified", "maybe"],
        ));
        assert_eq!(err, "carrierdesk: Email verified: yes or no, not 'maybe'\n");
        a.expect(
            a.run(&["contacts", "add", "--customer", "1", "--name", "Ana"]),
            2,
            &["add without --email"],
        );
        assert_eq!(
            a.contacts(),
            Vec::<serde_json::Value>::new(),
            "{}",
            a.db.engine
        );

        // The same rules for an update, which changes nothing when refused.
        a.ok(&add(
            "1",
            "Ana",
            "ana@example.com",
            &["--phone", "+44 20 7946 0958"],
        ));
        let before = a.json(&["contacts", "show", "1", "--json"]);
        let err = a.refused(&["contacts", "update", "1", "--phone", "020 7946 0958"]);
        assert!(
            err.starts_with("carrierdesk: Phone: needs a country code"),
            "{err}"
        );
        let err = a.refused(&["contacts", "update", "1", "--mobile-verified", "perhaps"]);
        assert!(err.contains("Mobile verified: yes or no"), "{err}");
        let err = a.refused(&["contacts", "update", "1", "--name", "Ana\u{7}"]);
        assert!(
            err.contains("Name: cannot contain control characters"),
            "{err}"
        );
        assert_eq!(a.json(&["contacts", "show", "1", "--json"]), before);
        a.ok(&["settings", "set", "default_country", "gb"]);
        let out = a.ok(&["contacts", "update", "1", "--mobile", "020 7946 0959"]);
        assert_eq!(out, "contact Ana (#1): mobile - → +442079460959\n");
    }
}
