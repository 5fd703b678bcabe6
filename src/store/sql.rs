//! The store's one way to run SQL on either engine. A query is written once, with `?1`,
//! `?2` … for its parameters (turned into `$1`, `$2` … for PostgreSQL); parameters and
//! cells are engine-neutral `Value`s, and rows are read with `Row::get`, so a row mapper
//! serves SQLite and PostgreSQL alike. Where the dialects differ, `Dialect` picks the text.

use std::cell::{Cell, RefCell, RefMut};

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", pg_message(.0))]
    Pg(#[from] postgres::Error),
    /// A stored value the code cannot read (an unknown status, a number where text was).
    #[error("column {col}: {message}")]
    Column { col: usize, message: String },
    /// A sum would pass what a stored integer can hold; nothing is written.
    #[error("a total would overflow")]
    Overflow,
    /// The write lock was held past the wait, and no recorded job says it holds it.
    #[error(
        "another operator's change kept the database locked for more than {} s; nothing was changed, try again",
        super::waits::BUSY_TIMEOUT.as_secs()
    )]
    Busy,
    /// A recorded job holds the write lock, and this writer does not wait for it
    /// (`Patience::Defer`): the console runs the write again where waiting blocks nothing.
    #[error("{0} holds the database")]
    JobRunning(super::RunningJob),
    /// A recorded job held the write lock past the longest wait.
    #[error(
        "waited {} minutes for {} to finish, and it still runs; nothing was changed, try again later",
        super::waits::JOB_WAIT.as_secs() / 60,
        .0
    )]
    JobTooLong(super::RunningJob),
}

/// The server's own words (its message and detail), not the driver's wrapping of them.
pub(crate) fn pg_message(e: &postgres::Error) -> String {
    // Closed, or about to be: the server shut down or restarted (SQLSTATE class 57).
    let shut_down = e
        .as_db_error()
        .is_some_and(|db| db.code().code().starts_with("57"));
    if e.is_closed() || shut_down {
        return "the connection to the database server was lost".into();
    }
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_string(),
        },
        None => e.to_string(),
    }
}

impl Error {
    /// Another writer held the lock past the wait: worth trying again later.
    pub fn is_busy(&self) -> bool {
        match self {
            Error::Sqlite(e) => e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy),
            Error::Busy | Error::JobRunning(_) | Error::JobTooLong(_) => true,
            _ => false,
        }
    }

    /// A row broke a unique key (PostgreSQL's unique_violation).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::Pg(e) if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION))
    }

    /// A sum in SQL passed what a bigint holds (PostgreSQL's numeric_value_out_of_range).
    pub fn overflowed(self) -> Error {
        match &self {
            Error::Pg(e)
                if e.code() == Some(&postgres::error::SqlState::NUMERIC_VALUE_OUT_OF_RANGE) =>
            {
                Error::Overflow
            }
            _ => self,
        }
    }

    pub fn column(col: usize, message: impl Into<String>) -> Error {
        Error::Column {
            col,
            message: message.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// A parameter or a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Int(i64::from(v))
            }
        }
    )*};
}
from_int!(i64, i32, u32, u16, u8, bool);

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl From<&Option<String>> for Value {
    fn from(v: &Option<String>) -> Value {
        v.as_deref().map_or(Value::Null, Value::from)
    }
}

/// Parameters for a query: `vals![a, b, c]` (each taken as an owned copy).
#[macro_export]
macro_rules! vals {
    ($($v:expr),* $(,)?) => {
        [$($crate::store::sql::Value::from(($v).to_owned())),*]
    };
}

/// A row read from either engine.
pub struct Row(Vec<Value>);

impl Row {
    /// Every cell, in the query's order (a copy of whole rows).
    pub fn values(&self) -> &[Value] {
        &self.0
    }

    /// A text cell, borrowed rather than copied: for walks of many rows.
    pub fn text(&self, col: usize) -> Result<&str> {
        match self.0.get(col) {
            Some(Value::Text(t)) => Ok(t),
            other => Err(Error::column(col, format!("{other:?} is not text"))),
        }
    }

    /// A text cell that may be NULL, borrowed.
    pub fn text_opt(&self, col: usize) -> Result<Option<&str>> {
        match self.0.get(col) {
            Some(Value::Null) => Ok(None),
            _ => self.text(col).map(Some),
        }
    }

