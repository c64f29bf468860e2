//! The user's `hooks.before` / `hooks.after` (Better Auth's `createAuthMiddleware` hooks), run in
//! JS around every endpoint, for HTTP and `auth.api` calls alike. The JS side builds the
//! middleware context and reports back what the hook decided.
use super::{Call, Endpoint, Output};
use crate::error::{ApiError, AuthError, AuthResult, ErrorBody};
use crate::http::Headers;
use serde_json::{Map, Value, json};

fn input(endpoint: Endpoint, call: &Call<'_>, method: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("path".into(), Value::String(endpoint.hook_path(call)));
    m.insert("method".into(), Value::String(method.to_string()));
    m.insert("body".into(), call.body.clone().unwrap_or(Value::Null));
    m.insert("query".into(), Value::Object(call.query.clone()));
    m.insert("params".into(), Value::Object(call.params.clone()));
    m.insert("headers".into(), Value::Array(call.headers.iter().map(|(k, v)| json!([k, v])).collect()));
    m.insert("request".into(), call.request_arg());
    m.insert("fromRouter".into(), Value::Bool(call.request.is_some()));
    m
}

fn append_headers(call: &mut Call<'_>, reply: &Value) {
    if let Some(Value::Array(hs)) = reply.get("headers") {
        for h in hs {
            if let (Some(k), Some(v)) = (h.get(0).and_then(Value::as_str), h.get(1).and_then(Value::as_str)) {
                if k.eq_ignore_ascii_case("set-cookie") {
                    call.out.0.push(("set-cookie".into(), v.to_string()));
                } else {
                    call.out.set(k, v);
                }
            }
        }
    }
}

/// Runs `hooks.before`. `Some(output)` short-circuits the endpoint.
pub async fn before(endpoint: Endpoint, call: &mut Call<'_>, method: &str) -> AuthResult<Option<Output>> {
    let arg = Value::Object(input(endpoint, call, method));
    let Some(reply) = call.ctx.callbacks.call("hooks.before", json!([arg])).await? else { return Ok(None) };
    append_headers(call, &reply);
    match reply.get("response") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(r)) if r.contains_key("context") => {
            if let Some(Value::Object(c)) = r.get("context") {
                if let Some(b) = c.get("body") {
                    call.body = Some(b.clone());
                }
                if let Some(Value::Object(q)) = c.get("query") {
                    call.query = q.clone();
                }
                if let Some(Value::Array(hs)) = c.get("headers") {
                    let mut merged = Headers::new();
                    let mut replaced: Vec<String> = Vec::new();
                    for h in hs {
                        if let (Some(k), Some(v)) = (h.get(0).and_then(Value::as_str), h.get(1).and_then(Value::as_str)) {
                            merged.append(k, v);
                            replaced.push(k.to_ascii_lowercase());
                        }
                    }
                    for (k, v) in call.headers.iter() {
                        if !replaced.iter().any(|r| r == k) {
                            merged.append(k, v);
                        }
                    }
                    call.headers = std::borrow::Cow::Owned(merged);
                }
            }
            Ok(None)
        }
        Some(v) => Ok(Some(Output::Json(v.clone()))),
    }
}

fn error_json(e: &AuthError) -> Value {
    match e {
        AuthError::Api(ApiError { status, status_name, body }) => {
            let body = match body {
                ErrorBody::CodeMessage { code, message } => json!({ "message": message, "code": code }),
                ErrorBody::Message(m) => json!({ "message": m }),
                ErrorBody::Empty => Value::Null,
            };
            json!({ "__error": { "status": status_name, "statusCode": status, "body": body } })
        }
        AuthError::Internal(_) => json!({ "__error": { "status": "INTERNAL_SERVER_ERROR", "statusCode": 500, "body": null } }),
    }
}

/// Runs `hooks.after` with the endpoint's result; its return value (if any) replaces it.
pub async fn after(endpoint: Endpoint, call: &mut Call<'_>, method: &str, result: AuthResult<Output>) -> AuthResult<Output> {
    let mut m = input(endpoint, call, method);
    let returned = match &result {
        Ok(Output::Json(v)) => v.clone(),
        Ok(Output::Html(h)) => Value::String(h.clone()),
        Ok(Output::Redirect(l)) => json!({ "__redirect": l }),
        Err(e) => error_json(e),
    };
    let mut context = Map::new();
    context.insert("returned".into(), returned);
    context.insert("responseHeaders".into(), Value::Array(call.out.0.iter().map(|(k, v)| json!([k, v])).collect()));
    context.insert("newSession".into(), call.new_session.clone().unwrap_or(Value::Null));
    context.insert("session".into(), call.session.clone().unwrap_or(Value::Null));
    m.insert("context".into(), Value::Object(context));
    let reply = match call.ctx.callbacks.call("hooks.after", json!([Value::Object(m)])).await {
        Ok(r) => r,
        Err(e) => return Err(e),
    };
    let Some(reply) = reply else { return result };
    append_headers(call, &reply);
    match reply.get("response") {
        None | Some(Value::Null) => result,
        Some(v) => Ok(Output::Json(v.clone())),
    }
}
