//! `betterAuth(options)` after defaults and validation. The JS layer sends the options as
//! plain JSON plus a snapshot of the environment variables Better Auth reads; every rule about
//! them lives here. A wrong type or value is an error naming the option.
use serde_json::{Map, Value};
use std::fmt;

pub use crate::crypto::password::{Argon2Params, PasswordAlgorithm};
pub use crate::error::ConfigError;
pub use crate::store::database::DatabaseConfig;

/// Better Auth's development secret. Refused when `NODE_ENV=production`.
pub const DEFAULT_SECRET: &str = "better-auth-secret-12345678901234567890";

/// `emailAndPassword` options.
#[derive(Debug, Clone)]
pub struct EmailPasswordConfig {
    /// `enabled` (default false).
    pub enabled: bool,
    /// `disableSignUp` (default false).
    pub disable_sign_up: bool,
    /// `minPasswordLength` (default 8).
    pub min_password_length: usize,
    /// `maxPasswordLength` (default 128).
    pub max_password_length: usize,
    /// `autoSignIn` (default true).
    pub auto_sign_in: bool,
    /// `requireEmailVerification` (default false).
    pub require_email_verification: bool,
    /// `password.algorithm` (better-auth-rs extension; default argon2id).
    pub algorithm: PasswordAlgorithm,
    /// argon2id parameters (`password.argon2`).
    pub argon2: Argon2Params,
    /// `resetPasswordTokenExpiresIn` in seconds (3600).
    pub reset_password_token_expires_in: i64,
    /// `revokeSessionsOnPasswordReset` (false).
    pub revoke_sessions_on_password_reset: bool,
    /// Re-hash a legacy scrypt hash to argon2id after a successful sign-in
    /// (`password.rehashLegacyHashes`, default true; only in argon2id mode).
    pub rehash_legacy: bool,
    /// `accountLockout` (better-auth-rs extension, off unless set).
    pub lockout: Option<LockoutConfig>,
    /// `password.rejectCommon` (better-auth-rs extension): `Some(extra entries)` when on.
    pub reject_common: Option<Vec<String>>,
}

/// `emailAndPassword.accountLockout`: after `max_failed_attempts` failed sign-ins for one
/// email (from any IP), sign-in for it is refused with the usual generic error for
/// `duration` seconds after the last failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutConfig {
    /// `maxFailedAttempts` (10).
    pub max_failed_attempts: u64,
    /// `duration` in seconds (900).
    pub duration: u64,
}

/// `emailVerification` options (the callbacks themselves live in JS).
#[derive(Debug, Clone)]
pub struct EmailVerificationConfig {
    /// `sendOnSignUp` (`None`: follows `requireEmailVerification`).
    pub send_on_sign_up: Option<bool>,
    /// `sendOnSignIn` (false).
    pub send_on_sign_in: bool,
    /// `autoSignInAfterVerification` (false).
    pub auto_sign_in_after_verification: bool,
    /// `expiresIn` seconds (3600).
    pub expires_in: i64,
}

/// `session.cookieCache`, when enabled.
#[derive(Debug, Clone)]
pub struct CookieCacheConfig {
    /// `maxAge` seconds (300).
    pub max_age: i64,
    /// `strategy` (`compact` default, `jwt`, `jwe`).
    pub strategy: crate::cookie_cache::Strategy,
    /// `version` ("1"); a function given as `version` is the JS callback
    /// `session.cookieCache.version`, which then decides (see `endpoints::session::cache_version`).
    pub version: String,
}

/// `session` options, in seconds.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// `expiresIn` (604800).
    pub expires_in: i64,
    /// `updateAge` (86400).
    pub update_age: i64,
    /// `freshAge` (86400).
    pub fresh_age: i64,
    /// `disableSessionRefresh` (false).
    pub disable_session_refresh: bool,
    /// `deferSessionRefresh` (false): `GET /get-session` never writes and answers
    /// `needsRefresh`; `POST /get-session` refreshes.
    pub defer_session_refresh: bool,
    /// `cookieCache` (off unless `enabled`).
    pub cookie_cache: Option<CookieCacheConfig>,
}

/// Cookie names and attributes from `advanced` (see `cookies::make`).
#[derive(Debug, Clone, Default)]
pub struct CookieSettings {
    /// `advanced.cookies`: `{ <cookie>: { name?, attributes? } }`.
    pub overrides: Map<String, Value>,
    /// `advanced.defaultCookieAttributes`.
    pub defaults: Map<String, Value>,
    /// The `Domain` of `crossSubDomainCookies` (its `domain`, else the baseURL's host).
    pub cross_subdomain: Option<String>,
}

