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

/// The JS callback that is `session.cookieCache.version` when the app gave a function.
const VERSION_FN: &str = "session.cookieCache.version";

fn version_is_fn(ctx: &crate::context::AuthContext) -> bool {
    ctx.callbacks.has(VERSION_FN)
}

/// The cookie-cache version for this session and user: `cookieCache.version` when it is a
/// string, else what the app's function returns for `(session, user)` (awaited), as Better
/// Auth's `setCookieCache` and `getSession` compute it.
pub async fn cache_version(ctx: &crate::context::AuthContext, session: &Value, user: &Value) -> AuthResult<String> {
    let fixed = ctx.config.session.cookie_cache.as_ref().map_or("1", |c| c.version.as_str());
    if !version_is_fn(ctx) {
        return Ok(fixed.to_string());
    }
    Ok(match ctx.callbacks.call(VERSION_FN, serde_json::json!([session, user])).await? {
        Some(Value::String(v)) => v,
        Some(Value::Number(n)) => n.to_string(),
        // JavaScript's `undefined || "1"` on the cached side never equals a non-string
        // expectation; an empty version reads back as "1" and so never matches either
        _ => String::new(),
    })
}

/// Writes the cookie cache for `session` and `user` (JSON as the client sees them), with the
/// version [`cache_version`] gives: Better Auth's `setCookieCache`.
pub async fn write_cache_for(call: &mut Call<'_>, session: &Value, user: &Value, dont_remember: bool) -> AuthResult<()> {
    let ctx = call.ctx;
    if ctx.config.session.cookie_cache.is_none() {
        return Ok(());
    }
    let version = cache_version(ctx, session, user).await?;
    cookies::write_cookie_cache(&mut call.out, &ctx.config, &ctx.cookies, &call.headers, session, user, dont_remember, &version, ctx.now());
    Ok(())
}

/// True when a revocation or user change this instance knows of (shared through
/// `redisStorage`'s or PostgreSQL's channel) invalidates the cache `data` for `token`.
fn revoked(ctx: &crate::context::AuthContext, token: &str, data: &Value) -> bool {
    let rev = match ctx.revocations() {
        Ok(Some(rev)) => rev,
        Ok(None) => return false,
        Err(()) => return true,
    };
    let user_id = data.pointer("/user/id").and_then(Value::as_str).unwrap_or_default();
    let written = data.get("updatedAt").and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))).unwrap_or(0);
    rev.refuses(token, user_id, written, ctx.now())
}

fn session_user_of(data: &Value) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("session".into(), data.get("session").cloned().unwrap_or(Value::Null));
    m.insert("user".into(), data.get("user").cloned().unwrap_or(Value::Null));
    Value::Object(m)
}

/// Whether a `session_data` cookie was sent, and `{ session, user }` from it when it verifies
/// for this session `token` (with a fixed version; see [`cache_hit_async`] for a function).
fn cache_hit(ctx: &crate::context::AuthContext, headers: &crate::http::Headers, token: &str) -> (bool, Option<Value>) {
    let version = ctx.config.session.cookie_cache.as_ref().map_or("1", |c| c.version.as_str());
    let (present, cached) = cookies::read_cookie_cache(&ctx.config, &ctx.cookies, headers, Some(version), ctx.now());
    let hit = cached
        .filter(|d| d.pointer("/session/token").and_then(Value::as_str) == Some(token) && !revoked(ctx, token, d))
        .map(|d| session_user_of(&d));
    (present, hit)
}

