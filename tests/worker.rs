//! The database thread for real: `Worker::spawn` over a temporary database file, with its
//! replies read from the channel the console's event loop reads. Every wait is bounded and
//! fails saying what it waited for and what came instead.

mod common;
#[path = "common/job_lock.rs"]
mod job_lock;

use carrierdesk::cdr::FileZone;
use carrierdesk::cdr::request::ImportRequest;
use carrierdesk::config::Config;
use carrierdesk::domain::Topic;
use carrierdesk::service::Service;
use carrierdesk::tui::clock::Clock;
use carrierdesk::tui::msg::{CallList, Effect, Event, Reply};
use carrierdesk::tui::screens::board::BoardScreen;
use carrierdesk::tui::screens::card::CardScreen;
use carrierdesk::tui::shell::App;
use carrierdesk::tui::worker::{Session, Worker};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use job_lock::JobLock;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::sync::mpsc::UnboundedReceiver;

/// The longest any awaited reply may take: generous, for debug builds on a busy host.
/// (The worker looks for other connections' commits about once a second.)
const PATIENCE: Duration = Duration::from_secs(30);

/// A database thread on a demo database, and the end of the channel it answers on.
struct Thread {
    worker: Worker,
    events: UnboundedReceiver<Event>,
    runtime: tokio::runtime::Runtime,
    path: PathBuf,
    _dir: TempDir,
}

impl Thread {
    fn start(customers: usize, days: u32) -> Thread {
        let (dir, path, service) = common::demo_db(customers, days);
        let session = Session {
            actor: common::actor("tester"),
            config: Config::defaults(),
            config_path: None,
            export_dir: dir.path().join("exports"),
            clock: Clock::Fixed(common::NOW),
        };
        let (sender, events) = tokio::sync::mpsc::unbounded_channel();
        let worker = Worker::spawn(service, session, sender);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        Thread {
            worker,
            events,
            runtime,
            path,
            _dir: dir,
        }
    }

    /// The next reply, or None once `deadline` has passed.
    fn next(&mut self, deadline: Instant) -> Option<Reply> {
        let left = deadline.saturating_duration_since(Instant::now());
        let events = &mut self.events;
        let received = self
            .runtime
            .block_on(async { tokio::time::timeout(left, events.recv()).await });
        match received {
            Ok(Some(Event::Reply(reply))) => Some(*reply),
            Ok(Some(other)) => panic!("the database thread sent {other:?}, not a reply"),
            Ok(None) => panic!("the database thread has gone"),
            Err(_elapsed) => None,
        }
    }

    /// Replies until one is `what` (`wanted` says which), returned with those that came
    /// before it; fails the test if none comes within PATIENCE.
    fn until(&mut self, what: &str, wanted: impl Fn(&Reply) -> bool) -> (Reply, Vec<Reply>) {
        let deadline = Instant::now() + PATIENCE;
        let mut before = Vec::new();
        loop {
            match self.next(deadline) {
                Some(reply) if wanted(&reply) => return (reply, before),
                Some(reply) => before.push(reply),
                None => panic!(
                    "no {what} within {PATIENCE:?}; came instead: {:?}",
                    before.iter().map(short).collect::<Vec<_>>()
                ),
            }
        }
    }

    /// Effects go to the thread; copies are the terminal's business, not the database's.
    fn send(&self, effects: Vec<Effect>) {
        for effect in effects {
            if !matches!(effect, Effect::Copy { .. }) {
                self.worker.send(effect);
            }
        }
    }

    /// Feeds replies to `app` (and its effects to the thread) until `done` says so.
    fn pump(&mut self, app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        let mut came = Vec::new();
        while !done(app) {
            let Some(reply) = self.next(deadline) else {
                panic!(
                    "{what} did not happen within {PATIENCE:?}; replies: {:?}",
                    came
                );
            };
            came.push(short(&reply));
            let effects = app.handle(Event::Reply(Box::new(reply)));
            self.send(effects);
        }
    }
}

