//! SIP users (extensions) of a customer: the web console's fields, their rules, and the
//! digest passwords a registrar checks them with.

use super::customer::{parse_channels, parse_cps};
use super::draft::FieldError;
use super::ip_list;
use super::text_rule::text_problem;
use ipnet::IpNet;
use md5::{Digest, Md5};
use serde::{Serialize, Serializer};
use std::fmt;

/// A stored SIP user. Its password is kept only as digests, which never leave the store
/// except in a switch export: this type does not carry them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SipUser {
    pub id: i64,
    pub customer_id: i64,
    #[serde(flatten)]
    pub spec: SipUserSpec,
    /// The realm its password digests were computed for; None while it has no password.
    pub password_realm: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl SipUser {
    /// Whether its password works in `realm`: set, and for that realm.
    pub fn password_state(&self, realm: Option<&str>) -> PasswordState {
        match (&self.password_realm, realm) {
            (None, _) => PasswordState::None,
            (Some(mine), Some(now)) if mine == now => PasswordState::Set,
            (Some(_), _) => PasswordState::Stale,
        }
    }
}

/// Where a SIP user's password stands against the current realm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordState {
    Set,
    /// Set for another realm: the digests no longer match what phones send.
    Stale,
    None,
}

impl PasswordState {
    pub fn label(self) -> &'static str {
        match self {
            PasswordState::Set => "set",
            PasswordState::Stale => "set again (realm changed)",
            PasswordState::None => "none",
        }
    }
}

/// What an operator edits of a SIP user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SipUserSpec {
    /// The extension, unique across the whole account.
    pub username: String,
    pub channels: u32,
    /// Calls per second; 0 is unlimited.
    pub cps: u32,
    pub protocol: Protocol,
    #[serde(rename = "ip_whitelist", serialize_with = "whitelist_text")]
    pub whitelist: Vec<IpNet>,
    pub nat_ping: NatPing,
    pub codecs: Vec<Codec>,
}

fn whitelist_text<S: Serializer>(nets: &[IpNet], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&ip_list::format(nets))
}

/// The transport phones register over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    Udp,
    Tcp,
    Tls,
    /// TLS with SRTP media encryption.
    TlsSrtp,
}

impl Protocol {
    pub const ALL: [Protocol; 4] = [
        Protocol::Udp,
        Protocol::Tcp,
        Protocol::Tls,
        Protocol::TlsSrtp,
    ];

    /// As stored and typed on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Protocol::Udp => "udp",
            Protocol::Tcp => "tcp",
            Protocol::Tls => "tls",
            Protocol::TlsSrtp => "tls_srtp",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Protocol::Udp => "UDP",
            Protocol::Tcp => "TCP",
            Protocol::Tls => "TLS",
            Protocol::TlsSrtp => "TLS with SRTP",
        }
    }

    /// Reads a key or a label, in any case, `-` or `+` for `_`.
    pub fn parse(text: &str) -> Result<Protocol, String> {
        let t = text.trim().to_ascii_lowercase();
        let t = t.replace(['-', '+'], "_").replace(" with ", "_");
        Protocol::ALL
            .into_iter()
            .find(|p| p.key() == t)
            .ok_or_else(|| format!("'{}' is not one of udp, tcp, tls, tls_srtp", text.trim()))
    }
}

/// Keep-alive pings through the customer's NAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatPing {
    Disabled,
    /// At the switch's own interval.
    Enabled,
    /// Every so many seconds.
    Every(u32),
}

/// The longest NAT ping interval: past an hour a NAT binding is long gone.
pub const MAX_NAT_PING_S: u32 = 3600;

impl NatPing {
    /// The stored column: NULL disabled, 0 enabled, N seconds.
    pub fn to_column(self) -> Option<i64> {
        match self {
            NatPing::Disabled => None,
            NatPing::Enabled => Some(0),
            NatPing::Every(s) => Some(i64::from(s)),
        }
    }

    pub fn from_column(value: Option<i64>) -> NatPing {
        match value {
            None => NatPing::Disabled,
            Some(0) => NatPing::Enabled,
            Some(s) => NatPing::Every(u32::try_from(s).unwrap_or(MAX_NAT_PING_S)),
        }
    }

    /// "disabled", "enabled" or "30": what is typed, shown and exported as JSON.
    pub fn text(self) -> String {
        match self {
            NatPing::Disabled => "disabled".into(),
            NatPing::Enabled => "enabled".into(),
            NatPing::Every(s) => s.to_string(),
        }
    }

    pub fn parse(text: &str) -> Result<NatPing, String> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "" | "disabled" | "off" | "no" => Ok(NatPing::Disabled),
            "enabled" | "on" | "yes" => Ok(NatPing::Enabled),
            _ => match t.parse::<u32>() {
                Ok(s) if (1..=MAX_NAT_PING_S).contains(&s) => Ok(NatPing::Every(s)),
                _ => Err(format!(
                    "'{}' is not disabled, enabled or a number of seconds from 1 to {MAX_NAT_PING_S}",
                    text.trim()
                )),
            },
        }
    }
}

