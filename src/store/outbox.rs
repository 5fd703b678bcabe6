//! The outbox: messages queued in the transaction that decided to send them, claimed by
//! senders under a lease, and their outcome.

use super::Store;
use super::sql::{Dialect, Error, Result, Row, Tx, Value};
use crate::domain::message::{Kind, Outgoing, Status};
use crate::vals;

const COLUMNS: &str = "id, kind, customer_id, contact_id, recipient, subject, body, message_id, \
    status, reason, attempts, next_at, queued_by, created_at, sent_at";

fn outgoing(row: &Row) -> Result<Outgoing> {
    let text = |col: usize| row.get::<String>(col);
    Ok(Outgoing {
        id: row.get(0)?,
        kind: Kind::parse(&text(1)?).ok_or_else(|| Error::column(1, "kind".to_string()))?,
        customer_id: row.get(2)?,
        contact_id: row.get(3)?,
        recipient: text(4)?,
        subject: text(5)?,
        body: text(6)?,
        message_id: text(7)?,
        status: Status::parse(&text(8)?).ok_or_else(|| Error::column(8, "status".to_string()))?,
        reason: text(9)?,
        attempts: row.get(10)?,
        next_at: row.get(11)?,
        queued_by: text(12)?,
        created_at: text(13)?,
        sent_at: row.get(14)?,
    })
}

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub kind: Kind,
    pub customer_id: i64,
    pub contact_id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
}

/// Queues messages, to be tried from `now` (unix seconds); `queued_by` is the operator.
pub fn enqueue(
    tx: &Tx,
    messages: &[NewMessage],
    queued_by: &str,
    now: i64,
    now_text: &str,
) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(messages.len());
    for m in messages {
        let values: Vec<Value> = vec![
            m.kind.key().into(),
            m.customer_id.into(),
            m.contact_id.into(),
            m.recipient.as_str().into(),
            m.subject.as_str().into(),
            m.body.as_str().into(),
            m.message_id.as_str().into(),
            now.into(),
            queued_by.into(),
            now_text.into(),
        ];
        ids.push(tx.query_one(
            "INSERT INTO outbox (kind, customer_id, contact_id, recipient, subject, body,
                    message_id, status, next_at, queued_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?8, ?9, ?10) RETURNING id",
            &values,
            |r| r.get(0),
        )?);
    }
    Ok(ids)
}

/// Records a message that was handed to its server at once rather than queued (a portal
/// password mailed by the process that made it): its recipient and outcome, with `body`
/// saying what it was, never the secret it carried.
pub fn record_sent_now(
    tx: &Tx,
    m: &NewMessage,
    outcome: (Status, &str),
    queued_by: &str,
    now: i64,
    now_text: &str,
) -> Result<i64> {
    let (status, reason) = outcome;
    let sent_at = (status == Status::Sent).then_some(now_text);
    let values: Vec<Value> = vec![
        m.kind.key().into(),
        m.customer_id.into(),
        m.contact_id.into(),
        m.recipient.as_str().into(),
        m.subject.as_str().into(),
        m.body.as_str().into(),
        m.message_id.as_str().into(),
        status.key().into(),
        reason.into(),
        now.into(),
        queued_by.into(),
        now_text.into(),
        sent_at.into(),
    ];
    tx.query_one(
        "INSERT INTO outbox (kind, customer_id, contact_id, recipient, subject, body,
                message_id, status, reason, attempts, next_at, queued_by, created_at, sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11, ?12, ?13) RETURNING id",
        &values,
        |r| r.get(0),
    )
}

