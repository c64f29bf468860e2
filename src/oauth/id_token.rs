//! ID-token verification for providers with a key set (spec §5.8, `verifyIdToken`): signature
//! against the provider's JWKS (fetched through [`super::fetch`], cached per URL for 5
//! minutes), `iss`, `aud` (any client id), `exp`/`iat` present, 30 s clock tolerance, the
//! discovery's algorithms, and the nonce when one is expected. Any failure is `false`.
use super::provider::{ClaimsRule, ProviderSpec};
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

/// True when `token` is a valid ID token of provider `p` (and carries `nonce` when given):
/// the app's `verifyIdToken` when it has one, else the provider's key set and rules
/// (`verifyProviderIdToken`). `disableIdTokenSignIn` and any failure are `false`.
pub async fn verify(ctx: &AuthContext, p: &ProviderSpec, token: &str, nonce: Option<&str>) -> bool {
    if p.disable_id_token_sign_in {
        return false;
    }
    if let Some(cb) = p.verify_id_token_callback.as_deref() {
        let args = serde_json::json!([token, nonce]);
        return match ctx.callbacks.call(cb, args).await {
            Ok(Some(v)) => crate::origin::truthy(&v),
            _ => false,
        };
    }
    let Some(cfg) = p.id_token.as_ref() else { return false };
    if token.split('.').count() != 3 {
        return false;
    }
    let audience: Vec<&str> = if cfg.audiences.is_empty() { p.client_ids.iter() } else { cfg.audiences.iter() }.map(String::as_str).filter(|s| !s.is_empty()).collect();
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
    v.leeway = LEEWAY_SECS;
    if !cfg.issuers.is_empty() {
        v.set_issuer(&cfg.issuers);
    }
    v.set_audience(&audience);
    v.set_required_spec_claims(&["iss", "sub", "aud", "exp"]);
    let Ok(data) = jsonwebtoken::decode::<Value>(token, &key, &v) else { return false };
    let Some(iat) = data.claims.get("iat").and_then(Value::as_f64) else { return false };
    if let Some(max) = cfg.max_age_secs {
        let now = ctx.now() as f64 / 1000.0;
        if iat + (max as f64) + (LEEWAY_SECS as f64) < now || iat > now + LEEWAY_SECS as f64 {
            return false;
        }
    }
    if let Some(n) = nonce.filter(|n| !n.is_empty()) {
        let claim = data.claims.get("nonce").and_then(Value::as_str);
        let ok = claim == Some(n) || (cfg.nonce_sha256 && claim == Some(sha256_hex(n).as_str()));
        if !ok {
            return false;
        }
    }
    claims_allowed(&cfg.claims, &data.claims)
}

/// Clock tolerance on `exp`, `nbf` and `iat` (Better Auth's 30 s).
const LEEWAY_SECS: u64 = 30;

/// The consumer (personal account) tenant of Microsoft.
const MICROSOFT_CONSUMER_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Google's `hd` rule: nothing configured allows all; `"*"` any non-empty `hd`.
pub fn hosted_domain_allowed(configured: Option<&str>, claim: Option<&Value>) -> bool {
    let Some(conf) = configured.filter(|c| !c.is_empty()) else { return true };
    let Some(hd) = claim.and_then(Value::as_str).filter(|h| !h.is_empty()) else { return false };
    conf == "*" || hd == conf
}

/// A provider's `verifyClaims`.
pub fn claims_allowed(rule: &ClaimsRule, claims: &Value) -> bool {
    match rule {
        ClaimsRule::None => true,
        ClaimsRule::HostedDomain(hd) => hosted_domain_allowed(Some(hd), claims.get("hd")),
        ClaimsRule::MicrosoftTenant { authority, tenant } => {
            let Some(tid) = claims.get("tid").and_then(Value::as_str) else { return false };
            if claims.get("iss").and_then(Value::as_str) != Some(format!("{authority}/{tid}/v2.0").as_str()) {
                return false;
            }
            match tenant.as_str() {
                "organizations" => tid != MICROSOFT_CONSUMER_TENANT,
                "consumers" => tid == MICROSOFT_CONSUMER_TENANT,
                _ => true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claim_rules() {
        assert!(hosted_domain_allowed(None, None));
        assert!(!hosted_domain_allowed(Some("a.com"), None));
        assert!(hosted_domain_allowed(Some("*"), Some(&json!("b.com"))));
        assert!(!hosted_domain_allowed(Some("a.com"), Some(&json!("b.com"))));
        let ms = |t: &str| ClaimsRule::MicrosoftTenant { authority: "https://login.microsoftonline.com".into(), tenant: t.into() };
        let personal = json!({"tid": MICROSOFT_CONSUMER_TENANT, "iss": format!("https://login.microsoftonline.com/{MICROSOFT_CONSUMER_TENANT}/v2.0")});
        let work = json!({"tid": "t1", "iss": "https://login.microsoftonline.com/t1/v2.0"});
        assert!(claims_allowed(&ms("common"), &personal));
        assert!(!claims_allowed(&ms("organizations"), &personal));
        assert!(claims_allowed(&ms("organizations"), &work));
        assert!(!claims_allowed(&ms("consumers"), &work));
        assert!(!claims_allowed(&ms("common"), &json!({"tid": "t1", "iss": "https://evil/t1/v2.0"})));
    }

    #[test]
    fn apple_nonce_hash() {
        // node -e "console.log(crypto.createHash('sha256').update('abc').digest('hex'))"
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
