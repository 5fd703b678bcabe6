//! Call detail records as stored, and who a call belongs to.

use super::money::{Currency, MICROS};
use super::rating::{ChargedBy, CostBy, Tariff};
use super::summary::Traffic;
use serde::Serialize;
use std::borrow::Cow;

/// The most one call may be charged, or cost, in whole units of its currency (1,000,000.00
/// EUR, 1,000,000 JPY). Far above any real call, and low enough that adding calls up never
/// overflows: an hour's total would need billions of calls at the most.
pub const MAX_CALL_AMOUNT: i64 = 1_000_000;

/// Refuses a call's charge or cost, in millionths, below zero or above `MAX_CALL_AMOUNT`,
/// saying why.
pub fn check_call_amount(micros: i64, currency: Currency) -> Result<(), String> {
    let max = MAX_CALL_AMOUNT * MICROS;
    if micros < 0 {
        Err(format!(
            "{} is negative; a call's charge and cost cannot be",
            currency.exact(micros)
        ))
    } else if micros > max {
        Err(format!(
            "{} {} is more than one call may come to ({} {})",
            currency.exact(micros),
            currency.code(),
            currency.exact(max),
            currency.code()
        ))
    } else {
        Ok(())
    }
}

/// One call attempt, as stored and as the CDR report lists it. The text fields borrow from
/// the file being imported; records read back from the database own them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cdr<'a> {
    /// The CDR's own unique id, or a hash of its row where the format has none.
    pub uid: Cow<'a, str>,
    /// None while no customer matches the call.
    pub customer_id: Option<i64>,
    /// Unix seconds, UTC.
    pub start_at: i64,
    pub answered: bool,
    /// Talk time in seconds: from answer to hang-up, 0 for a call nobody answered.
    pub duration_s: i64,
    /// Talk time rounded up to the customer's billing increments.
    pub billed_s: i64,
    /// Millionths of the major unit of the customer's currency (call precision).
    pub charge: i64,
    pub cost: i64,
    pub src: Cow<'a, str>,
    pub dst: Cow<'a, str>,
    pub disposition: Cow<'a, str>,
    pub channel: Cow<'a, str>,
    pub account_code: Cow<'a, str>,
    /// The provider the call went out through, as the file named it; "" when unknown.
    pub provider: Cow<'a, str>,
    pub charged_by: ChargedBy,
    pub cost_by: CostBy,
}

impl Cdr<'_> {
    /// The same call, owning its text.
    pub fn into_owned(self) -> Cdr<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Cdr {
            uid: own(self.uid),
            customer_id: self.customer_id,
            start_at: self.start_at,
            answered: self.answered,
            duration_s: self.duration_s,
            billed_s: self.billed_s,
            charge: self.charge,
            cost: self.cost,
            src: own(self.src),
            dst: own(self.dst),
            disposition: own(self.disposition),
            channel: own(self.channel),
            account_code: own(self.account_code),
            provider: own(self.provider),
            charged_by: self.charged_by,
            cost_by: self.cost_by,
        }
    }

    /// This call's share of a summary row.
    pub fn traffic(&self) -> Traffic {
        Traffic {
            attempts: 1,
            connected: i64::from(self.answered),
            duration_s: self.duration_s,
            billed_s: self.billed_s,
            charge: self.charge,
            cost: self.cost,
        }
    }
}

/// What an import needs to know about a customer: how calls find it and how they are priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdrCustomer {
    pub id: i64,
    pub name: String,
    pub account_code: String,
    pub currency: Currency,
    pub tariff: Tariff,
    /// Taken off a dialled number before rating (`9#`), the longest that matches.
    pub tech_prefixes: Vec<String>,
}

/// The provider an Asterisk call went out through, from its `dstchannel`: the trunk to a
/// provider is a SIP peer too, so `SIP/carrierA-0000001f` and `PJSIP/carrierA-00000003`
/// give `carrierA`.
pub fn provider(dst_channel: &str) -> Option<&str> {
    sip_user(dst_channel)
}

/// The SIP user (extension) in an Asterisk channel name: `SIP/1001-0000abcd` and
/// `PJSIP/1001-00000012` give `1001`. Asterisk appends `-` and a sequence number to the
/// peer or endpoint name, so the user is what lies between the `/` and the last `-`.
pub fn sip_user(channel: &str) -> Option<&str> {
    let (tech, rest) = channel.split_once('/')?;
    if !(tech.eq_ignore_ascii_case("SIP") || tech.eq_ignore_ascii_case("PJSIP")) {
        return None;
    }
    let user = rest.rsplit_once('-').map_or(rest, |(user, _)| user);
    (!user.is_empty()).then_some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sip_user_comes_from_the_channel_name() {
        assert_eq!(sip_user("SIP/1001-0000abcd"), Some("1001"));
        assert_eq!(sip_user("PJSIP/1001-00000012"), Some("1001"));
        assert_eq!(sip_user("PJSIP/office-main-00000012"), Some("office-main"));
        assert_eq!(sip_user("pjsip/2002"), Some("2002"));
        assert_eq!(sip_user("IAX2/1001-123"), None);
        assert_eq!(sip_user("DAHDI/1-1"), None);
        assert_eq!(sip_user("SIP/-0001"), None);
        assert_eq!(sip_user(""), None);
    }

    #[test]
    fn a_call_counts_once_in_the_summary() {
        let cdr = Cdr {
            uid: "1.1".into(),
            customer_id: Some(1),
            start_at: 0,
            answered: true,
            duration_s: 61,
            billed_s: 120,
            charge: 5,
            cost: 0,
            src: "".into(),
            dst: "".into(),
            disposition: "ANSWERED".into(),
            channel: "".into(),
            account_code: "".into(),
            provider: "".into(),
            charged_by: ChargedBy::Flat,
            cost_by: CostBy::Unknown,
        };
        let t = cdr.traffic();
        assert_eq!(
            (t.attempts, t.connected, t.duration_s, t.billed_s),
            (1, 1, 61, 120)
        );
    }
}
