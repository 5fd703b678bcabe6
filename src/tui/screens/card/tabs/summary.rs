//! The Summary tab: which view, its rows, the grid's cursor and selection, and the rows
//! ticked in the Action column; what its keys do, and how it draws.

use super::CardTab;
use crate::domain::change::{Changes, Topic};
use crate::domain::selection::{Cell, Selection};
use crate::domain::summary::Period;
use crate::domain::summary_table::SummaryColumn;
use crate::domain::{Currency, SummaryRow, count};
use crate::service::CardData;
use crate::text::printable;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply};
use crate::tui::screen::{Cx, Flow, Ui};
use crate::tui::screens::card::view::label;
use crate::tui::widgets::grid::{
    CopyHeaders, Grid, GridState, GridStyles, Move, status_line, to_tsv, write_csv,
};
use crate::tui::widgets::summary_grid::SummaryGrid;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use std::collections::HashSet;

pub struct SummaryTab {
    pub period: Period,
    /// None until the view's rows arrive.
    pub rows: Option<Vec<SummaryRow>>,
    /// Why the view's rows could not be read, shown in their place rather than "Loading…".
    pub failed: Option<String>,
    pub grid: GridState,
    /// Ticked rows of every view (by view and period start), for invoicing: switching views
    /// keeps them, and the app keeps them per customer when the card closes.
    pub ticked: HashSet<(Period, i64)>,
}

impl SummaryTab {
    pub fn new(period: Period, ticked: HashSet<(Period, i64)>) -> SummaryTab {
        SummaryTab {
            period,
            rows: None,
            failed: None,
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
        self.failed = None;
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
            *self = SummaryTab::new(period, std::mem::take(&mut self.ticked));
        }
    }

    pub fn source(&self, currency: Currency) -> SummaryGrid<'_> {
        SummaryGrid::new(
            self.rows.as_deref().unwrap_or(&[]),
            self.period,
            currency,
            None,
        )
    }

    /// The row under the cursor.
    pub fn current(&self) -> Option<&SummaryRow> {
        self.rows.as_ref()?.get(self.grid.cursor().row)
    }

    /// Selects the rows of the last whole week or month (`unit`) in this view: the days of
    /// last week in the Daily view, its weeks in the Weekly one, and so on.
    fn select_last(&mut self, unit: Period, now: i64) {
        let (Some((start, end)), Some(rows)) = (unit.last_complete(now), &self.rows) else {
            return;
        };
        let inside: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.start >= start && r.start < end)
            .map(|(i, _)| i)
            .collect();
        if let (Some(first), Some(last)) = (inside.first(), inside.last()) {
            self.grid.select_rows(*first..*last + 1);
        }
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

impl SummaryTab {
    /// The grid's keys, for customer `customer` billed in `currency`. `None` leaves the
    /// action to the card (tabs, edit, back).
    fn act(
        &mut self,
        customer: i64,
        currency: Currency,
        action: Action,
        now: i64,
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
            Action::SelectLastWeek | Action::SelectLastMonth => {
                let unit = if action == Action::SelectLastWeek {
                    Period::Weekly
                } else {
                    Period::Monthly
                };
                self.select_last(unit, now);
            }
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
                    chrono::DateTime::from_timestamp(now, 0)
                        .unwrap_or_default()
                        .format("%Y%m%dT%H%M%SZ")
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

impl CardTab for SummaryTab {
    fn title(&self) -> &'static str {
        "Summary"
    }

    fn context(&self) -> Context {
        Context::Grid
    }

    fn load(&mut self, customer: i64, cx: &mut Cx) {
        cx.run(Effect::LoadSummary {
            customer,
            period: self.period,
        });
    }

    fn stale_after(&self, changes: &Changes, customer: i64) -> bool {
        changes.concerns(Topic::Summaries, customer)
    }

    fn on_action(&mut self, action: Action, data: &CardData, cx: &mut Cx) -> Flow {
        let takes_rows = matches!(
            action,
            Action::Copy
                | Action::CopyHeaders
                | Action::CopyGroups
                | Action::CdrReport
                | Action::Export
                | Action::TickRow
        );
        if takes_rows && self.rows.as_ref().is_some_and(Vec::is_empty) {
            cx.info("This view has no traffic: there is nothing to copy, tick or export.");
            return Flow::Done;
        }
        let customer = &data.customer;
        match self.act(customer.id, customer.currency, action, cx.now()) {
            Some(effects) => {
                cx.run_all(effects);
                Flow::Done
            }
            None => Flow::Pass,
        }
    }

    fn on_reply(&mut self, reply: Reply, customer: i64, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::SummaryLoaded {
                customer: id,
                period,
                rows,
            } if id == customer && period == self.period => match rows {
                Ok(rows) => self.set_rows(rows),
                Err(e) => {
                    self.failed = Some(e.clone());
                    cx.error(e);
                }
            },
            other => return Some(other),
        }
        None
    }

