//! The command line: the console itself, and headless subcommands for scripts and cron.
//! Errors print on stderr, one line each, and the exit code says what kind of failure it was:
//!
//! - 0: done (or nothing to do)
//! - 1: error: a database or file problem, a customer (or rate card) that does not exist
//! - 2: usage: the command line is wrong (clap's own code; also a bad --filter or --set, an
//!   empty --filter without --all, a missing --yes, no field to change)
//! - 3: refused: the change breaks a rule (validation, a name taken, a customer that must be
//!   kept, problems in an import, a scheduled change that failed); nothing changed. Also an
//!   audit log whose chain is broken (`audit verify`)
//! - 4: conflict: another operator saved the customer (or the setting) first; nothing changed
//!
//! Everything a command prints on stdout goes through `write!` and `?`, never `println!`
//! (which panics when the reader has gone): a closed pipe then comes back as an error, and
//! `main` ends quietly on it, whichever command was printing.
#![warn(clippy::print_stdout)]

mod contacts_cmd;
mod customers;
mod demo;
mod import_cmd;
mod number_blocks_cmd;
mod password_input;
mod rates_cmd;
mod rerate_cmd;
mod send_cmd;
mod settings_cmd;
mod sip_users_cmd;
mod summary;

use crate::config::{Config, Dirs};
use crate::service::{self, Service, ServiceError};
use crate::store::{Location, Patience, sqlite_update_due};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "carrierdesk",
    version,
    about = "A keyboard-driven console for a VoIP carrier's NOC: customers board, customer card, traffic summaries.",
    after_help = "Without a command, opens the console. Press ? inside it for the keys."
)]
pub struct Cli {
    /// The database: a file (created if missing), or a PostgreSQL URL
    /// (postgres://user@host:port/dbname?sslmode=...). Default: $CARRIERDESK_DB, else the
    /// platform data folder.
    #[arg(long, global = true, env = "CARRIERDESK_DB", value_name = "PATH|URL")]
    pub db: Option<Location>,
    /// Use the demo database, creating it on first use (in the data folder, or at --db); with
    /// a command too, e.g. `carrierdesk --demo customers list`.
    #[arg(long, global = true)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List, show and change customers.
    #[command(subcommand)]
    Customers(customers::CustomersCommand),
    /// Traffic summary of a customer: 24h, daily, weekly or monthly, in UTC.
    Summary(summary::SummaryArgs),
    /// Import call detail records: carrierdesk import cdrs Master.csv --tz Europe/London
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export call detail records: carrierdesk export cdrs --customer 12 --from 2026-11-01 --to 2026-11-02
    #[command(subcommand)]
    Export(ExportCommand),
    /// Price a customer's stored calls again after its rate card changed:
    /// carrierdesk rerate --customer 12 --from 2026-11-01 --to 2026-11-30
    Rerate(rerate_cmd::RerateArgs),
    /// Build a demo database of any size: carrierdesk demo --db big.db --customers 100000 --days 7
    Demo(demo::DemoArgs),
    /// Apply the scheduled changes that are due; for cron, e.g. every minute.
    ApplyDue,
    /// The settings every operator shares: carrierdesk settings set from_address noc@example.com
    #[command(subcommand)]
    Settings(settings_cmd::SettingsCommand),
    /// Contacts of customers and their portal passwords:
    /// carrierdesk contacts add --customer 12 --name 'Ana Berg' --email ana@example.com
    #[command(subcommand)]
    Contacts(contacts_cmd::ContactsCommand),
    /// Email or SMS to customers' contacts, through the outbox:
    /// carrierdesk send email --filter 'tag:wholesale' --subject 'Maintenance tonight' --body 'Dear {contact}, …'
    #[command(subcommand)]
    Send(send_cmd::SendCommand),
    /// The outbox of messages to contacts: carrierdesk outbox list --status failed
    #[command(subcommand)]
    Outbox(send_cmd::OutboxCommand),
    /// Internal number blocks of customers: carrierdesk number-blocks assign 12
    #[command(subcommand)]
    NumberBlocks(number_blocks_cmd::NumberBlocksCommand),
    /// SIP users of customers, their passwords, the export for the switch:
    /// carrierdesk sip-users add --customer 12 --username 1001 --generate-password
    #[command(subcommand)]
    SipUsers(sip_users_cmd::SipUsersCommand),
    /// Rate cards: what destinations cost a minute, by prefix, in versions over time:
    /// carrierdesk rates import uk-wholesale uk.csv --currency GBP --effective 2026-12-01
    #[command(subcommand)]
    Rates(rates_cmd::RatesCommand),
    /// The audit log's proof: carrierdesk audit verify [--anchor ID:HASH], carrierdesk audit head
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The database itself: carrierdesk db migrate --db postgres://owner@host/carrierdesk
    #[command(subcommand)]
    Db(DbCommand),
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk the hash chain of the audit log and name the first row that was edited, deleted,
    /// replaced, reordered or inserted: exit 0 when the chain is whole, 3 when it is not.
    /// Writers go on meanwhile.
    Verify {
        /// An `ID:HASH` printed by `audit head` earlier and kept outside the database: also
        /// proves that nothing up to that row was rewritten, even with the chain recomputed.
        #[arg(long, value_name = "ID:HASH")]
        anchor: Option<crate::domain::audit_chain::Anchor>,
    },
    /// Print the last row of the audit log as ID:HASH, to keep outside the database.
    Head,
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Bring a PostgreSQL database's schema up to date; run it as the schema's owner role
    /// (consoles connect as the operators' role and never change the schema). An SQLite
    /// file is brought up to date by whatever opens it.
    Migrate,
    /// Copy a whole database into an empty one, in one transaction, rows unchanged:
    /// carrierdesk db copy --from carrierdesk.db --to postgres://owner@host/carrierdesk
    Copy {
        /// The database to copy: a file or a postgres:// URL.
        #[arg(long, value_name = "PATH|URL")]
        from: Location,
        /// The empty database to fill (a new file, or a PostgreSQL database, whose schema
        /// is built first as `db migrate` would; run it as the schema's owner).
        #[arg(long, value_name = "PATH|URL")]
        to: Location,
    },
}

