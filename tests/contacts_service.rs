//! Contacts through the service, on each engine: one primary per customer, an email that
//! is one portal login across all customers, phone numbers kept in E.164, edits that meet
//! another operator's, notes that never hold a password, portal passwords kept only as
//! argon2id hashes (in no audit row, in no byte of the database), and the audit rows of
//! every change.

mod common;

use carrierdesk::domain::{Contact, ContactDraft, Customer, CustomerDraft};
use carrierdesk::service::{PasswordChoice, Service, ServiceError, SettingChange};
use carrierdesk::store::Location;
use carrierdesk::store::sql::Value;
use common::{Db, NOW, actor, each_engine_empty};

fn customer(service: &mut Service, name: &str) -> Customer {
    let c = CustomerDraft {
        name: name.into(),
        currency: "EUR".into(),
        channels: "10".into(),
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

fn draft(name: &str, email: &str) -> ContactDraft {
    ContactDraft {
        name: name.into(),
        email: email.into(),
        ..ContactDraft::default()
    }
}

/// A contact without a password, which must be accepted.
fn add(service: &mut Service, customer_id: i64, name: &str, email: &str) -> Contact {
    service
        .create_contact(&actor("alice"), customer_id, &draft(name, email), None)
        .unwrap()
        .contact
}

/// The field and message of a refusal that names one field.
fn refusal(e: ServiceError) -> (String, String) {
    match e {
        ServiceError::Invalid { field, message } => (field.to_string(), message),
        ServiceError::InvalidFields(errors) => {
            (errors[0].field.to_string(), errors[0].message.clone())
        }
        other => panic!("not a refusal naming a field: {other}"),
    }
}

/// The ids of a customer's contacts in the order the card lists them, and which is primary.
fn listed(service: &Service, customer_id: i64) -> Vec<(i64, bool)> {
    service
        .contacts(customer_id)
        .unwrap()
        .iter()
        .map(|k| (k.id, k.is_primary))
        .collect()
}

fn count(db: &Db, sql: &str) -> i64 {
    db.raw.count(sql)
}

/// The audit rows of contacts, oldest first: (action, row_id, message, data as JSON).
fn contact_audit(db: &Db) -> Vec<(String, i64, String, serde_json::Value)> {
    db.raw
        .query(
            "SELECT action, row_id, message, CAST(data AS TEXT) FROM audit_log \
             WHERE table_name = 'contacts' ORDER BY id",
        )
        .into_iter()
        .map(|r| {
            let text = |v: &Value| match v {
                Value::Text(t) => t.clone(),
                other => panic!("{other:?}"),
            };
            let Value::Int(row_id) = r[1] else {
                panic!("{:?}", r[1])
            };
            let data = serde_json::from_str(&text(&r[3])).unwrap();
            (text(&r[0]), row_id, text(&r[2]), data)
        })
        .collect()
}

/// Every audit row's message and data, as one text to search.
fn all_audit_text(db: &Db) -> String {
    format!(
        "{:?}",
        db.raw
            .query("SELECT message, CAST(data AS TEXT) FROM audit_log ORDER BY id")
    )
}

#[test]
fn the_first_contact_is_primary_and_the_primary_moves_in_one_step() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas").id;
        let blue = customer(s, "Bluewave").id;
        let ana = add(s, atlas, "Ana", "ana@example.com");
        let bob = add(s, atlas, "Bob", "bob@example.com");
        let carla = add(s, blue, "Carla", "carla@example.com");
        assert!(ana.is_primary, "{}: a customer's first contact", db.engine);
        assert!(!bob.is_primary, "the second is not");
        assert!(carla.is_primary, "each customer has its own primary");
        assert_eq!(listed(s, atlas), [(ana.id, true), (bob.id, false)]);

        // One step, and exactly one primary afterwards, listed first on the card too.
        let now_primary = s.become_primary(&actor("bob"), bob.id).unwrap();
        assert!(now_primary.is_primary);
        assert_eq!(listed(s, atlas), [(bob.id, true), (ana.id, false)]);
        let card = s.card(atlas, NOW).unwrap();
        assert_eq!(card.contacts[0].id, bob.id);
        assert_eq!(
            card.contacts.iter().filter(|k| k.is_primary).count(),
            1,
            "{}",
            db.engine
        );
        assert_eq!(
            listed(s, blue),
            [(carla.id, true)],
            "other customers keep theirs"
        );
        // Again is nothing to do.
        s.become_primary(&actor("bob"), bob.id).unwrap();
        assert_eq!(listed(s, atlas), [(bob.id, true), (ana.id, false)]);

        // The primary of a customer keeping other contacts needs a successor, named among
        // them; nothing changes until one is given.
        let deletes = "SELECT count(*) FROM audit_log WHERE action = 'DELETE'";
        let (field, message) = refusal(s.delete_contact(&actor("bob"), bob.id, None).unwrap_err());
        assert_eq!(field, "new_primary");
        assert!(message.contains("Bob is the primary contact"), "{message}");
        assert!(
            message.contains(&format!("Ana is #{}", ana.id)),
            "{message}"
        );
        assert_eq!(listed(s, atlas), [(bob.id, true), (ana.id, false)]);
        assert_eq!(count(&db, deletes), 0);

        // Not a contact of another customer, nor the one deleted.
        let s = &mut db.service;
        for wrong in [carla.id, bob.id, 999] {
            let (field, message) = refusal(
                s.delete_contact(&actor("bob"), bob.id, Some(wrong))
                    .unwrap_err(),
            );
            assert_eq!(field, "new_primary", "{wrong}");
            assert!(
                message.contains(&format!("contact {wrong} is not another contact")),
                "{message}"
            );
        }
        assert_eq!(listed(s, atlas), [(bob.id, true), (ana.id, false)]);
        assert_eq!(listed(s, blue), [(carla.id, true)]);
        assert_eq!(count(&db, deletes), 0, "{}", db.engine);

        let s = &mut db.service;
        s.delete_contact(&actor("bob"), bob.id, Some(ana.id))
            .unwrap();
        assert_eq!(listed(s, atlas), [(ana.id, true)]);
        let err = s.contact(bob.id).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("contact {} does not exist", bob.id)
        );
        // The only contact goes without a word.
        s.delete_contact(&actor("bob"), ana.id, None).unwrap();
        assert_eq!(listed(s, atlas), []);

        // A contact that is not primary needs no successor.
        let dan = add(s, blue, "Dan", "dan@example.com");
        s.delete_contact(&actor("bob"), dan.id, None).unwrap();
        assert_eq!(listed(s, blue), [(carla.id, true)]);
        let all = s.all_contacts().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].0.id, all[0].1.as_str()), (carla.id, "Bluewave"));
    }
}

