//! HTTP routing: base path, method and path to an endpoint; body parsing (media types, JSON,
//! forms); the origin middleware; errors to HTTP responses, in one place.
use crate::context::AuthContext;
use crate::endpoints::{Call, Endpoint, Output};
use crate::error::{AuthError, ErrorBody};
use crate::http::{Headers, Request, Response, ResponseHeaders};
use crate::origin;
use serde_json::{Map, Value};

/// Parses `a=1&b=2&a=3` into a map (repeated keys become arrays), form-decoding values.
pub fn parse_query(q: &str) -> Map<String, Value> {
    let mut m: Map<String, Value> = Map::new();
    for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
        let v = Value::String(v.into_owned());
        match m.get_mut(k.as_ref()) {
            None => {
                m.insert(k.into_owned(), v);
            }
            Some(Value::Array(a)) => a.push(v),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, v]);
            }
        }
    }
    m
}

fn not_found() -> Response {
    Response { status: 404, status_text: "Not Found".into(), headers: Vec::new(), body: Vec::new() }
}

/// Turns an error into Better Auth's response: status, status name as status text, JSON body
/// `{message, code}` (or `{message}`, or empty), plus headers accumulated before the error.
pub fn error_response(err: &AuthError, headers: ResponseHeaders) -> Response {
    match err {
        AuthError::Api(e) => {
            let body = match &e.body {
                ErrorBody::CodeMessage { code, message } => {
                    let mut m = Map::with_capacity(2);
                    m.insert("message".into(), Value::String(message.clone()));
                    m.insert("code".into(), Value::String(code.clone()));
                    serde_json::to_vec(&Value::Object(m)).unwrap_or_default()
                }
                ErrorBody::Message(message) => {
                    let mut m = Map::with_capacity(1);
                    m.insert("message".into(), Value::String(message.clone()));
                    serde_json::to_vec(&Value::Object(m)).unwrap_or_default()
                }
                ErrorBody::Empty => Vec::new(),
            };
            let mut h = headers.0;
            h.push(("content-type".into(), "application/json".into()));
            Response { status: e.status, status_text: e.status_name.clone(), headers: h, body }
        }
        AuthError::Internal(m) => {
            crate::log::error(&format!("internal error: {m}"));
            Response { status: 500, status_text: "Internal Server Error".into(), headers: Vec::new(), body: Vec::new() }
        }
    }
}

/// Builds the success response for an endpoint output.
pub fn output_response(out: Output, headers: ResponseHeaders) -> Response {
    let mut h = headers.0;
    match out {
        Output::Json(v) => {
            h.push(("content-type".into(), "application/json".into()));
            let body = serde_json::to_vec(&v).unwrap_or_else(|_| b"null".to_vec());
            Response { status: 200, status_text: String::new(), headers: h, body }
        }
        Output::Html(html) => {
            h.push(("content-type".into(), "text/html".into()));
            Response { status: 200, status_text: String::new(), headers: h, body: html.into_bytes() }
        }
        Output::Redirect(location) => {
            h.push(("location".into(), location));
            h.push(("content-type".into(), "application/json".into()));
            Response { status: 302, status_text: "FOUND".into(), headers: h, body: Vec::new() }
        }
    }
}

/// better-call's JSON media-type test: `^application/([a-z0-9.+-]*\+)?json`.
fn is_json_type(ct: &str) -> bool {
    let Some(rest) = ct.strip_prefix("application/") else { return false };
    if rest.starts_with("json") {
        return true;
    }
    match rest.find("+json") {
        Some(i) => rest[..i].bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._+-".contains(&b)),
        None => false,
    }
}

