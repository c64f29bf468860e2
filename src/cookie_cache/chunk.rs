//! Splitting a large cookie value into `<name>.0`, `<name>.1`, … and joining it back, as Better
//! Auth's `cookies/session-store.ts` does for `session_data` and `account_data` (never for
//! `session_token`).
//!
//! Rule: if `name=value` plus its attributes would be longer than [`MAX_COOKIE_SIZE`], the value
//! is cut into pieces of `MAX_COOKIE_SIZE - len("<name>.99=" + attributes)` characters (the
//! worst-case chunk name), at most [`MAX_COOKIE_CHUNKS`] of them; beyond that nothing is written.
//! Lengths are JavaScript string lengths (UTF-16 units) of the value before percent-encoding.

/// Per-cookie byte ceiling Better Auth keeps under (Safari's ~4093 floor minus some slack).
pub const MAX_COOKIE_SIZE: usize = 4050;

/// Most chunks one cookie may be split into.
pub const MAX_COOKIE_CHUNKS: usize = 100;

/// The attribute tail better-call writes after `name=value` with Better Auth's default cookie
/// attributes: `; Max-Age=N` (when given and non-negative), `; Domain=d`, `; Path=/`,
/// `; HttpOnly`, `; Secure` (when secure), `; SameSite=Lax`.
pub fn attributes_tail(max_age: Option<i64>, domain: Option<&str>, secure: bool) -> String {
    let mut s = String::new();
    if let Some(m) = max_age.filter(|m| *m >= 0) {
        s.push_str(&format!("; Max-Age={m}"));
    }
    if let Some(d) = domain.filter(|d| !d.is_empty()) {
        s.push_str(&format!("; Domain={d}"));
    }
    s.push_str("; Path=/; HttpOnly");
    if secure {
        s.push_str("; Secure");
    }
    s.push_str("; SameSite=Lax");
    s
}

fn js_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Largest chunk value (in JavaScript string units) for cookie `name` with attribute tail
/// `attributes` (see [`attributes_tail`]); zero or negative when the name and attributes alone
/// are too long.
pub fn chunk_size(name: &str, attributes: &str) -> i64 {
    let overhead = js_len(name) + ".99=".len() + js_len(attributes);
    MAX_COOKIE_SIZE as i64 - overhead as i64
}

/// Splits `value` for cookie `name` (attribute tail `attributes`) into the cookies to write:
/// `[(name, value)]` when it fits, `[(name.0, …), (name.1, …), …]` when it does not, and `None`
/// when it would need more than [`MAX_COOKIE_CHUNKS`] chunks (Better Auth then skips the cookie
/// with a warning).
pub fn split(name: &str, value: &str, attributes: &str) -> Option<Vec<(String, String)>> {
    let size = chunk_size(name, attributes);
    let len = js_len(value);
    if size <= 0 {
        // Infinity chunks in Better Auth: skipped (an empty value still "fits" as one chunk there
        // only when the size is positive).
        return None;
    }
    let size = size as usize;
    let count = len.div_ceil(size);
    if count <= 1 {
        return Some(vec![(name.to_string(), value.to_string())]);
    }
    if count > MAX_COOKIE_CHUNKS {
        return None;
    }
    let mut out = Vec::with_capacity(count);
    let mut current = String::new();
    let mut units = 0usize;
    for c in value.chars() {
        if units + c.len_utf16() > size && !current.is_empty() {
            out.push((format!("{name}.{}", out.len()), std::mem::take(&mut current)));
            units = 0;
        }
        current.push(c);
        units += c.len_utf16();
    }
    if !current.is_empty() {
        out.push((format!("{name}.{}", out.len()), current));
    }
    Some(out)
}

