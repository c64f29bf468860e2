//! Password hashing. New hashes: argon2id in PHC string format (default) or Better Auth's scrypt
//! `salt:key`. Verification accepts both, so a database written by Better Auth keeps working.
//!
//! Hashing never runs on the caller's thread: [`PasswordHasher`] runs it on tokio's blocking
//! pool behind a semaphore sized to the cores, so a sign-up storm queues instead of starving
//! everything else (backpressure), and the JS event loop is never touched.
use crate::config::{Argon2Params, PasswordAlgorithm};
use crate::crypto::random;
use crate::error::{AuthError, AuthResult};
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use std::sync::Arc;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;
use unicode_normalization::UnicodeNormalization;

/// Better Auth's scrypt parameters: N = 16384, r = 16, p = 1, 64-byte key.
const SCRYPT_LOG_N: u8 = 14;
const SCRYPT_R: u32 = 16;
const SCRYPT_P: u32 = 1;
const SCRYPT_KEY_LEN: usize = 64;

/// What a stored hash is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashKind {
    /// `$argon2id$...` (or argon2i/argon2d).
    Argon2,
    /// Better Auth's `<32-hex salt>:<128-hex key>`.
    Scrypt,
}

/// Classifies a stored hash, `None` when it is neither format.
pub fn hash_kind(stored: &str) -> Option<HashKind> {
    if stored.starts_with("$argon2") {
        Some(HashKind::Argon2)
    } else if stored.contains(':') {
        Some(HashKind::Scrypt)
    } else {
        None
    }
}

fn nfkc(password: &str) -> String {
    password.nfkc().collect()
}

