//! One [`Store`] over SQLite, PostgreSQL and MySQL/MariaDB. SQL text is generated once at
//! start-up from the resolved [`Schema`] (renamed tables/columns, additional fields) for the
//! chosen [`Dialect`]; each dialect only differs in how it connects and how values are bound
//! and decoded, which lives in its own module: [`super::sqlite`], [`super::postgres`],
//! [`super::mysql`]. Here: the pool and transaction dispatch over the three, the statements
//! they share, and the [`Store`] implementation.
use super::schema::{Dialect, Field, FieldType, IdStrategy, Model, Schema};
use super::value::Val;
use super::js_sqlite::{JsSqlite, Out, Param, Stmt};
use super::mysql::{bind_my, dec_my};
use super::postgres::{bind_pg, dec_pg};
use super::sqlite::{bind_sqlite, dec_sqlite, sqlite_run};
use super::sqlite_file::SqliteFile;
use super::{Account, CreateUserError, Session, Store, User, UserUpdate, Verification};
use crate::error::{AuthError, AuthResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sqlx::AssertSqlSafe;
use sqlx::mysql::{MySql, MySqlPool};
use sqlx::postgres::{PgPool, Postgres};
use sqlx::sqlite::Sqlite;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Statement parameters: each value with the type of the column it is bound to.
pub(super) type Params = Vec<(Val, FieldType)>;

/// A database error, with unique-constraint violations kept apart.
#[derive(Debug)]
pub enum DbErr {
    /// A UNIQUE constraint was violated.
    Unique,
    /// Anything else.
    Other(AuthError),
}

impl From<sqlx::Error> for DbErr {
    fn from(e: sqlx::Error) -> Self {
        if matches!(&e, sqlx::Error::Database(db) if db.is_unique_violation()) { DbErr::Unique } else { DbErr::Other(e.into()) }
    }
}

impl From<AuthError> for DbErr {
    fn from(e: AuthError) -> Self {
        DbErr::Other(e)
    }
}

impl From<DbErr> for AuthError {
    fn from(e: DbErr) -> Self {
        match e {
            DbErr::Unique => AuthError::internal("database: unique constraint violated"),
            DbErr::Other(e) => e,
        }
    }
}

impl From<DbErr> for CreateUserError {
    fn from(e: DbErr) -> Self {
        match e {
            DbErr::Unique => CreateUserError::EmailTaken,
            DbErr::Other(e) => CreateUserError::Other(e),
        }
    }
}

/// A connection pool of one dialect.
#[derive(Debug, Clone)]
pub enum Db {
    /// An SQLite file the engine owns (one per file per process, see [`SqliteFile`]).
    Sqlite(Arc<SqliteFile>),
    /// PostgreSQL
    Postgres(PgPool),
    /// MySQL / MariaDB
    Mysql(MySqlPool),
    /// SQLite through the application's own database object (see [`super::js_sqlite`]).
    Js(Arc<JsSqlite>),
}

/// Epoch milliseconds of a date read from PostgreSQL or MySQL.
fn ms(dt: DateTime<Utc>) -> i64 {
    dt.timestamp_millis()
}

/// A date to bind on PostgreSQL or MySQL (out of range: the epoch).
pub(super) fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default()
}

/// A JSON column read as text: the JSON value when it parses, else the text itself.
pub(super) fn json_text(s: String) -> Val {
    serde_json::from_str(&s).map(Val::Json).unwrap_or(Val::Text(s))
}

/// Reads column `i` of a PostgreSQL or MySQL row as a number (`int4`, else `int8`, else floating
/// point), a date (with a time zone; a `timestamp without time zone` column, as Drizzle makes
/// them, is read as UTC) or, for any other type, JSON (native, else text): the types both
/// dialects read alike.
pub(super) fn dec_number_date_json<'r, R>(row: &'r R, i: usize, ty: FieldType) -> AuthResult<Val>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    DateTime<Utc>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    chrono::NaiveDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Value: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(match ty {
        FieldType::Number => {
            if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
                v.map(|n| Val::Int(n.into())).unwrap_or(Val::Null)
            } else if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                v.map(Val::Int).unwrap_or(Val::Null)
            } else {
                row.try_get::<Option<f64>, _>(i)?.map(Val::Float).unwrap_or(Val::Null)
            }
        }
        FieldType::Date => match row.try_get::<Option<DateTime<Utc>>, _>(i) {
            Ok(v) => v.map(|d| Val::Date(ms(d))).unwrap_or(Val::Null),
            // a `timestamp without time zone` column (Drizzle) is read as UTC
            Err(_) => row
                .try_get::<Option<chrono::NaiveDateTime>, _>(i)?
                .map(|d| Val::Date(d.and_utc().timestamp_millis()))
                .unwrap_or(Val::Null),
        },
        _ => match row.try_get::<Option<Value>, _>(i) {
            Ok(v) => v.map(Val::Json).unwrap_or(Val::Null),
            Err(_) => row.try_get::<Option<String>, _>(i)?.map(json_text).unwrap_or(Val::Null),
        },
    })
}

// ---------------------------------------------------------------- executors

/// Runs a query on a pool, a connection or inside a transaction, binding with `$bind` and
/// decoding every row with `$dec` (a dialect's functions).
macro_rules! run_fetch {
    ($exec:expr, $sql:expr, $params:expr, $types:expr, $ids:expr, $bind:ident, $dec:ident) => {{
        let mut q = ::sqlx::query(::sqlx::AssertSqlSafe($sql.clone()));
        for (v, t) in $params.iter() {
            q = $bind(q, v, *t, $ids);
        }
        let rows = q.fetch_all($exec).await.map_err($crate::store::sql::DbErr::from)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut vals = Vec::with_capacity($types.len());
            for (i, t) in $types.iter().enumerate() {
                vals.push($dec(row, i, *t).map_err($crate::store::sql::DbErr::from)?);
            }
            out.push(vals);
        }
        Ok::<Vec<Vec<$crate::store::value::Val>>, $crate::store::sql::DbErr>(out)
    }};
}

/// Runs a statement that returns no rows (see [`run_fetch`]).
macro_rules! run_exec {
    ($exec:expr, $sql:expr, $params:expr, $ids:expr, $bind:ident) => {{
        let mut q = ::sqlx::query(::sqlx::AssertSqlSafe($sql.clone()));
        for (v, t) in $params.iter() {
            q = $bind(q, v, *t, $ids);
        }
        q.execute($exec).await
    }};
}
pub(super) use {run_exec, run_fetch};

