//! The provider legs of a flow (spec §4.1–§4.4, §5.7): the authorization URL, the code
//! exchange with the provider's client authentication, and the user info (ID-token claims or
//! the userinfo endpoint, or the app's `getUserInfo`), with `mapProfileToUser`.
use super::provider::{ClientAuth, Kind, ProviderSpec};
use super::{fetch, form_body, form_encode, parse_string_boolean};
use crate::context::AuthContext;
use crate::error::{AuthError, AuthResult};
use serde_json::{Map, Value, json};

/// The authorization-URL params that `additionalParams` may not set.
pub const RESERVED_PARAMS: [&str; 8] = ["state", "client_id", "redirect_uri", "response_type", "code_challenge", "code_challenge_method", "nonce", "scope"];

/// `additionalParams` (a record of strings, no reserved OAuth parameter) and `additionalData`
/// (a record) of `/sign-in/social` and `/link-social`, their issues recorded as zod reports them.
pub fn additional_fields(m: &Map<String, Value>, issues: &mut crate::endpoints::Issues) -> (Vec<(String, String)>, Map<String, Value>) {
    let mut params = Vec::new();
    match m.get("additionalParams") {
        None => {}
        Some(Value::Object(o)) => {
            for (k, v) in o {
                match v {
                    Value::String(s) => params.push((k.clone(), s.clone())),
                    other => issues.expected(&format!("additionalParams.{k}"), "string", Some(other)),
                }
            }
            if o.keys().any(|k| RESERVED_PARAMS.contains(&k.as_str())) {
                issues.push("additionalParams", format!("additionalParams cannot include reserved OAuth parameters: {}", RESERVED_PARAMS.join(", ")));
            }
        }
        other => issues.expected("additionalParams", "record", other),
    }
    let data = match m.get("additionalData") {
        None => Map::new(),
        Some(Value::Object(o)) => o.clone(),
        other => {
            issues.expected("additionalData", "record", other);
            Map::new()
        }
    };
    (params, data)
}

/// What the sign-in request adds to the authorization URL.
#[derive(Debug, Default, Clone)]
pub struct AuthorizationRequest {
    /// `state`.
    pub state: String,
    /// The PKCE verifier.
    pub code_verifier: String,
    /// The OIDC nonce, when bound.
    pub nonce: Option<String>,
    /// `<baseURL>/callback/<id>`.
    pub redirect_uri: String,
    /// Request `scopes`.
    pub scopes: Vec<String>,
    /// `loginHint`.
    pub login_hint: Option<String>,
    /// `additionalParams`, in the request's key order.
    pub additional_params: Vec<(String, String)>,
}

fn set(params: &mut Vec<(String, String)>, k: &str, v: String) {
    match params.iter_mut().find(|(key, _)| key == k) {
        Some(p) => p.1 = v,
        None => params.push((k.to_string(), v)),
    }
}

/// The scopes of an authorization URL: generic providers put the request's first (and
/// `openid` first of all for OIDC); Discord puts its defaults, the request's, then the
/// config's; the other built-ins their defaults, the config's, then the request's.
pub fn request_scopes(p: &ProviderSpec, request: &[String]) -> Vec<String> {
    match p.kind {
        Kind::Generic => {
            let mut scopes: Vec<String> = request.iter().chain(p.scopes.iter()).cloned().collect();
            if p.is_oidc && !scopes.iter().any(|s| s == "openid") {
                scopes.insert(0, "openid".into());
            }
            scopes
        }
        Kind::Discord { .. } => p.default_scopes.iter().chain(request.iter()).chain(p.scopes.iter()).cloned().collect(),
        _ => p.default_scopes.iter().chain(p.scopes.iter()).chain(request.iter()).cloned().collect(),
    }
}

