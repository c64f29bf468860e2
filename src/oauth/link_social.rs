//! `POST /link-social` (spec §2.4: the redirect flow and the `idToken` flow) and the callback's link branch,
//! `linkOAuthAccount` (§4.6): the state carries `link: { userId, email, encryptedSessionToken }`
//! (the session token encrypted with the `oauth-link-session-token` purpose key), and the
//! callback links the provider account to that user while the session is still live.
use super::flow::{self, AuthorizationRequest};
use super::link::OAuthIdentity;
use super::state::{self, NewState};
use crate::crypto::envelope::{self, SecretConfig};
use crate::endpoints::guard::{Guard, require_session};
use crate::endpoints::{Call, db_hooks, users};
use crate::error::{AuthError, AuthResult};
use crate::store::{Account, AccountTokens, AccountUpdate};
use serde_json::{Map, Value, json};

/// Better Auth's `derivePurposeKey(secret, purpose)`: the lower-case hex of
/// HKDF-SHA256(secret, salt `better-auth:oauth-encryption:v1`, info `better-auth:<purpose>:v1`).
pub fn purpose_key(secret: &str, purpose: &str) -> String {
    let mut okm = [0u8; 32];
    let info = format!("better-auth:{purpose}:v1");
    let _ = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"better-auth:oauth-encryption:v1"), secret.as_bytes()).expand(info.as_bytes(), &mut okm);
    okm.iter().map(|b| format!("{b:02x}")).collect()
}

fn link_key(secret: &str) -> SecretConfig {
    SecretConfig::single(purpose_key(secret, "oauth-link-session-token"))
}

/// `POST /link-social` without `idToken`.
pub async fn link_social(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = crate::endpoints::Issues::default();
    let Some(m) = crate::endpoints::body_object(call.body.as_ref(), &mut issues).cloned() else {
        issues.finish()?;
        return Err(AuthError::validation("[body] Invalid input"));
    };
    let provider = crate::endpoints::req_str(&m, "provider", &mut issues).map(str::to_string);
    let callback_url = crate::endpoints::opt_str(&m, "callbackURL", &mut issues).map(str::to_string);
    let error_url = crate::endpoints::opt_str(&m, "errorCallbackURL", &mut issues).map(str::to_string);
    let login_hint = crate::endpoints::opt_str(&m, "loginHint", &mut issues).map(str::to_string);
    let disable_redirect = crate::endpoints::opt_bool(&m, "disableRedirect", &mut issues).unwrap_or(false);
    let request_sign_up = crate::endpoints::opt_bool(&m, "requestSignUp", &mut issues);
    let scopes: Vec<String> = match m.get("scopes") {
        None => Vec::new(),
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        other => {
            issues.expected("scopes", "array", other);
            Vec::new()
        }
    };
    let (additional_params, additional_data) = flow::additional_fields(&m, &mut issues);
    let id_token = match m.get("idToken") {
        None => None,
        Some(Value::Object(o)) => {
            for k in ["token", "nonce", "accessToken", "refreshToken"] {
                match o.get(k) {
                    Some(Value::String(_)) => {}
                    None if k != "token" => {}
                    other => issues.expected(&format!("idToken.{k}"), "string", other),
                }
            }
            Some(o.clone())
        }
        other => {
            issues.expected("idToken", "object", other);
            None
        }
    };
    issues.finish()?;
    let (session, user) = require_session(call, Guard::Sensitive).await?;
    let ctx = call.ctx;
    let provider = provider.unwrap_or_default();
    let Some(p) = super::provider::find(ctx, &provider).await? else {
        return Err(AuthError::coded("NOT_FOUND", "PROVIDER_NOT_FOUND", "Provider not found"));
    };
    if let Some(idt) = id_token {
        return link_with_id_token(call, &p, &user, &idt).await;
    }
    let callback_url = callback_url.filter(|c| !c.is_empty()).or_else(|| call.base_origin.clone());
    let Some(callback_url) = callback_url else { return Err(AuthError::coded("BAD_REQUEST", "CALLBACK_URL_REQUIRED", "callbackURL is required")) };
    let encrypted = envelope::encrypt(&link_key(&ctx.config.secret), &session.token)?;
    let nonce = p.requires_id_token_nonce.then(|| super::random_value(32));
    let (st, verifier) = state::generate(
        call,
        NewState {
            additional_data,
            callback_url,
            error_url,
            new_user_url: None,
            link: Some(json!({ "userId": user.id, "email": user.email, "encryptedSessionToken": encrypted })),
            request_sign_up,
            id_token_nonce: nonce.clone(),
        },
    )
    .await?;
    let url = flow::authorization_url(
        &p,
        &AuthorizationRequest {
            state: st,
            code_verifier: verifier,
            nonce,
            redirect_uri: format!("{}/callback/{}", call.base_url(), p.id),
            scopes,
            login_hint,
            additional_params,
        },
    )?;
    if !disable_redirect {
        call.out.set("location", url.clone());
    }
    Ok(json!({ "url": url, "redirect": !disable_redirect }))
}

