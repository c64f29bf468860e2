//! Better Auth's `genericOAuth()` plugin (plugin id `generic-oauth`, spec §5.7): any OAuth 2.0 /
//! OpenID Connect provider, from a discovery document or explicit URLs, served through the core
//! social endpoints (`/sign-in/social`, `/callback/:id`); 1.7 has no endpoints of its own.
//!
//! - here: the options of each `config[]` entry and registration;
//! - [`discovery`]: the discovery document (fetched on first use, retried while it fails).
use super::{Descriptor, Plugin};
use crate::config::ConfigError;
use crate::context::AuthContext;
use crate::error::AuthResult;
use crate::oauth::provider::{ClientAuth, IdTokenConfig, OAuthProvider, ProviderSpec};
use serde_json::{Map, Value};
use std::sync::Arc;

pub mod discovery;

/// The registration (see `src/plugins/mod.rs`).
pub static PLUGIN: Descriptor = Descriptor {
    id: "generic-oauth",
    parse,
    endpoints: &[],
    callbacks: &[
        (GET_USER_INFO, "config.*.getUserInfo"),
        (MAP_PROFILE, "config.*.mapProfileToUser"),
        ("generic-oauth.config.*.getToken", "config.*.getToken"),
        ("generic-oauth.config.*.accountSubject", "config.*.accountSubject"),
        ("generic-oauth.config.*.refreshTokenParams", "config.*.refreshTokenParams"),
    ],
};

/// `getUserInfo(tokens)` of config `*` (the JS layer names it with the index).
pub const GET_USER_INFO: &str = "generic-oauth.config.*.getUserInfo";
/// `mapProfileToUser(profile)` of config `*`.
pub const MAP_PROFILE: &str = "generic-oauth.config.*.mapProfileToUser";

fn bad(path: &str, what: &str, got: &Value) -> ConfigError {
    crate::config::bad(&format!("genericOAuth({{ {path} }})"), what, got)
}

/// One `config[]` entry, resolved (URLs from discovery come later).
#[derive(Clone)]
pub struct GenericConfig {
    /// Position in `config` (names its JS callbacks).
    pub index: usize,
    /// `providerId`.
    pub provider_id: String,
    /// `clientId` (a string or an array).
    pub client_ids: Vec<String>,
    /// `clientSecret`.
    pub client_secret: Option<String>,
    /// `discoveryUrl`.
    pub discovery_url: Option<String>,
    /// `discoveryHeaders`.
    pub discovery_headers: Vec<(String, String)>,
    /// `authorizationUrl`.
    pub authorization_url: Option<String>,
    /// `tokenUrl`.
    pub token_url: Option<String>,
    /// `userInfoUrl`.
    pub userinfo_url: Option<String>,
    /// `scopes`.
    pub scopes: Vec<String>,
    /// `redirectURI`.
    pub redirect_uri: Option<String>,
    /// `pkce` (default true).
    pub pkce: bool,
    /// `authentication` (`"post"` default, `"basic"`).
    pub client_auth: ClientAuth,
    /// `prompt`, `accessType`, `responseType`, `responseMode`.
    pub prompt: Option<String>,
    /// `accessType`.
    pub access_type: Option<String>,
    /// `responseType`.
    pub response_type: Option<String>,
    /// `responseMode`.
    pub response_mode: Option<String>,
    /// `authorizationUrlParams`.
    pub authorization_url_params: Vec<(String, String)>,
    /// `tokenUrlParams`.
    pub token_url_params: Vec<(String, String)>,
    /// `refreshTokenParams` (the object form; a function is refused).
    pub refresh_token_params: Vec<(String, String)>,
    /// `authorizationHeaders`.
    pub authorization_headers: Vec<(String, String)>,
    /// `accessTokenExpiresIn`.
    pub access_token_expires_in: Option<i64>,
    /// `disableImplicitSignUp`.
    pub disable_implicit_sign_up: bool,
    /// `disableSignUp`.
    pub disable_sign_up: bool,
    /// `overrideUserInfo`.
    pub override_user_info: bool,
    /// `requireEmailVerification`.
    pub require_email_verification: bool,
    /// `disableIdTokenNonceBinding`.
    pub disable_id_token_nonce_binding: bool,
    /// `requireIdTokenVerification`.
    pub require_id_token_verification: bool,
    /// `endSessionEndpoint`.
    pub end_session_endpoint: Option<String>,
    /// `postLogoutRedirectURI`.
    pub post_logout_redirect_uri: Option<String>,
    /// `disableProviderLogout`.
    pub disable_provider_logout: bool,
}

