//! `carrierdesk sip-users`: customers' SIP users, their passwords, and the file a switch
//! loads them from.

use super::customers::{confirm_delete, write_rows};
use super::number_blocks_cmd::customer_label;
use super::password_input::read_password;
use super::{Stop, count};
use crate::domain::sip_export::SwitchFormat;
use crate::domain::sip_user::{Codec, NatPing};
use crate::domain::{Actor, SipUser, SipUserDraft, SipUserSpec, ip_list};
use crate::service::{PasswordChoice, Service};
use crate::text::{Printable, padded};
use anyhow::Context;
use clap::{Args, Subcommand};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// What a terminal shows before a typed SIP password.
const PROMPT: &str = "SIP password (at least 12 characters), then Enter: ";

#[derive(Subcommand, Debug)]
pub enum SipUsersCommand {
    /// SIP users of every customer, or of one, by username, with where their password stands.
    List(ListArgs),
    /// Every field of one SIP user.
    Show {
        id: i64,
        /// JSON on stdout: the fields as `list --json` gives them.
        #[arg(long)]
        json: bool,
    },
    /// Add a SIP user to a customer, checked by the console form's rules.
    Add(AddArgs),
    /// Change fields of a SIP user; a new username clears its password, whose digests
    /// include the username.
    Update(UpdateArgs),
    /// Delete a SIP user.
    Delete {
        id: i64,
        /// Do not ask for confirmation. Required when stdin is not a terminal.
        #[arg(long)]
        yes: bool,
    },
    /// Set a SIP user's password for the SIP realm in the settings: generated and shown
    /// once, or one line read from stdin.
    SetPassword(SetPasswordArgs),
    /// The SIP users of Active customers for the switch: rows for Kamailio's subscriber
    /// table, or a pjsip.conf fragment for Asterisk. Holds the HA1 digests: keep it private.
    Export(ExportArgs),
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Only this customer's SIP users.
    #[arg(long, value_name = "ID")]
    customer: Option<i64>,
    /// A JSON array: id, customer_id, the fields as `add` takes them, password ("set",
    /// "none" or "set again (realm changed)"), password_realm, version, updated_at.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// CSV with a header row: the same columns as --json.
    #[arg(long)]
    csv: bool,
}

/// The fields of a SIP user, as the console's form takes them and checked by its rules.
#[derive(Args, Debug)]
struct FieldArgs {
    /// The extension; once the customer has number blocks, a number inside one of them.
    #[arg(long, help_heading = "Fields")]
    username: Option<String>,
    /// Concurrent calls (a new SIP user has 1); a customer's SIP users together have no more
    /// than the customer.
    #[arg(long, allow_negative_numbers = true, help_heading = "Fields")]
    channels: Option<String>,
    /// Calls per second; 0, a new SIP user's, is unlimited.
    #[arg(long, allow_negative_numbers = true, help_heading = "Fields")]
    cps: Option<String>,
    /// udp (a new SIP user's), tcp, tls or tls_srtp (TLS with SRTP).
    #[arg(long, help_heading = "Fields")]
    protocol: Option<String>,
    /// The allowed codecs in order of preference, from alaw, ulaw, g729, g722, opus (a new
    /// SIP user has alaw,ulaw).
    #[arg(long, value_name = "LIST", help_heading = "Fields")]
    codecs: Option<String>,
    /// Addresses or CIDR ranges it may register from: 10.0.0.0/24,203.0.113.9 ('' for any).
    #[arg(long, value_name = "LIST", help_heading = "Fields")]
    whitelist: Option<String>,
    /// disabled (a new SIP user's), enabled, or seconds between pings (1 to 3600).
    #[arg(long, allow_negative_numbers = true, help_heading = "Fields")]
    nat_ping: Option<String>,
}

