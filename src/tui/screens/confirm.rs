//! A yes/no question before something that cannot be taken back (release a number block,
//! delete a SIP user): y runs the effect, any other key leaves things as they are.

use crate::tui::chrome::centered;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::Effect;
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub struct Confirm {
    title: String,
    /// What y does, in words that name what it is done to.
    pub question: String,
    effect: Effect,
}

impl Confirm {
    pub fn new(title: &str, question: String, effect: Effect) -> Confirm {
        Confirm {
            title: title.to_string(),
            question,
            effect,
        }
    }
}

impl Screen for Confirm {
    fn context(&self) -> Context {
        Context::Confirm
    }

    /// Any key that is not y: no.
    fn on_key(&mut self, _key: KeyEvent, cx: &mut Cx) {
        cx.close();
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        if action == Action::Submit {
            cx.run(self.effect.clone());
        }
        cx.close();
        Flow::Done
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        const WIDTH: u16 = 64;
        let inner = usize::from(WIDTH.min(area.width).saturating_sub(2).max(1));
        let rows = (self.question.chars().count() / inner + 2) as u16;
        let rect = centered(area, WIDTH, rows + 4);
        frame.render_widget(Clear, rect);
        let block = Block::bordered().title(format!(" {} ", self.title));
        let lines = vec![
            Line::styled(
                self.question.clone(),
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
            Line::from(""),
            Line::from("y yes · n or Esc no"),
        ];
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
            rect,
        );
    }
}
