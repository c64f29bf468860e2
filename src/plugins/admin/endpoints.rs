//! The admin plugin's endpoints (`/admin/*`), in Better Auth's order of checks: the body or
//! query schema, the admin session (401 with an empty body), the permission (403 with the
//! endpoint's code), then the endpoint's own checks.
use super::AdminPlugin;
use crate::cookies;
use crate::endpoints::db_hooks;
use crate::endpoints::users::{self, Created};
use crate::endpoints::session::session_from_ctx;
use crate::endpoints::{Call, Issues, body_object, is_valid_email, js_len};
use crate::error::{AuthError, AuthResult};
use crate::json::{session_json, user_json, zod_type_name};
use crate::store::query::{Cond, Op, UserQuery};
use crate::store::{Account, CreateUserError, User, UserUpdate};
use serde_json::{Map, Value, json};

/// `ADMIN_ERROR_CODES` messages.
fn message(code: &str) -> &'static str {
    match code {
        "FAILED_TO_CREATE_USER" => "Failed to create user",
        "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" => "User already exists. Use another email.",
        "YOU_CANNOT_BAN_YOURSELF" => "You cannot ban yourself",
        "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE" => "You are not allowed to change users role",
        "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS" => "You are not allowed to create users",
        "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS" => "You are not allowed to list users",
        "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS" => "You are not allowed to list users sessions",
        "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS" => "You are not allowed to ban users",
        "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS" => "You are not allowed to impersonate users",
        "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS" => "You are not allowed to revoke users sessions",
        "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS" => "You are not allowed to delete users",
        "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD" => "You are not allowed to set users password",
        "YOU_ARE_NOT_ALLOWED_TO_GET_USER" => "You are not allowed to get user",
        "NO_DATA_TO_UPDATE" => "No data to update",
        "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS" => "You are not allowed to update users",
        "YOU_CANNOT_REMOVE_YOURSELF" => "You cannot remove yourself",
        "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE" => "You are not allowed to set a non-existent role value",
        "YOU_CANNOT_IMPERSONATE_ADMINS" => "You cannot impersonate admins",
        "INVALID_ROLE_TYPE" => "Invalid role type",
        "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_EMAIL" => "You are not allowed to update users email",
        "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PHONE_NUMBER" => "You are not allowed to update users phone number",
        "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER" => "Password cannot be updated through update-user. Use the set-user-password endpoint instead",
        "USER_ID_CANNOT_BE_UPDATED" => "User id cannot be updated",
        _ => "",
    }
}

fn err(status: &str, code: &str) -> AuthError {
    AuthError::coded(status, code, message(code))
}

/// A store error from an update: an email already taken is Better Auth's 400.
pub(super) fn store_err(e: CreateUserError) -> AuthError {
    match e {
        CreateUserError::EmailTaken => err("BAD_REQUEST", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"),
        CreateUserError::Other(e) => e,
    }
}

fn plugin<'a>(call: &Call<'a>) -> AuthResult<&'a AdminPlugin> {
    call.ctx.config.plugins.get::<AdminPlugin>().ok_or_else(|| AuthError::empty("NOT_FOUND"))
}

/// `z.coerce.string()`: JavaScript's `String(value)`.
fn js_string(v: Option<&Value>) -> String {
    match v {
        None => "undefined".into(),
        Some(Value::Null) => "null".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(a)) => a.iter().map(|x| if x.is_null() { String::new() } else { js_string(Some(x)) }).collect::<Vec<_>>().join(","),
        Some(Value::Object(_)) => "[object Object]".into(),
    }
}

fn role_of(u: &User) -> Option<&str> {
    u.extra.get("role").and_then(Value::as_str)
}

fn perms(pairs: &[(&str, &[&str])]) -> Map<String, Value> {
    pairs.iter().map(|(r, a)| ((*r).to_string(), Value::from(a.to_vec()))).collect()
}

/// The body as an object (zod's error otherwise) with issues collected by `check`.
fn body<'c>(call: &'c Call<'_>, check: impl FnOnce(&Map<String, Value>, &mut Issues)) -> AuthResult<&'c Map<String, Value>> {
    let mut issues = Issues::default();
    let m = body_object(call.body.as_ref(), &mut issues);
    if let Some(m) = m {
        check(m, &mut issues);
    }
    issues.finish()?;
    m.ok_or_else(|| AuthError::validation("[body] Invalid input"))
}

