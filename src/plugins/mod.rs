//! Plugins: one folder each (options, schema additions, endpoints, hooks), known to the rest of
//! the engine through one list, [`REGISTRY`].
//!
//! From that list the config parser resolves each plugin's options ([`Descriptor::parse`]), the
//! schema and migrator get its tables ([`Plugin::extend_schema`]), the router and `auth.api`
//! get its endpoints ([`Descriptor::endpoints`], served when [`Plugin::serves`] says so), the JS
//! layer gets its id and the JS callbacks it calls ([`manifest`]), and the request pipeline
//! runs its hooks ([`on_request`], [`on_response`], [`after_get_session`]).
//!
//! Adding a plugin: a folder `src/plugins/<name>/` with a `pub static PLUGIN: Descriptor` and a
//! type implementing [`Plugin`], then one line in [`REGISTRY`] (and `pub mod <name>;` below).
use crate::config::ConfigError;
use crate::context::AuthContext;
use crate::endpoints::{Call, Output};
use crate::error::AuthResult;
use crate::http::{Headers, ResponseHeaders};
use crate::store::schema::Schema;
use serde_json::{Map, Value};
use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub mod admin;
pub mod bearer;
pub mod email_otp;
pub mod generic_oauth;
pub mod jwt;
pub mod magic_link;
#[cfg(test)]
pub(crate) mod testing;
pub mod two_factor;
pub mod username;

/// Every plugin the engine serves, in the order their hooks run and their tables are created.
pub static REGISTRY: &[&Descriptor] = &[&bearer::PLUGIN, &jwt::PLUGIN, &admin::PLUGIN, &username::PLUGIN, &magic_link::PLUGIN, &email_otp::PLUGIN, &two_factor::PLUGIN, &generic_oauth::PLUGIN];

/// The future a plugin endpoint returns.
pub type EndpointFuture<'c> = Pin<Box<dyn Future<Output = AuthResult<Output>> + Send + 'c>>;

/// A plugin endpoint's function: called by the router and by `auth.api` alike.
pub type Handler = for<'c, 'a> fn(&'c mut Call<'a>) -> EndpointFuture<'c>;

/// Resolves a plugin's options: `(listed, all)` → the plugin when it is on (see
/// [`Descriptor::parse`]).
pub type ParseOptions = fn(listed: Option<&Value>, all: &Value) -> Result<Option<Arc<dyn Plugin>>, ConfigError>;

/// One row of a plugin's endpoint table.
pub struct PluginEndpoint {
    /// Id of the plugin that serves it.
    pub plugin: &'static str,
    /// `auth.api` name (`getToken`).
    pub api_name: &'static str,
    /// Path relative to the base path (`/token`); empty for server-only endpoints.
    pub path: &'static str,
    /// HTTP methods served (the first is the default of `auth.api` calls).
    pub methods: &'static [&'static str],
    /// Form bodies (`application/x-www-form-urlencoded`) accepted besides JSON.
    pub form: bool,
    /// `requireHeaders`: `auth.api` calls must pass `headers`.
    pub require_headers: bool,
    /// The endpoint itself.
    pub handler: Handler,
}

impl std::fmt::Debug for PluginEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginEndpoint").field("plugin", &self.plugin).field("api_name", &self.api_name).finish_non_exhaustive()
    }
}

// `auth.api` names are unique across the engine, so they identify a row
impl PartialEq for PluginEndpoint {
    fn eq(&self, other: &Self) -> bool {
        self.api_name == other.api_name
    }
}
impl Eq for PluginEndpoint {}

/// A plugin as registered: its id, how its options are read, its endpoints and the JS callbacks
/// it may call.
pub struct Descriptor {
    /// Better Auth's plugin id (`jwt`, `bearer`), matched against `plugins[i].id`.
    pub id: &'static str,
    /// Resolves the options. `listed`: the `options` of the last `{ id, options }` entry of
    /// `plugins` with this id (`None` when not listed; `null` options arrive as `{}`); `all`:
    /// the whole options object, for top-level forms (the `jwt` option). `Ok(None)`: off.
    pub parse: ParseOptions,
    /// Endpoints (served only while the plugin is on, see [`Plugin::serves`]).
    pub endpoints: &'static [PluginEndpoint],
    /// JS callbacks the plugin calls: (name the engine calls it by, dotted path of the function
    /// inside the plugin's options). The JS layer registers the ones the app set.
    pub callbacks: &'static [(&'static str, &'static str)],
}

