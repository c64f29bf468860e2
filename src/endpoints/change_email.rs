//! `POST /change-email` and the change-email branches of `GET /verify-email`, with Better
//! Auth's three flows: immediate update of an unverified address, confirmation mail to the old
//! address (`sendChangeEmailConfirmation`), or verification mail to the new one.
use super::guard::{Guard, require_session};
use super::verify_email::{append_error, token_claims};
use super::{Call, Issues, Output, opt_str};
use crate::cookies;
use crate::crypto::sign::hs256_sign;
use crate::error::{AuthError, AuthResult};
use crate::json::user_json;
use crate::store::{CreateUserError, Session, User, UserUpdate};
use serde_json::{Value, json};

fn change_token(call: &Call<'_>, email: &str, update_to: &str, request_type: Option<&str>, user_id: &str) -> String {
    let now_s = call.ctx.now() / 1000;
    let mut claims = serde_json::Map::new();
    claims.insert("email".into(), Value::String(email.to_lowercase()));
    claims.insert("updateTo".into(), Value::String(update_to.to_lowercase()));
    if let Some(t) = request_type {
        claims.insert("requestType".into(), Value::String(t.into()));
    }
    claims.insert("userId".into(), Value::String(user_id.into()));
    claims.insert("iat".into(), Value::from(now_s));
    claims.insert("exp".into(), Value::from(now_s + call.ctx.config.email_verification.expires_in));
    hs256_sign(&call.ctx.config.secret, &Value::Object(claims))
}

fn link(call: &Call<'_>, token: &str, callback: Option<&str>) -> String {
    let cb = cookies::encode_uri_component(callback.filter(|c| !c.is_empty()).unwrap_or("/"));
    format!("{}/verify-email?token={token}&callbackURL={cb}", call.base_url())
}

/// `POST /change-email` (sensitive) `{ newEmail, callbackURL? }`.
pub async fn change_email(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let (new_email, callback) = match super::body_object(call.body.as_ref(), &mut issues) {
        Some(m) => (
            super::req_email(m, "newEmail", &mut issues).map(|e| e.to_lowercase()),
            opt_str(m, "callbackURL", &mut issues).map(str::to_string),
        ),
        None => (None, None),
    };
    issues.finish()?;
    let Some(new_email) = new_email else { return Err(AuthError::validation("[body] Invalid input")) };
    let (session, user) = require_session(call, Guard::Sensitive).await?;
    let ctx = call.ctx;
    if !ctx.config.change_email_enabled {
        return Err(AuthError::base("BAD_REQUEST", "CHANGE_EMAIL_DISABLED"));
    }
    if new_email == user.email {
        return Err(AuthError::message_only("BAD_REQUEST", "Email is the same"));
    }
    let can_update_now = !user.email_verified && ctx.config.update_email_without_verification;
    let can_verify = super::verify_email::can_send(ctx);
    let can_confirm = can_verify && user.email_verified && ctx.callbacks.has("changeEmail.sendChangeEmailConfirmation");
    if !can_update_now && !can_confirm && !can_verify {
        return Err(AuthError::message_only("BAD_REQUEST", "Verification email isn't enabled"));
    }
    let store = ctx.store().await?;
    if store.find_user_by_email(&new_email).await?.is_some() {
        // the same work and answer as a real change: no account enumeration
        let _ = change_token(call, &user.email, &new_email, None, &user.id);
        return Ok(json!({ "status": true }));
    }
    let schema = &ctx.config.schema;
    if can_update_now {
        let update = UserUpdate { email: Some(new_email.clone()), ..Default::default() };
        match store.update_user(&user.id, &update, ctx.now()).await {
            Ok(_) => {}
            Err(CreateUserError::EmailTaken) => return Ok(json!({ "status": true })),
            Err(CreateUserError::Other(e)) => return Err(e),
        }
        cookies::set_session_cookie(&mut call.out, &ctx.cookies, &ctx.config.secret, &call.headers, &session.token, None, ctx.config.session.expires_in);
        if can_verify {
            let token = super::verify_email::create_token(call, &new_email, &user.id);
            let mut u = user.clone();
            u.email = new_email.clone();
            let data = json!({ "user": user_json(&u, &schema.user), "url": link(call, &token, callback.as_deref()), "token": token });
            super::verify_email::deliver(call, data).await;
        }
        return Ok(json!({ "status": true }));
    }
    if can_confirm {
        let token = change_token(call, &user.email, &new_email, Some("change-email-confirmation"), &user.id);
        let data = json!({ "user": user_json(&user, &schema.user), "newEmail": new_email, "url": link(call, &token, callback.as_deref()), "token": token });
        ctx.callbacks.call_background("changeEmail.sendChangeEmailConfirmation", json!([data, call.request_arg()])).await;
        return Ok(json!({ "status": true }));
    }
    let token = change_token(call, &user.email, &new_email, Some("change-email-verification"), &user.id);
    let mut u = user.clone();
    u.email = new_email.clone();
    let data = json!({ "user": user_json(&u, &schema.user), "url": link(call, &token, callback.as_deref()), "token": token });
    super::verify_email::deliver(call, data).await;
    Ok(json!({ "status": true }))
}

