//! The `/two-factor/*` endpoints and the server-only `generateTOTP` / `viewBackupCodes`.
//! Verify endpoints first resolve the caller as Better Auth's `verifyTwoFactor`: a signed-in
//! session (session mode), or the `two_factor` challenge cookie left by the sign-in hook
//! (sign-in mode, with per-challenge attempts and the account lock-out).
use super::hook::{self, RANDOM_ALPHABET};
use super::{TwoFactorPlugin, backup_codes, err, rows, totp};
use crate::cookies;
use crate::crypto::envelope::{SecretConfig, decrypt, encrypt};
use crate::crypto::random::random_string;
use crate::endpoints::guard::{Guard, require_session};
use crate::endpoints::{Call, Issues, body_object, opt_bool, opt_str, req_str, start_session, verification};
use crate::error::{AuthError, AuthResult};
use crate::store::{Session, User, UserUpdate};
use serde_json::{Map, Value, json};

fn plugin<'a>(call: &Call<'a>) -> AuthResult<&'a TwoFactorPlugin> {
    call.ctx.config.plugins.get::<TwoFactorPlugin>().ok_or_else(|| AuthError::empty("NOT_FOUND"))
}

fn secret(call: &Call<'_>) -> SecretConfig {
    SecretConfig::single(call.ctx.config.secret.clone())
}

fn user_json(call: &Call<'_>, u: &User) -> Value {
    crate::json::user_json(u, &call.ctx.config.schema.user)
}

fn two_factor_enabled(u: &User) -> bool {
    u.extra.get("twoFactorEnabled").is_some_and(crate::origin::truthy)
}

/// The body, checked with `check` (zod's issues as a 400).
fn body(call: &Call<'_>, check: impl FnOnce(&Map<String, Value>, &mut Issues)) -> AuthResult<Map<String, Value>> {
    let mut issues = Issues::default();
    let m = body_object(call.body.as_ref(), &mut issues).cloned();
    if let Some(m) = &m {
        check(m, &mut issues);
    }
    issues.finish()?;
    Ok(m.unwrap_or_default())
}

/// `password: z.string()`, optional when `optional`.
fn password_field(m: &Map<String, Value>, optional: bool, issues: &mut Issues) {
    if optional {
        opt_str(m, "password", issues);
    } else {
        req_str(m, "password", issues);
    }
}

fn totp_not_configured() -> AuthError {
    AuthError::coded("BAD_REQUEST", "TOTP_NOT_CONFIGURED", "totp isn't configured")
}

/// `shouldRequirePassword` + `validatePassword`: a password is required unless passwordless is
/// allowed and the user has no credential password; a missing or wrong one is 400
/// `INVALID_PASSWORD`, an overlong one 400 `PASSWORD_TOO_LONG`.
async fn check_password(call: &Call<'_>, user_id: &str, passwordless: bool, password: Option<&str>) -> AuthResult<()> {
    let ctx = call.ctx;
    let hash = ctx.store().await?.find_credential_account(user_id).await?.and_then(|a| a.password);
    if passwordless && hash.is_none() {
        return Ok(());
    }
    let invalid = || AuthError::base("BAD_REQUEST", "INVALID_PASSWORD");
    let Some(password) = password else { return Err(invalid()) };
    if crate::endpoints::js_len(password) > ctx.config.email_and_password.max_password_length {
        return Err(AuthError::base("BAD_REQUEST", "PASSWORD_TOO_LONG"));
    }
    let Some(hash) = hash else { return Err(invalid()) };
    if !ctx.verify_password(&hash, password).await? {
        return Err(invalid());
    }
    Ok(())
}

/// `updateUser(id, { twoFactorEnabled })`.
async fn set_enabled(call: &Call<'_>, user: &User, on: bool) -> AuthResult<User> {
    let mut update = UserUpdate::default();
    update.extra.insert("twoFactorEnabled".into(), Value::Bool(on));
    match crate::endpoints::users::update(call, &user.id, update).await {
        Ok(Some(u)) => Ok(u),
        Ok(None) => {
            let mut u = user.clone();
            u.extra.insert("twoFactorEnabled".into(), Value::Bool(on));
            Ok(u)
        }
        Err(crate::store::CreateUserError::Other(e)) => Err(e),
        Err(crate::store::CreateUserError::EmailTaken) => Err(AuthError::internal("user update failed")),
    }
}

