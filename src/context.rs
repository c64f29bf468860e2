//! The shared, immutable context: resolved options, cookie definitions, the password hasher,
//! the clock and the store. Built once per `betterAuth()` and shared by `Arc`.
use crate::callbacks::Callbacks;
use crate::clock::{Clock, SystemClock};
use crate::config::AuthConfig;
use crate::cookies::AuthCookies;
use crate::crypto::password::PasswordHasher;
use crate::error::{AuthError, AuthResult};
use crate::store::sql::SqlStore;
use crate::store::{self, Store};
use std::sync::Arc;
use tokio::sync::OnceCell;

/// Everything an endpoint needs.
pub struct AuthContext {
    /// Resolved options.
    pub config: AuthConfig,
    /// Cookie names and attributes.
    pub cookies: AuthCookies,
    /// Password hashing pool.
    pub hasher: PasswordHasher,
    /// Source of `now`.
    pub clock: Arc<dyn Clock>,
    /// User-supplied JS callbacks.
    pub callbacks: Callbacks,
    /// Counters of the in-memory rate-limit storage.
    pub rate_limit_memory: crate::rate_limit::MemoryStore,
    store: OnceCell<Arc<SqlStore>>,
    layered: OnceCell<Arc<dyn Store>>,
    adapter: OnceCell<Arc<store::js_adapter::AdapterStore>>,
    /// PostgreSQL's revocation channel, once the store is open (see [`AuthContext::revocations`]).
    pg_channel: std::sync::OnceLock<Option<Arc<store::pg_channel::PgChannel>>>,
}

impl std::fmt::Debug for AuthContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthContext").field("config", &self.config).finish_non_exhaustive()
    }
}

impl AuthContext {
    /// A context whose store is opened (and, for the embedded default, migrated) on first use.
    pub fn new(config: AuthConfig) -> Self {
        Self::build(config, Arc::new(SystemClock), OnceCell::new())
    }

    /// A context over an existing store and clock (tests, embedding).
    pub fn with_store(config: AuthConfig, store: Arc<SqlStore>, clock: Arc<dyn Clock>) -> Self {
        Self::build(config, clock, OnceCell::new_with(Some(store)))
    }

    fn build(config: AuthConfig, clock: Arc<dyn Clock>, store: OnceCell<Arc<SqlStore>>) -> Self {
        let ep = &config.email_and_password;
        Self {
            cookies: AuthCookies::new(&config),
            hasher: PasswordHasher::new(ep.algorithm, ep.argon2, config.hash_concurrency),
            clock,
            callbacks: Callbacks::default(),
            rate_limit_memory: crate::rate_limit::MemoryStore::default(),
            store,
            layered: OnceCell::new(),
            adapter: OnceCell::new(),
            pg_channel: std::sync::OnceLock::new(),
            config,
        }
    }

    /// [`AuthContext::store`] when it is already open (`None` before the first call opened it):
    /// for work that must not wait.
    pub fn store_now(&self) -> Option<&Arc<dyn Store>> {
        self.layered.get()
    }

