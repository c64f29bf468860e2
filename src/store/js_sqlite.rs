//! SQLite through the application's own database object (a better-sqlite3 `Database` or a
//! `node:sqlite` `DatabaseSync`). Two copies of SQLite in one process corrupt a shared file:
//! POSIX locks are per process, so one library's `close()` drops the other's locks and its last
//! connection checkpoints and deletes a WAL the other is still writing to. When the user hands us
//! their `Database`, every statement therefore runs through that very object, on the JS thread,
//! synchronously (as in Better Auth), one batch per hop: the engine builds the SQL and decodes the
//! rows, the JS side only prepares, binds and steps (`js/sqlite-handle.js`).
use super::schema::FieldType;
use super::sql::DbErr;
use super::value::Val;
use crate::callbacks::Callbacks;
use crate::error::AuthError;
use serde_json::{Value, json};
use std::sync::Arc;

/// The callback name the JS layer registers for a database object.
pub const CALLBACK: &str = "sqlite.run";

/// For an SQLite path: asks the JS layer to open the file with the SQLite library the
/// application has loaded (`"better-sqlite3"`, `"node:sqlite"`), `false` when it has none.
pub const ATTACH: &str = "sqlite.attach";

/// A parameter of a batched statement.
#[derive(Debug, Clone)]
pub enum Param {
    /// A value.
    Val(Val),
    /// The first column of the first row returned by statement `n` of the same batch (an id the
    /// database generated).
    FirstColumnOf(usize),
}

/// One statement of a batch.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// SQL text (SQLite dialect), built from validated identifiers only.
    pub sql: Arc<str>,
    /// Positional parameters.
    pub params: Vec<(Param, FieldType)>,
    /// `Some(types)`: rows are wanted, decoded by these column types; `None`: only the change count.
    pub rows: Option<Vec<FieldType>>,
}

/// What one statement returned.
#[derive(Debug, Clone)]
pub enum Out {
    /// Decoded rows.
    Rows(Vec<Vec<Val>>),
    /// Rows changed.
    Changes(u64),
}

/// The database object behind the `sqlite.run` callback.
#[derive(Clone)]
pub struct JsSqlite {
    callbacks: Callbacks,
    /// The database's file name as the object reports it (for messages only).
    pub name: String,
}

impl std::fmt::Debug for JsSqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsSqlite").field("name", &self.name).finish()
    }
}

/// A value as bound on the JS side: SQLite has no boolean or date type (0/1 and ISO text, as
/// Better Auth's Kysely SQLite adapter writes them).
fn bind(v: &Val) -> Value {
    match v {
        Val::Null => Value::Null,
        Val::Id(s) | Val::Text(s) => Value::String(s.clone()),
        // beyond 2^53 a JS number loses digits: send those as decimal text (SQLite's type
        // affinity stores an INTEGER column's text as the integer)
        Val::Int(i) if i.unsigned_abs() > (1u64 << 53) => Value::String(i.to_string()),
        Val::Int(i) => json!(i),
        Val::Float(f) => json!(f),
        Val::Bool(b) => json!(i64::from(*b)),
        Val::Date(d) => Value::String(crate::time::to_iso(*d)),
        Val::Json(j) => Value::String(j.to_string()),
    }
}

fn json_text(s: &str) -> Val {
    serde_json::from_str(s).map(Val::Json).unwrap_or_else(|_| Val::Text(s.to_string()))
}

fn number_text(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => i.to_string(),
        // 5.0 from a JS number is the integer 5
        (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 => format!("{}", f as i64),
        _ => n.to_string(),
    }
}

/// A JS value decoded for a field of type `ty` (also used for rows a database adapter returns).
pub(crate) fn decode_value(v: &Value, ty: FieldType) -> Result<Val, DbErr> {
    decode(v, ty)
}

