//! `account.storeAccountCookie` (spec §4.8): the OAuth account, as its row reads, in the
//! `account_data` cookie (a JWE under Better Auth's `better-auth-account` key, chunked like
//! `session_data`, Max-Age `session.cookieCache.maxAge` or 300 s). Written when social sign-in
//! creates, links or updates an account and when a token is refreshed; re-written with every
//! `session_data` cache write for the same user; expired with the session cookies; read by
//! `useAccountCookie: true` selections.
use crate::cookies::{AuthCookies, parse_cookie_header};
use crate::endpoints::Call;
use crate::http::{Headers, ResponseHeaders};
use crate::store::{Account, AccountTokens};
use serde_json::{Map, Value};

/// The cookie's Max-Age: `session.cookieCache.maxAge`, else 300 s.
fn max_age(config: &crate::config::AuthConfig) -> i64 {
    config.session.cookie_cache.as_ref().map(|c| c.max_age).filter(|m| *m > 0).unwrap_or(300)
}

/// `setAccountCookie`: writes `account` (an account object) to the response.
pub fn set(out: &mut ResponseHeaders, config: &crate::config::AuthConfig, cookies: &AuthCookies, request: &Headers, account: &Value, now_ms: i64) {
    let Some(def) = cookies.account_data.as_ref() else { return };
    let age = max_age(config);
    let Ok(value) = crate::cookie_cache::encode_account_data(&config.secret, account, now_ms, age) else {
        crate::log::error("Could not encode the account_data cookie");
        return;
    };
    let attrs = def.tail(Some(age));
    let existing = request.get("cookie").map(parse_cookie_header).unwrap_or_default();
    for c in crate::cookie_cache::chunk::write_plan(&def.name, &value, &attrs, &existing) {
        if c.expire {
            out.add_cookie(def.renamed(&c.name).expired());
        } else {
            out.add_cookie(format!("{}={}{}", c.name, c.value, attrs));
        }
    }
}

/// [`set`] from an endpoint.
pub fn set_from(call: &mut Call<'_>, account: &Value) {
    let ctx = call.ctx;
    set(&mut call.out, &ctx.config, &ctx.cookies, &call.headers, account, ctx.now());
}

/// `getAccountCookie`: the account object the request's `account_data` cookie carries.
pub fn get(config: &crate::config::AuthConfig, cookies: &AuthCookies, request: &Headers, now_ms: i64) -> Option<Value> {
    let def = cookies.account_data.as_ref()?;
    let existing = request.get("cookie").map(parse_cookie_header).unwrap_or_default();
    let value = crate::cookie_cache::chunk::join(&def.name, &existing)?;
    crate::cookie_cache::decode_account_data(&[config.secret.as_str()], &value, now_ms).filter(Value::is_object)
}

/// Expires the cookie and the chunks the request sent (`deleteSessionCookie`).
pub fn expire(out: &mut ResponseHeaders, cookies: &AuthCookies, request: &Headers) {
    let Some(def) = cookies.account_data.as_ref() else { return };
    out.set_cookie(&def.name, def.expired());
    let existing = request.get("cookie").map(parse_cookie_header).unwrap_or_default();
    for c in crate::cookie_cache::chunk::clean_plan(&def.name, &existing) {
        out.add_cookie(def.renamed(&c.name).expired());
    }
}

/// With a `session_data` write (`setCookieCache`): the request's account cookie is written
/// again for the same user, expired for another; not when this response already sets it.
pub fn follow_session(out: &mut ResponseHeaders, config: &crate::config::AuthConfig, cookies: &AuthCookies, request: &Headers, user_id: &str, now_ms: i64) {
    let Some(def) = cookies.account_data.as_ref() else { return };
    let prefix = format!("{}=", def.name);
    if out.0.iter().any(|(k, v)| k == "set-cookie" && v.starts_with(&prefix)) {
        return;
    }
    let Some(account) = get(config, cookies, request, now_ms) else { return };
    if account.get("userId").and_then(Value::as_str) == Some(user_id) {
        set(out, config, cookies, request, &strip_claims(account), now_ms);
    } else {
        expire(out, cookies, request);
    }
}

/// The account object without the token claims (`iat`, `exp`, `jti`) the cookie adds.
pub fn strip_claims(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        for k in ["iat", "exp", "jti"] {
            m.shift_remove(k);
        }
    }
    v
}

/// An account object (from the cookie) as a row.
pub fn to_account(v: &Value) -> Option<Account> {
    let m: &Map<String, Value> = v.as_object()?;
    let s = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
    let date = |k: &str| m.get(k).and_then(Value::as_str).and_then(crate::time::parse_date);
    Some(Account {
        id: s("id")?,
        account_id: s("accountId").unwrap_or_default(),
        provider_id: s("providerId")?,
        user_id: s("userId").unwrap_or_default(),
        password: s("password"),
        created_at: date("createdAt").unwrap_or(0),
        updated_at: date("updatedAt").unwrap_or(0),
        scope: s("scope"),
        tokens: AccountTokens {
            access_token: s("accessToken"),
            refresh_token: s("refreshToken"),
            id_token: s("idToken"),
            access_token_expires_at: date("accessTokenExpiresAt"),
            refresh_token_expires_at: date("refreshTokenExpiresAt"),
        },
    })
}