    pub fn get<T: FromValue>(&self, col: usize) -> Result<T> {
        let value = self.0.get(col).unwrap_or(&Value::Null);
        T::from_value(value).ok_or_else(|| {
            Error::column(
                col,
                format!("{value:?} is not a {}", std::any::type_name::<T>()),
            )
        })
    }
}

/// A Rust type a cell can be read as.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
}

macro_rules! from_value_int {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> Option<$t> {
                match v {
                    Value::Int(i) => <$t>::try_from(*i).ok(),
                    _ => None,
                }
            }
        }
    )*};
}
from_value_int!(i64, i32, u32, u16, u8);

impl FromValue for bool {
    fn from_value(v: &Value) -> Option<bool> {
        match v {
            Value::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> Option<f64> {
        match v {
            Value::Real(r) => Some(*r),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Option<String> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Option<T>> {
        match v {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// SQL whose text differs between the engines.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    pub sqlite: &'static str,
    pub pg: &'static str,
}

/// The connection of one store: an SQLite file, or a PostgreSQL server.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    /// In a RefCell: reads take `&self` as on SQLite, and the client wants `&mut`. Boxed:
    /// a client with its statements is large beside SQLite's handle.
    Pg(Box<RefCell<PgConn>>),
}

/// A PostgreSQL connection and the statements prepared on it: each query text is parsed by
/// the server once, as rusqlite's `prepare_cached` does on SQLite, instead of once a call.
pub struct PgConn {
    pub client: postgres::Client,
    statements: std::collections::HashMap<String, postgres::Statement>,
}

impl PgConn {
    pub fn new(client: postgres::Client) -> PgConn {
        PgConn {
            client,
            statements: std::collections::HashMap::new(),
        }
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&numbered_for_pg(sql))?;
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }
}

/// A transaction on either engine; rolled back when dropped uncommitted.
pub struct Tx<'a> {
    kind: TxKind<'a>,
    /// The audit chain's last row (id, hash) and the database role, once read in this
    /// transaction: only its own inserts move it then, as it holds the chain's lock (or
    /// SQLite's write lock), so a bulk edit reads it once rather than once a row.
    pub(super) audit_head: RefCell<Option<super::audit_chain::ChainHead>>,
}

enum TxKind<'a> {
    Sqlite(rusqlite::Transaction<'a>),
    /// In a RefCell, so that queries take `&self` on both engines (as rusqlite's do): the
    /// bulk writers of an import hold the transaction while other queries run on it.
    Pg {
        client: RefCell<RefMut<'a, PgConn>>,
        open: Cell<bool>,
        /// A write transaction: the rows it reads to change are locked (`for_update`).
        write: bool,
    },
    /// Committed.
    Done,
}

impl Conn {
    /// A write transaction. On SQLite BEGIN IMMEDIATE takes the write lock up front, so
    /// two operators never both read, then fail on upgrade half way through.
    /// (A shared borrow, as `read`'s: a writer that waits looks at the database between
    /// its tries.)
    pub fn write(&self) -> Result<Tx<'_>> {
        match self {
            Conn::Sqlite(c) => Ok(Tx {
                kind: TxKind::Sqlite(rusqlite::Transaction::new_unchecked(
                    c,
                    rusqlite::TransactionBehavior::Immediate,
                )?),
                audit_head: RefCell::new(None),
            }),
            Conn::Pg(c) => Tx::pg(c.borrow_mut(), "BEGIN ISOLATION LEVEL READ COMMITTED", true),
        }
    }

    /// A read transaction: the queries on it see one consistent snapshot.
    pub fn read(&self) -> Result<Tx<'_>> {
        match self {
            Conn::Sqlite(c) => Ok(Tx {
                kind: TxKind::Sqlite(c.unchecked_transaction()?),
                audit_head: RefCell::new(None),
            }),
            Conn::Pg(c) => Tx::pg(
                c.borrow_mut(),
                "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                false,
            ),
        }
    }
}

impl<'a> Tx<'a> {
    fn pg(mut client: RefMut<'a, PgConn>, begin: &str, write: bool) -> Result<Tx<'a>> {
        client.client.batch_execute(begin)?;
        Ok(Tx {
            kind: TxKind::Pg {
                client: RefCell::new(client),
                open: Cell::new(true),
                write,
            },
            audit_head: RefCell::new(None),
        })
    }

    /// What a SELECT of rows this transaction is about to change ends with: on
    /// PostgreSQL's write transactions " FOR UPDATE", so that another host's commit cannot
    /// slip in between the read and the write (SQLite's write lock already keeps it out).
    pub fn for_update(&self) -> &'static str {
        match self.kind {
            TxKind::Pg { write: true, .. } => " FOR UPDATE",
            _ => "",
        }
    }

