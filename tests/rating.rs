//! Rating at import and again later, through the service on each engine: a customer's
//! selling card in force at the call's start, the flat rate before it, the provider's cost
//! card (and the default one, converted with an exchange rate), unrated calls listed, and
//! re-rating that keeps the summary equal to its calls.

mod common;

use carrierdesk::domain::draft::{CustomerDraft, Field};
use carrierdesk::domain::rating::{ChargedBy, CostBy};
use carrierdesk::domain::{BulkEdit, Cdr, Traffic};
use carrierdesk::service::{CardImport, ImportOptions, ImportReport, SettingChange};
use common::{Db, actor, each_engine_empty};
use std::collections::BTreeMap;
use std::path::PathBuf;
use tempfile::TempDir;

const EURO: i64 = 1; // EUR, account EU1, flat 0.01 a minute 60/60
const YEN: i64 = 2; // JPY, account JP1
const DINAR: i64 = 3; // BHD, account BH1

/// 2026-11-01 00:00 UTC.
const NOV_1: i64 = 1_793_491_200;

struct Fixture {
    dir: TempDir,
    db: Db,
}

fn fixtures() -> Vec<Fixture> {
    each_engine_empty()
        .into_iter()
        .map(|db| {
            let f = Fixture {
                dir: tempfile::tempdir().unwrap(),
                db,
            };
            for (id, name, currency, code) in [
                (EURO, "Euro Ltd", "EUR", "EU1"),
                (YEN, "Yen KK", "JPY", "JP1"),
                (DINAR, "Dinar WLL", "BHD", "BH1"),
            ] {
                f.db.raw.execute(&format!(
                    "INSERT INTO customers (id, name, status, currency, account_code, rate_micros,
                         bill_first_s, bill_next_s, tech_prefixes, created_at, updated_at)
                     VALUES ({id}, '{name}', 'active', '{currency}', '{code}', 10000, 60, 60,
                         '9#', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
                ));
            }
            f
        })
        .collect()
}

impl Fixture {
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn card(&mut self, name: &str, currency: &str, from: i64, csv: &str) {
        let path = self.file(&format!("{name}-{from}.csv"), csv);
        self.db
            .service
            .import_rate_card(
                &actor("alice"),
                &CardImport {
                    card: name,
                    path: &path,
                    currency: Some(currency),
                    effective_from: Some(from),
                    dry_run: false,
                },
            )
            .unwrap();
    }

    fn set(&mut self, key: &str, value: &str) {
        self.db
            .service
            .change_setting(
                &actor("alice"),
                &SettingChange {
                    key,
                    value: Some(value),
                    expect: None,
                },
            )
            .unwrap();
    }

    fn import(&mut self, rows: &[String]) -> ImportReport {
        let path = self.file("Master.csv", &rows.concat());
        self.db
            .service
            .import_cdrs(
                &actor("alice"),
                &[path],
                &ImportOptions::default(),
                &mut |_| {},
            )
            .unwrap()
    }

    fn call(&self, customer: i64, uid: &str) -> Cdr<'static> {
        common::call(&self.db.service, customer, uid)
    }

    /// The stored hourly summary of a customer, and the same computed from its calls.
    fn summary_and_calls(&self, customer: i64) -> (BTreeMap<i64, Traffic>, BTreeMap<i64, Traffic>) {
        (
            common::hourly(&self.db.service, customer),
            common::hourly_from_calls(&self.db.service, customer),
        )
    }
}

/// An Asterisk Master.csv row: answered, `talk` seconds, to `dst` through `dstchannel`.
fn row(uid: &str, code: &str, dst: &str, dstchannel: &str, start: i64, talk: i64) -> String {
    let at = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    format!(
        "\"{code}\",\"4930111222\",\"{dst}\",\"from-customer\",\"\",\"SIP/gw1-1\",\"{dstchannel}\",\"Dial\",\"\",\"{}\",\"{}\",\"{}\",{},{talk},\"ANSWERED\",\"DOCUMENTATION\",\"{uid}\",\"\"\n",
        at(start),
        at(start + 2),
        at(start + 2 + talk),
        talk + 2
    )
}

const SELL_V1: &str = "prefix,description,rate,connection_fee,first_increment,next_increment\n\
    44,UK,0.0042,0,60,60\n\
    447,UK mobile,0.0123,0.005,30,6\n";
const SELL_V2: &str = "description,prefix,rate\nUK,44,0.005\n";
const CARRIER_A: &str = "prefix,rate,first_increment,next_increment\n44,0.002,1,1\n";

