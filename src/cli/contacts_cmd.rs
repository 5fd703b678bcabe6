//! `carrierdesk contacts`: customers' contacts, the primary one, and portal passwords.

use super::Stop;
use super::customers::{confirm_delete, matching, write_rows};
use super::number_blocks_cmd::customer_label;
use super::password_input::read_password;
use crate::domain::contact::{Category, FIELDS, field_label};
use crate::domain::{Actor, Contact, ContactDraft, Filter, ip_list};
use crate::service::{PasswordChoice, Service, ServiceError};
use crate::text::{Printable, padded};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::io::Write;

/// What a terminal shows before a typed portal password.
const PROMPT: &str = "Portal password (at least 12 characters), then Enter: ";

#[derive(Subcommand, Debug)]
pub enum ContactsCommand {
    /// Contacts of every customer, of one, or of those a filter matches.
    List(ListArgs),
    /// Every field of one contact.
    Show {
        id: i64,
        /// JSON on stdout: the fields as `list --json` gives them.
        #[arg(long)]
        json: bool,
    },
    /// Add a contact to a customer; a customer's first contact becomes its primary.
    Add(AddArgs),
    /// Change fields of a contact.
    Update(UpdateArgs),
    /// Delete a contact. The primary one of a customer that keeps other contacts needs
    /// --new-primary.
    Delete {
        id: i64,
        /// The contact that becomes primary when the primary one is deleted.
        #[arg(long, value_name = "ID")]
        new_primary: Option<i64>,
        /// Do not ask for confirmation. Required when stdin is not a terminal.
        #[arg(long)]
        yes: bool,
    },
    /// Make a contact its customer's primary one (the card header shows its email).
    BecomePrimary { id: i64 },
    /// Set a contact's portal password: generated (printed alone on one line of stdout,
    /// everything else on stderr) or one line read from stdin.
    SetPassword(SetPasswordArgs),
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Only this customer's contacts.
    #[arg(long, value_name = "ID", conflicts_with = "filter")]
    customer: Option<i64>,
    /// Contacts of the customers the board's filter matches: 'status:active tag:wholesale'.
    #[arg(long, value_name = "EXPR", value_parser = parse_filter)]
    filter: Option<Filter>,
    /// A JSON array: id, customer_id, the fields as `add` takes them (phone and mobile in
    /// E.164), primary, portal_password, version.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// CSV with a header row: the same columns as --json.
    #[arg(long)]
    csv: bool,
}

fn parse_filter(s: &str) -> Result<Filter, String> {
    Filter::parse(s).map_err(|e| e.to_string())
}

/// The fields of a contact, as the console's form takes them and checked by its rules.
#[derive(Args, Debug)]
struct FieldArgs {
    #[arg(long, help_heading = "Fields")]
    name: Option<String>,
    /// Also the portal login: unique across all customers, ignoring case.
    #[arg(long, help_heading = "Fields")]
    email: Option<String>,
    /// In any usual form: +44 20 7946 0018, 020 7946 0018 (read with the default_country
    /// setting), 0049 6598 336393. Stored in E.164. '' for none.
    #[arg(long, help_heading = "Fields")]
    phone: Option<String>,
    /// As --phone.
    #[arg(long, help_heading = "Fields")]
    mobile: Option<String>,
    /// Informational: Billing, NOC, Technical ...
    #[arg(long = "type", value_name = "TYPE", help_heading = "Fields")]
    contact_type: Option<String>,
    /// Which messages the contact receives: general,financial (a new contact's), general,
    /// financial, or none.
    #[arg(long, value_name = "LIST", help_heading = "Fields")]
    categories: Option<String>,
    /// Addresses or CIDR ranges the contact may log in to the portal from ('' for any).
    #[arg(long, value_name = "LIST", help_heading = "Fields")]
    portal_whitelist: Option<String>,
    /// Shown to the customer in the portal. Never a password: notes that read as one are
    /// refused.
    #[arg(long, value_name = "TEXT", help_heading = "Fields")]
    public_notes: Option<String>,
    /// Staff only. Never a password either.
    #[arg(long, value_name = "TEXT", help_heading = "Fields")]
    private_notes: Option<String>,
    /// yes or no.
    #[arg(long, value_name = "YES|NO", help_heading = "Fields")]
    email_verified: Option<String>,
    /// yes or no.
    #[arg(long, value_name = "YES|NO", help_heading = "Fields")]
    mobile_verified: Option<String>,
}

