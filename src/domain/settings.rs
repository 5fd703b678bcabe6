//! The shared settings: the same for every operator and host, kept in the database (the
//! per-operator config file holds the rest). `KEYS` is the one list of them: the command,
//! the Settings screen and the README's table all come from it, and a capability that needs
//! a setting adds its key here. Secrets are never settings: passwords and tokens come from
//! the host's config file or the environment.

use super::draft::{is_email, is_host, is_web_address};
use super::money::{Currency, parse_decimal};
use std::fmt;

/// What a setting serves: the Settings screen's sections, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    CompanyMail,
    Sms,
    PhoneNumbers,
    NumberBlocks,
    Rating,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::CompanyMail,
        Group::Sms,
        Group::PhoneNumbers,
        Group::NumberBlocks,
        Group::Rating,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::CompanyMail => "Company and mail",
            Group::Sms => "SMS",
            Group::PhoneNumbers => "Phone numbers",
            Group::NumberBlocks => "Number blocks and SIP",
            Group::Rating => "Rating",
        }
    }
}

/// What a value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Email,
    /// Free text on one line, at most this many characters.
    Text(usize),
    /// `host:port`.
    HostPort,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// An http(s) address.
    WebAddress,
    /// An account id or similar: letters, digits, `-` and `_`.
    Token,
    /// What an SMS comes from: a number in E.164 form or a sender name.
    Sender,
    /// An ISO 3166-1 alpha-2 country code.
    Country,
    /// A whole number from 1 to this.
    Positive(i64),
    /// A host name (a domain).
    Domain,
    /// A decimal above 0, with at most 6 decimals.
    Rate,
    /// The name of a rate card (that a card of that name exists is the service's to check).
    CardName,
}

/// The longest value of any setting, whatever its rule.
pub const MAX_VALUE_LEN: usize = 500;

impl Rule {
    /// The rule in words, for the screen, the refusals and the README.
    pub fn describe(self) -> String {
        match self {
            Rule::Email => "an email address".into(),
            Rule::Text(max) => format!("text on one line, at most {max} characters"),
            Rule::HostPort => "host:port".into(),
            Rule::OneOf(words) => one_of(words),
            Rule::WebAddress => "an http:// or https:// address".into(),
            Rule::Token => "letters, digits, - and _".into(),
            Rule::Sender => "a number as +CCNNN… or a name of up to 11 letters and digits".into(),
            Rule::Country => "an ISO 3166 country code (GB, DE, US …)".into(),
            Rule::Positive(max) => format!("a whole number from 1 to {max}"),
            Rule::Domain => "a domain name".into(),
            Rule::Rate => "a decimal above 0, at most 6 decimals".into(),
            Rule::CardName => "the name of a rate card".into(),
        }
    }

    /// The value as stored (trimmed, codes in capitals, numbers without leading zeros), or
    /// why it is refused, in words that do not repeat the value.
    pub fn check(self, value: &str) -> Result<String, String> {
        let v = value.trim();
        if v.is_empty() {
            return Err("is empty; `settings unset` removes a setting".into());
        }
        if v.chars().count() > MAX_VALUE_LEN {
            return Err(format!("is longer than {MAX_VALUE_LEN} characters"));
        }
        if let Some(problem) = super::text_rule::text_problem(v, false) {
            return Err(problem.into());
        }
        let ok = |good: bool, v: String| {
            if good {
                Ok(v)
            } else {
                Err(format!("must be {}", self.describe()))
            }
        };
        match self {
            Rule::Email => ok(is_email(v), v.to_string()),
            Rule::Text(max) => ok(v.chars().count() <= max, v.to_string()),
            Rule::HostPort => ok(is_host_port(v), v.to_ascii_lowercase()),
            Rule::OneOf(words) => {
                let lower = v.to_ascii_lowercase();
                ok(words.contains(&lower.as_str()), lower)
            }
            Rule::WebAddress => ok(is_web_address(v), v.to_string()),
            Rule::Token => ok(
                v.len() <= 64
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                v.to_string(),
            ),
            Rule::Sender => ok(is_sender(v), v.to_string()),
            Rule::Country => {
                let upper = v.to_ascii_uppercase();
                ok(is_country(&upper), upper)
            }
            Rule::Positive(max) => match v.parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n.to_string()),
                _ => Err(format!("must be {}", self.describe())),
            },
            Rule::Domain => ok(is_host(v), v.to_ascii_lowercase()),
            Rule::Rate => match parse_decimal(v, 6, "the rate") {
                Ok(micros) if micros > 0 => Ok(decimal_text(micros)),
                Ok(_) => Err("must be above 0".into()),
                Err(_) => Err(format!("must be {}", self.describe())),
            },
            Rule::CardName => match super::rate_card::name_problem(v) {
                None => Ok(v.to_string()),
                Some(why) => Err(format!("must be {}: {why}", self.describe())),
            },
        }
    }
}

