//! Mail and SMS delivery against real servers on loopback: aiosmtpd (tests/common/mail.rs),
//! with a handler of our own that refuses some recipients (tests/fixtures/smtp_refusing.py),
//! and an HTTP server that records what the SMS gateway client posts
//! (tests/common/http_recorder.rs). Also where the secrets come from.

mod common;

use carrierdesk::config::Config;
use carrierdesk::delivery::sms::{SmsConfig, SmsGateway};
use carrierdesk::delivery::smtp::{Mailer, SmtpConfig, SmtpTls};
use carrierdesk::delivery::{Envelope, Outcome, sms_token, smtp_password};
use common::http_recorder::{Answer, Recorder};
use common::mail::{self, SmtpServer};
use std::collections::HashMap;
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

fn settings(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    move |key| map.get(key).cloned()
}

/// A mailer for a server on 127.0.0.1, as the settings would describe it.
fn mailer_for(address: &str) -> Mailer {
    let get = settings(&[
        ("from_address", "noc@carrier.example".into()),
        ("from_name", "Carrier NOC".into()),
        ("smtp_server", address.into()),
        ("smtp_tls", "none".into()),
    ]);
    Mailer::new(SmtpConfig::from_settings(get, None).unwrap()).unwrap()
}

fn envelope<'a>(to: &'a str, subject: &'a str, body: &'a str, id: &'a str) -> Envelope<'a> {
    Envelope {
        to,
        subject,
        body,
        message_id: id,
    }
}

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

#[test]
fn each_message_reaches_its_one_recipient_with_the_given_headers_over_one_connection() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let mailer = mailer_for(&server.address());
    let subject = "Wartung heute Nacht – Grüße";
    let body = "Grüße aus dem NOC,\nheute Nacht von 01:00 bis 03:00 UTC.\n\n€ 12,50 offen.";
    let sent = [
        ("ana@customer.example", "<a1@carrier.example>"),
        ("bob@other.example", "<b2@carrier.example>"),
    ];
    for (to, id) in sent {
        let outcome = mailer.send(&envelope(to, subject, body, id));
        assert!(
            matches!(&outcome, Outcome::Accepted(t) if t.starts_with("250")),
            "{outcome:?}"
        );
    }
    let mut peers = Vec::new();
    for (to, id) in sent {
        let m = server.message(id);
        // The envelope had this recipient and no other.
        assert_eq!(m.header("X-RcptTo"), to);
        assert_eq!(m.header("X-MailFrom"), "noc@carrier.example");
        assert_eq!(m.header("To"), to);
        assert_eq!(m.header("From"), "Carrier NOC <noc@carrier.example>");
        assert_eq!(m.header("Subject"), subject);
        assert_eq!(m.header("Message-ID"), id);
        assert!(m.header("Date").contains(':'), "{m:#?}");
        let content_type = m
            .header("Content-Type")
            .to_ascii_lowercase()
            .replace('"', "");
        assert!(
            content_type.starts_with("text/plain") && content_type.contains("charset=utf-8"),
            "{content_type}"
        );
        assert!(m.all("Cc").is_empty() && m.all("Bcc").is_empty(), "{m:#?}");
        assert_eq!(m.body.replace("\r\n", "\n").trim_end(), body);
        peers.push(m.header("X-Peer").to_string());
    }
    // X-Peer is the client's address and port: the second message came over the first's
    // connection, kept in the pool.
    assert_eq!(peers[0], peers[1], "one pooled connection");
}

#[test]
fn a_subject_with_a_line_break_adds_no_header_and_no_recipient() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let mailer = mailer_for(&server.address());
    let subject = "Hello\r\nBcc: mallory@evil.example";
    let outcome = mailer.send(&envelope(
        "ana@customer.example",
        subject,
        "x",
        "<inj@carrier.example>",
    ));
    assert!(matches!(outcome, Outcome::Accepted(_)), "{outcome:?}");
    let m = server.message("<inj@carrier.example>");
    assert_eq!(m.header("X-RcptTo"), "ana@customer.example");
    assert!(m.all("Bcc").is_empty(), "{m:#?}");
    // The line break travels encoded inside the one Subject header (RFC 2047).
    assert_eq!(m.header("Subject"), subject);
}

