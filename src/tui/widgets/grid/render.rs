//! Drawing the grid: the visible window of cells, group headers, the footer.

use super::*;
use ratatui::buffer::Buffer;
use ratatui::layout::{HorizontalAlignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::StatefulWidget;

/// The styles a grid draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridStyles {
    pub group: Style,
    pub header: Style,
    pub cell: Style,
    pub selected: Style,
    pub cursor: Style,
    pub footer: Style,
}

impl GridStyles {
    pub fn colored() -> GridStyles {
        GridStyles {
            group: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            header: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            cell: Style::new(),
            selected: Style::new().fg(Color::Black).bg(Color::LightBlue),
            cursor: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            footer: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        }
    }

    /// Modifiers only, for NO_COLOR.
    pub fn monochrome() -> GridStyles {
        GridStyles {
            group: Style::new().add_modifier(Modifier::BOLD),
            header: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            cell: Style::new(),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            cursor: Style::new()
                .add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED),
            footer: Style::new().add_modifier(Modifier::BOLD),
        }
    }
}

impl Default for GridStyles {
    fn default() -> GridStyles {
        GridStyles::colored()
    }
}

/// The widget: render it with [`GridState`] via `frame.render_stateful_widget`.
pub struct Grid<'a, S: ?Sized> {
    source: &'a S,
    styles: GridStyles,
}

impl<'a, S: GridSource + ?Sized> Grid<'a, S> {
    pub fn new(source: &'a S) -> Grid<'a, S> {
        Grid {
            source,
            styles: GridStyles::default(),
        }
    }

    pub fn styles(mut self, styles: GridStyles) -> Grid<'a, S> {
        self.styles = styles;
        self
    }
}

/// Writes `text` into a cell `width` wide, aligned, cut with "…" when too long.
fn put(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    text: &str,
    align: HorizontalAlignment,
    style: Style,
) {
    if width == 0 {
        return;
    }
    buf.set_style(Rect::new(x, y, width, 1), style);
    let w = Span::raw(text).width();
    let width = usize::from(width);
    if w > width {
        buf.set_stringn(x, y, text, width - 1, style);
        buf.set_stringn(x + width as u16 - 1, y, "…", 1, style);
    } else {
        let pad = width - w;
        let dx = match align {
            HorizontalAlignment::Left => 0,
            HorizontalAlignment::Center => pad / 2,
            HorizontalAlignment::Right => pad,
        };
        buf.set_stringn(x + dx as u16, y, text, w, style);
    }
}

impl<S: GridSource + ?Sized> Grid<'_, S> {
    /// Picks the columns that fit in `width`, scrolling so the cursor's column shows.
    fn columns(&self, state: &mut GridState, left: u16, width: u16) -> Vec<Shown> {
        let src = self.source;
        let cols = state.cols;
        let frozen = src.frozen_columns().min(cols);
        let span = |range: std::ops::Range<usize>| -> u32 {
            range.map(|c| u32::from(src.width(c)) + 1).sum()
        };
        let avail = u32::from(width).saturating_sub(span(0..frozen));
        let cur = state.cursor.col;
        let mut off = state.col_offset.max(frozen);
        if cur >= frozen {
            off = off.min(cur);
            while off < cur && span(off..cur + 1) > avail + 1 {
                off += 1;
            }
        }
        // Scrolled further than needed (a wider terminal, fewer columns): pull back.
        while off > frozen && span(off - 1..cols) <= avail + 1 {
            off -= 1;
        }
        state.col_offset = off;

        let mut shown = Vec::new();
        let mut x = u32::from(left);
        let right = u32::from(left) + u32::from(width);
        for col in (0..frozen).chain(off..cols) {
            if x >= right {
                break;
            }
            let w = u32::from(src.width(col)).min(right - x);
            shown.push(Shown {
                col,
                x: x as u16,
                width: w as u16,
            });
            x += w + 1;
        }
        // Every column in view with room to spare: widen those whose full header is longer,
        // left to right, while the room lasts.
        if shown.len() == cols {
            let mut spare = right.saturating_sub(x.saturating_sub(1));
            let mut shift = 0;
            for s in &mut shown {
                s.x += shift;
                let need = (Span::raw(src.full_header(s.col)).width() as u32)
                    .saturating_sub(u32::from(s.width));
                if need > 0 && need <= spare {
                    s.width += need as u16;
                    shift += need as u16;
                    spare -= need;
                }
            }
        }
        shown
    }
}

