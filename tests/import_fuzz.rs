//! The importers fed arbitrary bytes and mutated real-looking rows: no input makes them
//! panic, and every row they refuse is named by a line of the input (and by its field, or
//! as a whole row where the trouble is the row's).

mod common;

use carrierdesk::cdr::Format;
use carrierdesk::service::{ImportOptions, Service, ServiceError};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Bytes that mean something to a CSV reader or to the checks, and some that are not text.
const CSV_BYTES: &[u8] = b",,\"\"\r\n\n0123456789-:. aZ\xff\xc3\0";

/// The sample CDR files, as bytes.
fn samples() -> &'static [Vec<u8>] {
    static SAMPLES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cdrs");
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files.iter().map(|f| std::fs::read(f).unwrap()).collect()
    })
}

const CUSTOMERS: &str = "name,currency,channels,debit_limit,tags,address,status\n\
    Atlas Voice,EUR,30,1500.50,\"wholesale,eu\",\"1 Quay St\",active\n\
    Bright Telecom,JPY,,2000,,,pending\n\
    \"Comma, Ltd\",USD,5,-20,retail,\"Line 1\",inactive\n";

/// One change to a real-looking file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Bytes put in at a place.
    Insert(Index, Vec<u8>),
    /// Bytes taken out from a place.
    Delete(Index, usize),
    /// A line copied after itself, many times over: a long file, or with `Insert`s a long row.
    Repeat(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (
            any::<Index>(),
            prop::collection::vec(select(CSV_BYTES), 1..6)
        )
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        (any::<Index>(), 1..40usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<Index>(), 1..50usize).prop_map(|(at, n)| Mutation::Repeat(at, n)),
    ]
}

fn mutated(mut text: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let at = |i: &Index| i.index(text.len() + 1);
        match m {
            Mutation::Insert(i, bytes) => {
                let at = at(i);
                text.splice(at..at, bytes.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let at = at(i);
                text.drain(at..(at + n).min(text.len()));
            }
            Mutation::Repeat(i, n) => {
                let at = at(i);
                let start = text[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                let end = text[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |p| at + p + 1);
                let line = text[start..end].to_vec();
                for _ in 0..*n {
                    text.splice(end..end, line.iter().copied());
                }
            }
        }
    }
    text
}

/// Arbitrary bytes, bytes of CSV's own alphabet, or a real-looking file changed here and there.
fn input(real: impl Strategy<Value = Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        prop::collection::vec(select(CSV_BYTES), 0..2048),
        (real, prop::collection::vec(mutation(), 0..8)).prop_map(|(t, m)| mutated(t, &m)),
    ]
}

/// The lines of `text` as an editor numbers them: a row refused must be on one of them.
fn line_count(text: &[u8]) -> u64 {
    let crlf = text.windows(2).filter(|w| w == b"\r\n").count();
    (text.iter().filter(|&&b| b == b'\r' || b == b'\n').count() - crlf) as u64 + 1
}

/// Messages about a row as a whole, which name no field.
const ROW_MESSAGES: &[&str] = &["the row has ", "the row is longer than "];

/// Checks one refused row: its line is one of the input's, and it names its field or is
/// about the row as a whole.
fn check_refusal(
    lines: u64,
    line: u64,
    field: Option<&str>,
    message: &str,
) -> Result<(), TestCaseError> {
    prop_assert!(
        (1..=lines).contains(&line),
        "line {line} of {lines}: {message}"
    );
    prop_assert!(
        field.is_some() || ROW_MESSAGES.iter().any(|m| message.starts_with(m)),
        "line {line} names no field: {message}"
    );
    Ok(())
}

/// A service on a small demo database, and the files a case writes.
struct Bench {
    _dir: tempfile::TempDir,
    service: Service,
    input: PathBuf,
    rejects: PathBuf,
}

impl Bench {
    fn new() -> Bench {
        let (dir, _, service) = common::demo_db(5, 1);
        let input = dir.path().join("input.csv");
        let rejects = dir.path().join("input.rejected.csv");
        Bench {
            service,
            input,
            rejects,
            _dir: dir,
        }
    }
}

thread_local! {
    /// Made once for each test's cases: each test runs on a thread of its own.
    static BENCH: RefCell<Option<Bench>> = const { RefCell::new(None) };
}

fn with_bench<T>(f: impl FnOnce(&mut Bench) -> T) -> T {
    BENCH.with_borrow_mut(|b| f(b.get_or_insert_with(Bench::new)))
}

const FORMATS: &[Option<Format>] = &[
    None,
    Some(Format::Native),
    Some(Format::Asterisk),
    Some(Format::AsteriskCustom),
    Some(Format::FreeSwitch),
];

fn config() -> ProptestConfig {
    ProptestConfig {
        // A failure is reported with its input; no file is written.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_cdr_import_names_the_line_and_field_of_every_row_it_refuses(
        text in input(select(samples())),
        format in select(FORMATS),
        skip_bad in any::<bool>(),
    ) {
        with_bench(|b| cdr_case(b, &text, format, skip_bad))?;
    }

    #[test]
    fn the_customers_import_names_the_line_and_field_of_every_problem(
        text in input(Just(CUSTOMERS.as_bytes().to_vec())),
    ) {
        with_bench(|b| customers_case(b, &text))?;
    }
}

fn cdr_case(
    b: &mut Bench,
    text: &[u8],
    format: Option<Format>,
    skip_bad: bool,
) -> Result<(), TestCaseError> {
    std::fs::write(&b.input, text).unwrap();
    let _ = std::fs::remove_file(&b.rejects);
    let options = ImportOptions {
        format,
        rejects: skip_bad.then(|| b.rejects.clone()),
        ..ImportOptions::default()
    };
    let lines = line_count(text);
    let files = std::slice::from_ref(&b.input);
    match b
        .service
        .import_cdrs(&common::actor("fuzz"), files, &options, &mut |_| {})
    {
        Ok(report) => {
            if let Some(rejects) = report.reject_file {
                let mut rows = csv::Reader::from_path(rejects).unwrap();
                // The row itself, kept as read, need not be UTF-8.
                for row in rows.byte_records() {
                    let row = row.unwrap();
                    let line = String::from_utf8_lossy(&row[1]).parse().unwrap();
                    let reason = String::from_utf8_lossy(&row[2]);
                    check_refusal(lines, line, reason.strip_prefix("field "), &reason)?;
                }
            }
        }
        Err(ServiceError::BadRow { error, .. }) => {
            let field = error.field.map(|f| f.to_string());
            check_refusal(lines, error.line, field.as_deref(), &error.message)?;
        }
        // The file as a whole: no format fits, not text, or too many bad rows.
        Err(ServiceError::File { .. }) => {}
        Err(e) => prop_assert!(false, "{e}"),
    }
    Ok(())
}

fn customers_case(b: &mut Bench, text: &[u8]) -> Result<(), TestCaseError> {
    std::fs::write(&b.input, text).unwrap();
    let lines = line_count(text);
    match b
        .service
        .import_customers(&common::actor("fuzz"), &b.input, true)
    {
        Ok(report) => {
            for p in &report.problems {
                prop_assert!(!p.field.is_empty(), "{p}");
                check_refusal(lines, p.line, Some(&p.field), &p.message)?;
            }
        }
        Err(ServiceError::File { .. }) => {}
        Err(e) => prop_assert!(false, "{e}"),
    }
    Ok(())
}
