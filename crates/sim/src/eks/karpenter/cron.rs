//! Five-field cron in UTC (minute hour day-of-month month day-of-week) and the `@` macros, for
//! disruption budget `schedule`s. Day-of-week 0–7 (0 and 7 are Sunday); when both day fields
//! are restricted a match of either is enough (cron's rule). Names (`mon-fri`, `jan`) allowed.

/// Parses a schedule, or says what is wrong.
pub fn parse(s: &str) -> Result<Cron, String> {
    let s = s.trim();
    let expanded = match s {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        other => other,
    };
    let f: Vec<&str> = expanded.split_whitespace().collect();
    if f.len() != 5 {
        return Err(format!("{s:?} must be a cron schedule with five fields (minute hour day-of-month month day-of-week) or @daily, @hourly, @weekly, @monthly, @yearly"));
    }
    let bounds = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    let mut sets = [0u64; 5];
    for (i, field) in f.iter().enumerate() {
        let named = names(field, i);
        let field = &named;
        sets[i] = field_set(field, bounds[i].0, bounds[i].1).ok_or_else(|| format!("{s:?}: field {:?} is not valid cron", field))?;
    }
    if sets[4] & (1 << 7) != 0 {
        sets[4] |= 1;
    }
    Ok(Cron { sets, dom_star: f[2] == "*", dow_star: f[4] == "*" })
}

/// Month (`jan`–`dec`) and day (`sun`–`sat`) names as numbers, case-insensitive.
fn names(field: &str, index: usize) -> String {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let mut out = field.to_ascii_lowercase();
    match index {
        3 => MONTHS.iter().enumerate().for_each(|(i, m)| out = out.replace(m, &(i + 1).to_string())),
        4 => DAYS.iter().enumerate().for_each(|(i, d)| out = out.replace(d, &i.to_string())),
        _ => {}
    }
    out
}

fn field_set(field: &str, lo: u32, hi: u32) -> Option<u64> {
    let mut set = 0u64;
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (a.parse().ok()?, b.parse().ok()?)
        } else {
            let v: u32 = range.parse().ok()?;
            (v, if part.contains('/') { hi } else { v })
        };
        if a < lo || b > hi || a > b {
            return None;
        }
        let mut v = a;
        while v <= b {
            set |= 1 << v;
            v += step;
        }
    }
    Some(set)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cron {
    sets: [u64; 5],
    dom_star: bool,
    dow_star: bool,
}

impl Cron {
    /// Whether the schedule fires in the minute holding `unix_s`.
    pub fn matches(&self, unix_s: i64) -> bool {
        let days = unix_s.div_euclid(86_400);
        let secs = unix_s.rem_euclid(86_400);
        let (minute, hour) = ((secs / 60 % 60) as u32, (secs / 3600) as u32);
        let (_, month, dom) = crate::time::civil_from_days(days);
        let dow = (days + 4).rem_euclid(7) as u32; // 1970-01-01 was a Thursday
        let has = |i: usize, v: u32| self.sets[i] & (1 << v) != 0;
        let day = match (self.dom_star, self.dow_star) {
            (false, false) => has(2, dom) || has(4, dow),
            _ => has(2, dom) && has(4, dow),
        };
        has(0, minute) && has(1, hour) && has(3, month) && day
    }

    /// Whether a firing within the last `duration_s` (inclusive of this minute) is still active.
    /// Bounded: at most one week of minutes is examined.
    pub fn active(&self, unix_s: i64, duration_s: i64) -> bool {
        let minutes = (duration_s / 60).clamp(0, 7 * 24 * 60);
        let this_minute = unix_s - unix_s.rem_euclid(60);
        (0..minutes.max(1)).any(|k| {
            let t = this_minute - k * 60;
            self.matches(t) && unix_s < t + duration_s
        })
    }
}
