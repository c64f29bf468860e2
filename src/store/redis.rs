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

/// The per-user session index (`active-sessions-<userId>`: `[{token, expiresAt}]` sorted by
/// expiry, TTL until the last one expires) updated in one step: entries expired or named in
/// ARGV[4] (a JSON array) are dropped, ARGV[2] (a token, or "") is added with expiry ARGV[3].
/// Written as Better Auth's `JSON.stringify` writes it (`token` first).
const UPDATE_INDEX: &str = r#"
local now = tonumber(ARGV[1])
local addTok = ARGV[2]
local addExp = tonumber(ARGV[3])
local rm = {}
for _, t in ipairs(cjson.decode(ARGV[4])) do rm[t] = true end
if addTok ~= "" then rm[addTok] = true end
local list = {}
local raw = redis.call("GET", KEYS[1])
if raw then
  local ok, parsed = pcall(cjson.decode, raw)
  if ok and type(parsed) == "table" then
    for _, r in ipairs(parsed) do
      if type(r) == "table" and type(r.token) == "string" and type(r.expiresAt) == "number" and r.expiresAt > now and not rm[r.token] then
        table.insert(list, { token = r.token, expiresAt = r.expiresAt })
      end
    end
  end
end
if addTok ~= "" then table.insert(list, { token = addTok, expiresAt = addExp }) end
table.sort(list, function(a, b) return a.expiresAt < b.expiresAt end)
local ttl = 0
if #list > 0 then ttl = math.floor((list[#list].expiresAt - now) / 1000) end
if ttl <= 0 then
  redis.call("DEL", KEYS[1])
  return 0
end
local parts = {}
for i, r in ipairs(list) do
  parts[i] = '{"token":' .. cjson.encode(r.token) .. ',"expiresAt":' .. string.format("%.0f", r.expiresAt) .. '}'
end
redis.call("SET", KEYS[1], "[" .. table.concat(parts, ",") .. "]", "EX", ttl)
return #list
"#;

