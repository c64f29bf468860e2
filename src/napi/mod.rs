//! The only module that imports napi: the `NativeAuth` class the JS layer wraps.
//! Every call crosses the boundary once, runs on napi's tokio runtime (never on the JS thread),
//! and a panic inside the engine becomes a rejected promise instead of a crashed process.
use crate::config::AuthConfig;
use crate::context::AuthContext;
use crate::endpoints::{Endpoint, Output};
use crate::error::{AuthError, ErrorBody};
use crate::http::{Headers, Request};
use crate::router::{self, ApiInput};
use crate::callbacks::{Callbacks, JsCallbacks, decode_reply};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;

mod revive;
use serde_json::Value;
use std::sync::Arc;

fn pairs(flat: Vec<String>) -> Headers {
    let mut it = flat.into_iter();
    let mut h = Headers::new();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        h.append(&k, v);
    }
    h
}

fn flatten(headers: Vec<(String, String)>) -> Vec<String> {
    let mut out = Vec::with_capacity(headers.len() * 2);
    for (k, v) in headers {
        out.push(k);
        out.push(v);
    }
    out
}

/// Runs a future in place (no extra task hop on the hot path), turning a panic into an error.
struct CatchUnwind<F>(std::pin::Pin<Box<F>>);

impl<F: std::future::Future> std::future::Future for CatchUnwind<F> {
    type Output = std::result::Result<F::Output, String>;
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        let fut = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(std::task::Poll::Ready(v)) => std::task::Poll::Ready(Ok(v)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(p) => {
                let msg = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".into());
                std::task::Poll::Ready(Err(msg))
            }
        }
    }
}

fn caught<F: std::future::Future>(f: F) -> CatchUnwind<F> {
    CatchUnwind(Box::pin(f))
}

fn inline_panic(e: String) -> Error {
    Error::new(Status::GenericFailure, format!("better-auth-rs: internal panic in the Rust engine ({e})"))
}

fn panic_message(e: tokio::task::JoinError) -> Error {
    Error::new(Status::GenericFailure, format!("better-auth-rs: internal panic in the Rust engine ({e})"))
}

/// The JS dispatcher: `(name, argsJson) => Promise<replyJson>`; it never throws (errors are
/// encoded in the reply), see `js/callbacks.js`.
type Dispatcher = ThreadsafeFunction<FnArgs<(String, String)>, Promise<String>, FnArgs<(String, String)>, Status, false, true>;

struct JsBridge {
    tsfn: Dispatcher,
}

#[async_trait::async_trait]
impl JsCallbacks for JsBridge {
    async fn call(&self, name: &str, args: Value) -> crate::error::AuthResult<Option<Value>> {
        let promise = self
            .tsfn
            .call_async_catch(FnArgs::from((name.to_string(), args.to_string())))
            .await
            .map_err(|e| AuthError::internal(format!("callback {name} could not be called: {e}")))?;
        let reply = promise.await.map_err(|e| AuthError::internal(format!("callback {name} failed: {e}")))?;
        decode_reply(name, &reply)
    }
}

/// A response from `handle`: status, status text, flattened `[name, value, ...]` headers, body.
#[napi(object)]
pub struct NativeResponse {
    /// HTTP status.
    pub status: u32,
    /// Status text.
    pub status_text: String,
    /// `[name, value, name, value, ...]`; `set-cookie` may repeat.
    pub headers: Vec<String>,
    /// Body bytes.
    pub body: Buffer,
}

/// The result of an `auth.api` call.
#[napi(object)]
pub struct NativeApiResult {
    /// `"json"`, `"html"`, `"redirect"` or `"error"`.
    pub kind: String,
    /// HTTP status (200 on success).
    pub status: u32,
    /// Better Auth status name (`UNAUTHORIZED`, or a number as text) for errors.
    pub status_name: String,
    /// Flattened response headers.
    pub headers: Vec<String>,
    /// JSON text (json, error), HTML, or the redirect location.
    pub body: String,
}

/// The plugins the engine serves (`src/plugins/mod.rs`), as JSON text:
/// `[{ "id": "jwt", "callbacks": [["jwt.definePayload", "jwt.definePayload"], ...] }, ...]` —
/// each callback as [name the engine calls, path of the function inside the plugin's options].
#[napi]
pub fn plugin_manifest() -> String {
    crate::plugins::manifest().to_string()
}

/// The Rust engine behind one `betterAuth(options)` instance.
#[napi]
pub struct NativeAuth {
    ctx: Arc<AuthContext>,
    /// Keys whose ISO strings the JS layer turns into `Date`s (set once by `setDateKeys`).
    date_keys: std::sync::OnceLock<Arc<std::collections::HashSet<String>>>,
}