/// Resolved options.
#[derive(Clone)]
pub struct AuthConfig {
    /// `appName`.
    pub app_name: String,
    /// The cookie-signing secret.
    pub secret: String,
    /// True when the development default secret is in use.
    pub secret_is_default: bool,
    /// The origin of `baseURL` (e.g. `http://localhost:3000`), when known. `None`: inferred per request.
    pub base_origin: Option<String>,
    /// Router base path (`/api/auth`); empty string for `/`.
    pub base_path: String,
    /// Database.
    pub database: DatabaseConfig,
    /// Tables, columns, additional fields, id strategy.
    pub schema: std::sync::Arc<crate::store::schema::Schema>,
    /// Create missing tables on first use.
    pub auto_migrate: bool,
    /// `emailAndPassword`.
    pub email_and_password: EmailPasswordConfig,
    /// `session`.
    pub session: SessionConfig,
    /// `emailVerification`.
    pub email_verification: EmailVerificationConfig,
    /// `session.storeSessionInDatabase` (with `secondaryStorage`).
    pub session_in_db: bool,
    /// `user.changeEmail.enabled` (false).
    pub change_email_enabled: bool,
    /// `user.changeEmail.updateEmailWithoutVerification` (false).
    pub update_email_without_verification: bool,
    /// `user.deleteUser.enabled` (false).
    pub delete_user_enabled: bool,
    /// `user.deleteUser.deleteTokenExpiresIn` seconds (86400).
    pub delete_token_expires_in: i64,
    /// The plugins that are on (`plugins`, and the top-level `jwt` option), see `src/plugins/`.
    pub plugins: crate::plugins::Plugins,
    /// `trustedOrigins` (array form) plus `BETTER_AUTH_TRUSTED_ORIGINS`.
    pub trusted_origins: Vec<String>,
    /// `advanced.cookiePrefix`.
    pub cookie_prefix: String,
    /// `advanced.cookies`, `advanced.defaultCookieAttributes`, `advanced.crossSubDomainCookies`.
    pub cookies: CookieSettings,
    /// Resolved secure-cookie decision.
    pub secure_cookies: bool,
    /// Skip the CSRF (origin) check.
    pub disable_csrf_check: bool,
    /// Skip callback URL validation (and CSRF, unless `disableCSRFCheck` was set explicitly).
    pub disable_origin_check: bool,
    /// `advanced.skipTrailingSlashes`.
    pub skip_trailing_slashes: bool,
    /// `disabledPaths`: endpoint paths (`/sign-up/email`) answered 404 over HTTP.
    pub disabled_paths: Vec<String>,
    /// `NODE_ENV === "production"`.
    pub is_production: bool,
    /// Maximum accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Threads hashing passwords at once (default: the number of cores).
    pub hash_concurrency: usize,
    /// `advanced.ipAddress` (client IP resolution for sessions and the rate limiter).
    pub ip: crate::ip::IpConfig,
    /// `rateLimit`.
    pub rate_limit: crate::rate_limit::RateLimitConfig,
    /// `trustedOrigins` is a function (called per request through the callbacks).
    pub trusted_origins_fn: bool,
    /// `advanced.callbackTimeout` (ms; default 30000; 0 = none): a JS callback that has not
    /// settled by then fails the request with 500 `CALLBACK_TIMEOUT`.
    pub callback_timeout_ms: u64,
    /// `logger` (`disabled`, `level`; a `log` function is the callback `logger.log`).
    pub logger: crate::log::LoggerConfig,
    /// `secondaryStorage: redisStorage(...)` (`better-auth-rs/redis`): Redis spoken to from Rust.
    pub redis: Option<std::sync::Arc<crate::store::redis::RedisStorage>>,
    /// `advanced.revocationChannel` (better-auth-rs): with the cookie cache on, revocations and
    /// user changes are shared with the other instances and refused on their cache hits. Redis
    /// pub/sub with `redisStorage` unless `false`; PostgreSQL LISTEN/NOTIFY only when `true`
    /// (PostgreSQL keeps no history, so a starting instance distrusts every existing cache once).
    pub revocation_channel: Option<bool>,
    /// Social sign-in options (`account.*`, `onAPIError.errorURL`).
    pub oauth: crate::oauth::OAuthConfig,
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("app_name", &self.app_name)
            .field("secret", &"<redacted>")
            .field("base_origin", &self.base_origin)
            .field("base_path", &self.base_path)
            .field("database", &self.database)
            .field("email_and_password", &self.email_and_password)
            .field("session", &self.session)
            .field("trusted_origins", &self.trusted_origins)
            .field("cookie_prefix", &self.cookie_prefix)
            .field("secure_cookies", &self.secure_cookies)
            .finish_non_exhaustive()
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `Invalid better-auth-rs option `<path>`: expected <expected>, received <type of got>`.
pub(crate) fn bad(path: &str, expected: &str, got: &Value) -> ConfigError {
    ConfigError(format!(
        "Invalid better-auth-rs option `{path}`: expected {expected}, received {}",
        type_name(got)
    ))
}

struct Opts<'a> {
    obj: Option<&'a Map<String, Value>>,
    prefix: String,
}

