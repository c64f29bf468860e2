//! Endpoints: one function per Better Auth endpoint, called the same way by the HTTP router
//! and by `auth.api.*` (one endpoint, two doors).
use crate::context::AuthContext;
use crate::error::{AuthError, AuthResult};
use crate::http::{Headers, ResponseHeaders};
use crate::json::zod_type_name;
use serde_json::{Map, Value};

pub mod account;
pub mod change_email;
pub mod db_hooks;
pub mod delete_user;
pub mod fields;
pub mod guard;
pub mod health;
pub mod hooks;
pub mod internal_adapter;
pub mod password;
pub mod session;
pub mod start_session;
pub mod users;
pub mod sign_in;
pub mod sign_out;
pub mod sign_up;
pub mod verification;
pub mod verify_email;

/// What an endpoint returns on success.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A JSON body (`null` included).
    Json(Value),
    /// An HTML page.
    Html(String),
    /// A 302 redirect.
    Redirect(String),
}

/// One call of an endpoint: the request parts it may read, and the response headers it
/// accumulates (kept on errors too).
pub struct Call<'a> {
    /// Shared context.
    pub ctx: &'a AuthContext,
    /// Request headers (cookies, IP, user agent); a before hook may replace them.
    pub headers: std::borrow::Cow<'a, Headers>,
    /// The request's own headers, before `bearer()` turned `Authorization` into a session
    /// cookie or a before hook replaced them (Better Auth's `ctx.request.headers`): what the
    /// form CSRF check reads.
    pub request_headers: &'a Headers,
    /// Parsed body (`None` when absent).
    pub body: Option<Value>,
    /// Query parameters (strings, or arrays for repeated keys).
    pub query: Map<String, Value>,
    /// True when the call carries headers (HTTP, or `auth.api` with `headers`): Better Auth's
    /// `ctx.request || ctx.headers`.
    pub headers_given: bool,
    /// True when a real request is behind the call (HTTP, or `auth.api` with `request`):
    /// request-based checks (form CSRF) run only then.
    pub has_request: bool,
    /// Origin of the base URL for this request (configured, or inferred from the request).
    pub base_origin: Option<String>,
    /// Path parameters (`/reset-password/:token`).
    pub params: Map<String, Value>,
    /// Method and URL of the request behind the call (passed to user callbacks as a `Request`).
    pub request: Option<(String, String)>,
    /// `{ session, user }` of a session this call created (`ctx.context.newSession` in hooks).
    pub new_session: Option<Value>,
    /// Response headers.
    pub out: ResponseHeaders,
    /// Origins returned by a `trustedOrigins` function for this request.
    pub dynamic_origins: Vec<String>,
    /// The endpoint's path (`/sign-up/email`) and method, once routed (`ctx.path` in hooks).
    pub endpoint: Option<(String, String)>,
    /// `{ session, user }` the session middleware found (`ctx.context.session` in hooks).
    pub session: Option<Value>,
}

impl<'a> Call<'a> {
    /// A call with no body or query.
    pub fn new(ctx: &'a AuthContext, headers: &'a Headers) -> Self {
        Self {
            ctx,
            headers: std::borrow::Cow::Borrowed(headers),
            request_headers: headers,
            body: None,
            query: Map::new(),
            has_request: false,
            headers_given: true,
            base_origin: ctx.config.base_origin.clone(),
            params: Map::new(),
            request: None,
            new_session: None,
            out: ResponseHeaders::default(),
            dynamic_origins: Vec::new(),
            endpoint: None,
            session: None,
        }
    }

    /// `<origin><basePath>`: Better Auth's `ctx.context.baseURL`, used in links it mails.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.base_origin.clone().unwrap_or_else(|| "http://localhost:3000".into()), self.ctx.config.base_path)
    }

    /// The `request` argument Better Auth passes to callbacks (`undefined` for direct API calls).
    pub fn request_arg(&self) -> Value {
        match &self.request {
            // Better Auth passes `ctx.request`, which is `undefined` for direct API calls
            None => serde_json::json!({ "__undefined": true }),
            Some((method, url)) => {
                crate::callbacks::request_arg(method, url, &self.headers)
            }
        }
    }

    /// Trusted origins for this call.
    pub fn trusted_origins(&self) -> Vec<String> {
        let mut v = self.ctx.trusted_origins(self.base_origin.as_deref());
        v.extend(self.dynamic_origins.iter().cloned());
        v
    }

    /// The origin-check settings.
    pub fn check_settings(&self) -> crate::origin::CheckSettings {
        crate::origin::CheckSettings {
            skip_csrf: self.ctx.config.disable_csrf_check,
            skip_origin: self.ctx.config.disable_origin_check,
        }
    }
}

