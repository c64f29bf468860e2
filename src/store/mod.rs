//! Storage: the [`Store`] trait the endpoints talk to, the row models (Better Auth's schema),
//! and one module per dialect. The dialect is chosen once, from the `database` option.
use database::DatabaseConfig;
use crate::error::AuthResult;
use async_trait::async_trait;
use serde_json::{Map, Value};
use std::sync::Arc;

pub mod announcing;
pub mod counters;
pub mod database;
pub mod js_adapter;
pub mod js_sqlite;
pub mod json;
pub mod migrate;
pub mod mysql;
pub mod query;
pub mod redis;
pub mod pg_channel;
pub mod postgres;
pub mod revocations;
pub mod schema;
pub mod secondary;
pub mod sql;
pub mod sqlite;
pub mod sqlite_fast;
pub mod sqlite_file;
pub mod value;

/// A `user` row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct User {
    /// `id`
    pub id: String,
    /// `name`
    pub name: String,
    /// `email` (lower-cased)
    pub email: String,
    /// `emailVerified`
    pub email_verified: bool,
    /// `image`
    pub image: Option<String>,
    /// `createdAt`, epoch ms
    pub created_at: i64,
    /// `updatedAt`, epoch ms
    pub updated_at: i64,
    /// Additional fields (`user.additionalFields`), JSON values with dates as ISO strings.
    pub extra: Map<String, Value>,
}

/// A `session` row.
#[derive(Clone, PartialEq, Default)]
pub struct Session {
    /// `id`
    pub id: String,
    /// `token` (the raw session token)
    pub token: String,
    /// `userId`
    pub user_id: String,
    /// `expiresAt`, epoch ms
    pub expires_at: i64,
    /// `createdAt`, epoch ms
    pub created_at: i64,
    /// `updatedAt`, epoch ms
    pub updated_at: i64,
    /// `ipAddress`
    pub ip_address: Option<String>,
    /// `userAgent`
    pub user_agent: Option<String>,
    /// Additional fields (`session.additionalFields`).
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("token", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A `verification` row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    /// `id`
    pub id: String,
    /// `identifier` (e.g. `reset-password:<token>`)
    pub identifier: String,
    /// `value` (e.g. the user id)
    pub value: String,
    /// `expiresAt`, epoch ms
    pub expires_at: i64,
    /// `createdAt`, epoch ms
    pub created_at: i64,
    /// `updatedAt`, epoch ms
    pub updated_at: i64,
}

/// Changes to a user row (`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    /// `name`
    pub name: Option<String>,
    /// `email` (lower-cased)
    pub email: Option<String>,
    /// `emailVerified`
    pub email_verified: Option<bool>,
    /// `image` (`Some(None)` clears it)
    pub image: Option<Option<String>>,
    /// Additional fields to set.
    pub extra: Map<String, Value>,
}

impl UserUpdate {
    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.email_verified.is_none() && self.image.is_none() && self.extra.is_empty()
    }
}

/// An `account` row (the credential account carries the password hash).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Account {
    /// `id`
    pub id: String,
    /// `accountId` (the user id for credential accounts)
    pub account_id: String,
    /// `providerId` (`credential`)
    pub provider_id: String,
    /// `userId`
    pub user_id: String,
    /// `password`
    pub password: Option<String>,
    /// `createdAt`, epoch ms
    pub created_at: i64,
    /// `updatedAt`, epoch ms
    pub updated_at: i64,
    /// `scope` (comma-separated), for `list-accounts`
    pub scope: Option<String>,
    /// The OAuth token columns (all `None` for credential accounts).
    pub tokens: AccountTokens,
}

/// The OAuth token columns of an `account` row (`accessToken`, `refreshToken`, `idToken`, and
/// the two expiry dates, epoch ms). Tokens are stored as given (already encrypted when
/// `account.encryptOAuthTokens` is on).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct AccountTokens {
    /// `accessToken`
    pub access_token: Option<String>,
    /// `refreshToken`
    pub refresh_token: Option<String>,
    /// `idToken`
    pub id_token: Option<String>,
    /// `accessTokenExpiresAt`, epoch ms
    pub access_token_expires_at: Option<i64>,
    /// `refreshTokenExpiresAt`, epoch ms
    pub refresh_token_expires_at: Option<i64>,
}

impl std::fmt::Debug for AccountTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountTokens").field("access_token_expires_at", &self.access_token_expires_at).finish_non_exhaustive()
    }
}

