//! The rate limiter, as Better Auth's router `onRequest` step: before routing, for HTTP requests
//! only (never for `auth.api.*`), keyed by `"<client ip>|<path>"`. Rules: the global
//! `window`/`max`, then the built-in stricter rules (sign-in, sign-up, change-password,
//! change-email: 3 per 10 s; password-reset and verification mail: 3 per 60 s), then
//! `customRules` (exact path or wildcard; a rule, `false`, or a function). Storage: memory,
//! the `rateLimit` table, `secondaryStorage.increment`, or `customStorage.consume`. Each
//! decision is one atomic step: a mutex for memory, guarded single-statement updates for SQL.
use crate::callbacks::Callbacks;
use crate::context::AuthContext;
use crate::error::{AuthResult, ConfigError};
use crate::http::{Request, Response};
pub use crate::store::counters::{Decision, Rule};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;

/// A `customRules` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomRule {
    /// `{ window, max }`
    Rule(Rule),
    /// `false`: no rate limit for the path.
    Disabled,
    /// A function `(request, currentRule) => rule | false`, called through the callbacks.
    Function,
}

/// Where counters live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// This process's memory.
    Memory,
    /// The `rateLimit` table.
    Database,
    /// `secondaryStorage.increment` (fixed window from the first hit).
    SecondaryStorage,
    /// `customStorage.consume(key, rule)`.
    Custom,
}

/// `rateLimit`, resolved.
#[derive(Debug, Clone)]
pub struct RateLimitConfig {
    /// `enabled` (default: NODE_ENV === "production").
    pub enabled: bool,
    /// Global rule (`window` 10, `max` 100).
    pub global: Rule,
    /// `customRules`, in declaration order.
    pub custom_rules: Vec<(String, CustomRule)>,
    /// Storage backend.
    pub storage: Storage,
    /// `modelName` of the table (`rateLimit`).
    pub model_name: String,
}

fn bad(path: &str, expected: &str) -> ConfigError {
    ConfigError(format!("Invalid better-auth-rs option `{path}`: {expected}"))
}

fn parse_rule(v: &Value, path: &str) -> Result<Rule, ConfigError> {
    let num = |k: &str| -> Result<u64, ConfigError> {
        match v.get(k) {
            Some(Value::Number(n)) => n
                .as_u64()
                .or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
                .ok_or_else(|| bad(&format!("{path}.{k}"), "expected a non-negative whole number")),
            _ => Err(bad(&format!("{path}.{k}"), "expected a number")),
        }
    };
    Ok(Rule { window: num("window")?, max: num("max")? })
}

