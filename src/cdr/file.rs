//! Reading a CDR file: guessing its format, checking each row, and pricing it for its customer.

use super::Matcher;
use super::layout::{Answered, Layout};
use super::time::{FileZone, LocalClock, STAMP_SHAPE, parse_stamp, utc_text};
use super::{Field, Format, RowError};
use crate::csv_input::{Rows, Size};
use crate::domain::cdr::{check_call_amount, provider};
use crate::domain::rater::{CallToRate, Rated, Rater};
use crate::domain::rating::{ChargedBy, CostBy};
use crate::domain::{Cdr, CdrCustomer, Currency};
use crate::private;
use crate::spreadsheet;
use csv::{ByteRecord, StringRecord};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;

/// How many rows the format is guessed from.
const GUESS_ROWS: usize = 5;

/// A CDR file open for reading, its format known.
pub struct CdrFile {
    layout: Layout,
    guessed: bool,
    /// The first rows, read to settle the format and not checked yet.
    first: VecDeque<(ByteRecord, Size)>,
    reader: Rows<File>,
    size: u64,
}

impl CdrFile {
    /// Opens a file and settles its format: `format`, or the one its first rows fit (a native
    /// file is known by its header). None when the file holds no rows at all. The error says
    /// what is wrong with the file as a whole, without its name.
    pub fn open(path: &Path, format: Option<Format>) -> Result<Option<CdrFile>, String> {
        let file = File::open(path).map_err(|e| format!("cannot open it: {e}"))?;
        let size = file.metadata().map_or(0, |m| m.len());
        // Only the native format has a header, and whether a file is native is only known
        // after reading its first row.
        let mut reader = Rows::new(file);
        // Kept to be checked after the guess rather than read again: a pipe cannot rewind.
        let mut first = VecDeque::with_capacity(GUESS_ROWS);
        let mut rec = ByteRecord::new();
        while first.len() < GUESS_ROWS {
            match reader.read(&mut rec).map_err(read_error)? {
                Some(size) => first.push_back((rec.clone(), size)),
                None => break,
            }
        }
        let Some((head, _)) = first.front() else {
            return Ok(None);
        };
        let (layout, guessed) = match format.and_then(Layout::headerless) {
            Some(layout) => (layout, false),
            None if format == Some(Format::Native) || Layout::is_native_header(head) => {
                (Layout::native(head)?, format.is_none())
            }
            None => {
                let rows: Vec<&ByteRecord> = first.iter().map(|(rec, _)| rec).collect();
                (guess(&rows)?, true)
            }
        };
        if layout.format == Format::Native {
            first.pop_front();
        }
        Ok(Some(CdrFile {
            layout,
            guessed,
            first,
            reader,
            size,
        }))
    }

    /// The next row, the first ones read for the guess included.
    fn next_row(&mut self, rec: &mut ByteRecord) -> io::Result<Option<Size>> {
        match self.first.pop_front() {
            Some((first, size)) => {
                *rec = first;
                Ok(Some(size))
            }
            None => self.reader.read(rec),
        }
    }

    pub fn format(&self) -> Format {
        self.layout.format
    }

