//! The customer card: a header, and the tabs Main, Contacts, Summary and Audit.

use super::{cursor_style, scroll};
use crate::domain::Currency;
use crate::domain::audit::readable;
use crate::domain::customer::tax_percent;
use crate::domain::summary::Period;
use crate::domain::summary::mss;
use crate::service::CardData;
use crate::text::fit;
use crate::tui::app::{Card, Tab};
use crate::tui::summary::SummaryView;
use crate::tui::widgets::grid::{Grid, GridStyles, status_line};
use crate::tui::widgets::summary_grid::SummaryGrid;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Tabs, Wrap};

/// Draws the card; returns the page height of its list.
pub fn draw(frame: &mut Frame, area: Rect, card: &mut Card, no_color: bool) -> usize {
    let [title, tabs, header, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        // Three lines and the rule under them.
        Constraint::Length(4),
        Constraint::Min(1),
    ])
    .areas(area);
    let Some(data) = &card.data else {
        frame.render_widget(
            Paragraph::new(format!(" Customer #{} loading…", card.id)),
            title,
        );
        return 1;
    };
    let c = &data.customer;
    frame.render_widget(
        Paragraph::new(format!(" Customers › {} (#{})", c.name, c.id))
            .style(Style::new().add_modifier(Modifier::BOLD)),
        title,
    );
    let titles = Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{} {}", i + 1, t.title()));
    let selected = Tab::ALL.iter().position(|t| *t == card.tab).unwrap_or(0);
    frame.render_widget(
        Tabs::new(titles)
            .select(selected)
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)),
        tabs,
    );
    draw_header(frame, header, data);
    let height = usize::from(body.height.saturating_sub(1));
    card.offset = scroll(card.offset, card.cursor, height, card.rows_in_tab());
    match card.tab {
        Tab::Main => draw_main(frame, body, data),
        Tab::Contacts => draw_contacts(frame, body, data, card.cursor, card.offset),
        Tab::Summary => draw_summary(frame, body, c.currency, &mut card.summary, no_color),
        Tab::Audit => draw_audit(frame, body, data, card.cursor, card.offset),
    }
    height
}

fn label(text: &str) -> Span<'static> {
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
        .map_or("no primary contact", |k| k.email.as_str());
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
        Line::from(vec![label("Primary"), Span::raw(primary.to_string())]),
    ];
    frame.render_widget(
        Paragraph::new(lines).block(Block::new().borders(Borders::BOTTOM)),
        area,
    );
}

fn draw_main(frame: &mut Frame, area: Rect, data: &CardData) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let [contacts, blocks] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(4)]).areas(left);
    let c = &data.customer;

    // Two lines a contact, so that the email has the width to itself; cut with "…" when
    // even that is too narrow (Enter on the Contacts tab shows it whole).
    let inner = usize::from(contacts.width.saturating_sub(2));
    let contact_lines: Vec<Line> = data
        .contacts
        .iter()
        .flat_map(|k| {
            let star = if k.is_primary { "★ " } else { "  " };
            [
                Line::from(fit(&format!("{star}{}  {}", k.name, k.phone), inner)),
                Line::from(fit(&format!("  {}", k.email), inner)),
            ]
        })
        .collect();
    frame.render_widget(
        Paragraph::new(contact_lines)
            .block(Block::bordered().title(format!(" Contacts ({}) ", data.contacts.len()))),
        contacts,
    );
    let block_text = if data.blocks.is_empty() {
        "No internal number block.".to_string()
    } else {
        data.blocks
            .iter()
            .map(|b| format!("{}–{}", b.first, b.last))
            .collect::<Vec<_>>()
            .join(", ")
    };
    frame.render_widget(
        Paragraph::new(block_text)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Internal Number Blocks ")),
        blocks,
    );

    let facts = vec![
        Line::from(vec![
            label("Currency"),
            Span::raw(c.currency.code()),
            Span::raw("   "),
            label("Tax"),
            Span::raw(format!("{} %", tax_percent(c.tax_bp))),
        ]),
        Line::from(vec![
            label("Tags"),
            Span::raw(if c.tags.is_empty() {
                "-".into()
            } else {
                c.tags.join(", ")
            }),
        ]),
        Line::from(vec![
            label("Last call"),
            Span::raw(c.last_call_at.clone().unwrap_or_else(|| "never".into())),
        ]),
        Line::from(""),
    ];
    let mut lines = facts;
    lines.push(Line::from(Span::styled(
        format!(
            "Last 7 days (UTC)  Calls   ASR   ACD {:>9}",
            c.currency.code()
        ),
        Style::new().add_modifier(Modifier::UNDERLINED),
    )));
    if data.daily.is_empty() {
        lines.push(Line::from("No traffic in the last 90 days."));
    } else {
        // Each of the last seven calendar days, a quiet one too.
        let none = crate::domain::Traffic::default();
        for day in (0..7).map(|d| data.today - d * 86_400) {
            let t = data
                .daily
                .iter()
                .find(|r| r.start == day)
                .map_or(&none, |r| &r.traffic);
            lines.push(Line::from(format!(
                "{:<17}{:>6}{:>6}{:>6}{:>10}",
                crate::domain::Period::Daily.label(day),
                t.attempts,
                t.asr().map_or("-".into(), |a| format!("{a:.0}%")),
                t.acd().map_or("-".into(), mss),
                c.currency.display(t.charge),
            )));
        }
    }
    if !data.scheduled.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("Scheduled ({}): cancel from :", data.scheduled.len()),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )));
        for s in &data.scheduled {
            let outcome = s.outcome().map_or_else(String::new, |o| format!(" · {o}"));
            lines.push(Line::from(format!(
                "{} {}{outcome}",
                s.due_at.get(..16).unwrap_or(&s.due_at).replace('T', " "),
                s.summary
            )));
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Account and Summary ")),
        right,
    );
}

