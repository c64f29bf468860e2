//! Better Auth's `symmetricEncrypt` / `symmetricDecrypt` (`crypto/index.ts`).
//!
//! - Cipher: XChaCha20-Poly1305, key = SHA-256 of the secret's UTF-8 bytes.
//! - Ciphertext: lower-case hex of `nonce (24) ‖ ciphertext ‖ tag (16)` (`@noble/ciphers`
//!   `managedNonce`, which prepends a random nonce).
//! - With a versioned secrets list (`secrets` / `BETTER_AUTH_SECRETS`) new ciphertext is wrapped
//!   as `$ba$<version>$<hex>`; decryption looks the version up directly, and bare hex (the
//!   pre-rotation format) is decrypted with the legacy secret.
//!
//! Used for the jwks private keys, encrypted OAuth tokens, two-factor secrets and the like.
use std::fmt;

use chacha20poly1305::aead::Aead;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use rand::RngExt;
use sha2::{Digest, Sha256};

use crate::error::{AuthError, AuthResult};

/// Prefix of a versioned envelope: `$ba$<version>$<hex>`.
pub const ENVELOPE_PREFIX: &str = "$ba$";

/// Length of the XChaCha20 nonce that starts every ciphertext.
pub const NONCE_LEN: usize = 24;

/// Length of the Poly1305 tag that ends every ciphertext.
pub const TAG_LEN: usize = 16;

/// Better Auth's `secretConfig`: either a single secret (plain mode) or a versioned list.
///
/// - Plain mode (`current_version: None`): encrypt to bare hex with `current`, decrypt bare hex
///   with `current`. This is Better Auth's `symmetricEncrypt({ key: "<string>" })`.
/// - Versioned mode (`current_version: Some(v)`): encrypt with the secret of version `v` to
///   `$ba$v$<hex>`; decrypt an envelope with the secret of its version, and bare hex with
///   `legacy` (Better Auth's `legacySecret`, absent when it was the default secret).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretConfig {
    /// The current secret (`ctx.secret`): `secrets[0].value`, or the single secret.
    pub current: String,
    /// Version of the current secret; `None` when no versioned list is configured.
    pub current_version: Option<u32>,
    /// Every configured `(version, secret)` pair, current one included.
    pub versions: Vec<(u32, String)>,
    /// The legacy (`BETTER_AUTH_SECRET`) secret used for bare-hex data in versioned mode.
    pub legacy: Option<String>,
}

impl SecretConfig {
    /// Plain mode: one secret, bare-hex ciphertext.
    pub fn single(secret: impl Into<String>) -> Self {
        SecretConfig { current: secret.into(), current_version: None, versions: Vec::new(), legacy: None }
    }

    /// Versioned mode from Better Auth's `secrets` list (first entry is current) and the legacy
    /// secret. Fails on an empty list, as Better Auth does.
    pub fn versioned(secrets: Vec<(u32, String)>, legacy: Option<String>) -> AuthResult<Self> {
        let Some((version, value)) = secrets.first().cloned() else {
            return Err(AuthError::internal("`secrets` must contain at least one entry"));
        };
        Ok(SecretConfig { current: value, current_version: Some(version), versions: secrets, legacy })
    }

    /// The secret registered under `version`, if any.
    pub fn secret_for_version(&self, version: u32) -> Option<&str> {
        self.versions.iter().find(|(v, _)| *v == version).map(|(_, s)| s.as_str())
    }
}

