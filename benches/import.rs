//! Import throughput, end to end (parse, match, rate, store, roll up): a generated Asterisk
//! Master.csv into a fresh demo database of 200 customers. The file has CDR_BENCH_ROWS
//! rows (default 200,000).
//!
//!     CDR_BENCH_ROWS=1000000 cargo bench --bench import

use carrierdesk::cdr::sample::write_asterisk_sample;
use carrierdesk::domain::Actor;
use carrierdesk::service::demo::{DemoSpec, generate};
use carrierdesk::service::{ImportOptions, Service};
use divan::Bencher;
use divan::counter::ItemsCount;

fn main() {
    divan::main();
}

const CUSTOMERS: usize = 200;
/// A fixed moment, so that every run imports the same calls.
const UNTIL: i64 = 1_794_000_000;

fn rows() -> u64 {
    std::env::var("CDR_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000)
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn import_asterisk_master_csv(bencher: Bencher) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rows = rows();
    let file = dir.path().join("Master.csv");
    write_asterisk_sample(&file, rows, CUSTOMERS as u32, 7, UNTIL).expect("the sample file");
    let actor = Actor {
        name: "bench".into(),
        ip: "local".into(),
        role: "admin".into(),
    };
    let files = [file];
    let mut databases = 0;
    bencher
        .counter(ItemsCount::new(rows))
        .with_inputs(|| {
            databases += 1;
            let mut service =
                Service::open(&dir.path().join(format!("{databases}.db"))).expect("a new database");
            let spec = DemoSpec {
                customers: CUSTOMERS,
                days: 0,
                seed: 7,
                now: UNTIL,
            };
            generate(&mut service, spec, &mut |_, _| {}).expect("the demo customers");
            service
        })
        .bench_local_values(|mut service| {
            service
                .import_cdrs(&actor, &files, &ImportOptions::default(), &mut |_| {})
                .expect("the import");
            // Returned, so that closing the database is not timed.
            service
        });
}
