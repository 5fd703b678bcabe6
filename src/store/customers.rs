//! Customers.

use super::Store;
use super::rows::{CUSTOMER_COLUMNS, customer};
use super::sql::{Dialect, Result, Row, Tx, Value};
use crate::domain::Customer;
use crate::vals;

fn id_and_name(r: &Row) -> Result<(i64, String)> {
    Ok((r.get(0)?, r.get(1)?))
}

/// Reads one customer, inside a transaction; in a write transaction its row is locked
/// until commit, as the write that follows needs.
pub fn get_customer(tx: &Tx, id: i64) -> Result<Option<Customer>> {
    let lock = tx.for_update();
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1{lock}");
    tx.query_opt(&sql, &vals![id], customer)
}

/// Reads many customers with one statement, in id order, inside a transaction; ids with no
/// customer are left out. In a write transaction on PostgreSQL their rows are locked in id
/// order, so that two writers over the same customers wait for each other rather than
/// deadlock.
pub fn get_customers(tx: &Tx, ids: &[i64]) -> Result<Vec<Customer>> {
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let ids_of = tx.pick(Dialect {
        sqlite: "SELECT value FROM json_each('[' || ?1 || ']')",
        pg: "SELECT unnest(string_to_array(?1, ',')::bigint[])",
    });
    let lock = tx.for_update();
    let sql = format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id IN ({ids_of}) ORDER BY id{lock}"
    );
    tx.query(&sql, &vals![list], customer)
}

/// The id and stored name of the customer called `name`, ignoring case.
pub fn customer_named(tx: &Tx, name: &str) -> Result<Option<(i64, String)>> {
    let name = name.trim();
    if tx.is_pg() {
        // The unique index is on lower(name), which folds every script's letters.
        let sql = "SELECT id, name FROM customers WHERE lower(name) = lower(?1)";
        return tx.query_opt(sql, &vals![name], id_and_name);
    }
    // The column is COLLATE NOCASE, so this is the unique index's own comparison.
    let sql = "SELECT id, name FROM customers WHERE name = ?1";
    let found = tx.query_opt(sql, &vals![name], id_and_name)?;
    if found.is_some() || name.is_ascii() {
        return Ok(found);
    }
    // NOCASE folds ASCII letters only: "Café" and "CAFÉ" are compared here, among the
    // names with a character beyond ASCII (few).
    let folded = name.to_lowercase();
    let sql = "SELECT id, name FROM customers WHERE name GLOB '*[^ -~]*'";
    let beyond_ascii = tx.query(sql, &[], id_and_name)?;
    Ok(beyond_ascii
        .into_iter()
        .find(|(_, stored)| stored.to_lowercase() == folded))
}

/// The id and name of a customer other than `own` whose account code is `code`, or whose
/// id reads as `code`: CDRs are matched by either, so the two must not meet.
pub fn account_code_holder(tx: &Tx, code: &str, own: Option<i64>) -> Result<Option<(i64, String)>> {
    tx.query_opt(
        "SELECT id, name FROM customers
         WHERE (account_code = ?1 OR CAST(id AS TEXT) = ?1) AND id IS DISTINCT FROM ?2
         ORDER BY account_code = ?1 DESC LIMIT 1",
        &vals![code.trim(), own],
        id_and_name,
    )
}

