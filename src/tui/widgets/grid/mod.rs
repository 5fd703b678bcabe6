//! A virtual grid: a cell cursor, a rectangular selection with its figures, group
//! headers, a footer with per-column sums, horizontal scrolling, and TSV/CSV copies.
//!
//! The data stays with its owner behind [`GridSource`]; a frame reads only the cells it
//! shows, so it costs the same for a hundred rows or a million.

use std::borrow::Cow;

use ratatui::layout::{HorizontalAlignment, Rect};

use crate::domain::selection::{self, Aggregate, Cell, Metric, Selection};
use crate::domain::summary::Traffic;

mod copy;
mod render;

pub use copy::{CopyHeaders, to_tsv, write_csv};
pub use render::{Grid, GridStyles};

/// The table a [`Grid`] shows. Rows and columns are numbered from 0.
pub trait GridSource {
    fn row_count(&self) -> usize;
    fn column_count(&self) -> usize;
    /// The header as the screen shows it.
    fn header(&self, col: usize) -> Cow<'_, str>;
    /// The header in full, shown instead of `header` where the columns leave room for it
    /// ("Billed Duration" for "Billed").
    fn full_header(&self, col: usize) -> Cow<'_, str> {
        self.header(col)
    }
    /// The header in copies and exports, naming the unit of the plain numbers below it
    /// ("Profit (EUR)", "Duration (s)").
    fn copy_header(&self, col: usize) -> Cow<'_, str> {
        self.header(col)
    }
    /// The group a column belongs to ("Quality"); neighbouring columns of one group share
    /// a label on the line above the headers.
    fn group(&self, _col: usize) -> Option<&str> {
        None
    }
    /// Width in terminal cells.
    fn width(&self, col: usize) -> u16;
    fn alignment(&self, _col: usize) -> HorizontalAlignment {
        HorizontalAlignment::Left
    }
    /// How many leading columns stay in view when scrolling right (a Date column).
    fn frozen_columns(&self) -> usize {
        0
    }
    /// A cell as the screen shows it.
    fn text(&self, row: usize, col: usize) -> Cow<'_, str>;
    /// A cell's number, for sums and means; `None` for cells that are not numbers.
    fn value(&self, row: usize, col: usize) -> Option<f64>;
    /// What the figures of `selection` add up: each selected column's numbers (their sum
    /// and how many there are), cell by cell from `value` unless the source has a faster
    /// way (exact integer sums in one pass); and the selected rows' traffic, from which the
    /// weighted metrics are recomputed, for a source whose columns have a `metric`.
    fn sums(&self, selection: &Selection) -> (Vec<(f64, usize)>, Traffic) {
        let cells =
            selection::sum_cells(selection.cols(), selection.rows(), |r, c| self.value(r, c));
        (cells, Traffic::default())
    }
    /// A cell in copies and exports: numbers plain (decimal point, no currency symbol, no
    /// thousands separator) so a spreadsheet reads them as numbers.
    fn copy_text(&self, row: usize, col: usize) -> Cow<'_, str> {
        self.text(row, col)
    }
    /// The unit of a column's numbers ("%", "s", a currency); columns of different units are
    /// not added together.
    fn unit(&self, _col: usize) -> &str {
        ""
    }
    /// How a sum or mean of column `col` reads in the footer and the status line.
    fn format_figure(&self, _col: usize, value: f64) -> String {
        plain_number(value)
    }
    /// The metric a column shows, when its weighted value differs from its mean.
    fn metric(&self, _col: usize) -> Option<Metric> {
        None
    }
}

/// A number with at most two decimals and no trailing zeros: "1234.5", "-3", "0.07".
fn plain_number(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// One step of the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// First column.
    RowStart,
    /// Last column.
    RowEnd,
}

/// What the status line and the footer show for a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub aggregate: Aggregate,
    /// Each selected metric column with its weighted value over the selected rows
    /// (`None` when the divisor is zero).
    pub weighted: Vec<(usize, Metric, Option<f64>)>,
}

impl Figures {
    /// Computes the figures of `selection` from `source`.
    pub fn compute<S: GridSource + ?Sized>(source: &S, selection: &Selection) -> Figures {
        let metric_cols: Vec<(usize, Metric)> = selection
            .cols()
            .filter_map(|c| source.metric(c).map(|m| (c, m)))
            .collect();
        let (sums, total) = source.sums(selection);
        Figures {
            aggregate: selection::aggregate(selection, sums),
            weighted: metric_cols
                .into_iter()
                .map(|(c, m)| (c, m, m.weighted(&total)))
                .collect(),
        }
    }
}

