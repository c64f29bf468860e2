//! Property tests (proptest) for every parser that sees attacker-controlled bytes: the Cookie
//! header, signed cookie values, the cookie-cache decoders (compact, jwt, jwe, account data),
//! JWT verification (EdDSA key, HS256), client-IP headers, the bearer plugin's `Authorization`
//! parsing, and the whole router (body parsing,
//! routing, the endpoints) on a real SQLite file. Property: never panics; garbage is refused
//! (`None` / an error / a 4xx), never a 5xx. Run with the rest: `cargo test --no-default-features`
//! (PROPTEST_CASES raises the case count; the default keeps the suite to a few seconds).
use better_auth_rs::bearer;
use better_auth_rs::config::AuthConfig;
use better_auth_rs::context::AuthContext;
use better_auth_rs::cookie_cache::{self, Strategy as CacheStrategy};
use better_auth_rs::cookies::{decode_uri_component, get_signed_cookie, parse_cookie_header, signed_wire_value};
use better_auth_rs::crypto::sign::{hs256_verify, verify_value};
use better_auth_rs::http::{Headers, Request};
use better_auth_rs::ip::{IpConfig, ip_from_header};
use better_auth_rs::jwt::{Algorithm, KeyPair, Validation, verify, verify_hs256};
use better_auth_rs::router;
use better_auth_rs::store::Store;
use better_auth_rs::store::sql::{PoolSettings, SqlStore};
use proptest::prelude::*;
use serde_json::json;
use std::sync::{Arc, OnceLock};

const SECRET: &str = "proptest-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
const NOW_MS: i64 = 1_767_225_600_000;

fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig { cases: n, failure_persistence: None, ..ProptestConfig::default() }
}

/// Strings that look like the real thing more often than uniform noise would.
fn tokenish() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z0-9._~=%+/-]{0,120}",
        "[A-Za-z0-9_-]{0,40}\\.[A-Za-z0-9_-]{0,80}\\.[A-Za-z0-9_-]{0,80}",
        "[A-Za-z0-9_-]{0,20}\\.\\.[A-Za-z0-9_-]{0,20}\\.[A-Za-z0-9_-]{0,20}\\.[A-Za-z0-9_-]{0,20}",
        prop::collection::vec(any::<u8>(), 0..200).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn cookie_header_and_signed_values_never_panic(header in any::<String>(), value in tokenish()) {
        let _ = parse_cookie_header(&header);
        let mut h = Headers::new();
        h.append("cookie", header.clone());
        let _ = get_signed_cookie(&h, "better-auth.session_token", SECRET);
        let _ = verify_value(SECRET, &value);
        // a tampered signed value never verifies as the original
        let wire = signed_wire_value(SECRET, "abcdefghijklmnopqrstuvwxyzABCDEF");
        if value != wire {
            let mut h = Headers::new();
            h.append("cookie", format!("better-auth.session_token={value}"));
            if let Some(v) = get_signed_cookie(&h, "better-auth.session_token", SECRET) {
                // only a correctly signed value can come back: the cookie was exactly `v.sig(v)`
                let wire = signed_wire_value(SECRET, &v);
                prop_assert_eq!(decode_uri_component(&wire), decode_uri_component(&value));
            }
        }
    }

    #[test]
    fn cookie_cache_decoders_refuse_garbage(value in tokenish()) {
        for strategy in [CacheStrategy::Compact, CacheStrategy::Jwt, CacheStrategy::Jwe] {
            prop_assert!(cookie_cache::decode(strategy, &[SECRET], &value, "1", NOW_MS).is_none());
        }
        prop_assert!(cookie_cache::decode_account_data(&[SECRET], &value, NOW_MS).is_none());
    }

    #[test]
    fn client_ip_headers_never_panic(value in any::<String>(), count in 0usize..4) {
        let cfg = IpConfig { trusted_proxy_count: (count > 0).then_some(count), ..IpConfig::default() };
        if let Some(ip) = ip_from_header(&value, &cfg) {
            prop_assert!(ip.parse::<std::net::IpAddr>().is_ok(), "{}", ip);
        }
    }
}

