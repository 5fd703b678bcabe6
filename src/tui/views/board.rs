//! The customers board: a virtual table, rows built only for the visible window.

use super::{cursor_style, relative, scroll};
use crate::domain::summary::mss;
use crate::domain::{BoardRow, Status};
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

/// A board column: header, width, and how a row fills it. Columns are dropped from the
/// right of this list (lowest priority) when the terminal is narrow.
struct Column {
    header: &'static str,
    width: u16,
    right: bool,
    cell: fn(&BoardRow, i64) -> String,
}

const NAME_MIN: u16 = 18;

const COLUMNS: &[Column] = &[
    Column {
        header: "Status",
        width: 8,
        right: false,
        cell: |r, _| short_status(r.status).into(),
    },
    Column {
        header: "Balance",
        width: 17,
        right: true,
        cell: |r, _| format!("{} {}", r.currency.display(r.balance), r.currency.code()),
    },
    Column {
        header: "Channels",
        width: 9,
        right: true,
        cell: |r, _| format!("{}/{}", r.channels_in_use, r.channels),
    },
    Column {
        header: "Last Call",
        width: 9,
        right: true,
        cell: |r, now| relative(r.last_call, now),
    },
    Column {
        header: "ASR 24h",
        width: 7,
        right: true,
        cell: |r, _| r.asr_24h().map_or("-".into(), |a| format!("{a:.0}%")),
    },
    Column {
        header: "ACD 24h",
        width: 7,
        right: true,
        cell: |r, _| r.acd_24h().map_or("-".into(), mss),
    },
    Column {
        header: "Debit Limit",
        width: 12,
        right: true,
        cell: |r, _| r.currency.display(r.debit_limit),
    },
    Column {
        header: "CPS",
        width: 4,
        right: true,
        cell: |r, _| {
            if r.cps == 0 {
                "∞".into()
            } else {
                r.cps.to_string()
            }
        },
    },
];

fn short_status(s: Status) -> &'static str {
    match s {
        Status::Pending => "Pending",
        other => other.label(),
    }
}

fn status_color(s: Status) -> Color {
    match s {
        Status::Active => Color::Green,
        Status::Inactive => Color::DarkGray,
        Status::Pending => Color::Yellow,
        Status::Penalty => Color::Red,
    }
}

/// How many columns fit beside a name column of at least NAME_MIN.
fn columns_that_fit(width: u16) -> usize {
    let mut used = NAME_MIN;
    COLUMNS
        .iter()
        .take_while(|c| {
            used += c.width + 1;
            used <= width
        })
        .count()
}

/// Draws the board; returns how many rows fit (the page size).
pub fn draw(frame: &mut Frame, area: Rect, app: &mut App) -> usize {
    let board = &mut app.board;
    let show_search = app.searching || !board.search.is_empty();
    let [title, search, table] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(show_search)),
        Constraint::Min(1),
    ])
    .areas(area);

    let (key, desc) = board.sort_key();
    let filter = board.status_filter.map_or("All", |s| s.label());
    let title_text = if board.loaded {
        format!(
            " Customers  {} of {}{} · status: {filter} · sort: {} {}",
            board.shown(),
            board.total(),
            if board.complete {
                ""
            } else {
                " (loading the rest…)"
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
        let caret = if app.searching { "▏" } else { "" };
        frame.render_widget(
            Paragraph::new(format!("/{}{caret}", board.search)).style(Style::new().fg(Color::Cyan)),
            search,
        );
    }

    let height = usize::from(table.height.saturating_sub(1));
    board.offset = scroll(board.offset, board.cursor, height);
    let ncols = columns_that_fit(table.width);
    let now = chrono::Utc::now().timestamp();
    let header = Row::new(
        std::iter::once(Cell::from("Name"))
            .chain(
                COLUMNS[..ncols]
                    .iter()
                    .map(|c| aligned(c.header.to_string(), c.right)),
            )
            .collect::<Vec<_>>(),
    )
    .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let rows: Vec<Row> = board
        .window(board.offset, height)
        .enumerate()
        .map(|(i, r)| {
            let cells = std::iter::once(Cell::from(r.name.clone())).chain(
                COLUMNS[..ncols].iter().map(|c| {
                    let cell = aligned((c.cell)(r, now), c.right);
                    if c.header == "Status" {
                        cell.style(Style::new().fg(status_color(r.status)))
                    } else {
                        cell
                    }
                }),
            );
            let row = Row::new(cells.collect::<Vec<_>>());
            if board.offset + i == board.cursor {
                row.style(cursor_style())
            } else {
                row
            }
        })
        .collect();
    let widths: Vec<Constraint> = std::iter::once(Constraint::Min(NAME_MIN))
        .chain(COLUMNS[..ncols].iter().map(|c| Constraint::Length(c.width)))
        .collect();
    frame.render_widget(Table::new(rows, widths).header(header), table);
    if board.loaded && board.shown() == 0 {
        let empty = Rect {
            y: table.y + 1,
            height: 1,
            ..table
        };
        let text = if board.total() == 0 {
            "No customers yet."
        } else {
            "No customer matches; Esc clears the search, f changes the status filter."
        };
        frame.render_widget(Paragraph::new(text), empty);
    }
    height
}

fn aligned(text: String, right: bool) -> Cell<'static> {
    let line = Line::from(Span::raw(text));
    Cell::from(if right { line.right_aligned() } else { line })
}