impl RateLimitConfig {
    /// Resolves `options.rateLimit` with Better Auth's defaults.
    pub fn from_options(options: &Value, is_production: bool) -> Result<Self, ConfigError> {
        let rl = options.get("rateLimit").filter(|v| !v.is_null());
        let rl = match rl {
            None => None,
            Some(Value::Object(m)) => Some(m),
            Some(_) => return Err(bad("rateLimit", "expected an object")),
        };
        let get = |k: &str| rl.and_then(|m| m.get(k)).filter(|v| !v.is_null());
        let enabled = match get("enabled") {
            None => is_production,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(bad("rateLimit.enabled", "expected a boolean")),
        };
        let uint = |k: &str, default: u64| -> Result<u64, ConfigError> {
            match get(k) {
                None => Ok(default),
                Some(Value::Number(n)) => n
                    .as_u64()
                    .or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
                    .ok_or_else(|| bad(&format!("rateLimit.{k}"), "expected a non-negative whole number")),
                Some(_) => Err(bad(&format!("rateLimit.{k}"), "expected a number")),
            }
        };
        let global = Rule { window: uint("window", 10)?, max: uint("max", 100)? };
        let mut custom_rules = Vec::new();
        match get("customRules") {
            None => {}
            Some(Value::Object(m)) => {
                for (path, v) in m {
                    let p = format!("rateLimit.customRules[\"{path}\"]");
                    let rule = match v {
                        Value::Bool(false) => CustomRule::Disabled,
                        Value::String(s) if s == "[function]" => CustomRule::Function,
                        Value::Object(_) => CustomRule::Rule(parse_rule(v, &p)?),
                        Value::Null => continue,
                        _ => return Err(bad(&p, "expected { window, max }, false or a function")),
                    };
                    custom_rules.push((path.clone(), rule));
                }
            }
            Some(_) => return Err(bad("rateLimit.customRules", "expected an object")),
        }
        let has_secondary = options.get("secondaryStorage").is_some_and(|v| !v.is_null());
        let storage = if get("customStorage").is_some() {
            Storage::Custom
        } else {
            match get("storage") {
                None => {
                    if has_secondary {
                        Storage::SecondaryStorage
                    } else {
                        Storage::Memory
                    }
                }
                Some(Value::String(s)) => match s.as_str() {
                    "memory" => Storage::Memory,
                    "database" => Storage::Database,
                    "secondary-storage" => {
                        if !has_secondary {
                            return Err(bad("rateLimit.storage", "\"secondary-storage\" needs the `secondaryStorage` option"));
                        }
                        Storage::SecondaryStorage
                    }
                    other => {
                        return Err(ConfigError(format!(
                            "Invalid better-auth-rs option `rateLimit.storage`: \"{other}\" (expected \"memory\", \"database\" or \"secondary-storage\")"
                        )));
                    }
                },
                Some(_) => return Err(bad("rateLimit.storage", "expected a string")),
            }
        };
        let model_name = match get("modelName") {
            None => "rateLimit".to_string(),
            Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => s.clone(),
            Some(_) => return Err(bad("rateLimit.modelName", "expected a table name (letters, digits, _)")),
        };
        Ok(RateLimitConfig { enabled, global, custom_rules, storage, model_name })
    }

    /// The longest window of any configured rule (for pruning idle rows).
    pub fn longest_window(&self) -> u64 {
        let custom = self.custom_rules.iter().filter_map(|(_, r)| match r {
            CustomRule::Rule(r) => Some(r.window),
            _ => None,
        });
        custom.chain([self.global.window, 60]).max().unwrap_or(60)
    }

    /// True when the `rateLimit` table is part of the schema.
    pub fn uses_table(&self) -> bool {
        self.storage == Storage::Database
    }
}

/// Better Auth's `normalizePathname`: the URL path without `basePath` and trailing slashes.
pub fn normalize_pathname(url: &str, base_path: &str) -> String {
    let path = match url::Url::parse(url) {
        Ok(u) => u.path().to_string(),
        Err(_) if url.starts_with('/') => url.split(['?', '#']).next().unwrap_or("/").to_string(),
        Err(_) => return "/".into(),
    };
    let path = match path.trim_end_matches('/') {
        "" => "/".to_string(),
        p => p.to_string(),
    };
    let base = base_path.trim_end_matches('/');
    if base.is_empty() {
        return path;
    }
    if path == base {
        return "/".into();
    }
    match path.strip_prefix(base).filter(|r| r.starts_with('/')) {
        Some(rest) => match rest.trim_end_matches('/') {
            "" => "/".into(),
            r => r.to_string(),
        },
        None => path,
    }
}

/// Better Auth's built-in stricter rules.
pub fn special_rule(path: &str) -> Option<Rule> {
    if ["/sign-in", "/sign-up", "/change-password", "/change-email"].iter().any(|p| path.starts_with(p)) {
        return Some(Rule { window: 10, max: 3 });
    }
    if matches!(
        path,
        "/request-password-reset" | "/send-verification-email" | "/email-otp/send-verification-otp" | "/email-otp/request-password-reset"
    ) || path.starts_with("/forget-password")
    {
        return Some(Rule { window: 60, max: 3 });
    }
    None
}

