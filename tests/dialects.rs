//! One store story on every dialect: migrate (twice) → create user + credential account →
//! find → create session → find → refresh → delete, with every id strategy and additional
//! fields. PostgreSQL and MariaDB/MySQL come from `BA_RS_PG_URL` / `BA_RS_MYSQL_URL` (defaults:
//! the local servers); a server that cannot be reached skips its part with a clear message.
use better_auth_rs::store::schema::{Dialect, Schema};
use better_auth_rs::store::sql::{Db, PoolSettings, SqlStore};
use better_auth_rs::store::{Account, CreateUserError, Store, User, migrate};
use serde_json::{Value, json};
use std::sync::Arc;

fn pg_url() -> String {
    std::env::var("BA_RS_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}
fn my_url() -> String {
    std::env::var("BA_RS_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

fn rand_name() -> String {
    format!("ba_rs_{}", better_auth_rs::crypto::random::generate_id(10).to_lowercase())
}

/// A fresh, empty namespace on each dialect: an SQLite file, a PostgreSQL schema, a MySQL database.
async fn fresh(dialect: Dialect, schema: Arc<Schema>) -> Option<(SqlStore, String)> {
    let pool = PoolSettings { max_connections: Some(4) };
    match dialect {
        Dialect::Sqlite => {
            let path = std::env::temp_dir().join(format!("{}.db", rand_name()));
            Some((SqlStore::open_sqlite(&path.to_string_lossy(), schema, pool).await.unwrap(), path.to_string_lossy().into()))
        }
        Dialect::Postgres => {
            let name = rand_name();
            let admin = match sqlx::PgPool::connect(&pg_url()).await {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("SKIP PostgreSQL part: cannot connect to {} ({e})", pg_url());
                    return None;
                }
            };
            sqlx::query(sqlx::AssertSqlSafe(format!("create schema {name}"))).execute(&admin).await.unwrap();
            let url = format!("{}?options=-c%20search_path%3D{name}", pg_url());
            Some((SqlStore::open_postgres(&url, schema, pool).await.unwrap(), name))
        }
        Dialect::Mysql => {
            let name = rand_name();
            let admin = match sqlx::MySqlPool::connect(&my_url()).await {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("SKIP MySQL part: cannot connect to {} ({e})", my_url());
                    return None;
                }
            };
            sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}"))).execute(&admin).await.unwrap();
            let base = my_url();
            let url = format!("{}/{name}", &base[..base.rfind('/').unwrap()]);
            Some((SqlStore::open_mysql(&url, schema, pool).await.unwrap(), name))
        }
    }
}

async fn drop_ns(dialect: Dialect, ns: &str) {
    match dialect {
        Dialect::Sqlite => {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{ns}{ext}"));
            }
        }
        Dialect::Postgres => {
            if let Ok(p) = sqlx::PgPool::connect(&pg_url()).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("drop schema {ns} cascade"))).execute(&p).await;
            }
        }
        Dialect::Mysql => {
            if let Ok(p) = sqlx::MySqlPool::connect(&my_url()).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("drop database {ns}"))).execute(&p).await;
            }
        }
    }
}

const T0: i64 = 1_767_225_600_123; // 2026-01-01T00:00:00.123Z

