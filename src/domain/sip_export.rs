//! SIP users written for a switch: rows of Kamailio's `subscriber` table, or a pjsip.conf
//! fragment for Asterisk. Only what a registrar needs goes out: the password as its digests.

use super::count;
use super::sip_user::{NatPing, Protocol, SipUser};
use crate::text::printable;
use std::fmt::Write;

/// The switch a file is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwitchFormat {
    /// CSV rows for Kamailio's `subscriber` table: username, domain, password, ha1, ha1b.
    Kamailio,
    /// A pjsip.conf fragment: an endpoint, an auth and an aor per SIP user.
    AsteriskPjsip,
}

impl std::str::FromStr for SwitchFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "kamailio" => Ok(SwitchFormat::Kamailio),
            "asterisk-pjsip" => Ok(SwitchFormat::AsteriskPjsip),
            _ => Err(format!("'{s}' is not kamailio or asterisk-pjsip")),
        }
    }
}

/// One SIP user as the switch gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchUser {
    pub user: SipUser,
    pub customer_name: String,
    pub ha1: String,
    pub ha1b: String,
}

/// How often Asterisk pings a contact when the NAT ping is enabled without an interval of
/// its own: Asterisk's own default is never.
pub const DEFAULT_QUALIFY_S: u32 = 60;

/// The file for `format`; `realm` is the SIP realm (and domain) the digests were made for.
pub fn render(format: SwitchFormat, realm: &str, users: &[SwitchUser]) -> String {
    match format {
        SwitchFormat::Kamailio => kamailio(realm, users),
        SwitchFormat::AsteriskPjsip => asterisk(realm, users),
    }
}

/// A header, then a row per user. The password is `""`, an empty string rather than NULL
/// for PostgreSQL's COPY … CSV and MySQL's LOAD DATA alike: the table's column is NOT NULL.
fn kamailio(realm: &str, users: &[SwitchUser]) -> String {
    let mut out = String::from("username,domain,password,ha1,ha1b\n");
    for u in users {
        // Usernames are letters, digits and . _ - + ~, the realm a host name, the digests
        // hex: nothing to quote.
        let _ = writeln!(
            out,
            "{},{realm},\"\",{},{}",
            u.user.spec.username, u.ha1, u.ha1b
        );
    }
    out
}

fn asterisk(realm: &str, users: &[SwitchUser]) -> String {
    let mut out = format!(
        "; SIP users from carrierdesk for realm {realm}: {}.\n\
         ; Transports named transport-udp, transport-tcp and transport-tls must exist.\n",
        count(users.len(), "endpoint")
    );
    for u in users {
        let s = &u.user.spec;
        let name = &s.username;
        let _ = write!(
            out,
            "\n; {} (#{}), SIP user {name}\n",
            printable(&u.customer_name),
            u.user.customer_id
        );
        let _ = writeln!(out, "[{name}]\ntype=endpoint");
        let transport = match s.protocol {
            Protocol::Udp => "transport-udp",
            Protocol::Tcp => "transport-tcp",
            Protocol::Tls | Protocol::TlsSrtp => "transport-tls",
        };
        let _ = writeln!(out, "transport={transport}");
        let _ = writeln!(out, "auth={name}\naors={name}");
        let codecs: Vec<&str> = s.codecs.iter().map(|c| c.key()).collect();
        let _ = writeln!(out, "disallow=all\nallow={}", codecs.join(","));
        if s.protocol == Protocol::TlsSrtp {
            out.push_str("media_encryption=sdes\n");
        }
        if !s.whitelist.is_empty() {
            out.push_str("deny=0.0.0.0/0\ndeny=::/0\n");
            for net in &s.whitelist {
                let _ = writeln!(out, "permit={net}");
            }
        }
        if s.nat_ping != NatPing::Disabled {
            out.push_str("rtp_symmetric=yes\nforce_rport=yes\nrewrite_contact=yes\n");
        }
        if s.channels > 0 {
            let _ = writeln!(
                out,
                "; At most {}: PJSIP has no such limit per endpoint; busy state\n\
                 ; from it, and a dialplan GROUP() check, e.g. Set(GROUP(sipuser)={name}) then\n\
                 ; GotoIf($[${{GROUP_COUNT({name}@sipuser)}} > {}]?busy).\n\
                 device_state_busy_at={}",
                count(s.channels, "concurrent call"),
                s.channels,
                s.channels
            );
        }
        if s.cps > 0 {
            let _ = writeln!(out, "; At most {} a second.", count(s.cps, "call"));
        }
        let _ = writeln!(
            out,
            "\n[{name}]\ntype=auth\nauth_type=md5\nusername={name}\nrealm={realm}\nmd5_cred={}",
            u.ha1
        );
        let qualify = match s.nat_ping {
            NatPing::Disabled => 0,
            NatPing::Enabled => DEFAULT_QUALIFY_S,
            NatPing::Every(secs) => secs,
        };
        let _ = writeln!(
            out,
            "\n[{name}]\ntype=aor\nmax_contacts=1\nqualify_frequency={qualify}"
        );
    }
    out
}
