//! Key management on the `jwks` table (private keys sealed with Better Auth's envelope), and
//! token issuance and verification for `/token`, `set-auth-jwt`, `auth.api.signJWT` and
//! `auth.api.verifyJWT`, with the JOSE primitives of [`crate::jwt`].
use super::JwtConfig;
use crate::crypto::envelope::SecretConfig;
use crate::jwt::{Algorithm, KeyPair, Validation, VerifyingKey, jwks_entry, open_private_key_column, seal_private_key_column};
use crate::error::{AuthError, AuthResult};
use crate::store::schema::FieldType;
use crate::store::PluginRows;
use crate::store::sql::SqlStore;
use crate::store::value::Val;
use serde_json::{Map, Value};

/// A `jwks` row.
#[derive(Clone)]
pub struct JwkRow {
    /// `id` (the `kid`)
    pub id: String,
    /// `publicKey` (JWK JSON)
    pub public_key: String,
    /// `privateKey` (sealed JWK JSON)
    pub private_key: String,
    /// `createdAt`
    pub created_at: i64,
    /// `expiresAt`
    pub expires_at: Option<i64>,
    /// `alg`
    pub alg: Option<String>,
    /// `crv`
    pub crv: Option<String>,
}

/// `fooBar` → `foo_bar` (the column names of a snake_case schema).
fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 2);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// What is wrong with the `jwks` table when a statement on it failed: missing table or columns,
/// with the fix (migrate, or map a snake_case table's columns). `None` when it looks right.
async fn table_problem(store: &SqlStore) -> Option<String> {
    let m = store.schema().plugin_table(super::schema::JWKS)?;
    let cols = crate::store::migrate::columns(store, &m.table).await.ok()?;
    if cols.is_empty() {
        return Some(format!(
            "the jwt plugin's table \"{}\" does not exist: create it with `npx better-auth-rs migrate` (or `await getMigrations(auth).runMigrations()`)",
            m.table
        ));
    }
    let missing: Vec<&crate::store::schema::Field> = m.fields.iter().filter(|f| !cols.iter().any(|c| c.name == f.column)).collect();
    if missing.is_empty() {
        return None;
    }
    let names: Vec<String> = missing.iter().map(|f| format!("\"{}\"", f.column)).collect();
    let renames: Vec<String> = missing
        .iter()
        .filter(|f| cols.iter().any(|c| c.name == snake(&f.key)) && snake(&f.key) != f.column)
        .map(|f| format!("{}: \"{}\"", f.key, snake(&f.key)))
        .collect();
    Some(if !renames.is_empty() {
        format!(
            "the jwt plugin's table \"{}\" has snake_case columns: map them with jwt({{ schema: {{ jwks: {{ fields: {{ {} }} }} }} }})",
            m.table,
            renames.join(", ")
        )
    } else {
        format!(
            "the jwt plugin's table \"{}\" lacks column(s) {} (an older Better Auth schema): add them with `npx better-auth-rs migrate` (or `await getMigrations(auth).runMigrations()`)",
            m.table,
            names.join(", ")
        )
    })
}

static LAST_TABLE_LOG: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A failed statement on the `jwks` table as a clear error (logged at most every 10 s).
async fn explain(store: PluginRows<'_>, e: AuthError) -> AuthError {
    let PluginRows::Sql(store) = store else { return e };
    if e.is_unavailable() {
        return e;
    }
    match table_problem(store).await {
        Some(msg) => {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
            let last = LAST_TABLE_LOG.load(std::sync::atomic::Ordering::Relaxed);
            if now >= last + 10 && LAST_TABLE_LOG.compare_exchange(last, now, std::sync::atomic::Ordering::Relaxed, std::sync::atomic::Ordering::Relaxed).is_ok() {
                crate::log::error(&msg);
            }
            AuthError::internal(msg)
        }
        None => e,
    }
}

/// Logs (at most every 10 s) why `set-auth-jwt` was left off a session answer.
pub fn log_header_skipped(e: &AuthError) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let last = LAST_TABLE_LOG.load(std::sync::atomic::Ordering::Relaxed);
    if now >= last + 10 && LAST_TABLE_LOG.compare_exchange(last, now, std::sync::atomic::Ordering::Relaxed, std::sync::atomic::Ordering::Relaxed).is_ok() {
        crate::log::error(&format!("get-session answered without set-auth-jwt: {e}"));
    }
}

async fn all_keys(store: PluginRows<'_>) -> AuthResult<Vec<JwkRow>> {
    let read = match store {
        PluginRows::Sql(s) => read_keys(s).await,
        PluginRows::Adapter(a) => adapter_keys(a).await,
    };
    match read {
        Ok(k) => Ok(k),
        Err(e) => Err(explain(store, e).await),
    }
}