/// `JSON.parse` accepts a `\uD800`–`\uDFFF` escape that is not half of a pair; serde_json
/// refuses it, and a Rust string cannot hold it. Each such escape becomes `\uFFFD`: the
/// character JavaScript produces when that string is encoded to UTF-8 (`TextEncoder`, Node's
/// `Buffer`, the PostgreSQL and MySQL drivers), so a password hashes, and a value is stored, as
/// Better Auth has them. Escaped backslashes (`\\ud800`) are left alone; pairs are kept.
fn replace_lone_surrogates(text: &str) -> std::borrow::Cow<'_, str> {
    fn surrogate_at(b: &[u8], i: usize) -> Option<u16> {
        let hex = b.get(i + 2..i + 6)?;
        if b.get(i) != Some(&b'\\') || !matches!(b.get(i + 1), Some(b'u')) {
            return None;
        }
        let s = std::str::from_utf8(hex).ok()?;
        let v = u16::from_str_radix(s, 16).ok()?;
        (0xD800..=0xDFFF).contains(&v).then_some(v)
    }
    let b = text.as_bytes();
    // fast path: no `\ud8`–`\udf` escape at all
    let maybe = b.windows(3).any(|w| w[0] == b'\\' && w[1] == b'u' && (w[2] == b'd' || w[2] == b'D'));
    if !maybe {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match surrogate_at(b, i) {
            Some(0xD800..=0xDBFF) if surrogate_at(b, i + 6).is_some_and(|lo| lo >= 0xDC00) => {
                i += 12; // a valid pair
            }
            Some(_) => {
                out.push_str(&text[copied..i]);
                out.push_str("\\uFFFD");
                i += 6;
                copied = i;
            }
            None => i += 2, // any other escape, including `\\`
        }
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Parses a request body as better-call does. `Ok(None)` when there is no body.
fn parse_body(req: &Request, allowed: &[&str], max: usize) -> Result<Option<Value>, AuthError> {
    let Some(bytes) = req.body.as_ref() else { return Ok(None) };
    if bytes.len() > max {
        return Err(AuthError::numeric(
            413,
            "PAYLOAD_TOO_LARGE",
            format!("Request body is larger than the {max}-byte limit"),
        ));
    }
    let raw_ct = req.headers.get("content-type").unwrap_or("");
    let ct = raw_ct.to_ascii_lowercase();
    let base = ct.split(';').next().unwrap_or("").trim().to_string();
    if !allowed.iter().any(|a| *a == base) {
        let list = allowed.join(", ");
        return Err(if ct.is_empty() {
            AuthError::numeric(415, "UNSUPPORTED_MEDIA_TYPE", format!("Content-Type is required. Allowed types: {list}"))
        } else {
            AuthError::numeric(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                format!("Content-Type \"{raw_ct}\" is not allowed. Allowed types: {list}"),
            )
        });
    }
    if is_json_type(&ct) {
        // JSON.parse of invalid UTF-8 sees U+FFFD; strings stay strings, so decode lossily.
        let text = String::from_utf8_lossy(bytes);
        let text = replace_lone_surrogates(&text);
        return serde_json::from_str::<Value>(&text)
            .map(Some)
            .map_err(|_| AuthError::numeric(400, "BAD_REQUEST", "Invalid JSON in request body"));
    }
    if ct.contains("application/x-www-form-urlencoded") {
        let mut m = Map::new();
        for (k, v) in url::form_urlencoded::parse(bytes) {
            // FormData keeps every value; Object assignment keeps the last one
            m.insert(k.into_owned(), Value::String(v.into_owned()));
        }
        return Ok(Some(Value::Object(m)));
    }
    Ok(Some(Value::String(String::from_utf8_lossy(bytes).into_owned())))
}

/// Handles one HTTP request.
pub async fn handle(ctx: &AuthContext, req: Request) -> Response {
    crate::log::scope(ctx.logger(), handle_request(ctx, req)).await
}

async fn handle_request(ctx: &AuthContext, req: Request) -> Response {
    // `disabledPaths`, checked first as in Better Auth's onRequest: a plain-text 404
    if !ctx.config.disabled_paths.is_empty() && ctx.config.disabled_paths.contains(&crate::rate_limit::normalize_pathname(&req.url, &ctx.config.base_path)) {
        return Response {
            status: 404,
            status_text: "Not Found".into(),
            headers: vec![("content-type".into(), "text/plain;charset=UTF-8".into())],
            body: b"Not Found".to_vec(),
        };
    }
    // Better Auth's onRequest: the rate limiter runs before routing, on every HTTP request
    if let Some(limited) = crate::rate_limit::check(ctx, &req).await {
        return limited;
    }
    let (path_and_query, origin_from_url) = match url::Url::parse(&req.url) {
        Ok(u) => {
            let origin = match u.origin() {
                o @ url::Origin::Tuple(..) => Some(o.ascii_serialization()),
                url::Origin::Opaque(_) => None,
            };
            (u[url::Position::BeforePath..].to_string(), origin)
        }
        Err(_) => {
            if req.url.starts_with('/') {
                (req.url.clone(), None)
            } else {
                return not_found();
            }
        }
    };
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (path_and_query, String::new()),
    };
    let base = &ctx.config.base_path;
    let Some(rest) = path.strip_prefix(base.as_str()) else { return not_found() };
    if !rest.starts_with('/') || rest == "/" || rest.contains("//") {
        return not_found();
    }
    let mut rel = rest.to_string();
    if rel.len() > 1 && rel.ends_with('/') {
        if !ctx.config.skip_trailing_slashes {
            return not_found();
        }
        rel = rel.trim_end_matches('/').to_string();
    }
    let method = req.method.to_ascii_uppercase();
    let Some((endpoint, params)) = Endpoint::all()
        .filter(|e| e.enabled(ctx) && e.methods().contains(&method.as_str()))
        .find_map(|e| e.match_path(&rel).map(|p| (e, p)))
    else {
        return not_found();
    };

    // `disableBody` (Better Auth's /get-session): the body is never read, so a POST answers 405
    // whatever it carries
    let body = if method == "GET" || method == "HEAD" || matches!(endpoint, Endpoint::GetSession) {
        None
    } else {
        match parse_body(&req, endpoint.media_types(), ctx.config.max_body_bytes) {
            Ok(b) => b,
            Err(e) => return error_response(&e, ResponseHeaders::default()),
        }
    };
    let query = parse_query(&query);
    let base_origin = ctx.config.base_origin.clone().or(origin_from_url);
    let mut trusted = ctx.trusted_origins(base_origin.as_deref());
    // a `trustedOrigins` function is only called when an origin or redirect target is checked:
    // state-changing requests, and the GET link endpoints' `callbackURL`
    let checks_origins = !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS") || query.contains_key("callbackURL");
    let dynamic_origins = if ctx.config.trusted_origins_fn && checks_origins {
        let arg = crate::callbacks::request_arg(&method, &req.url, &req.headers);
        match ctx.dynamic_trusted_origins(arg).await {
            Ok(v) => v,
            Err(e) => return error_response(&e, ResponseHeaders::default()),
        }
    } else {
        Vec::new()
    };
    trusted.extend(dynamic_origins.iter().cloned());
    let settings = origin::CheckSettings {
        skip_csrf: ctx.config.disable_csrf_check,
        skip_origin: ctx.config.disable_origin_check,
    };
    if !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS")
        && let Err(e) = origin::origin_check_middleware(&req.headers, body.as_ref(), &query, &trusted, settings) {
            return error_response(&e, ResponseHeaders::default());
        }
    // plugins' request hooks (bearer()): after the router's origin check, as Better Auth's
    // before-hooks
    let plugin_headers = crate::plugins::on_request(ctx, &req.headers);
    let mut call = Call {
        ctx,
        headers: std::borrow::Cow::Borrowed(plugin_headers.as_ref().unwrap_or(&req.headers)),
        request_headers: &req.headers,
        body,
        query,
        has_request: true,
        headers_given: true,
        base_origin,
        params,
        request: Some((method.clone(), req.url.clone())),
        new_session: None,
        out: ResponseHeaders::default(),
        dynamic_origins,
        endpoint: None,
        session: None,
    };
    let result = endpoint.run(&mut call, &method).await;
    crate::plugins::on_response(ctx, &mut call.out);
    match result {
        Ok(out) => output_response(out, call.out),
        Err(e) => error_response(&e, call.out),
    }
}

