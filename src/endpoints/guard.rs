//! Better Auth's session middlewares: `sessionMiddleware` (a valid session),
//! `sensitiveSessionMiddleware` (the same, always from the store) and
//! `freshSessionMiddleware` (also `now − createdAt < freshAge`). They read the session as
//! Better Auth's `getSessionFromCtx` does — the `/get-session` logic, so the read may answer from
//! the cookie cache (not for `Sensitive`), refreshes a session past `updateAge` and rewrites the
//! cookie cache — and fail with 401 `{"message":"Unauthorized","code":"UNAUTHORIZED"}` (a stale
//! session cookie is expired on that 401).
use super::Call;
use super::session::session_from_ctx;
use crate::error::{AuthError, AuthResult};
use crate::store::secondary::{session_from, user_from};
use crate::store::{Session, User};
use serde_json::Value;

/// Which middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// `sessionMiddleware`
    Session,
    /// `sensitiveSessionMiddleware`
    Sensitive,
    /// `freshSessionMiddleware`
    Fresh,
}

/// The caller's session and user, or the middleware's error.
pub async fn require_session(call: &mut Call<'_>, guard: Guard) -> AuthResult<(Session, User)> {
    let Some(found) = middleware_read(call, guard == Guard::Sensitive).await? else {
        return Err(AuthError::base("UNAUTHORIZED", "UNAUTHORIZED"));
    };
    let ctx = call.ctx;
    let (s, u) = (session_from(found.get("session").unwrap_or(&Value::Null)), user_from(found.get("user").unwrap_or(&Value::Null)));
    if s.token.is_empty() || u.id.is_empty() {
        return Err(AuthError::base("UNAUTHORIZED", "UNAUTHORIZED"));
    }
    let fresh_age = ctx.config.session.fresh_age;
    if guard == Guard::Fresh && fresh_age > 0 && ctx.now() - s.created_at >= fresh_age * 1000 {
        return Err(AuthError::base("FORBIDDEN", "SESSION_NOT_FRESH"));
    }
    call.session = Some(found);
    Ok((s, u))
}

/// The session read of a Better Auth middleware (`use: [sessionMiddleware]`, the admin plugin's
/// `adminMiddleware`): `getSessionFromCtx`, whose response headers better-call merges into the
/// endpoint's with `set`, so of the cookies the read writes on success only the last one
/// survives (a refresh's `session_token` is lost and `session_data` stays, as in Better Auth).
/// When there is no session, every cookie it wrote (the clean-up) is kept.
pub async fn middleware_read(call: &mut Call<'_>, authoritative: bool) -> AuthResult<Option<Value>> {
    let before = call.out.0.len();
    let found = session_from_ctx(call, authoritative).await?;
    if found.is_some() && call.out.0.len() > before {
        let written: Vec<(String, String)> = call.out.0.drain(before..).collect();
        let last_cookie = written.iter().rposition(|(k, _)| k == "set-cookie");
        for (i, (k, v)) in written.into_iter().enumerate() {
            if k != "set-cookie" || Some(i) == last_cookie {
                call.out.0.push((k, v));
            }
        }
    }
    Ok(found)
}
