//! Compact JWS signing and verification with jose's claim rules.
//!
//! Verification order: three base64url segments → header is a JSON object whose `alg` equals
//! the key's algorithm (so `alg: none`, HS/RS confusion and any other substitution fail before
//! any cryptography) and without `crit` → signature → claims are a JSON object → required
//! claims present → `iss` → `aud` → `iat`/`nbf`/`exp` (jose `jwtVerify` semantics: expired
//! when `exp <= now - leeway`, no leeway by default).
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::keys::VerifyingKey;
use super::{Algorithm, JwtError};
use crate::error::{AuthError, AuthResult};

/// A verified claims set, members in token order.
pub type Claims = Map<String, Value>;

/// The protected header of a token, decoded **without** verification (to pick a key by `kid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// `alg`, verbatim (empty when absent or not a string). Never use it to choose how to verify.
    pub alg: String,
    /// `kid`, when present and a string.
    pub kid: Option<String>,
    /// `typ`, when present and a string.
    pub typ: Option<String>,
}

/// What a token must satisfy besides its signature. Time is an input (seconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    /// Current time, seconds since the Unix epoch.
    pub now: i64,
    /// Clock tolerance in seconds for `exp` and `nbf` (jose `clockTolerance`; Better Auth uses 0).
    pub leeway: i64,
    /// Required `iss`, if any.
    pub issuer: Option<String>,
    /// Required member of `aud` (a string or an array of strings), if any.
    pub audience: Option<String>,
    /// Claims that must be present (jose `requiredClaims`).
    pub required_claims: Vec<String>,
}

impl Validation {
    /// Checks only the time claims, at `now`, without leeway.
    pub fn at(now: i64) -> Self {
        Validation { now, leeway: 0, issuer: None, audience: None, required_claims: Vec::new() }
    }

    /// Better Auth's JWT-plugin `verifyJWT`: `iss` and `aud` must equal the configured values
    /// (the baseURL origin by default) and `sub` and `aud` must be present.
    pub fn jwt_plugin(now: i64, issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        Validation::at(now).issuer(issuer).audience(audience).require("sub").require("aud")
    }

    /// Requires `iss` to equal `issuer`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Requires `aud` to contain `audience`.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Allows `seconds` of clock skew on `exp` and `nbf`.
    pub fn leeway(mut self, seconds: i64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Requires `claim` to be present.
    pub fn require(mut self, claim: impl Into<String>) -> Self {
        self.required_claims.push(claim.into());
        self
    }
}

/// Builds `base64url(header).base64url(claims).signature` with the header
/// `{"alg":…[,"kid":…]}`; `sign` gets the signing input and returns the base64url signature.
pub(crate) fn encode(
    alg: Algorithm,
    kid: Option<&str>,
    claims: &Value,
    sign: impl FnOnce(&[u8]) -> AuthResult<String>,
) -> AuthResult<String> {
    if !claims.is_object() {
        return Err(AuthError::internal("JWT claims must be a JSON object"));
    }
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(alg.as_str().into()));
    if let Some(kid) = kid {
        header.insert("kid".into(), Value::String(kid.into()));
    }
    let header = serde_json::to_vec(&Value::Object(header))
        .map_err(|e| AuthError::internal(format!("JSON encoding failed: {e}")))?;
    let payload = serde_json::to_vec(claims).map_err(|e| AuthError::internal(format!("JSON encoding failed: {e}")))?;
    let mut token = URL_SAFE_NO_PAD.encode(header);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    let signature = sign(token.as_bytes())?;
    token.push('.');
    token.push_str(&signature);
    Ok(token)
}

/// A compact JWS cut into `(signing input, header, payload, signature)`.
fn split(token: &str) -> Result<(&str, &str, &str, &str), JwtError> {
    const WHY: &str = "a compact JWS has three segments";
    let (signing_input, signature) = token.rsplit_once('.').ok_or(JwtError::Malformed(WHY))?;
    let (header, payload) = signing_input.split_once('.').ok_or(JwtError::Malformed(WHY))?;
    if payload.contains('.') {
        return Err(JwtError::Malformed(WHY));
    }
    Ok((signing_input, header, payload, signature))
}

