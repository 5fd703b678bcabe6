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

/// The name column's narrowest and widest: past NAME_MAX, room goes to more columns.
const NAME_MIN: u16 = 18;
const NAME_MAX: u16 = 40;

fn status_color(s: Status) -> Color {
    match s {
        Status::Active => Color::Green,
        Status::Inactive => Color::DarkGray,
        Status::Pending => Color::Yellow,
        Status::Penalty => Color::Red,
    }
}

/// Which of the chosen columns show beside the mark and the name, from `first` on (or
/// from further left when those all fit), and how wide the name is.
struct Fit {
    shown: std::ops::Range<usize>,
    name: u16,
}

impl Fit {
    fn new(columns: &[ColumnId], first: usize, width: u16) -> Fit {
        let span =
            |cols: &[ColumnId]| -> u32 { cols.iter().map(|c| u32::from(c.width()) + 1).sum() };
        let room = u32::from(width).saturating_sub(u32::from(NAME_MIN) + 2);
        let mut start = first.min(columns.len().saturating_sub(1));
        // Scrolled further than needed (a wider terminal, fewer columns): pull back.
        while start > 0 && span(&columns[start - 1..]) <= room {
            start -= 1;
        }
        let mut end = start;
        while end < columns.len() && span(&columns[start..=end]) <= room {
            end += 1;
        }
        let free = u32::from(width).saturating_sub(span(&columns[start..end]) + 2);
        Fit {
            shown: start..end,
            name: free.clamp(u32::from(NAME_MIN), u32::from(NAME_MAX)) as u16,
        }
    }

    /// "‹ +1 columns +3 ›": how many chosen columns are scrolled past on either side.
    fn sign(&self, columns: usize) -> Option<String> {
        let (left, right) = (self.shown.start, columns - self.shown.end);
        (left + right > 0).then(|| {
            let left = if left > 0 {
                format!("‹ +{left} ")
            } else {
                String::new()
            };
            let right = if right > 0 {
                format!(" +{right} ›")
            } else {
                String::new()
            };
            format!("{left}columns{right} ")
        })
    }
}

/// Draws the board; records the page height, the scroll offset, where the rows start
/// (for clicks) and how many columns fit (for sorting).
pub fn draw(frame: &mut Frame, area: Rect, screen: &mut BoardScreen, ui: &Ui) {
    let finding = screen.finding_contacts();
    let columns = &screen.columns;
    let board = &mut screen.board;
    let show_search = screen.typing == Typing::Search || !board.search.is_empty();
    let show_filter = screen.typing == Typing::Filter || !board.filter_text.is_empty();
    // Under the filter line, every word it does not understand, wrapped, in at most a
    // third of the screen so that rows still show.
    // Above them, what a Tab could complete to.
    let choices = screen.choices.join("  ");
    let under: Vec<Line> = [
        (!choices.is_empty()).then(|| Line::styled(choices, Style::new().fg(Color::DarkGray))),
        board
            .filter_error
            .as_ref()
            .map(|e| Line::styled(e.clone(), Style::new().fg(Color::Red))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let error_rows = if under.is_empty() {
        0
    } else {
        let rows = wrapped_rows(&under, usize::from(area.width.max(1)));
        (rows as u16).min(area.height / 3).max(1)
    };
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
    let fit = Fit::new(columns, screen.first_column, table.width);
    let sign = fit.sign(columns.len()).unwrap_or_default();
    let [title, sign_area] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(Span::raw(sign.as_str()).width() as u16),
    ])
    .areas(title);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    frame.render_widget(Paragraph::new(title_text).style(bold), title);
    frame.render_widget(Paragraph::new(sign).style(bold), sign_area);
    if show_search {
        let cyan = Style::new().fg(Color::Cyan);
        // Rows found through a contact come when the database answers, a moment after.
        let note = if finding {
            " searching contacts…"
        } else {
            ""
        };
        let [label, field, note_area] = Layout::horizontal([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(Span::raw(note).width() as u16),
        ])
        .areas(search);
        frame.render_widget(Paragraph::new("/").style(cyan), label);
        let gray = Style::new().fg(Color::DarkGray);
        frame.render_widget(Paragraph::new(note).style(gray), note_area);
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
        frame.render_widget(Paragraph::new(under).wrap(Wrap { trim: true }), error);
    }

    screen.top = table.y + 1;
    let height = usize::from(table.height.saturating_sub(1));
    screen.page = height;
    board.offset = scroll(board.offset, board.cursor, height, board.shown());
    screen.first_column = fit.shown.start;
    screen.on_screen = fit.shown.clone();
    let shown = &columns[fit.shown.clone()];
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
    let widths: Vec<Constraint> = [Constraint::Length(1), Constraint::Length(fit.name)]
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
