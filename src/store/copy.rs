//! `carrierdesk db copy`: a whole database moved to an empty one on the other engine (an
//! SQLite file to a PostgreSQL server, or back for a laptop copy), in one transaction on
//! the target, rows unchanged (audit rows too, so what proves them untouched still holds).
//! The tables are those the migrations built, read from the database's own catalogue.

use super::sql::{Result as SqlResult, Tx, Value};
use super::{Location, OpenError, Store};

/// Parameters one INSERT may bind: under SQLite's 32,766 and PostgreSQL's 65,535.
const PARAMS_PER_INSERT: usize = 30_000;

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("{0} does not exist: nothing to copy")]
    NoSource(String),
    #[error("{0}")]
    Open(#[from] OpenError),
    #[error("{0}")]
    Sql(#[from] super::sql::Error),
    #[error(
        "{target} is not empty ({table} has {rows} rows): db copy fills an empty database only"
    )]
    NotEmpty {
        target: String,
        table: String,
        rows: i64,
    },
    #[error(
        "the two databases do not have the same tables ({0}): migrate both to this carrierdesk's schema first"
    )]
    Tables(String),
    #[error("{table}: {copied} rows copied but the source has {source_rows}; nothing was copied")]
    Count {
        table: String,
        copied: i64,
        source_rows: i64,
    },
}

/// What was copied: each table and its rows, in the order copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub tables: Vec<(String, i64)>,
}

/// Copies everything in `from` into the empty database `to` (an SQLite file is created;
/// a PostgreSQL database gets the schema first, as `db migrate` would). `progress` hears
/// each table's name, rows copied so far and its total.
pub fn copy(
    from: &Location,
    to: &Location,
    progress: &mut dyn FnMut(&str, i64, i64),
) -> Result<Copied, CopyError> {
    // Opening a missing file would create an empty database and copy nothing.
    if let Location::File(path) = from
        && !path.exists()
    {
        return Err(CopyError::NoSource(path.display().to_string()));
    }
    let source = Store::open_at(from)?;
    if let Location::Server(url) = to {
        Store::migrate(url)?;
    }
    let mut target = Store::open_at(to)?;
    let read = source.read()?;
    let tables = tables_in_order(&read, &target.read()?)?;
    let write = target.write()?;
    for table in &tables {
        let rows = count(&write, table)?;
        if rows > 0 {
            return Err(CopyError::NotEmpty {
                target: to.to_string(),
                table: table.clone(),
                rows,
            });
        }
    }
    let mut copied = Vec::new();
    for table in &tables {
        let total = count(&read, table)?;
        let n = copy_table(&read, &write, table, total, progress)?;
        let landed = count(&write, table)?;
        if landed != total || n != total {
            return Err(CopyError::Count {
                table: table.clone(),
                copied: landed,
                source_rows: total,
            });
        }
        copied.push((table.clone(), total));
    }
    if write.is_pg() {
        move_identities_past_copied_ids(&write)?;
    }
    write.commit()?;
    Ok(Copied { tables: copied })
}

/// The tables of both databases, parents before the tables that refer to them; an error
/// when the two schemas differ.
fn tables_in_order(source: &Tx, target: &Tx) -> Result<Vec<String>, CopyError> {
    let (mut a, b) = (table_names(source)?, table_names(target)?);
    let (mut sorted_a, mut sorted_b) = (a.clone(), b.clone());
    sorted_a.sort();
    sorted_b.sort();
    if sorted_a != sorted_b {
        let only: Vec<String> = sorted_a
            .iter()
            .filter(|t| !sorted_b.contains(t))
            .chain(sorted_b.iter().filter(|t| !sorted_a.contains(t)))
            .cloned()
            .collect();
        return Err(CopyError::Tables(only.join(", ")));
    }
    // SQLite lists tables in the order they were created, which puts every parent first;
    // take the order of whichever side is SQLite.
    if source.is_pg() {
        a = b;
    }
    Ok(a)
}

/// The schema's tables, without the engines' own, the PostgreSQL version record, the
/// imports running on the source now (they do not run on the copy), and the board's kept
/// 24-hour sums (the target's triggers sum them afresh as the hourly summary goes in).
fn table_names(tx: &Tx) -> SqlResult<Vec<String>> {
    let sql = if tx.is_pg() {
        "SELECT tablename FROM pg_tables
         WHERE schemaname = current_schema()
           AND tablename NOT IN ('schema_version', 'running_jobs', 'recent_window',
                                 'recent_traffic')
         ORDER BY tablename"
    } else {
        "SELECT name FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name NOT IN ('running_jobs', 'recent_window', 'recent_traffic')
         ORDER BY rowid"
    };
    tx.query(sql, &[], |r| r.get(0))
}

fn columns(tx: &Tx, table: &str) -> SqlResult<Vec<String>> {
    if tx.is_pg() {
        tx.query(
            "SELECT column_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position",
            &crate::vals![table],
            |r| r.get(0),
        )
    } else {
        tx.query(
            "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
            &crate::vals![table],
            |r| r.get(0),
        )
    }
}

fn count(tx: &Tx, table: &str) -> SqlResult<i64> {
    tx.query_one(&format!("SELECT count(*) FROM {table}"), &[], |r| r.get(0))
}

/// Streams a table's rows into the target in multi-row INSERTs; returns how many.
fn copy_table(
    source: &Tx,
    target: &Tx,
    table: &str,
    total: i64,
    progress: &mut dyn FnMut(&str, i64, i64),
) -> SqlResult<i64> {
    let names = columns(target, table)?;
    let list = names.join(", ");
    let per_insert = (PARAMS_PER_INSERT / names.len().max(1)).max(1);
    let mut batch: Vec<Value> = Vec::with_capacity(per_insert * names.len());
    let mut done = 0;
    let flush = |batch: &mut Vec<Value>| -> SqlResult<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let rows = batch.len() / names.len();
        let placeholders: Vec<String> = (0..rows)
            .map(|r| {
                let cells: Vec<String> = (0..names.len())
                    .map(|c| format!("?{}", r * names.len() + c + 1))
                    .collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({list}) VALUES {}",
            placeholders.join(", ")
        );
        target.execute(&sql, batch)?;
        batch.clear();
        Ok(())
    };
    // In the key's order, so that a parent row comes before its children (customers'
    // parent accounts) and the copy reads the same every time.
    let order = if names.iter().any(|n| n == "id") {
        "id"
    } else {
        names[0].as_str()
    };
    source.each(
        &format!("SELECT {list} FROM {table} ORDER BY {order}"),
        &[],
        |row| {
            batch.extend(row.values().iter().cloned());
            done += 1;
            if batch.len() >= per_insert * names.len() {
                flush(&mut batch)?;
                progress(table, done, total);
            }
            Ok(())
        },
    )?;
    flush(&mut batch)?;
    progress(table, done, total);
    Ok(done)
}

/// After rows went in with their own ids, each identity column's sequence starts past
/// them, so that the next row the server numbers does not collide.
fn move_identities_past_copied_ids(tx: &Tx) -> SqlResult<()> {
    let identities: Vec<(String, String)> = tx.query(
        "SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (table, column) in identities {
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), max({column}))
                 FROM {table} HAVING max({column}) IS NOT NULL"
            ),
            &[],
        )?;
    }
    Ok(())
}