#[test]
fn an_email_is_one_portal_login_across_all_customers_ignoring_case() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas").id;
        let blue = customer(s, "Bluewave").id;
        let ana = add(s, atlas, "Ana", "Ana@Example.com");
        let audit = "SELECT count(*) FROM audit_log WHERE table_name = 'contacts'";
        assert_eq!(count(&db, audit), 1);

        let s = &mut db.service;
        let err = s
            .create_contact(
                &actor("bob"),
                blue,
                &draft("Ana again", "ana@example.com"),
                None,
            )
            .unwrap_err();
        assert!(err.is_refusal(), "{err}");
        let (field, message) = refusal(err);
        assert_eq!(field, "email", "{}", db.engine);
        assert!(message.contains("already the portal login"), "{message}");
        assert!(message.contains("Atlas"), "{message}");
        assert_eq!(listed(s, blue), [], "nothing written");
        assert_eq!(count(&db, "SELECT count(*) FROM contacts"), 1);
        assert_eq!(count(&db, audit), 1, "no audit row for a refusal");

        // Case is ignored beyond ASCII too: one person, one login.
        let s = &mut db.service;
        add(s, atlas, "Jürgen", "jürgen.özil@example.com");
        let err = s
            .create_contact(
                &actor("bob"),
                blue,
                &draft("J", "JÜRGEN.Özil@example.com"),
                None,
            )
            .unwrap_err();
        assert_eq!(refusal(err).0, "email", "{}", db.engine);
        assert_eq!(listed(s, blue), []);

        // An edit that keeps its own email, in any case, is fine.
        let s = &mut db.service;
        let mut edit = ContactDraft::from(&ana.spec);
        edit.name = "Ana Berg".into();
        edit.email = "ANA@example.com".into();
        let saved = s
            .update_contact(&actor("bob"), ana.id, ana.version, &edit)
            .unwrap();
        assert_eq!(saved.spec.name, "Ana Berg");
        assert_eq!(saved.spec.email, "ANA@example.com");

        // Another contact cannot take it by an edit either.
        let bob = add(s, blue, "Bob", "bob@example.com");
        let mut taking = ContactDraft::from(&bob.spec);
        taking.email = "ana@EXAMPLE.COM".into();
        let (field, _) = refusal(
            s.update_contact(&actor("bob"), bob.id, bob.version, &taking)
                .unwrap_err(),
        );
        assert_eq!(field, "email");
        assert_eq!(s.contact(bob.id).unwrap(), bob, "{}", db.engine);
    }
}

