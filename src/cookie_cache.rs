//! The `session_data` cookie cache (and the `account_data` cookie), byte-compatible with
//! Better Auth 1.7 in both directions: values written here are accepted by Better Auth's
//! `getSession` / `getCookieCache`, and values Better Auth wrote are accepted here.
//!
//! The cached object ("sessionData") is `{ session, user, updatedAt: <ms>, version }`, keys in
//! that order. Three encodings ([`Strategy`]):
//!
//! - **compact** (default, alias `base64-hmac`): base64url-nopad of the UTF-8 JSON
//!   `{"session":<sessionData>,"expiresAt":<ms>,"signature":<sig>}`, where
//!   `sig = base64url-nopad(HMAC-SHA256(secret, JSON.stringify({...sessionData, expiresAt})))`.
//!   Writing uses JavaScript's `JSON.stringify` text ([`js_json::stringify`]); reading checks the
//!   HMAC over the raw `session` text received (its final `}` replaced by
//!   `,"expiresAt":<n>}`), so nothing is re-serialised.
//! - **jwt**: JWS `{"alg":"HS256"}` over sessionData + `iat` + `exp`, key = UTF-8 secret; read
//!   like `jose`'s `jwtVerify` (any HS* algorithm, no clock tolerance).
//! - **jwe**: `dir` + `A256CBC-HS512` with `kid` = thumbprint of the HKDF-derived key, claims =
//!   sessionData + `iat` + `exp` + `jti`; read with key rotation (the secret whose `kid`
//!   matches) and 15 s clock tolerance.
//!
//! Reading applies the same checks Better Auth's `getSession` makes before trusting a cache:
//! signature or tag, payload schema, `(version || "1") === expected`, and both the outer expiry
//! and the embedded `session.expiresAt` not in the past. The caller still compares
//! `session.token` with the verified session cookie. Time is always an input.
//!
//! [`chunk`] splits and joins values too large for one cookie.
#![warn(missing_docs)]

pub mod chunk;
mod jose;
pub mod js_json;

use crate::error::{AuthError, AuthResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

/// HKDF salt of the `session_data` JWE key.
pub const SESSION_DATA_SALT: &str = "better-auth-session";

/// HKDF salt of the `account_data` JWE key.
pub const ACCOUNT_DATA_SALT: &str = "better-auth-account";

/// Clock tolerance, in seconds, Better Auth allows on a JWE's `exp` / `nbf`.
pub const JWE_CLOCK_TOLERANCE_S: i64 = 15;

/// `expiresAt` lifetime, in seconds, of a compact cache written for "don't remember me" (or with
/// no Max-Age).
pub const COMPACT_FALLBACK_MAX_AGE_S: i64 = 60;

/// `exp` lifetime, in seconds, of a jwt/jwe cache written for "don't remember me" (or with no
/// Max-Age); also Better Auth's default `cookieCache.maxAge`.
pub const TOKEN_FALLBACK_MAX_AGE_S: i64 = 300;

/// How the cookie cache is encoded (`session.cookieCache.strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// `"compact"` (also `"base64-hmac"`): signed base64url JSON. The default.
    #[default]
    Compact,
    /// `"jwt"`: HS256 JWS signed with the secret.
    Jwt,
    /// `"jwe"`: `dir` + `A256CBC-HS512` JWE under an HKDF key of the secret.
    Jwe,
}

impl Strategy {
    /// Parses Better Auth's option value: `compact`, `base64-hmac`, `jwt` or `jwe`.
    pub fn parse(s: &str) -> Option<Strategy> {
        match s {
            "compact" | "base64-hmac" => Some(Strategy::Compact),
            "jwt" => Some(Strategy::Jwt),
            "jwe" => Some(Strategy::Jwe),
            _ => None,
        }
    }

    /// The option value (`compact`, `jwt`, `jwe`).
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Compact => "compact",
            Strategy::Jwt => "jwt",
            Strategy::Jwe => "jwe",
        }
    }
}

