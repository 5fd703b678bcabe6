//! `carrierdesk summary`: the Summary tab's views for scripts.

use crate::domain::summary::Period;
use crate::domain::summary_table::SummaryColumn;
use crate::service::Service;
use crate::spreadsheet;
use clap::Args;
use serde::Serialize;
use std::io::Write;

#[derive(Args, Debug)]
pub struct SummaryArgs {
    /// The customer's id.
    #[arg(long)]
    customer: i64,
    /// 24h (hour by hour), daily, weekly (ISO weeks) or monthly; all in UTC.
    #[arg(long, default_value = "daily", value_parser = parse_period)]
    period: Period,
    /// JSON array on stdout.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// CSV with a header row naming the units.
    #[arg(long)]
    csv: bool,
}

fn parse_period(s: &str) -> Result<Period, String> {
    Period::parse(s)
        .ok_or_else(|| format!("'{s}' is not a period: use 24h, daily, weekly or monthly"))
}

/// One row for scripts: counts as numbers, money as exact decimal strings.
#[derive(Serialize)]
struct Row {
    period: String,
    attempts: i64,
    connected: i64,
    duration_s: i64,
    billed_s: i64,
    charge: String,
    cost: String,
    profit: String,
    asr: Option<f64>,
    acd_s: Option<f64>,
    profit_percent: Option<f64>,
    currency: &'static str,
}

pub fn run(service: &Service, args: SummaryArgs) -> anyhow::Result<()> {
    let customer = service.customer(args.customer)?;
    let cur = customer.currency;
    let rows = service.summary(args.customer, args.period, chrono::Utc::now().timestamp())?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let round = |v: Option<f64>| v.map(|v| (v * 100.0).round() / 100.0);
        let listed: Vec<Row> = rows
            .iter()
            .map(|r| {
                let t = &r.traffic;
                Row {
                    period: args.period.label(r.start),
                    attempts: t.attempts,
                    connected: t.connected,
                    duration_s: t.duration_s,
                    billed_s: t.billed_s,
                    charge: cur.exact(t.charge),
                    cost: cur.exact(t.cost),
                    profit: cur.exact(t.profit()),
                    asr: round(t.asr()),
                    acd_s: round(t.acd()),
                    profit_percent: round(t.profit_percent()),
                    currency: cur.code(),
                }
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &listed)?;
        writeln!(out)?;
    } else if args.csv {
        let mut w = spreadsheet::Writer::from_writer(out);
        w.write_record(SummaryColumn::ALL.map(|c| c.header_with_unit(cur)))?;
        for r in &rows {
            w.write_record(SummaryColumn::ALL.map(|c| c.plain(r, args.period, cur)))?;
        }
        w.flush()?;
    } else {
        writeln!(
            out,
            "{} (#{}), {} view, UTC, money in {}",
            customer.name,
            customer.id,
            args.period.view_name(),
            cur.code()
        )?;
        let line = |cells: [String; 10]| {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == 0 {
                        format!("{c:<16}")
                    } else {
                        format!("{c:>12}")
                    }
                })
                .collect::<String>()
        };
        writeln!(
            out,
            "{}",
            line(SummaryColumn::ALL.map(|c| c.header().to_string()))
        )?;
        for r in &rows {
            writeln!(
                out,
                "{}",
                line(SummaryColumn::ALL.map(|c| c.display(r, args.period, cur, None)))
            )?;
        }
    }
    Ok(())
}
