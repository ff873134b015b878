//! `batch/v1` CronJob: `schedule` (five fields `minute hour day-of-month month day-of-week`,
//! day-of-week 0–6 from Sunday, or `@yearly` `@annually` `@monthly` `@weekly` `@daily`
//! `@midnight` `@hourly`), `timeZone` (the names crate::schedule::zone knows), `concurrencyPolicy`,
//! `startingDeadlineSeconds`, `suspend`, the history limits and `jobTemplate` (a Job spec).
//! The schedule reuses the EventBridge Scheduler cron (crate::schedule): a standard cron
//! expression is rewritten into AWS's six fields; when both day fields are restricted, cron
//! (robfig/cron, which Kubernetes uses) fires on either, so that becomes two expressions.

use super::job::{self, JobSpec};
use super::read::{self, key_path};
use crate::error::Errors;
use crate::eks::selector::Labels;
use crate::schedule::{Schedule, Zone};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Concurrency {
    Allow,
    Forbid,
    Replace,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CronJob {
    pub name: String,
    pub namespace: String,
    pub labels: Labels,
    pub schedule_text: String,
    pub time_zone: Option<String>,
    /// One or two AWS crons; the schedule fires at the earliest of them.
    pub crons: Vec<Schedule>,
    pub zone: Zone,
    pub concurrency: Concurrency,
    pub starting_deadline_s: Option<i64>,
    pub suspend: bool,
    pub successful_history: i64,
    pub failed_history: i64,
    pub job: JobSpec,
}

impl CronJob {
    /// The first scheduled instant (unix seconds) after `after`.
    pub fn next_after(&self, after: i64) -> Option<i64> {
        self.crons.iter().filter_map(|s| s.next_after(after, self.zone, i64::MIN / 4, false)).min()
    }
}

/// `0 9 * * 1-5` → AWS crons (`0 9 ? * 2-6 *`).
pub fn schedule(text: &str) -> Result<Vec<Schedule>, String> {
    let text = match text.trim() {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        t if t.starts_with('@') => return Err(format!("{t:?}: the descriptors are @yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly")),
        t => t,
    };
    let f: Vec<&str> = text.split_whitespace().collect();
    if f.len() != 5 {
        return Err(format!("{text:?}: expected exactly 5 fields (minute hour day-of-month month day-of-week), found {}", f.len()));
    }
    if f[..3].iter().any(|x| x.contains(['L', 'W', '#'])) || f[4].contains('#') || f[4].split(',').any(|x| x.len() > 1 && x.ends_with('L') && x.as_bytes()[0].is_ascii_digit()) {
        return Err(format!("{text:?}: L, W and # are not standard cron"));
    }
    let dow = shift_weekdays(f[4])?;
    let star = |x: &str| x == "*" || x == "?";
    let mut exprs = Vec::new();
    match (star(f[2]), star(f[4])) {
        (_, true) => exprs.push(format!("{} {} {} {} ? *", f[0], f[1], if star(f[2]) { "*" } else { f[2] }, f[3])),
        (true, false) => exprs.push(format!("{} {} ? {} {dow} *", f[0], f[1], f[3])),
        (false, false) => {
            exprs.push(format!("{} {} {} {} ? *", f[0], f[1], f[2], f[3]));
            exprs.push(format!("{} {} ? {} {dow} *", f[0], f[1], f[3]));
        }
    }
    exprs.iter().map(|e| crate::schedule::parse(&format!("cron({e})"), Zone::Fixed(0)).map_err(|m| format!("{text:?}: {m}"))).collect()
}

/// Day-of-week 0–6 (and 7) from Sunday → AWS's 1–7 from Sunday; names stay.
fn shift_weekdays(f: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut num = String::new();
    let mut after_slash = false;
    let flush = |num: &mut String, out: &mut String, step: bool| -> Result<(), String> {
        if num.is_empty() {
            return Ok(());
        }
        let n: u32 = num.parse().map_err(|_| format!("day-of-week {num:?}"))?;
        if step {
            out.push_str(num);
        } else if n > 7 {
            return Err(format!("day-of-week {n} is beyond 0-6"));
        } else {
            out.push_str(&((n % 7) + 1).to_string());
        }
        num.clear();
        Ok(())
    };
    for ch in f.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
            continue;
        }
        flush(&mut num, &mut out, after_slash)?;
        after_slash = ch == '/';
        if ch == ',' || ch == '-' {
            after_slash = false;
        }
        out.push(ch);
    }
    flush(&mut num, &mut out, after_slash)?;
    Ok(out)
}

pub fn cron_job(s: &Value, sp: &str, name: String, namespace: String, labels: Labels, e: &mut Errors) -> Option<CronJob> {
    let schedule_text = read::string(s, "schedule", sp, e);
    if schedule_text.is_none() && read::field(s, "schedule").is_none() {
        e.push(key_path(sp, "schedule"), "Required value");
    }
    let time_zone = read::string(s, "timeZone", sp, e);
    let zone = match &time_zone {
        None => Zone::Fixed(0),
        Some(z) => crate::schedule::parse_zone(z).map_err(|m| e.push(key_path(sp, "timeZone"), m)).unwrap_or(Zone::Fixed(0)),
    };
    let crons = match &schedule_text {
        Some(t) if t.contains("TZ=") => {
            e.push(key_path(sp, "schedule"), "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
            None
        }
        Some(t) => schedule(t).map_err(|m| e.push(key_path(sp, "schedule"), format!("Invalid value: {m}"))).ok(),
        None => None,
    };
    let concurrency = match read::string(s, "concurrencyPolicy", sp, e).as_deref() {
        None | Some("Allow") => Concurrency::Allow,
        Some("Forbid") => Concurrency::Forbid,
        Some("Replace") => Concurrency::Replace,
        Some(other) => {
            e.push(key_path(sp, "concurrencyPolicy"), format!("Unsupported value: {other:?}: supported values: \"Allow\", \"Forbid\", \"Replace\""));
            Concurrency::Allow
        }
    };
    let starting_deadline_s = read::int(s, "startingDeadlineSeconds", sp, 0, i64::MAX / 4, e);
    let suspend = read::boolean(s, "suspend", sp, e).unwrap_or(false);
    let successful_history = read::int(s, "successfulJobsHistoryLimit", sp, 0, i32::MAX as i64, e).unwrap_or(3);
    let failed_history = read::int(s, "failedJobsHistoryLimit", sp, 0, i32::MAX as i64, e).unwrap_or(1);
    let Some((jp, jt)) = read::object(s, "jobTemplate", sp, e) else {
        e.push(key_path(sp, "jobTemplate"), "is required");
        return None;
    };
    let Some((jsp, js)) = read::object(jt, "spec", &jp, e) else {
        e.push(key_path(&jp, "spec"), "is required");
        return None;
    };
    let job = job::job_spec(js, &jsp, e)?;
    Some(CronJob { name, namespace, labels, schedule_text: schedule_text.unwrap_or_default(), time_zone, crons: crons?, zone, concurrency, starting_deadline_s, suspend, successful_history, failed_history, job })
}