#[test]
fn the_test_action_says_what_the_server_answered() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let mailer = mailer_for(&server.address());
    let answer = mailer.test().unwrap();
    eprintln!("test answer: {answer}");
    assert!(
        answer.contains(&format!("answered at {}", server.address()))
            && answer.contains("no encryption")
            && answer.ends_with("no login"),
        "{answer}"
    );
    assert!(server.messages().is_empty(), "a test sends no mail");
}

#[test]
fn the_login_uses_the_password_and_a_refused_login_waits_for_a_better_one() {
    let Some(server) = SmtpServer::start_with_login("noc", "pw-good") else {
        return;
    };
    let mailer = |password: &str| {
        let get = settings(&[
            ("from_address", "noc@carrier.example".into()),
            ("smtp_server", server.address()),
            ("smtp_tls", "none".into()),
            ("smtp_username", "noc".into()),
        ]);
        Mailer::new(SmtpConfig::from_settings(get, Some(password.into())).unwrap()).unwrap()
    };
    let good = mailer("pw-good");
    let answer = good.test().unwrap();
    assert!(
        answer.ends_with("logged in as noc (235 2.7.0 Authentication successful)"),
        "{answer}"
    );
    let sent = good.send(&envelope(
        "ana@customer.example",
        "Hi",
        "x",
        "<l1@carrier.example>",
    ));
    assert!(matches!(sent, Outcome::Accepted(_)), "{sent:?}");
    assert_eq!(
        server.message("<l1@carrier.example>").header("X-RcptTo"),
        "ana@customer.example"
    );

    let bad = mailer("pw-wrong");
    let err = bad.test().unwrap_err();
    assert_eq!(err, "535 5.7.8 Authentication credentials invalid");
    // A refused login says nothing about the message: it is tried again later.
    let refused = bad.send(&envelope(
        "bob@other.example",
        "Hi",
        "x",
        "<l2@carrier.example>",
    ));
    assert!(
        matches!(&refused, Outcome::Temporary(t)
            if t.starts_with("535 5.7.8") && t.contains("check smtp_username and the password")),
        "{refused:?}"
    );
    assert!(!format!("{refused:?}{err}{answer}").contains("pw-"));
    assert_eq!(server.messages().len(), 1);
}

#[test]
fn refusals_are_permanent_or_temporary_in_the_servers_words_and_the_pool_recovers() {
    let Some(server) = SmtpServer::start_with("smtp_refusing.Refusing", Some(fixtures())) else {
        return;
    };
    let mailer = mailer_for(&server.address());
    let refused = mailer.send(&envelope(
        "nobody@refused.example",
        "Hi",
        "x",
        "<r1@carrier.example>",
    ));
    assert_eq!(
        refused,
        Outcome::Permanent("550 5.1.1 mailbox unavailable".into())
    );
    let busy = mailer.send(&envelope(
        "busy@later.example",
        "Hi",
        "x",
        "<r2@carrier.example>",
    ));
    assert_eq!(busy, Outcome::Temporary("451 4.3.0 try later".into()));
    let good = mailer.send(&envelope(
        "ana@customer.example",
        "Hi",
        "still here",
        "<r3@carrier.example>",
    ));
    assert!(matches!(good, Outcome::Accepted(_)), "{good:?}");
    let kept = server.messages();
    assert_eq!(kept.len(), 1, "{kept:#?}");
    assert_eq!(kept[0].header("X-RcptTo"), "ana@customer.example");
}

#[test]
fn a_server_that_is_down_is_a_temporary_failure() {
    let port = mail::closed_port();
    let address = format!("127.0.0.1:{port}");
    let mailer = mailer_for(&address);
    let outcome = mailer.send(&envelope("ana@customer.example", "Hi", "x", "<d@x>"));
    assert!(
        matches!(&outcome, Outcome::Temporary(t) if t.starts_with(&address)),
        "{outcome:?}"
    );
    let err = mailer.test().unwrap_err();
    assert!(err.starts_with(&address), "{err}");
}