/// A JS value from a result row, decoded for a column of type `ty` (as `dec_sqlite` does for sqlx).
fn decode(v: &Value, ty: FieldType) -> Result<Val, DbErr> {
    Ok(match (ty, v) {
        (_, Value::Null) => Val::Null,
        (FieldType::Id, Value::String(s)) => Val::Id(s.clone()),
        (FieldType::Id, Value::Number(n)) => Val::Id(number_text(n)),
        (FieldType::String, Value::String(s)) => Val::Text(s.clone()),
        (FieldType::String, Value::Number(n)) => Val::Text(number_text(n)),
        (FieldType::Boolean, Value::Number(n)) => Val::Bool(n.as_f64() == Some(1.0)),
        (FieldType::Boolean, Value::Bool(b)) => Val::Bool(*b),
        (FieldType::Boolean, Value::String(s)) => Val::Bool(s == "1" || s == "true"),
        (FieldType::Number, Value::Number(n)) => match n.as_i64() {
            Some(i) => Val::Int(i),
            None => {
                let f = n.as_f64().unwrap_or_default();
                if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 { Val::Int(f as i64) } else { Val::Float(f) }
            }
        },
        (FieldType::Number, Value::String(s)) => match s.parse::<i64>() {
            Ok(i) => Val::Int(i),
            Err(_) => s.parse::<f64>().map(Val::Float).unwrap_or(Val::Null),
        },
        (FieldType::Date, Value::String(s)) => {
            Val::Date(crate::time::parse_date(s).ok_or_else(|| DbErr::Other(AuthError::internal(format!("unreadable date {s:?}"))))?)
        }
        (FieldType::Date, Value::Number(n)) => Val::Date(n.as_i64().unwrap_or_else(|| n.as_f64().unwrap_or_default() as i64)),
        (_, Value::String(s)) => json_text(s),
        (_, other) => Val::Json(other.clone()),
    })
}

/// SQLite result codes (primary code in the low byte) that mean "try again" rather than a bad
/// statement: BUSY, LOCKED, IOERR, CANTOPEN, FULL, PROTOCOL.
fn transient(code: i64) -> bool {
    matches!(code & 0xff, 5 | 6 | 10 | 13 | 14 | 15)
}

/// The JS side's error `{ code, errcode, message }` as a [`DbErr`].
fn error_of(e: &Value, name: &str) -> DbErr {
    let code = e.get("code").and_then(Value::as_str).unwrap_or_default();
    let errcode = e.get("errcode").and_then(Value::as_i64).unwrap_or(-1);
    let message = e.get("message").and_then(Value::as_str).unwrap_or("unknown error");
    // 2067 SQLITE_CONSTRAINT_UNIQUE, 1555 SQLITE_CONSTRAINT_PRIMARYKEY
    if matches!(code, "SQLITE_CONSTRAINT_UNIQUE" | "SQLITE_CONSTRAINT_PRIMARYKEY") || matches!(errcode, 2067 | 1555) {
        return DbErr::Unique;
    }
    let transient_name = ["SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_PROTOCOL"]
        .iter()
        .any(|p| code.starts_with(p));
    if transient_name || (errcode > 0 && transient(errcode)) || e.get("closed").and_then(Value::as_bool) == Some(true) {
        crate::error::log_outage(&format!("SQLite ({name}): {message}"));
        return DbErr::Other(AuthError::unavailable());
    }
    DbErr::Other(AuthError::internal(format!("database: {message} ({code})")))
}

impl JsSqlite {
    /// The database object reachable through `callbacks` (`sqlite.run`).
    pub fn new(callbacks: Callbacks, name: String) -> Self {
        Self { callbacks, name }
    }