/// The grid's cursor, selection and scroll position. The owner keeps it across frames
/// and calls [`GridState::reload`] when the data behind the grid changes.
#[derive(Debug, Clone, Default)]
pub struct GridState {
    rows: usize,
    cols: usize,
    cursor: Cell,
    selection: Option<Selection>,
    visual: bool,
    row_offset: usize,
    col_offset: usize,
    /// Body rows shown by the last frame: the size of a page.
    page: usize,
    /// Figures of the last selection asked about, so a huge selection is summed once,
    /// not on every frame.
    figures: Option<(Selection, Figures)>,
    /// Where the last frame put rows and columns, to map a mouse click to a cell.
    layout: Layout,
}

#[derive(Debug, Clone, Default)]
struct Layout {
    body: Rect,
    columns: Vec<Shown>,
}

impl GridState {
    pub fn new(rows: usize, cols: usize) -> GridState {
        GridState {
            rows,
            cols,
            ..GridState::default()
        }
    }

    /// Tells the state the data changed (a refresh, a new period): keeps the cursor and
    /// selection where they still fit and forgets cached figures.
    pub fn reload(&mut self, rows: usize, cols: usize) {
        self.rows = rows;
        self.cols = cols;
        self.cursor = Cell::new(
            self.cursor.row.min(rows.saturating_sub(1)),
            self.cursor.col.min(cols.saturating_sub(1)),
        );
        self.selection = self.selection.and_then(|s| s.clamp(rows, cols));
        if self.selection.is_none() {
            self.visual = false;
        }
        self.figures = None;
    }

    pub fn cursor(&self) -> Cell {
        self.cursor
    }

    /// The selection made with Shift+arrows, `v` or the select commands, if any.
    pub fn selection(&self) -> Option<Selection> {
        self.selection
    }

    /// What a copy or the figures act on: the selection, or else the cell under the
    /// cursor; `None` when the grid is empty.
    pub fn selected(&self) -> Option<Selection> {
        if self.rows == 0 || self.cols == 0 {
            return None;
        }
        Some(self.selection.unwrap_or(Selection::cell(self.cursor)))
    }

    /// Puts the cursor on `cell` (a mouse click, or the same row found again after a
    /// reload), inside the table. Outside visual mode the selection is dropped.
    pub fn set_cursor(&mut self, cell: Cell) {
        self.cursor = Cell::new(
            cell.row.min(self.rows.saturating_sub(1)),
            cell.col.min(self.cols.saturating_sub(1)),
        );
        if self.visual {
            if let Some(sel) = self.selection.as_mut() {
                sel.extend_to(self.cursor);
            }
        } else {
            self.selection = None;
        }
    }

    /// Shift+click or a mouse drag: selects from the anchor (or the cursor) to `cell`.
    pub fn extend_to(&mut self, cell: Cell) {
        if self.rows == 0 || self.cols == 0 {
            return;
        }
        let cell = Cell::new(cell.row.min(self.rows - 1), cell.col.min(self.cols - 1));
        let mut sel = self.selection.unwrap_or(Selection::cell(self.cursor));
        sel.extend_to(cell);
        self.selection = Some(sel);
        self.cursor = cell;
    }

    /// The cell drawn at terminal position (`x`, `y`) by the last frame, for mouse clicks.
    pub fn cell_at(&self, x: u16, y: u16) -> Option<Cell> {
        let body = self.layout.body;
        if !body.contains(ratatui::layout::Position::new(x, y)) {
            return None;
        }
        let row = self.row_offset + usize::from(y - body.y);
        let col = self
            .layout
            .columns
            .iter()
            .find(|s| (s.x..s.x + s.width).contains(&x))?
            .col;
        (row < self.rows).then_some(Cell::new(row, col))
    }

    /// Restores a selection (after a reload that moved rows), cut to the table.
    pub fn set_selection(&mut self, selection: Option<Selection>) {
        self.selection = selection.and_then(|s| s.clamp(self.rows, self.cols));
    }

    /// Whether `v` is on: moves then extend the selection.
    pub fn is_visual(&self) -> bool {
        self.visual
    }

    /// Body rows drawn by the last frame.
    pub fn page(&self) -> usize {
        self.page
    }

    /// The first row shown.
    pub fn row_offset(&self) -> usize {
        self.row_offset
    }

