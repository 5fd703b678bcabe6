//! Number blocks and SIP users through the real binary, on each engine (SQLite, and
//! PostgreSQL where a server runs): blocks handed out by racing processes, every SIP user
//! rule in the web console's words, passwords kept only as their digests, the switch
//! export, and CDRs matched by the SIP users added here.

mod common;

use carrierdesk::store::Location;
use carrierdesk::store::sql::Value;
use common::{Db, each_engine_empty};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_carrierdesk");

/// The two customers most tests start from: ids 1 and 2.
const CUSTOMERS: &str = "name,currency,channels,status\n\
                         Atlas Networks,EUR,4,active\n\
                         Bluewave Voice,EUR,4,active\n";

/// A database on one engine, with the folder a test writes its files in.
struct Account {
    db: Db,
    dir: TempDir,
}

/// An account on each engine, its customers made from `customers` (CSV) by the binary.
fn accounts(customers: &str) -> Vec<Account> {
    each_engine_empty()
        .into_iter()
        .map(|db| {
            let a = Account {
                db,
                dir: tempfile::tempdir().unwrap(),
            };
            let csv = a.file("customers.csv", customers);
            a.ok(&["customers", "import", csv.to_str().unwrap()]);
            a
        })
        .collect()
}

/// The database as CARRIERDESK_DB names it, as a team sets it up (so that a server's
/// password never shows in the process list).
fn target(db: &Db) -> String {
    match &db.location {
        Location::File(path) => path.display().to_string(),
        Location::Server(url) => url.clone(),
    }
}