/// A new session for `user` copying the current one's IP and user agent, its cookie, and the
/// current session deleted (`createSession(id, false, session)`, `setSessionCookie`,
/// `deleteSession`).
async fn reissue(call: &mut Call<'_>, old: &Session, user: &User) -> AuthResult<Session> {
    let mut overrides = Map::new();
    if let Some(ip) = &old.ip_address {
        overrides.insert("ipAddress".into(), Value::String(ip.clone()));
    }
    if let Some(ua) = &old.user_agent {
        overrides.insert("userAgent".into(), Value::String(ua.clone()));
    }
    let session = start_session::start_with(call, user, false, "INTERNAL_SERVER_ERROR", &overrides).await?;
    start_session::finish(call, &session, user, None).await?;
    call.ctx.store().await?.delete_session(&old.token).await?;
    Ok(session)
}

/// The caller of a verify endpoint.
enum Mode {
    /// A signed-in user (enabling or checking a factor).
    Session(Session, User),
    /// A sign-in waiting for its second factor: the `two_factor` cookie's identifier.
    SignIn { key: String, user: User, expires_at: i64, dont_remember: bool },
}

impl Mode {
    fn user(&self) -> &User {
        match self {
            Mode::Session(_, u) | Mode::SignIn { user: u, .. } => u,
        }
    }
    fn is_sign_in(&self) -> bool {
        matches!(self, Mode::SignIn { .. })
    }
}

fn invalid_cookie() -> AuthError {
    err("UNAUTHORIZED", "INVALID_TWO_FACTOR_COOKIE")
}

async fn resolve(call: &mut Call<'_>) -> AuthResult<Mode> {
    match require_session(call, Guard::Sensitive).await {
        Ok((s, u)) => return Ok(Mode::Session(s, u)),
        Err(e) if e.status() == 401 => call.out = crate::http::ResponseHeaders::default(),
        Err(e) => return Err(e),
    }
    let ctx = call.ctx;
    let def = hook::two_factor_cookie(call);
    let Some(key) = cookies::get_signed_cookie(&call.headers, &def.name, &ctx.config.secret) else { return Err(invalid_cookie()) };
    let Some(v) = verification::find(call, &key).await? else { return Err(invalid_cookie()) };
    let Some(user) = ctx.store().await?.find_user_by_id(&v.value).await? else { return Err(invalid_cookie()) };
    let dont_remember = cookies::get_signed_cookie(&call.headers, &ctx.cookies.dont_remember.name, &ctx.config.secret).is_some();
    Ok(Mode::SignIn { key, user, expires_at: v.expires_at, dont_remember })
}

fn expire_two_factor(call: &mut Call<'_>) {
    let def = hook::two_factor_cookie(call);
    call.out.set_cookie(&def.name, def.expired());
}

/// `valid()`: the session's answer, or (sign-in mode) the challenge consumed, the session
/// created with its cookie, and the device trusted when asked.
async fn valid(p: &TwoFactorPlugin, call: &mut Call<'_>, mode: &Mode, trust: bool) -> AuthResult<Value> {
    match mode {
        Mode::Session(s, u) => Ok(json!({ "token": s.token, "user": user_json(call, u) })),
        Mode::SignIn { key, user, dont_remember, .. } => {
            let consumed = verification::consume(call, key).await?;
            if consumed.is_none_or(|v| v.value != user.id) {
                expire_two_factor(call);
                return Err(invalid_cookie());
            }
            let session = match start_session::start(call, user, *dont_remember, "INTERNAL_SERVER_ERROR").await {
                Ok(s) => s,
                Err(e) if e.status() == 500 => return Err(AuthError::coded("INTERNAL_SERVER_ERROR", "FAILED_TO_CREATE_SESSION", "failed to create session")),
                Err(e) => return Err(e),
            };
            start_session::finish(call, &session, user, None).await?;
            expire_two_factor(call);
            if trust {
                hook::trust_device(p, call, &user.id).await?;
                let c = &call.ctx.cookies.dont_remember;
                call.out.set_cookie(&c.name, c.expired());
            }
            Ok(json!({ "token": session.token, "user": user_json(call, user) }))
        }
    }
}

