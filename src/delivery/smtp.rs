//! Mail over SMTP: the settings it needs, checked once with messages that name the setting,
//! and a `Mailer` that sends one message to one recipient and says what the server answered.
//!
//! The mailer keeps its connections (a small pool) between messages, and drives lettre's
//! async transport on a current-thread tokio runtime of its own, so that its callers (a
//! sender thread, the command line) simply block. It must not be used from inside another
//! tokio runtime's task.

use super::{Envelope, Outcome, is_loopback, one_line};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::response::Response;
use lettre::transport::smtp::{AsyncSmtpTransport, PoolConfig};
use lettre::{Address, AsyncTransport, Tokio1Executor};
use std::error::Error as _;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

/// How the connection to the mail server is encrypted (the `smtp_tls` setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain at first, then STARTTLS, which must succeed (port 587).
    StartTls,
    /// No encryption (port 25 between servers, or a relay on this host).
    None,
}

impl SmtpTls {
    /// What a well-known port implies: 465 TLS, 587 STARTTLS, 25 none. For any other port
    /// None: `smtp_tls` must say.
    pub fn for_port(port: u16) -> Option<SmtpTls> {
        match port {
            465 => Some(SmtpTls::Tls),
            587 => Some(SmtpTls::StartTls),
            25 => Some(SmtpTls::None),
            _ => None,
        }
    }

    /// From the setting's words: `tls`, `starttls`, `none`.
    pub fn parse(text: &str) -> Option<SmtpTls> {
        match text.trim().to_ascii_lowercase().as_str() {
            "tls" => Some(SmtpTls::Tls),
            "starttls" => Some(SmtpTls::StartTls),
            "none" => Some(SmtpTls::None),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            SmtpTls::Tls => "tls",
            SmtpTls::StartTls => "starttls",
            SmtpTls::None => "none",
        }
    }

    fn label(self) -> &'static str {
        match self {
            SmtpTls::Tls => "TLS",
            SmtpTls::StartTls => "STARTTLS",
            SmtpTls::None => "no encryption",
        }
    }
}

/// How long a connection attempt, or one message on an open connection, may take before
/// the try counts as a temporary failure.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Where mail goes and as whom. `Debug` leaves the password out.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from_address: String,
    pub from_name: Option<String>,
    /// The longest a connection attempt, or one message, may take.
    pub timeout: Duration,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .field("from_address", &self.from_address)
            .field("from_name", &self.from_name)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl SmtpConfig {
    /// The configuration from the shared settings (`get` gives a setting's value, None when
    /// unset) and the password (`delivery::smtp_password`). Refusals name the setting.
    pub fn from_settings(
        get: impl Fn(&str) -> Option<String>,
        password: Option<String>,
    ) -> Result<SmtpConfig, String> {
        let get = |key: &str| super::setting(&get, key);
        let from_address = get("from_address").ok_or(
            "from_address is not set: the address mail to customers comes from \
             (settings set from_address noc@example.com)",
        )?;
        let server = get("smtp_server").ok_or(
            "smtp_server is not set: the mail server as host:port \
             (settings set smtp_server mail.example.com:587)",
        )?;
        let (host, port) = split_host_port(&server)
            .ok_or_else(|| format!("smtp_server must be host:port, not {}", one_line(&server)))?;
        let tls = match get("smtp_tls") {
            Some(words) => {
                SmtpTls::parse(&words).ok_or("smtp_tls must be tls, starttls or none")?
            }
            None => SmtpTls::for_port(port).ok_or_else(|| {
                format!(
                    "smtp_tls is not set, and port {port} does not tell how the connection is \
                     encrypted: set smtp_tls to tls, starttls or none"
                )
            })?,
        };
        let cfg = SmtpConfig {
            host,
            port,
            tls,
            username: get("smtp_username"),
            password: password.filter(|p| !p.is_empty()),
            from_address,
            from_name: get("from_name"),
            timeout: DEFAULT_TIMEOUT,
        };
        cfg.check()?;
        Ok(cfg)
    }

    /// What makes this configuration unusable, in words that name the setting.
    fn check(&self) -> Result<(), String> {
        if self.from_address.parse::<Address>().is_err() {
            return Err("from_address is not an email address".into());
        }
        if self.host.is_empty() || self.port == 0 {
            return Err("smtp_server must be host:port".into());
        }
        if self.username.is_some() && self.password.is_none() {
            return Err(
                "smtp_username is set, but there is no password: give it in \
                 CARRIERDESK_SMTP_PASSWORD or smtp_password in the config file"
                    .into(),
            );
        }
        if self.login().is_some() && self.tls == SmtpTls::None && !is_loopback(&self.host) {
            return Err(format!(
                "smtp_tls is none: the login for smtp_username would cross the network to {} \
                 unencrypted; set smtp_tls to starttls or tls (only a server on this host may \
                 go without)",
                self.host
            ));
        }
        Ok(())
    }

    /// The user name and password, when both are given.
    fn login(&self) -> Option<(&str, &str)> {
        Some((self.username.as_deref()?, self.password.as_deref()?))
    }

    fn tls_parameters(&self) -> Result<TlsParameters, String> {
        TlsParameters::new(self.host.clone())
            .map_err(|e| one_line(&format!("TLS for {}: {}", self.host, chain(&e))))
    }
}