/// An open transaction of one dialect.
pub enum Tx {
    /// SQLite
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// PostgreSQL
    Postgres(sqlx::Transaction<'static, Postgres>),
    /// MySQL
    Mysql(sqlx::Transaction<'static, MySql>),
}

/// How long one statement on PostgreSQL/MySQL may take once it has a connection. A database
/// that stops answering without closing the connection (host down, network partition) would
/// otherwise hold the request until TCP gives up (minutes): past this, the request answers 503
/// `DATABASE_UNAVAILABLE`. Point reads and writes take milliseconds; DDL (migrations) is not bound.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// `fut` (one statement), bounded by [`STATEMENT_TIMEOUT`].
async fn bounded<T>(fut: impl std::future::Future<Output = Result<T, DbErr>>) -> Result<T, DbErr> {
    tokio::time::timeout(STATEMENT_TIMEOUT, fut).await.unwrap_or_else(|_| Err(DbErr::Other(statement_timed_out())))
}

fn statement_timed_out() -> AuthError {
    AuthError::from(sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer to a statement within 5 s")))
}

/// Runs one statement on a pooled connection with [`bounded`]; a connection whose statement timed
/// out is closed instead of going back to the pool (its state is unknown).
macro_rules! on_pool {
    ($pool:expr, |$c:ident| $body:expr) => {{
        let mut $c = $pool.acquire().await.map_err(DbErr::from)?;
        let r = tokio::time::timeout(STATEMENT_TIMEOUT, async { $body }).await;
        match r {
            Ok(r) => r,
            Err(_) => {
                $c.close_on_drop();
                Err(DbErr::Other(statement_timed_out()))
            }
        }
    }};
}

impl Db {
    async fn fetch(&self, sql: &Arc<str>, params: &Params, types: &[FieldType], ids: IdStrategy) -> Result<Vec<Vec<Val>>, DbErr> {
        match self {
            Db::Sqlite(f) => match sqlite_run(f, &[js_stmt(sql, params, Some(types))], false, is_write(sql), ids).await?.pop() {
                Some(Out::Rows(rows)) => Ok(rows),
                _ => Ok(Vec::new()),
            },
            Db::Postgres(p) => on_pool!(p, |c| run_fetch!(&mut *c, sql, params, types, ids, bind_pg, dec_pg)),
            Db::Mysql(p) => on_pool!(p, |c| run_fetch!(&mut *c, sql, params, types, ids, bind_my, dec_my)),
            Db::Js(h) => match h.run(&[js_stmt(sql, params, Some(types))], false).await?.pop() {
                Some(Out::Rows(rows)) => Ok(rows),
                _ => Ok(Vec::new()),
            },
        }
    }

    async fn exec(&self, sql: &Arc<str>, params: &Params, ids: IdStrategy) -> Result<u64, DbErr> {
        Ok(match self {
            Db::Sqlite(f) => match sqlite_run(f, &[js_stmt(sql, params, None)], false, true, ids).await?.pop() {
                Some(Out::Changes(n)) => n,
                _ => 0,
            },
            Db::Postgres(p) => on_pool!(p, |c| Ok::<u64, DbErr>(run_exec!(&mut *c, sql, params, ids, bind_pg)?.rows_affected()))?,
            Db::Mysql(p) => on_pool!(p, |c| Ok::<u64, DbErr>(run_exec!(&mut *c, sql, params, ids, bind_my)?.rows_affected()))?,
            Db::Js(h) => match h.run(&[js_stmt(sql, params, None)], false).await?.pop() {
                Some(Out::Changes(n)) => n,
                _ => 0,
            },
        })
    }

    /// Runs `stmts` as one transaction (all or nothing); a [`Param::FirstColumnOf`] takes the
    /// first column of the first row an earlier statement returned (a generated id). Through a
    /// database object this is one hop to the JS thread, so no other statement can interleave.
    pub async fn transaction(&self, stmts: &[Stmt], ids: IdStrategy) -> Result<Vec<Out>, DbErr> {
        let tx = match self {
            Db::Js(h) => return h.run(stmts, true).await,
            Db::Sqlite(f) => return sqlite_run(f, stmts, true, true, ids).await,
            // taking a connection and BEGIN, together within the statement bound (the same 5 s as
            // the acquire timeout)
            Db::Postgres(p) => Tx::Postgres(bounded(async { p.begin().await.map_err(DbErr::from) }).await?),
            Db::Mysql(p) => Tx::Mysql(bounded(async { p.begin().await.map_err(DbErr::from) }).await?),
        };
        run_tx(tx, stmts, ids).await
    }


    /// Runs a constant statement (DDL, session settings).
    pub async fn raw(&self, sql: String) -> Result<(), sqlx::Error> {
        match self {
            Db::Sqlite(f) => sqlite_run(f, &[Stmt { sql: sql.into(), params: Vec::new(), rows: None }], false, true, IdStrategy::Default)
                .await
                .map(|_| ())
                .map_err(|e| {
                    sqlx::Error::Protocol(match e {
                        DbErr::Unique => "unique constraint violated".into(),
                        DbErr::Other(e) => e.to_string(),
                    })
                }),
            Db::Postgres(p) => sqlx::query(AssertSqlSafe(sql)).execute(p).await.map(|_| ()),
            Db::Mysql(p) => sqlx::query(AssertSqlSafe(sql)).execute(p).await.map(|_| ()),
            Db::Js(h) => h.run(&[Stmt { sql: sql.into(), params: Vec::new(), rows: None }], false).await.map(|_| ()).map_err(|e| {
                sqlx::Error::Protocol(match e {
                    DbErr::Unique => "unique constraint violated".into(),
                    DbErr::Other(e) => e.to_string(),
                })
            }),
        }
    }
}

/// Runs a batch inside `tx` (see [`Db::transaction`]) and commits.
pub(super) async fn run_tx(mut tx: Tx, stmts: &[Stmt], ids: IdStrategy) -> Result<Vec<Out>, DbErr> {
        let mut outs: Vec<Out> = Vec::with_capacity(stmts.len());
        for st in stmts {
            let params: Params = st
                .params
                .iter()
                .map(|(p, t)| match p {
                    Param::Val(v) => (v.clone(), *t),
                    Param::FirstColumnOf(i) => match (first_column(outs.get(*i)), *t) {
                        // a generated id written to a text column (`accountId`)
                        (Some(Val::Id(id)), FieldType::String) => (Val::Text(id), *t),
                        (v, t) => (v.unwrap_or(Val::Null), t),
                    },
                })
                .collect();
            outs.push(match &st.rows {
                Some(types) => Out::Rows(tx.fetch(&st.sql, &params, types, ids).await?),
                None => Out::Changes(tx.exec(&st.sql, &params, ids).await?),
            });
        }
        tx.commit().await?;
        Ok(outs)
}

/// True for a statement that changes data (an insert/update/delete, `returning` or not).
fn is_write(sql: &str) -> bool {
    let head = sql.trim_start().get(..6).unwrap_or_default();
    ["insert", "update", "delete"].iter().any(|w| head.eq_ignore_ascii_case(w))
}

fn js_stmt(sql: &Arc<str>, params: &Params, types: Option<&[FieldType]>) -> Stmt {
    Stmt { sql: sql.clone(), params: params.iter().map(|(v, t)| (Param::Val(v.clone()), *t)).collect(), rows: types.map(<[FieldType]>::to_vec) }
}

/// The first column of the first row of a statement's result.
fn first_column(out: Option<&Out>) -> Option<Val> {
    match out {
        Some(Out::Rows(rows)) => rows.first().and_then(|r| r.first()).cloned(),
        _ => None,
    }
}

impl Tx {
    async fn fetch(&mut self, sql: &Arc<str>, params: &Params, types: &[FieldType], ids: IdStrategy) -> Result<Vec<Vec<Val>>, DbErr> {
        match self {
            Tx::Sqlite(t) => run_fetch!(&mut **t, sql, params, types, ids, bind_sqlite, dec_sqlite),
            Tx::Postgres(t) => bounded(async { run_fetch!(&mut **t, sql, params, types, ids, bind_pg, dec_pg) }).await,
            Tx::Mysql(t) => bounded(async { run_fetch!(&mut **t, sql, params, types, ids, bind_my, dec_my) }).await,
        }
    }

    async fn exec(&mut self, sql: &Arc<str>, params: &Params, ids: IdStrategy) -> Result<u64, DbErr> {
        Ok(match self {
            Tx::Sqlite(t) => run_exec!(&mut **t, sql, params, ids, bind_sqlite)?.rows_affected(),
            Tx::Postgres(t) => bounded(async { Ok(run_exec!(&mut **t, sql, params, ids, bind_pg)?.rows_affected()) }).await?,
            Tx::Mysql(t) => bounded(async { Ok(run_exec!(&mut **t, sql, params, ids, bind_my)?.rows_affected()) }).await?,
        })
    }

    async fn commit(self) -> Result<(), DbErr> {
        match self {
            Tx::Sqlite(t) => t.commit().await.map_err(DbErr::from),
            Tx::Postgres(t) => bounded(async { t.commit().await.map_err(DbErr::from) }).await,
            Tx::Mysql(t) => bounded(async { t.commit().await.map_err(DbErr::from) }).await,
        }
    }
}

// ---------------------------------------------------------------- SQL text

/// Generated statements for one model.
#[derive(Debug, Clone)]
struct ModelSql {
    /// `a."c1", a."c2", ...` (every field, in schema order)
    cols: String,
    /// field types in the same order
    types: Vec<FieldType>,
}

impl ModelSql {
    fn new(d: Dialect, m: &Model, alias: &str) -> Self {
        let cols = m.fields.iter().map(|f| format!("{alias}.{}", d.q(&f.column))).collect::<Vec<_>>().join(", ");
        Self { cols, types: m.fields.iter().map(|f| f.ty).collect() }
    }
}

#[derive(Debug)]
struct Queries {
    find_user_cred: Arc<str>,
    find_user_cred_types: Vec<FieldType>,
    find_session: Arc<str>,
    find_session_types: Vec<FieldType>,
    refresh_session: Arc<str>,
    delete_session: Arc<str>,
    update_password: Arc<str>,
    select_user_id_by_email: Arc<str>,
    select_session_id_by_token: Arc<str>,
}

fn build_queries(d: Dialect, s: &Schema) -> Queries {
    let (u, se, a) = (&s.user, &s.session, &s.account);
    let us = ModelSql::new(d, u, "u");
    let ss = ModelSql::new(d, se, "s");
    let acc_fields = ["id", "accountId", "providerId", "password", "createdAt", "updatedAt"];
    let acc_cols = acc_fields.iter().map(|k| format!("a.{}", d.q(a.col(k)))).collect::<Vec<_>>().join(", ");
    let mut find_user_cred_types = us.types.clone();
    find_user_cred_types.extend([FieldType::Id, FieldType::String, FieldType::String, FieldType::String, FieldType::Date, FieldType::Date]);
    let find_user_cred = format!(
        "select {}, {acc_cols} from {} u left join {} a on a.{} = u.{} and a.{} = 'credential' and a.{} = {} where u.{} = {} limit 1",
        us.cols,
        d.q(&u.table),
        d.q(&a.table),
        d.q(a.col("userId")),
        d.q(u.col("id")),
        d.q(a.col("providerId")),
        d.q(a.col("accountId")),
        // accountId is text, the user id may be an integer or uuid: compare as text
        match (d, s.ids) {
            (Dialect::Postgres, IdStrategy::Serial | IdStrategy::Uuid) => format!("cast(u.{} as text)", d.q(u.col("id"))),
            (Dialect::Mysql, IdStrategy::Serial) => format!("cast(u.{} as char)", d.q(u.col("id"))),
            _ => format!("u.{}", d.q(u.col("id"))),
        },
        d.q(u.col("email")),
        d.p(1),
    );
    let mut find_session_types = ss.types.clone();
    find_session_types.extend(us.types.iter().copied());
    let find_session = format!(
        "select {}, {} from {} s join {} u on u.{} = s.{} where s.{} = {} limit 1",
        ss.cols,
        us.cols,
        d.q(&se.table),
        d.q(&u.table),
        d.q(u.col("id")),
        d.q(se.col("userId")),
        d.q(se.col("token")),
        d.p(1)
    );
    let refresh_session = format!(
        "update {} set {} = {}, {} = {} where {} = {}",
        d.q(&se.table),
        d.q(se.col("expiresAt")),
        d.p(1),
        d.q(se.col("updatedAt")),
        d.p(2),
        d.q(se.col("token")),
        d.p(3)
    );
    let delete_session = format!("delete from {} where {} = {}", d.q(&se.table), d.q(se.col("token")), d.p(1));
    let update_password = format!(
        "update {} set {} = {}, {} = {} where {} = {} and {} = 'credential'",
        d.q(&a.table),
        d.q(a.col("password")),
        d.p(1),
        d.q(a.col("updatedAt")),
        d.p(2),
        d.q(a.col("userId")),
        d.p(3),
        d.q(a.col("providerId")),
    );
    let select_user_id_by_email = format!("select {} from {} where {} = {}", d.q(u.col("id")), d.q(&u.table), d.q(u.col("email")), d.p(1));
    let select_session_id_by_token =
        format!("select {} from {} where {} = {}", d.q(se.col("id")), d.q(&se.table), d.q(se.col("token")), d.p(1));
    Queries {
        find_user_cred: find_user_cred.into(),
        find_user_cred_types,
        find_session: find_session.into(),
        find_session_types,
        refresh_session: refresh_session.into(),
        delete_session: delete_session.into(),
        update_password: update_password.into(),
        select_user_id_by_email: select_user_id_by_email.into(),
        select_session_id_by_token: select_session_id_by_token.into(),
    }
}

/// Builds an insert for `values` (logical key → value) into model `m`. Returns the SQL and
/// params; `returning_id` adds `returning <id>` (SQLite, PostgreSQL).
fn insert_sql(d: Dialect, m: &Model, values: &[(&Field, Val)], returning_id: bool) -> (String, Params) {
    let cols: Vec<String> = values.iter().map(|(f, _)| d.q(&f.column)).collect();
    let ps: Vec<String> = (1..=values.len()).map(|i| d.p(i)).collect();
    let mut sql = format!("insert into {} ({}) values ({})", d.q(&m.table), cols.join(", "), ps.join(", "));
    if returning_id {
        sql.push_str(&format!(" returning {}", d.q(m.col("id"))));
    }
    (sql, values.iter().map(|(f, v)| (v.clone(), f.ty)).collect())
}

// ---------------------------------------------------------------- the store

/// The SQL-backed store.
#[derive(Debug)]
pub struct SqlStore {
    db: Db,
    dialect: Dialect,
    schema: Arc<Schema>,
    q: Queries,
    /// A Better Auth 1.7.0–1.7.2 database has a NOT NULL `account.issuer`; fill it when present.
    account_has_issuer: AtomicBool,
}

/// Connection settings beyond the URL.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Maximum connections.
    pub max_connections: Option<u32>,
}

/// `PostgreSQL at host:port (database "db")`, for connection errors.
pub(super) fn describe(kind: &str, host: &str, port: u16, db: Option<&str>) -> String {
    format!("{kind} at {host}:{port}{}", db.map(|d| format!(" (database \"{d}\")")).unwrap_or_default())
}

impl SqlStore {
    /// The store over an open pool: its statements built, the `account.issuer` check done.
    pub(super) async fn finish(db: Db, dialect: Dialect, schema: Arc<Schema>) -> AuthResult<Self> {
        let q = build_queries(dialect, &schema);
        let store = Self { db, dialect, schema, q, account_has_issuer: AtomicBool::new(false) };
        store.detect_issuer().await?;
        Ok(store)
    }

    /// The pool.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn detect_issuer(&self) -> AuthResult<()> {
        let cols = super::migrate::columns(self, &self.schema.account.table).await?;
        let has = cols.iter().any(|c| c.name == "issuer" && !c.nullable && !c.has_default);
        self.account_has_issuer.store(has, Ordering::Relaxed);
        Ok(())
    }

    pub(crate) async fn fetch_raw(&self, sql: String, params: Params, types: &[FieldType]) -> AuthResult<Vec<Vec<Val>>> {
        Ok(self.db.fetch(&Arc::from(sql), &params, types, self.schema.ids).await?)
    }

    fn ids_generated_by_db(&self) -> bool {
        match self.schema.ids {
            IdStrategy::Default => false,
            IdStrategy::Uuid => self.dialect == Dialect::Postgres,
            IdStrategy::Serial | IdStrategy::Database => true,
        }
    }

    /// An id the store must use instead of the caller's (`None`: keep the caller's, which
    /// came from Better Auth's generator or the user's `generateId` function).
    fn new_id(&self) -> Option<String> {
        match self.schema.ids {
            IdStrategy::Default => None,
            IdStrategy::Uuid if self.dialect != Dialect::Postgres => Some(uuid::Uuid::new_v4().to_string()),
            _ => None,
        }
    }

    /// The id to write for a new row of a plugin table: `None` when the database generates it,
    /// else `candidate` (a UUID under the uuid strategy outside PostgreSQL).
    pub(crate) fn plugin_row_id(&self, candidate: String) -> Option<String> {
        if self.ids_generated_by_db() {
            return None;
        }
        Some(self.new_id().unwrap_or(candidate))
    }

    fn cols(&self, m: &Model) -> String {
        m.fields.iter().map(|f| self.dialect.q(&f.column)).collect::<Vec<_>>().join(", ")
    }

    fn types(m: &Model) -> Vec<FieldType> {
        m.fields.iter().map(|f| f.ty).collect()
    }

    /// `select <all columns> from <table> where <cond>`; `cond` uses `{p1}`, `{p2}`... for
    /// placeholders and `{col:<logical>}` for column names.
    fn select_sql(&self, m: &Model, cond: &str, order: Option<&str>) -> String {
        let mut sql = format!("select {} from {} where {}", self.cols(m), self.dialect.q(&m.table), self.expand(m, cond));
        if let Some(o) = order {
            sql.push_str(&format!(" order by {} asc", self.dialect.q(m.col(o))));
        }
        sql
    }

    fn expand(&self, m: &Model, cond: &str) -> String {
        let mut out = cond.to_string();
        for f in &m.fields {
            out = out.replace(&format!("{{col:{}}}", f.key), &self.dialect.q(&f.column));
        }
        for i in (1..=9).rev() {
            out = out.replace(&format!("{{p{i}}}"), &self.dialect.p(i));
        }
        out
    }

    async fn users_where(&self, cond: &str, params: Params) -> AuthResult<Vec<User>> {
        let m = &self.schema.user;
        let rows = self.fetch_raw(self.select_sql(m, cond, None), params, &Self::types(m)).await?;
        rows.into_iter().map(|mut r| user_from(m, &mut r.drain(..))).collect()
    }

    async fn sessions_where(&self, cond: &str, params: Params) -> AuthResult<Vec<Session>> {
        let m = &self.schema.session;
        let rows = self.fetch_raw(self.select_sql(m, cond, Some("createdAt")), params, &Self::types(m)).await?;
        rows.into_iter().map(|mut r| session_from(m, &mut r.drain(..))).collect()
    }

    async fn accounts_where(&self, cond: &str, params: Params) -> AuthResult<Vec<Account>> {
        let m = &self.schema.account;
        let rows = self.fetch_raw(self.select_sql(m, cond, Some("createdAt")), params, &Self::types(m)).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let mut a = Account::default();
                for (f, v) in m.fields.iter().zip(r) {
                    match f.key.as_str() {
                        "id" => a.id = v.text().unwrap_or_default(),
                        "accountId" => a.account_id = v.text().unwrap_or_default(),
                        "providerId" => a.provider_id = v.text().unwrap_or_default(),
                        "userId" => a.user_id = v.text().unwrap_or_default(),
                        "password" => a.password = v.text(),
                        "scope" => a.scope = v.text(),
                        "accessToken" => a.tokens.access_token = v.text(),
                        "refreshToken" => a.tokens.refresh_token = v.text(),
                        "idToken" => a.tokens.id_token = v.text(),
                        "accessTokenExpiresAt" => a.tokens.access_token_expires_at = v.date(),
                        "refreshTokenExpiresAt" => a.tokens.refresh_token_expires_at = v.date(),
                        "createdAt" => a.created_at = v.date().unwrap_or_default(),
                        "updatedAt" => a.updated_at = v.date().unwrap_or_default(),
                        _ => {}
                    }
                }
                a
            })
            .collect())
    }

    /// Runs a statement built from validated identifiers (plugin tables).
    pub(crate) async fn exec_sql(&self, sql: String, params: Params) -> AuthResult<u64> {
        self.exec_raw(sql, params).await
    }

    async fn exec_raw(&self, sql: String, params: Params) -> AuthResult<u64> {
        Ok(self.db.exec(&Arc::from(sql), &params, self.schema.ids).await?)
    }

    fn user_values<'m>(&'m self, u: &User) -> Vec<(&'m Field, Val)> {
        let m = &self.schema.user;
        let mut v = Vec::new();
        for f in &m.fields {
            let val = match f.key.as_str() {
                "id" => {
                    if self.ids_generated_by_db() {
                        continue;
                    }
                    Val::Id(u.id.clone())
                }
                "name" => Val::Text(u.name.clone()),
                "email" => Val::Text(u.email.clone()),
                "emailVerified" => Val::Bool(u.email_verified),
                "image" => u.image.clone().map(Val::Text).unwrap_or(Val::Null),
                "createdAt" => Val::Date(u.created_at),
                "updatedAt" => Val::Date(u.updated_at),
                // an additional field nobody set is left out: the column's default applies
                key => match u.extra.get(key) {
                    Some(j) => Val::from_json(j, f.ty),
                    None => continue,
                },
            };
            v.push((f, val));
        }
        v
    }

    fn session_values<'m>(&'m self, s: &Session) -> Vec<(&'m Field, Val)> {
        let m = &self.schema.session;
        let mut v = Vec::new();
        for f in &m.fields {
            let val = match f.key.as_str() {
                "id" => {
                    if self.ids_generated_by_db() {
                        continue;
                    }
                    Val::Id(s.id.clone())
                }
                "expiresAt" => Val::Date(s.expires_at),
                "token" => Val::Text(s.token.clone()),
                "createdAt" => Val::Date(s.created_at),
                "updatedAt" => Val::Date(s.updated_at),
                "ipAddress" => s.ip_address.clone().map(Val::Text).unwrap_or(Val::Null),
                "userAgent" => s.user_agent.clone().map(Val::Text).unwrap_or(Val::Null),
                "userId" => Val::Id(s.user_id.clone()),
                key => match s.extra.get(key) {
                    Some(j) => Val::from_json(j, f.ty),
                    None => continue,
                },
            };
            v.push((f, val));
        }
        v
    }

    fn account_values<'m>(&'m self, a: &Account) -> Vec<(&'m Field, Val)> {
        let m = &self.schema.account;
        let mut v = Vec::new();
        for f in &m.fields {
            let val = match f.key.as_str() {
                "id" => {
                    if self.ids_generated_by_db() {
                        continue;
                    }
                    Val::Id(a.id.clone())
                }
                "accountId" => Val::Text(a.account_id.clone()),
                "providerId" => Val::Text(a.provider_id.clone()),
                "userId" => Val::Id(a.user_id.clone()),
                "password" => a.password.clone().map(Val::Text).unwrap_or(Val::Null),
                "scope" => a.scope.clone().map(Val::Text).unwrap_or(Val::Null),
                "createdAt" => Val::Date(a.created_at),
                "updatedAt" => Val::Date(a.updated_at),
                "accessToken" => a.tokens.access_token.clone().map(Val::Text).unwrap_or(Val::Null),
                "refreshToken" => a.tokens.refresh_token.clone().map(Val::Text).unwrap_or(Val::Null),
                "idToken" => a.tokens.id_token.clone().map(Val::Text).unwrap_or(Val::Null),
                "accessTokenExpiresAt" => a.tokens.access_token_expires_at.map(Val::Date).unwrap_or(Val::Null),
                "refreshTokenExpiresAt" => a.tokens.refresh_token_expires_at.map(Val::Date).unwrap_or(Val::Null),
                _ => continue,
            };
            v.push((f, val));
        }
        v
    }
}