fn opt_string(m: &Map<String, Value>, key: &str, issues: &mut Issues) {
    match m.get(key) {
        None | Some(Value::String(_)) => {}
        other => issues.expected(key, "string", other),
    }
}

fn req_string(m: &Map<String, Value>, key: &str, issues: &mut Issues) {
    match m.get(key) {
        Some(Value::String(_)) => {}
        other => issues.expected(key, "string", other),
    }
}

/// `z.union([z.string(), z.array(z.string())])`.
fn role_value(m: &Map<String, Value>, key: &str, optional: bool, issues: &mut Issues) {
    match m.get(key) {
        None if optional => {}
        Some(Value::String(_)) => {}
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => {}
        _ => issues.push(key, "Invalid input"),
    }
}

/// The caller as the session read found it (`{ session, user }`).
struct Caller {
    token: String,
    user_id: String,
    role: Option<String>,
    impersonated_by: Option<String>,
}

impl Caller {
    fn of(v: &Value) -> Self {
        let s = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
        Caller {
            token: s("/session/token").unwrap_or_default(),
            user_id: s("/user/id").unwrap_or_default(),
            role: s("/user/role"),
            impersonated_by: s("/session/impersonatedBy").filter(|x| !x.is_empty()),
        }
    }
}

/// `adminMiddleware`: the caller's session, read from the store as Better Auth's
/// `getAuthoritativeSessionFromCtx` does (refreshing it and writing the cookie cache like
/// `/get-session`); no session is a 401 with an empty body.
async fn admin_session(call: &mut Call<'_>) -> AuthResult<Caller> {
    let found = crate::endpoints::guard::middleware_read(call, true).await?;
    found.map(|v| Caller::of(&v)).ok_or_else(|| AuthError::empty("UNAUTHORIZED"))
}

/// `getAuthoritativeSessionFromCtx`: the caller or `None`.
async fn optional_session(call: &mut Call<'_>) -> AuthResult<Option<Caller>> {
    Ok(session_from_ctx(call, true).await?.map(|v| Caller::of(&v)))
}

/// The caller passes `permissions`, or `Err(403 code)`.
fn require(p: &AdminPlugin, caller: &Caller, permissions: &[(&str, &[&str])], code: &str) -> AuthResult<()> {
    if p.has_permission(&caller.user_id, caller.role.as_deref(), &perms(permissions)) { Ok(()) } else { Err(err("FORBIDDEN", code)) }
}

/// Each requested role is a string and, with `roles` set, a defined role.
fn check_roles(p: &AdminPlugin, requested: &Value) -> AuthResult<String> {
    let list: Vec<&Value> = match requested {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    let mut names = Vec::with_capacity(list.len());
    for r in list {
        let Value::String(s) = r else { return Err(err("BAD_REQUEST", "INVALID_ROLE_TYPE")) };
        if !p.role_exists(s) {
            return Err(err("BAD_REQUEST", "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE"));
        }
        names.push(s.as_str());
    }
    Ok(names.join(","))
}

async fn find_user(call: &Call<'_>, id: &str) -> AuthResult<User> {
    call.ctx.store().await?.find_user_by_id(id).await?.ok_or_else(|| AuthError::base("NOT_FOUND", "USER_NOT_FOUND"))
}

/// `internalAdapter.updateUser` with the `user.update` hooks (an email already taken is the
/// admin plugin's 400).
async fn update(call: &Call<'_>, id: &str, update: UserUpdate) -> AuthResult<Option<User>> {
    users::update(call, id, update).await.map_err(store_err)
}

/// A user's field values from `data` as the adapter writes them (schema fields only, dates as
/// ISO strings, no `input` restrictions: this is the admin's door).
fn apply_data(call: &Call<'_>, data: &Map<String, Value>, update: &mut UserUpdate) {
    let model = &call.ctx.config.schema.user;
    for (k, v) in data {
        match (k.as_str(), v) {
            ("name", Value::String(s)) => update.name = Some(s.clone()),
            ("name", Value::Number(_) | Value::Bool(_)) => update.name = Some(js_string(Some(v))),
            ("email", Value::String(s)) => update.email = Some(s.to_lowercase()),
            ("emailVerified", Value::Bool(b)) => update.email_verified = Some(*b),
            ("image", Value::String(s)) => update.image = Some(Some(s.clone())),
            ("image", Value::Null) => update.image = Some(None),
            (key, v) => {
                if let Some(f) = model.extra_fields().find(|f| f.key == key) {
                    let v = match (f.ty, v) {
                        (crate::store::schema::FieldType::Date, Value::String(s)) => {
                            crate::time::parse_date(s).map(|ms| Value::String(crate::time::to_iso(ms))).unwrap_or(Value::Null)
                        }
                        (crate::store::schema::FieldType::Date, Value::Number(n)) => {
                            n.as_i64().map(|ms| Value::String(crate::time::to_iso(ms))).unwrap_or(Value::Null)
                        }
                        _ => v.clone(),
                    };
                    update.extra.insert(key.to_string(), v);
                }
            }
        }
    }
}

fn user_id(m: &Map<String, Value>) -> String {
    js_string(m.get("userId"))
}

/// `userId: z.coerce.string()`: anything but a missing key (zod 4 rejects `undefined`).
fn user_id_present(m: &Map<String, Value>, issues: &mut Issues) {
    if !m.contains_key("userId") {
        issues.push("userId", "Invalid input: expected nonoptional, received undefined");
    }
}

// ------------------------------------------------------------------------------- endpoints

/// `POST /admin/set-role` `{ userId, role }` → `{ user }`.
pub async fn set_role(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, |m, i| {
        user_id_present(m, i);
        role_value(m, "role", false, i);
    })?;
    let (id, role) = (user_id(b), b.get("role").cloned().unwrap_or(Value::Null));
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("user", &["set-role"])], "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE")?;
    let joined = check_roles(p, &role)?;
    find_user(call, &id).await?;
    let mut u = UserUpdate::default();
    u.extra.insert("role".into(), Value::String(joined));
    let user = update(call, &id, u).await?.ok_or_else(|| AuthError::base("NOT_FOUND", "USER_NOT_FOUND"))?;
    Ok(json!({ "user": user_json(&user, &call.ctx.config.schema.user) }))
}

