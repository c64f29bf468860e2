//! The `jwt()` plugin's options (`jwt({ jwt, jwks, disableSettingJwtHeader, schema })`, or
//! the top-level `jwt` option, whose keys sit one level up), plus the HS256 shared-secret mode.
use crate::config::ConfigError;
use crate::jwt::Algorithm;
use serde_json::Value;

/// Resolved plugin options.
#[derive(Clone)]
pub struct JwtConfig {
    /// Signing algorithm (`jwks.keyPairConfig.alg`, or `HS256` in shared-secret mode).
    pub alg: Algorithm,
    /// Shared secret for HS256 mode.
    pub hs256_secret: Option<String>,
    /// `jwt.issuer` (default: the base URL origin).
    pub issuer: Option<String>,
    /// `jwt.audience` (default: the base URL origin).
    pub audience: Option<String>,
    /// Token lifetime in seconds (`jwt.expirationTime` / `expiresIn`, default 15 minutes).
    pub expires_in: i64,
    /// `jwks.disablePrivateKeyEncryption`.
    pub disable_private_key_encryption: bool,
    /// `jwks.rotationInterval` seconds.
    pub rotation_interval: Option<i64>,
    /// `jwks.gracePeriod` seconds (30 days).
    pub grace_period: i64,
    /// `disableSettingJwtHeader`.
    pub disable_header: bool,
}

impl std::fmt::Debug for JwtConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtConfig").field("alg", &self.alg).field("issuer", &self.issuer).field("expires_in", &self.expires_in).finish_non_exhaustive()
    }
}

/// Seconds in a jose-style duration: a number of seconds, or `"15m"`, `"7d"`, `"2 hours"`...
pub fn parse_duration(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().filter(|s| *s > 0),
        Value::String(s) => {
            let s = s.trim().to_ascii_lowercase();
            let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
            let (num, unit) = s.split_at(split);
            let n: f64 = num.parse().ok()?;
            let unit = unit.trim();
            let mult = match unit {
                "" | "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
                "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
                "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
                "d" | "day" | "days" => 86_400.0,
                "w" | "week" | "weeks" => 604_800.0,
                "y" | "yr" | "yrs" | "year" | "years" => 31_557_600.0,
                _ => return None,
            };
            let secs = (n * mult).round() as i64;
            (secs > 0).then_some(secs)
        }
        _ => None,
    }
}

fn bad(path: &str, msg: &str) -> ConfigError {
    ConfigError(format!("Invalid better-auth-rs option `{path}`: {msg}"))
}

impl JwtConfig {
    /// From the plugin's options (or the top-level `jwt` option, whose keys sit one level up).
    pub fn from_options(o: &Value) -> Result<Self, ConfigError> {
        let inner = o.get("jwt").filter(|v| v.is_object()).unwrap_or(o);
        let jwks = o.get("jwks").cloned().unwrap_or(Value::Null);
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let alg_name = s(inner, "algorithm").or_else(|| jwks.pointer("/keyPairConfig/alg").and_then(Value::as_str).map(str::to_string));
        let alg = match alg_name.as_deref() {
            None => Algorithm::EdDSA,
            Some(a) => Algorithm::parse(a).ok_or_else(|| bad("jwt.algorithm", "expected EdDSA, ES256, ES512, RS256, PS256 or HS256"))?,
        };
        let hs256_secret = s(inner, "secret");
        if alg == Algorithm::HS256 && hs256_secret.as_deref().is_none_or(|x| x.len() < 16) {
            return Err(bad("jwt.secret", "HS256 tokens need a shared secret of at least 16 characters"));
        }
        let expires = inner.get("expirationTime").or_else(|| inner.get("expiresIn"));
        let expires_in = match expires {
            None | Some(Value::Null) => 900,
            Some(v) => parse_duration(v).ok_or_else(|| bad("jwt.expirationTime", "expected seconds or a duration like \"15m\", \"7d\""))?,
        };
        let aud = match inner.get("audience") {
            Some(Value::Array(a)) => a.first().and_then(Value::as_str).map(str::to_string),
            Some(Value::String(x)) => Some(x.clone()),
            _ => None,
        };
        Ok(Self {
            alg,
            hs256_secret,
            issuer: s(inner, "issuer"),
            audience: aud,
            expires_in,
            disable_private_key_encryption: jwks.get("disablePrivateKeyEncryption").and_then(Value::as_bool).unwrap_or(false),
            rotation_interval: jwks.get("rotationInterval").and_then(Value::as_i64).filter(|v| *v > 0),
            grace_period: jwks.get("gracePeriod").and_then(Value::as_i64).unwrap_or(2_592_000),
            disable_header: o.get("disableSettingJwtHeader").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    /// True when tokens are signed with key pairs from the `jwks` table.
    pub fn uses_keys(&self) -> bool {
        self.alg != Algorithm::HS256
    }
}