/// The glob Better Auth's `wildcardMatch` applies to rule paths without a separator:
/// `*` matches any run of characters (slashes included), `?` one character, `\` escapes.
pub fn wildcard_match(pattern: &str, s: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = s.chars().collect();
    // tokens: Some(c) literal, None-star, '?' any
    #[derive(Clone, Copy)]
    enum Tok {
        Lit(char),
        Any,
        Star,
    }
    let mut toks = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' if i + 1 < p.len() => {
                toks.push(Tok::Lit(p[i + 1]));
                i += 2;
                continue;
            }
            '\\' => {}
            '*' => toks.push(Tok::Star),
            '?' => toks.push(Tok::Any),
            c => toks.push(Tok::Lit(c)),
        }
        i += 1;
    }
    // classic greedy-with-backtrack glob
    let (mut ti, mut ki) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match toks.get(ki) {
            Some(Tok::Lit(c)) if *c == t[ti] => {
                ti += 1;
                ki += 1;
            }
            Some(Tok::Any) => {
                ti += 1;
                ki += 1;
            }
            Some(Tok::Star) => {
                star = Some((ki, ti));
                ki += 1;
            }
            _ => match star {
                Some((sk, st)) => {
                    ki = sk + 1;
                    ti = st + 1;
                    star = Some((sk, st + 1));
                }
                None => return false,
            },
        }
    }
    toks[ki.min(toks.len())..].iter().all(|t| matches!(t, Tok::Star))
}

fn retry_after(last_ms: i64, window: u64, now: i64) -> u64 {
    let ms = last_ms.saturating_add((window as i64).saturating_mul(1000)).saturating_sub(now);
    (ms.max(0) as u64).div_ceil(1000)
}

/// The memory backend: one map behind a mutex (check-and-increment is one critical section).
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: Mutex<HashMap<String, MemEntry>>,
}

#[derive(Debug, Clone, Copy)]
struct MemEntry {
    count: u64,
    last_ms: i64,
    expires_ms: i64,
}

const MEMORY_MAX_ENTRIES: usize = 100_000;

impl MemoryStore {
    /// Counts one request against `key` (Better Auth's rolling window from the last allowed
    /// request).
    pub fn consume(&self, key: &str, rule: Rule, now: i64) -> Decision {
        let Ok(mut map) = self.map.lock() else { return Decision::ALLOW };
        if map.len() >= MEMORY_MAX_ENTRIES {
            map.retain(|_, e| now < e.expires_ms);
            if map.len() >= MEMORY_MAX_ENTRIES {
                // drop the stalest entries rather than grow without bound
                let mut lasts: Vec<i64> = map.values().map(|e| e.last_ms).collect();
                lasts.sort_unstable();
                let cut = lasts[lasts.len() / 2];
                map.retain(|_, e| e.last_ms > cut);
            }
        }
        let window_ms = (rule.window as i64).saturating_mul(1000);
        let live = map.get(key).filter(|e| now < e.expires_ms).copied();
        let next = match live {
            None => MemEntry { count: 1, last_ms: now, expires_ms: now + window_ms },
            Some(e) if now - e.last_ms >= window_ms => MemEntry { count: 1, last_ms: now, expires_ms: now + window_ms },
            Some(e) if e.count >= rule.max => {
                return Decision { allowed: false, retry_after: Some(retry_after(e.last_ms, rule.window, now)) };
            }
            Some(e) => MemEntry { count: e.count + 1, last_ms: now, expires_ms: now + window_ms },
        };
        map.insert(key.to_string(), next);
        Decision::ALLOW
    }
}


