//! Contacts' passwords for the customer portal: the rules a typed one meets, generated
//! ones, and the argon2id hashes they are kept as (never the password itself).

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};

/// The shortest password a contact may be given.
pub const MIN_LENGTH: usize = 12;
/// The longest: a password, not a document to hash.
pub const MAX_LENGTH: usize = 128;
/// 20 of 58 symbols: about 117 bits.
pub const GENERATED_LENGTH: usize = 20;

/// The characters of a generated password. No vowels, so that it never spells a word, a
/// name or an email's local part (and so passes `problem` for nearly every contact); no
/// look-alikes (0/O, 1/l/I); symbols that are easy to say on a call.
const ALPHABET: &[u8] = b"bcdfghjkmnpqrstvwxyzBCDFGHJKLMNPQRSTVWXYZ23456789-_.!@#%+=";

const RANDOM_FAILED: &str = "the operating system's random source failed";

/// Why a typed password is refused, or None. Reasons are short, for beside the field, and
/// never repeat the password.
pub fn problem(password: &str, email: &str, customer_name: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Some(format!("at least {MIN_LENGTH} characters"));
    }
    if n > MAX_LENGTH {
        return Some(format!("at most {MAX_LENGTH} characters"));
    }
    if password.chars().any(char::is_control) {
        return Some("must not contain control characters".into());
    }
    let lower = password.to_lowercase();
    let email = email.trim();
    let local = email.rsplit_once('@').map_or(email, |(local, _)| local);
    // Shorter parts ("jo", "a") turn up in random passwords by chance.
    if local.chars().count() >= 3 && lower.contains(&local.to_lowercase()) {
        return Some("must not contain the email's local part".into());
    }
    // "Acme Voice" is as guessable as "acmevoice" and "AcmeVoice".
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let name = squeeze(&customer_name.to_lowercase());
    if name.chars().count() >= 3 && squeeze(&lower).contains(&name) {
        return Some("must not contain the customer's name".into());
    }
    None
}

/// A new password from the operating system's random source.
///
/// # Panics
/// When the operating system has no random source to give: no password can be made then.
pub fn generate() -> String {
    loop {
        let mut bytes = [0u8; 64];
        getrandom::fill(&mut bytes).expect(RANDOM_FAILED);
        // 64 bytes almost always give 20 usable ones, and 1 in 20 draws lacks a digit;
        // either way, draw again.
        if let Some(p) = generate_from(&bytes) {
            return p;
        }
    }
}

/// A password from random bytes (the caller brings them from the OS's random source).
/// Bytes past the largest multiple of the alphabet's size are skipped, so that every
/// character is equally likely. None when the bytes ran out first, or the password has no
/// letter or no digit (which some sites ask of a password).
pub fn generate_from(random: &[u8]) -> Option<String> {
    let password: String = random
        .iter()
        .filter_map(|&b| pick(b))
        .take(GENERATED_LENGTH)
        .collect();
    let complete = password.chars().count() == GENERATED_LENGTH
        && password.chars().any(|c| c.is_ascii_alphabetic())
        && password.chars().any(|c| c.is_ascii_digit());
    complete.then_some(password)
}

/// The character one random byte stands for, or None for a byte past the last whole
/// round of the alphabet.
fn pick(byte: u8) -> Option<char> {
    let n = ALPHABET.len();
    let limit = 256 - 256 % n;
    let b = usize::from(byte);
    (b < limit).then(|| char::from(ALPHABET[b % n]))
}

/// The PHC string ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash") to store for `password`:
/// argon2id with the crate's default parameters and a random salt.
///
/// # Panics
/// When the operating system has no random source to give for the salt.
pub fn hash(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect(RANDOM_FAILED)
        .to_string()
}