    /// The store endpoints use: the SQL store, layered under `secondaryStorage` when one is
    /// configured. Opened (and for SQLite migrated) on first use, inside a tokio runtime.
    pub async fn store(&self) -> AuthResult<&Arc<dyn Store>> {
        if let Some(adapter) = self.adapter() {
            // a Better Auth adapter: every operation is a logical adapter call (no SQL here)
            return self
                .layered
                .get_or_try_init(|| async {
                    let schema = self.config.schema.clone();
                    let a: Arc<dyn Store> = adapter?.clone();
                    Ok::<_, AuthError>(match self.secondary() {
                        Some(sec) => Arc::new(store::secondary::Layered::new(a, schema, sec, self.clock.clone(), self.config.session_in_db)),
                        None => a,
                    })
                })
                .await;
        }
        let sql = self.sql().await?;
        self.layered
            .get_or_try_init(|| async {
                let s: Arc<dyn Store> = match self.secondary() {
                    Some(sec) => Arc::new(store::secondary::Layered::new(sql.clone(), self.config.schema.clone(), sec, self.clock.clone(), self.config.session_in_db)),
                    None => sql.clone(),
                };
                // on PostgreSQL without Redis, revocations reach the other instances' cookie
                // caches through LISTEN/NOTIFY
                let s: Arc<dyn Store> = match (self.pg_channel_expected(), sql.db(), self.config.session.cookie_cache.as_ref()) {
                    (true, store::sql::Db::Postgres(pool), Some(cc)) => {
                        let ch = self.pg_channel.get_or_init(|| {
                            // the listener keeps one pool connection: a pool of one would starve requests
                            if pool.options().get_max_connections() < 2 {
                                crate::log::warn("the PostgreSQL pool has one connection: revocations are not shared with other instances (their cookie caches stay valid until maxAge); allow 2 or more connections");
                                return None;
                            }
                            Some(Arc::new(store::pg_channel::PgChannel::new(pool.clone(), cc.max_age)))
                        });
                        match ch {
                            Some(ch) => Arc::new(store::announcing::Announcing::new(s, ch.clone())),
                            None => s,
                        }
                    }
                    _ => s,
                };
                Ok::<_, AuthError>(s)
            })
            .await
    }

    /// The app's Better Auth adapter as a store, when `database` is one (`None` otherwise).
    fn adapter(&self) -> Option<AuthResult<&Arc<store::js_adapter::AdapterStore>>> {
        let crate::config::DatabaseConfig::Adapter { id } = &self.config.database else { return None };
        if let Some(a) = self.adapter.get() {
            return Some(Ok(a));
        }
        let a = match store::js_adapter::AdapterStore::new(self.callbacks.clone(), self.config.schema.clone(), id.clone()) {
            Ok(a) => a,
            Err(e) => return Some(Err(e)),
        };
        // a concurrent first call may have set it: either value is the same adapter
        let _ = self.adapter.set(Arc::new(a));
        self.adapter.get().map(Ok)
    }