const EXIT_USAGE: u8 = 2;
const EXIT_REFUSED: u8 = 3;
const EXIT_CONFLICT: u8 = 4;

/// A stop the command line decides itself, with the exit code it means.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Stop {
    /// Exit 2.
    #[error("{0}")]
    Usage(String),
    /// Exit 3: refused, nothing changed.
    #[error("{0}")]
    Refused(String),
}

fn exit_code(e: &anyhow::Error) -> u8 {
    match (e.downcast_ref::<Stop>(), e.downcast_ref::<ServiceError>()) {
        (Some(Stop::Usage(_)), _) => EXIT_USAGE,
        (Some(Stop::Refused(_)), _) => EXIT_REFUSED,
        (
            _,
            Some(
                ServiceError::Conflict(_)
                | ServiceError::SettingConflict(_)
                | ServiceError::SipUserConflict(_)
                | ServiceError::ContactConflict(_),
            ),
        ) => EXIT_CONFLICT,
        (_, Some(s)) if s.is_refusal() => EXIT_REFUSED,
        _ => 1,
    }
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// CDR files (Asterisk Master.csv or cdr_custom, FreeSWITCH cdr_csv, or native CSV), in one transaction.
    Cdrs(import_cmd::ImportCdrsArgs),
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// A customer's calls between two times, as CSV in UTC (the CDR report).
    Cdrs(import_cmd::ExportCdrsArgs),
}

/// Runs the command line and turns any error into one line on stderr.
pub fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let cli = Cli::parse();
    match run(cli, started) {
        Ok(()) => ExitCode::SUCCESS,
        // `carrierdesk customers list | head` is fine: stop quietly when the reader leaves.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            // Messages quote what was typed or read from files: shown, never obeyed.
            for line in chain.join(": ").lines() {
                eprintln!("carrierdesk: {}", crate::text::printable(line));
            }
            ExitCode::from(exit_code(&e))
        }
    }
}

/// True when the error is stdout's reader having gone, however it was wrapped: plain
/// writes give an `io::Error`, while the CSV and JSON writers wrap it in their own error
/// types (serde_json's does not even list it as its source).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(
                |e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
    })
}

pub(crate) use crate::domain::count;

