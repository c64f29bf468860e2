//! Better Auth's `admin()` plugin: user management endpoints under `/admin/*`, roles and
//! permissions (`createAccessControl` roles evaluated here, [`access`]), bans (refused at every
//! session creation, lifted once expired) and impersonation (`session.impersonatedBy`, the signed
//! `admin_session` cookie).
//!
//! - [`access`]: `role().authorize` and the default statements/roles.
//! - [`endpoints`]: the 15 endpoints.
//! - here: options, schema additions (user `role`, `banned`, `banReason`, `banExpires`; session
//!   `impersonatedBy`), the database hooks (default role on user creation, the ban check on
//!   session creation) and the `/list-sessions` after-hook (impersonation sessions hidden).
use super::{Descriptor, EndpointFuture, Plugin, PluginEndpoint};
use crate::config::ConfigError;
use crate::endpoints::{Call, Output};
use crate::error::{AuthError, AuthResult};
use crate::store::schema::{Field, FieldType, Schema};
use access::Statements;
use serde_json::{Map, Value};
use std::sync::Arc;

pub mod access;
pub mod endpoints;

macro_rules! route {
    ($api:literal, $path:literal, $method:literal, $headers:literal, $f:ident) => {
        PluginEndpoint { plugin: "admin", api_name: $api, path: $path, methods: &[$method], form: false, require_headers: $headers, handler: $f }
    };
}

macro_rules! handlers {
    ($($name:ident),* $(,)?) => {
        $(fn $name<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
            Box::pin(async move { endpoints::$name(call).await.map(Output::Json) })
        })*
    };
}

handlers!(
    set_role,
    get_user,
    create_user,
    update_user,
    list_users,
    list_user_sessions,
    unban_user,
    ban_user,
    impersonate_user,
    stop_impersonating,
    revoke_user_session,
    revoke_user_sessions,
    remove_user,
    set_user_password,
    has_permission,
);

/// The registration (see `src/plugins/mod.rs`).
pub static PLUGIN: Descriptor = Descriptor {
    id: "admin",
    parse,
    endpoints: &[
        route!("setRole", "/admin/set-role", "POST", true, set_role),
        route!("getUser", "/admin/get-user", "GET", false, get_user),
        route!("createUser", "/admin/create-user", "POST", false, create_user),
        route!("adminUpdateUser", "/admin/update-user", "POST", false, update_user),
        route!("listUsers", "/admin/list-users", "GET", false, list_users),
        route!("listUserSessions", "/admin/list-user-sessions", "POST", false, list_user_sessions),
        route!("unbanUser", "/admin/unban-user", "POST", false, unban_user),
        route!("banUser", "/admin/ban-user", "POST", false, ban_user),
        route!("impersonateUser", "/admin/impersonate-user", "POST", false, impersonate_user),
        route!("stopImpersonating", "/admin/stop-impersonating", "POST", true, stop_impersonating),
        route!("revokeUserSession", "/admin/revoke-user-session", "POST", false, revoke_user_session),
        route!("revokeUserSessions", "/admin/revoke-user-sessions", "POST", false, revoke_user_sessions),
        route!("removeUser", "/admin/remove-user", "POST", false, remove_user),
        route!("setUserPassword", "/admin/set-user-password", "POST", false, set_user_password),
        route!("userHasPermission", "/admin/has-permission", "POST", false, has_permission),
    ],
    callbacks: &[("admin.bannedUserMessage", "bannedUserMessage")],
};

/// Better Auth's default `bannedUserMessage`.
pub const BANNED_MESSAGE: &str = "You have been banned from this application. Please contact support if you believe this is an error.";

