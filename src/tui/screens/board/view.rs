//! The customers board: a virtual table, rows built only for the visible window.

use super::{BoardScreen, Typing};
use crate::domain::Status;
use crate::domain::board_columns::ColumnId;
use crate::text::printable;
use crate::tui::chrome::{cursor_style, wrapped_rows};
use crate::tui::screen::Ui;
use crate::tui::widgets::list_cursor::scroll;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

const NAME_MIN: u16 = 18;

fn status_color(s: Status) -> Color {
    match s {
        Status::Active => Color::Green,
        Status::Inactive => Color::DarkGray,
        Status::Pending => Color::Yellow,
        Status::Penalty => Color::Red,
    }
}

/// The chosen columns that fit beside the mark and a name column of at least NAME_MIN.
fn columns_that_fit(columns: &[ColumnId], width: u16) -> &[ColumnId] {
    let mut used = NAME_MIN + 2;
    let n = columns
        .iter()
        .take_while(|c| {
            used += c.width() + 1;
            used <= width
        })
        .count();
    &columns[..n]
}

/// Draws the board; records the page height, the scroll offset, where the rows start
/// (for clicks) and how many columns fit (for sorting).
pub fn draw(frame: &mut Frame, area: Rect, screen: &mut BoardScreen, ui: &Ui) {
    let columns = &screen.columns;
    let board = &mut screen.board;
    let show_search = screen.typing == Typing::Search || !board.search.is_empty();
    let show_filter = screen.typing == Typing::Filter || !board.filter_text.is_empty();
    // Under the filter line, every word it does not understand, wrapped, in at most a
    // third of the screen so that rows still show.
    let error_rows = board.filter_error.as_ref().map_or(0, |e| {
        let rows = wrapped_rows(&[Line::from(e.as_str())], usize::from(area.width.max(1)));
        (rows as u16).min(area.height / 3).max(1)
    });
    let [title, search, filter_line, table] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(show_search)),
        Constraint::Length(u16::from(show_filter) * (1 + error_rows)),
        Constraint::Min(1),
    ])
    .areas(area);

    let (key, desc) = board.sort_key();
    let filter = board.status_filter.map_or("All", |s| s.label());
    let title_text = if board.loaded {
        format!(
            " Customers  {} of {}{}{} · status: {filter} · sort: {} {}",
            board.shown(),
            board.total(),
            if board.complete {
                ""
            } else {
                " (loading the rest…)"
            },
            match board.marks.len() {
                0 => String::new(),
                n => format!(" · {n} marked"),
            },
            key.label(),
            if desc { "▼" } else { "▲" }
        )
    } else {
        " Customers  loading…".to_string()
    };
    frame.render_widget(
        Paragraph::new(title_text).style(Style::new().add_modifier(Modifier::BOLD)),
        title,
    );
    if show_search {
        let cyan = Style::new().fg(Color::Cyan);
        let [label, field] =
            Layout::horizontal([Constraint::Length(1), Constraint::Min(1)]).areas(search);
        frame.render_widget(Paragraph::new("/").style(cyan), label);
        let typing = screen.typing == Typing::Search;
        screen.search.draw(frame, field, cyan, typing);
    }

    if show_filter {
        let magenta = Style::new().fg(Color::Magenta);
        let [line, error] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(filter_line);
        let [label, field] =
            Layout::horizontal([Constraint::Length(8), Constraint::Min(1)]).areas(line);
        frame.render_widget(Paragraph::new("filter: ").style(magenta), label);
        let typing = screen.typing == Typing::Filter;
        screen.filter.draw(frame, field, magenta, typing);
        if let Some(e) = &board.filter_error {
            frame.render_widget(
                Paragraph::new(e.clone())
                    .wrap(Wrap { trim: true })
                    .style(Style::new().fg(Color::Red)),
                error,
            );
        }
    }

    screen.top = table.y + 1;
    let height = usize::from(table.height.saturating_sub(1));
    screen.page = height;
    board.offset = scroll(board.offset, board.cursor, height, board.shown());
    let shown = columns_that_fit(columns, table.width);
    screen.columns_on_screen = shown.len();
    let now = ui.now;
    let header = Row::new(
        [Cell::from(""), Cell::from("Name")]
            .into_iter()
            .chain(shown.iter().map(|c| {
                let header = if c.sort_key() == key {
                    c.sorted_header(desc)
                } else {
                    c.header().to_string()
                };
                aligned(header, c.width(), c.right_aligned())
            }))
            .collect::<Vec<_>>(),
    )
    .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let mark_style = Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD);
    let rows: Vec<Row> = board
        .window(board.offset, height)
        .enumerate()
        .map(|(i, r)| {
            let mark = if board.is_marked(r.id) { "●" } else { " " };
            let cells = [
                Cell::from(mark).style(mark_style),
                Cell::from(printable(&r.name).into_owned()),
            ]
            .into_iter()
            .chain(shown.iter().map(|c| {
                let cell = aligned(c.cell(r, now), c.width(), c.right_aligned());
                if *c == ColumnId::Status {
                    cell.style(Style::new().fg(status_color(r.status)))
                } else {
                    cell
                }
            }));
            let row = Row::new(cells.collect::<Vec<_>>());
            if board.offset + i == board.cursor {
                row.style(cursor_style())
            } else {
                row
            }
        })
        .collect();
    let widths: Vec<Constraint> = [Constraint::Length(1), Constraint::Min(NAME_MIN)]
        .into_iter()
        .chain(shown.iter().map(|c| Constraint::Length(c.width())))
        .collect();
    frame.render_widget(Table::new(rows, widths).header(header), table);
    if board.loaded && board.shown() == 0 {
        let empty = Rect {
            y: table.y + 1,
            height: table.height.saturating_sub(1).min(3),
            ..table
        };
        let text = if board.total() == 0 {
            "No customers yet."
        } else if !board.filter_text.trim().is_empty() {
            "No customer matches; F edits the filter line (Esc there clears it), f changes the status filter."
        } else {
            "No customer matches; Esc clears the search, f changes the status filter."
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), empty);
    }
}

/// A cell's text in its column; a value wider than the column shows as "####", as in a
/// spreadsheet, rather than lose digits or its minus sign off one edge.
fn aligned(text: String, width: u16, right: bool) -> Cell<'static> {
    let text = printable(&text).into_owned();
    let text = if Span::raw(text.as_str()).width() > usize::from(width) {
        "#".repeat(usize::from(width))
    } else {
        text
    };
    let line = Line::from(Span::raw(text));
    Cell::from(if right { line.right_aligned() } else { line })
}
