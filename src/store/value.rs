//! Values crossing into and out of SQL, independent of the dialect. Each dialect binds and
//! decodes them according to the column's [`FieldType`].
use super::schema::FieldType;
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
