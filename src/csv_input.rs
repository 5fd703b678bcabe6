//! CSV files as operators hand them over: the line a row starts on as an editor numbers it,
//! whatever the line ends (LF, CRLF, or CR alone as old Mac tools write them), counted as
//! the bytes stream past, so that a file is read once and from the front only; and bounds,
//! so that no file, however long its rows or endless its input, takes more than a little
//! memory: a row longer than `MAX_ROW_BYTES` or with a field longer than `MAX_FIELD_BYTES`
//! is a bad row named by its line, and a NUL byte, which no CSV text holds, stops the read.

use std::collections::VecDeque;
use std::io::{self, Read};

/// The longest row an import takes, in bytes, its line end not counted.
pub const MAX_ROW_BYTES: u64 = 64 << 10;
/// The longest field an import takes, in bytes.
pub const MAX_FIELD_BYTES: usize = 4 << 10;
/// How far a row that is too long is followed to find where it ends: a row that runs on
/// further is no CSV at all, and reading on would only turn endless input into waiting.
const MAX_SKIPPED_BYTES: u64 = 1 << 20;
/// Bad rows one after another that make an import stop reading: past that many, the file
/// is not of the kind expected, and reading on would only fill the list of reasons.
pub const MAX_BAD_ROWS_IN_A_ROW: u64 = 1_000;

/// The rows of a CSV file, each placed on its line and measured against the bounds.
pub struct Rows<R> {
    reader: csv::Reader<Lines<R>>,
}

/// How a row measures up to the bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Fits,
    /// Longer than `MAX_ROW_BYTES`: what was read is its start only.
    RowTooLong,
    /// The field at this index is longer than `MAX_FIELD_BYTES`.
    FieldTooLong(usize),
}

impl Size {
    /// What is wrong, with the index of the field it is about.
    pub fn problem(self) -> Option<(Option<usize>, String)> {
        match self {
            Size::Fits => None,
            Size::RowTooLong => Some((
                None,
                format!("the row is longer than {} KiB", MAX_ROW_BYTES >> 10),
            )),
            Size::FieldTooLong(i) => Some((
                Some(i),
                format!("longer than {} KiB", MAX_FIELD_BYTES >> 10),
            )),
        }
    }
}

impl<R: Read> Rows<R> {
    /// Rows without header handling: whether a file has a header is the caller's to know.
    /// Flexible, so that a row with the wrong number of fields reaches the caller's
    /// checks, which say which line it is.
    pub fn new(inner: R) -> Rows<R> {
        Rows {
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .buffer_capacity(1 << 20)
                .from_reader(Lines::new(inner)),
        }
    }

    /// Reads the next row into `rec`, placed on the line it starts on; None at the end.
    /// The error says why the input cannot be read at all.
    pub fn read(&mut self, rec: &mut csv::ByteRecord) -> io::Result<Option<Size>> {
        let read = self
            .reader
            .read_byte_record(rec)
            .map_err(io::Error::other)?;
        if !read {
            return Ok(None);
        }
        if self.reader.get_mut().place(rec) {
            return Ok(Some(Size::RowTooLong));
        }
        Ok(Some(
            rec.iter()
                .position(|f| f.len() > MAX_FIELD_BYTES)
                .map_or(Size::Fits, Size::FieldTooLong),
        ))
    }

    /// How many bytes of the input have been read.
    pub fn bytes_read(&self) -> u64 {
        self.reader.get_ref().read
    }
}

/// A reader that counts line ends in what passes through it, for a `csv::Reader` to read
/// from, and keeps rows within the bounds. The csv reader's own line count takes no notice
/// of a CR alone and leaves out blank lines; this one asks no second look at the file.
///
/// It follows the rows as the csv reader splits them (the same quoting rules), so that a
/// row too long is cut where it reaches the bound: the csv reader is given its start and a
/// line end, the rest of it is skipped, and the next row is read as usual.
pub struct Lines<R> {
    inner: R,
    /// Bytes to hand on, from `out_at`.
    out: Vec<u8>,
    out_at: usize,
    /// Bytes handed on, or ready to be, so far.
    head: u64,
    /// Runs of line-end bytes handed on that no row asked about yet, in file order.
    runs: VecDeque<Run>,
    /// Line ends before the first run kept.
    ended: u64,
    /// Whether the last byte handed on was a CR: a LF right after it ends the same line.
    after_cr: bool,
    /// Bytes read from the input.
    read: u64,
    /// Line ends read from the input, as an editor counts them.
    seen: u64,
    /// The last byte read, a line end before the first.
    last: u8,
    quoting: Quoting,
    /// Where the row being read starts in the input, and its line.
    row_start: u64,
    row_line: u64,
    /// While the rest of a row too long is skipped: how many bytes so far.
    skipped: Option<u64>,
    /// The lines of the rows cut, not yet read by the csv reader.
    cut: VecDeque<u64>,
}

