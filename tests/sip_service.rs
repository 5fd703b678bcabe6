//! Number blocks and SIP users through the service, on each engine: what the form and the
//! command line share (the rules and their messages, the audit rows, passwords kept only as
//! digests), and what a command cannot show (two connections assigning blocks at once).

mod common;

use carrierdesk::domain::sip_user::{DUPLICATE_USER, NO_CHANNEL_CAPACITY};
use carrierdesk::domain::{BulkEdit, Customer, CustomerDraft, SipUserDraft};
use carrierdesk::service::{ImportOptions, PasswordChoice, Service, ServiceError, SettingChange};
use common::{actor, each_engine_empty};
use std::collections::BTreeSet;
use std::process::Command;

fn customer(service: &mut Service, name: &str, channels: u32) -> Customer {
    let c = CustomerDraft {
        name: name.into(),
        currency: "EUR".into(),
        channels: channels.to_string(),
        ..CustomerDraft::blank()
    }
    .validate(None)
    .unwrap();
    service.create_customer(&actor("alice"), &c).unwrap()
}

fn set(service: &mut Service, key: &str, value: &str) {
    let change = SettingChange {
        key,
        value: Some(value),
        expect: None,
    };
    service.change_setting(&actor("alice"), &change).unwrap();
}

fn ranges(service: &mut Service) {
    set(service, "number_range_start", "1000");
    set(service, "block_size", "1000");
}

fn user(username: &str, channels: u32) -> SipUserDraft {
    SipUserDraft {
        username: username.into(),
        channels: channels.to_string(),
        ..SipUserDraft::default()
    }
}

/// The message of a refusal that names one field.
fn refusal(e: ServiceError) -> (String, String) {
    match e {
        ServiceError::Invalid { field, message } => (field.to_string(), message),
        ServiceError::InvalidFields(errors) => {
            (errors[0].field.to_string(), errors[0].message.clone())
        }
        ServiceError::InvalidCustomers(errors) => (
            errors[0].error.field.to_string(),
            errors[0].error.message.clone(),
        ),
        other => panic!("not a refusal naming a field: {other}"),
    }
}

/// MD5 in hex by the system's own md5sum: the digests are checked against an
/// implementation that is not ours.
fn md5sum(text: &str) -> String {
    let out = Command::new("sh")
        .args(["-c", "printf '%s' \"$1\" | md5sum", "sh", text])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()[..32].to_string()
}

#[test]
fn blocks_follow_the_settings_and_released_ones_come_back_first() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let a = customer(s, "Atlas", 10).id;
        let b = customer(s, "Bluewave", 10).id;
        let err = s.assign_block(&actor("alice"), a).unwrap_err();
        assert!(matches!(err, ServiceError::Setting(_)), "{err}");
        assert!(err.to_string().contains("number_range_start"), "{err}");
        set(s, "number_range_start", "1000");
        let err = s.assign_block(&actor("alice"), a).unwrap_err();
        assert!(err.to_string().contains("block_size"), "{err}");
        set(s, "block_size", "1000");

        let first = s.assign_block(&actor("alice"), a).unwrap();
        let second = s.assign_block(&actor("bob"), b).unwrap();
        let third = s.assign_block(&actor("bob"), a).unwrap();
        assert_eq!((first.first, first.last), (1000, 1999), "{}", db.engine);
        assert_eq!((second.first, second.last), (2000, 2999));
        assert_eq!((third.first, third.last), (3000, 3999));

        s.release_block(&actor("alice"), second.id).unwrap();
        let again = s.assign_block(&actor("alice"), a).unwrap();
        assert_eq!((again.first, again.last), (2000, 2999), "lowest free first");
        // Under an id never used before: a list still showing the released block must not
        // release this one.
        let (last, next) = (third.id, again.id);
        assert!(next > last, "{}: id {next} after {last}", db.engine);

        // A new size applies from now on; the blocks handed out keep their ranges.
        set(s, "block_size", "500");
        let small = s.assign_block(&actor("alice"), b).unwrap();
        assert_eq!((small.first, small.last), (4000, 4499));
        let all = s.number_blocks(None).unwrap();
        assert_eq!(all.len(), 4);
        assert_eq!(s.number_blocks(Some(b)).unwrap(), vec![small]);

        let audited = db.raw.query(
            "SELECT action, message FROM audit_log WHERE table_name = 'number_blocks' ORDER BY id",
        );
        assert_eq!(audited.len(), 6, "five assignments and one release");
        assert_eq!(
            format!("{:?}", audited[3]),
            r#"[Text("DELETE"), Text("Release number block 2000–2999")]"#
        );
        let err = s.release_block(&actor("alice"), 999).unwrap_err();
        assert_eq!(err.to_string(), "number block 999 does not exist");
    }
}

