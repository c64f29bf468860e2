//! Revocations across instances on PostgreSQL alone (no Redis): `pg_notify` on the channel
//! `better_auth_rs_revocations` for every sign-out, revoke-*, delete-user and update-user, and a
//! `LISTEN`ing connection per instance that fills its [`Revocations`]. PostgreSQL keeps no
//! history of notifications, so a (re)connected listener does not trust caches written before it
//! listened: those are read from the store once and rewritten.
use super::revocations::Revocations;
use crate::error::AuthResult;
use sqlx::postgres::{PgListener, PgPool};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The notification channel.
pub const CHANNEL: &str = "better_auth_rs_revocations";

/// One instance's side of the channel.
pub struct PgChannel {
    pool: PgPool,
    revocations: Arc<Revocations>,
    retention_ms: i64,
    listening: AtomicBool,
}

impl std::fmt::Debug for PgChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgChannel").finish_non_exhaustive()
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl PgChannel {
    /// A channel on `pool`; revocations matter for `cache_max_age_s` (the cookie cache's `maxAge`).
    pub fn new(pool: PgPool, cache_max_age_s: i64) -> Self {
        Self { pool, revocations: Default::default(), retention_ms: cache_max_age_s.max(1).saturating_mul(1000), listening: AtomicBool::new(false) }
    }

    /// The revocations this instance knows (starts the listener on first use).
    pub fn revocations(&self) -> &Revocations {
        self.listen();
        &self.revocations
    }

    /// Starts the listener and waits (up to 2 s) until it listens, so the caches this instance
    /// writes from now on are trusted on their first hit (a cache written before the listener
    /// listened is checked against the store: it may predate a revocation it missed).
    pub async fn start(&self) {
        self.listen();
        for _ in 0..400 {
            if self.revocations.is_live() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    fn listen(&self) {
        if self.listening.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            self.listening.store(false, Ordering::SeqCst);
            return;
        };
        let (pool, rev) = (self.pool.clone(), self.revocations.clone());
        rt.spawn(async move {
            let mut warned = false;
            // ends with the pool (the instance's store closed)
            while !pool.is_closed() {
                let run = async {
                    let mut listener = PgListener::connect_with(&pool).await?;
                    listener.listen(CHANNEL).await?;
                    rev.set_live_at(true, now_ms());
                    // `None`: the connection was lost (messages may have been missed): start over
                    while let Some(n) = listener.try_recv().await? {
                        rev.apply(n.payload(), now_ms());
                    }
                    Ok::<(), sqlx::Error>(())
                };
                let res = run.await;
                rev.set_live_at(false, now_ms());
                if !warned {
                    warned = true;
                    crate::log::error(&format!("the revocation channel (PostgreSQL LISTEN) is down ({res:?}); cookie caches are checked against the database until it is back"));
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
    }

    async fn notify(&self, msg: String) -> AuthResult<()> {
        self.revocations.apply(&msg, now_ms());
        sqlx::query("select pg_notify($1, $2)").bind(CHANNEL).bind(&msg).execute(&self.pool).await?;
        Ok(())
    }

    /// Tells every instance that `token` is revoked.
    pub async fn publish_revoked(&self, token: &str) -> AuthResult<()> {
        let now = now_ms();
        self.notify(format!("s {} {}", super::revocations::token_hash(token), now + self.retention_ms)).await
    }

    /// Tells every instance that `user_id` changed now.
    pub async fn publish_user_changed(&self, user_id: &str) -> AuthResult<()> {
        let now = now_ms();
        self.notify(format!("u {now} {} {user_id}", now + self.retention_ms)).await
    }
}
