//! Session rules: creation, expiry and the `updateAge` refresh. Pure functions of `now`.
use crate::config::SessionConfig;
use crate::crypto::random::generate_id;
use crate::store::Session;

/// A "don't remember me" session lasts one day, whatever `expiresIn` is (Better Auth).
pub const DONT_REMEMBER_MS: i64 = 86_400_000;

/// A new session row for `user_id`.
pub fn new_session(
    user_id: &str,
    now: i64,
    cfg: &SessionConfig,
    dont_remember: bool,
    ip_address: Option<String>,
    user_agent: Option<String>,
) -> Session {
    let expires_at = if dont_remember { now + DONT_REMEMBER_MS } else { now + cfg.expires_in * 1000 };
    Session {
        id: generate_id(32),
        token: generate_id(32),
        user_id: user_id.to_string(),
        expires_at,
        created_at: now,
        updated_at: now,
        ip_address: Some(ip_address.unwrap_or_default()),
        user_agent: Some(user_agent.unwrap_or_default()),
        extra: serde_json::Map::new(),
    }
}

/// True once the session has expired.
pub fn is_expired(s: &Session, now: i64) -> bool {
    s.expires_at < now
}

/// True when at least `updateAge` seconds have passed since the session was (re)issued:
/// `expiresAt − expiresIn + updateAge ≤ now`.
pub fn needs_refresh(s: &Session, now: i64, cfg: &SessionConfig) -> bool {
    s.expires_at - cfg.expires_in * 1000 + cfg.update_age * 1000 <= now
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> SessionConfig {
        SessionConfig { expires_in: 604_800, update_age: 86_400, fresh_age: 86_400, disable_session_refresh: false, defer_session_refresh: false, cookie_cache: None }
    }

    #[test]
    fn refresh_after_update_age() {
        let now = 1_700_000_000_000;
        let s = new_session("u", now, &cfg(), false, None, None);
        assert_eq!(s.expires_at, now + 604_800_000);
        assert!(!needs_refresh(&s, now, &cfg()));
        assert!(!needs_refresh(&s, now + 86_399_999, &cfg()));
        assert!(needs_refresh(&s, now + 86_400_000, &cfg()));
        let zero = SessionConfig { update_age: 0, ..cfg() };
        assert!(needs_refresh(&s, now, &zero));
    }

    #[test]
    fn dont_remember_lasts_a_day_and_expires() {
        let now = 1_700_000_000_000;
        let s = new_session("u", now, &cfg(), true, Some("1.2.3.4".into()), None);
        assert_eq!(s.expires_at, now + DONT_REMEMBER_MS);
        assert_eq!(s.user_agent.as_deref(), Some(""));
        assert!(!is_expired(&s, now + DONT_REMEMBER_MS));
        assert!(is_expired(&s, now + DONT_REMEMBER_MS + 1));
    }
}
