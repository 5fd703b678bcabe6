//! Contacts of customers, and their portal password hashes, which only the login check
//! reads.

use super::Store;
use super::sql::{Error, Result, Row, Tx, Value};
use crate::domain::contact::Category;
use crate::domain::{Contact, ContactSpec, ip_list};
use crate::vals;

const COLUMNS: &str = "id, customer_id, name, email, phone, mobile, contact_type, \
    public_notes, private_notes, email_verified, mobile_verified, is_primary, msg_general, \
    msg_financial, portal_whitelist, password_hash IS NOT NULL, version";

fn contact(row: &Row) -> Result<Contact> {
    let text = |col: usize| row.get::<String>(col);
    let mut categories = Vec::new();
    for (col, category) in [(12, Category::General), (13, Category::Financial)] {
        if row.get::<bool>(col)? {
            categories.push(category);
        }
    }
    Ok(Contact {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        spec: ContactSpec {
            name: text(2)?,
            email: text(3)?,
            phone: text(4)?,
            mobile: text(5)?,
            contact_type: text(6)?,
            public_notes: text(7)?,
            private_notes: text(8)?,
            email_verified: row.get(9)?,
            mobile_verified: row.get(10)?,
            categories,
            portal_whitelist: ip_list::parse(&text(14)?)
                .map_err(|e| Error::column(14, format!("portal whitelist: {e}")))?,
        },
        is_primary: row.get(11)?,
        has_password: row.get(15)?,
        version: row.get(16)?,
    })
}

/// Contacts of a customer, the primary first.
pub fn get_contacts(tx: &Tx, customer_id: i64) -> Result<Vec<Contact>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM contacts WHERE customer_id = ?1 ORDER BY is_primary DESC, name, id"
    );
    tx.query(&sql, &vals![customer_id], contact)
}

/// One contact, locked on PostgreSQL until the transaction ends.
pub fn get_contact(tx: &Tx, id: i64) -> Result<Option<Contact>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM contacts WHERE id = ?1{}",
        tx.for_update()
    );
    tx.query_opt(&sql, &vals![id], contact)
}

/// The customer a contact belongs to, read without a lock.
pub fn contact_owner(tx: &Tx, id: i64) -> Result<Option<i64>> {
    tx.query_opt(
        "SELECT customer_id FROM contacts WHERE id = ?1",
        &vals![id],
        |r| r.get(0),
    )
}

