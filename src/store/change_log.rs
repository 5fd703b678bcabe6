//! The change log: what each write transaction changed, one row per topic, kept a few
//! minutes for the consoles that notice a commit by `PRAGMA data_version` to ask what.

use super::sql::{Result, Tx};
use super::{Store, time_text};
use crate::domain::{Change, Changes};
use crate::vals;
use chrono::{DateTime, TimeDelta, Utc};

/// The NOTIFY channel of carrierdesk's change records.
pub const CHANNEL: &str = "carrierdesk_changes";

/// How long rows are kept. Consoles ask about once a second; one that has not asked for
/// longer (suspended, its SSH link stalled) finds a gap and reloads everything.
const KEEP: TimeDelta = TimeDelta::minutes(10);

/// Writes `changes` inside the caller's write transaction, one row per topic, and prunes
/// the rows older than `KEEP` before `at`. Nothing for no changes.
pub fn record_changes(tx: &Tx, changes: &Changes, at: DateTime<Utc>) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    // Everything up to the newest old row goes, so the rows kept are always the run of
    // seqs up to the newest, even after a clock set back: a reader tells a gap by the
    // oldest kept. Pruned before the insert, the table is never left empty.
    tx.execute(
        "DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log WHERE at < ?1)",
        &vals![time_text(at - KEEP)],
    )?;
    let at = time_text(at);
    for change in changes.to_changes() {
        tx.execute(
            "INSERT INTO change_log (at, payload) VALUES (?1, ?2)",
            &vals![at, change.to_payload()],
        )?;
    }
    // PostgreSQL tells the consoles on every host at commit, in commit order: one
    // notification per transaction (a rolled-back one sends none).
    if tx.is_pg() {
        tx.execute(
            "SELECT pg_notify(?1, ?2)",
            &vals![CHANNEL, changes.to_notification()],
        )?;
    }
    Ok(())
}

impl Store {
    /// The seq of the newest change-log row, 0 before the first. Read it before loading
    /// what it guards: a commit in between is then reported again, never missed.
    pub fn latest_change_seq(&self) -> Result<i64> {
        self.read()?
            .query_one("SELECT coalesce(max(seq), 0) FROM change_log", &[], |r| {
                r.get(0)
            })
    }

    /// What the commits after `seq` changed, merged, and the seq to ask from next time.
    /// Everything when rows after `seq` were pruned already, when `seq` is not of this log
    /// (a database restored from a backup), or when a row names a topic this version does
    /// not know: better a full reload than a missed change.
    pub fn changes_since(&self, seq: i64) -> Result<(i64, Changes)> {
        let snapshot = self.read()?;
        let (oldest, newest): (Option<i64>, i64) = snapshot.query_one(
            "SELECT min(seq), coalesce(max(seq), 0) FROM change_log",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if newest == seq {
            return Ok((seq, Changes::new()));
        }
        // seq is never reused and every committed row takes the next one, so a first
        // row past seq + 1 means rows were pruned in between.
        if newest < seq || oldest.is_some_and(|o| o > seq.saturating_add(1)) {
            return Ok((newest, Changes::everything()));
        }
        let payloads = snapshot.query(
            "SELECT payload FROM change_log WHERE seq > ?1 ORDER BY seq",
            &vals![seq],
            |r| r.get::<String>(0),
        )?;
        let mut changes = Changes::new();
        for payload in payloads {
            match Change::from_payload(&payload) {
                Ok(change) => changes.merge(change),
                Err(_) => return Ok((newest, Changes::everything())),
            }
        }
        Ok((newest, changes))
    }
}
