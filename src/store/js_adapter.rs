//! The store over one of Better Auth's database adapters (`drizzleAdapter(db, …)`,
//! `prismaAdapter`, `kyselyAdapter`, `mongodbAdapter`, `memoryAdapter`, or any adapter built with
//! `createAdapterFactory`). The JS layer calls the adapter function with the app's options, as
//! Better Auth does, and keeps the `DBAdapter` it returns; this module sends it Better Auth's
//! *logical* calls (`create`, `findOne` with `join`, `findMany`, `count`, `update`, `updateMany`,
//! `delete`, `deleteMany`, `consumeOne`, `transaction`) with logical model and field names and
//! Better Auth's `where` clauses, so the adapter maps names, ids and types exactly as it does
//! for Better Auth (`js/adapter-bridge.js` is the JS half).
//!
//! One store call is one hop to the JS thread: a batch of adapter calls, run in order (inside
//! `adapter.transaction` when atomic). On the wire, dates are `{"$date": iso}` (revived to
//! `Date`: drizzle's timestamp columns throw on strings) and a value `{"$ref": [i, field]}` is
//! `field` of the row call `i` of the same batch returned (the new user's id for its account).
//! Ids are never sent on create: the adapter generates them (`advanced.database.generateId`,
//! uuid, serial, Mongo's ObjectId) and the row it returns is read back.
use super::js_sqlite::decode_value;
use super::query::{Cond, Op, UserQuery};
use super::schema::{FieldType, IdStrategy, Model, Schema};
use super::value::Val;
use super::{Account, AccountUpdate, CreateUserError, Session, Store, User, UserUpdate, Verification};
use crate::callbacks::Callbacks;
use crate::error::{AuthError, AuthResult};
use async_trait::async_trait;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// The callback name the JS layer registers for an adapter (`database` given as a function).
pub const CALLBACK: &str = "adapter.run";

/// Why a batch failed.
#[derive(Debug)]
enum AdapterErr {
    /// The adapter's driver reported a unique-constraint violation.
    Unique,
    /// Anything else.
    Other(AuthError),
}

impl From<AdapterErr> for AuthError {
    fn from(e: AdapterErr) -> Self {
        match e {
            AdapterErr::Unique => AuthError::internal("database adapter: unique constraint violated"),
            AdapterErr::Other(e) => e,
        }
    }
}

impl From<AdapterErr> for CreateUserError {
    fn from(e: AdapterErr) -> Self {
        match e {
            AdapterErr::Unique => CreateUserError::EmailTaken,
            AdapterErr::Other(e) => CreateUserError::Other(e),
        }
    }
}

/// One adapter call of a batch.
#[derive(Debug, Clone)]
struct Call {
    method: &'static str,
    args: Value,
    /// Run only when call `when` of the same batch found something (a row, or a non-empty list
    /// of rows): Better Auth's delete helpers read the row first and delete only what they found.
    when: Option<usize>,
}

fn call(method: &'static str, args: Value) -> Call {
    Call { method, args, when: None }
}

impl Call {
    /// This call, run only when call `i` of the batch found something.
    fn when_found(mut self, i: usize) -> Call {
        self.when = Some(i);
        self
    }
}

/// A value as the adapter takes it: dates as `{"$date": iso}` (revived to `Date` on the JS side).
fn wire(v: &Val) -> Value {
    match v {
        Val::Date(d) => json!({ "$date": crate::time::to_iso(*d) }),
        other => other.to_json(),
    }
}

/// A date as the adapter takes it (`{"$date": iso}`, revived to a `Date`).
pub(crate) fn date(ms: i64) -> Value {
    wire(&Val::Date(ms))
}

/// `{ field, value }` (operator `eq`).
pub(crate) fn eq(field: &str, value: Value) -> Value {
    json!({ "field": field, "value": value })
}

/// `{ field, value, operator }`.
pub(crate) fn op(field: &str, operator: &str, value: Value) -> Value {
    json!({ "field": field, "operator": operator, "value": value })
}

fn opt_text(v: &Option<String>) -> Value {
    v.as_ref().map(|s| Value::String(s.clone())).unwrap_or(Value::Null)
}

/// The value of logical field `key` of a returned row, decoded for its type.
fn field(row: &Value, key: &str, ty: FieldType) -> Val {
    match row.get(key) {
        None | Some(Value::Null) => Val::Null,
        Some(v) => decode_value(v, ty).unwrap_or(Val::Null),
    }
}

