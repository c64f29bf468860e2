//! The sign-in interception (Better Auth's two-factor after-hook) and the `trust_device` and
//! `two_factor` cookies it shares with the verify endpoints.
use super::{TwoFactorPlugin, rows};
use crate::cookies::{self, CookieDef};
use crate::crypto::random::random_string;
use crate::endpoints::{Call, verification};
use crate::error::AuthResult;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// The endpoints whose new session waits for a second factor.
pub const SIGN_IN_PATHS: [&str; 3] = ["/sign-in/email", "/sign-in/username", "/sign-in/phone-number"];

/// `generateRandomString`'s default alphabet (`a-z0-9A-Z-_`).
pub const RANDOM_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// `createAuthCookie("two_factor")`.
pub fn two_factor_cookie(call: &Call<'_>) -> CookieDef {
    cookies::make(&call.ctx.config, "two_factor")
}

/// `createAuthCookie("trust_device")`.
pub fn trust_cookie(call: &Call<'_>) -> CookieDef {
    cookies::make(&call.ctx.config, "trust_device")
}

/// `base64url-nopad(HMAC-SHA256(secret, "<userId>!<trustIdentifier>"))`.
pub fn trust_token(secret: &str, user_id: &str, identifier: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(format!("{user_id}!{identifier}").as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Writes a new `trust-device-<32>` row and its signed `trust_device` cookie.
pub async fn trust_device(p: &TwoFactorPlugin, call: &mut Call<'_>, user_id: &str) -> AuthResult<()> {
    let ctx = call.ctx;
    let identifier = format!("trust-device-{}", random_string(32, RANDOM_ALPHABET));
    let token = trust_token(&ctx.config.secret, user_id, &identifier);
    verification::create(call, &identifier, user_id, ctx.now() + p.trust_max_age * 1000).await?;
    let def = trust_cookie(call);
    call.out.add_cookie(def.serialize(&cookies::signed_wire_value(&ctx.config.secret, &format!("{token}!{identifier}")), Some(p.trust_max_age)));
    Ok(())
}

/// The request's validly signed `trust_device` value, if any.
pub fn trust_cookie_value(call: &Call<'_>) -> Option<String> {
    cookies::get_signed_cookie(&call.headers, &trust_cookie(call).name, &call.ctx.config.secret)
}

/// True when the signed `trust_device` value vouches for `user_id`: its token matches and its
/// row exists for the user and has not expired.
async fn trusted(call: &Call<'_>, value: &str, user_id: &str) -> AuthResult<bool> {
    let mut parts = value.split('!');
    let (Some(token), Some(identifier)) = (parts.next(), parts.next()) else { return Ok(false) };
    if token.is_empty() || identifier.is_empty() {
        return Ok(false);
    }
    let want = trust_token(&call.ctx.config.secret, user_id, identifier);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(want.as_bytes(), token.as_bytes())) {
        return Ok(false);
    }
    Ok(verification::find(call, identifier).await?.is_some_and(|v| v.value == user_id && v.expires_at > call.ctx.now()))
}

/// `deleteSessionCookie(ctx, true)`: earlier `session_token`/`session_data` entries of the
/// response dropped, then both expired (and every `session_data` chunk the request sent); the
/// `dont_remember` cookie stays.
fn withhold_session_cookies(call: &mut Call<'_>) {
    let c = &call.ctx.cookies;
    call.out.set_cookie(&c.session_token.name, c.session_token.expired());
    call.out.set_cookie(&c.session_data.name, c.session_data.expired());
    if let Some(h) = call.headers.get("cookie") {
        let chunk_prefix = format!("{}.", c.session_data.name);
        for (name, _) in cookies::parse_cookie_header(h) {
            let is_chunk = name == c.session_data.name || name.strip_prefix(&chunk_prefix).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if is_chunk {
                call.out.add_cookie(c.session_data.renamed(&name).expired());
            }
        }
    }
}

/// After a sign-in endpoint created a session for a user with two-factor enabled: keep it
/// when the browser is trusted (the trust is renewed), else withhold it behind a `two_factor`
/// challenge and answer `{ twoFactorRedirect: true, twoFactorMethods }`.
pub async fn after_sign_in(p: &TwoFactorPlugin, call: &mut Call<'_>, path: &str, body: &mut Value) -> AuthResult<()> {
    if !SIGN_IN_PATHS.contains(&path) {
        return Ok(());
    }
    let Some(new_session) = call.new_session.clone() else { return Ok(()) };
    if !new_session.pointer("/user/twoFactorEnabled").is_some_and(crate::origin::truthy) {
        return Ok(());
    }
    let user_id = new_session.pointer("/user/id").and_then(Value::as_str).unwrap_or_default().to_string();
    let token = new_session.pointer("/session/token").and_then(Value::as_str).unwrap_or_default().to_string();
    let ctx = call.ctx;
    let trust = trust_cookie_value(call);
    if let Some(value) = &trust
        && trusted(call, value, &user_id).await?
    {
        if let Some(old) = value.split('!').nth(1) {
            verification::delete_all(call, old).await?;
        }
        return trust_device(p, call, &user_id).await;
    }
    if trust.is_some() {
        let def = trust_cookie(call);
        call.out.set_cookie(&def.name, def.expired());
    }
    withhold_session_cookies(call);
    let store = ctx.store().await?;
    store.delete_session(&token).await?;
    call.new_session = None;
    let identifier = format!("2fa-{}", random_string(20, RANDOM_ALPHABET));
    let expires = ctx.now() + p.cookie_max_age * 1000;
    verification::create(call, &identifier, &user_id, expires).await?;
    verification::create(call, &format!("2fa-attempts-{identifier}"), "0", expires).await?;
    let def = two_factor_cookie(call);
    call.out.add_cookie(def.serialize(&cookies::signed_wire_value(&ctx.config.secret, &identifier), Some(p.cookie_max_age)));
    let mut methods = Vec::new();
    if !p.totp_disabled
        && rows::find_by_user(ctx.plugin_rows().await?, &user_id).await?.is_some_and(|r| r.verified != Some(false))
    {
        methods.push("totp");
    }
    if ctx.callbacks.has(super::SEND_OTP) {
        methods.push("otp");
    }
    *body = json!({ "twoFactorRedirect": true, "twoFactorMethods": methods });
    Ok(())
}
