//! `carrierdesk rates`: rate cards, their versions, the row that prices a number.

use super::count;
use super::customers::confirm_delete;
use super::import_cmd::parse_from;
use crate::cdr::time::utc_text as time;
use crate::domain::Actor;
use crate::domain::rate_card::{RateRow, Version, money_text};
use crate::service::{CardImport, Service};
use crate::text::Printable;
use clap::Subcommand;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum RatesCommand {
    /// Import a card file (CSV: prefix, rate, and optionally description, connection_fee,
    /// first_increment, next_increment) as a new version of the whole card. A pipe works:
    /// rates import uk <(zcat uk.csv.gz)
    Import {
        card: String,
        file: PathBuf,
        /// The card's currency (ISO 4217): needed for a new card; an existing card keeps its own.
        #[arg(long, value_name = "CODE")]
        currency: Option<String>,
        /// When this version comes into force: a day (2026-12-01, from 00:00 UTC) or an
        /// instant (2026-12-01T06:00:00Z). Default: now.
        #[arg(long, value_name = "DATE", value_parser = parse_from)]
        effective: Option<i64>,
        /// Check the file and say what would be imported; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Every card: name, currency, versions, rows in force now and since when.
    List {
        /// A JSON array: name, currency, versions, rows, in_force_since, next_from.
        #[arg(long)]
        json: bool,
    },
    /// The rows of a card in force now (or at --at), by prefix.
    Show {
        card: String,
        /// Only prefixes starting with these digits.
        #[arg(long, value_name = "DIGITS")]
        prefix: Option<String>,
        /// Only rows whose description contains this text (ignoring case).
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        /// The rows in force at this day or instant instead of now.
        #[arg(long, value_name = "DATE", value_parser = parse_from)]
        at: Option<i64>,
        /// A JSON object: the card, its version in force and the rows (rates as exact decimals).
        #[arg(long)]
        json: bool,
    },
    /// The version of a card in force now (or at --at) as CSV in the import's format.
    Export {
        card: String,
        #[arg(long, value_name = "DATE", value_parser = parse_from)]
        at: Option<i64>,
        /// The file to write (created readable by its owner only); stdout by default.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Which row of a card prices a number now (or at --at): its longest matching prefix.
    Price {
        card: String,
        number: String,
        #[arg(long, value_name = "DATE", value_parser = parse_from)]
        at: Option<i64>,
    },
    /// Delete a card with all its versions; refused while a customer or a setting uses it.
    Delete {
        card: String,
        /// Do not ask for confirmation. Required when stdin is not a terminal.
        #[arg(long)]
        yes: bool,
    },
}

pub fn run(service: &mut Service, actor: &Actor, cmd: RatesCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now().timestamp();
    let mut out = Printable(std::io::stdout().lock());
    match cmd {
        RatesCommand::Import {
            card,
            file,
            currency,
            effective,
            dry_run,
        } => {
            let report = service.import_rate_card(
                actor,
                &CardImport {
                    card: &card,
                    path: &file,
                    currency: currency.as_deref(),
                    effective_from: effective,
                    dry_run,
                },
            )?;
            let verb = if dry_run { "would import" } else { "imported" };
            let new = if report.new_card { " (a new card)" } else { "" };
            writeln!(
                out,
                "{verb} {} into card {}{new}, {}, in force from {}",
                count(report.rows, "row"),
                report.card,
                report.currency,
                time(report.effective_from)
            )?;
        }
        RatesCommand::List { json } => {
            let cards = service.rate_cards(now)?;
            if json {
                let listed: Vec<serde_json::Value> = cards
                    .iter()
                    .map(|c| {
                        json!({
                            "name": c.card.name,
                            "currency": c.card.currency.code(),
                            "versions": c.versions,
                            "rows": c.current.as_ref().map_or(0, |v| v.row_count),
                            "in_force_since": c.current.as_ref().map(|v| time(v.effective_from)),
                            "next_from": c.next.as_ref().map(|v| time(v.effective_from)),
                        })
                    })
                    .collect();
                return json_out(&listed);
            }
            writeln!(
                out,
                "{:<24}  {:<3}  {:>8}  {:>8}  IN FORCE SINCE",
                "CARD", "CUR", "VERSIONS", "ROWS"
            )?;
            for c in &cards {
                let since = c
                    .current
                    .as_ref()
                    .map_or("-".to_string(), |v| time(v.effective_from));
                let next = c.next.as_ref().map_or(String::new(), |v| {
                    format!(" (next from {})", time(v.effective_from))
                });
                writeln!(
                    out,
                    "{:<24}  {:<3}  {:>8}  {:>8}  {since}{next}",
                    c.card.name,
                    c.card.currency.code(),
                    c.versions,
                    c.current.as_ref().map_or(0, |v| v.row_count),
                )?;
            }
        }
        RatesCommand::Show {
            card,
            prefix,
            description,
            at,
            json,
        } => {
            let mut shown = service.rate_card_rows(&card, at.unwrap_or(now))?;
            shown.filter(
                prefix.as_deref().unwrap_or(""),
                description.as_deref().unwrap_or(""),
            );
            if json {
                return json_out(&json!({
                    "card": shown.card.name,
                    "currency": shown.card.currency.code(),
                    "version": shown.version.as_ref().map(version_json),
                    "rows": shown.rows.iter().map(row_json).collect::<Vec<_>>(),
                }));
            }
            match &shown.version {
                Some(v) => writeln!(
                    out,
                    "card {} ({}), version in force since {}: {} shown",
                    shown.card.name,
                    shown.card.currency,
                    time(v.effective_from),
                    count(shown.rows.len(), "row")
                )?,
                None => writeln!(
                    out,
                    "card {} ({}): no version in force then",
                    shown.card.name, shown.card.currency
                )?,
            }
            writeln!(
                out,
                "{:<15}  {:<30}  {:>12}  {:>12}  INCREMENTS",
                "PREFIX", "DESCRIPTION", "RATE/MIN", "CONNECTION"
            )?;
            for r in &shown.rows {
                writeln!(out, "{}", row_line(r))?;
            }
        }
        RatesCommand::Export {
            card,
            at,
            out: file,
        } => {
            let at = at.unwrap_or(now);
            match file {
                None => {
                    service.export_rate_card(&card, at, std::io::stdout().lock())?;
                }
                Some(path) => {
                    let f = crate::private::create(&path)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    let (card, version, n) =
                        service.export_rate_card(&card, at, std::io::BufWriter::new(f))?;
                    eprintln!(
                        "{}: {} of card {}, the version in force since {}",
                        path.display(),
                        count(n, "row"),
                        card.name,
                        time(version.effective_from)
                    );
                }
            }
        }
        RatesCommand::Price { card, number, at } => {
            let p = service.price_number(&card, &number, at.unwrap_or(now))?;
            writeln!(
                out,
                "{} on card {} ({}), version in force since {}:",
                p.digits,
                p.card.name,
                p.card.currency,
                time(p.version.effective_from)
            )?;
            writeln!(out, "{}", row_line(&p.row))?;
        }
        RatesCommand::Delete { card, yes } => {
            if !yes {
                confirm_delete(&format!("Delete rate card {card}? Type its name"), &card)?;
            }
            let deleted = service.delete_rate_card(actor, &card)?;
            writeln!(
                out,
                "deleted rate card {} ({}) with all its versions",
                deleted.name, deleted.currency
            )?;
        }
    }
    Ok(())
}

fn json_out(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

fn version_json(v: &Version) -> serde_json::Value {
    json!({
        "id": v.id,
        "effective_from": time(v.effective_from),
        "imported_at": v.imported_at,
        "imported_by": v.imported_by,
        "rows": v.row_count,
    })
}

fn row_json(r: &RateRow) -> serde_json::Value {
    json!({
        "prefix": r.prefix,
        "description": r.description,
        "rate": money_text(r.rate),
        "connection_fee": money_text(r.connection_fee),
        "first_increment": r.first_increment,
        "next_increment": r.next_increment,
    })
}

/// A row for people.
fn row_line(r: &RateRow) -> String {
    format!(
        "{:<15}  {}  {:>12}  {:>12}  {}/{}",
        r.shown_prefix(),
        crate::text::padded(&r.description, 30),
        money_text(r.rate),
        money_text(r.connection_fee),
        r.first_increment,
        r.next_increment
    )
}
