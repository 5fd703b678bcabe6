//! The columns of a summary view: headers, column groups, and each cell as a number (for
//! selections), as plain text (for copies and CSV) and as text for the screen. The CLI, the
//! grid and the exports all read cells from here, so they cannot disagree.

use super::money::{Currency, MICROS};
use super::selection::Sum;
use super::summary::{Period, SummaryRow, Traffic, hms, mss};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SummaryColumn {
    Date,
    Asr,
    Acd,
    Profit,
    ProfitPercent,
    Charge,
    Attempts,
    Connected,
    Duration,
    Billed,
}

impl SummaryColumn {
    pub const ALL: [SummaryColumn; 10] = [
        SummaryColumn::Date,
        SummaryColumn::Asr,
        SummaryColumn::Acd,
        SummaryColumn::Profit,
        SummaryColumn::ProfitPercent,
        SummaryColumn::Charge,
        SummaryColumn::Attempts,
        SummaryColumn::Connected,
        SummaryColumn::Duration,
        SummaryColumn::Billed,
    ];

    /// The header on screen, short; copies name the unit too (`header_with_unit`).
    pub fn header(self) -> &'static str {
        match self {
            SummaryColumn::Date => "Date (UTC)",
            SummaryColumn::Asr => "ASR",
            SummaryColumn::Acd => "ACD",
            SummaryColumn::Profit => "Profit",
            SummaryColumn::ProfitPercent => "Profit %",
            SummaryColumn::Charge => "Charge",
            SummaryColumn::Attempts => "Attempts",
            SummaryColumn::Connected => "Connected",
            SummaryColumn::Duration => "Duration",
            SummaryColumn::Billed => "Billed",
        }
    }

    /// The header in full, as the web console names the column, where the screen has room.
    pub fn full_header(self) -> &'static str {
        match self {
            SummaryColumn::Charge => "Customer Charge",
            SummaryColumn::Billed => "Billed Duration",
            other => other.header(),
        }
    }

    /// The header in copies and exports, naming the unit of the plain numbers below it.
    pub fn header_with_unit(self, currency: Currency) -> String {
        match self {
            SummaryColumn::Date => "Date (UTC)".into(),
            SummaryColumn::Asr => "ASR (%)".into(),
            SummaryColumn::Acd => "ACD (s)".into(),
            SummaryColumn::Profit => format!("Profit ({})", currency.code()),
            SummaryColumn::ProfitPercent => "Profit (%)".into(),
            SummaryColumn::Charge => format!("Customer Charge ({})", currency.code()),
            SummaryColumn::Attempts => "Attempts".into(),
            SummaryColumn::Connected => "Connected".into(),
            SummaryColumn::Duration => "Duration (s)".into(),
            SummaryColumn::Billed => "Billed Duration (s)".into(),
        }
    }

    /// The group header above the column.
    pub fn group(self) -> &'static str {
        match self {
            SummaryColumn::Date => "",
            SummaryColumn::Asr | SummaryColumn::Acd => "Quality",
            SummaryColumn::Profit | SummaryColumn::ProfitPercent | SummaryColumn::Charge => "Money",
            SummaryColumn::Attempts
            | SummaryColumn::Connected
            | SummaryColumn::Duration
            | SummaryColumn::Billed => "Traffic",
        }
    }

    /// The cell as a number in the unit of `header_with_unit`; None for dates and for
    /// ratios of nothing (ASR with no attempts).
    pub fn value(self, row: &SummaryRow) -> Option<f64> {
        let t = &row.traffic;
        let money = |micros: i64| micros as f64 / MICROS as f64;
        match self {
            SummaryColumn::Date => None,
            SummaryColumn::Asr => t.asr(),
            SummaryColumn::Acd => t.acd(),
            SummaryColumn::Profit => Some(money(t.profit())),
            SummaryColumn::ProfitPercent => t.profit_percent(),
            SummaryColumn::Charge => Some(money(t.charge)),
            SummaryColumn::Attempts => Some(t.attempts as f64),
            SummaryColumn::Connected => Some(t.connected as f64),
            SummaryColumn::Duration => Some(t.duration_s as f64),
            SummaryColumn::Billed => Some(t.billed_s as f64),
        }
    }

    /// Each of `columns`' `value`s over `rows` added up, and how many there are, and the
    /// rows' traffic added up, in one pass over the rows split between two threads (a
    /// selection of a million cells takes a millisecond or two): counts, durations and
    /// money exactly, as integers converted once; ratios compensated.
    pub fn sums(columns: &[SummaryColumn], rows: &[SummaryRow]) -> (Vec<(f64, usize)>, Traffic) {
        let ratios = columns.iter().any(|c| c.is_ratio());
        let add_up = |rows: &[SummaryRow]| {
            let mut totals = Totals::default();
            for row in rows {
                totals.add(&row.traffic, ratios);
            }
            totals
        };
        // Below this many rows a second thread costs more than it saves.
        const APART: usize = 20_000;
        let totals = if rows.len() < APART {
            add_up(rows)
        } else {
            let (first, second) = rows.split_at(rows.len() / 2);
            std::thread::scope(|scope| {
                let other = scope.spawn(|| add_up(second));
                let mut totals = add_up(first);
                totals.merge(
                    &other
                        .join()
                        .unwrap_or_else(|p| std::panic::resume_unwind(p)),
                );
                totals
            })
        };
        let n = rows.len();
        let exact = |sum: i128| (sum as f64, n);
        let money = |sum: i128| (sum as f64 / MICROS as f64, n);
        let sums = columns
            .iter()
            .map(|column| match column {
                SummaryColumn::Date => (0.0, 0),
                SummaryColumn::Asr => totals.asr.result(),
                SummaryColumn::Acd => totals.acd.result(),
                SummaryColumn::ProfitPercent => totals.profit_percent.result(),
                SummaryColumn::Profit => money(totals.profit),
                SummaryColumn::Charge => money(totals.charge),
                SummaryColumn::Attempts => exact(totals.attempts),
                SummaryColumn::Connected => exact(totals.connected),
                SummaryColumn::Duration => exact(totals.duration),
                SummaryColumn::Billed => exact(totals.billed),
            })
            .collect();
        (sums, totals.traffic())
    }

    fn is_ratio(self) -> bool {
        matches!(
            self,
            SummaryColumn::Asr | SummaryColumn::Acd | SummaryColumn::ProfitPercent
        )
    }

    /// The cell for a spreadsheet: a plain number (decimal point, no symbol, no separators),
    /// money exact to the millionth, or the period's label.
    pub fn plain(self, row: &SummaryRow, period: Period, currency: Currency) -> String {
        let t = &row.traffic;
        let ratio = |v: Option<f64>, decimals: usize| {
            v.map_or(String::new(), |v| format!("{v:.decimals$}"))
        };
        match self {
            SummaryColumn::Date => period.label(row.start),
            SummaryColumn::Asr => ratio(t.asr(), 2),
            SummaryColumn::Acd => ratio(t.acd(), 2),
            SummaryColumn::Profit => currency.exact(t.profit()),
            SummaryColumn::ProfitPercent => ratio(t.profit_percent(), 2),
            SummaryColumn::Charge => currency.exact(t.charge),
            SummaryColumn::Attempts => t.attempts.to_string(),
            SummaryColumn::Connected => t.connected.to_string(),
            SummaryColumn::Duration => t.duration_s.to_string(),
            SummaryColumn::Billed => t.billed_s.to_string(),
        }
    }

    /// The cell on screen: money grouped and rounded to `decimals` places (the currency's
    /// own when None), durations as h:mm:ss, ACD as m:ss.
    pub fn display(
        self,
        row: &SummaryRow,
        period: Period,
        currency: Currency,
        decimals: Option<u8>,
    ) -> String {
        let t = &row.traffic;
        let percent = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.1}%"));
        match self {
            SummaryColumn::Date => period.label(row.start),
            SummaryColumn::Asr => percent(t.asr()),
            SummaryColumn::Acd => t.acd().map_or("-".into(), mss),
            SummaryColumn::Profit => currency.show(t.profit(), decimals),
            SummaryColumn::ProfitPercent => percent(t.profit_percent()),
            SummaryColumn::Charge => currency.show(t.charge, decimals),
            SummaryColumn::Attempts => t.attempts.to_string(),
            SummaryColumn::Connected => t.connected.to_string(),
            SummaryColumn::Duration => hms(t.duration_s),
            SummaryColumn::Billed => hms(t.billed_s),
        }
    }
}

