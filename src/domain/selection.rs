//! A rectangular cell selection in a grid and the figures shown for it.
//!
//! Two kinds of average live side by side and must not be confused:
//! - the plain mean of the selected cell values, which the web consoles call an
//!   "average of averages" (an ASR column's mean is not weighted by attempts);
//! - the weighted ASR, ACD and Profit %, recomputed from the summed attempts, connected
//!   calls, durations, charges and costs of the selected rows.

use std::ops::Range;

use super::summary::{Traffic, acd, asr, profit_percent};

/// A cell position: row and column, both from 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
}

impl Cell {
    pub fn new(row: usize, col: usize) -> Cell {
        Cell { row, col }
    }
}

/// A rectangle of cells spanned by a fixed corner (the anchor) and a moving one (the
/// cursor). It always holds at least one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Selection {
    anchor: Cell,
    cursor: Cell,
}

impl Selection {
    pub fn new(anchor: Cell, cursor: Cell) -> Selection {
        Selection { anchor, cursor }
    }

    /// Just one cell.
    pub fn cell(cell: Cell) -> Selection {
        Selection::new(cell, cell)
    }

    /// Every row of one column of a table with `rows` rows (at least one).
    pub fn column(col: usize, rows: usize) -> Selection {
        Selection::new(Cell::new(0, col), Cell::new(rows.max(1) - 1, col))
    }

    /// Every column of one row of a table with `cols` columns (at least one).
    pub fn row(row: usize, cols: usize) -> Selection {
        Selection::new(Cell::new(row, 0), Cell::new(row, cols.max(1) - 1))
    }

    /// The whole table; `None` when it has no cells.
    pub fn all(rows: usize, cols: usize) -> Option<Selection> {
        (rows > 0 && cols > 0)
            .then(|| Selection::new(Cell::new(0, 0), Cell::new(rows - 1, cols - 1)))
    }

    pub fn anchor(&self) -> Cell {
        self.anchor
    }

    pub fn cursor(&self) -> Cell {
        self.cursor
    }

    /// Moves the cursor corner; the anchor stays.
    pub fn extend_to(&mut self, cursor: Cell) {
        self.cursor = cursor;
    }

    /// The selected rows, top to bottom.
    pub fn rows(&self) -> Range<usize> {
        let (a, b) = (self.anchor.row, self.cursor.row);
        a.min(b)..a.max(b) + 1
    }

    /// The selected columns, left to right.
    pub fn cols(&self) -> Range<usize> {
        let (a, b) = (self.anchor.col, self.cursor.col);
        a.min(b)..a.max(b) + 1
    }

    pub fn contains(&self, cell: Cell) -> bool {
        self.rows().contains(&cell.row) && self.cols().contains(&cell.col)
    }

    /// How many cells the rectangle holds.
    pub fn cell_count(&self) -> usize {
        self.rows().len() * self.cols().len()
    }

    /// The same selection cut down to a table of `rows` × `cols` (after the data shrank);
    /// `None` when the table is empty.
    pub fn clamp(self, rows: usize, cols: usize) -> Option<Selection> {
        let (last_row, last_col) = (rows.checked_sub(1)?, cols.checked_sub(1)?);
        let fit = |c: Cell| Cell::new(c.row.min(last_row), c.col.min(last_col));
        Some(Selection::new(fit(self.anchor), fit(self.cursor)))
    }
}

/// A running sum that stays exact to the last cent over a million cells (compensated
/// summation, each addition's rounding error found by Knuth's TwoSum): plain f64 addition
/// drifts by more than that. TwoSum has no branch to mispredict, where Neumaier's
/// comparison costs a misprediction on cells of mixed sizes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    #[inline]
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        let z = t - self.sum;
        self.compensation += (self.sum - (t - z)) + (x - z);
        self.sum = t;
    }

    pub fn value(self) -> f64 {
        self.sum + self.compensation
    }
}

/// The figures of one selected column, for the grid's footer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnFigures {
    pub col: usize,
    /// Cells of this column holding a number.
    pub numbers: usize,
    pub sum: f64,
}