/// A sign-in attempt counted against the challenge (`beginAttempt(5)`).
struct Attempt {
    identifier: String,
    attempts: i64,
    expires_at: i64,
}

impl Attempt {
    async fn rearm(&self, call: &Call<'_>, count: i64) {
        // as Better Auth's `.catch(() => {})`
        if let Err(e) = verification::create(call, &self.identifier, &count.to_string(), self.expires_at).await {
            crate::endpoints::sign_up::log_internal("failed to record a two-factor attempt", &e);
        }
    }
}

const ALLOWED_ATTEMPTS: i64 = 5;

async fn begin_attempt(call: &mut Call<'_>, mode: &Mode) -> AuthResult<Option<Attempt>> {
    let Mode::SignIn { key, expires_at, .. } = mode else { return Ok(None) };
    let identifier = format!("2fa-attempts-{key}");
    let Some(consumed) = verification::consume(call, &identifier).await.ok().flatten() else { return Err(invalid_cookie()) };
    let attempts = consumed.value.parse::<i64>().ok().filter(|n| *n >= 0).unwrap_or(ALLOWED_ATTEMPTS);
    if attempts >= ALLOWED_ATTEMPTS {
        if verification::consume(call, key).await.is_err() {
            expire_two_factor(call);
            return Err(AuthError::coded("INTERNAL_SERVER_ERROR", "FAILED_TO_INVALIDATE_TWO_FACTOR_CHALLENGE", "Failed to invalidate two-factor challenge"));
        }
        expire_two_factor(call);
        return Err(err("BAD_REQUEST", "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE"));
    }
    Ok(Some(Attempt { identifier, attempts, expires_at: *expires_at }))
}

/// `assertTwoFactorNotLocked`.
async fn assert_not_locked(p: &TwoFactorPlugin, call: &Call<'_>, row: &rows::TwoFactorRow) -> AuthResult<()> {
    let Some(until) = row.locked_until.filter(|_| p.lockout.enabled) else { return Ok(()) };
    let now = call.ctx.now();
    if until > now {
        return Err(err("TOO_MANY_REQUESTS", "ACCOUNT_TEMPORARILY_LOCKED"));
    }
    rows::clear_expired_lock(call.ctx.plugin_rows().await?, &row.id, now).await
}

/// `recordTwoFactorFailure`.
async fn record_lock_failure(p: &TwoFactorPlugin, call: &Call<'_>, row: &rows::TwoFactorRow) -> AuthResult<()> {
    if !p.lockout.enabled {
        return Ok(());
    }
    let store = call.ctx.plugin_rows().await?;
    if rows::increment_failed(store, &row.id).await? >= p.lockout.max_failed {
        rows::lock(store, &row.id, p.lockout.max_failed, call.ctx.now() + p.lockout.duration_ms).await?;
    }
    Ok(())
}

/// `resetTwoFactorFailures`.
async fn reset_lock(p: &TwoFactorPlugin, call: &Call<'_>, row: &rows::TwoFactorRow) -> AuthResult<()> {
    if !p.lockout.enabled {
        return Ok(());
    }
    rows::update(call.ctx.plugin_rows().await?, &row.id, &[rows::Set::Failed(0), rows::Set::LockedUntil(None)]).await?;
    Ok(())
}

/// `decryptTOTPSecret`: the HMAC key (the secret string's bytes, or a `base32:` import decoded).
fn totp_key(call: &Call<'_>, stored: &str) -> AuthResult<Vec<u8>> {
    let s = decrypt(&secret(call), stored)?;
    match s.strip_prefix("base32:") {
        Some(rest) => totp::base32_decode(&rest.to_uppercase()).ok_or_else(|| AuthError::internal("invalid base32 TOTP secret")),
        None => Ok(s.into_bytes()),
    }
}

// ------------------------------------------------------------------------------- endpoints

