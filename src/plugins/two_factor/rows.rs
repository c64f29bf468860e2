//! The `twoFactor` table: the adapter calls Better Auth's two-factor plugin makes (`findOne` by
//! user, `create`, `update`, `delete`, and the `incrementOne` compare-and-set writes of the
//! lock-out counter and the backup codes).
use super::TABLE;
use crate::error::{AuthError, AuthResult};
use crate::store::schema::{FieldType, Model};
use crate::store::PluginRows;
use crate::store::js_adapter::{AdapterStore, date, eq, op};
use crate::store::sql::SqlStore;
use crate::store::value::Val;
use serde_json::{Map, Value, json};

/// A `twoFactor` row.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoFactorRow {
    /// `id`
    pub id: String,
    /// `secret` (encrypted)
    pub secret: String,
    /// `backupCodes` (encrypted JSON, or JSON)
    pub backup_codes: String,
    /// `userId`
    pub user_id: String,
    /// `verified`: `None` when null (treated as verified)
    pub verified: Option<bool>,
    /// `failedVerificationCount`
    pub failed: i64,
    /// `lockedUntil`, epoch ms
    pub locked_until: Option<i64>,
}

fn model(store: &SqlStore) -> AuthResult<&Model> {
    store.schema().plugin_table(TABLE).ok_or_else(|| AuthError::internal("twoFactor table is not configured"))
}

const COLS: [&str; 7] = ["id", "secret", "backupCodes", "userId", "verified", "failedVerificationCount", "lockedUntil"];
const TYPES: [FieldType; 7] = [FieldType::Id, FieldType::String, FieldType::String, FieldType::Id, FieldType::Boolean, FieldType::Number, FieldType::Date];

fn select(store: &SqlStore, m: &Model, by: &str) -> String {
    let d = store.dialect();
    let cols: Vec<String> = COLS.iter().map(|k| d.q(m.col(k))).collect();
    format!("select {} from {} where {} = {}", cols.join(", "), d.q(&m.table), d.q(m.col(by)), d.p(1))
}

fn row(r: Vec<Val>) -> TwoFactorRow {
    let mut it = r.into_iter();
    let mut next = || it.next().unwrap_or(Val::Null);
    let id = next().text().unwrap_or_default();
    let secret = next().text().unwrap_or_default();
    let backup_codes = next().text().unwrap_or_default();
    let user_id = next().text().unwrap_or_default();
    let verified = match next() {
        Val::Null => None,
        v => Some(v.boolean()),
    };
    let failed = match next() {
        Val::Int(i) => i,
        Val::Float(f) => f as i64,
        Val::Text(s) => s.parse().unwrap_or(0),
        _ => 0,
    };
    let locked_until = next().date();
    TwoFactorRow { id, secret, backup_codes, user_id, verified, failed, locked_until }
}

/// A row a Better Auth adapter returned (logical field names).
fn adapter_row(r: &Value) -> Option<TwoFactorRow> {
    if !r.is_object() {
        return None;
    }
    let text = |k: &str| match r.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Some(TwoFactorRow {
        id: text("id").unwrap_or_default(),
        secret: text("secret").unwrap_or_default(),
        backup_codes: text("backupCodes").unwrap_or_default(),
        user_id: text("userId").unwrap_or_default(),
        verified: match r.get("verified") {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::Number(n)) => Some(n.as_f64() == Some(1.0)),
            _ => None,
        },
        failed: match r.get("failedVerificationCount") {
            Some(Value::Number(n)) => n.as_i64().unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as i64),
            Some(Value::String(s)) => s.parse().unwrap_or(0),
            _ => 0,
        },
        locked_until: match r.get("lockedUntil") {
            Some(Value::String(s)) => crate::time::parse_date(s),
            Some(Value::Number(n)) => n.as_i64(),
            _ => None,
        },
    })
}

async fn adapter_find(a: &AdapterStore, by: &str, value: &str) -> AuthResult<Option<TwoFactorRow>> {
    Ok(adapter_row(&a.call("findOne", json!({ "model": TABLE, "where": [eq(by, json!(value))] })).await?))
}

/// `findOne({ where: userId })`.
pub async fn find_by_user(store: PluginRows<'_>, user_id: &str) -> AuthResult<Option<TwoFactorRow>> {
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => return adapter_find(a, "userId", user_id).await,
    };
    let m = model(store)?;
    let rows = store.fetch_raw(format!("{} limit 1", select(store, m, "userId")), vec![(Val::Id(user_id.to_string()), FieldType::Id)], &TYPES).await?;
    Ok(rows.into_iter().next().map(row))
}

/// `findOne({ where: id })`.
pub async fn find_by_id(store: PluginRows<'_>, id: &str) -> AuthResult<Option<TwoFactorRow>> {
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => return adapter_find(a, "id", id).await,
    };
    let m = model(store)?;
    let rows = store.fetch_raw(format!("{} limit 1", select(store, m, "id")), vec![(Val::Id(id.to_string()), FieldType::Id)], &TYPES).await?;
    Ok(rows.into_iter().next().map(row))
}