impl FieldArgs {
    /// Puts the given fields into `draft`; false when none was given. A value a field
    /// cannot take (a yes/no flag's) is a refusal, as the rules' are.
    fn apply(self, draft: &mut ContactDraft) -> anyhow::Result<bool> {
        let given = [
            self.name,
            self.email,
            self.phone,
            self.mobile,
            self.contact_type,
            self.categories,
            self.portal_whitelist,
            self.public_notes,
            self.private_notes,
            self.email_verified,
            self.mobile_verified,
        ];
        let mut any = false;
        let mut errors = Vec::new();
        for (field, value) in FIELDS.into_iter().zip(given) {
            if let Some(value) = value {
                if let Err(e) = draft.set(field, &value) {
                    errors.push(e);
                }
                any = true;
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::InvalidFields(errors).into());
        }
        Ok(any)
    }
}

#[derive(Args, Debug)]
#[command(mut_arg("name", |a| a.required(true)), mut_arg("email", |a| a.required(true)))]
pub struct AddArgs {
    /// The customer the contact belongs to.
    #[arg(long, value_name = "ID")]
    customer: i64,
    #[command(flatten)]
    fields: FieldArgs,
    /// Give the contact a portal password from the system's random source, printed once
    /// on a line of its own.
    #[arg(long, conflicts_with = "password_stdin")]
    generate_password: bool,
    /// Read the portal password from stdin: one line, at least 12 characters.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
    id: i64,
    #[command(flatten)]
    fields: FieldArgs,
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("how").required(true).args(["generate", "stdin"]))]
pub struct SetPasswordArgs {
    id: i64,
    /// Generate one from the system's random source; it alone goes to stdout.
    #[arg(long)]
    generate: bool,
    /// With --generate: mail it to the contact at once instead (through the mail server
    /// the settings name; nothing goes to stdout). If the mail is not delivered, the
    /// password is discarded and nothing changes.
    #[arg(long, requires = "generate")]
    email: bool,
    /// Read it from stdin: one line, at least 12 characters.
    #[arg(long)]
    stdin: bool,
}

pub fn run(service: &mut Service, actor: &Actor, cmd: ContactsCommand) -> anyhow::Result<()> {
    match cmd {
        ContactsCommand::List(args) => list(service, args),
        ContactsCommand::Show { id, json } => show(service, id, json),
        ContactsCommand::Add(args) => add(service, actor, args),
        ContactsCommand::Update(args) => update(service, actor, args),
        ContactsCommand::Delete {
            id,
            new_primary,
            yes,
        } => delete(service, actor, id, new_primary, yes),
        ContactsCommand::BecomePrimary { id } => {
            let k = service.become_primary(actor, id)?;
            writeln!(
                Printable(std::io::stdout().lock()),
                "{} (#{}) is the primary contact of {}",
                k.spec.name,
                k.id,
                customer_label(service, k.customer_id)
            )?;
            Ok(())
        }
        ContactsCommand::SetPassword(args) => set_password(service, actor, args),
    }
}

/// A contact as scripts see it: the fields as `add` and `update` take them, never a
/// password or its hash.
#[derive(Serialize)]
struct Listed {
    id: i64,
    customer_id: i64,
    name: String,
    email: String,
    phone: String,
    mobile: String,
    #[serde(rename = "type")]
    contact_type: String,
    categories: String,
    primary: bool,
    portal_password: bool,
    portal_whitelist: String,
    public_notes: String,
    private_notes: String,
    email_verified: bool,
    mobile_verified: bool,
    version: i64,
}

/// The fields of `Listed`, in order: the CSV header when no row carries it.
const LISTED_COLUMNS: &str = "id,customer_id,name,email,phone,mobile,type,categories,primary,portal_password,portal_whitelist,public_notes,private_notes,email_verified,mobile_verified,version";

impl Listed {
    fn new(k: &Contact) -> Listed {
        let s = &k.spec;
        Listed {
            id: k.id,
            customer_id: k.customer_id,
            name: s.name.clone(),
            email: s.email.clone(),
            phone: s.phone.clone(),
            mobile: s.mobile.clone(),
            contact_type: s.contact_type.clone(),
            categories: Category::list_text(&s.categories),
            primary: k.is_primary,
            portal_password: k.has_password,
            portal_whitelist: ip_list::format(&s.portal_whitelist),
            public_notes: s.public_notes.clone(),
            private_notes: s.private_notes.clone(),
            email_verified: s.email_verified,
            mobile_verified: s.mobile_verified,
            version: k.version,
        }
    }
}

