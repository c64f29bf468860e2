//! The OAuth account endpoints (spec §2.5, §2.7–§2.9): `POST /unlink-account`,
//! `POST /get-access-token`, `POST /refresh-token` and `GET /account-info`. Accounts are
//! selected by their row id (`accountId`); `useAccountCookie` reads the `account_data` cookie,
//! which this version does not write, so it finds no account.
use super::flow::{self, Tokens};
use crate::endpoints::guard::{Guard, require_session};
use crate::endpoints::session::session_from_ctx;
use crate::endpoints::{Call, db_hooks};
use crate::error::{AuthError, AuthResult};
use crate::store::{Account, AccountUpdate};
use serde_json::{Map, Value, json};

/// `POST /unlink-account { accountId }` (the account row id).
pub async fn unlink_account(call: &mut Call<'_>) -> AuthResult<Value> {
    let account_id = match call.body.as_ref().and_then(|b| b.get("accountId")) {
        Some(Value::String(s)) => s.clone(),
        other => {
            return Err(AuthError::validation(format!(
                "[body.accountId] Invalid input: expected string, received {}",
                crate::json::zod_type_name(other)
            )))
        }
    };
    let (_, user) = require_session(call, Guard::Fresh).await?;
    let store = call.ctx.store().await?;
    let accounts = store.list_accounts(&user.id).await?;
    if accounts.len() == 1 && !call.ctx.config.oauth.allow_unlinking_all {
        return Err(AuthError::coded("BAD_REQUEST", "FAILED_TO_UNLINK_LAST_ACCOUNT", "You can't unlink your last account"));
    }
    let Some(acc) = accounts.into_iter().find(|a| a.id == account_id) else {
        return Err(AuthError::coded("BAD_REQUEST", "ACCOUNT_NOT_FOUND", "Account not found"));
    };
    if db_hooks::before(call, "account", "delete", db_hooks::account_json(&acc)).await?.is_some() {
        store.delete_account(&acc.id).await?;
        db_hooks::after(call, "account", "delete", db_hooks::account_json(&acc)).await?;
    }
    Ok(json!({ "status": true }))
}

/// `{ accountId, userId? } | { useAccountCookie: true, userId? }` (strict objects).
enum Selection {
    Row(String),
    Cookie,
}

fn parse_selection(v: Option<&Value>, loc: &str) -> AuthResult<(Selection, Option<String>)> {
    let invalid = || AuthError::validation(format!("[{loc}] Invalid input"));
    let Some(Value::Object(m)) = v else { return Err(invalid()) };
    let user_id = match m.get("userId") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(invalid()),
    };
    let (sel, allowed) = match (m.get("accountId"), m.get("useAccountCookie")) {
        (Some(Value::String(a)), _) => (Selection::Row(a.clone()), ["accountId", "userId"]),
        (None, Some(Value::Bool(true))) => (Selection::Cookie, ["useAccountCookie", "userId"]),
        _ => return Err(invalid()),
    };
    let extra: Vec<String> = m.keys().filter(|k| !allowed.contains(&k.as_str())).map(|k| format!("\"{k}\"")).collect();
    match extra.len() {
        0 => Ok((sel, user_id)),
        1 => Err(AuthError::validation(format!("[{loc}] Unrecognized key: {}", extra[0]))),
        _ => Err(AuthError::validation(format!("[{loc}] Unrecognized keys: {}", extra.join(", ")))),
    }
}

/// `resolveUserId`: the session's user (read past the cookie cache), or a server call's `userId`.
async fn resolve_user_id(call: &mut Call<'_>, user_id: Option<String>) -> AuthResult<String> {
    let found = session_from_ctx(call, true).await?;
    if found.is_none() && call.headers_given {
        return Err(AuthError::empty("UNAUTHORIZED"));
    }
    let sid = found.as_ref().and_then(|f| f.get("user")).and_then(|u| u.get("id")).and_then(Value::as_str).map(str::to_string);
    sid.or(user_id).filter(|s| !s.is_empty()).ok_or_else(|| AuthError::coded("BAD_REQUEST", "USER_ID_OR_SESSION_REQUIRED", "Either userId or session is required"))
}

async fn resolve_account(call: &Call<'_>, user_id: &str, sel: &Selection) -> AuthResult<Account> {
    if let Selection::Row(id) = sel
        && let Some(a) = call.ctx.store().await?.list_accounts(user_id).await?.into_iter().find(|a| a.id == *id)
    {
        return Ok(a);
    }
    // `useAccountCookie: true`: the account the cookie carries, when it is this user's
    let ctx = call.ctx;
    if let Selection::Cookie = sel
        && let Some(a) = super::account_cookie::get(&ctx.config, &ctx.cookies, &call.headers, ctx.now()).as_ref().and_then(super::account_cookie::to_account)
        && a.user_id == user_id
    {
        return Ok(a);
    }
    Err(AuthError::coded("BAD_REQUEST", "ACCOUNT_NOT_FOUND", "Account not found"))
}