/// An endpoint known to the router and to `auth.api`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// POST /sign-up/email
    SignUpEmail,
    /// POST /sign-in/email
    SignInEmail,
    /// POST /sign-out
    SignOut,
    /// GET /get-session
    GetSession,
    /// GET /list-sessions
    ListSessions,
    /// POST /revoke-session
    RevokeSession,
    /// POST /revoke-sessions
    RevokeSessions,
    /// POST /revoke-other-sessions
    RevokeOtherSessions,
    /// POST /update-user
    UpdateUser,
    /// POST /update-session
    UpdateSession,
    /// POST /change-password
    ChangePassword,
    /// POST /verify-password
    VerifyPassword,
    /// server-only setPassword
    SetPassword,
    /// GET /list-accounts
    ListAccounts,
    /// POST /request-password-reset
    RequestPasswordReset,
    /// GET /reset-password/:token
    RequestPasswordResetCallback,
    /// POST /reset-password
    ResetPassword,
    /// POST /send-verification-email
    SendVerificationEmail,
    /// GET /verify-email
    VerifyEmail,
    /// POST /change-email
    ChangeEmail,
    /// POST /delete-user
    DeleteUser,
    /// GET /delete-user/callback
    DeleteUserCallback,
    /// GET /ok
    Ok,
    /// GET /error
    Error,
    /// POST /sign-in/social
    SignInSocial,
    /// GET|POST /callback/:id
    OAuthCallback,
    /// POST /link-social
    LinkSocial,
    /// POST /unlink-account
    UnlinkAccount,
    /// POST /get-access-token
    GetAccessToken,
    /// POST /refresh-token
    RefreshToken,
    /// GET /account-info
    AccountInfo,
    /// An endpoint of a plugin (`src/plugins/`), served while that plugin is on.
    Plugin(&'static crate::plugins::PluginEndpoint),
}

/// The core endpoints: (endpoint, `auth.api` name, path or "" for server-only, methods, form
/// bodies allowed, `requireHeaders`). Plugins bring their own rows (`src/plugins/`).
const TABLE: &[(Endpoint, &str, &str, &[&str], bool, bool)] = &[
    (Endpoint::SignUpEmail, "signUpEmail", "/sign-up/email", &["POST"], true, false),
    (Endpoint::SignInEmail, "signInEmail", "/sign-in/email", &["POST"], true, false),
    (Endpoint::SignOut, "signOut", "/sign-out", &["POST"], false, true),
    (Endpoint::GetSession, "getSession", "/get-session", &["GET", "POST"], false, true),
    (Endpoint::ListSessions, "listSessions", "/list-sessions", &["GET"], false, true),
    (Endpoint::RevokeSession, "revokeSession", "/revoke-session", &["POST"], false, true),
    (Endpoint::RevokeSessions, "revokeSessions", "/revoke-sessions", &["POST"], false, true),
    (Endpoint::RevokeOtherSessions, "revokeOtherSessions", "/revoke-other-sessions", &["POST"], false, true),
    (Endpoint::UpdateUser, "updateUser", "/update-user", &["POST"], false, false),
    (Endpoint::UpdateSession, "updateSession", "/update-session", &["POST"], false, false),
    (Endpoint::ChangePassword, "changePassword", "/change-password", &["POST"], false, false),
    (Endpoint::VerifyPassword, "verifyPassword", "/verify-password", &["POST"], false, false),
    (Endpoint::SetPassword, "setPassword", "", &["POST"], false, false),
    (Endpoint::ListAccounts, "listUserAccounts", "/list-accounts", &["GET"], false, false),
    (Endpoint::RequestPasswordReset, "requestPasswordReset", "/request-password-reset", &["POST"], false, false),
    (Endpoint::RequestPasswordResetCallback, "requestPasswordResetCallback", "/reset-password/:token", &["GET"], false, false),
    (Endpoint::ResetPassword, "resetPassword", "/reset-password", &["POST"], false, false),
    (Endpoint::SendVerificationEmail, "sendVerificationEmail", "/send-verification-email", &["POST"], false, false),
    (Endpoint::VerifyEmail, "verifyEmail", "/verify-email", &["GET"], false, false),
    (Endpoint::ChangeEmail, "changeEmail", "/change-email", &["POST"], false, false),
    (Endpoint::DeleteUser, "deleteUser", "/delete-user", &["POST"], false, false),
    (Endpoint::DeleteUserCallback, "deleteUserCallback", "/delete-user/callback", &["GET"], false, false),
    (Endpoint::Ok, "ok", "/ok", &["GET"], false, false),
    (Endpoint::Error, "error", "/error", &["GET"], false, false),
    (Endpoint::SignInSocial, "signInSocial", "/sign-in/social", &["POST"], false, false),
    (Endpoint::OAuthCallback, "callbackOAuth", "/callback/:id", &["GET", "POST"], true, false),
    (Endpoint::LinkSocial, "linkSocialAccount", "/link-social", &["POST"], false, true),
    (Endpoint::UnlinkAccount, "unlinkAccount", "/unlink-account", &["POST"], false, false),
    (Endpoint::GetAccessToken, "getAccessToken", "/get-access-token", &["POST"], false, false),
    (Endpoint::RefreshToken, "refreshToken", "/refresh-token", &["POST"], false, false),
    (Endpoint::AccountInfo, "accountInfo", "/account-info", &["GET"], false, false),
];

