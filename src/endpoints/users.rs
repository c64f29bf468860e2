//! Creating users the way Better Auth's `internalAdapter.createUser` (+ `linkAccount`) does, for
//! every path that is not email + password sign-up (admin `create-user`, magic link, email OTP,
//! social sign-in): the `user.create` hooks (plugins' first, then the app's), one transaction for
//! the user and its account, then the `after` hooks.
use super::Call;
use super::db_hooks;
use crate::error::{AuthError, AuthResult};
use crate::store::{Account, CreateUserError, User, UserUpdate};
use serde_json::{Map, Value};

/// What [`create`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    /// The user (and account) rows exist; `user` holds what was written.
    Done,
    /// A `before` hook returned `false` (Better Auth's `createUser` returns `null`).
    Cancelled,
    /// The (lower-cased) email is taken.
    EmailTaken,
}

/// Inserts `user` and, when given, `account` (its `userId`/`accountId` follow the user's id) in
/// one transaction, with the `user.create` and `account.create` hooks.
pub async fn create(call: &Call<'_>, user: &mut User, mut account: Option<&mut Account>) -> AuthResult<Created> {
    match db_hooks::before(call, "user", "create", db_hooks::user_create_data(user)).await? {
        Some(Value::Object(d)) => db_hooks::merge_user(user, &d),
        Some(_) => {}
        None => return Ok(Created::Cancelled),
    }
    if let Some(a) = account.as_deref_mut()
        && db_hooks::any(call, "account", "create")
    {
        match db_hooks::before(call, "account", "create", db_hooks::account_json(a)).await? {
            None => return Ok(Created::Cancelled),
            Some(Value::Object(d)) => {
                if let Some(Value::String(pw)) = d.get("password") {
                    a.password = Some(pw.clone());
                }
            }
            Some(_) => {}
        }
    }
    match call.ctx.store().await?.create_user(user, account.as_deref_mut()).await {
        Ok(()) => {}
        Err(CreateUserError::EmailTaken) => return Ok(Created::EmailTaken),
        Err(CreateUserError::Other(e)) => return Err(e),
    }
    db_hooks::after(call, "user", "create", db_hooks::user_data(call, user)).await?;
    if let Some(a) = account.as_deref() {
        db_hooks::after(call, "account", "create", db_hooks::account_json(a)).await?;
    }
    Ok(Created::Done)
}

/// A credential account for `user_id` holding `hash` (`accountId` = the user id).
pub async fn credential_account(call: &Call<'_>, user_id: &str, hash: String) -> AuthResult<Account> {
    let ctx = call.ctx;
    let now = ctx.now();
    Ok(Account {
        id: ctx.generate_id("account").await?,
        account_id: user_id.to_string(),
        provider_id: "credential".into(),
        user_id: user_id.to_string(),
        password: Some(hash),
        created_at: now,
        updated_at: now,
        scope: None,
        tokens: Default::default(),
    })
}

/// Better Auth's `user.validateUserInfo` gate as `internalAdapter.createUser` runs it for a user
/// about to be created by `method` (`"magic-link"`, `"email-otp"`, ...): fails closed, a 403
/// with the app's code (or `validation_failed` when the callback throws).
pub async fn validate_user_info(call: &Call<'_>, user: &User, method: &str) -> AuthResult<()> {
    if !call.ctx.callbacks.has("user.validateUserInfo") {
        return Ok(());
    }
    validate_user_info_with(call, db_hooks::user_create_data(user), serde_json::json!({ "method": method, "action": "create-user" })).await
}

/// [`validate_user_info`] with the `user` and `source` arguments as given (social sign-in passes
/// `{ method: "oauth", oauth: { providerId, profile }, action }`).
pub async fn validate_user_info_with(call: &Call<'_>, user: Value, source: Value) -> AuthResult<()> {
    let ctx = call.ctx;
    if !ctx.callbacks.has("user.validateUserInfo") {
        return Ok(());
    }
    let data = serde_json::json!({ "user": user, "source": source });
    match ctx.callbacks.call("user.validateUserInfo", serde_json::json!([data, db_hooks::ctx_arg(call)])).await {
        Err(e) if e.is_unavailable() => Err(e),
        Err(e) => {
            crate::log::error(&format!("validateUserInfo callback threw: {e}"));
            Err(AuthError::coded("FORBIDDEN", "validation_failed", "User validation failed"))
        }
        Ok(Some(r)) => match r.get("error").filter(|v| crate::origin::truthy(v)) {
            Some(code) => {
                let code = match code {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let message = r.get("errorDescription").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string).unwrap_or_else(|| code.clone());
                Err(AuthError::coded("FORBIDDEN", &code, message))
            }
            None => Ok(()),
        },
        Ok(None) => Ok(()),
    }
}