/// `POST /two-factor/enable` `{ password, method?, issuer? }`.
pub async fn enable(call: &mut Call<'_>) -> AuthResult<Value> {
    let p = plugin(call)?;
    let b = body(call, |m, i| {
        password_field(m, p.passwordless, i);
        match m.get("method") {
            None => {}
            Some(Value::String(s)) if s == "otp" || s == "totp" => {}
            Some(_) => i.push("method", "Invalid option: expected one of \"otp\"|\"totp\""),
        }
        opt_str(m, "issuer", i);
    })?;
    let (session, user) = require_session(call, Guard::Sensitive).await?;
    check_password(call, &user.id, p.passwordless, b.get("password").and_then(Value::as_str)).await?;
    if b.get("method").and_then(Value::as_str) == Some("otp") {
        if !call.ctx.callbacks.has(super::SEND_OTP) {
            return Err(err("BAD_REQUEST", "OTP_NOT_CONFIGURED"));
        }
        let updated = set_enabled(call, &user, true).await?;
        reissue(call, &session, &updated).await?;
        return Ok(json!({ "method": "otp" }));
    }
    if p.totp_disabled {
        return Err(err("BAD_REQUEST", "TOTP_NOT_CONFIGURED"));
    }
    let ctx = call.ctx;
    let store = ctx.plugin_rows().await?;
    let existing = rows::find_by_user(store, &user.id).await?;
    if existing.as_ref().is_some_and(|r| r.verified != Some(false)) {
        return Err(err("BAD_REQUEST", "TOTP_ALREADY_ENABLED"));
    }
    let codes = backup_codes::generate(p.codes_amount, p.codes_length);
    let stored_codes = backup_codes::encode(&codes, &secret(call), p.codes_plain)?;
    let raw_secret = random_string(32, RANDOM_ALPHABET);
    let encrypted = encrypt(&secret(call), &raw_secret)?;
    if p.skip_verification {
        let updated = set_enabled(call, &user, true).await?;
        reissue(call, &session, &updated).await?;
    }
    match &existing {
        Some(r) => {
            rows::update(store, &r.id, &[rows::Set::Secret(&encrypted), rows::Set::Codes(&stored_codes), rows::Set::Verified(p.skip_verification)]).await?;
        }
        None => rows::create(store, ctx.generate_id("twoFactor").await?, &user.id, &encrypted, &stored_codes, p.skip_verification).await?,
    }
    let issuer = b.get("issuer").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string).or_else(|| p.issuer.clone()).unwrap_or_else(|| ctx.config.app_name.clone());
    let uri = totp::uri(raw_secret.as_bytes(), &issuer, &user.email, p.digits, p.period);
    Ok(json!({ "method": "totp", "totpURI": uri, "backupCodes": codes }))
}

/// `POST /two-factor/disable` `{ password }`.
pub async fn disable(call: &mut Call<'_>) -> AuthResult<Value> {
    let p = plugin(call)?;
    let b = body(call, |m, i| password_field(m, p.passwordless, i))?;
    let (session, user) = require_session(call, Guard::Sensitive).await?;
    check_password(call, &user.id, p.passwordless, b.get("password").and_then(Value::as_str)).await?;
    let updated = set_enabled(call, &user, false).await?;
    rows::delete_for_user(call.ctx.plugin_rows().await?, &updated.id).await?;
    reissue(call, &session, &updated).await?;
    if let Some(v) = hook::trust_cookie_value(call) {
        if let Some(id) = v.split('!').nth(1).filter(|s| !s.is_empty()) {
            verification::delete_all(call, id).await?;
        }
        let def = hook::trust_cookie(call);
        call.out.set_cookie(&def.name, def.expired());
    }
    Ok(json!({ "status": true }))
}

/// `POST /two-factor/get-totp-uri` `{ password }`.
pub async fn get_totp_uri(call: &mut Call<'_>) -> AuthResult<Value> {
    let p = plugin(call)?;
    let b = body(call, |m, i| password_field(m, p.totp_passwordless, i))?;
    let (_, user) = require_session(call, Guard::Session).await?;
    if p.totp_disabled {
        return Err(totp_not_configured());
    }
    let Some(row) = rows::find_by_user(call.ctx.plugin_rows().await?, &user.id).await? else { return Err(err("BAD_REQUEST", "TOTP_NOT_ENABLED")) };
    let key = totp_key(call, &row.secret)?;
    check_password(call, &user.id, p.totp_passwordless, b.get("password").and_then(Value::as_str)).await?;
    let issuer = p.totp_issuer.clone().unwrap_or_else(|| call.ctx.config.app_name.clone());
    Ok(json!({ "totpURI": totp::uri(&key, &issuer, &user.email, p.digits, p.period) }))
}

