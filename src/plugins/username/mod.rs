//! Better Auth's `username()` plugin: `user.username` (unique, normalized) and
//! `user.displayUsername`, sign-in by username (`/sign-in/username`), `/is-username-available`,
//! and the checks on `/sign-up/email` and `/update-user` (length, validator, taken, immutable).
//!
//! Hooks: [`Plugin::before_endpoint`] (Better Auth's three before-hooks on sign-up/update-user),
//! [`Plugin::db_before`] (`user.create`/`user.update`: validation on other paths, normalization).
//! The app's validator and normalizer functions are JS callbacks.
use super::{Descriptor, EndpointFuture, Plugin, PluginEndpoint};
use crate::config::ConfigError;
use crate::endpoints::{Call, Output, js_len};
use crate::error::{AuthError, AuthResult};
use crate::store::User;
use crate::store::query::{Cond, Op, UserQuery};
use crate::store::schema::{Field, FieldType, Schema};
use serde_json::{Map, Value, json};
use std::sync::Arc;

pub mod endpoints;

fn sign_in<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
    Box::pin(async move { endpoints::sign_in_username(call).await.map(Output::Json) })
}
fn available<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
    Box::pin(async move { endpoints::is_username_available(call).await.map(Output::Json) })
}

/// The registration (see `src/plugins/mod.rs`).
pub static PLUGIN: Descriptor = Descriptor {
    id: "username",
    parse,
    endpoints: &[
        PluginEndpoint { plugin: "username", api_name: "signInUsername", path: "/sign-in/username", methods: &["POST"], form: false, require_headers: false, handler: sign_in },
        PluginEndpoint { plugin: "username", api_name: "isUsernameAvailable", path: "/is-username-available", methods: &["POST"], form: false, require_headers: false, handler: available },
    ],
    callbacks: &[
        (VALIDATOR, "usernameValidator"),
        (DISPLAY_VALIDATOR, "displayUsernameValidator"),
        (NORMALIZER, "usernameNormalization"),
        (DISPLAY_NORMALIZER, "displayUsernameNormalization"),
    ],
};

const VALIDATOR: &str = "username.usernameValidator";
const DISPLAY_VALIDATOR: &str = "username.displayUsernameValidator";
const NORMALIZER: &str = "username.usernameNormalization";
const DISPLAY_NORMALIZER: &str = "username.displayUsernameNormalization";

/// `USERNAME_ERROR_CODES` messages.
pub fn message(code: &str) -> &'static str {
    match code {
        "INVALID_USERNAME_OR_PASSWORD" => "Invalid username or password",
        "EMAIL_NOT_VERIFIED" => "Email not verified",
        "USERNAME_IS_ALREADY_TAKEN" => "Username is already taken. Please try another.",
        "USERNAME_TOO_SHORT" => "Username is too short",
        "USERNAME_TOO_LONG" => "Username is too long",
        "INVALID_USERNAME" => "Username is invalid",
        "INVALID_DISPLAY_USERNAME" => "Display username is invalid",
        "USERNAME_IS_IMMUTABLE" => "Username cannot be updated",
        _ => "Unexpected error",
    }
}

pub(crate) fn err(status: &str, code: &str) -> AuthError {
    AuthError::coded(status, code, message(code))
}

/// The `username()` plugin's options, resolved.
#[derive(Debug, Clone)]
pub struct UsernamePlugin {
    /// `minUsernameLength` (3; 0 means the default).
    pub min: usize,
    /// `maxUsernameLength` (30).
    pub max: usize,
    /// `usernameNormalization: false`: usernames are kept as given.
    pub no_normalization: bool,
    /// `validationOrder.username === "post-normalization"`.
    pub validate_normalized: bool,
    /// `validationOrder.displayUsername === "post-normalization"`.
    pub validate_display_normalized: bool,
    /// `immutableUsername`.
    pub immutable: bool,
    /// `displayUsername` (true): the `displayUsername` column exists and is written.
    pub display: bool,
    renames: Vec<(String, String)>,
}

fn bad(path: &str, what: &str, got: &Value) -> ConfigError {
    crate::config::bad(&format!("username({{ {path} }})"), what, got)
}