type Row = (&'static str, &'static str, &'static [&'static str], bool, bool);

impl Endpoint {
    fn row(self) -> Row {
        if let Endpoint::Plugin(e) = self {
            return (e.api_name, e.path, e.methods, e.form, e.require_headers);
        }
        // every core variant has a row (checked by a unit test)
        let r = TABLE.iter().find(|r| r.0 == self).unwrap_or(&TABLE[0]);
        (r.1, r.2, r.3, r.4, r.5)
    }

    /// Every endpoint: the core ones, then each registered plugin's.
    pub fn all() -> impl Iterator<Item = Endpoint> {
        TABLE.iter().map(|r| r.0).chain(crate::plugins::endpoints().map(Endpoint::Plugin))
    }

    /// Path relative to the base path; empty for server-only endpoints (404 over HTTP).
    pub fn path(self) -> &'static str {
        self.row().1
    }

    /// The path hooks see as `ctx.path` (`/reset-password/:token` with the token filled in).
    pub fn hook_path(self, call: &Call<'_>) -> String {
        self.path()
            .replace(":token", call.params.get("token").and_then(Value::as_str).unwrap_or(":token"))
            .replace(":id", call.params.get("id").and_then(Value::as_str).unwrap_or(":id"))
    }

    /// Served by this instance (plugin endpoints only when their plugin is on).
    pub fn enabled(self, ctx: &crate::context::AuthContext) -> bool {
        match self {
            Endpoint::Plugin(e) => ctx.config.plugins.serves(e),
            _ => true,
        }
    }

    /// Matches a base-path-relative path, returning path parameters (`:name` segments).
    pub fn match_path(self, rel: &str) -> Option<Map<String, Value>> {
        let pattern = self.path();
        if pattern.is_empty() {
            return None;
        }
        if !pattern.contains(':') {
            return (pattern == rel).then(Map::new);
        }
        let (ps, rs): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), rel.split('/').collect());
        if ps.len() != rs.len() {
            return None;
        }
        let mut params = Map::new();
        for (p, r) in ps.iter().zip(rs.iter()) {
            if let Some(name) = p.strip_prefix(':') {
                if r.is_empty() {
                    return None;
                }
                let v = crate::cookies::decode_uri_component(r).unwrap_or_else(|| (*r).to_string());
                params.insert(name.to_string(), Value::String(v));
            } else if p != r {
                return None;
            }
        }
        Some(params)
    }

    /// `auth.api` name.
    pub fn api_name(self) -> &'static str {
        self.row().0
    }

    /// By `auth.api` name.
    pub fn from_api_name(name: &str) -> Option<Self> {
        Endpoint::all().find(|e| e.api_name() == name)
    }

    /// HTTP methods served.
    pub fn methods(self) -> &'static [&'static str] {
        self.row().2
    }

    /// Media types accepted for a body.
    pub fn media_types(self) -> &'static [&'static str] {
        if self.row().3 { &["application/x-www-form-urlencoded", "application/json"] } else { &["application/json"] }
    }

    /// `requireHeaders`: `auth.api` calls must pass `headers`.
    pub fn requires_headers(self) -> bool {
        self.row().4
    }

    /// Runs the endpoint between the user's `hooks.before` and `hooks.after`.
    pub async fn run(self, call: &mut Call<'_>, method: &str) -> AuthResult<Output> {
        call.endpoint = Some((self.hook_path(call), method.to_string()));
        if call.ctx.callbacks.has("hooks.before")
            && let Some(out) = hooks::before(self, call, method).await? {
                return Ok(out);
            }
        let mut result = match crate::plugins::before_endpoint(call, self.path()).await {
            Ok(()) => self.dispatch(call, method).await,
            Err(e) => Err(e),
        };
        if call.ctx.callbacks.has("hooks.after") {
            result = hooks::after(self, call, method, result).await;
        }
        if let Ok(Output::Json(body)) = &mut result {
            crate::plugins::after_endpoint(call, self.path(), body);
        }
        if let Ok(Output::Json(body)) = &mut result
            && let Err(e) = crate::plugins::after_endpoint_mut(call, self.path(), body).await
        {
            result = Err(e);
        }
        if let Ok(Output::Json(body)) = &result
            && let Err(e) = crate::plugins::after_endpoint_async(call, self.path(), body).await
        {
            result = Err(e);
        }
        result
    }

    async fn dispatch(self, call: &mut Call<'_>, method: &str) -> AuthResult<Output> {
        let json = match self {
            Endpoint::SignUpEmail => sign_up::sign_up_email(call).await?,
            Endpoint::SignInEmail => sign_in::sign_in_email(call).await?,
            Endpoint::SignOut => sign_out::sign_out(call).await?,
            Endpoint::GetSession => {
                let v = session::get_session(call, method).await?;
                crate::plugins::after_get_session(call, &v).await?;
                v
            }
            Endpoint::ListSessions => account::list_sessions(call).await?,
            Endpoint::RevokeSession => account::revoke_session(call).await?,
            Endpoint::RevokeSessions => account::revoke_sessions(call).await?,
            Endpoint::RevokeOtherSessions => account::revoke_other_sessions(call).await?,
            Endpoint::UpdateUser => account::update_user(call).await?,
            Endpoint::UpdateSession => session::update_session(call).await?,
            Endpoint::ChangePassword => account::change_password(call).await?,
            Endpoint::VerifyPassword => account::verify_password(call).await?,
            Endpoint::SetPassword => account::set_password(call).await?,
            Endpoint::ListAccounts => account::list_accounts(call).await?,
            Endpoint::RequestPasswordReset => password::request_password_reset(call).await?,
            Endpoint::RequestPasswordResetCallback => return password::reset_password_callback(call).await,
            Endpoint::ResetPassword => password::reset_password(call).await?,
            Endpoint::SendVerificationEmail => verify_email::send_verification_email_endpoint(call).await?,
            Endpoint::VerifyEmail => return verify_email::verify_email(call).await,
            Endpoint::ChangeEmail => change_email::change_email(call).await?,
            Endpoint::DeleteUser => delete_user::delete_user(call).await?,
            Endpoint::DeleteUserCallback => return delete_user::delete_user_callback(call).await,
            Endpoint::Plugin(e) => return (e.handler)(call).await,
            Endpoint::Ok => serde_json::json!({ "ok": true }),
            Endpoint::Error => return Ok(health::error_page(call)),
            Endpoint::SignInSocial => crate::oauth::endpoints::sign_in_social(call).await?,
            Endpoint::OAuthCallback => return crate::oauth::endpoints::callback(call, method).await,
            Endpoint::LinkSocial => crate::oauth::link_social::link_social(call).await?,
            Endpoint::UnlinkAccount => crate::oauth::accounts::unlink_account(call).await?,
            Endpoint::GetAccessToken => crate::oauth::accounts::get_access_token(call).await?,
            Endpoint::RefreshToken => crate::oauth::accounts::refresh_token(call).await?,
            Endpoint::AccountInfo => crate::oauth::accounts::account_info(call).await?,
        };
        Ok(Output::Json(json))
    }
}