/// `GET /admin/get-user?id=` → the bare user.
pub async fn get_user(call: &mut Call<'_>) -> AuthResult<Value> {
    let id = match call.query.get("id") {
        Some(Value::String(s)) => s.clone(),
        other => return Err(AuthError::validation(format!("[query.id] Invalid input: expected string, received {}", zod_type_name(other)))),
    };
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("user", &["get"])], "YOU_ARE_NOT_ALLOWED_TO_GET_USER")?;
    let user = find_user(call, &id).await?;
    Ok(user_json(&user, &call.ctx.config.schema.user))
}

/// `POST /admin/create-user` `{ email, password?, name, role?, data? }` → `{ user }`.
pub async fn create_user(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, |m, i| {
        req_string(m, "email", i);
        opt_string(m, "password", i);
        req_string(m, "name", i);
        role_value(m, "role", true, i);
        match m.get("data") {
            None | Some(Value::Object(_)) => {}
            other => i.expected("data", "record", other),
        }
    })?
    .clone();
    let p = plugin(call)?;
    let session = optional_session(call).await?;
    if session.is_none() && call.headers_given {
        return Err(AuthError::empty("UNAUTHORIZED"));
    }
    if let Some(u) = &session {
        require(p, u, &[("user", &["create"])], "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS")?;
    }
    let mut data = b.get("data").and_then(Value::as_object).cloned().unwrap_or_default();
    let data_role = data.remove("role");
    let requested = b.get("role").cloned().or(data_role);
    let role = match &requested {
        Some(r) => {
            if let Some(u) = &session {
                require(p, u, &[("user", &["set-role"])], "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE")?;
            }
            check_roles(p, r)?
        }
        None => p.default_role.clone(),
    };
    if let Some(u) = &session
        && ["banned", "banReason", "banExpires"].iter().any(|k| data.contains_key(*k))
    {
        require(p, u, &[("user", &["ban"])], "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS")?;
    }
    let ctx = call.ctx;
    let email = b.get("email").and_then(Value::as_str).unwrap_or_default().to_lowercase();
    if !is_valid_email(&email) {
        return Err(AuthError::base("BAD_REQUEST", "INVALID_EMAIL"));
    }
    let password = b.get("password").and_then(Value::as_str).filter(|s| !s.is_empty());
    if let Some(pw) = password
        && js_len(pw) > ctx.config.email_and_password.max_password_length
    {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_LONG"));
    }
    let store = ctx.store().await?;
    if store.find_user_by_email(&email).await?.is_some() {
        return Err(err("BAD_REQUEST", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"));
    }
    let hash = match password {
        Some(pw) => Some(ctx.hash_password(pw).await?),
        None => None,
    };
    let now = ctx.now();
    let mut fields = UserUpdate::default();
    apply_data(call, &data, &mut fields);
    let mut user = User {
        id: ctx.generate_id("user").await?,
        name: b.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
        email: email.clone(),
        email_verified: fields.email_verified.unwrap_or(false),
        image: fields.image.clone().flatten(),
        created_at: now,
        updated_at: now,
        extra: Map::new(),
    };
    // schema defaults for additional fields the admin did not give, then the given ones
    for f in ctx.config.schema.user.extra_fields() {
        if let Some(d) = &f.default {
            user.extra.insert(f.key.clone(), d.clone());
        }
    }
    user.extra.extend(fields.extra);
    user.extra.insert("role".into(), Value::String(role));
    let mut account = match hash {
        Some(h) => Some(users::credential_account(call, &user.id, h).await?),
        None => None,
    };
    match users::create(call, &mut user, account.as_mut()).await {
        Ok(Created::Done) => {}
        Ok(Created::EmailTaken) => return Err(err("BAD_REQUEST", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")),
        Ok(Created::Cancelled) => return Err(err("INTERNAL_SERVER_ERROR", "FAILED_TO_CREATE_USER")),
        Err(e) => return Err(e.unless_unavailable(err("INTERNAL_SERVER_ERROR", "FAILED_TO_CREATE_USER"))),
    }
    Ok(json!({ "user": user_json(&user, &ctx.config.schema.user) }))
}

/// `POST /admin/update-user` `{ userId, data }` → the bare user.
pub async fn update_user(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, |m, i| {
        user_id_present(m, i);
        match m.get("data") {
            Some(Value::Object(_)) => {}
            other => i.expected("data", "record", other),
        }
    })?;
    let id = user_id(b);
    let mut data = b.get("data").and_then(Value::as_object).cloned().unwrap_or_default();
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("user", &["update"])], "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS")?;
    if data.is_empty() {
        return Err(err("BAD_REQUEST", "NO_DATA_TO_UPDATE"));
    }
    if data.contains_key("password") {
        return Err(err("BAD_REQUEST", "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER"));
    }
    if data.contains_key("id") {
        return Err(err("BAD_REQUEST", "USER_ID_CANNOT_BE_UPDATED"));
    }
    if let Some(r) = data.get("role").cloned() {
        require(p, &admin, &[("user", &["set-role"])], "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE")?;
        data.insert("role".into(), Value::String(check_roles(p, &r)?));
    }
    let bans = ["banned", "banReason", "banExpires"].iter().any(|k| data.contains_key(*k));
    if bans {
        require(p, &admin, &[("user", &["ban"])], "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS")?;
        if data.get("banned") == Some(&Value::Bool(true)) && id == admin.user_id {
            return Err(err("BAD_REQUEST", "YOU_CANNOT_BAN_YOURSELF"));
        }
    }
    if data.contains_key("email") || data.contains_key("emailVerified") {
        require(p, &admin, &[("user", &["set-email"])], "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_EMAIL")?;
        if data.contains_key("email") {
            let email = js_string(data.get("email")).to_lowercase();
            if !is_valid_email(&email) {
                return Err(AuthError::base("BAD_REQUEST", "INVALID_EMAIL"));
            }
            if let Some(other) = call.ctx.store().await?.find_user_by_email(&email).await?
                && other.id != id
            {
                return Err(err("BAD_REQUEST", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"));
            }
            data.insert("email".into(), Value::String(email));
        }
    }
    if data.contains_key("phoneNumber") || data.contains_key("phoneNumberVerified") {
        require(p, &admin, &[("user", &["set-phone"])], "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PHONE_NUMBER")?;
    }
    find_user(call, &id).await?;
    let mut changes = UserUpdate::default();
    apply_data(call, &data, &mut changes);
    let user = if changes.is_empty() {
        // only keys that are not columns: Better Auth's update writes `updatedAt` alone
        update(call, &id, UserUpdate::default()).await?
    } else {
        update(call, &id, changes).await?
    };
    if data.get("banned") == Some(&Value::Bool(true)) {
        call.ctx.store().await?.delete_user_sessions(&id, None).await?;
    }
    Ok(user.map(|u| user_json(&u, &call.ctx.config.schema.user)).unwrap_or(Value::Null))
}

const SEARCH_OPS: &[&str] = &["contains", "starts_with", "ends_with"];
const WHERE_OPS: &[&str] = &["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "contains", "starts_with", "ends_with"];

fn enum_issue(key: &str, allowed: &[&str]) -> String {
    let list: Vec<String> = allowed.iter().map(|a| format!("\"{a}\"")).collect();
    format!("[query.{key}] Invalid option: expected one of {}", list.join("|"))
}

/// `Number(x) || undefined`.
fn js_number(v: Option<&Value>) -> Option<f64> {
    let n = match v? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) if s.trim().is_empty() => 0.0,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (n != 0.0 && n.is_finite()).then_some(n)
}

/// `GET /admin/list-users` → `{ users, total, limit?, offset? }`.
pub async fn list_users(call: &mut Call<'_>) -> AuthResult<Value> {
    let q = call.query.clone();
    let mut issues: Vec<String> = Vec::new();
    let s = |k: &str| q.get(k).and_then(Value::as_str);
    for (key, allowed) in [("searchField", &["email", "name"][..]), ("searchOperator", SEARCH_OPS), ("sortDirection", &["asc", "desc"][..]), ("filterOperator", WHERE_OPS)] {
        if let Some(v) = q.get(key)
            && !v.as_str().is_some_and(|x| allowed.contains(&x))
        {
            issues.push(enum_issue(key, allowed));
        }
    }
    for key in ["searchValue", "sortBy", "filterField"] {
        if let Some(v) = q.get(key)
            && !v.is_string()
        {
            issues.push(format!("[query.{key}] Invalid input: expected string, received {}", zod_type_name(Some(v))));
        }
    }
    if !issues.is_empty() {
        return Err(AuthError::validation(issues.join("; ")));
    }
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("user", &["list"])], "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS")?;
    let mut conds = Vec::new();
    if let Some(v) = s("searchValue").filter(|v| !v.is_empty()) {
        let field = s("searchField").filter(|f| !f.is_empty()).unwrap_or("email");
        let op = s("searchOperator").and_then(Op::parse).unwrap_or(Op::Contains);
        conds.push(Cond { field: field.into(), op, value: Value::String(v.into()) });
    }
    if let Some(v) = q.get("filterValue") {
        let field = s("filterField").filter(|f| !f.is_empty()).unwrap_or("email");
        let op = s("filterOperator").and_then(Op::parse).unwrap_or(Op::Eq);
        conds.push(Cond { field: field.into(), op, value: v.clone() });
    }
    let limit = js_number(q.get("limit"));
    let offset = js_number(q.get("offset"));
    let sort = s("sortBy").filter(|f| !f.is_empty()).map(|f| (f.to_string(), s("sortDirection") == Some("desc")));
    let store = call.ctx.store().await?;
    let as_int = |n: Option<f64>| -> Result<Option<i64>, ()> {
        match n {
            None => Ok(None),
            Some(f) if f.fract() == 0.0 && f > 0.0 && f < 9.0e15 => Ok(Some(f as i64)),
            Some(_) => Err(()),
        }
    };
    let found = match (as_int(limit), as_int(offset)) {
        (Ok(l), Ok(o)) => {
            let query = UserQuery { conds: conds.clone(), sort, limit: l, offset: o };
            match store.find_users(&query).await {
                Ok(users) => match store.count_users(&conds).await {
                    Ok(total) => Ok((users, total)),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            }
        }
        _ => Err(AuthError::internal("limit/offset")),
    };
    match found {
        Ok((users, total)) => {
            let model = &call.ctx.config.schema.user;
            let mut out = Map::new();
            out.insert("users".into(), Value::Array(users.iter().map(|u| user_json(u, model)).collect()));
            out.insert("total".into(), Value::from(total));
            let num = |f: f64| if f.fract() == 0.0 { Value::from(f as i64) } else { json!(f) };
            if let Some(l) = limit {
                out.insert("limit".into(), num(l));
            }
            if let Some(o) = offset {
                out.insert("offset".into(), num(o));
            }
            Ok(Value::Object(out))
        }
        // an outage stays an outage (Better Auth would answer an empty list)
        Err(e) if e.is_unavailable() => Err(e),
        // Better Auth answers any query failure (unknown field, bad value) with an empty list
        Err(_) => Ok(json!({ "users": [], "total": 0 })),
    }
}

/// `POST /admin/list-user-sessions` `{ userId }` → `{ sessions }`.
pub async fn list_user_sessions(call: &mut Call<'_>) -> AuthResult<Value> {
    let id = user_id(body(call, user_id_present)?);
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("session", &["list"])], "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS")?;
    let sessions = call.ctx.store().await?.list_sessions(&id).await?;
    let model = &call.ctx.config.schema.session;
    Ok(json!({ "sessions": sessions.iter().map(|s| session_json(s, model)).collect::<Vec<_>>() }))
}

