//! Password reset: `POST /request-password-reset`, `GET /reset-password/:token` (redirect to the
//! app with the token) and `POST /reset-password`. Tokens are Better Auth's: 24 characters in a
//! `verification` row `reset-password:<token>` whose value is the user id.
use super::sign_up::log_internal;
use super::{Call, Issues, Output, js_len, opt_str, req_str};
use crate::crypto::random::generate_id;
use crate::error::{AuthError, AuthResult};
use crate::json::{user_json, zod_type_name};
use crate::store::{Verification};
use serde_json::{Value, json};

const SENT: &str = "If this email exists in our system, check your email for the reset link";

/// `POST /request-password-reset` `{ email, redirectTo? }`: mails a reset link through
/// `emailAndPassword.sendResetPassword`; the same answer whether or not the user exists.
pub async fn request_password_reset(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let (email, redirect_to) = match super::body_object(call.body.as_ref(), &mut issues) {
        Some(m) => (super::req_email(m, "email", &mut issues), opt_str(m, "redirectTo", &mut issues).map(str::to_string)),
        None => (None, None),
    };
    issues.finish()?;
    let Some(email) = email else { return Err(AuthError::validation("[body] Invalid input")) };
    if let Some(r) = redirect_to.as_deref() {
        super::check_callback_url(call, r)?;
    }
    let ctx = call.ctx;
    if !ctx.callbacks.has("sendResetPassword") {
        return Err(AuthError::coded("BAD_REQUEST", "RESET_PASSWORD_DISABLED", "Reset password isn't enabled"));
    }
    let store = ctx.store().await?;
    let Some(user) = store.find_user_by_email(&email.to_lowercase()).await? else {
        // the same work as for a real user, so timing does not tell
        let _ = generate_id(24);
        let _ = store.find_verification("dummy-verification-token").await?;
        return Ok(json!({ "status": true, "message": SENT }));
    };
    let now = ctx.now();
    let token = generate_id(24);
    let mut v = Verification {
        id: ctx.generate_id("verification").await?,
        identifier: format!("reset-password:{token}"),
        value: user.id.clone(),
        expires_at: now + ctx.config.email_and_password.reset_password_token_expires_in * 1000,
        created_at: now,
        updated_at: now,
    };
    if !super::db_hooks::create_verification(call, &mut v).await? {
        return Err(AuthError::base("BAD_REQUEST", "FAILED_TO_CREATE_VERIFICATION"));
    }
    let callback = redirect_to.map(|r| crate::cookies::encode_uri_component(&r)).unwrap_or_default();
    let url = format!("{}/reset-password/{token}?callbackURL={callback}", call.base_url());
    let data = json!({ "user": user_json(&user, &ctx.config.schema.user), "url": url, "token": token });
    ctx.callbacks.call_background("sendResetPassword", json!([data, call.request_arg()])).await;
    Ok(json!({ "status": true, "message": SENT }))
}

fn with_query(base_url: &str, target: &str, key: &str, value: &str) -> String {
    let resolved = url::Url::parse(&format!("{base_url}/")).ok().and_then(|b| b.join(target).ok());
    match resolved {
        Some(mut u) => {
            let pairs: Vec<(String, String)> =
                u.query_pairs().filter(|(k, _)| k != key).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            u.query_pairs_mut().clear().extend_pairs(pairs).append_pair(key, value);
            u.to_string()
        }
        None => format!("{base_url}/error?error=INVALID_TOKEN"),
    }
}

/// `GET /reset-password/:token?callbackURL=...`: 302 to the app's page with `?token=`, or with
/// `?error=INVALID_TOKEN`.
pub async fn reset_password_callback(call: &mut Call<'_>) -> AuthResult<Output> {
    let callback = match call.query.get("callbackURL") {
        Some(Value::String(s)) => s.clone(),
        other => {
            return Err(AuthError::validation(format!(
                "[query.callbackURL] Invalid input: expected string, received {}",
                zod_type_name(other)
            )));
        }
    };
    super::check_callback_url(call, &callback)?;
    let base_url = call.base_url();
    let token = call.params.get("token").and_then(Value::as_str).unwrap_or("").to_string();
    let error_target = |cb: &str| {
        if cb.is_empty() { with_query(&base_url, &format!("{base_url}/error"), "error", "INVALID_TOKEN") } else { with_query(&base_url, cb, "error", "INVALID_TOKEN") }
    };
    if token.is_empty() || callback.is_empty() {
        return Ok(Output::Redirect(error_target(&callback)));
    }
    let ctx = call.ctx;
    let v = ctx.store().await?.find_verification(&format!("reset-password:{token}")).await?;
    match v {
        Some(v) if v.expires_at >= ctx.now() => Ok(Output::Redirect(with_query(&base_url, &callback, "token", &token))),
        _ => Ok(Output::Redirect(error_target(&callback))),
    }
}

/// `POST /reset-password` `{ newPassword, token }` (or `?token=`): consumes the token and sets
/// the password (creating a credential account if there is none).
pub async fn reset_password(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let (new_pw, body_token) = match call.body.as_ref() {
        Some(Value::Object(m)) => (req_str(m, "newPassword", &mut issues).map(str::to_string), opt_str(m, "token", &mut issues).map(str::to_string)),
        other => {
            issues.push("", format!("Invalid input: expected object, received {}", zod_type_name(other)));
            (None, None)
        }
    };
    issues.finish()?;
    let Some(new_pw) = new_pw else { return Err(AuthError::validation("[body] Invalid input")) };
    let token = body_token.filter(|t| !t.is_empty()).or_else(|| call.query.get("token").and_then(Value::as_str).map(str::to_string));
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(AuthError::base("BAD_REQUEST", "INVALID_TOKEN"));
    };
    let ctx = call.ctx;
    let ep = &ctx.config.email_and_password;
    let len = js_len(&new_pw);
    if len < ep.min_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_SHORT"));
    }
    if len > ep.max_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_LONG"));
    }
    let store = ctx.store().await?;
    let identifier = format!("reset-password:{token}");
    let now = ctx.now();
    let verification = match store.find_verification(&identifier).await? {
        Some(v) if v.expires_at >= now => v,
        _ => return Err(AuthError::base("BAD_REQUEST", "INVALID_TOKEN")),
    };
    let Some(user) = store.find_user_by_id(&verification.value).await? else {
        return Err(AuthError::base("BAD_REQUEST", "USER_NOT_FOUND"));
    };
    crate::crypto::common::check(&new_pw, ep.reject_common.as_ref())?;
    let hash = ctx.hash_password(&new_pw).await?;
    // consume first: of two concurrent resets with one token, exactly one wins
    if super::db_hooks::delete_verification(call, &verification).await? == 0 {
        return Err(AuthError::base("BAD_REQUEST", "INVALID_TOKEN"));
    }
    if ep.revoke_sessions_on_password_reset {
        store.delete_user_sessions(&user.id, None).await?;
    }
    if store.find_credential_account(&user.id).await?.is_some() {
        super::db_hooks::update_password(call, &user.id, &hash, now).await?;
    } else {
        super::account::create_credential_account(call, &user.id, hash, now).await?;
    }
    if ctx.callbacks.has("onPasswordReset") {
        let data = json!({ "user": user_json(&user, &ctx.config.schema.user) });
        if let Err(e) = ctx.callbacks.call("onPasswordReset", json!([data, call.request_arg()])).await {
            log_internal("onPasswordReset failed", &e);
            return Err(e);
        }
    }
    Ok(json!({ "status": true }))
}