    /// Whether the format was guessed rather than given.
    pub fn guessed(&self) -> bool {
        self.guessed
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Starts reading, checking and matching the rows on a thread of its own, times turned
    /// into UTC as written in `zone`: the caller stores one batch while the next is being
    /// read, and is left as little work per row as possible.
    pub fn read(self, zone: FileZone, matcher: Arc<Matcher>) -> CheckedRows {
        let (to_caller, from_reader) = mpsc::sync_channel(BATCHES_AHEAD);
        let (to_reader, returned) = mpsc::channel();
        let layout = self.layout.clone();
        let reader = std::thread::spawn(move || {
            self.check_rows(&mut LocalClock::new(zone), &matcher, &to_caller, &returned);
        });
        CheckedRows {
            layout,
            batches: Some(from_reader),
            returned: to_reader,
            reader: Some(reader),
        }
    }

    /// The reading thread: fills batches until the file ends, the caller goes away, or the
    /// file cannot be read. Batches come back from the caller to be filled again.
    fn check_rows(
        mut self,
        clock: &mut LocalClock,
        matcher: &Matcher,
        to_caller: &SyncSender<Result<Batch, String>>,
        returned: &Receiver<Batch>,
    ) {
        loop {
            let mut batch = returned.try_recv().unwrap_or_default();
            batch.checked.clear();
            let mut bytes = 0;
            let mut end = false;
            while batch.checked.len() < BATCH_ROWS && bytes < BATCH_BYTES {
                let n = batch.checked.len();
                if batch.records.len() == n {
                    batch.records.push(Record::default());
                }
                let mut rec = std::mem::take(&mut batch.records[n]).into_bytes();
                // A buffer that held a long row is let go: kept, every buffer of every
                // batch could grow to the longest row there is.
                if rec.as_slice().len() > KEPT_ROW_BYTES || rec.len() > KEPT_ROW_FIELDS {
                    rec = ByteRecord::new();
                }
                match self.next_row(&mut rec) {
                    Ok(Some(size)) => {
                        bytes += rec.as_slice().len() + rec.len() * size_of::<usize>();
                        let mut checked = check(&self.layout, &rec, size, clock);
                        let rec = Record::from(rec);
                        if let Ok(c) = &mut checked {
                            let l = &self.layout;
                            c.customer = matcher
                                .find(&rec.field(l, l.account_code), &rec.field(l, l.channel));
                        }
                        batch.records[n] = rec;
                        batch.checked.push(checked);
                    }
                    Ok(None) => {
                        batch.records[n] = Record::Bytes(rec);
                        end = true;
                        break;
                    }
                    Err(e) => {
                        let _ = to_caller.send(Err(read_error(e)));
                        return;
                    }
                }
            }
            batch.bytes_read = self.reader.bytes_read();
            if to_caller.send(Ok(batch)).is_err() || end {
                return;
            }
        }
    }
}

/// Rows per batch handed from the reading thread to the caller, and stored together: on
/// PostgreSQL one COPY each, where 4,096 rather than 1,024 made a million-row import about
/// a quarter faster; on SQLite, where each row is one insert, the size makes no difference.
const BATCH_ROWS: usize = 4096;
/// The most bytes of rows in a batch, so that batches of long rows hold as little memory
/// as batches of short ones.
const BATCH_BYTES: usize = 2 << 20;
/// How many batches the reading thread may be ahead of the caller.
const BATCHES_AHEAD: usize = 4;
/// A row buffer is kept from batch to batch while the rows it held were no longer than
/// this: CDR rows have a few hundred bytes and about twenty fields.
const KEPT_ROW_BYTES: usize = 2048;
const KEPT_ROW_FIELDS: usize = 64;

/// A row as read: as text when all of it is UTF-8, which it nearly always is, so that its
/// fields are checked once, on the reading thread, and borrowed as they are after that.
pub enum Record {
    Text(StringRecord),
    Bytes(ByteRecord),
}

impl Default for Record {
    fn default() -> Self {
        Record::Bytes(ByteRecord::new())
    }
}

impl From<ByteRecord> for Record {
    fn from(rec: ByteRecord) -> Self {
        StringRecord::from_byte_record(rec)
            .map_or_else(|e| Record::Bytes(e.into_byte_record()), Record::Text)
    }
}

impl Record {
    /// The row as read, bytes that are not UTF-8 included.
    pub fn bytes(&self) -> &ByteRecord {
        match self {
            Record::Text(rec) => rec.as_byte_record(),
            Record::Bytes(rec) => rec,
        }
    }

    fn into_bytes(self) -> ByteRecord {
        match self {
            Record::Text(rec) => rec.into_byte_record(),
            Record::Bytes(rec) => rec,
        }
    }

    /// A text field as stored. The console's own format writes a cell a spreadsheet would
    /// run with an apostrophe first (`'=…`); it is read back as it was before.
    fn field(&self, layout: &Layout, index: Option<usize>) -> Cow<'_, str> {
        let text = self.text(index);
        if layout.format != Format::Native {
            return text;
        }
        match text {
            Cow::Borrowed(t) => Cow::Borrowed(spreadsheet::restored(t)),
            Cow::Owned(t) => Cow::Owned(spreadsheet::restored(&t).to_string()),
        }
    }

    /// A field as read, "" where the format or the row has none.
    fn text(&self, index: Option<usize>) -> Cow<'_, str> {
        match (self, index) {
            (Record::Text(rec), Some(i)) => Cow::Borrowed(rec.get(i).unwrap_or_default()),
            (Record::Bytes(rec), Some(i)) => rec.get(i).map_or(Cow::Borrowed(""), lossy),
            (_, None) => Cow::Borrowed(""),
        }
    }
}

