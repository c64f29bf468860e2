//! Password hashing. New hashes: argon2id in PHC string format (default) or Better Auth's scrypt
//! `salt:key`. Verification accepts both, so a database written by Better Auth keeps working.
//!
//! Hashing never runs on the caller's thread: [`PasswordHasher`] owns a fixed set of hashing
//! threads (one per core by default). A sign-up storm queues on them instead of starving
//! everything else (backpressure); the JS event loop and tokio's workers are never touched; and
//! because only those few threads ever allocate argon2's 19 MiB work area, the allocator keeps
//! a few arenas instead of one per short-lived blocking thread (resident memory stays bounded).
use crate::crypto::random;
use crate::error::{AuthError, AuthResult};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

/// Password hashing for new hashes. Better Auth's scrypt hashes always verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordAlgorithm {
    /// argon2id in PHC string format (default).
    Argon2id,
    /// Better Auth's `salt:key` scrypt format.
    Scrypt,
}

/// argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Iterations.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for Argon2Params {
    /// The OWASP baseline: m = 19 MiB, t = 2, p = 1.
    fn default() -> Self {
        Self { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 }
    }
}

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

thread_local! {
    /// argon2's work area, kept per hashing thread: no 19 MiB allocation (and page faults) per
    /// hash, and resident memory bounded by the number of hashing threads.
    static WORK_AREA: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn argon2_compute(a: &Argon2<'_>, blocks: usize, pwd: &[u8], salt: &[u8], out: &mut [u8]) -> AuthResult<()> {
    WORK_AREA.with(|area| {
        let mut area = area.borrow_mut();
        if area.len() < blocks {
            area.resize(blocks, argon2::Block::new());
        }
        a.hash_password_into_with_memory(pwd, salt, out, &mut area[..blocks])
            .map_err(|e| AuthError::internal(format!("argon2: {e}")))
    })
}

/// argon2id PHC hash of the NFKC-normalised password (blocking).
pub fn hash_argon2id_blocking(password: &str, params: &Argon2Params) -> AuthResult<String> {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD_NO_PAD;
    let a = argon2_of(params)?;
    let salt: [u8; 16] = rand::random();
    let mut out = [0u8; 32];
    let blocks = Params::new(params.memory_kib, params.iterations, params.parallelism, None)
        .map_err(|e| AuthError::internal(format!("argon2 params: {e}")))?
        .block_count();
    argon2_compute(&a, blocks, nfkc(password).as_bytes(), &salt, &mut out)?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        params.memory_kib,
        params.iterations,
        params.parallelism,
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(out)
    ))
}

fn verify_argon2(stored: &str, password: &str) -> AuthResult<bool> {
    let parsed = argon2::PasswordHash::new(stored).map_err(|e| AuthError::internal(format!("stored argon2 hash is invalid: {e}")))?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(|e| AuthError::internal(format!("stored argon2 hash: {e}")))?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(|e| AuthError::internal(format!("stored argon2 hash: {e}")))?,
        None => Version::V0x13,
    };
    let params = Params::try_from(&parsed).map_err(|e| AuthError::internal(format!("stored argon2 hash: {e}")))?;
    let (Some(salt), Some(expected)) = (parsed.salt.as_ref(), parsed.hash.as_ref()) else {
        return Err(AuthError::internal("stored argon2 hash has no salt or output"));
    };
    let blocks = params.block_count();
    let a = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    argon2_compute(&a, blocks, nfkc(password).as_bytes(), salt.as_ref(), &mut out)?;
    Ok(bool::from(out.as_slice().ct_eq(expected.as_bytes())))
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
    if !s.len().is_multiple_of(2) {
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
        Some(HashKind::Argon2) => verify_argon2(stored, password),
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

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Hashes and verifies passwords on a fixed pool of threads, queueing beyond it.
#[derive(Clone)]
pub struct PasswordHasher {
    jobs: Option<mpsc::Sender<Job>>,
    threads: usize,
    algorithm: PasswordAlgorithm,
    params: Argon2Params,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("algorithm", &self.algorithm)
            .field("params", &self.params)
            .field("threads", &self.threads)
            .finish()
    }
}

impl PasswordHasher {
    /// A hasher writing `algorithm` hashes on `concurrency` dedicated threads. The threads end
    /// when the last clone of the hasher is dropped.
    pub fn new(algorithm: PasswordAlgorithm, params: Argon2Params, concurrency: usize) -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let mut started = 0;
        for i in 0..concurrency.max(1) {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new().name(format!("better-auth-rs-hash-{i}")).spawn(move || {
                loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return, // every sender dropped
                    }
                }
            });
            if spawned.is_ok() {
                started += 1;
            }
        }
        // if no thread could be started, hashing falls back to tokio's blocking pool
        Self { jobs: (started > 0).then_some(tx), threads: started, algorithm, params }
    }

    async fn run<T, F>(&self, f: F) -> AuthResult<T>
    where
        F: FnOnce() -> AuthResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let Some(jobs) = &self.jobs else {
            return tokio::task::spawn_blocking(f)
                .await
                .map_err(|e| AuthError::internal(format!("password hashing task failed: {e}")))?;
        };
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
                .unwrap_or_else(|_| Err(AuthError::internal("password hashing panicked")));
            let _ = done.send(out);
        });
        jobs.send(job).map_err(|_| AuthError::internal("password hashing pool stopped"))?;
        result.await.map_err(|_| AuthError::internal("password hashing pool dropped a job"))?
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
    fn argon2_hashes_from_the_reference_api_verify_and_ours_verify_there() {
        use argon2::{PasswordHasher as _, PasswordVerifier as _};
        let reference = Argon2::default().hash_password(b"reference-pw").unwrap().to_string();
        assert!(verify_blocking(&reference, "reference-pw").unwrap());
        assert!(!verify_blocking(&reference, "reference-px").unwrap());
        let ours = hash_argon2id_blocking("ours-pw", &Argon2Params::default()).unwrap();
        let parsed = argon2::PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default().verify_password(b"ours-pw", &parsed).is_ok());
        // an argon2i hash with other costs verifies too
        let other = Argon2::new(Algorithm::Argon2i, Version::V0x13, Params::new(8192, 3, 1, None).unwrap())
            .hash_password(b"x-pw")
            .unwrap()
            .to_string();
        assert!(verify_blocking(&other, "x-pw").unwrap());
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