/// The `admin()` plugin's options, resolved.
#[derive(Debug, Clone)]
pub struct AdminPlugin {
    /// `defaultRole` (`"user"`).
    pub default_role: String,
    /// `adminRoles` (`["admin"]`), trimmed: who counts as an admin target for impersonation.
    pub admin_roles: Vec<String>,
    /// `adminUserIds`: pass every permission check.
    pub admin_user_ids: Vec<String>,
    /// `roles` (name → statements; `None` for an entry that is not a role object). `None`: the
    /// default roles, and any role name may be set.
    pub roles: Option<Vec<(String, Option<Statements>)>>,
    /// `defaultBanReason`.
    pub default_ban_reason: Option<String>,
    /// `defaultBanExpiresIn`, seconds.
    pub default_ban_expires_in: Option<f64>,
    /// `impersonationSessionDuration`, seconds (3600).
    pub impersonation_session_duration: f64,
    /// `bannedUserMessage` when a string (a function is the `admin.bannedUserMessage` callback).
    pub banned_user_message: String,
    /// `allowImpersonatingAdmins`.
    pub allow_impersonating_admins: bool,
    /// Column names from `schema.user.fields` / `schema.session.fields`.
    renames: Vec<(&'static str, &'static str, String)>,
}

fn bad(path: &str, what: &str, got: &Value) -> ConfigError {
    crate::config::bad(&format!("admin({{ {path} }})"), what, got)
}

fn strings(v: &Value, path: &str) -> Result<Vec<String>, ConfigError> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(s.split(',').map(str::to_string).collect()),
        Value::Array(a) => a.iter().map(|x| x.as_str().map(str::to_string).ok_or_else(|| bad(path, "a list of strings", v))).collect(),
        other => Err(bad(path, "a string or a list of strings", other)),
    }
}

fn seconds(o: &Map<String, Value>, key: &str) -> Result<Option<f64>, ConfigError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(other) => Err(bad(key, "a number of seconds", other)),
    }
}

fn parse(listed: Option<&Value>, _all: &Value) -> Result<Option<Arc<dyn Plugin>>, ConfigError> {
    let Some(opts) = listed else { return Ok(None) };
    let empty = Map::new();
    let o = match opts {
        Value::Object(o) => o,
        Value::Null => &empty,
        other => return Err(bad("options", "an object", other)),
    };
    let default_role = match o.get("defaultRole") {
        None | Some(Value::Null) => "user".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(bad("defaultRole", "a string", other)),
    };
    let roles = match o.get("roles") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(
            m.iter()
                .map(|(name, r)| {
                    let st = r.get("statements").and_then(Value::as_object).cloned();
                    (name.clone(), st)
                })
                .collect::<Vec<_>>(),
        ),
        Some(other) => return Err(bad("roles", "an object of roles (ac.newRole(...))", other)),
    };
    let admin_roles = match o.get("adminRoles") {
        None | Some(Value::Null) => vec!["admin".to_string()],
        Some(v) => {
            let given = strings(v, "adminRoles")?;
            // Better Auth checks the given names against the role names, ignoring case
            let names: Vec<String> = match &roles {
                Some(r) => r.iter().map(|(n, _)| n.to_lowercase()).collect(),
                None => access::default_roles().into_iter().map(|(n, _)| n).collect(),
            };
            let invalid: Vec<&String> = given.iter().filter(|r| !names.contains(&r.to_lowercase())).collect();
            if !invalid.is_empty() {
                let list: Vec<&str> = invalid.iter().map(|s| s.as_str()).collect();
                return Err(ConfigError(format!(
                    "Invalid admin roles: {}. Admin roles must be defined in the 'roles' configuration.",
                    list.join(", ")
                )));
            }
            given
        }
    };
    let admin_roles = admin_roles.iter().map(|r| r.trim().to_string()).collect();
    let admin_user_ids = match o.get("adminUserIds") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().map(|x| x.as_str().map(str::to_string).ok_or_else(|| bad("adminUserIds", "a list of user ids", x))).collect::<Result<_, _>>()?,
        Some(other) => return Err(bad("adminUserIds", "a list of user ids", other)),
    };
    let default_ban_reason = match o.get("defaultBanReason") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => return Err(bad("defaultBanReason", "a string", other)),
    };
    let banned_user_message = match o.get("bannedUserMessage") {
        // a function arrives as the `admin.bannedUserMessage` callback (JSON drops it)
        None | Some(Value::Null) => BANNED_MESSAGE.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(bad("bannedUserMessage", "a string or a function", other)),
    };
    let allow_impersonating_admins = o.get("allowImpersonatingAdmins").and_then(Value::as_bool).unwrap_or(false);
    let mut renames = Vec::new();
    if let Some(schema) = o.get("schema").filter(|v| !v.is_null()) {
        let Value::Object(s) = schema else { return Err(bad("schema", "an object", schema)) };
        for (model, m) in s {
            let keys: &[&'static str] = match model.as_str() {
                "user" => &["role", "banned", "banReason", "banExpires"],
                "session" => &["impersonatedBy"],
                _ => return Err(bad(&format!("schema.{model}"), "user or session", m)),
            };
            let Value::Object(mo) = m else { return Err(bad(&format!("schema.{model}"), "an object", m)) };
            for (k, v) in mo {
                if k != "fields" {
                    // renaming the table from a plugin is not served: refuse rather than ignore
                    return Err(bad(&format!("schema.{model}.{k}"), "only `fields` (column names) is supported", v));
                }
                let Value::Object(fields) = v else { return Err(bad(&format!("schema.{model}.fields"), "an object", v)) };
                for (field, col) in fields {
                    let Some(key) = keys.iter().find(|x| **x == field.as_str()) else {
                        return Err(bad(&format!("schema.{model}.fields.{field}"), "a field of the admin plugin", col));
                    };
                    let Some(col) = col.as_str().filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')) else {
                        return Err(bad(&format!("schema.{model}.fields.{field}"), "a column name of letters, digits and _", col));
                    };
                    renames.push((if model == "user" { "user" } else { "session" }, *key, col.to_string()));
                }
            }
        }
    }
    Ok(Some(Arc::new(AdminPlugin {
        default_role,
        admin_roles,
        admin_user_ids,
        roles,
        default_ban_reason,
        default_ban_expires_in: seconds(o, "defaultBanExpiresIn")?,
        impersonation_session_duration: seconds(o, "impersonationSessionDuration")?.filter(|s| *s != 0.0).unwrap_or(3600.0),
        banned_user_message,
        allow_impersonating_admins,
        renames,
    })))
}