async fn resolve_rule(cfg: &RateLimitConfig, plugins: &crate::plugins::Plugins, callbacks: &Callbacks, req: &Request, path: &str) -> AuthResult<Option<Rule>> {
    // a plugin's rule wins over the built-in special rules (the first plugin that has one)
    let mut rule = plugins.iter().find_map(|p| p.rate_limit_rule(path)).or_else(|| special_rule(path)).unwrap_or(cfg.global);
    let found = cfg.custom_rules.iter().find(|(p, _)| if p.contains('*') { wildcard_match(p, path) } else { p == path });
    if let Some((pattern, custom)) = found {
        match custom {
            CustomRule::Disabled => return Ok(None),
            CustomRule::Rule(r) => rule = *r,
            CustomRule::Function => {
                let current = serde_json::json!({ "window": rule.window, "max": rule.max });
                let args = serde_json::json!([pattern, crate::callbacks::request_arg(&req.method, &req.url, &req.headers), current]);
                match callbacks.call("rateLimit.customRule", args).await? {
                    Some(Value::Bool(false)) => return Ok(None),
                    Some(v @ Value::Object(_)) => {
                        if let Ok(r) = parse_rule(&v, &format!("rateLimit.customRules[\"{pattern}\"]")) {
                            rule = r;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(Some(rule))
}

async fn consume(ctx: &AuthContext, key: &str, rule: Rule) -> AuthResult<Decision> {
    let now = ctx.now();
    match ctx.config.rate_limit.storage {
        Storage::Memory => Ok(ctx.rate_limit_memory.consume(key, rule, now)),
        Storage::Database => {
            let sql = ctx.plugin_rows().await?;
            let lockout = ctx.config.email_and_password.lockout.map(|l| l.duration).unwrap_or(0);
            let id = crate::crypto::random::generate_id(32);
            crate::store::counters::consume(sql, key, rule, now, id, ctx.config.rate_limit.longest_window(), lockout).await
        }
        Storage::SecondaryStorage => {
            let count = match ctx.secondary() {
                Some(sec) => sec.increment(key, rule.window).await?.unwrap_or(0.0),
                None => 0.0,
            };
            if count <= rule.max as f64 {
                Ok(Decision::ALLOW)
            } else {
                Ok(Decision { allowed: false, retry_after: Some(rule.window) })
            }
        }
        Storage::Custom => {
            let args = serde_json::json!([key, { "window": rule.window, "max": rule.max }]);
            let v = ctx.callbacks.call("rateLimit.customStorage.consume", args).await?;
            let allowed = v.as_ref().and_then(|v| v.get("allowed")).and_then(Value::as_bool).unwrap_or(true);
            let retry = v.as_ref().and_then(|v| v.get("retryAfter")).and_then(Value::as_f64).map(|f| f.max(0.0).ceil() as u64);
            Ok(Decision { allowed, retry_after: retry })
        }
    }
}

static LAST_LOG: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Logs at most one line every 10 s: a storage outage must not write a line per request.
fn log_throttled(msg: &str) {
    use std::sync::atomic::Ordering;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let last = LAST_LOG.load(Ordering::Relaxed);
    if now - last >= 10 && LAST_LOG.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
        crate::log::warn(&msg);
    }
}

/// Better Auth's 429: status text, `X-Retry-After` and a JSON message without a code.
pub fn too_many_requests(retry_after: u64) -> Response {
    Response {
        status: 429,
        status_text: "Too Many Requests".into(),
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("x-retry-after".into(), retry_after.to_string()),
        ],
        body: br#"{"message":"Too many requests. Please try again later."}"#.to_vec(),
    }
}

/// The router's rate-limit step: `Some(429 response)` when the request must be refused. A
/// failing storage (database or callback down) lets the request through and is logged: the
/// endpoints then report the outage themselves.
pub async fn check(ctx: &AuthContext, req: &Request) -> Option<Response> {
    let cfg = &ctx.config.rate_limit;
    if !cfg.enabled {
        return None;
    }
    let ip = crate::ip::resolve(&req.headers, &ctx.config.ip, true);
    if ip.is_none() && ctx.config.ip.disable_tracking {
        return None;
    }
    let path = normalize_pathname(&req.url, &ctx.config.base_path);
    let key = format!("{}|{}", ip.as_deref().unwrap_or("no-trusted-ip"), path);
    let rule = match resolve_rule(cfg, &ctx.config.plugins, &ctx.callbacks, req, &path).await {
        Ok(Some(r)) => r,
        Ok(None) => return None,
        Err(e) => {
            log_throttled(&format!("rate limit rule callback failed: {e}"));
            cfg.global
        }
    };
    match consume(ctx, &key, rule).await {
        Ok(d) if !d.allowed => Some(too_many_requests(d.retry_after.unwrap_or(rule.window))),
        Ok(_) => None,
        Err(e) => {
            log_throttled(&format!("rate limit storage failed, requests let through: {e}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pathnames() {
        assert_eq!(normalize_pathname("http://x/api/auth/sign-in/email/", "/api/auth"), "/sign-in/email");
        assert_eq!(normalize_pathname("http://x/api/auth", "/api/auth"), "/");
        assert_eq!(normalize_pathname("http://x/other/path", "/api/auth"), "/other/path");
        assert_eq!(normalize_pathname("http://x/api/authx", "/api/auth"), "/api/authx");
        assert_eq!(normalize_pathname("http://x/a/b/", ""), "/a/b");
    }

    #[test]
    fn rules() {
        assert_eq!(special_rule("/sign-in/email"), Some(Rule { window: 10, max: 3 }));
        assert_eq!(special_rule("/sign-up/email"), Some(Rule { window: 10, max: 3 }));
        assert_eq!(special_rule("/request-password-reset"), Some(Rule { window: 60, max: 3 }));
        assert_eq!(special_rule("/forget-password/x"), Some(Rule { window: 60, max: 3 }));
        assert_eq!(special_rule("/get-session"), None);
        assert!(wildcard_match("/sign-in/*", "/sign-in/email"));
        assert!(wildcard_match("*", "/anything/at/all"));
        assert!(wildcard_match("/a?c", "/abc"));
        assert!(!wildcard_match("/sign-in/*", "/sign-up/email"));
        assert!(wildcard_match("/x*y*z", "/xaaybbz"));
        assert!(!wildcard_match("/x*y*z", "/xaaybb"));
    }

    #[test]
    fn memory_window_from_last_allowed() {
        let m = MemoryStore::default();
        let r = Rule { window: 10, max: 3 };
        let t0 = 1_000_000;
        for i in 0..3 {
            assert!(m.consume("k", r, t0 + i).allowed);
        }
        let d = m.consume("k", r, t0 + 5_000);
        assert!(!d.allowed);
        assert_eq!(d.retry_after, Some(6)); // last allowed at t0+2, window 10 s: 5.002 s left, rounded up
        assert!(m.consume("k", r, t0 + 10_002).allowed);
        assert!(m.consume("other", r, t0 + 5_000).allowed);
    }

    #[test]
    fn options() {
        let c = RateLimitConfig::from_options(&json!({}), false).unwrap();
        assert!(!c.enabled);
        assert_eq!(c.global, Rule { window: 10, max: 100 });
        assert_eq!(c.storage, Storage::Memory);
        let c = RateLimitConfig::from_options(&json!({}), true).unwrap();
        assert!(c.enabled);
        let c = RateLimitConfig::from_options(&json!({"secondaryStorage": {}}), true).unwrap();
        assert_eq!(c.storage, Storage::SecondaryStorage);
        let c = RateLimitConfig::from_options(
            &json!({"rateLimit": {"storage": "database", "customRules": {"/sign-in/email": {"window": 60, "max": 5}, "/get-session": false, "/x/*": "[function]"}}}),
            false,
        )
        .unwrap();
        assert_eq!(c.storage, Storage::Database);
        assert_eq!(c.custom_rules.len(), 3);
        assert!(RateLimitConfig::from_options(&json!({"rateLimit": {"storage": "redis"}}), false).is_err());
        assert!(RateLimitConfig::from_options(&json!({"rateLimit": {"window": "10"}}), false).is_err());
        assert!(RateLimitConfig::from_options(&json!({"rateLimit": {"storage": "secondary-storage"}}), false).is_err());
    }
}
