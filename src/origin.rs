//! Origin and CSRF checks (Better Auth's `originCheckMiddleware`, `formCsrfMiddleware`) and
//! trusted-origin matching (`matchesOriginPattern`).
use crate::error::{AuthError, AuthResult};
use crate::http::Headers;
use serde_json::{Map, Value};
use url::Url;

fn has_control(s: &str) -> bool {
    s.chars().any(|c| (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)))
}

/// The origin of an absolute URL (`scheme://host[:port]`), `None` when it has none.
pub fn origin_of(url: &str) -> Option<String> {
    let u = Url::parse(url).ok()?;
    match u.origin() {
        o @ url::Origin::Tuple(..) => Some(o.ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

fn host_of(url: &str) -> Option<String> {
    let u = Url::parse(url).ok()?;
    let host = u.host_str()?;
    Some(match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    })
}

/// A root-relative redirect that no browser or router reads as another origin.
pub fn is_safe_relative_url(value: &str) -> bool {
    if !value.starts_with('/') || value.starts_with("//") || value.contains('\\') || has_control(value) {
        return false;
    }
    let path = value.split(['?', '#']).next().unwrap_or(value);
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return false;
    }
    let Ok(base) = Url::parse("https://better-auth.invalid") else { return false };
    match base.join(value) {
        Ok(u) => u.origin() == base.origin(),
        Err(_) => false,
    }
}

/// Glob match: `*` any run of characters (dots included), `?` exactly one.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn split_custom(value: &str) -> Option<(String, String, String)> {
    if has_control(value) {
        return None;
    }
    let colon = value.find(':')?;
    if colon == 0 {
        return None;
    }
    let scheme = value[..colon].to_ascii_lowercase();
    let mut rest = &value[colon + 1..];
    let mut authority = "";
    if let Some(r) = rest.strip_prefix("//") {
        let end = r.find(['/', '?', '#']).unwrap_or(r.len());
        authority = &r[..end];
        rest = &r[end..];
    }
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    let raw_path = &rest[..path_end];
    let decoded = crate::cookies::decode_uri_component(raw_path).unwrap_or_else(|| raw_path.to_string());
    let mut segs: Vec<&str> = Vec::new();
    for s in decoded.split('/') {
        match s {
            ".." => {
                segs.pop();
            }
            "." | "" => {}
            other => segs.push(other),
        }
    }
    let path = if segs.is_empty() { String::new() } else { format!("/{}", segs.join("/")) };
    Some((scheme, authority.to_ascii_lowercase(), path))
}

/// True when `url` matches the trusted origin `pattern`.
pub fn matches_origin_pattern(url: &str, pattern: &str, allow_relative: bool) -> bool {
    if url.starts_with('/') {
        return allow_relative && is_safe_relative_url(url);
    }
    let wildcard = pattern.contains('*') || pattern.contains('?');
    if wildcard && !pattern.contains("://") {
        return host_of(url).is_some_and(|h| wildcard_match(pattern, &h));
    }
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http") | Some("https") | None => {
            let Some(origin) = origin_of(url) else { return false };
            if wildcard { wildcard_match(pattern, &origin) } else { pattern == origin }
        }
        Some(_) => {
            let (Some(u), Some(p)) = (split_custom(url), split_custom(pattern)) else { return false };
            if u.0 != p.0 {
                return false;
            }
            if wildcard {
                if !p.1.is_empty() && !wildcard_match(&p.1, &u.1) {
                    return false;
                }
                return p.2.is_empty() || wildcard_match(&p.2, if u.2.is_empty() { "/" } else { &u.2 });
            }
            if !p.1.is_empty() && u.1 != p.1 {
                return false;
            }
            p.2.is_empty() || u.2 == p.2 || u.2.starts_with(&format!("{}/", p.2))
        }
    }
}

/// Is `url` trusted by any of `trusted`?
pub fn is_trusted(url: &str, trusted: &[String], allow_relative: bool) -> bool {
    trusted.iter().any(|p| matches_origin_pattern(url, p, allow_relative))
}

/// The settings the checks need.
#[derive(Debug, Clone, Copy)]
pub struct CheckSettings {
    /// Skip the CSRF (origin) check.
    pub skip_csrf: bool,
    /// Skip callback URL validation.
    pub skip_origin: bool,
}

/// `validateOrigin`: for a cookie-bearing request (or when forced), `Origin` (else `Referer`)
/// must be present, not `null`, and trusted.
pub fn validate_origin(headers: &Headers, trusted: &[String], s: CheckSettings, force: bool) -> AuthResult<()> {
    if s.skip_csrf || s.skip_origin {
        return Ok(());
    }
    if !(force || headers.has("cookie")) {
        return Ok(());
    }
    let origin = headers.get("origin").filter(|o| !o.is_empty()).or_else(|| headers.get("referer")).unwrap_or("");
    if origin.is_empty() || origin == "null" {
        return Err(AuthError::base("FORBIDDEN", "MISSING_OR_NULL_ORIGIN"));
    }
    if !is_trusted(origin, trusted, false) {
        return Err(AuthError::base("FORBIDDEN", "INVALID_ORIGIN"));
    }
    Ok(())
}