fn one_of(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn is_host_port(v: &str) -> bool {
    let Some((host, port)) = v.rsplit_once(':') else {
        return false;
    };
    let port_ok = port.parse::<u16>().is_ok_and(|p| p > 0) && !port.starts_with('0');
    let host_ok = is_host(host)
        || host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::Ipv4Addr>().is_ok()
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|h| h.parse::<std::net::Ipv6Addr>().is_ok());
    port_ok && host_ok
}

/// E.164 (+ and 8 to 15 digits, no leading 0) or an alphanumeric sender id (1 to 11
/// letters and digits, at least one letter), as SMS gateways take them.
fn is_sender(v: &str) -> bool {
    if let Some(digits) = v.strip_prefix('+') {
        return (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
    }
    (1..=11).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_alphanumeric())
        && v.bytes().any(|b| b.is_ascii_alphabetic())
}

/// ISO 3166-1 alpha-2, the officially assigned codes.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ \
    BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
    DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP \
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI \
    KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP \
    MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM \
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX \
    SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU \
    WF WS YE YT ZA ZM ZW";

fn is_country(code: &str) -> bool {
    code.len() == 2 && COUNTRIES.split_ascii_whitespace().any(|c| c == code)
}

/// Micro-units as the shortest decimal: 920000 → "0.92".
fn decimal_text(micros: i64) -> String {
    let text = format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A setting the console knows.
#[derive(Debug, PartialEq, Eq)]
pub struct Key {
    /// The key as typed; a family's name shows where its own part goes (`fx.FROM.TO`).
    pub name: &'static str,
    pub group: Group,
    pub rule: Rule,
    /// One line: what it is for.
    pub help: &'static str,
}

/// Every setting, grouped as the Settings screen shows them. Families, whose keys carry a
/// name of their own, come after the plain keys of their group.
pub static KEYS: &[Key] = &[
    Key {
        name: "from_address",
        group: Group::CompanyMail,
        rule: Rule::Email,
        help: "The address mail to customers comes from.",
    },
    Key {
        name: "from_name",
        group: Group::CompanyMail,
        rule: Rule::Text(100),
        help: "The name shown beside the From address.",
    },
    Key {
        name: "smtp_server",
        group: Group::CompanyMail,
        rule: Rule::HostPort,
        help: "The mail server mail goes through (port 587 with starttls, 465 with tls).",
    },
    Key {
        name: "smtp_tls",
        group: Group::CompanyMail,
        rule: Rule::OneOf(&["starttls", "tls", "none"]),
        help: "How the connection to the mail server is encrypted.",
    },
    Key {
        name: "smtp_username",
        group: Group::CompanyMail,
        rule: Rule::Text(200),
        help: "The account to log in to the mail server as; its password comes from the host's config or environment.",
    },
    Key {
        name: "sms_base_url",
        group: Group::Sms,
        rule: Rule::WebAddress,
        help: "The SMS gateway's API address.",
    },
    Key {
        name: "sms_account_sid",
        group: Group::Sms,
        rule: Rule::Token,
        help: "The account id at the SMS gateway; its token comes from the host's config or environment.",
    },
    Key {
        name: "sms_from",
        group: Group::Sms,
        rule: Rule::Sender,
        help: "What customers' phones show an SMS as coming from.",
    },
    Key {
        name: "default_country",
        group: Group::PhoneNumbers,
        rule: Rule::Country,
        help: "The country of phone numbers written without a country code.",
    },
    Key {
        name: "number_range_start",
        group: Group::NumberBlocks,
        rule: Rule::Positive(999_999_999),
        help: "The first extension of the range number blocks are handed out from.",
    },
    Key {
        name: "block_size",
        group: Group::NumberBlocks,
        rule: Rule::Positive(1_000_000),
        help: "How many extensions a new number block holds.",
    },
    Key {
        name: "sip_realm",
        group: Group::NumberBlocks,
        rule: Rule::Domain,
        help: "The SIP domain of the SIP users, in their digest passwords and the switch export.",
    },
    Key {
        name: "default_cost_card",
        group: Group::Rating,
        rule: Rule::CardName,
        help: "The rate card calls cost when their provider has no card of its own.",
    },
    Key {
        name: "fx.FROM.TO",
        group: Group::Rating,
        rule: Rule::Rate,
        help: "An exchange rate: one FROM is this many TO, e.g. fx.USD.EUR = 0.92 (currency codes).",
    },
    Key {
        name: "provider_card.NAME",
        group: Group::Rating,
        rule: Rule::CardName,
        help: "The rate card a provider's calls cost, e.g. provider_card.telia = telia-2026 (NAME: letters, digits, - and _).",
    },
];

/// Why a key or a value is refused, in one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError(pub String);

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A key resolved against `KEYS`: its entry and the key as stored (a family's codes in
/// capitals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub key: &'static Key,
    pub name: String,
}

/// The entry of `key`, or why there is none: an unknown key is refused with the known
/// ones listed.
pub fn resolve(key: &str) -> Result<Resolved, SettingError> {
    let key = key.trim();
    if let Some(plain) = KEYS.iter().find(|k| k.name == key && !is_family(k)) {
        return Ok(Resolved {
            key: plain,
            name: key.to_string(),
        });
    }
    if let Some(rest) = key.strip_prefix("fx.") {
        let fx = KEYS
            .iter()
            .find(|k| k.name == "fx.FROM.TO")
            .expect("listed");
        let (from, to) = rest.split_once('.').unwrap_or((rest, ""));
        let code = |c: &str| {
            Currency::parse(c).map(Currency::code).ok_or_else(|| {
                SettingError(format!(
                    "fx.FROM.TO: {} is not a currency code (ISO 4217, e.g. USD)",
                    shown(c)
                ))
            })
        };
        let (from, to) = (code(from)?, code(to)?);
        if from == to {
            return Err(SettingError(format!(
                "fx.FROM.TO: the rate of {from} to itself is always 1"
            )));
        }
        return Ok(Resolved {
            key: fx,
            name: format!("fx.{from}.{to}"),
        });
    }
    if let Some(provider) = key.strip_prefix("provider_card.") {
        let family = KEYS
            .iter()
            .find(|k| k.name == "provider_card.NAME")
            .expect("listed");
        let ok = (1..=64).contains(&provider.len())
            && provider
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(SettingError(format!(
                "provider_card.NAME: {} is not a provider's name (1 to 64 letters, digits, - and _)",
                shown(provider)
            )));
        }
        return Ok(Resolved {
            key: family,
            name: key.to_string(),
        });
    }
    let lower = key.to_ascii_lowercase();
    if ["password", "secret", "token"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return Err(SettingError(format!(
            "{}: secrets are never settings; passwords and tokens come from the host's config file or the environment",
            shown(key)
        )));
    }
    let known: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
    Err(SettingError(format!(
        "{} is not a setting; the settings are: {}",
        shown(key),
        known.join(", ")
    )))
}

