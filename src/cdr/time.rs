//! Timestamps in CDR files: parsing them fast, and turning the file's local time into UTC.

use chrono::{FixedOffset, LocalResult, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// A timestamp as a CDR writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// Wall-clock time in the file's zone, as seconds since 1970-01-01 00:00 of that clock.
    Local(i64),
    /// The text carried its own offset (`Z`, `+02:00`): an instant, whatever the file's zone.
    Utc(i64),
}

/// What a timestamp must look like, for error messages.
pub const STAMP_SHAPE: &str = "YYYY-MM-DD HH:MM:SS";

/// Parses `YYYY-MM-DD HH:MM:SS` (or with a `T`), with optional fractional seconds (dropped)
/// and an optional `Z` or `±HH[:MM]` offset. Written by hand: a million rows hold three
/// timestamps each, and this runs far faster than a general format parser.
pub fn parse_stamp(text: &[u8]) -> Option<Stamp> {
    let t = text.trim_ascii();
    if t.len() < 19 || t[4] != b'-' || t[7] != b'-' || !matches!(t[10], b' ' | b'T') {
        return None;
    }
    if t[13] != b':' || t[16] != b':' {
        return None;
    }
    let year = digits(&t[0..4])?;
    let month = digits(&t[5..7])?;
    let day = digits(&t[8..10])?;
    let (hour, minute, second) = (
        digits(&t[11..13])?,
        digits(&t[14..16])?,
        digits(&t[17..19])?,
    );
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let wall = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let mut rest = &t[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    match rest {
        [] => Some(Stamp::Local(wall)),
        [b'Z' | b'z'] => Some(Stamp::Utc(wall)),
        [sign @ (b'+' | b'-'), offset @ ..] => {
            let (h, m) = match offset {
                [h1, h2] => (digits(&[*h1, *h2])?, 0),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                    (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                }
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let east = (h * 3600 + m * 60) * if *sign == b'-' { -1 } else { 1 };
            Some(Stamp::Utc(wall - east))
        }
        _ => None,
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
    })
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The zone a file's local times are in: a fixed offset from UTC, or an IANA zone whose
/// offset follows daylight saving time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileZone {
    Fixed(FixedOffset),
    Named(Tz),
}

impl FileZone {
    pub const UTC: FileZone = FileZone::Named(Tz::UTC);
}

impl Default for FileZone {
    fn default() -> Self {
        FileZone::UTC
    }
}

impl FromStr for FileZone {
    type Err = String;

    /// `UTC`, `Z`, an offset (`+02:00`, `-0530`, `+3`), or an IANA name (`Europe/Berlin`).
    fn from_str(text: &str) -> Result<FileZone, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("z") {
            return Ok(FileZone::UTC);
        }
        if let Some(sign) = t.chars().next().filter(|c| matches!(c, '+' | '-')) {
            let body = &t[1..];
            let (h, m) = match body.split_once(':') {
                Some((h, m)) => (h, m),
                None if body.len() == 4 => body.split_at(2),
                None => (body, "0"),
            };
            let offset = match (h.parse::<i32>(), m.parse::<i32>()) {
                (Ok(h), Ok(m)) if (0..=23).contains(&h) && (0..=59).contains(&m) => {
                    let east = h * 3600 + m * 60;
                    FixedOffset::east_opt(if sign == '-' { -east } else { east })
                }
                _ => None,
            };
            return offset
                .map(FileZone::Fixed)
                .ok_or_else(|| format!("'{t}' is not a UTC offset (like +02:00, -0530 or +3)"));
        }
        t.parse::<Tz>().map(FileZone::Named).map_err(|_| {
            format!("'{t}' is neither a UTC offset (like +02:00) nor a time zone name (like Europe/Berlin)")
        })
    }
}

impl fmt::Display for FileZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileZone::Fixed(offset) => write!(f, "UTC{offset}"),
            FileZone::Named(tz) => f.write_str(tz.name()),
        }
    }
}

/// Turns the file's wall-clock times into UTC. Offsets are remembered per local hour, since
/// a zone's offset is the same throughout nearly every hour and looking it up is not free.
pub struct LocalClock {
    zone: FileZone,
    hours: HashMap<i64, i64>,
}

impl LocalClock {
    pub fn new(zone: FileZone) -> LocalClock {
        LocalClock {
            zone,
            hours: HashMap::new(),
        }
    }

