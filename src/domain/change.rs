//! What a commit changed, so that another console reloads only that. SQLite's
//! `PRAGMA data_version` says only that something changed; a `Change` says what: a topic
//! and the customers it concerns. One `Change` is a row of the change log and, on
//! PostgreSQL, a NOTIFY payload, whose limit is 8,000 bytes.
//!
//! The payload is compact JSON: `{"topic":"customers","ids":[3,7]}`, or
//! `{"topic":"summaries","many":true}` when the change concerns more than `MAX_IDS`
//! customers or ones not known (calls that matched no customer, say).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What kind of rows changed: what a screen asks about before it reloads. There is no
/// audit topic: each audit row comes with a change of its customer's customer row or
/// scheduled changes, which a card's audit tab follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// A customer row: created, edited (form, bulk edit, bulk upload, a scheduled change
    /// applied, the last call of an import) or deleted.
    Customers,
    /// Contacts, number blocks and SIP users of a customer.
    Contacts,
    /// Hourly summary rows, and so the board's ASR and ACD.
    Summaries,
    /// Scheduled ("Delay and Save") changes.
    Scheduled,
    /// Calls (CDR rows), including those that matched no customer.
    Calls,
    Settings,
    /// Messages in the outbox: queued, claimed, sent or failed.
    Messages,
    /// Rate cards and their versions.
    RateCards,
}

impl Topic {
    pub const ALL: [Topic; 8] = [
        Topic::Customers,
        Topic::Contacts,
        Topic::Summaries,
        Topic::Scheduled,
        Topic::Calls,
        Topic::Settings,
        Topic::Messages,
        Topic::RateCards,
    ];
}

/// Past this many customers a change says `Many`: its payload stays small (100 ids of
/// at most 20 characters are about 2,100 bytes), and a reader would reload all anyway.
pub const MAX_IDS: usize = 100;

/// The customers a change concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// These customers. None is no change at all: merging it adds nothing.
    Ids(BTreeSet<i64>),
    /// More than `MAX_IDS`, or not known: any customer may be concerned.
    Many,
}

impl Scope {
    /// `Many` past `MAX_IDS`.
    pub fn ids(ids: impl IntoIterator<Item = i64>) -> Scope {
        let mut set = BTreeSet::new();
        for id in ids {
            set.insert(id);
            if set.len() > MAX_IDS {
                return Scope::Many;
            }
        }
        Scope::Ids(set)
    }

    pub fn concerns(&self, customer_id: i64) -> bool {
        match self {
            Scope::Ids(ids) => ids.contains(&customer_id),
            Scope::Many => true,
        }
    }

    /// The union, `Many` past `MAX_IDS`.
    fn merge(&mut self, other: Scope) {
        *self = match (std::mem::replace(self, Scope::Many), other) {
            (Scope::Ids(mut mine), Scope::Ids(theirs)) => {
                mine.extend(theirs);
                if mine.len() > MAX_IDS {
                    Scope::Many
                } else {
                    Scope::Ids(mine)
                }
            }
            _ => Scope::Many,
        };
    }
}

/// One topic's change in one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Payload", try_from = "Payload")]
pub struct Change {
    pub topic: Topic,
    pub scope: Scope,
}

impl Change {
    /// A change concerning these customers (`Many` past `MAX_IDS`).
    pub fn ids(topic: Topic, ids: impl IntoIterator<Item = i64>) -> Change {
        Change {
            topic,
            scope: Scope::ids(ids),
        }
    }

    pub fn many(topic: Topic) -> Change {
        Change {
            topic,
            scope: Scope::Many,
        }
    }

    /// The JSON text of the change log and of NOTIFY. A scope built by hand with more than
    /// `MAX_IDS` ids is written as `many`, so the text always fits.
    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).expect("a change is plain data")
    }

    pub fn from_payload(text: &str) -> Result<Change, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// The wire form of a `Change`. Unknown keys are ignored; an unknown topic is an error.
#[derive(Serialize, Deserialize)]
struct Payload {
    topic: Topic,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ids: Option<BTreeSet<i64>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    many: bool,
}

impl From<Change> for Payload {
    fn from(c: Change) -> Payload {
        let ids = match c.scope {
            Scope::Ids(ids) if ids.len() <= MAX_IDS => Some(ids),
            _ => None,
        };
        Payload {
            topic: c.topic,
            many: ids.is_none(),
            ids,
        }
    }
}

impl TryFrom<Payload> for Change {
    type Error = String;

    fn try_from(p: Payload) -> Result<Change, String> {
        match (p.many, p.ids) {
            (true, _) => Ok(Change::many(p.topic)),
            (false, Some(ids)) => Ok(Change::ids(p.topic, ids)),
            (false, None) => Err("a change needs \"ids\" or \"many\": true".into()),
        }
    }
}

/// Changes merged: one scope per topic, or everything when the reader lost track (the
/// change log was pruned past it). Screens ask it what to reload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    topics: BTreeMap<Topic, Scope>,
    everything: bool,
}

