//! Outbound HTTP (token, userinfo, discovery, JWKS) through the app's `globalThis.fetch`, called
//! as the JS callback `http.fetch` (js/outbound.js): awaited off the JS thread, redirects never
//! followed, a time limit and a body-size limit on every call. What an app's tests intercept
//! (msw, undici's MockAgent) is intercepted here too, as with Better Auth.
use crate::context::AuthContext;
use crate::error::{AuthError, AuthResult};
use serde_json::{Map, Value, json};

/// The callback name.
pub const CALLBACK: &str = "http.fetch";

/// Time limit of one outbound request.
pub const TIMEOUT_MS: u64 = 10_000;

/// Largest response body read.
pub const MAX_BYTES: u64 = 1024 * 1024;

/// An answer from a provider.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// `Location` header, when any.
    pub location: Option<String>,
    /// Body text.
    pub body: String,
}

impl HttpResponse {
    /// True for 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON (`None` when it is not JSON).
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// Sends one request. Network errors and time-outs are errors.
pub async fn send(ctx: &AuthContext, method: &str, url: &str, headers: &[(String, String)], body: Option<String>) -> AuthResult<HttpResponse> {
    send_as(ctx, method, url, headers, body, false).await
}

/// `GET url` for bytes: the body base64-encoded for a 2xx answer, else `None`.
pub async fn get_base64(ctx: &AuthContext, url: &str, headers: &[(String, String)]) -> AuthResult<Option<String>> {
    let r = send_as(ctx, "GET", url, headers, None, true).await?;
    Ok(r.ok().then_some(r.body))
}

async fn send_as(ctx: &AuthContext, method: &str, url: &str, headers: &[(String, String)], body: Option<String>, base64: bool) -> AuthResult<HttpResponse> {
    if !ctx.callbacks.has(CALLBACK) {
        return Err(AuthError::internal("outbound HTTP is not available (no fetch bridge)"));
    }
    let mut h = Map::new();
    for (k, v) in headers {
        h.insert(k.to_ascii_lowercase(), Value::String(v.clone()));
    }
    let req = json!({ "url": url, "method": method, "headers": h, "body": body, "timeoutMs": TIMEOUT_MS, "maxBytes": MAX_BYTES, "base64": base64 });
    let fut = ctx.callbacks.call(CALLBACK, json!([req]));
    // the JS side aborts at TIMEOUT_MS; this bounds a fetch replacement that ignores the signal
    let reply = match tokio::time::timeout(std::time::Duration::from_millis(TIMEOUT_MS + 2_000), fut).await {
        Ok(r) => r?,
        Err(_) => return Err(AuthError::internal(format!("request to {} timed out", redact_url(url)))),
    };
    let Some(r) = reply else { return Err(AuthError::internal("fetch bridge returned nothing")) };
    Ok(HttpResponse {
        status: r.get("status").and_then(Value::as_u64).unwrap_or(0) as u16,
        location: r.get("location").and_then(Value::as_str).map(str::to_string),
        body: r.get("body").and_then(Value::as_str).unwrap_or("").to_string(),
    })
}

/// `GET url` for JSON: `None` for a non-2xx answer or a body that is not a JSON object (as
/// better-fetch's `{ error }`).
pub async fn get_json(ctx: &AuthContext, url: &str, headers: &[(String, String)]) -> AuthResult<Option<Value>> {
    let r = send(ctx, "GET", url, headers, None).await?;
    if !r.ok() {
        return Ok(None);
    }
    Ok(r.json().filter(Value::is_object))
}

/// The URL without query and credentials, for logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!("{}{}", u.origin().ascii_serialization(), u.path()),
        Err(_) => "<url>".into(),
    }
}
