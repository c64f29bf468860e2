//! Client IP resolution as Better Auth's `getIP` (default settings): a single-value
//! `x-forwarded-for` is trusted, a multi-hop chain is not (it is spoofable on the left);
//! IPv4-mapped IPv6 becomes IPv4, IPv6 is expanded, lower-cased and cut to its /64.
use crate::http::Headers;
use std::net::{IpAddr, Ipv6Addr};

/// Normalises one address, `None` if it is not an IP.
pub fn normalize_ip(s: &str) -> Option<String> {
    match s.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => Some(v4.to_string()),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return Some(v4.to_string());
            }
            let seg = v6.segments();
            let masked = Ipv6Addr::new(seg[0], seg[1], seg[2], seg[3], 0, 0, 0, 0);
            Some(masked.segments().iter().map(|g| format!("{g:04x}")).collect::<Vec<_>>().join(":"))
        }
    }
}

/// The client IP for a request, `None` when none can be trusted.
pub fn client_ip(headers: &Headers, fallback_localhost: bool) -> Option<String> {
    if let Some(v) = headers.get("x-forwarded-for") {
        let hops: Vec<&str> = v.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        if let [only] = hops.as_slice()
            && let Some(ip) = normalize_ip(only) {
                return Some(ip);
            }
    }
    fallback_localhost.then(|| "127.0.0.1".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        assert_eq!(normalize_ip("2001:db8:abcd:12:1::7").as_deref(), Some("2001:0db8:abcd:0012:0000:0000:0000:0000"));
        assert_eq!(normalize_ip("::ffff:192.0.2.1").as_deref(), Some("192.0.2.1"));
        assert_eq!(normalize_ip("not-an-ip"), None);
        let mut h = Headers::new();
        h.append("x-forwarded-for", "10.0.0.1, 192.0.2.2");
        assert_eq!(client_ip(&h, false), None);
        assert_eq!(client_ip(&h, true).as_deref(), Some("127.0.0.1"));
        let mut h = Headers::new();
        h.append("x-forwarded-for", "203.0.113.7");
        assert_eq!(client_ip(&h, false).as_deref(), Some("203.0.113.7"));
    }
}
