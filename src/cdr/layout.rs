//! Where each format keeps the fields an import needs.

use super::native;
use super::time::parse_stamp;
use super::{Field, Format};
use csv::ByteRecord;

const ASTERISK: &[&str] = &[
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "uniqueid",
    "userfield",
    "peeraccount",
    "linkedid",
    "sequence",
];

/// The `Master.csv` mapping of cdr_custom.conf.sample, the one most installations keep:
/// clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, start, answer, end,
/// duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield, sequence.
/// Rows may stop after accountcode, uniqueid or userfield.
const ASTERISK_CUSTOM: &[&str] = &[
    "clid",
    "src",
    "dst",
    "dcontext",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "accountcode",
    "uniqueid",
    "userfield",
    "sequence",
];

/// mod_cdr_csv's default template; the "example" template adds the two codecs.
const FREESWITCH: &[&str] = &[
    "caller_id_name",
    "caller_id_number",
    "destination_number",
    "context",
    "start_stamp",
    "answer_stamp",
    "end_stamp",
    "duration",
    "billsec",
    "hangup_cause",
    "uuid",
    "bleg_uuid",
    "accountcode",
    "read_codec",
    "write_codec",
];

/// How a format says a call was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// The disposition is `ANSWERED` (Asterisk).
    Disposition,
    /// The answer time is filled in (FreeSWITCH, whose hangup cause does not say it).
    AnswerTime,
    /// A column says so: 1/0, yes/no, true/false (native).
    Flag(usize),
}

/// The columns of a native file that carry the price of the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceColumns {
    pub billed: usize,
    pub charge: usize,
    pub cost: usize,
    pub currency: usize,
}

/// The positions of the fields an import reads, in one format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub format: Format,
    names: Vec<&'static str>,
    /// How many fields a row may have.
    counts: Vec<usize>,
    pub uid: Option<usize>,
    /// Asterisk numbers the several CDRs of one channel (transfers, forks) with the same
    /// uniqueid; the sequence tells them apart.
    pub sequence: Option<usize>,
    pub account_code: Option<usize>,
    pub src: Option<usize>,
    pub dst: Option<usize>,
    pub channel: Option<usize>,
    /// Where the call went out: Asterisk's `dstchannel` names the provider's trunk; a
    /// native file's `provider` names it. FreeSWITCH's default templates name no gateway.
    pub provider: Option<usize>,
    pub disposition: Option<usize>,
    pub start: usize,
    /// Answer and end times: checked when present, not stored.
    pub answer: Option<usize>,
    pub end: Option<usize>,
    /// Ring plus talk time: checked, not stored (the summary counts talk time).
    pub total: Option<usize>,
    /// Talk time: billsec, or a native file's duration.
    pub talk: usize,
    pub answered: Answered,
    pub price: Option<PriceColumns>,
}

