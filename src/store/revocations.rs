//! Revocations seen by this instance, checked on every cookie-cache hit (a hash lookup, no I/O):
//! a signed-out or revoked session token, and a user changed at a given time, invalidate caches
//! written before. Filled locally by this instance's own revocations and from the shared channel
//! (`redisStorage`'s pub/sub). Entries live as long as a cache could (`cookieCache.maxAge`).
//! While the channel is down, every cache hit is refused (fail safe: the session is read from
//! the store).
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// SHA-256 of a session token: what is kept and published (never the token itself).
pub fn token_hash(token: &str) -> String {
    // runs on every cookie-cache hit: one allocation, no formatter per byte
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(token.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

#[derive(Default)]
struct Inner {
    /// token hash → until (ms)
    sessions: HashMap<String, i64>,
    /// user id → (changed at, until) (ms)
    users: HashMap<String, (i64, i64)>,
    last_prune: i64,
}

/// The set, shared by the request path and the channel's listener.
#[derive(Default)]
pub struct Revocations {
    inner: Mutex<Inner>,
    live: AtomicBool,
    /// When the listener last (re)started listening: caches written before may have missed a
    /// message, so they are not trusted.
    live_since: std::sync::atomic::AtomicI64,
}

impl Revocations {
    /// Marks the channel up (listening since `now`) or down.
    pub fn set_live_at(&self, live: bool, now: i64) {
        if live {
            self.live_since.store(now, Ordering::SeqCst);
        }
        self.live.store(live, Ordering::SeqCst);
    }

    /// Marks the channel up or down (without a start time: caches of any age are judged by the
    /// messages alone — for tests and for channels that catch up by themselves).
    pub fn set_live(&self, live: bool) {
        self.live.store(live, Ordering::SeqCst);
    }

    /// True while the channel is up.
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::SeqCst)
    }

    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Option<R> {
        self.inner.lock().ok().map(|mut g| f(&mut g))
    }

    /// Applies one channel message: `s <token hash> <until>` or `u <at> <until> <user id>`.
    pub fn apply(&self, msg: &str, now: i64) {
        let mut parts = msg.splitn(4, ' ');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("s"), Some(h), Some(until), None) => {
                if let Ok(until) = until.parse::<i64>() {
                    self.with(|i| i.sessions.insert(h.to_string(), until));
                }
            }
            (Some("u"), Some(at), Some(until), Some(id)) => {
                if let (Ok(at), Ok(until)) = (at.parse::<i64>(), until.parse::<i64>()) {
                    self.with(|i| {
                        let e = i.users.entry(id.to_string()).or_insert((at, until));
                        *e = (e.0.max(at), e.1.max(until));
                    });
                }
            }
            _ => {}
        }
        self.prune(now);
    }

    fn prune(&self, now: i64) {
        self.with(|i| {
            if now - i.last_prune < 10_000 {
                return;
            }
            i.last_prune = now;
            i.sessions.retain(|_, until| *until > now);
            i.users.retain(|_, (_, until)| *until > now);
        });
    }

    /// True when a cache of `token` for `user_id`, written at `written_ms`, must not be used.
    pub fn refuses(&self, token: &str, user_id: &str, written_ms: i64, now: i64) -> bool {
        if !self.is_live() || written_ms < self.live_since.load(Ordering::SeqCst) {
            return true;
        }
        let h = token_hash(token);
        self.with(|i| {
            i.sessions.get(&h).is_some_and(|until| *until > now) || i.users.get(user_id).is_some_and(|(at, until)| *until > now && written_ms <= *at)
        })
        .unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn token_hash_is_lowercase_hex_sha256() {
        // printf abc | sha256sum
        assert_eq!(super::token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    use super::*;

    #[test]
    fn refuses_revoked_tokens_and_caches_older_than_a_user_change() {
        let r = Revocations::default();
        assert!(r.refuses("t", "u", 0, 0), "fail safe while the channel is down");
        r.set_live(true);
        assert!(!r.refuses("t", "u", 0, 0));
        r.apply(&format!("s {} 1000", token_hash("t")), 0);
        assert!(r.refuses("t", "u", 0, 999) && !r.refuses("t", "u", 0, 1000) && !r.refuses("other", "u", 0, 1));
        r.apply("u 500 2000 u1", 0);
        assert!(r.refuses("x", "u1", 500, 600) && !r.refuses("x", "u1", 501, 600) && !r.refuses("x", "u1", 0, 2000));
        r.apply("garbage", 0);
        r.apply("s only-two", 0);
    }
}