impl Changes {
    pub fn new() -> Changes {
        Changes::default()
    }

    /// Reload all: what was missed is not known.
    pub fn everything() -> Changes {
        Changes {
            topics: BTreeMap::new(),
            everything: true,
        }
    }

    pub fn is_everything(&self) -> bool {
        self.everything
    }

    pub fn is_empty(&self) -> bool {
        !self.everything && self.topics.is_empty()
    }

    /// Adds a change; one concerning no customer is none, so an operation may pass the
    /// ids it wrote without checking there were any.
    pub fn merge(&mut self, change: Change) {
        if self.everything || change.scope == Scope::Ids(BTreeSet::new()) {
            return;
        }
        match self.topics.get_mut(&change.topic) {
            Some(scope) => scope.merge(change.scope),
            None => {
                self.topics.insert(change.topic, change.scope);
            }
        }
    }

    /// Adds all of `other`: for loads that queue up.
    pub fn union(&mut self, other: Changes) {
        if other.everything {
            *self = Changes::everything();
        } else {
            self.extend(
                other
                    .topics
                    .into_iter()
                    .map(|(topic, scope)| Change { topic, scope }),
            );
        }
    }

    /// Whether anything of `topic` changed.
    pub fn touches(&self, topic: Topic) -> bool {
        self.everything || self.topics.contains_key(&topic)
    }

    /// The customers whose rows of any of `topics` changed; None when that is not known
    /// (too many to name, or everything): then reload all.
    pub fn customers_in(&self, topics: &[Topic]) -> Option<Vec<i64>> {
        if self.everything {
            return None;
        }
        let mut ids = BTreeSet::new();
        for scope in topics.iter().filter_map(|t| self.topics.get(t)) {
            match scope {
                Scope::Ids(some) => ids.extend(some),
                Scope::Many => return None,
            }
        }
        Some(ids.into_iter().collect())
    }

    /// Whether rows of `topic` of this customer may have changed.
    pub fn concerns(&self, topic: Topic, customer_id: i64) -> bool {
        self.everything
            || self
                .topics
                .get(&topic)
                .is_some_and(|scope| scope.concerns(customer_id))
    }

    /// One change per topic touched, in topic order; every topic as `Many` for everything.
    pub fn to_changes(&self) -> Vec<Change> {
        if self.everything {
            return Topic::ALL.map(Change::many).to_vec();
        }
        self.topics
            .iter()
            .map(|(&topic, scope)| Change {
                topic,
                scope: scope.clone(),
            })
            .collect()
    }
}

/// PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.
pub const NOTIFY_MAX: usize = 7_900;

impl Changes {
    /// One commit's changes as one notification: a JSON array of changes, the topics with
    /// the most ids said as "many" until it fits in `NOTIFY_MAX` bytes.
    pub fn to_notification(&self) -> String {
        let mut changes = self.to_changes();
        loop {
            let text = serde_json::to_string(&changes).expect("changes are plain data");
            let largest = changes
                .iter_mut()
                .filter(|c| c.scope != Scope::Many)
                .max_by_key(|c| match &c.scope {
                    Scope::Ids(ids) => ids.len(),
                    Scope::Many => 0,
                });
            match largest {
                Some(change) if text.len() > NOTIFY_MAX => change.scope = Scope::Many,
                _ => return text,
            }
        }
    }

    /// A notification read back; everything when it cannot be read (a newer console's).
    pub fn from_notification(text: &str) -> Changes {
        serde_json::from_str::<Vec<Change>>(text)
            .map(|changes| changes.into_iter().collect())
            .unwrap_or_else(|_| Changes::everything())
    }
}

impl Extend<Change> for Changes {
    fn extend<I: IntoIterator<Item = Change>>(&mut self, changes: I) {
        for change in changes {
            self.merge(change);
        }
    }
}