/// `POST /admin/unban-user` `{ userId }` → `{ user }`.
pub async fn unban_user(call: &mut Call<'_>) -> AuthResult<Value> {
    let id = user_id(body(call, user_id_present)?);
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("user", &["ban"])], "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS")?;
    find_user(call, &id).await?;
    let mut u = UserUpdate::default();
    u.extra.insert("banned".into(), Value::Bool(false));
    u.extra.insert("banExpires".into(), Value::Null);
    u.extra.insert("banReason".into(), Value::Null);
    let user = update(call, &id, u).await?;
    Ok(json!({ "user": user.map(|u| user_json(&u, &call.ctx.config.schema.user)).unwrap_or(Value::Null) }))
}

/// `POST /admin/ban-user` `{ userId, banReason?, banExpiresIn? }` → `{ user }`; the user's
/// sessions are deleted.
pub async fn ban_user(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, |m, i| {
        user_id_present(m, i);
        opt_string(m, "banReason", i);
        match m.get("banExpiresIn") {
            None | Some(Value::Number(_)) => {}
            other => i.expected("banExpiresIn", "number", other),
        }
    })?;
    let id = user_id(b);
    let reason = b.get("banReason").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    let expires_in = b.get("banExpiresIn").and_then(Value::as_f64).filter(|n| *n != 0.0);
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("user", &["ban"])], "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS")?;
    find_user(call, &id).await?;
    if id == admin.user_id {
        return Err(err("BAD_REQUEST", "YOU_CANNOT_BAN_YOURSELF"));
    }
    let now = call.ctx.now();
    let expires = expires_in.or(p.default_ban_expires_in.filter(|n| *n != 0.0)).map(|s| Value::String(crate::time::to_iso(now + (s * 1000.0) as i64)));
    let mut u = UserUpdate::default();
    u.extra.insert("banned".into(), Value::Bool(true));
    u.extra.insert(
        "banReason".into(),
        Value::String(reason.or_else(|| p.default_ban_reason.clone().filter(|r| !r.is_empty())).unwrap_or_else(|| "No reason".into())),
    );
    u.extra.insert("banExpires".into(), expires.unwrap_or(Value::Null));
    let user = update(call, &id, u).await?;
    call.ctx.store().await?.delete_user_sessions(&id, None).await?;
    Ok(json!({ "user": user.map(|u| user_json(&u, &call.ctx.config.schema.user)).unwrap_or(Value::Null) }))
}