/// A cookie cache that verified and may be used.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheEntry {
    /// The sessionData as Better Auth's schema parse returns it: `session`, `user`,
    /// `updatedAt`, `version` (when present), then any other top-level claims (`iat`, `exp`,
    /// `jti` for jwt/jwe). Date strings are normalised to `YYYY-MM-DDTHH:MM:SS.sssZ`,
    /// `user.email` is lower-cased, and schema keys come first (`id`, `createdAt`, …).
    pub data: Value,
    /// When the cache itself expires, in epoch ms (`expiresAt`, or `exp * 1000`).
    pub expires_at_ms: i64,
}

fn hmac_sha256_b64url(secret: &str, data: &[u8]) -> AuthResult<String> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .map_err(|_| AuthError::internal("cookie cache: invalid HMAC key"))?;
    mac.update(data);
    Ok(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

fn as_object<'a>(v: &'a Value, what: &str) -> AuthResult<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| AuthError::internal(format!("cookie cache: {what} must be a JSON object")))
}

/// Builds the sessionData object `{ session, user, updatedAt, version }` (in that key order).
/// `session` and `user` must be JSON objects whose dates are already
/// `YYYY-MM-DDTHH:MM:SS.sssZ` strings.
pub fn session_data(session: &Value, user: &Value, updated_at_ms: i64, version: &str) -> AuthResult<Map<String, Value>> {
    as_object(session, "session")?;
    as_object(user, "user")?;
    let mut m = Map::with_capacity(4);
    m.insert("session".into(), session.clone());
    m.insert("user".into(), user.clone());
    m.insert("updatedAt".into(), Value::from(updated_at_ms));
    m.insert("version".into(), Value::String(version.to_string()));
    Ok(m)
}

/// Encodes a new `session_data` cookie value, as Better Auth's `setCookieCache` does at
/// `now_ms`. `max_age_s` is the `session_data` cookie's Max-Age (`cookieCache.maxAge`,
/// default 300); with `dont_remember` the cookie has no Max-Age, so compact expires after 60 s
/// and jwt/jwe after 300 s. Returns the value and its expiry in epoch ms (`expiresAt` for
/// compact, `exp * 1000` for jwt/jwe). Only `secret` (the current one) is used.
#[allow(clippy::too_many_arguments)]
pub fn encode(
    strategy: Strategy,
    secret: &str,
    session: &Value,
    user: &Value,
    version: &str,
    now_ms: i64,
    max_age_s: i64,
    dont_remember: bool,
) -> AuthResult<(String, i64)> {
    let data = session_data(session, user, now_ms, version)?;
    let max_age = if dont_remember { 0 } else { max_age_s };
    match strategy {
        Strategy::Compact => {
            let secs = if max_age != 0 { max_age } else { COMPACT_FALLBACK_MAX_AGE_S };
            let expires_at = now_ms.saturating_add(secs.saturating_mul(1000));
            Ok((encode_compact(secret, &data, expires_at)?, expires_at))
        }
        Strategy::Jwt | Strategy::Jwe => {
            let secs = if max_age != 0 { max_age } else { TOKEN_FALLBACK_MAX_AGE_S };
            let iat = now_ms.div_euclid(1000);
            let exp = iat.saturating_add(secs);
            let value = match strategy {
                Strategy::Jwt => encode_jwt(secret, &data, iat, exp)?,
                _ => encode_jwe(secret, SESSION_DATA_SALT, &data, iat, exp)?,
            };
            Ok((value, exp.saturating_mul(1000)))
        }
    }
}

