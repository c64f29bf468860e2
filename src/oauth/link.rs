//! `handleOAuthUserInfo` (spec §4.5): the user behind a provider identity: found by account,
//! then by email (implicit linking under `account.accountLinking`), or created; the account row
//! written as Better Auth writes it (§4.7); then a new session.
use super::flow::Tokens;
use crate::endpoints::{Call, db_hooks, start_session, users};
use crate::error::{AuthError, AuthResult};
use crate::store::{Account, AccountTokens, AccountUpdate, Session, User, UserUpdate};
use serde_json::{Map, Value, json};

/// The identity from the provider.
#[derive(Debug, Clone)]
pub struct OAuthIdentity {
    /// Provider id.
    pub provider_id: String,
    /// Provider-side account id.
    pub account_id: String,
    /// The user info (`email`, `name`, `image`, `emailVerified` and mapped fields).
    pub user: Map<String, Value>,
    /// The raw profile (for `validateUserInfo`).
    pub profile: Value,
    /// Tokens to store.
    pub tokens: Tokens,
    /// `scope` to store (comma-joined; `None` in the ID-token flow).
    pub scope: Option<String>,
}

/// What the flow asks of [`handle`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules {
    /// No new user may be created.
    pub disable_sign_up: bool,
    /// `overrideUserInfoOnSignIn`.
    pub override_user_info: bool,
    /// The provider's `requireEmailVerification`.
    pub require_email_verification: bool,
}

