//! `POST /sign-up/email` (`auth.api.signUpEmail`).
use super::{Call, Issues, is_valid_email, js_len, opt_bool, opt_str, req_str};
use crate::crypto::random::generate_id;
use crate::error::{AuthError, AuthResult};
use crate::json::{user_json, zod_type_name};
use crate::origin;
use crate::store::{Account, CreateUserError, User};
use serde_json::{Value, json};

/// The validated body.
struct Body {
    extra: serde_json::Map<String, Value>,
    name: String,
    email: String,
    password: String,
    image: Option<String>,
    remember_me: Option<bool>,
}

fn validate(body: Option<&Value>) -> AuthResult<Body> {
    let mut issues = Issues::default();
    let Some(Value::Object(m)) = body else {
        // z.object(...).and(z.record(...)): both sides report the wrong type
        let got = zod_type_name(body);
        issues.push("", format!("Invalid input: expected object, received {got}"));
        issues.push("", format!("Invalid input: expected record, received {got}"));
        issues.finish()?;
        return Err(AuthError::validation("[body] Invalid input"));
    };
    let name = req_str(m, "name", &mut issues);
    let email = match m.get("email") {
        Some(Value::String(s)) => {
            if !is_valid_email(s) {
                issues.push("email", "Invalid email address");
            }
            Some(s.as_str())
        }
        other => {
            issues.expected("email", "string", other);
            None
        }
    };
    let password = match m.get("password") {
        Some(Value::String(s)) if s.is_empty() => {
            issues.push("password", "Too small: expected string to have >=1 characters");
            None
        }
        Some(Value::String(s)) => Some(s.as_str()),
        other => {
            issues.expected("password", "string", other);
            None
        }
    };
    let image = opt_str(m, "image", &mut issues);
    let _callback = opt_str(m, "callbackURL", &mut issues);
    let remember_me = opt_bool(m, "rememberMe", &mut issues);
    issues.finish()?;
    match (name, email, password) {
        (Some(n), Some(e), Some(p)) => Ok(Body {
            extra: m.clone(),
            name: n.to_string(),
            email: e.to_string(),
            password: p.to_string(),
            image: image.map(str::to_string),
            remember_me,
        }),
        _ => Err(AuthError::validation("[body] Invalid input")),
    }
}