fn admin_cookie(call: &Call<'_>) -> cookies::CookieDef {
    cookies::make(&call.ctx.config, "admin_session")
}

/// `POST /admin/impersonate-user` `{ userId }` → `{ session, user }`: a one-hour session of the
/// target (a browser-session cookie), the admin's session kept in the signed `admin_session`.
pub async fn impersonate_user(call: &mut Call<'_>) -> AuthResult<Value> {
    let id = user_id(body(call, user_id_present)?);
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("user", &["impersonate"])], "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS")?;
    let target = find_user(call, &id).await?;
    let target_role = role_of(&target).filter(|r| !r.is_empty()).unwrap_or(if p.default_role.is_empty() { "user" } else { &p.default_role });
    let is_admin = target_role.split(',').any(|r| p.admin_roles.iter().any(|a| a == r)) || p.admin_user_ids.contains(&target.id);
    if is_admin && !(p.allow_impersonating_admins || p.has_permission(&admin.user_id, admin.role.as_deref(), &perms(&[("user", &["impersonate-admins"])]))) {
        return Err(err("FORBIDDEN", "YOU_CANNOT_IMPERSONATE_ADMINS"));
    }
    let ctx = call.ctx;
    let mut overrides = Map::new();
    overrides.insert("impersonatedBy".into(), Value::String(admin.user_id.clone()));
    let expires = ctx.now() + (p.impersonation_session_duration * 1000.0) as i64;
    overrides.insert("expiresAt".into(), Value::String(crate::time::to_iso(expires)));
    let session = crate::endpoints::start_session::start_with(call, &target, true, "INTERNAL_SERVER_ERROR", &overrides).await?;
    cookies::delete_session_cookie(&mut call.out, &ctx.cookies, &call.headers);
    let dont_remember = cookies::get_signed_cookie(&call.headers, &ctx.cookies.dont_remember.name, &ctx.config.secret).unwrap_or_default();
    // the admin cookie's name, with the session token's attributes (as Better Auth sets it)
    let def = ctx.cookies.session_token.renamed(&admin_cookie(call).name);
    let value = cookies::signed_wire_value(&ctx.config.secret, &format!("{}:{dont_remember}", admin.token));
    call.out.add_cookie(def.serialize(&value, Some(ctx.config.session.expires_in)));
    crate::endpoints::start_session::finish(call, &session, &target, Some(true)).await?;
    Ok(json!({ "session": session_json(&session, &ctx.config.schema.session), "user": user_json(&target, &ctx.config.schema.user) }))
}

