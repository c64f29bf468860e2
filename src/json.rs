//! Rows as Better Auth returns them: camelCase keys, dates as `YYYY-MM-DDTHH:MM:SS.sssZ`.
use crate::store::{Session, User};
use crate::time::to_iso;
use serde_json::{Map, Value, json};

/// A `user` object.
pub fn user_json(u: &User) -> Value {
    json!({
        "id": u.id,
        "name": u.name,
        "email": u.email,
        "emailVerified": u.email_verified,
        "image": u.image,
        "createdAt": to_iso(u.created_at),
        "updatedAt": to_iso(u.updated_at),
    })
}

/// A `session` object (the raw token included, as Better Auth does).
pub fn session_json(s: &Session) -> Value {
    json!({
        "id": s.id,
        "expiresAt": to_iso(s.expires_at),
        "token": s.token,
        "createdAt": to_iso(s.created_at),
        "updatedAt": to_iso(s.updated_at),
        "ipAddress": s.ip_address,
        "userAgent": s.user_agent,
        "userId": s.user_id,
    })
}

/// `{ session, user }`.
pub fn session_user_json(s: &Session, u: &User) -> Value {
    let mut m = Map::with_capacity(2);
    m.insert("session".into(), session_json(s));
    m.insert("user".into(), user_json(u));
    Value::Object(m)
}

/// The JSON type name zod reports (`received number`, `received undefined`...).
pub fn zod_type_name(v: Option<&Value>) -> &'static str {
    match v {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}