    /// The SQLite connection under this transaction, for the bulk paths written for it.
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.kind {
            TxKind::Sqlite(tx) => Some(tx),
            TxKind::Pg { .. } | TxKind::Done => None,
        }
    }

    /// A PostgreSQL query whose parameters are the client's own types (arrays for
    /// `unnest`): for bulk paths only; None on SQLite.
    pub fn pg_query(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Option<Result<Vec<postgres::Row>>> {
        let TxKind::Pg { client, .. } = &self.kind else {
            return None;
        };
        let mut conn = client.borrow_mut();
        Some(
            conn.statement(sql)
                .and_then(|statement| Ok(conn.client.query(&statement, params)?)),
        )
    }

    /// Streams rows into a table through PostgreSQL's binary COPY (`sql` is the COPY
    /// statement, `types` its columns' types): for bulk paths only; None on SQLite. Returns
    /// how many rows went in.
    pub fn pg_copy_in(
        &self,
        sql: &str,
        types: &[postgres::types::Type],
        rows: impl FnOnce(&mut postgres::binary_copy::BinaryCopyInWriter) -> Result<()>,
    ) -> Option<Result<u64>> {
        let TxKind::Pg { client, .. } = &self.kind else {
            return None;
        };
        let mut conn = client.borrow_mut();
        let copy = || -> Result<u64> {
            let mut writer =
                postgres::binary_copy::BinaryCopyInWriter::new(conn.client.copy_in(sql)?, types);
            rows(&mut writer)?;
            Ok(writer.finish()?)
        };
        Some(copy())
    }

    pub fn is_pg(&self) -> bool {
        matches!(self.kind, TxKind::Pg { .. })
    }

    /// The text of `dialect` for this engine.
    pub fn pick(&self, dialect: Dialect) -> &'static str {
        if self.is_pg() {
            dialect.pg
        } else {
            dialect.sqlite
        }
    }

