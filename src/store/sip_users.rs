//! SIP users: their fields, and their password digests, which only the switch export reads.

use super::Store;
use super::sql::{Error, Result, Row, Tx};
use crate::domain::sip_user::{Codec, NatPing, Protocol};
use crate::domain::{SipUser, SipUserSpec, ip_list};
use crate::vals;

const COLUMNS: &str = "id, customer_id, username, channels, cps, protocol, ip_whitelist, \
    nat_ping_s, codecs, password_realm, version, created_at, updated_at";

fn sip_user(row: &Row) -> Result<SipUser> {
    let text = |col: usize| row.get::<String>(col);
    let stored = |col: usize, what: &str, e: String| Error::column(col, format!("{what}: {e}"));
    Ok(SipUser {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        spec: SipUserSpec {
            username: text(2)?,
            channels: row.get(3)?,
            cps: row.get(4)?,
            protocol: Protocol::parse(&text(5)?).map_err(|e| stored(5, "protocol", e))?,
            whitelist: ip_list::parse(&text(6)?).map_err(|e| stored(6, "ip whitelist", e))?,
            nat_ping: NatPing::from_column(row.get(7)?),
            codecs: Codec::parse_list(&text(8)?).map_err(|e| stored(8, "codecs", e))?,
        },
        password_realm: row.get(9)?,
        version: row.get(10)?,
        created_at: text(11)?,
        updated_at: text(12)?,
    })
}

/// A customer's SIP users, or every customer's, by username.
pub fn list_sip_users(tx: &Tx, customer_id: Option<i64>) -> Result<Vec<SipUser>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sip_users WHERE CAST(?1 AS BIGINT) IS NULL OR customer_id = ?1 ORDER BY username"
    );
    tx.query(&sql, &vals![customer_id], sip_user)
}

pub fn get_sip_users(tx: &Tx, customer_id: i64) -> Result<Vec<SipUser>> {
    list_sip_users(tx, Some(customer_id))
}

/// One SIP user, locked on PostgreSQL until the transaction ends.
pub fn get_sip_user(tx: &Tx, id: i64) -> Result<Option<SipUser>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sip_users WHERE id = ?1{}",
        tx.for_update()
    );
    tx.query_opt(&sql, &vals![id], sip_user)
}

/// The channels of a customer's SIP users, added up.
pub fn sip_channel_sum(tx: &Tx, customer_id: i64) -> Result<u64> {
    let sum: i64 = tx.query_one(
        "SELECT CAST(COALESCE(SUM(channels), 0) AS BIGINT) FROM sip_users WHERE customer_id = ?1",
        &vals![customer_id],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(sum).unwrap_or(0))
}

/// The SIP user, other than `own`, whose username is `username` ignoring case, with its
/// customer's id and name: usernames are unique across the whole account.
pub fn sip_username_holder(
    tx: &Tx,
    username: &str,
    own: Option<i64>,
) -> Result<Option<(i64, i64, String)>> {
    tx.query_opt(
        "SELECT s.id, s.customer_id, c.name FROM sip_users s JOIN customers c ON c.id = s.customer_id
         WHERE lower(s.username) = lower(?1) AND (CAST(?2 AS BIGINT) IS NULL OR s.id <> ?2)",
        &vals![username, own],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

fn spec_values(spec: &SipUserSpec) -> [super::sql::Value; 7] {
    [
        spec.username.as_str().into(),
        i64::from(spec.channels).into(),
        i64::from(spec.cps).into(),
        spec.protocol.key().into(),
        ip_list::format(&spec.whitelist).into(),
        spec.nat_ping.to_column().into(),
        Codec::list_text(&spec.codecs).into(),
    ]
}

pub fn insert_sip_user(tx: &Tx, customer_id: i64, spec: &SipUserSpec, now: &str) -> Result<i64> {
    let mut values = vec![customer_id.into(), now.into()];
    values.extend(spec_values(spec));
    tx.query_one(
        "INSERT INTO sip_users (customer_id, created_at, updated_at, username, channels, cps,
                               protocol, ip_whitelist, nat_ping_s, codecs)
         VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
        &values,
        |r| r.get(0),
    )
}

/// Writes the fields if the row is still at `version`; false when another change came first.
pub fn update_sip_user(
    tx: &Tx,
    id: i64,
    version: i64,
    spec: &SipUserSpec,
    now: &str,
) -> Result<bool> {
    let mut values = vec![id.into(), version.into(), now.into()];
    values.extend(spec_values(spec));
    Ok(tx.execute(
        "UPDATE sip_users SET username = ?4, channels = ?5, cps = ?6, protocol = ?7,
                ip_whitelist = ?8, nat_ping_s = ?9, codecs = ?10,
                version = version + 1, updated_at = ?3
         WHERE id = ?1 AND version = ?2",
        &values,
    )? == 1)
}

/// Keeps a new password as its digests and the realm they were computed for.
pub fn set_sip_digests(tx: &Tx, id: i64, digests: &Digests, now: &str) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE sip_users SET ha1 = ?2, ha1b = ?3, password_realm = ?4,
                version = version + 1, updated_at = ?5
         WHERE id = ?1",
        &vals![
            id,
            digests.ha1.as_str(),
            digests.ha1b.as_str(),
            digests.realm.as_str(),
            now
        ],
    )? == 1)
}

/// Drops a password whose digests no longer fit the SIP user (its username changed).
pub fn clear_sip_digests(tx: &Tx, id: i64) -> Result<()> {
    tx.execute(
        "UPDATE sip_users SET ha1 = NULL, ha1b = NULL, password_realm = NULL WHERE id = ?1",
        &vals![id],
    )?;
    Ok(())
}

pub fn delete_sip_user(tx: &Tx, id: i64) -> Result<bool> {
    Ok(tx.execute("DELETE FROM sip_users WHERE id = ?1", &vals![id])? == 1)
}

/// A password as a registrar checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    pub ha1: String,
    pub ha1b: String,
    pub realm: String,
}

/// The SIP users of Active customers with their customer's name and their digests (None
/// without a password), for a switch: the only read of the digests.
pub fn sip_users_for_switch(tx: &Tx) -> Result<Vec<(SipUser, String, Option<Digests>)>> {
    let columns: String = COLUMNS
        .split(", ")
        .map(|c| format!("s.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns}, c.name, s.ha1, s.ha1b FROM sip_users s JOIN customers c ON c.id = s.customer_id
         WHERE c.status = 'active' ORDER BY s.username"
    );
    tx.query(&sql, &[], |r| {
        let user = sip_user(r)?;
        let name: String = r.get(13)?;
        let ha1: Option<String> = r.get(14)?;
        let ha1b: Option<String> = r.get(15)?;
        let digests = match (ha1, ha1b, &user.password_realm) {
            (Some(ha1), Some(ha1b), Some(realm)) => Some(Digests {
                ha1,
                ha1b,
                realm: realm.clone(),
            }),
            _ => None,
        };
        Ok((user, name, digests))
    })
}

impl Store {
    pub fn sip_users(&self, customer_id: Option<i64>) -> Result<Vec<SipUser>> {
        list_sip_users(&self.read()?, customer_id)
    }

    pub fn sip_user(&self, id: i64) -> Result<Option<SipUser>> {
        get_sip_user(&self.read()?, id)
    }
}
