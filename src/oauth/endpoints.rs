//! `POST /sign-in/social` (spec §2.2) and `GET|POST /callback/:id` (§2.3, §4).
use super::flow::{self, AuthorizationRequest};
use super::link::{self, OAuthIdentity, Outcome, Rules};
use super::state::{self, NewState};
use crate::endpoints::{Call, Issues, Output, opt_bool, opt_str};
use crate::error::{AuthError, AuthResult};
use crate::json::zod_type_name;
use serde_json::{Map, Value, json};

fn provider_not_found() -> AuthError {
    AuthError::coded("NOT_FOUND", "PROVIDER_NOT_FOUND", "Provider not found")
}

/// The parsed `/sign-in/social` body.
struct SignInBody {
    provider: String,
    callback_url: Option<String>,
    new_user_callback_url: Option<String>,
    error_callback_url: Option<String>,
    disable_redirect: bool,
    id_token: Option<Map<String, Value>>,
    scopes: Vec<String>,
    request_sign_up: Option<bool>,
    login_hint: Option<String>,
    additional_params: Vec<(String, String)>,
    additional_data: Map<String, Value>,
}

fn parse_body(body: Option<&Value>) -> AuthResult<SignInBody> {
    let mut issues = Issues::default();
    let Some(m) = crate::endpoints::body_object(body, &mut issues) else {
        issues.finish()?;
        return Err(AuthError::validation("[body] Invalid input"));
    };
    // `z.enum(providers).or(z.string())`: a union, whose failure reads "Invalid input"
    let provider = match m.get("provider") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => {
            issues.push("provider", "Invalid input");
            None
        }
    };
    let callback_url = opt_str(m, "callbackURL", &mut issues).map(str::to_string);
    let new_user_callback_url = opt_str(m, "newUserCallbackURL", &mut issues).map(str::to_string);
    let error_callback_url = opt_str(m, "errorCallbackURL", &mut issues).map(str::to_string);
    let disable_redirect = opt_bool(m, "disableRedirect", &mut issues).unwrap_or(false);
    let id_token = match m.get("idToken") {
        None => None,
        Some(Value::Object(o)) => {
            if !o.get("token").is_some_and(Value::is_string) {
                issues.expected("idToken.token", "string", o.get("token"));
            }
            Some(o.clone())
        }
        other => {
            issues.expected("idToken", "object", other);
            None
        }
    };
    let mut scopes = Vec::new();
    match m.get("scopes") {
        None => {}
        Some(Value::Array(a)) => {
            for (i, s) in a.iter().enumerate() {
                match s {
                    Value::String(s) => scopes.push(s.clone()),
                    other => issues.expected(&format!("scopes.{i}"), "string", Some(other)),
                }
            }
        }
        other => issues.expected("scopes", "array", other),
    }
    let request_sign_up = opt_bool(m, "requestSignUp", &mut issues);
    let login_hint = opt_str(m, "loginHint", &mut issues).map(str::to_string);
    let (additional_params, additional_data) = flow::additional_fields(m, &mut issues);
    issues.finish()?;
    Ok(SignInBody {
        provider: provider.unwrap_or_default(),
        callback_url,
        new_user_callback_url,
        error_callback_url,
        disable_redirect,
        id_token,
        scopes,
        request_sign_up,
        login_hint,
        additional_params,
        additional_data,
    })
}

