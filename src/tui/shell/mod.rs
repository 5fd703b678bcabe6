//! The stack of screens and the one place that decides where input goes: a key becomes an
//! action in the context of the screen on top, goes to that screen and falls through to
//! the ones below while they pass; replies are offered from the top; the quit guard asks
//! every screen. The shell also keeps the status line (messages and a job's progress).

mod console;

use super::chrome;
use super::clock::Clock;
use super::keymap::{self, Action, Context};
use super::msg::{Effect, Event, Level, Reply};
use super::screen::{Cx, Flow, Screen, Ui};
use super::screens::board::BoardScreen;
use super::screens::window::Window;
use super::widgets::history::{History, Line as HistoryLine};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// A line on the status bar, and the place (the full-screen view) it was said on: it
/// shows there only, so a refusal about one customer never stands on another's card.
pub struct Message {
    pub level: Level,
    pub text: String,
    place: u64,
    until: Instant,
}

pub struct App {
    /// Bottom first; the board is always there.
    stack: Vec<(u64, Box<dyn Screen>)>,
    next_serial: u64,
    message: Option<Message>,
    /// A long job's progress line (an import), shown until it ends.
    pub progress: Option<String>,
    /// The last key was a quit refused because something would be lost; the same key
    /// again quits.
    quit_asked: bool,
    pub quit: bool,
    pub clock: Clock,
    pub home: Option<PathBuf>,
    /// Set when state changed and a frame is due.
    pub dirty: bool,
    pub no_color: bool,
    pub money_decimals: Option<u8>,
    /// The last frame had no room for the console: keys other than quit do nothing.
    too_small: bool,
    effects: Vec<Effect>,
    /// What was typed in the console's lines, and the file it is kept in (None: this run
    /// only, as in tests).
    pub history: Rc<History>,
    pub history_file: Option<PathBuf>,
}

impl Default for App {
    fn default() -> Self {
        App::new(BoardScreen::default())
    }
}

