//! The Summary tab's state: which view, its rows, the grid's cursor and selection, and the
//! rows ticked in the Action column.

use super::widgets::grid::{CopyHeaders, GridState, to_tsv, write_csv};
use super::widgets::summary_grid::SummaryGrid;
use crate::domain::selection::Selection;
use crate::domain::summary::Period;
use crate::domain::{Currency, SummaryRow};
use std::collections::HashSet;

pub struct SummaryView {
    pub period: Period,
    /// None until the view's rows arrive.
    pub rows: Option<Vec<SummaryRow>>,
    pub grid: GridState,
    /// Ticked rows (by the period's start), for invoicing.
    pub ticked: HashSet<i64>,
}

impl SummaryView {
    pub fn new(period: Period) -> SummaryView {
        SummaryView {
            period,
            rows: None,
            grid: GridState::default(),
            ticked: HashSet::new(),
        }
    }

    /// Takes freshly loaded rows, keeping the cursor and selection where they were.
    pub fn set_rows(&mut self, rows: Vec<SummaryRow>) {
        self.grid.reload(
            rows.len(),
            crate::domain::summary_table::SummaryColumn::ALL.len(),
        );
        self.rows = Some(rows);
    }

    /// Switches to another view; its rows must be loaded.
    pub fn switch(&mut self, period: Period) {
        if period != self.period {
            *self = SummaryView::new(period);
        }
    }

    pub fn source(&self, currency: Currency) -> SummaryGrid<'_> {
        SummaryGrid::new(self.rows.as_deref().unwrap_or(&[]), self.period, currency)
    }

    /// The row under the cursor.
    pub fn current(&self) -> Option<&SummaryRow> {
        self.rows.as_ref()?.get(self.grid.cursor().row)
    }

    pub fn toggle_tick(&mut self) {
        if let Some(start) = self.current().map(|r| r.start)
            && !self.ticked.remove(&start)
        {
            self.ticked.insert(start);
        }
    }

    /// The selection (or the cursor cell) as TSV, and how many cells it holds.
    pub fn copy(&self, currency: Currency, headers: CopyHeaders) -> Option<(String, usize)> {
        let selection = self.grid.selected()?;
        let text = to_tsv(&self.source(currency), &selection, headers);
        Some((text, selection.cell_count()))
    }

    /// The selection when there is one, else the whole view, as CSV with a header line.
    pub fn export_csv(&self, currency: Currency) -> Option<String> {
        let source = self.source(currency);
        let rows = self.rows.as_ref()?.len();
        let selection = self.grid.selection().or_else(|| {
            Selection::all(rows, crate::domain::summary_table::SummaryColumn::ALL.len())
        })?;
        let mut out = Vec::new();
        write_csv(&source, &selection, &mut out).ok()?;
        String::from_utf8(out).ok()
    }
}