#[test]
fn two_operators_assigning_at_once_never_get_the_same_numbers() {
    for mut db in each_engine_empty() {
        ranges(&mut db.service);
        let ids: Vec<i64> = (0..2)
            .map(|i| customer(&mut db.service, &format!("Racer {i}"), 10).id)
            .collect();
        std::thread::scope(|scope| {
            for &id in &ids {
                let mut service = db.open();
                scope.spawn(move || {
                    for _ in 0..40 {
                        service.assign_block(&actor("racer"), id).unwrap();
                    }
                });
            }
        });
        let blocks = db.service.number_blocks(None).unwrap();
        assert_eq!(blocks.len(), 80, "{}", db.engine);
        let firsts: BTreeSet<i64> = blocks.iter().map(|b| b.first).collect();
        let expected: BTreeSet<i64> = (0..80).map(|k| 1000 + k * 1000).collect();
        assert_eq!(firsts, expected, "no overlap and no gap");
        for id in ids {
            assert_eq!(db.service.number_blocks(Some(id)).unwrap().len(), 40);
        }
    }
}

#[test]
fn sip_users_keep_the_web_consoles_rules_with_its_words() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas", 4).id;
        let blue = customer(s, "Bluewave", 10).id;
        let alice = actor("alice");
        // Without a block, any extension or SIP user part will do.
        let office = s
            .create_sip_user(&alice, atlas, &user("office-main", 2), None)
            .unwrap();
        assert_eq!(office.user.spec.username, "office-main");

        // A username taken anywhere on the account, by any customer, whatever else is wrong.
        let mut bad = user("OFFICE-MAIN", 99);
        bad.codecs = "gsm".into();
        let (field, message) = refusal(s.create_sip_user(&alice, blue, &bad, None).unwrap_err());
        assert_eq!(field, "username");
        assert!(message.starts_with(DUPLICATE_USER), "{message}");
        assert!(message.contains("Atlas"), "{message}");

        // Every field's own rule, each named.
        let (field, _) = refusal(
            s.create_sip_user(&alice, blue, &bad_whitelist(), None)
                .unwrap_err(),
        );
        assert_eq!(field, "ip_whitelist");

        // The channels of a customer's SIP users stay within the customer's.
        let (field, message) = refusal(
            s.create_sip_user(&alice, atlas, &user("2001", 3), None)
                .unwrap_err(),
        );
        assert_eq!(field, "channels");
        assert!(message.starts_with(NO_CHANNEL_CAPACITY), "{message}");
        s.create_sip_user(&alice, atlas, &user("2001", 2), None)
            .unwrap();

        // Once the customer has a block, its extensions come from it.
        ranges(s);
        let block = s.assign_block(&alice, blue).unwrap();
        let (field, message) = refusal(
            s.create_sip_user(&alice, blue, &user("5000", 1), None)
                .unwrap_err(),
        );
        assert_eq!(field, "username");
        assert!(message.contains("1000–1999"), "{message}");
        let inside = s
            .create_sip_user(&alice, blue, &user("1001", 1), None)
            .unwrap();

        // A block with a SIP user in it stays.
        let (_, message) = refusal(s.release_block(&alice, block.id).unwrap_err());
        assert!(message.contains("1001"), "{message}");
        s.delete_sip_user(&alice, inside.user.id).unwrap();
        s.release_block(&alice, block.id).unwrap();
        // The newest SIP user deleted, the next one still gets an id of its own: a form
        // open on the deleted one cannot land on it.
        let next = s
            .create_sip_user(&alice, blue, &user("1001", 1), None)
            .unwrap();
        assert!(next.user.id > inside.user.id, "{}", db.engine);

        let audited = db
            .raw
            .count("SELECT count(*) FROM audit_log WHERE table_name = 'sip_users'");
        assert_eq!(audited, 5, "{}: four created, one deleted", db.engine);
    }
}

fn bad_whitelist() -> SipUserDraft {
    SipUserDraft {
        whitelist: "10.0.0.1/33".into(),
        ..user("3001", 1)
    }
}

