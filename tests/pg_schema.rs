//! The PostgreSQL text of the migrations (src/store/pg/) builds the schema the SQLite
//! migrations build: the same tables, columns in the same order, nullability, defaults,
//! keys, indexes, foreign keys, CHECK counts and triggers, compared from each engine's
//! catalog after running the migration files into a temporary SQLite file and a fresh
//! PostgreSQL database. The differences that cannot be avoided are listed in EXPECTED,
//! each with its reason; anything else fails. Also: roles.sql gives the operators' role
//! what the README promises and no more.

#[path = "common/pg.rs"]
mod pg;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const STORE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/store");

/// Differences between the engines that are intended, with why.
const EXPECTED: &[(&str, &str)] = &[
    (
        "settings.key: nullable in SQLite, NOT NULL in PostgreSQL",
        "SQLite lets a non-integer PRIMARY KEY of a rowid table hold NULL (a legacy quirk); \
         PostgreSQL's primary keys never do. No code stores a NULL key.",
    ),
    (
        "customers: index name customers_name_nocase only in PostgreSQL",
        "SQLite's `name ... COLLATE NOCASE UNIQUE` makes an unnamed autoindex; PostgreSQL's \
         counterpart is a unique index on lower(name), which has a name (compared as \
         lower(name) above).",
    ),
    (
        "contacts: index name contacts_email_nocase only in PostgreSQL",
        "The same for contacts.email.",
    ),
    (
        "rate_cards: index name rate_cards_name_nocase only in PostgreSQL",
        "The same for rate_cards.name.",
    ),
    (
        "customers: index ([lower(name COLLATE \\C\\)], false, None) only in PostgreSQL",
        "The board's order (schema 19). SQLite's unique NOCASE index on name is already in \
         it; PostgreSQL's unique index on lower(name) folds every script's letters, so the \
         order has an index of its own.",
    ),
    (
        "customers: index name customers_board_order only in PostgreSQL",
        "The same index's name.",
    ),
    (
        "audit_log: trigger audit_log_no_truncate only in PostgreSQL",
        "TRUNCATE fires no row trigger in PostgreSQL; SQLite has no TRUNCATE.",
    ),
];

#[derive(Debug, Default, PartialEq)]
struct Table {
    /// name, type, not null, default ("auto" for a generated id)
    columns: Vec<(String, String, bool, Option<String>)>,
    primary_key: Vec<String>,
    /// (columns, unique, WHERE of a partial index)
    indexes: BTreeSet<(Vec<String>, bool, Option<String>)>,
    /// Names of the indexes created by name (not SQLite's autoindexes for UNIQUE).
    index_names: BTreeSet<String>,
    /// (columns, referenced table, referenced columns, ON DELETE)
    foreign_keys: BTreeSet<(Vec<String>, String, Vec<String>, String)>,
    checks: usize,
    triggers: BTreeSet<String>,
}

type Schema = BTreeMap<String, Table>;

/// The migration files in order: SQLite's as src/store/migrations.rs includes them, and
/// PostgreSQL's as src/store/pg/vN_*.sql.
fn migration_files() -> (Vec<PathBuf>, Vec<PathBuf>) {
    let list = std::fs::read_to_string(Path::new(STORE).join("migrations.rs")).unwrap();
    let sqlite: Vec<PathBuf> = list
        .split("include_str!(\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|f| f.ends_with(".sql") && !f.starts_with("pg/"))
        .map(|f| Path::new(STORE).join(f))
        .collect();
    assert!(
        !sqlite.is_empty(),
        "no include_str!(\"….sql\") found in migrations.rs"
    );
    let mut pg: Vec<(u32, PathBuf)> = std::fs::read_dir(Path::new(STORE).join("pg"))
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name()?.to_str()?.to_string();
            let n = name.strip_prefix('v')?.split('_').next()?.parse().ok()?;
            name.ends_with(".sql").then_some((n, path))
        })
        .collect();
    pg.sort();
    let numbers: Vec<u32> = pg.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        numbers,
        (1..=sqlite.len() as u32).collect::<Vec<_>>(),
        "one PostgreSQL migration per SQLite migration, numbered alike: {sqlite:?}"
    );
    (sqlite, pg.into_iter().map(|(_, p)| p).collect())
}