/// A driver message with any `scheme://user:password@` credentials masked.
pub(super) fn redact(s: &str) -> String {
    // never echo credentials that a driver error might include
    let mut out = String::with_capacity(s.len());
    for word in s.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        match (word.find("://"), word.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                out.push_str(&word[..scheme + 3]);
                out.push_str("***@");
                out.push_str(&word[at + 1..]);
            }
            _ => out.push_str(word),
        }
    }
    out
}

/// The `account.issuer` of a Better Auth 1.7.0–1.7.2 database for an account of this provider.
fn account_issuer(provider_id: &str) -> String {
    if provider_id == "credential" { "local:credential".into() } else { format!("local:oauth:{}", crate::http::encode_uri_component(provider_id)) }
}

fn user_from(m: &Model, vals: &mut std::vec::Drain<'_, Val>) -> AuthResult<User> {
    Ok(super::value::user_from_fields(m, |_| vals.next().unwrap_or(Val::Null)))
}

fn session_from(m: &Model, vals: &mut std::vec::Drain<'_, Val>) -> AuthResult<Session> {
    Ok(super::value::session_from_fields(m, |_| vals.next().unwrap_or(Val::Null)))
}

#[async_trait]
impl Store for SqlStore {
    async fn migrate(&self) -> AuthResult<()> {
        super::migrate::migrate(self).await?;
        self.detect_issuer().await
    }

