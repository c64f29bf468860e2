//! Apple (spec §5.5): `response_type=code id_token`, `form_post`, PKCE; the profile is the
//! decoded `id_token` with the name from the callback's `user` (first consent only); ID-token
//! sign-in against Apple's key set, the nonce raw or SHA-256 hex.
use super::SocialOptions;
use crate::oauth::flow::{Tokens, decode_claims};
use crate::oauth::parse_string_boolean;
use crate::oauth::provider::{IdTokenConfig, Kind, ProviderSpec};
use serde_json::{Map, Value};

/// Apple's own options.
pub const KEYS: &[&str] = &["audience", "appBundleIdentifier"];

/// The provider.
pub fn spec(o: &SocialOptions) -> ProviderSpec {
    let mut p = o.base(Kind::Apple);
    p.default_scopes = o.defaults(&["email", "name"]);
    p.authorization_url = Some("https://appleid.apple.com/auth/authorize".into());
    p.token_url = Some("https://appleid.apple.com/auth/token".into());
    p.requires_client_secret = true;
    p.response_type = Some("code id_token".into());
    p.response_mode = Some("form_post".into());
    let audiences: Vec<String> = match o.raw.get("audience") {
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        Some(Value::Array(a)) if !a.is_empty() => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => o.str("appBundleIdentifier").map(|b| vec![b]).unwrap_or_default(),
    };
    p.id_token = Some(IdTokenConfig {
        jwks_url: "https://appleid.apple.com/auth/keys".into(),
        issuers: vec!["https://appleid.apple.com".into()],
        algorithms: vec!["RS256".into()],
        audiences,
        max_age_secs: Some(3600),
        nonce_sha256: true,
        ..Default::default()
    });
    p
}

/// The decoded `id_token` (none: no user) with `name`.
pub fn profile(tokens: &Tokens) -> Option<(Map<String, Value>, Value)> {
    let mut claims = decode_claims(tokens.id_token.as_deref()?)?;
    let given = tokens.user.as_ref().and_then(|u| u.get("name")).filter(|n| crate::origin::truthy(n));
    let name = match given {
        Some(n) => {
            let part = |k: &str| match n.get(k) {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                _ => String::new(),
            };
            format!("{} {}", part("firstName"), part("lastName")).trim().to_string()
        }
        None => match claims.get("name") {
            Some(v) if crate::origin::truthy(v) => v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()),
            _ => String::new(),
        },
    };
    claims.insert("name".into(), Value::String(name.clone()));
    let verified = parse_string_boolean(claims.get("email_verified")).unwrap_or(false);
    let mut user = Map::new();
    user.insert("name".into(), Value::String(name));
    user.insert("emailVerified".into(), Value::Bool(verified));
    if let Some(e) = claims.get("email").filter(|e| !e.is_null()) {
        user.insert("email".into(), e.clone());
    }
    Some((user, Value::Object(claims)))
}