impl<'a> Opts<'a> {
    fn root(v: &'a Value) -> Result<Self, ConfigError> {
        match v {
            Value::Object(m) => Ok(Self { obj: Some(m), prefix: String::new() }),
            Value::Null => Ok(Self { obj: None, prefix: String::new() }),
            other => Err(bad("options", "an object", other)),
        }
    }
    fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() { key.to_string() } else { format!("{}.{key}", self.prefix) }
    }
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.obj.and_then(|m| m.get(key)).filter(|v| !v.is_null())
    }
    fn child(&self, key: &str) -> Result<Opts<'a>, ConfigError> {
        match self.get(key) {
            None => Ok(Opts { obj: None, prefix: self.path(key) }),
            Some(Value::Object(m)) => Ok(Opts { obj: Some(m), prefix: self.path(key) }),
            Some(other) => Err(bad(&self.path(key), "an object", other)),
        }
    }
    fn bool(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(bad(&self.path(key), "a boolean", other)),
        }
    }
    fn string(&self, key: &str) -> Result<Option<&'a str>, ConfigError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(bad(&self.path(key), "a string", other)),
        }
    }
    /// A non-negative whole number.
    fn uint(&self, key: &str) -> Result<Option<u64>, ConfigError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(u) => Ok(Some(u)),
                None => match n.as_f64() {
                    Some(f) if f >= 0.0 && f.fract() == 0.0 && f < 9.0e15 => Ok(Some(f as u64)),
                    _ => Err(ConfigError(format!(
                        "Invalid better-auth-rs option `{}`: expected a non-negative whole number, received {n}",
                        self.path(key)
                    ))),
                },
            },
            Some(other) => Err(bad(&self.path(key), "a number", other)),
        }
    }
}

fn env_str<'a>(env: &'a Value, key: &str) -> Option<&'a str> {
    env.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Parses a `database` string: `postgres://`/`postgresql://`, `mysql://`/`mariadb://`,
/// `sqlite:`/`file:` URLs, plain paths, `:memory:`.
pub fn parse_database_url(s: &str) -> Result<DatabaseConfig, ConfigError> {
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        return Ok(DatabaseConfig::Postgres { url: s.to_string(), max_connections: None });
    }
    if lower.starts_with("mysql://") || lower.starts_with("mariadb://") {
        let url = if lower.starts_with("mariadb://") { format!("mysql://{}", &s["mariadb://".len()..]) } else { s.to_string() };
        return Ok(DatabaseConfig::Mysql { url, max_connections: None });
    }
    let path = if let Some(rest) = s.strip_prefix("sqlite://") {
        rest
    } else if let Some(rest) = s.strip_prefix("sqlite:") {
        rest
    } else if let Some(rest) = s.strip_prefix("file://") {
        rest
    } else if let Some(rest) = s.strip_prefix("file:") {
        rest
    } else {
        s
    };
    // drop a query string (`file:app.db?mode=rwc`)
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() {
        return Err(ConfigError("Invalid better-auth-rs option `database`: empty SQLite path".into()));
    }
    Ok(DatabaseConfig::Sqlite { path: path.to_string(), max_connections: None })
}

fn parse_database(v: Option<&Value>) -> Result<DatabaseConfig, ConfigError> {
    match v {
        None | Some(Value::Null) => Ok(DatabaseConfig::Sqlite { path: "better-auth.db".into(), max_connections: None }),
        Some(Value::String(s)) => parse_database_url(s),
        Some(Value::Object(m)) if m.get("adapter").is_some_and(|a| !a.is_null()) => {
            // an adapter function the JS layer called with the options (js/adapter-bridge.js)
            let id = m.get("adapter").and_then(Value::as_str).unwrap_or("adapter").to_string();
            Ok(DatabaseConfig::Adapter { id })
        }
        Some(Value::Object(m)) if m.get("handle").is_some_and(|h| !h.is_null()) => {
            // a database object the JS layer recognised; statements go through it
            let name = m.get("url").and_then(Value::as_str).unwrap_or(":memory:").to_string();
            Ok(DatabaseConfig::SqliteHandle { name })
        }
        Some(Value::Object(m)) => {
            let provider = match m.get("provider").or_else(|| m.get("type")) {
                None | Some(Value::Null) => None,
                Some(Value::String(p)) => Some(p.as_str()),
                Some(other) => return Err(bad("database.provider", "a string", other)),
            };
            let max = match m.get("maxConnections").or_else(|| m.get("max")).or_else(|| m.get("connectionLimit")) {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) if n.as_u64().is_some_and(|v| (1..=1000).contains(&v)) => n.as_u64().map(|v| v as u32),
                Some(other) => return Err(bad("database.maxConnections", "a whole number between 1 and 1000", other)),
            };
            let url = match m.get("url").or_else(|| m.get("connectionString")).or_else(|| m.get("filename")).or_else(|| m.get("path")) {
                Some(Value::String(s)) => s.as_str(),
                Some(other) => return Err(bad("database.url", "a string", other)),
                None => {
                    return Err(ConfigError(
                        "Invalid better-auth-rs option `database.url`: required with { provider } (a connection URL or an SQLite path)".into(),
                    ));
                }
            };
            let parsed = match provider {
                None => parse_database_url(url)?,
                Some("sqlite") => match parse_database_url(url)? {
                    sqlite @ DatabaseConfig::Sqlite { .. } => sqlite,
                    _ => return Err(ConfigError("Invalid better-auth-rs option `database.url`: provider \"sqlite\" needs a file path or sqlite:/file: URL".into())),
                },
                Some("pg" | "postgres" | "postgresql") => match parse_database_url(url)? {
                    pg @ DatabaseConfig::Postgres { .. } => pg,
                    _ => return Err(ConfigError("Invalid better-auth-rs option `database.url`: provider \"postgresql\" needs a postgres:// URL".into())),
                },
                Some("mysql" | "mariadb") => match parse_database_url(url)? {
                    my @ DatabaseConfig::Mysql { .. } => my,
                    _ => return Err(ConfigError("Invalid better-auth-rs option `database.url`: provider \"mysql\" needs a mysql:// URL".into())),
                },
                Some(other) => {
                    return Err(ConfigError(format!(
                        "Invalid better-auth-rs option `database.provider`: unknown provider \"{other}\" (expected \"sqlite\", \"postgresql\" or \"mysql\")"
                    )));
                }
            };
            Ok(parsed.with_max(max))
        }
        Some(other) => Err(bad("database", "a connection string, an SQLite path, or { provider, url }", other)),
    }
}

