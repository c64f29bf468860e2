//! `redisStorage` (`better-auth-rs/redis`): the secondary storage in Rust, on one multiplexed
//! connection that reconnects by itself. Keys and values are those of
//! `@better-auth/redis-storage` (`<keyPrefix><key>`, default prefix `better-auth:`; `SETEX` with a
//! TTL, plain `SET` without; `increment` = `INCR` + `EXPIRE` on the first hit, in one Lua script),
//! so better-auth instances using that package and ours share one Redis.
use crate::error::{AuthError, AuthResult};
use redis::AsyncCommands;
use std::time::Duration;

/// Better Auth's increment script: the first hit of a window sets its expiry.
const INCREMENT: &str = r#"
local value = redis.call("INCR", KEYS[1])
if value == 1 then
  redis.call("EXPIRE", KEYS[1], ARGV[1])
end
return value
"#;

/// A Redis secondary storage.
pub struct RedisStorage {
    client: redis::Client,
    conn: tokio::sync::OnceCell<redis::aio::ConnectionManager>,
    prefix: String,
    increment: redis::Script,
}

impl std::fmt::Debug for RedisStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStorage").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

/// A Redis failure as the engine reports it: an unreachable server is 503 `DATABASE_UNAVAILABLE`
/// (logged at most every 5 s), anything else a server fault.
fn failed(e: redis::RedisError) -> AuthError {
    if e.is_io_error() || e.is_connection_refusal() || e.is_timeout() || e.is_connection_dropped() || e.is_unrecoverable_error() {
        crate::error::log_outage(&format!("redis: {e}"));
        return AuthError::unavailable();
    }
    AuthError::internal(format!("redis: {e}"))
}

impl RedisStorage {
    /// A storage for `url` (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS is
    /// not built in) under `prefix`. Connects on first use.
    pub fn new(url: &str, prefix: &str) -> AuthResult<Self> {
        let client = redis::Client::open(url).map_err(|e| AuthError::internal(format!("redisStorage: invalid url: {e}")))?;
        Ok(Self { client, conn: tokio::sync::OnceCell::new(), prefix: prefix.to_string(), increment: redis::Script::new(INCREMENT) })
    }

    async fn conn(&self) -> AuthResult<redis::aio::ConnectionManager> {
        let c = self
            .conn
            .get_or_try_init(|| async {
                // bounded waits: a Redis that stops answering fails the request (503), it does not hold it
                let config = redis::aio::ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(Duration::from_secs(5)))
                    .set_response_timeout(Some(Duration::from_secs(5)))
                    .set_number_of_retries(2)
                    .set_max_delay(Duration::from_secs(1));
                redis::aio::ConnectionManager::new_with_config(self.client.clone(), config).await
            })
            .await
            .map_err(failed)?;
        Ok(c.clone())
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// `GET`.
    pub async fn get(&self, key: &str) -> AuthResult<Option<String>> {
        let mut c = self.conn().await?;
        c.get(self.key(key)).await.map_err(failed)
    }

    /// `SETEX` when `ttl` > 0, else `SET`.
    pub async fn set(&self, key: &str, value: &str, ttl: Option<i64>) -> AuthResult<()> {
        let mut c = self.conn().await?;
        match ttl {
            Some(t) if t > 0 => c.set_ex(self.key(key), value, t as u64).await.map_err(failed),
            _ => c.set(self.key(key), value).await.map_err(failed),
        }
    }

    /// `DEL`.
    pub async fn delete(&self, key: &str) -> AuthResult<()> {
        let mut c = self.conn().await?;
        let _: usize = c.del(self.key(key)).await.map_err(failed)?;
        Ok(())
    }

    /// The counter after this hit; the first hit of a window sets a `ttl`-second expiry.
    pub async fn increment(&self, key: &str, ttl: u64) -> AuthResult<i64> {
        let mut c = self.conn().await?;
        self.increment.key(self.key(key)).arg(ttl.max(1)).invoke_async(&mut c).await.map_err(failed)
    }
}
