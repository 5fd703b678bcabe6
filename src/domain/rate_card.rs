//! Rate cards: what a destination costs a minute. A card is a list of rows, one per
//! destination prefix (the empty prefix is the card's catch-all); a number is priced by the
//! row of its longest matching prefix. A card has versions, each the whole card, in force
//! from its effective time until the next version's.
//!
//! Money here is millionths of the currency's major unit (0.0042 a minute is 4200), so that
//! wholesale rates keep their six decimals exactly.

use super::money::{parse_decimal, trimmed_decimal};
use super::text_rule::text_problem;
use crate::csv_input::{MAX_BAD_ROWS_IN_A_ROW, Rows};
use crate::spreadsheet::restored;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::io::Read;

/// Decimal places of a rate or a fee.
pub const DIGITS: u8 = 6;
/// The highest rate a minute or connection fee: 1,000 of the currency (no destination costs
/// that; a larger figure is a slip of the decimal point).
pub const MAX_MONEY: i64 = 1_000 * 1_000_000;
/// The longest increment, in seconds: an hour.
pub const MAX_INCREMENT: i64 = 3_600;
/// The most digits a prefix has (E.164 numbers have at most 15).
pub const MAX_PREFIX_DIGITS: usize = 15;
/// The longest description, in characters.
pub const MAX_DESCRIPTION: usize = 100;
/// The most problems an import lists before it stops looking.
pub const MAX_PROBLEMS: usize = 100;
/// The longest card name, in characters.
pub const MAX_NAME: usize = 64;

/// One destination of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateRow {
    /// Digits only; empty for the catch-all.
    pub prefix: String,
    pub description: String,
    /// Per minute, in millionths.
    pub rate: i64,
    /// Per answered call, in millionths.
    pub connection_fee: i64,
    /// Seconds billed for the first increment, then `next_increment` at a time.
    pub first_increment: i64,
    pub next_increment: i64,
}

/// The columns of a rate-card CSV file, in the order an export writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Prefix,
    Description,
    Rate,
    ConnectionFee,
    FirstIncrement,
    NextIncrement,
}

impl Column {
    pub const ALL: [Column; 6] = [
        Column::Prefix,
        Column::Description,
        Column::Rate,
        Column::ConnectionFee,
        Column::FirstIncrement,
        Column::NextIncrement,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Prefix => "prefix",
            Column::Description => "description",
            Column::Rate => "rate",
            Column::ConnectionFee => "connection_fee",
            Column::FirstIncrement => "first_increment",
            Column::NextIncrement => "next_increment",
        }
    }

    fn parse(name: &str) -> Option<Column> {
        Column::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

impl RateRow {
    /// The prefix for people: the catch-all as `*`.
    pub fn shown_prefix(&self) -> &str {
        if self.prefix.is_empty() {
            "*"
        } else {
            &self.prefix
        }
    }

    /// A row's cells, as the import reads them and an export writes them.
    pub fn cells(&self) -> [String; 6] {
        [
            self.prefix.clone(),
            self.description.clone(),
            money_text(self.rate),
            money_text(self.connection_fee),
            self.first_increment.to_string(),
            self.next_increment.to_string(),
        ]
    }
}

/// Millionths as the shortest exact decimal: 4200 → "0.0042".
pub fn money_text(millionths: i64) -> String {
    trimmed_decimal(millionths, DIGITS)
}

/// A problem in a rate-card file: its line (1 is the header) and the column it is about
/// ("header", or "row" for a row as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardProblem {
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl fmt::Display for CardProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, {}: {}", self.line, self.field, self.message)
    }
}

/// Why a file gives no card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardError {
    /// The input cannot be read as CSV at all (an I/O error, a NUL byte).
    Unreadable(String),
    /// Every problem found, up to `MAX_PROBLEMS`, by line.
    Problems(Vec<CardProblem>),
}

