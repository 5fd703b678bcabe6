#![allow(dead_code)] // each test file uses its own subset
//! The console driven by key events and drawn into ratatui's TestBackend, its effects run
//! against a real database as the database thread would run them: shared by the TUI tests.

use crate::common;
use carrierdesk::config::Config;
use carrierdesk::service::Service;
use carrierdesk::tui::clock::Clock;
use carrierdesk::tui::msg::{Effect, Event, Reply};
use carrierdesk::tui::shell::App;
use carrierdesk::tui::worker::{Database, Session};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

pub struct Harness {
    pub app: App,
    pub db: Database,
    pub terminal: Terminal<TestBackend>,
    /// What the console copied: to the terminal's clipboard in the real one.
    pub copied: Vec<String>,
}

impl Harness {
    pub fn new(service: Service, width: u16, height: u16) -> Harness {
        Harness::at(service, width, height, Clock::System)
    }

    /// With "now" fixed by `clock`, so that relative times on screen do not move.
    pub fn at(service: Service, width: u16, height: u16, clock: Clock) -> Harness {
        let mut app = App::default();
        app.clock = clock;
        let session = Session {
            actor: common::actor("tester"),
            config: Config::defaults(),
            config_path: None,
            export_dir: std::env::temp_dir(),
            clock,
        };
        let mut h = Harness {
            app,
            db: Database::new(service, session),
            terminal: Terminal::new(TestBackend::new(width, height)).unwrap(),
            copied: Vec::new(),
        };
        let start = h.app.start();
        h.run(start);
        h
    }

    /// Runs effects the way the database thread would, feeding results back in.
    pub fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            // Copies go to the terminal's clipboard in the real console; here, to a list.
            if let Effect::Copy { text, .. } = effect {
                self.copied.push(text);
                continue;
            }
            for reply in self.db.run(effect) {
                self.reply(reply);
            }
        }
    }

    pub fn reply(&mut self, reply: Reply) {
        let effects = self.app.handle(Event::Reply(Box::new(reply)));
        self.run(effects);
    }

    /// What the database thread does about once a second: report what was committed.
    pub fn poll(&mut self) {
        if let Some(reply) = self.db.changes() {
            self.reply(reply);
        }
    }

    pub fn key(&mut self, code: KeyCode) -> &mut Self {
        self.key_with(code, KeyModifiers::NONE)
    }

    pub fn key_with(&mut self, code: KeyCode, modifiers: KeyModifiers) -> &mut Self {
        let effects = self.app.handle(Event::Key(KeyEvent::new(code, modifiers)));
        self.run(effects);
        self
    }

    pub fn keys(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    /// The last screen line that contains `text`, and whether it is drawn reversed (the cursor).
    pub fn line_with(&mut self, text: &str) -> Option<(String, bool)> {
        let screen = self.screen();
        let (y, line) = screen
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains(text))
            .last()?;
        Some((line.to_string(), self.reversed_at(y, line, text)?))
    }

    /// The first screen line that contains `text`, and whether it is drawn reversed.
    pub fn first_line_with(&mut self, text: &str) -> Option<(String, bool)> {
        let screen = self.screen();
        let (y, line) = screen.lines().enumerate().find(|(_, l)| l.contains(text))?;
        Some((line.to_string(), self.reversed_at(y, line, text)?))
    }

    /// Whether `text` in `line`, row `y` of the last frame, is drawn reversed.
    fn reversed_at(&self, y: usize, line: &str, text: &str) -> Option<bool> {
        let x = line[..line.find(text)?].chars().count();
        let cell = &self.terminal.backend().buffer()[(x as u16, y as u16)];
        Some(cell.modifier.contains(Modifier::REVERSED))
    }

    pub fn screen(&mut self) -> String {
        let app = &mut self.app;
        self.terminal.draw(|f| app.draw(f)).unwrap();
        let buffer = self.terminal.backend().buffer();
        let width = buffer.area.width as usize;
        buffer
            .content
            .chunks(width)
            .map(|row| {
                row.iter()
                    .map(|c| c.symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}
