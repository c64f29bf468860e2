//! The email OTP endpoints, in Better Auth's order of checks: the body (or query) schema, the
//! guard (`formCsrfMiddleware` on send-verification-otp, `sensitiveSessionMiddleware` on the
//! email-change pair), then the endpoint. Emails are lower-cased before anything else; where
//! Better Auth checks their format the answer is 400 `INVALID_EMAIL`.
use super::otp::{self, OnSuccess};
use super::EmailOtpPlugin;
use crate::cookies;
use crate::endpoints::guard::{Guard, require_session};
use crate::endpoints::users::{self, Created};
use crate::endpoints::{Call, Issues, body_object, is_valid_email, js_len, start_session, verification};
use crate::error::{AuthError, AuthResult};
use crate::json::{session_json, user_json, zod_type_name};
use crate::origin;
use crate::store::{CreateUserError, User, UserUpdate};
use serde_json::{Map, Value, json};

const TYPES: [&str; 4] = ["email-verification", "sign-in", "forget-password", "change-email"];

fn plugin<'a>(call: &Call<'a>) -> AuthResult<&'a EmailOtpPlugin> {
    call.ctx.config.plugins.get::<EmailOtpPlugin>().ok_or_else(|| AuthError::empty("NOT_FOUND"))
}

/// Schema checks of one field.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    OptStr,
    Type,
}

fn check(m: &Map<String, Value>, key: &str, kind: Kind, issues: &mut Issues) {
    match (kind, m.get(key)) {
        (Kind::Str, Some(Value::String(_))) | (Kind::OptStr, None | Some(Value::String(_))) => {}
        (Kind::Str | Kind::OptStr, other) => issues.expected(key, "string", other),
        (Kind::Type, Some(Value::String(s))) if TYPES.contains(&s.as_str()) => {}
        (Kind::Type, _) => issues.push(key, r#"Invalid option: expected one of "email-verification"|"sign-in"|"forget-password"|"change-email""#),
    }
}

/// The body as an object after zod's checks of `fields`.
fn body<'c>(call: &'c Call<'_>, fields: &[(&str, Kind)]) -> AuthResult<&'c Map<String, Value>> {
    let mut issues = Issues::default();
    let m = body_object(call.body.as_ref(), &mut issues);
    if let Some(m) = m {
        for (k, kind) in fields {
            check(m, k, *kind, &mut issues);
        }
    }
    issues.finish()?;
    m.ok_or_else(|| AuthError::validation("[body] Invalid input"))
}

fn text(m: &Map<String, Value>, key: &str) -> String {
    m.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// `email.toLowerCase()`, then `z.email()` (400 `INVALID_EMAIL`).
fn checked_email(raw: &str) -> AuthResult<String> {
    let email = raw.to_lowercase();
    if !is_valid_email(&email) {
        return Err(AuthError::base("BAD_REQUEST", "INVALID_EMAIL"));
    }
    Ok(email)
}

async fn find_user(call: &Call<'_>, email: &str) -> AuthResult<Option<User>> {
    call.ctx.store().await?.find_user_by_email(email).await
}

/// The body of `/email-otp/send-verification-otp` as the engine runs it (also for the core's
/// verification emails under `overrideDefaultEmailVerification`): stores the code first, then
/// mails it unless nobody may use it (no user, and not a sign-in that may sign up), in which
/// case the row is deleted again and the answer is the same.
pub async fn send_otp(p: &EmailOtpPlugin, call: &Call<'_>, raw_email: &str, kind: &str, internal: bool) -> AuthResult<()> {
    if !call.ctx.callbacks.has(super::SEND) {
        return Err(AuthError::message_only("BAD_REQUEST", "send email verification is not implemented"));
    }
    let email = checked_email(raw_email)?;
    if kind == "change-email" {
        return Err(AuthError::message_only("BAD_REQUEST", "Invalid OTP type"));
    }
    let id = otp::identifier(kind, &email);
    let code = otp::resolve(p, call, &email, kind).await?;
    let may_sign_up = kind == "sign-in" && !p.disable_sign_up;
    let user = find_user(call, &email).await?;
    if user.is_none() && !may_sign_up {
        verification::delete_all(call, &id).await?;
        return Ok(());
    }
    let to = user.map(|u| u.email).unwrap_or(email);
    if internal {
        let body = json!({ "email": raw_email, "type": kind });
        return otp::send_with(call, &to, &code, kind, otp::endpoint_ctx(call, "/email-otp/send-verification-otp", body)).await;
    }
    otp::send(call, &to, &code, kind).await
}

/// `POST /email-otp/send-verification-otp` `{ email, type }` → `{ success: true }`.
pub async fn send_verification_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, &[("email", Kind::Str), ("type", Kind::Type)])?;
    let (email, kind) = (text(b, "email"), text(b, "type"));
    if call.has_request {
        origin::form_csrf(call.request_headers, &call.trusted_origins(), call.check_settings())?;
    }
    let p = plugin(call)?;
    send_otp(p, call, &email, &kind, false).await?;
    Ok(json!({ "success": true }))
}

