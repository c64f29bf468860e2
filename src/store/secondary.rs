//! `secondaryStorage` (a JS object with `get`/`set`/`delete`, e.g. Redis): sessions live there
//! with Better Auth's key layout — `<token>` → `{"session":…,"user":…}` with a TTL until the
//! session expires, `active-sessions-<userId>` → `[{token, expiresAt}]` sorted by expiry, and
//! `revoked-sessions-before-<userId>` after a revoke-all — so Better Auth nodes sharing the
//! storage see the same sessions. The database keeps users and accounts (and sessions too with
//! `session.storeSessionInDatabase`).
use super::schema::Schema;
use super::{Account, CreateUserError, Session, Store, User, UserUpdate, Verification};
use crate::callbacks::Callbacks;
use crate::clock::Clock;
use crate::error::AuthResult;
use crate::time::{parse_date, to_iso};
use async_trait::async_trait;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Where the secondary storage lives: the app's JS object (`get`/`set`/`delete`/`increment`
/// called through the callbacks) or Redis, spoken to from Rust (`better-auth-rs/redis`).
#[derive(Clone)]
pub enum Secondary {
    /// A JS `secondaryStorage` object.
    Js(Callbacks),
    /// `redisStorage({ url | client, keyPrefix })`.
    Redis(Arc<super::redis::RedisStorage>),
}

impl Secondary {
    /// The stored value (JSON text is parsed; other values as the JS object returned them).
    pub async fn get(&self, key: &str) -> AuthResult<Option<Value>> {
        Ok(match self {
            Secondary::Js(cb) => match cb.call("secondaryStorage.get", json!([key])).await? {
                Some(Value::String(s)) => serde_json::from_str(&s).ok(),
                Some(Value::Null) | None => None,
                Some(other) => Some(other),
            },
            Secondary::Redis(r) => r.get(key).await?.and_then(|s| serde_json::from_str(&s).ok()),
        })
    }

    /// Stores `value` as JSON text, with a TTL in seconds when given.
    pub async fn set(&self, key: &str, value: &Value, ttl: Option<i64>) -> AuthResult<()> {
        match self {
            Secondary::Js(cb) => {
                let args = match ttl {
                    Some(t) => json!([key, value.to_string(), t]),
                    None => json!([key, value.to_string()]),
                };
                cb.call("secondaryStorage.set", args).await.map(|_| ())
            }
            Secondary::Redis(r) => r.set(key, &value.to_string(), ttl).await,
        }
    }

    /// Overwrites `key` only if it still exists (Redis: atomically; a JS storage cannot say,
    /// so it is written). False when the key was gone.
    pub async fn set_existing(&self, key: &str, value: &Value, ttl: i64) -> AuthResult<bool> {
        match self {
            Secondary::Js(_) => self.set(key, value, Some(ttl)).await.map(|_| true),
            Secondary::Redis(r) => r.set_existing(key, &value.to_string(), ttl).await,
        }
    }

    /// Deletes `key`.
    pub async fn delete(&self, key: &str) -> AuthResult<()> {
        match self {
            Secondary::Js(cb) => cb.call("secondaryStorage.delete", json!([key])).await.map(|_| ()),
            Secondary::Redis(r) => r.delete(key).await,
        }
    }

    /// `increment(key, ttl)`: the counter after this hit (`None`: the JS object has no
    /// `increment`).
    pub async fn increment(&self, key: &str, ttl: u64) -> AuthResult<Option<f64>> {
        match self {
            Secondary::Js(cb) => Ok(cb.call("secondaryStorage.increment", json!([key, ttl])).await?.as_ref().and_then(Value::as_f64)),
            Secondary::Redis(r) => Ok(Some(r.increment(key, ttl).await? as f64)),
        }
    }
}

/// Sessions in secondary storage, everything else in the SQL store.
pub struct Layered {
    sql: Arc<dyn Store>,
    schema: Arc<Schema>,
    secondary: Secondary,
    clock: Arc<dyn Clock>,
    store_in_db: bool,
}

impl std::fmt::Debug for Layered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layered").field("store_in_db", &self.store_in_db).finish_non_exhaustive()
    }
}

