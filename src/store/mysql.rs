//! MySQL and MariaDB: connecting (session time zone UTC, a pool that fails fast while the
//! server is down) and their binding and decoding of values (`TIMESTAMP` range, tinyint
//! booleans).
use super::schema::{Dialect, FieldType, IdStrategy, Schema};
use super::sql::{Db, PoolSettings, SqlStore, dec_number_date_json, describe, redact, utc};
use super::value::Val;
use crate::error::{AuthError, AuthResult};
use sqlx::Row;
use sqlx::mysql::{MySql, MySqlArguments, MySqlConnectOptions, MySqlPoolOptions, MySqlRow};
use sqlx::query::Query;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

impl SqlStore {
    /// Connects to MySQL / MariaDB (session time zone UTC).
    pub async fn open_mysql(url: &str, schema: Arc<Schema>, pool: PoolSettings) -> AuthResult<Self> {
        let opts = MySqlConnectOptions::from_str(url)
            .map_err(|e| AuthError::internal(format!("invalid MySQL URL: {}", redact(&e.to_string()))))?
            .timezone(Some("+00:00".to_string()));
        let target = describe("MySQL", opts.get_host(), opts.get_port(), opts.get_database());
        let p = MySqlPoolOptions::new()
            .max_connections(pool.max_connections.unwrap_or(10))
            // fail fast while the database is down (503 DATABASE_UNAVAILABLE) instead of hanging
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(opts)
            .await
            .map_err(|e| AuthError::internal(format!("cannot connect to {target}: {}", redact(&e.to_string()))))?;
        Self::finish(Db::Mysql(p), Dialect::Mysql, schema).await
    }
}

/// Binds one value as MySQL/MariaDB store it.
pub(super) fn bind_my<'a>(q: Query<'a, MySql, MySqlArguments>, v: &Val, ty: FieldType, ids: IdStrategy) -> Query<'a, MySql, MySqlArguments> {
    match v {
        Val::Null => q.bind(None::<String>),
        Val::Id(s) if ids == IdStrategy::Serial && ty == FieldType::Id => q.bind(s.parse::<i64>().ok()),
        Val::Id(s) | Val::Text(s) => q.bind(s.clone()),
        Val::Int(i) => q.bind(*i),
        Val::Float(f) => q.bind(*f),
        Val::Bool(b) => q.bind(*b),
        // outside TIMESTAMP's range the binary value would be stored as something else without
        // an error; as text, the server's strict mode refuses it (Better Auth's 500), so a write
        // that did not happen is never answered 200
        Val::Date(d) if !(1_000..=MYSQL_TIMESTAMP_MAX_MS).contains(d) => q.bind(crate::time::to_iso(*d).replace('T', " ").trim_end_matches('Z').to_string()),
        Val::Date(d) => q.bind(utc(*d)),
        Val::Json(j) => q.bind(j.clone()),
    }
}

/// The last instant a MySQL/MariaDB `TIMESTAMP` holds (2038-01-19 03:14:07.999 UTC).
const MYSQL_TIMESTAMP_MAX_MS: i64 = 2_147_483_647_999;

/// Reads column `i` as a value of type `ty`.
pub(super) fn dec_my(row: &MySqlRow, i: usize, ty: FieldType) -> AuthResult<Val> {
    Ok(match ty {
        FieldType::Id => {
            if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                v.map(Val::Id).unwrap_or(Val::Null)
            } else if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                v.map(|n| Val::Id(n.to_string())).unwrap_or(Val::Null)
            } else {
                row.try_get::<Option<i32>, _>(i)?.map(|n| Val::Id(n.to_string())).unwrap_or(Val::Null)
            }
        }
        FieldType::String => row.try_get::<Option<String>, _>(i)?.map(Val::Text).unwrap_or(Val::Null),
        FieldType::Boolean => match row.try_get::<Option<bool>, _>(i) {
            Ok(v) => v.map(Val::Bool).unwrap_or(Val::Null),
            Err(_) => row.try_get::<Option<i8>, _>(i)?.map(|n| Val::Bool(n == 1)).unwrap_or(Val::Null),
        },
        _ => return dec_number_date_json(row, i, ty),
    })
}
