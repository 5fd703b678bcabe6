//! `carrierdesk customers ...`

use super::{Stop, count};
use crate::domain::draft::{describe_fields, fields_json};
use crate::domain::{
    Actor, BoardRow, BulkChange, BulkEdit, Contact, Customer, CustomerDraft, Field, Filter,
    ScheduledChange, Status,
};
use crate::service::{Service, ServiceError};
use crate::spreadsheet;
use crate::text::Printable;
use chrono::{DateTime, Utc};
use clap::{Arg, ArgMatches, Args, FromArgMatches, Subcommand};
use serde::Serialize;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum CustomersCommand {
    /// List customers with their limits and last-24-hour traffic.
    List(ListArgs),
    /// Show every field of one customer, and its pending (or failed) scheduled changes.
    Show(ShowArgs),
    /// Change fields of one customer, now or at a later time (--at).
    Update(UpdateArgs),
    /// Change fields of every customer a filter matches, all in one transaction.
    BulkUpdate(BulkUpdateArgs),
    /// Delete customers; those with invoices or calls are kept (set them inactive).
    Delete(DeleteArgs),
    /// Create customers from a CSV file whose header row names their fields.
    Import(ImportArgs),
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
    /// Only customers the filter matches, as on the board: 'channels>=30 tag:wholesale'.
    #[arg(long, value_name = "EXPR", value_parser = parse_filter)]
    filter: Option<Filter>,
}

fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s)
        .ok_or_else(|| format!("'{s}' is not a status: use active, inactive, pending or penalty"))
}

fn parse_filter(s: &str) -> Result<Filter, String> {
    Filter::parse(s).map_err(|e| e.to_string())
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    crate::domain::when::parse_when(s, Utc::now())
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    id: i64,
    /// JSON on stdout: the fields as `update` and `import` take them, plus balance and
    /// bookkeeping. Counts (channels, cps, invoice_due_days, channels_in_use, id, version)
    /// are numbers and yes/no fields are true or false; money (debit_limit, minimum_payment,
    /// balance), tax and rate are strings because they are exact decimals ("-20.00", "8.15"),
    /// and billing_increment is "first/next" seconds ("60/60").
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
    id: i64,
    /// Apply the change at this time instead of now (Delay and Save), in UTC: tomorrow,
    /// 'tomorrow 06:00', +2h, 2026-12-01, '2026-12-01 14:00' or 2026-12-01T00:00:00Z.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Option<DateTime<Utc>>,
    /// When the card of --rate-card takes over: a day (YYYY-MM-DD, UTC) or an instant,
    /// past or future. Default: now. Calls before it keep what priced them then.
    #[arg(long, value_name = "DATE", value_parser = super::import_cmd::parse_from,
          requires = "rate_card", conflicts_with = "at")]
    rate_card_from: Option<i64>,
    #[command(flatten)]
    fields: FieldArgs,
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["filter", "all"]))]
pub struct BulkUpdateArgs {
    /// Which customers, as on the board's filter line: 'status:active channels<30 tag:wholesale'.
    /// An empty filter is refused: it would match every customer (use --all for that).
    #[arg(long, value_name = "EXPR", value_parser = parse_filter)]
    filter: Option<Filter>,
    /// Change every customer, instead of those a --filter matches.
    #[arg(long, conflicts_with = "filter")]
    all: bool,
    /// A field to set, repeatable: channels=40, status=inactive, cps=10, portal_access=no,
    /// debit_limit=500, tax=20, invoice_schedule=monthly, tags+=promo, tags-=trial.
    #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
    set: Vec<String>,
    /// Print what would change, and change nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
    #[arg(required = true, value_name = "ID")]
    ids: Vec<i64>,
    /// Do not ask for confirmation. Required when stdin is not a terminal.
    #[arg(long)]
    yes: bool,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// CSV with a header row: name and currency required, any other customer field by its name.
    file: PathBuf,
    /// Report what would be created and every problem, and create nothing.
    #[arg(long)]
    dry_run: bool,
}

/// One `--FIELD VALUE` option per editable customer field (`--debit-limit 500`), made from
/// `Field::ALL` so the command line cannot drift from the form and the CSV columns.
#[derive(Debug, Default)]
pub struct FieldArgs(Vec<(Field, String)>);

