//! Microsoft Entra ID (spec §5.4; id `microsoft`): endpoints under `authority`/`tenantId`; the
//! profile is the decoded `id_token` (it must carry `oid`, the account id) and the Graph photo;
//! refreshes send the scopes; ID-token sign-in against the tenant's key set.
use super::{SocialOptions, bearer, user_of};
use crate::context::AuthContext;
use crate::error::AuthResult;
use crate::oauth::flow::{Tokens, decode_claims};
use crate::oauth::provider::{ClaimsRule, IdTokenConfig, Kind, ProviderSpec};
use crate::oauth::{fetch, parse_string_boolean};
use serde_json::{Map, Value};

/// Microsoft's own options (`clientAssertion` is refused by the JS layer).
pub const KEYS: &[&str] = &["tenantId", "authority", "profilePhotoSize", "disableProfilePhoto"];

const DEFAULT_SCOPES: [&str; 5] = ["openid", "profile", "email", "User.Read", "offline_access"];

/// The provider.
pub fn spec(o: &SocialOptions) -> ProviderSpec {
    let tenant = o.str("tenantId").unwrap_or_else(|| "common".into());
    let authority = o.str("authority").unwrap_or_else(|| "https://login.microsoftonline.com".into()).trim_end_matches('/').to_string();
    let photo_size = if o.flag("disableProfilePhoto") {
        None
    } else {
        Some(o.raw.get("profilePhotoSize").and_then(Value::as_u64).filter(|s| *s > 0).map(|s| s as u32).unwrap_or(48))
    };
    let mut p = o.base(Kind::Microsoft { photo_size });
    p.default_scopes = o.defaults(&DEFAULT_SCOPES);
    p.authorization_url = Some(format!("{authority}/{tenant}/oauth2/v2.0/authorize"));
    p.token_url = Some(format!("{authority}/{tenant}/oauth2/v2.0/token"));
    let refresh_scopes: Vec<String> = p.default_scopes.iter().chain(o.scope.iter()).cloned().collect();
    p.refresh_token_params = vec![("scope".into(), refresh_scopes.join(" "))];
    let specific = !matches!(tenant.as_str(), "common" | "organizations" | "consumers");
    p.id_token = Some(IdTokenConfig {
        jwks_url: format!("{authority}/{tenant}/discovery/v2.0/keys"),
        issuers: if specific { vec![format!("{authority}/{tenant}/v2.0")] } else { Vec::new() },
        algorithms: vec!["RS256".into()],
        max_age_secs: Some(3600),
        claims: ClaimsRule::MicrosoftTenant { authority, tenant },
        ..Default::default()
    });
    p
}

/// The decoded `id_token` with a non-empty `oid`, and the photo as a data URL.
pub async fn profile(ctx: &AuthContext, tokens: &Tokens, photo_size: Option<u32>) -> AuthResult<Option<(Map<String, Value>, Value)>> {
    let Some(mut claims) = tokens.id_token.as_deref().and_then(decode_claims) else { return Ok(None) };
    if claims.get("oid").and_then(Value::as_str).is_none_or(|o| o.trim().is_empty()) {
        crate::log::error("Microsoft Entra ID token did not include a valid oid claim; unable to resolve a stable account identifier.");
        return Ok(None);
    }
    if let (Some(size), Some(_)) = (photo_size, tokens.access_token.as_deref().filter(|a| !a.is_empty())) {
        let url = format!("https://graph.microsoft.com/v1.0/me/photos/{size}x{size}/%24value");
        match fetch::get_base64(ctx, &url, &bearer(tokens)).await {
            Ok(Some(b64)) => {
                claims.insert("picture".into(), Value::String(format!("data:image/jpeg;base64, {b64}")));
            }
            Ok(None) => {}
            Err(e) => crate::log::error(&format!("Microsoft profile photo: {e}")),
        }
    }
    let email = claims.get("email").cloned();
    let verified = if claims.contains_key("email_verified") {
        parse_string_boolean(claims.get("email_verified")).unwrap_or(false)
    } else {
        let listed = |k: &str| match (claims.get(k), email.as_ref()) {
            (Some(Value::Array(a)), Some(e)) => a.contains(e),
            (Some(Value::String(s)), Some(Value::String(e))) => s.contains(e.as_str()),
            _ => false,
        };
        email.as_ref().is_some_and(crate::origin::truthy) && (listed("verified_primary_email") || listed("verified_secondary_email"))
    };
    let user = user_of(claims.get("name").cloned(), email, claims.get("picture").cloned(), Value::Bool(verified));
    Ok(Some((user, Value::Object(claims))))
}
