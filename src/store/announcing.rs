//! The store, announcing revocations on PostgreSQL's channel (see [`super::pg_channel`]): every
//! operation goes to the inner store; session deletions and user changes are then published so
//! other instances stop trusting cookie caches they invalidate. (With `redisStorage`, the Redis
//! layer announces them itself.)
use super::pg_channel::PgChannel;
use super::{Account, CreateUserError, Session, Store, User, UserUpdate, Verification, query};
use crate::error::AuthResult;
use async_trait::async_trait;
use serde_json::{Map, Value};
use std::sync::Arc;

/// `inner`, announcing on `channel`.
pub struct Announcing {
    inner: Arc<dyn Store>,
    channel: Arc<PgChannel>,
}

impl std::fmt::Debug for Announcing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Announcing").finish_non_exhaustive()
    }
}

impl Announcing {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Store>, channel: Arc<PgChannel>) -> Self {
        Self { inner, channel }
    }
}

#[async_trait]
impl Store for Announcing {
    async fn delete_session(&self, token: &str) -> AuthResult<()> {
        self.inner.delete_session(token).await?;
        self.channel.publish_revoked(token).await
    }

    async fn delete_user_sessions(&self, user_id: &str, except: Option<&str>) -> AuthResult<u64> {
        let Some(keep) = except else {
            let n = self.inner.delete_user_sessions(user_id, None).await?;
            self.channel.publish_user_changed(user_id).await?;
            return Ok(n);
        };
        let doomed: Vec<String> = self.inner.list_sessions(user_id).await?.into_iter().map(|s| s.token).filter(|t| t != keep).collect();
        let n = self.inner.delete_user_sessions(user_id, except).await?;
        for t in &doomed {
            self.channel.publish_revoked(t).await?;
        }
        Ok(n)
    }

    async fn update_user(&self, id: &str, update: &UserUpdate, now: i64) -> Result<Option<User>, CreateUserError> {
        let updated = self.inner.update_user(id, update, now).await?;
        if updated.is_some() {
            self.channel.publish_user_changed(id).await.map_err(CreateUserError::Other)?;
        }
        Ok(updated)
    }

    async fn delete_user(&self, id: &str) -> AuthResult<()> {
        self.inner.delete_user(id).await?;
        self.channel.publish_user_changed(id).await
    }

    async fn migrate(&self) -> AuthResult<()> {
        self.inner.migrate().await
    }

    async fn find_user_with_credential(&self, email: &str) -> AuthResult<Option<(User, Option<Account>)>> {
        self.inner.find_user_with_credential(email).await
    }

    async fn create_user_with_credential(&self, user: &mut User, account: &mut Account) -> Result<(), CreateUserError> {
        self.inner.create_user_with_credential(user, account).await
    }

    async fn create_user(&self, user: &mut User, account: Option<&mut Account>) -> Result<(), CreateUserError> {
        self.inner.create_user(user, account).await
    }

    async fn find_users(&self, q: &query::UserQuery) -> AuthResult<Vec<User>> {
        self.inner.find_users(q).await
    }

    async fn count_users(&self, conds: &[query::Cond]) -> AuthResult<i64> {
        self.inner.count_users(conds).await
    }

    async fn create_session(&self, session: &mut Session) -> AuthResult<()> {
        self.inner.create_session(session).await
    }

    async fn find_session(&self, token: &str) -> AuthResult<Option<(Session, User)>> {
        self.inner.find_session(token).await
    }

    async fn refresh_session(&self, token: &str, expires_at: i64, updated_at: i64) -> AuthResult<bool> {
        self.inner.refresh_session(token, expires_at, updated_at).await
    }

    async fn update_session(&self, token: &str, fields: &Map<String, Value>, updated_at: i64) -> AuthResult<Option<Session>> {
        self.inner.update_session(token, fields, updated_at).await
    }

    async fn update_credential_password(&self, user_id: &str, hash: &str, now: i64) -> AuthResult<bool> {
        self.inner.update_credential_password(user_id, hash, now).await
    }

    async fn update_account_password(&self, account_id: &str, user_id: &str, hash: &str, now: i64) -> AuthResult<bool> {
        self.inner.update_account_password(account_id, user_id, hash, now).await
    }

    async fn find_user_by_id(&self, id: &str) -> AuthResult<Option<User>> {
        self.inner.find_user_by_id(id).await
    }

    async fn find_user_by_email(&self, email: &str) -> AuthResult<Option<User>> {
        self.inner.find_user_by_email(email).await
    }

    async fn find_credential_account(&self, user_id: &str) -> AuthResult<Option<Account>> {
        self.inner.find_credential_account(user_id).await
    }

    async fn create_account(&self, account: &mut Account) -> AuthResult<()> {
        self.inner.create_account(account).await
    }

    async fn list_accounts(&self, user_id: &str) -> AuthResult<Vec<Account>> {
        self.inner.list_accounts(user_id).await
    }

    async fn list_sessions(&self, user_id: &str) -> AuthResult<Vec<Session>> {
        self.inner.list_sessions(user_id).await
    }

    async fn list_active_sessions(&self, user_id: &str, now: i64) -> AuthResult<Vec<Session>> {
        self.inner.list_active_sessions(user_id, now).await
    }

    async fn create_verification(&self, v: &mut Verification) -> AuthResult<()> {
        self.inner.create_verification(v).await
    }

    async fn find_verification(&self, identifier: &str) -> AuthResult<Option<Verification>> {
        self.inner.find_verification(identifier).await
    }

    async fn delete_verification(&self, identifier: &str) -> AuthResult<u64> {
        self.inner.delete_verification(identifier).await
    }

    async fn delete_expired_verifications(&self, now: i64) -> AuthResult<u64> {
        self.inner.delete_expired_verifications(now).await
    }

    async fn consume_verification(&self, v: &Verification) -> AuthResult<bool> {
        self.inner.consume_verification(v).await
    }

    async fn update_verification_expiry(&self, identifier: &str, expires_at: i64, now: i64) -> AuthResult<u64> {
        self.inner.update_verification_expiry(identifier, expires_at, now).await
    }

    async fn reserve_verification(&self, v: &Verification) -> AuthResult<bool> {
        self.inner.reserve_verification(v).await
    }

    async fn delete_account(&self, id: &str) -> AuthResult<u64> {
        self.inner.delete_account(id).await
    }

    async fn find_accounts_by_provider(&self, provider_id: &str, account_id: &str) -> AuthResult<Vec<Account>> {
        self.inner.find_accounts_by_provider(provider_id, account_id).await
    }

    async fn update_account(&self, id: &str, update: &super::AccountUpdate, now: i64) -> AuthResult<u64> {
        self.inner.update_account(id, update, now).await
    }
}
