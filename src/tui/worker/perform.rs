//! Running one effect against the database and wording its reply: the part of the database
//! thread that knows what each effect means.

use super::{CALLS_SHOWN, FIRST_SCREEN, Session};
use crate::cdr::request::{self, ImportRequest};
use crate::domain::rate_card::PrefixTable;
use crate::domain::{Actor, FieldError, count};
use crate::service::import::{ImportOptions, ImportProgress};
use crate::service::{Service, ServiceError, SettingChange};
use crate::tui::msg::{CallList, Effect, Level, LoadedCard, Reply, SaveError, SettingRefusal};
use std::path::Path;

/// Runs one effect on the calling thread and returns its reply.
pub(super) fn perform(service: &mut Service, session: &mut Session, effect: Effect) -> Reply {
    let actor = &session.actor;
    let now = session.clock.now();
    match effect {
        Effect::LoadBoardFirst => Reply::BoardLoaded {
            rows: service
                .board_first(now, FIRST_SCREEN)
                .map_err(|e| e.to_string()),
            complete: false,
            country: service.default_country().unwrap_or_default(),
        },
        Effect::LoadBoard => Reply::BoardLoaded {
            rows: service.board(now).map_err(|e| e.to_string()),
            complete: true,
            country: service.default_country().unwrap_or_default(),
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
        Effect::FindInContacts(search) => {
            Reply::ContactMatches(service.contact_matches(&search).map_err(|e| e.to_string()))
        }
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
            let written = crate::private::create_dir(&session.export_dir)
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
            let written = crate::private::create_dir(&session.export_dir)
                .and_then(|()| crate::private::write(&path, contents));
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
                    Reply::BulkApplied(format!(
                        "Bulk edit saved: {} changed, {} already had these values{since}",
                        count(report.changed, "customer"),
                        report.unchanged
                    ))
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
        Effect::LoadCalls(list) => Reply::CallsLoaded(
            list,
            match list {
                CallList::Unmatched => service.unmatched_cdrs(CALLS_SHOWN),
                CallList::Unrated => service.not_rated_cdrs(CALLS_SHOWN),
            }
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
        // Due now, and applied at once: the list shows it gone, or failed again and why.
        Effect::RetryScheduled { id, customer } => {
            let at = chrono::Utc::now();
            match service
                .retry_scheduled(actor, id, at)
                .and_then(|()| service.apply_due(at))
            {
                Ok(_) => Reply::ScheduledLoaded {
                    customer,
                    result: service
                        .scheduled_changes(customer, false)
                        .map_err(|e| e.to_string()),
                },
                Err(e) => Reply::Notice(Level::Error, e.to_string()),
            }
        }
        Effect::CompletePath { typed, home } => Reply::PathCompleted {
            result: request::complete(&typed, home.as_deref()),
            typed,
        },
        Effect::LoadRateCards => {
            Reply::RateCardsLoaded(service.rate_cards(now).map_err(|e| e.to_string()))
        }
        // The lookup table is built here, off the UI thread, once per load.
        Effect::LoadRateCard(name) => Reply::RateCardLoaded {
            result: service
                .rate_card_rows(&name, now)
                .map(|shown| {
                    Box::new(LoadedCard {
                        card: shown.card,
                        version: shown.version,
                        table: PrefixTable::new(shown.rows),
                    })
                })
                .map_err(|e| e.to_string()),
            name,
        },
        Effect::LoadSettings => {
            Reply::SettingsLoaded(service.settings().map_err(|e| e.to_string()))
        }
        Effect::ChangeSetting { key, value, expect } => {
            let change = SettingChange {
                key: &key,
                value: value.as_deref(),
                expect: Some(expect),
            };
            let result = service.change_setting(actor, &change).map_err(|e| match e {
                ServiceError::SettingConflict(theirs) => SettingRefusal::Conflict(theirs),
                other => SettingRefusal::Refused(other.to_string().replace('\n', " · ")),
            });
            let note = match &result {
                Ok(_) => service.setting_note(&key).ok().flatten(),
                Err(_) => None,
            };
            Reply::SettingChanged { key, result, note }
        }
        Effect::Sip(effect) => super::sip::perform(service, actor, effect),
        Effect::Contact(effect) => {
            super::contacts::perform(service, actor, &session.config, now, effect)
        }
        Effect::Mail(effect) => super::mail::perform(service, actor, &session.config, now, effect),
        // The clipboard may need the terminal (OSC 52), which only the UI thread has.
        Effect::Copy { what, .. } => Reply::Notice(
            Level::Error,
            format!("{what} not copied: the clipboard is reached from the terminal's thread"),
        ),
        Effect::SaveFilter { name, line } => {
            session.config.saved_filters.insert(name.clone(), line);
            match &session.config_path {
                Some(path) => match session.config.save(path) {
                    Ok(()) => Reply::Notice(
                        Level::Info,
                        format!("Filter saved as @{name} in {}", path.display()),
                    ),
                    Err(e) => Reply::Notice(
                        Level::Error,
                        format!("@{name} is kept for this session only: {e:#}"),
                    ),
                },
                None => Reply::Notice(Level::Info, format!("@{name} kept for this session")),
            }
        }
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
        && let Err(e) = crate::private::create_dir(export_dir)
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
pub(super) fn apply_due(service: &mut Service) -> Option<Reply> {
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