#[test]
fn calls_are_priced_by_the_card_in_force_and_costed_by_their_provider() {
    for mut f in fixtures() {
        f.card("SELL", "EUR", NOV_1, SELL_V1);
        f.card("SELL", "EUR", NOV_1 + 10 * 86_400, SELL_V2);
        f.card("CARRIERA", "EUR", 0, CARRIER_A);
        f.set("provider_card.carrierA", "CARRIERA");
        f.db.service
            .assign_rate_card(&actor("alice"), EURO, "SELL", NOV_1)
            .unwrap();
        let day = 86_400;
        let report = f.import(&[
            // Before the card: the flat 0.01 a minute, 61 s billed as 120 s.
            row(
                "flat",
                "EU1",
                "442071234567",
                "SIP/carrierA-01",
                NOV_1 - day,
                61,
            ),
            // Version 1: 44 at 0.0042 60/60; the technical prefix and 00 come off.
            row(
                "v1",
                "EU1",
                "9#00442071234567",
                "SIP/carrierA-02",
                NOV_1 + day,
                61,
            ),
            // 447: 30/6 at 0.0123 with a 0.005 fee, 37 s billed as 42 s.
            row(
                "mob",
                "EU1",
                "+447700900123",
                "PJSIP/carrierA-03",
                NOV_1 + day,
                37,
            ),
            // Version 2 from the 11th: 44 at 0.005, 60/60.
            row(
                "v2",
                "EU1",
                "442071234567",
                "SIP/carrierA-04",
                NOV_1 + 11 * day,
                60,
            ),
            // No row covers France: unrated, never priced at zero silently.
            row(
                "fr",
                "EU1",
                "33123456789",
                "SIP/carrierA-05",
                NOV_1 + day,
                60,
            ),
            // A provider without a card, and no default: the cost is unknown.
            row(
                "other",
                "EU1",
                "442071234567",
                "SIP/carrierB-06",
                NOV_1 + day,
                60,
            ),
        ]);
        let c = |uid| f.call(EURO, uid);
        let flat = c("flat");
        assert_eq!(
            (flat.billed_s, flat.charge, flat.charged_by),
            (120, 20_000, ChargedBy::Flat)
        );
        assert_eq!((c("v1").billed_s, c("v1").charge), (120, 8_400));
        assert_eq!(c("v1").charged_by, ChargedBy::Card);
        assert_eq!((c("mob").billed_s, c("mob").charge), (42, 8_610 + 5_000));
        assert_eq!(c("v2").charge, 5_000);
        assert_eq!(
            (c("fr").charge, c("fr").charged_by),
            (0, ChargedBy::Unrated)
        );
        // Costs: carrierA's card, 1/1 at 0.002 a minute.
        assert_eq!((c("v1").cost, c("v1").cost_by), (2_033, CostBy::Card));
        assert_eq!(c("v1").provider, "carrierA");
        assert_eq!((c("other").cost, c("other").cost_by), (0, CostBy::Unknown));
        let p = &report.calls;
        assert_eq!(
            (
                p.by_card,
                p.by_flat_rate,
                p.by_file,
                p.unrated,
                p.cost_unknown
            ),
            (4, 1, 0, 1, 2)
        );
        let details = report.details();
        let line = |words: [&str; 2]| {
            details
                .lines()
                .any(|l| l.split_whitespace().take(2).eq(words))
        };
        assert!(line(["unrated", "1"]), "{details}");
        let (total, listed) = f.db.service.not_rated_cdrs(100).unwrap();
        assert_eq!(total, 2);
        let mut uids: Vec<&str> = listed.iter().map(|c| c.uid.as_ref()).collect();
        uids.sort_unstable();
        assert_eq!(uids, ["fr", "other"]);
        let (stored, direct) = f.summary_and_calls(EURO);
        assert_eq!(stored, direct);
    }
}

#[test]
fn currencies_without_and_with_three_decimals_keep_call_precision() {
    for mut f in fixtures() {
        f.card("YEN", "JPY", 0, "prefix,rate\n81,1.5\n");
        f.card(
            "DINAR",
            "BHD",
            0,
            "prefix,rate,first_increment,next_increment\n973,0.0125,1,1\n",
        );
        f.db.service
            .assign_rate_card(&actor("alice"), YEN, "YEN", 0)
            .unwrap();
        f.db.service
            .assign_rate_card(&actor("alice"), DINAR, "DINAR", 0)
            .unwrap();
        f.import(&[
            row("jp", "JP1", "81312345678", "", NOV_1, 60),
            row("bh", "BH1", "97317123456", "", NOV_1, 7),
        ]);
        // 1.5 yen a minute: kept as 1.5, where rounding per call would have said 2.
        assert_eq!(f.call(YEN, "jp").charge, 1_500_000);
        // 7 s at 0.0125 BHD a minute is 0.00145833…: 1,458 millionths.
        assert_eq!(f.call(DINAR, "bh").charge, 1_458);
        // A card in another currency than the customer's is refused.
        let err =
            f.db.service
                .assign_rate_card(&actor("alice"), EURO, "YEN", 0)
                .unwrap_err();
        assert!(err.to_string().contains("in JPY"), "{err}");
    }
}

