//! Application Auto Scaling schedules (aws-semantics §7.4): `at(...)`, `rate(...)` and 6-field
//! `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, in UTC or a time zone.
//!
//! Time zones: AWS takes any IANA name. Stevedore ships no tz database (it would weigh more than
//! the rest of the app); it knows UTC, fixed offsets (`Etc/GMT+5`, `+05:30`) and these zones with
//! their current DST rules: the US and EU zones below, Asia/Tokyo, Asia/Singapore, Asia/Kolkata,
//! Australia/Sydney. Other names are a validation error naming the supported ones.
//! Cron's `L`, `W` and `#` are not supported (a validation error says so).

use crate::time::parse_iso_seconds;

#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    At(i64),
    Rate { every_s: i64 },
    Cron(Box<Cron>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cron {
    minutes: Vec<u32>,
    hours: Vec<u32>,
    days: Option<Vec<u32>>,
    months: Vec<u32>,
    weekdays: Option<Vec<u32>>,
    years: Option<Vec<u32>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    Fixed(i64),
    /// Standard offset; DST adds an hour between the rule's dates.
    Us(i64),
    Eu(i64),
    Sydney,
}

const ZONES: &[(&str, Zone)] = &[
    ("UTC", Zone::Fixed(0)),
    ("Etc/UTC", Zone::Fixed(0)),
    ("America/New_York", Zone::Us(-5 * 3600)),
    ("America/Chicago", Zone::Us(-6 * 3600)),
    ("America/Denver", Zone::Us(-7 * 3600)),
    ("America/Los_Angeles", Zone::Us(-8 * 3600)),
    ("Europe/London", Zone::Eu(0)),
    ("Europe/Dublin", Zone::Eu(0)),
    ("Europe/Paris", Zone::Eu(3600)),
    ("Europe/Berlin", Zone::Eu(3600)),
    ("Europe/Madrid", Zone::Eu(3600)),
    ("Europe/Amsterdam", Zone::Eu(3600)),
    ("Asia/Tokyo", Zone::Fixed(9 * 3600)),
    ("Asia/Singapore", Zone::Fixed(8 * 3600)),
    ("Asia/Kolkata", Zone::Fixed(19800)),
    ("Australia/Sydney", Zone::Sydney),
];

pub fn parse_zone(name: &str) -> Result<Zone, String> {
    if let Some(&(_, z)) = ZONES.iter().find(|(n, _)| *n == name) {
        return Ok(z);
    }
    // Etc/GMT+5 is five hours *behind* UTC (POSIX sign convention).
    if let Some(h) = name.strip_prefix("Etc/GMT") {
        if let Ok(h) = h.parse::<i64>() {
            if (-14..=12).contains(&h) {
                return Ok(Zone::Fixed(-h * 3600));
            }
        }
    }
    if let Some((sign, rest)) = name.strip_prefix('+').map(|r| (1, r)).or_else(|| name.strip_prefix('-').map(|r| (-1, r))) {
        if let Some((h, m)) = rest.split_once(':') {
            if let (Ok(h), Ok(m)) = (h.parse::<i64>(), m.parse::<i64>()) {
                return Ok(Zone::Fixed(sign * (h * 3600 + m * 60)));
            }
        }
    }
    let known: Vec<&str> = ZONES.iter().map(|z| z.0).collect();
    Err(format!("time zone `{name}` is not known to Stevedore (supported: {}, Etc/GMT±N, ±hh:mm)", known.join(", ")))
}

/// Unix seconds of 00:00 UTC on the `nth` (1-based; 0 = last) `weekday` (0 = Sunday) of a month.
fn nth_weekday(year: i64, month: u32, weekday: u32, nth: u32) -> i64 {
    let first = crate::time::parse_iso_seconds(&format!("{year:04}-{month:02}-01")).unwrap_or(0);
    let dow = |t: i64| ((t.div_euclid(86400) + 4).rem_euclid(7)) as u32; // 1970-01-01 was a Thursday
    if nth == 0 {
        let next = if month == 12 { crate::time::parse_iso_seconds(&format!("{:04}-01-01", year + 1)) } else { crate::time::parse_iso_seconds(&format!("{year:04}-{:02}-01", month + 1)) }.unwrap_or(0);
        let last = next - 86400;
        return last - ((dow(last) + 7 - weekday) % 7) as i64 * 86400;
    }
    first + ((weekday + 7 - dow(first)) % 7) as i64 * 86400 + (nth as i64 - 1) * 7 * 86400
}

impl Zone {
    /// Offset from UTC (seconds) in force at a UTC instant.
    pub fn offset_at(self, utc: i64) -> i64 {
        let year = crate::time::format_iso(utc)[..4].parse::<i64>().unwrap_or(1970);
        match self {
            Zone::Fixed(o) => o,
            // US: second Sunday of March 2:00 local to first Sunday of November 2:00 local.
            Zone::Us(std) => {
                let start = nth_weekday(year, 3, 0, 2) + 2 * 3600 - std;
                let end = nth_weekday(year, 11, 0, 1) + 2 * 3600 - (std + 3600);
                if utc >= start && utc < end { std + 3600 } else { std }
            }
            // EU: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC.
            Zone::Eu(std) => {
                let start = nth_weekday(year, 3, 0, 0) + 3600;
                let end = nth_weekday(year, 10, 0, 0) + 3600;
                if utc >= start && utc < end { std + 3600 } else { std }
            }
            // Sydney: AEDT (+11) from the first Sunday of October 2:00 standard to the first
            // Sunday of April 3:00 daylight; AEST (+10) between.
            Zone::Sydney => {
                let end = nth_weekday(year, 4, 0, 1) + 3 * 3600 - 11 * 3600;
                let start = nth_weekday(year, 10, 0, 1) + 2 * 3600 - 10 * 3600;
                if utc < end || utc >= start { 11 * 3600 } else { 10 * 3600 }
            }
        }
    }

    /// UTC instant of a local wall-clock time (the offset is taken at the result, so times near
    /// a DST change resolve to the offset in force then).
    pub fn to_utc(self, local: i64) -> i64 {
        let guess = local - self.offset_at(local);
        local - self.offset_at(guess)
    }
}

pub fn parse(expr: &str, zone: Zone) -> Result<Schedule, String> {
    let expr = expr.trim();
    let inner = |prefix: &str| expr.strip_prefix(prefix).and_then(|r| r.strip_suffix(')'));
    if let Some(at) = inner("at(") {
        if at.len() != 19 {
            return Err(format!("`{expr}`: at() takes yyyy-mm-ddThh:mm:ss"));
        }
        return parse_iso_seconds(at).map(|local| Schedule::At(zone.to_utc(local))).map_err(|e| format!("`{expr}`: {e}"));
    }
    if let Some(rate) = inner("rate(") {
        let (value, unit) = rate.trim().split_once(' ').ok_or(format!("`{expr}`: rate(value unit), e.g. rate(5 minutes)"))?;
        let value: i64 = value.parse().map_err(|_| format!("`{expr}`: the rate value must be a positive whole number"))?;
        let unit_s = match unit.trim() {
            "minute" | "minutes" => 60,
            "hour" | "hours" => 3600,
            "day" | "days" => 86400,
            u => return Err(format!("`{expr}`: unit `{u}` is not minute(s), hour(s) or day(s)")),
        };
        if value < 1 || (value == 1) != unit.trim().ends_with(|c| c != 's') {
            return Err(format!("`{expr}`: write rate(1 minute) or rate(N minutes) with N > 1"));
        }
        return Ok(Schedule::Rate { every_s: value * unit_s });
    }
    if let Some(cron) = inner("cron(") {
        return parse_cron(cron).map(|c| Schedule::Cron(Box::new(c))).map_err(|e| format!("`{expr}`: {e}"));
    }
    Err(format!("`{expr}` is not at(...), rate(...) or cron(...)"))
}

fn parse_cron(text: &str) -> Result<Cron, String> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() != 6 {
        return Err(format!("cron takes 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got {}", fields.len()));
    }
    const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let optional = |f: &str, name: &str, lo: u32, hi: u32, names: &[&str]| -> Result<Option<Vec<u32>>, String> { if f == "?" || f == "*" { Ok(None) } else { field(f, name, lo, hi, names).map(Some) } };
    // One of Day-of-month and Day-of-week is `?` (AWS rejects a value, even `*`, in both).
    if (fields[2] == "?") == (fields[4] == "?") {
        return Err("give either Day-of-month or Day-of-week; the other must be ?".into());
    }
    let days = optional(fields[2], "Day-of-month", 1, 31, &[])?;
    let weekdays = optional(fields[4], "Day-of-week", 1, 7, &DAYS)?;
    Ok(Cron {
        minutes: field(fields[0], "Minutes", 0, 59, &[])?,
        hours: field(fields[1], "Hours", 0, 23, &[])?,
        days,
        months: field(fields[3], "Month", 1, 12, &MONTHS)?,
        weekdays,
        years: optional(fields[5], "Year", 1970, 2199, &[])?,
    })
}

