//! What a provider is to the flows: [`ProviderSpec`], the resolved endpoints, client
//! credentials and rules of one provider, and [`OAuthProvider`], which yields it (once
//! discovery, if any, has run). Plugins bring providers through
//! [`crate::plugins::Plugin::oauth_providers`].
use crate::context::AuthContext;
use crate::error::AuthResult;
use std::sync::Arc;

/// How the ID token is verified (discovery providers with `jwks_uri` and `issuer`; Google,
/// Apple and Microsoft with their fixed key sets).
#[derive(Debug, Clone, Default)]
pub struct IdTokenConfig {
    /// `jwks_uri`, resolved against the discovery URL.
    pub jwks_url: String,
    /// Accepted `iss` values; empty: not checked (Microsoft's multi-tenant endpoints).
    pub issuers: Vec<String>,
    /// Accepted signing algorithms (`id_token_signing_alg_values_supported`); empty: any.
    pub algorithms: Vec<String>,
    /// Accepted audiences; empty: the provider's client ids.
    pub audiences: Vec<String>,
    /// `maxTokenAge` in seconds (`iat` no older than this).
    pub max_age_secs: Option<i64>,
    /// The `nonce` claim may also be the lowercase hex SHA-256 of the nonce (Apple).
    pub nonce_sha256: bool,
    /// A provider's own claim rule (`verifyClaims`).
    pub claims: ClaimsRule,
}

/// A provider's extra check on verified ID-token claims.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ClaimsRule {
    /// None.
    #[default]
    None,
    /// Google `hd`: the token's `hd` must equal it (`"*"`: any non-empty `hd`).
    HostedDomain(String),
    /// Microsoft: `iss` must be `<authority>/<tid>/v2.0`; `organizations` refuses the consumer
    /// tenant, `consumers` requires it.
    MicrosoftTenant {
        /// `authority` without trailing slashes.
        authority: String,
        /// `tenantId` (default `common`).
        tenant: String,
    },
}

/// Which provider's own rules apply (token answer, user info, account subject).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Kind {
    /// `genericOAuth` (spec §5.7).
    #[default]
    Generic,
    /// Google: the profile is the decoded `id_token`; `hd` restricts the hosted domain.
    Google {
        /// `hd`.
        hd: Option<String>,
    },
    /// GitHub: `/user` and `/user/emails`.
    Github,
    /// Discord: `/users/@me`, avatar URL.
    Discord {
        /// `permissions`, sent when the scopes include `bot`.
        permissions: Option<String>,
    },
    /// Microsoft Entra ID: the decoded `id_token` (`oid`), the Graph photo.
    Microsoft {
        /// Photo size (`profilePhotoSize`, default 48); `None`: `disableProfilePhoto`.
        photo_size: Option<u32>,
    },
    /// Apple: the decoded `id_token` and the callback's `user` (name).
    Apple,
    /// GitLab: `/api/v4/user`, active and unlocked accounts only.
    Gitlab,
}

/// Client authentication at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the body (or `client_id` alone without a secret).
    #[default]
    Post,
    /// `Authorization: Basic` with the form-encoded id and secret; no `client_id` in the body.
    Basic,
}

/// One provider, ready for a flow.
#[derive(Clone, Default)]
pub struct ProviderSpec {
    /// `provider.id` (`providerId` of a generic config).
    pub id: String,
    /// Whose rules apply.
    pub kind: Kind,
    /// The provider's default scopes (built-ins; dropped with `disableDefaultScope`).
    pub default_scopes: Vec<String>,
    /// `display` (Google).
    pub display: Option<String>,
    /// `hd` sent in the authorization URL (Google).
    pub hd_param: Option<String>,
    /// `clientKey`: sent as `client_key` in token requests.
    pub client_key: Option<String>,
    /// The authorization URL needs a client secret too (Google, Apple): without one
    /// `/sign-in/social` fails as Better Auth's `CLIENT_ID_AND_SECRET_REQUIRED`.
    pub requires_client_secret: bool,
    /// `disableIdTokenSignIn`.
    pub disable_id_token_sign_in: bool,
    /// JS `verifyIdToken(token, nonce)` replacing the built-in verification.
    pub verify_id_token_callback: Option<String>,
    /// JS `refreshAccessToken(refreshToken)` replacing the refresh grant.
    pub refresh_callback: Option<String>,
    /// RP-initiated logout (`createEndSessionURL`): the end-session endpoint
    /// (`endSessionEndpoint` or discovery's `end_session_endpoint`, unless
    /// `disableProviderLogout`).
    pub end_session_url: Option<String>,
    /// `postLogoutRedirectURI` of the config.
    pub post_logout_redirect_uri: Option<String>,
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

impl ProviderSpec {
    /// `supportsIdTokenSignIn`: a key-set config or the app's `verifyIdToken`, and no
    /// `disableIdTokenSignIn`.
    pub fn supports_id_token_sign_in(&self) -> bool {
        !self.disable_id_token_sign_in && (self.id_token.is_some() || self.verify_id_token_callback.is_some())
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

/// The provider with this id (a built-in of `socialProviders`, else the first plugin's that
/// has it), resolved.
pub async fn find(ctx: &AuthContext, id: &str) -> AuthResult<Option<Arc<ProviderSpec>>> {
    if let Some(p) = super::social::find(ctx, id) {
        return Ok(Some(p));
    }
    for p in ctx.config.plugins.iter() {
        for provider in p.oauth_providers() {
            if provider.id() == id {
                return provider.resolve(ctx).await;
            }
        }
    }
    Ok(None)
}
