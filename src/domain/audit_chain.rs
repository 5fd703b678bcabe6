//! The audit log's hash chain. Each row stores the SHA-256 of its canonical content, which
//! includes the previous row's hash: editing, deleting, replacing, reordering or inserting a
//! row breaks the chain at that row, and `Check` finds the first break. Without a secret
//! key someone who rewrites the whole chain from a row on makes it whole again; an anchor
//! (a row's id and hash kept outside the database) catches that for everything up to it.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt;

/// An audit row's content: every column but its own hash.
///
/// The canonical content is this row as JSON, keys sorted, no spaces, text as stored (the
/// time is the stored RFC 3339 UTC text, the data the stored JSON text), null for a row of
/// no customer. Both engines store the same text and integers, so a row hashes the same on
/// SQLite and on PostgreSQL, and a database moved by `db copy` verifies on the other.
///
/// Its text is borrowed where it can be (a walk of the log reads it straight from the rows)
/// and owned where it must be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainRow<'a> {
    pub action: Cow<'a, str>,
    pub at: Cow<'a, str>,
    pub customer_id: Option<i64>,
    pub data: Cow<'a, str>,
    pub db_role: Cow<'a, str>,
    pub host: Cow<'a, str>,
    pub id: i64,
    pub ip: Cow<'a, str>,
    pub message: Cow<'a, str>,
    pub operator: Cow<'a, str>,
    /// The previous row's hash; empty for the first row.
    pub prev_hash: Cow<'a, str>,
    pub row_id: i64,
    pub table_name: Cow<'a, str>,
}

impl ChainRow<'_> {
    /// The canonical content: what serde_json makes of the row (its fields are declared
    /// in key order, which serde keeps), written by hand (`json_text`) because a walk of
    /// the log writes every row's, and serde_json's escaping was half of it.
    pub fn canonical(&self) -> String {
        let mut out = Vec::new();
        self.write_canonical(&mut out);
        String::from_utf8(out).expect("JSON of UTF-8 text")
    }

    fn write_canonical(&self, out: &mut Vec<u8>) {
        use super::json_text::{integer, string};
        let text = |out: &mut Vec<u8>, key: &[u8], value: &str| {
            out.extend_from_slice(key);
            string(out, value);
        };
        text(out, b"{\"action\":", &self.action);
        text(out, b",\"at\":", &self.at);
        out.extend_from_slice(b",\"customer_id\":");
        integer(out, self.customer_id);
        text(out, b",\"data\":", &self.data);
        text(out, b",\"db_role\":", &self.db_role);
        text(out, b",\"host\":", &self.host);
        out.extend_from_slice(b",\"id\":");
        integer(out, Some(self.id));
        text(out, b",\"ip\":", &self.ip);
        text(out, b",\"message\":", &self.message);
        text(out, b",\"operator\":", &self.operator);
        text(out, b",\"prev_hash\":", &self.prev_hash);
        out.extend_from_slice(b",\"row_id\":");
        integer(out, Some(self.row_id));
        text(out, b",\"table_name\":", &self.table_name);
        out.push(b'}');
    }

    /// The SHA-256 of the canonical content, in lower-case hex.
    pub fn hash(&self) -> String {
        hex(&self.digest(&mut Vec::new()))
    }

    /// The SHA-256 of the canonical content, written through `buf` (reused from row to
    /// row by a walk of the whole log, which is then not paced by allocations).
    fn digest(&self, buf: &mut Vec<u8>) -> [u8; 32] {
        buf.clear();
        self.write_canonical(buf);
        Sha256::digest(buf.as_slice()).into()
    }
}

fn hex(bytes: &[u8; 32]) -> String {
    String::from_utf8_lossy(&hex_digits(bytes)).into_owned()
}

/// A digest in lower-case hex, on the stack: a walk compares one per row.
fn hex_digits(bytes: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 15)];
    }
    out
}

/// A row's id and hash, kept outside the database: `ID:HASH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub id: i64,
    pub hash: String,
}

impl std::str::FromStr for Anchor {
    type Err = String;

