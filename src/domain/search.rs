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