/// What ties a customer to the rest of the data: (invoices, calls, child accounts). Calls
/// are CDR rows, or those counted in the hourly summary when the raw CDRs are not kept.
pub fn customer_ties(tx: &Tx, id: i64) -> Result<(i64, i64, i64)> {
    let sql = tx.pick(Dialect {
        sqlite: "SELECT (SELECT count(*) FROM invoices WHERE customer_id = ?1),
                max((SELECT count(*) FROM cdrs WHERE customer_id = ?1),
                    (SELECT coalesce(sum(attempts), 0) FROM summary_hourly WHERE customer_id = ?1)),
                (SELECT count(*) FROM customers WHERE parent_id = ?1)",
        pg: "SELECT (SELECT count(*) FROM invoices WHERE customer_id = ?1),
                greatest((SELECT count(*) FROM cdrs WHERE customer_id = ?1),
                    (SELECT coalesce(sum(attempts), 0) FROM summary_hourly WHERE customer_id = ?1)),
                (SELECT count(*) FROM customers WHERE parent_id = ?1)",
    });
    tx.query_one(sql, &vals![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
}

/// Deletes a customer; its contacts, number blocks and SIP users go with it (ON DELETE CASCADE).
pub fn delete_customer(tx: &Tx, id: i64) -> Result<bool> {
    Ok(tx.execute("DELETE FROM customers WHERE id = ?1", &vals![id])? == 1)
}

/// A column's stored value, read from a customer.
type Stored = fn(&Customer) -> Value;

/// The columns an edit can change, named as the keys of the customer's audit JSON, each
/// with its stored value.
const EDITABLE: &[(&str, Stored)] = &[
    ("name", |c| c.name.as_str().into()),
    ("status", |c| c.status.key().into()),
    ("balance", |c| c.balance.into()),
    ("debit_limit", |c| c.debit_limit.into()),
    ("minimum_payment", |c| c.minimum_payment.into()),
    ("tax_bp", |c| c.tax_bp.into()),
    ("channels", |c| c.channels.into()),
    ("cps", |c| c.cps.into()),
    ("portal_access", |c| c.portal_access.into()),
    ("paypal_email", |c| c.paypal_email.as_str().into()),
    ("website", |c| c.website.as_str().into()),
    ("address", |c| c.address.as_str().into()),
    ("tags", |c| c.tags.join(",").into()),
    ("vars", |c| c.vars.as_str().into()),
    ("email_verification", |c| c.email_verification.into()),
    ("mobile_verification", |c| c.mobile_verification.into()),
    ("approved_clis_only", |c| c.approved_clis_only.into()),
    ("invoice_schedule", |c| c.invoice_schedule.key().into()),
    ("invoice_due_days", |c| c.invoice_due_days.into()),
    ("account_code", |c| c.account_code.as_str().into()),
    ("rate_micros", |c| c.rate_micros.into()),
    ("bill_first_s", |c| c.bill_first_s.into()),
    ("bill_next_s", |c| c.bill_next_s.into()),
    ("parent_id", |c| c.parent_id.into()),
    ("tech_prefixes", |c| c.tech_prefixes.join(",").into()),
];

/// Writes the columns of `c` that `changed` names (keys of its audit diff; keys that are
/// no column, such as the rate card, are left to their own tables), if the stored row still
/// has `c.version`, and moves the version on. Only those columns: an edit of the channels
/// of ten thousand customers then leaves their names' unique index alone. Returns false
/// when another operator saved first (nothing is written then).
pub fn update_customer<'k>(
    tx: &Tx,
    c: &Customer,
    changed: impl IntoIterator<Item = &'k str>,
    now: &str,
) -> Result<bool> {
    let mut sql = String::from("UPDATE customers SET ");
    let mut params = Vec::new();
    for key in changed {
        if let Some((column, value)) = EDITABLE.iter().find(|(column, _)| *column == key) {
            params.push(value(c));
            sql.push_str(&format!("{column} = ?{}, ", params.len()));
        }
    }
    let n = params.len();
    sql.push_str(&format!(
        "version = version + 1, updated_at = ?{} WHERE id = ?{} AND version = ?{}",
        n + 1,
        n + 2,
        n + 3
    ));
    params.extend(vals![now, c.id, c.version]);
    Ok(tx.execute(&sql, &params)? == 1)
}

/// Inserts a customer and returns its id. `c.id` is used when non-zero (demo data keeps
/// ids stable), else the next id no customer has ever had.
pub fn insert_customer(tx: &Tx, c: &Customer) -> Result<i64> {
    let greatest = if tx.is_pg() { "greatest" } else { "max" };
    let sql = format!(
        "INSERT INTO customers (id, name, status, balance, debit_limit, minimum_payment, tax_bp,
            currency, channels, channels_in_use, cps, portal_access, paypal_email, website, address,
            tags, vars, email_verification, mobile_verification, approved_clis_only,
            invoice_schedule, invoice_due_days, account_code, rate_micros, bill_first_s,
            bill_next_s, parent_id, last_call_at, version, created_at, updated_at, tech_prefixes)
         VALUES (
            -- Never the id of a deleted customer (SQLite would hand out the highest again):
            -- an open form or card of the deleted one must not land on a new customer, and
            -- the audit log's history of an id must be one customer's.
            coalesce(?1, {greatest}(coalesce((SELECT max(id) FROM customers), 0),
                             coalesce((SELECT max(customer_id) FROM audit_log), 0)) + 1),
            ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, 1, ?29, ?30, ?31)
         RETURNING id"
    );
    tx.query_one(
        &sql,
        &vals![
            (c.id != 0).then_some(c.id),
            c.name,
            c.status.key(),
            c.balance,
            c.debit_limit,
            c.minimum_payment,
            c.tax_bp,
            c.currency.code(),
            c.channels,
            c.channels_in_use,
            c.cps,
            c.portal_access,
            c.paypal_email,
            c.website,
            c.address,
            c.tags.join(","),
            c.vars,
            c.email_verification,
            c.mobile_verification,
            c.approved_clis_only,
            c.invoice_schedule.key(),
            c.invoice_due_days,
            c.account_code,
            c.rate_micros,
            c.bill_first_s,
            c.bill_next_s,
            c.parent_id,
            c.last_call_at,
            &c.created_at,
            &c.updated_at,
            c.tech_prefixes.join(","),
        ],
        |r| r.get(0),
    )
}

impl Store {
    pub fn customer(&self, id: i64) -> Result<Option<Customer>> {
        get_customer(&self.read()?, id)
    }

    pub fn customer_count(&self) -> Result<i64> {
        self.read()?
            .query_one("SELECT count(*) FROM customers", &[], |r| r.get(0))
    }
}

#[cfg(test)]
mod tests {
    use super::EDITABLE;
    use crate::domain::draft::Field;

    #[test]
    fn every_editable_field_has_its_column_in_an_edits_update() {
        // The currency is never edited, and the rate card lives in its own table.
        let missing: Vec<&str> = Field::ALL
            .into_iter()
            .filter(|f| !matches!(f, Field::Currency | Field::RateCard))
            .flat_map(|f| f.json_keys().iter().copied())
            .filter(|key| !EDITABLE.iter().any(|(column, _)| column == key))
            .collect();
        assert!(missing.is_empty(), "no column written for {missing:?}");
    }
}