/// `create({ secret, backupCodes, userId, verified })` (counter 0, no lock).
pub async fn create(store: PluginRows<'_>, id: String, user_id: &str, secret: &str, codes: &str, verified: bool) -> AuthResult<()> {
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => {
            // the adapter generates the id
            let data = vec![
                ("secret", Val::Text(secret.to_string())),
                ("backupCodes", Val::Text(codes.to_string())),
                ("userId", Val::Id(user_id.to_string())),
                ("verified", Val::Bool(verified)),
                ("failedVerificationCount", Val::Int(0)),
            ];
            a.create_row(TABLE, data).await?;
            return Ok(());
        }
    };
    let m = model(store)?;
    let d = store.dialect();
    let vals = vec![
        (Val::Id(id), FieldType::Id),
        (Val::Text(secret.to_string()), FieldType::String),
        (Val::Text(codes.to_string()), FieldType::String),
        (Val::Id(user_id.to_string()), FieldType::Id),
        (Val::Bool(verified), FieldType::Boolean),
        (Val::Int(0), FieldType::Number),
    ];
    let cols: Vec<String> = COLS[..6].iter().map(|k| d.q(m.col(k))).collect();
    let ps: Vec<String> = (1..=vals.len()).map(|i| d.p(i)).collect();
    store.exec_sql(format!("insert into {} ({}) values ({})", d.q(&m.table), cols.join(", "), ps.join(", ")), vals).await?;
    Ok(())
}

/// A value to write.
pub enum Set<'a> {
    /// `secret`
    Secret(&'a str),
    /// `backupCodes`
    Codes(&'a str),
    /// `verified`
    Verified(bool),
    /// `failedVerificationCount`
    Failed(i64),
    /// `lockedUntil` (`None`: null)
    LockedUntil(Option<i64>),
}

fn assignments(store: &SqlStore, m: &Model, sets: &[Set<'_>], first: usize) -> (Vec<String>, Vec<(Val, FieldType)>) {
    let d = store.dialect();
    let mut parts = Vec::new();
    let mut vals = Vec::new();
    for s in sets {
        let (col, v) = match s {
            Set::Secret(x) => ("secret", (Val::Text(x.to_string()), FieldType::String)),
            Set::Codes(x) => ("backupCodes", (Val::Text(x.to_string()), FieldType::String)),
            Set::Verified(b) => ("verified", (Val::Bool(*b), FieldType::Boolean)),
            Set::Failed(n) => ("failedVerificationCount", (Val::Int(*n), FieldType::Number)),
            Set::LockedUntil(t) => ("lockedUntil", (t.map(Val::Date).unwrap_or(Val::Null), FieldType::Date)),
        };
        parts.push(format!("{} = {}", d.q(m.col(col)), d.p(first + vals.len())));
        vals.push(v);
    }
    (parts, vals)
}

/// `sets` as an adapter's `update` object.
fn adapter_sets(sets: &[Set<'_>]) -> Map<String, Value> {
    let mut m = Map::new();
    for s in sets {
        let (k, v) = match s {
            Set::Secret(x) => ("secret", json!(x)),
            Set::Codes(x) => ("backupCodes", json!(x)),
            Set::Verified(b) => ("verified", json!(b)),
            Set::Failed(n) => ("failedVerificationCount", json!(n)),
            Set::LockedUntil(t) => ("lockedUntil", t.map(date).unwrap_or(Value::Null)),
        };
        m.insert(k.into(), v);
    }
    m
}

async fn adapter_update_many(a: &AdapterStore, where_: Vec<Value>, sets: &[Set<'_>]) -> AuthResult<u64> {
    let n = a.call("updateMany", json!({ "model": TABLE, "where": where_, "update": adapter_sets(sets) })).await?;
    Ok(AdapterStore::count(&n))
}

/// `update({ where: id })`.
pub async fn update(store: PluginRows<'_>, id: &str, sets: &[Set<'_>]) -> AuthResult<u64> {
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => return adapter_update_many(a, vec![eq("id", json!(id))], sets).await,
    };
    let m = model(store)?;
    let d = store.dialect();
    let (parts, mut vals) = assignments(store, m, sets, 1);
    let sql = format!("update {} set {} where {} = {}", d.q(&m.table), parts.join(", "), d.q(m.col("id")), d.p(vals.len() + 1));
    vals.push((Val::Id(id.to_string()), FieldType::Id));
    store.exec_sql(sql, vals).await
}

/// Backup codes written only if they are still `old` (`incrementOne` with the old value in
/// `where`): false when another request changed them first.
pub async fn swap_codes(store: PluginRows<'_>, id: &str, old: &str, new: &str) -> AuthResult<bool> {
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => return Ok(adapter_update_many(a, vec![eq("id", json!(id)), eq("backupCodes", json!(old))], &[Set::Codes(new)]).await? > 0),
    };
    let m = model(store)?;
    let d = store.dialect();
    let sql = format!(
        "update {} set {} = {} where {} = {} and {} = {}",
        d.q(&m.table),
        d.q(m.col("backupCodes")),
        d.p(1),
        d.q(m.col("id")),
        d.p(2),
        d.q(m.col("backupCodes")),
        d.p(3)
    );
    let vals = vec![(Val::Text(new.to_string()), FieldType::String), (Val::Id(id.to_string()), FieldType::Id), (Val::Text(old.to_string()), FieldType::String)];
    Ok(store.exec_sql(sql, vals).await? > 0)
}

/// One more failed verification (atomic, also on a null counter); the new count.
pub async fn increment_failed(store: PluginRows<'_>, id: &str) -> AuthResult<i64> {
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => {
            let row = a.call("incrementOne", json!({ "model": TABLE, "where": [eq("id", json!(id))], "increment": { "failedVerificationCount": 1 } })).await?;
            if row.get("failedVerificationCount").is_some_and(Value::is_null) {
                // a null counter stays null under `+ 1`: start it at 1 (only if still null)
                a.call("updateMany", json!({ "model": TABLE, "where": [eq("id", json!(id)), eq("failedVerificationCount", Value::Null)], "update": { "failedVerificationCount": 1 } })).await?;
                return Ok(find_by_id(PluginRows::Adapter(a), id).await?.map(|r| r.failed).unwrap_or(1));
            }
            return Ok(adapter_row(&row).map(|r| r.failed).unwrap_or(0));
        }
    };
    let m = model(store)?;
    let d = store.dialect();
    let col = d.q(m.col("failedVerificationCount"));
    let sql = format!("update {} set {col} = coalesce({col}, 0) + 1 where {} = {}", d.q(&m.table), d.q(m.col("id")), d.p(1));
    store.exec_sql(sql, vec![(Val::Id(id.to_string()), FieldType::Id)]).await?;
    Ok(find_by_id(PluginRows::Sql(store), id).await?.map(|r| r.failed).unwrap_or(0))
}