#[test]
fn a_customers_channels_cannot_drop_below_its_sip_users() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas", 10);
        let blue = customer(s, "Bluewave", 10);
        s.create_sip_user(&actor("alice"), atlas.id, &user("1001", 4), None)
            .unwrap();
        s.create_sip_user(&actor("alice"), atlas.id, &user("1002", 3), None)
            .unwrap();

        // The form and the command line.
        let fewer = Customer {
            channels: 6,
            ..atlas.clone()
        };
        let (field, message) = refusal(s.update_customer(&actor("bob"), &fewer).unwrap_err());
        assert_eq!(field, "channels");
        assert!(message.starts_with(NO_CHANNEL_CAPACITY), "{message}");
        assert!(message.contains("1001 (4), 1002 (3)"), "{message}");
        let enough = Customer {
            channels: 7,
            ..atlas.clone()
        };
        let saved = s.update_customer(&actor("bob"), &enough).unwrap();

        // Bulk edit: its preview and its apply name the customer and the SIP users.
        let edit = BulkEdit {
            channels: Some("5".into()),
            ..BulkEdit::default()
        };
        let (field, message) = refusal(s.bulk_preview(&[saved.id, blue.id], &edit).unwrap_err());
        assert_eq!(field, "channels");
        assert!(message.contains("1001 (4)"), "{message}");
        let err = s
            .bulk_apply(&actor("bob"), &[blue.id, saved.id], &edit)
            .unwrap_err();
        assert!(err.to_string().contains("Atlas"), "{err}");
        assert_eq!(s.customer(blue.id).unwrap().channels, 10, "all or nothing");
        assert_eq!(s.customer(saved.id).unwrap().channels, 7);
    }
}

#[test]
fn passwords_are_kept_only_as_digests_for_the_realm() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas", 10).id;
        let alice = actor("alice");
        let password = "correct horse battery";
        let err = s
            .create_sip_user(
                &alice,
                atlas,
                &user("1001", 1),
                Some(PasswordChoice::Typed(password)),
            )
            .unwrap_err();
        assert!(err.to_string().contains("sip_realm"), "{err}");
        set(s, "sip_realm", "sip.example.com");
        let (field, _) = refusal(
            s.create_sip_user(
                &alice,
                atlas,
                &user("1001", 1),
                Some(PasswordChoice::Typed("short")),
            )
            .unwrap_err(),
        );
        assert_eq!(field, "password");

        let saved = s
            .create_sip_user(
                &alice,
                atlas,
                &user("1001", 1),
                Some(PasswordChoice::Typed(password)),
            )
            .unwrap();
        assert_eq!(saved.generated_password, None);
        let stored = db
            .raw
            .query("SELECT ha1, ha1b, password_realm FROM sip_users WHERE username = '1001'");
        let expected = [
            md5sum(&format!("1001:sip.example.com:{password}")),
            md5sum(&format!("1001@sip.example.com:sip.example.com:{password}")),
            "sip.example.com".to_string(),
        ];
        let got: Vec<String> = stored[0]
            .iter()
            .map(|v| match v {
                carrierdesk::store::sql::Value::Text(t) => t.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(got, expected, "{}", db.engine);

        let generated = s
            .set_sip_password(&alice, saved.user.id, PasswordChoice::Generate)
            .unwrap()
            .unwrap();
        assert!(generated.len() >= 20, "{generated}");

        // Neither password is anywhere in the database, the audit log included.
        let everything = format!(
            "{:?}{:?}",
            db.raw.query("SELECT * FROM sip_users"),
            db.raw.query("SELECT data, message FROM audit_log")
        );
        for secret in [password, generated.as_str()] {
            assert!(!everything.contains(secret), "{secret} stored");
        }
        // Nor are the digests, which a registrar takes as the password, in the audit log.
        let audit = format!("{:?}", db.raw.query("SELECT data, message FROM audit_log"));
        assert!(!audit.contains(&expected[0]) && !audit.contains(&expected[1]));

        // A new realm: the digests no longer fit, and the export leaves the user out.
        assert!(s.sip_passwords_to_set_again().unwrap().is_empty());
        set(s, "sip_realm", "voice.example.net");
        let stale = s.sip_passwords_to_set_again().unwrap();
        assert_eq!(stale.len(), 1);
        let err = s
            .export_sip_users(carrierdesk::domain::sip_export::SwitchFormat::Kamailio)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("1001 (password set for another realm: set it again)")
        );

        // A new username drops the password: its digests include the username.
        s.set_sip_password(&alice, saved.user.id, PasswordChoice::Generate)
            .unwrap();
        let current = s.sip_user(saved.user.id).unwrap();
        let renamed = s
            .update_sip_user(&alice, current.id, current.version, &user("1002", 1))
            .unwrap();
        assert!(renamed.password_cleared);
        assert_eq!(renamed.user.password_realm, None);

        // An edit from a stale version is refused with the current row.
        let err = s
            .update_sip_user(&alice, current.id, current.version, &user("1003", 1))
            .unwrap_err();
        assert!(matches!(err, ServiceError::SipUserConflict(_)), "{err}");
    }
}

