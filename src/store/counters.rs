//! Counters in Better Auth's `rateLimit` table (`key` unique, `count`, `lastRequest` ms), each
//! step a guarded single statement so concurrent requests (across processes too) cannot all
//! pass a stale read: the rate limiter's "count one request" and the account lockout's
//! failed-sign-in counter (keys `lockout|<email>`).
use super::schema::{FieldType, Model};
use super::PluginRows;
use super::js_adapter::{AdapterStore, eq, op};
use super::sql::SqlStore;
use super::value::Val;
use serde_json::{Value, json};
use crate::error::{AuthError, AuthResult};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicI64, Ordering};

/// A window (seconds) and the requests allowed in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Window in seconds.
    pub window: u64,
    /// Requests allowed per window.
    pub max: u64,
}

/// The outcome of one counted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The request may proceed.
    pub allowed: bool,
    /// Seconds until it may (when refused).
    pub retry_after: Option<u64>,
}

impl Decision {
    /// Allowed.
    pub const ALLOW: Decision = Decision { allowed: true, retry_after: None };
}

/// Keys longer than this are stored as a prefix plus a SHA-256 (MySQL's column is varchar(255)).
const MAX_KEY: usize = 200;

/// The stored form of a key: itself, or for long keys a prefix and a digest.
pub fn stored_key(key: &str) -> String {
    if key.len() <= MAX_KEY {
        return key.to_string();
    }
    let mut cut = 100;
    while !key.is_char_boundary(cut) {
        cut -= 1;
    }
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}#{hex}", &key[..cut])
}

fn model(store: &SqlStore) -> AuthResult<&Model> {
    store.schema().rate_limit.as_ref().ok_or_else(|| AuthError::internal("the rateLimit table is not configured"))
}

struct Names {
    table: String,
    key: String,
    count: String,
    last: String,
    id: String,
}

fn names(store: &SqlStore) -> AuthResult<Names> {
    let m = model(store)?;
    let d = store.dialect();
    Ok(Names { table: d.q(&m.table), key: d.q(m.col("key")), count: d.q(m.col("count")), last: d.q(m.col("lastRequest")), id: d.q(m.col("id")) })
}

fn int(i: i64) -> (Val, FieldType) {
    (Val::Int(i), FieldType::Number)
}

fn text(s: &str) -> (Val, FieldType) {
    (Val::Text(s.to_string()), FieldType::String)
}

/// `UPDATE ... SET count = (reset ? 1 : count + 1), lastRequest = now WHERE key = k AND guard`.
async fn bump(store: &SqlStore, n: &Names, key: &str, reset_ms: i64, now: i64, max: Option<u64>) -> AuthResult<bool> {
    let d = store.dialect();
    let mut params = vec![int(now), int(reset_ms), int(now), text(key)];
    let mut sql = format!(
        "update {t} set {c} = case when {p1} - {l} >= {p2} then 1 else {c} + 1 end, {l} = {p3} where {k} = {p4}",
        t = n.table,
        c = n.count,
        l = n.last,
        k = n.key,
        p1 = d.p(1),
        p2 = d.p(2),
        p3 = d.p(3),
        p4 = d.p(4),
    );
    if let Some(max) = max {
        sql.push_str(&format!(" and ({p5} - {l} >= {p6} or {c} < {p7})", p5 = d.p(5), p6 = d.p(6), p7 = d.p(7), l = n.last, c = n.count));
        params.extend([int(now), int(reset_ms), int(max.min(i64::MAX as u64) as i64)]);
    }
    Ok(store.exec_sql(sql, params).await? == 1)
}

/// Inserts `{key, count: 1, lastRequest: now}` unless the key exists; true when inserted.
async fn insert_first(store: &SqlStore, n: &Names, key: &str, now: i64, id: String) -> AuthResult<bool> {
    let d = store.dialect();
    let (cols, mut params) = match store.plugin_row_id(id) {
        Some(id) => (vec![n.id.clone(), n.key.clone(), n.count.clone(), n.last.clone()], vec![(Val::Id(id), FieldType::Id)]),
        None => (vec![n.key.clone(), n.count.clone(), n.last.clone()], Vec::new()),
    };
    params.extend([text(key), int(1), int(now)]);
    let ps: Vec<String> = (1..=params.len()).map(|i| d.p(i)).collect();
    let sql = match d {
        super::schema::Dialect::Mysql => format!("insert ignore into {} ({}) values ({})", n.table, cols.join(", "), ps.join(", ")),
        _ => format!("insert into {} ({}) values ({}) on conflict ({}) do nothing", n.table, cols.join(", "), ps.join(", "), n.key),
    };
    Ok(store.exec_sql(sql, params).await? == 1)
}

