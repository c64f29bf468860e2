//! Better Auth's session middlewares: `sessionMiddleware` (a valid session),
//! `sensitiveSessionMiddleware` (the same, always from the store) and
//! `freshSessionMiddleware` (also `now − createdAt < freshAge`). All fail with
//! 401 `{"message":"Unauthorized","code":"UNAUTHORIZED"}`; a stale session cookie is expired on
//! that 401.
use super::Call;
use crate::cookies;
use crate::error::{AuthError, AuthResult};
use crate::session::is_expired;
use crate::store::{Session, User};

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
    let ctx = call.ctx;
    let Some(token) = cookies::get_signed_cookie(&call.headers, &ctx.cookies.session_token.name, &ctx.config.secret) else {
        return Err(AuthError::base("UNAUTHORIZED", "UNAUTHORIZED"));
    };
    let store = ctx.store().await?;
    let now = ctx.now();
    match store.find_session(&token).await? {
        Some((s, u)) if !is_expired(&s, now) => {
            let fresh_age = ctx.config.session.fresh_age;
            if guard == Guard::Fresh && fresh_age > 0 && now - s.created_at >= fresh_age * 1000 {
                return Err(AuthError::base("FORBIDDEN", "SESSION_NOT_FRESH"));
            }
            call.session = Some(crate::json::session_user_json(&s, &u, &ctx.config.schema));
            Ok((s, u))
        }
        _ => {
            cookies::delete_session_cookie(&mut call.out, &ctx.cookies, &call.headers);
            Err(AuthError::base("UNAUTHORIZED", "UNAUTHORIZED"))
        }
    }
}