fn argon2_of(p: &Argon2Params) -> AuthResult<Argon2<'static>> {
    let params = Params::new(p.memory_kib, p.iterations, p.parallelism, None)
        .map_err(|e| AuthError::internal(format!("argon2 params: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// argon2id PHC hash of the NFKC-normalised password (blocking).
pub fn hash_argon2id_blocking(password: &str, params: &Argon2Params) -> AuthResult<String> {
    let a = argon2_of(params)?;
    let h = a
        .hash_password(nfkc(password).as_bytes())
        .map_err(|e| AuthError::internal(format!("argon2 hash: {e}")))?;
    Ok(h.to_string())
}

/// Better Auth's scrypt format (blocking): the salt is 16 random bytes as 32 hex characters,
/// and those characters' UTF-8 bytes are the scrypt salt.
pub fn hash_scrypt_blocking(password: &str) -> AuthResult<String> {
    let salt = random::hex16();
    let key = scrypt_key(&nfkc(password), &salt, SCRYPT_KEY_LEN)?;
    Ok(format!("{salt}:{}", hex(&key)))
}

fn scrypt_key(password: &str, salt_hex: &str, len: usize) -> AuthResult<Vec<u8>> {
    let params = scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        .map_err(|e| AuthError::internal(format!("scrypt params: {e}")))?;
    let mut out = vec![0u8; len];
    scrypt::scrypt(password.as_bytes(), salt_hex.as_bytes(), &params, &mut out)
        .map_err(|e| AuthError::internal(format!("scrypt: {e}")))?;
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// Verifies `password` against a stored argon2 PHC string or Better Auth scrypt hash (blocking).
/// A stored value in neither format is a server-side fault (Better Auth throws too).
pub fn verify_blocking(stored: &str, password: &str) -> AuthResult<bool> {
    match hash_kind(stored) {
        Some(HashKind::Argon2) => {
            let parsed = argon2::PasswordHash::new(stored)
                .map_err(|e| AuthError::internal(format!("stored argon2 hash is invalid: {e}")))?;
            Ok(Argon2::default().verify_password(nfkc(password).as_bytes(), &parsed).is_ok())
        }
        Some(HashKind::Scrypt) => {
            let Some((salt, key_hex)) = stored.split_once(':') else {
                return Err(AuthError::internal("Invalid password hash"));
            };
            if salt.is_empty() || key_hex.is_empty() {
                return Err(AuthError::internal("Invalid password hash"));
            }
            // Better Auth compares lower-case hex strings; an upper-case stored key never matches.
            let Some(expected) = unhex(key_hex).filter(|_| !key_hex.bytes().any(|b| b.is_ascii_uppercase()))
            else {
                return Ok(false);
            };
            if expected.is_empty() || expected.len() > 1024 {
                return Ok(false);
            }
            let got = scrypt_key(&nfkc(password), salt, expected.len())?;
            Ok(bool::from(got.ct_eq(&expected)))
        }
        None => Err(AuthError::internal("Invalid password hash")),
    }
}

/// Hashes and verifies passwords off the caller's thread, at most `concurrency` at a time.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    algorithm: PasswordAlgorithm,
    params: Argon2Params,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("algorithm", &self.algorithm)
            .field("params", &self.params)
            .field("available", &self.permits.available_permits())
            .finish()
    }
}

impl PasswordHasher {
    /// A hasher writing `algorithm` hashes, running at most `concurrency` hashes at once.
    pub fn new(algorithm: PasswordAlgorithm, params: Argon2Params, concurrency: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(concurrency.max(1))), algorithm, params }
    }

    async fn run<T, F>(&self, f: F) -> AuthResult<T>
    where
        F: FnOnce() -> AuthResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AuthError::internal("password hashing pool closed"))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| AuthError::internal(format!("password hashing task failed: {e}")))?
    }

    /// Hashes a new password with the configured algorithm.
    pub async fn hash(&self, password: &str) -> AuthResult<String> {
        let password = password.to_string();
        let params = self.params;
        match self.algorithm {
            PasswordAlgorithm::Argon2id => self.run(move || hash_argon2id_blocking(&password, &params)).await,
            PasswordAlgorithm::Scrypt => self.run(move || hash_scrypt_blocking(&password)).await,
        }
    }

    /// Verifies a password against a stored hash of either format.
    pub async fn verify(&self, stored: &str, password: &str) -> AuthResult<bool> {
        let stored = stored.to_string();
        let password = password.to_string();
        self.run(move || verify_blocking(&stored, &password)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR: &str = "000102030405060708090a0b0c0d0e0f:7034425e783148ac6ce2c4521177f6fc8ba611950b64145053bf3c4fbf26457865bbf1ea8164754187636d431114bca7374e96cf91409d23fbc0b086580d2442";
    const VECTOR_NFKC: &str = "000102030405060708090a0b0c0d0e0f:f187c730905a0d93ce11defbd6b511ae8c5b88064501b709eab8f2be247278b037fcf4d69c51617751b8bfca9ff210bc007cc5056643912bf01dec0f3fd32180";

    #[test]
    fn better_auth_scrypt_vector_verifies() {
        assert!(verify_blocking(VECTOR, "correct horse battery staple").unwrap());
        assert!(!verify_blocking(VECTOR, "correct horse battery stapl").unwrap());
    }

    #[test]
    fn nfkc_normalisation_as_better_auth() {
        // U+FB01 (ﬁ ligature) normalises to "fi"
        assert!(verify_blocking(VECTOR_NFKC, "\u{FB01}").unwrap());
        assert!(verify_blocking(VECTOR_NFKC, "fi").unwrap());
    }

    #[test]
    fn scrypt_round_trip_in_better_auth_format() {
        let h = hash_scrypt_blocking("hunter2hunter2").unwrap();
        let (salt, key) = h.split_once(':').unwrap();
        assert_eq!(salt.len(), 32);
        assert_eq!(key.len(), 128);
        assert!(verify_blocking(&h, "hunter2hunter2").unwrap());
        assert!(!verify_blocking(&h, "hunter2hunter3").unwrap());
    }

    #[test]
    fn argon2id_owasp_baseline_round_trip() {
        let h = hash_argon2id_blocking("s3cret-password", &Argon2Params::default()).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_blocking(&h, "s3cret-password").unwrap());
        assert!(!verify_blocking(&h, "s3cret-passwore").unwrap());
    }

    #[test]
    fn malformed_stored_hashes() {
        assert!(verify_blocking("no-colon-here", "x").is_err());
        assert!(!verify_blocking("00:zz", "x").unwrap());
        assert!(!verify_blocking(&VECTOR.to_uppercase(), "correct horse battery staple").unwrap());
    }

    #[tokio::test]
    async fn pool_hashes_off_thread() {
        let h = PasswordHasher::new(PasswordAlgorithm::Argon2id, Argon2Params::default(), 2);
        let hash = h.hash("pool-password").await.unwrap();
        assert!(h.verify(&hash, "pool-password").await.unwrap());
        assert!(h.verify(VECTOR, "correct horse battery staple").await.unwrap());
    }
}
