//! Email verification: `POST /send-verification-email`, `GET /verify-email`, and the mails sent
//! on sign-up / sign-in. Tokens are Better Auth's stateless HS256 JWTs
//! (`{email, userId, iat, exp}` signed with the secret), so a link issued by either
//! implementation verifies on the other.
use super::guard::{Guard, require_session};
use super::{Call, Issues, Output, is_valid_email, opt_str};
use crate::cookies;
use crate::crypto::sign::{JwtError, hs256_sign, hs256_verify};
use crate::error::{AuthError, AuthResult};
use crate::json::user_json;
use crate::store::{User, UserUpdate};
use serde_json::{Value, json};

/// An email-verification token for `email` bound to `user_id`.
pub fn create_token(call: &Call<'_>, email: &str, user_id: &str) -> String {
    let now_s = call.ctx.now() / 1000;
    let claims = json!({
        "email": email.to_lowercase(),
        "userId": user_id,
        "iat": now_s,
        "exp": now_s + call.ctx.config.email_verification.expires_in,
    });
    hs256_sign(&call.ctx.config.secret, &claims)
}

/// True when verification emails can be sent: the app's `emailVerification.sendVerificationEmail`,
/// or a plugin that sends them (email OTP's `overrideDefaultEmailVerification`).
pub fn can_send(ctx: &crate::context::AuthContext) -> bool {
    ctx.callbacks.has("sendVerificationEmail") || crate::plugins::verification_email_sender(ctx).is_some()
}

/// Hands `data` (`{ user, url, token }`) to `sendVerificationEmail` as Better Auth's
/// `runInBackgroundOrAwait` does; without the app's function, a plugin that sends verification
/// emails gets `data.user.email` (the app's function wins, as in Better Auth's options merge).
pub async fn deliver(call: &Call<'_>, data: Value) {
    let ctx = call.ctx;
    if ctx.callbacks.has("sendVerificationEmail") {
        ctx.callbacks.call_background("sendVerificationEmail", json!([data, call.request_arg()])).await;
        return;
    }
    if let Some(p) = crate::plugins::verification_email_sender(ctx) {
        let email = data.get("user").and_then(|u| u.get("email")).and_then(Value::as_str).unwrap_or_default();
        if let Err(e) = p.send_verification_email(call, email).await {
            crate::log::error(&format!("Failed to run background task (sendVerificationEmail): {e}"));
        }
    }
}

/// Mails a verification link through `emailVerification.sendVerificationEmail`.
pub async fn send_verification_email(call: &Call<'_>, user: &User, callback_url: Option<&str>) -> AuthResult<()> {
    let token = create_token(call, &user.email, &user.id);
    let cb = crate::cookies::encode_uri_component(callback_url.filter(|c| !c.is_empty()).unwrap_or("/"));
    let url = format!("{}/verify-email?token={token}&callbackURL={cb}", call.base_url());
    let data = json!({ "user": user_json(user, &call.ctx.config.schema.user), "url": url, "token": token });
    deliver(call, data).await;
    Ok(())
}

/// `POST /send-verification-email` `{ email, callbackURL? }`.
pub async fn send_verification_email_endpoint(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let (email, callback) = match super::body_object(call.body.as_ref(), &mut issues) {
        Some(m) => (super::req_email(m, "email", &mut issues), opt_str(m, "callbackURL", &mut issues).map(str::to_string)),
        None => (None, None),
    };
    issues.finish()?;
    let Some(email) = email else { return Err(AuthError::validation("[body] Invalid input")) };
    let ctx = call.ctx;
    if !can_send(ctx) {
        return Err(AuthError::base("BAD_REQUEST", "VERIFICATION_EMAIL_NOT_ENABLED"));
    }
    let has_cookie = cookies::get_signed_cookie(&call.headers, &ctx.cookies.session_token.name, &ctx.config.secret).is_some();
    let session = if has_cookie { require_session(call, Guard::Session).await.ok() } else { None };
    match session {
        None => {
            // a time floor, so "no such user / already verified" cannot be told from "mail sent"
            let start = std::time::Instant::now();
            let user = ctx.store().await?.find_user_by_email(&email.to_lowercase()).await?;
            let result = match user {
                Some(u) if !u.email_verified => send_verification_email(call, &u, callback.as_deref()).await,
                _ => {
                    let _ = create_token(call, &email, "");
                    Ok(())
                }
            };
            if let Some(rest) = std::time::Duration::from_millis(500).checked_sub(start.elapsed()) {
                tokio::time::sleep(rest).await;
            }
            result?;
            Ok(json!({ "status": true }))
        }
        Some((_, user)) => {
            if user.email.to_lowercase() != email.to_lowercase() {
                return Err(AuthError::base("BAD_REQUEST", "EMAIL_MISMATCH"));
            }
            if user.email_verified {
                return Err(AuthError::base("BAD_REQUEST", "EMAIL_ALREADY_VERIFIED"));
            }
            send_verification_email(call, &user, callback.as_deref()).await?;
            Ok(json!({ "status": true }))
        }
    }
}