/// The outcome: a session, or Better Auth's `result.error` string (with spaces).
#[allow(clippy::large_enum_variant)] // built once per callback, moved straight out
pub enum Outcome {
    /// Signed in (`is_register`: the user was created now).
    Session {
        /// The new session.
        session: Session,
        /// Its user.
        user: User,
        /// The user was created by this call.
        is_register: bool,
    },
    /// `account not linked`, `signup disabled`, `email_not_verified`, ...
    Failed(&'static str),
}

fn email_of(user: &Map<String, Value>) -> String {
    user.get("email").and_then(Value::as_str).unwrap_or("").to_string()
}

fn email_verified(user: &Map<String, Value>) -> bool {
    super::parse_string_boolean(user.get("emailVerified")).unwrap_or(false)
}

/// The profile keys that are user additional fields (not `input: false`), parsed.
fn additional_fields(call: &Call<'_>, user: &Map<String, Value>, create: bool) -> AuthResult<Map<String, Value>> {
    let model = &call.ctx.config.schema.user;
    let mut profile = Map::new();
    for (k, v) in user {
        if matches!(k.as_str(), "id" | "email" | "emailVerified" | "name" | "image") {
            continue;
        }
        if model.extra_fields().any(|f| f.key == *k && !f.input) {
            continue;
        }
        profile.insert(k.clone(), v.clone());
    }
    crate::endpoints::fields::parse_input(model, &profile, create)
}

fn validation_user(user: &Map<String, Value>, id: &str, email: &str) -> Value {
    let mut u = user.clone();
    u.shift_remove("id");
    u.insert("id".into(), Value::String(id.into()));
    u.insert("email".into(), Value::String(email.into()));
    Value::Object(u)
}

async fn validate(call: &Call<'_>, ident: &OAuthIdentity, user: Value, action: &str) -> AuthResult<()> {
    let source = json!({ "method": "oauth", "oauth": { "providerId": ident.provider_id, "profile": ident.profile }, "action": action });
    users::validate_user_info_with(call, user, source).await
}

fn new_account_tokens(ctx: &crate::context::AuthContext, t: &Tokens) -> AuthResult<AccountTokens> {
    Ok(AccountTokens {
        access_token: super::seal(ctx, &t.access_token)?,
        refresh_token: super::seal(ctx, &t.refresh_token)?,
        id_token: t.id_token.clone(),
        access_token_expires_at: t.access_token_expires_at,
        refresh_token_expires_at: t.refresh_token_expires_at,
    })
}

async fn set_email_verified(call: &Call<'_>, user: &mut User) -> AuthResult<()> {
    let upd = UserUpdate { email_verified: Some(true), ..Default::default() };
    match users::update(call, &user.id, upd).await {
        Ok(Some(u)) => *user = u,
        Ok(None) => {}
        Err(crate::store::CreateUserError::Other(e)) => return Err(e),
        Err(crate::store::CreateUserError::EmailTaken) => {}
    }
    Ok(())
}

/// `applyUpdateUserInfoOnLink`: name, image and additional fields onto the user after a link.
pub(crate) async fn update_user_info_on_link(call: &Call<'_>, user: &mut User, info: &Map<String, Value>) {
    if !call.ctx.config.oauth.update_user_info_on_link {
        return;
    }
    let Ok(extra) = additional_fields(call, info, false) else { return };
    let upd = UserUpdate {
        name: info.get("name").and_then(Value::as_str).map(str::to_string),
        image: info.get("image").map(|v| v.as_str().map(str::to_string)),
        extra,
        ..Default::default()
    };
    match users::update(call, &user.id, upd).await {
        Ok(Some(u)) => *user = u,
        Ok(None) => {}
        Err(_) => crate::log::warn("Could not update user info on account link"),
    }
}

/// `handleOAuthUserInfo`.
pub async fn handle(call: &mut Call<'_>, ident: &OAuthIdentity, rules: Rules, callback_url: &str) -> AuthResult<Outcome> {
    let ctx = call.ctx;
    let store = ctx.store().await?;
    let email = email_of(&ident.user).to_lowercase();
    let verified = email_verified(&ident.user);
    let by_key = store.find_accounts_by_provider(&ident.provider_id, &ident.account_id).await?;
    let mut found: Option<(User, Option<Account>, Vec<Account>)> = None;
    if let Some(acc) = by_key.into_iter().next() {
        match store.find_user_by_id(&acc.user_id).await? {
            Some(u) => found = Some((u, Some(acc.clone()), vec![acc])),
            None => {
                crate::log::error("OAuth account references a missing user. Repair the account before retrying authentication.");
                return Ok(Outcome::Failed("unable to link account"));
            }
        }
    } else if let Some(u) = store.find_user_by_email(&email).await? {
        let accounts = store.list_accounts(&u.id).await?;
        found = Some((u, None, accounts));
    }
    let now = ctx.now();
    let is_register = found.is_none();
    let mut user = match found {
        Some((mut user, linked, accounts)) => {
            let linked = linked.or_else(|| accounts.into_iter().find(|a| a.provider_id == ident.provider_id && a.account_id == ident.account_id));
            match linked {
                None => {
                    let o = &ctx.config.oauth;
                    let trusted = o.trusted_providers.contains(&ident.provider_id);
                    if (!trusted && !verified) || (o.require_local_email_verified && !user.email_verified) || !o.linking_enabled || o.disable_implicit_linking {
                        return Ok(Outcome::Failed("account not linked"));
                    }
                    validate(call, ident, validation_user(&ident.user, &user.id, &email), "link-account").await?;
                    let mut acc = Account {
                        id: ctx.generate_id("account").await?,
                        account_id: ident.account_id.clone(),
                        provider_id: ident.provider_id.clone(),
                        user_id: user.id.clone(),
                        password: None,
                        created_at: now,
                        updated_at: now,
                        scope: ident.scope.clone(),
                        tokens: new_account_tokens(ctx, &ident.tokens)?,
                    };
                    match db_hooks::create_account(call, &mut acc).await {
                        Ok(true) => super::account_cookie::set_from(call, &db_hooks::account_json(&acc)),
                        Ok(false) => return Ok(Outcome::Failed("unable to link account")),
                        Err(e @ AuthError::Api(_)) => return Err(e),
                        Err(e) => {
                            crate::log::error(&format!("Unable to link account: {e}"));
                            return Ok(Outcome::Failed("unable to link account"));
                        }
                    }
                    if verified && !user.email_verified && email == user.email {
                        set_email_verified(call, &mut user).await?;
                    }
                    update_user_info_on_link(call, &mut user, &ident.user).await;
                }
                Some(acc) => {
                    validate(call, ident, validation_user(&ident.user, &user.id, &email), "sign-in").await?;
                    let fresh = ctx.config.oauth.update_account_on_sign_in;
                    let t = &ident.tokens;
                    let upd = AccountUpdate {
                        access_token: super::seal(ctx, &t.access_token)?,
                        refresh_token: super::seal(ctx, &t.refresh_token)?,
                        id_token: t.id_token.clone(),
                        access_token_expires_at: t.access_token_expires_at,
                        refresh_token_expires_at: t.refresh_token_expires_at,
                        scope: None,
                    };
                    if ctx.config.oauth.store_account_cookie {
                        // the linked row with the fresh tokens, written before the update
                        let mut cookie_acc = acc.clone();
                        if fresh {
                            let keep = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
                            let ct = &mut cookie_acc.tokens;
                            ct.access_token = keep(&upd.access_token, &ct.access_token);
                            ct.refresh_token = keep(&upd.refresh_token, &ct.refresh_token);
                            ct.id_token = keep(&upd.id_token, &ct.id_token);
                            ct.access_token_expires_at = upd.access_token_expires_at.or(ct.access_token_expires_at);
                            ct.refresh_token_expires_at = upd.refresh_token_expires_at.or(ct.refresh_token_expires_at);
                        }
                        super::account_cookie::set_from(call, &db_hooks::account_json(&cookie_acc));
                    }
                    if fresh {
                        if store.update_account(&acc.id, &upd, now).await? == 0 {
                            return Ok(Outcome::Failed("unable to update account"));
                        }
                    }
                    if verified && !user.email_verified && email == user.email {
                        set_email_verified(call, &mut user).await?;
                    }
                }
            }
            if rules.override_user_info {
                let extra = additional_fields(call, &ident.user, false)?;
                let ev = if email == user.email { user.email_verified || verified } else { verified };
                let upd = UserUpdate {
                    name: ident.user.get("name").and_then(Value::as_str).map(str::to_string),
                    image: ident.user.get("image").map(|v| v.as_str().map(str::to_string)),
                    email: Some(email.clone()),
                    email_verified: Some(ev),
                    extra,
                };
                match users::update(call, &user.id, upd).await {
                    Ok(Some(u)) => user = u,
                    Ok(None) | Err(crate::store::CreateUserError::EmailTaken) => {
                        crate::log::warn("Could not update user info during OAuth sign in; preserving existing user for session.");
                    }
                    Err(crate::store::CreateUserError::Other(e)) => return Err(e),
                }
            }
            user
        }
        None => {
            if rules.disable_sign_up {
                return Ok(Outcome::Failed("signup disabled"));
            }
            let extra = additional_fields(call, &ident.user, true)?;
            let mut user = User {
                id: ctx.generate_id("user").await?,
                name: ident.user.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
                email: email.clone(),
                email_verified: verified,
                image: ident.user.get("image").and_then(Value::as_str).map(str::to_string),
                created_at: now,
                updated_at: now,
                extra,
            };
            validate(call, ident, crate::endpoints::db_hooks::user_create_data(&user), "create-user").await?;
            let mut acc = Account {
                id: ctx.generate_id("account").await?,
                account_id: ident.account_id.clone(),
                provider_id: ident.provider_id.clone(),
                user_id: user.id.clone(),
                password: None,
                created_at: now,
                updated_at: now,
                scope: ident.scope.clone(),
                tokens: new_account_tokens(ctx, &ident.tokens)?,
            };
            match create_user_with_account(call, &mut user, &mut acc).await {
                Ok(true) => super::account_cookie::set_from(call, &db_hooks::account_json(&acc)),
                Ok(false) => return Ok(Outcome::Failed("unable to create user")),
                Err(e @ AuthError::Api(_)) => return Err(e),
                Err(e) => {
                    crate::log::error(&format!("Unable to create OAuth user: {e}"));
                    return Ok(Outcome::Failed("unable to create user"));
                }
            }
            user
        }
    };
    if is_register && !user.email_verified && ctx.config.email_verification.send_on_sign_up.unwrap_or(rules.require_email_verification) && crate::endpoints::verify_email::can_send(ctx) {
        let _ = crate::endpoints::verify_email::send_verification_email(call, &user, Some(callback_url)).await;
    }
    if rules.require_email_verification && !user.email_verified {
        if !is_register && ctx.config.email_verification.send_on_sign_in && crate::endpoints::verify_email::can_send(ctx) {
            let _ = crate::endpoints::verify_email::send_verification_email(call, &user, Some(callback_url)).await;
        }
        return Ok(Outcome::Failed("email_not_verified"));
    }
    let session = match start_session::start(call, &user, false, "INTERNAL_SERVER_ERROR").await {
        Ok(s) => s,
        Err(e) if e.is_unavailable() => return Err(e),
        Err(_) => return Ok(Outcome::Failed("unable to create session")),
    };
    // keep the freshest row for the response
    if let Ok(Some(u)) = store.find_user_by_id(&user.id).await {
        user = u;
    }
    Ok(Outcome::Session { session, user, is_register })
}

/// Creates the user and the account in one transaction (with the `user.create` and
/// `account.create` hooks); false when a hook cancelled or the email is taken.
async fn create_user_with_account(call: &Call<'_>, user: &mut User, acc: &mut Account) -> AuthResult<bool> {
    Ok(users::create(call, user, Some(acc)).await? == users::Created::Done)
}
