//! JavaScript's view of JSON, as far as the cookie cache needs it:
//!
//! - [`stringify`]: the exact text of `JSON.stringify(value)` for a value that came from (or will
//!   go to) JavaScript: array-index keys first, `Number.prototype.toString` numbers, JavaScript's
//!   string escapes (`/`, U+2028, U+2029 and non-ASCII stay raw).
//! - [`parse_iso_date_ms`] / [`to_iso_string`] / [`revive_dates`]: Better Auth's `safeJSONParse`
//!   turns every string matching `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$` into a `Date`,
//!   which later prints as `Date.prototype.toISOString()`.
//! - [`top_level_member`]: the raw text span of one member of a JSON object, so a signature can be
//!   checked over the bytes that were signed instead of over a re-serialisation.
use serde_json::{Map, Number, Value};
use std::ops::Range;

/// `JSON.stringify(value)` as V8 prints it (no indentation).
///
/// Differences from `serde_json::to_string` that matter for signatures:
/// - object keys that are array indices (`"0"`, `"42"`, up to 4294967294) come first, in
///   ascending numeric order, as in every JavaScript object; the other keys keep insertion order;
/// - numbers are JavaScript doubles: `1.0` prints `1`, `1e21` prints `1e+21`, and integers beyond
///   2^53 print as the nearest double does (`18446744073709551615` → `18446744073709552000`).
pub fn stringify(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// Appends `JSON.stringify(value)` to `out` (see [`stringify`]).
pub fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map),
    }
}

/// Appends a JSON object with JavaScript's property order (see [`stringify`]).
pub fn write_object(out: &mut String, map: &Map<String, Value>) {
    let mut indexed: Vec<(u32, &String, &Value)> =
        map.iter().filter_map(|(k, v)| array_index(k).map(|i| (i, k, v))).collect();
    indexed.sort_by_key(|(i, _, _)| *i);
    out.push('{');
    let mut first = true;
    let others = map.iter().filter(|(k, _)| array_index(k).is_none());
    for (k, v) in indexed.into_iter().map(|(_, k, v)| (k, v)).chain(others) {
        if !first {
            out.push(',');
        }
        first = false;
        write_string(out, k);
        out.push(':');
        write_value(out, v);
    }
    out.push('}');
}

/// A canonical array index (`"0"`, `"7"`, … `"4294967294"`): JavaScript lists those keys first.
fn array_index(key: &str) -> Option<u32> {
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 10 || !b.iter().all(u8::is_ascii_digit) || (b.len() > 1 && b[0] == b'0') {
        return None;
    }
    let n: u64 = key.parse().ok()?;
    if n <= 4_294_967_294 { u32::try_from(n).ok() } else { None }
}

/// A JSON string literal with `JSON.stringify`'s escapes: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
/// `\t`, other C0 controls as lowercase `\u00xx`; everything else raw (Rust strings cannot hold
/// the lone surrogates JavaScript would escape).
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            c if (c as u32) < 0x20 => None,
            _ => continue,
        };
        out.push_str(&s[start..i]);
        match esc {
            Some(e) => out.push_str(e),
            None => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[(b >> 4) & 0xf]));
                out.push(char::from(HEX[b & 0xf]));
            }
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn write_number(out: &mut String, n: &Number) {
    const SAFE: u64 = 1 << 53;
    if let Some(i) = n.as_i64() {
        if i.unsigned_abs() <= SAFE {
            out.push_str(&i.to_string());
            return;
        }
    } else if let Some(u) = n.as_u64()
        && u <= SAFE {
            out.push_str(&u.to_string());
            return;
        }
    match n.as_f64() {
        Some(f) if f.is_finite() => out.push_str(&number_to_string(f)),
        // JSON.stringify writes non-finite numbers as null.
        _ => out.push_str("null"),
    }
}

