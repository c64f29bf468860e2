//! Better Auth's `bearer()` plugin: `Authorization: Bearer <token>` (a raw session token, or the
//! signed `token.sig` value) stands in for the session cookie, and responses that set a
//! session cookie carry it in `set-auth-token`.
//!
//! Hooks: [`Plugin::on_request`] (the header becomes the cookie, after the router's origin
//! check, as Better Auth's before-hook) and [`Plugin::on_response`] (`set-auth-token`).
use super::{Descriptor, Plugin};
use crate::config::ConfigError;
use crate::context::AuthContext;
use crate::cookies::{decode_uri_component, encode_uri_component, parse_cookie_header};
use crate::crypto::sign::{hmac_base64, sign_value};
use crate::http::{Headers, ResponseHeaders};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The registration (see `src/plugins/mod.rs`).
pub static PLUGIN: Descriptor = Descriptor { id: "bearer", parse, endpoints: &[], callbacks: &[] };

/// The `bearer()` plugin's options.
#[derive(Debug, Clone, Default)]
pub struct BearerConfig {
    /// `requireSignature`: refuse raw (unsigned) tokens.
    pub require_signature: bool,
}

fn parse(listed: Option<&Value>, _all: &Value) -> Result<Option<Arc<dyn Plugin>>, ConfigError> {
    Ok(listed.map(|o| {
        Arc::new(BearerConfig { require_signature: o.get("requireSignature").and_then(Value::as_bool).unwrap_or(false) }) as Arc<dyn Plugin>
    }))
}

impl Plugin for BearerConfig {
    fn id(&self) -> &'static str {
        PLUGIN.id
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn on_request(&self, ctx: &AuthContext, headers: &Headers) -> Option<Headers> {
        apply_with(self, ctx, headers)
    }
    fn on_response(&self, ctx: &AuthContext, out: &mut ResponseHeaders) {
        add_token_header(ctx, out);
    }
}

fn signature_ok(secret: &str, value: &str, sig: &str) -> bool {
    let expected = hmac_base64(secret, value);
    let Ok(expected_bytes) = STANDARD.decode(&expected) else { return false };
    // the plugin accepts standard (padded) and URL-safe base64 signatures
    let got = STANDARD
        .decode(sig)
        .or_else(|_| URL_SAFE_NO_PAD.decode(sig.trim_end_matches('=')))
        .unwrap_or_default();
    !got.is_empty() && bool::from(got.ct_eq(&expected_bytes))
}

/// Headers with the bearer token turned into the session cookie (the original ones when the
/// plugin is off, there is no bearer token, or its signature is wrong).
pub fn apply(ctx: &AuthContext, headers: &Headers) -> Option<Headers> {
    apply_with(ctx.config.plugins.get::<BearerConfig>()?, ctx, headers)
}

fn apply_with(plugin: &BearerConfig, ctx: &AuthContext, headers: &Headers) -> Option<Headers> {
    let auth = headers.get("authorization")?;
    // compared as bytes: a non-ASCII character in the first seven must not split a UTF-8 sequence
    let (Some(scheme), Some(rest)) = (auth.as_bytes().get(..7), auth.get(7..)) else { return None };
    if !scheme.eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    let token = rest.trim();
    if token.is_empty() {
        return None;
    }
    let signed = if token.contains('.') {
        if token.contains('%') { decode_uri_component(token).unwrap_or_else(|| token.to_string()) } else { token.to_string() }
    } else {
        if plugin.require_signature {
            return None;
        }
        sign_value(&ctx.config.secret, token)
    };
    let (value, sig) = signed.split_once('.')?;
    if !signature_ok(&ctx.config.secret, value, sig) {
        return None;
    }
    // re-sign with the padded standard signature the cookie reader expects
    let cookie_value = encode_uri_component(&sign_value(&ctx.config.secret, value));
    let name = &ctx.cookies.session_token.name;
    let mut cookie = format!("{name}={cookie_value}");
    if let Some(existing) = headers.get("cookie") {
        for (k, v) in parse_cookie_header(existing) {
            if &k != name {
                cookie.push_str(&format!("; {k}={}", encode_uri_component(&v)));
            }
        }
    }
    let mut out = Headers::new();
    for (k, v) in headers.iter() {
        if k != "cookie" {
            out.append(k, v);
        }
    }
    out.append("cookie", cookie);
    Some(out)
}

/// Adds `set-auth-token` (and exposes it to CORS) when the response sets a live session cookie.
pub fn after(ctx: &AuthContext, out: &mut ResponseHeaders) {
    if ctx.config.plugins.get::<BearerConfig>().is_some() {
        add_token_header(ctx, out);
    }
}

fn add_token_header(ctx: &AuthContext, out: &mut ResponseHeaders) {
    let prefix = format!("{}=", ctx.cookies.session_token.name);
    let token = out.0.iter().rev().find_map(|(k, v)| {
        if k != "set-cookie" || !v.starts_with(&prefix) || v.contains("Max-Age=0") {
            return None;
        }
        let raw = v[prefix.len()..].split(';').next().unwrap_or("");
        (!raw.is_empty()).then(|| decode_uri_component(raw).unwrap_or_else(|| raw.to_string()))
    });
    if let Some(t) = token {
        let mut exposed: Vec<String> = out
            .0
            .iter()
            .filter(|(k, _)| k == "access-control-expose-headers")
            .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()).collect::<Vec<_>>())
            .filter(|s| !s.is_empty())
            .collect();
        if !exposed.iter().any(|h| h.eq_ignore_ascii_case("set-auth-token")) {
            exposed.push("set-auth-token".into());
        }
        out.set("set-auth-token", t);
        out.set("access-control-expose-headers", exposed.join(", "));
    }
}
