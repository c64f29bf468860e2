//! Google (spec §5.1): PKCE, `include_granted_scopes`, `hd`; the profile is the token answer's
//! decoded `id_token`; ID-token sign-in against Google's key set.
use super::{SocialOptions, user_of};
use crate::oauth::flow::{Tokens, decode_claims};
use crate::oauth::id_token::hosted_domain_allowed;
use crate::oauth::provider::{ClaimsRule, IdTokenConfig, Kind, ProviderSpec};
use serde_json::{Map, Value};

/// Google's own options.
pub const KEYS: &[&str] = &["display", "hd", "includeGrantedScopes"];

/// The provider.
pub fn spec(o: &SocialOptions) -> ProviderSpec {
    let hd = o.str("hd");
    let mut p = o.base(Kind::Google { hd: hd.clone() });
    p.default_scopes = o.defaults(&["email", "profile", "openid"]);
    p.authorization_url = Some("https://accounts.google.com/o/oauth2/v2/auth".into());
    p.token_url = Some("https://oauth2.googleapis.com/token".into());
    p.requires_client_secret = true;
    p.access_type = o.access_type.clone();
    p.display = o.str("display");
    p.hd_param = hd.clone();
    if o.raw.get("includeGrantedScopes") != Some(&Value::Bool(false)) {
        p.authorization_url_params = vec![("include_granted_scopes".into(), "true".into())];
    }
    p.id_token = Some(IdTokenConfig {
        jwks_url: "https://www.googleapis.com/oauth2/v3/certs".into(),
        issuers: vec!["https://accounts.google.com".into(), "accounts.google.com".into()],
        algorithms: vec!["RS256".into()],
        max_age_secs: Some(3600),
        claims: hd.map(ClaimsRule::HostedDomain).unwrap_or_default(),
        ..Default::default()
    });
    p
}

/// The decoded `id_token` (none: no user), refused when it does not satisfy `hd`.
pub fn profile(tokens: &Tokens, hd: Option<&str>) -> Option<(Map<String, Value>, Value)> {
    let claims = decode_claims(tokens.id_token.as_deref()?)?;
    if !hosted_domain_allowed(hd, claims.get("hd")) {
        crate::log::error(&format!(
            "Google sign-in rejected: id token hosted domain (hd) \"{}\" does not satisfy the configured \"hd\" option \"{}\".",
            claims.get("hd").and_then(Value::as_str).unwrap_or("<missing>"),
            hd.unwrap_or("")
        ));
        return None;
    }
    let user = user_of(claims.get("name").cloned(), claims.get("email").cloned(), claims.get("picture").cloned(), claims.get("email_verified").cloned().unwrap_or(Value::Null));
    Some((user, Value::Object(claims)))
}