/// Server-only `auth.api.createVerificationOTP({ body: { email, type } })` → the code.
pub async fn create_verification_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, &[("email", Kind::Str), ("type", Kind::Type)])?;
    let (email, kind) = (text(b, "email").to_lowercase(), text(b, "type"));
    let p = plugin(call)?;
    let code = otp::generate(p, call, &email, &kind).await?;
    let stored = otp::store(p, call, &code).await?;
    verification::create(call, &otp::identifier(&kind, &email), &format!("{stored}:0"), call.ctx.now() + p.expires_in_ms).await?;
    Ok(Value::String(code))
}

/// Server-only `auth.api.getVerificationOTP({ query: { email, type } })` → `{ otp }` (`null`
/// when missing or expired).
pub async fn get_verification_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Vec::new();
    for key in ["email", "type"] {
        match call.query.get(key) {
            Some(Value::String(s)) if key == "email" || TYPES.contains(&s.as_str()) => {}
            other if key == "email" => issues.push(format!("[query.email] Invalid input: expected string, received {}", zod_type_name(other))),
            _ => issues.push(r#"[query.type] Invalid option: expected one of "email-verification"|"sign-in"|"forget-password"|"change-email""#.to_string()),
        }
    }
    if !issues.is_empty() {
        return Err(AuthError::validation(issues.join("; ")));
    }
    let email = call.query.get("email").and_then(Value::as_str).unwrap_or_default().to_lowercase();
    let kind = call.query.get("type").and_then(Value::as_str).unwrap_or_default().to_string();
    let p = plugin(call)?;
    let row = verification::find(call, &otp::identifier(&kind, &email)).await?;
    let Some(row) = row.filter(|r| r.expires_at >= call.ctx.now()) else { return Ok(json!({ "otp": null })) };
    if otp::is_hashed(p, call) {
        return Err(AuthError::message_only("BAD_REQUEST", "OTP is hashed, cannot return the plain text OTP"));
    }
    let (stored, _) = otp::split_at_last_colon(&row.value);
    Ok(json!({ "otp": otp::recover(p, call, stored).await? }))
}

/// `POST /email-otp/check-verification-otp` `{ email, type, otp }`: the code stays usable.
pub async fn check_verification_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, &[("email", Kind::Str), ("type", Kind::Type), ("otp", Kind::Str)])?;
    let (email, kind, code) = (text(b, "email"), text(b, "type"), text(b, "otp"));
    let p = plugin(call)?;
    let email = checked_email(&email)?;
    otp::verify(p, call, &otp::identifier(&kind, &email), &code, OnSuccess::Restore).await?;
    if find_user(call, &email).await?.is_none() {
        return Err(AuthError::base("BAD_REQUEST", "USER_NOT_FOUND"));
    }
    Ok(json!({ "success": true }))
}

/// `internalAdapter.updateUser` for the plugin's writes (hooks run; a cancelled update is `None`).
async fn update_user(call: &Call<'_>, id: &str, update: UserUpdate) -> AuthResult<Option<User>> {
    match users::update(call, id, update).await {
        Ok(u) => Ok(u),
        // Better Auth's adapter fails on the unique index: a server error
        Err(CreateUserError::EmailTaken) => Err(AuthError::internal("email OTP: the email is taken")),
        Err(CreateUserError::Other(e)) => Err(e),
    }
}

