//! The `twoFactor` table: the adapter calls Better Auth's two-factor plugin makes (`findOne` by
//! user, `create`, `update`, `delete`, and the `incrementOne` compare-and-set writes of the
//! lock-out counter and the backup codes).
use super::TABLE;
use crate::error::{AuthError, AuthResult};
use crate::store::schema::{FieldType, Model};
use crate::store::sql::SqlStore;
use crate::store::value::Val;

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

/// `findOne({ where: userId })`.
pub async fn find_by_user(store: &SqlStore, user_id: &str) -> AuthResult<Option<TwoFactorRow>> {
    let m = model(store)?;
    let rows = store.fetch_raw(format!("{} limit 1", select(store, m, "userId")), vec![(Val::Id(user_id.to_string()), FieldType::Id)], &TYPES).await?;
    Ok(rows.into_iter().next().map(row))
}

/// `findOne({ where: id })`.
pub async fn find_by_id(store: &SqlStore, id: &str) -> AuthResult<Option<TwoFactorRow>> {
    let m = model(store)?;
    let rows = store.fetch_raw(format!("{} limit 1", select(store, m, "id")), vec![(Val::Id(id.to_string()), FieldType::Id)], &TYPES).await?;
    Ok(rows.into_iter().next().map(row))
}

/// `create({ secret, backupCodes, userId, verified })` (counter 0, no lock).
pub async fn create(store: &SqlStore, id: String, user_id: &str, secret: &str, codes: &str, verified: bool) -> AuthResult<()> {
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

/// `update({ where: id })`.
pub async fn update(store: &SqlStore, id: &str, sets: &[Set<'_>]) -> AuthResult<u64> {
    let m = model(store)?;
    let d = store.dialect();
    let (parts, mut vals) = assignments(store, m, sets, 1);
    let sql = format!("update {} set {} where {} = {}", d.q(&m.table), parts.join(", "), d.q(m.col("id")), d.p(vals.len() + 1));
    vals.push((Val::Id(id.to_string()), FieldType::Id));
    store.exec_sql(sql, vals).await
}

/// Backup codes written only if they are still `old` (`incrementOne` with the old value in
/// `where`): false when another request changed them first.
pub async fn swap_codes(store: &SqlStore, id: &str, old: &str, new: &str) -> AuthResult<bool> {
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
pub async fn increment_failed(store: &SqlStore, id: &str) -> AuthResult<i64> {
    let m = model(store)?;
    let d = store.dialect();
    let col = d.q(m.col("failedVerificationCount"));
    let sql = format!("update {} set {col} = coalesce({col}, 0) + 1 where {} = {}", d.q(&m.table), d.q(m.col("id")), d.p(1));
    store.exec_sql(sql, vec![(Val::Id(id.to_string()), FieldType::Id)]).await?;
    Ok(find_by_id(store, id).await?.map(|r| r.failed).unwrap_or(0))
}

/// `lockedUntil` set when the counter reached `max` (the guarded `incrementOne`).
pub async fn lock(store: &SqlStore, id: &str, max: i64, until: i64) -> AuthResult<()> {
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
pub async fn clear_expired_lock(store: &SqlStore, id: &str, now: i64) -> AuthResult<()> {
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
pub async fn delete_for_user(store: &SqlStore, user_id: &str) -> AuthResult<()> {
    let m = model(store)?;
    let d = store.dialect();
    store.exec_sql(format!("delete from {} where {} = {}", d.q(&m.table), d.q(m.col("userId")), d.p(1)), vec![(Val::Id(user_id.to_string()), FieldType::Id)]).await?;
    Ok(())
}
