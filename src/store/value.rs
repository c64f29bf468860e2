//! Values crossing into and out of SQL, independent of the dialect. Each dialect binds and
//! decodes them according to the column's [`FieldType`].
use super::schema::{Field, FieldType, Model};
use super::{Session, User};
use crate::time::{parse_date, to_iso};
use serde_json::Value;

/// A column value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// SQL NULL.
    Null,
    /// An id (text, integer or uuid on the wire depending on the id strategy).
    Id(String),
    /// Text.
    Text(String),
    /// Integer.
    Int(i64),
    /// Floating point.
    Float(f64),
    /// Boolean.
    Bool(bool),
    /// A date, epoch milliseconds.
    Date(i64),
    /// JSON (json, string[] and number[] columns).
    Json(Value),
}

impl Val {
    /// Text or `None`.
    pub fn text(self) -> Option<String> {
        match self {
            Val::Text(s) | Val::Id(s) => Some(s),
            Val::Int(i) => Some(i.to_string()),
            _ => None,
        }
    }
    /// A date or `None`.
    pub fn date(&self) -> Option<i64> {
        match self {
            Val::Date(d) => Some(*d),
            Val::Int(i) => Some(*i),
            Val::Text(s) => parse_date(s),
            _ => None,
        }
    }
    /// Boolean (false when NULL).
    pub fn boolean(&self) -> bool {
        match self {
            Val::Bool(b) => *b,
            Val::Int(i) => *i == 1,
            _ => false,
        }
    }

    /// From a JSON value for a column of type `ty` (values already validated).
    pub fn from_json(v: &Value, ty: FieldType) -> Val {
        match (ty, v) {
            (_, Value::Null) => Val::Null,
            (FieldType::Id, Value::String(s)) => Val::Id(s.clone()),
            (FieldType::Id, Value::Number(n)) => Val::Id(n.to_string()),
            (FieldType::String, Value::String(s)) => Val::Text(s.clone()),
            (FieldType::Number, Value::Number(n)) => match n.as_i64() {
                Some(i) => Val::Int(i),
                None => Val::Float(n.as_f64().unwrap_or(0.0)),
            },
            (FieldType::Boolean, Value::Bool(b)) => Val::Bool(*b),
            (FieldType::Date, Value::String(s)) => parse_date(s).map(Val::Date).unwrap_or(Val::Null),
            (FieldType::Date, Value::Number(n)) => n.as_i64().map(Val::Date).unwrap_or(Val::Null),
            (FieldType::Json | FieldType::StringArray | FieldType::NumberArray, v) => Val::Json(v.clone()),
            (_, v) => Val::Text(match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
        }
    }

    /// To the JSON Better Auth returns (dates as ISO strings).
    pub fn to_json(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Id(s) | Val::Text(s) => Value::String(s.clone()),
            Val::Int(i) => Value::from(*i),
            Val::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
            Val::Bool(b) => Value::Bool(*b),
            Val::Date(d) => Value::String(to_iso(*d)),
            Val::Json(v) => v.clone(),
        }
    }
}

/// A user row from its values in the model's field order (`value(field)` gives each): the SQL
/// store reads them from a result row, the adapter store from the adapter's object.
pub fn user_from_fields(m: &Model, mut value: impl FnMut(&Field) -> Val) -> User {
    let mut u = User::default();
    for f in &m.fields {
        let v = value(f);
        match f.key.as_str() {
            "id" => u.id = v.text().unwrap_or_default(),
            "name" => u.name = v.text().unwrap_or_default(),
            "email" => u.email = v.text().unwrap_or_default(),
            "emailVerified" => u.email_verified = v.boolean(),
            "image" => u.image = v.text(),
            "createdAt" => u.created_at = v.date().unwrap_or_default(),
            "updatedAt" => u.updated_at = v.date().unwrap_or_default(),
            key => {
                u.extra.insert(key.to_string(), v.to_json());
            }
        }
    }
    u
}

/// A session row from its values in the model's field order (see [`user_from_fields`]).
pub fn session_from_fields(m: &Model, mut value: impl FnMut(&Field) -> Val) -> Session {
    let mut s = Session::default();
    for f in &m.fields {
        let v = value(f);
        match f.key.as_str() {
            "id" => s.id = v.text().unwrap_or_default(),
            "expiresAt" => s.expires_at = v.date().unwrap_or_default(),
            "token" => s.token = v.text().unwrap_or_default(),
            "createdAt" => s.created_at = v.date().unwrap_or_default(),
            "updatedAt" => s.updated_at = v.date().unwrap_or_default(),
            "ipAddress" => s.ip_address = v.text(),
            "userAgent" => s.user_agent = v.text(),
            "userId" => s.user_id = v.text().unwrap_or_default(),
            key => {
                s.extra.insert(key.to_string(), v.to_json());
            }
        }
    }
    s
}