/// Creates a user with a credential account and, with `autoSignIn` (default), a session.
pub async fn sign_up_email(call: &mut Call<'_>) -> AuthResult<Value> {
    let body = validate(call.body.as_ref())?;
    if call.has_request {
        origin::form_csrf(call.request_headers, &call.trusted_origins(), call.check_settings())?;
    }
    let ctx = call.ctx;
    let ep = &ctx.config.email_and_password;
    if !ep.enabled || ep.disable_sign_up {
        return Err(AuthError::coded(
            "BAD_REQUEST",
            "EMAIL_PASSWORD_SIGN_UP_DISABLED",
            "Email and password sign up is not enabled",
        ));
    }
    if !is_valid_email(&body.email) {
        return Err(AuthError::base("BAD_REQUEST", "INVALID_EMAIL"));
    }
    let len = js_len(&body.password);
    if len < ep.min_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_SHORT"));
    }
    if len > ep.max_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_LONG"));
    }
    // Better Auth answers an existing email with a synthetic user (no enumeration) when the
    // new user would not be signed in anyway.
    let generic_duplicate = ep.require_email_verification || !ep.auto_sign_in;
    let schema = &ctx.config.schema;
    let extra = super::fields::parse_input(&schema.user, &body.extra, true)?;
    let email = body.email.to_lowercase();
    let store = ctx.store().await?;

    let now = ctx.now();
    let synthetic = |now: i64| {
        json!({
            "token": null,
            "user": user_json(&User {
                id: generate_id(32),
                name: body.name.clone(),
                email: email.clone(),
                email_verified: false,
                image: body.image.clone(),
                created_at: now,
                updated_at: now,
                extra: extra.clone(),
            }, &schema.user),
        })
    };
    if let Some(existing) = store.find_user_by_email(&email).await? {
        if generic_duplicate {
            crate::crypto::common::check(&body.password, ep.reject_common.as_ref())?;
            ctx.hash_password(&body.password).await?;
            // `emailAndPassword.onExistingUserSignUp`: the app may mail the owner (its failure
            // is only logged, and the answer stays the generic one)
            if ctx.callbacks.has("onExistingUserSignUp") {
                let arg = json!([{ "user": user_json(&existing, &schema.user) }, call.request_arg()]);
                ctx.callbacks.call_background("onExistingUserSignUp", arg).await;
            }
            return Ok(synthetic(now));
        }
        return Err(AuthError::base("UNPROCESSABLE_ENTITY", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"));
    }

    crate::crypto::common::check(&body.password, ep.reject_common.as_ref())?;
    // Hash before touching the database: no transaction is held while hashing.
    let hash = ctx.hash_password(&body.password).await?;
    let now = ctx.now();
    let mut user = User {
        id: ctx.generate_id("user").await?,
        name: body.name.clone(),
        email: email.clone(),
        email_verified: false,
        image: body.image.clone(),
        created_at: now,
        updated_at: now,
        extra: extra.clone(),
    };
    let mut account = Account {
        id: ctx.generate_id("account").await?,
        account_id: user.id.clone(),
        provider_id: "credential".into(),
        user_id: user.id.clone(),
        password: Some(hash),
        created_at: now,
        updated_at: now,
        scope: None,
        tokens: Default::default(),
    };
    // `user.validateUserInfo`: the app's gate on new users (fails closed, 403 with its code)
    match super::users::validate_user_info(call, &user, "email-password").await {
        Ok(()) => {}
        Err(e) if e.is_unavailable() => return Err(e),
        // Better Auth answers a refused sign-up with the generic answer when it would hide
        // duplicates anyway
        Err(_) if generic_duplicate => return Ok(synthetic(now)),
        Err(e) => return Err(e),
    }
    if let Some(data) = super::db_hooks::before(call, "user", "create", super::db_hooks::user_create_data(&user)).await? {
        if let Value::Object(d) = data {
            super::db_hooks::merge_user(&mut user, &d);
        }
    } else {
        return Err(AuthError::base("BAD_REQUEST", "FAILED_TO_CREATE_USER"));
    }
    if super::db_hooks::any(call, "account", "create") {
        match super::db_hooks::before(call, "account", "create", json!({ "providerId": "credential", "accountId": user.id, "userId": user.id, "password": account.password })).await? {
            None => return Err(AuthError::base("BAD_REQUEST", "FAILED_TO_CREATE_USER")),
            Some(Value::Object(d)) => {
                if let Some(Value::String(p)) = d.get("password") {
                    account.password = Some(p.clone());
                }
            }
            Some(_) => {}
        }
    }
    match store.create_user_with_credential(&mut user, &mut account).await {
        Ok(()) => {}
        Err(CreateUserError::EmailTaken) => {
            // lost a race with a concurrent sign-up for the same email
            if generic_duplicate {
                return Ok(synthetic(now));
            }
            return Err(AuthError::base("UNPROCESSABLE_ENTITY", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"));
        }
        Err(CreateUserError::Other(e)) => {
            log_internal("failed to create user", &e);
            return Err(e.unless_unavailable(AuthError::base("UNPROCESSABLE_ENTITY", "FAILED_TO_CREATE_USER")));
        }
    }

    // Better Auth runs after-hooks once the sign-up transaction (user, account, session) is done
    let user_created = super::db_hooks::user_data(call, &user);
    let account_created = json!({ "id": account.id, "accountId": account.account_id, "providerId": "credential", "userId": account.user_id, "password": account.password, "createdAt": crate::time::to_iso(account.created_at), "updatedAt": crate::time::to_iso(account.updated_at) });
    let send_on_sign_up = ctx.config.email_verification.send_on_sign_up.unwrap_or(ep.require_email_verification);
    if send_on_sign_up && super::verify_email::can_send(ctx) {
        let callback = call.body.as_ref().and_then(|b| b.get("callbackURL")).and_then(Value::as_str).map(str::to_string);
        if let Err(e) = super::verify_email::send_verification_email(call, &user, callback.as_deref()).await {
            // Better Auth runs this after the transaction and only logs a failure
            log_internal("failed to send the sign-up verification email", &e);
        }
    }
    if !ep.auto_sign_in || ep.require_email_verification {
        super::db_hooks::after(call, "user", "create", user_created).await?;
        super::db_hooks::after(call, "account", "create", account_created).await?;
        return Ok(json!({ "token": null, "user": user_json(&user, &schema.user) }));
    }

    let dont_remember = body.remember_me == Some(false);
    let session = super::start_session::start(call, &user, dont_remember, "BAD_REQUEST").await?;
    super::db_hooks::after(call, "user", "create", user_created).await?;
    super::db_hooks::after(call, "account", "create", account_created).await?;
    super::start_session::finish(call, &session, &user, Some(dont_remember)).await?;
    Ok(json!({ "token": session.token, "user": user_json(&user, &schema.user) }))
}

/// Logs a server-side fault (never secrets).
pub(crate) fn log_internal(what: &str, e: &AuthError) {
    if e.is_unavailable() {
        return; // logged (throttled) where the connection error was seen
    }
    crate::log::error(&format!("{what}: {e}"));
}