#[test]
fn phone_numbers_are_stored_in_e164_read_with_the_default_country() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas").id;
        let with = |phone: &str, mobile: &str| ContactDraft {
            phone: phone.into(),
            mobile: mobile.into(),
            ..draft("Ana", "ana@example.com")
        };

        // Without the setting, a number needs its country code.
        for (phone, mobile, field) in [
            ("06598 336393", "", "phone"),
            ("", "06598 336393", "mobile"),
        ] {
            let (f, message) = refusal(
                s.create_contact(&actor("alice"), atlas, &with(phone, mobile), None)
                    .unwrap_err(),
            );
            assert_eq!(f, field, "{}", db.engine);
            let label = if field == "phone" { "Phone" } else { "Mobile" };
            assert!(message.starts_with(label), "{message}");
            assert!(message.contains("default_country"), "{message}");
        }
        assert_eq!(s.default_country().unwrap(), None);
        let plus = s
            .create_contact(&actor("alice"), atlas, &with("+49 6598 336393", ""), None)
            .unwrap()
            .contact;
        assert_eq!(plus.spec.phone, "+496598336393");
        s.delete_contact(&actor("alice"), plus.id, None).unwrap();

        set(s, "default_country", "DE");
        let k = s
            .create_contact(
                &actor("alice"),
                atlas,
                &with("06598 336393", "0049 6598 336393"),
                None,
            )
            .unwrap()
            .contact;
        assert_eq!(
            (k.spec.phone.as_str(), k.spec.mobile.as_str()),
            ("+496598336393", "+496598336393")
        );
        let stored = db.raw.query(&format!(
            "SELECT phone, mobile FROM contacts WHERE id = {}",
            k.id
        ));
        assert_eq!(
            stored,
            [vec![
                Value::Text("+496598336393".into()),
                Value::Text("+496598336393".into())
            ]],
            "{}",
            db.engine
        );

        // Letters are no number, whatever the country.
        let s = &mut db.service;
        let mut lettered = ContactDraft::from(&k.spec);
        lettered.phone = "0800 FLOWERS".into();
        let (field, message) = refusal(
            s.update_contact(&actor("alice"), k.id, k.version, &lettered)
                .unwrap_err(),
        );
        assert_eq!(field, "phone");
        assert_eq!(message, "Phone: cannot contain letters");
        // An edit is read the same way; a number cleared stays empty.
        let mut edit = ContactDraft::from(&k.spec);
        edit.phone = "(0)6598/336394".into();
        edit.mobile = String::new();
        let saved = s
            .update_contact(&actor("alice"), k.id, k.version, &edit)
            .unwrap();
        assert_eq!(
            (saved.spec.phone.as_str(), saved.spec.mobile.as_str()),
            ("+496598336394", "")
        );
    }
}

#[test]
fn an_edit_keeps_a_stored_number_nobody_touched_even_one_that_does_not_read() {
    for mut db in each_engine_empty() {
        let atlas = customer(&mut db.service, "Atlas").id;
        // Numbers as rows from before schema 10 may hold them: typed freely, never read.
        db.raw.execute(&format!(
            "INSERT INTO contacts (customer_id, name, email, phone, mobile, is_primary, \
             created_at, updated_at) VALUES ({atlas}, 'Old', 'old@example.com', \
             '06598 336393', '+33 1 23', 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')"
        ));
        let s = &mut db.service;
        let old = s.contacts(atlas).unwrap().remove(0);
        let mut edit = ContactDraft::from(&old.spec);
        edit.contact_type = "NOC".into();
        let saved = s
            .update_contact(&actor("alice"), old.id, old.version, &edit)
            .unwrap_or_else(|e| panic!("{}: {e}", db.engine));
        assert_eq!(saved.spec.contact_type, "NOC");
        assert_eq!(
            (saved.spec.phone.as_str(), saved.spec.mobile.as_str()),
            ("06598 336393", "+33 1 23"),
            "kept as they were"
        );
        // Typed anew, a number meets the rules.
        let mut typed = ContactDraft::from(&saved.spec);
        typed.mobile = "+33 1 24".into();
        let (field, _) = refusal(
            s.update_contact(&actor("alice"), saved.id, saved.version, &typed)
                .unwrap_err(),
        );
        assert_eq!(field, "mobile");
        // Once it reads (the default country set), the next edit stores it in E.164.
        set(s, "default_country", "DE");
        let mut edit = ContactDraft::from(&saved.spec);
        edit.contact_type = "Billing".into();
        let again = s
            .update_contact(&actor("alice"), saved.id, saved.version, &edit)
            .unwrap();
        assert_eq!(
            (again.spec.phone.as_str(), again.spec.mobile.as_str()),
            ("+496598336393", "+33 1 23"),
            "{}",
            db.engine
        );
        // A new contact's numbers always meet the rules.
        let new = ContactDraft {
            mobile: "+33 1 23".into(),
            ..draft("New", "new@example.com")
        };
        let (field, _) = refusal(
            s.create_contact(&actor("alice"), atlas, &new, None)
                .unwrap_err(),
        );
        assert_eq!(field, "mobile");
    }
}