/// `createAuthorizationURL` for a provider (generic OAuth's parameters and order).
pub fn authorization_url(p: &ProviderSpec, r: &AuthorizationRequest) -> AuthResult<String> {
    let Some(endpoint) = p.authorization_url.as_deref() else {
        return Err(AuthError::coded("BAD_REQUEST", "INVALID_OAUTH_CONFIGURATION", "Invalid OAuth configuration"));
    };
    let client_id = p.client_ids.first().filter(|c| !c.is_empty()).ok_or_else(|| AuthError::internal("OAuth provider requires clientId"))?;
    if p.requires_client_secret && p.client_secret.as_deref().is_none_or(str::is_empty) {
        crate::log::error(&format!("Client Id and Client Secret are required for provider \"{}\". Make sure to provide them in the options.", p.id));
        return Err(AuthError::internal("CLIENT_ID_AND_SECRET_REQUIRED"));
    }
    let scopes = request_scopes(p, &r.scopes);
    let mut params: Vec<(String, String)> = Vec::new();
    set(&mut params, "response_type", p.response_type.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "code".into()));
    set(&mut params, "client_id", client_id.clone());
    set(&mut params, "state", r.state.clone());
    if !scopes.is_empty() {
        set(&mut params, "scope", scopes.join(" "));
    }
    set(&mut params, "redirect_uri", p.redirect_uri.clone().unwrap_or_else(|| r.redirect_uri.clone()));
    let mut opt = |k: &str, v: &Option<String>| {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            set(&mut params, k, v.to_string());
        }
    };
    opt("display", &p.display);
    opt("login_hint", &r.login_hint);
    opt("nonce", &r.nonce);
    opt("prompt", &p.prompt);
    opt("hd", &p.hd_param);
    opt("access_type", &p.access_type);
    opt("response_mode", &p.response_mode);
    if p.pkce {
        set(&mut params, "code_challenge_method", "S256".into());
        set(&mut params, "code_challenge", super::code_challenge(&r.code_verifier));
    }
    if let Kind::Discord { permissions: Some(perm) } = &p.kind
        && scopes.iter().any(|s| s == "bot")
    {
        set(&mut params, "permissions", perm.clone());
    }
    for (k, v) in p.authorization_url_params.iter().chain(r.additional_params.iter()) {
        if !RESERVED_PARAMS.contains(&k.as_str()) {
            set(&mut params, k, v.clone());
        }
    }
    // the endpoint's own query is kept as written, minus the names set here
    let mut url = url::Url::parse(endpoint).map_err(|_| AuthError::internal("invalid authorization endpoint"))?;
    let kept: Vec<String> = url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| {
            let name = url::form_urlencoded::parse(pair.as_bytes()).next().map(|(k, _)| k.into_owned());
            !pair.is_empty() && name.is_some_and(|n| !params.iter().any(|(k, _)| *k == n))
        })
        .map(str::to_string)
        .collect();
    let kept = kept.join("&");
    url.set_query(if kept.is_empty() { None } else { Some(&kept) });
    Ok(super::append_query_params(url.as_str(), &params))
}

/// The tokens of a token-endpoint answer (`getOAuth2Tokens`).
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// `token_type`.
    pub token_type: Option<String>,
    /// `access_token`.
    pub access_token: Option<String>,
    /// `refresh_token`.
    pub refresh_token: Option<String>,
    /// now + `expires_in` s, epoch ms.
    pub access_token_expires_at: Option<i64>,
    /// now + `refresh_token_expires_in` s, epoch ms.
    pub refresh_token_expires_at: Option<i64>,
    /// `scope`, split on whitespace.
    pub scopes: Vec<String>,
    /// `id_token`.
    pub id_token: Option<String>,
    /// The whole answer.
    pub raw: Value,
    /// The callback's `user` parameter, parsed (Apple's first-consent name), or the
    /// `idToken.user` of an ID-token sign-in.
    pub user: Option<Value>,
}

fn js_truthy_number(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Number(n)) => n.as_f64().filter(|f| *f != 0.0 && f.is_finite()),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok().filter(|f| *f != 0.0 && f.is_finite()),
        _ => None,
    }
}