fn parse(listed: Option<&Value>, _all: &Value) -> Result<Option<Arc<dyn Plugin>>, ConfigError> {
    let Some(opts) = listed else { return Ok(None) };
    let empty = Map::new();
    let o = match opts {
        Value::Object(o) => o,
        Value::Null => &empty,
        other => return Err(bad("options", "an object", other)),
    };
    let len = |k: &str, d: usize| -> Result<usize, ConfigError> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(d),
            Some(Value::Number(n)) => Ok(n.as_f64().filter(|f| *f > 0.0).map(|f| f as usize).unwrap_or(d)),
            Some(other) => Err(bad(k, "a number", other)),
        }
    };
    let order = |k: &str| o.get("validationOrder").and_then(|v| v.get(k)).and_then(Value::as_str) == Some("post-normalization");
    let mut renames = Vec::new();
    if let Some(schema) = o.get("schema").filter(|v| !v.is_null()) {
        for (model, m) in schema.as_object().into_iter().flatten() {
            if model != "user" {
                return Err(bad(&format!("schema.{model}"), "only `user`", m));
            }
            for (k, v) in m.as_object().into_iter().flatten() {
                if k != "fields" {
                    return Err(bad(&format!("schema.user.{k}"), "only `fields` (column names) is supported", v));
                }
                for (field, col) in v.as_object().into_iter().flatten() {
                    let ok_field = field == "username" || field == "displayUsername";
                    let Some(col) = col.as_str().filter(|c| ok_field && !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')) else {
                        return Err(bad(&format!("schema.user.fields.{field}"), "a column name for username or displayUsername", col));
                    };
                    renames.push((field.clone(), col.to_string()));
                }
            }
        }
    }
    Ok(Some(Arc::new(UsernamePlugin {
        min: len("minUsernameLength", 3)?,
        max: len("maxUsernameLength", 30)?,
        no_normalization: o.get("usernameNormalization") == Some(&Value::Bool(false)),
        validate_normalized: order("username"),
        validate_display_normalized: order("displayUsername"),
        immutable: o.get("immutableUsername").and_then(Value::as_bool).unwrap_or(false),
        display: o.get("displayUsername") != Some(&Value::Bool(false)),
        renames,
    })))
}

fn default_valid(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

async fn call_str(call: &Call<'_>, name: &str, arg: &str) -> AuthResult<Option<String>> {
    Ok(match call.ctx.callbacks.call(name, json!([arg])).await? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    })
}

impl UsernamePlugin {
    /// The stored form of a username (`usernameNormalization`, default lower case).
    pub async fn normalize(&self, call: &Call<'_>, username: &str) -> AuthResult<String> {
        if self.no_normalization {
            return Ok(username.to_string());
        }
        if call.ctx.callbacks.has(NORMALIZER) {
            return Ok(call_str(call, NORMALIZER, username).await?.unwrap_or_default());
        }
        Ok(username.to_lowercase())
    }

    async fn normalize_display(&self, call: &Call<'_>, display: &str) -> AuthResult<String> {
        if call.ctx.callbacks.has(DISPLAY_NORMALIZER) {
            return Ok(call_str(call, DISPLAY_NORMALIZER, display).await?.unwrap_or_default());
        }
        Ok(display.to_string())
    }

    /// Better Auth's `validateUsernameValue`: the error code, or `None` when valid.
    pub async fn check_value(&self, call: &Call<'_>, username: &str) -> AuthResult<Option<&'static str>> {
        let v = if self.validate_normalized { self.normalize(call, username).await? } else { username.to_string() };
        let len = js_len(&v);
        if len < self.min {
            return Ok(Some("USERNAME_TOO_SHORT"));
        }
        if len > self.max {
            return Ok(Some("USERNAME_TOO_LONG"));
        }
        let ok = if call.ctx.callbacks.has(VALIDATOR) {
            call.ctx.callbacks.call(VALIDATOR, json!([v])).await?.as_ref().is_some_and(crate::origin::truthy)
        } else {
            default_valid(&v)
        };
        Ok(if ok { None } else { Some("INVALID_USERNAME") })
    }

    async fn display_ok(&self, call: &Call<'_>, display: &str) -> AuthResult<bool> {
        if !call.ctx.callbacks.has(DISPLAY_VALIDATOR) {
            return Ok(true);
        }
        let v = if self.validate_display_normalized { self.normalize_display(call, display).await? } else { display.to_string() };
        Ok(call.ctx.callbacks.call(DISPLAY_VALIDATOR, json!([v])).await?.as_ref().is_some_and(crate::origin::truthy))
    }

    /// The user whose (normalized) username is `normalized`.
    pub async fn find(&self, call: &Call<'_>, normalized: &str) -> AuthResult<Option<User>> {
        let q = UserQuery { conds: vec![Cond { field: "username".into(), op: Op::Eq, value: Value::String(normalized.into()) }], limit: Some(1), ..Default::default() };
        Ok(call.ctx.store().await?.find_users(&q).await?.into_iter().next())
    }

    /// Better Auth's `validateUsername` (the database hooks' check on other paths).
    async fn validate_full(&self, call: &Call<'_>, username: &str, display: Option<&str>, current: Option<&str>) -> AuthResult<()> {
        if let Some(code) = self.check_value(call, username).await? {
            return Err(err("BAD_REQUEST", code));
        }
        let normalized = self.normalize(call, username).await?;
        if let Some(existing) = self.find(call, &normalized).await?
            && current.is_none_or(|id| id != existing.id)
        {
            return Err(err("BAD_REQUEST", "USERNAME_IS_ALREADY_TAKEN"));
        }
        if let Some(d) = display.filter(|d| !d.is_empty())
            && !self.display_ok(call, d).await?
        {
            return Err(err("BAD_REQUEST", "INVALID_DISPLAY_USERNAME"));
        }
        Ok(())
    }
}

fn field(key: &str, unique: bool) -> Field {
    let mut f = Field { core: false, ..Field::core(key, FieldType::String, false) };
    if unique {
        f.unique = true;
        f.sortable = true;
    }
    f
}

#[async_trait::async_trait]
impl Plugin for UsernamePlugin {
    fn id(&self) -> &'static str {
        PLUGIN.id
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn extend_schema(&self, schema: &mut Schema) -> Result<(), ConfigError> {
        let mut fields = vec![field("username", true)];
        if self.display {
            fields.push(field("displayUsername", false));
        }
        for mut f in fields {
            if schema.user.field(&f.key).is_some() {
                return Err(ConfigError(format!("Invalid better-auth-rs option `user.additionalFields.{}`: the username plugin adds this field", f.key)));
            }
            if let Some((_, col)) = self.renames.iter().find(|(k, _)| *k == f.key) {
                f.column = col.clone();
            }
            schema.user.fields.push(f);
        }
        Ok(())
    }

