//! Framework-free request and response. Headers are kept as a list so several `Set-Cookie`
//! headers survive. Also JavaScript's URI component encoding, which cookie values, redirect
//! URLs and stored identifiers share.
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Characters `encodeURIComponent` escapes: everything but `A-Za-z0-9-_.!~*'()`.
const URI_COMPONENT: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'!').remove(b'~').remove(b'*').remove(b'\'').remove(b'(').remove(b')');

/// JavaScript's `encodeURIComponent`.
pub fn encode_uri_component(s: &str) -> String {
    utf8_percent_encode(s, URI_COMPONENT).to_string()
}

/// JavaScript's `decodeURIComponent`, `None` on malformed input.
pub fn decode_uri_component(s: &str) -> Option<String> {
    percent_decode_str(s).decode_utf8().ok().map(|c| c.into_owned())
}

/// Request headers with lower-cased names, in arrival order.
#[derive(Debug, Clone, Default)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    /// An empty header list.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Builds from `(name, value)` pairs; names are lower-cased.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        Self(pairs.into_iter().map(|(k, v)| (k.as_ref().to_ascii_lowercase(), v.into())).collect())
    }

    /// Appends a header.
    pub fn append(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_ascii_lowercase(), value.into()));
    }

    /// The first value of `name` (case-insensitive). Several `cookie` headers are joined as
    /// the Fetch `Headers` class does (`, `), which is what Better Auth sees.
    pub fn get(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    /// True when the header is present.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// All pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// A request as the router sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// Upper-case method.
    pub method: String,
    /// The full URL as received (`http://host/api/auth/get-session?x=1`).
    pub url: String,
    /// Headers.
    pub headers: Headers,
    /// Raw body bytes, `None` when there is no body.
    pub body: Option<Vec<u8>>,
}

/// A response: status, status text, headers (a list), body bytes.
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Status text (Better Auth's status name, or empty on success).
    pub status_text: String,
    /// Headers, possibly repeated (`set-cookie`).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// Value of the first header named `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// All `set-cookie` values.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as UTF-8 text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Response headers accumulated by an endpoint (kept on errors too, as Better Auth does).
#[derive(Debug, Clone, Default)]
pub struct ResponseHeaders(pub Vec<(String, String)>);

impl ResponseHeaders {
    /// Sets a header, replacing earlier values of the same name (not for `set-cookie`).
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.0.push((name.to_ascii_lowercase(), value.into()));
    }

    /// Appends a `Set-Cookie` header, keeping earlier entries for the same cookie (better-call's
    /// `setCookie`: a cookie expired and then set again in one response is sent twice, in order).
    pub fn add_cookie(&mut self, serialized: String) {
        self.0.push(("set-cookie".to_string(), serialized));
    }

    /// Adds a `Set-Cookie` header, first removing earlier entries for the same cookie name
    /// (Better Auth's `expireCookie`: `removeSetCookieEntries`, then the expired cookie).
    pub fn set_cookie(&mut self, cookie_name: &str, serialized: String) {
        let prefix = format!("{cookie_name}=");
        self.0.retain(|(k, v)| !(k == "set-cookie" && v.starts_with(&prefix)));
        self.0.push(("set-cookie".to_string(), serialized));
    }
}
