//! What a provider is to the flows: [`ProviderSpec`], the resolved endpoints, client
//! credentials and rules of one provider, and [`OAuthProvider`], which yields it (once
//! discovery, if any, has run). Plugins bring providers through
//! [`crate::plugins::Plugin::oauth_providers`].
use crate::context::AuthContext;
use crate::error::AuthResult;
use std::sync::Arc;

/// How the ID token is verified (discovery providers with `jwks_uri` and `issuer`).
#[derive(Debug, Clone)]
pub struct IdTokenConfig {
    /// `jwks_uri`, resolved against the discovery URL.
    pub jwks_url: String,
    /// Expected `iss`.
    pub issuer: String,
    /// Accepted signing algorithms (`id_token_signing_alg_values_supported`); empty: any.
    pub algorithms: Vec<String>,
}

/// Client authentication at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the body (or `client_id` alone without a secret).
    Post,
    /// `Authorization: Basic` with the form-encoded id and secret; no `client_id` in the body.
    Basic,
}

/// One provider, ready for a flow.
#[derive(Clone)]
pub struct ProviderSpec {
    /// `provider.id` (`providerId` of a generic config).
    pub id: String,
    /// Client ids: the first is used for requests, all are accepted ID-token audiences.
    pub client_ids: Vec<String>,
    /// Client secret.
    pub client_secret: Option<String>,
    /// Authorization endpoint.
    pub authorization_url: Option<String>,
    /// Token endpoint.
    pub token_url: Option<String>,
    /// Userinfo endpoint.
    pub userinfo_url: Option<String>,
    /// `issuer` from discovery: a callback `iss` that differs is refused.
    pub issuer: Option<String>,
    /// Discovery listed ID-token signing algorithms.
    pub is_oidc: bool,
    /// ID-token verification, when the provider has it.
    pub id_token: Option<IdTokenConfig>,
    /// A `nonce` is sent and bound to the state.
    pub requires_id_token_nonce: bool,
    /// Scopes of the config (after the request's).
    pub scopes: Vec<String>,
    /// PKCE S256.
    pub pkce: bool,
    /// Token-endpoint client authentication.
    pub client_auth: ClientAuth,
    /// `prompt`.
    pub prompt: Option<String>,
    /// `access_type`.
    pub access_type: Option<String>,
    /// `response_type` (default `code`).
    pub response_type: Option<String>,
    /// `response_mode`.
    pub response_mode: Option<String>,
    /// `authorizationUrlParams`.
    pub authorization_url_params: Vec<(String, String)>,
    /// `tokenUrlParams`.
    pub token_url_params: Vec<(String, String)>,
    /// `refreshTokenParams` (an object; sent with the refresh grant).
    pub refresh_token_params: Vec<(String, String)>,
    /// `authorizationHeaders` (sent to the token endpoint).
    pub authorization_headers: Vec<(String, String)>,
    /// `redirectURI` (replaces `<baseURL>/callback/<id>`).
    pub redirect_uri: Option<String>,
    /// `accessTokenExpiresIn` (seconds) for token answers without `expires_in`.
    pub access_token_expires_in: Option<i64>,
    /// `disableImplicitSignUp`.
    pub disable_implicit_sign_up: bool,
    /// `disableSignUp`.
    pub disable_sign_up: bool,
    /// `overrideUserInfo` (`overrideUserInfoOnSignIn`).
    pub override_user_info: bool,
    /// `requireEmailVerification`.
    pub require_email_verification: bool,
    /// JS callback replacing the profile fetch (`getUserInfo(tokens)`).
    pub get_user_info_callback: Option<String>,
    /// JS callback mapping the profile (`mapProfileToUser(profile)`).
    pub map_profile_callback: Option<String>,
}

impl std::fmt::Debug for ProviderSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderSpec").field("id", &self.id).field("authorization_url", &self.authorization_url).finish_non_exhaustive()
    }
}

/// A configured provider.
#[async_trait::async_trait]
pub trait OAuthProvider: Send + Sync {
    /// The provider id requests name.
    fn id(&self) -> &str;

    /// The provider ready for a flow; `None` while it is unusable (discovery failed: it is
    /// retried on the next request that names it, as Better Auth's pending discovery).
    async fn resolve(&self, ctx: &AuthContext) -> AuthResult<Option<Arc<ProviderSpec>>>;
}

/// The provider with this id (the first plugin's that has it), resolved.
pub async fn find(ctx: &AuthContext, id: &str) -> AuthResult<Option<Arc<ProviderSpec>>> {
    for p in ctx.config.plugins.iter() {
        for provider in p.oauth_providers() {
            if provider.id() == id {
                return provider.resolve(ctx).await;
            }
        }
    }
    Ok(None)
}
