//! The Summary tab's rows as a [`GridSource`]. The cells themselves come from
//! [`SummaryColumn`], which the command line's summary output uses too.

use std::borrow::Cow;

use ratatui::layout::HorizontalAlignment;

use super::grid::GridSource;
use crate::domain::Currency;
use crate::domain::money::MICROS;
use crate::domain::selection::{Metric, Selection};
use crate::domain::summary::{Period, SummaryRow, Traffic, hms, mss};
use crate::domain::summary_table::SummaryColumn;

/// Summary rows of one customer in one view (24 hours, daily, weekly, monthly).
pub struct SummaryGrid<'a> {
    rows: &'a [SummaryRow],
    period: Period,
    currency: Currency,
    /// Decimals of money on screen; None: the currency's. Copies are exact whatever it is.
    decimals: Option<u8>,
}

impl<'a> SummaryGrid<'a> {
    pub fn new(
        rows: &'a [SummaryRow],
        period: Period,
        currency: Currency,
        decimals: Option<u8>,
    ) -> SummaryGrid<'a> {
        SummaryGrid {
            rows,
            period,
            currency,
            decimals,
        }
    }

    fn col(col: usize) -> SummaryColumn {
        SummaryColumn::ALL
            .get(col)
            .copied()
            .unwrap_or(SummaryColumn::Date)
    }
}

impl GridSource for SummaryGrid<'_> {
    fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn column_count(&self) -> usize {
        SummaryColumn::ALL.len()
    }

    fn header(&self, col: usize) -> Cow<'_, str> {
        Self::col(col).header().into()
    }

    fn full_header(&self, col: usize) -> Cow<'_, str> {
        Self::col(col).full_header().into()
    }

    fn copy_header(&self, col: usize) -> Cow<'_, str> {
        Self::col(col).header_with_unit(self.currency).into()
    }

    fn group(&self, col: usize) -> Option<&str> {
        Some(Self::col(col).group()).filter(|g| !g.is_empty())
    }

    fn width(&self, col: usize) -> u16 {
        match Self::col(col) {
            // "2026-11-02 05:00" for hours.
            SummaryColumn::Date if self.period == Period::Hourly => 16,
            SummaryColumn::Date => 10,
            SummaryColumn::Asr | SummaryColumn::Acd => 6,
            SummaryColumn::ProfitPercent => 8,
            SummaryColumn::Profit | SummaryColumn::Charge => 12,
            SummaryColumn::Attempts | SummaryColumn::Connected => 9,
            SummaryColumn::Duration | SummaryColumn::Billed => 10,
        }
    }

    fn unit(&self, col: usize) -> &str {
        match Self::col(col) {
            SummaryColumn::Date => "",
            SummaryColumn::Asr | SummaryColumn::ProfitPercent => "%",
            SummaryColumn::Acd | SummaryColumn::Duration | SummaryColumn::Billed => "s",
            SummaryColumn::Profit | SummaryColumn::Charge => self.currency.code(),
            SummaryColumn::Attempts | SummaryColumn::Connected => "calls",
        }
    }

    fn alignment(&self, col: usize) -> HorizontalAlignment {
        match Self::col(col) {
            SummaryColumn::Date => HorizontalAlignment::Left,
            _ => HorizontalAlignment::Right,
        }
    }

    fn frozen_columns(&self) -> usize {
        1
    }

    fn text(&self, row: usize, col: usize) -> Cow<'_, str> {
        self.rows.get(row).map_or("".into(), |r| {
            Self::col(col)
                .display(r, self.period, self.currency, self.decimals)
                .into()
        })
    }

    fn value(&self, row: usize, col: usize) -> Option<f64> {
        Self::col(col).value(self.rows.get(row)?)
    }

    fn sums(&self, selection: &Selection) -> (Vec<(f64, usize)>, Traffic) {
        let rows = selection.rows();
        let end = rows.end.min(self.rows.len());
        let columns: Vec<SummaryColumn> = selection.cols().map(Self::col).collect();
        SummaryColumn::sums(&columns, &self.rows[rows.start.min(end)..end])
    }

    fn copy_text(&self, row: usize, col: usize) -> Cow<'_, str> {
        self.rows.get(row).map_or("".into(), |r| {
            Self::col(col).plain(r, self.period, self.currency).into()
        })
    }

    fn format_figure(&self, col: usize, v: f64) -> String {
        match Self::col(col) {
            SummaryColumn::Asr | SummaryColumn::ProfitPercent => format!("{v:.1}%"),
            SummaryColumn::Acd => mss(v),
            SummaryColumn::Profit | SummaryColumn::Charge => self
                .currency
                .show((v * MICROS as f64).round() as i64, self.decimals),
            SummaryColumn::Duration | SummaryColumn::Billed => hms(v.round() as i64),
            SummaryColumn::Date | SummaryColumn::Attempts | SummaryColumn::Connected => {
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
            SummaryColumn::Asr => Some(Metric::Asr),
            SummaryColumn::Acd => Some(Metric::Acd),
            SummaryColumn::ProfitPercent => Some(Metric::ProfitPercent),
            _ => None,
        }
    }
}