impl FromArgMatches for FieldArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Ok(FieldArgs(
            Field::ALL
                .into_iter()
                .filter_map(|f| matches.get_one::<String>(f.name()).map(|v| (f, v.clone())))
                .collect(),
        ))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = FieldArgs::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for FieldArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        Field::ALL.into_iter().fold(cmd, |cmd, f| {
            cmd.arg(
                Arg::new(f.name())
                    .long(f.name().replace('_', "-"))
                    .value_name("VALUE")
                    // A debit limit may be negative (prepaid with a buffer).
                    .allow_negative_numbers(true)
                    .help(format!("{}: {}", f.label(), f.example()))
                    .help_heading("Fields"),
            )
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        FieldArgs::augment_args(cmd)
    }
}

/// One customer as scripts see it. Money is a plain decimal string, exact; the traffic
/// figures are numbers (ASR in percent to 0.01, ACD in seconds to 0.1).
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
    asr_24h: Option<f64>,
    acd_24h_s: Option<f64>,
}

/// The fields of `Listed`, in order: the CSV header when no row carries it.
const LISTED_COLUMNS: [&str; 12] = [
    "id",
    "name",
    "status",
    "currency",
    "balance",
    "debit_limit",
    "channels",
    "channels_in_use",
    "cps",
    "last_call_at",
    "asr_24h",
    "acd_24h_s",
];

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
                .map(crate::domain::utc_text),
            asr_24h: r.asr_24h().map(|a| (a * 100.0).round() / 100.0),
            acd_24h_s: r.acd_24h().map(|a| (a * 10.0).round() / 10.0),
        }
    }
}

pub fn run(service: &mut Service, actor: &Actor, cmd: CustomersCommand) -> anyhow::Result<()> {
    match cmd {
        CustomersCommand::List(args) => list(service, args),
        CustomersCommand::Show(args) => show(service, args),
        CustomersCommand::Update(args) => update(service, actor, args),
        CustomersCommand::BulkUpdate(args) => bulk_update(service, actor, args),
        CustomersCommand::Delete(args) => delete(service, actor, args),
        CustomersCommand::Import(args) => import(service, actor, args),
    }
}

fn list(service: &Service, args: ListArgs) -> anyhow::Result<()> {
    let rows = service.board(chrono::Utc::now().timestamp())?;
    let listed: Vec<Listed> = rows
        .iter()
        .filter(|r| args.status.is_none_or(|s| r.status == s))
        .filter(|r| args.filter.as_ref().is_none_or(|f| f.matches(r)))
        .map(Listed::from)
        .collect();
    if args.json || args.csv {
        write_rows(&listed, &LISTED_COLUMNS, args.json)
    } else {
        let mut out = Printable(std::io::stdout().lock());
        writeln!(
            out,
            "{:>7}  {:<36} {:<9} {:>14} {:>3} {:>9}",
            "ID", "NAME", "STATUS", "BALANCE", "CUR", "CHANNELS"
        )?;
        for r in &listed {
            writeln!(
                out,
                "{:>7}  {} {:<9} {:>14} {:>3} {:>9}",
                r.id,
                crate::text::padded(&r.name, 36),
                r.status,
                r.balance,
                r.currency,
                format!("{}/{}", r.channels_in_use, r.channels)
            )?;
        }
        Ok(())
    }
}

/// Rows for scripts on stdout: a JSON array, or CSV with a header row.
/// The ids of the customers `filter` matches (every customer without one), as the board
/// would show them.
pub(super) fn matching(service: &Service, filter: Option<&Filter>) -> anyhow::Result<Vec<i64>> {
    Ok(service
        .board(chrono::Utc::now().timestamp())?
        .iter()
        .filter(|r| filter.is_none_or(|f| f.matches(r)))
        .map(|r| r.id)
        .collect())
}

pub(super) fn write_rows<T: Serialize>(
    rows: &[T],
    columns: &[&str],
    json: bool,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, rows)?;
        writeln!(out)?;
        return Ok(());
    }
    // Each row's cells by column, through the writer that keeps a spreadsheet from running
    // a typed cell as a formula.
    let mut w = spreadsheet::Writer::from_writer(out);
    w.write_record(columns)?;
    for row in rows {
        let value = serde_json::to_value(row)?;
        w.write_record(columns.iter().map(|c| match value.get(c) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        }))?;
    }
    w.flush()?;
    Ok(())
}

