//! The Summary tab's rows as a [`GridSource`]: columns Date, ASR, ACD, Profit, Profit %,
//! Customer Charge, Attempts, Connected, Duration, Billed Duration, under the groups
//! Quality, Money and Traffic.

use std::borrow::Cow;

use ratatui::layout::HorizontalAlignment;

use super::grid::GridSource;
use crate::domain::Currency;
use crate::domain::selection::Metric;
use crate::domain::summary::{Period, SummaryRow, Traffic, hms, mss};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
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

const COLUMNS: [Col; 10] = [
    Col::Date,
    Col::Asr,
    Col::Acd,
    Col::Profit,
    Col::ProfitPercent,
    Col::Charge,
    Col::Attempts,
    Col::Connected,
    Col::Duration,
    Col::Billed,
];

/// Summary rows of one customer in one view (24 hours, daily, weekly, monthly).
pub struct SummaryGrid<'a> {
    rows: &'a [SummaryRow],
    period: Period,
    currency: Currency,
}

impl<'a> SummaryGrid<'a> {
    pub fn new(rows: &'a [SummaryRow], period: Period, currency: Currency) -> SummaryGrid<'a> {
        SummaryGrid {
            rows,
            period,
            currency,
        }
    }

    fn col(col: usize) -> Col {
        COLUMNS.get(col).copied().unwrap_or(Col::Date)
    }

    fn money(&self, minor: i64) -> f64 {
        minor as f64 / 10f64.powi(i32::from(self.currency.digits()))
    }
}

fn one_decimal(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.1}"))
}

fn two_decimals(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v:.2}"))
}

impl GridSource for SummaryGrid<'_> {
    fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn column_count(&self) -> usize {
        COLUMNS.len()
    }

    fn header(&self, col: usize) -> Cow<'_, str> {
        match Self::col(col) {
            Col::Date => "Date (UTC)",
            Col::Asr => "ASR %",
            Col::Acd => "ACD",
            Col::Profit => "Profit",
            Col::ProfitPercent => "Profit %",
            Col::Charge => "Charge",
            Col::Attempts => "Attempts",
            Col::Connected => "Connected",
            Col::Duration => "Duration",
            Col::Billed => "Billed",
        }
        .into()
    }

    fn copy_header(&self, col: usize) -> Cow<'_, str> {
        let cur = self.currency.code();
        match Self::col(col) {
            Col::Date => "Date (UTC)".into(),
            Col::Asr => "ASR (%)".into(),
            Col::Acd => "ACD (s)".into(),
            Col::Profit => format!("Profit ({cur})").into(),
            Col::ProfitPercent => "Profit %".into(),
            Col::Charge => format!("Customer Charge ({cur})").into(),
            Col::Attempts => "Attempts".into(),
            Col::Connected => "Connected".into(),
            Col::Duration => "Duration (s)".into(),
            Col::Billed => "Billed Duration (s)".into(),
        }
    }

    fn group(&self, col: usize) -> Option<&str> {
        match Self::col(col) {
            Col::Date => None,
            Col::Asr | Col::Acd => Some("Quality"),
            Col::Profit | Col::ProfitPercent | Col::Charge => Some("Money"),
            Col::Attempts | Col::Connected | Col::Duration | Col::Billed => Some("Traffic"),
        }
    }

    fn width(&self, col: usize) -> u16 {
        match Self::col(col) {
            // "2026-11-02 05:00" for hours; the header is the widest otherwise.
            Col::Date if self.period == Period::Hourly => 16,
            Col::Date => 10,
            Col::Asr | Col::Acd => 6,
            Col::ProfitPercent => 8,
            Col::Profit | Col::Charge => 12,
            Col::Attempts | Col::Connected => 9,
            Col::Duration | Col::Billed => 10,
        }
    }

    fn alignment(&self, col: usize) -> HorizontalAlignment {
        match Self::col(col) {
            Col::Date => HorizontalAlignment::Left,
            _ => HorizontalAlignment::Right,
        }
    }

    fn frozen_columns(&self) -> usize {
        1
    }

    fn text(&self, row: usize, col: usize) -> Cow<'_, str> {
        let Some(r) = self.rows.get(row) else {
            return "".into();
        };
        let t = &r.traffic;
        match Self::col(col) {
            Col::Date => self.period.label(r.start),
            Col::Asr => one_decimal(t.asr()),
            Col::Acd => t.acd().map_or_else(|| "–".into(), mss),
            Col::Profit => self.currency.display(t.profit()),
            Col::ProfitPercent => one_decimal(t.profit_percent()),
            Col::Charge => self.currency.display(t.charge),
            Col::Attempts => t.attempts.to_string(),
            Col::Connected => t.connected.to_string(),
            Col::Duration => hms(t.duration_s),
            Col::Billed => hms(t.billed_s),
        }
        .into()
    }

    fn value(&self, row: usize, col: usize) -> Option<f64> {
        let t = &self.rows.get(row)?.traffic;
        match Self::col(col) {
            Col::Date => None,
            Col::Asr => t.asr(),
            Col::Acd => t.acd(),
            Col::Profit => Some(self.money(t.profit())),
            Col::ProfitPercent => t.profit_percent(),
            Col::Charge => Some(self.money(t.charge)),
            Col::Attempts => Some(t.attempts as f64),
            Col::Connected => Some(t.connected as f64),
            Col::Duration => Some(t.duration_s as f64),
            Col::Billed => Some(t.billed_s as f64),
        }
    }

    fn copy_text(&self, row: usize, col: usize) -> Cow<'_, str> {
        let Some(r) = self.rows.get(row) else {
            return "".into();
        };
        let t = &r.traffic;
        match Self::col(col) {
            Col::Date => self.period.label(r.start),
            Col::Asr => two_decimals(t.asr()),
            Col::Acd => two_decimals(t.acd()),
            Col::Profit => self.currency.plain(t.profit()),
            Col::ProfitPercent => two_decimals(t.profit_percent()),
            Col::Charge => self.currency.plain(t.charge),
            Col::Attempts => t.attempts.to_string(),
            Col::Connected => t.connected.to_string(),
            Col::Duration => t.duration_s.to_string(),
            Col::Billed => t.billed_s.to_string(),
        }
        .into()
    }

    fn format_figure(&self, col: usize, v: f64) -> String {
        match Self::col(col) {
            Col::Asr | Col::ProfitPercent => format!("{v:.1}%"),
            Col::Acd => mss(v),
            Col::Profit | Col::Charge => {
                let digits = i32::from(self.currency.digits());
                self.currency
                    .display((v * 10f64.powi(digits)).round() as i64)
            }
            Col::Duration | Col::Billed => hms(v.round() as i64),
            Col::Date | Col::Attempts | Col::Connected => {
                if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.2}")
                }
            }
        }
    }

    fn metric(&self, col: usize) -> Option<Metric> {
        match Self::col(col) {
            Col::Asr => Some(Metric::Asr),
            Col::Acd => Some(Metric::Acd),
            Col::ProfitPercent => Some(Metric::ProfitPercent),
            _ => None,
        }
    }

    fn traffic(&self, row: usize) -> Option<Traffic> {
        self.rows.get(row).map(|r| r.traffic)
    }
}