fn field(text: &str, name: &str, lo: u32, hi: u32, names: &[&str]) -> Result<Vec<u32>, String> {
    if text.contains(['L', 'W', '#']) && !names.iter().any(|n| text.contains(n)) {
        return Err(format!("{name}: L, W and # are not supported"));
    }
    let value = |v: &str| -> Result<u32, String> {
        if let Some(k) = names.iter().position(|n| n.eq_ignore_ascii_case(v)) {
            return Ok(k as u32 + lo);
        }
        v.parse::<u32>().ok().filter(|n| (lo..=hi).contains(n)).ok_or(format!("{name}: `{v}` is not in {lo}-{hi}"))
    };
    let mut out = Vec::new();
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0).ok_or(format!("{name}: bad step in `{part}`"))?),
            None => (part, 1),
        };
        let (a, b) = match range {
            "*" | "?" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                None if part.contains('/') => (value(r)?, hi),
                None => {
                    let v = value(r)?;
                    (v, v)
                }
            },
        };
        out.extend((a..=b).step_by(step as usize));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

impl Schedule {
    /// The first firing strictly after `after` (Unix seconds), at most five years ahead.
    pub fn next_after(&self, after: i64, zone: Zone, start: i64) -> Option<i64> {
        match self {
            Schedule::At(t) => (*t > after).then_some(*t),
            Schedule::Rate { every_s } => {
                let k = if after < start { 1 } else { (after - start) / every_s + 1 };
                Some(start + k * every_s)
            }
            Schedule::Cron(c) => {
                let local_after = after + zone.offset_at(after);
                let first_day = local_after.div_euclid(86400);
                for day in first_day..first_day + 5 * 366 {
                    let date = crate::time::format_iso(day * 86400);
                    let (y, m, d): (u32, u32, u32) = (date[..4].parse().ok()?, date[5..7].parse().ok()?, date[8..10].parse().ok()?);
                    let dow = ((day + 4).rem_euclid(7) + 1) as u32; // AWS: 1 = SUN
                    if !c.months.contains(&m) || c.years.as_ref().is_some_and(|ys| !ys.contains(&y)) || c.days.as_ref().is_some_and(|ds| !ds.contains(&d)) || c.weekdays.as_ref().is_some_and(|ws| !ws.contains(&dow)) {
                        continue;
                    }
                    for h in &c.hours {
                        for min in &c.minutes {
                            let utc = zone.to_utc(day * 86400 + *h as i64 * 3600 + *min as i64 * 60);
                            if utc > after {
                                return Some(utc);
                            }
                        }
                    }
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{format_iso, parse_iso_seconds as t};

    fn next(expr: &str, zone: &str, after: &str) -> String {
        let z = parse_zone(zone).unwrap();
        format_iso(parse(expr, z).unwrap().next_after(t(after).unwrap(), z, t(after).unwrap()).unwrap())
    }

    #[test]
    fn cron_rate_and_at() {
        // Weekdays at 08:00 UTC.
        assert_eq!(next("cron(0 8 ? * MON-FRI *)", "UTC", "2024-05-03T09:00:00Z"), "2024-05-06T08:00:00Z");
        // Every 15 minutes.
        assert_eq!(next("cron(0/15 * * * ? *)", "UTC", "2024-05-03T09:07:00Z"), "2024-05-03T09:15:00Z");
        assert!(parse("cron(0 8 * * * *)", Zone::Fixed(0)).is_err(), "one of the day fields must be ?");
        // The 1st of the month at 00:30.
        assert_eq!(next("cron(30 0 1 * ? *)", "UTC", "2024-05-03T09:00:00Z"), "2024-06-01T00:30:00Z");
        assert_eq!(next("rate(5 minutes)", "UTC", "2024-05-03T09:00:00Z"), "2024-05-03T09:05:00Z");
        assert_eq!(next("at(2024-05-04T10:00:00)", "UTC", "2024-05-03T09:00:00Z"), "2024-05-04T10:00:00Z");
    }

    #[test]
    fn time_zones_and_daylight_saving() {
        // 08:00 New York is 12:00 UTC in summer (EDT) and 13:00 UTC in winter (EST).
        assert_eq!(next("cron(0 8 * * ? *)", "America/New_York", "2024-07-01T00:00:00Z"), "2024-07-01T12:00:00Z");
        assert_eq!(next("cron(0 8 * * ? *)", "America/New_York", "2024-01-10T00:00:00Z"), "2024-01-10T13:00:00Z");
        // Across the March change (10 March 2024): the 11th is already EDT.
        assert_eq!(next("cron(0 8 * * ? *)", "America/New_York", "2024-03-10T13:00:00Z"), "2024-03-11T12:00:00Z");
        assert_eq!(next("cron(0 9 * * ? *)", "Europe/Paris", "2024-07-01T00:00:00Z"), "2024-07-01T07:00:00Z");
        assert_eq!(next("cron(0 9 * * ? *)", "Australia/Sydney", "2024-07-01T00:00:00Z"), "2024-07-01T23:00:00Z");
        assert_eq!(next("cron(0 9 * * ? *)", "Asia/Kolkata", "2024-07-01T00:00:00Z"), "2024-07-01T03:30:00Z");
        assert_eq!(next("at(2024-07-01T09:00:00)", "Etc/GMT+5", "2024-06-01T00:00:00Z"), "2024-07-01T14:00:00Z");
    }

    #[test]
    fn bad_schedules_say_why() {
        let utc = Zone::Fixed(0);
        for (expr, needle) in [
            ("cron(0 8 * *)", "6 fields"),
            ("cron(0 8 1 * MON *)", "either Day-of-month or Day-of-week"),
            ("cron(61 8 * * ? *)", "Minutes"),
            ("cron(0 8 L * ? *)", "not supported"),
            ("rate(0 minutes)", "rate(1 minute)"),
            ("rate(1 minutes)", "rate(1 minute)"),
            ("rate(5 weeks)", "minute(s), hour(s) or day(s)"),
            ("at(2024-05-04)", "yyyy-mm-ddThh:mm:ss"),
            ("every day", "is not at(...)"),
        ] {
            let err = parse(expr, utc).expect_err(expr);
            assert!(err.contains(needle), "{expr}: {err}");
        }
        assert!(parse_zone("Mars/Olympus").unwrap_err().contains("not known"));
    }
}