/// A Redis secondary storage.
pub struct RedisStorage {
    client: redis::Client,
    conn: tokio::sync::OnceCell<redis::aio::ConnectionManager>,
    prefix: String,
    increment: redis::Script,
    update_index: redis::Script,
    /// Revocations, shared through the channel `<prefix>__rs:revocations` (and the sorted set
    /// `<prefix>__rs:revoked` a listener reads to catch up), when the cookie cache is on.
    revocations: std::sync::Arc<super::revocations::Revocations>,
    /// How long a revocation matters: `cookieCache.maxAge`, in ms (`None`: no cookie cache, no
    /// channel).
    retention_ms: Option<i64>,
    listening: std::sync::atomic::AtomicBool,
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
        Self::with_cookie_cache(url, prefix, None)
    }

    /// [`RedisStorage::new`]; with `cache_max_age_s` (the cookie cache is on) revocations and
    /// user changes are published and listened to, so every instance refuses caches they
    /// invalidate within about a second.
    pub fn with_cookie_cache(url: &str, prefix: &str, cache_max_age_s: Option<i64>) -> AuthResult<Self> {
        let client = redis::Client::open(url).map_err(|e| AuthError::internal(format!("redisStorage: invalid url: {e}")))?;
        Ok(Self {
            client,
            conn: tokio::sync::OnceCell::new(),
            prefix: prefix.to_string(),
            increment: redis::Script::new(INCREMENT),
            update_index: redis::Script::new(UPDATE_INDEX),
            revocations: Default::default(),
            retention_ms: cache_max_age_s.map(|s| s.max(1).saturating_mul(1000)),
            listening: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The revocations this instance knows, when they are shared (`None`: no cookie cache).
    pub fn revocations(&self) -> Option<&super::revocations::Revocations> {
        self.retention_ms?;
        self.listen();
        Some(&self.revocations)
    }

    fn channel(&self) -> String {
        format!("{}__rs:revocations", self.prefix)
    }

    fn revoked_set(&self) -> String {
        format!("{}__rs:revoked", self.prefix)
    }

    /// Starts the listener once (inside a tokio runtime): subscribe, catch up from the sorted
    /// set, then apply every message; on a lost connection the set is marked down (caches are
    /// refused) until it is back.
    fn listen(&self) {
        use std::sync::atomic::Ordering;
        if self.listening.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            self.listening.store(false, Ordering::SeqCst);
            return;
        };
        let (client, channel, set, rev) = (self.client.clone(), self.channel(), self.revoked_set(), self.revocations.clone());
        rt.spawn(async move {
            use futures_util::StreamExt;
            let mut warned = false;
            loop {
                let run = async {
                    let mut pubsub = client.get_async_pubsub().await?;
                    pubsub.subscribe(&channel).await?;
                    // catch up: what was revoked before we listened and still matters
                    let mut conn = client.get_multiplexed_async_connection().await?;
                    let now = chrono::Utc::now().timestamp_millis();
                    let past: Vec<String> = redis::cmd("ZRANGEBYSCORE").arg(&set).arg(now).arg("+inf").query_async(&mut conn).await?;
                    for m in past {
                        rev.apply(&m, now);
                    }
                    rev.set_live(true);
                    let mut stream = pubsub.on_message();
                    while let Some(msg) = stream.next().await {
                        if let Ok(m) = msg.get_payload::<String>() {
                            rev.apply(&m, chrono::Utc::now().timestamp_millis());
                        }
                    }
                    Ok::<(), redis::RedisError>(())
                };
                let res = run.await;
                rev.set_live(false);
                if !warned {
                    warned = true;
                    crate::log::error(&format!("redisStorage: the revocation channel is down ({res:?}); cookie caches are checked against the store until it is back"));
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    async fn publish(&self, msg: String, until: i64, now: i64) -> AuthResult<()> {
        self.revocations.apply(&msg, now);
        let mut c = self.conn().await?;
        let set = self.revoked_set();
        let _: () = redis::pipe()
            .cmd("ZADD").arg(&set).arg(until).arg(&msg).ignore()
            .cmd("ZREMRANGEBYSCORE").arg(&set).arg("-inf").arg(now).ignore()
            .cmd("PEXPIRE").arg(&set).arg(until - now).ignore()
            .cmd("PUBLISH").arg(self.channel()).arg(&msg).ignore()
            .query_async(&mut c)
            .await
            .map_err(failed)?;
        Ok(())
    }

    /// Tells every instance that `token` is revoked (no-op without the cookie cache).
    pub async fn publish_revoked(&self, token: &str, now: i64) -> AuthResult<()> {
        let Some(ret) = self.retention_ms else { return Ok(()) };
        let until = now + ret;
        self.publish(format!("s {} {until}", super::revocations::token_hash(token)), until, now).await
    }

    /// Tells every instance that `user_id` changed at `now`: caches written before are refused.
    pub async fn publish_user_changed(&self, user_id: &str, now: i64) -> AuthResult<()> {
        let Some(ret) = self.retention_ms else { return Ok(()) };
        let until = now + ret;
        self.publish(format!("u {now} {until} {user_id}"), until, now).await
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

    /// `SET ... EX ttl XX`: writes only over an existing key (a refresh must not bring back a
    /// session revoked meanwhile). False when the key was gone.
    pub async fn set_existing(&self, key: &str, value: &str, ttl: i64) -> AuthResult<bool> {
        let mut c = self.conn().await?;
        let r: Option<String> = redis::cmd("SET").arg(self.key(key)).arg(value).arg("EX").arg(ttl.max(1)).arg("XX").query_async(&mut c).await.map_err(failed)?;
        Ok(r.is_some())
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

    /// Updates the session index at `key` atomically: drops expired entries and `remove`, adds
    /// `add` (token, expiry ms). Concurrent sign-ins on any number of instances all stay listed.
    pub async fn update_index(&self, key: &str, remove: &[&str], add: Option<(&str, i64)>, now: i64) -> AuthResult<()> {
        let mut c = self.conn().await?;
        let (tok, exp) = add.unwrap_or(("", 0));
        let remove = serde_json::to_string(remove).map_err(|e| AuthError::internal(format!("redis: {e}")))?;
        let _: i64 = self.update_index.key(self.key(key)).arg(now).arg(tok).arg(exp).arg(remove).invoke_async(&mut c).await.map_err(failed)?;
        Ok(())
    }
}
