//! The engine end to end without Node: HTTP requests through the router against a real SQLite
//! file, time driven by a fixed clock (no sleeps).
use better_auth_rs::clock::FixedClock;
use better_auth_rs::config::AuthConfig;
use better_auth_rs::context::AuthContext;
use better_auth_rs::http::{Headers, Request, Response};
use better_auth_rs::router;
use better_auth_rs::store::Store;
use better_auth_rs::store::sql::{Db, PoolSettings, SqlStore};
use serde_json::{Value, json};
use std::sync::Arc;

const SECRET: &str = "test-secret-for-vectors-0123456789abcdef";
const BASE: &str = "http://localhost:3000/api/auth";
const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00.000Z

struct Env {
    ctx: AuthContext,
    clock: Arc<FixedClock>,
    store: Arc<SqlStore>,
    path: std::path::PathBuf,
}

impl Drop for Env {
    fn drop(&mut self) {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.path.display()));
        }
    }
}

async fn env_with(extra: Value) -> Env {
    let path = std::env::temp_dir().join(format!("ba-rs-story-{}.db", better_auth_rs::crypto::random::generate_id(12)));
    let mut opts = json!({
        "secret": SECRET,
        "baseURL": "http://localhost:3000",
        "database": path.to_string_lossy(),
        "emailAndPassword": { "enabled": true },
        // cheap hashing keeps the suite fast; the OWASP default is covered by unit tests
        "advanced": { "hashConcurrency": 2 },
    });
    merge(&mut opts, extra);
    let config = AuthConfig::from_options(&opts, &json!({})).unwrap();
    let store = Arc::new(SqlStore::open_sqlite(&path.to_string_lossy(), config.schema.clone(), PoolSettings { max_connections: None }).await.unwrap());
    store.migrate().await.unwrap();
    let clock = Arc::new(FixedClock::new(T0));
    let ctx = AuthContext::with_store(config, store.clone(), clock.clone());
    Env { ctx, clock, store, path }
}

fn pool(env: &Env) -> sqlx::SqlitePool {
    match env.store.db() {
        Db::Sqlite(f) => f.pool(),
        _ => unreachable!(),
    }
}

fn merge(a: &mut Value, b: Value) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

async fn send(env: &Env, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Response {
    let mut h = Headers::new();
    for (k, v) in headers {
        h.append(k, *v);
    }
    if body.is_some() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
        h.append("content-type", "application/json");
    }
    let req = Request { method: method.into(), url: format!("{BASE}{path}"), headers: h, body: body.map(|b| b.as_bytes().to_vec()) };
    router::handle(&env.ctx, req).await
}

fn json_of(r: &Response) -> Value {
    serde_json::from_slice(&r.body).unwrap_or(Value::Null)
}

fn cookie_header(r: &Response) -> String {
    r.set_cookies().iter().map(|c| c.split(';').next().unwrap()).filter(|c| !c.ends_with('=')).collect::<Vec<_>>().join("; ")
}

async fn sign_up(env: &Env, email: &str) -> Response {
    let body = json!({ "name": "Ada", "email": email, "password": "correct-horse-1" }).to_string();
    send(env, "POST", "/sign-up/email", &[], Some(&body)).await
}