/// [`cache_hit`], asking the app's `cookieCache.version` function when there is one (Better
/// Auth checks the token first, then the version, then the expiry).
async fn cache_hit_async(ctx: &crate::context::AuthContext, headers: &crate::http::Headers, token: &str) -> AuthResult<(bool, Option<Value>)> {
    if !version_is_fn(ctx) {
        return Ok(cache_hit(ctx, headers, token));
    }
    let (present, cached) = cookies::read_cookie_cache(&ctx.config, &ctx.cookies, headers, None, ctx.now());
    let Some(data) = cached.filter(|d| d.pointer("/session/token").and_then(Value::as_str) == Some(token) && !revoked(ctx, token, d)) else {
        return Ok((present, None));
    };
    let session = data.get("session").cloned().unwrap_or(Value::Null);
    let user = data.get("user").cloned().unwrap_or(Value::Null);
    let expected = cache_version(ctx, &session, &user).await?;
    if crate::cookie_cache::entry_version(&data) != expected {
        return Ok((present, None));
    }
    Ok((present, Some(session_user_of(&data))))
}

/// `auth.api.getSession`'s body when it can be answered at once on the caller's thread with
/// exactly what the full endpoint would answer and without any response header it would set
/// (so nothing is lost by not returning headers): a cookie-cache hit (cheap crypto only), or —
/// cookie cache off — a point read of the session through [`crate::store::Store::find_session_now`]
/// (an SQLite file the engine reads itself, never waiting on a lock) of a live session whose
/// refresh is not due. `None` whenever anything else must happen (no store open yet, a busy
/// database, refresh due, a missing or expired session whose cookies are cleared, a cache to
/// write, JS hooks or a `cookieCache.version` function, `deferSessionRefresh`): the caller then
/// runs the full endpoint.
///
/// Through a Better Auth adapter (no `secondaryStorage`), the read is the caller's: without
/// `adapter_row` the answer is the session token as a string, which the caller looks up with the
/// adapter's `findOne({ model: "session", where: [token], join: { user: true } })` (Better Auth's
/// own call) on its thread, then calls again with that result as JSON text in `adapter_row`
/// (`null` for none); the same rules then decide from that row.
pub fn session_now(
    ctx: &crate::context::AuthContext,
    headers: &crate::http::Headers,
    disable_cookie_cache: bool,
    disable_refresh: bool,
    adapter_row: Option<&str>,
) -> Option<Value> {
    if ctx.callbacks.has("hooks.before") || ctx.callbacks.has("hooks.after") || ctx.config.session.defer_session_refresh {
        return None;
    }
    let cache_on = ctx.config.session.cookie_cache.is_some();
    let plugin_headers = crate::plugins::on_request(ctx, headers);
    let headers = plugin_headers.as_ref().unwrap_or(headers);
    let Some(token) = cookies::get_signed_cookie(headers, &ctx.cookies.session_token.name, &ctx.config.secret) else {
        // no session; without the cache, a leftover session_data cookie would be cleared
        let leftover = !cache_on && headers.get("cookie").is_some_and(|c| c.contains(ctx.cookies.session_data.name.as_str()));
        return (!leftover).then_some(Value::Null);
    };
    if cache_on {
        // a miss writes (or clears) the cache cookie: only hits are answered here
        if disable_cookie_cache || version_is_fn(ctx) {
            return None;
        }
        return cache_hit(ctx, headers, &token).1;
    }
    if headers.get("cookie").is_some_and(|c| c.contains(ctx.cookies.session_data.name.as_str())) {
        return None;
    }
    let adapter = matches!(ctx.config.database, crate::config::DatabaseConfig::Adapter { .. })
        && ctx.config.redis.is_none()
        && !ctx.callbacks.has("secondaryStorage.get");
    let (session, user) = if adapter {
        let Some(text) = adapter_row else { return Some(Value::String(token)) };
        let row: Value = serde_json::from_str(text).ok()?;
        crate::store::js_adapter::session_with_user(&ctx.config.schema, &row)?
    } else {
        ctx.store_now()?.find_session_now(&token)?.ok()??
    };
    if session.token != token {
        return None;
    }
    let now = ctx.now();
    if is_expired(&session, now) {
        return None;
    }
    let fixed = disable_refresh
        || ctx.config.session.disable_session_refresh
        || !needs_refresh(&session, now, &ctx.config.session)
        || cookies::get_signed_cookie(headers, &ctx.cookies.dont_remember.name, &ctx.config.secret).is_some();
    fixed.then(|| session_user_json(&session, &user, &ctx.config.schema))
}