#[test]
fn an_edit_from_a_stale_version_is_refused_with_the_row_that_won() {
    for mut db in each_engine_empty() {
        let atlas = customer(&mut db.service, "Atlas").id;
        let ana = add(&mut db.service, atlas, "Ana", "ana@example.com");
        let mut other = db.open();
        let mine = db.service.contact(ana.id).unwrap();
        let theirs = other.contact(ana.id).unwrap();
        assert_eq!(mine, theirs);

        let mut first = ContactDraft::from(&mine.spec);
        first.name = "Ana Berg".into();
        let won = db
            .service
            .update_contact(&actor("alice"), mine.id, mine.version, &first)
            .unwrap();
        assert!(won.version > mine.version);

        let mut second = ContactDraft::from(&theirs.spec);
        second.contact_type = "NOC".into();
        let err = other
            .update_contact(&actor("bob"), theirs.id, theirs.version, &second)
            .unwrap_err();
        let ServiceError::ContactConflict(row) = err else {
            panic!("{}: {err}", db.engine)
        };
        assert_eq!(*row, won, "the row as the first operator saved it");
        assert_eq!(db.service.contact(ana.id).unwrap(), won, "nothing written");
        let puts = db
            .raw
            .count("SELECT count(*) FROM audit_log WHERE action = 'PUT'");
        assert_eq!(puts, 1, "{}", db.engine);

        // From the row it was given, the second operator's edit goes through.
        let mut again = ContactDraft::from(&row.spec);
        again.contact_type = "NOC".into();
        let saved = other
            .update_contact(&actor("bob"), row.id, row.version, &again)
            .unwrap();
        assert_eq!(
            (saved.spec.name.as_str(), saved.spec.contact_type.as_str()),
            ("Ana Berg", "NOC")
        );
        // A new password is a change too: an edit from before it is refused.
        other
            .set_contact_password(&actor("bob"), ana.id, PasswordChoice::Generate)
            .unwrap();
        let err = db
            .service
            .update_contact(&actor("alice"), ana.id, saved.version, &again)
            .unwrap_err();
        assert!(matches!(err, ServiceError::ContactConflict(_)), "{err}");
    }
}

#[test]
fn notes_never_hold_a_password() {
    let typed = "blue-Harbour-77x";
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas Voice").id;
        let alice = actor("alice");

        for (field, notes) in [
            ("public_notes", "pwd: hunter2x"),
            (
                "private_notes",
                "Escalations to NOC\nPassword is Tr0ub4dor&3x",
            ),
        ] {
            let mut d = draft("Ana", "ana@example.com");
            *d.text_mut(field).unwrap() = notes.into();
            let (f, message) = refusal(s.create_contact(&alice, atlas, &d, None).unwrap_err());
            assert_eq!(f, field, "{}: {notes:?}", db.engine);
            assert!(
                message.contains("never put passwords in notes"),
                "{message}"
            );
        }
        let mut d = draft("Ana", "ana@example.com");
        d.public_notes = "pwd: hunter2x".into();
        let (_, message) = refusal(s.create_contact(&alice, atlas, &d, None).unwrap_err());
        assert!(message.contains("\"pwd\""), "{message}");

        // The password typed with the contact, in either notes, whatever surrounds it.
        for field in ["public_notes", "private_notes"] {
            let mut d = draft("Ana", "ana@example.com");
            *d.text_mut(field).unwrap() = format!("portal: use {typed} from the office");
            let (f, message) = refusal(
                s.create_contact(&alice, atlas, &d, Some(PasswordChoice::Typed(typed)))
                    .unwrap_err(),
            );
            assert_eq!(f, field);
            assert!(message.contains("contact's password"), "{message}");
            assert!(!message.contains(typed), "{message}");
        }

        // A typed password meets its own rules, each refusal on the password field.
        for (password, email, why) in [
            ("short-pw", "ana@example.com", "at least 12 characters"),
            ("my-ana.berg-2024!", "ana.berg@example.com", "local part"),
            ("ATLASVOICE-2024!", "ana@example.com", "customer's name"),
            ("atlas voice 2024!", "ana@example.com", "customer's name"),
        ] {
            let (f, message) = refusal(
                s.create_contact(
                    &alice,
                    atlas,
                    &draft("Ana", email),
                    Some(PasswordChoice::Typed(password)),
                )
                .unwrap_err(),
            );
            assert_eq!(f, "password", "{password}");
            assert!(message.contains(why), "{password}: {message}");
            assert!(!message.contains(password), "{message}");
        }
        assert_eq!(db.raw.count("SELECT count(*) FROM contacts"), 0);
        assert_eq!(
            db.raw
                .count("SELECT count(*) FROM audit_log WHERE table_name = 'contacts'"),
            0
        );

        // Setting the password later is held to the notes as they are.
        let s = &mut db.service;
        let mut d = draft("Ana", "ana@example.com");
        d.public_notes = format!("desk {typed} on the 3rd floor");
        let ana = s.create_contact(&alice, atlas, &d, None).unwrap().contact;
        let (f, _) = refusal(
            s.set_contact_password(&alice, ana.id, PasswordChoice::Typed(typed))
                .unwrap_err(),
        );
        assert_eq!(f, "public_notes", "{}", db.engine);
        assert!(!s.contact(ana.id).unwrap().has_password);
        assert!(!s.check_contact_password(ana.id, typed).unwrap());
        // And an edit that writes a credential into the notes is refused.
        let mut edit = ContactDraft::from(&ana.spec);
        edit.private_notes = "PIN=4412".into();
        let (f, message) = refusal(
            s.update_contact(&alice, ana.id, ana.version, &edit)
                .unwrap_err(),
        );
        assert_eq!(f, "private_notes");
        assert!(message.contains("\"pin\""), "{message}");
    }
}

