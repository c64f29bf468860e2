//! Social sign-in (OAuth 2.0 / OpenID Connect) as Better Auth 1.7.25 does it (spec oauth.md):
//! the providers ([`provider`]), outbound HTTP through the app's `fetch` ([`fetch`]), the OAuth
//! state ([`state`]), the token and userinfo legs ([`flow`]), ID-token verification
//! ([`id_token`]), `handleOAuthUserInfo` ([`link`]) and the endpoints `POST /sign-in/social` and
//! `GET|POST /callback/:id` ([`endpoints`]). Providers are the built-ins of `socialProviders`
//! ([`social`]) and those of plugins ([`crate::plugins::Plugin::oauth_providers`]: `genericOAuth`).
use crate::config::ConfigError;
use serde_json::Value;

pub mod account_cookie;
pub mod accounts;
pub mod endpoints;
pub mod fetch;
pub mod flow;
pub mod id_token;
pub mod link;
pub mod link_social;
pub mod provider;
pub mod social;
pub mod state;

/// The OAuth-related options (`account.*`, `onAPIError.errorURL`) after defaults.
#[derive(Debug, Clone)]
pub struct OAuthConfig {
    /// `onAPIError.errorURL`: where state errors redirect (else `<baseURL>/error`).
    pub error_url: Option<String>,
    /// `account.accountLinking.enabled` (default true).
    pub linking_enabled: bool,
    /// `account.accountLinking.trustedProviders` (an array).
    pub trusted_providers: Vec<String>,
    /// `account.accountLinking.disableImplicitLinking`.
    pub disable_implicit_linking: bool,
    /// `account.accountLinking.requireLocalEmailVerified` (default true).
    pub require_local_email_verified: bool,
    /// `account.accountLinking.updateUserInfoOnLink`.
    pub update_user_info_on_link: bool,
    /// `account.accountLinking.allowUnlinkingAll`.
    pub allow_unlinking_all: bool,
    /// `account.accountLinking.allowDifferentEmails` (explicit linking only).
    pub allow_different_emails: bool,
    /// `account.updateAccountOnSignIn` (default true).
    pub update_account_on_sign_in: bool,
    /// `account.skipStateCookieCheck`.
    pub skip_state_cookie_check: bool,
    /// `account.encryptOAuthTokens`: access and refresh tokens stored encrypted.
    pub encrypt_tokens: bool,
    /// `account.storeStateStrategy: "cookie"`: the state travels in the encrypted
    /// `oauth_state` cookie instead of a verification row.
    pub state_in_cookie: bool,
    /// `account.storeAccountCookie`: the account in the `account_data` cookie
    /// ([`account_cookie`]).
    pub store_account_cookie: bool,
    /// `socialProviders` (the built-ins served, [`social`]).
    pub social: Vec<std::sync::Arc<social::SocialOptions>>,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        Self {
            error_url: None,
            linking_enabled: true,
            trusted_providers: Vec::new(),
            disable_implicit_linking: false,
            require_local_email_verified: true,
            update_user_info_on_link: false,
            allow_unlinking_all: false,
            allow_different_emails: false,
            update_account_on_sign_in: true,
            skip_state_cookie_check: false,
            social: Vec::new(),
            encrypt_tokens: false,
            state_in_cookie: false,
            store_account_cookie: false,
        }
    }
}

fn flag(v: Option<&Value>, key: &str, default: bool) -> Result<bool, ConfigError> {
    match v {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(crate::config::bad(key, "a boolean", other)),
    }
}

