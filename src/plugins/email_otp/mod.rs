//! Better Auth's `emailOTP()` plugin (plugin id `email-otp`): one-time codes mailed through the
//! app's `sendVerificationOTP` for email verification, sign-in (creating users when allowed),
//! password reset and email change, kept in `verification` rows `<type>-otp-<email>` whose value
//! is `<stored code>:<attempts>`. No schema.
//!
//! - here: options, registration, the plugin's hooks (the `/sign-up` after-hook of
//!   `sendVerificationOnSignUp`, the core's verification emails with
//!   `overrideDefaultEmailVerification`) and its rate-limit rules;
//! - [`otp`]: generating, storing (plain, hashed, encrypted, custom) and verifying codes;
//! - [`endpoints`]: the nine endpoints and the two server-only ones.
use super::{Descriptor, EndpointFuture, Plugin, PluginEndpoint};
use crate::config::ConfigError;
use crate::endpoints::{Call, Output};
use crate::error::AuthResult;
use crate::rate_limit::Rule;
use serde_json::{Map, Value};
use std::sync::Arc;

pub mod endpoints;
#[cfg(test)]
mod flow_tests;
pub mod otp;

/// `sendVerificationOTP({ email, otp, type }, ctx)`.
pub const SEND: &str = "emailOTP.sendVerificationOTP";
/// `generateOTP({ email, type }, ctx)`.
pub const GENERATE: &str = "emailOTP.generateOTP";
/// `storeOTP: { hash(otp) }`.
pub const HASH: &str = "emailOTP.storeOTP.hash";
/// `storeOTP: { encrypt(otp), decrypt(stored) }`.
pub const ENCRYPT: &str = "emailOTP.storeOTP.encrypt";
/// See [`ENCRYPT`].
pub const DECRYPT: &str = "emailOTP.storeOTP.decrypt";

macro_rules! route {
    ($api:literal, $path:literal, $method:literal, $f:ident) => {
        PluginEndpoint { plugin: "email-otp", api_name: $api, path: $path, methods: &[$method], form: false, require_headers: false, handler: $f }
    };
}

macro_rules! handlers {
    ($($name:ident),* $(,)?) => {
        $(fn $name<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
            Box::pin(async move { endpoints::$name(call).await.map(Output::Json) })
        })*
    };
}

handlers!(
    send_verification_otp,
    create_verification_otp,
    get_verification_otp,
    check_verification_otp,
    verify_email_otp,
    sign_in_email_otp,
    request_password_reset_email_otp,
    forget_password_email_otp,
    reset_password_email_otp,
    request_email_change_email_otp,
    change_email_email_otp,
);

/// The registration (see `src/plugins/mod.rs`).
pub static PLUGIN: Descriptor = Descriptor {
    id: "email-otp",
    parse,
    endpoints: &[
        route!("sendVerificationOTP", "/email-otp/send-verification-otp", "POST", send_verification_otp),
        route!("createVerificationOTP", "", "POST", create_verification_otp),
        route!("getVerificationOTP", "", "GET", get_verification_otp),
        route!("checkVerificationOTP", "/email-otp/check-verification-otp", "POST", check_verification_otp),
        route!("verifyEmailOTP", "/email-otp/verify-email", "POST", verify_email_otp),
        route!("signInEmailOTP", "/sign-in/email-otp", "POST", sign_in_email_otp),
        route!("requestPasswordResetEmailOTP", "/email-otp/request-password-reset", "POST", request_password_reset_email_otp),
        route!("forgetPasswordEmailOTP", "/forget-password/email-otp", "POST", forget_password_email_otp),
        route!("resetPasswordEmailOTP", "/email-otp/reset-password", "POST", reset_password_email_otp),
        route!("requestEmailChangeEmailOTP", "/email-otp/request-email-change", "POST", request_email_change_email_otp),
        route!("changeEmailEmailOTP", "/email-otp/change-email", "POST", change_email_email_otp),
    ],
    callbacks: &[
        (SEND, "sendVerificationOTP"),
        (GENERATE, "generateOTP"),
        (HASH, "storeOTP.hash"),
        (ENCRYPT, "storeOTP.encrypt"),
        (DECRYPT, "storeOTP.decrypt"),
    ],
};

/// The paths the plugin's rate-limit rule covers (each matched exactly).
pub const RATE_LIMITED: &[&str] = &[
    "/email-otp/send-verification-otp",
    "/email-otp/check-verification-otp",
    "/email-otp/verify-email",
    "/sign-in/email-otp",
    "/email-otp/request-password-reset",
    "/email-otp/reset-password",
    "/forget-password/email-otp",
    "/email-otp/request-email-change",
    "/email-otp/change-email",
];

/// How codes are kept in the verification rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOtp {
    /// `"plain"`.
    Plain,
    /// `"hashed"`: base64url (no padding) of SHA-256.
    Hashed,
    /// `"encrypted"`: Better Auth's `symmetricEncrypt` with the secret (XChaCha20-Poly1305).
    Encrypted,
    /// `{ hash }` or `{ encrypt, decrypt }`: the app's functions (which ones it gave decides).
    Custom,
}

