//! Time zones for schedules. AWS takes any IANA name; Stevedore ships no tz database (it would
//! weigh more than the rest of the app). It knows UTC, fixed offsets (`Etc/GMT+5`, `+05:30`) and
//! these zones with their current DST rules: the US and EU zones below, Asia/Tokyo,
//! Asia/Singapore, Asia/Kolkata, Australia/Sydney. Other names are a validation error naming the
//! supported ones.

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
pub(super) fn nth_weekday(year: i64, month: u32, weekday: u32, nth: u32) -> i64 {
    let first = crate::time::parse_iso_seconds(&format!("{year:04}-{month:02}-01")).unwrap_or(0);
    let dow = |t: i64| ((t.div_euclid(86400) + 4).rem_euclid(7)) as u32; // 1970-01-01 was a Thursday
    if nth == 0 {
        let last = first + (days_in_month(year, month) as i64 - 1) * 86400;
        return last - ((dow(last) + 7 - weekday) % 7) as i64 * 86400;
    }
    first + ((weekday + 7 - dow(first)) % 7) as i64 * 86400 + (nth as i64 - 1) * 7 * 86400
}

pub(super) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
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

    /// Every UTC instant whose wall clock here reads `local`, earliest first: none in a
    /// spring-forward gap, two in a fall-back overlap, otherwise one. (Offsets change at most
    /// once within a day and a half, so the offsets either side of `local` are the candidates.)
    pub fn instants(self, local: i64) -> Vec<i64> {
        let mut out: Vec<i64> = [self.offset_at(local - 129_600), self.offset_at(local + 129_600)]
            .into_iter()
            .map(|o| local - o)
            .filter(|&utc| utc + self.offset_at(utc) == local)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The UTC instant of a local wall-clock time: the earlier of two in an overlap; in a gap,
    /// the offset before the change applies (02:30 on a New York spring-forward day is 03:30 EDT).
    pub fn to_utc(self, local: i64) -> i64 {
        self.instants(local).first().copied().unwrap_or_else(|| local - self.offset_at(local - 129_600))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{format_iso, parse_iso_seconds as t};

    #[test]
    fn gaps_and_overlaps() {
        let ny = parse_zone("America/New_York").unwrap();
        // 10 March 2024: 02:00 EST jumps to 03:00 EDT; 02:30 never happens.
        assert!(ny.instants(t("2024-03-10T02:30:00Z").unwrap()).is_empty());
        // 3 November 2024: 01:30 happens twice, EDT (05:30 UTC) then EST (06:30 UTC).
        let twice: Vec<String> = ny.instants(t("2024-11-03T01:30:00Z").unwrap()).into_iter().map(format_iso).collect();
        assert_eq!(twice, vec!["2024-11-03T05:30:00Z", "2024-11-03T06:30:00Z"]);
        let paris = parse_zone("Europe/Paris").unwrap();
        assert!(paris.instants(t("2024-03-31T02:30:00Z").unwrap()).is_empty());
        assert_eq!(paris.instants(t("2024-10-27T02:30:00Z").unwrap()).len(), 2);
        let sydney = parse_zone("Australia/Sydney").unwrap();
        assert!(sydney.instants(t("2024-10-06T02:30:00Z").unwrap()).is_empty());
        assert_eq!(sydney.instants(t("2024-04-07T02:30:00Z").unwrap()).len(), 2);
        assert_eq!(ny.instants(t("2024-07-01T09:00:00Z").unwrap()).len(), 1);
    }
}
