//! Rate cards: importing a card's versions from CSV, listing and showing them, exporting a
//! version, pricing a number, deleting a card. Each import and delete is one transaction
//! with its audit row.

use super::{Result, Service, ServiceError, commit};
use crate::cdr::time::utc_text as when;
use crate::domain::rate_card::{self, Card, CardError, PrefixTable, RateRow, Version, version_at};
use crate::domain::{Actor, Change, Currency, Topic, Verb, count};
use crate::store::{self, NewAudit, Tx};
use serde_json::json;
use std::path::{Path, PathBuf};

/// An import of a card file: a new version of the whole card.
#[derive(Debug, Clone)]
pub struct CardImport<'a> {
    pub card: &'a str,
    pub path: &'a Path,
    /// Needed for a new card; an existing card keeps its own and refuses another.
    pub currency: Option<&'a str>,
    /// When the version comes into force (unix seconds, UTC); now when None.
    pub effective_from: Option<i64>,
    pub dry_run: bool,
}

/// What an import did, or in a dry run would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardImportReport {
    pub card: String,
    pub currency: Currency,
    /// The card did not exist before.
    pub new_card: bool,
    pub effective_from: i64,
    pub rows: usize,
    /// The new version's id; None in a dry run.
    pub version_id: Option<i64>,
}

/// A card as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSummary {
    pub card: Card,
    pub versions: usize,
    /// The version in force now, if one is.
    pub current: Option<Version>,
    /// The next version to come into force, if one is waiting.
    pub next: Option<Version>,
}

/// The rows of a card in force at a time.
#[derive(Debug, Clone)]
pub struct CardRows {
    pub card: Card,
    /// None when no version is in force at that time (rows then empty).
    pub version: Option<Version>,
    pub rows: Vec<RateRow>,
}

impl CardRows {
    /// The rows whose prefix starts with `prefix` and whose description contains
    /// `description` (ignoring case); an empty filter keeps every row.
    pub fn filter(&mut self, prefix: &str, description: &str) {
        let needle = description.to_lowercase();
        self.rows.retain(|r| {
            r.prefix.starts_with(prefix)
                && (needle.is_empty() || r.description.to_lowercase().contains(&needle))
        });
    }
}

/// The row pricing a number: the version in force and the row of its longest prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priced {
    pub card: Card,
    pub digits: String,
    pub version: Version,
    pub row: RateRow,
}