impl std::fmt::Debug for GenericConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GenericConfig").field("provider_id", &self.provider_id).finish_non_exhaustive()
    }
}

fn opt_string(o: &Map<String, Value>, k: &str, path: &str) -> Result<Option<String>, ConfigError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(bad(&format!("{path}.{k}"), "a string", other)),
    }
}

fn opt_flag(o: &Map<String, Value>, k: &str, default: bool, path: &str) -> Result<bool, ConfigError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(bad(&format!("{path}.{k}"), "a boolean", other)),
    }
}

fn string_map(o: &Map<String, Value>, k: &str, path: &str) -> Result<Vec<(String, String)>, ConfigError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => Ok(m
            .iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k.clone(), s.clone())),
                Value::Number(n) => Some((k.clone(), n.to_string())),
                Value::Bool(b) => Some((k.clone(), b.to_string())),
                _ => None,
            })
            .collect()),
        Some(other) => Err(bad(&format!("{path}.{k}"), "an object of strings", other)),
    }
}

fn parse_entry(index: usize, v: &Value) -> Result<GenericConfig, ConfigError> {
    let path = format!("config[{index}]");
    let Value::Object(o) = v else { return Err(bad(&path, "an object", v)) };
    let provider_id = opt_string(o, "providerId", &path)?.filter(|s| !s.is_empty()).ok_or_else(|| bad(&format!("{path}.providerId"), "a string", o.get("providerId").unwrap_or(&Value::Null)))?;
    let client_ids = match o.get("clientId") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        other => return Err(bad(&format!("{path}.clientId"), "a string or an array of strings", other.unwrap_or(&Value::Null))),
    };
    let scopes = match o.get("scopes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(other) => return Err(bad(&format!("{path}.scopes"), "an array of strings", other)),
    };
    let client_secret = opt_string(o, "clientSecret", &path)?.filter(|s| !s.is_empty());
    let client_auth = match opt_string(o, "authentication", &path)?.as_deref() {
        None | Some("post") => ClientAuth::Post,
        Some("basic") => ClientAuth::Basic,
        Some(other) => return Err(bad(&format!("{path}.authentication"), "\"post\" or \"basic\"", &Value::String(other.into()))),
    };
    if client_auth == ClientAuth::Basic && client_secret.is_none() {
        return Err(ConfigError(format!("Provider \"{provider_id}\": authentication \"basic\" requires clientSecret")));
    }
    // options this version does not serve: refuse rather than ignore
    for k in ["tokenEndpointAuth", "allowIdpInitiated", "clientAssertion"] {
        if o.get(k).is_some_and(|v| !v.is_null() && v != &Value::Bool(false)) {
            return Err(ConfigError(format!(
                "better-auth-rs does not serve genericOAuth's `{k}` yet (provider \"{provider_id}\"); remove it, or keep better-auth for now"
            )));
        }
    }
    let access_token_expires_in = match o.get("accessTokenExpiresIn") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_f64().map(|f| f as i64),
        Some(other) => return Err(bad(&format!("{path}.accessTokenExpiresIn"), "a number of seconds", other)),
    };
    let c = GenericConfig {
        index,
        provider_id,
        client_ids,
        client_secret,
        discovery_url: opt_string(o, "discoveryUrl", &path)?.filter(|s| !s.is_empty()),
        discovery_headers: string_map(o, "discoveryHeaders", &path)?,
        authorization_url: opt_string(o, "authorizationUrl", &path)?.filter(|s| !s.is_empty()),
        token_url: opt_string(o, "tokenUrl", &path)?.filter(|s| !s.is_empty()),
        userinfo_url: opt_string(o, "userInfoUrl", &path)?.filter(|s| !s.is_empty()),
        scopes,
        redirect_uri: opt_string(o, "redirectURI", &path)?.filter(|s| !s.is_empty()),
        pkce: opt_flag(o, "pkce", true, &path)?,
        client_auth,
        prompt: opt_string(o, "prompt", &path)?,
        access_type: opt_string(o, "accessType", &path)?,
        response_type: opt_string(o, "responseType", &path)?,
        response_mode: opt_string(o, "responseMode", &path)?,
        authorization_url_params: string_map(o, "authorizationUrlParams", &path)?,
        token_url_params: string_map(o, "tokenUrlParams", &path)?,
        refresh_token_params: string_map(o, "refreshTokenParams", &path)?,
        authorization_headers: string_map(o, "authorizationHeaders", &path)?,
        access_token_expires_in,
        disable_implicit_sign_up: opt_flag(o, "disableImplicitSignUp", false, &path)?,
        disable_sign_up: opt_flag(o, "disableSignUp", false, &path)?,
        override_user_info: opt_flag(o, "overrideUserInfo", false, &path)?,
        require_email_verification: opt_flag(o, "requireEmailVerification", false, &path)?,
        disable_id_token_nonce_binding: opt_flag(o, "disableIdTokenNonceBinding", false, &path)?,
        require_id_token_verification: opt_flag(o, "requireIdTokenVerification", false, &path)?,
        end_session_endpoint: opt_string(o, "endSessionEndpoint", &path)?.filter(|s| !s.is_empty()),
        post_logout_redirect_uri: opt_string(o, "postLogoutRedirectURI", &path)?.filter(|s| !s.is_empty()),
        disable_provider_logout: opt_flag(o, "disableProviderLogout", false, &path)?,
    };
    if c.require_id_token_verification && c.discovery_url.is_none() {
        return Err(ConfigError(format!(
            "Provider \"{}\": requires verified ID tokens, but discovery did not provide a usable issuer and jwks_uri.",
            c.provider_id
        )));
    }
    Ok(c)
}

