//! carrierdesk's own CDR CSV. A header row names the columns, in any order; then one call
//! per row, priced. The CDR report writes it, and an import reads it back unchanged.
//!
//! | column | required | content |
//! | --- | --- | --- |
//! | uid | no | the call's unique id; a hash of the row when missing or empty |
//! | account_code | no | the customer's account code, or its id |
//! | src, dst, channel | no | caller, callee, Asterisk channel name (`SIP/1001-0000abcd`) |
//! | provider | no | the provider the call went out through (`carrierA`), kept for costing again |
//! | start | yes | `YYYY-MM-DD HH:MM:SS` in the file's zone (`--tz`), or RFC 3339 with `Z` or an offset |
//! | answered | yes | `1`/`0`, `yes`/`no` or `true`/`false` |
//! | duration | yes | talk time, whole seconds; 0 when not answered |
//! | billed | yes | billed seconds; 0 when not answered |
//! | disposition | no | ANSWERED, NO ANSWER, BUSY ... as the switch said it |
//! | charge, cost | yes | plain decimals in `currency`, up to six places (`12.5`, `0.0042`): never floats |
//! | currency | yes | ISO 4217 code; must be the customer's currency |

use super::time::utc_text;
use crate::domain::{Cdr, Currency};
use crate::spreadsheet;
use std::io;

/// Every column, in the order the CDR report writes them.
pub const COLUMNS: &[&str] = &[
    "uid",
    "account_code",
    "src",
    "dst",
    "channel",
    "provider",
    "start",
    "answered",
    "duration",
    "billed",
    "disposition",
    "charge",
    "cost",
    "currency",
];

/// The columns without which a row cannot be stored and priced.
pub const REQUIRED: &[&str] = &[
    "start", "answered", "duration", "billed", "charge", "cost", "currency",
];

/// Writes calls of one customer as native CSV, times in UTC.
pub struct NativeWriter<W: io::Write> {
    csv: spreadsheet::Writer<W>,
    currency: Currency,
}

impl<W: io::Write> NativeWriter<W> {
    /// Starts the file with its header row.
    pub fn new(out: W, currency: Currency) -> io::Result<Self> {
        let mut csv = spreadsheet::Writer::from_writer(out);
        csv.write_record(COLUMNS)?;
        Ok(NativeWriter { csv, currency })
    }

    pub fn write(&mut self, cdr: &Cdr) -> io::Result<()> {
        let c = self.currency;
        self.csv.write_record([
            cdr.uid.as_ref(),
            &cdr.account_code,
            &cdr.src,
            &cdr.dst,
            &cdr.channel,
            &cdr.provider,
            &utc_text(cdr.start_at),
            if cdr.answered { "1" } else { "0" },
            &cdr.duration_s.to_string(),
            &cdr.billed_s.to_string(),
            &cdr.disposition,
            &c.exact(cdr.charge),
            &c.exact(cdr.cost),
            c.code(),
        ])?;
        Ok(())
    }

    /// Flushes what is buffered and hands the output back.
    pub fn finish(self) -> io::Result<W> {
        self.csv.into_inner()
    }
}
