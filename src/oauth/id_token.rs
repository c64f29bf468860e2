//! ID-token verification for providers with a key set (spec §5.8, `verifyIdToken`): signature
//! against the provider's JWKS (fetched through [`super::fetch`], cached per URL for 5
//! minutes), `iss`, `aud` (any client id), `exp`/`iat` present, 30 s clock tolerance, the
//! discovery's algorithms, and the nonce when one is expected. Any failure is `false`.
use super::provider::ProviderSpec;
use crate::context::AuthContext;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

/// How long a fetched key set is reused.
const JWKS_TTL_MS: i64 = 300_000;

type Cache = Mutex<HashMap<String, (i64, Vec<Jwk>)>>;

fn cache() -> &'static Cache {
    static C: OnceLock<Cache> = OnceLock::new();
    C.get_or_init(|| Mutex::new(HashMap::new()))
}

async fn keys(ctx: &AuthContext, url: &str, refresh: bool) -> Option<Vec<Jwk>> {
    let now = ctx.now();
    if !refresh
        && let Ok(c) = cache().lock()
        && let Some((at, k)) = c.get(url)
        && now - at < JWKS_TTL_MS
    {
        return Some(k.clone());
    }
    let set = super::fetch::get_json(ctx, url, &[]).await.ok()??;
    // one key of a type this build cannot read must not hide the others
    let keys: Vec<Jwk> = set.get("keys")?.as_array()?.iter().filter_map(|k| serde_json::from_value(k.clone()).ok()).collect();
    if let Ok(mut c) = cache().lock() {
        c.insert(url.to_string(), (now, keys.clone()));
    }
    Some(keys)
}

/// True when `token` is a valid ID token of provider `p` (and carries `nonce` when given).
pub async fn verify(ctx: &AuthContext, p: &ProviderSpec, token: &str, nonce: Option<&str>) -> bool {
    let Some(cfg) = p.id_token.as_ref() else { return false };
    let audience: Vec<&str> = p.client_ids.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
    if audience.is_empty() {
        return false;
    }
    let Ok(header) = jsonwebtoken::decode_header(token) else { return false };
    if !cfg.algorithms.is_empty() && !cfg.algorithms.iter().any(|a| Algorithm::from_str(a).ok() == Some(header.alg)) {
        return false;
    }
    if header.alg == Algorithm::HS256 || header.alg == Algorithm::HS384 || header.alg == Algorithm::HS512 {
        return false;
    }
    let pick = |keys: &[Jwk]| -> Option<Jwk> {
        match header.kid.as_deref() {
            Some(kid) => keys.iter().find(|k| k.common.key_id.as_deref() == Some(kid)).cloned(),
            None => keys.iter().find(|k| DecodingKey::from_jwk(k).is_ok() && k.is_supported()).cloned(),
        }
    };
    let mut jwk = match keys(ctx, &cfg.jwks_url, false).await {
        Some(k) => pick(&k),
        None => return false,
    };
    if jwk.is_none() {
        // a rotated key: fetch the set again once
        jwk = keys(ctx, &cfg.jwks_url, true).await.and_then(|k| pick(&k));
    }
    let Some(jwk) = jwk else { return false };
    let Ok(key) = DecodingKey::from_jwk(&jwk) else { return false };
    let mut v = Validation::new(header.alg);
    v.leeway = 30;
    v.set_issuer(&[cfg.issuer.as_str()]);
    v.set_audience(&audience);
    v.set_required_spec_claims(&["iss", "sub", "aud", "exp"]);
    let Ok(data) = jsonwebtoken::decode::<Value>(token, &key, &v) else { return false };
    if !data.claims.get("iat").is_some_and(Value::is_number) {
        return false;
    }
    if let Some(n) = nonce
        && data.claims.get("nonce").and_then(Value::as_str) != Some(n)
    {
        return false;
    }
    true
}
