//! Magic-link flows through the router, time from a fixed clock.
use crate::plugins::testing::{Env, env};
use serde_json::{Value, json};

async fn ml_env(options: Value) -> Env {
    env(json!({ "plugins": [{ "id": "magic-link", "options": options }] }), &[super::SEND]).await
}

/// Asks for a link; the token from the mailed URL.
async fn link(e: &Env, body: Value) -> (String, String) {
    let (s, j) = e.post("/sign-in/magic-link", body).await;
    assert_eq!((s, j), (200, json!({ "status": true })));
    let mail = e.calls.last(super::SEND).expect("mailed");
    let url = mail["url"].as_str().expect("url").to_string();
    let token = mail["token"].as_str().expect("token").to_string();
    assert!(url.contains(&format!("token={token}")));
    (token, url)
}

#[tokio::test]
async fn a_link_signs_up_once() {
    let e = ml_env(json!({})).await;
    let (token, url) = link(&e, json!({ "email": "New@X.com", "name": "N", "callbackURL": "/dash", "newUserCallbackURL": "/welcome" })).await;
    assert_eq!(url, format!("http://localhost:3000/api/auth/magic-link/verify?token={token}&callbackURL=%2Fdash&newUserCallbackURL=%2Fwelcome"));
    assert!(token.len() == 32 && token.chars().all(|c| c.is_ascii_alphabetic()));
    let row = e.row(&format!("magic-link:{token}")).await;
    assert_eq!(row.as_deref(), Some(r#"{"type":"magic-link","email":"New@X.com","name":"N"}"#));
    let (s, loc, _, res) = e.send("GET", &format!("/magic-link/verify?token={token}&callbackURL=%2Fdash&newUserCallbackURL=%2Fwelcome"), None).await;
    assert_eq!((s, loc.as_deref()), (302, Some("http://localhost:3000/welcome")));
    assert!(res.headers.iter().any(|(k, v)| k == "set-cookie" && v.starts_with("better-auth.session_token=")));
    let (s, loc, _, _) = e.send("GET", &format!("/magic-link/verify?token={token}&callbackURL=%2Fdash"), None).await;
    assert_eq!((s, loc.as_deref()), (302, Some("http://localhost:3000/dash?error=INVALID_TOKEN")));
}

#[tokio::test]
async fn expired_links_are_refused() {
    let e = ml_env(json!({ "expiresIn": 30, "storeToken": "hashed" })).await;
    let (token, _) = link(&e, json!({ "email": "a@x.com" })).await;
    assert!(e.row(&format!("magic-link:{token}")).await.is_none(), "only the hash is stored");
    assert!(e.row(&format!("magic-link:{}", super::default_key_hasher(&token))).await.is_some());
    e.clock.advance(30_001);
    let (s, loc, _, _) = e.send("GET", &format!("/magic-link/verify?token={token}&errorCallbackURL=%2Ferr"), None).await;
    assert_eq!((s, loc.as_deref()), (302, Some("http://localhost:3000/err?error=INVALID_TOKEN")));
    assert!(e.row(&format!("magic-link:{}", super::default_key_hasher(&token))).await.is_none(), "consumed all the same");
}

#[tokio::test]
async fn an_unverified_account_is_stripped_before_the_session() {
    let e = ml_env(json!({})).await;
    let (s, _) = e.post("/sign-up/email", json!({ "name": "P", "email": "p@x.com", "password": "password-1234" })).await;
    assert_eq!(s, 200);
    let (token, _) = link(&e, json!({ "email": "p@x.com" })).await;
    let (s, _, j, _) = e.send("GET", &format!("/magic-link/verify?token={token}"), None).await;
    assert_eq!(s, 200, "{j}");
    assert_eq!(j["user"]["emailVerified"], json!(true));
    use crate::store::Store;
    let user = e.store.find_user_by_email("p@x.com").await.expect("find").expect("user");
    assert!(e.store.list_accounts(&user.id).await.expect("accounts").is_empty());
    let sessions = e.store.list_sessions(&user.id).await.expect("sessions");
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].token, j["token"].as_str().unwrap_or_default());
    // the reservation row is gone
    assert!(e.row(&format!("revoke-unproven-account-access:{}", user.id)).await.is_none());
}

#[tokio::test]
async fn disable_sign_up_refuses_unknown_emails() {
    let e = ml_env(json!({ "disableSignUp": true })).await;
    let (token, _) = link(&e, json!({ "email": "ghost@x.com", "errorCallbackURL": "/err" })).await;
    let (s, loc, _, _) = e.send("GET", &format!("/magic-link/verify?token={token}&callbackURL=%2F&errorCallbackURL=%2Ferr"), None).await;
    assert_eq!((s, loc.as_deref()), (302, Some("http://localhost:3000/err?error=new_user_signup_disabled")));
}