    fn db_hooks(&self, model: &str, op: &str) -> bool {
        model == "user" && (op == "create" || op == "update")
    }

    async fn db_before(&self, call: &Call<'_>, model: &str, op: &str, data: &mut Map<String, Value>) -> AuthResult<bool> {
        if model != "user" || (op != "create" && op != "update") {
            return Ok(true);
        }
        let path = call.endpoint.as_ref().map(|(p, _)| p.as_str()).unwrap_or("");
        let skip_validation = path == "/sign-up/email" || path == "/update-user";
        let username = data.get("username").filter(|v| crate::origin::truthy(v)).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        let display = data.get("displayUsername").filter(|v| crate::origin::truthy(v)).and_then(Value::as_str).map(str::to_string);
        match username {
            Some(u) => {
                if !skip_validation {
                    let current = if op == "update" {
                        call.session
                            .as_ref()
                            .and_then(|s| s.pointer("/user/id"))
                            .and_then(Value::as_str)
                            .map(str::to_string)
                            .or_else(|| data.get("id").and_then(Value::as_str).map(str::to_string))
                    } else {
                        None
                    };
                    self.validate_full(call, &u, display.as_deref(), current.as_deref()).await?;
                }
                data.insert("username".into(), Value::String(self.normalize(call, &u).await?));
                if self.display {
                    match (&display, op) {
                        (Some(d), _) => {
                            data.insert("displayUsername".into(), Value::String(self.normalize_display(call, d).await?));
                        }
                        (None, "create") => {
                            data.insert("displayUsername".into(), Value::String(u));
                        }
                        _ => {}
                    }
                }
            }
            None => {
                if self.display
                    && let Some(d) = display
                {
                    data.insert("displayUsername".into(), Value::String(self.normalize_display(call, &d).await?));
                }
            }
        }
        Ok(true)
    }

    async fn before_endpoint(&self, call: &mut Call<'_>, path: &str) -> AuthResult<()> {
        if path != "/sign-up/email" && path != "/update-user" {
            return Ok(());
        }
        let Some(Value::Object(body)) = call.body.clone() else { return Ok(()) };
        let mut body = body;
        // 1. sign-up with only a display name: it becomes the username when valid
        if path == "/sign-up/email"
            && let Some(Value::String(d)) = body.get("displayUsername")
            && !body.contains_key("username")
            && self.check_value(call, d).await?.is_none()
        {
            let d = d.clone();
            body.insert("username".into(), Value::String(d));
        }
        // 2. the username's checks
        if let Some(Value::String(u)) = body.get("username") {
            if let Some(code) = self.check_value(call, u).await? {
                return Err(err("BAD_REQUEST", code));
            }
            let normalized = self.normalize(call, u).await?;
            let session_user = if path == "/update-user" { endpoints::session_user(call).await? } else { None };
            if path == "/update-user" && self.immutable
                && let Some(s) = &session_user
            {
                let current = s.extra.get("username").and_then(Value::as_str).unwrap_or("");
                if !current.is_empty() && current != normalized {
                    return Err(err("BAD_REQUEST", "USERNAME_IS_IMMUTABLE"));
                }
            }
            if let Some(existing) = self.find(call, &normalized).await? {
                let own = path == "/update-user" && session_user.as_ref().is_some_and(|s| s.id == existing.id);
                if !own {
                    return Err(err("BAD_REQUEST", "USERNAME_IS_ALREADY_TAKEN"));
                }
            }
        }
        if self.display
            && let Some(Value::String(d)) = body.get("displayUsername")
            && !self.display_ok(call, d).await?
        {
            return Err(err("BAD_REQUEST", "INVALID_DISPLAY_USERNAME"));
        }
        // 3. sign-up with only a username: the display name is the username as typed
        if path == "/sign-up/email"
            && self.display
            && body.get("username").is_some_and(crate::origin::truthy)
            && !body.get("displayUsername").is_some_and(crate::origin::truthy)
        {
            let u = body.get("username").cloned().unwrap_or(Value::Null);
            body.insert("displayUsername".into(), u);
        }
        call.body = Some(Value::Object(body));
        Ok(())
    }
}