fn sqlite_schema(files: &[PathBuf]) -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join("schema.db")).unwrap();
    for (i, file) in files.iter().enumerate() {
        let tx = conn.transaction().unwrap();
        tx.execute_batch(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        tx.pragma_update(None, "user_version", i as i64 + 1)
            .unwrap();
        tx.commit().unwrap();
    }
    let strings = |sql: &str| -> Vec<(String, Option<String>)> {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let tables = strings(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    );
    let mut schema = Schema::new();
    for (name, sql) in tables {
        let sql = sql.unwrap_or_default();
        let without_rowid = sql.to_uppercase().contains("WITHOUT ROWID");
        let mut t = Table::default();
        let mut pk: Vec<(i64, String)> = Vec::new();
        let mut stmt = conn
            .prepare(&format!("PRAGMA table_info(\"{name}\")"))
            .unwrap();
        let cols: Vec<(String, String, bool, Option<String>, i64)> = stmt
            .query_map([], |r| {
                Ok((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let single_integer_pk = cols.iter().filter(|c| c.4 > 0).count() == 1 && !without_rowid;
        for (col, ty, notnull, default, pk_n) in cols {
            let rowid_alias = pk_n > 0 && single_integer_pk && ty.eq_ignore_ascii_case("INTEGER");
            if pk_n > 0 {
                pk.push((pk_n, col.clone()));
            }
            let ty = match ty.to_uppercase().as_str() {
                "INTEGER" => "bigint".to_string(),
                "TEXT" => "text".to_string(),
                other => other.to_lowercase(),
            };
            // A rowid alias, and any key column of a WITHOUT ROWID table, is never NULL.
            let notnull = notnull || rowid_alias || (pk_n > 0 && without_rowid);
            let default = if rowid_alias {
                Some("auto".into())
            } else {
                default
            };
            t.columns.push((col, ty, notnull, default));
        }
        pk.sort();
        t.primary_key = pk.into_iter().map(|(_, c)| c).collect();

        let mut stmt = conn
            .prepare(&format!("PRAGMA index_list(\"{name}\")"))
            .unwrap();
        let indexes: Vec<(String, bool, String, bool)> = stmt
            .query_map([], |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (index, unique, origin, partial) in indexes {
            if origin == "pk" {
                continue;
            }
            let mut stmt = conn
                .prepare(&format!("PRAGMA index_xinfo(\"{index}\")"))
                .unwrap();
            let columns: Vec<String> = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, bool>(5)?,
                    ))
                })
                .unwrap()
                .map(Result::unwrap)
                .filter(|(_, _, key)| *key)
                .map(|(col, coll, _)| {
                    let col = col.expect("no expression indexes in the SQLite schema");
                    // COLLATE NOCASE on the column: PostgreSQL indexes lower(column).
                    if coll.eq_ignore_ascii_case("NOCASE") {
                        format!("lower({col})")
                    } else {
                        col
                    }
                })
                .collect();
            let predicate = partial.then(|| {
                let sql: String = conn
                    .query_row(
                        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                        [&index],
                        |r| r.get(0),
                    )
                    .unwrap();
                let at = sql.to_uppercase().rfind(" WHERE ").unwrap();
                normalize_predicate(&sql[at + 7..])
            });
            if origin == "c" {
                t.index_names.insert(index.clone());
            }
            t.indexes.insert((columns, unique, predicate));
        }

        let mut stmt = conn
            .prepare(&format!("PRAGMA foreign_key_list(\"{name}\")"))
            .unwrap();
        let mut fks: BTreeMap<i64, (Vec<String>, String, Vec<String>, String)> = BTreeMap::new();
        for row in stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .unwrap()
        {
            let (id, table, from, to, on_delete) = row.unwrap();
            let fk = fks
                .entry(id)
                .or_insert_with(|| (vec![], table.clone(), vec![], on_delete.clone()));
            fk.0.push(from);
            // REFERENCES t without columns means t's primary key: only `id` here.
            fk.2.push(to.unwrap_or_else(|| "id".into()));
        }
        t.foreign_keys = fks.into_values().collect();
        t.checks = sql.to_uppercase().matches("CHECK (").count();
        schema.insert(name, t);
    }
    for (table, trigger) in
        strings("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
    {
        schema
            .get_mut(&table)
            .unwrap()
            .triggers
            .insert(trigger.unwrap());
    }
    schema
}

fn pg_schema(url: &str, files: &[PathBuf]) -> Schema {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    for file in files {
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {}", file.display(), pg_error(&e)));
        tx.commit().unwrap();
    }
    let mut schema = Schema::new();
    for row in client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO',
                    CASE WHEN is_identity = 'YES' THEN 'auto' ELSE column_default END
             FROM information_schema.columns
             WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
    {
        let default: Option<String> = row.get(4);
        schema.entry(row.get(0)).or_default().columns.push((
            row.get(1),
            row.get(2),
            row.get(3),
            default.map(|d| strip_casts(&d)),
        ));
    }
    for row in client
        .query(
            "SELECT t.relname::text, x.relname::text, i.indisprimary, i.indisunique,
                    array(SELECT pg_get_indexdef(i.indexrelid, k, true)
                          FROM generate_series(1, i.indnkeyatts) k ORDER BY k),
                    pg_get_expr(i.indpred, i.indrelid, true),
                    EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype = 'u')
             FROM pg_index i
             JOIN pg_class t ON t.oid = i.indrelid
             JOIN pg_class x ON x.oid = i.indexrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE n.nspname = 'public'",
            &[],
        )
        .unwrap()
    {
        let t = schema.get_mut(&row.get::<_, String>(0)).unwrap();
        let columns: Vec<String> = row.get(4);
        if row.get(2) {
            t.primary_key = columns;
            continue;
        }
        let predicate: Option<String> = row.get(5);
        if !row.get::<_, bool>(6) {
            t.index_names.insert(row.get(1));
        }
        t.indexes.insert((
            columns,
            row.get(3),
            predicate.map(|p| normalize_predicate(&strip_casts(&p))),
        ));
    }
    for row in client
        .query(
            "SELECT c.conrelid::regclass::text, c.contype::text, c.confrelid::regclass::text,
                    array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),
                    array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o),
                    c.confdeltype::text
             FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
             WHERE n.nspname = 'public' AND c.contype IN ('f', 'c')",
            &[],
        )
        .unwrap()
    {
        let t = schema.get_mut(&row.get::<_, String>(0)).unwrap();
        if row.get::<_, String>(1) == "c" {
            t.checks += 1;
            continue;
        }
        let on_delete = match row.get::<_, String>(5).as_str() {
            "a" => "NO ACTION",
            "c" => "CASCADE",
            "r" => "RESTRICT",
            "n" => "SET NULL",
            "d" => "SET DEFAULT",
            other => panic!("confdeltype {other}"),
        };
        t.foreign_keys
            .insert((row.get(3), row.get(2), row.get(4), on_delete.to_string()));
    }
    for row in client
        .query(
            "SELECT t.tgrelid::regclass::text, t.tgname::text FROM pg_trigger t WHERE NOT t.tgisinternal",
            &[],
        )
        .unwrap()
    {
        schema
            .get_mut(&row.get::<_, String>(0))
            .unwrap()
            .triggers
            .insert(row.get(1));
    }
    schema
}

