//! JavaScript callbacks (password hash/verify overrides, `generateId`, and later hooks and
//! mail senders) as seen by the engine: named async calls with JSON arguments. The napi layer
//! implements [`JsCallbacks`] with one thread-safe function; the core never sees napi.
use crate::error::{ApiError, AuthError, AuthResult, ErrorBody};
use async_trait::async_trait;
use serde_json::Value;
use std::collections::HashSet;

/// Calls user-supplied JS functions by name.
#[async_trait]
pub trait JsCallbacks: Send + Sync {
    /// Calls callback `name` with JSON `args`, awaiting a returned promise. `Ok(None)` means the
    /// callback returned `undefined`.
    async fn call(&self, name: &str, args: Value) -> AuthResult<Option<Value>>;
}

/// The callbacks an instance has, and the bridge to call them.
#[derive(Default, Clone)]
pub struct Callbacks {
    bridge: Option<std::sync::Arc<dyn JsCallbacks>>,
    names: HashSet<String>,
    timeout: Option<std::time::Duration>,
}

impl std::fmt::Debug for Callbacks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callbacks").field("names", &self.names).finish()
    }
}

impl Callbacks {
    /// Callbacks `names` reachable through `bridge`.
    pub fn new(bridge: std::sync::Arc<dyn JsCallbacks>, names: impl IntoIterator<Item = String>) -> Self {
        Self { bridge: Some(bridge), names: names.into_iter().collect(), timeout: None }
    }

    /// Bounds every call (`advanced.callbackTimeout`); `None` waits forever.
    pub fn with_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The bridge, when the user supplied callback `name` (for calls made off the request).
    pub fn bridge_if(&self, name: &str) -> Option<std::sync::Arc<dyn JsCallbacks>> {
        if self.has(name) { self.bridge.clone() } else { None }
    }

    /// True when the user supplied callback `name`.
    pub fn has(&self, name: &str) -> bool {
        self.bridge.is_some() && self.names.contains(name)
    }

    /// Calls a mail callback as Better Auth's `runInBackgroundOrAwait` does: awaited, but a
    /// failure (thrown error, `APIError`, time-out) is only logged, so the answer does not depend
    /// on it (a reset for an existing email must look like one for an unknown email).
    pub async fn call_background(&self, name: &str, args: Value) {
        if let Err(e) = self.call(name, args).await {
            crate::log::error(&format!("Failed to run background task ({name}): {e}"));
        }
    }

    /// Calls `name` if supplied; `Ok(None)` when it is not (or returned `undefined`).
    pub async fn call(&self, name: &str, args: Value) -> AuthResult<Option<Value>> {
        match (&self.bridge, self.names.contains(name)) {
            (Some(b), true) => match self.timeout {
                None => b.call(name, args).await,
                Some(t) => match tokio::time::timeout(t, b.call(name, args)).await {
                    Ok(r) => r,
                    Err(_) => {
                        crate::log::error(&format!("callback {name} did not settle within {} ms", t.as_millis()));
                        Err(AuthError::coded(
                            "INTERNAL_SERVER_ERROR",
                            "CALLBACK_TIMEOUT",
                            format!("A server callback ({name}) did not answer in time"),
                        ))
                    }
                },
            },
            _ => Ok(None),
        }
    }
}

/// The `Request` argument Better Auth passes to callbacks, as the JS dispatcher revives it
/// (`{"__request": {method, url, headers: [[name, value], ...]}}`).
pub fn request_arg(method: &str, url: &str, headers: &crate::http::Headers) -> Value {
    let headers: Vec<Value> = headers.iter().map(|(k, v)| serde_json::json!([k, v])).collect();
    serde_json::json!({ "__request": { "method": method, "url": url, "headers": headers } })
}

/// Decodes the dispatcher's answer: `{"v": value}`, `{"u": 1}` (undefined) or
/// `{"e": {name, message, status, statusCode, body}}` for a thrown error. A thrown `APIError`
/// keeps its status and body; anything else is a server fault.
pub fn decode_reply(name: &str, reply: &str) -> AuthResult<Option<Value>> {
    let v: Value = serde_json::from_str(reply)
        .map_err(|e| AuthError::internal(format!("callback {name}: unreadable reply: {e}")))?;
    if let Some(val) = v.get("v") {
        return Ok(Some(val.clone()));
    }
    if v.get("u").is_some() {
        return Ok(None);
    }
    let e = v.get("e").cloned().unwrap_or(Value::Null);
    if e.get("name").and_then(Value::as_str) == Some("APIError") {
        let status = e.get("statusCode").and_then(Value::as_u64).unwrap_or(500) as u16;
        let status_name = match e.get("status") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => status.to_string(),
        };
        let body = match e.get("body") {
            Some(b) if b.is_object() => match (b.get("code").and_then(Value::as_str), b.get("message").and_then(Value::as_str)) {
                (Some(c), m) => ErrorBody::CodeMessage { code: c.into(), message: m.unwrap_or("").into() },
                (None, Some(m)) => ErrorBody::Message(m.into()),
                (None, None) => ErrorBody::Empty,
            },
            _ => ErrorBody::Empty,
        };
        return Err(AuthError::Api(ApiError { status, status_name, body }));
    }
    let msg = e.get("message").and_then(Value::as_str).unwrap_or("unknown error");
    Err(AuthError::internal(format!("callback {name} threw: {msg}")))
}