fn ttl(expires_ms: i64, now: i64) -> i64 {
    (expires_ms - now).div_euclid(1000)
}

fn date_of(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::String(s)) => parse_date(s).unwrap_or_default(),
        Some(Value::Number(n)) => n.as_i64().unwrap_or_default(),
        _ => 0,
    }
}

fn s_of(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_string)
}

pub(crate) fn session_from(v: &Value) -> Session {
    let mut extra = Map::new();
    if let Value::Object(m) = v {
        for (k, x) in m {
            if !matches!(k.as_str(), "id" | "token" | "userId" | "expiresAt" | "createdAt" | "updatedAt" | "ipAddress" | "userAgent") {
                extra.insert(k.clone(), x.clone());
            }
        }
    }
    Session {
        id: s_of(v.get("id")).unwrap_or_default(),
        token: s_of(v.get("token")).unwrap_or_default(),
        user_id: s_of(v.get("userId")).unwrap_or_default(),
        expires_at: date_of(v.get("expiresAt")),
        created_at: date_of(v.get("createdAt")),
        updated_at: date_of(v.get("updatedAt")),
        ip_address: s_of(v.get("ipAddress")),
        user_agent: s_of(v.get("userAgent")),
        extra,
    }
}

pub(crate) fn user_from(v: &Value) -> User {
    let mut extra = Map::new();
    if let Value::Object(m) = v {
        for (k, x) in m {
            if !matches!(k.as_str(), "id" | "name" | "email" | "emailVerified" | "image" | "createdAt" | "updatedAt") {
                extra.insert(k.clone(), x.clone());
            }
        }
    }
    User {
        id: s_of(v.get("id")).unwrap_or_default(),
        name: s_of(v.get("name")).unwrap_or_default(),
        email: s_of(v.get("email")).unwrap_or_default(),
        email_verified: v.get("emailVerified").and_then(Value::as_bool).unwrap_or(false),
        image: s_of(v.get("image")),
        created_at: date_of(v.get("createdAt")),
        updated_at: date_of(v.get("updatedAt")),
        extra,
    }
}

impl Layered {
    /// Sessions in `secondary`, the rest through `sql`.
    pub fn new(sql: Arc<dyn Store>, schema: Arc<Schema>, secondary: Secondary, clock: Arc<dyn Clock>, store_in_db: bool) -> Self {
        Self { sql, schema, secondary, clock, store_in_db }
    }

    async fn get(&self, key: &str) -> AuthResult<Option<Value>> {
        self.secondary.get(key).await
    }

    async fn set(&self, key: &str, value: &Value, ttl: Option<i64>) -> AuthResult<()> {
        self.secondary.set(key, value, ttl).await
    }

    async fn delete(&self, key: &str) -> AuthResult<()> {
        self.secondary.delete(key).await
    }

    fn session_json(&self, s: &Session) -> Value {
        super::json::session_json(s, &self.schema.session)
    }

