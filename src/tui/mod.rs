//! The terminal front end: lifecycle, event loop, state, views and keymap.
//! It talks to the database only through `service`, on the database thread.

mod chrome;
pub mod clock;
pub mod keymap;
pub mod msg;
pub mod screen;
pub mod screens;
pub mod shell;
pub mod widgets;
pub mod worker;

use crate::clipboard::Clipboard;
use crate::service::Service;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent, EventStream,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::StreamExt;
use msg::{Effect, Event, Level, Reply};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use screens::board::BoardScreen;
use shell::App;
use std::io::{Stdout, stdout};
use std::time::Instant;

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Puts the terminal back as it was. Safe to call more than once.
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped: on quit, on error and while unwinding.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn setup() -> anyhow::Result<(Term, Guard)> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    enable_raw_mode()?;
    let guard = Guard;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )?;
    let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    Ok((terminal, guard))
}

/// Logs the start-up milestones once each, measured from the process's start.
#[derive(Default)]
struct Startup {
    first_frame: bool,
    first_rows: bool,
    all_rows: bool,
}

impl Startup {
    fn drawn(&mut self, app: &App, started: Instant) {
        let ms = started.elapsed().as_millis() as u64;
        if !self.first_frame {
            self.first_frame = true;
            tracing::info!(ms, "first frame drawn");
        }
        let Some(board) = app.top_as::<BoardScreen>().map(|s| &s.board) else {
            return;
        };
        if !self.first_rows && board.loaded {
            self.first_rows = true;
            tracing::info!(ms, "first customers shown");
        }
        if !self.all_rows && board.complete {
            self.all_rows = true;
            tracing::info!(ms, rows = board.total(), "board complete");
        }
    }
}

/// Runs the console until the operator quits. `started` is when the process began.
/// `history_file` keeps what is typed in the console's lines across restarts.
pub fn run(
    service: Service,
    session: worker::Session,
    clipboard: Clipboard,
    history_file: Option<std::path::PathBuf>,
    started: Instant,
) -> anyhow::Result<()> {
    let (mut terminal, _guard) = setup()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(event_loop(
        &mut terminal,
        service,
        session,
        clipboard,
        history_file,
        started,
    ))
}

async fn event_loop(
    terminal: &mut Term,
    service: Service,
    session: worker::Session,
    mut clipboard: Clipboard,
    history_file: Option<std::path::PathBuf>,
    started: Instant,
) -> anyhow::Result<()> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut board = BoardScreen::new(session.board_columns());
    board.board.saved_filters = session.config.saved_filters.clone();
    let mut app = App::new(board);
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    app.money_decimals = session.config.money_decimals;
    if let Some(path) = history_file {
        // Missing on first use; unreadable, it starts empty and is written afresh.
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        app.history = std::rc::Rc::new(widgets::history::History::read(&text));
        app.history_file = Some(path);
    }
    let worker = worker::Worker::spawn(service, session, tx);
    for effect in app.start() {
        worker.send(effect);
    }
    let mut input = EventStream::new();
    let mut startup = Startup::default();
    while !app.quit {
        if app.dirty {
            terminal.draw(|frame| app.draw(frame))?;
            app.dirty = false;
            startup.drawn(&app, started);
        }
        let expiry = app.message_until();
        let event = tokio::select! {
            // A message on the status line goes when its time is up.
            () = async {
                match expiry {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            } => {
                app.expire_message(Instant::now());
                continue;
            }
            term = input.next() => match term {
                Some(Ok(TermEvent::Key(key))) => Event::Key(key),
                Some(Ok(TermEvent::Paste(text))) => Event::Paste(text),
                Some(Ok(TermEvent::Mouse(m))) => Event::Mouse(m),
                Some(Ok(TermEvent::Resize(w, h))) => Event::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(event) = rx.recv() => event,
        };
        let mut effects = app.handle(event);
        // Take whatever else has already arrived before drawing again.
        while let Ok(event) = rx.try_recv() {
            effects.extend(app.handle(event));
        }
        for effect in effects {
            match effect {
                // Between frames, on the thread that owns the terminal (OSC 52 goes there).
                Effect::Copy { text, what } => {
                    let copied = clipboard.copy(&text, terminal.backend_mut());
                    let level = match copied.outcome {
                        crate::clipboard::Outcome::Failed(_) => Level::Error,
                        _ => Level::Info,
                    };
                    app.handle(Event::Reply(Box::new(Reply::Notice(
                        level,
                        copied.message(&what),
                    ))));
                }
                other => worker.send(other),
            }
        }
    }
    Ok(())
}
