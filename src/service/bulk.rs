//! Bulk edit of many customers: a preview, then one transaction for all of them or none.

use super::customers::{room_for_sip_users, write_row};
use super::{CustomerError, Result, Service, ServiceError, commit};
use crate::domain::{Actor, BulkChange, BulkEdit, Change, Customer, Topic};
use crate::store;
use std::collections::HashMap;

/// What a bulk edit did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkReport {
    /// Customers written, each with its own audit row.
    pub changed: usize,
    /// Customers that already had the edit's values.
    pub unchanged: usize,
    /// Customers someone else changed between the preview and the apply (id, name). The
    /// edit was applied to their current row, so the other change is kept too.
    pub changed_since_preview: Vec<(i64, String)>,
}

impl Service {
    /// Each customer as it is and as the edit would leave it. A rule broken for any of
    /// them is an error naming every such customer and field.
    pub fn bulk_preview(&self, ids: &[i64], edit: &BulkEdit) -> Result<Vec<BulkChange>> {
        ready(edit)?;
        let snapshot = self.store.read()?;
        let mut changes = Vec::with_capacity(ids.len());
        let mut problems = Vec::new();
        for &id in ids {
            let before = store::get_customer(&snapshot, id)?.ok_or(ServiceError::NotFound(id))?;
            let checked = match edit.apply_to(&before) {
                Ok(after) if after.channels >= before.channels => Ok(after),
                Ok(after) => match room_for_sip_users(&snapshot, &after) {
                    Ok(()) => Ok(after),
                    Err(ServiceError::InvalidFields(errors)) => Err(errors),
                    Err(e) => return Err(e),
                },
                Err(errors) => Err(errors),
            };
            match checked {
                Ok(after) => changes.push(BulkChange { before, after }),
                Err(errors) => problems.extend(errors.into_iter().map(|error| CustomerError {
                    id,
                    name: before.name.clone(),
                    error,
                })),
            }
        }
        if problems.is_empty() {
            Ok(changes)
        } else {
            Err(ServiceError::InvalidCustomers(problems))
        }
    }

    /// Applies the edit to every customer in one transaction: all of them, or none when a
    /// rule is broken for any (the error names each). Each customer is read again inside
    /// the transaction and only the edit's fields are set on that current row, so a change
    /// another operator made meanwhile, or an overlapping bulk edit, is kept.
    pub fn bulk_apply(
        &mut self,
        actor: &Actor,
        ids: &[i64],
        edit: &BulkEdit,
    ) -> Result<BulkReport> {
        let targets: Vec<(i64, Option<i64>)> = ids.iter().map(|&id| (id, None)).collect();
        self.bulk_write(actor, &targets, edit)
    }

    /// `bulk_apply` on the customers of a preview; the report also names those whose row
    /// changed since the preview was read.
    pub fn bulk_apply_previewed(
        &mut self,
        actor: &Actor,
        preview: &[BulkChange],
        edit: &BulkEdit,
    ) -> Result<BulkReport> {
        let targets: Vec<(i64, Option<i64>)> = preview
            .iter()
            .map(|c| (c.before.id, Some(c.before.version)))
            .collect();
        self.bulk_write(actor, &targets, edit)
    }

    /// `targets` are ids with the version the preview saw, if there was one.
    fn bulk_write(
        &mut self,
        actor: &Actor,
        targets: &[(i64, Option<i64>)],
        edit: &BulkEdit,
    ) -> Result<BulkReport> {
        ready(edit)?;
        let now = store::now_text();
        let message = format!("Bulk edit of {} customers", targets.len());
        let tx = self.store.write()?;
        // Every row read (and on PostgreSQL locked, in id order) with one statement: one
        // read a customer cost a sixth of the commit.
        let ids: Vec<i64> = targets.iter().map(|t| t.0).collect();
        let mut read: HashMap<i64, Customer> = store::get_customers(&tx, &ids)?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let mut report = BulkReport::default();
        let mut problems = Vec::new();
        let mut written_ids = Vec::new();
        for &(id, seen) in targets {
            // An id given twice is read again, as the first edit left it.
            let current = match read.remove(&id) {
                Some(c) => c,
                None => store::get_customer(&tx, id)?.ok_or(ServiceError::NotFound(id))?,
            };
            if seen.is_some_and(|v| v != current.version) {
                report
                    .changed_since_preview
                    .push((id, current.name.clone()));
            }
            // The edit's fields pass their rules as it builds the row (`BulkEdit::apply_to`).
            let written = edit
                .apply_to(&current)
                .map_err(ServiceError::InvalidFields)
                .and_then(|after| {
                    // Once one customer fails nothing will be committed: only look for more errors.
                    if problems.is_empty() {
                        write_row(&tx, actor, &current, after, &message, &now)
                    } else {
                        Ok(None)
                    }
                });
            match written {
                Ok(Some(_)) => {
                    report.changed += 1;
                    written_ids.push(id);
                }
                Ok(None) => report.unchanged += 1,
                Err(ServiceError::InvalidFields(errors)) => {
                    problems.extend(errors.into_iter().map(|error| CustomerError {
                        id,
                        name: current.name.clone(),
                        error,
                    }))
                }
                Err(e) => return Err(e),
            }
        }
        if !problems.is_empty() {
            return Err(ServiceError::InvalidCustomers(problems));
        }
        commit(tx, [Change::ids(Topic::Customers, written_ids)])?;
        Ok(report)
    }
}

/// An edit that sets nothing, or sets a value no customer could take, is refused before
/// any customer is read.
fn ready(edit: &BulkEdit) -> Result<()> {
    if edit.is_empty() {
        return Err(ServiceError::Invalid {
            field: "bulk edit",
            message: "it sets no field".into(),
        });
    }
    edit.check().map_err(ServiceError::InvalidFields)
}
