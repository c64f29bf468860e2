//! The part of Better Auth's `ctx.context.internalAdapter` that hooks commonly call, for
//! `hooks` and `databaseHooks` written against Better Auth: reads and a few writes straight on
//! the store, with Better Auth's method names and return shapes. Writes made here do not run
//! `databaseHooks` (listed in docs/COMPATIBILITY.md).
use crate::context::AuthContext;
use crate::error::{AuthError, AuthResult};
use crate::json::{session_json, session_user_json, user_json};
use crate::store::{CreateUserError, UserUpdate};
use serde_json::{Value, json};

/// Method names served (the JS layer builds `internalAdapter` from this list).
pub const METHODS: &[&str] = &[
    "findUserById",
    "findUserByEmail",
    "findSession",
    "listSessions",
    "findAccounts",
    "findAccountByUserId",
    "updateUser",
    "deleteSession",
    "deleteSessions",
];

fn arg_str<'a>(args: &'a [Value], i: usize, what: &str) -> AuthResult<&'a str> {
    args.get(i).and_then(Value::as_str).ok_or_else(|| AuthError::internal(format!("internalAdapter: {what} must be a string")))
}

/// Runs `method` with `args` (a JSON array, as the JS call's arguments).
pub async fn call(ctx: &AuthContext, method: &str, args: &[Value]) -> AuthResult<Value> {
    let store = ctx.store().await?;
    let schema = &ctx.config.schema;
    Ok(match method {
        "findUserById" => match store.find_user_by_id(arg_str(args, 0, "userId")?).await? {
            Some(u) => user_json(&u, &schema.user),
            None => Value::Null,
        },
        "findUserByEmail" => {
            let email = arg_str(args, 0, "email")?.to_lowercase();
            match store.find_user_by_email(&email).await? {
                Some(u) => {
                    let include = args.get(1).and_then(|o| o.get("includeAccounts")).and_then(Value::as_bool).unwrap_or(false);
                    let accounts = if include {
                        store.list_accounts(&u.id).await?.iter().map(super::db_hooks::account_json).collect()
                    } else {
                        Vec::new()
                    };
                    json!({ "user": user_json(&u, &schema.user), "accounts": accounts })
                }
                None => Value::Null,
            }
        }
        "findSession" => match store.find_session(arg_str(args, 0, "token")?).await? {
            Some((s, u)) => session_user_json(&s, &u, schema),
            None => Value::Null,
        },
        "listSessions" => {
            let sessions = store.list_sessions(arg_str(args, 0, "userId")?).await?;
            Value::Array(sessions.iter().map(|s| session_json(s, &schema.session)).collect())
        }
        "findAccounts" | "findAccountByUserId" => {
            let accounts = store.list_accounts(arg_str(args, 0, "userId")?).await?;
            Value::Array(accounts.iter().map(super::db_hooks::account_json).collect())
        }
        "updateUser" => {
            let id = arg_str(args, 0, "userId")?;
            let data = args.get(1).and_then(Value::as_object).cloned().unwrap_or_default();
            let mut update = UserUpdate::default();
            for (k, v) in &data {
                match (k.as_str(), v) {
                    ("name", Value::String(s)) => update.name = Some(s.clone()),
                    ("email", Value::String(s)) => update.email = Some(s.to_lowercase()),
                    ("emailVerified", Value::Bool(b)) => update.email_verified = Some(*b),
                    ("image", Value::String(s)) => update.image = Some(Some(s.clone())),
                    ("image", Value::Null) => update.image = Some(None),
                    ("id" | "createdAt" | "updatedAt", _) => {}
                    (key, v) if schema.user.extra_fields().any(|f| f.key == key) => {
                        update.extra.insert(key.to_string(), v.clone());
                    }
                    (key, _) => return Err(AuthError::internal(format!("internalAdapter.updateUser: unknown user field {key}"))),
                }
            }
            match store.update_user(id, &update, ctx.now()).await {
                Ok(Some(u)) => user_json(&u, &schema.user),
                Ok(None) => Value::Null,
                Err(CreateUserError::EmailTaken) => return Err(AuthError::base("UNPROCESSABLE_ENTITY", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")),
                Err(CreateUserError::Other(e)) => return Err(e),
            }
        }
        "deleteSession" => {
            store.delete_session(arg_str(args, 0, "token")?).await?;
            Value::Null
        }
        "deleteSessions" => {
            // a user id, or a list of session tokens
            match args.first() {
                Some(Value::String(user_id)) => {
                    store.delete_user_sessions(user_id, None).await?;
                }
                Some(Value::Array(tokens)) => {
                    for t in tokens.iter().filter_map(Value::as_str) {
                        store.delete_session(t).await?;
                    }
                }
                _ => return Err(AuthError::internal("internalAdapter.deleteSessions: a user id or a list of tokens")),
            }
            Value::Null
        }
        other => return Err(AuthError::internal(format!("internalAdapter.{other} is not served by better-auth-rs"))),
    })
}
