//! Cookie names, attributes and values, byte-compatible with Better Auth 1.7:
//! `[__Secure-]<prefix>.<name>`, attributes in better-call's order
//! (`Max-Age; Domain; Path; HttpOnly; Secure; SameSite`), signed values percent-encoded
//! like `encodeURIComponent`.
use crate::config::AuthConfig;
use crate::crypto::sign::{self, Signed};
use crate::http::{Headers, ResponseHeaders};
pub use crate::http::{decode_uri_component, encode_uri_component};

/// A cookie Better Auth sets: its full name and attributes (Better Auth's `createCookieGetter`:
/// `Path=/`, `HttpOnly`, `SameSite=Lax`, `Secure` with the `__Secure-` prefix, then
/// `crossSubDomainCookies`' domain, `advanced.defaultCookieAttributes` and
/// `advanced.cookies.<name>.attributes`, in that order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieDef {
    /// Full name, `__Secure-` included.
    pub name: String,
    /// `Secure` attribute.
    pub secure: bool,
    /// `Path` (`/`).
    pub path: Option<String>,
    /// `Domain` (`crossSubDomainCookies`, or the app's attributes).
    pub domain: Option<String>,
    /// `HttpOnly` (true).
    pub http_only: bool,
    /// `SameSite` as given (`lax`).
    pub same_site: Option<String>,
    /// `Partitioned`.
    pub partitioned: bool,
}

impl CookieDef {
    /// A cookie with Better Auth's default attributes.
    pub fn new(name: String, secure: bool) -> Self {
        CookieDef { name, secure, path: Some("/".into()), domain: None, http_only: true, same_site: Some("lax".into()), partitioned: false }
    }

    /// The same attributes under another name (`session_data.N` chunks).
    pub fn renamed(&self, name: &str) -> Self {
        CookieDef { name: name.to_string(), ..self.clone() }
    }

    /// The attributes after `name=value`, in better-call's order: `; Max-Age=N` (when given
    /// and non-negative), `; Domain`, `; Path`, `; HttpOnly`, `; Secure`, `; SameSite=X`,
    /// `; Partitioned`.
    pub fn tail(&self, max_age: Option<i64>) -> String {
        let mut s = String::new();
        if let Some(m) = max_age.filter(|m| *m >= 0) {
            s.push_str(&format!("; Max-Age={m}"));
        }
        if let Some(d) = self.domain.as_deref().filter(|d| !d.is_empty()) {
            s.push_str(&format!("; Domain={d}"));
        }
        if let Some(p) = self.path.as_deref().filter(|p| !p.is_empty()) {
            s.push_str(&format!("; Path={p}"));
        }
        if self.http_only {
            s.push_str("; HttpOnly");
        }
        if self.secure {
            s.push_str("; Secure");
        }
        if let Some(ss) = self.same_site.as_deref().filter(|x| !x.is_empty()) {
            let mut c = ss.chars();
            let cap: String = c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default();
            s.push_str(&format!("; SameSite={cap}"));
        }
        if self.partitioned {
            s.push_str("; Partitioned");
        }
        s
    }

    /// `name=value` and [`CookieDef::tail`].
    pub fn serialize(&self, value: &str, max_age: Option<i64>) -> String {
        format!("{}={}{}", self.name, value, self.tail(max_age))
    }

    /// The expiring form: empty value, `Max-Age=0`.
    pub fn expired(&self) -> String {
        self.serialize("", Some(0))
    }
}