impl ColumnFigures {
    /// The plain mean of the column's numbers; `None` when it has none.
    pub fn mean(&self) -> Option<f64> {
        mean(self.sum, self.numbers)
    }
}

/// Count, sum and plain mean of a selection, in total and per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// Every selected cell, numbers or not.
    pub cells: usize,
    /// Selected cells holding a number; the others (dates, labels) are counted, not summed.
    pub numbers: usize,
    pub sum: f64,
    /// One entry per selected column, left to right.
    pub columns: Vec<ColumnFigures>,
}

impl Aggregate {
    /// The plain mean of every selected number: the "average of averages".
    pub fn mean(&self) -> Option<f64> {
        mean(self.sum, self.numbers)
    }
}

fn mean(sum: f64, n: usize) -> Option<f64> {
    (n > 0).then(|| sum / n as f64)
}

/// The figures of `selection` from its columns' sums: `sums` holds, for each selected
/// column left to right, the sum of its numbers and how many there are (`sum_cells` adds
/// them up cell by cell; a source holding integers adds them exactly, in one pass).
pub fn aggregate(selection: &Selection, sums: Vec<(f64, usize)>) -> Aggregate {
    let mut total = Sum::default();
    let mut numbers = 0;
    let columns = sums
        .into_iter()
        .zip(selection.cols())
        .map(|((sum, n), col)| {
            total.add(sum);
            numbers += n;
            ColumnFigures {
                col,
                numbers: n,
                sum,
            }
        })
        .collect();
    Aggregate {
        cells: selection.cell_count(),
        numbers,
        sum: total.value(),
        columns,
    }
}

/// Each column of `cols` added up over `rows`, row by row: `value(row, col)` reads one
/// cell, `None` for a cell that is not a number. The sum of each column's numbers, exact
/// to the cent over a million cells, and how many there are. Nothing is allocated per cell.
pub fn sum_cells(
    cols: Range<usize>,
    rows: Range<usize>,
    value: impl Fn(usize, usize) -> Option<f64>,
) -> Vec<(f64, usize)> {
    let mut sums = vec![(Sum::default(), 0usize); cols.len()];
    for row in rows {
        for (acc, col) in sums.iter_mut().zip(cols.clone()) {
            if let Some(v) = value(row, col) {
                acc.0.add(v);
                acc.1 += 1;
            }
        }
    }
    sums.into_iter().map(|(sum, n)| (sum.value(), n)).collect()
}

/// The summary metrics whose true (weighted) value differs from the mean of their cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Σconnected / Σattempts × 100.
    Asr,
    /// Σduration / Σconnected, in seconds.
    Acd,
    /// Σ(charge − cost) / Σcharge × 100.
    ProfitPercent,
}

impl Metric {
    /// The metric recomputed from summed traffic; `None` when its divisor is zero.
    pub fn weighted(self, total: &Traffic) -> Option<f64> {
        match self {
            Metric::Asr => asr(total.attempts, total.connected),
            Metric::Acd => acd(total.connected, total.duration_s),
            Metric::ProfitPercent => profit_percent(total.charge, total.cost),
        }
    }

    /// The metric's name as the column header shows it.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Asr => "ASR",
            Metric::Acd => "ACD",
            Metric::ProfitPercent => "Profit %",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The traffic of several rows added up: what the weighted metrics divide.
    fn total_traffic(rows: impl IntoIterator<Item = Traffic>) -> Traffic {
        rows.into_iter().fold(Traffic::default(), |mut acc, t| {
            acc.add(&t);
            acc
        })
    }
    use proptest::prelude::*;

