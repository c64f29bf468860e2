//! JSON helpers for the endpoints. The rows as Better Auth returns them (`user_json`,
//! `session_json`, `session_user_json`) live with the rows in `store::json` (secondary storage
//! keeps sessions in that shape too) and are re-exported here.
use serde_json::Value;

pub use crate::store::json::{session_json, session_user_json, user_json};

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
