//! CSV as a spreadsheet opens it. A cell that starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is run as a formula (OWASP's "CSV injection": `=HYPERLINK(…)` in a
//! customer's name). Every CSV the console writes goes through `Writer`, which puts an
//! apostrophe before such a cell, as OWASP advises, unless the cell is wholly a number
//! (`-1234.50`, `+442079460000`), which a spreadsheet shows as it is. `restored` undoes it
//! for the console's own CDR format, so that its files import back unchanged.

use std::borrow::Cow;
use std::io;

const FORMULA_STARTS: [u8; 6] = [b'=', b'+', b'-', b'@', b'\t', b'\r'];

/// Whether the cell gets an apostrophe: it starts as a formula does, after any apostrophes
/// of its own (so that `'=x` written as `''=x` reads back as `'=x`), and is not a number.
fn escaped_when_written(cell: &[u8]) -> bool {
    let rest = &cell[cell.iter().take_while(|&&b| b == b'\'').count()..];
    rest.first().is_some_and(|b| FORMULA_STARTS.contains(b)) && !is_number(rest)
}

/// A sign, digits, and optionally a point and more digits.
fn is_number(cell: &[u8]) -> bool {
    let unsigned = match cell.first() {
        Some(b'+' | b'-') => &cell[1..],
        _ => cell,
    };
    let digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    match unsigned.iter().position(|&b| b == b'.') {
        Some(point) => digits(&unsigned[..point]) && digits(&unsigned[point + 1..]),
        None => digits(unsigned),
    }
}

/// The cell as written to a CSV file: with an apostrophe first when a spreadsheet would
/// run it as a formula.
pub fn neutral(cell: &[u8]) -> Cow<'_, [u8]> {
    if escaped_when_written(cell) {
        let mut out = Vec::with_capacity(cell.len() + 1);
        out.push(b'\'');
        out.extend_from_slice(cell);
        Cow::Owned(out)
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell of a file `Writer` wrote, as it was before: its apostrophe taken off where
/// `neutral` put one.
pub fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if escaped_when_written(rest.as_bytes()) => rest,
        _ => cell,
    }
}

/// A CSV writer whose every cell goes through `neutral`.
pub struct Writer<W: io::Write>(csv::Writer<W>);

impl<W: io::Write> Writer<W> {
    pub fn new(csv: csv::Writer<W>) -> Writer<W> {
        Writer(csv)
    }

    pub fn from_writer(out: W) -> Writer<W> {
        Writer(csv::Writer::from_writer(out))
    }

    pub fn write_record<I>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        for cell in record {
            self.0.write_field(neutral(cell.as_ref()))?;
        }
        self.0.write_record(None::<&[u8]>)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }

    /// Flushes what is buffered and hands the output back.
    pub fn into_inner(self) -> io::Result<W> {
        self.0
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(cell: &str) -> String {
        String::from_utf8(neutral(cell.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn formulas_get_an_apostrophe_and_numbers_do_not() {
        for (cell, out) in [
            (
                "=HYPERLINK(\"http://x.example\",\"pay\")",
                "'=HYPERLINK(\"http://x.example\",\"pay\")",
            ),
            ("+cmd", "'+cmd"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-", "'-"),
            ("'=x", "''=x"),
            ("-1234.50", "-1234.50"),
            ("+442079460000", "+442079460000"),
            ("-5", "-5"),
            ("Atlas = best", "Atlas = best"),
            ("'quoted", "'quoted"),
            ("", ""),
        ] {
            assert_eq!(written(cell), out, "{cell:?}");
        }
    }

    #[test]
    fn what_is_written_reads_back_as_it_was() {
        for cell in [
            "=1+1", "'=1+1", "''@x", "-1234.50", "'-5", "'plain", "plain", "-", "'", "",
        ] {
            assert_eq!(restored(&written(cell)), cell, "{cell:?}");
        }
    }
}