/// `(email, updateTo, requestType, userId)` of a verification token's claims.
pub fn token_claims(c: &Value) -> (String, Option<String>, Option<String>, Option<String>) {
    let s = |k: &str| c.get(k).and_then(Value::as_str).filter(|v| !v.is_empty()).map(str::to_string);
    (s("email").unwrap_or_default().to_lowercase(), s("updateTo"), s("requestType"), s("userId"))
}

/// `callback?error=CODE` (or `&error=` when the URL already has a query).
pub fn append_error(callback: &str, code: &str) -> String {
    let sep = if callback.contains('?') { '&' } else { '?' };
    format!("{callback}{sep}error={code}")
}

/// `GET /verify-email?token=...&callbackURL=...`: marks the email verified (optionally signing
/// the user in); with `callbackURL`, answers with a redirect (errors as `?error=<CODE>`).
pub async fn verify_email(call: &mut Call<'_>) -> AuthResult<Output> {
    let (token, callback) = super::token_and_callback(call)?;
    let fail = |code: &str| -> AuthResult<Output> {
        match callback.as_deref() {
            Some(cb) => Ok(Output::Redirect(append_error(cb, code))),
            None => Err(AuthError::base("UNAUTHORIZED", code)),
        }
    };
    let ctx = call.ctx;
    let claims = match hs256_verify(&ctx.config.secret, &token, ctx.now() / 1000) {
        Ok(c) => c,
        Err(JwtError::Expired) => return fail("TOKEN_EXPIRED"),
        Err(JwtError::Invalid) => return fail("INVALID_TOKEN"),
    };
    let Some(email) = claims.get("email").and_then(Value::as_str).filter(|e| is_valid_email(e)).map(str::to_string) else {
        return fail("INVALID_TOKEN");
    };
    if claims.get("updateTo").and_then(Value::as_str).is_some_and(|v| !v.is_empty()) {
        return super::change_email::verify_change(call, &claims, callback).await;
    }
    let store = ctx.store().await?;
    let Some(user) = store.find_user_by_email(&email).await? else { return fail("USER_NOT_FOUND") };
    if let Some(uid) = claims.get("userId").and_then(Value::as_str).filter(|u| !u.is_empty())
        && uid != user.id {
            return fail("INVALID_TOKEN");
        }
    let done = |callback: &Option<String>| match callback {
        Some(cb) => Output::Redirect(cb.clone()),
        None => Output::Json(json!({ "status": true, "user": null })),
    };
    if user.email_verified {
        return Ok(done(&callback));
    }
    let user_arg = json!([user_json(&user, &ctx.config.schema.user), call.request_arg()]);
    ctx.callbacks.call("beforeEmailVerification", user_arg).await?;
    let update = UserUpdate { email_verified: Some(true), ..Default::default() };
    let updated = match store.update_user(&user.id, &update, ctx.now()).await {
        Ok(Some(u)) => u,
        Ok(None) => return fail("USER_NOT_FOUND"),
        Err(crate::store::CreateUserError::EmailTaken) => return fail("INVALID_USER"),
        Err(crate::store::CreateUserError::Other(e)) => return Err(e),
    };
    ctx.callbacks.call("afterEmailVerification", json!([user_json(&updated, &ctx.config.schema.user), call.request_arg()])).await?;
    if ctx.config.email_verification.auto_sign_in_after_verification {
        let current = if cookies::get_signed_cookie(&call.headers, &ctx.cookies.session_token.name, &ctx.config.secret).is_some() {
            require_session(call, Guard::Session).await.ok()
        } else {
            None
        };
        match current {
            Some((s, u)) if u.email == email => {
                cookies::set_session_cookie(&mut call.out, &ctx.cookies, &ctx.config.secret, &call.headers, &s.token, None, ctx.config.session.expires_in);
            }
            _ => {
                let s = super::start_session::start(call, &user, false, "INTERNAL_SERVER_ERROR").await?;
                super::start_session::finish(call, &s, &user, None).await?;
            }
        }
    }
    Ok(done(&callback))
}