/// The chunk index of `cookie_name` if it is `<name>.<N>` with `N` a canonical non-negative
/// integer (`0`, `1`, `12`; not `01`, `+1`, `1.0` or beyond 2^53 - 1).
pub fn chunk_index(name: &str, cookie_name: &str) -> Option<u64> {
    let suffix = cookie_name.strip_prefix(name)?.strip_prefix('.')?;
    let b = suffix.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) || (b.len() > 1 && b[0] == b'0') {
        return None;
    }
    let n: u64 = suffix.parse().ok()?;
    (n < (1u64 << 53)).then_some(n)
}

/// Reads a possibly chunked cookie from the request's cookies (name/value pairs in header
/// order, values already percent-decoded; for a repeated name the first wins). A non-empty
/// plain `name` cookie wins; otherwise the `<name>.N` chunks are joined in numeric order.
/// `None` when there is nothing (or only empty values).
pub fn join(name: &str, cookies: &[(String, String)]) -> Option<String> {
    let first = |n: &str| cookies.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    if let Some(v) = first(name).filter(|v| !v.is_empty()) {
        return Some(v.to_string());
    }
    let mut chunks: Vec<(u64, &str)> = Vec::new();
    for (i, (k, v)) in cookies.iter().enumerate() {
        let Some(idx) = chunk_index(name, k) else { continue };
        if cookies[..i].iter().any(|(prev, _)| prev == k) {
            continue;
        }
        chunks.push((idx, v.as_str()));
    }
    chunks.sort_by_key(|(i, _)| *i);
    let joined: String = chunks.into_iter().map(|(_, v)| v).collect();
    (!joined.is_empty()).then_some(joined)
}

/// Names of the cookies in the request that belong to `name`: the plain one and every
/// canonical `<name>.N` chunk, in header order, each once.
pub fn existing_names(name: &str, cookies: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (k, _) in cookies {
        if (k == name || chunk_index(name, k).is_some()) && !out.contains(k) {
            out.push(k.clone());
        }
    }
    out
}

/// One `Set-Cookie` the session store writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkCookie {
    /// Cookie name (`name` or `name.N`).
    pub name: String,
    /// Value to write; empty when expiring.
    pub value: String,
    /// `true`: write it expired (empty value, `Max-Age=0`, same other attributes).
    pub expire: bool,
}

/// The cookies Better Auth's session store writes for a new `value`, in order: every cookie of
/// this name already in the request is first expired, and each new chunk then takes the place
/// of a same-named expired one or is appended. An oversized value (see [`split`]) leaves only the
/// expirations.
pub fn write_plan(name: &str, value: &str, attributes: &str, cookies: &[(String, String)]) -> Vec<ChunkCookie> {
    let mut out: Vec<ChunkCookie> = existing_names(name, cookies)
        .into_iter()
        .map(|n| ChunkCookie { name: n, value: String::new(), expire: true })
        .collect();
    for (n, v) in split(name, value, attributes).unwrap_or_default() {
        match out.iter_mut().find(|c| c.name == n) {
            Some(c) => {
                c.value = v;
                c.expire = false;
            }
            None => out.push(ChunkCookie { name: n, value: v, expire: false }),
        }
    }
    out
}