fn user_of(m: &Model, row: &Value) -> User {
    super::value::user_from_fields(m, |f| field(row, &f.key, f.ty))
}

fn session_of(m: &Model, row: &Value) -> Session {
    super::value::session_from_fields(m, |f| field(row, &f.key, f.ty))
}

fn account_of(m: &Model, row: &Value) -> Account {
    let mut a = Account::default();
    for f in &m.fields {
        let v = field(row, &f.key, f.ty);
        match f.key.as_str() {
            "id" => a.id = v.text().unwrap_or_default(),
            "accountId" => a.account_id = v.text().unwrap_or_default(),
            "providerId" => a.provider_id = v.text().unwrap_or_default(),
            "userId" => a.user_id = v.text().unwrap_or_default(),
            "password" => a.password = v.text(),
            "scope" => a.scope = v.text(),
            "createdAt" => a.created_at = v.date().unwrap_or_default(),
            "updatedAt" => a.updated_at = v.date().unwrap_or_default(),
            "accessToken" => a.tokens.access_token = v.text(),
            "refreshToken" => a.tokens.refresh_token = v.text(),
            "idToken" => a.tokens.id_token = v.text(),
            "accessTokenExpiresAt" => a.tokens.access_token_expires_at = v.date(),
            "refreshTokenExpiresAt" => a.tokens.refresh_token_expires_at = v.date(),
            _ => {}
        }
    }
    a
}

fn verification_of(m: &Model, row: &Value) -> Verification {
    let mut v = Verification::default();
    for f in &m.fields {
        let val = field(row, &f.key, f.ty);
        match f.key.as_str() {
            "id" => v.id = val.text().unwrap_or_default(),
            "identifier" => v.identifier = val.text().unwrap_or_default(),
            "value" => v.value = val.text().unwrap_or_default(),
            "expiresAt" => v.expires_at = val.date().unwrap_or_default(),
            "createdAt" => v.created_at = val.date().unwrap_or_default(),
            "updatedAt" => v.updated_at = val.date().unwrap_or_default(),
            _ => {}
        }
    }
    v
}

/// The session and its user from what `findOne({ model: "session", where: [token], join:
/// { user: true } })` answered (rows as JSON: dates as ISO text), `None` for no row or no user
/// (Better Auth's `findSession` answers `null` then too). Also used for rows the JS layer read
/// itself (getSession answered on the JS thread).
pub fn session_with_user(schema: &Schema, row: &Value) -> Option<(Session, User)> {
    if !row.is_object() {
        return None;
    }
    let user = match row.get("user") {
        Some(Value::Array(a)) => a.first()?,
        Some(u @ Value::Object(_)) => u,
        _ => return None,
    };
    Some((session_of(&schema.session, row), user_of(&schema.user, user)))
}

/// Additional fields of `m` present in `extra`, as adapter data.
fn extra_data(m: &Model, extra: &Map<String, Value>, data: &mut Map<String, Value>) {
    for f in m.extra_fields() {
        if let Some(v) = extra.get(&f.key) {
            data.insert(f.key.clone(), wire(&Val::from_json(v, f.ty)));
        }
    }
}

fn user_data(m: &Model, u: &User) -> Map<String, Value> {
    let mut d = Map::new();
    d.insert("name".into(), json!(u.name));
    d.insert("email".into(), json!(u.email));
    d.insert("emailVerified".into(), json!(u.email_verified));
    // an unset image is left out, as Better Auth leaves `undefined` out (the memory adapter's
    // row then has no key; a table's column is null either way)
    if u.image.is_some() {
        d.insert("image".into(), opt_text(&u.image));
    }
    d.insert("createdAt".into(), date(u.created_at));
    d.insert("updatedAt".into(), date(u.updated_at));
    extra_data(m, &u.extra, &mut d);
    d
}

fn session_data(m: &Model, s: &Session) -> Map<String, Value> {
    let mut d = Map::new();
    if s.ip_address.is_some() {
        d.insert("ipAddress".into(), opt_text(&s.ip_address));
    }
    if s.user_agent.is_some() {
        d.insert("userAgent".into(), opt_text(&s.user_agent));
    }
    d.insert("expiresAt".into(), date(s.expires_at));
    d.insert("userId".into(), json!(s.user_id));
    d.insert("token".into(), json!(s.token));
    d.insert("createdAt".into(), date(s.created_at));
    d.insert("updatedAt".into(), date(s.updated_at));
    extra_data(m, &s.extra, &mut d);
    d
}