/// The `updateTo` branches of `GET /verify-email`.
pub async fn verify_change(call: &mut Call<'_>, claims: &Value, callback: Option<String>) -> AuthResult<Output> {
    let fail = |code: &str| -> AuthResult<Output> {
        match callback.as_deref() {
            Some(cb) => Ok(Output::Redirect(append_error(cb, code))),
            None => Err(AuthError::base("UNAUTHORIZED", code)),
        }
    };
    let (email, update_to, request_type, user_id) = token_claims(claims);
    let Some(user_id) = user_id else { return fail("INVALID_TOKEN") };
    let Some(update_to) = update_to else { return fail("INVALID_TOKEN") };
    let ctx = call.ctx;
    let store = ctx.store().await?;
    let Some(bound) = store.find_user_by_id(&user_id).await? else { return fail("USER_NOT_FOUND") };
    if bound.email.to_lowercase() != email {
        return fail("INVALID_TOKEN");
    }
    let session: Option<(Session, User)> =
        if cookies::get_signed_cookie(&call.headers, &ctx.cookies.session_token.name, &ctx.config.secret).is_some() {
            require_session(call, Guard::Session).await.ok()
        } else {
            None
        };
    if let Some((_, u)) = &session
        && u.id != bound.id {
            return fail("INVALID_USER");
        }
    let schema = &ctx.config.schema;
    let done = |callback: &Option<String>, body: Value| match callback {
        Some(cb) => Output::Redirect(cb.clone()),
        None => Output::Json(body),
    };
    match request_type.as_deref() {
        Some("change-email-confirmation") => {
            let token = change_token(call, &email, &update_to, Some("change-email-verification"), &bound.id);
            let mut u = bound.clone();
            u.email = update_to.clone();
            let data = json!({ "user": user_json(&u, &schema.user), "url": link(call, &token, callback.as_deref()), "token": token });
            super::verify_email::deliver(call, data).await;
            Ok(done(&callback, json!({ "status": true })))
        }
        other => {
            let verified = other == Some("change-email-verification") && bound.email_verified;
            let update = UserUpdate { email: Some(update_to.clone()), email_verified: Some(verified), ..Default::default() };
            let updated = match store.update_user(&bound.id, &update, ctx.now()).await {
                Ok(Some(u)) => u,
                Ok(None) => return fail("USER_NOT_FOUND"),
                Err(CreateUserError::EmailTaken) => return fail("INVALID_USER"),
                Err(CreateUserError::Other(e)) => return Err(e),
            };
            if other != Some("change-email-verification") {
                let token = super::verify_email::create_token(call, &update_to, &bound.id);
                let data = json!({ "user": user_json(&updated, &schema.user), "url": link(call, &token, callback.as_deref()), "token": token });
                super::verify_email::deliver(call, data).await;
            } else if verified {
                ctx.callbacks.call("afterEmailVerification", json!([user_json(&updated, &schema.user), call.request_arg()])).await?;
            }
            if let Some((s, _)) = &session {
                cookies::set_session_cookie(&mut call.out, &ctx.cookies, &ctx.config.secret, &call.headers, &s.token, None, ctx.config.session.expires_in);
            }
            Ok(done(&callback, json!({ "status": true, "user": user_json(&updated, &schema.user) })))
        }
    }
}