/// A batch of rows as read, each with the outcome of its checks.
#[derive(Default)]
pub struct Batch {
    /// Buffers kept from batch to batch; the first `checked.len()` hold this batch's rows.
    records: Vec<Record>,
    checked: Vec<Result<Checked, RowError>>,
    bytes_read: u64,
}

impl Batch {
    /// How far into the file this batch reaches, in bytes.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The rows, each as read and as checked.
    pub fn rows(&mut self) -> impl Iterator<Item = (&Record, Result<Checked, RowError>)> {
        self.records.iter().zip(self.checked.drain(..))
    }
}

/// The rows of a file being read and checked on another thread, in file order.
pub struct CheckedRows {
    layout: Layout,
    batches: Option<Receiver<Result<Batch, String>>>,
    returned: Sender<Batch>,
    reader: Option<JoinHandle<()>>,
}

impl CheckedRows {
    /// The next batch; None at the end of the file.
    pub fn next_batch(&mut self) -> Result<Option<Batch>, String> {
        match self.batches.as_ref().map(Receiver::recv) {
            Some(Ok(batch)) => batch.map(Some),
            // The reading thread is done and has hung up; had it panicked, the file would
            // look shorter than it is: the panic goes on here instead.
            Some(Err(_)) | None => {
                if let Some(Err(panic)) = self.reader.take().map(JoinHandle::join) {
                    std::panic::resume_unwind(panic);
                }
                Ok(None)
            }
        }
    }

    /// Hands a batch back to be filled again, which saves allocating its buffers anew.
    pub fn recycle(&self, batch: Batch) {
        // Refused only once the reading thread is done; the batch is dropped then.
        let _ = self.returned.send(batch);
    }

    /// The field of the format that holds a call's id, if it has one.
    pub fn uid_field(&self) -> Option<Field> {
        self.layout.uid.map(|i| self.layout.field(i))
    }

    /// Gives an error about a row the line of the file the row starts on, as an editor
    /// numbers it, and on line 1 a hint when the row looks like a header.
    pub fn locate(&self, rec: &Record, mut error: RowError) -> RowError {
        if let Some(at) = rec.bytes().position() {
            error.line = at.line();
        }
        if error.line == 1 && Layout::looks_like_header(rec.bytes()) {
            error.message.push_str(
                "; line 1 looks like a header row: remove it, or use --format native for \
                 carrierdesk's own CSV",
            );
        }
        error
    }

    /// A checked row with its text, borrowed from the record it was read from.
    pub fn row<'r>(&self, rec: &'r Record, checked: Checked) -> Row<'r> {
        let l = &self.layout;
        let text = |index: Option<usize>| rec.field(l, index);
        Row {
            uid: checked.uid.map_or_else(|| text(l.uid), Cow::Owned),
            account_code: text(l.account_code),
            src: text(l.src),
            dst: text(l.dst),
            channel: text(l.channel),
            provider: match (l.format, text(l.provider)) {
                (Format::Native, name) => name,
                (_, Cow::Borrowed(c)) => Cow::Borrowed(provider(c).unwrap_or("")),
                (_, Cow::Owned(c)) => Cow::Owned(provider(&c).unwrap_or("").to_string()),
            },
            disposition: text(l.disposition),
            start_at: checked.start_at,
            answered: checked.answered,
            talk_s: checked.talk_s,
            price: checked.price,
            customer: checked.customer,
            talk_field: l.field(l.talk),
        }
    }
}

