//! Text in a fixed number of terminal columns, counted by display width: a CJK character
//! takes two, a combining accent none.

use crate::domain::text_rule::is_unsafe_char;
use std::borrow::Cow;
use std::io::Write;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` in at most `width` columns, shown as `printable` shows it: cut with "…" when
/// longer, so that a shortened email or value never passes for the whole of it.
pub fn fit(text: &str, width: usize) -> String {
    let text = printable(text);
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` in exactly `width` columns: cut as `fit` does, or padded with spaces.
pub fn padded(text: &str, width: usize) -> String {
    let fitted = fit(text, width);
    let pad = width.saturating_sub(fitted.width());
    format!("{fitted}{}", " ".repeat(pad))
}

/// Stored text as it may reach a terminal: control characters (which could move the
/// cursor, set the clipboard or retitle the window) and characters that reorder text shown
/// as escapes (`\u{1b}`), everything else as it is.
pub fn printable(text: &str) -> Cow<'_, str> {
    escaped(text, false)
}

/// As `printable`, keeping line breaks and tabs: for whole lines of output.
fn escaped(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe_char(c) && !(keep_lines && matches!(c, '\n' | '\t'));
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A writer for output read on a terminal (not JSON, whose own escapes are kept): what it
/// is given goes through as `printable` shows it, lines and tabs kept.
pub struct Printable<W: Write>(pub W);

impl<W: Write> Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(escaped(&text, true).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_text_carries_no_terminal_controls() {
        assert_eq!(printable("plain café"), "plain café");
        assert_eq!(
            printable("A\u{1b}]52;c;QQ==\u{7}B\u{202E}"),
            "A\\u{1b}]52;c;QQ==\\u{7}B\\u{202e}"
        );
        let mut out = Printable(Vec::new());
        let name = "A\u{1b}[2JB";
        write!(out, "name: {name}\n\tnext\r\n").unwrap();
        assert_eq!(
            String::from_utf8(out.0).unwrap(),
            "name: A\\u{1b}[2JB\n\tnext\\u{d}\n"
        );
    }

    #[test]
    fn text_takes_its_columns_whatever_the_script() {
        for name in [
            "Atlas",
            "東京 Telecom",
            "Café Zürich",
            "📞📞 Calls",
            "Cafe\u{301}",
        ] {
            assert_eq!(padded(name, 12).width(), 12, "{name}");
        }
        let long = fit("東京東京東京東京東京", 9);
        assert_eq!(
            (long.width() <= 9, long.ends_with('…')),
            (true, true),
            "{long}"
        );
        assert_eq!(fit("short", 9), "short");
        assert_eq!(fit("nadia.okafor@atlas.example", 10), "nadia.oka…");
    }
}