    fn table(rows: usize, cols: usize) -> Vec<Vec<Option<f64>>> {
        (0..rows)
            .map(|r| {
                (0..cols)
                    // Column 0 holds dates: not numbers.
                    .map(|c| (c > 0).then(|| (r * 10 + c) as f64))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn corners_in_any_order_span_the_same_rectangle() {
        let a = Selection::new(Cell::new(5, 1), Cell::new(2, 3));
        let b = Selection::new(Cell::new(2, 3), Cell::new(5, 1));
        assert_eq!(a.rows(), 2..6);
        assert_eq!(a.cols(), 1..4);
        assert_eq!((b.rows(), b.cols()), (a.rows(), a.cols()));
        assert_eq!(a.cell_count(), 12);
        assert!(a.contains(Cell::new(2, 1)) && a.contains(Cell::new(5, 3)));
        assert!(!a.contains(Cell::new(6, 3)) && !a.contains(Cell::new(3, 0)));
    }

    #[test]
    fn whole_column_row_and_table() {
        let c = Selection::column(2, 7);
        assert_eq!((c.rows(), c.cols()), (0..7, 2..3));
        let r = Selection::row(4, 5);
        assert_eq!((r.rows(), r.cols()), (4..5, 0..5));
        let all = Selection::all(3, 4).unwrap();
        assert_eq!(all.cell_count(), 12);
        assert_eq!(Selection::all(0, 4), None);
    }

    #[test]
    fn clamping_follows_a_shrunken_table() {
        let s = Selection::new(Cell::new(1, 1), Cell::new(9, 9));
        let c = s.clamp(4, 3).unwrap();
        assert_eq!((c.rows(), c.cols()), (1..4, 1..3));
        assert_eq!(s.clamp(0, 3), None);
    }

    #[test]
    fn dates_are_counted_but_not_summed() {
        let t = table(3, 3);
        let sel = Selection::new(Cell::new(0, 0), Cell::new(2, 2));
        let agg = aggregate(&sel, sum_cells(sel.cols(), sel.rows(), |r, c| t[r][c]));
        assert_eq!(agg.cells, 9);
        assert_eq!(agg.numbers, 6);
        // 1+2 + 11+12 + 21+22
        assert_eq!(agg.sum, 69.0);
        assert_eq!(agg.mean(), Some(11.5));
        assert_eq!(agg.columns.len(), 3);
        assert_eq!(agg.columns[0].numbers, 0);
        assert_eq!(agg.columns[0].mean(), None);
        assert_eq!(agg.columns[2].sum, 2.0 + 12.0 + 22.0);
        assert_eq!(agg.columns[2].mean(), Some(12.0));
    }

    #[test]
    fn a_million_cents_add_up_exactly() {
        let sel = Selection::new(Cell::new(0, 0), Cell::new(999_999, 0));
        let agg = aggregate(&sel, sum_cells(sel.cols(), sel.rows(), |_, _| Some(0.01)));
        assert_eq!(format!("{:.2}", agg.sum), "10000.00");
        assert!((agg.sum - 10_000.0).abs() < 1e-9, "{}", agg.sum);
    }

    #[test]
    fn the_mean_of_asr_cells_is_not_the_weighted_asr() {
        // A day of 1000 attempts at 50% and a day of 10 attempts at 100%.
        let days = [
            Traffic {
                attempts: 1000,
                connected: 500,
                duration_s: 50_000,
                charge: 1000,
                cost: 900,
                ..Traffic::default()
            },
            Traffic {
                attempts: 10,
                connected: 10,
                duration_s: 100,
                charge: 100,
                cost: 0,
                ..Traffic::default()
            },
        ];
        let sel = Selection::column(0, 2);
        let agg = aggregate(
            &sel,
            sum_cells(sel.cols(), sel.rows(), |r, _| days[r].asr()),
        );
        assert_eq!(agg.mean(), Some(75.0));
        let total = total_traffic(days);
        let w = Metric::Asr.weighted(&total).unwrap();
        assert!((w - 510.0 / 1010.0 * 100.0).abs() < 1e-12);
        assert!((Metric::Acd.weighted(&total).unwrap() - 50_100.0 / 510.0).abs() < 1e-12);
        assert!(
            (Metric::ProfitPercent.weighted(&total).unwrap() - 200.0 / 1100.0 * 100.0).abs()
                < 1e-12
        );
        assert_eq!(Metric::Asr.weighted(&Traffic::default()), None);
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    fn traffic() -> impl Strategy<Value = Traffic> {
        (
            0i64..10_000,
            0i64..10_000,
            0i64..1_000_000,
            0i64..1_000_000,
            0i64..1_000_000,
        )
            .prop_map(|(attempts, connected, duration_s, charge, cost)| Traffic {
                attempts,
                connected: connected.min(attempts),
                duration_s,
                billed_s: duration_s,
                charge,
                cost,
            })
    }

    /// A table (some cells not numbers) and a selection inside it, corners in any order.
    fn table_and_selection() -> impl Strategy<Value = (Vec<Vec<Option<f64>>>, Selection)> {
        (1usize..30, 1usize..8)
            .prop_flat_map(|(rows, cols)| {
                (
                    prop::collection::vec(
                        prop::collection::vec(prop::option::weighted(0.8, -1e6f64..1e6), cols),
                        rows,
                    ),
                    0..rows,
                    0..cols,
                    0..rows,
                    0..cols,
                )
            })
            .prop_map(|(t, r0, c0, r1, c1)| {
                (t, Selection::new(Cell::new(r0, c0), Cell::new(r1, c1)))
            })
    }

    proptest! {
        #[test]
        fn figures_equal_a_straightforward_computation((t, sel) in table_and_selection()) {
            let agg = aggregate(&sel, sum_cells(sel.cols(), sel.rows(), |r, c| t[r][c]));
            let (r0, r1) = (sel.anchor().row.min(sel.cursor().row), sel.anchor().row.max(sel.cursor().row));
            let (c0, c1) = (sel.anchor().col.min(sel.cursor().col), sel.anchor().col.max(sel.cursor().col));
            let mut values = Vec::new();
            for row in &t[r0..=r1] {
                for v in row[c0..=c1].iter().flatten() {
                    values.push(*v);
                }
            }
            prop_assert_eq!(agg.cells, (r1 - r0 + 1) * (c1 - c0 + 1));
            prop_assert_eq!(agg.numbers, values.len());
            let sum: f64 = values.iter().sum();
            prop_assert!(close(agg.sum, sum), "{} vs {}", agg.sum, sum);
            match agg.mean() {
                None => prop_assert!(values.is_empty()),
                Some(m) => prop_assert!(close(m, sum / values.len() as f64)),
            }
            prop_assert_eq!(agg.columns.len(), c1 - c0 + 1);
            for fig in &agg.columns {
                let col: Vec<f64> = t[r0..=r1].iter().filter_map(|row| row[fig.col]).collect();
                prop_assert_eq!(fig.numbers, col.len());
                prop_assert!(close(fig.sum, col.iter().sum()));
            }
        }

        #[test]
        fn weighted_metrics_equal_ratios_of_sums(
            rows in prop::collection::vec(traffic(), 1..40),
            a in 0usize..40,
            b in 0usize..40,
        ) {
            let sel = Selection::new(Cell::new(a % rows.len(), 1), Cell::new(b % rows.len(), 1));
            let picked = &rows[sel.rows()];
            let total = total_traffic(picked.iter().copied());
            let attempts: i64 = picked.iter().map(|t| t.attempts).sum();
            let connected: i64 = picked.iter().map(|t| t.connected).sum();
            let duration: i64 = picked.iter().map(|t| t.duration_s).sum();
            let charge: i64 = picked.iter().map(|t| t.charge).sum();
            let profit: i64 = picked.iter().map(|t| t.charge - t.cost).sum();
            let expect = |num: i64, den: i64, scale: f64| (den != 0).then(|| num as f64 / den as f64 * scale);
            let check = |got: Option<f64>, want: Option<f64>| match (got, want) {
                (Some(g), Some(w)) => close(g, w),
                (None, None) => true,
                _ => false,
            };
            prop_assert!(check(Metric::Asr.weighted(&total), expect(connected, attempts, 100.0)));
            prop_assert!(check(Metric::Acd.weighted(&total), expect(duration, connected, 1.0)));
            prop_assert!(check(Metric::ProfitPercent.weighted(&total), expect(profit, charge, 100.0)));
        }
    }
}