#[test]
fn a_generated_password_is_shown_once_and_kept_only_as_a_hash() {
    let typed = "Correct Horse 2024";
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas").id;
        let alice = actor("alice");
        let saved = s
            .create_contact(
                &alice,
                atlas,
                &draft("Ana", "ana@example.com"),
                Some(PasswordChoice::Generate),
            )
            .unwrap();
        let generated = saved.generated_password.clone().unwrap();
        assert_eq!(generated.chars().count(), 20, "{generated}");
        let ana = saved.contact;
        assert!(ana.has_password);
        assert_eq!(serde_json::to_value(&ana).unwrap()["portal_password"], true);
        assert!(s.check_contact_password(ana.id, &generated).unwrap());
        assert!(
            !s.check_contact_password(ana.id, "Some other pass 1")
                .unwrap()
        );
        assert!(!s.check_contact_password(ana.id, "").unwrap());
        // Read back, the contact says a password is set, never which.
        let read = s.contact(ana.id).unwrap();
        assert!(read.has_password);
        let json = serde_json::to_string(&read).unwrap();
        assert!(
            !json.contains(&generated) && !json.contains("argon2"),
            "{json}"
        );

        // A contact without a password logs in with none.
        let bob = add(s, atlas, "Bob", "bob@example.com");
        assert!(!bob.has_password);
        assert_eq!(
            serde_json::to_value(&bob).unwrap()["portal_password"],
            false
        );
        assert!(!s.check_contact_password(bob.id, "").unwrap());

        // A typed one replaces it; only the new one verifies. Nothing is returned.
        assert_eq!(
            s.set_contact_password(&alice, ana.id, PasswordChoice::Typed(typed))
                .unwrap(),
            None
        );
        assert!(s.check_contact_password(ana.id, typed).unwrap());
        assert!(!s.check_contact_password(ana.id, &generated).unwrap());
        let again = s
            .set_contact_password(&alice, bob.id, PasswordChoice::Generate)
            .unwrap()
            .unwrap();
        assert_eq!(again.chars().count(), 20);
        assert_ne!(again, generated);
        assert!(s.check_contact_password(bob.id, &again).unwrap());
        assert!(!s.check_contact_password(ana.id, &again).unwrap());

        // What is stored is an argon2id hash of it.
        let hashes: Vec<String> = db
            .raw
            .query("SELECT password_hash FROM contacts ORDER BY id")
            .into_iter()
            .map(|r| match &r[0] {
                Value::Text(h) => h.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(hashes.len(), 2, "{}", db.engine);
        for h in &hashes {
            assert!(h.starts_with("$argon2id$"), "{h}");
            assert!(!h.contains(typed) && !h.contains(&again));
        }

        // The audit rows say it was set, never what it is nor its hash.
        let audit = all_audit_text(&db);
        for secret in [typed, generated.as_str(), again.as_str()] {
            assert!(
                !audit.contains(secret),
                "{}: {secret} in {audit}",
                db.engine
            );
        }
        for h in &hashes {
            let digest = h.rsplit('$').next().unwrap();
            assert!(!audit.contains(digest), "{audit}");
        }
        assert!(!audit.contains("argon2"), "{audit}");
        let rows = contact_audit(&db);
        let set_rows: Vec<_> = rows
            .iter()
            .filter(|r| r.2.starts_with("Set portal password"))
            .collect();
        assert_eq!(set_rows.len(), 2);
        assert_eq!(
            set_rows[0].3,
            serde_json::json!({"portal_password": "changed"})
        );
        assert_eq!(set_rows[1].3, serde_json::json!({"portal_password": "set"}));
        assert_eq!(
            rows[0].3["portal_password"], true,
            "the create row says one is set"
        );
    }
}

/// Whether `needle` occurs in `haystack`.
fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn passwords_never_reach_the_database() {
    let typed = "Tr0ub4dor&3-horse";
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas").id;
        let alice = actor("alice");
        s.create_contact(
            &alice,
            atlas,
            &draft("Ana", "ana@example.com"),
            Some(PasswordChoice::Typed(typed)),
        )
        .unwrap();
        let generated = s
            .create_contact(
                &alice,
                atlas,
                &draft("Bob", "bob@example.com"),
                Some(PasswordChoice::Generate),
            )
            .unwrap()
            .generated_password
            .unwrap();
        let ana = s.all_contacts().unwrap()[0].0.id;
        s.set_contact_password(&alice, ana, PasswordChoice::Typed("second-Secret-99"))
            .unwrap();

        match &db.location {
            Location::File(path) => {
                // The database and its write-ahead log, where pages sit before a
                // checkpoint, read while the service still has the database open.
                let wal = path.with_file_name(format!(
                    "{}-wal",
                    path.file_name().unwrap().to_string_lossy()
                ));
                let mut files = vec![path.clone()];
                if wal.exists() {
                    files.push(wal);
                }
                let mut all = Vec::new();
                for file in &files {
                    let bytes = std::fs::read(file).unwrap();
                    for secret in [typed, generated.as_str(), "second-Secret-99"] {
                        assert!(!holds(&bytes, secret), "{secret} in {}", file.display());
                    }
                    all.extend(bytes);
                }
                // The rows are there, in one file or the other: the search would find a
                // password if one had been written beside them.
                assert!(holds(&all, "bob@example.com"), "{files:?}");
            }
            Location::Server(_) => {
                let stored: String = ["contacts", "audit_log", "change_log", "outbox"]
                    .iter()
                    .flat_map(|t| db.raw.query(&format!("SELECT CAST(t AS TEXT) FROM {t} t")))
                    .map(|row| format!("{:?}\n", row[0]))
                    .collect();
                assert!(stored.contains("bob@example.com"), "{stored}");
                for secret in [typed, generated.as_str(), "second-Secret-99"] {
                    assert!(!stored.contains(secret), "{secret} stored on PostgreSQL");
                }
            }
        }
    }
}

