//! The console's full board load: every customer with its last-24-hour figures read from
//! the database (`Service::board`), then handed to the board's model (`set_rows`), as the
//! console's database and UI threads do; and the memory the process holds after it.
//! Needs a large demo database:
//!
//!   ./target/release/carrierdesk demo --db /tmp/big.db --customers 100000 --days 7
//!   BOARD_DB=/tmp/big.db cargo bench --bench board_load
//!
//! Each load is timed on its own; RssAnon and RssFile (from /proc/self/status) are read
//! after the last one, with the board still held, as in a console that has loaded. Then
//! three searches in the contacts, as the board asks the database after a keystroke.

use carrierdesk::domain::search::Search;
use carrierdesk::service::Service;
use carrierdesk::tui::screens::board::BoardScreen;
use std::time::Instant;

const LOADS: usize = 7;

fn main() {
    let Ok(db) = std::env::var("BOARD_DB") else {
        eprintln!("set BOARD_DB to a demo database (see the top of benches/board_load.rs)");
        std::process::exit(2);
    };
    let service = Service::open(std::path::Path::new(&db)).expect("open BOARD_DB");
    let now = chrono::Utc::now().timestamp();
    let mut screen = BoardScreen::default();
    let mut times = Vec::new();
    for _ in 0..LOADS {
        let started = Instant::now();
        let rows = service.board(now).expect("load the board");
        let read = started.elapsed();
        screen.board.set_rows(rows, true);
        let total = started.elapsed();
        println!(
            "{} rows: read {:6.1} ms, board {:5.1} ms, total {:6.1} ms",
            screen.board.total(),
            read.as_secs_f64() * 1e3,
            (total - read).as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3
        );
        times.push(total.as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "fastest {:.1} ms, median {:.1} ms",
        times[0],
        times[times.len() / 2]
    );
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in status.lines() {
        if line.starts_with("RssAnon") || line.starts_with("RssFile") {
            println!("{line}");
        }
    }
    // What a search finds through contacts comes a moment after the keystroke: how long.
    // (A demo's customers are numbered from 1.)
    let customers = screen.board.total() as i64;
    for typed in ["kofi", "haddad nordlink", "06549 548745"] {
        let search = Search::parse(typed, Some("DE"));
        let started = Instant::now();
        let found = service
            .contact_matches(&search)
            .expect("search the contacts");
        let customers = (0..search.words().len())
            .map(|w| (1..=customers).filter(|id| found.holds(w, *id)).count())
            .collect::<Vec<_>>();
        println!(
            "contacts searched for {typed:?} in {:.1} ms: customers by word {customers:?}",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
}