/// Better Auth's `createCookie(name)` for this configuration: the `advanced.cookies.<name>`
/// name and attributes over the defaults, then better-call's rules (`__Host-`: secure, path
/// `/`, no domain; `__Secure-`, `Partitioned` or `SameSite=None`: secure).
pub fn make(config: &AuthConfig, cookie: &str) -> CookieDef {
    let c = &config.cookies;
    let over = c.overrides.get(cookie);
    let base = over.and_then(|o| o.get("name")).and_then(|v| v.as_str()).filter(|n| !n.is_empty()).map(str::to_string).unwrap_or_else(|| format!("{}.{cookie}", config.cookie_prefix));
    let name = if config.secure_cookies { format!("__Secure-{base}") } else { base };
    let mut d = CookieDef::new(name, config.secure_cookies);
    d.domain = c.cross_subdomain.clone();
    let apply = |d: &mut CookieDef, attrs: &serde_json::Map<String, serde_json::Value>| {
        use serde_json::Value;
        for (k, v) in attrs {
            match (k.as_str(), v) {
                ("secure", Value::Bool(b)) => d.secure = *b,
                ("path", Value::String(p)) => d.path = Some(p.clone()),
                ("path", Value::Null) => d.path = None,
                ("domain", Value::String(x)) => d.domain = Some(x.clone()),
                ("domain", Value::Null) => d.domain = None,
                ("httpOnly", Value::Bool(b)) => d.http_only = *b,
                ("sameSite", Value::String(x)) => d.same_site = Some(x.clone()),
                ("sameSite", Value::Null | Value::Bool(false)) => d.same_site = None,
                ("partitioned", Value::Bool(b)) => d.partitioned = *b,
                _ => {}
            }
        }
    };
    apply(&mut d, &c.defaults);
    if let Some(attrs) = over.and_then(|o| o.get("attributes")).and_then(|a| a.as_object()) {
        apply(&mut d, attrs);
    }
    let lower = d.name.to_ascii_lowercase();
    if lower.starts_with("__host-") {
        d.secure = true;
        d.path = Some("/".into());
        d.domain = None;
    } else if lower.starts_with("__secure-") {
        d.secure = true;
    }
    if d.partitioned || d.same_site.as_deref().is_some_and(|x| x.eq_ignore_ascii_case("none")) {
        d.secure = true;
    }
    d
}

/// The core auth cookies for one configuration.
#[derive(Debug, Clone)]
pub struct AuthCookies {
    /// `session_token`
    pub session_token: CookieDef,
    /// `session_data` (cookie cache)
    pub session_data: CookieDef,
    /// `dont_remember`
    pub dont_remember: CookieDef,
    /// `oauth_state`, expired with the session cookies when the OAuth state lives in it
    /// (`account.storeStateStrategy: "cookie"`).
    pub oauth_state: Option<CookieDef>,
    /// `account_data`, when `account.storeAccountCookie` is on.
    pub account_data: Option<CookieDef>,
}

impl AuthCookies {
    /// Names and attributes from the cookie options (`advanced.cookiePrefix`,
    /// `useSecureCookies`, `cookies`, `defaultCookieAttributes`, `crossSubDomainCookies`).
    pub fn new(config: &AuthConfig) -> Self {
        Self {
            session_token: make(config, "session_token"),
            session_data: make(config, "session_data"),
            dont_remember: make(config, "dont_remember"),
            oauth_state: config.oauth.state_in_cookie.then(|| make(config, "oauth_state")),
            account_data: config.oauth.store_account_cookie.then(|| make(config, "account_data")),
        }
    }
}

/// Parses a `Cookie` header as better-call does: `;`-separated pairs, the first occurrence of a
/// name wins, surrounding double quotes stripped, values percent-decoded when possible.
pub fn parse_cookie_header(header: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for part in header.split(';') {
        let Some((k, v)) = part.split_once('=') else { continue };
        let k = k.trim();
        if k.is_empty() || out.iter().any(|(n, _)| n == k) {
            continue;
        }
        let mut v = v.trim();
        if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
            v = &v[1..v.len() - 1];
        }
        let decoded = if v.contains('%') { decode_uri_component(v).unwrap_or_else(|| v.to_string()) } else { v.to_string() };
        out.push((k.to_string(), decoded));
    }
    out
}