/// The `idToken` variant of `/link-social` (spec §2.4, steps in Better Auth's order).
async fn link_with_id_token(call: &mut Call<'_>, p: &super::provider::ProviderSpec, user: &crate::store::User, idt: &Map<String, Value>) -> AuthResult<Value> {
    let ctx = call.ctx;
    if !p.supports_id_token_sign_in() {
        return Err(AuthError::coded("NOT_FOUND", "ID_TOKEN_NOT_SUPPORTED", "id_token not supported"));
    }
    let s = |k: &str| idt.get(k).and_then(Value::as_str).map(str::to_string);
    let token = s("token").unwrap_or_default();
    if !super::id_token::verify(ctx, p, &token, s("nonce").as_deref()).await {
        return Err(AuthError::coded("UNAUTHORIZED", "INVALID_TOKEN", "Invalid token"));
    }
    let tokens = flow::Tokens { id_token: Some(token.clone()), access_token: s("accessToken"), refresh_token: s("refreshToken"), user: idt.get("user").filter(|u| !u.is_null()).cloned(), ..Default::default() };
    let failed = || AuthError::coded("UNAUTHORIZED", "FAILED_TO_GET_USER_INFO", "Failed to get user info");
    let info = match flow::decode_claims(&token) {
        Some(c) => flow::user_info_from_id_token(ctx, p, &tokens, &c).await?,
        None => None,
    };
    let Some(info) = info else { return Err(failed()) };
    let email = info.user.get("email").and_then(Value::as_str).filter(|e| !e.is_empty()).map(str::to_string);
    let Some(email) = email else { return Err(AuthError::coded("UNAUTHORIZED", "USER_EMAIL_NOT_FOUND", "User email not found")) };
    let account_id = flow::account_subject(p, &tokens, &info.data);
    if !flow::valid_account_id(&account_id) {
        return Err(failed());
    }
    let done = json!({ "url": "", "status": true, "redirect": false });
    let store = ctx.store().await?;
    let now = ctx.now();
    if let Some(existing) = store.find_accounts_by_provider(&p.id, &account_id).await?.into_iter().next() {
        if existing.user_id != user.id {
            return Err(AuthError::coded("CONFLICT", "SOCIAL_ACCOUNT_ALREADY_LINKED", "Social account already linked"));
        }
        let upd = AccountUpdate { access_token: super::seal(ctx, &tokens.access_token)?, id_token: Some(token.clone()), refresh_token: super::seal(ctx, &tokens.refresh_token)?, ..Default::default() };
        store.update_account(&existing.id, &upd, now).await?;
        let mut u = user.clone();
        super::link::update_user_info_on_link(call, &mut u, &info.user).await;
        return Ok(done);
    }
    let o = &ctx.config.oauth;
    let trusted = o.trusted_providers.contains(&p.id);
    let verified = super::parse_string_boolean(info.user.get("emailVerified")).unwrap_or(false);
    if (!trusted && !verified) || !o.linking_enabled {
        return Err(AuthError::coded("UNAUTHORIZED", "LINKING_NOT_ALLOWED", "Account not linked - linking not allowed"));
    }
    if email.to_lowercase() != user.email.to_lowercase() && !o.allow_different_emails {
        return Err(AuthError::coded("UNAUTHORIZED", "LINKING_DIFFERENT_EMAILS_NOT_ALLOWED", "Account not linked - different emails not allowed"));
    }
    let mut acc = Account {
        id: ctx.generate_id("account").await?,
        account_id,
        provider_id: p.id.clone(),
        user_id: user.id.clone(),
        password: None,
        created_at: now,
        updated_at: now,
        scope: None,
        tokens: AccountTokens { access_token: super::seal(ctx, &tokens.access_token)?, refresh_token: super::seal(ctx, &tokens.refresh_token)?, id_token: Some(token), ..Default::default() },
    };
    let linking_failed = || AuthError::coded("EXPECTATION_FAILED", "LINKING_FAILED", "Account not linked - unable to create account");
    match db_hooks::create_account(call, &mut acc).await {
        Ok(_) => {}
        Err(e) if e.is_unavailable() => return Err(e),
        Err(_) => return Err(linking_failed()),
    }
    let mut u = user.clone();
    super::link::update_user_info_on_link(call, &mut u, &info.user).await;
    Ok(done)
}

/// Why a link failed: the `error` code and, for validation failures, a description.
pub type LinkFailure = (String, Option<String>);

fn fail(code: &str) -> Result<(), LinkFailure> {
    Err((code.to_string(), None))
}

