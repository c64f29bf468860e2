//! Random identifiers in Better Auth's formats: `generateId(n)` is `n` characters of
//! `[a-zA-Z0-9]`, drawn from a CSPRNG with rejection sampling (no modulo bias).
use rand::RngExt;

const ALNUM: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// `n` random characters from `[a-zA-Z0-9]` (Better Auth's ids and session tokens use 32).
pub fn generate_id(n: usize) -> String {
    let mut rng = rand::rng();
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let b: u8 = rng.random();
        // 248 = 4 * 62: rejecting bytes ≥ 248 keeps every character equally likely.
        if b < 248 {
            out.push(ALNUM[(b % 62) as usize] as char);
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