#[test]
fn the_default_cost_card_prices_calls_naming_no_provider_converted_by_the_exchange_rate() {
    for mut f in fixtures() {
        f.card("WHOLESALE", "USD", 0, "prefix,rate\n,0.01\n");
        f.set("default_cost_card", "WHOLESALE");
        let first = f.import(&[row("a", "EU1", "442071234567", "", NOV_1, 60)]);
        // No fx.USD.EUR yet: unknown, not zero.
        assert_eq!(f.call(EURO, "a").cost_by, CostBy::Unknown);
        assert_eq!(first.calls.cost_unknown, 1);
        f.set("fx.USD.EUR", "0.92");
        let second = f.import(&[row("b", "EU1", "442071234567", "", NOV_1 + 60, 60)]);
        assert_eq!(
            (f.call(EURO, "b").cost, f.call(EURO, "b").cost_by),
            (9_200, CostBy::Card)
        );
        assert_eq!(second.calls.default_cost_card, 1);
        assert!(second.details().contains("costed by the default cost card"));
    }
}

#[test]
fn re_rating_prices_calls_again_once_and_keeps_the_summary_equal_to_its_calls() {
    for mut f in fixtures() {
        let day = 86_400;
        f.import(&[
            row("r1", "EU1", "442071234567", "", NOV_1 + day, 61),
            row("r2", "EU1", "447700900123", "", NOV_1 + day + 3_600, 37),
            row("r3", "EU1", "33123456789", "", NOV_1 + 2 * day, 30),
        ]);
        assert_eq!(f.call(EURO, "r1").charged_by, ChargedBy::Flat);
        f.card("SELL", "EUR", 0, SELL_V1);
        f.db.service
            .assign_rate_card(&actor("alice"), EURO, "SELL", 0)
            .unwrap();
        let first =
            f.db.service
                .rerate(&actor("alice"), EURO, NOV_1, NOV_1 + 30 * day)
                .unwrap();
        assert_eq!((first.calls, first.changed, first.unrated), (3, 3, 1));
        assert_eq!(f.call(EURO, "r1").charge, 8_400);
        assert_eq!(f.call(EURO, "r2").charge, 13_610);
        let (stored, direct) = f.summary_and_calls(EURO);
        assert_eq!(stored, direct);
        let again =
            f.db.service
                .rerate(&actor("alice"), EURO, NOV_1, NOV_1 + 30 * day)
                .unwrap();
        assert_eq!(again.changed, 0);
        assert_eq!(f.summary_and_calls(EURO).0, stored);
        assert_eq!(
            f.db.raw.count(
                "SELECT count(*) FROM audit_log WHERE table_name = 'cdrs' AND message LIKE 'Re-rate%'"
            ),
            2
        );
    }
}

#[test]
fn the_form_and_bulk_edit_give_customers_a_card_from_now_on() {
    for mut f in fixtures() {
        f.card("SELL", "EUR", 0, SELL_V1);
        f.card("YEN", "JPY", 0, "prefix,rate\n81,1.5\n");
        let alice = actor("alice");
        // The form: the Rate card field on the Config tab, saved like any other field.
        let current = f.db.service.customer(EURO).unwrap();
        let mut draft = CustomerDraft::from_customer(&current);
        draft.set(Field::RateCard, "sell").unwrap();
        let edited = draft.apply_to(&current, &[Field::RateCard]).unwrap();
        let saved = f.db.service.update_customer(&alice, &edited).unwrap();
        assert_eq!(saved.rate_card, "SELL");
        assert_eq!(f.db.service.customer(EURO).unwrap().rate_card, "SELL");
        // Bulk edit: a card in another currency than one of the customers' is refused,
        // naming the field, and nothing changes.
        let mut edit = BulkEdit::default();
        edit.parse_assignment("rate_card=YEN").unwrap();
        let err =
            f.db.service
                .bulk_apply(&alice, &[YEN, DINAR], &edit)
                .unwrap_err()
                .to_string();
        assert!(
            err.contains("in JPY, but the customer is billed in BHD"),
            "{err}"
        );
        assert_eq!(f.db.service.customer(YEN).unwrap().rate_card, "");
        f.db.service.bulk_apply(&alice, &[YEN], &edit).unwrap();
        assert_eq!(f.db.service.customer(YEN).unwrap().rate_card, "YEN");
        // Its calls from then on are priced by the card.
        f.import(&[row("later", "JP1", "81312345678", "", 2_000_000_000, 60)]);
        assert_eq!(f.call(YEN, "later").charged_by, ChargedBy::Card);
        // A card cannot be taken away, only replaced; nor can one that does not exist be given.
        for (value, says) in [("", "cannot be removed"), ("NOPE", "no rate card 'NOPE'")] {
            let current = f.db.service.customer(EURO).unwrap();
            let mut draft = CustomerDraft::from_customer(&current);
            draft.set(Field::RateCard, value).unwrap();
            let edited = draft.apply_to(&current, &[Field::RateCard]).unwrap();
            let err = f.db.service.update_customer(&alice, &edited).unwrap_err();
            assert!(err.to_string().contains(says), "{err}");
        }
    }
}
