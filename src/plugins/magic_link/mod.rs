//! Better Auth's `magicLink()` plugin (plugin id `magic-link`): `POST /sign-in/magic-link` mails
//! a single-use link through the app's `sendMagicLink`, `GET /magic-link/verify` consumes its
//! token, creates the user when sign-up is allowed, strips what an unverified account accrued
//! before the proof (`revokeUnprovenAccountAccess`), starts a session and redirects (errors as
//! `?error=` redirects). No schema; one rate-limit rule.
//!
//! - here: options, registration, the rate-limit rule and how tokens are stored;
//! - [`endpoints`]: the two endpoints.
use super::{Descriptor, EndpointFuture, Plugin, PluginEndpoint};
use crate::config::ConfigError;
use crate::endpoints::Call;
use crate::error::{AuthError, AuthResult};
use crate::rate_limit::Rule;
use serde_json::{Map, Value};
use std::sync::Arc;

pub mod endpoints;
#[cfg(test)]
mod flow_tests;

fn sign_in<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
    Box::pin(async move { endpoints::sign_in_magic_link(call).await.map(crate::endpoints::Output::Json) })
}
fn verify<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
    Box::pin(endpoints::magic_link_verify(call))
}

/// Callback names (engine name, path inside the plugin's options).
pub const SEND: &str = "magicLink.sendMagicLink";
/// `generateToken(email)`.
pub const GENERATE: &str = "magicLink.generateToken";
/// `storeToken: { type: "custom-hasher", hash(token) }`.
pub const HASH: &str = "magicLink.storeToken.hash";

/// The registration (see `src/plugins/mod.rs`).
pub static PLUGIN: Descriptor = Descriptor {
    id: "magic-link",
    parse,
    endpoints: &[
        PluginEndpoint {
            plugin: "magic-link",
            api_name: "signInMagicLink",
            path: "/sign-in/magic-link",
            methods: &["POST"],
            form: false,
            require_headers: true,
            handler: sign_in,
        },
        PluginEndpoint {
            plugin: "magic-link",
            api_name: "magicLinkVerify",
            path: "/magic-link/verify",
            methods: &["GET"],
            form: false,
            require_headers: true,
            handler: verify,
        },
    ],
    callbacks: &[(SEND, "sendMagicLink"), (GENERATE, "generateToken"), (HASH, "storeToken.hash")],
};

/// How tokens are written to the `verification` identifier (`magic-link:<stored>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreToken {
    /// `"plain"`: the token itself.
    Plain,
    /// `"hashed"`: base64url (no padding) of SHA-256 of the token.
    Hashed,
    /// `{ type: "custom-hasher", hash }`: the app's `hash(token)`.
    Custom,
}

/// The `magicLink()` options, resolved.
#[derive(Debug, Clone)]
pub struct MagicLinkPlugin {
    /// `expiresIn` in milliseconds (`(opts.expiresIn || 300) * 1000`).
    pub expires_in_ms: i64,
    /// `disableSignUp`.
    pub disable_sign_up: bool,
    /// `storeToken`.
    pub store_token: StoreToken,
    /// The plugin's rate-limit rule (`rateLimit.window || 60`, `rateLimit.max || 5`).
    pub rate_limit: Rule,
}

fn bad(path: &str, what: &str, got: &Value) -> ConfigError {
    crate::config::bad(&format!("magicLink({{ {path} }})"), what, got)
}

/// `value || default` for a positive number of seconds or requests (JavaScript truthiness: 0,
/// `false`, `null` and `NaN` give the default).
pub(crate) fn number_or(o: &Map<String, Value>, key: &str, default: f64, path: &str, bad: fn(&str, &str, &Value) -> ConfigError) -> Result<f64, ConfigError> {
    match o.get(key) {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(default),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f == 0.0 => Ok(default),
            Some(f) if f > 0.0 && f.is_finite() => Ok(f),
            _ => Err(bad(path, "a positive number", &Value::Number(n.clone()))),
        },
        Some(other) => Err(bad(path, "a positive number", other)),
    }
}

/// `rateLimit: { window, max }` of a plugin's options (each `|| default`).
pub(crate) fn rate_limit(o: &Map<String, Value>, window: u64, max: u64, bad: fn(&str, &str, &Value) -> ConfigError) -> Result<Rule, ConfigError> {
    match o.get("rateLimit") {
        None | Some(Value::Null) => Ok(Rule { window, max }),
        Some(Value::Object(r)) => Ok(Rule {
            window: number_or(r, "window", window as f64, "rateLimit.window", bad)?.ceil() as u64,
            max: number_or(r, "max", max as f64, "rateLimit.max", bad)?.ceil() as u64,
        }),
        Some(other) => Err(bad("rateLimit", "an object { window, max }", other)),
    }
}

