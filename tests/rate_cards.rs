//! Rate cards through the service, on each engine: imports as versions in force from their
//! effective time, the longest prefix and the catch-all, files refused whole with every
//! problem's line and field, a card's currency kept, exports that import back the same,
//! deletes refused while a setting uses the card, and a card of 100,000 rows.

mod common;

use carrierdesk::domain::rate_card::{PrefixTable, RateRow};
use carrierdesk::service::{CardImport, Service, ServiceError, SettingChange};
use common::{Db, actor, each_engine_empty};
use std::path::{Path, PathBuf};

/// 2026-12-01 00:00 UTC and a month later.
const DEC: i64 = 1_796_083_200;
const JAN: i64 = DEC + 31 * 86_400;

fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn import(
    service: &mut Service,
    card: &str,
    path: &Path,
    currency: Option<&str>,
    effective: i64,
) -> Result<usize, ServiceError> {
    service
        .import_rate_card(
            &actor("alice"),
            &CardImport {
                card,
                path,
                currency,
                effective_from: Some(effective),
                dry_run: false,
            },
        )
        .map(|r| r.rows)
}

/// The rate and description of the row pricing `number` at `at`.
fn price(service: &Service, card: &str, number: &str, at: i64) -> (i64, String) {
    let p = service.price_number(card, number, at).unwrap();
    (p.row.rate, p.row.description)
}

fn rows_stored(db: &Db) -> i64 {
    db.raw.count("SELECT count(*) FROM rate_card_rows")
}

const UK_DEC: &str = "prefix,description,rate,connection_fee,first_increment,next_increment\n\
                      44,UK landline,0.0042,0,60,60\n\
                      447,UK mobile,0.012,0.001,30,6\n\
                      ,Rest of world,0.25,,,\n";
const UK_JAN: &str =
    "rate,prefix,description\n0.005,44,UK landline\n0.02,4479,UK mobile (Vodafone)\n";

#[test]
fn versions_come_into_force_at_their_time_and_the_longest_prefix_prices() {
    for mut db in each_engine_empty() {
        let dir = tempfile::tempdir().unwrap();
        let dec = file(dir.path(), "uk-dec.csv", UK_DEC);
        let jan = file(dir.path(), "uk-jan.csv", UK_JAN);
        let s = &mut db.service;
        assert_eq!(import(s, "uk", &dec, Some("gbp"), DEC).unwrap(), 3);
        // The January file comes first in time order of import, later in force.
        assert_eq!(import(s, "UK", &jan, None, JAN).unwrap(), 2);

        assert_eq!(
            price(s, "uk", "+44 7911 123456", DEC),
            (12_000, "UK mobile".into())
        );
        assert_eq!(
            price(s, "uk", "442079460018", DEC + 1),
            (4_200, "UK landline".into())
        );
        assert_eq!(
            price(s, "uk", "12125550100", DEC),
            (250_000, "Rest of world".into())
        );
        // January's card has other rows and no catch-all.
        assert_eq!(
            price(s, "uk", "447911123456", JAN),
            (20_000, "UK mobile (Vodafone)".into())
        );
        assert_eq!(
            price(s, "uk", "447811123456", JAN),
            (5_000, "UK landline".into())
        );
        let refused = s.price_number("uk", "12125550100", JAN).unwrap_err();
        assert!(refused.to_string().contains("no catch-all"), "{refused}");
        let before = s.price_number("uk", "44", DEC - 1).unwrap_err();
        assert!(
            before
                .to_string()
                .contains("no version of card uk is in force"),
            "{before}"
        );

        let p = s.price_number("uk", "447", DEC).unwrap();
        assert_eq!(
            (
                p.row.connection_fee,
                p.row.first_increment,
                p.row.next_increment
            ),
            (1_000, 30, 6)
        );

        let cards = s.rate_cards(DEC + 5).unwrap();
        assert_eq!(cards.len(), 1);
        let uk = &cards[0];
        assert_eq!(
            (uk.card.name.as_str(), uk.card.currency.code(), uk.versions),
            ("uk", "GBP", 2)
        );
        assert_eq!(
            uk.current.as_ref().map(|v| (v.effective_from, v.row_count)),
            Some((DEC, 3))
        );
        assert_eq!(uk.next.as_ref().map(|v| v.effective_from), Some(JAN));

        let mut shown = s.rate_card_rows("uk", JAN).unwrap();
        assert_eq!(shown.rows.len(), 2);
        shown.filter("", "vodafone");
        assert_eq!(
            shown
                .rows
                .iter()
                .map(|r| r.prefix.as_str())
                .collect::<Vec<_>>(),
            ["4479"]
        );
        let mut shown = s.rate_card_rows("uk", DEC).unwrap();
        shown.filter("44", "");
        assert_eq!(shown.rows.len(), 2);

        // Each import wrote its audit row.
        assert_eq!(
            db.raw
                .count("SELECT count(*) FROM audit_log WHERE table_name = 'rate_card_versions'"),
            2
        );
    }
}