fn plugin_field(key: &str, ty: FieldType, default: Option<Value>) -> Field {
    Field { input: false, core: false, default, ..Field::core(key, ty, false) }
}

impl AdminPlugin {
    /// Better Auth's `hasPermission({ userId, role, options, permissions })`.
    pub fn has_permission(&self, user_id: &str, role: Option<&str>, permissions: &Map<String, Value>) -> bool {
        if !user_id.is_empty() && self.admin_user_ids.iter().any(|id| id == user_id) {
            return true;
        }
        let role = role.filter(|r| !r.is_empty()).unwrap_or(if self.default_role.is_empty() { "user" } else { &self.default_role });
        let defaults;
        let roles = match &self.roles {
            Some(r) => r,
            None => {
                defaults = access::default_roles();
                &defaults
            }
        };
        role.split(',').any(|name| {
            roles
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, st)| st.as_ref())
                .is_some_and(|st| access::authorize(st, permissions, false) == access::Authorize::Allowed)
        })
    }

    /// `opts.roles[role]` is set (always true without `roles`).
    pub fn role_exists(&self, role: &str) -> bool {
        match &self.roles {
            None => true,
            Some(r) => r.iter().any(|(n, _)| n == role),
        }
    }

    /// The message of a `BANNED_USER` refusal for `user` (the function form awaited).
    async fn banned_message(&self, call: &Call<'_>, user: &Value) -> AuthResult<String> {
        let cbs = &call.ctx.callbacks;
        if cbs.has("admin.bannedUserMessage") {
            return match cbs.call("admin.bannedUserMessage", Value::Array(vec![user.clone()])).await? {
                Some(Value::String(s)) => Ok(s),
                Some(other) => Ok(other.to_string()),
                None => Ok(String::new()),
            };
        }
        Ok(self.banned_user_message.clone())
    }
}