#[test]
fn a_server_that_never_answers_is_a_temporary_failure_after_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    // Accepts and keeps every connection, saying nothing.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let get = settings(&[
        ("from_address", "noc@carrier.example".into()),
        ("smtp_server", address.clone()),
        ("smtp_tls", "none".into()),
    ]);
    let cfg = SmtpConfig {
        timeout: Duration::from_millis(500),
        ..SmtpConfig::from_settings(get, None).unwrap()
    };
    assert_eq!(cfg.tls, SmtpTls::None);
    let mailer = Mailer::new(cfg).unwrap();
    for _ in 0..2 {
        let began = Instant::now();
        let outcome = mailer.send(&envelope("ana@customer.example", "Hi", "x", "<t@x>"));
        assert_eq!(
            outcome,
            Outcome::Temporary(format!("{address}: no answer within 0.5 s"))
        );
        assert!(began.elapsed() < Duration::from_secs(10));
    }
    assert!(mailer.test().unwrap_err().contains("no answer within"));
}

/// A gateway for the recorder at `base_url`, with a short timeout.
fn gateway(base_url: String) -> SmsGateway {
    let get = settings(&[
        ("sms_base_url", base_url),
        ("sms_account_sid", "AC0123abc".into()),
        ("sms_from", "+15005550006".into()),
    ]);
    let cfg = SmsConfig {
        timeout: Duration::from_secs(1),
        ..SmsConfig::from_settings(get, Some("tok-s3cret".into())).unwrap()
    };
    SmsGateway::new(cfg).unwrap()
}

fn sms<'a>(to: &'a str, body: &'a str) -> Envelope<'a> {
    Envelope {
        to,
        subject: "",
        body,
        message_id: "",
    }
}

#[test]
fn an_sms_is_posted_as_a_form_with_basic_credentials() {
    let recorder = Recorder::start(|_| {
        Answer::Json(
            201,
            r#"{"sid":"SM9f2c","status":"queued","to":"+4915112345678"}"#.into(),
        )
    });
    let gateway = gateway(format!("{}/", recorder.base_url()));
    let body = "Grüße & 100% = fine +more";
    let outcome = gateway.send(&sms("+4915112345678", body));
    assert_eq!(
        outcome,
        Outcome::Accepted("sid SM9f2c status queued".into())
    );
    let requests = recorder.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/2010-04-01/Accounts/AC0123abc/Messages.json");
    // base64 of "AC0123abc:tok-s3cret"
    assert_eq!(
        r.header("Authorization"),
        Some("Basic QUMwMTIzYWJjOnRvay1zM2NyZXQ=")
    );
    assert_eq!(
        r.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.field("To"), "+4915112345678");
    assert_eq!(r.field("From"), "+15005550006");
    assert_eq!(r.field("Body"), body);
    assert_eq!(r.form().len(), 3, "{:?}", r.form());
}