fn str_of(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// Maps a token answer; `now` in ms.
pub fn tokens_from(data: &Value, now: i64) -> Tokens {
    let scopes = match data.get("scope") {
        Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    };
    Tokens {
        token_type: str_of(data.get("token_type")),
        access_token: str_of(data.get("access_token")),
        refresh_token: str_of(data.get("refresh_token")),
        access_token_expires_at: js_truthy_number(data.get("expires_in")).map(|s| now + (s * 1000.0) as i64),
        refresh_token_expires_at: js_truthy_number(data.get("refresh_token_expires_in")).map(|s| now + (s * 1000.0) as i64),
        scopes,
        id_token: str_of(data.get("id_token")),
        raw: data.clone(),
        user: None,
    }
}

impl Tokens {
    /// The tokens as Better Auth hands them to `getUserInfo` (dates as ISO strings).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.into(), v);
            }
        };
        put("tokenType", self.token_type.clone().map(Value::String));
        put("accessToken", self.access_token.clone().map(Value::String));
        put("refreshToken", self.refresh_token.clone().map(Value::String));
        put("accessTokenExpiresAt", self.access_token_expires_at.map(|t| Value::String(crate::time::to_iso(t))));
        put("refreshTokenExpiresAt", self.refresh_token_expires_at.map(|t| Value::String(crate::time::to_iso(t))));
        put("scopes", Some(Value::Array(self.scopes.iter().cloned().map(Value::String).collect())));
        put("idToken", self.id_token.clone().map(Value::String));
        put("raw", Some(self.raw.clone()));
        put("user", self.user.clone());
        Value::Object(m)
    }
}

/// Appends the client authentication to a token request.
fn client_auth(p: &ProviderSpec, body: &mut Vec<(String, String)>, headers: &mut Vec<(String, String)>) -> AuthResult<()> {
    let id = p.client_ids.first().cloned().unwrap_or_default();
    match (p.client_auth, p.client_secret.as_deref().filter(|s| !s.is_empty())) {
        (ClientAuth::Basic, Some(secret)) => {
            use base64::Engine;
            let creds = format!("{}:{}", form_encode(&id), form_encode(secret));
            headers.push(("authorization".into(), format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(creds))));
        }
        (ClientAuth::Basic, None) => return Err(AuthError::internal("client_secret_basic requires a client secret")),
        (ClientAuth::Post, secret) => {
            body.push(("client_id".into(), id));
            if let Some(s) = secret {
                body.push(("client_secret".into(), s.to_string()));
            }
        }
    }
    Ok(())
}

async fn token_request(ctx: &AuthContext, p: &ProviderSpec, mut body: Vec<(String, String)>) -> AuthResult<Tokens> {

    let Some(url) = p.token_url.as_deref() else {
        return Err(AuthError::coded("BAD_REQUEST", "TOKEN_URL_NOT_FOUND", "Invalid OAuth configuration. Token URL not found."));
    };
    let mut headers: Vec<(String, String)> = vec![("content-type".into(), "application/x-www-form-urlencoded".into()), ("accept".into(), "application/json".into())];
    for (k, v) in &p.authorization_headers {
        let k = k.to_ascii_lowercase();
        headers.retain(|(h, _)| *h != k);
        headers.push((k, v.clone()));
    }
    client_auth(p, &mut body, &mut headers)?;
    let r = fetch::send(ctx, "POST", url, &headers, Some(form_body(&body))).await?;
    if (300..400).contains(&r.status) {
        return Err(AuthError::internal("Server-side OAuth fetches refuse redirects"));
    }
    if !r.ok() {
        return Err(AuthError::internal(format!("token endpoint answered {}", r.status)));
    }
    // better-fetch hands a body that is not JSON over as text, and getOAuth2Tokens reads no
    // token from it: the flow then fails later (no user info), as Better Auth's does
    let data = r.json().unwrap_or_else(|| Value::String(r.body.clone()));
    // GitHub answers 200 with `{ error }` for a bad code
    if p.kind == Kind::Github && data.get("error").is_some() {
        return Err(AuthError::internal(format!("GitHub OAuth token exchange failed: {}", data.get("error").map(Value::to_string).unwrap_or_default())));
    }
    let mut t = tokens_from(&data, ctx.now());
    if t.access_token_expires_at.is_none()
        && let Some(s) = p.access_token_expires_in
    {
        t.access_token_expires_at = Some(ctx.now() + s * 1000);
    }
    Ok(t)
}

/// `validateAuthorizationCode`: the code exchange.
pub async fn exchange_code(ctx: &AuthContext, p: &ProviderSpec, code: &str, code_verifier: &str, device_id: Option<&str>, redirect_uri: &str) -> AuthResult<Tokens> {
    let mut body: Vec<(String, String)> = vec![("grant_type".into(), "authorization_code".into()), ("code".into(), code.into())];
    if p.pkce && !code_verifier.is_empty() {
        body.push(("code_verifier".into(), code_verifier.into()));
    }
    if let Some(k) = p.client_key.as_deref().filter(|k| !k.is_empty()) {
        body.push(("client_key".into(), k.to_string()));
    }
    if let Some(d) = device_id.filter(|d| !d.is_empty()) {
        body.push(("device_id".into(), d.into()));
    }
    body.push(("redirect_uri".into(), p.redirect_uri.clone().unwrap_or_else(|| redirect_uri.into())));
    for (k, v) in &p.token_url_params {
        if !body.iter().any(|(b, _)| b == k) {
            body.push((k.clone(), v.clone()));
        }
    }
    token_request(ctx, p, body).await
}