#[napi]
impl NativeAuth {
    /// Resolves and validates the options (JSON text) against the environment snapshot (JSON
    /// text). Throws an error naming the bad option.
    /// `dispatcher` calls the user's JS callbacks named in `callback_names`.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        options_json: String,
        env_json: String,
        dispatcher: Option<Function<FnArgs<(String, String)>, Promise<String>>>,
        callback_names: Option<Vec<String>>,
    ) -> Result<Self> {
        let options: Value = serde_json::from_str(&options_json)
            .map_err(|e| Error::new(Status::InvalidArg, format!("better-auth-rs: options are not serializable: {e}")))?;
        let env: Value = serde_json::from_str(&env_json).unwrap_or(Value::Null);
        let config = AuthConfig::from_options(&options, &env).map_err(|e| Error::new(Status::InvalidArg, e.0))?;
        let mut ctx = AuthContext::new(config);
        if let (Some(d), Some(names)) = (dispatcher, callback_names) {
            let tsfn: Dispatcher = d
                .build_threadsafe_function::<FnArgs<(String, String)>>()
                .callee_handled::<false>()
                .weak::<true>()
                .build()?;
            let timeout = (ctx.config.callback_timeout_ms > 0).then(|| std::time::Duration::from_millis(ctx.config.callback_timeout_ms));
            ctx = ctx.with_callbacks(Callbacks::new(Arc::new(JsBridge { tsfn }), names).with_timeout(timeout));
        }
        crate::plugins::refuse_callbacks(&ctx.config.plugins, &|name| ctx.callbacks.has(name)).map_err(|e| Error::new(Status::InvalidArg, e.0))?;
        Ok(Self { ctx: Arc::new(ctx), date_keys: std::sync::OnceLock::new() })
    }

    /// Resolved base path (`/api/auth`).
    #[napi(getter)]
    pub fn base_path(&self) -> String {
        self.ctx.config.base_path.clone()
    }

    /// Resolved base URL origin, if configured.
    #[napi(getter)]
    pub fn base_origin(&self) -> Option<String> {
        self.ctx.config.base_origin.clone()
    }

    /// True when the development default secret is in use.
    #[napi(getter)]
    pub fn secret_is_default(&self) -> bool {
        self.ctx.config.secret_is_default
    }

    /// Opens the database and runs the embedded schema setup now instead of on first use.
    #[napi]
    pub async fn init(&self) -> Result<()> {
        let ctx = self.ctx.clone();
        tokio::spawn(async move { ctx.store().await.map(|_| ()) })
            .await
            .map_err(panic_message)?
            .map_err(|e| Error::new(Status::GenericFailure, format!("better-auth-rs: {e}")))
    }

    /// Creates the missing tables, columns and indexes; resolves to the statements run.
    #[napi]
    pub async fn migrate(&self) -> Result<Vec<String>> {
        let ctx = self.ctx.clone();
        tokio::spawn(async move {
            let store = ctx.sql().await?;
            let plan = crate::store::migrate::plan(store).await?;
            crate::store::migrate::migrate(store).await?;
            crate::store::Store::migrate(store.as_ref()).await?;
            Ok::<_, AuthError>(plan)
        })
        .await
        .map_err(panic_message)?
        .map_err(|e| Error::new(Status::GenericFailure, format!("better-auth-rs: {e}")))
    }

    /// The statements `migrate` would run (nothing is changed).
    #[napi]
    pub async fn generate(&self) -> Result<Vec<String>> {
        let ctx = self.ctx.clone();
        tokio::spawn(async move {
            let store = crate::store::open_sql(&ctx.config.database, ctx.config.schema.clone(), &ctx.callbacks).await?;
            crate::store::migrate::plan(&store).await
        })
        .await
        .map_err(panic_message)?
        .map_err(|e| Error::new(Status::GenericFailure, format!("better-auth-rs: {e}")))
    }

    /// Credential accounts by password-hash format, for `npx better-auth-rs hashes`:
    /// `[argon2id, scrypt, other, none]` — argon2id (ours; Better Auth cannot verify it),
    /// scrypt (Better Auth's `salt:key`), any other value, and no password. Read-only: one
    /// aggregate query, no hash leaves the database, no table is created.
    #[napi]
    pub async fn password_hash_counts(&self) -> Result<Vec<i64>> {
        let ctx = self.ctx.clone();
        tokio::spawn(async move {
            let store = crate::store::open_sql(&ctx.config.database, ctx.config.schema.clone(), &ctx.callbacks).await?;
            password_hash_counts(&store).await
        })
        .await
        .map_err(panic_message)?
        .map_err(|e| Error::new(Status::GenericFailure, format!("better-auth-rs: {e}")))
    }

    /// The keys whose ISO-string values the JS layer revives as `Date`s (its `reviveDates`),
    /// for answers handed over as objects. Set once; later calls are ignored.
    #[napi]
    pub fn set_date_keys(&self, keys: Vec<String>) {
        let _ = self.date_keys.set(Arc::new(keys.into_iter().collect()));
    }

    /// `auth.api.getSession`'s answer as objects (`Date`s revived, `null` for no session) when it
    /// can be given at once on this thread (a cookie-cache hit, or an SQLite point read that
    /// never waits: see `endpoints::session::session_now`); `undefined` otherwise, and the
    /// caller runs the full endpoint. Takes only the headers the session check reads.
    /// Through a Better Auth adapter the answer may be the session token (a string): the caller
    /// reads it with the adapter's `findOne` and calls again with that result's JSON as
    /// `adapter_row` (see `endpoints::session::session_now`).
    #[napi(catch_unwind, ts_return_type = "unknown")]
    pub fn get_session_now(
        &self,
        cookie: Option<String>,
        authorization: Option<String>,
        disable_cookie_cache: bool,
        disable_refresh: bool,
        adapter_row: Option<String>,
    ) -> revive::Owned {
        let mut h = Headers::new();
        if let Some(c) = cookie {
            h.append("cookie", c);
        }
        if let Some(a) = authorization {
            h.append("authorization", a);
        }
        let Some(keys) = self.date_keys.get() else { return revive::Owned::none() };
        revive::Owned::new(crate::endpoints::session::session_now(&self.ctx, &h, disable_cookie_cache, disable_refresh, adapter_row.as_deref()), keys.clone())
    }

    /// True when `session.cookieCache` is on.
    #[napi(getter)]
    pub fn cookie_cache_enabled(&self) -> bool {
        self.ctx.config.session.cookie_cache.is_some()
    }

    /// Logical names of date-typed fields of `user` and `session` (for `Date` revival in `auth.api`).
    #[napi(getter)]
    pub fn date_fields(&self) -> Vec<String> {
        let s = &self.ctx.config.schema;
        let mut v: Vec<String> = s
            .user
            .fields
            .iter()
            .chain(s.session.fields.iter())
            .filter(|f| f.ty == crate::store::schema::FieldType::Date)
            .map(|f| f.key.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Every `auth.api` endpoint name.
    #[napi(getter)]
    pub fn api_names(&self) -> Vec<String> {
        Endpoint::all().map(|e| e.api_name().to_string()).collect()
    }

    /// Database kind: `sqlite`, `postgresql`, `mysql`, or `adapter` (a Better Auth adapter).
    #[napi(getter)]
    pub fn dialect(&self) -> String {
        match self.ctx.config.database {
            crate::config::DatabaseConfig::Sqlite { .. } | crate::config::DatabaseConfig::SqliteHandle { .. } => "sqlite",
            crate::config::DatabaseConfig::Postgres { .. } => "postgresql",
            crate::config::DatabaseConfig::Mysql { .. } => "mysql",
            crate::config::DatabaseConfig::Adapter { .. } => "adapter",
        }
        .into()
    }

    /// Handles one HTTP request given as plain data.
    #[napi]
    pub async fn handle(&self, method: String, url: String, headers: Vec<String>, body: Option<Buffer>) -> Result<NativeResponse> {
        let ctx = self.ctx.clone();
        let req = Request { method, url, headers: pairs(headers), body: body.map(|b| b.to_vec()) };
        let res = caught(async move { router::handle(&ctx, req).await }).await.map_err(inline_panic)?;
        Ok(NativeResponse {
            status: u32::from(res.status),
            status_text: res.status_text,
            headers: flatten(res.headers),
            body: res.body.into(),
        })
    }

    /// `ctx.context.internalAdapter.<method>(...args)` for hooks (JSON in, JSON text out).
    #[napi]
    pub async fn internal_adapter(&self, method: String, args_json: String) -> Result<String> {
        let args: Vec<Value> = serde_json::from_str(&args_json).unwrap_or_default();
        let ctx = self.ctx.clone();
        let out = caught(async move { crate::endpoints::internal_adapter::call(&ctx, &method, &args).await }).await.map_err(inline_panic)?;
        out.map(|v| v.to_string()).map_err(|e| Error::new(Status::GenericFailure, format!("better-auth-rs: {e}")))
    }

    /// Method names of `internalAdapter` served to hooks.
    #[napi(getter)]
    pub fn internal_adapter_methods(&self) -> Vec<String> {
        crate::endpoints::internal_adapter::METHODS.iter().map(|s| s.to_string()).collect()
    }

    /// Calls an endpoint by its `auth.api` name.
    #[napi]
    pub async fn api(
        &self,
        name: String,
        headers: Option<Vec<String>>,
        body_json: Option<String>,
        query_json: Option<String>,
        method: Option<String>,
        has_request: bool,
        params_json: Option<String>,
    ) -> Result<NativeApiResult> {
        let Some(endpoint) = Endpoint::from_api_name(&name) else {
            return Err(Error::new(Status::InvalidArg, format!("better-auth-rs: unknown endpoint {name}")));
        };
        let body = match body_json {
            Some(t) => Some(
                serde_json::from_str::<Value>(&t)
                    .map_err(|e| Error::new(Status::InvalidArg, format!("better-auth-rs: body is not JSON: {e}")))?,
            ),
            None => None,
        };
        let query = match query_json.map(|t| serde_json::from_str::<Value>(&t)) {
            Some(Ok(Value::Object(m))) => m,
            _ => serde_json::Map::new(),
        };
        let params = match params_json.map(|t| serde_json::from_str::<Value>(&t)) {
            Some(Ok(Value::Object(m))) => m,
            _ => serde_json::Map::new(),
        };
        let input = ApiInput { headers: headers.map(pairs), body, query, method, has_request, params };
        let ctx = self.ctx.clone();
        let out = caught(async move { router::call_api(&ctx, endpoint, input).await }).await.map_err(inline_panic)?;
        let headers = flatten(out.headers.0);
        Ok(match out.result {
            Ok(Output::Json(v)) => NativeApiResult {
                kind: "json".into(),
                status: 200,
                status_name: "OK".into(),
                headers,
                body: serde_json::to_string(&v).unwrap_or_else(|_| "null".into()),
            },
            Ok(Output::Html(h)) => {
                NativeApiResult { kind: "html".into(), status: 200, status_name: "OK".into(), headers, body: h }
            }
            Ok(Output::Redirect(l)) => {
                NativeApiResult { kind: "redirect".into(), status: 302, status_name: "FOUND".into(), headers, body: l }
            }
            Err(AuthError::Api(e)) => {
                let body = match e.body {
                    ErrorBody::CodeMessage { code, message } => serde_json::json!({ "message": message, "code": code }),
                    ErrorBody::Message(message) => serde_json::json!({ "message": message }),
                    ErrorBody::Empty => Value::Null,
                };
                NativeApiResult {
                    kind: "error".into(),
                    status: u32::from(e.status),
                    status_name: e.status_name,
                    headers,
                    body: body.to_string(),
                }
            }
            Err(AuthError::Internal(m)) => {
                crate::log::error(&format!("internal error: {m}"));
                NativeApiResult {
                    kind: "error".into(),
                    status: 500,
                    status_name: "INTERNAL_SERVER_ERROR".into(),
                    headers,
                    body: "null".into(),
                }
            }
        })
    }
}

/// `NativeAuth::password_hash_counts`'s query: counts by prefix in the database (the same test as
/// `crypto::password::hash_kind`: `$argon2...` is argon2, a `:` is scrypt), under the account
/// table's mapped names.
async fn password_hash_counts(store: &crate::store::sql::SqlStore) -> crate::error::AuthResult<Vec<i64>> {
    use crate::store::{schema::FieldType, value::Val};
    let m = &store.schema().account;
    let d = store.dialect();
    let pw = d.q(m.col("password"));
    let sql = format!(
        "select count(case when {pw} like '$argon2id$%' then 1 end), \
         count(case when {pw} not like '$argon2%' and {pw} like '%:%' then 1 end), \
         count(case when {pw} <> '' and {pw} not like '$argon2id$%' and ({pw} like '$argon2%' or {pw} not like '%:%') then 1 end), \
         count(case when {pw} is null or {pw} = '' then 1 end) \
         from {} where {} = {}",
        d.q(&m.table),
        d.q(m.col("providerId")),
        d.p(1)
    );
    let rows = store.fetch_raw(sql, vec![(Val::Text("credential".into()), FieldType::String)], &[FieldType::Number; 4]).await?;
    let row = rows.into_iter().next().unwrap_or_default();
    Ok((0..4)
        .map(|i| match row.get(i) {
            Some(Val::Int(n)) => *n,
            Some(Val::Float(f)) => *f as i64,
            _ => 0,
        })
        .collect())
}
