//! "Never put passwords in notes", enforced: notes are shown to whoever opens the contact and
//! kept in clear, so a contact's notes that hold a credential are refused where they are typed.

/// Words that announce a credential. Matched as whole words in any case: "pin" is, "spinal"
/// and "pinging" are not.
const KEYWORDS: [&str; 6] = ["password", "passwd", "pwd", "pass", "secret", "pin"];

/// Words that may stand between a keyword and its value: "password is now Xk9#mQ2$vL7p".
const FILLERS: [&str; 6] = ["is", "was", "are", "now", "set", "to"];

/// The shortest word taken for a password when no `:` or `=` says it is one.
const MIN_PASSWORD_LIKE: usize = 10;

/// Why a contact's notes are refused, naming the word that gave them away, or None.
/// `password` is the contact's own portal password, when the caller has it in clear.
///
/// A keyword followed by `:` or `=` and a value on the same line is refused, whatever the
/// value; a keyword followed by a space and a word that looks like a password (10 or more
/// characters mixing letters, digits and symbols) is refused too. Ordinary sentences
/// ("Call the pin desk", "reset password via the portal") are not.
pub fn credential_in(notes: &str, password: Option<&str>) -> Option<String> {
    if password.is_some_and(|p| !p.is_empty() && notes.contains(p)) {
        return Some("contains the contact's password".into());
    }
    words(notes).find_map(|(start, end)| {
        let word = &notes[start..end];
        let keyword = KEYWORDS
            .into_iter()
            .find(|k| word.eq_ignore_ascii_case(k))?;
        let reason = match after_keyword(&notes[end..])? {
            Follows::Value => "followed by a value",
            Follows::PasswordLike => "followed by what looks like a password",
        };
        Some(format!("reads as a credential: \"{keyword}\" {reason}"))
    })
}

/// What comes after a keyword, when it gives the notes away.
enum Follows {
    /// `:` or `=` and something.
    Value,
    /// A word that looks like a password.
    PasswordLike,
}

/// Spaces within a line: a value on the next line belongs to something else.
fn is_blank(c: char) -> bool {
    c.is_whitespace() && c != '\n' && c != '\r'
}

fn after_keyword(rest: &str) -> Option<Follows> {
    let mut s = rest.trim_start_matches(is_blank);
    let mut spaced = s.len() < rest.len();
    // "pin is now: 1234", "password was Xk9#mQ2$vL7p"
    while spaced {
        let end = s.find(|c: char| is_blank(c) || c == ':' || c == '=' || c == '\n' || c == '\r');
        let word = &s[..end.unwrap_or(s.len())];
        if !FILLERS.iter().any(|f| word.eq_ignore_ascii_case(f)) {
            break;
        }
        let after = &s[word.len()..];
        s = after.trim_start_matches(is_blank);
        spaced = s.len() < after.len();
    }
    if let Some(value) = s.strip_prefix([':', '=']) {
        let value = value.trim_start_matches(is_blank);
        return (!token(value).is_empty()).then_some(Follows::Value);
    }
    (spaced && looks_like_password(token(s))).then_some(Follows::PasswordLike)
}

/// The text up to the next space or line break.
fn token(s: &str) -> &str {
    &s[..s.find(char::is_whitespace).unwrap_or(s.len())]
}

/// Long, and mixing at least two of letters, digits and symbols. Punctuation that ends a
/// sentence, and the hyphens and apostrophes of ordinary words ("self-service,"), do not
/// make a word a password.
fn looks_like_password(word: &str) -> bool {
    let word = word
        .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\''])
        .trim_start_matches(['(', '"', '\'']);
    if word.chars().count() < MIN_PASSWORD_LIKE {
        return false;
    }
    let letters = word.chars().any(char::is_alphabetic);
    let digits = word.chars().any(|c| c.is_numeric());
    let symbols = word
        .chars()
        .any(|c| !c.is_alphanumeric() && !matches!(c, '-' | '\'' | '’'));
    [letters, digits, symbols]
        .into_iter()
        .filter(|&b| b)
        .count()
        >= 2
}