    async fn references(&self, user_id: &str) -> AuthResult<Vec<(String, i64)>> {
        Ok(self
            .get(&format!("active-sessions-{user_id}"))
            .await?
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|r| Some((s_of(r.get("token"))?, r.get("expiresAt")?.as_i64()?)))
            .collect())
    }

    async fn set_references(&self, user_id: &str, mut refs: Vec<(String, i64)>, now: i64) -> AuthResult<()> {
        refs.sort_by_key(|r| r.1);
        let key = format!("active-sessions-{user_id}");
        let t = ttl(refs.last().map(|r| r.1).unwrap_or(0), now);
        if t > 0 {
            let list: Vec<Value> = refs.iter().map(|(t, e)| json!({ "token": t, "expiresAt": e })).collect();
            self.set(&key, &Value::Array(list), Some(t)).await
        } else {
            self.delete(&key).await
        }
    }

    /// Publishes a revoked session token to every instance (Redis with the cookie cache on).
    async fn announce_revoked(&self, token: &str) -> AuthResult<()> {
        match &self.secondary {
            Secondary::Redis(r) => r.publish_revoked(token, self.clock.now_ms()).await,
            Secondary::Js(_) => Ok(()),
        }
    }

    /// Publishes that a user changed (or lost every session) now.
    async fn announce_user_changed(&self, user_id: &str) -> AuthResult<()> {
        match &self.secondary {
            Secondary::Redis(r) => r.publish_user_changed(user_id, self.clock.now_ms()).await,
            Secondary::Js(_) => Ok(()),
        }
    }

    /// Drops `remove` and expired entries from the user's session index and adds `add`: one
    /// atomic script on Redis, a read and a write on a JS storage.
    async fn update_refs(&self, user_id: &str, remove: &[&str], add: Option<(&str, i64)>, now: i64) -> AuthResult<()> {
        if let Secondary::Redis(r) = &self.secondary {
            return r.update_index(&format!("active-sessions-{user_id}"), remove, add, now).await;
        }
        let mut refs: Vec<(String, i64)> = self
            .references(user_id)
            .await?
            .into_iter()
            .filter(|r| r.1 > now && !remove.contains(&r.0.as_str()) && add.is_none_or(|(t, _)| t != r.0))
            .collect();
        if let Some((t, e)) = add {
            refs.push((t.to_string(), e));
        }
        self.set_references(user_id, refs, now).await
    }

    async fn revoked_before(&self, user_id: &str) -> AuthResult<i64> {
        Ok(match self.get(&format!("revoked-sessions-before-{user_id}")).await? {
            Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
            Some(Value::String(s)) => s.parse().unwrap_or(0),
            _ => 0,
        })
    }
}

#[async_trait]
impl Store for Layered {
    async fn migrate(&self) -> AuthResult<()> {
        self.sql.migrate().await
    }

    async fn find_user_with_credential(&self, email: &str) -> AuthResult<Option<(User, Option<Account>)>> {
        self.sql.find_user_with_credential(email).await
    }

    async fn create_user_with_credential(&self, user: &mut User, account: &mut Account) -> Result<(), CreateUserError> {
        self.sql.create_user_with_credential(user, account).await
    }

    async fn create_user(&self, user: &mut User, account: Option<&mut Account>) -> Result<(), CreateUserError> {
        self.sql.create_user(user, account).await
    }

    async fn find_users(&self, q: &super::query::UserQuery) -> AuthResult<Vec<User>> {
        self.sql.find_users(q).await
    }

    async fn count_users(&self, conds: &[super::query::Cond]) -> AuthResult<i64> {
        self.sql.count_users(conds).await
    }

    async fn create_session(&self, s: &mut Session) -> AuthResult<()> {
        if self.store_in_db {
            self.sql.create_session(s).await?;
        }
        let now = self.clock.now_ms();
        self.update_refs(&s.user_id, &[], Some((&s.token, s.expires_at)), now).await?;
        let user = self.sql.find_user_by_id(&s.user_id).await?.map(|u| super::json::user_json(&u, &self.schema.user)).unwrap_or(Value::Null);
        let t = ttl(s.expires_at, now);
        if t > 0 {
            self.set(&s.token, &json!({ "session": self.session_json(s), "user": user }), Some(t)).await?;
        }
        Ok(())
    }

    async fn find_session(&self, token: &str) -> AuthResult<Option<(Session, User)>> {
        match self.get(token).await? {
            Some(v) => {
                let session = session_from(v.get("session").unwrap_or(&Value::Null));
                let user = user_from(v.get("user").unwrap_or(&Value::Null));
                if session.created_at < self.revoked_before(&session.user_id).await? {
                    return Ok(None);
                }
                Ok(Some((session, user)))
            }
            None if self.store_in_db => self.sql.find_session(token).await,
            None => Ok(None),
        }
    }

