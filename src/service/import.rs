//! Importing CDR files into calls and the hourly summary, and the CDR report.

use super::{Result, Service, ServiceError, commit};
use crate::cdr::native::NativeWriter;
use crate::cdr::{
    CdrFile, Field, FileZone, Format, Matcher, RejectFile, Row, RowError, Totals, uid_taken,
};
use crate::csv_input::MAX_BAD_ROWS_IN_A_ROW;
use crate::domain::rater::Rater;
use crate::domain::rating::{ChargedBy, CostBy};
use crate::domain::{Actor, Cdr, Change, Topic, Verb, count};
use crate::store::{self, CdrWriter, HourlyWriter, NewAudit, Stored};
use csv::ByteRecord;
use serde::Serialize;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to read the files of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// None: guess each file's format from its first rows.
    pub format: Option<Format>,
    /// The zone the files' times are written in (Asterisk and FreeSWITCH log local time).
    pub zone: FileZone,
    /// With a path, rows that cannot be understood are skipped and written there with the
    /// reason; without, the first such row stops the import and nothing is imported.
    pub rejects: Option<PathBuf>,
}

/// How far an import has got, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportProgress {
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub rows: u64,
}

/// One file of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub path: PathBuf,
    /// None for a file without a single row.
    pub format: Option<Format>,
    /// Whether the format was guessed from the first rows rather than given.
    pub guessed: bool,
    pub rows: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRef {
    pub id: i64,
    pub name: String,
}

/// What an import did, for the operator and for its audit row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    /// The zone the files' local times were read in.
    pub zone: String,
    /// Rows read, rejected ones included.
    pub rows: u64,
    /// New calls stored.
    pub inserted: u64,
    /// Calls stored by an earlier import without a customer, which have one now.
    pub claimed: u64,
    /// Calls stored before: skipped.
    pub duplicates: u64,
    /// New calls that matched no customer (stored, to be listed); duplicates not counted.
    pub unmatched: u64,
    /// Rows skipped as bad (only with a reject file).
    pub rejected: u64,
    pub reject_file: Option<PathBuf>,
    /// Customers whose new calls were priced at their flat per-minute rate.
    pub rated: Vec<CustomerRef>,
    /// Customers with new calls but neither a rate card nor a rate: charged 0.
    pub no_rate: Vec<CustomerRef>,
    /// Customers whose new calls came priced, in native files.
    pub priced_by_file: Vec<CustomerRef>,
    /// Customers whose new calls were priced by their rate card.
    pub by_card: Vec<CustomerRef>,
    /// New calls by how their charge was found.
    pub calls: PricedCalls,
    /// Hourly summary rows added to or created.
    pub hours: u64,
}

/// How many new calls each way of pricing priced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PricedCalls {
    pub by_card: u64,
    pub by_flat_rate: u64,
    pub by_file: u64,
    /// Answered calls of customers with a card that no row of it covers: charged nothing,
    /// listed by `import cdrs --unrated`.
    pub unrated: u64,
    /// Calls whose cost no cost card gives (or no exchange rate converts): stored as 0 and
    /// listed, never taken for a cost of 0.
    pub cost_unknown: u64,
    /// Calls that named no provider and took the default cost card (FreeSWITCH's templates
    /// name no gateway).
    pub default_cost_card: u64,
}

/// How the new calls of a customer were priced in an import, as bits.
const RATED: u8 = 1;
const NO_RATE: u8 = 2;
const PRICED_BY_FILE: u8 = 4;
const BY_CARD: u8 = 8;

impl Service {
    /// Imports CDR files in one transaction: each row is checked, matched to its customer,
    /// priced, stored unless its uid is stored already, and rolled up into the hourly
    /// summary. A row that cannot be understood stops everything (`FILE line N, field F:
    /// ...`) unless `options.rejects` names a file for such rows. One audit row records it.
    ///
    /// The import is recorded as running (`Service::recorded`), so that writers it keeps
    /// waiting can say whose it is.
    pub fn import_cdrs(
        &mut self,
        actor: &Actor,
        files: &[PathBuf],
        options: &ImportOptions,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        self.recorded(actor, "import", |service, record| {
            service.import_recorded(record, actor, files, options, progress)
        })
    }