/// `POST /two-factor/verify-totp` `{ code, trustDevice? }`.
pub async fn verify_totp(call: &mut Call<'_>) -> AuthResult<Value> {
    let p = plugin(call)?;
    let b = body(call, |m, i| {
        req_str(m, "code", i);
        opt_bool(m, "trustDevice", i);
    })?;
    if p.totp_disabled {
        return Err(totp_not_configured());
    }
    let code = b.get("code").and_then(Value::as_str).unwrap_or_default().to_string();
    let trust = b.get("trustDevice") == Some(&Value::Bool(true));
    let mode = resolve(call).await?;
    let user = mode.user().clone();
    let store = call.ctx.plugin_rows().await?;
    let Some(row) = rows::find_by_user(store, &user.id).await? else { return Err(err("BAD_REQUEST", "TOTP_NOT_ENABLED")) };
    if mode.is_sign_in() && row.verified == Some(false) {
        return Err(err("BAD_REQUEST", "TOTP_NOT_ENABLED"));
    }
    if mode.is_sign_in() {
        assert_not_locked(p, call, &row).await?;
    }
    let attempt = begin_attempt(call, &mode).await?;
    let ok = match totp_key(call, &row.secret) {
        Ok(key) => totp::verify(&key, &code, call.ctx.now(), p.period, p.digits),
        Err(e) => {
            if let Some(a) = &attempt {
                a.rearm(call, a.attempts).await;
            }
            return Err(e);
        }
    };
    if !ok {
        if let Some(a) = &attempt {
            a.rearm(call, a.attempts + 1).await;
        }
        if mode.is_sign_in() {
            record_lock_failure(p, call, &row).await?;
        }
        return Err(err("UNAUTHORIZED", "INVALID_CODE"));
    }
    if mode.is_sign_in() {
        reset_lock(p, call, &row).await?;
    }
    if row.verified != Some(true) {
        if let Mode::Session(s, u) = &mode
            && !two_factor_enabled(u)
        {
            let updated = set_enabled(call, u, true).await?;
            reissue(call, s, &updated).await?;
        }
        rows::update(store, &row.id, &[rows::Set::Verified(true)]).await?;
    }
    // Better Auth's quirk: in session mode the answer carries the session and user of the
    // request, not the re-issued ones
    valid(p, call, &mode, trust).await
}

/// `POST /two-factor/generate-backup-codes` `{ password }`.
pub async fn generate_backup_codes(call: &mut Call<'_>) -> AuthResult<Value> {
    let p = plugin(call)?;
    let b = body(call, |m, i| password_field(m, p.codes_passwordless, i))?;
    let (_, user) = require_session(call, Guard::Session).await?;
    if !two_factor_enabled(&user) {
        return Err(err("BAD_REQUEST", "TWO_FACTOR_NOT_ENABLED"));
    }
    check_password(call, &user.id, p.codes_passwordless, b.get("password").and_then(Value::as_str)).await?;
    let store = call.ctx.plugin_rows().await?;
    let Some(row) = rows::find_by_user(store, &user.id).await? else { return Err(err("BAD_REQUEST", "TWO_FACTOR_NOT_ENABLED")) };
    let codes = backup_codes::generate(p.codes_amount, p.codes_length);
    let stored = backup_codes::encode(&codes, &secret(call), p.codes_plain)?;
    rows::update(store, &row.id, &[rows::Set::Codes(&stored)]).await?;
    Ok(json!({ "status": true, "backupCodes": codes }))
}

