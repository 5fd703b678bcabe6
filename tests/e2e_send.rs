//! End to end: an email to the contacts of two marked customers, written and queued in the
//! real binary in a real terminal (tmux), and delivered by the console's own background
//! sender to a real SMTP server (aiosmtpd on loopback, tests/common/mail.rs): one message
//! per contact, each to its one recipient. The Email log and `carrierdesk outbox list
//! --json` then say they went. Needs tmux and aiosmtpd; .ci/run installs both.

mod common;
#[path = "common/tmux.rs"]
mod tmux;

use carrierdesk::domain::contact::Category;
use carrierdesk::service::{Service, SettingChange};
use common::mail::{Delivered, SmtpServer};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use tmux::{BIN, PATIENCE, Tmux};

fn set(service: &mut Service, key: &str, value: &str) {
    let change = SettingChange {
        key,
        value: Some(value),
        expect: None,
    };
    service
        .change_setting(&common::actor("setup"), &change)
        .unwrap();
}

fn run(db: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "carrierdesk {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Polls the server's mailbox until it holds at least `n` messages; panics with what it
/// holds if it never does.
fn wait_for_mail(server: &SmtpServer, n: usize, t: &Tmux) -> Vec<Delivered> {
    tmux::eventually(
        || Some(server.messages()).filter(|got| got.len() >= n),
        || {
            let got = server.messages().len();
            format!(
                "{got} of {n} messages reached the server; screen:\n{}",
                t.screen()
            )
        },
    )
}

#[test]
fn the_consoles_own_sender_delivers_an_email_to_each_contact_of_the_marked_customers() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("send.db");
    run(&db, &["demo", "--customers", "4", "--days", "0"]);
    {
        let mut service = Service::open(&db).unwrap();
        set(&mut service, "from_address", "noc@carrier.example");
        set(&mut service, "smtp_server", &server.address());
        set(&mut service, "smtp_tls", "none");
    }

    let t = Tmux::start(
        "send",
        home.path(),
        &[],
        &["--db", db.to_str().unwrap()],
        150,
        40,
    );
    t.wait_for("4 of 4");
    t.send(&["Space", "Space"]);
    let screen = t.wait_for("· 2 marked");

    // The marked customers, as the board shows them (● before the name).
    let board = Service::open(&db)
        .unwrap()
        .board(chrono::Utc::now().timestamp())
        .unwrap();
    let marked_lines: Vec<&str> = screen
        .lines()
        .filter(|l| l.trim_start().starts_with('●'))
        .collect();
    assert_eq!(marked_lines.len(), 2, "{screen}");
    let marked: Vec<i64> = board
        .iter()
        .filter(|r| marked_lines.iter().any(|l| l.contains(&r.name)))
        .map(|r| r.id)
        .collect();
    assert_eq!(marked.len(), 2, "{screen}");

    t.send(&[":"]);
    t.wait_for("Command palette");
    t.type_text("send email");
    t.wait_for("Send email to the contacts of the marked customers");
    t.send(&["Enter"]);
    t.wait_for("Send email to the contacts of 2 marked customers");
    t.type_text("Works tonight at {customer}");
    t.send(&["Tab"]);
    t.type_text("Dear {contact}, works tonight from 01:00 UTC.");
    t.send(&["C-s"]);
    t.wait_for("each a message of their own");
    t.send(&["C-s"]);
    let screen = t.wait_for("the outbox delivers them");

    // Who should get it: the marked customers' contacts receiving general messages.
    let check = Service::open(&db).unwrap();
    let mut expected: BTreeSet<String> = BTreeSet::new();
    for id in &marked {
        for k in check.contacts(*id).unwrap() {
            if k.receives(Category::General) {
                expected.insert(k.spec.email.clone());
            }
        }
    }
    drop(check);
    assert!(!expected.is_empty());
    assert!(
        screen.contains(&format!("Queued {} messages", expected.len())),
        "{screen}"
    );

    // No `outbox send`: the console's background sender delivers them.
    let got = wait_for_mail(&server, expected.len(), &t);
    assert_eq!(
        got.len(),
        expected.len(),
        "one message per contact: {got:#?}"
    );
    let mut reached = BTreeSet::new();
    for m in &got {
        let rcpt = m.all("X-RcptTo");
        assert_eq!(rcpt.len(), 1, "exactly one recipient: {m:#?}");
        assert_eq!(m.header("To"), rcpt[0]);
        assert_eq!(m.header("X-MailFrom"), "noc@carrier.example");
        assert!(
            m.header("Subject").starts_with("Works tonight at "),
            "{m:#?}"
        );
        assert!(m.body.starts_with("Dear "), "{m:#?}");
        assert!(!m.body.contains('{'), "placeholders filled: {m:#?}");
        reached.insert(rcpt[0].to_string());
    }
    assert_eq!(reached, expected);

    // The Email log shows them sent, with the server's answer.
    t.send(&[":"]);
    t.wait_for("Command palette");
    t.type_text("email log");
    t.wait_for("Email log: the outbox");
    t.send(&["Enter"]);
    let n = expected.len();
    let (screen, _) = t.wait_until("the Email log never showed them all sent", PATIENCE, |s| {
        s.contains(&format!("{n} shown · 0 waiting · 0 failed · all states"))
    });
    let sent: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains(" sent ") && l.contains(" 250 "))
        .collect();
    assert_eq!(sent.len(), n, "{screen}");

    // The command line agrees.
    let listed: serde_json::Value =
        serde_json::from_slice(&run(&db, &["outbox", "list", "--json"])).unwrap();
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), n, "{listed:#}");
    let ids: BTreeSet<&str> = got.iter().map(|m| m.header("Message-ID")).collect();
    let mut recipients = BTreeSet::new();
    for row in rows {
        assert_eq!(row["kind"], "email", "{row}");
        assert_eq!(row["status"], "sent", "{row}");
        assert_eq!(row["attempts"], 1, "{row}");
        assert!(row["reason"].as_str().unwrap().starts_with("250 "), "{row}");
        assert!(row["sent_at"].is_string(), "{row}");
        assert!(
            marked.contains(&row["customer_id"].as_i64().unwrap()),
            "{row}"
        );
        assert!(
            ids.contains(row["message_id"].as_str().unwrap()),
            "the message the server holds: {row}"
        );
        recipients.insert(row["recipient"].as_str().unwrap().to_string());
    }
    assert_eq!(recipients, expected);

    t.send(&["Escape"]);
    t.wait_for("4 of 4");
    assert!(t.quit(), "q quits the console");
}