    /// Unix seconds of a stamp. A local time inside a daylight-saving gap does not exist and
    /// is an error; one that happens twice (when clocks go back) is taken as the first.
    pub fn utc(&mut self, stamp: Stamp) -> Result<i64, String> {
        let wall = match stamp {
            Stamp::Utc(t) => return Ok(t),
            Stamp::Local(wall) => wall,
        };
        let tz = match self.zone {
            FileZone::Fixed(offset) => return Ok(wall - i64::from(offset.local_minus_utc())),
            FileZone::Named(tz) => tz,
        };
        let hour = wall.div_euclid(3600);
        if let Some(east) = self.hours.get(&hour) {
            return Ok(wall - east);
        }
        let east = |wall: i64| match naive(wall).map(|n| tz.offset_from_local_datetime(&n)) {
            Some(LocalResult::Single(o) | LocalResult::Ambiguous(o, _)) => {
                Ok(i64::from(o.fix().local_minus_utc()))
            }
            _ => Err(wall),
        };
        let first = hour * 3600;
        match (east(first), east(first + 3599)) {
            (Ok(a), Ok(b)) if a == b => {
                self.hours.insert(hour, a);
                Ok(wall - a)
            }
            _ => east(wall).map(|e| wall - e).map_err(|_| {
                let shown = naive(wall).map_or_else(|| wall.to_string(), |n| n.to_string());
                format!("{shown} does not exist in {tz}: the clocks went forward over it")
            }),
        }
    }
}

fn naive(wall: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp(wall, 0).map(|t| t.naive_utc())
}

/// Unix seconds as the CDR report writes them: RFC 3339 in UTC, `2026-11-02T10:15:00Z`.
pub fn utc_text(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(
        || t.to_string(),
        |dt| dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono_secs(s: &str) -> i64 {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
            .unwrap()
            .and_utc()
            .timestamp()
    }

    #[test]
    fn stamps_parse_like_chrono_does() {
        for s in [
            "1970-01-01 00:00:00",
            "2024-02-29 23:59:59",
            "2026-11-02 10:15:00",
            "1999-12-31 12:00:01",
            "2100-03-01 00:00:00",
        ] {
            assert_eq!(
                parse_stamp(s.as_bytes()),
                Some(Stamp::Local(chrono_secs(s))),
                "{s}"
            );
        }
        let t = chrono_secs("2026-11-02 10:15:00");
        assert_eq!(parse_stamp(b"2026-11-02T10:15:00Z"), Some(Stamp::Utc(t)));
        assert_eq!(
            parse_stamp(b"2026-11-02T12:15:00+02:00"),
            Some(Stamp::Utc(t))
        );
        assert_eq!(
            parse_stamp(b"2026-11-02 05:15:00.250-0500"),
            Some(Stamp::Utc(t))
        );
        assert_eq!(parse_stamp(b" 2026-11-02 10:15:00 "), Some(Stamp::Local(t)));
    }

    #[test]
    fn impossible_stamps_are_refused() {
        for s in [
            "",
            "2026-11-02",
            "2026-13-01 00:00:00",
            "2023-02-29 00:00:00",
            "2026-11-02 24:00:00",
            "2026-11-02 10:60:00",
            "2026/11/02 10:15:00",
            "2026-11-02 10:15:00 junk",
            "2026-11-02 10:15:00.",
            "1700000000",
        ] {
            assert_eq!(parse_stamp(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn zones_parse_from_offsets_and_names() {
        let z = |s: &str| s.parse::<FileZone>();
        assert_eq!(z("UTC"), Ok(FileZone::UTC));
        assert_eq!(z("+02:00").unwrap().to_string(), "UTC+02:00");
        assert_eq!(z("-0530").unwrap().to_string(), "UTC-05:30");
        assert_eq!(z("+3").unwrap().to_string(), "UTC+03:00");
        assert_eq!(z("Europe/Berlin").unwrap().to_string(), "Europe/Berlin");
        assert!(z("Mars/Olympus").unwrap_err().contains("time zone name"));
        assert!(z("+25:00").unwrap_err().contains("UTC offset"));
    }

    #[test]
    fn local_times_follow_daylight_saving() {
        let mut berlin = LocalClock::new("Europe/Berlin".parse().unwrap());
        let local = |s: &str| parse_stamp(s.as_bytes()).unwrap();
        // Winter: UTC+1; summer: UTC+2.
        assert_eq!(
            berlin.utc(local("2026-01-15 12:00:00")),
            Ok(chrono_secs("2026-01-15 11:00:00"))
        );
        assert_eq!(
            berlin.utc(local("2026-07-15 12:00:00")),
            Ok(chrono_secs("2026-07-15 10:00:00"))
        );
        // 29 March 2026, 02:30 never happened in Berlin.
        assert!(
            berlin
                .utc(local("2026-03-29 02:30:00"))
                .unwrap_err()
                .contains("does not exist")
        );
        // 25 October 2026, 02:30 happened twice: the first one (still summer time) is taken.
        assert_eq!(
            berlin.utc(local("2026-10-25 02:30:00")),
            Ok(chrono_secs("2026-10-25 00:30:00"))
        );
        let mut fixed = LocalClock::new("-05:00".parse().unwrap());
        assert_eq!(
            fixed.utc(local("2026-07-15 12:00:00")),
            Ok(chrono_secs("2026-07-15 17:00:00"))
        );
        assert_eq!(
            utc_text(chrono_secs("2026-07-15 17:00:00")),
            "2026-07-15T17:00:00Z"
        );
    }
}
