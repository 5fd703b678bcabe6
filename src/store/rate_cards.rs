//! Rate cards, their versions and rows. A version's rows go in with one prepared statement
//! on SQLite and one binary COPY on PostgreSQL: a card has up to a few hundred thousand.

use super::rows::currency;
use super::sql::{Dialect, Result, Row, Tx};
use crate::domain::rate_card::{Card, RateRow, Version};
use crate::vals;

const CARD_COLUMNS: &str = "id, name, currency, created_at, created_by";
const VERSION_COLUMNS: &str = "id, effective_from, imported_at, imported_by, row_count";
const ROW_COLUMNS: &str =
    "prefix, description, rate, connection_fee, first_increment, next_increment";

fn card(r: &Row) -> Result<Card> {
    Ok(Card {
        id: r.get(0)?,
        name: r.get(1)?,
        currency: currency(r, 2)?,
        created_at: r.get(3)?,
        created_by: r.get(4)?,
    })
}

fn version(r: &Row) -> Result<Version> {
    Ok(Version {
        id: r.get(0)?,
        effective_from: r.get(1)?,
        imported_at: r.get(2)?,
        imported_by: r.get(3)?,
        row_count: r.get(4)?,
    })
}

fn rate_row(r: &Row) -> Result<RateRow> {
    Ok(RateRow {
        prefix: r.get(0)?,
        description: r.get(1)?,
        rate: r.get(2)?,
        connection_fee: r.get(3)?,
        first_increment: r.get(4)?,
        next_increment: r.get(5)?,
    })
}

/// Every card, by name: ASCII letters folded, as customers are (PostgreSQL's lower()
/// would fold every script's).
pub fn list_cards(tx: &Tx) -> Result<Vec<Card>> {
    let by_name = tx.pick(Dialect {
        sqlite: "lower(name)",
        pg: "lower(name COLLATE \"C\")",
    });
    tx.query(
        &format!("SELECT {CARD_COLUMNS} FROM rate_cards ORDER BY {by_name}"),
        &[],
        card,
    )
}

/// The card of this name, ignoring case; locked on PostgreSQL until the transaction ends.
pub fn card_named(tx: &Tx, name: &str) -> Result<Option<Card>> {
    tx.query_opt(
        &format!(
            "SELECT {CARD_COLUMNS} FROM rate_cards WHERE lower(name) = lower(?1){}",
            tx.for_update()
        ),
        &vals![name],
        card,
    )
}

pub fn insert_card(tx: &Tx, name: &str, currency: &str, now: &str, by: &str) -> Result<i64> {
    tx.query_one(
        "INSERT INTO rate_cards (name, currency, created_at, created_by) VALUES (?1, ?2, ?3, ?4)
         RETURNING id",
        &vals![name, currency, now, by],
        |r| r.get(0),
    )
}

/// A card's versions, by effective time.
pub fn card_versions(tx: &Tx, card_id: i64) -> Result<Vec<Version>> {
    tx.query(
        &format!(
            "SELECT {VERSION_COLUMNS} FROM rate_card_versions WHERE card_id = ?1
             ORDER BY effective_from"
        ),
        &vals![card_id],
        version,
    )
}

/// Every card's versions, with their card's id.
pub fn all_versions(tx: &Tx) -> Result<Vec<(i64, Version)>> {
    tx.query(
        &format!("SELECT {VERSION_COLUMNS}, card_id FROM rate_card_versions"),
        &[],
        |r| Ok((r.get(5)?, version(r)?)),
    )
}

/// A new version of a card with its rows (sorted by prefix, each prefix once).
pub fn insert_version(
    tx: &Tx,
    card_id: i64,
    effective_from: i64,
    rows: &[RateRow],
    now: &str,
    by: &str,
) -> Result<i64> {
    let id: i64 = tx.query_one(
        "INSERT INTO rate_card_versions (card_id, effective_from, imported_at, imported_by, row_count)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        &vals![card_id, effective_from, now, by, rows.len() as i64],
        |r| r.get(0),
    )?;
    if let Some(conn) = tx.sqlite() {
        let mut insert = conn.prepare_cached(&format!(
            "INSERT INTO rate_card_rows (version_id, {ROW_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        ))?;
        for r in rows {
            insert.execute(rusqlite::params![
                id,
                r.prefix,
                r.description,
                r.rate,
                r.connection_fee,
                r.first_increment,
                r.next_increment
            ])?;
        }
        return Ok(id);
    }
    use postgres::types::Type;
    let types = [
        Type::INT8,
        Type::TEXT,
        Type::TEXT,
        Type::INT8,
        Type::INT8,
        Type::INT8,
        Type::INT8,
    ];
    let copy = format!("COPY rate_card_rows (version_id, {ROW_COLUMNS}) FROM STDIN BINARY");
    tx.pg_copy_in(&copy, &types, |out| {
        for r in rows {
            out.write(&[
                &id,
                &r.prefix,
                &r.description,
                &r.rate,
                &r.connection_fee,
                &r.first_increment,
                &r.next_increment,
            ])?;
        }
        Ok(())
    })
    .expect("a PostgreSQL transaction")?;
    Ok(id)
}

/// A version's rows, by prefix.
pub fn version_rows(tx: &Tx, version_id: i64) -> Result<Vec<RateRow>> {
    let mut rows = tx.query(
        &format!("SELECT {ROW_COLUMNS} FROM rate_card_rows WHERE version_id = ?1"),
        &vals![version_id],
        rate_row,
    )?;
    // Digits sort alike in every collation, but the order is ours to be sure of.
    rows.sort_unstable_by(|a, b| a.prefix.cmp(&b.prefix));
    Ok(rows)
}

/// The rows of a version whose prefix is one of `prefixes`: the few a number can match.
pub fn rows_with_prefixes(tx: &Tx, version_id: i64, prefixes: &[&str]) -> Result<Vec<RateRow>> {
    let list: Vec<String> = (0..prefixes.len()).map(|i| format!("?{}", i + 2)).collect();
    let mut params = vals![version_id].to_vec();
    params.extend(prefixes.iter().map(|&p| p.into()));
    tx.query(
        &format!(
            "SELECT {ROW_COLUMNS} FROM rate_card_rows WHERE version_id = ?1 AND prefix IN ({})",
            list.join(", ")
        ),
        &params,
        rate_row,
    )
}

/// The customers a card is assigned to (at any time), as (id, name).
pub fn customers_of_card(tx: &Tx, card_id: i64) -> Result<Vec<(i64, String)>> {
    tx.query(
        "SELECT DISTINCT c.id, c.name FROM customer_rate_cards a JOIN customers c ON c.id = a.customer_id
         WHERE a.card_id = ?1 ORDER BY c.id",
        &vals![card_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The settings whose value names the card (`default_cost_card`, `provider_card.NAME`).
pub fn settings_naming_card(tx: &Tx, name: &str) -> Result<Vec<String>> {
    tx.query(
        "SELECT key FROM settings WHERE lower(value) = lower(?1)
         AND (key = 'default_cost_card' OR key LIKE 'provider_card.%') ORDER BY key",
        &vals![name],
        |r| r.get(0),
    )
}

/// Deletes a card with its versions and rows (the rows have no foreign key to cascade).
pub fn delete_card(tx: &Tx, card_id: i64) -> Result<bool> {
    tx.execute(
        "DELETE FROM rate_card_rows WHERE version_id IN
         (SELECT id FROM rate_card_versions WHERE card_id = ?1)",
        &vals![card_id],
    )?;
    Ok(tx.execute("DELETE FROM rate_cards WHERE id = ?1", &vals![card_id])? == 1)
}