fn normalize_base_url(s: &str, option: &str) -> Result<(String, Option<String>), ConfigError> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return Err(ConfigError(format!(
            "Invalid better-auth-rs option `{option}`: \"{s}\" must start with http:// or https://"
        )));
    }
    let url = url::Url::parse(s)
        .map_err(|e| ConfigError(format!("Invalid better-auth-rs option `{option}`: {e}")))?;
    let origin = url.origin().ascii_serialization();
    let path = url.path().trim_end_matches('/');
    Ok((origin, if path.is_empty() { None } else { Some(path.to_string()) }))
}

impl AuthConfig {
    /// Resolves `options` with Better Auth's defaults. `env` is a JSON object of the environment
    /// variables Better Auth reads (`NODE_ENV`, `BETTER_AUTH_SECRET`, `AUTH_SECRET`,
    /// `BETTER_AUTH_URL`, `BETTER_AUTH_TRUSTED_ORIGINS`, ...).
    pub fn from_options(options: &Value, env: &Value) -> Result<Self, ConfigError> {
        let o = Opts::root(options)?;
        let node_env = env_str(env, "NODE_ENV").unwrap_or("");
        let is_production = node_env == "production";
        let is_test = node_env == "test" || env_str(env, "TEST").is_some_and(|t| t != "false" && t != "0");

        let app_name = o.string("appName")?.unwrap_or("Better Auth").to_string();

        // secret
        let secret = match o.string("secret")? {
            Some(s) if !s.is_empty() => Some(s.to_string()),
            _ => env_str(env, "BETTER_AUTH_SECRET").or_else(|| env_str(env, "AUTH_SECRET")).map(str::to_string),
        };
        let secret_is_default = secret.is_none();
        let secret = secret.unwrap_or_else(|| DEFAULT_SECRET.to_string());
        if secret_is_default && is_production {
            return Err(ConfigError(
                "You are using the default secret. Please set `BETTER_AUTH_SECRET` in your environment variables or pass `secret` in your auth config.".into(),
            ));
        }

        // baseURL / basePath
        let mut base_path = o.string("basePath")?.unwrap_or("/api/auth").trim_end_matches('/').to_string();
        if !base_path.is_empty() && !base_path.starts_with('/') {
            base_path = format!("/{base_path}");
        }
        let base_url_opt = match o.get("baseURL") {
            None => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) => Some((s.clone(), "baseURL")),
            Some(Value::Object(_)) => {
                return Err(ConfigError(
                    "Invalid better-auth-rs option `baseURL`: the dynamic { allowedHosts } form is not supported yet; pass a URL string".into(),
                ));
            }
            Some(other) => return Err(bad("baseURL", "a string", other)),
        };
        let base_url_opt = base_url_opt.or_else(|| {
            [
                "BETTER_AUTH_URL",
                "NEXT_PUBLIC_BETTER_AUTH_URL",
                "PUBLIC_BETTER_AUTH_URL",
                "NUXT_PUBLIC_BETTER_AUTH_URL",
                "NUXT_PUBLIC_AUTH_URL",
                "BASE_URL",
            ]
            .iter()
            .find_map(|k| env_str(env, k).filter(|v| *v != "/").map(|v| (v.to_string(), *k)))
        });
        let mut base_origin = None;
        let mut base_url_is_https = false;
        if let Some((url, option)) = base_url_opt {
            let (origin, path) = normalize_base_url(&url, option)?;
            base_url_is_https = origin.starts_with("https://");
            base_origin = Some(origin);
            if let Some(p) = path {
                base_path = p;
            }
        }

        let database = parse_database(o.get("database"))?;
        let mut schema = crate::store::schema::Schema::from_options(options)?;
        let auto_migrate = match o.bool("autoMigrate")? {
            Some(b) => b,
            None => matches!(database, DatabaseConfig::Sqlite { .. } | DatabaseConfig::SqliteHandle { .. }),
        };