/// A plugin with its options resolved, as one `betterAuth(options)` instance uses it. Every hook
/// has a default that does nothing.
#[async_trait::async_trait]
pub trait Plugin: Send + Sync + 'static {
    /// The registered id.
    fn id(&self) -> &'static str;

    /// For [`Plugins::get`].
    fn as_any(&self) -> &dyn Any;

    /// Adds the plugin's tables or columns to the schema (the migrator creates them).
    fn extend_schema(&self, _schema: &mut Schema) -> Result<(), ConfigError> {
        Ok(())
    }

    /// Whether one of the plugin's endpoints is served with these options.
    fn serves(&self, _endpoint: &PluginEndpoint) -> bool {
        true
    }

    /// Before an endpoint runs (after the router's origin check): replacement request headers,
    /// or `None` to keep them. Also applied to the cookie-cache fast path of `getSession`.
    fn on_request(&self, _ctx: &AuthContext, _headers: &Headers) -> Option<Headers> {
        None
    }

    /// After every endpoint, on success or error: may add response headers.
    fn on_response(&self, _ctx: &AuthContext, _out: &mut ResponseHeaders) {}

    /// After `getSession` produced `body` (`{ session, user }` or `null`), before the user's
    /// `hooks.after`. An error fails the call.
    async fn after_get_session(&self, _call: &mut Call<'_>, _body: &Value) -> AuthResult<()> {
        Ok(())
    }

    /// Whether [`Plugin::db_before`] acts on `<model>.<op>` (writes that skip the hook machinery
    /// when no hook is set ask this first).
    fn db_hooks(&self, _model: &str, _op: &str) -> bool {
        false
    }

    /// The plugin's `databaseHooks` (Better Auth runs them before the app's): `<model>.<op>`
    /// `before` on the row about to be written (`data`, as hooks see it), which it may change.
    /// `Ok(false)` cancels the write; an error fails the endpoint with it.
    async fn db_before(&self, _call: &Call<'_>, _model: &str, _op: &str, _data: &mut Map<String, Value>) -> AuthResult<bool> {
        Ok(true)
    }

    /// After an endpoint answered JSON (and after the app's `hooks.after`), as Better Auth's
    /// plugin after-hooks that replace the response: may change `body`. `path` is the
    /// endpoint's (`/list-sessions`).
    fn after_endpoint(&self, _call: &Call<'_>, _path: &str, _body: &mut Value) {}

    /// After an endpoint answered JSON (after [`Plugin::after_endpoint`]): a Better Auth plugin
    /// after-hook that does work with the store or JS callbacks and leaves the answer as it is
    /// (email OTP's `sendVerificationOnSignUp` mails a code after `/sign-up/*`). `path` is the
    /// endpoint's. An error becomes the call's answer, as a throwing after-hook's does.
    async fn after_endpoint_async(&self, _call: &mut Call<'_>, _path: &str, _body: &Value) -> AuthResult<()> {
        Ok(())
    }

    /// After an endpoint answered JSON (after [`Plugin::after_endpoint`], before
    /// [`Plugin::after_endpoint_async`]): a Better Auth plugin after-hook that works with the
    /// store and may replace the answer (`body`), drop or add `Set-Cookie` entries in
    /// `call.out` (`ResponseHeaders::set_cookie` drops earlier entries of a name, as
    /// `expireCookie`), and clear `call.new_session` (`setNewSession(null)`); the two-factor
    /// sign-in interception. An error becomes the call's answer.
    async fn after_endpoint_mut(&self, _call: &mut Call<'_>, _path: &str, _body: &mut Value) -> AuthResult<()> {
        Ok(())
    }

    /// Refuses, when `betterAuth()` runs, JS functions the app set in the plugin's options that
    /// the engine does not serve (`has(name)`: the callback of that [`Descriptor::callbacks`]
    /// name was set): an error instead of a silently ignored option.
    fn refuse_callbacks(&self, _has: &dyn Fn(&str) -> bool) -> Result<(), ConfigError> {
        Ok(())
    }

    /// True when the plugin sends the core's verification emails itself, as Better Auth plugins
    /// whose `init` sets `emailVerification.sendVerificationEmail` (email OTP's
    /// `overrideDefaultEmailVerification`). The app's own `sendVerificationEmail` wins.
    fn sends_verification_email(&self) -> bool {
        false
    }

    /// Sends the verification email for `email` in the plugin's way (see
    /// [`Plugin::sends_verification_email`]); failures are the plugin's to log.
    async fn send_verification_email(&self, _call: &Call<'_>, _email: &str) -> AuthResult<()> {
        Ok(())
    }

    /// Before an endpoint runs (after the app's `hooks.before`), as Better Auth's plugin
    /// before-hooks: may check or change the request (`call.body`); an error answers instead.
    /// `path` is the endpoint's (`/sign-up/email`).
    async fn before_endpoint(&self, _call: &mut Call<'_>, _path: &str) -> AuthResult<()> {
        Ok(())
    }

    /// Social-sign-in providers the plugin brings (`genericOAuth`), served through
    /// `/sign-in/social` and `/callback/:id`; earlier plugins' providers shadow later ones'.
    fn oauth_providers(&self) -> Vec<Arc<dyn crate::oauth::provider::OAuthProvider>> {
        Vec::new()
    }

    /// The plugin's rate-limit rule for a base-path-relative `path` (Better Auth's plugin
    /// `rateLimit` entries): it replaces the built-in special rules; `rateLimit.customRules`
    /// still override it.
    fn rate_limit_rule(&self, _path: &str) -> Option<crate::rate_limit::Rule> {
        None
    }
}

