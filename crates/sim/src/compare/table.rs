//! The comparison's rows, in the order `stevedore compare` prints them and the app's Compare view
//! shows them. One list, so the two can never disagree; each driver writes money its own way.

use super::Summary;

/// The row labels, in order.
pub const ROWS: [&str; 12] = [
    "cost",
    "cost per hour now",
    "cost per 1,000 requests",
    "tasks running min/avg/max",
    "unplaced task-minutes",
    "pending task-minutes",
    "p95 CPU",
    "requests served",
    "requests failed (5xx)",
    "scaling activities",
    "interruptions",
    "instances used/launched",
];

/// One run's cells, row by row (`ROWS`), with amounts in dollars written by `money`.
pub fn cells(s: &Summary, money: fn(f64) -> String) -> [String; 12] {
    [
        money(s.cost_usd),
        money(s.cost_per_hour_usd),
        s.usd_per_1000_requests.map_or("-".into(), money),
        format!("{:.0}/{:.1}/{:.0}", s.tasks_running_min, s.tasks_running_avg, s.tasks_running_max),
        format!("{:.0}", s.unplaced_task_minutes),
        format!("{:.0}", s.pending_task_minutes),
        s.p95_cpu_percent.map_or("-".into(), |p| format!("{p:.1}%")),
        format!("{:.0}", s.requests_served),
        format!("{:.0}", s.requests_failed),
        s.scaling_activities.to_string(),
        s.interruptions.to_string(),
        format!("{}/{}", s.instances_used, s.instances_launched),
    ]
}
