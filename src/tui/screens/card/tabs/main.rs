//! The Main tab: contacts, number blocks, the account's facts, the last seven days and
//! the scheduled changes, all from the card's own data. `+` hands the customer the next
//! free number block; `d` releases the one selected.

use super::CardTab;
use crate::domain::customer::tax_percent;
use crate::domain::summary::mss;
use crate::service::CardData;
use crate::text::{fit, printable};
use crate::tui::chrome::cursor_style;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, SipEffect};
use crate::tui::screen::{Cx, Flow, Ui};
use crate::tui::screens::card::view::label;
use crate::tui::screens::confirm::Confirm;
use crate::tui::widgets::list_cursor::RowCursor;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Number blocks shown at once; more scroll.
const BLOCK_ROWS: usize = 6;

#[derive(Default)]
pub struct MainTab {
    /// The selected number block.
    blocks: RowCursor,
}

impl CardTab for MainTab {
    fn title(&self) -> &'static str {
        "Main"
    }

    fn context(&self) -> Context {
        Context::CardMain
    }

    fn on_action(&mut self, action: Action, data: &CardData, cx: &mut Cx) -> Flow {
        let ids: Vec<i64> = data.blocks.iter().map(|b| b.id).collect();
        if self.blocks.act(action, &ids) {
            return Flow::Done;
        }
        match action {
            // The block appears when the change it makes reloads the card.
            Action::Add => cx.run(Effect::Sip(SipEffect::AssignBlock(data.customer.id))),
            Action::Delete => match data.blocks.iter().find(|b| Some(b.id) == self.blocks.selected()) {
                Some(block) => cx.open(Confirm::new(
                    "Release number block",
                    format!(
                        "Release number block {} of {}? Its numbers can then be handed to any customer.",
                        block.range(),
                        data.customer.name
                    ),
                    Effect::Sip(SipEffect::ReleaseBlock(block.id)),
                )),
                None => cx.info(
                    "No number block to release (a customer is deleted from the board or another tab)",
                ),
            },
            _ => return Flow::Pass,
        }
        Flow::Done
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, data: &CardData, ui: &Ui) {
        let ids: Vec<i64> = data.blocks.iter().map(|b| b.id).collect();
        self.blocks.follow(&ids);
        draw_main(frame, area, data, &mut self.blocks, ui.money_decimals);
    }
}

fn draw_main(
    frame: &mut Frame,
    area: Rect,
    data: &CardData,
    cursor: &mut RowCursor,
    decimals: Option<u8>,
) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let rows = data.blocks.len().clamp(1, BLOCK_ROWS);
    let [contacts, blocks] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(rows as u16 + 2)]).areas(left);
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
                Line::from(fit(
                    &format!("{star}{}  {}", k.spec.name, k.spec.phone),
                    inner,
                )),
                Line::from(fit(&format!("  {}", k.spec.email), inner)),
            ]
        })
        .collect();
    frame.render_widget(
        Paragraph::new(contact_lines)
            .block(Block::bordered().title(format!(" Contacts ({}) ", data.contacts.len()))),
        contacts,
    );
    // One block a line, the selected one reversed.
    let offset = cursor.list.fit(rows, data.blocks.len());
    let block_lines: Vec<Line> = if data.blocks.is_empty() {
        vec![Line::from("None yet: + assigns the next free one.")]
    } else {
        data.blocks
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .map(|(i, b)| {
                let line = Line::from(b.range());
                if i == cursor.list.cursor {
                    line.style(cursor_style())
                } else {
                    line
                }
            })
            .collect()
    };
    let title = match data.blocks.len() {
        0 => " Internal Number Blocks ".to_string(),
        n => format!(" Internal Number Blocks ({n}) "),
    };
    frame.render_widget(
        Paragraph::new(block_lines).block(Block::bordered().title(title)),
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
                c.currency.show(t.charge, decimals),
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
