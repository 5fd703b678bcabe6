//! Contacts' phone numbers. Typed in any usual form ("+49 6598 336393", "0049 6598 336393",
//! "06598 336393" in Germany, "(368) 236-6454" in the US), stored in E.164
//! ("+496598336393") so that one number is one text, whoever typed it.

use phonenumber::country::Id;
use phonenumber::{ParseError, PhoneNumber};

/// The longest text read as a phone number: the longest E.164 number with the widest
/// spacing and an international prefix fits well within it, and the parser never sees
/// pasted paragraphs.
pub const MAX_CHARS: usize = 40;

/// What a phone number may hold beside digits: separators people write, and `+`.
const SEPARATORS: [char; 7] = [' ', '+', '-', '(', ')', '.', '/'];

const NOT_A_NUMBER: &str = "is not a phone number";

/// The number in E.164 ("+496598336393"), or why it is refused. Empty text is no number,
/// and stays empty. `country` is the ISO 3166 code ("DE", "gb") of numbers typed without
/// a country code, and of the international prefix they may start with ("00" in Germany
/// and Britain, "011" in the US). Refusals read after the field's name: "Phone cannot
/// contain letters".
pub fn normalize(text: &str, country: Option<&str>) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let number = read(text, country)?;
    // The parser takes any run of digits it can split into a country code and the rest;
    // only the numbering plan says whether such a number can exist.
    if !phonenumber::is_valid(&number) {
        return Err("is not a valid number: check its digits and its country code".into());
    }
    Ok(e164(&number))
}

/// The number as the parser reads it, whether or not it can exist.
fn read(text: &str, country: Option<&str>) -> Result<PhoneNumber, String> {
    if text.chars().count() > MAX_CHARS {
        return Err(format!("has more than {MAX_CHARS} characters"));
    }
    // The parser would read letters as a keypad's ("1-800-FLOWERS") or as an extension:
    // neither is a number one can store and dial.
    if text.chars().any(char::is_alphabetic) {
        return Err("cannot contain letters".into());
    }
    if !is_number_like(text) {
        return Err("can hold only digits, spaces and + - ( ) . /".into());
    }
    let region = match country.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(region(c)?),
    };
    let international = text.trim_start_matches(['(', ' ']).starts_with('+');
    if region.is_none() && !international {
        return Err("needs a country code such as +44, or the default_country setting".into());
    }
    phonenumber::parse(region, text).map_err(|e| parse_problem(&e))
}

fn is_number_like(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_digit() || SEPARATORS.contains(&c))
}

/// Written out here rather than through the crate's formatter, whose Display fails (and
/// `to_string` panics) on a country code it has no metadata for.
fn e164(number: &PhoneNumber) -> String {
    format!("+{}{}", number.code().value(), number.national())
}

/// The crate's region for an ISO 3166 code, in any case.
fn region(code: &str) -> Result<Id, String> {
    code.to_ascii_uppercase().parse::<Id>().map_err(|_| {
        format!(
            "cannot be read with the default country '{}', which is not a code such as DE, GB or US",
            code.escape_debug()
        )
    })
}

fn parse_problem(e: &ParseError) -> String {
    match e {
        ParseError::TooShortNsn | ParseError::TooShortAfterIdd => {
            "is too short for a phone number".into()
        }
        ParseError::TooLong => "is too long for a phone number".into(),
        ParseError::InvalidCountryCode => "starts with a country code that does not exist".into(),
        ParseError::NoNumber | ParseError::MalformedInteger(_) => NOT_A_NUMBER.into(),
    }
}