#[test]
fn each_change_of_a_contact_has_its_audit_row() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        set(s, "default_country", "GB");
        let atlas = customer(s, "Atlas").id;
        let alice = actor("alice");
        let mut d = draft("Ana", "ana@example.com");
        d.contact_type = "Billing".into();
        d.categories = "financial".into();
        d.public_notes = "Invoices only".into();
        let ana = s.create_contact(&alice, atlas, &d, None).unwrap().contact;

        let rows = contact_audit(&db);
        assert_eq!(rows.len(), 1, "{}", db.engine);
        let (action, row_id, message, data) = &rows[0];
        assert_eq!((action.as_str(), *row_id), ("POST", ana.id));
        assert_eq!(message, "Create contact Ana");
        assert_eq!(
            *data,
            serde_json::json!({
                "name": "Ana",
                "email": "ana@example.com",
                "phone": "",
                "mobile": "",
                "type": "Billing",
                "categories": "financial",
                "portal_whitelist": "",
                "public_notes": "Invoices only",
                "private_notes": "",
                "email_verified": false,
                "mobile_verified": false,
                "primary": true,
                "portal_password": false,
            })
        );
        // The customer's card shows it as the customer's.
        let card_audit = db.service.audit(atlas).unwrap();
        assert_eq!(card_audit[0].action, "POST");
        assert_eq!(card_audit[0].table, "contacts");

        // An update records only what changed, old and new.
        let s = &mut db.service;
        let mut edit = ContactDraft::from(&ana.spec);
        edit.phone = "020 7946 0958".into();
        edit.categories = "general,financial".into();
        edit.email_verified = true;
        let saved = s
            .update_contact(&alice, ana.id, ana.version, &edit)
            .unwrap();
        // Saving what is already there writes nothing.
        let unchanged = ContactDraft::from(&saved.spec);
        let same = s
            .update_contact(&alice, saved.id, saved.version, &unchanged)
            .unwrap();
        assert_eq!(same, saved);
        let rows = contact_audit(&db);
        assert_eq!(
            rows.len(),
            2,
            "{}: no row for an edit that changes nothing",
            db.engine
        );
        let (action, row_id, message, data) = &rows[1];
        assert_eq!((action.as_str(), *row_id), ("PUT", ana.id));
        assert_eq!(message, "Update contact Ana");
        assert_eq!(
            *data,
            serde_json::json!({
                "phone": {"old": "", "new": "+442079460958"},
                "categories": {"old": "financial", "new": "general,financial"},
                "email_verified": {"old": false, "new": true},
            })
        );

        // Becoming primary, and a delete that hands the primary on.
        let s = &mut db.service;
        let bob = add(s, atlas, "Bob", "bob@example.com");
        s.become_primary(&alice, bob.id).unwrap();
        s.delete_contact(&alice, bob.id, Some(ana.id)).unwrap();
        let rows = contact_audit(&db);
        let actions: Vec<(&str, i64)> = rows.iter().map(|r| (r.0.as_str(), r.1)).collect();
        assert_eq!(
            actions,
            [
                ("POST", ana.id),
                ("PUT", ana.id),
                ("POST", bob.id),
                ("PUT", bob.id),
                ("DELETE", bob.id),
            ]
        );
        assert_eq!(
            rows[3].3["primary"],
            serde_json::json!({"old": false, "new": true})
        );
        let deleted = &rows[4];
        assert_eq!(deleted.2, "Delete contact Bob");
        assert_eq!(deleted.3["email"], "bob@example.com");
        assert_eq!(deleted.3["primary"], true);
        assert_eq!(
            deleted.3["new_primary"],
            format!("Ana (#{})", ana.id),
            "{}",
            db.engine
        );
    }
}