impl fmt::Debug for SecretConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let versions: Vec<u32> = self.versions.iter().map(|(v, _)| *v).collect();
        f.debug_struct("SecretConfig")
            .field("current", &"<redacted>")
            .field("current_version", &self.current_version)
            .field("versions", &versions)
            .field("legacy", &self.legacy.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// `symmetricEncrypt(secretConfig, plaintext)` with a fresh random nonce.
pub fn encrypt(cfg: &SecretConfig, plaintext: &str) -> AuthResult<String> {
    let nonce: [u8; NONCE_LEN] = rand::rng().random();
    encrypt_with_nonce(cfg, plaintext, &nonce)
}

/// [`encrypt`] with a caller-chosen nonce. Only for test vectors: reusing a nonce with the same
/// secret breaks the cipher.
pub fn encrypt_with_nonce(cfg: &SecretConfig, plaintext: &str, nonce: &[u8; NONCE_LEN]) -> AuthResult<String> {
    match cfg.current_version {
        None => encrypt_bare(&cfg.current, plaintext, nonce),
        Some(version) => {
            let secret = cfg
                .secret_for_version(version)
                .ok_or_else(|| AuthError::internal(format!("Secret version {version} not found in keys")))?;
            Ok(format!("{ENVELOPE_PREFIX}{version}${}", encrypt_bare(secret, plaintext, nonce)?))
        }
    }
}

/// `symmetricDecrypt(secretConfig, data)`: a `$ba$<v>$<hex>` envelope with the secret of version
/// `v`, bare hex with the single secret (plain mode) or the legacy secret (versioned mode).
/// Every failure (bad hex, unknown version, wrong secret, tampering) is an internal error.
pub fn decrypt(cfg: &SecretConfig, data: &str) -> AuthResult<String> {
    if cfg.current_version.is_none() {
        return decrypt_bare(&cfg.current, data);
    }
    if let Some((version, hex)) = parse_envelope(data) {
        let secret = cfg.secret_for_version(version).ok_or_else(|| {
            AuthError::internal(format!("Secret version {version} not found in keys (key may have been retired)"))
        })?;
        return decrypt_bare(secret, hex);
    }
    match &cfg.legacy {
        Some(legacy) => decrypt_bare(legacy, data),
        None => Err(AuthError::internal(
            "Cannot decrypt legacy bare-hex payload: no legacy secret available",
        )),
    }
}

/// Splits `$ba$<version>$<rest>` into `(version, rest)`; `None` when `data` is not an envelope.
pub fn parse_envelope(data: &str) -> Option<(u32, &str)> {
    let rest = data.strip_prefix(ENVELOPE_PREFIX)?;
    let (version, ciphertext) = rest.split_once('$')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((version.parse().ok()?, ciphertext))
}

/// XChaCha20-Poly1305 keyed with SHA-256(secret).
fn cipher(secret: &str) -> XChaCha20Poly1305 {
    let key: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
    XChaCha20Poly1305::new(&key.into())
}

fn encrypt_bare(secret: &str, plaintext: &str, nonce: &[u8; NONCE_LEN]) -> AuthResult<String> {
    let sealed = cipher(secret)
        .encrypt(&XNonce::from(*nonce), plaintext.as_bytes())
        .map_err(|_| AuthError::internal("symmetric encryption failed"))?;
    let mut out = String::with_capacity(2 * (NONCE_LEN + sealed.len()));
    push_hex(&mut out, nonce);
    push_hex(&mut out, &sealed);
    Ok(out)
}

fn decrypt_bare(secret: &str, hex: &str) -> AuthResult<String> {
    let bytes = from_hex(hex).ok_or_else(|| AuthError::internal("encrypted value is not valid hex"))?;
    if bytes.len() < NONCE_LEN + TAG_LEN {
        return Err(AuthError::internal("encrypted value is too short"));
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let nonce = XNonce::try_from(nonce).map_err(|_| AuthError::internal("encrypted value is too short"))?;
    let plain = cipher(secret)
        .decrypt(&nonce, sealed)
        .map_err(|_| AuthError::internal("symmetric decryption failed (wrong secret or tampered data)"))?;
    // Better Auth decodes with a non-fatal TextDecoder.
    Ok(String::from_utf8_lossy(&plain).into_owned())
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
}

/// Hex (either case, even length) to bytes, as `@noble/ciphers` `hexToBytes`.
fn from_hex(hex: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = hex.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some((nibble(*hi)? << 4) | nibble(*lo)?),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "test-secret-for-vectors-0123456789abcdef";
    const V5_PLAIN: &str = r#"{"kty":"OKP","crv":"Ed25519"}"#;
    const V5_BARE: &str = "0707070707070707070707070707070707070707070707071a30004038e2333fbf4964288436750cc1bce5cc82bcebb30afcbecde4783ddee5147c5f7c473f8ed20a1065b4";

    fn v1_config() -> SecretConfig {
        SecretConfig::versioned(vec![(1, S.to_string())], None).unwrap()
    }

    #[test]
    fn key_is_sha256_of_secret() {
        let key: [u8; 32] = Sha256::digest(S.as_bytes()).into();
        let mut hex = String::new();
        push_hex(&mut hex, &key);
        assert_eq!(hex, "4f1cc72bf36a021b3eed98b28f6c7181c5af4dfe9c593049d7927a1b690a9447");
    }

    #[test]
    fn vector_v5_bare() {
        let cfg = SecretConfig::single(S);
        assert_eq!(encrypt_with_nonce(&cfg, V5_PLAIN, &[7; 24]).unwrap(), V5_BARE);
        assert_eq!(decrypt(&cfg, V5_BARE).unwrap(), V5_PLAIN);
        // Upper-case hex is accepted, as by noble's hexToBytes.
        assert_eq!(decrypt(&cfg, &V5_BARE.to_uppercase()).unwrap(), V5_PLAIN);
    }

    #[test]
    fn vector_v5_enveloped() {
        let cfg = v1_config();
        let enveloped = format!("$ba$1${V5_BARE}");
        assert_eq!(encrypt_with_nonce(&cfg, V5_PLAIN, &[7; 24]).unwrap(), enveloped);
        assert_eq!(decrypt(&cfg, &enveloped).unwrap(), V5_PLAIN);
    }

    #[test]
    fn vector_v5_jwks_column_is_a_json_string_literal() {
        // The jwks `privateKey` column holds JSON.stringify(symmetricEncrypt(...)).
        let column = format!("\"{V5_BARE}\"");
        let inner: String = serde_json::from_str(&column).unwrap();
        assert_eq!(decrypt(&SecretConfig::single(S), &inner).unwrap(), V5_PLAIN);
    }

    #[test]
    fn round_trips_with_random_nonces() {
        for cfg in [SecretConfig::single("some-secret"), v1_config()] {
            for plain in ["", "x", "héllo wörld ✓", &"long ".repeat(1000)] {
                let a = encrypt(&cfg, plain).unwrap();
                let b = encrypt(&cfg, plain).unwrap();
                assert_ne!(a, b, "nonces must differ");
                assert_eq!(decrypt(&cfg, &a).unwrap(), plain);
                assert_eq!(decrypt(&cfg, &b).unwrap(), plain);
            }
        }
    }

    #[test]
    fn output_shape() {
        let out = encrypt(&SecretConfig::single(S), "abc").unwrap();
        assert_eq!(out.len(), 2 * (NONCE_LEN + 3 + TAG_LEN));
        assert!(out.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        let out = encrypt(&v1_config(), "abc").unwrap();
        assert!(out.starts_with("$ba$1$"));
    }

    #[test]
    fn wrong_secret_fails_cleanly() {
        let other = SecretConfig::single("another-secret");
        assert!(decrypt(&other, V5_BARE).is_err());
        let cfg = SecretConfig::versioned(vec![(1, "another-secret".into())], None).unwrap();
        assert!(decrypt(&cfg, &format!("$ba$1${V5_BARE}")).is_err());
    }

    #[test]
    fn tampering_and_garbage_fail_cleanly() {
        let cfg = SecretConfig::single(S);
        let mut tampered = V5_BARE.to_string();
        let last = if tampered.ends_with('4') { "5" } else { "4" };
        tampered.replace_range(tampered.len() - 1.., last);
        assert!(decrypt(&cfg, &tampered).is_err());
        for bad in ["", "zz", "abc", "00", &V5_BARE[..60], "$ba$1$00"] {
            assert!(decrypt(&cfg, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rotation_rules() {
        // Two versions: new data uses the current one, old envelopes still open.
        let old = SecretConfig::versioned(vec![(1, "old-secret".into())], None).unwrap();
        let old_data = encrypt(&old, "payload").unwrap();
        let legacy_data = encrypt(&SecretConfig::single("legacy-secret"), "legacy").unwrap();
        let cfg = SecretConfig::versioned(
            vec![(2, "new-secret".into()), (1, "old-secret".into())],
            Some("legacy-secret".into()),
        )
        .unwrap();
        assert_eq!(cfg.current, "new-secret");
        assert!(encrypt(&cfg, "x").unwrap().starts_with("$ba$2$"));
        assert_eq!(decrypt(&cfg, &old_data).unwrap(), "payload");
        // Bare hex goes to the legacy secret only.
        assert_eq!(decrypt(&cfg, &legacy_data).unwrap(), "legacy");
        let no_legacy = SecretConfig::versioned(vec![(2, "new-secret".into())], None).unwrap();
        assert!(decrypt(&no_legacy, &legacy_data).is_err());
        // A retired version cannot be opened.
        assert!(decrypt(&no_legacy, &old_data).is_err());
        // Plain mode does not understand envelopes (Better Auth hex-decodes the whole string).
        assert!(decrypt(&SecretConfig::single("old-secret"), &old_data).is_err());
        // Current version missing from the list.
        let broken = SecretConfig { current_version: Some(9), ..cfg.clone() };
        assert!(encrypt(&broken, "x").is_err());
        assert!(SecretConfig::versioned(Vec::new(), None).is_err());
    }

    #[test]
    fn envelope_parsing() {
        assert_eq!(parse_envelope("$ba$12$abcd"), Some((12, "abcd")));
        assert_eq!(parse_envelope("$ba$0$"), Some((0, "")));
        assert_eq!(parse_envelope("$ba$$abcd"), None);
        assert_eq!(parse_envelope("$ba$-1$abcd"), None);
        assert_eq!(parse_envelope("$ba$1"), None);
        assert_eq!(parse_envelope("abcd"), None);
    }

    #[test]
    fn debug_redacts_secrets() {
        let cfg = SecretConfig::versioned(vec![(2, "new-secret".into())], Some("legacy-secret".into())).unwrap();
        let dbg = format!("{cfg:?}");
        assert!(!dbg.contains("new-secret") && !dbg.contains("legacy-secret"));
    }
}