    async fn refresh_session(&self, token: &str, expires_at: i64, updated_at: i64) -> AuthResult<bool> {
        if self.store_in_db {
            self.sql.refresh_session(token, expires_at, updated_at).await?;
        }
        let Some(v) = self.get(token).await? else { return Ok(self.store_in_db) };
        let mut session = session_from(v.get("session").unwrap_or(&Value::Null));
        session.expires_at = expires_at;
        session.updated_at = updated_at;
        let now = self.clock.now_ms();
        let t = ttl(expires_at, now);
        if t > 0 {
            let value = json!({ "session": self.session_json(&session), "user": v.get("user").cloned().unwrap_or(Value::Null) });
            // a session revoked between the read and this write stays revoked
            if !self.secondary.set_existing(token, &value, t).await? {
                return Ok(self.store_in_db);
            }
            self.update_refs(&session.user_id, &[], Some((token, expires_at)), now).await?;
        }
        Ok(true)
    }

    async fn update_session(&self, token: &str, fields: &Map<String, Value>, updated_at: i64) -> AuthResult<Option<Session>> {
        let from_db = if self.store_in_db { self.sql.update_session(token, fields, updated_at).await? } else { None };
        let Some(v) = self.get(token).await? else { return Ok(from_db) };
        let mut session = session_from(v.get("session").unwrap_or(&Value::Null));
        for (k, x) in fields {
            session.extra.insert(k.clone(), x.clone());
        }
        session.updated_at = updated_at;
        let t = ttl(session.expires_at, self.clock.now_ms());
        if t > 0 {
            self.set(token, &json!({ "session": self.session_json(&session), "user": v.get("user").cloned().unwrap_or(Value::Null) }), Some(t)).await?;
        }
        Ok(Some(from_db.unwrap_or(session)))
    }

    async fn update_credential_password(&self, user_id: &str, hash: &str, now: i64) -> AuthResult<bool> {
        self.sql.update_credential_password(user_id, hash, now).await
    }

    async fn update_account_password(&self, account_id: &str, user_id: &str, hash: &str, now: i64) -> AuthResult<bool> {
        self.sql.update_account_password(account_id, user_id, hash, now).await
    }

    async fn delete_session(&self, token: &str) -> AuthResult<()> {
        if let Some(v) = self.get(token).await? {
            let user_id = s_of(v.pointer("/session/userId")).unwrap_or_default();
            let now = self.clock.now_ms();
            self.update_refs(&user_id, &[token], None, now).await?;
        }
        self.delete(token).await?;
        self.announce_revoked(token).await?;
        if self.store_in_db {
            self.sql.delete_session(token).await?;
        }
        Ok(())
    }

    async fn find_user_by_id(&self, id: &str) -> AuthResult<Option<User>> {
        self.sql.find_user_by_id(id).await
    }

    async fn find_user_by_email(&self, email: &str) -> AuthResult<Option<User>> {
        self.sql.find_user_by_email(email).await
    }

    async fn find_credential_account(&self, user_id: &str) -> AuthResult<Option<Account>> {
        self.sql.find_credential_account(user_id).await
    }

    async fn create_account(&self, account: &mut Account) -> AuthResult<()> {
        self.sql.create_account(account).await
    }

    async fn list_accounts(&self, user_id: &str) -> AuthResult<Vec<Account>> {
        self.sql.list_accounts(user_id).await
    }

    async fn update_user(&self, id: &str, update: &UserUpdate, now: i64) -> Result<Option<User>, CreateUserError> {
        let updated = self.sql.update_user(id, update, now).await?;
        if updated.is_some() {
            // caches of this user on other instances hold the old user
            self.announce_user_changed(id).await.map_err(CreateUserError::Other)?;
        }
        if let Some(u) = &updated {
            // the cached user inside every active session follows the update
            let user = super::json::user_json(u, &self.schema.user);
            let refs = self.references(id).await.map_err(CreateUserError::Other)?;
            for (token, expires) in refs.into_iter().filter(|r| r.1 > now) {
                if let Some(v) = self.get(&token).await.map_err(CreateUserError::Other)? {
                    let t = ttl(expires, now);
                    if t > 0 {
                        let session = v.get("session").cloned().unwrap_or(Value::Null);
                        self.set(&token, &json!({ "session": session, "user": user }), Some(t)).await.map_err(CreateUserError::Other)?;
                    }
                }
            }
        }
        Ok(updated)
    }

    async fn delete_user(&self, id: &str) -> AuthResult<()> {
        self.delete_user_sessions(id, None).await?;
        self.sql.delete_user(id).await
    }