    async fn find_user_with_credential(&self, email: &str) -> AuthResult<Option<(User, Option<Account>)>> {
        let params = vec![(Val::Text(email.to_string()), FieldType::String)];
        let mut rows = self.db.fetch(&self.q.find_user_cred, &params, &self.q.find_user_cred_types, self.schema.ids).await?;
        let Some(mut row) = rows.pop() else { return Ok(None) };
        let mut it = row.drain(..);
        let user = user_from(&self.schema.user, &mut it)?;
        let acc: Vec<Val> = it.collect();
        let mut acc = acc.into_iter();
        let account = match acc.next().and_then(Val::text) {
            None => None,
            Some(id) => Some(Account {
                id,
                account_id: acc.next().and_then(Val::text).unwrap_or_default(),
                provider_id: acc.next().and_then(Val::text).unwrap_or_default(),
                user_id: user.id.clone(),
                password: acc.next().and_then(Val::text),
                created_at: acc.next().and_then(|v| v.date()).unwrap_or_default(),
                updated_at: acc.next().and_then(|v| v.date()).unwrap_or_default(),
                scope: None,
                tokens: Default::default(),
            }),
        };
        Ok(Some((user, account)))
    }

    async fn create_user_with_credential(&self, user: &mut User, account: &mut Account) -> Result<(), CreateUserError> {
        self.create_user(user, Some(account)).await
    }

