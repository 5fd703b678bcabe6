//! Queueing and delivering 10,000 emails (500 customers with 20 contacts each) to a mail
//! server on this host, and how the console's reads fare meanwhile:
//!
//!   cargo bench --bench outbox
//!
//! It starts aiosmtpd (Debian `python3-aiosmtpd`) on 127.0.0.1 with its Mailbox handler,
//! fills a new SQLite file, queues one message per contact (one transaction with the SEND
//! audit rows), and delivers them in rounds as `carrierdesk outbox send` does. Meanwhile
//! another connection loads a customer card every 10 ms, as a busy console does; the load
//! times are given before and during the delivery.

use carrierdesk::config::Config;
use carrierdesk::domain::contact::Category;
use carrierdesk::domain::message::{Kind, Template};
use carrierdesk::domain::{Actor, ContactDraft, CustomerDraft};
use carrierdesk::service::{Service, SettingChange, sender_name};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const CUSTOMERS: usize = 500;
const CONTACTS_EACH: usize = 20;
const ROUND: usize = 50;

struct Smtpd(Child);

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let Ok(child) = Command::new("aiosmtpd")
        .args(["-n", "-l", &format!("127.0.0.1:{port}"), "-c"])
        .arg("aiosmtpd.handlers.Mailbox")
        .arg(dir.path().join("mail"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        eprintln!("aiosmtpd is not on PATH: apt-get install python3-aiosmtpd");
        return;
    };
    let _smtpd = Smtpd(child);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(50));
    }

    let path = dir.path().join("bench.db");
    let mut service = Service::open(&path).unwrap();
    let actor = Actor {
        name: "bench".into(),
        ip: "local".into(),
        role: "operator".into(),
    };
    for (key, value) in [
        ("from_address", "noc@carrier.example"),
        ("smtp_server", &format!("127.0.0.1:{port}")),
        ("smtp_tls", "none"),
    ] {
        let change = SettingChange {
            key,
            value: Some(value),
            expect: None,
        };
        service.change_setting(&actor, &change).unwrap();
    }
    let filled = Instant::now();
    let mut ids = Vec::with_capacity(CUSTOMERS);
    for n in 0..CUSTOMERS {
        let c = CustomerDraft {
            name: format!("Customer {n:04}"),
            currency: "EUR".into(),
            ..CustomerDraft::blank()
        }
        .validate(None)
        .unwrap();
        let id = service.create_customer(&actor, &c).unwrap().id;
        for k in 0..CONTACTS_EACH {
            let draft = ContactDraft {
                name: format!("Contact {k}"),
                email: format!("c{k}@customer{n}.example"),
                ..ContactDraft::default()
            };
            service.create_contact(&actor, id, &draft, None).unwrap();
        }
        ids.push(id);
    }
    eprintln!(
        "filled {CUSTOMERS} customers with {} contacts in {:.1} s",
        CUSTOMERS * CONTACTS_EACH,
        filled.elapsed().as_secs_f64()
    );

    let template = Template {
        kind: Kind::Email,
        subject: "Maintenance tonight, {customer}".into(),
        body: "Dear {contact},\n\nwe work on the network tonight from 01:00 to 03:00 UTC.\nYour balance: {balance} {currency}.\n".into(),
    };
    let queued = Instant::now();
    let plan = service
        .plan_send(&ids, &template, Category::General)
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    let queued_ids = service.queue(&actor, &plan, now).unwrap();
    let queue_s = queued.elapsed().as_secs_f64();
    println!(
        "queue  {} messages (rendered, one transaction with {} SEND audit rows): {queue_s:.2} s, {:.0} messages/s",
        queued_ids.len(),
        ids.len(),
        queued_ids.len() as f64 / queue_s
    );

    // A console's reads meanwhile: card loads on a connection of their own.
    let delivering = AtomicBool::new(false);
    let done = AtomicBool::new(false);
    let (before, during) = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let reader = Service::open(&path).unwrap();
            let (mut before, mut during) = (Vec::new(), Vec::new());
            let mut n = 0;
            while !done.load(Ordering::SeqCst) {
                let t = Instant::now();
                reader
                    .card(ids[n % ids.len()], chrono::Utc::now().timestamp())
                    .unwrap();
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                if delivering.load(Ordering::SeqCst) {
                    during.push(ms);
                } else {
                    before.push(ms);
                }
                n += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            (before, during)
        });
        std::thread::sleep(Duration::from_secs(2));
        delivering.store(true, Ordering::SeqCst);
        let couriers = service.couriers(&Config::defaults()).unwrap();
        let ready = couriers.ready();
        let sender = sender_name();
        let started = Instant::now();
        let mut sent = 0;
        loop {
            let round = service
                .deliver(&ready, &sender, chrono::Utc::now().timestamp(), ROUND)
                .unwrap();
            if round.handled() == 0 {
                break;
            }
            assert_eq!(round.sent, round.handled(), "every message is accepted");
            sent += round.sent;
        }
        let secs = started.elapsed().as_secs_f64();
        done.store(true, Ordering::SeqCst);
        println!(
            "deliver {sent} messages to aiosmtpd on 127.0.0.1 (one connection, rounds of {ROUND}): {secs:.1} s, {:.0} messages/s",
            sent as f64 / secs
        );
        reader.join().unwrap()
    });
    let stats = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        let at = |q: f64| {
            v.get(((v.len() as f64 - 1.0) * q) as usize)
                .copied()
                .unwrap_or(0.0)
        };
        format!(
            "median {:.1} ms, 99th percentile {:.1} ms, max {:.1} ms ({} loads)",
            at(0.5),
            at(0.99),
            v.last().copied().unwrap_or(0.0),
            v.len()
        )
    };
    println!("card loads before: {}", stats(&before));
    println!("card loads during: {}", stats(&during));
}
