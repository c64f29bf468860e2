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

fn ctx_arg(call: &Call<'_>) -> Value {
    let headers: Vec<Value> = call.headers.iter().map(|(k, v)| json!([k, v])).collect();
    json!({ "__hookctx": { "body": call.body.clone().unwrap_or(Value::Null), "headers": headers, "request": call.request_arg() } })
}

/// Runs `<model>.<op>.before` on `data`. `Ok(None)`: the hook returned `false` (cancel);
/// otherwise the data with the hook's `{ data }` merged in.
pub async fn before(call: &Call<'_>, model: &str, op: &str, data: Value) -> AuthResult<Option<Value>> {
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
    call.ctx.callbacks.has(&name(model, op, "before")) || call.ctx.callbacks.has(&name(model, op, "after"))
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

/// A session as hooks see it.
pub fn session_data(call: &Call<'_>, s: &Session) -> Value {
    session_json(s, &call.ctx.config.schema.session)
}