/// `Number.prototype.toString()` (radix 10) of a double, e.g. `1`, `0.1`, `1e+21`, `1e-7`.
pub fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    // Rust prints the shortest round-tripping digits, as ECMAScript requires.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return "0".to_string();
    }
    let k = digits.len() as i64;
    let n = exp + 1;
    let mut s = String::new();
    if x < 0.0 {
        s.push('-');
    }
    if k <= n && n <= 21 {
        s.push_str(&digits);
        s.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        let (a, b) = digits.split_at(n as usize);
        s.push_str(a);
        s.push('.');
        s.push_str(b);
    } else if -6 < n && n <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-n) as usize));
        s.push_str(&digits);
    } else {
        let (a, b) = digits.split_at(1);
        s.push_str(a);
        if !b.is_empty() {
            s.push('.');
            s.push_str(b);
        }
        s.push('e');
        s.push(if n - 1 < 0 { '-' } else { '+' });
        s.push_str(&(n - 1).abs().to_string());
    }
    s
}

/// JavaScript's `String(value)` for a JSON value (`undefined` when absent), as zod's
/// `z.coerce.string()` applies it.
pub fn coerce_string(value: Option<&Value>) -> String {
    match value {
        None => "undefined".to_string(),
        Some(v) => coerce_present(v, 0),
    }
}

fn coerce_present(v: &Value, depth: usize) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            let mut s = String::new();
            write_number(&mut s, n);
            s
        }
        Value::String(s) => s.clone(),
        Value::Object(_) => "[object Object]".to_string(),
        // Array.prototype.join: null/undefined items print as "".
        Value::Array(items) if depth < 64 => items
            .iter()
            .map(|i| if i.is_null() { String::new() } else { coerce_present(i, depth + 1) })
            .collect::<Vec<_>>()
            .join(","),
        Value::Array(_) => String::new(),
    }
}

/// True when `s` has the shape `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$` (valid date
/// or not): the strings the JS layer's `reviveDates` hands to `new Date`.
pub fn iso_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || b.last() != Some(&b'Z') {
        return false;
    }
    let digits = |r: Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let fixed = digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) && b[10] == b'T'
        && digits(11..13) && b[13] == b':' && digits(14..16) && b[16] == b':' && digits(17..19);
    let frac = &b[19..b.len() - 1];
    fixed && (frac.is_empty() || (frac.len() >= 2 && frac[0] == b'.' && frac[1..].iter().all(u8::is_ascii_digit)))
}

/// Epoch milliseconds of a string Better Auth's `safeJSONParse` turns into a `Date`: it must
/// match `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$` and be a valid date for V8 (month
/// 1–12, day 1–31 with overflow into the next month, hour 0–24 where 24 needs zero minutes,
/// seconds and fraction, minutes and seconds 0–59; the fraction is truncated to milliseconds).
pub fn parse_iso_date_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b.last() != Some(&b'Z') {
        return None;
    }
    let num = |r: Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':')) {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let frac = &b[19..b.len() - 1];
    let (ms, frac_zero) = match frac.split_first() {
        None => (0, true),
        Some((b'.', digits)) if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
            let mut ms = 0i64;
            for i in 0..3 {
                ms = ms * 10 + digits.get(i).map_or(0, |d| i64::from(d - b'0'));
            }
            (ms, digits.iter().all(|d| *d == b'0'))
        }
        Some(_) => return None,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || minute > 59 || second > 59 {
        return None;
    }
    if hour > 24 || (hour == 24 && (minute != 0 || second != 0 || !frac_zero)) {
        return None;
    }
    let days = days_from_civil(year, month, 1) + day - 1;
    Some(days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms)
}

/// `new Date(ms).toISOString()`: `YYYY-MM-DDTHH:MM:SS.sssZ`, with JavaScript's expanded
/// `+YYYYYY` / `-YYYYYY` year outside 0000–9999.
pub fn to_iso_string(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("+{y:06}")
    };
    format!(
        "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        (rem / 60_000) % 60,
        (rem / 1000) % 60,
        rem % 1000
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Replaces, everywhere inside `value`, each string `safeJSONParse` would turn into a `Date` by
/// that date's `toISOString()` (e.g. `2026-02-30T00:00:00Z` → `2026-03-02T00:00:00.000Z`).
pub fn revive_dates(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(ms) = parse_iso_date_ms(s) {
                let iso = to_iso_string(ms);
                if *s != iso {
                    *s = iso;
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(revive_dates),
        Value::Object(map) => map.values_mut().for_each(revive_dates),
        _ => {}
    }
}

/// Byte range of the value of the member named `key` in the top-level object of `text`
/// (the last one if the key repeats, as `JSON.parse` keeps the last). `text` should already be
/// known to be valid JSON; malformed input gives `None`, never a panic.
pub fn top_level_member(text: &str, key: &str) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return None;
    }
    let mut found = None;
    loop {
        let key_start = i;
        i = skip_string(b, i)?;
        let raw_key = text.get(key_start..i)?;
        i = skip_ws(b, i);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        let value_start = i;
        i = skip_value(b, i)?;
        if key_matches(raw_key, key) {
            found = Some(value_start..i);
        }
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return found,
            _ => return None,
        }
    }
}