#[async_trait::async_trait]
impl Plugin for AdminPlugin {
    fn id(&self) -> &'static str {
        PLUGIN.id
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn extend_schema(&self, schema: &mut Schema) -> Result<(), ConfigError> {
        let user_fields = [
            plugin_field("role", FieldType::String, None),
            plugin_field("banned", FieldType::Boolean, Some(Value::Bool(false))),
            plugin_field("banReason", FieldType::String, None),
            plugin_field("banExpires", FieldType::Date, None),
        ];
        for (model, fields) in [(&mut schema.user, user_fields.to_vec()), (&mut schema.session, vec![plugin_field("impersonatedBy", FieldType::String, None)])] {
            for mut f in fields {
                if model.field(&f.key).is_some() {
                    return Err(ConfigError(format!(
                        "Invalid better-auth-rs option `{}.additionalFields.{}`: the admin plugin adds this field",
                        model.key, f.key
                    )));
                }
                if let Some((_, _, col)) = self.renames.iter().find(|(m, k, _)| *m == model.key && *k == f.key) {
                    f.column = col.clone();
                }
                model.fields.push(f);
            }
        }
        Ok(())
    }

    fn db_hooks(&self, model: &str, op: &str) -> bool {
        op == "create" && (model == "user" || model == "session")
    }

    async fn db_before(&self, call: &Call<'_>, model: &str, op: &str, data: &mut Map<String, Value>) -> AuthResult<bool> {
        match (model, op) {
            // `{ role: defaultRole, ...user }`: a `role` key already there wins
            ("user", "create") => {
                if !data.contains_key("role") {
                    data.insert("role".into(), Value::String(self.default_role.clone()));
                }
            }
            ("session", "create") => {
                let Some(user_id) = data.get("userId").and_then(Value::as_str) else { return Ok(true) };
                let ctx = call.ctx;
                let store = ctx.store().await?;
                let Some(user) = store.find_user_by_id(user_id).await? else { return Ok(true) };
                if user.extra.get("banned").and_then(Value::as_bool) != Some(true) {
                    return Ok(true);
                }
                let expires = user.extra.get("banExpires").and_then(Value::as_str).and_then(crate::time::parse_date);
                if let Some(at) = expires
                    && at < ctx.now()
                {
                    let mut lift = crate::store::UserUpdate::default();
                    lift.extra.insert("banned".into(), Value::Bool(false));
                    lift.extra.insert("banReason".into(), Value::Null);
                    lift.extra.insert("banExpires".into(), Value::Null);
                    store.update_user(&user.id, &lift, ctx.now()).await.map_err(endpoints::store_err)?;
                    return Ok(true);
                }
                let message = self.banned_message(call, &crate::json::user_json(&user, &ctx.config.schema.user)).await?;
                return Err(AuthError::coded("FORBIDDEN", "BANNED_USER", message));
            }
            _ => {}
        }
        Ok(true)
    }

    fn after_endpoint(&self, _call: &Call<'_>, path: &str, body: &mut Value) {
        if path == "/list-sessions"
            && let Value::Array(sessions) = body
        {
            sessions.retain(|s| !s.get("impersonatedBy").is_some_and(crate::origin::truthy));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::Dialect;
    use crate::store::schema::tests::spec_block;
    use serde_json::json;

    const PLUGINS_DDL: &str = include_str!("../../../tests/fixtures/plugins-ddl.sql");

    fn plugins_block(title: &str) -> Vec<String> {
        let start = PLUGINS_DDL.find(&format!("-- ===== {title} =====")).unwrap();
        PLUGINS_DDL[start..]
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("-- ====="))
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim_end_matches(';').to_string())
            .collect()
    }

    fn schema_with(opts: Value) -> Schema {
        let mut s = Schema::from_options(&json!({})).unwrap();
        let p = parse(Some(&opts), &json!({})).unwrap().unwrap();
        p.extend_schema(&mut s).unwrap();
        s
    }

