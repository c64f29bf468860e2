//! The OAuth state (spec §3). Database strategy (the default): a verification row
//! `auth-state:<state>` whose value is the state JSON (key order as Better Auth writes it), and
//! the signed `state` cookie (5 minutes) that binds the flow to the browser. Cookie strategy
//! (`account.storeStateStrategy: "cookie"`): the same JSON, encrypted with the purpose key
//! `oauth-state-cookie`, in the `oauth_state` cookie (10 minutes), and no row.
use crate::cookies;
use crate::endpoints::{Call, verification};
use crate::error::{AuthError, AuthResult};
use serde_json::{Map, Value};

/// State row lifetime (and the JSON `expiresAt`), ms.
const STATE_TTL_MS: i64 = 600_000;
/// `state` cookie Max-Age, seconds.
const STATE_COOKIE_MAX_AGE: i64 = 300;
/// `oauth_state` cookie Max-Age (cookie strategy), seconds.
const STATE_IN_COOKIE_MAX_AGE: i64 = 600;

/// The key of the `oauth_state` cookie: Better Auth's purpose key `oauth-state-cookie`.
fn state_cookie_key(secret: &str) -> crate::crypto::envelope::SecretConfig {
    crate::crypto::envelope::SecretConfig::single(super::link_social::purpose_key(secret, "oauth-state-cookie"))
}

/// What the sign-in request puts into the state.
#[derive(Debug, Default, Clone)]
pub struct NewState {
    /// `additionalData` (keys first, internal keys win).
    pub additional_data: Map<String, Value>,
    /// `callbackURL` (already defaulted to the origin).
    pub callback_url: String,
    /// `errorCallbackURL`.
    pub error_url: Option<String>,
    /// `newUserCallbackURL`.
    pub new_user_url: Option<String>,
    /// `{ userId, email, encryptedSessionToken }` for `/link-social`.
    pub link: Option<Value>,
    /// `requestSignUp`.
    pub request_sign_up: Option<bool>,
    /// The OIDC nonce, when the provider binds one.
    pub id_token_nonce: Option<String>,
}

/// The identifier of a state row.
pub fn identifier(state: &str) -> String {
    format!("auth-state:{state}")
}

fn put(m: &mut Map<String, Value>, k: &str, v: Option<Value>) {
    match v {
        // JS: `{...additionalData, k: undefined}` keeps no `k` in the JSON
        None => {
            m.shift_remove(k);
        }
        Some(v) => {
            m.insert(k.to_string(), v);
        }
    }
}

/// `generateState`: stores the row, sets the state cookie; returns `(state, codeVerifier)`.
pub async fn generate(call: &mut Call<'_>, s: NewState) -> AuthResult<(String, String)> {
    let ctx = call.ctx;
    let now = ctx.now();
    let state = super::random_value(32);
    let code_verifier = super::random_value(128);
    let mut m = s.additional_data;
    put(&mut m, "callbackURL", Some(Value::String(s.callback_url)));
    put(&mut m, "codeVerifier", Some(Value::String(code_verifier.clone())));
    put(&mut m, "errorURL", s.error_url.map(Value::String));
    put(&mut m, "newUserURL", s.new_user_url.map(Value::String));
    put(&mut m, "link", s.link);
    put(&mut m, "serverContext", None);
    put(&mut m, "expiresAt", Some(Value::from(now + STATE_TTL_MS)));
    put(&mut m, "requestSignUp", s.request_sign_up.map(Value::Bool));
    put(&mut m, "idTokenNonce", s.id_token_nonce.map(Value::String));
    put(&mut m, "oauthState", Some(Value::String(state.clone())));
    let value = Value::Object(m).to_string();
    if ctx.config.oauth.state_in_cookie {
        let sealed = crate::crypto::envelope::encrypt(&state_cookie_key(&ctx.config.secret), &value)?;
        let cookie = cookies::make(&ctx.config, "oauth_state");
        call.out.add_cookie(cookie.serialize(&sealed, Some(STATE_IN_COOKIE_MAX_AGE)));
        return Ok((state, code_verifier));
    }
    let cookie = cookies::make(&ctx.config, "state");
    call.out.add_cookie(cookie.serialize(&cookies::signed_wire_value(&ctx.config.secret, &state), Some(STATE_COOKIE_MAX_AGE)));
    match verification::create(call, &identifier(&state), &value, now + STATE_TTL_MS).await {
        Ok(Some(_)) => Ok((state, code_verifier)),
        Ok(None) => Err(AuthError::coded("INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR", "Unable to create verification")),
        Err(e) if e.is_unavailable() => Err(e),
        Err(e) => {
            crate::log::error(&format!("Failed to create verification: {e}"));
            Err(AuthError::message_only("INTERNAL_SERVER_ERROR", "Unable to create verification"))
        }
    }
}

/// The parsed state of a callback.
#[derive(Debug, Clone)]
pub struct StateData {
    /// `callbackURL`.
    pub callback_url: String,
    /// `codeVerifier`.
    pub code_verifier: String,
    /// `errorURL` (Better Auth fills in the default error URL after parsing).
    pub error_url: String,
    /// `newUserURL`.
    pub new_user_url: Option<String>,
    /// `link`.
    pub link: Option<Value>,
    /// `requestSignUp`.
    pub request_sign_up: bool,
    /// `idTokenNonce`.
    pub id_token_nonce: Option<String>,
}

/// A state failure: the `error` code and where it redirects (`None`: the default error URL).
#[derive(Debug, Clone)]
pub struct StateFailure {
    /// `state_mismatch`, `internal_server_error`, ...
    pub code: &'static str,
    /// The flow's `errorURL`, when the state was readable.
    pub error_url: Option<String>,
}