#[tokio::test]
async fn sign_up_sign_in_session_refresh_sign_out() {
    let env = env_with(json!({})).await;
    let r = sign_up(&env, "Ada@Example.com").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let b = json_of(&r);
    assert_eq!(b["user"]["email"], "ada@example.com");
    assert_eq!(b["user"]["emailVerified"], false);
    assert_eq!(b["user"]["createdAt"], "2026-01-01T00:00:00.000Z");
    let token = b["token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 32);
    let sc = r.set_cookies();
    assert_eq!(sc.len(), 1);
    assert!(sc[0].starts_with(&format!("better-auth.session_token={token}.")));
    assert!(sc[0].ends_with("; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"));

    // the stored rows are Better Auth's: ISO text dates, 0/1 booleans, credential account
    let row: (String, i64, String) = sqlx::query_as(r#"select "email", "emailVerified", "createdAt" from "user""#)
        .fetch_one(&pool(&env))
        .await
        .unwrap();
    assert_eq!(row, ("ada@example.com".to_string(), 0, "2026-01-01T00:00:00.000Z".to_string()));
    let acc: (String, String, String) =
        sqlx::query_as(r#"select "providerId", "accountId" = "userId", "password" from "account""#)
            .fetch_one(&pool(&env))
            .await
            .map(|(p, same, pw): (String, bool, String)| (p, same.to_string(), pw))
            .unwrap();
    assert_eq!(acc.0, "credential");
    assert_eq!(acc.1, "true");
    assert!(acc.2.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));

    // sign in
    let r = send(&env, "POST", "/sign-in/email", &[], Some(r#"{"email":"ADA@example.com","password":"correct-horse-1"}"#)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let b = json_of(&r);
    assert_eq!(b["redirect"], false);
    assert!(b.get("url").is_none());
    let cookie = cookie_header(&r);

    // get-session, no refresh yet
    env.clock.advance(3_600_000);
    let r = send(&env, "GET", "/get-session", &[("cookie", &cookie)], None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.set_cookies().is_empty());
    let b = json_of(&r);
    assert_eq!(b["user"]["email"], "ada@example.com");
    assert_eq!(b["session"]["expiresAt"], "2026-01-08T00:00:00.000Z");

    // after updateAge: refreshed row and cookie
    env.clock.set(T0 + 86_400_000);
    let r = send(&env, "GET", "/get-session", &[("cookie", &cookie)], None).await;
    assert_eq!(r.status, 200);
    assert_eq!(json_of(&r)["session"]["expiresAt"], "2026-01-09T00:00:00.000Z");
    let sc = r.set_cookies();
    assert_eq!(sc.len(), 1);
    assert!(sc[0].contains("Max-Age=604800"));

    // sign out with a trusted origin: row deleted, cookies expired
    let r = send(&env, "POST", "/sign-out", &[("cookie", &cookie), ("origin", "http://localhost:3000")], Some("{}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(json_of(&r), json!({ "success": true }));
    assert_eq!(r.set_cookies().len(), 3);
    assert!(r.set_cookies().iter().all(|c| c.contains("=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")));
    let r = send(&env, "GET", "/get-session", &[("cookie", &cookie)], None).await;
    assert_eq!(r.text(), "null");
    assert_eq!(r.set_cookies().len(), 3, "a cookie without a row is cleared");
}

#[tokio::test]
async fn expired_sessions_are_deleted_and_dont_remember_is_not_refreshed() {
    let env = env_with(json!({})).await;
    sign_up(&env, "b@example.com").await;
    let r = send(&env, "POST", "/sign-in/email", &[], Some(r#"{"email":"b@example.com","password":"correct-horse-1","rememberMe":false}"#)).await;
    let sc = r.set_cookies();
    assert_eq!(sc.len(), 2);
    assert!(!sc[0].contains("Max-Age"), "{}", sc[0]);
    assert!(sc[1].starts_with("better-auth.dont_remember=true."));
    let cookie = cookie_header(&r);
    env.clock.set(T0 + 86_400_000 - 1);
    let r = send(&env, "GET", "/get-session", &[("cookie", &cookie)], None).await;
    assert_ne!(r.text(), "null");
    assert!(r.set_cookies().is_empty(), "dont_remember sessions are never refreshed");
    env.clock.set(T0 + 86_400_000 + 1);
    let r = send(&env, "GET", "/get-session", &[("cookie", &cookie)], None).await;
    assert_eq!(r.text(), "null");
    let n: (i64,) = sqlx::query_as(r#"select count(*) from "session" where "expiresAt" < '2026-01-02T00:00:00.001Z'"#)
        .fetch_one(&pool(&env))
        .await
        .unwrap();
    assert_eq!(n.0, 0, "expired row deleted on read");
}

#[tokio::test]
async fn better_auth_scrypt_user_signs_in() {
    let env = env_with(json!({})).await;
    // A user written by Better Auth: scrypt hash from shared/spec/vectors.json.
    sqlx::query(r#"insert into "user" values ('u1', 'Legacy', 'legacy@example.com', 1, null, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')"#)
        .execute(&pool(&env))
        .await
        .unwrap();
    sqlx::query(r#"insert into "account" ("id","accountId","providerId","userId","password","createdAt","updatedAt") values ('a1','u1','credential','u1','000102030405060708090a0b0c0d0e0f:7034425e783148ac6ce2c4521177f6fc8ba611950b64145053bf3c4fbf26457865bbf1ea8164754187636d431114bca7374e96cf91409d23fbc0b086580d2442','2025-01-01T00:00:00.000Z','2025-01-01T00:00:00.000Z')"#)
        .execute(&pool(&env))
        .await
        .unwrap();
    let r = send(&env, "POST", "/sign-in/email", &[], Some(r#"{"email":"legacy@example.com","password":"correct horse battery staple"}"#)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(json_of(&r)["user"]["emailVerified"], true);
    // the legacy hash was upgraded to argon2id, and the password still works
    let (pw,): (String,) = sqlx::query_as(r#"select "password" from "account" where "id" = 'a1'"#).fetch_one(&pool(&env)).await.unwrap();
    assert!(pw.starts_with("$argon2id$"), "{pw}");
    let r = send(&env, "POST", "/sign-in/email", &[], Some(r#"{"email":"legacy@example.com","password":"correct horse battery staple"}"#)).await;
    assert_eq!(r.status, 200);
    let r = send(&env, "POST", "/sign-in/email", &[], Some(r#"{"email":"legacy@example.com","password":"wrong horse battery staple"}"#)).await;
    assert_eq!(r.status, 401);
    assert_eq!(json_of(&r)["code"], "INVALID_EMAIL_OR_PASSWORD");
}

#[tokio::test]
async fn scrypt_mode_writes_better_auths_format_and_keeps_legacy_hashes() {
    let env = env_with(json!({ "emailAndPassword": { "password": { "algorithm": "scrypt" } } })).await;
    assert_eq!(sign_up(&env, "s@example.com").await.status, 200);
    let (pw,): (String,) = sqlx::query_as(r#"select "password" from "account""#).fetch_one(&pool(&env)).await.unwrap();
    let (salt, key) = pw.split_once(':').unwrap();
    assert_eq!((salt.len(), key.len()), (32, 128), "{pw}");
    let r = send(&env, "POST", "/sign-in/email", &[], Some(r#"{"email":"s@example.com","password":"correct-horse-1"}"#)).await;
    assert_eq!(r.status, 200);
    let (after,): (String,) = sqlx::query_as(r#"select "password" from "account""#).fetch_one(&pool(&env)).await.unwrap();
    assert_eq!(after, pw, "scrypt mode never re-hashes");
}

#[tokio::test]
async fn errors_have_better_auths_codes() {
    let env = env_with(json!({ "emailAndPassword": { "minPasswordLength": 10 } })).await;
    let cases: Vec<(&str, &str, Option<&str>, Vec<(&str, &str)>, u16, &str, &str)> = vec![
        ("POST", "/sign-up/email", Some("{not json"), vec![], 400, "400", "BAD_REQUEST"),
        ("POST", "/sign-up/email", Some(""), vec![], 400, "400", "BAD_REQUEST"),
        ("POST", "/sign-up/email", Some("{}"), vec![("content-type", "text/plain")], 415, "415", "UNSUPPORTED_MEDIA_TYPE"),
        ("POST", "/sign-up/email", Some(r#"{"name":"a","email":"nope","password":"x"}"#), vec![], 400, "400", "VALIDATION_ERROR"),
        ("POST", "/sign-up/email", Some(r#"{"name":"a","email":"a@b.co","password":"short"}"#), vec![], 400, "BAD_REQUEST", "PASSWORD_TOO_SHORT"),
        ("POST", "/sign-up/email", Some(r#"[1,2]"#), vec![], 400, "400", "VALIDATION_ERROR"),
        ("POST", "/sign-in/email", Some(r#"{"email":"not-an-email","password":"x"}"#), vec![], 400, "BAD_REQUEST", "INVALID_EMAIL"),
        ("POST", "/sign-in/email", Some(r#"{"email":"nobody@b.co","password":"whatever12"}"#), vec![], 401, "UNAUTHORIZED", "INVALID_EMAIL_OR_PASSWORD"),
        ("POST", "/sign-in/email", Some(r#"{"email":"a@b.co","password":"x"}"#), vec![("sec-fetch-site", "cross-site"), ("sec-fetch-mode", "navigate")], 403, "FORBIDDEN", "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"),
        ("POST", "/sign-in/email", Some(r#"{"email":"a@b.co","password":"x"}"#), vec![("origin", "http://evil.test")], 403, "FORBIDDEN", "INVALID_ORIGIN"),
        ("POST", "/sign-in/email", Some(r#"{"email":"a@b.co","password":"x","callbackURL":"http://evil.test/x"}"#), vec![], 403, "FORBIDDEN", "INVALID_CALLBACK_URL"),
        ("POST", "/get-session", None, vec![], 405, "METHOD_NOT_ALLOWED", "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED"),
    ];
    for (method, path, body, headers, status, status_text, code) in cases {
        let r = send(&env, method, path, &headers, body).await;
        assert_eq!(r.status, status, "{method} {path} {body:?}: {}", r.text());
        assert_eq!(r.status_text, status_text, "{path} {body:?}");
        assert_eq!(json_of(&r)["code"], code, "{path} {body:?}");
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    let n: (i64,) = sqlx::query_as(r#"select count(*) from "user""#).fetch_one(&pool(&env)).await.unwrap();
    assert_eq!(n.0, 0, "refused requests write nothing");

    // a 1 MB password: Better Auth's PASSWORD_TOO_LONG, on sign-up and sign-in
    let big = "p".repeat(1024 * 1024);
    let body = json!({ "name": "x", "email": "big@b.co", "password": big }).to_string();
    let r = send(&env, "POST", "/sign-up/email", &[], Some(&body)).await;
    assert_eq!((r.status, json_of(&r)["code"].clone()), (400, json!("PASSWORD_TOO_LONG")));
    let body = json!({ "email": "big@b.co", "password": big }).to_string();
    let r = send(&env, "POST", "/sign-in/email", &[], Some(&body)).await;
    assert_eq!((r.status, json_of(&r)["code"].clone()), (400, json!("PASSWORD_TOO_LONG")));

    // duplicate email
    assert_eq!(sign_up(&env, "dup@b.co").await.status, 200);
    let r = sign_up(&env, "DUP@b.co").await;
    assert_eq!(r.status, 422);
    assert_eq!(r.status_text, "UNPROCESSABLE_ENTITY");
    assert_eq!(json_of(&r)["code"], "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
}

#[tokio::test]
async fn routing_rules() {
    let env = env_with(json!({})).await;
    for (m, p) in [("GET", "/nope"), ("GET", "/get-session/"), ("GET", "/sign-in/email"), ("PUT", "/get-session"), ("GET", ""), ("GET", "//ok")] {
        let r = send(&env, m, p, &[], None).await;
        assert_eq!(r.status, 404, "{m} {p}");
        assert!(r.body.is_empty());
        assert!(r.header("content-type").is_none());
    }
    let r = send(&env, "GET", "/ok", &[], None).await;
    assert_eq!((r.status, r.text()), (200, r#"{"ok":true}"#.to_string()));
    let r = send(&env, "GET", "/error?error=<script>", &[], None).await;
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert!(r.text().contains("UNKNOWN") && !r.text().contains("<script>"));
}

#[tokio::test]
async fn tampered_and_truncated_cookies_are_no_session() {
    let env = env_with(json!({})).await;
    let r = sign_up(&env, "t@b.co").await;
    let cookie = cookie_header(&r);
    let good = send(&env, "GET", "/get-session", &[("cookie", &cookie)], None).await;
    assert_ne!(good.text(), "null");
    let tampered = cookie.replacen("session_token=", "session_token=X", 1);
    let truncated = &cookie[..cookie.len() - 5];
    for c in [tampered.as_str(), truncated, "better-auth.session_token=%ZZ", "better-auth.session_token="] {
        let r = send(&env, "GET", "/get-session", &[("cookie", c)], None).await;
        assert_eq!(r.status, 200, "{c}");
        assert_eq!(r.text(), "null", "{c}");
        assert!(r.set_cookies().is_empty(), "an unverifiable cookie is left alone");
    }
}

#[tokio::test]
async fn form_bodies_and_callback_url() {
    let env = env_with(json!({})).await;
    let r = send(
        &env,
        "POST",
        "/sign-up/email",
        &[("content-type", "application/x-www-form-urlencoded")],
        Some("name=Form+User&email=form%40b.co&password=correct-horse-1"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(json_of(&r)["user"]["name"], "Form User");
    let r = send(&env, "POST", "/sign-in/email", &[], Some(r#"{"email":"form@b.co","password":"correct-horse-1","callbackURL":"/dashboard"}"#)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("location"), Some("/dashboard"));
    let b = json_of(&r);
    assert_eq!((b["redirect"].clone(), b["url"].clone()), (json!(true), json!("/dashboard")));
}

#[tokio::test]
async fn concurrent_sign_ups_for_one_email_create_one_user() {
    let env = Arc::new(env_with(json!({})).await);
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let env = env.clone();
        tasks.push(tokio::spawn(async move { sign_up(&env, "race@b.co").await.status }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 422), "{statuses:?}");
    let n: (i64, i64) = sqlx::query_as(r#"select (select count(*) from "user"), (select count(*) from "account")"#)
        .fetch_one(&pool(&env))
        .await
        .unwrap();
    assert_eq!(n, (1, 1));
}
