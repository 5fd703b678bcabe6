//! The board's search as typed: words, a customer number (`#64`), or a phone number in any
//! written form, matched against a customer's searchable text (id, name, account code and
//! the contacts' emails and numbers, lower-cased).

use super::phone;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    /// `#64`: customer 64 and no other (64 alone also finds phone numbers).
    Id(i64),
    /// Found when the text contains any of these: a phone number's digits as stored
    /// (normalised with the default country) and as typed; a plain word is one.
    AnyOf(Vec<String>),
}

impl Search {
    /// Reads a search; a phone number written without a country code is read as one of
    /// `country` (the `default_country` setting).
    pub fn parse(text: &str, country: Option<&str>) -> Search {
        if let Some(forms) = phone::search_digits(text, country) {
            return Search {
                terms: vec![Term::AnyOf(forms)],
            };
        }
        let terms = text
            .to_lowercase()
            .split_whitespace()
            .map(|t| match t.strip_prefix('#').map(str::parse::<i64>) {
                Some(Ok(id)) => Term::Id(id),
                _ => Term::AnyOf(vec![t.to_string()]),
            })
            .collect();
        Search { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether customer `id`, whose searchable text is `haystack` (lower-cased), is found.
    pub fn matches(&self, id: i64, haystack: &str) -> bool {
        self.terms.iter().all(|t| match t {
            Term::Id(want) => *want == id,
            Term::AnyOf(forms) => forms.iter().any(|f| haystack.contains(f.as_str())),
        })
    }

    /// Whether a board row is found: its id, its name (any case) and `search_text` (the
    /// account code and contacts, lower-cased) are looked in, with no copy made: a
    /// keystroke runs this over every customer.
    pub fn matches_customer(&self, id: i64, name: &str, search_text: &str) -> bool {
        let id_text = id.to_string();
        self.terms.iter().all(|t| match t {
            Term::Id(want) => *want == id,
            Term::AnyOf(forms) => forms.iter().any(|f| {
                id_text.contains(f.as_str())
                    || contains_folded(name, f)
                    || search_text.contains(f.as_str())
            }),
        })
    }

    /// Whether the words (not a `#` number) are all found in `text`: a contact's email and
    /// numbers, to tell which contact a customer was found through.
    pub fn finds_in(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        let mut words = self.terms.iter().filter_map(|t| match t {
            Term::AnyOf(forms) => Some(forms),
            Term::Id(_) => None,
        });
        let mut any = false;
        let all = words.all(|forms| {
            any = true;
            forms.iter().any(|f| text.contains(f.as_str()))
        });
        any && all
    }
}

/// Whether `text` contains `lower` (lower-cased) in any case: without a lower-cased copy
/// when `text` is ASCII, as names mostly are.
fn contains_folded(text: &str, lower: &str) -> bool {
    if !text.is_ascii() {
        return text.to_lowercase().contains(lower);
    }
    let (text, lower) = (text.as_bytes(), lower.as_bytes());
    lower.is_empty()
        || text
            .windows(lower.len())
            .any(|w| w.eq_ignore_ascii_case(lower))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_must_all_be_found_and_a_hash_number_is_one_customer() {
        let s = Search::parse("Atlas  NOC", None);
        assert!(s.matches(3, "3 atlas call centre noc@atlas.example"));
        assert!(!s.matches(3, "3 atlas call centre"));
        let s = Search::parse("#64", None);
        assert!(s.matches(64, "64 anything"));
        assert!(!s.matches(640, "640 has 64 in it"));
        assert!(Search::parse("  ", None).is_empty());
    }

    #[test]
    fn a_customer_is_found_by_id_name_in_any_case_or_search_text() {
        let s = Search::parse("ATLAS noc", None);
        assert!(s.matches_customer(3, "Atlas Call Centre", "ac000003 noc@atlas.example"));
        assert!(!s.matches_customer(3, "Atlas Call Centre", "ac000003"));
        assert!(Search::parse("64", None).matches_customer(164, "Zed", ""));
        assert!(Search::parse("#64", None).matches_customer(64, "Zed", ""));
        assert!(!Search::parse("#64", None).matches_customer(640, "Zed 64", ""));
        assert!(Search::parse("öre", None).matches_customer(1, "Malmö ÖREsund", ""));
        assert!(!Search::parse("x", None).matches_customer(1, "Abc", "def"));
    }

    #[test]
    fn a_contact_is_told_by_its_own_text() {
        let s = Search::parse("greta", None);
        assert!(s.finds_in("greta.quinn@atlas.example +467820297102"));
        assert!(!s.finds_in("yusuf@atlas.example"));
        assert!(
            !Search::parse("#3", None).finds_in("anything"),
            "a customer number finds no contact"
        );
    }
}