/// The compact value for `session_data` (a sessionData object) expiring at `expires_at_ms`.
pub fn encode_compact(secret: &str, session_data: &Map<String, Value>, expires_at_ms: i64) -> AuthResult<String> {
    let mut signed = session_data.clone();
    signed.insert("expiresAt".into(), Value::from(expires_at_ms));
    let signature = hmac_sha256_b64url(secret, js_json::stringify(&Value::Object(signed)).as_bytes())?;
    let mut outer = String::with_capacity(256);
    outer.push_str("{\"session\":");
    js_json::write_object(&mut outer, session_data);
    outer.push_str(",\"expiresAt\":");
    js_json::write_value(&mut outer, &Value::from(expires_at_ms));
    outer.push_str(",\"signature\":");
    js_json::write_string(&mut outer, &signature);
    outer.push('}');
    Ok(URL_SAFE_NO_PAD.encode(outer.as_bytes()))
}

/// `payload` plus the given claims, each set in place if present or appended (as `jose` does).
fn with_claims(payload: &Map<String, Value>, claims: &[(&str, Value)]) -> Value {
    let mut m = payload.clone();
    for (k, v) in claims {
        m.insert((*k).to_string(), v.clone());
    }
    Value::Object(m)
}

/// The jwt value: `{"alg":"HS256"}` JWS over `payload` + `iat` + `exp` (seconds), keyed with
/// the UTF-8 `secret` (Better Auth's `signJWT`).
pub fn encode_jwt(secret: &str, payload: &Map<String, Value>, iat_s: i64, exp_s: i64) -> AuthResult<String> {
    let claims = with_claims(payload, &[("iat", iat_s.into()), ("exp", exp_s.into())]);
    jose::sign_hs256(secret.as_bytes(), &js_json::stringify(&claims))
        .ok_or_else(|| AuthError::internal("cookie cache: JWT signing failed"))
}

/// The jwe value (Better Auth's `symmetricEncodeJWT`): `payload` + `iat` + `exp` + a random
/// UUID v4 `jti`, encrypted under the key derived from `secret` and `salt`
/// ([`SESSION_DATA_SALT`] or [`ACCOUNT_DATA_SALT`]) with a random IV.
pub fn encode_jwe(secret: &str, salt: &str, payload: &Map<String, Value>, iat_s: i64, exp_s: i64) -> AuthResult<String> {
    let mut iv = [0u8; 16];
    rand::fill(&mut iv);
    let jti = uuid::Uuid::new_v4().to_string();
    encode_jwe_with(secret, salt, payload, iat_s, exp_s, &jti, iv)
}

/// [`encode_jwe`] with the `jti` and IV given (deterministic; for tests and vectors).
pub fn encode_jwe_with(
    secret: &str,
    salt: &str,
    payload: &Map<String, Value>,
    iat_s: i64,
    exp_s: i64,
    jti: &str,
    iv: [u8; 16],
) -> AuthResult<String> {
    let claims = with_claims(payload, &[("iat", iat_s.into()), ("exp", exp_s.into()), ("jti", jti.into())]);
    jose::jwe_encrypt(&derive_jwe_key(secret, salt), &js_json::stringify(&claims), iv)
        .ok_or_else(|| AuthError::internal("cookie cache: JWE encryption failed"))
}

/// Better Auth's JWE key: HKDF-SHA256(ikm = UTF-8 `secret`, salt = UTF-8 `salt`,
/// info = "BetterAuth.js Generated Encryption Key", 64 bytes).
pub fn derive_jwe_key(secret: &str, salt: &str) -> [u8; 64] {
    jose::derive_key(secret, salt)
}

/// The JWE `kid`: RFC 7638 thumbprint (base64url SHA-256) of the `oct` JWK holding `key`.
pub fn jwe_kid(key: &[u8]) -> String {
    jose::thumbprint(key)
}

/// BA's `base64Url.decode`: stops at the first `=`, uses the URL alphabet when the input holds
/// `-` or `_` and the standard one otherwise, ignores left-over bits.
fn lenient_base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent).with_decode_allow_trailing_bits(true);
    const STD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
    const URL: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);
    let url = s.contains(['-', '_']);
    // the library's decoder for the usual case (everything up to the first `=`, whole groups);
    // the loop below for what it refuses (a dangling sixth bit group), with the same result
    let body = s.split('=').next().unwrap_or("");
    if body.len() % 4 != 1
        && let Ok(v) = if url { URL.decode(body) } else { STD.decode(body) }
    {
        return Some(v);
    }
    lenient_base64_loop(s, url)
}

