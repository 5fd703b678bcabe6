//! The database thread: it owns the connection, runs effects one at a time (loads of the
//! same thing that queued up run once) and sends their replies back. After each effect,
//! and when PRAGMA data_version says another connection committed (polled about once a
//! second), it reads the change log and reports what changed.

use super::clock::Clock;
use super::msg::{Effect, Event, Level, Reply, SaveError, merge_loads};
use crate::cdr::request::ImportRequest;
use crate::config::Config;
use crate::domain::board_columns::ColumnId;
use crate::domain::change::Changes;
use crate::domain::{Actor, FieldError, count};
use crate::service::import::{ImportOptions, ImportProgress};
use crate::service::{Service, ServiceError};
use crate::store::Location;
use crate::store::listen::{Heard, Listener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

const POLL: Duration = Duration::from_secs(1);
/// Idle polls between two looks for due scheduled changes (about 15 seconds).
const APPLY_DUE_EVERY: u64 = 15;
/// Rows in the quick first load: more than any terminal shows.
const FIRST_SCREEN: usize = 300;
/// The unmatched calls a list shows at most; the CLI lists them all.
const UNMATCHED_SHOWN: usize = 1000;

/// Who is working, and their settings: what effects need besides the database.
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
}

impl Database {
    pub fn new(service: Service, session: Session) -> Database {
        let seen = service.change_seq().ok();
        Database {
            service,
            session,
            seen,
        }
    }