/// `host:port`, `[v6]:port`; the host without brackets.
fn split_host_port(text: &str) -> Option<(String, u16)> {
    let (host, port) = text.rsplit_once(':')?;
    let port = port.parse::<u16>().ok().filter(|p| *p > 0)?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    ((!host.is_empty() && !host.contains(':')) || host.parse::<std::net::Ipv6Addr>().is_ok())
        .then(|| (host.to_ascii_lowercase(), port))
}

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// Sends mail, one message to one recipient at a time, over pooled connections.
pub struct Mailer {
    cfg: SmtpConfig,
    from: Mailbox,
    /// None only while a transport that timed out is replaced.
    transport: Mutex<Option<Transport>>,
    runtime: tokio::runtime::Runtime,
}

impl Mailer {
    /// A mailer for `cfg`; it connects when the first message goes (or on `test`).
    pub fn new(cfg: SmtpConfig) -> Result<Mailer, String> {
        cfg.check()?;
        let address = cfg
            .from_address
            .parse::<Address>()
            .map_err(|_| "from_address is not an email address".to_string())?;
        let from = Mailbox::new(cfg.from_name.clone(), address);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the mailer's runtime: {e}"))?;
        let transport = {
            // The pool starts its housekeeping task on the runtime at once.
            let _context = runtime.enter();
            build_transport(&cfg)?
        };
        Ok(Mailer {
            cfg,
            from,
            transport: Mutex::new(Some(transport)),
            runtime,
        })
    }

    /// Sends one message and says what the server answered. Blocks until then, or until
    /// the configured timeout.
    pub fn send(&self, e: &Envelope) -> Outcome {
        let message = match self.message(e) {
            Ok(m) => m,
            Err(outcome) => return outcome,
        };
        let mut slot = self.transport.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            let _context = self.runtime.enter();
            match build_transport(&self.cfg) {
                Ok(t) => *slot = Some(t),
                Err(why) => return Outcome::Temporary(why),
            }
        }
        let transport = slot.as_ref().expect("set above");
        let timeout = self.cfg.timeout;
        let result = self.runtime.block_on(async {
            let result = tokio::time::timeout(timeout, transport.send(message)).await;
            // The connection goes back to the pool in a task of its own: let it run now,
            // or the next message would find the pool empty and open a second connection.
            for _ in 0..4 {
                tokio::task::yield_now().await;
            }
            result
        });
        match result {
            Ok(Ok(response)) => Outcome::Accepted(reply_line(&response)),
            Ok(Err(err)) => self.outcome_of(&err),
            Err(_) => {
                // A connection stopped in the middle of a command must never be used again:
                // the whole pool goes, and the next message starts afresh.
                if let Some(old) = slot.take() {
                    self.runtime.block_on(async {
                        let _ = tokio::time::timeout(Duration::from_secs(2), old.shutdown()).await;
                    });
                    let _context = self.runtime.enter();
                    drop(old);
                }
                Outcome::Temporary(format!(
                    "{}: no answer within {} s",
                    self.server(),
                    timeout.as_secs_f64()
                ))
            }
        }
    }

    /// Connects, encrypts as configured, logs in when there is a user name, and says what
    /// the server answered: for a "Send test email" action, before any message goes.
    pub fn test(&self) -> Result<String, String> {
        let timeout = self.cfg.timeout;
        self.runtime.block_on(async {
            match tokio::time::timeout(timeout, self.probe()).await {
                Ok(result) => result,
                Err(_) => Err(format!(
                    "{}: no answer within {} s",
                    self.server(),
                    timeout.as_secs_f64()
                )),
            }
        })
    }

    async fn probe(&self) -> Result<String, String> {
        let cfg = &self.cfg;
        let hello = ClientId::default();
        let fail = |e: lettre::transport::smtp::Error| self.describe(&e);
        let wrapper = match cfg.tls {
            SmtpTls::Tls => Some(cfg.tls_parameters()?),
            _ => None,
        };
        let mut conn = AsyncSmtpConnection::connect_tokio1(
            (cfg.host.as_str(), cfg.port),
            Some(cfg.timeout),
            &hello,
            wrapper,
            None,
        )
        .await
        .map_err(fail)?;
        if cfg.tls == SmtpTls::StartTls {
            conn.starttls(cfg.tls_parameters()?, &hello)
                .await
                .map_err(fail)?;
        }
        let login = match cfg.login() {
            Some((user, password)) => {
                let answer = conn
                    .auth(
                        DEFAULT_MECHANISMS,
                        &Credentials::new(user.to_string(), password.to_string()),
                    )
                    .await
                    .map_err(fail)?;
                format!("logged in as {user} ({})", reply_line(&answer))
            }
            None => "no login".to_string(),
        };
        let name = one_line(conn.server_info().name());
        let _ = conn.quit().await;
        Ok(format!(
            "{name} answered at {} with {}; {login}",
            self.server(),
            cfg.tls.label()
        ))
    }

    fn message(&self, e: &Envelope) -> Result<Message, Outcome> {
        let to: Mailbox = e.to.trim().parse().map_err(|_| {
            Outcome::Permanent(format!("{} is not an email address", one_line(e.to)))
        })?;
        let message_id = Some(e.message_id.trim())
            .filter(|id| !id.is_empty())
            .map(str::to_string);
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(e.subject)
            .message_id(message_id)
            .date_now()
            .header(ContentType::TEXT_PLAIN)
            .body(e.body.to_string())
            .map_err(|err| Outcome::Permanent(one_line(&format!("not a valid message: {err}"))))
    }

    /// A refusal for good is a 5xx reply to this message; anything else may pass later.
    /// A refused login (530, 534, 535, 538) is 5xx too, but it says nothing about the
    /// message: it waits, and is tried again after the login is put right.
    fn outcome_of(&self, err: &lettre::transport::smtp::Error) -> Outcome {
        let text = self.describe(err);
        match err.status().map(u16::from) {
            Some(530 | 534 | 535 | 538) => Outcome::Temporary(format!(
                "{text} (the mail server refused the login: check smtp_username and the password)"
            )),
            Some(_) if err.is_permanent() => Outcome::Permanent(text),
            _ => Outcome::Temporary(text),
        }
    }

    /// The server's reply as `550 5.1.1 …` when it gave one; else what went wrong, with the
    /// server's address.
    fn describe(&self, err: &lettre::transport::smtp::Error) -> String {
        match err.status() {
            Some(code) => {
                let words = err.source().map(|s| s.to_string()).unwrap_or_default();
                one_line(&format!("{code} {words}"))
            }
            None => one_line(&format!("{}: {}", self.server(), chain(err))),
        }
    }

    fn server(&self) -> String {
        if self.cfg.host.contains(':') {
            format!("[{}]:{}", self.cfg.host, self.cfg.port)
        } else {
            format!("{}:{}", self.cfg.host, self.cfg.port)
        }
    }
}

