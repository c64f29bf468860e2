//! Better Auth's built-in social providers (`socialProviders`, spec oauth.md §1.1, §5.1–§5.6):
//! google, github, discord, microsoft, apple and gitlab, each in its own file (its endpoints,
//! default scopes and rules as a [`ProviderSpec`], and its user info). Any other provider name
//! stops the start: Better Auth knows 36, and an ignored provider is a sign-in that does not
//! work or a rule that is not applied.
//!
//! Their token, userinfo and key-set URLs are fixed, as in Better Auth; requests go out through
//! the app's `globalThis.fetch` ([`super::fetch`]), which is also how tests point them at local
//! servers (a fetch wrapper that rewrites the host), the same seam Better Auth's tests use.
use super::flow::{Tokens, UserInfo};
use super::provider::{Kind, ProviderSpec};
use crate::config::ConfigError;
use crate::context::AuthContext;
use crate::error::AuthResult;
use serde_json::{Map, Value, json};
use std::sync::Arc;

pub mod apple;
pub mod discord;
pub mod github;
pub mod gitlab;
pub mod google;
pub mod microsoft;

/// The providers served here.
pub const SERVED: [&str; 6] = ["google", "github", "discord", "microsoft", "apple", "gitlab"];

/// Better Auth 1.7's other built-in provider names (refused with a clear message).
const KNOWN: &[&str] = & [
    "atlassian", "cloudflare", "cognito", "dropbox", "facebook", "figma", "huggingface", "kakao", "kick", "line", "linear", "linkedin", "naver", "notion", "paybin",
    "paypal", "polar", "railway", "reddit", "roblox", "salesforce", "slack", "spotify", "tiktok", "twitch", "twitter", "vercel", "vk", "wechat", "zoom",
];

/// The options every built-in reads (spec §1.1) and the ones each reads of its own.
const COMMON_KEYS: [&str; 21] = [
    "clientId", "clientSecret", "scope", "disableDefaultScope", "redirectURI", "authorizationEndpoint", "clientKey", "disableIdTokenSignIn", "verifyIdToken", "getUserInfo",
    "refreshAccessToken", "mapProfileToUser", "disableImplicitSignUp", "disableSignUp", "prompt", "responseMode", "overrideUserInfoOnSignIn", "requireEmailVerification",
    "enabled", "accessType", "name",
];

/// One `socialProviders` entry, read.
#[derive(Debug, Clone, Default)]
pub struct SocialOptions {
    /// The key (= provider id).
    pub id: String,
    /// `clientId` (string or array; `[0]` is the primary).
    pub client_ids: Vec<String>,
    /// `clientSecret`.
    pub client_secret: Option<String>,
    /// `scope`.
    pub scope: Vec<String>,
    /// `disableDefaultScope`.
    pub disable_default_scope: bool,
    /// `redirectURI`.
    pub redirect_uri: Option<String>,
    /// `authorizationEndpoint`.
    pub authorization_endpoint: Option<String>,
    /// `clientKey`.
    pub client_key: Option<String>,
    /// `disableIdTokenSignIn`.
    pub disable_id_token_sign_in: bool,
    /// `disableImplicitSignUp`.
    pub disable_implicit_sign_up: bool,
    /// `disableSignUp`.
    pub disable_sign_up: bool,
    /// `prompt`.
    pub prompt: Option<String>,
    /// `overrideUserInfoOnSignIn`.
    pub override_user_info: bool,
    /// `requireEmailVerification`.
    pub require_email_verification: bool,
    /// `accessType`.
    pub access_type: Option<String>,
    /// The whole entry, for each provider's own options.
    pub raw: Map<String, Value>,
}

impl SocialOptions {
    /// A string option of the entry (`None` when unset or empty).
    pub fn str(&self, k: &str) -> Option<String> {
        self.raw.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
    }

    /// A boolean option of the entry.
    pub fn flag(&self, k: &str) -> bool {
        self.raw.get(k) == Some(&Value::Bool(true))
    }

    /// The default scopes unless `disableDefaultScope`.
    pub fn defaults(&self, scopes: &[&str]) -> Vec<String> {
        if self.disable_default_scope { Vec::new() } else { scopes.iter().map(|s| s.to_string()).collect() }
    }

    /// The spec fields every built-in shares.
    pub fn base(&self, kind: Kind) -> ProviderSpec {
        ProviderSpec {
            id: self.id.clone(),
            kind,
            client_ids: self.client_ids.clone(),
            client_secret: self.client_secret.clone(),
            client_key: self.client_key.clone(),
            scopes: self.scope.clone(),
            pkce: true,
            prompt: self.prompt.clone(),
            redirect_uri: self.redirect_uri.clone(),
            disable_implicit_sign_up: self.disable_implicit_sign_up,
            disable_sign_up: self.disable_sign_up,
            override_user_info: self.override_user_info,
            require_email_verification: self.require_email_verification,
            disable_id_token_sign_in: self.disable_id_token_sign_in,
            ..Default::default()
        }
    }
}