/// Whether `password` is the one `phc` was made from. A malformed hash verifies nothing.
/// The parameters are read from the hash, so older hashes still verify after the defaults
/// change.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(password: &str) -> Option<String> {
        problem(password, "ana@example.com", "Acme Voice")
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(ok("short-pw").as_deref(), Some("at least 12 characters"));
        assert_eq!(ok("elevenchars").as_deref(), Some("at least 12 characters"));
        assert_eq!(ok("twelve-chars"), None);
        // 12 characters, 24 bytes.
        assert_eq!(ok("äöüäöüäöüäöü"), None);
        assert_eq!(ok("äöüäöüäöüäö").as_deref(), Some("at least 12 characters"));
        assert_eq!(ok(&"x".repeat(MAX_LENGTH)), None);
        assert_eq!(
            ok(&"x".repeat(MAX_LENGTH + 1)).as_deref(),
            Some("at most 128 characters")
        );
    }

    #[test]
    fn control_characters_are_refused() {
        for bad in [
            "twelve chars\u{7}",
            "line one\nline two",
            "tab\tseparated!",
            "del\u{7f}eted-pass",
        ] {
            assert_eq!(
                ok(bad).as_deref(),
                Some("must not contain control characters"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_emails_local_part_is_refused_in_any_case() {
        assert_eq!(
            problem("my-ana-password", "ana@example.com", "Acme").as_deref(),
            Some("must not contain the email's local part")
        );
        assert_eq!(
            problem("xxANA.BERG2024x", "Ana.Berg@example.com", "Acme").as_deref(),
            Some("must not contain the email's local part")
        );
        // The domain is not the local part.
        assert_eq!(
            problem("example.com-2024!", "ana@example.com", "Acme"),
            None
        );
        // Too short to count: "jo" turns up by chance.
        assert_eq!(problem("enjoy-the-sun", "jo@example.com", "Acme"), None);
        // No email yet.
        assert_eq!(problem("a-fine-password", "", "Acme"), None);
    }

    #[test]
    fn the_customers_name_is_refused_whatever_its_spacing_and_case() {
        for bad in [
            "ACMEVOICE-2024",
            "acme voice 2024",
            "my-AcmeVoice!",
            "a c m e voice!!",
        ] {
            assert_eq!(
                ok(bad).as_deref(),
                Some("must not contain the customer's name"),
                "{bad:?}"
            );
        }
        assert_eq!(ok("acme-only-2024"), None, "a part of the name is fine");
        // Too short to count.
        assert_eq!(problem("ab-cd-ef-gh-ij", "x@example.com", "A B"), None);
        assert_eq!(
            problem("zürich-office-7", "x@example.com", "Zürich"),
            Some("must not contain the customer's name".into())
        );
    }

    #[test]
    fn reasons_never_repeat_the_password() {
        for (password, email, name) in [
            ("tiny", "x@example.com", "Acme"),
            ("a-secret-for-ana", "ana@example.com", "Acme"),
            ("acme-secret-123", "x@example.com", "Acme"),
            (&"q".repeat(200) as &str, "x@example.com", "Acme"),
        ] {
            let reason = problem(password, email, name).unwrap();
            assert!(!reason.contains(password), "{reason}");
        }
    }

    #[test]
    fn every_character_is_equally_likely() {
        let mut counts = std::collections::HashMap::new();
        for b in 0..=255u8 {
            if let Some(c) = pick(b) {
                *counts.entry(c).or_insert(0) += 1;
            }
        }
        assert_eq!(counts.len(), ALPHABET.len());
        assert!(
            counts.values().all(|&n| n == 256 / ALPHABET.len()),
            "{counts:?}"
        );
    }

    #[test]
    fn the_alphabet_reads_out_clearly() {
        for c in "0O1lIaeiouAEIOU".chars() {
            assert!(!ALPHABET.contains(&(c as u8)), "{c}");
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ALPHABET.len(), "no character twice");
    }

    #[test]
    fn generated_from_bytes_skips_bytes_past_the_last_round_and_needs_a_letter_and_a_digit() {
        // Indexes: b c d (letters), 2 3 (digits), - (symbol) and so on.
        let b = |c: u8| u8::try_from(ALPHABET.iter().position(|&a| a == c).unwrap()).unwrap();
        let mut bytes: Vec<u8> = b"bcd23-bcd23-bcd23-bc".iter().map(|&c| b(c)).collect();
        // A byte past the last whole round is skipped; one in a later round is read.
        let limit = u8::try_from(256 - 256 % ALPHABET.len()).unwrap();
        bytes.insert(3, limit);
        bytes.insert(0, 255);
        bytes[5] += u8::try_from(ALPHABET.len()).unwrap();
        assert_eq!(
            generate_from(&bytes).as_deref(),
            Some("bcd23-bcd23-bcd23-bc")
        );
        // Too few usable bytes.
        assert_eq!(generate_from(&bytes[..bytes.len() - 1]), None);
        assert_eq!(generate_from(&[255; 64]), None);
        assert_eq!(generate_from(&[]), None);
        // All zeros: twenty b's, no digit.
        assert_eq!(generate_from(&[0; 64]), None);
        // Digits and symbols only: no letter.
        let digits: Vec<u8> = b"23456789".iter().map(|&c| b(c)).cycle().take(20).collect();
        assert_eq!(generate_from(&digits), None);
        // Letters only: no digit.
        assert_eq!(generate_from(&(0..=255).collect::<Vec<u8>>()), None);
    }

    #[test]
    fn generated_passwords_are_long_varied_and_pass_the_rules() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let p = generate();
            assert_eq!(p.chars().count(), GENERATED_LENGTH, "{p}");
            assert!(p.bytes().all(|b| ALPHABET.contains(&b)), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_alphabetic()), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_digit()), "{p}");
            assert_eq!(problem(&p, "ana@example.com", "Acme"), None, "{p}");
            seen.insert(p);
        }
        assert_eq!(seen.len(), 1000, "no password twice");
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        // Each hash and verify is a full argon2id run: few of them, as they are slow
        // unoptimised.
        let password = "correct horse battery";
        let phc = hash(password);
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(!phc.contains(password));
        assert!(verify(password, &phc));
        assert!(!verify("correct horse battery!", &phc));
        // A fresh salt each time: equal passwords do not show as equal hashes.
        assert_ne!(hash(password), phc);
    }

    #[test]
    fn a_malformed_hash_verifies_nothing() {
        assert!(!verify("anything", ""));
        assert!(!verify("anything", "not a hash"));
        assert!(!verify("anything", "$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!verify("", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$"));
    }
}
