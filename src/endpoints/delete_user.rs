//! `POST /delete-user` and `GET /delete-user/callback`, with `user.deleteUser`'s
//! `sendDeleteAccountVerification`, `beforeDelete` and `afterDelete` callbacks.
use super::guard::{Guard, require_session};
use super::{Call, Issues, Output, js_len, opt_str};
use crate::cookies;
use crate::error::{AuthError, AuthResult};
use crate::json::{user_json, zod_type_name};
use crate::store::{Account, User, Verification};
use serde_json::{Value, json};

async fn delete_current_user(call: &mut Call<'_>, user: &User) -> AuthResult<()> {
    let ctx = call.ctx;
    let arg = json!([user_json(user, &ctx.config.schema.user), call.request_arg()]);
    ctx.callbacks.call("deleteUser.beforeDelete", arg.clone()).await?;
    let store = ctx.store().await?;
    // Better Auth's internalAdapter.deleteUser: the user's sessions go first, each through
    // session.delete hooks (a `false` keeps them), then the accounts' hooks, then the user's
    let session_hooks = super::db_hooks::any(call, "session", "delete");
    if session_hooks {
        let sessions = store.list_sessions(&user.id).await?;
        let mut keep = false;
        for s in &sessions {
            if super::db_hooks::before(call, "session", "delete", super::db_hooks::session_data(call, s)).await?.is_none() {
                keep = true;
                break;
            }
        }
        if !keep {
            store.delete_user_sessions(&user.id, None).await?;
            for s in &sessions {
                super::db_hooks::after(call, "session", "delete", super::db_hooks::session_data(call, s)).await?;
            }
        }
    }
    let accounts = if super::db_hooks::any(call, "account", "delete") { store.list_accounts(&user.id).await? } else { Vec::new() };
    for a in &accounts {
        if super::db_hooks::before(call, "account", "delete", super::db_hooks::account_json(a)).await?.is_none() {
            return Err(AuthError::base("BAD_REQUEST", "FAILED_TO_DELETE_USER"));
        }
    }
    if super::db_hooks::before(call, "user", "delete", super::db_hooks::user_data(call, user)).await?.is_none() {
        return Err(AuthError::base("BAD_REQUEST", "FAILED_TO_DELETE_USER"));
    }
    // what is left (accounts, the user, sessions a hook did not veto) goes in one transaction
    store.delete_user(&user.id).await?;
    for a in &accounts {
        super::db_hooks::after(call, "account", "delete", super::db_hooks::account_json(a)).await?;
    }
    super::db_hooks::after(call, "user", "delete", super::db_hooks::user_data(call, user)).await?;
    cookies::delete_session_cookie(&mut call.out, &ctx.cookies, &call.headers);
    ctx.callbacks.call("deleteUser.afterDelete", arg).await?;
    Ok(())
}

async fn delete_with_token(call: &mut Call<'_>, user: &User, token: &str) -> AuthResult<()> {
    let ctx = call.ctx;
    let store = ctx.store().await?;
    let identifier = format!("delete-account-{token}");
    let v = store.find_verification(&identifier).await?;
    let consumed = match v {
        Some(v) if v.expires_at >= ctx.now() => super::db_hooks::delete_verification(call, &v).await? > 0 && v.value == user.id,
        _ => false,
    };
    if !consumed {
        return Err(AuthError::base("NOT_FOUND", "INVALID_TOKEN"));
    }
    delete_current_user(call, user).await
}

/// `POST /delete-user` (sensitive) `{ password?, token?, callbackURL? }`.
pub async fn delete_user(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let (password, token, callback) = match call.body.as_ref() {
        None => (None, None, None),
        Some(Value::Object(m)) => (
            opt_str(m, "password", &mut issues).map(str::to_string),
            opt_str(m, "token", &mut issues).map(str::to_string),
            opt_str(m, "callbackURL", &mut issues).map(str::to_string),
        ),
        Some(other) => {
            issues.push("", format!("Invalid input: expected object, received {}", zod_type_name(Some(other))));
            (None, None, None)
        }
    };
    issues.finish()?;
    let (session, user) = require_session(call, Guard::Sensitive).await?;
    let ctx = call.ctx;
    if !ctx.config.delete_user_enabled {
        return Err(AuthError::empty("NOT_FOUND"));
    }
    let store = ctx.store().await?;
    if let Some(pw) = password.as_deref().filter(|p| !p.is_empty()) {
        if js_len(pw) > ctx.config.email_and_password.max_password_length {
            return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_LONG"));
        }
        let hash = match store.find_credential_account(&user.id).await? {
            Some(Account { password: Some(h), .. }) => h,
            _ => return Err(AuthError::base("BAD_REQUEST", "CREDENTIAL_ACCOUNT_NOT_FOUND")),
        };
        if !ctx.verify_password(&hash, pw).await? {
            return Err(AuthError::base("BAD_REQUEST", "INVALID_PASSWORD"));
        }
    }
    if let Some(t) = token.as_deref().filter(|t| !t.is_empty()) {
        delete_with_token(call, &user, t).await?;
        return Ok(json!({ "success": true, "message": "User deleted" }));
    }
    if ctx.callbacks.has("deleteUser.sendDeleteAccountVerification") {
        let token = crate::crypto::random::random_string(32, crate::crypto::random::LOWER_ALNUM);
        let now = ctx.now();
        let mut v = Verification {
            id: ctx.generate_id("verification").await?,
            identifier: format!("delete-account-{token}"),
            value: user.id.clone(),
            expires_at: now + ctx.config.delete_token_expires_in * 1000,
            created_at: now,
            updated_at: now,
        };
        if !super::db_hooks::create_verification(call, &mut v).await? {
            return Err(AuthError::base("BAD_REQUEST", "FAILED_TO_CREATE_VERIFICATION"));
        }
        let cb = cookies::encode_uri_component(callback.as_deref().filter(|c| !c.is_empty()).unwrap_or("/"));
        let url = format!("{}/delete-user/callback?token={token}&callbackURL={cb}", call.base_url());
        let data = json!({ "user": user_json(&user, &ctx.config.schema.user), "url": url, "token": token });
        ctx.callbacks.call_background("deleteUser.sendDeleteAccountVerification", json!([data, call.request_arg()])).await;
        return Ok(json!({ "success": true, "message": "Verification email sent" }));
    }
    let fresh_age = ctx.config.session.fresh_age;
    if password.as_deref().is_none_or(str::is_empty) && fresh_age != 0 && ctx.now() - session.created_at >= fresh_age * 1000 {
        return Err(AuthError::base("BAD_REQUEST", "SESSION_EXPIRED"));
    }
    delete_current_user(call, &user).await?;
    Ok(json!({ "success": true, "message": "User deleted" }))
}

/// `GET /delete-user/callback?token=...&callbackURL=...`: deletes the signed-in user when the
/// mailed token is theirs.
pub async fn delete_user_callback(call: &mut Call<'_>) -> AuthResult<Output> {
    let (token, callback) = super::token_and_callback(call)?;
    if !call.ctx.config.delete_user_enabled {
        return Err(AuthError::coded("NOT_FOUND", "NOT_FOUND", "Not found"));
    }
    let user = match require_session(call, Guard::Sensitive).await {
        Ok((_, u)) => u,
        Err(_) => {
            call.out = Default::default();
            return Err(AuthError::base("NOT_FOUND", "FAILED_TO_GET_USER_INFO"));
        }
    };
    delete_with_token(call, &user, &token).await?;
    Ok(match callback {
        Some(cb) => Output::Redirect(cb),
        None => Output::Json(json!({ "success": true, "message": "User deleted" })),
    })
}
