//! Messages to customers' contacts: chosen by messaging category, rendered for each
//! recipient, queued in one transaction with the SEND audit rows, and delivered by any
//! sender (a console in the background, or `carrierdesk outbox send`) that claims them under
//! a lease, so that each message goes once in normal operation.

use super::{Result, Service, ServiceError, commit};
use crate::domain::contact::Category;
use crate::domain::message::{
    Kind, LEASE_SECONDS, MAX_ATTEMPTS, Outcome, Outgoing, Status, Template, Values, backoff,
    message_id,
};
use crate::domain::{Actor, Change, Contact, Customer, Topic, Verb};
use crate::store::{self, Finish, NewAudit, NewMessage};
use serde_json::json;
use std::collections::BTreeMap;

/// What a send would do: how many contacts get a message, of how many customers, who is
/// left out, and the first message as it will read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPlan {
    pub messages: Vec<NewMessage>,
    /// Customers with at least one recipient.
    pub customers: usize,
    /// Contacts of the category left out for want of an address (an SMS needs a mobile).
    pub without_address: usize,
}

impl SendPlan {
    /// The first message, rendered: (recipient, subject, body).
    pub fn first(&self) -> Option<(&str, &str, &str)> {
        self.messages
            .first()
            .map(|m| (m.recipient.as_str(), m.subject.as_str(), m.body.as_str()))
    }
}

/// Something that delivers messages of one kind: a mail server, an SMS gateway.
pub trait Courier {
    fn kind(&self) -> Kind;
    fn deliver(&self, message: &Outgoing) -> Outcome;
}

/// What one round of delivery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Temporary failures, queued again for later.
    pub retried: usize,
    pub failed: usize,
    /// Claimed, but another sender took them over after this one's lease ran out.
    pub lost: usize,
}

impl Delivered {
    pub fn handled(&self) -> usize {
        self.sent + self.retried + self.failed + self.lost
    }
}

impl Service {
    /// The messages `template` makes for the contacts of `customers` who receive
    /// `category`: one per contact (nobody sees another recipient), an email to the contact's
    /// address, an SMS to its mobile.
    pub fn plan_send(
        &self,
        customers: &[i64],
        template: &Template,
        category: Category,
    ) -> Result<SendPlan> {
        if let Some((field, message)) = template.problem() {
            return Err(ServiceError::Invalid { field, message });
        }
        let domain = self.message_domain()?;
        let mut plan = SendPlan {
            messages: Vec::new(),
            customers: 0,
            without_address: 0,
        };
        for &id in customers {
            let customer = self.customer(id)?;
            let mut any = false;
            for k in self.store.contacts(id)? {
                if !k.receives(category) {
                    continue;
                }
                let to = match template.kind {
                    Kind::Email => k.spec.email.clone(),
                    Kind::Sms => k.spec.mobile.clone(),
                };
                if to.trim().is_empty() {
                    plan.without_address += 1;
                    continue;
                }
                let (subject, body) = template.render(&values(&customer, &k));
                plan.messages.push(NewMessage {
                    kind: template.kind,
                    customer_id: id,
                    contact_id: k.id,
                    recipient: to,
                    subject,
                    body,
                    message_id: message_id(random_id(), &domain),
                });
                any = true;
            }
            plan.customers += usize::from(any);
        }
        Ok(plan)
    }

    /// The domain of the From address, which Message-IDs end in (empty when unset).
    pub(super) fn message_domain(&self) -> Result<String> {
        Ok(self
            .setting("from_address")?
            .value
            .and_then(|a| a.split_once('@').map(|(_, d)| d.to_string()))
            .unwrap_or_default())
    }

    /// Queues the plan's messages with a SEND audit row per customer, in one transaction:
    /// all of them or none. Returns the outbox ids.
    pub fn queue(&mut self, actor: &Actor, plan: &SendPlan, now: i64) -> Result<Vec<i64>> {
        let now_text = store::now_text();
        let tx = self.store.write()?;
        let ids = store::enqueue(&tx, &plan.messages, &actor.name, now, &now_text)?;
        let mut by_customer: BTreeMap<i64, Vec<&NewMessage>> = BTreeMap::new();
        for m in &plan.messages {
            by_customer.entry(m.customer_id).or_default().push(m);
        }
        for (customer, messages) in &by_customer {
            let first = messages[0];
            let recipients: Vec<&str> = messages.iter().map(|m| m.recipient.as_str()).collect();
            NewAudit {
                actor,
                verb: Verb::Send,
                table: "outbox",
                row_id: *customer,
                customer_id: Some(*customer),
                message: &format!(
                    "Send {} to {}",
                    first.kind.label(),
                    crate::domain::count(messages.len(), "contact")
                ),
                data: &json!({
                    "kind": first.kind.key(),
                    "subject": first.subject,
                    "recipients": recipients,
                }),
            }
            .insert(&tx, &now_text)?;
        }
        commit(
            tx,
            [Change::ids(Topic::Messages, by_customer.keys().copied())],
        )?;
        Ok(ids)
    }

