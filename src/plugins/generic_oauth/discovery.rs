//! The OpenID discovery document of a generic provider (`discoveryUrl`): endpoints, `issuer`,
//! `jwks_uri` (resolved against the discovery URL) and the ID-token signing algorithms.
use crate::context::AuthContext;
use crate::error::{AuthError, AuthResult};
use crate::oauth::fetch;
use serde_json::Value;

/// What discovery gave.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    /// `authorization_endpoint`.
    pub authorization_endpoint: Option<String>,
    /// `token_endpoint`.
    pub token_endpoint: Option<String>,
    /// `userinfo_endpoint`.
    pub userinfo_endpoint: Option<String>,
    /// `issuer` (a valid URL).
    pub issuer: Option<String>,
    /// `jwks_uri`, absolute.
    pub jwks_url: Option<String>,
    /// `id_token_signing_alg_values_supported` is a non-empty array.
    pub is_oidc: bool,
    /// Those algorithms.
    pub signing_algs: Vec<String>,
    /// `end_session_endpoint` (RP-initiated logout).
    pub end_session_endpoint: Option<String>,
}

const MAX_REDIRECTS: usize = 5;

/// Reads the discovery document (same-origin redirects only, at most 5).
pub async fn fetch(ctx: &AuthContext, url: &str, headers: &[(String, String)]) -> AuthResult<Discovered> {
    let origin = url::Url::parse(url).map_err(|_| AuthError::internal("invalid discoveryUrl"))?.origin();
    let mut target = url.to_string();
    let mut hops = 0;
    let r = loop {
        let r = fetch::send(ctx, "GET", &target, headers, None).await?;
        if (300..400).contains(&r.status) {
            let next = r.location.as_deref().and_then(|l| url::Url::parse(&target).ok()?.join(l).ok()).ok_or_else(|| AuthError::internal("discovery redirected without a location"))?;
            if next.origin() != origin {
                return Err(AuthError::internal("discovery redirected to another origin; set discoveryUrl to the final URL"));
            }
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err(AuthError::internal("discovery redirected too many times"));
            }
            target = next.to_string();
            continue;
        }
        break r;
    };
    if !r.ok() {
        return Err(AuthError::internal(format!("discovery answered {}", r.status)));
    }
    let Some(Value::Object(d)) = r.json() else { return Err(AuthError::internal("discovery document is not a JSON object")) };
    let s = |k: &str| d.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    let issuer = s("issuer");
    if let Some(i) = &issuer
        && url::Url::parse(i).is_err()
    {
        return Err(AuthError::internal("discovery issuer is not a URL"));
    }
    let signing_algs: Vec<String> = d.get("id_token_signing_alg_values_supported").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default();
    let jwks_url = match s("jwks_uri") {
        Some(j) => Some(url::Url::parse(url).and_then(|b| b.join(&j)).map_err(|_| AuthError::internal("invalid jwks_uri in discovery document"))?.to_string()),
        None => None,
    };
    Ok(Discovered {
        authorization_endpoint: s("authorization_endpoint"),
        token_endpoint: s("token_endpoint"),
        userinfo_endpoint: s("userinfo_endpoint"),
        issuer,
        jwks_url,
        is_oidc: !signing_algs.is_empty(),
        signing_algs,
        end_session_endpoint: s("end_session_endpoint"),
    })
}