/// `refreshAccessToken`: the refresh grant (the answer must carry an access token).
pub async fn refresh(ctx: &AuthContext, p: &ProviderSpec, refresh_token: &str) -> AuthResult<Tokens> {
    if let Some(cb) = p.refresh_callback.as_deref() {
        let t = ctx.callbacks.call(cb, json!([refresh_token])).await?.map(|v| tokens_from_js(&v)).unwrap_or_default();
        if t.access_token.as_deref().is_none_or(str::is_empty) {
            return Err(AuthError::internal("refreshAccessToken returned no access token"));
        }
        return Ok(t);
    }
    let mut body: Vec<(String, String)> = vec![("grant_type".into(), "refresh_token".into()), ("refresh_token".into(), refresh_token.into())];
    for (k, v) in &p.refresh_token_params {
        if !body.iter().any(|(b, _)| b == k) {
            body.push((k.clone(), v.clone()));
        }
    }
    let t = token_request(ctx, p, body).await?;
    if t.access_token.as_deref().is_none_or(str::is_empty) {
        return Err(AuthError::internal("refresh answer without an access token"));
    }
    Ok(t)
}

/// Tokens as a JS function returns them (`refreshAccessToken`: `accessToken`,
/// `accessTokenExpiresAt` as a `Date` (an ISO string here) or epoch ms, ...).
pub fn tokens_from_js(v: &Value) -> Tokens {
    let date = |k: &str| match v.get(k) {
        Some(Value::String(s)) => crate::time::parse_date(s),
        Some(Value::Number(n)) => n.as_f64().map(|f| f as i64),
        _ => None,
    };
    let scopes = match v.get("scopes") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(Value::String(s)) => s.split([',', ' ']).filter(|x| !x.is_empty()).map(str::to_string).collect(),
        _ => Vec::new(),
    };
    Tokens {
        token_type: str_of(v.get("tokenType")),
        access_token: str_of(v.get("accessToken")),
        refresh_token: str_of(v.get("refreshToken")),
        access_token_expires_at: date("accessTokenExpiresAt"),
        refresh_token_expires_at: date("refreshTokenExpiresAt"),
        scopes,
        id_token: str_of(v.get("idToken")),
        raw: v.get("raw").cloned().unwrap_or(Value::Null),
        user: None,
    }
}