/// Reads a rate-card CSV file: a header row naming the columns in any order (`prefix` and
/// `rate` required; `connection_fee`, `first_increment` and `next_increment` default to 0,
/// 60 and 60), then one row per prefix. All or nothing: the rows sorted by prefix, or every
/// problem with its line and field.
pub fn read_card(input: impl Read) -> Result<Vec<RateRow>, CardError> {
    let mut rows = Rows::new(input);
    let mut rec = csv::ByteRecord::new();
    let unreadable = |e: std::io::Error| CardError::Unreadable(e.to_string());
    let mut problems = Vec::new();
    let Some(size) = rows.read(&mut rec).map_err(unreadable)? else {
        return Err(CardError::Problems(vec![problem(
            1,
            "header",
            "the file is empty: it needs a header row naming the columns".into(),
        )]));
    };
    let columns = match size.problem() {
        Some((_, message)) => Err(vec![message]),
        None => header(&rec),
    };
    let columns = columns.map_err(|messages| {
        CardError::Problems(
            messages
                .into_iter()
                .map(|m| problem(1, "header", m))
                .collect(),
        )
    })?;
    let mut card: Vec<RateRow> = Vec::new();
    // Each prefix's line, to name both lines of a prefix given twice.
    let mut lines: HashMap<String, u64> = HashMap::new();
    let mut bad_in_a_row = 0;
    while let Some(size) = rows.read(&mut rec).map_err(unreadable)? {
        let line = rec.position().map_or(0, csv::Position::line);
        let before = problems.len();
        let field_of =
            |i: Option<usize>| i.and_then(|i| columns.get(i)).map_or("row", |c| c.name());
        if let Some((index, message)) = size.problem() {
            problems.push(problem(line, field_of(index), message));
        } else {
            // A prefix counts from its first line even when that row has other problems.
            let first = columns
                .iter()
                .position(|&c| c == Column::Prefix)
                .and_then(|i| rec.get(i))
                .and_then(|cell| prefix(std::str::from_utf8(cell).ok()?).ok())
                .and_then(|p| match lines.get(&p) {
                    Some(&first) => Some((p, first)),
                    None => {
                        lines.insert(p, line);
                        None
                    }
                });
            let parsed = row(&rec, &columns);
            if let Err(found) = &parsed {
                problems.extend(
                    found
                        .iter()
                        .map(|(i, message)| problem(line, field_of(*i), message.clone())),
                );
            }
            match (first, parsed) {
                (Some((p, first)), _) => problems.push(problem(
                    line,
                    "prefix",
                    format!(
                        "{} is on line {first} already: a prefix appears once",
                        named_prefix(&p)
                    ),
                )),
                (None, Ok(r)) => card.push(r),
                (None, Err(_)) => {}
            }
        }
        bad_in_a_row = if problems.len() > before {
            bad_in_a_row + 1
        } else {
            0
        };
        if bad_in_a_row == MAX_BAD_ROWS_IN_A_ROW || problems.len() >= MAX_PROBLEMS {
            problems.truncate(MAX_PROBLEMS);
            problems.push(problem(
                line,
                "row",
                "too many problems: stopped reading here".into(),
            ));
            break;
        }
    }
    if problems.is_empty() && card.is_empty() {
        problems.push(problem(
            1,
            "header",
            "the file has no rows: a card prices at least one prefix".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(CardError::Problems(problems));
    }
    card.sort_unstable_by(|a, b| a.prefix.cmp(&b.prefix));
    Ok(card)
}

fn problem(line: u64, field: &str, message: String) -> CardProblem {
    CardProblem {
        line,
        field: field.to_string(),
        message,
    }
}

fn named_prefix(prefix: &str) -> String {
    if prefix.is_empty() {
        "the catch-all (empty prefix)".into()
    } else {
        format!("prefix {prefix}")
    }
}

const NOT_UTF8: &str = "is not UTF-8 text: save the file as UTF-8";

/// The column of each header cell, or what is wrong with the header.
fn header(rec: &csv::ByteRecord) -> Result<Vec<Column>, Vec<String>> {
    let mut columns = Vec::with_capacity(rec.len());
    let mut problems = Vec::new();
    for (i, raw) in rec.iter().enumerate() {
        let Ok(name) = std::str::from_utf8(raw) else {
            problems.push(format!("column {} {NOT_UTF8}", i + 1));
            continue;
        };
        // Spreadsheets often start a UTF-8 file with a byte-order mark.
        let name = name.trim_start_matches('\u{feff}').trim();
        match Column::parse(name) {
            Some(c) if columns.contains(&c) => {
                problems.push(format!("the column {} appears twice", c.name()))
            }
            Some(c) => columns.push(c),
            None => {
                let known: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
                problems.push(format!(
                    "'{}' is not a column of a rate card; the columns are {}",
                    name.escape_debug(),
                    known.join(", ")
                ));
            }
        }
    }
    for required in [Column::Prefix, Column::Rate] {
        if problems.is_empty() && !columns.contains(&required) {
            problems.push(format!("the {} column is required", required.name()));
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// One row of the file, or its problems by column index (None: the row as a whole).
fn row(rec: &csv::ByteRecord, columns: &[Column]) -> Result<RateRow, Vec<(Option<usize>, String)>> {
    if rec.len() != columns.len() {
        return Err(vec![(
            None,
            format!(
                "has {} cells where the header has {}",
                rec.len(),
                columns.len()
            ),
        )]);
    }
    let mut r = RateRow {
        prefix: String::new(),
        description: String::new(),
        rate: 0,
        connection_fee: 0,
        first_increment: 60,
        next_increment: 60,
    };
    let mut problems = Vec::new();
    for (i, (&column, raw)) in columns.iter().zip(rec.iter()).enumerate() {
        let Ok(cell) = std::str::from_utf8(raw) else {
            problems.push((Some(i), NOT_UTF8.to_string()));
            continue;
        };
        // An export puts an apostrophe before a cell a spreadsheet would run as a formula.
        let cell = restored(cell);
        let checked = match column {
            Column::Prefix => prefix(cell).map(|p| r.prefix = p),
            Column::Description => description(cell).map(|d| r.description = d),
            Column::Rate => money(cell, "the rate").map(|m| r.rate = m),
            Column::ConnectionFee if cell.trim().is_empty() => Ok(()),
            Column::ConnectionFee => {
                money(cell, "the connection fee").map(|m| r.connection_fee = m)
            }
            Column::FirstIncrement | Column::NextIncrement if cell.trim().is_empty() => Ok(()),
            Column::FirstIncrement => increment(cell, 0).map(|s| r.first_increment = s),
            Column::NextIncrement => increment(cell, 1).map(|s| r.next_increment = s),
        };
        if let Err(message) = checked {
            problems.push((Some(i), message));
        }
    }
    if problems.is_empty() {
        Ok(r)
    } else {
        Err(problems)
    }
}

/// A prefix: digits only, empty for the catch-all.
pub fn prefix(cell: &str) -> Result<String, String> {
    let p = cell.trim();
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "'{}' is not a prefix: digits only, without + or spaces (empty for the catch-all)",
            p.escape_debug()
        ));
    }
    if p.len() > MAX_PREFIX_DIGITS {
        return Err(format!("has more than {MAX_PREFIX_DIGITS} digits"));
    }
    Ok(p.to_string())
}

fn description(cell: &str) -> Result<String, String> {
    let d = cell.trim();
    if let Some(problem) = text_problem(d, false) {
        return Err(problem.into());
    }
    if d.chars().count() > MAX_DESCRIPTION {
        return Err(format!("is longer than {MAX_DESCRIPTION} characters"));
    }
    Ok(d.to_string())
}

/// A rate or fee: at most six decimals, from 0 to `MAX_MONEY`.
fn money(cell: &str, what: &str) -> Result<i64, String> {
    let m = parse_decimal(cell, DIGITS, what)?;
    if !(0..=MAX_MONEY).contains(&m) {
        return Err(format!(
            "{what} must be from 0 to {}",
            money_text(MAX_MONEY)
        ));
    }
    Ok(m)
}

/// Whole seconds from `min` to `MAX_INCREMENT`.
fn increment(cell: &str, min: i64) -> Result<i64, String> {
    match cell.trim().parse::<i64>() {
        Ok(s) if (min..=MAX_INCREMENT).contains(&s) => Ok(s),
        _ => Err(format!(
            "'{}' is not whole seconds from {min} to {MAX_INCREMENT}",
            cell.trim().escape_debug()
        )),
    }
}

/// Why a card name is refused: 1 to `MAX_NAME` letters, digits, `-`, `_` and `.`, so that
/// it is typed on a command line and in a setting as it is.
pub fn name_problem(name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (!ok).then(|| {
        format!("a rate card's name is 1 to {MAX_NAME} letters, digits, -, _ and . (no spaces)")
    })
}

/// A number as typed ("+44 20 7946 0018", "44-20-7946-0018") as the digits a prefix
/// matches; None when it holds anything but digits, spaces, `+`, `-`, `.` and parentheses.
pub fn number_digits(number: &str) -> Option<String> {
    let mut digits = String::with_capacity(number.len());
    for c in number.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '+' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    (!digits.is_empty()).then_some(digits)
}

/// A card: its name and currency; its rows are in its versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub id: i64,
    pub name: String,
    pub currency: super::Currency,
    pub created_at: String,
    pub created_by: String,
}

/// One version of a card: the whole card, in force from `effective_from` (unix seconds,
/// UTC) until the next version's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    pub id: i64,
    pub effective_from: i64,
    pub imported_at: String,
    pub imported_by: String,
    pub row_count: i64,
}