/// The session for the request's cookie, `null` when there is none. Refreshes the session
/// once `updateAge` has passed; clears the cookies of a missing or expired session.
pub async fn get_session(call: &mut Call<'_>, method: &str) -> AuthResult<Value> {
    call.out.set("cache-control", "no-store");
    call.out.set("pragma", "no-cache");
    let defer = call.ctx.config.session.defer_session_refresh;
    if method == "POST" && !defer {
        return Err(AuthError::base("METHOD_NOT_ALLOWED", "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED"));
    }
    let disable_refresh = coerce_bool(call.query.get("disableRefresh"));
    let disable_cache = coerce_bool(call.query.get("disableCookieCache"));
    // with deferSessionRefresh, a GET never writes and tells the client to POST when due
    resolve(call, disable_cache, disable_refresh, defer && method != "POST").await
}

/// Better Auth's `getSessionFromCtx` (what its session middlewares and plugin endpoints call):
/// the `/get-session` logic (cookie cache unless `authoritative`, refresh, cookies written or
/// cleared) with its errors read as "no session". `{ session, user }` or `None`. It reads as a
/// GET does: with `deferSessionRefresh` it never refreshes.
pub async fn session_from_ctx(call: &mut Call<'_>, authoritative: bool) -> AuthResult<Option<Value>> {
    let disable_cache = authoritative || coerce_bool(call.query.get("disableCookieCache"));
    let disable_refresh = coerce_bool(call.query.get("disableRefresh"));
    let defer = call.ctx.config.session.defer_session_refresh;
    match resolve(call, disable_cache, disable_refresh, defer).await {
        Ok(Value::Null) => Ok(None),
        Ok(Value::Object(mut m)) => {
            m.remove("needsRefresh");
            Ok(Some(Value::Object(m)))
        }
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_unavailable() => Err(e),
        Err(_) => Ok(None),
    }
}

