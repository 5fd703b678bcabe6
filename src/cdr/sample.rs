//! Believable Asterisk Master.csv files of any size, for benchmarks and demos.

use chrono::{DateTime, Datelike, Timelike};
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// How far back before `until` the calls of a sample reach.
const SPAN_S: i64 = 7 * 86_400;

const NAMES: &[&str] = &[
    "Anna Berg",
    "Ben Novak",
    "Chloe Okafor",
    "David Silva",
    "Elena Tanaka",
    "Farid Muller",
    "Greta Dubois",
    "Hugo Rossi",
    "Ines Kowalski",
    "Jonas Jensen",
    "Reception",
    "Sales Desk",
];
const COUNTRIES: &[&str] = &["1", "31", "33", "34", "39", "41", "44", "46", "49", "61"];

/// The order of a sample's rows, and what its uids look like: an Asterisk server appends
/// calls in time order with `start.seq` uids; files from several switches concatenated, or
/// written at hang-up, are in no order within a day, and FreeSWITCH's uids are random UUIDs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    /// Rows shuffled within each UTC day (the days still follow each other).
    pub shuffled_within_day: bool,
    /// Random UUIDs as uids.
    pub uuid_uids: bool,
}

/// Writes `rows` calls of an Asterisk server logging in UTC, in cdr_csv's 18-field layout
/// (uniqueid and userfield on, as Asterisk ships). Times are spread over the 7 days before
/// `until` (unix seconds) in order, as the switch appends them. Calls belong to customers
/// 1..=`customers` of the demo database: 94 % name the account code (`AC000042`), 5 % the
/// id (`42`), and 1 % have no account code and a SIP user nobody owns, so they stay unmatched.
/// The same arguments give the same file.
pub fn write_asterisk_sample(
    path: &Path,
    rows: u64,
    customers: u32,
    seed: u64,
    until: i64,
) -> io::Result<()> {
    write_shaped_sample(path, rows, customers, seed, until, Shape::default())
}

/// The same calls in another `shape`: the same rows with their order or uids changed.
pub fn write_shaped_sample(
    path: &Path,
    rows: u64,
    customers: u32,
    seed: u64,
    until: i64,
    shape: Shape,
) -> io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(seed);
    // Uids and shuffles draw from a generator of their own, so the calls stay the same.
    let mut shaper = fastrand::Rng::with_seed(seed ^ 0x5eed);
    let mut out = BufWriter::with_capacity(1 << 20, crate::private::create(path)?);
    let customers = customers.max(1);
    let first = until - SPAN_S;
    // The current day's rows, when they are shuffled before they are written.
    let mut day: Vec<Vec<u8>> = Vec::new();
    let mut day_of = None;
    for seq in 0..rows {
        let start = first + (seq as i128 * i128::from(SPAN_S) / i128::from(rows.max(1))) as i64;
        let uid = if shape.uuid_uids {
            uuid(&mut shaper)
        } else {
            format!("{start}.{seq}")
        };
        if !shape.shuffled_within_day {
            write_call(&mut out, &mut rng, customers, seq, start, &uid)?;
            continue;
        }
        if day_of != Some(start.div_euclid(86_400)) {
            flush_shuffled(&mut out, &mut day, &mut shaper)?;
            day_of = Some(start.div_euclid(86_400));
        }
        let mut line = Vec::with_capacity(256);
        write_call(&mut line, &mut rng, customers, seq, start, &uid)?;
        day.push(line);
    }
    flush_shuffled(&mut out, &mut day, &mut shaper)?;
    out.flush()
}

fn flush_shuffled(
    out: &mut impl Write,
    day: &mut Vec<Vec<u8>>,
    rng: &mut fastrand::Rng,
) -> io::Result<()> {
    rng.shuffle(day);
    for line in day.drain(..) {
        out.write_all(&line)?;
    }
    Ok(())
}

/// A random (version 4) UUID, as FreeSWITCH writes its call uids.
fn uuid(rng: &mut fastrand::Rng) -> String {
    let (a, b) = (rng.u64(..), rng.u64(..));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

/// One call's line.
fn write_call(
    out: &mut impl Write,
    rng: &mut fastrand::Rng,
    customers: u32,
    seq: u64,
    start: i64,
    uid: &str,
) -> io::Result<()> {
    let customer = rng.u32(1..=customers);
    let extension = 1000 + customer % 9000;
    let (account_code, tech, user) = match rng.u32(0..100) {
        0..94 => (format!("AC{customer:06}"), "SIP", extension.to_string()),
        94..99 => (customer.to_string(), "PJSIP", extension.to_string()),
        _ => (String::new(), "PJSIP", format!("9{:03}", rng.u32(0..1000))),
    };
    let caller = format!("{}{}", 200 + customer, rng.u32(1_000_000..9_999_999));
    let country = COUNTRIES[rng.usize(0..COUNTRIES.len())];
    let dst = format!("{country}{}", rng.u64(100_000_000..999_999_999));
    let ring = rng.i64(2..30);
    let disposition = match rng.u32(0..100) {
        0..55 => "ANSWERED",
        55..80 => "NO ANSWER",
        80..92 => "BUSY",
        92..97 => "FAILED",
        _ => "CONGESTION",
    };
    let answered = disposition == "ANSWERED";
    let talk = if answered {
        ((-150.0 * (1.0 - rng.f64()).ln()).round() as i64).clamp(1, 7200)
    } else {
        0
    };
    let name = NAMES[rng.usize(0..NAMES.len())];
    quoted(out, &account_code)?;
    out.write_all(b",")?;
    quoted(out, &caller)?;
    out.write_all(b",")?;
    quoted(out, &dst)?;
    out.write_all(b",\"from-customer\",")?;
    quoted(out, &format!("\"{name}\" <{caller}>"))?;
    write!(out, ",\"{tech}/{user}-{seq:08x}\",")?;
    if answered {
        write!(out, "\"SIP/carrier-{:08x}\"", seq ^ 0x5a5a)?;
    } else {
        out.write_all(b"\"\"")?;
    }
    write!(out, ",\"Dial\",\"SIP/carrier/{dst},60,tT\",")?;
    stamp(out, Some(start))?;
    out.write_all(b",")?;
    stamp(out, answered.then_some(start + ring))?;
    out.write_all(b",")?;
    stamp(out, Some(start + ring + talk))?;
    writeln!(
        out,
        ",{},{talk},\"{disposition}\",\"DOCUMENTATION\",\"{uid}\",\"\"",
        ring + talk
    )
}

/// A text field as Asterisk writes it: always quoted, quotes doubled.
fn quoted(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    for (i, part) in text.split('"').enumerate() {
        if i > 0 {
            out.write_all(b"\"\"")?;
        }
        out.write_all(part.as_bytes())?;
    }
    out.write_all(b"\"")
}

/// `"YYYY-MM-DD HH:MM:SS"` in UTC, or `""` for no time (an unanswered call's answer time).
fn stamp(out: &mut impl Write, t: Option<i64>) -> io::Result<()> {
    let Some(dt) = t.and_then(|t| DateTime::from_timestamp(t, 0)) else {
        return out.write_all(b"\"\"");
    };
    write!(
        out,
        "\"{:04}-{:02}-{:02} {:02}:{:02}:{:02}\"",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}