impl Serialize for NatPing {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

/// The codecs a SIP user may be allowed, from a fixed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Codec {
    Alaw,
    Ulaw,
    G729,
    G722,
    Opus,
}

impl Codec {
    pub const ALL: [Codec; 5] = [
        Codec::Alaw,
        Codec::Ulaw,
        Codec::G729,
        Codec::G722,
        Codec::Opus,
    ];

    /// As stored, typed and written in Asterisk's `allow=`.
    pub fn key(self) -> &'static str {
        match self {
            Codec::Alaw => "alaw",
            Codec::Ulaw => "ulaw",
            Codec::G729 => "g729",
            Codec::G722 => "g722",
            Codec::Opus => "opus",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Codec::Alaw => "G.711 a-law",
            Codec::Ulaw => "G.711 u-law",
            Codec::G729 => "G.729",
            Codec::G722 => "G.722",
            Codec::Opus => "Opus",
        }
    }

    fn parse(word: &str) -> Option<Codec> {
        let w = word.to_ascii_lowercase().replace(['.', ' ', '-'], "");
        match w.as_str() {
            "alaw" | "g711alaw" | "g711a" | "pcma" => Some(Codec::Alaw),
            "ulaw" | "g711ulaw" | "g711u" | "pcmu" => Some(Codec::Ulaw),
            _ => Codec::ALL.into_iter().find(|c| c.key() == w),
        }
    }

    /// A comma-separated list in order of preference; at least one, none twice.
    pub fn parse_list(text: &str) -> Result<Vec<Codec>, String> {
        let mut codecs = Vec::new();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let codec = Codec::parse(word)
                .ok_or_else(|| format!("'{word}' is not one of alaw, ulaw, g729, g722, opus"))?;
            if !codecs.contains(&codec) {
                codecs.push(codec);
            }
        }
        if codecs.is_empty() {
            return Err("at least one codec is required (alaw, ulaw, g729, g722, opus)".into());
        }
        Ok(codecs)
    }

    pub fn list_text(codecs: &[Codec]) -> String {
        codecs.iter().map(|c| c.key()).collect::<Vec<_>>().join(",")
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The longest username: extensions are short, and switches put them in file names.
pub const MAX_USERNAME: usize = 32;

/// A username is an extension (digits) or a SIP user part of letters, digits and `. _ - + ~`:
/// characters that mean nothing special in a SIP URI, a pjsip.conf section or a CSV cell.
pub fn check_username(text: &str) -> Result<String, String> {
    let u = text.trim();
    if u.is_empty() {
        return Err("a username (the extension) is required".into());
    }
    if let Some(problem) = text_problem(u, false) {
        return Err(problem.into());
    }
    if u.chars().count() > MAX_USERNAME {
        return Err(format!("at most {MAX_USERNAME} characters"));
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '~');
    if let Some(bad) = u.chars().find(|&c| !ok(c)) {
        return Err(format!(
            "'{bad}' cannot be in a SIP username: use digits, letters and . _ - + ~"
        ));
    }
    if !u.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("a SIP username starts with a letter or a digit".into());
    }
    Ok(u.to_string())
}

/// A SIP user as typed in the form or given on the command line: text, checked by
/// `validate` into a `SipUserSpec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipUserDraft {
    pub username: String,
    pub channels: String,
    pub cps: String,
    pub protocol: String,
    pub whitelist: String,
    pub nat_ping: String,
    pub codecs: String,
}

impl Default for SipUserDraft {
    /// A new SIP user: one channel, no CPS limit, UDP, G.711 both laws.
    fn default() -> Self {
        SipUserDraft {
            username: String::new(),
            channels: "1".into(),
            cps: "0".into(),
            protocol: Protocol::Udp.key().into(),
            whitelist: String::new(),
            nat_ping: NatPing::Disabled.text(),
            codecs: Codec::list_text(&[Codec::Alaw, Codec::Ulaw]),
        }
    }
}

impl From<&SipUserSpec> for SipUserDraft {
    fn from(s: &SipUserSpec) -> Self {
        SipUserDraft {
            username: s.username.clone(),
            channels: s.channels.to_string(),
            cps: s.cps.to_string(),
            protocol: s.protocol.key().into(),
            whitelist: ip_list::format(&s.whitelist),
            nat_ping: s.nat_ping.text(),
            codecs: Codec::list_text(&s.codecs),
        }
    }
}