#[test]
fn a_bad_file_names_every_line_and_field_and_changes_nothing() {
    for mut db in each_engine_empty() {
        let dir = tempfile::tempdir().unwrap();
        let good = file(dir.path(), "good.csv", UK_DEC);
        import(&mut db.service, "uk", &good, Some("GBP"), DEC).unwrap();
        let before = rows_stored(&db);
        let bad = file(
            dir.path(),
            "bad.csv",
            "prefix,rate,next_increment\n44,0.1,60\n+49,0.01,0\n44,0.2,60\n",
        );
        let e = import(&mut db.service, "uk", &bad, None, JAN).unwrap_err();
        let ServiceError::CardProblems { problems, .. } = &e else {
            panic!("not the file's problems: {e}");
        };
        let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(
            said[0].starts_with("line 3, prefix: '+49' is not a prefix"),
            "{said:?}"
        );
        assert!(said[1].starts_with("line 3, next_increment:"), "{said:?}");
        assert_eq!(
            said[2],
            "line 4, prefix: prefix 44 is on line 2 already: a prefix appears once"
        );
        assert!(e.is_refusal());

        let unknown = file(dir.path(), "unknown.csv", "prefix,rate,tariff\n44,0.1,x\n");
        let e = import(&mut db.service, "uk", &unknown, None, JAN).unwrap_err();
        assert!(e.to_string().contains("'tariff' is not a column"), "{e}");

        let e = import(&mut db.service, "uk", &good, Some("EUR"), JAN).unwrap_err();
        assert!(e.to_string().contains("card uk is in GBP, not EUR"), "{e}");
        let e = import(&mut db.service, "uk", &good, None, DEC).unwrap_err();
        assert!(
            e.to_string()
                .contains("in force from 2026-12-01T00:00:00Z already"),
            "{e}"
        );
        let e = import(&mut db.service, "fr", &good, None, DEC).unwrap_err();
        assert!(e.to_string().contains("give its currency"), "{e}");

        // A dry run reports and stores nothing.
        let dry = db
            .service
            .import_rate_card(
                &actor("alice"),
                &CardImport {
                    card: "fr",
                    path: &good,
                    currency: Some("EUR"),
                    effective_from: None,
                    dry_run: true,
                },
            )
            .unwrap();
        assert!(dry.new_card && dry.version_id.is_none() && dry.rows == 3);

        assert_eq!(rows_stored(&db), before);
        assert_eq!(db.raw.count("SELECT count(*) FROM rate_card_versions"), 1);
        assert_eq!(db.raw.count("SELECT count(*) FROM rate_cards"), 1);
    }
}

#[test]
fn an_export_imports_back_the_same() {
    for mut db in each_engine_empty() {
        let dir = tempfile::tempdir().unwrap();
        let text = "prefix,description,rate\n\
                    44,\"=HYPERLINK(\"\"http://x.example\"\",\"\"pay\"\")\",0.000001\n\
                    33,\"-France, mobile\",999.999999\n\
                    1,@US,0\n";
        let path = file(dir.path(), "tricky.csv", text);
        import(&mut db.service, "tricky", &path, Some("USD"), DEC).unwrap();
        let mut out = Vec::new();
        db.service
            .export_rate_card("tricky", DEC, &mut out)
            .unwrap();
        let exported = String::from_utf8(out).unwrap();
        assert!(
            exported.contains("'=HYPERLINK") && exported.contains("'@US"),
            "{exported}"
        );
        let again = file(dir.path(), "again.csv", &exported);
        import(&mut db.service, "tricky", &again, None, JAN).unwrap();
        let rows = |at| -> Vec<RateRow> { db.service.rate_card_rows("tricky", at).unwrap().rows };
        assert_eq!(rows(DEC), rows(JAN));
        assert_eq!(
            rows(DEC)[2].description,
            "=HYPERLINK(\"http://x.example\",\"pay\")"
        );
        assert_eq!(rows(DEC)[1].rate, 999_999_999);
        let mut twice = Vec::new();
        db.service
            .export_rate_card("tricky", JAN, &mut twice)
            .unwrap();
        assert_eq!(String::from_utf8(twice).unwrap(), exported);
    }
}

