//! The shared settings on both engines: through the real binary as scripts use it
//! (list, get, set, unset, exit codes), and through the service for what a command cannot
//! show (the audit row in the same transaction, the version check, the change record).

mod common;

use carrierdesk::domain::{Topic, settings};
use carrierdesk::service::{ServiceError, SettingChange};
use carrierdesk::store::Location;
use carrierdesk::store::sql::Value;
use common::{Db, actor, each_engine_empty};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_carrierdesk");

/// The binary on `db`, the database given through CARRIERDESK_DB as a team would (so a
/// server's password never shows in the process list).
fn run(db: &Db, args: &[&str]) -> Output {
    let target = match &db.location {
        Location::File(path) => path.display().to_string(),
        Location::Server(url) => url.clone(),
    };
    Command::new(BIN)
        .args(args)
        .env("CARRIERDESK_DB", target)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(db: &Db, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "{}: {args:?}: {}",
        db.engine,
        stderr(&out)
    );
    stdout(&out)
}

fn refused(db: &Db, args: &[&str]) -> String {
    let out = run(db, args);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}: {args:?}: {}",
        db.engine,
        stderr(&out)
    );
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

fn change<'a>(key: &'a str, value: Option<&'a str>, expect: Option<i64>) -> SettingChange<'a> {
    SettingChange { key, value, expect }
}

#[test]
fn set_get_list_and_unset_through_the_binary() {
    for db in each_engine_empty() {
        assert_eq!(ok(&db, &["settings", "get", "from_address"]), "");
        assert_eq!(
            ok(
                &db,
                &["settings", "set", "from_address", " NOC@Carrier.example "]
            ),
            "from_address = NOC@Carrier.example\n"
        );
        ok(&db, &["settings", "set", "default_country", "gb"]);
        ok(&db, &["settings", "set", "fx.usd.eur", "0.9200"]);
        assert_eq!(ok(&db, &["settings", "get", "default_country"]), "GB\n");
        assert_eq!(ok(&db, &["settings", "get", "fx.USD.EUR"]), "0.92\n");

        let list = ok(&db, &["settings", "list"]);
        assert!(
            list.starts_with("Company and mail\n  from_address "),
            "{list}"
        );
        for line in [
            "NOC@Carrier.example",
            "Phone numbers",
            "GB",
            "fx.USD.EUR",
            "0.92",
        ] {
            assert!(list.contains(line), "{line} in {list}");
        }
        let json: serde_json::Value =
            serde_json::from_str(&ok(&db, &["settings", "list", "--json"])).unwrap();
        let entry = |key: &str| {
            json.as_array()
                .unwrap()
                .iter()
                .find(|s| s["key"] == key)
                .unwrap_or_else(|| panic!("{key} in {json}"))
                .clone()
        };
        assert_eq!(entry("from_address")["value"], "NOC@Carrier.example");
        // Who changed it: the operator's OS account, as in the audit row.
        let operator = &db.raw.query(
            "SELECT operator FROM audit_log WHERE table_name = 'settings' ORDER BY id LIMIT 1",
        )[0][0];
        assert_eq!(
            Value::Text(entry("from_address")["updated_by"].as_str().unwrap().into()),
            *operator
        );
        assert_eq!(entry("from_address")["section"], "Company and mail");
        assert_eq!(entry("block_size")["value"], serde_json::Value::Null);
        assert_eq!(
            entry("block_size")["rule"],
            "a whole number from 1 to 1000000"
        );
        // Every key of the list is there, whatever its state.
        for key in settings::KEYS.iter().filter(|k| !settings::is_family(k)) {
            entry(key.name);
        }

        assert_eq!(
            ok(&db, &["settings", "unset", "from_address"]),
            "from_address unset\n"
        );
        assert_eq!(ok(&db, &["settings", "get", "from_address"]), "");
        let list = ok(&db, &["settings", "list"]);
        assert!(!list.contains("NOC@Carrier.example"), "{list}");
    }
}