impl OAuthConfig {
    /// Reads the options object.
    pub fn from_options(o: &Value) -> Result<Self, ConfigError> {
        let mut c = Self::default();
        let account = o.get("account");
        let al = account.and_then(|a| a.get("accountLinking"));
        let get = |k: &str| al.and_then(|a| a.get(k));
        c.linking_enabled = flag(get("enabled"), "account.accountLinking.enabled", true)?;
        c.disable_implicit_linking = flag(get("disableImplicitLinking"), "account.accountLinking.disableImplicitLinking", false)?;
        c.require_local_email_verified = flag(get("requireLocalEmailVerified"), "account.accountLinking.requireLocalEmailVerified", true)?;
        c.update_user_info_on_link = flag(get("updateUserInfoOnLink"), "account.accountLinking.updateUserInfoOnLink", false)?;
        c.allow_different_emails = flag(get("allowDifferentEmails"), "account.accountLinking.allowDifferentEmails", false)?;
        c.allow_unlinking_all = flag(get("allowUnlinkingAll"), "account.accountLinking.allowUnlinkingAll", false)?;
        match get("trustedProviders") {
            None | Some(Value::Null) => {}
            Some(Value::Array(a)) => c.trusted_providers = a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            Some(other) => return Err(crate::config::bad("account.accountLinking.trustedProviders", "an array of provider ids", other)),
        }
        c.update_account_on_sign_in = flag(account.and_then(|a| a.get("updateAccountOnSignIn")), "account.updateAccountOnSignIn", true)?;
        c.skip_state_cookie_check = flag(account.and_then(|a| a.get("skipStateCookieCheck")), "account.skipStateCookieCheck", false)?;
        c.social = social::from_options(o)?;
        c.state_in_cookie = match account.and_then(|a| a.get("storeStateStrategy")) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) if s == "database" => false,
            Some(Value::String(s)) if s == "cookie" => true,
            Some(other) => return Err(crate::config::bad("account.storeStateStrategy", "\"database\" or \"cookie\"", other)),
        };
        c.store_account_cookie = flag(account.and_then(|a| a.get("storeAccountCookie")), "account.storeAccountCookie", false)?;
        c.encrypt_tokens = flag(account.and_then(|a| a.get("encryptOAuthTokens")), "account.encryptOAuthTokens", false)?;
        c.error_url = o.get("onAPIError").and_then(|e| e.get("errorURL")).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
        Ok(c)
    }
}

/// `setTokenUtil`: with `account.encryptOAuthTokens`, a token as stored (Better Auth's
/// `symmetricEncrypt` with the secret: either package reads the other's rows); else as is.
pub fn seal(ctx: &crate::context::AuthContext, token: &Option<String>) -> crate::error::AuthResult<Option<String>> {
    match token {
        Some(t) if ctx.config.oauth.encrypt_tokens && !t.is_empty() => {
            Ok(Some(crate::crypto::envelope::encrypt(&crate::crypto::envelope::SecretConfig::single(ctx.config.secret.clone()), t)?))
        }
        other => Ok(other.clone()),
    }
}

/// `decryptOAuthToken`: only values that look encrypted (`$ba$…` or even-length hex) are
/// decrypted, so tokens stored before encryption was switched on keep working.
pub fn open(ctx: &crate::context::AuthContext, token: &Option<String>) -> crate::error::AuthResult<Option<String>> {
    match token {
        Some(t) if ctx.config.oauth.encrypt_tokens && looks_encrypted(t) => {
            Ok(Some(crate::crypto::envelope::decrypt(&crate::crypto::envelope::SecretConfig::single(ctx.config.secret.clone()), t)?))
        }
        other => Ok(other.clone()),
    }
}