    /// Where plugin tables live: the SQL store, or the app's adapter.
    pub async fn plugin_rows(&self) -> AuthResult<store::PluginRows<'_>> {
        if let Some(a) = self.adapter() {
            return Ok(store::PluginRows::Adapter(a?.as_ref()));
        }
        Ok(store::PluginRows::Sql(self.sql().await?.as_ref()))
    }

    /// True when revocations go through PostgreSQL's channel: a PostgreSQL database, the
    /// cookie cache on, `advanced.revocationChannel` not `false`, and no `redisStorage` (which has its
    /// own channel).
    fn pg_channel_expected(&self) -> bool {
        self.config.redis.is_none()
            && self.config.revocation_channel != Some(false)
            && self.config.session.cookie_cache.is_some()
            && matches!(self.config.database, crate::config::DatabaseConfig::Postgres { .. })
    }

    /// The revocations a cookie-cache hit must be checked against: `Ok(None)` when no channel
    /// applies (one instance's view is all there is), `Err(())` when one applies but is not
    /// listening yet (the hit must not be trusted).
    pub fn revocations(&self) -> Result<Option<&store::revocations::Revocations>, ()> {
        if let Some(r) = &self.config.redis {
            return Ok(r.revocations());
        }
        if !self.pg_channel_expected() {
            return Ok(None);
        }
        match self.pg_channel.get() {
            Some(Some(c)) => Ok(Some(c.revocations())),
            Some(None) => Ok(None),
            None => Err(()),
        }
    }

    /// The secondary storage, when one is configured: `redisStorage` (Rust) or a JS object.
    pub fn secondary(&self) -> Option<store::secondary::Secondary> {
        if let Some(r) = &self.config.redis {
            return Some(store::secondary::Secondary::Redis(r.clone()));
        }
        self.callbacks.has("secondaryStorage.get").then(|| store::secondary::Secondary::Js(self.callbacks.clone()))
    }

    /// The SQL store itself (migrations, plugin tables).
    /// With a database adapter there is none: endpoints and plugins reach their tables through
    /// [`AuthContext::store`] and [`AuthContext::plugin_rows`]; only migrations and the
    /// password-hash report need SQL, and they answer this error.
    pub async fn sql(&self) -> AuthResult<&Arc<SqlStore>> {
        if let crate::config::DatabaseConfig::Adapter { id } = &self.config.database {
            return Err(AuthError::internal(format!(
                "the database is a {id} adapter: its ORM owns the schema (create the tables with your ORM's migrations, e.g. from `npx @better-auth/cli generate`)"
            )));
        }
        self.store
            .get_or_try_init(|| async {
                let s = store::open_sql(&self.config.database, self.config.schema.clone(), &self.callbacks).await?;
                if self.config.auto_migrate {
                    s.migrate().await?;
                }
                Ok::<_, AuthError>(Arc::new(s))
            })
            .await
    }

    /// This instance's logger (`logger` option; the app's `logger.log` when given).
    pub fn logger(&self) -> crate::log::Logger {
        crate::log::Logger::new(self.config.logger, self.callbacks.bridge_if(crate::log::LOG_CALLBACK))
    }

    /// Attaches the JS callbacks.
    pub fn with_callbacks(mut self, callbacks: Callbacks) -> Self {
        self.callbacks = callbacks;
        self
    }

    /// Hashes a new password: `emailAndPassword.password.hash` when supplied, else the
    /// configured algorithm on the hashing pool.
    pub async fn hash_password(&self, password: &str) -> AuthResult<String> {
        if self.callbacks.has("password.hash") {
            return match self.callbacks.call("password.hash", serde_json::json!([password])).await? {
                Some(serde_json::Value::String(h)) => Ok(h),
                _ => Err(AuthError::internal("emailAndPassword.password.hash must return a string")),
            };
        }
        self.hasher.hash(password).await
    }

    /// Verifies a password: `emailAndPassword.password.verify({ hash, password })` when
    /// supplied, else argon2id / Better Auth scrypt.
    pub async fn verify_password(&self, hash: &str, password: &str) -> AuthResult<bool> {
        if self.callbacks.has("password.verify") {
            let args = serde_json::json!([{ "hash": hash, "password": password }]);
            return Ok(matches!(self.callbacks.call("password.verify", args).await?, Some(serde_json::Value::Bool(true))));
        }
        self.hasher.verify(hash, password).await
    }

    /// A new id for `model`: `advanced.database.generateId` when it is a function, else
    /// Better Auth's 32-character id (the store replaces it for uuid/serial strategies).
    pub async fn generate_id(&self, model: &str) -> AuthResult<String> {
        // through a Better Auth adapter the adapter's factory generates the id of every row it
        // creates (calling the app's `generateId` itself): this one is only a placeholder
        if matches!(self.config.database, crate::config::DatabaseConfig::Adapter { .. }) {
            return Ok(crate::crypto::random::generate_id(32));
        }
        if self.callbacks.has("generateId")
            && let Some(serde_json::Value::String(id)) =
                self.callbacks.call("generateId", serde_json::json!([{ "model": model, "size": 32 }])).await?
            {
                return Ok(id);
            }
        Ok(crate::crypto::random::generate_id(32))
    }

    /// Now, in epoch milliseconds.
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Origins from a `trustedOrigins` function for this request (`request`: the `Request`
    /// argument, `null` for direct API calls); empty without one. Non-strings are ignored.
    pub async fn dynamic_trusted_origins(&self, request: serde_json::Value) -> AuthResult<Vec<String>> {
        if !self.config.trusted_origins_fn {
            return Ok(Vec::new());
        }
        Ok(match self.callbacks.call("trustedOrigins", serde_json::json!([request])).await? {
            Some(serde_json::Value::Array(items)) => items.into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        })
    }

    /// Trusted origins for a request whose base URL origin is `base_origin`.
    pub fn trusted_origins(&self, base_origin: Option<&str>) -> Vec<String> {
        let mut v = Vec::with_capacity(self.config.trusted_origins.len() + 1);
        if let Some(o) = base_origin.or(self.config.base_origin.as_deref()) {
            v.push(o.to_string());
        }
        v.extend(self.config.trusted_origins.iter().cloned());
        v
    }
}
