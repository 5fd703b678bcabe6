//! `carrierdesk send` and `carrierdesk outbox`: messages to customers' contacts, queued in
//! the outbox, and the outbox itself.

use super::customers::{matching, write_rows};
use super::{Stop, count};
use crate::config::{Config, Dirs};
use crate::domain::contact::Category;
use crate::domain::message::{Kind, Status, Template};
use crate::domain::{Actor, Filter};
use crate::service::{Delivered, Service};
use crate::text::{Printable, padded};
use clap::{Args, Subcommand};
use std::io::Write;

#[derive(Subcommand, Debug)]
pub enum SendCommand {
    /// Email the contacts of customers, each their own message.
    Email(EmailArgs),
    /// An SMS to the mobile of the contacts of customers.
    Sms(SmsArgs),
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("who").required(true).args(["customer", "filter", "all"]))]
pub struct Audience {
    /// This customer's contacts.
    #[arg(long, value_name = "ID")]
    customer: Option<i64>,
    /// The contacts of the customers the board's filter matches: 'status:active tag:wholesale'.
    #[arg(long, value_name = "EXPR", value_parser = parse_filter)]
    filter: Option<Filter>,
    /// Every customer's contacts.
    #[arg(long)]
    all: bool,
    /// Which contacts: those receiving general (the default) or financial messages.
    #[arg(long, default_value = "general", value_parser = parse_category)]
    category: Category,
    /// Say how many contacts would get it and show the first message; queue nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args, Debug)]
pub struct EmailArgs {
    #[command(flatten)]
    who: Audience,
    /// The subject; placeholders {customer} {contact} {balance} {available} {currency}.
    #[arg(long)]
    subject: String,
    /// The text, with the same placeholders.
    #[arg(long)]
    body: String,
}

#[derive(Args, Debug)]
pub struct SmsArgs {
    #[command(flatten)]
    who: Audience,
    /// The text (at most 1,600 characters), with the placeholders of an email.
    #[arg(long)]
    body: String,
}

#[derive(Subcommand, Debug)]
pub enum OutboxCommand {
    /// Deliver what is due, until nothing is: for cron, e.g. every minute. Exit 0 when all
    /// went (or waits to be retried), 3 when a message failed for good.
    Send {
        /// At most this many messages.
        #[arg(long, default_value_t = 100_000)]
        limit: usize,
    },
    /// Send a test email or SMS to TO at once (not queued) and say what the server answered.
    Test {
        /// email or sms.
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        /// An email address, or a mobile number in E.164 (+447700900123).
        to: String,
    },
    /// The queue and the last 24 hours, newest first.
    List {
        /// Only messages in this state: queued, sending, sent or failed.
        #[arg(long, value_parser = parse_status)]
        status: Option<Status>,
        /// A JSON array: id, kind, customer_id, contact_id, recipient, subject, body,
        /// message_id, status, reason, attempts, next_at, queued_by, created_at, sent_at.
        #[arg(long)]
        json: bool,
    },
}

fn parse_filter(s: &str) -> Result<Filter, String> {
    Filter::parse(s).map_err(|e| e.to_string())
}

fn parse_category(s: &str) -> Result<Category, String> {
    match Category::parse_list(s)?.as_slice() {
        [one] => Ok(*one),
        _ => Err("one category: general or financial".into()),
    }
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| format!("'{s}' is not a kind of message: email or sms"))
}

/// This host's config file, where a mail server's password or a gateway's token may be.
pub(super) fn host_config() -> anyhow::Result<Config> {
    let path = Dirs::discover().ok().map(|d| d.config_file);
    Config::load(path.as_deref())
}

fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s).ok_or_else(|| format!("'{s}' is not a state: queued, sending, sent or failed"))
}