    fn import_recorded(
        &mut self,
        record: i64,
        actor: &Actor,
        files: &[PathBuf],
        options: &ImportOptions,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        let mut state = ImportProgress {
            bytes_total: files
                .iter()
                .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
                .sum(),
            ..ImportProgress::default()
        };
        let now = store::now_text();
        let tx = self.store.write()?;
        let matcher = Arc::new(Matcher::new(
            store::cdr_customers(&tx)?,
            store::sip_users(&tx)?,
        ));
        let mut import = Import {
            pricing: vec![0; matcher.customer_count()],
            rater: store::rater(&tx)?,
            matcher,
            zone: options.zone,
            totals: Totals::default(),
            rejects: options.rejects.clone().map(RejectFile::new),
            bad_in_a_row: 0,
            report: ImportReport {
                zone: options.zone.to_string(),
                ..ImportReport::default()
            },
        };
        let mut writer = CdrWriter::new(&tx)?;
        for path in files {
            import.file(path, options.format, &mut writer, &mut state, progress)?;
        }
        drop(writer);

        let mut hourly = HourlyWriter::new(&tx)?;
        for (customer, hour, traffic) in import.totals.hours() {
            hourly
                .add(customer, hour, &traffic)
                .map_err(summary_error)?;
            import.report.hours += 1;
        }
        hourly.finish().map_err(summary_error)?;
        // The customers with new calls: their summary and last call change too.
        let mut customers = Vec::new();
        for (customer, at) in import.totals.last_calls() {
            store::note_last_call(&tx, customer, at)?;
            customers.push(customer);
        }
        let mut report = import.finish()?;
        report.rows = state.rows;
        let r = &report;
        let message = format!(
            "Import CDRs: {} rows from {} files, {} new, {} claimed, {} duplicates, {} unmatched, {} rejected",
            r.rows,
            r.files.len(),
            r.inserted,
            r.claimed,
            r.duplicates,
            r.unmatched,
            r.rejected
        );
        NewAudit {
            actor,
            verb: Verb::Post,
            table: "cdrs",
            // An import touches many rows; its message and data say what it did.
            row_id: 0,
            customer_id: None,
            message: &message,
            data: &serde_json::to_value(&report).unwrap_or_default(),
        }
        .insert(&tx, &now)?;
        store::finish_job(&tx, record)?;
        let topics = [Topic::Calls, Topic::Summaries, Topic::Customers];
        let mut changes = topics
            .map(|t| Change::ids(t, customers.iter().copied()))
            .to_vec();
        if report.unmatched > 0 {
            // Calls of no customer, listed apart: no id to name.
            changes.push(Change::many(Topic::Calls));
        }
        commit(tx, changes)?;
        Ok(report)
    }

    /// Writes a customer's calls with `from <= start < to` (unix seconds) to `path` as
    /// native CSV in UTC: the CDR report behind a summary row. Returns how many there were.
    pub fn export_cdrs(&self, customer_id: i64, from: i64, to: i64, path: &Path) -> Result<u64> {
        let customer = self.customer(customer_id)?;
        let cannot_write = |e: std::io::Error| ServiceError::File {
            path: path.to_path_buf(),
            message: format!("cannot write it: {e}"),
        };
        // It holds customers' phone numbers: readable by its owner only, as the database is.
        let file = crate::private::create(path).map_err(cannot_write)?;
        let mut out =
            NativeWriter::new(BufWriter::new(file), customer.currency).map_err(cannot_write)?;
        let n = self.store.for_each_cdr(customer_id, from, to, |cdr| {
            out.write(cdr).map_err(cannot_write)
        })?;
        out.finish()
            .and_then(|mut w| w.flush())
            .map_err(cannot_write)?;
        Ok(n)
    }

    /// Calls that matched no customer: how many there are, and the oldest `limit` of them.
    pub fn unmatched_cdrs(&self, limit: usize) -> Result<(i64, Vec<Cdr<'static>>)> {
        Ok((
            self.store.unmatched_count()?,
            self.store.unmatched_cdrs(limit)?,
        ))
    }
}

/// The running state of one import.
struct Import {
    /// Shared with the threads that read the files, which match each row to its customer.
    matcher: Arc<Matcher>,
    /// Per customer index: how its new calls were priced (RATED, NO_RATE, ...), as bits.
    pricing: Vec<u8>,
    rater: Rater,
    zone: FileZone,
    totals: Totals,
    rejects: Option<RejectFile>,
    /// Rows rejected since the last one imported.
    bad_in_a_row: u64,
    report: ImportReport,
}