    /// The queue and what was created since `since` (RFC 3339 UTC), newest first.
    pub fn outbox(
        &self,
        status: Option<Status>,
        since: &str,
        limit: usize,
    ) -> Result<Vec<Outgoing>> {
        Ok(self.store.outbox(status, since, limit)?)
    }

    /// One round of delivery as `sender` (host and process): claims up to `limit` due
    /// messages of the kinds `couriers` carry, hands each to its courier while the claim is
    /// still its own (renewing the lease; one another sender took over counts as lost), and
    /// records what the server said. A temporary failure is queued again after `backoff` until
    /// `MAX_ATTEMPTS`; a permanent one fails with the server's reason.
    pub fn deliver(
        &mut self,
        couriers: &[&dyn Courier],
        sender: &str,
        now: i64,
        limit: usize,
    ) -> Result<Delivered> {
        let kinds: Vec<Kind> = couriers.iter().map(|c| c.kind()).collect();
        let tx = self.store.write()?;
        let claimed = store::claim_outbox(&tx, &kinds, sender, now, now + LEASE_SECONDS, limit)?;
        commit(tx, [Change::many(Topic::Messages)])?;
        let started = std::time::Instant::now();
        let mut done = Delivered::default();
        for m in &claimed {
            let Some(courier) = couriers.iter().find(|c| c.kind() == m.kind) else {
                continue;
            };
            // A slow server can make the round outlast the lease the messages were claimed
            // under, and another sender take the rest over: hand a message to its server
            // only while it is still ours, with a lease from now.
            let elapsed = i64::try_from(started.elapsed().as_secs()).unwrap_or(i64::MAX);
            let lease_until = now.saturating_add(elapsed).saturating_add(LEASE_SECONDS);
            if !self.store.renew_outbox_lease(m.id, sender, lease_until)? {
                done.lost += 1;
                continue;
            }
            let outcome = courier.deliver(m);
            let at = store::now_text();
            let how = match &outcome {
                Outcome::Accepted(answer) => Finish::Sent { answer, at: &at },
                Outcome::Temporary(reason) if m.attempts < MAX_ATTEMPTS => Finish::Retry {
                    reason,
                    at: now + backoff(m.attempts),
                },
                Outcome::Temporary(reason) | Outcome::Permanent(reason) => {
                    Finish::Failed { reason }
                }
            };
            let tx = self.store.write()?;
            let kept = store::finish_outbox(&tx, m.id, sender, &how)?;
            commit(tx, [Change::ids(Topic::Messages, m.customer_id)])?;
            match (kept, how) {
                (false, _) => done.lost += 1,
                (true, Finish::Sent { .. }) => done.sent += 1,
                (true, Finish::Retry { .. }) => done.retried += 1,
                (true, Finish::Failed { .. }) => done.failed += 1,
            }
        }
        Ok(done)
    }
}

/// This process as a sender names itself in the outbox: host and process id, so that a
/// message's claim says who holds it.
pub fn sender_name() -> String {
    let host = whoami::hostname().unwrap_or_else(|_| "localhost".into());
    format!("{host}:{}", std::process::id())
}

/// What the placeholders stand for in a message to contact `k` of `c`.
fn values(c: &Customer, k: &Contact) -> Values {
    Values {
        customer: c.name.clone(),
        contact: k.spec.name.clone(),
        balance: c.currency.display(c.balance),
        available: c.currency.display(c.available()),
        currency: c.currency.code().to_string(),
    }
}

/// 16 bytes from the operating system's random source, for a Message-ID.
pub(super) fn random_id() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    // A Message-ID only needs to be unique; should the random source fail, the clock is.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = chrono::Utc::now()
            .timestamp_nanos_opt()
            .unwrap_or_default()
            .to_le_bytes();
        bytes[..8].copy_from_slice(&nanos);
    }
    bytes
}
