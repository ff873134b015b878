//! CronJobs as the API server returns them (`batch/v1`: `status.active`, `lastScheduleTime`,
//! `lastSuccessfulTime`) and `kubectl get cronjobs` (`NAME SCHEDULE TIMEZONE SUSPEND ACTIVE
//! LAST SCHEDULE AGE`).

use super::engine::cronjob_ctl::CronJobCtl;
use super::kubectl::{age_of, human_duration, table};
use super::manifest::cronjob::Concurrency;
use crate::time::format_iso;
use serde_json::{json, Value};

/// `active`: the names of its running Jobs.
pub fn cron_job_json(c: &CronJobCtl, active: &[String], start: i64) -> Value {
    let cj = &c.cj;
    let policy = match cj.concurrency {
        Concurrency::Allow => "Allow",
        Concurrency::Forbid => "Forbid",
        Concurrency::Replace => "Replace",
    };
    let mut spec = json!({"schedule": cj.schedule_text, "concurrencyPolicy": policy, "suspend": cj.suspend,
        "successfulJobsHistoryLimit": cj.successful_history, "failedJobsHistoryLimit": cj.failed_history,
        "jobTemplate": {"spec": {"parallelism": cj.job.parallelism, "completions": cj.job.completions, "backoffLimit": cj.job.backoff_limit}}});
    if let Some(z) = &cj.time_zone {
        spec["timeZone"] = json!(z);
    }
    if let Some(d) = cj.starting_deadline_s {
        spec["startingDeadlineSeconds"] = json!(d);
    }
    let mut status = json!({});
    if !active.is_empty() {
        status["active"] = active.iter().map(|n| json!({"apiVersion": "batch/v1", "kind": "Job", "name": n, "namespace": cj.namespace})).collect();
    }
    if let Some(t) = c.last_schedule {
        status["lastScheduleTime"] = json!(format_iso(start + t));
    }
    if let Some(t) = c.last_successful {
        status["lastSuccessfulTime"] = json!(format_iso(start + t));
    }
    json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": cj.name, "namespace": cj.namespace, "labels": cj.labels, "creationTimestamp": format_iso(start)}, "spec": spec, "status": status})
}

pub fn get_cron_jobs(items: &[Value], now_unix_s: i64, all: bool) -> String {
    let mut head: Vec<String> = ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"].iter().map(|s| s.to_string()).collect();
    if all {
        head.insert(0, "NAMESPACE".into());
    }
    let mut rows = vec![head];
    for i in items.iter().filter(|i| i["kind"] == "CronJob" && (all || i["metadata"]["namespace"] == "default")) {
        let (sp, st) = (&i["spec"], &i["status"]);
        let last = st["lastScheduleTime"].as_str().and_then(|t| crate::time::parse_iso_seconds(t).ok()).map_or("<none>".into(), |t| human_duration(now_unix_s - t));
        let suspend = if sp["suspend"] == true { "True" } else { "False" };
        let mut row = vec![
            i["metadata"]["name"].as_str().unwrap_or("").to_string(),
            sp["schedule"].as_str().unwrap_or("").to_string(),
            sp["timeZone"].as_str().unwrap_or("<none>").to_string(),
            suspend.into(),
            st["active"].as_array().map_or(0, |a| a.len()).to_string(),
            last,
            age_of(i, now_unix_s),
        ];
        if all {
            row.insert(0, i["metadata"]["namespace"].as_str().unwrap_or("").to_string());
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return if all { "No resources found\n".into() } else { "No resources found in default namespace.\n".into() };
    }
    table(rows)
}