impl Drop for Mailer {
    fn drop(&mut self) {
        let slot = self.transport.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some(transport) = slot.take() {
            // QUIT on the idle connections, briefly; the pool's tasks need the runtime.
            self.runtime.block_on(async {
                let _ = tokio::time::timeout(Duration::from_secs(2), transport.shutdown()).await;
            });
            let _context = self.runtime.enter();
            drop(transport);
        }
    }
}

fn build_transport(cfg: &SmtpConfig) -> Result<Transport, String> {
    let tls = match cfg.tls {
        SmtpTls::None => Tls::None,
        SmtpTls::StartTls => Tls::Required(cfg.tls_parameters()?),
        SmtpTls::Tls => Tls::Wrapper(cfg.tls_parameters()?),
    };
    let mut builder = Transport::builder_dangerous(cfg.host.clone())
        .port(cfg.port)
        .tls(tls)
        .timeout(Some(cfg.timeout))
        // Messages go one at a time (`send` holds the lock): one connection, kept open
        // between them, is all a pool needs to hold.
        .pool_config(
            PoolConfig::new()
                .max_size(1)
                .idle_timeout(Duration::from_secs(60)),
        );
    if let Some((user, password)) = cfg.login() {
        builder = builder.credentials(Credentials::new(user.to_string(), password.to_string()));
    }
    Ok(builder.build())
}

/// `250 2.0.0 Ok: queued as …`: the code and every line of the reply, on one line.
fn reply_line(response: &Response) -> String {
    let lines: Vec<&str> = response.message().collect();
    one_line(&format!("{} {}", response.code(), lines.join(" ")))
}