    /// Click moves the cursor, drag extends the selection, the wheel scrolls.
    fn on_mouse(&mut self, m: MouseEvent) {
        let grid = &mut self.grid;
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some(cell) = grid.cell_at(m.column, m.row) {
                    grid.set_cursor(cell);
                }
            }
            MouseEventKind::Drag(MouseButton::Left) => {
                if let Some(cell) = grid.cell_at(m.column, m.row) {
                    grid.extend_to(cell);
                }
            }
            MouseEventKind::ScrollDown => grid.move_cursor(Move::Down),
            MouseEventKind::ScrollUp => grid.move_cursor(Move::Up),
            _ => {}
        }
    }

    fn closing(&mut self, customer: i64, cx: &mut Cx) {
        cx.post(Reply::CardClosed {
            id: customer,
            ticked: std::mem::take(&mut self.ticked),
        });
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, data: &CardData, ui: &Ui) {
        draw_summary(frame, area, data.customer.currency, self, ui);
    }
}

fn draw_summary(frame: &mut Frame, area: Rect, currency: Currency, view: &mut SummaryTab, ui: &Ui) {
    let [views, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let mut spans: Vec<Span> = Period::ALL
        .iter()
        .flat_map(|p| {
            let style = if *p == view.period {
                Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
            } else {
                Style::new()
            };
            [
                Span::styled(format!(" {} ", p.view_name()), style),
                Span::raw(" "),
            ]
        })
        .collect();
    spans.push(label("  [ ] switch view · all UTC"));
    frame.render_widget(Paragraph::new(Line::from(spans)), views);
    let Some(rows) = &view.rows else {
        let text = match &view.failed {
            Some(e) => Line::styled(
                format!("This view cannot be shown: {}", printable(e)),
                Style::new().fg(Color::Red),
            ),
            None => Line::from("Loading…"),
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), rest);
        return;
    };
    if rows.is_empty() {
        frame.render_widget(Paragraph::new("No traffic in this view."), rest);
        return;
    }
    let source = SummaryGrid::new(rows, view.period, currency, ui.money_decimals);
    // The selection's figures take a second line rather than lose their end on a narrow screen.
    let line = status_line(&source, &mut view.grid);
    let figure_rows = if line.chars().count() > usize::from(rest.width) {
        2
    } else {
        1
    };
    let [grid_area, figures] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(figure_rows)]).areas(rest);
    // The Action column: a tick box per row, drawn beside the grid's rows.
    let [ticks, cells] =
        Layout::horizontal([Constraint::Length(4), Constraint::Min(1)]).areas(grid_area);
    let styles = if ui.no_color {
        GridStyles::monochrome()
    } else {
        GridStyles::colored()
    };
    frame.render_stateful_widget(Grid::new(&source).styles(styles), cells, &mut view.grid);
    let head = 2u16.min(ticks.height);
    let mut lines = vec![Line::from(""), Line::from("Act")];
    lines.truncate(usize::from(head));
    for row in rows
        .iter()
        .skip(view.grid.row_offset())
        .take(view.grid.page())
    {
        lines.push(Line::from(if view.is_ticked(row.start) {
            "[x]"
        } else {
            "[ ]"
        }));
    }
    frame.render_widget(Paragraph::new(lines), ticks);
    frame.render_widget(
        Paragraph::new(line)
            .style(Style::new().fg(Color::Cyan))
            .wrap(Wrap { trim: true }),
        figures,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Traffic;

    fn day(start: i64) -> SummaryRow {
        SummaryRow {
            start,
            traffic: Traffic::default(),
        }
    }

    #[test]
    fn a_reload_keeps_cursor_and_selection_on_the_same_periods() {
        let mut v = SummaryTab::new(Period::Daily, HashSet::new());
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
