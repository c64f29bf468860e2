//! Random identifiers in Better Auth's formats: `generateId(n)` is `n` characters of
//! `[a-zA-Z0-9]`, drawn from a CSPRNG with rejection sampling (no modulo bias).
use rand::RngExt;

const ALNUM: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// `n` random characters from `[a-zA-Z0-9]` (Better Auth's ids and session tokens use 32).
pub fn generate_id(n: usize) -> String {
    random_string(n, ALNUM)
}

/// `[0-9a-z]`, the alphabet of Better Auth's delete-account tokens.
pub const LOWER_ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// `n` characters drawn uniformly from `alphabet` (at most 256 symbols) by rejection sampling
/// over CSPRNG bytes: bytes at or above the largest multiple of the alphabet size are dropped.
pub fn random_string(n: usize, alphabet: &[u8]) -> String {
    let len = alphabet.len().clamp(1, 256);
    let limit = 256 - (256 % len);
    let mut rng = rand::rng();
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let b: u8 = rng.random();
        if usize::from(b) < limit {
            out.push(alphabet[usize::from(b) % len] as char);
        }
    }
    out
}

/// 16 random bytes as 32 lower-case hex characters (scrypt salts).
pub fn hex16() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_better_auths_shape() {
        for _ in 0..100 {
            let id = generate_id(32);
            assert_eq!(id.len(), 32);
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        }
        assert_ne!(generate_id(32), generate_id(32));
        assert_eq!(hex16().len(), 32);
    }
}
