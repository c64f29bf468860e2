//! `GET /get-session` (`auth.api.getSession`).
use super::Call;
use super::sign_up::log_internal;
use crate::cookies;
use crate::error::{AuthError, AuthResult};
use crate::json::session_user_json;
use crate::session::{is_expired, needs_refresh};
use serde_json::Value;

/// `z.coerce.boolean()`: any non-empty value is true (even `"false"`).
fn coerce_bool(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Some(Value::Array(_)) | Some(Value::Object(_)) => true,
    }
}

/// Whether a `session_data` cookie was sent, and `{ session, user }` from it when it verifies
/// for this session `token`.
fn cache_hit(ctx: &crate::context::AuthContext, headers: &crate::http::Headers, token: &str) -> (bool, Option<Value>) {
    let (present, cached) = cookies::read_cookie_cache(&ctx.config, &ctx.cookies, headers, ctx.now());
    let hit = cached.filter(|d| d.pointer("/session/token").and_then(Value::as_str) == Some(token)).map(|data| {
        let mut m = serde_json::Map::new();
        m.insert("session".into(), data.get("session").cloned().unwrap_or(Value::Null));
        m.insert("user".into(), data.get("user").cloned().unwrap_or(Value::Null));
        Value::Object(m)
    });
    (present, hit)
}

/// `auth.api.getSession`'s answer when the cookie cache gives it, computed with cheap crypto
/// only (HMAC / JWT / JWE checks, no I/O, no callbacks), so it can run synchronously on the
/// caller's thread. `None`: the full endpoint must run (no cache configured, hooks present,
/// `disableCookieCache`, no valid cache cookie for the session cookie).
pub fn cached_session_sync(ctx: &crate::context::AuthContext, headers: &crate::http::Headers, disable_cookie_cache: bool) -> Option<Value> {
    if disable_cookie_cache || ctx.config.session.cookie_cache.is_none() {
        return None;
    }
    if ctx.callbacks.has("hooks.before") || ctx.callbacks.has("hooks.after") {
        return None;
    }
    let plugin_headers = crate::plugins::on_request(ctx, headers);
    let headers = plugin_headers.as_ref().unwrap_or(headers);
    let token = cookies::get_signed_cookie(headers, &ctx.cookies.session_token.name, &ctx.config.secret)?;
    cache_hit(ctx, headers, &token).1
}

/// The session for the request's cookie, `null` when there is none. Refreshes the session
/// once `updateAge` has passed; clears the cookies of a missing or expired session.
pub async fn get_session(call: &mut Call<'_>, method: &str) -> AuthResult<Value> {
    call.out.set("cache-control", "no-store");
    call.out.set("pragma", "no-cache");
    if method == "POST" {
        // deferSessionRefresh is not enabled (not supported yet)
        return Err(AuthError::base("METHOD_NOT_ALLOWED", "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED"));
    }
    let disable_refresh = coerce_bool(call.query.get("disableRefresh"));
    let disable_cache = coerce_bool(call.query.get("disableCookieCache"));
    resolve(call, disable_cache, disable_refresh).await
}

/// Better Auth's `getSessionFromCtx` (what its session middlewares and plugin endpoints call):
/// the `/get-session` logic (cookie cache unless `authoritative`, refresh, cookies written or
/// cleared) with its errors read as "no session". `{ session, user }` or `None`.
pub async fn session_from_ctx(call: &mut Call<'_>, authoritative: bool) -> AuthResult<Option<Value>> {
    let disable_cache = authoritative || coerce_bool(call.query.get("disableCookieCache"));
    let disable_refresh = coerce_bool(call.query.get("disableRefresh"));
    match resolve(call, disable_cache, disable_refresh).await {
        Ok(Value::Null) => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_unavailable() => Err(e),
        Err(_) => Ok(None),
    }
}

async fn resolve(call: &mut Call<'_>, disable_cache: bool, disable_refresh: bool) -> AuthResult<Value> {
    let ctx = call.ctx;
    let Some(token) = cookies::get_signed_cookie(&call.headers, &ctx.cookies.session_token.name, &ctx.config.secret) else {
        return Ok(Value::Null);
    };
    // the cookie cache: a valid session_data for this token answers without the database
    if ctx.config.session.cookie_cache.is_some() && !disable_cache {
        let (present, hit) = cache_hit(ctx, &call.headers, &token);
        if let Some(hit) = hit {
            return Ok(hit);
        }
        if present {
            let existing = call.headers.get("cookie").map(cookies::parse_cookie_header).unwrap_or_default();
            for c in crate::cookie_cache::chunk::clean_plan(&ctx.cookies.session_data.name, &existing) {
                let def = ctx.cookies.session_data.renamed(&c.name);
                call.out.set_cookie(&c.name, def.expired());
            }
        }
    }
    let store = ctx.store().await.map_err(|e| {
        log_internal("failed to open the store", &e);
        e.unless_unavailable(AuthError::base("INTERNAL_SERVER_ERROR", "FAILED_TO_GET_SESSION"))
    })?;
    let found = store.find_session(&token).await.map_err(|e| {
        log_internal("failed to read the session", &e);
        e.unless_unavailable(AuthError::base("INTERNAL_SERVER_ERROR", "FAILED_TO_GET_SESSION"))
    })?;
    let now = ctx.now();
    let (mut session, user) = match found {
        Some((s, u)) if !is_expired(&s, now) => (s, u),
        Some((s, _)) => {
            cookies::delete_session_cookie(&mut call.out, &ctx.cookies, &call.headers);
            if let Err(e) = store.delete_session(&s.token).await {
                log_internal("failed to delete an expired session", &e);
            }
            return Ok(Value::Null);
        }
        None => {
            cookies::delete_session_cookie(&mut call.out, &ctx.cookies, &call.headers);
            return Ok(Value::Null);
        }
    };
    let dont_remember =
        cookies::get_signed_cookie(&call.headers, &ctx.cookies.dont_remember.name, &ctx.config.secret).is_some();
    if dont_remember || disable_refresh {
        return Ok(session_user_json(&session, &user, &ctx.config.schema));
    }
    let disable_refresh = disable_refresh || ctx.config.session.disable_session_refresh;
    if disable_refresh {
        let body = session_user_json(&session, &user, &ctx.config.schema);
        write_cache(call, &body);
        return Ok(body);
    }
    if needs_refresh(&session, now, &ctx.config.session) {
        let expires_at = now + ctx.config.session.expires_in * 1000;
        let updated = store.refresh_session(&session.token, expires_at, now).await.unwrap_or_else(|e| {
            log_internal("failed to refresh the session", &e);
            false
        });
        if !updated {
            cookies::delete_session_cookie(&mut call.out, &ctx.cookies, &call.headers);
            return Err(AuthError::base("UNAUTHORIZED", "FAILED_TO_GET_SESSION"));
        }
        session.expires_at = expires_at;
        session.updated_at = now;
        cookies::set_session_cookie(
            &mut call.out,
            &ctx.cookies,
            &ctx.config.secret,
            &call.headers,
            &session.token,
            Some(false),
            ctx.config.session.expires_in,
        );
    }
    let body = session_user_json(&session, &user, &ctx.config.schema);
    write_cache(call, &body);
    Ok(body)
}

fn write_cache(call: &mut Call<'_>, body: &Value) {
    let ctx = call.ctx;
    if let (Some(s), Some(u)) = (body.get("session"), body.get("user")) {
        cookies::write_cookie_cache(&mut call.out, &ctx.config, &ctx.cookies, &call.headers, s, u, false, ctx.now());
    }
}