/// `resendStrategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// `"rotate"`: every send stores a new code.
    Rotate,
    /// `"reuse"`: resend the live code (when it can be recovered) and extend its expiry.
    Reuse,
}

/// The `emailOTP()` options, resolved.
#[derive(Debug, Clone)]
pub struct EmailOtpPlugin {
    /// `otpLength` (6).
    pub otp_length: usize,
    /// `expiresIn` in milliseconds (300 s).
    pub expires_in_ms: i64,
    /// `sendVerificationOnSignUp`.
    pub send_on_sign_up: bool,
    /// `disableSignUp`.
    pub disable_sign_up: bool,
    /// `allowedAttempts || 3`.
    pub allowed_attempts: i64,
    /// `storeOTP`.
    pub store: StoreOtp,
    /// `resendStrategy`.
    pub resend: Resend,
    /// `changeEmail.enabled`.
    pub change_email: bool,
    /// `changeEmail.verifyCurrentEmail`.
    pub verify_current_email: bool,
    /// `overrideDefaultEmailVerification`.
    pub override_verification: bool,
    /// The rate-limit rule of [`RATE_LIMITED`] (`rateLimit.window || 60`, `rateLimit.max || 3`).
    pub rate_limit: Rule,
}

fn bad(path: &str, what: &str, got: &Value) -> crate::config::ConfigError {
    crate::config::bad(&format!("emailOTP({{ {path} }})"), what, got)
}

fn flag(o: &Map<String, Value>, key: &str) -> bool {
    o.get(key).is_some_and(crate::origin::truthy)
}

fn parse(listed: Option<&Value>, _all: &Value) -> Result<Option<Arc<dyn Plugin>>, ConfigError> {
    let Some(opts) = listed else { return Ok(None) };
    let empty = Map::new();
    let o = match opts {
        Value::Object(o) => o,
        Value::Null => &empty,
        other => return Err(bad("options", "an object", other)),
    };
    let otp_length = match o.get("otpLength") {
        None | Some(Value::Null) => 6,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(l) if (1..=64).contains(&l) => l as usize,
            _ => return Err(bad("otpLength", "a whole number from 1 to 64", &Value::Number(n.clone()))),
        },
        Some(other) => return Err(bad("otpLength", "a number", other)),
    };
    // `{ expiresIn: 300, ...options }`: an explicit 0 is 0 (the code expires at once)
    let expires_in_ms = match o.get("expiresIn") {
        None | Some(Value::Null) => 300_000,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f >= 0.0 && f.is_finite() => (f * 1000.0) as i64,
            _ => return Err(bad("expiresIn", "a number of seconds", &Value::Number(n.clone()))),
        },
        Some(other) => return Err(bad("expiresIn", "a number of seconds", other)),
    };
    let allowed_attempts = super::magic_link::number_or(o, "allowedAttempts", 3.0, "allowedAttempts", bad)?.ceil() as i64;
    let store = match o.get("storeOTP") {
        None | Some(Value::Null) => StoreOtp::Plain,
        Some(Value::String(s)) if s == "plain" => StoreOtp::Plain,
        Some(Value::String(s)) if s == "hashed" => StoreOtp::Hashed,
        Some(Value::String(s)) if s == "encrypted" => StoreOtp::Encrypted,
        // `{ hash }` / `{ encrypt, decrypt }`: the functions travel as callbacks
        Some(Value::Object(_)) => StoreOtp::Custom,
        // anything else would leave codes in plain text while the app asked for something else
        Some(other) => return Err(bad("storeOTP", "\"plain\", \"hashed\", \"encrypted\", { hash } or { encrypt, decrypt }", other)),
    };
    let resend = match o.get("resendStrategy") {
        None | Some(Value::Null) => Resend::Rotate,
        Some(Value::String(s)) if s == "rotate" => Resend::Rotate,
        Some(Value::String(s)) if s == "reuse" => Resend::Reuse,
        Some(other) => return Err(bad("resendStrategy", "\"rotate\" or \"reuse\"", other)),
    };
    let (change_email, verify_current_email) = match o.get("changeEmail") {
        None | Some(Value::Null) => (false, false),
        Some(Value::Object(c)) => (flag(c, "enabled"), flag(c, "verifyCurrentEmail")),
        Some(other) => return Err(bad("changeEmail", "an object { enabled, verifyCurrentEmail }", other)),
    };
    Ok(Some(Arc::new(EmailOtpPlugin {
        otp_length,
        expires_in_ms,
        send_on_sign_up: flag(o, "sendVerificationOnSignUp"),
        disable_sign_up: flag(o, "disableSignUp"),
        allowed_attempts,
        store,
        resend,
        change_email,
        verify_current_email,
        override_verification: flag(o, "overrideDefaultEmailVerification"),
        rate_limit: super::magic_link::rate_limit(o, 60, 3, bad)?,
    })))
}

