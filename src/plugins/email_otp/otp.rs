//! Codes: generating them, keeping them in the verification rows (`<stored>:<attempts>`) in the
//! configured form, and Better Auth's `atomicVerifyOTP` (single use, attempt counting,
//! constant-time comparison).
use super::{DECRYPT, ENCRYPT, EmailOtpPlugin, GENERATE, HASH, Resend, SEND, StoreOtp};
use crate::crypto::envelope::{self, SecretConfig};
use crate::endpoints::verification;
use crate::endpoints::{Call, db_hooks};
use crate::error::{AuthError, AuthResult};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

/// `EMAIL_OTP_ERROR_CODES`.
pub fn error(code: &str) -> AuthError {
    match code {
        "OTP_EXPIRED" => AuthError::coded("BAD_REQUEST", code, "OTP expired"),
        "TOO_MANY_ATTEMPTS" => AuthError::coded("FORBIDDEN", code, "Too many attempts"),
        _ => AuthError::coded("BAD_REQUEST", "INVALID_OTP", "Invalid OTP"),
    }
}

/// `<type>-otp-<email>` (`toOTPIdentifier`).
pub fn identifier(kind: &str, email: &str) -> String {
    format!("{kind}-otp-{email}")
}

/// `[value before the last colon, after it]` (`splitAtLastColon`).
pub fn split_at_last_colon(v: &str) -> (&str, &str) {
    match v.rfind(':') {
        Some(i) => (&v[..i], &v[i + 1..]),
        None => (v, ""),
    }
}

/// JavaScript's `parseInt(s)` for the attempts counter: `None` is `NaN`.
pub fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(digits.len());
    let n: i64 = digits[..end].parse().ok()?;
    Some(if neg { -n } else { n })
}

fn secrets(call: &Call<'_>) -> SecretConfig {
    SecretConfig::single(call.ctx.config.secret.clone())
}

async fn callback_string(call: &Call<'_>, name: &str, arg: &str) -> AuthResult<String> {
    match call.ctx.callbacks.call(name, json!([arg])).await? {
        Some(Value::String(s)) => Ok(s),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(AuthError::internal(format!("{name} must return a string"))),
    }
}

/// The code to send: `generateOTP({ email, type }, ctx)`, or (when absent or falsy) `otpLength`
/// random digits.
pub async fn generate(p: &EmailOtpPlugin, call: &Call<'_>, email: &str, kind: &str) -> AuthResult<String> {
    let cbs = &call.ctx.callbacks;
    if cbs.has(GENERATE) {
        let given = cbs.call(GENERATE, json!([{ "email": email, "type": kind }, db_hooks::ctx_arg(call)])).await?;
        match given {
            Some(Value::String(s)) if !s.is_empty() => return Ok(s),
            Some(Value::Number(n)) if n.as_f64().is_some_and(|f| f != 0.0) => return Ok(n.to_string()),
            _ => {}
        }
    }
    Ok(crate::crypto::random::random_string(p.otp_length, b"0123456789"))
}

/// The custom storage the app gave: `Some(true)` for `{ hash }`, `Some(false)` for
/// `{ encrypt, decrypt }`; an object with neither is refused (never stored in plain text).
fn custom_hashes(call: &Call<'_>) -> AuthResult<bool> {
    let cbs = &call.ctx.callbacks;
    if cbs.has(HASH) {
        Ok(true)
    } else if cbs.has(ENCRYPT) {
        Ok(false)
    } else {
        Err(AuthError::internal("emailOTP storeOTP: an object needs a hash function or encrypt/decrypt functions"))
    }
}