fn eddsa() -> &'static KeyPair {
    static K: OnceLock<KeyPair> = OnceLock::new();
    K.get_or_init(|| KeyPair::generate(Algorithm::EdDSA).unwrap())
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn jwt_verification_refuses_garbage(token in tokenish()) {
        let key = eddsa().verifying_key();
        prop_assert!(verify(&token, &key, &Validation::at(NOW_MS / 1000)).is_err());
        prop_assert!(verify_hs256(SECRET, &token, &Validation::at(NOW_MS / 1000)).is_err());
        prop_assert!(hs256_verify(SECRET, &token, NOW_MS / 1000).is_err());
    }

    #[test]
    fn a_signed_jwt_with_any_byte_flipped_is_refused(pos in 0usize..400, bit in 0u8..8) {
        let kp = eddsa();
        let token = kp.sign(Some("k"), &json!({"sub": "u1", "exp": NOW_MS / 1000 + 600})).unwrap();
        let mut bytes = token.clone().into_bytes();
        let i = pos % bytes.len();
        bytes[i] ^= 1 << bit;
        let mangled = String::from_utf8_lossy(&bytes).into_owned();
        let out = verify(&mangled, &kp.verifying_key(), &Validation::at(NOW_MS / 1000));
        if mangled != token {
            // flipping a bit can only be accepted if base64url decoding maps it back (padding bits)
            if let Ok(claims) = out {
                prop_assert_eq!(claims.get("sub"), Some(&json!("u1")));
            }
        }
    }
}

struct Env {
    rt: tokio::runtime::Runtime,
    ctx: AuthContext,
    cookie: String,
}

fn env() -> &'static Env {
    static E: OnceLock<Env> = OnceLock::new();
    E.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let path = std::env::temp_dir().join(format!("ba-rs-prop-{}.db", better_auth_rs::crypto::random::generate_id(10)));
        let p = path.to_string_lossy().to_string();
        let opts = json!({
            "secret": SECRET, "baseURL": "http://localhost:3000", "database": p,
            "emailAndPassword": { "enabled": true },
            "user": { "changeEmail": { "enabled": true }, "deleteUser": { "enabled": true } },
            "plugins": [{ "id": "bearer" }, { "id": "jwt" }],
            "advanced": { "hashConcurrency": 2 },
        });
        let config = AuthConfig::from_options(&opts, &json!({})).unwrap();
        let (ctx, cookie) = rt.block_on(async {
            let store = Arc::new(SqlStore::open_sqlite(&p, config.schema.clone(), PoolSettings { max_connections: None }).await.unwrap());
            store.migrate().await.unwrap();
            let ctx = AuthContext::with_store(config, store, Arc::new(better_auth_rs::clock::SystemClock));
            let mut h = Headers::new();
            h.append("content-type", "application/json");
            let res = router::handle(&ctx, Request {
                method: "POST".into(),
                url: "http://localhost:3000/api/auth/sign-up/email".into(),
                headers: h,
                body: Some(br#"{"email":"prop@example.com","password":"prop-password-1","name":"P"}"#.to_vec()),
            }).await;
            let cookie = res.headers.iter()
                .filter(|(k, _)| k == "set-cookie")
                .map(|(_, v)| v.split(';').next().unwrap_or("").to_string())
                .collect::<Vec<_>>()
                .join("; ");
            (ctx, cookie)
        });
        Env { rt, ctx, cookie }
    })
}

const PATHS: &[&str] = &[
    "/sign-up/email", "/sign-in/email", "/sign-out", "/get-session", "/list-sessions", "/revoke-session",
    "/revoke-sessions", "/revoke-other-sessions", "/update-user", "/change-password", "/verify-password",
    "/list-accounts", "/request-password-reset", "/reset-password/abc", "/reset-password",
    "/send-verification-email", "/verify-email", "/change-email", "/delete-user", "/delete-user/callback",
    "/token", "/jwks", "/ok", "/error", "/x",
];