impl FieldArgs {
    /// Puts the given fields into `draft`; false when none was given.
    fn apply(self, draft: &mut SipUserDraft) -> bool {
        let given = [
            (self.username, &mut draft.username),
            (self.channels, &mut draft.channels),
            (self.cps, &mut draft.cps),
            (self.protocol, &mut draft.protocol),
            (self.codecs, &mut draft.codecs),
            (self.whitelist, &mut draft.whitelist),
            (self.nat_ping, &mut draft.nat_ping),
        ];
        let mut any = false;
        for (value, field) in given {
            if let Some(value) = value {
                *field = value;
                any = true;
            }
        }
        any
    }
}

#[derive(Args, Debug)]
#[command(mut_arg("username", |a| a.required(true)))]
pub struct AddArgs {
    /// The customer the SIP user belongs to.
    #[arg(long, value_name = "ID")]
    customer: i64,
    #[command(flatten)]
    fields: FieldArgs,
    /// Generate a password from the system's random source and print it once.
    #[arg(long, conflicts_with = "password_stdin")]
    generate_password: bool,
    /// Read the password from stdin: one line, at least 12 characters.
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
    /// Generate one from the system's random source and print it once.
    #[arg(long)]
    generate: bool,
    /// Read it from stdin: one line, at least 12 characters.
    #[arg(long)]
    stdin: bool,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// kamailio (CSV rows for the subscriber table) or asterisk-pjsip (a pjsip.conf fragment).
    #[arg(long, value_name = "FORMAT")]
    format: SwitchFormat,
    /// Write to this file, created readable by its owner only, instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(service: &mut Service, actor: &Actor, cmd: SipUsersCommand) -> anyhow::Result<()> {
    match cmd {
        SipUsersCommand::List(args) => list(service, args),
        SipUsersCommand::Show { id, json } => show(service, id, json),
        SipUsersCommand::Add(args) => add(service, actor, args),
        SipUsersCommand::Update(args) => update(service, actor, args),
        SipUsersCommand::Delete { id, yes } => delete(service, actor, id, yes),
        SipUsersCommand::SetPassword(args) => set_password(service, actor, args),
        SipUsersCommand::Export(args) => export(service, args),
    }
}

/// A SIP user as scripts see it: the fields as `add` and `update` take them (never the
/// password's digests, which `SipUser` does not carry).
#[derive(Serialize)]
struct Listed {
    id: i64,
    customer_id: i64,
    username: String,
    channels: u32,
    cps: u32,
    protocol: &'static str,
    ip_whitelist: String,
    nat_ping: String,
    codecs: String,
    password: &'static str,
    password_realm: Option<String>,
    version: i64,
    updated_at: String,
}

/// The fields of `Listed`, in order: the CSV header when no row carries it.
const LISTED_COLUMNS: &str = "id,customer_id,username,channels,cps,protocol,ip_whitelist,nat_ping,codecs,password,password_realm,version,updated_at";

impl Listed {
    fn new(u: &SipUser, realm: Option<&str>) -> Listed {
        let s = &u.spec;
        Listed {
            id: u.id,
            customer_id: u.customer_id,
            username: s.username.clone(),
            channels: s.channels,
            cps: s.cps,
            protocol: s.protocol.key(),
            ip_whitelist: ip_list::format(&s.whitelist),
            nat_ping: s.nat_ping.text(),
            codecs: Codec::list_text(&s.codecs),
            password: u.password_state(realm).label(),
            password_realm: u.password_realm.clone(),
            version: u.version,
            updated_at: u.updated_at.clone(),
        }
    }
}

