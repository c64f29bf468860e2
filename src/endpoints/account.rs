//! Session management and the signed-in user's own account: `list-sessions`,
//! `revoke-session`, `revoke-sessions`, `revoke-other-sessions`, `update-user`,
//! `change-password`, `verify-password`, server-only `setPassword`, `list-accounts`.
use super::guard::{Guard, require_session};
use super::sign_up::log_internal;
use super::{Call, Issues, js_len, opt_bool, req_str};
use crate::cookies;
use crate::error::{AuthError, AuthResult};
use crate::json::{session_json, user_json};
use crate::store::{Account, CreateUserError, UserUpdate};
use serde_json::{Value, json};

fn check_length(ctx: &crate::context::AuthContext, password: &str, min: bool) -> AuthResult<()> {
    let ep = &ctx.config.email_and_password;
    let len = js_len(password);
    if min && len < ep.min_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_SHORT"));
    }
    if len > ep.max_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_LONG"));
    }
    Ok(())
}

/// `GET /list-sessions` (fresh): the user's unexpired sessions.
pub async fn list_sessions(call: &mut Call<'_>) -> AuthResult<Value> {
    let (_, user) = require_session(call, Guard::Fresh).await?;
    let ctx = call.ctx;
    let now = ctx.now();
    let sessions = ctx.store().await?.list_active_sessions(&user.id, now).await?;
    Ok(Value::Array(sessions.iter().map(|s| session_json(s, &ctx.config.schema.session)).collect()))
}

/// `POST /revoke-session` (sensitive) `{ token }`: deletes that session if it is the caller's.
pub async fn revoke_session(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let token = super::body_object(call.body.as_ref(), &mut issues).and_then(|m| req_str(m, "token", &mut issues)).map(str::to_string);
    issues.finish()?;
    let (_, user) = require_session(call, Guard::Sensitive).await?;
    let store = call.ctx.store().await?;
    if let Some(token) = token
        && let Some((s, _)) = store.find_session(&token).await?
            && s.user_id == user.id {
                store.delete_session(&token).await.map_err(|e| {
                    log_internal("failed to revoke a session", &e);
                    AuthError::base("INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR")
                })?;
            }
    Ok(json!({ "status": true }))
}

/// `POST /revoke-sessions` (sensitive): deletes all of the user's sessions.
pub async fn revoke_sessions(call: &mut Call<'_>) -> AuthResult<Value> {
    let (_, user) = require_session(call, Guard::Sensitive).await?;
    call.ctx.store().await?.delete_user_sessions(&user.id, None).await.map_err(|e| {
        log_internal("failed to revoke sessions", &e);
        AuthError::base("INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR")
    })?;
    Ok(json!({ "status": true }))
}

/// `POST /revoke-other-sessions` (sensitive): deletes all sessions but the current one.
pub async fn revoke_other_sessions(call: &mut Call<'_>) -> AuthResult<Value> {
    let (session, user) = require_session(call, Guard::Sensitive).await?;
    call.ctx.store().await?.delete_user_sessions(&user.id, Some(&session.token)).await.map_err(|e| {
        log_internal("failed to revoke sessions", &e);
        AuthError::base("INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR")
    })?;
    Ok(json!({ "status": true }))
}