fn account_data(a: &Account) -> Map<String, Value> {
    let mut d = Map::new();
    d.insert("createdAt".into(), date(a.created_at));
    d.insert("updatedAt".into(), date(a.updated_at));
    d.insert("userId".into(), json!(a.user_id));
    d.insert("providerId".into(), json!(a.provider_id));
    d.insert("accountId".into(), json!(a.account_id));
    // Better Auth leaves unset columns out of the insert (they take their defaults)
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            d.insert(k.into(), v);
        }
    };
    put("password", opt_text(&a.password));
    put("scope", opt_text(&a.scope));
    put("accessToken", opt_text(&a.tokens.access_token));
    put("refreshToken", opt_text(&a.tokens.refresh_token));
    put("idToken", opt_text(&a.tokens.id_token));
    put("accessTokenExpiresAt", a.tokens.access_token_expires_at.map(date).unwrap_or(Value::Null));
    put("refreshTokenExpiresAt", a.tokens.refresh_token_expires_at.map(date).unwrap_or(Value::Null));
    d
}

fn verification_data(v: &Verification) -> Map<String, Value> {
    let mut d = Map::new();
    d.insert("createdAt".into(), date(v.created_at));
    d.insert("updatedAt".into(), date(v.updated_at));
    d.insert("value".into(), json!(v.value));
    d.insert("identifier".into(), json!(v.identifier));
    d.insert("expiresAt".into(), date(v.expires_at));
    d
}

fn op_name(o: Op) -> &'static str {
    match o {
        Op::Eq => "eq",
        Op::Ne => "ne",
        Op::Lt => "lt",
        Op::Lte => "lte",
        Op::Gt => "gt",
        Op::Gte => "gte",
        Op::In => "in",
        Op::NotIn => "not_in",
        Op::Contains => "contains",
        Op::StartsWith => "starts_with",
        Op::EndsWith => "ends_with",
    }
}

/// Conditions on users as Better Auth's `where` (unknown fields are errors, as with SQL).
fn user_where(m: &Model, conds: &[Cond]) -> AuthResult<Vec<Value>> {
    conds
        .iter()
        .map(|c| {
            let f = m.field(&c.field).ok_or_else(|| AuthError::internal(format!("unknown field {} of {}", c.field, m.key)))?;
            let value = match (&c.value, f.ty) {
                (Value::String(s), FieldType::Date) => crate::time::parse_date(s).map(date).unwrap_or_else(|| c.value.clone()),
                (Value::Number(n), FieldType::Date) => n.as_i64().map(date).unwrap_or(Value::Null),
                _ => c.value.clone(),
            };
            Ok(op(&c.field, op_name(c.op), value))
        })
        .collect()
}

/// The application's Better Auth adapter behind the `adapter.run` callback.
#[derive(Clone)]
pub struct AdapterStore {
    callbacks: Callbacks,
    schema: Arc<Schema>,
    /// The adapter's id (`drizzle`, `prisma`, `kysely`, `mongodb`, `memory`, …), for messages.
    pub id: String,
}

impl std::fmt::Debug for AdapterStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdapterStore").field("id", &self.id).finish()
    }
}

impl AdapterStore {
    /// The adapter reachable through `callbacks` (`adapter.run`).
    pub fn new(callbacks: Callbacks, schema: Arc<Schema>, id: String) -> AuthResult<Self> {
        if !callbacks.has(CALLBACK) {
            return Err(AuthError::internal("a database adapter was given but cannot be reached"));
        }
        Ok(Self { callbacks, schema, id })
    }

    /// Runs `calls` in one hop, in order; with `atomic`, inside `adapter.transaction` (rows
    /// created before a failure are removed again when the adapter has no real transactions).
    async fn run(&self, calls: &[Call], atomic: bool) -> Result<Vec<Value>, AdapterErr> {
        let ops: Vec<Value> = calls
            .iter()
            .map(|c| match c.when {
                Some(i) => json!({ "method": c.method, "args": c.args, "when": i }),
                None => json!({ "method": c.method, "args": c.args }),
            })
            .collect();
        let reply = self
            .callbacks
            .call(CALLBACK, json!([{ "tx": atomic, "ops": ops }]))
            .await
            .map_err(AdapterErr::Other)?
            .ok_or_else(|| AdapterErr::Other(AuthError::internal("database adapter: no reply")))?;
        if let Some(e) = reply.get("error") {
            if e.get("unique").and_then(Value::as_bool) == Some(true) {
                return Err(AdapterErr::Unique);
            }
            let message = e.get("message").and_then(Value::as_str).unwrap_or("unknown error");
            if e.get("unavailable").and_then(Value::as_bool) == Some(true) {
                crate::error::log_outage(&format!("database adapter ({}): {message}", self.id));
                return Err(AdapterErr::Other(AuthError::unavailable()));
            }
            return Err(AdapterErr::Other(AuthError::internal(format!("database adapter ({}): {message}", self.id))));
        }
        let results = match reply.get("results") {
            Some(Value::Array(r)) if r.len() == calls.len() => r.clone(),
            _ => return Err(AdapterErr::Other(AuthError::internal("database adapter: unreadable reply"))),
        };
        Ok(results)
    }