impl Drop for CheckedRows {
    fn drop(&mut self) {
        // Hanging up first makes a reading thread that waits to hand over a batch give up.
        self.batches = None;
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// What checking a row found, short of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    start_at: i64,
    answered: bool,
    talk_s: i64,
    price: Option<Price>,
    /// The uid where it is not a field as it stands: a hash, or uniqueid#sequence.
    uid: Option<String>,
    /// The index of the call's customer in the matcher, if any.
    customer: Option<usize>,
}

/// Checks a row: its size, field count, times (into UTC through `clock`), durations, whether it was
/// answered, the price of a native row, and its uid. An error's line is left for
/// `CheckedRows::locate` to find.
fn check(
    l: &Layout,
    rec: &ByteRecord,
    size: Size,
    clock: &mut LocalClock,
) -> Result<Checked, RowError> {
    let fail = |index: usize, message: String| RowError {
        line: 0,
        field: Some(l.field(index)),
        message,
    };
    if let Some((index, message)) = size.problem() {
        return Err(RowError {
            line: 0,
            field: index.map(|i| l.field(i)),
            message,
        });
    }
    if let Some(message) = l.check_count(rec.len()) {
        return Err(RowError {
            line: 0,
            field: None,
            message,
        });
    }
    let raw = |index: usize| rec.get(index).unwrap_or_default().trim_ascii();
    let mut time = |index: usize| -> Result<Option<i64>, RowError> {
        if raw(index).is_empty() {
            return Ok(None);
        }
        let stamp = parse_stamp(raw(index)).ok_or_else(|| {
            fail(
                index,
                format!("'{}' is not a time like {STAMP_SHAPE}", lossy(raw(index))),
            )
        })?;
        clock.utc(stamp).map(Some).map_err(|m| fail(index, m))
    };
    let start_at = time(l.start)?.ok_or_else(|| fail(l.start, "the start time is empty".into()))?;
    let answer_at = match l.answer {
        Some(i) => time(i)?,
        None => None,
    };
    if let Some(i) = l.end {
        time(i)?;
    }
    let seconds = |index: usize| seconds(raw(index)).map_err(|m| fail(index, m));
    if let Some(i) = l.total {
        seconds(i)?;
    }
    let talk_s = seconds(l.talk)?;
    let answered = match l.answered {
        Answered::Disposition => l
            .disposition
            .is_some_and(|i| raw(i).eq_ignore_ascii_case(b"ANSWERED")),
        Answered::AnswerTime => answer_at.is_some(),
        Answered::Flag(i) => flag(raw(i)).ok_or_else(|| {
            fail(
                i,
                format!("'{}' is not 1/0, yes/no or true/false", lossy(raw(i))),
            )
        })?,
    };
    // A native row says both whether the call was answered and how long it talked: the
    // two must agree, or the summary's duration and ACD count talk time nobody had.
    let native = matches!(l.answered, Answered::Flag(_));
    if native && !answered && talk_s > 0 {
        return Err(fail(l.talk, "an unanswered call has no talk time".into()));
    }
    let price = match l.price {
        None => None,
        Some(p) => {
            let code = lossy(raw(p.currency));
            let currency = Currency::parse(&code).ok_or_else(|| {
                fail(
                    p.currency,
                    format!("'{code}' is not an ISO 4217 currency code"),
                )
            })?;
            let amount = |i: usize| {
                let micros = currency
                    .parse_micros(&lossy(raw(i)))
                    .map_err(|m| fail(i, m))?;
                check_call_amount(micros, currency).map_err(|m| fail(i, m))?;
                Ok(micros)
            };
            let billed_s = seconds(p.billed)?;
            if !answered && billed_s > 0 {
                return Err(fail(
                    p.billed,
                    "an unanswered call has no billed time".into(),
                ));
            }
            Some(Price {
                billed_s,
                charge: amount(p.charge)?,
                cost: amount(p.cost)?,
                currency,
                currency_field: l.field(p.currency),
            })
        }
    };
    let filled = |index: Option<usize>| {
        index
            .and_then(|i| rec.get(i))
            .filter(|f| !f.trim_ascii().is_empty())
    };
    let uid = match (filled(l.uid), filled(l.sequence)) {
        (Some(uid), Some(seq)) => Some(format!("{}#{}", lossy(uid), lossy(seq))),
        (Some(_), None) => None,
        (None, _) => Some(row_hash(rec)),
    };
    Ok(Checked {
        start_at,
        answered,
        talk_s,
        price,
        uid,
        customer: None,
    })
}

/// Picks the headerless format most of the first rows fit; refuses to pick when none fits or
/// two fit equally well.
fn guess(first: &[&ByteRecord]) -> Result<Layout, String> {
    let mut best: Vec<(usize, Layout)> = Format::ALL
        .into_iter()
        .filter_map(Layout::headerless)
        .map(|layout| (first.iter().filter(|r| layout.fits(r)).count(), layout))
        .collect();
    best.sort_by_key(|(fits, _)| std::cmp::Reverse(*fits));
    match best.as_slice() {
        [(a, _), (b, _), ..] if a == b && *a > 0 => Err(format!(
            "its first rows fit both {} and {}; give the format (--format)",
            best[0].1.format, best[1].1.format
        )),
        [(fits, _), ..] if *fits > 0 => Ok(best.swap_remove(0).1),
        _ => Err(format!(
            "its first row ({} fields) is none of the formats known (a native CSV header with \
             start and charge columns; Asterisk Master.csv, 16 to 21 fields with the start time \
             in column 10; Asterisk cdr_custom, 16 to 19 fields, start in column 9; FreeSWITCH \
             cdr_csv, 13 or 15 fields, start in column 5)",
            first[0].len()
        )),
    }
}

fn read_error(e: io::Error) -> String {
    format!("cannot read it: {e}")
}

/// Text as stored: bytes that are not UTF-8 (a caller name in Latin-1, say) become U+FFFD.
fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    // `from_utf8` checks valid text several times faster than `from_utf8_lossy` walks it.
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Whole seconds, not negative.
fn seconds(raw: &[u8]) -> Result<i64, String> {
    let (negative, digits) = match raw.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    // 12 digits are 30,000 years of seconds: more is a broken field, not a long call.
    if digits.is_empty() || digits.len() > 12 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(if raw.is_empty() {
            "empty, where whole seconds belong".into()
        } else {
            format!("'{}' is not a whole number of seconds", lossy(raw))
        });
    }
    let n = digits
        .iter()
        .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
    if negative && n > 0 {
        return Err(format!(
            "'{}' is negative; a duration cannot be",
            lossy(raw)
        ));
    }
    Ok(n)
}

