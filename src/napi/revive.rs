//! A JSON answer handed to JavaScript as objects directly — what `JSON.parse` followed by the JS
//! layer's `reviveDates` would make of its text — without printing and re-parsing it: strings of
//! date-typed fields in ISO form become `Date`s. Used where the answer is on the hot path
//! (`getSession` answered on the JS thread).
use napi::bindgen_prelude::*;
use napi::sys;
use serde_json::Value;
use std::collections::HashSet;
use std::ptr;
use std::sync::Arc;

/// An answer for JavaScript: `undefined` when there is none ([`Owned::none`]), else the value
/// with `Date`s revived under the given keys.
pub struct Owned {
    value: Option<Value>,
    date_keys: Option<Arc<HashSet<String>>>,
}

impl Owned {
    /// `value` as JavaScript objects, reviving dates under `date_keys`; `None` is `undefined`.
    pub fn new(value: Option<Value>, date_keys: Arc<HashSet<String>>) -> Self {
        Owned { value, date_keys: Some(date_keys) }
    }

    /// `undefined`.
    pub fn none() -> Self {
        Owned { value: None, date_keys: None }
    }
}

impl ToNapiValue for Owned {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        match (&val.value, &val.date_keys) {
            (Some(v), Some(keys)) => unsafe { convert(env, v, keys, false) },
            _ => {
                let mut out = ptr::null_mut();
                check_status!(unsafe { sys::napi_get_undefined(env, &mut out) })?;
                Ok(out)
            }
        }
    }
}

unsafe fn convert(env: sys::napi_env, v: &Value, keys: &HashSet<String>, date_key: bool) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    match v {
        Value::Null => check_status!(unsafe { sys::napi_get_null(env, &mut out) })?,
        Value::Bool(b) => check_status!(unsafe { sys::napi_get_boolean(env, *b, &mut out) })?,
        Value::Number(n) => check_status!(unsafe { sys::napi_create_double(env, n.as_f64().unwrap_or(f64::NAN), &mut out) })?,
        Value::String(s) if date_key && crate::cookie_cache::js_json::iso_shaped(s) => {
            // what `new Date(s)` gives: an invalid date for an impossible one
            let ms = crate::cookie_cache::js_json::parse_iso_date_ms(s).map_or(f64::NAN, |ms| ms as f64);
            check_status!(unsafe { sys::napi_create_date(env, ms, &mut out) })?
        }
        Value::String(s) => check_status!(unsafe { sys::napi_create_string_utf8(env, s.as_ptr().cast(), s.len() as isize, &mut out) })?,
        Value::Array(items) => {
            check_status!(unsafe { sys::napi_create_array_with_length(env, items.len(), &mut out) })?;
            for (i, item) in items.iter().enumerate() {
                let el = unsafe { convert(env, item, keys, false) }?;
                check_status!(unsafe { sys::napi_set_element(env, out, i as u32, el) })?;
            }
        }
        Value::Object(m) => {
            check_status!(unsafe { sys::napi_create_object(env, &mut out) })?;
            for (k, item) in m {
                let mut key = ptr::null_mut();
                check_status!(unsafe { sys::napi_create_string_utf8(env, k.as_ptr().cast(), k.len() as isize, &mut key) })?;
                let el = unsafe { convert(env, item, keys, keys.contains(k)) }?;
                check_status!(unsafe { sys::napi_set_property(env, out, key, el) })?;
            }
        }
    }
    Ok(out)
}