    /// One call; its result.
    async fn one(&self, c: Call) -> AuthResult<Value> {
        Ok(self.run(std::slice::from_ref(&c), false).await?.pop().unwrap_or(Value::Null))
    }

    fn count_of(v: &Value) -> u64 {
        match v {
            Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)).unwrap_or(0),
            Value::String(s) => s.parse().unwrap_or(0),
            _ => 0,
        }
    }

    fn rows(v: Value) -> Vec<Value> {
        match v {
            Value::Array(a) => a,
            _ => Vec::new(),
        }
    }

    /// One adapter call on a plugin table (`method`: `findOne`, `update`, `updateMany`,
    /// `incrementOne`, `deleteMany`, ...; `args` as Better Auth passes them, dates built with
    /// [`date`]); its result (`null` for none). A unique violation is an error.
    pub async fn call(&self, method: &'static str, args: Value) -> AuthResult<Value> {
        self.one(call(method, args)).await
    }

    /// `create` on a plugin table; `None` when a unique constraint refused the row.
    pub async fn try_create(&self, model: &str, data: Map<String, Value>) -> AuthResult<Option<Value>> {
        match self.run(&[Self::create(model, data)], false).await {
            Ok(mut r) => Ok(r.pop()),
            Err(AdapterErr::Unique) => Ok(None),
            Err(AdapterErr::Other(e)) => Err(e),
        }
    }

    /// A count an adapter call answered (`updateMany`, `deleteMany`, `count`).
    pub fn count(v: &Value) -> u64 {
        Self::count_of(v)
    }

    /// Rows of a plugin table (`model`: its logical name, e.g. `jwks`) matching `where_`
    /// (Better Auth's clauses), sorted by `sort` (`(field, "asc" | "desc")`).
    pub async fn find_rows(&self, model: &str, where_: Vec<Value>, sort: Option<(&str, &str)>) -> AuthResult<Vec<Value>> {
        Ok(Self::rows(self.one(Self::find_many(model, where_, sort, None)).await?))
    }

    /// Creates a row of a plugin table (logical field names; dates as [`Val::Date`] through
    /// `wire`); the row the adapter wrote (with the id it generated).
    pub async fn create_row(&self, model: &str, data: Vec<(&str, Val)>) -> AuthResult<Value> {
        let data: Map<String, Value> = data.into_iter().filter(|(_, v)| *v != Val::Null).map(|(k, v)| (k.to_string(), wire(&v))).collect();
        let row = self.one(Self::create(model, data)).await?;
        if !row.is_object() {
            return Err(AuthError::internal(format!("database adapter: create returned no {model} row")));
        }
        Ok(row)
    }

    fn create(model: &str, data: Map<String, Value>) -> Call {
        call("create", json!({ "model": model, "data": data, "forceAllowId": true }))
    }

    fn find_many(model: &str, where_: Vec<Value>, sort: Option<(&str, &str)>, limit: Option<i64>) -> Call {
        let mut args = json!({ "model": model, "where": where_ });
        if let Some((field, direction)) = sort {
            args["sortBy"] = json!({ "field": field, "direction": direction });
        }
        if let Some(l) = limit {
            args["limit"] = json!(l);
        }
        call("findMany", args)
    }

    async fn user_where_one(&self, where_: Vec<Value>) -> AuthResult<Option<User>> {
        let row = self.one(call("findOne", json!({ "model": "user", "where": where_ }))).await?;
        Ok((!row.is_null()).then(|| user_of(&self.schema.user, &row)))
    }

    /// Accounts matching `where_`, oldest first (sorted here: Better Auth's `findAccounts`
    /// sends no `sortBy`, and the adapter sees the same call).
    async fn accounts(&self, where_: Vec<Value>) -> AuthResult<Vec<Account>> {
        let rows = self.one(Self::find_many("account", where_, None, None)).await?;
        let mut accounts: Vec<Account> = Self::rows(rows).iter().map(|r| account_of(&self.schema.account, r)).collect();
        accounts.sort_by_key(|a| a.created_at);
        Ok(accounts)
    }

    /// Sessions matching `where_`, oldest first (sorted here: Better Auth's `listSessions`
    /// sends no `sortBy`).
    async fn sessions(&self, where_: Vec<Value>) -> AuthResult<Vec<Session>> {
        let rows = self.one(Self::find_many("session", where_, None, None)).await?;
        let mut sessions: Vec<Session> = Self::rows(rows).iter().map(|r| session_of(&self.schema.session, r)).collect();
        sessions.sort_by_key(|s| s.created_at);
        Ok(sessions)
    }

    /// The credential account's `where` as Better Auth writes it (`findCredentialAccount`,
    /// `updatePassword`): the user's, provider `credential`, account id = user id.
    fn credential_where(user_id: &str) -> Vec<Value> {
        vec![eq("userId", json!(user_id)), eq("providerId", json!("credential")), eq("accountId", json!(user_id))]
    }
}

