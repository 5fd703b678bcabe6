//! Schema 12: money of calls at call precision. Charges and costs of calls and of the
//! hourly summary were minor units of the customer's currency (cents); they become
//! millionths of its major unit, so that 0.00042 of a 6-second call is kept, and rounding
//! to the currency's minor unit happens once, where money leaves call level.
//!
//! The factor depends on each customer's currency (10,000 for EUR, 1,000,000 for JPY, 1,000
//! for BHD), which only the code's currency table knows: a step in Rust after the SQL.
//! Calls of no customer were stored at zero and stay so.

use super::sql::{Error, Result};
use crate::domain::Currency;

/// The tables whose `charge` and `cost` are money of a customer's calls.
const TABLES: [&str; 2] = ["cdrs", "summary_hourly"];

/// Each currency customers are billed in, with the factor from its minor unit to millionths.
fn factors(currencies: Vec<String>) -> Result<Vec<(String, i64)>> {
    currencies
        .into_iter()
        .map(|code| {
            let currency = Currency::parse(&code).ok_or_else(|| Error::Column {
                col: 0,
                message: format!("a customer's currency '{code}' is not an ISO 4217 code"),
            })?;
            Ok((code, currency.micros_per_minor()))
        })
        .collect()
}

/// The statements that scale one table's money for one currency: a check that nothing would
/// pass what an integer holds (SQLite would silently turn it into a float), then the update.
fn statements(table: &str, param: impl Fn(usize) -> String) -> (String, String) {
    let (code, factor) = (param(1), param(2));
    let of_currency = format!("customer_id IN (SELECT id FROM customers WHERE currency = {code})");
    (
        format!(
            "SELECT count(*) FROM {table} WHERE {of_currency}
             AND (abs(charge) > 9223372036854775807 / {factor} OR abs(cost) > 9223372036854775807 / {factor})"
        ),
        format!(
            "UPDATE {table} SET charge = charge * {factor}, cost = cost * {factor} WHERE {of_currency}"
        ),
    )
}

pub(super) fn to_micros_sqlite(tx: &rusqlite::Transaction) -> Result<()> {
    let mut read = tx.prepare("SELECT DISTINCT currency FROM customers")?;
    let codes = read
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    for (code, factor) in factors(codes)? {
        for table in TABLES {
            let (check, update) = statements(table, |i| format!("?{i}"));
            let too_big: i64 =
                tx.query_row(&check, rusqlite::params![code, factor], |r| r.get(0))?;
            if too_big > 0 {
                return Err(Error::Overflow);
            }
            tx.execute(&update, rusqlite::params![code, factor])?;
        }
    }
    Ok(())
}

pub(super) fn to_micros_pg(tx: &mut postgres::Transaction) -> Result<()> {
    let codes: Vec<String> = tx
        .query("SELECT DISTINCT currency FROM customers", &[])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for (code, factor) in factors(codes)? {
        for table in TABLES {
            let (check, update) = statements(table, |i| format!("${i}"));
            let too_big: i64 = tx.query_one(&check, &[&code, &factor])?.get(0);
            if too_big > 0 {
                return Err(Error::Overflow);
            }
            tx.execute(&update, &[&code, &factor])?;
        }
    }
    Ok(())
}
