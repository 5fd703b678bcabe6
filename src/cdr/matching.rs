//! Which customer a call belongs to.

use crate::domain::CdrCustomer;
use crate::domain::cdr::sip_user;
use std::collections::HashMap;

/// Finds a call's customer: by its account code, which may be a customer's account code or
/// its id (an account code wins over an id that reads the same); failing that, by the SIP
/// user in its channel name, looked up among the SIP users of every customer.
pub struct Matcher {
    customers: Vec<CdrCustomer>,
    by_code: HashMap<String, usize>,
    by_id: HashMap<i64, usize>,
    by_sip_user: HashMap<String, usize>,
}

impl Matcher {
    /// `sip_users` are (username, customer id) pairs.
    pub fn new(
        customers: Vec<CdrCustomer>,
        sip_users: impl IntoIterator<Item = (String, i64)>,
    ) -> Matcher {
        let by_id: HashMap<i64, usize> = customers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        let by_code = customers
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.account_code.trim().is_empty())
            .map(|(i, c)| (c.account_code.trim().to_string(), i))
            .collect();
        let by_sip_user = sip_users
            .into_iter()
            .filter_map(|(user, id)| by_id.get(&id).map(|&i| (user, i)))
            .collect();
        Matcher {
            customers,
            by_code,
            by_id,
            by_sip_user,
        }
    }

    /// The index of the call's customer, if any.
    pub fn find(&self, account_code: &str, channel: &str) -> Option<usize> {
        let code = account_code.trim();
        let by_code = || {
            self.by_code.get(code).copied().or_else(|| {
                code.parse::<i64>()
                    .ok()
                    .and_then(|id| self.by_id.get(&id).copied())
            })
        };
        let by_channel = || sip_user(channel).and_then(|u| self.by_sip_user.get(u).copied());
        (!code.is_empty())
            .then(by_code)
            .flatten()
            .or_else(by_channel)
    }

    pub fn customer(&self, index: usize) -> &CdrCustomer {
        &self.customers[index]
    }

    /// How many customers there are; indices run below it.
    pub fn customer_count(&self) -> usize {
        self.customers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Currency, Tariff};

    fn customer(id: i64, code: &str) -> CdrCustomer {
        CdrCustomer {
            id,
            name: format!("Customer {id}"),
            account_code: code.into(),
            currency: Currency::parse("EUR").unwrap(),
            tariff: Tariff {
                rate_micros: 0,
                first_s: 60,
                next_s: 60,
            },
            tech_prefixes: Vec::new(),
        }
    }

    #[test]
    fn account_code_then_id_then_sip_user() {
        let m = Matcher::new(
            vec![customer(1, "AC000001"), customer(2, "7"), customer(7, "")],
            [("1001".to_string(), 7), ("2001".to_string(), 99)],
        );
        let id = |code: &str, channel: &str| m.find(code, channel).map(|i| m.customer(i).id);
        assert_eq!(id("AC000001", ""), Some(1));
        assert_eq!(id(" AC000001 ", ""), Some(1));
        assert_eq!(id("1", ""), Some(1));
        // "7" is customer 2's account code before it is customer 7's id.
        assert_eq!(id("7", ""), Some(2));
        assert_eq!(id("", "SIP/1001-0000abcd"), Some(7));
        assert_eq!(id("AC999999", "PJSIP/1001-00000001"), Some(7));
        // A SIP user of a customer that does not exist matches nobody.
        assert_eq!(id("", "SIP/2001-0001"), None);
        assert_eq!(id("", ""), None);
    }
}
