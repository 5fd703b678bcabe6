//! `carrierdesk rerate`: a customer's stored calls priced again after a card changed.

use super::import_cmd::CustomerPeriod;
use crate::domain::{Actor, count};
use crate::service::Service;
use crate::text::Printable;
use std::io::Write;

/// `carrierdesk rerate --customer ID --from DATE --to DATE`
pub type RerateArgs = CustomerPeriod;

/// Rates the calls again in one transaction and says what changed, after the commit.
pub fn run(service: &mut Service, actor: &Actor, args: RerateArgs) -> anyhow::Result<()> {
    let customer = service.customer(args.customer)?;
    let r = service.rerate(actor, args.customer, args.from, args.to)?;
    let money = |m: i64| format!("{} {}", customer.currency.exact(m), customer.currency);
    let mut out = Printable(std::io::stdout().lock());
    writeln!(
        out,
        "{} (#{}): {} re-rated, {} changed",
        customer.name,
        customer.id,
        count(r.calls, "call"),
        r.changed
    )?;
    writeln!(
        out,
        "  charge {} → {}",
        money(r.charge_before),
        money(r.charge_after)
    )?;
    writeln!(
        out,
        "  cost   {} → {}",
        money(r.cost_before),
        money(r.cost_after)
    )?;
    if r.priced_by_file > 0 {
        writeln!(
            out,
            "  {} priced in their file: kept",
            count(r.priced_by_file, "call")
        )?;
    }
    writeln!(out, "  unrated {}", r.unrated)?;
    writeln!(out, "  cost unknown {}", r.cost_unknown)?;
    Ok(())
}
