//! Grid costs: one frame at 1,000 and at 1,000,000 rows (they should match: only the
//! visible window is read), and the figures of a 1,000,000-cell selection.
//!
//! Run with `cargo bench --bench grid`.

use carrierdesk::domain::selection::{Cell, Selection, aggregate, sum_cells};
use carrierdesk::domain::{Currency, Period, SummaryRow, Traffic};
use carrierdesk::tui::widgets::grid::{Figures, Grid, GridState};
use carrierdesk::tui::widgets::summary_grid::SummaryGrid;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::StatefulWidget;

fn main() {
    divan::main();
}

/// Daily rows with varied traffic, the same on every run.
fn rows(n: usize) -> Vec<SummaryRow> {
    let mut rng = fastrand::Rng::with_seed(7);
    (0..n)
        .map(|i| {
            let attempts = rng.i64(0..5_000);
            let connected = rng.i64(0..=attempts);
            let duration_s = connected * rng.i64(5..300);
            let charge = duration_s * rng.i64(1..20);
            SummaryRow {
                start: 1_700_000_000 - i as i64 * 86_400,
                traffic: Traffic {
                    attempts,
                    connected,
                    duration_s,
                    billed_s: duration_s + connected * 30,
                    charge,
                    cost: charge * rng.i64(50..110) / 100,
                },
            }
        })
        .collect()
}

fn eur() -> Currency {
    Currency::parse("EUR").expect("EUR is a currency")
}

/// A 120×40 frame with the cursor in the middle of the data and a 20×3 block selected,
/// so highlighting and the footer are drawn too.
#[divan::bench(args = [1_000, 1_000_000])]
fn frame(bencher: divan::Bencher, n: usize) {
    let rows = rows(n);
    let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
    let mut state = GridState::new(n, 10);
    let mid = n / 2;
    state.set_cursor(Cell::new(mid + 19, 3));
    state.set_selection(Some(Selection::new(
        Cell::new(mid, 1),
        Cell::new(mid + 19, 3),
    )));
    let area = Rect::new(0, 0, 120, 40);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| {
        Grid::new(&src).render(area, &mut buf, &mut state);
    });
}

/// Sum, mean and weighted ASR/ACD/Profit % of 100,000 summary rows × 10 columns.
#[divan::bench]
fn figures_of_a_million_cells(bencher: divan::Bencher) {
    let rows = rows(100_000);
    let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
    let all = Selection::all(100_000, 10).expect("not empty");
    bencher.bench_local(|| Figures::compute(&src, divan::black_box(&all)));
}

/// The bare aggregate of 1,000,000 numbers held in memory.
#[divan::bench]
fn aggregate_of_a_million_numbers(bencher: divan::Bencher) {
    let cells: Vec<Option<f64>> = (0..1_000_000)
        .map(|i| (i % 7 != 0).then_some(i as f64 * 0.01))
        .collect();
    let all = Selection::all(100_000, 10).expect("not empty");
    bencher.bench_local(|| {
        let all = divan::black_box(&all);
        aggregate(
            all,
            sum_cells(all.cols(), all.rows(), |r, c| cells[r * 10 + c]),
        )
    });
}
