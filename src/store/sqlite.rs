//! SQLite: a file the engine opens itself (WAL, one pool per file per process, see
//! [`SqliteFile`]) or the application's own database object ([`JsSqlite`]), how statements run
//! there, and SQLite's binding and decoding of values (booleans 0/1, dates as ISO text, JSON as
//! text).
use super::js_sqlite::{JsSqlite, Out, Param, Stmt};
use super::schema::{Dialect, FieldType, IdStrategy, Schema};
use super::sql::{Db, DbErr, Params, PoolSettings, SqlStore, Tx, json_text, run_exec, run_fetch, run_tx};
use super::sqlite_file::{Route, SqliteFile};
use super::value::Val;
use crate::error::{AuthError, AuthResult};
use sqlx::Row;
use sqlx::query::Query;
use sqlx::sqlite::{Sqlite, SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqliteRow, SqliteSynchronous};
use std::sync::Arc;
use std::time::Duration;

impl SqlStore {
    /// Opens an SQLite file (created if missing) or `:memory:`.
    pub async fn open_sqlite(path: &str, schema: Arc<Schema>, pool: PoolSettings) -> AuthResult<Self> {
        Self::open_sqlite_with(path, schema, pool, None).await
    }

    /// [`Self::open_sqlite`], with the callbacks that can reach the app's SQLite library (the
    /// engine moves there when the app opens the same file through it, see [`SqliteFile`]).
    pub async fn open_sqlite_with(path: &str, schema: Arc<Schema>, pool: PoolSettings, callbacks: Option<crate::callbacks::Callbacks>) -> AuthResult<Self> {
        let memory = path == ":memory:";
        let opts = if memory {
            SqliteConnectOptions::new().in_memory(true)
        } else {
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
        }
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
        let max = if memory { 1 } else { pool.max_connections.unwrap_or(4) };
        let file = SqliteFile::open(path, opts, max, callbacks).await.map_err(|e| AuthError::internal(format!("cannot open SQLite database {path}: {e}")))?;
        Self::finish(Db::Sqlite(file), Dialect::Sqlite, schema).await
    }

    /// SQLite through the application's database object: no pool and no connection of our own,
    /// so the process holds one SQLite library for the file.
    pub async fn open_handle(handle: JsSqlite, schema: Arc<Schema>) -> AuthResult<Self> {
        Self::finish(Db::Js(Arc::new(handle)), Dialect::Sqlite, schema).await
    }
}

/// Binds one value as SQLite stores it (booleans 0/1, dates as ISO text, JSON as text, serial
/// ids as integers).
pub(super) fn bind_sqlite<'a>(q: Query<'a, Sqlite, SqliteArguments>, v: &Val, ty: FieldType, ids: IdStrategy) -> Query<'a, Sqlite, SqliteArguments> {
    match v {
        Val::Null => q.bind(None::<String>),
        Val::Id(s) if ids == IdStrategy::Serial && ty == FieldType::Id => match s.parse::<i64>() {
            Ok(i) => q.bind(i),
            Err(_) => q.bind(s.clone()),
        },
        Val::Id(s) | Val::Text(s) => q.bind(s.clone()),
        Val::Int(i) => q.bind(*i),
        Val::Float(f) => q.bind(*f),
        Val::Bool(b) => q.bind(i64::from(*b)),
        Val::Date(d) => q.bind(crate::time::to_iso(*d)),
        Val::Json(j) => q.bind(j.to_string()),
    }
}

/// Reads column `i` as a value of type `ty`.
pub(super) fn dec_sqlite(row: &SqliteRow, i: usize, ty: FieldType) -> AuthResult<Val> {
    let text = row.try_get_unchecked::<Option<String>, _>(i);
    let int = || row.try_get_unchecked::<Option<i64>, _>(i);
    Ok(match ty {
        FieldType::Id => match text {
            Ok(Some(s)) => Val::Id(s),
            Ok(None) => Val::Null,
            Err(_) => int()?.map(|n| Val::Id(n.to_string())).unwrap_or(Val::Null),
        },
        FieldType::String => text?.map(Val::Text).unwrap_or(Val::Null),
        FieldType::Boolean => int()?.map(|n| Val::Bool(n == 1)).unwrap_or(Val::Null),
        FieldType::Number => match int() {
            Ok(v) => v.map(Val::Int).unwrap_or(Val::Null),
            Err(_) => row.try_get_unchecked::<Option<f64>, _>(i)?.map(Val::Float).unwrap_or(Val::Null),
        },
        FieldType::Date => match text {
            Ok(Some(s)) => crate::time::parse_date(&s).map(Val::Date).ok_or_else(|| AuthError::internal(format!("unreadable date {s:?}")))?,
            Ok(None) => Val::Null,
            Err(_) => int()?.map(Val::Date).unwrap_or(Val::Null),
        },
        _ => text?.map(json_text).unwrap_or(Val::Null),
    })
}

/// Runs `stmts` on an SQLite file the engine owns: through the app's SQLite library once the
/// engine moved there, else on our connections, with the shared-file checks around a write.
pub(super) async fn sqlite_run(f: &SqliteFile, stmts: &[Stmt], transaction: bool, write: bool, ids: IdStrategy) -> Result<Vec<Out>, DbErr> {
    if write && let Route::App(d) = f.before_write().await? {
        return d.run(stmts, transaction).await;
    }
    let outs = {
        let _shared = f.enter().await;
        // a move to the app's library may have finished while we waited
        if let Some(d) = f.delegate() {
            drop(_shared);
            return d.run(stmts, transaction).await;
        }
        own_run(&f.pool(), stmts, transaction, ids).await
    };
    if write && outs.is_ok() {
        f.after_write().await?;
    }
    outs
}

/// Runs `stmts` on our own SQLite pool.
async fn own_run(pool: &sqlx::SqlitePool, stmts: &[Stmt], transaction: bool, ids: IdStrategy) -> Result<Vec<Out>, DbErr> {
    if transaction {
        return run_tx(Tx::Sqlite(pool.begin().await?), stmts, ids).await;
    }
    let mut outs = Vec::with_capacity(stmts.len());
    for st in stmts {
        let params: Params = st.params.iter().map(|(p, t)| (match p { Param::Val(v) => v.clone(), Param::FirstColumnOf(_) => Val::Null }, *t)).collect();
        outs.push(match &st.rows {
            Some(types) => Out::Rows(run_fetch!(pool, &st.sql, params, types, ids, bind_sqlite, dec_sqlite)?),
            None => Out::Changes(run_exec!(pool, &st.sql, params, ids, bind_sqlite)?.rows_affected()),
        });
    }
    Ok(outs)
}
