//! `carrierdesk customers ...`

use crate::domain::{BoardRow, Status};
use crate::service::Service;
use clap::{Args, Subcommand};
use serde::Serialize;
use std::io::Write;

#[derive(Subcommand, Debug)]
pub enum CustomersCommand {
    /// List customers with their limits and last-24-hour traffic.
    List(ListArgs),
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// JSON array on stdout.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// CSV with a header row on stdout.
    #[arg(long)]
    csv: bool,
    /// Only customers with this status (active, inactive, pending, penalty).
    #[arg(long, value_parser = parse_status)]
    status: Option<Status>,
}

fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s)
        .ok_or_else(|| format!("'{s}' is not a status: use active, inactive, pending or penalty"))
}

/// One customer as scripts see it. Money is a plain decimal string, exact.
#[derive(Serialize)]
struct Listed {
    id: i64,
    name: String,
    status: &'static str,
    currency: &'static str,
    balance: String,
    debit_limit: String,
    channels: u32,
    channels_in_use: u32,
    cps: u32,
    last_call_at: Option<String>,
    asr_24h: Option<String>,
    acd_24h_s: Option<String>,
}

impl From<&BoardRow> for Listed {
    fn from(r: &BoardRow) -> Listed {
        Listed {
            id: r.id,
            name: r.name.clone(),
            status: r.status.key(),
            currency: r.currency.code(),
            balance: r.currency.plain(r.balance),
            debit_limit: r.currency.plain(r.debit_limit),
            channels: r.channels,
            channels_in_use: r.channels_in_use,
            cps: r.cps,
            last_call_at: r
                .last_call
                .and_then(|t| chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0))
                .map(crate::store::time_text),
            asr_24h: r.asr_24h().map(|a| format!("{a:.2}")),
            acd_24h_s: r.acd_24h().map(|a| format!("{a:.1}")),
        }
    }
}

pub fn run(service: &Service, cmd: CustomersCommand) -> anyhow::Result<()> {
    match cmd {
        CustomersCommand::List(args) => list(service, args),
    }
}

fn list(service: &Service, args: ListArgs) -> anyhow::Result<()> {
    let rows = service.board(chrono::Utc::now().timestamp())?;
    let listed: Vec<Listed> = rows
        .iter()
        .filter(|r| args.status.is_none_or(|s| r.status == s))
        .map(Listed::from)
        .collect();
    let out = std::io::stdout().lock();
    if args.json {
        let mut out = out;
        serde_json::to_writer_pretty(&mut out, &listed)?;
        writeln!(out)?;
    } else if args.csv {
        let mut w = csv::Writer::from_writer(out);
        for row in &listed {
            w.serialize(row)?;
        }
        w.flush()?;
    } else {
        let mut out = out;
        writeln!(
            out,
            "{:>7}  {:<36} {:<9} {:>14} {:>3} {:>9}",
            "ID", "NAME", "STATUS", "BALANCE", "CUR", "CHANNELS"
        )?;
        for r in &listed {
            writeln!(
                out,
                "{:>7}  {:<36} {:<9} {:>14} {:>3} {:>9}",
                r.id,
                r.name,
                r.status,
                r.balance,
                r.currency,
                format!("{}/{}", r.channels_in_use, r.channels)
            )?;
        }
    }
    Ok(())
}
