//! Backup codes as Better Auth makes and stores them: `amount` codes of `length` characters of
//! `[a-z0-9A-Z]`, shown as `xxxxx-yyyyy`, stored as their JSON array, encrypted with
//! `symmetricEncrypt` unless `storeBackupCodes: "plain"`.
use crate::crypto::envelope::{SecretConfig, decrypt, encrypt};
use crate::crypto::random::random_string;
use crate::error::AuthResult;

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// `generateBackupCodesFn`: `code.slice(0, 5) + "-" + code.slice(5)` for each code.
pub fn generate(amount: usize, length: usize) -> Vec<String> {
    (0..amount)
        .map(|_| {
            let code = random_string(length, ALPHABET);
            let cut = code.len().min(5);
            format!("{}-{}", &code[..cut], &code[cut..])
        })
        .collect()
}

/// `encodeBackupCodes`: the JSON text, encrypted unless `plain`.
pub fn encode(codes: &[String], secret: &SecretConfig, plain: bool) -> AuthResult<String> {
    let json = serde_json::to_string(codes).unwrap_or_else(|_| "[]".into());
    if plain { Ok(json) } else { encrypt(secret, &json) }
}

/// `getBackupCodes`: the stored list, `None` when it does not decrypt or parse (Better Auth's
/// `safeJSONParse` gives null; a failed decryption throws there, an error here too).
pub fn decode(stored: &str, secret: &SecretConfig, plain: bool) -> AuthResult<Option<Vec<String>>> {
    let json = if plain { stored.to_string() } else { decrypt(secret, stored)? };
    Ok(match serde_json::from_str::<serde_json::Value>(&json) {
        Ok(serde_json::Value::Array(items)) => Some(items.into_iter().map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        }).collect()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_round_trip() {
        let codes = generate(10, 10);
        assert_eq!(codes.len(), 10);
        for c in &codes {
            assert_eq!(c.len(), 11);
            assert_eq!(&c[5..6], "-");
            assert!(c.bytes().all(|b| b == b'-' || b.is_ascii_alphanumeric()));
        }
        let s = SecretConfig::single("a-secret-of-at-least-32-characters-long!!");
        let enc = encode(&codes, &s, false).unwrap();
        assert!(enc.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(decode(&enc, &s, false).unwrap(), Some(codes.clone()));
        assert_eq!(decode(&encode(&codes, &s, true).unwrap(), &s, true).unwrap(), Some(codes));
        assert!(decode(&enc, &SecretConfig::single("other"), false).is_err());
    }

    // produced by better-auth 1.7.25:
    // symmetricEncrypt({ key: "better-auth-rs-two-factor-vector-secret", data: '["abcde-fghij"]' })
    #[test]
    fn reads_better_auth_ciphertext() {
        let s = SecretConfig::single("better-auth-rs-two-factor-vector-secret");
        let v = include_str!("vector.txt").trim();
        assert_eq!(decode(v, &s, false).unwrap(), Some(vec!["abcde-fghij".to_string()]));
        // a TOTP secret row of Better Auth's: the 32-character secret itself
        let secret_vec = include_str!("vector-secret.txt").trim();
        assert_eq!(decrypt(&s, secret_vec).unwrap(), "BFsdLlwMpwdXTZukHDppZrJY88SNx123");
    }
}
