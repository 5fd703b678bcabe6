//! The database thread: it owns the connection, runs effects one at a time (loads of the
//! same thing that queued up run once) and sends their replies back. It reports what was
//! committed: on SQLite by reading the change log after each effect and when PRAGMA
//! data_version says another connection committed (polled about once a second); on
//! PostgreSQL a listener thread hears every commit as the server notifies it.

mod contacts;
mod mail;
mod perform;
mod sender;
mod sip;

pub use perform::import;
use perform::{apply_due, perform};

use super::clock::Clock;
use super::msg::{Effect, Event, Level, Reply, merge_loads};
use crate::cdr::request::ImportRequest;
use crate::config::Config;
use crate::domain::Actor;
use crate::domain::board_columns::ColumnId;
use crate::domain::change::{Change, Changes, Topic};
use crate::domain::summary::Period;
use crate::service::Service;
use crate::store::listen::{Heard, Listener};
use crate::store::{Location, Patience, RunningJob};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

const POLL: Duration = Duration::from_secs(1);
/// How long the first loads on PostgreSQL wait for the listener's connection.
const LISTEN_FIRST: Duration = Duration::from_secs(2);
/// Idle polls between two looks for due scheduled changes (about 15 seconds).
const APPLY_DUE_EVERY: u64 = 15;
/// Rows in the quick first load: more than any terminal shows.
const FIRST_SCREEN: usize = 300;
/// The calls a list of calls shows at most; the CLI lists them all.
const CALLS_SHOWN: usize = 1000;

/// Who is working, and their settings: what effects need besides the database.
#[derive(Clone)]
pub struct Session {
    pub actor: Actor,
    pub config: Config,
    /// Where the configuration is saved; None keeps changes for this run only.
    pub config_path: Option<PathBuf>,
    /// Where exports and reports are written.
    pub export_dir: PathBuf,
    /// What "now" is for the views that count back from it.
    pub clock: Clock,
}

impl Session {
    pub fn board_columns(&self) -> Vec<ColumnId> {
        self.config
            .board_columns
            .iter()
            .filter_map(|c| ColumnId::parse(c))
            .collect()
    }
}

/// A connection and the session it works for, with what the change log has been read up
/// to. The thread runs effects through it; tests drive the app with it directly.
pub struct Database {
    pub service: Service,
    pub session: Session,
    /// The last change-log entry reported; None until the first read.
    seen: Option<i64>,
    /// A write that another operator's job (an import) kept from the lock, not run (see `run`).
    deferred: Option<(Effect, RunningJob)>,
    /// The clock's hour at the last look (`hour_passed`).
    hour: i64,
}

impl Database {
    pub fn new(service: Service, session: Session) -> Database {
        let seen = service.change_seq().ok();
        let hour = hour_of(session.clock);
        Database {
            service,
            session,
            seen,
            deferred: None,
            hour,
        }
    }

    /// The last-24-hour figures move on with the clock even when nothing is written: on
    /// each new hour, every customer's summary is reported changed, which reloads the
    /// board's figures (and a card's Summary) for the hours that left the window.
    pub fn hour_passed(&mut self) -> Option<Reply> {
        let hour = hour_of(self.session.clock);
        if std::mem::replace(&mut self.hour, hour) == hour {
            return None;
        }
        let every_summary = std::iter::once(Change::many(Topic::Summaries)).collect();
        Some(Reply::Changed(every_summary))
    }

    /// Runs one effect; its reply, then what it (or anyone) committed meanwhile. Where the
    /// store defers to jobs (`Patience::Defer`), a write that met one before writing
    /// anything has no reply: it is kept, untouched, for `take_deferred`.
    pub fn run(&mut self, effect: Effect) -> Vec<Reply> {
        // A load that met a lost connection runs again on the new one; a write does not
        // (it may have committed before the connection went).
        let again = effect.is_load().then(|| effect.clone());
        let write = (!effect.is_load()).then(|| effect.clone());
        let writes = self.service.store().writes_begun();
        // One left by a write outside `run` (due scheduled changes) is not this effect's.
        self.service.store().take_deferred();
        let mut reply = perform(&mut self.service, &mut self.session, effect);
        if let Some(job) = self.service.store().take_deferred()
            && let Some(effect) = write
            && self.service.store().writes_begun() == writes
        {
            self.deferred = Some((effect, job));
            return self.changes().into_iter().collect();
        }
        let reconnected = self.reconnect();
        if let (Some(_), Some(effect)) = (&reconnected, again) {
            reply = perform(&mut self.service, &mut self.session, effect);
        }
        let mut replies = vec![reply];
        replies.extend(reconnected);
        replies.extend(self.changes());
        replies
    }

    /// The write `run` kept because a job held the lock, and whose job it was.
    pub fn take_deferred(&mut self) -> Option<(Effect, RunningJob)> {
        self.deferred.take()
    }