/// The form of `code` kept in the row (`storeOTP`).
pub async fn store(p: &EmailOtpPlugin, call: &Call<'_>, code: &str) -> AuthResult<String> {
    match p.store {
        StoreOtp::Plain => Ok(code.to_string()),
        StoreOtp::Hashed => Ok(crate::plugins::magic_link::default_key_hasher(code)),
        StoreOtp::Encrypted => envelope::encrypt(&secrets(call), code),
        StoreOtp::Custom => {
            if custom_hashes(call)? {
                callback_string(call, HASH, code).await
            } else {
                callback_string(call, ENCRYPT, code).await
            }
        }
    }
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// `verifyStoredOTP`: does `given` match the stored form? (constant time)
pub async fn matches(p: &EmailOtpPlugin, call: &Call<'_>, stored: &str, given: &str) -> AuthResult<bool> {
    Ok(match p.store {
        StoreOtp::Plain => same(given, stored),
        StoreOtp::Hashed => same(&crate::plugins::magic_link::default_key_hasher(given), stored),
        StoreOtp::Encrypted => same(&envelope::decrypt(&secrets(call), stored)?, given),
        StoreOtp::Custom => {
            if custom_hashes(call)? {
                same(&callback_string(call, HASH, given).await?, stored)
            } else {
                same(&callback_string(call, DECRYPT, stored).await?, given)
            }
        }
    })
}

/// `retrieveOTP`: the code itself from its stored form, `None` when it is hashed.
pub async fn recover(p: &EmailOtpPlugin, call: &Call<'_>, stored: &str) -> AuthResult<Option<String>> {
    Ok(match p.store {
        StoreOtp::Plain => Some(stored.to_string()),
        StoreOtp::Hashed => None,
        StoreOtp::Encrypted => Some(envelope::decrypt(&secrets(call), stored)?),
        StoreOtp::Custom => {
            if custom_hashes(call)? {
                None
            } else {
                Some(callback_string(call, DECRYPT, stored).await?)
            }
        }
    })
}

/// True when codes cannot be read back (`"hashed"` or a custom `hash`).
pub fn is_hashed(p: &EmailOtpPlugin, call: &Call<'_>) -> bool {
    match p.store {
        StoreOtp::Hashed => true,
        StoreOtp::Custom => call.ctx.callbacks.has(HASH),
        _ => false,
    }
}

/// `resolveOTP`: the code to send for `kind` to `email` — the live one again under
/// `resendStrategy: "reuse"` (when recoverable and not exhausted; its expiry is extended), else
/// a new one stored as a new row with 0 attempts.
pub async fn resolve(p: &EmailOtpPlugin, call: &Call<'_>, email: &str, kind: &str) -> AuthResult<String> {
    let id = identifier(kind, email);
    let ctx = call.ctx;
    if p.resend == Resend::Reuse
        && let Some(row) = verification::find(call, &id).await?
        && row.expires_at >= ctx.now()
    {
        let (stored, attempts) = split_at_last_colon(&row.value);
        let exhausted = !attempts.is_empty() && parse_int(attempts).is_some_and(|a| a >= p.allowed_attempts);
        if !exhausted && let Some(code) = recover(p, call, stored).await?.filter(|c| !c.is_empty()) {
            verification::update_expiry(call, &id, ctx.now() + p.expires_in_ms).await?;
            return Ok(code);
        }
    }
    let code = generate(p, call, email, kind).await?;
    let stored = store(p, call, &code).await?;
    verification::create(call, &id, &format!("{stored}:0"), ctx.now() + p.expires_in_ms).await?;
    Ok(code)
}

/// Calls `sendVerificationOTP({ email, otp, type }, ctx)` as Better Auth's
/// `runInBackgroundOrAwait` does (a failure is logged, the answer does not change). Without the
/// function Better Auth's call is a TypeError: a 500.
pub async fn send(call: &Call<'_>, email: &str, code: &str, kind: &str) -> AuthResult<()> {
    send_with(call, email, code, kind, db_hooks::ctx_arg(call)).await
}

/// [`send`] with the endpoint context the function gets as its second argument.
pub async fn send_with(call: &Call<'_>, email: &str, code: &str, kind: &str, ctx: Value) -> AuthResult<()> {
    let cbs = &call.ctx.callbacks;
    if !cbs.has(SEND) {
        return Err(AuthError::internal("emailOTP: sendVerificationOTP is not a function"));
    }
    cbs.call_background(SEND, json!([{ "email": email, "otp": code, "type": kind }, ctx])).await;
    Ok(())
}

/// The context of an internal call of one of the plugin's endpoints (Better Auth's plugin calls
/// its endpoint function with `{ body }`): the caller's context with that path and body.
pub fn endpoint_ctx(call: &Call<'_>, path: &str, body: Value) -> Value {
    let mut c = db_hooks::ctx_arg(call);
    if let Some(Value::Object(m)) = c.get_mut("__hookctx") {
        m.insert("path".into(), Value::from(path));
        m.insert("method".into(), Value::from("POST"));
        m.insert("body".into(), body);
    }
    c
}

/// What a right code does to its row in [`verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnSuccess {
    /// Used up (sign-in, verify-email, change-email, the reset itself).
    Consume,
    /// Put back unchanged, for a follow-up call (check-verification-otp, the reset preflight).
    Restore,
}