fn parse(listed: Option<&Value>, _all: &Value) -> Result<Option<Arc<dyn Plugin>>, ConfigError> {
    let Some(opts) = listed else { return Ok(None) };
    let empty = Map::new();
    let o = match opts {
        Value::Object(o) => o,
        Value::Null => &empty,
        other => return Err(bad("options", "an object", other)),
    };
    let store_token = match o.get("storeToken") {
        None | Some(Value::Null) => StoreToken::Plain,
        Some(Value::String(s)) if s == "plain" => StoreToken::Plain,
        Some(Value::String(s)) if s == "hashed" => StoreToken::Hashed,
        // the `hash` function itself travels as the `magicLink.storeToken.hash` callback
        Some(Value::Object(m)) if m.get("type").and_then(Value::as_str) == Some("custom-hasher") => StoreToken::Custom,
        // anything else would be stored in plain text while the app asked for something else
        Some(other) => return Err(bad("storeToken", "\"plain\", \"hashed\" or { type: \"custom-hasher\", hash }", other)),
    };
    let disable_sign_up = match o.get("disableSignUp") {
        None | Some(Value::Null) => false,
        Some(v) => crate::origin::truthy(v),
    };
    Ok(Some(Arc::new(MagicLinkPlugin {
        expires_in_ms: (number_or(o, "expiresIn", 300.0, "expiresIn", bad)? * 1000.0) as i64,
        disable_sign_up,
        store_token,
        rate_limit: rate_limit(o, 60, 5, bad)?,
    })))
}

/// base64url without padding of SHA-256 (Better Auth's `defaultKeyHasher`, shared by the magic
/// link and email OTP plugins).
pub fn default_key_hasher(value: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(value.as_bytes()))
}

impl MagicLinkPlugin {
    /// The form of `token` kept in the identifier.
    pub async fn stored_token(&self, call: &Call<'_>, token: &str) -> AuthResult<String> {
        match self.store_token {
            StoreToken::Plain => Ok(token.to_string()),
            StoreToken::Hashed => Ok(default_key_hasher(token)),
            StoreToken::Custom => match call.ctx.callbacks.call(HASH, Value::Array(vec![Value::String(token.to_string())])).await? {
                Some(v) => js_string(&v).ok_or_else(|| AuthError::internal("magicLink storeToken.hash must return a string")),
                None => Err(AuthError::internal("magicLink storeToken.hash is not a function")),
            },
        }
    }
}

/// `String(v)` for the values a callback may return as a token.
pub(crate) fn js_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[async_trait::async_trait]
impl Plugin for MagicLinkPlugin {
    fn id(&self) -> &'static str {
        PLUGIN.id
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn rate_limit_rule(&self, path: &str) -> Option<Rule> {
        (path.starts_with("/sign-in/magic-link") || path.starts_with("/magic-link/verify")).then_some(self.rate_limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn opts(v: Value) -> Result<MagicLinkPlugin, ConfigError> {
        let p = parse(Some(&v), &json!({}))?.expect("on");
        Ok(p.as_any().downcast_ref::<MagicLinkPlugin>().expect("type").clone())
    }

    #[test]
    fn defaults_are_better_auths() {
        let p = opts(json!({})).unwrap();
        assert_eq!(p.expires_in_ms, 300_000);
        assert!(!p.disable_sign_up);
        assert_eq!(p.store_token, StoreToken::Plain);
        assert_eq!(p.rate_limit, Rule { window: 60, max: 5 });
        assert!(parse(None, &json!({})).unwrap().is_none());
    }

    #[test]
    fn options_are_read_with_javascript_falsiness() {
        let p = opts(json!({ "expiresIn": 0, "disableSignUp": true, "storeToken": "hashed", "rateLimit": { "window": 0, "max": 2 } })).unwrap();
        assert_eq!(p.expires_in_ms, 300_000);
        assert!(p.disable_sign_up);
        assert_eq!(p.store_token, StoreToken::Hashed);
        assert_eq!(p.rate_limit, Rule { window: 60, max: 2 });
        assert_eq!(opts(json!({ "storeToken": { "type": "custom-hasher" } })).unwrap().store_token, StoreToken::Custom);
        assert_eq!(opts(json!({ "expiresIn": 60 })).unwrap().expires_in_ms, 60_000);
        assert_eq!(opts(json!({ "expiresIn": 0.5 })).unwrap().expires_in_ms, 500);
    }

    #[test]
    fn unknown_storage_is_refused_not_stored_plain() {
        for v in [json!({ "storeToken": "encrypted" }), json!({ "storeToken": { "type": "other" } }), json!({ "storeToken": 1 }), json!({ "expiresIn": "5" }), json!({ "rateLimit": 3 }), json!(3)] {
            assert!(opts(v.clone()).is_err(), "{v}");
        }
    }

    #[test]
    fn hashed_tokens_are_base64url_sha256() {
        // Better Auth's defaultKeyHasher("abc")
        assert_eq!(default_key_hasher("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    }

    #[test]
    fn rate_limit_rule_covers_both_paths() {
        let p = opts(json!({ "rateLimit": { "window": 30, "max": 9 } })).unwrap();
        let r = Some(Rule { window: 30, max: 9 });
        assert_eq!(p.rate_limit_rule("/sign-in/magic-link"), r);
        assert_eq!(p.rate_limit_rule("/magic-link/verify"), r);
        assert_eq!(p.rate_limit_rule("/sign-in/email"), None);
    }
}
