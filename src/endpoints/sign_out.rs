//! `POST /sign-out` (`auth.api.signOut`).
use super::sign_up::log_internal;
use super::{Call, Issues, opt_bool, opt_str};
use crate::cookies;
use crate::error::AuthResult;
use crate::json::zod_type_name;
use serde_json::{Value, json};

/// Deletes the session named by the cookie (if any) and always expires the session cookies.
pub async fn sign_out(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    match call.body.as_ref() {
        None => {}
        Some(Value::Object(m)) => {
            opt_str(m, "callbackURL", &mut issues);
            opt_bool(m, "disableRedirect", &mut issues);
            opt_str(m, "state", &mut issues);
        }
        Some(other) => issues.push("", format!("Invalid input: expected object, received {}", zod_type_name(Some(other)))),
    }
    issues.finish()?;
    let ctx = call.ctx;
    // RP-initiated logout needs the signed-out user (a provider with an end-session endpoint)
    let provider_logout = ctx.config.plugins.iter().any(|p| !p.oauth_providers().is_empty());
    // through a Better Auth adapter the adapter sees Better Auth's calls: the session (with its
    // user) is read first, and the user's accounts after the delete (for RP-initiated logout,
    // read even when no provider has an end-session endpoint)
    let adapter = matches!(ctx.config.database, crate::config::DatabaseConfig::Adapter { .. });
    let mut signed_out_user: Option<String> = None;
    if let Some(token) = cookies::get_signed_cookie(&call.headers, &ctx.cookies.session_token.name, &ctx.config.secret) {
        match ctx.store().await {
            Ok(store) => {
                let existing = if provider_logout || adapter || super::db_hooks::any(call, "session", "delete") { store.find_session(&token).await.ok().flatten() } else { None };
                signed_out_user = existing.as_ref().map(|(s, _)| s.user_id.clone());
                let proceed = match &existing {
                    Some((s, _)) => super::db_hooks::before(call, "session", "delete", super::db_hooks::session_data(call, s)).await?.is_some(),
                    None => true,
                };
                if proceed {
                    if let Err(e) = store.delete_session(&token).await {
                        log_internal("failed to delete session", &e);
                    } else if let Some((s, _)) = &existing {
                        super::db_hooks::after(call, "session", "delete", super::db_hooks::session_data(call, s)).await?;
                    }
                }
            }
            Err(e) => log_internal("failed to open the store", &e),
        }
    }
    cookies::delete_session_cookie(&mut call.out, &ctx.cookies, &call.headers);
    if let (Some(uid), true, false) = (&signed_out_user, adapter, provider_logout)
        && let Ok(store) = ctx.store().await
        && let Err(e) = store.list_accounts(uid).await
    {
        log_internal("failed to read the user's accounts", &e);
    }
    if let Some(uid) = signed_out_user.filter(|_| provider_logout) {
        let body = call.body.as_ref().and_then(Value::as_object);
        let s = |k: &str| body.and_then(|m| m.get(k)).and_then(Value::as_str).map(str::to_string);
        if let Some(url) = crate::oauth::end_session_url(ctx, &uid, s("callbackURL").as_deref(), s("state").as_deref(), &call.base_url()).await {
            let redirect = body.and_then(|m| m.get("disableRedirect")).and_then(Value::as_bool) != Some(true);
            if redirect {
                call.out.set("location", url.clone());
            }
            return Ok(json!({ "success": true, "url": url, "redirect": redirect }));
        }
    }
    Ok(json!({ "success": true }))
}
