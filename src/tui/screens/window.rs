//! Windows of text to read: the help (generated from the keymap for the screen below),
//! an audit row's difference, a contact in full, a report. They scroll; Esc closes them.

use crate::text::printable;
use crate::tui::chrome::{centered, wrapped_rows};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crossterm::event::{MouseEvent, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

pub struct Window {
    title: String,
    lines: Vec<Line<'static>>,
    /// Help lays itself out in two columns when it is long and the screen wide.
    help: bool,
    /// Framed apart (double, coloured border): a view that is not the staff's own, such
    /// as the customer portal preview.
    apart: bool,
    /// First line shown.
    scroll: u16,
    /// Rows the last frame had room for (PgUp/PgDn).
    page: u16,
}

impl Window {
    /// The keys of `context` from the keymap, and the lines the screen adds (`extra`).
    pub fn help(context: Context, extra: Vec<(String, String)>) -> Window {
        Window {
            title: " Keys (↑↓ scroll, Esc closes) ".into(),
            lines: help_lines(context, extra),
            help: true,
            apart: false,
            scroll: 0,
            page: 10,
        }
    }

    /// Text to read, line by line.
    pub fn detail(title: String, body: String) -> Window {
        Window {
            title: format!(" {title} "),
            lines: body
                .lines()
                .map(|l| Line::from(printable(l).into_owned()))
                .collect(),
            help: false,
            apart: false,
            scroll: 0,
            page: 10,
        }
    }

    /// Text shown as someone else sees it, framed so that nobody takes it for the staff
    /// view.
    pub fn apart(title: String, body: String) -> Window {
        Window {
            apart: true,
            ..Window::detail(title, body)
        }
    }

    fn scroll_by(&mut self, delta: i32) {
        let last = self.lines.len().saturating_sub(1) as i32;
        self.scroll = (i32::from(self.scroll) + delta).clamp(0, last) as u16;
    }
}

impl Screen for Window {
    fn context(&self) -> Context {
        Context::Popup
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        let page = i32::from(self.page.max(1));
        match action {
            Action::Back => cx.close(),
            Action::Up => self.scroll_by(-1),
            Action::Down => self.scroll_by(1),
            Action::PageUp => self.scroll_by(-page),
            Action::PageDown => self.scroll_by(page),
            // The drawing stops a scroll past the end where the last line shows.
            Action::Top => self.scroll_by(i32::MIN / 2),
            Action::Bottom => self.scroll_by(i32::MAX / 2),
            _ => {}
        }
        Flow::Done
    }

    fn on_mouse(&mut self, event: MouseEvent, _cx: &mut Cx) {
        match event.kind {
            MouseEventKind::ScrollDown => self.scroll_by(1),
            MouseEventKind::ScrollUp => self.scroll_by(-1),
            _ => {}
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        draw(frame, area, self);
    }
}

/// Draws a window; records its page height, and brings a scroll past the end back to
/// where the last line shows.
fn draw(frame: &mut Frame, area: Rect, window: &mut Window) {
    let title = window.title.clone();
    let lines = window.lines.clone();
    // Help that does not fit in one column is laid out in two, side by side. A report
    // takes the width it is given, up to what reads comfortably.
    let two = window.help && lines.len() + 2 > usize::from(area.height) && area.width >= 120;
    let width = match window.help {
        _ if two => 152,
        true => 76,
        false => 110,
    };
    // Rows as drawn, long lines wrapped.
    let inner_width = usize::from(width.min(area.width).saturating_sub(2).max(1));
    let rows = if two {
        lines.len().div_ceil(2)
    } else {
        wrapped_rows(&lines, inner_width)
    };
    let height = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = if window.apart {
        Block::bordered()
            .border_type(BorderType::Double)
            .border_style(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
            .title(title)
    } else {
        Block::bordered().title(title)
    };
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if two {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(inner);
        let mut lines = lines;
        let second = lines.split_off(rows);
        let wrap = Wrap { trim: false };
        frame.render_widget(Paragraph::new(lines).wrap(wrap), left);
        frame.render_widget(Paragraph::new(second).wrap(wrap), right);
    } else {
        let rows = wrapped_rows(&lines, usize::from(inner.width.max(1)));
        let last = rows.saturating_sub(usize::from(inner.height));
        window.page = inner.height;
        window.scroll = window.scroll.min(u16::try_from(last).unwrap_or(u16::MAX));
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((window.scroll, 0)),
            inner,
        );
    }
}

fn help_lines(context: Context, extra: Vec<(String, String)>) -> Vec<Line<'static>> {
    let key = Style::new().add_modifier(Modifier::BOLD);
    let line = |label: String, help: String| {
        Line::from(vec![
            Span::styled(format!("{label:>12}  "), key),
            Span::raw(help),
        ])
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut extra = Some(extra);
    for b in keymap::bindings_for(context) {
        lines.push(line(b.label.to_string(), b.help.to_string()));
        // The screen's own lines go under the binding they spell out (tabs by number).
        if b.action == Action::Tab(0) {
            for (label, help) in extra.take().into_iter().flatten() {
                lines.push(line(label, help));
            }
        }
    }
    for (label, help) in extra.into_iter().flatten() {
        lines.push(line(label, help));
    }
    if context == Context::Board {
        lines.push(Line::from(""));
        lines.push(Line::from(
            "Balance: positive means the customer is in credit; negative, that they owe.",
        ));
    }
    lines
}
