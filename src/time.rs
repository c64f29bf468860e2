//! Dates in Better Auth's wire and SQLite form: `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC, always three
//! fraction digits), i.e. JavaScript's `Date.prototype.toISOString()`.
use chrono::{DateTime, SecondsFormat, Utc};

/// Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn to_iso(ms: i64) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(dt) => dt.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => "1970-01-01T00:00:00.000Z".to_string(),
    }
}

/// Parses the date forms found in a Better Auth SQLite database: ISO 8601 text (with or without
/// fraction or offset), a `YYYY-MM-DD HH:MM:SS` text (read as UTC), or epoch milliseconds.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis());
    }
    if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(dt.and_utc().timestamp_millis());
    }
    if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(dt.and_utc().timestamp_millis());
    }
    s.parse::<i64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trip_matches_javascript() {
        assert_eq!(to_iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(to_iso(1_767_225_600_123), "2026-01-01T00:00:00.123Z");
        assert_eq!(parse_date("2026-01-01T00:00:00.123Z"), Some(1_767_225_600_123));
        assert_eq!(parse_date("2026-01-01 00:00:00"), Some(1_767_225_600_000));
        assert_eq!(parse_date("2026-01-01T01:00:00+01:00"), Some(1_767_225_600_000));
        assert_eq!(parse_date("1767225600000"), Some(1_767_225_600_000));
        assert_eq!(parse_date("garbage"), None);
    }
}