/// `POST /sign-in/social`.
pub async fn sign_in_social(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = parse_body(call.body.as_ref())?;
    let ctx = call.ctx;
    let Some(p) = super::provider::find(ctx, &b.provider).await? else { return Err(provider_not_found()) };
    if let Some(idt) = &b.id_token {
        return id_token_sign_in(call, &p, &b, idt).await;
    }
    let callback_url = b.callback_url.clone().filter(|c| !c.is_empty()).or_else(|| call.base_origin.clone());
    let Some(callback_url) = callback_url else { return Err(AuthError::coded("BAD_REQUEST", "CALLBACK_URL_REQUIRED", "callbackURL is required")) };
    let nonce = p.requires_id_token_nonce.then(|| super::random_value(32));
    let (st, verifier) = state::generate(
        call,
        NewState {
            additional_data: b.additional_data.clone(),
            callback_url,
            error_url: b.error_callback_url.clone(),
            new_user_url: b.new_user_callback_url.clone(),
            link: None,
            request_sign_up: b.request_sign_up,
            id_token_nonce: nonce.clone(),
        },
    )
    .await?;
    let url = flow::authorization_url(
        &p,
        &AuthorizationRequest {
            state: st,
            code_verifier: verifier,
            nonce,
            redirect_uri: format!("{}/callback/{}", call.base_url(), p.id),
            scopes: b.scopes.clone(),
            login_hint: b.login_hint.clone(),
            additional_params: b.additional_params.clone(),
        },
    )?;
    if !b.disable_redirect {
        call.out.set("location", url.clone());
    }
    Ok(json!({ "url": url, "redirect": !b.disable_redirect }))
}

/// The `idToken` flow of `/sign-in/social`.
async fn id_token_sign_in(call: &mut Call<'_>, p: &super::provider::ProviderSpec, b: &SignInBody, idt: &Map<String, Value>) -> AuthResult<Value> {
    let ctx = call.ctx;
    if !p.supports_id_token_sign_in() {
        return Err(AuthError::coded("NOT_FOUND", "ID_TOKEN_NOT_SUPPORTED", "id_token not supported"));
    }
    let token = idt.get("token").and_then(Value::as_str).unwrap_or("");
    let nonce = idt.get("nonce").and_then(Value::as_str);
    if !super::id_token::verify(ctx, p, token, nonce).await {
        return Err(AuthError::coded("UNAUTHORIZED", "INVALID_TOKEN", "Invalid token"));
    }
    let tokens = flow::Tokens {
        id_token: Some(token.to_string()),
        access_token: idt.get("accessToken").and_then(Value::as_str).map(str::to_string),
        refresh_token: idt.get("refreshToken").and_then(Value::as_str).map(str::to_string),
        user: idt.get("user").filter(|u| !u.is_null()).cloned(),
        ..Default::default()
    };
    let claims = flow::decode_claims(token);
    let info = match claims {
        Some(c) => flow::user_info_from_id_token(ctx, p, &tokens, &c).await?,
        None => None,
    };
    let Some(info) = info else { return Err(AuthError::coded("UNAUTHORIZED", "FAILED_TO_GET_USER_INFO", "Failed to get user info")) };
    let email = info.user.get("email").and_then(Value::as_str).filter(|e| !e.is_empty()).map(str::to_string);
    let Some(email) = email else { return Err(AuthError::coded("UNAUTHORIZED", "USER_EMAIL_NOT_FOUND", "User email not found")) };
    let account_id = flow::account_subject(p, &tokens, &info.data);
    if !flow::valid_account_id(&account_id) {
        return Err(AuthError::coded("UNAUTHORIZED", "FAILED_TO_GET_USER_INFO", "Failed to get user info"));
    }
    let mut user = info.user.clone();
    user.insert("id".into(), Value::String(account_id.clone()));
    user.insert("email".into(), Value::String(email));
    let name = user.get("name").and_then(Value::as_str).unwrap_or("").to_string();
    user.insert("name".into(), Value::String(name));
    let ident = OAuthIdentity {
        provider_id: p.id.clone(),
        account_id,
        user,
        profile: info.data.clone(),
        tokens: flow::Tokens { refresh_token: None, ..tokens },
        scope: None,
    };
    let rules = Rules {
        disable_sign_up: (p.disable_implicit_sign_up && b.request_sign_up != Some(true)) || p.disable_sign_up,
        override_user_info: false,
        require_email_verification: p.require_email_verification,
    };
    let callback = b.callback_url.clone().unwrap_or_default();
    match link::handle(call, &ident, rules, &callback).await? {
        Outcome::Session { session, user, .. } => {
            crate::endpoints::start_session::finish(call, &session, &user, None).await?;
            Ok(json!({ "redirect": false, "token": session.token, "user": crate::json::user_json(&user, &ctx.config.schema.user) }))
        }
        Outcome::Failed("email_not_verified") => Err(AuthError::coded("FORBIDDEN", "EMAIL_NOT_VERIFIED", "Email not verified")),
        Outcome::Failed(e) => Err(AuthError::coded("UNAUTHORIZED", "OAUTH_LINK_ERROR", e)),
    }
}