/// The version in force at `at`: the latest that started at or before it. `versions` are
/// in any order.
pub fn version_at(versions: &[Version], at: i64) -> Option<&Version> {
    versions
        .iter()
        .filter(|v| v.effective_from <= at)
        .max_by_key(|v| v.effective_from)
}

/// The rows of one version, for finding the longest prefix of a number.
///
/// A trie over the ten digits, its nodes in one vector: a lookup walks one node a digit of
/// the number and remembers the last node that ends a prefix. Measured against a sorted
/// table searched by binary search (benches/rate_cards.rs), it was about 30 times faster.
#[derive(Debug, Clone, Default)]
pub struct PrefixTable {
    rows: Vec<RateRow>,
    /// Node 0 is the root (the empty prefix).
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    /// Index of the child for each digit; 0 for none (the root is never a child).
    next: [u32; 10],
    /// Index into `rows` plus one; 0 when no prefix ends here.
    row: u32,
}

const EMPTY: Node = Node {
    next: [0; 10],
    row: 0,
};

impl PrefixTable {
    /// A table of `rows`, whose prefixes are digits and distinct (as `read_card` and the
    /// store give them); of two rows with one prefix, the later wins.
    pub fn new(rows: Vec<RateRow>) -> PrefixTable {
        let mut nodes = vec![EMPTY];
        for (i, row) in rows.iter().enumerate() {
            let mut at = 0;
            for b in row.prefix.bytes() {
                let digit = usize::from(b.wrapping_sub(b'0')).min(9);
                at = match nodes[at].next[digit] {
                    0 => {
                        nodes.push(EMPTY);
                        let child = nodes.len() - 1;
                        nodes[at].next[digit] = child as u32;
                        child
                    }
                    child => child as usize,
                };
            }
            nodes[at].row = i as u32 + 1;
        }
        PrefixTable { rows, nodes }
    }