/// Changes to an account row (`None`: unchanged, as Better Auth drops `undefined` values).
#[derive(Clone, Default)]
pub struct AccountUpdate {
    /// `accessToken`
    pub access_token: Option<String>,
    /// `refreshToken`
    pub refresh_token: Option<String>,
    /// `idToken`
    pub id_token: Option<String>,
    /// `accessTokenExpiresAt`
    pub access_token_expires_at: Option<i64>,
    /// `refreshTokenExpiresAt`
    pub refresh_token_expires_at: Option<i64>,
    /// `scope`
    pub scope: Option<String>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("provider_id", &self.provider_id)
            .field("user_id", &self.user_id)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// Why a user could not be created.
#[derive(Debug)]
pub enum CreateUserError {
    /// The (lower-cased) email is already taken.
    EmailTaken,
    /// Anything else.
    Other(crate::error::AuthError),
}

impl From<sqlx::Error> for CreateUserError {
    fn from(e: sqlx::Error) -> Self {
        CreateUserError::Other(e.into())
    }
}

/// What the endpoints need from a database. One implementation per dialect.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Creates missing tables and indexes (never drops anything). Idempotent.
    async fn migrate(&self) -> AuthResult<()>;

    /// The user with this (lower-cased) email, and their credential account
    /// (`providerId = "credential"`, `accountId = user.id`) if any.
    async fn find_user_with_credential(&self, email: &str) -> AuthResult<Option<(User, Option<Account>)>>;

    /// Inserts the user and their credential account atomically (one transaction). Ids the
    /// database generates are written back.
    async fn create_user_with_credential(&self, user: &mut User, account: &mut Account) -> Result<(), CreateUserError>;

    /// Inserts a user and, when given, an account for it, atomically (one transaction): the
    /// admin plugin's `create-user`, with or without a password. Ids the database generates are
    /// written back.
    async fn create_user(&self, user: &mut User, account: Option<&mut Account>) -> Result<(), CreateUserError>;

    /// Users matching a query (Better Auth's `findMany` on `user`). Unknown fields are errors.
    async fn find_users(&self, q: &query::UserQuery) -> AuthResult<Vec<User>>;

    /// How many users match the conditions (Better Auth's `count` on `user`).
    async fn count_users(&self, conds: &[query::Cond]) -> AuthResult<i64>;

    /// Inserts a session (a database-generated id is written back).
    async fn create_session(&self, session: &mut Session) -> AuthResult<()>;

    /// The session with this token and its user (one indexed join).
    async fn find_session(&self, token: &str) -> AuthResult<Option<(Session, User)>>;

    /// [`Store::find_session`] answered on the caller's thread without waiting, when this store
    /// can (an SQLite file the engine reads itself, in WAL mode or unlocked): `None` whenever it
    /// cannot answer immediately (another backend, a locked or busy file, a reset under way),
    /// and the caller takes the asynchronous path.
    fn find_session_now(&self, _token: &str) -> Option<AuthResult<Option<(Session, User)>>> {
        None
    }

    /// Sets `expiresAt`/`updatedAt` of the session with this token. False when no row matched.
    async fn refresh_session(&self, token: &str, expires_at: i64, updated_at: i64) -> AuthResult<bool>;

    /// Sets additional fields and `updatedAt` of the session with this token (Better Auth's
    /// `updateSession`); the updated session, `None` when no row matched.
    async fn update_session(&self, token: &str, fields: &Map<String, Value>, updated_at: i64) -> AuthResult<Option<Session>>;

    /// Replaces the password of the user's credential account.
    async fn update_credential_password(&self, user_id: &str, hash: &str, now: i64) -> AuthResult<bool>;

    /// Replaces the password of credential account `account_id` (of user `user_id`), as Better
    /// Auth's change-password writes it (by the account's id). Stores where the two are the same
    /// write keep [`Store::update_credential_password`].
    async fn update_account_password(&self, _account_id: &str, user_id: &str, hash: &str, now: i64) -> AuthResult<bool> {
        self.update_credential_password(user_id, hash, now).await
    }

    /// Deletes the session with this token (no error when absent).
    async fn delete_session(&self, token: &str) -> AuthResult<()>;

    /// The user with this id.
    async fn find_user_by_id(&self, id: &str) -> AuthResult<Option<User>>;

    /// The user with this (lower-cased) email.
    async fn find_user_by_email(&self, email: &str) -> AuthResult<Option<User>> {
        Ok(self.find_user_with_credential(email).await?.map(|(u, _)| u))
    }

    /// The user's credential account (`providerId = "credential"`, `accountId = userId`).
    async fn find_credential_account(&self, user_id: &str) -> AuthResult<Option<Account>>;

    /// Inserts an account row (e.g. a credential account created by a password reset).
    async fn create_account(&self, account: &mut Account) -> AuthResult<()>;

    /// All accounts of a user, oldest first.
    async fn list_accounts(&self, user_id: &str) -> AuthResult<Vec<Account>>;

    /// Applies `update` (and `updatedAt`) to the user; the updated row, `None` when gone.
    /// An email already taken is `Err(CreateUserError::EmailTaken)`.
    async fn update_user(&self, id: &str, update: &UserUpdate, now: i64) -> Result<Option<User>, CreateUserError>;

    /// Deletes the user with their sessions and accounts (explicitly: MySQL has no cascade).
    async fn delete_user(&self, id: &str) -> AuthResult<()>;

    /// The user's sessions, oldest first.
    async fn list_sessions(&self, user_id: &str) -> AuthResult<Vec<Session>>;