/// The decoded (unverified) claims of a JWS, `None` when it is not one.
pub fn decode_claims(token: &str) -> Option<Map<String, Value>> {
    use base64::Engine;
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    match serde_json::from_slice::<Value>(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// A provider's answer about the user: `user` (email, emailVerified, image, name and mapped
/// fields) and the raw profile `data`.
#[derive(Debug, Clone)]
pub struct UserInfo {
    /// The normalised user.
    pub user: Map<String, Value>,
    /// The profile.
    pub data: Value,
}

/// `fetchUserInfo` of the generic provider.
async fn fetch_profile(ctx: &AuthContext, p: &ProviderSpec, tokens: &Tokens, claims: Option<&Map<String, Value>>) -> AuthResult<Option<Value>> {
    if let Some(idt) = tokens.id_token.as_deref() {
        let decoded = claims.cloned().or_else(|| decode_claims(idt));
        if let Some(c) = decoded
            && crate::origin::truthy(c.get("sub").unwrap_or(&Value::Null))
            && crate::origin::truthy(c.get("email").unwrap_or(&Value::Null))
        {
            let mut m = Map::new();
            m.insert("id".into(), c.get("sub").cloned().unwrap_or(Value::Null));
            m.insert("emailVerified".into(), Value::Bool(parse_string_boolean(c.get("email_verified")).unwrap_or(false)));
            if let Some(pic) = c.get("picture") {
                m.insert("image".into(), pic.clone());
            }
            for (k, v) in c {
                m.insert(k, v);
            }
            return Ok(Some(Value::Object(m)));
        }
    }
    let (Some(url), Some(at)) = (p.userinfo_url.as_deref(), tokens.access_token.as_deref().filter(|a| !a.is_empty())) else { return Ok(None) };
    let Some(Value::Object(data)) = fetch::get_json(ctx, url, &[("authorization".into(), format!("Bearer {at}"))]).await? else { return Ok(None) };
    let mut m = data.clone();
    let mut put = |k: &str, v: Option<Value>| match v {
        Some(v) => {
            m.insert(k.into(), v);
        }
        None => {
            m.shift_remove(k);
        }
    };
    put("email", data.get("email").cloned());
    put("emailVerified", Some(Value::Bool(parse_string_boolean(data.get("email_verified")).unwrap_or(false))));
    put("image", data.get("picture").cloned());
    put("name", data.get("name").cloned());
    Ok(Some(Value::Object(m)))
}

/// `resolveUserInfo`: the profile (the app's `getUserInfo`, or [`fetch_profile`]), the subject
/// check against verified claims, then `mapProfileToUser`.
async fn resolve_user_info(ctx: &AuthContext, p: &ProviderSpec, tokens: &Tokens, claims: Option<&Map<String, Value>>) -> AuthResult<Option<UserInfo>> {
    if p.kind != Kind::Generic {
        return super::social::user_info(ctx, p, tokens).await;
    }
    let raw = match &p.get_user_info_callback {
        Some(cb) => ctx.callbacks.call(cb, json!([tokens.to_json()])).await?,
        None => fetch_profile(ctx, p, tokens, claims).await?,
    };
    let Some(raw) = raw.filter(|r| !r.is_null() && r != &Value::Bool(false)) else { return Ok(None) };
    let requires_subject_match = p.get_user_info_callback.is_none() || raw.get("sub").is_some_and(|s| !s.is_null());
    if let Some(sub) = claims.and_then(|c| c.get("sub"))
        && requires_subject_match
    {
        let raw_sub = match raw.get("sub") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Null) => "null".into(),
            Some(other) => other.to_string(),
            None => "undefined".into(),
        };
        if Some(raw_sub.as_str()) != sub.as_str() {
            return Ok(None);
        }
    }
    let mapped = match &p.map_profile_callback {
        Some(cb) => ctx.callbacks.call(cb, json!([raw.clone()])).await?.unwrap_or(Value::Null),
        None => Value::Null,
    };
    let mut user = Map::new();
    let put = |user: &mut Map<String, Value>, k: &str, v: Option<&Value>| {
        if let Some(v) = v.filter(|v| !v.is_null()) {
            user.insert(k.into(), v.clone());
        }
    };
    put(&mut user, "email", raw.get("email"));
    user.insert("emailVerified".into(), Value::Bool(parse_string_boolean(raw.get("emailVerified")).unwrap_or(false)));
    put(&mut user, "image", raw.get("image"));
    put(&mut user, "name", raw.get("name"));
    if let Value::Object(m) = mapped {
        for (k, v) in m {
            user.insert(k, v);
        }
    }
    if user.get("image").is_some_and(Value::is_null) {
        user.shift_remove("image");
    }
    Ok(Some(UserInfo { user, data: raw }))
}

/// The provider's `getUserInfo` in the redirect flow: with an ID-token config the token is
/// verified first (with the state's nonce); failure is `None`.
pub async fn user_info(ctx: &AuthContext, p: &ProviderSpec, tokens: &Tokens, expected_nonce: Option<&str>) -> AuthResult<Option<UserInfo>> {
    // built-in providers decode the token answer's id_token without verifying it, as Better
    // Auth does (TLS to their token endpoint is trusted); discovery providers verify it
    let (Some(idt), Some(_), Kind::Generic) = (tokens.id_token.as_deref(), p.id_token.as_ref(), &p.kind) else {
        return resolve_user_info(ctx, p, tokens, None).await;
    };
    if !super::id_token::verify(ctx, p, idt, expected_nonce).await {
        crate::log::error(&format!("Provider \"{}\": id_token failed verification against the discovery JWKS or expected nonce", p.id));
        return Ok(None);
    }
    let claims = decode_claims(idt);
    if claims.is_none() {
        return Ok(None);
    }
    resolve_user_info(ctx, p, tokens, claims.as_ref()).await
}