/// A customer as `show --json` prints it: the editable fields exactly as `update` and
/// `import` take them, then what is read-only.
#[derive(Serialize)]
struct Shown<'a> {
    id: i64,
    #[serde(flatten)]
    fields: ShownFields,
    balance: String,
    channels_in_use: u32,
    parent_id: Option<i64>,
    last_call_at: &'a Option<String>,
    version: i64,
    created_at: &'a str,
    updated_at: &'a str,
    scheduled: &'a [ScheduledChange],
    /// The primary first; the fields as `contacts list --json` names them.
    contacts: &'a [Contact],
}

/// The editable fields in `Field::ALL` order, named as `update` and `import` take them:
/// counts as JSON numbers, yes/no as booleans, everything else as the text `update` takes
/// back (money, tax and rate are exact decimals, so they stay strings, as money does in
/// every JSON the command line prints).
struct ShownFields {
    draft: CustomerDraft,
    channels: u32,
    cps: u32,
    invoice_due_days: u32,
}

impl ShownFields {
    fn new(c: &Customer) -> ShownFields {
        ShownFields {
            draft: CustomerDraft::from_customer(c),
            channels: c.channels,
            cps: c.cps,
            invoice_due_days: c.invoice_due_days,
        }
    }

    fn value(&self, f: Field) -> serde_json::Value {
        let d = &self.draft;
        match f {
            Field::Channels => self.channels.into(),
            Field::Cps => self.cps.into(),
            Field::InvoiceDueDays => self.invoice_due_days.into(),
            Field::PortalAccess => d.portal_access.into(),
            Field::EmailVerification => d.email_verification.into(),
            Field::MobileVerification => d.mobile_verification.into(),
            Field::ApprovedClisOnly => d.approved_clis_only.into(),
            f => d.text(f).into(),
        }
    }
}

impl Serialize for ShownFields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(Field::ALL.len()))?;
        for f in Field::ALL {
            map.serialize_entry(f.name(), &self.value(f))?;
        }
        map.end()
    }
}

fn show(service: &Service, args: ShowArgs) -> anyhow::Result<()> {
    let c = service.customer(args.id)?;
    let scheduled = service.scheduled_changes(Some(c.id), false)?;
    let contacts = service.contacts(c.id)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let shown = Shown {
            id: c.id,
            fields: ShownFields::new(&c),
            balance: c.currency.plain(c.balance),
            channels_in_use: c.channels_in_use,
            parent_id: c.parent_id,
            last_call_at: &c.last_call_at,
            version: c.version,
            created_at: &c.created_at,
            updated_at: &c.updated_at,
            scheduled: &scheduled,
            contacts: &contacts,
        };
        serde_json::to_writer_pretty(&mut out, &shown)?;
        writeln!(out)?;
        return Ok(());
    }
    let mut out = Printable(out);
    let standing = c.standing();
    writeln!(out, "Customer {}: {}", c.id, c.name)?;
    let line = |out: &mut dyn Write, label: &str, value: &str| -> std::io::Result<()> {
        // Multi-line values (vars) continue under the value column.
        let value = value.trim_end().replace('\n', &format!("\n{:23}", ""));
        writeln!(out, "{}", format!("  {label:<21}{value}").trim_end())
    };
    let money = |minor: i64| format!("{} {}", c.currency.display(minor), c.currency);
    line(
        &mut out,
        "Balance",
        &format!("{} ({standing})", money(c.balance)),
    )?;
    line(&mut out, "Available", &money(c.available()))?;
    line(&mut out, "Channels in use", &c.channels_in_use.to_string())?;
    let draft = CustomerDraft::from_customer(&c);
    for f in Field::ALL {
        line(&mut out, f.label(), &draft.text(f))?;
    }
    line(
        &mut out,
        "Version",
        &format!("{}, updated {}", c.version, c.updated_at),
    )?;
    // Every card it was given, each pricing its calls from its date until the next one's.
    for (from, card) in service.customer_rate_cards(c.id)? {
        writeln!(
            out,
            "Rate card {card} from {}",
            crate::cdr::time::utc_text(from)
        )?;
    }
    for k in &contacts {
        let primary = if k.is_primary { " (primary)" } else { "" };
        let phone = [&k.spec.phone, &k.spec.mobile]
            .into_iter()
            .filter(|p| !p.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(
            out,
            "Contact #{}: {}{primary} <{}> {phone}",
            k.id, k.spec.name, k.spec.email
        )?;
    }
    for s in &scheduled {
        let outcome = s.outcome().map_or_else(String::new, |o| format!(" ({o})"));
        writeln!(
            out,
            "Scheduled #{} for {} by {}: {}{outcome}",
            s.id, s.due_at, s.author, s.summary
        )?;
    }
    Ok(())
}