fn flag(raw: &[u8]) -> Option<bool> {
    let yes = [&b"1"[..], b"yes", b"true", b"y"];
    let no = [&b"0"[..], b"no", b"false", b"n"];
    if yes.iter().any(|y| raw.eq_ignore_ascii_case(y)) {
        Some(true)
    } else if no.iter().any(|n| raw.eq_ignore_ascii_case(n)) {
        Some(false)
    } else {
        None
    }
}

/// The uid of a row whose format carries none: "sha256:" and the first 128 bits, in hex, of
/// SHA-256 over its fields, each preceded by its length so that no two different rows
/// hash the same text. Quoting and line endings are not part of it: the same call saved
/// with CRLF or different quotes is still the same call.
fn row_hash(rec: &ByteRecord) -> String {
    let mut hasher = Sha256::new();
    for field in rec {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field);
    }
    let digest = hasher.finalize();
    let mut uid = String::with_capacity(7 + 32);
    uid.push_str("sha256:");
    for byte in &digest[..16] {
        uid.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        uid.push(char::from_digit(u32::from(byte & 15), 16).unwrap_or('0'));
    }
    uid
}

/// The price a native row carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    pub billed_s: i64,
    pub charge: i64,
    pub cost: i64,
    pub currency: Currency,
    currency_field: Field,
}

/// One checked row, its text borrowed from the record it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'r> {
    pub uid: Cow<'r, str>,
    pub account_code: Cow<'r, str>,
    pub src: Cow<'r, str>,
    pub dst: Cow<'r, str>,
    pub channel: Cow<'r, str>,
    /// The provider the call went out through ("" when the file does not say).
    pub provider: Cow<'r, str>,
    pub disposition: Cow<'r, str>,
    pub start_at: i64,
    pub answered: bool,
    pub talk_s: i64,
    /// Native rows carry their price; the others are rated with the customer's tariff.
    pub price: Option<Price>,
    /// The index of the call's customer in the matcher the file was read with, if any.
    pub customer: Option<usize>,
    /// The column of the talk time, which a rated charge follows from.
    pub talk_field: Field,
}