/// A reply in a line, for failure messages (a whole board or card would be pages long).
fn short(reply: &Reply) -> String {
    let text = format!("{reply:?}");
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn board(app: &App) -> &carrierdesk::tui::screens::board::Board {
    &app.find::<BoardScreen>().expect("the board").board
}

/// An app whose board the thread has loaded completely.
fn app_on(thread: &mut Thread) -> App {
    let mut app = App::default();
    app.clock = Clock::Fixed(common::NOW);
    thread.send(app.start());
    thread.pump(&mut app, "the board's loading", |app| board(app).complete);
    app
}

#[test]
fn an_effect_sent_to_the_worker_comes_back_as_its_reply() {
    let mut thread = Thread::start(12, 1);
    let expected = Service::open(&thread.path)
        .unwrap()
        .board(common::NOW)
        .unwrap();
    assert_eq!(expected.len(), 12);

    thread.worker.send(Effect::LoadBoard);
    let (reply, _) = thread.until("BoardLoaded", |r| matches!(r, Reply::BoardLoaded { .. }));
    let Reply::BoardLoaded { rows, complete, .. } = reply else {
        unreachable!()
    };
    assert!(complete, "LoadBoard is the full board");
    assert_eq!(rows.expect("the board loads"), expected);

    thread.worker.send(Effect::LoadCard(3));
    let (reply, _) = thread.until("CardLoaded", |r| matches!(r, Reply::CardLoaded(..)));
    match reply {
        Reply::CardLoaded(3, Ok(card)) => assert_eq!(card.customer.id, 3),
        other => panic!("customer 3's card, not {}", short(&other)),
    }
}

#[test]
fn a_cdr_import_reports_progress_then_its_end_and_the_worker_answers_meanwhile() {
    let mut thread = Thread::start(3, 1);
    // Another connection holds the write lock: the import, on a thread and connection of
    // its own, waits for it, so it is certainly still running when the card comes back.
    let lock = rusqlite::Connection::open(&thread.path).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();

    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cdrs/asterisk_16.csv");
    thread.worker.send(Effect::ImportCdrs(ImportRequest {
        files: vec![file],
        zone: FileZone::default(),
        format: None,
        skip_bad: false,
    }));
    thread.worker.send(Effect::LoadCard(1));
    let (card, before) = thread.until("customer 1's card while the import waits", |r| {
        matches!(r, Reply::CardLoaded(1, _))
    });
    assert!(
        matches!(card, Reply::CardLoaded(1, Ok(_))),
        "{}",
        short(&card)
    );
    assert!(
        !before.iter().any(|r| matches!(
            r,
            Reply::Progress(_) | Reply::Imported(_) | Reply::Finished(..)
        )),
        "the import cannot have got anywhere yet: {:?}",
        before.iter().map(short).collect::<Vec<_>>()
    );

    lock.execute_batch("ROLLBACK").unwrap();
    let (end, before) = thread.until("the import's end", |r| {
        matches!(r, Reply::Imported(_) | Reply::Finished(..))
    });
    let progress: Vec<&str> = before
        .iter()
        .filter_map(|r| match r {
            Reply::Progress(line) => Some(line.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        !progress.is_empty(),
        "progress before the end: {:?}",
        before.iter().map(short).collect::<Vec<_>>()
    );
    assert!(
        progress.iter().all(|l| l.starts_with("Importing CDRs: ")),
        "{progress:?}"
    );
    assert_eq!(
        progress.last().unwrap(),
        &"Importing CDRs: 100% · 2 rows read"
    );
    match end {
        Reply::Imported(Ok((line, details))) => {
            assert!(
                line.contains("Imported 2 new calls from 2 rows"),
                "{line}\n{details}"
            );
        }
        other => panic!("the import's report, not {}", short(&other)),
    }

    // Still answering, and the calls are there for everyone.
    thread.worker.send(Effect::LoadCalls(CallList::Unmatched));
    let (reply, _) = thread.until("CallsLoaded", |r| matches!(r, Reply::CallsLoaded(..)));
    assert!(
        matches!(reply, Reply::CallsLoaded(CallList::Unmatched, Ok((0, _)))),
        "{}",
        short(&reply)
    );
    let calls: i64 = rusqlite::Connection::open(&thread.path)
        .unwrap()
        .query_row("SELECT count(*) FROM cdrs WHERE customer_id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(calls >= 2, "{calls} calls of customer 1 stored");
}

#[test]
fn a_reply_whose_screen_has_closed_finds_no_taker() {
    let mut thread = Thread::start(5, 1);
    let mut app = app_on(&mut thread);
    let id = board(&app)
        .selected()
        .expect("a customer under the cursor")
        .id;

    // Enter opens the card and asks for it; Esc closes it before the answer is read.
    let effects = app.handle(key(KeyCode::Enter));
    assert_eq!(effects, [Effect::LoadCard(id)]);
    assert!(app.top_as::<CardScreen>().is_some());
    thread.send(effects);
    let effects = app.handle(key(KeyCode::Esc));
    assert!(app.top_as::<BoardScreen>().is_some(), "Esc closed the card");
    thread.send(effects);

    let (card, before) = thread.until("the closed card's CardLoaded", |r| {
        matches!(r, Reply::CardLoaded(..))
    });
    assert!(
        matches!(card, Reply::CardLoaded(i, Ok(_)) if i == id),
        "{}",
        short(&card)
    );
    for reply in before {
        let effects = app.handle(Event::Reply(Box::new(reply)));
        thread.send(effects);
    }
    let effects = app.handle(Event::Reply(Box::new(card)));
    assert!(
        effects.is_empty(),
        "a stale card asks for nothing: {effects:?}"
    );
    assert!(
        app.top_as::<BoardScreen>().is_some(),
        "the board stays on top"
    );
    assert_eq!(app.depth(), 0, "nothing opened over the board");
    assert!(app.find::<CardScreen>().is_none(), "no card reopened");

    let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
    terminal.draw(|f| app.draw(f)).unwrap();
    let text: String = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(text.contains("Customers  5 of 5"), "{text}");
}

#[test]
fn another_connections_commit_reaches_the_app_as_changed_naming_the_customer() {
    let mut thread = Thread::start(10, 1);
    // The app has its board from the thread: the thread has read where the change log
    // stands, so the commit below is news to it.
    let mut app = app_on(&mut thread);

    let mut other = Service::open(&thread.path).unwrap();
    let mut customer = other.customer(5).unwrap();
    customer.channels += 1;
    other
        .update_customer(&common::actor("other operator"), &customer)
        .unwrap();

    let (changed, before) = thread.until(
        "Reply::Changed naming customer 5",
        |r| matches!(r, Reply::Changed(c) if c.concerns(Topic::Customers, 5)),
    );
    let Reply::Changed(changes) = &changed else {
        unreachable!()
    };
    assert!(
        !changes.is_everything() && !changes.concerns(Topic::Customers, 4),
        "that customer only: {changes:?}"
    );
    for reply in before {
        let effects = app.handle(Event::Reply(Box::new(reply)));
        thread.send(effects);
    }

    // The board reloads that customer's row, and shows the new channel count.
    let effects = app.handle(Event::Reply(Box::new(changed)));
    assert_eq!(effects, [Effect::LoadBoardRows(vec![5])]);
    thread.send(effects);
    let channels = customer.channels;
    thread.pump(&mut app, "customer 5's new row", |app| {
        board(app).row(5).is_some_and(|r| r.channels == channels)
    });
}

#[test]
fn a_save_that_meets_alices_import_waits_apart_saying_whose_while_cards_still_load() {
    let mut thread = Thread::start(3, 1);
    // Alice's import, as it records itself and then holds the write lock.
    let lock = JobLock::take(&thread.path, "alice", "import");

    let mut customer = Service::open(&thread.path).unwrap().customer(1).unwrap();
    customer.cps = 77;
    thread.worker.send(Effect::SaveCustomer {
        customer: Box::new(customer),
        stay: false,
    });
    thread.worker.send(Effect::LoadCard(2));
    let (waiting, _) = thread.until(
        "the waiting line",
        |r| matches!(r, Reply::Notice(_, line) if line.starts_with("Waiting for")),
    );
    let since = &lock.since;
    assert!(
        matches!(&waiting, Reply::Notice(_, line)
            if *line == format!("Waiting for alice's import (since {since}) to finish…")),
        "{}",
        short(&waiting)
    );
    let (card, before) = thread.until("customer 2's card while the save waits", |r| {
        matches!(r, Reply::CardLoaded(2, _))
    });
    assert!(
        matches!(card, Reply::CardLoaded(2, Ok(_))),
        "{}",
        short(&card)
    );
    assert!(
        !before.iter().any(|r| matches!(r, Reply::Saved { .. })),
        "saved while alice's import held the lock: {:?}",
        before.iter().map(short).collect::<Vec<_>>()
    );

    lock.release();
    let (saved, _) = thread.until("the save", |r| matches!(r, Reply::Saved { .. }));
    match saved {
        Reply::Saved { result: Ok(c), .. } => assert_eq!(c.cps, 77),
        other => panic!("saved, not {}", short(&other)),
    }
}