fn list(service: &Service, args: ListArgs) -> anyhow::Result<()> {
    let realm = service.sip_realm()?;
    let listed: Vec<Listed> = service
        .sip_users(args.customer)?
        .iter()
        .map(|u| Listed::new(u, realm.as_deref()))
        .collect();
    if args.json || args.csv {
        let columns: Vec<&str> = LISTED_COLUMNS.split(',').collect();
        write_rows(&listed, &columns, args.json)
    } else {
        let mut out = Printable(std::io::stdout().lock());
        writeln!(
            out,
            "{:>7} {:>9}  {:<16} {:>8} {:>4}  {:<8} {:<20} PASSWORD",
            "ID", "CUSTOMER", "USERNAME", "CHANNELS", "CPS", "PROTOCOL", "CODECS"
        )?;
        for r in &listed {
            writeln!(
                out,
                "{:>7} {:>9}  {} {:>8} {:>4}  {:<8} {} {}",
                r.id,
                r.customer_id,
                padded(&r.username, 16),
                r.channels,
                r.cps,
                r.protocol,
                padded(&r.codecs, 20),
                r.password
            )?;
        }
        Ok(())
    }
}

fn show(service: &Service, id: i64, json: bool) -> anyhow::Result<()> {
    let u = service.sip_user(id)?;
    let realm = service.sip_realm()?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &Listed::new(&u, realm.as_deref()))?;
        writeln!(out)?;
        return Ok(());
    }
    let mut out = Printable(out);
    let s = &u.spec;
    writeln!(
        out,
        "SIP user {} (#{}) of {}",
        s.username,
        u.id,
        customer_label(service, u.customer_id)
    )?;
    let whitelist = match ip_list::format(&s.whitelist) {
        any if any.is_empty() => "any address".to_string(),
        list => list,
    };
    let nat_ping = match s.nat_ping {
        NatPing::Every(secs) => format!("every {secs} s"),
        other => other.text(),
    };
    let codecs: Vec<&str> = s.codecs.iter().map(|c| c.label()).collect();
    let password = match (&u.password_realm, u.password_state(realm.as_deref())) {
        (Some(r), state) => format!("{} (for realm {r})", state.label()),
        (None, state) => state.label().to_string(),
    };
    let cps = match s.cps {
        0 => "unlimited".to_string(),
        n => n.to_string(),
    };
    for (label, value) in [
        ("Username", s.username.clone()),
        ("Channels", s.channels.to_string()),
        ("CPS", cps),
        ("Protocol", s.protocol.label().to_string()),
        ("IP whitelist", whitelist),
        ("NAT ping", nat_ping),
        ("Codecs", codecs.join(", ")),
        ("Password", password),
        (
            "Version",
            format!("{}, updated {}", u.version, u.updated_at),
        ),
    ] {
        writeln!(out, "  {label:<15}{value}")?;
    }
    Ok(())
}

fn add(service: &mut Service, actor: &Actor, args: AddArgs) -> anyhow::Result<()> {
    let mut draft = SipUserDraft::default();
    args.fields.apply(&mut draft);
    let typed = args
        .password_stdin
        .then(|| read_password(PROMPT))
        .transpose()?;
    let choice = match &typed {
        Some(p) => Some(PasswordChoice::Typed(p)),
        None => args.generate_password.then_some(PasswordChoice::Generate),
    };
    let saved = service.create_sip_user(actor, args.customer, &draft, choice)?;
    let u = &saved.user;
    let mut out = Printable(std::io::stdout().lock());
    writeln!(
        out,
        "created SIP user {} (#{}) of {}",
        u.spec.username,
        u.id,
        customer_label(service, u.customer_id)
    )?;
    if let Some(p) = &saved.generated_password {
        show_generated(&mut out, p)?;
    }
    Ok(())
}

fn update(service: &mut Service, actor: &Actor, args: UpdateArgs) -> anyhow::Result<()> {
    let current = service.sip_user(args.id)?;
    let mut draft = SipUserDraft::from(&current.spec);
    if !args.fields.apply(&mut draft) {
        return Err(Stop::Usage(
            "give at least one field to change, like --channels 2 (see --help)".into(),
        )
        .into());
    }
    let saved = service.update_sip_user(actor, current.id, current.version, &draft)?;
    let changes = changes(&current.spec, &saved.user.spec);
    let what = if changes.is_empty() {
        "unchanged (it already has these values)".to_string()
    } else {
        changes.join("; ")
    };
    writeln!(
        Printable(std::io::stdout().lock()),
        "SIP user {} (#{}): {what}",
        current.spec.username,
        current.id
    )?;
    if saved.password_cleared {
        eprintln!(
            "its password was cleared: its digests were made with the old username; set it again (carrierdesk sip-users set-password {} --generate)",
            current.id
        );
    }
    Ok(())
}