/// `POST /two-factor/verify-backup-code` `{ code, disableSession?, trustDevice? }`.
pub async fn verify_backup_code(call: &mut Call<'_>) -> AuthResult<Value> {
    let p = plugin(call)?;
    let b = body(call, |m, i| {
        req_str(m, "code", i);
        opt_bool(m, "disableSession", i);
        opt_bool(m, "trustDevice", i);
    })?;
    let code = b.get("code").and_then(Value::as_str).unwrap_or_default().to_string();
    let trust = b.get("trustDevice") == Some(&Value::Bool(true));
    let disable_session = b.get("disableSession") == Some(&Value::Bool(true));
    let mode = resolve(call).await?;
    let user = mode.user().clone();
    let store = call.ctx.plugin_rows().await?;
    let Some(row) = rows::find_by_user(store, &user.id).await? else { return Err(err("BAD_REQUEST", "BACKUP_CODES_NOT_ENABLED")) };
    if mode.is_sign_in() {
        assert_not_locked(p, call, &row).await?;
    }
    let attempt = begin_attempt(call, &mode).await?;
    let codes = match backup_codes::decode(&row.backup_codes, &secret(call), p.codes_plain) {
        Ok(c) => c,
        Err(e) => {
            if let Some(a) = &attempt {
                a.rearm(call, a.attempts).await;
            }
            return Err(e);
        }
    };
    let Some(codes) = codes.filter(|c| c.iter().any(|x| x == &code)) else {
        if let Some(a) = &attempt {
            a.rearm(call, a.attempts + 1).await;
        }
        if mode.is_sign_in() {
            record_lock_failure(p, call, &row).await?;
        }
        return Err(err("UNAUTHORIZED", "INVALID_BACKUP_CODE"));
    };
    let remaining: Vec<String> = codes.into_iter().filter(|c| c != &code).collect();
    let stored = backup_codes::encode(&remaining, &secret(call), p.codes_plain)?;
    if !rows::swap_codes(store, &row.id, &row.backup_codes, &stored).await? {
        return Err(AuthError::message_only("CONFLICT", "Failed to verify backup code. Please try again."));
    }
    if mode.is_sign_in() {
        reset_lock(p, call, &row).await?;
    }
    if !disable_session {
        return valid(p, call, &mode, trust).await;
    }
    let mut out = Map::new();
    if let Mode::Session(s, _) = &mode {
        out.insert("token".into(), Value::String(s.token.clone()));
    }
    out.insert("user".into(), user_json(call, &user));
    Ok(Value::Object(out))
}

/// Server-only `generateTOTP({ body: { secret } })` → `{ code }`.
pub async fn generate_totp(call: &mut Call<'_>) -> AuthResult<Value> {
    let p = plugin(call)?;
    let b = body(call, |m, i| {
        req_str(m, "secret", i);
    })?;
    if p.totp_disabled {
        return Err(totp_not_configured());
    }
    let s = b.get("secret").and_then(Value::as_str).unwrap_or_default();
    Ok(json!({ "code": totp::totp(s.as_bytes(), call.ctx.now(), p.period, p.digits) }))
}

/// Server-only `viewBackupCodes({ body: { userId } })` → `{ status, backupCodes }`.
pub async fn view_backup_codes(call: &mut Call<'_>) -> AuthResult<Value> {
    let p = plugin(call)?;
    let b = body(call, |m, i| {
        if !m.contains_key("userId") {
            i.push("userId", "Invalid input: expected string, received undefined");
        }
    })?;
    let user_id = match b.get("userId") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) => "null".into(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let Some(row) = rows::find_by_user(call.ctx.plugin_rows().await?, &user_id).await? else { return Err(err("BAD_REQUEST", "BACKUP_CODES_NOT_ENABLED")) };
    let Some(codes) = backup_codes::decode(&row.backup_codes, &secret(call), p.codes_plain)? else { return Err(err("BAD_REQUEST", "INVALID_BACKUP_CODE")) };
    Ok(json!({ "status": true, "backupCodes": codes }))
}

// ------------------------------------------------------------------------------- OTP

fn otp_key(mode: &Mode) -> String {
    match mode {
        Mode::Session(s, u) => format!("{}!{}", u.id, s.id),
        Mode::SignIn { key, .. } => key.clone(),
    }
}

/// `base64url-nopad(SHA-256(otp))` (`"hashed"`).
fn hash_otp(otp: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(otp.as_bytes()))
}

