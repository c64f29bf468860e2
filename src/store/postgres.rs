//! PostgreSQL: connecting (a pool that fails fast while the server is down) and PostgreSQL's
//! binding and decoding of values (native booleans, `timestamptz`, uuid and serial ids, `jsonb`).
use super::schema::{Dialect, FieldType, IdStrategy, Schema};
use super::sql::{Db, PoolSettings, SqlStore, dec_number_date_json, describe, redact, utc};
use super::value::Val;
use crate::error::{AuthError, AuthResult};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::Row;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPoolOptions, PgRow, Postgres};
use sqlx::query::Query;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

impl SqlStore {
    /// Connects to PostgreSQL.
    pub async fn open_postgres(url: &str, schema: Arc<Schema>, pool: PoolSettings) -> AuthResult<Self> {
        let opts = PgConnectOptions::from_str(url).map_err(|e| AuthError::internal(format!("invalid PostgreSQL URL: {}", redact(&e.to_string()))))?;
        let target = describe("PostgreSQL", opts.get_host(), opts.get_port(), opts.get_database());
        let p = PgPoolOptions::new()
            .max_connections(pool.max_connections.unwrap_or(10))
            // fail fast while the database is down (503 DATABASE_UNAVAILABLE) instead of hanging
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(opts)
            .await
            .map_err(|e| AuthError::internal(format!("cannot connect to {target}: {}", redact(&e.to_string()))))?;
        Self::finish(Db::Postgres(p), Dialect::Postgres, schema).await
    }
}

/// Binds one value with the type its PostgreSQL column has (typed NULLs, `int4` where it fits,
/// uuid and serial ids).
pub(super) fn bind_pg<'a>(q: Query<'a, Postgres, PgArguments>, v: &Val, ty: FieldType, ids: IdStrategy) -> Query<'a, Postgres, PgArguments> {
    match (v, ty) {
        (Val::Null, FieldType::Id) => match ids {
            IdStrategy::Serial => q.bind(None::<i32>),
            IdStrategy::Uuid => q.bind(None::<uuid::Uuid>),
            _ => q.bind(None::<String>),
        },
        (Val::Null, FieldType::Number) => q.bind(None::<i64>),
        (Val::Null, FieldType::Boolean) => q.bind(None::<bool>),
        (Val::Null, FieldType::Date) => q.bind(None::<DateTime<Utc>>),
        (Val::Null, FieldType::Json | FieldType::StringArray | FieldType::NumberArray) => q.bind(None::<Value>),
        (Val::Null, _) => q.bind(None::<String>),
        (Val::Id(s), _) => match ids {
            IdStrategy::Serial => q.bind(s.parse::<i32>().ok()),
            IdStrategy::Uuid => q.bind(uuid::Uuid::parse_str(s).ok()),
            _ => q.bind(s.clone()),
        },
        (Val::Text(s), _) => q.bind(s.clone()),
        (Val::Int(i), FieldType::Number) => match i32::try_from(*i) {
            Ok(small) => q.bind(small),
            Err(_) => q.bind(*i),
        },
        (Val::Int(i), _) => q.bind(*i),
        (Val::Float(f), _) => q.bind(*f),
        (Val::Bool(b), _) => q.bind(*b),
        (Val::Date(d), _) => q.bind(utc(*d)),
        (Val::Json(j), _) => q.bind(j.clone()),
    }
}

/// Reads column `i` as a value of type `ty`.
pub(super) fn dec_pg(row: &PgRow, i: usize, ty: FieldType) -> AuthResult<Val> {
    Ok(match ty {
        FieldType::Id => {
            if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                v.map(Val::Id).unwrap_or(Val::Null)
            } else if let Ok(v) = row.try_get::<Option<uuid::Uuid>, _>(i) {
                v.map(|u| Val::Id(u.to_string())).unwrap_or(Val::Null)
            } else if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
                v.map(|n| Val::Id(n.to_string())).unwrap_or(Val::Null)
            } else {
                row.try_get::<Option<i64>, _>(i)?.map(|n| Val::Id(n.to_string())).unwrap_or(Val::Null)
            }
        }
        FieldType::String => row.try_get::<Option<String>, _>(i)?.map(Val::Text).unwrap_or(Val::Null),
        FieldType::Boolean => row.try_get::<Option<bool>, _>(i)?.map(Val::Bool).unwrap_or(Val::Null),
        _ => return dec_number_date_json(row, i, ty),
    })
}