    fn from_str(s: &str) -> Result<Anchor, String> {
        let bad = || {
            format!(
                "'{}' is not an anchor: write ID:HASH, as `audit head` prints it",
                s.escape_debug()
            )
        };
        let (id, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        let hash = hash.to_ascii_lowercase();
        if id < 1 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Anchor { id, hash })
    }
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.id, self.hash)
    }
}

/// Where the chain breaks first, in words that name the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break(pub String);

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Walks the rows in id order, one at a time, and keeps the first break.
#[derive(Debug, Default)]
pub struct Check {
    last: Option<Anchor>,
    rows: u64,
    anchor: Option<Anchor>,
    anchor_met: bool,
    first_break: Option<Break>,
    buf: Vec<u8>,
}

impl Check {
    pub fn new(anchor: Option<Anchor>) -> Check {
        Check {
            anchor,
            ..Check::default()
        }
    }

    /// The next row, with the hash stored beside it.
    pub fn row(&mut self, row: &ChainRow<'_>, stored_hash: &str) {
        self.rows += 1;
        if self.first_break.is_some() {
            return;
        }
        let id = row.id;
        let problem = if hex_digits(&row.digest(&mut self.buf)) != stored_hash.as_bytes() {
            Some(format!(
                "row {id} was changed after it was written: its content does not match its hash"
            ))
        } else {
            match &self.last {
                None if !row.prev_hash.is_empty() => Some(format!(
                    "row {id} is the first row but links to another: the rows before it were deleted"
                )),
                Some(last) if row.prev_hash != last.hash && id == last.id + 1 => Some(format!(
                    "row {id} does not link to row {}: one of them was replaced, or row {id} was inserted",
                    last.id
                )),
                Some(last) if row.prev_hash != last.hash => Some(format!(
                    "row {id} does not link to row {}: a row between them was deleted, or rows were reordered",
                    last.id
                )),
                _ => None,
            }
        };
        if let Some(anchor) = &self.anchor
            && anchor.id == id
        {
            self.anchor_met = true;
            if problem.is_none() && anchor.hash != stored_hash {
                self.first_break = Some(Break(format!(
                    "row {id} is not the row of the anchor: the log up to it was rewritten (its chain recomputed)"
                )));
                return;
            }
        }
        self.first_break = problem.map(Break);
        // The last row's hash kept in the same string from row to row.
        let last = self.last.get_or_insert_with(|| Anchor {
            id,
            hash: String::new(),
        });
        last.id = id;
        last.hash.clear();
        last.hash.push_str(stored_hash);
    }

    /// How many rows were read, and the first break (an anchor not met is one).
    pub fn finish(mut self) -> (u64, Option<Break>) {
        if self.first_break.is_none()
            && let Some(anchor) = &self.anchor
            && !self.anchor_met
        {
            self.first_break = Some(Break(format!(
                "row {} of the anchor is not in the log: it was deleted, or the anchor is from another database",
                anchor.id
            )));
        }
        (self.rows, self.first_break)
    }
}