impl App {
    pub fn new(board: BoardScreen) -> App {
        App {
            stack: vec![(0, Box::new(board))],
            next_serial: 1,
            message: None,
            progress: None,
            quit_asked: false,
            quit: false,
            clock: Clock::System,
            home: directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()),
            dirty: true,
            no_color: false,
            money_decimals: None,
            too_small: false,
            effects: Vec::new(),
            history: Rc::default(),
            history_file: None,
        }
    }

    /// Keeps lines entered, in memory and in the history file (a few kilobytes, written
    /// when a line is entered; a file that cannot be written costs only the recall).
    fn remember(&mut self, entered: Vec<(HistoryLine, String)>) {
        let history = Rc::make_mut(&mut self.history);
        for (line, text) in entered {
            history.add(line, &text);
        }
        if let Some(path) = &self.history_file
            && let Err(e) = crate::private::write(path, history.text())
        {
            tracing::warn!(file = %path.display(), "history not saved: {e}");
        }
    }

    /// The effects to run at start-up.
    pub fn start(&self) -> Vec<Effect> {
        vec![Effect::LoadBoardFirst, Effect::LoadBoard]
    }

    pub fn top(&self) -> &dyn Screen {
        self.stack
            .last()
            .map(|(_, s)| s.as_ref())
            .expect("the board")
    }

    /// The screen on top, if it is a `T` (for the start-up log and tests).
    pub fn top_as<T: 'static>(&self) -> Option<&T> {
        self.stack.last()?.1.as_ref().as_any().downcast_ref()
    }

    /// The topmost open screen that is a `T`, wherever it is in the stack.
    pub fn find<T: 'static>(&self) -> Option<&T> {
        self.stack
            .iter()
            .rev()
            .find_map(|(_, s)| s.as_ref().as_any().downcast_ref())
    }

    pub fn find_mut<T: 'static>(&mut self) -> Option<&mut T> {
        self.stack
            .iter_mut()
            .rev()
            .find_map(|(_, s)| s.as_mut().as_any_mut().downcast_mut())
    }

    /// How many screens are open over the board.
    pub fn depth(&self) -> usize {
        self.stack.len() - 1
    }

    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref().filter(|m| m.place == self.place())
    }

    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        self.dirty = true;
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Release => {}
            Event::Key(key) => self.key(key),
            Event::Resize(..) => {}
            _ if self.too_small => {}
            Event::Mouse(m) => self.on_top(|s, cx| s.on_mouse(m, cx)),
            Event::Paste(text) => self.on_top(|s, cx| s.on_paste(&text, cx)),
            Event::Reply(reply) => self.reply(*reply),
        }
        std::mem::take(&mut self.effects)
    }

    fn key(&mut self, key: KeyEvent) {
        // Ctrl-C quits from anywhere, a field being typed in too; what would be lost is
        // asked about first.
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            let asked = std::mem::take(&mut self.quit_asked);
            return self.quit_or_ask(asked, "Ctrl-C");
        }
        let action = keymap::lookup(self.top().context(), &key);
        if self.too_small {
            // Nothing on screen takes typing then: q quits whatever the top screen is.
            if keymap::lookup(Context::Global, &key) == Some(Action::Quit) {
                let asked = std::mem::take(&mut self.quit_asked);
                self.quit_or_ask(asked, "q");
            }
            return;
        }
        // Any key but a second quit takes the question back.
        if self.quit_asked && action != Some(Action::Quit) {
            self.quit_asked = false;
            self.message = None;
        }
        match action {
            Some(action) if !self.top().wants_key(&key) => self.action(action),
            _ => self.on_top(|s, cx| s.on_key(key, cx)),
        }
    }

    /// Carries out an action: `?` opens the help of the screen on top; anything else goes
    /// to the top screen and down the stack until one takes it.
    pub fn action(&mut self, action: Action) {
        let quit_asked = std::mem::take(&mut self.quit_asked);
        if action == Action::Help {
            let top = self.top();
            let window = Window::help(top.context(), top.help_extra());
            return self.push(Box::new(window));
        }
        for i in (0..self.stack.len()).rev() {
            if self.with(i, |s, cx| s.on_action(action, cx)) == Flow::Done {
                return;
            }
        }
        self.bottom(action, quit_asked);
    }

    fn reply(&mut self, reply: Reply) {
        match reply {
            // What every screen may care about, not one screen's answer.
            Reply::Changed(changes) => {
                let showing = self.showing();
                for i in (0..self.stack.len()).rev() {
                    // A screen may have closed those over it meanwhile.
                    if i < self.stack.len() {
                        self.with(i, |s, cx| s.on_changes(&changes, i == showing, cx));
                    }
                }
            }
            Reply::CustomerGone(id) => {
                self.broadcast(|| Reply::CustomerGone(id));
                self.say(
                    Level::Error,
                    format!("Customer #{id} was deleted meanwhile: back to the board"),
                );
            }
            Reply::Deleted(Ok((ids, line))) => {
                self.broadcast(|| Reply::Deleted(Ok((ids.clone(), String::new()))));
                self.say(Level::Info, line);
            }
            Reply::Deleted(Err(e)) => self.say(Level::Error, e),
            reply => {
                let mut reply = Some(reply);
                for i in (0..self.stack.len()).rev() {
                    if let Some(r) = reply.take() {
                        reply = self.with(i, |s, cx| s.on_reply(r, cx));
                    }
                }
                if let Some(r) = reply {
                    self.unclaimed(r);
                }
            }
        }
    }

    fn broadcast(&mut self, reply: impl Fn() -> Reply) {
        for i in (0..self.stack.len()).rev() {
            if i < self.stack.len() {
                self.with(i, |s, cx| {
                    s.on_reply(reply(), cx);
                });
            }
        }
    }

    /// Runs `f` on the screen at `i` with a fresh `Cx`, then carries out what it asked.
    fn with<R>(&mut self, i: usize, f: impl FnOnce(&mut dyn Screen, &mut Cx) -> R) -> R {
        let mut cx = Cx::new(self.clock, self.home.clone());
        cx.history = Rc::clone(&self.history);
        let result = f(self.stack[i].1.as_mut(), &mut cx);
        self.apply(i, cx);
        result
    }

    fn on_top(&mut self, f: impl FnOnce(&mut dyn Screen, &mut Cx)) {
        let top = self.stack.len() - 1;
        self.with(top, f);
    }

    fn apply(&mut self, i: usize, cx: Cx) {
        self.effects.extend(cx.effects);
        if !cx.remembered.is_empty() {
            self.remember(cx.remembered);
        }
        // The board stays: it is where Esc ends.
        if cx.close && i > 0 && i < self.stack.len() {
            self.stack.truncate(i);
            let showing = self.showing();
            self.with(showing, |s, cx| s.on_show(cx));
        }
        for screen in cx.opened {
            self.push(screen);
        }
        if let Some(line) = cx.job {
            self.message = None;
            self.progress = Some(line);
        }
        if let Some((level, text)) = cx.said {
            self.say(level, text);
        }
        for note in cx.posts {
            self.reply(note);
        }
        if let Some(action) = cx.then {
            self.action(action);
        }
    }

    /// Puts a screen on top, as a handler's `Cx::open` does.
    pub fn push(&mut self, screen: Box<dyn Screen>) {
        self.stack.push((self.next_serial, screen));
        self.next_serial += 1;
    }

    /// The index of the screen whose view shows: the topmost full-screen one.
    fn showing(&self) -> usize {
        self.stack
            .iter()
            .rposition(|(_, s)| s.covers())
            .unwrap_or(0)
    }

    fn place(&self) -> u64 {
        self.stack[self.showing()].0
    }

    /// Shows a message on the status line until it grows stale: an answer to something
    /// done a minute ago only misleads.
    fn say(&mut self, level: Level, text: String) {
        let lasts = match level {
            Level::Info => INFO_LASTS,
            Level::Error => ERROR_LASTS,
        };
        // More than the status line holds (a refusal naming many customers): in full in
        // a window as well.
        if level == Level::Error && text.chars().count() > LONG_ERROR {
            let body = text.replace(" · ", "\n");
            self.push(Box::new(Window::detail(
                "Not done (Esc closes)".into(),
                body,
            )));
        }
        self.message = Some(Message {
            level,
            text,
            place: self.place(),
            until: Instant::now() + lasts,
        });
    }

    /// When the message on the status line is due to go, if there is one.
    pub fn message_until(&self) -> Option<Instant> {
        self.message.as_ref().map(|m| m.until)
    }

    /// Takes the message away once its time is up.
    pub fn expire_message(&mut self, now: Instant) {
        if self.message.as_ref().is_some_and(|m| m.until <= now) {
            self.message = None;
            self.dirty = true;
        }
    }

    /// Paints the screens from the topmost full-screen one up, then the status line and
    /// the hints. Records whether the window was too small, which decides what keys do.
    pub fn draw(&mut self, frame: &mut Frame) {
        let Some(body) = chrome::layout(frame) else {
            self.too_small = true;
            return;
        };
        self.too_small = false;
        let ui = Ui {
            no_color: self.no_color,
            now: self.clock.now(),
            money_decimals: self.money_decimals,
        };
        let from = self.showing();
        for (_, screen) in &mut self.stack[from..] {
            screen.draw(frame, body, &ui);
        }
        chrome::finish(frame, self);
    }
}

/// Characters beyond which an error also opens in a window.
const LONG_ERROR: usize = 200;

/// How long a message stays on the status line.
const INFO_LASTS: Duration = Duration::from_secs(10);
const ERROR_LASTS: Duration = Duration::from_secs(30);