pub fn send(service: &mut Service, actor: &Actor, cmd: SendCommand) -> anyhow::Result<()> {
    let (who, template) = match cmd {
        SendCommand::Email(a) => (
            a.who,
            Template {
                kind: Kind::Email,
                subject: a.subject,
                body: a.body,
            },
        ),
        SendCommand::Sms(a) => (
            a.who,
            Template {
                kind: Kind::Sms,
                subject: String::new(),
                body: a.body,
            },
        ),
    };
    let customers: Vec<i64> = match (who.customer, &who.filter) {
        (Some(id), _) => vec![id],
        (None, Some(filter)) if filter.is_empty() => {
            return Err(Stop::Usage(
                "the --filter is empty and would reach every customer; give --all if that is what you mean".into(),
            )
            .into());
        }
        (None, filter) => matching(service, filter.as_ref())?,
    };
    let plan = service.plan_send(&customers, &template, who.category)?;
    let mut out = Printable(std::io::stdout().lock());
    let left_out = match plan.without_address {
        0 => String::new(),
        n => format!(
            "; {} of the category without {} left out",
            count(n, "contact"),
            match template.kind {
                Kind::Email => "an email address",
                Kind::Sms => "a mobile",
            }
        ),
    };
    let what = format!(
        "{} to {} of {}{left_out}",
        template.kind.label(),
        count(plan.messages.len(), "contact"),
        count(plan.customers, "customer")
    );
    if plan.messages.is_empty() {
        return Err(Stop::Refused(format!("nothing to send: no {what}")).into());
    }
    if let Some((to, subject, body)) = plan.first() {
        writeln!(out, "first message, to {to}:")?;
        if !subject.is_empty() {
            writeln!(out, "  Subject: {subject}")?;
        }
        for line in body.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    if who.dry_run {
        writeln!(out, "would queue {what} (dry run: nothing queued)")?;
        return Ok(());
    }
    let ids = service.queue(actor, &plan, chrono::Utc::now().timestamp())?;
    writeln!(
        out,
        "queued {what} (outbox {}–{}); a running console or `carrierdesk outbox send` delivers them",
        ids.first().copied().unwrap_or_default(),
        ids.last().copied().unwrap_or_default()
    )?;
    Ok(())
}

pub fn outbox(service: &mut Service, cmd: OutboxCommand) -> anyhow::Result<()> {
    match cmd {
        OutboxCommand::Send { limit } => deliver(service, limit),
        OutboxCommand::Test { kind, to } => {
            let couriers = service.couriers(&host_config()?)?;
            match couriers.send_test(kind, &to) {
                Ok(answer) => {
                    writeln!(Printable(std::io::stdout().lock()), "{answer}")?;
                    Ok(())
                }
                Err(why) => Err(Stop::Refused(crate::text::printable(&why).into_owned()).into()),
            }
        }
        OutboxCommand::List { status, json } => {
            let since = crate::store::time_text(chrono::Utc::now() - chrono::Duration::hours(24));
            let rows = service.outbox(status, &since, 100_000)?;
            if json {
                let columns: Vec<&str> = Vec::new();
                return write_rows(&rows, &columns, true);
            }
            let mut out = Printable(std::io::stdout().lock());
            writeln!(
                out,
                "{:>7} {:<5} {:<8} {:<32} {:<20} {:>3}  REASON",
                "ID", "KIND", "STATUS", "RECIPIENT", "CREATED", "TRY"
            )?;
            for m in &rows {
                writeln!(
                    out,
                    "{:>7} {:<5} {:<8} {} {:<20} {:>3}  {}",
                    m.id,
                    m.kind.key(),
                    m.status.key(),
                    padded(&m.recipient, 32),
                    m.created_at,
                    m.attempts,
                    m.reason
                )?;
            }
            Ok(())
        }
    }
}

/// Delivers rounds of due messages until a round finds none, or `limit` are handled.
fn deliver(service: &mut Service, limit: usize) -> anyhow::Result<()> {
    let couriers = service.couriers(&host_config()?)?;
    for (kind, why) in couriers.missing() {
        eprintln!(
            "{} is not delivered from here: {}",
            kind.label(),
            crate::text::printable(why)
        );
    }
    let ready = couriers.ready();
    let sender = crate::service::sender_name();
    let mut total = Delivered::default();
    while total.handled() < limit {
        let round = limit.saturating_sub(total.handled()).min(ROUND);
        let done = service.deliver(&ready, &sender, chrono::Utc::now().timestamp(), round)?;
        if done.handled() == 0 {
            break;
        }
        total.sent += done.sent;
        total.retried += done.retried;
        total.failed += done.failed;
        total.lost += done.lost;
    }
    writeln!(
        Printable(std::io::stdout().lock()),
        "sent {}, to be retried {}, failed {}{}",
        total.sent,
        total.retried,
        total.failed,
        match total.lost {
            0 => String::new(),
            n => format!(", {} taken over by another sender", count(n, "message")),
        }
    )?;
    if total.failed > 0 {
        return Err(Stop::Refused(format!(
            "{} failed for good: carrierdesk outbox list --status failed says why",
            count(total.failed, "message")
        ))
        .into());
    }
    Ok(())
}

/// Messages claimed at a time: a sender that dies leaves at most these to wait out their
/// lease.
const ROUND: usize = 50;