/// Links rows in id order: each one's `prev_hash` set from the row before, and its hash.
pub fn link(rows: &mut [ChainRow<'_>]) -> Vec<String> {
    let mut prev = String::new();
    rows.iter_mut()
        .map(|row| {
            row.prev_hash = Cow::Owned(std::mem::take(&mut prev));
            prev = row.hash();
            prev.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: i64) -> (Vec<ChainRow<'static>>, Vec<String>) {
        let mut rows: Vec<ChainRow> = (1..=n)
            .map(|id| ChainRow {
                action: "PUT".into(),
                at: format!("2026-12-02T10:00:{id:02}Z").into(),
                customer_id: (id % 2 == 0).then_some(id),
                data: "{\"channels\":{\"old\":10,\"new\":20}}".into(),
                db_role: "".into(),
                host: "noc1".into(),
                id,
                ip: "192.0.2.10".into(),
                message: format!("change {id}").into(),
                operator: "alice".into(),
                prev_hash: "".into(),
                row_id: id,
                table_name: "customers".into(),
            })
            .collect();
        let hashes = link(&mut rows);
        (rows, hashes)
    }

    fn check(rows: &[ChainRow], hashes: &[String], anchor: Option<Anchor>) -> Option<String> {
        let mut c = Check::new(anchor);
        for (r, h) in rows.iter().zip(hashes) {
            c.row(r, h);
        }
        c.finish().1.map(|b| b.0)
    }

    #[test]
    fn the_canonical_content_is_sorted_json_of_every_column_but_the_hash() {
        let (rows, _) = rows(1);
        assert_eq!(
            rows[0].canonical(),
            r#"{"action":"PUT","at":"2026-12-02T10:00:01Z","customer_id":null,"data":"{\"channels\":{\"old\":10,\"new\":20}}","db_role":"","host":"noc1","id":1,"ip":"192.0.2.10","message":"change 1","operator":"alice","prev_hash":"","row_id":1,"table_name":"customers"}"#
        );
    }

    proptest::proptest! {
        #[test]
        fn the_hand_written_canonical_content_is_serde_jsons(
            texts in proptest::array::uniform10(proptest::prelude::any::<String>()),
            numbers in proptest::prelude::any::<(Option<i64>, i64, i64)>(),
        ) {
            let [action, at, data, db_role, host, ip, message, operator, prev_hash, table_name] =
                texts.map(Cow::Owned);
            let row = ChainRow {
                action, at, customer_id: numbers.0, data, db_role, host, id: numbers.1, ip,
                message, operator, prev_hash, row_id: numbers.2, table_name,
            };
            proptest::prop_assert_eq!(row.canonical(), serde_json::to_string(&row).unwrap());
        }
    }

    #[test]
    fn an_untouched_chain_passes_and_each_tampering_names_its_row() {
        let (rows_, hashes) = rows(6);
        assert_eq!(check(&rows_, &hashes, None), None);

        let mut edited = rows_.clone();
        edited[2].message = "nothing to see".into();
        assert!(
            check(&edited, &hashes, None)
                .unwrap()
                .starts_with("row 3 was changed")
        );

        let (mut deleted, mut dh) = (rows_.clone(), hashes.clone());
        deleted.remove(3);
        dh.remove(3);
        let why = check(&deleted, &dh, None).unwrap();
        assert!(
            why.starts_with("row 5 does not link to row 3: a row between them was deleted"),
            "{why}"
        );

        // A forged row with a valid hash of its own, linked to the row before it: the row
        // after it no longer links.
        let (mut forged, mut fh) = (rows_.clone(), hashes.clone());
        forged[2].message = "forged".into();
        fh[2] = forged[2].hash();
        let why = check(&forged, &fh, None).unwrap();
        assert!(why.starts_with("row 4 does not link to row 3"), "{why}");

        // The whole chain recomputed from row 3 on passes alone; an anchor at row 4 catches it.
        let (mut rewritten, _) = rows(6);
        rewritten[2].message = "rewritten".into();
        let rh = link(&mut rewritten);
        assert_eq!(check(&rewritten, &rh, None), None);
        let anchor = Anchor {
            id: 4,
            hash: hashes[3].clone(),
        };
        let why = check(&rewritten, &rh, Some(anchor.clone())).unwrap();
        assert!(
            why.starts_with("row 4 is not the row of the anchor"),
            "{why}"
        );
        assert_eq!(check(&rows_, &hashes, Some(anchor)), None);
        let far = Anchor {
            id: 60,
            hash: hashes[0].clone(),
        };
        assert!(
            check(&rows_, &hashes, Some(far))
                .unwrap()
                .contains("row 60 of the anchor is not in the log")
        );

        let first_gone = check(&rows_[1..], &hashes[1..], None).unwrap();
        assert!(
            first_gone.starts_with("row 2 is the first row"),
            "{first_gone}"
        );
    }

    #[test]
    fn anchors_read_as_audit_head_prints_them() {
        let a: Anchor = format!("42:{}", "AB".repeat(32)).parse().unwrap();
        assert_eq!(a.to_string(), format!("42:{}", "ab".repeat(32)));
        assert!("42".parse::<Anchor>().is_err());
        assert!("x:abc".parse::<Anchor>().is_err());
    }
}