    async fn create_user(&self, user: &mut User, mut account: Option<&mut Account>) -> Result<(), CreateUserError> {
        let d = self.dialect;
        let generated = self.ids_generated_by_db();
        let returning = generated && d != Dialect::Mysql;
        if let Some(id) = self.new_id() {
            user.id = id;
        }
        let vals = |params: Params| params.into_iter().map(|(v, t)| (Param::Val(v), t)).collect::<Vec<_>>();
        let mut stmts = Vec::with_capacity(3);
        let (sql, params) = insert_sql(d, &self.schema.user, &self.user_values(user), returning);
        stmts.push(Stmt { sql: sql.into(), params: vals(params), rows: returning.then(|| vec![FieldType::Id]) });
        if generated && d == Dialect::Mysql {
            // MySQL has no `returning`: read the id back inside the same transaction
            let p = vec![(Val::Text(user.email.clone()), FieldType::String)];
            stmts.push(Stmt { sql: self.q.select_user_id_by_email.clone(), params: vals(p), rows: Some(vec![FieldType::Id]) });
        }
        let id_stmt = if generated { Some(stmts.len() - 1) } else { None };
        if let Some(account) = account.as_deref_mut() {
            // a credential account's accountId is the user id; an OAuth account keeps the
            // provider's
            let credential = account.provider_id == "credential";
            account.user_id = user.id.clone();
            if credential {
                account.account_id = user.id.clone();
            }
            if let Some(id) = self.new_id() {
                account.id = id;
            }
            let mut values = self.account_values(account);
            let issuer_field;
            if self.account_has_issuer.load(Ordering::Relaxed) {
                issuer_field = Field { key: "issuer".into(), column: "issuer".into(), ..self.schema.account.fields[1].clone() };
                values.push((&issuer_field, Val::Text(account_issuer(&account.provider_id))));
            }
            let keys: Vec<String> = values.iter().map(|(f, _)| f.key.clone()).collect();
            let (sql, params) = insert_sql(d, &self.schema.account, &values, false);
            let params = params
                .into_iter()
                .zip(&keys)
                .map(|((v, t), k)| match (id_stmt, k.as_str()) {
                    // the user id the database generated, as userId (typed) and accountId (text)
                    (Some(i), "userId") => (Param::FirstColumnOf(i), t),
                    (Some(i), "accountId") if credential => (Param::FirstColumnOf(i), t),
                    _ => (Param::Val(v), t),
                })
                .collect();
            stmts.push(Stmt { sql: sql.into(), params, rows: None });
        }
        let outs = self.db.transaction(&stmts, self.schema.ids).await?;
        if let Some(i) = id_stmt
            && let Some(id) = first_column(outs.get(i)).and_then(Val::text)
        {
            user.id = id.clone();
            if let Some(account) = account {
                account.user_id = id.clone();
                if account.provider_id == "credential" {
                    account.account_id = id;
                }
            }
        }
        // additional fields left out took their column defaults: read them back, as Better
        // Auth's adapters return the inserted row
        if self.schema.user.extra_fields().any(|f| !user.extra.contains_key(&f.key))
            && let Ok(Some(written)) = self.find_user_by_id(&user.id).await
        {
            for f in self.schema.user.extra_fields() {
                if !user.extra.contains_key(&f.key) {
                    user.extra.insert(f.key.clone(), written.extra.get(&f.key).cloned().unwrap_or(Value::Null));
                }
            }
        }
        Ok(())
    }