/// An error and its causes, each said once.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let words = cause.to_string();
        if !text.contains(&words) {
            text.push_str(": ");
            text.push_str(&words);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("from_address", "noc@carrier.example"),
            ("from_name", "Carrier NOC"),
            ("smtp_server", "mail.carrier.example:587"),
        ]
    }

    fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut all = base();
        for (k, v) in extra {
            all.retain(|(key, _)| key != k);
            if !v.is_empty() {
                all.push((k, v));
            }
        }
        all
    }

    #[test]
    fn well_known_ports_imply_their_encryption_others_must_say() {
        assert_eq!(SmtpTls::for_port(465), Some(SmtpTls::Tls));
        assert_eq!(SmtpTls::for_port(587), Some(SmtpTls::StartTls));
        assert_eq!(SmtpTls::for_port(25), Some(SmtpTls::None));
        assert_eq!(SmtpTls::for_port(2525), None);
        let cfg = SmtpConfig::from_settings(settings(&base()), None).unwrap();
        assert_eq!((cfg.host.as_str(), cfg.port), ("mail.carrier.example", 587));
        assert_eq!(cfg.tls, SmtpTls::StartTls);
        assert_eq!(cfg.from_name.as_deref(), Some("Carrier NOC"));
        let err = SmtpConfig::from_settings(
            settings(&with(&[("smtp_server", "mail.carrier.example:2525")])),
            None,
        )
        .unwrap_err();
        assert!(err.contains("smtp_tls") && err.contains("2525"), "{err}");
        let cfg = SmtpConfig::from_settings(
            settings(&with(&[
                ("smtp_server", "mail.carrier.example:2525"),
                ("smtp_tls", "TLS"),
            ])),
            None,
        )
        .unwrap();
        assert_eq!(cfg.tls, SmtpTls::Tls);
        let err =
            SmtpConfig::from_settings(settings(&with(&[("smtp_tls", "ssl")])), None).unwrap_err();
        assert!(err.contains("tls, starttls or none"), "{err}");
    }

    #[test]
    fn missing_settings_are_named() {
        let err =
            SmtpConfig::from_settings(settings(&with(&[("from_address", "")])), None).unwrap_err();
        assert!(err.starts_with("from_address is not set"), "{err}");
        let err =
            SmtpConfig::from_settings(settings(&with(&[("smtp_server", "")])), None).unwrap_err();
        assert!(err.starts_with("smtp_server is not set"), "{err}");
        let err = SmtpConfig::from_settings(settings(&with(&[("smtp_server", "mail")])), None)
            .unwrap_err();
        assert!(err.starts_with("smtp_server must be host:port"), "{err}");
        let err = SmtpConfig::from_settings(settings(&with(&[("smtp_username", "noc")])), None)
            .unwrap_err();
        assert!(
            err.contains("CARRIERDESK_SMTP_PASSWORD or smtp_password in the config file"),
            "{err}"
        );
    }

    #[test]
    fn a_login_never_crosses_the_network_unencrypted() {
        let plain_remote = with(&[
            ("smtp_server", "mail.carrier.example:25"),
            ("smtp_username", "noc"),
        ]);
        let err =
            SmtpConfig::from_settings(settings(&plain_remote), Some("pw".into())).unwrap_err();
        assert!(
            err.contains("unencrypted") && err.contains("starttls"),
            "{err}"
        );
        assert!(!err.contains("pw\""), "{err}");
        // Without a login, port 25 to another host is how servers talk.
        let relay = with(&[("smtp_server", "relay.carrier.example:25")]);
        assert!(SmtpConfig::from_settings(settings(&relay), None).is_ok());
        for host in ["127.0.0.1:2525", "localhost:2525", "[::1]:2525"] {
            let local = with(&[
                ("smtp_server", host),
                ("smtp_tls", "none"),
                ("smtp_username", "noc"),
            ]);
            let cfg = SmtpConfig::from_settings(settings(&local), Some("pw".into()));
            assert!(cfg.is_ok(), "{host}: {cfg:?}");
        }
        let cfg = SmtpConfig::from_settings(
            settings(&with(&[
                ("smtp_server", "[::1]:2525"),
                ("smtp_tls", "none"),
            ])),
            None,
        )
        .unwrap();
        assert_eq!(cfg.host, "::1");
    }

    #[test]
    fn debug_output_leaves_the_password_out() {
        let cfg = SmtpConfig::from_settings(
            settings(&with(&[("smtp_username", "noc")])),
            Some("s3cr3t-pw".into()),
        )
        .unwrap();
        let text = format!("{cfg:?}");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("password: Some(\"…\")"), "{text}");
    }

    #[test]
    fn a_recipient_that_is_no_address_is_refused_before_any_connection() {
        let cfg = SmtpConfig::from_settings(
            settings(&with(&[
                ("smtp_server", "127.0.0.1:9"),
                ("smtp_tls", "none"),
            ])),
            None,
        )
        .unwrap();
        let mailer = Mailer::new(cfg).unwrap();
        let outcome = mailer.send(&Envelope {
            to: "ana@example.com, bob@example.com",
            subject: "Hi",
            body: "x",
            message_id: "<1@carrier.example>",
        });
        assert!(
            matches!(&outcome, Outcome::Permanent(t) if t.contains("not an email address")),
            "{outcome:?}"
        );
    }
}