#[async_trait]
impl Store for AdapterStore {
    async fn migrate(&self) -> AuthResult<()> {
        // the ORM owns the schema (drizzle-kit, prisma migrate, Better Auth's CLI)
        Ok(())
    }

    async fn find_user_with_credential(&self, email: &str) -> AuthResult<Option<(User, Option<Account>)>> {
        let row = self
            .one(call("findOne", json!({ "model": "user", "where": [eq("email", json!(email))], "join": { "account": true } })))
            .await?;
        if row.is_null() {
            return Ok(None);
        }
        let user = user_of(&self.schema.user, &row);
        let account = match row.get("account") {
            Some(Value::Array(a)) => a.iter().map(|r| account_of(&self.schema.account, r)).find(|a| a.provider_id == "credential"),
            Some(r @ Value::Object(_)) => Some(account_of(&self.schema.account, r)).filter(|a| a.provider_id == "credential"),
            _ => None,
        };
        Ok(Some((user, account)))
    }

    async fn create_user_with_credential(&self, user: &mut User, account: &mut Account) -> Result<(), CreateUserError> {
        self.create_user(user, Some(account)).await
    }

    async fn create_user(&self, user: &mut User, account: Option<&mut Account>) -> Result<(), CreateUserError> {
        let mut calls = vec![Self::create("user", user_data(&self.schema.user, user))];
        if let Some(a) = account.as_deref() {
            let mut data = account_data(a);
            data.insert("userId".into(), json!({ "$ref": [0, "id"] }));
            if a.provider_id == "credential" {
                data.insert("accountId".into(), json!({ "$ref": [0, "id"] }));
            }
            calls.push(Self::create("account", data));
        }
        let results = self.run(&calls, true).await?;
        let created = results.first().filter(|r| r.is_object()).ok_or_else(|| CreateUserError::Other(AuthError::internal("database adapter: create returned no user")))?;
        *user = user_of(&self.schema.user, created);
        if let (Some(a), Some(row)) = (account, results.get(1)) {
            *a = account_of(&self.schema.account, row);
        }
        Ok(())
    }

    async fn find_users(&self, q: &UserQuery) -> AuthResult<Vec<User>> {
        let m = &self.schema.user;
        let mut args = json!({ "model": "user", "where": user_where(m, &q.conds)? });
        if let Some((f, desc)) = &q.sort {
            if m.field(f).is_none() {
                return Err(AuthError::internal(format!("unknown field {f} of user")));
            }
            args["sortBy"] = json!({ "field": f, "direction": if *desc { "desc" } else { "asc" } });
        }
        if let Some(l) = q.limit {
            args["limit"] = json!(l.max(0));
        }
        if let Some(o) = q.offset {
            args["offset"] = json!(o.max(0));
        }
        let rows = self.one(call("findMany", args)).await?;
        Ok(Self::rows(rows).iter().map(|r| user_of(m, r)).collect())
    }

    async fn count_users(&self, conds: &[Cond]) -> AuthResult<i64> {
        let n = self.one(call("count", json!({ "model": "user", "where": user_where(&self.schema.user, conds)? }))).await?;
        Ok(Self::count_of(&n) as i64)
    }

    async fn create_session(&self, session: &mut Session) -> AuthResult<()> {
        let row = self.one(Self::create("session", session_data(&self.schema.session, session))).await?;
        if !row.is_object() {
            return Err(AuthError::internal("database adapter: create returned no session"));
        }
        *session = session_of(&self.schema.session, &row);
        Ok(())
    }