    async fn create_session(&self, s: &mut Session) -> AuthResult<()> {
        let d = self.dialect;
        let returning = self.ids_generated_by_db() && d != Dialect::Mysql;
        if let Some(id) = self.new_id() {
            s.id = id;
        }
        let (sql, params) = insert_sql(d, &self.schema.session, &self.session_values(s), returning);
        let sql: Arc<str> = sql.into();
        if returning {
            let rows = self.db.fetch(&sql, &params, &[FieldType::Id], self.schema.ids).await?;
            if let Some(id) = rows.into_iter().next().and_then(|mut r| r.pop()).and_then(Val::text) {
                s.id = id;
            }
        } else {
            self.db.exec(&sql, &params, self.schema.ids).await?;
            if self.ids_generated_by_db() {
                let p = vec![(Val::Text(s.token.clone()), FieldType::String)];
                let rows = self.db.fetch(&self.q.select_session_id_by_token, &p, &[FieldType::Id], self.schema.ids).await?;
                if let Some(id) = rows.into_iter().next().and_then(|mut r| r.pop()).and_then(Val::text) {
                    s.id = id;
                }
            }
        }
        // additional fields left out took their column defaults: read them back
        if self.schema.session.extra_fields().any(|f| !s.extra.contains_key(&f.key))
            && let Ok(Some((written, _))) = self.find_session(&s.token).await
        {
            for f in self.schema.session.extra_fields() {
                if !s.extra.contains_key(&f.key) {
                    s.extra.insert(f.key.clone(), written.extra.get(&f.key).cloned().unwrap_or(Value::Null));
                }
            }
        }
        Ok(())
    }

    async fn find_session(&self, token: &str) -> AuthResult<Option<(Session, User)>> {
        let fast = match &self.db {
            Db::Sqlite(f) => match &f.fast {
                Some(fast) => {
                    let _shared = f.enter().await;
                    if f.delegate().is_some() { None } else { fast.first_row(&self.q.find_session, token, &self.q.find_session_types) }
                }
                None => None,
            },
            _ => None,
        };
        let mut row = match fast {
            Some(found) => match found {
                Some(row) => row,
                None => return Ok(None),
            },
            None => {
                let params = vec![(Val::Text(token.to_string()), FieldType::String)];
                let mut rows = self.db.fetch(&self.q.find_session, &params, &self.q.find_session_types, self.schema.ids).await?;
                let Some(row) = rows.pop() else { return Ok(None) };
                row
            }
        };
        let mut it = row.drain(..);
        let session = session_from(&self.schema.session, &mut it)?;
        let user = user_from(&self.schema.user, &mut it)?;
        Ok(Some((session, user)))
    }

    fn find_session_now(&self, token: &str) -> Option<AuthResult<Option<(Session, User)>>> {
        let Db::Sqlite(f) = &self.db else { return None };
        let fast = f.fast.as_ref()?;
        let _shared = f.try_enter()?;
        if f.delegate().is_some() {
            return None;
        }
        let Some(mut row) = fast.first_row_now(&self.q.find_session, token, &self.q.find_session_types)? else {
            return Some(Ok(None));
        };
        let mut it = row.drain(..);
        Some(session_from(&self.schema.session, &mut it).and_then(|s| Ok(Some((s, user_from(&self.schema.user, &mut it)?)))))
    }

    async fn refresh_session(&self, token: &str, expires_at: i64, updated_at: i64) -> AuthResult<bool> {
        let params = vec![
            (Val::Date(expires_at), FieldType::Date),
            (Val::Date(updated_at), FieldType::Date),
            (Val::Text(token.to_string()), FieldType::String),
        ];
        Ok(self.db.exec(&self.q.refresh_session, &params, self.schema.ids).await? > 0)
    }

    async fn update_session(&self, token: &str, fields: &Map<String, Value>, updated_at: i64) -> AuthResult<Option<Session>> {
        let m = &self.schema.session;
        let d = self.dialect;
        let mut sets: Vec<String> = Vec::new();
        let mut params: Params = Vec::new();
        for f in m.extra_fields() {
            if let Some(v) = fields.get(&f.key) {
                params.push((Val::from_json(v, f.ty), f.ty));
                sets.push(format!("{} = {}", d.q(&f.column), d.p(params.len())));
            }
        }
        params.push((Val::Date(updated_at), FieldType::Date));
        sets.push(format!("{} = {}", d.q(m.col("updatedAt")), d.p(params.len())));
        params.push((Val::Text(token.to_string()), FieldType::String));
        let sql = format!("update {} set {} where {} = {}", d.q(&m.table), sets.join(", "), d.q(m.col("token")), d.p(params.len()));
        if self.db.exec(&Arc::from(sql), &params, self.schema.ids).await? == 0 {
            return Ok(None);
        }
        Ok(self.sessions_where("{col:token} = {p1}", vec![(Val::Text(token.to_string()), FieldType::String)]).await?.pop())
    }

    async fn update_credential_password(&self, user_id: &str, hash: &str, now: i64) -> AuthResult<bool> {
        let params = vec![
            (Val::Text(hash.to_string()), FieldType::String),
            (Val::Date(now), FieldType::Date),
            (Val::Id(user_id.to_string()), FieldType::Id),
        ];
        Ok(self.db.exec(&self.q.update_password, &params, self.schema.ids).await? > 0)
    }

    async fn delete_session(&self, token: &str) -> AuthResult<()> {
        let params = vec![(Val::Text(token.to_string()), FieldType::String)];
        self.db.exec(&self.q.delete_session, &params, self.schema.ids).await?;
        Ok(())
    }

    async fn find_user_by_id(&self, id: &str) -> AuthResult<Option<User>> {
        Ok(self.users_where("{col:id} = {p1}", vec![(Val::Id(id.to_string()), FieldType::Id)]).await?.pop())
    }

