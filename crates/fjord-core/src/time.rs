//! Timestamps.

/// Now as RFC 3339 UTC, to the second.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    rfc3339(secs as i64)
}

/// Seconds since the Unix epoch as RFC 3339 UTC.
pub fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // civil-from-days (Howard Hinnant's algorithm): no date crate for one conversion
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem / 60 % 60, rem % 60)
}

/// The span of time a value covers, as seconds since the epoch, both ends included: an
/// RFC 3339 date-time is one instant (without an offset it is taken as UTC), a date
/// (`2024-05-17`) is its whole day in UTC. `None` when it is neither.
pub fn span(text: &str) -> Option<(i64, i64)> {
    let t = text.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let start = d.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
        return Some((start, start + 86_399));
    }
    let at = chrono::DateTime::parse_from_rfc3339(t)
        .map(|dt| dt.timestamp())
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").map(|dt| dt.and_utc().timestamp())
        })
        .ok()?;
    Some((at, at))
}

#[cfg(test)]
mod tests {
    #[test]
    fn spans_of_dates_and_instants() {
        use super::span;
        assert_eq!(span("1970-01-02"), Some((86_400, 2 * 86_400 - 1)));
        assert_eq!(span("1970-01-01T01:00:00Z"), Some((3600, 3600)));
        assert_eq!(span("1970-01-01T02:00:00+01:00"), Some((3600, 3600)));
        assert_eq!(span("1970-01-01T01:00:00.5"), Some((3600, 3600)));
        assert_eq!(span("yesterday"), None);
        assert_eq!(span("2024-13-01"), None);
    }

    #[test]
    fn rfc3339_is_well_formed() {
        let s = super::now_rfc3339();
        assert_eq!(s.len(), 20);
        assert!(s.starts_with("20") && s.ends_with('Z') && &s[10..11] == "T");
    }
}
