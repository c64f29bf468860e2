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