    async fn find_user_by_email(&self, email: &str) -> AuthResult<Option<User>> {
        Ok(self.users_where("{col:email} = {p1}", vec![(Val::Text(email.to_string()), FieldType::String)]).await?.pop())
    }

    async fn find_credential_account(&self, user_id: &str) -> AuthResult<Option<Account>> {
        let accounts = self
            .accounts_where("{col:userId} = {p1} and {col:providerId} = 'credential'", vec![(Val::Id(user_id.to_string()), FieldType::Id)])
            .await?;
        Ok(accounts.into_iter().find(|a| a.account_id == user_id))
    }

    async fn create_account(&self, account: &mut Account) -> AuthResult<()> {
        if let Some(id) = self.new_id() {
            account.id = id;
        }
        let mut values = self.account_values(account);
        let issuer_field;
        if self.account_has_issuer.load(Ordering::Relaxed) {
            issuer_field = Field { key: "issuer".into(), column: "issuer".into(), ..self.schema.account.fields[1].clone() };
            values.push((&issuer_field, Val::Text(account_issuer(&account.provider_id))));
        }
        let (sql, params) = insert_sql(self.dialect, &self.schema.account, &values, false);
        self.exec_raw(sql, params).await?;
        Ok(())
    }

    async fn find_users(&self, q: &super::query::UserQuery) -> AuthResult<Vec<User>> {
        let m = &self.schema.user;
        let mut params: Params = Vec::new();
        let cond = super::query::where_sql(self.dialect, m, &q.conds, &mut params)?;
        let mut sql = format!("select {} from {}", self.cols(m), self.dialect.q(&m.table));
        if !cond.is_empty() {
            sql.push_str(" where ");
            sql.push_str(&cond);
        }
        sql.push_str(&super::query::tail_sql(self.dialect, m, q)?);
        let rows = self.fetch_raw(sql, params, &Self::types(m)).await?;
        rows.into_iter().map(|mut r| user_from(m, &mut r.drain(..))).collect()
    }

    async fn count_users(&self, conds: &[super::query::Cond]) -> AuthResult<i64> {
        let m = &self.schema.user;
        let mut params: Params = Vec::new();
        let cond = super::query::where_sql(self.dialect, m, conds, &mut params)?;
        let mut sql = format!("select count(*) from {}", self.dialect.q(&m.table));
        if !cond.is_empty() {
            sql.push_str(" where ");
            sql.push_str(&cond);
        }
        let rows = self.fetch_raw(sql, params, &[FieldType::Number]).await?;
        Ok(rows.into_iter().next().and_then(|r| r.into_iter().next()).and_then(|v| match v {
            Val::Int(i) => Some(i),
            Val::Float(f) => Some(f as i64),
            Val::Text(t) => t.parse().ok(),
            _ => None,
        }).unwrap_or(0))
    }

    async fn list_accounts(&self, user_id: &str) -> AuthResult<Vec<Account>> {
        self.accounts_where("{col:userId} = {p1}", vec![(Val::Id(user_id.to_string()), FieldType::Id)]).await
    }

    async fn update_user(&self, id: &str, update: &UserUpdate, now: i64) -> Result<Option<User>, CreateUserError> {
        let m = &self.schema.user;
        let d = self.dialect;
        let mut sets: Vec<String> = Vec::new();
        let mut params: Params = Vec::new();
        let push = |col: &str, v: Val, t: FieldType, sets: &mut Vec<String>, params: &mut Params| {
            params.push((v, t));
            sets.push(format!("{} = {}", d.q(col), d.p(params.len())));
        };
        if let Some(n) = &update.name {
            push(m.col("name"), Val::Text(n.clone()), FieldType::String, &mut sets, &mut params);
        }
        if let Some(e) = &update.email {
            push(m.col("email"), Val::Text(e.clone()), FieldType::String, &mut sets, &mut params);
        }
        if let Some(v) = update.email_verified {
            push(m.col("emailVerified"), Val::Bool(v), FieldType::Boolean, &mut sets, &mut params);
        }
        if let Some(img) = &update.image {
            push(m.col("image"), img.clone().map(Val::Text).unwrap_or(Val::Null), FieldType::String, &mut sets, &mut params);
        }
        for f in m.extra_fields() {
            if let Some(v) = update.extra.get(&f.key) {
                push(&f.column, Val::from_json(v, f.ty), f.ty, &mut sets, &mut params);
            }
        }
        push(m.col("updatedAt"), Val::Date(now), FieldType::Date, &mut sets, &mut params);
        params.push((Val::Id(id.to_string()), FieldType::Id));
        let sql = format!("update {} set {} where {} = {}", d.q(&m.table), sets.join(", "), d.q(m.col("id")), d.p(params.len()));
        self.db.exec(&Arc::from(sql), &params, self.schema.ids).await?;
        Ok(self.find_user_by_id(id).await.map_err(CreateUserError::Other)?)
    }

    async fn delete_user(&self, id: &str) -> AuthResult<()> {
        let d = self.dialect;
        let s = &self.schema;
        let p = vec![(Val::Id(id.to_string()), FieldType::Id)];
        // one transaction: a connection lost half-way must not leave a user without its accounts
        let stmts: Vec<Stmt> = [(&s.session.table, s.session.col("userId")), (&s.account.table, s.account.col("userId")), (&s.user.table, s.user.col("id"))]
            .into_iter()
            .map(|(table, col)| Stmt {
                sql: format!("delete from {} where {} = {}", d.q(table), d.q(col), d.p(1)).into(),
                params: p.iter().map(|(v, t)| (Param::Val(v.clone()), *t)).collect(),
                rows: None,
            })
            .collect();
        self.db.transaction(&stmts, s.ids).await?;
        Ok(())
    }

    async fn list_sessions(&self, user_id: &str) -> AuthResult<Vec<Session>> {
        self.sessions_where("{col:userId} = {p1}", vec![(Val::Id(user_id.to_string()), FieldType::Id)]).await
    }

    async fn delete_user_sessions(&self, user_id: &str, except: Option<&str>) -> AuthResult<u64> {
        let m = &self.schema.session;
        let mut params = vec![(Val::Id(user_id.to_string()), FieldType::Id)];
        let mut cond = "{col:userId} = {p1}".to_string();
        if let Some(t) = except {
            params.push((Val::Text(t.to_string()), FieldType::String));
            cond.push_str(" and {col:token} <> {p2}");
        }
        let sql = format!("delete from {} where {}", self.dialect.q(&m.table), self.expand(m, &cond));
        self.exec_raw(sql, params).await
    }

    async fn create_verification(&self, v: &mut Verification) -> AuthResult<()> {
        let m = &self.schema.verification;
        if let Some(id) = self.new_id() {
            v.id = id;
        }
        let mut values = Vec::new();
        for f in &m.fields {
            let val = match f.key.as_str() {
                "id" => {
                    if self.ids_generated_by_db() {
                        continue;
                    }
                    Val::Id(v.id.clone())
                }
                "identifier" => Val::Text(v.identifier.clone()),
                "value" => Val::Text(v.value.clone()),
                "expiresAt" => Val::Date(v.expires_at),
                "createdAt" => Val::Date(v.created_at),
                "updatedAt" => Val::Date(v.updated_at),
                _ => Val::Null,
            };
            values.push((f, val));
        }
        let (sql, params) = insert_sql(self.dialect, m, &values, false);
        self.exec_raw(sql, params).await?;
        Ok(())
    }

