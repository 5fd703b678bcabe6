//! Bulk edit of 10,000 customers: the preview, and the commit with one audit row each.
//! Run: cargo bench --bench bulk_edit

use carrierdesk::domain::{Actor, BulkEdit};
use carrierdesk::service::Service;
use carrierdesk::service::demo::{DemoSpec, generate};
use tempfile::TempDir;

fn main() {
    divan::main();
}

const CUSTOMERS: usize = 10_000;

/// A fresh demo database of 10,000 customers (no traffic) and all their ids.
fn fixture() -> (TempDir, Service, Vec<i64>) {
    let dir = tempfile::tempdir().unwrap();
    let mut service = Service::open(&dir.path().join("bench.db")).unwrap();
    let spec = DemoSpec {
        customers: CUSTOMERS,
        days: 0,
        seed: 7,
        now: chrono::Utc::now().timestamp(),
    };
    generate(&mut service, spec, &mut |_, _| {}).unwrap();
    let ids = (1..=CUSTOMERS as i64).collect();
    (dir, service, ids)
}

fn edit(channels: u32) -> BulkEdit {
    BulkEdit {
        channels: Some(channels.to_string()),
        tags_add: vec!["promo".into()],
        ..BulkEdit::default()
    }
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn preview_10k(bencher: divan::Bencher) {
    let (_dir, service, ids) = fixture();
    let e = edit(40);
    bencher.bench_local(|| service.bulk_preview(&ids, &e).unwrap().len());
}

/// Every run changes every customer (the channels alternate), so each commits 10,000
/// updates and 10,000 audit rows.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn apply_10k(bencher: divan::Bencher) {
    let (_dir, mut service, ids) = fixture();
    let actor = Actor {
        name: "bench".into(),
        ip: "local".into(),
        role: "operator".into(),
    };
    let mut run = 0;
    bencher.bench_local(|| {
        run += 1;
        let report = service
            .bulk_apply(&actor, &ids, &edit(40 + run % 2))
            .unwrap();
        assert_eq!(report.changed, CUSTOMERS);
    });
}
