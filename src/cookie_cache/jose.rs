//! The two JOSE forms Better Auth's cookie cache uses, checked the way `jose` 6 checks them:
//!
//! - JWS compact with an HMAC key (`signJWT` / `verifyJWT`: `jwtVerify(token, utf8(secret))`,
//!   any of HS256/HS384/HS512, no clock tolerance);
//! - JWE compact `dir` + `A256CBC-HS512` (`symmetricEncodeJWT` / `symmetricDecodeJWT`), key from
//!   HKDF-SHA256 and a `kid` that is the key's RFC 7638 thumbprint, 15 s clock tolerance.
use super::js_json;
use aes::Aes256;
use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

/// `info` of Better Auth's HKDF.
const HKDF_INFO: &[u8] = b"BetterAuth.js Generated Encryption Key";

/// The only JWE protected-header algorithm pair Better Auth writes and reads.
const JWE_ALG: &str = "dir";
const JWE_ENC: &str = "A256CBC-HS512";

/// base64url as `jose` decodes it under Node (`atob` after mapping `-_`): padding optional,
/// non-zero trailing bits accepted.
const B64URL_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// base64url without padding, as every JOSE part is written.
pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn b64_decode(s: &str) -> Option<Vec<u8>> {
    if s.contains(['+', '/']) {
        return None;
    }
    B64URL_LENIENT.decode(s).ok()
}

/// HMAC-SHA2 of the concatenation of `parts` under `key`.
fn hmac_parts<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Option<Vec<u8>> {
    let mut mac = <M as KeyInit>::new_from_slice(key).ok()?;
    for p in parts {
        mac.update(p);
    }
    Some(mac.finalize().into_bytes().to_vec())
}

fn hs(alg: &str, key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    match alg {
        "HS256" => hmac_parts::<Hmac<Sha256>>(key, &[data]),
        "HS384" => hmac_parts::<Hmac<Sha384>>(key, &[data]),
        "HS512" => hmac_parts::<Hmac<Sha512>>(key, &[data]),
        _ => None,
    }
}

