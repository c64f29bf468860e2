//! `POST /sign-in/email` (`auth.api.signInEmail`).
use super::sign_up::log_internal;
use super::{Call, Issues, is_valid_email, js_len, opt_bool, opt_str, req_str};
use crate::config::{LockoutConfig, PasswordAlgorithm};
use crate::store::counters;
use crate::crypto::password::{HashKind, hash_kind};
use crate::error::{AuthError, AuthResult};
use crate::json::{user_json, zod_type_name};
use crate::origin;
use serde_json::{Map, Value};

struct Body {
    email: String,
    password: String,
    callback_url: Option<String>,
    remember_me: Option<bool>,
}

fn validate(body: Option<&Value>) -> AuthResult<Body> {
    let mut issues = Issues::default();
    let Some(Value::Object(m)) = body else {
        issues.push("", format!("Invalid input: expected object, received {}", zod_type_name(body)));
        issues.finish()?;
        return Err(AuthError::validation("[body] Invalid input"));
    };
    let email = req_str(m, "email", &mut issues);
    let password = req_str(m, "password", &mut issues);
    let callback_url = opt_str(m, "callbackURL", &mut issues);
    let remember_me = opt_bool(m, "rememberMe", &mut issues);
    issues.finish()?;
    match (email, password) {
        (Some(e), Some(p)) => Ok(Body {
            email: e.to_string(),
            password: p.to_string(),
            callback_url: callback_url.map(str::to_string),
            remember_me,
        }),
        _ => Err(AuthError::validation("[body] Invalid input")),
    }
}

/// `INVALID_EMAIL_OR_PASSWORD`, after counting the failure for `accountLockout`.
async fn failed(call: &Call<'_>, lockout: Option<&(LockoutConfig, String)>) -> AuthError {
    if let Some((l, key)) = lockout {
        let ctx = call.ctx;
        let res = match ctx.plugin_rows().await {
            Ok(sql) => counters::record_failure(sql, key, l.duration, ctx.now(), crate::crypto::random::generate_id(32)).await,
            Err(e) => Err(e),
        };
        if let Err(e) = res {
            return e;
        }
    }
    AuthError::base("UNAUTHORIZED", "INVALID_EMAIL_OR_PASSWORD")
}

/// Verifies email + password and creates a session.
pub async fn sign_in_email(call: &mut Call<'_>) -> AuthResult<Value> {
    let body = validate(call.body.as_ref())?;
    if call.has_request {
        origin::form_csrf(call.request_headers, &call.trusted_origins(), call.check_settings())?;
    }
    let ctx = call.ctx;
    let ep = &ctx.config.email_and_password;
    if !ep.enabled {
        return Err(AuthError::coded("BAD_REQUEST", "EMAIL_PASSWORD_DISABLED", "Email and password is not enabled"));
    }
    if !is_valid_email(&body.email) {
        return Err(AuthError::base("BAD_REQUEST", "INVALID_EMAIL"));
    }
    if js_len(&body.password) > ep.max_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_LONG"));
    }
    let email = body.email.to_lowercase();
    // accountLockout: a locked email gets the same answer, after the same work, as a wrong password
    let lockout = ep.lockout.map(|l| (l, format!("lockout|{email}")));
    if let Some((l, key)) = &lockout
        && counters::locked_for(ctx.plugin_rows().await?, key, l.max_failed_attempts, l.duration, ctx.now()).await?.is_some()
    {
        ctx.hash_password(&body.password).await?;
        return Err(AuthError::base("UNAUTHORIZED", "INVALID_EMAIL_OR_PASSWORD"));
    }
    let store = ctx.store().await?;
    let found = store.find_user_with_credential(&email).await?;
    let (user, stored_hash) = match found {
        Some((user, Some(account))) => match account.password {
            Some(h) => (user, h),
            None => {
                // same work as a real check, so timing does not reveal the account
                ctx.hash_password(&body.password).await?;
                crate::log::warn("Password not found");
                return Err(failed(call, lockout.as_ref()).await);
            }
        },
        Some((_, None)) => {
            ctx.hash_password(&body.password).await?;
            crate::log::warn("User not found");
            return Err(failed(call, lockout.as_ref()).await);
        }
        None => {
            ctx.hash_password(&body.password).await?;
            crate::log::warn("User not found");
            return Err(failed(call, lockout.as_ref()).await);
        }
    };
    if !ctx.verify_password(&stored_hash, &body.password).await? {
        crate::log::warn("Invalid password");
        return Err(failed(call, lockout.as_ref()).await);
    }
    if let Some((_, key)) = &lockout {
        counters::clear(ctx.plugin_rows().await?, key).await?;
    }
    finish(call, &user, &stored_hash, &body.password, body.callback_url, body.remember_me).await
}

/// After the password was verified (`/sign-in/email`, the username plugin's
/// `/sign-in/username`): the email-verification gate, the legacy-hash upgrade, the session and
/// cookie, and the `{ redirect, token, url?, user }` answer with `Location` for a `callbackURL`.
pub async fn finish(
    call: &mut Call<'_>,
    user: &crate::store::User,
    stored_hash: &str,
    password: &str,
    callback_url: Option<String>,
    remember_me: Option<bool>,
) -> AuthResult<Value> {
    let ctx = call.ctx;
    let ep = &ctx.config.email_and_password;
    if ep.require_email_verification && !user.email_verified {
        if super::verify_email::can_send(ctx) && ctx.config.email_verification.send_on_sign_in {
            super::verify_email::send_verification_email(call, user, callback_url.as_deref()).await?;
        }
        return Err(AuthError::base("FORBIDDEN", "EMAIL_NOT_VERIFIED"));
    }
    // A Better Auth scrypt hash is upgraded to argon2id once the password is known to be right.
    if ep.algorithm == PasswordAlgorithm::Argon2id
        && ep.rehash_legacy
        && hash_kind(stored_hash) == Some(HashKind::Scrypt)
    {
        match ctx.hash_password(password).await {
            Ok(h) => {
                if let Err(e) = super::db_hooks::update_password(call, &user.id, &h, ctx.now()).await {
                    log_internal("failed to upgrade a legacy password hash", &e);
                }
            }
            Err(e) => log_internal("failed to upgrade a legacy password hash", &e),
        }
    }
    let dont_remember = remember_me == Some(false);
    let session = super::start_session::start(call, user, dont_remember, "UNAUTHORIZED").await?;
    super::start_session::finish(call, &session, user, Some(dont_remember)).await?;
    let mut m = Map::with_capacity(4);
    m.insert("redirect".into(), Value::Bool(callback_url.as_deref().is_some_and(|u| !u.is_empty())));
    m.insert("token".into(), Value::String(session.token.clone()));
    if let Some(url) = callback_url.filter(|u| !u.is_empty()) {
        call.out.set("location", url.clone());
        m.insert("url".into(), Value::String(url));
    }
    m.insert("user".into(), user_json(user, &ctx.config.schema.user));
    Ok(Value::Object(m))
}
