//! `carrierdesk send` and `carrierdesk outbox` through the real binary, on each engine
//! (SQLite, and PostgreSQL where a server runs): what a send would do and what it queues,
//! its refusals and their exit codes, `outbox send` delivering to aiosmtpd
//! (tests/common/mail.rs) and to a recording SMS gateway (tests/common/http_recorder.rs),
//! what it says of a kind this host cannot deliver, `outbox list` for scripts, and two
//! `outbox send` run by cron at the same minute.

mod common;

use carrierdesk::domain::customer::Status;
use carrierdesk::domain::{ContactDraft, CustomerDraft};
use carrierdesk::service::Service;
use carrierdesk::store::Location;
use common::http_recorder::{Answer, Recorder};
use common::mail::{self, SmtpServer};
use common::{Db, actor, each_engine_empty};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_carrierdesk");

/// The keys of each object of `outbox list --json`, sorted.
const KEYS: [&str; 15] = [
    "attempts",
    "body",
    "contact_id",
    "created_at",
    "customer_id",
    "id",
    "kind",
    "message_id",
    "next_at",
    "queued_by",
    "reason",
    "recipient",
    "sent_at",
    "status",
    "subject",
];

/// A database on one engine, and a home folder of its own for the binary (no config file:
/// no secret but what a test puts in the environment).
struct Account {
    db: Db,
    home: TempDir,
}

fn customer(s: &mut Service, name: &str, status: Status) -> i64 {
    let c = CustomerDraft {
        name: name.into(),
        status,
        currency: "EUR".into(),
        channels: "10".into(),
        debit_limit: "100.00".into(),
        ..CustomerDraft::blank()
    }
    .validate(None)
    .unwrap();
    s.create_customer(&actor("alice"), &c).unwrap().id
}

fn contact(s: &mut Service, customer_id: i64, name: &str, email: &str, mobile: &str) {
    let draft = ContactDraft {
        name: name.into(),
        email: email.into(),
        mobile: mobile.into(),
        categories: if name == "Ana" {
            "general,financial".into()
        } else {
            "general".into()
        },
        ..ContactDraft::default()
    };
    s.create_contact(&actor("alice"), customer_id, &draft, None)
        .unwrap();
}

/// On each engine: Atlas Networks (#1, active) with Ana (general and financial, a mobile)
/// and Bob (general, no mobile); Bluewave Voice (#2, active) with Carla (a mobile); Cobalt
/// Trunks (#3, inactive) with Dan (a mobile).
fn accounts() -> Vec<Account> {
    each_engine_empty()
        .into_iter()
        .map(|mut db| {
            let s = &mut db.service;
            let atlas = customer(s, "Atlas Networks", Status::Active);
            let blue = customer(s, "Bluewave Voice", Status::Active);
            let cobalt = customer(s, "Cobalt Trunks", Status::Inactive);
            contact(s, atlas, "Ana", "ana@atlas.example", "+4915112345671");
            contact(s, atlas, "Bob", "bob@atlas.example", "");
            contact(s, blue, "Carla", "carla@blue.example", "+4915112345672");
            contact(s, cobalt, "Dan", "dan@cobalt.example", "+4915112345673");
            Account {
                db,
                home: tempfile::tempdir().unwrap(),
            }
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
        let home = self.home.path();
        let mut c = Command::new(BIN);
        c.args(args)
            .env("CARRIERDESK_DB", target(&self.db))
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env_remove("CARRIERDESK_SMTP_PASSWORD")
            .env_remove("CARRIERDESK_SMS_TOKEN")
            .env_remove("SSH_CONNECTION")
            .env_remove("SSH_CLIENT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
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

    /// Runs the binary with `args` and `env`, expecting exit `code`: (stdout, stderr).
    fn run_env(&self, args: &[&str], env: &[(&str, &str)], code: i32) -> (String, String) {
        let out = self
            .command(args)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        self.expect(out, code, args)
    }

    fn run(&self, args: &[&str], code: i32) -> (String, String) {
        self.run_env(args, &[], code)
    }

    /// stdout of a command that must succeed.
    fn ok(&self, args: &[&str]) -> String {
        self.run(args, 0).0
    }

    fn set(&self, key: &str, value: &str) {
        self.ok(&["settings", "set", key, value]);
    }

    /// Mail from noc@carrier.example to the server at `address`, unencrypted.
    fn mail_to(&self, address: &str) {
        self.set("from_address", "noc@carrier.example");
        self.set("from_name", "Carrier NOC");
        self.set("smtp_server", address);
        self.set("smtp_tls", "none");
    }

    /// `outbox list --json [--status STATUS]`.
    fn outbox(&self, status: Option<&str>) -> Vec<serde_json::Value> {
        let mut args = vec!["outbox", "list", "--json"];
        if let Some(s) = status {
            args.extend(["--status", s]);
        }
        let out = self.ok(&args);
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    /// The recipients of the outbox's messages, sorted.
    fn recipients(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .outbox(None)
            .iter()
            .map(|m| m["recipient"].as_str().unwrap().to_string())
            .collect();
        all.sort();
        all
    }

    fn count(&self, sql: &str) -> i64 {
        self.db.raw.count(sql)
    }
}

/// `send email WHO… --subject SUBJECT --body BODY`.
fn email<'a>(who: &[&'a str], subject: &'a str, body: &'a str) -> Vec<&'a str> {
    let mut args = vec!["send", "email"];
    args.extend_from_slice(who);
    args.extend(["--subject", subject, "--body", body]);
    args
}

/// `send sms WHO… --body BODY`.
fn sms<'a>(who: &[&'a str], body: &'a str) -> Vec<&'a str> {
    let mut args = vec!["send", "sms"];
    args.extend_from_slice(who);
    args.extend(["--body", body]);
    args
}