/// `POST /admin/stop-impersonating` → the admin's `{ session, user }`, restored from
/// `admin_session`; the impersonation session is deleted.
pub async fn stop_impersonating(call: &mut Call<'_>) -> AuthResult<Value> {
    // `getSessionFromCtx`: the cookie cache may answer, and the read may refresh the session
    let current = session_from_ctx(call, false).await?.map(|v| Caller::of(&v)).ok_or_else(|| AuthError::empty("UNAUTHORIZED"))?;
    let Some(by) = current.impersonated_by.clone() else {
        return Err(AuthError::message_only("BAD_REQUEST", "You are not impersonating anyone"));
    };
    let ctx = call.ctx;
    let store = ctx.store().await?;
    let Some(admin_user) = store.find_user_by_id(&by).await? else {
        return Err(AuthError::message_only("INTERNAL_SERVER_ERROR", "Failed to find user"));
    };
    let missing = || AuthError::message_only("INTERNAL_SERVER_ERROR", "Failed to find admin session");
    let def = admin_cookie(call);
    let cookie = cookies::get_signed_cookie(&call.headers, &def.name, &ctx.config.secret).ok_or_else(missing)?;
    let (token, dont_remember) = cookie.split_once(':').unwrap_or((cookie.as_str(), ""));
    let Some((admin_session, admin_row)) = store.find_session(token).await? else { return Err(missing()) };
    if admin_session.user_id != admin_user.id {
        return Err(missing());
    }
    store.delete_session(&current.token).await?;
    let dr = !dont_remember.is_empty();
    cookies::set_session_cookie(&mut call.out, &ctx.cookies, &ctx.config.secret, &call.headers, &admin_session.token, Some(dr), ctx.config.session.expires_in);
    let schema = &ctx.config.schema;
    let (sj, uj) = (session_json(&admin_session, &schema.session), user_json(&admin_row, &schema.user));
    crate::endpoints::session::write_cache_for(call, &sj, &uj, dr).await?;
    call.out.set_cookie(&def.name, def.expired());
    Ok(json!({ "session": sj, "user": uj }))
}

