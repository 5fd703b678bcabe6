//! SMS through a gateway with Twilio's HTTP API: one POST of a form (To, From, Body) to
//! `{base_url}/2010-04-01/Accounts/{sid}/Messages.json`, with HTTP Basic credentials (the
//! account sid and its token). 201 means queued at the gateway; 429 and 5xx mean try again
//! later; any other 4xx is a refusal for good, in the gateway's own words.

use super::{Envelope, Outcome, is_loopback, one_line};
use crate::config::Secret;
use base64::Engine as _;
use std::fmt;
use std::time::Duration;

/// The longest one request may take, connecting included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The most of a gateway's answer that is read.
const MAX_ANSWER_BYTES: u64 = 64 * 1024;

/// Where SMS go and as whom. `Debug` leaves the token out.
#[derive(Clone)]
pub struct SmsConfig {
    /// `https://api.twilio.com`, or a gateway that speaks its API; no trailing slash needed.
    pub base_url: String,
    pub account_sid: String,
    /// None: no credentials are sent (`from_settings` always gives one).
    pub token: Option<String>,
    /// A number in E.164 form or a sender name.
    pub from: String,
    pub timeout: Duration,
}

impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsConfig")
            .field("base_url", &self.base_url)
            .field("account_sid", &self.account_sid)
            .field("token", &self.token.as_ref().map(|_| "…"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl SmsConfig {
    /// The configuration from the shared settings (`get` gives a setting's value, None when
    /// unset) and the token (`delivery::sms_token`). Refusals name the setting.
    pub fn from_settings(
        get: impl Fn(&str) -> Option<String>,
        token: Option<String>,
    ) -> Result<SmsConfig, String> {
        let get = |key: &str| super::setting(&get, key);
        let base_url = get("sms_base_url").ok_or(
            "sms_base_url is not set: the SMS gateway's API address \
             (settings set sms_base_url https://api.twilio.com)",
        )?;
        let account_sid = get("sms_account_sid")
            .ok_or("sms_account_sid is not set: the account id at the SMS gateway")?;
        let from = get("sms_from")
            .ok_or("sms_from is not set: the number (+CCNNN…) or name an SMS comes from")?;
        let token = token.filter(|t| !t.is_empty()).ok_or(
            "the SMS gateway's token is not set: give it in CARRIERDESK_SMS_TOKEN or \
             sms_token in the config file",
        )?;
        let cfg = SmsConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            account_sid,
            token: Some(token),
            from,
            timeout: DEFAULT_TIMEOUT,
        };
        cfg.endpoint()?;
        Ok(cfg)
    }

    /// The address messages are posted to, once the settings are found sound.
    fn endpoint(&self) -> Result<(String, bool), String> {
        let base = self.base_url.trim_end_matches('/');
        let uri: ureq::http::Uri = base
            .parse()
            .map_err(|_| "sms_base_url is not a web address".to_string())?;
        let host = uri.host().unwrap_or_default();
        let local = is_loopback(host);
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if local => {}
            Some("http") => {
                return Err(format!(
                    "sms_base_url must start with https://: the token would cross the network \
                     to {host} unencrypted (only a gateway on this host may use http://)"
                ));
            }
            _ => return Err("sms_base_url must be an https:// address".into()),
        }
        if host.is_empty() || uri.query().is_some() {
            return Err("sms_base_url must be an https:// address with no ?query".into());
        }
        let sid = &self.account_sid;
        if sid.is_empty()
            || !sid
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err("sms_account_sid must be letters, digits, - and _".into());
        }
        Ok((
            format!("{base}/2010-04-01/Accounts/{sid}/Messages.json"),
            local,
        ))
    }
}

/// Sends SMS, one at a time, through the gateway's HTTP API.
pub struct SmsGateway {
    agent: ureq::Agent,
    url: String,
    /// `Basic …`: the credentials as the header carries them.
    authorization: Option<Secret>,
    from: String,
}

impl SmsGateway {
    pub fn new(cfg: SmsConfig) -> Result<SmsGateway, String> {
        let (url, local) = cfg.endpoint()?;
        let mut config = ureq::Agent::config_builder()
            .timeout_global(Some(cfg.timeout))
            // The status decides the outcome; a 4xx or 5xx is an answer, not an error.
            .http_status_as_error(false)
            // A POST that is sent elsewhere is a wrong sms_base_url, not to be followed.
            .max_redirects(0)
            .user_agent(concat!("carrierdesk/", env!("CARGO_PKG_VERSION")));
        if local {
            // A gateway on this host is reached directly, whatever HTTPS_PROXY says.
            config = config.proxy(None);
        }
        let authorization = cfg.token.as_ref().map(|token| {
            let pair = format!("{}:{token}", cfg.account_sid);
            Secret::new(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ))
        });
        Ok(SmsGateway {
            agent: config.build().into(),
            url,
            authorization,
            from: cfg.from,
        })
    }

    /// Sends one SMS and says what the gateway answered. Blocks until then, or until the
    /// configured timeout.
    pub fn send(&self, e: &Envelope) -> Outcome {
        let mut request = self
            .agent
            .post(&self.url)
            .header("Accept", "application/json");
        if let Some(auth) = &self.authorization {
            request = request.header("Authorization", auth.expose());
        }
        let form = [("To", e.to), ("From", self.from.as_str()), ("Body", e.body)];
        let mut response = match request.send_form(form) {
            Ok(response) => response,
            Err(err) => {
                return Outcome::Temporary(one_line(&format!(
                    "SMS gateway: {}",
                    describe_error(&err)
                )));
            }
        };
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .lossy_utf8(true)
            .read_to_string()
            .unwrap_or_default();
        outcome(status, &body)
    }
}

