//! Client IP resolution as Better Auth's `getIP`: the headers named by
//! `advanced.ipAddress.ipAddressHeaders` (default `x-forwarded-for`) are read in order; without
//! `trustedProxies` only a single-value header is trusted (a multi-hop chain is spoofable on
//! the left); with `trustedProxies` (IPs or CIDR ranges) the chain is walked from the right,
//! skipping trusted hops, and the first untrusted hop is the client. Our extension
//! `trustedProxyCount: n` takes the n-th hop from the right (n proxies each append the address
//! they saw). IPv4-mapped IPv6 becomes IPv4; IPv6 is expanded, lower-cased and masked to its
//! `/ipv6Subnet` (64 by default). In development and test the fallback is `127.0.0.1`.
use crate::http::Headers;
use std::net::{IpAddr, Ipv6Addr};

/// A trusted proxy: a network and prefix length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `ip` or `ip/prefix`; `None` when malformed (Better Auth ignores such entries).
    pub fn parse(s: &str) -> Option<Self> {
        let (ip, prefix) = match s.rsplit_once('/') {
            Some((ip, p)) => {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (ip, Some(p.parse::<u8>().ok()?))
            }
            None => (s, None),
        };
        let net = unmap(ip.trim().parse::<IpAddr>().ok()?);
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Cidr { net, prefix })
    }

    /// True when `ip` lies inside this network.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        let ip = unmap(*ip);
        let (a, b): (Vec<u8>, Vec<u8>) = match (ip, self.net) {
            (IpAddr::V4(x), IpAddr::V4(y)) => (x.octets().to_vec(), y.octets().to_vec()),
            (IpAddr::V6(x), IpAddr::V6(y)) => (x.octets().to_vec(), y.octets().to_vec()),
            _ => return false,
        };
        let mut bits = self.prefix as usize;
        for (x, y) in a.iter().zip(b.iter()) {
            if bits == 0 {
                break;
            }
            let take = bits.min(8);
            let mask: u8 = if take == 8 { 0xff } else { 0xffu8 << (8 - take) };
            if x & mask != y & mask {
                return false;
            }
            bits -= take;
        }
        true
    }
}

fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// `advanced.ipAddress`, resolved.
#[derive(Debug, Clone)]
pub struct IpConfig {
    /// `ipAddressHeaders` (lower-cased), default `["x-forwarded-for"]`.
    pub headers: Vec<String>,
    /// `disableIpTracking`.
    pub disable_tracking: bool,
    /// `trustedProxies` (valid entries only).
    pub trusted_proxies: Vec<Cidr>,
    /// `trustedProxyCount` (our extension): the client is this many hops from the right.
    pub trusted_proxy_count: Option<usize>,
    /// `ipv6Subnet` (64).
    pub ipv6_subnet: u8,
    /// NODE_ENV is dev/development/test: fall back to `127.0.0.1`.
    pub fallback_localhost: bool,
}

impl Default for IpConfig {
    fn default() -> Self {
        IpConfig {
            headers: vec!["x-forwarded-for".into()],
            disable_tracking: false,
            trusted_proxies: Vec::new(),
            trusted_proxy_count: None,
            ipv6_subnet: 64,
            fallback_localhost: false,
        }
    }
}

/// Normalises one address with the default /64 IPv6 mask, `None` if it is not an IP.
pub fn normalize_ip(s: &str) -> Option<String> {
    normalize_ip_with(s, 64)
}

/// Normalises one address: IPv4 as is, IPv4-mapped IPv6 to IPv4, IPv6 expanded, lower-cased
/// and masked to `/subnet`.
pub fn normalize_ip_with(s: &str, subnet: u8) -> Option<String> {
    match unmap(s.parse::<IpAddr>().ok()?) {
        IpAddr::V4(v4) => Some(v4.to_string()),
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let masked = if subnet >= 128 {
                bits
            } else if subnet == 0 {
                0
            } else {
                bits & (u128::MAX << (128 - u32::from(subnet)))
            };
            let seg = Ipv6Addr::from(masked).segments();
            Some(seg.iter().map(|g| format!("{g:04x}")).collect::<Vec<_>>().join(":"))
        }
    }
}

/// The client IP from one forwarded header value, `None` when it cannot be trusted.
pub fn ip_from_header(value: &str, cfg: &IpConfig) -> Option<String> {
    let hops: Vec<&str> = value.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if hops.is_empty() {
        return None;
    }
    if let Some(n) = cfg.trusted_proxy_count.filter(|n| *n > 0) {
        let hop = hops.len().checked_sub(n).map(|i| hops[i])?;
        return normalize_ip_with(hop, cfg.ipv6_subnet);
    }
    if !cfg.trusted_proxies.is_empty() {
        for hop in hops.iter().rev() {
            let ip = hop.parse::<IpAddr>().ok()?;
            if cfg.trusted_proxies.iter().any(|c| c.contains(&ip)) {
                continue;
            }
            return normalize_ip_with(hop, cfg.ipv6_subnet);
        }
        return None;
    }
    match hops.as_slice() {
        [only] => normalize_ip_with(only, cfg.ipv6_subnet),
        _ => None,
    }
}

/// The client IP for a request, `None` when none can be trusted (or tracking is disabled).
pub fn resolve(headers: &Headers, cfg: &IpConfig, fallback: bool) -> Option<String> {
    if cfg.disable_tracking {
        return None;
    }
    for name in &cfg.headers {
        if let Some(v) = headers.get(name)
            && let Some(ip) = ip_from_header(v, cfg) {
                return Some(ip);
            }
    }
    (fallback && cfg.fallback_localhost).then(|| "127.0.0.1".to_string())
}

