//! The card's frame: its title, the tab bar (from the card's list of tabs) and the header
//! every tab shares; and the helpers the tabs draw with.

use super::CardScreen;
use crate::service::CardData;
use crate::text::{fit, printable};
use crate::tui::chrome::cursor_style;
use crate::tui::screen::Ui;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Tabs};

/// Draws the card and, under its header, the tab being shown.
pub fn draw(frame: &mut Frame, area: Rect, card: &mut CardScreen, ui: &Ui) {
    let [title, tabs, header, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        // Three lines and the rule under them.
        Constraint::Length(4),
        Constraint::Min(1),
    ])
    .areas(area);
    let Some(data) = &card.data else {
        let text = match &card.failed {
            Some(e) => format!(" Customer #{} cannot be shown: {}", card.id, printable(e)),
            None => format!(" Customer #{} loading…", card.id),
        };
        frame.render_widget(Paragraph::new(text), title);
        return;
    };
    let c = &data.customer;
    frame.render_widget(
        Paragraph::new(format!(" Customers › {} (#{})", printable(&c.name), c.id))
            .style(Style::new().add_modifier(Modifier::BOLD)),
        title,
    );
    let titles = card
        .tabs
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{} {}", i + 1, t.title()));
    frame.render_widget(
        Tabs::new(titles)
            .select(card.tab)
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)),
        tabs,
    );
    draw_header(frame, header, data);
    card.tabs[card.tab].draw(frame, body, data, ui);
}

/// Below this width the Contacts tab leaves out Mobile and Type, and the Audit tab the IP
/// and the table, so that what a support call needs keeps its room.
pub const FULL_WIDTH: u16 = 110;

pub fn label(text: &str) -> Span<'static> {
    Span::styled(format!("{text} "), Style::new().fg(Color::DarkGray))
}

fn draw_header(frame: &mut Frame, area: Rect, data: &CardData) {
    let c = &data.customer;
    let cur = c.currency;
    let money = |m: i64| format!("{} {}", cur.display(m), cur.code());
    let sign = c.standing();
    let primary = data
        .contacts
        .iter()
        .find(|k| k.is_primary)
        .map_or("no primary contact", |k| k.spec.email.as_str());
    let lines = vec![
        Line::from(vec![
            label("Status"),
            Span::styled(c.status.label(), Style::new().add_modifier(Modifier::BOLD)),
            Span::raw("   "),
            label("Balance"),
            Span::raw(format!("{} ({sign})", money(c.balance))),
            Span::raw("   "),
            label("Debit Limit"),
            Span::raw(money(c.debit_limit)),
        ]),
        Line::from(vec![
            label("Channels"),
            Span::raw(format!("{} in use / {}", c.channels_in_use, c.channels)),
            Span::raw("   "),
            label("CPS"),
            Span::raw(if c.cps == 0 {
                "unlimited".into()
            } else {
                c.cps.to_string()
            }),
            Span::raw("   "),
            label("Available"),
            Span::raw(money(c.available())),
            Span::raw(if c.can_call() {
                "  can call"
            } else {
                "  cannot call"
            }),
        ]),
        Line::from(vec![
            label("Primary"),
            Span::raw(printable(primary).into_owned()),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines).block(Block::new().borders(Borders::BOTTOM)),
        area,
    );
}

/// A card list as a table: the visible window of `items`, the cursor's row reversed, and a
/// cell too long for its column cut with "…", so that a shortened email or value never
/// passes for the whole of it (Enter shows a row in full).
pub fn list_table<'a, T>(
    area: Rect,
    columns: &[(&'static str, Constraint)],
    items: &'a [T],
    (cursor, offset): (usize, usize),
    cells: impl Fn(&'a T) -> Vec<String>,
) -> Table<'a> {
    let constraints: Vec<Constraint> = columns.iter().map(|(_, c)| *c).collect();
    // The widths the table will give its columns: the same layout it makes itself.
    let widths: Vec<usize> = Layout::horizontal(constraints.clone())
        .flex(Flex::Start)
        .spacing(1)
        .split(Rect::new(0, 0, area.width, 1))
        .iter()
        .map(|r| usize::from(r.width))
        .collect();
    let height = usize::from(area.height.saturating_sub(1));
    let rows: Vec<Row> = items
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, item)| {
            let cells = cells(item)
                .into_iter()
                .zip(&widths)
                .map(|(text, &w)| Cell::from(fit(&text, w)));
            let row = Row::new(cells);
            if i == cursor {
                row.style(cursor_style())
            } else {
                row
            }
        })
        .collect();
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    Table::new(rows, constraints)
        .flex(Flex::Start)
        .column_spacing(1)
        .header(
            Row::new(names).style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)),
        )
}