#[test]
fn gateway_refusals_are_permanent_and_its_troubles_temporary() {
    let recorder = Recorder::start(|r| {
        match r.field("To").as_str() {
        "+1555" => Answer::Json(
            400,
            r#"{"code":21211,"message":"The 'To' number is not valid.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}"#.into(),
        ),
        "+1503" => Answer::Json(503, r#"{"message":"Service Unavailable"}"#.into()),
        "+1429" => Answer::Json(429, r#"{"code":20429,"message":"Too Many Requests"}"#.into()),
        "+1401" => Answer::Json(401, r#"{"code":20003,"message":"Authenticate"}"#.into()),
        _ => Answer::Silent,
    }
    });
    let gateway = gateway(recorder.base_url());
    assert_eq!(
        gateway.send(&sms("+1555", "x")),
        Outcome::Permanent("HTTP 400: The 'To' number is not valid. (code 21211)".into())
    );
    assert_eq!(
        gateway.send(&sms("+1503", "x")),
        Outcome::Temporary("HTTP 503: Service Unavailable".into())
    );
    assert_eq!(
        gateway.send(&sms("+1429", "x")),
        Outcome::Temporary("HTTP 429: Too Many Requests (code 20429)".into())
    );
    assert_eq!(
        gateway.send(&sms("+1401", "x")),
        Outcome::Permanent("HTTP 401: Authenticate (code 20003)".into())
    );
    let began = Instant::now();
    let silent = gateway.send(&sms("+1000", "x"));
    assert!(
        matches!(&silent, Outcome::Temporary(t) if t.contains("no answer in time")),
        "{silent:?}"
    );
    assert!(began.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_gateway_that_is_down_is_a_temporary_failure() {
    let gateway = gateway(format!("http://127.0.0.1:{}", mail::closed_port()));
    let outcome = gateway.send(&sms("+4915112345678", "x"));
    assert!(
        matches!(&outcome, Outcome::Temporary(t) if t.starts_with("SMS gateway: ")),
        "{outcome:?}"
    );
}

/// The variable that makes `secrets_in_a_child_process` do its work: the config file to read.
const PROBE_VAR: &str = "CARRIERDESK_TEST_SECRETS_PROBE";

/// Run by `secrets_come_from_the_environment_first_then_a_private_config_file` in a child
/// process with its own environment (a test must not change its own process's
/// environment while other tests run); does nothing otherwise.
#[test]
fn secrets_in_a_child_process() {
    let Some(path) = std::env::var_os(PROBE_VAR) else {
        return;
    };
    let config = Config::load(Some(Path::new(&path))).unwrap();
    let show = |r: Result<Option<String>, String>| match r {
        Ok(Some(v)) => format!("value {v}"),
        Ok(None) => "none".to_string(),
        Err(e) => format!("error {e}"),
    };
    println!("smtp: {}", show(smtp_password(&config)));
    println!("sms: {}", show(sms_token(&config)));
}

#[cfg(unix)]
#[test]
fn secrets_come_from_the_environment_first_then_a_private_config_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "smtp_password = \"pw-from-file\"\nsms_token = \"tok-from-file\"\n",
    )
    .unwrap();
    let probe = |mode: u32, env: &[(&str, &str)]| -> (String, String) {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "secrets_in_a_child_process", "--nocapture"])
            .args(["--test-threads", "1"])
            .env(PROBE_VAR, &path)
            .env_remove("CARRIERDESK_SMTP_PASSWORD")
            .env_remove("CARRIERDESK_SMS_TOKEN");
        for (k, v) in env {
            command.env(k, v);
        }
        let out = command.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "{text}");
        let line = |prefix: &str| {
            text.lines()
                .find_map(|l| l.split_once(prefix).map(|(_, value)| value))
                .unwrap_or_else(|| panic!("no {prefix} in {text}"))
                .to_string()
        };
        (line("smtp: "), line("sms: "))
    };
    let private = probe(0o600, &[]);
    assert_eq!(
        private,
        ("value pw-from-file".into(), "value tok-from-file".into())
    );
    let from_env = probe(
        0o600,
        &[
            ("CARRIERDESK_SMTP_PASSWORD", "pw-from-env"),
            ("CARRIERDESK_SMS_TOKEN", "tok-from-env"),
        ],
    );
    assert_eq!(
        from_env,
        ("value pw-from-env".into(), "value tok-from-env".into())
    );
    let (smtp, sms) = probe(0o644, &[]);
    assert_eq!(
        smtp,
        format!(
            "error {} holds the SMTP password and can be read by others: chmod 600 it",
            path.display()
        )
    );
    assert!(sms.ends_with("holds the SMS token and can be read by others: chmod 600 it"));
    assert!(!smtp.contains("pw-from-file") && !sms.contains("tok-from-file"));
    // The environment still wins over a file that others may read.
    let (smtp, _) = probe(0o644, &[("CARRIERDESK_SMTP_PASSWORD", "pw-from-env")]);
    assert_eq!(smtp, "value pw-from-env");
}