/// Collects schema issues and reports them the way better-call + zod 4 do:
/// `[body.field] message`, joined with `; `.
#[derive(Debug, Default)]
pub struct Issues(Vec<String>);

impl Issues {
    /// Records an issue at `body.<field>` (or `body` when `field` is empty).
    pub fn push(&mut self, field: &str, message: impl AsRef<str>) {
        if field.is_empty() {
            self.0.push(format!("[body] {}", message.as_ref()));
        } else {
            self.0.push(format!("[body.{field}] {}", message.as_ref()));
        }
    }

    /// `Invalid input: expected <t>, received <got>`.
    pub fn expected(&mut self, field: &str, expected: &str, got: Option<&Value>) {
        self.push(field, format!("Invalid input: expected {expected}, received {}", zod_type_name(got)));
    }

    /// Err(400 VALIDATION_ERROR) when any issue was recorded.
    pub fn finish(self) -> AuthResult<()> {
        if self.0.is_empty() { Ok(()) } else { Err(AuthError::validation(self.0.join("; "))) }
    }
}

/// A required string field.
pub fn req_str<'v>(m: &'v Map<String, Value>, key: &str, issues: &mut Issues) -> Option<&'v str> {
    match m.get(key) {
        Some(Value::String(s)) => Some(s),
        other => {
            issues.expected(key, "string", other);
            None
        }
    }
}