impl Layout {
    /// The layout of a format without a header row; None for `Format::Native`, whose
    /// header says where its fields are (see `Layout::native`).
    pub fn headerless(format: Format) -> Option<Layout> {
        let (names, counts): (&[&'static str], Vec<usize>) = match format {
            Format::Native => return None,
            Format::Asterisk => (ASTERISK, (16..=21).collect()),
            Format::AsteriskCustom => (ASTERISK_CUSTOM, (16..=19).collect()),
            Format::FreeSwitch => (FREESWITCH, vec![13, 15]),
        };
        let at = |name: &str| names.iter().position(|n| *n == name);
        let must = |name: &str| at(name).expect("every layout names its required fields");
        let freeswitch = format == Format::FreeSwitch;
        let time = |asterisk: &str, freeswitch_name: &str| {
            if freeswitch {
                must(freeswitch_name)
            } else {
                must(asterisk)
            }
        };
        Some(Layout {
            format,
            uid: at(if freeswitch { "uuid" } else { "uniqueid" }),
            sequence: at("sequence"),
            account_code: at("accountcode"),
            src: at(if freeswitch {
                "caller_id_number"
            } else {
                "src"
            }),
            dst: at(if freeswitch {
                "destination_number"
            } else {
                "dst"
            }),
            channel: at("channel"),
            provider: at("dstchannel"),
            disposition: at(if freeswitch {
                "hangup_cause"
            } else {
                "disposition"
            }),
            start: time("start", "start_stamp"),
            answer: Some(time("answer", "answer_stamp")),
            end: Some(time("end", "end_stamp")),
            total: Some(must("duration")),
            talk: must("billsec"),
            answered: if freeswitch {
                Answered::AnswerTime
            } else {
                Answered::Disposition
            },
            price: None,
            names: names.to_vec(),
            counts,
        })
    }

    /// The layout a native file's header row describes. Columns may come in any order;
    /// unknown or repeated names are refused rather than ignored, as a misspelt `charge`
    /// would otherwise import every call for free.
    pub fn native(header: &ByteRecord) -> Result<Layout, String> {
        let mut names: Vec<&'static str> = Vec::with_capacity(header.len());
        for raw in header {
            let text = String::from_utf8_lossy(raw);
            let name = text
                .trim()
                .trim_start_matches('\u{feff}')
                .to_ascii_lowercase();
            let known = native::COLUMNS
                .iter()
                .find(|c| **c == name)
                .ok_or_else(|| {
                    format!(
                        "the header names an unknown column '{name}'; the columns are {}",
                        native::COLUMNS.join(", ")
                    )
                })?;
            if names.contains(known) {
                return Err(format!("the header names the column '{name}' twice"));
            }
            names.push(known);
        }
        let at = |name: &str| names.iter().position(|n| *n == name);
        let missing: Vec<&str> = native::REQUIRED
            .iter()
            .copied()
            .filter(|name| at(name).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the header lacks the column(s) {}; a native file needs {}",
                missing.join(", "),
                native::REQUIRED.join(", ")
            ));
        }
        let must = |name: &str| at(name).expect("required columns are checked above");
        Ok(Layout {
            format: Format::Native,
            uid: at("uid"),
            sequence: None,
            account_code: at("account_code"),
            src: at("src"),
            dst: at("dst"),
            channel: at("channel"),
            provider: at("provider"),
            disposition: at("disposition"),
            start: must("start"),
            answer: None,
            end: None,
            total: None,
            talk: must("duration"),
            answered: Answered::Flag(must("answered")),
            price: Some(PriceColumns {
                billed: must("billed"),
                charge: must("charge"),
                cost: must("cost"),
                currency: must("currency"),
            }),
            counts: vec![names.len()],
            names,
        })
    }

    pub fn field(&self, index: usize) -> Field {
        Field {
            name: self.names.get(index).copied().unwrap_or("?"),
            index,
        }
    }

    /// None when a row of `n` fields fits, else what is wrong.
    pub fn check_count(&self, n: usize) -> Option<String> {
        if self.counts.contains(&n) {
            return None;
        }
        let allowed = match self.counts.as_slice() {
            [one] => one.to_string(),
            [a, b] if b - a > 1 => format!("{a} or {b}"),
            [first, .., last] => format!("{first} to {last}"),
            [] => "no".into(),
        };
        let what = if self.format == Format::Native {
            "the header"
        } else {
            self.format.label()
        };
        Some(format!(
            "the row has {n} fields, but {what} rows have {allowed}"
        ))
    }

    /// Whether a row looks like this format: the right number of fields, a time where the
    /// start time goes and a number where the talk time goes. Used to guess a file's format.
    pub fn fits(&self, row: &ByteRecord) -> bool {
        let number = |i: usize| {
            row.get(i)
                .is_some_and(|f| !f.is_empty() && f.trim_ascii().iter().all(u8::is_ascii_digit))
        };
        self.check_count(row.len()).is_none()
            && row.get(self.start).and_then(parse_stamp).is_some()
            && number(self.talk)
    }

    /// Whether a row looks like a header: at least two of its cells are column names of
    /// one of the formats (start, answer, uniqueid, accountcode ...). Switches write no
    /// header, but people who export a file with a spreadsheet or a script often add one.
    pub fn looks_like_header(row: &ByteRecord) -> bool {
        let names = ASTERISK
            .iter()
            .chain(ASTERISK_CUSTOM)
            .chain(FREESWITCH)
            .chain(native::COLUMNS);
        let named = row
            .iter()
            .filter(|cell| {
                let text = String::from_utf8_lossy(cell);
                let text = text.trim().trim_start_matches('\u{feff}');
                names.clone().any(|n| n.eq_ignore_ascii_case(text))
            })
            .count();
        named >= 2
    }

    /// Whether a first row is a native header rather than a call.
    pub fn is_native_header(row: &ByteRecord) -> bool {
        let has = |name: &str| {
            row.iter().any(|f| {
                String::from_utf8_lossy(f)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
        };
        has("start") && has("charge")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headerless_layouts_point_at_their_documented_fields() {
        let a = Layout::headerless(Format::Asterisk).unwrap();
        assert_eq!(
            (a.account_code, a.channel, a.start, a.talk, a.uid),
            (Some(0), Some(5), 9, 13, Some(16))
        );
        let c = Layout::headerless(Format::AsteriskCustom).unwrap();
        assert_eq!(
            (c.account_code, c.channel, c.start, c.talk, c.uid),
            (Some(15), Some(4), 8, 12, Some(16))
        );
        let f = Layout::headerless(Format::FreeSwitch).unwrap();
        assert_eq!(
            (f.account_code, f.channel, f.start, f.talk, f.uid),
            (Some(12), None, 4, 8, Some(10))
        );
        assert_eq!(f.field(4).to_string(), "start_stamp (column 5)");
    }

    #[test]
    fn field_counts_are_explained() {
        let f = Layout::headerless(Format::FreeSwitch).unwrap();
        assert_eq!(f.check_count(13), None);
        assert_eq!(
            f.check_count(14).unwrap(),
            "the row has 14 fields, but FreeSWITCH cdr_csv rows have 13 or 15"
        );
        let a = Layout::headerless(Format::Asterisk).unwrap();
        assert!(a.check_count(15).unwrap().ends_with("16 to 21"));
    }

    #[test]
    fn a_header_row_is_told_from_a_call() {
        let header = ByteRecord::from(vec![
            "accountcode",
            "src",
            "dst",
            "dcontext",
            "clid",
            "channel",
            "dstchannel",
            "lastapp",
            "lastdata",
            "Start",
            "answer",
            "end",
            "duration",
            "billsec",
            "disposition",
            "amaflags",
            "uniqueid",
            "userfield",
        ]);
        assert!(Layout::looks_like_header(&header));
        let freeswitch = ByteRecord::from(vec!["\u{feff}caller_id_name", "start_stamp"]);
        assert!(Layout::looks_like_header(&freeswitch));
        let call = ByteRecord::from(vec![
            "AC000001",
            "4930111222",
            "441632960001",
            "from-customer",
            "Anna",
            "SIP/gw1-1",
            "",
            "Dial",
            "",
            "2026-11-02 10:15:00",
            "",
            "2026-11-02 10:17:05",
            "125",
            "120",
            "ANSWERED",
            "DOCUMENTATION",
            "1793614500.1",
            "",
        ]);
        assert!(!Layout::looks_like_header(&call));
    }

    #[test]
    fn a_native_header_is_read_by_name() {
        let header = ByteRecord::from(vec![
            "\u{feff}Start",
            "charge",
            "cost",
            "currency",
            "answered",
            "duration",
            "billed",
        ]);
        assert!(Layout::is_native_header(&header));
        let l = Layout::native(&header).unwrap();
        assert_eq!((l.start, l.talk, l.uid), (0, 5, None));
        let misspelt = ByteRecord::from(vec!["start", "charg"]);
        assert!(
            Layout::native(&misspelt)
                .unwrap_err()
                .contains("unknown column 'charg'")
        );
        let short = ByteRecord::from(vec!["start", "charge"]);
        assert!(
            Layout::native(&short)
                .unwrap_err()
                .contains("lacks the column(s) answered, duration, billed, cost, currency")
        );
    }
}