        // emailAndPassword
        let ep = o.child("emailAndPassword")?;
        let min_password_length = ep.uint("minPasswordLength")?.unwrap_or(8) as usize;
        let max_password_length = ep.uint("maxPasswordLength")?.unwrap_or(128) as usize;
        if min_password_length > max_password_length {
            return Err(ConfigError(format!(
                "Invalid better-auth-rs option `emailAndPassword.minPasswordLength`: {min_password_length} is greater than maxPasswordLength ({max_password_length})"
            )));
        }
        let pw = ep.child("password")?;
        let algorithm = match pw.string("algorithm")? {
            None | Some("argon2id") => PasswordAlgorithm::Argon2id,
            Some("scrypt") => PasswordAlgorithm::Scrypt,
            Some(other) => {
                return Err(ConfigError(format!(
                    "Invalid better-auth-rs option `emailAndPassword.password.algorithm`: \"{other}\" (expected \"argon2id\" or \"scrypt\")"
                )));
            }
        };
        let a2 = pw.child("argon2")?;
        let defaults = Argon2Params::default();
        let argon2 = Argon2Params {
            memory_kib: a2.uint("memoryCost")?.map(|v| v as u32).unwrap_or(defaults.memory_kib),
            iterations: a2.uint("timeCost")?.map(|v| v as u32).unwrap_or(defaults.iterations),
            parallelism: a2.uint("parallelism")?.map(|v| v as u32).unwrap_or(defaults.parallelism),
        };
        if argon2.memory_kib < 8 * argon2.parallelism.max(1) || argon2.iterations < 1 || argon2.parallelism < 1 {
            return Err(ConfigError(
                "Invalid better-auth-rs option `emailAndPassword.password.argon2`: memoryCost must be ≥ 8×parallelism KiB, timeCost ≥ 1, parallelism ≥ 1".into(),
            ));
        }
        let email_and_password = EmailPasswordConfig {
            enabled: ep.bool("enabled")?.unwrap_or(false),
            disable_sign_up: ep.bool("disableSignUp")?.unwrap_or(false),
            min_password_length,
            max_password_length,
            auto_sign_in: ep.bool("autoSignIn")?.unwrap_or(true),
            require_email_verification: ep.bool("requireEmailVerification")?.unwrap_or(false),
            algorithm,
            argon2,
            rehash_legacy: pw.bool("rehashLegacyHashes")?.unwrap_or(true),
            reset_password_token_expires_in: ep.uint("resetPasswordTokenExpiresIn")?.unwrap_or(3600) as i64,
            revoke_sessions_on_password_reset: ep.bool("revokeSessionsOnPasswordReset")?.unwrap_or(false),
            reject_common: match pw.get("rejectCommon") {
                None | Some(Value::Bool(false)) => None,
                Some(Value::Bool(true)) => Some(Vec::new()),
                Some(Value::Object(m)) => {
                    let mut extra = Vec::new();
                    match m.get("extra") {
                        None | Some(Value::Null) => {}
                        Some(Value::Array(items)) => {
                            for (i, it) in items.iter().enumerate() {
                                match it {
                                    Value::String(s) => extra.push(s.clone()),
                                    other => return Err(bad(&format!("emailAndPassword.password.rejectCommon.extra[{i}]"), "a string", other)),
                                }
                            }
                        }
                        Some(other) => return Err(bad("emailAndPassword.password.rejectCommon.extra", "an array of strings", other)),
                    }
                    Some(extra)
                }
                Some(other) => return Err(bad("emailAndPassword.password.rejectCommon", "a boolean or { extra: string[] }", other)),
            },
            lockout: {
                let lo = ep.child("accountLockout")?;
                let explicit = match ep.get("accountLockout") {
                    Some(Value::Bool(b)) => Some(*b),
                    _ => None,
                };
                let on = match explicit {
                    Some(b) => b,
                    None => ep.get("accountLockout").is_some() && lo.bool("enabled")?.unwrap_or(true),
                };
                if on {
                    let max_failed_attempts = lo.uint("maxFailedAttempts")?.unwrap_or(10);
                    let duration = lo.uint("duration")?.unwrap_or(900);
                    if max_failed_attempts == 0 || duration == 0 {
                        return Err(ConfigError(
                            "Invalid better-auth-rs option `emailAndPassword.accountLockout`: maxFailedAttempts and duration must be at least 1".into(),
                        ));
                    }
                    Some(LockoutConfig { max_failed_attempts, duration })
                } else {
                    None
                }
            },
        };

        // session
        let s = o.child("session")?;
        let expires_in = s.uint("expiresIn")?.unwrap_or(604_800) as i64;
        if expires_in == 0 || expires_in > 34_560_000 {
            return Err(ConfigError(format!(
                "Invalid better-auth-rs option `session.expiresIn`: {expires_in} (must be between 1 and 34560000 seconds, the 400-day cookie limit)"
            )));
        }
        let session = SessionConfig {
            expires_in,
            update_age: s.uint("updateAge")?.unwrap_or(86_400) as i64,
            fresh_age: s.uint("freshAge")?.unwrap_or(86_400) as i64,
            disable_session_refresh: s.bool("disableSessionRefresh")?.unwrap_or(false),
            defer_session_refresh: s.bool("deferSessionRefresh")?.unwrap_or(false),
            cookie_cache: {
                let cc = s.child("cookieCache")?;
                if cc.bool("enabled")?.unwrap_or(false) {
                    let strategy = match cc.string("strategy")? {
                        None => crate::cookie_cache::Strategy::Compact,
                        Some(x) => crate::cookie_cache::Strategy::parse(x).ok_or_else(|| {
                            ConfigError(format!("Invalid better-auth-rs option `session.cookieCache.strategy`: \"{x}\" (expected \"compact\", \"jwt\" or \"jwe\")"))
                        })?,
                    };
                    let version = match cc.get("version") {
                        None => "1".to_string(),
                        Some(Value::String(v)) => v.clone(),
                        Some(Value::Number(n)) => n.to_string(),
                        Some(other) => return Err(bad("session.cookieCache.version", "a string", other)),
                    };
                    Some(CookieCacheConfig { max_age: cc.uint("maxAge")?.unwrap_or(300) as i64, strategy, version })
                } else {
                    None
                }
            },
        };

