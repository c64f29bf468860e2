//! The offline common-password check behind `emailAndPassword.password.rejectCommon` (our
//! extension; off by default): a bundled list of 42,692 common passwords (the zxcvbn
//! dictionary, see the file's header), compared case-insensitively, plus the user's own extra
//! entries. Refused passwords get Better Auth's haveIBeenPwned answer: 400 `PASSWORD_COMPROMISED`.
use crate::error::{AuthError, AuthResult};
use std::collections::HashSet;
use std::sync::LazyLock;

static LIST: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt").lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
});

/// True when `password` is on the bundled list or in `extra` (case-insensitive).
pub fn is_common(password: &str, extra: &[String]) -> bool {
    let lower = password.to_lowercase();
    LIST.contains(lower.as_str()) || extra.iter().any(|e| e.to_lowercase() == lower)
}

/// 400 `PASSWORD_COMPROMISED` when the check is on (`Some(extra)`) and `password` is common.
pub fn check(password: &str, setting: Option<&Vec<String>>) -> AuthResult<()> {
    match setting {
        Some(extra) if is_common(password, extra) => Err(AuthError::coded(
            "BAD_REQUEST",
            "PASSWORD_COMPROMISED",
            "The password you entered has been compromised. Please choose a different password.",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert!(LIST.len() > 40_000);
        assert!(is_common("password", &[]));
        assert!(is_common("PassWord123", &[]) || is_common("password123", &[]));
        assert!(is_common("qwertyuiop", &[]));
        assert!(!is_common("correct horse battery staple 9!", &[]));
        assert!(is_common("Acme-2026!", &["acme-2026!".to_string()]));
        assert!(check("letmein1", Some(&Vec::new())).is_err() || !is_common("letmein1", &[]));
        assert!(check("password", None).is_ok());
        let e = check("password", Some(&Vec::new())).unwrap_err();
        assert_eq!(e.code(), Some("PASSWORD_COMPROMISED"));
        assert_eq!(e.status(), 400);
    }
}
