//! The `jwt()` plugin's endpoints: `GET /token`, `GET /jwks`, server-only `signJWT` /
//! `verifyJWT`, and the `set-auth-jwt` header on `GET /get-session`.
use super::keys as plugin;
use super::{JwtConfig, JwtPlugin};
use crate::endpoints::guard::{Guard, require_session};
use crate::endpoints::{Call, Issues, req_str};
use crate::error::{AuthError, AuthResult};
use crate::store::{Session, User};
use serde_json::{Map, Value, json};

fn config<'a>(call: &Call<'a>) -> AuthResult<&'a JwtConfig> {
    call.ctx.config.plugins.get::<JwtPlugin>().map(|p| &p.config).ok_or_else(|| AuthError::empty("NOT_FOUND"))
}

fn origin(call: &Call<'_>) -> String {
    call.base_origin.clone().unwrap_or_default()
}

/// The claims of a user's token: `definePayload(session)` or the user, `iat` first, `sub` last.
async fn token_for(call: &Call<'_>, session: &Session, user: &User) -> AuthResult<String> {
    let ctx = call.ctx;
    let cfg = config(call)?;
    let both = crate::json::session_user_json(session, user, &ctx.config.schema);
    let payload = match ctx.callbacks.call("jwt.definePayload", json!([both.clone()])).await? {
        Some(Value::Object(m)) => m,
        _ => match crate::json::user_json(user, &ctx.config.schema.user) {
            Value::Object(m) => m,
            _ => Map::new(),
        },
    };
    let sub = match ctx.callbacks.call("jwt.getSubject", json!([both])).await? {
        Some(Value::String(s)) => s,
        _ => user.id.clone(),
    };
    let mut claims = Map::new();
    claims.insert("iat".into(), Value::from(ctx.now() / 1000));
    for (k, v) in payload {
        claims.insert(k, v);
    }
    claims.insert("sub".into(), Value::String(sub));
    let store = ctx.plugin_rows().await?;
    plugin::sign(store, cfg, &ctx.config.secret, &origin(call), claims, ctx.generate_id("jwks").await?, ctx.now()).await
}

/// `GET /token` (session): `{ token }`.
pub async fn token(call: &mut Call<'_>) -> AuthResult<Value> {
    config(call)?;
    let (session, user) = require_session(call, Guard::Session).await?;
    Ok(json!({ "token": token_for(call, &session, &user).await? }))
}

/// `GET /jwks`: the public keys.
pub async fn jwks(call: &mut Call<'_>) -> AuthResult<Value> {
    let cfg = config(call)?;
    if !cfg.uses_keys() {
        return Err(AuthError::empty("NOT_FOUND"));
    }
    let ctx = call.ctx;
    plugin::jwks(ctx.plugin_rows().await?, cfg, &ctx.config.secret, ctx.generate_id("jwks").await?, ctx.now()).await
}

/// Server-only `signJWT({ body: { payload } })`: `{ token }`.
pub async fn sign_jwt(call: &mut Call<'_>) -> AuthResult<Value> {
    let cfg = config(call)?;
    let Some(Value::Object(payload)) = call.body.as_ref().and_then(|b| b.get("payload")).cloned() else {
        return Err(AuthError::validation("[body.payload] Invalid input: expected record, received undefined"));
    };
    let ctx = call.ctx;
    let token = plugin::sign(ctx.plugin_rows().await?, cfg, &ctx.config.secret, &origin(call), payload, ctx.generate_id("jwks").await?, ctx.now()).await?;
    Ok(json!({ "token": token }))
}

/// Server-only `verifyJWT({ body: { token, issuer? } })`: `{ payload }` (`null` when invalid).
pub async fn verify_jwt(call: &mut Call<'_>) -> AuthResult<Value> {
    let cfg = config(call)?;
    let mut issues = Issues::default();
    let (token, issuer) = match crate::endpoints::body_object(call.body.as_ref(), &mut issues) {
        Some(m) => (req_str(m, "token", &mut issues).map(str::to_string), m.get("issuer").and_then(Value::as_str).map(str::to_string)),
        None => (None, None),
    };
    issues.finish()?;
    let token = token.unwrap_or_default();
    let ctx = call.ctx;
    let payload = plugin::verify(ctx.plugin_rows().await?, cfg, &origin(call), &token, issuer.as_deref(), ctx.now()).await?;
    Ok(json!({ "payload": payload.unwrap_or(Value::Null) }))
}

/// After `GET /get-session` found a session: `set-auth-jwt` with a fresh token.
pub async fn set_header(call: &mut Call<'_>, cfg: &JwtConfig, body: &Value) -> AuthResult<()> {
    if cfg.disable_header {
        return Ok(());
    }
    let (Some(s), Some(u)) = (body.get("session"), body.get("user")) else { return Ok(()) };
    if s.is_null() || u.is_null() {
        return Ok(());
    }
    let token = cookie_session(call).await?;
    let Some((session, user)) = token else { return Ok(()) };
    let jwt = token_for(call, &session, &user).await?;
    let mut exposed: Vec<String> = call
        .out
        .0
        .iter()
        .filter(|(k, _)| k == "access-control-expose-headers")
        .flat_map(|(_, v)| v.split(',').map(|x| x.trim().to_string()).collect::<Vec<_>>())
        .filter(|x| !x.is_empty())
        .collect();
    if !exposed.iter().any(|h| h == "set-auth-jwt") {
        exposed.push("set-auth-jwt".into());
    }
    call.out.set("set-auth-jwt", jwt);
    call.out.set("access-control-expose-headers", exposed.join(", "));
    Ok(())
}

async fn cookie_session(call: &Call<'_>) -> AuthResult<Option<(Session, User)>> {
    let ctx = call.ctx;
    let Some(token) = crate::cookies::get_signed_cookie(&call.headers, &ctx.cookies.session_token.name, &ctx.config.secret) else {
        return Ok(None);
    };
    ctx.store().await?.find_session(&token).await
}
