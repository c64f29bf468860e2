//! `databaseHooks.{user,session,account,verification}.{create,update,delete}.{before,after}`,
//! with Better Auth's semantics: a `before` hook may return `false` to cancel or `{ data }` to
//! change what is written; `after` hooks see the written row. The second argument is a small
//! endpoint context (`path`, `body`, `headers`, `request`), or `null` for direct calls without one.
use super::Call;
use crate::error::AuthResult;
use crate::json::{session_json, user_json};
use crate::store::{Session, User};
use serde_json::{Map, Value, json};

fn name(model: &str, op: &str, when: &str) -> String {
    format!("databaseHooks.{model}.{op}.{when}")
}

/// The endpoint context Better Auth passes as a database hook's second argument: `path` (the
/// endpoint's, `/sign-up/email`), `method`, `body`, `query`, `params`, `headers`, `request`, and
/// `context` with `session` (what the session middleware found), `newSession`, `returned`; the JS
/// side adds `responseHeaders`, `options`, `baseURL` and `internalAdapter`.
pub(crate) fn ctx_arg(call: &Call<'_>) -> Value {
    let headers: Vec<Value> = call.headers.iter().map(|(k, v)| json!([k, v])).collect();
    let (path, method) = call.endpoint.clone().unwrap_or_default();
    json!({ "__hookctx": {
        "path": path,
        "method": method,
        "body": call.body.clone().unwrap_or(Value::Null),
        "query": call.query,
        "params": call.params,
        "headers": headers,
        "request": call.request_arg(),
        "baseURL": call.base_url(),
        "context": { "session": call.session, "newSession": call.new_session },
    } })
}

/// Runs `<model>.<op>.before` on `data`. `Ok(None)`: the hook returned `false` (cancel);
/// otherwise the data with the hook's `{ data }` merged in.
pub async fn before(call: &Call<'_>, model: &str, op: &str, data: Value) -> AuthResult<Option<Value>> {
    // plugins' database hooks run first, as in Better Auth
    let Some(data) = crate::plugins::db_before(call, model, op, data).await? else { return Ok(None) };
    let n = name(model, op, "before");
    if !call.ctx.callbacks.has(&n) {
        return Ok(Some(data));
    }
    match call.ctx.callbacks.call(&n, json!([data.clone(), ctx_arg(call)])).await? {
        Some(Value::Bool(false)) => Ok(None),
        Some(Value::Object(r)) => match (data, r.get("data")) {
            (Value::Object(mut d), Some(Value::Object(changes))) => {
                for (k, v) in changes {
                    d.insert(k.clone(), v.clone());
                }
                Ok(Some(Value::Object(d)))
            }
            (d, _) => Ok(Some(d)),
        },
        _ => Ok(Some(data)),
    }
}

/// Runs `<model>.<op>.after` with the written row (errors are the caller's to decide on).
pub async fn after(call: &Call<'_>, model: &str, op: &str, row: Value) -> AuthResult<()> {
    let n = name(model, op, "after");
    if call.ctx.callbacks.has(&n) {
        call.ctx.callbacks.call(&n, json!([row, ctx_arg(call)])).await?;
    }
    Ok(())
}

/// True when any hook for `model`.`op` is set.
pub fn any(call: &Call<'_>, model: &str, op: &str) -> bool {
    call.ctx.callbacks.has(&name(model, op, "before")) || call.ctx.callbacks.has(&name(model, op, "after")) || crate::plugins::has_db_hooks(call, model, op)
}

/// Applies a hook's changes to a user about to be written.
pub fn merge_user(u: &mut User, data: &Map<String, Value>) {
    for (k, v) in data {
        match (k.as_str(), v) {
            ("name", Value::String(s)) => u.name = s.clone(),
            ("email", Value::String(s)) => u.email = s.to_lowercase(),
            ("emailVerified", Value::Bool(b)) => u.email_verified = *b,
            ("image", Value::String(s)) => u.image = Some(s.clone()),
            ("image", Value::Null) => u.image = None,
            ("id", Value::String(s)) => u.id = s.clone(),
            ("createdAt" | "updatedAt", _) => {}
            (key, v) => {
                if u.extra.contains_key(key) || !matches!(key, "name" | "email") {
                    u.extra.insert(key.to_string(), v.clone());
                }
            }
        }
    }
}

/// Applies a hook's changes to a session about to be written.
pub fn merge_session(s: &mut Session, data: &Map<String, Value>) {
    for (k, v) in data {
        match (k.as_str(), v) {
            ("ipAddress", Value::String(x)) => s.ip_address = Some(x.clone()),
            ("userAgent", Value::String(x)) => s.user_agent = Some(x.clone()),
            ("expiresAt", Value::String(x)) => {
                if let Some(ms) = crate::time::parse_date(x) {
                    s.expires_at = ms;
                }
            }
            ("id" | "token" | "userId" | "createdAt" | "updatedAt", _) => {}
            (key, v) => {
                s.extra.insert(key.to_string(), v.clone());
            }
        }
    }
}

/// A user as hooks see it (every field, additional ones included).
pub fn user_data(call: &Call<'_>, u: &User) -> Value {
    user_json(u, &call.ctx.config.schema.user)
}