fn set(service: &mut Service, key: &str, value: Option<&str>) -> Result<(), ServiceError> {
    service
        .change_setting(
            &actor("alice"),
            &SettingChange {
                key,
                value,
                expect: None,
            },
        )
        .map(|_| ())
}

#[test]
fn a_card_in_use_by_a_setting_or_a_customer_is_not_deleted() {
    for mut db in each_engine_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path(), "uk.csv", UK_DEC);
        import(&mut db.service, "uk-cost", &path, Some("GBP"), DEC).unwrap();
        let s = &mut db.service;
        let e = set(s, "default_cost_card", Some("nope")).unwrap_err();
        assert!(e.to_string().contains("no rate card named nope"), "{e}");
        set(s, "default_cost_card", Some("UK-COST")).unwrap();
        assert_eq!(
            s.setting("default_cost_card").unwrap().value.as_deref(),
            Some("uk-cost")
        );
        set(s, "provider_card.telia", Some("uk-cost")).unwrap();

        let e = s.delete_rate_card(&actor("alice"), "uk-cost").unwrap_err();
        assert!(e.is_refusal());
        assert!(
            e.to_string()
                .contains("in use by setting default_cost_card, setting provider_card.telia"),
            "{e}"
        );
        set(s, "default_cost_card", None).unwrap();
        set(s, "provider_card.telia", None).unwrap();

        // A customer the card is assigned to (the rating work fills this table).
        db.raw.execute(
            "INSERT INTO customers (id, name, status, currency, created_at, updated_at)
             VALUES (7, 'Atlas Voice', 'active', 'GBP', 'now', 'now');
             INSERT INTO customer_rate_cards (customer_id, card_id, effective_from, assigned_at, assigned_by)
             SELECT 7, id, 0, 'now', 'alice' FROM rate_cards",
        );
        let e = db
            .service
            .delete_rate_card(&actor("alice"), "uk-cost")
            .unwrap_err();
        assert!(e.to_string().contains("customer Atlas Voice (#7)"), "{e}");
        db.raw.execute("DELETE FROM customer_rate_cards");

        let deleted = db
            .service
            .delete_rate_card(&actor("alice"), "uk-cost")
            .unwrap();
        assert_eq!(deleted.name, "uk-cost");
        assert_eq!(rows_stored(&db), 0);
        assert_eq!(db.raw.count("SELECT count(*) FROM rate_card_versions"), 0);
        assert_eq!(
            db.raw.count("SELECT count(*) FROM audit_log WHERE table_name = 'rate_cards' AND action = 'DELETE'"),
            1
        );
        let e = db.service.price_number("uk-cost", "44", DEC).unwrap_err();
        assert!(matches!(e, ServiceError::NoCard(_)), "{e}");
    }
}

#[test]
fn a_card_of_100000_rows_imports_in_one_version() {
    let mut text =
        String::from("prefix,description,rate,connection_fee,first_increment,next_increment\n");
    for i in 0..100_000u64 {
        text.push_str(&format!(
            "{},Destination {i},0.{:06},0,60,60\n",
            100_000 + i * 7,
            i % 999_999
        ));
    }
    for mut db in each_engine_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path(), "big.csv", &text);
        assert_eq!(
            import(&mut db.service, "big", &path, Some("EUR"), DEC).unwrap(),
            100_000
        );
        assert_eq!(rows_stored(&db), 100_000);
        let (rate, description) = price(&db.service, "big", "1000070123", DEC);
        assert_eq!((rate, description.as_str()), (1, "Destination 1"));
        let all = db.service.rate_card_rows("big", DEC).unwrap();
        assert_eq!(all.rows.len(), 100_000);
        assert_eq!(
            PrefixTable::new(all.rows).find("7999930").map(|r| r.rate),
            Some(99_999)
        );
    }
}
