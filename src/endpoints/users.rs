//! Creating users the way Better Auth's `internalAdapter.createUser` (+ `linkAccount`) does, for
//! every path that is not email + password sign-up (admin `create-user`, magic link, email OTP,
//! social sign-in): the `user.create` hooks (plugins' first, then the app's), one transaction for
//! the user and its account, then the `after` hooks.
use super::Call;
use super::db_hooks;
use crate::error::AuthResult;
use crate::store::{Account, CreateUserError, User};
use serde_json::Value;

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
    })
}