    async fn find_session(&self, token: &str) -> AuthResult<Option<(Session, User)>> {
        let row = self
            .one(call("findOne", json!({ "model": "session", "where": [eq("token", json!(token))], "join": { "user": true } })))
            .await?;
        Ok(session_with_user(&self.schema, &row))
    }

    async fn refresh_session(&self, token: &str, expires_at: i64, updated_at: i64) -> AuthResult<bool> {
        let row = self
            .one(call(
                "update",
                json!({ "model": "session", "where": [eq("token", json!(token))], "update": { "expiresAt": date(expires_at), "updatedAt": date(updated_at) } }),
            ))
            .await?;
        Ok(!row.is_null())
    }

    async fn update_session(&self, token: &str, fields: &Map<String, Value>, updated_at: i64) -> AuthResult<Option<Session>> {
        let m = &self.schema.session;
        let mut update = Map::new();
        extra_data(m, fields, &mut update);
        update.insert("updatedAt".into(), date(updated_at));
        let row = self.one(call("update", json!({ "model": "session", "where": [eq("token", json!(token))], "update": update }))).await?;
        Ok((!row.is_null()).then(|| session_of(m, &row)))
    }

    async fn update_credential_password(&self, user_id: &str, hash: &str, now: i64) -> AuthResult<bool> {
        // Better Auth's updatePassword
        let n = self
            .one(call("updateMany", json!({ "model": "account", "where": Self::credential_where(user_id), "update": { "password": hash, "updatedAt": date(now) } })))
            .await?;
        Ok(Self::count_of(&n) > 0)
    }

    async fn update_account_password(&self, account_id: &str, _user_id: &str, hash: &str, now: i64) -> AuthResult<bool> {
        // Better Auth's updateAccount(account.id, { password }) (change-password)
        let row = self
            .one(call("update", json!({ "model": "account", "where": [eq("id", json!(account_id))], "update": { "password": hash, "updatedAt": date(now) } })))
            .await?;
        Ok(!row.is_null())
    }

    async fn delete_session(&self, token: &str) -> AuthResult<()> {
        // Better Auth's deleteSession: the row is read first (for its delete hooks) and deleted
        // when found; one hop
        let where_ = json!([eq("token", json!(token))]);
        let calls = [
            call("findMany", json!({ "model": "session", "where": where_, "limit": 1 })),
            call("delete", json!({ "model": "session", "where": where_ })).when_found(0),
        ];
        self.run(&calls, false).await?;
        Ok(())
    }

    async fn find_user_by_id(&self, id: &str) -> AuthResult<Option<User>> {
        self.user_where_one(vec![eq("id", json!(id))]).await
    }

    async fn find_user_by_email(&self, email: &str) -> AuthResult<Option<User>> {
        self.user_where_one(vec![eq("email", json!(email))]).await
    }

    async fn find_credential_account(&self, user_id: &str) -> AuthResult<Option<Account>> {
        // Better Auth's findCredentialAccount
        let row = self.one(call("findOne", json!({ "model": "account", "where": Self::credential_where(user_id) }))).await?;
        Ok(row.is_object().then(|| account_of(&self.schema.account, &row)))
    }

    async fn create_account(&self, account: &mut Account) -> AuthResult<()> {
        let row = self.one(Self::create("account", account_data(account))).await?;
        if !row.is_object() {
            return Err(AuthError::internal("database adapter: create returned no account"));
        }
        *account = account_of(&self.schema.account, &row);
        Ok(())
    }

    async fn list_accounts(&self, user_id: &str) -> AuthResult<Vec<Account>> {
        self.accounts(vec![eq("userId", json!(user_id))]).await
    }

    async fn update_user(&self, id: &str, update: &UserUpdate, now: i64) -> Result<Option<User>, CreateUserError> {
        let m = &self.schema.user;
        let mut set = Map::new();
        if let Some(n) = &update.name {
            set.insert("name".into(), json!(n));
        }
        if let Some(e) = &update.email {
            set.insert("email".into(), json!(e));
        }
        if let Some(v) = update.email_verified {
            set.insert("emailVerified".into(), json!(v));
        }
        if let Some(img) = &update.image {
            set.insert("image".into(), opt_text(img));
        }
        extra_data(m, &update.extra, &mut set);
        set.insert("updatedAt".into(), date(now));
        let row = self.run(&[call("update", json!({ "model": "user", "where": [eq("id", json!(id))], "update": set }))], false).await?;
        let row = row.into_iter().next().unwrap_or(Value::Null);
        Ok((!row.is_null()).then(|| user_of(m, &row)))
    }