/// Claims up to `limit` messages of `kinds` that are due at `now`: queued ones whose time
/// has come, and ones a sender claimed whose lease ran out (it died). They become
/// `sending`, leased to `sender` until `lease_until`, one more attempt counted. On
/// PostgreSQL rows another sender is claiming are skipped, not waited for.
pub fn claim(
    tx: &Tx,
    kinds: &[Kind],
    sender: &str,
    now: i64,
    lease_until: i64,
    limit: usize,
) -> Result<Vec<Outgoing>> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let lock = tx.pick(Dialect {
        sqlite: "",
        pg: "FOR UPDATE SKIP LOCKED",
    });
    let kinds_in: Vec<String> = kinds.iter().map(|k| format!("'{}'", k.key())).collect();
    let sql = format!(
        "SELECT id FROM outbox
         WHERE kind IN ({}) AND ((status = 'queued' AND next_at <= ?1)
                                 OR (status = 'sending' AND lease_until < ?1))
         ORDER BY next_at, id LIMIT ?2 {lock}",
        kinds_in.join(", ")
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let ids: Vec<i64> = tx.query(&sql, &vals![now, limit], |r| r.get(0))?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        tx.execute(
            "UPDATE outbox SET status = 'sending', lease_until = ?2, sender = ?3,
                    attempts = attempts + 1
             WHERE id = ?1",
            &vals![id, lease_until, sender],
        )?;
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1");
        claimed.push(tx.query_one(&sql, &vals![id], outgoing)?);
    }
    Ok(claimed)
}

/// How a claimed message ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish<'a> {
    Sent {
        answer: &'a str,
        at: &'a str,
    },
    /// Queued again, to be tried from `at` (unix seconds).
    Retry {
        reason: &'a str,
        at: i64,
    },
    Failed {
        reason: &'a str,
    },
}

/// Records how message `id` ended, if `sender` still holds it (its lease not taken over);
/// false when another sender took it over meanwhile.
pub fn finish(tx: &Tx, id: i64, sender: &str, how: &Finish) -> Result<bool> {
    let n = match how {
        Finish::Sent { answer, at } => tx.execute(
            "UPDATE outbox SET status = 'sent', reason = ?3, sent_at = ?4, lease_until = NULL
             WHERE id = ?1 AND sender = ?2 AND status = 'sending'",
            &vals![id, sender, *answer, *at],
        )?,
        Finish::Retry { reason, at } => tx.execute(
            "UPDATE outbox SET status = 'queued', reason = ?3, next_at = ?4, lease_until = NULL
             WHERE id = ?1 AND sender = ?2 AND status = 'sending'",
            &vals![id, sender, *reason, *at],
        )?,
        Finish::Failed { reason } => tx.execute(
            "UPDATE outbox SET status = 'failed', reason = ?3, lease_until = NULL
             WHERE id = ?1 AND sender = ?2 AND status = 'sending'",
            &vals![id, sender, *reason],
        )?,
    };
    Ok(n == 1)
}

/// Extends `sender`'s lease on message `id` to `lease_until`, if it still holds it; false
/// when another sender took it over after the lease ran out. Asked before each message of a
/// round is handed to its server: a round can outlast the lease it was claimed under, and
/// the messages taken over meanwhile are the other sender's to deliver.
fn renew(tx: &Tx, id: i64, sender: &str, lease_until: i64) -> Result<bool> {
    let n = tx.execute(
        "UPDATE outbox SET lease_until = ?3 WHERE id = ?1 AND sender = ?2 AND status = 'sending'",
        &vals![id, sender, lease_until],
    )?;
    Ok(n == 1)
}

/// Messages not yet sent or failed, and those created since `since` (RFC 3339 UTC), newest
/// first; only those in `status` when given.
pub fn list(tx: &Tx, status: Option<Status>, since: &str, limit: usize) -> Result<Vec<Outgoing>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox
         WHERE (status IN ('queued', 'sending') OR created_at >= ?1)
           AND (CAST(?2 AS TEXT) IS NULL OR status = ?2)
         ORDER BY id DESC LIMIT ?3"
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    tx.query(
        &sql,
        &vals![since, status.map(|s| s.key()), limit],
        outgoing,
    )
}

impl Store {
    /// `renew` in a transaction of its own: a lease changes nothing another console shows.
    pub(crate) fn renew_outbox_lease(
        &mut self,
        id: i64,
        sender: &str,
        lease_until: i64,
    ) -> Result<bool> {
        let tx = self.write()?;
        let held = renew(&tx, id, sender, lease_until)?;
        tx.commit()?;
        Ok(held)
    }

    pub fn outbox(
        &self,
        status: Option<Status>,
        since: &str,
        limit: usize,
    ) -> Result<Vec<Outgoing>> {
        list(&self.read()?, status, since, limit)
    }
}