/// The plugins one instance serves, in registration order.
#[derive(Clone, Default)]
pub struct Plugins(Vec<Arc<dyn Plugin>>);

impl std::fmt::Debug for Plugins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|p| p.id())).finish()
    }
}

impl Plugins {
    /// Reads `options.plugins` (`[{ id, options }]`) and any top-level plugin options. Ids the
    /// engine does not serve are skipped (the JS layer refuses or warns about them).
    pub fn from_options(all: &Value) -> Result<Self, ConfigError> {
        let mut listed: Vec<(&str, Value)> = Vec::new();
        match all.get("plugins").filter(|v| !v.is_null()) {
            None => {}
            Some(Value::Array(items)) => {
                for (i, p) in items.iter().enumerate() {
                    let id = p.get("id").and_then(Value::as_str).unwrap_or("");
                    if id.is_empty() {
                        return Err(crate::config::bad(&format!("plugins[{i}]"), "a plugin object with an `id`", p));
                    }
                    let popts = match p.get("options") {
                        None | Some(Value::Null) => Value::Object(Map::new()),
                        Some(v) => v.clone(),
                    };
                    listed.retain(|(k, _)| *k != id);
                    listed.push((id, popts));
                }
            }
            Some(other) => return Err(crate::config::bad("plugins", "an array", other)),
        }
        let mut on = Vec::new();
        for d in REGISTRY {
            let opts = listed.iter().find(|(k, _)| *k == d.id).map(|(_, v)| v);
            if let Some(p) = (d.parse)(opts, all)? {
                on.push(p);
            }
        }
        Ok(Self(on))
    }

    /// Lets every plugin add its tables and columns.
    pub fn extend_schema(&self, schema: &mut Schema) -> Result<(), ConfigError> {
        self.0.iter().try_for_each(|p| p.extend_schema(schema))
    }

    /// The plugin of type `T`, when it is on.
    pub fn get<T: Plugin>(&self) -> Option<&T> {
        self.0.iter().find_map(|p| p.as_any().downcast_ref::<T>())
    }

    /// The plugin with this id, when it is on.
    pub fn by_id(&self, id: &str) -> Option<&dyn Plugin> {
        self.0.iter().find(|p| p.id() == id).map(|p| p.as_ref())
    }

    /// The plugins that are on, in registration order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Plugin> {
        self.0.iter().map(|p| p.as_ref())
    }

    /// True when an endpoint of a registered plugin is served.
    pub fn serves(&self, endpoint: &PluginEndpoint) -> bool {
        self.by_id(endpoint.plugin).is_some_and(|p| p.serves(endpoint))
    }
}

/// Every registered plugin's endpoints.
pub fn endpoints() -> impl Iterator<Item = &'static PluginEndpoint> {
    REGISTRY.iter().flat_map(|d| d.endpoints.iter())
}

/// The request headers endpoints see after the plugins' [`Plugin::on_request`] hooks; `None`
/// when no plugin changed them.
pub fn on_request(ctx: &AuthContext, headers: &Headers) -> Option<Headers> {
    let mut changed: Option<Headers> = None;
    for p in ctx.config.plugins.iter() {
        if let Some(h) = p.on_request(ctx, changed.as_ref().unwrap_or(headers)) {
            changed = Some(h);
        }
    }
    changed
}

