//! batch/v1 CronJobs: the five-field schedule and descriptors (on the EventBridge Scheduler
//! cron of crate::schedule), timeZone, Job names from the scheduled minute, concurrencyPolicy,
//! startingDeadlineSeconds, suspend, history limits and the controller's events. Cases after
//! K8S pkg/controller/cronjob/utils_test.go (TestNextScheduleTime / mostRecentScheduleTime:
//! "*/1 * * * *"-style schedules, a missed time beyond startingDeadlineSeconds not started) and
//! cronjob_controllerv2_test.go (Forbid with an active Job, Replace deleting it).

use stevedore_sim::eks::cronjob_json::get_cron_jobs;
use stevedore_sim::eks::manifest::cronjob::schedule;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};
use stevedore_sim::schedule::parse_zone;
use stevedore_sim::time::{format_iso, parse_iso_seconds as t};

fn next(expr: &str, zone: &str, after: &str) -> String {
    let z = parse_zone(zone).unwrap();
    let s = schedule(expr).unwrap();
    format_iso(s.iter().filter_map(|c| c.next_after(t(after).unwrap(), z, i64::MIN / 4, false)).min().unwrap())
}

#[test]
fn five_field_schedules_and_descriptors() {
    assert_eq!(next("*/5 * * * *", "UTC", "2024-05-03T10:02:00Z"), "2024-05-03T10:05:00Z");
    // Weekdays at 09:00, day-of-week 1-5 from Sunday = 0: Friday 10:00 ⇒ Monday.
    assert_eq!(next("0 9 * * 1-5", "UTC", "2024-05-03T10:00:00Z"), "2024-05-06T09:00:00Z");
    assert_eq!(next("0 0 * * 0", "UTC", "2024-05-01T00:00:00Z"), "2024-05-05T00:00:00Z", "0 is Sunday");
    assert_eq!(next("@hourly", "UTC", "2024-05-03T10:00:00Z"), "2024-05-03T11:00:00Z");
    assert_eq!(next("@weekly", "UTC", "2024-05-03T10:00:00Z"), "2024-05-05T00:00:00Z");
    assert_eq!(next("@monthly", "UTC", "2024-05-03T10:00:00Z"), "2024-06-01T00:00:00Z");
    // Both day fields restricted: cron fires on either (the 13th, or any Friday).
    assert_eq!(next("0 0 13 * 5", "UTC", "2024-09-01T00:00:00Z"), "2024-09-06T00:00:00Z");
    assert_eq!(next("0 0 13 * 5", "UTC", "2024-09-10T00:00:00Z"), "2024-09-13T00:00:00Z");
    // timeZone: 09:00 in Tokyo is 00:00 UTC.
    assert_eq!(next("0 9 * * *", "Asia/Tokyo", "2024-05-03T01:00:00Z"), "2024-05-04T00:00:00Z");
    for bad in ["* * * *", "61 * * * *", "@every 5m", "0 0 L * *"] {
        assert!(schedule(bad).is_err(), "{bad}");
    }
}

fn cron(spec: &str, run_s: i64) -> String {
    format!("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: c, region: us-west-2}}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n  - {{name: ng, instanceType: m5.large, desiredCapacity: 2}}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: hello}}\nspec:\n  schedule: \"* * * * *\"\n{spec}  jobTemplate:\n    spec:\n      template:\n        metadata: {{annotations: {{stevedore.dev/run-seconds: \"{run_s}\"}}}}\n        spec:\n          restartPolicy: OnFailure\n          containers: [{{name: hello, image: busybox, resources: {{requests: {{cpu: 100m}}}}}}]\n---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec: {{start: \"2025-01-01T00:00:00Z\", duration: 30m}}\n")
}

fn job_names(r: &EksRun) -> Vec<String> {
    r.jobs.iter().map(|(j, _)| j.job.name.clone()).collect()
}

/// `hello-<minutes since the epoch>` of sim second `s` (start 2025-01-01T00:00:00Z).
fn name_at(s: i64) -> String {
    format!("hello-{}", (t("2025-01-01T00:00:00Z").unwrap() + s) / 60)
}

