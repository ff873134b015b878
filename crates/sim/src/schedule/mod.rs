//! Schedules for Application Auto Scaling scheduled actions (aws-semantics §7.4) and EventBridge
//! Scheduler: `at(...)`, `rate(...)` and 6-field `cron(...)` (`cron.rs`), in UTC or a time zone
//! (`zone.rs`).
//!
//! Daylight saving time follows EventBridge Scheduler
//! (https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst, and the Scheduler
//! guide's schedule types page): "When the time shifts forward in Spring, your schedule invocation
//! gets skipped if the cron expression falls on a non-existent date and time. When the time shifts
//! back in the Fall, your schedule runs only once and doesn't repeat its invocation" (Stevedore
//! runs it at the first of the two instants). A rate is elapsed time: `rate(1 day)` is 24 hours
//! on the clock. Application Auto Scaling documents nothing here; its actions use the same rules.

mod cron;
mod zone;

pub use cron::Cron;
pub use zone::{parse_zone, Zone};

use crate::time::parse_iso_seconds;

#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    At(i64),
    Rate { every_s: i64 },
    Cron(Box<Cron>),
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
        return cron::parse(cron).map(|c| Schedule::Cron(Box::new(c))).map_err(|e| format!("`{expr}`: {e}"));
    }
    Err(format!("`{expr}` is not at(...), rate(...) or cron(...)"))
}

impl Schedule {
    /// The first firing strictly after `after` (Unix seconds), at most five years ahead, for a
    /// schedule that starts at `start`. A cron schedule never fires before `start` (EventBridge
    /// Scheduler's StartDate: "invocations might occur on, or after, the StartDate"). A rate counts
    /// from `start`: with `first_at_start` (EventBridge Scheduler: "you can use the StartDate
    /// property to set the first occurrence of the schedule. If you don't provide a StartDate …
    /// your schedule starts invoking the target immediately") its first firing is `start` itself;
    /// without (Application Auto Scaling) one period later. `at()` ignores `start`.
    pub fn next_after(&self, after: i64, zone: Zone, start: i64, first_at_start: bool) -> Option<i64> {
        match self {
            Schedule::At(t) => (*t > after).then_some(*t),
            Schedule::Rate { every_s } => {
                let first = if first_at_start { start } else { start + every_s };
                Some(if after < first { first } else { first + ((after - first) / every_s + 1) * every_s })
            }
            Schedule::Cron(c) => {
                let after = after.max(start - 1);
                let local_after = after + zone.offset_at(after);
                let first_day = local_after.div_euclid(86400);
                for day in first_day..first_day + 5 * 366 {
                    let date = crate::time::format_iso(day * 86400);
                    let (y, m, d): (u32, u32, u32) = (date[..4].parse().ok()?, date[5..7].parse().ok()?, date[8..10].parse().ok()?);
                    let dow = ((day + 4).rem_euclid(7) + 1) as u32; // AWS: 1 = SUN
                    if !c.months.contains(&m) || c.years.as_ref().is_some_and(|ys| !ys.contains(&y)) || !c.day_matches(y as i64, m, d, dow) {
                        continue;
                    }
                    // Zones change offset at most twice a year, months apart: the same offset a
                    // day and a half either side of this local day means none changes within it.
                    let steady = match zone {
                        Zone::Fixed(o) => Some(o),
                        _ => Some(zone.offset_at(day * 86400 - 129_600)).filter(|&o| o == zone.offset_at(day * 86400 + 216_000)),
                    };
                    for h in &c.hours {
                        for min in &c.minutes {
                            let local = day * 86400 + *h as i64 * 3600 + *min as i64 * 60;
                            // Offsets move by at most an hour, so a wall-clock time two hours
                            // before `after`'s can't be later than it: skip the zone arithmetic.
                            if local <= local_after - 7200 {
                                continue;
                            }
                            // A wall-clock time that doesn't exist is skipped; one that happens
                            // twice runs at its first instant only.
                            let first = match steady {
                                Some(o) => Some(local - o),
                                None => zone.instants(local).first().copied(),
                            };
                            if let Some(utc) = first.filter(|&utc| utc > after) {
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
        format_iso(parse(expr, z).unwrap().next_after(t(after).unwrap(), z, t(after).unwrap(), false).unwrap())
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
            ("cron(0 L * * ? *)", "not allowed here"),
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