/// The callback parameters, in the schema's order.
const CALLBACK_KEYS: [&str; 7] = ["code", "error", "device_id", "error_description", "state", "user", "iss"];

fn callback_params(m: &Map<String, Value>, loc: &str) -> AuthResult<Map<String, Value>> {
    let mut out = Map::new();
    for k in CALLBACK_KEYS {
        match m.get(k) {
            None => {}
            Some(Value::String(s)) => {
                out.insert(k.to_string(), Value::String(s.clone()));
            }
            other => return Err(AuthError::validation(format!("[{loc}.{k}] Invalid input: expected string, received {}", zod_type_name(other)))),
        }
    }
    Ok(out)
}

fn redirect_error(target: &str, code: &str, description: Option<&str>) -> Output {
    let mut p = vec![("error".to_string(), code.to_string())];
    if let Some(d) = description.filter(|d| !d.is_empty()) {
        p.push(("error_description".into(), d.to_string()));
    }
    Output::Redirect(super::append_query_params(target, &p))
}

/// `GET|POST /callback/:id`.
pub async fn callback(call: &mut Call<'_>, method: &str) -> AuthResult<Output> {
    let ctx = call.ctx;
    let id = call.params.get("id").and_then(Value::as_str).unwrap_or("").to_string();
    let default_error = ctx.config.oauth.error_url.clone().unwrap_or_else(|| format!("{}/error", call.base_url()));
    let query = callback_params(&call.query, "query")?;
    if method == "POST" {
        let body = match call.body.as_ref() {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => callback_params(m, "body")?,
            Some(other) => return Err(AuthError::validation(format!("[body] Invalid input: expected object, received {}", zod_type_name(Some(other))))),
        };
        let mut merged = body;
        for (k, v) in query {
            merged.insert(k, v);
        }
        let pairs: Vec<(String, String)> =
            CALLBACK_KEYS.iter().filter_map(|k| merged.get(*k).and_then(Value::as_str).map(|v| (k.to_string(), v.to_string()))).collect();
        return Ok(Output::Redirect(format!("{}/callback/{}?{}", call.base_url(), id, super::form_body(&pairs))));
    }
    let q = |k: &str| query.get(k).and_then(Value::as_str).map(str::to_string);
    let Some(st) = q("state").filter(|s| !s.is_empty()) else {
        return Ok(redirect_error(&default_error, "state_not_found", None));
    };
    let data = match state::parse(call, &st).await? {
        Ok(d) => d,
        Err(f) => return Ok(redirect_error(f.error_url.as_deref().unwrap_or(&default_error), f.code, None)),
    };
    let error_url = if data.error_url.is_empty() { default_error.clone() } else { data.error_url.clone() };
    let fail = |code: &str, d: Option<&str>| Ok(redirect_error(&error_url, code, d));
    if let Some(e) = q("error").filter(|e| !e.is_empty()) {
        return fail(&e, q("error_description").as_deref());
    }
    let Some(code) = q("code").filter(|c| !c.is_empty()) else { return fail("no_code", None) };
    let Some(p) = super::provider::find(ctx, &id).await? else { return fail("oauth_provider_not_found", None) };
    if let (Some(iss), Some(expected)) = (q("iss").filter(|i| !i.is_empty()), p.issuer.as_deref().filter(|i| !i.is_empty()))
        && iss != expected
    {
        crate::log::error("OAuth issuer mismatch");
        return fail("issuer_mismatch", None);
    }
    if p.requires_id_token_nonce && data.id_token_nonce.as_deref().is_none_or(str::is_empty) {
        return fail("nonce_binding_missing", None);
    }
    let redirect_uri = format!("{}/callback/{}", call.base_url(), p.id);
    let mut tokens = match flow::exchange_code(ctx, &p, &code, &data.code_verifier, q("device_id").as_deref(), &redirect_uri).await {
        Ok(t) => t,
        Err(e) if e.is_unavailable() => return Err(e),
        Err(e) => {
            crate::log::error(&format!("Failed to validate authorization code: {e}"));
            return fail("invalid_code", None);
        }
    };
    // `safeJSONParse(query.user)`: Apple's name on first consent
    tokens.user = q("user").and_then(|u| serde_json::from_str::<Value>(&u).ok());
    let info = match flow::user_info(ctx, &p, &tokens, data.id_token_nonce.as_deref()).await {
        Ok(Some(i)) => i,
        Ok(None) => return fail("unable_to_get_user_info", None),
        Err(e @ AuthError::Api(_)) => return Err(e),
        Err(e) => {
            crate::log::error(&format!("Unable to get user info: {e}"));
            return fail("unable_to_get_user_info", None);
        }
    };
    let account_id = flow::account_subject(&p, &tokens, &info.data);
    if !flow::valid_account_id(&account_id) {
        return fail("unable_to_get_user_info", None);
    }
    if data.callback_url.is_empty() {
        return fail("no_callback_url", None);
    }
    if let Some(link) = data.link.clone() {
        let ident = OAuthIdentity {
            provider_id: p.id.clone(),
            account_id: account_id.clone(),
            user: info.user.clone(),
            profile: info.data.clone(),
            tokens: tokens.clone(),
            scope: Some(tokens.scopes.join(",")),
        };
        return match super::link_social::link_account(call, &link, &ident, &tokens.scopes).await? {
            Ok(()) => Ok(Output::Redirect(data.callback_url.clone())),
            Err((code, description)) => fail(&code, description.as_deref()),
        };
    }
    let Some(email) = info.user.get("email").and_then(Value::as_str).filter(|e| !e.is_empty()).map(str::to_string) else {
        crate::log::error(&format!("Provider \"{}\" did not return an email address", p.id));
        return fail("email_not_found", None);
    };
    let mut user = info.user.clone();
    user.insert("id".into(), Value::String(account_id.clone()));
    user.insert("email".into(), Value::String(email));
    let name = user.get("name").and_then(Value::as_str).unwrap_or("").to_string();
    user.insert("name".into(), Value::String(name));
    let scope = Some(tokens.scopes.join(","));
    let ident = OAuthIdentity { provider_id: p.id.clone(), account_id, user, profile: info.data.clone(), tokens, scope };
    let rules = Rules {
        disable_sign_up: (p.disable_implicit_sign_up && !data.request_sign_up) || p.disable_sign_up,
        override_user_info: p.override_user_info,
        require_email_verification: p.require_email_verification,
    };
    let outcome = match link::handle(call, &ident, rules, &data.callback_url).await {
        Ok(o) => o,
        Err(AuthError::Api(e)) => match &e.body {
            crate::error::ErrorBody::CodeMessage { code, message } => return fail(code, Some(message)),
            _ => return Err(AuthError::Api(e)),
        },
        Err(e) if e.is_unavailable() => return Err(e),
        Err(e) => {
            crate::log::error(&format!("Better auth was unable to query your database: {e}"));
            let target = ctx.config.oauth.error_url.clone().unwrap_or_else(|| format!("{}/error", call.base_url()));
            return Ok(redirect_error(&target, "internal_server_error", None));
        }
    };
    match outcome {
        Outcome::Failed(e) => fail(&e.replace(' ', "_"), None),
        Outcome::Session { session, user, is_register } => {
            crate::endpoints::start_session::finish(call, &session, &user, None).await?;
            let to = if is_register { data.new_user_url.clone().filter(|u| !u.is_empty()).unwrap_or(data.callback_url.clone()) } else { data.callback_url.clone() };
            Ok(Output::Redirect(to))
        }
    }
}