/// The cookies to expire to clear `name` completely (Better Auth's `store.clean()`).
pub fn clean_plan(name: &str, cookies: &[(String, String)]) -> Vec<ChunkCookie> {
    existing_names(name, cookies)
        .into_iter()
        .map(|n| ChunkCookie { name: n, value: String::new(), expire: true })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    const NAME: &str = "better-auth.session_data";

    #[test]
    fn size_is_measured_against_the_worst_case_name() {
        let tail = attributes_tail(Some(300), None, false);
        assert_eq!(tail, "; Max-Age=300; Path=/; HttpOnly; SameSite=Lax");
        // 4050 - len("better-auth.session_data.99=") - len(tail)
        assert_eq!(chunk_size(NAME, &tail), 4050 - 28 - 45);
        assert_eq!(
            attributes_tail(None, Some("example.com"), true),
            "; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Lax"
        );
    }

    #[test]
    fn splits_and_joins() {
        let tail = attributes_tail(Some(300), None, false);
        let size = chunk_size(NAME, &tail) as usize;
        let small = "a".repeat(size);
        assert_eq!(split(NAME, &small, &tail), Some(vec![(NAME.to_string(), small.clone())]));
        assert_eq!(split(NAME, "", &tail), Some(vec![(NAME.to_string(), String::new())]));
        let big: String = (0..size * 2 + 5).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let parts = split(NAME, &big, &tail).unwrap_or_default();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].0, format!("{NAME}.0"));
        assert_eq!(parts[2].0, format!("{NAME}.2"));
        assert_eq!(parts[0].1.len(), size);
        assert_eq!(parts[2].1.len(), 5);
        for (n, v) in &parts {
            assert!(format!("{n}={v}{tail}").len() <= MAX_COOKIE_SIZE);
        }
        // Reversed order in the header still joins in numeric order.
        let mut rev = parts.clone();
        rev.reverse();
        assert_eq!(join(NAME, &rev), Some(big.clone()));
        // Too many chunks: skipped.
        assert_eq!(split(NAME, &"a".repeat(size * 100), &tail).map(|v| v.len()), Some(100));
        assert_eq!(split(NAME, &"a".repeat(size * 100 + 1), &tail), None);
        assert_eq!(split(&"n".repeat(5000), "v", &tail), None);
    }

    #[test]
    fn join_rules() {
        // The plain cookie wins.
        assert_eq!(join(NAME, &pairs(&[(&format!("{NAME}.0"), "x"), (NAME, "plain")])), Some("plain".into()));
        // An empty plain cookie falls through to chunks.
        assert_eq!(join(NAME, &pairs(&[(NAME, ""), (&format!("{NAME}.0"), "x")])), Some("x".into()));
        // Only canonical indexes count; the first of a repeated name wins.
        let c = pairs(&[
            (&format!("{NAME}.10"), "c"),
            (&format!("{NAME}.2"), "b"),
            (&format!("{NAME}.01"), "bad"),
            (&format!("{NAME}.-1"), "bad"),
            (&format!("{NAME}.1.0"), "bad"),
            (&format!("{NAME}."), "bad"),
            (&format!("{NAME}x.0"), "bad"),
            (&format!("{NAME}.0"), "a"),
            (&format!("{NAME}.0"), "dup"),
            (&format!("{NAME}.9007199254740992"), "bad"),
        ]);
        assert_eq!(join(NAME, &c), Some("abc".into()));
        assert_eq!(join(NAME, &[]), None);
        assert_eq!(chunk_index(NAME, &format!("{NAME}.9007199254740991")), Some(9007199254740991));
    }

    #[test]
    fn write_plan_expires_old_chunks_first() {
        let tail = attributes_tail(Some(300), None, false);
        let req = pairs(&[(&format!("{NAME}.1"), "old"), ("other", "x"), (&format!("{NAME}.0"), "old")]);
        let plan = write_plan(NAME, "new", &tail, &req);
        assert_eq!(
            plan,
            vec![
                ChunkCookie { name: format!("{NAME}.1"), value: String::new(), expire: true },
                ChunkCookie { name: format!("{NAME}.0"), value: String::new(), expire: true },
                ChunkCookie { name: NAME.into(), value: "new".into(), expire: false },
            ]
        );
        let size = chunk_size(NAME, &tail) as usize;
        let plan = write_plan(NAME, &"z".repeat(size + 1), &tail, &req);
        assert_eq!(plan.len(), 2);
        assert_eq!((plan[0].name.as_str(), plan[0].value.len(), plan[0].expire), (&*format!("{NAME}.1"), 1, false));
        assert_eq!((plan[1].name.as_str(), plan[1].value.len(), plan[1].expire), (&*format!("{NAME}.0"), size, false));
        assert_eq!(clean_plan(NAME, &req).len(), 2);
    }
}