/// `POST /admin/revoke-user-session` `{ sessionToken }` → `{ success: true }`.
pub async fn revoke_user_session(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, |m, i| req_string(m, "sessionToken", i))?;
    let token = b.get("sessionToken").and_then(Value::as_str).unwrap_or_default().to_string();
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("session", &["revoke"])], "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS")?;
    call.ctx.store().await?.delete_session(&token).await?;
    Ok(json!({ "success": true }))
}

/// `POST /admin/revoke-user-sessions` `{ userId }` → `{ success: true }`.
pub async fn revoke_user_sessions(call: &mut Call<'_>) -> AuthResult<Value> {
    let id = user_id(body(call, user_id_present)?);
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("session", &["revoke"])], "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS")?;
    call.ctx.store().await?.delete_user_sessions(&id, None).await?;
    Ok(json!({ "success": true }))
}

/// `POST /admin/remove-user` `{ userId }` → `{ success: true }`: the user, their sessions and
/// accounts are deleted.
pub async fn remove_user(call: &mut Call<'_>) -> AuthResult<Value> {
    let id = user_id(body(call, user_id_present)?);
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("user", &["delete"])], "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS")?;
    if id == admin.user_id {
        return Err(err("BAD_REQUEST", "YOU_CANNOT_REMOVE_YOURSELF"));
    }
    let user = find_user(call, &id).await?;
    if db_hooks::before(call, "user", "delete", db_hooks::user_data(call, &user)).await?.is_none() {
        return Err(AuthError::base("BAD_REQUEST", "FAILED_TO_DELETE_USER"));
    }
    let store = call.ctx.store().await?;
    store.delete_user_sessions(&id, None).await?;
    store.delete_user(&id).await?;
    db_hooks::after(call, "user", "delete", db_hooks::user_data(call, &user)).await?;
    Ok(json!({ "success": true }))
}

