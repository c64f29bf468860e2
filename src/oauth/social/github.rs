//! GitHub (spec §5.2): PKCE; a token answer with `error` is a failed exchange; the profile is
//! `/user` plus `/user/emails` (the primary address when the profile has none, and its
//! `verified` flag). No ID tokens.
use super::{SocialOptions, bearer, user_of};
use crate::context::AuthContext;
use crate::error::AuthResult;
use crate::oauth::fetch;
use crate::oauth::flow::Tokens;
use crate::oauth::provider::{Kind, ProviderSpec};
use serde_json::{Map, Value};

/// The provider.
pub fn spec(o: &SocialOptions) -> ProviderSpec {
    let mut p = o.base(Kind::Github);
    p.default_scopes = o.defaults(&["read:user", "user:email"]);
    p.authorization_url = Some("https://github.com/login/oauth/authorize".into());
    p.token_url = Some("https://github.com/login/oauth/access_token".into());
    p
}

/// `/user` and `/user/emails`.
pub async fn profile(ctx: &AuthContext, tokens: &Tokens) -> AuthResult<Option<(Map<String, Value>, Value)>> {
    let mut headers = vec![("user-agent".to_string(), "better-auth".to_string())];
    headers.extend(bearer(tokens));
    let Some(Value::Object(mut profile)) = fetch::get_json(ctx, "https://api.github.com/user", &headers).await? else { return Ok(None) };
    let emails = match fetch::send(ctx, "GET", "https://api.github.com/user/emails", &headers, None).await? {
        r if r.ok() => r.json().and_then(|v| v.as_array().cloned()),
        _ => None,
    };
    let truthy = |v: Option<&Value>| v.is_some_and(crate::origin::truthy);
    if !truthy(profile.get("email"))
        && let Some(list) = emails.as_ref()
    {
        let chosen = list.iter().find(|e| truthy(e.get("primary"))).or(list.first());
        match chosen.and_then(|e| e.get("email")) {
            Some(e) => profile.insert("email".into(), e.clone()),
            None => profile.shift_remove("email"),
        };
    }
    let email = profile.get("email").cloned();
    let verified = emails
        .as_ref()
        .and_then(|l| l.iter().find(|e| email.is_some() && e.get("email") == email.as_ref()))
        .and_then(|e| e.get("verified").cloned())
        .filter(|v| !v.is_null())
        .unwrap_or(Value::Bool(false));
    let name = [profile.get("name"), profile.get("login")].into_iter().flatten().find(|v| crate::origin::truthy(v)).cloned().unwrap_or(Value::String(String::new()));
    let user = user_of(Some(name), email, profile.get("avatar_url").cloned(), verified);
    Ok(Some((user, Value::Object(profile))))
}