/// The byte ranges of the notes' words: runs of letters and digits, in any script.
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.by_ref().find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            chars.next();
        }
        Some((start, end))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(notes: &str) -> String {
        credential_in(notes, None).unwrap_or_else(|| panic!("{notes:?} was let through"))
    }

    fn allowed(notes: &str) {
        assert_eq!(credential_in(notes, None), None, "{notes:?}");
    }

    #[test]
    fn the_contacts_own_password_is_refused_without_being_repeated() {
        let pw = "blue-Harbour-77";
        let reason = credential_in("for the portal use blue-Harbour-77 please", Some(pw)).unwrap();
        assert_eq!(reason, "contains the contact's password");
        assert!(!reason.contains(pw));
        // Exact: another case is another text.
        assert_eq!(credential_in("BLUE-HARBOUR-77 is a ship", Some(pw)), None);
        // No password, or an empty one, checks nothing of the kind.
        assert_eq!(credential_in("blue-Harbour-77", Some("")), None);
        assert_eq!(credential_in("blue-Harbour-77", None), None);
    }

    #[test]
    fn a_keyword_with_colon_or_equals_and_a_value_is_refused() {
        assert_eq!(
            refused("PIN=4412"),
            "reads as a credential: \"pin\" followed by a value"
        );
        assert_eq!(
            refused("Password: hunter2"),
            "reads as a credential: \"password\" followed by a value"
        );
        for notes in [
            "pwd:abc",
            "passwd = letmein",
            "Pass : x",
            "SECRET=42",
            "portal login ana, password:  Summer2024",
            "url https://portal.example/?pin=1234",
            "db_password: x",
            "PIN is: 1234",
        ] {
            assert!(refused(notes).contains("followed by a value"), "{notes:?}");
        }
    }

    #[test]
    fn the_keyword_is_named_as_written_lower_cased() {
        assert!(refused("Login ok. PWD: x1").contains("\"pwd\""));
        assert!(refused("Passwd= abc").contains("\"passwd\""));
        assert!(refused("secret Xk9#mQ2$vL7p").contains("\"secret\""));
    }

    #[test]
    fn a_keyword_before_a_password_like_word_is_refused() {
        assert_eq!(
            refused("password is Tr0ub4dor&3x"),
            "reads as a credential: \"password\" followed by what looks like a password"
        );
        assert!(refused("secret Xk9#mQ2$vL7p").contains("looks like a password"));
        assert!(refused("Her pass is now Summer2024x.").contains("\"pass\""));
        assert!(refused("pin was set to 8841-xz-2231").contains("\"pin\""));
        assert!(refused("Password   \"Xk9#mQ2$vL7p\"").contains("\"password\""));
    }

    #[test]
    fn ordinary_sentences_with_the_keywords_are_allowed() {
        for notes in [
            "Call the pin desk before 5pm",
            "pass the message to billing",
            "reset password via the portal",
            "Password: ",
            "Password:",
            "pin =",
            "passport copy on file",
            "pinging the SBC every 30s",
            "compass office, 3rd floor",
            "spinal surgery, back in May",
            "password-protected PDF sent",
            "Password reset requested on 2024-05-01",
            "pass unregistered, misconfigured, calls to billing",
            "password self-service is enabled",
            "secret santa on Friday",
            "PIN changed by the customer",
            "pin 1234",
            "secret abcdefghijklmnop",
        ] {
            allowed(notes);
        }
    }

    #[test]
    fn notes_are_read_line_by_line() {
        // A keyword ending a line does not take the next line as its value.
        allowed("Password:\nCall the NOC on weekdays");
        allowed("Ask for the pin\nXk9#mQ2$vL7p is the trunk's id");
        // A credential on any line is found.
        let notes = "Escalation: NOC first\nthen billing\n  pin: 4412\nthanks";
        assert!(refused(notes).contains("\"pin\""));
        assert!(refused("line one\r\nsecret = abc\r\n").contains("\"secret\""));
    }

    #[test]
    fn unicode_notes_are_read_by_words() {
        allowed("Zürich büro, Ansprechpartner Jürgen Müller — 東京 office");
        allowed("Müllerpin: 1234 is the desk's name");
        assert!(refused("Büro Zürich · PIN: 0815").contains("\"pin\""));
        assert!(refused("東京 password=秘密の合言葉").contains("\"password\""));
        assert!(refused("Kennwort für Jürgen: secret ÄÖÜ-ßxyz-42").contains("\"secret\""));
        assert!(refused("😀pin=1").contains("\"pin\""));
    }
}
