//! Simulated time. The sim never reads a clock: time is handed in as milliseconds since the
//! scenario's `start`, and wall-clock strings are derived from that start for reports.

/// Milliseconds since the scenario's start (sim second 0).
pub type SimTime = u64;

pub const MS_PER_S: u64 = 1000;

/// Parses a duration: a bare number of seconds (`90`), or a number with a unit suffix
/// (`500ms`, `90s`, `15m`, `2h`, `1d`), or compound (`1h30m`).
pub fn parse_duration_ms(text: &str) -> Result<SimTime, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("a duration must not be empty (e.g. \"90s\", \"15m\", \"2h\")".into());
    }
    if let Ok(seconds) = text.parse::<f64>() {
        return seconds_to_ms(seconds);
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!("`{text}` is not a duration (e.g. \"90s\", \"15m\", \"1h30m\")"));
        }
        let number: f64 = rest[..digits]
            .parse()
            .map_err(|_| format!("`{text}` is not a duration"))?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let scale_ms = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1e3,
            "m" | "min" => 60e3,
            "h" => 3600e3,
            "d" => 86400e3,
            other => return Err(format!("unknown duration unit `{other}` in `{text}` (use ms, s, m, h or d)")),
        };
        rest = &rest[unit_len..];
        total = total.saturating_add(seconds_to_ms(number * scale_ms / 1e3)?);
    }
    Ok(total)
}

fn seconds_to_ms(seconds: f64) -> Result<SimTime, String> {
    if !seconds.is_finite() || seconds < 0.0 || seconds > 1e12 {
        return Err(format!("a duration must be between 0 and 1e12 seconds, got {seconds}"));
    }
    Ok((seconds * 1e3).round() as u64)
}

/// Formats a sim time as `HH:MM:SS` (with days when past 24 h), for clocks and event logs.
pub fn format_clock(t: SimTime) -> String {
    let s = t / MS_PER_S;
    let (d, h, m, sec) = (s / 86400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    if d > 0 {
        format!("{d}d {h:02}:{m:02}:{sec:02}")
    } else {
        format!("{h:02}:{m:02}:{sec:02}")
    }
}

/// Parses an ISO-8601 instant (`2024-05-01T12:00:00Z`, with `+hh:mm` offset, without zone =
/// UTC, or a bare date) into Unix seconds. The formats are those the cluster query language
/// documents for `registeredAt`.
pub fn parse_iso_seconds(text: &str) -> Result<i64, String> {
    let bad = || format!("`{text}` is not an ISO-8601 time (e.g. 2024-05-01T12:00:00Z or 2024-05-01)");
    let text = text.trim();
    let (date, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let month: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let day: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    let mut seconds = days_from_civil(year, month, day) * 86400;
    if let Some(time) = time {
        let (clock, offset_s) = split_zone(time).ok_or_else(bad)?;
        let mut fields = clock.split(':');
        let h: i64 = fields.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let m: i64 = fields.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let s: f64 = fields.next().map_or(Some(0.0), |p| p.parse().ok()).ok_or_else(bad)?;
        if h > 23 || m > 59 || !(0.0..61.0).contains(&s) {
            return Err(bad());
        }
        seconds += h * 3600 + m * 60 + s as i64 - offset_s;
    }
    Ok(seconds)
}

fn split_zone(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix('Z') {
        return Some((clock, 0));
    }
    if let Some(pos) = time.rfind(['+', '-']) {
        let sign = if &time[pos..pos + 1] == "-" { -1 } else { 1 };
        let (h, m) = time[pos + 1..].split_once(':')?;
        let offset = h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60;
        return Some((&time[..pos], sign * offset));
    }
    Some((time, 0))
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_iso(unix_s: i64) -> String {
    let days = unix_s.div_euclid(86400);
    let secs = unix_s.rem_euclid(86400);
    let (y, mo, d) = civil_from_days(days);
    format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, (secs / 60) % 60, secs % 60)
}

// Howard Hinnant's civil calendar algorithms (public-domain arithmetic).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// (year, month 1–12, day 1–31) from days since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (text, ms) in [("90", 90_000), ("90s", 90_000), ("15m", 900_000), ("1h30m", 5_400_000), ("500ms", 500), ("1d", 86_400_000), ("2.5s", 2_500)] {
            assert_eq!(parse_duration_ms(text), Ok(ms), "{text}");
        }
        for bad in ["", "abc", "5x", "-3", "m5"] {
            assert!(parse_duration_ms(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn iso_round_trip_and_documented_formats() {
        // The four registeredAt formats from the cluster query language reference.
        let expected = parse_iso_seconds("2018-06-18T22:28:28Z").unwrap();
        assert_eq!(parse_iso_seconds("2018-06-18T22:28:28+00:00"), Ok(expected));
        assert_eq!(parse_iso_seconds("2018-06-18T22:28:28"), Ok(expected));
        assert_eq!(format_iso(expected), "2018-06-18T22:28:28Z");
        assert_eq!(format_iso(parse_iso_seconds("2018-06-18").unwrap()), "2018-06-18T00:00:00Z");
        assert_eq!(parse_iso_seconds("2018-06-18T23:28:28+01:00"), Ok(expected));
        assert!(parse_iso_seconds("2018-13-01").is_err());
        assert_eq!(format_iso(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn clock() {
        assert_eq!(format_clock(3_723_000), "01:02:03");
        assert_eq!(format_clock(90_000_000), "1d 01:00:00");
    }
}
