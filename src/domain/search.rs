//! The board's search as typed: words, a customer number (`#64`), or a phone number in any
//! written form, matched against a customer's id, name and account code in memory and
//! against its contacts' emails and numbers as the database answers for them.

use super::phone;
use std::collections::HashSet;

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

    /// The words to look for in contacts, each as its forms (any one will do): what
    /// `ContactMatches` answers, word by word. A `#` number is no word.
    pub fn words(&self) -> Vec<&[String]> {
        self.terms
            .iter()
            .filter_map(|t| match t {
                Term::AnyOf(forms) => Some(forms.as_slice()),
                Term::Id(_) => None,
            })
            .collect()
    }

    /// Whether a board row is found: each term in its id, its name or its account code (any
    /// case, no copy made: a keystroke runs this over every customer), or else in its
    /// contacts, as far as `contacts` knows: the database's answer for this search, which
    /// the caller checks once (`ContactMatches::search`) rather than once a row.
    pub fn matches_customer(
        &self,
        id: i64,
        name: &str,
        account_code: &str,
        contacts: Option<&ContactMatches>,
    ) -> bool {
        let id_text = id.to_string();
        let mut word = 0;
        self.terms.iter().all(|t| match t {
            Term::Id(want) => *want == id,
            Term::AnyOf(forms) => {
                let at = word;
                word += 1;
                forms.iter().any(|f| {
                    id_text.contains(f.as_str())
                        || contains_folded(name, f)
                        || contains_folded(account_code, f)
                }) || contacts.is_some_and(|c| c.holds(at, id))
            }
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

/// The customers whose contacts hold each word of a search, as the database found them.
/// The board keeps no contact text in memory (it would be half its memory), so a search
/// finds by contact a moment after it finds by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactMatches {
    pub search: Search,
    /// For each of `search.words()`, the customers with a contact that holds it.
    by_word: Vec<HashSet<i64>>,
}

impl ContactMatches {
    /// `by_word` holds a list of customers for each of `search.words()`, in order.
    pub fn new(search: Search, by_word: Vec<Vec<i64>>) -> ContactMatches {
        let mut by_word: Vec<HashSet<i64>> = by_word
            .into_iter()
            .map(|ids| ids.into_iter().collect())
            .collect();
        by_word.resize_with(search.words().len(), HashSet::new);
        ContactMatches { search, by_word }
    }

    /// Whether customer `id` has a contact that holds the `word`-th of `search.words()`.
    pub fn holds(&self, word: usize, id: i64) -> bool {
        self.by_word.get(word).is_some_and(|ids| ids.contains(&id))
    }
}

/// Whether a contact's text holds one of a word's forms (lower-cased), in any case.
pub fn holds_any(text: &str, forms: &[String]) -> bool {
    forms.iter().any(|f| contains_folded(text, f))
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
    fn a_customer_is_found_by_id_name_or_account_code_in_any_case() {
        let found =
            |s: &str, id, name, code| Search::parse(s, None).matches_customer(id, name, code, None);
        assert!(found("ATLAS ac0000", 3, "Atlas Call Centre", "AC000003"));
        assert!(!found("atlas noc", 3, "Atlas Call Centre", "AC000003"));
        assert!(found("64", 164, "Zed", ""));
        assert!(found("#64", 64, "Zed", ""));
        assert!(!found("#64", 640, "Zed 64", ""));
        assert!(found("öre", 1, "Malmö ÖREsund", ""));
        assert!(!found("x", 1, "Abc", "def"));
    }

    #[test]
    fn a_word_found_only_in_contacts_counts_for_its_own_search_alone() {
        let search = Search::parse("atlas #3 noc", None);
        // "atlas" is in no contact, "noc" in customer 3's.
        let contacts = ContactMatches::new(search.clone(), vec![vec![], vec![3]]);
        assert!(search.matches_customer(3, "Atlas Call Centre", "", Some(&contacts)));
        assert!(!search.matches_customer(3, "Atlas Call Centre", "", None));
        // Words are counted apart from the `#` number: the second word is "noc".
        let wrong_word = ContactMatches::new(search.clone(), vec![vec![3], vec![]]);
        assert!(!search.matches_customer(3, "Zed", "", Some(&wrong_word)));
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