async fn read(store: &SqlStore, n: &Names, key: &str) -> AuthResult<Option<(i64, i64)>> {
    let d = store.dialect();
    let sql = format!("select {}, {} from {} where {} = {}", n.count, n.last, n.table, n.key, d.p(1));
    let rows = store.fetch_raw(sql, vec![text(key)], &[FieldType::Number, FieldType::Number]).await?;
    Ok(rows.into_iter().next().map(|r| {
        let mut it = r.into_iter();
        let count = match it.next() {
            Some(Val::Int(i)) => i,
            Some(Val::Float(f)) => f as i64,
            _ => 0,
        };
        let last = match it.next() {
            Some(Val::Int(i)) => i,
            Some(Val::Float(f)) => f as i64,
            _ => 0,
        };
        (count, last)
    }))
}

static LAST_PRUNE: AtomicI64 = AtomicI64::new(0);

// ------------------------------------------------ through a Better Auth adapter (`rateLimit`)

const MODEL: &str = "rateLimit";

/// [`bump`] as two guarded adapter writes: within the window `count + 1` (`incrementOne`,
/// guarded by `count < max`), else a window past `reset_ms` starts again at 1 (`updateMany`
/// guarded by `lastRequest`). True when one matched.
async fn a_bump(a: &AdapterStore, key: &str, reset_ms: i64, now: i64, max: Option<u64>) -> AuthResult<bool> {
    let mut guard = vec![eq("key", json!(key)), op("lastRequest", "gt", json!(now - reset_ms))];
    if let Some(max) = max {
        guard.push(op("count", "lt", json!(max.min(i64::MAX as u64))));
    }
    let row = a.call("incrementOne", json!({ "model": MODEL, "where": guard, "increment": { "count": 1 }, "set": { "lastRequest": now } })).await?;
    if !row.is_null() {
        return Ok(true);
    }
    let n = a
        .call("updateMany", json!({ "model": MODEL, "where": [eq("key", json!(key)), op("lastRequest", "lte", json!(now - reset_ms))], "update": { "count": 1, "lastRequest": now } }))
        .await?;
    Ok(AdapterStore::count(&n) > 0)
}

/// [`insert_first`]: false when the key exists (seen first, for adapters without unique
/// constraints such as the memory adapter; else refused by the `key` unique constraint).
async fn a_insert_first(a: &AdapterStore, key: &str, now: i64) -> AuthResult<bool> {
    if a_read(a, key).await?.is_some() {
        return Ok(false);
    }
    let mut data = serde_json::Map::new();
    data.insert("key".into(), json!(key));
    data.insert("count".into(), json!(1));
    data.insert("lastRequest".into(), json!(now));
    Ok(a.try_create(MODEL, data).await?.is_some())
}

async fn a_read(a: &AdapterStore, key: &str) -> AuthResult<Option<(i64, i64)>> {
    let row = a.call("findOne", json!({ "model": MODEL, "where": [eq("key", json!(key))] })).await?;
    if row.is_null() {
        return Ok(None);
    }
    let num = |k: &str| match row.get(k) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as i64),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    };
    Ok(Some((num("count"), num("lastRequest"))))
}

/// [`prune`]: the adapter's `where` cannot say "(A and B) or (C and D)", so rows idle longer
/// than both the longest window and the lockout duration go (younger idle rows only linger).
async fn a_prune(a: &AdapterStore, now: i64, longest_window_s: u64, lockout_s: u64) {
    let prev = LAST_PRUNE.load(Ordering::Relaxed);
    if now - prev < 60_000 || LAST_PRUNE.compare_exchange(prev, now, Ordering::Relaxed, Ordering::Relaxed).is_err() {
        return;
    }
    let idle = (longest_window_s.max(lockout_s) as i64).saturating_mul(1000);
    if let Err(e) = a.call("deleteMany", json!({ "model": MODEL, "where": [op("lastRequest", "lt", json!(now - idle))] })).await {
        crate::log::error(&format!("pruning rateLimit rows failed: {e}"));
    }
}

/// The stored counter behind `key`: through SQL, or through a Better Auth adapter.
async fn read_any(store: PluginRows<'_>, key: &str) -> AuthResult<Option<(i64, i64)>> {
    match store {
        PluginRows::Sql(s) => read(s, &names(s)?, key).await,
        PluginRows::Adapter(a) => a_read(a, key).await,
    }
}

/// Deletes rate-limit rows idle for longer than `longest_window_s` (at most once a minute).
async fn prune(store: &SqlStore, n: &Names, now: i64, longest_window_s: u64, lockout_s: u64) {
    let prev = LAST_PRUNE.load(Ordering::Relaxed);
    if now - prev < 60_000 || LAST_PRUNE.compare_exchange(prev, now, Ordering::Relaxed, Ordering::Relaxed).is_err() {
        return;
    }
    let d = store.dialect();
    let sql = format!(
        "delete from {t} where ({k} not like {p1} and {l} < {p2}) or ({k} like {p3} and {l} < {p4})",
        t = n.table,
        k = n.key,
        l = n.last,
        p1 = d.p(1),
        p2 = d.p(2),
        p3 = d.p(3),
        p4 = d.p(4),
    );
    let params = vec![
        text("lockout|%"),
        int(now - (longest_window_s as i64).saturating_mul(1000)),
        text("lockout|%"),
        int(now - (lockout_s as i64).saturating_mul(1000)),
    ];
    if let Err(e) = store.exec_sql(sql, params).await {
        crate::log::error(&format!("pruning rateLimit rows failed: {e}"));
    }
}

