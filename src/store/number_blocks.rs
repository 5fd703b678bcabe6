//! Internal number blocks: who holds which range of extensions.

use super::Store;
use super::rows::number_block;
use super::sql::{Result, Tx};
use crate::domain::NumberBlock;
use crate::vals;

/// Any number, the same in every carrierdesk: on PostgreSQL, handing out a block takes this
/// lock until commit, so that two operators pressing `+` at once get different blocks (on
/// SQLite the write lock already serialises them).
const PG_BLOCKS_LOCK: i64 = 0x0062_6c6f_636b_7321;

const COLUMNS: &str = "id, customer_id, first, last";

/// Every block of every customer, read to choose the next one: locked against another
/// assignment until this transaction ends.
pub fn blocks_for_assignment(tx: &Tx) -> Result<Vec<NumberBlock>> {
    if tx.is_pg() {
        tx.execute("SELECT pg_advisory_xact_lock(?1)", &vals![PG_BLOCKS_LOCK])?;
    }
    tx.query(
        &format!("SELECT {COLUMNS} FROM number_blocks ORDER BY first"),
        &[],
        number_block,
    )
}

/// A customer's blocks, or every customer's, by their first number.
pub fn list_blocks(tx: &Tx, customer_id: Option<i64>) -> Result<Vec<NumberBlock>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM number_blocks WHERE CAST(?1 AS BIGINT) IS NULL OR customer_id = ?1 ORDER BY first"
    );
    tx.query(&sql, &vals![customer_id], number_block)
}

pub fn get_number_blocks(tx: &Tx, customer_id: i64) -> Result<Vec<NumberBlock>> {
    list_blocks(tx, Some(customer_id))
}

/// One block, locked on PostgreSQL until the transaction ends.
pub fn get_block(tx: &Tx, id: i64) -> Result<Option<NumberBlock>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM number_blocks WHERE id = ?1{}",
        tx.for_update()
    );
    tx.query_opt(&sql, &vals![id], number_block)
}

/// The block that holds extension `n`, with its customer's name.
pub fn block_holding(tx: &Tx, n: i64) -> Result<Option<(NumberBlock, String)>> {
    tx.query_opt(
        "SELECT b.id, b.customer_id, b.first, b.last, c.name
         FROM number_blocks b JOIN customers c ON c.id = b.customer_id
         WHERE b.first <= ?1 AND b.last >= ?1",
        &vals![n],
        |r| Ok((number_block(r)?, r.get(4)?)),
    )
}

pub fn insert_number_block(tx: &Tx, b: &NumberBlock, now: &str) -> Result<i64> {
    tx.query_one(
        "INSERT INTO number_blocks (customer_id, first, last, created_at) VALUES (?1, ?2, ?3, ?4)
         RETURNING id",
        &vals![b.customer_id, b.first, b.last, now],
        |r| r.get(0),
    )
}

pub fn delete_block(tx: &Tx, id: i64) -> Result<bool> {
    Ok(tx.execute("DELETE FROM number_blocks WHERE id = ?1", &vals![id])? == 1)
}

impl Store {
    pub fn number_blocks(&self, customer_id: Option<i64>) -> Result<Vec<NumberBlock>> {
        list_blocks(&self.read()?, customer_id)
    }
}