fn list(service: &Service, args: ListArgs) -> anyhow::Result<()> {
    let contacts: Vec<Contact> = match (args.customer, &args.filter) {
        (Some(id), _) => service.contacts(id)?,
        (None, Some(filter)) => {
            let ids: std::collections::HashSet<i64> =
                matching(service, Some(filter))?.into_iter().collect();
            service
                .all_contacts()?
                .into_iter()
                .map(|(k, _)| k)
                .filter(|k| ids.contains(&k.customer_id))
                .collect()
        }
        (None, None) => service
            .all_contacts()?
            .into_iter()
            .map(|(k, _)| k)
            .collect(),
    };
    let listed: Vec<Listed> = contacts.iter().map(Listed::new).collect();
    if args.json || args.csv {
        let columns: Vec<&str> = LISTED_COLUMNS.split(',').collect();
        return write_rows(&listed, &columns, args.json);
    }
    let mut out = Printable(std::io::stdout().lock());
    writeln!(
        out,
        "{:>7} {:>9} P {:<24} {:<32} {:<16} {:<16} TYPE",
        "ID", "CUSTOMER", "NAME", "EMAIL", "PHONE", "MOBILE"
    )?;
    for r in &listed {
        writeln!(
            out,
            "{:>7} {:>9} {} {} {} {} {} {}",
            r.id,
            r.customer_id,
            if r.primary { "*" } else { " " },
            padded(&r.name, 24),
            padded(&r.email, 32),
            padded(&r.phone, 16),
            padded(&r.mobile, 16),
            r.contact_type
        )?;
    }
    Ok(())
}

fn show(service: &Service, id: i64, json: bool) -> anyhow::Result<()> {
    let k = service.contact(id)?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &Listed::new(&k))?;
        writeln!(out)?;
        return Ok(());
    }
    let mut out = Printable(out);
    writeln!(
        out,
        "Contact #{} of {}",
        k.id,
        customer_label(service, k.customer_id)
    )?;
    for line in k.describe().lines() {
        writeln!(out, "  {line}")?;
    }
    writeln!(out, "  Version        {}", k.version)?;
    Ok(())
}

/// The password chosen on the command line: typed on stdin, generated, or none.
fn choice(typed: &Option<String>, generate: bool) -> Option<PasswordChoice<'_>> {
    match typed {
        Some(p) => Some(PasswordChoice::Typed(p)),
        None => generate.then_some(PasswordChoice::Generate),
    }
}

fn add(service: &mut Service, actor: &Actor, args: AddArgs) -> anyhow::Result<()> {
    let mut draft = ContactDraft::default();
    args.fields.apply(&mut draft)?;
    let typed = args
        .password_stdin
        .then(|| read_password(PROMPT))
        .transpose()?;
    let saved = service.create_contact(
        actor,
        args.customer,
        &draft,
        choice(&typed, args.generate_password),
    )?;
    let k = &saved.contact;
    let primary = if k.is_primary { ", its primary" } else { "" };
    let line = format!(
        "created contact {} (#{}) of {}{primary}",
        k.spec.name,
        k.id,
        customer_label(service, k.customer_id)
    );
    match &saved.generated_password {
        // The password alone on stdout, for a script or a person to pass on.
        Some(p) => {
            eprintln!("{}", crate::text::printable(&line));
            print_generated(p)
        }
        None => Ok(writeln!(Printable(std::io::stdout().lock()), "{line}")?),
    }
}

fn update(service: &mut Service, actor: &Actor, args: UpdateArgs) -> anyhow::Result<()> {
    let current = service.contact(args.id)?;
    let mut draft = ContactDraft::from(&current.spec);
    if !args.fields.apply(&mut draft)? {
        return Err(Stop::Usage(
            "give at least one field to change, like --phone '+44 20 7946 0018' (see --help)"
                .into(),
        )
        .into());
    }
    let saved = service.update_contact(actor, current.id, current.version, &draft)?;
    let before = ContactDraft::from(&current.spec);
    let after = ContactDraft::from(&saved.spec);
    let changes: Vec<String> = FIELDS
        .into_iter()
        .filter_map(|f| {
            let (old, new) = (text_of(&before, f), text_of(&after, f));
            (old != new).then(|| format!("{} {old} → {new}", field_label(f).to_lowercase()))
        })
        .collect();
    let what = if changes.is_empty() {
        "unchanged (it already has these values)".to_string()
    } else {
        changes.join("; ")
    };
    writeln!(
        Printable(std::io::stdout().lock()),
        "contact {} (#{}): {what}",
        current.spec.name,
        current.id
    )?;
    Ok(())
}