/// `POST /update-user` (session): `name`, `image`, additional fields; never `email`.
pub async fn update_user(call: &mut Call<'_>) -> AuthResult<Value> {
    let (session, user) = require_session(call, Guard::Session).await?;
    let ctx = call.ctx;
    let Some(Value::Object(body)) = call.body.as_ref() else {
        return Err(AuthError::base("BAD_REQUEST", "BODY_MUST_BE_AN_OBJECT"));
    };
    if body.get("email").is_some_and(crate::origin::truthy) {
        return Err(AuthError::base("BAD_REQUEST", "EMAIL_CAN_NOT_BE_UPDATED"));
    }
    let mut update = UserUpdate::default();
    match body.get("name") {
        None => {}
        Some(Value::String(n)) => update.name = Some(n.clone()),
        Some(Value::Null) => {}
        Some(other) => update.name = Some(match other {
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(AuthError::coded("BAD_REQUEST", "VALIDATION_ERROR", "name must be a string")),
        }),
    }
    match body.get("image") {
        None => {}
        Some(Value::Null) => update.image = Some(None),
        Some(Value::String(s)) => update.image = Some(Some(s.clone())),
        Some(_) => return Err(AuthError::coded("BAD_REQUEST", "VALIDATION_ERROR", "image must be a string or null")),
    }
    update.extra = super::fields::parse_input(&ctx.config.schema.user, body, false)?;
    if update.is_empty() {
        return Err(AuthError::message_only("BAD_REQUEST", "No fields to update"));
    }
    if super::db_hooks::any(call, "user", "update") {
        // Better Auth passes { name, image, ...fields } with `undefined` for what the body left out
        let undefined = json!({ "__undefined": true });
        let mut data = serde_json::Map::new();
        data.insert("name".into(), update.name.clone().map(Value::String).unwrap_or_else(|| undefined.clone()));
        data.insert(
            "image".into(),
            match &update.image {
                Some(i) => i.clone().map(Value::String).unwrap_or(Value::Null),
                None => undefined.clone(),
            },
        );
        for (k, v) in &update.extra {
            data.insert(k.clone(), v.clone());
        }
        match super::db_hooks::before(call, "user", "update", Value::Object(data)).await? {
            None => return Err(AuthError::base("BAD_REQUEST", "FAILED_TO_UPDATE_USER")),
            Some(Value::Object(d)) => {
                let mut u = user.clone();
                super::db_hooks::merge_user(&mut u, &d);
                if d.contains_key("name") {
                    update.name = Some(u.name.clone());
                }
                if d.contains_key("image") {
                    update.image = Some(u.image.clone());
                }
                for f in ctx.config.schema.user.extra_fields() {
                    if let Some(v) = d.get(&f.key) {
                        update.extra.insert(f.key.clone(), v.clone());
                    }
                }
            }
            Some(_) => {}
        }
    }
    let updated = match ctx.store().await?.update_user(&user.id, &update, ctx.now()).await {
        Ok(u) => u,
        Err(CreateUserError::EmailTaken) => return Err(AuthError::base("UNPROCESSABLE_ENTITY", "USER_ALREADY_EXISTS")),
        Err(CreateUserError::Other(e)) => return Err(e),
    };
    if let Some(u) = &updated {
        super::db_hooks::after(call, "user", "update", super::db_hooks::user_data(call, u)).await?;
    }
    // Better Auth re-sends the session cookie (same token), then the cache with the updated user
    cookies::set_session_cookie(&mut call.out, &ctx.cookies, &ctx.config.secret, &call.headers, &session.token, None, ctx.config.session.expires_in);
    if let Some(u) = &updated {
        let dr = cookies::get_signed_cookie(&call.headers, &ctx.cookies.dont_remember.name, &ctx.config.secret).is_some();
        let schema = &ctx.config.schema;
        super::session::write_cache_for(call, &session_json(&session, &schema.session), &user_json(u, &schema.user), dr).await?;
    }
    Ok(json!({ "status": true }))
}

/// `POST /change-password` (sensitive): `newPassword`, `currentPassword`, `revokeOtherSessions`.
pub async fn change_password(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let (new_pw, current_pw, revoke) = match super::body_object(call.body.as_ref(), &mut issues) {
        Some(m) => (
            req_str(m, "newPassword", &mut issues).map(str::to_string),
            req_str(m, "currentPassword", &mut issues).map(str::to_string),
            opt_bool(m, "revokeOtherSessions", &mut issues).unwrap_or(false),
        ),
        None => (None, None, false),
    };
    issues.finish()?;
    let (Some(new_pw), Some(current_pw)) = (new_pw, current_pw) else { return Err(AuthError::validation("[body] Invalid input")) };
    let (_, user) = require_session(call, Guard::Sensitive).await?;
    let ctx = call.ctx;
    check_length(ctx, &new_pw, true)?;
    check_length(ctx, &current_pw, false)?;
    let store = ctx.store().await?;
    let account = match store.find_credential_account(&user.id).await? {
        Some(a) if a.password.is_some() => a,
        _ => return Err(AuthError::base("BAD_REQUEST", "CREDENTIAL_ACCOUNT_NOT_FOUND")),
    };
    crate::crypto::common::check(&new_pw, ctx.config.email_and_password.reject_common.as_ref())?;
    let hash = ctx.hash_password(&new_pw).await?;
    if !ctx.verify_password(account.password.as_deref().unwrap_or_default(), &current_pw).await? {
        return Err(AuthError::base("BAD_REQUEST", "INVALID_PASSWORD"));
    }
    let now = ctx.now();
    let mut token = Value::Null;
    if revoke {
        store.delete_user_sessions(&user.id, None).await?;
    }
    if !super::db_hooks::update_password_of(call, Some(&account.id), &user.id, &hash, now).await? {
        return Err(AuthError::base("BAD_REQUEST", "FAILED_TO_UPDATE_USER"));
    }
    if revoke {
        let s = super::start_session::start(call, &user, false, "INTERNAL_SERVER_ERROR").await.map_err(|e| match e {
            AuthError::Api(_) => AuthError::base("INTERNAL_SERVER_ERROR", "FAILED_TO_GET_SESSION"),
            other => other,
        })?;
        super::start_session::finish(call, &s, &user, None).await?;
        token = Value::String(s.token);
    }
    Ok(json!({ "token": token, "user": user_json(&user, &ctx.config.schema.user) }))
}

