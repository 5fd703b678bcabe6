//! The board's filter line: `status:active channels>=30 tag:wholesale currency:EUR balance<0`.
//!
//! Words are `field` `operator` `value`, all of which must hold. Operators: `:` and `=`
//! match, `!=` excludes, `<` `<=` `>` `>=` compare numbers and money. On text, `name`
//! matches a part of the name and the others the whole value, ignoring case. Money is typed
//! in major units ("balance<-10.5") and compared exactly in each customer's currency.
//! A value with spaces goes in double quotes: `name:"atlas voice"`. A field may be typed
//! by any start of its name that no other field shares (`s:active ch<30 t:wholesale`),
//! and Tab completes field names and the values the board holds (`complete`).

use super::completion::{Completion, common_prefix};
use super::money::parse_decimal;
use super::{BoardRow, Currency, Status};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// A parsed filter line; the empty line matches every row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    terms: Vec<Term>,
}

/// Every word of the filter line that was not understood, each with why, so that one
/// look shows all there is to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub problems: Vec<Problem>,
}

/// A word not understood, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub word: String,
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            let sep = if i == 0 { "" } else { " · " };
            write!(f, "{sep}'{}': {}", p.word, p.message)?;
        }
        // Said once, however many words name no field.
        if self.problems.iter().any(|p| p.message.contains(NO_FIELD)) {
            write!(f, " · fields are {FIELDS}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FilterError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Match,
    Not,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn holds(self, ord: Ordering) -> bool {
        match self {
            Op::Match => ord == Ordering::Equal,
            Op::Not => ord != Ordering::Equal,
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
            Op::Gt => ord == Ordering::Greater,
            Op::Ge => ord != Ordering::Less,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Count {
    Id,
    Channels,
    Cps,
    InUse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Amount {
    Balance,
    DebitLimit,
}

#[derive(Debug, Clone, PartialEq)]
enum Term {
    Status(Status, bool),
    Currency(Currency, bool),
    /// Lower case.
    Tag(String, bool),
    /// Lower case; matches a part of the name.
    Name(String, bool),
    Count(Count, Op, i64),
    /// In millionths of a major unit, so every currency's minor unit divides it.
    Amount(Amount, Op, i128),
}

/// The fields, in the order messages list them.
const FIELD_NAMES: [&str; 10] = [
    "status",
    "currency",
    "tag",
    "name",
    "id",
    "channels",
    "cps",
    "in_use",
    "balance",
    "debit_limit",
];
const FIELDS: &str = "status, currency, tag, name, id, channels, cps, in_use, balance, debit_limit";
/// Fields that take words, completed with `:` after them; the others compare numbers.
const WORD_FIELDS: [&str; 4] = ["status", "currency", "tag", "name"];
/// In the message of a word that names no field (the list of fields is added once).
const NO_FIELD: &str = "not a field";
/// Money in the filter is compared at this many decimals: more than any currency has.
const AMOUNT_DIGITS: u8 = 6;

impl Filter {
    pub fn parse(line: &str) -> Result<Filter, FilterError> {
        let (mut terms, mut problems) = (Vec::new(), Vec::new());
        for w in words(line)? {
            match term(&w) {
                Ok(t) => terms.push(t),
                Err(message) => problems.push(Problem {
                    word: w.raw,
                    message,
                }),
            }
        }
        if problems.is_empty() {
            Ok(Filter { terms })
        } else {
            Err(FilterError { problems })
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn matches(&self, row: &BoardRow) -> bool {
        self.terms.iter().all(|t| t.matches(row))
    }
}

impl Term {
    fn matches(&self, row: &BoardRow) -> bool {
        match self {
            Term::Status(s, want) => (row.status == *s) == *want,
            Term::Currency(c, want) => (row.currency == *c) == *want,
            Term::Tag(tag, want) => row.tags.iter().any(|t| equal_ignoring_case(t, tag)) == *want,
            Term::Name(part, want) => contains_ignoring_case(&row.name, part) == *want,
            Term::Count(field, op, n) => {
                let v = match field {
                    Count::Id => row.id,
                    Count::Channels => i64::from(row.channels),
                    Count::Cps => i64::from(row.cps),
                    Count::InUse => i64::from(row.channels_in_use),
                };
                op.holds(v.cmp(n))
            }
            Term::Amount(field, op, micros) => {
                let minor = match field {
                    Amount::Balance => row.balance,
                    Amount::DebitLimit => row.debit_limit,
                };
                let scale = 10i128.pow(u32::from(AMOUNT_DIGITS - row.currency.digits()));
                op.holds((i128::from(minor) * scale).cmp(micros))
            }
        }
    }
}

/// One word of the line: as typed (for messages), and unquoted.
struct Word {
    raw: String,
    text: String,
}

/// Splits on spaces outside double quotes.
fn words(line: &str) -> Result<Vec<Word>, FilterError> {
    let mut out = Vec::new();
    let (mut raw, mut text, mut quoted) = (String::new(), String::new(), false);
    for ch in line.chars() {
        if ch.is_whitespace() && !quoted {
            if !raw.is_empty() {
                out.push(Word {
                    raw: std::mem::take(&mut raw),
                    text: std::mem::take(&mut text),
                });
            }
            continue;
        }
        raw.push(ch);
        if ch == '"' {
            quoted = !quoted;
        } else {
            text.push(ch);
        }
    }
    if quoted {
        return Err(FilterError {
            problems: vec![Problem {
                word: raw,
                message: "a double quote is not closed".into(),
            }],
        });
    }
    if !raw.is_empty() {
        out.push(Word { raw, text });
    }
    Ok(out)
}

fn term(w: &Word) -> Result<Term, String> {
    let Some(at) = w.text.find([':', '=', '!', '<', '>']) else {
        return Err(format!(
            "{NO_FIELD} expression; write field:value (like name:{0} or status:active)",
            w.text
        ));
    };
    let (field, rest) = w.text.split_at(at);
    let (op, value) = [
        ("!=", Op::Not),
        ("<=", Op::Le),
        (">=", Op::Ge),
        (":", Op::Match),
        ("=", Op::Match),
        ("<", Op::Lt),
        (">", Op::Gt),
    ]
    .into_iter()
    .find_map(|(sym, op)| rest.strip_prefix(sym).map(|v| (op, v)))
    .ok_or_else(|| format!("'{rest}' does not start with an operator (: = != < <= > >=)"))?;
    let value = value.trim();
    let field = field_named(field)?;
    if value.is_empty() {
        return Err(format!("{field} needs a value after the operator"));
    }
    let equality = |field: &str| match op {
        Op::Match => Ok(true),
        Op::Not => Ok(false),
        _ => Err(format!(
            "{field} takes :, = or !=; < and > compare numbers and money"
        )),
    };
    match field {
        "status" => {
            let s = Status::parse(value).ok_or_else(|| {
                format!("'{value}' is not a status: use active, inactive, pending or penalty")
            })?;
            Ok(Term::Status(s, equality("status")?))
        }
        "currency" => {
            let c = Currency::parse(value)
                .ok_or_else(|| format!("'{value}' is not an ISO 4217 currency code"))?;
            Ok(Term::Currency(c, equality("currency")?))
        }
        "tag" | "tags" => Ok(Term::Tag(value.to_lowercase(), equality("tag")?)),
        "name" => Ok(Term::Name(value.to_lowercase(), equality("name")?)),
        "id" | "channels" | "cps" | "in_use" => {
            let n: i64 = value
                .parse()
                .map_err(|_| format!("{field} needs a whole number, not '{value}'"))?;
            let count = match field {
                "id" => Count::Id,
                "channels" => Count::Channels,
                "cps" => Count::Cps,
                _ => Count::InUse,
            };
            Ok(Term::Count(count, op, n))
        }
        "balance" | "debit_limit" => {
            let micros = parse_decimal(value, AMOUNT_DIGITS, "an amount in the filter")
                .map_err(|e| format!("{field}: {e}"))?;
            let amount = if field == "balance" {
                Amount::Balance
            } else {
                Amount::DebitLimit
            };
            Ok(Term::Amount(amount, op, i128::from(micros)))
        }
        _ => unreachable!("field_named gives one of FIELD_NAMES"),
    }
}

/// The field a word names: its name, `tags` for `tag`, or a start of its name no other
/// field shares.
fn field_named(typed: &str) -> Result<&'static str, String> {
    let typed = typed.trim().to_ascii_lowercase().replace('-', "_");
    let typed = if typed == "tags" {
        "tag".to_string()
    } else {
        typed
    };
    if let Some(exact) = FIELD_NAMES.into_iter().find(|f| *f == typed) {
        return Ok(exact);
    }
    let fits: Vec<&str> = FIELD_NAMES
        .into_iter()
        .filter(|f| !typed.is_empty() && f.starts_with(typed.as_str()))
        .collect();
    match fits.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("'{typed}' is {NO_FIELD}")),
        many => Err(format!("'{typed}' could be {}", many.join(", "))),
    }
}

/// Completes the word after `head` among `fits`: the one that fits as `one` writes it, or
/// as far as several agree with them listed; `before` unchanged when none fits.
fn among(before: &str, head: &str, fits: Vec<String>, one: impl Fn(&str) -> String) -> Completion {
    match fits.as_slice() {
        [] => Completion {
            before: before.to_string(),
            choices: Vec::new(),
        },
        [only] => Completion {
            before: format!("{head}{}", one(only)),
            choices: Vec::new(),
        },
        many => Completion {
            before: format!("{head}{}", common_prefix(many)),
            choices: fits,
        },
    }
}

/// The line with each `@name` word replaced by the filter saved under that name. A saved
/// filter is itself a plain line: one naming another is refused when it is saved.
pub fn expand(line: &str, saved: &BTreeMap<String, String>) -> Result<String, FilterError> {
    if !line.contains('@') {
        return Ok(line.to_string());
    }
    let mut problems = Vec::new();
    let words = words(line)?;
    let words: Vec<&str> = words
        .iter()
        .map(|w| match w.raw.strip_prefix('@') {
            Some(name) => saved.get(name).map(String::as_str).unwrap_or_else(|| {
                let known: Vec<&str> = saved.keys().map(String::as_str).collect();
                problems.push(Problem {
                    word: w.raw.clone(),
                    message: if known.is_empty() {
                        "no filter is saved under that name (palette: Save the filter line as…)"
                            .into()
                    } else {
                        format!(
                            "no filter is saved under that name; saved: @{}",
                            known.join(", @")
                        )
                    },
                });
                ""
            }),
            None => w.raw.as_str(),
        })
        .collect();
    if problems.is_empty() {
        Ok(words.join(" "))
    } else {
        Err(FilterError { problems })
    }
}

/// Why `name` cannot name a saved filter, if it cannot.
pub fn saved_name_problem(name: &str) -> Option<String> {
    let fits = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (!fits).then(|| {
        format!("'{name}' cannot name a filter: use up to 40 letters, digits, - and _ (it is typed as @name)")
    })
}

/// Tab in the filter line: completes the word before the cursor, a field's name (with a
/// `:` after the fields that take words) or, after `status:`, `tag:` or `currency:`, one of
/// the values in `tags` and `currencies` (those on the board), or after `@` a saved
/// filter's name. Unchanged, with no choices, when nothing fits.
pub fn complete(
    before: &str,
    tags: &[String],
    currencies: &[String],
    saved: &[String],
) -> Completion {
    let start = before.rfind(char::is_whitespace).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let (head, word) = before.split_at(start);
    let unchanged = Completion {
        before: before.to_string(),
        choices: Vec::new(),
    };
    if word.contains('"') {
        return unchanged;
    }
    if let Some(name) = word.strip_prefix('@') {
        let fits = saved
            .iter()
            .filter(|s| s.starts_with(name))
            .map(|s| format!("@{s}"))
            .collect();
        return among(before, head, fits, |one| format!("{one} "));
    }
    let Some(at) = word.find([':', '=', '!', '<', '>']) else {
        let names = FIELD_NAMES
            .into_iter()
            .filter(|f| f.starts_with(&word.to_ascii_lowercase()))
            .map(str::to_string)
            .collect();
        // Fields that take words get their `:`; the others wait for the operator.
        return among(before, head, names, |one| {
            let colon = if WORD_FIELDS.contains(&one) { ":" } else { "" };
            format!("{one}{colon}")
        });
    };
    let Ok(field) = field_named(&word[..at]) else {
        return unchanged;
    };
    let op_len = word[at..]
        .chars()
        .take_while(|c| matches!(c, ':' | '=' | '!' | '<' | '>'))
        .count();
    let (op, value) = word[at..].split_at(op_len);
    let statuses: Vec<String> = Status::ALL.iter().map(|s| s.key().to_string()).collect();
    let known: &[String] = match field {
        "status" => &statuses,
        "tag" => tags,
        "currency" => currencies,
        _ => return unchanged,
    };
    let lower = value.to_lowercase();
    let mut fits: Vec<String> = known
        .iter()
        .filter(|v| v.to_lowercase().starts_with(&lower))
        .cloned()
        .collect();
    fits.sort_by_key(|v| v.to_lowercase());
    fits.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    let quoted = |v: &str| {
        if v.contains(char::is_whitespace) {
            format!("\"{v}\"")
        } else {
            v.to_string()
        }
    };
    match fits.as_slice() {
        [] => unchanged,
        [one] => Completion {
            before: format!("{head}{field}{op}{} ", quoted(one)),
            choices: Vec::new(),
        },
        many => {
            let common = common_prefix(&many.iter().map(|v| v.to_lowercase()).collect::<Vec<_>>());
            // The case typed so far is kept where every value agrees only ignoring case.
            let value = if common.chars().count() > value.chars().count() {
                common
            } else {
                value.to_string()
            };
            Completion {
                before: format!("{head}{field}{op}{value}"),
                choices: fits,
            }
        }
    }
}

/// `lower` is lower case. A fast path for ASCII, as in `contains_ignoring_case`.
fn equal_ignoring_case(text: &str, lower: &str) -> bool {
    if lower.is_ascii() {
        text.eq_ignore_ascii_case(lower)
    } else {
        text.to_lowercase() == lower
    }
}

/// `part` is lower case. A fast path for ASCII, which is what people type in a filter.
fn contains_ignoring_case(hay: &str, part: &str) -> bool {
    if part.is_ascii() {
        part.is_empty()
            || hay
                .as_bytes()
                .windows(part.len())
                .any(|w| w.eq_ignore_ascii_case(part.as_bytes()))
    } else {
        hay.to_lowercase().contains(part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, name: &str, currency: &str, balance: i64, tags: &[&str]) -> BoardRow {
        BoardRow {
            id,
            name: name.into(),
            status: if id % 2 == 0 {
                Status::Active
            } else {
                Status::Inactive
            },
            balance,
            debit_limit: 0,
            currency: Currency::parse(currency).unwrap(),
            channels: id as u32 * 10,
            channels_in_use: 2,
            cps: 5,
            last_call: None,
            attempts_24h: 0,
            connected_24h: 0,
            duration_24h: 0,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            account_code: String::new(),
        }
    }

    fn rows() -> Vec<BoardRow> {
        vec![
            row(1, "Atlas Voice", "EUR", -150, &["Wholesale", "eu"]),
            row(2, "Bright Telecom", "EUR", 12_000, &["retail"]),
            row(3, "Çelik İletişim", "TRY", 0, &[]),
            row(4, "Kyoto Lines", "JPY", -2, &["wholesale"]),
            row(5, "Gulf Net", "KWD", 1_500, &[]),
        ]
    }

    fn ids(line: &str) -> Vec<i64> {
        let f = Filter::parse(line).unwrap();
        rows()
            .iter()
            .filter(|r| f.matches(r))
            .map(|r| r.id)
            .collect()
    }

    /// The one problem of a line with one.
    fn refused(line: &str) -> Problem {
        let mut e = Filter::parse(line).unwrap_err();
        assert_eq!(e.problems.len(), 1, "{e}");
        e.problems.remove(0)
    }

    #[test]
    fn the_empty_line_matches_everything() {
        assert_eq!(ids("  "), [1, 2, 3, 4, 5]);
        assert!(Filter::parse("").unwrap().is_empty());
    }

    #[test]
    fn text_fields_match_ignoring_case() {
        assert_eq!(ids("status:active"), [2, 4]);
        assert_eq!(ids("status!=Active"), [1, 3, 5]);
        assert_eq!(ids("currency:eur"), [1, 2]);
        assert_eq!(ids("tag:WHOLESALE"), [1, 4]);
        assert_eq!(ids("tag!=wholesale"), [2, 3, 5]);
        assert_eq!(ids("name:tel"), [2]);
        assert_eq!(ids("name=\"atlas voice\""), [1]);
        assert_eq!(ids("name:ÇELIK"), [3]);
        assert_eq!(ids("name!=o"), [3, 5]);
    }

    #[test]
    fn numbers_compare() {
        assert_eq!(ids("channels>=30"), [3, 4, 5]);
        assert_eq!(ids("channels<30 id!=1"), [2]);
        assert_eq!(ids("id:4"), [4]);
        assert_eq!(ids("in_use>2"), Vec::<i64>::new());
        assert_eq!(ids("cps<=5 cps>4"), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn money_compares_exactly_in_major_units() {
        assert_eq!(ids("balance<0"), [1, 4]);
        // -1.50 EUR and -2 JPY: only the euro balance is below -1.5 inclusive.
        assert_eq!(ids("balance<=-1.5"), [1, 4]);
        assert_eq!(ids("balance<-1.5"), [4]);
        assert_eq!(ids("balance=1.5"), [5]); // 1.500 KWD
        assert_eq!(ids("balance>=120"), [2]);
        assert_eq!(ids("debit_limit=0"), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn all_words_must_hold() {
        assert_eq!(
            ids("status:active channels>=30 tag:wholesale currency:JPY balance<0"),
            [4]
        );
    }

    #[test]
    fn errors_name_the_word_and_why() {
        let e = refused("status:active colour:red");
        assert_eq!(e.word, "colour:red");
        assert!(e.message.contains("'colour' is not a field"), "{e:?}");
        assert!(refused("atlas").message.contains("name:atlas"));
        assert!(refused("status:gone").message.contains("not a status"));
        assert!(refused("name<x").message.contains("takes :, = or !="));
        assert!(refused("channels>=many").message.contains("whole number"));
        assert!(refused("balance<1e3").message.contains("scientific"));
        assert!(refused("balance<1,000").message.contains("comma"));
        assert!(refused("currency:XYZ").message.contains("ISO 4217"));
        assert!(refused("channels>=").message.contains("needs a value"));
        assert!(refused("channels=>3").message.contains("whole number"));
        assert!(refused("name:\"atlas").message.contains("not closed"));
        assert_eq!(refused("tag!x").word, "tag!x");
        assert_eq!(
            Filter::parse("tag!x").unwrap_err().to_string(),
            "'tag!x': '!x' does not start with an operator (: = != < <= > >=)"
        );
    }

    #[test]
    fn every_word_not_understood_is_named_at_once() {
        let e = Filter::parse("colour:red status:active chanels>=3 atlas status:gone").unwrap_err();
        let words: Vec<&str> = e.problems.iter().map(|p| p.word.as_str()).collect();
        assert_eq!(words, ["colour:red", "chanels>=3", "atlas", "status:gone"]);
        let said = e.to_string();
        assert!(said.contains("'chanels' is not a field"), "{said}");
        assert_eq!(said.matches("fields are").count(), 1, "{said}");
        assert!(said.ends_with("fields are status, currency, tag, name, id, channels, cps, in_use, balance, debit_limit"), "{said}");
    }

    #[test]
    fn a_field_is_named_by_any_start_no_other_field_shares() {
        assert_eq!(
            ids("s:active ch<30 t:wholesale"),
            ids("status:active channels<30 tag:wholesale")
        );
        assert_eq!(ids("cu:eur"), [1, 2]);
        assert_eq!(ids("tags:eu"), [1]);
        assert_eq!(ids("debit=0 in>2"), Vec::<i64>::new());
        let e = refused("c:eur");
        assert!(
            e.message.contains("'c' could be currency, channels, cps"),
            "{e:?}"
        );
    }

    fn completed(before: &str) -> Completion {
        let tags = ["Wholesale", "wholesale-eu", "retail", "big one"].map(String::from);
        let saved = ["small-wholesale".to_string(), "small-retail".to_string()];
        complete(before, &tags, &["EUR".into(), "GBP".into()], &saved)
    }

    #[test]
    fn tab_completes_field_names_and_the_values_on_the_board() {
        assert_eq!(completed("st").before, "status:");
        assert_eq!(completed("s:act").before, "status:active ");
        assert_eq!(completed("status:p").before, "status:pen");
        assert_eq!(completed("status:p").choices, ["penalty", "pending"]);
        assert_eq!(
            completed("status:active ch").before,
            "status:active channels"
        );
        let c = completed("c");
        assert_eq!(c.before, "c");
        assert_eq!(c.choices, ["currency", "channels", "cps"]);
        assert_eq!(completed("tag:who").before, "tag:wholesale");
        assert_eq!(completed("tag:who").choices, ["Wholesale", "wholesale-eu"]);
        assert_eq!(completed("t:r").before, "tag:retail ");
        assert_eq!(completed("tag!=b").before, "tag!=\"big one\" ");
        assert_eq!(completed("currency:g").before, "currency:GBP ");
        assert_eq!(completed("@small-w").before, "@small-wholesale ");
        assert_eq!(completed("s:active @").before, "s:active @small-");
        assert_eq!(
            completed("@").choices,
            ["@small-wholesale", "@small-retail"]
        );
        // Nothing to offer: the text stays as it is.
        for before in ["zz", "name:at", "channels<3", "tag:nothing", "name:\"a"] {
            assert_eq!(completed(before).before, before);
            assert!(completed(before).choices.is_empty());
        }
    }

    #[test]
    fn a_saved_filter_is_used_by_its_name() {
        let saved =
            BTreeMap::from([("small".to_string(), "channels<30 tag:wholesale".to_string())]);
        assert_eq!(
            expand("s:active @small", &saved).unwrap(),
            "s:active channels<30 tag:wholesale"
        );
        assert_eq!(expand("name:x@y", &saved).unwrap(), "name:x@y");
        assert_eq!(
            expand("name:\"a  @small\" @small", &saved).unwrap(),
            "name:\"a  @small\" channels<30 tag:wholesale"
        );
        let e = expand("@big @small @tiny", &saved).unwrap_err();
        let words: Vec<&str> = e.problems.iter().map(|p| p.word.as_str()).collect();
        assert_eq!(words, ["@big", "@tiny"]);
        assert!(e.to_string().contains("saved: @small"), "{e}");
        assert!(saved_name_problem("small-wholesale_2").is_none());
        assert!(saved_name_problem("with space").is_some());
        assert!(saved_name_problem("").is_some());
    }
}
