//! Mapping between SQL rows and domain types.

use super::sql::{Error, Result, Row};
use crate::domain::customer::split_tags;
use crate::domain::{AuditEntry, Currency, Customer, InvoiceSchedule, NumberBlock, Status};

pub const CUSTOMER_COLUMNS: &str = "id, name, status, balance, debit_limit, minimum_payment, tax_bp, \
    currency, channels, channels_in_use, cps, portal_access, paypal_email, website, address, tags, \
    vars, email_verification, mobile_verification, approved_clis_only, invoice_schedule, \
    invoice_due_days, account_code, rate_micros, bill_first_s, bill_next_s, parent_id, \
    last_call_at, version, created_at, updated_at, tech_prefixes, \
    coalesce((SELECT r.name FROM customer_rate_cards a JOIN rate_cards r ON r.id = a.card_id \
              WHERE a.customer_id = customers.id ORDER BY a.effective_from DESC LIMIT 1), '')";

fn bad(col: usize, what: &str, value: &str) -> Error {
    Error::column(col, format!("unknown {what} '{value}'"))
}

// Both read the stored form first, without a copy: the board reads one of each per customer.

pub fn status(row: &Row, col: usize) -> Result<Status> {
    let s = row.text(col)?;
    Status::ALL
        .into_iter()
        .find(|status| status.key() == s)
        .or_else(|| Status::parse(s))
        .ok_or_else(|| bad(col, "status", s))
}

pub fn currency(row: &Row, col: usize) -> Result<Currency> {
    let s = row.text(col)?;
    Currency::stored(s)
        .or_else(|| Currency::parse(s))
        .ok_or_else(|| bad(col, "currency", s))
}

pub fn customer(row: &Row) -> Result<Customer> {
    let schedule: String = row.get(20)?;
    Ok(Customer {
        id: row.get(0)?,
        name: row.get(1)?,
        status: status(row, 2)?,
        balance: row.get(3)?,
        debit_limit: row.get(4)?,
        minimum_payment: row.get(5)?,
        tax_bp: row.get(6)?,
        currency: currency(row, 7)?,
        channels: row.get(8)?,
        channels_in_use: row.get(9)?,
        cps: row.get(10)?,
        portal_access: row.get(11)?,
        paypal_email: row.get(12)?,
        website: row.get(13)?,
        address: row.get(14)?,
        tags: split_tags(&row.get::<String>(15)?),
        vars: row.get(16)?,
        email_verification: row.get(17)?,
        mobile_verification: row.get(18)?,
        approved_clis_only: row.get(19)?,
        invoice_schedule: InvoiceSchedule::parse(&schedule)
            .ok_or_else(|| bad(20, "invoice schedule", &schedule))?,
        invoice_due_days: row.get(21)?,
        account_code: row.get(22)?,
        rate_micros: row.get(23)?,
        bill_first_s: row.get(24)?,
        bill_next_s: row.get(25)?,
        parent_id: row.get(26)?,
        last_call_at: row.get(27)?,
        version: row.get(28)?,
        created_at: row.get(29)?,
        updated_at: row.get(30)?,
        tech_prefixes: split_tags(&row.get::<String>(31)?),
        rate_card: row.get(32)?,
    })
}

pub fn number_block(row: &Row) -> Result<NumberBlock> {
    Ok(NumberBlock {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        first: row.get(2)?,
        last: row.get(3)?,
    })
}

pub const AUDIT_COLUMNS: &str =
    "id, at, operator, ip, action, table_name, row_id, message, data, host, db_role";

pub fn audit_entry(row: &Row) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: row.get(0)?,
        at: row.get(1)?,
        operator: row.get(2)?,
        ip: row.get(3)?,
        action: row.get(4)?,
        table: row.get(5)?,
        row_id: row.get(6)?,
        message: row.get(7)?,
        data: row.get(8)?,
        host: row.get(9)?,
        db_role: row.get(10)?,
    })
}