    fn step(&self, m: Move, c: Cell) -> Cell {
        let last_row = self.rows.saturating_sub(1);
        let last_col = self.cols.saturating_sub(1);
        let page = self.page.max(1);
        match m {
            Move::Up => Cell::new(c.row.saturating_sub(1), c.col),
            Move::Down => Cell::new((c.row + 1).min(last_row), c.col),
            Move::Left => Cell::new(c.row, c.col.saturating_sub(1)),
            Move::Right => Cell::new(c.row, (c.col + 1).min(last_col)),
            Move::PageUp => Cell::new(c.row.saturating_sub(page), c.col),
            Move::PageDown => Cell::new((c.row + page).min(last_row), c.col),
            Move::Top => Cell::new(0, c.col),
            Move::Bottom => Cell::new(last_row, c.col),
            Move::RowStart => Cell::new(c.row, 0),
            Move::RowEnd => Cell::new(c.row, last_col),
        }
    }

    /// Moves the cursor. Outside visual mode this drops the selection, as in a
    /// spreadsheet; in visual mode it extends it.
    pub fn move_cursor(&mut self, m: Move) {
        if self.visual {
            self.extend(m);
        } else {
            self.cursor = self.step(m, self.cursor);
            self.selection = None;
        }
    }

    /// Shift+move: grows or shrinks the selection. Its moving corner takes the same step
    /// as the cursor, so after selecting a whole column Shift+Right adds the next whole
    /// column.
    pub fn extend(&mut self, m: Move) {
        if self.rows == 0 || self.cols == 0 {
            return;
        }
        let mut sel = self.selection.unwrap_or(Selection::cell(self.cursor));
        sel.extend_to(self.step(m, sel.cursor()));
        self.cursor = self.step(m, self.cursor);
        self.selection = Some(sel);
    }

    /// `v`: starts visual mode at the cursor (or goes on from the current selection), or
    /// leaves it keeping the selection for a copy.
    pub fn toggle_visual(&mut self) {
        if self.visual {
            self.visual = false;
        } else if self.rows > 0 && self.cols > 0 {
            self.visual = true;
            self.selection.get_or_insert(Selection::cell(self.cursor));
        }
    }

    /// Selects the cursor's whole column.
    pub fn select_column(&mut self) {
        if self.rows > 0 && self.cols > 0 {
            self.selection = Some(Selection::column(self.cursor.col, self.rows));
        }
    }

    /// Selects the cursor's whole row.
    pub fn select_row(&mut self) {
        if self.rows > 0 && self.cols > 0 {
            self.selection = Some(Selection::row(self.cursor.row, self.cols));
        }
    }

    /// Selects the whole rows of `rows` (a week's days, say), the cursor on the first.
    pub fn select_rows(&mut self, rows: std::ops::Range<usize>) {
        if rows.is_empty() || self.cols == 0 {
            return;
        }
        self.set_cursor(Cell::new(rows.start, 0));
        self.selection = Selection::new(
            Cell::new(rows.start, 0),
            Cell::new(rows.end - 1, self.cols - 1),
        )
        .clamp(self.rows, self.cols);
    }

    /// Selects every cell.
    pub fn select_all(&mut self) {
        self.selection = Selection::all(self.rows, self.cols);
    }

    /// Drops the selection and leaves visual mode (Esc).
    pub fn clear_selection(&mut self) {
        self.selection = None;
        self.visual = false;
    }

    /// The figures of [`GridState::selected`], computed once per selection.
    pub fn figures<S: GridSource + ?Sized>(&mut self, source: &S) -> Option<&Figures> {
        let sel = self.selected()?;
        if self.figures.as_ref().is_none_or(|(s, _)| *s != sel) {
            self.figures = Some((sel, Figures::compute(source, &sel)));
        }
        self.figures.as_ref().map(|(_, f)| f)
    }

    /// Keeps the state in step with a source whose size changed without a `reload`.
    fn sync(&mut self, rows: usize, cols: usize) {
        if (rows, cols) != (self.rows, self.cols) {
            self.reload(rows, cols);
        }
    }
}

/// A column on screen: its index, left edge and (possibly clipped) width.
#[derive(Debug, Clone, Copy, Default)]
struct Shown {
    col: usize,
    x: u16,
    width: u16,
}

