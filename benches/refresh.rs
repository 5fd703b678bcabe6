//! What one foreign commit costs the console showing a card, before and after the change
//! log: the rows it reads and the milliseconds it spends. Needs a large demo database:
//!
//!   ./target/release/carrierdesk demo --db /tmp/big.db --customers 100000 --days 7
//!   REFRESH_DB=/tmp/big.db cargo bench --bench refresh
//!
//! With a PostgreSQL URL (a database filled by `carrierdesk db copy --from /tmp/big.db
//! --to URL`) it measures the live refresh there instead: how long from one console's commit
//! until another console's listener hears it.
//!
//! Before: every foreign commit reloaded the card (customer, contacts, blocks, 90 days of
//! traffic, 500 audit rows, scheduled changes) and, back on the board, all its rows.
//! After: the console reads the change log; a commit to another customer reloads nothing
//! of the card and one board row; a commit to the card's customer reloads the card's data
//! (and the audit rows only when the Audit tab shows).

use carrierdesk::domain::Actor;
use carrierdesk::service::Service;
use carrierdesk::store::Location;
use carrierdesk::store::listen::{Heard, Listener};
use std::time::{Duration, Instant};

fn actor() -> Actor {
    Actor {
        name: "bench".into(),
        ip: "local".into(),
        role: "operator".into(),
    }
}

/// From a commit on one connection until a listener on another hears it, twenty times.
fn notify_delay(url: &str) {
    let location = Location::Server(url.to_string());
    let mut writer = Service::open_at(&location).unwrap();
    let mut listener = Listener::new(url);
    // The first wait connects and starts listening.
    assert_eq!(
        listener.wait(Duration::from_secs(5)),
        Some(Heard::Listening)
    );
    let id = writer.board(chrono::Utc::now().timestamp()).unwrap()[0].id;
    let mut delays = Vec::new();
    for n in 0..20u32 {
        let mut c = writer.customer(id).unwrap();
        c.channels = 30 + n % 2;
        let started = Instant::now();
        writer.update_customer(&actor(), &c).unwrap();
        loop {
            match listener.wait(Duration::from_secs(5)) {
                Some(Heard::Changes(changes))
                    if changes.concerns(carrierdesk::domain::change::Topic::Customers, id) =>
                {
                    break;
                }
                Some(Heard::Lost(why)) => panic!("lost the server: {why}"),
                _ => {}
            }
        }
        delays.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    delays.sort_by(f64::total_cmp);
    println!(
        "commit to heard on another connection: median {:.1} ms, slowest {:.1} ms (20 commits, the commit included)",
        delays[10], delays[19]
    );
}

fn main() {
    let Some(path) = std::env::var_os("REFRESH_DB") else {
        println!("REFRESH_DB is not set: see benches/refresh.rs for how to run this.");
        return;
    };
    let location: Location = path.to_str().unwrap().parse().unwrap();
    if let Location::Server(url) = &location {
        return notify_delay(url);
    }
    let reader = Service::open_at(&location).unwrap();
    let mut writer = Service::open_at(&location).unwrap();
    let now = chrono::Utc::now().timestamp();
    let board = reader.board(now).unwrap();
    let (card, other) = (board[board.len() / 2].id, board[board.len() / 3].id);
    let mut touch = |id: i64| {
        let mut c = writer.customer(id).unwrap();
        c.channels = if c.channels == 30 { 31 } else { 30 };
        writer.update_customer(&actor(), &c).unwrap();
    };
    println!("{} customers; the card shows #{card}", board.len());
    println!("| path | rows read | ms (median of 5) |");
    println!("| --- | --- | --- |");

    let before = median(&mut || touch(other), || {
        let data = reader.card(card, now).unwrap();
        let audit = reader.audit(card).unwrap();
        let rows = reader.board(now).unwrap();
        1 + data.contacts.len()
            + data.blocks.len()
            + data.daily.len()
            + audit.len()
            + data.scheduled.len()
            + rows.len()
    });
    println!(
        "| before: any commit (card, then the whole board on Esc) | {} | {:.1} |",
        before.0, before.1
    );

    let mut seq = reader.change_seq().unwrap();
    let after_other = median(&mut || touch(other), || {
        let (next, changes) = reader.changes_since(seq).unwrap();
        seq = next;
        let ids = changes
            .customers_in(&[carrierdesk::domain::change::Topic::Customers])
            .unwrap();
        assert!(!ids.contains(&card));
        1 + reader.board_rows(&ids, now).unwrap().len()
    });
    println!(
        "| after: a commit to another customer (change log, then its board row on Esc) | {} | {:.1} |",
        after_other.0, after_other.1
    );

    let after_same = median(&mut || touch(card), || {
        let (next, _) = reader.changes_since(seq).unwrap();
        seq = next;
        let data = reader.card(card, now).unwrap();
        let rows = reader.board_rows(&[card], now).unwrap();
        1 + 1
            + data.contacts.len()
            + data.blocks.len()
            + data.daily.len()
            + data.scheduled.len()
            + rows.len()
    });
    println!(
        "| after: a commit to the card's customer (its card data, its board row on Esc) | {} | {:.1} |",
        after_same.0, after_same.1
    );
}

/// Five times: a commit by the other connection (`commit`, not timed), then the console's
/// refresh (`f`); the rows `f` reports and the median milliseconds it took.
fn median(commit: &mut dyn FnMut(), mut f: impl FnMut() -> usize) -> (usize, f64) {
    let mut runs: Vec<(f64, usize)> = (0..5)
        .map(|_| {
            commit();
            let started = Instant::now();
            let rows = f();
            (started.elapsed().as_secs_f64() * 1000.0, rows)
        })
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    (runs[2].1, runs[2].0)
}