#[test]
fn a_portal_login_is_audited_and_needs_portal_access_and_a_password() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas");
        let alice = actor("alice");
        let ana = add(s, atlas.id, "Ana", "ana@example.com");
        let logins = "SELECT count(*) FROM audit_log WHERE action = 'LOGIN'";

        // No password: nothing to log in with.
        let (field, message) = refusal(s.portal_login(&alice, ana.id, NOW).unwrap_err());
        assert_eq!(field, "portal");
        assert!(message.contains("Ana has no portal login yet"), "{message}");
        assert_eq!(db.raw.count(logins), 0, "{}", db.engine);

        // Portal access off for the customer: nobody logs in.
        let s = &mut db.service;
        s.set_contact_password(&alice, ana.id, PasswordChoice::Generate)
            .unwrap();
        let off = Customer {
            portal_access: false,
            ..s.customer(atlas.id).unwrap()
        };
        let off = s.update_customer(&alice, &off).unwrap();
        let (_, message) = refusal(s.portal_login(&alice, ana.id, NOW).unwrap_err());
        assert!(message.contains("Atlas has no portal access"), "{message}");
        assert_eq!(db.raw.count(logins), 0);

        let s = &mut db.service;
        let on = Customer {
            portal_access: true,
            ..off
        };
        s.update_customer(&alice, &on).unwrap();
        let view = s.portal_login(&actor("carol"), ana.id, NOW).unwrap();
        assert_eq!(view.contact.id, ana.id);
        assert_eq!(view.customer.id, atlas.id);
        let rows = db.raw.query(
            "SELECT operator, row_id, customer_id, message FROM audit_log WHERE action = 'LOGIN'",
        );
        assert_eq!(
            rows,
            [vec![
                Value::Text("carol".into()),
                Value::Int(ana.id),
                Value::Int(atlas.id),
                Value::Text("Portal login as Ana".into()),
            ]],
            "{}",
            db.engine
        );
        let err = db.service.portal_login(&alice, 999, NOW).unwrap_err();
        assert_eq!(err.to_string(), "contact 999 does not exist");
    }
}