fn pg_error(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} {}", db.code().code(), db.message()),
        None => e.to_string(),
    }
}

/// `''::text` → `''`, `'a'::text` → `'a'`: PostgreSQL spells a default's type out.
fn strip_casts(s: &str) -> String {
    s.replace("::text", "").replace("::bigint", "")
}

/// Spacing, case and outer parentheses aside, `a <> ''` reads the same on both engines.
fn normalize_predicate(s: &str) -> String {
    let mut s = s.trim().trim_end_matches(';').trim().to_string();
    while s.starts_with('(') && s.ends_with(')') {
        s = s[1..s.len() - 1].trim().to_string();
    }
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Every difference, one line each.
fn differences(sqlite: &Schema, pg: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names = |s: &Schema| s.keys().cloned().collect::<BTreeSet<_>>();
    for t in names(sqlite).symmetric_difference(&names(pg)) {
        let side = if sqlite.contains_key(t) {
            "SQLite"
        } else {
            "PostgreSQL"
        };
        out.push(format!("table {t} only in {side}"));
    }
    for (name, s) in sqlite {
        let Some(p) = pg.get(name) else { continue };
        let col_names = |t: &Table| t.columns.iter().map(|c| c.0.clone()).collect::<Vec<_>>();
        if col_names(s) != col_names(p) {
            out.push(format!(
                "{name}: columns differ:\n  SQLite     {:?}\n  PostgreSQL {:?}",
                col_names(s),
                col_names(p)
            ));
            continue;
        }
        for (a, b) in s.columns.iter().zip(&p.columns) {
            let col = &a.0;
            if a.1 != b.1 {
                out.push(format!(
                    "{name}.{col}: type {} in SQLite, {} in PostgreSQL",
                    a.1, b.1
                ));
            }
            if a.2 != b.2 {
                let n = |nn: bool| if nn { "NOT NULL" } else { "nullable" };
                out.push(format!(
                    "{name}.{col}: {} in SQLite, {} in PostgreSQL",
                    n(a.2),
                    n(b.2)
                ));
            }
            if a.3 != b.3 {
                out.push(format!(
                    "{name}.{col}: default {:?} in SQLite, {:?} in PostgreSQL",
                    a.3, b.3
                ));
            }
        }
        if s.primary_key != p.primary_key {
            out.push(format!(
                "{name}: primary key {:?} in SQLite, {:?} in PostgreSQL",
                s.primary_key, p.primary_key
            ));
        }
        for (what, a, b) in [
            ("index", fmt_set(&s.indexes), fmt_set(&p.indexes)),
            (
                "index name",
                fmt_set(&s.index_names),
                fmt_set(&p.index_names),
            ),
            (
                "foreign key",
                fmt_set(&s.foreign_keys),
                fmt_set(&p.foreign_keys),
            ),
            ("trigger", fmt_set(&s.triggers), fmt_set(&p.triggers)),
        ] {
            for x in a.difference(&b) {
                out.push(format!("{name}: {what} {x} only in SQLite"));
            }
            for x in b.difference(&a) {
                out.push(format!("{name}: {what} {x} only in PostgreSQL"));
            }
        }
        if s.checks != p.checks {
            out.push(format!(
                "{name}: {} CHECK constraints in SQLite, {} in PostgreSQL",
                s.checks, p.checks
            ));
        }
    }
    out
}

fn fmt_set<T: std::fmt::Debug>(set: &BTreeSet<T>) -> BTreeSet<String> {
    set.iter()
        .map(|x| format!("{x:?}").replace('"', ""))
        .collect()
}

#[test]
fn the_postgresql_migrations_build_the_sqlite_schema() {
    let (sqlite_files, pg_files) = migration_files();
    let Some(url) = pg::fresh_database() else {
        return;
    };
    let sqlite = sqlite_schema(&sqlite_files);
    let pg = pg_schema(&url, &pg_files);
    let found = differences(&sqlite, &pg);
    let mut report = String::new();
    for (table, t) in &sqlite {
        let _ = writeln!(
            report,
            "{table}: {} columns, {} indexes, {} foreign keys, {} checks",
            t.columns.len(),
            t.indexes.len(),
            t.foreign_keys.len(),
            t.checks
        );
    }
    eprintln!("compared (SQLite's side):\n{report}differences: {found:#?}");
    let expected: Vec<&str> = EXPECTED.iter().map(|(d, _)| *d).collect();
    let unexpected: Vec<&String> = found
        .iter()
        .filter(|d| !expected.contains(&d.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "the PostgreSQL schema differs from the SQLite one:\n{}",
        unexpected
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|e| !found.iter().any(|f| f == **e))
        .collect();
    assert!(
        missing.is_empty(),
        "expected differences no longer there (update EXPECTED): {missing:?}"
    );
}

#[test]
fn the_postgresql_schema_keeps_the_rules() {
    let (_, pg_files) = migration_files();
    let Some(url) = pg::fresh_database() else {
        return;
    };
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for file in &pg_files {
        c.batch_execute(&std::fs::read_to_string(file).unwrap())
            .unwrap();
    }
    let insert_customer = "INSERT INTO customers (name, status, currency, created_at, updated_at)
                           VALUES ($1, 'active', 'EUR', 'now', 'now') RETURNING id";
    let id: i64 = c
        .query_one(insert_customer, &[&"Café Télécom"])
        .unwrap()
        .get(0);
    // Unique ignoring case, beyond ASCII too.
    let e = c
        .query_one(insert_customer, &[&"CAFÉ TÉLÉCOM"])
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
        "{e}"
    );
    // Explicit ids are accepted (db copy); the sequence is then set past them.
    c.execute(
        "INSERT INTO customers (id, name, status, currency, created_at, updated_at)
         VALUES (1000, 'Explicit', 'active', 'EUR', 'now', 'now')",
        &[],
    )
    .unwrap();
    c.query_one(
        "SELECT setval(pg_get_serial_sequence('customers', 'id'), max(id)) FROM customers",
        &[],
    )
    .unwrap();
    let next: i64 = c.query_one(insert_customer, &[&"After"]).unwrap().get(0);
    assert_eq!((id, next), (1, 1001));
    // CHECKs and the partial unique index of the primary contact.
    let e = c
        .execute("UPDATE customers SET tax_bp = 10001 WHERE id = $1", &[&id])
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(&postgres::error::SqlState::CHECK_VIOLATION),
        "{e}"
    );
    let contact =
        "INSERT INTO contacts (customer_id, name, email, is_primary, created_at, updated_at)
                   VALUES ($1, 'n', $2, $3, 'now', 'now')";
    c.execute(contact, &[&id, &"a@example.com", &1i64]).unwrap();
    c.execute(contact, &[&id, &"b@example.com", &0i64]).unwrap();
    let e = c
        .execute(contact, &[&id, &"c@example.com", &1i64])
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
        "{e}"
    );
    let e = c
        .execute(contact, &[&id, &"A@EXAMPLE.COM", &0i64])
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
        "{e}"
    );
    // Calls: keyed by uid, ON CONFLICT (uid) as the import writes them.
    let call = "INSERT INTO cdrs (uid, customer_id, start_at, answered, duration_s, billed_s)
                VALUES ($1, NULL, 1, 1, 5, 6) ON CONFLICT (uid) DO NOTHING";
    assert_eq!(c.execute(call, &[&"1700000000.1"]).unwrap(), 1);
    assert_eq!(c.execute(call, &[&"1700000000.1"]).unwrap(), 0);
    // The audit log is append-only, even for the owner (here a superuser).
    c.execute(
        "INSERT INTO audit_log (at, operator, ip, action, table_name, row_id, message)
         VALUES ('now', 'op', '192.0.2.1', 'create', 'customers', 1, 'made')",
        &[],
    )
    .unwrap();
    for sql in [
        "UPDATE audit_log SET message = 'changed'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let e = c.batch_execute(sql).unwrap_err();
        assert!(
            pg_error(&e).contains("append-only"),
            "{sql}: {}",
            pg_error(&e)
        );
    }
    // Deleting a customer takes its contacts along (ON DELETE CASCADE).
    c.execute("DELETE FROM customers WHERE id = $1", &[&id])
        .unwrap();
    let left: i64 = c
        .query_one("SELECT count(*) FROM contacts", &[])
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
}