fn key_matches(raw: &str, key: &str) -> bool {
    if raw.contains('\\') {
        serde_json::from_str::<String>(raw).is_ok_and(|k| k == key)
    } else {
        raw.len() >= 2 && &raw[1..raw.len() - 1] == key
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Index just past the string literal starting at `i`.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// Index just past the JSON value starting at `i` (iterative, so deep nesting cannot overflow).
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_shape_is_the_js_layers_date_pattern() {
        for ok in ["2026-12-02T05:00:14.135Z", "2026-12-02T05:00:14Z", "2026-12-02T05:00:14.1Z", "2026-13-45T99:00:00.000000Z"] {
            assert!(super::iso_shaped(ok), "{ok}");
        }
        for no in ["2026-12-02T05:00:14.135", "2026-12-02 05:00:14Z", "2026-12-02T05:00:14.Z", "x026-12-02T05:00:14Z", "2026-12-02T05:00:1Z", "2026-12-02T05:00:14.1xZ", ""] {
            assert!(!super::iso_shaped(no), "{no}");
        }
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn strings_escape_like_javascript() {
        // Expected text printed by Node 20: JSON.stringify(["\u2028\u2029/\u007f\u0000\u001f\b\f\n\r\t\"\\é😀"])
        let s = "\u{2028}\u{2029}/\u{7f}\u{0}\u{1f}\u{8}\u{c}\n\r\t\"\\é😀";
        assert_eq!(
            stringify(&json!([s])),
            "[\"\u{2028}\u{2029}/\u{7f}\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\é😀\"]"
        );
        // serde_json agrees on everything a Rust string can hold.
        assert_eq!(stringify(&json!([s])), serde_json::to_string(&json!([s])).unwrap_or_default());
        for c in 0u32..0x80 {
            let ch = char::from_u32(c).unwrap_or('?');
            let v = json!(ch.to_string());
            assert_eq!(stringify(&v), serde_json::to_string(&v).unwrap_or_default(), "char {c:#x}");
        }
    }

    #[test]
    fn keys_follow_javascript_property_order() {
        // Node 20: JSON.stringify({"b":1,"2":2,"a":3,"1":4,"01":5,"4294967294":6,"4294967295":7,"-1":8})
        let v: Value = serde_json::from_str(
            r#"{"b":1,"2":2,"a":3,"1":4,"01":5,"4294967294":6,"4294967295":7,"-1":8}"#,
        )
        .unwrap_or_default();
        assert_eq!(stringify(&v), r#"{"1":4,"2":2,"4294967294":6,"b":1,"a":3,"01":5,"4294967295":7,"-1":8}"#);
    }

    #[test]
    fn numbers_print_like_javascript() {
        // Node 20 output for each value.
        let cases: &[(f64, &str)] = &[
            (1.5, "1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (-0.0, "0"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-1.5e-10, "-1.5e-10"),
            (100.0, "100"),
            (1e6, "1000000"),
            (9007199254740992.0, "9007199254740992"),
            (18446744073709551616.0, "18446744073709552000"),
            (12345.678, "12345.678"),
        ];
        for (x, want) in cases {
            assert_eq!(number_to_string(*x), *want, "{x}");
            assert_eq!(stringify(&json!(x)), *want, "{x}");
        }
        assert_eq!(stringify(&json!(u64::MAX)), "18446744073709552000");
        assert_eq!(stringify(&json!(i64::MIN)), "-9223372036854776000");
        assert_eq!(stringify(&json!(9007199254740993u64)), "9007199254740992");
        assert_eq!(stringify(&json!(-42)), "-42");
        assert_eq!(stringify(&json!(1.0)), "1");
    }

    #[test]
    fn dates_parse_like_v8() {
        // Node 20: new Date(s).toISOString() (or Invalid Date → None).
        let cases: &[(&str, Option<&str>)] = &[
            ("2026-02-30T00:00:00Z", Some("2026-03-02T00:00:00.000Z")),
            ("2026-01-01T24:00:00Z", Some("2026-01-02T00:00:00.000Z")),
            ("2026-01-01T24:00:00.0000Z", Some("2026-01-02T00:00:00.000Z")),
            ("2026-01-01T24:00:00.0001Z", None),
            ("2026-01-01T24:00:01Z", None),
            ("2026-01-01T23:60:00Z", None),
            ("2026-01-01T00:00:60Z", None),
            ("2026-01-01T00:00:00.1234567Z", Some("2026-01-01T00:00:00.123Z")),
            ("2026-01-01T00:00:00.99999999Z", Some("2026-01-01T00:00:00.999Z")),
            ("0000-01-01T00:00:00Z", Some("0000-01-01T00:00:00.000Z")),
            ("2026-13-01T00:00:00Z", None),
            ("2026-00-01T00:00:00Z", None),
            ("2026-01-00T00:00:00Z", None),
            ("2026-01-32T00:00:00Z", None),
            ("2025-02-29T00:00:00Z", Some("2025-03-01T00:00:00.000Z")),
            ("2024-02-29T00:00:00Z", Some("2024-02-29T00:00:00.000Z")),
            ("9999-12-31T24:00:00Z", Some("+010000-01-01T00:00:00.000Z")),
            ("2026-01-01T00:00:00.Z", None),
            ("2026-01-01T00:00:00+00:00", None),
            ("2026-01-01 00:00:00Z", None),
            ("2026-01-01T00:00:00.000z", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_iso_date_ms(s).map(to_iso_string).as_deref(), *want, "{s}");
        }
        assert_eq!(parse_iso_date_ms("2026-01-01T00:00:00.123Z"), Some(1_767_225_600_123));
        assert_eq!(to_iso_string(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(to_iso_string(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(to_iso_string(-62_198_755_200_001), "-000002-12-31T23:59:59.999Z"); // Node 20
        assert_eq!(to_iso_string(-62_167_219_200_001), "-000001-12-31T23:59:59.999Z");
    }

    #[test]
    fn revive_normalises_nested_dates_only() {
        let mut v = json!({"a": ["2026-01-01T00:00:00Z", {"b": "2026-01-01T00:00:00.5Z"}], "c": "2026-13-01T00:00:00Z", "d": "x"});
        revive_dates(&mut v);
        assert_eq!(
            v,
            json!({"a": ["2026-01-01T00:00:00.000Z", {"b": "2026-01-01T00:00:00.500Z"}], "c": "2026-13-01T00:00:00Z", "d": "x"})
        );
    }

    #[test]
    fn coerce_matches_javascript_string() {
        assert_eq!(coerce_string(None), "undefined");
        assert_eq!(coerce_string(Some(&json!(null))), "null");
        assert_eq!(coerce_string(Some(&json!(1e21))), "1e+21");
        assert_eq!(coerce_string(Some(&json!({"a": 1}))), "[object Object]");
        assert_eq!(coerce_string(Some(&json!([1, [2, null], "x"]))), "1,2,,x");
        assert_eq!(coerce_string(Some(&json!(true))), "true");
    }

    #[test]
    fn finds_raw_member_spans() {
        let text = r#" { "a" : [1,{"}":"]"}] , "sess\u0069on":{"x":"\"}"} ,"session" : {"y":2} } "#;
        let r = top_level_member(text, "session").unwrap_or(0..0);
        assert_eq!(&text[r], r#"{"y":2}"#);
        let r = top_level_member(text, "a").unwrap_or(0..0);
        assert_eq!(&text[r], r#"[1,{"}":"]"}]"#);
        assert_eq!(top_level_member(text, "zz"), None);
        assert_eq!(top_level_member("{}", "a"), None);
        assert_eq!(top_level_member(r#"{"a":1"#, "a"), None);
        assert_eq!(top_level_member(r#"{"a":"#, "a"), None);
        assert_eq!(top_level_member(r#"{"a""#, "a"), None);
        assert_eq!(top_level_member("[1]", "a"), None);
        let r = top_level_member(r#"{"a":-1.5e3}"#, "a").unwrap_or(0..0);
        assert_eq!(&r#"{"a":-1.5e3}"#[r], "-1.5e3");
    }
}