#[test]
fn bad_values_unknown_keys_and_secrets_are_refused_in_one_line() {
    for db in each_engine_empty() {
        let err = refused(&db, &["settings", "set", "block_size", "0"]);
        assert_eq!(
            err,
            "carrierdesk: block_size: must be a whole number from 1 to 1000000\n"
        );
        let err = refused(&db, &["settings", "set", "smtp_server", "mail.example.com"]);
        assert!(err.contains("smtp_server: must be host:port"), "{err}");
        let err = refused(&db, &["settings", "set", "smtp_host", "x"]);
        assert!(
            err.contains(
                "'smtp_host' is not a setting; the settings are: from_address, from_name,"
            ),
            "{err}"
        );
        let err = refused(&db, &["settings", "get", "colour"]);
        assert!(
            err.contains("sip_realm, default_cost_card, fx.FROM.TO"),
            "{err}"
        );
        let err = refused(&db, &["settings", "set", "smtp_password", "hunter2"]);
        assert!(err.contains("secrets are never settings"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let err = refused(&db, &["settings", "set", "fx.USD.ABC", "1.1"]);
        assert!(err.contains("'ABC' is not a currency code"), "{err}");
        // An escape sequence in a value is refused, never echoed.
        let err = refused(
            &db,
            &["settings", "set", "from_name", "A\u{1b}]52;c;QQ==\u{7}"],
        );
        assert!(!err.contains('\u{1b}'), "{err:?}");
        // Nothing was written, nor audited.
        assert_eq!(db.raw.count("SELECT count(*) FROM settings"), 0);
        assert_eq!(
            db.raw
                .count("SELECT count(*) FROM audit_log WHERE table_name = 'settings'"),
            0
        );
    }
}

#[test]
fn each_change_is_audited_with_the_previous_and_new_value() {
    for mut db in each_engine_empty() {
        let who = actor("alice");
        db.service
            .change_setting(&who, &change("sip_realm", Some("sip.example.com"), None))
            .unwrap();
        db.service
            .change_setting(
                &who,
                &change("sip_realm", Some("SIP.Carrier.example"), None),
            )
            .unwrap();
        // The same value again changes nothing and writes no audit row.
        db.service
            .change_setting(
                &who,
                &change("sip_realm", Some("sip.carrier.example"), None),
            )
            .unwrap();
        db.service
            .change_setting(&who, &change("sip_realm", None, None))
            .unwrap();
        let rows = db.raw.query(
            "SELECT operator, action, message, data FROM audit_log
             WHERE table_name = 'settings' ORDER BY id",
        );
        let text = |v: &Value| match v {
            Value::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        };
        let seen: Vec<(String, String, String, serde_json::Value)> = rows
            .iter()
            .map(|r| {
                (
                    text(&r[0]),
                    text(&r[1]),
                    text(&r[2]),
                    serde_json::from_str(&text(&r[3])).unwrap(),
                )
            })
            .collect();
        let data = |old: serde_json::Value, new: serde_json::Value| serde_json::json!({"key": "sip_realm", "old": old, "new": new});
        use serde_json::Value::Null;
        assert_eq!(
            seen,
            vec![
                (
                    "alice".into(),
                    "PUT".into(),
                    "Setting sip_realm set to sip.example.com".into(),
                    data(Null, "sip.example.com".into())
                ),
                (
                    "alice".into(),
                    "PUT".into(),
                    "Setting sip_realm set to sip.carrier.example".into(),
                    data("sip.example.com".into(), "sip.carrier.example".into())
                ),
                (
                    "alice".into(),
                    "DELETE".into(),
                    "Setting sip_realm unset".into(),
                    data("sip.carrier.example".into(), Null)
                ),
            ],
            "{}",
            db.engine
        );
    }
}

#[test]
fn a_change_whose_audit_row_fails_is_not_made() {
    for mut db in each_engine_empty() {
        db.service
            .change_setting(&actor("alice"), &change("block_size", Some("1000"), None))
            .unwrap();
        db.raw.fail_audit_inserts("disk full");
        let err = db
            .service
            .change_setting(&actor("alice"), &change("block_size", Some("500"), None))
            .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(
            db.service.setting("block_size").unwrap().value.as_deref(),
            Some("1000")
        );
    }
}

#[test]
fn a_change_from_a_stale_screen_is_refused_and_the_other_operators_value_kept() {
    for mut db in each_engine_empty() {
        let mut bob = db.open();
        // Both operators see block_size unset (version 0).
        let seen = db.service.setting("block_size").unwrap();
        assert_eq!((seen.value.as_deref(), seen.version), (None, 0));
        let saved = bob
            .change_setting(&actor("bob"), &change("block_size", Some("1000"), Some(0)))
            .unwrap();
        assert_eq!(saved.version, 1);
        let err = db
            .service
            .change_setting(&actor("alice"), &change("block_size", Some("500"), Some(0)))
            .unwrap_err();
        assert!(matches!(err, ServiceError::SettingConflict(_)), "{err}");
        assert_eq!(
            err.to_string(),
            "another operator changed block_size first (now 1000); reload to see their change"
        );
        // Reloaded, the change goes through; an unset keeps counting versions.
        let now = db
            .service
            .change_setting(&actor("alice"), &change("block_size", Some("500"), Some(1)))
            .unwrap();
        assert_eq!(now.version, 2);
        let gone = bob
            .change_setting(&actor("bob"), &change("block_size", None, Some(2)))
            .unwrap();
        assert_eq!((gone.value, gone.version), (None, 3));
        assert!(
            db.service
                .change_setting(&actor("alice"), &change("block_size", Some("7"), Some(0)))
                .is_err(),
            "version 0 is not an unset setting's version once it was set"
        );
    }
}

#[test]
fn other_consoles_hear_of_a_settings_change() {
    for mut db in each_engine_empty() {
        let from = db.service.change_seq().unwrap();
        db.service
            .change_setting(
                &actor("alice"),
                &change("from_name", Some("Carrier NOC"), None),
            )
            .unwrap();
        let (_, changes) = db.open().changes_since(from).unwrap();
        assert!(
            changes.touches(Topic::Settings),
            "{}: {changes:?}",
            db.engine
        );
        assert!(!changes.touches(Topic::Customers));
    }
}

/// The README's table of settings is the one `domain::settings` makes from its list of
/// keys; `UPDATE_README=1` writes it there.
#[test]
fn the_readme_lists_every_setting_from_the_same_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- settings:begin -->\n", "<!-- settings:end -->");
    let start = readme
        .find(begin)
        .expect("the README marks its settings table")
        + begin.len();
    let stop = readme[start..].find(end).expect("the end marker") + start;
    let table = settings::markdown_table();
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{table}{}", &readme[..start], &readme[stop..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..stop],
        table,
        "the README's settings are out of date: UPDATE_README=1 cargo test --test settings"
    );
}