impl Service {
    /// Imports a card file as a new version of the card (creating the card, with
    /// `currency`, when it is new). The file is read once, from the front, so a pipe works.
    /// Every problem in it is reported with its line and field, and nothing is stored.
    pub fn import_rate_card(
        &mut self,
        actor: &Actor,
        import: &CardImport,
    ) -> Result<CardImportReport> {
        if let Some(why) = rate_card::name_problem(import.card) {
            return Err(invalid("card", why));
        }
        let currency = import
            .currency
            .map(|c| {
                Currency::parse(c).ok_or_else(|| {
                    invalid(
                        "currency",
                        format!("'{c}' is not an ISO 4217 currency code (EUR, USD …)"),
                    )
                })
            })
            .transpose()?;
        let file = std::fs::File::open(import.path).map_err(|e| file_error(import.path, e))?;
        let rows = rate_card::read_card(file).map_err(|e| match e {
            CardError::Unreadable(message) => file_error(import.path, message),
            CardError::Problems(problems) => ServiceError::CardProblems {
                path: import.path.to_path_buf(),
                problems,
            },
        })?;
        let now = store::now_text();
        let effective_from = import
            .effective_from
            .unwrap_or_else(|| chrono::Utc::now().timestamp());
        let tx = if import.dry_run {
            self.store.read()?
        } else {
            self.store.write()?
        };
        let existing = store::card_named(&tx, import.card)?;
        let (card_currency, name) = match &existing {
            Some(card) => {
                if let Some(given) = currency.filter(|&c| c != card.currency) {
                    return Err(invalid(
                        "currency",
                        format!(
                            "card {} is in {}, not {given}: a card keeps its currency (import the file as a new card)",
                            card.name, card.currency
                        ),
                    ));
                }
                (card.currency, card.name.clone())
            }
            None => (
                currency.ok_or_else(|| {
                    invalid(
                        "currency",
                        format!(
                            "{} is a new card: give its currency (--currency EUR)",
                            import.card
                        ),
                    )
                })?,
                import.card.to_string(),
            ),
        };
        if let Some(card) = &existing
            && store::card_versions(&tx, card.id)?
                .iter()
                .any(|v| v.effective_from == effective_from)
        {
            return Err(invalid(
                "effective",
                format!(
                    "card {} has a version in force from {} already; give another --effective",
                    card.name,
                    when(effective_from)
                ),
            ));
        }
        let mut report = CardImportReport {
            card: name,
            currency: card_currency,
            new_card: existing.is_none(),
            effective_from,
            rows: rows.len(),
            version_id: None,
        };
        if import.dry_run {
            return Ok(report);
        }
        let card_id = match &existing {
            Some(card) => card.id,
            None => store::insert_card(&tx, &report.card, card_currency.code(), &now, &actor.name)?,
        };
        let version_id =
            store::insert_version(&tx, card_id, effective_from, &rows, &now, &actor.name)?;
        let file_name = import
            .path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        NewAudit {
            actor,
            verb: Verb::Post,
            table: "rate_card_versions",
            row_id: version_id,
            customer_id: None,
            message: &format!(
                "Import rate card {} ({}, {}) from {file_name}, in force from {}",
                report.card,
                card_currency,
                count(rows.len(), "row"),
                when(effective_from)
            ),
            data: &json!({
                "card": report.card,
                "currency": card_currency.code(),
                "new_card": report.new_card,
                "effective_from": effective_from,
                "rows": rows.len(),
                "file": file_name,
            }),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::many(Topic::RateCards)])?;
        report.version_id = Some(version_id);
        Ok(report)
    }

    /// Every card with its versions, the one in force at `at` and the next to come.
    pub fn rate_cards(&self, at: i64) -> Result<Vec<CardSummary>> {
        let tx = self.store.read()?;
        let mut versions = store::all_versions(&tx)?;
        versions.sort_by_key(|(_, v)| v.effective_from);
        let summaries = store::list_cards(&tx)?
            .into_iter()
            .map(|card| {
                let own: Vec<Version> = versions
                    .iter()
                    .filter(|(id, _)| *id == card.id)
                    .map(|(_, v)| v.clone())
                    .collect();
                CardSummary {
                    versions: own.len(),
                    current: version_at(&own, at).cloned(),
                    next: own.iter().find(|v| v.effective_from > at).cloned(),
                    card,
                }
            })
            .collect();
        Ok(summaries)
    }

    /// The rows of a card in force at `at`, by prefix.
    pub fn rate_card_rows(&self, name: &str, at: i64) -> Result<CardRows> {
        let tx = self.store.read()?;
        let card = find_card(&tx, name)?;
        let versions = store::card_versions(&tx, card.id)?;
        let version = version_at(&versions, at).cloned();
        let rows = match &version {
            Some(v) => store::version_rows(&tx, v.id)?,
            None => Vec::new(),
        };
        Ok(CardRows {
            card,
            version,
            rows,
        })
    }

    /// The version of a card in force at `at` as CSV in the import's format, written to
    /// `out`; cells a spreadsheet would run as formulas are neutralised, and read back as
    /// they were. Returns the version written.
    pub fn export_rate_card(
        &self,
        name: &str,
        at: i64,
        out: impl std::io::Write,
    ) -> Result<(Card, Version, usize)> {
        let CardRows {
            card,
            version,
            rows,
        } = self.rate_card_rows(name, at)?;
        let version = version.ok_or_else(|| not_in_force(&card, at))?;
        let mut w = crate::spreadsheet::Writer::from_writer(out);
        let io = |e: std::io::Error| ServiceError::File {
            path: PathBuf::from("the output"),
            message: e.to_string(),
        };
        let csv = |e: csv::Error| io(e.into());
        w.write_record(rate_card::Column::ALL.map(rate_card::Column::name))
            .map_err(csv)?;
        for r in &rows {
            w.write_record(r.cells()).map_err(csv)?;
        }
        w.flush().map_err(io)?;
        Ok((card, version, rows.len()))
    }

    /// The row that prices `number` on `card` at `at`: the version in force then, and the
    /// row of the number's longest prefix in it.
    pub fn price_number(&self, name: &str, number: &str, at: i64) -> Result<Priced> {
        let digits = rate_card::number_digits(number).ok_or_else(|| {
            invalid(
                "number",
                format!(
                    "'{number}' is not a phone number: digits, with + spaces and - if you like"
                ),
            )
        })?;
        let tx = self.store.read()?;
        let card = find_card(&tx, name)?;
        let versions = store::card_versions(&tx, card.id)?;
        let version = version_at(&versions, at)
            .cloned()
            .ok_or_else(|| not_in_force(&card, at))?;
        // Only the rows the number can match: its prefixes, the empty one included.
        let prefixes: Vec<&str> = (0..=digits.len().min(rate_card::MAX_PREFIX_DIGITS))
            .map(|n| &digits[..n])
            .collect();
        let table = PrefixTable::new(store::rows_with_prefixes(&tx, version.id, &prefixes)?);
        let row = table.find(&digits).cloned().ok_or_else(|| {
            invalid(
                "number",
                format!(
                    "no row of card {} prices {digits}: it has no matching prefix and no catch-all",
                    card.name
                ),
            )
        })?;
        Ok(Priced {
            card,
            digits,
            version,
            row,
        })
    }

    /// Deletes a card with all its versions; refused while a customer or a setting uses
    /// it, naming them.
    pub fn delete_rate_card(&mut self, actor: &Actor, name: &str) -> Result<Card> {
        let now = store::now_text();
        let tx = self.store.write()?;
        let card = find_card(&tx, name)?;
        let mut users: Vec<String> = store::customers_of_card(&tx, card.id)?
            .into_iter()
            .map(|(id, name)| format!("customer {name} (#{id})"))
            .collect();
        users.extend(
            store::settings_naming_card(&tx, &card.name)?
                .into_iter()
                .map(|key| format!("setting {key}")),
        );
        if !users.is_empty() {
            return Err(invalid(
                "card",
                format!(
                    "card {} is in use by {}; assign another card or unset the setting first",
                    card.name,
                    users.join(", ")
                ),
            ));
        }
        let versions = store::card_versions(&tx, card.id)?;
        store::delete_card(&tx, card.id)?;
        // The card and its versions; the rows themselves are the card files'.
        NewAudit {
            actor,
            verb: Verb::Delete,
            table: "rate_cards",
            row_id: card.id,
            customer_id: None,
            message: &format!("Delete rate card {} ({})", card.name, card.currency),
            data: &json!({
                "name": card.name,
                "currency": card.currency.code(),
                "created_at": card.created_at,
                "created_by": card.created_by,
                "versions": versions,
            }),
        }
        .insert(&tx, &now)?;
        commit(tx, [Change::many(Topic::RateCards)])?;
        Ok(card)
    }
}

fn find_card(tx: &Tx, name: &str) -> Result<Card> {
    store::card_named(tx, name)?.ok_or_else(|| ServiceError::NoCard(name.to_string()))
}

fn invalid(field: &'static str, message: String) -> ServiceError {
    ServiceError::Invalid { field, message }
}

fn file_error(path: &Path, message: impl ToString) -> ServiceError {
    ServiceError::File {
        path: path.to_path_buf(),
        message: format!("cannot read it: {}", message.to_string()),
    }
}

fn not_in_force(card: &Card, at: i64) -> ServiceError {
    invalid(
        "at",
        format!(
            "no version of card {} is in force at {}",
            card.name,
            when(at)
        ),
    )
}