/// [`lenient_base64_decode`] one character at a time.
fn lenient_base64_loop(s: &str, url: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        if c == b'=' {
            break;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' if url => 62,
            b'_' if url => 63,
            b'+' if !url => 62,
            b'/' if !url => 63,
            _ => return None,
        };
        buf = (buf << 6 | u32::from(v)) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

/// Verifies a compact value's signature with `secret` and returns the signed sessionData object
/// (not yet schema-checked) and `expiresAt` (ms). The HMAC is computed over the received
/// `session` text with `,"expiresAt":<n>` spliced in before its closing brace (whitespace before
/// that brace dropped; `<n>` in JavaScript number form), never over a re-serialisation.
pub fn verify_compact(secret: &str, value: &str) -> Option<(Map<String, Value>, f64)> {
    let bytes = lenient_base64_decode(value)?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let mut outer: Map<String, Value> = match serde_json::from_str::<Value>(text).ok()? {
        Value::Object(m) => m,
        _ => return None,
    };
    let (Some(Value::Object(_)), Some(Value::Number(expires)), Some(Value::String(signature))) =
        (outer.get("session"), outer.get("expiresAt"), outer.get("signature"))
    else {
        return None;
    };
    let expires_ms = expires.as_f64()?;
    let span = js_json::top_level_member(text, "session")?;
    let raw = text.get(span)?;
    let body = raw.strip_suffix('}')?.trim_end();
    let mut signed = String::with_capacity(raw.len() + 32);
    signed.push_str(body);
    if body != "{" {
        signed.push(',');
    }
    signed.push_str("\"expiresAt\":");
    js_json::write_value(&mut signed, &Value::Number(expires.clone()));
    signed.push('}');
    let sig = lenient_base64_decode(signature)?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(signed.as_bytes());
    mac.verify_slice(&sig).ok()?;
    // the signed text is the outer object's `session` member: already parsed above
    match outer.swap_remove("session")? {
        Value::Object(m) => Some((m, expires_ms)),
        _ => None,
    }
}

/// Verifies a jwt value like Better Auth's `verifyJWT` (`jose` `jwtVerify` with the UTF-8
/// secret: any HS* algorithm, `exp`/`nbf` checked at `now_ms` with no tolerance) and returns
/// its claims.
pub fn verify_jwt(secret: &str, value: &str, now_ms: i64) -> Option<Map<String, Value>> {
    jose::verify_hs(secret.as_bytes(), value, now_ms.div_euclid(1000))
}

/// Decrypts a jwe value like Better Auth's `symmetricDecodeJWT` and returns its claims.
/// `secrets` are all candidate secrets, current first (rotation): with a `kid` header only the
/// secret whose derived key matches is tried; without one, each in order. `exp`/`nbf` are
/// checked at `now_ms` with 15 s tolerance.
pub fn decrypt_jwe(secrets: &[&str], salt: &str, value: &str, now_ms: i64) -> Option<Map<String, Value>> {
    jose::jwe_decrypt(secrets, salt, value, now_ms.div_euclid(1000), JWE_CLOCK_TOLERANCE_S)
}

/// Decodes a `session_data` value and applies the checks `getSession` makes before using it:
/// valid signature/tag, schema, `(version || "1") == expected_version`, cache expiry and the
/// embedded `session.expiresAt` not before `now_ms`. `secrets` lists the current secret first;
/// compact and jwt use only that one (as Better Auth does), jwe tries all of them. Any failure
/// (tampered, expired, wrong version, malformed, non-UTF-8, …) gives `None`.
///
/// Refused although Better Auth would accept them (the caller then reads the database): JSON
/// holding a lone UTF-16 surrogate escape (`"\ud800"`), which a Rust string cannot hold, and a
/// JWE with `"zip":"DEF"` (Better Auth never writes either).
pub fn decode(strategy: Strategy, secrets: &[&str], value: &str, expected_version: &str, now_ms: i64) -> Option<CacheEntry> {
    decode_any_version(strategy, secrets, value, now_ms).filter(|e| entry_version(&e.data) == expected_version)
}

/// The cache's `version || "1"`.
pub fn entry_version(data: &Value) -> &str {
    match data.get("version") {
        Some(Value::String(v)) if !v.is_empty() => v.as_str(),
        _ => "1",
    }
}

/// [`decode`] without the version check, for a `cookieCache.version` function that computes
/// the expected version from the cached session and user (compare with [`entry_version`]).
pub fn decode_any_version(strategy: Strategy, secrets: &[&str], value: &str, now_ms: i64) -> Option<CacheEntry> {
    let current = *secrets.first()?;
    if value.is_empty() {
        return None;
    }
    let (payload, expires_ms) = match strategy {
        Strategy::Compact => verify_compact(current, value)?,
        Strategy::Jwt => claims_with_expiry(verify_jwt(current, value, now_ms)?, now_ms),
        Strategy::Jwe => claims_with_expiry(decrypt_jwe(secrets, SESSION_DATA_SALT, value, now_ms)?, now_ms),
    };
    let data = parse_payload(payload, now_ms)?;
    if expires_ms < now_ms as f64 {
        return None;
    }
    let session_expires = data
        .get("session")
        .and_then(|s| s.get("expiresAt"))
        .and_then(Value::as_str)
        .and_then(js_json::parse_iso_date_ms)?;
    if session_expires < now_ms {
        return None;
    }
    Some(CacheEntry { data: Value::Object(data), expires_at_ms: expires_ms as i64 })
}

/// `exp ? exp * 1000 : now` (JavaScript truthiness), as `decodeCookieCache` computes it.
fn claims_with_expiry(claims: Map<String, Value>, now_ms: i64) -> (Map<String, Value>, f64) {
    let exp = claims.get("exp").and_then(Value::as_f64).filter(|e| *e != 0.0);
    let expires = exp.map_or(now_ms as f64, |e| e * 1000.0);
    (claims, expires)
}

/// Better Auth's `parseCookieCachePayload`: revive dates everywhere, then zod's
/// `{ session: sessionSchema.loose(), user: userSchema.loose(), updatedAt: number,
/// version?: string }` (loose), with its defaults, coercions and output key order.
fn parse_payload(payload: Map<String, Value>, now_ms: i64) -> Option<Map<String, Value>> {
    let mut payload = Value::Object(payload);
    js_json::revive_dates(&mut payload);
    let Value::Object(mut payload) = payload else { return None };
    let session = parse_session(payload.get("session")?.as_object()?, now_ms)?;
    let user = parse_user(payload.get("user")?.as_object()?, now_ms)?;
    let updated_at = payload.get("updatedAt").filter(|v| v.is_number())?.clone();
    let version = match payload.get("version") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return None,
    };
    let mut out = Map::with_capacity(payload.len());
    out.insert("session".into(), Value::Object(session));
    out.insert("user".into(), Value::Object(user));
    out.insert("updatedAt".into(), updated_at);
    if let Some(v) = version {
        out.insert("version".into(), Value::String(v));
    }
    for k in ["session", "user", "updatedAt", "version"] {
        payload.shift_remove(k);
    }
    out.extend(payload);
    Some(out)
}