fn bad(path: &str, what: &str, got: &Value) -> ConfigError {
    crate::config::bad(&format!("socialProviders.{path}"), what, got)
}

fn opt_str(o: &Map<String, Value>, k: &str, path: &str) -> Result<Option<String>, ConfigError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone()).filter(|s| !s.is_empty())),
        Some(other) => Err(bad(&format!("{path}.{k}"), "a string", other)),
    }
}

fn opt_flag(o: &Map<String, Value>, k: &str, path: &str) -> Result<bool, ConfigError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(bad(&format!("{path}.{k}"), "a boolean", other)),
    }
}

fn parse_entry(id: &str, o: &Map<String, Value>) -> Result<SocialOptions, ConfigError> {
    let own: &[&str] = match id {
        "google" => google::KEYS,
        "discord" => discord::KEYS,
        "microsoft" => microsoft::KEYS,
        "apple" => apple::KEYS,
        "gitlab" => gitlab::KEYS,
        _ => &[],
    };
    for (k, v) in o {
        if v.is_null() || COMMON_KEYS.contains(&k.as_str()) || own.contains(&k.as_str()) {
            continue;
        }
        return Err(ConfigError(format!(
            "better-auth-rs does not serve socialProviders.{id}.{k}; remove it, or keep better-auth for now (a provider option that is ignored can weaken sign-in)"
        )));
    }
    let client_ids = match o.get("clientId") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(other) => return Err(bad(&format!("{id}.clientId"), "a string or an array of strings", other)),
    };
    let scope = match o.get("scope") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(other) => return Err(bad(&format!("{id}.scope"), "an array of strings", other)),
    };
    let s = SocialOptions {
        id: id.to_string(),
        client_secret: opt_str(o, "clientSecret", id)?,
        scope,
        disable_default_scope: opt_flag(o, "disableDefaultScope", id)?,
        redirect_uri: opt_str(o, "redirectURI", id)?,
        authorization_endpoint: opt_str(o, "authorizationEndpoint", id)?,
        client_key: opt_str(o, "clientKey", id)?,
        disable_id_token_sign_in: opt_flag(o, "disableIdTokenSignIn", id)?,
        disable_implicit_sign_up: opt_flag(o, "disableImplicitSignUp", id)?,
        disable_sign_up: opt_flag(o, "disableSignUp", id)?,
        prompt: opt_str(o, "prompt", id)?,
        override_user_info: opt_flag(o, "overrideUserInfoOnSignIn", id)?,
        require_email_verification: opt_flag(o, "requireEmailVerification", id)?,
        access_type: opt_str(o, "accessType", id)?,
        raw: o.clone(),
        client_ids,
    };
    if s.client_ids.first().is_none_or(String::is_empty) || s.client_secret.is_none() {
        crate::log::warn(&format!("Social provider {id} is missing clientId or clientSecret"));
    }
    Ok(s)
}

/// Reads `socialProviders` (entries that are `null` or `enabled: false` are skipped).
pub fn from_options(o: &Value) -> Result<Vec<Arc<SocialOptions>>, ConfigError> {
    let m = match o.get("socialProviders") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(m)) => m,
        Some(other) => return Err(crate::config::bad("socialProviders", "an object", other)),
    };
    let mut out = Vec::new();
    for (id, v) in m {
        let entry = match v {
            Value::Null => continue,
            Value::Object(e) => e,
            other => return Err(bad(id, "an object", other)),
        };
        if entry.get("enabled") == Some(&Value::Bool(false)) {
            continue;
        }
        if !SERVED.contains(&id.as_str()) {
            return Err(ConfigError(if KNOWN.contains(&id.as_str()) {
                format!("better-auth-rs does not serve the social provider \"{id}\" yet (served: {}); remove it, or keep better-auth for now", SERVED.join(", "))
            } else {
                format!("Unknown social provider \"{id}\": Better Auth has no built-in provider of that name (use the genericOAuth plugin for other providers)")
            }));
        }
        out.push(Arc::new(parse_entry(id, entry)?));
    }
    Ok(out)
}

/// The JS callback `socialProviders.<id>.<name>` when the app gave that function.
fn callback(ctx: &AuthContext, id: &str, name: &str) -> Option<String> {
    let n = format!("socialProviders.{id}.{name}");
    ctx.callbacks.has(&n).then_some(n)
}