fn run(cli: Cli, started: std::time::Instant) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Customers(cmd)) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            let actor = service::actor_from_env(service.store());
            customers::run(&mut service, &actor, cmd)
        }
        Some(Command::Settings(cmd)) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            let actor = service::actor_from_env(service.store());
            settings_cmd::run(&mut service, &actor, cmd)
        }
        Some(Command::Contacts(cmd)) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            let actor = service::actor_from_env(service.store());
            contacts_cmd::run(&mut service, &actor, cmd)
        }
        Some(Command::Send(cmd)) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            let actor = service::actor_from_env(service.store());
            send_cmd::send(&mut service, &actor, cmd)
        }
        Some(Command::Outbox(cmd)) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            send_cmd::outbox(&mut service, cmd)
        }
        Some(Command::NumberBlocks(cmd)) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            let actor = service::actor_from_env(service.store());
            number_blocks_cmd::run(&mut service, &actor, cmd)
        }
        Some(Command::SipUsers(cmd)) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            let actor = service::actor_from_env(service.store());
            sip_users_cmd::run(&mut service, &actor, cmd)
        }
        Some(Command::Rates(cmd)) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            let actor = service::actor_from_env(service.store());
            rates_cmd::run(&mut service, &actor, cmd)
        }
        Some(Command::Audit(cmd)) => {
            let service = service_for(cli.db.as_ref(), cli.demo)?;
            audit(&service, cmd)
        }
        Some(Command::ApplyDue) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            apply_due(&mut service)
        }
        Some(Command::Summary(args)) => {
            let service = service_for(cli.db.as_ref(), cli.demo)?;
            summary::run(&service, args)
        }
        Some(Command::Import(ImportCommand::Cdrs(args))) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            import_cmd::run(&mut service, args)
        }
        Some(Command::Rerate(args)) => {
            let mut service = service_for(cli.db.as_ref(), cli.demo)?;
            let actor = service::actor_from_env(service.store());
            rerate_cmd::run(&mut service, &actor, args)
        }
        Some(Command::Export(ExportCommand::Cdrs(args))) => {
            let service = service_for(cli.db.as_ref(), cli.demo)?;
            import_cmd::run_export(&service, args)
        }
        Some(Command::Demo(demo::DemoArgs {
            sample: Some(demo::DemoSample::Cdrs(args)),
            ..
        })) => import_cmd::run_demo(args),
        Some(Command::Demo(args)) => match cli.db {
            Some(Location::File(path)) => demo::run(&path, args),
            _ => Err(
                Stop::Usage("demo needs --db PATH: the new database file to fill".into()).into(),
            ),
        },
        Some(Command::Db(DbCommand::Migrate)) => migrate(cli.db.as_ref()),
        Some(Command::Db(DbCommand::Copy { from, to })) => copy(&from, &to),
        None => console(cli.db.as_ref(), cli.demo, started),
    }
}

/// `audit verify` and `audit head`.
fn audit(service: &Service, cmd: AuditCommand) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match cmd {
        AuditCommand::Head => match service.audit_head()? {
            Some(anchor) => writeln!(out, "{anchor}")?,
            None => {
                return Err(
                    Stop::Refused("the audit log is empty: nothing to anchor yet".into()).into(),
                );
            }
        },
        AuditCommand::Verify { anchor } => {
            let upto = anchor.as_ref().map(|a| a.id);
            let (rows, broken) = service.verify_audit(anchor)?;
            if let Some(why) = broken {
                return Err(
                    Stop::Refused(format!("the audit log was tampered with: {why}")).into(),
                );
            }
            let anchored = upto.map_or(String::new(), |id| {
                format!("; nothing up to row {id} was rewritten (the anchor matches)")
            });
            writeln!(
                out,
                "the audit log is whole: {}, every row linked to the one before{anchored}",
                count(rows, "row")
            )?;
        }
    }
    Ok(())
}

/// Prints what was applied; the changes that failed are the error (exit 3), so cron mails them.
fn apply_due(service: &mut Service) -> anyhow::Result<()> {
    let report = service.apply_due(chrono::Utc::now())?;
    let mut out = std::io::stdout().lock();
    let who = |c: &crate::domain::ScheduledChange| {
        let name = c.customer_name.as_deref().unwrap_or("deleted customer");
        format!(
            "scheduled change #{} ({name}, #{}, by {})",
            c.id, c.customer_id, c.author
        )
    };
    // A closed stdout must not hide the failures, which go to stderr and the exit code.
    let printed = report.applied.iter().try_for_each(|c| {
        let note = if c.result.is_empty() {
            String::new()
        } else {
            format!(" ({})", c.result)
        };
        writeln!(out, "applied {}: {}{note}", who(c), c.summary)
    });
    if report.failed.is_empty() {
        return Ok(printed?);
    }
    let lines: Vec<String> = report
        .failed
        .iter()
        .map(|c| format!("failed {}: {}", who(c), c.result))
        .collect();
    Err(Stop::Refused(lines.join("\n")).into())
}

/// The database a command works on: --db or $CARRIERDESK_DB, else the data folder.
fn db_location(given: Option<&Location>, demo: bool) -> anyhow::Result<Location> {
    if let Some(location) = given {
        return Ok(location.clone());
    }
    let dirs = Dirs::discover()?;
    let name = if demo { "demo.db" } else { "carrierdesk.db" };
    Ok(Location::File(dirs.ensure_data()?.join(name)))
}