/// A field's value as the command line shows it: `-` for empty.
fn text_of(draft: &ContactDraft, field: &str) -> String {
    match draft.text(field) {
        t if t.is_empty() => "-".to_string(),
        t => t,
    }
}

fn delete(
    service: &mut Service,
    actor: &Actor,
    id: i64,
    new_primary: Option<i64>,
    yes: bool,
) -> anyhow::Result<()> {
    let k = service.contact(id)?;
    let name = format!(
        "contact {} (#{id}) of {}",
        k.spec.name,
        customer_label(service, k.customer_id)
    );
    // Asked before the confirmation: a primary needs its successor named on the line.
    let others: Vec<String> = service
        .contacts(k.customer_id)?
        .iter()
        .filter(|o| o.id != id)
        .map(|o| format!("{} is #{}", o.spec.name, o.id))
        .collect();
    if k.is_primary && !others.is_empty() && new_primary.is_none() {
        return Err(Stop::Refused(crate::text::printable(&format!(
            "{name} is the primary contact: give --new-primary ID, the contact that takes over ({})",
            others.join(", ")
        ))
        .into_owned())
        .into());
    }
    if !yes {
        confirm_delete(&format!("Delete {name}? Type its name"), &k.spec.name)?;
    }
    service.delete_contact(actor, id, new_primary)?;
    let mut out = Printable(std::io::stdout().lock());
    writeln!(out, "deleted {name}")?;
    if let Some(next) = new_primary.filter(|_| k.is_primary) {
        let next = service.contact(next)?;
        writeln!(
            out,
            "{} (#{}) is now the primary contact",
            next.spec.name, next.id
        )?;
    }
    Ok(())
}

fn set_password(service: &mut Service, actor: &Actor, args: SetPasswordArgs) -> anyhow::Result<()> {
    if args.email {
        return mail_password(service, actor, args.id);
    }
    let typed = args.stdin.then(|| read_password(PROMPT)).transpose()?;
    let generated = service.set_contact_password(
        actor,
        args.id,
        choice(&typed, args.generate).unwrap_or(PasswordChoice::Generate),
    )?;
    let k = service.contact(args.id)?;
    eprintln!(
        "{}",
        crate::text::printable(&format!(
            "portal password of {} (#{}, login {}) set",
            k.spec.name, k.id, k.spec.email
        ))
    );
    match &generated {
        Some(p) => print_generated(p),
        None => Ok(()),
    }
}

/// A generated password mailed to the contact by this process, at once.
fn mail_password(service: &mut Service, actor: &Actor, id: i64) -> anyhow::Result<()> {
    let couriers = service.couriers(&super::send_cmd::host_config()?)?;
    let mail = couriers.email.as_ref().map_err(|why| {
        Stop::Refused(
            crate::text::printable(&format!("email is not sent from here: {why}")).into_owned(),
        )
    })?;
    let k = service.mail_new_password(actor, id, mail, chrono::Utc::now().timestamp())?;
    eprintln!(
        "{}",
        crate::text::printable(&format!(
            "portal password of {} (#{}) set and mailed to {}",
            k.spec.name, k.id, k.spec.email
        ))
    );
    Ok(())
}

/// The generated password alone on one line of stdout, this once: only its hash is kept.
fn print_generated(password: &str) -> anyhow::Result<()> {
    writeln!(std::io::stdout().lock(), "{password}")?;
    eprintln!("Pass this password on now: only its hash is kept, so it cannot be shown again.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_header_names_the_columns_of_a_row() {
        let spec = ContactDraft {
            name: "Ana".into(),
            email: "ana@example.com".into(),
            ..ContactDraft::default()
        }
        .validate(None)
        .unwrap();
        let k = Contact {
            id: 1,
            customer_id: 2,
            spec,
            is_primary: true,
            has_password: false,
            version: 1,
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(Listed::new(&k)).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text.lines().next(), Some(LISTED_COLUMNS));
    }
}