/// Where the csv reader is in a row, as far as line ends go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    Outside,
    /// In a quoted field, where line ends are text.
    Inside,
    /// Just after a quote in a quoted field: a second quote is a quote in the text, anything
    /// else closes the field's quotes.
    Closing,
}

/// Line-end bytes one after another (`\r\n\r\n` between two rows, say).
struct Run {
    start: u64,
    end: u64,
    /// How many line ends it holds: a CR, a LF, and a CR then a LF each count one.
    ends: u64,
}

impl<R: Read> Lines<R> {
    pub fn new(inner: R) -> Lines<R> {
        Lines {
            inner,
            out: Vec::new(),
            out_at: 0,
            head: 0,
            runs: VecDeque::new(),
            ended: 0,
            after_cr: false,
            read: 0,
            seen: 0,
            last: b'\n',
            quoting: Quoting::Outside,
            row_start: 0,
            row_line: 1,
            skipped: None,
            cut: VecDeque::new(),
        }
    }

    /// The one-based line of the row the csv reader places at byte `at` (which is where
    /// the previous row ended: its line end and any blank lines come after it). Rows are
    /// asked about in file order; what is before `at` is forgotten.
    fn line_at(&mut self, at: u64) -> u64 {
        // A run that starts at or before `at` lies wholly before the row: the row starts
        // with the first byte that is not a line end.
        while let Some(run) = self.runs.front().filter(|r| r.start <= at) {
            self.ended += run.ends;
            self.runs.pop_front();
        }
        self.ended + 1
    }

    /// Sets the line of a row the csv reader has just read, as an editor numbers it; true
    /// when the row was cut for being too long.
    fn place(&mut self, rec: &mut csv::ByteRecord) -> bool {
        let Some(mut at) = rec.position().cloned() else {
            return false;
        };
        let line = self.line_at(at.byte());
        at.set_line(line);
        rec.set_position(Some(at));
        while self.cut.front().is_some_and(|&l| l < line) {
            self.cut.pop_front();
        }
        self.cut.front() == Some(&line) && self.cut.pop_front().is_some()
    }