impl<S: GridSource + ?Sized> StatefulWidget for Grid<'_, S> {
    type State = GridState;

    fn render(self, area: Rect, buf: &mut Buffer, state: &mut GridState) {
        let area = area.intersection(buf.area);
        let src = self.source;
        let st = self.styles;
        state.sync(src.row_count(), src.column_count());
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                buf[(x, y)].reset();
            }
        }
        buf.set_style(area, st.cell);
        if area.is_empty() || state.cols == 0 {
            return;
        }

        // Lines are given up from the least needed when the area is short: footer first,
        // then the group line; the header line stays.
        let has_groups = area.height >= 2 && (0..state.cols).any(|c| src.group(c).is_some());
        let head = 1 + u16::from(has_groups);
        let footer = state
            .selection
            .filter(|s| s.cols().len() > 1 && area.height >= head + 3);
        let foot = if footer.is_some() { 2 } else { 0 };
        let body = area.height.saturating_sub(head + foot);
        state.page = usize::from(body);

        // Keep the cursor's row in view, and no blank rows below the last one.
        let body_rows = usize::from(body).max(1);
        let cur = state.cursor.row;
        if cur < state.row_offset {
            state.row_offset = cur;
        } else if cur >= state.row_offset + body_rows {
            state.row_offset = cur + 1 - body_rows;
        }
        state.row_offset = state.row_offset.min(state.rows.saturating_sub(body_rows));

        let shown = self.columns(state, area.x, area.width);
        state.layout = Layout {
            body: Rect::new(area.x, area.y + head, area.width, body),
            columns: shown.clone(),
        };
        let mut y = area.y;

        if has_groups {
            // One label over each run of neighbouring shown columns of the same group.
            let mut i = 0;
            while i < shown.len() {
                let group = src.group(shown[i].col);
                let mut j = i + 1;
                while j < shown.len()
                    && shown[j].col == shown[j - 1].col + 1
                    && src.group(shown[j].col) == group
                {
                    j += 1;
                }
                if let Some(name) = group {
                    let x = shown[i].x;
                    let w = shown[j - 1].x + shown[j - 1].width - x;
                    put(buf, x, y, w, name, HorizontalAlignment::Center, st.group);
                }
                i = j;
            }
            y += 1;
        }

        let in_sel = |cell: Cell| state.selection.is_some_and(|s| s.contains(cell));
        for s in &shown {
            let full = src.full_header(s.col);
            let header = if Span::raw(full.as_ref()).width() <= usize::from(s.width) {
                full
            } else {
                src.header(s.col)
            };
            put(
                buf,
                s.x,
                y,
                s.width,
                &header,
                src.alignment(s.col),
                st.header,
            );
        }
        // Hidden columns on either side are marked on the header line.
        let frozen = src.frozen_columns().min(state.cols);
        if state.col_offset > frozen
            && let Some(first) = shown.iter().find(|s| s.col >= frozen)
            && first.x > area.x
        {
            buf.set_stringn(first.x - 1, y, "◂", 1, st.header);
        }
        if shown
            .last()
            .is_some_and(|s| s.col + 1 < state.cols || s.width < src.width(s.col))
        {
            buf.set_stringn(area.right() - 1, y, "▸", 1, st.header);
        }
        y += 1;

        if state.rows == 0 && y < area.bottom() {
            put(
                buf,
                area.x,
                y,
                area.width.min(12),
                "(no rows)",
                HorizontalAlignment::Left,
                st.cell.add_modifier(Modifier::DIM),
            );
        }
        let end = (state.row_offset + usize::from(body)).min(state.rows);
        for row in state.row_offset..end {
            for (i, s) in shown.iter().enumerate() {
                let cell = Cell::new(row, s.col);
                let style = if cell == state.cursor {
                    st.cursor
                } else if in_sel(cell) {
                    st.selected
                } else {
                    st.cell
                };
                put(
                    buf,
                    s.x,
                    y,
                    s.width,
                    &src.text(row, s.col),
                    src.alignment(s.col),
                    style,
                );
                // Fill the gap between two selected cells so the block reads as one.
                if let Some(next) = shown.get(i + 1)
                    && in_sel(cell)
                    && in_sel(Cell::new(row, next.col))
                    && next.x > s.x + s.width
                {
                    buf.set_style(Rect::new(s.x + s.width, y, 1, 1), st.selected);
                }
            }
            y += 1;
        }

        if footer.is_some() {
            let Some(fig) = state.figures(src) else {
                return;
            };
            let y_sum = area.bottom() - 2;
            for (line, label) in ["sum", "avg"].into_iter().enumerate() {
                let y = y_sum + line as u16;
                buf.set_style(Rect::new(area.x, y, area.width, 1), st.footer);
                let texts: Vec<String> = shown
                    .iter()
                    .map(|s| {
                        let col = fig.aggregate.columns.iter().find(|c| c.col == s.col);
                        let v = col.and_then(|c| {
                            if line == 0 {
                                (c.numbers > 0).then_some(c.sum)
                            } else {
                                c.mean()
                            }
                        });
                        v.map(|v| src.format_figure(s.col, v)).unwrap_or_default()
                    })
                    .collect();
                for (i, (s, text)) in shown.iter().zip(&texts).enumerate() {
                    // A sum can be wider than the column's cells ("1372.4%"): it may take
                    // the gap on its left when nothing stands there, rather than lose its
                    // end; beside a neighbour's figure the two would read as one number.
                    let wide = Span::raw(text.as_str()).width() > usize::from(s.width);
                    let free_left = i > 0 && texts[i - 1].is_empty();
                    let (x, width) = if wide && free_left && s.x > area.x {
                        (s.x - 1, s.width + 1)
                    } else {
                        (s.x, s.width)
                    };
                    put(
                        buf,
                        x,
                        y,
                        width,
                        text,
                        HorizontalAlignment::Right,
                        st.footer,
                    );
                }
                // The label goes in the first column when its figure leaves room.
                if let (Some(first), Some(text)) = (shown.first(), texts.first())
                    && Span::raw(text.as_str()).width() + label.len() < usize::from(first.width)
                {
                    buf.set_stringn(first.x, y, label, label.len(), st.footer);
                }
            }
        }
    }
}