/// A row read and priced, waiting for its batch to be stored.
struct Priced<'r> {
    cdr: Cdr<'r>,
    /// Its customer's index in the matcher, if it matched one.
    index: Option<usize>,
}

impl Import {
    fn file(
        &mut self,
        path: &Path,
        format: Option<Format>,
        writer: &mut CdrWriter,
        state: &mut ImportProgress,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<()> {
        let file_error = |message: String| ServiceError::File {
            path: path.to_path_buf(),
            message,
        };
        let opened = CdrFile::open(path, format).map_err(file_error)?;
        let mut report = FileReport {
            path: path.to_path_buf(),
            format: opened.as_ref().map(CdrFile::format),
            guessed: opened.as_ref().is_some_and(CdrFile::guessed),
            rows: 0,
        };
        let done_before = state.bytes_done;
        if let Some(file) = opened {
            let size = file.size();
            let mut rows = file.read(self.zone, Arc::clone(&self.matcher));
            let uid_field = rows.uid_field();
            while let Some(mut batch) = rows.next_batch().map_err(file_error)? {
                // The batch's rows are read and priced first, their calls stored together
                // (one round trip on PostgreSQL), then each row counted or rejected in order.
                let mut read = Vec::new();
                for (rec, checked) in batch.rows() {
                    report.rows += 1;
                    state.rows += 1;
                    let priced = checked.and_then(|checked| self.price(rows.row(rec, checked)));
                    read.push((rec, priced));
                }
                let calls: Vec<&Cdr> = read
                    .iter()
                    .filter_map(|(_, priced)| priced.as_ref().ok().map(|p| &p.cdr))
                    .collect();
                let mut stored = writer.write_all(&calls)?.into_iter();
                for (rec, priced) in read {
                    let outcome = priced.and_then(|priced| {
                        let stored = stored.next().expect("one outcome per call written");
                        self.count(priced, stored, uid_field)
                    });
                    if outcome.is_ok() {
                        self.bad_in_a_row = 0;
                    }
                    match outcome {
                        Ok(Some(cdr)) => {
                            // The call is stored already: an overflow stops the whole import,
                            // whatever --skip-bad says.
                            if let Err(message) = self.totals.add(&cdr) {
                                let error = RowError {
                                    line: 0,
                                    field: None,
                                    message,
                                };
                                return Err(ServiceError::BadRow {
                                    path: path.to_path_buf(),
                                    error: rows.locate(rec, error),
                                });
                            }
                        }
                        Ok(None) => {}
                        Err(error) => {
                            let error = rows.locate(rec, error);
                            self.reject(path, error, rec.bytes())?;
                        }
                    }
                }
                state.bytes_done = done_before + batch.bytes_read();
                progress(*state);
                rows.recycle(batch);
            }
            state.bytes_done = done_before + size;
        }
        progress(*state);
        self.report.files.push(report);
        Ok(())
    }

    /// Matches and prices one checked row.
    fn price<'r>(&self, row: Row<'r>) -> std::result::Result<Priced<'r>, RowError> {
        let index = row.customer;
        let customer = index.map(|i| self.matcher.customer(i));
        Ok(Priced {
            cdr: row.into_cdr(customer, &self.rater)?,
            index,
        })
    }

    /// Counts a stored call, and gives it back when it is new, to be added to the summary.
    /// A row whose uid is that of a different call stored already is a bad row, named by
    /// its `uid_field`.
    fn count<'r>(
        &mut self,
        priced: Priced<'r>,
        stored: Stored,
        uid_field: Option<Field>,
    ) -> std::result::Result<Option<Cdr<'r>>, RowError> {
        let Priced { cdr, index } = priced;
        let r = &mut self.report;
        match &stored {
            Stored::Inserted => r.inserted += 1,
            Stored::Claimed => r.claimed += 1,
            Stored::Duplicate => r.duplicates += 1,
            Stored::Taken {
                start_at,
                account_code,
            } => return Err(uid_taken(uid_field, *start_at, account_code)),
        }
        let customer = index.map(|i| self.matcher.customer(i));
        match (index, customer) {
            // New calls without a customer: one stored before is a duplicate, counted there.
            (None, _) if stored != Stored::Duplicate => r.unmatched += 1,
            (Some(i), Some(c)) if stored != Stored::Duplicate => {
                let calls = &mut r.calls;
                self.pricing[i] |= match cdr.charged_by {
                    ChargedBy::File => {
                        calls.by_file += 1;
                        PRICED_BY_FILE
                    }
                    ChargedBy::Card => {
                        calls.by_card += 1;
                        BY_CARD
                    }
                    ChargedBy::Unrated => {
                        calls.unrated += 1;
                        BY_CARD
                    }
                    ChargedBy::Flat if c.tariff.is_priced() => {
                        calls.by_flat_rate += 1;
                        RATED
                    }
                    ChargedBy::Flat | ChargedBy::Nobody => {
                        calls.by_flat_rate += 1;
                        NO_RATE
                    }
                };
                if cdr.cost_by == CostBy::Unknown {
                    calls.cost_unknown += 1;
                } else if cdr.cost_by == CostBy::Card
                    && cdr.provider.is_empty()
                    && self.rater.cost_card("").is_some()
                {
                    calls.default_cost_card += 1;
                }
            }
            _ => {}
        }
        Ok((stored != Stored::Duplicate).then_some(cdr))
    }

    /// A bad row stops the import, or with a reject file goes there; so many bad rows in a
    /// row stop it as well.
    fn reject(&mut self, path: &Path, error: RowError, rec: &ByteRecord) -> Result<()> {
        let Some(rejects) = &mut self.rejects else {
            return Err(ServiceError::BadRow {
                path: path.to_path_buf(),
                error,
            });
        };
        rejects
            .write(path, &error, rec)
            .map_err(|e| reject_file_error(rejects.path(), e))?;
        self.report.rejected += 1;
        self.bad_in_a_row += 1;
        if self.bad_in_a_row == MAX_BAD_ROWS_IN_A_ROW {
            return Err(ServiceError::File {
                path: path.to_path_buf(),
                message: format!(
                    "line {}: {MAX_BAD_ROWS_IN_A_ROW} bad rows in a row: stopped, nothing \
                     imported (is it a CDR file, and of the format given?)",
                    error.line
                ),
            });
        }
        Ok(())
    }

    fn finish(mut self) -> Result<ImportReport> {
        if let Some(rejects) = self.rejects.take() {
            let path = rejects.path().to_path_buf();
            self.report.reject_file = rejects.finish().map_err(|e| reject_file_error(&path, e))?;
        }
        for (i, &how) in self.pricing.iter().enumerate() {
            let c = self.matcher.customer(i);
            let who = || CustomerRef {
                id: c.id,
                name: c.name.clone(),
            };
            for (bit, list) in [
                (RATED, &mut self.report.rated),
                (NO_RATE, &mut self.report.no_rate),
                (PRICED_BY_FILE, &mut self.report.priced_by_file),
                (BY_CARD, &mut self.report.by_card),
            ] {
                if how & bit != 0 {
                    list.push(who());
                }
            }
        }
        Ok(self.report)
    }
}

