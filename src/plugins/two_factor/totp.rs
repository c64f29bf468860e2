//! TOTP as Better Auth's `createOTP` (`@better-auth/utils/otp`): HOTP (RFC 4226) over
//! HMAC-SHA1 with the counter `floor(now / period)`, verified over the window -1..=+1 with a
//! constant-time comparison, and the `otpauth://` URI authenticator apps scan.
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32, upper case, no padding (Better Auth's `base32.encode(.., {padding: false})`).
pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in data {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(B32[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(B32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// RFC 4648 base32 decoding (upper case, padding ignored); `None` on a foreign character.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = B32.iter().position(|x| *x == c)? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// HOTP: HMAC-SHA1(key, counter as 8 bytes big-endian), dynamic truncation, `% 10^digits`,
/// zero-padded.
pub fn hotp(key: &[u8], counter: u64, digits: u32) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else { return String::new() };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[h.len() - 1] & 0x0f);
    let bin = (u32::from(h[offset] & 0x7f) << 24) | (u32::from(h[offset + 1]) << 16) | (u32::from(h[offset + 2]) << 8) | u32::from(h[offset + 3]);
    let digits = digits.clamp(1, 9);
    format!("{:0width$}", bin % 10u32.pow(digits), width = digits as usize)
}

/// The TOTP code at `now_ms`.
pub fn totp(key: &[u8], now_ms: i64, period: u64, digits: u32) -> String {
    let counter = (now_ms.max(0) as u64) / (period.max(1) * 1000);
    hotp(key, counter, digits)
}

/// `createOTP(secret).verify(code)`: the code of the previous, current or next period, compared
/// in constant time (exact string, no trimming).
pub fn verify(key: &[u8], code: &str, now_ms: i64, period: u64, digits: u32) -> bool {
    let counter = (now_ms.max(0) as u64) / (period.max(1) * 1000);
    let mut ok = subtle::Choice::from(0);
    for c in [counter.wrapping_sub(1), counter, counter + 1] {
        let want = hotp(key, c, digits);
        ok |= want.as_bytes().ct_eq(code.as_bytes());
    }
    bool::from(ok)
}

fn encode_component(s: &str) -> String {
    crate::cookies::encode_uri_component(s)
}

/// `application/x-www-form-urlencoded` as `URLSearchParams` writes it.
fn form(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `createOTP(secret, {digits, period}).url(issuer, account)`.
pub fn uri(key: &[u8], issuer: &str, account: &str, digits: u32, period: u64) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&digits={digits}&period={period}",
        encode_component(issuer),
        encode_component(account),
        form(&base32_encode(key)),
        form(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1 key "12345678901234567890", 8 digits
    #[test]
    fn rfc6238_vectors() {
        let key = b"12345678901234567890";
        for (t, want) in [(59i64, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"), (2000000000, "69279037"), (20000000000, "65353130")] {
            assert_eq!(totp(key, t * 1000, 30, 8), want, "T={t}");
        }
        // RFC 4226 appendix D, 6 digits
        assert_eq!(hotp(key, 0, 6), "755224");
        assert_eq!(hotp(key, 9, 6), "520489");
    }

    #[test]
    fn window_is_one_period_each_side() {
        let key = b"abcdefghijklmnopqrstuvwxyz012345";
        let now = 1_700_000_015_000;
        let prev = totp(key, now - 30_000, 30, 6);
        let next = totp(key, now + 30_000, 30, 6);
        let far = totp(key, now + 60_000, 30, 6);
        assert!(verify(key, &prev, now, 30, 6));
        assert!(verify(key, &next, now, 30, 6));
        assert!(verify(key, &totp(key, now, 30, 6), now, 30, 6));
        assert!(!verify(key, &far, now, 30, 6) || far == prev || far == next);
        assert!(!verify(key, &format!(" {}", totp(key, now, 30, 6)), now, 30, 6));
    }

    #[test]
    fn base32_and_uri_match_better_auth() {
        // the spec's probe: the secret "BFsdLlwMpwdXTZukHDppZrJY88SNx" is 32 ASCII bytes -> 52 chars
        let secret = base32_decode("IJDHM2SEJRWGS52NOB3WIWCULJ2WWSCEOBYFU4SKLE4DQ2KTJZ4A").unwrap();
        assert_eq!(secret.len(), 32);
        assert_eq!(base32_encode(&secret), "IJDHM2SEJRWGS52NOB3WIWCULJ2WWSCEOBYFU4SKLE4DQ2KTJZ4A");
        assert_eq!(
            uri(&secret, "My App", "a@x.com", 6, 30),
            "otpauth://totp/My%20App:a%40x.com?secret=IJDHM2SEJRWGS52NOB3WIWCULJ2WWSCEOBYFU4SKLE4DQ2KTJZ4A&issuer=My+App&digits=6&period=30"
        );
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI").unwrap(), b"foobar");
    }
}
