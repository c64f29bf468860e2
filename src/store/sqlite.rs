//! SQLite store over sqlx, on Better Auth's exact schema (shared/spec/schema-ddl.sql): quoted
//! camelCase identifiers, dates as `YYYY-MM-DDTHH:MM:SS.sssZ` text, booleans as 0/1.
use super::{Account, CreateUserError, Session, Store, User};
use crate::error::{AuthError, AuthResult};
use crate::time::{parse_date, to_iso};
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Better Auth 1.7's core tables for SQLite, as its migrator emits them, in its order.
const TABLES: &[(&str, &str)] = &[
    (
        "user",
        r#"create table if not exists "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null, "updatedAt" date not null)"#,
    ),
    (
        "session",
        r#"create table if not exists "session" ("id" text not null primary key, "expiresAt" date not null, "token" text not null unique, "createdAt" date not null, "updatedAt" date not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade)"#,
    ),
    (
        "account",
        r#"create table if not exists "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" date, "refreshTokenExpiresAt" date, "scope" text, "password" text, "createdAt" date not null, "updatedAt" date not null)"#,
    ),
    (
        "verification",
        r#"create table if not exists "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" date not null, "createdAt" date not null, "updatedAt" date not null)"#,
    ),
];

const INDEXES: &[&str] = &[
    r#"create index if not exists "session_userId_idx" on "session" ("userId")"#,
    r#"create index if not exists "account_userId_idx" on "account" ("userId")"#,
    r#"create index if not exists "verification_identifier_idx" on "verification" ("identifier")"#,
];

/// SQLite-backed [`Store`].
#[derive(Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// A Better Auth 1.7.0–1.7.2 database has a NOT NULL `account.issuer`; fill it when present.
    account_has_issuer: AtomicBool,
}

fn date(row: &SqliteRow, col: &str) -> AuthResult<i64> {
    if let Ok(s) = row.try_get_unchecked::<String, _>(col) {
        if let Some(ms) = parse_date(&s) {
            return Ok(ms);
        }
    }
    if let Ok(n) = row.try_get_unchecked::<i64, _>(col) {
        return Ok(n);
    }
    Err(AuthError::internal(format!("column {col}: unreadable date")))
}

fn text(row: &SqliteRow, col: &str) -> AuthResult<String> {
    row.try_get_unchecked::<String, _>(col).map_err(AuthError::from)
}

fn opt_text(row: &SqliteRow, col: &str) -> AuthResult<Option<String>> {
    row.try_get_unchecked::<Option<String>, _>(col).map_err(AuthError::from)
}

fn boolean(row: &SqliteRow, col: &str) -> AuthResult<bool> {
    Ok(row.try_get_unchecked::<i64, _>(col).map_err(AuthError::from)? == 1)
}