/// The running sums of `SummaryColumn::sums`.
#[derive(Default)]
struct Totals {
    attempts: i128,
    connected: i128,
    duration: i128,
    billed: i128,
    charge: i128,
    cost: i128,
    profit: i128,
    asr: Ratios,
    acd: Ratios,
    profit_percent: Ratios,
}

impl Totals {
    #[inline]
    fn add(&mut self, t: &Traffic, ratios: bool) {
        self.attempts += i128::from(t.attempts);
        self.connected += i128::from(t.connected);
        self.duration += i128::from(t.duration_s);
        self.billed += i128::from(t.billed_s);
        self.charge += i128::from(t.charge);
        self.cost += i128::from(t.cost);
        self.profit += i128::from(t.profit());
        if ratios {
            self.asr.add(t.asr());
            self.acd.add(t.acd());
            self.profit_percent.add(t.profit_percent());
        }
    }

    fn merge(&mut self, other: &Totals) {
        self.attempts += other.attempts;
        self.connected += other.connected;
        self.duration += other.duration;
        self.billed += other.billed;
        self.charge += other.charge;
        self.cost += other.cost;
        self.profit += other.profit;
        self.asr.merge(&other.asr);
        self.acd.merge(&other.acd);
        self.profit_percent.merge(&other.profit_percent);
    }

