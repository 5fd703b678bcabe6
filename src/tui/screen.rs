//! What every screen is: the board, the card, forms, lists, prompts and windows each
//! implement `Screen` in a module of their own. The shell keeps them in a stack and
//! decides, in one place, which one a key, a paste, a click or a reply goes to.
//!
//! Handlers do no I/O: they change their own state and ask for effects, new screens or
//! their own closing through `Cx`; the shell carries those out afterwards.

use super::clock::Clock;
use super::keymap::{Action, Context};
use super::msg::{Effect, Level, Reply};
use super::widgets::history::{History, Line as HistoryLine, Recall};
use super::widgets::input::TextInput;
use crate::domain::change::Changes;
use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::path::PathBuf;
use std::rc::Rc;

/// Whether a screen dealt with an action, or passes it to the screen below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Done,
    Pass,
}

/// Lets the shell and tests see which screen is on top.
pub trait AsAny {
    fn as_any(&self) -> &dyn std::any::Any;
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
}

impl<T: std::any::Any> AsAny for T {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

pub trait Screen: AsAny {
    /// What keys mean while this screen is on top.
    fn context(&self) -> Context;

    /// A full-screen view (the board, the card) hides the screens below it; the others
    /// are drawn over whatever is below.
    fn covers(&self) -> bool {
        false
    }

    /// Lines the help window adds to the keymap's for this screen (the card's tabs).
    fn help_extra(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    /// A key the keymap binds here that the focused text field takes anyway (← → inside
    /// text, Enter for a new line).
    fn wants_key(&self, _key: &KeyEvent) -> bool {
        false
    }

    /// A key the keymap does not bind here (or one `wants_key` claimed): typing.
    fn on_key(&mut self, _key: KeyEvent, _cx: &mut Cx) {}

    fn on_paste(&mut self, _text: &str, _cx: &mut Cx) {}

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow;

    fn on_mouse(&mut self, _event: MouseEvent, _cx: &mut Cx) {}

    /// Takes a reply meant for this screen; gives back one that is not.
    fn on_reply(&mut self, reply: Reply, _cx: &mut Cx) -> Option<Reply> {
        Some(reply)
    }

    /// Something was committed. A screen reloads what it shows that `changes` concern,
    /// when `showing`; a hidden one remembers and reloads when it shows again.
    fn on_changes(&mut self, _changes: &Changes, _showing: bool, _cx: &mut Cx) {}

    /// The screen is showing again after the ones over it closed.
    fn on_show(&mut self, _cx: &mut Cx) {}

    /// What closing it now would lose, for the quit guard.
    fn unsaved(&self) -> Option<&'static str> {
        None
    }

    /// Paints the screen into `area`. Drawing reads the state; the one thing it may
    /// write is view geometry: the page height it was given and the scroll offset that
    /// keeps the cursor in view (and where rows landed, for mouse clicks).
    fn draw(&mut self, frame: &mut Frame, area: Rect, ui: &Ui);
}

/// Changes a full-screen view saw while another covered it, to reload when it shows again
/// (a card over the board: the board reloads the rows that changed once the card closes).
#[derive(Debug, Default)]
pub struct Deferred(Changes);

impl Deferred {
    /// The changes to act on now: all of them when `showing`; else none, kept for later.
    pub fn now_or_later(&mut self, changes: &Changes, showing: bool) -> Option<Changes> {
        if showing {
            Some(changes.clone())
        } else {
            self.0.union(changes.clone());
            None
        }
    }

    /// What was kept, once the view shows again.
    pub fn take(&mut self) -> Option<Changes> {
        Some(std::mem::take(&mut self.0)).filter(|c| !c.is_empty())
    }
}

/// What drawing needs besides the screen's own state.
pub struct Ui {
    /// NO_COLOR: meaning is carried by bold and reverse, not colours.
    pub no_color: bool,
    /// Now, in unix seconds, for relative times ("5m ago").
    pub now: i64,
    /// Decimals of money on screen (the config's `money_decimals`); None: the currency's.
    pub money_decimals: Option<u8>,
}

/// What a handler may ask of the shell, collected and carried out after it returns.
pub struct Cx {
    pub clock: Clock,
    /// The operator's home folder, for `~` in typed paths.
    pub home: Option<PathBuf>,
    pub(super) effects: Vec<Effect>,
    pub(super) opened: Vec<Box<dyn Screen>>,
    pub(super) close: bool,
    pub(super) posts: Vec<Reply>,
    pub(super) said: Option<(Level, String)>,
    pub(super) job: Option<String>,
    pub(super) then: Option<Action>,
    /// What was typed in the console's lines, for Ctrl-P and Ctrl-N.
    pub history: Rc<History>,
    pub(super) remembered: Vec<(HistoryLine, String)>,
}

impl Cx {
    pub fn new(clock: Clock, home: Option<PathBuf>) -> Cx {
        Cx {
            clock,
            home,
            effects: Vec::new(),
            opened: Vec::new(),
            close: false,
            posts: Vec::new(),
            said: None,
            job: None,
            then: None,
            history: Rc::default(),
            remembered: Vec::new(),
        }
    }

    /// Now, in unix seconds, by the console's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    pub fn run(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    pub fn run_all(&mut self, effects: impl IntoIterator<Item = Effect>) {
        self.effects.extend(effects);
    }

    /// Puts a screen on top.
    pub fn open(&mut self, screen: impl Screen + 'static) {
        self.opened.push(Box::new(screen));
    }

    /// Closes the screen that is handling (and any over it).
    pub fn close(&mut self) {
        self.close = true;
    }

    /// Leaves a note for the screens below (offered from the top, as replies are).
    pub fn post(&mut self, note: Reply) {
        self.posts.push(note);
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.said = Some((Level::Info, text.into()));
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.said = Some((Level::Error, text.into()));
    }

    /// A long job starts: its progress line replaces the last message until it ends.
    pub fn start_job(&mut self, line: &str) {
        self.job = Some(line.into());
    }

    /// Keeps what was entered in a line, for Ctrl-P there later (and after a restart).
    pub fn remember(&mut self, line: HistoryLine, text: &str) {
        self.remembered.push((line, text.to_string()));
    }

    /// Ctrl-P (`older`) or Ctrl-N in `input`: the line's older or newer entry, or at the
    /// newest end what was being typed. True when the text changed.
    pub fn recall(
        &self,
        walk: &mut Recall,
        line: HistoryLine,
        older: bool,
        input: &mut TextInput,
    ) -> bool {
        match walk.step(&self.history, line, older, &input.text()) {
            Some(text) => {
                input.set_text(&text);
                true
            }
            None => false,
        }
    }

    /// Runs `action` on the screens as if its key had been pressed (the palette's choice).
    pub fn then(&mut self, action: Action) {
        self.then = Some(action);
    }
}