/// How one schema field is checked and transformed.
enum Field {
    /// `z.string()`
    Str,
    /// `z.date()` (a revived ISO string); `true` = `.default(new Date())` when absent.
    Date(bool),
    /// `z.coerce.string()`
    CoerceStr,
    /// `z.string().nullish()`
    NullishStr,
    /// `z.boolean().default(false)`
    BoolDefaultFalse,
    /// `z.string().transform(toLowerCase)`
    LowerStr,
}

fn parse_object(input: &Map<String, Value>, shape: &[(&str, Field)], now_ms: i64) -> Option<Map<String, Value>> {
    let mut out = Map::with_capacity(input.len() + 2);
    for (key, field) in shape {
        let v = input.get(*key);
        let parsed = match (field, v) {
            (Field::Str, Some(Value::String(s))) => Some(Value::String(s.clone())),
            (Field::LowerStr, Some(Value::String(s))) => Some(Value::String(s.to_lowercase())),
            (Field::Date(_), Some(Value::String(s))) if js_json::parse_iso_date_ms(s).is_some() => {
                Some(Value::String(s.clone()))
            }
            (Field::Date(true), None) => Some(Value::String(js_json::to_iso_string(now_ms))),
            (Field::CoerceStr, Some(v)) => Some(Value::String(js_json::coerce_string(Some(v)))),
            (Field::NullishStr, None) => None,
            (Field::NullishStr, Some(v @ (Value::Null | Value::String(_)))) => Some(v.clone()),
            (Field::BoolDefaultFalse, None) => Some(Value::Bool(false)),
            (Field::BoolDefaultFalse, Some(Value::Bool(b))) => Some(Value::Bool(*b)),
            _ => return None,
        };
        if let Some(p) = parsed {
            out.insert((*key).to_string(), p);
        }
    }
    for (k, v) in input {
        if !shape.iter().any(|(s, _)| s == k) {
            out.insert(k.clone(), v.clone());
        }
    }
    Some(out)
}