/// The status line for the selection, e.g.
/// "12 cells · sum 1234.5 · avg 102.88 · weighted ASR 45.2%". "avg" is the plain mean of
/// the cells (an average of averages); the weighted figures are labelled as such.
pub fn status_line<S: GridSource + ?Sized>(source: &S, state: &mut GridState) -> String {
    let Some(f) = state.figures(source) else {
        return String::new();
    };
    let a = &f.aggregate;
    // Figures read in the selected columns' own terms (money, h:mm:ss). Columns of
    // different units (percent, seconds, money) make no sum together: each has its own
    // in the footer.
    let numeric: Vec<usize> = a
        .columns
        .iter()
        .filter(|c| c.numbers > 0)
        .map(|c| c.col)
        .collect();
    let one_unit = numeric
        .first()
        .filter(|&&first| {
            numeric
                .iter()
                .all(|&c| source.unit(c) == source.unit(first))
        })
        .copied();
    let fmt = |v: f64| match one_unit {
        Some(c) => source.format_figure(c, v),
        None => plain_number(v),
    };
    let mut parts = vec![if a.cells == 1 {
        "1 cell".to_string()
    } else {
        format!("{} cells", a.cells)
    }];
    if a.numbers != a.cells && a.numbers > 0 {
        parts.push(format!("{} numbers", a.numbers));
    }
    match a.mean() {
        Some(mean) if one_unit.is_some() => {
            parts.push(format!("sum {}", fmt(a.sum)));
            parts.push(format!("avg {}", fmt(mean)));
        }
        Some(_) => parts.push("sum and avg of each column below".into()),
        None => {}
    }
    for &(col, metric, value) in &f.weighted {
        let v = value.map_or_else(|| "n/a".to_string(), |v| source.format_figure(col, v));
        parts.push(format!("weighted {} {v}", metric.name()));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;
    use crate::domain::summary::{Period, SummaryRow};
    use crate::tui::widgets::summary_grid::SummaryGrid;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use ratatui::style::{Color, Style};

    fn day(date: &str) -> i64 {
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
    }

    /// A busy day at 50% ASR, a small day at 100%, and a day without traffic; money given
    /// in cents here, held in millionths.
    fn rows() -> Vec<SummaryRow> {
        let t = |attempts, connected, duration_s, billed_s, cents: i64, cost: i64| Traffic {
            attempts,
            connected,
            duration_s,
            billed_s,
            charge: cents * 10_000,
            cost: cost * 10_000,
        };
        vec![
            SummaryRow {
                start: day("2026-11-03"),
                traffic: t(1000, 500, 50_000, 51_000, 12_345_678, 12_222_222),
            },
            SummaryRow {
                start: day("2026-11-02"),
                traffic: t(10, 10, 100, 120, 1000, 0),
            },
            SummaryRow {
                start: day("2026-11-01"),
                traffic: t(0, 0, 0, 0, 0, 0),
            },
        ]
    }

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn draw(src: &SummaryGrid<'_>, state: &mut GridState, w: u16, h: u16) -> Buffer {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| f.render_stateful_widget(Grid::new(src), f.area(), state))
            .unwrap();
        term.backend().buffer().clone()
    }

    fn text(buf: &Buffer) -> Vec<String> {
        let w = usize::from(buf.area.width);
        buf.content
            .chunks(w)
            .map(|line| line.iter().map(|c| c.symbol()).collect())
            .collect()
    }

    /// A drawn cell's colours and modifiers, with the buffer's "reset" colours as none.
    fn styled(buf: &Buffer, x: u16, y: u16) -> Style {
        let cell = &buf[(x, y)];
        let mut style = Style::new().add_modifier(cell.modifier);
        if cell.fg != Color::Reset {
            style = style.fg(cell.fg);
        }
        if cell.bg != Color::Reset {
            style = style.bg(cell.bg);
        }
        style
    }

    #[test]
    fn moves_stay_inside_the_table_and_drop_the_selection() {
        let mut s = GridState::new(5, 3);
        s.move_cursor(Move::Up);
        s.move_cursor(Move::Left);
        assert_eq!(s.cursor(), Cell::new(0, 0));
        s.move_cursor(Move::Bottom);
        s.move_cursor(Move::RowEnd);
        assert_eq!(s.cursor(), Cell::new(4, 2));
        s.move_cursor(Move::Down);
        s.move_cursor(Move::Right);
        assert_eq!(s.cursor(), Cell::new(4, 2));
        s.extend(Move::Up);
        assert!(s.selection().is_some());
        s.move_cursor(Move::Top);
        assert_eq!((s.cursor(), s.selection()), (Cell::new(0, 2), None));
        assert_eq!(s.selected(), Some(Selection::cell(Cell::new(0, 2))));
        s.move_cursor(Move::RowStart);
        assert_eq!(s.cursor(), Cell::new(0, 0));
    }

    #[test]
    fn pages_are_as_tall_as_the_last_frame() {
        let rows: Vec<SummaryRow> = (0..100)
            .map(|i| SummaryRow {
                start: i * 86_400,
                traffic: Traffic::default(),
            })
            .collect();
        let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
        let mut s = GridState::new(100, 10);
        // 10 lines: group line, header line, 8 rows.
        draw(&src, &mut s, 80, 10);
        s.move_cursor(Move::PageDown);
        assert_eq!(s.cursor().row, 8);
        s.move_cursor(Move::PageDown);
        draw(&src, &mut s, 80, 10);
        assert_eq!((s.cursor().row, s.row_offset()), (16, 9));
        s.move_cursor(Move::PageUp);
        assert_eq!(s.cursor().row, 8);
    }

    #[test]
    fn shift_moves_grow_a_rectangle_from_the_cursor() {
        let mut s = GridState::new(10, 5);
        s.move_cursor(Move::Down);
        s.extend(Move::Down);
        s.extend(Move::Down);
        s.extend(Move::Right);
        let sel = s.selection().unwrap();
        assert_eq!((sel.rows(), sel.cols()), (1..4, 0..2));
        assert_eq!(s.cursor(), Cell::new(3, 1));
        s.extend(Move::Up);
        assert_eq!(s.selection().unwrap().rows(), 1..3);
        s.clear_selection();
        assert_eq!(s.selection(), None);
    }

    #[test]
    fn visual_mode_makes_plain_moves_extend() {
        let mut s = GridState::new(10, 5);
        s.toggle_visual();
        assert!(s.is_visual());
        s.move_cursor(Move::Right);
        s.move_cursor(Move::Right);
        s.move_cursor(Move::Down);
        let sel = s.selection().unwrap();
        assert_eq!((sel.rows(), sel.cols()), (0..2, 0..3));
        // Leaving visual mode keeps the block for a copy; the next plain move drops it.
        s.toggle_visual();
        assert!(!s.is_visual());
        assert_eq!(s.selection(), Some(sel));
        s.move_cursor(Move::Down);
        assert_eq!(s.selection(), None);
    }

    #[test]
    fn the_cursor_and_selection_can_be_put_back_after_a_reload() {
        let mut s = GridState::new(10, 5);
        s.set_selection(Some(Selection::new(Cell::new(2, 1), Cell::new(20, 3))));
        assert_eq!(s.selection().unwrap().rows(), 2..10);
        s.set_cursor(Cell::new(7, 9));
        assert_eq!((s.cursor(), s.selection()), (Cell::new(7, 4), None));
        // In visual mode a click moves the selection's corner instead.
        s.toggle_visual();
        s.set_cursor(Cell::new(9, 2));
        let sel = s.selection().unwrap();
        assert_eq!((sel.rows(), sel.cols()), (7..10, 2..5));
    }

    #[test]
    fn clicks_find_the_cell_drawn_under_them() {
        let rows = rows();
        let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
        let mut s = GridState::new(3, 10);
        assert_eq!(s.cell_at(0, 2), None, "nothing drawn yet");
        draw(&src, &mut s, 80, 8);
        // Line 2 is the first row; x 11..17 is ASR, x 17 the gap before ACD.
        assert_eq!(s.cell_at(12, 2), Some(Cell::new(0, 1)));
        assert_eq!(s.cell_at(20, 4), Some(Cell::new(2, 2)));
        assert_eq!(s.cell_at(17, 2), None);
        assert_eq!(s.cell_at(12, 1), None, "header line");
        assert_eq!(s.cell_at(12, 5), None, "below the last row");
        s.set_cursor(s.cell_at(12, 2).unwrap());
        s.extend_to(s.cell_at(20, 3).unwrap());
        let sel = s.selection().unwrap();
        assert_eq!(
            (sel.rows(), sel.cols(), s.cursor()),
            (0..2, 1..3, Cell::new(1, 2))
        );
    }

    #[test]
    fn whole_columns_rows_and_everything() {
        let mut s = GridState::new(10, 5);
        s.move_cursor(Move::Down);
        s.move_cursor(Move::Right);
        s.select_column();
        let c = s.selection().unwrap();
        assert_eq!((c.rows(), c.cols()), (0..10, 1..2));
        // Shift+Right after a whole column takes the next whole column too.
        s.extend(Move::Right);
        let c = s.selection().unwrap();
        assert_eq!((c.rows(), c.cols()), (0..10, 1..3));
        assert_eq!(s.cursor(), Cell::new(1, 2));
        s.select_row();
        let r = s.selection().unwrap();
        assert_eq!((r.rows(), r.cols()), (1..2, 0..5));
        s.select_all();
        assert_eq!(s.selection().unwrap().cell_count(), 50);
    }

    #[test]
    fn a_reload_keeps_what_still_fits() {
        let mut s = GridState::new(10, 5);
        s.move_cursor(Move::Bottom);
        s.select_all();
        s.reload(4, 5);
        assert_eq!(s.cursor(), Cell::new(3, 0));
        assert_eq!(s.selection().unwrap().rows(), 0..4);
        s.reload(0, 5);
        assert_eq!((s.selection(), s.selected()), (None, None));
        s.select_all();
        s.toggle_visual();
        assert_eq!((s.selection(), s.is_visual()), (None, false));
    }

    #[test]
    fn draws_group_headers_headers_and_rows() {
        let rows = rows();
        let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
        let mut s = GridState::new(3, 10);
        let buf = draw(&src, &mut s, 80, 6);
        assert_eq!(
            text(&buf),
            [
                "              Quality                  Money                      Traffic       ",
                "Date (UTC)    ASR    ACD       Profit Profit %       Charge  Attempts Connected▸",
                "2026-11-03  50.0%   1:40     1,234.56     1.0%   123,456.78      1000       500 ",
                "2026-11-02 100.0%   0:10        10.00   100.0%        10.00        10        10 ",
                "2026-11-01      -      -         0.00        -         0.00         0         0 ",
                "                                                                                ",
            ]
        );
    }

    #[test]
    fn short_areas_drop_the_footer_then_the_group_line() {
        let rows = rows();
        let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
        let mut s = GridState::new(3, 10);
        s.select_all();
        for h in 0..6 {
            let lines = text(&draw(&src, &mut s, 30, h));
            if h == 1 {
                assert!(lines[0].starts_with("Date (UTC)"));
            }
            if h == 5 {
                assert!(lines[0].contains("Quality") && lines[2].starts_with("2026-11-03"));
                assert!(lines[3].starts_with("sum") && lines[4].starts_with("avg"));
            }
        }
    }

    #[test]
    fn an_empty_view_says_so() {
        let src = SummaryGrid::new(&[], Period::Monthly, eur(), None);
        let mut s = GridState::new(0, 10);
        s.move_cursor(Move::Down);
        s.extend(Move::Right);
        s.select_column();
        assert_eq!(s.selected(), None);
        let lines = text(&draw(&src, &mut s, 30, 4));
        assert_eq!(lines[1], "Date (UTC)    ASR    ACD Prof▸");
        assert_eq!(lines[2], "(no rows)                     ");
        assert_eq!(status_line(&src, &mut s), "");
    }

    #[test]
    fn scrolling_right_keeps_the_date_column() {
        let rows = rows();
        let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
        let mut s = GridState::new(3, 10);
        s.move_cursor(Move::RowEnd);
        let buf = draw(&src, &mut s, 80, 4);
        assert_eq!(
            text(&buf)[..3],
            [
                "                   Money                          Traffic                       ",
                "Date (UTC)◂Profit %       Charge  Attempts Connected   Duration     Billed      ",
                "2026-11-03     1.0%   123,456.78      1000       500   13:53:20   14:10:00      ",
            ]
        );
        assert_eq!(styled(&buf, 69, 2), GridStyles::default().cursor);
    }

    #[test]
    fn selected_cells_and_the_cursor_are_highlighted() {
        let rows = rows();
        let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
        let st = GridStyles::default();
        let mut s = GridState::new(3, 10);
        // Select ASR and ACD of the first two days with keys: l, then Shift+→, Shift+↓.
        s.move_cursor(Move::Right);
        s.extend(Move::Right);
        s.extend(Move::Down);
        let buf = draw(&src, &mut s, 80, 8);
        // ASR of the first day (x 11..17): selected; the gap to ACD too.
        for x in 11..18 {
            assert_eq!(styled(&buf, x, 2), st.selected, "x={x}");
        }
        // ACD of the second day is under the cursor.
        assert_eq!(styled(&buf, 20, 3), st.cursor);
        // Outside the block: the date, the third day, the Profit column.
        assert_eq!(styled(&buf, 0, 2), st.cell);
        assert_eq!(styled(&buf, 12, 4), st.cell);
        assert_eq!(styled(&buf, 30, 2), st.cell);
        // Two columns selected: a footer with each one's sum and average.
        let lines = text(&buf);
        assert_eq!(
            lines[6],
            "sum        150.0%   1:50                                                        "
        );
        assert_eq!(
            lines[7],
            "avg         75.0%   0:55                                                        "
        );
        assert_eq!(styled(&buf, 0, 6), st.footer);
        assert_eq!(
            status_line(&src, &mut s),
            "4 cells · sum and avg of each column below · weighted ASR 50.5% · weighted ACD 1:38"
        );
    }

    #[test]
    fn no_color_styles_use_modifiers_only() {
        let m = GridStyles::monochrome();
        for style in [m.group, m.header, m.cell, m.selected, m.cursor, m.footer] {
            assert_eq!((style.fg, style.bg), (None, None));
        }
        assert_ne!(m.selected, m.cursor);
        let rows = rows();
        let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
        let mut s = GridState::new(3, 10);
        s.extend(Move::Down);
        let mut term = Terminal::new(TestBackend::new(40, 5)).unwrap();
        term.draw(|f| f.render_stateful_widget(Grid::new(&src).styles(m), f.area(), &mut s))
            .unwrap();
        let buf = term.backend().buffer();
        assert_eq!(styled(buf, 0, 2), m.selected);
        assert_eq!(styled(buf, 0, 3), m.cursor);
    }

    #[test]
    fn the_status_line_labels_weighted_figures_apart_from_the_mean() {
        let rows = rows();
        let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
        let mut s = GridState::new(3, 10);
        s.move_cursor(Move::Right);
        s.select_column();
        assert_eq!(
            status_line(&src, &mut s),
            "3 cells · 2 numbers · sum 150.0% · avg 75.0% · weighted ASR 50.5%"
        );
        s.move_cursor(Move::RowStart);
        assert_eq!(status_line(&src, &mut s), "1 cell");
        for _ in 0..3 {
            s.move_cursor(Move::Right);
        }
        s.extend(Move::Down);
        assert_eq!(
            status_line(&src, &mut s),
            "2 cells · sum 1,244.56 · avg 622.28"
        );
        s.move_cursor(Move::Right);
        s.select_column();
        assert_eq!(
            status_line(&src, &mut s),
            "3 cells · 2 numbers · sum 101.0% · avg 50.5% · weighted Profit % 1.0%"
        );
        // Duration and Billed Duration are both seconds: added together, read as h:mm:ss.
        s.move_cursor(Move::Top);
        s.move_cursor(Move::RowStart);
        for _ in 0..8 {
            s.move_cursor(Move::Right);
        }
        s.extend(Move::Right);
        s.extend(Move::Down);
        assert_eq!(
            status_line(&src, &mut s),
            "4 cells · sum 28:07:00 · avg 7:01:45"
        );
        // No connected calls selected: the weighted ACD has nothing to divide by.
        s.move_cursor(Move::Bottom);
        s.move_cursor(Move::RowStart);
        s.move_cursor(Move::Right);
        s.extend(Move::Right);
        assert_eq!(
            status_line(&src, &mut s),
            "2 cells · weighted ASR n/a · weighted ACD n/a"
        );
    }

    /// A million rows that count how many cells a frame reads.
    struct Huge {
        reads: std::cell::Cell<usize>,
    }

    impl GridSource for Huge {
        fn row_count(&self) -> usize {
            1_000_000
        }
        fn column_count(&self) -> usize {
            3
        }
        fn header(&self, col: usize) -> Cow<'_, str> {
            format!("c{col}").into()
        }
        fn width(&self, _col: usize) -> u16 {
            8
        }
        fn text(&self, row: usize, col: usize) -> Cow<'_, str> {
            self.reads.set(self.reads.get() + 1);
            format!("{row}:{col}").into()
        }
        fn value(&self, row: usize, _col: usize) -> Option<f64> {
            Some(row as f64)
        }
    }

    #[test]
    fn a_frame_reads_only_the_rows_it_shows() {
        let src = Huge { reads: 0.into() };
        let mut s = GridState::new(1_000_000, 3);
        s.move_cursor(Move::Bottom);
        let mut term = Terminal::new(TestBackend::new(30, 6)).unwrap();
        term.draw(|f| f.render_stateful_widget(Grid::new(&src), f.area(), &mut s))
            .unwrap();
        // A header line and five rows of three columns.
        assert_eq!(src.reads.get(), 15);
        let lines = text(term.backend().buffer());
        assert_eq!(lines[0], "c0       c1       c2          ");
        assert_eq!(lines[5], "999999:0 999999:1 999999:2    ");
        assert_eq!(s.row_offset(), 999_995);
    }

    #[test]
    fn figures_are_summed_once_per_selection() {
        let src = Huge { reads: 0.into() };
        let mut s = GridState::new(1_000_000, 3);
        s.select_column();
        let first = s.figures(&src).unwrap().clone();
        assert_eq!(first.aggregate.numbers, 1_000_000);
        assert_eq!(first.aggregate.sum, 499_999_500_000.0);
        assert!(std::ptr::eq(
            s.figures(&src).unwrap(),
            s.figures(&src).unwrap()
        ));
        s.extend(Move::Right);
        assert_eq!(s.figures(&src).unwrap().aggregate.numbers, 2_000_000);
    }

    #[test]
    fn copies_are_tsv_with_plain_numbers_and_unit_headers() {
        let rows = rows();
        let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
        let mut s = GridState::new(3, 10);
        // Profit, Profit % and Charge of the first two days.
        for _ in 0..3 {
            s.move_cursor(Move::Right);
        }
        s.toggle_visual();
        for m in [Move::Right, Move::Right, Move::Down] {
            s.move_cursor(m);
        }
        let sel = s.selected().unwrap();
        assert_eq!(
            to_tsv(&src, &sel, CopyHeaders::None),
            "1234.56\t1.00\t123456.78\n10.00\t100.00\t10.00"
        );
        assert_eq!(
            to_tsv(&src, &sel, CopyHeaders::Columns),
            "Profit (EUR)\tProfit (%)\tCustomer Charge (EUR)\n1234.56\t1.00\t123456.78\n10.00\t100.00\t10.00"
        );
        // ACD to Attempts crosses from Quality into Money and Traffic.
        let across = Selection::new(Cell::new(2, 2), Cell::new(2, 6));
        assert_eq!(
            to_tsv(&src, &across, CopyHeaders::Groups),
            "Quality\tMoney\t\t\tTraffic\n\
             ACD (s)\tProfit (EUR)\tProfit (%)\tCustomer Charge (EUR)\tAttempts\n\
             \t0.00\t\t0.00\t0"
        );
        // Nothing selected: the cell under the cursor (Charge of the second day).
        s.clear_selection();
        assert_eq!(
            to_tsv(&src, &s.selected().unwrap(), CopyHeaders::None),
            "10.00"
        );
    }

    #[test]
    fn tabs_and_line_breaks_inside_cells_do_not_split_a_copy() {
        struct Notes;
        impl GridSource for Notes {
            fn row_count(&self) -> usize {
                1
            }
            fn column_count(&self) -> usize {
                2
            }
            fn header(&self, _: usize) -> Cow<'_, str> {
                "a\tb".into()
            }
            fn width(&self, _: usize) -> u16 {
                5
            }
            fn text(&self, _: usize, col: usize) -> Cow<'_, str> {
                if col == 0 { "x\r\ny" } else { "\"q\", r" }.into()
            }
            fn value(&self, _: usize, _: usize) -> Option<f64> {
                None
            }
        }
        let all = Selection::all(1, 2).unwrap();
        assert_eq!(
            to_tsv(&Notes, &all, CopyHeaders::Columns),
            "a b\ta b\nx  y\t\"q\", r"
        );
        let mut out = Vec::new();
        write_csv(&Notes, &all, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\tb,a\tb\n\"x\r\ny\",\"\"\"q\"\", r\"\n"
        );
    }

    #[test]
    fn exports_the_view_or_the_selection_as_csv() {
        let rows = rows();
        let src = SummaryGrid::new(&rows, Period::Daily, eur(), None);
        let mut out = Vec::new();
        write_csv(&src, &Selection::all(3, 10).unwrap(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Date (UTC),ASR (%),ACD (s),Profit (EUR),Profit (%),Customer Charge (EUR),Attempts,Connected,Duration (s),Billed Duration (s)\n\
             2026-11-03,50.00,100.00,1234.56,1.00,123456.78,1000,500,50000,51000\n\
             2026-11-02,100.00,10.00,10.00,100.00,10.00,10,10,100,120\n\
             2026-11-01,,,0.00,,0.00,0,0,0,0\n"
        );
        let mut out = Vec::new();
        write_csv(
            &src,
            &Selection::new(Cell::new(1, 0), Cell::new(1, 1)),
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Date (UTC),ASR (%)\n2026-11-02,100.00\n"
        );
    }

    #[test]
    fn plain_numbers_drop_trailing_zeros() {
        assert_eq!(plain_number(1234.5), "1234.5");
        assert_eq!(plain_number(-3.0), "-3");
        assert_eq!(plain_number(0.07), "0.07");
        assert_eq!(plain_number(-0.001), "0");
    }
}
