//! Cookie names, attributes and values, byte-compatible with Better Auth 1.7:
//! `[__Secure-]<prefix>.<name>`, attributes in better-call's order
//! (`Max-Age; Domain; Path; HttpOnly; Secure; SameSite`), signed values percent-encoded
//! like `encodeURIComponent`.
use crate::config::AuthConfig;
use crate::crypto::sign::{self, Signed};
use crate::http::{Headers, ResponseHeaders};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Characters `encodeURIComponent` escapes: everything but `A-Za-z0-9-_.!~*'()`.
const URI_COMPONENT: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'!').remove(b'~').remove(b'*').remove(b'\'').remove(b'(').remove(b')');

/// JavaScript's `encodeURIComponent`.
pub fn encode_uri_component(s: &str) -> String {
    utf8_percent_encode(s, URI_COMPONENT).to_string()
}

/// JavaScript's `decodeURIComponent`, `None` on malformed input.
pub fn decode_uri_component(s: &str) -> Option<String> {
    percent_decode_str(s).decode_utf8().ok().map(|c| c.into_owned())
}

/// A cookie Better Auth sets: its full name and whether it is secure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieDef {
    /// Full name, `__Secure-` included.
    pub name: String,
    /// `Secure` attribute.
    pub secure: bool,
}

impl CookieDef {
    /// `name=value; [Max-Age=N; ]Path=/; HttpOnly; [Secure; ]SameSite=Lax`
    pub fn serialize(&self, value: &str, max_age: Option<i64>) -> String {
        let mut s = format!("{}={}", self.name, value);
        if let Some(m) = max_age {
            s.push_str(&format!("; Max-Age={m}"));
        }
        s.push_str("; Path=/; HttpOnly");
        if self.secure {
            s.push_str("; Secure");
        }
        s.push_str("; SameSite=Lax");
        s
    }

    /// The expiring form: empty value, `Max-Age=0`.
    pub fn expired(&self) -> String {
        self.serialize("", Some(0))
    }
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
}

impl AuthCookies {
    /// Names from `advanced.cookiePrefix` and the secure decision.
    pub fn new(config: &AuthConfig) -> Self {
        let make = |n: &str| {
            let base = format!("{}.{n}", config.cookie_prefix);
            CookieDef {
                name: if config.secure_cookies { format!("__Secure-{base}") } else { base },
                secure: config.secure_cookies,
            }
        };
        Self {
            session_token: make("session_token"),
            session_data: make("session_data"),
            dont_remember: make("dont_remember"),
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
    now_ms: i64,
) {
    let Some(cc) = config.session.cookie_cache.as_ref() else { return };
    let Ok((value, _)) = crate::cookie_cache::encode(cc.strategy, &config.secret, session, user, &cc.version, now_ms, cc.max_age, dont_remember) else {
        return;
    };
    let def = &cookies.session_data;
    let attrs = crate::cookie_cache::chunk::attributes_tail(if dont_remember { None } else { Some(cc.max_age) }, None, def.secure);
    let existing = request.get("cookie").map(parse_cookie_header).unwrap_or_default();
    for c in crate::cookie_cache::chunk::write_plan(&def.name, &value, &attrs, &existing) {
        let cookie = CookieDef { name: c.name.clone(), secure: def.secure };
        // the chunk store's cookies are appended (setCookie), not expired with expireCookie
        if c.expire {
            out.add_cookie(cookie.expired());
        } else {
            out.add_cookie(format!("{}={}{}", c.name, c.value, attrs));
        }
    }
}

/// The `session_data` cache for this request, when it verifies (`{ session, user, ... }`).
pub fn read_cookie_cache(config: &crate::config::AuthConfig, cookies: &AuthCookies, request: &Headers, now_ms: i64) -> (bool, Option<serde_json::Value>) {
    let Some(cc) = config.session.cookie_cache.as_ref() else { return (false, None) };
    let existing = request.get("cookie").map(parse_cookie_header).unwrap_or_default();
    let Some(value) = crate::cookie_cache::chunk::join(&cookies.session_data.name, &existing) else { return (false, None) };
    let entry = crate::cookie_cache::decode(cc.strategy, &[config.secret.as_str()], &value, &cc.version, now_ms);
    (true, entry.map(|e| e.data))
}

/// Expires `session_token`, `session_data` (and any `session_data.N` chunk the request sent)
/// and `dont_remember` (`deleteSessionCookie`).
pub fn delete_session_cookie(out: &mut ResponseHeaders, cookies: &AuthCookies, request: &Headers) {
    out.set_cookie(&cookies.session_token.name, cookies.session_token.expired());
    out.set_cookie(&cookies.session_data.name, cookies.session_data.expired());
    // then the chunk store's clean-up: every `session_data` cookie the request sent, the
    // unchunked one included, expired again by appending (as Better Auth's session store does)
    if let Some(h) = request.get("cookie") {
        let chunk_prefix = format!("{}.", cookies.session_data.name);
        for (name, _) in parse_cookie_header(h) {
            let is_chunk = name == cookies.session_data.name
                || name.strip_prefix(&chunk_prefix).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if is_chunk {
                let chunk = CookieDef { name: name.clone(), secure: cookies.session_data.secure };
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
        let d = CookieDef { name: "better-auth.session_token".into(), secure: false };
        assert_eq!(d.serialize("v", Some(604800)), "better-auth.session_token=v; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax");
        assert_eq!(d.expired(), "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
        let s = CookieDef { name: "__Secure-better-auth.session_token".into(), secure: true };
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