#[async_trait::async_trait]
impl Plugin for EmailOtpPlugin {
    fn id(&self) -> &'static str {
        PLUGIN.id
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn rate_limit_rule(&self, path: &str) -> Option<Rule> {
        RATE_LIMITED.contains(&path).then_some(self.rate_limit)
    }

    /// `sendVerificationOnSignUp` (unless `overrideDefaultEmailVerification`): after a
    /// `/sign-up/*` endpoint answered, a new email-verification code for the answer's
    /// `user.email` is stored and mailed; the answer is unchanged.
    async fn after_endpoint_async(&self, call: &mut Call<'_>, path: &str, body: &Value) -> AuthResult<()> {
        if !path.starts_with("/sign-up") || !self.send_on_sign_up || self.override_verification {
            return Ok(());
        }
        let Some(email) = body.get("user").and_then(|u| u.get("email")).and_then(Value::as_str).filter(|e| !e.is_empty()) else {
            return Ok(());
        };
        let email = email.to_string();
        let code = otp::generate(self, call, &email, "email-verification").await?;
        let stored = otp::store(self, call, &code).await?;
        let id = otp::identifier("email-verification", &email);
        crate::endpoints::verification::create(call, &id, &format!("{stored}:0"), call.ctx.now() + self.expires_in_ms).await?;
        otp::send(call, &email, &code, "email-verification").await
    }

    fn sends_verification_email(&self) -> bool {
        self.override_verification
    }

    /// `overrideDefaultEmailVerification`: the core's verification email becomes a code, as
    /// Better Auth's plugin `init` does by calling `/email-otp/send-verification-otp` with
    /// `{ email: user.email, type: "email-verification" }` (in the background: failures are
    /// logged).
    async fn send_verification_email(&self, call: &Call<'_>, email: &str) -> AuthResult<()> {
        if let Err(e) = endpoints::send_otp(self, call, email, "email-verification", true).await {
            crate::log::error(&format!("Failed to run background task (emailOTP verification email): {e}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn opts(v: Value) -> Result<EmailOtpPlugin, ConfigError> {
        let p = parse(Some(&v), &json!({}))?.expect("on");
        Ok(p.as_any().downcast_ref::<EmailOtpPlugin>().expect("type").clone())
    }

    #[test]
    fn defaults_are_better_auths() {
        let p = opts(json!({})).unwrap();
        assert_eq!((p.otp_length, p.expires_in_ms, p.allowed_attempts), (6, 300_000, 3));
        assert_eq!((p.store, p.resend), (StoreOtp::Plain, Resend::Rotate));
        assert!(!p.send_on_sign_up && !p.disable_sign_up && !p.change_email && !p.verify_current_email && !p.override_verification);
        assert_eq!(p.rate_limit, Rule { window: 60, max: 3 });
    }

    #[test]
    fn options_are_read() {
        let p = opts(json!({
            "otpLength": 8, "expiresIn": 0, "allowedAttempts": 0, "storeOTP": "encrypted", "resendStrategy": "reuse",
            "changeEmail": { "enabled": true, "verifyCurrentEmail": true }, "sendVerificationOnSignUp": true,
            "overrideDefaultEmailVerification": true, "disableSignUp": true, "rateLimit": { "max": 10 },
        }))
        .unwrap();
        assert_eq!((p.otp_length, p.expires_in_ms, p.allowed_attempts), (8, 0, 3));
        assert_eq!((p.store, p.resend), (StoreOtp::Encrypted, Resend::Reuse));
        assert!(p.change_email && p.verify_current_email && p.send_on_sign_up && p.override_verification && p.disable_sign_up);
        assert_eq!(p.rate_limit, Rule { window: 60, max: 10 });
        assert_eq!(opts(json!({ "storeOTP": { "hash": "[function]" } })).unwrap().store, StoreOtp::Custom);
        assert_eq!(opts(json!({ "storeOTP": "hashed" })).unwrap().store, StoreOtp::Hashed);
    }

    #[test]
    fn unknown_values_are_refused() {
        for v in [json!({ "storeOTP": "secret" }), json!({ "storeOTP": true }), json!({ "resendStrategy": "again" }), json!({ "otpLength": 0 }), json!({ "otpLength": "6" }), json!({ "expiresIn": -1 }), json!({ "changeEmail": true }), json!([])] {
            assert!(opts(v.clone()).is_err(), "{v}");
        }
    }

    #[test]
    fn rate_limit_rule_is_exact() {
        let p = opts(json!({})).unwrap();
        for path in RATE_LIMITED {
            assert_eq!(p.rate_limit_rule(path), Some(Rule { window: 60, max: 3 }), "{path}");
        }
        assert_eq!(p.rate_limit_rule("/sign-in/email-otp/x"), None);
        assert_eq!(p.rate_limit_rule("/sign-in/email"), None);
    }
}