/// `deferred_get`: a GET with `deferSessionRefresh` on — no write (no refresh, an expired row is
/// kept), and the answer carries `needsRefresh`.
async fn resolve(call: &mut Call<'_>, disable_cache: bool, disable_refresh: bool, deferred_get: bool) -> AuthResult<Value> {
    let ctx = call.ctx;
    let cache_on = ctx.config.session.cookie_cache.is_some();
    let token = cookies::get_signed_cookie(&call.headers, &ctx.cookies.session_token.name, &ctx.config.secret);
    if token.is_none() && cache_on {
        return Ok(Value::Null);
    }
    if !cache_on {
        // a session_data cookie (or its chunks) left from when the cache was on is cleaned up
        let existing = call.headers.get("cookie").map(cookies::parse_cookie_header).unwrap_or_default();
        let name = &ctx.cookies.session_data.name;
        if crate::cookie_cache::chunk::join(name, &existing).is_some_and(|v| !v.is_empty()) {
            for c in crate::cookie_cache::chunk::clean_plan(name, &existing) {
                call.out.add_cookie(ctx.cookies.session_data.renamed(&c.name).expired());
            }
        }
    }
    let Some(token) = token else {
        return Ok(Value::Null);
    };
    // the cookie cache: a valid session_data for this token answers without the database
    if cache_on && !disable_cache {
        let (present, hit) = cache_hit_async(ctx, &call.headers, &token).await.map_err(|e| {
            log_internal("the cookieCache.version function failed", &e);
            e.unless_api_error(AuthError::base("INTERNAL_SERVER_ERROR", "FAILED_TO_GET_SESSION"))
        })?;
        if let Some(hit) = hit {
            return Ok(hit);
        }
        if present {
            // an unreadable, expired or foreign cache is expired (its chunks go with the rewrite)
            call.out.set_cookie(&ctx.cookies.session_data.name, ctx.cookies.session_data.expired());
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
            if !deferred_get {
                if let Err(e) = store.delete_session(&s.token).await {
                    log_internal("failed to delete an expired session", &e);
                }
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
    let due = !ctx.config.session.disable_session_refresh && needs_refresh(&session, now, &ctx.config.session);
    if deferred_get {
        let mut body = session_user_json(&session, &user, &ctx.config.schema);
        write_cache(call, &body).await?;
        if let Value::Object(m) = &mut body {
            m.insert("needsRefresh".into(), Value::Bool(due));
        }
        return Ok(body);
    }
    if due {
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
    write_cache(call, &body).await?;
    Ok(body)
}

async fn write_cache(call: &mut Call<'_>, body: &Value) -> AuthResult<()> {
    if let (Some(s), Some(u)) = (body.get("session"), body.get("user")) {
        write_cache_for(call, s, u, false).await.map_err(|e| {
            log_internal("the cookieCache.version function failed", &e);
            e.unless_api_error(AuthError::base("INTERNAL_SERVER_ERROR", "FAILED_TO_GET_SESSION"))
        })?;
    }
    Ok(())
}

/// `POST /update-session` (`auth.api.updateSession`): sets the session's additional fields
/// (those with `input` not false), runs `databaseHooks.session.update`, re-sends the session
/// cookie and the cookie cache, and answers `{ session }`.
pub async fn update_session(call: &mut Call<'_>) -> AuthResult<Value> {
    // the body schema (`z.record(z.string(), z.any())`) is checked before the session
    if !matches!(call.body, Some(Value::Object(_))) {
        let mut issues = super::Issues::default();
        issues.expected("", "record", call.body.as_ref());
        issues.finish()?;
    }
    let (session, user) = super::guard::require_session(call, super::guard::Guard::Session).await?;
    let ctx = call.ctx;
    let Some(Value::Object(body)) = call.body.as_ref() else {
        return Err(AuthError::base("BAD_REQUEST", "BODY_MUST_BE_AN_OBJECT"));
    };
    let mut fields = super::fields::parse_input(&ctx.config.schema.session, body, false)?;
    if fields.is_empty() {
        return Err(AuthError::message_only("BAD_REQUEST", "No fields to update"));
    }
    let now = ctx.now();
    let mut data = fields.clone();
    data.insert("updatedAt".into(), Value::String(crate::time::to_iso(now)));
    let proceed = match super::db_hooks::before(call, "session", "update", Value::Object(data)).await? {
        None => false,
        Some(Value::Object(d)) => {
            // what the hook returned replaces the update's fields (as `updateWithHooks` merges it)
            let mut s = session.clone();
            super::db_hooks::merge_session(&mut s, &d);
            for f in ctx.config.schema.session.extra_fields() {
                if let Some(v) = s.extra.get(&f.key).filter(|_| d.contains_key(&f.key)) {
                    fields.insert(f.key.clone(), v.clone());
                }
            }
            true
        }
        Some(_) => true,
    };
    let updated = if proceed {
        let store = ctx.store().await?;
        store.update_session(&session.token, &fields, now).await.map_err(|e| {
            log_internal("failed to update the session", &e);
            e
        })?
    } else {
        None
    };
    let Some(updated) = updated else {
        // Better Auth: a session row that vanished (or a cancelled update) on a stateful setup
        cookies::delete_session_cookie(&mut call.out, &ctx.cookies, &call.headers);
        return Err(AuthError::base("UNAUTHORIZED", "FAILED_TO_GET_SESSION"));
    };
    super::db_hooks::after(call, "session", "update", super::db_hooks::session_data(call, &updated)).await?;
    cookies::set_session_cookie(&mut call.out, &ctx.cookies, &ctx.config.secret, &call.headers, &updated.token, None, ctx.config.session.expires_in);
    let dr = cookies::get_signed_cookie(&call.headers, &ctx.cookies.dont_remember.name, &ctx.config.secret).is_some();
    let schema = &ctx.config.schema;
    let sj = crate::json::session_json(&updated, &schema.session);
    write_cache_for(call, &sj, &crate::json::user_json(&user, &schema.user), dr).await?;
    Ok(serde_json::json!({ "session": sj }))
}