    /// Every row of a query, each through `map`.
    pub fn query<T>(
        &self,
        sql: &str,
        params: &[Value],
        mut map: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, |row| {
            out.push(map(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row of a query, if there is one.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: &[Value],
        map: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.query(sql, params, map)?.into_iter().next())
    }

    /// The one row a query returns (an aggregate, a RETURNING).
    pub fn query_one<T>(
        &self,
        sql: &str,
        params: &[Value],
        map: impl FnMut(&Row) -> Result<T>,
    ) -> Result<T> {
        self.query_opt(sql, params, map)?
            .ok_or_else(|| Error::column(0, "the query returned no row"))
    }

    /// Calls `f` with each row in turn, without collecting them (exports of many rows).
    pub fn each(
        &self,
        sql: &str,
        params: &[Value],
        mut f: impl FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        match &self.kind {
            TxKind::Sqlite(tx) => {
                let mut stmt = tx.prepare_cached(sql)?;
                let n = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                // One row's cells, refilled for each row: text reuses its string's room, so
                // a walk of many rows allocates for the first few only.
                let mut row = Row(vec![Value::Null; n]);
                while let Some(r) = rows.next()? {
                    for (i, cell) in row.0.iter_mut().enumerate() {
                        refill(cell, r.get_ref(i)?, i)?;
                    }
                    f(&row)?;
                }
                Ok(())
            }
            TxKind::Pg { client, .. } => {
                use postgres::fallible_iterator::FallibleIterator;
                let mut conn = client.borrow_mut();
                let statement = conn.statement(sql)?;
                // Row by row as the server sends them, not all of them first: the whole
                // board, or the audit log, would otherwise sit in memory twice over (and
                // malloc keeps the peak). `f` must not use this transaction meanwhile.
                let mut rows = conn.client.query_raw(&statement, pg_params(params))?;
                // Refilled for each row, as on SQLite.
                let mut row = Row(Vec::new());
                while let Some(r) = rows.next()? {
                    row.0.resize(r.len(), Value::Null);
                    for (i, cell) in row.0.iter_mut().enumerate() {
                        pg_refill(cell, &r, i)?;
                    }
                    f(&row)?;
                }
                Ok(())
            }
            TxKind::Done => Err(finished()),
        }
    }

    /// Runs a statement; how many rows it changed.
    pub fn execute(&self, sql: &str, params: &[Value]) -> Result<u64> {
        match &self.kind {
            TxKind::Sqlite(tx) => Ok(tx
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(params.iter()))?
                as u64),
            TxKind::Pg { client, .. } => {
                let mut conn = client.borrow_mut();
                let statement = conn.statement(sql)?;
                Ok(conn.client.execute(&statement, &pg_params(params))?)
            }
            TxKind::Done => Err(finished()),
        }
    }

    pub fn commit(mut self) -> Result<()> {
        match &mut self.kind {
            TxKind::Sqlite(_) => {
                let TxKind::Sqlite(tx) = std::mem::replace(&mut self.kind, TxKind::Done) else {
                    unreachable!("matched above")
                };
                Ok(tx.commit()?)
            }
            TxKind::Pg { client, open, .. } => {
                open.set(false);
                Ok(client.get_mut().client.batch_execute("COMMIT")?)
            }
            TxKind::Done => Ok(()),
        }
    }
}

/// Values as the PostgreSQL client takes parameters.
fn pg_params(params: &[Value]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

fn finished() -> Error {
    Error::column(0, "the transaction has ended")
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        // SQLite's transaction rolls itself back when dropped.
        if let TxKind::Pg { client, open, .. } = &mut self.kind
            && open.get()
        {
            let _ = client.get_mut().client.batch_execute("ROLLBACK");
        }
    }
}

/// Every row of a query on a bare SQLite connection, for a step that runs before the store
/// has its own transaction (a migration's step).
pub fn sqlite_rows(conn: &rusqlite::Connection, sql: &str) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare(sql)?;
    let n = stmt.column_count();
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let cells = (0..n)
            .map(|i| sqlite_value(r.get_ref(i)?, i))
            .collect::<Result<Vec<_>>>()?;
        out.push(Row(cells));
    }
    Ok(out)
}

/// The same on a bare PostgreSQL transaction.
pub fn pg_rows(tx: &mut postgres::Transaction, sql: &str) -> Result<Vec<Row>> {
    tx.query(sql, &[])?
        .iter()
        .map(|r| {
            Ok(Row((0..r.len())
                .map(|i| pg_value(r, i))
                .collect::<Result<_>>()?))
        })
        .collect()
}

/// `cell` set to `v`, reusing the cell's string for text.
fn refill(cell: &mut Value, v: rusqlite::types::ValueRef<'_>, col: usize) -> Result<()> {
    match (cell, v) {
        (Value::Text(old), rusqlite::types::ValueRef::Text(t)) => {
            old.clear();
            old.push_str(
                std::str::from_utf8(t).map_err(|_| Error::column(col, "text that is not UTF-8"))?,
            );
        }
        (cell, v) => *cell = sqlite_value(v, col)?,
    }
    Ok(())
}

fn sqlite_value(v: rusqlite::types::ValueRef<'_>, col: usize) -> Result<Value> {
    use rusqlite::types::ValueRef;
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(
            std::str::from_utf8(t)
                .map_err(|_| Error::column(col, "text that is not UTF-8"))?
                .to_string(),
        ),
        ValueRef::Blob(_) => return Err(Error::column(col, "a blob where none is expected")),
    })
}

/// `cell` set to column `col` of `row`, reusing the cell's string for text.
fn pg_refill(cell: &mut Value, row: &postgres::Row, col: usize) -> Result<()> {
    use postgres::types::Type;
    *cell = match *row.columns()[col].type_() {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(col)?
            .map_or(Value::Null, Value::Int),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(col)?
            .map_or(Value::Null, |i| Value::Int(i64::from(i))),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(col)?
            .map_or(Value::Null, |i| Value::Int(i64::from(i))),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(col)?
            .map_or(Value::Null, |b| Value::Int(i64::from(b))),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(col)?
            .map_or(Value::Null, Value::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(col)?
            .map_or(Value::Null, |r| Value::Real(f64::from(r))),
        // sum() of BIGINT is NUMERIC: read through its text, then as a whole number.
        Type::NUMERIC => match row.try_get::<_, Option<PgText>>(col)? {
            None => Value::Null,
            Some(PgText(t)) => t
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| Error::column(col, format!("{t} is not a whole number")))?,
        },
        _ => match (row.try_get::<_, Option<&str>>(col)?, &mut *cell) {
            (None, _) => Value::Null,
            (Some(text), Value::Text(old)) => {
                old.clear();
                old.push_str(text);
                return Ok(());
            }
            (Some(text), _) => Value::Text(text.to_owned()),
        },
    };
    Ok(())
}

