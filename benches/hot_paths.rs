//! Criterion benches for the engine's hot paths, without Node: the signed session cookie check,
//! the session + user lookup on SQLite (the fast path and the sqlx pool), a whole
//! `GET /get-session` through the router, and argon2id / scrypt hashing at the defaults.
//! Run: `cargo bench --no-default-features --bench hot_paths`.
use better_auth_rs::config::AuthConfig;
use better_auth_rs::context::AuthContext;
use better_auth_rs::cookies::get_signed_cookie;
use better_auth_rs::crypto::password::{hash_argon2id_blocking, hash_scrypt_blocking, verify_blocking};
use better_auth_rs::http::{Headers, Request};
use better_auth_rs::router;
use better_auth_rs::store::Store;
use better_auth_rs::store::sql::{PoolSettings, SqlStore};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::hint::black_box;
use std::sync::Arc;

const SECRET: &str = "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

fn signed_cookie(c: &mut Criterion) {
    let wire = better_auth_rs::cookies::signed_wire_value(SECRET, "abcdefghijklmnopqrstuvwxyzABCDEF");
    let mut h = Headers::new();
    h.append("cookie", format!("other=1; better-auth.session_token={wire}; theme=dark"));
    c.bench_function("cookie: parse + HMAC-SHA256 verify", |b| {
        b.iter(|| black_box(get_signed_cookie(black_box(&h), "better-auth.session_token", SECRET)))
    });
}

fn session_paths(c: &mut Criterion) {
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => panic!("runtime: {e}"),
    };
    let path = std::env::temp_dir().join(format!("ba-rs-bench-{}.db", better_auth_rs::crypto::random::generate_id(8)));
    let p = path.to_string_lossy().to_string();
    let opts = json!({ "secret": SECRET, "baseURL": "http://localhost:3000", "database": p, "emailAndPassword": { "enabled": true } });
    let config = AuthConfig::from_options(&opts, &json!({})).unwrap();
    let (ctx, store, cookie) = rt.block_on(async {
        let store = Arc::new(SqlStore::open_sqlite(&p, config.schema.clone(), PoolSettings { max_connections: None }).await.unwrap());
        store.migrate().await.unwrap();
        let ctx = AuthContext::with_store(config, store.clone(), Arc::new(better_auth_rs::clock::SystemClock));
        let mut h = Headers::new();
        h.append("content-type", "application/json");
        let res = router::handle(
            &ctx,
            Request {
                method: "POST".into(),
                url: "http://localhost:3000/api/auth/sign-up/email".into(),
                headers: h,
                body: Some(br#"{"email":"bench@example.com","password":"bench-password-1","name":"B"}"#.to_vec()),
            },
        )
        .await;
        let cookie = res
            .headers
            .iter()
            .find(|(k, v)| k == "set-cookie" && v.starts_with("better-auth.session_token="))
            .map(|(_, v)| v.split(';').next().unwrap_or("").to_string())
            .unwrap();
        (ctx, store, cookie)
    });
    let token = cookie.split('=').nth(1).unwrap().split('.').next().unwrap().to_string();
    c.bench_function("store: find_session (SQLite)", |b| {
        b.iter(|| rt.block_on(async { black_box(store.find_session(&token).await.unwrap()) }))
    });
    let mut h = Headers::new();
    h.append("cookie", cookie.clone());
    c.bench_function("router: GET /get-session with a valid cookie (SQLite)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let req = Request { method: "GET".into(), url: "http://localhost:3000/api/auth/get-session".into(), headers: h.clone(), body: None };
                black_box(router::handle(&ctx, req).await)
            })
        })
    });
    drop(ctx);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{p}{ext}"));
    }
}

fn hashing(c: &mut Criterion) {
    let mut g = c.benchmark_group("password");
    g.sample_size(20);
    let params = better_auth_rs::config::Argon2Params::default();
    g.bench_function("argon2id hash (m=19456 KiB, t=2, p=1)", |b| b.iter(|| black_box(hash_argon2id_blocking("bench-password-1", &params).unwrap())));
    let a = hash_argon2id_blocking("bench-password-1", &params).unwrap();
    g.bench_function("argon2id verify", |b| b.iter(|| black_box(verify_blocking(&a, "bench-password-1").unwrap())));
    let s = hash_scrypt_blocking("bench-password-1").unwrap();
    g.bench_function("scrypt verify (Better Auth's N=16384, r=16, p=1)", |b| b.iter(|| black_box(verify_blocking(&s, "bench-password-1").unwrap())));
    g.finish();
}

criterion_group!(benches, signed_cookie, session_paths, hashing);
criterion_main!(benches);