async fn story(dialect: Dialect, options: Value) {
    let schema = Arc::new(Schema::from_options(&options).unwrap());
    let Some((store, ns)) = fresh(dialect, schema.clone()).await else { return };
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert!(migrate::plan(&store).await.unwrap().is_empty(), "{dialect:?}: a second plan is empty");

    let mut extra = serde_json::Map::new();
    if schema.user.field("age").is_some() {
        extra.insert("age".into(), json!(42));
        extra.insert("nickname".into(), json!("ada"));
        extra.insert("birthday".into(), json!("1990-05-01T12:34:56.789Z"));
        extra.insert("tags".into(), json!(["a", "b"]));
        extra.insert("admin".into(), json!(true));
    }
    let mut user = User {
        id: "ignored-when-db-generates".into(),
        name: "Ada".into(),
        email: "ada@example.com".into(),
        email_verified: false,
        image: None,
        created_at: T0,
        updated_at: T0,
        extra: extra.clone(),
    };
    let mut account = Account {
        id: "acc".into(),
        account_id: String::new(),
        provider_id: "credential".into(),
        user_id: String::new(),
        password: Some("salt:key".into()),
        created_at: T0,
        updated_at: T0,
        scope: None,
        tokens: Default::default(),
    };
    store.create_user_with_credential(&mut user, &mut account).await.unwrap();
    assert!(!user.id.is_empty());
    let (found, acc) = store.find_user_with_credential("ada@example.com").await.unwrap().unwrap();
    assert_eq!(found.id, user.id, "{dialect:?}");
    assert_eq!(found.created_at, T0, "{dialect:?}: dates round-trip to the millisecond");
    assert!(!found.email_verified);
    assert_eq!(found.extra, extra, "{dialect:?}: additional fields round-trip");
    let acc = acc.unwrap();
    assert_eq!(acc.password.as_deref(), Some("salt:key"));
    assert_eq!(acc.account_id, user.id);

    // duplicate email: EmailTaken, nothing half-written
    let mut dup = User { email: "ada@example.com".into(), ..user.clone() };
    let mut dup_acc = account.clone();
    assert!(matches!(store.create_user_with_credential(&mut dup, &mut dup_acc).await, Err(CreateUserError::EmailTaken)));

    let mut s = better_auth_rs::session::new_session(
        &user.id,
        T0,
        &better_auth_rs::config::SessionConfig { expires_in: 604_800, update_age: 86_400, fresh_age: 86_400, disable_session_refresh: false, defer_session_refresh: false, cookie_cache: None },
        false,
        Some("203.0.113.7".into()),
        None,
    );
    store.create_session(&mut s).await.unwrap();
    let (fs, fu) = store.find_session(&s.token).await.unwrap().unwrap();
    assert_eq!(fs.id, s.id);
    assert_eq!(fs.expires_at, T0 + 604_800_000);
    assert_eq!(fs.ip_address.as_deref(), Some("203.0.113.7"));
    assert_eq!(fu.email, "ada@example.com");
    assert!(store.refresh_session(&s.token, T0 + 999_999_999, T0 + 1).await.unwrap());
    assert_eq!(store.find_session(&s.token).await.unwrap().unwrap().0.expires_at, T0 + 999_999_999);
    store.delete_session(&s.token).await.unwrap();
    assert!(store.find_session(&s.token).await.unwrap().is_none());
    assert!(!store.refresh_session(&s.token, T0, T0).await.unwrap());
    drop(store);
    drop_ns(dialect, &ns).await;
}

fn extra_fields() -> Value {
    json!({ "user": { "additionalFields": {
        "age": { "type": "number", "required": false },
        "nickname": { "type": "string" },
        "birthday": { "type": "date" },
        "tags": { "type": "string[]" },
        "admin": { "type": "boolean", "input": false, "defaultValue": false }
    } } })
}

#[tokio::test]
async fn sqlite_story() {
    story(Dialect::Sqlite, json!({})).await;
    story(Dialect::Sqlite, extra_fields()).await;
    story(Dialect::Sqlite, json!({"advanced": {"database": {"generateId": "uuid"}}})).await;
    story(Dialect::Sqlite, json!({"advanced": {"database": {"generateId": "serial"}}})).await;
}

#[tokio::test]
async fn postgres_story() {
    story(Dialect::Postgres, json!({})).await;
    story(Dialect::Postgres, extra_fields()).await;
    story(Dialect::Postgres, json!({"advanced": {"database": {"generateId": "uuid"}}})).await;
    story(Dialect::Postgres, json!({"advanced": {"database": {"generateId": "serial"}}})).await;
    story(Dialect::Postgres, json!({"user": {"modelName": "users", "fields": {"email": "email_address"}}, "session": {"modelName": "sessions"}})).await;
}

#[tokio::test]
async fn mysql_story() {
    story(Dialect::Mysql, json!({})).await;
    story(Dialect::Mysql, extra_fields()).await;
    story(Dialect::Mysql, json!({"advanced": {"database": {"generateId": "uuid"}}})).await;
    story(Dialect::Mysql, json!({"advanced": {"database": {"generateId": "serial"}}})).await;
}