fn scopes_of(scope: Option<&str>) -> Value {
    Value::Array(scope.unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| Value::String(s.into())).collect())
}

/// The account as it reads after `upd` (for the `account_data` cookie).
fn with_update(acc: &Account, upd: &crate::store::AccountUpdate, now: i64) -> Account {
    let mut c = acc.clone();
    let t = &mut c.tokens;
    t.access_token = upd.access_token.clone().or(t.access_token.take());
    t.refresh_token = upd.refresh_token.clone().or(t.refresh_token.take());
    t.id_token = upd.id_token.clone().or(t.id_token.take());
    t.access_token_expires_at = upd.access_token_expires_at.or(t.access_token_expires_at);
    t.refresh_token_expires_at = upd.refresh_token_expires_at.or(t.refresh_token_expires_at);
    c.updated_at = now;
    c
}

fn iso(ms: Option<i64>) -> Option<Value> {
    ms.map(|t| Value::String(crate::time::to_iso(t)))
}

/// `getValidAccessToken`: the stored token, refreshed first when it expires within 5 s.
async fn valid_access_token(call: &mut Call<'_>, acc: &Account) -> AuthResult<Map<String, Value>> {
    let ctx = call.ctx;
    let Some(p) = super::provider::find(ctx, &acc.provider_id).await? else {
        return Err(AuthError::coded("BAD_REQUEST", "PROVIDER_NOT_SUPPORTED", format!("Provider {} is not supported.", acc.provider_id)));
    };
    let fail = || AuthError::coded("BAD_REQUEST", "FAILED_TO_GET_ACCESS_TOKEN", "Failed to get a valid access token");
    let t = &super::open_tokens(ctx, &acc.tokens).map_err(|_| fail())?;
    let expired = t.access_token_expires_at.is_some_and(|e| e - ctx.now() < 5000);
    let mut fresh: Option<Tokens> = None;
    if let (Some(rt), true, true) = (t.refresh_token.as_deref().filter(|r| !r.is_empty()), expired, p.token_url.is_some()) {
        let n = flow::refresh(ctx, &p, rt).await.map_err(|_| fail())?;
        let upd = AccountUpdate {
            access_token: super::seal(ctx, &n.access_token)?,
            access_token_expires_at: n.access_token_expires_at,
            refresh_token: super::seal(ctx, &n.refresh_token.clone().or_else(|| t.refresh_token.clone()))?,
            refresh_token_expires_at: n.refresh_token_expires_at.or(t.refresh_token_expires_at),
            id_token: n.id_token.clone().filter(|s| !s.is_empty()).or_else(|| t.id_token.clone()),
            scope: None,
        };
        ctx.store().await?.update_account(&acc.id, &upd, ctx.now()).await.map_err(|_| fail())?;
        if ctx.config.oauth.store_account_cookie {
            super::account_cookie::set_from(call, &crate::endpoints::db_hooks::account_json(&with_update(acc, &upd, ctx.now())));
        }
        fresh = Some(n);
    }
    let mut out = Map::new();
    let at = fresh.as_ref().and_then(|n| n.access_token.clone()).or_else(|| t.access_token.clone()).unwrap_or_default();
    out.insert("accessToken".into(), Value::String(at));
    if let Some(v) = iso(fresh.as_ref().and_then(|n| n.access_token_expires_at).or(t.access_token_expires_at)) {
        out.insert("accessTokenExpiresAt".into(), v);
    }
    out.insert("scopes".into(), scopes_of(acc.scope.as_deref()));
    if let Some(idt) = fresh.as_ref().and_then(|n| n.id_token.clone()).or_else(|| t.id_token.clone()) {
        out.insert("idToken".into(), Value::String(idt));
    }
    Ok(out)
}

/// `POST /get-access-token`.
pub async fn get_access_token(call: &mut Call<'_>) -> AuthResult<Value> {
    let (sel, user_id) = parse_selection(call.body.as_ref(), "body")?;
    let uid = resolve_user_id(call, user_id).await?;
    let acc = resolve_account(call, &uid, &sel).await?;
    Ok(Value::Object(valid_access_token(call, &acc).await?))
}