        let ev = o.child("emailVerification")?;
        let email_verification = EmailVerificationConfig {
            send_on_sign_up: ev.bool("sendOnSignUp")?,
            send_on_sign_in: ev.bool("sendOnSignIn")?.unwrap_or(false),
            auto_sign_in_after_verification: ev.bool("autoSignInAfterVerification")?.unwrap_or(false),
            expires_in: ev.uint("expiresIn")?.unwrap_or(3600) as i64,
        };

        let session_in_db = o.child("session")?.bool("storeSessionInDatabase")?.unwrap_or(false);
        let ce = o.child("user")?.child("changeEmail")?;
        let change_email_enabled = ce.bool("enabled")?.unwrap_or(false);
        let update_email_without_verification = ce.bool("updateEmailWithoutVerification")?.unwrap_or(false);
        let du = o.child("user")?.child("deleteUser")?;
        let delete_user_enabled = du.bool("enabled")?.unwrap_or(false);
        let delete_token_expires_in = du.uint("deleteTokenExpiresIn")?.unwrap_or(86_400) as i64;

        // plugins (plain descriptions: { id, options }), each parsed by its own folder
        let plugins = crate::plugins::Plugins::from_options(options)?;
        plugins.extend_schema(&mut schema)?;
        // the `rateLimit` table: database rate-limit storage, and account-lockout counters
        let rl_opts = o.child("rateLimit")?;
        let rl_storage_db = rl_opts.string("storage")? == Some("database") && rl_opts.get("customStorage").is_none();
        if rl_storage_db || email_and_password.lockout.is_some() {
            let table = rl_opts.string("modelName")?.unwrap_or("rateLimit");
            let columns = match rl_opts.get("fields") {
                Some(Value::Object(m)) => m.clone(),
                _ => Map::new(),
            };
            schema = schema.with_rate_limit_fields(table, &columns);
        }
        let schema = std::sync::Arc::new(schema);

