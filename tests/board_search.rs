//! The board's search in contacts, which the database answers (the board keeps no contact
//! text in memory), on each engine: any case, a phone number in any written form, every
//! word on its own, each customer once, and the search's text taken literally.

mod common;

use carrierdesk::domain::ContactDraft;
use carrierdesk::domain::search::Search;
use carrierdesk::service::Service;
use common::{Db, each_engine};

fn add(service: &mut Service, customer: i64, email: &str, phone: &str, mobile: &str) {
    let draft = ContactDraft {
        name: "Someone".into(),
        email: email.into(),
        phone: phone.into(),
        mobile: mobile.into(),
        ..ContactDraft::default()
    };
    service
        .create_contact(&common::actor("bob"), customer, &draft, None)
        .unwrap();
}

/// For each word of `typed`, the customers the database finds through their contacts.
fn found(db: &Db, typed: &str) -> Vec<Vec<i64>> {
    let search = Search::parse(typed, Some("DE"));
    let matches = db.service.contact_matches(&search).unwrap();
    // What the board gets back is for the search it asked about.
    assert_eq!(matches.search, search, "{}", db.engine);
    (0..search.words().len())
        .map(|word| (1..=8).filter(|id| matches.holds(word, *id)).collect())
        .collect()
}

#[test]
fn contacts_are_found_in_any_case_by_number_in_any_form_and_each_customer_once() {
    for mut db in each_engine(8, 0) {
        let service = &mut db.service;
        add(
            service,
            2,
            "Mireille.Osei@Harbour.example",
            "+496598336393",
            "",
        );
        add(
            service,
            2,
            "osei.billing@harbour.example",
            "",
            "+4915112345678",
        );
        add(service, 5, "tobias@quayside.example", "", "+13682366454");
        add(service, 7, "a_b%c@odd.example", "", "");
        let engine = db.engine;

        assert_eq!(found(&db, "OSEI@harbour"), [vec![2]], "{engine}: any case");
        assert_eq!(
            found(&db, "osei"),
            [vec![2]],
            "{engine}: two contacts, one customer"
        );
        assert_eq!(
            found(&db, "06598 336393"),
            [vec![2]],
            "{engine}: a national number"
        );
        assert_eq!(
            found(&db, "0151 1234 5678"),
            [vec![2]],
            "{engine}: a mobile"
        );
        assert_eq!(
            found(&db, "(368) 236-6454"),
            [vec![5]],
            "{engine}: written out"
        );
        assert_eq!(
            found(&db, "osei tobias"),
            [vec![2], vec![5]],
            "{engine}: each word on its own"
        );
        // No LIKE patterns: % and _ are the characters themselves.
        assert_eq!(found(&db, "_b%"), [vec![7]], "{engine}");
        assert_eq!(found(&db, "%"), [vec![7]], "{engine}");
        assert_eq!(
            found(&db, "nobody@nowhere"),
            [Vec::<i64>::new()],
            "{engine}"
        );
        // A customer number is no word: nothing to ask the contacts.
        assert!(found(&db, "#2").is_empty(), "{engine}");
    }
}
