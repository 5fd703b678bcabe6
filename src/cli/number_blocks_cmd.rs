//! `carrierdesk number-blocks`: the internal number blocks customers' extensions come from.

use crate::domain::Actor;
use crate::service::Service;
use crate::text::Printable;
use clap::Subcommand;
use std::io::Write;

#[derive(Subcommand, Debug)]
pub enum NumberBlocksCommand {
    /// Every customer's blocks, or one customer's, by their first number.
    List {
        /// Only this customer's blocks.
        #[arg(long, value_name = "ID")]
        customer: Option<i64>,
        /// A JSON array: id, customer_id, first, last.
        #[arg(long)]
        json: bool,
    },
    /// Give a customer the next free block (settings number_range_start and block_size):
    /// a released block first, lowest first.
    Assign {
        #[arg(value_name = "CUSTOMER")]
        customer: i64,
    },
    /// Take a block back so that it can be handed out again; refused while a SIP user of
    /// its customer has an extension in it. Assigning gives it back.
    Release {
        #[arg(value_name = "BLOCK_ID")]
        id: i64,
    },
}

pub fn run(service: &mut Service, actor: &Actor, cmd: NumberBlocksCommand) -> anyhow::Result<()> {
    let (block, done) = match cmd {
        NumberBlocksCommand::List { customer, json } => return list(service, customer, json),
        NumberBlocksCommand::Assign { customer } => {
            (service.assign_block(actor, customer)?, "assigned to")
        }
        NumberBlocksCommand::Release { id } => (service.release_block(actor, id)?, "released from"),
    };
    writeln!(
        Printable(std::io::stdout().lock()),
        "number block {} (#{}) {done} {}",
        block.range(),
        block.id,
        customer_label(service, block.customer_id)
    )?;
    Ok(())
}

fn list(service: &Service, customer: Option<i64>, json: bool) -> anyhow::Result<()> {
    let blocks = service.number_blocks(customer)?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &blocks)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{:>7}  {:>8}  RANGE", "ID", "CUSTOMER")?;
    for b in &blocks {
        writeln!(out, "{:>7}  {:>8}  {}", b.id, b.customer_id, b.range())?;
    }
    Ok(())
}

/// "Atlas Networks (#3)", for a line about a change already made: a customer deleted
/// meanwhile is named by its id rather than turned into an error.
pub(super) fn customer_label(service: &Service, id: i64) -> String {
    service.customer(id).map_or_else(
        |_| format!("customer #{id}"),
        |c| format!("{} (#{id})", c.name),
    )
}
