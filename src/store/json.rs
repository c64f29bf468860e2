//! Rows as Better Auth returns them: camelCase keys, dates as `YYYY-MM-DDTHH:MM:SS.sssZ`,
//! additional fields included unless `returned: false`.
use super::schema::Model;
use super::{Session, User};
use crate::time::to_iso;
use serde_json::{Map, Value};

fn push_extra(m: &mut Map<String, Value>, model: &Model, extra: &Map<String, Value>) {
    for f in model.extra_fields().filter(|f| f.returned) {
        m.insert(f.key.clone(), extra.get(&f.key).cloned().unwrap_or(Value::Null));
    }
}

/// A `user` object, keys in Better Auth's order (`id` last).
pub fn user_json(u: &User, model: &Model) -> Value {
    let mut m = Map::with_capacity(7 + u.extra.len());
    m.insert("name".into(), Value::String(u.name.clone()));
    m.insert("email".into(), Value::String(u.email.clone()));
    m.insert("emailVerified".into(), Value::Bool(u.email_verified));
    m.insert("image".into(), u.image.clone().map(Value::String).unwrap_or(Value::Null));
    m.insert("createdAt".into(), Value::String(to_iso(u.created_at)));
    m.insert("updatedAt".into(), Value::String(to_iso(u.updated_at)));
    push_extra(&mut m, model, &u.extra);
    m.insert("id".into(), Value::String(u.id.clone()));
    Value::Object(m)
}

/// A `session` object (the raw token included, as Better Auth does), `id` last.
pub fn session_json(s: &Session, model: &Model) -> Value {
    let mut m = Map::with_capacity(8 + s.extra.len());
    m.insert("expiresAt".into(), Value::String(to_iso(s.expires_at)));
    m.insert("token".into(), Value::String(s.token.clone()));
    m.insert("createdAt".into(), Value::String(to_iso(s.created_at)));
    m.insert("updatedAt".into(), Value::String(to_iso(s.updated_at)));
    m.insert("ipAddress".into(), s.ip_address.clone().map(Value::String).unwrap_or(Value::Null));
    m.insert("userAgent".into(), s.user_agent.clone().map(Value::String).unwrap_or(Value::Null));
    m.insert("userId".into(), Value::String(s.user_id.clone()));
    push_extra(&mut m, model, &s.extra);
    m.insert("id".into(), Value::String(s.id.clone()));
    Value::Object(m)
}

/// `{ session, user }`.
pub fn session_user_json(s: &Session, u: &User, schema: &super::schema::Schema) -> Value {
    let mut m = Map::with_capacity(2);
    m.insert("session".into(), session_json(s, &schema.session));
    m.insert("user".into(), user_json(u, &schema.user));
    Value::Object(m)
}