/// `getUserInfoFromIdToken` (ID-token sign-in): the profile from the verified token's claims.
pub async fn user_info_from_id_token(ctx: &AuthContext, p: &ProviderSpec, tokens: &Tokens, claims: &Map<String, Value>) -> AuthResult<Option<UserInfo>> {
    let only = if p.kind == Kind::Generic { Tokens { id_token: tokens.id_token.clone(), ..Default::default() } } else { tokens.clone() };
    resolve_user_info(ctx, p, &only, Some(claims)).await
}

/// `accountSubject`: the provider-side account id (`""` when there is none).
pub fn account_subject(p: &ProviderSpec, tokens: &Tokens, profile: &Value) -> String {
    let s = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => other.to_string(),
    };
    match p.kind {
        Kind::Generic => {}
        Kind::Google { .. } | Kind::Apple => return s(profile.get("sub")),
        Kind::Microsoft { .. } => return s(profile.get("oid")),
        Kind::Github | Kind::Discord { .. } | Kind::Gitlab => return s(profile.get("id")),
    }
    if !p.is_oidc {
        return s(profile.get("id"));
    }
    if p.id_token.is_some()
        && let Some(idt) = tokens.id_token.as_deref()
    {
        return s(decode_claims(idt).as_ref().and_then(|c| c.get("sub")));
    }
    s(profile.get("sub"))
}

/// Better Auth's check on `String(accountSubject)`: empty, blank, `undefined`, `null` or a
/// non-finite number is no account id.
pub fn valid_account_id(id: &str) -> bool {
    !(id.trim().is_empty() || id == "undefined" || id == "null" || id == "NaN" || id == "Infinity" || id == "-Infinity")
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::provider::ClientAuth;

    fn spec() -> ProviderSpec {
        ProviderSpec {
            id: "oidc".into(),
            client_ids: vec!["ba-client".into()],
            client_secret: Some("s".into()),
            authorization_url: Some("http://op/auth?keep=a%20b&state=old".into()),
            token_url: None,
            userinfo_url: None,
            issuer: None,
            is_oidc: true,
            id_token: None,
            requires_id_token_nonce: false,
            scopes: vec!["email".into()],
            pkce: true,
            client_auth: ClientAuth::Post,
            prompt: Some("consent".into()),
            access_type: None,
            response_type: None,
            response_mode: None,
            authorization_url_params: vec![],
            token_url_params: vec![],
            refresh_token_params: vec![],
            authorization_headers: vec![],
            redirect_uri: None,
            access_token_expires_in: None,
            disable_implicit_sign_up: false,
            disable_sign_up: false,
            override_user_info: false,
            require_email_verification: false,
            get_user_info_callback: None,
            map_profile_callback: None,
            ..Default::default()
        }
    }

    #[test]
    fn authorization_url_order_and_kept_query() {
        let r = AuthorizationRequest {
            state: "S".into(),
            code_verifier: "dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
            nonce: Some("N".into()),
            redirect_uri: "http://localhost:3000/api/auth/callback/oidc".into(),
            scopes: vec!["extra".into()],
            login_hint: None,
            additional_params: vec![("state".into(), "x".into()), ("foo".into(), "b r".into())],
        };
        assert_eq!(
            authorization_url(&spec(), &r).unwrap(),
            "http://op/auth?keep=a%20b&response_type=code&client_id=ba-client&state=S&scope=openid+extra+email&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fapi%2Fauth%2Fcallback%2Foidc&nonce=N&prompt=consent&code_challenge_method=S256&code_challenge=ngF5GsXcbwljx6u133FFr3Xht9xooA_DuaX_3QwODtc&foo=b+r"
        );
    }

    #[test]
    fn token_answer_mapping() {
        let t = tokens_from(&json!({"access_token":"a","expires_in":3600,"scope":"openid email","id_token":"i","token_type":"Bearer"}), 1000);
        assert_eq!(t.access_token_expires_at, Some(3_601_000));
        assert_eq!(t.scopes, vec!["openid", "email"]);
        assert_eq!(t.refresh_token_expires_at, None);
    }

    #[test]
    fn account_ids() {
        assert!(!valid_account_id(" "));
        assert!(!valid_account_id("undefined"));
        assert!(valid_account_id("4242"));
    }
}
