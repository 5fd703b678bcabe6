//! The database task: a thread that owns the connection, runs effects one at a time and
//! sends their results back as events. It also polls PRAGMA data_version about once a
//! second and reports other operators' commits.

use super::app::{Effect, Event, Level, SaveError};
use super::clock::Clock;
use super::columns::ColumnId;
use super::import_request::ImportRequest;
use crate::config::Config;
use crate::domain::{Actor, FieldError, count};
use crate::service::import::{ImportOptions, ImportProgress};
use crate::service::{Service, ServiceError};
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

/// Runs one effect on the calling thread and returns the event it produces. The worker
/// uses it; tests call it directly to drive the app without threads.
pub fn perform(service: &mut Service, session: &mut Session, effect: Effect) -> Event {
    let actor = &session.actor;
    let now = session.clock.now();
    match effect {
        Effect::LoadBoardFirst => Event::BoardLoaded {
            rows: service
                .board_first(now, FIRST_SCREEN)
                .map_err(|e| e.to_string()),
            complete: false,
        },
        Effect::LoadBoard => Event::BoardLoaded {
            rows: service.board(now).map_err(|e| e.to_string()),
            complete: true,
        },
        Effect::LoadCard(id) => match service.card(id, now) {
            Err(ServiceError::NotFound(_)) => Event::CustomerGone(id),
            result => Event::CardLoaded(id, result.map_err(|e| e.to_string())),
        },
        Effect::SaveCustomer { customer, stay } => {
            // A customer without an id is a new one.
            let result = if customer.id == 0 {
                service.create_customer(actor, &customer)
            } else {
                service.update_customer(actor, &customer)
            };
            Event::Saved {
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
            Event::Scheduled(
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
        Effect::LoadSummary { customer, period } => Event::SummaryLoaded {
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
                Ok(0) => Event::Notice(
                    Level::Info,
                    format!(
                        "No calls stored for this period (its traffic came as hourly totals, not CDRs): {} has the header only",
                        path.display()
                    ),
                ),
                Ok(n) => Event::Notice(
                    Level::Info,
                    format!("{} (UTC) written to {}", count(n, "call"), path.display()),
                ),
                Err(e) => Event::Notice(Level::Error, format!("CDR report not written: {e}")),
            }
        }
        Effect::Export { name, contents } => {
            let path = session.export_dir.join(name);
            let written = std::fs::create_dir_all(&session.export_dir)
                .and_then(|()| std::fs::write(&path, contents));
            match written {
                Ok(()) => Event::Notice(Level::Info, format!("Exported to {}", path.display())),
                Err(e) => Event::Notice(
                    Level::Error,
                    format!("Not exported to {}: {e}", path.display()),
                ),
            }
        }
        Effect::ImportCdrs(request) => {
            import(service, actor, &request, &session.export_dir, &mut |_| {})
        }
        Effect::LoadForEdit(id) => {
            Event::EditReady(service.customer(id).map_err(|e| e.to_string()))
        }
        Effect::Delete(ids) => match service.delete_customers(actor, &ids) {
            Ok(n) => Event::Finished(
                Level::Info,
                format!(
                    "Deleted {}; the audit log keeps their rows",
                    count(n, "customer")
                ),
            ),
            Err(e) => Event::Finished(Level::Error, e.to_string().replace('\n', " · ")),
        },
        Effect::BulkPreview { ids, edit } => {
            Event::BulkPreviewed(service.bulk_preview(&ids, &edit).map_err(|e| e.to_string()))
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
                    Event::Finished(
                        Level::Info,
                        format!(
                            "Bulk edit saved: {} changed, {} already had these values{since}",
                            count(report.changed, "customer"),
                            report.unchanged
                        ),
                    )
                }
                Err(e) => Event::Finished(
                    Level::Error,
                    format!("Nothing changed: {}", e.to_string().replace('\n', " · ")),
                ),
            }
        }
        Effect::BulkUpload {
            path,
            dry_run: true,
        } => Event::UploadChecked {
            result: service
                .import_customers(actor, &path, true)
                .map_err(|e| e.to_string()),
            path,
        },
        Effect::BulkUpload {
            path,
            dry_run: false,
        } => match service.import_customers(actor, &path, false) {
            Ok(r) if r.committed => Event::Finished(
                Level::Info,
                format!(
                    "Created {} from {}",
                    count(r.customers.len(), "customer"),
                    path.display()
                ),
            ),
            // Found only now (another operator took a name meanwhile): the list says what.
            Ok(r) => Event::UploadChecked {
                path,
                result: Ok(r),
            },
            Err(e) => Event::Finished(Level::Error, format!("Nothing created: {e}")),
        },
        Effect::LoadScheduled { customer } => Event::ScheduledLoaded {
            customer,
            result: service
                .scheduled_changes(customer, false)
                .map_err(|e| e.to_string()),
        },
        Effect::LoadUnmatched => Event::UnmatchedLoaded(
            service
                .unmatched_cdrs(UNMATCHED_SHOWN)
                .map_err(|e| e.to_string()),
        ),
        Effect::CancelScheduled { id, customer } => match service.cancel_scheduled(actor, id) {
            Ok(()) => Event::ScheduledLoaded {
                customer,
                result: service
                    .scheduled_changes(customer, false)
                    .map_err(|e| e.to_string()),
            },
            Err(e) => Event::Notice(Level::Error, e.to_string()),
        },
        // The clipboard may need the terminal (OSC 52), which only the UI thread has.
        Effect::Copy { what, .. } => Event::Notice(
            Level::Error,
            format!("{what} not copied: the clipboard is reached from the terminal's thread"),
        ),
        Effect::SaveColumns(columns) => {
            session.config.board_columns = columns.iter().map(|c| c.key().to_string()).collect();
            match &session.config_path {
                Some(path) => match session.config.save(path) {
                    Ok(()) => {
                        Event::Notice(Level::Info, format!("Columns saved in {}", path.display()))
                    }
                    Err(e) => Event::Notice(Level::Error, format!("Columns not saved: {e:#}")),
                },
                None => Event::Notice(Level::Info, "Columns changed for this session".into()),
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
) -> Event {
    let rejects = request.rejects_in(export_dir);
    if rejects.is_some()
        && let Err(e) = std::fs::create_dir_all(export_dir)
    {
        let dir = export_dir.display();
        return Event::Finished(
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
            Event::Imported(Ok((
                format!("{}{rejects}", report.one_line()),
                report.details(),
            )))
        }
        Err(e) => Event::Imported(Err(e.to_string())),
    }
}

/// Applies the scheduled changes that are due. Any console does it; the database decides
/// which one gets each change, so each applies exactly once.
fn apply_due(service: &mut Service) -> Option<Event> {
    match service.apply_due(chrono::Utc::now()) {
        Ok(r) if r.applied.is_empty() && r.failed.is_empty() => None,
        Ok(r) => Some(Event::Finished(
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
        Err(e) => Some(Event::Notice(
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
        mut service: Service,
        mut session: Session,
        events: tokio::sync::mpsc::UnboundedSender<Event>,
    ) -> Worker {
        let (requests, inbox) = mpsc::channel::<Effect>();
        std::thread::Builder::new()
            .name("database".into())
            .spawn(move || {
                let mut seen = service.data_version().ok();
                let mut idle: u64 = 0;
                // Imports running on their own threads: while one holds the write lock,
                // applying due changes would only keep this thread (and every card and
                // view it loads) waiting for the lock.
                let importing = Arc::new(AtomicUsize::new(0));
                loop {
                    match inbox.recv_timeout(POLL) {
                        // An import runs on a connection of its own, so that the console
                        // keeps loading cards and views meanwhile.
                        Ok(Effect::ImportCdrs(request)) => {
                            let path = service.store().path().to_path_buf();
                            let (actor, events) = (session.actor.clone(), events.clone());
                            let export_dir = session.export_dir.clone();
                            let running = Arc::clone(&importing);
                            running.fetch_add(1, Ordering::SeqCst);
                            std::thread::spawn(move || {
                                let event = match Service::open(&path) {
                                    Ok(mut own) => import(
                                        &mut own,
                                        &actor,
                                        &request,
                                        &export_dir,
                                        &mut |line| {
                                            let _ = events.send(Event::Progress(line));
                                        },
                                    ),
                                    Err(e) => {
                                        Event::Finished(Level::Error, format!("Not imported: {e}"))
                                    }
                                };
                                running.fetch_sub(1, Ordering::SeqCst);
                                let _ = events.send(event);
                            });
                        }
                        Ok(effect) => {
                            let started = std::time::Instant::now();
                            let label = format!("{effect:?}");
                            let event = perform(&mut service, &mut session, effect);
                            tracing::debug!(
                                took_ms = started.elapsed().as_millis() as u64,
                                "{}",
                                truncate(&label)
                            );
                            if events.send(event).is_err() {
                                return;
                            }
                        }
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            idle += 1;
                            if idle.is_multiple_of(APPLY_DUE_EVERY)
                                && importing.load(Ordering::SeqCst) == 0
                                && let Some(event) = apply_due(&mut service)
                                && events.send(event).is_err()
                            {
                                return;
                            }
                            let now = service.data_version().ok();
                            if now != seen {
                                seen = now;
                                if events.send(Event::DataChanged).is_err() {
                                    return;
                                }
                            }
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .expect("the database thread starts");
        Worker { requests }
    }

    pub fn send(&self, effect: Effect) {
        // The thread only ends when the app is closing; a lost request does not matter then.
        let _ = self.requests.send(effect);
    }
}

fn truncate(s: &str) -> &str {
    s.char_indices().nth(60).map_or(s, |(i, _)| &s[..i])
}
