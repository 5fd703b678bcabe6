//! Bulk upload: customers from a CSV file with a header row naming the fields.

use super::customers::insert_new;
use super::{Result, Service, ServiceError, commit};
use crate::csv_input::{MAX_BAD_ROWS_IN_A_ROW, Rows, Size};
use crate::domain::{Actor, Change, Customer, CustomerDraft, Field, Topic};
use crate::store;
use crate::store::Tx;
use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::Path;

/// A problem in the file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// Line in the file, 1 for the header.
    pub line: u64,
    /// A field's name (`Field::name`), "header" for the header row, or "row" for a row
    /// that could not be read as CSV.
    pub field: String,
    pub message: String,
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, {}: {}", self.line, self.field, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCustomer {
    pub line: u64,
    /// With its id once created; id 0 in a dry run.
    pub customer: Customer,
}

/// What an import found, and whether it created the customers.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerImportReport {
    pub dry_run: bool,
    /// The customers the file describes, valid ones only.
    pub customers: Vec<ImportedCustomer>,
    /// Every problem found; when there is any, nothing was created.
    pub problems: Vec<ImportProblem>,
    /// True when the customers were created (never in a dry run).
    pub committed: bool,
}

impl Service {
    /// Reads customers from a CSV file: a header row of field names (`name` and
    /// `currency` are required; any other of `Field::ALL`), one customer per row; an empty
    /// cell takes the new-customer default. Every problem is reported with its line and
    /// field. A dry run only reports; a real run creates all of them in one transaction,
    /// or none when there is any problem.
    pub fn import_customers(
        &mut self,
        actor: &Actor,
        path: &Path,
        dry_run: bool,
    ) -> Result<CustomerImportReport> {
        let cannot_read = |message: String| ServiceError::File {
            path: path.to_path_buf(),
            message: format!("cannot read it: {message}"),
        };
        let file = std::fs::File::open(path).map_err(|e| cannot_read(e.to_string()))?;
        let FileRows {
            mut customers,
            mut problems,
            unfit,
        } = read_customers(file).map_err(cannot_read)?;
        let mut report = CustomerImportReport {
            dry_run,
            customers: Vec::new(),
            problems: Vec::new(),
            committed: false,
        };
        if dry_run {
            names_taken(&self.store.read()?, &mut customers, &unfit, &mut problems)?;
        } else {
            let now = store::now_text();
            let tx = self.store.write()?;
            // Checked again inside the transaction: another operator may have just taken a name.
            names_taken(&tx, &mut customers, &unfit, &mut problems)?;
            if problems.is_empty() {
                let message = format!(
                    "Create customer (bulk upload of {} from {})",
                    customers.len(),
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                for imported in &mut customers {
                    imported.customer = insert_new(&tx, actor, &imported.customer, &message, &now)?;
                }
                let ids = customers.iter().map(|c| c.customer.id);
                commit(tx, [Change::ids(Topic::Customers, ids)])?;
                report.committed = true;
            }
        }
        problems.sort_by_key(|p| p.line);
        report.customers = customers;
        report.problems = problems;
        Ok(report)
    }
}

/// What a CSV file holds: its valid customers, every problem found in it, and the names on
/// rows with problems (a name taken in the database is said for those too, in the same pass).
struct FileRows {
    customers: Vec<ImportedCustomer>,
    problems: Vec<ImportProblem>,
    /// Line and name.
    unfit: Vec<(u64, String)>,
}

/// Reads a CSV file of customers; an error when the file cannot be read.
fn read_customers(input: impl Read) -> ReadResult<FileRows> {
    let mut customers = Vec::new();
    let mut problems = Vec::new();
    let mut unfit = Vec::new();
    let mut rows = Rows::new(input);
    let mut rec = csv::ByteRecord::new();
    let header = match rows.read(&mut rec).map_err(|e| e.to_string())? {
        // An empty file: the required columns are missing.
        None => csv::StringRecord::new(),
        Some(size) => {
            let header = match size.problem() {
                Some((_, message)) => Err(message),
                None => csv::StringRecord::from_byte_record(rec.clone())
                    .map_err(|_| NOT_UTF8.to_string()),
            };
            match header {
                Ok(header) => header,
                Err(message) => {
                    problems.push(problem(line_of(&rec), "header", message));
                    return Ok(FileRows {
                        customers,
                        problems,
                        unfit,
                    });
                }
            }
        }
    };
    let columns = match columns(&header) {
        Ok(columns) => columns,
        Err(messages) => {
            problems.extend(messages.into_iter().map(|m| problem(1, "header", m)));
            return Ok(FileRows {
                customers,
                problems,
                unfit,
            });
        }
    };
    // Lower-cased names seen so far, with their line.
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut bad_in_a_row = 0;
    while let Some(size) = rows.read(&mut rec).map_err(|e| e.to_string())? {
        let line = line_of(&rec);
        let before = problems.len();
        let row = std::mem::take(&mut rec);
        match customer(line, size, row, &columns, &mut seen, &mut problems) {
            Ok(customer) => customers.push(ImportedCustomer { line, customer }),
            Err(Some(name)) => unfit.push((line, name)),
            Err(None) => {}
        }
        bad_in_a_row = if problems.len() > before {
            bad_in_a_row + 1
        } else {
            0
        };
        if bad_in_a_row == MAX_BAD_ROWS_IN_A_ROW {
            problems.push(problem(
                line,
                "row",
                format!("{MAX_BAD_ROWS_IN_A_ROW} bad rows in a row: stopped reading here"),
            ));
            break;
        }
    }
    Ok(FileRows {
        customers,
        problems,
        unfit,
    })
}

const NOT_UTF8: &str = "is not UTF-8 text: save the file as UTF-8";

fn problem(line: u64, field: &str, message: String) -> ImportProblem {
    ImportProblem {
        line,
        field: field.to_string(),
        message,
    }
}

fn line_of(rec: &csv::ByteRecord) -> u64 {
    rec.position().map_or(0, csv::Position::line)
}

/// The customer of one row; or its problems added to `problems`, and its name if it has one
/// (checked against the database in the same pass).
fn customer(
    line: u64,
    size: Size,
    rec: csv::ByteRecord,
    columns: &[Field],
    seen: &mut HashMap<String, u64>,
    problems: &mut Vec<ImportProblem>,
) -> std::result::Result<Customer, Option<String>> {
    if let Some((index, message)) = size.problem() {
        let field = index
            .and_then(|i| columns.get(i))
            .map_or("row", |f| f.name());
        problems.push(problem(line, field, message));
        return Err(None);
    }
    let record = match csv::StringRecord::from_byte_record(rec) {
        Ok(record) => record,
        Err(e) => {
            let field = e.utf8_error().field();
            problems.push(problem(
                line,
                columns.get(field).map_or("row", |f| f.name()),
                NOT_UTF8.into(),
            ));
            return Err(None);
        }
    };
    if record.len() != columns.len() {
        problems.push(problem(
            line,
            "row",
            format!(
                "has {} cells where the header has {}",
                record.len(),
                columns.len()
            ),
        ));
        return Err(None);
    }
    let mut draft = CustomerDraft::blank();
    let mut row_ok = true;
    for (&field, cell) in columns.iter().zip(record.iter()) {
        if cell.trim().is_empty() {
            continue;
        }
        if let Err(e) = draft.set(field, cell) {
            problems.push(problem(line, e.field, e.message));
            row_ok = false;
        }
    }
    // Names count even on a row with other problems: its fix must not collide later.
    let name = draft.name.trim().to_lowercase();
    if !name.is_empty() {
        if let Some(first) = seen.get(&name) {
            problems.push(problem(
                line,
                "name",
                format!(
                    "'{}' is also on line {first}; names are unique ignoring case",
                    draft.name.trim()
                ),
            ));
            row_ok = false;
        } else {
            seen.insert(name, line);
        }
    }
    let named = || Some(draft.name.trim().to_string()).filter(|n| !n.is_empty());
    match draft.validate(None) {
        Ok(customer) if row_ok => Ok(customer),
        Ok(_) => Err(named()),
        Err(errors) => {
            problems.extend(
                errors
                    .into_iter()
                    .map(|e| problem(line, e.field, e.message)),
            );
            Err(named())
        }
    }
}

type ReadResult<T> = std::result::Result<T, String>;

/// The field of each column, or what is wrong with the header.
fn columns(header: &csv::StringRecord) -> std::result::Result<Vec<Field>, Vec<String>> {
    let mut fields = Vec::with_capacity(header.len());
    let mut unknown = Vec::new();
    let mut problems = Vec::new();
    for (i, name) in header.iter().enumerate() {
        // Spreadsheets often start a UTF-8 file with a byte-order mark.
        let name = name.trim_start_matches('\u{feff}').trim();
        match Field::parse(name) {
            Some(f) if fields.contains(&f) => {
                problems.push(format!("the column {f} appears twice"))
            }
            Some(f) => fields.push(f),
            None if name.is_empty() => problems.push(format!("column {} has no name", i + 1)),
            None => unknown.push(name.to_string()),
        }
    }
    if !unknown.is_empty() {
        let known: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        problems.push(format!(
            "unknown columns: {}; the columns are customer fields: {}",
            unknown.join(", "),
            known.join(", ")
        ));
    }
    for required in [Field::Name, Field::Currency] {
        if !fields.contains(&required) {
            problems.push(format!("the {required} column is required"));
        }
    }
    if problems.is_empty() {
        Ok(fields)
    } else {
        Err(problems)
    }
}

/// Adds a problem for each customer whose name another customer already has.
/// Moves the customers whose name is taken already from `customers` to `problems`, and
/// says so of the `unfit` rows' names as well.
fn names_taken(
    tx: &Tx,
    customers: &mut Vec<ImportedCustomer>,
    unfit: &[(u64, String)],
    problems: &mut Vec<ImportProblem>,
) -> Result<()> {
    let taken = |line: u64, name: &str, problems: &mut Vec<ImportProblem>| -> Result<bool> {
        let found = store::customer_named(tx, name)?;
        if let Some((id, stored)) = &found {
            problems.push(ImportProblem {
                line,
                field: "name".into(),
                message: format!(
                    "customer {id} is already called '{stored}'; names are unique ignoring case"
                ),
            });
        }
        Ok(found.is_some())
    };
    for (line, name) in unfit {
        taken(*line, name, problems)?;
    }
    let mut free = Vec::with_capacity(customers.len());
    for imported in customers.drain(..) {
        if !taken(imported.line, &imported.customer.name, problems)? {
            free.push(imported);
        }
    }
    *customers = free;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(csv: &str) -> (Vec<ImportedCustomer>, Vec<String>) {
        let FileRows {
            customers,
            problems,
            ..
        } = read_customers(csv.as_bytes()).unwrap();
        (
            customers,
            problems.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn a_good_file_gives_its_customers_with_their_lines() {
        let (customers, problems) = read(
            "name,currency,channels,debit_limit,tags,portal_access\n\
             Atlas Voice,EUR,30,1500.50,\"wholesale,eu\",no\n\
             Bright Telecom,jpy,,2000,,\n",
        );
        assert_eq!(problems, Vec::<String>::new());
        let atlas = &customers[0].customer;
        assert_eq!(
            (customers[0].line, atlas.channels, atlas.debit_limit),
            (2, 30, 150_050)
        );
        assert_eq!(atlas.tags, ["wholesale", "eu"]);
        assert!(!atlas.portal_access);
        let bright = &customers[1];
        assert_eq!(
            (
                bright.line,
                bright.customer.channels,
                bright.customer.debit_limit
            ),
            (3, 0, 2000)
        );
    }

    #[test]
    fn lines_are_counted_as_an_editor_counts_them() {
        // Windows line ends, a byte-order mark and blank lines between the rows.
        let (customers, problems) =
            read("\u{feff}name,currency\r\nImp H,EUR\r\n\r\nImp H2,XXX\r\n\nImp S,EUR\n");
        assert_eq!(customers.iter().map(|c| c.line).collect::<Vec<_>>(), [2, 6]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("line 4, currency:"), "{problems:?}");
        // Line ends of a CR alone count as well.
        let (customers, problems) = read("name,currency\rA,EUR\rB,XXX\r\rC,EUR\r");
        assert_eq!(customers.iter().map(|c| c.line).collect::<Vec<_>>(), [2, 5]);
        assert!(problems[0].starts_with("line 3, currency:"), "{problems:?}");
    }

    #[test]
    fn every_problem_has_its_line_and_field() {
        let (customers, problems) = read(
            "name,currency,tax,debit_limit,status\n\
             Atlas Voice,EUR,20,1e3,active\n\
             ,USD,101,5,gone\n\
             atlas voice,EUR,0,0,\n\
             Ok Telecom,EUR,5,\"1,000.00\",active\n\
             Short,EUR\n",
        );
        assert!(customers.is_empty());
        assert_eq!(
            problems,
            [
                "line 2, debit_limit: debit limit: '1e3' is in scientific notation: write the number out, like 1500",
                "line 3, status: 'gone' is not a status: use active, inactive, pending or penalty",
                "line 3, name: a name is required",
                "line 3, tax: tax must be between 0 and 100 %",
                "line 4, name: 'atlas voice' is also on line 2; names are unique ignoring case",
                "line 5, debit_limit: debit limit: '1,000.00' has a comma: write numbers without thousands separators and with a point for decimals, like 1234.50",
                "line 6, row: has 2 cells where the header has 5",
            ]
        );
    }

    #[test]
    fn the_header_must_name_known_fields() {
        let (_, problems) = read("name,colour,currency,name,size\nA,red,EUR,A,1\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("line 1, header: the column name appears twice"));
        assert!(problems[1].starts_with("line 1, header: unknown columns: colour, size;"));
        let (_, problems) = read("\u{feff}Name,channels\nA,3\n");
        assert_eq!(
            problems,
            ["line 1, header: the currency column is required"]
        );
    }
}