/// The keys through a Better Auth adapter (`findMany` on `jwks`, oldest first).
async fn adapter_keys(a: &crate::store::js_adapter::AdapterStore) -> AuthResult<Vec<JwkRow>> {
    let rows = a.find_rows(super::schema::JWKS, Vec::new(), Some(("createdAt", "asc"))).await?;
    let text = |r: &Value, k: &str| match r.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let date = |r: &Value, k: &str| match r.get(k) {
        Some(Value::String(s)) => crate::time::parse_date(s),
        Some(Value::Number(n)) => n.as_i64(),
        _ => None,
    };
    Ok(rows
        .iter()
        .map(|r| JwkRow {
            id: text(r, "id").unwrap_or_default(),
            public_key: text(r, "publicKey").unwrap_or_default(),
            private_key: text(r, "privateKey").unwrap_or_default(),
            created_at: date(r, "createdAt").unwrap_or_default(),
            expires_at: date(r, "expiresAt"),
            alg: text(r, "alg"),
            crv: text(r, "crv"),
        })
        .collect())
}

async fn read_keys(store: &SqlStore) -> AuthResult<Vec<JwkRow>> {
    let Some(m) = store.schema().plugin_table(super::schema::JWKS) else { return Ok(Vec::new()) };
    let d = store.dialect();
    let cols: Vec<String> = m.fields.iter().map(|f| d.q(&f.column)).collect();
    let sql = format!("select {} from {} order by {} asc", cols.join(", "), d.q(&m.table), d.q(m.col("createdAt")));
    let types: Vec<FieldType> = m.fields.iter().map(|f| f.ty).collect();
    let rows = store.fetch_raw(sql, Vec::new(), &types).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut it = r.into_iter();
            let mut next = || it.next().unwrap_or(Val::Null);
            JwkRow {
                id: next().text().unwrap_or_default(),
                public_key: next().text().unwrap_or_default(),
                private_key: next().text().unwrap_or_default(),
                created_at: next().date().unwrap_or_default(),
                expires_at: next().date(),
                alg: next().text(),
                crv: next().text(),
            }
        })
        .collect())
}

async fn create_key(store: PluginRows<'_>, cfg: &JwtConfig, secret: &str, id: String, now: i64) -> AuthResult<JwkRow> {
    let pair = KeyPair::generate(cfg.alg)?;
    let sealed = if cfg.disable_private_key_encryption {
        seal_private_key_column(None, &pair.private_jwk_json())?
    } else {
        seal_private_key_column(Some(&SecretConfig::single(secret)), &pair.private_jwk_json())?
    };
    let row = JwkRow {
        id,
        public_key: pair.public_jwk_json(),
        private_key: sealed,
        created_at: now,
        expires_at: cfg.rotation_interval.map(|r| now + r * 1000),
        alg: Some(cfg.alg.as_str().to_string()),
        crv: cfg.alg.crv().map(str::to_string),
    };
    let store = match store {
        PluginRows::Sql(s) => s,
        PluginRows::Adapter(a) => {
            // the adapter generates the id (its generateId / uuid / ObjectId), as in Better Auth
            let data = vec![
                ("publicKey", Val::Text(row.public_key.clone())),
                ("privateKey", Val::Text(row.private_key.clone())),
                ("createdAt", Val::Date(row.created_at)),
                ("expiresAt", row.expires_at.map(Val::Date).unwrap_or(Val::Null)),
                ("alg", row.alg.clone().map(Val::Text).unwrap_or(Val::Null)),
                ("crv", row.crv.clone().map(Val::Text).unwrap_or(Val::Null)),
            ];
            let written = a.create_row(super::schema::JWKS, data).await?;
            let id = match written.get("id") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => return Err(AuthError::internal("database adapter: the new jwks row has no id")),
            };
            return Ok(JwkRow { id, ..row });
        }
    };
    let m = store.schema().plugin_table(super::schema::JWKS).ok_or_else(|| AuthError::internal("jwks table is not configured"))?;
    let d = store.dialect();
    let vals = [
        (Val::Id(row.id.clone()), FieldType::Id),
        (Val::Text(row.public_key.clone()), FieldType::String),
        (Val::Text(row.private_key.clone()), FieldType::String),
        (Val::Date(row.created_at), FieldType::Date),
        (row.expires_at.map(Val::Date).unwrap_or(Val::Null), FieldType::Date),
        (row.alg.clone().map(Val::Text).unwrap_or(Val::Null), FieldType::String),
        (row.crv.clone().map(Val::Text).unwrap_or(Val::Null), FieldType::String),
    ];
    let cols: Vec<String> = m.fields.iter().map(|f| d.q(&f.column)).collect();
    let ps: Vec<String> = (1..=vals.len()).map(|i| d.p(i)).collect();
    let sql = format!("insert into {} ({}) values ({})", d.q(&m.table), cols.join(", "), ps.join(", "));
    if let Err(e) = store.exec_sql(sql, vals.to_vec()).await {
        return Err(explain(PluginRows::Sql(store), e).await);
    }
    Ok(row)
}

