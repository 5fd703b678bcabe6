//! Rate cards: importing a card of 100,000 rows (read, check, store as one version with its
//! audit row, one transaction) on SQLite, and on PostgreSQL when a URL is given; and
//! 1,000,000 longest-prefix lookups against those 100,000 prefixes, with the card's trie
//! (`PrefixTable`) and, to compare, a sorted table searched by binary search.
//!
//!   cargo bench --bench rate_cards
//!   RATES_PG=postgres://user@host/db cargo bench --bench rate_cards
//!
//! The PostgreSQL database is migrated first if need be, and the bench's cards deleted after.

use carrierdesk::domain::Actor;
use carrierdesk::domain::rate_card::{PrefixTable, RateRow, read_card};
use carrierdesk::service::{CardImport, Service};
use carrierdesk::store::{Location, Store};
use std::time::{Duration, Instant};

const ROWS: usize = 100_000;
const LOOKUPS: usize = 1_000_000;
const RUNS: usize = 3;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = fastrand::Rng::with_seed(13);
    let csv = dir.path().join("card.csv");
    std::fs::write(&csv, card_text(&mut rng)).unwrap();

    let sqlite = Location::File(dir.path().join("bench.db"));
    imports("SQLite", &sqlite, &csv);
    if let Ok(url) = std::env::var("RATES_PG") {
        Store::migrate(&url).unwrap();
        imports("PostgreSQL", &Location::Server(url), &csv);
    }

    let mut rows = Vec::new();
    let read = best_of(|| rows = read_card(std::fs::File::open(&csv).unwrap()).unwrap());
    println!(
        "reading and checking the {}-row file alone: {} ms (best of {RUNS})",
        ROWS + 1,
        read.as_millis()
    );
    let numbers: Vec<String> = (0..LOOKUPS)
        .map(|_| (0..12).map(|_| char::from(b'0' + rng.u8(0..10))).collect())
        .collect();
    let table = PrefixTable::new(rows.clone());
    let trie = best_of(|| {
        let found = numbers.iter().filter_map(|n| table.find(n)).count();
        std::hint::black_box(found);
    });
    let sorted = Sorted(rows);
    let binary = best_of(|| {
        let found = numbers.iter().filter_map(|n| sorted.find(n)).count();
        std::hint::black_box(found);
    });
    for n in numbers.iter().take(10_000) {
        assert_eq!(table.find(n), sorted.find(n), "{n}");
    }
    println!(
        "{LOOKUPS} lookups against {ROWS} prefixes: trie {} ms, sorted table {} ms (best of {RUNS})",
        trie.as_millis(),
        binary.as_millis()
    );
}

/// A card of `ROWS` distinct prefixes of 2 to 8 digits, and a catch-all.
fn card_text(rng: &mut fastrand::Rng) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut text = String::from(
        "prefix,description,rate,connection_fee,first_increment,next_increment\n,Rest of world,0.5,0,60,60\n",
    );
    while seen.len() < ROWS {
        let len = rng.usize(2..=8);
        let prefix: String = (0..len).map(|_| char::from(b'0' + rng.u8(0..10))).collect();
        if seen.insert(prefix.clone()) {
            text.push_str(&format!(
                "{prefix},Destination {prefix},0.{:06},0.{:06},60,6\n",
                rng.u32(0..1_000_000),
                rng.u32(0..10_000)
            ));
        }
    }
    text
}

/// Imports the card `RUNS` times as new cards and prints each time.
fn imports(engine: &str, location: &Location, csv: &std::path::Path) {
    let mut service = Service::open_at(location).unwrap();
    let actor = Actor {
        name: "bench".into(),
        ip: "local".into(),
        role: "operator".into(),
    };
    let tag = fastrand::u32(..);
    let mut times = Vec::new();
    for run in 0..RUNS {
        let name = format!("bench-{tag}-{run}");
        let started = Instant::now();
        let report = service
            .import_rate_card(
                &actor,
                &CardImport {
                    card: &name,
                    path: csv,
                    currency: Some("EUR"),
                    effective_from: None,
                    dry_run: false,
                },
            )
            .unwrap();
        times.push(started.elapsed());
        assert_eq!(report.rows, ROWS + 1);
    }
    for run in 0..RUNS {
        service
            .delete_rate_card(&actor, &format!("bench-{tag}-{run}"))
            .unwrap();
    }
    let ms: Vec<String> = times.iter().map(|t| t.as_millis().to_string()).collect();
    println!(
        "{engine}: import of a {}-row card: {} ms",
        ROWS + 1,
        ms.join(", ")
    );
}

fn best_of(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .min()
        .unwrap()
}

/// The other way measured: rows sorted by prefix. The greatest prefix at or below the
/// number is the answer when it is a prefix of it; otherwise the answer is a prefix of
/// what the two have in common, searched for the same way.
struct Sorted(Vec<RateRow>);

impl Sorted {
    fn find(&self, digits: &str) -> Option<&RateRow> {
        let mut d = digits;
        loop {
            let i = self.0.partition_point(|r| r.prefix.as_str() <= d);
            let c = &self.0[i.checked_sub(1)?];
            if d.starts_with(c.prefix.as_str()) {
                return Some(c);
            }
            let common = c
                .prefix
                .bytes()
                .zip(d.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            d = &d[..common];
        }
    }
}
