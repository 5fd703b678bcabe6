//! The Main tab: contacts, number blocks, the account's facts, the last seven days and
//! the scheduled changes, all from the card's own data.

use super::CardTab;
use crate::domain::customer::tax_percent;
use crate::domain::summary::mss;
use crate::service::CardData;
use crate::text::{fit, printable};
use crate::tui::screen::Ui;
use crate::tui::screens::card::view::label;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub struct MainTab;

impl CardTab for MainTab {
    fn title(&self) -> &'static str {
        "Main"
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, data: &CardData, _ui: &Ui) {
        draw_main(frame, area, data);
    }
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
                printable(&c.tags.join(", ")).into_owned()
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