#[test]
fn a_sip_user_added_later_claims_its_unmatched_calls() {
    for mut db in each_engine_empty() {
        let atlas = customer(&mut db.service, "Atlas", 10).id;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Master.csv");
        std::fs::write(
            &file,
            "\"\",\"1001\",\"4989123456\",\"from-internal\",\"\",\"PJSIP/1001-0000abcd\",\"\",\"Dial\",\"\",\
             \"2026-11-02 11:10:00\",\"2026-11-02 11:10:02\",\"2026-11-02 11:11:03\",63,61,\"ANSWERED\",\
             \"DOCUMENTATION\",\"1793617800.8\",\"\"\n",
        )
        .unwrap();
        let import = |s: &mut Service| {
            s.import_cdrs(
                &actor("alice"),
                std::slice::from_ref(&file),
                &ImportOptions::default(),
                &mut |_| {},
            )
            .unwrap()
        };
        let first = import(&mut db.service);
        assert_eq!(first.unmatched, 1, "{}", db.engine);
        db.service
            .create_sip_user(&actor("alice"), atlas, &user("1001", 1), None)
            .unwrap();
        let again = import(&mut db.service);
        assert_eq!((again.claimed, again.unmatched), (1, 0), "{}", db.engine);
        let owner = db.raw.count("SELECT customer_id FROM cdrs");
        assert_eq!(owner, atlas);
    }
}

#[test]
fn blocks_and_sip_users_stay_consistent_whatever_came_first() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let alice = actor("alice");
        let atlas = customer(s, "Atlas", 10).id;
        let blue = customer(s, "Bluewave", 10).id;

        // A SIP user of no channels would have no limit on the switch.
        let (field, message) = refusal(
            s.create_sip_user(&alice, atlas, &user("office", 0), None)
                .unwrap_err(),
        );
        assert_eq!(
            (field.as_str(), message.as_str()),
            ("channels", "channels: a SIP user has at least 1 channel")
        );

        // A SIP user made before its customer had a block can still be edited.
        let office = s
            .create_sip_user(&alice, atlas, &user("office", 1), None)
            .unwrap()
            .user;
        ranges(s);
        let block = s.assign_block(&alice, blue).unwrap();
        s.assign_block(&alice, atlas).unwrap();
        let edited = s
            .update_sip_user(&alice, office.id, office.version, &user("office", 2))
            .unwrap();
        assert_eq!(edited.user.spec.channels, 2, "{}", db.engine);

        // Another customer's block is not this one's to take extensions from.
        let (field, message) = refusal(
            s.create_sip_user(&alice, atlas, &user("1005", 1), None)
                .unwrap_err(),
        );
        assert_eq!(field, "username");
        assert!(message.contains("1000–1999 of Bluewave"), "{message}");
        // One extension, one spelling.
        let (_, message) = refusal(
            s.create_sip_user(&alice, blue, &user("01005", 1), None)
                .unwrap_err(),
        );
        assert!(message.contains("1000–1999"), "{message}");

        // A block holds any customer's SIP users written into it before it was assigned.
        let c = customer(s, "Cobalt", 10).id;
        s.create_sip_user(&alice, c, &user("3005", 1), None)
            .unwrap();
        let third = s.assign_block(&alice, blue).unwrap();
        assert_eq!(third.first, 3000);
        let (_, message) = refusal(s.release_block(&alice, third.id).unwrap_err());
        assert!(message.contains("3005"), "{message}");
        s.release_block(&alice, block.id).unwrap();

        // A list of a customer that does not exist says so.
        let err = s.sip_users(Some(999)).unwrap_err();
        assert_eq!(err.to_string(), "customer 999 does not exist");
        assert!(s.number_blocks(Some(999)).is_err());
    }
}

#[test]
fn a_delayed_cut_below_the_sip_users_channels_is_refused_when_scheduled() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas", 10).id;
        s.create_sip_user(&actor("alice"), atlas, &user("1001", 6), None)
            .unwrap();
        let due = chrono::Utc::now() + chrono::Duration::hours(1);
        let err = s
            .schedule_change(
                &actor("bob"),
                atlas,
                serde_json::json!({"channels": 4}),
                due,
            )
            .unwrap_err();
        assert!(
            err.to_string().contains(NO_CHANNEL_CAPACITY),
            "{}: {err}",
            db.engine
        );
        assert!(s.scheduled_changes(Some(atlas), true).unwrap().is_empty());
    }
}

#[test]
fn an_export_with_nobody_to_export_writes_nothing() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas", 10).id;
        set(s, "sip_realm", "sip.example.com");
        s.create_sip_user(
            &actor("alice"),
            atlas,
            &user("1001", 1),
            Some(PasswordChoice::Generate),
        )
        .unwrap();
        set(s, "sip_realm", "voice.example.net");
        let err = s
            .export_sip_users(carrierdesk::domain::sip_export::SwitchFormat::Kamailio)
            .unwrap_err();
        assert!(err.to_string().contains("nothing was exported"), "{err}");
        assert!(
            err.to_string()
                .contains("1001 (password set for another realm"),
            "{err}"
        );
    }
}