/// An hourly total that the import's calls would take past what it can hold is a refusal
/// with its reason, on either engine.
pub(super) fn summary_error(e: store::Error) -> ServiceError {
    match e {
        store::Error::Overflow => ServiceError::Invalid {
            field: "hourly summary",
            message: "a customer's total for an hour would overflow with these calls added to \
                      the calls stored before; nothing was imported"
                .into(),
        },
        e => e.into(),
    }
}

fn reject_file_error(path: &Path, e: std::io::Error) -> ServiceError {
    ServiceError::File {
        path: path.to_path_buf(),
        message: format!("cannot write the rejected rows there: {e}"),
    }
}

/// How many customers a line of the details names before it just counts.
const NAMES_SHOWN: usize = 10;

impl ImportReport {
    /// The import in full, a line per fact: each file and its format, the counts, the
    /// customers by how their calls were priced.
    pub fn details(&self) -> String {
        use std::fmt::Write as _;
        let r = self;
        let mut s = String::new();
        for f in &r.files {
            let how = match f.format {
                None => "empty".to_string(),
                Some(format) if f.guessed => format!("{format}, guessed from its first rows"),
                Some(format) => format.to_string(),
            };
            let _ = writeln!(s, "  {}: {how}, {}", f.path.display(), count(f.rows, "row"));
        }
        let _ = writeln!(s, "  times read as {}", r.zone);
        let line = |s: &mut String, label: &str, n: u64, note: &str| {
            let _ = writeln!(s, "  {label:<11} {n:>10}{note}");
        };
        line(&mut s, "new calls", r.inserted, "");
        if r.claimed > 0 {
            line(
                &mut s,
                "claimed",
                r.claimed,
                "  stored earlier without a customer, matched now",
            );
        }
        line(
            &mut s,
            "duplicates",
            r.duplicates,
            "  stored before: skipped",
        );
        let unmatched_note = if r.unmatched > 0 {
            "  no customer: stored, listed by `import cdrs --unmatched` or the palette's Unmatched CDRs"
        } else {
            ""
        };
        line(&mut s, "unmatched", r.unmatched, unmatched_note);
        line(&mut s, "rejected", r.rejected, "");
        if let Some(path) = &r.reject_file {
            let _ = writeln!(
                s,
                "  rejected rows and their reasons are in {}",
                path.display()
            );
        }
        let _ = writeln!(s, "  hourly summary rows updated: {}", r.hours);
        let customers = |s: &mut String, label: &str, list: &[CustomerRef]| {
            if list.is_empty() {
                return;
            }
            let names: Vec<String> = list
                .iter()
                .take(NAMES_SHOWN)
                .map(|c| format!("{} (#{})", c.name, c.id))
                .collect();
            let more = match list.len().saturating_sub(NAMES_SHOWN) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            let _ = writeln!(s, "{label}: {}{more}", names.join(", "));
        };
        let c = &r.calls;
        line(
            &mut s,
            "by card",
            c.by_card,
            "  priced by the customer's rate card",
        );
        line(
            &mut s,
            "flat rate",
            c.by_flat_rate,
            "  priced at the customer's per-minute rate",
        );
        line(&mut s, "by file", c.by_file, "  priced in the file");
        let unrated_note = if c.unrated > 0 {
            "  no row of the customer's card covers the number: charged nothing, listed by `import cdrs --unrated`"
        } else {
            ""
        };
        line(&mut s, "unrated", c.unrated, unrated_note);
        let unknown_note = if c.cost_unknown > 0 {
            "  no cost card covers them (or no fx rate converts it): cost stored as 0, listed by `import cdrs --unrated`"
        } else {
            ""
        };
        line(&mut s, "cost unknown", c.cost_unknown, unknown_note);
        if c.default_cost_card > 0 {
            let _ = writeln!(
                s,
                "  {} named no provider (FreeSWITCH's templates name no gateway): costed by the default cost card",
                count(c.default_cost_card, "call")
            );
        }
        customers(&mut s, "Priced by rate card", &r.by_card);
        customers(&mut s, "Rated at the customer's rate", &r.rated);
        customers(&mut s, "No rate card or rate, charged 0", &r.no_rate);
        customers(&mut s, "Priced by the file", &r.priced_by_file);
        s
    }

    /// The import in one line, for a status bar.
    pub fn one_line(&self) -> String {
        let formats: Vec<String> = self
            .files
            .iter()
            .filter_map(|f| f.format)
            .map(|f| f.to_string())
            .collect();
        let mut parts = vec![format!(
            "Imported {} new calls from {} rows ({})",
            self.inserted,
            self.rows,
            if formats.is_empty() {
                "empty".into()
            } else {
                formats.join(", ")
            }
        )];
        if self.duplicates > 0 {
            parts.push(format!("{} duplicates skipped", self.duplicates));
        }
        if self.unmatched > 0 {
            parts.push(format!("{} matched no customer", self.unmatched));
        }
        if self.rejected > 0 {
            parts.push(format!("{} rejected", self.rejected));
        }
        if self.calls.unrated > 0 {
            parts.push(format!("{} unrated", self.calls.unrated));
        }
        if self.calls.cost_unknown > 0 {
            parts.push(format!("{} of unknown cost", self.calls.cost_unknown));
        }
        if !self.no_rate.is_empty() {
            parts.push(format!(
                "{} customers without a rate (charged 0)",
                self.no_rate.len()
            ));
        }
        parts.join(" · ")
    }
}