    /// Runs `stmts` in one hop to the JS thread; with `transaction`, all or nothing.
    pub async fn run(&self, stmts: &[Stmt], transaction: bool) -> Result<Vec<Out>, DbErr> {
        let wire: Vec<Value> = stmts
            .iter()
            .map(|s| {
                let params: Vec<Value> = s
                    .params
                    .iter()
                    .map(|(p, _)| match p {
                        Param::Val(v) => bind(v),
                        Param::FirstColumnOf(i) => json!({ "ref": i }),
                    })
                    .collect();
                json!({ "sql": &*s.sql, "params": params, "rows": s.rows.is_some() })
            })
            .collect();
        let reply = self
            .callbacks
            .call(CALLBACK, json!([{ "tx": transaction, "stmts": wire }]))
            .await
            .map_err(DbErr::Other)?
            .ok_or_else(|| DbErr::Other(AuthError::internal("database: the SQLite handle returned nothing")))?;
        if let Some(e) = reply.get("error") {
            return Err(error_of(e, &self.name));
        }
        let results = reply.get("results").and_then(Value::as_array).ok_or_else(|| DbErr::Other(AuthError::internal("database: unreadable reply from the SQLite handle")))?;
        let mut out = Vec::with_capacity(stmts.len());
        for (s, r) in stmts.iter().zip(results) {
            match &s.rows {
                None => out.push(Out::Changes(r.get("changes").and_then(Value::as_u64).unwrap_or(0))),
                Some(types) => {
                    let rows = r.get("rows").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                    let mut decoded = Vec::with_capacity(rows.len());
                    for row in rows {
                        let cells = row.as_array().map(Vec::as_slice).unwrap_or_default();
                        let mut vals = Vec::with_capacity(types.len());
                        for (i, ty) in types.iter().enumerate() {
                            vals.push(decode(cells.get(i).unwrap_or(&Value::Null), *ty)?);
                        }
                        decoded.push(vals);
                    }
                    out.push(Out::Rows(decoded));
                }
            }
        }
        if out.len() != stmts.len() {
            return Err(DbErr::Other(AuthError::internal("database: the SQLite handle answered too few statements")));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_like_better_auth_sqlite() {
        assert_eq!(bind(&Val::Bool(true)), json!(1));
        assert_eq!(bind(&Val::Date(0)), json!("1970-01-01T00:00:00.000Z"));
        assert_eq!(bind(&Val::Int(i64::MAX)), json!(i64::MAX.to_string()));
        assert_eq!(bind(&Val::Json(json!({"a": 1}))), json!("{\"a\":1}"));
    }

    #[test]
    fn decodes_js_values() {
        assert_eq!(decode(&json!(5), FieldType::Id).unwrap(), Val::Id("5".into()));
        assert_eq!(decode(&json!(5.0), FieldType::Id).unwrap(), Val::Id("5".into()));
        assert_eq!(decode(&json!(1), FieldType::Boolean).unwrap(), Val::Bool(true));
        assert_eq!(decode(&json!(0), FieldType::Boolean).unwrap(), Val::Bool(false));
        assert_eq!(decode(&json!("2024-01-02T03:04:05.006Z"), FieldType::Date).unwrap(), Val::Date(1_704_164_645_006));
        assert_eq!(decode(&json!(2.5), FieldType::Number).unwrap(), Val::Float(2.5));
        assert_eq!(decode(&json!("[1,2]"), FieldType::NumberArray).unwrap(), Val::Json(json!([1, 2])));
        assert!(decode(&json!("not a date"), FieldType::Date).is_err());
    }

    #[test]
    fn maps_errors() {
        assert!(matches!(error_of(&json!({"code": "SQLITE_CONSTRAINT_UNIQUE", "message": "UNIQUE constraint failed"}), "x"), DbErr::Unique));
        assert!(matches!(error_of(&json!({"code": "ERR_SQLITE_ERROR", "errcode": 2067}), "x"), DbErr::Unique));
        match error_of(&json!({"code": "SQLITE_BUSY", "message": "database is locked"}), "x") {
            DbErr::Other(e) => assert!(e.is_unavailable()),
            DbErr::Unique => panic!("busy is not unique"),
        }
        match error_of(&json!({"code": "SQLITE_ERROR", "message": "no such table: user"}), "x") {
            DbErr::Other(e) => assert_eq!(e.status(), 500),
            DbErr::Unique => panic!(),
        }
    }
}