/// One generic provider: its config and, with `discoveryUrl`, the discovery document once read.
pub struct GenericProvider {
    config: GenericConfig,
    discovered: tokio::sync::Mutex<Option<Arc<discovery::Discovered>>>,
}

impl GenericProvider {
    fn spec(&self, ctx: &AuthContext, d: Option<&discovery::Discovered>) -> ProviderSpec {
        let c = &self.config;
        let cb = |name: &str| {
            let n = name.replace('*', &c.index.to_string());
            ctx.callbacks.has(&n).then_some(n)
        };
        let id_token = d.and_then(|d| {
            Some(IdTokenConfig { jwks_url: d.jwks_url.clone()?, issuers: vec![d.issuer.clone()?], algorithms: if d.is_oidc { d.signing_algs.clone() } else { Vec::new() }, ..Default::default() })
        });
        ProviderSpec {
            id: c.provider_id.clone(),
            client_ids: c.client_ids.clone(),
            client_secret: c.client_secret.clone(),
            authorization_url: c.authorization_url.clone().or_else(|| d.and_then(|d| d.authorization_endpoint.clone())),
            token_url: c.token_url.clone().or_else(|| d.and_then(|d| d.token_endpoint.clone())),
            userinfo_url: c.userinfo_url.clone().or_else(|| d.and_then(|d| d.userinfo_endpoint.clone())),
            issuer: d.and_then(|d| d.issuer.clone()),
            is_oidc: d.is_some_and(|d| d.is_oidc),
            requires_id_token_nonce: id_token.is_some() && !c.disable_id_token_nonce_binding,
            id_token,
            scopes: c.scopes.clone(),
            pkce: c.pkce,
            client_auth: c.client_auth,
            prompt: c.prompt.clone(),
            access_type: c.access_type.clone(),
            response_type: c.response_type.clone(),
            response_mode: c.response_mode.clone(),
            authorization_url_params: c.authorization_url_params.clone(),
            token_url_params: c.token_url_params.clone(),
            refresh_token_params: c.refresh_token_params.clone(),
            authorization_headers: c.authorization_headers.clone(),
            redirect_uri: c.redirect_uri.clone(),
            access_token_expires_in: c.access_token_expires_in,
            disable_implicit_sign_up: c.disable_implicit_sign_up,
            disable_sign_up: c.disable_sign_up,
            override_user_info: c.override_user_info,
            require_email_verification: c.require_email_verification,
            get_user_info_callback: cb(GET_USER_INFO),
            map_profile_callback: cb(MAP_PROFILE),
            end_session_url: if c.disable_provider_logout { None } else { c.end_session_endpoint.clone().or_else(|| d.and_then(|d| d.end_session_endpoint.clone())) },
            post_logout_redirect_uri: c.post_logout_redirect_uri.clone(),
            ..Default::default()
        }
    }
}