    /// The row of the longest prefix of `digits` (digits only), the catch-all when no
    /// other matches; None when nothing matches.
    pub fn find(&self, digits: &str) -> Option<&RateRow> {
        let mut found = self.nodes[0].row;
        let mut at = 0;
        for b in digits.bytes() {
            if !b.is_ascii_digit() {
                break;
            }
            match self.nodes[at].next[usize::from(b - b'0')] {
                0 => break,
                child => at = child as usize,
            }
            if self.nodes[at].row != 0 {
                found = self.nodes[at].row;
            }
        }
        found.checked_sub(1).map(|i| &self.rows[i as usize])
    }

    /// The rows, in the order given.
    pub fn rows(&self) -> &[RateRow] {
        &self.rows
    }
}

/// A card's versions with their rows, for pricing calls at any time.
#[derive(Debug, Clone, Default)]
pub struct RateCard {
    /// By effective time.
    versions: Vec<(Version, PrefixTable)>,
}

impl RateCard {
    pub fn new(mut versions: Vec<(Version, PrefixTable)>) -> RateCard {
        versions.sort_by_key(|(v, _)| v.effective_from);
        RateCard { versions }
    }

    /// The version in force at `at`, then the row of the longest prefix of `digits` in it.
    pub fn row_at(&self, digits: &str, at: i64) -> Option<(&Version, &RateRow)> {
        let i = self
            .versions
            .partition_point(|(v, _)| v.effective_from <= at)
            .checked_sub(1)?;
        let (version, table) = &self.versions[i];
        table.find(digits).map(|row| (version, row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rows(csv: &str) -> Vec<RateRow> {
        read_card(csv.as_bytes()).unwrap()
    }

    fn problems(csv: &str) -> Vec<String> {
        match read_card(csv.as_bytes()) {
            Err(CardError::Problems(p)) => p.iter().map(ToString::to_string).collect(),
            other => panic!("not problems: {other:?}"),
        }
    }

    fn row(prefix: &str, rate: i64) -> RateRow {
        RateRow {
            prefix: prefix.into(),
            description: String::new(),
            rate,
            connection_fee: 0,
            first_increment: 60,
            next_increment: 60,
        }
    }

    #[test]
    fn columns_come_in_any_order_with_defaults() {
        let card = rows(
            "Rate,description,prefix\n0.0042,UK landline,441\n0.012,\"UK, mobile\",447\n0.1,Rest of world,\n",
        );
        assert_eq!(
            card.iter()
                .map(|r| (
                    r.prefix.as_str(),
                    r.rate,
                    r.first_increment,
                    r.next_increment
                ))
                .collect::<Vec<_>>(),
            [
                ("", 100_000, 60, 60),
                ("441", 4_200, 60, 60),
                ("447", 12_000, 60, 60)
            ]
        );
        assert_eq!(card[2].description, "UK, mobile");
        let card = rows(
            "prefix,rate,connection_fee,first_increment,next_increment\n49,0.000001,0.05,30,6\n",
        );
        assert_eq!(
            (
                card[0].rate,
                card[0].connection_fee,
                card[0].first_increment,
                card[0].next_increment
            ),
            (1, 50_000, 30, 6)
        );
    }

    #[test]
    fn every_problem_names_its_line_and_field() {
        let found = problems(
            "prefix,description,rate,first_increment,next_increment\n\
             44,UK,0.1,60,60\n\
             +49,Germany,0.1234567,60,0\n\
             33,\"France\u{1b}[2J\",-1,x,60\n\
             44,UK again,0.2,60,60\n\
             1,short\n\
             33,France again,0.1,60,60\n",
        );
        assert_eq!(
            found,
            [
                "line 3, prefix: '+49' is not a prefix: digits only, without + or spaces (empty for the catch-all)",
                "line 3, rate: the rate takes at most 6 decimal places, '0.1234567' has 7",
                "line 3, next_increment: '0' is not whole seconds from 1 to 3600",
                "line 4, description: cannot contain control characters",
                "line 4, rate: the rate must be from 0 to 1000",
                "line 4, first_increment: 'x' is not whole seconds from 0 to 3600",
                "line 5, prefix: prefix 44 is on line 2 already: a prefix appears once",
                "line 6, row: has 2 cells where the header has 5",
                "line 7, prefix: prefix 33 is on line 4 already: a prefix appears once",
            ]
        );
    }

    #[test]
    fn the_header_is_checked_first() {
        assert_eq!(
            problems("prefix,rate,colour\n44,0.1,red\n"),
            [
                "line 1, header: 'colour' is not a column of a rate card; the columns are prefix, description, rate, connection_fee, first_increment, next_increment"
            ]
        );
        assert_eq!(
            problems("\u{feff}prefix,description\n44,UK\n"),
            ["line 1, header: the rate column is required"]
        );
        assert_eq!(
            problems("prefix,rate,rate\n"),
            ["line 1, header: the column rate appears twice"]
        );
        assert!(problems("")[0].contains("empty"));
        assert!(problems("prefix,rate\n")[0].contains("no rows"));
    }

    #[test]
    fn problems_stop_at_a_bound() {
        let mut csv = String::from("prefix,rate\n");
        for _ in 0..500 {
            csv.push_str("x,1\n");
        }
        let found = problems(&csv);
        assert_eq!(found.len(), MAX_PROBLEMS + 1);
        assert!(found.last().unwrap().contains("stopped reading"));
    }

    #[test]
    fn an_exported_row_reads_back_the_same() {
        let r = RateRow {
            prefix: "4420".into(),
            description: "=HYPERLINK(\"x\") '-London".into(),
            rate: 4_200,
            connection_fee: 1,
            first_increment: 0,
            next_increment: 1,
        };
        let mut out = crate::spreadsheet::Writer::from_writer(Vec::new());
        out.write_record(Column::ALL.map(Column::name)).unwrap();
        out.write_record(r.cells()).unwrap();
        let text = out.into_inner().unwrap();
        assert!(String::from_utf8_lossy(&text).contains("'=HYPERLINK"));
        assert_eq!(read_card(&text[..]).unwrap(), [r]);
    }

    #[test]
    fn the_longest_prefix_wins_and_the_catch_all_takes_the_rest() {
        let table = PrefixTable::new(vec![
            row("", 1),
            row("44", 2),
            row("447", 3),
            row("4479", 4),
        ]);
        let rate = |n: &str| table.find(n).map(|r| r.rate);
        assert_eq!(rate("447911123456"), Some(4));
        assert_eq!(rate("447811123456"), Some(3));
        assert_eq!(rate("442079460018"), Some(2));
        assert_eq!(rate("4"), Some(1));
        assert_eq!(rate("1212"), Some(1));
        let no_catch_all = PrefixTable::new(vec![row("44", 2)]);
        assert_eq!(no_catch_all.find("33"), None);
        assert_eq!(no_catch_all.find(""), None);
    }

    #[test]
    fn a_version_is_in_force_until_the_next_one() {
        let version = |id, effective_from| Version {
            id,
            effective_from,
            imported_at: String::new(),
            imported_by: String::new(),
            row_count: 1,
        };
        let card = RateCard::new(vec![
            (version(2, 200), PrefixTable::new(vec![row("44", 20)])),
            (
                version(1, 100),
                PrefixTable::new(vec![row("44", 10), row("4", 5)]),
            ),
        ]);
        assert_eq!(card.row_at("441", 99), None);
        let at = |t| card.row_at("441", t).map(|(v, r)| (v.id, r.rate));
        assert_eq!(at(100), Some((1, 10)));
        assert_eq!(at(199), Some((1, 10)));
        assert_eq!(at(200), Some((2, 20)));
        assert_eq!(card.row_at("49", 150).map(|(_, r)| r.rate), Some(5));
        assert_eq!(card.row_at("49", 250), None, "the new version has no 4");
        let versions = [version(1, 100), version(2, 200)];
        assert_eq!(version_at(&versions, 150).map(|v| v.id), Some(1));
    }

    #[test]
    fn numbers_and_names_are_checked() {
        assert_eq!(
            number_digits("+44 (20) 7946-0018").as_deref(),
            Some("442079460018")
        );
        assert_eq!(number_digits("44x"), None);
        assert_eq!(number_digits(" + "), None);
        assert!(name_problem("uk-wholesale_2026.v2").is_none());
        assert!(name_problem("uk wholesale").is_some());
        assert!(name_problem("").is_some());
        assert!(name_problem(&"x".repeat(65)).is_some());
    }

    /// The row a linear scan finds: the longest prefix that the number starts with.
    fn naive<'a>(rows: &'a [RateRow], digits: &str) -> Option<&'a RateRow> {
        rows.iter()
            .filter(|r| digits.starts_with(r.prefix.as_str()))
            .max_by_key(|r| r.prefix.len())
    }

    proptest! {
        #[test]
        fn the_table_finds_what_a_linear_scan_finds(
            prefixes in proptest::collection::btree_set("[0-9]{0,6}", 0..60),
            numbers in proptest::collection::vec("[0-9]{0,9}", 1..40),
        ) {
            let rows: Vec<RateRow> = prefixes.iter().enumerate().map(|(i, p)| row(p, i as i64)).collect();
            let table = PrefixTable::new(rows.clone());
            for n in &numbers {
                prop_assert_eq!(table.find(n), naive(&rows, n));
            }
        }
    }
}
