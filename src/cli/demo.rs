//! `carrierdesk demo`: builds a demo database of any size.

use super::count;
use crate::service::Service;
use crate::service::demo::{DemoSpec, generate};
use clap::{Args, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::Path;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub sample: Option<DemoSample>,
    /// How many customers.
    #[arg(long, default_value_t = 200)]
    customers: usize,
    /// Days of hourly traffic up to now.
    #[arg(long, default_value_t = 90)]
    days: u32,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

#[derive(Subcommand, Debug)]
pub enum DemoSample {
    /// Write a believable Asterisk Master.csv for the demo customers: carrierdesk demo cdrs --out Master.csv --rows 1000000
    Cdrs(super::import_cmd::DemoCdrsArgs),
}

pub fn run(path: &Path, args: DemoArgs) -> anyhow::Result<()> {
    let mut service = Service::open(path)?;
    let existing = service.store().customer_count()?;
    if existing > 0 {
        anyhow::bail!(
            "{} already holds {existing} customers; give a new file to fill",
            path.display()
        );
    }
    let spec = DemoSpec {
        customers: args.customers,
        days: args.days,
        seed: args.seed,
        now: chrono::Utc::now().timestamp(),
    };
    let started = std::time::Instant::now();
    let tty = std::io::stderr().is_terminal();
    let report = generate(&mut service, spec, &mut |done, total| {
        if tty {
            eprint!("\r{done} of {total} customers");
        }
    })?;
    if tty {
        eprintln!();
    }
    writeln!(
        std::io::stdout().lock(),
        "{}: {}, {}, {} from {}, in {:.1} s",
        path.display(),
        count(report.customers, "customer"),
        count(report.contacts, "contact"),
        count(report.hourly_rows, "hourly summary row"),
        count(report.calls, "simulated call"),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