#[tokio::test]
async fn unreachable_database_names_host_and_port_never_the_password() {
    let schema = Arc::new(Schema::from_options(&json!({})).unwrap());
    let (pg, my) = tokio::join!(
        SqlStore::open_postgres("postgres://bob:hunter2secret@127.0.0.1:1/db", schema.clone(), PoolSettings { max_connections: Some(1) }),
        SqlStore::open_mysql("mysql://bob:hunter2secret@127.0.0.1:1/db", schema, PoolSettings { max_connections: Some(1) }),
    );
    for err in [pg.unwrap_err().to_string(), my.unwrap_err().to_string()] {
        assert!(err.contains("127.0.0.1:1"), "{err}");
        assert!(!err.contains("hunter2secret"), "{err}");
    }
    let _ = Db::Sqlite; // keep the import meaningful
}

/// The rateLimit counters on every dialect: DDL as Better Auth's, 40 concurrent consumes of one
/// key let exactly `max` through, the window runs from the last allowed request, long keys
/// fit MySQL's varchar(255), and the lockout counter counts, locks, expires and clears.
async fn counters_story(dialect: Dialect, ids: &str) {
    use better_auth_rs::rate_limit::Rule;
    use better_auth_rs::store::counters;
    let id_opt = if ids == "default" { Value::Null } else { json!(ids) };
    let schema = Arc::new(Schema::from_options(&json!({"advanced": {"database": {"generateId": id_opt}}})).unwrap().with_rate_limit("rateLimit"));
    let Some((store, ns)) = fresh(dialect, schema).await else { return };
    migrate::migrate(&store).await.unwrap();
    let store = Arc::new(store);
    let rule = Rule { window: 10, max: 7 };
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            counters::consume(better_auth_rs::store::PluginRows::Sql(&s), "192.0.2.1|/sign-in/email", rule, T0, better_auth_rs::crypto::random::generate_id(32), 60, 900).await.unwrap()
        }));
    }
    let mut allowed = 0;
    for t in tasks {
        if t.await.unwrap().allowed {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 7, "{dialect:?} {ids}");
    let d = counters::consume(better_auth_rs::store::PluginRows::Sql(&store), "192.0.2.1|/sign-in/email", rule, T0 + 4_000, "x".repeat(32), 60, 900).await.unwrap();
    assert_eq!((d.allowed, d.retry_after), (false, Some(6)), "{dialect:?}");
    assert!(counters::consume(better_auth_rs::store::PluginRows::Sql(&store), "192.0.2.1|/sign-in/email", rule, T0 + 10_000, "y".repeat(32), 60, 900).await.unwrap().allowed);
    let long = format!("192.0.2.1|/{}", "a".repeat(5000));
    assert!(counters::consume(better_auth_rs::store::PluginRows::Sql(&store), &long, rule, T0, better_auth_rs::crypto::random::generate_id(32), 60, 900).await.unwrap().allowed);
    // lockout
    let key = "lockout|someone@example.com";
    assert_eq!(counters::locked_for(better_auth_rs::store::PluginRows::Sql(&store), key, 3, 900, T0).await.unwrap(), None);
    for i in 0..3 {
        counters::record_failure(better_auth_rs::store::PluginRows::Sql(&store), key, 900, T0 + i, better_auth_rs::crypto::random::generate_id(32)).await.unwrap();
    }
    assert_eq!(counters::locked_for(better_auth_rs::store::PluginRows::Sql(&store), key, 3, 900, T0 + 100).await.unwrap(), Some(900));
    assert_eq!(counters::locked_for(better_auth_rs::store::PluginRows::Sql(&store), key, 3, 900, T0 + 902_000).await.unwrap(), None);
    counters::clear(better_auth_rs::store::PluginRows::Sql(&store), key).await.unwrap();
    assert_eq!(counters::locked_for(better_auth_rs::store::PluginRows::Sql(&store), key, 1, 900, T0).await.unwrap(), None);
    drop_ns(dialect, &ns).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_on_every_dialect() {
    for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        counters_story(d, "default").await;
    }
    counters_story(Dialect::Postgres, "uuid").await;
    counters_story(Dialect::Mysql, "serial").await;
}