    async fn delete_user(&self, id: &str) -> AuthResult<()> {
        // Better Auth's deleteUser then deleteUserSessions (what /delete-user runs), each delete
        // after its read (Better Auth's delete helpers read the rows for their hooks): the same
        // calls, in one hop and one transaction (nothing is left half-deleted on a failure)
        let by_user = json!([eq("userId", json!(id))]);
        let by_id = json!([eq("id", json!(id))]);
        let calls = [
            call("findMany", json!({ "model": "session", "where": by_user })),
            call("deleteMany", json!({ "model": "session", "where": by_user })),
            call("findMany", json!({ "model": "account", "where": by_user })),
            call("deleteMany", json!({ "model": "account", "where": by_user })),
            call("findMany", json!({ "model": "user", "where": by_id, "limit": 1 })),
            call("delete", json!({ "model": "user", "where": by_id })).when_found(4),
            call("findMany", json!({ "model": "session", "where": by_user })),
            call("deleteMany", json!({ "model": "session", "where": by_user })),
        ];
        self.run(&calls, true).await?;
        Ok(())
    }

    async fn list_sessions(&self, user_id: &str) -> AuthResult<Vec<Session>> {
        // Better Auth's listSessions(userId) (the admin plugin's list-user-sessions)
        self.sessions(vec![eq("userId", json!(user_id))]).await
    }

    async fn list_active_sessions(&self, user_id: &str, now: i64) -> AuthResult<Vec<Session>> {
        // Better Auth's listSessions(userId, { onlyActiveSessions: true }): the expiry is part of
        // the query, so the adapter's default limit (100 rows) counts live sessions only
        self.sessions(vec![eq("userId", json!(user_id)), op("expiresAt", "gt", date(now))]).await
    }

    async fn delete_user_sessions(&self, user_id: &str, except: Option<&str>) -> AuthResult<u64> {
        let Some(t) = except else {
            // Better Auth's deleteUserSessions: the rows are read (for its hooks), then deleted; one hop
            let where_ = json!([eq("userId", json!(user_id))]);
            let calls = [call("findMany", json!({ "model": "session", "where": where_ })), call("deleteMany", json!({ "model": "session", "where": where_ }))];
            let r = self.run(&calls, false).await?;
            return Ok(r.get(1).map(Self::count_of).unwrap_or(0));
        };
        // all but one: one deleteMany with `token ne`, where Better Auth lists the sessions (at
        // most the adapter's default 100) and deletes the others by token; ours leaves none
        // behind, also past the 100th or created between the two calls
        let where_ = vec![eq("userId", json!(user_id)), op("token", "ne", json!(t))];
        Ok(Self::count_of(&self.one(call("deleteMany", json!({ "model": "session", "where": where_ }))).await?))
    }

    async fn create_verification(&self, v: &mut Verification) -> AuthResult<()> {
        let row = self.one(Self::create("verification", verification_data(v))).await?;
        if !row.is_object() {
            return Err(AuthError::internal("database adapter: create returned no verification"));
        }
        *v = verification_of(&self.schema.verification, &row);
        Ok(())
    }

    async fn find_verification(&self, identifier: &str) -> AuthResult<Option<Verification>> {
        let rows = self.one(Self::find_many("verification", vec![eq("identifier", json!(identifier))], Some(("createdAt", "desc")), Some(1))).await?;
        Ok(Self::rows(rows).first().map(|r| verification_of(&self.schema.verification, r)))
    }

    async fn delete_verification(&self, identifier: &str) -> AuthResult<u64> {
        Ok(Self::count_of(&self.one(call("deleteMany", json!({ "model": "verification", "where": [eq("identifier", json!(identifier))] }))).await?))
    }

    async fn delete_expired_verifications(&self, now: i64) -> AuthResult<u64> {
        Ok(Self::count_of(&self.one(call("deleteMany", json!({ "model": "verification", "where": [op("expiresAt", "lt", date(now))] }))).await?))
    }

    async fn consume_verification(&self, v: &Verification) -> AuthResult<bool> {
        // the row itself first (atomic: one caller wins), then the older rows of its identifier
        let won = self.one(call("consumeOne", json!({ "model": "verification", "where": [eq("id", json!(v.id))] }))).await?;
        if won.is_null() {
            return Ok(false);
        }
        self.one(call(
            "deleteMany",
            json!({ "model": "verification", "where": [eq("identifier", json!(v.identifier)), op("createdAt", "lte", date(v.created_at))] }),
        ))
        .await?;
        Ok(true)
    }