/// The (decoded) value of cookie `name` in the request, if sent.
pub fn get_cookie(headers: &Headers, name: &str) -> Option<String> {
    let header = headers.get("cookie")?;
    parse_cookie_header(header).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Reads and verifies a signed cookie. `None` for absent, malformed or badly signed values
/// (Better Auth treats all three as "no session").
pub fn get_signed_cookie(headers: &Headers, name: &str, secret: &str) -> Option<String> {
    let raw = get_cookie(headers, name)?;
    match sign::verify_value(secret, &raw) {
        Signed::Valid(v) => Some(v),
        Signed::Malformed | Signed::BadSignature => None,
    }
}

/// The wire value of a signed cookie: `encodeURIComponent(value + "." + sig)`.
pub fn signed_wire_value(secret: &str, value: &str) -> String {
    encode_uri_component(&sign::sign_value(secret, value))
}

/// Writes the session cookies for a new or refreshed session (`setSessionCookie`): the signed
/// token (`Max-Age` = `expiresIn`, or none when not remembered) and, when not remembered, the
/// signed `dont_remember` marker. `dont_remember: None` follows the request's own valid
/// `dont_remember` cookie; a remembered login expires a stale one.
pub fn set_session_cookie(
    out: &mut ResponseHeaders,
    cookies: &AuthCookies,
    secret: &str,
    request: &Headers,
    token: &str,
    dont_remember: Option<bool>,
    expires_in: i64,
) {
    let has_marker = get_signed_cookie(request, &cookies.dont_remember.name, secret).is_some();
    let dont_remember = dont_remember.unwrap_or(has_marker);
    let max_age = if dont_remember { None } else { Some(expires_in) };
    out.add_cookie(cookies.session_token.serialize(&signed_wire_value(secret, token), max_age));
    if dont_remember {
        out.add_cookie(cookies.dont_remember.serialize(&signed_wire_value(secret, "true"), None));
    } else if has_marker {
        out.set_cookie(&cookies.dont_remember.name, cookies.dont_remember.expired());
    }
}

/// Writes the `session_data` cookie cache (Better Auth's `setCookieCache`) when
/// `session.cookieCache` is on: old chunks expired, the value split across `session_data.N`
/// cookies when it is too long for one.
pub fn write_cookie_cache(
    out: &mut ResponseHeaders,
    config: &crate::config::AuthConfig,
    cookies: &AuthCookies,
    request: &Headers,
    session: &serde_json::Value,
    user: &serde_json::Value,
    dont_remember: bool,
    version: &str,
    now_ms: i64,
) {
    let Some(cc) = config.session.cookie_cache.as_ref() else { return };
    let Ok((value, _)) = crate::cookie_cache::encode(cc.strategy, &config.secret, session, user, version, now_ms, cc.max_age, dont_remember) else {
        return;
    };
    let def = &cookies.session_data;
    let attrs = def.tail(if dont_remember { None } else { Some(cc.max_age) });
    let existing = request.get("cookie").map(parse_cookie_header).unwrap_or_default();
    for c in crate::cookie_cache::chunk::write_plan(&def.name, &value, &attrs, &existing) {
        let cookie = def.renamed(&c.name);
        // the chunk store's cookies are appended (setCookie), not expired with expireCookie
        if c.expire {
            out.add_cookie(cookie.expired());
        } else {
            out.add_cookie(format!("{}={}{}", c.name, c.value, attrs));
        }
    }
    if let Some(uid) = user.get("id").and_then(serde_json::Value::as_str) {
        crate::oauth::account_cookie::follow_session(out, config, cookies, request, uid, now_ms);
    }
}

/// The `session_data` cache for this request, when it verifies (`{ session, user, ... }`).
/// `expected_version`: `None` skips the version check (a `cookieCache.version` function decides
/// from the cached session and user; compare with `cookie_cache::entry_version`).
pub fn read_cookie_cache(
    config: &crate::config::AuthConfig,
    cookies: &AuthCookies,
    request: &Headers,
    expected_version: Option<&str>,
    now_ms: i64,
) -> (bool, Option<serde_json::Value>) {
    let Some(cc) = config.session.cookie_cache.as_ref() else { return (false, None) };
    let existing = request.get("cookie").map(parse_cookie_header).unwrap_or_default();
    let Some(value) = crate::cookie_cache::chunk::join(&cookies.session_data.name, &existing) else { return (false, None) };
    let secrets = [config.secret.as_str()];
    let entry = match expected_version {
        Some(v) => crate::cookie_cache::decode(cc.strategy, &secrets, &value, v, now_ms),
        None => crate::cookie_cache::decode_any_version(cc.strategy, &secrets, &value, now_ms),
    };
    (true, entry.map(|e| e.data))
}

/// Expires `session_token`, `session_data` (and any `session_data.N` chunk the request sent)
/// and `dont_remember` (`deleteSessionCookie`).
pub fn delete_session_cookie(out: &mut ResponseHeaders, cookies: &AuthCookies, request: &Headers) {
    out.set_cookie(&cookies.session_token.name, cookies.session_token.expired());
    out.set_cookie(&cookies.session_data.name, cookies.session_data.expired());
    crate::oauth::account_cookie::expire(out, cookies, request);
    if let Some(c) = &cookies.oauth_state {
        out.set_cookie(&c.name, c.expired());
    }
    // then the chunk store's clean-up: every `session_data` cookie the request sent, the
    // unchunked one included, expired again by appending (as Better Auth's session store does)
    if let Some(h) = request.get("cookie") {
        let chunk_prefix = format!("{}.", cookies.session_data.name);
        for (name, _) in parse_cookie_header(h) {
            let is_chunk = name == cookies.session_data.name
                || name.strip_prefix(&chunk_prefix).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if is_chunk {
                let chunk = cookies.session_data.renamed(&name);
                out.add_cookie(chunk.expired());
            }
        }
    }
    out.set_cookie(&cookies.dont_remember.name, cookies.dont_remember.expired());
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "test-secret-for-vectors-0123456789abcdef";

    #[test]
    fn vectors_wire_values() {
        assert_eq!(
            signed_wire_value(S, "RustIssuedToken0123456789abcdefA"),
            "RustIssuedToken0123456789abcdefA.PX5CsOxaPUQGV2DAAlgfFhz9cNmNqP8vUb77OJUIYxI%3D"
        );
        assert_eq!(signed_wire_value(S, "true"), "true.nnEHPoqXZAeCHvjG5eJH1pDLYpLn4pmKJqdqWR4PD58%3D");
        assert_eq!(
            signed_wire_value(crate::config::DEFAULT_SECRET, "RustIssuedToken0123456789abcdefA"),
            "RustIssuedToken0123456789abcdefA.LcwlBA7i6BGoYxff9qYICtKcwYDwUHYLtgCt9JSPg7k%3D"
        );
    }

    #[test]
    fn serialization_order() {
        let d = CookieDef::new("better-auth.session_token".into(), false);
        assert_eq!(d.serialize("v", Some(604800)), "better-auth.session_token=v; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax");
        assert_eq!(d.expired(), "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
        let s = CookieDef::new("__Secure-better-auth.session_token".into(), true);
        assert_eq!(s.serialize("v", None), "__Secure-better-auth.session_token=v; Path=/; HttpOnly; Secure; SameSite=Lax");
    }

    #[test]
    fn parsing_reads_signed_cookie() {
        let mut h = Headers::new();
        h.append(
            "cookie",
            "a=1; better-auth.session_token=RustIssuedToken0123456789abcdefA.PX5CsOxaPUQGV2DAAlgfFhz9cNmNqP8vUb77OJUIYxI%3D; better-auth.session_token=second",
        );
        assert_eq!(get_signed_cookie(&h, "better-auth.session_token", S).as_deref(), Some("RustIssuedToken0123456789abcdefA"));
        assert_eq!(get_signed_cookie(&h, "better-auth.session_token", "wrong"), None);
        let mut bad = Headers::new();
        bad.append("cookie", "better-auth.session_token=%E0%A4%A; x");
        assert_eq!(get_signed_cookie(&bad, "better-auth.session_token", S), None);
    }

    #[test]
    fn encode_uri_component_matches_js() {
        assert_eq!(encode_uri_component("a+b/c=d e!~*'()"), "a%2Bb%2Fc%3Dd%20e!~*'()");
        assert_eq!(encode_uri_component("é"), "%C3%A9");
    }
}
