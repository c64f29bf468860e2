//! Additional fields in request bodies, with Better Auth's `parseInputData` rules:
//! `input: false` fields get their default (or `FIELD_NOT_ALLOWED` when set to a truthy value),
//! missing `required` fields are `MISSING_FIELD`, unknown keys are dropped.
use crate::error::{AuthError, AuthResult};
use crate::origin::truthy;
use crate::store::schema::{FieldType, Model};
use crate::time::parse_date;
use serde_json::{Map, Value};

fn coerce(key: &str, ty: FieldType, v: &Value) -> AuthResult<Value> {
    let bad = |what: &str| AuthError::coded("BAD_REQUEST", "VALIDATION_ERROR", format!("{key} must be {what}"));
    Ok(match (ty, v) {
        (_, Value::Null) => Value::Null,
        (FieldType::String | FieldType::Id, Value::String(_)) => v.clone(),
        (FieldType::String | FieldType::Id, Value::Number(_) | Value::Bool(_)) => Value::String(v.to_string()),
        (FieldType::String | FieldType::Id, _) => return Err(bad("a string")),
        (FieldType::Number, Value::Number(_)) => v.clone(),
        // form bodies carry strings
        (FieldType::Number, Value::String(s)) => match s.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => serde_json::Number::from_f64(f)
                .map(|n| if f.fract() == 0.0 && f.abs() < 9.0e15 { Value::from(f as i64) } else { Value::Number(n) })
                .ok_or_else(|| bad("a number"))?,
            _ => return Err(bad("a number")),
        },
        (FieldType::Number, _) => return Err(bad("a number")),
        (FieldType::Boolean, Value::Bool(_)) => v.clone(),
        (FieldType::Boolean, Value::String(s)) if s == "true" || s == "false" => Value::Bool(s == "true"),
        (FieldType::Boolean, _) => return Err(bad("a boolean")),
        (FieldType::Date, Value::String(s)) if parse_date(s).is_some() => {
            Value::String(crate::time::to_iso(parse_date(s).unwrap_or_default()))
        }
        (FieldType::Date, Value::Number(n)) if n.as_i64().is_some() => Value::String(crate::time::to_iso(n.as_i64().unwrap_or_default())),
        (FieldType::Date, _) => return Err(bad("a date")),
        (FieldType::StringArray, Value::Array(a)) if a.iter().all(Value::is_string) => v.clone(),
        (FieldType::StringArray, _) => return Err(bad("an array of strings")),
        (FieldType::NumberArray, Value::Array(a)) if a.iter().all(Value::is_number) => v.clone(),
        (FieldType::NumberArray, _) => return Err(bad("an array of numbers")),
        (FieldType::Json, _) => v.clone(),
    })
}

/// The additional-field values for a create (`create = true`) or an update.
pub fn parse_input(model: &Model, data: &Map<String, Value>, create: bool) -> AuthResult<Map<String, Value>> {
    let mut out = Map::new();
    for f in model.extra_fields() {
        match data.get(&f.key) {
            Some(v) => {
                if !f.input {
                    if let (Some(d), true) = (&f.default, create) {
                        out.insert(f.key.clone(), d.clone());
                        continue;
                    }
                    if truthy(v) {
                        return Err(AuthError::coded("BAD_REQUEST", "FIELD_NOT_ALLOWED", format!("{} is not allowed to be set", f.key)));
                    }
                    continue;
                }
                out.insert(f.key.clone(), coerce(&f.key, f.ty, v)?);
            }
            None => {
                if !create {
                    continue;
                }
                if let Some(d) = &f.default {
                    out.insert(f.key.clone(), d.clone());
                } else if f.required {
                    return Err(AuthError::coded("BAD_REQUEST", "MISSING_FIELD", format!("{} is required", f.key)));
                }
            }
        }
    }
    Ok(out)
}