impl<'r> Row<'r> {
    /// The call as stored, priced for `customer`: with the price the row carries, which must
    /// be in the customer's currency, or else by `rater` (the customer's card or flat rate,
    /// the provider's cost card). A call of no customer is stored unpriced, to be listed and
    /// claimed by a later import. An error's line is left for `CheckedRows::locate` to find.
    pub fn into_cdr(
        self,
        customer: Option<&CdrCustomer>,
        rater: &Rater,
    ) -> Result<Cdr<'r>, RowError> {
        let rated = match (customer, self.price) {
            (None, _) => Rated {
                billed_s: 0,
                charge: 0,
                charged_by: ChargedBy::Nobody,
                cost: 0,
                cost_by: CostBy::Nobody,
            },
            (Some(c), Some(p)) if p.currency != c.currency => {
                return Err(RowError {
                    line: 0,
                    field: Some(p.currency_field),
                    message: format!(
                        "the call is priced in {}, but customer {} ({}) is billed in {}",
                        p.currency, c.id, c.name, c.currency
                    ),
                });
            }
            (Some(_), Some(p)) => Rated {
                billed_s: p.billed_s,
                charge: p.charge,
                charged_by: ChargedBy::File,
                cost: p.cost,
                cost_by: CostBy::File,
            },
            (Some(c), None) => {
                let call = CallToRate {
                    dst: &self.dst,
                    start_at: self.start_at,
                    answered: self.answered,
                    talk_s: self.talk_s,
                    provider: &self.provider,
                };
                // A rate times a talk time of years: the talk time is what is wrong.
                rater.rate(c, &call).map_err(|message| RowError {
                    line: 0,
                    field: Some(self.talk_field),
                    message,
                })?
            }
        };
        Ok(Cdr {
            uid: self.uid,
            customer_id: customer.map(|c| c.id),
            start_at: self.start_at,
            answered: self.answered,
            duration_s: self.talk_s,
            billed_s: rated.billed_s,
            charge: rated.charge,
            cost: rated.cost,
            src: self.src,
            dst: self.dst,
            disposition: self.disposition,
            channel: self.channel,
            provider: self.provider,
            account_code: self.account_code,
            charged_by: rated.charged_by,
            cost_by: rated.cost_by,
        })
    }
}

/// A row whose id is that of another call stored already: two switches can number their
/// calls alike. `started` and `account_code` are the stored call's, to tell it by. The line
/// is left for `CheckedRows::locate` to find.
pub fn uid_taken(uid_field: Option<Field>, started: i64, account_code: &str) -> RowError {
    let account = if account_code.is_empty() {
        "no account code".to_string()
    } else {
        format!("account {account_code}")
    };
    RowError {
        line: 0,
        field: uid_field,
        message: format!(
            "a different call with this id is stored already (started {}, {account})",
            utc_text(started)
        ),
    }
}

/// Where `--skip-bad` puts the rows it skipped: a CSV of file, line, reason and the row
/// itself, field for field, as one CSV line. Created on the first rejected row only.
pub struct RejectFile {
    path: PathBuf,
    out: Option<spreadsheet::Writer<File>>,
    row: Vec<u8>,
}

impl RejectFile {
    pub fn new(path: PathBuf) -> RejectFile {
        RejectFile {
            path,
            out: None,
            row: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn write(&mut self, file: &Path, error: &RowError, rec: &ByteRecord) -> io::Result<()> {
        let out = match &mut self.out {
            Some(out) => out,
            None => {
                // The rows hold customers' phone numbers: readable by the owner only.
                let mut out = spreadsheet::Writer::from_writer(private::create(&self.path)?);
                out.write_record(["file", "line", "reason", "row"])?;
                self.out.insert(out)
            }
        };
        // The row's fields go back to CSV as they were read, bytes that are not UTF-8 included.
        let mut row = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(std::mem::take(&mut self.row));
        row.write_byte_record(rec)?;
        let mut row = row.into_inner().map_err(|e| e.into_error())?;
        row.pop();
        let reason = match &error.field {
            Some(field) => format!("field {field}: {}", error.message),
            None => error.message.clone(),
        };
        out.write_record([
            file.display().to_string().as_bytes(),
            error.line.to_string().as_bytes(),
            reason.as_bytes(),
            &row,
        ])?;
        row.clear();
        self.row = row;
        Ok(())
    }

    /// Flushes the file; its path when any row was written to it.
    pub fn finish(self) -> io::Result<Option<PathBuf>> {
        match self.out {
            Some(mut out) => {
                out.flush()?;
                Ok(Some(self.path))
            }
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_whole_and_not_negative() {
        assert_eq!(seconds(b"42"), Ok(42));
        assert_eq!(seconds(b"0"), Ok(0));
        assert!(seconds(b"-5").unwrap_err().contains("negative"));
        assert!(seconds(b"4.5").unwrap_err().contains("whole number"));
        assert!(seconds(b"").unwrap_err().contains("empty"));
    }

    #[test]
    fn row_hashes_ignore_quoting_but_not_field_boundaries() {
        let a = ByteRecord::from(vec!["ab", "c"]);
        let b = ByteRecord::from(vec!["a", "bc"]);
        assert_ne!(row_hash(&a), row_hash(&b));
        assert_eq!(row_hash(&a), row_hash(&a.clone()));
        assert_eq!(row_hash(&a).len(), 39);
    }
}