/// `POST /two-factor/send-otp` `{ trustDevice? }` → `{ status: true }`.
pub async fn send_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let p = plugin(call)?;
    let mut issues = Issues::default();
    // the body is optional, but a JSON `null` is not an object (zod's `.optional()`)
    match call.body.as_ref() {
        None => {}
        Some(Value::Object(m)) => {
            opt_bool(m, "trustDevice", &mut issues);
        }
        other => issues.push("", format!("Invalid input: expected object, received {}", crate::json::zod_type_name(other))),
    }
    issues.finish()?;
    if !call.ctx.callbacks.has(super::SEND_OTP) {
        return Err(AuthError::coded("BAD_REQUEST", "OTP_NOT_CONFIGURED", "otp isn't configured"));
    }
    let mode = resolve(call).await?;
    let code = random_string(p.otp_digits, b"0123456789");
    let stored = match p.otp_store.as_str() {
        "hashed" => hash_otp(&code),
        "encrypted" => encrypt(&secret(call), &code)?,
        _ => code.clone(),
    };
    let ctx = call.ctx;
    verification::create(call, &format!("2fa-otp-{}", otp_key(&mode)), &format!("{stored}:0"), ctx.now() + p.otp_period_ms).await?;
    let arg = json!([{ "user": user_json(call, mode.user()), "otp": code }, crate::endpoints::db_hooks::ctx_arg(call)]);
    ctx.callbacks.call_background(super::SEND_OTP, arg).await;
    Ok(json!({ "status": true }))
}

/// `POST /two-factor/verify-otp` `{ code, trustDevice? }`.
pub async fn verify_otp(call: &mut Call<'_>) -> AuthResult<Value> {
    let p = plugin(call)?;
    let b = body(call, |m, i| {
        req_str(m, "code", i);
        opt_bool(m, "trustDevice", i);
    })?;
    let input = b.get("code").and_then(Value::as_str).unwrap_or_default().to_string();
    let trust = b.get("trustDevice") == Some(&Value::Bool(true));
    let mode = resolve(call).await?;
    let user = mode.user().clone();
    let row = if mode.is_sign_in() {
        let r = rows::find_by_user(call.ctx.plugin_rows().await?, &user.id).await?;
        if let Some(r) = &r {
            assert_not_locked(p, call, r).await?;
        }
        r
    } else {
        None
    };
    let identifier = format!("2fa-otp-{}", otp_key(&mode));
    let Some(consumed) = verification::consume(call, &identifier).await? else { return Err(err("BAD_REQUEST", "OTP_HAS_EXPIRED")) };
    let mut parts = consumed.value.split(':');
    let otp = parts.next().unwrap_or_default().to_string();
    let attempts = parts.next().and_then(crate::plugins::email_otp::otp::parse_int).unwrap_or(0);
    if attempts >= p.otp_attempts {
        return Err(err("BAD_REQUEST", "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE"));
    }
    let (stored, given) = match p.otp_store.as_str() {
        "hashed" => (otp.clone(), hash_otp(&input)),
        "encrypted" => (decrypt(&secret(call), &otp)?, input.clone()),
        _ => (otp.clone(), input.clone()),
    };
    if bool::from(subtle::ConstantTimeEq::ct_eq(stored.as_bytes(), given.as_bytes())) {
        if let Some(r) = &row {
            reset_lock(p, call, r).await?;
        }
        if !two_factor_enabled(&user) {
            let Mode::Session(s, _) = &mode else { return Err(AuthError::base("BAD_REQUEST", "FAILED_TO_CREATE_SESSION")) };
            let updated = set_enabled(call, &user, true).await?;
            let session = reissue(call, s, &updated).await?;
            return Ok(json!({ "token": session.token, "user": user_json(call, &updated) }));
        }
        return valid(p, call, &mode, trust).await;
    }
    verification::create(call, &identifier, &format!("{otp}:{}", attempts + 1), consumed.expires_at).await?;
    if let Some(r) = &row {
        record_lock_failure(p, call, r).await?;
    }
    Err(err("UNAUTHORIZED", "INVALID_CODE"))
}