/// A card list as a table: the visible window of `items`, the cursor's row reversed, and a
/// cell too long for its column cut with "…", so that a shortened email or value never
/// passes for the whole of it (Enter shows a row in full).
fn list_table<'a, T>(
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

/// Below this width the Contacts tab leaves out Mobile and Type, and the Audit tab the IP
/// and the table, so that what a support call needs keeps its room.
const FULL_WIDTH: u16 = 110;

fn draw_contacts(frame: &mut Frame, area: Rect, data: &CardData, cursor: usize, offset: usize) {
    let full = area.width >= FULL_WIDTH;
    // Fixed columns as wide as an E.164 number; name and email share the rest, so the
    // layout has one answer at any width (minimum widths that cannot all be met do not).
    let mut columns = vec![
        ("P", Constraint::Length(1)),
        ("Name", Constraint::Fill(2)),
        ("Email", Constraint::Fill(3)),
        ("Phone", Constraint::Length(13)),
    ];
    if full {
        columns.extend([
            ("Mobile", Constraint::Length(13)),
            ("Type", Constraint::Length(10)),
        ]);
    }
    columns.push(("Ver e/m", Constraint::Length(7)));
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    let table = list_table(area, &columns, &data.contacts, (cursor, offset), |k| {
        let mut cells = vec![
            if k.is_primary {
                "★".into()
            } else {
                String::new()
            },
            k.name.clone(),
            k.email.clone(),
            k.phone.clone(),
        ];
        if full {
            cells.extend([k.mobile.clone(), k.contact_type.clone()]);
        }
        cells.push(format!(
            "{}/{}",
            yes(k.email_verified),
            yes(k.mobile_verified)
        ));
        cells
    });
    frame.render_widget(table, area);
}

fn draw_summary(
    frame: &mut Frame,
    area: Rect,
    currency: Currency,
    view: &mut SummaryView,
    no_color: bool,
) {
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
        frame.render_widget(Paragraph::new("Loading…"), rest);
        return;
    };
    if rows.is_empty() {
        frame.render_widget(Paragraph::new("No traffic in this view."), rest);
        return;
    }
    let source = SummaryGrid::new(rows, view.period, currency);
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
    let styles = if no_color {
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

fn draw_audit(frame: &mut Frame, area: Rect, data: &CardData, cursor: usize, offset: usize) {
    // Narrow, the IP and the table give way to the message and the change (Enter shows
    // every field of the row).
    let full = area.width >= FULL_WIDTH;
    let mut columns = vec![
        ("Date/Time (UTC)", Constraint::Length(16)),
        ("User", Constraint::Length(8)),
    ];
    if full {
        columns.push(("IP", Constraint::Length(13)));
    }
    columns.push(("Action", Constraint::Length(6)));
    if full {
        columns.push(("Table", Constraint::Length(14)));
    }
    columns.extend([
        ("Message", Constraint::Fill(1)),
        ("Data (Enter)", Constraint::Fill(1)),
    ]);
    let table = list_table(area, &columns, &data.audit, (cursor, offset), |e| {
        let mut cells = vec![
            e.at.get(..16).unwrap_or(&e.at).replace('T', " "),
            e.operator.clone(),
        ];
        if full {
            cells.push(e.ip.clone());
        }
        cells.push(e.action.clone());
        if full {
            cells.push(format!("{} #{}", e.table, e.row_id));
        }
        cells.extend([
            e.message.clone(),
            changed_fields(&e.data, data.customer.currency),
        ]);
        cells
    });
    frame.render_widget(table, area);
}

/// "status: active → inactive" style summary of an audit row's JSON difference, values as
/// people read them.
fn changed_fields(data: &str, currency: Currency) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(data) else {
        return String::new();
    };
    let serde_json::Value::Object(map) = readable(&value, currency) else {
        return String::new();
    };
    let changes: Vec<String> = map
        .iter()
        .filter_map(|(k, v)| {
            let old = v.get("old")?;
            let new = v.get("new")?;
            Some(format!("{k}: {} → {}", plain(old), plain(new)))
        })
        .collect();
    if changes.is_empty() {
        format!("{} fields", map.len())
    } else {
        changes.join(", ")
    }
}

fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