fn binary(target: &str, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env("CARRIERDESK_DB", target)
        .env_remove("SSH_CONNECTION")
        .env_remove("SSH_CLIENT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Runs `command` with `input` on its stdin.
fn fed(mut command: Command, input: &str) -> Output {
    let mut child = command.stdin(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Account {
    fn run(&self, args: &[&str]) -> Output {
        binary(&target(&self.db), args).output().unwrap()
    }

    /// The binary with `input` on its stdin.
    fn run_with(&self, args: &[&str], input: &str) -> Output {
        fed(binary(&target(&self.db), args), input)
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

    /// stderr of a command refused by a rule (exit 3).
    fn refused(&self, args: &[&str]) -> String {
        self.expect(self.run(args), 3, args).1
    }

    fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// Settings number_range_start 1000 and block_size 1000.
    fn number_range(&self) {
        self.ok(&["settings", "set", "number_range_start", "1000"]);
        self.ok(&["settings", "set", "block_size", "1000"]);
    }

    /// Every stored byte that could hold a secret: the SQLite files (the WAL included,
    /// where old pages linger), or on PostgreSQL every row of the tables that take
    /// operators' input, as text.
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
            Location::Server(_) => ["sip_users", "audit_log", "settings", "change_log", "outbox"]
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

/// `sip-users add --customer CUSTOMER --username USERNAME MORE...`
fn add<'a>(customer: &'a str, username: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sip-users",
        "add",
        "--customer",
        customer,
        "--username",
        username,
    ];
    args.extend_from_slice(more);
    args
}

/// MD5 in hex by the system's md5sum, not by carrierdesk's code.
fn md5sum(input: &str) -> String {
    let mut md5sum = Command::new("md5sum");
    md5sum.stdout(Stdio::piped());
    let out = fed(md5sum, input);
    text(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// The blocks as `number-blocks list --json` gives them: (customer_id, first, last) by first.
fn blocks(a: &Account) -> Vec<(i64, i64, i64)> {
    let json = a.json(&["number-blocks", "list", "--json"]);
    let mut blocks: Vec<(i64, i64, i64)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let n = |k: &str| b[k].as_i64().unwrap();
            (n("customer_id"), n("first"), n("last"))
        })
        .collect();
    blocks.sort_by_key(|b| b.1);
    blocks
}

fn block_id(a: &Account, first: i64) -> String {
    let json = a.json(&["number-blocks", "list", "--json"]);
    let block = json
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["first"] == first)
        .unwrap_or_else(|| panic!("a block from {first} in {json}"));
    block["id"].to_string()
}

#[test]
fn two_processes_assigning_at_once_get_contiguous_blocks_that_never_overlap() {
    for a in accounts(CUSTOMERS) {
        a.number_range();
        let db = target(&a.db);
        // Two scripts, each handing out 100 blocks to its customer, one process a block.
        std::thread::scope(|s| {
            for customer in ["1", "2"] {
                let db = &db;
                s.spawn(move || {
                    for _ in 0..100 {
                        let out = binary(db, &["number-blocks", "assign", customer])
                            .output()
                            .unwrap();
                        assert!(out.status.success(), "{}", text(&out.stderr));
                    }
                });
            }
        });
        let all = blocks(&a);
        let firsts: Vec<i64> = all.iter().map(|b| b.1).collect();
        let expected: Vec<i64> = (0..200).map(|i| 1000 + i * 1000).collect();
        assert_eq!(
            firsts, expected,
            "{}: one block after the other",
            a.db.engine
        );
        assert!(all.iter().all(|b| b.2 == b.1 + 999));
        for customer in [1, 2] {
            assert_eq!(all.iter().filter(|b| b.0 == customer).count(), 100);
        }

        // Two blocks given back: the next assignments take them, lowest first, and only
        // then new numbers.
        for first in [120_000, 5000] {
            let id = block_id(&a, first);
            let out = a.ok(&["number-blocks", "release", &id]);
            assert!(out.starts_with(&format!("number block {first}–")), "{out}");
        }
        for first in [5000, 120_000, 201_000] {
            assert_eq!(
                a.ok(&["number-blocks", "assign", "2"]),
                format!(
                    "number block {first}–{} (#{}) assigned to Bluewave Voice (#2)\n",
                    first + 999,
                    block_id(&a, first)
                )
            );
        }
        assert_eq!(blocks(&a).len(), 201);
    }
}

#[test]
fn assigning_without_the_range_settings_names_the_one_to_fill_in() {
    for a in accounts(CUSTOMERS) {
        let err = a.refused(&["number-blocks", "assign", "1"]);
        assert!(
            err.contains("no number block can be assigned until number_range_start is set"),
            "{err}"
        );
        a.ok(&["settings", "set", "number_range_start", "1000"]);
        let err = a.refused(&["number-blocks", "assign", "1"]);
        assert!(err.contains("until block_size is set"), "{err}");
        assert_eq!(blocks(&a), []);

        a.ok(&["settings", "set", "block_size", "1000"]);
        assert_eq!(
            a.ok(&["number-blocks", "assign", "1"]),
            "number block 1000–1999 (#1) assigned to Atlas Networks (#1)\n"
        );
        // An unknown customer or block is an error (exit 1), not a refusal.
        let (_, err) = a.expect(a.run(&["number-blocks", "assign", "9"]), 1, &[]);
        assert!(err.contains("customer 9 does not exist"), "{err}");
        let (_, err) = a.expect(a.run(&["number-blocks", "release", "9"]), 1, &[]);
        assert!(err.contains("number block 9 does not exist"), "{err}");
        let listed = a.ok(&["number-blocks", "list", "--customer", "1"]);
        assert_eq!(
            listed,
            "     ID  CUSTOMER  RANGE\n      1         1  1000–1999\n"
        );
        assert_eq!(
            a.json(&["number-blocks", "list", "--customer", "2", "--json"]),
            serde_json::json!([])
        );
    }
}

#[test]
fn a_block_holding_sip_users_is_kept_until_they_are_gone() {
    for a in accounts(CUSTOMERS) {
        a.number_range();
        a.ok(&["number-blocks", "assign", "1"]);
        a.ok(&["number-blocks", "assign", "1"]);
        for user in ["1001", "1999"] {
            a.ok(&add("1", user, &[]));
        }
        let err = a.refused(&["number-blocks", "release", "1"]);
        assert_eq!(
            err,
            "carrierdesk: number block: 1000–1999 still holds SIP users 1001, 1999; delete them or give them other extensions first\n"
        );
        // The user moved to the other block, the one left deleted: the block goes.
        a.ok(&["sip-users", "update", "1", "--username", "2001"]);
        assert_eq!(
            a.ok(&["sip-users", "delete", "2", "--yes"]),
            "deleted SIP user 1999 (#2) of Atlas Networks (#1)\n"
        );
        assert_eq!(
            a.ok(&["number-blocks", "release", "1"]),
            "number block 1000–1999 (#1) released from Atlas Networks (#1)\n"
        );
        let err = a.refused(&["number-blocks", "release", "2"]);
        assert!(
            err.contains("2000–2999 still holds SIP users 2001;"),
            "{err}"
        );
        // Released, it is the next block handed out, to whichever customer asks.
        assert_eq!(
            a.ok(&["number-blocks", "assign", "2"]),
            "number block 1000–1999 (#3) assigned to Bluewave Voice (#2)\n"
        );
    }
}

#[test]
fn every_sip_user_rule_refuses_in_the_web_consoles_words() {
    let customers = format!("{CUSTOMERS}Cobalt Trunks,EUR,2,active\n");
    for a in accounts(&customers) {
        a.number_range();
        a.ok(&["number-blocks", "assign", "1"]); // 1000–1999
        a.ok(&["number-blocks", "assign", "2"]); // 2000–2999
        let out = a.ok(&add("1", "1001", &["--channels", "2"]));
        assert_eq!(out, "created SIP user 1001 (#1) of Atlas Networks (#1)\n");

        // A username taken anywhere, by any customer, is named first and alone, whatever
        // else is wrong.
        let err = a.refused(&add(
            "2",
            "1001",
            &["--channels", "x", "--codecs", "gsm", "--protocol", "sctp"],
        ));
        assert_eq!(
            err,
            "carrierdesk: username: Duplicate User Detected: 1001 is already a SIP user of Atlas Networks (#1)\n"
        );

        // Once a customer has blocks, its extensions come from them; the message names them.
        let err = a.refused(&add("2", "5500", &[]));
        assert_eq!(
            err,
            "carrierdesk: username: '5500' is not in the customer's number blocks (2000–2999); choose an extension from them\n"
        );
        // Nor from another customer's block, whether it has blocks of its own or not.
        let err = a.refused(&add("2", "1500", &[]));
        assert_eq!(
            err,
            "carrierdesk: username: '1500' lies in number block 1000–1999 of Atlas Networks (#1): its extensions are that customer's\n"
        );
        a.ok(&["number-blocks", "assign", "2"]); // 3000–3999
        let err = a.refused(&add("2", "office", &[]));
        assert!(err.contains("(2000–2999, 3000–3999)"), "{err}");
        a.ok(&add("2", "3000", &[]));
        // Without a block, any extension or SIP user part will do.
        a.ok(&add("3", "office-main", &[]));
        a.ok(&add("3", "77", &[]));

        // Each field's own rule, every broken one said.
        let err = a.refused(&add(
            "1",
            "1002",
            &[
                "--channels",
                "-1",
                "--protocol",
                "sctp",
                "--codecs",
                "gsm",
                "--whitelist",
                "10.0.0.5/24",
                "--nat-ping",
                "0",
            ],
        ));
        for message in [
            "channels cannot be negative",
            "'sctp' is not one of udp, tcp, tls, tls_srtp",
            "'gsm' is not one of alaw, ulaw, g729, g722, opus",
            "'10.0.0.5/24' has host bits set; the range is 10.0.0.0/24",
            "'0' is not disabled, enabled or a number of seconds from 1 to 3600",
        ] {
            assert!(err.contains(message), "{message} in {err}");
        }
        let err = a.refused(&add("1", "10;01", &[]));
        assert!(err.contains("';' cannot be in a SIP username"), "{err}");

        // The customer's channels (4) cover its SIP users': 2 + 3 is too many.
        let add_1002 = |channels: &str| a.run(&add("1", "1002", &["--channels", channels]));
        let (_, err) = a.expect(add_1002("3"), 3, &["add 1002 --channels 3"]);
        assert_eq!(
            err,
            "carrierdesk: channels: No channel capacity available for your account. Its SIP users would have 5 channels; the customer has 4.\n"
        );
        a.expect(add_1002("2"), 0, &["add 1002 --channels 2"]);
        let err = a.refused(&["sip-users", "update", "1", "--channels", "3"]);
        assert!(
            err.contains("No channel capacity available for your account."),
            "{err}"
        );

        // Lowering the customer's channels below its SIP users' is refused the same way,
        // from the customer's command and from a bulk edit, naming the SIP users.
        let err = a.refused(&["customers", "update", "1", "--channels", "3"]);
        assert_eq!(
            err,
            "carrierdesk: No channel capacity available for your account. Its SIP users 1001 (2), 1002 (2) have 4 channels; 3 is too few\n"
        );
        let err = a.refused(&["customers", "bulk-update", "--all", "--set", "channels=1"]);
        assert!(
            err.contains("Atlas Networks (#1): No channel capacity available for your account. Its SIP users 1001 (2), 1002 (2) have 4 channels; 1 is too few"),
            "{err}"
        );
        // Nothing changed, for any customer of the bulk edit.
        for id in ["1", "2", "3"] {
            let c = a.json(&["customers", "show", id, "--json"]);
            assert_ne!(c["channels"], 1, "{c}");
        }
        a.ok(&["customers", "update", "1", "--channels", "6"]);
        a.ok(&["sip-users", "update", "1", "--channels", "4"]);

        // Wrong command lines and missing rows have their own exit codes.
        let (_, err) = a.expect(a.run(&["sip-users", "show", "99"]), 1, &["show 99"]);
        assert_eq!(err, "carrierdesk: SIP user 99 does not exist\n");
        let (_, err) = a.expect(a.run(&["sip-users", "delete", "1"]), 2, &["delete 1"]);
        assert!(err.contains("add --yes"), "{err}");
        let (_, err) = a.expect(a.run(&["sip-users", "update", "1"]), 2, &["update 1"]);
        assert!(err.contains("give at least one field to change"), "{err}");
        a.expect(
            a.run(&["sip-users", "add", "--customer", "1"]),
            2,
            &["add without --username"],
        );
        let listed = a.json(&["sip-users", "list", "--json"]);
        let names: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["1001", "1002", "3000", "77", "office-main"]);
    }
}

#[test]
fn a_sip_password_is_kept_only_as_ha1_and_ha1b_for_the_realm() {
    // The digests as the SIP standard defines them, computed here by md5sum: first the
    // textbook vector, then the password this test types (a typed one has 12 or more
    // characters).
    assert_eq!(
        md5sum("1001:sip.example.com:secret"),
        "97761dcab48af7d4db6ae96a85381a9c"
    );
    assert_eq!(
        md5sum("1001@sip.example.com:sip.example.com:secret"),
        "7ffdedf805dc47e1925cdef58fa64a0d"
    );
    let password = "Correct Horse 1001";
    let ha1 = md5sum(&format!("1001:sip.example.com:{password}"));
    let ha1b = md5sum(&format!("1001@sip.example.com:sip.example.com:{password}"));

    for a in accounts(CUSTOMERS) {
        // Without a realm there is nothing to digest for, and nothing is created.
        let out = a.run_with(
            &add("1", "1001", &["--password-stdin"]),
            &format!("{password}\n"),
        );
        let (_, err) = a.expect(out, 3, &["add --password-stdin without a realm"]);
        assert!(err.contains("set sip_realm first"), "{err}");
        assert_eq!(
            a.json(&["sip-users", "list", "--json"]),
            serde_json::json!([])
        );

        a.ok(&["settings", "set", "sip_realm", "sip.example.com"]);
        a.ok(&add("1", "1001", &[]));
        let set = ["sip-users", "set-password", "1", "--stdin"];
        let (_, err) = a.expect(a.run_with(&set, "secret\n"), 3, &set);
        assert_eq!(
            err,
            "carrierdesk: password: a SIP password has at least 12 characters\n"
        );
        let (out, _) = a.expect(a.run_with(&set, &format!("{password}\r\n")), 0, &set);
        assert_eq!(
            out,
            "password of SIP user 1001 (#1) set for realm sip.example.com\n"
        );
        let export = a.ok(&["sip-users", "export", "--format", "kamailio"]);
        assert_eq!(
            export,
            format!("username,domain,password,ha1,ha1b\n1001,sip.example.com,\"\",{ha1},{ha1b}\n")
        );
        let pjsip = a.ok(&["sip-users", "export", "--format", "asterisk-pjsip"]);
        assert!(
            pjsip.contains(&format!("realm=sip.example.com\nmd5_cred={ha1}\n")),
            "{pjsip}"
        );

        // What scripts read says whether a password is set, never the password or a digest.
        let json = [
            a.ok(&["sip-users", "list", "--json"]),
            a.ok(&["sip-users", "show", "1", "--json"]),
            a.ok(&["sip-users", "list", "--csv"]),
            a.ok(&["sip-users", "show", "1"]),
        ];
        for out in &json {
            assert!(!out.contains(password) && !out.contains(&ha1) && !out.contains(&ha1b));
        }
        assert_eq!(
            a.json(&["sip-users", "show", "1", "--json"])["password"],
            "set"
        );
        // Nor does the database hold the password, in any table, file or old page; the
        // audit log holds not even the digests.
        let stored = a.stored_text();
        assert!(!stored.contains(password), "{}", a.db.engine);
        let audit: Vec<Vec<Value>> = a.db.raw.query(
            "SELECT message || ' ' || CAST(data AS TEXT) FROM audit_log WHERE table_name = 'sip_users'",
        );
        assert_eq!(audit.len(), 2);
        for row in &audit {
            let Value::Text(t) = &row[0] else { panic!() };
            assert!(
                !t.contains(&ha1) && !t.contains(&ha1b) && !t.contains(password),
                "{t}"
            );
        }

        // A generated password is printed once, with the word to pass it on now.
        let set = ["sip-users", "set-password", "1", "--generate"];
        let (out, err) = a.expect(a.run(&set), 0, &set);
        let generated = out
            .lines()
            .find_map(|l| l.strip_prefix("password: "))
            .unwrap_or_else(|| panic!("{out}"))
            .to_string();
        assert_eq!(generated.len(), 20, "{generated}");
        assert!(
            err.contains("Give this password to the customer now"),
            "{err}"
        );
        assert!(err.contains("cannot be shown again"), "{err}");
        let export = a.ok(&["sip-users", "export", "--format", "kamailio"]);
        assert!(
            export.contains(&md5sum(&format!("1001:sip.example.com:{generated}"))),
            "{export}"
        );
        assert!(!a.stored_text().contains(&generated), "{}", a.db.engine);

        // A new realm makes every digest useless: the operator is told, the list shows it
        // and the export leaves the user out until the password is set again.
        let out = a.run(&["settings", "set", "sip_realm", "voice.example.net"]);
        let (_, err) = a.expect(out, 0, &["settings set sip_realm"]);
        assert_eq!(
            err,
            "1 SIP user must have its password set again: its digests were made for the old realm (p on a card's SIP users tab, or carrierdesk sip-users set-password ID --generate)\n"
        );
        assert_eq!(
            a.json(&["sip-users", "show", "1", "--json"])["password"],
            "set again (realm changed)"
        );
        // With nobody left to export, nothing is: a switch loading an empty list in place
        // of the last one would lose every user.
        let out = a.run(&["sip-users", "export", "--format", "kamailio"]);
        let (export, err) = a.expect(out, 3, &["export after the realm changed"]);
        assert_eq!(export, "");
        assert!(
            err.contains("nothing was exported (skipped: 1001 (password set for another realm"),
            "{err}"
        );
        let (_, err) = a.expect(
            a.run(&["settings", "set", "sip_realm", "sip.example.com"]),
            0,
            &["the old realm back"],
        );
        assert_eq!(err, "", "the digests are good again");

        // A new username drops the password, whose digests include the username.
        let out = a.run(&["sip-users", "update", "1", "--username", "1002"]);
        let (out, err) = a.expect(out, 0, &["update --username"]);
        assert_eq!(out, "SIP user 1001 (#1): username 1001 → 1002\n");
        assert!(err.contains("its password was cleared"), "{err}");
        assert_eq!(
            a.json(&["sip-users", "show", "1", "--json"])["password"],
            "none"
        );
    }
}

#[test]
fn the_export_of_a_small_account_is_what_each_switch_loads() {
    let customers = "name,currency,channels,status\n\
                     Atlas Networks,EUR,10,active\n\
                     Bluewave Voice,EUR,4,inactive\n";
    let kamailio = include_str!("fixtures/sip_export.kamailio.csv");
    let pjsip = include_str!("fixtures/sip_export.pjsip.conf");
    for a in accounts(customers) {
        a.ok(&["settings", "set", "sip_realm", "sip.example.com"]);
        // Typed passwords, so that the digests are known; 1003 has none, so a switch
        // could not authenticate it: it is left out and named.
        let users = [
            (
                "1",
                "1001",
                vec!["--password-stdin"],
                "first password 1001\n",
            ),
            (
                "1",
                "1002",
                vec![
                    "--channels",
                    "2",
                    "--cps",
                    "5",
                    "--protocol",
                    "tls_srtp",
                    "--codecs",
                    "opus,g722",
                    "--whitelist",
                    "10.0.0.0/24,203.0.113.9",
                    "--nat-ping",
                    "30",
                    "--password-stdin",
                ],
                "second password 1002\n",
            ),
            (
                "1",
                "1003",
                vec!["--protocol", "tcp", "--nat-ping", "on"],
                "",
            ),
            // A user of an Inactive customer is left out without a word.
            (
                "2",
                "2001",
                vec!["--password-stdin"],
                "inactive customer 2001\n",
            ),
        ];
        for (customer, username, more, password) in users {
            let args = add(customer, username, &more);
            a.expect(a.run_with(&args, password), 0, &args);
        }

        for (format, expected) in [("kamailio", kamailio), ("asterisk-pjsip", pjsip)] {
            let args = ["sip-users", "export", "--format", format];
            let (out, err) = a.expect(a.run(&args), 0, &args);
            assert_eq!(out, expected, "{}: {format}", a.db.engine);
            assert_eq!(err, "skipped SIP user 1003 (no password)\n");
        }

        // To a file: its owner's only, even one that was there, readable by others, before.
        let path = a.file("subscriber.csv", "old contents\n");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let args = [
            "sip-users",
            "export",
            "--format",
            "kamailio",
            "--out",
            path.to_str().unwrap(),
        ];
        let (out, err) = a.expect(a.run(&args), 0, &args);
        assert_eq!(out, "");
        assert!(
            err.ends_with(&format!("wrote 2 SIP users to {}\n", path.display())),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), kamailio);
        let new = a.dir.path().join("pjsip_carrierdesk.conf");
        let args = [
            "sip-users",
            "export",
            "--format",
            "asterisk-pjsip",
            "--out",
            new.to_str().unwrap(),
        ];
        a.expect(a.run(&args), 0, &args);
        for file in [path.as_path(), new.as_path()] {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }
        assert_eq!(std::fs::read_to_string(&new).unwrap(), pjsip);

        let args = ["sip-users", "export", "--format", "opensips"];
        let (_, err) = a.expect(a.run(&args), 2, &args);
        assert!(
            err.contains("'opensips' is not kamailio or asterisk-pjsip"),
            "{err}"
        );
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn calls_go_to_the_customer_whose_sip_user_is_in_the_channel() {
    // Two calls from extensions, as Asterisk's Master.csv writes them.
    let calls = "\"\",\"1001\",\"4989123456\",\"from-internal\",\"\"\"Chloe Okafor\"\" <1001>\",\"SIP/1001-0000abcd\",\"SIP/carrier-00000009\",\"Dial\",\"SIP/carrier/4989123456,60,tT\",\"2026-11-02 11:10:00\",\"2026-11-02 11:10:02\",\"2026-11-02 11:11:03\",63,61,\"ANSWERED\",\"DOCUMENTATION\",\"1793617800.8\",\"\"\n\
                 \"\",\"1002\",\"4989654321\",\"from-internal\",\"\"\"David Silva\"\" <1002>\",\"PJSIP/1002-00000012\",\"\",\"Dial\",\"PJSIP/carrier/4989654321,60,tT\",\"2026-11-02 11:20:00\",\"\",\"2026-11-02 11:20:07\",7,0,\"BUSY\",\"DOCUMENTATION\",\"1793618400.12\",\"\"\n";
    for a in accounts(CUSTOMERS) {
        a.ok(&add("2", "1001", &[]));
        let file = a.file("Master.csv", calls);
        let import = ["import", "cdrs", file.to_str().unwrap()];
        let out = a.ok(&import);
        assert_eq!(
            (reported(&out, "new calls"), reported(&out, "unmatched")),
            (2, 1)
        );
        let owners = |a: &Account| -> Vec<Value> {
            a.db.raw
                .query("SELECT customer_id FROM cdrs ORDER BY start_at")
                .into_iter()
                .map(|r| r[0].clone())
                .collect()
        };
        assert_eq!(owners(&a), [Value::Int(2), Value::Null]);

        // The missing SIP user added, the same file again claims the call stored unmatched.
        a.ok(&add("1", "1002", &[]));
        let out = a.ok(&import);
        assert_eq!(
            (reported(&out, "claimed"), reported(&out, "unmatched")),
            (1, 0)
        );
        assert_eq!(owners(&a), [Value::Int(2), Value::Int(1)]);
    }
}

/// A count of the import's report: the number on the line that starts with `label`.
fn reported(out: &str, label: &str) -> u64 {
    out.lines()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{label} in {out}"))
}