    /// Runs one effect; its reply, then what it (or anyone) committed meanwhile.
    pub fn run(&mut self, effect: Effect) -> Vec<Reply> {
        // A load that met a lost connection runs again on the new one; a write does not
        // (it may have committed before the connection went).
        let again = effect.is_load().then(|| effect.clone());
        let mut reply = perform(&mut self.service, &mut self.session, effect);
        let reconnected = self.reconnect();
        if let (Some(_), Some(effect)) = (&reconnected, again) {
            reply = perform(&mut self.service, &mut self.session, effect);
        }
        let mut replies = vec![reply];
        replies.extend(reconnected);
        replies.extend(self.changes());
        replies
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
        if matches!(self.service.store().location(), Location::Server(_)) {
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

/// Runs one effect on the calling thread and returns its reply.
fn perform(service: &mut Service, session: &mut Session, effect: Effect) -> Reply {
    let actor = &session.actor;
    let now = session.clock.now();
    match effect {
        Effect::LoadBoardFirst => Reply::BoardLoaded {
            rows: service
                .board_first(now, FIRST_SCREEN)
                .map_err(|e| e.to_string()),
            complete: false,
        },
        Effect::LoadBoard => Reply::BoardLoaded {
            rows: service.board(now).map_err(|e| e.to_string()),
            complete: true,
        },
        Effect::LoadBoardRows(ids) => match service.board_rows(&ids, now) {
            Ok(rows) => {
                let gone = ids
                    .iter()
                    .filter(|id| !rows.iter().any(|r| r.id == **id))
                    .copied()
                    .collect();
                Reply::BoardRowsLoaded {
                    rows: Ok(rows),
                    gone,
                }
            }
            Err(e) => Reply::BoardRowsLoaded {
                rows: Err(e.to_string()),
                gone: Vec::new(),
            },
        },
        Effect::LoadAudit(id) => {
            Reply::AuditLoaded(id, service.audit(id).map_err(|e| e.to_string()))
        }
        Effect::LoadCard(id) => match service.card(id, now) {
            Err(ServiceError::NotFound(_)) => Reply::CustomerGone(id),
            result => Reply::CardLoaded(id, result.map_err(|e| e.to_string())),
        },
        Effect::SaveCustomer { customer, stay } => {
            // A customer without an id is a new one.
            let result = if customer.id == 0 {
                service.create_customer(actor, &customer)
            } else {
                service.update_customer(actor, &customer)
            };
            Reply::Saved {
                result: result.map_err(|e| match e {
                    ServiceError::Conflict(theirs) => SaveError::Conflict(theirs),
                    ServiceError::Invalid { field, message } => {
                        SaveError::Field(FieldError { field, message })
                    }
                    other => SaveError::Failed(other.to_string()),
                }),
                stay,
            }
        }
        Effect::Schedule {
            customer,
            fields,
            due,
        } => {
            let what = service
                .customer(customer)
                .map(|c| crate::domain::draft::describe_fields(&c, &fields))
                .unwrap_or_default();
            Reply::Scheduled(
                service
                    .schedule_change(actor, customer, fields, due)
                    .map(|id| {
                        format!(
                            "Scheduled change #{id} for {}: {what}",
                            due.format("%Y-%m-%d %H:%M UTC")
                        )
                    })
                    .map_err(|e| e.to_string()),
            )
        }
        Effect::LoadSummary { customer, period } => Reply::SummaryLoaded {
            customer,
            period,
            rows: service
                .summary(customer, period, now)
                .map_err(|e| e.to_string()),
        },
        Effect::CdrReport {
            customer,
            from,
            to,
            name,
        } => {
            let path = session.export_dir.join(name);
            let written = std::fs::create_dir_all(&session.export_dir)
                .map_err(|e| e.to_string())
                .and_then(|()| {
                    service
                        .export_cdrs(customer, from, to, &path)
                        .map_err(|e| e.to_string())
                });
            match written {
                // The summary can hold traffic whose calls were never imported one by one.
                Ok(0) => Reply::Notice(
                    Level::Info,
                    format!(
                        "No calls stored for this period (its traffic came as hourly totals, not CDRs): {} has the header only",
                        path.display()
                    ),
                ),
                Ok(n) => Reply::Notice(
                    Level::Info,
                    format!("{} (UTC) written to {}", count(n, "call"), path.display()),
                ),
                Err(e) => Reply::Notice(Level::Error, format!("CDR report not written: {e}")),
            }
        }
        Effect::Export { name, contents } => {
            let path = session.export_dir.join(name);
            let written = std::fs::create_dir_all(&session.export_dir)
                .and_then(|()| std::fs::write(&path, contents));
            match written {
                Ok(()) => Reply::Notice(Level::Info, format!("Exported to {}", path.display())),
                Err(e) => Reply::Notice(
                    Level::Error,
                    format!("Not exported to {}: {e}", path.display()),
                ),
            }
        }
        Effect::ImportCdrs(request) => {
            import(service, actor, &request, &session.export_dir, &mut |_| {})
        }
        Effect::LoadForEdit(id) => {
            Reply::EditReady(service.customer(id).map_err(|e| e.to_string()))
        }
        Effect::Delete(ids) => Reply::Deleted(match service.delete_customers(actor, &ids) {
            Ok(n) => Ok((
                ids,
                format!(
                    "Deleted {}; the audit log keeps their rows",
                    count(n, "customer")
                ),
            )),
            Err(e) => Err(e.to_string().replace('\n', " · ")),
        }),
        Effect::BulkPreview { ids, edit } => {
            Reply::BulkPreviewed(service.bulk_preview(&ids, &edit).map_err(|e| e.to_string()))
        }
        Effect::BulkApply { changes, edit } => {
            match service.bulk_apply_previewed(actor, &changes, &edit) {
                Ok(report) => {
                    let meanwhile = &report.changed_since_preview;
                    let since = if meanwhile.is_empty() {
                        String::new()
                    } else {
                        let names: Vec<String> = meanwhile
                            .iter()
                            .take(3)
                            .map(|(id, name)| format!("{name} (#{id})"))
                            .collect();
                        let more = match meanwhile.len().saturating_sub(3) {
                            0 => String::new(),
                            n => format!(" and {n} more"),
                        };
                        format!(
                            " · changed by someone else since the preview, their other changes kept: {}{more}",
                            names.join(", ")
                        )
                    };
                    Reply::Finished(
                        Level::Info,
                        format!(
                            "Bulk edit saved: {} changed, {} already had these values{since}",
                            count(report.changed, "customer"),
                            report.unchanged
                        ),
                    )
                }
                Err(e) => Reply::Finished(
                    Level::Error,
                    format!("Nothing changed: {}", e.to_string().replace('\n', " · ")),
                ),
            }
        }
        Effect::BulkUpload {
            path,
            dry_run: true,
        } => Reply::UploadChecked {
            result: service
                .import_customers(actor, &path, true)
                .map_err(|e| e.to_string()),
            path,
        },
        Effect::BulkUpload {
            path,
            dry_run: false,
        } => match service.import_customers(actor, &path, false) {
            Ok(r) if r.committed => Reply::Finished(
                Level::Info,
                format!(
                    "Created {} from {}",
                    count(r.customers.len(), "customer"),
                    path.display()
                ),
            ),
            // Found only now (another operator took a name meanwhile): the list says what.
            Ok(r) => Reply::UploadChecked {
                path,
                result: Ok(r),
            },
            Err(e) => Reply::Finished(Level::Error, format!("Nothing created: {e}")),
        },
        Effect::LoadScheduled { customer } => Reply::ScheduledLoaded {
            customer,
            result: service
                .scheduled_changes(customer, false)
                .map_err(|e| e.to_string()),
        },
        Effect::LoadUnmatched => Reply::UnmatchedLoaded(
            service
                .unmatched_cdrs(UNMATCHED_SHOWN)
                .map_err(|e| e.to_string()),
        ),
        Effect::CancelScheduled { id, customer } => match service.cancel_scheduled(actor, id) {
            Ok(()) => Reply::ScheduledLoaded {
                customer,
                result: service
                    .scheduled_changes(customer, false)
                    .map_err(|e| e.to_string()),
            },
            Err(e) => Reply::Notice(Level::Error, e.to_string()),
        },
        // The clipboard may need the terminal (OSC 52), which only the UI thread has.
        Effect::Copy { what, .. } => Reply::Notice(
            Level::Error,
            format!("{what} not copied: the clipboard is reached from the terminal's thread"),
        ),
        Effect::SaveColumns(columns) => {
            session.config.board_columns = columns.iter().map(|c| c.key().to_string()).collect();
            match &session.config_path {
                Some(path) => match session.config.save(path) {
                    Ok(()) => {
                        Reply::Notice(Level::Info, format!("Columns saved in {}", path.display()))
                    }
                    Err(e) => Reply::Notice(Level::Error, format!("Columns not saved: {e:#}")),
                },
                None => Reply::Notice(Level::Info, "Columns changed for this session".into()),
            }
        }
    }
}

/// Imports CDR files and reports progress lines as it goes; --skip-bad's rejected rows go
/// to `export_dir`.
pub fn import(
    service: &mut Service,
    actor: &Actor,
    request: &ImportRequest,
    export_dir: &Path,
    progress: &mut dyn FnMut(String),
) -> Reply {
    let rejects = request.rejects_in(export_dir);
    if rejects.is_some()
        && let Err(e) = std::fs::create_dir_all(export_dir)
    {
        let dir = export_dir.display();
        return Reply::Finished(
            Level::Error,
            format!("Not imported: cannot create {dir}: {e}"),
        );
    }
    let options = ImportOptions {
        format: request.format,
        zone: request.zone,
        rejects,
    };
    let result = service.import_cdrs(actor, &request.files, &options, &mut |p: ImportProgress| {
        let percent = (p.bytes_done * 100)
            .checked_div(p.bytes_total)
            .unwrap_or(100);
        progress(format!("Importing CDRs: {percent}% · {} rows read", p.rows));
    });
    match result {
        Ok(report) => {
            let rejects = report
                .reject_file
                .as_ref()
                .map_or_else(String::new, |path| {
                    format!(" · rejected rows in {}", path.display())
                });
            Reply::Imported(Ok((
                format!("{}{rejects}", report.one_line()),
                report.details(),
            )))
        }
        Err(e) => Reply::Imported(Err(e.to_string())),
    }
}

/// Applies the scheduled changes that are due. Any console does it; the database decides
/// which one gets each change, so each applies exactly once.
fn apply_due(service: &mut Service) -> Option<Reply> {
    match service.apply_due(chrono::Utc::now()) {
        Ok(r) if r.applied.is_empty() && r.failed.is_empty() => None,
        Ok(r) => Some(Reply::Finished(
            if r.failed.is_empty() {
                Level::Info
            } else {
                Level::Error
            },
            format!(
                "Scheduled changes: {} applied, {} could not be applied{}",
                r.applied.len(),
                r.failed.len(),
                r.failed
                    .first()
                    .map_or(String::new(), |f| format!(" ({})", f.result))
            ),
        )),
        // Another writer's long transaction (an import): the next round applies them.
        Err(e) if e.is_busy() => None,
        Err(e) => Some(Reply::Notice(
            Level::Error,
            format!("Scheduled changes not applied: {e}"),
        )),
    }
}

/// A handle to the database thread. Dropping it stops the thread.
pub struct Worker {
    requests: mpsc::Sender<Effect>,
}

impl Worker {
    pub fn spawn(
        service: Service,
        session: Session,
        events: tokio::sync::mpsc::UnboundedSender<Event>,
    ) -> Worker {
        let (requests, inbox) = mpsc::channel::<Effect>();
        if let Location::Server(url) = service.store().location() {
            listen(url, events.clone());
        }
        std::thread::Builder::new()
            .name("database".into())
            .spawn(move || serve(Database::new(service, session), &inbox, &events))
            .expect("the database thread starts");
        Worker { requests }
    }

    pub fn send(&self, effect: Effect) {
        // The thread only ends when the app is closing; a lost request does not matter then.
        let _ = self.requests.send(effect);
    }
}

/// Another operator's commit on PostgreSQL, heard on a thread and connection of its own
/// (LISTEN), reaches the screens at once; a lost connection is said and made again.
fn listen(url: &str, events: tokio::sync::mpsc::UnboundedSender<Event>) {
    let mut listener = Listener::new(url);
    let send = move |reply: Reply| events.send(Event::Reply(Box::new(reply))).is_ok();
    std::thread::spawn(move || {
        loop {
            let sent = match listener.wait(POLL) {
                None => true,
                Some(Heard::Changes(changes)) => send(Reply::Changed(changes)),
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
            let started = std::time::Instant::now();
            let label = effect.label();
            let replies = db.run(effect);
            tracing::debug!(took_ms = started.elapsed().as_millis() as u64, "{label}");
            for reply in replies {
                if !send(reply) {
                    return;
                }
            }
        }
    }
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
        let reply = match Service::open_at(&location) {
            Ok(mut own) => import(&mut own, &actor, &request, &export_dir, &mut |line| {
                let _ = events.send(Event::Reply(Box::new(Reply::Progress(line))));
            }),
            Err(e) => Reply::Finished(Level::Error, format!("Not imported: {e}")),
        };
        running.fetch_sub(1, Ordering::SeqCst);
        let _ = events.send(Event::Reply(Box::new(reply)));
    });
}