    /// The traffic added up, each figure held at the most an i64 holds (as
    /// `Traffic::add` does).
    fn traffic(&self) -> Traffic {
        let held =
            |sum: i128| i64::try_from(sum).unwrap_or(if sum < 0 { i64::MIN } else { i64::MAX });
        Traffic {
            attempts: held(self.attempts),
            connected: held(self.connected),
            duration_s: held(self.duration),
            billed_s: held(self.billed),
            charge: held(self.charge),
            cost: held(self.cost),
        }
    }
}

/// A ratio column's sum and how many rows have a value.
#[derive(Default)]
struct Ratios {
    sum: Sum,
    n: usize,
}

impl Ratios {
    #[inline]
    fn add(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.sum.add(v);
            self.n += 1;
        }
    }

    fn merge(&mut self, other: &Ratios) {
        self.sum.add(other.sum.value());
        self.n += other.n;
    }

    fn result(&self) -> (f64, usize) {
        (self.sum.value(), self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Traffic;

    /// Rows of every kind: no attempts, no connections, no charge, losses, big amounts.
    fn varied_rows(n: usize) -> Vec<SummaryRow> {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below) as i64
        };
        (0..n)
            .map(|i| {
                let attempts = next(500);
                let connected = next(attempts as u64 + 1);
                SummaryRow {
                    start: 1_793_491_200 + i as i64 * 3600,
                    traffic: Traffic {
                        attempts,
                        connected,
                        duration_s: connected * next(600),
                        billed_s: connected * next(660),
                        charge: next(50_000_000_000),
                        cost: next(50_000_000_000),
                    },
                }
            })
            .collect()
    }

    #[test]
    fn the_one_pass_sums_are_the_cell_by_cell_sums_on_one_thread_or_two() {
        for n in [0, 7, 1_000, 45_001] {
            let rows = varied_rows(n);
            let (sums, traffic) = SummaryColumn::sums(&SummaryColumn::ALL, &rows);
            let cells = crate::domain::selection::sum_cells(
                0..SummaryColumn::ALL.len(),
                0..rows.len(),
                |r, c| SummaryColumn::ALL[c].value(&rows[r]),
            );
            for ((column, (sum, count)), (cell_sum, cell_count)) in
                SummaryColumn::ALL.iter().zip(&sums).zip(&cells)
            {
                assert_eq!(count, cell_count, "{column:?} of {n} rows");
                let close = (sum - cell_sum).abs() <= 1e-9 * cell_sum.abs().max(1.0);
                assert!(close, "{column:?} of {n} rows: {sum} against {cell_sum}");
            }
            let mut added = Traffic::default();
            for row in &rows {
                added.add(&row.traffic);
            }
            assert_eq!(traffic, added, "the traffic of {n} rows");
        }
    }

    #[test]
    fn cells_are_plain_for_spreadsheets_and_friendly_on_screen() {
        let eur = Currency::parse("EUR").unwrap();
        let row = SummaryRow {
            start: 1_793_491_200, // 2026-11-01
            traffic: Traffic {
                attempts: 1200,
                connected: 600,
                duration_s: 72_000,
                billed_s: 74_000,
                charge: 1_234_564_200,
                cost: 1_000_000_000,
            },
        };
        let d = Period::Daily;
        // Copies carry the exact amount; the screen rounds it to cents, or to four places
        // when the operator asks.
        assert_eq!(SummaryColumn::Charge.plain(&row, d, eur), "1234.5642");
        assert_eq!(
            SummaryColumn::Charge.display(&row, d, eur, None),
            "1,234.56"
        );
        assert_eq!(
            SummaryColumn::Charge.display(&row, d, eur, Some(4)),
            "1,234.5642"
        );
        assert_eq!(SummaryColumn::Asr.plain(&row, d, eur), "50.00");
        assert_eq!(
            SummaryColumn::Duration.display(&row, d, eur, None),
            "20:00:00"
        );
        assert_eq!(SummaryColumn::Duration.plain(&row, d, eur), "72000");
        assert_eq!(SummaryColumn::Date.plain(&row, d, eur), "2026-11-01");
        assert_eq!(SummaryColumn::Profit.value(&row), Some(234.5642));
        assert_eq!(SummaryColumn::Date.value(&row), None);
        assert_eq!(SummaryColumn::Profit.header_with_unit(eur), "Profit (EUR)");
    }
}