/// Counts one request against `key` under `rule` (Better Auth's database algorithm: the window
/// runs from the last allowed request), atomically.
pub async fn consume(store: PluginRows<'_>, key: &str, rule: Rule, now: i64, new_id: String, longest_window_s: u64, lockout_s: u64) -> AuthResult<Decision> {
    let key = stored_key(key);
    let window_ms = (rule.window as i64).saturating_mul(1000);
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => {
            for _ in 0..3 {
                if a_bump(a, &key, window_ms, now, Some(rule.max)).await? || a_insert_first(a, &key, now).await? {
                    a_prune(a, now, longest_window_s, lockout_s).await;
                    return Ok(Decision::ALLOW);
                }
                if let Some((count, last)) = a_read(a, &key).await?
                    && now - last < window_ms
                    && count >= rule.max as i64
                {
                    let ms = (last + window_ms - now).max(0) as u64;
                    return Ok(Decision { allowed: false, retry_after: Some(ms.div_ceil(1000)) });
                }
            }
            return Ok(Decision { allowed: false, retry_after: Some(rule.window) });
        }
    };
    let n = names(store)?;
    for _ in 0..3 {
        if bump(store, &n, &key, window_ms, now, Some(rule.max)).await? {
            // Better Auth prunes after a window resets; we prune (at most once a minute) after
            // any counted request, which covers that case without a read to tell it apart
            prune(store, &n, now, longest_window_s, lockout_s).await;
            return Ok(Decision::ALLOW);
        }
        if insert_first(store, &n, &key, now, new_id.clone()).await? {
            prune(store, &n, now, longest_window_s, lockout_s).await;
            return Ok(Decision::ALLOW);
        }
        // the row exists and the guarded update did not match: limited, unless it changed since
        if let Some((count, last)) = read(store, &n, &key).await?
            && now - last < window_ms
            && count >= rule.max as i64
        {
            let ms = (last + window_ms - now).max(0) as u64;
            return Ok(Decision { allowed: false, retry_after: Some(ms.div_ceil(1000)) });
        }
    }
    Ok(Decision { allowed: false, retry_after: Some(rule.window) })
}

/// Account lockout: `Some(seconds left)` while `key` has `max` or more failures, the last
/// less than `duration_s` ago.
pub async fn locked_for(store: PluginRows<'_>, key: &str, max: u64, duration_s: u64, now: i64) -> AuthResult<Option<u64>> {
    let dur_ms = (duration_s as i64).saturating_mul(1000);
    Ok(match read_any(store, &stored_key(key)).await? {
        Some((count, last)) if count >= max as i64 && now - last < dur_ms => Some(((last + dur_ms - now).max(0) as u64).div_ceil(1000)),
        _ => None,
    })
}

/// Account lockout: records one failed sign-in (failures older than `duration_s` start over).
pub async fn record_failure(store: PluginRows<'_>, key: &str, duration_s: u64, now: i64, new_id: String) -> AuthResult<()> {
    let key = stored_key(key);
    let dur_ms = (duration_s as i64).saturating_mul(1000);
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => {
            for _ in 0..3 {
                if a_bump(a, &key, dur_ms, now, None).await? || a_insert_first(a, &key, now).await? {
                    return Ok(());
                }
            }
            return Err(AuthError::internal("could not record a failed sign-in"));
        }
    };
    let n = names(store)?;
    for _ in 0..3 {
        if bump(store, &n, &key, dur_ms, now, None).await? || insert_first(store, &n, &key, now, new_id.clone()).await? {
            return Ok(());
        }
    }
    Err(AuthError::internal("could not record a failed sign-in"))
}

/// Account lockout: forgets the failures of `key` (after a successful sign-in).
pub async fn clear(store: PluginRows<'_>, key: &str) -> AuthResult<()> {
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => {
            a.call("deleteMany", json!({ "model": MODEL, "where": [eq("key", json!(stored_key(key)))] })).await?;
            return Ok(());
        }
    };
    let n = names(store)?;
    let d = store.dialect();
    store.exec_sql(format!("delete from {} where {} = {}", n.table, n.key, d.p(1)), vec![text(&stored_key(key))]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_keys_are_digested() {
        assert_eq!(stored_key("1.2.3.4|/sign-in/email"), "1.2.3.4|/sign-in/email");
        let long = format!("1.2.3.4|/{}", "é".repeat(300));
        let s = stored_key(&long);
        assert!(s.len() <= 200, "{}", s.len());
        assert_ne!(stored_key(&format!("{long}x")), s);
    }
}