impl SipUserDraft {
    /// Every field's rule; each broken one named by its field ("username", "channels",
    /// "cps", "protocol", "ip_whitelist", "nat_ping", "codecs").
    pub fn validate(&self) -> Result<SipUserSpec, Vec<FieldError>> {
        let mut errors = Vec::new();
        // Each message says its field, as the command line prints it without the flag.
        let mut check = |field: &'static str, r: Result<(), String>| {
            if let Err(message) = r {
                let label = field_label(field);
                let message = if message.to_lowercase().starts_with(&label.to_lowercase()) {
                    message
                } else {
                    format!("{label}: {message}")
                };
                errors.push(FieldError { field, message });
            }
        };
        let username = check_username(&self.username);
        // A SIP user of no channels would count for nothing here yet have no limit on
        // the switch.
        let channels = parse_channels(&self.channels).and_then(|n| match n {
            0 => Err("a SIP user has at least 1 channel".to_string()),
            n => Ok(n),
        });
        let cps = parse_cps(&self.cps);
        let protocol = Protocol::parse(&self.protocol);
        let whitelist = ip_list::parse(&self.whitelist);
        let nat_ping = NatPing::parse(&self.nat_ping);
        let codecs = Codec::parse_list(&self.codecs);
        check(
            "username",
            username.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            "channels",
            channels.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check("cps", cps.as_ref().map(|_| ()).map_err(Clone::clone));
        check(
            "protocol",
            protocol.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            "ip_whitelist",
            whitelist.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            "nat_ping",
            nat_ping.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check("codecs", codecs.as_ref().map(|_| ()).map_err(Clone::clone));
        match (
            username, channels, cps, protocol, whitelist, nat_ping, codecs,
        ) {
            (
                Ok(username),
                Ok(channels),
                Ok(cps),
                Ok(protocol),
                Ok(whitelist),
                Ok(nat_ping),
                Ok(codecs),
            ) => Ok(SipUserSpec {
                username,
                channels,
                cps,
                protocol,
                whitelist,
                nat_ping,
                codecs,
            }),
            _ => Err(errors),
        }
    }
}

/// How a field is named to the operator.
pub fn field_label(field: &str) -> &str {
    match field {
        "username" => "username",
        "channels" => "channels",
        "cps" => "CPS",
        "protocol" => "protocol",
        "ip_whitelist" => "IP whitelist",
        "nat_ping" => "NAT ping",
        "codecs" => "codecs",
        other => other,
    }
}

/// The web console's words when a username is taken anywhere on the account.
pub const DUPLICATE_USER: &str = "Duplicate User Detected";
/// The web console's words when SIP users would have more channels than their customer.
pub const NO_CHANNEL_CAPACITY: &str = "No channel capacity available for your account.";

/// Refuses SIP users whose channels add up past their customer's; `others` are the
/// channels of the customer's other SIP users.
pub fn channel_capacity(customer_channels: u32, others: u64, this: u32) -> Result<(), String> {
    let total = others + u64::from(this);
    if total <= u64::from(customer_channels) {
        Ok(())
    } else {
        Err(format!(
            "{NO_CHANNEL_CAPACITY} Its SIP users would have {}; the customer has {customer_channels}.",
            super::count(total, "channel")
        ))
    }
}

/// The shortest password an operator may type; generated ones are longer.
pub const MIN_PASSWORD: usize = 12;
/// The longest: digest input, not a passphrase store.
pub const MAX_PASSWORD: usize = 128;

/// Why a typed password will not do, or None.
pub fn password_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        Some(format!(
            "a SIP password has at least {MIN_PASSWORD} characters"
        ))
    } else if n > MAX_PASSWORD {
        Some(format!(
            "a SIP password has at most {MAX_PASSWORD} characters"
        ))
    } else if password.chars().any(char::is_control) {
        Some("a SIP password cannot contain control characters".into())
    } else {
        None
    }
}

/// HA1, the digest registrars such as Kamailio and Asterisk keep instead of the password:
/// MD5 of `username:realm:password`, in lower-case hex.
pub fn ha1(username: &str, realm: &str, password: &str) -> String {
    md5_hex(&format!("{username}:{realm}:{password}"))
}

/// HA1b, for phones that send `username@domain` as their user name: MD5 of
/// `username@domain:realm:password`.
pub fn ha1b(username: &str, domain: &str, realm: &str, password: &str) -> String {
    md5_hex(&format!("{username}@{domain}:{realm}:{password}"))
}

fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The characters of a generated password: letters and digits that cannot be misread when
/// read out on a call (no 0/O, 1/l/I).
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// 20 of 57 symbols: about 116 bits.
pub const GENERATED_LENGTH: usize = 20;