/// The numbers of `sent N, to be retried N, failed N`.
fn summary(stdout: &str) -> (usize, usize, usize) {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("sent "))
        .unwrap_or_else(|| panic!("no summary in {stdout}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect();
    (numbers[0], numbers[1], numbers[2])
}

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

const NOTICE: &str = "Notice for {customer}";

#[test]
fn a_dry_run_says_how_many_and_shows_the_first_message_and_queues_nothing() {
    for a in accounts() {
        let args = [
            email(
                &["--all"],
                NOTICE,
                "Dear {contact},\nmaintenance tonight; {available} {currency} available.",
            ),
            vec!["--dry-run"],
        ]
        .concat();
        let out = a.ok(&args);
        assert_eq!(
            out,
            "first message, to ana@atlas.example:\n\
             \x20 Subject: Notice for Atlas Networks\n\
             \x20 Dear Ana,\n\
             \x20 maintenance tonight; 100.00 EUR available.\n\
             would queue email to 4 contacts of 3 customers (dry run: nothing queued)\n",
            "{}",
            a.db.engine
        );
        assert_eq!(a.count("SELECT count(*) FROM outbox"), 0);
        assert_eq!(
            a.count("SELECT count(*) FROM audit_log WHERE action = 'SEND'"),
            0
        );
        assert!(a.outbox(None).is_empty());
    }
}

#[test]
fn a_send_queues_one_message_per_contact_of_the_customers_it_reaches() {
    for a in accounts() {
        let out = a.ok(&email(
            &["--filter", "status:active"],
            NOTICE,
            "Dear {contact}",
        ));
        assert!(
            out.ends_with(
                "queued email to 3 contacts of 2 customers (outbox 1–3); a running console or \
                 `carrierdesk outbox send` delivers them\n"
            ),
            "{}: {out}",
            a.db.engine
        );
        assert_eq!(
            a.recipients(),
            [
                "ana@atlas.example",
                "bob@atlas.example",
                "carla@blue.example"
            ]
        );
        let listed = a.outbox(Some("queued"));
        let bob = listed
            .iter()
            .find(|m| m["recipient"] == "bob@atlas.example")
            .unwrap();
        assert_eq!(bob["subject"], "Notice for Atlas Networks");
        assert_eq!(bob["body"], "Dear Bob");
        assert_eq!(
            (&bob["kind"], &bob["status"]),
            (&"email".into(), &"queued".into())
        );
        assert_eq!(
            a.count("SELECT count(*) FROM audit_log WHERE action = 'SEND'"),
            2,
            "one SEND row per customer"
        );

        // One customer; every customer; the financial contacts only.
        let out = a.ok(&email(&["--customer", "3"], NOTICE, "Dear {contact}"));
        assert!(
            out.contains("queued email to 1 contact of 1 customer (outbox 4–4)"),
            "{out}"
        );
        let out = a.ok(&email(&["--all"], NOTICE, "Dear {contact}"));
        assert!(
            out.contains("queued email to 4 contacts of 3 customers (outbox 5–8)"),
            "{out}"
        );
        let out = a.ok(&[
            email(&["--all"], "Your invoice", "Dear {contact}").as_slice(),
            &["--category", "financial"],
        ]
        .concat());
        assert!(
            out.contains("queued email to 1 contact of 1 customer (outbox 9–9)"),
            "{out}"
        );
        assert_eq!(a.outbox(None).len(), 9);
    }
}

#[test]
fn an_empty_filter_is_a_usage_error_not_every_customer() {
    for a in accounts() {
        for filter in ["", "   "] {
            let (out, err) = a.run(&email(&["--filter", filter], NOTICE, "x"), 2);
            assert_eq!(out, "");
            assert!(err.contains("--all"), "{}: {err}", a.db.engine);
        }
        // Nobody named at all: clap's own usage error.
        let (_, err) = a.run(&["send", "email", "--subject", "Hi", "--body", "x"], 2);
        assert!(err.contains("--customer") || err.contains("--all"), "{err}");
        assert_eq!(a.count("SELECT count(*) FROM outbox"), 0);
    }
}

#[test]
fn a_misspelt_placeholder_is_refused_naming_it() {
    for a in accounts() {
        let (out, err) = a.run(&email(&["--all"], NOTICE, "Dear {contcat}"), 3);
        assert_eq!(out, "");
        assert!(
            err.contains("body: unknown placeholder {contcat}"),
            "{}: {err}",
            a.db.engine
        );
        assert!(err.contains("{contact}"), "the ones there are: {err}");
        let (_, err) = a.run(&email(&["--all"], "For {customr}", "x"), 3);
        assert!(
            err.contains("subject: unknown placeholder {customr}"),
            "{err}"
        );
        let (_, err) = a.run(&sms(&["--all"], "{balanse} left"), 3);
        assert!(err.contains("{balanse}"), "{err}");
        assert_eq!(a.count("SELECT count(*) FROM outbox"), 0);
    }
}

#[test]
fn an_sms_goes_to_mobiles_and_says_how_many_contacts_have_none() {
    for a in accounts() {
        let out = a.ok(&sms(
            &["--filter", "status:active"],
            "{contact}: {available} {currency} left",
        ));
        assert!(
            out.contains(
                "queued SMS to 2 contacts of 2 customers; 1 contact of the category without \
                 a mobile left out (outbox 1–2)"
            ),
            "{}: {out}",
            a.db.engine
        );
        assert!(out.starts_with("first message, to +4915112345671:\n  Ana: 100.00 EUR left\n"));
        assert_eq!(a.recipients(), ["+4915112345671", "+4915112345672"]);
        assert!(a.outbox(None).iter().all(|m| m["subject"] == ""));
    }
}

#[test]
fn nothing_to_send_exits_3_and_queues_nothing() {
    for mut a in accounts() {
        let s = &mut a.db.service;
        let delta = customer(s, "Delta Lines", Status::Active);
        contact(s, delta, "Fay", "fay@delta.example", "");
        let echo = customer(s, "Echo Voice", Status::Active);
        let (delta, echo) = (delta.to_string(), echo.to_string());

        let (out, err) = a.run(&sms(&["--customer", &delta], "Hi"), 3);
        assert_eq!(out, "");
        assert!(
            err.contains(
                "nothing to send: no SMS to 0 contacts of 0 customers; 1 contact of the \
                 category without a mobile left out"
            ),
            "{}: {err}",
            a.db.engine
        );
        let (_, err) = a.run(&email(&["--customer", &echo], NOTICE, "x"), 3);
        assert!(
            err.contains("nothing to send: no email to 0 contacts of 0 customers"),
            "{err}"
        );
        // Fay receives general messages only.
        let args = [
            email(&["--customer", &delta], NOTICE, "x").as_slice(),
            &["--category", "financial"],
        ]
        .concat();
        a.run(&args, 3);
        assert_eq!(a.count("SELECT count(*) FROM outbox"), 0);
        assert_eq!(
            a.count("SELECT count(*) FROM audit_log WHERE action = 'SEND'"),
            0
        );
    }
}

#[test]
fn outbox_send_delivers_the_queue_to_the_mail_server() {
    for a in accounts() {
        let Some(server) = SmtpServer::start() else {
            return;
        };
        a.mail_to(&server.address());
        a.ok(&email(
            &["--filter", "status:active"],
            NOTICE,
            "Dear {contact}",
        ));
        let (out, err) = a.run(&["outbox", "send"], 0);
        assert_eq!(
            out, "sent 3, to be retried 0, failed 0\n",
            "{}",
            a.db.engine
        );
        // No SMS gateway is set: said once, and nothing else goes wrong.
        assert!(
            err.contains("SMS is not delivered from here: sms_base_url is not set"),
            "{err}"
        );
        let kept = server.messages();
        assert_eq!(kept.len(), 3, "{kept:#?}");
        let sent = a.outbox(Some("sent"));
        assert_eq!(sent.len(), 3);
        for m in &sent {
            let mail = server.message(m["message_id"].as_str().unwrap());
            assert_eq!(mail.header("X-RcptTo"), m["recipient"].as_str().unwrap());
            assert_eq!(mail.header("Subject"), m["subject"].as_str().unwrap());
            assert!(m["reason"].as_str().unwrap().starts_with("250"), "{m}");
            assert!(m["sent_at"].is_string() && m["attempts"] == 1, "{m}");
        }
        // Nothing left: a second run sends nothing again.
        let (out, _) = a.run(&["outbox", "send"], 0);
        assert_eq!(out, "sent 0, to be retried 0, failed 0\n");
        assert_eq!(server.messages().len(), 3);
    }
}

#[test]
fn a_refused_recipient_exits_3_and_the_failed_list_says_why() {
    for mut a in accounts() {
        let Some(server) = SmtpServer::start_with("smtp_refusing.Refusing", Some(fixtures()))
        else {
            return;
        };
        contact(&mut a.db.service, 1, "Nobody", "nobody@refused.example", "");
        a.mail_to(&server.address());
        a.ok(&email(&["--customer", "1"], NOTICE, "Dear {contact}"));
        let (out, err) = a.run(&["outbox", "send"], 3);
        assert_eq!(
            out, "sent 2, to be retried 0, failed 1\n",
            "{}",
            a.db.engine
        );
        assert!(
            err.contains(
                "1 message failed for good: carrierdesk outbox list --status failed says why"
            ),
            "{err}"
        );

        // The JSON has every column, and --status picks the failed one.
        let all = a.outbox(None);
        assert_eq!(all.len(), 3);
        for m in &all {
            let mut keys: Vec<&str> = m.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            keys.sort();
            assert_eq!(keys, KEYS);
        }
        let failed = a.outbox(Some("failed"));
        assert_eq!(failed.len(), 1, "{failed:#?}");
        let f = &failed[0];
        assert_eq!(f["recipient"], "nobody@refused.example");
        assert_eq!(f["status"], "failed");
        assert_eq!(f["reason"], "550 5.1.1 mailbox unavailable");
        assert_eq!(
            (&f["attempts"], &f["sent_at"]),
            (&1.into(), &serde_json::Value::Null)
        );
        assert_eq!(
            (&f["kind"], &f["customer_id"]),
            (&"email".into(), &1.into())
        );
        let id = f["message_id"].as_str().unwrap();
        assert!(
            id.starts_with('<') && id.ends_with("@carrier.example>"),
            "{id}"
        );
        assert_eq!(a.outbox(Some("sent")).len(), 2);
        assert!(a.outbox(Some("queued")).is_empty());
        // The table says the same.
        let table = a.ok(&["outbox", "list", "--status", "failed"]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2, "{table}");
        assert!(lines[0].contains("RECIPIENT") && lines[0].contains("REASON"));
        assert!(
            lines[1].contains("nobody@refused.example")
                && lines[1].contains("failed")
                && lines[1].ends_with("550 5.1.1 mailbox unavailable"),
            "{table}"
        );
        let (_, err) = a.run(&["outbox", "list", "--status", "lost"], 2);
        assert!(err.contains("queued, sending, sent or failed"), "{err}");
        // The failed message stays failed: the next run tries nothing.
        let (out, _) = a.run(&["outbox", "send"], 0);
        assert_eq!(out, "sent 0, to be retried 0, failed 0\n");
        assert_eq!(server.messages().len(), 2);
    }
}

#[test]
fn without_the_smtp_password_here_email_waits_while_sms_go() {
    for a in accounts() {
        let Some(server) = SmtpServer::start_with_login("noc", "pw-good") else {
            return;
        };
        let gateway =
            Recorder::start(|_| Answer::Json(201, r#"{"sid":"SM0001","status":"queued"}"#.into()));
        a.mail_to(&server.address());
        a.set("smtp_username", "noc");
        a.set("sms_base_url", &gateway.base_url());
        a.set("sms_account_sid", "AC0123abc");
        a.set("sms_from", "+15005550006");
        a.ok(&email(&["--customer", "1"], NOTICE, "Dear {contact}"));
        a.ok(&sms(&["--customer", "1"], "Hi {contact}"));

        let token = [("CARRIERDESK_SMS_TOKEN", "tok-s3cret")];
        let (out, err) = a.run_env(&["outbox", "send"], &token, 0);
        assert_eq!(
            out, "sent 1, to be retried 0, failed 0\n",
            "{}",
            a.db.engine
        );
        assert!(
            err.contains(
                "email is not delivered from here: smtp_username is set, but there is no \
                 password: give it in CARRIERDESK_SMTP_PASSWORD or smtp_password in the config \
                 file"
            ),
            "{err}"
        );
        let requests = gateway.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].field("To"), "+4915112345671");
        assert_eq!(requests[0].field("Body"), "Hi Ana");
        assert!(server.messages().is_empty());
        // The email is untouched, for a host that has the password.
        let queued = a.outbox(Some("queued"));
        assert_eq!(queued.len(), 2, "{queued:#?}");
        assert!(
            queued
                .iter()
                .all(|m| m["kind"] == "email" && m["attempts"] == 0 && m["reason"] == ""),
            "{queued:#?}"
        );

        let password = [("CARRIERDESK_SMTP_PASSWORD", "pw-good")];
        let (out, err) = a.run_env(&["outbox", "send"], &password, 0);
        assert_eq!(out, "sent 2, to be retried 0, failed 0\n");
        assert!(err.contains("SMS is not delivered from here"), "{err}");
        assert_eq!(server.messages().len(), 2);
        assert_eq!(gateway.requests().len(), 1, "the SMS went once");
        assert!(!format!("{:?}", a.outbox(None)).contains("pw-good"));
    }
}

#[test]
fn two_outbox_sends_at_once_deliver_each_message_once() {
    const CUSTOMERS: usize = 15;
    const EACH: usize = 10;
    for mut a in accounts() {
        let Some(server) = SmtpServer::start() else {
            return;
        };
        let s = &mut a.db.service;
        for c in 0..CUSTOMERS {
            let id = customer(s, &format!("Customer {c:02}"), Status::Active);
            for k in 0..EACH {
                contact(
                    s,
                    id,
                    &format!("Contact {k}"),
                    &format!("k{k}@c{c}.example"),
                    "",
                );
            }
        }
        a.mail_to(&server.address());
        a.ok(&email(&["--all"], NOTICE, "Dear {contact}"));
        let total = CUSTOMERS * EACH + 4;
        assert_eq!(a.outbox(Some("queued")).len(), total);

        // Cron on two hosts at the same minute.
        let children: Vec<_> = (0..2)
            .map(|_| a.command(&["outbox", "send"]).spawn().unwrap())
            .collect();
        let mut sent = 0;
        for child in children {
            let out = child.wait_with_output().unwrap();
            let (stdout, _) = a.expect(out, 0, &["outbox", "send"]);
            let (s, retried, failed) = summary(&stdout);
            assert_eq!((retried, failed), (0, 0), "{stdout}");
            assert!(!stdout.contains("taken over"), "{stdout}");
            sent += s;
        }
        assert_eq!(sent, total, "{}", a.db.engine);

        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for m in server.messages() {
            *seen.entry(m.header("Message-ID").to_string()).or_default() += 1;
        }
        let rows = a.outbox(None);
        assert!(
            rows.iter()
                .all(|m| m["status"] == "sent" && m["attempts"] == 1)
        );
        let expected: BTreeMap<String, usize> = rows
            .iter()
            .map(|m| (m["message_id"].as_str().unwrap().to_string(), 1))
            .collect();
        assert_eq!(seen, expected, "each message once");
        let senders = a.db.raw.query("SELECT DISTINCT sender FROM outbox");
        assert_eq!(senders.len(), 2, "both took part: {senders:?}");
    }
}

#[test]
fn a_mail_server_that_is_down_leaves_the_queue_for_the_next_run() {
    for a in accounts() {
        a.mail_to(&format!("127.0.0.1:{}", mail::closed_port()));
        a.ok(&email(&["--customer", "1"], NOTICE, "Dear {contact}"));
        let (out, _) = a.run(&["outbox", "send"], 0);
        assert_eq!(
            out, "sent 0, to be retried 2, failed 0\n",
            "{}",
            a.db.engine
        );
        let queued = a.outbox(Some("queued"));
        assert_eq!(queued.len(), 2);
        assert!(
            queued
                .iter()
                .all(|m| m["attempts"] == 1
                    && m["reason"].as_str().unwrap().starts_with("127.0.0.1:")),
            "{queued:#?}"
        );
        // Not due again within the minute: the next run leaves them be.
        let (out, _) = a.run(&["outbox", "send"], 0);
        assert_eq!(out, "sent 0, to be retried 0, failed 0\n");
    }
}

/// `contacts set-password --generate --email`: the password goes to the contact in a mail
/// of its own, and leaves no trace here: not on stdout, not in the outbox, not in a byte of
/// the database (on SQLite the file and its WAL are searched).
#[test]
fn a_mailed_portal_password_reaches_the_contact_and_leaves_no_trace() {
    for a in accounts() {
        let Some(server) = SmtpServer::start() else {
            return;
        };
        a.mail_to(&server.address());
        let contacts: serde_json::Value =
            serde_json::from_str(&a.ok(&["contacts", "list", "--json"])).unwrap();
        let ana = contacts
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["email"] == "ana@atlas.example")
            .unwrap()["id"]
            .to_string();
        let (out, err) = a.run(
            &["contacts", "set-password", &ana, "--generate", "--email"],
            0,
        );
        assert_eq!(out, "", "{}: nothing on stdout", a.db.engine);
        assert!(err.contains("mailed to ana@atlas.example"), "{err}");
        let mails = server.messages();
        assert_eq!(mails.len(), 1, "{mails:#?}");
        assert_eq!(mails[0].header("X-RcptTo"), "ana@atlas.example");
        // The password stands on a line of its own.
        let password = mails[0]
            .body
            .lines()
            .map(str::trim)
            .find(|l| l.len() == 20 && !l.contains(' '))
            .unwrap_or_else(|| panic!("no password line in {}", mails[0].body))
            .to_string();
        let shown = a.db.open().contact(ana.parse().unwrap()).unwrap();
        assert!(shown.has_password, "{}: the login is set", a.db.engine);
        assert!(
            a.db.open()
                .check_contact_password(shown.id, &password)
                .unwrap(),
            "{}: the mailed password is the contact's",
            a.db.engine
        );
        let outbox = a.outbox(None);
        assert_eq!(outbox.len(), 1, "{}: the mail is recorded", a.db.engine);
        assert_eq!(outbox[0]["status"], "sent");
        assert!(!outbox[0].to_string().contains(&password), "{}", outbox[0]);
        for table in ["outbox", "audit_log", "contacts", "change_log"] {
            let rows = a.db.raw.query(&format!("SELECT * FROM {table}"));
            assert!(
                !format!("{rows:?}").contains(&password),
                "{}: the password in {table}",
                a.db.engine
            );
        }
        if let Location::File(path) = &a.db.location {
            let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
            assert!(path.exists(), "{}", path.display());
            for file in [path.clone(), wal] {
                if let Ok(bytes) = std::fs::read(&file) {
                    assert!(
                        !bytes
                            .windows(password.len())
                            .any(|w| w == password.as_bytes()),
                        "the password in {}",
                        file.display()
                    );
                }
            }
        }
    }
}