/// Better Auth's `internalAdapter.updateUser` with the `user.update` hooks (plugins' first, then
/// the app's): the updated user, `None` when a `before` hook cancelled or the user is gone. An
/// email already taken is `Err(CreateUserError::EmailTaken)`.
pub async fn update(call: &Call<'_>, id: &str, mut update: UserUpdate) -> Result<Option<User>, CreateUserError> {
    let ctx = call.ctx;
    let mut data = Map::new();
    if let Some(n) = &update.name {
        data.insert("name".into(), Value::String(n.clone()));
    }
    if let Some(e) = &update.email {
        data.insert("email".into(), Value::String(e.clone()));
    }
    if let Some(v) = update.email_verified {
        data.insert("emailVerified".into(), Value::Bool(v));
    }
    if let Some(i) = &update.image {
        data.insert("image".into(), i.clone().map(Value::String).unwrap_or(Value::Null));
    }
    for (k, v) in &update.extra {
        data.insert(k.clone(), v.clone());
    }
    match db_hooks::before(call, "user", "update", Value::Object(data)).await.map_err(CreateUserError::Other)? {
        None => return Ok(None),
        Some(Value::Object(d)) => {
            let mut u = User::default();
            db_hooks::merge_user(&mut u, &d);
            if d.contains_key("name") {
                update.name = Some(u.name);
            }
            if d.contains_key("email") {
                update.email = Some(u.email);
            }
            if d.contains_key("emailVerified") {
                update.email_verified = Some(u.email_verified);
            }
            if d.contains_key("image") {
                update.image = Some(u.image);
            }
            for f in ctx.config.schema.user.extra_fields() {
                if let Some(v) = d.get(&f.key) {
                    update.extra.insert(f.key.clone(), v.clone());
                }
            }
        }
        Some(_) => {}
    }
    let store = ctx.store().await.map_err(CreateUserError::Other)?;
    let updated = store.update_user(id, &update, ctx.now()).await?;
    if let Some(u) = &updated {
        db_hooks::after(call, "user", "update", db_hooks::user_data(call, u)).await.map_err(CreateUserError::Other)?;
    }
    Ok(updated)
}

/// How long a `revokeUnprovenAccountAccess` lock row lives, how long a second caller waits for
/// it and how often it looks (Better Auth's 5 s / 2 s / 250 ms).
const CLEANUP_LOCK_MS: i64 = 5_000;
const CLEANUP_WAIT: std::time::Duration = std::time::Duration::from_millis(2_000);
const CLEANUP_POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// Better Auth's `revokeUnprovenAccountAccess`: a magic link or email OTP proved control of the
/// mailbox of a user whose email was never verified, so nothing that user accrued before the
/// proof is kept: every account (the credential password included) and every session is
/// deleted, then `emailVerified` becomes true. Guarded by a
/// `revoke-unproven-account-access:<userId>` reservation, so of two concurrent proofs one cleans
/// up and the other waits for it (then just reads the user). Returns the current user, `None`
/// when it is gone.
pub async fn revoke_unproven_account_access(call: &Call<'_>, user_id: &str) -> AuthResult<Option<User>> {
    let ctx = call.ctx;
    let lock = format!("revoke-unproven-account-access:{user_id}");
    let store = ctx.store().await?;
    if !super::verification::reserve(call, &lock, user_id, ctx.now() + CLEANUP_LOCK_MS).await? {
        let deadline = std::time::Instant::now() + CLEANUP_WAIT;
        while std::time::Instant::now() < deadline {
            match store.find_verification(&lock).await? {
                None => break,
                Some(held) if held.expires_at <= ctx.now() => {
                    super::verification::delete_all(call, &lock).await?;
                    break;
                }
                Some(_) => tokio::time::sleep(CLEANUP_POLL).await,
            }
        }
        return store.find_user_by_id(user_id).await;
    }
    let result = revoke_locked(call, user_id).await;
    // the lock goes whatever happened (errors deleting it are ignored, as in Better Auth)
    let _ = super::verification::delete_all(call, &lock).await;
    result
}

async fn revoke_locked(call: &Call<'_>, user_id: &str) -> AuthResult<Option<User>> {
    let store = call.ctx.store().await?;
    let Some(user) = store.find_user_by_id(user_id).await? else { return Ok(None) };
    if user.email_verified {
        return Ok(Some(user));
    }
    // `deleteAccount` per account, with the account.delete hooks (a `false` keeps that one)
    let hooks = db_hooks::any(call, "account", "delete");
    for a in store.list_accounts(user_id).await? {
        if hooks && db_hooks::before(call, "account", "delete", db_hooks::account_json(&a)).await?.is_none() {
            continue;
        }
        if store.delete_account(&a.id).await? > 0 && hooks {
            db_hooks::after(call, "account", "delete", db_hooks::account_json(&a)).await?;
        }
    }
    store.delete_user_sessions(user_id, None).await?;
    match update(call, user_id, UserUpdate { email_verified: Some(true), ..Default::default() }).await {
        Ok(u) => Ok(u),
        Err(CreateUserError::EmailTaken) => Ok(None),
        Err(CreateUserError::Other(e)) => Err(e),
    }
}