/// The built-in provider with this id, ready for a flow.
pub fn find(ctx: &AuthContext, id: &str) -> Option<Arc<ProviderSpec>> {
    let o = ctx.config.oauth.social.iter().find(|s| s.id == id)?;
    let mut spec = match id {
        "google" => google::spec(o),
        "github" => github::spec(o),
        "discord" => discord::spec(o),
        "microsoft" => microsoft::spec(o),
        "apple" => apple::spec(o),
        "gitlab" => gitlab::spec(o),
        _ => return None,
    };
    if let Some(e) = o.authorization_endpoint.clone() {
        spec.authorization_url = Some(e);
    }
    spec.get_user_info_callback = callback(ctx, id, "getUserInfo");
    spec.map_profile_callback = callback(ctx, id, "mapProfileToUser");
    spec.verify_id_token_callback = callback(ctx, id, "verifyIdToken");
    spec.refresh_callback = callback(ctx, id, "refreshAccessToken");
    Some(Arc::new(spec))
}

/// A provider's `getUserInfo`: the app's function (which returns `{ user, data }` itself), or
/// the provider's profile with `mapProfileToUser` spread last.
pub async fn user_info(ctx: &AuthContext, p: &ProviderSpec, tokens: &Tokens) -> AuthResult<Option<UserInfo>> {
    if let Some(cb) = &p.get_user_info_callback {
        let r = ctx.callbacks.call(cb, json!([tokens.to_json()])).await?;
        let Some(Value::Object(r)) = r else { return Ok(None) };
        let Some(Value::Object(user)) = r.get("user") else { return Ok(None) };
        return Ok(Some(UserInfo { user: normalise(user.clone()), data: r.get("data").cloned().unwrap_or(Value::Null) }));
    }
    let profile = match &p.kind {
        Kind::Google { hd } => google::profile(tokens, hd.as_deref()),
        Kind::Github => github::profile(ctx, tokens).await?,
        Kind::Discord { .. } => discord::profile(ctx, tokens).await?,
        Kind::Microsoft { photo_size } => microsoft::profile(ctx, tokens, *photo_size).await?,
        Kind::Apple => apple::profile(tokens),
        Kind::Gitlab => gitlab::profile(ctx, p, tokens).await?,
        Kind::Generic => None,
    };
    let Some((mut user, data)) = profile else { return Ok(None) };
    if let Some(cb) = &p.map_profile_callback
        && let Some(Value::Object(m)) = ctx.callbacks.call(cb, json!([data.clone()])).await?
    {
        for (k, v) in m {
            user.insert(k, v);
        }
    }
    Ok(Some(UserInfo { user: normalise(user), data }))
}

/// The user as the core reads it: `emailVerified` a boolean (`undefined` is false), no
/// `null`/missing image.
fn normalise(mut user: Map<String, Value>) -> Map<String, Value> {
    let verified = match user.get("emailVerified") {
        Some(Value::Bool(b)) => *b,
        Some(other) => crate::origin::truthy(other),
        None => false,
    };
    user.insert("emailVerified".into(), Value::Bool(verified));
    for k in ["image", "email", "name"] {
        if user.get(k).is_some_and(Value::is_null) {
            user.shift_remove(k);
        }
    }
    user
}

/// `{name, email, image, emailVerified}` in Better Auth's key order, absent values left out.
pub fn user_of(name: Option<Value>, email: Option<Value>, image: Option<Value>, email_verified: Value) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in [("name", name), ("email", email), ("image", image)] {
        if let Some(v) = v.filter(|v| !v.is_null()) {
            m.insert(k.into(), v);
        }
    }
    m.insert("emailVerified".into(), email_verified);
    m
}

/// Bearer headers for a profile request.
pub fn bearer(tokens: &Tokens) -> Vec<(String, String)> {
    vec![("authorization".into(), format!("Bearer {}", tokens.access_token.as_deref().unwrap_or("undefined")))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_unserved_and_unknown() {
        assert!(from_options(&json!({"socialProviders":{"facebook":{"clientId":"a","clientSecret":"b"}}})).is_err());
        assert!(from_options(&json!({"socialProviders":{"myidp":{"clientId":"a"}}})).is_err());
        assert!(from_options(&json!({"socialProviders":{"github":{"clientId":"a","clientSecret":"b","tokenEndpointAuth":{"method":"x"}}}})).is_err());
        let ok = from_options(&json!({"socialProviders":{"github":{"clientId":"a","clientSecret":"b"},"google":{"enabled":false},"discord":null}})).unwrap();
        assert_eq!(ok.len(), 1);
    }
}