/// `POST /email-otp/verify-email` `{ email, otp }` → `{ status, token, user }`.
pub async fn verify_email_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, &[("email", Kind::Str), ("otp", Kind::Str)])?;
    let (email, code) = (text(b, "email"), text(b, "otp"));
    let p = plugin(call)?;
    let email = checked_email(&email)?;
    otp::verify(p, call, &otp::identifier("email-verification", &email), &code, OnSuccess::Consume).await?;
    let Some(user) = find_user(call, &email).await? else { return Err(AuthError::base("BAD_REQUEST", "USER_NOT_FOUND")) };
    let ctx = call.ctx;
    let schema = &ctx.config.schema;
    ctx.callbacks.call("beforeEmailVerification", json!([user_json(&user, &schema.user), call.request_arg()])).await?;
    let update = UserUpdate { email: Some(email.clone()), email_verified: Some(true), ..Default::default() };
    let Some(updated) = update_user(call, &user.id, update).await? else {
        return Err(AuthError::internal("email OTP: the user update was cancelled"));
    };
    ctx.callbacks.call("afterEmailVerification", json!([user_json(&updated, &schema.user), call.request_arg()])).await?;
    if ctx.config.email_verification.auto_sign_in_after_verification {
        let session = start_session::start(call, &updated, false, "INTERNAL_SERVER_ERROR").await?;
        start_session::finish(call, &session, &updated, None).await?;
        return Ok(json!({ "status": true, "token": session.token, "user": user_json(&updated, &schema.user) }));
    }
    // the caller's own session: only its cookie cache is refreshed
    let has_cookie = cookies::get_signed_cookie(&call.headers, &ctx.cookies.session_token.name, &ctx.config.secret).is_some();
    if has_cookie
        && let Ok((session, current)) = require_session(call, Guard::Session).await
        && current.id == updated.id
    {
        let dont_remember = cookies::get_signed_cookie(&call.headers, &ctx.cookies.dont_remember.name, &ctx.config.secret).is_some();
        let mut shown = current.clone();
        shown.email_verified = true;
        crate::endpoints::session::write_cache_for(call, &session_json(&session, &schema.session), &user_json(&shown, &schema.user), dont_remember).await?;
    }
    Ok(json!({ "status": true, "token": null, "user": user_json(&updated, &schema.user) }))
}

/// `POST /sign-in/email-otp` `{ email, otp, name?, image?, ...additional fields }` →
/// `{ token, user }`, creating the user when sign-up is allowed.
pub async fn sign_in_email_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let m = match call.body.as_ref() {
        Some(Value::Object(m)) => Some(m),
        other => {
            // `z.object(...).and(z.record(...))`: both sides report the wrong type
            let got = zod_type_name(other);
            issues.push("", format!("Invalid input: expected object, received {got}"));
            issues.push("", format!("Invalid input: expected record, received {got}"));
            None
        }
    };
    if let Some(m) = m {
        for (k, kind) in [("email", Kind::Str), ("otp", Kind::Str), ("name", Kind::OptStr), ("image", Kind::OptStr)] {
            check(m, k, kind, &mut issues);
        }
    }
    issues.finish()?;
    let Some(m) = m else { return Err(AuthError::validation("[body] Invalid input")) };
    let m = m.clone();
    let p = plugin(call)?;
    let email = text(&m, "email").to_lowercase();
    otp::verify(p, call, &otp::identifier("sign-in", &email), &text(&m, "otp"), OnSuccess::Consume).await?;
    let ctx = call.ctx;
    let schema = &ctx.config.schema;
    let user = match find_user(call, &email).await? {
        Some(u) if u.email_verified => u,
        Some(u) => match users::revoke_unproven_account_access(call, &u.id).await? {
            Some(u) => u,
            None => return Err(otp::error("INVALID_OTP")),
        },
        None => {
            if p.disable_sign_up {
                return Err(otp::error("INVALID_OTP"));
            }
            let mut rest = m.clone();
            for k in ["email", "otp", "name", "image"] {
                rest.remove(k);
            }
            let extra = crate::endpoints::fields::parse_input(&schema.user, &rest, true)?;
            let now = ctx.now();
            let mut u = User {
                id: ctx.generate_id("user").await?,
                name: m.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
                email: email.clone(),
                email_verified: true,
                image: m.get("image").and_then(Value::as_str).map(str::to_string),
                created_at: now,
                updated_at: now,
                extra,
            };
            users::validate_user_info(call, &u, "email-otp").await?;
            match users::create(call, &mut u, None).await? {
                Created::Done => u,
                // Better Auth goes on with a null user: a TypeError, a 500
                Created::Cancelled => return Err(AuthError::internal("email OTP: the user creation was cancelled")),
                Created::EmailTaken => return Err(AuthError::internal("email OTP: the email was taken while creating the user")),
            }
        }
    };
    let session = start_session::start(call, &user, false, "INTERNAL_SERVER_ERROR").await?;
    start_session::finish(call, &session, &user, None).await?;
    Ok(json!({ "token": session.token, "user": user_json(&user, &schema.user) }))
}