/// Runs the plugins' [`Plugin::on_response`] hooks.
pub fn on_response(ctx: &AuthContext, out: &mut ResponseHeaders) {
    for p in ctx.config.plugins.iter() {
        p.on_response(ctx, out);
    }
}

/// Runs the plugins' [`Plugin::after_get_session`] hooks.
pub async fn after_get_session(call: &mut Call<'_>, body: &Value) -> AuthResult<()> {
    let ctx = call.ctx;
    for p in ctx.config.plugins.iter() {
        p.after_get_session(call, body).await?;
    }
    Ok(())
}

/// True when a plugin that is on has a database hook for `<model>.<op>`.
pub fn has_db_hooks(call: &Call<'_>, model: &str, op: &str) -> bool {
    call.ctx.config.plugins.iter().any(|p| p.db_hooks(model, op))
}

/// Runs the plugins' [`Plugin::db_before`] hooks on `data`: `Ok(None)` when one cancelled.
pub async fn db_before(call: &Call<'_>, model: &str, op: &str, data: Value) -> AuthResult<Option<Value>> {
    let Value::Object(mut m) = data else { return Ok(Some(data)) };
    for p in call.ctx.config.plugins.iter() {
        if !p.db_before(call, model, op, &mut m).await? {
            return Ok(None);
        }
    }
    Ok(Some(Value::Object(m)))
}

/// Runs the plugins' [`Plugin::before_endpoint`] hooks.
pub async fn before_endpoint(call: &mut Call<'_>, path: &str) -> AuthResult<()> {
    let ctx = call.ctx;
    for p in ctx.config.plugins.iter() {
        p.before_endpoint(call, path).await?;
    }
    Ok(())
}

/// Runs the plugins' [`Plugin::after_endpoint_async`] hooks (the first error stops them).
pub async fn after_endpoint_async(call: &mut Call<'_>, path: &str, body: &Value) -> AuthResult<()> {
    let ctx = call.ctx;
    for p in ctx.config.plugins.iter() {
        p.after_endpoint_async(call, path, body).await?;
    }
    Ok(())
}

/// Runs the plugins' [`Plugin::after_endpoint_mut`] hooks (the first error stops them).
pub async fn after_endpoint_mut(call: &mut Call<'_>, path: &str, body: &mut Value) -> AuthResult<()> {
    let ctx = call.ctx;
    for p in ctx.config.plugins.iter() {
        p.after_endpoint_mut(call, path, body).await?;
    }
    Ok(())
}

/// Runs the plugins' [`Plugin::refuse_callbacks`] checks.
pub fn refuse_callbacks(plugins: &Plugins, has: &dyn Fn(&str) -> bool) -> Result<(), ConfigError> {
    plugins.iter().try_for_each(|p| p.refuse_callbacks(has))
}

/// The plugin that sends the core's verification emails, when one does (see
/// [`Plugin::sends_verification_email`]).
pub fn verification_email_sender(ctx: &AuthContext) -> Option<&dyn Plugin> {
    ctx.config.plugins.iter().find(|p| p.sends_verification_email())
}

/// Runs the plugins' [`Plugin::after_endpoint`] hooks.
pub fn after_endpoint(call: &Call<'_>, path: &str, body: &mut Value) {
    for p in call.ctx.config.plugins.iter() {
        p.after_endpoint(call, path, body);
    }
}

/// What the JS layer needs to know of the registered plugins, as JSON:
/// `[{ "id": "jwt", "callbacks": [["jwt.definePayload", "jwt.definePayload"], ...] }, ...]`.
pub fn manifest() -> Value {
    Value::Array(
        REGISTRY
            .iter()
            .map(|d| {
                let cbs = d.callbacks.iter().map(|(name, path)| Value::Array(vec![Value::from(*name), Value::from(*path)])).collect();
                let mut m = Map::new();
                m.insert("id".into(), Value::from(d.id));
                m.insert("callbacks".into(), Value::Array(cbs));
                Value::Object(m)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_api_names_are_unique() {
        let ids: Vec<&str> = REGISTRY.iter().map(|d| d.id).collect();
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids[..i].contains(id), "plugin id {id} registered twice");
        }
        let core: Vec<&str> = crate::endpoints::Endpoint::all().map(|e| e.api_name()).collect();
        for (i, name) in core.iter().enumerate() {
            assert!(!core[..i].contains(name), "auth.api name {name} used twice");
        }
        for e in endpoints() {
            assert!(REGISTRY.iter().any(|d| d.id == e.plugin), "{} names an unregistered plugin", e.api_name);
        }
    }
}
