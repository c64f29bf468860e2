//! `POST /sign-in/username` and `POST /is-username-available`.
use super::{UsernamePlugin, err};
use crate::endpoints::guard::{Guard, require_session};
use crate::endpoints::{Call, Issues, body_object, js_len, opt_bool, opt_str, req_str};
use crate::error::{AuthError, AuthResult};
use crate::store::User;
use serde_json::{Value, json};

fn plugin<'a>(call: &Call<'a>) -> AuthResult<&'a UsernamePlugin> {
    call.ctx.config.plugins.get::<UsernamePlugin>().ok_or_else(|| AuthError::empty("NOT_FOUND"))
}

/// The caller's user when a session is present (Better Auth's `getSessionFromCtx`), else `None`.
pub(super) async fn session_user(call: &mut Call<'_>) -> AuthResult<Option<User>> {
    match require_session(call, Guard::Session).await {
        Ok((_, u)) => Ok(Some(u)),
        // no session: the hook goes on (the read's cookie clean-up is kept, as Better Auth's)
        Err(e) if e.status() == 401 => Ok(None),
        Err(e) => Err(e),
    }
}

/// `POST /sign-in/username` `{ username, password, rememberMe?, callbackURL? }`.
pub async fn sign_in_username(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let m = body_object(call.body.as_ref(), &mut issues).cloned();
    let (mut username, mut password, mut callback, mut remember) = (None, None, None, None);
    if let Some(m) = &m {
        username = req_str(m, "username", &mut issues).map(str::to_string);
        password = req_str(m, "password", &mut issues).map(str::to_string);
        remember = opt_bool(m, "rememberMe", &mut issues);
        callback = opt_str(m, "callbackURL", &mut issues).map(str::to_string);
    }
    issues.finish()?;
    let (Some(username), Some(password)) = (username, password) else { return Err(AuthError::validation("[body] Invalid input")) };
    let p = plugin(call)?;
    let ctx = call.ctx;
    if username.is_empty() || password.is_empty() {
        return Err(err("UNAUTHORIZED", "INVALID_USERNAME_OR_PASSWORD"));
    }
    if let Some(code) = p.check_value(call, &username).await? {
        return Err(err("UNPROCESSABLE_ENTITY", code));
    }
    if js_len(&password) > ctx.config.email_and_password.max_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_LONG"));
    }
    let normalized = p.normalize(call, &username).await?;
    let Some(user) = p.find(call, &normalized).await? else {
        // the same work as a real check, so timing does not reveal which usernames exist
        ctx.hash_password(&password).await?;
        return Err(err("UNAUTHORIZED", "INVALID_USERNAME_OR_PASSWORD"));
    };
    let account = ctx.store().await?.find_credential_account(&user.id).await?;
    let Some(hash) = account.and_then(|a| a.password) else { return Err(err("UNAUTHORIZED", "INVALID_USERNAME_OR_PASSWORD")) };
    if !ctx.verify_password(&hash, &password).await? {
        return Err(err("UNAUTHORIZED", "INVALID_USERNAME_OR_PASSWORD"));
    }
    crate::endpoints::sign_in::finish(call, &user, &hash, &password, callback, remember).await
}

/// `POST /is-username-available` `{ username }` → `{ available }`.
pub async fn is_username_available(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let username = body_object(call.body.as_ref(), &mut issues).and_then(|m| req_str(m, "username", &mut issues)).map(str::to_string);
    issues.finish()?;
    let username = username.unwrap_or_default();
    let p = plugin(call)?;
    if username.is_empty() {
        return Err(err("UNPROCESSABLE_ENTITY", "INVALID_USERNAME"));
    }
    if let Some(code) = p.check_value(call, &username).await? {
        return Err(err("UNPROCESSABLE_ENTITY", code));
    }
    let normalized = p.normalize(call, &username).await?;
    Ok(json!({ "available": p.find(call, &normalized).await?.is_none() }))
}
