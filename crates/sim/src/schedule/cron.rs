//! Six-field cron: `Minutes Hours Day-of-month Month Day-of-week Year`, with the wildcards of
//! AWS's cron reference (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html):
//! `, - * /` everywhere, `?` in the day fields, `L` and `W` in Day-of-month, `L` and `#` in
//! Day-of-week.

use super::zone::days_in_month;

#[derive(Debug, Clone, PartialEq)]
pub struct Cron {
    pub(super) minutes: Vec<u32>,
    pub(super) hours: Vec<u32>,
    pub(super) days: Option<DayOfMonth>,
    pub(super) months: Vec<u32>,
    pub(super) weekdays: Option<DayOfWeek>,
    pub(super) years: Option<Vec<u32>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DayOfMonth {
    Days(Vec<u32>),
    /// `L`: "the last day of the month".
    Last,
    /// `LW`: the last weekday (Monday-Friday) of the month.
    LastWeekday,
    /// `3W`: "the weekday closest to the third day of the month", never leaving the month.
    NearestWeekday(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub enum DayOfWeek {
    /// 1 = SUN … 7 = SAT. A lone `L` is "the last day of the week", Saturday.
    Days(Vec<u32>),
    /// `6L`: the last Friday of the month.
    LastOf(u32),
    /// `3#2`: "the second Tuesday of the month".
    Nth(u32, u32),
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

pub fn parse(text: &str) -> Result<Cron, String> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() != 6 {
        return Err(format!("cron takes 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got {}", fields.len()));
    }
    // One of Day-of-month and Day-of-week is `?` (AWS rejects a value, even `*`, in both).
    if (fields[2] == "?") == (fields[4] == "?") {
        return Err("give either Day-of-month or Day-of-week; the other must be ?".into());
    }
    let any = |f: &str| f == "?" || f == "*";
    Ok(Cron {
        minutes: field(fields[0], "Minutes", 0, 59, &[])?,
        hours: field(fields[1], "Hours", 0, 23, &[])?,
        days: if any(fields[2]) { None } else { Some(day_of_month(fields[2])?) },
        months: field(fields[3], "Month", 1, 12, &MONTHS)?,
        weekdays: if any(fields[4]) { None } else { Some(day_of_week(fields[4])?) },
        years: if fields[5] == "*" { None } else { Some(field(fields[5], "Year", 1970, 2199, &[])?) },
    })
}

fn day_of_month(f: &str) -> Result<DayOfMonth, String> {
    match f {
        "L" => return Ok(DayOfMonth::Last),
        "LW" => return Ok(DayOfMonth::LastWeekday),
        _ => {}
    }
    if f.contains([',', '-', '/']) && f.contains(['L', 'W']) {
        return Err(format!("Day-of-month: `{f}`: L, LW and nW stand alone, not in a list or range"));
    }
    if let Some(d) = f.strip_suffix('W') {
        return match d.parse::<u32>() {
            Ok(d) if (1..=31).contains(&d) => Ok(DayOfMonth::NearestWeekday(d)),
            _ => Err(format!("Day-of-month: `{f}`: W follows one day, 1-31 (e.g. 3W, the weekday closest to the 3rd)")),
        };
    }
    if f.contains(['L', 'W']) {
        return Err(format!("Day-of-month: `{f}`: L, LW and nW stand alone, not in a list or range"));
    }
    field(f, "Day-of-month", 1, 31, &[]).map(DayOfMonth::Days)
}

fn day_of_week(f: &str) -> Result<DayOfWeek, String> {
    let day = |v: &str| -> Result<u32, String> {
        DAYS.iter().position(|n| n.eq_ignore_ascii_case(v)).map(|k| k as u32 + 1).or_else(|| v.parse().ok().filter(|d| (1..=7).contains(d))).ok_or(format!("Day-of-week: `{v}` is not 1-7 or SUN-SAT"))
    };
    if let Some((d, n)) = f.split_once('#') {
        // "If you use a '#' character, you can define only one expression in the day-of-week field."
        if f.contains([',', '-', '/']) {
            return Err(format!("Day-of-week: `{f}`: with # the field holds one expression only (3#1,6#3 is not valid)"));
        }
        return match n.parse::<u32>() {
            Ok(n) if (1..=5).contains(&n) => Ok(DayOfWeek::Nth(day(d)?, n)),
            _ => Err(format!("Day-of-week: `{f}`: after # comes which occurrence in the month, 1-5")),
        };
    }
    if f == "L" {
        return Ok(DayOfWeek::Days(vec![7]));
    }
    // `6L` / `FRIL`; a trailing L on a name must not be confused with JUL-style names (none end in L here).
    if let Some(d) = f.strip_suffix('L') {
        if f.contains([',', '-', '/']) {
            return Err(format!("Day-of-week: `{f}`: nL (the last such day of the month) stands alone"));
        }
        return Ok(DayOfWeek::LastOf(day(d)?));
    }
    field(f, "Day-of-week", 1, 7, &DAYS).map(DayOfWeek::Days)
}

fn field(text: &str, name: &str, lo: u32, hi: u32, names: &[&str]) -> Result<Vec<u32>, String> {
    let value = |v: &str| -> Result<u32, String> {
        if let Some(k) = names.iter().position(|n| n.eq_ignore_ascii_case(v)) {
            return Ok(k as u32 + lo);
        }
        if v.contains(['L', 'W', '#']) {
            let allowed = match name {
                "Day-of-month" => "; L and W belong to Day-of-month on their own",
                "Day-of-week" => "; L and # belong to Day-of-week on their own",
                _ => "",
            };
            return Err(format!("{name}: `{v}`: L, W and # are not allowed here{allowed}"));
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

/// Day of the week, 1 = SUN … 7 = SAT, of a date.
fn weekday(year: i64, month: u32, day: u32) -> u32 {
    let t = crate::time::parse_iso_seconds(&format!("{year:04}-{month:02}-{day:02}")).unwrap_or(0);
    ((t.div_euclid(86400) + 4).rem_euclid(7) + 1) as u32
}

impl Cron {
    /// Whether the date's day fields match (the month and year are checked by the caller).
    pub(super) fn day_matches(&self, year: i64, month: u32, day: u32, dow: u32) -> bool {
        let last = days_in_month(year, month);
        let dom_ok = match &self.days {
            None => true,
            Some(DayOfMonth::Days(ds)) => ds.contains(&day),
            Some(DayOfMonth::Last) => day == last,
            Some(DayOfMonth::LastWeekday) => {
                let lw = match weekday(year, month, last) {
                    1 => last - 2, // Sunday → Friday
                    7 => last - 1, // Saturday → Friday
                    _ => last,
                };
                day == lw
            }
            Some(DayOfMonth::NearestWeekday(n)) => {
                // A day past the month's end (31W in April) means its last day.
                let n = (*n).min(last);
                let target = match weekday(year, month, n) {
                    7 if n == 1 => 3,     // Saturday the 1st → Monday the 3rd
                    7 => n - 1,           // Saturday → Friday
                    1 if n == last => n - 2, // Sunday the last → Friday
                    1 => n + 1,           // Sunday → Monday
                    _ => n,
                };
                day == target
            }
        };
        let dow_ok = match &self.weekdays {
            None => true,
            Some(DayOfWeek::Days(ws)) => ws.contains(&dow),
            Some(DayOfWeek::LastOf(w)) => dow == *w && day + 7 > last,
            Some(DayOfWeek::Nth(w, n)) => dow == *w && (day - 1) / 7 + 1 == *n,
        };
        dom_ok && dow_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matching_days(expr: &str, year: i64, month: u32) -> Vec<u32> {
        let c = parse(expr).unwrap();
        (1..=days_in_month(year, month)).filter(|&d| c.day_matches(year, month, d, weekday(year, month, d))).collect()
    }

    #[test]
    fn l_w_and_hash() {
        // May 2024: the 1st is a Wednesday, the 31st a Friday.
        assert_eq!(matching_days("0 0 L * ? *", 2024, 2), vec![29], "the last day of February in a leap year");
        assert_eq!(matching_days("0 0 L * ? *", 2024, 4), vec![30]);
        // "3#2 would be the second Tuesday of the month"
        assert_eq!(matching_days("0 0 ? * 3#2 *", 2024, 5), vec![14]);
        assert_eq!(matching_days("0 0 ? * FRI#3 *", 2024, 5), vec![17]);
        assert_eq!(matching_days("0 0 ? * 6L *", 2024, 5), vec![31], "the last Friday");
        assert_eq!(matching_days("0 0 ? * L *", 2024, 5), vec![4, 11, 18, 25], "L alone: the last day of the week, Saturday");
        // "3W specifies the weekday closest to the third day of the month"
        assert_eq!(matching_days("0 0 3W * ? *", 2024, 5), vec![3], "Friday the 3rd");
        assert_eq!(matching_days("0 0 4W * ? *", 2024, 5), vec![3], "Saturday the 4th → Friday the 3rd");
        assert_eq!(matching_days("0 0 5W * ? *", 2024, 5), vec![6], "Sunday the 5th → Monday the 6th");
        assert_eq!(matching_days("0 0 1W * ? *", 2024, 6), vec![3], "Saturday 1 June → Monday the 3rd, not May");
        assert_eq!(matching_days("0 0 30W * ? *", 2024, 6), vec![28], "Sunday 30 June → Friday the 28th");
        assert_eq!(matching_days("0 0 LW * ? *", 2024, 6), vec![28]);
    }

    #[test]
    fn misplaced_wildcards_are_refused() {
        for (expr, needle) in [
            ("0 L * * ? *", "Hours"),
            ("0 0 ? * 3#1,6#3 *", "one expression only"),
            ("0 0 ? * 3#6 *", "1-5"),
            ("0 0 1,LW * ? *", "stand alone"),
            ("0 0 32W * ? *", "1-31"),
            ("0 0 ? * 9L *", "1-7"),
            ("0 0 5#1 * ? *", "not allowed here"),
        ] {
            let err = parse(expr).expect_err(expr);
            assert!(err.contains(needle), "{expr}: {err}");
        }
    }
}