#[async_trait::async_trait]
impl OAuthProvider for GenericProvider {
    fn id(&self) -> &str {
        &self.config.provider_id
    }

    async fn resolve(&self, ctx: &AuthContext) -> AuthResult<Option<Arc<ProviderSpec>>> {
        let c = &self.config;
        let Some(url) = c.discovery_url.as_deref() else { return Ok(Some(Arc::new(self.spec(ctx, None)))) };
        let mut slot = self.discovered.lock().await;
        if slot.is_none() {
            match discovery::fetch(ctx, url, &c.discovery_headers).await {
                Ok(d) => *slot = Some(Arc::new(d)),
                Err(e) => {
                    crate::log::error(&format!("Discovery fetch failed for \"{}\": {e}", c.provider_id));
                    return Ok(None);
                }
            }
        }
        let Some(d) = slot.clone() else { return Ok(None) };
        drop(slot);
        let spec = self.spec(ctx, Some(&d));
        if spec.authorization_url.is_none() || spec.token_url.is_none() {
            crate::log::error(&format!("Provider \"{}\": discovery left no usable authorization endpoint or token exchange. Provider skipped.", c.provider_id));
            return Ok(None);
        }
        if c.require_id_token_verification && spec.id_token.is_none() {
            crate::log::error(&format!("Provider \"{}\": requires verified ID tokens, but discovery did not provide a usable issuer and jwks_uri. Provider skipped.", c.provider_id));
            return Ok(None);
        }
        Ok(Some(Arc::new(spec)))
    }
}

/// The `genericOAuth()` options, resolved.
pub struct GenericOAuthPlugin {
    providers: Vec<Arc<GenericProvider>>,
}

fn parse(listed: Option<&Value>, _all: &Value) -> Result<Option<Arc<dyn Plugin>>, ConfigError> {
    let Some(opts) = listed else { return Ok(None) };
    let list = match opts.get("config") {
        Some(Value::Array(a)) => a,
        other => return Err(bad("config", "an array of provider configs", other.unwrap_or(&Value::Null))),
    };
    let mut providers = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let c = parse_entry(i, v)?;
        if seen.contains(&c.provider_id) {
            crate::log::warn(&format!("Duplicate provider IDs found: {}", c.provider_id));
        }
        seen.push(c.provider_id.clone());
        providers.push(Arc::new(GenericProvider { config: c, discovered: tokio::sync::Mutex::new(None) }));
    }
    Ok(Some(Arc::new(GenericOAuthPlugin { providers })))
}

impl Plugin for GenericOAuthPlugin {
    fn id(&self) -> &'static str {
        "generic-oauth"
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn oauth_providers(&self) -> Vec<Arc<dyn OAuthProvider>> {
        self.providers.iter().map(|p| p.clone() as Arc<dyn OAuthProvider>).collect()
    }

    fn refuse_callbacks(&self, has: &dyn Fn(&str) -> bool) -> Result<(), ConfigError> {
        let mut unserved = Vec::new();
        for p in &self.providers {
            for k in ["getToken", "accountSubject", "refreshTokenParams"] {
                if has(&format!("generic-oauth.config.{}.{k}", p.config.index)) {
                    unserved.push(format!("config[{}].{k}", p.config.index));
                }
            }
        }
        if unserved.is_empty() {
            return Ok(());
        }
        Err(ConfigError(format!("better-auth-rs does not serve these genericOAuth options yet: {}; remove them, or keep better-auth for now", unserved.join(", "))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_refuses() {
        let c = parse_entry(0, &json!({"providerId":"oidc","clientId":"a","clientSecret":"s","authentication":"basic","pkce":false})).unwrap();
        assert_eq!(c.client_auth, ClientAuth::Basic);
        assert!(!c.pkce);
        assert!(parse_entry(0, &json!({"providerId":"oidc","clientId":"a","authentication":"basic"})).is_err());
        assert!(parse_entry(0, &json!({"providerId":"oidc","clientId":"a","allowIdpInitiated":true})).is_err());
        assert!(parse_entry(0, &json!({"clientId":"a"})).is_err());
    }
}