/// psql, which roles.sql needs (its placeholders are psql variables).
fn psql() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("psql"))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| Some(e.ok()?.path().join("bin/psql")))
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        found.pop()
    })
}

/// The URL with another user and password (same host, port and query).
fn as_user(url: &str, user: &str, password: &str, dbname: &str) -> String {
    let url = pg::with_dbname(url, dbname);
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{user}:{password}@{host}")
}

#[test]
fn the_roles_give_operators_no_more_than_they_need() {
    let Some(server) = pg::server() else {
        return;
    };
    let Some(psql) = psql() else {
        assert!(std::env::var_os("CI").is_none(), "psql is needed in CI");
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"note: the roles test skipped: no psql\n",
        );
        return;
    };
    let (_, pg_files) = migration_files();
    // Roles belong to the whole server, which other tests share: names of our own.
    let tag = format!("{}_{}", std::process::id(), fastrand::u32(..));
    let (dbname, owner, operators, console) = (
        format!("roles_{tag}"),
        format!("owner_{tag}"),
        format!("operators_{tag}"),
        format!("console_{tag}"),
    );
    let run_roles = |with_passwords: bool| {
        let mut cmd = std::process::Command::new(&psql);
        cmd.arg("-X")
            .arg("-q")
            .args(["-v", &format!("dbname={dbname}")])
            .args(["-v", &format!("owner={owner}")])
            .args(["-v", &format!("operators={operators}")])
            .args(["-v", &format!("console={console}")]);
        if with_passwords {
            cmd.args(["-v", "owner_password=owner-secret"])
                .args(["-v", "console_password=console-secret"]);
        }
        let out = cmd
            .arg("-f")
            .arg(Path::new(STORE).join("pg/roles.sql"))
            .arg(&server.admin_url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "roles.sql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run_roles(true);

    // The owner builds the schema; roles.sql runs again after, as a DBA might.
    let mut as_owner = postgres::Client::connect(
        &as_user(&server.admin_url, &owner, "owner-secret", &dbname),
        postgres::NoTls,
    )
    .unwrap();
    for file in &pg_files {
        let mut tx = as_owner.transaction().unwrap();
        tx.batch_execute(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {}", file.display(), pg_error(&e)));
        tx.commit().unwrap();
    }
    run_roles(false);

    let mut c = postgres::Client::connect(
        &as_user(&server.admin_url, &console, "console-secret", &dbname),
        postgres::NoTls,
    )
    .unwrap();
    let id: i64 = c
        .query_one(
            "INSERT INTO customers (name, status, currency, created_at, updated_at)
             VALUES ('Acme', 'active', 'EUR', 'now', 'now') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    c.execute("UPDATE customers SET balance = 5 WHERE id = $1", &[&id])
        .unwrap();
    let who: String = c
        .query_one(
            "INSERT INTO audit_log (at, operator, ip, action, table_name, row_id, message)
             VALUES ('now', current_user, '192.0.2.1', 'create', 'customers', $1, 'made')
             RETURNING operator",
            &[&id],
        )
        .unwrap()
        .get(0);
    assert_eq!(who, console);
    let n: i64 = c
        .query_one("SELECT count(*) FROM audit_log", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    c.batch_execute("CREATE TEMP TABLE staging (uid text)")
        .unwrap();
    for sql in [
        "UPDATE audit_log SET message = 'changed'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "CREATE TABLE mine (x int)",
        "DROP TABLE cdrs",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
    ] {
        let e = c.batch_execute(sql).unwrap_err();
        let code = e.code().map(|c| c.code().to_string()).unwrap_or_default();
        // 42501 insufficient_privilege: permission denied, or "must be owner".
        assert_eq!(code, "42501", "{sql}: {}", pg_error(&e));
    }
    c.execute("DELETE FROM customers WHERE id = $1", &[&id])
        .unwrap();
}