fn pg_value(row: &postgres::Row, col: usize) -> Result<Value> {
    let mut cell = Value::Null;
    pg_refill(&mut cell, row, col)?;
    Ok(cell)
}

/// A NUMERIC read as the decimal text PostgreSQL sends in its binary form's stead.
struct PgText(String);

impl<'a> postgres::types::FromSql<'a> for PgText {
    fn from_sql(
        _: &postgres::types::Type,
        raw: &'a [u8],
    ) -> std::result::Result<PgText, Box<dyn std::error::Error + Sync + Send>> {
        numeric_text(raw).map(PgText)
    }

    fn accepts(ty: &postgres::types::Type) -> bool {
        *ty == postgres::types::Type::NUMERIC
    }
}

/// PostgreSQL's binary NUMERIC (base-10000 digits) as decimal text; whole numbers only,
/// which is all the store sums.
fn numeric_text(
    raw: &[u8],
) -> std::result::Result<String, Box<dyn std::error::Error + Sync + Send>> {
    let word = |i: usize| -> std::result::Result<i64, Box<dyn std::error::Error + Sync + Send>> {
        let b = raw.get(i..i + 2).ok_or("a short NUMERIC")?;
        Ok(i64::from(i16::from_be_bytes([b[0], b[1]])))
    };
    let (ndigits, weight, sign) = (word(0)?, word(2)?, word(4)?);
    let mut value: i128 = 0;
    for i in 0..ndigits {
        value = value * 10_000 + i128::from(word(8 + 2 * i as usize)?);
    }
    for _ in 0..(weight + 1 - ndigits).max(0) {
        value *= 10_000;
    }
    if sign == 0x4000 {
        value = -value;
    }
    Ok(value.to_string())
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use postgres::types::{IsNull, Type};
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::Real(r) => r.to_sql(ty, out),
            Value::Text(t) => t.to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// `?1`, `?2` … as PostgreSQL's `$1`, `$2` …; text in quotes is left alone.
pub fn numbered_for_pg(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgresql_outside_quotes() {
        assert_eq!(
            numbered_for_pg("SELECT ?1, '?2', x FROM t WHERE a = ?12 OR b IS ?"),
            "SELECT $1, '?2', x FROM t WHERE a = $12 OR b IS ?"
        );
    }

    #[test]
    fn cells_read_as_the_types_asked_for() {
        let row = Row(vec![
            Value::Int(3),
            Value::Null,
            Value::Text("x".into()),
            Value::Int(1),
        ]);
        assert_eq!(row.get::<i64>(0).unwrap(), 3);
        assert_eq!(row.get::<Option<String>>(1).unwrap(), None);
        assert_eq!(row.get::<String>(2).unwrap(), "x");
        assert!(row.get::<bool>(3).unwrap());
        assert!(row.get::<i64>(2).is_err(), "text is not a number");
        assert!(row.get::<u8>(0).is_ok() && row.get::<String>(0).is_err());
    }

    #[test]
    fn a_binary_numeric_reads_as_its_whole_number() {
        // 123456789 = digits [1, 2345, 6789], weight 2, positive.
        let raw = [0, 3, 0, 2, 0, 0, 0, 0, 0, 1, 0x09, 0x29, 0x1A, 0x85];
        assert_eq!(numeric_text(&raw).unwrap(), "123456789");
        // -20000 = digits [2], weight 1, negative.
        let raw = [0, 1, 0, 1, 0x40, 0, 0, 0, 0, 2];
        assert_eq!(numeric_text(&raw).unwrap(), "-20000");
        let zero = [0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(numeric_text(&zero).unwrap(), "0");
    }
}