/// Links a credential account holding `hash` to the user (with `account.create` hooks).
pub async fn create_credential_account(call: &Call<'_>, user_id: &str, hash: String, now: i64) -> AuthResult<()> {
    let ctx = call.ctx;
    let mut a = Account {
        id: ctx.generate_id("account").await?,
        account_id: user_id.to_string(),
        provider_id: "credential".into(),
        user_id: user_id.to_string(),
        password: Some(hash),
        created_at: now,
        updated_at: now,
        scope: None,
        tokens: Default::default(),
    };
    super::db_hooks::create_account(call, &mut a).await.map(|_| ())
}

/// `POST /verify-password` (sensitive) `{ password }`.
pub async fn verify_password(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let password = super::body_object(call.body.as_ref(), &mut issues).and_then(|m| req_str(m, "password", &mut issues)).map(str::to_string);
    issues.finish()?;
    let Some(password) = password else { return Err(AuthError::validation("[body] Invalid input")) };
    let (_, user) = require_session(call, Guard::Sensitive).await?;
    let ctx = call.ctx;
    check_length(ctx, &password, false)?;
    let ok = match ctx.store().await?.find_credential_account(&user.id).await? {
        Some(Account { password: Some(h), .. }) => ctx.verify_password(&h, &password).await?,
        _ => false,
    };
    if !ok {
        return Err(AuthError::base("BAD_REQUEST", "INVALID_PASSWORD"));
    }
    Ok(json!({ "status": true }))
}

/// Server-only `setPassword` `{ newPassword }`: for users without a password.
pub async fn set_password(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let new_pw = super::body_object(call.body.as_ref(), &mut issues).and_then(|m| req_str(m, "newPassword", &mut issues)).map(str::to_string);
    issues.finish()?;
    let Some(new_pw) = new_pw else { return Err(AuthError::validation("[body] Invalid input")) };
    let (_, user) = require_session(call, Guard::Sensitive).await?;
    let ctx = call.ctx;
    check_length(ctx, &new_pw, true)?;
    let store = ctx.store().await?;
    let account = store.find_credential_account(&user.id).await?;
    crate::crypto::common::check(&new_pw, ctx.config.email_and_password.reject_common.as_ref())?;
    let hash = ctx.hash_password(&new_pw).await?;
    let now = ctx.now();
    match account {
        None => create_credential_account(call, &user.id, hash, now).await?,
        Some(Account { password: None, .. }) => {
            super::db_hooks::update_password(call, &user.id, &hash, now).await?;
        }
        Some(_) => return Err(AuthError::base("BAD_REQUEST", "PASSWORD_ALREADY_SET")),
    }
    Ok(json!({ "status": true }))
}

/// `GET /list-accounts` (session): the user's accounts without secrets, `scope` split into `scopes`.
pub async fn list_accounts(call: &mut Call<'_>) -> AuthResult<Value> {
    let (_, user) = require_session(call, Guard::Session).await?;
    let accounts = call.ctx.store().await?.list_accounts(&user.id).await?;
    Ok(Value::Array(
        accounts
            .into_iter()
            .map(|a| {
                let scopes: Vec<Value> = a
                    .scope
                    .as_deref()
                    .map(|s| s.split(',').map(|x| Value::String(x.trim().to_string())).filter(|v| v.as_str() != Some("")).collect())
                    .unwrap_or_default();
                json!({
                    "id": a.id,
                    "providerId": a.provider_id,
                    "createdAt": crate::time::to_iso(a.created_at),
                    "updatedAt": crate::time::to_iso(a.updated_at),
                    "accountId": a.account_id,
                    "userId": a.user_id,
                    "scopes": scopes,
                })
            })
            .collect(),
    ))
}
