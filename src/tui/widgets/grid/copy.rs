//! Copies of a selection: TSV for the clipboard, CSV for an export.

use super::GridSource;
use crate::domain::selection::Selection;
use std::io;

/// Which header lines a copy starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyHeaders {
    /// Only the cells (`y`).
    None,
    /// The header line, then the cells (`Y`).
    Columns,
    /// The group line, the header line, then the cells ("copy with group headers").
    Groups,
}

/// TSV has no quoting: a tab or line break inside a cell would split it.
fn tsv_field(out: &mut String, text: &str) {
    out.extend(text.chars().map(|c| {
        if matches!(c, '\t' | '\n' | '\r') {
            ' '
        } else {
            c
        }
    }));
}

/// The selected cells as TSV, lines joined by "\n" with none after the last, the way a
/// spreadsheet pastes them.
pub fn to_tsv<S: GridSource + ?Sized>(source: &S, sel: &Selection, headers: CopyHeaders) -> String {
    let cols = sel.cols();
    let mut lines: Vec<String> = Vec::new();
    let line = |cell: &mut dyn FnMut(usize, &mut String)| {
        let mut out = String::new();
        for (i, c) in cols.clone().enumerate() {
            if i > 0 {
                out.push('\t');
            }
            cell(c, &mut out);
        }
        out
    };
    if headers == CopyHeaders::Groups {
        // A group's name stands over the first of its selected columns.
        lines.push(line(&mut |c, out| {
            let g = source.group(c);
            if c == cols.start || source.group(c - 1) != g {
                tsv_field(out, g.unwrap_or(""));
            }
        }));
    }
    if headers != CopyHeaders::None {
        lines.push(line(&mut |c, out| tsv_field(out, &source.copy_header(c))));
    }
    for row in sel.rows() {
        lines.push(line(&mut |c, out| {
            tsv_field(out, &source.copy_text(row, c))
        }));
    }
    lines.join("\n")
}

/// The selected cells (pass `Selection::all` for the whole view) as CSV with a header
/// line, for export to a file.
pub fn write_csv<S: GridSource + ?Sized, W: io::Write>(
    source: &S,
    sel: &Selection,
    out: W,
) -> io::Result<()> {
    let mut w = crate::spreadsheet::Writer::from_writer(out);
    w.write_record(sel.cols().map(|c| source.copy_header(c).into_owned()))?;
    for row in sel.rows() {
        w.write_record(sel.cols().map(|c| source.copy_text(row, c).into_owned()))?;
    }
    w.flush()
}