/// The outcome of an answer with `status` and `body`.
fn outcome(status: u16, body: &str) -> Outcome {
    let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let field = |name: &str| -> Option<String> {
        match json.as_ref()?.get(name)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    if (200..300).contains(&status) {
        let sid = field("sid").unwrap_or_else(|| "?".into());
        let state = field("status").unwrap_or_else(|| format!("HTTP {status}"));
        return Outcome::Accepted(one_line(&format!("sid {sid} status {state}")));
    }
    let words = match (field("message"), field("code")) {
        (Some(message), Some(code)) => format!("{message} (code {code})"),
        (Some(message), None) => message,
        _ => body.to_string(),
    };
    let text = one_line(&format!("HTTP {status}: {words}"));
    let text = text.trim_end_matches([':', ' ']).to_string();
    match status {
        429 | 500..=599 => Outcome::Temporary(text),
        300..=399 => Outcome::Permanent(format!(
            "{text} (the gateway sends the request elsewhere: check sms_base_url)"
        )),
        _ => Outcome::Permanent(text),
    }
}

/// What went wrong on the way, in words.
fn describe_error(err: &ureq::Error) -> String {
    match err {
        ureq::Error::Timeout(_) => "no answer in time".into(),
        ureq::Error::ConnectionFailed => "cannot connect".into(),
        ureq::Error::HostNotFound => "the host of sms_base_url is not found".into(),
        ureq::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
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

    const GOOD: [(&str, &str); 3] = [
        ("sms_base_url", "https://api.twilio.com/"),
        ("sms_account_sid", "AC0123"),
        ("sms_from", "+15005550006"),
    ];

    #[test]
    fn settings_are_checked_and_named() {
        let cfg = SmsConfig::from_settings(settings(&GOOD), Some("tok".into())).unwrap();
        assert_eq!(
            cfg.endpoint().unwrap().0,
            "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages.json"
        );
        let err = SmsConfig::from_settings(settings(&GOOD), None).unwrap_err();
        assert!(
            err.contains("CARRIERDESK_SMS_TOKEN or sms_token in the config file"),
            "{err}"
        );
        for missing in ["sms_base_url", "sms_account_sid", "sms_from"] {
            let rest: Vec<_> = GOOD.into_iter().filter(|(k, _)| *k != missing).collect();
            let err = SmsConfig::from_settings(settings(&rest), Some("t".into())).unwrap_err();
            assert!(err.starts_with(&format!("{missing} is not set")), "{err}");
        }
        let mut plain = GOOD;
        plain[0].1 = "http://sms.example.com";
        let err = SmsConfig::from_settings(settings(&plain), Some("t".into())).unwrap_err();
        assert!(
            err.contains("https://") && err.contains("sms.example.com"),
            "{err}"
        );
        plain[0].1 = "http://127.0.0.1:8080";
        assert!(SmsConfig::from_settings(settings(&plain), Some("t".into())).is_ok());
    }

    #[test]
    fn debug_output_leaves_the_token_out() {
        let cfg = SmsConfig::from_settings(settings(&GOOD), Some("tok-s3cr3t".into())).unwrap();
        let text = format!("{cfg:?}");
        assert!(!text.contains("s3cr3t"), "{text}");
    }

    #[test]
    fn answers_sort_into_outcomes() {
        assert_eq!(
            outcome(201, r#"{"sid":"SM1","status":"queued"}"#),
            Outcome::Accepted("sid SM1 status queued".into())
        );
        assert_eq!(
            outcome(
                400,
                r#"{"code":21211,"message":"The 'To' number is not valid.","status":400}"#
            ),
            Outcome::Permanent("HTTP 400: The 'To' number is not valid. (code 21211)".into())
        );
        assert!(matches!(outcome(429, ""), Outcome::Temporary(t) if t == "HTTP 429"));
        assert!(matches!(outcome(502, "<html>Bad\ngateway</html>"),
            Outcome::Temporary(t) if t == "HTTP 502: <html>Bad gateway</html>"));
        assert!(matches!(outcome(401, "{}"), Outcome::Permanent(_)));
        assert!(matches!(outcome(301, ""), Outcome::Permanent(t) if t.contains("sms_base_url")));
    }
}