/// Input of a direct `auth.api.<name>(...)` call.
#[derive(Debug, Clone, Default)]
pub struct ApiInput {
    /// `headers` (None when the caller passed none).
    pub headers: Option<Headers>,
    /// `body`.
    pub body: Option<Value>,
    /// `query`.
    pub query: Map<String, Value>,
    /// `method` override.
    pub method: Option<String>,
    /// A `request` was passed: request-based checks run.
    pub has_request: bool,
    /// `params` (path parameters).
    pub params: Map<String, Value>,
}

/// Result of an `auth.api` call: the endpoint output or error, with accumulated headers.
#[derive(Debug)]
pub struct ApiOutput {
    /// Success value or error.
    pub result: Result<Output, AuthError>,
    /// Response headers (`set-cookie`, `cache-control`...).
    pub headers: ResponseHeaders,
}

/// Calls an endpoint directly (the `auth.api` door): same endpoint code, no router-level
/// origin middleware, as in Better Auth.
pub async fn call_api(ctx: &AuthContext, endpoint: Endpoint, input: ApiInput) -> ApiOutput {
    crate::log::scope(ctx.logger(), call_api_in_scope(ctx, endpoint, input)).await
}

async fn call_api_in_scope(ctx: &AuthContext, endpoint: Endpoint, input: ApiInput) -> ApiOutput {
    if !endpoint.enabled(ctx) {
        return ApiOutput { result: Err(AuthError::empty("NOT_FOUND")), headers: ResponseHeaders::default() };
    }
    if endpoint.requires_headers() && input.headers.is_none() {
        return ApiOutput { result: Err(AuthError::validation("Headers is required")), headers: ResponseHeaders::default() };
    }
    let headers_given = input.headers.is_some() || input.has_request;
    let own_headers = input.headers.unwrap_or_default();
    let plugin_headers = crate::plugins::on_request(ctx, &own_headers);
    let method = input.method.unwrap_or_else(|| endpoint.methods()[0].to_string()).to_ascii_uppercase();
    // origins are only checked for calls made with a `request` (as in Better Auth)
    let dynamic_origins = if input.has_request {
        match ctx.dynamic_trusted_origins(Value::Null).await {
            Ok(v) => v,
            Err(e) => return ApiOutput { result: Err(e), headers: ResponseHeaders::default() },
        }
    } else {
        Vec::new()
    };
    let mut call = Call {
        ctx,
        headers: std::borrow::Cow::Borrowed(plugin_headers.as_ref().unwrap_or(&own_headers)),
        request_headers: &own_headers,
        body: input.body,
        query: input.query,
        has_request: input.has_request,
        headers_given,
        base_origin: ctx.config.base_origin.clone(),
        params: input.params,
        request: None,
        new_session: None,
        out: ResponseHeaders::default(),
        dynamic_origins,
        endpoint: None,
        session: None,
    };
    let result = endpoint.run(&mut call, &method).await;
    crate::plugins::on_response(ctx, &mut call.out);
    ApiOutput { result, headers: call.out }
}