    async fn update_verification_expiry(&self, identifier: &str, expires_at: i64, now: i64) -> AuthResult<u64> {
        let n = self
            .one(call(
                "updateMany",
                json!({ "model": "verification", "where": [eq("identifier", json!(identifier))], "update": { "expiresAt": date(expires_at), "updatedAt": date(now) } }),
            ))
            .await?;
        Ok(Self::count_of(&n))
    }

    async fn reserve_verification(&self, v: &Verification) -> AuthResult<bool> {
        if matches!(self.schema.ids, IdStrategy::Serial | IdStrategy::Database) {
            return Ok(true);
        }
        let mut data = verification_data(v);
        data.insert("id".into(), json!(v.id));
        match self.run(&[Self::create("verification", data)], false).await {
            Ok(_) => Ok(true),
            Err(e) => {
                // a duplicate primary key: the reservation is someone else's
                let held = self.one(call("findOne", json!({ "model": "verification", "where": [eq("id", json!(v.id))] }))).await?;
                if held.is_null() { Err(e.into()) } else { Ok(false) }
            }
        }
    }

    async fn delete_account(&self, id: &str) -> AuthResult<u64> {
        Ok(Self::count_of(&self.one(call("deleteMany", json!({ "model": "account", "where": [eq("id", json!(id))] }))).await?))
    }

    async fn find_accounts_by_provider(&self, provider_id: &str, account_id: &str) -> AuthResult<Vec<Account>> {
        self.accounts(vec![eq("accountId", json!(account_id)), eq("providerId", json!(provider_id))]).await
    }

    async fn update_account(&self, id: &str, update: &AccountUpdate, now: i64) -> AuthResult<u64> {
        let mut set = Map::new();
        for (k, v) in [("accessToken", &update.access_token), ("refreshToken", &update.refresh_token), ("idToken", &update.id_token), ("scope", &update.scope)] {
            if let Some(v) = v {
                set.insert(k.into(), json!(v));
            }
        }
        for (k, v) in [("accessTokenExpiresAt", update.access_token_expires_at), ("refreshTokenExpiresAt", update.refresh_token_expires_at)] {
            if let Some(v) = v {
                set.insert(k.into(), date(v));
            }
        }
        set.insert("updatedAt".into(), date(now));
        let n = self.one(call("updateMany", json!({ "model": "account", "where": [eq("id", json!(id))], "update": set }))).await?;
        Ok(Self::count_of(&n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema::from_options(&json!({ "user": { "additionalFields": { "born": { "type": "date", "required": false } } } })).expect("schema")
    }

    #[test]
    fn dates_cross_as_date_markers() {
        assert_eq!(date(0), json!({ "$date": "1970-01-01T00:00:00.000Z" }));
        let s = schema();
        let mut u = User { name: "A".into(), email: "a@x.io".into(), created_at: 1, updated_at: 2, ..Default::default() };
        u.extra.insert("born".into(), json!("2000-01-02T00:00:00.000Z"));
        let d = user_data(&s.user, &u);
        assert_eq!(d["emailVerified"], json!(false));
        assert_eq!(d["born"], json!({ "$date": "2000-01-02T00:00:00.000Z" }));
        assert!(d.get("id").is_none(), "the adapter generates ids");
    }

    #[test]
    fn reads_rows_by_logical_name() {
        let s = schema();
        let row = json!({ "id": 7, "name": "A", "email": "a@x.io", "emailVerified": 1, "image": null,
            "createdAt": "2024-01-02T03:04:05.006Z", "updatedAt": "2024-01-02T03:04:05.006Z", "born": "2000-01-02T00:00:00.000Z" });
        let u = user_of(&s.user, &row);
        assert_eq!(u.id, "7");
        assert!(u.email_verified);
        assert_eq!(u.created_at, 1_704_164_645_006);
        assert_eq!(u.extra["born"], json!("2000-01-02T00:00:00.000Z"));
    }

    #[test]
    fn user_queries_keep_better_auth_where_shapes() {
        let s = schema();
        let w = user_where(&s.user, &[Cond { field: "email".into(), op: Op::StartsWith, value: json!("a") }]).expect("where");
        assert_eq!(w, vec![json!({ "field": "email", "operator": "starts_with", "value": "a" })]);
        assert!(user_where(&s.user, &[Cond { field: "nope".into(), op: Op::Eq, value: json!(1) }]).is_err());
    }
}