/// `POST /refresh-token`: always refreshes.
pub async fn refresh_token(call: &mut Call<'_>) -> AuthResult<Value> {
    let (sel, user_id) = parse_selection(call.body.as_ref(), "body")?;
    let uid = resolve_user_id(call, user_id).await?;
    let acc = resolve_account(call, &uid, &sel).await?;
    let ctx = call.ctx;
    let Some(p) = super::provider::find(ctx, &acc.provider_id).await? else {
        return Err(AuthError::coded("BAD_REQUEST", "PROVIDER_NOT_SUPPORTED", format!("Provider {} is not supported.", acc.provider_id)));
    };
    let t = &super::open_tokens(ctx, &acc.tokens)?;
    let Some(rt) = t.refresh_token.clone().filter(|r| !r.is_empty()) else {
        return Err(AuthError::coded("BAD_REQUEST", "REFRESH_TOKEN_NOT_FOUND", "Refresh token not found"));
    };
    let fail = || AuthError::coded("BAD_REQUEST", "FAILED_TO_REFRESH_ACCESS_TOKEN", "Failed to refresh access token");
    let n = flow::refresh(ctx, &p, &rt).await.map_err(|_| fail())?;
    let refresh = n.refresh_token.clone().unwrap_or_else(|| rt.clone());
    let refresh_expires = n.refresh_token_expires_at.or(t.refresh_token_expires_at);
    let id_token = n.id_token.clone().filter(|s| !s.is_empty()).or_else(|| t.id_token.clone());
    let upd = AccountUpdate {
        access_token: super::seal(ctx, &n.access_token)?,
        refresh_token: super::seal(ctx, &Some(refresh.clone()))?,
        access_token_expires_at: n.access_token_expires_at,
        refresh_token_expires_at: refresh_expires,
        id_token: id_token.clone(),
        scope: None,
    };
    ctx.store().await?.update_account(&acc.id, &upd, ctx.now()).await.map_err(|_| fail())?;
    if matches!(sel, Selection::Cookie) && ctx.config.oauth.store_account_cookie {
        super::account_cookie::set_from(call, &crate::endpoints::db_hooks::account_json(&with_update(&acc, &upd, ctx.now())));
    }
    let mut out = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            out.insert(k.into(), v);
        }
    };
    put("accessToken", n.access_token.clone().map(Value::String));
    put("refreshToken", Some(Value::String(refresh)));
    put("accessTokenExpiresAt", iso(n.access_token_expires_at));
    // columns read back from the row are `null` when empty (not left out)
    put("refreshTokenExpiresAt", Some(iso(refresh_expires).unwrap_or(Value::Null)));
    put("scope", Some(acc.scope.clone().map(Value::String).unwrap_or(Value::Null)));
    put("idToken", Some(id_token.map(Value::String).unwrap_or(Value::Null)));
    put("providerId", Some(Value::String(acc.provider_id.clone())));
    put("accountId", Some(Value::String(acc.id.clone())));
    Ok(Value::Object(out))
}

/// `GET /account-info?accountId=<row id>`.
pub async fn account_info(call: &mut Call<'_>) -> AuthResult<Value> {
    let q = Value::Object(call.query.clone());
    let (sel, user_id) = parse_selection(Some(&q), "query")?;
    let uid = resolve_user_id(call, user_id).await?;
    let acc = resolve_account(call, &uid, &sel).await?;
    let ctx = call.ctx;
    let Some(p) = super::provider::find(ctx, &acc.provider_id).await? else {
        return Err(AuthError::coded("BAD_REQUEST", "PROVIDER_NOT_CONFIGURED", "Account is not associated with a configured social provider."));
    };
    let tokens = valid_access_token(call, &acc).await?;
    let at = tokens.get("accessToken").and_then(Value::as_str).unwrap_or("").to_string();
    if at.is_empty() {
        return Err(AuthError::coded("BAD_REQUEST", "ACCESS_TOKEN_NOT_FOUND", "Access token not found"));
    }
    let t = Tokens {
        access_token: Some(at),
        id_token: tokens.get("idToken").and_then(Value::as_str).map(str::to_string),
        access_token_expires_at: tokens.get("accessTokenExpiresAt").and_then(Value::as_str).and_then(crate::time::parse_date),
        scopes: tokens.get("scopes").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default(),
        ..Default::default()
    };
    let info = match flow::user_info(ctx, &p, &t, None).await {
        Ok(Some(i)) => i,
        Ok(None) => return Err(AuthError::coded("UNAUTHORIZED", "FAILED_TO_GET_USER_INFO", "Failed to get user info")),
        Err(e @ AuthError::Api(_)) => return Err(e),
        Err(e) => {
            crate::log::error(&format!("account-info: {e}"));
            return Err(AuthError::coded("UNAUTHORIZED", "FAILED_TO_GET_USER_INFO", "Failed to get user info"));
        }
    };
    Ok(json!({ "user": info.user, "data": info.data, "account": { "id": acc.id, "providerId": acc.provider_id, "accountId": acc.account_id } }))
}