/// "channels 1 → 2; codecs alaw,ulaw → g729", in the words the command line takes.
fn changes(before: &SipUserSpec, after: &SipUserSpec) -> Vec<String> {
    let shown = |spec: &SipUserSpec| {
        let d = SipUserDraft::from(spec);
        let whitelist = if d.whitelist.is_empty() {
            "any".to_string()
        } else {
            d.whitelist
        };
        [
            ("username", d.username),
            ("channels", d.channels),
            ("cps", d.cps),
            ("protocol", d.protocol),
            ("codecs", d.codecs),
            ("whitelist", whitelist),
            ("nat_ping", d.nat_ping),
        ]
    };
    shown(before)
        .into_iter()
        .zip(shown(after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((name, old), (_, new))| format!("{name} {old} → {new}"))
        .collect()
}

fn delete(service: &mut Service, actor: &Actor, id: i64, yes: bool) -> anyhow::Result<()> {
    let user = service.sip_user(id)?;
    let name = format!(
        "SIP user {} (#{id}) of {}",
        user.spec.username,
        customer_label(service, user.customer_id)
    );
    if !yes {
        confirm_delete(
            &format!("Delete {name}? Type its username"),
            &user.spec.username,
        )?;
    }
    service.delete_sip_user(actor, id)?;
    writeln!(Printable(std::io::stdout().lock()), "deleted {name}")?;
    Ok(())
}

fn set_password(service: &mut Service, actor: &Actor, args: SetPasswordArgs) -> anyhow::Result<()> {
    let typed = args.stdin.then(|| read_password(PROMPT)).transpose()?;
    let choice = match &typed {
        Some(p) => PasswordChoice::Typed(p),
        None => PasswordChoice::Generate,
    };
    let generated = service.set_sip_password(actor, args.id, choice)?;
    let user = service.sip_user(args.id)?;
    let mut out = Printable(std::io::stdout().lock());
    writeln!(
        out,
        "password of SIP user {} (#{}) set for realm {}",
        user.spec.username,
        user.id,
        user.password_realm.as_deref().unwrap_or_default()
    )?;
    if let Some(p) = &generated {
        show_generated(&mut out, p)?;
    }
    Ok(())
}

/// The generated password, on stdout this once: only its digests are kept.
fn show_generated(out: &mut impl Write, password: &str) -> std::io::Result<()> {
    writeln!(out, "password: {password}")?;
    eprintln!(
        "Give this password to the customer now: only its digests are kept, so it cannot be shown again."
    );
    Ok(())
}

fn export(service: &Service, args: ExportArgs) -> anyhow::Result<()> {
    let export = service.export_sip_users(args.format)?;
    for skipped in &export.skipped {
        eprintln!("skipped SIP user {skipped}");
    }
    match &args.out {
        Some(path) => {
            // HA1 is as good as the password to a registrar: the file is its owner's only.
            crate::private::write(path, &export.text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote {} to {}",
                count(export.exported, "SIP user"),
                path.display()
            );
        }
        None => std::io::stdout().lock().write_all(export.text.as_bytes())?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_header_names_the_columns_of_a_row() {
        let user = SipUser {
            id: 1,
            customer_id: 2,
            spec: SipUserDraft {
                username: "1001".into(),
                ..SipUserDraft::default()
            }
            .validate()
            .unwrap(),
            password_realm: None,
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(Listed::new(&user, None)).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text.lines().next(), Some(LISTED_COLUMNS));
    }
}