#[cfg(test)]
mod tests {
    use super::replace_lone_surrogates;

    fn parse(json: &str) -> serde_json::Value {
        serde_json::from_str(&replace_lone_surrogates(json)).expect("parses")
    }

    #[test]
    fn lone_surrogate_escapes_parse_as_replacement_characters() {
        assert_eq!(parse(r#""a\ud800b""#), "a\u{FFFD}b");
        assert_eq!(parse(r#""\uDFFF\udbff""#), "\u{FFFD}\u{FFFD}");
        // a pair is one character; a lone high before a pair is replaced, the pair kept
        assert_eq!(parse(r#""\ud83d\ude00""#), "\u{1F600}");
        assert_eq!(parse(r#""\ud800\ud83d\ude00\ude00""#), "\u{FFFD}\u{1F600}\u{FFFD}");
        // an escaped backslash followed by `ud800` is text, not an escape
        assert_eq!(parse(r#""\\ud800""#), "\\ud800");
        assert_eq!(parse(r#"{"\ud800":"x\u00e9"}"#)["\u{FFFD}"], "x\u{e9}");
        assert!(matches!(replace_lone_surrogates(r#"{"a":"\u00e9\\"}"#), std::borrow::Cow::Borrowed(_)));
        // a truncated escape stays invalid JSON
        assert!(serde_json::from_str::<serde_json::Value>(&replace_lone_surrogates(r#""\ud8""#)).is_err());
    }
}