fn update(service: &mut Service, actor: &Actor, args: UpdateArgs) -> anyhow::Result<()> {
    let FieldArgs(mut values) = args.fields;
    if values.is_empty() {
        return Err(Stop::Usage(
            "give at least one field to change, like --channels 40 (see --help)".into(),
        )
        .into());
    }
    // A card from a date of its own is an assignment apart; from now, it is a field like
    // the others.
    if let Some(from) = args.rate_card_from
        && let Some(i) = values.iter().position(|(f, _)| *f == Field::RateCard)
    {
        let (_, card) = values.remove(i);
        service.assign_rate_card(actor, args.id, &card, from)?;
        let c = service.customer(args.id)?;
        writeln!(
            Printable(std::io::stdout().lock()),
            "{} (#{}): rate card {card} from {}",
            c.name,
            c.id,
            crate::cdr::time::utc_text(from)
        )?;
        if values.is_empty() {
            return Ok(());
        }
    }
    let current = service.customer(args.id)?;
    let mut draft = CustomerDraft::from_customer(&current);
    let mut errors: Vec<_> = values
        .iter()
        .filter_map(|(f, v)| draft.set(*f, v).err())
        .collect();
    let fields: Vec<Field> = values.iter().map(|(f, _)| *f).collect();
    let after = match draft.apply_to(&current, &fields) {
        Ok(after) if errors.is_empty() => after,
        result => {
            errors.extend(result.err().unwrap_or_default());
            return Err(ServiceError::InvalidFields(errors).into());
        }
    };
    let mut out = Printable(std::io::stdout().lock());
    match args.at {
        Some(at) => {
            let set = fields_json(&after, &fields);
            let summary = describe_fields(&current, &set);
            let id = service.schedule_change(actor, current.id, set, at)?;
            writeln!(
                out,
                "{} (#{}): scheduled change #{id} for {}: {summary}",
                current.name,
                current.id,
                crate::domain::utc_text(at)
            )?;
        }
        None => {
            let saved = service.update_customer(actor, &after)?;
            writeln!(
                out,
                "{}",
                describe(&BulkChange {
                    before: current,
                    after: saved
                })
            )?;
        }
    }
    Ok(())
}

/// "Atlas Voice (#12): Channels 30 → 40; Status active → inactive", or "... unchanged".
fn describe(change: &BulkChange) -> String {
    let changes: Vec<String> = change.changes().iter().map(ToString::to_string).collect();
    let what = if changes.is_empty() {
        "unchanged (it already has these values)".to_string()
    } else {
        changes.join("; ")
    };
    format!("{} (#{}): {what}", change.before.name, change.before.id)
}

fn bulk_update(service: &mut Service, actor: &Actor, args: BulkUpdateArgs) -> anyhow::Result<()> {
    let mut edit = BulkEdit::default();
    for assignment in &args.set {
        edit.parse_assignment(assignment)
            .map_err(|e| Stop::Usage(format!("--set {assignment}: {e}")))?;
    }
    // A blank filter matches everyone: a slip (an unset shell variable) must not edit
    // every customer, so that takes --all.
    let filter = match args.filter {
        Some(f) if f.is_empty() => {
            return Err(Stop::Usage(
                "the --filter is empty and would change every customer; \
                 give --all instead of --filter if that is what you mean"
                    .into(),
            )
            .into());
        }
        f => f,
    };
    let ids: Vec<i64> = service
        .board(Utc::now().timestamp())?
        .iter()
        .filter(|r| filter.as_ref().is_none_or(|f| f.matches(r)))
        .map(|r| r.id)
        .collect();
    let mut out = Printable(std::io::stdout().lock());
    if ids.is_empty() {
        let none = if args.all {
            "there are no customers; nothing to change"
        } else {
            "no customer matches the filter; nothing to change"
        };
        writeln!(out, "{none}")?;
        return Ok(());
    }
    let preview = service.bulk_preview(&ids, &edit)?;
    if args.dry_run {
        let changing = preview.iter().filter(|c| c.changes_anything()).count();
        for change in preview.iter().filter(|c| c.changes_anything()) {
            writeln!(out, "{}", describe(change))?;
        }
        writeln!(
            out,
            "{changing} of {} would change (dry run: nothing changed)",
            count(preview.len(), "matching customer")
        )?;
        return Ok(());
    }
    let report = service.bulk_apply_previewed(actor, &preview, &edit)?;
    // Said once committed: a change that failed must not read as made. A customer
    // someone else changed meanwhile kept their change, and is named below instead.
    let kept = |id: i64| report.changed_since_preview.iter().any(|(k, _)| *k == id);
    for change in preview.iter().filter(|c| c.changes_anything()) {
        if !kept(change.before.id) {
            writeln!(out, "{}", describe(change))?;
        }
    }
    writeln!(
        out,
        "changed {}; {} already had these values",
        count(report.changed, "customer"),
        report.unchanged
    )?;
    if !report.changed_since_preview.is_empty() {
        let names: Vec<String> = report
            .changed_since_preview
            .iter()
            .map(|(id, name)| format!("{name} (#{id})"))
            .collect();
        writeln!(
            out,
            "changed by someone else meanwhile, their change kept: {}",
            names.join(", ")
        )?;
    }
    Ok(())
}