/// An optional string field (`undefined` allowed, `null` is not, as zod's `.optional()`).
pub fn opt_str<'v>(m: &'v Map<String, Value>, key: &str, issues: &mut Issues) -> Option<&'v str> {
    match m.get(key) {
        None => None,
        Some(Value::String(s)) => Some(s),
        other => {
            issues.expected(key, "string", other);
            None
        }
    }
}

/// An optional boolean field.
pub fn opt_bool(m: &Map<String, Value>, key: &str, issues: &mut Issues) -> Option<bool> {
    match m.get(key) {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        other => {
            issues.expected(key, "boolean", other);
            None
        }
    }
}

/// The body as an object, or zod's `expected object` issue.
pub fn body_object<'b>(body: Option<&'b Value>, issues: &mut Issues) -> Option<&'b Map<String, Value>> {
    match body {
        Some(Value::Object(m)) => Some(m),
        other => {
            issues.push("", format!("Invalid input: expected object, received {}", zod_type_name(other)));
            None
        }
    }
}

/// A required `z.email()` field (zod's messages for a missing, non-string or invalid value).
pub fn req_email(m: &Map<String, Value>, key: &str, issues: &mut Issues) -> Option<String> {
    match m.get(key) {
        Some(Value::String(s)) => {
            if !is_valid_email(s) {
                issues.push(key, "Invalid email address");
            }
            Some(s.clone())
        }
        other => {
            issues.expected(key, "string", other);
            None
        }
    }
}

/// Better Auth's per-endpoint `originCheck` on a redirect target: 403 `INVALID_CALLBACK_URL` when
/// a request is behind the call, the check is on, and the URL is not trusted.
pub fn check_callback_url(call: &Call<'_>, url: &str) -> AuthResult<()> {
    if call.has_request && !url.is_empty() && !call.ctx.config.disable_origin_check && !crate::origin::is_trusted(url, &call.trusted_origins(), true) {
        return Err(AuthError::base("FORBIDDEN", "INVALID_CALLBACK_URL"));
    }
    Ok(())
}

/// The `?token=` (required string) and `?callbackURL=` (optional, checked against the trusted
/// origins) of a mailed link's GET endpoint.
pub fn token_and_callback(call: &Call<'_>) -> AuthResult<(String, Option<String>)> {
    let token = match call.query.get("token") {
        Some(Value::String(t)) => t.clone(),
        other => {
            return Err(AuthError::validation(format!("[query.token] Invalid input: expected string, received {}", zod_type_name(other))));
        }
    };
    let callback = call.query.get("callbackURL").and_then(Value::as_str).map(str::to_string).filter(|c| !c.is_empty());
    if let Some(cb) = callback.as_deref() {
        check_callback_url(call, cb)?;
    }
    Ok((token, callback))
}

/// zod 4's `z.email()` pattern:
/// `^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$`
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    let local_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '+' | '-');
    if local.is_empty() || local.split('.').any(|seg| seg.is_empty() || !seg.chars().all(local_ok)) {
        return false;
    }
    if local.ends_with('\'') {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, rest)) = labels.split_last() else { return false };
    if rest.is_empty() || tld.len() < 2 || !tld.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    rest.iter().all(|l| {
        let mut cs = l.chars();
        matches!(cs.next(), Some(c) if c.is_ascii_alphanumeric()) && cs.all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// Length as JavaScript counts it (UTF-16 code units).
pub fn js_len(s: &str) -> usize {
    s.encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_has_a_row() {
        for (i, r) in TABLE.iter().enumerate() {
            assert_eq!(r.0.row().0, r.1, "row {i}");
        }
    }

    #[test]
    fn email_matches_zod() {
        for (e, ok) in [
            ("a@b.co", true),
            ("A@B.CO", true),
            ("a.b@c.de", true),
            ("a..b@c.de", false),
            (".a@b.co", false),
            ("a@b", false),
            ("a@b.c", false),
            ("é@b.co", false),
            ("a+b@c-d.io", true),
            ("a@-b.co", false),
            ("a_@b.co", true),
            ("a.@b.co", false),
            ("a'@b.co", false),
            ("a'b@b.co", true),
            ("", false),
            ("a@b@c.co", false),
        ] {
            assert_eq!(is_valid_email(e), ok, "{e}");
        }
    }
}
