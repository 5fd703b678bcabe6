//! The couriers this process can deliver with: the mail server and the SMS gateway the
//! shared settings name, with the password and token this host holds (its config file or
//! environment). A kind this host cannot deliver is never claimed here: another console,
//! or cron on a host that holds the secret, delivers it.

use super::outbox::Courier;
use super::{Result, Service};
use crate::config::Config;
use crate::delivery::sms::{SmsConfig, SmsGateway};
use crate::delivery::smtp::{Mailer, SmtpConfig};
use crate::delivery::{Envelope, Outcome, sms_token, smtp_password};
use crate::domain::message::{Kind, Outgoing};

/// Each kind's courier, or why this host cannot deliver that kind.
pub struct Couriers {
    pub email: std::result::Result<Mailer, String>,
    pub sms: std::result::Result<SmsGateway, String>,
}

impl Couriers {
    /// The couriers that can deliver.
    pub fn ready(&self) -> Vec<&dyn Courier> {
        let mut out: Vec<&dyn Courier> = Vec::new();
        if let Ok(m) = &self.email {
            out.push(m);
        }
        if let Ok(s) = &self.sms {
            out.push(s);
        }
        out
    }

    /// Why a kind is not delivered from here, for each kind that is not.
    pub fn missing(&self) -> Vec<(Kind, &str)> {
        let mut out = Vec::new();
        if let Err(why) = &self.email {
            out.push((Kind::Email, why.as_str()));
        }
        if let Err(why) = &self.sms {
            out.push((Kind::Sms, why.as_str()));
        }
        out
    }
}

impl Service {
    /// The couriers the settings and this host's secrets make.
    pub fn couriers(&self, config: &Config) -> Result<Couriers> {
        let settings = self.settings()?;
        let get = |key: &str| {
            settings
                .iter()
                .find(|s| s.key == key)
                .and_then(|s| s.value.clone())
        };
        let email = smtp_password(config)
            .and_then(|password| SmtpConfig::from_settings(get, password))
            .and_then(Mailer::new);
        let sms = sms_token(config)
            .and_then(|token| SmsConfig::from_settings(get, token))
            .and_then(SmsGateway::new);
        Ok(Couriers { email, sms })
    }
}

impl Couriers {
    /// Sends a test message of `kind` to `to` at once, not through the outbox, and says
    /// what the server answered: Ok when it took the message.
    pub fn send_test(&self, kind: Kind, to: &str) -> std::result::Result<String, String> {
        let courier: &dyn Courier = match kind {
            Kind::Email => self.email.as_ref().map(|m| m as &dyn Courier),
            Kind::Sms => self.sms.as_ref().map(|s| s as &dyn Courier),
        }
        .map_err(|why| format!("no {} can be sent from here: {why}", kind.label()))?;
        let (subject, body) = match kind {
            Kind::Email => (
                "carrierdesk test message",
                "This is a test of the mail settings of carrierdesk. Nothing to do.",
            ),
            Kind::Sms => ("", "carrierdesk test SMS: the SMS settings work."),
        };
        let id =
            crate::domain::message::message_id(super::outbox::random_id(), "carrierdesk.invalid");
        let message = Outgoing::direct(kind, to, subject, body, &id);
        match courier.deliver(&message) {
            Outcome::Accepted(answer) => Ok(format!("accepted: {answer}")),
            Outcome::Temporary(why) => Err(format!("not now (a temporary failure): {why}")),
            Outcome::Permanent(why) => Err(format!("refused: {why}")),
        }
    }
}

fn envelope(m: &Outgoing) -> Envelope<'_> {
    Envelope {
        to: &m.recipient,
        subject: &m.subject,
        body: &m.body,
        message_id: &m.message_id,
    }
}

impl Courier for Mailer {
    fn kind(&self) -> Kind {
        Kind::Email
    }

    fn deliver(&self, message: &Outgoing) -> Outcome {
        self.send(&envelope(message))
    }
}

impl Courier for SmsGateway {
    fn kind(&self) -> Kind {
        Kind::Sms
    }

    fn deliver(&self, message: &Outgoing) -> Outcome {
        self.send(&envelope(message))
    }
}
