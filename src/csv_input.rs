//! CSV files as operators hand them over: the line a row starts on as an editor numbers it,
//! whatever the line ends (LF, CRLF, or CR alone as old Mac tools write them), counted as
//! the bytes stream past, so that a file is read once and from the front only.

use std::collections::VecDeque;
use std::io::{self, Read};

/// A reader that counts line ends in what passes through it, for a `csv::Reader` to read
/// from. The csv reader's own line count takes no notice of a CR alone and leaves out blank
/// lines; this one asks no second look at the file.
pub struct Lines<R> {
    inner: R,
    /// Bytes handed on so far.
    head: u64,
    /// Runs of line-end bytes handed on that no row asked about yet, in file order.
    runs: VecDeque<Run>,
    /// Line ends before the first run kept.
    ended: u64,
    /// Whether the last byte handed on was a CR: a LF right after it ends the same line.
    after_cr: bool,
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
            head: 0,
            runs: VecDeque::new(),
            ended: 0,
            after_cr: false,
        }
    }

    /// The one-based line of the row the csv reader places at byte `at` (which is where
    /// the previous row ended: its line end and any blank lines come after it). Rows are
    /// asked about in file order; what is before `at` is forgotten.
    pub fn line_at(&mut self, at: u64) -> u64 {
        // A run that starts at or before `at` lies wholly before the row: the row starts
        // with the first byte that is not a line end.
        while let Some(run) = self.runs.front().filter(|r| r.start <= at) {
            self.ended += run.ends;
            self.runs.pop_front();
        }
        self.ended + 1
    }

    /// Sets the line of a row the csv reader has just read, as an editor numbers it.
    pub fn place(&mut self, rec: &mut csv::ByteRecord) {
        if let Some(mut at) = rec.position().cloned() {
            at.set_line(self.line_at(at.byte()));
            rec.set_position(Some(at));
        }
    }

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
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.note(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of each row of `text`, read through `Lines` in chunks of `chunk` bytes.
    fn lines_of(text: &[u8], chunk: usize) -> Vec<u64> {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Lines::new(Chunks(text, chunk)));
        let mut rec = csv::ByteRecord::new();
        let mut found = Vec::new();
        while reader.read_byte_record(&mut rec).unwrap() {
            reader.get_mut().place(&mut rec);
            found.push(rec.position().unwrap().line());
        }
        found
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
}