/// Better Auth's `atomicVerifyOTP`: an expired newest row is deleted (400 `OTP_EXPIRED`); the
/// row is consumed atomically (nothing: 400 `INVALID_OTP`); an exhausted row stays consumed
/// (403 `TOO_MANY_ATTEMPTS`); a wrong code puts the row back with one more attempt and the same
/// expiry (400 `INVALID_OTP`); a right one is used up or put back.
pub async fn verify(p: &EmailOtpPlugin, call: &Call<'_>, id: &str, given: &str, on_success: OnSuccess) -> AuthResult<()> {
    let now = call.ctx.now();
    if let Some(existing) = verification::find(call, id).await?
        && existing.expires_at < now
    {
        verification::delete_all(call, id).await?;
        return Err(error("OTP_EXPIRED"));
    }
    let Some(row) = verification::consume(call, id).await? else { return Err(error("INVALID_OTP")) };
    let (stored, attempts) = split_at_last_colon(&row.value);
    let used = parse_int(if attempts.is_empty() { "0" } else { attempts });
    if used.is_some_and(|u| u >= p.allowed_attempts) {
        return Err(error("TOO_MANY_ATTEMPTS"));
    }
    if !matches(p, call, stored, given).await? {
        let next = used.map(|u| (u + 1).to_string()).unwrap_or_else(|| "NaN".into());
        verification::create(call, id, &format!("{stored}:{next}"), row.expires_at).await?;
        return Err(error("INVALID_OTP"));
    }
    if on_success == OnSuccess::Consume {
        return Ok(());
    }
    if verification::find(call, id).await?.is_some() {
        return Err(error("INVALID_OTP"));
    }
    if verification::create(call, id, &row.value, row.expires_at).await?.is_none() {
        return Err(AuthError::message_only("INTERNAL_SERVER_ERROR", "Unable to complete OTP verification"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_split_at_the_last_colon() {
        assert_eq!(split_at_last_colon("123456:0"), ("123456", "0"));
        assert_eq!(split_at_last_colon("$ba$1$abc:2"), ("$ba$1$abc", "2"));
        assert_eq!(split_at_last_colon("a:b:c"), ("a:b", "c"));
        assert_eq!(split_at_last_colon("nocolon"), ("nocolon", ""));
    }

    #[test]
    fn attempts_parse_as_javascript_parse_int() {
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("12"), Some(12));
        assert_eq!(parse_int(" 3x"), Some(3));
        assert_eq!(parse_int("-1"), Some(-1));
        assert_eq!(parse_int("NaN"), None);
        assert_eq!(parse_int(""), None);
    }

    #[test]
    fn identifiers_are_better_auths() {
        assert_eq!(identifier("sign-in", "a@x.com"), "sign-in-otp-a@x.com");
        assert_eq!(identifier("change-email", "u1:b@x.com"), "change-email-otp-u1:b@x.com");
    }

    #[test]
    fn codes_compare_in_constant_time_and_exactly() {
        assert!(same("123456", "123456"));
        assert!(!same("123456", "123457"));
        assert!(!same("12345", "123456"));
    }

    #[test]
    fn error_codes_are_better_auths() {
        for (code, status, message) in [("OTP_EXPIRED", 400, "OTP expired"), ("INVALID_OTP", 400, "Invalid OTP"), ("TOO_MANY_ATTEMPTS", 403, "Too many attempts")] {
            let e = error(code);
            assert_eq!((e.status(), e.code()), (status, Some(code)));
            let AuthError::Api(api) = e else { panic!("api error") };
            assert_eq!(api.body, crate::error::ErrorBody::CodeMessage { code: code.into(), message: message.into() });
        }
    }
}