/// A user about to be created, as Better Auth's `user.create.before` sees it: no `id` yet,
/// `image` present but `undefined` when not given, additional fields only when given (or
/// defaulted).
pub fn user_create_data(u: &User) -> Value {
    let mut m = Map::new();
    m.insert("createdAt".into(), Value::String(crate::time::to_iso(u.created_at)));
    m.insert("updatedAt".into(), Value::String(crate::time::to_iso(u.updated_at)));
    m.insert("email".into(), Value::String(u.email.clone()));
    m.insert("name".into(), Value::String(u.name.clone()));
    m.insert("image".into(), u.image.clone().map(Value::String).unwrap_or_else(|| json!({ "__undefined": true })));
    for (k, v) in &u.extra {
        m.insert(k.clone(), v.clone());
    }
    m.insert("emailVerified".into(), Value::Bool(u.email_verified));
    Value::Object(m)
}

/// A session as hooks see it.
pub fn session_data(call: &Call<'_>, s: &Session) -> Value {
    session_json(s, &call.ctx.config.schema.session)
}

pub(crate) fn account_json(a: &crate::store::Account) -> Value {
    json!({
        "id": a.id, "accountId": a.account_id, "providerId": a.provider_id, "userId": a.user_id,
        "accessToken": a.tokens.access_token, "refreshToken": a.tokens.refresh_token, "idToken": a.tokens.id_token,
        "accessTokenExpiresAt": a.tokens.access_token_expires_at.map(crate::time::to_iso),
        "refreshTokenExpiresAt": a.tokens.refresh_token_expires_at.map(crate::time::to_iso),
        "scope": a.scope, "password": a.password,
        "createdAt": crate::time::to_iso(a.created_at), "updatedAt": crate::time::to_iso(a.updated_at),
    })
}

pub(crate) fn verification_json(v: &crate::store::Verification) -> Value {
    json!({
        "id": v.id, "identifier": v.identifier, "value": v.value,
        "expiresAt": crate::time::to_iso(v.expires_at),
        "createdAt": crate::time::to_iso(v.created_at), "updatedAt": crate::time::to_iso(v.updated_at),
    })
}

/// Inserts an account with `account.create.before/after`; `Ok(false)` when a hook cancelled.
pub async fn create_account(call: &Call<'_>, a: &mut crate::store::Account) -> AuthResult<bool> {
    match before(call, "account", "create", account_json(a)).await? {
        None => return Ok(false),
        Some(Value::Object(d)) => {
            if let Some(Value::String(p)) = d.get("password") {
                a.password = Some(p.clone());
            }
        }
        Some(_) => {}
    }
    call.ctx.store().await?.create_account(a).await?;
    after(call, "account", "create", account_json(a)).await?;
    Ok(true)
}

/// Replaces the credential password with `account.update.before/after`; `Ok(false)` when cancelled.
pub async fn update_password(call: &Call<'_>, user_id: &str, hash: &str, now: i64) -> AuthResult<bool> {
    update_password_of(call, None, user_id, hash, now).await
}

/// [`update_password`]; with `account_id` (the credential account just read, as change-password
/// has it) the row is written by its id, as Better Auth's `updateAccount` does.
pub async fn update_password_of(call: &Call<'_>, account_id: Option<&str>, user_id: &str, hash: &str, now: i64) -> AuthResult<bool> {
    let mut hash = hash.to_string();
    if any(call, "account", "update") {
        match before(call, "account", "update", json!({ "password": hash, "updatedAt": crate::time::to_iso(now) })).await? {
            None => return Ok(false),
            Some(Value::Object(d)) => {
                if let Some(Value::String(p)) = d.get("password") {
                    hash = p.clone();
                }
            }
            Some(_) => {}
        }
    }
    let store = call.ctx.store().await?;
    let updated = match account_id {
        Some(id) => store.update_account_password(id, user_id, &hash, now).await?,
        None => store.update_credential_password(user_id, &hash, now).await?,
    };
    if updated && call.ctx.callbacks.has(&name("account", "update", "after"))
        && let Some(a) = store.find_credential_account(user_id).await? {
            after(call, "account", "update", account_json(&a)).await?;
        }
    Ok(updated)
}

/// Inserts a verification row with `verification.create.before/after`; `Ok(false)` when cancelled.
pub async fn create_verification(call: &Call<'_>, v: &mut crate::store::Verification) -> AuthResult<bool> {
    match before(call, "verification", "create", verification_json(v)).await? {
        None => return Ok(false),
        Some(Value::Object(d)) => {
            if let Some(Value::String(x)) = d.get("value") {
                v.value = x.clone();
            }
        }
        Some(_) => {}
    }
    call.ctx.store().await?.create_verification(v).await?;
    after(call, "verification", "create", verification_json(v)).await?;
    Ok(true)
}

/// Consumes (deletes) verification rows with `verification.delete.before/after`; the count.
pub async fn delete_verification(call: &Call<'_>, v: &crate::store::Verification) -> AuthResult<u64> {
    if before(call, "verification", "delete", verification_json(v)).await?.is_none() {
        return Ok(0);
    }
    let n = call.ctx.store().await?.delete_verification(&v.identifier).await?;
    if n > 0 {
        after(call, "verification", "delete", verification_json(v)).await?;
    }
    Ok(n)
}
