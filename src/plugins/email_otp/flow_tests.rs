//! Email OTP flows through the router, time from a fixed clock (attempts, expiry, storage).
use crate::plugins::testing::{Env, env};
use serde_json::{Value, json};

const SEND: &str = super::SEND;

async fn otp_env(otp: Value) -> Env {
    let mut o = json!({ "id": "email-otp", "options": {} });
    o["options"] = otp;
    env(json!({ "plugins": [o] }), &[SEND]).await
}

async fn send(e: &Env, email: &str, kind: &str) -> String {
    let (s, _) = e.post("/email-otp/send-verification-otp", json!({ "email": email, "type": kind })).await;
    assert_eq!(s, 200);
    e.calls.last(SEND).and_then(|m| m["otp"].as_str().map(str::to_string)).expect("a code was mailed")
}

fn wrong(code: &str) -> String {
    code.chars().map(|c| char::from(b'0' + ((c as u8 - b'0' + 1) % 10))).collect()
}

#[tokio::test]
async fn attempts_are_counted_and_the_fourth_try_is_refused() {
    let e = otp_env(json!({})).await;
    let code = send(&e, "New@X.com", "sign-in").await;
    assert_eq!(code.len(), 6);
    assert_eq!(e.row("sign-in-otp-new@x.com").await.as_deref(), Some(format!("{code}:0").as_str()));
    for i in 1..=3 {
        let (s, j) = e.post("/sign-in/email-otp", json!({ "email": "new@x.com", "otp": wrong(&code) })).await;
        assert_eq!((s, j["code"].as_str()), (400, Some("INVALID_OTP")));
        assert_eq!(e.row("sign-in-otp-new@x.com").await, Some(format!("{code}:{i}")));
    }
    let (s, j) = e.post("/sign-in/email-otp", json!({ "email": "new@x.com", "otp": code })).await;
    assert_eq!((s, j["code"].as_str()), (403, Some("TOO_MANY_ATTEMPTS")));
    assert_eq!(e.row("sign-in-otp-new@x.com").await, None);
    let (s, j) = e.post("/sign-in/email-otp", json!({ "email": "new@x.com", "otp": code })).await;
    assert_eq!((s, j["code"].as_str()), (400, Some("INVALID_OTP")));
    // a fresh code signs the new user up
    let code = send(&e, "new@x.com", "sign-in").await;
    let (s, j) = e.post("/sign-in/email-otp", json!({ "email": "new@x.com", "otp": code, "name": "N" })).await;
    assert_eq!(s, 200, "{j}");
    assert_eq!((j["user"]["email"].as_str(), j["user"]["emailVerified"].as_bool()), (Some("new@x.com"), Some(true)));
}

#[tokio::test]
async fn expired_codes_are_deleted_and_refused() {
    let e = otp_env(json!({ "expiresIn": 60 })).await;
    let (s, _) = e.post("/sign-up/email", json!({ "name": "A", "email": "a@x.com", "password": "password-1234" })).await;
    assert_eq!(s, 200);
    let code = send(&e, "a@x.com", "email-verification").await;
    e.clock.advance(60_001);
    let (s, j) = e.post("/email-otp/verify-email", json!({ "email": "a@x.com", "otp": code })).await;
    assert_eq!((s, j["code"].as_str()), (400, Some("OTP_EXPIRED")));
    assert_eq!(e.row("email-verification-otp-a@x.com").await, None);
    let (s, j) = e.post("/email-otp/verify-email", json!({ "email": "a@x.com", "otp": code })).await;
    assert_eq!((s, j["code"].as_str()), (400, Some("INVALID_OTP")));
}

#[tokio::test]
async fn a_check_puts_the_code_back() {
    let e = otp_env(json!({})).await;
    e.post("/sign-up/email", json!({ "name": "A", "email": "a@x.com", "password": "password-1234" })).await;
    let code = send(&e, "a@x.com", "forget-password").await;
    let (s, _) = e.post("/email-otp/check-verification-otp", json!({ "email": "a@x.com", "type": "forget-password", "otp": code })).await;
    assert_eq!(s, 200);
    assert_eq!(e.row("forget-password-otp-a@x.com").await, Some(format!("{code}:0")));
    let (s, j) = e.post("/email-otp/reset-password", json!({ "email": "a@x.com", "otp": code, "password": "a-new-password-1" })).await;
    assert_eq!(s, 200, "{j}");
    assert_eq!(e.row("forget-password-otp-a@x.com").await, None);
    let (s, _) = e.post("/sign-in/email", json!({ "email": "a@x.com", "password": "a-new-password-1" })).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn hashed_and_encrypted_rows_never_hold_the_code() {
    for (store, hashed) in [("hashed", true), ("encrypted", false)] {
        let e = otp_env(json!({ "storeOTP": store })).await;
        e.post("/sign-up/email", json!({ "name": "A", "email": "a@x.com", "password": "password-1234" })).await;
        let code = send(&e, "a@x.com", "email-verification").await;
        let row = e.row("email-verification-otp-a@x.com").await.expect("row");
        let (stored, attempts) = super::otp::split_at_last_colon(&row);
        assert_eq!(attempts, "0");
        assert!(!stored.contains(&code), "{store}: {row}");
        if hashed {
            assert_eq!(stored, crate::plugins::magic_link::default_key_hasher(&code));
        } else {
            let cfg = crate::crypto::envelope::SecretConfig::single("test-secret-for-plugins-0123456789abcdef");
            assert_eq!(crate::crypto::envelope::decrypt(&cfg, stored).expect("decrypts"), code);
        }
        let (s, _) = e.post("/email-otp/verify-email", json!({ "email": "a@x.com", "otp": code })).await;
        assert_eq!(s, 200, "{store}");
    }
}

#[tokio::test]
async fn unknown_emails_get_no_mail_and_no_row() {
    let e = otp_env(json!({ "disableSignUp": true })).await;
    let (s, j) = e.post("/email-otp/send-verification-otp", json!({ "email": "ghost@x.com", "type": "sign-in" })).await;
    assert_eq!((s, j), (200, json!({ "success": true })));
    assert!(e.calls.last(SEND).is_none());
    assert_eq!(e.row("sign-in-otp-ghost@x.com").await, None);
}