/// Constant-time equality; different lengths are simply unequal.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Parses a base64url protected header into a JSON object (strict UTF-8, like `jose`).
fn parse_header(segment: &str) -> Option<Map<String, Value>> {
    if segment.is_empty() {
        return None;
    }
    let bytes = b64_decode(segment)?;
    let text = std::str::from_utf8(&bytes).ok()?;
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// `JSON.parse` of a claims set that must be a top-level object (strict UTF-8).
fn parse_claims(bytes: &[u8]) -> Option<Map<String, Value>> {
    let text = std::str::from_utf8(bytes).ok()?;
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// `jose`'s registered-claim checks with no issuer/audience/maxTokenAge options: `iat`, `nbf`
/// and `exp` must be numbers when present; `nbf > now + tolerance` and `exp <= now - tolerance`
/// fail. `now_s` is `floor(Date.now() / 1000)`.
fn claims_time_ok(claims: &Map<String, Value>, now_s: i64, tolerance_s: i64) -> bool {
    let num = |k: &str| -> Result<Option<f64>, ()> {
        match claims.get(k) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_f64().map(Some).ok_or(()),
            Some(_) => Err(()),
        }
    };
    let now = now_s as f64;
    let tol = tolerance_s as f64;
    let (Ok(_iat), Ok(nbf), Ok(exp)) = (num("iat"), num("nbf"), num("exp")) else { return false };
    if nbf.is_some_and(|nbf| nbf > now + tol) {
        return false;
    }
    !exp.is_some_and(|exp| exp <= now - tol)
}

/// Signs `claims_json` as a compact JWS with the exact header `{"alg":"HS256"}`.
pub(crate) fn sign_hs256(key: &[u8], claims_json: &str) -> Option<String> {
    let signing_input = format!("{}.{}", b64(br#"{"alg":"HS256"}"#), b64(claims_json.as_bytes()));
    let sig = hs("HS256", key, signing_input.as_bytes())?;
    Some(format!("{signing_input}.{}", b64(&sig)))
}

/// `jwtVerify(token, key)` with a symmetric key and no options: any HS* algorithm, the `b64`
/// extension only as `true`, then the time claims with no tolerance. Returns the claims.
pub(crate) fn verify_hs(key: &[u8], token: &str, now_s: i64) -> Option<Map<String, Value>> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let header = parse_header(h)?;
    if let Some(crit) = header.get("crit") {
        // Only the `b64` extension is recognised, and a JWT must keep the payload encoded.
        let Value::Array(items) = crit else { return None };
        if items.is_empty() || items.iter().any(|i| i.as_str() != Some("b64")) || items.len() > 1 {
            return None;
        }
        if header.get("b64") != Some(&Value::Bool(true)) {
            return None;
        }
    }
    let alg = header.get("alg")?.as_str()?;
    if !p.is_ascii() {
        return None;
    }
    let expected = hs(alg, key, format!("{h}.{p}").as_bytes())?;
    let sig = b64_decode(s)?;
    if !ct_eq(&expected, &sig) {
        return None;
    }
    let claims = parse_claims(&b64_decode(p)?)?;
    claims_time_ok(&claims, now_s, 0).then_some(claims)
}

/// HKDF-SHA256(ikm = UTF-8 `secret`, salt = UTF-8 `salt`, info = "BetterAuth.js Generated
/// Encryption Key", 64 bytes): Better Auth's JWE content key.
pub(crate) fn derive_key(secret: &str, salt: &str) -> [u8; 64] {
    let mut okm = [0u8; 64];
    // Cannot fail: 64 bytes is far below HKDF-SHA256's 255 * 32 byte limit.
    let _ = Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret.as_bytes()).expand(HKDF_INFO, &mut okm);
    okm
}

/// RFC 7638 thumbprint of the `oct` JWK holding `key`: base64url(SHA-256(`{"k":…,"kty":"oct"}`)).
pub(crate) fn thumbprint(key: &[u8]) -> String {
    let jwk = format!(r#"{{"k":"{}","kty":"oct"}}"#, b64(key));
    b64(&Sha256::digest(jwk.as_bytes()))
}

/// The A256CBC-HS512 tag: first 32 bytes of HMAC-SHA-512(mac key, AAD ‖ IV ‖ ciphertext ‖ AL).
fn cbc_hs512_tag(mac_key: &[u8], aad: &[u8], iv: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
    let al = ((aad.len() as u64).wrapping_mul(8)).to_be_bytes();
    let mut full = hmac_parts::<Hmac<Sha512>>(mac_key, &[aad, iv, ct, &al])?;
    full.truncate(32);
    Some(full)
}

/// Encrypts `claims_json` as compact JWE `{"alg":"dir","enc":"A256CBC-HS512","kid":<kid>}` with
/// an empty encrypted-key part.
pub(crate) fn jwe_encrypt(key: &[u8; 64], claims_json: &str, iv: [u8; 16]) -> Option<String> {
    let header = format!(r#"{{"alg":"{JWE_ALG}","enc":"{JWE_ENC}","kid":"{}"}}"#, thumbprint(key));
    jwe_encrypt_header(key, &header, claims_json, iv)
}

/// [`jwe_encrypt`] with the protected header text given (A256CBC-HS512 is always used).
pub(crate) fn jwe_encrypt_header(key: &[u8; 64], header_json: &str, claims_json: &str, iv: [u8; 16]) -> Option<String> {
    let protected = b64(header_json.as_bytes());
    let (mac_key, enc_key) = key.split_at(32);
    let ct = cbc::Encryptor::<Aes256>::new_from_slices(enc_key, &iv)
        .ok()?
        .encrypt_padded_vec::<Pkcs7>(claims_json.as_bytes());
    let tag = cbc_hs512_tag(mac_key, protected.as_bytes(), &iv, &ct)?;
    Some(format!("{protected}..{}.{}.{}", b64(&iv), b64(&ct), b64(&tag)))
}

/// One `jwtDecrypt(token, key, {keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms:
/// ["A256CBC-HS512", "A256GCM"], clockTolerance})` attempt with a 64-byte key (so only
/// A256CBC-HS512 can succeed). Returns the claims.
fn jwe_decrypt_with(
    parts: &[&str; 5],
    header: &Map<String, Value>,
    key: &[u8; 64],
    now_s: i64,
    tolerance_s: i64,
) -> Option<Map<String, Value>> {
    let [protected, encrypted_key, iv, ct, tag] = *parts;
    // No extension is recognised; `zip` (DEF) is not supported here (Better Auth never writes it).
    if header.contains_key("crit") || header.contains_key("zip") {
        return None;
    }
    if header.get("alg")?.as_str()? != JWE_ALG || header.get("enc")?.as_str()? != JWE_ENC {
        return None;
    }
    if !encrypted_key.is_empty() || iv.is_empty() || tag.is_empty() || !protected.is_ascii() {
        return None;
    }
    let iv = b64_decode(iv)?;
    let ct = b64_decode(ct)?;
    let tag = b64_decode(tag)?;
    if iv.len() != 16 {
        return None;
    }
    let (mac_key, enc_key) = key.split_at(32);
    let expected = cbc_hs512_tag(mac_key, protected.as_bytes(), &iv, &ct)?;
    if !ct_eq(&expected, &tag) {
        return None;
    }
    let plaintext = cbc::Decryptor::<Aes256>::new_from_slices(enc_key, &iv)
        .ok()?
        .decrypt_padded_vec::<Pkcs7>(&ct)
        .ok()?;
    let claims = parse_claims(&plaintext)?;
    if !claims_time_ok(&claims, now_s, tolerance_s) {
        return None;
    }
    // Replicated claims in the header must match the payload (`jwtDecrypt`).
    for claim in ["iss", "sub"] {
        if let Some(h) = header.get(claim) {
            let same_primitive = !h.is_object() && !h.is_array() && claims.get(claim) == Some(h);
            if !same_primitive {
                return None;
            }
        }
    }
    if let Some(h) = header.get("aud") {
        match claims.get("aud") {
            Some(c) if js_json::stringify(h) == js_json::stringify(c) => {}
            _ => return None,
        }
    }
    Some(claims)
}

/// `symmetricDecodeJWT(token, secrets, salt)`: with a `kid`, only the secret whose derived key
/// has that thumbprint is tried; without one, the first secret and then the others in order.
pub(crate) fn jwe_decrypt(
    secrets: &[&str],
    salt: &str,
    token: &str,
    now_s: i64,
    tolerance_s: i64,
) -> Option<Map<String, Value>> {
    let first_secret = *secrets.first()?;
    let segs: Vec<&str> = token.split('.').collect();
    if segs.len() != 3 && segs.len() != 5 {
        return None;
    }
    let header = parse_header(segs[0])?;
    let parts: [&str; 5] = segs.try_into().ok()?;
    if let Some(kid) = header.get("kid") {
        let kid = kid.as_str()?;
        let key = secrets.iter().map(|s| derive_key(s, salt)).find(|k| thumbprint(k) == kid)?;
        return jwe_decrypt_with(&parts, &header, &key, now_s, tolerance_s);
    }
    std::iter::once(first_secret)
        .chain(secrets.iter().skip(1).copied())
        .find_map(|s| jwe_decrypt_with(&parts, &header, &derive_key(s, salt), now_s, tolerance_s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hs_verify_rejects_bad_shapes() {
        let key = b"k";
        let tok = sign_hs256(key, r#"{"a":1}"#).unwrap_or_default();
        assert!(verify_hs(key, &tok, 0).is_some());
        assert!(verify_hs(b"other", &tok, 0).is_none());
        assert!(verify_hs(key, &format!("{tok}."), 0).is_none());
        // alg none / unknown algorithms are refused.
        let none = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(br#"{"a":1}"#));
        assert!(verify_hs(key, &none, 0).is_none());
        // HS512 is accepted like jose does with a symmetric key.
        let h = b64(br#"{"alg":"HS512","typ":"JWT"}"#);
        let p = b64(br#"{"a":1,"exp":10}"#);
        let sig = hs("HS512", key, format!("{h}.{p}").as_bytes()).unwrap_or_default();
        let t512 = format!("{h}.{p}.{}", b64(&sig));
        assert!(verify_hs(key, &t512, 9).is_some());
        assert!(verify_hs(key, &t512, 10).is_none(), "exp <= now fails with no tolerance");
        // A non-object payload fails.
        let p = b64(b"[1]");
        let sig = hs("HS256", key, format!("{}.{p}", b64(br#"{"alg":"HS256"}"#)).as_bytes()).unwrap_or_default();
        assert!(verify_hs(key, &format!("{}.{p}.{}", b64(br#"{"alg":"HS256"}"#), b64(&sig)), 0).is_none());
    }

    #[test]
    fn claims_time_rules() {
        let m = |v: Value| v.as_object().cloned().unwrap_or_default();
        assert!(claims_time_ok(&m(serde_json::json!({})), 100, 0));
        assert!(!claims_time_ok(&m(serde_json::json!({"iat": "1"})), 100, 0));
        assert!(!claims_time_ok(&m(serde_json::json!({"nbf": 116})), 100, 15));
        assert!(claims_time_ok(&m(serde_json::json!({"nbf": 115})), 100, 15));
        assert!(claims_time_ok(&m(serde_json::json!({"exp": 86})), 100, 15));
        assert!(!claims_time_ok(&m(serde_json::json!({"exp": 85})), 100, 15));
        assert!(!claims_time_ok(&m(serde_json::json!({"exp": null})), 100, 15));
    }

    #[test]
    fn jwe_round_trip_and_tamper() {
        let key = derive_key("s", "salt");
        let tok = jwe_encrypt(&key, r#"{"a":1}"#, [7; 16]).unwrap_or_default();
        assert!(jwe_decrypt(&["s"], "salt", &tok, 0, 15).is_some());
        assert!(jwe_decrypt(&["x", "s"], "salt", &tok, 0, 15).is_some());
        assert!(jwe_decrypt(&["x"], "salt", &tok, 0, 15).is_none());
        assert!(jwe_decrypt(&["s"], "other", &tok, 0, 15).is_none());
        assert!(jwe_decrypt(&[], "salt", &tok, 0, 15).is_none());
        let parts: Vec<&str> = tok.split('.').collect();
        for i in 0..5 {
            let mut p: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
            p[i] = if p[i].is_empty() { "AA".into() } else { format!("A{}", &p[i][1..]) };
            if p[i] != parts[i] {
                assert!(jwe_decrypt(&["s"], "salt", &p.join("."), 0, 15).is_none(), "part {i}");
            }
        }
    }
}