#[test]
fn every_minute_creates_named_jobs_and_keeps_three_successful() {
    let m = parse(&cron("", 20)).unwrap();
    let r = run_until(&m, false, 330);
    // Jobs at 60…300; each done ~25 s later; only the three newest successful ones remain.
    assert_eq!(job_names(&r), [name_at(180), name_at(240), name_at(300)]);
    assert_eq!(r.events.iter().filter(|e| e.kind == "CronJob" && e.reason == "SuccessfulCreate").count(), 5);
    let saw: Vec<&str> = r.events.iter().filter(|e| e.reason == "SawCompletedJob").map(|e| e.message.as_str()).collect();
    assert_eq!(saw.len(), 5);
    assert_eq!(saw[0], format!("Saw completed job: {}, condition: Complete", name_at(60)));
    let deleted: Vec<&str> = r.events.iter().filter(|e| e.kind == "CronJob" && e.reason == "SuccessfulDelete").map(|e| e.message.as_str()).collect();
    assert_eq!(deleted, [format!("Deleted job {}", name_at(60)), format!("Deleted job {}", name_at(120))]);
    let list = output::list(&r, t("2025-01-01T00:00:00Z").unwrap());
    let cj = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "CronJob").unwrap();
    assert_eq!(cj["status"]["lastScheduleTime"], "2025-01-01T00:05:00Z");
    let table = get_cron_jobs(list["items"].as_array().unwrap(), t("2025-01-01T00:05:30Z").unwrap(), false);
    let head: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(head, ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE"]);
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row, ["hello", "*", "*", "*", "*", "*", "<none>", "False", "0", "30s", "5m30s"], "{table}");
}

#[test]
fn forbid_waits_and_starts_the_missed_run_unless_past_the_deadline() {
    // Runs take 90 s: the 120 s run is due while the 60 s one is active.
    let m = parse(&cron("  concurrencyPolicy: Forbid\n", 90)).unwrap();
    let r = run_until(&m, false, 170);
    assert!(r.events.iter().any(|e| e.reason == "JobAlreadyActive" && e.message == "Not starting job because prior execution is running and concurrency policy is Forbid"));
    // The first Job ends at 155 (pull 4 s, start 1 s, 90 s): the missed 120 s run starts then.
    let second = r.jobs.iter().find(|(j, _)| j.job.name == name_at(120)).expect("the missed run starts late");
    assert_eq!(second.0.created_at, 155);
    // With startingDeadlineSeconds 10 it is too late at 155 and never runs.
    let m = parse(&cron("  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 10\n", 90)).unwrap();
    let r = run_until(&m, false, 200);
    assert!(!job_names(&r).contains(&name_at(120)), "{:?}", job_names(&r));
    assert!(job_names(&r).contains(&name_at(180)));
}

#[test]
fn replace_deletes_the_running_job() {
    let m = parse(&cron("  concurrencyPolicy: Replace\n", 90)).unwrap();
    let r = run_until(&m, false, 130);
    assert_eq!(job_names(&r), [name_at(120)]);
    assert!(r.events.iter().any(|e| e.kind == "CronJob" && e.reason == "SuccessfulDelete" && e.message == format!("Deleted job {}", name_at(60))));
}

#[test]
fn suspend_creates_nothing() {
    let r = run_until(&parse(&cron("  suspend: true\n", 10)).unwrap(), false, 600);
    assert!(r.jobs.is_empty());
}

#[test]
fn bad_cron_jobs_are_errors_at_their_path() {
    let text = cron("  concurrencyPolicy: Sometimes\n  timeZone: Mars/Olympus\n", 10).replace("\"* * * * *\"", "\"61 * * * *\"");
    let errs: Vec<String> = parse(&text).unwrap_err().iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    let has = |s: &str| errs.iter().any(|e| e.contains(s));
    assert!(has("$[1].spec.schedule: Invalid value"), "{errs:?}");
    assert!(has("$[1].spec.concurrencyPolicy: Unsupported value: \"Sometimes\""), "{errs:?}");
    assert!(has("$[1].spec.timeZone"), "{errs:?}");
    let tz = cron("", 10).replace("\"* * * * *\"", "\"TZ=UTC * * * * *\"");
    assert!(parse(&tz).unwrap_err().iter().any(|e| e.message.contains("use timeZone field instead")));
}