    async fn list_sessions(&self, user_id: &str) -> AuthResult<Vec<Session>> {
        let mut out = Vec::new();
        for (token, _) in self.references(user_id).await? {
            if let Some((s, _)) = self.find_session(&token).await? {
                out.push(s);
            }
        }
        if out.is_empty() && self.store_in_db {
            return self.sql.list_sessions(user_id).await;
        }
        Ok(out)
    }

    async fn list_active_sessions(&self, user_id: &str, now: i64) -> AuthResult<Vec<Session>> {
        let mut out = Vec::new();
        for (token, _) in self.references(user_id).await? {
            if let Some((s, _)) = self.find_session(&token).await? {
                out.push(s);
            }
        }
        if out.is_empty() && self.store_in_db {
            // the database filters in its own query (an adapter's reads are capped)
            return self.sql.list_active_sessions(user_id, now).await;
        }
        Ok(out.into_iter().filter(|s| s.expires_at > now).collect())
    }

    async fn delete_user_sessions(&self, user_id: &str, except: Option<&str>) -> AuthResult<u64> {
        let now = self.clock.now_ms();
        let refs = self.references(user_id).await?;
        let mut n = 0;
        match except {
            None => {
                // Better Auth marks the revocation so sessions missing from the list die too
                let before = self.revoked_before(user_id).await?.max(now);
                let marker_ttl = 86_400.max(self.sql_session_expiry_s());
                self.set(&format!("revoked-sessions-before-{user_id}"), &Value::String(before.to_string()), Some(marker_ttl)).await?;
                for (t, _) in &refs {
                    self.delete(t).await?;
                    n += 1;
                }
                self.set_references(user_id, Vec::new(), now).await?;
                self.announce_user_changed(user_id).await?;
            }
            Some(keep) => {
                let mut removed = Vec::new();
                for (t, _) in refs {
                    if t != keep {
                        self.delete(&t).await?;
                        self.announce_revoked(&t).await?;
                        removed.push(t);
                        n += 1;
                    }
                }
                self.update_refs(user_id, &removed.iter().map(String::as_str).collect::<Vec<_>>(), None, now).await?;
            }
        }
        if self.store_in_db {
            n = n.max(self.sql.delete_user_sessions(user_id, except).await?);
        }
        Ok(n)
    }

    async fn create_verification(&self, v: &mut Verification) -> AuthResult<()> {
        self.sql.create_verification(v).await
    }

    async fn find_verification(&self, identifier: &str) -> AuthResult<Option<Verification>> {
        self.sql.find_verification(identifier).await
    }

    async fn delete_verification(&self, identifier: &str) -> AuthResult<u64> {
        self.sql.delete_verification(identifier).await
    }

    async fn delete_expired_verifications(&self, now: i64) -> AuthResult<u64> {
        self.sql.delete_expired_verifications(now).await
    }

    async fn consume_verification(&self, v: &Verification) -> AuthResult<bool> {
        self.sql.consume_verification(v).await
    }

    async fn update_verification_expiry(&self, identifier: &str, expires_at: i64, now: i64) -> AuthResult<u64> {
        self.sql.update_verification_expiry(identifier, expires_at, now).await
    }

    async fn reserve_verification(&self, v: &Verification) -> AuthResult<bool> {
        self.sql.reserve_verification(v).await
    }

    async fn delete_account(&self, id: &str) -> AuthResult<u64> {
        self.sql.delete_account(id).await
    }

    async fn find_accounts_by_provider(&self, provider_id: &str, account_id: &str) -> AuthResult<Vec<Account>> {
        self.sql.find_accounts_by_provider(provider_id, account_id).await
    }

    async fn update_account(&self, id: &str, update: &super::AccountUpdate, now: i64) -> AuthResult<u64> {
        self.sql.update_account(id, update, now).await
    }
}

impl Layered {
    fn sql_session_expiry_s(&self) -> i64 {
        604_800
    }
}

/// `to_iso` re-exported for tests of the stored layout.
pub fn iso(ms: i64) -> String {
    to_iso(ms)
}
