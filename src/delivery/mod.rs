//! Mail and SMS to customers' contacts: one message to one recipient, over SMTP
//! (`smtp`) or an SMS gateway's HTTP API (`sms`), and what the server answered, sorted into
//! accepted, try again later, or refused for good. Nothing here touches the database: the
//! outbox says what to send and records the outcome. Both senders block: their callers are
//! a sender thread and the command line.
//!
//! The secrets they need (the mail server's password, the gateway's token) come from the
//! environment or the host's config file, never from the shared settings, and are never
//! formatted into a message, a log line or an error.

pub mod sms;
pub mod smtp;

use crate::config::{Config, Secret};
use std::ffi::OsString;
use std::path::Path;

/// One message to one recipient.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    /// An email address, or a phone number in E.164 form for an SMS.
    pub to: &'a str,
    /// Empty for an SMS.
    pub subject: &'a str,
    pub body: &'a str,
    /// `<…@…>`, the same through every try (`domain::message::message_id`); SMS has none.
    pub message_id: &'a str,
}

/// What became of one try: accepted, try again later, or refused for good.
pub use crate::domain::message::Outcome;

/// A shared setting's value as `get` gives it, trimmed; None when unset or blank.
fn setting(get: &impl Fn(&str) -> Option<String>, key: &str) -> Option<String> {
    get(key)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The environment variable that gives the mail server's password.
pub const SMTP_PASSWORD_VAR: &str = "CARRIERDESK_SMTP_PASSWORD";
/// The environment variable that gives the SMS gateway's token.
pub const SMS_TOKEN_VAR: &str = "CARRIERDESK_SMS_TOKEN";

/// The mail server's password: `CARRIERDESK_SMTP_PASSWORD`, else `smtp_password` in the
/// host's config file; None when neither gives one. An error when the config file holding
/// it can be read by others than its owner.
pub fn smtp_password(config: &Config) -> Result<Option<String>, String> {
    secret(
        std::env::var_os(SMTP_PASSWORD_VAR),
        SMTP_PASSWORD_VAR,
        config.smtp_password.as_ref(),
        config.secrets_exposed_in(),
        "the SMTP password",
    )
}

/// The SMS gateway's token: `CARRIERDESK_SMS_TOKEN`, else `sms_token` in the host's config
/// file; as `smtp_password`.
pub fn sms_token(config: &Config) -> Result<Option<String>, String> {
    secret(
        std::env::var_os(SMS_TOKEN_VAR),
        SMS_TOKEN_VAR,
        config.sms_token.as_ref(),
        config.secrets_exposed_in(),
        "the SMS token",
    )
}

/// The environment's value first, then the file's; empty counts as not given.
fn secret(
    from_env: Option<OsString>,
    var: &str,
    in_file: Option<&Secret>,
    exposed: Option<&Path>,
    what: &str,
) -> Result<Option<String>, String> {
    if let Some(value) = from_env.filter(|v| !v.is_empty()) {
        return match value.into_string() {
            Ok(text) => Ok(Some(text)),
            Err(_) => Err(format!("{var} is not valid UTF-8")),
        };
    }
    match in_file.filter(|s| !s.expose().is_empty()) {
        None => Ok(None),
        Some(_) if exposed.is_some() => Err(format!(
            "{} holds {what} and can be read by others: chmod 600 it",
            exposed.map(Path::display).expect("checked")
        )),
        Some(s) => Ok(Some(s.expose().to_string())),
    }
}

/// A host on this machine: `localhost`, 127.0.0.0/8 or ::1 (with or without brackets).
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Longest server answer kept in an outcome.
const MAX_ANSWER: usize = 300;

/// A server's words on one line: control characters and runs of blanks become one space,
/// cut to a length a status line and the outbox can hold.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > MAX_ANSWER {
        out = out.chars().take(MAX_ANSWER - 1).collect();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_of(
        env: Option<&str>,
        file: Option<&str>,
        exposed: Option<&Path>,
    ) -> Result<Option<String>, String> {
        let file = file.map(Secret::new);
        secret(
            env.map(OsString::from),
            SMTP_PASSWORD_VAR,
            file.as_ref(),
            exposed,
            "the SMTP password",
        )
    }

    #[test]
    fn the_environment_wins_over_the_config_file() {
        assert_eq!(
            secret_of(Some("from-env"), Some("from-file"), None),
            Ok(Some("from-env".into()))
        );
        assert_eq!(
            secret_of(None, Some("from-file"), None),
            Ok(Some("from-file".into()))
        );
        assert_eq!(
            secret_of(Some(""), Some("from-file"), None),
            Ok(Some("from-file".into())),
            "an empty variable is no value"
        );
        assert_eq!(secret_of(None, None, None), Ok(None));
        assert_eq!(secret_of(None, Some(""), None), Ok(None));
    }

    #[test]
    fn a_secret_in_a_file_others_may_read_is_refused_unless_the_environment_gives_it() {
        let path = Path::new("/home/noc/.config/carrierdesk/config.toml");
        let err = secret_of(None, Some("pw-in-file"), Some(path)).unwrap_err();
        assert_eq!(
            err,
            "/home/noc/.config/carrierdesk/config.toml holds the SMTP password and can be read \
             by others: chmod 600 it"
        );
        assert!(!err.contains("pw-in-file"));
        assert_eq!(
            secret_of(Some("env"), Some("pw-in-file"), Some(path)),
            Ok(Some("env".into()))
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_config_files_mode_decides_and_the_message_names_the_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "sms_token = \"tok\"\n").unwrap();
        for (mode, readable) in [(0o644, true), (0o640, true), (0o600, false), (0o400, false)] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let config = Config::load(Some(&path)).unwrap();
            let got = secret(
                None,
                SMS_TOKEN_VAR,
                config.sms_token.as_ref(),
                config.secrets_exposed_in(),
                "the SMS token",
            );
            if readable {
                let err = got.unwrap_err();
                assert!(err.starts_with(&path.display().to_string()), "{err}");
                assert!(
                    err.ends_with("holds the SMS token and can be read by others: chmod 600 it"),
                    "{err}"
                );
            } else {
                assert_eq!(got, Ok(Some("tok".into())), "mode {mode:o}");
            }
        }
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LocalHost",
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "mail.example.com",
            "10.0.0.1",
            "128.0.0.1",
            "::2",
            "localhost.example",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn answers_are_kept_on_one_bounded_line() {
        assert_eq!(
            one_line("550 5.1.1\r\n  mailbox\tunavailable\u{1b}"),
            "550 5.1.1 mailbox unavailable"
        );
        let long = one_line(&"x".repeat(1000));
        assert_eq!(long.chars().count(), MAX_ANSWER);
        assert!(long.ends_with('…'));
    }
}