    /// The user's sessions that are still live at `now` (`expiresAt > now`), oldest first: what
    /// `/list-sessions` shows. A store whose reads are capped (a Better Auth adapter's default
    /// `findMany` limit) filters in the query, so expired rows cannot push live ones out.
    async fn list_active_sessions(&self, user_id: &str, now: i64) -> AuthResult<Vec<Session>> {
        Ok(self.list_sessions(user_id).await?.into_iter().filter(|s| s.expires_at > now).collect())
    }

    /// Deletes every session of the user; with `except`, all but that token.
    async fn delete_user_sessions(&self, user_id: &str, except: Option<&str>) -> AuthResult<u64>;

    /// Inserts a verification row.
    async fn create_verification(&self, v: &mut Verification) -> AuthResult<()>;

    /// The newest verification row for `identifier`.
    async fn find_verification(&self, identifier: &str) -> AuthResult<Option<Verification>>;

    /// Deletes verification rows for `identifier`; the number deleted (consume = 1 wins).
    async fn delete_verification(&self, identifier: &str) -> AuthResult<u64>;

    /// Deletes expired verification rows.
    async fn delete_expired_verifications(&self, now: i64) -> AuthResult<u64>;

    /// Better Auth's `consumeVerificationValue` on the row `v` (the newest for its identifier):
    /// deletes it by id, then the other rows of its identifier created no later than it. False
    /// when the row was already gone (another caller consumed it first).
    async fn consume_verification(&self, v: &Verification) -> AuthResult<bool>;

    /// Sets `expiresAt` (and `updatedAt`) of every row of `identifier`; the number updated.
    async fn update_verification_expiry(&self, identifier: &str, expires_at: i64, now: i64) -> AuthResult<u64>;

    /// Better Auth's `reserveVerificationValue`: inserts `v` with its own (deterministic) id;
    /// `Ok(false)` when a row with that id already exists (someone else holds the reservation).
    /// With database-generated ids (serial) the id cannot be chosen: `Ok(true)` without a row.
    async fn reserve_verification(&self, v: &Verification) -> AuthResult<bool>;

    /// Deletes the account with this id; the number deleted.
    async fn delete_account(&self, id: &str) -> AuthResult<u64>;

    /// The accounts with this provider id and provider-side account id (Better Auth's
    /// `findAccountByProviderId`), oldest first.
    async fn find_accounts_by_provider(&self, provider_id: &str, account_id: &str) -> AuthResult<Vec<Account>>;

    /// Applies `update` (and `updatedAt`) to the account with this id; the number updated.
    async fn update_account(&self, id: &str, update: &AccountUpdate, now: i64) -> AuthResult<u64>;
}

/// Where plugin tables (`jwks`, ...) live: the SQL store, or the app's Better Auth adapter.
#[derive(Debug, Clone, Copy)]
pub enum PluginRows<'a> {
    /// SQLite, PostgreSQL or MySQL.
    Sql(&'a sql::SqlStore),
    /// A Better Auth adapter (logical model and field names).
    Adapter(&'a js_adapter::AdapterStore),
}

/// Opens the SQL store for a database option (inside a tokio runtime).
/// `callbacks` reach the application's database object for [`DatabaseConfig::SqliteHandle`].
pub async fn open_sql(db: &DatabaseConfig, schema: Arc<schema::Schema>, callbacks: &crate::callbacks::Callbacks) -> AuthResult<sql::SqlStore> {
    let pool = sql::PoolSettings { max_connections: db.max_connections() };
    match db {
        DatabaseConfig::Sqlite { path, .. } => {
            // the application has loaded an SQLite library of its own: go through a handle of
            // that library, so the process keeps one SQLite library for the file
            if path != ":memory:" && callbacks.has(js_sqlite::ATTACH) {
                let attached = callbacks.call(js_sqlite::ATTACH, serde_json::json!([path])).await?;
                if matches!(attached, Some(Value::String(_)) | Some(Value::Bool(true))) {
                    return sql::SqlStore::open_handle(js_sqlite::JsSqlite::new(callbacks.clone(), path.clone()), schema).await;
                }
            }
            sql::SqlStore::open_sqlite_with(path, schema, pool, Some(callbacks.clone())).await
        }
        DatabaseConfig::SqliteHandle { name } => {
            if !callbacks.has(js_sqlite::CALLBACK) {
                return Err(crate::error::AuthError::internal("an SQLite database object was given but cannot be reached"));
            }
            sql::SqlStore::open_handle(js_sqlite::JsSqlite::new(callbacks.clone(), name.clone()), schema).await
        }
        DatabaseConfig::Postgres { url, .. } => sql::SqlStore::open_postgres(url, schema, pool).await,
        DatabaseConfig::Mysql { url, .. } => sql::SqlStore::open_mysql(url, schema, pool).await,
        DatabaseConfig::Adapter { id } => Err(crate::error::AuthError::internal(format!(
            "the database is a {id} adapter: its ORM owns the schema (create the tables with your ORM's migrations, e.g. from `npx @better-auth/cli generate`)"
        ))),
    }
}