    #[test]
    fn ddl_is_better_auths_fresh_and_altered() {
        let s = schema_with(json!({}));
        for (d, name) in [(Dialect::Sqlite, "sqlite"), (Dialect::Postgres, "postgres"), (Dialect::Mysql, "mysql")] {
            let want: Vec<String> = spec_block(&format!("{name} / B (core+jwt+admin+rateLimit)"))
                .into_iter()
                .filter(|l| l.starts_with(&format!("create table {}", d.q("user"))) || l.starts_with(&format!("create table {}", d.q("session"))))
                .collect();
            assert_eq!(vec![d.create_table(&s.user, &s), d.create_table(&s.session, &s)], want, "{name} create");
            // the migrator on a database that has the core tables: `alter table ... add column`
            let alters: Vec<String> = [(&s.user, "user"), (&s.session, "session")]
                .iter()
                .flat_map(|(m, t)| {
                    m.extra_fields()
                        .map(|f| format!("alter table {} add column {}", d.q(t), d.column_def(f, s.ids, "user", "id", true)))
                        .collect::<Vec<_>>()
                })
                .collect();
            assert_eq!(alters, plugins_block(&format!("{name} / core tables exist / plugins: [admin]")), "{name} alter");
        }
    }

    #[test]
    fn options_and_renames() {
        let s = schema_with(json!({ "schema": { "user": { "fields": { "role": "user_role" } }, "session": { "fields": { "impersonatedBy": "impersonated_by" } } } }));
        assert_eq!(s.user.col("role"), "user_role");
        assert_eq!(s.session.col("impersonatedBy"), "impersonated_by");
        assert!(parse(Some(&json!({ "schema": { "user": { "modelName": "users" } } })), &json!({})).is_err());
        assert!(parse(Some(&json!({ "schema": { "user": { "fields": { "nope": "x" } } } })), &json!({})).is_err());
        let e = parse(Some(&json!({ "adminRoles": ["admin", "owner"] })), &json!({})).err().unwrap();
        assert_eq!(e.0, "Invalid admin roles: owner. Admin roles must be defined in the 'roles' configuration.");
        assert!(parse(Some(&json!({ "adminRoles": "Admin", "roles": { "admin": { "statements": {} } } })), &json!({})).is_ok());
        let mut clash = Schema::from_options(&json!({ "user": { "additionalFields": { "role": { "type": "string" } } } })).unwrap();
        assert!(parse(Some(&json!({})), &json!({})).unwrap().unwrap().extend_schema(&mut clash).is_err());
    }

    #[test]
    fn has_permission_as_better_auth() {
        let plugin = |o: Value| -> AdminPlugin {
            let p = parse(Some(&o), &json!({})).unwrap().unwrap();
            p.as_any().downcast_ref::<AdminPlugin>().unwrap().clone()
        };
        let ban = |p: &AdminPlugin, id: &str, role: Option<&str>| {
            p.has_permission(id, role, json!({ "user": ["ban"] }).as_object().unwrap())
        };
        let d = plugin(json!({ "adminUserIds": ["root"] }));
        assert!(ban(&d, "x", Some("admin")));
        assert!(!ban(&d, "x", Some("user")));
        assert!(!ban(&d, "x", None)); // default role "user"
        assert!(ban(&d, "root", Some("user")));
        assert!(ban(&d, "x", Some("user,admin")));
        assert!(!ban(&d, "x", Some("user, admin"))); // no trimming
        let imp = json!({ "user": ["impersonate-admins"] });
        assert!(!d.has_permission("x", Some("admin"), imp.as_object().unwrap()));
        let custom = plugin(json!({ "defaultRole": "mod", "roles": { "mod": { "statements": { "user": ["ban"] } }, "admin": { "statements": {} } } }));
        assert!(ban(&custom, "x", None));
        assert!(!ban(&custom, "x", Some("admin")));
        assert!(custom.role_exists("mod") && !custom.role_exists("user"));
    }
}
