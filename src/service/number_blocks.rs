//! Handing out and releasing internal number blocks.

use super::{Result, Service, ServiceError, commit};
use crate::domain::number_block::{extension, next_free};
use crate::domain::{Actor, Change, NumberBlock, Topic, Verb};
use crate::store::{self, NewAudit, Tx};
use serde_json::json;

/// The settings a block is cut by; both must be set.
const RANGE_SETTINGS: [&str; 2] = ["number_range_start", "block_size"];

impl Service {
    /// A customer's blocks, or every customer's, by their first number.
    pub fn number_blocks(&self, customer_id: Option<i64>) -> Result<Vec<NumberBlock>> {
        if let Some(id) = customer_id {
            self.customer(id)?;
        }
        Ok(self.store.number_blocks(customer_id)?)
    }

    /// Gives the customer the lowest free block of `block_size` numbers from
    /// `number_range_start`; a released block is handed out again first. Two operators
    /// assigning at once get different blocks: the blocks are read under a lock held to
    /// commit (SQLite's write lock; an advisory lock on PostgreSQL).
    pub fn assign_block(&mut self, actor: &Actor, customer_id: i64) -> Result<NumberBlock> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let customer =
            store::get_customer(&tx, customer_id)?.ok_or(ServiceError::NotFound(customer_id))?;
        let [start, size] = range_settings(&tx)?;
        let taken = store::blocks_for_assignment(&tx)?;
        let (first, last) = next_free(start, size, &taken).map_err(ServiceError::Setting)?;
        let mut block = NumberBlock {
            id: 0,
            customer_id,
            first,
            last,
        };
        block.id = store::insert_number_block(&tx, &block, &now)?;
        NewAudit {
            actor,
            verb: Verb::Post,
            table: "number_blocks",
            row_id: block.id,
            customer_id: Some(customer_id),
            message: &format!("Assign number block {} to {}", block.range(), customer.name),
            data: &json!({ "first": first, "last": last }),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [customer_id])])?;
        Ok(block)
    }

    /// Takes a block back, so that it can be handed out again; refused while a SIP user of
    /// its customer has an extension in it (they are named).
    pub fn release_block(&mut self, actor: &Actor, block_id: i64) -> Result<NumberBlock> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let block = store::get_block(&tx, block_id)?.ok_or(ServiceError::Missing {
            what: "number block",
            id: block_id,
        })?;
        // Any customer's: a SIP user written before the block was assigned may lie in it.
        let inside: Vec<String> = store::list_sip_users(&tx, None)?
            .into_iter()
            .filter(|u| extension(&u.spec.username).is_some_and(|n| block.contains(n)))
            .map(|u| u.spec.username)
            .collect();
        if !inside.is_empty() {
            return Err(ServiceError::Invalid {
                field: "number block",
                message: format!(
                    "{} still holds SIP users {}; delete them or give them other extensions first",
                    block.range(),
                    inside.join(", ")
                ),
            });
        }
        store::delete_block(&tx, block_id)?;
        NewAudit {
            actor,
            verb: Verb::Delete,
            table: "number_blocks",
            row_id: block.id,
            customer_id: Some(block.customer_id),
            message: &format!("Release number block {}", block.range()),
            data: &json!({ "first": block.first, "last": block.last }),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::ids(Topic::Contacts, [block.customer_id])])?;
        Ok(block)
    }
}

/// `number_range_start` and `block_size`, or a refusal naming the one to fill in.
fn range_settings(tx: &Tx) -> Result<[i64; 2]> {
    let mut values = [0; 2];
    for (value, key) in values.iter_mut().zip(RANGE_SETTINGS) {
        let stored = store::setting_for_update(tx, key)?.and_then(|s| s.value);
        *value = stored.and_then(|v| v.parse().ok()).ok_or_else(|| {
            ServiceError::Setting(format!(
                "no number block can be assigned until {key} is set (Settings screen, or: carrierdesk settings set {key} 1000)"
            ))
        })?;
    }
    Ok(values)
}