    async fn find_verification(&self, identifier: &str) -> AuthResult<Option<Verification>> {
        let m = &self.schema.verification;
        let sql = format!("{} order by {} desc", self.select_sql(m, "{col:identifier} = {p1}", None), self.dialect.q(m.col("createdAt")));
        let rows = self.fetch_raw(sql, vec![(Val::Text(identifier.to_string()), FieldType::String)], &Self::types(m)).await?;
        Ok(rows.into_iter().next().map(|r| {
            let mut v = Verification::default();
            for (f, val) in m.fields.iter().zip(r) {
                match f.key.as_str() {
                    "id" => v.id = val.text().unwrap_or_default(),
                    "identifier" => v.identifier = val.text().unwrap_or_default(),
                    "value" => v.value = val.text().unwrap_or_default(),
                    "expiresAt" => v.expires_at = val.date().unwrap_or_default(),
                    "createdAt" => v.created_at = val.date().unwrap_or_default(),
                    "updatedAt" => v.updated_at = val.date().unwrap_or_default(),
                    _ => {}
                }
            }
            v
        }))
    }

    async fn delete_verification(&self, identifier: &str) -> AuthResult<u64> {
        let m = &self.schema.verification;
        let sql = format!("delete from {} where {}", self.dialect.q(&m.table), self.expand(m, "{col:identifier} = {p1}"));
        self.exec_raw(sql, vec![(Val::Text(identifier.to_string()), FieldType::String)]).await
    }

    async fn delete_expired_verifications(&self, now: i64) -> AuthResult<u64> {
        let m = &self.schema.verification;
        let sql = format!("delete from {} where {}", self.dialect.q(&m.table), self.expand(m, "{col:expiresAt} < {p1}"));
        self.exec_raw(sql, vec![(Val::Date(now), FieldType::Date)]).await
    }

    async fn consume_verification(&self, v: &Verification) -> AuthResult<bool> {
        let m = &self.schema.verification;
        let table = self.dialect.q(&m.table);
        let sql = format!("delete from {table} where {}", self.expand(m, "{col:id} = {p1}"));
        if self.exec_raw(sql, vec![(Val::Id(v.id.clone()), FieldType::Id)]).await? == 0 {
            return Ok(false);
        }
        let sql = format!("delete from {table} where {}", self.expand(m, "{col:identifier} = {p1} and {col:createdAt} <= {p2}"));
        self.exec_raw(sql, vec![(Val::Text(v.identifier.clone()), FieldType::String), (Val::Date(v.created_at), FieldType::Date)]).await?;
        Ok(true)
    }

    async fn update_verification_expiry(&self, identifier: &str, expires_at: i64, now: i64) -> AuthResult<u64> {
        let m = &self.schema.verification;
        let sql = format!(
            "update {} set {} where {}",
            self.dialect.q(&m.table),
            self.expand(m, "{col:expiresAt} = {p1}, {col:updatedAt} = {p2}"),
            self.expand(m, "{col:identifier} = {p3}")
        );
        let params = vec![(Val::Date(expires_at), FieldType::Date), (Val::Date(now), FieldType::Date), (Val::Text(identifier.to_string()), FieldType::String)];
        self.exec_raw(sql, params).await
    }

    async fn reserve_verification(&self, v: &Verification) -> AuthResult<bool> {
        if matches!(self.schema.ids, IdStrategy::Serial | IdStrategy::Database) {
            return Ok(true);
        }
        let m = &self.schema.verification;
        let mut values = Vec::new();
        for f in &m.fields {
            let val = match f.key.as_str() {
                "id" => Val::Id(v.id.clone()),
                "identifier" => Val::Text(v.identifier.clone()),
                "value" => Val::Text(v.value.clone()),
                "expiresAt" => Val::Date(v.expires_at),
                "createdAt" => Val::Date(v.created_at),
                "updatedAt" => Val::Date(v.updated_at),
                _ => Val::Null,
            };
            values.push((f, val));
        }
        let (sql, params) = insert_sql(self.dialect, m, &values, false);
        match self.exec_raw(sql, params).await {
            Ok(_) => Ok(true),
            Err(e) => {
                // a duplicate primary key: the reservation is someone else's
                let sql = self.select_sql(m, "{col:id} = {p1}", None);
                let held = self.fetch_raw(sql, vec![(Val::Id(v.id.clone()), FieldType::Id)], &Self::types(m)).await?;
                if held.is_empty() { Err(e) } else { Ok(false) }
            }
        }
    }

    async fn delete_account(&self, id: &str) -> AuthResult<u64> {
        let m = &self.schema.account;
        let sql = format!("delete from {} where {}", self.dialect.q(&m.table), self.expand(m, "{col:id} = {p1}"));
        self.exec_raw(sql, vec![(Val::Id(id.to_string()), FieldType::Id)]).await
    }

    async fn find_accounts_by_provider(&self, provider_id: &str, account_id: &str) -> AuthResult<Vec<Account>> {
        self.accounts_where(
            "{col:accountId} = {p1} and {col:providerId} = {p2}",
            vec![(Val::Text(account_id.to_string()), FieldType::String), (Val::Text(provider_id.to_string()), FieldType::String)],
        )
        .await
    }

    async fn update_account(&self, id: &str, update: &super::AccountUpdate, now: i64) -> AuthResult<u64> {
        let m = &self.schema.account;
        let d = self.dialect;
        let mut sets: Vec<String> = Vec::new();
        let mut params: Params = Vec::new();
        let mut push = |key: &str, v: Val, t: FieldType| {
            params.push((v, t));
            sets.push(format!("{} = {}", d.q(m.col(key)), d.p(params.len())));
        };
        let text = |v: &Option<String>| v.clone().map(Val::Text);
        for (key, v) in [("accessToken", text(&update.access_token)), ("refreshToken", text(&update.refresh_token)), ("idToken", text(&update.id_token))] {
            if let Some(v) = v {
                push(key, v, FieldType::String);
            }
        }
        for (key, v) in [("accessTokenExpiresAt", update.access_token_expires_at), ("refreshTokenExpiresAt", update.refresh_token_expires_at)] {
            if let Some(v) = v {
                push(key, Val::Date(v), FieldType::Date);
            }
        }
        if let Some(s) = &update.scope {
            push("scope", Val::Text(s.clone()), FieldType::String);
        }
        push("updatedAt", Val::Date(now), FieldType::Date);
        params.push((Val::Id(id.to_string()), FieldType::Id));
        let sql = format!("update {} set {} where {} = {}", d.q(&m.table), sets.join(", "), d.q(m.col("id")), d.p(params.len()));
        self.exec_raw(sql, params).await
    }
}

/// Parses a JSON object of extra fields into the model's declared additional fields.
pub fn extra_from_json(m: &Model, input: &Map<String, Value>) -> Map<String, Value> {
    m.extra_fields().filter_map(|f| input.get(&f.key).map(|v| (f.key.clone(), v.clone()))).collect()
}