fn delete(service: &mut Service, actor: &Actor, args: DeleteArgs) -> anyhow::Result<()> {
    // `delete 203 203` means customer 203 once: in the confirmation, the deletion and the report.
    let mut ids = args.ids;
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    let customers: Vec<Customer> = ids
        .iter()
        .map(|id| service.customer(*id))
        .collect::<Result<_, _>>()?;
    let names: Vec<String> = customers
        .iter()
        .map(|c| format!("{} (#{})", c.name, c.id))
        .collect();
    if !args.yes {
        confirm(&customers, &names)?;
    }
    let deleted = service.delete_customers(actor, &ids)?;
    writeln!(
        Printable(std::io::stdout().lock()),
        "deleted {deleted}: {}",
        names.join(", ")
    )?;
    Ok(())
}

/// Asks on the terminal: the name for one customer, the count for several, as the console does.
fn confirm(customers: &[Customer], names: &[String]) -> anyhow::Result<()> {
    match customers {
        [one] => confirm_delete(&format!("Delete {}? Type its name", names[0]), &one.name),
        _ => confirm_delete(
            &format!(
                "Delete {} customers:\n  {}\nType {}",
                customers.len(),
                names.join("\n  "),
                customers.len()
            ),
            &customers.len().to_string(),
        ),
    }
}

/// Asks on the terminal for `expected` to be typed after `prompt`; without a terminal,
/// the command line must say --yes.
pub(super) fn confirm_delete(prompt: &str, expected: &str) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(
            Stop::Usage("there is no terminal to confirm the delete on: add --yes".into()).into(),
        );
    }
    eprint!("{prompt} to confirm: ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if answer.trim().eq_ignore_ascii_case(expected.trim()) {
        Ok(())
    } else {
        Err(Stop::Refused("not confirmed; nothing deleted".into()).into())
    }
}

fn import(service: &mut Service, actor: &Actor, args: ImportArgs) -> anyhow::Result<()> {
    let report = service.import_customers(actor, &args.file, args.dry_run)?;
    let mut out = Printable(std::io::stdout().lock());
    if report.committed {
        for i in &report.customers {
            let c = &i.customer;
            writeln!(
                out,
                "line {}: created {} (#{}, {})",
                i.line, c.name, c.id, c.currency
            )?;
        }
        return Ok(());
    }
    // A real import that failed created nothing and would create nothing: only a dry run
    // lists what would be created, and never a line that has a problem.
    if args.dry_run {
        let troubled: std::collections::HashSet<u64> =
            report.problems.iter().map(|p| p.line).collect();
        // With problems elsewhere in the file nothing would be created: the good lines are
        // only "ready", once the problems are fixed.
        let verb = if report.problems.is_empty() {
            "would create"
        } else {
            "ready once the problems are fixed"
        };
        for i in report
            .customers
            .iter()
            .filter(|i| !troubled.contains(&i.line))
        {
            let c = &i.customer;
            writeln!(out, "line {}: {verb}: {} ({})", i.line, c.name, c.currency)?;
        }
    }
    if !report.problems.is_empty() {
        let mut lines: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        lines.push(format!(
            "{} in {}; nothing created",
            count(report.problems.len(), "problem"),
            args.file.display()
        ));
        return Err(Stop::Refused(lines.join("\n")).into());
    }
    if args.dry_run {
        writeln!(
            out,
            "{} would be created (dry run: nothing created)",
            count(report.customers.len(), "customer")
        )?;
    }
    Ok(())
}