/// A password from random bytes (the caller brings them from the OS's random source).
/// Bytes past the largest multiple of the alphabet's size are skipped, so that every
/// character is equally likely; None when the bytes ran out first.
pub fn password_from(random: &[u8]) -> Option<String> {
    let n = PASSWORD_ALPHABET.len();
    let limit = 256 - 256 % n;
    let password: String = random
        .iter()
        .filter(|&&b| usize::from(b) < limit)
        .take(GENERATED_LENGTH)
        .map(|&b| char::from(PASSWORD_ALPHABET[usize::from(b) % n]))
        .collect();
    (password.len() == GENERATED_LENGTH).then_some(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> SipUserDraft {
        SipUserDraft {
            username: "1001".into(),
            ..SipUserDraft::default()
        }
    }

    #[test]
    fn a_new_sip_user_has_the_web_consoles_defaults() {
        let spec = draft().validate().unwrap();
        assert_eq!(spec.channels, 1);
        assert_eq!(spec.cps, 0);
        assert_eq!(spec.protocol, Protocol::Udp);
        assert_eq!(spec.nat_ping, NatPing::Disabled);
        assert_eq!(spec.codecs, vec![Codec::Alaw, Codec::Ulaw]);
        assert_eq!(SipUserDraft::from(&spec), draft());
    }

    #[test]
    fn every_field_is_read_in_its_usual_forms() {
        let spec = SipUserDraft {
            username: " office-main ".into(),
            channels: "4".into(),
            cps: "10".into(),
            protocol: "TLS with SRTP".into(),
            whitelist: "10.0.0.0/24 203.0.113.9".into(),
            nat_ping: "30".into(),
            codecs: "G.711 u-law, g729, PCMA, ulaw".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(spec.username, "office-main");
        assert_eq!(spec.protocol, Protocol::TlsSrtp);
        assert_eq!(ip_list::format(&spec.whitelist), "10.0.0.0/24, 203.0.113.9");
        assert_eq!(spec.nat_ping, NatPing::Every(30));
        assert_eq!(spec.codecs, vec![Codec::Ulaw, Codec::G729, Codec::Alaw]);
        assert_eq!(Protocol::parse("tls-srtp"), Ok(Protocol::TlsSrtp));
        assert_eq!(NatPing::parse("enabled"), Ok(NatPing::Enabled));
        for p in [NatPing::Disabled, NatPing::Enabled, NatPing::Every(45)] {
            assert_eq!(NatPing::from_column(p.to_column()), p);
            assert_eq!(NatPing::parse(&p.text()), Ok(p));
        }
    }

    #[test]
    fn every_broken_rule_names_its_field() {
        let errors = SipUserDraft {
            username: "10;01".into(),
            channels: "-1".into(),
            cps: "x".into(),
            protocol: "sctp".into(),
            whitelist: "10.0.0.1/33".into(),
            nat_ping: "0".into(),
            codecs: "gsm".into(),
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "username",
                "channels",
                "cps",
                "protocol",
                "ip_whitelist",
                "nat_ping",
                "codecs"
            ]
        );
        assert!(errors[0].message.contains("';'"), "{}", errors[0].message);
        assert!(check_username("\u{1b}]52;c;QQ==\u{7}").is_err());
        assert!(check_username("-1001").is_err());
        assert!(check_username(&"1".repeat(33)).is_err());
        assert!(
            Codec::parse_list(" , ")
                .unwrap_err()
                .contains("at least one")
        );
    }

    #[test]
    fn channels_may_not_add_up_past_the_customers() {
        assert_eq!(channel_capacity(4, 2, 2), Ok(()));
        let err = channel_capacity(4, 2, 3).unwrap_err();
        assert!(err.starts_with(NO_CHANNEL_CAPACITY), "{err}");
        assert!(err.contains("5 channels") && err.contains("has 4"), "{err}");
    }

    #[test]
    fn digests_match_the_sip_standard() {
        // echo -n '1001:sip.example.com:secret' | md5sum
        assert_eq!(
            ha1("1001", "sip.example.com", "secret"),
            "97761dcab48af7d4db6ae96a85381a9c"
        );
        // echo -n '1001@sip.example.com:sip.example.com:secret' | md5sum
        assert_eq!(
            ha1b("1001", "sip.example.com", "sip.example.com", "secret"),
            "7ffdedf805dc47e1925cdef58fa64a0d"
        );
    }

    #[test]
    fn generated_passwords_use_every_character_alike_and_are_long() {
        let bytes: Vec<u8> = (0..=255).collect();
        let p = password_from(&bytes).unwrap();
        assert_eq!(p.len(), GENERATED_LENGTH);
        assert!(p.bytes().all(|b| PASSWORD_ALPHABET.contains(&b)));
        assert_eq!(
            password_from(&[255; 64]),
            None,
            "bytes past the limit are skipped"
        );
        assert!(password_problem(&p).is_none());
        assert!(password_problem("short").is_some());
        assert!(password_problem("twelve chars\u{7}").is_some());
    }
}