fn parse_session(input: &Map<String, Value>, now_ms: i64) -> Option<Map<String, Value>> {
    parse_object(
        input,
        &[
            ("id", Field::Str),
            ("createdAt", Field::Date(true)),
            ("updatedAt", Field::Date(true)),
            ("userId", Field::CoerceStr),
            ("expiresAt", Field::Date(false)),
            ("token", Field::Str),
            ("ipAddress", Field::NullishStr),
            ("userAgent", Field::NullishStr),
        ],
        now_ms,
    )
}

fn parse_user(input: &Map<String, Value>, now_ms: i64) -> Option<Map<String, Value>> {
    parse_object(
        input,
        &[
            ("id", Field::Str),
            ("createdAt", Field::Date(true)),
            ("updatedAt", Field::Date(true)),
            ("email", Field::LowerStr),
            ("emailVerified", Field::BoolDefaultFalse),
            ("name", Field::Str),
            ("image", Field::NullishStr),
        ],
        now_ms,
    )
}

/// Encodes the `account_data` cookie (Better Auth's `setAccountCookie`): the account object as
/// a jwe under [`ACCOUNT_DATA_SALT`], `exp = now + max_age_s` (300 when zero).
pub fn encode_account_data(secret: &str, account: &Value, now_ms: i64, max_age_s: i64) -> AuthResult<String> {
    let account = as_object(account, "account")?;
    let secs = if max_age_s != 0 { max_age_s } else { TOKEN_FALLBACK_MAX_AGE_S };
    let iat = now_ms.div_euclid(1000);
    encode_jwe(secret, ACCOUNT_DATA_SALT, account, iat, iat.saturating_add(secs))
}

/// Decodes the `account_data` cookie (Better Auth's `getAccountCookie`): the decrypted claims
/// (account fields plus `iat`, `exp`, `jti`) with date strings revived to
/// `YYYY-MM-DDTHH:MM:SS.sssZ`, or `None`. `secrets`: every candidate secret, current first.
pub fn decode_account_data(secrets: &[&str], value: &str, now_ms: i64) -> Option<Value> {
    let mut v = Value::Object(decrypt_jwe(secrets, ACCOUNT_DATA_SALT, value, now_ms)?);
    js_json::revive_dates(&mut v);
    Some(v)
}

#[cfg(test)]
mod tests;