/// For a search box: when `text` reads as (part of) a phone number, the digit strings a
/// stored E.164 number holding it would contain, most telling first: the digits of the
/// number as the default country reads it, then the digits as typed, so that "(368)
/// 136-6454" still finds "+13681366454" when the default country is not the US. The
/// number need not be valid: a search is often part of a number. None when `text` is not
/// number-like (letters, or fewer than 4 digits): search it as words.
pub fn search_digits(text: &str, country: Option<&str>) -> Option<Vec<String>> {
    let text = text.trim();
    let typed: String = text.chars().filter(char::is_ascii_digit).collect();
    if !is_number_like(text) || typed.len() < 4 {
        return None;
    }
    let mut found = Vec::with_capacity(2);
    if let Ok(number) = read(text, country) {
        found.push(e164(&number).split_off(1));
    }
    if !found.contains(&typed) {
        found.push(typed);
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn de(text: &str) -> Result<String, String> {
        normalize(text, Some("DE"))
    }

    fn us(text: &str) -> Result<String, String> {
        normalize(text, Some("US"))
    }

    #[test]
    fn a_german_number_typed_any_usual_way_is_one_e164_number() {
        for typed in [
            "+49 6598 336393",
            "+49 (0) 6598 336393",
            "+496598336393",
            "0049 6598 336393",
            "06598 336393",
            "06598/336393",
            "06598-336393",
            "  06598 336393  ",
        ] {
            assert_eq!(de(typed).as_deref(), Ok("+496598336393"), "{typed:?}");
        }
        // With a plus, the default country does not matter.
        assert_eq!(
            normalize("+49 6598 336393", Some("US")).as_deref(),
            Ok("+496598336393")
        );
        assert_eq!(
            normalize("+49 6598 336393", None).as_deref(),
            Ok("+496598336393")
        );
    }

    #[test]
    fn a_north_american_number_typed_any_usual_way_is_one_e164_number() {
        for typed in [
            "(368) 236-6454",
            "368.236.6454",
            "368-236-6454",
            "1 368 236 6454",
        ] {
            assert_eq!(us(typed).as_deref(), Ok("+13682366454"), "{typed:?}");
        }
        assert_eq!(
            normalize("+1 368-236-6454", None).as_deref(),
            Ok("+13682366454")
        );
        assert_eq!(us("011 49 6598 336393").as_deref(), Ok("+496598336393"));
    }

    #[test]
    fn a_north_american_exchange_cannot_start_with_1() {
        // 368 is an area code, but no exchange (the next three digits) starts with 0 or 1.
        for (typed, country) in [
            ("(368) 136-6454", Some("US")),
            ("+1 368 136 6454", None),
            ("001 368 136 6454", Some("DE")),
        ] {
            let e = normalize(typed, country).unwrap_err();
            assert!(e.contains("not a valid number"), "{typed:?}: {e}");
        }
    }

    #[test]
    fn double_zero_is_the_international_prefix_where_the_country_dials_it() {
        assert_eq!(de("001 368 236 6454").as_deref(), Ok("+13682366454"));
        assert_eq!(
            normalize("001 368 236 6454", Some("GB")).as_deref(),
            Ok("+13682366454")
        );
        assert_eq!(
            normalize("0044 20 7946 0958", Some("GB")).as_deref(),
            Ok("+442079460958")
        );
        // The US dials out with 011: 001… is no American number.
        assert!(us("001 368 236 6454").is_err());
    }

    #[test]
    fn digits_without_a_prefix_that_start_with_the_countrys_code_are_read_as_international() {
        // The numbering plan decides: 49 6598 336393 is no German national number.
        assert_eq!(de("49 6598 336393").as_deref(), Ok("+496598336393"));
    }

    #[test]
    fn the_country_is_read_in_any_case() {
        assert_eq!(
            normalize("06598 336393", Some("de")).as_deref(),
            Ok("+496598336393")
        );
        assert_eq!(
            normalize("020 7946 0958", Some(" gb ")).as_deref(),
            Ok("+442079460958")
        );
    }

    #[test]
    fn leading_zeros_that_belong_to_the_number_are_kept() {
        // Italian fixed lines keep their 0 after +39.
        assert_eq!(
            normalize("06 6982 1234", Some("IT")).as_deref(),
            Ok("+390669821234")
        );
    }

    #[test]
    fn empty_text_is_no_number_and_no_error() {
        assert_eq!(de("").as_deref(), Ok(""));
        assert_eq!(normalize("   \t ", None).as_deref(), Ok(""));
    }

    #[test]
    fn a_national_number_without_a_country_asks_for_a_country_code() {
        for typed in ["06598 336393", "0049 6598 336393", "(368) 136-6454"] {
            let e = normalize(typed, None).unwrap_err();
            assert!(e.contains("country code such as +44"), "{typed:?}: {e}");
            assert!(e.contains("default_country"), "{e}");
        }
        // An empty setting is no setting.
        assert!(
            normalize("06598 336393", Some(" "))
                .unwrap_err()
                .contains("+44")
        );
    }

    #[test]
    fn text_that_is_not_a_phone_number_is_refused_in_words() {
        assert_eq!(de("call Bob").unwrap_err(), "cannot contain letters");
        assert_eq!(de("0800 FLOWERS").unwrap_err(), "cannot contain letters");
        assert_eq!(
            de("+49 6598 336393 ext 12").unwrap_err(),
            "cannot contain letters"
        );
        assert_eq!(de("Zürich").unwrap_err(), "cannot contain letters");
        assert_eq!(
            de("+49 6598 336393 #12").unwrap_err(),
            "can hold only digits, spaces and + - ( ) . /"
        );
        for bad in [
            "06598\u{1b}[2;336393",
            "06598*336393",
            "+49\u{a0}6598 336393",
        ] {
            assert_eq!(
                de(bad).unwrap_err(),
                "can hold only digits, spaces and + - ( ) . /",
                "{bad:?}"
            );
        }
        assert_eq!(de("---").unwrap_err(), NOT_A_NUMBER);
        assert_eq!(de("(((( ))))").unwrap_err(), NOT_A_NUMBER);
        // Two digits parse, as a German number that cannot exist.
        assert!(de("12").unwrap_err().contains("not a valid number"));
        assert!(de("+999 1234 5678").unwrap_err().contains("does not exist"));
    }

    #[test]
    fn a_number_that_cannot_exist_is_refused() {
        // A US area code does not start with 0.
        let invalid = "is not a valid number: check its digits and its country code";
        assert_eq!(us("(068) 236-6454").unwrap_err(), invalid);
        assert_eq!(de("+49 6598 3").unwrap_err(), invalid);
        assert_eq!(
            de("+49 6598 3363 9312 3456 7890").unwrap_err(),
            "is too long for a phone number"
        );
    }

    #[test]
    fn overlong_text_is_refused_before_it_is_parsed() {
        let long = "1".repeat(MAX_CHARS + 1);
        assert_eq!(
            de(&long).unwrap_err(),
            format!("has more than {MAX_CHARS} characters")
        );
        // Counted in characters: forty separators and digits are still read.
        let spaced = format!("{:<40}", "+49 6598 336393");
        assert_eq!(spaced.chars().count(), MAX_CHARS);
        assert_eq!(de(&spaced).as_deref(), Ok("+496598336393"));
    }

    #[test]
    fn an_unknown_default_country_is_named() {
        let e = normalize("06598 336393", Some("XX")).unwrap_err();
        assert!(e.contains("'XX'") && e.contains("DE, GB or US"), "{e}");
        assert!(normalize("06598 336393", Some("Germany")).is_err());
    }

    #[test]
    fn search_text_that_reads_as_a_number_gives_the_digits_to_look_for() {
        let search = |t: &str| search_digits(t, Some("DE"));
        assert_eq!(
            search("06598 336393").unwrap(),
            ["496598336393", "06598336393"]
        );
        assert_eq!(search("0049 6598 336393").unwrap()[0], "496598336393");
        assert_eq!(search("+49 6598 336393").unwrap(), ["496598336393"]);
        assert_eq!(search("+1 368 136 6454").unwrap(), ["13681366454"]);
        assert_eq!(search("001 368 136 6454").unwrap()[0], "13681366454");
        // Read as a German number, but its digits as typed still find the stored
        // +13681366454.
        let na = search("(368) 136-6454").unwrap();
        assert_eq!(na, ["493681366454", "3681366454"]);
        assert!("13681366454".contains(na[1].as_str()));
        // Part of a number, national prefix and all, finds the whole stored number.
        let part = search("06598 33").unwrap();
        assert!("496598336393".contains(part[0].as_str()), "{part:?}");
        assert_eq!(search("336-393").unwrap()[1], "336393");
        assert!(search("6598").unwrap().contains(&"6598".to_string()));
    }

    #[test]
    fn search_text_that_is_not_number_like_is_searched_as_words() {
        let search = |t: &str| search_digits(t, Some("DE"));
        assert_eq!(search("abc"), None);
        assert_eq!(search("12"), None);
        assert_eq!(search("1 2 3"), None);
        assert_eq!(search(""), None);
        assert_eq!(search("Acme 4930"), None);
        assert_eq!(search("#4930"), None);
    }

    #[test]
    fn search_without_a_default_country_still_matches_typed_digits() {
        assert_eq!(
            search_digits("06598 336393", None).unwrap(),
            ["06598336393"]
        );
        assert_eq!(
            search_digits("+49 6598 336393", None).unwrap(),
            ["496598336393"]
        );
    }

    proptest::proptest! {
        // The parser is someone else's code: whatever is typed in the field, it answers.
        #[test]
        fn any_number_like_text_gives_an_answer(text in "[0-9 +().\\-/]{0,45}") {
            if let Ok(e164) = normalize(&text, Some("DE")) {
                proptest::prop_assert!(
                    e164.is_empty()
                        || (e164.starts_with('+') && e164[1..].bytes().all(|b| b.is_ascii_digit()))
                );
            }
            let _ = normalize(&text, None);
            if let Some(found) = search_digits(&text, Some("US")) {
                proptest::prop_assert!(!found.is_empty());
                proptest::prop_assert!(found.iter().all(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())));
            }
        }
    }
}