/// The router's origin middleware for non-GET requests: the CSRF check, then every
/// `callbackURL` / `redirectTo` / `errorCallbackURL` / `newUserCallbackURL` must be trusted.
pub fn origin_check_middleware(
    headers: &Headers,
    body: Option<&Value>,
    query: &Map<String, Value>,
    trusted: &[String],
    s: CheckSettings,
) -> AuthResult<()> {
    validate_origin(headers, trusted, s, false)?;
    if s.skip_origin {
        return Ok(());
    }
    let field = |k: &str| body.and_then(|b| b.get(k)).filter(|v| truthy(v));
    let callback = field("callbackURL").or_else(|| query.get("callbackURL").filter(|v| truthy(v)));
    let checks = [
        (callback, "callbackURL", "INVALID_CALLBACK_URL"),
        (field("redirectTo"), "redirectURL", "INVALID_REDIRECT_URL"),
        (field("errorCallbackURL"), "errorCallbackURL", "INVALID_ERROR_CALLBACK_URL"),
        (field("newUserCallbackURL"), "newUserCallbackURL", "INVALID_NEW_USER_CALLBACK_URL"),
    ];
    for (value, label, code) in checks {
        let Some(v) = value else { continue };
        let Some(url) = v.as_str() else {
            return Err(AuthError::message_only("BAD_REQUEST", format!("Invalid {label}: expected a string")));
        };
        if !is_trusted(url, trusted, true) {
            return Err(AuthError::base("FORBIDDEN", code));
        }
    }
    Ok(())
}

/// `formCsrfMiddleware` (sign-in / sign-up): blocks cross-site navigations and requires a
/// trusted origin whenever the browser says anything about where the request came from.
pub fn form_csrf(headers: &Headers, trusted: &[String], s: CheckSettings) -> AuthResult<()> {
    // `skip_csrf` already holds the backward-compatible case (origin check off, CSRF check not
    // set); with the origin check off and `disableCSRFCheck: false`, cross-site navigations are
    // still blocked (validate_origin itself is skipped then, as in Better Auth)
    if s.skip_csrf {
        return Ok(());
    }
    if headers.has("cookie") {
        return validate_origin(headers, trusted, s, false);
    }
    let nonblank = |k: &str| headers.get(k).is_some_and(|v| !v.trim().is_empty());
    if nonblank("sec-fetch-site") || nonblank("sec-fetch-mode") || nonblank("sec-fetch-dest") {
        if headers.get("sec-fetch-site") == Some("cross-site") && headers.get("sec-fetch-mode") == Some("navigate") {
            return Err(AuthError::base("FORBIDDEN", "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"));
        }
        return validate_origin(headers, trusted, s, true);
    }
    if headers.get("origin").is_some_and(|v| !v.is_empty()) || headers.get("referer").is_some_and(|v| !v.is_empty()) {
        return validate_origin(headers, trusted, s, true);
    }
    Ok(())
}

/// JavaScript truthiness of a JSON value.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_matching() {
        assert!(matches_origin_pattern("http://localhost:3000", "http://localhost:3000", false));
        assert!(matches_origin_pattern("http://localhost:3000/path?x", "http://localhost:3000", false));
        assert!(!matches_origin_pattern("http://evil.com", "http://localhost:3000", false));
        assert!(matches_origin_pattern("https://a.example.com", "*.example.com", false));
        assert!(matches_origin_pattern("https://a.b.example.com", "https://*.example.com", false));
        assert!(!matches_origin_pattern("http://a.example.com", "https://*.example.com", false));
        assert!(matches_origin_pattern("myapp://cb/x", "myapp://cb", false));
        assert!(!matches_origin_pattern("myapp://cb/../evil", "myapp://cb/x", false));
        assert!(matches_origin_pattern("/dashboard", "http://x", true));
        assert!(!matches_origin_pattern("/dashboard", "http://x", false));
        assert!(!matches_origin_pattern("//evil.com", "http://x", true));
        assert!(!matches_origin_pattern("/\\evil.com", "http://x", true));
        assert!(!matches_origin_pattern("/%2fevil.com", "http://x", true));
    }

    #[test]
    fn csrf_rules() {
        let trusted = vec!["http://localhost:3000".to_string()];
        let s = CheckSettings { skip_csrf: false, skip_origin: false };
        let mut h = Headers::new();
        h.append("cookie", "a=b");
        assert_eq!(validate_origin(&h, &trusted, s, false).unwrap_err().code(), Some("MISSING_OR_NULL_ORIGIN"));
        h.append("origin", "http://evil.com");
        assert_eq!(validate_origin(&h, &trusted, s, false).unwrap_err().code(), Some("INVALID_ORIGIN"));
        let mut ok = Headers::new();
        ok.append("cookie", "a=b");
        ok.append("origin", "http://localhost:3000");
        assert!(validate_origin(&ok, &trusted, s, false).is_ok());
        let mut nav = Headers::new();
        nav.append("sec-fetch-site", "cross-site");
        nav.append("sec-fetch-mode", "navigate");
        assert_eq!(form_csrf(&nav, &trusted, s).unwrap_err().code(), Some("CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"));
        let mut cors = Headers::new();
        cors.append("sec-fetch-mode", "cors");
        assert_eq!(form_csrf(&cors, &trusted, s).unwrap_err().code(), Some("MISSING_OR_NULL_ORIGIN"));
        assert!(form_csrf(&Headers::new(), &trusted, s).is_ok());
    }
}