/// The shared body of the two password-reset requests.
async fn request_reset(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, &[("email", Kind::Str)])?;
    let email = text(b, "email");
    let p = plugin(call)?;
    let email = checked_email(&email)?;
    let id = otp::identifier("forget-password", &email);
    let code = otp::resolve(p, call, &email, "forget-password").await?;
    match find_user(call, &email).await? {
        None => verification::delete_all(call, &id).await?,
        Some(u) => otp::send(call, &u.email, &code, "forget-password").await?,
    }
    Ok(json!({ "success": true }))
}

/// `POST /email-otp/request-password-reset` `{ email }` → `{ success: true }` for any email.
pub async fn request_password_reset_email_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    request_reset(call).await
}

static FORGET_PASSWORD_WARNED: std::sync::Once = std::sync::Once::new();

/// `POST /forget-password/email-otp` (deprecated, the same as request-password-reset).
pub async fn forget_password_email_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    FORGET_PASSWORD_WARNED.call_once(|| {
        crate::log::warn("\"/forget-password/email-otp\" is deprecated: use \"/email-otp/request-password-reset\".");
    });
    request_reset(call).await
}

/// `POST /email-otp/reset-password` `{ email, otp, password }` → `{ success: true }`.
pub async fn reset_password_email_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, &[("email", Kind::Str), ("otp", Kind::Str), ("password", Kind::Str)])?;
    let (email, code, password) = (text(b, "email"), text(b, "otp"), text(b, "password"));
    let p = plugin(call)?;
    let email = checked_email(&email)?;
    let ctx = call.ctx;
    let ep = &ctx.config.email_and_password;
    let len = js_len(&password);
    if len < ep.min_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_SHORT"));
    }
    if len > ep.max_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_LONG"));
    }
    let id = otp::identifier("forget-password", &email);
    otp::verify(p, call, &id, &code, OnSuccess::Restore).await?;
    let Some(user) = find_user(call, &email).await? else { return Err(AuthError::base("BAD_REQUEST", "USER_NOT_FOUND")) };
    crate::crypto::common::check(&password, ep.reject_common.as_ref())?;
    let hash = ctx.hash_password(&password).await?;
    // `resetCredentialPassword`: the code is spent first, then sessions and the password
    otp::verify(p, call, &id, &code, OnSuccess::Consume).await?;
    let store = ctx.store().await?;
    let now = ctx.now();
    if ep.revoke_sessions_on_password_reset {
        store.delete_user_sessions(&user.id, None).await?;
    }
    if store.find_credential_account(&user.id).await?.is_some() {
        crate::endpoints::db_hooks::update_password(call, &user.id, &hash, now).await?;
    } else {
        crate::endpoints::account::create_credential_account(call, &user.id, hash, now).await?;
    }
    let schema = &ctx.config.schema;
    if ctx.callbacks.has("onPasswordReset") {
        ctx.callbacks.call("onPasswordReset", json!([{ "user": user_json(&user, &schema.user) }, call.request_arg()])).await?;
    }
    if !user.email_verified {
        update_user(call, &user.id, UserUpdate { email_verified: Some(true), ..Default::default() }).await?;
    }
    Ok(json!({ "success": true }))
}