/// `POST /admin/set-user-password` `{ newPassword, userId }` → `{ status: true }`.
pub async fn set_user_password(call: &mut Call<'_>) -> AuthResult<Value> {
    let b = body(call, |m, i| {
        match m.get("newPassword") {
            Some(Value::String(s)) if s.is_empty() => i.push("newPassword", "newPassword cannot be empty"),
            Some(Value::String(_)) => {}
            other => i.expected("newPassword", "string", other),
        }
        if !m.contains_key("userId") {
            user_id_present(m, i);
        } else if js_string(m.get("userId")).is_empty() {
            i.push("userId", "userId cannot be empty");
        }
    })?;
    let password = b.get("newPassword").and_then(Value::as_str).unwrap_or_default().to_string();
    let id = user_id(b);
    let p = plugin(call)?;
    let admin = admin_session(call).await?;
    require(p, &admin, &[("user", &["set-password"])], "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD")?;
    let ctx = call.ctx;
    let ep = &ctx.config.email_and_password;
    let len = js_len(&password);
    if len < ep.min_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_SHORT"));
    }
    if len > ep.max_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_LONG"));
    }
    let user = find_user(call, &id).await?;
    let hash = ctx.hash_password(&password).await?;
    let now = ctx.now();
    let store = ctx.store().await?;
    if store.find_credential_account(&id).await?.is_some() {
        db_hooks::update_password(call, &id, &hash, now).await?;
    } else {
        let mut a = Account {
            id: ctx.generate_id("account").await?,
            account_id: user.id.clone(),
            provider_id: "credential".into(),
            user_id: id.clone(),
            password: Some(hash),
            created_at: now,
            updated_at: now,
            scope: None,
            tokens: Default::default(),
        };
        db_hooks::create_account(call, &mut a).await?;
    }
    Ok(json!({ "status": true }))
}

/// `z.record(z.string(), z.array(z.string()))`.
fn permission_record(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.values().all(|a| matches!(a, Value::Array(items) if items.iter().all(Value::is_string))),
        _ => false,
    }
}

/// `POST /admin/has-permission` `{ userId?, role?, permissions }` → `{ error: null, success }`.
pub async fn has_permission(call: &mut Call<'_>) -> AuthResult<Value> {
    if !matches!(call.body, Some(Value::Object(_))) {
        // z.object(...).and(z.xor(...)): both sides report a body that is not an object
        let got = zod_type_name(call.body.as_ref());
        return Err(AuthError::validation(format!("[body] Invalid input: expected object, received {got}; [body] Invalid input")));
    }
    let b = body(call, |m, i| {
        opt_string(m, "role", i);
        let one = m.get("permission").is_some_and(permission_record);
        let many = m.get("permissions").is_some_and(permission_record);
        if one && many {
            i.push("", "Invalid input: more than one option matched");
        } else if !one && !many {
            i.push("", "Invalid input");
        }
    })?;
    let user_id = b.get("userId").map(|v| js_string(Some(v)));
    let role = b.get("role").and_then(Value::as_str).map(str::to_string);
    let Some(Value::Object(permissions)) = b.get("permissions").cloned() else {
        return Err(AuthError::message_only("BAD_REQUEST", "invalid permission check. no permission(s) were passed."));
    };
    let p = plugin(call)?;
    let session = optional_session(call).await?;
    if session.is_none() && call.headers_given {
        return Err(AuthError::empty("UNAUTHORIZED"));
    }
    let uid = user_id.filter(|s| !s.is_empty());
    let role = role.filter(|s| !s.is_empty());
    if session.is_none() && uid.is_none() && role.is_none() {
        return Err(AuthError::message_only("BAD_REQUEST", "user id or role is required"));
    }
    let subject: Option<(String, Option<String>)> = match (&session, &role, &uid) {
        (Some(u), _, _) => Some((u.user_id.clone(), u.role.clone())),
        (None, Some(r), _) => Some((uid.clone().unwrap_or_default(), Some(r.clone()))),
        (None, None, Some(id)) => call.ctx.store().await?.find_user_by_id(id).await?.map(|u| (u.id.clone(), role_of(&u).map(str::to_string))),
        (None, None, None) => None,
    };
    let Some((id, role)) = subject else { return Err(AuthError::message_only("BAD_REQUEST", "user not found")) };
    Ok(json!({ "error": null, "success": p.has_permission(&id, role.as_deref(), &permissions) }))
}