/// The key set for `/jwks`: keys not past `expiresAt + gracePeriod`; mints the first key.
pub async fn jwks(store: PluginRows<'_>, cfg: &JwtConfig, secret: &str, new_id: String, now: i64) -> AuthResult<Value> {
    let mut keys = all_keys(store).await?;
    if keys.is_empty() {
        create_key(store, cfg, secret, new_id, now).await?;
        keys = all_keys(store).await?;
    }
    let default_alg = cfg.alg.as_str();
    let mut out = Vec::new();
    for k in keys.iter().filter(|k| k.expires_at.is_none_or(|e| e + cfg.grace_period * 1000 > now)) {
        out.push(jwks_entry(k.alg.as_deref().unwrap_or(default_alg), k.crv.as_deref().or(cfg.alg.crv()), &k.public_key, &k.id)?);
    }
    let mut m = Map::new();
    m.insert("keys".into(), Value::Array(out));
    Ok(Value::Object(m))
}

/// Signs `payload` as Better Auth's `signJWT`: `exp` (default now + lifetime), `iss` and `aud`
/// (default: the base URL origin) added when missing.
pub async fn sign(store: PluginRows<'_>, cfg: &JwtConfig, secret: &str, base_origin: &str, payload: Map<String, Value>, new_id: String, now: i64) -> AuthResult<String> {
    let now_s = now / 1000;
    let mut claims = payload;
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(now_s);
    claims.entry("exp").or_insert_with(|| Value::from(iat + cfg.expires_in));
    claims.entry("iss").or_insert_with(|| Value::String(cfg.issuer.clone().unwrap_or_else(|| base_origin.to_string())));
    claims.entry("aud").or_insert_with(|| Value::String(cfg.audience.clone().unwrap_or_else(|| base_origin.to_string())));
    let claims = Value::Object(claims);
    if let Some(shared) = cfg.hs256_secret.as_deref().filter(|_| cfg.alg == Algorithm::HS256) {
        return crate::jwt::sign_hs256(shared, &claims);
    }
    let keys = all_keys(store).await?;
    let live = |k: &&JwkRow| k.expires_at.is_none_or(|e| e >= now);
    let primary = cfg.alg.as_str();
    let chosen = keys
        .iter()
        .rev()
        .filter(live)
        .find(|k| k.alg.as_deref().unwrap_or(primary) == primary)
        .or_else(|| keys.iter().rev().find(live))
        .cloned();
    let key = match chosen {
        Some(k) => k,
        None => create_key(store, cfg, secret, new_id, now).await?,
    };
    let alg = key.alg.as_deref().and_then(Algorithm::parse).unwrap_or(cfg.alg);
    let private = if cfg.disable_private_key_encryption {
        open_private_key_column(None, &key.private_key)?
    } else {
        open_private_key_column(Some(&SecretConfig::single(secret)), &key.private_key)?
    };
    let pair = KeyPair::from_private_jwk_json(alg, &private)?;
    pair.sign(Some(&key.id), &claims)
}

/// Verifies a token this instance issued (Better Auth's `verifyJWT`): `None` when invalid.
pub async fn verify(store: PluginRows<'_>, cfg: &JwtConfig, base_origin: &str, token: &str, issuer: Option<&str>, now: i64) -> AuthResult<Option<Value>> {
    let iss = issuer.map(str::to_string).or_else(|| cfg.issuer.clone()).unwrap_or_else(|| base_origin.to_string());
    let aud = cfg.audience.clone().unwrap_or_else(|| base_origin.to_string());
    let validation = Validation::jwt_plugin(now / 1000, iss, aud);
    if let Some(shared) = cfg.hs256_secret.as_deref().filter(|_| cfg.alg == Algorithm::HS256) {
        return Ok(crate::jwt::verify_hs256(shared, token, &validation).ok().map(Value::Object));
    }
    let Ok(header) = crate::jwt::decode_header(token) else { return Ok(None) };
    let Some(kid) = header.kid else { return Ok(None) };
    let keys = all_keys(store).await?;
    let Some(k) = keys.iter().find(|k| k.id == kid) else { return Ok(None) };
    let alg = k.alg.as_deref().and_then(Algorithm::parse).unwrap_or(cfg.alg);
    let vk = VerifyingKey::from_jwk_json(alg, &k.public_key)?;
    Ok(crate::jwt::verify(token, &vk, &validation).ok().map(Value::Object))
}