/// `changeEmail.enabled` off: 400 with Better Auth's message.
fn change_disabled() -> AuthError {
    AuthError::message_only("BAD_REQUEST", "Change email with OTP is disabled")
}

/// `POST /email-otp/request-email-change` (sensitive) `{ newEmail, otp? }` → `{ success: true }`.
pub async fn request_email_change_email_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, &[("newEmail", Kind::Str), ("otp", Kind::OptStr)])?;
    let (new_email, current_otp) = (text(b, "newEmail"), b.get("otp").and_then(Value::as_str).map(str::to_string));
    let (_, user) = require_session(call, Guard::Sensitive).await?;
    let p = plugin(call)?;
    if !p.change_email {
        return Err(change_disabled());
    }
    let email = user.email.to_lowercase();
    let new_email = checked_email(&new_email)?;
    if new_email == email {
        return Err(AuthError::message_only("BAD_REQUEST", "Email is the same"));
    }
    if p.verify_current_email {
        let Some(code) = current_otp.filter(|c| !c.is_empty()) else {
            return Err(AuthError::message_only("BAD_REQUEST", "OTP is required to verify current email"));
        };
        otp::verify(p, call, &otp::identifier("email-verification", &email), &code, OnSuccess::Consume).await?;
    }
    let code = otp::generate(p, call, &new_email, "change-email").await?;
    let stored = otp::store(p, call, &code).await?;
    let id = otp::identifier("change-email", &format!("{}:{new_email}", user.id));
    verification::create(call, &id, &format!("{stored}:0"), call.ctx.now() + p.expires_in_ms).await?;
    if find_user(call, &new_email).await?.is_some() {
        verification::delete_all(call, &id).await?;
        return Ok(json!({ "success": true }));
    }
    otp::send(call, &new_email, &code, "change-email").await?;
    Ok(json!({ "success": true }))
}

/// `POST /email-otp/change-email` (sensitive) `{ newEmail, otp }` → `{ success: true }`; the
/// same session token's cookie is set again with the new email.
pub async fn change_email_email_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, &[("newEmail", Kind::Str), ("otp", Kind::Str)])?;
    let (new_email, code) = (text(b, "newEmail"), text(b, "otp"));
    let (session, session_user) = require_session(call, Guard::Sensitive).await?;
    let p = plugin(call)?;
    if !p.change_email {
        return Err(change_disabled());
    }
    let email = session_user.email.to_lowercase();
    let new_email = checked_email(&new_email)?;
    if new_email == email {
        return Err(AuthError::message_only("BAD_REQUEST", "Email is the same"));
    }
    otp::verify(p, call, &otp::identifier("change-email", &format!("{}:{new_email}", session_user.id)), &code, OnSuccess::Consume).await?;
    let Some(current) = find_user(call, &email).await? else { return Err(AuthError::base("BAD_REQUEST", "USER_NOT_FOUND")) };
    if find_user(call, &new_email).await?.is_some() {
        return Err(AuthError::message_only("BAD_REQUEST", "Email already in use"));
    }
    let ctx = call.ctx;
    let schema = &ctx.config.schema;
    ctx.callbacks.call("beforeEmailVerification", json!([user_json(&current, &schema.user), call.request_arg()])).await?;
    let update = UserUpdate { email: Some(new_email.clone()), email_verified: Some(true), ..Default::default() };
    let updated = update_user(call, &current.id, update).await?;
    if let Some(u) = &updated {
        ctx.callbacks.call("afterEmailVerification", json!([user_json(u, &schema.user), call.request_arg()])).await?;
    }
    let dont_remember = cookies::get_signed_cookie(&call.headers, &ctx.cookies.dont_remember.name, &ctx.config.secret).is_some();
    cookies::set_session_cookie(&mut call.out, &ctx.cookies, &ctx.config.secret, &call.headers, &session.token, None, ctx.config.session.expires_in);
    let mut shown = session_user.clone();
    shown.email = new_email;
    shown.email_verified = true;
    crate::endpoints::session::write_cache_for(call, &session_json(&session, &schema.session), &user_json(&shown, &schema.user), dont_remember).await?;
    Ok(json!({ "success": true }))
}