    /// After the server's connection was lost, a new one, and everything on screen
    /// reloaded (what changed meanwhile is not known).
    fn reconnect(&mut self) -> Option<Reply> {
        if !self.service.store().is_lost() {
            return None;
        }
        let location = self.service.store().location().clone();
        match Service::open_at(&location) {
            Ok(service) => {
                self.service = service;
                Some(Reply::Changed(Changes::everything()))
            }
            Err(e) => {
                tracing::warn!("not reconnected: {e}");
                None
            }
        }
    }

    /// What was committed since the last look, if anything. On PostgreSQL the listener
    /// hears it instead (`store::listen`): its notifications come in commit order, which
    /// the change log's sequence does not promise when several hosts write at once.
    pub fn changes(&mut self) -> Option<Reply> {
        if self.service.store().notifies() {
            return None;
        }
        let Some(seen) = self.seen else {
            // The last read failed: start again from now, and reload everything.
            self.seen = self.service.change_seq().ok();
            return self.seen.map(|_| Reply::Changed(Changes::everything()));
        };
        match self.service.changes_since(seen) {
            Ok((_, changes)) if changes.is_empty() => None,
            Ok((seq, changes)) => {
                self.seen = Some(seq);
                Some(Reply::Changed(changes))
            }
            Err(e) => {
                tracing::warn!("change log not read: {e}");
                self.seen = None;
                None
            }
        }
    }
}

fn hour_of(clock: Clock) -> i64 {
    Period::Hourly.start_of(clock.now())
}

/// A handle to the database thread. Dropping it stops the thread.
pub struct Worker {
    requests: mpsc::Sender<Effect>,
    /// Dropped with the handle: the outbox's sender stops.
    _sender: mpsc::Sender<()>,
}

impl Worker {
    pub fn spawn(
        mut service: Service,
        session: Session,
        events: tokio::sync::mpsc::UnboundedSender<Event>,
    ) -> Worker {
        // A save that would wait for another operator's import waits on a thread of its
        // own (`run_apart`), so that this one goes on loading cards and views.
        service.set_patience(Patience::Defer);
        let (requests, inbox) = mpsc::channel::<Effect>();
        let listening = service.store().listener().map(|listener| {
            let (heard, listening) = mpsc::sync_channel(1);
            listen(listener, events.clone(), heard);
            listening
        });
        let (sender_stop, stop) = mpsc::channel();
        sender::spawn(
            service.store().location().clone(),
            session.config.clone(),
            stop,
        );
        std::thread::Builder::new()
            .name("database".into())
            .spawn(move || {
                let db = Database::new(service, session);
                if let Some(listening) = listening {
                    // The first loads wait (a connection's time) until commits are heard:
                    // every commit is then in them or heard after. Dropped when the wait
                    // is over, so that a LISTEN after it knows it came too late.
                    let _ = listening.recv_timeout(LISTEN_FIRST);
                }
                serve(db, &inbox, &events)
            })
            .expect("the database thread starts");
        Worker {
            requests,
            _sender: sender_stop,
        }
    }

    pub fn send(&self, effect: Effect) {
        // The thread only ends when the app is closing; a lost request does not matter then.
        let _ = self.requests.send(effect);
    }
}

/// Another operator's commit on PostgreSQL, heard on a thread and connection of its own
/// (LISTEN), reaches the screens at once; a lost connection is said and made again. The
/// first LISTEN is told on `heard` to the database thread, which holds its first loads
/// back for it.
fn listen(
    mut listener: Listener,
    events: tokio::sync::mpsc::UnboundedSender<Event>,
    heard: mpsc::SyncSender<()>,
) {
    let send = move |reply: Reply| events.send(Event::Reply(Box::new(reply))).is_ok();
    std::thread::spawn(move || {
        loop {
            let sent = match listener.wait(POLL) {
                None => true,
                Some(Heard::Changes(changes)) => send(Reply::Changed(changes)),
                // In time, the first loads come after it. Too late (the database thread
                // no longer waits), a commit between them and the LISTEN would be missed:
                // everything is loaded again.
                Some(Heard::Listening) => {
                    heard.try_send(()).is_ok() || send(Reply::Changed(Changes::everything()))
                }
                Some(Heard::Lost(why)) => send(Reply::Notice(
                    Level::Error,
                    format!("Lost the database ({why}): reconnecting…"),
                )),
                Some(Heard::Back) => {
                    send(Reply::Notice(
                        Level::Info,
                        "Reconnected to the database".into(),
                    )) && send(Reply::Changed(Changes::everything()))
                }
            };
            // The console has closed.
            if !sent {
                return;
            }
        }
    });
}

