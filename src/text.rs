//! Text in a fixed number of terminal columns, counted by display width: a CJK character
//! takes two, a combining accent none.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` in at most `width` columns: cut with "…" when longer, so that a shortened email
/// or value never passes for the whole of it.
pub fn fit(text: &str, width: usize) -> String {
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
/// as escapes, everything else as it is.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
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