    /// Notes line ends in bytes handed on.
    fn note(&mut self, bytes: &[u8]) {
        for i in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            let at = self.head + i as u64;
            let after_cr = if i == 0 {
                self.after_cr
            } else {
                bytes[i - 1] == b'\r'
            };
            let ends = u64::from(bytes[i] == b'\r' || !after_cr);
            match self.runs.back_mut() {
                Some(run) if run.end == at => {
                    run.end += 1;
                    run.ends += ends;
                }
                _ => self.runs.push_back(Run {
                    start: at,
                    end: at + 1,
                    ends,
                }),
            }
        }
        if let Some(&last) = bytes.last() {
            self.after_cr = last == b'\r';
        }
        self.head += bytes.len() as u64;
    }

    fn hand_on(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        self.note(bytes);
    }

    /// Ends a row too long where it stands for the csv reader: a quote closes a quoted
    /// field, a line end the row. The line end counts the line ends skipped after it.
    fn cut_row(&mut self) {
        let end: &[u8] = if self.quoting == Quoting::Inside {
            b"\"\n"
        } else {
            b"\n"
        };
        self.out.extend_from_slice(end);
        self.head += end.len() as u64;
        self.runs.push_back(Run {
            start: self.head - 1,
            end: self.head,
            ends: 0,
        });
        self.after_cr = false;
        self.cut.push_back(self.row_line);
        self.skipped = Some(0);
    }

    /// Takes bytes read from the input: follows the rows through them, hands on what the
    /// csv reader is to see, and skips the rest of a row too long.
    fn take(&mut self, input: &[u8]) -> io::Result<()> {
        let (input, nul) = match memchr::memchr(0, input) {
            Some(i) => (&input[..i], true),
            None => (input, false),
        };
        // `from` is the first byte neither handed on nor skipped yet; `i` the first byte
        // not looked at.
        let (mut from, mut i) = (0, 0);
        loop {
            let next = match self.quoting {
                Quoting::Closing => (i < input.len()).then_some(i),
                _ => memchr::memchr3(b'"', b'\r', b'\n', &input[i..]).map(|k| i + k),
            };
            let stop = next.unwrap_or(input.len());
            match self.skipped {
                Some(skipped) if skipped + (stop - from) as u64 > MAX_SKIPPED_BYTES => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "line {}: a row runs on past {} MiB without ending: this is not a \
                             CSV file",
                            self.row_line,
                            MAX_SKIPPED_BYTES >> 20
                        ),
                    ));
                }
                Some(_) => {}
                None if self.read + stop as u64 - self.row_start > MAX_ROW_BYTES => {
                    // Cut at the bound, or where the quoting last changed if that is later.
                    let cut = (self.row_start + MAX_ROW_BYTES).saturating_sub(self.read);
                    let cut = (cut as usize).max(i);
                    self.hand_on(&input[from..cut]);
                    self.cut_row();
                    from = cut;
                }
                None => {}
            }
            let Some(e) = next else { break };
            let byte = input[e];
            let before = if e == 0 { self.last } else { input[e - 1] };
            let row_ends = match (self.quoting, byte) {
                (Quoting::Inside, b'"') => {
                    self.quoting = Quoting::Closing;
                    false
                }
                (Quoting::Inside, _) => false,
                (Quoting::Closing, b'"') => {
                    self.quoting = Quoting::Inside;
                    false
                }
                (Quoting::Closing, _) => {
                    self.quoting = Quoting::Outside;
                    matches!(byte, b'\r' | b'\n')
                }
                // A quote opens a quoted field only as its first byte.
                (Quoting::Outside, b'"') => {
                    if before == b',' || self.read + e as u64 == self.row_start {
                        self.quoting = Quoting::Inside;
                    }
                    false
                }
                (Quoting::Outside, _) => true,
            };
            let ends = u64::from(byte == b'\r' || (byte == b'\n' && before != b'\r'));
            self.seen += ends;
            match self.skipped {
                Some(_) if row_ends => {
                    // The row's own line end is handed on, and the next row with it.
                    self.skipped = None;
                    from = e;
                }
                Some(_) => {
                    if let Some(run) = self.runs.back_mut() {
                        run.ends += ends;
                    }
                }
                None => {}
            }
            if row_ends {
                self.row_start = self.read + e as u64 + 1;
                self.row_line = self.seen + 1;
            }
            i = e + 1;
        }
        match &mut self.skipped {
            Some(skipped) => *skipped += (input.len() - from) as u64,
            None => self.hand_on(&input[from..]),
        }
        self.read += input.len() as u64;
        if let Some(&last) = input.last() {
            self.last = last;
        }
        if nul {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "line {} holds a NUL byte, which no CSV text does: is it a binary file, or \
                     UTF-16 text? (save it as UTF-8)",
                    self.seen + 1
                ),
            ));
        }
        Ok(())
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_at == self.out.len() {
            self.out.clear();
            self.out_at = 0;
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            self.take(&buf[..n])?;
        }
        let n = buf.len().min(self.out.len() - self.out_at);
        buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes handed over `chunk` at a time.
    struct Chunks<'a>(&'a [u8], usize);

    impl Read for Chunks<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// Each row of `text` as (line, size, first field), read in chunks of `chunk` bytes.
    fn rows_of(text: &[u8], chunk: usize) -> io::Result<Vec<(u64, Size, Vec<u8>)>> {
        let mut rows = Rows::new(Chunks(text, chunk));
        let mut rec = csv::ByteRecord::new();
        let mut found = Vec::new();
        while let Some(size) = rows.read(&mut rec)? {
            let line = rec.position().unwrap().line();
            found.push((line, size, rec.get(0).unwrap_or_default().to_vec()));
        }
        Ok(found)
    }

    /// The line of each row of `text`, read in chunks of `chunk` bytes.
    fn lines_of(text: &[u8], chunk: usize) -> Vec<u64> {
        let rows = rows_of(text, chunk).unwrap();
        rows.into_iter().map(|(line, ..)| line).collect()
    }

    #[test]
    fn rows_are_placed_on_the_line_an_editor_shows_whatever_the_line_ends() {
        // Rows with LF, CRLF or CR ends, runs of blank lines, quoted line ends inside a
        // field, the last row without a line end; read whole and a few bytes at a time,
        // so that a CRLF is split between two reads.
        let mut rng = fastrand::Rng::with_seed(3);
        let mut text = String::new();
        // A line end of its own: a LF right after a CR would join it as one CRLF.
        let end = |text: &mut String, rng: &mut fastrand::Rng| {
            let ends: &[&str] = if text.ends_with('\r') {
                &["\r"]
            } else {
                &["\n", "\r\n", "\r"]
            };
            text.push_str(ends[rng.usize(..ends.len())]);
        };
        let mut expected = Vec::new();
        let mut line = 1;
        for i in 0..5_000 {
            for _ in 0..[0, 0, 0, 1, 2][rng.usize(0..5)] {
                end(&mut text, &mut rng);
                line += 1;
            }
            expected.push(line);
            text.push_str(&format!("{i},\"a"));
            end(&mut text, &mut rng);
            text.push_str("b\",x");
            line += 1; // the quoted line end
            if i < 4_999 {
                end(&mut text, &mut rng);
                line += 1;
            }
        }
        for chunk in [1 << 16, 7, 1] {
            assert_eq!(lines_of(text.as_bytes(), chunk), expected, "chunk {chunk}");
        }
    }

    #[test]
    fn a_file_with_cr_line_ends_only_numbers_every_line() {
        assert_eq!(lines_of(b"a,b\rc,d\r\re,f\r", 1 << 16), [1, 2, 4]);
    }

    #[test]
    fn a_row_too_long_is_named_by_its_line_and_the_rows_after_it_are_read() {
        let long = "x".repeat(MAX_ROW_BYTES as usize + 1);
        // Just at the bound: many short fields.
        let fits = "y,".repeat((MAX_ROW_BYTES as usize - 2) / 2);
        // Too long unquoted, too long inside quotes over several lines, with an unclosed
        // quote that a later quote closes, and one just at the bound.
        let text = format!(
            "a,1\r\nb,{long}\r\nc,2\n\"{long}\n\n{long}\",\"\"\"\"\nd,3\re,\"{long}\n\"\nf,{fits}\ng,4"
        );
        for chunk in [1 << 20, 4096, 7] {
            let rows = rows_of(text.as_bytes(), chunk).unwrap();
            let seen: Vec<(u64, Size, &[u8])> = rows
                .iter()
                .map(|(line, size, first)| (*line, *size, &first[..first.len().min(1)]))
                .collect();
            assert_eq!(
                seen,
                [
                    (1, Size::Fits, &b"a"[..]),
                    (2, Size::RowTooLong, b"b"),
                    (3, Size::Fits, b"c"),
                    (4, Size::RowTooLong, b"x"),
                    (7, Size::Fits, b"d"),
                    (8, Size::RowTooLong, b"e"),
                    (10, Size::Fits, b"f"),
                    (11, Size::Fits, b"g"),
                ],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn a_field_too_long_is_named_by_its_index() {
        let text = format!("a,b,c\n1,{},3\n", "z".repeat(MAX_FIELD_BYTES + 1));
        let sizes: Vec<Size> = rows_of(text.as_bytes(), 1 << 16)
            .unwrap()
            .into_iter()
            .map(|(_, size, _)| size)
            .collect();
        assert_eq!(sizes, [Size::Fits, Size::FieldTooLong(1)]);
    }

    #[test]
    fn a_nul_byte_stops_the_read_with_its_line() {
        let error = rows_of(b"a,b\r\nc,d\rx\0y\n", 3).unwrap_err();
        assert!(
            error.to_string().starts_with("line 3 holds a NUL byte"),
            "{error}"
        );
    }

    #[test]
    fn endless_input_without_line_ends_stops_the_read() {
        // `yes | tr -d '\n'`: no row ever ends; the read gives up instead of waiting for ever.
        struct Endless;
        impl Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                buf.fill(b'y');
                Ok(buf.len())
            }
        }
        let mut rows = Rows::new(io::Cursor::new(b"a\n".to_vec()).chain(Endless));
        let mut rec = csv::ByteRecord::new();
        assert_eq!(rows.read(&mut rec).unwrap(), Some(Size::Fits));
        assert_eq!(rows.read(&mut rec).unwrap(), Some(Size::RowTooLong));
        let error = rows.read(&mut rec).unwrap_err().to_string();
        assert!(
            error.starts_with("line 2: a row runs on past 1 MiB"),
            "{error}"
        );
    }
}