/// A key family: its name holds a part of the operator's own (`fx.FROM.TO`).
pub fn is_family(key: &Key) -> bool {
    key.name.chars().any(|c| c.is_ascii_uppercase())
}

/// Checks a value for a key; the value as stored, or the reason in one line that names
/// the key.
pub fn check(resolved: &Resolved, value: &str) -> Result<String, SettingError> {
    resolved
        .key
        .rule
        .check(value)
        .map_err(|why| SettingError(format!("{}: {why}", resolved.name)))
}

/// A key as typed, quoted for a message: at most 40 characters, control characters
/// shown as escapes so that a message never carries them to a terminal.
fn shown(key: &str) -> String {
    let cut: String = key.chars().take(40).collect();
    let more = if key.chars().count() > 40 { "…" } else { "" };
    format!("'{}{more}'", cut.escape_debug())
}

/// The README's table of settings: key, group, rule, help.
pub fn markdown_table() -> String {
    let mut s =
        String::from("| setting | section | value | what it is for |\n| --- | --- | --- | --- |\n");
    for g in Group::ALL {
        for k in KEYS.iter().filter(|k| k.group == g) {
            s.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                k.name,
                g.title(),
                k.rule.describe(),
                k.help
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(key: &str, value: &str) -> Result<String, String> {
        let r = resolve(key).map_err(|e| e.0)?;
        check(&r, value).map_err(|e| e.0)
    }

    #[test]
    fn every_key_takes_a_good_value_and_refuses_a_bad_one_naming_itself() {
        let cases: &[(&str, &str, &str, &str)] = &[
            (
                "from_address",
                " noc@carrier.example ",
                "noc@carrier.example",
                "noc at carrier",
            ),
            ("from_name", "Carrier NOC", "Carrier NOC", "line\nbreak"),
            (
                "smtp_server",
                "Mail.Example.com:587",
                "mail.example.com:587",
                "mail.example.com",
            ),
            ("smtp_tls", "STARTTLS", "starttls", "ssl"),
            (
                "smtp_username",
                "noc@carrier.example",
                "noc@carrier.example",
                "\u{1b}]52;c;x\u{7}",
            ),
            (
                "sms_base_url",
                "https://api.sms.example/v1",
                "https://api.sms.example/v1",
                "ftp://x.example",
            ),
            ("sms_account_sid", "AC_123-x", "AC_123-x", "AC 123"),
            ("sms_from", "+447700900123", "+447700900123", "+0123"),
            ("sms_from", "CarrierNOC", "CarrierNOC", "CarrierNOCxyz"),
            ("default_country", "gb", "GB", "UK"),
            ("number_range_start", "01000", "1000", "0"),
            ("block_size", "1000", "1000", "-5"),
            (
                "sip_realm",
                "SIP.Example.com",
                "sip.example.com",
                "sip example",
            ),
            ("fx.usd.eur", "0.920000", "0.92", "0"),
            (
                "default_cost_card",
                " uk-wholesale ",
                "uk-wholesale",
                "uk wholesale",
            ),
            (
                "provider_card.telia",
                "telia-2026",
                "telia-2026",
                "telia/2026",
            ),
        ];
        for &(key, good, stored, bad) in cases {
            assert_eq!(set(key, good).as_deref(), Ok(stored), "{key} = {good:?}");
            let err = set(key, bad).unwrap_err();
            assert!(err.starts_with(&resolve(key).unwrap().name), "{key}: {err}");
            assert!(!err.contains('\u{1b}') && !err.contains('\n'), "{err:?}");
        }
    }

    #[test]
    fn rules_bound_sizes_and_refuse_what_reorders_text() {
        assert!(set("from_name", &"x".repeat(101)).is_err());
        assert!(
            set("smtp_username", &"x".repeat(501))
                .unwrap_err()
                .contains("longer than 500")
        );
        assert!(
            set("from_name", "Carrier\u{202E}CON")
                .unwrap_err()
                .contains("reorder")
        );
        assert!(set("from_name", "   ").unwrap_err().contains("unset"));
        assert!(set("smtp_server", "127.0.0.1:25").is_ok());
        assert!(set("smtp_server", "[::1]:2525").is_ok());
        assert!(set("smtp_server", "mail.example.com:70000").is_err());
        assert!(set("fx.USD.EUR", "1.0000001").is_err(), "seven decimals");
    }

    #[test]
    fn unknown_keys_list_the_known_ones_and_secrets_are_refused_as_such() {
        let err = set("smtp_host", "x").unwrap_err();
        assert!(
            err.starts_with("'smtp_host' is not a setting; the settings are: from_address, "),
            "{err}"
        );
        assert!(err.contains("fx.FROM.TO"));
        let err = set("smtp_password", "hunter2").unwrap_err();
        assert!(
            err.contains("secrets are never settings") && !err.contains("hunter2"),
            "{err}"
        );
        assert!(
            set("fx.USD.XYZ", "1")
                .unwrap_err()
                .contains("'XYZ' is not a currency code")
        );
        assert!(set("fx.EUR.eur", "1").unwrap_err().contains("to itself"));
        assert!(
            set("provider_card.a b", "x")
                .unwrap_err()
                .contains("'a b' is not a provider's name")
        );
        assert_eq!(
            resolve("provider_card.Telia").unwrap().name,
            "provider_card.Telia"
        );
        assert_eq!(resolve("fx.usd.gbp").unwrap().name, "fx.USD.GBP");
        let err = set("evil\u{1b}[2J", "1").unwrap_err();
        assert!(!err.contains('\u{1b}'), "{err:?}");
    }

    #[test]
    fn the_readme_table_has_every_key_under_its_section() {
        let table = markdown_table();
        for k in KEYS {
            assert!(table.contains(&format!("| `{}` | {} |", k.name, k.group.title())));
        }
    }
}
