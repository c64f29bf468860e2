//! Test support for plugin flows without Node: an engine on a temporary SQLite file, time from a
//! fixed clock, and JS callbacks answered by Rust closures that record their arguments.
use crate::callbacks::{Callbacks, JsCallbacks};
use crate::clock::FixedClock;
use crate::config::AuthConfig;
use crate::context::AuthContext;
use crate::error::AuthResult;
use crate::http::{Headers, Request, Response};
use crate::store::Store;
use crate::store::sql::{PoolSettings, SqlStore};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub const BASE: &str = "http://localhost:3000/api/auth";
pub const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00.000Z

/// Records every call (name, arguments) and answers `undefined`.
#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<(String, Value)>>);

#[async_trait::async_trait]
impl JsCallbacks for Recorder {
    async fn call(&self, name: &str, args: Value) -> AuthResult<Option<Value>> {
        if let Ok(mut calls) = self.0.lock() {
            calls.push((name.to_string(), args));
        }
        Ok(None)
    }
}

impl Recorder {
    /// The first argument of the last call of `name`.
    pub fn last(&self, name: &str) -> Option<Value> {
        let calls = self.0.lock().ok()?;
        calls.iter().rev().find(|(n, _)| n == name).and_then(|(_, a)| a.get(0).cloned())
    }
}

pub struct Env {
    pub ctx: AuthContext,
    pub clock: Arc<FixedClock>,
    pub calls: Arc<Recorder>,
    pub store: Arc<SqlStore>,
    path: std::path::PathBuf,
}

impl Drop for Env {
    fn drop(&mut self) {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.path.display()));
        }
    }
}

/// An engine with `options` merged over the basics, the JS callbacks `callbacks` recorded.
pub async fn env(options: Value, callbacks: &[&str]) -> Env {
    let path = std::env::temp_dir().join(format!("ba-rs-plugin-{}.db", crate::crypto::random::generate_id(12)));
    let mut opts = json!({
        "secret": "test-secret-for-plugins-0123456789abcdef",
        "baseURL": "http://localhost:3000",
        "database": path.to_string_lossy(),
        "emailAndPassword": { "enabled": true },
        "advanced": { "hashConcurrency": 1 },
    });
    if let (Value::Object(o), Value::Object(extra)) = (&mut opts, options) {
        o.extend(extra);
    }
    let config = AuthConfig::from_options(&opts, &json!({})).expect("options");
    let store = Arc::new(SqlStore::open_sqlite(&path.to_string_lossy(), config.schema.clone(), PoolSettings { max_connections: None }).await.expect("store"));
    store.migrate().await.expect("migrate");
    let clock = Arc::new(FixedClock::new(T0));
    let calls = Arc::new(Recorder::default());
    let cbs = Callbacks::new(calls.clone(), callbacks.iter().map(|s| s.to_string()));
    let ctx = AuthContext::with_store(config, store.clone(), clock.clone()).with_callbacks(cbs);
    Env { ctx, clock, calls, store, path }
}

impl Env {
    /// Sends a request; `(status, location, JSON body or Null)`.
    pub async fn send(&self, method: &str, path_and_query: &str, body: Option<Value>) -> (u16, Option<String>, Value, Response) {
        let mut h = Headers::new();
        h.append("origin", "http://localhost:3000");
        if body.is_some() {
            h.append("content-type", "application/json");
        }
        let req = Request { method: method.into(), url: format!("{BASE}{path_and_query}"), headers: h, body: body.map(|b| b.to_string().into_bytes()) };
        let res = crate::router::handle(&self.ctx, req).await;
        let location = res.headers.iter().find(|(k, _)| k == "location").map(|(_, v)| v.clone());
        let json = serde_json::from_slice(&res.body).unwrap_or(Value::Null);
        (res.status, location, json, res)
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let (s, _, j, _) = self.send("POST", path, Some(body)).await;
        (s, j)
    }

    /// The `value` of the newest verification row of `identifier`.
    pub async fn row(&self, identifier: &str) -> Option<String> {
        self.store.find_verification(identifier).await.expect("find").map(|v| v.value)
    }
}
