//! JSON Web Tokens: Better Auth's JWT plugin keys (JWKS rows, public JWKs) and compact JWS
//! signing/verification, plus HS256 with a shared secret. JOSE primitives only: the `jwt()`
//! plugin's options, `jwks` table and endpoints live in `src/plugins/jwt/`.
//!
//! - [`keys`]: key pairs for every algorithm of the JWT plugin (EdDSA/Ed25519 by default,
//!   ES256, ES512, RS256, PS256), JWK export in the exact member order Better Auth stores and
//!   serves, JWK import (so keys Better Auth wrote can sign here), the `privateKey` column
//!   encoding and `/jwks` entries.
//! - [`jws`]: signing (`{"alg":…,"kid":…}` header, claims signed as given) and verification
//!   against an expected algorithm fixed by the key, never by the token header.
//!
//! EdDSA, ES256, RS256, PS256 and HS256 go through `jsonwebtoken`'s RustCrypto provider;
//! ES512 (which `jsonwebtoken` lacks) is done with the `p521` crate (raw `r ‖ s` signature).
use std::fmt;

pub mod jws;
pub mod keys;

pub use jws::{Claims, Header, Validation, decode_header, sign_hs256, verify, verify_hs256};
pub use keys::{KeyPair, VerifyingKey, jwks_entry, open_private_key_column, seal_private_key_column};

/// A JWS algorithm this engine signs and verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Ed25519 signatures (the JWT plugin's default).
    EdDSA,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-521 with SHA-512.
    ES512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PSS with SHA-256 (salt length 32).
    PS256,
    /// HMAC-SHA256 with a shared secret (email-verification tokens; not a JWT-plugin option).
    HS256,
}

impl Algorithm {
    /// The JOSE name, as written in the `alg` header and the jwks `alg` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::EdDSA => "EdDSA",
            Algorithm::ES256 => "ES256",
            Algorithm::ES512 => "ES512",
            Algorithm::RS256 => "RS256",
            Algorithm::PS256 => "PS256",
            Algorithm::HS256 => "HS256",
        }
    }

    /// Parses a JOSE name (case-sensitive, as jose does); `None` for anything unsupported.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "EdDSA" => Algorithm::EdDSA,
            "ES256" => Algorithm::ES256,
            "ES512" => Algorithm::ES512,
            "RS256" => Algorithm::RS256,
            "PS256" => Algorithm::PS256,
            "HS256" => Algorithm::HS256,
            _ => return None,
        })
    }

    /// The curve Better Auth records in the jwks `crv` column for this algorithm, if any.
    pub fn crv(self) -> Option<&'static str> {
        match self {
            Algorithm::EdDSA => Some("Ed25519"),
            Algorithm::ES256 => Some("P-256"),
            Algorithm::ES512 => Some("P-521"),
            Algorithm::RS256 | Algorithm::PS256 | Algorithm::HS256 => None,
        }
    }

    /// The matching `jsonwebtoken` algorithm; `None` for ES512, which that crate lacks.
    fn to_jsonwebtoken(self) -> Option<jsonwebtoken::Algorithm> {
        match self {
            Algorithm::EdDSA => Some(jsonwebtoken::Algorithm::EdDSA),
            Algorithm::ES256 => Some(jsonwebtoken::Algorithm::ES256),
            Algorithm::RS256 => Some(jsonwebtoken::Algorithm::RS256),
            Algorithm::PS256 => Some(jsonwebtoken::Algorithm::PS256),
            Algorithm::HS256 => Some(jsonwebtoken::Algorithm::HS256),
            Algorithm::ES512 => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a token was rejected. Verification failures are values the caller maps to its own
/// response (Better Auth answers `null` or `INVALID_TOKEN` / `TOKEN_EXPIRED` depending on
/// the endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    /// Not a compact JWS: wrong number of segments, bad base64url, header or claims not a
    /// JSON object.
    Malformed(&'static str),
    /// The header's `alg` is not the algorithm of the verifying key (this is where `none`
    /// and HS/RS confusion end up).
    AlgorithmMismatch {
        /// The algorithm the key is for.
        expected: Algorithm,
        /// The header's `alg`, verbatim (empty when absent or not a string).
        found: String,
    },
    /// The header carries `crit` extensions; none are supported (jose rejects unknown ones).
    UnsupportedCritical,
    /// The signature does not verify with the key.
    InvalidSignature,
    /// `exp` is at or before `now - leeway`.
    Expired,
    /// `nbf` is after `now + leeway`.
    NotYetValid,
    /// A claim the validation requires is absent.
    MissingClaim(String),
    /// A registered claim has the wrong type (`exp`, `nbf`, `iat` must be numbers).
    InvalidClaim(&'static str),
    /// `iss` is not the expected issuer.
    InvalidIssuer,
    /// `aud` does not contain the expected audience.
    InvalidAudience,
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::Malformed(why) => write!(f, "malformed JWT: {why}"),
            JwtError::AlgorithmMismatch { expected, found } => {
                write!(f, "unexpected JWT algorithm {found:?} (expected {expected})")
            }
            JwtError::UnsupportedCritical => f.write_str("unsupported \"crit\" header parameter"),
            JwtError::InvalidSignature => f.write_str("JWT signature verification failed"),
            JwtError::Expired => f.write_str("JWT expired"),
            JwtError::NotYetValid => f.write_str("JWT not yet valid (\"nbf\")"),
            JwtError::MissingClaim(c) => write!(f, "missing required {c:?} claim"),
            JwtError::InvalidClaim(c) => write!(f, "{c:?} claim must be a number"),
            JwtError::InvalidIssuer => f.write_str("unexpected \"iss\" claim value"),
            JwtError::InvalidAudience => f.write_str("unexpected \"aud\" claim value"),
        }
    }
}

impl std::error::Error for JwtError {}

#[cfg(test)]
mod tests;