        // trustedOrigins
        let mut trusted_origins = Vec::new();
        let trusted_origins_fn = matches!(o.get("trustedOrigins"), Some(Value::String(s)) if s == "[function]");
        match o.get("trustedOrigins") {
            None => {}
            Some(Value::String(s)) if s == "[function]" => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => trusted_origins.push(s.clone()),
                        Value::Null => {}
                        other => return Err(bad(&format!("trustedOrigins[{i}]"), "a string", other)),
                    }
                }
            }
            Some(other) => return Err(bad("trustedOrigins", "an array of strings or a function", other)),
        }
        if let Some(list) = env_str(env, "BETTER_AUTH_TRUSTED_ORIGINS") {
            trusted_origins.extend(list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
        }

        // advanced
        let adv = o.child("advanced")?;
        let cookie_prefix = adv.string("cookiePrefix")?.unwrap_or("better-auth").to_string();
        let secure_cookies = match adv.bool("useSecureCookies")? {
            Some(b) => b,
            None => {
                if base_origin.is_some() {
                    base_url_is_https
                } else {
                    is_production
                }
            }
        };
        let mut cookies = CookieSettings::default();
        match adv.get("cookies") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (k, v) in m {
                    if !v.is_object() {
                        return Err(bad(&format!("advanced.cookies.{k}"), "{ name?, attributes? }", v));
                    }
                }
                cookies.overrides = m.clone();
            }
            Some(other) => return Err(bad("advanced.cookies", "an object", other)),
        }
        match adv.get("defaultCookieAttributes") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => cookies.defaults = m.clone(),
            Some(other) => return Err(bad("advanced.defaultCookieAttributes", "an object", other)),
        }
        if let Some(cross) = adv.get("crossSubDomainCookies").filter(|v| v.get("enabled") == Some(&Value::Bool(true))) {
            let domain = cross.get("domain").and_then(Value::as_str).filter(|d| !d.is_empty()).map(str::to_string).or_else(|| {
                base_origin.as_deref().and_then(|o| url::Url::parse(o).ok()).and_then(|u| u.host_str().map(str::to_string))
            });
            match domain {
                Some(d) => cookies.cross_subdomain = Some(d),
                None => return Err(ConfigError("baseURL is required when crossSubdomainCookies are enabled.".into())),
            }
        }
        let disable_csrf_explicit = adv.bool("disableCSRFCheck")?;
        let disable_origin_check = match adv.get("disableOriginCheck") {
            None => is_test,
            Some(Value::Bool(b)) => *b,
            Some(other) => return Err(bad("advanced.disableOriginCheck", "a boolean", other)),
        };
        let disable_csrf_check = match disable_csrf_explicit {
            Some(b) => b,
            None => disable_origin_check,
        };
        let skip_trailing_slashes = adv.bool("skipTrailingSlashes")?.unwrap_or(false);
        let disabled_paths = match options.get("disabledPaths") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut v = Vec::with_capacity(items.len());
                for item in items {
                    match item.as_str() {
                        Some(p) => v.push(p.to_string()),
                        None => return Err(bad("disabledPaths", "an array of paths (strings)", item)),
                    }
                }
                v
            }
            Some(other) => return Err(bad("disabledPaths", "an array of paths (strings)", other)),
        };
        let max_body_bytes = adv.uint("maxBodySize")?.unwrap_or(2 * 1024 * 1024) as usize;
        let ipo = adv.child("ipAddress")?;
        let ip = crate::ip::IpConfig {
            headers: match ipo.get("ipAddressHeaders") {
                None => vec!["x-forwarded-for".into()],
                Some(Value::Array(items)) => {
                    let mut v = Vec::with_capacity(items.len());
                    for (i, h) in items.iter().enumerate() {
                        match h {
                            Value::String(s) => v.push(s.to_ascii_lowercase()),
                            other => return Err(bad(&format!("advanced.ipAddress.ipAddressHeaders[{i}]"), "a string", other)),
                        }
                    }
                    v
                }
                Some(other) => return Err(bad("advanced.ipAddress.ipAddressHeaders", "an array of header names", other)),
            },
            disable_tracking: ipo.bool("disableIpTracking")?.unwrap_or(false),
            trusted_proxies: match ipo.get("trustedProxies") {
                None => Vec::new(),
                Some(Value::Array(items)) => {
                    let mut v = Vec::new();
                    let mut invalid = Vec::new();
                    for item in items {
                        match item.as_str().and_then(crate::ip::Cidr::parse) {
                            Some(c) => v.push(c),
                            None => invalid.push(item.to_string()),
                        }
                    }
                    if !invalid.is_empty() {
                        // Better Auth warns and ignores such entries
                        eprintln!(
                            "[better-auth-rs] Ignoring invalid `advanced.ipAddress.trustedProxies` entries: {}. Each entry must be an IP address or CIDR range.",
                            invalid.join(", ")
                        );
                    }
                    v
                }
                Some(other) => return Err(bad("advanced.ipAddress.trustedProxies", "an array of IPs or CIDR ranges", other)),
            },
            trusted_proxy_count: ipo.uint("trustedProxyCount")?.map(|n| n as usize).filter(|n| *n > 0),
            ipv6_subnet: match ipo.get("ipv6Subnet") {
                None => 64,
                Some(Value::Number(n)) => {
                    let f = n.as_f64().unwrap_or(64.0);
                    if f < 0.0 { 0 } else if f > 128.0 { 128 } else { f.floor() as u8 }
                }
                Some(other) => return Err(bad("advanced.ipAddress.ipv6Subnet", "a number", other)),
            },
            fallback_localhost: matches!(node_env, "dev" | "development" | "test"),
        };
        let rate_limit = crate::rate_limit::RateLimitConfig::from_options(options, is_production)?;
        let hash_concurrency = match adv.uint("hashConcurrency")? {
            Some(0) => {
                return Err(ConfigError(
                    "Invalid better-auth-rs option `advanced.hashConcurrency`: must be at least 1".into(),
                ));
            }
            Some(n) => n as usize,
            None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        };

        let revocation_channel = o.child("advanced")?.bool("revocationChannel")?;
        let cookie_cache_max_age = session.cookie_cache.as_ref().map(|c| c.max_age).filter(|_| revocation_channel != Some(false));
        Ok(AuthConfig {
            app_name,
            secret,
            secret_is_default,
            base_origin,
            base_path,
            database,
            schema,
            auto_migrate,
            email_and_password,
            session,
            email_verification,
            session_in_db,
            change_email_enabled,
            update_email_without_verification,
            delete_user_enabled,
            delete_token_expires_in,
            plugins,
            trusted_origins,
            cookie_prefix,
            cookies,
            secure_cookies,
            disable_csrf_check,
            disable_origin_check,
            skip_trailing_slashes,
            disabled_paths,
            is_production,
            max_body_bytes,
            hash_concurrency,
            ip,
            rate_limit,
            trusted_origins_fn,
            callback_timeout_ms: adv.uint("callbackTimeout")?.unwrap_or(30_000),
            revocation_channel,
            redis: match o.get("secondaryStorage").and_then(|s| s.get("__betterAuthRsRedis")) {
                None => None,
                Some(r) => {
                    let url = r.get("url").and_then(Value::as_str).ok_or_else(|| ConfigError("Invalid better-auth-rs option `secondaryStorage`: redisStorage() needs `url` or `client`".into()))?;
                    let prefix = match r.get("keyPrefix") {
                        None | Some(Value::Null) => "better-auth:",
                        Some(Value::String(p)) => p.as_str(),
                        Some(other) => return Err(bad("secondaryStorage.keyPrefix", "a string", other)),
                    };
                    let cache = cookie_cache_max_age;
                    Some(std::sync::Arc::new(crate::store::redis::RedisStorage::with_cookie_cache(url, prefix, cache).map_err(|e| ConfigError(e.to_string()))?))
                }
            },
            logger: {
                let l = o.child("logger")?;
                // an unknown level publishes everything (Better Auth's indexOf is then -1)
                let level = match l.get("level") {
                    Some(Value::String(x)) => crate::log::Level::parse(x).unwrap_or(crate::log::Level::Debug),
                    _ => crate::log::Level::Warn,
                };
                crate::log::LoggerConfig { enabled: !l.bool("disabled")?.unwrap_or(false), level }
            },
            oauth: crate::oauth::OAuthConfig::from_options(options)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg(o: Value) -> Result<AuthConfig, ConfigError> {
        AuthConfig::from_options(&o, &json!({}))
    }

    #[test]
    fn defaults_match_better_auth() {
        let c = cfg(json!({})).unwrap();
        assert_eq!(c.base_path, "/api/auth");
        assert_eq!(c.cookie_prefix, "better-auth");
        assert_eq!(c.session.expires_in, 604_800);
        assert_eq!(c.session.update_age, 86_400);
        assert_eq!(c.email_and_password.min_password_length, 8);
        assert_eq!(c.email_and_password.max_password_length, 128);
        assert!(!c.email_and_password.enabled);
        assert!(c.secret_is_default);
        assert!(!c.secure_cookies);
    }

    #[test]
    fn wrong_types_name_the_option() {
        let e = cfg(json!({"emailAndPassword": {"minPasswordLength": "8"}})).unwrap_err();
        assert!(e.0.contains("emailAndPassword.minPasswordLength"), "{e}");
        let e = cfg(json!({"session": {"expiresIn": -1}})).unwrap_err();
        assert!(e.0.contains("session.expiresIn"), "{e}");
        let e = cfg(json!({"advanced": {"useSecureCookies": "yes"}})).unwrap_err();
        assert!(e.0.contains("advanced.useSecureCookies"), "{e}");
        let e = cfg(json!({"baseURL": "localhost:3000"})).unwrap_err();
        assert!(e.0.contains("baseURL"), "{e}");
        let e = cfg(json!({"trustedOrigins": "http://a"})).unwrap_err();
        assert!(e.0.contains("trustedOrigins"), "{e}");
    }

    #[test]
    fn secret_resolution_and_production_rule() {
        let env = json!({"BETTER_AUTH_SECRET": "from-env-secret-0123456789abcdef", "AUTH_SECRET": "other"});
        let c = AuthConfig::from_options(&json!({}), &env).unwrap();
        assert_eq!(c.secret, "from-env-secret-0123456789abcdef");
        let c = AuthConfig::from_options(&json!({}), &json!({"AUTH_SECRET": "auth-secret"})).unwrap();
        assert_eq!(c.secret, "auth-secret");
        let e = AuthConfig::from_options(&json!({}), &json!({"NODE_ENV": "production"})).unwrap_err();
        assert!(e.0.contains("default secret"));
    }

    #[test]
    fn base_url_and_secure_cookies() {
        let c = cfg(json!({"baseURL": "https://app.example.com/"})).unwrap();
        assert_eq!(c.base_origin.as_deref(), Some("https://app.example.com"));
        assert!(c.secure_cookies);
        let c = cfg(json!({"baseURL": "http://x.test/auth"})).unwrap();
        assert_eq!(c.base_path, "/auth");
        let c = AuthConfig::from_options(&json!({}), &json!({"BETTER_AUTH_URL": "http://env.test:4000"})).unwrap();
        assert_eq!(c.base_origin.as_deref(), Some("http://env.test:4000"));
        let c = AuthConfig::from_options(&json!({"secret": "s"}), &json!({"NODE_ENV": "production"})).unwrap();
        assert!(c.secure_cookies);
    }

    #[test]
    fn database_forms() {
        let sq = |p: &str| DatabaseConfig::Sqlite { path: p.into(), max_connections: None };
        assert_eq!(parse_database_url("file:./a.db").unwrap(), sq("./a.db"));
        assert_eq!(parse_database_url("sqlite://a.db").unwrap(), sq("a.db"));
        assert_eq!(parse_database_url("/tmp/a.db").unwrap(), sq("/tmp/a.db"));
        assert!(matches!(parse_database_url("postgres://u:p@h/db").unwrap(), DatabaseConfig::Postgres { .. }));
        assert!(matches!(parse_database_url("mariadb://u@h/db").unwrap(), DatabaseConfig::Mysql { url, .. } if url == "mysql://u@h/db"));
        let c = cfg(json!({"database": {"provider": "sqlite", "url": "x.db"}})).unwrap();
        assert_eq!(c.database, DatabaseConfig::Sqlite { path: "x.db".into(), max_connections: None });
        let c = cfg(json!({"database": {"provider": "postgresql", "url": "postgres://u:secret@h:5433/d", "max": 4}})).unwrap();
        assert_eq!(c.database.max_connections(), Some(4));
        assert!(!c.auto_migrate);
        assert!(!format!("{:?}", c.database).contains("secret"));
        assert!(cfg(json!({"database": {"provider": "postgresql", "url": "x.db"}})).is_err());
    }
}