fn looks_encrypted(t: &str) -> bool {
    t.starts_with("$ba$") || (!t.is_empty() && t.len() % 2 == 0 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An account's tokens as the provider gave them ([`open`] on access and refresh token).
pub fn open_tokens(ctx: &crate::context::AuthContext, t: &crate::store::AccountTokens) -> crate::error::AuthResult<crate::store::AccountTokens> {
    Ok(crate::store::AccountTokens { access_token: open(ctx, &t.access_token)?, refresh_token: open(ctx, &t.refresh_token)?, ..t.clone() })
}

/// RP-initiated logout at sign-out (`createEndSessionURL`): among the user's accounts whose
/// provider has an end-session endpoint, most recently updated first, the first URL built
/// (`id_token_hint`; with a post-logout URI — the request's `callbackURL` or the config's,
/// resolved against the base URL — also `post_logout_redirect_uri`, `client_id` and `state`).
pub async fn end_session_url(ctx: &crate::context::AuthContext, user_id: &str, callback_url: Option<&str>, state: Option<&str>, base_url: &str) -> Option<String> {
    let store = ctx.store().await.ok()?;
    let mut accounts = store.list_accounts(user_id).await.ok()?;
    accounts.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    let mut seen: Vec<String> = Vec::new();
    let base = url::Url::parse(&format!("{}/", base_url.trim_end_matches('/'))).ok();
    for acc in accounts {
        if seen.contains(&acc.provider_id) {
            continue;
        }
        let Ok(Some(p)) = provider::find(ctx, &acc.provider_id).await else { continue };
        let Some(endpoint) = p.end_session_url.as_deref() else { continue };
        seen.push(acc.provider_id.clone());
        let Ok(mut url) = url::Url::parse(endpoint) else { continue };
        let configured = callback_url.map(str::to_string).or_else(|| p.post_logout_redirect_uri.clone());
        let post_logout = configured.and_then(|u| match &base {
            Some(b) => b.join(&u).ok().map(|x| x.to_string()),
            None => url::Url::parse(&u).ok().map(|x| x.to_string()),
        });
        let set = |url: &mut url::Url, k: &str, v: &str| {
            let kept: Vec<(String, String)> = url.query_pairs().filter(|(n, _)| n != k).map(|(a, b)| (a.into_owned(), b.into_owned())).collect();
            let mut q = url.query_pairs_mut();
            q.clear();
            for (a, b) in kept {
                q.append_pair(&a, &b);
            }
            q.append_pair(k, v);
        };
        if let Some(idt) = acc.tokens.id_token.as_deref().filter(|t| !t.is_empty()) {
            set(&mut url, "id_token_hint", idt);
        }
        let client_id = p.client_ids.join(",");
        if let Some(pl) = post_logout {
            set(&mut url, "post_logout_redirect_uri", &pl);
            set(&mut url, "client_id", &client_id);
            if let Some(s) = state.filter(|s| !s.is_empty()) {
                set(&mut url, "state", s);
            }
        } else if acc.tokens.id_token.as_deref().is_none_or(str::is_empty) {
            set(&mut url, "client_id", &client_id);
        }
        return Some(url.to_string());
    }
    None
}

/// Better Auth's `generateRandomString` alphabet for OAuth values (`a-z`, `0-9`, `A-Z`, `-_`).
const STATE_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// `n` random characters of the OAuth alphabet (state 32, code verifier 128, nonce 32).
pub fn random_value(n: usize) -> String {
    crate::crypto::random::random_string(n, STATE_ALPHABET)
}

/// The PKCE S256 challenge: base64url (no padding) of SHA-256 of the verifier.
pub fn code_challenge(verifier: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `parseStringBoolean`: `true`/`"true"` → true, `false`/`"false"` → false, else `None`.
pub fn parse_string_boolean(v: Option<&Value>) -> Option<bool> {
    match v {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s == "true" => Some(true),
        Some(Value::String(s)) if s == "false" => Some(false),
        _ => None,
    }
}

/// URLSearchParams encoding of one component (space → `+`).
pub fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `a=1&b=2` with URLSearchParams encoding.
pub fn form_body(pairs: &[(String, String)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// Better Auth's `appendQueryParams(url, params)`: the params appended to the URL's query with
/// `&` (or after `?`); relative URLs stay relative, absolute ones are re-serialised as
/// `URL.href` does.
pub fn append_query_params(target: &str, pairs: &[(String, String)]) -> String {
    let q = form_body(pairs);
    if q.is_empty() {
        return target.to_string();
    }
    let (base, hash) = match target.find('#') {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    let base = match url::Url::parse(base) {
        Ok(u) if target.contains("://") => {
            let s = u.to_string();
            s.strip_suffix('#').map(str::to_string).unwrap_or(s)
        }
        _ => base.to_string(),
    };
    let sep = if base.contains('?') {
        if base.ends_with('?') || base.ends_with('&') { "" } else { "&" }
    } else {
        "?"
    };
    format!("{base}{sep}{q}{hash}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_node_crypto() {
        // node -e "crypto.createHash('sha256').update(v).digest('base64url')"
        assert_eq!(code_challenge("dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk"), "ngF5GsXcbwljx6u133FFr3Xht9xooA_DuaX_3QwODtc");
    }

    #[test]
    fn appends_like_better_auth() {
        let p = |a: &str, b: &str| vec![("error".to_string(), a.to_string()), ("error_description".to_string(), b.to_string())];
        assert_eq!(append_query_params("/oops?x=1", &p("access_denied", "User said no")), "/oops?x=1&error=access_denied&error_description=User+said+no");
        assert_eq!(append_query_params("http://h", &[("error".into(), "x".into())]), "http://h/?error=x");
        assert_eq!(append_query_params("/e", &[("error".into(), "x".into())]), "/e?error=x");
    }

    #[test]
    fn random_values_use_the_oauth_alphabet() {
        let v = random_value(128);
        assert_eq!(v.len(), 128);
        assert!(v.bytes().all(|b| STATE_ALPHABET.contains(&b)));
    }
}