/// `lockedUntil` set when the counter reached `max` (the guarded `incrementOne`).
pub async fn lock(store: PluginRows<'_>, id: &str, max: i64, until: i64) -> AuthResult<()> {
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => {
            adapter_update_many(a, vec![eq("id", json!(id)), op("failedVerificationCount", "gte", json!(max))], &[Set::LockedUntil(Some(until))]).await?;
            return Ok(());
        }
    };
    let m = model(store)?;
    let d = store.dialect();
    let sql = format!(
        "update {} set {} = {} where {} = {} and {} >= {}",
        d.q(&m.table),
        d.q(m.col("lockedUntil")),
        d.p(1),
        d.q(m.col("id")),
        d.p(2),
        d.q(m.col("failedVerificationCount")),
        d.p(3)
    );
    store.exec_sql(sql, vec![(Val::Date(until), FieldType::Date), (Val::Id(id.to_string()), FieldType::Id), (Val::Int(max), FieldType::Number)]).await?;
    Ok(())
}

/// An expired lock cleared (`lockedUntil <= now`: counter 0, no lock).
pub async fn clear_expired_lock(store: PluginRows<'_>, id: &str, now: i64) -> AuthResult<()> {
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => {
            adapter_update_many(a, vec![eq("id", json!(id)), op("lockedUntil", "lte", date(now))], &[Set::Failed(0), Set::LockedUntil(None)]).await?;
            return Ok(());
        }
    };
    let m = model(store)?;
    let d = store.dialect();
    let sql = format!(
        "update {} set {} = {}, {} = null where {} = {} and {} <= {}",
        d.q(&m.table),
        d.q(m.col("failedVerificationCount")),
        d.p(1),
        d.q(m.col("lockedUntil")),
        d.q(m.col("id")),
        d.p(2),
        d.q(m.col("lockedUntil")),
        d.p(3)
    );
    store.exec_sql(sql, vec![(Val::Int(0), FieldType::Number), (Val::Id(id.to_string()), FieldType::Id), (Val::Date(now), FieldType::Date)]).await?;
    Ok(())
}

/// `delete({ where: userId })`.
pub async fn delete_for_user(store: PluginRows<'_>, user_id: &str) -> AuthResult<()> {
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => {
            a.call("deleteMany", json!({ "model": TABLE, "where": [eq("userId", json!(user_id))] })).await?;
            return Ok(());
        }
    };
    let m = model(store)?;
    let d = store.dialect();
    store.exec_sql(format!("delete from {} where {} = {}", d.q(&m.table), d.q(m.col("userId")), d.p(1)), vec![(Val::Id(user_id.to_string()), FieldType::Id)]).await?;
    Ok(())
}
