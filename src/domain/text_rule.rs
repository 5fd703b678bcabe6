//! What stored text may hold. Text an operator or an import stores is shown later on other
//! operators' terminals: a control character there can move the cursor, retitle the window
//! or set the clipboard (OSC 52), and a bidirectional override can show text other than what
//! it is. Such text is refused where it comes in, naming the field.

/// Whether `c` must never be stored in a one-line field, nor reach a terminal raw: C0 and
/// C1 controls and DEL, and the bidirectional overrides and isolates.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Why `text` cannot be stored, or None. `multi_line` fields (vars, notes) keep line
/// breaks and tabs.
pub fn text_problem(text: &str, multi_line: bool) -> Option<&'static str> {
    if text.starts_with('\u{FEFF}') {
        return Some("cannot start with a byte order mark");
    }
    let allowed = |c: char| multi_line && matches!(c, '\n' | '\r' | '\t');
    let bad = text.chars().find(|&c| is_unsafe_char(c) && !allowed(c))?;
    Some(if bad.is_control() {
        "cannot contain control characters"
    } else {
        "cannot contain characters that reorder text (bidirectional overrides or isolates)"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_overrides_and_a_leading_bom_are_refused() {
        assert_eq!(text_problem("Atlas Call Centre Ltd", false), None);
        assert_eq!(text_problem("Zürich 東京 😀", false), None);
        for bad in [
            "A\u{1b}]52;c;QQ==\u{7}A",
            "tab\there",
            "del\u{7f}",
            "c1\u{9b}31m",
        ] {
            assert_eq!(
                text_problem(bad, false),
                Some("cannot contain control characters"),
                "{bad:?}"
            );
        }
        assert!(
            text_problem("abc\u{202E}fdp.exe", false)
                .unwrap()
                .contains("reorder")
        );
        assert!(
            text_problem("x\u{2067}y", false)
                .unwrap()
                .contains("reorder")
        );
        assert!(
            text_problem("\u{FEFF}name", false)
                .unwrap()
                .contains("byte order mark")
        );
        // Line breaks and tabs belong in multi-line fields; escapes never do.
        assert_eq!(text_problem("a = 1\r\n\tb = 2\n", true), None);
        assert!(text_problem("a = \"\u{1b}[2J\"", true).is_some());
    }
}
