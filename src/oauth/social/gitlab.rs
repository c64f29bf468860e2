//! GitLab (spec §5.6): endpoints under `issuer` (default gitlab.com); the profile is
//! `/api/v4/user`, refused for accounts that are not active or are locked. No ID tokens.
use super::{SocialOptions, bearer, user_of};
use crate::context::AuthContext;
use crate::error::AuthResult;
use crate::oauth::fetch;
use crate::oauth::flow::Tokens;
use crate::oauth::provider::{Kind, ProviderSpec};
use serde_json::{Map, Value};

/// GitLab's own options.
pub const KEYS: &[&str] = &["issuer"];

/// Collapses repeated slashes except the ones after `://`.
fn clean_double_slashes(s: &str) -> String {
    s.split("://")
        .map(|part| {
            let mut out = String::with_capacity(part.len());
            for c in part.chars() {
                if !(c == '/' && out.ends_with('/')) {
                    out.push(c);
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join("://")
}

/// The provider.
pub fn spec(o: &SocialOptions) -> ProviderSpec {
    let base = o.str("issuer").unwrap_or_else(|| "https://gitlab.com".into());
    let mut p = o.base(Kind::Gitlab);
    p.default_scopes = o.defaults(&["read_user"]);
    p.authorization_url = Some(clean_double_slashes(&format!("{base}/oauth/authorize")));
    p.token_url = Some(clean_double_slashes(&format!("{base}/oauth/token")));
    p.userinfo_url = Some(clean_double_slashes(&format!("{base}/api/v4/user")));
    p
}

/// `/api/v4/user` of an active, unlocked account.
pub async fn profile(ctx: &AuthContext, p: &ProviderSpec, tokens: &Tokens) -> AuthResult<Option<(Map<String, Value>, Value)>> {
    let Some(url) = p.userinfo_url.as_deref() else { return Ok(None) };
    let Some(Value::Object(profile)) = fetch::get_json(ctx, url, &bearer(tokens)).await? else { return Ok(None) };
    if profile.get("state").and_then(Value::as_str) != Some("active") || profile.get("locked").is_some_and(crate::origin::truthy) {
        return Ok(None);
    }
    let nullish = |v: Option<&Value>| v.filter(|v| !v.is_null()).cloned();
    let name = nullish(profile.get("name")).or_else(|| nullish(profile.get("username"))).unwrap_or(Value::String(String::new()));
    let verified = nullish(profile.get("email_verified")).unwrap_or(Value::Bool(false));
    let user = user_of(Some(name), profile.get("email").cloned(), profile.get("avatar_url").cloned(), verified);
    Ok(Some((user, Value::Object(profile))))
}

#[cfg(test)]
mod tests {
    #[test]
    fn endpoints_under_issuer() {
        assert_eq!(super::clean_double_slashes("http://127.0.0.1:9/gl//oauth/token"), "http://127.0.0.1:9/gl/oauth/token");
        assert_eq!(super::clean_double_slashes("https://gitlab.com/oauth/authorize"), "https://gitlab.com/oauth/authorize");
    }
}