/// A base64url segment holding a JSON object.
fn json_object(segment: &str, what: &'static str) -> Result<Map<String, Value>, JwtError> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).map_err(|_| JwtError::Malformed(what))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(JwtError::Malformed(what)),
    }
}

/// Decodes the protected header without verifying anything (e.g. to look a key up by `kid`).
pub fn decode_header(token: &str) -> Result<Header, JwtError> {
    let (_, header, _, _) = split(token)?;
    let header = json_object(header, "header is not a base64url JSON object")?;
    let text = |name: &str| header.get(name).and_then(Value::as_str).map(str::to_string);
    Ok(Header { alg: text("alg").unwrap_or_default(), kid: text("kid"), typ: text("typ") })
}

/// Verifies a compact JWS with `key` (whose algorithm is the only one accepted) and checks
/// its claims against `validation`. Returns the claims.
pub fn verify(token: &str, key: &VerifyingKey, validation: &Validation) -> Result<Claims, JwtError> {
    let (signing_input, header_b64, payload_b64, signature) = split(token)?;
    let header = json_object(header_b64, "header is not a base64url JSON object")?;
    let expected = key.alg();
    match header.get("alg").and_then(Value::as_str) {
        Some(alg) if alg == expected.as_str() => {}
        found => {
            return Err(JwtError::AlgorithmMismatch { expected, found: found.unwrap_or_default().to_string() });
        }
    }
    if header.contains_key("crit") {
        return Err(JwtError::UnsupportedCritical);
    }
    if !key.verify_signature(signing_input.as_bytes(), signature) {
        return Err(JwtError::InvalidSignature);
    }
    let claims = json_object(payload_b64, "claims are not a base64url JSON object")?;
    validate_claims(&claims, validation)?;
    Ok(claims)
}

/// A numeric date claim: absent, or a JSON number.
fn numeric(claims: &Claims, name: &'static str) -> Result<Option<f64>, JwtError> {
    match claims.get(name) {
        None => Ok(None),
        Some(value) => value.as_f64().map(Some).ok_or(JwtError::InvalidClaim(name)),
    }
}

/// jose `validateClaimsSet` for the options this engine uses.
fn validate_claims(claims: &Claims, v: &Validation) -> Result<(), JwtError> {
    let mut required: Vec<&str> = v.required_claims.iter().map(String::as_str).collect();
    if v.audience.is_some() {
        required.push("aud");
    }
    if v.issuer.is_some() {
        required.push("iss");
    }
    if let Some(missing) = required.into_iter().find(|c| !claims.contains_key(*c)) {
        return Err(JwtError::MissingClaim(missing.to_string()));
    }
    if let Some(issuer) = &v.issuer
        && claims.get("iss").and_then(Value::as_str) != Some(issuer.as_str())
    {
        return Err(JwtError::InvalidIssuer);
    }
    if let Some(audience) = &v.audience {
        let ok = match claims.get("aud") {
            Some(Value::String(aud)) => aud == audience,
            Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience.as_str())),
            _ => false,
        };
        if !ok {
            return Err(JwtError::InvalidAudience);
        }
    }
    numeric(claims, "iat")?;
    let now = v.now as f64;
    let leeway = v.leeway as f64;
    if let Some(nbf) = numeric(claims, "nbf")?
        && nbf > now + leeway
    {
        return Err(JwtError::NotYetValid);
    }
    if let Some(exp) = numeric(claims, "exp")?
        && exp <= now - leeway
    {
        return Err(JwtError::Expired);
    }
    Ok(())
}

/// Signs `claims` with HS256 and the UTF-8 bytes of `secret`, header `{"alg":"HS256"}`, as
/// Better Auth's email-verification tokens (`signJWT` in `crypto/jwt.ts`).
pub fn sign_hs256(secret: &str, claims: &Value) -> AuthResult<String> {
    encode(Algorithm::HS256, None, claims, |message| {
        let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
        jsonwebtoken::crypto::sign(message, &key, jsonwebtoken::Algorithm::HS256)
            .map_err(|e| AuthError::internal(format!("JWT signing failed: {e}")))
    })
}

/// Verifies an HS256 token made with the UTF-8 bytes of `secret` (only HS256 is accepted).
pub fn verify_hs256(secret: &str, token: &str, validation: &Validation) -> Result<Claims, JwtError> {
    verify(token, &VerifyingKey::hs256(secret), validation)
}
