//! HMAC-SHA256 cookie signing, byte-compatible with better-call's `signCookieValue`:
//! `encodeURIComponent(value + "." + base64(HMAC-SHA256(secret, value)))`.
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Standard, padded base64 of HMAC-SHA256(secret, value): 44 characters ending in `=`.
pub fn hmac_base64(secret: &str, value: &str) -> String {
    let mut mac = match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC accepts keys of any length; this branch cannot be taken.
        Err(_) => return String::new(),
    };
    mac.update(value.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The signed value *before* percent-encoding: `value.sig`.
pub fn sign_value(secret: &str, value: &str) -> String {
    format!("{value}.{}", hmac_base64(secret, value))
}

/// Result of reading a signed cookie value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signed {
    /// Signature verified: the value.
    Valid(String),
    /// Not a signed value (no `.`, or a signature of the wrong shape): treated as absent.
    Malformed,
    /// A well-formed signature that does not match.
    BadSignature,
}

/// Verifies a percent-*decoded* signed value as better-call's `getSignedCookie` does: split at
/// the last `.`, the signature must be 44 characters ending in `=`, constant-time comparison.
pub fn verify_value(secret: &str, decoded: &str) -> Signed {
    let Some(dot) = decoded.rfind('.') else { return Signed::Malformed };
    if dot < 1 {
        return Signed::Malformed;
    }
    let (value, sig) = (&decoded[..dot], &decoded[dot + 1..]);
    if sig.len() != 44 || !sig.ends_with('=') {
        return Signed::Malformed;
    }
    let Ok(sig_bytes) = STANDARD.decode(sig) else { return Signed::BadSignature };
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else { return Signed::BadSignature };
    mac.update(value.as_bytes());
    match mac.verify_slice(&sig_bytes) {
        Ok(()) => Signed::Valid(value.to_string()),
        Err(_) => Signed::BadSignature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "test-secret-for-vectors-0123456789abcdef";

    #[test]
    fn vector_signed_session_cookie() {
        assert_eq!(
            hmac_base64(S, "RustIssuedToken0123456789abcdefA"),
            "PX5CsOxaPUQGV2DAAlgfFhz9cNmNqP8vUb77OJUIYxI="
        );
        let v = "RustIssuedToken0123456789abcdefA.PX5CsOxaPUQGV2DAAlgfFhz9cNmNqP8vUb77OJUIYxI=";
        assert_eq!(verify_value(S, v), Signed::Valid("RustIssuedToken0123456789abcdefA".into()));
    }

    #[test]
    fn tampered_and_truncated() {
        let good = sign_value(S, "abc");
        let mut tampered = good.clone();
        tampered.replace_range(0..1, "x");
        assert_eq!(verify_value(S, &tampered), Signed::BadSignature);
        assert_eq!(verify_value(S, &good[..good.len() - 3]), Signed::Malformed);
        assert_eq!(verify_value(S, "nodot"), Signed::Malformed);
        assert_eq!(verify_value(S, ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), Signed::Malformed);
        assert_eq!(verify_value("other-secret", &good), Signed::BadSignature);
    }
}

/// HS256 compact JWS with header exactly `{"alg":"HS256"}` (jose's `SignJWT` as Better Auth
/// uses it for email-verification tokens). `claims` is serialised as given.
pub fn hs256_sign(secret: &str, claims: &serde_json::Value) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let head = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes());
    let input = format!("{head}.{body}");
    let sig = match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    format!("{input}.{sig}")
}

/// Why an HS256 token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtError {
    /// Malformed, wrong algorithm, or bad signature.
    Invalid,
    /// Signature fine, `exp` passed.
    Expired,
}

/// Verifies an HS256 compact JWS (only `alg: HS256` accepted) and its `exp` against `now_s`.
pub fn hs256_verify(secret: &str, token: &str, now_s: i64) -> Result<serde_json::Value, JwtError> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwtError::Invalid);
    };
    let header: serde_json::Value = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(JwtError::Invalid)?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
        return Err(JwtError::Invalid);
    }
    let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| JwtError::Invalid)?;
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| JwtError::Invalid)?;
    mac.update(format!("{h}.{p}").as_bytes());
    mac.verify_slice(&sig).map_err(|_| JwtError::Invalid)?;
    let claims: serde_json::Value = URL_SAFE_NO_PAD
        .decode(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(JwtError::Invalid)?;
    if let Some(exp) = claims.get("exp") {
        let exp = exp.as_f64().ok_or(JwtError::Invalid)?;
        if (now_s as f64) >= exp {
            return Err(JwtError::Expired);
        }
    }
    Ok(claims)
}

#[cfg(test)]
mod hs256_tests {
    use super::*;

    #[test]
    fn better_auth_email_verification_vector() {
        let t = "eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjQxMDI0NDQ4MDB9.TDv6OIS1RQhkozakzJfBtdlrVGON_X6K-Nc2tSRW0LU";
        let c = hs256_verify("test-secret-for-vectors-0123456789abcdef", t, 1_767_225_600).unwrap();
        assert_eq!(c["email"], "alice@example.com");
        let again = hs256_sign("test-secret-for-vectors-0123456789abcdef", &c);
        assert_eq!(again, t, "same claims, same token");
        assert_eq!(hs256_verify("other", t, 0), Err(JwtError::Invalid));
        assert_eq!(hs256_verify("test-secret-for-vectors-0123456789abcdef", t, 4_102_444_800), Err(JwtError::Expired));
        // alg none is refused
        let none = format!("{}.{}.", URL_SAFE_NO_PAD_ENGINE.encode(br#"{"alg":"none"}"#), t.split('.').nth(1).unwrap());
        assert_eq!(hs256_verify("test-secret-for-vectors-0123456789abcdef", &none, 0), Err(JwtError::Invalid));
    }

    use base64::engine::general_purpose::URL_SAFE_NO_PAD as URL_SAFE_NO_PAD_ENGINE;
}