fn user_from(row: &SqliteRow, p: &str) -> AuthResult<User> {
    let c = |n: &str| format!("{p}{n}");
    Ok(User {
        id: text(row, &c("id"))?,
        name: text(row, &c("name"))?,
        email: text(row, &c("email"))?,
        email_verified: boolean(row, &c("emailVerified"))?,
        image: opt_text(row, &c("image"))?,
        created_at: date(row, &c("createdAt"))?,
        updated_at: date(row, &c("updatedAt"))?,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}

impl SqliteStore {
    /// Opens (creating if missing) an SQLite database file, or `:memory:`.
    pub async fn open(path: &str) -> AuthResult<Self> {
        let memory = path == ":memory:";
        let opts = if memory {
            SqliteConnectOptions::new().in_memory(true)
        } else {
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
        }
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(if memory { 1 } else { 4 })
            .min_connections(if memory { 1 } else { 0 })
            .idle_timeout(if memory { None } else { Some(Duration::from_secs(600)) })
            .max_lifetime(if memory { None } else { Some(Duration::from_secs(3600)) })
            .connect_with(opts)
            .await
            .map_err(|e| AuthError::internal(format!("cannot open SQLite database {path}: {e}")))?;
        let store = Self { pool, account_has_issuer: AtomicBool::new(false) };
        store.detect_columns().await?;
        Ok(store)
    }

    async fn detect_columns(&self) -> AuthResult<()> {
        let rows = sqlx::query(r#"select "name", "notnull" from pragma_table_info('account')"#).fetch_all(&self.pool).await?;
        let has = rows.iter().any(|r| {
            r.try_get_unchecked::<String, _>("name").is_ok_and(|n| n == "issuer")
                && r.try_get_unchecked::<i64, _>("notnull").is_ok_and(|n| n == 1)
        });
        self.account_has_issuer.store(has, Ordering::Relaxed);
        Ok(())
    }

    /// The underlying pool (tests).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> AuthResult<()> {
        // Constant DDL from this file, never user input.
        for (_, ddl) in TABLES {
            sqlx::query(sqlx::AssertSqlSafe(*ddl)).execute(&self.pool).await?;
        }
        for ddl in INDEXES {
            sqlx::query(sqlx::AssertSqlSafe(*ddl)).execute(&self.pool).await?;
        }
        self.detect_columns().await
    }

    async fn find_user_with_credential(&self, email: &str) -> AuthResult<Option<(User, Option<Account>)>> {
        let row = sqlx::query(
            r#"select u."id", u."name", u."email", u."emailVerified", u."image", u."createdAt", u."updatedAt",
                      a."id" as "a_id", a."accountId" as "a_accountId", a."providerId" as "a_providerId",
                      a."password" as "a_password", a."createdAt" as "a_createdAt", a."updatedAt" as "a_updatedAt"
               from "user" u
               left join "account" a on a."userId" = u."id" and a."providerId" = 'credential' and a."accountId" = u."id"
               where u."email" = ? limit 1"#,
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = user_from(&row, "")?;
        let account = match opt_text(&row, "a_id")? {
            None => None,
            Some(id) => Some(Account {
                id,
                account_id: text(&row, "a_accountId")?,
                provider_id: text(&row, "a_providerId")?,
                user_id: user.id.clone(),
                password: opt_text(&row, "a_password")?,
                created_at: date(&row, "a_createdAt")?,
                updated_at: date(&row, "a_updatedAt")?,
            }),
        };
        Ok(Some((user, account)))
    }

    async fn create_user_with_credential(&self, user: &User, account: &Account) -> Result<(), CreateUserError> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            r#"insert into "user" ("id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt") values (?, ?, ?, ?, ?, ?, ?)"#,
        )
        .bind(&user.id)
        .bind(&user.name)
        .bind(&user.email)
        .bind(i64::from(user.email_verified))
        .bind(&user.image)
        .bind(to_iso(user.created_at))
        .bind(to_iso(user.updated_at))
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            return Err(if is_unique_violation(&e) { CreateUserError::EmailTaken } else { e.into() });
        }
        let q = if self.account_has_issuer.load(Ordering::Relaxed) {
            sqlx::query(
                r#"insert into "account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt", "issuer") values (?, ?, ?, ?, ?, ?, ?, 'local:credential')"#,
            )
        } else {
            sqlx::query(
                r#"insert into "account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt") values (?, ?, ?, ?, ?, ?, ?)"#,
            )
        };
        q.bind(&account.id)
            .bind(&account.account_id)
            .bind(&account.provider_id)
            .bind(&account.user_id)
            .bind(&account.password)
            .bind(to_iso(account.created_at))
            .bind(to_iso(account.updated_at))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_session(&self, s: &Session) -> AuthResult<()> {
        sqlx::query(
            r#"insert into "session" ("id", "expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId") values (?, ?, ?, ?, ?, ?, ?, ?)"#,
        )
        .bind(&s.id)
        .bind(to_iso(s.expires_at))
        .bind(&s.token)
        .bind(to_iso(s.created_at))
        .bind(to_iso(s.updated_at))
        .bind(&s.ip_address)
        .bind(&s.user_agent)
        .bind(&s.user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn find_session(&self, token: &str) -> AuthResult<Option<(Session, User)>> {
        let row = sqlx::query(
            r#"select s."id" as "s_id", s."token" as "s_token", s."userId" as "s_userId", s."expiresAt" as "s_expiresAt",
                      s."createdAt" as "s_createdAt", s."updatedAt" as "s_updatedAt", s."ipAddress" as "s_ipAddress",
                      s."userAgent" as "s_userAgent",
                      u."id", u."name", u."email", u."emailVerified", u."image", u."createdAt", u."updatedAt"
               from "session" s join "user" u on u."id" = s."userId"
               where s."token" = ? limit 1"#,
        )
        .bind(token)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let session = Session {
            id: text(&row, "s_id")?,
            token: text(&row, "s_token")?,
            user_id: text(&row, "s_userId")?,
            expires_at: date(&row, "s_expiresAt")?,
            created_at: date(&row, "s_createdAt")?,
            updated_at: date(&row, "s_updatedAt")?,
            ip_address: opt_text(&row, "s_ipAddress")?,
            user_agent: opt_text(&row, "s_userAgent")?,
        };
        Ok(Some((session, user_from(&row, "")?)))
    }

    async fn refresh_session(&self, token: &str, expires_at: i64, updated_at: i64) -> AuthResult<bool> {
        let r = sqlx::query(r#"update "session" set "expiresAt" = ?, "updatedAt" = ? where "token" = ?"#)
            .bind(to_iso(expires_at))
            .bind(to_iso(updated_at))
            .bind(token)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    async fn delete_session(&self, token: &str) -> AuthResult<()> {
        sqlx::query(r#"delete from "session" where "token" = ?"#).bind(token).execute(&self.pool).await?;
        Ok(())
    }
}