/// The client IP with Better Auth's default settings (used where no config is at hand).
pub fn client_ip(headers: &Headers, fallback_localhost: bool) -> Option<String> {
    let cfg = IpConfig { fallback_localhost, ..IpConfig::default() };
    resolve(headers, &cfg, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(proxies: &[&str], count: Option<usize>) -> IpConfig {
        IpConfig {
            trusted_proxies: proxies.iter().filter_map(|p| Cidr::parse(p)).collect(),
            trusted_proxy_count: count,
            ..IpConfig::default()
        }
    }

    #[test]
    fn vectors() {
        assert_eq!(normalize_ip("2001:db8:abcd:12:1::7").as_deref(), Some("2001:0db8:abcd:0012:0000:0000:0000:0000"));
        assert_eq!(normalize_ip("::ffff:192.0.2.1").as_deref(), Some("192.0.2.1"));
        assert_eq!(normalize_ip("not-an-ip"), None);
        assert_eq!(normalize_ip_with("2001:db8::1", 128).as_deref(), Some("2001:0db8:0000:0000:0000:0000:0000:0001"));
        assert_eq!(normalize_ip_with("2001:db8:ffff::1", 36).as_deref(), Some("2001:0db8:f000:0000:0000:0000:0000:0000"));
        let mut h = Headers::new();
        h.append("x-forwarded-for", "10.0.0.1, 192.0.2.2");
        assert_eq!(client_ip(&h, false), None);
        assert_eq!(client_ip(&h, true).as_deref(), Some("127.0.0.1"));
        let mut h = Headers::new();
        h.append("x-forwarded-for", "203.0.113.7");
        assert_eq!(client_ip(&h, false).as_deref(), Some("203.0.113.7"));
    }

    /// Header chain → rate-limit key IP, per configuration (the conformance table; the JS
    /// suite checks the same rows against better-auth's own `getIP`).
    #[test]
    fn conformance_table() {
        let none = cfg(&[], None);
        let one = cfg(&["10.0.0.0/8"], None);
        let two = cfg(&["10.0.0.1", "192.168.0.0/16", "2001:db8:1::/48"], None);
        let count1 = cfg(&[], Some(1));
        let count2 = cfg(&[], Some(2));
        let rows: Vec<(&str, &IpConfig, Option<&str>)> = vec![
            ("203.0.113.7", &none, Some("203.0.113.7")),
            (" 203.0.113.7 ", &none, Some("203.0.113.7")),
            ("1.2.3.4, 203.0.113.7", &none, None),
            ("garbage", &none, None),
            ("", &none, None),
            (",,,", &none, None),
            ("2001:db8:abcd:12::1", &none, Some("2001:0db8:abcd:0012:0000:0000:0000:0000")),
            ("::ffff:198.51.100.9", &none, Some("198.51.100.9")),
            ("1.2.3.4, 203.0.113.7, 10.1.2.3", &one, Some("203.0.113.7")),
            ("1.2.3.4, 10.1.2.3", &one, Some("1.2.3.4")),
            ("10.1.2.3, 10.9.9.9", &one, None),
            ("evil, 203.0.113.7, 10.0.0.2", &one, Some("203.0.113.7")),
            ("203.0.113.7, evil, 10.0.0.2", &one, None),
            ("198.51.100.1, 192.168.4.4, 10.0.0.1", &two, Some("198.51.100.1")),
            ("198.51.100.1, 10.0.0.2", &two, Some("10.0.0.2")),
            ("2001:db8:2::5, 2001:db8:1::9", &two, Some("2001:0db8:0002:0000:0000:0000:0000:0000")),
            ("spoofed, 203.0.113.7", &count1, Some("203.0.113.7")),
            ("203.0.113.7", &count1, Some("203.0.113.7")),
            ("spoofed, 203.0.113.7, 10.0.0.9", &count2, Some("203.0.113.7")),
            ("203.0.113.7", &count2, None),
            ("1.1.1.1, garbage", &count1, None),
        ];
        for (header, c, want) in rows {
            let mut h = Headers::new();
            h.append("x-forwarded-for", header);
            assert_eq!(resolve(&h, c, false).as_deref(), want, "{header:?} with {c:?}");
        }
        // headers in order; disabled tracking
        let c = IpConfig { headers: vec!["cf-connecting-ip".into(), "x-real-ip".into()], ..IpConfig::default() };
        let mut h = Headers::new();
        h.append("x-forwarded-for", "198.51.100.1");
        h.append("x-real-ip", "198.51.100.2");
        assert_eq!(resolve(&h, &c, false).as_deref(), Some("198.51.100.2"));
        let c = IpConfig { disable_tracking: true, fallback_localhost: true, ..IpConfig::default() };
        assert_eq!(resolve(&h, &c, true), None);
    }

    #[test]
    fn cidr_parsing() {
        assert!(Cidr::parse("10.0.0.0/8").is_some());
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("10.0.0.0/").is_none());
        assert!(Cidr::parse("10.0.0.0/-1").is_none());
        assert!(Cidr::parse("::/0").is_some());
        assert!(Cidr::parse("nope").is_none());
        let c = Cidr::parse("192.168.0.0/16").unwrap();
        assert!(c.contains(&"192.168.200.1".parse().unwrap()));
        assert!(c.contains(&"::ffff:192.168.1.1".parse().unwrap()));
        assert!(!c.contains(&"192.169.0.1".parse().unwrap()));
    }
}