/// Every contact of every customer with its customer's name, by customer name (in the
/// board's order) then contact (the primary first).
pub fn all_contacts(tx: &Tx) -> Result<Vec<(Contact, String)>> {
    let columns: String = COLUMNS
        .split(", ")
        .map(|c| format!("k.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let by_name = tx.pick(super::board::BY_NAME);
    let sql = format!(
        "SELECT {columns}, c.name FROM contacts k JOIN customers c ON c.id = k.customer_id
         ORDER BY {by_name}, k.is_primary DESC, k.name, k.id"
    );
    tx.query(&sql, &[], |r| Ok((contact(r)?, r.get(17)?)))
}

/// The contact, other than `own`, whose email is `email` ignoring case, with its
/// customer's id and name: an email is a portal login, unique across all customers.
pub fn contact_email_holder(
    tx: &Tx,
    email: &str,
    own: Option<i64>,
) -> Result<Option<(i64, i64, String)>> {
    let holder = |r: &Row| Ok((r.get(0)?, r.get(1)?, r.get(2)?));
    if email.is_ascii() {
        return tx.query_opt(
            "SELECT k.id, k.customer_id, c.name FROM contacts k JOIN customers c ON c.id = k.customer_id
             WHERE lower(k.email) = lower(?1) AND (CAST(?2 AS BIGINT) IS NULL OR k.id <> ?2)",
            &vals![email, own],
            holder,
        );
    }
    // SQLite's lower() (and PostgreSQL's, in the C locale) folds ASCII letters only, so
    // "JÜRGEN@…" would pass for a login other than "jürgen@…": such an address is compared
    // here, against every other contact's. Rare, and a form save reads them once.
    let wanted = email.to_lowercase();
    let all = tx.query(
        "SELECT k.id, k.customer_id, c.name, k.email FROM contacts k
         JOIN customers c ON c.id = k.customer_id
         WHERE CAST(?1 AS BIGINT) IS NULL OR k.id <> ?1 ORDER BY k.id",
        &vals![own],
        |r| Ok((holder(r)?, r.get::<String>(3)?)),
    )?;
    Ok(all
        .into_iter()
        .find(|(_, e)| e.to_lowercase() == wanted)
        .map(|(h, _)| h))
}

fn spec_values(spec: &ContactSpec) -> [Value; 12] {
    [
        spec.name.as_str().into(),
        spec.email.as_str().into(),
        spec.phone.as_str().into(),
        spec.mobile.as_str().into(),
        spec.contact_type.as_str().into(),
        spec.public_notes.as_str().into(),
        spec.private_notes.as_str().into(),
        spec.email_verified.into(),
        spec.mobile_verified.into(),
        spec.categories.contains(&Category::General).into(),
        spec.categories.contains(&Category::Financial).into(),
        ip_list::format(&spec.portal_whitelist).into(),
    ]
}

pub fn insert_contact(
    tx: &Tx,
    customer_id: i64,
    spec: &ContactSpec,
    primary: bool,
    now: &str,
) -> Result<i64> {
    let mut values = vec![customer_id.into(), now.into(), primary.into()];
    values.extend(spec_values(spec));
    tx.query_one(
        "INSERT INTO contacts (customer_id, created_at, updated_at, is_primary, name, email,
                phone, mobile, contact_type, public_notes, private_notes, email_verified,
                mobile_verified, msg_general, msg_financial, portal_whitelist)
         VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         RETURNING id",
        &values,
        |r| r.get(0),
    )
}

/// Writes the fields if the row is still at `version`; false when another change came first.
pub fn update_contact(
    tx: &Tx,
    id: i64,
    version: i64,
    spec: &ContactSpec,
    now: &str,
) -> Result<bool> {
    let mut values = vec![id.into(), version.into(), now.into()];
    values.extend(spec_values(spec));
    Ok(tx.execute(
        "UPDATE contacts SET name = ?4, email = ?5, phone = ?6, mobile = ?7, contact_type = ?8,
                public_notes = ?9, private_notes = ?10, email_verified = ?11,
                mobile_verified = ?12, msg_general = ?13, msg_financial = ?14,
                portal_whitelist = ?15, version = version + 1, updated_at = ?3
         WHERE id = ?1 AND version = ?2",
        &values,
    )? == 1)
}

/// Makes `id` its customer's primary contact, and no other.
pub fn set_primary(tx: &Tx, customer_id: i64, id: i64, now: &str) -> Result<()> {
    // The old one first: the unique index allows one primary per customer at any moment.
    tx.execute(
        "UPDATE contacts SET is_primary = 0, updated_at = ?2
         WHERE customer_id = ?1 AND is_primary = 1",
        &vals![customer_id, now],
    )?;
    tx.execute(
        "UPDATE contacts SET is_primary = 1, updated_at = ?3 WHERE id = ?1 AND customer_id = ?2",
        &vals![id, customer_id, now],
    )?;
    Ok(())
}

pub fn delete_contact(tx: &Tx, id: i64) -> Result<bool> {
    Ok(tx.execute("DELETE FROM contacts WHERE id = ?1", &vals![id])? == 1)
}

/// Keeps a new portal password as its argon2id hash (a PHC string).
pub fn set_password_hash(tx: &Tx, id: i64, hash: &str, now: &str) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE contacts SET password_hash = ?2, version = version + 1, updated_at = ?3
         WHERE id = ?1",
        &vals![id, hash, now],
    )? == 1)
}

/// The portal login's stored hash, if a password is set: the only read of it.
pub fn password_hash(tx: &Tx, id: i64) -> Result<Option<String>> {
    Ok(tx
        .query_opt(
            "SELECT password_hash FROM contacts WHERE id = ?1",
            &vals![id],
            |r| r.get::<Option<String>>(0),
        )?
        .flatten())
}

impl Store {
    /// Contacts of a customer, the primary first.
    pub fn contacts(&self, customer_id: i64) -> Result<Vec<Contact>> {
        get_contacts(&self.read()?, customer_id)
    }

    pub fn contact(&self, id: i64) -> Result<Option<Contact>> {
        get_contact(&self.read()?, id)
    }

    pub fn all_contacts(&self) -> Result<Vec<(Contact, String)>> {
        all_contacts(&self.read()?)
    }
}
