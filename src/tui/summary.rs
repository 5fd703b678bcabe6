//! The Summary tab's state: which view, its rows, the grid's cursor and selection, and the
//! rows ticked in the Action column; and what its keys do.

use super::app::Effect;
use super::keymap::Action;
use super::widgets::grid::{CopyHeaders, GridState, Move, to_tsv, write_csv};
use super::widgets::summary_grid::SummaryGrid;
use crate::domain::selection::{Cell, Selection};
use crate::domain::summary::Period;
use crate::domain::summary_table::SummaryColumn;
use crate::domain::{Currency, SummaryRow, count};
use std::collections::HashSet;

pub struct SummaryView {
    pub period: Period,
    /// None until the view's rows arrive.
    pub rows: Option<Vec<SummaryRow>>,
    pub grid: GridState,
    /// Ticked rows of every view (by view and period start), for invoicing: switching views
    /// keeps them, and the app keeps them per customer when the card closes.
    pub ticked: HashSet<(Period, i64)>,
}

impl SummaryView {
    pub fn new(period: Period, ticked: HashSet<(Period, i64)>) -> SummaryView {
        SummaryView {
            period,
            rows: None,
            grid: GridState::default(),
            ticked,
        }
    }

    /// Whether the row starting at `start` is ticked in this view.
    pub fn is_ticked(&self, start: i64) -> bool {
        self.ticked.contains(&(self.period, start))
    }

    /// Takes freshly loaded rows, keeping the cursor and selection on the same periods
    /// (rows are newest first, so a new hour or day shifts every index by one).
    pub fn set_rows(&mut self, rows: Vec<SummaryRow>) {
        let old = self.rows.take().unwrap_or_default();
        let start_of = |row: usize| old.get(row).map(|r| r.start);
        let row_of =
            |start: Option<i64>| start.and_then(|s| rows.iter().position(|r| r.start == s));
        let cursor = self.grid.cursor();
        let selection = self.grid.selection();
        self.grid.reload(rows.len(), SummaryColumn::ALL.len());
        if let Some(row) = row_of(start_of(cursor.row)) {
            self.grid.set_cursor(Cell::new(row, cursor.col));
        }
        let moved = selection.and_then(|s| {
            let anchor = row_of(start_of(s.anchor().row))?;
            let corner = row_of(start_of(s.cursor().row))?;
            Some(Selection::new(
                Cell::new(anchor, s.anchor().col),
                Cell::new(corner, s.cursor().col),
            ))
        });
        self.grid.set_selection(moved);
        self.rows = Some(rows);
    }

    /// Switches to another view; its rows must be loaded.
    pub fn switch(&mut self, period: Period) {
        if period != self.period {
            *self = SummaryView::new(period, std::mem::take(&mut self.ticked));
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
        if let Some(key) = self.current().map(|r| (self.period, r.start))
            && !self.ticked.remove(&key)
        {
            self.ticked.insert(key);
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
        let selection = self
            .grid
            .selection()
            .or_else(|| Selection::all(rows, SummaryColumn::ALL.len()))?;
        let mut out = Vec::new();
        write_csv(&source, &selection, &mut out).ok()?;
        String::from_utf8(out).ok()
    }
}

impl SummaryView {
    /// The Summary tab's keys, for customer `customer` billed in `currency`. `None` leaves
    /// the action to the card (tabs, edit, back).
    pub fn act(
        &mut self,
        customer: i64,
        currency: Currency,
        action: Action,
    ) -> Option<Vec<Effect>> {
        let grid = &mut self.grid;
        let step = |m: Move, extend: bool, grid: &mut GridState| {
            if extend {
                grid.extend(m)
            } else {
                grid.move_cursor(m)
            }
        };
        match action {
            Action::Up => step(Move::Up, false, grid),
            Action::Down => step(Move::Down, false, grid),
            Action::Left => step(Move::Left, false, grid),
            Action::Right => step(Move::Right, false, grid),
            Action::PageUp => step(Move::PageUp, false, grid),
            Action::PageDown => step(Move::PageDown, false, grid),
            Action::Top => step(Move::Top, false, grid),
            Action::Bottom => step(Move::Bottom, false, grid),
            Action::ExtendUp => step(Move::Up, true, grid),
            Action::ExtendDown => step(Move::Down, true, grid),
            Action::ExtendLeft => step(Move::Left, true, grid),
            Action::ExtendRight => step(Move::Right, true, grid),
            Action::Visual => grid.toggle_visual(),
            Action::SelectRow => grid.select_row(),
            Action::SelectColumn => grid.select_column(),
            Action::SelectAll => grid.select_all(),
            Action::Back if grid.selection().is_some() => grid.clear_selection(),
            Action::TickRow => self.toggle_tick(),
            Action::PrevView | Action::NextView => {
                let i = Period::ALL
                    .iter()
                    .position(|p| *p == self.period)
                    .unwrap_or(0);
                let n = Period::ALL.len();
                let next = if action == Action::NextView {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.switch(Period::ALL[next]);
                return Some(vec![Effect::LoadSummary {
                    customer,
                    period: self.period,
                }]);
            }
            Action::Copy | Action::CopyHeaders | Action::CopyGroups => {
                let headers = match action {
                    Action::Copy => CopyHeaders::None,
                    Action::CopyHeaders => CopyHeaders::Columns,
                    _ => CopyHeaders::Groups,
                };
                return Some(
                    self.copy(currency, headers)
                        .map(|(text, cells)| Effect::Copy {
                            text,
                            what: count(cells, "cell"),
                        })
                        .into_iter()
                        .collect(),
                );
            }
            Action::CdrReport => {
                let Some(row) = self.current() else {
                    return Some(vec![]);
                };
                let label = self.period.label(row.start);
                return Some(vec![Effect::CdrReport {
                    customer,
                    from: row.start,
                    to: self.period.next_start(row.start),
                    // "2026-11-30 12:00" (an hour) would put a space and a colon in the name.
                    name: format!(
                        "cdrs-{}-{}.csv",
                        customer,
                        label.replace(' ', "T").replace(':', "")
                    ),
                }]);
            }
            Action::Export => {
                let name = format!(
                    "summary-{}-{}-{}.csv",
                    customer,
                    self.period.view_name().to_lowercase().replace(' ', ""),
                    chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
                );
                return Some(
                    self.export_csv(currency)
                        .map(|contents| Effect::Export { name, contents })
                        .into_iter()
                        .collect(),
                );
            }
            _ => return None,
        }
        Some(vec![])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Traffic;
    use crate::tui::widgets::grid::Move;

    fn day(start: i64) -> SummaryRow {
        SummaryRow {
            start,
            traffic: Traffic::default(),
        }
    }

    #[test]
    fn a_reload_keeps_cursor_and_selection_on_the_same_periods() {
        let mut v = SummaryView::new(Period::Daily, HashSet::new());
        v.set_rows(vec![day(300), day(200), day(100)]);
        v.grid.move_cursor(Move::Down); // the 200 row
        v.grid.extend(Move::Down); // 200 and 100 selected
        // A new day arrives at the top: every index moves down one.
        v.set_rows(vec![day(400), day(300), day(200), day(100)]);
        assert_eq!(v.current().map(|r| r.start), Some(100));
        let sel = v.grid.selection().unwrap();
        assert_eq!(sel.rows(), 2..4);
    }
}
