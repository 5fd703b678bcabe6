//! A time to come as a person types it, in UTC: `tomorrow`, `tomorrow 06:00`, `+2h`,
//! `+30m`, `2026-12-03`, `2026-12-03 14:00`, or RFC 3339 with an offset.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// The next midnight UTC after `now`: what a change "for tomorrow" usually means.
pub fn next_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    let tomorrow = now.date_naive() + Duration::days(1);
    tomorrow.and_time(NaiveTime::MIN).and_utc()
}

/// Reads `text` as a time, relative ones counted from `now`. Whether it is still to come
/// is the caller's question.
pub fn parse_when(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix('+') {
        return relative(rest)
            .map(|d| now + d)
            .ok_or_else(|| format!("'{t}' is not a time from now like +2h, +30m or +1d"));
    }
    for (word, days) in [("today", 0), ("tomorrow", 1)] {
        if let Some(rest) = lower.strip_prefix(word) {
            let day = now.date_naive() + Duration::days(days);
            let time = match rest.trim() {
                "" => NaiveTime::MIN,
                clock => clock_time(clock).ok_or_else(|| {
                    format!("'{t}': the time after {word} is like 06:00 or 18:30")
                })?,
            };
            return Ok(day.and_time(time).and_utc());
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&Utc));
    }
    if let Ok(day) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(day.and_time(NaiveTime::MIN).and_utc());
    }
    [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .map(|n| n.and_utc())
    .ok_or_else(|| {
        format!(
            "'{t}' is not a time: type tomorrow, tomorrow 06:00, +2h, +30m, 2026-12-03 or 2026-12-03 14:00 (UTC)"
        )
    })
}

/// How long until a time, for reading it back: "45m", "9h 35m", "2d 3h".
pub fn span(seconds: i64) -> String {
    let m = seconds.max(0) / 60;
    match m {
        0..60 => format!("{m}m"),
        60..1440 => format!("{}h {}m", m / 60, m % 60),
        _ => format!("{}d {}h", m / 1440, m % 1440 / 60),
    }
}

/// `2h`, `30m`, `1d`, `90s`: a whole number and a unit.
fn relative(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().ok().filter(|n| *n <= 366 * 24 * 60)?;
    match unit.trim() {
        "s" => Some(Duration::seconds(n)),
        "m" | "min" => Some(Duration::minutes(n)),
        "h" => Some(Duration::hours(n)),
        "d" => Some(Duration::days(n)),
        _ => None,
    }
}

/// `06:00`, `6:00`, `18:30:15`.
fn clock_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn people_type_times_in_many_ways() {
        let now = at("2026-12-02T14:25:10Z");
        let when = |t: &str| parse_when(t, now).map(|d| d.to_rfc3339());
        assert_eq!(next_midnight(now), at("2026-12-03T00:00:00Z"));
        assert_eq!(span(9 * 3600 + 35 * 60 + 10), "9h 35m");
        assert_eq!(span(59), "0m");
        assert_eq!(span(2 * 86_400 + 3 * 3600), "2d 3h");
        assert_eq!(when("tomorrow"), Ok("2026-12-03T00:00:00+00:00".into()));
        assert_eq!(
            when(" Tomorrow 06:00 "),
            Ok("2026-12-03T06:00:00+00:00".into())
        );
        assert_eq!(when("today 18:30"), Ok("2026-12-02T18:30:00+00:00".into()));
        assert_eq!(when("+2h"), Ok("2026-12-02T16:25:10+00:00".into()));
        assert_eq!(when("+30m"), Ok("2026-12-02T14:55:10+00:00".into()));
        assert_eq!(when("+1d"), Ok("2026-12-03T14:25:10+00:00".into()));
        assert_eq!(when("2026-12-03"), Ok("2026-12-03T00:00:00+00:00".into()));
        assert_eq!(
            when("2026-12-03 14:00"),
            Ok("2026-12-03T14:00:00+00:00".into())
        );
        assert_eq!(
            when("2026-12-03T14:00"),
            Ok("2026-12-03T14:00:00+00:00".into())
        );
        assert_eq!(
            when("2026-12-03T00:00:00+01:00"),
            Ok("2026-12-02T23:00:00+00:00".into())
        );
    }

    #[test]
    fn what_it_cannot_read_it_says_how_to_write() {
        let now = at("2026-12-02T14:25:10Z");
        for bad in ["soon", "+2 weeks", "+h", "tomorrow noon", "2026-13-01", ""] {
            let err = parse_when(bad, now).unwrap_err();
            assert!(err.contains("like") || err.contains("type"), "{bad}: {err}");
        }
    }
}
