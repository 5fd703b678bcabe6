//! What the audit chain's one lock costs writers: eight connections at once, each saving
//! one customer over and over (an edit and its audit row, one transaction each), and the
//! commits per second of all of them together.
//!
//!   AUDIT_DB=postgres://user@host/db cargo bench --bench audit_writers
//!   AUDIT_DB=/tmp/demo.db cargo bench --bench audit_writers
//!
//! The database needs at least eight customers (a demo one, or one moved there with
//! `carrierdesk db copy`). Run it on a build before the chain (schema 7) and after it to
//! compare: the bench uses only what both have.

use carrierdesk::domain::Actor;
use carrierdesk::service::Service;
use carrierdesk::store::Location;
use std::time::Instant;

const WRITERS: usize = 8;
const COMMITS_EACH: u32 = 300;

fn main() {
    let Ok(db) = std::env::var("AUDIT_DB") else {
        eprintln!("set AUDIT_DB to a database file or a postgres:// URL (see the file's header)");
        return;
    };
    let location: Location = db.parse().expect("a file path or a postgres:// URL");
    let ids: Vec<i64> = Service::open_at(&location)
        .unwrap()
        .board(chrono::Utc::now().timestamp())
        .unwrap()
        .iter()
        .take(WRITERS)
        .map(|r| r.id)
        .collect();
    assert_eq!(ids.len(), WRITERS, "the database needs {WRITERS} customers");
    let started = Instant::now();
    std::thread::scope(|s| {
        for (w, &id) in ids.iter().enumerate() {
            let location = &location;
            s.spawn(move || {
                let mut service = Service::open_at(location).unwrap();
                let actor = Actor {
                    name: format!("bench{w}"),
                    ip: "local".into(),
                    role: "operator".into(),
                };
                for n in 0..COMMITS_EACH {
                    loop {
                        let mut c = service.customer(id).unwrap();
                        c.channels = 30 + n % 2;
                        match service.update_customer(&actor, &c) {
                            Ok(_) => break,
                            // SQLite's writers queue on its lock; past the wait, again.
                            Err(e) if e.is_busy() => continue,
                            Err(e) => panic!("{e}"),
                        }
                    }
                }
            });
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let commits = (WRITERS as u32 * COMMITS_EACH) as f64;
    println!(
        "{WRITERS} writers, {commits} commits in {seconds:.2} s: {:.0} commits/s",
        commits / seconds
    );
}