/// The thread's loop; returns when the app has gone (its channel closed).
fn serve(
    mut db: Database,
    inbox: &mpsc::Receiver<Effect>,
    events: &tokio::sync::mpsc::UnboundedSender<Event>,
) {
    let send = |reply: Reply| events.send(Event::Reply(Box::new(reply))).is_ok();
    let mut version = db.service.data_version().ok();
    let mut idle: u64 = 0;
    // Imports running on their own threads: while one holds the write lock, applying due
    // changes would only keep this thread (and every card and view it loads) waiting.
    let importing = Arc::new(AtomicUsize::new(0));
    loop {
        let first = match inbox.recv_timeout(POLL) {
            Ok(effect) => effect,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                idle += 1;
                if idle.is_multiple_of(APPLY_DUE_EVERY)
                    && importing.load(Ordering::SeqCst) == 0
                    && let Some(reply) = apply_due(&mut db.service)
                    && !send(reply)
                {
                    return;
                }
                if let Some(reply) = db.hour_passed()
                    && !send(reply)
                {
                    return;
                }
                let now = db.service.data_version().ok();
                if now != version || version.is_none() {
                    version = now;
                    if let Some(reply) = db.changes()
                        && !send(reply)
                    {
                        return;
                    }
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        // Whatever else is already waiting: loads of the same thing run once.
        let queue = merge_loads(std::iter::once(first).chain(inbox.try_iter()).collect());
        for effect in queue {
            if let Effect::ImportCdrs(request) = effect {
                import_apart(&db, request, &importing, events);
                continue;
            }
            if effect.waits_on_a_server() {
                run_apart(&db, effect, events);
                continue;
            }
            let started = std::time::Instant::now();
            let label = effect.label();
            let whole_board = effect == Effect::LoadBoard;
            let replies = db.run(effect);
            let took_ms = started.elapsed().as_millis() as u64;
            if whole_board {
                // The console's heaviest read, in the log each time: a start loads it once.
                tracing::info!(took_ms, "whole board loaded");
            } else {
                tracing::debug!(took_ms, "{label}");
            }
            for reply in replies {
                if !send(reply) {
                    return;
                }
            }
            if let Some((effect, job)) = db.take_deferred() {
                if !send(Reply::Notice(Level::Info, waiting_for(&job))) {
                    return;
                }
                run_apart(&db, effect, events);
            }
        }
    }
}

/// What the status line says while a write waits for another operator's job.
fn waiting_for(job: &RunningJob) -> String {
    format!("Waiting for {job} to finish…")
}

/// A connection of its own for a thread apart, whose writes wait for another operator's
/// job and say so on the status line.
fn own_service(
    location: &Location,
    events: &tokio::sync::mpsc::UnboundedSender<Event>,
) -> Result<Service, String> {
    let mut own = Service::open_at(location).map_err(|e| e.to_string())?;
    let events = events.clone();
    own.set_patience(Patience::Wait(Box::new(move |job| {
        let waiting = Reply::Notice(Level::Info, waiting_for(job));
        let _ = events.send(Event::Reply(Box::new(waiting)));
    })));
    Ok(own)
}

/// An effect that waits on a mail server or SMS gateway (a test message, a password
/// mailed), or a write that waits for another operator's job, runs on a thread and
/// connection of its own: the database thread, and every view it loads, never waits on
/// the network or an import.
fn run_apart(db: &Database, effect: Effect, events: &tokio::sync::mpsc::UnboundedSender<Event>) {
    let location = db.service.store().location().clone();
    let (session, events) = (db.session.clone(), events.clone());
    std::thread::spawn(move || {
        let replies = match own_service(&location, &events) {
            Ok(own) => Database::new(own, session).run(effect),
            Err(e) => vec![Reply::Notice(Level::Error, format!("No database: {e}"))],
        };
        for reply in replies {
            let _ = events.send(Event::Reply(Box::new(reply)));
        }
    });
}

/// An import runs on a thread and connection of its own, so that the console keeps
/// loading cards and views meanwhile; its progress and its end come back as replies.
fn import_apart(
    db: &Database,
    request: ImportRequest,
    importing: &Arc<AtomicUsize>,
    events: &tokio::sync::mpsc::UnboundedSender<Event>,
) {
    let location = db.service.store().location().clone();
    let (actor, events) = (db.session.actor.clone(), events.clone());
    let export_dir = db.session.export_dir.clone();
    let running = Arc::clone(importing);
    running.fetch_add(1, Ordering::SeqCst);
    std::thread::spawn(move || {
        let reply = match own_service(&location, &events) {
            Ok(mut own) => import(&mut own, &actor, &request, &export_dir, &mut |line| {
                let _ = events.send(Event::Reply(Box::new(Reply::Progress(line))));
            }),
            Err(e) => Reply::Finished(Level::Error, format!("Not imported: {e}")),
        };
        running.fetch_sub(1, Ordering::SeqCst);
        let _ = events.send(Event::Reply(Box::new(reply)));
    });
}