/// `mergeScopes`: the union, stored order first, joined with `,`.
fn merge_scopes(stored: Option<&str>, new: &[String]) -> String {
    let mut out: Vec<String> = stored.unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
    for s in new {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out.join(",")
}

/// `linkOAuthAccount`: `Ok(())` when linked (the callback then redirects to `callbackURL`).
pub async fn link_account(call: &mut Call<'_>, link: &Value, ident: &OAuthIdentity, scopes: &[String]) -> AuthResult<Result<(), LinkFailure>> {
    let ctx = call.ctx;
    let link_user = match link.get("userId") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Ok(fail("unable_to_link_account")),
    };
    let link_email = link.get("email").and_then(Value::as_str).unwrap_or("").to_string();
    let store = ctx.store().await?;
    // the session that asked for the link must still be live
    if let Some(enc) = link.get("encryptedSessionToken").and_then(Value::as_str) {
        let Ok(token) = envelope::decrypt(&link_key(&ctx.config.secret), enc) else { return Ok(fail("unable_to_link_account")) };
        match store.find_session(&token).await? {
            Some((s, _)) if s.user_id == link_user && s.expires_at > ctx.now() => {}
            _ => return Ok(fail("unable_to_link_account")),
        }
    }
    let email = ident.user.get("email").and_then(Value::as_str).unwrap_or("").to_string();
    let verified = super::parse_string_boolean(ident.user.get("emailVerified")).unwrap_or(false);
    let mut vu = ident.user.clone();
    vu.insert("emailVerified".into(), Value::Bool(verified));
    vu.insert("id".into(), Value::String(link_user.clone()));
    let source = json!({ "action": "link-account", "method": "oauth", "oauth": { "providerId": ident.provider_id, "profile": ident.profile } });
    match users::validate_user_info_with(call, Value::Object(vu), source).await {
        Ok(()) => {}
        Err(AuthError::Api(e)) => match &e.body {
            crate::error::ErrorBody::CodeMessage { code, message } => return Ok(Err((code.clone(), Some(message.clone())))),
            _ => return Err(AuthError::Api(e)),
        },
        Err(e) => return Err(e),
    }
    let o = &ctx.config.oauth;
    let trusted = o.trusted_providers.contains(&ident.provider_id);
    if (!trusted && !verified) || !o.linking_enabled {
        crate::log::error("Unable to link account - untrusted provider");
        return Ok(fail("unable_to_link_account"));
    }
    if email.to_lowercase() != link_email.to_lowercase() && !o.allow_different_emails {
        return Ok(fail("email_does_not_match"));
    }
    let now = ctx.now();
    let t = &ident.tokens;
    match store.find_accounts_by_provider(&ident.provider_id, &ident.account_id).await?.into_iter().next() {
        Some(existing) => {
            if existing.user_id != link_user {
                return Ok(fail("account_already_linked_to_different_user"));
            }
            let merged = merge_scopes(existing.scope.as_deref(), scopes);
            let upd = AccountUpdate {
                access_token: super::seal(ctx, &t.access_token)?,
                refresh_token: super::seal(ctx, &t.refresh_token)?,
                id_token: t.id_token.clone(),
                access_token_expires_at: t.access_token_expires_at,
                refresh_token_expires_at: t.refresh_token_expires_at,
                scope: (!merged.is_empty()).then_some(merged),
            };
            store.update_account(&existing.id, &upd, now).await?;
        }
        None => {
            let mut acc = Account {
                id: ctx.generate_id("account").await?,
                account_id: ident.account_id.clone(),
                provider_id: ident.provider_id.clone(),
                user_id: link_user.clone(),
                password: None,
                created_at: now,
                updated_at: now,
                scope: Some(scopes.join(",")),
                tokens: AccountTokens {
                    access_token: super::seal(ctx, &t.access_token)?,
                    refresh_token: super::seal(ctx, &t.refresh_token)?,
                    id_token: t.id_token.clone(),
                    access_token_expires_at: t.access_token_expires_at,
                    refresh_token_expires_at: t.refresh_token_expires_at,
                },
            };
            match db_hooks::create_account(call, &mut acc).await {
                Ok(true) => {}
                Ok(false) => return Ok(fail("unable_to_link_account")),
                Err(e @ AuthError::Api(_)) => return Err(e),
                Err(e) if e.is_unavailable() => return Err(e),
                Err(_) => return Ok(fail("unable_to_link_account")),
            }
        }
    }
    if let Ok(Some(mut user)) = store.find_user_by_id(&link_user).await {
        super::link::update_user_info_on_link(call, &mut user, &ident.user).await;
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_merge_in_stored_order() {
        assert_eq!(merge_scopes(Some("openid,email"), &["email".into(), "profile".into()]), "openid,email,profile");
        assert_eq!(merge_scopes(None, &[]), "");
    }

    #[test]
    fn purpose_key_is_hex_of_hkdf() {
        let k = purpose_key("s", "oauth-link-session-token");
        assert_eq!(k.len(), 64);
        assert!(k.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }
}