impl FromIterator<Change> for Changes {
    fn from_iter<I: IntoIterator<Item = Change>>(changes: I) -> Changes {
        let mut all = Changes::new();
        all.extend(changes);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_fits_postgresql_and_reads_back() {
        let mut big = Changes::new();
        for topic in Topic::ALL {
            big.merge(Change::ids(
                topic,
                (0..MAX_IDS as i64).map(|i| i64::MAX - i),
            ));
        }
        let text = big.to_notification();
        assert!(text.len() <= NOTIFY_MAX, "{} bytes", text.len());
        let back = Changes::from_notification(&text);
        for topic in Topic::ALL {
            assert!(back.concerns(topic, i64::MAX), "{topic:?}");
        }
        let mut small = Changes::new();
        small.merge(Change::ids(Topic::Customers, [7]));
        assert_eq!(Changes::from_notification(&small.to_notification()), small);
        assert!(Changes::from_notification("not json").is_everything());
    }

    #[test]
    fn the_customers_of_some_topics_are_named_until_one_is_many() {
        let mut c = Changes::new();
        c.merge(Change::ids(Topic::Customers, [7, 3]));
        c.merge(Change::ids(Topic::Summaries, [9]));
        c.merge(Change::many(Topic::Calls));
        assert_eq!(
            c.customers_in(&[Topic::Customers, Topic::Summaries]),
            Some(vec![3, 7, 9])
        );
        assert_eq!(c.customers_in(&[Topic::Contacts]), Some(vec![]));
        assert_eq!(c.customers_in(&[Topic::Customers, Topic::Calls]), None);
        assert_eq!(Changes::everything().customers_in(&[Topic::Contacts]), None);
    }
    use proptest::prelude::*;

    #[test]
    fn the_payload_is_compact_json() {
        let c = Change::ids(Topic::Customers, [7, 3, 7]);
        assert_eq!(c.to_payload(), r#"{"topic":"customers","ids":[3,7]}"#);
        assert_eq!(
            Change::many(Topic::Summaries).to_payload(),
            r#"{"topic":"summaries","many":true}"#
        );
        assert_eq!(
            Change::ids(Topic::Calls, []).to_payload(),
            r#"{"topic":"calls","ids":[]}"#
        );
    }

    #[test]
    fn payloads_read_back_and_bad_ones_are_errors() {
        let c = Change::from_payload(r#"{"topic":"scheduled","ids":[5],"by":"x"}"#).unwrap();
        assert_eq!(c, Change::ids(Topic::Scheduled, [5]));
        let many = Change::from_payload(r#"{"topic":"calls","many":true}"#).unwrap();
        assert_eq!(many.scope, Scope::Many);
        for bad in [
            r#"{"topic":"invoices","ids":[1]}"#,
            r#"{"topic":"calls"}"#,
            r#"{"ids":[1]}"#,
            "not json",
        ] {
            assert!(Change::from_payload(bad).is_err(), "{bad}");
        }
        // A writer that sent too many ids is read as many.
        let long = format!(
            r#"{{"topic":"customers","ids":[{}]}}"#,
            (0..=MAX_IDS as i64)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(Change::from_payload(&long).unwrap().scope, Scope::Many);
    }

    #[test]
    fn ids_collapse_to_many_past_the_limit() {
        let limit = MAX_IDS as i64;
        assert_eq!(Scope::ids(1..=limit), Scope::Ids((1..=limit).collect()));
        assert_eq!(Scope::ids(1..=limit + 1), Scope::Many);
        let mut all = Changes::new();
        all.merge(Change::ids(Topic::Customers, 1..=limit));
        all.merge(Change::ids(Topic::Customers, 1..=limit));
        assert!(!all.concerns(Topic::Customers, limit + 1), "still ids");
        all.merge(Change::ids(Topic::Customers, [limit + 1]));
        assert!(all.concerns(Topic::Customers, 123_456), "many now");
    }

    #[test]
    fn merged_changes_say_what_to_reload() {
        let mut all: Changes = [
            Change::ids(Topic::Customers, [3]),
            Change::ids(Topic::Summaries, [9]),
            Change::ids(Topic::Customers, [7]),
        ]
        .into_iter()
        .collect();
        assert!(!all.is_empty());
        assert!(all.concerns(Topic::Customers, 3) && all.concerns(Topic::Customers, 7));
        assert!(!all.concerns(Topic::Customers, 9));
        assert!(!all.concerns(Topic::Summaries, 3));
        assert!(all.touches(Topic::Summaries) && !all.touches(Topic::Calls));
        all.merge(Change::ids(Topic::Calls, []));
        assert!(!all.touches(Topic::Calls), "no customer, no change");
        all.merge(Change::many(Topic::Calls));
        assert!(all.touches(Topic::Calls) && all.concerns(Topic::Calls, 3));
        assert_eq!(all.to_changes().len(), 3);

        let mut queued = Changes::new();
        assert!(queued.is_empty() && !queued.touches(Topic::Customers));
        queued.union(all.clone());
        assert_eq!(queued, all);
        queued.union(Changes::everything());
        queued.merge(Change::ids(Topic::Customers, [1]));
        assert!(queued.is_everything() && queued.concerns(Topic::Settings, 42));
        assert_eq!(queued.to_changes(), Topic::ALL.map(Change::many));
    }

    fn any_change() -> impl Strategy<Value = Change> {
        let scope = prop_oneof![
            Just(Scope::Many),
            // Past the limit too: a scope built by hand.
            proptest::collection::btree_set(any::<i64>(), 0..=3 * MAX_IDS).prop_map(Scope::Ids),
        ];
        (proptest::sample::select(Topic::ALL.to_vec()), scope)
            .prop_map(|(topic, scope)| Change { topic, scope })
    }

    proptest! {
        #[test]
        fn every_payload_fits_a_notify_and_reads_back(change in any_change()) {
            let text = change.to_payload();
            prop_assert!(text.len() < 8000, "{} bytes", text.len());
            let back = Change::from_payload(&text).unwrap();
            let expected = match &change.scope {
                Scope::Ids(ids) if ids.len() > MAX_IDS => Change::many(change.topic),
                _ => change.clone(),
            };
            prop_assert_eq!(back, expected);
        }
    }
}