#[test]
fn the_portal_shows_no_private_notes() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas").id;
        let blue = customer(s, "Bluewave").id;
        let alice = actor("alice");
        let with_notes = |name: &str, email: &str, private: &str| ContactDraft {
            public_notes: format!("{name} handles the invoices"),
            private_notes: private.into(),
            ..draft(name, email)
        };
        let ana = s
            .create_contact(
                &alice,
                atlas,
                &with_notes("Ana", "ana@example.com", "Slow payer, ask for Bob"),
                Some(PasswordChoice::Generate),
            )
            .unwrap()
            .contact;
        s.create_contact(
            &alice,
            atlas,
            &with_notes("Bob", "bob@example.com", "Knows the CFO"),
            Some(PasswordChoice::Generate),
        )
        .unwrap();
        s.create_contact(
            &alice,
            blue,
            &with_notes("Carla", "carla@example.com", "Other customer"),
            None,
        )
        .unwrap();

        let view = s.portal_login(&alice, ana.id, NOW).unwrap();
        let names: Vec<&str> = view.contacts.iter().map(|k| k.spec.name.as_str()).collect();
        assert_eq!(
            names,
            ["Ana", "Bob"],
            "{}: the customer's own contacts",
            db.engine
        );
        let everyone = view.contacts.iter().chain([&view.contact]);
        for k in everyone {
            assert_eq!(k.spec.private_notes, "", "{}: {}", db.engine, k.spec.name);
            assert_eq!(
                k.spec.public_notes,
                format!("{} handles the invoices", k.spec.name)
            );
        }
        // Nor whether another contact has a login.
        assert!(
            view.contacts
                .iter()
                .all(|k| k.id == ana.id || !k.has_password)
        );
        // Staff still see them.
        let s = &db.service;
        assert_eq!(
            s.contact(ana.id).unwrap().spec.private_notes,
            "Slow payer, ask for Bob"
        );
        assert!(s.contacts(atlas).unwrap().iter().all(|k| k.has_password));
    }
}

#[test]
fn deleting_a_customer_deletes_its_contacts() {
    for mut db in each_engine_empty() {
        let s = &mut db.service;
        let atlas = customer(s, "Atlas").id;
        let blue = customer(s, "Bluewave").id;
        let ana = add(s, atlas, "Ana", "ana@example.com");
        add(s, atlas, "Bob", "bob@example.com");
        add(s, blue, "Carla", "carla@example.com");
        s.delete_customers(&actor("alice"), &[atlas]).unwrap();
        assert_eq!(
            db.raw.count(&format!(
                "SELECT count(*) FROM contacts WHERE customer_id = {atlas}"
            )),
            0,
            "{}",
            db.engine
        );
        assert_eq!(db.raw.count("SELECT count(*) FROM contacts"), 1);
        let s = &mut db.service;
        assert!(matches!(
            s.contact(ana.id).unwrap_err(),
            ServiceError::Missing { .. }
        ));
        // Its logins are free again.
        add(s, blue, "Ana", "ana@example.com");
    }
}

/// Two operators on two connections, each making another contact of one customer its
/// primary (and two adding a customer's first contacts) at the same moment: both changes
/// land, one after the other, and the customer has exactly one primary.
#[test]
fn racing_changes_of_the_primary_leave_exactly_one() {
    for mut db in each_engine_empty() {
        let c = customer(&mut db.service, "Atlas Networks").id;
        let a = add(&mut db.service, c, "Ana Berg", "ana@atlas.example").id;
        let b = add(&mut db.service, c, "Bob Lee", "bob@atlas.example").id;
        let d = add(&mut db.service, c, "Dee Roy", "dee@atlas.example").id;
        let fresh = customer(&mut db.service, "Bluewave Voice").id;
        let start = std::sync::Arc::new(std::sync::Barrier::new(4));
        let racers: Vec<_> = [(Some(b), "x"), (Some(d), "y"), (None, "p"), (None, "q")]
            .into_iter()
            .map(|(contact, tag)| {
                let (location, start) = (db.location.clone(), start.clone());
                std::thread::spawn(move || {
                    let mut s = Service::open_at(&location).unwrap();
                    start.wait();
                    match contact {
                        Some(id) => s.become_primary(&actor(tag), id).map(|_| ()),
                        None => s
                            .create_contact(
                                &actor(tag),
                                fresh,
                                &draft(tag, &format!("{tag}@bluewave.example")),
                                None,
                            )
                            .map(|_| ()),
                    }
                })
            })
            .collect();
        for r in racers {
            r.join()
                .unwrap()
                .unwrap_or_else(|e| panic!("{}: {e}", db.engine));
        }
        let s = db.open();
        for customer in [c, fresh] {
            let primaries = listed(&s, customer).iter().filter(|(_, p)| *p).count();
            assert_eq!(primaries, 1, "{}: customer {customer}", db.engine);
        }
        let first = listed(&s, c)[0].0;
        assert!(
            first == b || first == d,
            "{}: {first} (a was {a})",
            db.engine
        );
    }
}
