//! Starting a session the way Better Auth's `createSession` + `setSessionCookie` do: a new row
//! (id, token, IP, user agent, additional-field defaults), `databaseHooks.session.create`, the
//! insert, then the cookie and `ctx.context.newSession` for hooks.
use super::Call;
use super::sign_up::log_internal;
use crate::cookies;
use crate::error::{AuthError, AuthResult};
use crate::session::new_session;
use crate::store::{Session, User};
use serde_json::{Map, Value};

/// Inserts a new session for `user` (running `session.create.before`). `fail_status` is the
/// status of Better Auth's `FAILED_TO_CREATE_SESSION` at this call site.
pub async fn start(call: &Call<'_>, user: &User, dont_remember: bool, fail_status: &str) -> AuthResult<Session> {
    start_with(call, user, dont_remember, fail_status, &Map::new()).await
}

/// [`start`] with values that override the new row's (`expiresAt` as an ISO date, additional
/// fields such as the admin plugin's `impersonatedBy`): Better Auth's `createSession(...,
/// override, overrideAll)`. The database hooks see the overridden row.
pub async fn start_with(call: &Call<'_>, user: &User, dont_remember: bool, fail_status: &str, overrides: &Map<String, Value>) -> AuthResult<Session> {
    let ctx = call.ctx;
    let mut session = new_session(
        &user.id,
        ctx.now(),
        &ctx.config.session,
        dont_remember,
        // Better Auth's createSession reads the IP (with its dev/test localhost fallback)
        // whenever the call carries headers, `auth.api` calls with `headers` included
        crate::ip::resolve(&call.headers, &ctx.config.ip, call.headers_given),
        call.headers.get("user-agent").map(str::to_string),
    );
    session.id = ctx.generate_id("session").await?;
    session.extra = super::fields::parse_input(&ctx.config.schema.session, &Map::new(), true)?;
    if !overrides.is_empty() {
        super::db_hooks::merge_session(&mut session, overrides);
    }
    match super::db_hooks::before(call, "session", "create", super::db_hooks::session_data(call, &session)).await? {
        Some(Value::Object(d)) => super::db_hooks::merge_session(&mut session, &d),
        Some(_) => {}
        None => return Err(AuthError::base(fail_status, "FAILED_TO_CREATE_SESSION")),
    }
    if let Err(e) = ctx.store().await?.create_session(&mut session).await {
        log_internal("failed to create session", &e);
        return Err(e.unless_unavailable(AuthError::base(fail_status, "FAILED_TO_CREATE_SESSION")));
    }
    Ok(session)
}

/// Runs `session.create.after`, records `newSession` and sets the session cookie.
pub async fn finish(call: &mut Call<'_>, session: &Session, user: &User, dont_remember: Option<bool>) -> AuthResult<()> {
    let ctx = call.ctx;
    super::db_hooks::after(call, "session", "create", super::db_hooks::session_data(call, session)).await?;
    call.new_session = Some(crate::json::session_user_json(session, user, &ctx.config.schema));
    cookies::set_session_cookie(&mut call.out, &ctx.cookies, &ctx.config.secret, &call.headers, &session.token, dont_remember, ctx.config.session.expires_in);
    let dr = dont_remember.unwrap_or_else(|| cookies::get_signed_cookie(&call.headers, &ctx.cookies.dont_remember.name, &ctx.config.secret).is_some());
    let schema = &ctx.config.schema;
    super::session::write_cache_for(call, &crate::json::session_json(session, &schema.session), &crate::json::user_json(user, &schema.user), dr).await
}