fn body_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        any::<String>().prop_map(String::into_bytes),
        // JSON objects with random keys and values of random types
        prop::collection::btree_map(
            prop_oneof![Just("email".to_string()), Just("password".to_string()), Just("name".to_string()), Just("token".to_string()), Just("callbackURL".to_string()), Just("newPassword".to_string()), "[a-zA-Z]{1,8}"],
            prop_oneof![
                any::<String>().prop_map(serde_json::Value::from),
                any::<i64>().prop_map(serde_json::Value::from),
                any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)),
                any::<bool>().prop_map(serde_json::Value::from),
                Just(serde_json::Value::Null),
                Just(json!([])),
                Just(json!({"a": [1, {"b": null}]})),
            ],
            0..6,
        ).prop_map(|m| serde_json::to_vec(&m).unwrap()),
    ]
}

proptest! {
    #![proptest_config(cases(600))]

    #[test]
    fn router_never_answers_5xx(
        path in prop::sample::select(PATHS),
        method in prop::sample::select(&["GET", "POST", "PUT", "DELETE", "OPTIONS"][..]),
        content_type in prop::sample::select(&["application/json", "application/x-www-form-urlencoded", "text/plain", "", "application/json; charset=latin1", "multipart/form-data"][..]),
        body in body_bytes(),
        query in "[a-zA-Z0-9=&%._-]{0,60}",
        with_cookie in any::<bool>(),
        auth in prop::option::of(tokenish()),
        odd_headers in prop::collection::vec((prop::sample::select(&["cookie", "authorization", "origin", "referer", "x-forwarded-for", "sec-fetch-site", "sec-fetch-mode", "content-type"][..]), any::<String>()), 0..3),
    ) {
        let e = env();
        let mut h = Headers::new();
        if !content_type.is_empty() {
            h.append("content-type", content_type);
        }
        h.append("origin", "http://localhost:3000");
        if with_cookie {
            h.append("cookie", e.cookie.clone());
        }
        if let Some(a) = auth {
            h.append("authorization", format!("Bearer {a}"));
        }
        // any header value at all, non-ASCII included (Node hands latin-1 header bytes over as UTF-8)
        for (name, value) in odd_headers {
            h.append(name, value);
        }
        let req = Request {
            method: method.to_string(),
            url: format!("http://localhost:3000/api/auth{path}?{query}"),
            headers: h,
            body: if method == "GET" { None } else { Some(body) },
        };
        let res = e.rt.block_on(router::handle(&e.ctx, req));
        prop_assert!(res.status < 500, "{} {} -> {} {}", method, path, res.status, String::from_utf8_lossy(&res.body));
    }
}

/// `Authorization` values that look like a bearer scheme, with non-ASCII characters where the
/// seven-byte scheme prefix ends (a split UTF-8 sequence used to panic).
fn authorization() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        tokenish().prop_map(|t| format!("Bearer {t}")),
        "(?i)bearer[ \u{e9}\u{20ac}\u{1f9e8}\t]{0,3}.{0,40}",
        "[\u{80}-\u{10ffff}]{0,8}",
    ]
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn bearer_authorization_never_panics(value in authorization()) {
        let e = env();
        let mut h = Headers::new();
        h.append("authorization", value.clone());
        if let Some(out) = bearer::apply(&e.ctx, &h) {
            // a token is only turned into a session cookie after its scheme matched
            prop_assert!(value.as_bytes()[..7].eq_ignore_ascii_case(b"bearer "), "{:?}", value);
            prop_assert!(out.get("cookie").is_some());
        }
    }
}

#[test]
fn bearer_scheme_with_a_non_ascii_character_is_ignored() {
    let e = env();
    for v in ["Beareré", "Beareré abc.def", "éééé", "Bearer\u{e9}abc.def", "Bear€", "🧨🧨"] {
        let mut h = Headers::new();
        h.append("authorization", v);
        assert!(bearer::apply(&e.ctx, &h).is_none(), "{v:?}");
    }
}