fn fail(code: &'static str, error_url: Option<String>) -> StateFailure {
    StateFailure { code, error_url }
}

fn opt_string(m: &Map<String, Value>, k: &str) -> Result<Option<String>, ()> {
    match m.get(k) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(()),
    }
}

/// The parsed row: the raw object, the typed state, `oauthState` and `expiresAt`.
type Parsed = (Map<String, Value>, StateData, Option<String>, i64);

fn schema_parse(value: &str) -> Result<Parsed, ()> {
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(value) else { return Err(()) };
    let callback_url = opt_string(&m, "callbackURL")?.ok_or(())?;
    let code_verifier = opt_string(&m, "codeVerifier")?.ok_or(())?;
    let error_url = opt_string(&m, "errorURL")?;
    let new_user_url = opt_string(&m, "newUserURL")?;
    let oauth_state = opt_string(&m, "oauthState")?;
    let id_token_nonce = opt_string(&m, "idTokenNonce")?;
    let expires_at = match m.get("expiresAt") {
        Some(Value::Number(n)) => n.as_f64().ok_or(())? as i64,
        _ => return Err(()),
    };
    let request_sign_up = match m.get("requestSignUp") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(()),
    };
    let link = match m.get("link") {
        None => None,
        Some(Value::Object(l)) if l.get("email").is_some_and(Value::is_string) => Some(Value::Object(l.clone())),
        Some(_) => return Err(()),
    };
    let data = StateData { callback_url, code_verifier, error_url: error_url.clone().unwrap_or_default(), new_user_url, link, request_sign_up, id_token_nonce };
    Ok((m, data, oauth_state, expires_at))
}

/// `parseGenericState` for the callback's `state`.
pub async fn parse(call: &mut Call<'_>, state: &str) -> AuthResult<Result<StateData, StateFailure>> {
    let ctx = call.ctx;
    if ctx.config.oauth.state_in_cookie {
        return Ok(parse_cookie(call, state));
    }
    let id = identifier(state);
    let Some(row) = verification::find(call, &id).await? else { return Ok(Err(fail("state_mismatch", None))) };
    let Ok((_, data, oauth_state, expires_at)) = schema_parse(&row.value) else {
        crate::log::error("Failed to parse state");
        return Ok(Err(fail("internal_server_error", None)));
    };
    let flow_error = data.error_url.clone();
    let flow_error = (!flow_error.is_empty()).then_some(flow_error);
    if oauth_state.as_deref().is_some_and(|s| s != state) {
        return Ok(Err(fail("state_mismatch", flow_error)));
    }
    let cookie = cookies::make(&ctx.config, "state");
    if !ctx.config.oauth.skip_state_cookie_check {
        let sent = cookies::get_signed_cookie(&call.headers, &cookie.name, &ctx.config.secret);
        if sent.as_deref() != Some(state) {
            return Ok(Err(fail("state_mismatch", flow_error)));
        }
    }
    call.out.set_cookie(&cookie.name, cookie.expired());
    verification::delete_all(call, &id).await?;
    if expires_at < ctx.now() {
        return Ok(Err(fail("state_mismatch", flow_error)));
    }
    Ok(Ok(data))
}

/// The cookie strategy: no cookie is `state_mismatch`; a cookie that does not decrypt or
/// parse is `state_invalid`; another flow's state is `state_mismatch` to that flow's error URL.
fn parse_cookie(call: &mut Call<'_>, state: &str) -> Result<StateData, StateFailure> {
    let ctx = call.ctx;
    let cookie = cookies::make(&ctx.config, "oauth_state");
    let Some(sealed) = cookies::get_cookie(&call.headers, &cookie.name).filter(|c| !c.is_empty()) else {
        return Err(fail("state_mismatch", None));
    };
    let opened = crate::crypto::envelope::decrypt(&state_cookie_key(&ctx.config.secret), &sealed).ok();
    let Some(Ok((_, data, oauth_state, expires_at))) = opened.map(|v| schema_parse(&v)) else {
        crate::log::error("State invalid: Failed to decrypt or parse auth state");
        return Err(fail("state_invalid", None));
    };
    let flow_error = (!data.error_url.is_empty()).then(|| data.error_url.clone());
    if oauth_state.as_deref() != Some(state) {
        return Err(fail("state_mismatch", flow_error));
    }
    call.out.set_cookie(&cookie.name, cookie.expired());
    if expires_at < ctx.now() {
        return Err(fail("state_mismatch", flow_error));
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_loose_but_typed() {
        assert!(schema_parse(r#"{"callbackURL":"/","codeVerifier":"v","expiresAt":1,"foo":[1]}"#).is_ok());
        assert!(schema_parse(r#"{"callbackURL":"/","expiresAt":1}"#).is_err());
        assert!(schema_parse(r#"{"callbackURL":"/","codeVerifier":"v","expiresAt":"1"}"#).is_err());
        assert!(schema_parse("not json").is_err());
    }

    #[test]
    fn internal_keys_keep_the_position_of_additional_data() {
        let mut m = Map::new();
        m.insert("callbackURL".into(), Value::from("evil"));
        m.insert("foo".into(), Value::from(1));
        m.insert("errorURL".into(), Value::from("x"));
        put(&mut m, "callbackURL", Some(Value::from("/ok")));
        put(&mut m, "codeVerifier", Some(Value::from("v")));
        put(&mut m, "errorURL", None);
        assert_eq!(Value::Object(m).to_string(), r#"{"callbackURL":"/ok","foo":1,"codeVerifier":"v"}"#);
    }
}