/// The database a command works on: the demo one (made on first use) with --demo. Its
/// writes wait for another operator's import or re-rating, saying so on stderr once.
fn service_for(db: Option<&Location>, demo: bool) -> anyhow::Result<Service> {
    let mut service = open_service(db, demo)?;
    service.set_patience(Patience::Wait(Box::new(|job| {
        eprintln!("carrierdesk: waiting for {job} to finish…");
    })));
    Ok(service)
}

fn open_service(db: Option<&Location>, demo: bool) -> anyhow::Result<Service> {
    let location = db_location(db, demo)?;
    if let Location::File(path) = &location
        && let Some((from, to)) = sqlite_update_due(path)
    {
        eprintln!(
            "Updating {} from schema {from} to {to}: once, and a while for millions of calls …",
            path.display()
        );
    }
    match location {
        Location::File(path) if demo => {
            if !path.exists() {
                eprintln!("Creating the demo database at {} …", path.display());
            }
            service::demo::open_or_create(&path, chrono::Utc::now().timestamp())
        }
        Location::Server(_) if demo => Err(Stop::Usage(
            "--demo makes an SQLite file; give --db a file path, or leave it out".into(),
        )
        .into()),
        location => Ok(Service::open_at(&location)?),
    }
}

/// `db copy`: progress on stderr as it goes, then each table and its rows on stdout.
fn copy(from: &Location, to: &Location) -> anyhow::Result<()> {
    let mut last = String::new();
    use crate::store::copy::CopyError;
    let copied = crate::store::copy::copy(from, to, &mut |table, done, total| {
        let line = format!("copying {table}: {done} of {total} rows");
        if line != last {
            eprintln!("{line}");
            last = line;
        }
    })
    .map_err(|e| match e {
        // Refused, nothing written: exit 3, as every refusal.
        CopyError::NotEmpty { .. } | CopyError::Tables(_) => Stop::Refused(e.to_string()).into(),
        other => anyhow::Error::from(other),
    })?;
    let mut out = std::io::stdout().lock();
    for (table, rows) in &copied.tables {
        writeln!(out, "{table:<20} {rows:>12}")?;
    }
    writeln!(
        out,
        "copied {} tables from {from} to {to}; every row count checked on both sides",
        copied.tables.len()
    )?;
    Ok(())
}

/// `db migrate`: a PostgreSQL database's schema brought up to date.
fn migrate(db: Option<&Location>) -> anyhow::Result<()> {
    match db {
        Some(Location::Server(url)) => {
            let (before, after) = crate::store::Store::migrate(url)?;
            let mut out = std::io::stdout().lock();
            if before == after {
                writeln!(out, "schema {after}: up to date")?;
            } else {
                writeln!(out, "schema {before} → {after}: migrated")?;
            }
            Ok(())
        }
        _ => Err(Stop::Usage(
            "db migrate is for PostgreSQL: --db postgres://owner@host/dbname (an SQLite file migrates itself when opened)".into(),
        )
        .into()),
    }
}

fn console(db: Option<&Location>, demo: bool, started: std::time::Instant) -> anyhow::Result<()> {
    let dirs = Dirs::discover().ok();
    // Read now so a broken config file is reported before the screen changes.
    let config_path = dirs.as_ref().map(|d| d.config_file.clone());
    let config = Config::load(config_path.as_deref())?;
    let service = service_for(db, demo)?;
    if let Some(dirs) = &dirs {
        start_log(dirs);
    }
    let actor = service::actor_from_env(service.store());
    tracing::info!(db = %service.store().location(), operator = %actor.name, ip = %actor.ip, "console started");
    let data_dir = dirs
        .as_ref()
        .and_then(|d| d.ensure_data().ok().map(Path::to_path_buf));
    let data_dir = data_dir.unwrap_or_else(|| PathBuf::from("."));
    let clipboard = crate::clipboard::Clipboard::new(
        config.clipboard,
        crate::clipboard::Env::current(),
        data_dir.join("clipboard.txt"),
    );
    let session = crate::tui::worker::Session {
        actor,
        config,
        config_path,
        export_dir: data_dir.join("exports"),
        clock: crate::tui::clock::Clock::System,
    };
    let history = data_dir.join("history");
    crate::tui::run(service, session, clipboard, Some(history), started)
}

/// Logs go to a file in the data folder: nothing may print while the screen is ours.
fn start_log(dirs: &Dirs) {
    let Ok(data) = dirs.ensure_data() else { return };
    let file = crate::private::append(&data.join("carrierdesk.log"));
    if let Ok(file) = file {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::sync::Mutex::new(file))
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .try_init();
    }
}
